/* SPDX-License-Identifier: GPL-2.0-or-later */
/* call_fsm: one call through the gateway, binding an ISUP call and a SIP leg (RFC 3398 s7, s8, s10).
 * ISUP -> SIP: the gateway is the UAC; SIP -> ISUP: the UAS. The call ends when both halves are gone;
 * each half is released exactly once, with the cause or status the other half gave.
 * How the called number grows (overlap, RFC 3578 both ways, X2) is the child FSM in gw_overlap.c.
 * Over 1,000 lines, on purpose: it is one FSM, both directions' actions, and they share the helpers that
 * release a half, build a body and pick the SDP; split by direction, those would become an internal API
 * that changes whenever the call does. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "gw.h"
#include "gw_call.h"
#include "gw_cause.h"
#include "gw_media.h"
#include "gw_maint.h"
#include "gw_metrics.h"
#include "gw_route.h"

static int gw_log_cat = DLGLOBAL;
static struct osmo_fsm gw_call_fsm;

/* clang-format off */
static const struct value_string ev_names[] = {
	OSMO_VALUE_STRING(GW_CALL_EV_ISUP_ALERTING),
	OSMO_VALUE_STRING(GW_CALL_EV_ISUP_PROGRESS),
	OSMO_VALUE_STRING(GW_CALL_EV_ISUP_ANSWER),
	OSMO_VALUE_STRING(GW_CALL_EV_ISUP_RELEASE),
	OSMO_VALUE_STRING(GW_CALL_EV_ISUP_MORE_DIGITS),
	OSMO_VALUE_STRING(GW_CALL_EV_ISUP_SUSPEND),
	OSMO_VALUE_STRING(GW_CALL_EV_ISUP_RESUME),
	OSMO_VALUE_STRING(GW_CALL_EV_ISUP_INFO),
	OSMO_VALUE_STRING(GW_CALL_EV_SIP_PROGRESS),
	OSMO_VALUE_STRING(GW_CALL_EV_SIP_ANSWER),
	OSMO_VALUE_STRING(GW_CALL_EV_SIP_RELEASE),
	OSMO_VALUE_STRING(GW_CALL_EV_SIP_INFO),
	OSMO_VALUE_STRING(GW_CALL_EV_SIP_HOLD),
	OSMO_VALUE_STRING(GW_CALL_EV_SIP_SDP),
	OSMO_VALUE_STRING(GW_CALL_EV_SIP_MORE_DIGITS),
	OSMO_VALUE_STRING(GW_CALL_EV_OVL_COLLECTING),
	OSMO_VALUE_STRING(GW_CALL_EV_OVL_SEND),
	OSMO_VALUE_STRING(GW_CALL_EV_OVL_SHORT),
	OSMO_VALUE_STRING(GW_CALL_EV_OVL_INCOMPLETE),
	OSMO_VALUE_STRING(GW_CALL_EV_OVL_GONE),
	{ 0, NULL }
};
/* clang-format on */

static struct osmo_tdef gw_tdefs_default[] = {
	{ .T = 11,
	  .default_val = 15,
	  .unit = OSMO_TDEF_S,
	  .desc = "interworking T11 (Q.764, RFC 3398 s8.2.8): early ACM when SIP has not answered (15-20 s)" },
	{ .T = -1,
	  .default_val = 0,
	  .unit = OSMO_TDEF_S,
	  .desc = "X1: overall guard of a call before answer (0 = none; ISUP T7/T9 normally end it)" },
	{ .T = -2,
	  .default_val = 4,
	  .unit = OSMO_TDEF_S,
	  .min_val = 1,
	  .max_val = 20,
	  .desc = "X2: overlap collection, inter-digit timeout before the number is taken as complete (below T35)" },
	{}
};

struct osmo_tdef *gw_tdefs_alloc(void *ctx)
{
	struct osmo_tdef *t = talloc_memdup(ctx, gw_tdefs_default, sizeof(gw_tdefs_default));
	osmo_tdefs_reset(t);
	return t;
}

static void ctr_inc(struct gw *gw, enum gw_ctr c)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(gw->ctrs, c));
}

static void peer_ctr_inc(struct gw_peer *p, enum gw_peer_ctr c)
{
	if (p)
		rate_ctr_inc(rate_ctr_group_get_ctr(p->ctrs, c));
}

static void x1_cb(void *data);

