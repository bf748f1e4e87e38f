/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Circuit group procedures (Q.764 2.8, 2.9.3): group reset (GRS/GRA), group blocking and unblocking
 * (CGB/CGBA, CGU/CGUA; maintenance and hardware oriented) and the circuit group query (CQM/CQR), those we
 * start (repeated on T22/T23, T18/T19, T20/T21, alerted on the long timer) and those we receive. */

#include <errno.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "isup_cc.h"
#include "isup_cc_int.h"

/* ---- group procedures we start ---- */

void isup_grp_send(struct isup_trunk *tg, struct isup_grp_proc *g)
{
	struct isup_msg m;
	isup_msg_init(&m, tg->variant, g->type, g->cic);
	if (g->type != ISUP_MT_GRS) {
		struct isup_cgsmt t = { .type = g->cgsmt };
		isup_msg_put_bits(&m, ISUP_PAR_CGSMT, &t);
	}
	isup_msg_put_rs(&m, &g->rs);
	isup_trunk_send(tg, &m);
}

int isup_grp_T(const struct isup_grp_proc *g, bool long_timer)
{
	switch (g->type) {
	case ISUP_MT_GRS:
		return long_timer ? 23 : 22;
	case ISUP_MT_CGB:
		return long_timer ? 19 : 18;
	default:
		return long_timer ? 21 : 20;
	}
}

static struct isup_trunk *grp_trunk(struct isup_grp_proc *g)
{
	/* the three procedures live in the trunk struct: find it from the member */
	return g->type == ISUP_MT_GRS ? container_of(g, struct isup_trunk, grs) :
	       g->type == ISUP_MT_CGB ? container_of(g, struct isup_trunk, cgb) :
					container_of(g, struct isup_trunk, cgu);
}

static void grp_short_cb(void *data)
{
	struct isup_grp_proc *g = data;
	struct isup_trunk *tg = grp_trunk(g);
	LOGP(isup_log_cat, LOGL_NOTICE, "%s CIC %u: T%d expired: repeating %s\n", tg->name, g->cic,
	     isup_grp_T(g, false), isup_msg_abbr(tg->variant, g->type));
	isup_grp_send(tg, g);
	isup_timer_start(&g->t_short, tg->tdefs, isup_grp_T(g, false));
}

static void grp_long_cb(void *data)
{
	struct isup_grp_proc *g = data;
	struct isup_trunk *tg = grp_trunk(g);
	char what[48];
	snprintf(what, sizeof(what), "no acknowledgement of %s (T%d)", isup_msg_abbr(tg->variant, g->type),
		 isup_grp_T(g, true));
	isup_alert(tg, g->cic, what);
	osmo_timer_del(&g->t_short);
	isup_grp_send(tg, g);
	isup_timer_start(&g->t_long, tg->tdefs, isup_grp_T(g, true));
}

void isup_grp_timers_setup(struct isup_trunk *tg)
{
	struct isup_grp_proc *g[] = { &tg->grs, &tg->cgb, &tg->cgu };
	uint8_t types[] = { ISUP_MT_GRS, ISUP_MT_CGB, ISUP_MT_CGU };
	for (unsigned i = 0; i < 3; i++) {
		g[i]->type = types[i];
		if (!g[i]->t_short.cb) {
			osmo_timer_setup(&g[i]->t_short, grp_short_cb, g[i]);
			osmo_timer_setup(&g[i]->t_long, grp_long_cb, g[i]);
		}
	}
}

static void grp_stop(struct isup_grp_proc *g)
{
	g->active = false;
	osmo_timer_del(&g->t_short);
	osmo_timer_del(&g->t_long);
}

/* with_status: the status bits name the existing circuits of the range, or with only_blk only those with
 * one of these blocking flags; cgsmt: the CGB/CGU type (maintenance 0, hardware 1) of every message */
