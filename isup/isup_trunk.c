/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ISUP trunk groups: the signalling relation (MTP-PAUSE/RESUME/STATUS, congestion), circuits,
 * selection, sending, and the receive dispatcher with Q.764 2.9.5 compatibility handling. The circuit
 * group procedures (GRS, CGB, CGU, CQM) are in isup_grp.c. */

#include <errno.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "isup_cc.h"
#include "isup_cc_int.h"

int isup_log_cat = DLGLOBAL;

static const struct rate_ctr_desc trunk_ctr_desc[] = {
	[ISUP_CTR_TX_MSG] = { "isup:tx", "ISUP messages sent" },
	[ISUP_CTR_RX_MSG] = { "isup:rx", "ISUP messages received" },
	[ISUP_CTR_RX_DECODE_ERR] = { "isup:rx:format_error", "received messages with format errors" },
	[ISUP_CTR_RX_UNKNOWN_CIC] = { "isup:rx:unknown_cic", "received messages for CICs not in the trunk" },
	[ISUP_CTR_RX_UNEXPECTED] = { "isup:rx:unexpected", "messages unexpected in the circuit's state" },
	[ISUP_CTR_RX_UNRECOGNIZED] = { "isup:rx:unrecognized", "unrecognized message types" },
	[ISUP_CTR_CALL_OUT] = { "call:out", "outgoing call attempts" },
	[ISUP_CTR_CALL_IN] = { "call:in", "incoming call attempts" },
	[ISUP_CTR_CALL_ANSWERED] = { "call:answered", "answered calls" },
	[ISUP_CTR_CALL_NO_CIRCUIT] = { "call:no_circuit", "outgoing calls without an available circuit" },
	[ISUP_CTR_DUAL_SEIZURE] = { "call:dual_seizure", "dual seizures" },
	[ISUP_CTR_T1_EXPIRY] = { "timer:t1", "T1 expiries (REL repeated)" },
	[ISUP_CTR_T5_EXPIRY] = { "timer:t5", "T5 expiries (RSC after unanswered REL)" },
	[ISUP_CTR_T7_EXPIRY] = { "timer:t7", "T7 expiries (no ACM)" },
	[ISUP_CTR_T9_EXPIRY] = { "timer:t9", "T9 expiries (no answer)" },
	[ISUP_CTR_T35_EXPIRY] = { "timer:t35", "T35 expiries (incomplete address)" },
	[ISUP_CTR_RSC_RX] = { "isup:rx:rsc", "circuit resets received" },
	[ISUP_CTR_GRS_RX] = { "isup:rx:grs", "group resets received" },
	[ISUP_CTR_UCIC_TX] = { "isup:tx:ucic", "UCIC sent for unknown circuits" },
	[ISUP_CTR_CALL_REJECT_MTP] = { "call:reject:inaccessible",
				       "calls refused: destination or its ISUP unavailable" },
	[ISUP_CTR_CALL_REJECT_ACC] = { "call:reject:congestion", "calls refused by automatic congestion control" },
	[ISUP_CTR_OLM_RX] = { "call:olm", "outgoing calls the far end answered with OLM (overloaded)" },
	[ISUP_CTR_ACC_INDICATION] = { "acc:indication", "congestion indications acted on (ACL, MTP)" },
	[ISUP_CTR_UPT_TX] = { "isup:tx:upt", "user part tests sent" },
};

static const struct rate_ctr_group_desc trunk_ctrg_desc = {
	.group_name_prefix = "isup_trunk",
	.group_description = "ISUP trunk group",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_ctr = ARRAY_SIZE(trunk_ctr_desc),
	.ctr_desc = trunk_ctr_desc,
};

static unsigned trunk_idx;

/* ---- signalling relation: MTP-PAUSE/RESUME/STATUS, user part availability, congestion ---- */

