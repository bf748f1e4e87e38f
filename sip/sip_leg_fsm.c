/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip_leg_fsm: one SIP dialog on a nua handle. The user (gateway call) gets one release_ind at most and
 * none for a leg it released itself; the leg lives until sofia reports the handle terminated, then
 * destroys the handle. CANCEL waits for a provisional response (RFC 3261 9.1, RFC 3398 erratum 2580);
 * a 2xx that crosses our CANCEL is ACKed (by nua) and ended with BYE (RFC 3398 s8.2.7). */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "sip_priv.h"

#define SIPT_BOUNDARY "isupgw-sipt-part"
#define TERMINATING_GUARD_S 40	/* longer than a whole INVITE client transaction (64 x T1) */

static struct osmo_fsm sip_leg_fsm;

static const struct value_string ev_names[] = {
	OSMO_VALUE_STRING(SIP_LEG_EV_RX_INVITE),
	OSMO_VALUE_STRING(SIP_LEG_EV_RX_PROVISIONAL),
	OSMO_VALUE_STRING(SIP_LEG_EV_RX_2XX),
	OSMO_VALUE_STRING(SIP_LEG_EV_RX_FAILURE),
	OSMO_VALUE_STRING(SIP_LEG_EV_RX_ACK),
	OSMO_VALUE_STRING(SIP_LEG_EV_RX_BYE),
	OSMO_VALUE_STRING(SIP_LEG_EV_RX_CANCEL),
	OSMO_VALUE_STRING(SIP_LEG_EV_RX_INFO),
	OSMO_VALUE_STRING(SIP_LEG_EV_RX_REINVITE),
	OSMO_VALUE_STRING(SIP_LEG_EV_TERMINATED),
	{ 0, NULL }
};

struct sip_leg *sip_leg_alloc(struct sip_agent *a, enum sip_leg_dir dir, void *nh)
{
	char id[32];
	snprintf(id, sizeof(id), "%s-%u", dir == SIP_LEG_UAC ? "uac" : "uas", ++a->next_id);
	struct osmo_fsm_inst *fi = osmo_fsm_inst_alloc(&sip_leg_fsm, a, NULL, LOGL_INFO, id);
	if (!fi)
		return NULL;
	struct sip_leg *leg = talloc_zero(fi, struct sip_leg);
	if (!leg) {
		osmo_fsm_inst_free(fi);
		return NULL;
	}
	fi->priv = leg;
	leg->fi = fi;
	leg->agent = a;
	leg->dir = dir;
	leg->id = a->next_id;
	leg->nh = nh;
	nua_handle_bind(nh, leg);
	llist_add_tail(&leg->list, &a->legs);
	return leg;
}

/* ---- bodies and headers out ---- */

struct out_body {
	char ctype[128];
	uint8_t data[SIPT_SDP_MAX + SIPT_ISUP_MAX + 512];
	sip_payload_t pl;
	bool present;
};

static void body_out(struct sip_leg *leg, const struct sipt_body *b, struct out_body *o)
{
	o->present = false;
	if (!b || (!b->has_sdp && !b->has_isup))
		return;
	if (b->has_sdp) {
		talloc_free(leg->local_sdp);
		leg->local_sdp = talloc_strdup(leg, b->sdp);
	}
	int n = sipt_body_build(b->has_sdp ? b->sdp : NULL, b->has_isup ? b->isup : NULL, b->isup_len,
				b->isup_variant, b->isup_handling, SIPT_BOUNDARY, o->ctype, sizeof(o->ctype), o->data,
				sizeof(o->data));
	if (n < 0) {
		LOGPFSML(leg->fi, LOGL_ERROR, "cannot build the message body\n");
		return;
	}
	memset(&o->pl, 0, sizeof(o->pl));
	o->pl.pl_common->h_class = sip_payload_class;
	o->pl.pl_data = (char *)o->data;
	o->pl.pl_len = (usize_t)n;
	o->present = true;
}

#define BODY_TAGS(o) TAG_IF((o)->present, SIPTAG_CONTENT_TYPE_STR((o)->ctype)), \
	TAG_IF((o)->present, SIPTAG_PAYLOAD(&(o)->pl))

static void reason_str(const struct sip_reason *r, char *buf, size_t size)
{
	buf[0] = 0;
	if (r && r->present)
		snprintf(buf, size, "Q.850;cause=%u", r->cause);
}

