/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trunk registry and the text of the show commands. */

#include <errno.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "isup_cc_int.h"
#include "isup_net.h"
#include "mtp/mtp3_route.h"

struct isup_net *isup_net_alloc(void *ctx)
{
	struct isup_net *net = talloc_zero(ctx, struct isup_net);
	if (!net)
		return NULL;
	net->ctx = net;
	INIT_LLIST_HEAD(&net->trunks);
	return net;
}

/* ---- ISUP as the MTP user of SI 5 ---- */

static int mtp_transfer_req(struct isup_trunk *tg, const uint8_t *msu, size_t len, void *priv)
{
	return ss7_router_transfer_req(priv, tg->variant == ISUP_VAR_ANSI, msu, len);
}

static void mtp_transfer_ind(const struct ss7_user *u, const struct mtp3_label *l, const uint8_t *data, size_t len)
{
	struct isup_net *net = u->priv;
	struct isup_trunk *tg;
	llist_for_each_entry(tg, &net->trunks, list) {
		/* an ITU and an ANSI network may use the same numbers: the trunk's variant is the label's */
		if (tg->dpc == l->opc && tg->opc == l->dpc && (tg->variant == ISUP_VAR_ANSI) == l->ansi) {
			isup_trunk_rx(tg, data, len);
			return;
		}
	}
	net->rx_no_trunk++;
	char opc[16], dpc[16];
	LOGP(isup_log_cat, LOGL_NOTICE, "ISUP (%s) from PC %s to PC %s: no trunk between them, discarded\n",
	     l->ansi ? "ANSI" : "ITU", ss7_pc_str(l->opc, l->ansi, opc, sizeof(opc)),
	     ss7_pc_str(l->dpc, l->ansi, dpc, sizeof(dpc)));
}

/* MTP-PAUSE/RESUME concern every trunk toward the destination */
static void trunks_toward(const struct ss7_user *u, uint32_t dpc, void (*fn)(struct isup_trunk *tg))
{
	struct isup_net *net = u->priv;
	struct isup_trunk *tg;
	llist_for_each_entry(tg, &net->trunks, list)
		if (tg->dpc == dpc)
			fn(tg);
}

static void mtp_pause_ind(const struct ss7_user *u, uint32_t dpc)
{
	trunks_toward(u, dpc, isup_trunk_mtp_pause);
}

static void mtp_resume_ind(const struct ss7_user *u, uint32_t dpc)
{
	trunks_toward(u, dpc, isup_trunk_mtp_resume);
}

static void mtp_status_ind(const struct ss7_user *u, uint32_t dpc, enum ss7_status st, unsigned info)
{
	struct isup_net *net = u->priv;
	struct isup_trunk *tg;
	enum isup_mtp_status ist = st == SS7_STATUS_CONGESTED	  ? ISUP_MTP_STATUS_CONGESTED :
				   st == SS7_STATUS_UP_UNEQUIPPED ? ISUP_MTP_STATUS_UP_UNEQUIPPED :
								    ISUP_MTP_STATUS_UP_UNAVAILABLE;
	llist_for_each_entry(tg, &net->trunks, list)
		if (tg->dpc == dpc)
			isup_trunk_mtp_status(tg, ist, st == SS7_STATUS_CONGESTED ? info : 0);
}

/* The user belongs to the router (freed with it); either may go first. The router going first leaves the
 * trunks without MTP; the net going first unregisters the user. */
static int mtp_user_destructor(struct ss7_user *u)
{
	struct isup_net *net = u->priv;
	if (!net)
		return 0;
	struct isup_trunk *tg;
	llist_for_each_entry(tg, &net->trunks, list)
		isup_trunk_set_mtp(tg, NULL, NULL);
	net->mtp = NULL;
	net->mtp_priv = NULL;
	net->router = NULL;
	net->mtp_user = NULL;
	return 0;
}

