/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The SIP agent: sofia-sip nua without its media layer (bodies are ours: SDP and ISUP, RFC 3204), events
 * turned into sip_leg_fsm events and user callbacks. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "sip_priv.h"
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/tport_tag.h>
#include "sip_loop.h"
#include <sofia-sip/su_strlst.h>

int sip_log_cat = DLGLOBAL;

struct sip_agent_priv {
	su_root_t *root;
	struct sip_loop *loop;
};

static const struct rate_ctr_desc agent_ctr_desc[] = {
	[SIP_CTR_INVITE_RX] = { "invite:rx", "INVITEs received (new dialogs)" },
	[SIP_CTR_INVITE_TX] = { "invite:tx", "INVITEs sent" },
	[SIP_CTR_REJECT_BODY] = { "invite:rx:bad_body", "INVITEs rejected for their body (400/406/415/488)" },
	[SIP_CTR_REJECT_HEADERS] = { "invite:rx:too_many_headers",
				     "INVITEs with too many Via (483) or header fields (400)" },
	[SIP_CTR_ANSWERED] = { "dialog:answered", "dialogs answered (2xx)" },
	[SIP_CTR_BYE_RX] = { "bye:rx", "BYEs received" },
	[SIP_CTR_CANCEL_RX] = { "cancel:rx", "CANCELs received" },
	[SIP_CTR_INFO_RX] = { "info:rx", "INFOs received" },
	[SIP_CTR_INFO_TX] = { "info:tx", "INFOs sent" },
	[SIP_CTR_UPDATE_RX] = { "update:rx", "UPDATEs received (RFC 3311)" },
	[SIP_CTR_REINVITE_TX] = { "reinvite:tx", "re-INVITEs sent (hold/resume)" },
	[SIP_CTR_REDIRECT_RX] = { "redirect:rx", "3xx responses to our INVITEs" },
	[SIP_CTR_SESSION_EXPIRED] = { "session:expired", "dialogs ended by sofia itself (session timer, no ACK)" },
	[SIP_CTR_DIALOG_KA_TX] = { "dialog:keepalive", "OPTIONS sent within answered dialogs (dead-peer check)" },
	[SIP_CTR_DIALOG_PEER_LOST] = { "dialog:peer_lost",
				       "answered dialogs ended: the in-dialog OPTIONS got 408/481 (peer gone)" },
	[SIP_CTR_AUTH_REALM_REFUSED] = { "auth:realm_refused",
					 "challenges not answered: a realm our credentials are not for" },
};
static const struct rate_ctr_group_desc agent_ctrg_desc = {
	.group_name_prefix = "sip",
	.group_description = "SIP agent",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(agent_ctr_desc),
	.ctr_desc = agent_ctr_desc,
};

/* ---- helpers turning sofia headers into our text ---- */

static void header_text(const void *h, char *buf, size_t size)
{
	buf[0] = 0;
	if (!h)
		return;
	issize_t n = msg_header_field_e(buf, (isize_t)size, (const msg_header_t *)h, 0);
	if (n < 0 || (size_t)n >= size)
		buf[0] = 0;
}

static void unknown_header(const sip_t *sip, const char *name, char *buf, size_t size)
{
	buf[0] = 0;
	for (const sip_unknown_t *u = sip ? sip->sip_unknown : NULL; u; u = u->un_next)
		if (u->un_name && !strcasecmp(u->un_name, name)) {
			snprintf(buf, size, "%s", u->un_value ? u->un_value : "");
			return;
		}
}

static void ctype_text(const sip_t *sip, char *buf, size_t size)
{
	buf[0] = 0;
	if (!sip || !sip->sip_content_type || !sip->sip_content_type->c_type)
		return;
	size_t n = (size_t)snprintf(buf, size, "%s", sip->sip_content_type->c_type);
	for (msg_param_t const *p = sip->sip_content_type->c_params; p && *p && n < size; p++)
		n += (size_t)snprintf(buf + n, size - n, ";%s", *p);
}

/* The body of a request or response; 0 or a sipt_body_err. */
int sip_agent_body(const sip_t *sip, struct sipt_body *b)
{
	char ct[256];
	ctype_text(sip, ct, sizeof(ct));
	const sip_payload_t *pl = sip ? sip->sip_payload : NULL;
	return sipt_body_parse(ct[0] ? ct : NULL, pl ? (const uint8_t *)pl->pl_data : NULL, pl ? pl->pl_len : 0, b);
}

