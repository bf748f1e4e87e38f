/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The set of ISUP trunk groups of one application, with the hooks new trunks are wired to. */
#pragma once

#include <osmocom/core/linuxlist.h>

#include "isup_cc.h"

struct ss7_router;
struct ss7_user;

struct isup_net {
	void *ctx;
	struct llist_head trunks; /* struct isup_trunk.list */
	isup_mtp_transfer_fn mtp; /* given to every trunk */
	void *mtp_priv;
	const struct isup_user_ops *user;
	void *user_priv;
	bool reset_on_start;	   /* GRS every circuit when the application starts */
	struct ss7_router *router; /* the MTP the trunks use (isup_net_attach_mtp) */
	struct ss7_user *mtp_user; /* ISUP, service indicator 5, on that MTP */
	uint64_t rx_no_trunk;	   /* ISUP MSUs whose point codes name none of the trunks */
	uint8_t own_acl;	   /* our congestion level, given to every trunk (isup_net_set_congestion) */
};

struct isup_net *isup_net_alloc(void *ctx);
/* ISUP becomes the MTP user of service indicator 5 on the router: MSUs go to the trunk whose point codes
 * they carry, MTP-PAUSE/RESUME/STATUS to the trunks toward the DPC, and every trunk (those made later
 * too) sends through the router. Either may be freed first: the net unregisters itself, the router
 * leaves the trunks without MTP. 0 or -errno. */
int isup_net_attach_mtp(struct isup_net *net, struct ss7_router *r);
struct isup_trunk *isup_net_trunk_find(struct isup_net *net, const char *name);
struct isup_trunk *isup_net_trunk_get(struct isup_net *net, const char *name); /* find or create (ITU, PCs 0) */
/* The application's own overload: level 1 or 2 travels as the automatic congestion level in every REL the
 * trunks send from now on (Q.764 2.11.1); 0 ends it. */
void isup_net_set_congestion(struct isup_net *net, uint8_t level);
/* Text for show commands (talloc'd from ctx). */
char *isup_show_trunk(void *ctx, const struct isup_trunk *tg);
char *isup_show_circuits(void *ctx, const struct isup_trunk *tg);
/* How a trunk's circuits stand: idle counts only the unblocked ones; blocked counts overlap the states. */
struct isup_circuit_counts {
	unsigned total, idle, busy, reset, blocked_local, blocked_remote;
};
void isup_trunk_circuit_counts(const struct isup_trunk *tg, struct isup_circuit_counts *n);
char *isup_show_active_calls(void *ctx, const struct isup_trunk *tg);

/* VTY: config nodes "isup" and "isup" > "trunk NAME", show and maintenance commands. The node numbers
 * come from the application (its enum of nodes). */
void isup_vty_init(struct isup_net *net, int isup_node, int trunk_node);
