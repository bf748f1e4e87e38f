/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The gateway's media: configuration, a call's channel and SDP, continuity checks (see gw_media.h). */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "gw.h"
#include "isup/isup.h"
#include "gw_call.h"
#include "gw_media.h"
#include "sip/sip.h"

static int g_cat = DLGLOBAL;

void gw_media_set_log_cat(int cat)
{
	g_cat = cat;
}

static void blk_retry_cb(void *data);

struct gw_media *gw_media_alloc(struct gw *gw)
{
	struct gw_media *gm = talloc_zero(gw->ctx, struct gw_media);
	if (!gm)
		return NULL;
	gm->gw = gw;
	gm->span_blocking = true;
	osmo_timer_setup(&gm->blk_retry, blk_retry_cb, gm);
	media_plane_cfg_default(&gm->cfg);
	return gm;
}

const struct media_span_cfg *gw_media_span_cfg(const struct gw_media *gm, unsigned id)
{
	for (unsigned i = 0; i < gm->n_spans; i++)
		if (gm->spans[i].id == id)
			return &gm->spans[i];
	return NULL;
}

int gw_media_cic_ts(const struct gw_media *gm, const char *trunk, uint16_t cic, unsigned *span, unsigned *ts)
{
	for (unsigned i = 0; i < gm->n_trunks; i++) {
		const struct gw_media_trunk *t = &gm->trunks[i];
		if (strcmp(t->trunk, trunk))
			continue;
		struct tdm_span layouts[GW_MEDIA_TRUNK_SPANS];
		for (unsigned k = 0; k < t->n_spans; k++) {
			const struct media_span_cfg *sc = gw_media_span_cfg(gm, t->spans[k]);
			if (!sc)
				return -ENOENT;
			layouts[k] = sc->layout;
		}
		unsigned idx;
		if (tdm_cic_to_ts(cic, t->cic_base, layouts, t->n_spans, &idx, ts))
			return -ENOENT;
		*span = t->spans[idx];
		return 0;
	}
	return -ENOENT;
}

/* ---- continuity checks ---- */

static void cot_free(struct gw_media *gm, struct gw_media_cot *k)
{
	for (struct gw_media_cot **p = &gm->cots; *p; p = &(*p)->next)
		if (*p == k) {
			*p = k->next;
			break;
		}
	if (k->timer)
		osmo_timer_del(k->timer);
	media_chan_free(k->ch);
	talloc_free(k);
}

static void cot_result(struct isup_trunk *tg, uint16_t cic, bool ok)
{
	/* the call may be gone (T24 ran out first): look it up now */
	struct isup_circuit *circ = isup_trunk_circuit(tg, cic);
	LOGP(g_cat, ok ? LOGL_INFO : LOGL_NOTICE, "trunk %s CIC %u: continuity check %s\n", tg->name, cic,
	     ok ? "passed (2010 Hz back)" : "failed: no 2010 Hz back in time");
	if (circ && circ->call)
		isup_call_cot_result(circ->call, ok);
	else
		isup_circuit_cot_result(tg, cic, ok);
}

static void cot_timeout(void *data)
{
	struct gw_media_cot *k = data;
	struct isup_trunk *tg = k->tg;
	uint16_t cic = k->cic;
	cot_free(k->gm, k);
	cot_result(tg, cic, false);
}

static struct gw_media_cot *cot_find(struct gw_media *gm, const void *owner)
{
	for (struct gw_media_cot *k = gm->cots; k; k = k->next)
		if (k == owner)
			return k;
	return NULL;
}

static struct gw_media_cot *cot_new(struct gw_media *gm, struct isup_trunk *tg, uint16_t cic, bool loop)
{
	unsigned span, ts;
	if (!gm->mp || gw_media_cic_ts(gm, tg->name, cic, &span, &ts))
		return NULL;
	struct gw_media_cot *k = talloc_zero(gm, struct gw_media_cot);
	if (!k)
		return NULL;
	k->ch = media_chan_alloc(gm->mp, span, ts, k, true);
	if (!k->ch) {
		talloc_free(k);
		return NULL;
	}
	k->tg = tg;
	k->cic = cic;
	k->loop = loop;
	k->gm = gm;
	k->next = gm->cots;
	gm->cots = k;
	media_chan_cot(k->ch, loop ? MEDIA_COT_LOOP : MEDIA_COT_CHECK);
	return k;
}

