/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip_leg_fsm in-process, against a fake nua layer. The test defines the nua functions the legs call: an
 * executable's own definitions win over libsofia-sip-ua's at link time, so libsip.a's legs call these, which
 * record each call with the tags that matter (decoded by sofia's real tag functions). The test plays the peer
 * and sofia by dispatching the leg events as sip_agent.c's nua_cb does, with sip_t objects that sofia's own
 * parser makes of message text, so the legs read real headers and bodies. What the legs report upward is
 * recorded by the sip_leg_ops callbacks. Time is faked: the TERMINATING guard and the 491 retry run as the
 * test moves the clock. Each test ends with every nua call and callback checked, every handle unbound and
 * destroyed exactly once, no leg left and no talloc leak.
 * Over 1,000 lines: the fake nua layer and the message texts are half of it, and every test uses them. */

#define _GNU_SOURCE

/* first: it sets nua's magic types (struct sip_leg) before any sofia header is read */
#include "sip/sip_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_tagarg.h>

#include "cunit_run.h"
#include "fake_clock.h"

static void *ctx;
static struct sip_agent *agent;
static size_t blocks_before;

enum {
	DSIPT
};
static const struct log_info_cat log_cats[] = {
	[DSIPT] = { .name = "DSIPT", .description = "SIP legs under test", .enabled = 1, .loglevel = LOGL_NOTICE },
};
static const struct log_info test_log_info = { .cat = log_cats, .num_cat = ARRAY_SIZE(log_cats) };

/* ---- SDP and ISUP the tests exchange ---- */

/* our SDP as the leg sends it: the o= version and the direction change with re-INVITEs */
#define OUR_SDP(ver, dir)                                                                         \
	"v=0\r\no=isupgw 4242 " ver " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" \
	"m=audio 40000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=" dir "\r\n"
#define LOCAL_SDP OUR_SDP("1", "sendrecv")
#define PEER_SDP(ver, dir)                                                                    \
	"v=0\r\no=peer 77 " ver " IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n" \
	"m=audio 50000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=" dir "\r\n"
#define ISUP_CTYPE "application/ISUP;version=itu-t92+"

/* ACM, ANM and REL cause 17 as a peer's SIP-T bodies carry them (type, pointers, parameters) */
static const uint8_t isup_acm[] = { 0x06, 0x16, 0x14, 0x00 };
static const uint8_t isup_anm[] = { 0x09, 0x00 };
static const uint8_t isup_rel17[] = { 0x0c, 0x02, 0x00, 0x02, 0x80, 0x91 };
static const uint8_t isup_cpg[] = { 0x2c, 0x01, 0x00 };

static struct sipt_body sdp_sipt(const char *sdp)
{
	struct sipt_body b = { .has_sdp = true };
	snprintf(b.sdp, sizeof(b.sdp), "%s", sdp);
	b.sdp_len = strlen(b.sdp);
	return b;
}

static struct sipt_body isup_sipt(const uint8_t *isup, size_t len)
{
	struct sipt_body b = { .has_isup = true, .isup_len = len, .isup_variant = SIPT_VAR_ITU };
	memcpy(b.isup, isup, len);
	return b;
}

/* ---- the fake nua layer ---- */

/* both opaque in nua.h: the test gives them a body */
struct nua_s {
	int unused;
};

struct nua_handle_s {
	struct sip_leg *magic; /* what nua_handle_bind() left */
	unsigned destroyed;
	char to[160], from[160], call_id[96];
};

static struct nua_s fake_nua;
#define MAXH 8
static struct nua_handle_s handles[MAXH];
static unsigned n_handles;
/* the request being handled, which nua_current_request() (NUTAG_WITH_THIS) names */
static msg_t *cur_req;

enum nua_fn {
	NUA_RESPOND,
	NUA_INVITE,
	NUA_BYE,
	NUA_CANCEL,
	NUA_INFO,
	NUA_AUTHENTICATE,
	NUA_OPTIONS
};
static const char *const fn_names[] = { "respond", "invite", "bye", "cancel", "info", "authenticate", "options" };

/* one call the legs made, with the tags we look at ("" when absent) */
struct nua_call {
	enum nua_fn fn;
	struct nua_handle_s *nh;
	int status;
	char phrase[64];
	bool with_this; /* NUTAG_WITH named the request being handled */
	char ctype[160];
	bool has_body;
	char body[SIPT_SDP_MAX + SIPT_ISUP_MAX + 512];
	size_t body_len;
	char reason[64], require[32], contact[160], auth[160], url[160], header[600], supported[32], accept[96];
	char warning[96];
	char max_forwards[12], proxy[160];
};

#define MAXCALLS 16
static struct nua_call calls[MAXCALLS];
static unsigned n_calls, calls_head;

static struct nua_handle_s *handle_new(void)
{
	CU_ASSERT_FATAL(n_handles < MAXH);
	struct nua_handle_s *nh = &handles[n_handles++];
	memset(nh, 0, sizeof(*nh));
	return nh;
}

static void tag_str(const tagi_t *tl, tag_type_t tt, char *buf, size_t size)
{
	const tagi_t *t = tl_find(tl, tt);
	snprintf(buf, size, "%s", t && t->t_value ? (const char *)t->t_value : "");
}

static void record(enum nua_fn fn, nua_handle_t *nh, int status, const char *phrase, const tagi_t *tl)
{
	/* a call on a handle already destroyed would be a use after free in sofia */
	CU_ASSERT_EQUAL(nh->destroyed, 0);
	CU_ASSERT_FATAL(n_calls < MAXCALLS);
	struct nua_call *c = &calls[n_calls++];
	memset(c, 0, sizeof(*c));
	c->fn = fn;
	c->nh = nh;
	c->status = status;
	snprintf(c->phrase, sizeof(c->phrase), "%s", phrase ? phrase : "");
	const tagi_t *t = tl_find(tl, nutag_with);
	c->with_this = t && cur_req && (msg_t *)t->t_value == cur_req;
	t = tl_find(tl, siptag_payload);
	if (t && t->t_value) {
		const sip_payload_t *pl = (const sip_payload_t *)t->t_value;
		c->has_body = true;
		c->body_len = pl->pl_len < sizeof(c->body) - 1 ? pl->pl_len : sizeof(c->body) - 1;
		memcpy(c->body, pl->pl_data, c->body_len);
	}
	tag_str(tl, siptag_content_type_str, c->ctype, sizeof(c->ctype));
	tag_str(tl, siptag_reason_str, c->reason, sizeof(c->reason));
	tag_str(tl, siptag_require_str, c->require, sizeof(c->require));
	tag_str(tl, siptag_contact_str, c->contact, sizeof(c->contact));
	tag_str(tl, nutag_auth, c->auth, sizeof(c->auth));
	tag_str(tl, nutag_url, c->url, sizeof(c->url));
	tag_str(tl, siptag_header_str, c->header, sizeof(c->header));
	tag_str(tl, siptag_supported_str, c->supported, sizeof(c->supported));
	tag_str(tl, siptag_accept_str, c->accept, sizeof(c->accept));
	tag_str(tl, siptag_warning_str, c->warning, sizeof(c->warning));
	tag_str(tl, siptag_max_forwards_str, c->max_forwards, sizeof(c->max_forwards));
	tag_str(tl, ntatag_default_proxy, c->proxy, sizeof(c->proxy));
}

nua_handle_t *nua_handle(nua_t *nua, nua_hmagic_t *hmagic, tag_type_t tag, tag_value_t value, ...)
{
	CU_ASSERT_PTR_EQUAL(nua, &fake_nua);
	struct nua_handle_s *nh = handle_new();
	nh->magic = hmagic;
	ta_list ta;
	ta_start(ta, tag, value);
	tag_str(ta_args(ta), siptag_to_str, nh->to, sizeof(nh->to));
	tag_str(ta_args(ta), siptag_from_str, nh->from, sizeof(nh->from));
	tag_str(ta_args(ta), siptag_call_id_str, nh->call_id, sizeof(nh->call_id));
	(void)ta_end(ta);
	return nh;
}

void nua_handle_bind(nua_handle_t *nh, nua_hmagic_t *magic)
{
	CU_ASSERT_EQUAL(nh->destroyed, 0);
	nh->magic = magic;
}

void nua_handle_destroy(nua_handle_t *nh)
{
	nh->destroyed++;
}

msg_t *nua_current_request(nua_t const *nua)
{
	CU_ASSERT_PTR_EQUAL(nua, &fake_nua);
	return cur_req;
}

void nua_respond(nua_handle_t *nh, int status, char const *phrase, tag_type_t tag, tag_value_t value, ...)
{
	ta_list ta;
	ta_start(ta, tag, value);
	record(NUA_RESPOND, nh, status, phrase, ta_args(ta));
	(void)ta_end(ta);
}

void nua_invite(nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
	ta_list ta;
	ta_start(ta, tag, value);
	record(NUA_INVITE, nh, 0, NULL, ta_args(ta));
	(void)ta_end(ta);
}

void nua_bye(nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
	ta_list ta;
	ta_start(ta, tag, value);
	record(NUA_BYE, nh, 0, NULL, ta_args(ta));
	(void)ta_end(ta);
}

void nua_cancel(nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
	ta_list ta;
	ta_start(ta, tag, value);
	record(NUA_CANCEL, nh, 0, NULL, ta_args(ta));
	(void)ta_end(ta);
}

void nua_info(nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
	ta_list ta;
	ta_start(ta, tag, value);
	record(NUA_INFO, nh, 0, NULL, ta_args(ta));
	(void)ta_end(ta);
}

void nua_authenticate(nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
	ta_list ta;
	ta_start(ta, tag, value);
	record(NUA_AUTHENTICATE, nh, 0, NULL, ta_args(ta));
	(void)ta_end(ta);
}

void nua_options(nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
	ta_list ta;
	ta_start(ta, tag, value);
	record(NUA_OPTIONS, nh, 0, NULL, ta_args(ta));
	(void)ta_end(ta);
}

/* the legs' next nua call must be this one (status: of nua_respond, 0 for the others) */
static const struct nua_call *expect_nua(enum nua_fn fn, int status)
{
	if (calls_head >= n_calls) {
		fprintf(stderr, "\nexpected nua_%s %d, nothing\n", fn_names[fn], status);
		CU_FAIL_FATAL("missing nua call");
	}
	const struct nua_call *c = &calls[calls_head++];
	if (c->fn != fn || c->status != status)
		fprintf(stderr, "\nexpected nua_%s %d, got nua_%s %d\n", fn_names[fn], status, fn_names[c->fn],
			c->status);
	CU_ASSERT_FATAL(c->fn == fn && c->status == status);
	return c;
}

static void nua_none(void)
{
	if (calls_head != n_calls)
		fprintf(stderr, "\nunexpected nua_%s %d\n", fn_names[calls[calls_head].fn], calls[calls_head].status);
	CU_ASSERT_EQUAL(calls_head, n_calls);
}

/* ---- the user: recording sip_leg_ops ---- */

static int user;		  /* the user's reference of every leg it takes */
static bool take_calls;		  /* invite_ind takes the INVITE (sets the reference) */
static bool reject_in_invite_ind; /* invite_ind rejects the INVITE there and then (404) */

enum up_kind {
	UP_INVITE,
	UP_PROGRESS,
	UP_ANSWER,
	UP_RELEASE,
	UP_INFO,
	UP_HOLD,
	UP_SDP
};
static const char *const up_names[] = { "invite", "progress", "answer", "release", "info", "hold", "sdp" };

struct up_call {
	enum up_kind kind;
	struct sip_leg *leg;
	void *user_ref; /* what sip_leg_user_ref() said during the callback */
	int status;
	struct sip_reason reason;
	bool has_body, has_sdp, has_isup;
	char sdp[SIPT_SDP_MAX + 1];
	uint8_t isup[SIPT_ISUP_MAX];
	size_t isup_len;
	bool hold;
	char redirect[160]; /* sip_leg_redirect_uri() during release_ind */
	char ruri[256];
};

static struct up_call ups[MAXCALLS];
static unsigned n_ups, ups_head;

static struct up_call *up_new(enum up_kind kind, struct sip_leg *leg)
{
	CU_ASSERT_FATAL(n_ups < MAXCALLS);
	struct up_call *u = &ups[n_ups++];
	memset(u, 0, sizeof(*u));
	u->kind = kind;
	u->leg = leg;
	u->user_ref = sip_leg_user_ref(leg);
	return u;
}

static void up_body(struct up_call *u, const struct sipt_body *b)
{
	if (!b)
		return;
	u->has_body = true;
	u->has_sdp = b->has_sdp;
	if (b->has_sdp)
		snprintf(u->sdp, sizeof(u->sdp), "%s", b->sdp);
	u->has_isup = b->has_isup;
	u->isup_len = b->isup_len;
	memcpy(u->isup, b->isup, b->isup_len);
}

static void invite_ind(struct sip_agent *a, struct sip_leg *leg, const struct sip_invite *inv)
{
	struct up_call *u = up_new(UP_INVITE, leg);
	snprintf(u->ruri, sizeof(u->ruri), "%s", inv->ruri);
	up_body(u, &inv->body);
	if (reject_in_invite_ind) {
		CU_ASSERT_EQUAL(sip_leg_reject(leg, 404, NULL, NULL), 0);
	} else if (take_calls) {
		sip_leg_set_user_ref(leg, &user);
	}
}

static void progress_ind(struct sip_leg *leg, int status, const struct sipt_body *body)
{
	struct up_call *u = up_new(UP_PROGRESS, leg);
	u->status = status;
	up_body(u, body);
}

static void answer_ind(struct sip_leg *leg, const struct sipt_body *body)
{
	up_body(up_new(UP_ANSWER, leg), body);
}

static void release_ind(struct sip_leg *leg, int status, const struct sip_reason *reason, const struct sipt_body *body)
{
	struct up_call *u = up_new(UP_RELEASE, leg);
	u->status = status;
	if (reason)
		u->reason = *reason;
	up_body(u, body);
	const char *r = sip_leg_redirect_uri(leg);
	snprintf(u->redirect, sizeof(u->redirect), "%s", r ? r : "");
}

static void info_ind(struct sip_leg *leg, const struct sipt_body *body)
{
	up_body(up_new(UP_INFO, leg), body);
}

static void hold_ind(struct sip_leg *leg, bool hold)
{
	up_new(UP_HOLD, leg)->hold = hold;
}

static void sdp_ind(struct sip_leg *leg, const char *sdp, size_t len)
{
	struct up_call *u = up_new(UP_SDP, leg);
	u->has_sdp = true;
	snprintf(u->sdp, sizeof(u->sdp), "%.*s", (int)len, sdp);
}

static const struct sip_leg_ops ops = {
	.invite_ind = invite_ind,
	.progress_ind = progress_ind,
	.answer_ind = answer_ind,
	.release_ind = release_ind,
	.info_ind = info_ind,
	.hold_ind = hold_ind,
	.sdp_ind = sdp_ind,
};

/* the legs' next callback must be of this kind; the user saw its own reference in it */
static const struct up_call *expect_up(enum up_kind kind)
{
	if (ups_head >= n_ups) {
		fprintf(stderr, "\nexpected %s_ind, nothing\n", up_names[kind]);
		CU_FAIL_FATAL("missing callback");
	}
	const struct up_call *u = &ups[ups_head++];
	if (u->kind != kind)
		fprintf(stderr, "\nexpected %s_ind, got %s_ind\n", up_names[kind], up_names[u->kind]);
	CU_ASSERT_FATAL(u->kind == kind);
	if (kind != UP_INVITE)
		CU_ASSERT_PTR_EQUAL(u->user_ref, &user);
	return u;
}

static void up_none(void)
{
	if (ups_head != n_ups)
		fprintf(stderr, "\nunexpected %s_ind\n", up_names[ups[ups_head].kind]);
	CU_ASSERT_EQUAL(ups_head, n_ups);
}

/* ---- the peer and sofia: events as sip_agent.c's nua_cb dispatches them ---- */

struct body {
	const char *ctype;
	const void *data;
	size_t len;
};

#define NO_BODY ((struct body){ NULL, NULL, 0 })

static struct body sdp_body(const char *sdp)
{
	return (struct body){ "application/sdp", sdp, strlen(sdp) };
}

static struct body isup_body(const uint8_t *isup, size_t len)
{
	return (struct body){ ISUP_CTYPE, isup, len };
}

/* SDP and ISUP in multipart/mixed, as a SIP-T peer writes them (RFC 3204) */
static struct body sipt_mp_body(const char *sdp, const uint8_t *isup, size_t len)
{
	static char buf[SIPT_SDP_MAX + SIPT_ISUP_MAX + 512];
	int n = snprintf(buf, sizeof(buf),
			 "--b7\r\nContent-Type: application/sdp\r\n\r\n%s\r\n--b7\r\n"
			 "Content-Type: " ISUP_CTYPE "\r\nContent-Disposition: signal;handling=required\r\n\r\n",
			 sdp);
	memcpy(buf + n, isup, len);
	n += (int)len;
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "\r\n--b7--\r\n");
	return (struct body){ "multipart/mixed;boundary=b7", buf, (size_t)n };
}

