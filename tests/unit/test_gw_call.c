/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The gateway's call in-process: the real libgateway and libisup, an ISUP trunk whose MTP is this test (it
 * reads every MSU the gateway sends and injects the far exchange's), and a fake SIP layer in place of
 * libsip's legs (struct sip_leg is opaque to the gateway, so the test defines its own and records what the
 * gateway asks of it). Time is faked: T11, X1, X2 and the ISUP timers run as the test moves the clock.
 * Each test ends with every call gone, every circuit idle, every message checked and no talloc leak. */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/vty.h>

#include "config/isupgw_log.h"
#include "config/isupgw_vty.h"
#include "cunit_run.h"
#include "fake_clock.h"
#include "gateway/gw.h"
#include "gateway/gw_call.h"
#include "gateway/gw_media.h"
#include "isup/isup.h"

static void *ctx;
static struct gw *gw;
static struct isup_trunk *tg;
static size_t blocks_before;

/* ---- ISUP: the far exchange ---- */

#define MAXQ 64
static struct isup_msg txq[MAXQ];
static unsigned txq_n, txq_head;

static int mtp_tx(struct isup_trunk *t, const uint8_t *msu, size_t len, void *priv)
{
	struct mtp3_label l;
	int h = mtp3_label_decode(&l, false, msu, len);
	CU_ASSERT_FATAL(h > 0);
	CU_ASSERT_FATAL(txq_n < MAXQ);
	CU_ASSERT_EQUAL(isup_msg_decode(&txq[txq_n++], t->variant, msu + h, len - (size_t)h), ISUP_OK);
	return 0;
}