void gw_media_cot_loop(struct isup_trunk *tg, uint16_t cic, bool connect, void *priv)
{
	struct gw *gw = priv;
	struct gw_media *gm = gw->media;
	if (!gm)
		return;
	for (struct gw_media_cot *k = gm->cots; k; k = k->next)
		if (k->tg == tg && k->cic == cic && k->loop) {
			cot_free(gm, k);
			break;
		}
	if (connect && !cot_new(gm, tg, cic, true))
		LOGP(g_cat, LOGL_NOTICE, "trunk %s CIC %u: no timeslot to loop back (no media for this CIC)\n",
		     tg->name, cic);
}

void gw_media_cot_test(struct isup_trunk *tg, uint16_t cic, struct isup_call *call, void *priv)
{
	struct gw *gw = priv;
	struct gw_media *gm = gw->media;
	struct gw_media_cot *k = gm ? cot_new(gm, tg, cic, false) : NULL;
	if (!k) {
		/* no timeslot for this CIC: nothing can be tested; the circuit is taken as continuous */
		LOGP(g_cat, LOGL_NOTICE, "trunk %s CIC %u: continuity test asked but no media for this CIC: passed\n",
		     tg->name, cic);
		cot_result(tg, cic, true);
		return;
	}
	k->timer = talloc_zero(k, struct osmo_timer_list);
	osmo_timer_setup(k->timer, cot_timeout, k);
	osmo_timer_schedule(k->timer, 1, 500000); /* Q.724: well inside T24 (< 2 s) */
}

/* ---- a failed span blocks its circuits ---- */

/* The trunk's existing CICs on span index k of its span list: first and range (at most 31). */
static bool span_cics(const struct gw_media *gm, const struct gw_media_trunk *t, unsigned k, struct isup_trunk *tg,
		      uint16_t *first, uint8_t *range)
{
	struct tdm_span layouts[GW_MEDIA_TRUNK_SPANS];
	for (unsigned i = 0; i < t->n_spans; i++) {
		const struct media_span_cfg *sc = gw_media_span_cfg(gm, t->spans[i]);
		if (!sc)
			return false;
		layouts[i] = sc->layout;
	}
	int lo = -1, hi = -1;
	for (unsigned ts = 0; ts < 32; ts++) {
		uint16_t cic;
		if (tdm_ts_to_cic(k, ts, t->cic_base, layouts, t->n_spans, &cic) || !isup_trunk_circuit(tg, cic))
			continue;
		if (lo < 0)
			lo = cic;
		hi = cic;
	}
	if (lo < 0 || hi - lo > 31)
		return false;
	*first = (uint16_t)lo;
	*range = (uint8_t)(hi - lo);
	return true;
}

/* Q.764 2.8.2: circuits whose span failed are blocked toward the far exchange (hardware failure oriented
 * CGB, which also releases their calls) and unblocked (CGU) when the span is back. A group procedure
 * still running is waited for. */
void gw_media_span_blocking_sync(struct gw_media *gm)
{
	bool retry = false;
	for (unsigned i = 0; i < gm->n_trunks; i++) {
		struct gw_media_trunk *t = &gm->trunks[i];
		struct isup_trunk *tg = gm->gw->net ? isup_net_trunk_find(gm->gw->net, t->trunk) : NULL;
		if (!tg)
			continue;
		for (unsigned k = 0; k < t->n_spans; k++) {
			bool want = gm->span_blocking && t->spans[k] < 256 && gm->span_lost[t->spans[k]];
			uint16_t first;
			uint8_t range;
			if (want == t->hw_blocked[k])
				continue;
			if (!span_cics(gm, t, k, tg, &first, &range)) {
				t->hw_blocked[k] = want;
				continue;
			}
			int rc = want ? isup_group_block(tg, first, range, true) :
					isup_group_unblock(tg, first, range, true);
			if (rc == -EBUSY) {
				retry = true;
				continue;
			}
			t->hw_blocked[k] = want;
			LOGP(g_cat, rc ? LOGL_ERROR : LOGL_NOTICE, "trunk %s CIC %u-%u (span %u): %s%s\n", t->trunk,
			     first, first + range, t->spans[k],
			     want ? "hardware blocked (CGB), the span failed" : "unblocked (CGU), the span is back",
			     rc ? ": not sent" : "");
		}
	}
	if (retry)
		osmo_timer_schedule(&gm->blk_retry, 1, 0);
}

static void blk_retry_cb(void *data)
{
	gw_media_span_blocking_sync(data);
}

/* ---- events ---- */

static bool call_alive(struct gw *gw, const void *p)
{
	struct gw_call *c;
	llist_for_each_entry(c, &gw->calls, list)
		if (c == p)
			return true;
	return false;
}