static void user_release(struct sip_leg *leg, int status, const struct sip_reason *reason, const sip_t *sip)
{
	struct sip_agent *a = leg->agent;
	void *ref = leg->user_ref;
	leg->user_ref = NULL;
	if (!ref || !a->ops->release_ind)
		return;
	struct sipt_body *b = talloc_zero(leg, struct sipt_body);
	if (b && sip)
		sip_agent_body(sip, b);
	leg->user_ref = ref;	/* the user sees its own reference during the callback */
	a->ops->release_ind(leg, status, reason, b);
	leg->user_ref = NULL;
	talloc_free(b);
}

static void to_terminating(struct sip_leg *leg)
{
	osmo_fsm_inst_state_chg(leg->fi, SIP_LEG_ST_TERMINATING, TERMINATING_GUARD_S, 0);
}

/* ---- events common to several states ---- */

static void rx_bye_or_cancel(struct sip_leg *leg, const struct sip_leg_event *ev)
{
	struct sip_reason r;
	sip_agent_reason(ev->sip, &r);
	to_terminating(leg);
	user_release(leg, 0, &r, ev->sip);
}

static void rx_info(struct sip_leg *leg, const struct sip_leg_event *ev)
{
	struct sip_agent *a = leg->agent;
	struct sipt_body *b = talloc_zero(leg, struct sipt_body);
	int rc = b ? sip_agent_body(ev->sip, b) : -ENOMEM;
	if (rc)
		nua_respond(leg->nh, 415, "Unsupported Media Type", NUTAG_WITH_THIS(a->nua), TAG_END());
	else
		nua_respond(leg->nh, 200, "OK", NUTAG_WITH_THIS(a->nua), TAG_END());
	if (!rc && leg->user_ref && a->ops->info_ind && (b->has_isup || b->has_sdp))
		a->ops->info_ind(leg, b);
	talloc_free(b);
}

/* RFC 3264 s8.4: the answer's direction mirrors the offer's; the rest of our SDP stays as it was */
static char *answer_sdp(struct sip_leg *leg, const char *offer, bool *hold)
{
	const char *dir = "sendrecv";
	*hold = false;
	if (offer && (strstr(offer, "a=sendonly") || strstr(offer, "c=IN IP4 0.0.0.0"))) {
		dir = "recvonly";
		*hold = true;
	} else if (offer && strstr(offer, "a=inactive")) {
		dir = "inactive";
		*hold = true;
	} else if (offer && strstr(offer, "a=recvonly")) {
		dir = "sendonly";
	}
	char *sdp = talloc_strdup(leg, leg->local_sdp ? leg->local_sdp : "");
	/* drop any direction line of ours, then add the one that answers */
	static const char *const dirs[] = { "a=sendrecv\r\n", "a=sendonly\r\n", "a=recvonly\r\n", "a=inactive\r\n" };
	for (unsigned i = 0; i < 4; i++) {
		char *p;
		while ((p = strstr(sdp, dirs[i])))
			memmove(p, p + strlen(dirs[i]), strlen(p + strlen(dirs[i])) + 1);
	}
	return talloc_asprintf_append(sdp, "a=%s\r\n", dir);
}

static void rx_reinvite(struct sip_leg *leg, const struct sip_leg_event *ev)
{
	struct sip_agent *a = leg->agent;
	struct sipt_body *b = talloc_zero(leg, struct sipt_body);
	if (!b || sip_agent_body(ev->sip, b)) {
		nua_respond(leg->nh, 488, "Not Acceptable Here", NUTAG_WITH_THIS(a->nua), TAG_END());
		talloc_free(b);
		return;
	}
	bool hold;
	char *sdp = answer_sdp(leg, b->has_sdp ? b->sdp : NULL, &hold);
	struct out_body *o = talloc_zero(leg, struct out_body);
	if (leg->local_sdp && o) {
		o->pl.pl_common->h_class = sip_payload_class;
		o->pl.pl_data = sdp;
		o->pl.pl_len = (usize_t)strlen(sdp);
		snprintf(o->ctype, sizeof(o->ctype), "application/sdp");
		o->present = true;
	}
	/* a re-INVITE without SDP (late offer) gets our SDP as the offer in the 200 */
	nua_respond(leg->nh, 200, "OK", NUTAG_WITH_THIS(a->nua), TAG_IF(o && o->present, SIPTAG_CONTENT_TYPE_STR(o->ctype)),
		    TAG_IF(o && o->present, SIPTAG_PAYLOAD(&o->pl)), TAG_END());
	talloc_free(o);
	talloc_free(sdp);
	bool changed = b->has_sdp && hold != leg->remote_hold;
	if (b->has_sdp)
		leg->remote_hold = hold;
	talloc_free(b);
	LOGPFSML(leg->fi, LOGL_INFO, "re-INVITE answered%s\n", changed ? (hold ? ": call on hold" : ": call resumed") : "");
	if (changed && leg->user_ref && a->ops->hold_ind)
		a->ops->hold_ind(leg, hold);
}

