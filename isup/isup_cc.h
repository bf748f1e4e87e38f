/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ISUP call control and circuit supervision (Q.764): trunk groups, circuits, calls.
 *
 * Below: the trunk hands encoded MSUs to an MTP-TRANSFER function and is fed received ones.
 * Above: the gateway core gets call primitives (setup, more digits, alerting, progress, answer,
 * release, suspend/resume) with the decoded ISUP message, and issues the same as requests. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/timer.h>

#include "isup_msg.h"
#include "isup_param.h"
#include "mtp/mtp3.h"

struct isup_trunk;
struct isup_call;
struct isup_circuit;

enum isup_sel_policy {
	ISUP_SEL_SEQUENTIAL, /* lowest idle CIC */
	ISUP_SEL_CONTROLLED, /* CICs we control for dual seizure first (Q.764 2.9.1.3), then the others */
	ISUP_SEL_LRU,	     /* the circuit idle for longest */
};

/* Blocking flags: they survive calls (a circuit blocked during a call stays blocked after release). */
#define ISUP_BLK_LOCAL_MAINT  0x01
#define ISUP_BLK_LOCAL_HW     0x02
#define ISUP_BLK_REMOTE_MAINT 0x04
#define ISUP_BLK_REMOTE_HW    0x08
#define ISUP_BLK_LOCAL	      (ISUP_BLK_LOCAL_MAINT | ISUP_BLK_LOCAL_HW)
#define ISUP_BLK_REMOTE	      (ISUP_BLK_REMOTE_MAINT | ISUP_BLK_REMOTE_HW)

enum isup_cic_state {
	ISUP_CIC_ST_IDLE,
	ISUP_CIC_ST_BUSY_OUT,
	ISUP_CIC_ST_BUSY_IN,
	ISUP_CIC_ST_RESET, /* we sent RSC or a GRS covering it: waiting for RLC / GRA */
	ISUP_CIC_ST_UNEQUIPPED,
};

struct isup_circuit {
	struct isup_trunk *tg;
	uint16_t cic;
	struct osmo_fsm_inst *fi; /* cic_fsm */
	uint8_t blk;		  /* ISUP_BLK_* */
	struct isup_call *call;
	uint64_t idle_since; /* for LRU selection */
	/* outstanding single-circuit maintenance procedures, with their short and long timers */
	bool blo_pending, ubl_pending, rsc_pending;
	struct osmo_timer_list t_short, t_long; /* T12/T13, T14/T15 or T16/T17 */
	int t_short_T, t_long_T;
	bool remote_unequipped; /* UCIC received */
	/* continuity recheck after a failed test of ours: T25 then CCR every T26 (Q.764 2.1.8) */
	bool cot_recheck;
	bool cot_retest_running;
	bool cot_rel_sent; /* recheck passed: REL sent, RLC makes the circuit idle */
	unsigned cot_failures;
	struct osmo_timer_list t_cot;
};

/* Call primitives between ISUP and its user */
enum isup_prim {
	ISUP_PRIM_SETUP,       /* IAM */
	ISUP_PRIM_MORE_DIGITS, /* SAM */
	ISUP_PRIM_ALERTING,    /* ACM */
	ISUP_PRIM_PROGRESS,    /* CPG */
	ISUP_PRIM_ANSWER,      /* ANM or CON */
	ISUP_PRIM_RELEASE,     /* REL (indication: the call is gone and the circuit handled) */
	ISUP_PRIM_SUSPEND,     /* SUS */
	ISUP_PRIM_RESUME,      /* RES */
	ISUP_PRIM_INFO,	       /* other call messages passed through (FAC, INF, USR, APM, ...) */
};
const char *isup_prim_name(enum isup_prim p);