static int grp_start(struct isup_trunk *tg, struct isup_grp_proc *g, uint16_t first, uint8_t range, bool with_status,
		     uint8_t cgsmt, uint8_t only_blk)
{
	/* Q.764 2.9.3: a group message covers at most 32 circuits (range 0..31) */
	if (range > 31 || !isup_trunk_circuit(tg, first))
		return -EINVAL;
	if (g->active)
		return -EBUSY;
	g->active = true;
	g->cic = first;
	g->cgsmt = cgsmt;
	memset(&g->rs, 0, sizeof(g->rs));
	g->rs.range = range;
	if (with_status) {
		g->rs.status_len = isup_rs_status_len(range);
		for (unsigned i = 0; i <= range; i++) {
			const struct isup_circuit *c = isup_trunk_circuit(tg, (uint16_t)(first + i));
			isup_rs_set_bit(&g->rs, i, c && (!only_blk || (c->blk & only_blk)));
		}
	}
	isup_grp_send(tg, g);
	isup_timer_start(&g->t_short, tg->tdefs, isup_grp_T(g, false));
	isup_timer_start(&g->t_long, tg->tdefs, isup_grp_T(g, true));
	return 0;
}

int isup_group_reset(struct isup_trunk *tg, uint16_t first, uint8_t range)
{
	if (range < 1 || range > 31 || !isup_trunk_circuit(tg, first))
		return -EINVAL;
	if (tg->grs.active)
		return -EBUSY;
	for (unsigned i = 0; i <= range; i++) {
		struct isup_circuit *c = isup_trunk_circuit(tg, (uint16_t)(first + i));
		if (!c)
			continue;
		if (c->call)
			isup_call_circuit_reset(c->call, false);
		osmo_fsm_inst_dispatch(c->fi, ISUP_CIC_EV_RESET_START, NULL);
	}
	return grp_start(tg, &tg->grs, first, range, false, 0, 0);
}

/* Blocking and unblocking the same group: the one started last wins and the other's repetition stops
 * (T18/T19 when CGU is sent, T20/T21 when CGB is), else a late repeat would undo it at the far end. */
static void grp_supersede(struct isup_trunk *tg, struct isup_grp_proc *g, uint16_t first, uint8_t range)
{
	if (!g->active || g->cic != first || g->rs.range != range)
		return;
	LOGP(isup_log_cat, LOGL_INFO, "%s CIC %u: %s procedure abandoned, superseded\n", tg->name, first,
	     isup_msg_abbr(tg->variant, g->type));
	grp_stop(g);
}

int isup_group_block(struct isup_trunk *tg, uint16_t first, uint8_t range, bool hw)
{
	grp_supersede(tg, &tg->cgu, first, range);
	int rc = grp_start(tg, &tg->cgb, first, range, true, hw, 0);
	if (rc)
		return rc;
	for (unsigned i = 0; i <= range; i++) {
		struct isup_circuit *c = isup_trunk_circuit(tg, (uint16_t)(first + i));
		if (!c)
			continue;
		c->blk |= hw ? ISUP_BLK_LOCAL_HW : ISUP_BLK_LOCAL_MAINT;
		/* Q.764 2.8.2.2: hardware failure oriented blocking releases the calls */
		if (hw && c->call)
			isup_call_circuit_hw_blocked(c->call);
	}
	if (!hw)
		isup_maint_changed(tg);
	return 0;
}

int isup_group_unblock(struct isup_trunk *tg, uint16_t first, uint8_t range, bool hw)
{
	grp_supersede(tg, &tg->cgb, first, range);
	int rc = grp_start(tg, &tg->cgu, first, range, true, hw, 0);
	if (rc)
		return rc;
	for (unsigned i = 0; i <= range; i++) {
		struct isup_circuit *c = isup_trunk_circuit(tg, (uint16_t)(first + i));
		if (c)
			c->blk &= (uint8_t) ~(hw ? ISUP_BLK_LOCAL_HW : ISUP_BLK_LOCAL_MAINT);
	}
	if (!hw)
		isup_maint_changed(tg);
	return 0;
}

