/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Q.764 call control and circuit supervision, driven in-process with the clock faked:
 * messages in through isup_trunk_rx(), messages out captured from the MTP-TRANSFER hook.
 * After each test every circuit is idle or deliberately blocked, and talloc shows no leak.
 * Over 1,000 lines: one suite for one FSM pair, its scripted procedures side by side with the harness they
 * share; split, each part would carry the same harness. */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <CUnit/Basic.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "config/isupgw_log.h"
#include "fake_clock.h"
#include "isup/isup.h"

/* ---- harness ---- */

#define MAXQ 256
static struct isup_msg txq[MAXQ];
static unsigned txq_n, txq_head;

struct ind {
	struct isup_call *call;
	enum isup_prim prim;
	uint8_t type;
	int cause;
};
static struct ind inds[MAXQ];
static unsigned inds_n, inds_head;
static unsigned alerts;
static void *ctx;
static struct isup_trunk *tg;
static size_t blocks_before;
static enum isup_variant variant;

static int mtp_tx(struct isup_trunk *t, const uint8_t *msu, size_t len, void *priv)
{
	struct mtp3_label l;
	int h = mtp3_label_decode(&l, t->variant == ISUP_VAR_ANSI, msu, len);
	CU_ASSERT_FATAL(h > 0);
	CU_ASSERT_EQUAL(l.opc, t->opc);
	CU_ASSERT_EQUAL(l.dpc, t->dpc);
	CU_ASSERT_FATAL(txq_n < MAXQ);
	CU_ASSERT_EQUAL(isup_msg_decode(&txq[txq_n++], t->variant, msu + h, len - (size_t)h), ISUP_OK);
	return 0;
}

/* the user: answers nothing by itself, records every indication */
static void call_ind(struct isup_call *call, enum isup_prim prim, const struct isup_msg *m,
		     const struct isup_cause *cause, void *priv)
{
	CU_ASSERT_FATAL(inds_n < MAXQ);
	inds[inds_n++] =
		(struct ind){ .call = call, .prim = prim, .type = m ? m->type : 0, .cause = cause ? cause->cause : -1 };
}

static void alert(struct isup_trunk *t, uint16_t cic, const char *what, void *priv)
{
	alerts++;
}

static int loop_cic = -1, loops_on, loops_off;
static void cot_loop(struct isup_trunk *t, uint16_t cic, bool connect, void *priv)
{
	loop_cic = cic;
	if (connect)
		loops_on++;
	else
		loops_off++;
}

static int test_cic = -1, tests_asked;
static struct isup_call *test_call;
static void cot_test(struct isup_trunk *t, uint16_t cic, struct isup_call *call, void *priv)
{
	test_cic = cic;
	test_call = call;
	tests_asked++;
}

static unsigned maint_changes;
static void maint_changed(struct isup_trunk *t, void *priv)
{
	(void)t;
	(void)priv;
	maint_changes++;
}

static const struct isup_user_ops user_ops = {
	.call_ind = call_ind, .alert = alert, .cot_loop = cot_loop, .cot_test = cot_test, .maint_changed = maint_changed
};

/* OPC 2 > DPC 1: we control the even CICs */
static void setup_trunk(enum isup_variant v)
{
	variant = v;
	txq_n = txq_head = inds_n = inds_head = alerts = maint_changes = 0;
	loop_cic = test_cic = -1;
	loops_on = loops_off = tests_asked = 0;
	test_call = NULL;
	blocks_before = talloc_total_blocks(ctx);
	tg = isup_trunk_alloc(ctx, "tg", v, 2, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tg);
	CU_ASSERT_EQUAL(isup_trunk_add_range(tg, 1, 31), 0);
	isup_trunk_set_mtp(tg, mtp_tx, NULL);
	isup_trunk_set_user(tg, &user_ops, NULL);
}

static void check_idle_and_free(void)
{
	CU_ASSERT_EQUAL(txq_head, txq_n); /* every message sent was checked */
	if (txq_head != txq_n)
		for (unsigned i = txq_head; i < txq_n; i++)
			fprintf(stderr, "\nunchecked tx: %s CIC %u\n", isup_msg_abbr(variant, txq[i].type), txq[i].cic);
	CU_ASSERT_TRUE(llist_empty(&tg->calls));
	for (unsigned i = 0; i < tg->n_circuits; i++) {
		struct isup_circuit *c = tg->circuits[i];
		enum isup_cic_state st = (enum isup_cic_state)c->fi->state;
		if (st != ISUP_CIC_ST_IDLE)
			fprintf(stderr, "\nCIC %u left in %s\n", c->cic, isup_cic_state_name(st));
		CU_ASSERT_EQUAL(st, ISUP_CIC_ST_IDLE);
		CU_ASSERT_FALSE(c->blo_pending || c->ubl_pending || c->rsc_pending);
	}
	CU_ASSERT_FALSE(tg->grs.active || tg->cgb.active || tg->cgu.active);
	isup_trunk_free(tg);
	tg = NULL;
	CU_ASSERT_EQUAL(talloc_total_blocks(ctx), blocks_before);
}

static void rx(const char *line)
{
	struct isup_msg m;
	char err[160];
	uint8_t b[600];
	int rc = isup_msg_from_line(&m, variant, line, err, sizeof(err));
	if (rc)
		fprintf(stderr, "\nbad test line '%s': %s\n", line, err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	int n = isup_msg_encode(&m, b, sizeof(b));
	CU_ASSERT_FATAL(n > 0);
	isup_trunk_rx(tg, b, (size_t)n);
}

/* next sent message must be this type on this CIC; returns it */
static const struct isup_msg *tx_expect(uint8_t type, uint16_t cic)
{
	if (txq_head >= txq_n) {
		fprintf(stderr, "\nexpected %s CIC %u, nothing sent\n", isup_msg_abbr(variant, type), cic);
		CU_FAIL_FATAL("missing tx");
	}
	const struct isup_msg *m = &txq[txq_head++];
	if (m->type != type || m->cic != cic)
		fprintf(stderr, "\nexpected %s CIC %u, got %s CIC %u\n", isup_msg_abbr(variant, type), cic,
			isup_msg_abbr(variant, m->type), m->cic);
	CU_ASSERT_EQUAL(m->type, type);
	CU_ASSERT_EQUAL(m->cic, cic);
	return m;
}

static int tx_cause(const struct isup_msg *m)
{
	struct isup_cause c;
	return isup_msg_get_cause(m, &c) ? -1 : c.cause;
}

static void tx_none(void)
{
	if (txq_head != txq_n)
		fprintf(stderr, "\nunexpected tx %s CIC %u\n", isup_msg_abbr(variant, txq[txq_head].type),
			txq[txq_head].cic);
	CU_ASSERT_EQUAL(txq_head, txq_n);
}

static const struct ind *ind_expect(enum isup_prim prim)
{
	if (inds_head >= inds_n) {
		fprintf(stderr, "\nexpected indication %s, none\n", isup_prim_name(prim));
		CU_FAIL_FATAL("missing indication");
	}
	const struct ind *i = &inds[inds_head++];
	if (i->prim != prim)
		fprintf(stderr, "\nexpected indication %s, got %s\n", isup_prim_name(prim), isup_prim_name(i->prim));
	CU_ASSERT_EQUAL(i->prim, prim);
	return i;
}

static void ind_none(void)
{
	CU_ASSERT_EQUAL(inds_head, inds_n);
}

static struct isup_call *place_call(void)
{
	struct isup_msg iam;
	const char *line = variant == ISUP_VAR_ANSI ?
				   "IAM cic=0 fci.isup_ind=1 cpc.value=10 usi.itc=0 usi.rate=16 usi.l1=2 cdpn.nai=3 "
				   "cdpn.npi=1 cdpn.digits=2125551212" :
				   "IAM cic=0 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 "
				   "cdpn.digits=4930123456";
	CU_ASSERT_EQUAL_FATAL(isup_msg_from_line(&iam, variant, line, NULL, 0), 0);
	return isup_call_setup_req(tg, &iam, (void *)1, NULL);
}

/* an outgoing call just placed: its IAM went out; we release it (REL 16) and the far end's RLC ends it */
static void iam_then_release(struct isup_call *call)
{
	uint16_t cic = call->circ->cic;
	tx_expect(ISUP_MT_IAM, cic);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	tx_expect(ISUP_MT_REL, cic);
	char line[32];
	snprintf(line, sizeof(line), "RLC cic=%u", cic);
	rx(line);
}

#define IAM_COT(cic, ind, digits)                                                                              \
	"IAM cic=" #cic " nci.cot_ind=" #ind " fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 " \
	"cdpn.digits=" digits

#define IAM_IN(cic, digits) \
	"IAM cic=" #cic " fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=" digits

/* ---- basic call ---- */

static void test_outgoing_basic(void)
{
	setup_trunk(ISUP_VAR_ITU);
	struct isup_call *call = place_call();
	CU_ASSERT_PTR_NOT_NULL_FATAL(call);
	/* CONTROLLED selection: the lowest even CIC, ours for dual seizure */
	tx_expect(ISUP_MT_IAM, 2);
	rx("ACM cic=2 bci.charge=2 bci.called_status=1");
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_ALERTING)->type, ISUP_MT_ACM);
	rx("CPG cic=2 ei.event=1");
	ind_expect(ISUP_PRIM_PROGRESS);
	rx("ANM cic=2");
	ind_expect(ISUP_PRIM_ANSWER);
	CU_ASSERT_EQUAL(tg->circuits[1]->fi->state, ISUP_CIC_ST_BUSY_OUT);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	CU_ASSERT_EQUAL(tx_cause(tx_expect(ISUP_MT_REL, 2)), 16);
	rx("RLC cic=2");
	ind_none();
	tx_none();
	check_idle_and_free();
}

static void test_incoming_basic(void)
{
	setup_trunk(ISUP_VAR_ITU);
	rx(IAM_IN(5, "4930123456F"));
	const struct ind *i = ind_expect(ISUP_PRIM_SETUP);
	struct isup_call *call = i->call;
	CU_ASSERT_EQUAL(call->circ->cic, 5);
	CU_ASSERT_TRUE(call->addr_complete);
	CU_ASSERT_EQUAL(isup_call_req(call, ISUP_PRIM_ALERTING, NULL), 0);
	tx_expect(ISUP_MT_ACM, 5);
	/* CPG and answer */
	CU_ASSERT_EQUAL(isup_call_req(call, ISUP_PRIM_PROGRESS, NULL), 0);
	tx_expect(ISUP_MT_CPG, 5);
	CU_ASSERT_EQUAL(isup_call_req(call, ISUP_PRIM_ANSWER, NULL), 0);
	tx_expect(ISUP_MT_ANM, 5);
	/* a second answer is refused */
	CU_ASSERT_NOT_EQUAL(isup_call_req(call, ISUP_PRIM_ANSWER, NULL), 0);
	tx_none();
	rx("REL cic=5 cause.location=1 cause.cause=16");
	tx_expect(ISUP_MT_RLC, 5);
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->cause, 16);
	check_idle_and_free();
}