struct isup_user_ops {
	/* A call event. msg is the decoded message that caused it (NULL for internal causes such as a
	 * timer or a reset); for RELEASE, cause holds the Q.850 cause either way. */
	void (*call_ind)(struct isup_call *call, enum isup_prim prim, const struct isup_msg *msg,
			 const struct isup_cause *cause, void *priv);
	/* A call was placed on a different circuit (dual seizure, blocking before answer): informational. */
	void (*call_moved)(struct isup_call *call, uint16_t old_cic, uint16_t new_cic, void *priv);
	/* An outgoing call's circuit is chosen and its IAM not yet sent (isup_call_setup_req()): the user
	 * gets what it needs on that circuit (its media). A negative return refuses the circuit: no IAM, the
	 * circuit stays idle and the set-up fails with cause 47 (resource unavailable). Optional. */
	int (*circuit_req)(struct isup_call *call, void *priv);
	/* Maintenance alert (T5, T13, T15, T17, T19, T21, T23, T28 expiry, unexpected events). */
	void (*alert)(struct isup_trunk *tg, uint16_t cic, const char *what, void *priv);
	/* Continuity check (Q.764 2.1.8), for the media layer: connect or remove the loopback on an
	 * incoming circuit; run the 2010 Hz test on an outgoing one and answer with
	 * isup_call_cot_result() (the call's test) or isup_circuit_cot_result() (a recheck). */
	void (*cot_loop)(struct isup_trunk *tg, uint16_t cic, bool connect, void *priv);
	void (*cot_test)(struct isup_trunk *tg, uint16_t cic, struct isup_call *call, void *priv);
	/* The operator's maintenance blocking (BLO/UBL, maintenance CGB/CGU) of some circuit of the trunk
	 * changed: the user may keep it across restarts (isup_circuit_restore_blocked()). Optional. */
	void (*maint_changed)(struct isup_trunk *tg, void *priv);
};

/* MTP-TRANSFER request: one encoded MSU (SIO + routing label + ISUP). */
typedef int (*isup_mtp_transfer_fn)(struct isup_trunk *tg, const uint8_t *msu, size_t len, void *priv);

enum isup_trunk_ctr {
	ISUP_CTR_TX_MSG,
	ISUP_CTR_RX_MSG,
	ISUP_CTR_RX_DECODE_ERR,
	ISUP_CTR_RX_UNKNOWN_CIC,
	ISUP_CTR_RX_UNEXPECTED,
	ISUP_CTR_RX_UNRECOGNIZED,
	ISUP_CTR_CALL_OUT,
	ISUP_CTR_CALL_IN,
	ISUP_CTR_CALL_ANSWERED,
	ISUP_CTR_CALL_NO_CIRCUIT,
	ISUP_CTR_DUAL_SEIZURE,
	ISUP_CTR_T1_EXPIRY,
	ISUP_CTR_T5_EXPIRY,
	ISUP_CTR_T7_EXPIRY,
	ISUP_CTR_T9_EXPIRY,
	ISUP_CTR_T35_EXPIRY,
	ISUP_CTR_RSC_RX,
	ISUP_CTR_GRS_RX,
	ISUP_CTR_UCIC_TX,
	ISUP_CTR_CALL_REJECT_MTP,
	ISUP_CTR_CALL_REJECT_ACC,
	ISUP_CTR_ACC_INDICATION,
	ISUP_CTR_UPT_TX,
	ISUP_CTR_OLM_RX,
};

struct isup_cic_range {
	uint16_t first, last;
};

#define ISUP_TG_MAX_RANGES 8