/* a message from the peer, made into a sip_t by sofia's parser */
static msg_t *peer_msg(const char *start, const char *cseq, const char *extra, struct body b)
{
	static char text[8192];
	int n = snprintf(text, sizeof(text),
			 "%s\r\n"
			 "Via: SIP/2.0/UDP 127.0.0.2:5090;branch=z9hG4bK-peer\r\n"
			 "From: <sip:+4930999888@127.0.0.2>;tag=peer\r\n"
			 "To: <sip:+4930123456@127.0.0.1>;tag=gw\r\n"
			 "Call-ID: leg-test@127.0.0.2\r\n"
			 "CSeq: %s\r\n"
			 "%s%s%s%s"
			 "Content-Length: %zu\r\n\r\n",
			 start, cseq, extra ? extra : "", b.ctype ? "Content-Type: " : "", b.ctype ? b.ctype : "",
			 b.ctype ? "\r\n" : "", b.len);
	CU_ASSERT_FATAL(n > 0 && (size_t)n + b.len < sizeof(text));
	if (b.len)
		memcpy(text + n, b.data, b.len);
	msg_t *m = msg_make(sip_default_mclass(), 0, text, (ssize_t)((size_t)n + b.len));
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sip_object(m));
	return m;
}

static void dispatch(struct sip_leg *leg, uint32_t event, void *data, msg_t *req)
{
	cur_req = req;
	int rc = osmo_fsm_inst_dispatch(leg->fi, event, data);
	cur_req = NULL;
	CU_ASSERT_EQUAL(rc, 0);
}

/* a response to our INVITE or re-INVITE (nua_r_invite): routed as nua_cb does */
static void rx_response(struct sip_leg *leg, int status, const char *extra, struct body b)
{
	char start[64];
	snprintf(start, sizeof(start), "SIP/2.0 %d %s", status, sip_status_phrase(status));
	msg_t *m = peer_msg(start, "1 INVITE", extra, b);
	const sip_t *sip = sip_object(m);
	CU_ASSERT_EQUAL(sip->sip_status->st_status, status);
	struct sip_leg_event ev = { .status = status, .sip = sip };
	if (leg->reinvite_pending) {
		if (status >= 200)
			dispatch(leg, SIP_LEG_EV_RX_REINVITE_RESULT, &ev, NULL);
	} else if (status < 200) {
		dispatch(leg, SIP_LEG_EV_RX_PROVISIONAL, &ev, NULL);
	} else if (status < 300) {
		dispatch(leg, SIP_LEG_EV_RX_2XX, &ev, NULL);
	} else {
		dispatch(leg, SIP_LEG_EV_RX_FAILURE, &ev, NULL);
	}
	msg_destroy(m);
}