int isup_trunk_reset_all(struct isup_trunk *tg)
{
	/* one GRS at a time: the rest follow as each GRA arrives (see rx_gra) */
	tg->reset_all = true;
	for (unsigned r = 0; r < tg->n_ranges; r++) {
		uint16_t first = tg->ranges[r].first;
		unsigned n = tg->ranges[r].last - first + 1u;
		if (n == 1)
			return isup_circuit_reset(tg, first);
		return isup_group_reset(tg, first, (uint8_t)((n > 32 ? 32 : n) - 1));
	}
	return -ENODEV;
}

/* next block of circuits still to be reset after a GRA (reset_all continues range by range) */
static void reset_all_continue(struct isup_trunk *tg, uint16_t done_first, uint8_t done_range)
{
	uint16_t next = (uint16_t)(done_first + done_range + 1);
	if (!tg->reset_all)
		return;
	tg->reset_all = false; /* set again below if there is more to do */
	for (unsigned r = 0; r < tg->n_ranges; r++) {
		uint16_t first = tg->ranges[r].first, last = tg->ranges[r].last;
		if (done_first >= first && done_first <= last) {
			if (next <= last) {
				unsigned n = last - next + 1u;
				tg->reset_all = true;
				if (n == 1)
					isup_circuit_reset(tg, next);
				else
					isup_group_reset(tg, next, (uint8_t)((n > 32 ? 32 : n) - 1));
			} else if (r + 1 < tg->n_ranges) {
				uint16_t f = tg->ranges[r + 1].first;
				tg->reset_all = true;
				unsigned n = tg->ranges[r + 1].last - f + 1u;
				if (n == 1)
					isup_circuit_reset(tg, f);
				else
					isup_group_reset(tg, f, (uint8_t)((n > 32 ? 32 : n) - 1));
			}
			return;
		}
	}
}

/* ---- group messages received ---- */

/* After a group reset either way, hardware failure oriented blocking (which only a group message carries)
 * is told again: a CGB of hardware type naming the circuits of the range we still hold blocked. A pending
 * CGB of the same range is replaced; while one of another range runs, this one cannot be sent (one CGB
 * procedure at a time): a maintenance alert says so. */
static void hw_reblock(struct isup_trunk *tg, uint16_t first, uint8_t range)
{
	if (tg->cgb.active && tg->cgb.cic == first && tg->cgb.rs.range == range)
		grp_stop(&tg->cgb);
	if (grp_start(tg, &tg->cgb, first, range, true, 1, ISUP_BLK_LOCAL_HW) == 0)
		LOGP(isup_log_cat, LOGL_INFO, "%s CIC %u: circuits still hardware blocked after the group reset: CGB\n",
		     tg->name, first);
	else
		isup_alert(tg, first, "hardware blocking not told again after the group reset (another CGB running)");
}

static void rx_grs(struct isup_trunk *tg, const struct isup_msg *m, const struct isup_range_status *rs)
{
	/* Q.764 2.10.3.2: reset every circuit of the range; GRA tells which we hold blocked */
	struct isup_range_status ack = { .range = rs->range, .status_len = isup_rs_status_len(rs->range) };
	isup_ctr_inc(tg, ISUP_CTR_GRS_RX);
	for (unsigned i = 0; i <= rs->range; i++) {
		struct isup_circuit *c = isup_trunk_circuit(tg, (uint16_t)(m->cic + i));
		if (!c)
			continue;
		if (c->call)
			isup_call_circuit_reset(c->call, true);
		isup_cic_cot_clear(c);
		c->blk &= (uint8_t)~ISUP_BLK_REMOTE_MAINT;
		if (isup_cic_state(c) == ISUP_CIC_ST_RESET && !c->rsc_pending && !tg->grs.active)
			osmo_fsm_inst_dispatch(c->fi, ISUP_CIC_EV_RESET_DONE, NULL);
		else if (isup_cic_state(c) != ISUP_CIC_ST_RESET)
			osmo_fsm_inst_dispatch(c->fi, ISUP_CIC_EV_RELEASED, NULL);
		isup_rs_set_bit(&ack, i, c->blk & ISUP_BLK_LOCAL_MAINT);
	}
	struct isup_msg a;
	isup_msg_init(&a, tg->variant, ISUP_MT_GRA, m->cic);
	isup_msg_put_rs(&a, &ack);
	isup_trunk_send(tg, &a);
	for (unsigned i = 0; i <= rs->range; i++) {
		const struct isup_circuit *c = isup_trunk_circuit(tg, (uint16_t)(m->cic + i));
		if (c && (c->blk & ISUP_BLK_LOCAL_HW)) {
			hw_reblock(tg, m->cic, rs->range);
			break;
		}
	}
}

