/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Interoperability with an independent SS7 stack: libss7 (Asterisk's MTP2/MTP3/ISUP, Debian libss7-dev)
 * is the far-end exchange on the other end of a SOCK_SEQPACKET socketpair, running its own MTP2 with
 * the 2-octet FCS framing it uses on DAHDI. Our linkset and ISUP trunk are on this end. Checked, in ITU
 * and ANSI: MTP2 alignment, SLTM/SLTA both ways, MTP restart (TRA), calls both ways (IAM ACM ANM REL
 * RLC) with numbers and categories decoded by the other side, GRS/GRA, CGB/CGBA, CGU/CGUA, BLO/BLA,
 * UBL/UBA in both directions. One thread: our osmocom loop and libss7's scheduler take turns.
 * With --gateway SOCKET itu|ansi TRACE it is only the far end: libss7 connects to the isupgw binary's MTP2 link
 * (link ... unix-listen SOCKET) and drives it as a switch would (tests/interop/libss7-gw.sh). */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <libss7.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>

#include "config/isupgw_log.h"
#include "isup/isup.h"
#include "isup/mtp/mtp3.h"
#include "isup/mtp/mtp3_route.h"
#include "isup/mtp/ss7_linkset.h"
#include "../unit/cunit_run.h"

static void *ctx;
static FILE *far_log;

/* ---- the far end: libss7 ---- */

static struct {
	struct ss7 *ss7;
	int fd;
	bool up;
	unsigned ev[64];   /* count per libss7 event type */
	ss7_event_iam iam; /* the last IAM */
	ss7_event_rel rel;
	ss7_event_cicrange range; /* the last GRA/CGBA/CGUA */
	int last_cic;
	struct isup_call *call; /* libss7's call object of the current call */
} F;

static void far_msg(struct ss7 *ss7, char *s)
{
	if (far_log)
		fputs(s, far_log);
}

static int far_hangup(struct ss7 *ss7, int cic, unsigned int dpc, int cause, int do_hangup)
{
	return SS7_CIC_IDLE; /* no channel behind the circuit: always idle */
}

static void far_call_null(struct ss7 *ss7, struct isup_call *c, int lock)
{
}

static void far_notinservice(struct ss7 *ss7, int cic, unsigned int dpc)
{
}

/* What a switch does on its own: acknowledge maintenance, answer REL and RSC. */
static bool far_gateway; /* far end of the isupgw binary: answers calls itself */

static void far_events(void)
{
	ss7_event *e;
	while ((e = ss7_check_event(F.ss7))) {
		if (e->e >= 0 && e->e < 64)
			F.ev[e->e]++;
		if (far_gateway)
			printf("far end: %s\n", ss7_event2str(e->e));
		switch (e->e) {
		case SS7_EVENT_UP:
			F.up = true;
			break;
		case SS7_EVENT_DOWN:
			F.up = false;
			break;
		case ISUP_EVENT_IAM:
			F.iam = e->iam;
			F.call = e->iam.call;
			if (far_gateway) {
				printf("far end: IAM cic %d called %s calling %s\n", e->iam.cic,
				       e->iam.called_party_num, e->iam.calling_party_num);
				isup_acm(F.ss7, F.call);
				isup_anm(F.ss7, F.call);
			}
			break;
		case ISUP_EVENT_REL:
			F.rel = e->rel;
			isup_rlc(F.ss7, e->rel.call);
			break;
		case ISUP_EVENT_RSC:
			isup_rlc(F.ss7, e->rsc.call);
			break;
		case ISUP_EVENT_GRS:
			isup_gra(F.ss7, e->grs.call, e->grs.endcic, e->grs.status);
			break;
		case ISUP_EVENT_CGB:
			isup_cgba(F.ss7, e->cgb.call, e->cgb.endcic, e->cgb.status);
			break;
		case ISUP_EVENT_CGU:
			isup_cgua(F.ss7, e->cgu.call, e->cgu.endcic, e->cgu.status);
			break;
		case ISUP_EVENT_BLO:
			isup_bla(F.ss7, e->blo.call);
			F.last_cic = e->blo.cic;
			break;
		case ISUP_EVENT_UBL:
			isup_uba(F.ss7, e->ubl.call);
			F.last_cic = e->ubl.cic;
			break;
		case ISUP_EVENT_GRA:
		case ISUP_EVENT_CGBA:
		case ISUP_EVENT_CGUA:
			F.range = e->gra;
			break;
		case ISUP_EVENT_BLA:
		case ISUP_EVENT_UBA:
			F.last_cic = e->bla.cic;
			break;
		default:
			break;
		}
	}
}

static void far_run_scheduler(void)
{
	struct timeval *next = ss7_schedule_next(F.ss7), now;
	gettimeofday(&now, NULL);
	if (next && timercmp(&now, next, >=))
		ss7_schedule_run(F.ss7);
}

/* ---- our end ---- */

static struct {
	struct ss7_router *r;
	struct ss7_linkset *ls;
	struct isup_net *net;
	struct isup_trunk *tg;
	struct isup_call *call;
	unsigned prim[16];
	struct isup_msg setup;
	struct isup_cause rel_cause;
	unsigned alerts;
} U;

static void call_ind(struct isup_call *call, enum isup_prim prim, const struct isup_msg *m,
		     const struct isup_cause *cause, void *priv)
{
	U.prim[prim]++;
	if (prim == ISUP_PRIM_SETUP) {
		U.call = call;
		U.setup = *m;
	} else if (prim == ISUP_PRIM_RELEASE) {
		U.rel_cause = *cause;
		U.call = NULL;
	}
}

static void alert(struct isup_trunk *tg, uint16_t cic, const char *what, void *priv)
{
	U.alerts++;
}

static const struct isup_user_ops user_ops = { .call_ind = call_ind, .alert = alert };

/* ---- both in one loop ---- */

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Run both stacks until cond() holds or max_ms passed. libss7 sends one signal unit per turn, about
 * one per millisecond: the pace of a 64 kbit/s link rather than as fast as the socket takes them. */
static bool run_until(bool (*cond)(void), long max_ms)
{
	long end = now_ms() + max_ms;
	while (now_ms() < end) {
		if (cond && cond())
			return true;
		osmo_select_main(1);
		struct pollfd p = { .fd = F.fd, .events = POLLIN };
		for (int i = 0; i < 64 && poll(&p, 1, i ? 0 : 1) > 0; i++)
			ss7_read(F.ss7, F.fd);
		ss7_write(F.ss7, F.fd);
		far_run_scheduler();
		far_events();
	}
	return cond ? cond() : true;
}

static bool both_up(void)
{
	return F.up && U.ls->available;
}

/* libss7 on F.fd: its own MTP2 on the socket, as on a DAHDI HDLC channel */
static int far_new(bool ansi, uint32_t far_pc, uint32_t adj_pc)
{
	ss7_set_message(far_msg);
	ss7_set_error(far_msg);
	ss7_set_hangup(far_hangup);
	ss7_set_call_null(far_call_null);
	ss7_set_notinservice(far_notinservice);
	F.ss7 = ss7_new(ansi ? SS7_ANSI : SS7_ITU);
	if (!F.ss7)
		return -1;
	ss7_set_debug(F.ss7, SS7_DEBUG_MTP3 | SS7_DEBUG_ISUP);
	ss7_set_network_ind(F.ss7, SS7_NI_NAT);
	ss7_set_pc(F.ss7, far_pc);
	return ss7_add_link(F.ss7, SS7_TRANSPORT_DAHDIDCHAN, F.fd, 0, adj_pc) ? -1 : 0;
}

static int bring_up(bool ansi)
{
	memset(&F, 0, sizeof(F));
	memset(&U, 0, sizeof(U));
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp))
		return -1;
	uint32_t our_pc = ansi ? 0x010101 : 1, far_pc = ansi ? 0x020202 : 2;

	F.fd = sp[1];
	if (far_new(ansi, far_pc, our_pc))
		return -1;

	/* ours */
	U.r = ss7_router_alloc(ctx, ansi);
	U.net = isup_net_alloc(ctx);
	isup_net_attach_mtp(U.net, U.r);
	U.ls = ss7_linkset_add(U.r, "far", our_pc, far_pc, MTP3_NI_NATIONAL);
	U.ls->m2cfg.emergency = true;
	ss7_router_route_add_ls(U.r, far_pc, U.ls);
	U.tg = isup_trunk_alloc(ctx, "far", ansi ? ISUP_VAR_ANSI : ISUP_VAR_ITU, our_pc, far_pc);
	isup_trunk_add_range(U.tg, 1, 31);
	isup_trunk_set_mtp(U.tg, U.net->mtp, U.net->mtp_priv);
	isup_trunk_set_user(U.tg, &user_ops, NULL);
	isup_trunk_mtp_pause(U.tg);
	llist_add_tail(&U.tg->list, &U.net->trunks);
	ss7_link_start(ss7_link_add_fd(U.ls, 0, sp[0]));

	ss7_start(F.ss7);
	/* emergency proving 0.5 s (ANSI 0.6 s), then the link tests and TRA */
	return run_until(both_up, 8000) ? 0 : -1;
}