/* a request within the dialog (nua_i_bye, nua_i_cancel, ...) */
static void rx_request(struct sip_leg *leg, const char *method, const char *extra, struct body b)
{
	static const struct {
		const char *method;
		uint32_t event;
	} map[] = {
		{ "ACK", SIP_LEG_EV_RX_ACK },	      { "BYE", SIP_LEG_EV_RX_BYE },
		{ "CANCEL", SIP_LEG_EV_RX_CANCEL },   { "INFO", SIP_LEG_EV_RX_INFO },
		{ "INVITE", SIP_LEG_EV_RX_REINVITE }, { "UPDATE", SIP_LEG_EV_RX_UPDATE },
		{ "PRACK", SIP_LEG_EV_RX_PRACK },
	};
	char start[96], cseq[32];
	snprintf(start, sizeof(start), "%s sip:+4930123456@127.0.0.1 SIP/2.0", method);
	snprintf(cseq, sizeof(cseq), "2 %s", method);
	msg_t *m = peer_msg(start, cseq, extra, b);
	struct sip_leg_event ev = { .status = 0, .sip = sip_object(m) };
	unsigned i;
	for (i = 0; i < ARRAY_SIZE(map) && strcmp(map[i].method, method); i++)
		;
	CU_ASSERT_FATAL(i < ARRAY_SIZE(map));
	dispatch(leg, map[i].event, &ev, m);
	msg_destroy(m);
}

/* nua_i_state with nua_callstate_terminated: sofia is done with the handle. The leg is gone after it. */
static void rx_terminated(struct sip_leg *leg)
{
	tagi_t tags[] = { { NUTAG_CALLSTATE(nua_callstate_terminated) }, { TAG_END() } };
	struct sip_leg_event ev = { .status = 0, .tags = tags };
	dispatch(leg, SIP_LEG_EV_TERMINATED, &ev, NULL);
}

static const char *state(const struct sip_leg *leg)
{
	return osmo_fsm_inst_state_name(leg->fi);
}

static unsigned n_legs(void)
{
	unsigned n = 0;
	struct sip_leg *leg;
	llist_for_each_entry(leg, &agent->legs, list)
		n++;
	return n;
}

static uint64_t ctr(enum sip_agent_ctr c)
{
	return rate_ctr_group_get_ctr(agent->ctrs, c)->current;
}

/* ---- set-up and the end of each test ---- */

static void setup(void)
{
	struct sip_leg *leg, *tmp;
	/* a test that failed halfway left legs: end them the way sip_agent_free does */
	llist_for_each_entry_safe(leg, tmp, &agent->legs, list)
		osmo_fsm_inst_term(leg->fi, OSMO_FSM_TERM_REQUEST, NULL);
	n_handles = n_calls = calls_head = n_ups = ups_head = 0;
	take_calls = true;
	reject_in_invite_ind = false;
	blocks_before = talloc_total_blocks(agent);
}

/* every nua call and callback checked, every handle unbound and destroyed once, nothing left or leaked */
static void check_clean(void)
{
	run_timers();
	nua_none();
	up_none();
	CU_ASSERT_EQUAL(n_legs(), 0);
	for (unsigned i = 0; i < n_handles; i++) {
		CU_ASSERT_EQUAL(handles[i].destroyed, 1);
		CU_ASSERT_PTR_NULL(handles[i].magic);
	}
	CU_ASSERT_EQUAL(talloc_total_blocks(agent), blocks_before);
}

static void req_init(struct sip_invite_req *req)
{
	memset(req, 0, sizeof(*req));
	snprintf(req->ruri, sizeof(req->ruri), "sip:+4930123456@127.0.0.2:5090;user=phone");
	snprintf(req->from, sizeof(req->from), "<sip:+4930999888@127.0.0.1;user=phone>");
	snprintf(req->pai, sizeof(req->pai), "<sip:+4930999888@127.0.0.1;user=phone>");
	req->max_forwards = 70;
	req->rel100 = SIP_100REL_OFF;
}

/* UAC: our INVITE with our SDP offer; the handle and the INVITE are checked and consumed */
static struct sip_leg *uac_start_req(const struct sip_invite_req *req)
{
	struct sipt_body b = sdp_sipt(LOCAL_SDP);
	struct sip_leg *leg = sip_leg_invite(agent, req, &b, &user);
	CU_ASSERT_PTR_NOT_NULL_FATAL(leg);
	CU_ASSERT_EQUAL(sip_leg_get_dir(leg), SIP_LEG_UAC);
	CU_ASSERT_PTR_EQUAL(leg->nh, &handles[n_handles - 1]);
	CU_ASSERT_PTR_EQUAL(handles[n_handles - 1].magic, leg);
	const struct nua_call *c = expect_nua(NUA_INVITE, 0);
	CU_ASSERT_PTR_EQUAL(c->nh, leg->nh);
	CU_ASSERT_STRING_EQUAL(c->ctype, "application/sdp");
	CU_ASSERT_STRING_EQUAL(c->body, LOCAL_SDP);
	CU_ASSERT_STRING_EQUAL(state(leg), "CALLING");
	return leg;
}

static struct sip_leg *uac_start(void)
{
	struct sip_invite_req req;
	req_init(&req);
	return uac_start_req(&req);
}

/* UAC: answered (180, 200), callbacks consumed */
static struct sip_leg *uac_confirmed(void)
{
	struct sip_leg *leg = uac_start();
	rx_response(leg, 180, NULL, NO_BODY);
	expect_up(UP_PROGRESS);
	rx_response(leg, 200, NULL, sdp_body(PEER_SDP("1", "sendrecv")));
	expect_up(UP_ANSWER);
	CU_ASSERT_STRING_EQUAL(state(leg), "CONFIRMED");
	return leg;
}

/* UAS: a new INVITE, as sip_agent.c's rx_invite hands it to a new leg */
static struct sip_leg *uas_start(struct body b)
{
	struct nua_handle_s *nh = handle_new(); /* nua made it for the INVITE */
	msg_t *m = peer_msg("INVITE sip:+4930123456@127.0.0.1;user=phone SIP/2.0", "1 INVITE", NULL, b);
	const sip_t *sip = sip_object(m);
	static struct sip_invite inv;
	memset(&inv, 0, sizeof(inv));
	url_e(inv.ruri, sizeof(inv.ruri), sip->sip_request->rq_url);
	CU_ASSERT_EQUAL(sip_agent_body(sip, &inv.body), 0);
	struct sip_leg *leg = sip_leg_alloc(agent, SIP_LEG_UAS, nh);
	CU_ASSERT_PTR_NOT_NULL_FATAL(leg);
	CU_ASSERT_PTR_EQUAL(nh->magic, leg);
	leg->peer_has_isup = inv.body.has_isup;
	dispatch(leg, SIP_LEG_EV_RX_INVITE, &inv, m);
	msg_destroy(m);
	const struct up_call *u = expect_up(UP_INVITE);
	CU_ASSERT_STRING_EQUAL(u->ruri, "sip:+4930123456@127.0.0.1;user=phone");
	return leg;
}

/* UAS: answered with our SDP and ACKed, callbacks consumed */
static struct sip_leg *uas_confirmed(void)
{
	struct sip_leg *leg = uas_start(sdp_body(PEER_SDP("1", "sendrecv")));
	struct sipt_body ans = sdp_sipt(LOCAL_SDP);
	CU_ASSERT_EQUAL(sip_leg_answer(leg, &ans), 0);
	expect_nua(NUA_RESPOND, 200);
	rx_request(leg, "ACK", NULL, NO_BODY);
	expect_up(UP_ANSWER);
	CU_ASSERT_STRING_EQUAL(state(leg), "CONFIRMED");
	return leg;
}

/* ---- UAC ---- */

/* INVITE with the request's headers; 100 is not progress; 180 with SIP-T ACM, 200 with SDP and ANM; the peer
 * hangs up: one release_ind with the BYE's Q.850 cause, none after; sofia's end destroys the handle */