static void test_incoming_answer_no_acm(void)
{
	for (int v = 0; v < 2; v++) {
		setup_trunk((enum isup_variant)v);
		rx(v ? "IAM cic=3 fci.isup_ind=1 cpc.value=10 usi.itc=0 usi.rate=16 cdpn.nai=3 cdpn.npi=1 "
		       "cdpn.digits=2125551212" :
		       IAM_IN(3, "123F"));
		struct isup_call *call = ind_expect(ISUP_PRIM_SETUP)->call;
		CU_ASSERT_EQUAL(isup_call_req(call, ISUP_PRIM_ANSWER, NULL), 0);
		/* Q.764 2.1.4.1: CON in ITU; ANSI has no CON and answers with ANM */
		tx_expect(v ? ISUP_MT_ANM : ISUP_MT_CON, 3);
		struct isup_cause c = isup_cause_make(0, 16);
		isup_call_release_req(call, &c);
		tx_expect(ISUP_MT_REL, 3);
		rx("RLC cic=3");
		check_idle_and_free();
	}
}

static void test_answer_before_acm(void)
{
	setup_trunk(ISUP_VAR_ITU);
	struct isup_call *call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("CON cic=2 bci.charge=2");
	ind_expect(ISUP_PRIM_ANSWER);
	rx("REL cic=2 cause.location=1 cause.cause=16");
	tx_expect(ISUP_MT_RLC, 2);
	ind_expect(ISUP_PRIM_RELEASE);
	(void)call;
	check_idle_and_free();
}

/* ---- timers ---- */

static void test_t7_expiry(void)
{
	setup_trunk(ISUP_VAR_ITU);
	place_call();
	tx_expect(ISUP_MT_IAM, 2);
	advance(19);
	tx_none();
	advance(2);
	/* Q.764: T7 (20 s) without ACM: release; RFC 3398 s7.2.2 cause 102 */
	CU_ASSERT_EQUAL(tx_cause(tx_expect(ISUP_MT_REL, 2)), 102);
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->cause, 102);
	rx("RLC cic=2");
	check_idle_and_free();
}

static void test_t9_expiry(void)
{
	setup_trunk(ISUP_VAR_ITU);
	place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("ACM cic=2 bci.called_status=1");
	ind_expect(ISUP_PRIM_ALERTING);
	advance(89);
	tx_none();
	advance(2);
	CU_ASSERT_EQUAL(tx_cause(tx_expect(ISUP_MT_REL, 2)), 19);
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->cause, 19);
	rx("RLC cic=2");
	check_idle_and_free();
}

static void test_t1_t5_release_unanswered(void)
{
	setup_trunk(ISUP_VAR_ITU);
	struct isup_call *call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("ANM cic=2");
	ind_expect(ISUP_PRIM_ANSWER);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	tx_expect(ISUP_MT_REL, 2);
	/* T1 = 15 s: REL repeated until T5 = 300 s */
	unsigned rels = 0;
	for (unsigned s = 0; s < 300; s++) {
		CU_ASSERT_EQUAL(alerts, 0);
		advance(1);
		/* at 300 s T1 and T5 expire together: a last REL may precede the RSC */
		while (txq_head < txq_n && txq[txq_head].type == ISUP_MT_REL) {
			CU_ASSERT_EQUAL(txq[txq_head].cic, 2);
			txq_head++;
			rels++;
		}
	}
	CU_ASSERT(rels >= 19 && rels <= 20);
	/* T5: RSC, maintenance alerted, T1 stopped; then only T17 (300 s) repeats RSC */
	tx_expect(ISUP_MT_RSC, 2);
	CU_ASSERT_EQUAL(alerts, 1);
	CU_ASSERT_EQUAL(tg->circuits[1]->fi->state, ISUP_CIC_ST_RESET);
	advance(299);
	tx_none();
	advance(1);
	tx_expect(ISUP_MT_RSC, 2);
	CU_ASSERT_EQUAL(alerts, 2);
	rx("RLC cic=2");
	ind_none();
	check_idle_and_free();
}

static void test_rel_crossing_rel(void)
{
	setup_trunk(ISUP_VAR_ITU);
	struct isup_call *call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("ANM cic=2");
	ind_expect(ISUP_PRIM_ANSWER);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	tx_expect(ISUP_MT_REL, 2);
	rx("REL cic=2 cause.location=1 cause.cause=16");
	/* Q.764 2.3.1 e): answer with RLC; the circuit is idle once ours is answered too */
	tx_expect(ISUP_MT_RLC, 2);
	CU_ASSERT_EQUAL(tg->circuits[1]->fi->state, ISUP_CIC_ST_BUSY_OUT);
	rx("RLC cic=2");
	ind_none();
	check_idle_and_free();
}

static void test_overlap_incoming(void)
{
	setup_trunk(ISUP_VAR_ITU);
	rx(IAM_IN(7, "49"));
	struct isup_call *call = ind_expect(ISUP_PRIM_SETUP)->call;
	CU_ASSERT_FALSE(call->addr_complete);
	advance(10);
	rx("SAM cic=7 sn.digits=301");
	ind_expect(ISUP_PRIM_MORE_DIGITS);
	advance(10); /* T35 restarted by the SAM: still running */
	tx_none();
	rx("SAM cic=7 sn.digits=23F");
	ind_expect(ISUP_PRIM_MORE_DIGITS);
	CU_ASSERT_TRUE(call->addr_complete);
	advance(30); /* ST received: T35 stopped */
	tx_none();
	isup_call_req(call, ISUP_PRIM_ALERTING, NULL);
	tx_expect(ISUP_MT_ACM, 7);
	rx("REL cic=7 cause.location=0 cause.cause=16");
	tx_expect(ISUP_MT_RLC, 7);
	ind_expect(ISUP_PRIM_RELEASE);
	check_idle_and_free();
}

/* an incomplete incoming number: nothing before T35 (secs), REL 28 at it */
static void t35_case(unsigned secs)
{
	rx(IAM_IN(9, "49"));
	ind_expect(ISUP_PRIM_SETUP);
	advance(secs - 1);
	tx_none();
	advance(1);
	CU_ASSERT_EQUAL(tx_cause(tx_expect(ISUP_MT_REL, 9)), 28);
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->cause, 28);
	rx("RLC cic=9");
}

static void test_t35_expiry(void)
{
	setup_trunk(ISUP_VAR_ITU);
	t35_case(15);
	/* the configured value (VTY "timer T35 17") is the one the state runs */
	CU_ASSERT_EQUAL(osmo_tdef_set(tg->tdefs, 35, 17, OSMO_TDEF_S), 0);
	t35_case(17);
	check_idle_and_free();
}

/* ---- collisions ---- */

static void test_dual_seizure_we_control(void)
{
	setup_trunk(ISUP_VAR_ITU);
	struct isup_call *call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	/* CIC 2 is even and our OPC is higher: ours; the incoming IAM is ignored */
	rx(IAM_IN(2, "123F"));
	ind_none();
	tx_none();
	CU_ASSERT_EQUAL(call->circ->cic, 2);
	rx("ACM cic=2");
	ind_expect(ISUP_PRIM_ALERTING);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	tx_expect(ISUP_MT_REL, 2);
	rx("RLC cic=2");
	check_idle_and_free();
}

static void test_dual_seizure_we_yield(void)
{
	setup_trunk(ISUP_VAR_ITU);
	tg->sel = ISUP_SEL_SEQUENTIAL; /* picks CIC 1, which the far end controls */
	struct isup_call *call = place_call();
	tx_expect(ISUP_MT_IAM, 1);
	rx(IAM_IN(1, "123F"));
	/* our call moves to another circuit, the incoming one takes CIC 1 */
	tx_expect(ISUP_MT_IAM, 2);
	CU_ASSERT_EQUAL(call->circ->cic, 2);
	struct isup_call *in = ind_expect(ISUP_PRIM_SETUP)->call;
	CU_ASSERT_EQUAL(in->circ->cic, 1);
	CU_ASSERT_EQUAL(tg->circuits[0]->fi->state, ISUP_CIC_ST_BUSY_IN);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	tx_expect(ISUP_MT_REL, 2);
	rx("RLC cic=2");
	isup_call_release_req(in, &c);
	tx_expect(ISUP_MT_REL, 1);
	rx("RLC cic=1");
	check_idle_and_free();
}

/* ---- circuit supervision ---- */

static void test_blo_during_call(void)
{
	setup_trunk(ISUP_VAR_ITU);
	rx(IAM_IN(4, "1F"));
	struct isup_call *call = ind_expect(ISUP_PRIM_SETUP)->call;
	isup_call_req(call, ISUP_PRIM_ANSWER, NULL);
	tx_expect(ISUP_MT_CON, 4);
	rx("BLO cic=4");
	tx_expect(ISUP_MT_BLA, 4);
	CU_ASSERT_PTR_NOT_NULL(tg->circuits[3]->call); /* the call goes on */
	rx("REL cic=4 cause.cause=16");
	tx_expect(ISUP_MT_RLC, 4);
	ind_expect(ISUP_PRIM_RELEASE);
	/* blocking survives the call: CIC 4 is not offered */
	CU_ASSERT_TRUE(tg->circuits[3]->blk & ISUP_BLK_REMOTE_MAINT);
	CU_ASSERT_FALSE(isup_circuit_available(tg->circuits[3]));
	tg->sel = ISUP_SEL_SEQUENTIAL;
	for (unsigned i = 0; i < 3; i++)
		tg->circuits[i]->blk = ISUP_BLK_LOCAL_MAINT; /* 1..3 unavailable too */
	struct isup_call *out = place_call();
	tx_expect(ISUP_MT_IAM, 5);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(out, &c);
	tx_expect(ISUP_MT_REL, 5);
	rx("RLC cic=5");
	for (unsigned i = 0; i < 3; i++)
		tg->circuits[i]->blk = 0;
	rx("UBL cic=4");
	tx_expect(ISUP_MT_UBA, 4);
	CU_ASSERT_TRUE(isup_circuit_available(tg->circuits[3]));
	check_idle_and_free();
}

static void test_blo_before_backward_message(void)
{
	setup_trunk(ISUP_VAR_ITU);
	struct isup_call *call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	/* Q.764 2.8.2.1: blocked while seizing: the call is repeated on another circuit */
	rx("BLO cic=2");
	tx_expect(ISUP_MT_BLA, 2);
	tx_expect(ISUP_MT_IAM, 4);
	CU_ASSERT_EQUAL(call->circ->cic, 4);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	tx_expect(ISUP_MT_REL, 4);
	rx("RLC cic=4");
	rx("UBL cic=2");
	tx_expect(ISUP_MT_UBA, 2);
	check_idle_and_free();
}

static void test_rsc_during_call(void)
{
	setup_trunk(ISUP_VAR_ITU);
	struct isup_call *call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("ANM cic=2");
	ind_expect(ISUP_PRIM_ANSWER);
	rx("RSC cic=2");
	tx_expect(ISUP_MT_RLC, 2);
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->call, call);
	check_idle_and_free();
}

