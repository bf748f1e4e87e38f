/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isup_call_fsm: one ISUP call on a circuit, incoming or outgoing (Q.764 2.1-2.3, 2.9.1.4).
 * Just over 1,000 lines: one FSM of thirteen states whose handlers share the message helpers at the top;
 * splitting it would spread one state table over several files. */

#include <errno.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "isup_cc.h"
#include "isup_cc_int.h"

enum call_state {
	CALL_ST_NULL,	      /* just allocated */
	CALL_ST_OUT_WAIT_ACM, /* IAM (and SAMs) sent: T7 */
	CALL_ST_OUT_WAIT_ANM, /* ACM received: T9 */
	CALL_ST_IN_SETUP,     /* IAM received, user deciding; T35 while the address is incomplete */
	CALL_ST_IN_ALERTED,   /* ACM sent */
	CALL_ST_ACTIVE,
	CALL_ST_WAIT_RLC,	/* REL sent: T1 repeats within T5 */
	CALL_ST_IN_COT_WAIT,	/* IAM asked for a continuity check: T8 until COT (setup held back) */
	CALL_ST_IN_COT_FAILED,	/* COT failure received: T27 until CCR */
	CALL_ST_IN_COT_RECHECK, /* CCR received, loop connected: REL ends it, T27 guards */
	CALL_ST_OUT_OLM,	/* OLM answered our IAM: the call has failed, the circuit stays held for T3 */
};

enum call_event {
	CALL_EV_RX,	       /* data: const struct isup_msg * */
	CALL_EV_USER_REQ,      /* data: struct call_req * */
	CALL_EV_USER_RELEASE,  /* data: const struct isup_cause * */
	CALL_EV_PROTO_RELEASE, /* data: const struct isup_cause *: call control releases (Q.764 2.9.5) */
	CALL_EV_CIRCUIT_RESET, /* data: bool *remote */
	CALL_EV_CIRCUIT_BLOCKED,
	CALL_EV_CIRCUIT_HW_BLOCKED,
	CALL_EV_CIRCUIT_UNEQUIPPED,
	CALL_EV_DUAL_SEIZURE,
	CALL_EV_T5,
	CALL_EV_T33,
	CALL_EV_COT_RESULT, /* data: bool * */
	CALL_EV_T24,
};

/* clang-format off */
static const struct value_string call_event_names[] = {
	{ CALL_EV_RX, "RX" },
	{ CALL_EV_USER_REQ, "USER_REQ" },
	{ CALL_EV_USER_RELEASE, "USER_RELEASE" },
	{ CALL_EV_PROTO_RELEASE, "PROTO_RELEASE" },
	{ CALL_EV_CIRCUIT_RESET, "CIRCUIT_RESET" },
	{ CALL_EV_CIRCUIT_BLOCKED, "CIRCUIT_BLOCKED" },
	{ CALL_EV_CIRCUIT_HW_BLOCKED, "CIRCUIT_HW_BLOCKED" },
	{ CALL_EV_CIRCUIT_UNEQUIPPED, "CIRCUIT_UNEQUIPPED" },
	{ CALL_EV_DUAL_SEIZURE, "DUAL_SEIZURE" },
	{ CALL_EV_T5, "T5" },
	{ CALL_EV_T33, "T33" },
	{ CALL_EV_COT_RESULT, "COT_RESULT" },
	{ CALL_EV_T24, "T24" },
	{}
};
/* clang-format on */

struct call_req {
	enum isup_prim prim;
	const struct isup_msg *msg;
	int rc;
};

/* clang-format off */
static const struct value_string prim_names[] = {
	{ ISUP_PRIM_SETUP, "SETUP" },
	{ ISUP_PRIM_MORE_DIGITS, "MORE_DIGITS" },
	{ ISUP_PRIM_ALERTING, "ALERTING" },
	{ ISUP_PRIM_PROGRESS, "PROGRESS" },
	{ ISUP_PRIM_ANSWER, "ANSWER" },
	{ ISUP_PRIM_RELEASE, "RELEASE" },
	{ ISUP_PRIM_SUSPEND, "SUSPEND" },
	{ ISUP_PRIM_RESUME, "RESUME" },
	{ ISUP_PRIM_INFO, "INFO" },
	{}
};
/* clang-format on */

const char *isup_prim_name(enum isup_prim p)
{
	return get_value_string(prim_names, p);
}

/* ---- helpers ---- */

static void user_ind(struct isup_call *call, enum isup_prim prim, const struct isup_msg *m,
		     const struct isup_cause *cause)
{
	struct isup_trunk *tg = call->tg;
	if (!call->user_ref && prim != ISUP_PRIM_SETUP)
		return; /* the user has let go of this call (it asked for the release) */
	if (tg->user && tg->user->call_ind)
		tg->user->call_ind(call, prim, m, cause, tg->user_priv);
}

/* Tell the user the call is gone and forget it: nothing more will be indicated. */
static void user_release(struct isup_call *call, const struct isup_msg *m, uint8_t cause)
{
	struct isup_cause c = isup_cause_make(Q850_LOC_PUB_LOCAL, cause);
	call->released = true; /* a release request from inside the indication is moot */
	if (m && isup_msg_get_cause(m, &c))
		c = isup_cause_make(Q850_LOC_PUB_LOCAL, Q850_NORMAL_UNSPECIFIED);
	user_ind(call, ISUP_PRIM_RELEASE, m, &c);
	call->user_ref = NULL;
}

static int send_with_cic(struct isup_call *call, const struct isup_msg *tmpl, uint8_t type)
{
	struct isup_msg m;
	if (tmpl) {
		m = *tmpl;
		m.cic = call->circ->cic;
		m.variant = (uint8_t)call->tg->variant;
	} else {
		isup_msg_init(&m, call->tg->variant, type, call->circ->cic);
		/* minimal mandatory content for messages built here */
		if (type == ISUP_MT_ACM || type == ISUP_MT_CON) {
			struct isup_bci bci = { .charge = 2, .called_status = 1, .isup_ind = 1 };
			if (type == ISUP_MT_CON)
				bci.called_status = 0;
			isup_msg_put_bits(&m, ISUP_PAR_BCI, &bci);
		} else if (type == ISUP_MT_CPG) {
			struct isup_event_info ei = { .event = 2 };
			isup_msg_put_bits(&m, ISUP_PAR_EVENT_INFO, &ei);
		} else if (type == ISUP_MT_SUS || type == ISUP_MT_RES) {
			struct isup_sus_res_ind sr = { .ind = 0 };
			isup_msg_put_bits(&m, ISUP_PAR_SUS_RES_IND, &sr);
		}
	}
	if (m.type != type)
		return -EINVAL;
	return isup_trunk_send(call->tg, &m);
}

