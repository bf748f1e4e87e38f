/* SPDX-License-Identifier: GPL-2.0-or-later */
/* M3UA over TCP on 127.0.0.1: an ISUP trunk on an ASP client talks to an SG; the SG's connection
 * dies and comes back, and the call that was up survives. Loops are bounded by iterations. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "cunit_run.h"
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>

#include "config/isupgw_log.h"
#include "isup/isup.h"
#include "isup/mtp/m3ua_link.h"
#include "isup/mtp/mtp3_route.h"

static void *ctx;
static struct isup_trunk *tg;
static struct m3ua_link *link_;
static struct m3ua_sg *sg;
static unsigned sg_active, sg_rx_iam, sg_rx_rel, alerting, answered, released, asp_up, asp_down;

/* ISUP trunk <-> M3UA: the MTP3 service in its simplest form (one DPC behind one ASP) */
static int trunk_mtp_tx(struct isup_trunk *t, const uint8_t *msu, size_t len, void *priv)
{
	struct mtp3_label l;
	int h = mtp3_label_decode(&l, false, msu, len);
	if (h < 0)
		return -1;
	struct m3ua_pdata pd = { .opc = l.opc,
				 .dpc = l.dpc,
				 .si = l.si,
				 .ni = l.ni,
				 .sls = l.sls,
				 .data = msu + h,
				 .data_len = (uint16_t)(len - (size_t)h) };
	return m3ua_asp_transfer_req(link_->asp, &pd);
}

static void asp_active(struct m3ua_asp *asp, bool active)
{
	if (active) {
		asp_up++;
		isup_trunk_mtp_resume(tg);
	} else {
		asp_down++;
		isup_trunk_mtp_pause(tg);
	}
}

static void asp_transfer(struct m3ua_asp *asp, const struct m3ua_pdata *pd)
{
	if (pd->si == MTP3_SI_ISUP && pd->opc == tg->dpc && pd->dpc == tg->opc)
		isup_trunk_rx(tg, pd->data, pd->data_len);
}

static const struct m3ua_asp_ops asp_user = { .active_ind = asp_active, .transfer_ind = asp_transfer };

static void call_ind(struct isup_call *call, enum isup_prim prim, const struct isup_msg *m,
		     const struct isup_cause *cause, void *priv)
{
	if (prim == ISUP_PRIM_ALERTING)
		alerting++;
	else if (prim == ISUP_PRIM_ANSWER)
		answered++;
	else if (prim == ISUP_PRIM_RELEASE)
		released++;
}

static const struct isup_user_ops isup_user = { .call_ind = call_ind };

/* the SG side plays the far exchange: ACM for an IAM, RLC for a REL */
static void sg_reply(uint8_t type, uint16_t cic, const char *extra)
{
	struct isup_msg m;
	char line[128];
	snprintf(line, sizeof(line), "%s cic=%u %s", isup_msg_abbr(ISUP_VAR_ITU, type), cic, extra);
	CU_ASSERT_EQUAL_FATAL(isup_msg_from_line(&m, ISUP_VAR_ITU, line, NULL, 0), 0);
	uint8_t b[300];
	int n = isup_msg_encode(&m, b, sizeof(b));
	struct m3ua_pdata pd = { .opc = 2,
				 .dpc = 1,
				 .si = MTP3_SI_ISUP,
				 .ni = 2,
				 .sls = (uint8_t)(cic & 15),
				 .data = b,
				 .data_len = (uint16_t)n };
	CU_ASSERT_EQUAL(m3ua_sg_transfer_req(sg, &pd), 0);
}

static void sg_transfer(struct m3ua_sg *s, struct m3ua_sg_peer *p, const struct m3ua_pdata *pd, void *priv)
{
	struct isup_msg m;
	if (isup_msg_decode(&m, ISUP_VAR_ITU, pd->data, pd->data_len))
		return;
	if (m.type == ISUP_MT_IAM) {
		sg_rx_iam++;
		sg_reply(ISUP_MT_ACM, m.cic, "bci.called_status=1");
	} else if (m.type == ISUP_MT_REL) {
		sg_rx_rel++;
		sg_reply(ISUP_MT_RLC, m.cic, "");
	}
}

