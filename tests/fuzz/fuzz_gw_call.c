/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target, stateful: the gateway's calls (gateway/gw_call.c, gw_overlap.c, gw_media.c, and the ISUP call
 * control under them) driven by sequences of ISUP and SIP events. The real libgateway and libisup run as in
 * test_gw_call: an ISUP trunk whose MTP is this target (it reads every MSU the gateway sends and injects the
 * far exchange's), and a fake SIP layer in place of libsip's legs. Time is faked.
 *
 * The input picks the events: ISUP messages from the far exchange (raw octets, or a message of a chosen
 * type on a chosen circuit - a live call's, often - with optional parameters from the input; IAMs and SAMs
 * toward the configured routes), the far exchange answering what the gateway sent (ACM, ANM, REL, RLC,
 * GRA ...), SIP responses and requests on the gateway's legs (1xx, 2xx/ACK, final errors and 3xx, BYE and
 * CANCEL, INFO, hold, a re-INVITE's SDP) with SDP and SIP-T bodies, new INVITEs (overlap continuations
 * among them), and time.
 *
 * Checked besides ASan/UBSan:
 * - every ISUP message the gateway sends decodes;
 * - the gateway uses a SIP leg only as libsip allows: nothing on a leg after it was released or ended,
 *   answers and rejections on incoming legs only, once, with a status and Warning code of their class;
 * - in the end, after the far exchange resets every circuit, the SIP peer hangs up what is left and time
 *   runs on with the far exchange answering, no call is left, every circuit is idle and unblocked, and
 *   nothing stays allocated.
 *
 * Input: operations, each an octet whose low four bits say which and whose high four bits are its argument
 * (see the switch below); most take a few octets after them. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/vty/vty.h>

#include "config/isupgw_log.h"
#include "config/isupgw_vty.h"
#include "gateway/gw.h"
#include "gateway/gw_call.h"
#include "gateway/gw_media.h"
#include "isup/isup.h"
#include "fuzz_clock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *ctx;
static struct gw *gw;
static struct isup_trunk *tg;
static struct sip_agent agent;

/* time in steps of a second, jumping to the next timer's */
static void advance(unsigned secs)
{
	fz_advance_ms(secs * 1000, 1000);
}

/* ---- the far exchange ---- */

#define TXQ 64
static struct isup_msg txq[TXQ]; /* what the gateway sent, not yet answered: the latest TXQ of it */
static unsigned txq_n;

static int mtp_tx(struct isup_trunk *t, const uint8_t *msu, size_t len, void *priv)
{
	static struct isup_msg m;
	struct mtp3_label l;
	int h = mtp3_label_decode(&l, false, msu, len);
	if (h <= 0 || isup_msg_decode(&m, t->variant, msu + h, len - (size_t)h) != ISUP_OK)
		abort();    /* the gateway sent what no exchange can read */
	if (txq_n == TXQ) { /* repeats (T1, T17) pile up while nobody answers: the oldest go */
		memmove(txq, txq + 1, (TXQ - 1) * sizeof(txq[0]));
		txq_n--;
	}
	txq[txq_n++] = m;
	return 0;
}

static void isup_rx_msg(const struct isup_msg *m)
{
	static uint8_t b[ISUP_MSG_MAX_WIRE];
	int n = isup_msg_encode(m, b, sizeof(b));
	if (n > 0)
		isup_trunk_rx(tg, b, (size_t)n);
}

static void isup_rx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void isup_rx(const char *fmt, ...)
{
	char line[256];
	static struct isup_msg m;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (isup_msg_from_line(&m, ISUP_VAR_ITU, line, NULL, 0))
		abort(); /* a line of this file that does not build */
	isup_rx_msg(&m);
}

/* a circuit: a live call's (the selector's top bit) or any of the trunk's */
static uint16_t pick_cic(uint8_t sel)
{
	if (sel & 0x80) {
		unsigned n = 0, k;
		struct isup_call *call;
		llist_for_each_entry(call, &tg->calls, list)
			n++;
		k = n ? (sel & 0x7f) % n : 0;
		llist_for_each_entry(call, &tg->calls, list)
			if (!k-- && call->circ)
				return call->circ->cic;
	}
	return (uint16_t)(1 + sel % 31);
}