static int init_itu(void)
{
	return bring_up(false);
}
static int init_ansi(void)
{
	return bring_up(true);
}

static int teardown(void)
{
	isup_trunk_free(U.tg);
	ss7_router_free(U.r);
	ss7_destroy(F.ss7);
	close(F.fd);
	return 0;
}

/* ---- tests ---- */

static void test_link(void)
{
	struct ss7_link *lk = U.ls->links[0];
	CU_ASSERT_EQUAL(lk->state, SS7_LINK_AVAILABLE);
	CU_ASSERT(lk->st.slt_ok >= 1); /* libss7 answered our SLTM with the pattern */
	CU_ASSERT(U.ls->tra_rcvd);     /* libss7's TRA; it reported UP, so it had ours and our SLTA */
	CU_ASSERT(F.up);
	CU_ASSERT_EQUAL(lk->m2->st.rx_bad, 0);
	CU_ASSERT_EQUAL(lk->st.failures, 0);
}

static bool have_setup(void)
{
	return U.call != NULL;
}
static bool far_acm(void)
{
	return F.ev[ISUP_EVENT_ACM] > 0;
}
static bool far_anm(void)
{
	return F.ev[ISUP_EVENT_ANM] > 0 || F.ev[ISUP_EVENT_CON] > 0;
}
static bool far_rlc(void)
{
	return F.ev[ISUP_EVENT_RLC] > 0;
}
static bool all_idle(void)
{
	for (unsigned i = 0; i < U.tg->n_circuits; i++) {
		const struct isup_circuit *c = U.tg->circuits[i];
		if (c->fi->state != ISUP_CIC_ST_IDLE || c->call)
			return false;
	}
	return true;
}