static void test_uac_answered_far_bye(void)
{
	setup();
	struct sip_invite_req req;
	req_init(&req);
	snprintf(req.call_id, sizeof(req.call_id), "overlap-1@isupgw");
	snprintf(req.from_tag, sizeof(req.from_tag), "ft1");
	snprintf(req.route, sizeof(req.route), "sip:proxy.test;lr");
	struct sip_leg *leg = uac_start_req(&req);
	const struct nua_call *inv = &calls[0];
	struct nua_handle_s *nh = leg->nh;
	CU_ASSERT_STRING_EQUAL(nh->to, "<sip:+4930123456@127.0.0.2:5090;user=phone>");
	CU_ASSERT_STRING_EQUAL(nh->from, "<sip:+4930999888@127.0.0.1;user=phone>;tag=ft1");
	CU_ASSERT_STRING_EQUAL(nh->call_id, "overlap-1@isupgw");
	CU_ASSERT_STRING_EQUAL(inv->url, "sip:+4930123456@127.0.0.2:5090;user=phone");
	CU_ASSERT_STRING_EQUAL(inv->header, "P-Asserted-Identity: <sip:+4930999888@127.0.0.1;user=phone>");
	CU_ASSERT_STRING_EQUAL(inv->max_forwards, "70");
	CU_ASSERT_STRING_EQUAL(inv->proxy, "sip:proxy.test;lr");
	CU_ASSERT_STRING_EQUAL(inv->supported, "timer");
	CU_ASSERT_STRING_EQUAL(inv->require, "");
	CU_ASSERT_STRING_EQUAL(inv->accept, "application/sdp, application/isup, multipart/mixed");
	CU_ASSERT_EQUAL(ctr(SIP_CTR_INVITE_TX), 1);
	struct sipt_body info = isup_sipt(isup_cpg, sizeof(isup_cpg));
	CU_ASSERT_EQUAL(sip_leg_info(leg, &info), -EINVAL); /* no dialog before a provisional */

	rx_response(leg, 100, NULL, NO_BODY);
	CU_ASSERT_STRING_EQUAL(state(leg), "CALLING");
	CU_ASSERT_FALSE(sip_leg_provisional_seen(leg));
	up_none();

	rx_response(leg, 180, NULL, isup_body(isup_acm, sizeof(isup_acm)));
	const struct up_call *u = expect_up(UP_PROGRESS);
	CU_ASSERT_EQUAL(u->status, 180);
	CU_ASSERT_TRUE(u->has_isup && !u->has_sdp);
	CU_ASSERT_EQUAL(u->isup_len, sizeof(isup_acm));
	CU_ASSERT_STRING_EQUAL(state(leg), "EARLY_OUT");
	CU_ASSERT_TRUE(sip_leg_provisional_seen(leg));
	CU_ASSERT_TRUE(sip_leg_peer_has_isup(leg));
	CU_ASSERT_FALSE(sip_leg_answered(leg));

	rx_response(leg, 200, NULL, sipt_mp_body(PEER_SDP("1", "sendrecv"), isup_anm, sizeof(isup_anm)));
	u = expect_up(UP_ANSWER);
	CU_ASSERT_TRUE(u->has_sdp && u->has_isup);
	CU_ASSERT_STRING_EQUAL(u->sdp, PEER_SDP("1", "sendrecv"));
	CU_ASSERT_EQUAL(memcmp(u->isup, isup_anm, sizeof(isup_anm)), 0);
	CU_ASSERT_TRUE(sip_leg_answered(leg));
	CU_ASSERT_STRING_EQUAL(state(leg), "CONFIRMED");
	nua_none(); /* nua ACKs the 200 itself */

	rx_request(leg, "BYE", "Reason: Q.850;cause=16;text=\"Normal call clearing\"\r\n", NO_BODY);
	u = expect_up(UP_RELEASE);
	CU_ASSERT_EQUAL(u->status, 0);
	CU_ASSERT_TRUE(u->reason.present);
	CU_ASSERT_EQUAL(u->reason.cause, 16);
	CU_ASSERT_STRING_EQUAL(state(leg), "TERMINATING");
	CU_ASSERT_PTR_NULL(sip_leg_user_ref(leg));
	CU_ASSERT_EQUAL(nh->destroyed, 0); /* sofia still answers the BYE on it */

	rx_terminated(leg);
	CU_ASSERT_EQUAL(nh->destroyed, 1);
	check_clean();
}

/* 486 with Reason (the Q.850 one among several) and a SIP-T REL: release_ind carries status, cause and body */
static void test_uac_busy_reason(void)
{
	setup();
	struct sip_leg *leg = uac_start();
	rx_response(leg, 486, "Reason: SIP;cause=486;text=\"Busy Here\", Q.850;cause=17;text=\"User busy\"\r\n",
		    isup_body(isup_rel17, sizeof(isup_rel17)));
	const struct up_call *u = expect_up(UP_RELEASE);
	CU_ASSERT_EQUAL(u->status, 486);
	CU_ASSERT_TRUE(u->reason.present);
	CU_ASSERT_EQUAL(u->reason.cause, 17);
	CU_ASSERT_TRUE(u->has_isup);
	CU_ASSERT_EQUAL(u->isup_len, sizeof(isup_rel17));
	CU_ASSERT_EQUAL(memcmp(u->isup, isup_rel17, sizeof(isup_rel17)), 0);
	CU_ASSERT_STRING_EQUAL(u->redirect, "");
	CU_ASSERT_STRING_EQUAL(state(leg), "TERMINATING");
	/* the user releasing its side afterwards sends nothing */
	CU_ASSERT_EQUAL(sip_leg_release(leg, NULL, NULL), 0);
	rx_terminated(leg);
	check_clean();
}

/* release after a provisional: CANCEL with the Reason; no callback for a leg the user released */
static void test_uac_cancel_early(void)
{
	setup();
	struct sip_leg *leg = uac_start();
	rx_response(leg, 183, NULL, sdp_body(PEER_SDP("1", "sendrecv")));
	const struct up_call *u = expect_up(UP_PROGRESS);
	CU_ASSERT_EQUAL(u->status, 183);
	CU_ASSERT_TRUE(u->has_sdp);
	struct sip_reason r = { .present = true, .cause = 16 };
	CU_ASSERT_EQUAL(sip_leg_release(leg, &r, NULL), 0);
	const struct nua_call *c = expect_nua(NUA_CANCEL, 0);
	CU_ASSERT_STRING_EQUAL(c->reason, "Q.850;cause=16");
	CU_ASSERT_STRING_EQUAL(state(leg), "TERMINATING");
	rx_response(leg, 487, NULL, NO_BODY);
	rx_terminated(leg);
	check_clean();
}

/* released before any provisional: no CANCEL yet (RFC 3261 9.1), not on 100 either; the first 18x brings it,
 * once */
static void test_uac_cancel_waits_for_provisional(void)
{
	setup();
	struct sip_leg *leg = uac_start();
	struct sip_reason r = { .present = true, .cause = 31 };
	CU_ASSERT_EQUAL(sip_leg_release(leg, &r, NULL), 0);
	CU_ASSERT_STRING_EQUAL(state(leg), "TERMINATING");
	nua_none();
	rx_response(leg, 100, NULL, NO_BODY);
	nua_none();
	rx_response(leg, 180, NULL, NO_BODY);
	const struct nua_call *c = expect_nua(NUA_CANCEL, 0);
	CU_ASSERT_STRING_EQUAL(c->reason, "Q.850;cause=31");
	rx_response(leg, 183, NULL, NO_BODY);
	rx_response(leg, 487, NULL, NO_BODY);
	rx_terminated(leg);
	check_clean(); /* one CANCEL, no callback */
}

/* a 200 crossing our CANCEL: nua ACKs it, the leg ends the dialog with BYE and the CANCEL's Reason */
static void test_uac_200_crosses_cancel(void)
{
	setup();
	struct sip_leg *leg = uac_start();
	rx_response(leg, 180, NULL, NO_BODY);
	expect_up(UP_PROGRESS);
	struct sip_reason r = { .present = true, .cause = 16 };
	CU_ASSERT_EQUAL(sip_leg_release(leg, &r, NULL), 0);
	expect_nua(NUA_CANCEL, 0);
	rx_response(leg, 200, NULL, sdp_body(PEER_SDP("1", "sendrecv")));
	const struct nua_call *c = expect_nua(NUA_BYE, 0);
	CU_ASSERT_STRING_EQUAL(c->reason, "Q.850;cause=16");
	CU_ASSERT_FALSE(sip_leg_answered(leg));
	rx_terminated(leg);
	check_clean(); /* no answer_ind */
}

/* released before any response at all: a 200 that comes anyway is ended with BYE (no Reason given), no
 * CANCEL ever; a leg released before anything came and then timed out by sofia just goes */
static void test_uac_released_before_any_response(void)
{
	setup();
	struct sip_leg *leg = uac_start();
	CU_ASSERT_EQUAL(sip_leg_release(leg, NULL, NULL), 0);
	nua_none();
	rx_response(leg, 200, NULL, sdp_body(PEER_SDP("1", "sendrecv")));
	const struct nua_call *c = expect_nua(NUA_BYE, 0);
	CU_ASSERT_STRING_EQUAL(c->reason, "");
	rx_terminated(leg);
	check_clean();

	setup();
	leg = uac_start();
	CU_ASSERT_EQUAL(sip_leg_release(leg, NULL, NULL), 0);
	rx_terminated(leg);
	check_clean();
}

/* 3xx: the first Contact is there for the user during release_ind (RFC 3398 s8.2.5) */
static void test_uac_redirect(void)
{
	setup();
	struct sip_leg *leg = uac_start();
	uint64_t before = ctr(SIP_CTR_REDIRECT_RX);
	rx_response(leg, 302,
		    "Contact: <sip:+4930111222@10.0.0.9:5060;user=phone>, <sip:backup@10.0.0.10>\r\n"
		    "Reason: Q.850;cause=23\r\n",
		    NO_BODY);
	const struct up_call *u = expect_up(UP_RELEASE);
	CU_ASSERT_EQUAL(u->status, 302);
	CU_ASSERT_STRING_EQUAL(u->redirect, "sip:+4930111222@10.0.0.9:5060;user=phone");
	CU_ASSERT_TRUE(u->reason.present);
	CU_ASSERT_EQUAL(u->reason.cause, 23);
	CU_ASSERT_EQUAL(ctr(SIP_CTR_REDIRECT_RX), before + 1);
	rx_terminated(leg);
	check_clean();
}

/* 407: one authenticated retry with the configured credentials; a second challenge ends the leg */
static void test_uac_auth(void)
{
	setup();
	struct sip_invite_req req;
	req_init(&req);
	snprintf(req.auth_user, sizeof(req.auth_user), "alice");
	snprintf(req.auth_pass, sizeof(req.auth_pass), "secret");
	snprintf(req.auth_realm, sizeof(req.auth_realm), "isupgw.test");
	struct sip_leg *leg = uac_start_req(&req);
	const char *chal = "Proxy-Authenticate: Digest realm=\"isupgw.test\", nonce=\"4711\", algorithm=MD5\r\n";
	rx_response(leg, 407, chal, NO_BODY);
	const struct nua_call *c = expect_nua(NUA_AUTHENTICATE, 0);
	CU_ASSERT_STRING_EQUAL(c->auth, "Digest:\"isupgw.test\":alice:secret");
	CU_ASSERT_STRING_EQUAL(state(leg), "CALLING");
	up_none();
	rx_response(leg, 407, chal, NO_BODY);
	CU_ASSERT_EQUAL(expect_up(UP_RELEASE)->status, 407);
	rx_terminated(leg);
	check_clean();
}