static void t4_cb(void *data)
{
	struct isup_trunk *tg = data;
	/* Q.764 2.14.2: test the far user part with UPT every T4 until something comes back */
	if (tg->variant == ISUP_VAR_ITU && tg->n_circuits) {
		isup_ctr_inc(tg, ISUP_CTR_UPT_TX);
		isup_send_simple(tg, ISUP_MT_UPT, tg->circuits[0]->cic);
	}
	isup_timer_start(&tg->t4, tg->tdefs, 4);
}

static void t29_cb(void *data)
{
	struct isup_trunk *tg = data;
	tg->t29_running = false;
}

static void t30_cb(void *data)
{
	struct isup_trunk *tg = data;
	/* Q.764 2.11: no new indication within T30: restore traffic by one step */
	if (tg->acc_level)
		tg->acc_level--;
	LOGP(isup_log_cat, LOGL_NOTICE, "%s: T30 expired, congestion level now %u\n", tg->name, tg->acc_level);
	if (tg->acc_level)
		isup_timer_start(&tg->t30, tg->tdefs, 30);
}

static void t28_cb(void *data)
{
	struct isup_trunk *tg = data;
	tg->cqm.pending = false;
	isup_alert(tg, tg->cqm.cic, "no CQR to CQM (T28)");
}

/* A congestion indication (ACL in REL, MTP congestion): raise the level unless T29 masks it. */
static void acc_indication(struct isup_trunk *tg, unsigned level)
{
	if (tg->t29_running || !level)
		return;
	isup_ctr_inc(tg, ISUP_CTR_ACC_INDICATION);
	if (level > 2)
		level = 2;
	if (tg->acc_level < level)
		tg->acc_level = (uint8_t)level;
	else if (tg->acc_level < 2)
		tg->acc_level++;
	LOGP(isup_log_cat, LOGL_NOTICE, "%s: congestion indication, level %u\n", tg->name, tg->acc_level);
	tg->t29_running = true;
	isup_timer_start(&tg->t29, tg->tdefs, 29);
	isup_timer_start(&tg->t30, tg->tdefs, 30);
}

/* Whether a new outgoing call may be offered now; *cause says why not. */
bool isup_trunk_offer_allowed(struct isup_trunk *tg, uint8_t *cause)
{
	if (tg->mtp_paused || tg->up_unavailable) {
		isup_ctr_inc(tg, ISUP_CTR_CALL_REJECT_MTP);
		*cause = Q850_DEST_OUT_OF_ORDER;
		return false;
	}
	if (tg->acc_level) {
		/* level 1 sheds one call in four, level 2 one in two */
		unsigned every = tg->acc_level >= 2 ? 2 : 4;
		if (++tg->acc_seq % every == 0) {
			isup_ctr_inc(tg, ISUP_CTR_CALL_REJECT_ACC);
			*cause = Q850_SWITCH_CONGESTION;
			return false;
		}
	}
	return true;
}

/* Blocking or unblocking started while the destination was inaccessible went nowhere: sent again at
 * MTP-RESUME rather than at the next T18/T20. (With a reset on resume, the GRA does it instead.) */
static void grp_repeat_now(struct isup_trunk *tg)
{
	struct isup_grp_proc *g[] = { &tg->cgb, &tg->cgu };
	for (unsigned i = 0; i < 2; i++) {
		if (!g[i]->active)
			continue;
		isup_grp_send(tg, g[i]);
		isup_timer_start(&g[i]->t_short, tg->tdefs, isup_grp_T(g[i], false));
	}
}

void isup_trunk_mtp_pause(struct isup_trunk *tg)
{
	LOGP(isup_log_cat, LOGL_NOTICE, "%s: MTP-PAUSE: destination inaccessible, no new calls\n", tg->name);
	tg->mtp_paused = true;
	osmo_timer_del(&tg->t4);
}