static void test_our_blo_t12_t13(void)
{
	setup_trunk(ISUP_VAR_ITU);
	CU_ASSERT_EQUAL(isup_circuit_block(tg, 10), 0);
	tx_expect(ISUP_MT_BLO, 10);
	advance(15);
	tx_expect(ISUP_MT_BLO, 10); /* T12 */
	for (unsigned s = 15; s < 300; s++) {
		advance(1);
		while (txq_head < txq_n && txq[txq_head].type == ISUP_MT_BLO)
			txq_head++;
	}
	CU_ASSERT_EQUAL(alerts, 1); /* T13 */
	advance(299);
	tx_none(); /* only T13 paces repetitions now */
	advance(1);
	tx_expect(ISUP_MT_BLO, 10);
	rx("BLA cic=10");
	advance(600);
	tx_none();
	CU_ASSERT_TRUE(tg->circuits[9]->blk & ISUP_BLK_LOCAL_MAINT);
	/* unblock: UBL, T14 repetition, UBA */
	CU_ASSERT_EQUAL(isup_circuit_unblock(tg, 10), 0);
	tx_expect(ISUP_MT_UBL, 10);
	advance(15);
	tx_expect(ISUP_MT_UBL, 10);
	rx("UBA cic=10");
	CU_ASSERT_EQUAL(tg->circuits[9]->blk, 0);
	/* an unexpected BLA: the far end is told to unblock */
	rx("BLA cic=11");
	tx_expect(ISUP_MT_UBL, 11);
	check_idle_and_free();
}

static void test_grs_covering_busy_circuits(void)
{
	setup_trunk(ISUP_VAR_ITU);
	rx(IAM_IN(1, "1F"));
	struct isup_call *c1 = ind_expect(ISUP_PRIM_SETUP)->call;
	rx(IAM_IN(3, "2F"));
	struct isup_call *c3 = ind_expect(ISUP_PRIM_SETUP)->call;
	isup_circuit_block(tg, 2);
	tx_expect(ISUP_MT_BLO, 2);
	rx("BLA cic=2");
	rx("GRS cic=1 rs.range=3");
	/* both calls released towards the user, no REL; GRA marks CIC 2 as blocked by us */
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->call, c1);
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->call, c3);
	const struct isup_msg *gra = tx_expect(ISUP_MT_GRA, 1);
	struct isup_range_status rs;
	CU_ASSERT_EQUAL(isup_msg_get_rs(gra, &rs), 0);
	CU_ASSERT_EQUAL(rs.range, 3);
	CU_ASSERT_EQUAL(rs.status[0], 0x02);
	tg->circuits[1]->blk = 0;
	check_idle_and_free();
}

static void test_our_grs(void)
{
	setup_trunk(ISUP_VAR_ITU);
	CU_ASSERT_EQUAL(isup_group_reset(tg, 1, 7), 0);
	tx_expect(ISUP_MT_GRS, 1);
	CU_ASSERT_EQUAL(tg->circuits[0]->fi->state, ISUP_CIC_ST_RESET);
	CU_ASSERT_EQUAL(isup_group_reset(tg, 9, 3), -EBUSY);
	advance(15);
	tx_expect(ISUP_MT_GRS, 1); /* T22 */
	/* GRA: the far end holds CICs 1 and 8 blocked */
	rx("GRA cic=1 rs.range=7 rs.status=81");
	CU_ASSERT_TRUE(tg->circuits[0]->blk & ISUP_BLK_REMOTE_MAINT);
	CU_ASSERT_TRUE(tg->circuits[7]->blk & ISUP_BLK_REMOTE_MAINT);
	CU_ASSERT_FALSE(tg->circuits[1]->blk);
	CU_ASSERT_EQUAL(tg->circuits[0]->fi->state, ISUP_CIC_ST_IDLE);
	advance(60);
	tx_none();
	/* an unexpected GRA is discarded */
	rx("GRA cic=1 rs.range=7 rs.status=00");
	CU_ASSERT_TRUE(tg->circuits[0]->blk & ISUP_BLK_REMOTE_MAINT);
	tg->circuits[0]->blk = tg->circuits[7]->blk = 0;
	check_idle_and_free();
}

static void test_reset_all_at_startup(void)
{
	setup_trunk(ISUP_VAR_ITU);
	CU_ASSERT_EQUAL(isup_trunk_add_range(tg, 40, 80), 0);
	CU_ASSERT_EQUAL(isup_trunk_reset_all(tg), 0);
	/* 1..31 in one GRS; then 40..71 and 72..80 as each GRA arrives */
	const struct isup_msg *g = tx_expect(ISUP_MT_GRS, 1);
	struct isup_range_status rs;
	isup_msg_get_rs(g, &rs);
	CU_ASSERT_EQUAL(rs.range, 30);
	rx("GRA cic=1 rs.range=30 rs.status=00000000");
	g = tx_expect(ISUP_MT_GRS, 40);
	isup_msg_get_rs(g, &rs);
	CU_ASSERT_EQUAL(rs.range, 31);
	rx("GRA cic=40 rs.range=31 rs.status=00000000");
	g = tx_expect(ISUP_MT_GRS, 72);
	isup_msg_get_rs(g, &rs);
	CU_ASSERT_EQUAL(rs.range, 8);
	rx("GRA cic=72 rs.range=8 rs.status=0000");
	tx_none();
	check_idle_and_free();
}