/* the far exchange sends a message, in isup-tool's text form */
static void isup_rx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void isup_rx(const char *fmt, ...)
{
	char line[512], err[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	struct isup_msg m;
	int rc = isup_msg_from_line(&m, ISUP_VAR_ITU, line, err, sizeof(err));
	if (rc)
		fprintf(stderr, "\nbad test line '%s': %s\n", line, err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	uint8_t b[600];
	int n = isup_msg_encode(&m, b, sizeof(b));
	CU_ASSERT_FATAL(n > 0);
	isup_trunk_rx(tg, b, (size_t)n);
}

/* the gateway's next ISUP message must be of this type (on this CIC unless cic is 0) */
static const struct isup_msg *isup_expect(uint8_t type, uint16_t cic)
{
	if (txq_head >= txq_n) {
		fprintf(stderr, "\nexpected %s, nothing sent\n", isup_msg_abbr(ISUP_VAR_ITU, type));
		CU_FAIL_FATAL("missing ISUP message");
	}
	const struct isup_msg *m = &txq[txq_head++];
	if (m->type != type || (cic && m->cic != cic))
		fprintf(stderr, "\nexpected %s CIC %u, got %s CIC %u\n", isup_msg_abbr(ISUP_VAR_ITU, type), cic,
			isup_msg_abbr(ISUP_VAR_ITU, m->type), m->cic);
	CU_ASSERT_EQUAL_FATAL(m->type, type);
	if (cic)
		CU_ASSERT_EQUAL(m->cic, cic);
	return m;
}

static int isup_cause_of(const struct isup_msg *m)
{
	struct isup_cause c;
	return isup_msg_get_cause(m, &c) ? -1 : c.cause;
}

static void isup_none(void)
{
	if (txq_head != txq_n)
		fprintf(stderr, "\nunexpected ISUP %s CIC %u\n", isup_msg_abbr(ISUP_VAR_ITU, txq[txq_head].type),
			txq[txq_head].cic);
	CU_ASSERT_EQUAL(txq_head, txq_n);
}

/* ---- SIP: a fake libsip, recording what the gateway asks of its legs ---- */

struct sip_leg {
	enum sip_leg_dir dir;
	void *user_ref;
	bool answered, peer_has_isup, provisional_seen, reliable_1xx, ended;
	char *redirect_uri;
	char ruri[240]; /* UAC: the INVITE's Request-URI */
	unsigned idx;
};

#define MAXLEGS 16
static struct sip_leg legs[MAXLEGS];
static unsigned n_legs;
static char sipq[MAXQ][300];
static unsigned sipq_n, sipq_head;

static void sip_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sip_log(const char *fmt, ...)
{
	CU_ASSERT_FATAL(sipq_n < MAXQ);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sipq[sipq_n++], sizeof(sipq[0]), fmt, ap);
	va_end(ap);
}

static struct sip_leg *leg_new(enum sip_leg_dir dir, void *user_ref)
{
	CU_ASSERT_FATAL(n_legs < MAXLEGS);
	struct sip_leg *leg = &legs[n_legs];
	memset(leg, 0, sizeof(*leg));
	leg->dir = dir;
	leg->user_ref = user_ref;
	leg->idx = n_legs++;
	return leg;
}

static const char *reason_str(const struct sip_reason *r)
{
	static char buf[32];
	if (!r || !r->present)
		return "";
	snprintf(buf, sizeof(buf), " cause=%u", r->cause);
	return buf;
}

struct sip_leg *sip_leg_invite(struct sip_agent *a, const struct sip_invite_req *req, const struct sipt_body *body,
			       void *user_ref)
{
	struct sip_leg *leg = leg_new(SIP_LEG_UAC, user_ref);
	snprintf(leg->ruri, sizeof(leg->ruri), "%s", req->ruri);
	sip_log("leg%u INVITE %s%s", leg->idx, req->ruri, body && body->has_isup ? " +isup" : "");
	return leg;
}

int sip_leg_progress(struct sip_leg *leg, int status, const struct sipt_body *body)
{
	sip_log("leg%u %d", leg->idx, status);
	return 0;
}

int sip_leg_answer(struct sip_leg *leg, const struct sipt_body *body)
{
	leg->answered = true;
	sip_log("leg%u 200", leg->idx);
	return 0;
}

int sip_leg_reject(struct sip_leg *leg, int status, const struct sip_reason *reason, const struct sipt_body *body)
{
	leg->ended = true;
	sip_log("leg%u %d%s", leg->idx, status, reason_str(reason));
	return 0;
}

static char last_nonce[SIP_DIGEST_NONCE_LEN + 1]; /* of the last challenge */

int sip_leg_challenge(struct sip_leg *leg, const char *realm, const char *nonce, bool stale)
{
	leg->ended = true;
	snprintf(last_nonce, sizeof(last_nonce), "%s", nonce);
	sip_log("leg%u 401 realm=%s%s", leg->idx, realm, stale ? " stale" : "");
	return 0;
}

int sip_leg_reject_retry(struct sip_leg *leg, int status, const struct sip_reason *reason, unsigned retry_after_s)
{
	leg->ended = true;
	sip_log("leg%u %d%s retry-after=%u", leg->idx, status, reason_str(reason), retry_after_s);
	return 0;
}

int sip_leg_reject_body(struct sip_leg *leg, int status, const struct sip_reject_info *info)
{
	leg->ended = true;
	sip_log("leg%u %d warn=%d%s%s", leg->idx, status, info->warn_code, info->accept ? " accept=" : "",
		info->accept ? info->accept : "");
	return 0;
}

int sip_leg_redirect(struct sip_leg *leg, int status, const struct sip_reason *reason, const char *contact)
{
	leg->ended = true;
	sip_log("leg%u %d %s", leg->idx, status, contact);
	return 0;
}

/* as libsip: CANCEL before the answer (UAC), BYE after it; no indication to the user afterwards */
int sip_leg_release(struct sip_leg *leg, const struct sip_reason *reason, const struct sipt_body *body)
{
	leg->ended = true;
	sip_log("leg%u %s%s", leg->idx,
		leg->answered		? "BYE" :
		leg->dir == SIP_LEG_UAC ? "CANCEL" :
					  "480",
		reason_str(reason));
	return 0;
}

int sip_leg_info(struct sip_leg *leg, const struct sipt_body *body)
{
	sip_log("leg%u INFO", leg->idx);
	return 0;
}

int sip_leg_hold(struct sip_leg *leg, bool hold, const struct sipt_body *body)
{
	sip_log("leg%u %s", leg->idx, hold ? "HOLD" : "RESUME");
	return 0;
}

size_t sip_agent_rx_backlog(const struct sip_agent *a)
{
	return 0;
}

const struct sip_conn_stats *sip_agent_conn_stats(const struct sip_agent *a)
{
	static const struct sip_conn_stats none;
	return &none;
}

int sip_agent_options(struct sip_agent *a, const char *uri, sip_options_cb cb, void *priv)
{
	return -1;
}

enum sip_leg_dir sip_leg_get_dir(const struct sip_leg *leg)
{
	return leg->dir;
}

void *sip_leg_user_ref(const struct sip_leg *leg)
{
	return leg->user_ref;
}

void sip_leg_set_user_ref(struct sip_leg *leg, void *user_ref)
{
	leg->user_ref = user_ref;
}

bool sip_leg_answered(const struct sip_leg *leg)
{
	return leg->answered;
}

bool sip_leg_peer_has_isup(const struct sip_leg *leg)
{
	return leg->peer_has_isup;
}

bool sip_leg_provisional_seen(const struct sip_leg *leg)
{
	return leg->provisional_seen;
}

const char *sip_leg_redirect_uri(const struct sip_leg *leg)
{
	return leg->redirect_uri;
}

const char *sip_leg_to_tag(const struct sip_leg *leg)
{
	return leg->answered ? "fake-to-tag" : NULL;
}

void sip_agent_add_tls_subject(struct sip_agent *a, const char *name)
{
}

void sip_leg_set_keepalive(struct sip_leg *leg, unsigned interval_s)
{
}

void sip_leg_set_reliable_1xx(struct sip_leg *leg, bool reliable)
{
	leg->reliable_1xx = reliable;
}

static struct sip_agent agent;

/* the gateway's next SIP action must start with this text */
static void sip_expect(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sip_expect(const char *fmt, ...)
{
	char want[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	if (sipq_head >= sipq_n) {
		fprintf(stderr, "\nexpected SIP '%s', nothing\n", want);
		CU_FAIL_FATAL("missing SIP action");
	}
	const char *got = sipq[sipq_head++];
	if (strncmp(got, want, strlen(want)))
		fprintf(stderr, "\nexpected SIP '%s', got '%s'\n", want, got);
	CU_ASSERT_FATAL(!strncmp(got, want, strlen(want)));
}

static void sip_none(void)
{
	if (sipq_head != sipq_n)
		fprintf(stderr, "\nunexpected SIP '%s'\n", sipq[sipq_head]);
	CU_ASSERT_EQUAL(sipq_head, sipq_n);
}

/* the peer's side of a leg */
static void sip_rx_progress(struct sip_leg *leg, int status)
{
	leg->provisional_seen = true;
	gw_sip_ops.progress_ind(leg, status, NULL);
}

static void sip_rx_answer(struct sip_leg *leg)
{
	leg->answered = true;
	gw_sip_ops.answer_ind(leg, NULL);
}

/* a final error (UAC), or BYE/CANCEL from the peer (status 0) */
static void sip_rx_release(struct sip_leg *leg, int status, int cause)
{
	struct sip_reason r = { .present = cause > 0, .cause = (uint8_t)(cause > 0 ? cause : 0) };
	leg->ended = true;
	gw_sip_ops.release_ind(leg, status, &r, NULL);
}

/* where the next INVITEs come from (setup(): the peer far, 127.0.0.1 port 5090 over UDP) */
static const char *inv_src_addr = "127.0.0.1", *inv_src_tport = "udp";
static uint16_t inv_src_port = 5090;

/* an INVITE from the peer at 127.0.0.1 toward number with a body (NULL: none); call_id NULL: a new call */
static const struct sip_digest_resp *inv_auth; /* the next INVITEs' Authorization, or NULL */

static struct sip_leg *sip_rx_invite_body(const char *number, const char *call_id, const struct sipt_body *body)
{
	struct sip_leg *leg = leg_new(SIP_LEG_UAS, NULL);
	struct sip_invite *inv = talloc_zero(ctx, struct sip_invite);
	snprintf(inv->ruri, sizeof(inv->ruri), "sip:%s@127.0.0.1:5060;user=phone", number);
	snprintf(inv->from, sizeof(inv->from), "<sip:+4930999888@127.0.0.1>;tag=abc");
	snprintf(inv->to, sizeof(inv->to), "<sip:%s@127.0.0.1>", number);
	inv->max_forwards = 70;
	if (call_id)
		snprintf(inv->call_id, sizeof(inv->call_id), "%s", call_id);
	else
		snprintf(inv->call_id, sizeof(inv->call_id), "call-%u@test", leg->idx);
	snprintf(inv->from_tag, sizeof(inv->from_tag), "abc");
	snprintf(inv->src_addr, sizeof(inv->src_addr), "%s", inv_src_addr);
	inv->src_port = inv_src_port;
	snprintf(inv->src_transport, sizeof(inv->src_transport), "%s", inv_src_tport);
	if (body)
		inv->body = *body;
	if (inv_auth)
		inv->auth = *inv_auth;
	gw_sip_ops.invite_ind(&agent, leg, inv);
	talloc_free(inv);
	return leg;
}

static struct sip_leg *sip_rx_invite_of(const char *number, const char *call_id)
{
	return sip_rx_invite_body(number, call_id, NULL);
}

static struct sip_leg *sip_rx_invite(const char *number)
{
	return sip_rx_invite_of(number, NULL);
}

/* ---- set-up ---- */

static const char cfg[] = "isup\n"
			  " trunk pstn\n"
			  "  variant itu\n"
			  "  local-point-code 1-1-1\n"
			  "  remote-point-code 2-2-2\n"
			  "  cic-range 1 31\n"
			  "sip-peer far\n"
			  " remote 127.0.0.1 5090 udp\n"
			  " country-code 49\n"
			  " uri-host 127.0.0.1\n"
			  " trusted\n"
			  " allow-source 127.0.0.1\n"
			  "sip-peer second\n"
			  " remote 127.0.0.2 5090 udp\n"
			  " country-code 49\n"
			  " uri-host 127.0.0.2\n"
			  " allow-source 127.0.0.2 port 5070\n"
			  " allow-source 127.0.0.2 transport tls\n"
			  "sip-peer tlspeer\n"
			  " remote 127.0.0.4 5061 tls\n"
			  "gateway\n"
			  " route isup-to-sip 3 peer far\n"
			  " route isup-to-sip 5 peer far\n"
			  " route isup-to-sip 5 overlap collect\n"
			  " route isup-to-sip 5 length 3 6\n"
			  " route isup-to-sip 6 peer far\n"
			  " route isup-to-sip 6 overlap rfc3578\n"
			  " route isup-to-sip 6 length 4 0\n"
			  " route isup-to-sip 7 peer far second\n"
			  " route sip-to-isup 49 trunk pstn\n"
			  " route sip-to-isup 48 trunk pstn\n"
			  " route sip-to-isup 48 length 0 8\n";

static void setup(void)
{
	if (gw->n_calls) {
		/* a test before this one failed halfway: release what it left */
		gw_release_all(gw);
		for (unsigned cic = 1; cic <= 31; cic++)
			isup_rx("RLC cic=%u", cic);
		advance(1);
	}
	txq_n = txq_head = sipq_n = sipq_head = n_legs = 0;
	inv_src_addr = "127.0.0.1";
	inv_src_tport = "udp";
	inv_src_port = 5090;
	blocks_before = talloc_total_blocks(ctx);
}

/* every call gone, every circuit idle, every message checked, nothing leaked */
static void check_idle(void)
{
	run_timers();
	isup_none();
	sip_none();
	CU_ASSERT_EQUAL(gw->n_calls, 0);
	CU_ASSERT_TRUE(llist_empty(&gw->calls));
	CU_ASSERT_TRUE(llist_empty(&tg->calls));
	for (unsigned i = 0; i < tg->n_circuits; i++) {
		enum isup_cic_state st = (enum isup_cic_state)tg->circuits[i]->fi->state;
		if (st != ISUP_CIC_ST_IDLE)
			fprintf(stderr, "\nCIC %u left in %s\n", tg->circuits[i]->cic, isup_cic_state_name(st));
		CU_ASSERT_EQUAL(st, ISUP_CIC_ST_IDLE);
	}
	CU_ASSERT_EQUAL(talloc_total_blocks(ctx), blocks_before);
}

#define IAM_FMT                                                                                    \
	"IAM cic=%u fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=%s " \
	"cgpn.nai=3 cgpn.npi=1 cgpn.si=3 cgpn.digits=4930999"

/* ---- ISUP -> SIP ---- */

/* RFC 3666 3.1: IAM -> INVITE, 180 -> ACM, 200 -> ANM, the PSTN hangs up: REL -> BYE, RLC */
static void test_i2s_answered(void)
{
	setup();
	isup_rx(IAM_FMT, 2u, "301234567");
	sip_expect("leg0 INVITE sip:+49301234567@127.0.0.1:5090;user=phone");
	struct sip_leg *leg = &legs[0];
	sip_rx_progress(leg, 180);
	isup_expect(ISUP_MT_ACM, 2);
	sip_rx_answer(leg);
	isup_expect(ISUP_MT_ANM, 2);
	isup_rx("REL cic=2 cause.location=0 cause.cause=16");
	sip_expect("leg0 BYE cause=16");
	isup_expect(ISUP_MT_RLC, 2);
	check_idle();
}

/* RFC 3666 3.2 / RFC 3398 s8.2.6.1: 486 -> REL cause 17; the far end's RLC ends the circuit's call */
static void test_i2s_busy(void)
{
	setup();
	isup_rx(IAM_FMT, 3u, "301234567");
	sip_expect("leg0 INVITE");
	sip_rx_release(&legs[0], 486, 0);
	CU_ASSERT_EQUAL(isup_cause_of(isup_expect(ISUP_MT_REL, 3)), Q850_USER_BUSY);
	isup_rx("RLC cic=3");
	check_idle();
}

/* RFC 3398 s8.2.8: no 18x within T11 -> an early ACM; answer and SIP hangs up: BYE -> REL 16 */
static void test_i2s_t11_then_bye(void)
{
	setup();
	isup_rx(IAM_FMT, 4u, "301234567");
	sip_expect("leg0 INVITE");
	advance(14);
	isup_none();
	advance(1);
	isup_expect(ISUP_MT_ACM, 4);
	sip_rx_progress(&legs[0], 180); /* the ACM went: a CPG at most, never a second ACM */
	for (; txq_head < txq_n; txq_head++)
		CU_ASSERT_EQUAL(txq[txq_head].type, ISUP_MT_CPG);
	sip_rx_answer(&legs[0]);
	isup_expect(ISUP_MT_ANM, 4);
	sip_rx_release(&legs[0], 0, 0);
	CU_ASSERT_EQUAL(isup_cause_of(isup_expect(ISUP_MT_REL, 4)), Q850_NORMAL_CLEARING);
	isup_rx("RLC cic=4");
	check_idle();
}

/* the PSTN gives up while the INVITE is early: REL -> CANCEL with its cause (RFC 3398 s8.2.7) */
static void test_i2s_cancel(void)
{
	setup();
	isup_rx(IAM_FMT, 5u, "301234567");
	sip_expect("leg0 INVITE");
	sip_rx_progress(&legs[0], 180);
	isup_expect(ISUP_MT_ACM, 5);
	isup_rx("REL cic=5 cause.location=0 cause.cause=31");
	sip_expect("leg0 CANCEL cause=31");
	isup_expect(ISUP_MT_RLC, 5);
	check_idle();
}

/* REL and BYE cross: the PSTN's REL is released toward SIP; the far exchange's RLC after our REL for a BYE
 * that crossed its REL: each half is released exactly once */
static void test_i2s_rel_bye_crossing(void)
{
	setup();
	isup_rx(IAM_FMT, 6u, "301234567");
	sip_expect("leg0 INVITE");
	sip_rx_answer(&legs[0]);
	isup_expect(ISUP_MT_CON, 6);	 /* answer without 18x: CON (Q.764 2.1.4.2) */
	sip_rx_release(&legs[0], 0, 16); /* BYE */
	isup_expect(ISUP_MT_REL, 6);
	isup_rx("REL cic=6 cause.location=0 cause.cause=16"); /* the far end's REL crossed ours */
	isup_expect(ISUP_MT_RLC, 6);
	isup_rx("RLC cic=6");
	check_idle();
}

/* no route for the called number: REL cause 3, no INVITE */
static void test_i2s_no_route(void)
{
	setup();
	isup_rx(IAM_FMT, 7u, "901234567");
	CU_ASSERT_EQUAL(isup_cause_of(isup_expect(ISUP_MT_REL, 7)), Q850_NO_ROUTE_TO_DEST);
	isup_rx("RLC cic=7");
	check_idle();
}

/* RFC 3398 s8.2.5: a 302 is followed with a new INVITE to its Contact, the same call */
static void test_i2s_redirect(void)
{
	setup();
	isup_rx(IAM_FMT, 8u, "301234567");
	sip_expect("leg0 INVITE");
	legs[0].redirect_uri = "sip:+4930777@127.0.0.1:5091";
	sip_rx_release(&legs[0], 302, 0);
	sip_expect("leg1 INVITE sip:+4930777@127.0.0.1:5091");
	sip_rx_answer(&legs[1]);
	isup_expect(ISUP_MT_CON, 8);
	isup_rx("REL cic=8 cause.location=0 cause.cause=16");
	sip_expect("leg1 BYE");
	isup_expect(ISUP_MT_RLC, 8);
	check_idle();
}

/* a route of two peers: the first times out (408, nothing provisional) -> the second gets the call */
static void test_i2s_failover(void)
{
	setup();
	isup_rx(IAM_FMT, 9u, "701234567");
	sip_expect("leg0 INVITE sip:+49701234567@127.0.0.1:5090");
	sip_rx_release(&legs[0], 408, 0);
	sip_expect("leg1 INVITE sip:+49701234567@127.0.0.2:5090");
	sip_rx_release(&legs[1], 404, 0);
	CU_ASSERT_EQUAL(isup_cause_of(isup_expect(ISUP_MT_REL, 9)), Q850_UNALLOCATED_NUMBER);
	isup_rx("RLC cic=9");
	check_idle();
}

/* overlap, collect: IAM + SAMs until the length plan (6 digits) completes the number: one INVITE */
static void test_i2s_overlap_collect(void)
{
	setup();
	isup_rx(IAM_FMT, 10u, "512");
	sip_none();
	isup_rx("SAM cic=10 sn.digits=34");
	sip_none();
	isup_rx("SAM cic=10 sn.digits=56");
	sip_expect("leg0 INVITE sip:+495123456@127.0.0.1:5090");
	isup_rx("REL cic=10 cause.location=0 cause.cause=16");
	sip_expect("leg0 CANCEL");
	isup_expect(ISUP_MT_RLC, 10);
	check_idle();
}

/* overlap, collect: the inter-digit timer X2 (4 s) completes a number of enough digits */
static void test_i2s_overlap_x2(void)
{
	setup();
	isup_rx(IAM_FMT, 11u, "5123");
	advance(3);
	sip_none();
	advance(1);
	sip_expect("leg0 INVITE sip:+495123@127.0.0.1:5090");
	isup_rx("REL cic=11 cause.location=0 cause.cause=16");
	sip_expect("leg0 CANCEL");
	isup_expect(ISUP_MT_RLC, 11);
	/* fewer digits than the route's minimum when X2 expires: REL cause 28 */
	isup_rx(IAM_FMT, 12u, "51");
	advance(4);
	CU_ASSERT_EQUAL(isup_cause_of(isup_expect(ISUP_MT_REL, 12)), Q850_INVALID_NUMBER_FORMAT);
	isup_rx("RLC cic=12");
	check_idle();
}

/* overlap, RFC 3578: an INVITE with the digits so far; 484 -> the next SAM makes a new INVITE with more */
static void test_i2s_overlap_3578(void)
{
	setup();
	isup_rx(IAM_FMT, 13u, "6123");
	sip_expect("leg0 INVITE sip:+496123@");
	sip_rx_release(&legs[0], 484, 0);
	isup_none(); /* the call waits for more digits */
	isup_rx("SAM cic=13 sn.digits=4");
	sip_expect("leg1 INVITE sip:+4961234@");
	sip_rx_progress(&legs[1], 180);
	isup_expect(ISUP_MT_ACM, 13);
	isup_rx("REL cic=13 cause.location=0 cause.cause=16");
	sip_expect("leg1 CANCEL");
	isup_expect(ISUP_MT_RLC, 13);
	check_idle();
}

/* overlap, RFC 3578: a SAM while the INVITE is pending CANCELs it and sends a new one (s3); once the call
 * is answered the number is final: a SAM then reaches SIP only as SIP-T INFO (not for this peer), never
 * as a new INVITE */
static void test_i2s_overlap_3578_pending(void)
{
	setup();
	isup_rx(IAM_FMT, 17u, "6123");
	sip_expect("leg0 INVITE sip:+496123@");
	isup_rx("SAM cic=17 sn.digits=45");
	sip_expect("leg0 CANCEL");
	sip_expect("leg1 INVITE sip:+49612345@");
	struct gw_call *c = llist_first_entry(&gw->calls, struct gw_call, list);
	CU_ASSERT_STRING_EQUAL(osmo_fsm_inst_state_name(c->ovl->fi), "OPEN");
	sip_rx_progress(&legs[1], 180);
	isup_expect(ISUP_MT_ACM, 17);
	sip_rx_answer(&legs[1]);
	isup_expect(ISUP_MT_ANM, 17);
	CU_ASSERT_STRING_EQUAL(osmo_fsm_inst_state_name(c->ovl->fi), "DONE");
	isup_rx("SAM cic=17 sn.digits=6");
	sip_none(); /* the peer is no SIP-T peer: nothing (the code before the overlap FSM re-INVITEd) */
	isup_rx("REL cic=17 cause.location=0 cause.cause=16");
	sip_expect("leg1 BYE cause=16");
	isup_expect(ISUP_MT_RLC, 17);
	check_idle();
}

/* RFC 3578 with fewer digits than the route's minimum (4): no INVITE yet, the call collects; a SAM that
 * reaches the minimum sends it. A number that stops short is ended by the exchange's T35 (REL 28). */
static void test_i2s_overlap_3578_short(void)
{
	setup();
	isup_rx(IAM_FMT, 15u, "61");
	sip_none();
	CU_ASSERT_STRING_EQUAL(
		osmo_fsm_inst_state_name(((struct gw_call *)llist_first_entry(&gw->calls, struct gw_call, list))->fi),
		"COLLECTING");
	isup_rx("SAM cic=15 sn.digits=23");
	sip_expect("leg0 INVITE sip:+496123@");
	isup_rx("REL cic=15 cause.location=0 cause.cause=16");
	sip_expect("leg0 CANCEL");
	isup_expect(ISUP_MT_RLC, 15);
	isup_rx(IAM_FMT, 16u, "61");
	advance(15); /* T35 */
	CU_ASSERT_EQUAL(isup_cause_of(isup_expect(ISUP_MT_REL, 16)), Q850_INVALID_NUMBER_FORMAT);
	isup_rx("RLC cic=16");
	check_idle();
}

/* X1 set: no answer within it -> CANCEL toward SIP, REL 102 toward the PSTN */
static void test_i2s_x1(void)
{
	setup();
	CU_ASSERT_EQUAL(osmo_tdef_set(gw->tdefs, -1, 30, OSMO_TDEF_S), 0);
	isup_rx(IAM_FMT, 14u, "301234567");
	sip_expect("leg0 INVITE");
	sip_rx_progress(&legs[0], 180);
	isup_expect(ISUP_MT_ACM, 14);
	advance(29);
	sip_none();
	advance(1);
	sip_expect("leg0 CANCEL cause=102");
	CU_ASSERT_EQUAL(isup_cause_of(isup_expect(ISUP_MT_REL, 14)), Q850_RECOVERY_ON_TIMER_EXPIRY);
	isup_rx("RLC cic=14");
	CU_ASSERT_EQUAL(osmo_tdef_set(gw->tdefs, -1, 0, OSMO_TDEF_S), 0);
	check_idle();
}

/* ---- SIP -> ISUP ---- */

/* RFC 3666 4.1: INVITE -> IAM, ACM -> 180, ANM -> 200, BYE -> REL 16, RLC */
static void test_s2i_answered(void)
{
	setup();
	struct sip_leg *leg = sip_rx_invite("+4930123456");
	const struct isup_msg *iam = isup_expect(ISUP_MT_IAM, 0);
	uint16_t cic = iam->cic;
	struct isup_number cdpn;
	CU_ASSERT_EQUAL(isup_msg_get_number(iam, ISUP_PAR_CALLED, &cdpn), 0);
	/* +49 is the peer's country code: a national number (RFC 3398 s8.2.1) */
	CU_ASSERT_STRING_EQUAL(cdpn.digits, "30123456");
	CU_ASSERT_EQUAL(cdpn.nai, 3);
	isup_rx("ACM cic=%u bci.called_status=1", cic);
	sip_expect("leg0 180");
	isup_rx("ANM cic=%u", cic);
	sip_expect("leg0 200");
	sip_rx_release(leg, 0, 0);
	CU_ASSERT_EQUAL(isup_cause_of(isup_expect(ISUP_MT_REL, cic)), Q850_NORMAL_CLEARING);
	isup_rx("RLC cic=%u", cic);
	check_idle();
}

/* RFC 3398 s7.2.4.1: REL 17 before the answer -> 486 with Reason: Q.850;cause=17 */
static void test_s2i_busy(void)
{
	setup();
	sip_rx_invite("+4930123456");
	uint16_t cic = isup_expect(ISUP_MT_IAM, 0)->cic;
	isup_rx("REL cic=%u cause.location=1 cause.cause=17", cic);
	sip_expect("leg0 486 cause=17");
	isup_expect(ISUP_MT_RLC, cic);
	check_idle();
}

/* the caller CANCELs after the ACM: REL 16 (RFC 3398 s8.2.7 for a CANCEL) */
static void test_s2i_cancel(void)
{
	setup();
	struct sip_leg *leg = sip_rx_invite("+4930123456");
	uint16_t cic = isup_expect(ISUP_MT_IAM, 0)->cic;
	isup_rx("ACM cic=%u bci.called_status=1", cic);
	sip_expect("leg0 180");
	sip_rx_release(leg, 0, 0);
	CU_ASSERT_EQUAL(isup_cause_of(isup_expect(ISUP_MT_REL, cic)), Q850_NORMAL_CLEARING);
	isup_rx("RLC cic=%u", cic);
	check_idle();
}

/* RFC 3398 s7.2.4.1: REL 44 (requested circuit not available) -> the IAM again on another circuit, once */
static void test_s2i_cause44_retry(void)
{
	setup();
	sip_rx_invite("+4930123456");
	uint16_t cic = isup_expect(ISUP_MT_IAM, 0)->cic;
	isup_rx("REL cic=%u cause.location=2 cause.cause=44", cic);
	isup_expect(ISUP_MT_RLC, cic);
	uint16_t cic2 = isup_expect(ISUP_MT_IAM, 0)->cic;
	CU_ASSERT_NOT_EQUAL(cic2, cic);
	sip_none();
	isup_rx("REL cic=%u cause.location=2 cause.cause=44", cic2);
	isup_expect(ISUP_MT_RLC, cic2);
	sip_expect("leg0 "); /* the second 44 goes back to SIP (no third attempt) */
	check_idle();
}

/* dual seizure (Q.764 2.10.1.4): the far exchange seizes the circuit of our IAM and controls it (it has the
 * higher point code for even CICs): our call moves to another circuit, the SIP side sees nothing of it */
static void test_s2i_dual_seizure(void)
{
	setup();
	/* block the odd CICs so that the gateway takes an even one, which the far exchange controls */
	isup_rx("CGB cic=1 cgsmt.type=0 rs.range=30 rs.status=55555555");
	isup_expect(ISUP_MT_CGBA, 1);
	sip_rx_invite("+4930123456");
	uint16_t cic = isup_expect(ISUP_MT_IAM, 0)->cic;
	CU_ASSERT_EQUAL(cic % 2, 0);
	isup_rx(IAM_FMT, cic, "301234567"); /* theirs wins: its call goes to SIP, ours goes again */
	const struct isup_msg *again = isup_expect(ISUP_MT_IAM, 0);
	CU_ASSERT_NOT_EQUAL(again->cic, cic);
	uint16_t cic2 = again->cic;
	sip_expect("leg1 INVITE"); /* their call, toward our peer */
	sip_none();
	isup_rx("REL cic=%u cause.location=0 cause.cause=16", cic);
	sip_expect("leg1 CANCEL");
	isup_expect(ISUP_MT_RLC, cic);
	isup_rx("ANM cic=%u", cic2);
	sip_expect("leg0 200");
	sip_rx_release(&legs[0], 0, 0);
	isup_expect(ISUP_MT_REL, cic2);
	isup_rx("RLC cic=%u", cic2);
	isup_rx("CGU cic=1 cgsmt.type=0 rs.range=30 rs.status=55555555");
	isup_expect(ISUP_MT_CGUA, 1);
	check_idle();
}

/* RFC 3578 s4, SIP -> ISUP with a length plan (8 digits): a short number goes out in the IAM and is answered
 * 484; the caller's next INVITE of the same call brings the rest, which goes in a SAM */
static void test_s2i_overlap(void)
{
	setup();
	sip_rx_invite_of("+48123", "ov1@test");
	const struct isup_msg *iam = isup_expect(ISUP_MT_IAM, 0);
	uint16_t cic = iam->cic;
	sip_expect("leg0 484");
	CU_ASSERT_STRING_EQUAL(
		osmo_fsm_inst_state_name(((struct gw_call *)llist_first_entry(&gw->calls, struct gw_call, list))->fi),
		"AWAIT_DIGITS");
	advance(3);
	sip_rx_invite_of("+4812345678", "ov1@test");
	const struct isup_msg *sam = isup_expect(ISUP_MT_SAM, cic);
	struct isup_number sn;
	CU_ASSERT_EQUAL(isup_msg_get_number(sam, ISUP_PAR_SUBSEQ, &sn), 0);
	CU_ASSERT_STRING_EQUAL(sn.digits, "45678");
	advance(5); /* X2 is over: the number is complete, nothing ends the call */
	isup_rx("ACM cic=%u bci.called_status=1", cic);
	sip_expect("leg1 180");
	isup_rx("ANM cic=%u", cic);
	sip_expect("leg1 200");
	isup_rx("REL cic=%u cause.location=0 cause.cause=16", cic);
	sip_expect("leg1 BYE cause=16");
	isup_expect(ISUP_MT_RLC, cic);
	check_idle();
}

/* the same, but no further INVITE comes within X2 after the 484: REL cause 28 */
static void test_s2i_overlap_x2(void)
{
	setup();
	sip_rx_invite_of("+48123", "ov2@test");
	uint16_t cic = isup_expect(ISUP_MT_IAM, 0)->cic;
	sip_expect("leg0 484");
	advance(4);
	CU_ASSERT_EQUAL(isup_cause_of(isup_expect(ISUP_MT_REL, cic)), Q850_INVALID_NUMBER_FORMAT);
	isup_rx("RLC cic=%u", cic);
	check_idle();
}

/* no ISUP route for the number: 404 */
static void test_s2i_no_route(void)
{
	setup();
	sip_rx_invite("+3312345678");
	sip_expect("leg0 404 cause=3");
	check_idle();
}

/* ---- SIP -> ISUP: bodies refused before the IAM ---- */

static struct sipt_body sdp_body(const char *sdp)
{
	struct sipt_body b = { .has_sdp = true, .isup_variant = SIPT_VAR_UNKNOWN };
	snprintf(b.sdp, sizeof(b.sdp), "%s", sdp);
	b.sdp_len = strlen(b.sdp);
	return b;
}

#define SDP_HEAD "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"

/* an offer and what the gateway must answer to it: the status of its refusal and the Warning code, or 0
 * for a call (the IAM goes out, the PSTN rejects it at once) */
static void s2i_offer(const char *sdp, int status, int warn)
{
	setup();
	struct sipt_body b = sdp_body(sdp);
	sip_rx_invite_body("+4930123456", NULL, &b);
	if (status) {
		/* RFC 3261 s13.3.1.1 / RFC 3264 s6: refused before any circuit is seized: no IAM */
		sip_expect("leg0 %d warn=%d", status, warn);
	} else {
		uint16_t cic = isup_expect(ISUP_MT_IAM, 0)->cic;
		isup_rx("REL cic=%u cause.location=1 cause.cause=17", cic);
		sip_expect("leg0 486 cause=17");
		isup_expect(ISUP_MT_RLC, cic);
	}
	check_idle();
}

/* RFC 3264 s6 / RFC 3261 s21.4.26: an offer that cannot be answered gets 488 with the Warning code of why
 * (s20.43), and nothing toward ISUP; offers we can answer (PCMA/PCMU, static payload types with or without
 * an rtpmap, among other codecs and streams) still make a call */
static void test_s2i_offer_refused(void)
{
	s2i_offer("this is not SDP at all\r\n", 488, 399);
	s2i_offer("", 488, 399); /* an empty application/sdp part of a multipart body */
	s2i_offer(SDP_HEAD "m=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n", 488, 305);
	s2i_offer(SDP_HEAD "m=audio 4000 RTP/AVP 97\r\na=rtpmap:97 CLEARMODE/8000\r\n", 488, 305);
	s2i_offer(SDP_HEAD "m=video 4000 RTP/AVP 31\r\n", 488, 304);
	s2i_offer(SDP_HEAD "m=audio 4000 RTP/SAVP 8\r\n", 488, 302);
	s2i_offer("v=0\r\no=peer 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\n", 488,
		  301);
	s2i_offer(SDP_HEAD "m=audio 4000 RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n", 0, 0);
	s2i_offer(SDP_HEAD "m=audio 4000 RTP/AVP 18 0\r\n", 0, 0);
	s2i_offer(SDP_HEAD "m=video 5000 RTP/AVP 31\r\nm=audio 4000 RTP/SAVP 0\r\nm=audio 4002 RTP/AVP 0\r\n", 0, 0);
}

/* RFC 3578 s4: the next INVITE of an overlap call with an offer we cannot answer gets 488 itself; the call
 * goes on waiting for digits, and X2 ends it as before */
static void test_s2i_overlap_offer_refused(void)
{
	setup();
	sip_rx_invite_of("+48123", "ovl-488@test");
	uint16_t cic = isup_expect(ISUP_MT_IAM, 0)->cic;
	sip_expect("leg0 484");
	struct sipt_body b = sdp_body(SDP_HEAD "m=audio 4000 RTP/AVP 18\r\n");
	sip_rx_invite_body("+4812345678", "ovl-488@test", &b);
	sip_expect("leg1 488 warn=305");
	isup_none();
	advance(4);
	CU_ASSERT_EQUAL(isup_cause_of(isup_expect(ISUP_MT_REL, cic)), Q850_INVALID_NUMBER_FORMAT);
	isup_rx("RLC cic=%u", cic);
	check_idle();
}

static struct gw_peer *peer_far(void)
{
	return llist_first_entry(&gw->peers, struct gw_peer, list);
}

/* an INVITE with an application/ISUP part (and an SDP offer we can answer) */
static struct sip_leg *sipt_invite(const uint8_t *isup, size_t len, enum sipt_variant v, enum sipt_handling h)
{
	struct sipt_body b = sdp_body(SDP_HEAD "m=audio 4000 RTP/AVP 8\r\n");
	b.has_isup = true;
	memcpy(b.isup, isup, len);
	b.isup_len = len;
	b.isup_variant = v;
	b.isup_handling = h;
	return sip_rx_invite_body("+4930123456", NULL, &b);
}

/* RFC 3204 s3.1 / RFC 3261 s20.11: an ISUP part with handling=required that we cannot use fails the
 * INVITE: another variant than the trunk's is a type we do not take here (415 with an Accept naming ours,
 * s21.4.13), octets that are no ISUP message a malformed body (400); neither seizes a circuit. The same
 * parts with handling=optional are ignored and the call maps from the SIP headers (RFC 3398 s7.2.1.1). */
static void test_s2i_sipt_required_refused(void)
{
	struct gw_peer *p = peer_far();
	p->sipt = GW_SIPT_OPTIONAL;
	struct isup_msg iam;
	char err[64];
	CU_ASSERT_EQUAL_FATAL(isup_msg_from_line(&iam, ISUP_VAR_ITU,
						 "IAM cic=0 fci.isup_ind=1 cpc.value=10 "
						 "tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=30123456",
						 err, sizeof(err)),
			      0);
	uint8_t good[200];
	int n = isup_msg_encode_body(&iam, good, sizeof(good));
	CU_ASSERT_FATAL(n > 0);
	static const uint8_t truncated[] = { 0x01, 0x00 }; /* IAM type, the fixed part cut off */

	setup();
	sipt_invite(good, (size_t)n, SIPT_VAR_ANSI, SIPT_HANDLING_REQUIRED);
	sip_expect("leg0 415 warn=399 accept=application/sdp, application/ISUP;version=itu-t92+, multipart/mixed");
	check_idle();

	setup();
	sipt_invite(truncated, sizeof(truncated), SIPT_VAR_ITU, SIPT_HANDLING_REQUIRED);
	sip_expect("leg0 400 warn=399");
	check_idle();

	setup();
	sipt_invite(truncated, sizeof(truncated), SIPT_VAR_ITU, SIPT_HANDLING_OTHER);
	sip_expect("leg0 400 warn=399");
	check_idle();

	/* optional: ignored, the IAM is built from the Request-URI */
	const uint8_t *parts[] = { good, truncated };
	const size_t lens[] = { (size_t)n, sizeof(truncated) };
	const enum sipt_variant vars[] = { SIPT_VAR_ANSI, SIPT_VAR_ITU };
	for (unsigned i = 0; i < 2; i++) {
		setup();
		sipt_invite(parts[i], lens[i], vars[i], SIPT_HANDLING_OPTIONAL);
		uint16_t cic = isup_expect(ISUP_MT_IAM, 0)->cic;
		isup_rx("REL cic=%u cause.location=1 cause.cause=17", cic);
		sip_expect("leg0 486 cause=17");
		isup_expect(ISUP_MT_RLC, cic);
		check_idle();
	}

	/* required and good: the encapsulated IAM is taken */
	setup();
	sipt_invite(good, (size_t)n, SIPT_VAR_ITU, SIPT_HANDLING_REQUIRED);
	uint16_t cic = isup_expect(ISUP_MT_IAM, 0)->cic;
	isup_rx("REL cic=%u cause.location=1 cause.cause=17", cic);
	sip_expect("leg0 486 cause=17");
	isup_expect(ISUP_MT_RLC, cic);
	check_idle();

	/* SIP-T off for the peer: its ISUP parts are not read at all, as before */
	p->sipt = GW_SIPT_OFF;
	setup();
	sipt_invite(truncated, sizeof(truncated), SIPT_VAR_ITU, SIPT_HANDLING_REQUIRED);
	cic = isup_expect(ISUP_MT_IAM, 0)->cic;
	isup_rx("REL cic=%u cause.location=1 cause.cause=17", cic);
	sip_expect("leg0 486 cause=17");
	isup_expect(ISUP_MT_RLC, cic);
	check_idle();
}

/* the number went out whole (no overlap): T35 stops, so a SIP side slow to answer meets T11 (an early ACM),
 * never a REL 28 "address incomplete", whichever of the two is shorter */
static void test_i2s_t35_stops(void)
{
	setup();
	struct osmo_tdef *t11 = osmo_tdef_get_entry(gw->tdefs, 11);
	unsigned long was = t11->val;
	t11->val = 19;
	isup_rx(IAM_FMT, 6u, "301234567");
	sip_expect("leg0 INVITE");
	advance(18);
	isup_none();
	advance(1);
	isup_expect(ISUP_MT_ACM, 6);
	t11->val = was;
	isup_rx("REL cic=6 cause.location=0 cause.cause=16");
	sip_expect("leg0 CANCEL cause=16");
	isup_expect(ISUP_MT_RLC, 6);
	check_idle();
}

/* a peer with inbound credentials: an INVITE without an answer is challenged (401), a wrong answer gets
 * 403, the right one makes the call; nothing is seized before */
static void test_s2i_digest(void)
{
	setup();
	struct gw_peer *p = gw_peer_find(gw, "far");
	snprintf(p->in_user, sizeof(p->in_user), "alice");
	snprintf(p->in_pass, sizeof(p->in_pass), "s3cret");
	sip_rx_invite("+4930123456");
	sip_expect("leg0 401 realm=isupgw");
	isup_none();
	struct sip_digest_resp r = { .username = "alice",
				     .realm = "isupgw",
				     .uri = "sip:+4930123456@127.0.0.1",
				     .qop = "auth",
				     .nc = "00000001",
				     .cnonce = "c0ffee" };
	snprintf(r.nonce, sizeof(r.nonce), "%s", last_nonce);
	sip_digest_response("alice", "isupgw", "wrong", "INVITE", r.uri, r.nonce, r.qop, r.nc, r.cnonce, r.response);
	inv_auth = &r;
	sip_rx_invite("+4930123456");
	sip_expect("leg1 403");
	isup_none();
	sip_digest_response("alice", "isupgw", "s3cret", "INVITE", r.uri, r.nonce, r.qop, r.nc, r.cnonce, r.response);
	struct sip_leg *leg = sip_rx_invite("+4930123456");
	inv_auth = NULL;
	uint16_t cic = isup_expect(ISUP_MT_IAM, 0)->cic;
	p->in_user[0] = p->in_pass[0] = 0;
	sip_rx_release(leg, 0, 0);
	isup_expect(ISUP_MT_REL, cic);
	isup_rx("RLC cic=%u", cic);
	check_idle();
}

/* ---- admission control (gw_overload.h) ---- */

static int acl_of(const struct isup_msg *m)
{
	struct isup_u8 acl;
	return isup_msg_get_bits(m, ISUP_PAR_ACL, &acl) ? 0 : acl.value;
}

/* a fixed limit of calls at once: the next IAM gets REL 42 at once, the next INVITE 503 with Retry-After;
 * nothing is seized or allocated for them, the call up goes on */
static void test_ovl_max_calls(void)
{
	setup();
	gw->ovl->cfg.max_calls = 1;
	isup_rx(IAM_FMT, 2u, "301234567");
	sip_expect("leg0 INVITE");
	isup_rx(IAM_FMT, 3u, "301234567");
	const struct isup_msg *rel = isup_expect(ISUP_MT_REL, 3);
	CU_ASSERT_EQUAL(isup_cause_of(rel), Q850_SWITCH_CONGESTION);
	CU_ASSERT_EQUAL(acl_of(rel), 0); /* a configured limit is no congestion of the exchange */
	isup_rx("RLC cic=3");
	sip_rx_invite("+4930123456");
	sip_expect("leg1 503 cause=42 retry-after=10");
	sip_rx_answer(&legs[0]);
	isup_expect(ISUP_MT_CON, 2);
	isup_rx("REL cic=2 cause.location=0 cause.cause=16");
	sip_expect("leg0 BYE cause=16");
	isup_expect(ISUP_MT_RLC, 2);
	gw->ovl->cfg.max_calls = 0;
	/* buckets not in use run up no debt: a rate set after 1,000 calls without one takes a call at once */
	for (int i = 0; i < 1000; i++)
		CU_ASSERT_TRUE(gw_ovl_admit(gw->ovl, GW_OVL_FROM_SIP, 0));
	gw->ovl->cfg.max_rate = 10;
	osmo_clock_override_add(CLOCK_MONOTONIC, 0, 100000000);
	CU_ASSERT_TRUE(gw_ovl_admit(gw->ovl, GW_OVL_FROM_SIP, 0));
	CU_ASSERT_FALSE(gw_ovl_admit(gw->ovl, GW_OVL_FROM_SIP, 0));
	gw->ovl->cfg.max_rate = 0;
	check_idle();
}

static void tick(unsigned cpu, size_t backlog)
{
	struct gw_ovl_sample smp = { .cpu_pct = cpu, .backlog = backlog };
	gw_ovl_tick(gw->ovl, &smp);
}

/* calls offered at `per_s` for `ms`: how many are admitted (the clock moves 1 ms at a time) */
static unsigned offer(unsigned per_s, unsigned ms)
{
	unsigned ok = 0, due = 0;
	for (unsigned t = 0; t < ms; t++) {
		osmo_clock_override_add(CLOCK_MONOTONIC, 0, 1000000);
		for (due += per_s; due >= 1000; due -= 1000)
			ok += gw_ovl_admit(gw->ovl, GW_OVL_FROM_ISUP, 0);
		if (t % GW_OVL_TICK_MS == GW_OVL_TICK_MS - 1)
			tick(50, 0); /* room to spare */
	}
	return ok;
}

/* the load-driven cap: queues over the threshold bring it on at what was admitted, growing queues lower it,
 * the level goes to the trunks (ACL in REL, Q.764 2.11.1), room raises it and it goes off */
static void test_ovl_cap(void)
{
	setup();
	struct gw_ovl *o = gw->ovl;
	size_t high = (size_t)o->cfg.backlog_kib * 1024;
	CU_ASSERT_EQUAL(offer(1000, 1000), 1000); /* no cap: every call */
	CU_ASSERT_FALSE(o->active);
	tick(100, high); /* a burst: one look is not enough */
	CU_ASSERT_FALSE(o->active);
	tick(50, 0);
	tick(100, high * 2); /* a queue that stays (smoothed: over the threshold) */
	CU_ASSERT_TRUE(o->active);
	CU_ASSERT_EQUAL(gw_ovl_level(o), 2);
	CU_ASSERT_EQUAL(tg->own_acl, 2);
	/* (three ticks saw no arrivals: the smoothed rate is 0.7^3 of the 1000/s before them) */
	CU_ASSERT(o->limit > 250 && o->limit < 400);
	double l0 = o->limit;
	tick(100, high * 2); /* not shrinking: lower */
	CU_ASSERT(o->limit < l0);
	double l1 = o->limit;
	tick(100, high * 3 / 2); /* draining: held */
	CU_ASSERT_EQUAL(o->limit, l1);
	/* a refused IAM: cause 42 with the congestion level */
	o->tokens = 0;
	isup_rx(IAM_FMT, 4u, "301234567");
	const struct isup_msg *rel = isup_expect(ISUP_MT_REL, 4);
	CU_ASSERT_EQUAL(isup_cause_of(rel), Q850_SWITCH_CONGESTION);
	CU_ASSERT_EQUAL(acl_of(rel), 2);
	isup_rx("RLC cic=4");
	/* offered 2000/s under a cap of ~l1: the admitted rate follows the cap (raised a little each tick with
	 * room once the queue has drained), not the offer */
	unsigned ok = offer(2000, 500);
	CU_ASSERT(ok < l1 / 2 * 1.2 + 2);
	CU_ASSERT(o->limit > l1);
	CU_ASSERT_EQUAL(gw_ovl_level(o), 2); /* most calls refused */
	CU_ASSERT_EQUAL(tg->own_acl, 2);
	/* a queue eight times the threshold acts at once, without a second look */
	tick(50, 0);
	CU_ASSERT_FALSE(o->limit < l1);
	double l2 = o->limit;
	tick(100, high * 8);
	CU_ASSERT(o->limit < l2);
	tick(50, 0);
	tick(50, 0);
	tick(50, 0);
	/* the offer falls to 100/s: the cap rises above it and goes off */
	offer(100, 5000);
	CU_ASSERT_FALSE(o->active);
	CU_ASSERT_EQUAL(gw_ovl_level(o), 0);
	CU_ASSERT_EQUAL(tg->own_acl, 0);
	isup_rx(IAM_FMT, 5u, "301234567");
	sip_expect("leg0 INVITE");
	sip_rx_release(&legs[0], 486, 0);
	CU_ASSERT_EQUAL(acl_of(isup_expect(ISUP_MT_REL, 5)), 0);
	isup_rx("RLC cic=5");
	check_idle();
}

/* a thread pegged for a second brings the cap on without any queue; disabled, nothing does */
static void test_ovl_cpu_onset(void)
{
	setup();
	struct gw_ovl *o = gw->ovl;
	o->cfg.enabled = false;
	for (int i = 0; i < 20; i++)
		tick(100, (size_t)o->cfg.backlog_kib * 2048);
	CU_ASSERT_FALSE(o->active);
	o->cfg.enabled = true;
	for (int i = 0; i < 5; i++)
		tick(50, 0); /* the queue's smoothed length decays */
	for (int i = 0; i < 9; i++)
		tick(100, 0);
	CU_ASSERT_FALSE(o->active);
	tick(100, 0);
	CU_ASSERT_TRUE(o->active);
	CU_ASSERT_EQUAL(gw_ovl_level(o), 1);
	CU_ASSERT_EQUAL(tg->own_acl, 1);
	offer(10, 10000);
	CU_ASSERT_FALSE(o->active);
	CU_ASSERT_EQUAL(tg->own_acl, 0);
	check_idle();
}

/* ---- media that cannot be had ---- */

/* An even port P of 127.0.0.1 with P .. P + 3 bound here: an RTP range of two slots, all in use (two: a
 * channel's sockets are closed by its media worker a moment after the call frees it) */
#define HELD 4
static uint16_t hold_rtp_ports(int fd[HELD])
{
	for (unsigned tries = 0; tries < 100; tries++) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t l = sizeof(a);
		unsigned n = 0;
		fd[n] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd[n] < 0 || bind(fd[n], (struct sockaddr *)&a, sizeof(a)) ||
		    getsockname(fd[n], (struct sockaddr *)&a, &l))
			break;
		uint16_t p = ntohs(a.sin_port);
		for (n = 1; !(p & 1) && p < 65000 && n < HELD; n++) {
			fd[n] = socket(AF_INET, SOCK_DGRAM, 0);
			a.sin_port = htons((uint16_t)(p + n));
			if (fd[n] < 0 || bind(fd[n], (struct sockaddr *)&a, sizeof(a)))
				break;
		}
		if (n == HELD)
			return p;
		for (unsigned i = 0; i <= n && i < HELD; i++)
			if (fd[i] >= 0)
				close(fd[i]);
	}
	CU_FAIL_FATAL("no free UDP ports");
	return 0;
}

static uint64_t no_media_count(void)
{
	return rate_ctr_group_get_ctr(gw->ctrs, GW_CTR_NO_MEDIA)->current;
}

/* A media plane whose CIC n is timeslot n of one E1 span (CESoPSN toward a discard port), its RTP range
 * ports that this test holds: no call can get an RTP port. A call that cannot
 * get its media is refused, not connected without it: SIP -> ISUP with 503 (Reason cause 47) before any
 * circuit is seized (no IAM), ISUP -> SIP with REL 47 before any INVITE, each counted (call:no_media).
 * Once the test lets the ports go, calls get them and complete. */
static void test_no_media(void)
{
	struct gw_media *gm = gw->media;
	int held[HELD];
	uint16_t port = hold_rtp_ports(held);
	struct media_span_cfg *sc = &gm->spans[0];
	*sc = (struct media_span_cfg){ .id = 0, .driver = MEDIA_SPAN_UDP, .remote_port = 9 };
	tdm_span_init(&sc->layout, TDM_SPAN_E1);
	snprintf(sc->local_addr, sizeof(sc->local_addr), "127.0.0.1");
	snprintf(sc->remote_addr, sizeof(sc->remote_addr), "127.0.0.1");
	gm->n_spans = 1;
	gm->trunks[0] = (struct gw_media_trunk){ .trunk = "pstn", .spans = { 0 }, .n_spans = 1, .ec = -1 };
	gm->n_trunks = 1;
	gm->span_blocking = false; /* no select loop runs here: span events are never read anyway */
	snprintf(gm->cfg.rtp_addr, sizeof(gm->cfg.rtp_addr), "127.0.0.1");
	gm->cfg.port_min = port;
	gm->cfg.port_max = (uint16_t)(port + HELD - 1);
	gm->cfg.workers = 1;
	CU_ASSERT_EQUAL_FATAL(gw_media_start(gm), 0);
	uint64_t before = no_media_count();

	setup();
	/* SIP -> ISUP: refused before the IAM */
	sip_rx_invite("+4930123456");
	sip_expect("leg0 503 cause=47");
	isup_none();
	CU_ASSERT_EQUAL(no_media_count(), before + 1);
	/* ISUP -> SIP: REL 47, no INVITE */
	isup_rx(IAM_FMT, 9u, "301234567");
	CU_ASSERT_EQUAL(isup_cause_of(isup_expect(ISUP_MT_REL, 9)), Q850_RESOURCE_UNAVAILABLE);
	sip_none();
	isup_rx("RLC cic=9");
	CU_ASSERT_EQUAL(no_media_count(), before + 2);
	CU_ASSERT_EQUAL(media_plane_n_chans(gm->mp), 0);
	check_idle();

	/* the ports free again: both directions get their media and complete */
	for (unsigned i = 0; i < HELD; i++)
		close(held[i]);
	setup();
	isup_rx(IAM_FMT, 9u, "301234567");
	sip_expect("leg0 INVITE");
	CU_ASSERT_EQUAL(media_plane_n_chans(gm->mp), 1);
	sip_rx_answer(&legs[0]);
	isup_expect(ISUP_MT_CON, 9);
	isup_rx("REL cic=9 cause.location=0 cause.cause=16");
	sip_expect("leg0 BYE cause=16");
	isup_expect(ISUP_MT_RLC, 9);
	sip_rx_invite("+4930123456");
	uint16_t cic = isup_expect(ISUP_MT_IAM, 0)->cic;
	CU_ASSERT_EQUAL(media_plane_n_chans(gm->mp), 1);
	isup_rx("REL cic=%u cause.location=1 cause.cause=17", cic);
	sip_expect("leg1 486 cause=17");
	isup_expect(ISUP_MT_RLC, cic);
	CU_ASSERT_EQUAL(no_media_count(), before + 2);
	CU_ASSERT_EQUAL(media_plane_n_chans(gm->mp), 0);
	check_idle();

	gw_media_stop(gm);
	gm->n_spans = gm->n_trunks = 0;
}

/* shutdown: every call released, REL 16 toward ISUP and BYE/503 toward SIP */
static uint64_t gw_ctr(enum gw_ctr c)
{
	return rate_ctr_group_get_ctr(gw->ctrs, c)->current;
}

static uint64_t peer_ctr(const char *name, enum gw_peer_ctr c)
{
	return rate_ctr_group_get_ctr(gw_peer_find(gw, name)->ctrs, c)->current;
}

/* an INVITE from the address of a peer is that peer's only from its port (when one is configured) and over
 * its transport: from elsewhere 403, counted for the peer, and no IAM; a source with a named port wins
 * over one without; an address no peer has is 403 as before */
static void test_s2i_peer_port_transport(void)
{
	setup();
	uint64_t tport0 = gw_ctr(GW_CTR_FORBIDDEN_TPORT), forb0 = gw_ctr(GW_CTR_FORBIDDEN);
	uint64_t far0 = peer_ctr("far", GW_PEER_CTR_REFUSED), second0 = peer_ctr("second", GW_PEER_CTR_REFUSED);
	/* far: allow-source 127.0.0.1 (any port, udp as its remote): TCP from its address is not far */
	inv_src_tport = "tcp";
	sip_rx_invite("+4930123456");
	sip_expect("leg0 403");
	/* second: 127.0.0.2 port 5070 (udp), or any port over TLS: UDP from 5071 is not second */
	inv_src_addr = "127.0.0.2";
	inv_src_tport = "udp";
	inv_src_port = 5071;
	sip_rx_invite("+4930123456");
	sip_expect("leg1 403");
	/* tlspeer: its remote address over TLS only (no allow-source) */
	inv_src_addr = "127.0.0.4";
	inv_src_tport = "tcp";
	inv_src_port = 40000;
	sip_rx_invite("+4930123456");
	sip_expect("leg2 403");
	/* nobody's address */
	inv_src_addr = "192.0.2.9";
	inv_src_tport = "udp";
	sip_rx_invite("+4930123456");
	sip_expect("leg3 403");
	isup_none();
	CU_ASSERT_EQUAL(gw_ctr(GW_CTR_FORBIDDEN_TPORT), tport0 + 3);
	CU_ASSERT_EQUAL(gw_ctr(GW_CTR_FORBIDDEN), forb0 + 1);
	CU_ASSERT_EQUAL(peer_ctr("far", GW_PEER_CTR_REFUSED), far0 + 1);
	CU_ASSERT_EQUAL(peer_ctr("second", GW_PEER_CTR_REFUSED), second0 + 1);
	CU_ASSERT_EQUAL(peer_ctr("tlspeer", GW_PEER_CTR_REFUSED), 1);

	/* the sources that match: second from its port over UDP, and from any port over TLS; tlspeer over TLS */
	const char *ok[][2] = { { "127.0.0.2", "udp" }, { "127.0.0.2", "tls" }, { "127.0.0.4", "tls" } };
	const char *peer[] = { "second", "second", "tlspeer" };
	for (unsigned i = 0; i < 3; i++) {
		uint64_t in0 = peer_ctr(peer[i], GW_PEER_CTR_CALL_IN);
		inv_src_addr = ok[i][0];
		inv_src_tport = ok[i][1];
		inv_src_port = !strcmp(ok[i][1], "udp") ? 5070 : 40001;
		struct sip_leg *leg = sip_rx_invite("+4930123456");
		uint16_t cic = isup_expect(ISUP_MT_IAM, 0)->cic;
		CU_ASSERT_EQUAL(peer_ctr(peer[i], GW_PEER_CTR_CALL_IN), in0 + 1);
		sip_rx_release(leg, 0, 0); /* CANCEL */
		isup_expect(ISUP_MT_REL, cic);
		isup_rx("RLC cic=%u", cic);
	}
	check_idle();
}

static void test_release_all(void)
{
	setup();
	isup_rx(IAM_FMT, 20u, "301234567");
	sip_expect("leg0 INVITE");
	sip_rx_answer(&legs[0]);
	isup_expect(ISUP_MT_CON, 20);
	sip_rx_invite("+4930123456");
	uint16_t cic = isup_expect(ISUP_MT_IAM, 0)->cic;
	gw_release_all(gw);
	sip_expect("leg0 BYE cause=16");
	CU_ASSERT_EQUAL(isup_cause_of(isup_expect(ISUP_MT_REL, 20)), Q850_NORMAL_CLEARING);
	sip_expect("leg1 503 cause=16");
	isup_expect(ISUP_MT_REL, cic);
	isup_rx("RLC cic=20");
	isup_rx("RLC cic=%u", cic);
	check_idle();
}

/* CDRs fed by the call: an interim record each minute of an answered call, then its end record with who
 * released it (gateway/gw_cdr.c; the formatting and the file are test_cdr's) */
static void test_cdr_interim(void)
{
	char path[] = "/tmp/test_gw_call-cdr-XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	struct gw_cdr_file_cfg *fc = gw_cdr_file_cfg(gw->cdr->file);
	snprintf(fc->path, sizeof(fc->path), "%s", path);
	fc->format = GW_CDR_CSV;
	fc->n_fields = 0;
	const char *names[] = { "type",	      "billable_ms", "released_by", "release_reason", "cause",
				"sip_status", "sip_to_tag",  "called_in",   "called_out" };
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
		fc->fields[fc->n_fields++] = (uint8_t)gw_cdr_field_find(names[i]);
	gw->cdr->interim_min = 1;
	gw_cdr_start(gw->cdr);
	osmo_clock_override_enable(CLOCK_REALTIME, true);
	osmo_clock_override_gettimespec(CLOCK_REALTIME)->tv_sec = 1765000000; /* 0 would be "never" */
	setup();
	isup_rx(IAM_FMT, 3u, "301234567");
	sip_expect("leg0 INVITE");
	sip_rx_progress(&legs[0], 180);
	isup_expect(ISUP_MT_ACM, 3);
	sip_rx_answer(&legs[0]);
	isup_expect(ISUP_MT_ANM, 3);
	for (int i = 0; i < 130; i++) {
		osmo_clock_override_add(CLOCK_REALTIME, 1, 0);
		advance(1);
	}
	isup_rx("REL cic=3 cause.location=0 cause.cause=16");
	sip_expect("leg0 BYE cause=16");
	isup_expect(ISUP_MT_RLC, 3);
	fc->path[0] = 0;
	gw->cdr->interim_min = 0;
	gw_cdr_file_apply(gw->cdr->file);
	osmo_clock_override_enable(CLOCK_REALTIME, false);
	check_idle();
	char text[1024] = "";
	FILE *f = fopen(path, "r");
	CU_ASSERT_FATAL(f != NULL);
	text[fread(text, 1, sizeof(text) - 1, f)] = 0;
	fclose(f);
	unlink(path);
	CU_ASSERT_STRING_EQUAL(text,
			       "type,billable_ms,released_by,release_reason,cause,sip_status,sip_to_tag,called_in,"
			       "called_out\n"
			       "interim,60000,,,,200,fake-to-tag,301234567,+49301234567\n"
			       "interim,120000,,,,200,fake-to-tag,301234567,+49301234567\n"
			       "end,130000,pstn,REL,16,200,fake-to-tag,301234567,+49301234567\n");
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "test_gw_call");
	osmo_init_logging2(ctx, &isupgw_log_info);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_category_filter(osmo_stderr_target, DLGLOBAL, 1, LOGL_ERROR);
	log_set_log_level(osmo_stderr_target, LOGL_ERROR);
	fake_clock_enable();
	osmo_stats_init(ctx);
	rate_ctr_init(ctx);
	isupgw_vty_info.tall_ctx = ctx;
	vty_init(&isupgw_vty_info);
	isup_cc_init(DISUP);
	gw_init(DCALL);

	gw = gw_alloc(ctx);
	gw->net = isup_net_alloc(ctx);
	gw->net->mtp = mtp_tx;
	gw->net->user = &gw_isup_ops;
	gw->net->user_priv = gw;
	isup_vty_init(gw->net, ISUPGW_NODE_ISUP, ISUPGW_NODE_ISUP_TRUNK);
	gw_vty_init(gw, ISUPGW_NODE_SIP, ISUPGW_NODE_SIP_PEER, ISUPGW_NODE_GATEWAY);
	gw->media = gw_media_alloc(gw);
	agent.priv = gw;
	agent.ops = &gw_sip_ops;
	gw->sip = &agent;
	FILE *f = fmemopen((void *)cfg, strlen(cfg), "r");
	if (vty_read_config_filep(f, NULL) < 0) {
		fprintf(stderr, "test_gw_call: bad configuration\n");
		return 2;
	}
	fclose(f);
	tg = isup_net_trunk_find(gw->net, "pstn");
	if (!tg)
		return 2;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("gw_call", NULL, NULL);
	CU_add_test(s, "ISUP->SIP answered, PSTN hangs up (RFC 3666 3.1)", test_i2s_answered);
	CU_add_test(s, "CDR: interim records each minute, the end record", test_cdr_interim);
	CU_add_test(s, "ISUP->SIP busy: 486 -> REL 17", test_i2s_busy);
	CU_add_test(s, "ISUP->SIP T11 early ACM, SIP hangs up", test_i2s_t11_then_bye);
	CU_add_test(s, "ISUP->SIP REL while early: CANCEL with the cause", test_i2s_cancel);
	CU_add_test(s, "ISUP->SIP BYE and REL crossing", test_i2s_rel_bye_crossing);
	CU_add_test(s, "ISUP->SIP no route: REL 3", test_i2s_no_route);
	CU_add_test(s, "ISUP->SIP 302 followed", test_i2s_redirect);
	CU_add_test(s, "ISUP->SIP failover to the route's next peer", test_i2s_failover);
	CU_add_test(s, "ISUP->SIP overlap collect, length plan", test_i2s_overlap_collect);
	CU_add_test(s, "ISUP->SIP overlap collect, X2", test_i2s_overlap_x2);
	CU_add_test(s, "ISUP->SIP overlap RFC 3578: 484 then a new INVITE", test_i2s_overlap_3578);
	CU_add_test(s, "ISUP->SIP overlap RFC 3578 below the minimum: collect, T35", test_i2s_overlap_3578_short);
	CU_add_test(s, "ISUP->SIP overlap RFC 3578: SAM while pending, SAM after answer",
		    test_i2s_overlap_3578_pending);
	CU_add_test(s, "ISUP->SIP X1 before answer", test_i2s_x1);
	CU_add_test(s, "ISUP->SIP no overlap: T35 stops, T11 sends the ACM", test_i2s_t35_stops);
	CU_add_test(s, "SIP->ISUP answered, SIP hangs up (RFC 3666 4.1)", test_s2i_answered);
	CU_add_test(s, "SIP->ISUP busy: REL 17 -> 486", test_s2i_busy);
	CU_add_test(s, "SIP->ISUP CANCEL after ACM", test_s2i_cancel);
	CU_add_test(s, "SIP->ISUP cause 44: IAM again once", test_s2i_cause44_retry);
	CU_add_test(s, "SIP->ISUP dual seizure lost: the call moves", test_s2i_dual_seizure);
	CU_add_test(s, "SIP->ISUP overlap: 484, the next INVITE -> SAM (RFC 3578 s4)", test_s2i_overlap);
	CU_add_test(s, "SIP->ISUP overlap: no next INVITE within X2 -> REL 28", test_s2i_overlap_x2);
	CU_add_test(s, "SIP->ISUP no route: 404", test_s2i_no_route);
	CU_add_test(s, "SIP->ISUP offer we cannot answer: 488, no IAM (RFC 3264 s6)", test_s2i_offer_refused);
	CU_add_test(s, "SIP->ISUP overlap: the next INVITE's offer refused: 488", test_s2i_overlap_offer_refused);
	CU_add_test(s, "SIP->ISUP required ISUP part unusable: 415/400, no IAM (RFC 3204)",
		    test_s2i_sipt_required_refused);
	CU_add_test(s, "no RTP port for the call: 503 / REL 47, nothing seized", test_no_media);
	CU_add_test(s, "SIP->ISUP a peer's address from another port or transport: 403", test_s2i_peer_port_transport);
	CU_add_test(s, "release of every call (shutdown)", test_release_all);
	CU_add_test(s, "SIP->ISUP a peer's callers answer our digest challenge", test_s2i_digest);
	CU_add_test(s, "overload: max-calls refuses with REL 42 / 503 Retry-After", test_ovl_max_calls);
	CU_add_test(s, "overload: the load-driven cap, ACL in REL, recovery", test_ovl_cap);
	CU_add_test(s, "overload: a pegged thread brings the cap on", test_ovl_cpu_onset);
	int rc = cunit_run();
	return rc;
}