static void sg_peer(struct m3ua_sg *s, struct m3ua_sg_peer *p, bool active, void *priv)
{
	if (active)
		sg_active++;
}

static const struct m3ua_sg_ops sg_ops = { .transfer_ind = sg_transfer, .peer_state = sg_peer };

/* run the event loop until cond holds, at most ~5 s of 2 ms steps */
#define RUN_UNTIL(cond)                                        \
	do {                                                   \
		for (int _i = 0; _i < 2500 && !(cond); _i++) { \
			osmo_select_main(1);                   \
			usleep(2000);                          \
		}                                              \
	} while (0)

/* place a call on tg and run until the SG's ACM has arrived */
static struct isup_call *call_to_alerting(void)
{
	struct isup_msg iam;
	isup_msg_from_line(&iam, ISUP_VAR_ITU,
			   "IAM cic=0 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=123F",
			   NULL, 0);
	struct isup_call *call = isup_call_setup_req(tg, &iam, (void *)1, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(call);
	RUN_UNTIL(alerting == 1);
	CU_ASSERT_EQUAL(sg_rx_iam, 1);
	CU_ASSERT_EQUAL(alerting, 1);
	return call;
}

static void test_tcp_call_and_failover(void)
{
	sg = m3ua_sg_alloc(ctx, M3UA_TRANSPORT_TCP, "127.0.0.1", 0, &sg_ops, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sg);
	CU_ASSERT(sg->port > 0);
	tg = isup_trunk_alloc(ctx, "tcp", ISUP_VAR_ITU, 1, 2);
	isup_trunk_add_range(tg, 1, 31);
	isup_trunk_set_mtp(tg, trunk_mtp_tx, NULL);
	isup_trunk_set_user(tg, &isup_user, NULL);
	isup_trunk_mtp_pause(tg); /* nothing reachable until the ASP is active */
	struct m3ua_asp_cfg cfg = { .has_rc = true, .routing_ctx = 1, .traffic_mode = M3UA_TMT_OVERRIDE };
	link_ = m3ua_link_alloc(ctx, "asp-tcp", M3UA_TRANSPORT_TCP, "127.0.0.1", sg->port, &cfg, &asp_user, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(link_);
	CU_ASSERT_EQUAL(m3ua_link_start(link_), 0);
	RUN_UNTIL(asp_up == 1 && sg_active == 1);
	CU_ASSERT_EQUAL_FATAL(asp_up, 1);
	CU_ASSERT_EQUAL(m3ua_asp_state(link_->asp), M3UA_ASP_ST_ACTIVE);

	/* a call: IAM over M3UA, ACM back */
	struct isup_call *call = call_to_alerting();

	/* the far end's connection dies: the ASP goes down, reconnects after its backoff, comes back */
	m3ua_sg_drop_peers(sg, 0);
	RUN_UNTIL(asp_down == 1);
	CU_ASSERT_EQUAL(asp_down, 1);
	CU_ASSERT_TRUE(tg->mtp_paused);
	RUN_UNTIL(asp_up == 2);
	CU_ASSERT_EQUAL(asp_up, 2);
	CU_ASSERT_EQUAL(link_->connects, 2);
	CU_ASSERT_FALSE(tg->mtp_paused);
	/* the call that was up is still there and gets its answer */
	CU_ASSERT_EQUAL(released, 0);
	sg_reply(ISUP_MT_ANM, call->circ->cic, "");
	RUN_UNTIL(answered == 1);
	CU_ASSERT_EQUAL(answered, 1);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	RUN_UNTIL(llist_empty(&tg->calls));
	CU_ASSERT_TRUE(llist_empty(&tg->calls));

	m3ua_link_free(link_);
	m3ua_sg_free(sg);
	isup_trunk_free(tg);
}

/* No descriptor for the connection (the process at its limit, EMFILE): each attempt fails at socket() and
 * is retried after the backoff like a refused connection, counted in m3ua:no_socket, never given up; once
 * descriptors are free again the ASP comes up. */
static void test_tcp_no_descriptor(void)
{
	asp_up = asp_down = sg_active = 0;
	sg = m3ua_sg_alloc(ctx, M3UA_TRANSPORT_TCP, "127.0.0.1", 0, &sg_ops, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sg);
	tg = isup_trunk_alloc(ctx, "nofd", ISUP_VAR_ITU, 1, 2);
	isup_trunk_add_range(tg, 1, 31);
	isup_trunk_set_mtp(tg, trunk_mtp_tx, NULL);
	isup_trunk_set_user(tg, &isup_user, NULL);
	isup_trunk_mtp_pause(tg);
	struct m3ua_asp_cfg cfg = { .has_rc = true, .routing_ctx = 1, .traffic_mode = M3UA_TMT_OVERRIDE };
	link_ = m3ua_link_alloc(ctx, "asp-nofd", M3UA_TRANSPORT_TCP, "127.0.0.1", sg->port, &cfg, &asp_user, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(link_);
	CU_ASSERT_PTR_NOT_NULL_FATAL(link_->asp->ctrs);
	link_->backoff_max_s = 1;
	const struct rate_ctr *no_socket = rate_ctr_group_get_ctr(link_->asp->ctrs, M3UA_CTR_NO_SOCKET);

	/* every descriptor below a soft limit of 256 taken */
	struct rlimit was, lim;
	CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_NOFILE, &was), 0);
	lim = was;
	lim.rlim_cur = 256;
	CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_NOFILE, &lim), 0);
	int fill[256];
	unsigned n_fill = 0;
	while (n_fill < 256 && (fill[n_fill] = open("/dev/null", O_RDONLY)) >= 0)
		n_fill++;
	CU_ASSERT_EQUAL(errno, EMFILE);

	CU_ASSERT_TRUE(m3ua_link_start(link_) < 0);
	CU_ASSERT_TRUE(osmo_timer_pending(&link_->reconnect));
	RUN_UNTIL(no_socket->current >= 3); /* the first attempt and two retries, 1 s apart */
	CU_ASSERT_TRUE(no_socket->current >= 3);
	CU_ASSERT_TRUE(osmo_timer_pending(&link_->reconnect));
	CU_ASSERT_EQUAL(link_->connects, 0);
	CU_ASSERT_EQUAL(asp_up, 0);

	while (n_fill)
		close(fill[--n_fill]);
	setrlimit(RLIMIT_NOFILE, &was);
	RUN_UNTIL(asp_up == 1 && sg_active == 1);
	CU_ASSERT_EQUAL(asp_up, 1);
	CU_ASSERT_EQUAL(link_->connects, 1);
	CU_ASSERT_FALSE(tg->mtp_paused);

	m3ua_link_free(link_);
	m3ua_sg_free(sg);
	isup_trunk_free(tg);
}