struct isup_trunk {
	struct llist_head list;
	char name[32];
	enum isup_variant variant;
	uint32_t opc, dpc;
	uint8_t ni;
	enum isup_sel_policy sel;
	bool send_ucic; /* answer messages for CICs we do not have with UCIC (else discard) */
	struct isup_cic_range ranges[ISUP_TG_MAX_RANGES];
	unsigned n_ranges;
	struct isup_circuit **circuits; /* one per CIC of every range, in range order */
	unsigned n_circuits;
	struct osmo_tdef *tdefs; /* this trunk's Q.764 timers */
	struct rate_ctr_group *ctrs;
	struct llist_head calls;
	uint32_t next_call_id;
	/* group procedures we started: one GRS, CGB, CGU each outstanding at a time per trunk */
	struct isup_grp_proc {
		bool active;
		uint8_t type; /* ISUP_MT_GRS, ISUP_MT_CGB, ISUP_MT_CGU */
		uint16_t cic; /* first CIC of the range */
		struct isup_range_status rs;
		uint8_t cgsmt; /* CGB/CGU: 0 maintenance, 1 hardware */
		struct osmo_timer_list t_short, t_long;
	} grs, cgb, cgu;
	bool reset_all;	      /* isup_trunk_reset_all() in progress: each GRA starts the next GRS */
	bool reset_on_resume; /* reset every circuit when the signalling relation comes back */
	bool reset_on_start;  /* reset every circuit when the signalling relation first comes up */
	bool mtp_up_once;     /* an MTP-RESUME has been seen */
	/* signalling relation towards the DPC (Q.764 2.13, 2.14) */
	bool mtp_paused;     /* MTP-PAUSE: destination inaccessible */
	bool up_unavailable; /* MTP-STATUS user part unavailable: UPT every T4 until answered */
	struct osmo_timer_list t4;
	/* automatic congestion control (Q.764 2.11): level 0-2, T29 masks repeats, T30 steps it down */
	uint8_t acc_level;
	bool acc_disabled; /* ACL in received RELs ignored (VTY automatic-congestion-control disable) */
	uint8_t own_acl;   /* our own congestion (Q.764 2.11.1): 1 or 2 goes as ACL in every REL we send; 0: none */
	uint32_t acc_seq;
	struct osmo_timer_list t29, t30;
	bool t29_running;
	/* circuit group query (CQM, T28): the last answer, for show commands */
	struct {
		bool pending;
		uint16_t cic;
		struct isup_circ_state cs;
		struct osmo_timer_list t28;
	} cqm;
	isup_mtp_transfer_fn mtp_transfer;
	void *mtp_priv;
	const struct isup_user_ops *user;
	void *user_priv;
	uint64_t seq; /* monotonic counter for LRU */
};

enum isup_call_dir {
	ISUP_CALL_OUT,
	ISUP_CALL_IN
};

struct isup_call {
	struct llist_head list;
	uint32_t id;
	struct isup_trunk *tg;
	struct isup_circuit *circ;
	struct osmo_fsm_inst *fi;
	enum isup_call_dir dir;
	void *user_ref;	     /* the gateway's call object */
	struct isup_msg iam; /* outgoing: the IAM as sent (for repeat attempts) */
	bool addr_complete;  /* incoming: ST received or ACM sent */
	bool acm_seen;	     /* any backward message received (outgoing) */
	bool rel_received;   /* REL crossed ours */
	bool rlc_received;
	bool released; /* the user has been told the call is gone */
	struct isup_cause rel_cause;
	struct osmo_timer_list t5;  /* runs beside T1 while waiting for RLC */
	struct osmo_timer_list t33; /* INR sent, waiting for INF */
	uint8_t cot_ind;	    /* NCI continuity check indicator of the IAM: 0 none, 1 this circuit, 2 previous */
	bool cot_done;		    /* continuity confirmed (or not required) */
	bool loop;		    /* our loopback is connected on the circuit */
	struct isup_msg setup_msg;  /* incoming IAM held until the continuity check passed */
	struct osmo_timer_list t24; /* guards the user's continuity test of an outgoing call */
	struct osmo_timer_list t_cot_req; /* asks the user for the test from the main loop, not from a transition */
};

/* ---- trunk groups ---- */

struct isup_trunk *isup_trunk_alloc(void *ctx, const char *name, enum isup_variant v, uint32_t opc, uint32_t dpc);
int isup_trunk_add_range(struct isup_trunk *tg, uint16_t first, uint16_t last);
void isup_trunk_free(struct isup_trunk *tg);
void isup_trunk_set_mtp(struct isup_trunk *tg, isup_mtp_transfer_fn fn, void *priv);
void isup_trunk_set_user(struct isup_trunk *tg, const struct isup_user_ops *ops, void *priv);
struct isup_circuit *isup_trunk_circuit(struct isup_trunk *tg, uint16_t cic);
/* Q.764 2.9.1.4: the exchange with the higher point code controls the even-numbered CICs. */
bool isup_trunk_controls(const struct isup_trunk *tg, uint16_t cic);

/* Same, already decoded from the label on (CIC + ISUP). */
int isup_trunk_rx(struct isup_trunk *tg, const uint8_t *data, size_t len);

/* Encode and send a message on this trunk (SLS from the CIC so a call's messages stay in order). */
int isup_trunk_send(struct isup_trunk *tg, const struct isup_msg *m);

/* ---- circuit maintenance (operator or start-up) ---- */

