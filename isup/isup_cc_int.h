/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals shared by the ISUP call-control files; not for other folders. */
#pragma once

#include "isup_cc.h"
#include "isup_timers.h"

enum isup_cic_event {
	ISUP_CIC_EV_SEIZE_OUT,
	ISUP_CIC_EV_SEIZE_IN,
	ISUP_CIC_EV_RELEASED,
	ISUP_CIC_EV_RESET_START,
	ISUP_CIC_EV_RESET_DONE,
};

extern struct osmo_fsm isup_cic_fsm;
extern struct osmo_fsm isup_call_fsm;
extern int isup_log_cat;

/* trunk */
int isup_send_simple(struct isup_trunk *tg, uint8_t type, uint16_t cic);
/* the user's maint_changed hook, if any */
void isup_maint_changed(struct isup_trunk *tg);
void isup_alert(struct isup_trunk *tg, uint16_t cic, const char *what);
void isup_ctr_inc(struct isup_trunk *tg, enum isup_trunk_ctr ctr);
struct isup_circuit *isup_trunk_select(struct isup_trunk *tg, const struct isup_circuit *not_this);
bool isup_trunk_offer_allowed(struct isup_trunk *tg, uint8_t *cause);

/* circuit */
enum isup_cic_state isup_cic_state(const struct isup_circuit *c);
int isup_circuit_init(struct isup_circuit *c, struct isup_trunk *tg, uint16_t cic);
void isup_circuit_fini(struct isup_circuit *c);
int isup_circuit_reset_ex(struct isup_circuit *c, bool after_t5);
void isup_cic_rx(struct isup_circuit *c, const struct isup_msg *m);
uint8_t isup_cic_state_octet(const struct isup_circuit *c);
void isup_cic_cot_clear(struct isup_circuit *c);

/* call */
void isup_call_rx(struct isup_call *call, const struct isup_msg *m);
struct isup_call *isup_call_incoming(struct isup_trunk *tg, struct isup_circuit *c, const struct isup_msg *iam);
/* Q.764 2.9.5: a received message's instructions say "release call": REL with the cause (97, 99), the
 * user told as of a release from the network (isup_call_release_req is the user's, and forgets it) */
void isup_call_proto_release(struct isup_call *call, uint8_t cause);
/* the circuit was reset: remote (RSC/GRS received) or local (our RSC/GRS); no REL is sent */
void isup_call_circuit_reset(struct isup_call *call, bool remote);
/* BLO/hardware blocking on the call's circuit */
void isup_call_circuit_blocked(struct isup_call *call);
void isup_call_circuit_hw_blocked(struct isup_call *call);
/* UCIC for the call's circuit: the far end does not have it */
void isup_call_circuit_unequipped(struct isup_call *call);
/* dual seizure lost: move the outgoing call to another circuit */
void isup_call_dual_seizure(struct isup_call *call);
bool isup_call_is_outgoing_setup(const struct isup_call *call);

/* isup_grp.c: the circuit group procedures, for the trunk */
void isup_grp_send(struct isup_trunk *tg, struct isup_grp_proc *g);
int isup_grp_T(const struct isup_grp_proc *g, bool long_timer);
void isup_grp_timers_setup(struct isup_trunk *tg);
void isup_rx_group(struct isup_trunk *tg, const struct isup_msg *m);
