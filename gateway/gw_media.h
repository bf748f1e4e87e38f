/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The gateway's use of the media plane: the `media` VTY node (RTP ports, workers, tone plan, echo
 * canceller, jitter buffer, CESoPSN spans, which spans carry a trunk group's CICs), the channel of a call's
 * circuit, SDP offers and answers from it, and the continuity check for the ISUP trunks. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/timer.h>

#include "media/media.h"

struct gw;
struct gw_call;
struct isup_trunk;
struct isup_call;
struct vty;

#define GW_MEDIA_MAX_SPANS   64
#define GW_MEDIA_MAX_TRUNKS  16
#define GW_MEDIA_TRUNK_SPANS 16

struct gw_media_trunk {
	char trunk[32];
	uint16_t cic_base;
	unsigned spans[GW_MEDIA_TRUNK_SPANS];
	unsigned n_spans;
	bool hw_blocked[GW_MEDIA_TRUNK_SPANS]; /* a hardware oriented CGB went out for this span's CICs */
	int ec; /* echo canceller on this trunk's calls: -1 the media node's default, 0, 1 */
};

struct gw_media_cot {
	struct gw_media_cot *next;
	struct isup_trunk *tg;
	uint16_t cic;
	bool loop;
	struct media_chan *ch;
	struct gw_media *gm;
	struct osmo_timer_list *timer;
};

struct gw_media {
	struct gw *gw;
	struct media_plane_cfg cfg;
	struct media_span_cfg spans[GW_MEDIA_MAX_SPANS];
	unsigned n_spans;
	struct gw_media_trunk trunks[GW_MEDIA_MAX_TRUNKS];
	unsigned n_trunks;
	struct media_plane *mp;
	struct gw_media_cot *cots;
	bool span_blocking;  /* a span that fails blocks its circuits (hardware oriented CGB) */
	bool span_lost[256]; /* by span number: was up, is down now */
	struct osmo_timer_list blk_retry;
};

struct gw_media *gw_media_alloc(struct gw *gw);
/* Start the workers and spans once the configuration is read (nothing when no span is configured). */
int gw_media_start(struct gw_media *gm);
void gw_media_stop(struct gw_media *gm);
void gw_media_vty_init(struct gw_media *gm, int node_id, int log_cat); /* gw_media_vty.c */
void gw_media_set_log_cat(int cat);
/* A configured span, or NULL */
const struct media_span_cfg *gw_media_span_cfg(const struct gw_media *gm, unsigned id);
/* Block (hardware CGB) the circuits of failed spans and unblock those of spans back, as span-down-blocking
 * says (called again when it changes). */
void gw_media_span_blocking_sync(struct gw_media *gm);

/* The (span, timeslot) of a trunk group's CIC. 0 or -ENOENT. */
int gw_media_cic_ts(const struct gw_media *gm, const char *trunk, uint16_t cic, unsigned *span, unsigned *ts);

/* ---- a call's media (gw_call.c) ---- */
/* The call's channel on its circuit (allocated on first use); NULL without media plane or mapping, or
 * when none could be had. */
struct media_chan *gw_media_call_chan(struct gw_call *c);
/* The same, allocating: true when the call's circuit has a timeslot but no RTP port or socket could be
 * had for it (counted in call:no_media and logged); the call is then refused, cause 47 / 503. */
bool gw_media_call_lacks(struct gw_call *c);
/* Our SDP: an answer when the peer's offer is known, else an offer (both laws, the circuit's first).
 * -ENOENT: no media for this call (no plane, or its CIC has no timeslot); -ENOSPC: media lacking. */
int gw_media_sdp(struct gw_call *c, char *out, size_t size);
/* The peer's SDP (an offer from an INVITE or re-INVITE/UPDATE, or an answer). */
void gw_media_remote_sdp(struct gw_call *c, const char *sdp, size_t len, bool is_offer);
void gw_media_call_free(struct gw_call *c);
/* The call moved to another circuit: its new channel takes the offer already received. */
void gw_media_call_rebind(struct gw_call *c);

/* ISUP user hook: SIP -> ISUP, the channel on the circuit chosen before its IAM; -ENOSPC refuses the
 * circuit (cause 47) when no RTP port or socket can be had for it. */
int gw_media_circuit_req(struct isup_call *ic, void *priv);
/* ISUP user hooks (Q.764 2.1.8) */
void gw_media_cot_loop(struct isup_trunk *tg, uint16_t cic, bool connect, void *priv);
void gw_media_cot_test(struct isup_trunk *tg, uint16_t cic, struct isup_call *call, void *priv);
