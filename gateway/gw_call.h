/* SPDX-License-Identifier: GPL-2.0-or-later */
/* call_fsm: one call through the gateway (an ISUP call + a SIP leg). */
#pragma once

#include "gw.h"

enum gw_call_state {
	GW_CALL_ST_INIT,
	GW_CALL_ST_PROCEEDING,		/* setup passed on, nothing back yet */
	GW_CALL_ST_ALERTING,		/* ACM/CPG or 18x passed back */
	GW_CALL_ST_ACTIVE,		/* answered */
	GW_CALL_ST_RELEASED,		/* both halves gone */
};

enum gw_call_event {
	GW_CALL_EV_ISUP,
	GW_CALL_EV_SIP,
};

struct gw_call {
	struct llist_head list;
	struct gw *gw;
	struct osmo_fsm_inst *fi;
	uint32_t id;
	bool from_isup;			/* ISUP -> SIP: we are the UAC */
	struct isup_call *ic;		/* NULL once the ISUP half is released */
	struct isup_trunk *tg;
	struct sip_leg *leg;		/* NULL once the SIP half is released */
	struct gw_peer *peer;
	bool acm_sent;			/* ISUP -> SIP: an ACM (or CON) went back to the PSTN */
	bool peer_sent_isup;		/* SIP -> ISUP: the INVITE carried ISUP (encapsulate back) */
	uint16_t rtp_port;
	struct osmo_timer_list t11_timer;
};

void gw_call_fsm_init(int log_cat);
struct osmo_tdef *gw_tdefs_alloc(void *ctx);
