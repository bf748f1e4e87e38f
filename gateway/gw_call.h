/* SPDX-License-Identifier: GPL-2.0-or-later */
/* call_fsm: one call through the gateway (an ISUP call + a SIP leg). */
#pragma once

#include "gw.h"
#include "sip/sip.h"
#include "gw_overlap.h"

struct media_chan;

enum gw_call_state {
	GW_CALL_ST_INIT,
	GW_CALL_ST_COLLECTING,	 /* ISUP -> SIP overlap: digits come, no INVITE yet (the overlap child
				  * runs X2 in collect mode) */
	GW_CALL_ST_PROCEEDING,	 /* setup passed on, nothing back yet (ISUP -> SIP: T11 runs) */
	GW_CALL_ST_AWAIT_DIGITS, /* overlap: a 484 went or came, the number grows before the call goes on
				  * (RFC 3578; SIP -> ISUP: the child's X2 for the caller's next INVITE) */
	GW_CALL_ST_ALERTING,	 /* ACM/CPG or 18x passed back */
	GW_CALL_ST_ACTIVE,	 /* answered */
	GW_CALL_ST_RELEASED,	 /* both halves gone */
};

/* ISUP and SIP primitives reach the call as events; data: struct gw_isup_ind or struct gw_sip_ind */
enum gw_call_event {
	GW_CALL_EV_ISUP_ALERTING,    /* ACM (or the first CPG) */
	GW_CALL_EV_ISUP_PROGRESS,    /* CPG */
	GW_CALL_EV_ISUP_ANSWER,	     /* ANM, CON */
	GW_CALL_EV_ISUP_RELEASE,     /* REL (the ISUP half is gone) */
	GW_CALL_EV_ISUP_MORE_DIGITS, /* SAM */
	GW_CALL_EV_ISUP_SUSPEND,
	GW_CALL_EV_ISUP_RESUME,
	GW_CALL_EV_ISUP_INFO,	 /* INF, INR, USR, FAC ... : no SIP equivalent */
	GW_CALL_EV_SIP_PROGRESS, /* 1xx */
	GW_CALL_EV_SIP_ANSWER,	 /* 2xx (UAC), ACK (UAS) */
	GW_CALL_EV_SIP_RELEASE,	 /* final error, BYE, CANCEL, timeout (the leg is gone) */
	GW_CALL_EV_SIP_INFO,
	GW_CALL_EV_SIP_HOLD,
	GW_CALL_EV_SIP_SDP,	    /* a re-INVITE's or UPDATE's offer */
	GW_CALL_EV_SIP_MORE_DIGITS, /* RFC 3578 s4: the caller's next INVITE of an overlap call */
	/* from the overlap child (gw_overlap.c), no data */
	GW_CALL_EV_OVL_COLLECTING, /* ISUP -> SIP: the number is not ready, wait for digits */
	GW_CALL_EV_OVL_SEND,	   /* ISUP -> SIP: an INVITE for the number so far (a pending one is CANCELled) */
	GW_CALL_EV_OVL_SHORT,	   /* SIP -> ISUP: the number is short of the plan: 484, wait for the next INVITE */
	GW_CALL_EV_OVL_INCOMPLETE, /* X2 expired on a number too short: release, cause 28 */
	GW_CALL_EV_OVL_GONE,	   /* the child ended (only ever with the call) */
};

struct gw_isup_ind {
	const struct isup_msg *m;
	const struct isup_cause *cause;
};

struct gw_sip_ind {
	struct sip_leg *leg;
	int status;
	const struct sipt_body *body;
	const struct sip_reason *reason;
	bool hold;
	const char *sdp;
	size_t sdp_len;
	const struct sip_invite *inv;
	const char *number;	    /* SIP_MORE_DIGITS: the grown number, without '+' */
	const struct isup_msg *sam; /* SIP_MORE_DIGITS: the SAM with its new digits */
};

struct gw_call {
	struct llist_head list;
	struct gw *gw;
	struct osmo_fsm_inst *fi;
	uint32_t id;
	bool from_isup;	      /* ISUP -> SIP: we are the UAC */
	struct isup_call *ic; /* NULL once the ISUP half is released */
	struct isup_trunk *tg;
	struct sip_leg *leg; /* NULL once the SIP half is released */
	struct gw_peer *peer;
	unsigned peer_idx;   /* which peer of the route (0: its first) */
	bool acm_sent;	     /* ISUP -> SIP: an ACM (or CON) went back to the PSTN */
	bool peer_sent_isup; /* SIP -> ISUP: the INVITE carried ISUP (encapsulate back) */
	uint16_t rtp_port;
	struct gw_route route;
	struct gw_overlap *ovl; /* the called number while it grows (child FSM, lives as long as the call) */
	struct isup_msg *iam;	/* ISUP -> SIP: the IAM as received (ovl->digits: the called number so far);
				 * SIP -> ISUP: the IAM we sent */
	unsigned n_invites;
	char call_id[128], from_tag[64]; /* kept for every INVITE of the call (RFC 3578 s3); SIP -> ISUP:
					  * what ties the caller's INVITEs of one overlap call (s4) */
	struct osmo_timer_list x1;	 /* guard before answer (gw X1), across PROCEEDING and ALERTING */
	char *redirect_uri;		 /* a 3xx's Contact the next INVITE goes to (RFC 3398 s8.2.5) */
	unsigned n_redirects;
	bool sus_in_info;      /* the SUS went in INFO: so does the RES (RFC 3398 s9.1) */
	struct media_chan *mc; /* the circuit's timeslot <-> RTP, or NULL (gw_media.c) */
	struct sdp_desc offer; /* the SIP side's offer (INVITE, re-INVITE, UPDATE) */
	bool has_offer;
	bool ringback;	  /* we play ringback toward the PSTN (180 without SDP, RFC 3960) */
	bool cic_retried; /* SIP -> ISUP: the IAM went again after REL cause 44 */
	/* latency histograms (gw_metrics.h): when the first message arrived (monotonic), and whether the
	 * call's translation and post-dial delay were counted */
	uint64_t t0_us;
	bool xlat_seen, pdd_seen;
	struct gw_cdr_rec *cdr; /* the call's detail record, NULL when no CDR sink is on (gw_cdr.c) */
};

void gw_call_fsm_init(int log_cat);
struct osmo_tdef *gw_tdefs_alloc(void *ctx);
