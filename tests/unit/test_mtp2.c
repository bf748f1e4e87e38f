/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MTP2 (Q.703): two links wired back to back through an in-memory wire that can lose signal units,
 * with the clock faked in milliseconds. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>

#include "config/isupgw_log.h"
#include "cunit_run.h"
#include "fake_clock.h"
#include "isup/mtp/mtp2.h"

static void *ctx;

/* ---- the wire: frames queued per direction, delivered by pump() ---- */

#define WIRE_Q 4096
struct side {
	struct mtp2_link *l;
	struct side *peer;
	uint8_t q[WIRE_Q][MTP2_MAX_SU];
	uint16_t qlen[WIRE_Q];
	unsigned qn;
	/* faults on what this side sends */
	bool cut;	    /* nothing arrives */
	unsigned drop_msus; /* the next N MSUs are lost */
	unsigned skip_msus; /* ... after letting this many through */
	/* what this side received */
	unsigned ups, downs, msus;
	const char *reason;
	uint32_t rx_seq[2048];
};
static struct side A, B;

static int wire_tx(struct mtp2_link *l, const uint8_t *su, size_t len, void *priv)
{
	struct side *s = priv;
	if (s->cut)
		return 0;
	if (len > MTP2_HDR_LEN + 2 && s->drop_msus) {
		if (s->skip_msus)
			s->skip_msus--;
		else {
			s->drop_msus--;
			return 0;
		}
	}
	CU_ASSERT_FATAL(s->peer->qn < WIRE_Q);
	memcpy(s->peer->q[s->peer->qn], su, len);
	s->peer->qlen[s->peer->qn++] = (uint16_t)len;
	return 0;
}

static void state_ind(struct mtp2_link *l, bool up, const char *reason, void *priv)
{
	struct side *s = priv;
	if (up)
		s->ups++;
	else {
		s->downs++;
		s->reason = reason;
	}
}

static void rx_msu(struct mtp2_link *l, const uint8_t *msu, size_t len, void *priv)
{
	struct side *s = priv;
	uint32_t v;
	CU_ASSERT_FATAL(len >= 5);
	memcpy(&v, msu + 1, 4);
	if (s->msus < 2048)
		s->rx_seq[s->msus] = v;
	s->msus++;
}

static const struct mtp2_ops ops = { .tx = wire_tx, .state_ind = state_ind, .rx_msu = rx_msu };

static void pump(void)
{
	for (int round = 0; round < 1000 && (A.qn || B.qn); round++) {
		for (struct side *s = &A; s; s = s == &A ? &B : NULL) {
			static uint8_t q[WIRE_Q][MTP2_MAX_SU];
			static uint16_t ql[WIRE_Q];
			unsigned n = s->qn;
			memcpy(q, s->q, sizeof(q[0]) * n);
			memcpy(ql, s->qlen, sizeof(ql[0]) * n);
			s->qn = 0;
			for (unsigned i = 0; i < n; i++)
				mtp2_rx(s->l, q[i], ql[i]);
		}
	}
}

static void step(unsigned ms)
{
	for (unsigned i = 0; i < ms; i++) {
		advance_ms(1);
		pump();
	}
}

static void setup_pair(bool emerg_a, bool emerg_b)
{
	memset(&A, 0, sizeof(A));
	memset(&B, 0, sizeof(B));
	A.peer = &B;
	B.peer = &A;
	struct mtp2_cfg c;
	mtp2_cfg_defaults(&c, false);
	c.emergency = emerg_a;
	A.l = mtp2_alloc(ctx, "A", &c, &ops, &A);
	c.emergency = emerg_b;
	B.l = mtp2_alloc(ctx, "B", &c, &ops, &B);
}

static void teardown_pair(void)
{
	mtp2_free(A.l);
	mtp2_free(B.l);
	A.l = B.l = NULL;
}

static unsigned align_ms(void)
{
	mtp2_link_start(A.l);
	mtp2_link_start(B.l);
	unsigned t = 0;
	while (t < 20000 && !(A.ups && B.ups)) {
		step(10);
		t += 10;
	}
	return t;
}

static void send_msus(struct side *s, unsigned from, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t msu[20] = { 0x85 };
		uint32_t v = from + i;
		memcpy(msu + 1, &v, 4);
		CU_ASSERT_EQUAL(mtp2_msu_req(s->l, msu, sizeof(msu)), 0);
	}
}

static bool in_order(const struct side *s, unsigned n)
{
	if (s->msus != n)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (s->rx_seq[i] != i)
			return false;
	return true;
}

/* ---- tests ---- */