/* credentials without a realm answer no challenge (before, "" meant any realm: a peer or anyone on the path
 * could name a realm of its own and get a response computed from our password); "*" answers any realm, as
 * configured */
static void test_uac_auth_realm_required(void)
{
	setup();
	struct sip_invite_req req;
	req_init(&req);
	snprintf(req.auth_user, sizeof(req.auth_user), "alice");
	snprintf(req.auth_pass, sizeof(req.auth_pass), "secret");
	uint64_t refused = ctr(SIP_CTR_AUTH_REALM_REFUSED);
	struct sip_leg *leg = uac_start_req(&req);
	rx_response(leg, 401, "WWW-Authenticate: Digest realm=\"invented.test\", nonce=\"4711\"\r\n", NO_BODY);
	CU_ASSERT_EQUAL(expect_up(UP_RELEASE)->status, 401);
	CU_ASSERT_EQUAL(ctr(SIP_CTR_AUTH_REALM_REFUSED), refused + 1);
	rx_terminated(leg);

	snprintf(req.auth_realm, sizeof(req.auth_realm), "*");
	leg = uac_start_req(&req);
	rx_response(leg, 401, "WWW-Authenticate: Digest realm=\"invented.test\", nonce=\"4711\"\r\n", NO_BODY);
	const struct nua_call *c = expect_nua(NUA_AUTHENTICATE, 0);
	CU_ASSERT_STRING_EQUAL(c->auth, "Digest:\"invented.test\":alice:secret");
	CU_ASSERT_EQUAL(ctr(SIP_CTR_AUTH_REALM_REFUSED), refused + 1);
	rx_response(leg, 486, NULL, NO_BODY);
	CU_ASSERT_EQUAL(expect_up(UP_RELEASE)->status, 486);
	rx_terminated(leg);
	check_clean();
}

/* 401 for a realm other than the configured one: no credentials sent, the leg ends */
static void test_uac_auth_wrong_realm(void)
{
	setup();
	struct sip_invite_req req;
	req_init(&req);
	snprintf(req.auth_user, sizeof(req.auth_user), "alice");
	snprintf(req.auth_pass, sizeof(req.auth_pass), "secret");
	snprintf(req.auth_realm, sizeof(req.auth_realm), "other.test");
	struct sip_leg *leg = uac_start_req(&req);
	rx_response(leg, 401, "WWW-Authenticate: Digest realm=\"isupgw.test\", nonce=\"4711\"\r\n", NO_BODY);
	CU_ASSERT_EQUAL(expect_up(UP_RELEASE)->status, 401);
	rx_terminated(leg);
	check_clean();
}

/* sofia ends the handle without a final response (transport error, no answer) while early: 408 to the user,
 * once; a re-INVITE before our INVITE is done gets 491 */
static void test_uac_terminated_early(void)
{
	setup();
	struct sip_leg *leg = uac_start();
	rx_request(leg, "INVITE", NULL, sdp_body(PEER_SDP("2", "sendrecv")));
	const struct nua_call *c = expect_nua(NUA_RESPOND, 491);
	CU_ASSERT_TRUE(c->with_this);
	rx_response(leg, 180, NULL, NO_BODY);
	expect_up(UP_PROGRESS);
	rx_terminated(leg);
	const struct up_call *u = expect_up(UP_RELEASE);
	CU_ASSERT_EQUAL(u->status, 408);
	CU_ASSERT_FALSE(u->reason.present);
	check_clean();
}

/* ---- UAS ---- */

/* INVITE -> 183 with SDP -> 200 -> ACK; the user hangs up: BYE with the Reason, once, and no callback */
static void test_uas_answered_local_release(void)
{
	setup();
	struct sip_leg *leg = uas_start(sdp_body(PEER_SDP("1", "sendrecv")));
	CU_ASSERT_EQUAL(sip_leg_get_dir(leg), SIP_LEG_UAS);
	CU_ASSERT_STRING_EQUAL(state(leg), "INCOMING");
	CU_ASSERT_PTR_EQUAL(sip_leg_user_ref(leg), &user);
	CU_ASSERT_EQUAL(sip_leg_progress(leg, 200, NULL), -EINVAL);
	CU_ASSERT_EQUAL(sip_leg_progress(leg, 100, NULL), -EINVAL);

	struct sipt_body b = sdp_sipt(LOCAL_SDP);
	CU_ASSERT_EQUAL(sip_leg_progress(leg, 183, &b), 0);
	const struct nua_call *c = expect_nua(NUA_RESPOND, 183);
	CU_ASSERT_STRING_EQUAL(c->phrase, "Session Progress");
	CU_ASSERT_STRING_EQUAL(c->ctype, "application/sdp");
	CU_ASSERT_STRING_EQUAL(c->body, LOCAL_SDP);
	CU_ASSERT_STRING_EQUAL(c->require, "");
	CU_ASSERT_STRING_EQUAL(state(leg), "EARLY_IN");

	CU_ASSERT_EQUAL(sip_leg_answer(leg, &b), 0);
	c = expect_nua(NUA_RESPOND, 200);
	CU_ASSERT_STRING_EQUAL(c->body, LOCAL_SDP);
	CU_ASSERT_STRING_EQUAL(state(leg), "ANSWERED_IN");
	CU_ASSERT_TRUE(sip_leg_answered(leg));
	up_none(); /* answer_ind waits for the ACK */

	rx_request(leg, "ACK", NULL, NO_BODY);
	const struct up_call *u = expect_up(UP_ANSWER);
	CU_ASSERT_FALSE(u->has_body);
	CU_ASSERT_STRING_EQUAL(state(leg), "CONFIRMED");
	CU_ASSERT_EQUAL(sip_leg_answer(leg, &b), -EINVAL);

	struct sip_reason r = { .present = true, .cause = 16 };
	struct sipt_body rel = isup_sipt(isup_rel17, sizeof(isup_rel17));
	CU_ASSERT_EQUAL(sip_leg_release(leg, &r, &rel), 0);
	c = expect_nua(NUA_BYE, 0);
	CU_ASSERT_STRING_EQUAL(c->reason, "Q.850;cause=16");
	CU_ASSERT_STRING_EQUAL(c->ctype, "application/ISUP; version=itu-t92+; base=itu-t92+");
	CU_ASSERT_EQUAL(c->body_len, sizeof(isup_rel17));
	CU_ASSERT_STRING_EQUAL(state(leg), "TERMINATING");
	/* releasing again (the user's cleanup running twice) sends nothing more */
	CU_ASSERT_EQUAL(sip_leg_release(leg, &r, NULL), 0);
	CU_ASSERT_STRING_EQUAL(state(leg), "TERMINATING");
	rx_terminated(leg);
	check_clean();
}

/* an INVITE nobody takes: 503; one the user rejects in invite_ind: its response only, no 503 after it */
static void test_uas_not_taken(void)
{
	setup();
	take_calls = false;
	struct sip_leg *leg = uas_start(NO_BODY);
	expect_nua(NUA_RESPOND, 503);
	CU_ASSERT_STRING_EQUAL(state(leg), "TERMINATING");
	rx_terminated(leg);
	check_clean();

	setup();
	reject_in_invite_ind = true;
	leg = uas_start(NO_BODY);
	expect_nua(NUA_RESPOND, 404);
	CU_ASSERT_STRING_EQUAL(state(leg), "TERMINATING");
	rx_terminated(leg);
	check_clean();
}

/* CANCEL while early: release_ind (status 0) with the CANCEL's Reason; the user's release afterwards sends
 * nothing (nua answers the INVITE 487 itself) */
static void test_uas_cancel_early(void)
{
	setup();
	struct sip_leg *leg = uas_start(sdp_body(PEER_SDP("1", "sendrecv")));
	CU_ASSERT_EQUAL(sip_leg_progress(leg, 180, NULL), 0);
	const struct nua_call *c = expect_nua(NUA_RESPOND, 180);
	CU_ASSERT_FALSE(c->has_body);
	CU_ASSERT_STRING_EQUAL(c->ctype, "");
	rx_request(leg, "CANCEL", "Reason: Q.850;cause=31\r\n", NO_BODY);
	const struct up_call *u = expect_up(UP_RELEASE);
	CU_ASSERT_EQUAL(u->status, 0);
	CU_ASSERT_TRUE(u->reason.present);
	CU_ASSERT_EQUAL(u->reason.cause, 31);
	CU_ASSERT_STRING_EQUAL(state(leg), "TERMINATING");
	struct sip_reason r = { .present = true, .cause = 16 };
	CU_ASSERT_EQUAL(sip_leg_release(leg, &r, NULL), 0);
	CU_ASSERT_EQUAL(sip_leg_reject(leg, 486, NULL, NULL), -EINVAL);
	rx_terminated(leg);
	check_clean();
}

/* BYE in a confirmed dialog, with a SIP-T REL: release_ind with the cause and the ISUP */
static void test_uas_bye(void)
{
	setup();
	struct sip_leg *leg = uas_confirmed();
	rx_request(leg, "BYE", "Reason: Q.850;cause=17\r\n", isup_body(isup_rel17, sizeof(isup_rel17)));
	const struct up_call *u = expect_up(UP_RELEASE);
	CU_ASSERT_EQUAL(u->status, 0);
	CU_ASSERT_EQUAL(u->reason.cause, 17);
	CU_ASSERT_TRUE(u->has_isup);
	CU_ASSERT_EQUAL(memcmp(u->isup, isup_rel17, sizeof(isup_rel17)), 0);
	nua_none(); /* nua answers the BYE */
	rx_terminated(leg);
	check_clean();
}

