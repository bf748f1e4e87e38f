/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cic_fsm: one per circuit. States say who uses the circuit; blocking is kept as flags beside them
 * because it survives calls. Single-circuit maintenance: BLO/UBL (T12-T15), RSC (T16/T17). */

#include <errno.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>

#include "isup_cc.h"
#include "isup_cc_int.h"

/* clang-format off */
static const struct value_string cic_event_names[] = {
	{ ISUP_CIC_EV_SEIZE_OUT, "SEIZE_OUT" },
	{ ISUP_CIC_EV_SEIZE_IN, "SEIZE_IN" },
	{ ISUP_CIC_EV_RELEASED, "RELEASED" },
	{ ISUP_CIC_EV_RESET_START, "RESET_START" },
	{ ISUP_CIC_EV_RESET_DONE, "RESET_DONE" },
	{}
};
/* clang-format on */

static void cic_fsm_idle(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	switch (event) {
	case ISUP_CIC_EV_SEIZE_OUT:
		osmo_fsm_inst_state_chg(fi, ISUP_CIC_ST_BUSY_OUT, 0, 0);
		break;
	case ISUP_CIC_EV_SEIZE_IN:
		osmo_fsm_inst_state_chg(fi, ISUP_CIC_ST_BUSY_IN, 0, 0);
		break;
	case ISUP_CIC_EV_RESET_START:
		osmo_fsm_inst_state_chg(fi, ISUP_CIC_ST_RESET, 0, 0);
		break;
	default:
		break;
	}
}

static void cic_fsm_busy(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	switch (event) {
	case ISUP_CIC_EV_RELEASED:
		osmo_fsm_inst_state_chg(fi, ISUP_CIC_ST_IDLE, 0, 0);
		break;
	case ISUP_CIC_EV_RESET_START:
		osmo_fsm_inst_state_chg(fi, ISUP_CIC_ST_RESET, 0, 0);
		break;
	case ISUP_CIC_EV_SEIZE_IN:
		/* dual seizure lost: the circuit now carries the incoming call */
		osmo_fsm_inst_state_chg(fi, ISUP_CIC_ST_BUSY_IN, 0, 0);
		break;
	default:
		break;
	}
}

static void cic_fsm_reset(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	switch (event) {
	case ISUP_CIC_EV_RESET_DONE:
		osmo_fsm_inst_state_chg(fi, ISUP_CIC_ST_IDLE, 0, 0);
		break;
	default:
		break;
	}
}

static void cic_fsm_idle_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	struct isup_circuit *c = fi->priv;
	c->idle_since = ++c->tg->seq;
}

#define S(x) (1 << (x))
static const struct osmo_fsm_state cic_fsm_states[] = {
	[ISUP_CIC_ST_IDLE] = {
		.name = "IDLE",
		.in_event_mask = S(ISUP_CIC_EV_SEIZE_OUT) | S(ISUP_CIC_EV_SEIZE_IN) | S(ISUP_CIC_EV_RESET_START) |
				 S(ISUP_CIC_EV_RELEASED) | S(ISUP_CIC_EV_RESET_DONE),
		.out_state_mask = S(ISUP_CIC_ST_BUSY_OUT) | S(ISUP_CIC_ST_BUSY_IN) | S(ISUP_CIC_ST_RESET),
		.action = cic_fsm_idle,
		.onenter = cic_fsm_idle_onenter,
	},
	[ISUP_CIC_ST_BUSY_OUT] = {
		.name = "BUSY_OUT",
		.in_event_mask = S(ISUP_CIC_EV_RELEASED) | S(ISUP_CIC_EV_RESET_START) | S(ISUP_CIC_EV_SEIZE_IN) |
				 S(ISUP_CIC_EV_RESET_DONE),
		.out_state_mask = S(ISUP_CIC_ST_IDLE) | S(ISUP_CIC_ST_RESET) | S(ISUP_CIC_ST_BUSY_IN),
		.action = cic_fsm_busy,
	},
	[ISUP_CIC_ST_BUSY_IN] = {
		.name = "BUSY_IN",
		.in_event_mask = S(ISUP_CIC_EV_RELEASED) | S(ISUP_CIC_EV_RESET_START) | S(ISUP_CIC_EV_SEIZE_IN) |
				 S(ISUP_CIC_EV_RESET_DONE),
		.out_state_mask = S(ISUP_CIC_ST_IDLE) | S(ISUP_CIC_ST_RESET),
		.action = cic_fsm_busy,
	},
	[ISUP_CIC_ST_RESET] = {
		.name = "RESET",
		.in_event_mask = S(ISUP_CIC_EV_RESET_DONE) | S(ISUP_CIC_EV_RESET_START) | S(ISUP_CIC_EV_RELEASED),
		.out_state_mask = S(ISUP_CIC_ST_IDLE),
		.action = cic_fsm_reset,
	},
	[ISUP_CIC_ST_UNEQUIPPED] = {
		.name = "UNEQUIPPED",
	},
};