static void rs_hex(char *out, size_t size, unsigned range, bool ones)
{
	size_t n = 0;
	for (unsigned i = 0; i <= range / 8 && n + 2 < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s", ones ? "ff" : "00");
}

/* The far exchange answers what the gateway sent: how it answers an IAM is the argument's (alerting,
 * answer, connect, a release with a cause, nothing). Everything else gets its natural answer. */
static void far_answer(unsigned how)
{
	static struct isup_msg q[TXQ];
	unsigned n = txq_n;
	memcpy(q, txq, n * sizeof(q[0]));
	txq_n = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct isup_msg *m = &q[i];
		struct isup_range_status rs;
		char st[80];
		switch (m->type) {
		case ISUP_MT_IAM:
			switch (how % 6) {
			case 0:
				isup_rx("ACM cic=%u bci.called_status=1", m->cic);
				break;
			case 1:
				isup_rx("ACM cic=%u bci.called_status=1", m->cic);
				isup_rx("ANM cic=%u", m->cic);
				break;
			case 2:
				isup_rx("CON cic=%u", m->cic);
				break;
			case 3:
				isup_rx("REL cic=%u cause.location=1 cause.cause=%u", m->cic, 16 + how / 6);
				break;
			case 4:
				isup_rx("ACM cic=%u obci.inband_info=1", m->cic);
				break;
			default:
				break;
			}
			break;
		case ISUP_MT_REL:
		case ISUP_MT_RSC:
			isup_rx("RLC cic=%u", m->cic);
			break;
		case ISUP_MT_GRS:
			if (!isup_msg_get_rs(m, &rs)) {
				rs_hex(st, sizeof(st), rs.range, false);
				isup_rx("GRA cic=%u rs.range=%u rs.status=%s", m->cic, rs.range, st);
			}
			break;
		case ISUP_MT_BLO:
			isup_rx("BLA cic=%u", m->cic);
			break;
		case ISUP_MT_UBL:
			isup_rx("UBA cic=%u", m->cic);
			break;
		case ISUP_MT_CGB:
		case ISUP_MT_CGU: {
			static struct isup_msg a;
			a = *m;
			a.type = m->type == ISUP_MT_CGB ? ISUP_MT_CGBA : ISUP_MT_CGUA;
			isup_rx_msg(&a);
			break;
		}
		default:
			break;
		}
	}
}

/* ISUP message types the far exchange sends on a circuit, as isup-tool lines (cic added) */
static const char *const far_msgs[] = {
	"ACM bci.called_status=1",
	"ACM bci.called_status=0 obci.inband_info=1",
	"CPG ei.event=1",
	"CPG ei.event=2 gni.notification=121 gni.ext=1",
	"CPG ei.event=2 gni.notification=122 gni.ext=1",
	"ANM",
	"CON bci.called_status=1",
	"REL cause.location=1 cause.cause=17",
	"REL cause.location=0 cause.cause=16",
	"REL cause.location=2 cause.cause=44",
	"REL cause.location=0 cause.cause=22 cause.diag=0310083211",
	"RLC",
	"SUS sri.ind=0",
	"RES sri.ind=0",
	"SUS sri.ind=1",
	"INF infi.calling_resp=3",
	"INR inri.calling_req=1",
	"FAC",
	"USR uui=0102",
	"COT coti.cot=1",
	"COT coti.cot=0",
	"CCR",
	"BLO",
	"UBL",
	"RSC",
	"UCIC",
	"CGB cgsmt.type=0 rs.range=7 rs.status=ff",
	"CGU cgsmt.type=0 rs.range=7 rs.status=ff",
	"CGB cgsmt.type=1 rs.range=3 rs.status=0f",
	"CGU cgsmt.type=1 rs.range=3 rs.status=0f",
	"GRS rs.range=5",
	"LPA",
};

/* called numbers toward the gateway's routes (see cfg below) */
static const char *const prefixes[] = { "30", "5", "6", "7", "301", "9", "", "51234" };

/* ---- the SIP peer: a fake libsip, checking what the gateway asks of its legs ---- */

struct sip_leg {
	enum sip_leg_dir dir;
	void *user_ref;
	bool answered, peer_has_isup, provisional_seen, reliable_1xx, ended;
	const char *redirect_uri;
	char call_id[64];
};