static void terminated(struct sip_leg *leg)
{
	if (leg->user_ref) {
		struct sip_reason none = { 0 };
		user_release(leg, leg->last_status >= 300 ? leg->last_status : 408, &none, NULL);
	}
	osmo_fsm_inst_term(leg->fi, OSMO_FSM_TERM_REGULAR, NULL);
}

/* Answer a digest challenge with the peer's credentials; the realm is the challenge's unless one is
 * configured (then it must match). */
static bool authenticate(struct sip_leg *leg, const sip_t *sip)
{
	const msg_auth_t *au = sip->sip_www_authenticate ? sip->sip_www_authenticate : sip->sip_proxy_authenticate;
	const char *realm = au ? msg_params_find(au->au_params, "realm=") : NULL;
	if (!au || !au->au_scheme || !realm)
		return false;
	char want[80];
	snprintf(want, sizeof(want), "\"%s\"", leg->auth_realm ? leg->auth_realm : "");
	if (leg->auth_realm && leg->auth_realm[0] && strcmp(realm, want) && strcmp(realm, leg->auth_realm)) {
		LOGPFSML(leg->fi, LOGL_NOTICE, "challenge for realm %s, we have credentials for %s only\n", realm, want);
		return false;
	}
	char cred[256];
	snprintf(cred, sizeof(cred), "%s:%s%s%s:%s:%s", au->au_scheme, realm[0] == '"' ? "" : "\"", realm,
		 realm[0] == '"' ? "" : "\"", leg->auth_user, leg->auth_pass ? leg->auth_pass : "");
	leg->auth_tried = true;
	LOGPFSML(leg->fi, LOGL_INFO, "%d: authenticating as %s in realm %s\n", sip->sip_status ? sip->sip_status->st_status : 0,
		 leg->auth_user, realm);
	nua_authenticate(leg->nh, NUTAG_AUTH(cred), TAG_END());
	return true;
}

/* ---- states ---- */

static void st_init(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct sip_leg *leg = fi->priv;
	struct sip_agent *a = leg->agent;
	if (event != SIP_LEG_EV_RX_INVITE)
		return;
	osmo_fsm_inst_state_chg(fi, SIP_LEG_ST_INCOMING, 0, 0);
	if (a->ops->invite_ind)
		a->ops->invite_ind(a, leg, data);
	if (!leg->user_ref && fi->state == SIP_LEG_ST_INCOMING) {
		/* nobody took it */
		nua_respond(leg->nh, 503, "Service Unavailable", TAG_END());
		leg->last_status = 503;
		to_terminating(leg);
	}
}