/* Two ASPs of one AS (override) through the router: losing the active one costs nothing; losing both
 * holds MSUs until one is back. */
static void test_router_failover(void)
{
	sg_active = sg_rx_iam = sg_rx_rel = alerting = answered = released = 0;
	sg = m3ua_sg_alloc(ctx, M3UA_TRANSPORT_TCP, "127.0.0.1", 0, &sg_ops, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sg);
	struct ss7_router *r = ss7_router_alloc(ctx, false);
	struct isup_net *net = isup_net_alloc(ctx);
	CU_ASSERT_EQUAL_FATAL(isup_net_attach_mtp(net, r), 0);
	tg = isup_trunk_alloc(ctx, "rt", ISUP_VAR_ITU, 1, 2);
	isup_trunk_add_range(tg, 1, 31);
	isup_trunk_set_mtp(tg, net->mtp, net->mtp_priv);
	isup_trunk_set_user(tg, &isup_user, NULL);
	llist_add_tail(&tg->list, &net->trunks);
	isup_trunk_mtp_pause(tg);
	struct ss7_as *as = ss7_router_as_add(r, "as1", M3UA_TMT_OVERRIDE);
	CU_ASSERT_EQUAL(ss7_router_route_add(r, 2, as), 0);
	CU_ASSERT_EQUAL(ss7_router_route_add(r, 2, as), -EEXIST);
	struct m3ua_asp_cfg cfg = { .has_rc = true, .routing_ctx = 1 };
	struct m3ua_link *a0 = ss7_as_asp_add(as, "asp0", M3UA_TRANSPORT_TCP, "127.0.0.1", sg->port, &cfg);
	RUN_UNTIL(m3ua_asp_state(a0->asp) == M3UA_ASP_ST_ACTIVE);
	struct m3ua_link *a1 = ss7_as_asp_add(as, "asp1", M3UA_TRANSPORT_TCP, "127.0.0.1", sg->port, &cfg);
	RUN_UNTIL(m3ua_asp_state(a1->asp) == M3UA_ASP_ST_ACTIVE);
	CU_ASSERT_EQUAL_FATAL(sg_active, 2);
	CU_ASSERT_FALSE(tg->mtp_paused);

	struct isup_call *call = call_to_alerting();

	/* the first (active, override) ASP's connection dies: the other carries on, no pause */
	m3ua_sg_drop_peers(sg, 1);
	RUN_UNTIL(m3ua_asp_state(a0->asp) != M3UA_ASP_ST_ACTIVE);
	CU_ASSERT_FALSE(tg->mtp_paused);
	sg_reply(ISUP_MT_ANM, call->circ->cic, "");
	RUN_UNTIL(answered == 1);
	CU_ASSERT_EQUAL(answered, 1);
	RUN_UNTIL(m3ua_asp_state(a0->asp) == M3UA_ASP_ST_ACTIVE);

	/* both die; the REL sent meanwhile is held and goes out when an ASP is back */
	m3ua_sg_drop_peers(sg, 0);
	RUN_UNTIL(tg->mtp_paused);
	CU_ASSERT_TRUE(tg->mtp_paused);
	struct isup_cause c = isup_cause_make(0, 16);
	isup_call_release_req(call, &c);
	CU_ASSERT_EQUAL(as->q.n, 1);
	RUN_UNTIL(llist_empty(&tg->calls));
	CU_ASSERT_EQUAL(sg_rx_rel, 1);
	CU_ASSERT_TRUE(llist_empty(&tg->calls));
	CU_ASSERT_EQUAL(as->q.n, 0);
	CU_ASSERT_EQUAL(as->q_dropped, 0);
	CU_ASSERT_FALSE(tg->mtp_paused);

	ss7_router_free(r); /* first: the trunks are left without MTP, the net frees without it */
	CU_ASSERT_PTR_NULL(net->router);
	CU_ASSERT_PTR_NULL(tg->mtp_transfer);
	m3ua_sg_free(sg);
	isup_trunk_free(tg); /* unlinks it from the list */
	talloc_free(net);
	/* the other order: the net goes first and takes its registration with it */
	r = ss7_router_alloc(ctx, false);
	net = isup_net_alloc(ctx);
	CU_ASSERT_EQUAL_FATAL(isup_net_attach_mtp(net, r), 0);
	CU_ASSERT_PTR_NOT_NULL(r->users[MTP3_SI_ISUP]);
	talloc_free(net);
	CU_ASSERT_PTR_NULL(r->users[MTP3_SI_ISUP]);
	ss7_router_free(r);
}