static void send_rel(struct isup_call *call)
{
	struct isup_msg m;
	isup_msg_init(&m, call->tg->variant, ISUP_MT_REL, call->circ->cic);
	isup_msg_put_cause(&m, &call->rel_cause);
	if (call->tg->own_acl) {
		/* Q.764 2.11.1: an overloaded exchange says how much in every REL it sends */
		struct isup_u8 acl = { .value = call->tg->own_acl };
		isup_msg_put_bits(&m, ISUP_PAR_ACL, &acl);
	}
	isup_trunk_send(call->tg, &m);
}

/* the timers states own (Q.764): a state change starts its timer, leaving the state stops it */
/* clang-format off */
static const struct osmo_tdef_state_timeout call_timeouts[32] = {
	[CALL_ST_IN_COT_WAIT] = { .T = 8 },
	[CALL_ST_IN_COT_FAILED] = { .T = 27 },
	[CALL_ST_IN_COT_RECHECK] = { .T = 27 },
	[CALL_ST_OUT_WAIT_ACM] = { .T = 7 },
	[CALL_ST_OUT_WAIT_ANM] = { .T = 9 },
	[CALL_ST_WAIT_RLC] = { .T = 1 },
	[CALL_ST_OUT_OLM] = { .T = 3 },
};
/* clang-format on */

static int call_state_chg(struct isup_call *call, enum call_state st)
{
	return osmo_tdef_fsm_inst_state_chg(call->fi, st, call_timeouts, call->tg->tdefs, 0);
}

/* A state whose timer depends on what happened: T35 in IN_SETUP only while the address is incomplete, T2 or
 * T6 in ACTIVE after a SUS (0: none). Milliseconds as configured. */
static int call_state_chg_T(struct isup_call *call, enum call_state st, int T)
{
	if (!T)
		return osmo_fsm_inst_state_chg(call->fi, st, 0, 0);
	return osmo_fsm_inst_state_chg_ms(call->fi, st, isup_timer_ms(call->tg->tdefs, T), T);
}

static void cot_loop(struct isup_call *call, bool connect)
{
	struct isup_trunk *tg = call->tg;
	if (call->loop == connect || !call->circ)
		return;
	call->loop = connect;
	if (tg->user && tg->user->cot_loop)
		tg->user->cot_loop(tg, call->circ->cic, connect, tg->user_priv);
}

/* Start releasing towards the network: REL, T1 and T5 (Q.764 2.3.1). */
static void start_release(struct isup_call *call, uint8_t cause, bool tell_user)
{
	call->rel_cause = isup_cause_make(Q850_LOC_PUB_LOCAL, cause);
	if (tell_user)
		user_release(call, NULL, cause);
	call->user_ref = NULL;
	send_rel(call);
	isup_timer_start(&call->t5, call->tg->tdefs, 5);
	call_state_chg(call, CALL_ST_WAIT_RLC);
}

/* Q.764 2.9.5.1 c): an RLC for a busy circuit on which we sent no REL. The far end takes the circuit for
 * idle; the rule is to release the circuit and send REL. The user hears of it as of a reset (cause 31), and
 * the far end answers our REL with RLC as for any REL on an idle circuit (2.9.5.1), which ends the release
 * here; T1/T5 cover a far end that does not. */
static void rx_rlc_without_rel(struct isup_call *call)
{
	isup_ctr_inc(call->tg, ISUP_CTR_RX_UNEXPECTED);
	LOGPFSML(call->fi, LOGL_NOTICE, "RLC without a REL from us: releasing the call, REL (cause 31)\n");
	cot_loop(call, false);
	start_release(call, Q850_NORMAL_UNSPECIFIED, true);
}

/* Received REL: answer RLC at once, the circuit is idle, the user hears of it (Q.764 2.3.2). */
static void rx_rel(struct isup_call *call, const struct isup_msg *m)
{
	cot_loop(call, false);
	isup_send_simple(call->tg, ISUP_MT_RLC, call->circ->cic);
	user_release(call, m, Q850_NORMAL_UNSPECIFIED);
	osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_REGULAR, NULL);
}

/* An IAM asking for a continuity check on this circuit: the user's media runs the test (T24 guards). */
static void start_cot_test(struct isup_call *call)
{
	struct isup_trunk *tg = call->tg;
	struct isup_nci nci = { 0 };
	isup_msg_get_bits(&call->iam, ISUP_PAR_NCI, &nci);
	call->cot_ind = nci.cot_ind;
	call->cot_done = nci.cot_ind != 1;
	if (call->cot_done)
		return;
	/* T24 plus a margin for the media layer to report */
	osmo_timer_schedule(&call->t24, (int)(isup_timer_ms(tg->tdefs, 24) / 1000) + 1, 0);
	/* the user may answer at once, and a failure moves the call: ask from the main loop, so that no
	 * transition of this call is still on the stack when it does */
	osmo_timer_schedule(&call->t_cot_req, 0, 0);
}

static void t_cot_req_cb(void *data)
{
	struct isup_call *call = data;
	struct isup_trunk *tg = call->tg;
	if (call->dir == ISUP_CALL_OUT && !call->cot_done && call->circ && tg->user && tg->user->cot_test)
		tg->user->cot_test(tg, call->circ->cic, call, tg->user_priv);
}

/* Move an outgoing call in set-up to another circuit: automatic repeat attempt (Q.764 2.9.1.4). */
static void repeat_attempt(struct isup_call *call)
{
	struct isup_circuit *old = call->circ, *c = isup_trunk_select(call->tg, old);
	uint16_t old_cic = old->cic;
	old->call = NULL;
	osmo_fsm_inst_dispatch(old->fi, ISUP_CIC_EV_RELEASED, NULL);
	if (!c) {
		LOGPFSML(call->fi, LOGL_NOTICE, "repeat attempt: no other circuit available\n");
		isup_ctr_inc(call->tg, ISUP_CTR_CALL_NO_CIRCUIT);
		user_release(call, NULL, Q850_NO_CIRCUIT_AVAILABLE);
		call->circ = NULL;
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_REGULAR, NULL);
		return;
	}
	call->circ = c;
	c->call = call;
	osmo_fsm_inst_dispatch(c->fi, ISUP_CIC_EV_SEIZE_OUT, NULL);
	osmo_fsm_inst_update_id_f(call->fi, "%s-%u-%u", call->tg->name, c->cic, call->id);
	LOGPFSML(call->fi, LOGL_NOTICE, "repeat attempt: CIC %u -> %u\n", old_cic, c->cic);
	call->iam.cic = c->cic;
	isup_trunk_send(call->tg, &call->iam);
	call_state_chg(call, CALL_ST_OUT_WAIT_ACM);
	if (call->tg->user && call->tg->user->call_moved && call->user_ref)
		call->tg->user->call_moved(call, old_cic, c->cic, call->tg->user_priv);
	start_cot_test(call);
}

