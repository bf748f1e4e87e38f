/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Call detail records: the record a call fills (gw_cdr_*() hooks called by gw_call.c) and its delivery to
 * the sinks. A sink gets the record at answer (kind start: what accounting calls Start), every interim
 * interval while the call is answered, and at the end of every call, answered or not. */

#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "gw.h"
#include "gw_call.h"
#include "gw_cdr.h"
#include "gw_media.h"

static int cdr_log_cat = DLGLOBAL;

void gw_cdr_init(int log_cat)
{
	cdr_log_cat = log_cat;
}

struct gw_cdr *gw_cdr_alloc(struct gw *gw)
{
	struct gw_cdr *cdr = talloc_zero(gw, struct gw_cdr);
	if (!cdr)
		return NULL;
	cdr->gw = gw;
	INIT_LLIST_HEAD(&cdr->sinks);
	cdr->file = gw_cdr_file_alloc(cdr, cdr_log_cat);
	if (cdr->file)
		gw_cdr_sink_add(cdr, gw_cdr_file_sink(cdr->file));
	return cdr;
}

void gw_cdr_start(struct gw_cdr *cdr)
{
	cdr->started = true;
	gw_cdr_file_apply(cdr->file);
}

void gw_cdr_sink_add(struct gw_cdr *cdr, struct gw_cdr_sink *s)
{
	llist_add_tail(&s->list, &cdr->sinks);
}

static bool any_active(struct gw_cdr *cdr)
{
	struct gw_cdr_sink *s;
	if (!cdr)
		return false;
	llist_for_each_entry(s, &cdr->sinks, list)
		if (s->active(s))
			return true;
	return false;
}

static void deliver(struct gw_cdr *cdr, const struct gw_cdr_rec *r, enum gw_cdr_kind kind, int64_t now)
{
	struct gw_cdr_sink *s;
	llist_for_each_entry(s, &cdr->sinks, list)
		if (s->active(s))
			s->record(s, r, kind, now);
}

/* ---- numbers ---- */

static void isup_num(struct gw_cdr_number *out, const struct isup_msg *m, uint8_t p, bool has_pres)
{
	struct isup_number n;
	if (!m || isup_msg_get_number(m, p, &n))
		return;
	snprintf(out->digits, sizeof(out->digits), "%s", n.digits);
	size_t l = strlen(out->digits);
	if (l && (out->digits[l - 1] == 'F' || out->digits[l - 1] == 'f'))
		out->digits[l - 1] = 0; /* ST: end of pulsing, not a digit */
	out->nai = (int8_t)n.nai;
	out->pres = has_pres ? (int8_t)n.apri : -1;
}

static void nums_clear(struct gw_cdr_numbers *ns)
{
	memset(ns, 0, sizeof(*ns));
	ns->calling.nai = ns->called.nai = ns->redirecting.nai = ns->orig_called.nai = -1;
	ns->calling.pres = ns->called.pres = ns->redirecting.pres = ns->orig_called.pres = -1;
}

static void isup_nums(struct gw_cdr_numbers *ns, const struct isup_msg *iam)
{
	nums_clear(ns);
	isup_num(&ns->calling, iam, ISUP_PAR_CALLING, true);
	isup_num(&ns->called, iam, ISUP_PAR_CALLED, false);
	isup_num(&ns->redirecting, iam, ISUP_PAR_REDIRECTING, true);
	isup_num(&ns->orig_called, iam, ISUP_PAR_ORIG_CALLED, true);
}

/* a SIP URI's (or name-addr's) user: "+" makes it international (E.164), otherwise its nature is unknown */
static void sip_num(struct gw_cdr_number *out, const char *uri, bool restricted, bool has_pres)
{
	char user[80];
	if (!uri || !uri[0] || gw_map_uri_user(uri, user, sizeof(user)) || !user[0])
		return;
	snprintf(out->digits, sizeof(out->digits), "%s", user);
	out->nai = user[0] == '+' ? ISUP_NAI_INTERNATIONAL : ISUP_NAI_UNKNOWN;
	out->pres = has_pres ? (restricted ? 1 : 0) : -1;
}