/* two user parts behind the router, SI 5 (ISUP) and SI 3 (SCCP): what each hears of a DUPU */
static unsigned status_n[SS7_MAX_SI];
static enum ss7_status status_st[SS7_MAX_SI];
static uint32_t status_dpc[SS7_MAX_SI];
static void user_status(const struct ss7_user *u, uint32_t dpc, enum ss7_status st, unsigned info)
{
	unsigned si = (unsigned)(uintptr_t)u->priv;
	status_n[si]++;
	status_st[si] = st;
	status_dpc[si] = dpc;
}

static void sg_dupu(struct m3ua_asp *asp, uint32_t pc, uint16_t cause, uint16_t user)
{
	uint8_t buf[64];
	struct m3ua_builder b;
	m3ua_build_start(&b, buf, sizeof(buf), M3UA_CL_SSNM, M3UA_SSNM_DUPU);
	m3ua_build_u32(&b, M3UA_TAG_AFFECTED_PC, pc);
	m3ua_build_u32(&b, M3UA_TAG_USER_CAUSE, (uint32_t)cause << 16 | user);
	int n = m3ua_build_end(&b);
	CU_ASSERT_FATAL(n > 0);
	m3ua_asp_rx(asp, buf, (size_t)n);
}

/* RFC 4666 3.4.5: the User/Cause of a DUPU names the user part and the cause; only that user part hears
 * of it, unequipped (1) apart from inaccessible (2) and unknown (0) */