static void rx_gra(struct isup_trunk *tg, const struct isup_msg *m, const struct isup_range_status *rs)
{
	struct isup_grp_proc *g = &tg->grs;
	if (!g->active || g->cic != m->cic || g->rs.range != rs->range) {
		LOGP(isup_log_cat, LOGL_NOTICE, "%s CIC %u: GRA without matching GRS, discarded\n", tg->name, m->cic);
		isup_ctr_inc(tg, ISUP_CTR_RX_UNEXPECTED);
		return;
	}
	grp_stop(g);
	bool hw = false;
	for (unsigned i = 0; i <= rs->range; i++) {
		struct isup_circuit *c = isup_trunk_circuit(tg, (uint16_t)(m->cic + i));
		if (!c)
			continue;
		/* the status bits say which circuits the far end holds blocked for maintenance */
		if (isup_rs_bit(rs, i))
			c->blk |= ISUP_BLK_REMOTE_MAINT;
		else
			c->blk &= (uint8_t)~ISUP_BLK_REMOTE_MAINT;
		if (!c->rsc_pending)
			osmo_fsm_inst_dispatch(c->fi, ISUP_CIC_EV_RESET_DONE, NULL);
		/* our own blocking does not survive the far end's reset view: tell it again */
		if ((c->blk & ISUP_BLK_LOCAL_MAINT) && !c->blo_pending)
			isup_circuit_block(tg, c->cic);
		if (c->blk & ISUP_BLK_LOCAL_HW)
			hw = true;
	}
	if (hw)
		hw_reblock(tg, m->cic, rs->range);
	reset_all_continue(tg, m->cic, rs->range);
}

static void rx_cgb_cgu(struct isup_trunk *tg, const struct isup_msg *m, const struct isup_range_status *rs)
{
	struct isup_cgsmt t;
	if (isup_msg_get_bits(m, ISUP_PAR_CGSMT, &t) || t.type > 1 || !rs->status_len) {
		isup_ctr_inc(tg, ISUP_CTR_RX_DECODE_ERR);
		return;
	}
	bool block = m->type == ISUP_MT_CGB;
	uint8_t flag = t.type ? ISUP_BLK_REMOTE_HW : ISUP_BLK_REMOTE_MAINT;
	struct isup_range_status ack = { .range = rs->range, .status_len = rs->status_len };
	for (unsigned i = 0; i <= rs->range; i++) {
		if (!isup_rs_bit(rs, i))
			continue;
		struct isup_circuit *c = isup_trunk_circuit(tg, (uint16_t)(m->cic + i));
		if (!c)
			continue;
		if (block) {
			c->blk |= flag;
			if (c->call) {
				if (t.type)
					isup_call_circuit_hw_blocked(c->call);
				else
					isup_call_circuit_blocked(c->call);
			}
		} else {
			c->blk &= (uint8_t)~flag;
		}
		isup_rs_set_bit(&ack, i, true);
	}
	struct isup_msg a;
	isup_msg_init(&a, tg->variant, block ? ISUP_MT_CGBA : ISUP_MT_CGUA, m->cic);
	isup_msg_put_bits(&a, ISUP_PAR_CGSMT, &t);
	isup_msg_put_rs(&a, &ack);
	isup_trunk_send(tg, &a);
}