/* Messages acceptable in several states (passed to the user as they are). */
static bool rx_common(struct isup_call *call, const struct isup_msg *m)
{
	switch (m->type) {
	case ISUP_MT_REL:
		rx_rel(call, m);
		return true;
	case ISUP_MT_RLC:
		rx_rlc_without_rel(call);
		return true;
	case ISUP_MT_FAC:
	case ISUP_MT_FAR:
	case ISUP_MT_FAA:
	case ISUP_MT_FRJ:
	case ISUP_MT_USR:
	case ISUP_MT_APM:
	case ISUP_MT_INF:
		if (m->type == ISUP_MT_INF)
			osmo_timer_del(&call->t33); /* Q.764 2.1.6: the information arrived */
		user_ind(call, ISUP_PRIM_INFO, m, NULL);
		return true;
	case ISUP_MT_INR:
	case ISUP_MT_IDR:
	case ISUP_MT_IRS:
	case ISUP_MT_PAM:
	case ISUP_MT_CRG:
	case ISUP_MT_FOT:
	case ISUP_MT_SGM:
	case ISUP_MT_NRM:
	case ISUP_MT_CFN:
		user_ind(call, ISUP_PRIM_INFO, m, NULL);
		return true;
	default:
		return false;
	}
}

static void rx_unexpected(struct isup_call *call, const struct isup_msg *m)
{
	isup_ctr_inc(call->tg, ISUP_CTR_RX_UNEXPECTED);
	LOGPFSML(call->fi, LOGL_NOTICE, "unexpected %s, discarded\n", isup_msg_abbr(call->tg->variant, m->type));
}

/* User requests valid in more than one state: INFO-type messages and release */
static bool req_common(struct isup_call *call, struct call_req *r)
{
	if (r->prim != ISUP_PRIM_INFO)
		return false;
	if (!r->msg) {
		r->rc = -EINVAL;
		return true;
	}
	r->rc = send_with_cic(call, r->msg, r->msg->type);
	/* Q.764 2.1.6.2: an INR we send is answered within T33 or the call goes */
	if (!r->rc && r->msg->type == ISUP_MT_INR)
		isup_timer_start(&call->t33, call->tg->tdefs, 33);
	return true;
}

/* ---- states ---- */

static void st_out_wait_acm(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_call *call = fi->priv;
	switch (event) {
	case CALL_EV_RX: {
		const struct isup_msg *m = data;
		switch (m->type) {
		/* the state changes before the user hears of it: the user may act from its callback */
		case ISUP_MT_ACM:
			call->acm_seen = true;
			call_state_chg(call, CALL_ST_OUT_WAIT_ANM);
			user_ind(call, ISUP_PRIM_ALERTING, m, NULL);
			return;
		case ISUP_MT_CON:
		case ISUP_MT_ANM: /* answer before ACM (Q.764 2.1.7) */
			call->acm_seen = true;
			isup_ctr_inc(call->tg, ISUP_CTR_CALL_ANSWERED);
			call_state_chg(call, CALL_ST_ACTIVE);
			user_ind(call, ISUP_PRIM_ANSWER, m, NULL);
			return;
		case ISUP_MT_CPG:
			call->acm_seen = true;
			user_ind(call, ISUP_PRIM_PROGRESS, m, NULL);
			return;
		case ISUP_MT_OLM:
			/* Q.764 (national option): the next exchange is overloaded. The call fails at once toward
			 * the caller with cause 42; the circuit stays seized, offered no new call, until T3 ends it
			 * with a REL (or the far end releases first) */
			call->acm_seen = true;
			isup_ctr_inc(call->tg, ISUP_CTR_OLM_RX);
			LOGPFSML(fi, LOGL_NOTICE,
				 "OLM: the far end is overloaded: call released, circuit held for T3\n");
			call_state_chg(call, CALL_ST_OUT_OLM);
			user_release(call, NULL, Q850_SWITCH_CONGESTION);
			return;
		default:
			/* an INR is a backward message: the call is no longer just seizing the circuit */
			if (m->type == ISUP_MT_INR)
				call->acm_seen = true;
			if (!rx_common(call, m))
				rx_unexpected(call, m);
			return;
		}
	}
	case CALL_EV_USER_REQ: {
		struct call_req *r = data;
		if (r->prim == ISUP_PRIM_MORE_DIGITS) {
			/* T7 runs from the latest address message */
			r->rc = send_with_cic(call, r->msg, ISUP_MT_SAM);
			if (!r->rc)
				call_state_chg(call, CALL_ST_OUT_WAIT_ACM);
			return;
		}
		if (!req_common(call, r))
			r->rc = -EINVAL;
		return;
	}
	}
}

static void st_out_wait_anm(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_call *call = fi->priv;
	switch (event) {
	case CALL_EV_RX: {
		const struct isup_msg *m = data;
		switch (m->type) {
		case ISUP_MT_ANM:
		case ISUP_MT_CON:
			isup_ctr_inc(call->tg, ISUP_CTR_CALL_ANSWERED);
			call_state_chg(call, CALL_ST_ACTIVE);
			user_ind(call, ISUP_PRIM_ANSWER, m, NULL);
			return;
		case ISUP_MT_CPG:
			user_ind(call, ISUP_PRIM_PROGRESS, m, NULL);
			return;
		default:
			if (!rx_common(call, m))
				rx_unexpected(call, m);
			return;
		}
	}
	case CALL_EV_USER_REQ: {
		struct call_req *r = data;
		if (!req_common(call, r))
			r->rc = -EINVAL;
		return;
	}
	}
}