static void test_align_emergency(void)
{
	setup_pair(true, true);
	unsigned t = align_ms();
	CU_ASSERT_EQUAL(A.l->state, MTP2_ST_IN_SERVICE);
	CU_ASSERT_EQUAL(B.l->state, MTP2_ST_IN_SERVICE);
	/* T4e = 500 ms of proving, plus a few ms */
	CU_ASSERT(t >= 500 && t <= 600);
	CU_ASSERT_EQUAL(A.ups, 1);
	CU_ASSERT_EQUAL(B.ups, 1);
	CU_ASSERT_EQUAL(A.downs + B.downs, 0);
	teardown_pair();
}

static void test_align_normal(void)
{
	setup_pair(false, false);
	unsigned t = align_ms();
	CU_ASSERT_EQUAL(A.l->state, MTP2_ST_IN_SERVICE);
	/* T4n = 8.2 s */
	CU_ASSERT(t >= 8200 && t <= 8300);
	teardown_pair();
}

static void test_align_peer_emergency(void)
{
	/* A asks for emergency proving; B follows on receiving SIE (Q.703 7.3) */
	setup_pair(true, false);
	unsigned t = align_ms();
	CU_ASSERT(t >= 500 && t <= 600);
	CU_ASSERT(B.l->prove_emergency);
	teardown_pair();
}