void isup_trunk_mtp_resume(struct isup_trunk *tg)
{
	LOGP(isup_log_cat, LOGL_NOTICE, "%s: MTP-RESUME: destination accessible\n", tg->name);
	bool was = tg->mtp_paused, first = !tg->mtp_up_once;
	tg->mtp_paused = false;
	tg->up_unavailable = false;
	tg->mtp_up_once = true;
	osmo_timer_del(&tg->t4);
	/* Q.764 2.10.3.2: circuits of unknown state are reset when the relation first comes up (or after
	 * a restart), and, if configured, every time it comes back */
	if ((first && tg->reset_on_start) || (was && tg->reset_on_resume)) {
		isup_trunk_reset_all(tg); /* the GRAs block again what we hold blocked (rx_gra) */
	} else {
		if (was)
			grp_repeat_now(tg);
		/* without a reset at start, circuits blocked before a restart are blocked again now */
		for (unsigned i = 0; first && i < tg->n_circuits; i++) {
			struct isup_circuit *c = tg->circuits[i];
			if (c && (c->blk & ISUP_BLK_LOCAL_MAINT) && !c->blo_pending)
				isup_circuit_block(tg, c->cic);
		}
	}
}

void isup_maint_changed(struct isup_trunk *tg)
{
	if (tg->user && tg->user->maint_changed)
		tg->user->maint_changed(tg, tg->user_priv);
}

void isup_trunk_mtp_status(struct isup_trunk *tg, enum isup_mtp_status st, unsigned level)
{
	switch (st) {
	case ISUP_MTP_STATUS_CONGESTED:
		acc_indication(tg, level);
		break;
	case ISUP_MTP_STATUS_UP_UNAVAILABLE:
	case ISUP_MTP_STATUS_UP_UNEQUIPPED:
		LOGP(isup_log_cat, LOGL_NOTICE, "%s: MTP-STATUS: remote ISUP %s\n", tg->name,
		     st == ISUP_MTP_STATUS_UP_UNEQUIPPED ? "unequipped" : "unavailable");
		if (!tg->up_unavailable) {
			tg->up_unavailable = true;
			if (st == ISUP_MTP_STATUS_UP_UNAVAILABLE)
				t4_cb(tg);
		}
		break;
	}
}

int isup_group_query(struct isup_trunk *tg, uint16_t first, uint8_t range)
{
	if (range > 31 || !isup_trunk_circuit(tg, first))
		return -EINVAL;
	if (tg->cqm.pending)
		return -EBUSY;
	struct isup_msg m;
	struct isup_range_status rs = { .range = range };
	isup_msg_init(&m, tg->variant, ISUP_MT_CQM, first);
	isup_msg_put_rs(&m, &rs);
	tg->cqm.pending = true;
	tg->cqm.cic = first;
	memset(&tg->cqm.cs, 0, sizeof(tg->cqm.cs));
	isup_timer_start(&tg->cqm.t28, tg->tdefs, 28);
	return isup_trunk_send(tg, &m);
}

void isup_ctr_inc(struct isup_trunk *tg, enum isup_trunk_ctr ctr)
{
	if (tg->ctrs)
		rate_ctr_inc(rate_ctr_group_get_ctr(tg->ctrs, ctr));
}

void isup_alert(struct isup_trunk *tg, uint16_t cic, const char *what)
{
	LOGP(isup_log_cat, LOGL_ERROR, "%s CIC %u: maintenance alert: %s\n", tg->name, cic, what);
	if (tg->user && tg->user->alert)
		tg->user->alert(tg, cic, what, tg->user_priv);
}

struct isup_trunk *isup_trunk_alloc(void *ctx, const char *name, enum isup_variant v, uint32_t opc, uint32_t dpc)
{
	struct isup_trunk *tg = talloc_zero(ctx, struct isup_trunk);
	if (!tg)
		return NULL;
	osmo_strlcpy(tg->name, name, sizeof(tg->name));
	tg->variant = v;
	tg->opc = opc;
	tg->dpc = dpc;
	tg->ni = MTP3_NI_NATIONAL;
	tg->sel = ISUP_SEL_CONTROLLED;
	tg->send_ucic = true;
	INIT_LLIST_HEAD(&tg->calls);
	INIT_LLIST_HEAD(&tg->list);
	osmo_timer_setup(&tg->t4, t4_cb, tg);
	osmo_timer_setup(&tg->t29, t29_cb, tg);
	osmo_timer_setup(&tg->t30, t30_cb, tg);
	osmo_timer_setup(&tg->cqm.t28, t28_cb, tg);
	tg->tdefs = isup_tdefs_alloc(tg, v == ISUP_VAR_ANSI);
	tg->ctrs = rate_ctr_group_alloc(tg, &trunk_ctrg_desc, trunk_idx++);
	if (tg->ctrs)
		rate_ctr_group_set_name(tg->ctrs, tg->name);
	if (!tg->tdefs) {
		talloc_free(tg);
		return NULL;
	}
	return tg;
}