int isup_circuit_block(struct isup_trunk *tg, uint16_t cic); /* BLO, T12/T13 */
/* At start, before the signalling relation first comes up: the circuit was blocked for maintenance by the
 * operator before a restart. Nothing is sent now; when the relation comes up, the circuit is blocked
 * again: after the GRA of the reset at start (reset-on-start), or with a BLO. 0 or -ENODEV. */
int isup_circuit_restore_blocked(struct isup_trunk *tg, uint16_t cic);
int isup_circuit_unblock(struct isup_trunk *tg, uint16_t cic); /* UBL, T14/T15 */
int isup_circuit_reset(struct isup_trunk *tg, uint16_t cic);   /* RSC, T16/T17 */
/* Group procedures over first..first+range (range <= 31). hw: hardware oriented CGB/CGU. */
int isup_group_reset(struct isup_trunk *tg, uint16_t first, uint8_t range);	       /* GRS, T22/T23 */
int isup_group_block(struct isup_trunk *tg, uint16_t first, uint8_t range, bool hw);   /* CGB, T18/T19 */
int isup_group_unblock(struct isup_trunk *tg, uint16_t first, uint8_t range, bool hw); /* CGU, T20/T21 */
/* Reset every circuit with GRS in ranges of at most 32 (start-up, signalling relation restored). */
int isup_trunk_reset_all(struct isup_trunk *tg);
const char *isup_cic_state_name(enum isup_cic_state st);
bool isup_circuit_available(const struct isup_circuit *c);

/* ---- calls ---- */

/* Place a call: selects a circuit, fills the CIC and sends the IAM. iam holds the parameters.
 * Returns NULL when the call cannot be offered, with *cause (if given) saying why: 34 no circuit,
 * 27 destination inaccessible (MTP-PAUSE) or its user part unavailable, 42 congestion control, 47 the
 * user's circuit_req() refused the circuit. */
struct isup_call *isup_call_setup_req(struct isup_trunk *tg, const struct isup_msg *iam, void *user_ref,
				      uint8_t *cause);
/* The same on any circuit but avoid_cic (Q.764 2.10.2 repeat attempt after cause 44, "requested circuit
 * not available"; 0: none avoided). */
struct isup_call *isup_call_setup_avoid_req(struct isup_trunk *tg, const struct isup_msg *iam, void *user_ref,
					    uint8_t *cause, uint16_t avoid_cic);
/* ALERTING/PROGRESS/ANSWER/MORE_DIGITS/SUSPEND/RESUME/INFO: msg is the message to send (its type must
 * fit the primitive; NULL builds a minimal one). RELEASE: use isup_call_release_req. */
int isup_call_req(struct isup_call *call, enum isup_prim prim, const struct isup_msg *msg);
/* Incoming: the user has taken the number as complete (it routed the call on it): T35 stops (Q.764
 * 2.1.1.2), later SAMs are still passed on. */
void isup_call_address_complete(struct isup_call *call);
int isup_call_release_req(struct isup_call *call, const struct isup_cause *cause);
/* Outcome of the continuity test the user ran for an outgoing call (IAM with COT required). */
int isup_call_cot_result(struct isup_call *call, bool success);
/* Outcome of a recheck the user ran after a CCR we sent. */
int isup_circuit_cot_result(struct isup_trunk *tg, uint16_t cic, bool success);

/* Registers the FSMs (once) and sets the log category ISUP logs to. */
void isup_cc_init(int log_cat);

/* ---- MTP primitives from the signalling transport ---- */

enum isup_mtp_status {
	ISUP_MTP_STATUS_CONGESTED,	/* signalling network congestion, with a level 1-3 */
	ISUP_MTP_STATUS_UP_UNAVAILABLE, /* remote ISUP unavailable (Q.704 UPU) */
	ISUP_MTP_STATUS_UP_UNEQUIPPED,
};
void isup_trunk_mtp_pause(struct isup_trunk *tg);
void isup_trunk_mtp_resume(struct isup_trunk *tg);
void isup_trunk_mtp_status(struct isup_trunk *tg, enum isup_mtp_status st, unsigned level);
/* Circuit group query: CQM over first..first+range, T28; the answer lands in tg->cqm. */
int isup_group_query(struct isup_trunk *tg, uint16_t first, uint8_t range);