static void st_in_setup(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_call *call = fi->priv;
	switch (event) {
	case CALL_EV_RX: {
		const struct isup_msg *m = data;
		if (m->type == ISUP_MT_SAM) {
			struct isup_number sn;
			if (!isup_msg_get_number(m, ISUP_PAR_SUBSEQ, &sn) && sn.n_digits &&
			    sn.digits[sn.n_digits - 1] == 'F')
				call->addr_complete = true;
			user_ind(call, ISUP_PRIM_MORE_DIGITS, m, NULL);
			/* T35 runs from the latest digit until the address is complete (Q.764 2.1.1.2) */
			call_state_chg_T(call, CALL_ST_IN_SETUP, call->addr_complete ? 0 : 35);
			return;
		}
		if (!rx_common(call, m))
			rx_unexpected(call, m);
		return;
	}
	case CALL_EV_USER_REQ: {
		struct call_req *r = data;
		switch (r->prim) {
		case ISUP_PRIM_ALERTING:
			r->rc = send_with_cic(call, r->msg, ISUP_MT_ACM);
			if (!r->rc) {
				call->addr_complete = true;
				osmo_fsm_inst_state_chg(fi, CALL_ST_IN_ALERTED, 0, 0);
			}
			return;
		case ISUP_PRIM_ANSWER:
			/* answer without ACM: CON where the variant has it, ANM in ANSI (Q.764 2.1.4.1) */
			r->rc = send_with_cic(call, r->msg,
					      call->tg->variant == ISUP_VAR_ANSI ? ISUP_MT_ANM : ISUP_MT_CON);
			if (!r->rc) {
				isup_ctr_inc(call->tg, ISUP_CTR_CALL_ANSWERED);
				osmo_fsm_inst_state_chg(fi, CALL_ST_ACTIVE, 0, 0);
			}
			return;
		default:
			if (!req_common(call, r))
				r->rc = -EINVAL;
			return;
		}
	}
	}
}

static void st_in_alerted(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_call *call = fi->priv;
	switch (event) {
	case CALL_EV_RX: {
		const struct isup_msg *m = data;
		if (!rx_common(call, m))
			rx_unexpected(call, m);
		return;
	}
	case CALL_EV_USER_REQ: {
		struct call_req *r = data;
		switch (r->prim) {
		case ISUP_PRIM_PROGRESS:
			r->rc = send_with_cic(call, r->msg, ISUP_MT_CPG);
			return;
		case ISUP_PRIM_ANSWER:
			r->rc = send_with_cic(call, r->msg, ISUP_MT_ANM);
			if (!r->rc) {
				isup_ctr_inc(call->tg, ISUP_CTR_CALL_ANSWERED);
				osmo_fsm_inst_state_chg(fi, CALL_ST_ACTIVE, 0, 0);
			}
			return;
		default:
			if (!req_common(call, r))
				r->rc = -EINVAL;
			return;
		}
	}
	}
}

static void st_active(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_call *call = fi->priv;
	switch (event) {
	case CALL_EV_RX: {
		const struct isup_msg *m = data;
		switch (m->type) {
		case ISUP_MT_SUS: {
			/* Q.764 2.5: T2 for a subscriber-initiated suspend, T6 for a network-initiated one */
			struct isup_sus_res_ind sr = { 0 };
			isup_msg_get_bits(m, ISUP_PAR_SUS_RES_IND, &sr);
			int T = sr.ind ? 6 : 2;
			call_state_chg_T(call, CALL_ST_ACTIVE, T);
			user_ind(call, ISUP_PRIM_SUSPEND, m, NULL);
			return;
		}
		case ISUP_MT_RES:
			osmo_fsm_inst_state_chg(fi, CALL_ST_ACTIVE, 0, 0);
			user_ind(call, ISUP_PRIM_RESUME, m, NULL);
			return;
		case ISUP_MT_CPG:
			user_ind(call, ISUP_PRIM_PROGRESS, m, NULL);
			return;
		default:
			if (!rx_common(call, m))
				rx_unexpected(call, m);
			return;
		}
	}
	case CALL_EV_USER_REQ: {
		struct call_req *r = data;
		switch (r->prim) {
		case ISUP_PRIM_SUSPEND:
			r->rc = send_with_cic(call, r->msg, ISUP_MT_SUS);
			return;
		case ISUP_PRIM_RESUME:
			r->rc = send_with_cic(call, r->msg, ISUP_MT_RES);
			return;
		case ISUP_PRIM_PROGRESS:
			r->rc = send_with_cic(call, r->msg, ISUP_MT_CPG);
			return;
		default:
			if (!req_common(call, r))
				r->rc = -EINVAL;
			return;
		}
	}
	}
}

/* After an OLM: only a release of the far end's or T3 (call_timer_cb) ends it. */
static void st_out_olm(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_call *call = fi->priv;
	switch (event) {
	case CALL_EV_RX: {
		const struct isup_msg *m = data;
		if (m->type == ISUP_MT_REL)
			rx_rel(call, m);
		else if (m->type == ISUP_MT_RLC)
			rx_rlc_without_rel(call);
		return;
	}
	case CALL_EV_USER_REQ: {
		struct call_req *r = data;
		r->rc = -EINVAL;
		return;
	}
	}
}

static void st_wait_rlc(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_call *call = fi->priv;
	switch (event) {
	case CALL_EV_RX: {
		const struct isup_msg *m = data;
		if (m->type == ISUP_MT_RLC) {
			call->rlc_received = true;
			osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
		} else if (m->type == ISUP_MT_REL) {
			/* Q.764 2.3.1 e): REL crossed ours: answer RLC, the circuit is idle when ours is answered too
			 */
			call->rel_received = true;
			isup_send_simple(call->tg, ISUP_MT_RLC, call->circ->cic);
		}
		/* anything else is discarded while releasing */
		return;
	}
	case CALL_EV_USER_REQ: {
		struct call_req *r = data;
		r->rc = -EINVAL;
		return;
	}
	case CALL_EV_T5:
		/* Q.764 2.3.1 c): no RLC within T5: reset the circuit, alert maintenance, stop T1 */
		isup_ctr_inc(call->tg, ISUP_CTR_T5_EXPIRY);
		isup_alert(call->tg, call->circ->cic, "no RLC to REL (T5): circuit reset");
		{
			struct isup_circuit *c = call->circ;
			c->call = NULL;
			call->circ = NULL;
			osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
			isup_circuit_reset_ex(c, true);
		}
		return;
	}
}