int isup_trunk_add_range(struct isup_trunk *tg, uint16_t first, uint16_t last)
{
	if (first > last || last > isup_cic_max(tg->variant) || tg->n_ranges >= ISUP_TG_MAX_RANGES)
		return -EINVAL;
	for (unsigned i = 0; i < tg->n_ranges; i++)
		if (first <= tg->ranges[i].last && last >= tg->ranges[i].first)
			return -EEXIST;
	unsigned add = last - first + 1u;
	struct isup_circuit **nc = talloc_realloc(tg, tg->circuits, struct isup_circuit *, tg->n_circuits + add);
	if (!nc)
		return -ENOMEM;
	tg->circuits = nc;
	for (unsigned i = 0; i < add; i++) {
		struct isup_circuit *c = talloc_zero(tg, struct isup_circuit);
		if (!c || isup_circuit_init(c, tg, (uint16_t)(first + i))) {
			talloc_free(c);
			tg->n_circuits += i;
			return -ENOMEM;
		}
		tg->circuits[tg->n_circuits + i] = c;
	}
	tg->n_circuits += add;
	tg->ranges[tg->n_ranges].first = first;
	tg->ranges[tg->n_ranges].last = last;
	tg->n_ranges++;
	isup_grp_timers_setup(tg);
	return 0;
}

void isup_trunk_free(struct isup_trunk *tg)
{
	struct isup_call *call, *tmp;
	llist_for_each_entry_safe(call, tmp, &tg->calls, list)
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_REQUEST, NULL);
	for (unsigned i = 0; i < tg->n_circuits; i++)
		isup_circuit_fini(tg->circuits[i]);
	struct isup_grp_proc *g[] = { &tg->grs, &tg->cgb, &tg->cgu };
	for (unsigned i = 0; i < 3; i++) {
		osmo_timer_del(&g[i]->t_short);
		osmo_timer_del(&g[i]->t_long);
	}
	osmo_timer_del(&tg->t4);
	osmo_timer_del(&tg->t29);
	osmo_timer_del(&tg->t30);
	osmo_timer_del(&tg->cqm.t28);
	if (tg->ctrs)
		rate_ctr_group_free(tg->ctrs);
	llist_del(&tg->list);
	talloc_free(tg);
}

void isup_trunk_set_mtp(struct isup_trunk *tg, isup_mtp_transfer_fn fn, void *priv)
{
	tg->mtp_transfer = fn;
	tg->mtp_priv = priv;
}

void isup_trunk_set_user(struct isup_trunk *tg, const struct isup_user_ops *ops, void *priv)
{
	tg->user = ops;
	tg->user_priv = priv;
}

struct isup_circuit *isup_trunk_circuit(struct isup_trunk *tg, uint16_t cic)
{
	unsigned base = 0;
	for (unsigned i = 0; i < tg->n_ranges; i++) {
		if (cic >= tg->ranges[i].first && cic <= tg->ranges[i].last)
			return tg->circuits[base + cic - tg->ranges[i].first];
		base += tg->ranges[i].last - tg->ranges[i].first + 1u;
	}
	return NULL;
}

bool isup_trunk_controls(const struct isup_trunk *tg, uint16_t cic)
{
	bool even = !(cic & 1);
	return tg->opc > tg->dpc ? even : !even;
}