void sip_agent_reason(const sip_t *sip, struct sip_reason *r)
{
	r->present = false;
	for (const sip_reason_t *re = sip ? sip->sip_reason : NULL; re; re = re->re_next)
		if (re->re_protocol && !strcasecmp(re->re_protocol, "Q.850") && re->re_cause) {
			int c = atoi(re->re_cause);
			if (c > 0 && c < 128) {
				r->present = true;
				r->cause = (uint8_t)c;
				return;
			}
		}
}

struct sip_probe {
	struct llist_head list;
	nua_handle_t *nh;
	sip_options_cb cb;
	void *priv;
};

int sip_agent_options(struct sip_agent *a, const char *uri, sip_options_cb cb, void *priv)
{
	if (!a->nua || a->shutting_down)
		return -ENOTCONN;
	char to[280];
	snprintf(to, sizeof(to), "<%s>", uri);
	struct sip_probe *pr = talloc_zero(a, struct sip_probe);
	if (!pr)
		return -ENOMEM;
	pr->nh = nua_handle(a->nua, NULL, SIPTAG_TO_STR(to), TAG_END());
	if (!pr->nh) {
		talloc_free(pr);
		return -ENOMEM;
	}
	pr->cb = cb;
	pr->priv = priv;
	llist_add_tail(&pr->list, &a->probes);
	nua_options(pr->nh, NUTAG_URL(uri), TAG_END());
	return 0;
}

/* ---- incoming requests ---- */

/* An Accept without application/sdp (or a wildcard covering it) cannot take our answer: 406 (RFC 3261
 * 21.4.7; RFC 4475 3.3.15) */
static bool accepts_sdp(const sip_t *sip)
{
	if (!sip->sip_accept)
		return true;
	for (const sip_accept_t *ac = sip->sip_accept; ac; ac = ac->ac_next) {
		if (!ac->ac_type)
			return true; /* an empty Accept header: treat as none given */
		if (!strcasecmp(ac->ac_type, "application/sdp") || !strcasecmp(ac->ac_type, "*/*") ||
		    !strcasecmp(ac->ac_type, "application/*"))
			return true;
	}
	return false;
}

/* RFC 3261 s16.6 steps 3 and 8, s20.22: every proxy on the way adds a Via and takes one from Max-Forwards,
 * which a UAC SHOULD start at 70. A request with more Via entries than that has gone through more hops than
 * a loop-free path takes, or was built to cost us parsing and copying (each Via goes back in every
 * response): it is refused with 483 Too Many Hops (s21.4.21), whose meaning is just that, before a call is
 * made of it. A message is at most max-message-size long, so this also bounds the work per INVITE. */
#define SIP_MAX_VIA 70
/* the header fields of an INVITE that any gateway on the way needs stay well under this: more is 400 */
#define SIP_MAX_HEADERS 200

static unsigned count_vias(const sip_t *sip)
{
	unsigned n = 0;
	for (const sip_via_t *v = sip->sip_via; v && n <= SIP_MAX_VIA; v = v->v_next)
		n++;
	return n;
}

/* header fields as sofia parsed them, in order (each comma-separated Via value counts once) */
static unsigned count_headers(const sip_t *sip)
{
	unsigned n = 0;
	for (const msg_header_t *h = (const msg_header_t *)sip->sip_request; h && n <= SIP_MAX_HEADERS; h = h->sh_succ)
		n++;
	return n;
}

/* one field of a Digest credentials header, unquoted into out ("" when absent or too long) */
static void auth_param(msg_param_t const *params, const char *name, char *out, size_t size)
{
	msg_param_t v = params ? msg_params_find(params, name) : NULL;
	out[0] = 0;
	if (!v)
		return;
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	if (n < size && !memchr(v, '"', n) && !memchr(v, '\\', n)) {
		memcpy(out, v, n);
		out[n] = 0;
	}
}