/* ---- continuity check, incoming side (Q.764 2.1.8.2) ---- */

/* Hand the held IAM to the user once continuity is confirmed. */
static void deliver_setup(struct isup_call *call)
{
	struct isup_trunk *tg = call->tg;
	call_state_chg_T(call, CALL_ST_IN_SETUP, call->addr_complete ? 0 : 35);
	if (tg->user && tg->user->call_ind) {
		call->user_ref = call; /* until the user sets its own */
		tg->user->call_ind(call, ISUP_PRIM_SETUP, &call->setup_msg, NULL, tg->user_priv);
	} else {
		/* nobody to take the call: reject as a switch without a route would */
		start_release(call, Q850_NO_ROUTE_TO_DEST, false);
	}
}

/* SAM while the check runs: fold its digits into the held IAM's called number. */
static void fold_sam(struct isup_call *call, const struct isup_msg *m)
{
	struct isup_number cd, sn;
	if (isup_msg_get_number(&call->setup_msg, ISUP_PAR_CALLED, &cd) || isup_msg_get_number(m, ISUP_PAR_SUBSEQ, &sn))
		return;
	if (cd.n_digits + sn.n_digits > ISUP_NUM_MAX_DIGITS)
		return;
	memcpy(cd.digits + cd.n_digits, sn.digits, sn.n_digits + 1u);
	cd.n_digits = (uint8_t)(cd.n_digits + sn.n_digits);
	cd.filler = 0;
	isup_msg_put_number(&call->setup_msg, ISUP_PAR_CALLED, &cd);
	if (sn.n_digits && sn.digits[sn.n_digits - 1] == 'F')
		call->addr_complete = true;
}

static void st_in_cot_wait(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_call *call = fi->priv;
	if (event != CALL_EV_RX)
		return;
	const struct isup_msg *m = data;
	switch (m->type) {
	case ISUP_MT_COT: {
		struct isup_cot_ind ci = { 0 };
		isup_msg_get_bits(m, ISUP_PAR_COT_IND, &ci);
		cot_loop(call, false);
		if (ci.cot) {
			call->cot_done = true;
			deliver_setup(call);
		} else {
			LOGPFSML(fi, LOGL_NOTICE, "continuity check failed: waiting for CCR (T27)\n");
			call_state_chg(call, CALL_ST_IN_COT_FAILED);
		}
		return;
	}
	case ISUP_MT_SAM:
		fold_sam(call, m);
		return;
	case ISUP_MT_REL:
		rx_rel(call, m);
		return;
	case ISUP_MT_RLC:
		rx_rlc_without_rel(call);
		return;
	default:
		rx_unexpected(call, m);
		return;
	}
}

static void st_in_cot_failed(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_call *call = fi->priv;
	if (event != CALL_EV_RX)
		return;
	const struct isup_msg *m = data;
	switch (m->type) {
	case ISUP_MT_CCR:
		/* the far end rechecks: loop the circuit back until it releases it */
		cot_loop(call, true);
		call_state_chg(call, CALL_ST_IN_COT_RECHECK);
		return;
	case ISUP_MT_REL:
		rx_rel(call, m);
		return;
	case ISUP_MT_RLC:
		rx_rlc_without_rel(call);
		return;
	default:
		rx_unexpected(call, m);
		return;
	}
}

/* ---- continuity check, outgoing side (Q.764 2.1.8.1) ---- */

static void t24_cb(void *data)
{
	struct isup_call *call = data;
	osmo_fsm_inst_dispatch(call->fi, CALL_EV_T24, NULL);
}

static void cot_result(struct isup_call *call, bool ok)
{
	struct isup_msg m;
	struct isup_cot_ind ci = { .cot = ok };
	osmo_timer_del(&call->t24);
	isup_msg_init(&m, call->tg->variant, ISUP_MT_COT, call->circ->cic);
	isup_msg_put_bits(&m, ISUP_PAR_COT_IND, &ci);
	isup_trunk_send(call->tg, &m);
	if (ok) {
		call->cot_done = true;
		return;
	}
	/* failed: recheck this circuit (T25, then CCR every T26) and repeat the call elsewhere */
	struct isup_circuit *c = call->circ;
	LOGPFSML(call->fi, LOGL_NOTICE, "continuity check failed on CIC %u: repeating the call, rechecking\n", c->cic);
	c->cot_recheck = true;
	c->cot_failures = 1;
	isup_timer_start(&c->t_cot, call->tg->tdefs, 25);
	repeat_attempt(call);
}

/* ---- events valid in every state ---- */

