/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trunk registry and the text of the show commands. */

#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "isup_cc_int.h"
#include "isup_net.h"

struct isup_net *isup_net_alloc(void *ctx)
{
	struct isup_net *net = talloc_zero(ctx, struct isup_net);
	if (!net)
		return NULL;
	net->ctx = net;
	INIT_LLIST_HEAD(&net->trunks);
	return net;
}

struct isup_trunk *isup_net_trunk_find(struct isup_net *net, const char *name)
{
	struct isup_trunk *tg;
	llist_for_each_entry(tg, &net->trunks, list)
		if (!strcmp(tg->name, name))
			return tg;
	return NULL;
}

struct isup_trunk *isup_net_trunk_get(struct isup_net *net, const char *name)
{
	struct isup_trunk *tg = isup_net_trunk_find(net, name);
	if (tg)
		return tg;
	tg = isup_trunk_alloc(net->ctx, name, ISUP_VAR_ITU, 0, 0);
	if (!tg)
		return NULL;
	isup_trunk_set_mtp(tg, net->mtp, net->mtp_priv);
	isup_trunk_set_user(tg, net->user, net->user_priv);
	tg->reset_on_start = net->reset_on_start;
	llist_add_tail(&tg->list, &net->trunks);
	return tg;
}

static const char *blk_str(uint8_t blk, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s", blk & ISUP_BLK_LOCAL_MAINT ? " local-maint" : "",
		 blk & ISUP_BLK_LOCAL_HW ? " local-hw" : "", blk & ISUP_BLK_REMOTE_MAINT ? " remote-maint" : "",
		 blk & ISUP_BLK_REMOTE_HW ? " remote-hw" : "");
	return buf[0] ? buf + 1 : "-";
}

char *isup_show_trunk(void *ctx, const struct isup_trunk *tg)
{
	bool ansi = tg->variant == ISUP_VAR_ANSI;
	char opc[16], dpc[16];
	unsigned idle = 0, busy = 0, blocked = 0, calls = 0;
	for (unsigned i = 0; i < tg->n_circuits; i++) {
		const struct isup_circuit *c = tg->circuits[i];
		enum isup_cic_state st = (enum isup_cic_state)c->fi->state;
		if (c->blk || c->remote_unequipped)
			blocked++;
		if (st == ISUP_CIC_ST_IDLE)
			idle++;
		else if (st == ISUP_CIC_ST_BUSY_IN || st == ISUP_CIC_ST_BUSY_OUT)
			busy++;
	}
	struct isup_call *call;
	llist_for_each_entry(call, &((struct isup_trunk *)tg)->calls, list)
		calls++;
	char *s = talloc_asprintf(ctx, "trunk %s: %s, OPC %s DPC %s NI %u, %u circuits (%u idle, %u busy, %u blocked), "
				  "%u calls\n", tg->name, ansi ? "ANSI" : "ITU",
				  ss7_pc_str(tg->opc, ansi, opc, sizeof(opc)), ss7_pc_str(tg->dpc, ansi, dpc, sizeof(dpc)),
				  tg->ni, tg->n_circuits, idle, busy, blocked, calls);
	s = talloc_asprintf_append(s, "  signalling: %s%s, congestion level %u\n",
				   tg->mtp_paused ? "destination inaccessible" : "destination accessible",
				   tg->up_unavailable ? ", remote ISUP unavailable" : "", tg->acc_level);
	for (unsigned i = 0; i < tg->n_ranges; i++)
		s = talloc_asprintf_append(s, "  CICs %u-%u\n", tg->ranges[i].first, tg->ranges[i].last);
	return s;
}

char *isup_show_circuits(void *ctx, const struct isup_trunk *tg)
{
	char *s = talloc_asprintf(ctx, "trunk %s\n  CIC   state       blocking                 call\n", tg->name);
	for (unsigned i = 0; i < tg->n_circuits; i++) {
		const struct isup_circuit *c = tg->circuits[i];
		char b[64];
		s = talloc_asprintf_append(s, "  %-5u %-11s %-24s %s%s\n", c->cic,
					   isup_cic_state_name((enum isup_cic_state)c->fi->state),
					   blk_str(c->blk, b, sizeof(b)), c->call ? osmo_fsm_inst_name(c->call->fi) : "-",
					   c->remote_unequipped ? " (unequipped at far end)" : "");
	}
	return s;
}

char *isup_show_active_calls(void *ctx, const struct isup_trunk *tg)
{
	char *s = talloc_asprintf(ctx, "trunk %s calls\n", tg->name);
	struct isup_call *call;
	llist_for_each_entry(call, &((struct isup_trunk *)tg)->calls, list)
		s = talloc_asprintf_append(s, "  %s %s CIC %u state %s\n", osmo_fsm_inst_name(call->fi),
					   call->dir == ISUP_CALL_OUT ? "out" : "in", call->circ ? call->circ->cic : 0,
					   osmo_fsm_inst_state_name(call->fi));
	return s;
}
