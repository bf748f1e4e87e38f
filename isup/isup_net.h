/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The set of ISUP trunk groups of one application, with the hooks new trunks are wired to. */
#pragma once

#include <osmocom/core/linuxlist.h>

#include "isup_cc.h"

struct isup_net {
	void *ctx;
	struct llist_head trunks;		/* struct isup_trunk.list */
	isup_mtp_transfer_fn mtp;		/* given to every trunk */
	void *mtp_priv;
	const struct isup_user_ops *user;
	void *user_priv;
	bool reset_on_start;			/* GRS every circuit when the application starts */
};

struct isup_net *isup_net_alloc(void *ctx);
struct isup_trunk *isup_net_trunk_find(struct isup_net *net, const char *name);
struct isup_trunk *isup_net_trunk_get(struct isup_net *net, const char *name);	/* find or create (ITU, PCs 0) */
/* Text for show commands (talloc'd from ctx). */
char *isup_show_trunk(void *ctx, const struct isup_trunk *tg);
char *isup_show_circuits(void *ctx, const struct isup_trunk *tg);
char *isup_show_active_calls(void *ctx, const struct isup_trunk *tg);

/* VTY: config nodes "isup" and "isup" > "trunk NAME", show and maintenance commands. The node numbers
 * come from the application (its enum of nodes). */
void isup_vty_init(struct isup_net *net, int isup_node, int trunk_node);