static void call_allstate(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_call *call = fi->priv;
	switch (event) {
	case CALL_EV_USER_RELEASE: {
		const struct isup_cause *c = data;
		if (fi->state == CALL_ST_WAIT_RLC || call->released)
			return;
		call->rel_cause = *c;
		call->user_ref = NULL;
		send_rel(call);
		isup_timer_start(&call->t5, call->tg->tdefs, 5);
		call_state_chg(call, CALL_ST_WAIT_RLC);
		return;
	}
	case CALL_EV_PROTO_RELEASE: {
		/* a message's compatibility instructions say "release call": REL with the cause, and the user,
		 * who asked for nothing, hears of it as of a release from the network */
		const struct isup_cause *c = data;
		if (fi->state == CALL_ST_WAIT_RLC || call->released)
			return;
		start_release(call, c->cause, true);
		return;
	}
	case CALL_EV_CIRCUIT_RESET: {
		/* no REL: the user hears of the release; a reset from the far end leaves the circuit idle,
		 * our own reset procedure takes the circuit over */
		bool remote = *(bool *)data;
		user_release(call, NULL, Q850_NORMAL_UNSPECIFIED);
		if (call->circ) {
			call->circ->call = NULL;
			if (remote)
				osmo_fsm_inst_dispatch(call->circ->fi, ISUP_CIC_EV_RELEASED, NULL);
		}
		call->circ = NULL;
		osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
		return;
	}
	case CALL_EV_CIRCUIT_HW_BLOCKED:
		/* Q.764 2.8.2.2: hardware failure oriented blocking releases the call */
		if (fi->state == CALL_ST_OUT_WAIT_ACM && !call->acm_seen) {
			repeat_attempt(call);
			return;
		}
		if (fi->state != CALL_ST_WAIT_RLC)
			start_release(call, Q850_TEMPORARY_FAILURE, true);
		return;
	case CALL_EV_CIRCUIT_BLOCKED:
		/* Q.764 2.8.2.1: blocked (BLO) before any backward message: repeat on another circuit;
		 * later, the blocking takes effect when the call ends */
		if (fi->state == CALL_ST_OUT_WAIT_ACM && !call->acm_seen)
			repeat_attempt(call);
		return;
	case CALL_EV_CIRCUIT_UNEQUIPPED:
		/* Q.764 2.12: UCIC: the far end has no circuit with this CIC. Before any backward message the
		 * call moves to another circuit as for blocking (2.8.2.1). Later there is no call at the far end
		 * either, unlike after a BLO: the call ends here, toward the user only, since a REL or RSC on
		 * this CIC would only be answered with another UCIC */
		if (fi->state == CALL_ST_OUT_WAIT_ACM && !call->acm_seen) {
			repeat_attempt(call);
			return;
		}
		LOGPFSML(fi, LOGL_NOTICE, "circuit unequipped at the far end: call released without REL\n");
		cot_loop(call, false);
		user_release(call, NULL, Q850_TEMPORARY_FAILURE);
		osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
		return;
	case CALL_EV_DUAL_SEIZURE:
		if (fi->state == CALL_ST_OUT_WAIT_ACM)
			repeat_attempt(call);
		return;
	case CALL_EV_COT_RESULT:
		if (call->dir == ISUP_CALL_OUT && call->cot_ind == 1 && !call->cot_done &&
		    fi->state == CALL_ST_OUT_WAIT_ACM)
			cot_result(call, *(bool *)data);
		return;
	case CALL_EV_T24:
		if (call->dir == ISUP_CALL_OUT && !call->cot_done && fi->state == CALL_ST_OUT_WAIT_ACM) {
			LOGPFSML(fi, LOGL_NOTICE, "no continuity test result within T24: counted as failed\n");
			cot_result(call, false);
		}
		return;
	case CALL_EV_T33:
		LOGPFSML(fi, LOGL_NOTICE, "T33 expired: no INF, releasing (cause 102)\n");
		isup_alert(call->tg, call->circ ? call->circ->cic : 0, "no INF to INR (T33)");
		if (fi->state != CALL_ST_WAIT_RLC)
			start_release(call, Q850_RECOVERY_ON_TIMER_EXPIRY, true);
		return;
	}
}

static int call_timer_cb(struct osmo_fsm_inst *fi)
{
	struct isup_call *call = fi->priv;
	switch (fi->T) {
	case 7:
		isup_ctr_inc(call->tg, ISUP_CTR_T7_EXPIRY);
		LOGPFSML(fi, LOGL_NOTICE, "T7 expired: no ACM, releasing (cause 102)\n");
		start_release(call, Q850_RECOVERY_ON_TIMER_EXPIRY, true);
		return 0;
	case 9:
		isup_ctr_inc(call->tg, ISUP_CTR_T9_EXPIRY);
		LOGPFSML(fi, LOGL_NOTICE, "T9 expired: no answer, releasing (cause 19)\n");
		start_release(call, Q850_NO_ANSWER, true);
		return 0;
	case 2:
	case 6:
		LOGPFSML(fi, LOGL_NOTICE, "T%d expired: suspended too long, releasing (cause 102)\n", fi->T);
		start_release(call, Q850_RECOVERY_ON_TIMER_EXPIRY, true);
		return 0;
	case 8:
		LOGPFSML(fi, LOGL_NOTICE, "T8 expired: no COT, releasing (cause 41)\n");
		cot_loop(call, false);
		start_release(call, Q850_TEMPORARY_FAILURE, false);
		return 0;
	case 27: {
		/* Q.764 2.1.8.2: no CCR (or no end to the recheck) within T27: reset the circuit */
		LOGPFSML(fi, LOGL_NOTICE, "T27 expired: resetting the circuit\n");
		cot_loop(call, false);
		struct isup_circuit *c = call->circ;
		c->call = NULL;
		call->circ = NULL;
		osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
		isup_circuit_reset_ex(c, false);
		return 0;
	}
	case 3:
		/* the circuit held after an OLM is released now */
		LOGPFSML(fi, LOGL_INFO, "T3 expired: releasing the circuit held since the OLM\n");
		start_release(call, Q850_SWITCH_CONGESTION, false);
		return 0;
	case 35:
		isup_ctr_inc(call->tg, ISUP_CTR_T35_EXPIRY);
		LOGPFSML(fi, LOGL_NOTICE, "T35 expired: address incomplete, releasing (cause 28)\n");
		start_release(call, Q850_INVALID_NUMBER_FORMAT, true);
		return 0;
	case 1:
		/* Q.764 2.3.1 c): repeat REL every T1 while T5 runs */
		isup_ctr_inc(call->tg, ISUP_CTR_T1_EXPIRY);
		LOGPFSML(fi, LOGL_NOTICE, "T1 expired: repeating REL\n");
		send_rel(call);
		call_state_chg(call, CALL_ST_WAIT_RLC);
		return 0;
	default:
		return 0;
	}
}

static void t5_cb(void *data)
{
	struct isup_call *call = data;
	osmo_fsm_inst_dispatch(call->fi, CALL_EV_T5, NULL);
}

static void t33_cb(void *data)
{
	struct isup_call *call = data;
	osmo_fsm_inst_dispatch(call->fi, CALL_EV_T33, NULL);
}

static void call_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct isup_call *call = fi->priv;
	osmo_timer_del(&call->t5);
	osmo_timer_del(&call->t33);
	osmo_timer_del(&call->t24);
	osmo_timer_del(&call->t_cot_req);
	cot_loop(call, false);
	if (call->user_ref && cause != OSMO_FSM_TERM_REGULAR) {
		/* torn down from outside (trunk freed): the user still gets its release */
		struct isup_cause c = isup_cause_make(Q850_LOC_PUB_LOCAL, Q850_TEMPORARY_FAILURE);
		user_ind(call, ISUP_PRIM_RELEASE, NULL, &c);
		call->user_ref = NULL;
	}
	if (call->circ) {
		call->circ->call = NULL;
		if (call->circ->fi && isup_cic_state(call->circ) != ISUP_CIC_ST_RESET)
			osmo_fsm_inst_dispatch(call->circ->fi, ISUP_CIC_EV_RELEASED, NULL);
		call->circ = NULL;
	}
	llist_del(&call->list);
}