static void test_t2_no_peer(void)
{
	setup_pair(true, true);
	A.cut = B.cut = true;
	mtp2_link_start(A.l);
	step(49900);
	CU_ASSERT_EQUAL(A.l->state, MTP2_ST_NOT_ALIGNED);
	CU_ASSERT_EQUAL(A.downs, 0);
	step(200);
	CU_ASSERT_EQUAL(A.l->state, MTP2_ST_OUT_OF_SERVICE);
	CU_ASSERT_EQUAL(A.downs, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(A.reason);
	CU_ASSERT(strstr(A.reason, "T2") != NULL);
	teardown_pair();
}

static void test_sios_while_proving(void)
{
	setup_pair(false, false);
	mtp2_link_start(A.l);
	mtp2_link_start(B.l);
	step(1000);
	CU_ASSERT_EQUAL(A.l->state, MTP2_ST_PROVING);
	mtp2_link_stop(B.l); /* B sends SIOS */
	step(10);
	CU_ASSERT_EQUAL(A.l->state, MTP2_ST_OUT_OF_SERVICE);
	CU_ASSERT_EQUAL(A.downs, 1);
	teardown_pair();
}

static void test_transfer_window(void)
{
	setup_pair(true, true);
	align_ms();
	/* more than the 127 MSUs the retransmission buffer holds: the rest waits for acknowledgements */
	send_msus(&A, 0, 300);
	send_msus(&B, 0, 50);
	step(50);
	CU_ASSERT(in_order(&B, 300));
	CU_ASSERT(in_order(&A, 50));
	CU_ASSERT_EQUAL(A.l->rtb_n, 0);
	CU_ASSERT_EQUAL(A.l->tb_n, 0);
	CU_ASSERT_EQUAL(A.l->st.retransmitted, 0);
	CU_ASSERT_FALSE(osmo_timer_pending(&A.l->t7));
	teardown_pair();
}

static void test_retransmission_after_loss(void)
{
	setup_pair(true, true);
	align_ms();
	A.skip_msus = 10;
	A.drop_msus = 3; /* MSUs 10, 11, 12 are lost on the way */
	send_msus(&A, 0, 40);
	step(50);
	CU_ASSERT(in_order(&B, 40)); /* each exactly once, in order */
	CU_ASSERT(B.l->st.nacks_sent >= 1);
	CU_ASSERT(A.l->st.nacks_rcvd >= 1);
	CU_ASSERT(A.l->st.retransmitted >= 3);
	CU_ASSERT_EQUAL(A.l->rtb_n, 0);
	CU_ASSERT_EQUAL(A.downs + B.downs, 0);
	/* the last MSU lost: the FISU that follows shows the gap */
	A.drop_msus = 1;
	send_msus(&A, 40, 1);
	step(300);
	CU_ASSERT_EQUAL(B.msus, 41);
	CU_ASSERT_EQUAL(B.rx_seq[40], 40);
	teardown_pair();
}

static void test_t7_failure(void)
{
	setup_pair(true, true);
	align_ms();
	B.cut = true; /* no acknowledgement comes back */
	send_msus(&A, 0, 1);
	step(990);
	CU_ASSERT_EQUAL(A.l->state, MTP2_ST_IN_SERVICE);
	step(20);
	CU_ASSERT_EQUAL(A.l->state, MTP2_ST_OUT_OF_SERVICE);
	CU_ASSERT_EQUAL(A.downs, 1);
	CU_ASSERT(A.reason && strstr(A.reason, "T7"));
	/* the peer sees SIOS and fails too */
	B.cut = false;
	step(10);
	CU_ASSERT_EQUAL(B.downs, 1);
	CU_ASSERT(B.reason && strstr(B.reason, "SIOS"));
	teardown_pair();
}

static void test_abnormal_bsn(void)
{
	setup_pair(true, true);
	align_ms();
	/* FISUs acknowledging MSUs never sent */
	uint8_t bad[3] = { 0x80 | 50, 0x80 | 127, 0 };
	mtp2_rx(A.l, bad, 3);
	CU_ASSERT_EQUAL(A.l->state, MTP2_ST_IN_SERVICE);
	mtp2_rx(A.l, bad, 3);
	CU_ASSERT_EQUAL(A.l->state, MTP2_ST_OUT_OF_SERVICE);
	CU_ASSERT(A.reason && strstr(A.reason, "BSN"));
	teardown_pair();
}

static void test_malformed(void)
{
	setup_pair(true, true);
	align_ms();
	uint8_t su[MTP2_MAX_SU + 10] = { 0xff, 0xff, 0 };
	CU_ASSERT_EQUAL(mtp2_rx(A.l, su, 0), -1);
	CU_ASSERT_EQUAL(mtp2_rx(A.l, su, 2), -1);
	su[2] = 5; /* LI says 5, 3 octets follow */
	CU_ASSERT_EQUAL(mtp2_rx(A.l, su, 6), -1);
	su[2] = 1; /* LSSU without status field */
	CU_ASSERT_EQUAL(mtp2_rx(A.l, su, 3), -1);
	CU_ASSERT_EQUAL(mtp2_rx(A.l, su, sizeof(su)), -1);
	CU_ASSERT_EQUAL(A.l->st.rx_bad, 5);
	CU_ASSERT_EQUAL(A.l->state, MTP2_ST_IN_SERVICE); /* SUERM: a few errors are tolerated */
	/* a burst of errors fails the link */
	for (int i = 0; i < 70; i++)
		mtp2_rx(A.l, su, 1);
	CU_ASSERT_EQUAL(A.l->state, MTP2_ST_OUT_OF_SERVICE);
	CU_ASSERT(A.reason && strstr(A.reason, "SUERM"));
	/* random signal units in every state: no crash, the link ends somewhere sane */
	srand(7);
	for (int round = 0; round < 4; round++) {
		mtp2_link_stop(A.l);
		mtp2_link_start(A.l);
		for (int i = 0; i < 5000; i++) {
			size_t len = (size_t)(rand() % 12);
			for (size_t k = 0; k < len; k++)
				su[k] = (uint8_t)rand();
			if (len > 2 && (rand() & 1))
				su[2] = (uint8_t)(len - 3);
			mtp2_rx(A.l, su, len);
			if (i % 500 == 0)
				step(100);
		}
	}
	teardown_pair();
}

static void test_fcs(void)
{
	/* the check value of CRC-16/X.25 for "123456789" is 0x906e */
	CU_ASSERT_EQUAL(mtp2_fcs((const uint8_t *)"123456789", 9), 0x906e);
	setup_pair(true, true);
	A.l->cfg.check_fcs = true;
	uint8_t fr[5] = { 0xff, 0xff, 1, MTP2_SIO, 0 };
	uint16_t f = mtp2_fcs(fr, 4);
	uint8_t good[6] = { 0xff, 0xff, 1, MTP2_SIO, (uint8_t)(f & 0xff), (uint8_t)(f >> 8) };
	mtp2_link_start(A.l);
	CU_ASSERT_EQUAL(mtp2_rx_frame(A.l, good, 6), 0);
	CU_ASSERT_EQUAL(A.l->state, MTP2_ST_ALIGNED);
	good[5] ^= 1;
	CU_ASSERT_EQUAL(mtp2_rx_frame(A.l, good, 6), -1);
	CU_ASSERT_EQUAL(mtp2_rx_frame(A.l, good, 1), -1);
	CU_ASSERT_EQUAL(A.l->st.rx_bad, 2);
	teardown_pair();
}

static unsigned retrieved[256], n_retrieved;
static void retrieve_fn(const uint8_t *msu, size_t len, void *arg)
{
	uint32_t v;
	memcpy(&v, msu + 1, 4);
	retrieved[n_retrieved++ % 256] = v;
}

static void test_retrieval(void)
{
	setup_pair(true, true);
	align_ms();
	B.cut = true; /* A's MSUs arrive but no acknowledgement comes back */
	send_msus(&A, 0, 5);
	step(5);
	CU_ASSERT_EQUAL(B.msus, 5);
	CU_ASSERT_EQUAL(A.l->rtb_n, 5);
	mtp2_transport_failed(A.l, "test");
	CU_ASSERT_EQUAL(A.downs, 1);
	/* B's COA would say it accepted FSN 2: MSUs 3 and 4 are to be sent on another link */
	n_retrieved = 0;
	CU_ASSERT_EQUAL(mtp2_retrieve(A.l, true, 2, retrieve_fn, NULL), 2);
	CU_ASSERT_EQUAL(retrieved[0], 3);
	CU_ASSERT_EQUAL(retrieved[1], 4);
	CU_ASSERT_EQUAL(A.l->rtb_n, 0);
	CU_ASSERT_EQUAL(mtp2_last_accepted_fsn(B.l), 4);
	teardown_pair();

	/* without the peer's FSN (time-controlled changeover) everything unacknowledged comes back */
	setup_pair(true, true);
	align_ms();
	B.cut = true;
	send_msus(&A, 0, 3);
	mtp2_transport_failed(A.l, "test");
	n_retrieved = 0;
	CU_ASSERT_EQUAL(mtp2_retrieve(A.l, false, 0, retrieve_fn, NULL), 3);
	CU_ASSERT_EQUAL(retrieved[2], 2);
	teardown_pair();
}

static void test_realign_after_failure(void)
{
	setup_pair(true, true);
	align_ms();
	send_msus(&A, 0, 10);
	step(10);
	mtp2_link_stop(A.l);
	step(10);
	CU_ASSERT_EQUAL(B.downs, 1);
	A.ups = B.ups = 0;
	A.msus = B.msus = 0;
	align_ms();
	CU_ASSERT_EQUAL(A.ups, 1);
	CU_ASSERT_EQUAL(B.ups, 1);
	/* sequence numbers start again at 0 */
	send_msus(&A, 0, 5);
	step(10);
	CU_ASSERT(in_order(&B, 5));
	teardown_pair();
}

/* MSUs left unacknowledged by a failure and never retrieved (no changeover) must not outlive the next
 * alignment: carried into the new numbering, the first acknowledgement freed entries beyond the buffer's */
static void test_realign_unacked(void)
{
	setup_pair(true, true);
	align_ms();
	B.cut = true;
	send_msus(&A, 0, 5);
	step(5);
	CU_ASSERT_EQUAL(A.l->rtb_n, 5);
	mtp2_transport_failed(A.l, "test");
	mtp2_link_stop(B.l);
	B.cut = false;
	A.ups = B.ups = A.downs = 0;
	A.msus = B.msus = 0;
	align_ms();
	CU_ASSERT_EQUAL(A.l->rtb_n, 0);
	send_msus(&A, 0, 5);
	step(10);
	CU_ASSERT(in_order(&B, 5));
	CU_ASSERT_EQUAL(A.l->rtb_n, 0);
	step(2000); /* T7 would fail a link whose acknowledgements went to stale entries */
	CU_ASSERT_EQUAL(A.downs, 0);
	teardown_pair();
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "test_mtp2");
	osmo_init_logging2(ctx, &isupgw_log_info);
	log_set_print_category(osmo_stderr_target, 1);
	log_set_category_filter(osmo_stderr_target, DMTP, 1, LOGL_ERROR);
	mtp2_set_log_cat(DMTP);
	fake_clock_enable();
	size_t blocks = talloc_total_blocks(ctx);

	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("mtp2", NULL, NULL);
	CU_add_test(s, "alignment with emergency proving (T4e)", test_align_emergency);
	CU_add_test(s, "alignment with normal proving (T4n)", test_align_normal);
	CU_add_test(s, "peer's SIE switches to emergency proving", test_align_peer_emergency);
	CU_add_test(s, "T2: no peer, alignment not possible", test_t2_no_peer);
	CU_add_test(s, "SIOS while proving", test_sios_while_proving);
	CU_add_test(s, "300 MSUs through the 127-MSU window, in order", test_transfer_window);
	CU_add_test(s, "retransmission after loss, in order, no duplicates", test_retransmission_after_loss);
	CU_add_test(s, "T7: no acknowledgement fails the link", test_t7_failure);
	CU_add_test(s, "abnormal BSN twice fails the link", test_abnormal_bsn);
	CU_add_test(s, "malformed and random signal units", test_malformed);
	CU_add_test(s, "FCS (CRC-16) check", test_fcs);
	CU_add_test(s, "retrieval of unacknowledged MSUs for changeover", test_retrieval);
	CU_add_test(s, "realignment after failure restarts sequence numbers", test_realign_after_failure);
	CU_add_test(s, "realignment with MSUs left unacknowledged and not retrieved", test_realign_unacked);
	int rc = cunit_run();
	if (talloc_total_blocks(ctx) != blocks) {
		fprintf(stderr, "talloc leak: %zu blocks, expected %zu\n", talloc_total_blocks(ctx), blocks);
		talloc_report_full(ctx, stderr);
		return 1;
	}
	return rc;
}
