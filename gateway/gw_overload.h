/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Admission control: new calls are refused at once, cheaply, when the control thread cannot keep up, so that
 * the calls it has accepted complete (issue "overload control"; docs/architecture.md, Overload).
 *
 * Every 100 ms the sampler reads the control thread's CPU share and the bytes waiting in the kernel's receive
 * queues of its signalling sockets (SIP over UDP, M3UA/MTP2). Above a threshold the controller caps the rate
 * of new calls (a token bucket), lowering the cap while the load stays high and raising it again once the
 * thread has room; a call over the cap is refused: REL cause 42 with an automatic congestion level (Q.764
 * 2.11) toward ISUP, 503 with Retry-After toward SIP. Fixed limits (calls per second, calls at once) apply
 * on top. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/timer.h>

#define GW_OVL_TICK_MS 100

/* clang-format off */
#define GW_OVL_CPU_HIGH_DEFAULT 95	/* % of one core held for a second: the cap comes on; never raised above */
#define GW_OVL_BACKLOG_DEFAULT 64	/* KiB waiting in receive queues: above, the cap goes down */
#define GW_OVL_RETRY_AFTER_DEFAULT 10	/* s, the 503's Retry-After */
/* clang-format on */

struct gw_ovl_cfg {
	bool enabled; /* the load-driven cap (fixed limits apply regardless) */
	unsigned cpu_high;
	unsigned backlog_kib;
	unsigned max_rate;  /* new calls per second, 0: no fixed limit */
	unsigned max_calls; /* calls at once, 0: no limit */
	unsigned retry_after_s;
};

/* What the sampler saw over one tick. */
struct gw_ovl_sample {
	unsigned cpu_pct; /* the control thread's share of one core */
	size_t backlog;	  /* bytes waiting in the signalling sockets' receive queues */
};

enum gw_ovl_dir {
	GW_OVL_FROM_ISUP,
	GW_OVL_FROM_SIP,
};

struct gw_ovl_ops {
	/* the sampler: called once per tick from the timer (NULL: only gw_ovl_tick() drives the controller) */
	void (*sample)(struct gw_ovl_sample *s, void *priv);
	/* the congestion level changed (ACL in the RELs sent from now on) */
	void (*level_changed)(uint8_t level, void *priv);
};

enum gw_ovl_ctr {
	GW_OVL_CTR_ADMITTED,
	GW_OVL_CTR_REFUSED_ISUP,
	GW_OVL_CTR_REFUSED_SIP,
	GW_OVL_CTR_REFUSED_LOAD,
	GW_OVL_CTR_REFUSED_RATE,
	GW_OVL_CTR_REFUSED_CALLS,
	GW_OVL_CTR_ONSET,
};

struct gw_ovl {
	struct gw_ovl_cfg cfg;
	const struct gw_ovl_ops *ops;
	void *priv;
	struct osmo_timer_list timer;
	struct rate_ctr_group *ctrs;
	/* the controller */
	bool active;	    /* the load-driven cap is on */
	double limit;	    /* its calls per second */
	double tokens;	    /* its bucket */
	double rate_tokens; /* the fixed max_rate's bucket */
	struct timespec last_fill;
	struct gw_ovl_sample last;
	size_t prev_backlog;
	size_t backlog_avg;		      /* smoothed over ticks (each tick halves the weight of the past) */
	unsigned arrivals, admitted, refused; /* this tick */
	double offered_rate, admitted_rate;   /* smoothed, per second */
	unsigned calm_ticks;		      /* ticks in a row with room to spare */
	unsigned cpu_over_ticks;	      /* ticks in a row at cpu_high or more */
	uint8_t level;			      /* 0 normal, 1 or 2: what ACL says (Q.763 3.3) */
};

void gw_ovl_init(int log_cat);
struct gw_ovl *gw_ovl_alloc(void *ctx);
void gw_ovl_set_ops(struct gw_ovl *o, const struct gw_ovl_ops *ops, void *priv);
/* Sampling every GW_OVL_TICK_MS from the select loop's timers. */
void gw_ovl_start(struct gw_ovl *o);
void gw_ovl_stop(struct gw_ovl *o);
/* One controller step on a sample (the timer's; tests call it directly). */
void gw_ovl_tick(struct gw_ovl *o, const struct gw_ovl_sample *s);
/* A new call: may it go on? n_calls: calls up now. Counts the verdict. */
bool gw_ovl_admit(struct gw_ovl *o, enum gw_ovl_dir dir, unsigned n_calls);
/* 0, 1 or 2 (the automatic congestion level to send) */
static inline uint8_t gw_ovl_level(const struct gw_ovl *o)
{
	return o->level;
}
char *gw_ovl_show(void *ctx, const struct gw_ovl *o);
