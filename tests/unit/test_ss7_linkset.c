/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MTP3 over MTP2 between two of our own signalling points, each link a SOCK_SEQPACKET socketpair through
 * a relay the test can freeze: alignment, link test, MTP restart, load sharing, changeover with buffer
 * updating (no MSU lost, duplicated or reordered), changeback, ANSI and the VTY. Real time, short timers. */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "config/isupgw_log.h"
#include "cunit_run.h"
#include "isup/mtp/mtp3.h"
#include "isup/mtp/mtp3_route.h"
#include "isup/mtp/ss7_linkset.h"
#include "isup/mtp/ss7_pcap.h"

static void *ctx;

/* ---- a relay per link: A's end <-> B's end, frames dropped while frozen ---- */

struct relay {
	struct osmo_fd a, b;
	bool frozen;
	unsigned dropped;
};

static int relay_cb(struct osmo_fd *ofd, unsigned what)
{
	struct relay *r = ofd->data;
	struct osmo_fd *to = ofd == &r->a ? &r->b : &r->a;
	uint8_t buf[512];
	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(ofd->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			return 0;
		if (r->frozen || send(to->fd, buf, (size_t)n, MSG_DONTWAIT) < 0)
			r->dropped++;
	}
	return 0;
}

/* Two socketpairs: returns the fds for A and B and wires the relay between them. */
static void relay_setup(struct relay *r, int *fd_a, int *fd_b)
{
	int pa[2], pb[2];
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pa) == 0);
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pb) == 0);
	memset(r, 0, sizeof(*r));
	osmo_fd_setup(&r->a, pa[1], OSMO_FD_READ, relay_cb, r, 0);
	osmo_fd_setup(&r->b, pb[1], OSMO_FD_READ, relay_cb, r, 1);
	osmo_fd_register(&r->a);
	osmo_fd_register(&r->b);
	*fd_a = pa[0];
	*fd_b = pb[0];
}

static void relay_close(struct relay *r)
{
	osmo_fd_unregister(&r->a);
	osmo_fd_unregister(&r->b);
	close(r->a.fd);
	close(r->b.fd);
}

/* ---- two signalling points ---- */

#define NSLS 16
struct sp {
	struct ss7_router *r;
	struct ss7_linkset *ls;
	uint32_t next_seq[NSLS], rx_seq[NSLS];
	unsigned rx, rx_bad_order, rx_short;
	struct ss7_user user;	  /* the test's user part on SI 5 */
	unsigned pauses, resumes; /* MTP-PAUSE/RESUME it got for the adjacent point code */
	unsigned sccp_rx;	  /* MSUs with SI 3 (SCCP), once a user registers for it */
};
static struct sp A, B;
static struct relay rl[2];

static void sp_rx(const struct ss7_user *u, const struct mtp3_label *l, const uint8_t *data, size_t len)
{
	struct sp *sp = u->priv;
	if (len < 5) {
		sp->rx_short++;
		return;
	}
	uint32_t seq;
	memcpy(&seq, data + 1, 4);
	unsigned sls = l->sls % NSLS;
	if (seq != sp->rx_seq[sls])
		sp->rx_bad_order++;
	sp->rx_seq[sls] = seq + 1;
	sp->rx++;
}

static void sp_pause(const struct ss7_user *u, uint32_t dpc)
{
	struct sp *sp = u->priv;
	if (dpc == sp->ls->adj_pc)
		sp->pauses++;
}

static void sp_resume(const struct ss7_user *u, uint32_t dpc)
{
	struct sp *sp = u->priv;
	if (dpc == sp->ls->adj_pc)
		sp->resumes++;
}

static void sp_sccp_rx(const struct ss7_user *u, const struct mtp3_label *l, const uint8_t *data, size_t len)
{
	struct sp *sp = u->priv;
	if (l->si == MTP3_SI_SCCP)
		sp->sccp_rx++;
}

static int send_si(struct sp *from, uint8_t si)
{
	uint8_t msu[32] = { 0 };
	struct mtp3_label l = { .si = si, .ni = 2, .dpc = from->ls->adj_pc, .opc = from->ls->local_pc, .sls = 3 };
	int h = mtp3_label_encode(&l, from->r->ansi, msu, sizeof(msu));
	return ss7_linkset_send(from->ls, msu, (size_t)h + 10);
}