static void rx_cgba_cgua(struct isup_trunk *tg, const struct isup_msg *m, const struct isup_range_status *rs)
{
	struct isup_grp_proc *g = m->type == ISUP_MT_CGBA ? &tg->cgb : &tg->cgu;
	struct isup_cgsmt t = { 0 };
	isup_msg_get_bits(m, ISUP_PAR_CGSMT, &t);
	if (!g->active || g->cic != m->cic || g->rs.range != rs->range || g->cgsmt != t.type) {
		LOGP(isup_log_cat, LOGL_NOTICE, "%s CIC %u: %s without matching request, discarded\n", tg->name, m->cic,
		     isup_msg_abbr(tg->variant, m->type));
		isup_ctr_inc(tg, ISUP_CTR_RX_UNEXPECTED);
		return;
	}
	grp_stop(g);
	if (rs->status_len != g->rs.status_len || memcmp(rs->status, g->rs.status, rs->status_len)) {
		/* Q.764 2.8.3: acknowledgement does not match the request: the maintenance system decides */
		isup_alert(tg, m->cic, "group (un)blocking acknowledgement does not match the request");
	}
}

static void rx_cqm(struct isup_trunk *tg, const struct isup_msg *m, const struct isup_range_status *rs)
{
	struct isup_circ_state cs = { .n = (uint8_t)(rs->range + 1) };
	if (cs.n > ISUP_CSI_MAX)
		return;
	for (unsigned i = 0; i <= rs->range; i++)
		cs.st[i] = isup_cic_state_octet(isup_trunk_circuit(tg, (uint16_t)(m->cic + i)));
	struct isup_msg a;
	uint8_t buf[ISUP_CSI_MAX];
	struct isup_range_status r = { .range = rs->range };
	isup_msg_init(&a, tg->variant, ISUP_MT_CQR, m->cic);
	isup_msg_put_rs(&a, &r);
	int n = isup_csi_encode(&cs, buf, sizeof(buf));
	isup_msg_set(&a, ISUP_PAR_CIRC_STATE, buf, (uint8_t)n);
	isup_trunk_send(tg, &a);
}

void isup_rx_group(struct isup_trunk *tg, const struct isup_msg *m)
{
	struct isup_range_status rs;
	if (isup_msg_get_rs(m, &rs) || rs.range > 31 || (m->type == ISUP_MT_GRS && rs.range < 1)) {
		/* Q.764 2.9.3: a range out of bounds makes the group message unreasonable: discard */
		LOGP(isup_log_cat, LOGL_NOTICE, "%s CIC %u: %s with bad range and status, discarded\n", tg->name,
		     m->cic, isup_msg_abbr(tg->variant, m->type));
		isup_ctr_inc(tg, ISUP_CTR_RX_DECODE_ERR);
		return;
	}
	switch (m->type) {
	case ISUP_MT_GRS:
		rx_grs(tg, m, &rs);
		break;
	case ISUP_MT_GRA:
		rx_gra(tg, m, &rs);
		break;
	case ISUP_MT_CGB:
	case ISUP_MT_CGU:
		rx_cgb_cgu(tg, m, &rs);
		break;
	case ISUP_MT_CGBA:
	case ISUP_MT_CGUA:
		rx_cgba_cgua(tg, m, &rs);
		break;
	case ISUP_MT_CQM:
		rx_cqm(tg, m, &rs);
		break;
	case ISUP_MT_CQR: {
		const struct isup_param *p = isup_msg_get(m, ISUP_PAR_CIRC_STATE);
		if (!tg->cqm.pending || tg->cqm.cic != m->cic || !p) {
			isup_ctr_inc(tg, ISUP_CTR_RX_UNEXPECTED);
			break;
		}
		osmo_timer_del(&tg->cqm.t28);
		tg->cqm.pending = false;
		isup_csi_decode(isup_msg_pdata(m, p), (uint8_t)p->len, &tg->cqm.cs);
		break;
	}
	default:
		break;
	}
}
