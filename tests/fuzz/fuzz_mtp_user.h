/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the M3UA and MTP2 fuzz targets share: the faked clock (fuzz_clock.h), and ISUP as the MTP user of SI 5 (an
 * isup_net attached to the router with one trunk, as the gateway wires it in main.c), so that DATA and MSUs that get
 * through the framing go on into call control, and call control's own messages go out through the router. */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "isup/isup.h"
#include "isup/isup_net.h"
#include "isup/mtp/mtp.h"
#include "fuzz_clock.h"

#define FZ_LOCAL_PC  1
#define FZ_REMOTE_PC 2

/* libosmocore quiet (a fuzzer logs millions of malformed messages), counters and FSMs registered */
static inline void *fz_init_osmo(const char *name)
{
	void *ctx = talloc_named_const(NULL, 0, name);
	osmo_init_logging2(ctx, NULL);
	log_set_log_level(osmo_stderr_target, LOGL_FATAL);
	log_set_category_filter(osmo_stderr_target, DLGLOBAL, 1, LOGL_FATAL);
	osmo_stats_init(ctx);
	rate_ctr_init(ctx);
	mtp_init(DLGLOBAL, DLGLOBAL);
	isup_cc_init(DLGLOBAL);
	fz_clock_init();
	return ctx;
}

/* ---- the ISUP user: takes some calls, refuses others, as the input's last op said ---- */

static uint8_t fz_isup_action;

static void fz_call_ind(struct isup_call *call, enum isup_prim prim, const struct isup_msg *m,
			const struct isup_cause *cause, void *priv)
{
	struct isup_cause c = isup_cause_make(0, 16);
	if (prim != ISUP_PRIM_SETUP)
		return;
	if (fz_isup_action & 1)
		isup_call_req(call, ISUP_PRIM_ALERTING, NULL);
	if (fz_isup_action & 2)
		isup_call_req(call, ISUP_PRIM_ANSWER, NULL);
	if (fz_isup_action & 4)
		isup_call_release_req(call, &c);
}

static void fz_cot_test(struct isup_trunk *tg, uint16_t cic, struct isup_call *call, void *priv)
{
	if (call)
		isup_call_cot_result(call, fz_isup_action & 8);
	else
		isup_circuit_cot_result(tg, cic, fz_isup_action & 8);
}

static const struct isup_user_ops fz_isup_ops = { .call_ind = fz_call_ind, .cot_test = fz_cot_test };

/* ISUP on the router: a net with one trunk of CICs 1-31 toward FZ_REMOTE_PC */
static inline struct isup_trunk *fz_isup_attach(void *ctx, struct ss7_router *r, struct isup_net **netp)
{
	struct isup_net *net = isup_net_alloc(ctx);
	net->user = &fz_isup_ops;
	if (isup_net_attach_mtp(net, r))
		abort();
	struct isup_trunk *tg =
		isup_trunk_alloc(net->ctx, "fz", r->ansi ? ISUP_VAR_ANSI : ISUP_VAR_ITU, FZ_LOCAL_PC, FZ_REMOTE_PC);
	isup_trunk_add_range(tg, 1, 31);
	isup_trunk_set_mtp(tg, net->mtp, net->mtp_priv);
	isup_trunk_set_user(tg, net->user, net->user_priv);
	llist_add_tail(&tg->list, &net->trunks);
	*netp = net;
	return tg;
}

/* the user's own traffic out through the router: resets, blocking, calls, releases */
static inline void fz_isup_out(struct isup_trunk *tg, uint8_t what)
{
	switch (what % 5) {
	case 0:
		isup_trunk_reset_all(tg);
		break;
	case 1:
		isup_circuit_block(tg, (uint16_t)(1 + (what >> 3) % 31));
		break;
	case 2:
		isup_circuit_unblock(tg, (uint16_t)(1 + (what >> 3) % 31));
		break;
	case 3: {
		struct isup_msg iam;
		const char *line =
			tg->variant == ISUP_VAR_ANSI ?
				"IAM cic=0 nci.cot_ind=1 fci.isup_ind=1 cpc.value=10 usi.rate=16 cdpn.digits=12" :
				"IAM cic=0 nci.cot_ind=1 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.digits=12";
		if (!isup_msg_from_line(&iam, (enum isup_variant)tg->variant, line, NULL, 0))
			isup_call_setup_req(tg, &iam, (void *)1, NULL);
		break;
	}
	default: {
		struct isup_call *call, *tmp;
		struct isup_cause c = isup_cause_make(0, 16);
		llist_for_each_entry_safe(call, tmp, &tg->calls, list)
			isup_call_release_req(call, &c);
		break;
	}
	}
}

static inline void fz_isup_free(struct isup_net *net, struct isup_trunk *tg)
{
	isup_trunk_free(tg);
	talloc_free(net);
}