/* The first Authorization with the Digest scheme (RFC 3261 s22.4), fields unquoted. */
static void digest_of(const sip_authorization_t *au, struct sip_digest_resp *r)
{
	for (; au; au = au->au_next)
		if (au->au_scheme && !strcasecmp(au->au_scheme, "Digest"))
			break;
	if (!au)
		return;
	auth_param(au->au_params, "username", r->username, sizeof(r->username));
	auth_param(au->au_params, "realm", r->realm, sizeof(r->realm));
	auth_param(au->au_params, "nonce", r->nonce, sizeof(r->nonce));
	auth_param(au->au_params, "uri", r->uri, sizeof(r->uri));
	auth_param(au->au_params, "response", r->response, sizeof(r->response));
	auth_param(au->au_params, "qop", r->qop, sizeof(r->qop));
	auth_param(au->au_params, "nc", r->nc, sizeof(r->nc));
	auth_param(au->au_params, "cnonce", r->cnonce, sizeof(r->cnonce));
	auth_param(au->au_params, "algorithm", r->algorithm, sizeof(r->algorithm));
}

/* What a request came over. sofia tells a datagram from a stream, not TLS from TCP: a connection the peer
 * opened to us is TLS when it came in on the TLS listener's port (the loop knows each one); over a
 * connection we opened to the peer, the transport is the one we chose, which its Via names. */
static void src_transport(const struct sip_agent *a, const su_addrinfo_t *ai, const sip_t *sip, char *buf, size_t size)
{
	if (ai->ai_socktype == SOCK_DGRAM || ai->ai_protocol == IPPROTO_UDP) {
		snprintf(buf, size, "udp");
		return;
	}
	uint16_t local = a->loop ? sip_loop_accepted_port(a->loop, ai->ai_addr) : 0;
	bool tls;
	if (local)
		tls = a->tls_port && local == a->tls_port;
	else
		tls = sip->sip_via && sip->sip_via->v_protocol && !strcasecmp(sip->sip_via->v_protocol, "SIP/2.0/TLS");
	snprintf(buf, size, "%s", tls ? "tls" : "tcp");
}