#define S(x)	  (1 << (x))
#define RX_EVENTS (S(CALL_EV_RX) | S(CALL_EV_USER_REQ))
static const struct osmo_fsm_state call_states[] = {
	[CALL_ST_NULL] = {
		.name = "NULL",
		.out_state_mask = S(CALL_ST_OUT_WAIT_ACM) | S(CALL_ST_IN_SETUP) | S(CALL_ST_WAIT_RLC) |
				  S(CALL_ST_IN_COT_WAIT),
	},
	[CALL_ST_OUT_WAIT_ACM] = {
		.name = "OUT_WAIT_ACM",
		.in_event_mask = RX_EVENTS,
		.out_state_mask = S(CALL_ST_OUT_WAIT_ACM) | S(CALL_ST_OUT_WAIT_ANM) | S(CALL_ST_ACTIVE) |
				  S(CALL_ST_WAIT_RLC) | S(CALL_ST_OUT_OLM),
		.action = st_out_wait_acm,
	},
	[CALL_ST_OUT_OLM] = {
		.name = "OUT_OLM",
		.in_event_mask = RX_EVENTS,
		.out_state_mask = S(CALL_ST_WAIT_RLC),
		.action = st_out_olm,
	},
	[CALL_ST_OUT_WAIT_ANM] = {
		.name = "OUT_WAIT_ANM",
		.in_event_mask = RX_EVENTS,
		.out_state_mask = S(CALL_ST_ACTIVE) | S(CALL_ST_WAIT_RLC),
		.action = st_out_wait_anm,
	},
	[CALL_ST_IN_SETUP] = {
		.name = "IN_SETUP",
		.in_event_mask = RX_EVENTS,
		.out_state_mask = S(CALL_ST_IN_SETUP) | S(CALL_ST_IN_ALERTED) | S(CALL_ST_ACTIVE) | S(CALL_ST_WAIT_RLC),
		.action = st_in_setup,
	},
	[CALL_ST_IN_ALERTED] = {
		.name = "IN_ALERTED",
		.in_event_mask = RX_EVENTS,
		.out_state_mask = S(CALL_ST_ACTIVE) | S(CALL_ST_WAIT_RLC),
		.action = st_in_alerted,
	},
	[CALL_ST_ACTIVE] = {
		.name = "ACTIVE",
		.in_event_mask = RX_EVENTS,
		.out_state_mask = S(CALL_ST_ACTIVE) | S(CALL_ST_WAIT_RLC),
		.action = st_active,
	},
	[CALL_ST_IN_COT_WAIT] = {
		.name = "IN_COT_WAIT",
		.in_event_mask = RX_EVENTS,
		.out_state_mask = S(CALL_ST_IN_SETUP) | S(CALL_ST_IN_COT_FAILED) | S(CALL_ST_WAIT_RLC),
		.action = st_in_cot_wait,
	},
	[CALL_ST_IN_COT_FAILED] = {
		.name = "IN_COT_FAILED",
		.in_event_mask = RX_EVENTS,
		.out_state_mask = S(CALL_ST_IN_COT_RECHECK) | S(CALL_ST_WAIT_RLC),
		.action = st_in_cot_failed,
	},
	[CALL_ST_IN_COT_RECHECK] = {
		.name = "IN_COT_RECHECK",
		.in_event_mask = RX_EVENTS,
		.out_state_mask = S(CALL_ST_IN_COT_RECHECK) | S(CALL_ST_WAIT_RLC),
		.action = st_in_cot_failed,
	},
	[CALL_ST_WAIT_RLC] = {
		.name = "WAIT_RLC",
		.in_event_mask = RX_EVENTS | S(CALL_EV_T5),
		.out_state_mask = S(CALL_ST_WAIT_RLC),
		.action = st_wait_rlc,
	},
};

struct osmo_fsm isup_call_fsm = {
	.name = "isup_call",
	.states = call_states,
	.num_states = ARRAY_SIZE(call_states),
	.allstate_event_mask = S(CALL_EV_USER_RELEASE) | S(CALL_EV_PROTO_RELEASE) | S(CALL_EV_CIRCUIT_RESET) |
			       S(CALL_EV_CIRCUIT_BLOCKED) | S(CALL_EV_CIRCUIT_HW_BLOCKED) |
			       S(CALL_EV_CIRCUIT_UNEQUIPPED) | S(CALL_EV_DUAL_SEIZURE) | S(CALL_EV_T33) |
			       S(CALL_EV_COT_RESULT) | S(CALL_EV_T24),
	.allstate_action = call_allstate,
	.timer_cb = call_timer_cb,
	.cleanup = call_cleanup,
	.event_names = call_event_names,
};

/* ---- construction and the entry points used by the trunk and the user ---- */

static struct isup_call *call_alloc(struct isup_trunk *tg, struct isup_circuit *c, enum isup_call_dir dir)
{
	struct osmo_fsm_inst *fi = osmo_fsm_inst_alloc(&isup_call_fsm, tg, NULL, LOGL_INFO, NULL);
	if (!fi)
		return NULL;
	struct isup_call *call = talloc_zero(fi, struct isup_call);
	if (!call) {
		osmo_fsm_inst_free(fi);
		return NULL;
	}
	fi->priv = call;
	call->fi = fi;
	call->tg = tg;
	call->circ = c;
	call->dir = dir;
	call->id = ++tg->next_call_id;
	osmo_timer_setup(&call->t5, t5_cb, call);
	osmo_timer_setup(&call->t33, t33_cb, call);
	osmo_timer_setup(&call->t24, t24_cb, call);
	osmo_timer_setup(&call->t_cot_req, t_cot_req_cb, call);
	osmo_fsm_inst_update_id_f(fi, "%s-%u-%u", tg->name, c->cic, call->id);
	c->call = call;
	llist_add_tail(&call->list, &tg->calls);
	return call;
}

struct isup_call *isup_call_setup_req(struct isup_trunk *tg, const struct isup_msg *iam, void *user_ref, uint8_t *cause)
{
	return isup_call_setup_avoid_req(tg, iam, user_ref, cause, 0);
}

