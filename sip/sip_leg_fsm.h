/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip_leg_fsm: one SIP dialog, UAC or UAS, on a nua handle (internal to libsip). */
#pragma once

#include "sip_agent.h"

enum sip_leg_state {
	SIP_LEG_ST_INIT,
	SIP_LEG_ST_CALLING,	/* UAC: INVITE sent, nothing above 100 yet */
	SIP_LEG_ST_EARLY_OUT,	/* UAC: a provisional response came */
	SIP_LEG_ST_INCOMING,	/* UAS: INVITE received, no provisional sent */
	SIP_LEG_ST_EARLY_IN,	/* UAS: 18x sent */
	SIP_LEG_ST_ANSWERED_IN, /* UAS: 200 sent, waiting for the ACK */
	SIP_LEG_ST_CONFIRMED,
	SIP_LEG_ST_TERMINATING, /* released; sofia finishes the transactions */
};

enum sip_leg_event_id {
	SIP_LEG_EV_RX_INVITE,
	SIP_LEG_EV_RX_PROVISIONAL,
	SIP_LEG_EV_RX_2XX,
	SIP_LEG_EV_RX_FAILURE,
	SIP_LEG_EV_RX_ACK,
	SIP_LEG_EV_RX_BYE,
	SIP_LEG_EV_RX_CANCEL,
	SIP_LEG_EV_RX_INFO,
	SIP_LEG_EV_RX_REINVITE,
	SIP_LEG_EV_RX_UPDATE,
	SIP_LEG_EV_RX_REINVITE_RESULT, /* the final response to our re-INVITE */
	SIP_LEG_EV_RX_PRACK,
	SIP_LEG_EV_TERMINATED,
	SIP_LEG_EV_RX_OPTIONS_RESULT, /* the final response to our in-dialog OPTIONS (dead-peer check) */
};

struct sip_leg_event {
	int status;
	const void *sip;  /* sip_t */
	const void *tags; /* tagi_t[] */
};

extern int sip_log_cat;
void sip_leg_fsm_init(int log_cat);
struct sip_leg *sip_leg_alloc(struct sip_agent *a, enum sip_leg_dir dir, void *nh);