/* the user's final answers while early: a reject with Reason and SIP-T body, a redirect with its Contact,
 * a release (480 with the Reason); each leaves the leg without further callbacks */
static void test_uas_reject_redirect_release(void)
{
	setup();
	struct sip_leg *leg = uas_start(NO_BODY);
	struct sip_reason r = { .present = true, .cause = 17 };
	CU_ASSERT_EQUAL(sip_leg_reject(leg, 200, &r, NULL), -EINVAL);
	struct sipt_body rel = isup_sipt(isup_rel17, sizeof(isup_rel17));
	rel.has_sdp = true;
	snprintf(rel.sdp, sizeof(rel.sdp), "%s", LOCAL_SDP);
	CU_ASSERT_EQUAL(sip_leg_reject(leg, 486, &r, &rel), 0);
	const struct nua_call *c = expect_nua(NUA_RESPOND, 486);
	CU_ASSERT_STRING_EQUAL(c->phrase, "Busy Here");
	CU_ASSERT_STRING_EQUAL(c->reason, "Q.850;cause=17");
	CU_ASSERT_EQUAL(strncmp(c->ctype, "multipart/mixed;boundary=", 25), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c->body, LOCAL_SDP));
	CU_ASSERT_PTR_NOT_NULL(memmem(c->body, c->body_len, isup_rel17, sizeof(isup_rel17)));
	CU_ASSERT_STRING_EQUAL(state(leg), "TERMINATING");
	CU_ASSERT_EQUAL(sip_leg_answer(leg, NULL), -EINVAL);
	rx_terminated(leg);
	check_clean();

	setup();
	leg = uas_start(NO_BODY);
	struct sip_reason r22 = { .present = true, .cause = 22 };
	CU_ASSERT_EQUAL(sip_leg_redirect(leg, 301, &r22, "sip:+4930555@127.0.0.3;user=phone"), 0);
	c = expect_nua(NUA_RESPOND, 301);
	CU_ASSERT_STRING_EQUAL(c->contact, "<sip:+4930555@127.0.0.3;user=phone>");
	CU_ASSERT_STRING_EQUAL(c->reason, "Q.850;cause=22");
	rx_terminated(leg);
	check_clean();

	setup();
	leg = uas_start(NO_BODY);
	struct sip_reason r18 = { .present = true, .cause = 18 };
	CU_ASSERT_EQUAL(sip_leg_release(leg, &r18, NULL), 0);
	c = expect_nua(NUA_RESPOND, 480);
	CU_ASSERT_STRING_EQUAL(c->reason, "Q.850;cause=18");
	rx_terminated(leg);
	check_clean();
}

/* an INVITE refused for its body: 488 with a Warning (RFC 3261 s20.43), 415 with the Accept it must carry
 * (s21.4.13); each counted as invite:rx:bad_body and leaving the leg like any reject */
static void test_uas_reject_body(void)
{
	struct rate_ctr *bad = rate_ctr_group_get_ctr(agent->ctrs, SIP_CTR_REJECT_BODY);
	uint64_t before = bad->current;
	setup();
	struct sip_leg *leg = uas_start(NO_BODY);
	struct sip_reject_info w = { .warn_code = 305, .warn_text = "neither PCMA nor PCMU offered" };
	CU_ASSERT_EQUAL(sip_leg_reject_body(leg, 399, &w), -EINVAL);
	CU_ASSERT_EQUAL(sip_leg_reject_body(leg, 488, &w), 0);
	const struct nua_call *c = expect_nua(NUA_RESPOND, 488);
	CU_ASSERT_STRING_EQUAL(c->phrase, "Not Acceptable Here");
	CU_ASSERT_STRING_EQUAL(c->warning, "305 isupgw \"neither PCMA nor PCMU offered\"");
	CU_ASSERT_STRING_EQUAL(c->accept, "");
	CU_ASSERT_STRING_EQUAL(state(leg), "TERMINATING");
	rx_terminated(leg);
	check_clean();

	setup();
	leg = uas_start(NO_BODY);
	struct sip_reject_info a = { .accept = "application/sdp, application/ISUP;version=itu-t92+" };
	CU_ASSERT_EQUAL(sip_leg_reject_body(leg, 415, &a), 0);
	c = expect_nua(NUA_RESPOND, 415);
	CU_ASSERT_STRING_EQUAL(c->accept, "application/sdp, application/ISUP;version=itu-t92+");
	CU_ASSERT_STRING_EQUAL(c->warning, "");
	rx_terminated(leg);
	check_clean();
	CU_ASSERT_EQUAL(bad->current, before + 2);
}

/* RFC 3262: our 18x with the answer goes reliably; the 200 waits for its PRACK and then carries no SDP */
static void test_uas_100rel_prack(void)
{
	setup();
	struct sip_leg *leg = uas_start(sdp_body(PEER_SDP("1", "sendrecv")));
	sip_leg_set_reliable_1xx(leg, true);
	struct sipt_body b = sdp_sipt(LOCAL_SDP);
	CU_ASSERT_EQUAL(sip_leg_progress(leg, 183, &b), 0);
	const struct nua_call *c = expect_nua(NUA_RESPOND, 183);
	CU_ASSERT_STRING_EQUAL(c->require, "100rel");
	CU_ASSERT_STRING_EQUAL(c->body, LOCAL_SDP);
	CU_ASSERT_EQUAL(sip_leg_answer(leg, &b), 0);
	nua_none(); /* the 200 waits */
	CU_ASSERT_STRING_EQUAL(state(leg), "ANSWERED_IN");
	rx_request(leg, "PRACK", NULL, NO_BODY);
	c = expect_nua(NUA_RESPOND, 200);
	CU_ASSERT_FALSE(c->has_body);
	CU_ASSERT_STRING_EQUAL(c->ctype, "");
	rx_request(leg, "ACK", NULL, NO_BODY);
	expect_up(UP_ANSWER);
	CU_ASSERT_EQUAL(sip_leg_release(leg, NULL, NULL), 0);
	expect_nua(NUA_BYE, 0);
	rx_terminated(leg);
	check_clean();
}

/* released while the 200 waits for the PRACK: the 200 never left, so the INVITE gets 480, not BYE */
static void test_uas_100rel_release_before_prack(void)
{
	setup();
	struct sip_leg *leg = uas_start(sdp_body(PEER_SDP("1", "sendrecv")));
	sip_leg_set_reliable_1xx(leg, true);
	struct sipt_body b = sdp_sipt(LOCAL_SDP);
	CU_ASSERT_EQUAL(sip_leg_progress(leg, 183, &b), 0);
	expect_nua(NUA_RESPOND, 183);
	CU_ASSERT_EQUAL(sip_leg_answer(leg, &b), 0);
	nua_none();
	struct sip_reason r = { .present = true, .cause = 16 };
	CU_ASSERT_EQUAL(sip_leg_release(leg, &r, NULL), 0);
	const struct nua_call *c = expect_nua(NUA_RESPOND, 480);
	CU_ASSERT_STRING_EQUAL(c->reason, "Q.850;cause=16");
	rx_request(leg, "PRACK", NULL, NO_BODY); /* a late PRACK releases no 200 */
	rx_terminated(leg);
	check_clean();
}

/* UPDATE while early (RFC 3311): an offer before we sent SDP gets 488; after our 183 it is answered with our
 * SDP mirrored, the SDP goes up, but no hold_ind before the answer */
static void test_uas_early_update(void)
{
	setup();
	struct sip_leg *leg = uas_start(sdp_body(PEER_SDP("1", "sendrecv")));
	rx_request(leg, "UPDATE", NULL, sdp_body(PEER_SDP("2", "sendrecv")));
	CU_ASSERT_TRUE(expect_nua(NUA_RESPOND, 488)->with_this);
	rx_request(leg, "INVITE", NULL, NO_BODY);
	CU_ASSERT_TRUE(expect_nua(NUA_RESPOND, 491)->with_this);
	struct sipt_body b = sdp_sipt(LOCAL_SDP);
	CU_ASSERT_EQUAL(sip_leg_progress(leg, 183, &b), 0);
	expect_nua(NUA_RESPOND, 183);
	rx_request(leg, "UPDATE", NULL, sdp_body(PEER_SDP("2", "sendonly")));
	const struct nua_call *c = expect_nua(NUA_RESPOND, 200);
	CU_ASSERT_TRUE(c->with_this);
	CU_ASSERT_STRING_EQUAL(c->body, OUR_SDP("2", "recvonly"));
	CU_ASSERT_STRING_EQUAL(expect_up(UP_SDP)->sdp, PEER_SDP("2", "sendonly"));
	up_none();
	CU_ASSERT_EQUAL(sip_leg_release(leg, NULL, NULL), 0);
	expect_nua(NUA_RESPOND, 480);
	rx_terminated(leg);
	check_clean();
}

/* ---- in the dialog: re-INVITE, UPDATE, INFO ---- */

/* the peer holds (sendonly) and resumes: each offer answered 200 with our SDP mirrored and its version
 * bumped (RFC 3264 s8), the SDP and the hold change go up; a re-INVITE without an offer gets our SDP as the
 * offer, an UPDATE without a body (session refresh) a bare 200, neither a hold change */