static void on_event(void *priv, const struct media_event *ev)
{
	struct gw_media *gm = priv;
	switch (ev->type) {
	case MEDIA_EV_SPAN:
		LOGP(g_cat, ev->ok ? LOGL_NOTICE : LOGL_ERROR, "span %u %s\n", ev->span,
		     ev->ok ? "up" : "down: its timeslots carry no speech");
		if (ev->span < 256) {
			gm->span_lost[ev->span] = !ev->ok;
			gw_media_span_blocking_sync(gm);
		}
		break;
	case MEDIA_EV_COT: {
		struct gw_media_cot *k = cot_find(gm, ev->owner);
		if (k && !k->loop) {
			struct isup_trunk *tg = k->tg;
			uint16_t cic = k->cic;
			cot_free(gm, k);
			cot_result(tg, cic, ev->ok);
		}
		break;
	}
	case MEDIA_EV_ANSWER_TONE:
		if (call_alive(gm->gw, ev->owner))
			LOGPFSML(((struct gw_call *)ev->owner)->fi, LOGL_INFO,
				 "2100 Hz answer tone with phase reversals: echo canceller off (modem/fax)\n");
		break;
	default:
		break;
	}
}

int gw_media_start(struct gw_media *gm)
{
	if (!gm->n_spans)
		return 0;
	media_plane_set_log_cat(g_cat);
	gm->mp = media_plane_create(gm, &gm->cfg, on_event, gm);
	if (!gm->mp)
		return -ENOMEM;
	for (unsigned i = 0; i < gm->n_spans; i++) {
		int rc = media_plane_span_add(gm->mp, &gm->spans[i]);
		if (rc < 0) {
			LOGP(g_cat, LOGL_ERROR, "span %u: cannot start (%s)\n", gm->spans[i].id, strerror(-rc));
			return rc;
		}
	}
	LOGP(g_cat, LOGL_NOTICE, "media plane: %u workers, %u spans, RTP %s:%u-%u\n", media_plane_n_workers(gm->mp),
	     gm->n_spans, gm->cfg.rtp_addr, gm->cfg.port_min, gm->cfg.port_max);
	return 0;
}

void gw_media_stop(struct gw_media *gm)
{
	if (!gm)
		return;
	while (gm->cots)
		cot_free(gm, gm->cots);
	osmo_timer_del(&gm->blk_retry);
	media_plane_destroy(gm->mp);
	gm->mp = NULL;
}

/* ---- a call's media ---- */

static int prefer_pt(const struct gw_media *gm, const struct gw_call *c)
{
	unsigned span, ts;
	if (c->mc) {
		const struct media_span_cfg *sc = gw_media_span_cfg(gm, media_chan_span(c->mc));
		if (sc)
			return sc->layout.law == TDM_LAW_ULAW ? 0 : 8;
	}
	(void)span;
	(void)ts;
	return 8;
}

/* The channel of the call on circuit cic of its trunk, allocated now; NULL when the media plane does not
 * map the circuit (no media for this call) or when no RTP port or socket could be had (*failed set). */
static struct media_chan *chan_alloc(struct gw_call *c, uint16_t cic, bool *failed)
{
	struct gw_media *gm = c->gw->media;
	unsigned span, ts;
	*failed = false;
	if (!gm || !gm->mp || !c->tg || gw_media_cic_ts(gm, c->tg->name, cic, &span, &ts))
		return NULL;
	struct media_chan *mc = media_chan_alloc(gm->mp, span, ts, c, false);
	if (!mc) {
		/* every port of the range in use, or no descriptor left for the sockets: the call is refused
		 * (cause 47 / 503) rather than connected without media */
		*failed = true;
		rate_ctr_inc(rate_ctr_group_get_ctr(c->gw->ctrs, GW_CTR_NO_MEDIA));
		LOGPFSML(c->fi, LOGL_ERROR,
			 "no media channel for CIC %u (span %u TS %u): no free RTP port of %u-%u or no socket "
			 "(%u channels open): call refused\n",
			 cic, span, ts, gm->cfg.port_min, gm->cfg.port_max, media_plane_n_chans(gm->mp));
		return NULL;
	}
	/* Q.764 / Q.115: our canceller faces the PSTN; an IAM saying an echo control device is already
	 * included on the way (NCI) leaves ours out */
	bool ec = gm->cfg.ec_default;
	for (unsigned i = 0; i < gm->n_trunks; i++)
		if (!strcmp(gm->trunks[i].trunk, c->tg->name) && gm->trunks[i].ec >= 0)
			ec = gm->trunks[i].ec;
	struct isup_nci nci;
	if (c->from_isup && c->iam && !isup_msg_get_bits(c->iam, ISUP_PAR_NCI, &nci) && nci.echo_dev)
		ec = false;
	media_chan_ec(mc, ec);
	LOGPFSML(c->fi, LOGL_INFO, "media: CIC %u = span %u TS %u, RTP port %u, echo canceller %s\n", cic, span, ts,
		 media_chan_port(mc), ec ? "on" : "off");
	return mc;
}