static void test_call_from_far(void)
{
	bool ansi = U.tg->variant == ISUP_VAR_ANSI;
	struct isup_call *c = isup_new_call(F.ss7, 5, U.ls->local_pc, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	isup_set_called(c, "4930123456", SS7_NAI_NATIONAL, F.ss7);
	isup_set_calling(c, "4940999", SS7_NAI_NATIONAL, SS7_PRESENTATION_ALLOWED, SS7_SCREENING_NETWORK_PROVIDED);
	isup_set_calling_party_category(c, 10);
	CU_ASSERT_EQUAL(isup_iam(F.ss7, c), 0);
	CU_ASSERT_FATAL(run_until(have_setup, 3000));

	/* what we decoded of libss7's IAM */
	struct isup_number n;
	CU_ASSERT_EQUAL(U.setup.cic, 5);
	CU_ASSERT_EQUAL(isup_msg_get_number(&U.setup, ISUP_PAR_CALLED, &n), 0);
	/* libss7 ends an ITU called number with ST (digit 15): en bloc, address complete */
	CU_ASSERT_STRING_EQUAL(n.digits, ansi ? "4930123456" : "4930123456F");
	CU_ASSERT_EQUAL(n.nai, 3);
	CU_ASSERT_EQUAL(isup_msg_get_number(&U.setup, ISUP_PAR_CALLING, &n), 0);
	CU_ASSERT_STRING_EQUAL(n.digits, "4940999");
	CU_ASSERT_EQUAL(n.si, 3);
	const struct isup_param *cpc = isup_msg_get(&U.setup, ISUP_PAR_CPC);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cpc);
	CU_ASSERT_EQUAL(isup_msg_pdata(&U.setup, cpc)[0], 10);

	CU_ASSERT_EQUAL(isup_call_req(U.call, ISUP_PRIM_ALERTING, NULL), 0);
	CU_ASSERT(run_until(far_acm, 3000));
	CU_ASSERT_EQUAL(isup_call_req(U.call, ISUP_PRIM_ANSWER, NULL), 0);
	CU_ASSERT(run_until(far_anm, 3000));
	/* ITU answers with ANM after ACM; ANSI too */
	CU_ASSERT_EQUAL(F.ev[ISUP_EVENT_ANM], 1);

	/* the far end hangs up: REL 16 in, our RLC out */
	CU_ASSERT_EQUAL(isup_rel(F.ss7, c, 16), 0);
	CU_ASSERT(run_until(far_rlc, 3000));
	CU_ASSERT_EQUAL(U.prim[ISUP_PRIM_RELEASE], 1);
	CU_ASSERT_EQUAL(U.rel_cause.cause, 16);
	CU_ASSERT(all_idle());
}