static void st_calling(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct sip_leg *leg = fi->priv;
	struct sip_agent *a = leg->agent;
	const struct sip_leg_event *ev = data;
	struct sipt_body *b;
	switch (event) {
	case SIP_LEG_EV_RX_REINVITE:
		/* RFC 3261 14.2: an INVITE while ours is not finished */
		nua_respond(leg->nh, 491, "Request Pending", NUTAG_WITH_THIS(leg->agent->nua), TAG_END());
		break;
	case SIP_LEG_EV_RX_PROVISIONAL:
		if (ev->status == 100)
			return;
		leg->provisional_seen = true;
		leg->last_status = ev->status;
		osmo_fsm_inst_state_chg(fi, SIP_LEG_ST_EARLY_OUT, 0, 0);
		b = talloc_zero(leg, struct sipt_body);
		if (b && !sip_agent_body(ev->sip, b) && b->has_isup)
			leg->peer_has_isup = true;
		if (leg->user_ref && a->ops->progress_ind)
			a->ops->progress_ind(leg, ev->status, b);
		talloc_free(b);
		break;
	case SIP_LEG_EV_RX_2XX:
		leg->last_status = ev->status;
		leg->answered = true;
		rate_ctr_inc(rate_ctr_group_get_ctr(a->ctrs, SIP_CTR_ANSWERED));
		osmo_fsm_inst_state_chg(fi, SIP_LEG_ST_CONFIRMED, 0, 0);
		b = talloc_zero(leg, struct sipt_body);
		if (b)
			sip_agent_body(ev->sip, b);
		if (b && b->has_isup)
			leg->peer_has_isup = true;
		if (leg->user_ref && a->ops->answer_ind)
			a->ops->answer_ind(leg, b);
		talloc_free(b);
		break;
	case SIP_LEG_EV_RX_FAILURE: {
		/* RFC 3398 s8.2.6.1 (*): on 401/407 authenticate and retry if possible, cause 21 only otherwise */
		if ((ev->status == 401 || ev->status == 407) && leg->auth_user && !leg->auth_tried &&
		    authenticate(leg, ev->sip))
			break;
		struct sip_reason r;
		sip_agent_reason(ev->sip, &r);
		leg->last_status = ev->status;
		to_terminating(leg);
		user_release(leg, ev->status, &r, ev->sip);
		break;
	}
	case SIP_LEG_EV_RX_BYE:
		rx_bye_or_cancel(leg, ev);
		break;
	case SIP_LEG_EV_RX_INFO:
		rx_info(leg, ev);
		break;
	case SIP_LEG_EV_TERMINATED:
		terminated(leg);
		break;
	}
}

static void st_incoming(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct sip_leg *leg = fi->priv;
	const struct sip_leg_event *ev = data;
	switch (event) {
	case SIP_LEG_EV_RX_REINVITE:
		/* RFC 3261 14.2: an INVITE while ours is not finished */
		nua_respond(leg->nh, 491, "Request Pending", NUTAG_WITH_THIS(leg->agent->nua), TAG_END());
		break;
	case SIP_LEG_EV_RX_CANCEL:
	case SIP_LEG_EV_RX_BYE:
		rx_bye_or_cancel(leg, ev);
		break;
	case SIP_LEG_EV_RX_ACK:
		if (fi->state == SIP_LEG_ST_ANSWERED_IN) {
			osmo_fsm_inst_state_chg(fi, SIP_LEG_ST_CONFIRMED, 0, 0);
			if (leg->user_ref && leg->agent->ops->answer_ind)
				leg->agent->ops->answer_ind(leg, NULL);
		}
		break;
	case SIP_LEG_EV_RX_INFO:
		rx_info(leg, ev);
		break;
	case SIP_LEG_EV_TERMINATED:
		terminated(leg);
		break;
	}
}

static void st_confirmed(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct sip_leg *leg = fi->priv;
	const struct sip_leg_event *ev = data;
	switch (event) {
	case SIP_LEG_EV_RX_REINVITE:
		rx_reinvite(leg, ev);
		break;
	case SIP_LEG_EV_RX_BYE:
		rx_bye_or_cancel(leg, ev);
		break;
	case SIP_LEG_EV_RX_INFO:
		rx_info(leg, ev);
		break;
	case SIP_LEG_EV_TERMINATED:
		terminated(leg);
		break;
	}
}

static void st_terminating(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct sip_leg *leg = fi->priv;
	const struct sip_leg_event *ev = data;
	char reason[48];
	switch (event) {
	case SIP_LEG_EV_RX_REINVITE:
		nua_respond(leg->nh, 481, "Call/Transaction Does Not Exist", NUTAG_WITH_THIS(leg->agent->nua), TAG_END());
		break;
	case SIP_LEG_EV_RX_PROVISIONAL:
		/* released before any provisional: CANCEL now that one came (RFC 3398 erratum 2580) */
		if (leg->cancel_pending && ev->status > 100) {
			leg->cancel_pending = false;
			reason_str(&leg->cancel_reason, reason, sizeof(reason));
			nua_cancel(leg->nh, TAG_IF(reason[0], SIPTAG_REASON_STR(reason)), TAG_END());
		}
		break;
	case SIP_LEG_EV_RX_2XX:
		/* RFC 3398 s8.2.7: a 200 after our CANCEL is ACKed (nua does) and the dialog ended with BYE */
		leg->cancel_pending = false;
		reason_str(&leg->cancel_reason, reason, sizeof(reason));
		nua_bye(leg->nh, TAG_IF(reason[0], SIPTAG_REASON_STR(reason)), TAG_END());
		break;
	case SIP_LEG_EV_RX_INFO:
		nua_respond(leg->nh, 481, "Call/Transaction Does Not Exist", NUTAG_WITH_THIS(leg->agent->nua),
			    TAG_END());
		break;
	case SIP_LEG_EV_TERMINATED:
		osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
		break;
	}
}