struct osmo_fsm isup_cic_fsm = {
	.name = "isup_cic",
	.states = cic_fsm_states,
	.num_states = ARRAY_SIZE(cic_fsm_states),
	.event_names = cic_event_names,
};

const char *isup_cic_state_name(enum isup_cic_state st)
{
	return st < ARRAY_SIZE(cic_fsm_states) && cic_fsm_states[st].name ? cic_fsm_states[st].name : "?";
}

enum isup_cic_state isup_cic_state(const struct isup_circuit *c)
{
	return (enum isup_cic_state)c->fi->state;
}

bool isup_circuit_available(const struct isup_circuit *c)
{
	return isup_cic_state(c) == ISUP_CIC_ST_IDLE && !c->blk && !c->remote_unequipped && !c->cot_recheck;
}

/* ---- continuity recheck after a failed test of ours (Q.764 2.1.8.1) ---- */

void isup_cic_cot_clear(struct isup_circuit *c)
{
	osmo_timer_del(&c->t_cot);
	c->cot_recheck = c->cot_retest_running = c->cot_rel_sent = false;
	c->cot_failures = 0;
}

static void t_cot_cb(void *data)
{
	struct isup_circuit *c = data;
	struct isup_trunk *tg = c->tg;
	if (c->cot_rel_sent) {
		/* the REL ending the recheck was never answered: reset the circuit */
		isup_cic_cot_clear(c);
		isup_circuit_reset_ex(c, true);
		return;
	}
	if (c->cot_retest_running) {
		LOGPFSML(c->fi, LOGL_NOTICE, "no recheck result within T24: counted as failed\n");
		isup_circuit_cot_result(tg, c->cic, false);
		return;
	}
	/* T25 (first) or T26 (later) expired: ask the far end to loop back, and test */
	LOGPFSML(c->fi, LOGL_NOTICE, "continuity recheck %u: CCR\n", c->cot_failures);
	isup_send_simple(tg, ISUP_MT_CCR, c->cic);
	c->cot_retest_running = true;
	osmo_timer_schedule(&c->t_cot, (int)(isup_timer_ms(tg->tdefs, 24) / 1000) + 1, 0);
	if (tg->user && tg->user->cot_test)
		tg->user->cot_test(tg, c->cic, NULL, tg->user_priv);
}

int isup_circuit_cot_result(struct isup_trunk *tg, uint16_t cic, bool success)
{
	struct isup_circuit *c = isup_trunk_circuit(tg, cic);
	if (!c || !c->cot_recheck || !c->cot_retest_running)
		return -EINVAL;
	osmo_timer_del(&c->t_cot);
	c->cot_retest_running = false;
	if (success) {
		/* the recheck passed: release the far end's loop; RLC returns the circuit to service */
		struct isup_msg m;
		struct isup_cause cause = isup_cause_make(Q850_LOC_PUB_LOCAL, Q850_NORMAL_CLEARING);
		isup_msg_init(&m, tg->variant, ISUP_MT_REL, cic);
		isup_msg_put_cause(&m, &cause);
		c->cot_rel_sent = true;
		isup_timer_start(&c->t_cot, tg->tdefs, 5);
		return isup_trunk_send(tg, &m);
	}
	c->cot_failures++;
	if (c->cot_failures == 2)
		isup_alert(tg, cic, "continuity recheck failed");
	isup_timer_start(&c->t_cot, tg->tdefs, 26);
	return 0;
}

