/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for Q.764 call control: the input is a sequence of ISUP messages fed into a live trunk
 * (with a user that answers some calls, releases others and places its own), with time passing
 * between them. Afterwards a reset of every circuit must bring all of them back to idle, and freeing
 * the trunk must leave nothing allocated. Input: [len][delay][user action][message octets] ... */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "isup/isup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *ctx;
static uint8_t action;

static int mtp_tx(struct isup_trunk *tg, const uint8_t *msu, size_t len, void *priv)
{
	return 0;
}

static void call_ind(struct isup_call *call, enum isup_prim prim, const struct isup_msg *m,
		     const struct isup_cause *cause, void *priv)
{
	struct isup_cause c = isup_cause_make(0, 16);
	switch (prim) {
	case ISUP_PRIM_SETUP:
		if (action & 1)
			isup_call_req(call, ISUP_PRIM_ALERTING, NULL);
		if (action & 2)
			isup_call_req(call, ISUP_PRIM_ANSWER, NULL);
		if (action & 4)
			isup_call_release_req(call, &c);
		break;
	case ISUP_PRIM_ANSWER:
	case ISUP_PRIM_ALERTING:
		if (action & 8)
			isup_call_release_req(call, &c);
		break;
	default:
		break;
	}
}

static void cot_test(struct isup_trunk *tg, uint16_t cic, struct isup_call *call, void *priv)
{
	if (call)
		isup_call_cot_result(call, action & 16);
	else
		isup_circuit_cot_result(tg, cic, action & 16);
}

static const struct isup_user_ops ops = { .call_ind = call_ind, .cot_test = cot_test };

static void advance(unsigned secs)
{
	for (unsigned i = 0; i < secs; i++) {
		osmo_clock_override_add(CLOCK_MONOTONIC, 1, 0);
		osmo_gettimeofday_override_add(1, 0);
		osmo_timers_prepare();
		osmo_timers_update();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx) {
		ctx = talloc_named_const(NULL, 0, "fuzz_isup_cc");
		osmo_init_logging2(ctx, NULL);
		log_set_category_filter(osmo_stderr_target, DLGLOBAL, 1, LOGL_FATAL);
		log_set_log_level(osmo_stderr_target, LOGL_FATAL);
		isup_cc_init(DLGLOBAL);
		osmo_clock_override_enable(CLOCK_MONOTONIC, true);
		osmo_gettimeofday_override = true;
	}
	size_t blocks = talloc_total_blocks(ctx);
	enum isup_variant v = size && (data[0] & 0x80) ? ISUP_VAR_ANSI : ISUP_VAR_ITU;
	struct isup_trunk *tg = isup_trunk_alloc(ctx, "fz", v, 2, 1);
	isup_trunk_add_range(tg, 1, 8);
	isup_trunk_set_mtp(tg, mtp_tx, NULL);
	isup_trunk_set_user(tg, &ops, NULL);
	size_t off = size ? 1 : 0;
	while (size - off >= 3) {
		uint8_t len = data[off], delay = data[off + 1];
		action = data[off + 2];
		off += 3;
		if (len > size - off)
			len = (uint8_t)(size - off);
		if (action & 0x20) {
			/* the user places a call of its own */
			struct isup_msg iam;
			if (!isup_msg_from_line(&iam, v,
						v ? "IAM cic=0 fci.isup_ind=1 cpc.value=10 usi.rate=16 cdpn.digits=1" :
						    "IAM cic=0 nci.cot_ind=1 cpc.value=10 tmr.value=3 cdpn.digits=1",
						NULL, 0))
				isup_call_setup_req(tg, &iam, (void *)1, NULL);
		}
		if (action & 0x40)
			isup_circuit_block(tg, (uint16_t)(1 + (action & 7)));
		isup_trunk_rx(tg, data + off, len);
		off += len;
		advance(delay % 64);
	}
	/* every circuit must come back: reset them all, let the procedure finish, answer it */
	advance(400);
	for (unsigned i = 0; i < tg->n_circuits; i++) {
		struct isup_circuit *c = tg->circuits[i];
		if (c->call) {
			struct isup_cause cc = isup_cause_make(0, 16);
			isup_call_release_req(c->call, &cc);
		}
	}
	static const uint8_t gra_itu[] = { 1, 0, ISUP_MT_GRA, 0x01, 0x02, 0x07, 0x00 };
	isup_trunk_reset_all(tg);
	isup_trunk_rx(tg, gra_itu, sizeof(gra_itu));
	for (unsigned i = 0; i < tg->n_circuits; i++) {
		struct isup_circuit *c = tg->circuits[i];
		if (c->call)
			isup_trunk_rx(tg, (const uint8_t[]){ (uint8_t)c->cic, 0, ISUP_MT_RLC, 0 }, 4);
		if (c->rsc_pending)
			isup_trunk_rx(tg, (const uint8_t[]){ (uint8_t)c->cic, 0, ISUP_MT_RLC, 0 }, 4);
	}
	for (unsigned i = 0; i < tg->n_circuits; i++) {
		struct isup_circuit *c = tg->circuits[i];
		if (c->call || (c->fi->state != ISUP_CIC_ST_IDLE && c->fi->state != ISUP_CIC_ST_RESET))
			abort(); /* a circuit left stuck */
	}
	isup_trunk_free(tg);
	if (talloc_total_blocks(ctx) != blocks)
		abort(); /* leaked */
	return 0;
}