static int timer_cb(struct osmo_fsm_inst *fi)
{
	LOGPFSML(fi, LOGL_NOTICE, "sofia did not finish the dialog in %d s: dropping it\n", TERMINATING_GUARD_S);
	return 1;	/* terminate */
}

static void cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct sip_leg *leg = fi->priv;
	if (leg->user_ref) {
		struct sip_reason none = { 0 };
		user_release(leg, 503, &none, NULL);
	}
	llist_del(&leg->list);
	if (leg->nh) {
		nua_handle_bind(leg->nh, NULL);
		nua_handle_destroy(leg->nh);
		leg->nh = NULL;
	}
}

#define S(x) (1 << (x))
#define ALL_RX (S(SIP_LEG_EV_RX_PROVISIONAL) | S(SIP_LEG_EV_RX_2XX) | S(SIP_LEG_EV_RX_FAILURE) | S(SIP_LEG_EV_RX_ACK) | \
		S(SIP_LEG_EV_RX_BYE) | S(SIP_LEG_EV_RX_CANCEL) | S(SIP_LEG_EV_RX_INFO) | S(SIP_LEG_EV_TERMINATED) | \
		S(SIP_LEG_EV_RX_REINVITE))

static const struct osmo_fsm_state states[] = {
	[SIP_LEG_ST_INIT] = {
		.name = "INIT",
		.in_event_mask = S(SIP_LEG_EV_RX_INVITE),
		.out_state_mask = S(SIP_LEG_ST_INCOMING) | S(SIP_LEG_ST_CALLING) | S(SIP_LEG_ST_TERMINATING),
		.action = st_init,
	},
	[SIP_LEG_ST_CALLING] = {
		.name = "CALLING",
		.in_event_mask = ALL_RX,
		.out_state_mask = S(SIP_LEG_ST_EARLY_OUT) | S(SIP_LEG_ST_CONFIRMED) | S(SIP_LEG_ST_TERMINATING),
		.action = st_calling,
	},
	[SIP_LEG_ST_EARLY_OUT] = {
		.name = "EARLY_OUT",
		.in_event_mask = ALL_RX,
		.out_state_mask = S(SIP_LEG_ST_EARLY_OUT) | S(SIP_LEG_ST_CONFIRMED) | S(SIP_LEG_ST_TERMINATING),
		.action = st_calling,
	},
	[SIP_LEG_ST_INCOMING] = {
		.name = "INCOMING",
		.in_event_mask = ALL_RX,
		.out_state_mask = S(SIP_LEG_ST_EARLY_IN) | S(SIP_LEG_ST_ANSWERED_IN) | S(SIP_LEG_ST_TERMINATING),
		.action = st_incoming,
	},
	[SIP_LEG_ST_EARLY_IN] = {
		.name = "EARLY_IN",
		.in_event_mask = ALL_RX,
		.out_state_mask = S(SIP_LEG_ST_EARLY_IN) | S(SIP_LEG_ST_ANSWERED_IN) | S(SIP_LEG_ST_TERMINATING),
		.action = st_incoming,
	},
	[SIP_LEG_ST_ANSWERED_IN] = {
		.name = "ANSWERED_IN",
		.in_event_mask = ALL_RX,
		.out_state_mask = S(SIP_LEG_ST_CONFIRMED) | S(SIP_LEG_ST_TERMINATING),
		.action = st_incoming,
	},
	[SIP_LEG_ST_CONFIRMED] = {
		.name = "CONFIRMED",
		.in_event_mask = ALL_RX,
		.out_state_mask = S(SIP_LEG_ST_TERMINATING),
		.action = st_confirmed,
	},
	[SIP_LEG_ST_TERMINATING] = {
		.name = "TERMINATING",
		.in_event_mask = ALL_RX,
		.out_state_mask = 0,
		.action = st_terminating,
	},
};