static bool have_far_iam(void)
{
	return F.ev[ISUP_EVENT_IAM] > 0;
}
static bool have_alerting(void)
{
	return U.prim[ISUP_PRIM_ALERTING] > 0;
}
static bool have_answer(void)
{
	return U.prim[ISUP_PRIM_ANSWER] > 0;
}
static bool far_rel_and_idle(void)
{
	return F.ev[ISUP_EVENT_REL] > 0 && all_idle();
}

static void test_call_to_far(void)
{
	bool ansi = U.tg->variant == ISUP_VAR_ANSI;
	char line[300], err[128];
	if (ansi)
		snprintf(line, sizeof(line),
			 "IAM cic=0 fci.isup_ind=1 cpc.value=10 usi.rate=16 usi.l1=2 cdpn.nai=3 "
			 "cdpn.npi=1 cdpn.digits=2125551234 cgpn.nai=3 cgpn.npi=1 cgpn.si=3 cgpn.digits=9735550000");
	else
		snprintf(line, sizeof(line),
			 "IAM cic=0 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 "
			 "cdpn.digits=4989123456 cgpn.nai=3 cgpn.npi=1 cgpn.si=3 cgpn.digits=4930777");
	struct isup_msg iam;
	CU_ASSERT_EQUAL_FATAL(isup_msg_from_line(&iam, U.tg->variant, line, err, sizeof(err)), 0);
	uint8_t cause = 0;
	struct isup_call *call = isup_call_setup_req(U.tg, &iam, (void *)1, &cause);
	CU_ASSERT_PTR_NOT_NULL_FATAL(call);
	CU_ASSERT_FATAL(run_until(have_far_iam, 3000));

	/* what libss7 decoded of our IAM */
	CU_ASSERT_STRING_EQUAL(F.iam.called_party_num, ansi ? "2125551234" : "4989123456");
	CU_ASSERT_EQUAL(F.iam.called_nai, SS7_NAI_NATIONAL);
	CU_ASSERT_STRING_EQUAL(F.iam.calling_party_num, ansi ? "9735550000" : "4930777");
	CU_ASSERT_EQUAL(F.iam.calling_party_cat, 10);
	CU_ASSERT_EQUAL(F.iam.screening_ind, 3);
	CU_ASSERT_EQUAL(F.iam.cic, call->circ->cic);
	CU_ASSERT_EQUAL(F.iam.opc, U.ls->local_pc);

	CU_ASSERT_EQUAL(isup_acm(F.ss7, F.call), 0);
	CU_ASSERT(run_until(have_alerting, 3000));
	CU_ASSERT_EQUAL(isup_anm(F.ss7, F.call), 0);
	CU_ASSERT(run_until(have_answer, 3000));

	/* we hang up with cause 16: libss7 gets REL 16 and answers RLC */
	struct isup_cause c = { .location = 0, .cause = 16 };
	CU_ASSERT_EQUAL(isup_call_release_req(call, &c), 0);
	CU_ASSERT(run_until(far_rel_and_idle, 3000));
	CU_ASSERT_EQUAL(F.rel.cause, 16);
}