struct isup_call *isup_call_setup_avoid_req(struct isup_trunk *tg, const struct isup_msg *iam, void *user_ref,
					    uint8_t *cause, uint16_t avoid_cic)
{
	uint8_t dummy;
	if (!cause)
		cause = &dummy;
	*cause = Q850_PROTOCOL_ERROR; /* protocol error: not an IAM of this variant */
	if (iam->type != ISUP_MT_IAM || iam->variant != tg->variant)
		return NULL;
	isup_ctr_inc(tg, ISUP_CTR_CALL_OUT);
	if (!isup_trunk_offer_allowed(tg, cause))
		return NULL;
	*cause = Q850_NO_CIRCUIT_AVAILABLE;
	struct isup_circuit *c = isup_trunk_select(tg, avoid_cic ? isup_trunk_circuit(tg, avoid_cic) : NULL);
	if (!c) {
		isup_ctr_inc(tg, ISUP_CTR_CALL_NO_CIRCUIT);
		LOGP(isup_log_cat, LOGL_NOTICE, "%s: no circuit available for an outgoing call\n", tg->name);
		return NULL;
	}
	struct isup_call *call = call_alloc(tg, c, ISUP_CALL_OUT);
	if (!call)
		return NULL;
	call->user_ref = user_ref;
	if (tg->user && tg->user->circuit_req && tg->user->circuit_req(call, tg->user_priv) < 0) {
		/* the user has nothing for this circuit (no media): refused before it is seized, no IAM */
		LOGPFSML(call->fi, LOGL_NOTICE, "CIC %u refused by the user: no resources for it (cause 47)\n", c->cic);
		*cause = Q850_RESOURCE_UNAVAILABLE;
		call->user_ref = NULL;
		call->circ = NULL;
		c->call = NULL;
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_REGULAR, NULL);
		return NULL;
	}
	call->iam = *iam;
	call->iam.cic = c->cic;
	osmo_fsm_inst_dispatch(c->fi, ISUP_CIC_EV_SEIZE_OUT, NULL);
	if (isup_trunk_send(tg, &call->iam)) {
		call->user_ref = NULL;
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_ERROR, NULL);
		return NULL;
	}
	call_state_chg(call, CALL_ST_OUT_WAIT_ACM);
	start_cot_test(call);
	return call;
}

struct isup_call *isup_call_incoming(struct isup_trunk *tg, struct isup_circuit *c, const struct isup_msg *iam)
{
	isup_ctr_inc(tg, ISUP_CTR_CALL_IN);
	struct isup_call *call = call_alloc(tg, c, ISUP_CALL_IN);
	if (!call)
		return NULL;
	osmo_fsm_inst_dispatch(c->fi, ISUP_CIC_EV_SEIZE_IN, NULL);
	struct isup_number cd;
	if (!isup_msg_get_number(iam, ISUP_PAR_CALLED, &cd) && cd.n_digits && cd.digits[cd.n_digits - 1] == 'F')
		call->addr_complete = true;
	call->setup_msg = *iam;
	struct isup_nci nci = { 0 };
	isup_msg_get_bits(iam, ISUP_PAR_NCI, &nci);
	call->cot_ind = nci.cot_ind;
	if (nci.cot_ind == 1 || nci.cot_ind == 2) {
		/* Q.764 2.1.8.2: loop this circuit back (if the check is on it) and wait for COT (T8) */
		call_state_chg(call, CALL_ST_IN_COT_WAIT);
		if (nci.cot_ind == 1)
			cot_loop(call, true);
		return call;
	}
	call->cot_done = true;
	deliver_setup(call);
	return call;
}

void isup_call_address_complete(struct isup_call *call)
{
	if (call->dir != ISUP_CALL_IN || call->addr_complete)
		return;
	call->addr_complete = true;
	if (call->fi->state == CALL_ST_IN_SETUP)
		osmo_fsm_inst_state_chg(call->fi, CALL_ST_IN_SETUP, 0, 0); /* T35 stops */
}

int isup_call_req(struct isup_call *call, enum isup_prim prim, const struct isup_msg *msg)
{
	if (msg && msg->variant != call->tg->variant)
		return -EINVAL;
	struct call_req r = { .prim = prim, .msg = msg, .rc = -EINVAL };
	osmo_fsm_inst_dispatch(call->fi, CALL_EV_USER_REQ, &r);
	return r.rc;
}

int isup_call_cot_result(struct isup_call *call, bool success)
{
	return osmo_fsm_inst_dispatch(call->fi, CALL_EV_COT_RESULT, &success);
}

int isup_call_release_req(struct isup_call *call, const struct isup_cause *cause)
{
	return osmo_fsm_inst_dispatch(call->fi, CALL_EV_USER_RELEASE, (void *)cause);
}

void isup_call_rx(struct isup_call *call, const struct isup_msg *m)
{
	osmo_fsm_inst_dispatch(call->fi, CALL_EV_RX, (void *)m);
}

void isup_call_proto_release(struct isup_call *call, uint8_t cause)
{
	struct isup_cause c = isup_cause_make(Q850_LOC_PUB_LOCAL, cause);
	osmo_fsm_inst_dispatch(call->fi, CALL_EV_PROTO_RELEASE, &c);
}

void isup_call_circuit_reset(struct isup_call *call, bool remote)
{
	osmo_fsm_inst_dispatch(call->fi, CALL_EV_CIRCUIT_RESET, &remote);
}

void isup_call_circuit_blocked(struct isup_call *call)
{
	osmo_fsm_inst_dispatch(call->fi, CALL_EV_CIRCUIT_BLOCKED, NULL);
}

void isup_call_circuit_hw_blocked(struct isup_call *call)
{
	osmo_fsm_inst_dispatch(call->fi, CALL_EV_CIRCUIT_HW_BLOCKED, NULL);
}

void isup_call_circuit_unequipped(struct isup_call *call)
{
	osmo_fsm_inst_dispatch(call->fi, CALL_EV_CIRCUIT_UNEQUIPPED, NULL);
}

void isup_call_dual_seizure(struct isup_call *call)
{
	osmo_fsm_inst_dispatch(call->fi, CALL_EV_DUAL_SEIZURE, NULL);
}

bool isup_call_is_outgoing_setup(const struct isup_call *call)
{
	return call->dir == ISUP_CALL_OUT && call->fi->state == CALL_ST_OUT_WAIT_ACM && !call->acm_seen;
}

void isup_cc_init(int log_cat)
{
	static bool done;
	isup_log_cat = log_cat;
	isup_cic_fsm.log_subsys = log_cat;
	isup_call_fsm.log_subsys = log_cat;
	if (done)
		return;
	OSMO_ASSERT(osmo_fsm_register(&isup_cic_fsm) == 0);
	OSMO_ASSERT(osmo_fsm_register(&isup_call_fsm) == 0);
	done = true;
}