static void sip_nums(struct gw_cdr_numbers *ns, const char *ruri, const char *from, const char *pai,
		     const char *privacy, const char *diversion, const char *history_info)
{
	bool restricted = strcasestr(privacy, "id") || strcasestr(privacy, "user") || strcasestr(privacy, "header");
	nums_clear(ns);
	sip_num(&ns->calling, pai[0] ? pai : from, restricted, true);
	sip_num(&ns->called, ruri, false, false);
	sip_num(&ns->redirecting, diversion, false, true);
	sip_num(&ns->orig_called, history_info, false, true);
}

/* ---- the hooks ---- */

static void interim_cb(void *data);

void gw_cdr_begin(struct gw_call *c)
{
	struct gw_cdr *cdr = c->gw->cdr;
	if (!any_active(cdr))
		return;
	struct gw_cdr_rec *r = talloc_zero(c, struct gw_cdr_rec);
	if (!r)
		return;
	snprintf(r->id, sizeof(r->id), "%s", c->fi->id);
	r->from_isup = c->from_isup;
	r->start_ms = gw_cdr_now_ms();
	r->remote_lost = r->rx_packets = r->tx_packets = r->lost = -1;
	r->jitter_ms = r->remote_jitter_ms = r->rtt_ms = -1;
	r->call = c;
	osmo_timer_setup(&r->interim, interim_cb, r);
	c->cdr = r;
}

void gw_cdr_isup(struct gw_call *c, const struct isup_msg *iam)
{
	struct gw_cdr_rec *r = c->cdr;
	if (!r)
		return;
	if (c->tg) {
		snprintf(r->trunk, sizeof(r->trunk), "%s", c->tg->name);
		r->opc = c->tg->opc;
		r->dpc = c->tg->dpc;
	}
	if (c->ic && c->ic->circ)
		r->cic = c->ic->circ->cic;
	if (!iam)
		return;
	isup_nums(c->from_isup ? &r->in : &r->out, iam);
}

/* ISUP -> SIP: the called number as received grows with SAMs (the overlap child holds it; it is gone by
 * the call's cleanup, so this is taken with each INVITE and at the first release) */
static void sam_digits(struct gw_cdr_rec *r, const struct gw_call *c)
{
	if (c->from_isup && c->ovl && strlen(c->ovl->digits) > strlen(r->in.called.digits))
		snprintf(r->in.called.digits, sizeof(r->in.called.digits), "%s", c->ovl->digits);
}

void gw_cdr_sip_out(struct gw_call *c, const struct sip_invite_req *req)
{
	struct gw_cdr_rec *r = c->cdr;
	if (!r)
		return;
	sam_digits(r, c);
	sip_nums(&r->out, req->ruri, req->from, req->pai, req->privacy, req->diversion, req->history_info);
	if (c->peer) {
		snprintf(r->sip_peer, sizeof(r->sip_peer), "%s", c->peer->name);
		snprintf(r->sip_remote, sizeof(r->sip_remote), "%s:%u", c->peer->host, c->peer->port);
	}
	snprintf(r->call_id, sizeof(r->call_id), "%s", c->call_id);
	snprintf(r->from_tag, sizeof(r->from_tag), "%s", c->from_tag);
	r->to_tag[0] = 0; /* a new INVITE, a new dialog */
}

void gw_cdr_sip_in(struct gw_call *c, const struct sip_invite *inv)
{
	struct gw_cdr_rec *r = c->cdr;
	if (!r)
		return;
	sip_nums(&r->in, inv->ruri, inv->from, inv->pai, inv->privacy, inv->diversion, inv->history_info);
	if (c->peer)
		snprintf(r->sip_peer, sizeof(r->sip_peer), "%s", c->peer->name);
	snprintf(r->sip_remote, sizeof(r->sip_remote), "%s:%u", inv->src_addr, inv->src_port);
	snprintf(r->call_id, sizeof(r->call_id), "%s", inv->call_id);
	snprintf(r->from_tag, sizeof(r->from_tag), "%s", inv->from_tag);
}

static void leg_tag(struct gw_cdr_rec *r, const struct sip_leg *leg)
{
	const char *t = leg ? sip_leg_to_tag(leg) : NULL;
	if (t && t[0])
		snprintf(r->to_tag, sizeof(r->to_tag), "%s", t);
}