static void test_cgb_status_bitmap(void)
{
	setup_trunk(ISUP_VAR_ITU);
	/* maintenance CGB for CICs 1 and 3 of range 1..8 */
	rx("CGB cic=1 cgsmt.type=0 rs.range=7 rs.status=05");
	const struct isup_msg *a = tx_expect(ISUP_MT_CGBA, 1);
	struct isup_range_status rs;
	isup_msg_get_rs(a, &rs);
	CU_ASSERT_EQUAL(rs.status[0], 0x05);
	CU_ASSERT_TRUE(tg->circuits[0]->blk & ISUP_BLK_REMOTE_MAINT);
	CU_ASSERT_FALSE(tg->circuits[1]->blk);
	CU_ASSERT_TRUE(tg->circuits[2]->blk & ISUP_BLK_REMOTE_MAINT);
	/* hardware CGB on a circuit with a call releases the call */
	rx(IAM_IN(6, "5F"));
	struct isup_call *call = ind_expect(ISUP_PRIM_SETUP)->call;
	isup_call_req(call, ISUP_PRIM_ANSWER, NULL);
	tx_expect(ISUP_MT_CON, 6);
	rx("CGB cic=1 cgsmt.type=1 rs.range=7 rs.status=20");
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->cause, 41);
	tx_expect(ISUP_MT_REL, 6);
	tx_expect(ISUP_MT_CGBA, 1);
	rx("RLC cic=6");
	CU_ASSERT_TRUE(tg->circuits[5]->blk & ISUP_BLK_REMOTE_HW);
	rx("CGU cic=1 cgsmt.type=0 rs.range=7 rs.status=05");
	tx_expect(ISUP_MT_CGUA, 1);
	rx("CGU cic=1 cgsmt.type=1 rs.range=7 rs.status=20");
	tx_expect(ISUP_MT_CGUA, 1);
	for (unsigned i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(tg->circuits[i]->blk, 0);
	/* our own CGB: T18 repeat, CGBA ends it */
	CU_ASSERT_EQUAL(isup_group_block(tg, 1, 3, false), 0);
	tx_expect(ISUP_MT_CGB, 1);
	advance(15);
	tx_expect(ISUP_MT_CGB, 1);
	rx("CGBA cic=1 cgsmt.type=0 rs.range=3 rs.status=0f");
	CU_ASSERT_EQUAL(alerts, 0);
	CU_ASSERT_EQUAL(isup_group_unblock(tg, 1, 3, false), 0);
	tx_expect(ISUP_MT_CGU, 1);
	rx("CGUA cic=1 cgsmt.type=0 rs.range=3 rs.status=0f");
	for (unsigned i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(tg->circuits[i]->blk, 0);
	/* a span fails and comes back before the far end acknowledged the hardware CGB (signalling was down):
	 * the CGU supersedes it, no late CGB repeat blocks the circuits again */
	CU_ASSERT_EQUAL(isup_group_block(tg, 1, 3, true), 0);
	tx_expect(ISUP_MT_CGB, 1);
	CU_ASSERT_EQUAL(isup_group_unblock(tg, 1, 3, true), 0);
	tx_expect(ISUP_MT_CGU, 1);
	rx("CGUA cic=1 cgsmt.type=1 rs.range=3 rs.status=0f");
	advance(120);
	tx_none();
	for (unsigned i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(tg->circuits[i]->blk, 0);
	check_idle_and_free();
}

/* Hardware failure oriented blocking (a failed span) across signalling loss and group resets */
static uint8_t cgsmt_of(const struct isup_msg *m)
{
	struct isup_cgsmt t = { .type = 0xff };
	isup_msg_get_bits(m, ISUP_PAR_CGSMT, &t);
	return t.type;
}

static void test_hw_blocking_persistence(void)
{
	setup_trunk(ISUP_VAR_ITU);
	struct isup_range_status rs;
	/* the very first message of a hardware CGB says hardware (not the type of an earlier procedure) */
	CU_ASSERT_EQUAL(isup_group_block(tg, 1, 7, false), 0);
	CU_ASSERT_EQUAL(cgsmt_of(tx_expect(ISUP_MT_CGB, 1)), 0);
	rx("CGBA cic=1 cgsmt.type=0 rs.range=7 rs.status=ff");
	CU_ASSERT_EQUAL(isup_group_unblock(tg, 1, 7, false), 0);
	tx_expect(ISUP_MT_CGU, 1);
	rx("CGUA cic=1 cgsmt.type=0 rs.range=7 rs.status=ff");
	CU_ASSERT_EQUAL(isup_group_block(tg, 9, 7, true), 0);
	CU_ASSERT_EQUAL(cgsmt_of(tx_expect(ISUP_MT_CGB, 9)), 1);
	rx("CGBA cic=9 cgsmt.type=1 rs.range=7 rs.status=ff");

	/* our GRS over 1..31: after the GRA, a hardware CGB names exactly the circuits still blocked (9-16) */
	CU_ASSERT_EQUAL(isup_group_reset(tg, 1, 30), 0);
	tx_expect(ISUP_MT_GRS, 1);
	rx("GRA cic=1 rs.range=30 rs.status=00000000");
	const struct isup_msg *b = tx_expect(ISUP_MT_CGB, 1);
	CU_ASSERT_EQUAL(cgsmt_of(b), 1);
	isup_msg_get_rs(b, &rs);
	CU_ASSERT_EQUAL(rs.range, 30);
	CU_ASSERT_EQUAL(rs.status[0], 0x00);
	CU_ASSERT_EQUAL(rs.status[1], 0xff);
	CU_ASSERT_EQUAL(rs.status[2], 0x00);
	rx("CGBA cic=1 cgsmt.type=1 rs.range=30 rs.status=00ff0000");

	/* the far end's GRS: GRA, then the hardware blocking told again */
	rx("GRS cic=1 rs.range=30");
	tx_expect(ISUP_MT_GRA, 1);
	b = tx_expect(ISUP_MT_CGB, 1);
	CU_ASSERT_EQUAL(cgsmt_of(b), 1);
	isup_msg_get_rs(b, &rs);
	CU_ASSERT_EQUAL(rs.status[1], 0xff);
	rx("CGBA cic=1 cgsmt.type=1 rs.range=30 rs.status=00ff0000");

	/* a span failing while the destination is inaccessible: its CGB is sent again at MTP-RESUME,
	 * not 15 s later at T18 */
	isup_trunk_mtp_pause(tg);
	CU_ASSERT_EQUAL(isup_group_block(tg, 17, 7, true), 0);
	tx_expect(ISUP_MT_CGB, 17); /* into the void */
	advance(2);
	tx_none();
	isup_trunk_mtp_resume(tg);
	CU_ASSERT_EQUAL(cgsmt_of(tx_expect(ISUP_MT_CGB, 17)), 1);
	rx("CGBA cic=17 cgsmt.type=1 rs.range=7 rs.status=ff");
	advance(60);
	tx_none();

	/* both spans back */
	CU_ASSERT_EQUAL(isup_group_unblock(tg, 9, 7, true), 0);
	tx_expect(ISUP_MT_CGU, 9);
	rx("CGUA cic=9 cgsmt.type=1 rs.range=7 rs.status=ff");
	CU_ASSERT_EQUAL(isup_group_unblock(tg, 17, 7, true), 0);
	tx_expect(ISUP_MT_CGU, 17);
	rx("CGUA cic=17 cgsmt.type=1 rs.range=7 rs.status=ff");
	for (unsigned i = 0; i < 31; i++)
		CU_ASSERT_EQUAL(tg->circuits[i]->blk, 0);
	CU_ASSERT_EQUAL(alerts, 0); /* every acknowledgement matched its request */
	check_idle_and_free();
}

/* ---- Q.764 2.9.5 and unexpected messages ---- */

static void test_unknown_cic_and_unexpected(void)
{
	setup_trunk(ISUP_VAR_ITU);
	rx(IAM_IN(100, "1F"));
	tx_expect(ISUP_MT_UCIC, 100);
	ind_none();
	/* ANM on an idle circuit: reset it */
	rx("ANM cic=12");
	tx_expect(ISUP_MT_RSC, 12);
	rx("RLC cic=12");
	/* RLC on an idle circuit: discarded; REL on an idle circuit: RLC */
	rx("RLC cic=13");
	tx_none();
	rx("REL cic=13 cause.cause=16");
	tx_expect(ISUP_MT_RLC, 13);
	/* unrecognized message without compatibility information: CFN cause 97 */
	rx("0x7f cic=13 0x99=01");
	CU_ASSERT_EQUAL(tx_cause(tx_expect(ISUP_MT_CFN, 13)), 97);
	/* with instructions "discard, do not notify" (0x88 = discard message, last octet): silence */
	rx("0x7f cic=13 mci=88");
	tx_none();
	/* "release call" (0x82) in a call: REL cause 97, and the user is told */
	rx(IAM_IN(15, "1F"));
	struct isup_call *call15 = ind_expect(ISUP_PRIM_SETUP)->call;
	rx("0x7f cic=15 mci=82");
	CU_ASSERT_EQUAL(tx_cause(tx_expect(ISUP_MT_REL, 15)), 97);
	const struct ind *rel = ind_expect(ISUP_PRIM_RELEASE);
	CU_ASSERT_PTR_EQUAL(rel->call, call15);
	CU_ASSERT_EQUAL(rel->cause, 97);
	rx("RLC cic=15");
	/* a REL with a broken cause still releases */
	uint8_t bad[] = { 14, 0, ISUP_MT_REL, 0x02, 0x00, 0x01, 0x80 };
	rx(IAM_IN(14, "1F"));
	ind_expect(ISUP_PRIM_SETUP);
	isup_trunk_rx(tg, bad, sizeof(bad));
	tx_expect(ISUP_MT_RLC, 14);
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->cause, 31);
	check_idle_and_free();
}

static void test_unrecognized_parameters(void)
{
	setup_trunk(ISUP_VAR_ITU);
	/* no instructions: the parameter is dropped, CFN cause 99 names it, the call proceeds */
	rx(IAM_IN(3, "1F") " 0xf0=0102");
	const struct isup_msg *cfn = tx_expect(ISUP_MT_CFN, 3);
	struct isup_cause c;
	CU_ASSERT_EQUAL(isup_msg_get_cause(cfn, &c), 0);
	CU_ASSERT_EQUAL(c.cause, 99);
	CU_ASSERT_EQUAL(c.diag_len, 1);
	CU_ASSERT_EQUAL(c.diag[0], 0xf0);
	struct isup_call *call = ind_expect(ISUP_PRIM_SETUP)->call;
	/* PCI for 0xf1: discard the parameter, do not notify (E=1, C=0, last octet) */
	rx("CPG cic=3 ei.event=1 0xf1=00 pci=f190");
	tx_none();
	/* PCI for 0xf2: discard the message (D=1) */
	rx("ANM cic=3 0xf2=00 pci=f288");
	tx_none();
	ind_none();
	/* PCI for 0xf3: release the call (B=1): REL cause 99, and the user hears of it (it let go of
	 * nothing: a user left holding a call the trunk released uses it after it is freed) */
	rx("INF cic=3 infi.solicited=1 0xf3=00 pci=f382");
	CU_ASSERT_EQUAL(tx_cause(tx_expect(ISUP_MT_REL, 3)), 99);
	const struct ind *rel = ind_expect(ISUP_PRIM_RELEASE);
	CU_ASSERT_PTR_EQUAL(rel->call, call);
	CU_ASSERT_EQUAL(rel->cause, 99);
	rx("RLC cic=3");
	ind_none();
	/* an unknown parameter in a REL is dropped without a CFN */
	rx(IAM_IN(5, "1F"));
	ind_expect(ISUP_PRIM_SETUP);
	rx("REL cic=5 cause.cause=16 0xf4=00");
	tx_expect(ISUP_MT_RLC, 5);
	ind_expect(ISUP_PRIM_RELEASE);
	check_idle_and_free();
}

static void test_ucic_moves_call(void)
{
	setup_trunk(ISUP_VAR_ITU);
	struct isup_call *call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("UCIC cic=2");
	CU_ASSERT_EQUAL(alerts, 1);
	tx_expect(ISUP_MT_IAM, 4);
	CU_ASSERT_FALSE(isup_circuit_available(tg->circuits[1]));
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	tx_expect(ISUP_MT_REL, 4);
	rx("RLC cic=4");
	rx("UBL cic=2");
	tx_expect(ISUP_MT_UBA, 2);
	check_idle_and_free();
}

static uint64_t ctr_get(enum isup_trunk_ctr which)
{
	return rate_ctr_group_get_ctr(tg->ctrs, which)->current;
}

/* Q.764 2.9.5.1 c): an RLC for a busy circuit on which we sent no REL releases the call and is answered with
 * REL; the far end's RLC to that REL then brings the circuit back to idle. Answered calls, both variants. */
static void test_rlc_without_rel_answered(void)
{
	for (int v = 0; v < 2; v++) {
		/* outgoing, answered */
		setup_trunk((enum isup_variant)v);
		struct isup_call *call = place_call();
		tx_expect(ISUP_MT_IAM, 2);
		rx("ANM cic=2");
		ind_expect(ISUP_PRIM_ANSWER);
		uint64_t unexpected = ctr_get(ISUP_CTR_RX_UNEXPECTED);
		rx("RLC cic=2");
		const struct ind *i = ind_expect(ISUP_PRIM_RELEASE);
		CU_ASSERT_EQUAL(i->call, call);
		CU_ASSERT_EQUAL(i->cause, Q850_NORMAL_UNSPECIFIED);
		CU_ASSERT_EQUAL(tx_cause(tx_expect(ISUP_MT_REL, 2)), Q850_NORMAL_UNSPECIFIED);
		CU_ASSERT_EQUAL(ctr_get(ISUP_CTR_RX_UNEXPECTED), unexpected + 1);
		/* the circuit is not free until our REL is answered */
		CU_ASSERT_EQUAL(tg->circuits[1]->fi->state, ISUP_CIC_ST_BUSY_OUT);
		CU_ASSERT_FALSE(isup_circuit_available(tg->circuits[1]));
		rx("RLC cic=2");
		CU_ASSERT_PTR_NULL(tg->circuits[1]->call);
		CU_ASSERT_TRUE(isup_circuit_available(tg->circuits[1]));
		/* a third RLC finds the circuit idle: discarded (2.9.5.1) */
		rx("RLC cic=2");
		tx_none();
		ind_none();
		CU_ASSERT_EQUAL(alerts, 0);
		check_idle_and_free();

		/* incoming, answered */
		setup_trunk((enum isup_variant)v);
		rx(v == ISUP_VAR_ANSI ? "IAM cic=7 fci.isup_ind=1 cpc.value=10 usi.itc=0 usi.rate=16 usi.l1=2 "
					"cdpn.nai=3 cdpn.npi=1 cdpn.digits=2125551212" :
					IAM_IN(7, "4930F"));
		call = ind_expect(ISUP_PRIM_SETUP)->call;
		CU_ASSERT_EQUAL(isup_call_req(call, ISUP_PRIM_ALERTING, NULL), 0);
		tx_expect(ISUP_MT_ACM, 7);
		CU_ASSERT_EQUAL(isup_call_req(call, ISUP_PRIM_ANSWER, NULL), 0);
		tx_expect(ISUP_MT_ANM, 7);
		rx("RLC cic=7");
		CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->cause, Q850_NORMAL_UNSPECIFIED);
		tx_expect(ISUP_MT_REL, 7);
		CU_ASSERT_EQUAL(tg->circuits[6]->fi->state, ISUP_CIC_ST_BUSY_IN);
		/* a release request from the user now is moot: nothing more is sent */
		struct isup_cause c = isup_cause_make(0, 16);
		isup_call_release_req(call, &c);
		tx_none();
		rx("RLC cic=7");
		ind_none();
		check_idle_and_free();
	}
}

/* The same rule while the call is being set up: after ACM, before it, incoming before the user answered, and
 * while an incoming continuity check holds the call (the loop comes off, the user never heard of the call).
 * Without an answer to our REL, T1 repeats it and T5 resets the circuit as for any release. */