static uint64_t mono_us(void)
{
	struct timespec ts;
	osmo_clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* a latency the call measured from its first message, once */
static void metric_since_start(struct gw_call *c, enum gw_hist h, bool *seen)
{
	if (*seen)
		return;
	*seen = true;
	gw_metrics_observe(c->gw->metrics, h, mono_us() - c->t0_us);
}

static struct gw_call *call_alloc(struct gw *gw, bool from_isup)
{
	static uint32_t next_id;
	char id[16];
	snprintf(id, sizeof(id), "call-%u", ++next_id);
	struct osmo_fsm_inst *fi = osmo_fsm_inst_alloc(&gw_call_fsm, gw, NULL, LOGL_INFO, id);
	if (!fi)
		return NULL;
	struct gw_call *c = talloc_zero(fi, struct gw_call);
	if (!c) {
		osmo_fsm_inst_free(fi);
		return NULL;
	}
	fi->priv = c;
	c->fi = fi;
	c->gw = gw;
	c->id = next_id;
	c->from_isup = from_isup;
	c->t0_us = mono_us();
	osmo_timer_setup(&c->x1, x1_cb, c);
	c->ovl = gw_overlap_alloc(c, from_isup);
	if (!c->ovl) {
		osmo_fsm_inst_free(fi);
		return NULL;
	}
	llist_add_tail(&c->list, &gw->calls);
	gw->n_calls++;
	gw_cdr_begin(c);
	return c;
}

/* The call's state and its timers. The setup going on (PROCEEDING from INIT or COLLECTING) starts X1, the
 * guard before answer (0, the default: none, ISUP's T7/T9 and SIP's timers end such a call), which runs
 * until the answer; ISUP -> SIP, it also starts T11 as PROCEEDING's timer (RFC 3398 s8.2.8), which keeps
 * running while an overlap call waits for digits (AWAIT_DIGITS) and stops at the first 18x or answer.
 * The inter-digit timer X2 is the overlap child's. */
static void call_state(struct gw_call *c, enum gw_call_state st)
{
	struct osmo_fsm_inst *fi = c->fi;
	struct osmo_tdef *t = c->gw->tdefs;
	bool setup = fi->state == GW_CALL_ST_INIT || fi->state == GW_CALL_ST_COLLECTING;
	gw_cdr_state(c, st);
	switch (st) {
	case GW_CALL_ST_PROCEEDING:
		if (setup) {
			unsigned long x1 = osmo_tdef_get(t, -1, OSMO_TDEF_S, 0);
			if (x1)
				osmo_timer_schedule(&c->x1, (int)x1, 0);
			if (c->from_isup)
				osmo_fsm_inst_state_chg(fi, st, osmo_tdef_get(t, 11, OSMO_TDEF_S, 15), 11);
			else
				osmo_fsm_inst_state_chg(fi, st, 0, 0);
		} else {
			osmo_fsm_inst_state_chg_keep_timer(fi, st); /* T11 runs on */
		}
		break;
	case GW_CALL_ST_AWAIT_DIGITS:
		osmo_fsm_inst_state_chg_keep_timer(fi, st);
		break;
	case GW_CALL_ST_ACTIVE:
		osmo_timer_del(&c->x1);
		osmo_fsm_inst_state_chg(fi, st, 0, 0);
		osmo_fsm_inst_dispatch(c->ovl->fi, GW_OVL_EV_END, NULL);
		break;
	default:
		osmo_fsm_inst_state_chg(fi, st, 0, 0);
		break;
	}
}

/* T11 ends with the first backward message toward the PSTN */
static void t11_stop(struct gw_call *c)
{
	if (c->fi->T == 11)
		osmo_timer_del(&c->fi->timer);
}

/* Both halves gone: the call ends. */
static void maybe_end(struct gw_call *c)
{
	if (!c->ic && !c->leg && c->fi->state != GW_CALL_ST_RELEASED)
		osmo_fsm_inst_state_chg(c->fi, GW_CALL_ST_RELEASED, 0, 0);
}

static bool sipt_out(const struct gw_call *c)
{
	if (!c->peer || c->peer->sipt == GW_SIPT_OFF)
		return false;
	/* RFC 3398 s7.2.4: toward a caller, encapsulate only when its INVITE carried ISUP */
	return c->from_isup || c->peer_sent_isup;
}

/* A SIP body: our SDP (if any) and the ISUP message encapsulated when SIP-T applies. */
static void make_body(struct gw_call *c, const char *sdp, const struct isup_msg *m, struct sipt_body *b)
{
	memset(b, 0, sizeof(*b));
	if (sdp) {
		snprintf(b->sdp, sizeof(b->sdp), "%s", sdp);
		b->sdp_len = strlen(b->sdp);
		b->has_sdp = true;
	}
	if (m && sipt_out(c)) {
		int n = isup_msg_encode_body(m, b->isup, sizeof(b->isup));
		if (n > 0) {
			b->isup_len = (size_t)n;
			b->has_isup = true;
			b->isup_variant = m->variant == ISUP_VAR_ANSI ? SIPT_VAR_ANSI : SIPT_VAR_ITU;
			b->isup_handling =
				c->peer->sipt == GW_SIPT_REQUIRED ? SIPT_HANDLING_REQUIRED : SIPT_HANDLING_OPTIONAL;
		}
	}
}

/* What the ISUP part of a SIP body gives the trunk's variant v: nothing (no part, or SIP-T off for the
 * peer: its ISUP is not read), a message, or a part we cannot use (another variant, or no valid ISUP). */
enum body_isup_res {
	BODY_ISUP_NONE,
	BODY_ISUP_OK,
	BODY_ISUP_VARIANT,
	BODY_ISUP_BAD,
};

static enum body_isup_res body_isup_res(const struct gw_call *c, const struct sipt_body *b, enum isup_variant v,
					struct isup_msg *m, int *err)
{
	*err = ISUP_OK;
	if (!b || !b->has_isup || !c->peer || c->peer->sipt == GW_SIPT_OFF)
		return BODY_ISUP_NONE;
	if ((int)b->isup_variant != (int)v)
		return BODY_ISUP_VARIANT;
	*err = isup_msg_decode_body(m, v, 0, b->isup, b->isup_len);
	return *err == ISUP_OK ? BODY_ISUP_OK : BODY_ISUP_BAD;
}

/* The ISUP message a SIP body carries, when SIP-T is on for the peer and it decodes. */
static bool body_isup(const struct gw_call *c, const struct sipt_body *b, enum isup_variant v, struct isup_msg *m)
{
	int err;
	return body_isup_res(c, b, v, m, &err) == BODY_ISUP_OK;
}

/* -ENOSPC: the circuit has a timeslot but no RTP port or socket could be had; the caller refuses the call */
static int sdp_for(struct gw_call *c, char *out, size_t size, const struct isup_msg *iam)
{
	/* the circuit's media channel when the media plane maps its CIC onto a timeslot (a 64 kbit/s
	 * unrestricted call offers CLEARMODE instead, not bridged here); otherwise SDP naming a port only */
	struct isup_u8 tmr = { 3 };
	bool clear = iam && !isup_msg_get_bits(iam, ISUP_PAR_TMR, &tmr) && tmr.value == 2;
	int rc = clear ? -ENOENT : gw_media_sdp(c, out, size);
	if (rc > 0 || rc == -ENOSPC)
		return rc;
	if (!c->rtp_port) {
		c->rtp_port = c->gw->rtp_next;
		c->gw->rtp_next = (uint16_t)(c->gw->rtp_next + 2);
		if (c->gw->rtp_next < c->gw->rtp_base || c->gw->rtp_next > 60000)
			c->gw->rtp_next = c->gw->rtp_base;
	}
	struct isup_msg dflt;
	if (!iam) {
		isup_msg_init(&dflt, c->tg ? c->tg->variant : ISUP_VAR_ITU, ISUP_MT_IAM, 0);
		iam = &dflt;
	}
	gw_map_sdp_offer(iam, c->gw->media_addr, c->rtp_port, out, size);
	return 0;
}

/* ---- releasing one half because of the other ---- */

static void release_isup_full(struct gw_call *c, const struct isup_cause *ca)
{
	if (!c->ic)
		return;
	struct isup_call *ic = c->ic;
	c->ic = NULL;
	ic->user_ref = NULL;
	gw_cdr_release(c, GW_CDR_SIDE_GATEWAY, GW_CDR_R_REFUSED, ca->cause, ca->location);
	isup_call_release_req(ic, ca);
}

static void release_isup(struct gw_call *c, uint8_t cause, uint8_t location)
{
	struct isup_cause ca = isup_cause_make(location, cause);
	release_isup_full(c, &ca);
}

static void release_sip(struct gw_call *c, const struct isup_cause *cause, const struct isup_msg *rel)
{
	if (!c->leg)
		return;
	struct sip_leg *leg = c->leg;
	c->leg = NULL;
	struct sip_reason r = { .present = true, .cause = cause ? cause->cause : Q850_NORMAL_CLEARING };
	struct sipt_body b;
	gw_cdr_leg(c, leg);
	gw_cdr_release(c, GW_CDR_SIDE_GATEWAY, GW_CDR_R_REFUSED, r.cause, cause ? cause->location : 0);
	make_body(c, NULL, rel, &b);
	if (sip_leg_get_dir(leg) == SIP_LEG_UAS && !sip_leg_answered(leg)) {
		/* RFC 3398 s7.2.4.1: REL before the final response -> the mapped status, Reason: Q.850 (RFC 6432) */
		char contact[256];
		bool new_number =
			cause && c->peer && c->tg &&
			!gw_map_cause22_contact(cause, c->tg->variant, &c->peer->map, contact, sizeof(contact));
		struct gw_sip_answer a =
			gw_cause_isup_to_sip(r.cause, cause ? cause->location : Q850_LOC_PUB_LOCAL, new_number, false);
		int st = a.status ? a.status : 480;
		gw_cdr_sip_status(c, st);
		if (new_number && st == 301 && !sip_leg_redirect(leg, 301, &r, contact)) {
			if (c->peer)
				peer_ctr_inc(c->peer, GW_PEER_CTR_FAILED);
			return;
		}
		if (sip_leg_reject(leg, st, &r, &b) < 0)
			sip_leg_release(leg, &r, &b);
		if (c->peer)
			peer_ctr_inc(c->peer, GW_PEER_CTR_FAILED);
		return;
	}
	/* s10.2: REL -> BYE (confirmed) or CANCEL (early, s8.2.7) with the REL encapsulated / Reason */
	sip_leg_release(leg, &r, &b);
}

/* No RTP port or socket for the call's timeslot (gw_media_call_lacks() has counted and logged it): the call
 * is refused, not connected without media: cause 47 toward ISUP, 503 toward SIP (RFC 3398 s7.2.4.1) */
static void refuse_no_media(struct gw_call *c)
{
	struct isup_cause ca = isup_cause_make(Q850_LOC_PUB_LOCAL, Q850_RESOURCE_UNAVAILABLE);
	release_sip(c, &ca, NULL);
	release_isup_full(c, &ca);
	maybe_end(c);
}

/* ---- ISUP user: call indications ---- */

/* The INVITE for the digits collected so far: the stored IAM with the route's digit manipulation applied.
 * Every INVITE of one call carries the same Call-ID and From tag (RFC 3578 s3). */
static void send_invite(struct gw_call *c)
{
	struct gw *gw = c->gw;
	struct gw_peer *p = c->peer;
	struct isup_msg *m = talloc(c, struct isup_msg);
	*m = *c->iam;
	struct isup_number cdpn;
	char out[ISUP_NUM_MAX_DIGITS + 1];
	const struct gw_overlap *o = c->ovl;
	gw_route_apply(&c->route, o->digits, out, sizeof(out));
	bool has_cdpn = !isup_msg_get_number(m, ISUP_PAR_CALLED, &cdpn);
	if (has_cdpn && (o->n_sams || strcmp(out, o->digits))) {
		/* the number as collected: SAM digits appended, ST where the IAM or a SAM sent it; an IAM
		 * whose number nothing changed stays as it came (SIP-T transparency) */
		size_t l = strlen(out);
		memcpy(cdpn.digits, out, l + 1);
		if (o->st_seen && l < ISUP_NUM_MAX_DIGITS) {
			cdpn.digits[l++] = 'F';
			cdpn.digits[l] = 0;
		}
		cdpn.n_digits = (uint8_t)l;
		isup_msg_put_number(m, ISUP_PAR_CALLED, &cdpn);
	}
	gw_numbers_apply(gw->numbers, GW_NUM_ISUP_TO_SIP, NULL, p->name, m, c->fi); /* the trunk's applied at setup */
	has_cdpn = !isup_msg_get_number(m, ISUP_PAR_CALLED, &cdpn);
	struct sip_invite_req *req = talloc_zero(c, struct sip_invite_req);
	/* the Request-URI from the number as collected, toward the chosen peer */
	struct gw_map_target target = { .host = p->host, .port = p->port, .uri_params = gw_peer_transport_param(p) };
	if (!has_cdpn || gw_map_iam_to_invite(m, &p->map, req) ||
	    gw_map_request_uri(&cdpn, &p->map, &target, req->ruri, sizeof(req->ruri))) {
		talloc_free(m);
		talloc_free(req);
		release_isup(c, Q850_INVALID_NUMBER_FORMAT, Q850_LOC_PUB_LOCAL);
		maybe_end(c);
		return;
	}
	if (c->redirect_uri)
		snprintf(req->ruri, sizeof(req->ruri), "%s", c->redirect_uri); /* s8.2.5: the 3xx's Contact */
	if (p->proxy[0])
		snprintf(req->route, sizeof(req->route), "%s", p->proxy);
	req->rel100 = p->rel100;
	memcpy(req->auth_user, p->auth_user, sizeof(req->auth_user));
	memcpy(req->auth_pass, p->auth_pass, sizeof(req->auth_pass));
	memcpy(req->auth_realm, p->auth_realm, sizeof(req->auth_realm));
	/* every INVITE of one call (RFC 3578 s3 overlap, a 3xx followed: RFC 3261 8.1.3.4) keeps the Call-ID and
	 * From tag of the first */
	if (!c->call_id[0]) {
		snprintf(c->call_id, sizeof(c->call_id), "isupgw-%u-%08x@%s", c->id, (unsigned)random(), p->map.host);
		snprintf(c->from_tag, sizeof(c->from_tag), "gw%u%08x", c->id, (unsigned)random());
	}
	snprintf(req->call_id, sizeof(req->call_id), "%s", c->call_id);
	snprintf(req->from_tag, sizeof(req->from_tag), "%s", c->from_tag);
	char sdp[512];
	if (sdp_for(c, sdp, sizeof(sdp), m) < 0) {
		talloc_free(req);
		talloc_free(m);
		refuse_no_media(c);
		return;
	}
	struct sipt_body *b = talloc(c, struct sipt_body);
	make_body(c, sdp, m, b);
	if (c->fi->state == GW_CALL_ST_INIT || c->fi->state == GW_CALL_ST_COLLECTING ||
	    c->fi->state == GW_CALL_ST_AWAIT_DIGITS)
		call_state(c, GW_CALL_ST_PROCEEDING);
	/* a further INVITE is an overlap continuation (a SAM's digits), or the same number to another peer */
	bool more_digits = c->n_invites++ && c->route.overlap != GW_OVERLAP_NONE;
	if (more_digits)
		ctr_inc(gw, GW_CTR_OVERLAP_INVITE);
	c->leg = sip_leg_invite(gw->sip, req, b, c);
	gw_cdr_sip_out(c, req);
	LOGPFSML(c->fi, LOGL_INFO, "%s on CIC %u -> INVITE %s%s\n", more_digits ? "SAM" : "IAM",
		 c->ic && c->ic->circ ? c->ic->circ->cic : 0, req->ruri,
		 gw_overlap_open(o) ? " (overlap, more digits may come)" : "");
	talloc_free(b);
	talloc_free(req);
	talloc_free(m);
	if (c->leg) {
		sip_leg_set_keepalive(c->leg, p->dialog_keepalive_s);
		metric_since_start(c, GW_HIST_IAM_TO_INVITE, &c->xlat_seen);
	}
	if (!c->leg) {
		release_isup(c, Q850_TEMPORARY_FAILURE, Q850_LOC_PUB_LOCAL); /* temporary failure */
		maybe_end(c);
	}
}

/* The overlap child says the number may go on: an INVITE with it; one still pending is CANCELled first
 * (RFC 3578 s3: more digits while an INVITE is pending) */
static void on_ovl_send(struct gw_call *c)
{
	if (!c->ic)
		return;
	/* the number goes out as it is: T35 no longer waits for digits (else it ends with a misleading cause
	 * 28 a call that SIP is slow to answer; T11 covers that) */
	if (c->route.overlap != GW_OVERLAP_RFC3578)
		isup_call_address_complete(c->ic);
	if (c->leg && c->n_invites) {
		struct sip_leg *old = c->leg;
		c->leg = NULL;
		sip_leg_release(old, NULL, NULL);
	}
	send_invite(c);
}

static void isup_setup(struct gw *gw, struct isup_call *ic, const struct isup_msg *iam)
{
	if (!gw_ovl_admit(gw->ovl, GW_OVL_FROM_ISUP, gw->n_calls)) {
		/* refused before anything is allocated: REL cause 42 (the trunk adds the ACL, Q.764 2.11.1) */
		LOGP(gw_log_cat, LOGL_INFO, "IAM on CIC %u refused: overload (cause 42)\n",
		     ic->circ ? ic->circ->cic : 0);
		struct isup_cause ca = isup_cause_make(Q850_LOC_PUB_LOCAL, Q850_SWITCH_CONGESTION);
		gw_cdr_refused(gw, true, ic, iam, NULL, ca.cause, 0);
		isup_call_release_req(ic, &ca);
		return;
	}
	struct gw_call *c = call_alloc(gw, true);
	if (!c) {
		struct isup_cause ca = isup_cause_make(Q850_LOC_PUB_LOCAL, Q850_RESOURCE_UNAVAILABLE);
		isup_call_release_req(ic, &ca);
		return;
	}
	c->ic = ic;
	c->tg = ic->tg;
	ic->user_ref = c;
	gw_cdr_isup(c, iam);
	ctr_inc(gw, GW_CTR_CALL_ISUP_TO_SIP);
	c->iam = talloc(c, struct isup_msg);
	*c->iam = *iam;
	/* the trunk's number rules first: routes see the numbers as the tables make them */
	gw_numbers_apply(gw->numbers, GW_NUM_ISUP_TO_SIP, ic->tg->name, NULL, c->iam, c->fi);
	struct isup_number cdpn;
	if (!isup_msg_get_number(c->iam, ISUP_PAR_CALLED, &cdpn))
		gw_overlap_take(c->ovl, &cdpn);
	if (ic->addr_complete)
		c->ovl->complete = true;
	struct isup_number cgpn = { 0 };
	isup_msg_get_number(c->iam, ISUP_PAR_CALLING, &cgpn);
	struct gw_route_query q = { GW_ROUTE_ISUP_TO_SIP, c->ovl->digits, cgpn.digits, ic->tg->name };
	struct gw_route rbuf;
	const struct gw_route *rt = gw_route_select(gw, &q, &rbuf, c->fi);
	struct gw_peer *p = NULL;
	/* the route's first peer that is up (OPTIONS keepalive) */
	for (unsigned i = 0; rt && i <= rt->n_alt && !p; i++) {
		p = gw_route_peer(gw, rt, i);
		c->peer_idx = i;
		if (p && !p->up) {
			LOGPFSML(c->fi, LOGL_INFO, "sip-peer %s is down: next peer of the route\n", p->name);
			p = NULL;
		}
	}
	if (!p && rt && gw_route_peer(gw, rt, 0)) {
		/* every peer of the route is down: cause 34 no circuit/channel available -> the caller may retry */
		LOGPFSML(c->fi, LOGL_NOTICE, "every SIP peer of the route for %s is down: releasing with cause 34\n",
			 c->ovl->digits);
		release_isup(c, Q850_NO_CIRCUIT_AVAILABLE, Q850_LOC_PUB_LOCAL);
		maybe_end(c);
		return;
	}
	if (!p) {
		/* no route: Q.850 cause 3 "no route to destination" */
		LOGPFSML(c->fi, LOGL_NOTICE, "no SIP route for called number %s: releasing with cause 3\n",
			 c->ovl->digits);
		ctr_inc(gw, GW_CTR_NO_ROUTE);
		release_isup(c, Q850_NO_ROUTE_TO_DEST, Q850_LOC_PUB_LOCAL);
		maybe_end(c);
		return;
	}
	c->peer = p;
	c->route = *rt; /* the route may be changed from the VTY while the call lasts */
	if (gw_route_numbers(gw, &c->route, c->iam, c->fi) && !isup_msg_get_number(c->iam, ISUP_PAR_CALLED, &cdpn)) {
		c->ovl->digits[0] = 0; /* the route's number rules changed the called number */
		gw_overlap_take(c->ovl, &cdpn);
	}
	peer_ctr_inc(p, GW_PEER_CTR_CALL_OUT);
	osmo_fsm_inst_dispatch(c->ovl->fi, GW_OVL_EV_START, &c->route); /* an INVITE now, or digits first */
}

static void isup_more_digits(struct gw_call *c, const struct isup_msg *sam)
{
	struct isup_number sn;
	if (!sam || isup_msg_get_number(sam, ISUP_PAR_SUBSEQ, &sn))
		return;
	if (!gw_overlap_open(c->ovl)) {
		/* the number went on as it is: only SIP-T peers hear of more digits, in INFO (s13.1) */
		struct sipt_body b;
		if (c->leg && sipt_out(c)) {
			make_body(c, NULL, sam, &b);
			sip_leg_info(c->leg, &b);
		}
		return;
	}
	osmo_fsm_inst_dispatch(c->ovl->fi, GW_OVL_EV_ISUP_DIGITS, &sn);
}

/* Hold toward SIP: a re-INVITE asking the peer to stop sending (or to start again), the ISUP message in
 * it for SIP-T peers */
static void hold_to_sip(struct gw_call *c, bool hold, const struct isup_msg *m, const char *why)
{
	struct sipt_body b;
	make_body(c, NULL, m, &b);
	LOGPFSML(c->fi, LOGL_INFO, "%s: re-INVITE %s\n", why, hold ? "hold" : "resume");
	ctr_inc(c->gw, GW_CTR_HOLD_OUT);
	sip_leg_hold(c->leg, hold, &b);
}

/* RFC 3398 s9.2: a CPG after answer with the generic notification remote hold (Q.763 3.25: 0x79) or
 * remote retrieval (0x7a) -> re-INVITE; any other CPG after answer -> INFO to SIP-T peers (s13.1) */
static void isup_midcall_progress(struct gw_call *c, const struct isup_msg *m)
{
	struct isup_gen_notif gn;
	if (!isup_msg_get_bits(m, ISUP_PAR_GEN_NOTIF, &gn) && (gn.notification == 0x79 || gn.notification == 0x7a)) {
		hold_to_sip(c, gn.notification == 0x79, m,
			    gn.notification == 0x79 ? "CPG remote hold" : "CPG remote retrieval");
		return;
	}
	if (sipt_out(c)) {
		struct sipt_body b;
		make_body(c, NULL, m, &b);
		sip_leg_info(c->leg, &b);
	}
}

/* RFC 3398 s9.1 (and s10.2.2): SUS/RES. Toward a SIP-T peer that sends us ISUP they go in INFO (returns
 * false: the caller does that); otherwise SUS holds the media with a re-INVITE and RES resumes it. The RES
 * takes the way the SUS took. */
static bool isup_suspend_resume(struct gw_call *c, bool suspend, const struct isup_msg *m)
{
	bool by_info = sipt_out(c) && sip_leg_peer_has_isup(c->leg);
	if (suspend)
		c->sus_in_info = by_info;
	else
		by_info = c->sus_in_info;
	if (by_info)
		return false;
	hold_to_sip(c, suspend, m, suspend ? "SUS" : "RES");
	return true;
}

/* ---- ISUP events ---- */

/* SIP -> ISUP before the answer: ACM/CPG -> 18x (RFC 3398 s7.2.6, s7.2.9); 183 with SDP cuts early media
 * through, 180 carries SDP too so that media can flow */
static void on_isup_backward(struct gw_call *c, const struct gw_isup_ind *ind)
{
	if (!c->leg || c->from_isup)
		return;
	int st = gw_map_backward_to_status(ind->m);
	if (!st)
		return;
	char sdp[512];
	struct sipt_body b;
	if (sdp_for(c, sdp, sizeof(sdp), NULL) < 0) {
		refuse_no_media(c); /* a circuit taken after the IAM (dual seizure) whose channel could not follow */
		return;
	}
	make_body(c, sdp, ind->m, &b);
	sip_leg_progress(c->leg, st, &b);
	metric_since_start(c, GW_HIST_PDD_SIP_TO_ISUP, &c->pdd_seen);
	call_state(c, GW_CALL_ST_ALERTING);
}

/* SIP -> ISUP: ANM/CON -> 200 (s7.2.7) */
static void on_isup_answer(struct gw_call *c, const struct gw_isup_ind *ind)
{
	if (!c->leg || c->from_isup)
		return;
	char sdp[512];
	struct sipt_body b;
	if (sdp_for(c, sdp, sizeof(sdp), NULL) < 0) {
		refuse_no_media(c);
		return;
	}
	struct isup_msg *m = talloc(c, struct isup_msg);
	*m = *ind->m; /* its connected number as the rules want it toward the peer */
	gw_numbers_apply(c->gw->numbers, GW_NUM_ISUP_TO_SIP, c->tg->name, c->peer->name, m, c->fi);
	make_body(c, sdp, m, &b);
	talloc_free(m);
	sip_leg_answer(c->leg, &b);
	metric_since_start(c, GW_HIST_PDD_SIP_TO_ISUP, &c->pdd_seen); /* answered without ACM first */
	gw_cdr_sip_status(c, 200);
	ctr_inc(c->gw, GW_CTR_CALL_ANSWERED);
	peer_ctr_inc(c->peer, GW_PEER_CTR_ANSWERED);
	call_state(c, GW_CALL_ST_ACTIVE);
}

/* SIP -> ISUP: a seizure failed or a REL came before ACM with this cause: the route list's next trunk (of
 * the same variant: the IAM is built for it) when the list fails over on the cause (trunk hunting) */
static bool next_trunk(struct gw_call *c, uint8_t cause)
{
	if (!gw_route_fails_over(&c->route, 0, cause))
		return false;
	for (unsigned i = c->peer_idx + 1; i <= c->route.n_alt; i++) {
		struct isup_trunk *tg = isup_net_trunk_find(c->gw->net, c->route.alt[i - 1]);
		c->peer_idx = i;
		if (!tg || tg->variant != c->tg->variant)
			continue;
		LOGPFSML(c->fi, LOGL_INFO, "trunk %s: cause %u, route-list %s fails over: trunk %s\n", c->tg->name,
			 cause, c->route.rlist, tg->name);
		c->tg = tg;
		return true;
	}
	return false;
}

/* SIP -> ISUP: the IAM once more after a REL before ACM, avoiding avoid_cic (0: none) on the trunk the call
 * is on now; the route's next trunks while no circuit is found */
static void iam_again(struct gw_call *c, uint16_t old_cic, uint16_t avoid_cic, uint8_t rel_cause)
{
	uint8_t why = 0;
	gw_media_call_free(c); /* the next circuit has its own timeslot */
	c->ic->user_ref = NULL;
	c->ic = isup_call_setup_avoid_req(c->tg, c->iam, c, &why, avoid_cic);
	while (!c->ic && next_trunk(c, why))
		c->ic = isup_call_setup_req(c->tg, c->iam, c, &why);
	if (c->ic) {
		LOGPFSML(c->fi, LOGL_INFO, "REL cause %u on CIC %u: IAM again on CIC %u\n", rel_cause, old_cic,
			 c->ic->circ ? c->ic->circ->cic : 0);
		gw_media_call_rebind(c);
		gw_cdr_isup(c, NULL);
		return;
	}
	struct isup_cause again = isup_cause_make(Q850_LOC_PUB_LOCAL, why ? why : Q850_NO_CIRCUIT_AVAILABLE);
	release_sip(c, &again, NULL);
	maybe_end(c);
}

/* The ISUP half is released: the SIP half follows with the mapped cause, except a SIP -> ISUP call whose
 * circuit was not available (cause 44), which tries once more on another circuit, or whose route list
 * fails over on the cause, which goes on on the list's next trunk */
static void on_isup_release(struct gw_call *c, const struct gw_isup_ind *ind)
{
	const struct isup_cause *cause = ind->cause;
	struct isup_call *ic = c->ic;
	bool early = !c->from_isup && cause && c->iam && c->leg && c->fi->state == GW_CALL_ST_PROCEEDING;
	uint16_t old_cic = ic && ic->circ ? ic->circ->cic : 0;
	if (early && cause->cause == Q850_CIRCUIT_NOT_AVAILABLE && !c->cic_retried) {
		/* RFC 3398 s7.2.4.1 / Q.764 2.10.2: "requested circuit not available": once more, elsewhere */
		c->cic_retried = true;
		iam_again(c, old_cic, old_cic, cause->cause);
		return;
	}
	if (early && next_trunk(c, cause->cause)) {
		iam_again(c, old_cic, 0, cause->cause);
		return;
	}
	c->ic = NULL;
	gw_cdr_release_isup(c, ind->m, cause);
	LOGPFSML(c->fi, LOGL_INFO, "ISUP released, cause %u\n", cause ? cause->cause : 0);
	release_sip(c, cause, ind->m);
	maybe_end(c);
}

/* RFC 3398 s13.1: ISUP messages without a SIP equivalent travel in INFO (SIP-T peers only); SUS/RES may
 * hold the media instead (s9.1) */
static void on_isup_other(struct gw_call *c, uint32_t event, const struct gw_isup_ind *ind)
{
	if (event == GW_CALL_EV_ISUP_MORE_DIGITS && c->from_isup) {
		isup_more_digits(c, ind->m);
		return;
	}
	if ((event == GW_CALL_EV_ISUP_SUSPEND || event == GW_CALL_EV_ISUP_RESUME ||
	     event == GW_CALL_EV_ISUP_MORE_DIGITS) &&
	    c->leg && isup_suspend_resume(c, event == GW_CALL_EV_ISUP_SUSPEND, ind->m))
		return;
	if (c->leg && ind->m && sipt_out(c)) {
		struct sipt_body b;
		make_body(c, NULL, ind->m, &b);
		sip_leg_info(c->leg, &b);
	}
}

static void isup_call_ind(struct isup_call *ic, enum isup_prim prim, const struct isup_msg *m,
			  const struct isup_cause *cause, void *priv)
{
	struct gw *gw = priv;
	if (prim == ISUP_PRIM_SETUP) {
		if (gw->stopping) {
			struct isup_cause ca = isup_cause_make(Q850_LOC_PUB_LOCAL, Q850_TEMPORARY_FAILURE);
			isup_call_release_req(ic, &ca);
			return;
		}
		isup_setup(gw, ic, m);
		return;
	}
	struct gw_call *c = ic->user_ref;
	if (!c || c->ic != ic)
		return;
	uint32_t ev;
	switch (prim) {
	case ISUP_PRIM_ALERTING:
		ev = GW_CALL_EV_ISUP_ALERTING;
		break;
	case ISUP_PRIM_PROGRESS:
		ev = GW_CALL_EV_ISUP_PROGRESS;
		break;
	case ISUP_PRIM_ANSWER:
		ev = GW_CALL_EV_ISUP_ANSWER;
		break;
	case ISUP_PRIM_RELEASE:
		ev = GW_CALL_EV_ISUP_RELEASE;
		break;
	case ISUP_PRIM_MORE_DIGITS:
		ev = GW_CALL_EV_ISUP_MORE_DIGITS;
		break;
	case ISUP_PRIM_SUSPEND:
		ev = GW_CALL_EV_ISUP_SUSPEND;
		break;
	case ISUP_PRIM_RESUME:
		ev = GW_CALL_EV_ISUP_RESUME;
		break;
	case ISUP_PRIM_INFO:
		ev = GW_CALL_EV_ISUP_INFO;
		break;
	default:
		return;
	}
	struct gw_isup_ind ind = { .m = m, .cause = cause };
	osmo_fsm_inst_dispatch(c->fi, ev, &ind);
}

/* Dual seizure lost (Q.764 2.10.1.4): the ISUP call repeats its IAM on another circuit; the call's
 * channel follows to that circuit's timeslot (no SDP has gone out yet: that waits for ACM/CPG). */
static void isup_call_moved(struct isup_call *ic, uint16_t old_cic, uint16_t new_cic, void *priv)
{
	struct gw_call *c = ic->user_ref;
	if (!c)
		return;
	LOGPFSML(c->fi, LOGL_INFO, "dual seizure on CIC %u: IAM again on CIC %u, media follows\n", old_cic, new_cic);
	gw_media_call_free(c);
	gw_media_call_rebind(c);
	gw_cdr_isup(c, NULL);
}

const struct isup_user_ops gw_isup_ops = {
	.call_ind = isup_call_ind,
	.call_moved = isup_call_moved,
	.circuit_req = gw_media_circuit_req,
	.cot_loop = gw_media_cot_loop,
	.cot_test = gw_media_cot_test,
	.maint_changed = gw_maint_changed,
};

/* ---- SIP user ---- */

/* SIP -> ISUP, the overlap child found the number short of the route's length plan: the caller's INVITE
 * is answered 484 at once (after the IAM or SAM went out), and the call waits for its next INVITE with
 * more digits (RFC 3578 s4; sofia refuses a second INVITE of the same call while the first is pending, so
 * the caller gets the 484 first). The child's X2 ends a wait that brings nothing. */
static void on_ovl_short(struct gw_call *c)
{
	if (!c->leg)
		return;
	struct sip_leg *leg = c->leg;
	c->leg = NULL;
	sip_leg_reject(leg, 484, NULL, NULL);
	call_state(c, GW_CALL_ST_AWAIT_DIGITS);
}

/* X2 ended a number too short (ISUP -> SIP collecting, SIP -> ISUP waiting for the next INVITE) */
static void on_ovl_incomplete(struct gw_call *c)
{
	gw_cdr_release(c, GW_CDR_SIDE_GATEWAY, GW_CDR_R_TIMER, Q850_INVALID_NUMBER_FORMAT, Q850_LOC_PUB_LOCAL);
	release_isup(c, Q850_INVALID_NUMBER_FORMAT, Q850_LOC_PUB_LOCAL);
	maybe_end(c);
}

/* SIP -> ISUP: an INVITE whose body the call cannot go on with is refused here, before the IAM, so that
 * no circuit is seized for it. The checks go in the order of RFC 3261 s8.2: the body's content (s8.2.3)
 * before the session it describes (s13.3.1.1). Returns the status sent, or 0 when the body is fine (encap
 * then holds its ISUP message when it had a usable one). */
static int refuse_body(struct gw_call *c, struct sip_leg *leg, const struct sipt_body *b, struct isup_msg *encap,
		       bool *has_encap)
{
	int err;
	enum body_isup_res r = body_isup_res(c, b, c->tg->variant, encap, &err);
	*has_encap = r == BODY_ISUP_OK;
	/* RFC 3204 s3.1 and RFC 3261 s20.11: a part whose handling is required (the default, and what an
	 * unknown handling value is taken as) must be understood or the request fails; an optional one we
	 * cannot use is ignored, the call then maps from the SIP headers alone (RFC 3398 s7.2.1.1) */
	if ((r == BODY_ISUP_VARIANT || r == BODY_ISUP_BAD) && b->isup_handling != SIPT_HANDLING_OPTIONAL) {
		if (r == BODY_ISUP_VARIANT) {
			/* RFC 3204 s3.1: a version the receiver does not support may be rejected; a media type
			 * we do not take is a 415 whose Accept lists what we do (RFC 3261 s8.2.3, s21.4.13):
			 * here the ISUP version of the trunk the call would take */
			const char *accept =
				c->tg->variant == ISUP_VAR_ANSI ?
					"application/sdp, application/ISUP;version=ansi00, multipart/mixed" :
					"application/sdp, application/ISUP;version=itu-t92+, multipart/mixed";
			LOGPFSML(c->fi, LOGL_NOTICE,
				 "INVITE with a required %s ISUP part, trunk %s is %s: 415 with Accept: %s\n",
				 b->isup_variant == SIPT_VAR_ANSI ? "ANSI" : "ITU-T", c->tg->name,
				 c->tg->variant == ISUP_VAR_ANSI ? "ANSI" : "ITU-T", accept);
			struct sip_reject_info ri = { .warn_code = 399,
						      .warn_text = "ISUP version not supported on this route",
						      .accept = accept };
			sip_leg_reject_body(leg, 415, &ri);
			return 415;
		}
		/* the type and version are ours but the octets are no valid ISUP message: a malformed body,
		 * 400 (RFC 3261 s21.4.1), as a 415 would tell the sender to change a type it got right */
		LOGPFSML(c->fi, LOGL_NOTICE, "INVITE with a required ISUP part that does not decode (%s): 400\n",
			 isup_err_str(err));
		struct sip_reject_info ri = { .warn_code = 399, .warn_text = "required ISUP part not decodable" };
		sip_leg_reject_body(leg, 400, &ri);
		return 400;
	}
	if (r == BODY_ISUP_VARIANT || r == BODY_ISUP_BAD)
		LOGPFSML(c->fi, LOGL_INFO, "optional ISUP part ignored (%s)\n",
			 r == BODY_ISUP_VARIANT ? "another ISUP variant" : isup_err_str(err));
	if (!b->has_sdp)
		return 0; /* no offer: ours goes in the first reliable response (RFC 3261 s13.2.1) */
	/* RFC 3264 s6 and RFC 3261 s13.3.1.1: an offer the gateway cannot answer (unparseable, or no audio
	 * stream in PCMA or PCMU over RTP/AVP and IPv4) is refused with 488 and a Warning that says why
	 * (s21.4.26, s20.43), rather than seizing a circuit whose media is never connected. CLEARMODE (RFC
	 * 4040) is not bridged by the media plane, so an offer of it alone is refused as well. */
	struct sdp_desc d;
	int warn = sdp_oa_answerable(b->sdp, b->sdp_len, &d);
	if (!warn)
		return 0;
	LOGPFSML(c->fi, LOGL_NOTICE, "INVITE whose SDP offer we cannot answer (%s): 488\n",
		 warn > 0 ? sdp_oa_warn_text(warn) : "no memory");
	struct sip_reject_info ri = { .warn_code = warn > 0 ? warn : 399,
				      .warn_text = warn > 0 ? sdp_oa_warn_text(warn) : "out of memory" };
	sip_leg_reject_body(leg, 488, &ri);
	return 488;
}

/* RFC 3578 s4: a new INVITE of an overlap call (same Call-ID and From tag, the number grown) goes to that
 * call (GW_CALL_EV_SIP_MORE_DIGITS, with the number and the SAM of its new digits); one whose number does
 * not extend the call's is answered 484. */
static bool overlap_continue(struct gw *gw, struct gw_peer *p, struct sip_leg *leg, const struct sip_invite *inv)
{
	if (!inv->call_id[0] || !inv->from_tag[0])
		return false;
	struct gw_call *c;
	llist_for_each_entry(c, &gw->calls, list) {
		if (c->from_isup || !c->ic || c->peer != p || (c->leg && sip_leg_answered(c->leg)) ||
		    (!c->leg && c->fi->state != GW_CALL_ST_AWAIT_DIGITS) || strcmp(c->call_id, inv->call_id) ||
		    strcmp(c->from_tag, inv->from_tag))
			continue;
		char user[80];
		if (gw_map_uri_user(inv->ruri, user, sizeof(user)))
			return false;
		const char *u = user[0] == '+' ? user + 1 : user;
		const char *digits = c->ovl->digits;
		size_t have = strlen(digits);
		/* the digits so far in the form the first Request-URI gave them: the new number must extend them */
		if (strlen(u) <= have || strncmp(u, digits, have)) {
			LOGPFSML(c->fi, LOGL_NOTICE, "INVITE of the same call with %s, not an extension of %s: 484\n",
				 u, digits);
			sip_leg_set_user_ref(leg, leg);
			sip_leg_reject(leg, 484, NULL, NULL);
			return true;
		}
		/* the new INVITE's offer is answered like the first one's: refused here when we cannot */
		struct isup_msg *encap = talloc(c, struct isup_msg);
		bool has_encap;
		sip_leg_set_user_ref(leg, leg);
		int refused = refuse_body(c, leg, &inv->body, encap, &has_encap);
		talloc_free(encap);
		if (refused)
			return true;
		struct isup_msg sam;
		char line[128], err[64];
		snprintf(line, sizeof(line), "SAM cic=0 sn.digits=%s", u + have);
		if (isup_msg_from_line(&sam, c->tg->variant, line, err, sizeof(err)))
			return false;
		struct gw_sip_ind ind = { .leg = leg, .inv = inv, .number = u, .sam = &sam };
		return osmo_fsm_inst_dispatch(c->fi, GW_CALL_EV_SIP_MORE_DIGITS, &ind) == 0;
	}
	return false;
}

/* the caller's next INVITE of an overlap call: its new digits go to ISUP in a SAM, the previous INVITE (if
 * still open) is answered 484, the new one takes its place */
static void on_sip_more_digits(struct gw_call *c, const struct gw_sip_ind *ind)
{
	struct sip_leg *old = c->leg;
	c->leg = ind->leg;
	sip_leg_set_user_ref(ind->leg, c);
	sip_leg_set_keepalive(ind->leg, c->peer->dialog_keepalive_s);
	LOGPFSML(c->fi, LOGL_INFO, "overlap INVITE %s -> SAM %s\n", ind->inv->ruri,
		 ind->number + strlen(c->ovl->digits));
	if (c->fi->state == GW_CALL_ST_AWAIT_DIGITS)
		call_state(c, GW_CALL_ST_PROCEEDING);
	isup_call_req(c->ic, ISUP_PRIM_MORE_DIGITS, ind->sam);
	if (old)
		sip_leg_reject(old, 484, NULL, NULL);
	ctr_inc(c->gw, GW_CTR_OVERLAP_INVITE);
	osmo_fsm_inst_dispatch(c->ovl->fi, GW_OVL_EV_SIP_NUMBER, (void *)ind->number); /* short still? */
}

/* A peer with inbound credentials: the INVITE must answer our challenge (RFC 3261 s22.4). false: it was
 * answered here (401 challenge, 403 for a wrong answer). */
static bool caller_authenticated(struct gw *gw, struct gw_peer *p, struct sip_leg *leg, const struct sip_invite *inv)
{
	struct timespec now;
	osmo_clock_gettime(CLOCK_REALTIME, &now);
	enum sip_digest_verdict v = sip_digest_check(&gw->auth_key, now.tv_sec, gw->auth_realm, p->in_user, p->in_pass,
						     "INVITE", &inv->auth);
	if (v == SIP_DIGEST_OK)
		return true;
	sip_leg_set_user_ref(leg, leg); /* so that the answer is ours */
	if (v == SIP_DIGEST_BAD) {
		LOGP(gw_log_cat, LOGL_NOTICE, "INVITE from %s (sip-peer %s): wrong digest answer (user '%s'): 403\n",
		     inv->src_addr, p->name, inv->auth.username);
		ctr_inc(gw, GW_CTR_AUTH_FAILED);
		sip_leg_reject(leg, 403, NULL, NULL);
		return false;
	}
	char nonce[SIP_DIGEST_NONCE_LEN + 1];
	sip_digest_nonce(&gw->auth_key, now.tv_sec, gw->auth_realm, nonce);
	ctr_inc(gw, GW_CTR_AUTH_CHALLENGED);
	sip_leg_challenge(leg, gw->auth_realm, nonce, v == SIP_DIGEST_STALE);
	return false;
}

/* SIP -> ISUP: the gateway refuses the caller's INVITE (a status of refuse_body() has been sent already) */
static void refuse_invite(struct gw_call *c, int status, uint8_t cause, const struct sip_reason *r, bool sent)
{
	struct sip_leg *leg = c->leg;
	c->leg = NULL;
	gw_cdr_sip_status(c, status);
	gw_cdr_release(c, GW_CDR_SIDE_GATEWAY, GW_CDR_R_REFUSED, cause, Q850_LOC_PUB_LOCAL);
	if (!sent)
		sip_leg_reject(leg, status, r, NULL);
	maybe_end(c);
}

static void sip_invite_ind(struct sip_agent *a, struct sip_leg *leg, const struct sip_invite *inv)
{
	struct gw *gw = a->priv;
	/* the peer it comes from: its address, port and transport (before anything else, the next INVITE of an
	 * overlap call too) */
	struct gw_peer *addr_peer;
	struct gw_peer *p = gw_peer_by_source(gw, inv->src_addr, inv->src_port, inv->src_transport, &addr_peer);
	if (!p && addr_peer) {
		char want[160] = "";
		struct gw_peer_source own;
		unsigned n;
		const struct gw_peer_source *srcs = gw_peer_sources(addr_peer, &own, &n);
		for (unsigned i = 0; i < n && !want[0]; i++)
			if (!strcmp(srcs[i].addr, inv->src_addr))
				gw_peer_source_text(addr_peer, &srcs[i], want, sizeof(want));
		LOGP(gw_log_cat, LOGL_NOTICE,
		     "INVITE from %s port %u over %s: the address of sip-peer %s, which calls from %s only: 403\n",
		     inv->src_addr, inv->src_port, inv->src_transport, addr_peer->name, want);
		ctr_inc(gw, GW_CTR_FORBIDDEN_TPORT);
		peer_ctr_inc(addr_peer, GW_PEER_CTR_REFUSED);
		sip_leg_set_user_ref(leg, leg); /* so that reject is ours */
		sip_leg_reject(leg, 403, NULL, NULL);
		return;
	}
	if (!p) {
		LOGP(gw_log_cat, LOGL_NOTICE, "INVITE from %s port %u over %s: no SIP peer allows this source: 403\n",
		     inv->src_addr, inv->src_port, inv->src_transport);
		ctr_inc(gw, GW_CTR_FORBIDDEN);
		sip_leg_set_user_ref(leg, leg); /* so that reject is ours */
		sip_leg_reject(leg, 403, NULL, NULL);
		return;
	}
	if (p->in_user[0] && !caller_authenticated(gw, p, leg, inv))
		return;
	if (overlap_continue(gw, p, leg, inv))
		return;
	if (!gw_ovl_admit(gw->ovl, GW_OVL_FROM_SIP, gw->n_calls)) {
		/* RFC 3261 s21.5.4: 503 with Retry-After, nothing allocated */
		LOGP(gw_log_cat, LOGL_INFO, "INVITE from %s refused: overload (503)\n", inv->src_addr);
		struct sip_reason r = { .present = true, .cause = Q850_SWITCH_CONGESTION };
		gw_cdr_refused(gw, false, NULL, NULL, inv, r.cause, 503);
		sip_leg_set_user_ref(leg, leg);
		sip_leg_reject_retry(leg, 503, &r, gw->ovl->cfg.retry_after_s);
		return;
	}
	struct gw_call *c = call_alloc(gw, false);
	if (!c) {
		sip_leg_set_user_ref(leg, leg);
		sip_leg_reject(leg, 503, NULL, NULL);
		return;
	}
	c->leg = leg;
	c->peer = p;
	gw_cdr_sip_in(c, inv);
	sip_leg_set_user_ref(leg, c);
	sip_leg_set_keepalive(leg, p->dialog_keepalive_s);
	peer_ctr_inc(p, GW_PEER_CTR_CALL_IN);
	/* RFC 3262: our 18x are reliable when the caller supports 100rel and the peer's setting allows, and
	 * always when the caller requires it; a peer configured to require it must offer it */
	if (p->rel100 == SIP_100REL_REQUIRED && !inv->supports_100rel && !inv->requires_100rel) {
		LOGPFSML(c->fi, LOGL_NOTICE, "INVITE from %s without 100rel, which peer %s requires: 421\n",
			 inv->src_addr, p->name);
		refuse_invite(c, 421, Q850_NORMAL_UNSPECIFIED, NULL, false);
		return;
	}
	sip_leg_set_reliable_1xx(leg, inv->requires_100rel || (p->rel100 != SIP_100REL_OFF && inv->supports_100rel));
	ctr_inc(gw, GW_CTR_CALL_SIP_TO_ISUP);
	char user[80] = "";
	gw_map_uri_user(inv->ruri, user, sizeof(user));
	char calling[80] = "";
	const char *from_uri = strchr(inv->from, '<');
	gw_map_uri_user(from_uri ? from_uri : inv->from, calling, sizeof(calling));
	struct gw_route_query q = { GW_ROUTE_SIP_TO_ISUP, user[0] == '+' ? user + 1 : user,
				    calling[0] == '+' ? calling + 1 : calling, p->name };
	struct gw_route rbuf;
	const struct gw_route *rt = gw_route_select(gw, &q, &rbuf, c->fi);
	if (!rt && user[0] == '+') {
		q.called = user;
		rt = gw_route_select(gw, &q, &rbuf, c->fi);
	}
	struct isup_trunk *tg = rt ? isup_net_trunk_find(gw->net, rt->target) : NULL;
	if (!tg) {
		LOGPFSML(c->fi, LOGL_NOTICE, "no ISUP route for %s: 404\n", inv->ruri);
		ctr_inc(gw, GW_CTR_NO_ROUTE);
		struct sip_reason r = { .present = true, .cause = Q850_NO_ROUTE_TO_DEST };
		refuse_invite(c, 404, r.cause, &r, false);
		return;
	}
	c->tg = tg;
	c->route = *rt;
	c->peer_sent_isup = inv->body.has_isup;
	struct isup_msg *encap = talloc(c, struct isup_msg);
	bool has_encap;
	int refused = refuse_body(c, leg, &inv->body, encap, &has_encap);
	if (refused) {
		talloc_free(encap);
		refuse_invite(c, refused, Q850_NORMAL_UNSPECIFIED, NULL, true);
		return;
	}
	struct isup_msg *iam = talloc(c, struct isup_msg);
	int st = gw_map_invite_to_iam(inv, has_encap ? encap : NULL, &p->map, tg->variant, iam);
	if (!st && rt->strip + strlen(rt->add)) {
		struct isup_number n;
		if (!isup_msg_get_number(iam, ISUP_PAR_CALLED, &n)) {
			char out[ISUP_NUM_MAX_DIGITS + 1];
			gw_route_apply(rt, n.digits, out, sizeof(out));
			snprintf(n.digits, sizeof(n.digits), "%s", out);
			n.n_digits = (uint8_t)strlen(out);
			isup_msg_put_number(iam, ISUP_PAR_CALLED, &n);
		}
	}
	if (!st) {
		gw_numbers_apply(gw->numbers, GW_NUM_SIP_TO_ISUP, tg->name, p->name, iam, c->fi);
		gw_route_numbers(gw, &c->route, iam, c->fi);
	}
	if (st) {
		talloc_free(iam);
		talloc_free(encap);
		refuse_invite(c, st, Q850_INVALID_NUMBER_FORMAT, NULL, false);
		return;
	}
	uint8_t cause = 0;
	c->ic = isup_call_setup_req(tg, iam, c, &cause);
	while (!c->ic && next_trunk(c, cause)) /* hunting over the route's trunks */
		c->ic = isup_call_setup_req(c->tg, iam, c, &cause);
	c->iam = iam; /* kept for a repeat attempt (cause 44) */
	talloc_free(encap);
	if (!c->ic) {
		/* s7.2.4.1 table: 34 no circuit -> 503, 27 -> 502, 42 -> 503 */
		struct gw_sip_answer ans = gw_cause_isup_to_sip(cause, Q850_LOC_PUB_LOCAL, false, false);
		struct sip_reason r = { .present = true, .cause = cause };
		LOGPFSML(c->fi, LOGL_NOTICE, "cannot place the ISUP call (cause %u): %d\n", cause, ans.status);
		refuse_invite(c, ans.status ? ans.status : 503, cause, &r, false);
		return;
	}
	metric_since_start(c, GW_HIST_INVITE_TO_IAM, &c->xlat_seen);
	gw_cdr_isup(c, iam);
	call_state(c, GW_CALL_ST_PROCEEDING);
	snprintf(c->call_id, sizeof(c->call_id), "%s", inv->call_id);
	snprintf(c->from_tag, sizeof(c->from_tag), "%s", inv->from_tag);
	gw_overlap_set(c->ovl, user[0] == '+' ? user + 1 : user);
	LOGPFSML(c->fi, LOGL_INFO, "INVITE %s -> IAM on CIC %u\n", inv->ruri, c->ic->circ ? c->ic->circ->cic : 0);
	if (inv->body.has_sdp)
		gw_media_remote_sdp(c, inv->body.sdp, inv->body.sdp_len, true);
	osmo_fsm_inst_dispatch(c->ovl->fi, GW_OVL_EV_START, &c->route); /* short of the length plan? */
}

static void send_backward(struct gw_call *c, const struct gw_backward *bw, uint8_t type, uint8_t event)
{
	struct isup_msg m;
	if (gw_map_build_backward(bw, c->tg->variant, type, event, &m))
		return;
	isup_call_req(c->ic, type == ISUP_MT_ACM ? ISUP_PRIM_ALERTING : ISUP_PRIM_PROGRESS, &m);
}

/* ---- SIP events ---- */

/* ISUP -> SIP: 1xx -> ACM/CPG (RFC 3398 s8.2.3); ringback toward the PSTN for a 180 without SDP (RFC 3960) */
static void on_sip_progress(struct gw_call *c, const struct gw_sip_ind *ind)
{
	int status = ind->status;
	const struct sipt_body *body = ind->body;
	if (!c->ic)
		return;
	metric_since_start(c, GW_HIST_PDD_ISUP_TO_SIP, &c->pdd_seen);
	struct isup_msg *m = talloc(c, struct isup_msg);
	if (body_isup(c, body, c->tg->variant, m) && (m->type == ISUP_MT_ACM || m->type == ISUP_MT_CPG)) {
		/* s8.2.3: an encapsulated ACM/CPG is reused as it is */
		if (m->type == ISUP_MT_ACM && c->acm_sent)
			m->type = 0;
		if (m->type) {
			isup_call_req(c->ic, m->type == ISUP_MT_ACM ? ISUP_PRIM_ALERTING : ISUP_PRIM_PROGRESS, m);
			c->acm_sent = true;
		}
	} else {
		struct gw_backward bw = gw_map_provisional(status, body && body->has_sdp, c->acm_sent);
		/* RFC 3960 s3: alerting without early media: we play ringback, and say in-band info is there */
		if (status == 180 && !(body && body->has_sdp) && gw_media_call_chan(c))
			bw.inband = true;
		if (bw.type) {
			send_backward(c, &bw, bw.type, bw.event);
			if (bw.then_cpg)
				send_backward(c, &bw, ISUP_MT_CPG, bw.event);
			c->acm_sent = true;
		}
	}
	talloc_free(m);
	t11_stop(c);
	if (body && body->has_sdp) {
		/* early media (RFC 3960): the far end's audio cuts through, our ringback stops */
		gw_media_remote_sdp(c, body->sdp, body->sdp_len, false);
		if (c->ringback && c->mc)
			media_chan_tone(c->mc, TONE_NONE);
		c->ringback = false;
	} else if (status == 180 && !c->ringback && gw_media_call_chan(c)) {
		media_chan_tone(c->mc, TONE_RINGBACK);
		c->ringback = true;
		LOGPFSML(c->fi, LOGL_INFO, "180 without SDP: ringback toward the PSTN\n");
	}
	if (c->fi->state == GW_CALL_ST_PROCEEDING)
		call_state(c, GW_CALL_ST_ALERTING);
}

static void on_sip_answer(struct gw_call *c, const struct gw_sip_ind *ind)
{
	const struct sipt_body *body = ind->body;
	/* UAC: the 200's answer; UAS: an ACK carrying the answer to the offer of our 200 (late offer) */
	if (body && body->has_sdp)
		gw_media_remote_sdp(c, body->sdp, body->sdp_len, false);
	if (c->ringback && c->mc)
		media_chan_tone(c->mc, TONE_NONE);
	c->ringback = false;
	if (!c->from_isup || !c->ic)
		return;
	metric_since_start(c, GW_HIST_PDD_ISUP_TO_SIP, &c->pdd_seen); /* answered without 18x first */
	struct isup_msg *m = talloc(c, struct isup_msg);
	bool encap = body_isup(c, body, c->tg->variant, m) && (m->type == ISUP_MT_ANM || m->type == ISUP_MT_CON);
	if (!encap) {
		/* s8.2.4: 200 -> ANM, or CON when no ACM went back (ITU; ANSI has no CON, s13) */
		uint8_t t = !c->acm_sent && c->tg->variant == ISUP_VAR_ITU ? ISUP_MT_CON : ISUP_MT_ANM;
		isup_msg_init(m, c->tg->variant, t, 0);
		if (t == ISUP_MT_CON) {
			struct isup_bci bci = { .charge = 2, .called_status = 1, .called_category = 1, .isup_ind = 1 };
			isup_msg_put_bits(m, ISUP_PAR_BCI, &bci);
		}
	} else {
		gw_numbers_apply(c->gw->numbers, GW_NUM_SIP_TO_ISUP, c->tg->name, c->peer->name, m, c->fi);
	}
	isup_call_req(c->ic, ISUP_PRIM_ANSWER, m);
	gw_cdr_sip_status(c, 200);
	talloc_free(m);
	ctr_inc(c->gw, GW_CTR_CALL_ANSWERED);
	peer_ctr_inc(c->peer, GW_PEER_CTR_ANSWERED);
	call_state(c, GW_CALL_ST_ACTIVE);
}

/* The INVITE failed before any provisional response with 408 (no answer) or 503 (transport error or
 * unavailable): the route's next peer that is up gets the call, as a new dialog. */
static bool try_next_peer(struct gw_call *c, int status)
{
	for (unsigned i = c->peer_idx + 1; i <= c->route.n_alt; i++) {
		struct gw_peer *p = gw_route_peer(c->gw, &c->route, i);
		if (!p || !p->up)
			continue;
		LOGPFSML(c->fi, LOGL_NOTICE, "sip-peer %s failed the INVITE (%d): trying sip-peer %s\n", c->peer->name,
			 status, p->name);
		peer_ctr_inc(c->peer, GW_PEER_CTR_FAILOVER);
		peer_ctr_inc(p, GW_PEER_CTR_CALL_OUT);
		c->peer = p;
		c->peer_idx = i;
		c->call_id[0] = c->from_tag[0] = 0;
		send_invite(c);
		return true;
	}
	return false;
}

/* RFC 3398 s8.2.5: a 3xx: a new INVITE to the Contact (SIP targets only, a few times at most), with a CPG
 * "call forwarded" first when configured (s8.1.6); otherwise REL cause 23. Returns true when followed. */
static bool follow_redirect(struct gw_call *c, const char *contact)
{
	struct gw_peer *p = c->peer;
	const char *why = NULL;
	if (!p || p->redirect == GW_REDIRECT_RELEASE)
		why = "the peer's redirect-response is release";
	else if (!contact || (strncmp(contact, "sip:", 4) && strncmp(contact, "sips:", 5)))
		why = "no SIP Contact to follow";
	else if (c->n_redirects >= GW_MAX_REDIRECTS)
		why = "too many redirections";
	if (why) {
		LOGPFSML(c->fi, LOGL_INFO, "3xx not followed (%s): REL cause 23\n", why);
		gw_cdr_release(c, GW_CDR_SIDE_SIP, GW_CDR_R_RESPONSE, Q850_REDIRECTED, Q850_LOC_PUB_LOCAL);
		t11_stop(c);
		release_isup(c, Q850_REDIRECTED, Q850_LOC_PUB_LOCAL); /* redirection to new destination */
		maybe_end(c);
		return true;
	}
	c->n_redirects++;
	talloc_free(c->redirect_uri);
	c->redirect_uri = talloc_strdup(c, contact);
	ctr_inc(c->gw, GW_CTR_REDIRECT_FOLLOWED);
	LOGPFSML(c->fi, LOGL_INFO, "3xx: following to %s (%u of %u)\n", contact, c->n_redirects, GW_MAX_REDIRECTS);
	if (p->redirect == GW_REDIRECT_FOLLOW_NOTIFY) {
		struct isup_msg m;
		if (!isup_msg_init(&m, c->tg->variant, ISUP_MT_CPG, 0)) {
			struct isup_event_info ev = { .event = 6 }; /* call forwarded; unconditional */
			isup_msg_put_bits(&m, ISUP_PAR_EVENT_INFO, &ev);
			isup_call_req(c->ic, ISUP_PRIM_PROGRESS, &m);
		}
	}
	send_invite(c);
	return true;
}

/* The SIP half ended (the leg is gone): a failover, a 3xx followed, an RFC 3578 484 waiting for digits,
 * or the ISUP half released with the cause the SIP side gave (s8.2.6) */
static void on_sip_release(struct gw_call *c, const struct gw_sip_ind *ind)
{
	struct sip_leg *leg = ind->leg;
	int status = ind->status;
	const struct sip_reason *reason = ind->reason;
	const struct sipt_body *body = ind->body;
	if (!sip_leg_answered(leg))
		gw_cdr_sip_status(c, status);
	if (c->from_isup && c->ic && !sip_leg_provisional_seen(leg) &&
	    gw_route_fails_over(&c->route, status, reason && reason->present ? reason->cause : 0) &&
	    try_next_peer(c, status))
		return;
	if (status >= 300 && status < 400 && c->from_isup && c->ic && follow_redirect(c, sip_leg_redirect_uri(leg)))
		return;
	if (status == 484 && c->from_isup && gw_overlap_open(c->ovl) && c->ic) {
		/* RFC 3578 s3: address incomplete: wait for more digits (ISUP T35 guards), then a new INVITE */
		call_state(c, GW_CALL_ST_AWAIT_DIGITS);
		osmo_fsm_inst_dispatch(c->ovl->fi, GW_OVL_EV_484, NULL);
		return;
	}
	uint8_t cause = Q850_NORMAL_CLEARING, loc = Q850_LOC_PUB_LOCAL;
	struct isup_msg *m = c->tg ? talloc(c, struct isup_msg) : NULL;
	struct isup_cause enc;
	bool has_enc =
		m && body_isup(c, body, c->tg->variant, m) && m->type == ISUP_MT_REL && !isup_msg_get_cause(m, &enc);
	if (has_enc && (!reason || !reason->present || reason->cause == enc.cause)) {
		/* s8.2.6 / s10.1: the encapsulated REL's cause indicators, location and diagnostics included */
		talloc_free(m);
		LOGPFSML(c->fi, LOGL_INFO, "SIP released (status %d): REL cause %u from the encapsulated REL\n", status,
			 enc.cause);
		if (status >= 300 && c->peer)
			peer_ctr_inc(c->peer, GW_PEER_CTR_FAILED);
		t11_stop(c);
		gw_cdr_release_sip(c, leg, status, enc.cause, enc.location);
		release_isup_full(c, &enc);
		maybe_end(c);
		return;
	}
	if (reason && reason->present) {
		/* RFC 3398 s7.2.3: the Reason header is preferred over encapsulated ISUP */
		cause = reason->cause;
	} else if (status >= 300) {
		struct gw_isup_cause ic = gw_cause_sip_to_isup(status, 0); /* s8.2.6.1 */
		cause = ic.cause ? ic.cause : Q850_NORMAL_UNSPECIFIED;
		loc = ic.location;
	}
	talloc_free(m);
	if (status >= 300 && c->peer)
		peer_ctr_inc(c->peer, GW_PEER_CTR_FAILED);
	LOGPFSML(c->fi, LOGL_INFO, "SIP released (status %d): REL cause %u\n", status, cause);
	t11_stop(c);
	gw_cdr_release_sip(c, leg, status, cause, loc);
	release_isup(c, cause, loc);
	maybe_end(c);
}

/* INFO with ISUP (SIP-T): the message goes to the ISUP call as it is (RFC 3372) */
static void on_sip_info(struct gw_call *c, const struct gw_sip_ind *ind)
{
	if (!c->ic)
		return;
	struct isup_msg *m = talloc(c, struct isup_msg);
	if (body_isup(c, ind->body, c->tg->variant, m)) {
		enum isup_prim p = m->type == ISUP_MT_SUS ? ISUP_PRIM_SUSPEND :
				   m->type == ISUP_MT_RES ? ISUP_PRIM_RESUME :
				   m->type == ISUP_MT_SAM ? ISUP_PRIM_MORE_DIGITS :
							    ISUP_PRIM_INFO;
		isup_call_req(c->ic, p, m);
	}
	talloc_free(m);
}

/* RFC 3398 s9.2: hold from SIP -> CPG with the generic notification "remote hold" (Q.763 3.25: 0x79),
 * resume -> "remote retrieval" (0x7a) */
static void on_sip_hold(struct gw_call *c, bool hold)
{
	if (!c->ic)
		return;
	struct isup_msg m;
	if (isup_msg_init(&m, c->tg->variant, ISUP_MT_CPG, 0))
		return;
	struct isup_event_info ev = { .event = 2 }; /* progress */
	struct isup_gen_notif gn = { .notification = hold ? 0x79 : 0x7a, .ext = 1 };
	isup_msg_put_bits(&m, ISUP_PAR_EVENT_INFO, &ev);
	isup_msg_put_bits(&m, ISUP_PAR_GEN_NOTIF, &gn);
	LOGPFSML(c->fi, LOGL_INFO, "SIP side %s: CPG %s\n", hold ? "holds" : "resumes",
		 hold ? "remote hold" : "remote retrieval");
	isup_call_req(c->ic, ISUP_PRIM_PROGRESS, &m);
}

/* ---- SIP callbacks: each becomes an event of the leg's call ---- */

static void sip_dispatch(struct sip_leg *leg, uint32_t event, struct gw_sip_ind *ind)
{
	struct gw_call *c = sip_leg_user_ref(leg);
	if (!c || c->leg != leg)
		return;
	ind->leg = leg;
	if (event == GW_CALL_EV_SIP_RELEASE)
		c->leg = NULL; /* gone whatever the state does with it */
	osmo_fsm_inst_dispatch(c->fi, event, ind);
}

static void sip_progress_ind(struct sip_leg *leg, int status, const struct sipt_body *body)
{
	sip_dispatch(leg, GW_CALL_EV_SIP_PROGRESS, &(struct gw_sip_ind){ .status = status, .body = body });
}

static void sip_answer_ind(struct sip_leg *leg, const struct sipt_body *body)
{
	sip_dispatch(leg, GW_CALL_EV_SIP_ANSWER, &(struct gw_sip_ind){ .body = body });
}

static void sip_release_ind(struct sip_leg *leg, int status, const struct sip_reason *reason,
			    const struct sipt_body *body)
{
	sip_dispatch(leg, GW_CALL_EV_SIP_RELEASE,
		     &(struct gw_sip_ind){ .status = status, .reason = reason, .body = body });
}

static void sip_info_ind(struct sip_leg *leg, const struct sipt_body *body)
{
	sip_dispatch(leg, GW_CALL_EV_SIP_INFO, &(struct gw_sip_ind){ .body = body });
}

static void sip_hold_ind(struct sip_leg *leg, bool hold)
{
	sip_dispatch(leg, GW_CALL_EV_SIP_HOLD, &(struct gw_sip_ind){ .hold = hold });
}

static void sip_sdp_ind(struct sip_leg *leg, const char *sdp, size_t len)
{
	sip_dispatch(leg, GW_CALL_EV_SIP_SDP, &(struct gw_sip_ind){ .sdp = sdp, .sdp_len = len });
}

const struct sip_leg_ops gw_sip_ops = {
	.sdp_ind = sip_sdp_ind,
	.hold_ind = sip_hold_ind,
	.invite_ind = sip_invite_ind,
	.progress_ind = sip_progress_ind,
	.answer_ind = sip_answer_ind,
	.release_ind = sip_release_ind,
	.info_ind = sip_info_ind,
};

/* ---- timers ---- */

/* RFC 3398 s8.2.8: no 18x within T11 -> an early ACM (called party status no indication) */
static void t11_expired(struct gw_call *c)
{
	if (!c->ic || c->acm_sent)
		return;
	LOGPFSML(c->fi, LOGL_INFO, "T11 expired: early ACM\n");
	ctr_inc(c->gw, GW_CTR_T11_EXPIRY);
	struct gw_backward bw = { .type = ISUP_MT_ACM, .called_status = 0 };
	send_backward(c, &bw, ISUP_MT_ACM, 0);
	c->acm_sent = true;
	if (c->fi->state == GW_CALL_ST_PROCEEDING)
		call_state(c, GW_CALL_ST_ALERTING);
}

static void release_both(struct gw_call *c, uint8_t cause);

static void x1_cb(void *data)
{
	struct gw_call *c = data;
	LOGPFSML(c->fi, LOGL_NOTICE, "X1 expired: no answer within %lu s, releasing (cause 102)\n",
		 osmo_tdef_get(c->gw->tdefs, -1, OSMO_TDEF_S, 0));
	gw_cdr_release(c, GW_CDR_SIDE_GATEWAY, GW_CDR_R_TIMER, Q850_RECOVERY_ON_TIMER_EXPIRY, Q850_LOC_PUB_LOCAL);
	release_both(c, Q850_RECOVERY_ON_TIMER_EXPIRY);
}

static int timer_cb(struct osmo_fsm_inst *fi)
{
	struct gw_call *c = fi->priv;
	switch (fi->T) {
	case 11:
		t11_expired(c);
		break;
	}
	return 0;
}

/* ---- the FSM: one action per state ---- */

/* What the overlap child decided (gw_overlap.c) */
static void on_ovl(struct gw_call *c, uint32_t event)
{
	switch (event) {
	case GW_CALL_EV_OVL_COLLECTING:
		call_state(c, GW_CALL_ST_COLLECTING);
		break;
	case GW_CALL_EV_OVL_SEND:
		on_ovl_send(c);
		break;
	case GW_CALL_EV_OVL_SHORT:
		on_ovl_short(c);
		break;
	case GW_CALL_EV_OVL_INCOMPLETE:
		on_ovl_incomplete(c);
		break;
	}
}

/* ISUP -> SIP before the first INVITE (INIT, COLLECTING): digits until the number is complete or X2 */
static void st_collecting(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_call *c = fi->priv;
	switch (event) {
	case GW_CALL_EV_ISUP_MORE_DIGITS:
		isup_more_digits(c, ((const struct gw_isup_ind *)data)->m);
		break;
	case GW_CALL_EV_ISUP_RELEASE:
		on_isup_release(c, data);
		break;
	case GW_CALL_EV_OVL_COLLECTING:
	case GW_CALL_EV_OVL_SEND:
	case GW_CALL_EV_OVL_INCOMPLETE:
		on_ovl(c, event);
		break;
	default:
		break; /* no SIP side yet: SUS/RES/INF have nowhere to go */
	}
}

/* Before the answer: the setup went on (PROCEEDING) or something came back (ALERTING) */
static void st_early(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_call *c = fi->priv;
	switch (event) {
	case GW_CALL_EV_ISUP_ALERTING:
	case GW_CALL_EV_ISUP_PROGRESS:
		on_isup_backward(c, data);
		break;
	case GW_CALL_EV_ISUP_ANSWER:
		on_isup_answer(c, data);
		break;
	case GW_CALL_EV_ISUP_RELEASE:
		on_isup_release(c, data);
		break;
	case GW_CALL_EV_ISUP_MORE_DIGITS:
	case GW_CALL_EV_ISUP_SUSPEND:
	case GW_CALL_EV_ISUP_RESUME:
	case GW_CALL_EV_ISUP_INFO:
		on_isup_other(c, event, data);
		break;
	case GW_CALL_EV_SIP_PROGRESS:
		on_sip_progress(c, data);
		break;
	case GW_CALL_EV_SIP_ANSWER:
		on_sip_answer(c, data);
		break;
	case GW_CALL_EV_SIP_RELEASE:
		on_sip_release(c, data);
		break;
	case GW_CALL_EV_SIP_INFO:
		on_sip_info(c, data);
		break;
	case GW_CALL_EV_SIP_HOLD:
		on_sip_hold(c, ((const struct gw_sip_ind *)data)->hold);
		break;
	case GW_CALL_EV_SIP_SDP:
		gw_media_remote_sdp(c, ((const struct gw_sip_ind *)data)->sdp,
				    ((const struct gw_sip_ind *)data)->sdp_len, true);
		break;
	case GW_CALL_EV_SIP_MORE_DIGITS:
		on_sip_more_digits(c, data);
		break;
	case GW_CALL_EV_OVL_SEND:
	case GW_CALL_EV_OVL_SHORT:
		on_ovl(c, event);
		break;
	}
}

/* Overlap: a 484 went (SIP -> ISUP: X2 for the caller's next INVITE) or came (ISUP -> SIP, RFC 3578: the
 * next SAM makes a new INVITE); no SIP dialog is open meanwhile */
static void st_await_digits(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_call *c = fi->priv;
	switch (event) {
	case GW_CALL_EV_ISUP_MORE_DIGITS:
		on_isup_other(c, event, data);
		break;
	case GW_CALL_EV_ISUP_RELEASE:
		on_isup_release(c, data);
		break;
	case GW_CALL_EV_SIP_MORE_DIGITS:
		on_sip_more_digits(c, data);
		break;
	case GW_CALL_EV_OVL_SEND:
	case GW_CALL_EV_OVL_INCOMPLETE:
		on_ovl(c, event);
		break;
	default:
		break; /* ACM/CPG/ANM with no SIP dialog to tell: the caller's next INVITE gets the call's state */
	}
}

/* Answered: mid-call CPG (hold, RFC 3398 s9.2) and SUS/RES/INF one way, re-INVITE/UPDATE/INFO the other */
static void st_active(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct gw_call *c = fi->priv;
	const struct gw_isup_ind *ind = data;
	switch (event) {
	case GW_CALL_EV_ISUP_ALERTING:
	case GW_CALL_EV_ISUP_PROGRESS:
		if (c->leg && ind->m)
			isup_midcall_progress(c, ind->m);
		break;
	case GW_CALL_EV_SIP_PROGRESS:
	case GW_CALL_EV_ISUP_ANSWER:
	case GW_CALL_EV_SIP_MORE_DIGITS:
		break;
	case GW_CALL_EV_SIP_ANSWER:
		on_sip_answer(c, data); /* UAS: the ACK, which may carry the answer to a late offer */
		break;
	default:
		st_early(fi, event, data);
		break;
	}
}

static void st_released_onenter(struct osmo_fsm_inst *fi, uint32_t prev)
{
	osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
}

static void cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct gw_call *c = fi->priv;
	osmo_timer_del(&c->x1);
	gw_cdr_end(c); /* before the media channel goes: its counters */
	gw_media_call_free(c);
	if (c->leg) {
		struct sip_leg *leg = c->leg;
		c->leg = NULL;
		struct sip_reason r = { .present = true, .cause = Q850_TEMPORARY_FAILURE };
		sip_leg_release(leg, &r, NULL);
	}
	release_isup(c, Q850_TEMPORARY_FAILURE, Q850_LOC_PUB_LOCAL);
	llist_del(&c->list);
	c->gw->n_calls--;
}