static int net_destructor(struct isup_net *net)
{
	if (net->mtp_user) {
		ss7_user_unregister(net->router, MTP3_SI_ISUP);
		net->mtp_user->priv = NULL;
	}
	return 0;
}

int isup_net_attach_mtp(struct isup_net *net, struct ss7_router *r)
{
	struct ss7_user *u = talloc_zero(r, struct ss7_user);
	if (!u)
		return -ENOMEM;
	*u = (struct ss7_user){ .name = "ISUP",
				.transfer_ind = mtp_transfer_ind,
				.pause_ind = mtp_pause_ind,
				.resume_ind = mtp_resume_ind,
				.status_ind = mtp_status_ind,
				.priv = net };
	int rc = ss7_user_register(r, MTP3_SI_ISUP, u);
	if (rc < 0) {
		talloc_free(u);
		return rc;
	}
	net->router = r;
	net->mtp_user = u;
	talloc_set_destructor(u, mtp_user_destructor);
	talloc_set_destructor(net, net_destructor);
	net->mtp = mtp_transfer_req;
	net->mtp_priv = r;
	struct isup_trunk *tg;
	llist_for_each_entry(tg, &net->trunks, list)
		isup_trunk_set_mtp(tg, net->mtp, net->mtp_priv);
	return 0;
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
	tg->own_acl = net->own_acl;
	llist_add_tail(&tg->list, &net->trunks);
	return tg;
}

void isup_net_set_congestion(struct isup_net *net, uint8_t level)
{
	struct isup_trunk *tg;
	net->own_acl = level > 2 ? 2 : level;
	llist_for_each_entry(tg, &net->trunks, list)
		tg->own_acl = net->own_acl;
}

static const char *blk_str(uint8_t blk, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s", blk & ISUP_BLK_LOCAL_MAINT ? " local-maint" : "",
		 blk & ISUP_BLK_LOCAL_HW ? " local-hw" : "", blk & ISUP_BLK_REMOTE_MAINT ? " remote-maint" : "",
		 blk & ISUP_BLK_REMOTE_HW ? " remote-hw" : "");
	return buf[0] ? buf + 1 : "-";
}

void isup_trunk_circuit_counts(const struct isup_trunk *tg, struct isup_circuit_counts *n)
{
	*n = (struct isup_circuit_counts){ .total = tg->n_circuits };
	for (unsigned i = 0; i < tg->n_circuits; i++) {
		const struct isup_circuit *c = tg->circuits[i];
		unsigned st = c->fi->state;
		n->idle += st == ISUP_CIC_ST_IDLE && !c->blk;
		n->busy += st == ISUP_CIC_ST_BUSY_IN || st == ISUP_CIC_ST_BUSY_OUT;
		n->reset += st == ISUP_CIC_ST_RESET;
		n->blocked_local += !!(c->blk & ISUP_BLK_LOCAL);
		n->blocked_remote += !!(c->blk & ISUP_BLK_REMOTE);
	}
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
	char *s = talloc_asprintf(ctx,
				  "trunk %s: %s, OPC %s DPC %s NI %u, %u circuits (%u idle, %u busy, %u blocked), "
				  "%u calls\n",
				  tg->name, ansi ? "ANSI" : "ITU", ss7_pc_str(tg->opc, ansi, opc, sizeof(opc)),
				  ss7_pc_str(tg->dpc, ansi, dpc, sizeof(dpc)), tg->ni, tg->n_circuits, idle, busy,
				  blocked, calls);
	s = talloc_asprintf_append(s, "  signalling: %s%s, congestion level %u (far end), %u (ours, sent as ACL)\n",
				   tg->mtp_paused ? "destination inaccessible" : "destination accessible",
				   tg->up_unavailable ? ", remote ISUP unavailable" : "", tg->acc_level, tg->own_acl);
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
		s = talloc_asprintf_append(
			s, "  %-5u %-11s %-24s %s%s\n", c->cic, isup_cic_state_name((enum isup_cic_state)c->fi->state),
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