static void rx_invite(struct sip_agent *a, nua_handle_t *nh, const sip_t *sip)
{
	unsigned vias = count_vias(sip);
	if (vias > SIP_MAX_VIA) {
		LOGP(sip_log_cat, LOGL_NOTICE, "INVITE with more than %u Via entries: 483\n", SIP_MAX_VIA);
		rate_ctr_inc(rate_ctr_group_get_ctr(a->ctrs, SIP_CTR_REJECT_HEADERS));
		nua_respond(nh, 483, "Too Many Hops", SIPTAG_WARNING_STR("399 isupgw \"more Via entries than hops\""),
			    TAG_END());
		nua_handle_destroy(nh);
		return;
	}
	if (count_headers(sip) > SIP_MAX_HEADERS) {
		LOGP(sip_log_cat, LOGL_NOTICE, "INVITE with more than %u header fields: 400\n", SIP_MAX_HEADERS);
		rate_ctr_inc(rate_ctr_group_get_ctr(a->ctrs, SIP_CTR_REJECT_HEADERS));
		nua_respond(nh, 400, "Too Many Header Fields", TAG_END());
		nua_handle_destroy(nh);
		return;
	}
	if (!accepts_sdp(sip)) {
		LOGP(sip_log_cat, LOGL_NOTICE, "INVITE whose Accept excludes application/sdp: 406\n");
		rate_ctr_inc(rate_ctr_group_get_ctr(a->ctrs, SIP_CTR_REJECT_BODY));
		nua_respond(nh, 406, "Not Acceptable",
			    SIPTAG_WARNING_STR("399 isupgw \"we answer with application/sdp\""), TAG_END());
		nua_handle_destroy(nh);
		return;
	}
	struct sip_invite *inv = talloc_zero(a, struct sip_invite);
	if (!inv) {
		nua_respond(nh, 503, "Service Unavailable", TAG_END());
		nua_handle_destroy(nh);
		return;
	}
	rate_ctr_inc(rate_ctr_group_get_ctr(a->ctrs, SIP_CTR_INVITE_RX));
	int rc = sip_agent_body(sip, &inv->body);
	if (rc) {
		rate_ctr_inc(rate_ctr_group_get_ctr(a->ctrs, SIP_CTR_REJECT_BODY));
		LOGP(sip_log_cat, LOGL_NOTICE, "INVITE rejected: %s\n", sipt_body_err_str(rc));
		if (rc == SIPT_BODY_ERR_CTYPE || rc == SIPT_BODY_ERR_ISUP)
			nua_respond(nh, 415, "Unsupported Media Type",
				    SIPTAG_ACCEPT_STR("application/sdp, application/isup, multipart/mixed"), TAG_END());
		else
			nua_respond(nh, 400, "Bad Request Body", TAG_END());
		nua_handle_destroy(nh);
		talloc_free(inv);
		return;
	}
	if (sip->sip_request)
		url_e(inv->ruri, sizeof(inv->ruri), sip->sip_request->rq_url);
	header_text(sip->sip_from, inv->from, sizeof(inv->from));
	header_text(sip->sip_to, inv->to, sizeof(inv->to));
	if (sip->sip_call_id && sip->sip_call_id->i_id)
		snprintf(inv->call_id, sizeof(inv->call_id), "%s", sip->sip_call_id->i_id);
	if (sip->sip_from && sip->sip_from->a_tag)
		snprintf(inv->from_tag, sizeof(inv->from_tag), "%s", sip->sip_from->a_tag);
	unknown_header(sip, "P-Asserted-Identity", inv->pai, sizeof(inv->pai));
	unknown_header(sip, "Privacy", inv->privacy, sizeof(inv->privacy));
	unknown_header(sip, "Diversion", inv->diversion, sizeof(inv->diversion));
	unknown_header(sip, "History-Info", inv->history_info, sizeof(inv->history_info));
	inv->max_forwards = sip->sip_max_forwards ? (int)sip->sip_max_forwards->mf_count : -1;
	digest_of(sip->sip_authorization, &inv->auth);
	inv->supports_100rel = sip_has_feature(sip->sip_supported, "100rel");
	inv->requires_100rel = sip_has_feature(sip->sip_require, "100rel");
	msg_t *m = nua_current_request(a->nua);
	su_addrinfo_t *ai = m ? msg_addrinfo(m) : NULL;
	if (ai && ai->ai_addr) {
		su_sockaddr_t *su = (su_sockaddr_t *)ai->ai_addr;
		su_inet_ntop(su->su_family, SU_ADDR(su), inv->src_addr, sizeof(inv->src_addr));
		inv->src_port = ntohs(su->su_port);
		src_transport(a, ai, sip, inv->src_transport, sizeof(inv->src_transport));
	}
	struct sip_leg *leg = sip_leg_alloc(a, SIP_LEG_UAS, nh);
	if (!leg) {
		nua_respond(nh, 503, "Service Unavailable", TAG_END());
		nua_handle_destroy(nh);
		talloc_free(inv);
		return;
	}
	leg->peer_has_isup = inv->body.has_isup;
	osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_RX_INVITE, inv);
	talloc_free(inv);
}