#define MAXLEGS 48
static struct sip_leg legs[MAXLEGS];
static unsigned n_legs;
static char redirect_uri[128];

static struct sip_leg *leg_new(enum sip_leg_dir dir, void *user_ref)
{
	if (n_legs >= MAXLEGS)
		return NULL;
	struct sip_leg *leg = &legs[n_legs];
	memset(leg, 0, sizeof(*leg));
	leg->dir = dir;
	leg->user_ref = user_ref;
	snprintf(leg->call_id, sizeof(leg->call_id), "fz-%u@peer", n_legs);
	n_legs++;
	return leg;
}

/* a leg the gateway may still use: libsip calls the user back no more once it released the leg */
static void usable(const struct sip_leg *leg)
{
	if (!leg || leg < legs || leg >= legs + n_legs || leg->ended)
		abort();
}

struct sip_leg *sip_leg_invite(struct sip_agent *a, const struct sip_invite_req *req, const struct sipt_body *body,
			       void *user_ref)
{
	if (!req->ruri[0] || !memchr(req->ruri, 0, sizeof(req->ruri)))
		abort();
	return leg_new(SIP_LEG_UAC, user_ref); /* NULL when the pool is used up, as a failed nua handle */
}

/* answers and rejections belong to incoming INVITEs not yet answered */
static void uas_unanswered(const struct sip_leg *leg)
{
	usable(leg);
	if (leg->dir != SIP_LEG_UAS || leg->answered)
		abort();
}

int sip_leg_progress(struct sip_leg *leg, int status, const struct sipt_body *body)
{
	uas_unanswered(leg);
	if (status <= 100 || status >= 200)
		abort();
	return 0;
}

int sip_leg_answer(struct sip_leg *leg, const struct sipt_body *body)
{
	uas_unanswered(leg);
	leg->answered = true;
	return 0;
}

int sip_leg_reject(struct sip_leg *leg, int status, const struct sip_reason *reason, const struct sipt_body *body)
{
	uas_unanswered(leg);
	if (status < 300 || status > 699)
		abort();
	leg->ended = true;
	return 0;
}

int sip_leg_challenge(struct sip_leg *leg, const char *realm, const char *nonce, bool stale)
{
	(void)realm;
	(void)nonce;
	(void)stale;
	return sip_leg_reject(leg, 401, NULL, NULL);
}

int sip_leg_reject_retry(struct sip_leg *leg, int status, const struct sip_reason *reason, unsigned retry_after_s)
{
	(void)retry_after_s;
	return sip_leg_reject(leg, status, reason, NULL);
}

int sip_leg_reject_body(struct sip_leg *leg, int status, const struct sip_reject_info *info)
{
	uas_unanswered(leg);
	if (status < 400 || status > 699 || (info->warn_code && (info->warn_code < 300 || info->warn_code > 399)))
		abort();
	leg->ended = true;
	return 0;
}

int sip_leg_redirect(struct sip_leg *leg, int status, const struct sip_reason *reason, const char *contact)
{
	uas_unanswered(leg);
	if (status < 300 || status > 399 || !contact || !contact[0])
		abort();
	leg->ended = true;
	return 0;
}

int sip_leg_release(struct sip_leg *leg, const struct sip_reason *reason, const struct sipt_body *body)
{
	usable(leg);
	leg->ended = true;
	return 0;
}

int sip_leg_info(struct sip_leg *leg, const struct sipt_body *body)
{
	usable(leg);
	return 0;
}