#define S(x)  (1 << (x))
#define EV(x) (1 << (x))
#define ISUP_EVS                                                                                       \
	(EV(GW_CALL_EV_ISUP_ALERTING) | EV(GW_CALL_EV_ISUP_PROGRESS) | EV(GW_CALL_EV_ISUP_ANSWER) |    \
	 EV(GW_CALL_EV_ISUP_RELEASE) | EV(GW_CALL_EV_ISUP_MORE_DIGITS) | EV(GW_CALL_EV_ISUP_SUSPEND) | \
	 EV(GW_CALL_EV_ISUP_RESUME) | EV(GW_CALL_EV_ISUP_INFO))
#define OVL_COLLECT_EVS (EV(GW_CALL_EV_OVL_COLLECTING) | EV(GW_CALL_EV_OVL_SEND) | EV(GW_CALL_EV_OVL_INCOMPLETE))
#define OVL_EARLY_EVS	(EV(GW_CALL_EV_OVL_SEND) | EV(GW_CALL_EV_OVL_SHORT))
#define OVL_AWAIT_EVS	(EV(GW_CALL_EV_OVL_SEND) | EV(GW_CALL_EV_OVL_INCOMPLETE))
#define SIP_EVS                                                                                 \
	(EV(GW_CALL_EV_SIP_PROGRESS) | EV(GW_CALL_EV_SIP_ANSWER) | EV(GW_CALL_EV_SIP_RELEASE) | \
	 EV(GW_CALL_EV_SIP_INFO) | EV(GW_CALL_EV_SIP_HOLD) | EV(GW_CALL_EV_SIP_SDP) | EV(GW_CALL_EV_SIP_MORE_DIGITS))