struct isup_circuit *isup_trunk_select(struct isup_trunk *tg, const struct isup_circuit *not_this)
{
	struct isup_circuit *best = NULL;
	for (unsigned i = 0; i < tg->n_circuits; i++) {
		struct isup_circuit *c = tg->circuits[i];
		if (c == not_this || !isup_circuit_available(c))
			continue;
		switch (tg->sel) {
		case ISUP_SEL_SEQUENTIAL:
			return c;
		case ISUP_SEL_LRU:
			if (!best || c->idle_since < best->idle_since)
				best = c;
			break;
		case ISUP_SEL_CONTROLLED:
			/* ours first, lowest up; then the others from the top down, away from the far end's picks */
			if (isup_trunk_controls(tg, c->cic))
				return c;
			best = c;
			break;
		}
	}
	return best;
}

int isup_trunk_send(struct isup_trunk *tg, const struct isup_msg *m)
{
	uint8_t b[ISUP_MSG_MAX_WIRE + 16];
	bool ansi = tg->variant == ISUP_VAR_ANSI;
	struct mtp3_label l = { .si = MTP3_SI_ISUP, .ni = tg->ni, .opc = tg->opc, .dpc = tg->dpc };
	/* SLS from the CIC: a circuit's messages take one link and stay in sequence */
	l.sls = (uint8_t)(ansi ? m->cic & 0x1f : m->cic & 0x0f);
	int h = mtp3_label_encode(&l, ansi, b, sizeof(b));
	if (h < 0)
		return -EINVAL;
	int n = isup_msg_encode(m, b + h, sizeof(b) - (size_t)h);
	if (n < 0) {
		LOGP(isup_log_cat, LOGL_ERROR, "%s CIC %u: cannot encode %s: %s\n", tg->name, m->cic,
		     isup_msg_abbr(tg->variant, m->type), isup_err_str(n));
		return -EINVAL;
	}
	isup_ctr_inc(tg, ISUP_CTR_TX_MSG);
	LOGP(isup_log_cat, LOGL_DEBUG, "%s CIC %u: tx %s\n", tg->name, m->cic, isup_msg_abbr(tg->variant, m->type));
	if (!tg->mtp_transfer)
		return -ENOTCONN;
	return tg->mtp_transfer(tg, b, (size_t)(h + n), tg->mtp_priv);
}

int isup_send_simple(struct isup_trunk *tg, uint8_t type, uint16_t cic)
{
	struct isup_msg m;
	isup_msg_init(&m, tg->variant, type, cic);
	return isup_trunk_send(tg, &m);
}

static int send_cause_msg(struct isup_trunk *tg, uint8_t type, uint16_t cic, uint8_t cause, const uint8_t *diag,
			  uint8_t diag_len)
{
	struct isup_msg m;
	struct isup_cause c = isup_cause_make(Q850_LOC_PUB_LOCAL, cause);
	if (diag_len > sizeof(c.diag))
		diag_len = sizeof(c.diag);
	memcpy(c.diag, diag, diag_len);
	c.diag_len = diag_len;
	isup_msg_init(&m, tg->variant, type, cic);
	isup_msg_put_cause(&m, &c);
	return isup_trunk_send(tg, &m);
}

/* ---- receive dispatcher ---- */

/* Q.764 2.9.5.1: unrecognized message: act on its message compatibility information */
static void rx_unrecognized(struct isup_trunk *tg, struct isup_circuit *c, const struct isup_msg *m)
{
	isup_ctr_inc(tg, ISUP_CTR_RX_UNRECOGNIZED);
	const struct isup_param *p = isup_msg_get(m, ISUP_PAR_MSG_COMPAT);
	struct isup_instr ii;
	uint8_t diag = m->type;
	if (!p || isup_instr_decode(isup_msg_pdata(m, p), (uint8_t)p->len, &ii)) {
		/* no instructions: discard and send confusion (cause 97) */
		send_cause_msg(tg, ISUP_MT_CFN, m->cic, Q850_MESSAGE_TYPE_NONEXISTENT, &diag, 1);
		return;
	}
	if (ISUP_II_RELEASE(ii.oct[0])) {
		if (c && c->call)
			isup_call_proto_release(c->call, Q850_MESSAGE_TYPE_NONEXISTENT);
		return;
	}
	/* discard the message; notify with CFN if asked to */
	if (ISUP_II_NOTIFY(ii.oct[0]))
		send_cause_msg(tg, ISUP_MT_CFN, m->cic, Q850_MESSAGE_TYPE_NONEXISTENT, &diag, 1);
}