static void test_router_dupu(void)
{
	sg_active = 0;
	memset(status_n, 0, sizeof(status_n));
	sg = m3ua_sg_alloc(ctx, M3UA_TRANSPORT_TCP, "127.0.0.1", 0, &sg_ops, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sg);
	struct ss7_router *r = ss7_router_alloc(ctx, false);
	static const struct ss7_user isup_u = { .name = "isup", .status_ind = user_status, .priv = (void *)5 };
	static const struct ss7_user sccp_u = { .name = "sccp", .status_ind = user_status, .priv = (void *)3 };
	CU_ASSERT_EQUAL(ss7_user_register(r, MTP3_SI_ISUP, &isup_u), 0);
	CU_ASSERT_EQUAL(ss7_user_register(r, 3, &sccp_u), 0);
	struct ss7_as *as = ss7_router_as_add(r, "as1", M3UA_TMT_OVERRIDE);
	CU_ASSERT_EQUAL(ss7_router_route_add(r, 2, as), 0);
	struct m3ua_asp_cfg cfg = { .has_rc = true, .routing_ctx = 1 };
	struct m3ua_link *a0 = ss7_as_asp_add(as, "asp0", M3UA_TRANSPORT_TCP, "127.0.0.1", sg->port, &cfg);
	RUN_UNTIL(m3ua_asp_state(a0->asp) == M3UA_ASP_ST_ACTIVE);
	CU_ASSERT_EQUAL_FATAL(m3ua_asp_state(a0->asp), M3UA_ASP_ST_ACTIVE);

	sg_dupu(a0->asp, 2, 1, MTP3_SI_ISUP); /* ISUP unequipped at 2 */
	CU_ASSERT_EQUAL(status_n[5], 1);
	CU_ASSERT_EQUAL(status_st[5], SS7_STATUS_UP_UNEQUIPPED);
	CU_ASSERT_EQUAL(status_dpc[5], 2);
	CU_ASSERT_EQUAL(status_n[3], 0);
	sg_dupu(a0->asp, 2, 2, 3); /* SCCP inaccessible: ISUP hears nothing */
	CU_ASSERT_EQUAL(status_n[3], 1);
	CU_ASSERT_EQUAL(status_st[3], SS7_STATUS_UP_UNAVAILABLE);
	CU_ASSERT_EQUAL(status_n[5], 1);
	sg_dupu(a0->asp, 2, 0, MTP3_SI_ISUP); /* unknown cause */
	CU_ASSERT_EQUAL(status_n[5], 2);
	CU_ASSERT_EQUAL(status_st[5], SS7_STATUS_UP_UNAVAILABLE);
	sg_dupu(a0->asp, 2, 1, 9); /* a user part nobody registered */
	CU_ASSERT_EQUAL(status_n[5] + status_n[3], 3);

	ss7_router_free(r);
	m3ua_sg_free(sg);
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "test_m3ua_tcp");
	osmo_init_logging2(ctx, &isupgw_log_info);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_category_filter(osmo_stderr_target, DLGLOBAL, 1, LOGL_ERROR);
	log_set_category_filter(osmo_stderr_target, DISUP, 1, LOGL_ERROR);
	log_set_category_filter(osmo_stderr_target, DM3UA, 1, LOGL_ERROR);
	isup_cc_init(DISUP);
	m3ua_asp_fsm_init(DM3UA);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("m3ua_tcp", NULL, NULL);
	CU_add_test(s, "ISUP over M3UA/TCP, connection lost and restored, call kept", test_tcp_call_and_failover);
	CU_add_test(s, "M3UA/TCP without a descriptor: retried, counted, up once one is free", test_tcp_no_descriptor);
	CU_add_test(s, "router: ASP failover within an AS, MSUs held while none is active", test_router_failover);
	CU_add_test(s, "router: DUPU to the user part it names, unequipped apart from inaccessible", test_router_dupu);
	return cunit_run();
}