static bool our_grs_done(void)
{
	return !U.tg->grs.active && F.ev[ISUP_EVENT_GRS] > 0;
}
static bool far_gra(void)
{
	return F.ev[ISUP_EVENT_GRA] > 0;
}

static void test_grs(void)
{
	/* ours: GRS for CICs 1-8, libss7 answers GRA */
	CU_ASSERT_EQUAL(isup_group_reset(U.tg, 1, 7), 0);
	CU_ASSERT(run_until(our_grs_done, 3000));
	CU_ASSERT(all_idle());
	/* theirs: GRS for 10-15, our GRA */
	struct isup_call *c = isup_new_call(F.ss7, 10, U.ls->local_pc, 0);
	CU_ASSERT_EQUAL(isup_grs(F.ss7, c, 15), 0);
	CU_ASSERT(run_until(far_gra, 3000));
	CU_ASSERT_EQUAL(F.range.startcic, 10);
	CU_ASSERT_EQUAL(F.range.endcic, 15);
	CU_ASSERT(all_idle());
}

static bool far_cgba(void)
{
	return F.ev[ISUP_EVENT_CGBA] > 0;
}
static bool far_cgua(void)
{
	return F.ev[ISUP_EVENT_CGUA] > 0;
}
static bool our_cgb_done(void)
{
	return !U.tg->cgb.active && F.ev[ISUP_EVENT_CGB] > 0;
}
static bool our_cgu_done(void)
{
	return !U.tg->cgu.active && F.ev[ISUP_EVENT_CGU] > 0;
}

static void test_cgb(void)
{
	/* theirs: maintenance blocking of 20-22 */
	unsigned char st[255] = { 0 };
	for (int i = 0; i <= 2; i++)
		st[i] = 1;
	struct isup_call *c = isup_new_call(F.ss7, 20, U.ls->local_pc, 0);
	CU_ASSERT_EQUAL(isup_cgb(F.ss7, c, 22, st, 0), 0);
	CU_ASSERT(run_until(far_cgba, 3000));
	CU_ASSERT_EQUAL(F.range.startcic, 20);
	CU_ASSERT_EQUAL(F.range.endcic, 22);
	for (uint16_t cic = 20; cic <= 22; cic++)
		CU_ASSERT(isup_trunk_circuit(U.tg, cic)->blk & ISUP_BLK_REMOTE_MAINT);
	CU_ASSERT_FALSE(isup_trunk_circuit(U.tg, 23)->blk);
	/* libss7 keeps one call object per circuit: the same one carries the unblocking */
	CU_ASSERT_EQUAL(isup_cgu(F.ss7, c, 22, st, 0), 0);
	CU_ASSERT(run_until(far_cgua, 3000));
	for (uint16_t cic = 20; cic <= 22; cic++)
		CU_ASSERT_FALSE(isup_trunk_circuit(U.tg, cic)->blk);

	/* ours: 24-26 */
	CU_ASSERT_EQUAL(isup_group_block(U.tg, 24, 2, false), 0);
	CU_ASSERT(run_until(our_cgb_done, 3000));
	CU_ASSERT(isup_trunk_circuit(U.tg, 25)->blk & ISUP_BLK_LOCAL_MAINT);
	CU_ASSERT_EQUAL(isup_group_unblock(U.tg, 24, 2, false), 0);
	CU_ASSERT(run_until(our_cgu_done, 3000));
	CU_ASSERT_FALSE(isup_trunk_circuit(U.tg, 25)->blk);
	CU_ASSERT_EQUAL(U.alerts, 0);
}

