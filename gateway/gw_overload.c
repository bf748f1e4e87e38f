/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Admission control of new calls (gw_overload.h). */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "gw_overload.h"

static const struct rate_ctr_desc ovl_ctr_desc[] = {
	[GW_OVL_CTR_ADMITTED] = { "call:admitted", "new calls admitted" },
	[GW_OVL_CTR_REFUSED_ISUP] = { "call:refused:isup", "IAMs refused (REL cause 42)" },
	[GW_OVL_CTR_REFUSED_SIP] = { "call:refused:sip", "INVITEs refused (503 with Retry-After)" },
	[GW_OVL_CTR_REFUSED_LOAD] = { "refused:load", "calls refused by the load-driven cap" },
	[GW_OVL_CTR_REFUSED_RATE] = { "refused:max_rate", "calls refused by the fixed calls-per-second limit" },
	[GW_OVL_CTR_REFUSED_CALLS] = { "refused:max_calls", "calls refused by the limit of calls at once" },
	[GW_OVL_CTR_ONSET] = { "onset", "times the load-driven cap came on" },
};
static const struct rate_ctr_group_desc ovl_ctrg_desc = {
	.group_name_prefix = "overload",
	.group_description = "admission control",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(ovl_ctr_desc),
	.ctr_desc = ovl_ctr_desc,
};

/* How the cap moves each tick: down by 15 % while the queues grow, up by 3 % while they are near empty (a
 * sawtooth whose mean stays within a few per cent of what the thread can do), by 10 % while they are empty
 * and the thread has a quarter of its threshold to spare (back quickly after a burst brought the cap down) */
#define CAP_DOWN    0.85
#define CAP_UP	    1.03
#define CAP_UP_FAST 1.10
/* the thread pegged this many ticks in a row starts the cap even before a queue forms */
#define CPU_ONSET_TICKS 10
/* a queue this many times the threshold acts at once */
#define SEVERE 8
/* the cap goes off once it has been this many ticks above what is offered */
#define CALM_TICKS 30

static int ovl_log_cat = DLGLOBAL;

void gw_ovl_init(int log_cat)
{
	ovl_log_cat = log_cat;
}

static void ovl_ctr(struct gw_ovl *o, enum gw_ovl_ctr c)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(o->ctrs, c));
}

static void timer_cb(void *data)
{
	struct gw_ovl *o = data;
	struct gw_ovl_sample s = { 0 };
	if (o->ops && o->ops->sample)
		o->ops->sample(&s, o->priv);
	gw_ovl_tick(o, &s);
	osmo_timer_schedule(&o->timer, 0, GW_OVL_TICK_MS * 1000);
}

struct gw_ovl *gw_ovl_alloc(void *ctx)
{
	struct gw_ovl *o = talloc_zero(ctx, struct gw_ovl);
	if (!o)
		return NULL;
	o->cfg = (struct gw_ovl_cfg){
		.enabled = true,
		.cpu_high = GW_OVL_CPU_HIGH_DEFAULT,
		.backlog_kib = GW_OVL_BACKLOG_DEFAULT,
		.retry_after_s = GW_OVL_RETRY_AFTER_DEFAULT,
	};
	o->ctrs = rate_ctr_group_alloc(o, &ovl_ctrg_desc, 0);
	osmo_timer_setup(&o->timer, timer_cb, o);
	osmo_clock_gettime(CLOCK_MONOTONIC, &o->last_fill);
	return o;
}

void gw_ovl_set_ops(struct gw_ovl *o, const struct gw_ovl_ops *ops, void *priv)
{
	o->ops = ops;
	o->priv = priv;
}

void gw_ovl_start(struct gw_ovl *o)
{
	osmo_timer_schedule(&o->timer, 0, GW_OVL_TICK_MS * 1000);
}

void gw_ovl_stop(struct gw_ovl *o)
{
	osmo_timer_del(&o->timer);
}

static void set_level(struct gw_ovl *o, uint8_t level)
{
	if (level == o->level)
		return;
	o->level = level;
	if (o->ops && o->ops->level_changed)
		o->ops->level_changed(level, o->priv);
}

static void cap_off(struct gw_ovl *o, const char *why)
{
	o->active = false;
	LOGP(ovl_log_cat, LOGL_NOTICE, "overload: cap off (%s), admitting every new call again\n", why);
	set_level(o, 0);
}