static int send_one(struct sp *from, struct sp *to, uint8_t sls)
{
	bool ansi = from->r->ansi;
	uint8_t msu[64];
	struct mtp3_label l = {
		.si = MTP3_SI_ISUP, .ni = 2, .dpc = from->ls->adj_pc, .opc = from->ls->local_pc, .sls = sls
	};
	int h = mtp3_label_encode(&l, ansi, msu, sizeof(msu));
	msu[h] = 0x01;
	memcpy(msu + h + 1, &from->next_seq[sls % NSLS], 4);
	int rc = ss7_linkset_send(from->ls, msu, (size_t)h + 20);
	if (rc == 0)
		from->next_seq[sls % NSLS]++;
	return rc;
}

/* MTP2 T7 (excessive delay of acknowledgement): short where a test freezes a link to fail it; at the
 * Q.703 maximum where a test counts messages, so that a loaded machine stalling the process cannot fail
 * a link and add a realignment's messages */
static unsigned t7_ms = 300;

static void sp_setup(struct sp *sp, bool ansi, uint32_t lpc, uint32_t apc)
{
	memset(sp, 0, sizeof(*sp));
	sp->r = ss7_router_alloc(ctx, ansi);
	sp->user = (struct ss7_user){
		.name = "test", .transfer_ind = sp_rx, .pause_ind = sp_pause, .resume_ind = sp_resume, .priv = sp
	};
	ss7_user_register(sp->r, MTP3_SI_ISUP, &sp->user);
	sp->ls = ss7_linkset_add(sp->r, "ls", lpc, apc, 2);
	sp->ls->m2cfg.emergency = true;
	sp->ls->m2cfg.t_ms[MTP2_T4E] = 50;
	sp->ls->m2cfg.t_ms[MTP2_T7] = t7_ms;
	sp->ls->m2cfg.t_ms[MTP2_T_FILL] = 50;
	sp->ls->t_ms[SS7_LS_T17] = 200;
	sp->ls->t_ms[SS7_LS_T2] = 700;
	ss7_router_route_add_ls(sp->r, apc, sp->ls);
}

static void pair_setup(bool ansi, unsigned nlinks)
{
	sp_setup(&A, ansi, 1, 2);
	sp_setup(&B, ansi, 2, 1);
	for (unsigned i = 0; i < nlinks; i++) {
		int fa, fb;
		relay_setup(&rl[i], &fa, &fb);
		ss7_link_start(ss7_link_add_fd(A.ls, (uint8_t)i, fa));
		ss7_link_start(ss7_link_add_fd(B.ls, (uint8_t)i, fb));
	}
}

static void pair_teardown(unsigned nlinks)
{
	ss7_router_free(A.r);
	ss7_router_free(B.r);
	for (unsigned i = 0; i < nlinks; i++)
		relay_close(&rl[i]);
}

static void run_ms(unsigned ms)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		osmo_select_main(1);
		usleep(200);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

static bool wait_for(bool (*cond)(void), unsigned max_ms)
{
	for (unsigned t = 0; t < max_ms; t += 10) {
		if (cond())
			return true;
		run_ms(10);
	}
	return cond();
}

static bool both_available(void)
{
	return A.ls->available && B.ls->available;
}
static bool two_links_each(void)
{
	return ss7_linkset_available_links(A.ls) == 2 && ss7_linkset_available_links(B.ls) == 2;
}

/* ---- tests ---- */