static const struct osmo_fsm_state states[] = {
	[GW_CALL_ST_INIT] = { .name = "INIT",
			      .action = st_collecting,
			      .in_event_mask = ISUP_EVS | OVL_COLLECT_EVS,
			      .out_state_mask =
				      S(GW_CALL_ST_COLLECTING) | S(GW_CALL_ST_PROCEEDING) | S(GW_CALL_ST_RELEASED) },
	[GW_CALL_ST_COLLECTING] = { .name = "COLLECTING",
				    .action = st_collecting,
				    .in_event_mask = ISUP_EVS | OVL_COLLECT_EVS,
				    .out_state_mask = S(GW_CALL_ST_COLLECTING) | S(GW_CALL_ST_PROCEEDING) |
						      S(GW_CALL_ST_RELEASED) },
	[GW_CALL_ST_PROCEEDING] = { .name = "PROCEEDING",
				    .action = st_early,
				    .in_event_mask = ISUP_EVS | SIP_EVS | OVL_EARLY_EVS,
				    .out_state_mask = S(GW_CALL_ST_AWAIT_DIGITS) | S(GW_CALL_ST_ALERTING) |
						      S(GW_CALL_ST_ACTIVE) | S(GW_CALL_ST_RELEASED) },
	[GW_CALL_ST_AWAIT_DIGITS] = { .name = "AWAIT_DIGITS",
				      .action = st_await_digits,
				      .in_event_mask = ISUP_EVS | EV(GW_CALL_EV_SIP_MORE_DIGITS) | OVL_AWAIT_EVS,
				      .out_state_mask = S(GW_CALL_ST_PROCEEDING) | S(GW_CALL_ST_ALERTING) |
							S(GW_CALL_ST_RELEASED) },
	[GW_CALL_ST_ALERTING] = { .name = "ALERTING",
				  .action = st_early,
				  .in_event_mask = ISUP_EVS | SIP_EVS | OVL_EARLY_EVS,
				  .out_state_mask = S(GW_CALL_ST_AWAIT_DIGITS) | S(GW_CALL_ST_ALERTING) |
						    S(GW_CALL_ST_ACTIVE) | S(GW_CALL_ST_RELEASED) },
	[GW_CALL_ST_ACTIVE] = { .name = "ACTIVE",
				.action = st_active,
				.in_event_mask = ISUP_EVS | SIP_EVS,
				.out_state_mask = S(GW_CALL_ST_RELEASED) },
	[GW_CALL_ST_RELEASED] = { .name = "RELEASED", .onenter = st_released_onenter },
};