void gw_ovl_tick(struct gw_ovl *o, const struct gw_ovl_sample *s)
{
	const double per_s = 1000.0 / GW_OVL_TICK_MS;
	size_t high = (size_t)o->cfg.backlog_kib * 1024;
	o->offered_rate = 0.7 * o->offered_rate + 0.3 * o->arrivals * per_s;
	o->admitted_rate = 0.7 * o->admitted_rate + 0.3 * o->admitted * per_s;
	bool cpu_over = s->cpu_pct >= o->cfg.cpu_high;
	o->cpu_over_ticks = cpu_over ? o->cpu_over_ticks + 1 : 0;
	/* bursts fill the queues for a moment even when the thread has room: what counts is a queue that stays
	 * (smoothed over ticks), or one so long that waiting for a second look would overflow it */
	o->backlog_avg = (o->backlog_avg + s->backlog) / 2;
	bool over = o->backlog_avg >= high || s->backlog >= SEVERE * high;
	/* the queues grow: over the threshold now and not shrinking by an eighth of it since the last tick (a
	 * queue that has drained is not growing, whatever its smoothed length still says) */
	bool growing = s->backlog >= high && s->backlog + high / 8 > o->prev_backlog;
	bool room = o->backlog_avg < high / 4 && s->cpu_pct < o->cfg.cpu_high;

	if (!o->cfg.enabled) {
		o->cpu_over_ticks = 0;
		if (o->active)
			cap_off(o, "disabled");
	} else if (!o->active && (over || o->cpu_over_ticks >= CPU_ONSET_TICKS)) {
		o->active = true;
		o->limit = o->admitted_rate > 10 ? o->admitted_rate * CAP_DOWN : 10;
		o->tokens = 0;
		o->calm_ticks = 0;
		ovl_ctr(o, GW_OVL_CTR_ONSET);
		LOGP(ovl_log_cat, LOGL_NOTICE,
		     "overload: control thread at %u %% of a core, %zu KiB waiting to be read: new calls capped at "
		     "%.0f/s (offered %.0f/s)\n",
		     s->cpu_pct, s->backlog / 1024, o->limit, o->offered_rate);
	} else if (o->active) {
		if (growing) {
			o->limit = o->limit * CAP_DOWN > 1 ? o->limit * CAP_DOWN : 1;
			o->calm_ticks = 0;
		} else if (room) {
			bool idle = o->backlog_avg < high / 16 && s->cpu_pct < o->cfg.cpu_high * 3 / 4;
			o->limit = o->limit * (idle ? CAP_UP_FAST : CAP_UP) + 1;
			if (o->limit > 1.2 * o->offered_rate + 10)
				o->calm_ticks++;
			else
				o->calm_ticks = 0;
			if (o->calm_ticks >= CALM_TICKS)
				cap_off(o, "the load is below the cap");
		}
	}
	if (o->active) {
		/* level 2 while the queues are over the threshold or most new calls are refused */
		bool severe = over || o->refused > o->admitted;
		set_level(o, severe ? 2 : 1);
	}
	if (o->active)
		LOGP(ovl_log_cat, LOGL_DEBUG,
		     "overload: cpu %u %%, queues %zu KiB (smoothed %zu), offered %.0f/s, admitted %.0f/s, cap %.0f/s\n",
		     s->cpu_pct, s->backlog / 1024, o->backlog_avg / 1024, o->offered_rate, o->admitted_rate, o->limit);
	o->last = *s;
	o->prev_backlog = s->backlog;
	o->arrivals = o->admitted = o->refused = 0;
}

static double elapsed_s(struct gw_ovl *o)
{
	struct timespec now;
	osmo_clock_gettime(CLOCK_MONOTONIC, &now);
	double d = (double)(now.tv_sec - o->last_fill.tv_sec) + (double)(now.tv_nsec - o->last_fill.tv_nsec) / 1e9;
	o->last_fill = now;
	return d > 0 ? d : 0;
}

/* A bucket filled at rate per second for dt seconds, holding at most 50 ms of it (and at least one call). */
static void fill(double *tokens, double rate, double dt)
{
	double burst = rate / 20 > 1 ? rate / 20 : 1;
	*tokens += dt * rate;
	if (*tokens > burst)
		*tokens = burst;
}

bool gw_ovl_admit(struct gw_ovl *o, enum gw_ovl_dir dir, unsigned n_calls)
{
	double dt = elapsed_s(o);
	enum gw_ovl_ctr why = GW_OVL_CTR_ADMITTED;
	o->arrivals++;
	/* both buckets fill with the time that passed; a token is taken only from an admission */
	fill(&o->tokens, o->limit, dt);
	fill(&o->rate_tokens, o->cfg.max_rate, dt);
	if (o->cfg.max_calls && n_calls >= o->cfg.max_calls)
		why = GW_OVL_CTR_REFUSED_CALLS;
	else if (o->cfg.max_rate && o->rate_tokens < 1)
		why = GW_OVL_CTR_REFUSED_RATE;
	else if (o->active && o->tokens < 1)
		why = GW_OVL_CTR_REFUSED_LOAD;
	if (why == GW_OVL_CTR_ADMITTED) {
		if (o->active)
			o->tokens -= 1;
		if (o->cfg.max_rate)
			o->rate_tokens -= 1;
		o->admitted++;
		ovl_ctr(o, GW_OVL_CTR_ADMITTED);
		return true;
	}
	o->refused++;
	ovl_ctr(o, why);
	ovl_ctr(o, dir == GW_OVL_FROM_ISUP ? GW_OVL_CTR_REFUSED_ISUP : GW_OVL_CTR_REFUSED_SIP);
	return false;
}

char *gw_ovl_show(void *ctx, const struct gw_ovl *o)
{
	char *s = talloc_asprintf(ctx, "Admission control: %s, %s\n",
				  o->cfg.enabled ? "load-driven cap enabled" : "load-driven cap disabled",
				  o->active ? "OVERLOADED" : "normal");
	s = talloc_asprintf_append(s, "  control thread %u %% of a core (threshold %u %%)\n", o->last.cpu_pct,
				   o->cfg.cpu_high);
	s = talloc_asprintf_append(s, "  receive queues %zu KiB (threshold %u KiB)\n", o->last.backlog / 1024,
				   o->cfg.backlog_kib);
	s = talloc_asprintf_append(s, "  new calls offered %.0f/s, admitted %.0f/s", o->offered_rate, o->admitted_rate);
	if (o->active)
		s = talloc_asprintf_append(s, ", cap %.0f/s, congestion level %u", o->limit, o->level);
	s = talloc_asprintf_append(s, "\n  fixed limits: %u calls/s, %u calls at once (0: none); Retry-After %u s\n",
				   o->cfg.max_rate, o->cfg.max_calls, o->cfg.retry_after_s);
	for (unsigned i = 0; i < ARRAY_SIZE(ovl_ctr_desc); i++)
		s = talloc_asprintf_append(s, "  %-20s %" PRIu64 "\n", ovl_ctr_desc[i].name,
					   rate_ctr_group_get_ctr(o->ctrs, i)->current);
	return s;
}