static void test_bring_up(void)
{
	t7_ms = 2000;
	pair_setup(false, 2);
	t7_ms = 300;
	CU_ASSERT_FATAL(wait_for(both_available, 3000));
	CU_ASSERT(wait_for(two_links_each, 3000));
	for (unsigned i = 0; i < 2; i++) {
		CU_ASSERT(A.ls->links[i]->st.slt_ok >= 1);
		CU_ASSERT(B.ls->links[i]->st.slt_ok >= 1);
	}
	CU_ASSERT(A.ls->tra_sent && A.ls->tra_rcvd);
	/* load sharing: SLS even on link 0, odd on link 1. Counted from a settled linkset (the link tests
	 * and TRA of the restart are over), so that only the 32 test MSUs are in the counts. */
	run_ms(300);
	uint64_t base0 = B.ls->links[0]->st.rx_msu, base1 = B.ls->links[1]->st.rx_msu;
	for (unsigned i = 0; i < 32; i++)
		CU_ASSERT_EQUAL(send_one(&A, &B, (uint8_t)(i % 16)), 0);
	run_ms(50);
	CU_ASSERT_EQUAL(B.rx, 32);
	CU_ASSERT_EQUAL(B.rx_bad_order, 0);
	uint64_t rx0 = B.ls->links[0]->st.rx_msu - base0, rx1 = B.ls->links[1]->st.rx_msu - base1;
	printf("\n    test MSUs received on link 0: %" PRIu64 ", link 1: %" PRIu64 "\n", rx0, rx1);
	CU_ASSERT_EQUAL(rx0, 16);
	CU_ASSERT_EQUAL(rx1, 16);
	char *show = ss7_show_linksets(ctx, A.r);
	CU_ASSERT(strstr(show, "accessible, 2 of 2 links available") != NULL);
	talloc_free(show);
	pair_teardown(2);
}

static void test_changeover_changeback(void)
{
	pair_setup(false, 2);
	CU_ASSERT_FATAL(wait_for(two_links_each, 3000));
	CU_ASSERT_FATAL(wait_for(both_available, 3000));
	/* traffic both ways on every SLS; link 0 goes silent in the middle */
	unsigned sent = 0, errors = 0;
	for (unsigned round = 0; round < 300; round++) {
		for (uint8_t sls = 0; sls < 16; sls++) {
			int e1 = send_one(&A, &B, sls), e2 = send_one(&B, &A, sls);
			if (e1 || e2)
				fprintf(stderr, "round %u sls %u: %d %d\n", round, sls, e1, e2);
			errors += (e1 != 0) + (e2 != 0);
			sent++;
		}
		if (round == 50)
			rl[0].frozen = true;
		if (round == 250)
			rl[0].frozen = false;
		run_ms(5);
	}
	run_ms(2000);
	CU_ASSERT_EQUAL(errors, 0);
	/* every MSU arrived once, in order per SLS */
	CU_ASSERT_EQUAL(B.rx, sent);
	CU_ASSERT_EQUAL(A.rx, sent);
	CU_ASSERT_EQUAL(B.rx_bad_order, 0);
	CU_ASSERT_EQUAL(A.rx_bad_order, 0);
	CU_ASSERT(rl[0].dropped > 0);
	CU_ASSERT(A.ls->links[0]->st.changeovers + B.ls->links[0]->st.changeovers >= 1);
	/* link 0 came back, was tested and its traffic changed back */
	CU_ASSERT(two_links_each());
	CU_ASSERT(A.ls->links[0]->st.changebacks >= 1);
	CU_ASSERT(A.ls->links[0]->co == SS7_CO_NONE);
	CU_ASSERT(A.ls->available && B.ls->available);
	pair_teardown(2);
}

static void test_all_links_lost(void)
{
	pair_setup(false, 1);
	CU_ASSERT_FATAL(wait_for(both_available, 3000));
	unsigned r0 = A.resumes;
	CU_ASSERT(r0 >= 1);
	CU_ASSERT_EQUAL(A.pauses, 0);
	rl[0].frozen = true;
	send_one(&A, &B, 1);
	run_ms(600); /* T7 300 ms */
	CU_ASSERT_FALSE(A.ls->available);
	CU_ASSERT_EQUAL(A.pauses, 1); /* MTP-PAUSE for the adjacent SP to the user */
	CU_ASSERT_EQUAL(send_one(&A, &B, 1), -ENOTCONN);
	rl[0].frozen = false;
	CU_ASSERT(wait_for(both_available, 3000));
	CU_ASSERT_EQUAL(A.resumes, r0 + 1);
	CU_ASSERT(A.ls->links[0]->st.failures >= 1);
	CU_ASSERT_EQUAL(send_one(&A, &B, 1), 0);
	pair_teardown(1);
}