static bool far_bla(void)
{
	return F.ev[ISUP_EVENT_BLA] > 0;
}
static bool far_uba(void)
{
	return F.ev[ISUP_EVENT_UBA] > 0;
}
static bool our_blo_done(void)
{
	return !isup_trunk_circuit(U.tg, 7)->blo_pending && F.ev[ISUP_EVENT_BLO] > 0;
}
static bool our_ubl_done(void)
{
	return !isup_trunk_circuit(U.tg, 7)->ubl_pending && F.ev[ISUP_EVENT_UBL] > 0;
}

static void test_blo(void)
{
	struct isup_call *c = isup_new_call(F.ss7, 3, U.ls->local_pc, 0);
	CU_ASSERT_EQUAL(isup_blo(F.ss7, c), 0);
	CU_ASSERT(run_until(far_bla, 3000));
	CU_ASSERT_EQUAL(F.last_cic, 3);
	CU_ASSERT(isup_trunk_circuit(U.tg, 3)->blk & ISUP_BLK_REMOTE_MAINT);
	CU_ASSERT_EQUAL(isup_ubl(F.ss7, c), 0);
	CU_ASSERT(run_until(far_uba, 3000));
	CU_ASSERT_FALSE(isup_trunk_circuit(U.tg, 3)->blk);

	CU_ASSERT_EQUAL(isup_circuit_block(U.tg, 7), 0);
	CU_ASSERT(run_until(our_blo_done, 3000));
	CU_ASSERT_EQUAL(F.last_cic, 7);
	CU_ASSERT(isup_trunk_circuit(U.tg, 7)->blk & ISUP_BLK_LOCAL_MAINT);
	CU_ASSERT_EQUAL(isup_circuit_unblock(U.tg, 7), 0);
	CU_ASSERT(run_until(our_ubl_done, 3000));
	CU_ASSERT_FALSE(isup_trunk_circuit(U.tg, 7)->blk);
	/* the link carried it all without a failure */
	CU_ASSERT_EQUAL(U.ls->links[0]->st.failures, 0);
	CU_ASSERT(F.up);
}

static void add_suite(const char *name, CU_InitializeFunc init)
{
	CU_pSuite s = CU_add_suite(name, init, teardown);
	CU_add_test(s, "MTP2 alignment, SLTM/SLTA, TRA", test_link);
	CU_add_test(s, "call from libss7: IAM ACM ANM REL RLC", test_call_from_far);
	CU_add_test(s, "call to libss7: IAM ACM ANM REL RLC", test_call_to_far);
	CU_add_test(s, "GRS/GRA both ways", test_grs);
	CU_add_test(s, "CGB/CGBA and CGU/CGUA both ways", test_cgb);
	CU_add_test(s, "BLO/BLA and UBL/UBA both ways", test_blo);
}

/* ---- the far end of the isupgw binary ---- */

static int far_ok = 0, far_failed = 0;
static void far_check(bool ok, const char *what)
{
	printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
	fflush(stdout);
	if (ok)
		far_ok++;
	else
		far_failed++;
}

static bool far_up(void)
{
	return F.up;
}
static bool far_iam_in(void)
{
	return F.ev[ISUP_EVENT_IAM] > 0;
}
static unsigned rlc_before;
static bool far_rlc_more(void)
{
	return F.ev[ISUP_EVENT_RLC] > rlc_before;
}