static void test_reinvite_hold_in(void)
{
	setup();
	struct sip_leg *leg = uac_confirmed();
	rx_request(leg, "INVITE", NULL, sdp_body(PEER_SDP("2", "sendonly")));
	const struct nua_call *c = expect_nua(NUA_RESPOND, 200);
	CU_ASSERT_TRUE(c->with_this);
	CU_ASSERT_STRING_EQUAL(c->ctype, "application/sdp");
	CU_ASSERT_STRING_EQUAL(c->body, OUR_SDP("2", "recvonly"));
	CU_ASSERT_STRING_EQUAL(expect_up(UP_SDP)->sdp, PEER_SDP("2", "sendonly"));
	CU_ASSERT_TRUE(expect_up(UP_HOLD)->hold);

	/* inactive is still hold: no second hold_ind */
	rx_request(leg, "INVITE", NULL, sdp_body(PEER_SDP("3", "inactive")));
	CU_ASSERT_STRING_EQUAL(expect_nua(NUA_RESPOND, 200)->body, OUR_SDP("3", "inactive"));
	expect_up(UP_SDP);
	up_none();

	rx_request(leg, "INVITE", NULL, sdp_body(PEER_SDP("4", "sendrecv")));
	CU_ASSERT_STRING_EQUAL(expect_nua(NUA_RESPOND, 200)->body, OUR_SDP("4", "sendrecv"));
	expect_up(UP_SDP);
	CU_ASSERT_FALSE(expect_up(UP_HOLD)->hold);

	rx_request(leg, "INVITE", NULL, NO_BODY);
	c = expect_nua(NUA_RESPOND, 200);
	CU_ASSERT_STRING_EQUAL(c->body, OUR_SDP("4", "sendrecv"));
	rx_request(leg, "UPDATE", "Session-Expires: 1800;refresher=uac\r\n", NO_BODY);
	c = expect_nua(NUA_RESPOND, 200);
	CU_ASSERT_TRUE(c->with_this);
	CU_ASSERT_FALSE(c->has_body);
	up_none();

	CU_ASSERT_EQUAL(sip_leg_release(leg, NULL, NULL), 0);
	expect_nua(NUA_BYE, 0);
	rx_request(leg, "INVITE", NULL, sdp_body(PEER_SDP("5", "sendrecv")));
	CU_ASSERT_TRUE(expect_nua(NUA_RESPOND, 481)->with_this);
	rx_terminated(leg);
	check_clean();
}

/* we hold with SIP-T (sendonly, the ISUP beside it); a resume asked while that re-INVITE is out waits for
 * its result, then goes (sendrecv, one version on) */
static void test_reinvite_hold_out(void)
{
	setup();
	struct sip_leg *leg = uac_confirmed();
	uint64_t before = ctr(SIP_CTR_REINVITE_TX);
	struct sipt_body cpg = isup_sipt(isup_cpg, sizeof(isup_cpg));
	CU_ASSERT_EQUAL(sip_leg_hold(leg, true, &cpg), 0);
	const struct nua_call *c = expect_nua(NUA_INVITE, 0);
	CU_ASSERT_PTR_EQUAL(c->nh, leg->nh);
	CU_ASSERT_EQUAL(strncmp(c->ctype, "multipart/mixed;boundary=", 25), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c->body, OUR_SDP("2", "sendonly")));
	CU_ASSERT_PTR_NOT_NULL(memmem(c->body, c->body_len, isup_cpg, sizeof(isup_cpg)));

	CU_ASSERT_EQUAL(sip_leg_hold(leg, false, NULL), 0);
	nua_none(); /* one re-INVITE at a time (RFC 3261 14.1) */
	rx_response(leg, 100, NULL, NO_BODY);
	nua_none();
	rx_response(leg, 200, NULL, sdp_body(PEER_SDP("2", "recvonly")));
	c = expect_nua(NUA_INVITE, 0);
	CU_ASSERT_STRING_EQUAL(c->ctype, "application/sdp");
	CU_ASSERT_STRING_EQUAL(c->body, OUR_SDP("3", "sendrecv"));
	rx_response(leg, 200, NULL, sdp_body(PEER_SDP("3", "sendrecv")));
	CU_ASSERT_EQUAL(ctr(SIP_CTR_REINVITE_TX), before + 2);
	CU_ASSERT_EQUAL(sip_leg_hold(leg, false, NULL), 0); /* already so: nothing */
	nua_none();
	up_none(); /* our own hold is not indicated */

	CU_ASSERT_EQUAL(sip_leg_release(leg, NULL, NULL), 0);
	expect_nua(NUA_BYE, 0);
	CU_ASSERT_EQUAL(sip_leg_hold(leg, true, NULL), -EINVAL);
	rx_terminated(leg);
	check_clean();
}

/* the peer re-offers while we hold (our SDP sendonly): our answer keeps not receiving and goes on sending,
 * sendonly to a sendrecv offer and inactive to a sendonly one; a resume then takes the peer's hold into
 * account (recvonly) */
static void test_reinvite_offer_during_our_hold(void)
{
	setup();
	struct sip_leg *leg = uac_confirmed();
	CU_ASSERT_EQUAL(sip_leg_hold(leg, true, NULL), 0);
	CU_ASSERT_STRING_EQUAL(expect_nua(NUA_INVITE, 0)->body, OUR_SDP("2", "sendonly"));
	rx_response(leg, 200, NULL, sdp_body(PEER_SDP("2", "recvonly")));

	rx_request(leg, "INVITE", NULL, sdp_body(PEER_SDP("3", "sendrecv")));
	CU_ASSERT_STRING_EQUAL(expect_nua(NUA_RESPOND, 200)->body, OUR_SDP("3", "sendonly"));
	expect_up(UP_SDP);
	up_none(); /* the peer does not hold us */

	rx_request(leg, "INVITE", NULL, sdp_body(PEER_SDP("4", "sendonly")));
	CU_ASSERT_STRING_EQUAL(expect_nua(NUA_RESPOND, 200)->body, OUR_SDP("4", "inactive"));
	expect_up(UP_SDP);
	CU_ASSERT_TRUE(expect_up(UP_HOLD)->hold);

	CU_ASSERT_EQUAL(sip_leg_hold(leg, false, NULL), 0);
	CU_ASSERT_STRING_EQUAL(expect_nua(NUA_INVITE, 0)->body, OUR_SDP("5", "recvonly"));
	rx_response(leg, 200, NULL, sdp_body(PEER_SDP("5", "sendonly")));
	CU_ASSERT_EQUAL(sip_leg_release(leg, NULL, NULL), 0);
	expect_nua(NUA_BYE, 0);
	rx_terminated(leg);
	check_clean();
}

/* 491 to our re-INVITE (glare): retried after 2.1-4 s as the Call-ID's owner, three times at most, then the
 * session stays as it was and a new hold starts afresh */
static void test_reinvite_glare(void)
{
	setup();
	struct sip_leg *leg = uac_confirmed();
	CU_ASSERT_EQUAL(sip_leg_hold(leg, true, NULL), 0);
	CU_ASSERT_STRING_EQUAL(expect_nua(NUA_INVITE, 0)->body, OUR_SDP("2", "sendonly"));
	for (unsigned i = 0; i < 3; i++) {
		rx_response(leg, 491, NULL, NO_BODY);
		advance(2);
		nua_none();					   /* not before 2.1 s */
		CU_ASSERT_EQUAL(sip_leg_hold(leg, true, NULL), 0); /* asked again meanwhile: still one */
		nua_none();
		advance(2);
		expect_nua(NUA_INVITE, 0);
	}
	rx_response(leg, 491, NULL, NO_BODY);
	advance(10);
	nua_none();
	up_none();
	/* the hold never took: asking again is a new round */
	CU_ASSERT_EQUAL(sip_leg_hold(leg, true, NULL), 0);
	expect_nua(NUA_INVITE, 0);
	rx_response(leg, 200, NULL, sdp_body(PEER_SDP("2", "recvonly")));
	CU_ASSERT_EQUAL(sip_leg_release(leg, NULL, NULL), 0);
	expect_nua(NUA_BYE, 0);
	rx_terminated(leg);
	check_clean();
}

/* INFO (RFC 6086) both ways: ours carries the body; the peer's is answered 200 and its ISUP goes up, one we
 * cannot read gets 415 and goes nowhere; after release the peer's gets 481 and we send none */
static void test_info(void)
{
	setup();
	struct sip_leg *leg = uas_confirmed();
	uint64_t before = ctr(SIP_CTR_INFO_TX);
	struct sipt_body cpg = isup_sipt(isup_cpg, sizeof(isup_cpg));
	CU_ASSERT_EQUAL(sip_leg_info(leg, &cpg), 0);
	const struct nua_call *c = expect_nua(NUA_INFO, 0);
	CU_ASSERT_STRING_EQUAL(c->ctype, "application/ISUP; version=itu-t92+; base=itu-t92+");
	CU_ASSERT_EQUAL(c->body_len, sizeof(isup_cpg));
	CU_ASSERT_EQUAL(memcmp(c->body, isup_cpg, sizeof(isup_cpg)), 0);
	CU_ASSERT_EQUAL(ctr(SIP_CTR_INFO_TX), before + 1);

	rx_request(leg, "INFO", NULL, isup_body(isup_cpg, sizeof(isup_cpg)));
	CU_ASSERT_TRUE(expect_nua(NUA_RESPOND, 200)->with_this);
	const struct up_call *u = expect_up(UP_INFO);
	CU_ASSERT_TRUE(u->has_isup);
	CU_ASSERT_EQUAL(u->isup_len, sizeof(isup_cpg));
	CU_ASSERT_EQUAL(memcmp(u->isup, isup_cpg, sizeof(isup_cpg)), 0);

	rx_request(leg, "INFO", NULL, (struct body){ "text/plain", "hello", 5 });
	CU_ASSERT_TRUE(expect_nua(NUA_RESPOND, 415)->with_this);
	rx_request(leg, "INFO", NULL, NO_BODY);
	CU_ASSERT_TRUE(expect_nua(NUA_RESPOND, 200)->with_this);
	up_none();

	CU_ASSERT_EQUAL(sip_leg_release(leg, NULL, NULL), 0);
	expect_nua(NUA_BYE, 0);
	rx_request(leg, "INFO", NULL, isup_body(isup_cpg, sizeof(isup_cpg)));
	CU_ASSERT_TRUE(expect_nua(NUA_RESPOND, 481)->with_this);
	CU_ASSERT_EQUAL(sip_leg_info(leg, &cpg), -EINVAL);
	rx_terminated(leg);
	check_clean();
}