static void nua_cb(nua_event_t event, int status, char const *phrase, nua_t *nua, struct sip_agent *a, nua_handle_t *nh,
		   struct sip_leg *leg, sip_t const *sip, tagi_t tags[])
{
	LOGP(sip_log_cat, LOGL_DEBUG, "nua %s %d %s leg %u\n", nua_event_name(event), status, phrase ? phrase : "",
	     leg ? leg->id : 0);
	switch (event) {
	case nua_i_invite:
		if (!leg) {
			if (a->shutting_down) {
				nua_respond(nh, 503, "Service Unavailable", TAG_END());
				nua_handle_destroy(nh);
				return;
			}
			rx_invite(a, nh, sip);
			return;
		}
		/* a re-INVITE within the dialog (hold, resume, session refresh) */
		{
			struct sip_leg_event rev = { .status = status, .sip = sip, .tags = tags };
			osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_RX_REINVITE, &rev);
		}
		return;
	case nua_r_shutdown:
		if (status >= 200)
			a->shut_down = true;
		return;
	case nua_r_options: {
		struct sip_probe *pr;
		llist_for_each_entry(pr, &a->probes, list) {
			if (pr->nh != nh)
				continue;
			if (status < 200)
				return;
			llist_del(&pr->list);
			nua_handle_destroy(nh);
			sip_options_cb cb = pr->cb;
			void *priv = pr->priv;
			talloc_free(pr);
			cb(status, priv);
			return;
		}
		if (leg && status >= 200) {
			/* our OPTIONS within the dialog (sip_leg_set_keepalive) */
			struct sip_leg_event oev = { .status = status, .sip = sip, .tags = tags };
			LOGP(sip_log_cat, LOGL_DEBUG, "in-dialog OPTIONS: %d %s (%s)\n", status, phrase ? phrase : "",
			     sip ? "a message" : "no message");
			osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_RX_OPTIONS_RESULT, &oev);
		}
		return;
	}
	default:
		break;
	}
	if (!leg) {
		/* events for handles we never took (out-of-dialog OPTIONS and the like are answered by nua) */
		if (nh && event == nua_i_state) {
			int cs = -1;
			tl_gets(tags, NUTAG_CALLSTATE_REF(cs), TAG_END());
			if (cs == nua_callstate_terminated)
				nua_handle_destroy(nh);
		}
		return;
	}
	struct sip_leg_event ev = { .status = status, .sip = sip, .tags = tags };
	/* the dialog's To tag as the messages carry it: the peer's in responses to our INVITE (its 2xx's
	 * counts), ours in the peer's requests within the dialog (CANCEL has none) */
	if (sip && sip->sip_to && sip->sip_to->a_tag && (leg->dir == SIP_LEG_UAC) == (event == nua_r_invite) &&
	    (event == nua_r_invite || event == nua_i_ack || event == nua_i_bye || event == nua_i_prack ||
	     event == nua_i_update || event == nua_i_info) &&
	    (!leg->to_tag[0] || (event == nua_r_invite && status >= 200 && status < 300)))
		snprintf(leg->to_tag, sizeof(leg->to_tag), "%s", sip->sip_to->a_tag);
	switch (event) {
	case nua_r_invite:
		if (leg->reinvite_pending) {
			if (status >= 200)
				osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_RX_REINVITE_RESULT, &ev);
		} else if (status < 200)
			osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_RX_PROVISIONAL, &ev);
		else if (status < 300)
			osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_RX_2XX, &ev);
		else
			osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_RX_FAILURE, &ev);
		break;
	case nua_i_ack:
		osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_RX_ACK, &ev);
		break;
	case nua_i_bye:
		rate_ctr_inc(rate_ctr_group_get_ctr(a->ctrs, SIP_CTR_BYE_RX));
		osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_RX_BYE, &ev);
		break;
	case nua_i_cancel:
		rate_ctr_inc(rate_ctr_group_get_ctr(a->ctrs, SIP_CTR_CANCEL_RX));
		osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_RX_CANCEL, &ev);
		break;
	case nua_i_info:
		rate_ctr_inc(rate_ctr_group_get_ctr(a->ctrs, SIP_CTR_INFO_RX));
		osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_RX_INFO, &ev);
		break;
	case nua_i_prack:
		osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_RX_PRACK, &ev);
		break;
	case nua_i_update:
		rate_ctr_inc(rate_ctr_group_get_ctr(a->ctrs, SIP_CTR_UPDATE_RX));
		osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_RX_UPDATE, &ev);
		break;
	case nua_r_bye:
		if (leg->fi->state != SIP_LEG_ST_TERMINATING) {
			/* nobody asked for this BYE: sofia ends the dialog itself (RFC 4028 session expiry, or no ACK)
			 */
			rate_ctr_inc(rate_ctr_group_get_ctr(a->ctrs, SIP_CTR_SESSION_EXPIRED));
			LOGPFSML(leg->fi, LOGL_NOTICE,
				 "sofia ended the dialog (session timer expired or no ACK): BYE %d\n", status);
			leg->last_status = 408;
		}
		break;
	case nua_r_update:
	case nua_r_cancel:
	case nua_r_info:
		break; /* RFC 3398 s5.6: 405/501 to INFO is not fatal; BYE/CANCEL outcomes end in nua_i_state */
	case nua_i_state: {
		int cs = -1;
		tl_gets(tags, NUTAG_CALLSTATE_REF(cs), TAG_END());
		if (cs == nua_callstate_terminated)
			osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_TERMINATED, &ev);
		break;
	}
	case nua_i_terminated:
		osmo_fsm_inst_dispatch(leg->fi, SIP_LEG_EV_TERMINATED, &ev);
		break;
	default:
		break;
	}
}

/* ---- the loop ---- */

int sip_agent_select(struct sip_agent *a, int block)
{
	sip_loop_prepare(a->loop);
	int rc = osmo_select_main(block);
	sip_loop_dispatch(a->loop);
	return rc;
}

/* ---- sofia's own logging into our category ---- */