int sip_leg_hold(struct sip_leg *leg, bool hold, const struct sipt_body *body)
{
	usable(leg);
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

/* ---- bodies the SIP peer sends: its SDP, and an ISUP part the input wrote ---- */

static const char peer_sdp[] = "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			       "m=audio 40000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";
static char sdp_text[SIPT_SDP_MAX + 1] = "";
static uint8_t isup_part[SIPT_ISUP_MAX];
static size_t isup_part_len;
static uint8_t isup_part_flags;

/* flags: bit 0 SDP, bit 1 the ISUP part, bit 2 the input's SDP text instead of the peer's own */
static const struct sipt_body *body(uint8_t flags, struct sip_leg *leg)
{
	static struct sipt_body b;
	memset(&b, 0, sizeof(b));
	b.isup_variant = SIPT_VAR_UNKNOWN;
	if (flags & 1) {
		snprintf(b.sdp, sizeof(b.sdp), "%s", (flags & 4) && sdp_text[0] ? sdp_text : peer_sdp);
		b.sdp_len = strlen(b.sdp);
		b.has_sdp = true;
	}
	if ((flags & 2) && isup_part_len) {
		memcpy(b.isup, isup_part, isup_part_len);
		b.isup_len = isup_part_len;
		b.has_isup = true;
		b.isup_variant = isup_part_flags & 1 ? SIPT_VAR_ANSI : SIPT_VAR_ITU;
		b.isup_handling = isup_part_flags & 2 ? SIPT_HANDLING_OPTIONAL : SIPT_HANDLING_REQUIRED;
		if (leg)
			leg->peer_has_isup = true;
	}
	return &b;
}

/* the n-th leg the peer may still talk on */
static struct sip_leg *pick_leg(uint8_t sel)
{
	unsigned live = 0;
	for (unsigned i = 0; i < n_legs; i++)
		live += !legs[i].ended;
	if (!live)
		return NULL;
	unsigned k = sel % live;
	for (unsigned i = 0; i < n_legs; i++)
		if (!legs[i].ended && !k--)
			return &legs[i];
	return NULL;
}

static const int progress_st[] = { 180, 183, 181, 182, 100, 199 };
static const int final_st[] = { 0,   486, 404, 408, 503, 484, 302, 301, 380, 480, 487, 600, 603, 500, 403, 488,
				400, 410, 502, 504, 305, 604, 606, 401, 420, 415, 491, 300, 380, 699, 399, 380 };

static void peer_release(struct sip_leg *leg, int status, int cause, const struct sipt_body *b)
{
	struct sip_reason r = { .present = cause > 0, .cause = (uint8_t)(cause > 0 ? cause : 0) };
	leg->ended = true;
	if (status >= 300 && status < 400)
		leg->redirect_uri = redirect_uri[0] ? redirect_uri : NULL;
	gw_sip_ops.release_ind(leg, status, &r, b);
}

/* an INVITE from the peer: flags bit 0-1 the number's form, 2 100rel supported, 3 required, 4 the Call-ID
 * and From tag of the last incoming INVITE (an RFC 3578 continuation), 5 an unknown source, 6 anonymous,
 * 7 a P-Asserted-Identity and few hops left; bflags as body() takes them (SDP always) */
static void peer_invite(uint8_t flags, uint8_t bflags, const uint8_t *digits, size_t n)
{
	static struct sip_invite inv;
	static char last_call_id[sizeof(inv.call_id)];
	char num[40];
	size_t k = 0;
	for (size_t i = 0; i < n && k < sizeof(num) - 1; i++)
		num[k++] = (char)(digits[i] < '0' ? '0' + digits[i] % 10 : digits[i]);
	num[k] = 0;
	struct sip_leg *leg = leg_new(SIP_LEG_UAS, NULL);
	if (!leg)
		return;
	memset(&inv, 0, sizeof(inv));
	switch (flags & 3) {
	case 0:
		snprintf(inv.ruri, sizeof(inv.ruri), "sip:+49%s@127.0.0.1;user=phone", num);
		break;
	case 1:
		snprintf(inv.ruri, sizeof(inv.ruri), "tel:+48%s", num);
		break;
	case 2:
		snprintf(inv.ruri, sizeof(inv.ruri), "sip:%s@127.0.0.1", num);
		break;
	default:
		snprintf(inv.ruri, sizeof(inv.ruri), "sip:+33%s@h", num);
		break;
	}
	snprintf(inv.from, sizeof(inv.from), "%s",
		 flags & 0x40 ? "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=a" :
				"<sip:+4930999888@127.0.0.1>;tag=abc");
	snprintf(inv.to, sizeof(inv.to), "<%.200s>", inv.ruri);
	snprintf(inv.pai, sizeof(inv.pai), "%s", flags & 0x80 ? "<tel:+4930111>" : "");
	inv.max_forwards = flags & 0x80 ? 3 : 70;
	if ((flags & 0x10) && last_call_id[0])
		snprintf(inv.call_id, sizeof(inv.call_id), "%s", last_call_id);
	else
		snprintf(inv.call_id, sizeof(inv.call_id), "%s", leg->call_id);
	snprintf(last_call_id, sizeof(last_call_id), "%s", inv.call_id);
	snprintf(inv.from_tag, sizeof(inv.from_tag), "abc");
	snprintf(inv.src_addr, sizeof(inv.src_addr), "%s", flags & 0x20 ? "192.0.2.66" : "127.0.0.1");
	inv.src_port = 5090;
	snprintf(inv.src_transport, sizeof(inv.src_transport), "udp");
	inv.supports_100rel = flags & 4;
	inv.requires_100rel = flags & 8;
	inv.body = *body((uint8_t)(bflags | 1), leg);
	gw_sip_ops.invite_ind(&agent, leg, &inv);
}

/* ---- set-up, once: the gateway as test_gw_call configures it, SIP-T toward some peers ---- */

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
			  " sip-t required\n"
			  " 100rel supported\n"
			  " allow-source 127.0.0.1\n"
			  "sip-peer second\n"
			  " remote 127.0.0.2 5090 udp\n"
			  " country-code 49\n"
			  " uri-host 127.0.0.2\n"
			  " sip-t optional\n"
			  " redirect-response follow-notify\n"
			  "sip-peer third\n"
			  " remote 127.0.0.3 5090 tcp\n"
			  " uri-format tel\n"
			  " redirect-response release\n"
			  " 100rel required\n"
			  "gateway\n"
			  " route isup-to-sip 3 peer far\n"
			  " route isup-to-sip 5 peer second\n"
			  " route isup-to-sip 5 overlap collect\n"
			  " route isup-to-sip 5 length 3 6\n"
			  " route isup-to-sip 6 peer far\n"
			  " route isup-to-sip 6 overlap rfc3578\n"
			  " route isup-to-sip 6 length 4 0\n"
			  " route isup-to-sip 7 peer far second third\n"
			  " route isup-to-sip 301 peer third\n"
			  " route isup-to-sip 301 digits strip 1 add 0049\n"
			  " route sip-to-isup 49 trunk pstn\n"
			  " route sip-to-isup 48 trunk pstn\n"
			  " route sip-to-isup 48 length 0 8\n";

static void init_once(void)
{
	ctx = talloc_named_const(NULL, 1, "fuzz_gw_call");
	osmo_init_logging2(ctx, &isupgw_log_info);
	/* FUZZ_LOG=1: every category at DEBUG, to read what an input (a finding) does */
	int level = getenv("FUZZ_LOG") ? LOGL_DEBUG : LOGL_FATAL;
	log_set_log_level(osmo_stderr_target, level);
	for (unsigned i = 0; i < isupgw_log_info.num_cat; i++)
		log_set_category_filter(osmo_stderr_target, (int)i, 1, level);
	fz_clock_init();
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
	if (!f || vty_read_config_filep(f, NULL) < 0)
		abort();
	fclose(f);
	tg = isup_net_trunk_find(gw->net, "pstn");
	if (!tg)
		abort();
	osmo_tdef_set(gw->tdefs, -1, 120, OSMO_TDEF_S); /* X1: calls never answered end */
}

/* ---- the end of an input: everything released, then nothing may be left ---- */

static bool circuits_busy(void)
{
	for (unsigned i = 0; i < tg->n_circuits; i++) {
		const struct isup_circuit *c = tg->circuits[i];
		if (c->fi->state != ISUP_CIC_ST_IDLE || c->blk || c->call)
			return true;
	}
	return false;
}

static void teardown(void)
{
	char st[16];
	/* the far exchange resets every circuit and lifts its blocking; the SIP peer hangs up what is left */
	rs_hex(st, sizeof(st), 30, true);
	isup_rx("CGU cic=1 cgsmt.type=0 rs.range=30 rs.status=%s", st);
	isup_rx("CGU cic=1 cgsmt.type=1 rs.range=30 rs.status=%s", st);
	isup_rx("GRS cic=1 rs.range=30");
	for (unsigned i = 0; i < n_legs; i++)
		if (!legs[i].ended)
			peer_release(&legs[i], legs[i].dir == SIP_LEG_UAC && !legs[i].answered ? 487 : 0, 0, NULL);
	/* time runs on, the far exchange answering (IAMs with a release): T1/T5, X1, X2, T35 end the rest, and
	 * T17 (at most 15 minutes) repeats a reset whose RLC got lost */
	for (unsigned round = 0; round < 60 && (txq_n || gw->n_calls || circuits_busy()); round++) {
		far_answer(3);
		advance(20);
	}
	far_answer(3);
	if (gw->n_calls || !llist_empty(&gw->calls) || !llist_empty(&tg->calls))
		abort(); /* a call left behind */
	if (circuits_busy())
		abort(); /* a circuit left busy or blocked */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx)
		init_once();
	size_t blocks = talloc_total_blocks(ctx);
	n_legs = 0;
	txq_n = 0;
	isup_part_len = 0;
	sdp_text[0] = redirect_uri[0] = 0;
	size_t off = 0;
	while (off < size) {
		uint8_t op = data[off++], arg = op >> 4;
		const uint8_t *p = data + off;
		size_t avail = size - off;
		/* most operations take a length-prefixed field: n octets after p[0] */
		size_t n = avail ? (p[0] < avail - 1 ? p[0] : avail - 1) : 0;
		switch (op & 15) {
		case 0: /* ISUP octets from the far exchange, CIC first */
			if (avail)
				isup_trunk_rx(tg, p + 1, n);
			off += avail ? n + 1 : 0;
			break;
		case 1: { /* a message of a chosen type on a chosen circuit, optional parameters from the input */
			if (avail < 2)
				break;
			static struct isup_msg m;
			const char *msg = far_msgs[p[0] % (sizeof(far_msgs) / sizeof(far_msgs[0]))];
			const char *sp = strchr(msg, ' ');
			size_t tl = sp ? (size_t)(sp - msg) : strlen(msg);
			char line[160];
			snprintf(line, sizeof(line), "%.*s cic=%u%s", (int)tl, msg, pick_cic(p[1]), sp ? sp : "");
			/* argument: that many optional parameters (code, length, value) after the two octets */
			size_t used = 2;
			if (!isup_msg_from_line(&m, ISUP_VAR_ITU, line, NULL, 0)) {
				for (unsigned k = 0; k < arg && avail - used >= 2 && p[used + 1] <= avail - used - 2;
				     k++) {
					isup_msg_add(&m, p[used], p + used + 2, p[used + 1]);
					used += 2u + p[used + 1];
				}
				isup_rx_msg(&m);
			}
			off += used;
			break;
		}
		case 2: { /* an IAM toward a route: prefix, digits, ST, calling number restricted */
			if (avail < 2)
				break;
			char digits[40];
			size_t k = (size_t)snprintf(digits, sizeof(digits), "%s", prefixes[arg & 7]);
			for (size_t i = 0; i < n && k < 20; i++)
				digits[k++] = (char)('0' + p[1 + i] % 10);
			digits[k] = 0;
			if (!k)
				snprintf(digits, sizeof(digits), "0");
			isup_rx("IAM cic=%u fci.isup_ind=1 cpc.value=10 tmr.value=%u nci.echo_dev=%u cdpn.nai=3 cdpn.npi=1 "
				"cdpn.digits=%s%s cgpn.nai=3 cgpn.npi=1 cgpn.si=3 cgpn.apri=%u cgpn.digits=4930999",
				pick_cic(avail > n + 1 ? p[n + 1] : 0), arg & 8 ? 2 : 3, (arg >> 3) & 1, digits,
				n & 1 ? "F" : "", (unsigned)(n >> 1 & 1));
			off += avail > n + 1 ? n + 2 : n + 1;
			break;
		}
		case 3: { /* a SAM on a circuit */
			if (avail < 2)
				break;
			char digits[20];
			size_t k = 0;
			for (size_t i = 0; i < n && k < 8; i++)
				digits[k++] = (char)('0' + p[1 + i] % 10);
			digits[k++] = arg & 1 ? 'F' : '0' + arg % 10;
			digits[k] = 0;
			isup_rx("SAM cic=%u sn.digits=%s", pick_cic(avail > n + 1 ? p[n + 1] : 0x80), digits);
			off += avail > n + 1 ? n + 2 : n + 1;
			break;
		}
		case 4: { /* 1xx on an outgoing leg */
			struct sip_leg *leg = pick_leg(avail ? p[0] : 0);
			off += avail ? 1 : 0;
			if (!leg || leg->dir != SIP_LEG_UAC || leg->answered)
				break;
			leg->provisional_seen = true;
			gw_sip_ops.progress_ind(leg, progress_st[arg % 6], body((uint8_t)(arg >> 1), leg));
			break;
		}
		case 5: { /* 2xx on an outgoing leg, or the ACK on an incoming one we answered */
			struct sip_leg *leg = pick_leg(avail ? p[0] : 0);
			off += avail ? 1 : 0;
			if (!leg || (leg->dir == SIP_LEG_UAS && !leg->answered) ||
			    (leg->dir == SIP_LEG_UAC && leg->answered))
				break;
			leg->answered = true;
			gw_sip_ops.answer_ind(leg, body(arg, leg));
			break;
		}
		case 6: { /* a final response, BYE, CANCEL; a Reason header; the ISUP part (a REL, say) */
			if (avail < 2)
				break;
			struct sip_leg *leg = pick_leg(p[0]);
			int status = final_st[p[1] % 32];
			off += 2;
			if (!leg)
				break;
			if (leg->dir == SIP_LEG_UAS || leg->answered)
				status = status == 408 ? status : 0; /* BYE, CANCEL, or a timeout */
			else if (!status)
				status = 480; /* an early outgoing leg ends with a final response */
			peer_release(leg, status, arg & 8 ? 16 + (p[1] >> 5) : 0, body((uint8_t)(arg & 2), leg));
			break;
		}
		case 7: { /* INFO with the ISUP part */
			struct sip_leg *leg = pick_leg(avail ? p[0] : 0);
			off += avail ? 1 : 0;
			if (leg)
				gw_sip_ops.info_ind(leg, body((uint8_t)(arg | 2), leg));
			break;
		}
		case 8: { /* a re-INVITE or UPDATE: hold or resume, its SDP */
			struct sip_leg *leg = pick_leg(avail ? p[0] : 0);
			off += avail ? 1 : 0;
			if (!leg || !leg->answered)
				break;
			if (arg & 4) {
				const char *s = (arg & 8) && sdp_text[0] ? sdp_text : peer_sdp;
				gw_sip_ops.sdp_ind(leg, s, strlen(s));
			} else {
				gw_sip_ops.hold_ind(leg, arg & 1);
			}
			break;
		}
		case 9: /* a new INVITE: its body (argument), flags, digits */
			if (avail < 2)
				break;
			peer_invite(p[0], arg, p + 2, p[1] < avail - 2 ? p[1] : avail - 2);
			off += 2 + (p[1] < avail - 2 ? p[1] : avail - 2);
			break;
		case 10: /* time */
			advance(arg < 8 ? arg + 1u : (arg - 7u) * 15);
			break;
		case 11: /* the far exchange answers what the gateway sent */
			far_answer(arg);
			break;
		case 12: /* the ISUP part of later SIP bodies: variant and handling (argument), octets */
			isup_part_flags = arg;
			isup_part_len = n < sizeof(isup_part) ? n : sizeof(isup_part);
			if (avail)
				memcpy(isup_part, p + 1, isup_part_len);
			off += avail ? n + 1 : 0;
			break;
		case 13: /* SDP text for later bodies */
			snprintf(sdp_text, sizeof(sdp_text), "%.*s", (int)n, avail ? (const char *)p + 1 : "");
			off += avail ? n + 1 : 0;
			break;
		case 14: /* the Contact of the next 3xx */
			snprintf(redirect_uri, sizeof(redirect_uri), "%.*s", (int)n, avail ? (const char *)p + 1 : "");
			off += avail ? n + 1 : 0;
			break;
		default: /* the operator: shutdown releases every call */
			if (arg == 15)
				gw_release_all(gw);
			break;
		}
	}
	teardown();
	if (talloc_total_blocks(ctx) != blocks)
		abort(); /* leaked */
	return 0;
}