static void test_rlc_without_rel_setup(void)
{
	/* outgoing after ACM */
	setup_trunk(ISUP_VAR_ITU);
	struct isup_call *call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("ACM cic=2 bci.called_status=1");
	ind_expect(ISUP_PRIM_ALERTING);
	rx("RLC cic=2");
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->call, call);
	CU_ASSERT_EQUAL(tx_cause(tx_expect(ISUP_MT_REL, 2)), Q850_NORMAL_UNSPECIFIED);
	rx("RLC cic=2");
	check_idle_and_free();

	/* outgoing before any backward message: released as well (2.9.5.1 c names no repeat attempt) */
	setup_trunk(ISUP_VAR_ANSI);
	call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("RLC cic=2");
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->call, call);
	tx_expect(ISUP_MT_REL, 2);
	tx_none();
	/* the far end does not answer our REL: T1 (ANSI 10 s) repeats it, T5 (1 min) resets the circuit */
	advance(10);
	tx_expect(ISUP_MT_REL, 2);
	for (unsigned s = 10; s < 60; s++) {
		advance(1);
		while (txq_head < txq_n && txq[txq_head].type == ISUP_MT_REL)
			txq_head++;
	}
	tx_expect(ISUP_MT_RSC, 2);
	CU_ASSERT_EQUAL(alerts, 1);
	rx("RLC cic=2");
	ind_none();
	check_idle_and_free();

	/* incoming, before the user alerted */
	setup_trunk(ISUP_VAR_ITU);
	rx(IAM_IN(5, "4930F"));
	call = ind_expect(ISUP_PRIM_SETUP)->call;
	rx("RLC cic=5");
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->call, call);
	tx_expect(ISUP_MT_REL, 5);
	CU_ASSERT_NOT_EQUAL(isup_call_req(call, ISUP_PRIM_ALERTING, NULL), 0);
	tx_none();
	rx("RLC cic=5");
	check_idle_and_free();

	/* incoming, continuity check on this circuit still running */
	setup_trunk(ISUP_VAR_ITU);
	rx(IAM_COT(9, 1, "4930F"));
	CU_ASSERT_EQUAL(loops_on, 1);
	rx("RLC cic=9");
	CU_ASSERT_EQUAL(loops_off, 1);
	tx_expect(ISUP_MT_REL, 9);
	ind_none();
	rx("RLC cic=9");
	check_idle_and_free();

	/* incoming, after a failed continuity check, waiting for the CCR */
	setup_trunk(ISUP_VAR_ITU);
	rx(IAM_COT(11, 1, "4930F"));
	rx("COT cic=11 coti.cot=0");
	tx_none();
	rx("RLC cic=11");
	tx_expect(ISUP_MT_REL, 11);
	ind_none();
	rx("RLC cic=11");
	check_idle_and_free();
}

/* Q.764 2.12: UCIC for a circuit carrying a call: the far end has no such circuit, so there is no call
 * there either. The call is released toward the user without REL (it would only draw another UCIC), the
 * circuit is idle and out of service as unequipped at the far end, maintenance is alerted. */
static void test_ucic_during_call(void)
{
	for (int v = 0; v < 2; v++) {
		/* outgoing, answered */
		setup_trunk((enum isup_variant)v);
		struct isup_call *call = place_call();
		tx_expect(ISUP_MT_IAM, 2);
		rx("ANM cic=2");
		ind_expect(ISUP_PRIM_ANSWER);
		rx("UCIC cic=2");
		CU_ASSERT_EQUAL(alerts, 1);
		const struct ind *i = ind_expect(ISUP_PRIM_RELEASE);
		CU_ASSERT_EQUAL(i->call, call);
		CU_ASSERT_EQUAL(i->cause, Q850_TEMPORARY_FAILURE);
		tx_none();
		struct isup_circuit *c2 = tg->circuits[1];
		CU_ASSERT_PTR_NULL(c2->call);
		CU_ASSERT_EQUAL(c2->fi->state, ISUP_CIC_ST_IDLE);
		CU_ASSERT_TRUE(c2->remote_unequipped);
		CU_ASSERT_FALSE(isup_circuit_available(c2));
		/* nothing left to time out, and nothing more on the wire */
		advance(400);
		tx_none();
		ind_none();
		/* the next call takes another circuit */
		call = place_call();
		tx_expect(ISUP_MT_IAM, 4);
		struct isup_cause c = isup_cause_make(0, 16);
		isup_call_release_req(call, &c);
		tx_expect(ISUP_MT_REL, 4);
		rx("RLC cic=4");
		/* a UCIC on the idle unequipped circuit alerts again and sends nothing back */
		rx("UCIC cic=2");
		CU_ASSERT_EQUAL(alerts, 2);
		tx_none();
		c2->remote_unequipped = false;
		check_idle_and_free();
	}

	/* incoming, alerted */
	setup_trunk(ISUP_VAR_ITU);
	rx(IAM_IN(7, "4930F"));
	struct isup_call *call = ind_expect(ISUP_PRIM_SETUP)->call;
	isup_call_req(call, ISUP_PRIM_ALERTING, NULL);
	tx_expect(ISUP_MT_ACM, 7);
	rx("UCIC cic=7");
	CU_ASSERT_EQUAL(alerts, 1);
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->call, call);
	tx_none();
	CU_ASSERT_TRUE(tg->circuits[6]->remote_unequipped);
	/* UBL from the far end puts the circuit back in service */
	rx("UBL cic=7");
	tx_expect(ISUP_MT_UBA, 7);
	CU_ASSERT_TRUE(isup_circuit_available(tg->circuits[6]));
	check_idle_and_free();

	/* UCIC in answer to our REL: the release ends there, no T1 repeat, no RSC after T5 */
	setup_trunk(ISUP_VAR_ITU);
	call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("ANM cic=2");
	ind_expect(ISUP_PRIM_ANSWER);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	tx_expect(ISUP_MT_REL, 2);
	rx("UCIC cic=2");
	CU_ASSERT_EQUAL(alerts, 1);
	ind_none();
	CU_ASSERT_PTR_NULL(tg->circuits[1]->call);
	advance(400);
	tx_none();
	tg->circuits[1]->remote_unequipped = false;
	check_idle_and_free();
}

static void test_no_circuit(void)
{
	setup_trunk(ISUP_VAR_ITU);
	for (unsigned i = 0; i < tg->n_circuits; i++)
		tg->circuits[i]->blk = ISUP_BLK_REMOTE_MAINT;
	CU_ASSERT_PTR_NULL(place_call());
	tx_none();
	for (unsigned i = 0; i < tg->n_circuits; i++)
		tg->circuits[i]->blk = 0;
	check_idle_and_free();
}

static void test_ansi_release_timers(void)
{
	setup_trunk(ISUP_VAR_ANSI);
	struct isup_call *call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("ANM cic=2");
	ind_expect(ISUP_PRIM_ANSWER);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	tx_expect(ISUP_MT_REL, 2);
	/* T1.113: T1 = 10 s, T5 = 1 min, then RSC every T17 = 1 min */
	advance(10);
	tx_expect(ISUP_MT_REL, 2);
	for (unsigned s = 10; s < 60; s++) {
		advance(1);
		while (txq_head < txq_n && txq[txq_head].type == ISUP_MT_REL)
			txq_head++;
	}
	tx_expect(ISUP_MT_RSC, 2);
	advance(60);
	tx_expect(ISUP_MT_RSC, 2);
	rx("RLC cic=2");
	check_idle_and_free();
}

static void test_ansi_basic(void)
{
	setup_trunk(ISUP_VAR_ANSI);
	struct isup_call *call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("ACM cic=2 bci.called_status=1");
	ind_expect(ISUP_PRIM_ALERTING);
	rx("ANM cic=2");
	ind_expect(ISUP_PRIM_ANSWER);
	rx("REL cic=2 cause.coding=2 cause.location=3 cause.cause=23");
	tx_expect(ISUP_MT_RLC, 2);
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->cause, 23);
	(void)call;
	check_idle_and_free();
}

/* ---- suspend/resume, information request ---- */

static void test_suspend_resume(void)
{
	setup_trunk(ISUP_VAR_ITU);
	struct isup_call *call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("ANM cic=2");
	ind_expect(ISUP_PRIM_ANSWER);
	/* network-initiated suspend: T6 (120 s); RES in time keeps the call */
	rx("SUS cic=2 sri.ind=1");
	ind_expect(ISUP_PRIM_SUSPEND);
	advance(100);
	rx("RES cic=2 sri.ind=1");
	ind_expect(ISUP_PRIM_RESUME);
	advance(200);
	tx_none();
	/* subscriber-initiated suspend: T2 (180 s) expires: release */
	rx("SUS cic=2 sri.ind=0");
	ind_expect(ISUP_PRIM_SUSPEND);
	advance(179);
	tx_none();
	advance(2);
	CU_ASSERT_EQUAL(tx_cause(tx_expect(ISUP_MT_REL, 2)), 102);
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->cause, 102);
	rx("RLC cic=2");
	(void)call;
	check_idle_and_free();
}

static void test_inr_t33(void)
{
	setup_trunk(ISUP_VAR_ITU);
	rx(IAM_IN(6, "1F"));
	struct isup_call *call = ind_expect(ISUP_PRIM_SETUP)->call;
	struct isup_msg inr;
	CU_ASSERT_EQUAL(isup_msg_from_line(&inr, variant, "INR cic=0 inri.calling_req=1", NULL, 0), 0);
	CU_ASSERT_EQUAL(isup_call_req(call, ISUP_PRIM_INFO, &inr), 0);
	tx_expect(ISUP_MT_INR, 6);
	advance(5);
	rx("INF cic=6 infi.calling_resp=3 cgpn.nai=3 cgpn.npi=1 cgpn.digits=123");
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_INFO)->type, ISUP_MT_INF);
	advance(20); /* T33 stopped by the INF */
	tx_none();
	/* again, unanswered: T33 (12 s) releases and alerts */
	CU_ASSERT_EQUAL(isup_call_req(call, ISUP_PRIM_INFO, &inr), 0);
	tx_expect(ISUP_MT_INR, 6);
	advance(13);
	CU_ASSERT_EQUAL(alerts, 1);
	CU_ASSERT_EQUAL(tx_cause(tx_expect(ISUP_MT_REL, 6)), 102);
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->cause, 102);
	rx("RLC cic=6");
	check_idle_and_free();
}

/* ---- signalling relation and congestion ---- */

static void test_mtp_pause_resume(void)
{
	setup_trunk(ISUP_VAR_ITU);
	tg->reset_on_resume = true;
	isup_trunk_mtp_pause(tg);
	struct isup_msg iam;
	uint8_t cause = 0;
	isup_msg_from_line(&iam, variant, IAM_IN(0, "1F"), NULL, 0);
	CU_ASSERT_PTR_NULL(isup_call_setup_req(tg, &iam, (void *)1, &cause));
	CU_ASSERT_EQUAL(cause, 27);
	tx_none();
	/* back: every circuit is reset (Q.764 2.13), one GRS covering 1..31 */
	isup_trunk_mtp_resume(tg);
	tx_expect(ISUP_MT_GRS, 1);
	rx("GRA cic=1 rs.range=30 rs.status=00000000");
	struct isup_call *call = isup_call_setup_req(tg, &iam, (void *)1, &cause);
	CU_ASSERT_PTR_NOT_NULL_FATAL(call);
	tx_expect(ISUP_MT_IAM, 2);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	tx_expect(ISUP_MT_REL, 2);
	rx("RLC cic=2");
	check_idle_and_free();
}