/* sofia's per-module log objects (exported, not declared in its public headers) */
extern su_log_t nua_log[], nta_log[], tport_log[];

static void tick_cb(void *data)
{
}

static void su_logger(void *stream, char const *fmt, va_list ap)
{
	char buf[512];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	LOGP(sip_log_cat, LOGL_INFO, "sofia: %s", buf);
}

void sip_agent_init(int log_cat)
{
	sip_log_cat = log_cat;
	sip_leg_fsm_init(log_cat);
	su_init();
	su_log_redirect(NULL, su_logger, NULL);
	su_log_redirect(nua_log, su_logger, NULL);
	su_log_redirect(nta_log, su_logger, NULL);
	su_log_redirect(tport_log, su_logger, NULL);
}

struct sip_agent *sip_agent_alloc(void *ctx, const struct sip_agent_cfg *cfg, const struct sip_leg_ops *ops, void *priv)
{
	struct sip_agent *a = talloc_zero(ctx, struct sip_agent);
	if (!a)
		return NULL;
	a->ctx = ctx;
	a->cfg = *cfg;
	a->ops = ops;
	a->priv = priv;
	INIT_LLIST_HEAD(&a->legs);
	INIT_LLIST_HEAD(&a->probes);
	static unsigned idx;
	a->ctrs = rate_ctr_group_alloc(a, &agent_ctrg_desc, idx++);
	return a;
}

/* Append a whole file to an open stream. */
static int copy_file(FILE *out, const char *path)
{
	FILE *in = fopen(path, "r");
	if (!in)
		return -errno;
	char buf[4096];
	size_t n;
	int rc = 0;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -EIO;
	if (ferror(in))
		rc = -EIO;
	fclose(in);
	return rc;
}

static void tls_dir_remove(char *dir)
{
	if (!dir)
		return;
	char *f = talloc_asprintf(dir, "%s/agent.pem", dir);
	unlink(f);
	f = talloc_asprintf(dir, "%s/cafile.pem", dir);
	unlink(f);
	rmdir(dir);
	talloc_free(dir);
}

/* sofia 1.12's TLS transport reads its credentials from a directory: agent.pem (key and certificate in
 * one file) and cafile.pem. We take separate files from the config and lay them out in a private
 * directory (mode 0700) for the moment sofia loads them; sip_agent_start removes it right after. */
static char *tls_dir_make(struct sip_agent *a)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = talloc_asprintf(a, "%s/isupgw-tls-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!dir || !mkdtemp(dir)) {
		LOGP(sip_log_cat, LOGL_ERROR, "TLS: cannot make a private directory: %s\n", strerror(errno));
		talloc_free(dir);
		return NULL;
	}
	char *agent = talloc_asprintf(dir, "%s/agent.pem", dir);
	mode_t old = umask(077);
	FILE *f = fopen(agent, "w");
	int rc = f ? copy_file(f, a->cfg.tls_key) : -errno;
	if (!rc)
		rc = copy_file(f, a->cfg.tls_cert);
	if (f)
		fclose(f);
	if (!rc && a->cfg.tls_ca[0]) {
		char *ca = talloc_asprintf(dir, "%s/cafile.pem", dir);
		f = fopen(ca, "w");
		rc = f ? copy_file(f, a->cfg.tls_ca) : -errno;
		if (f)
			fclose(f);
	}
	umask(old);
	if (rc) {
		LOGP(sip_log_cat, LOGL_ERROR, "TLS: cannot read the key %s / certificate %s / CA %s: %s\n",
		     a->cfg.tls_key, a->cfg.tls_cert, a->cfg.tls_ca, strerror(-rc));
		tls_dir_remove(dir);
		return NULL;
	}
	return dir;
}