static void media_snapshot(struct gw_cdr_rec *r, struct gw_call *c)
{
	int pt = -1;
	if (c->mc) {
		const struct media_stats *st = media_chan_stats(c->mc);
		const struct media_remote *rm = media_chan_get_remote(c->mc);
		r->has_media = true;
		r->rx_packets = st->rx_packets;
		r->tx_packets = st->tx_packets;
		r->lost = st->lost;
		r->jitter_ms = (int32_t)st->jitter_ms;
		r->remote_lost = st->remote_lost;
		r->remote_jitter_ms = (int32_t)st->remote_jitter_ms;
		r->rtt_ms = st->has_rtt ? (int32_t)st->rtt_ms : -1;
		if (rm && rm->port)
			pt = rm->pt;
	}
	if (pt < 0 && c->has_offer && c->offer.n_pts)
		pt = c->offer.pts[0];
	if (pt == 0 || pt == 8)
		snprintf(r->codec, sizeof(r->codec), "%s", pt ? "PCMA" : "PCMU");
}

static void interim_schedule(struct gw_cdr_rec *r, struct gw *gw)
{
	unsigned min = gw->cdr->interim_min;
	if (min)
		osmo_timer_schedule(&r->interim, (int)min * 60, 0);
}

static void interim_cb(void *data)
{
	struct gw_cdr_rec *r = data;
	struct gw_call *c = r->call;
	if (!c || r->ended)
		return;
	media_snapshot(r, c);
	if (c->leg)
		leg_tag(r, c->leg);
	r->n_interim++;
	deliver(c->gw->cdr, r, GW_CDR_KIND_INTERIM, gw_cdr_now_ms());
	interim_schedule(r, c->gw);
}

void gw_cdr_state(struct gw_call *c, unsigned state)
{
	struct gw_cdr_rec *r = c->cdr;
	if (!r)
		return;
	int64_t now = gw_cdr_now_ms();
	if (state == GW_CALL_ST_ALERTING && !r->alert_ms && !r->answer_ms)
		r->alert_ms = now;
	if (state != GW_CALL_ST_ACTIVE || r->answer_ms)
		return;
	r->answer_ms = now;
	if (c->leg)
		leg_tag(r, c->leg);
	if (c->ic && c->ic->circ)
		r->cic = c->ic->circ->cic; /* the circuit it ended on (dual seizure, cause 44) */
	deliver(c->gw->cdr, r, GW_CDR_KIND_START, now);
	interim_schedule(r, c->gw);
}

void gw_cdr_sip_status(struct gw_call *c, int status)
{
	if (c->cdr && status >= 200)
		c->cdr->sip_status = status;
}

void gw_cdr_leg(struct gw_call *c, const struct sip_leg *leg)
{
	if (c->cdr)
		leg_tag(c->cdr, leg);
}

static void release_set(struct gw_cdr_rec *r, enum gw_cdr_side side, enum gw_cdr_reason reason, uint8_t cause,
			uint8_t location)
{
	r->released_by = side;
	r->reason = reason;
	r->cause = cause;
	r->location = location;
}

void gw_cdr_release(struct gw_call *c, enum gw_cdr_side side, enum gw_cdr_reason reason, uint8_t cause,
		    uint8_t location)
{
	struct gw_cdr_rec *r = c->cdr;
	if (!r || r->released_by != GW_CDR_SIDE_NONE)
		return;
	sam_digits(r, c);
	release_set(r, side, reason, cause, location);
}

void gw_cdr_release_isup(struct gw_call *c, const struct isup_msg *m, const struct isup_cause *cause)
{
	enum gw_cdr_reason why = GW_CDR_R_LOCAL;
	uint8_t cv = cause ? cause->cause : Q850_NORMAL_UNSPECIFIED;
	if (m && m->type == ISUP_MT_REL)
		why = GW_CDR_R_REL;
	else if (cv == Q850_RECOVERY_ON_TIMER_EXPIRY)
		why = GW_CDR_R_TIMER;
	else if (cv == Q850_SWITCH_CONGESTION)
		why = GW_CDR_R_OVERLOAD; /* an OLM */
	gw_cdr_release(c, GW_CDR_SIDE_PSTN, why, cv, cause ? cause->location : Q850_LOC_PUB_LOCAL);
}