static void test_user_part_unavailable(void)
{
	setup_trunk(ISUP_VAR_ITU);
	isup_trunk_mtp_status(tg, ISUP_MTP_STATUS_UP_UNAVAILABLE, 0);
	tx_expect(ISUP_MT_UPT, 1);
	struct isup_msg iam;
	uint8_t cause = 0;
	isup_msg_from_line(&iam, variant, IAM_IN(0, "1F"), NULL, 0);
	CU_ASSERT_PTR_NULL(isup_call_setup_req(tg, &iam, (void *)1, &cause));
	CU_ASSERT_EQUAL(cause, 27);
	advance(300); /* T4 */
	tx_expect(ISUP_MT_UPT, 1);
	rx("UPA cic=1"); /* any message: available again, T4 stopped */
	CU_ASSERT_FALSE(tg->up_unavailable);
	advance(600);
	tx_none();
	/* and we answer the far end's test */
	rx("UPT cic=1");
	tx_expect(ISUP_MT_UPA, 1);
	check_idle_and_free();
}

static void test_acc(void)
{
	setup_trunk(ISUP_VAR_ITU);
	rx(IAM_IN(3, "1F"));
	ind_expect(ISUP_PRIM_SETUP);
	/* a REL carrying ACL level 2: half of the new calls are refused with cause 42 */
	rx("REL cic=3 cause.cause=42 acl.value=2");
	tx_expect(ISUP_MT_RLC, 3);
	ind_expect(ISUP_PRIM_RELEASE);
	CU_ASSERT_EQUAL(tg->acc_level, 2);
	struct isup_msg iam;
	isup_msg_from_line(&iam, variant, IAM_IN(0, "1F"), NULL, 0);
	unsigned ok = 0, refused = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t cause = 0;
		struct isup_call *call = isup_call_setup_req(tg, &iam, (void *)1, &cause);
		if (!call) {
			CU_ASSERT_EQUAL(cause, 42);
			refused++;
			continue;
		}
		ok++;
		iam_then_release(call);
	}
	CU_ASSERT_EQUAL(ok, 4);
	CU_ASSERT_EQUAL(refused, 4);
	/* T30 (5 s) steps the level down, one step each time */
	advance(6);
	CU_ASSERT_EQUAL(tg->acc_level, 1);
	advance(6);
	CU_ASSERT_EQUAL(tg->acc_level, 0);
	check_idle_and_free();
}

/* ACC disabled on the trunk: an ACL is ignored; our own congestion level goes as ACL in every REL we send
 * (Q.764 2.11.1), and no longer once it is over */
static void test_acl_sent_and_acc_disabled(void)
{
	setup_trunk(ISUP_VAR_ITU);
	tg->acc_disabled = true;
	rx(IAM_IN(3, "1F"));
	ind_expect(ISUP_PRIM_SETUP);
	rx("REL cic=3 cause.cause=42 acl.value=2");
	tx_expect(ISUP_MT_RLC, 3);
	ind_expect(ISUP_PRIM_RELEASE);
	CU_ASSERT_EQUAL(tg->acc_level, 0);
	tg->acc_disabled = false;
	tg->own_acl = 1;
	rx(IAM_IN(5, "1F"));
	struct isup_call *in = ind_expect(ISUP_PRIM_SETUP)->call;
	struct isup_cause c = isup_cause_make(0, 42);
	isup_call_release_req(in, &c);
	struct isup_u8 acl = { 0 };
	CU_ASSERT_EQUAL(isup_msg_get_bits(tx_expect(ISUP_MT_REL, 5), ISUP_PAR_ACL, &acl), 0);
	CU_ASSERT_EQUAL(acl.value, 1);
	rx("RLC cic=5");
	tg->own_acl = 0;
	rx(IAM_IN(7, "1F"));
	in = ind_expect(ISUP_PRIM_SETUP)->call;
	isup_call_release_req(in, &c);
	CU_ASSERT_NOT_EQUAL(isup_msg_get_bits(tx_expect(ISUP_MT_REL, 7), ISUP_PAR_ACL, &acl), 0);
	rx("RLC cic=7");
	check_idle_and_free();
}

/* OLM in answer to our IAM: the user hears of a release with cause 42 at once; the circuit stays seized,
 * no new call on it, until T3 (2 min) sends REL; a REL from the far end first ends it too */
static void test_olm_received(void)
{
	setup_trunk(ISUP_VAR_ITU);
	place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("OLM cic=2");
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->cause, 42);
	tx_none();
	CU_ASSERT_EQUAL(tg->circuits[1]->fi->state, ISUP_CIC_ST_BUSY_OUT);
	/* the next call takes another circuit */
	place_call();
	uint16_t cic = 4; /* the next even one (we control even CICs) */
	tx_expect(ISUP_MT_IAM, cic);
	char line[32];
	snprintf(line, sizeof(line), "REL cic=%u cause.cause=16", cic);
	rx(line);
	tx_expect(ISUP_MT_RLC, cic);
	ind_expect(ISUP_PRIM_RELEASE);
	advance(119);
	tx_none();
	advance(2);
	CU_ASSERT_EQUAL(tx_cause(tx_expect(ISUP_MT_REL, 2)), 42);
	rx("RLC cic=2");
	/* the far end releases first */
	place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("OLM cic=2");
	ind_expect(ISUP_PRIM_RELEASE);
	rx("REL cic=2 cause.cause=42");
	tx_expect(ISUP_MT_RLC, 2);
	ind_none();
	CU_ASSERT_EQUAL(rate_ctr_group_get_ctr(tg->ctrs, ISUP_CTR_OLM_RX)->current, 2);
	check_idle_and_free();
}

static void test_cqm(void)
{
	setup_trunk(ISUP_VAR_ITU);
	/* we answer a query: CIC 1 idle, CIC 2 blocked by us, CIC 3 busy incoming */
	tg->circuits[1]->blk = ISUP_BLK_LOCAL_MAINT;
	rx(IAM_IN(3, "1F"));
	struct isup_call *call = ind_expect(ISUP_PRIM_SETUP)->call;
	rx("CQM cic=1 rs.range=2");
	const struct isup_msg *cqr = tx_expect(ISUP_MT_CQR, 1);
	const struct isup_param *p = isup_msg_get(cqr, ISUP_PAR_CIRC_STATE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->len, 3);
	const uint8_t *st = isup_msg_pdata(cqr, p);
	CU_ASSERT_EQUAL(st[0], 0x0c); /* idle, not blocked */
	CU_ASSERT_EQUAL(st[1], 0x0d); /* idle, locally blocked */
	CU_ASSERT_EQUAL(st[2], 0x04); /* incoming busy */
	tg->circuits[1]->blk = 0;
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	tx_expect(ISUP_MT_REL, 3);
	rx("RLC cic=3");
	/* our query: answered, then one left unanswered (T28 alerts) */
	CU_ASSERT_EQUAL(isup_group_query(tg, 1, 1), 0);
	tx_expect(ISUP_MT_CQM, 1);
	rx("CQR cic=1 rs.range=1 csi=0c0e");
	CU_ASSERT_FALSE(tg->cqm.pending);
	CU_ASSERT_EQUAL(tg->cqm.cs.n, 2);
	CU_ASSERT_EQUAL(tg->cqm.cs.st[1], 0x0e);
	CU_ASSERT_EQUAL(isup_group_query(tg, 5, 3), 0);
	tx_expect(ISUP_MT_CQM, 5);
	advance(11);
	CU_ASSERT_EQUAL(alerts, 1);
	CU_ASSERT_FALSE(tg->cqm.pending);
	check_idle_and_free();
}

static void test_ansi_cvt_crm(void)
{
	setup_trunk(ISUP_VAR_ANSI);
	rx("CVT cic=5");
	const struct isup_msg *cvr = tx_expect(ISUP_MT_CVR, 5);
	struct isup_cvr_resp r;
	CU_ASSERT_EQUAL(isup_msg_get_bits(cvr, ISUP_PAR_ANSI_CVR_RESP_IND, &r), 0);
	CU_ASSERT_EQUAL(r.response, 1);
	rx("CRM cic=5 nci.satellite=0");
	tx_expect(ISUP_MT_CRA, 5);
	/* and UCIC is an ITU answer: an ANSI trunk discards messages for unknown CICs */
	rx("RSC cic=1000");
	tx_none();
	check_idle_and_free();
}

static void test_rsc_on_blocked_and_long_group_timers(void)
{
	setup_trunk(ISUP_VAR_ITU);
	/* RSC on a remotely blocked circuit removes the block (Q.784.1 1.2.4) */
	rx("BLO cic=3");
	tx_expect(ISUP_MT_BLA, 3);
	rx("RSC cic=3");
	tx_expect(ISUP_MT_RLC, 3);
	CU_ASSERT_EQUAL(tg->circuits[2]->blk, 0);
	/* RSC on a locally blocked circuit: RLC, then BLO again to keep the far end informed (1.2.3) */
	isup_circuit_block(tg, 5);
	tx_expect(ISUP_MT_BLO, 5);
	rx("BLA cic=5");
	rx("RSC cic=5");
	tx_expect(ISUP_MT_RLC, 5);
	tx_expect(ISUP_MT_BLO, 5);
	CU_ASSERT_TRUE(tg->circuits[4]->blk & ISUP_BLK_LOCAL_MAINT);
	tg->circuits[4]->blk = 0;
	/* unanswered CGB, CGU, GRS: the long timers T19, T21, T23 (5 min) alert maintenance */
	isup_group_block(tg, 10, 3, false);
	isup_group_unblock(tg, 20, 3, true);
	isup_group_reset(tg, 25, 3);
	unsigned seen = 0;
	for (unsigned s = 0; s < 300; s++) {
		advance(1);
		while (txq_head < txq_n) {
			uint8_t t = txq[txq_head++].type;
			CU_ASSERT(t == ISUP_MT_CGB || t == ISUP_MT_CGU || t == ISUP_MT_GRS);
			seen++;
		}
	}
	CU_ASSERT_EQUAL(alerts, 3);
	CU_ASSERT(seen >= 3 * 20);
	rx("CGBA cic=10 cgsmt.type=0 rs.range=3 rs.status=0f");
	rx("CGUA cic=20 cgsmt.type=1 rs.range=3 rs.status=0f");
	rx("GRA cic=25 rs.range=3 rs.status=00");
	for (unsigned i = 9; i < 13; i++)
		tg->circuits[i]->blk = 0;
	advance(600);
	tx_none();
	check_idle_and_free();
}