/* MTP users by service indicator: one per SI, an MSU for an SI nobody registered is counted and dropped,
 * not given to another user */
static void test_users_by_si(void)
{
	pair_setup(false, 1);
	CU_ASSERT_FATAL(wait_for(both_available, 3000));
	struct ss7_user other = { .name = "other", .transfer_ind = sp_rx, .priv = &B };
	CU_ASSERT_EQUAL(ss7_user_register(B.r, MTP3_SI_ISUP, &other), -EBUSY);
	CU_ASSERT_EQUAL(ss7_user_register(B.r, 16, &other), -EINVAL);
	unsigned rx0 = B.rx;
	CU_ASSERT_EQUAL(send_si(&A, MTP3_SI_SCCP), 0);
	run_ms(200);
	CU_ASSERT_EQUAL(B.r->rx_no_user, 1);
	CU_ASSERT_EQUAL(B.rx, rx0);
	struct ss7_user sccp = { .name = "sccp", .transfer_ind = sp_sccp_rx, .priv = &B };
	CU_ASSERT_EQUAL(ss7_user_register(B.r, MTP3_SI_SCCP, &sccp), 0);
	CU_ASSERT_EQUAL(send_si(&A, MTP3_SI_SCCP), 0);
	run_ms(200);
	CU_ASSERT_EQUAL(B.sccp_rx, 1);
	CU_ASSERT_EQUAL(B.r->rx_no_user, 1);
	CU_ASSERT_EQUAL(B.rx, rx0);
	ss7_user_unregister(B.r, MTP3_SI_SCCP);
	pair_teardown(1);
}

static void test_ansi_and_trace(void)
{
	const char *path = "linkset-trace.pcap";
	pair_setup(true, 1);
	A.ls->adj_pc = 0x030201;
	B.ls->local_pc = 0x030201;
	CU_ASSERT_EQUAL(ss7_router_trace_pcap(A.r, path), 0);
	CU_ASSERT_FATAL(wait_for(both_available, 3000));
	CU_ASSERT_EQUAL(send_one(&A, &B, 7), 0);
	run_ms(50);
	CU_ASSERT_EQUAL(B.rx, 1);
	ss7_router_trace_pcap(A.r, NULL);
	/* SLTM/SLTA with SI 2, TRA both ways and the MSU, in 24-bit point codes */
	struct ss7_pcap p;
	CU_ASSERT_FATAL(ss7_pcap_open(&p, path) == 0);
	uint8_t buf[300];
	size_t len;
	unsigned n = 0, slt = 0, isup = 0;
	while (ss7_pcap_next(&p, buf, sizeof(buf), &len, NULL) == 1) {
		struct mtp3_label l;
		CU_ASSERT(mtp3_label_decode(&l, true, buf, len) == 8);
		slt += l.si == MTP3_SI_MTNS;
		isup += l.si == MTP3_SI_ISUP;
		n++;
	}
	ss7_pcap_close(&p);
	CU_ASSERT(slt >= 2);
	CU_ASSERT_EQUAL(isup, 1);
	CU_ASSERT(n >= 5);
	unlink(path);
	pair_teardown(1);
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "test_ss7_linkset");
	osmo_init_logging2(ctx, &isupgw_log_info);
	log_set_print_category(osmo_stderr_target, 1);
	log_set_category_filter(osmo_stderr_target, DMTP, 1, getenv("VERBOSE") ? LOGL_DEBUG : LOGL_ERROR);
	ss7_linkset_set_log_cat(DMTP);

	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("mtp3 linkset", NULL, NULL);
	CU_add_test(s, "alignment, link test, TRA, load sharing by SLS", test_bring_up);
	CU_add_test(s, "changeover and changeback: nothing lost, duplicated or reordered", test_changeover_changeback);
	CU_add_test(s, "last link lost and restored", test_all_links_lost);
	CU_add_test(s, "ANSI linkset, pcap trace of every MSU", test_ansi_and_trace);
	CU_add_test(s, "MTP users by service indicator", test_users_by_si);
	return cunit_run();
}