/* Q.764 2.9.5.2: unrecognized parameters, handled by the parameter compatibility information.
 * Returns true when the message is to be dropped (the call may have been released). */
static bool rx_unrecognized_params(struct isup_trunk *tg, struct isup_circuit *c, struct isup_msg *m)
{
	struct isup_par_compat pci = { 0 };
	const struct isup_param *pp = isup_msg_get(m, ISUP_PAR_PAR_COMPAT);
	if (pp)
		isup_pci_decode(isup_msg_pdata(m, pp), (uint8_t)pp->len, &pci);
	uint8_t notify[ISUP_MAX_PARAMS];
	unsigned n_notify = 0;
	bool release = false, drop = false;
	for (unsigned i = m->n_mand; i < m->n_params && !release && !drop;) {
		uint8_t code = m->params[i].code;
		if (isup_par_known(tg->variant, code)) {
			i++;
			continue;
		}
		isup_ctr_inc(tg, ISUP_CTR_RX_UNRECOGNIZED);
		/* default without instructions: discard the parameter and notify */
		uint8_t o = 0x10 | 0x04;
		for (unsigned k = 0; k < pci.n; k++)
			if (pci.e[k].code == code)
				o = pci.e[k].ii.oct[0];
		if (ISUP_II_RELEASE(o)) {
			release = true;
		} else if (ISUP_II_DISCARD_MSG(o)) {
			drop = true;
		} else if (ISUP_II_PCI_DISCARD_PAR(o)) {
			isup_msg_del(m, code);
			if (ISUP_II_NOTIFY(o))
				notify[n_notify++] = code;
			continue; /* the next parameter moved into slot i */
		} else if (ISUP_II_NOTIFY(o)) {
			notify[n_notify++] = code;
		}
		i++;
	}
	if (release) {
		LOGPFSML(c->fi, LOGL_NOTICE, "unrecognized parameter with 'release call': releasing (cause 99)\n");
		if (c->call)
			isup_call_proto_release(c->call, Q850_PARAMETER_NONEXISTENT);
		return true;
	}
	/* no confusion in answer to messages that end or confuse things already */
	bool may_notify = m->type != ISUP_MT_REL && m->type != ISUP_MT_RLC && m->type != ISUP_MT_CFN;
	if (n_notify && may_notify) {
		struct isup_msg cfn;
		struct isup_cause cause = isup_cause_make(Q850_LOC_PUB_LOCAL, Q850_PARAMETER_NONEXISTENT);
		memcpy(cause.diag, notify, n_notify > sizeof(cause.diag) ? sizeof(cause.diag) : n_notify);
		cause.diag_len = (uint8_t)(n_notify > sizeof(cause.diag) ? sizeof(cause.diag) : n_notify);
		isup_msg_init(&cfn, tg->variant, ISUP_MT_CFN, m->cic);
		isup_msg_put_cause(&cfn, &cause);
		isup_trunk_send(tg, &cfn);
	}
	return drop;
}