/* Release from every state, both ways: the circuit always comes back idle (Q.764 2.3). */
static void test_release_from_any_state(void)
{
	static const char *const steps_out[] = { NULL, "ACM cic=2 bci.called_status=1", "ANM cic=2" };
	for (int from_far = 0; from_far < 2; from_far++) {
		/* outgoing: after IAM, after ACM, after ANM */
		for (unsigned k = 0; k < 3; k++) {
			setup_trunk(ISUP_VAR_ITU);
			struct isup_call *call = place_call();
			tx_expect(ISUP_MT_IAM, 2);
			for (unsigned j = 1; j <= k; j++) {
				rx(steps_out[j]);
				inds_head = inds_n;
			}
			if (from_far) {
				rx("REL cic=2 cause.location=1 cause.cause=16");
				tx_expect(ISUP_MT_RLC, 2);
				ind_expect(ISUP_PRIM_RELEASE);
			} else {
				struct isup_cause c = isup_cause_make(0, 16);
				isup_call_release_req(call, &c);
				tx_expect(ISUP_MT_REL, 2);
				rx("RLC cic=2");
			}
			check_idle_and_free();
		}
		/* incoming: during the continuity check, set-up, alerted, answered */
		for (unsigned k = 0; k < 4; k++) {
			setup_trunk(ISUP_VAR_ITU);
			rx(k == 0 ? IAM_COT(7, 1, "1F") : IAM_IN(7, "1F"));
			struct isup_call *call = k == 0 ? tg->circuits[6]->call : ind_expect(ISUP_PRIM_SETUP)->call;
			if (k >= 2) {
				isup_call_req(call, ISUP_PRIM_ALERTING, NULL);
				tx_expect(ISUP_MT_ACM, 7);
			}
			if (k == 3) {
				isup_call_req(call, ISUP_PRIM_ANSWER, NULL);
				tx_expect(ISUP_MT_ANM, 7);
			}
			if (from_far || k == 0) {
				rx("REL cic=7 cause.location=1 cause.cause=16");
				tx_expect(ISUP_MT_RLC, 7);
				if (k)
					ind_expect(ISUP_PRIM_RELEASE);
			} else {
				struct isup_cause c = isup_cause_make(0, 16);
				isup_call_release_req(call, &c);
				tx_expect(ISUP_MT_REL, 7);
				rx("RLC cic=7");
			}
			ind_none();
			check_idle_and_free();
		}
	}
}

static void test_reset_on_first_resume(void)
{
	setup_trunk(ISUP_VAR_ITU);
	tg->reset_on_start = true;
	isup_trunk_mtp_resume(tg);
	tx_expect(ISUP_MT_GRS, 1);
	rx("GRA cic=1 rs.range=30 rs.status=00000000");
	/* a later resume without reset-on-resume does not reset again */
	isup_trunk_mtp_pause(tg);
	isup_trunk_mtp_resume(tg);
	tx_none();
	check_idle_and_free();
}

/* Maintenance blocking from before a restart (isup_circuit_restore_blocked()): nothing goes out until the
 * relation first comes up; then a BLO per circuit, or, with reset-on-start, the GRS and a BLO per circuit
 * once the GRA is in. The user hears of the operator's changes only (BLO/UBL, maintenance CGB/CGU). */
static void test_restore_blocked(void)
{
	for (int reset = 0; reset < 2; reset++) {
		setup_trunk(ISUP_VAR_ITU);
		tg->reset_on_start = reset;
		CU_ASSERT_EQUAL(isup_circuit_restore_blocked(tg, 5), 0);
		CU_ASSERT_EQUAL(isup_circuit_restore_blocked(tg, 7), 0);
		CU_ASSERT_EQUAL(isup_circuit_restore_blocked(tg, 99), -ENODEV);
		tx_none();
		isup_trunk_mtp_resume(tg);
		if (reset) {
			tx_expect(ISUP_MT_GRS, 1);
			rx("GRA cic=1 rs.range=30 rs.status=00000000");
		}
		tx_expect(ISUP_MT_BLO, 5);
		tx_expect(ISUP_MT_BLO, 7);
		rx("BLA cic=5");
		rx("BLA cic=7");
		CU_ASSERT_EQUAL(maint_changes, 0);
		CU_ASSERT_TRUE(tg->circuits[4]->blk & ISUP_BLK_LOCAL_MAINT);
		/* the operator's changes are told */
		CU_ASSERT_EQUAL(isup_circuit_unblock(tg, 5), 0);
		tx_expect(ISUP_MT_UBL, 5);
		rx("UBA cic=5");
		CU_ASSERT_EQUAL(maint_changes, 1);
		CU_ASSERT_EQUAL(isup_group_block(tg, 10, 2, false), 0);
		tx_expect(ISUP_MT_CGB, 10);
		rx("CGBA cic=10 cgsmt.type=0 rs.range=2 rs.status=07");
		CU_ASSERT_EQUAL(maint_changes, 2);
		CU_ASSERT_EQUAL(isup_group_block(tg, 20, 1, true), 0); /* hardware: not the operator's to keep */
		tx_expect(ISUP_MT_CGB, 20);
		rx("CGBA cic=20 cgsmt.type=1 rs.range=1 rs.status=03");
		CU_ASSERT_EQUAL(maint_changes, 2);
		isup_group_unblock(tg, 20, 1, true);
		tx_expect(ISUP_MT_CGU, 20);
		rx("CGUA cic=20 cgsmt.type=1 rs.range=1 rs.status=00");
		isup_group_unblock(tg, 10, 2, false);
		tx_expect(ISUP_MT_CGU, 10);
		rx("CGUA cic=10 cgsmt.type=0 rs.range=2 rs.status=00");
		isup_circuit_unblock(tg, 7);
		tx_expect(ISUP_MT_UBL, 7);
		rx("UBA cic=7");
		CU_ASSERT_EQUAL(maint_changes, 4);
		check_idle_and_free();
	}
}

/* ---- continuity check ---- */

static void test_cot_incoming(void)
{
	setup_trunk(ISUP_VAR_ITU);
	/* required on this circuit: loop back, the call waits for COT */
	rx(IAM_COT(4, 1, "4930F"));
	CU_ASSERT_EQUAL(loops_on, 1);
	CU_ASSERT_EQUAL(loop_cic, 4);
	ind_none();
	advance(5);
	rx("COT cic=4 coti.cot=1");
	CU_ASSERT_EQUAL(loops_off, 1);
	struct isup_call *call = ind_expect(ISUP_PRIM_SETUP)->call;
	isup_call_req(call, ISUP_PRIM_ALERTING, NULL);
	tx_expect(ISUP_MT_ACM, 4);
	rx("REL cic=4 cause.cause=16");
	tx_expect(ISUP_MT_RLC, 4);
	ind_expect(ISUP_PRIM_RELEASE);
	/* on a previous circuit: no loop here; SAMs meanwhile land in the held IAM */
	rx(IAM_COT(6, 2, "49"));
	CU_ASSERT_EQUAL(loops_on, 1);
	rx("SAM cic=6 sn.digits=301F");
	ind_none();
	rx("COT cic=6 coti.cot=1");
	const struct ind *i = ind_expect(ISUP_PRIM_SETUP);
	struct isup_number cd;
	CU_ASSERT_EQUAL(isup_msg_get_number(&i->call->setup_msg, ISUP_PAR_CALLED, &cd), 0);
	CU_ASSERT_STRING_EQUAL(cd.digits, "49301F");
	CU_ASSERT_TRUE(i->call->addr_complete);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(i->call, &c);
	tx_expect(ISUP_MT_REL, 6);
	rx("RLC cic=6");
	check_idle_and_free();
}

static void test_cot_incoming_failures(void)
{
	setup_trunk(ISUP_VAR_ITU);
	/* T8: no COT in 10 s: release (cause 41), the user never heard of the call */
	rx(IAM_COT(4, 1, "1F"));
	advance(11);
	CU_ASSERT_EQUAL(loops_off, 1);
	CU_ASSERT_EQUAL(tx_cause(tx_expect(ISUP_MT_REL, 4)), 41);
	rx("RLC cic=4");
	ind_none();
	/* COT failure: wait for CCR (T27), loop for the recheck, the far end's REL ends it */
	rx(IAM_COT(8, 1, "1F"));
	rx("COT cic=8 coti.cot=0");
	CU_ASSERT_EQUAL(loops_off, 2);
	advance(100);
	rx("CCR cic=8");
	CU_ASSERT_EQUAL(loops_on, 3);
	rx("REL cic=8 cause.cause=16");
	tx_expect(ISUP_MT_RLC, 8);
	CU_ASSERT_EQUAL(loops_off, 3);
	ind_none();
	/* COT failure and no CCR within T27 (240 s): reset the circuit */
	rx(IAM_COT(10, 1, "1F"));
	rx("COT cic=10 coti.cot=0");
	advance(239);
	tx_none();
	advance(2);
	tx_expect(ISUP_MT_RSC, 10);
	rx("RLC cic=10");
	ind_none();
	check_idle_and_free();
}

static void test_cot_outgoing(void)
{
	setup_trunk(ISUP_VAR_ITU);
	struct isup_msg iam;
	isup_msg_from_line(&iam, variant, IAM_COT(0, 1, "4930F"), NULL, 0);
	struct isup_call *call = isup_call_setup_req(tg, &iam, (void *)1, NULL);
	tx_expect(ISUP_MT_IAM, 2);
	CU_ASSERT_EQUAL(test_cic, -1); /* the test is asked for from the main loop */
	run_timers();
	CU_ASSERT_EQUAL(test_cic, 2);
	CU_ASSERT_PTR_EQUAL(test_call, call);
	/* the test fails: COT failure, the call moves on, the circuit is rechecked */
	isup_call_cot_result(call, false);
	struct isup_cot_ind ci = { .cot = 1 };
	CU_ASSERT_EQUAL(isup_msg_get_bits(tx_expect(ISUP_MT_COT, 2), ISUP_PAR_COT_IND, &ci), 0);
	CU_ASSERT_EQUAL(ci.cot, 0);
	tx_expect(ISUP_MT_IAM, 4);
	run_timers();
	CU_ASSERT_EQUAL(test_cic, 4);
	CU_ASSERT_FALSE(isup_circuit_available(tg->circuits[1]));
	/* the test on CIC 4 passes */
	isup_call_cot_result(call, true);
	isup_msg_get_bits(tx_expect(ISUP_MT_COT, 4), ISUP_PAR_COT_IND, &ci);
	CU_ASSERT_EQUAL(ci.cot, 1);
	rx("ACM cic=4 bci.called_status=1");
	ind_expect(ISUP_PRIM_ALERTING);
	rx("ANM cic=4");
	ind_expect(ISUP_PRIM_ANSWER);
	/* recheck of CIC 2: T25 (5 s) -> CCR; fails; T26 (120 s) -> CCR; passes -> REL, RLC */
	advance(5);
	tx_expect(ISUP_MT_CCR, 2);
	CU_ASSERT_EQUAL(test_cic, 2);
	CU_ASSERT_PTR_NULL(test_call);
	CU_ASSERT_EQUAL(alerts, 0);
	/* the second failure in a row (the test, then this recheck) alerts maintenance */
	CU_ASSERT_EQUAL(isup_circuit_cot_result(tg, 2, false), 0);
	CU_ASSERT_EQUAL(alerts, 1);
	advance(119);
	tx_none();
	advance(1);
	tx_expect(ISUP_MT_CCR, 2);
	/* no result within T24: counted as a failure */
	advance(3);
	CU_ASSERT_EQUAL(tg->circuits[1]->cot_failures, 3);
	advance(120);
	tx_expect(ISUP_MT_CCR, 2);
	CU_ASSERT_EQUAL(isup_circuit_cot_result(tg, 2, true), 0);
	tx_expect(ISUP_MT_REL, 2);
	rx("RLC cic=2");
	CU_ASSERT_TRUE(isup_circuit_available(tg->circuits[1]));
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	tx_expect(ISUP_MT_REL, 4);
	rx("RLC cic=4");
	check_idle_and_free();
}