/* ---- procedure timers: a short repeat timer within a long one (Q.764 2.8.2.3, 2.10.3.1) ---- */

static void proc_stop(struct isup_circuit *c)
{
	osmo_timer_del(&c->t_short);
	osmo_timer_del(&c->t_long);
	c->blo_pending = c->ubl_pending = c->rsc_pending = false;
}

static void proc_start(struct isup_circuit *c, int t_short, int t_long)
{
	proc_stop(c);
	c->t_short_T = t_short;
	c->t_long_T = t_long;
	if (t_short)
		isup_timer_start(&c->t_short, c->tg->tdefs, t_short);
	isup_timer_start(&c->t_long, c->tg->tdefs, t_long);
}

static void proc_resend(struct isup_circuit *c)
{
	if (c->blo_pending)
		isup_send_simple(c->tg, ISUP_MT_BLO, c->cic);
	else if (c->ubl_pending)
		isup_send_simple(c->tg, ISUP_MT_UBL, c->cic);
	else if (c->rsc_pending)
		isup_send_simple(c->tg, ISUP_MT_RSC, c->cic);
}

static void t_short_cb(void *data)
{
	struct isup_circuit *c = data;
	LOGPFSML(c->fi, LOGL_NOTICE, "T%d expired: repeating %s\n", c->t_short_T,
		 c->blo_pending ? "BLO" :
		 c->ubl_pending ? "UBL" :
				  "RSC");
	proc_resend(c);
	isup_timer_start(&c->t_short, c->tg->tdefs, c->t_short_T);
}

static void t_long_cb(void *data)
{
	struct isup_circuit *c = data;
	const char *what = c->blo_pending ? "BLO" : c->ubl_pending ? "UBL" : "RSC";
	LOGPFSML(c->fi, LOGL_ERROR, "T%d expired: no answer to %s, alerting maintenance, repeating every T%d\n",
		 c->t_long_T, what, c->t_long_T);
	isup_alert(c->tg, c->cic,
		   c->blo_pending ? "no BLA (T13)" :
		   c->ubl_pending ? "no UBA (T15)" :
				    "no RLC to RSC (T17)");
	/* from now on only the long timer paces repetitions */
	osmo_timer_del(&c->t_short);
	proc_resend(c);
	isup_timer_start(&c->t_long, c->tg->tdefs, c->t_long_T);
}

int isup_circuit_init(struct isup_circuit *c, struct isup_trunk *tg, uint16_t cic)
{
	c->tg = tg;
	c->cic = cic;
	c->fi = osmo_fsm_inst_alloc(&isup_cic_fsm, tg, c, LOGL_INFO, NULL);
	if (!c->fi)
		return -ENOMEM;
	osmo_fsm_inst_update_id_f(c->fi, "%s-%u", tg->name, cic);
	osmo_timer_setup(&c->t_short, t_short_cb, c);
	osmo_timer_setup(&c->t_long, t_long_cb, c);
	osmo_timer_setup(&c->t_cot, t_cot_cb, c);
	c->idle_since = ++tg->seq;
	return 0;
}

void isup_circuit_fini(struct isup_circuit *c)
{
	proc_stop(c);
	osmo_timer_del(&c->t_cot);
	if (c->fi)
		osmo_fsm_inst_free(c->fi);
	c->fi = NULL;
}

/* ---- operator requests ---- */