int isup_trunk_rx(struct isup_trunk *tg, const uint8_t *data, size_t len)
{
	struct isup_msg m;
	int rc = isup_msg_decode(&m, tg->variant, data, len);
	isup_ctr_inc(tg, ISUP_CTR_RX_MSG);
	if (rc == ISUP_ERR_SHORT) {
		isup_ctr_inc(tg, ISUP_CTR_RX_DECODE_ERR);
		return -EINVAL;
	}
	struct isup_circuit *c = isup_trunk_circuit(tg, m.cic);
	if (!c) {
		/* Q.764 2.12: a CIC we do not have: UCIC (ITU, if configured) or discard */
		isup_ctr_inc(tg, ISUP_CTR_RX_UNKNOWN_CIC);
		LOGP(isup_log_cat, LOGL_NOTICE, "%s: message type 0x%02x for unknown CIC %u\n", tg->name, m.type,
		     m.cic);
		if (tg->send_ucic && tg->variant == ISUP_VAR_ITU && m.type != ISUP_MT_UCIC) {
			isup_ctr_inc(tg, ISUP_CTR_UCIC_TX);
			isup_send_simple(tg, ISUP_MT_UCIC, m.cic);
		}
		return 0;
	}
	if (rc == ISUP_ERR_UNKNOWN_MSG) {
		rx_unrecognized(tg, c, &m);
		return 0;
	}
	if (rc) {
		isup_ctr_inc(tg, ISUP_CTR_RX_DECODE_ERR);
		LOGPFSML(c->fi, LOGL_NOTICE, "format error in message type 0x%02x: %s\n", m.type, isup_err_str(rc));
		/* a REL must still release: act on it with cause 31 (Q.764 2.9.5.3) */
		if (len >= 3 && data[2] == ISUP_MT_REL) {
			isup_msg_init(&m, tg->variant, ISUP_MT_REL, m.cic);
			struct isup_cause cause = isup_cause_make(Q850_LOC_PUB_LOCAL, Q850_NORMAL_UNSPECIFIED);
			isup_msg_put_cause(&m, &cause);
		} else {
			return -EINVAL;
		}
	}
	LOGPFSML(c->fi, LOGL_DEBUG, "rx %s\n", isup_msg_abbr(tg->variant, m.type));
	if (tg->up_unavailable) {
		/* Q.764 2.14.2: any message from the far ISUP shows it is back */
		LOGP(isup_log_cat, LOGL_NOTICE, "%s: remote ISUP available again\n", tg->name);
		tg->up_unavailable = false;
		osmo_timer_del(&tg->t4);
	}
	if (tg->variant == ISUP_VAR_ITU && rx_unrecognized_params(tg, c, &m))
		return 0;
	if (m.type == ISUP_MT_REL) {
		/* Q.764 2.11: automatic congestion level in a REL */
		struct isup_u8 acl;
		if (!tg->acc_disabled && !isup_msg_get_bits(&m, ISUP_PAR_ACL, &acl))
			acc_indication(tg, acl.value);
	}

	switch (m.type) {
	case ISUP_MT_BLO:
	case ISUP_MT_UBL:
	case ISUP_MT_BLA:
	case ISUP_MT_UBA:
	case ISUP_MT_RSC:
	case ISUP_MT_UCIC:
		isup_cic_rx(c, &m);
		return 0;
	case ISUP_MT_GRS:
	case ISUP_MT_GRA:
	case ISUP_MT_CGB:
	case ISUP_MT_CGU:
	case ISUP_MT_CGBA:
	case ISUP_MT_CGUA:
	case ISUP_MT_CQM:
	case ISUP_MT_CQR:
		isup_rx_group(tg, &m);
		return 0;
	case ISUP_MT_UPT:
		/* Q.764 2.14.3: answer a user part test */
		if (tg->variant == ISUP_VAR_ITU)
			isup_send_simple(tg, ISUP_MT_UPA, m.cic);
		return 0;
	case ISUP_MT_UPA:
		return 0;
	case ISUP_MT_CVT: {
		/* T1.113: circuit validation test: we have it, and say how it is configured */
		struct isup_msg a;
		struct isup_cvr_resp r = { .response = 1 };
		struct isup_cg_char g = { .double_seizure = isup_trunk_controls(tg, c->cic) ? 2 : 1 };
		isup_msg_init(&a, tg->variant, ISUP_MT_CVR, c->cic);
		isup_msg_put_bits(&a, ISUP_PAR_ANSI_CVR_RESP_IND, &r);
		isup_msg_put_bits(&a, ISUP_PAR_ANSI_CG_CHAR_IND, &g);
		isup_trunk_send(tg, &a);
		return 0;
	}
	case ISUP_MT_CRM:
		/* T1.113: circuit reservation ahead of the IAM: acknowledge if the circuit can take a call */
		if (isup_cic_state(c) == ISUP_CIC_ST_IDLE && !(c->blk & ISUP_BLK_LOCAL) && !c->call)
			isup_send_simple(tg, ISUP_MT_CRA, c->cic);
		else
			isup_ctr_inc(tg, ISUP_CTR_RX_UNEXPECTED);
		return 0;
	case ISUP_MT_CRA:
	case ISUP_MT_CVR:
		return 0;
	case ISUP_MT_RLC:
		/* an RLC for a call goes to the call: the answer to our REL, or one without it (Q.764 2.9.5.1 c) */
		if (c->rsc_pending || !c->call) {
			isup_cic_rx(c, &m);
			return 0;
		}
		break;
	default:
		break;
	}

	if (m.type == ISUP_MT_IAM) {
		if (c->call && isup_call_is_outgoing_setup(c->call)) {
			/* Q.764 2.9.1.4: dual seizure; the controlling exchange keeps its call */
			isup_ctr_inc(tg, ISUP_CTR_DUAL_SEIZURE);
			if (isup_trunk_controls(tg, c->cic)) {
				LOGPFSML(c->fi, LOGL_NOTICE,
					 "dual seizure: we control this CIC, incoming IAM ignored\n");
				return 0;
			}
			LOGPFSML(c->fi, LOGL_NOTICE, "dual seizure: the far end controls this CIC, backing off\n");
			isup_call_dual_seizure(c->call);
		} else if (c->call || isup_cic_state(c) != ISUP_CIC_ST_IDLE) {
			LOGPFSML(c->fi, LOGL_NOTICE, "IAM on a circuit in state %s: resetting it\n",
				 isup_cic_state_name(isup_cic_state(c)));
			isup_ctr_inc(tg, ISUP_CTR_RX_UNEXPECTED);
			isup_circuit_reset_ex(c, false);
			return 0;
		}
		if (c->blk & ISUP_BLK_LOCAL) {
			/* Q.764 2.8.2.3: IAM on a circuit we blocked: remind the far end, drop the IAM */
			LOGPFSML(c->fi, LOGL_NOTICE, "IAM on a locally blocked circuit: re-sending BLO\n");
			isup_ctr_inc(tg, ISUP_CTR_RX_UNEXPECTED);
			isup_send_simple(tg, ISUP_MT_BLO, c->cic);
			return 0;
		}
		/* an IAM removes remote maintenance blocking (Q.764 2.8.2.3) */
		c->blk &= (uint8_t)~ISUP_BLK_REMOTE_MAINT;
		isup_call_incoming(tg, c, &m);
		return 0;
	}

	if (c->call) {
		isup_call_rx(c->call, &m);
		return 0;
	}

	/* Q.764 2.10.5: call messages on an idle circuit are unreasonable: reset the circuit */
	isup_ctr_inc(tg, ISUP_CTR_RX_UNEXPECTED);
	switch (m.type) {
	case ISUP_MT_REL:
		/* answer it: the far end wants the circuit idle */
		isup_send_simple(tg, ISUP_MT_RLC, c->cic);
		return 0;
	case ISUP_MT_CFN:
	case ISUP_MT_OLM:
	case ISUP_MT_LPA:
	case ISUP_MT_CCR:
	case ISUP_MT_CRG:
		return 0;
	default:
		if (isup_cic_state(c) == ISUP_CIC_ST_IDLE) {
			LOGPFSML(c->fi, LOGL_NOTICE, "%s on an idle circuit: resetting it\n",
				 isup_msg_abbr(tg->variant, m.type));
			isup_circuit_reset_ex(c, false);
		}
		return 0;
	}
}