static struct osmo_fsm gw_call_fsm = {
	.name = "call",
	.states = states,
	.num_states = ARRAY_SIZE(states),
	.event_names = ev_names,
	.cleanup = cleanup,
	.timer_cb = timer_cb,
};

void gw_call_fsm_init(int log_cat)
{
	static bool done;
	gw_log_cat = log_cat;
	gw_call_fsm.log_subsys = log_cat;
	gw_overlap_fsm_init(log_cat);
	if (!done && osmo_fsm_register(&gw_call_fsm) == 0)
		done = true;
}

/* The gateway ends a call itself (shutdown, X1): REL toward ISUP, BYE/CANCEL or 503 toward SIP. */
static void release_both(struct gw_call *c, uint8_t cause)
{
	if (c->leg) {
		struct sip_leg *leg = c->leg;
		c->leg = NULL;
		struct sip_reason r = { .present = true, .cause = cause };
		gw_cdr_leg(c, leg);
		bool early_uas = sip_leg_get_dir(leg) == SIP_LEG_UAS && !sip_leg_answered(leg);
		if (!early_uas || sip_leg_reject(leg, 503, &r, NULL) < 0)
			sip_leg_release(leg, &r, NULL);
		else
			gw_cdr_sip_status(c, 503);
	}
	release_isup(c, cause, Q850_LOC_PUB_LOCAL);
	maybe_end(c);
}

void gw_release_all(struct gw *gw)
{
	struct gw_call *c, *tmp;
	llist_for_each_entry_safe(c, tmp, &gw->calls, list) {
		gw_cdr_release(c, GW_CDR_SIDE_GATEWAY, GW_CDR_R_SHUTDOWN, Q850_NORMAL_CLEARING, Q850_LOC_PUB_LOCAL);
		release_both(c, Q850_NORMAL_CLEARING);
	}
}

char *gw_show_calls(void *ctx, const struct gw *gw)
{
	char *s = talloc_asprintf(ctx, "%-10s %-4s %-11s %-10s %-6s %s\r\n", "call", "dir", "state", "peer", "CIC",
				  "trunk");
	const struct gw_call *c;
	llist_for_each_entry(c, &gw->calls, list)
		s = talloc_asprintf_append(s, "%-10s %-4s %-11s %-10s %-6u %s\r\n", c->fi->id,
					   c->from_isup ? "in" : "out", osmo_fsm_inst_state_name(c->fi),
					   c->peer ? c->peer->name : "-", c->ic && c->ic->circ ? c->ic->circ->cic : 0,
					   c->tg ? c->tg->name : "-");
	return talloc_asprintf_append(s, "%u calls\r\n", gw->n_calls);
}