/* Connect to the gateway's link socket (it may not listen yet) and run libss7 on it. */
static int far_gateway_main(const char *path, bool ansi)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	F.fd = -1;
	for (long end = now_ms() + 10000; now_ms() < end; poll(NULL, 0, 50)) {
		F.fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		if (connect(F.fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		close(F.fd);
		F.fd = -1;
	}
	if (F.fd < 0) {
		printf("FAIL: no link socket at %s\n", path);
		return 1;
	}
	/* the gateway is 1-1-1 (ITU) or 245-16-1 (ANSI), libss7 2-2-2 or 245-16-2 */
	uint32_t gw_pc = ansi ? 0xf51001 : 0x0809, far_pc = ansi ? 0xf51002 : 0x1012;
	if (far_new(ansi, far_pc, gw_pc))
		return 1;
	ss7_start(F.ss7);
	far_check(run_until(far_up, 20000), "MTP2 aligned, SLTM/SLTA, libss7 reports the link up");

	/* a switch that restarts resets its circuits; libss7 in ANSI puts each GRS on the link twice (the
	 * gateway answers each: the trace shows as many GRA as GRS) */
	struct isup_call *g = isup_new_call(F.ss7, 1, gw_pc, 0);
	isup_grs(F.ss7, g, 15);
	far_check(run_until(far_gra, 5000) && F.range.startcic == 1 && F.range.endcic == 15, "GRS 1-15, GRA");

	/* a call from the switch: SIPp answers it, the switch hangs up */
	struct isup_call *c = isup_new_call(F.ss7, 5, gw_pc, 1);
	isup_set_called(c, "3125551234", SS7_NAI_NATIONAL, F.ss7);
	isup_set_calling(c, "2015550000", SS7_NAI_NATIONAL, SS7_PRESENTATION_ALLOWED, SS7_SCREENING_NETWORK_PROVIDED);
	isup_set_calling_party_category(c, 10);
	isup_iam(F.ss7, c);
	far_check(run_until(far_anm, 10000) && F.ev[ISUP_EVENT_ACM] == 1, "call to SIP: ACM, ANM");
	isup_rel(F.ss7, c, 16);
	far_check(run_until(far_rlc, 5000), "call to SIP released: RLC");

	/* maintenance group blocking and unblocking of 20-22 */
	unsigned char st[255] = { 0 };
	st[0] = st[1] = st[2] = 1;
	struct isup_call *b = isup_new_call(F.ss7, 20, gw_pc, 0);
	isup_cgb(F.ss7, b, 22, st, 0);
	far_check(run_until(far_cgba, 5000) && F.range.startcic == 20 && F.range.endcic == 22, "CGB 20-22, CGBA");
	isup_cgu(F.ss7, b, 22, st, 0);
	far_check(run_until(far_cgua, 5000) && F.range.startcic == 20 && F.range.endcic == 22, "CGU 20-22, CGUA");

	/* a call from SIP: answered here (far_events), then the switch hangs up */
	printf("READY for a call from SIP\n");
	fflush(stdout);
	far_check(run_until(far_iam_in, 20000), "IAM from the gateway");
	rlc_before = F.ev[ISUP_EVENT_RLC];
	run_until(NULL, 500); /* the call talks a moment */
	if (F.call)
		isup_rel(F.ss7, F.call, 16);
	far_check(run_until(far_rlc_more, 5000), "call from SIP released: RLC");
	far_check(F.up, "the link stayed up");
	run_until(NULL, 200); /* the last acknowledgements go out */
	printf("%d passed, %d failed\n", far_ok, far_failed);
	ss7_destroy(F.ss7);
	close(F.fd);
	return far_failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "--gateway")) { /* --gateway SOCKET itu|ansi LIBSS7-TRACE */
		setvbuf(stdout, NULL, _IOLBF, 0);
		far_gateway = true;
		far_log = fopen(argv[4], "w");
		if (far_log)
			setvbuf(far_log, NULL, _IOLBF, 0);
		return far_gateway_main(argv[2], !strcmp(argv[3], "ansi"));
	}
	ctx = talloc_named_const(NULL, 0, "test_libss7");
	osmo_init_logging2(ctx, &isupgw_log_info);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_print_category(osmo_stderr_target, 1);
	unsigned lvl = getenv("VERBOSE") ? LOGL_DEBUG : LOGL_ERROR;
	log_set_category_filter(osmo_stderr_target, DMTP, 1, lvl);
	log_set_category_filter(osmo_stderr_target, DISUP, 1, lvl);
	ss7_linkset_set_log_cat(DMTP);
	isup_cc_init(DISUP);
	/* libss7's own trace of both runs, for reading when something fails */
	far_log = fopen("libss7-interop.log", "w");
	if (far_log)
		setvbuf(far_log, NULL, _IOLBF, 0);
	fprintf(stderr, "libss7 %s; its trace goes to libss7-interop.log\n", ss7_get_version());

	CU_initialize_registry();
	add_suite("libss7 ITU", init_itu);
	add_suite("libss7 ANSI", init_ansi);
	int rc = cunit_run();
	if (far_log)
		fclose(far_log);
	return rc;
}