int sip_agent_start(struct sip_agent *a)
{
	struct sip_agent_priv *p = talloc_zero(a, struct sip_agent_priv);
	if (!p)
		return -ENOMEM;
	talloc_set_name_const(p, "sip_agent_priv");
	p->root = su_glib_root_create(a);
	if (!p->root)
		return -ENOMEM;
	su_root_threading(p->root, 0);
	GSource *gs = su_glib_root_gsource(p->root);
	GMainContext *gctx = g_main_context_new();
	g_source_attach(gs, gctx);
	a->loop = sip_loop_alloc(a, gctx);
	g_main_context_unref(gctx);
	struct sip_conn_limits lim = { .max_conns = a->cfg.tcp_max_conns,
				       .max_conns_per_src = a->cfg.tcp_max_conns_per_src,
				       .silent_timeout_s = a->cfg.tcp_msg_timeout_s,
				       .udp_rcvbuf = a->cfg.udp_rcvbuf_kib * 1024,
				       .known_src = a->known_src,
				       .known_src_priv = a->known_src_priv };
	sip_loop_set_limits(a->loop, &lim);
	char *tls_dir = NULL;
	if (a->cfg.tls_url[0]) {
		su_home_t home[1] = { SU_HOME_INIT(home) };
		url_t *u = url_make(home, a->cfg.tls_url);
		const char *port = u ? url_port(u) : NULL;
		a->tls_port = port ? (uint16_t)atoi(port) : 0;
		su_home_deinit(home);
		tls_dir = tls_dir_make(a);
		if (!tls_dir)
			return -EIO;
	}
	if (tls_dir && a->cfg.tls_verify && !a->cfg.tls_ca[0])
		LOGP(sip_log_cat, LOGL_ERROR,
		     "TLS: 'tls verify peer' without a 'tls ca-file': no peer certificate "
		     "can be verified, every TLS connection will fail\n");
	su_strlst_t *subjects = su_strlst_create(NULL);
	for (unsigned i = 0; subjects && i < a->n_tls_subjects; i++)
		su_strlst_dup_append(subjects, a->tls_subjects[i]);
	a->nua = nua_create(
		p->root, nua_cb, a, NUTAG_URL(a->cfg.bind_url), NUTAG_MEDIA_ENABLE(0),
		TAG_IF(tls_dir, NUTAG_SIPS_URL(a->cfg.tls_url)), TAG_IF(tls_dir, NUTAG_CERTIFICATE_DIR(tls_dir)),
		/* RFC 5922 s7: the chain to our CA and the name; outgoing the URI's host (sofia's tp_canon), incoming
		 * one of our TLS peers' names */
		TAG_IF(tls_dir,
		       TPTAG_TLS_VERIFY_POLICY(a->cfg.tls_verify ? TPTLS_VERIFY_SUBJECTS_ALL : TPTLS_VERIFY_NONE)),
		TAG_IF(tls_dir && a->cfg.tls_verify && subjects, TPTAG_TLS_VERIFY_SUBJECTS(subjects)),
		NUTAG_AUTOANSWER(0), NUTAG_AUTOACK(1), NUTAG_ENABLEINVITE(1),
		NUTAG_AUTO302(0), /* 3xx: the gateway decides (RFC 3398 s8.2.5) */
		SIPTAG_ALLOW_STR("INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, UPDATE, INFO"),
		NUTAG_APPL_METHOD("INFO, UPDATE"), SIPTAG_SUPPORTED_STR("timer, 100rel"),
		/* RFC 4028: refreshes go as UPDATE without a body, so no offer/answer round is needed */
		NUTAG_SESSION_TIMER(a->cfg.session_expires), NUTAG_MIN_SE(a->cfg.min_se ? a->cfg.min_se : 90),
		NUTAG_SESSION_REFRESHER(a->cfg.refresher == SIP_REFRESHER_LOCAL	 ? nua_local_refresher :
					a->cfg.refresher == SIP_REFRESHER_REMOTE ? nua_remote_refresher :
										   nua_any_refresher),
		NUTAG_UPDATE_REFRESH(1), TAG_IF(a->cfg.t1x64_ms, NTATAG_SIP_T1X64(a->cfg.t1x64_ms)),
		SIPTAG_ACCEPT_STR("application/sdp, application/isup, multipart/mixed"),
		SIPTAG_USER_AGENT_STR(a->cfg.user_agent[0] ? a->cfg.user_agent : "isupgw"),
		/* a connection is closed when it has carried nothing for tcp_idle_s (sofia's default is 30
		 * minutes, long enough for a flood to pin every descriptor) or when a message stays unfinished
		 * for tcp_msg_timeout_s; a message over max_msg_size is refused before its body is read */
		TAG_IF(a->cfg.tcp_idle_s, TPTAG_IDLE(a->cfg.tcp_idle_s * 1000)),
		TAG_IF(a->cfg.tcp_msg_timeout_s, TPTAG_TIMEOUT(a->cfg.tcp_msg_timeout_s * 1000)),
		TAG_IF(a->cfg.max_msg_size, NTATAG_MAXSIZE(a->cfg.max_msg_size)),
		/* the listeners' backlog (sofia's send-queue length doubles as it): 64 overflows within a
		 * 20 ms stall of the loop under a connection flood, and every SYN dropped then costs a
		 * legitimate peer a one-second retransmission */
		TPTAG_QUEUESIZE(1024), TAG_END());
	tls_dir_remove(tls_dir); /* sofia has loaded the credentials into its SSL context */
	if (subjects)
		su_strlst_destroy(subjects); /* sofia keeps its own copy */
	if (!a->nua) {
		LOGP(sip_log_cat, LOGL_ERROR, "cannot start SIP on %s%s%s\n", a->cfg.bind_url,
		     a->cfg.tls_url[0] ? " and " : "", a->cfg.tls_url);
		return -EADDRINUSE;
	}
	a->root_priv = p;
	char names[256] = "";
	for (unsigned i = 0, n = 0; i < a->n_tls_subjects && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", i ? ", " : "", a->tls_subjects[i]);
	LOGP(sip_log_cat, LOGL_NOTICE, "SIP listening on %s%s%s%s%s%s\n", a->cfg.bind_url,
	     a->cfg.tls_url[0] ? " and " : "", a->cfg.tls_url,
	     a->cfg.tls_url[0] ?
		     (a->cfg.tls_verify ? " (TLS, peers verified: certificates named " : " (TLS, peers not verified)") :
		     "",
	     a->cfg.tls_url[0] && a->cfg.tls_verify ? (names[0] ? names : "as any configured peer: none is TLS") : "",
	     a->cfg.tls_url[0] && a->cfg.tls_verify ? ")" : "");
	return 0;
}

void sip_agent_add_tls_subject(struct sip_agent *a, const char *name)
{
	for (unsigned i = 0; i < a->n_tls_subjects; i++)
		if (!strcmp(a->tls_subjects[i], name))
			return;
	char **l = talloc_realloc(a, a->tls_subjects, char *, a->n_tls_subjects + 1);
	if (!l)
		return;
	a->tls_subjects = l;
	l[a->n_tls_subjects++] = talloc_strdup(l, name);
}

void sip_agent_set_known_sources(struct sip_agent *a, bool (*fn)(const char *addr, void *priv), void *priv)
{
	a->known_src = fn;
	a->known_src_priv = priv;
}

const struct sip_conn_stats *sip_agent_conn_stats(const struct sip_agent *a)
{
	static const struct sip_conn_stats none;
	return a && a->loop ? sip_loop_stats(a->loop) : &none;
}

size_t sip_agent_rx_backlog(const struct sip_agent *a)
{
	return a && a->loop ? sip_loop_rx_backlog(a->loop) : 0;
}

void sip_agent_free(struct sip_agent *a, unsigned timeout_ms)
{
	if (!a)
		return;
	struct sip_agent_priv *p = a->root_priv;
	if (a->nua) {
		a->shutting_down = true;
		nua_shutdown(a->nua);
		struct timespec t0, now;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		struct osmo_timer_list tick = { 0 };
		osmo_timer_setup(&tick, tick_cb, NULL);
		while (!a->shut_down) {
			osmo_timer_schedule(&tick, 0, 20000);
			sip_agent_select(a, 0);
			clock_gettime(CLOCK_MONOTONIC, &now);
			if ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 > (long)timeout_ms)
				break;
		}
		osmo_timer_del(&tick);
		struct sip_leg *leg, *tmp;
		llist_for_each_entry_safe(leg, tmp, &a->legs, list)
			osmo_fsm_inst_term(leg->fi, OSMO_FSM_TERM_REQUEST, NULL);
		struct sip_probe *pr, *ptmp;
		llist_for_each_entry_safe(pr, ptmp, &a->probes, list) {
			llist_del(&pr->list);
			nua_handle_destroy(pr->nh);
			talloc_free(pr);
		}
		nua_destroy(a->nua);
		a->nua = NULL;
	}
	sip_loop_free(a->loop);
	if (p && p->root)
		su_root_destroy(p->root);
	rate_ctr_group_free(a->ctrs);
	talloc_free(a);
}