void gw_cdr_release_sip(struct gw_call *c, const struct sip_leg *leg, int status, uint8_t cause, uint8_t location)
{
	struct gw_cdr_rec *r = c->cdr;
	if (!r)
		return;
	leg_tag(r, leg);
	bool answered = sip_leg_answered(leg);
	enum gw_cdr_reason why = GW_CDR_R_RESPONSE;
	if (!status)
		why = answered ? GW_CDR_R_BYE : GW_CDR_R_CANCEL;
	else if (answered)
		why = GW_CDR_R_PEER_GONE; /* the in-dialog keepalive's 408/481, or a transport failure */
	if (status >= 300 && !answered)
		r->sip_status = status;
	gw_cdr_release(c, GW_CDR_SIDE_SIP, why, cause, location);
}

static void end(struct gw_cdr *cdr, struct gw_cdr_rec *r)
{
	r->ended = true;
	osmo_timer_del(&r->interim);
	deliver(cdr, r, GW_CDR_KIND_END, r->end_ms);
}

void gw_cdr_end(struct gw_call *c)
{
	struct gw_cdr_rec *r = c->cdr;
	if (!r || r->ended)
		return;
	r->end_ms = gw_cdr_now_ms();
	media_snapshot(r, c);
	if (c->leg)
		leg_tag(r, c->leg);
	if (r->released_by == GW_CDR_SIDE_NONE) /* the overlap child is gone by now: no sam_digits() */
		release_set(r, GW_CDR_SIDE_GATEWAY, GW_CDR_R_LOCAL, Q850_TEMPORARY_FAILURE, Q850_LOC_PUB_LOCAL);
	end(c->gw->cdr, r);
	r->call = NULL;
}

void gw_cdr_flush(struct gw *gw)
{
	struct gw_call *c;
	llist_for_each_entry(c, &gw->calls, list) {
		gw_cdr_release(c, GW_CDR_SIDE_GATEWAY, GW_CDR_R_SHUTDOWN, Q850_NORMAL_CLEARING, Q850_LOC_PUB_LOCAL);
		gw_cdr_end(c);
	}
}

void gw_cdr_refused(struct gw *gw, bool from_isup, const struct isup_call *ic, const struct isup_msg *iam,
		    const struct sip_invite *inv, uint8_t cause, int sip_status)
{
	static uint32_t n;
	struct gw_cdr_rec r = { .from_isup = from_isup };
	if (!any_active(gw->cdr))
		return;
	snprintf(r.id, sizeof(r.id), "refused-%u", ++n);
	r.start_ms = r.end_ms = gw_cdr_now_ms();
	r.remote_lost = r.rx_packets = r.tx_packets = r.lost = -1;
	r.jitter_ms = r.remote_jitter_ms = r.rtt_ms = -1;
	r.released_by = GW_CDR_SIDE_GATEWAY;
	r.reason = GW_CDR_R_OVERLOAD;
	r.cause = cause;
	r.location = Q850_LOC_PUB_LOCAL;
	r.sip_status = sip_status;
	nums_clear(&r.in);
	nums_clear(&r.out);
	if (ic && ic->tg) {
		snprintf(r.trunk, sizeof(r.trunk), "%s", ic->tg->name);
		r.opc = ic->tg->opc;
		r.dpc = ic->tg->dpc;
		r.cic = ic->circ ? ic->circ->cic : 0;
	}
	if (iam)
		isup_nums(&r.in, iam);
	if (inv) {
		sip_nums(&r.in, inv->ruri, inv->from, inv->pai, inv->privacy, inv->diversion, inv->history_info);
		snprintf(r.sip_remote, sizeof(r.sip_remote), "%s:%u", inv->src_addr, inv->src_port);
		snprintf(r.call_id, sizeof(r.call_id), "%s", inv->call_id);
		snprintf(r.from_tag, sizeof(r.from_tag), "%s", inv->from_tag);
	}
	r.ended = true;
	deliver(gw->cdr, &r, GW_CDR_KIND_END, r.end_ms);
}