/* ---- the end of a leg ---- */

/* released, and sofia never reports the handle terminated: the guard drops the leg after 40 s, not before,
 * and destroys the handle */
static void test_terminating_guard(void)
{
	setup();
	struct sip_leg *leg = uas_confirmed();
	struct nua_handle_s *nh = leg->nh;
	CU_ASSERT_EQUAL(sip_leg_release(leg, NULL, NULL), 0);
	expect_nua(NUA_BYE, 0);
	advance(39);
	CU_ASSERT_EQUAL(n_legs(), 1);
	CU_ASSERT_EQUAL(nh->destroyed, 0);
	advance(1);
	CU_ASSERT_EQUAL(n_legs(), 0);
	CU_ASSERT_EQUAL(nh->destroyed, 1);
	check_clean();
}

/* sofia ends a confirmed dialog by itself (session timer expired, no ACK): the user gets 408, once */
/* the final response to the leg's in-dialog OPTIONS, as sip_agent.c's nua_cb hands it over */
static void rx_options_result(struct sip_leg *leg, int status)
{
	struct sip_leg_event ev = { .status = status };
	dispatch(leg, SIP_LEG_EV_RX_OPTIONS_RESULT, &ev, NULL);
}

/* the dead-peer check of an answered call (RFC 5057 s5.1): an OPTIONS in the dialog every interval, a 200
 * or 405 keeps the call, 481 ends it with BYE and release_ind(481); one 503 (a transport error looks so) is
 * tried again after 1 s, a second one ends the call; nothing before the answer, nothing without the setting */
static void test_dialog_keepalive(void)
{
	setup();
	uint64_t tx0 = ctr(SIP_CTR_DIALOG_KA_TX), lost0 = ctr(SIP_CTR_DIALOG_PEER_LOST);
	struct sip_leg *leg = uac_start();
	sip_leg_set_keepalive(leg, 30);
	advance(60);
	nua_none(); /* not answered yet */
	rx_response(leg, 200, NULL, sdp_body(PEER_SDP("1", "sendrecv")));
	expect_up(UP_ANSWER);
	advance(29);
	nua_none();
	advance(1);
	CU_ASSERT_PTR_EQUAL(expect_nua(NUA_OPTIONS, 0)->nh, leg->nh);
	advance(60);
	nua_none(); /* one at a time */
	rx_options_result(leg, 200);
	advance(30);
	expect_nua(NUA_OPTIONS, 0);
	rx_options_result(leg, 405); /* alive, OPTIONS not allowed in dialogs */
	advance(30);
	expect_nua(NUA_OPTIONS, 0);
	rx_options_result(leg, 481);
	const struct nua_call *c = expect_nua(NUA_BYE, 0);
	CU_ASSERT_STRING_EQUAL(c->reason, "Q.850;cause=41");
	const struct up_call *u = expect_up(UP_RELEASE);
	CU_ASSERT_EQUAL(u->status, 481);
	CU_ASSERT_STRING_EQUAL(state(leg), "TERMINATING");
	CU_ASSERT_EQUAL(ctr(SIP_CTR_DIALOG_KA_TX), tx0 + 3);
	CU_ASSERT_EQUAL(ctr(SIP_CTR_DIALOG_PEER_LOST), lost0 + 1);
	advance(30); /* below the TERMINATING guard */
	nua_none();
	rx_terminated(leg);

	/* UAS; 503, again after 1 s, 200: alive; 503 twice: gone */
	leg = uas_confirmed();
	sip_leg_set_keepalive(leg, 10);
	advance(10);
	expect_nua(NUA_OPTIONS, 0);
	rx_options_result(leg, 503);
	advance(1);
	expect_nua(NUA_OPTIONS, 0);
	rx_options_result(leg, 200);
	advance(9);
	nua_none();
	advance(1);
	expect_nua(NUA_OPTIONS, 0);
	rx_options_result(leg, 503);
	up_none();
	advance(1);
	expect_nua(NUA_OPTIONS, 0);
	rx_options_result(leg, 503);
	expect_nua(NUA_BYE, 0);
	CU_ASSERT_EQUAL(expect_up(UP_RELEASE)->status, 503);
	rx_terminated(leg);

	/* 408: gone at once, cause 102 in the BYE */
	leg = uas_confirmed();
	sip_leg_set_keepalive(leg, 10);
	advance(10);
	expect_nua(NUA_OPTIONS, 0);
	rx_options_result(leg, 408);
	CU_ASSERT_STRING_EQUAL(expect_nua(NUA_BYE, 0)->reason, "Q.850;cause=102");
	CU_ASSERT_EQUAL(expect_up(UP_RELEASE)->status, 408);
	rx_terminated(leg);

	/* no setting: no OPTIONS */
	leg = uas_confirmed();
	advance(3600);
	nua_none();
	CU_ASSERT_EQUAL(sip_leg_release(leg, NULL, NULL), 0);
	expect_nua(NUA_BYE, 0);
	rx_terminated(leg);
	check_clean();
}

static void test_terminated_confirmed(void)
{
	setup();
	struct sip_leg *leg = uas_confirmed();
	rx_terminated(leg);
	const struct up_call *u = expect_up(UP_RELEASE);
	CU_ASSERT_EQUAL(u->status, 408);
	CU_ASSERT_FALSE(u->reason.present);
	check_clean();
}

/* the agent shutting down ends its legs (sip_agent_free): a leg still in use tells its user, 503 */
static void test_shutdown(void)
{
	setup();
	struct sip_leg *leg = uac_confirmed();
	osmo_fsm_inst_term(leg->fi, OSMO_FSM_TERM_REQUEST, NULL);
	CU_ASSERT_EQUAL(expect_up(UP_RELEASE)->status, 503);
	check_clean();
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "test_sip_leg");
	osmo_init_logging2(ctx, &test_log_info);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_category_filter(osmo_stderr_target, DSIPT, 1, LOGL_ERROR);
	log_set_log_level(osmo_stderr_target, LOGL_ERROR);
	fake_clock_enable();
	osmo_stats_init(ctx);
	rate_ctr_init(ctx);
	sip_leg_fsm_init(DSIPT);
	static const struct sip_agent_cfg cfg;
	agent = sip_agent_alloc(ctx, &cfg, &ops, NULL);
	if (!agent)
		return 2;
	agent->nua = &fake_nua;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("sip_leg", NULL, NULL);
	CU_add_test(s, "UAC 180/200 with SIP-T, BYE from the peer", test_uac_answered_far_bye);
	CU_add_test(s, "UAC 486 with Reason Q.850 and ISUP", test_uac_busy_reason);
	CU_add_test(s, "UAC released early: CANCEL with Reason", test_uac_cancel_early);
	CU_add_test(s, "UAC released before a provisional: CANCEL waits for it", test_uac_cancel_waits_for_provisional);
	CU_add_test(s, "UAC 200 crossing our CANCEL: BYE", test_uac_200_crosses_cancel);
	CU_add_test(s, "UAC released before any response", test_uac_released_before_any_response);
	CU_add_test(s, "UAC 302: Contact for the user", test_uac_redirect);
	CU_add_test(s, "UAC 407: one authenticated retry", test_uac_auth);
	CU_add_test(s, "UAC 401 for another realm: released", test_uac_auth_wrong_realm);
	CU_add_test(s, "dead-peer check: in-dialog OPTIONS, 481/408/503 twice end the call", test_dialog_keepalive);
	CU_add_test(s, "UAC credentials without a realm answer none; * answers any", test_uac_auth_realm_required);
	CU_add_test(s, "UAC ended by sofia while early: 408; re-INVITE 491", test_uac_terminated_early);
	CU_add_test(s, "UAS 183/200/ACK, local release: BYE once", test_uas_answered_local_release);
	CU_add_test(s, "UAS not taken: 503; rejected in invite_ind", test_uas_not_taken);
	CU_add_test(s, "UAS CANCEL while early", test_uas_cancel_early);
	CU_add_test(s, "UAS BYE with Reason and ISUP", test_uas_bye);
	CU_add_test(s, "UAS reject, redirect, release while early", test_uas_reject_redirect_release);
	CU_add_test(s, "UAS: rejected for the body: 488 with Warning, 415 with Accept", test_uas_reject_body);
	CU_add_test(s, "UAS 100rel: the 200 waits for the PRACK", test_uas_100rel_prack);
	CU_add_test(s, "UAS 100rel: released before the PRACK: 480", test_uas_100rel_release_before_prack);
	CU_add_test(s, "UAS UPDATE while early", test_uas_early_update);
	CU_add_test(s, "re-INVITE from the peer: hold, resume, refresh", test_reinvite_hold_in);
	CU_add_test(s, "our re-INVITE: hold with SIP-T, resume queued", test_reinvite_hold_out);
	CU_add_test(s, "the peer's offer while we hold: our side stays sendonly", test_reinvite_offer_during_our_hold);
	CU_add_test(s, "our re-INVITE: 491 retried three times", test_reinvite_glare);
	CU_add_test(s, "INFO in and out", test_info);
	CU_add_test(s, "TERMINATING guard when sofia never ends the handle", test_terminating_guard);
	CU_add_test(s, "confirmed dialog ended by sofia: 408", test_terminated_confirmed);
	CU_add_test(s, "agent shutdown ends a leg in use: 503", test_shutdown);
	int rc = cunit_run();
	agent->nua = NULL; /* sip_agent_free must not shut down a stack that is not there */
	sip_agent_free(agent, 0);
	return rc;
}