int isup_circuit_block(struct isup_trunk *tg, uint16_t cic)
{
	struct isup_circuit *c = isup_trunk_circuit(tg, cic);
	if (!c)
		return -ENODEV;
	bool was = c->blk & ISUP_BLK_LOCAL_MAINT;
	c->blk |= ISUP_BLK_LOCAL_MAINT;
	proc_start(c, 12, 13);
	c->blo_pending = true;
	LOGPFSML(c->fi, LOGL_NOTICE, "blocking (maintenance): BLO\n");
	if (!was)
		isup_maint_changed(tg);
	return isup_send_simple(tg, ISUP_MT_BLO, cic);
}

int isup_circuit_restore_blocked(struct isup_trunk *tg, uint16_t cic)
{
	struct isup_circuit *c = isup_trunk_circuit(tg, cic);
	if (!c)
		return -ENODEV;
	c->blk |= ISUP_BLK_LOCAL_MAINT;
	LOGPFSML(c->fi, LOGL_NOTICE,
		 "blocked for maintenance before the restart: blocked again once the "
		 "signalling relation is up\n");
	return 0;
}

int isup_circuit_unblock(struct isup_trunk *tg, uint16_t cic)
{
	struct isup_circuit *c = isup_trunk_circuit(tg, cic);
	if (!c)
		return -ENODEV;
	bool was = c->blk & ISUP_BLK_LOCAL_MAINT;
	c->blk &= (uint8_t)~ISUP_BLK_LOCAL_MAINT;
	proc_start(c, 14, 15);
	c->ubl_pending = true;
	LOGPFSML(c->fi, LOGL_NOTICE, "unblocking (maintenance): UBL\n");
	if (was)
		isup_maint_changed(tg);
	return isup_send_simple(tg, ISUP_MT_UBL, cic);
}

/* RSC; after_t5: sent because T5 expired, so only T17 runs (Q.764 2.10.3.1 / Annex A T16) */
int isup_circuit_reset_ex(struct isup_circuit *c, bool after_t5)
{
	isup_cic_cot_clear(c);
	if (c->call)
		isup_call_circuit_reset(c->call, false);
	osmo_fsm_inst_dispatch(c->fi, ISUP_CIC_EV_RESET_START, NULL);
	proc_start(c, after_t5 ? 0 : 16, 17);
	c->rsc_pending = true;
	LOGPFSML(c->fi, LOGL_NOTICE, "resetting: RSC%s\n", after_t5 ? " (T5 expired)" : "");
	return isup_send_simple(c->tg, ISUP_MT_RSC, c->cic);
}

int isup_circuit_reset(struct isup_trunk *tg, uint16_t cic)
{
	struct isup_circuit *c = isup_trunk_circuit(tg, cic);
	if (!c)
		return -ENODEV;
	return isup_circuit_reset_ex(c, false);
}

/* ---- received supervision messages for one circuit ---- */