bool gw_media_call_lacks(struct gw_call *c)
{
	bool failed = false;
	if (!c->mc && c->ic && c->ic->circ)
		c->mc = chan_alloc(c, c->ic->circ->cic, &failed);
	return failed;
}

struct media_chan *gw_media_call_chan(struct gw_call *c)
{
	gw_media_call_lacks(c);
	return c->mc;
}

int gw_media_circuit_req(struct isup_call *ic, void *priv)
{
	struct gw_call *c = ic->user_ref;
	bool failed;
	if (!c || !ic->circ)
		return 0;
	/* SIP -> ISUP: the channel on the circuit chosen, before its IAM goes out (a channel of a circuit
	 * left before, cause 44, is freed already) */
	gw_media_call_free(c);
	c->mc = chan_alloc(c, ic->circ->cic, &failed);
	return failed ? -ENOSPC : 0;
}

int gw_media_sdp(struct gw_call *c, char *out, size_t size)
{
	if (gw_media_call_lacks(c))
		return -ENOSPC;
	struct media_chan *mc = c->mc;
	if (!mc)
		return -ENOENT;
	int pref = prefer_pt(c->gw->media, c);
	uint8_t pts[2];
	struct sdp_out o = { .addr = c->gw->media_addr,
			     .port = media_chan_port(mc),
			     .sess_id = 1000u + c->id,
			     .version = 1,
			     .pts = pts,
			     .ptime = 20,
			     .dir = SDP_SENDRECV,
			     .te_pt = 101 };
	if (c->has_offer) {
		int pt = sdp_oa_choose(&c->offer, pref, true);
		if (pt < 0)
			return -ENOTSUP;
		pts[0] = (uint8_t)pt;
		o.n_pts = 1;
		o.te_pt = c->offer.te_pt;
		o.ptime = c->offer.ptime ? c->offer.ptime : 20;
		o.dir = sdp_oa_mirror(c->offer.dir);
	} else {
		pts[0] = (uint8_t)pref;
		pts[1] = pref == 8 ? 0 : 8;
		o.n_pts = 2;
	}
	return sdp_oa_build(out, size, &o);
}

static void apply(struct gw_call *c, const struct sdp_desc *dp, bool is_offer)
{
	const struct sdp_desc d = *dp;
	struct media_chan *mc = gw_media_call_chan(c);
	if (!mc)
		return;
	int pt = is_offer ? sdp_oa_choose(&d, prefer_pt(c->gw->media, c), true) : (d.n_pts ? d.pts[0] : -1);
	if (pt < 0) {
		LOGPFSML(c->fi, LOGL_NOTICE, "SDP lists neither PCMA nor PCMU: media not connected\n");
		return;
	}
	struct media_remote r = { .port = d.port,
				  .pt = (uint8_t)pt,
				  .te_pt = d.te_pt,
				  .ptime = d.ptime ? d.ptime : 20,
				  .dir = (enum media_dir)sdp_oa_mirror(d.dir) };
	snprintf(r.addr, sizeof(r.addr), "%s", d.addr);
	media_chan_remote(mc, &r);
	LOGPFSML(c->fi, LOGL_INFO, "media: RTP to %s:%u %s ptime %u%s, %s\n", r.addr, r.port, pt ? "PCMA" : "PCMU",
		 r.ptime, r.te_pt >= 0 ? ", telephone-event" : "",
		 r.dir == MEDIA_SENDRECV ? "sendrecv" :
		 r.dir == MEDIA_SENDONLY ? "sendonly" :
		 r.dir == MEDIA_RECVONLY ? "recvonly" :
					   "inactive");
}

void gw_media_remote_sdp(struct gw_call *c, const char *sdp, size_t len, bool is_offer)
{
	struct sdp_desc d;
	if (sdp_oa_parse(sdp, len, &d)) {
		LOGPFSML(c->fi, LOGL_NOTICE, "SDP without a usable audio stream: media not connected\n");
		return;
	}
	if (is_offer) {
		c->offer = d;
		c->has_offer = true;
	}
	apply(c, &d, is_offer);
}

void gw_media_call_rebind(struct gw_call *c)
{
	if (c->has_offer)
		apply(c, &c->offer, true);
}

void gw_media_call_free(struct gw_call *c)
{
	if (!c->mc)
		return;
	media_chan_free(c->mc);
	c->mc = NULL;
}