/* A user acting from inside its callbacks: release on answer, release again on release. */
static struct isup_call *reentrant_call;
static void call_ind_reentrant(struct isup_call *call, enum isup_prim prim, const struct isup_msg *m,
			       const struct isup_cause *cause, void *priv)
{
	call_ind(call, prim, m, cause, priv);
	struct isup_cause c = isup_cause_make(0, 16);
	if (prim == ISUP_PRIM_ANSWER || prim == ISUP_PRIM_RELEASE)
		isup_call_release_req(call, &c);
}

static void test_reentrant_user(void)
{
	static const struct isup_user_ops ops = { .call_ind = call_ind_reentrant };
	setup_trunk(ISUP_VAR_ITU);
	isup_trunk_set_user(tg, &ops, NULL);
	reentrant_call = place_call();
	tx_expect(ISUP_MT_IAM, 2);
	rx("ANM cic=2");
	ind_expect(ISUP_PRIM_ANSWER);
	tx_expect(ISUP_MT_REL, 2); /* sent from inside the ANSWER indication, state consistent */
	rx("RLC cic=2");
	/* incoming call released by the far end: the user's release from the indication sends nothing */
	rx(IAM_IN(5, "1F"));
	ind_expect(ISUP_PRIM_SETUP);
	rx("REL cic=5 cause.cause=16");
	tx_expect(ISUP_MT_RLC, 5);
	ind_expect(ISUP_PRIM_RELEASE);
	tx_none();
	check_idle_and_free();
}

/* A user that fails every continuity test at once, from inside the request: the call walks the
 * circuits and ends with cause 34 when none is left, without touching a freed call. */
static void cot_test_fail_now(struct isup_trunk *t, uint16_t cic, struct isup_call *call, void *priv)
{
	if (call)
		isup_call_cot_result(call, false);
}

static void test_cot_user_fails_synchronously(void)
{
	static const struct isup_user_ops ops = { .call_ind = call_ind, .cot_test = cot_test_fail_now };
	setup_trunk(ISUP_VAR_ITU);
	isup_trunk_set_user(tg, &ops, NULL);
	for (unsigned i = 2; i < tg->n_circuits; i++)
		tg->circuits[i]->blk = ISUP_BLK_LOCAL_MAINT; /* only CICs 1 and 2 */
	struct isup_msg iam;
	isup_msg_from_line(&iam, variant, IAM_COT(0, 1, "1F"), NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(isup_call_setup_req(tg, &iam, (void *)1, NULL));
	tx_expect(ISUP_MT_IAM, 2);
	run_timers();
	tx_expect(ISUP_MT_COT, 2);
	tx_expect(ISUP_MT_IAM, 1);
	run_timers();
	tx_expect(ISUP_MT_COT, 1);
	CU_ASSERT_EQUAL(ind_expect(ISUP_PRIM_RELEASE)->cause, 34);
	CU_ASSERT_TRUE(llist_empty(&tg->calls));
	/* both circuits are being rechecked: T25, CCR; the user never answers, T24 counts it a failure,
	 * then a pass clears them */
	advance(5);
	/* both T25 expire in the same second: either order */
	unsigned cics = 0;
	for (int k = 0; k < 2; k++) {
		CU_ASSERT_FATAL(txq_head < txq_n);
		CU_ASSERT_EQUAL(txq[txq_head].type, ISUP_MT_CCR);
		cics |= 1u << txq[txq_head++].cic;
	}
	CU_ASSERT_EQUAL(cics, 0x6);
	CU_ASSERT_EQUAL(isup_circuit_cot_result(tg, 1, true), 0);
	CU_ASSERT_EQUAL(isup_circuit_cot_result(tg, 2, true), 0);
	tx_expect(ISUP_MT_REL, 1);
	tx_expect(ISUP_MT_REL, 2);
	rx("RLC cic=1");
	rx("RLC cic=2");
	for (unsigned i = 2; i < tg->n_circuits; i++)
		tg->circuits[i]->blk = 0;
	check_idle_and_free();
}

/* A user that has nothing for the first circuits it is offered (circuit_req, e.g. no RTP port for their
 * media): each refused circuit stays idle and sends nothing, the set-up fails with cause 47; a circuit the
 * user takes gets the IAM. */
static unsigned circuit_reqs, refuse_n;
static int circuit_req_refuse(struct isup_call *call, void *priv)
{
	CU_ASSERT_PTR_NOT_NULL(call->circ);
	CU_ASSERT_EQUAL(call->user_ref, (void *)1);
	return circuit_reqs++ < refuse_n ? -ENOSPC : 0;
}

static void test_circuit_refused_by_user(void)
{
	static const struct isup_user_ops ops = { .call_ind = call_ind, .circuit_req = circuit_req_refuse };
	setup_trunk(ISUP_VAR_ITU);
	isup_trunk_set_user(tg, &ops, NULL);
	circuit_reqs = 0;
	refuse_n = 2;
	struct isup_msg iam;
	uint8_t cause = 0;
	CU_ASSERT_EQUAL_FATAL(isup_msg_from_line(&iam, variant, IAM_IN(0, "1F"), NULL, 0), 0);
	for (unsigned i = 0; i < 2; i++) {
		cause = 0;
		CU_ASSERT_PTR_NULL(isup_call_setup_req(tg, &iam, (void *)1, &cause));
		CU_ASSERT_EQUAL(cause, Q850_RESOURCE_UNAVAILABLE);
		tx_none();
		ind_none();
		CU_ASSERT_TRUE(llist_empty(&tg->calls));
	}
	struct isup_call *call = isup_call_setup_req(tg, &iam, (void *)1, &cause);
	CU_ASSERT_PTR_NOT_NULL_FATAL(call);
	CU_ASSERT_EQUAL(circuit_reqs, 3);
	iam_then_release(call);
	check_idle_and_free();
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "test_isup_cc");
	osmo_init_logging2(ctx, &isupgw_log_info);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_category_filter(osmo_stderr_target, DISUP, 1, LOGL_ERROR);
	isup_cc_init(DISUP);
	fake_clock_enable();

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("isup_call_control", NULL, NULL);
	CU_add_test(s, "outgoing basic call (IAM ACM CPG ANM REL RLC)", test_outgoing_basic);
	CU_add_test(s, "incoming basic call", test_incoming_basic);
	CU_add_test(s, "incoming answer without ACM: CON (ITU) / ANM (ANSI)", test_incoming_answer_no_acm);
	CU_add_test(s, "answer before ACM", test_answer_before_acm);
	CU_add_test(s, "T7 expiry", test_t7_expiry);
	CU_add_test(s, "T9 expiry", test_t9_expiry);
	CU_add_test(s, "T1 repeat and T5 reset", test_t1_t5_release_unanswered);
	CU_add_test(s, "REL crossing REL", test_rel_crossing_rel);
	CU_add_test(s, "incoming overlap with SAM and ST", test_overlap_incoming);
	CU_add_test(s, "T35 expiry", test_t35_expiry);
	CU_add_test(s, "dual seizure: we control the CIC", test_dual_seizure_we_control);
	CU_add_test(s, "dual seizure: the far end controls the CIC", test_dual_seizure_we_yield);
	CU_add_test(s, "BLO during a call", test_blo_during_call);
	CU_add_test(s, "BLO before any backward message", test_blo_before_backward_message);
	CU_add_test(s, "RSC during a call", test_rsc_during_call);
	CU_add_test(s, "our BLO/UBL with T12-T15", test_our_blo_t12_t13);
	CU_add_test(s, "GRS covering busy circuits", test_grs_covering_busy_circuits);
	CU_add_test(s, "our GRS with T22 and GRA status", test_our_grs);
	CU_add_test(s, "reset of all circuits in ranges of 32", test_reset_all_at_startup);
	CU_add_test(s, "CGB/CGU with status bitmaps, hardware blocking", test_cgb_status_bitmap);
	CU_add_test(s, "hardware blocking kept across GRS both ways and MTP-PAUSE/RESUME",
		    test_hw_blocking_persistence);
	CU_add_test(s, "unknown CIC, unexpected and unrecognized messages", test_unknown_cic_and_unexpected);
	CU_add_test(s, "unrecognized parameters per parameter compatibility information", test_unrecognized_parameters);
	CU_add_test(s, "UCIC moves a call in set-up", test_ucic_moves_call);
	CU_add_test(s, "RLC without our REL during an answered call", test_rlc_without_rel_answered);
	CU_add_test(s, "RLC without our REL during set-up", test_rlc_without_rel_setup);
	CU_add_test(s, "UCIC during a call", test_ucic_during_call);
	CU_add_test(s, "no circuit available", test_no_circuit);
	CU_add_test(s, "ANSI basic call", test_ansi_basic);
	CU_add_test(s, "ANSI release supervision timers (T1, T5, T17)", test_ansi_release_timers);
	CU_add_test(s, "suspend/resume with T6 and T2", test_suspend_resume);
	CU_add_test(s, "INR/INF with T33", test_inr_t33);
	CU_add_test(s, "MTP-PAUSE/RESUME, reset on resume", test_mtp_pause_resume);
	CU_add_test(s, "maintenance blocking restored after a restart", test_restore_blocked);
	CU_add_test(s, "user part unavailable: UPT every T4", test_user_part_unavailable);
	CU_add_test(s, "automatic congestion control (ACL, T29/T30)", test_acc);
	CU_add_test(s, "our congestion as ACL in REL; ACC disabled ignores ACL", test_acl_sent_and_acc_disabled);
	CU_add_test(s, "OLM received: release cause 42, circuit held for T3", test_olm_received);
	CU_add_test(s, "circuit group query both ways, T28", test_cqm);
	CU_add_test(s, "ANSI CVT/CVR and CRM/CRA", test_ansi_cvt_crm);
	CU_add_test(s, "RSC on blocked circuits; T19, T21, T23", test_rsc_on_blocked_and_long_group_timers);
	CU_add_test(s, "release from every state, both ways", test_release_from_any_state);
	CU_add_test(s, "a user acting from inside its indications", test_reentrant_user);
	CU_add_test(s, "reset of every circuit when the relation first comes up", test_reset_on_first_resume);
	CU_add_test(s, "continuity check, incoming: loop, T8, SAM while waiting", test_cot_incoming);
	CU_add_test(s, "continuity check, incoming failures: T8, CCR recheck, T27", test_cot_incoming_failures);
	CU_add_test(s, "continuity check, outgoing: failure, repeat, recheck T25/T26/T24", test_cot_outgoing);
	CU_add_test(s, "continuity test failed from inside the request", test_cot_user_fails_synchronously);
	CU_add_test(s, "circuit refused by the user before the IAM: cause 47", test_circuit_refused_by_user);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	log_fini();
	talloc_free(ctx);
	return fails ? 1 : 0;
}