static struct osmo_fsm sip_leg_fsm = {
	.name = "sip_leg",
	.states = states,
	.num_states = ARRAY_SIZE(states),
	.event_names = ev_names,
	.timer_cb = timer_cb,
	.cleanup = cleanup,
};

void sip_leg_fsm_init(int log_cat)
{
	static bool done;
	sip_leg_fsm.log_subsys = log_cat;
	if (!done && osmo_fsm_register(&sip_leg_fsm) == 0)
		done = true;
}

/* ---- requests from the user ---- */

struct sip_leg *sip_leg_invite(struct sip_agent *a, const struct sip_invite_req *req, const struct sipt_body *body,
			       void *user_ref)
{
	if (!a->nua || a->shutting_down)
		return NULL;
	char to[264], from[400];
	snprintf(to, sizeof(to), req->to[0] ? "%s" : "<%s>", req->to[0] ? req->to : req->ruri);
	snprintf(from, sizeof(from), "%s%s%s", req->from, req->from_tag[0] ? ";tag=" : "", req->from_tag);
	nua_handle_t *nh = nua_handle(a->nua, NULL, SIPTAG_TO_STR(to), SIPTAG_FROM_STR(from),
				      TAG_IF(req->call_id[0], SIPTAG_CALL_ID_STR(req->call_id)), TAG_END());
	if (!nh)
		return NULL;
	struct sip_leg *leg = sip_leg_alloc(a, SIP_LEG_UAC, nh);
	if (!leg) {
		nua_handle_destroy(nh);
		return NULL;
	}
	leg->user_ref = user_ref;
	if (req->auth_user[0]) {
		leg->auth_user = talloc_strdup(leg, req->auth_user);
		leg->auth_pass = talloc_strdup(leg, req->auth_pass);
		leg->auth_realm = talloc_strdup(leg, req->auth_realm);
	}
	struct out_body *o = talloc_zero(leg, struct out_body);
	char extra[1200];
	size_t n = 0;
	extra[0] = 0;
	if (req->pai[0])
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, "P-Asserted-Identity: %s\r\n", req->pai);
	if (req->privacy[0] && n < sizeof(extra))
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, "Privacy: %s\r\n", req->privacy);
	if (req->diversion[0] && n < sizeof(extra))
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, "Diversion: %s\r\n", req->diversion);
	if (req->history_info[0] && n < sizeof(extra))
		n += (size_t)snprintf(extra + n, sizeof(extra) - n, "History-Info: %s\r\n", req->history_info);
	if (n >= 2 && n < sizeof(extra))
		extra[n - 2] = 0;	/* sofia adds the last line end */
	char mf[12];
	snprintf(mf, sizeof(mf), "%d", req->max_forwards);
	if (o)
		body_out(leg, body, o);
	osmo_fsm_inst_state_chg(leg->fi, SIP_LEG_ST_CALLING, 0, 0);
	rate_ctr_inc(rate_ctr_group_get_ctr(a->ctrs, SIP_CTR_INVITE_TX));
	nua_invite(nh, NUTAG_URL(req->ruri), TAG_IF(extra[0], SIPTAG_HEADER_STR(extra)),
		   TAG_IF(req->max_forwards >= 0, SIPTAG_MAX_FORWARDS_STR(mf)),
		   TAG_IF(req->route[0], NUTAG_PROXY(req->route)),
		   SIPTAG_ACCEPT_STR("application/sdp, application/isup, multipart/mixed"),
		   TAG_IF(o && o->present, SIPTAG_CONTENT_TYPE_STR(o->ctype)),
		   TAG_IF(o && o->present, SIPTAG_PAYLOAD(&o->pl)), TAG_END());
	talloc_free(o);
	return leg;
}

static bool uas_early(const struct sip_leg *leg)
{
	return leg->dir == SIP_LEG_UAS &&
	       (leg->fi->state == SIP_LEG_ST_INCOMING || leg->fi->state == SIP_LEG_ST_EARLY_IN);
}

int sip_leg_progress(struct sip_leg *leg, int status, const struct sipt_body *body)
{
	if (!uas_early(leg) || status <= 100 || status >= 200)
		return -EINVAL;
	struct out_body *o = talloc_zero(leg, struct out_body);
	if (!o)
		return -ENOMEM;
	body_out(leg, body, o);
	nua_respond(leg->nh, status, sip_status_phrase(status), BODY_TAGS(o), TAG_END());
	talloc_free(o);
	leg->last_status = status;
	osmo_fsm_inst_state_chg(leg->fi, SIP_LEG_ST_EARLY_IN, 0, 0);
	return 0;
}