void isup_cic_rx(struct isup_circuit *c, const struct isup_msg *m)
{
	struct isup_trunk *tg = c->tg;
	switch (m->type) {
	case ISUP_MT_BLO:
		/* Q.764 2.8.2.1: block for maintenance; a call being set up outwards moves elsewhere */
		c->blk |= ISUP_BLK_REMOTE_MAINT;
		isup_send_simple(tg, ISUP_MT_BLA, c->cic);
		if (c->call)
			isup_call_circuit_blocked(c->call);
		break;
	case ISUP_MT_UBL:
		c->blk &= (uint8_t)~ISUP_BLK_REMOTE_MAINT;
		c->remote_unequipped = false;
		isup_send_simple(tg, ISUP_MT_UBA, c->cic);
		break;
	case ISUP_MT_BLA:
		if (c->blo_pending) {
			proc_stop(c);
		} else if (!(c->blk & ISUP_BLK_LOCAL_MAINT)) {
			/* Q.764 2.8.2.3: BLA for a circuit we did not block: unblock it at the far end */
			LOGPFSML(c->fi, LOGL_NOTICE, "unexpected BLA: sending UBL\n");
			isup_ctr_inc(tg, ISUP_CTR_RX_UNEXPECTED);
			isup_send_simple(tg, ISUP_MT_UBL, c->cic);
		}
		break;
	case ISUP_MT_UBA:
		if (c->ubl_pending) {
			proc_stop(c);
		} else if (c->blk & ISUP_BLK_LOCAL_MAINT) {
			/* Q.764 2.8.2.3: UBA while we hold it blocked: remind the far end */
			LOGPFSML(c->fi, LOGL_NOTICE, "unexpected UBA on a blocked circuit: sending BLO\n");
			isup_ctr_inc(tg, ISUP_CTR_RX_UNEXPECTED);
			isup_send_simple(tg, ISUP_MT_BLO, c->cic);
		}
		break;
	case ISUP_MT_RSC:
		/* Q.764 2.10.3.1: release any call, remove remote maintenance blocking, answer RLC */
		isup_ctr_inc(tg, ISUP_CTR_RSC_RX);
		isup_cic_cot_clear(c);
		if (c->call)
			isup_call_circuit_reset(c->call, true);
		c->blk &= (uint8_t)~ISUP_BLK_REMOTE_MAINT;
		isup_send_simple(tg, ISUP_MT_RLC, c->cic);
		if (!c->rsc_pending)
			osmo_fsm_inst_dispatch(c->fi, ISUP_CIC_EV_RESET_DONE, NULL);
		if (c->blk & ISUP_BLK_LOCAL_MAINT)
			isup_send_simple(tg, ISUP_MT_BLO, c->cic);
		break;
	case ISUP_MT_RLC:
		if (c->rsc_pending) {
			proc_stop(c);
			osmo_fsm_inst_dispatch(c->fi, ISUP_CIC_EV_RESET_DONE, NULL);
			LOGPFSML(c->fi, LOGL_INFO, "reset complete\n");
			if (c->blk & ISUP_BLK_LOCAL_MAINT)
				isup_send_simple(tg, ISUP_MT_BLO, c->cic);
		} else if (c->cot_rel_sent) {
			LOGPFSML(c->fi, LOGL_INFO, "continuity recheck complete: back in service\n");
			isup_cic_cot_clear(c);
		}
		/* otherwise: RLC on an idle circuit is discarded (Q.764 2.10.5) */
		break;
	case ISUP_MT_UCIC:
		/* Q.764 2.12: the far end does not have this circuit: out of service until it unblocks it
		 * (UBL), maintenance alerted, a call in set-up moved, any other call released. Nothing is sent
		 * back: every message on this CIC would draw another UCIC */
		LOGPFSML(c->fi, LOGL_ERROR, "UCIC received: circuit unequipped at the far end\n");
		c->remote_unequipped = true;
		isup_alert(tg, c->cic, "UCIC received");
		if (c->call)
			isup_call_circuit_unequipped(c->call);
		break;
	default:
		break;
	}
}

/* Q.763 3.14 circuit state indicator octet for CQR */
uint8_t isup_cic_state_octet(const struct isup_circuit *c)
{
	if (!c)
		return 0x03; /* DC = 00, BA = 11: unequipped */
	uint8_t dc, ba, fe;
	switch (isup_cic_state(c)) {
	case ISUP_CIC_ST_BUSY_IN:
		dc = 1;
		break;
	case ISUP_CIC_ST_BUSY_OUT:
		dc = 2;
		break;
	case ISUP_CIC_ST_IDLE:
		dc = 3;
		break;
	default:
		return 0x00; /* transient */
	}
	ba = (c->blk & ISUP_BLK_LOCAL_MAINT ? 1 : 0) | (c->blk & ISUP_BLK_REMOTE_MAINT ? 2 : 0);
	fe = (c->blk & ISUP_BLK_LOCAL_HW ? 1 : 0) | (c->blk & ISUP_BLK_REMOTE_HW ? 2 : 0);
	return (uint8_t)(fe << 4 | dc << 2 | ba);
}