int sip_leg_answer(struct sip_leg *leg, const struct sipt_body *body)
{
	if (!uas_early(leg))
		return -EINVAL;
	struct out_body *o = talloc_zero(leg, struct out_body);
	if (!o)
		return -ENOMEM;
	body_out(leg, body, o);
	nua_respond(leg->nh, 200, "OK", BODY_TAGS(o), TAG_END());
	talloc_free(o);
	leg->last_status = 200;
	leg->answered = true;
	rate_ctr_inc(rate_ctr_group_get_ctr(leg->agent->ctrs, SIP_CTR_ANSWERED));
	osmo_fsm_inst_state_chg(leg->fi, SIP_LEG_ST_ANSWERED_IN, 0, 0);
	return 0;
}

int sip_leg_reject(struct sip_leg *leg, int status, const struct sip_reason *reason, const struct sipt_body *body)
{
	if (!uas_early(leg) || status < 300 || status > 699)
		return -EINVAL;
	struct out_body *o = talloc_zero(leg, struct out_body);
	if (!o)
		return -ENOMEM;
	char r[48];
	reason_str(reason, r, sizeof(r));
	body_out(leg, body, o);
	LOGPFSML(leg->fi, LOGL_INFO, "rejecting with %d%s%s\n", status, r[0] ? ", Reason: " : "", r);
	nua_respond(leg->nh, status, sip_status_phrase(status) ? sip_status_phrase(status) : "Failure",
		    TAG_IF(r[0], SIPTAG_REASON_STR(r)), BODY_TAGS(o), TAG_END());
	talloc_free(o);
	leg->last_status = status;
	leg->user_ref = NULL;
	to_terminating(leg);
	return 0;
}

int sip_leg_release(struct sip_leg *leg, const struct sip_reason *reason, const struct sipt_body *body)
{
	char r[48];
	reason_str(reason, r, sizeof(r));
	struct out_body *o = talloc_zero(leg, struct out_body);
	if (!o)
		return -ENOMEM;
	body_out(leg, body, o);
	switch (leg->fi->state) {
	case SIP_LEG_ST_CALLING:
		/* no provisional yet: CANCEL is not allowed (RFC 3261 9.1); send it when one comes */
		leg->cancel_pending = true;
		if (reason)
			leg->cancel_reason = *reason;
		break;
	case SIP_LEG_ST_EARLY_OUT:
		nua_cancel(leg->nh, TAG_IF(r[0], SIPTAG_REASON_STR(r)), TAG_END());
		if (reason)
			leg->cancel_reason = *reason;
		break;
	case SIP_LEG_ST_INCOMING:
	case SIP_LEG_ST_EARLY_IN:
		nua_respond(leg->nh, 480, "Temporarily Unavailable", TAG_IF(r[0], SIPTAG_REASON_STR(r)), BODY_TAGS(o),
			    TAG_END());
		break;
	case SIP_LEG_ST_ANSWERED_IN:
	case SIP_LEG_ST_CONFIRMED:
		nua_bye(leg->nh, TAG_IF(r[0], SIPTAG_REASON_STR(r)), BODY_TAGS(o), TAG_END());
		break;
	default:
		break;
	}
	talloc_free(o);
	leg->user_ref = NULL;
	if (leg->fi->state != SIP_LEG_ST_TERMINATING)
		to_terminating(leg);
	return 0;
}

int sip_leg_info(struct sip_leg *leg, const struct sipt_body *body)
{
	if (leg->fi->state == SIP_LEG_ST_TERMINATING || leg->fi->state == SIP_LEG_ST_INIT ||
	    leg->fi->state == SIP_LEG_ST_CALLING)
		return -EINVAL;
	struct out_body *o = talloc_zero(leg, struct out_body);
	if (!o)
		return -ENOMEM;
	body_out(leg, body, o);
	nua_info(leg->nh, BODY_TAGS(o), TAG_END());
	talloc_free(o);
	rate_ctr_inc(rate_ctr_group_get_ctr(leg->agent->ctrs, SIP_CTR_INFO_TX));
	return 0;
}

void sip_leg_detach(struct sip_leg *leg)
{
	leg->user_ref = NULL;
}
