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

#define SIPT_BOUNDARY	    "isupgw-sipt-part"
#define TERMINATING_GUARD_S 40 /* longer than a whole INVITE client transaction (64 x T1) */

static struct osmo_fsm sip_leg_fsm;
static void glare_cb(void *data);
static void ka_cb(void *data);
static void send_answer(struct sip_leg *leg, const struct sipt_body *body);

/* clang-format off */
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
	OSMO_VALUE_STRING(SIP_LEG_EV_RX_UPDATE),
	OSMO_VALUE_STRING(SIP_LEG_EV_RX_REINVITE_RESULT),
	OSMO_VALUE_STRING(SIP_LEG_EV_RX_PRACK),
	OSMO_VALUE_STRING(SIP_LEG_EV_TERMINATED),
	OSMO_VALUE_STRING(SIP_LEG_EV_RX_OPTIONS_RESULT),
	{ 0, NULL }
};
/* clang-format on */

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
	osmo_timer_setup(&leg->glare_timer, glare_cb, leg);
	osmo_timer_setup(&leg->ka_timer, ka_cb, leg);
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
	int n = sipt_body_build(b->has_sdp ? b->sdp : NULL, b->has_isup ? b->isup : NULL, b->isup_len, b->isup_variant,
				b->isup_handling, SIPT_BOUNDARY, o->ctype, sizeof(o->ctype), o->data, sizeof(o->data));
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

#define BODY_TAGS(o) \
	TAG_IF((o)->present, SIPTAG_CONTENT_TYPE_STR((o)->ctype)), TAG_IF((o)->present, SIPTAG_PAYLOAD(&(o)->pl))

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
	leg->user_ref = ref; /* the user sees its own reference during the callback */
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

/* Our SDP with a new direction attribute and, as RFC 3264 s8 asks of every changed description, the
 * o= session version one higher. It becomes our current SDP. */
static char *sdp_with_dir(struct sip_leg *leg, const char *dir)
{
	char *sdp = talloc_strdup(leg, leg->local_sdp ? leg->local_sdp : "");
	static const char *const dirs[] = { "a=sendrecv\r\n", "a=sendonly\r\n", "a=recvonly\r\n", "a=inactive\r\n" };
	for (unsigned i = 0; i < 4; i++) {
		char *p;
		while ((p = strstr(sdp, dirs[i])))
			memmove(p, p + strlen(dirs[i]), strlen(p + strlen(dirs[i])) + 1);
	}
	char *o = strstr(sdp, "o=");
	if (o && (o == sdp || o[-1] == '\n')) {
		/* o=<username> <sess-id> <sess-version> ... */
		char *v = strchr(o, ' ');
		v = v ? strchr(v + 1, ' ') : NULL;
		if (v) {
			char *endp;
			unsigned long long ver = strtoull(v + 1, &endp, 10);
			if (endp > v + 1 && *endp == ' ') {
				char *head = talloc_strndup(leg, sdp, (size_t)(v + 1 - sdp));
				char *bumped = talloc_asprintf(leg, "%s%llu%s", head, ver + 1, endp);
				talloc_free(head);
				talloc_free(sdp);
				sdp = bumped;
			}
		}
	}
	sdp = talloc_asprintf_append(sdp, "a=%s\r\n", dir);
	talloc_free(leg->local_sdp);
	leg->local_sdp = talloc_strdup(leg, sdp);
	return sdp;
}

/* The direction of an offer: does the peer stop sending to us (hold), does it want to receive? */
static void offer_dir(const char *offer, bool *peer_sends, bool *peer_receives)
{
	*peer_sends = *peer_receives = true;
	if (strstr(offer, "a=sendonly"))
		*peer_receives = false;
	else if (strstr(offer, "a=recvonly"))
		*peer_sends = false;
	else if (strstr(offer, "a=inactive"))
		*peer_sends = *peer_receives = false;
	if (strstr(offer, "c=IN IP4 0.0.0.0")) /* RFC 2543 hold */
		*peer_receives = false;
}

/* An offer in a re-INVITE or UPDATE: answered 200 with our SDP, whose direction mirrors the offer's
 * (RFC 3264 s8.4) and keeps our own hold; no offer (a session refresh, or a late offer in a re-INVITE):
 * 200, with our SDP as the offer for a re-INVITE. A change of the peer's hold goes to the user. */
static void rx_offer(struct sip_leg *leg, const struct sip_leg_event *ev, bool is_invite)
{
	struct sip_agent *a = leg->agent;
	struct sipt_body *b = talloc_zero(leg, struct sipt_body);
	if (!b || sip_agent_body(ev->sip, b)) {
		nua_respond(leg->nh, 488, "Not Acceptable Here", NUTAG_WITH_THIS(a->nua), TAG_END());
		talloc_free(b);
		return;
	}
	if (b->has_sdp && !leg->local_sdp) {
		LOGPFSML(leg->fi, LOGL_NOTICE, "%s with an offer before we have a session description: 488\n",
			 is_invite ? "re-INVITE" : "UPDATE");
		nua_respond(leg->nh, 488, "Not Acceptable Here", NUTAG_WITH_THIS(a->nua), TAG_END());
		talloc_free(b);
		return;
	}
	bool hold = false;
	char *sdp = NULL;
	if (b->has_sdp) {
		bool peer_sends, peer_receives;
		offer_dir(b->sdp, &peer_sends, &peer_receives);
		hold = !peer_receives;
		/* our own hold (our SDP sendonly) asks the peer not to send: it takes our receiving side, never
		 * our sending side, which only the peer's wish to receive decides */
		bool we_send = peer_receives;
		bool we_receive = peer_sends && !leg->local_hold;
		sdp = sdp_with_dir(leg, we_send ? (we_receive ? "sendrecv" : "sendonly") :
						  (we_receive ? "recvonly" : "inactive"));
	} else if (is_invite && leg->local_sdp) {
		sdp = talloc_strdup(leg, leg->local_sdp);
	}
	struct out_body *o = talloc_zero(leg, struct out_body);
	if (sdp && o) {
		o->pl.pl_common->h_class = sip_payload_class;
		o->pl.pl_data = sdp;
		o->pl.pl_len = (usize_t)strlen(sdp);
		snprintf(o->ctype, sizeof(o->ctype), "application/sdp");
		o->present = true;
	}
	nua_respond(leg->nh, 200, "OK", NUTAG_WITH_THIS(a->nua),
		    TAG_IF(o && o->present, SIPTAG_CONTENT_TYPE_STR(o->ctype)),
		    TAG_IF(o && o->present, SIPTAG_PAYLOAD(&o->pl)), TAG_END());
	talloc_free(o);
	talloc_free(sdp);
	bool changed = b->has_sdp && hold != leg->remote_hold;
	if (b->has_sdp)
		leg->remote_hold = hold;
	if (b->has_sdp && leg->user_ref && a->ops->sdp_ind)
		a->ops->sdp_ind(leg, b->sdp, b->sdp_len);
	talloc_free(b);
	LOGPFSML(leg->fi, LOGL_INFO, "%s answered%s\n", is_invite ? "re-INVITE" : "UPDATE",
		 changed ? (hold ? ": call on hold" : ": call resumed") : "");
	if (changed && leg->user_ref && a->ops->hold_ind && leg->answered)
		a->ops->hold_ind(leg, hold);
}

static void rx_reinvite(struct sip_leg *leg, const struct sip_leg_event *ev)
{
	rx_offer(leg, ev, true);
}

/* RFC 3311: UPDATE in an early or confirmed dialog: an offer (early media changes, hold) or a session
 * refresh (RFC 4028) without a body */
static void rx_update(struct sip_leg *leg, const struct sip_leg_event *ev)
{
	rx_offer(leg, ev, false);
}

/* ---- our re-INVITEs (hold/resume from the PSTN side) ---- */

static void send_reinvite(struct sip_leg *leg)
{
	bool hold = leg->hold_wanted;
	/* RFC 3264 s8.4: hold asks the peer to stop sending; what it asks of us stays as it was */
	const char *dir =
		hold ? (leg->remote_hold ? "inactive" : "sendonly") : (leg->remote_hold ? "recvonly" : "sendrecv");
	char *sdp = sdp_with_dir(leg, dir);
	struct sipt_body *b = talloc_zero(leg, struct sipt_body);
	struct out_body *o = talloc_zero(leg, struct out_body);
	if (!b || !o || strlen(sdp) >= sizeof(b->sdp)) {
		talloc_free(b);
		talloc_free(o);
		talloc_free(sdp);
		return;
	}
	if (leg->hold_isup)
		*b = *leg->hold_isup;
	b->has_sdp = true;
	snprintf(b->sdp, sizeof(b->sdp), "%s", sdp);
	talloc_free(sdp);
	body_out(leg, b, o);
	leg->reinvite_pending = true;
	leg->local_hold = hold; /* what we asked for; put back if the peer refuses */
	rate_ctr_inc(rate_ctr_group_get_ctr(leg->agent->ctrs, SIP_CTR_REINVITE_TX));
	LOGPFSML(leg->fi, LOGL_INFO, "re-INVITE: %s (%s)\n", hold ? "hold" : "resume", dir);
	nua_invite(leg->nh, BODY_TAGS(o), TAG_END());
	talloc_free(o);
	talloc_free(b);
}

static void glare_cb(void *data)
{
	struct sip_leg *leg = data;
	if (leg->fi->state == SIP_LEG_ST_CONFIRMED && !leg->reinvite_pending && leg->hold_wanted != leg->local_hold)
		send_reinvite(leg);
}

static void rx_reinvite_result(struct sip_leg *leg, const struct sip_leg_event *ev)
{
	leg->reinvite_pending = false;
	if (ev->status < 300) {
		leg->glare_retries = 0;
		TALLOC_FREE(leg->hold_isup);
		LOGPFSML(leg->fi, LOGL_INFO, "re-INVITE accepted: %s\n", leg->local_hold ? "on hold" : "resumed");
	} else {
		leg->local_hold = !leg->local_hold;
		if (ev->status == 491 && leg->glare_retries < 3 && leg->fi->state == SIP_LEG_ST_CONFIRMED) {
			/* RFC 3261 14.1: the Call-ID's owner waits 2.1-4 s, the other side 0-2 s */
			unsigned ms = leg->dir == SIP_LEG_UAC ? 2100 + (unsigned)(random() % 1900) :
								(unsigned)(random() % 2000);
			leg->glare_retries++;
			LOGPFSML(leg->fi, LOGL_INFO, "re-INVITE crossed the peer's (491): again in %u ms\n", ms);
			osmo_timer_schedule(&leg->glare_timer, ms / 1000, (ms % 1000) * 1000);
			return;
		}
		/* RFC 3261 14.1: the session stays as it was */
		LOGPFSML(leg->fi, LOGL_NOTICE, "re-INVITE refused with %d: session unchanged\n", ev->status);
		leg->glare_retries = 0;
		TALLOC_FREE(leg->hold_isup);
		leg->hold_wanted = leg->local_hold;
		return;
	}
	if (leg->hold_wanted != leg->local_hold && leg->fi->state == SIP_LEG_ST_CONFIRMED)
		send_reinvite(leg);
}

static void terminated(struct sip_leg *leg)
{
	if (leg->user_ref) {
		struct sip_reason none = { 0 };
		user_release(leg, leg->last_status >= 300 ? leg->last_status : 408, &none, NULL);
	}
	osmo_fsm_inst_term(leg->fi, OSMO_FSM_TERM_REGULAR, NULL);
}

/* Answer a digest challenge with the peer's credentials, only for the realm configured with them: "*"
 * (configured as such) answers any realm, "" none. A peer, or anyone on the path, that names another realm
 * gets no answer: our credentials are not for it, and answering would hand it a response computed from our
 * password for a nonce of its choosing. */
static bool authenticate(struct sip_leg *leg, const sip_t *sip)
{
	const msg_auth_t *au = sip->sip_www_authenticate ? sip->sip_www_authenticate : sip->sip_proxy_authenticate;
	const char *realm = au ? msg_params_find(au->au_params, "realm=") : NULL;
	if (!au || !au->au_scheme || !realm)
		return false;
	const char *want = leg->auth_realm ? leg->auth_realm : "";
	char bare[80];
	size_t rl = strlen(realm);
	if (rl >= 2 && realm[0] == '"' && realm[rl - 1] == '"')
		snprintf(bare, sizeof(bare), "%.*s", (int)(rl - 2), realm + 1);
	else
		snprintf(bare, sizeof(bare), "%s", realm);
	if (strcmp(want, "*") && strcmp(bare, want)) {
		LOGPFSML(leg->fi, LOGL_NOTICE,
			 "%d: challenge for realm \"%s\", our credentials are for %s%s%s: not answered\n",
			 sip->sip_status ? sip->sip_status->st_status : 0, bare, want[0] ? "\"" : "no realm", want,
			 want[0] ? "\"" : "");
		rate_ctr_inc(rate_ctr_group_get_ctr(leg->agent->ctrs, SIP_CTR_AUTH_REALM_REFUSED));
		return false;
	}
	char cred[256];
	snprintf(cred, sizeof(cred), "%s:\"%s\":%s:%s", au->au_scheme, bare, leg->auth_user,
		 leg->auth_pass ? leg->auth_pass : "");
	leg->auth_tried = true;
	LOGPFSML(leg->fi, LOGL_INFO, "%d: authenticating as %s in realm %s\n",
		 sip->sip_status ? sip->sip_status->st_status : 0, leg->auth_user, realm);
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
		const sip_t *sip = ev->sip;
		if (ev->status >= 300 && ev->status < 400) {
			/* RFC 3398 s8.2.5: the user decides whether to follow the Contact */
			rate_ctr_inc(rate_ctr_group_get_ctr(a->ctrs, SIP_CTR_REDIRECT_RX));
			if (sip && sip->sip_contact) {
				char *u = url_as_string(NULL, sip->sip_contact->m_url);
				if (u) {
					talloc_free(leg->redirect_uri);
					leg->redirect_uri = talloc_strdup(leg, u);
					su_free(NULL, u);
				}
			}
		}
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
	case SIP_LEG_EV_RX_UPDATE:
		rx_update(leg, ev);
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
	case SIP_LEG_EV_RX_UPDATE:
		rx_update(leg, ev);
		break;
	case SIP_LEG_EV_RX_PRACK:
		/* RFC 3262 s3: the 200 waited for the PRACK of the 18x that carried our answer */
		if (leg->prack_wait) {
			leg->prack_wait = false;
			if (leg->pending_answer) {
				struct sipt_body *b = leg->pending_answer;
				leg->pending_answer = NULL;
				send_answer(leg, b);
				talloc_free(b);
			}
		}
		break;
	case SIP_LEG_EV_TERMINATED:
		terminated(leg);
		break;
	}
}

/* ---- the dead-peer check of an answered dialog (RFC 5057 s5.1) ---- */

static void ka_schedule(struct sip_leg *leg)
{
	if (leg->keepalive_s && leg->fi->state == SIP_LEG_ST_CONFIRMED)
		osmo_timer_schedule(&leg->ka_timer, (int)leg->keepalive_s, 0);
}

static void ka_cb(void *data)
{
	struct sip_leg *leg = data;
	if (leg->fi->state != SIP_LEG_ST_CONFIRMED || leg->keepalive_pending || leg->agent->shutting_down)
		return;
	leg->keepalive_pending = true;
	rate_ctr_inc(rate_ctr_group_get_ctr(leg->agent->ctrs, SIP_CTR_DIALOG_KA_TX));
	nua_options(leg->nh, TAG_END());
}

static void confirmed_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	ka_schedule(fi->priv);
}

/* RFC 5057 s5.1: 408 (nothing came back within the transaction timeout) and 481 (the peer has no such
 * dialog) say the call is gone on the far side. A transport error (ICMP port unreachable: the peer's process
 * is gone) reaches us as a 503 (RFC 3261 8.1.3.1), which a live but busy peer may also send: one 503 is
 * tried again after a second, a second one in a row counts as gone. Gone: BYE (harmless when nobody
 * listens) and release_ind with the status. Anything else, 405 and 501 included, shows the peer alive. */
static void rx_options_result(struct sip_leg *leg, const struct sip_leg_event *ev)
{
	leg->keepalive_pending = false;
	bool gone = ev->status == 408 || ev->status == 481 || (ev->status == 503 && leg->keepalive_503);
	if (!gone && ev->status == 503) {
		leg->keepalive_503 = true;
		LOGPFSML(leg->fi, LOGL_INFO, "in-dialog OPTIONS answered 503: once more in 1 s\n");
		osmo_timer_schedule(&leg->ka_timer, 1, 0);
		return;
	}
	leg->keepalive_503 = false;
	if (!gone) {
		ka_schedule(leg);
		return;
	}
	rate_ctr_inc(rate_ctr_group_get_ctr(leg->agent->ctrs, SIP_CTR_DIALOG_PEER_LOST));
	LOGPFSML(leg->fi, LOGL_NOTICE, "in-dialog OPTIONS answered %d%s: the peer has lost the call, ending it\n",
		 ev->status, ev->status == 503 ? " twice" : "");
	leg->last_status = ev->status;
	nua_bye(leg->nh, SIPTAG_REASON_STR(ev->status == 408 ? "Q.850;cause=102" : "Q.850;cause=41"), TAG_END());
	to_terminating(leg);
	struct sip_reason none = { 0 };
	user_release(leg, ev->status, &none, NULL);
}

static void st_confirmed(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct sip_leg *leg = fi->priv;
	const struct sip_leg_event *ev = data;
	switch (event) {
	case SIP_LEG_EV_RX_REINVITE:
		rx_reinvite(leg, ev);
		break;
	case SIP_LEG_EV_RX_UPDATE:
		rx_update(leg, ev);
		break;
	case SIP_LEG_EV_RX_REINVITE_RESULT:
		rx_reinvite_result(leg, ev);
		break;
	case SIP_LEG_EV_RX_BYE:
		rx_bye_or_cancel(leg, ev);
		break;
	case SIP_LEG_EV_RX_INFO:
		rx_info(leg, ev);
		break;
	case SIP_LEG_EV_RX_OPTIONS_RESULT:
		rx_options_result(leg, ev);
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
		nua_respond(leg->nh, 481, "Call/Transaction Does Not Exist", NUTAG_WITH_THIS(leg->agent->nua),
			    TAG_END());
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
	case SIP_LEG_EV_RX_UPDATE:
		nua_respond(leg->nh, 481, "Call/Transaction Does Not Exist", NUTAG_WITH_THIS(leg->agent->nua),
			    TAG_END());
		break;
	case SIP_LEG_EV_RX_REINVITE_RESULT:
		leg->reinvite_pending = false;
		break;
	case SIP_LEG_EV_TERMINATED:
		osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
		break;
	}
}

static int timer_cb(struct osmo_fsm_inst *fi)
{
	LOGPFSML(fi, LOGL_NOTICE, "sofia did not finish the dialog in %d s: dropping it\n", TERMINATING_GUARD_S);
	return 1; /* terminate */
}

static void cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct sip_leg *leg = fi->priv;
	if (leg->user_ref) {
		struct sip_reason none = { 0 };
		user_release(leg, 503, &none, NULL);
	}
	osmo_timer_del(&leg->glare_timer);
	osmo_timer_del(&leg->ka_timer);
	llist_del(&leg->list);
	if (leg->nh) {
		nua_handle_bind(leg->nh, NULL);
		nua_handle_destroy(leg->nh);
		leg->nh = NULL;
	}
}

#define S(x) (1 << (x))
#define ALL_RX                                                                                                   \
	(S(SIP_LEG_EV_RX_PROVISIONAL) | S(SIP_LEG_EV_RX_2XX) | S(SIP_LEG_EV_RX_FAILURE) | S(SIP_LEG_EV_RX_ACK) | \
	 S(SIP_LEG_EV_RX_BYE) | S(SIP_LEG_EV_RX_CANCEL) | S(SIP_LEG_EV_RX_INFO) | S(SIP_LEG_EV_TERMINATED) |     \
	 S(SIP_LEG_EV_RX_REINVITE) | S(SIP_LEG_EV_RX_UPDATE) | S(SIP_LEG_EV_RX_REINVITE_RESULT) |                \
	 S(SIP_LEG_EV_RX_PRACK) | S(SIP_LEG_EV_RX_OPTIONS_RESULT))

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
		.onenter = confirmed_onenter,
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
		extra[n - 2] = 0; /* sofia adds the last line end */
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
		   /* RFC 3262: 100rel offered or asked for, per peer */
		   TAG_IF(req->rel100 == SIP_100REL_OFF, SIPTAG_SUPPORTED_STR("timer")),
		   TAG_IF(req->rel100 == SIP_100REL_REQUIRED, SIPTAG_REQUIRE_STR("100rel")),
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
	if (leg->reliable_1xx && body && body->has_sdp) {
		leg->sdp_in_reliable_1xx = true;
		leg->prack_wait = true;
	}
	nua_respond(leg->nh, status, sip_status_phrase(status), TAG_IF(leg->reliable_1xx, SIPTAG_REQUIRE_STR("100rel")),
		    BODY_TAGS(o), TAG_END());
	talloc_free(o);
	leg->last_status = status;
	osmo_fsm_inst_state_chg(leg->fi, SIP_LEG_ST_EARLY_IN, 0, 0);
	return 0;
}

static void send_answer(struct sip_leg *leg, const struct sipt_body *body)
{
	struct out_body *o = talloc_zero(leg, struct out_body);
	if (!o)
		return;
	struct sipt_body *b = NULL;
	if (body && body->has_sdp && leg->sdp_in_reliable_1xx) {
		/* RFC 3262 s5: the offer/answer round ended in the reliable 18x; the 200 carries no new SDP */
		b = talloc(leg, struct sipt_body);
		if (b) {
			*b = *body;
			b->has_sdp = false;
			body = b;
		}
	}
	body_out(leg, body, o);
	nua_respond(leg->nh, 200, "OK", BODY_TAGS(o), TAG_END());
	talloc_free(o);
	talloc_free(b);
}

int sip_leg_answer(struct sip_leg *leg, const struct sipt_body *body)
{
	if (!uas_early(leg))
		return -EINVAL;
	if (leg->prack_wait) {
		LOGPFSML(leg->fi, LOGL_INFO, "200 waits for the PRACK of the 18x with our answer\n");
		talloc_free(leg->pending_answer);
		leg->pending_answer = talloc_zero(leg, struct sipt_body);
		if (leg->pending_answer && body)
			*leg->pending_answer = *body;
	} else {
		send_answer(leg, body);
	}
	leg->last_status = 200;
	leg->answered = true;
	rate_ctr_inc(rate_ctr_group_get_ctr(leg->agent->ctrs, SIP_CTR_ANSWERED));
	osmo_fsm_inst_state_chg(leg->fi, SIP_LEG_ST_ANSWERED_IN, 0, 0);
	return 0;
}

static int reject(struct sip_leg *leg, int status, const struct sip_reason *reason, const struct sipt_body *body,
		  unsigned retry_after_s)
{
	if (!uas_early(leg) || status < 300 || status > 699)
		return -EINVAL;
	struct out_body *o = talloc_zero(leg, struct out_body);
	if (!o)
		return -ENOMEM;
	char r[48], ra[16] = "";
	reason_str(reason, r, sizeof(r));
	if (retry_after_s)
		snprintf(ra, sizeof(ra), "%u", retry_after_s);
	body_out(leg, body, o);
	LOGPFSML(leg->fi, LOGL_INFO, "rejecting with %d%s%s%s%s\n", status, r[0] ? ", Reason: " : "", r,
		 ra[0] ? ", Retry-After: " : "", ra);
	nua_respond(leg->nh, status, sip_status_phrase(status) ? sip_status_phrase(status) : "Failure",
		    TAG_IF(r[0], SIPTAG_REASON_STR(r)), TAG_IF(status == 421, SIPTAG_REQUIRE_STR("100rel")),
		    TAG_IF(ra[0], SIPTAG_RETRY_AFTER_STR(ra)), BODY_TAGS(o), TAG_END());
	talloc_free(o);
	leg->last_status = status;
	leg->user_ref = NULL;
	to_terminating(leg);
	return 0;
}

int sip_leg_reject(struct sip_leg *leg, int status, const struct sip_reason *reason, const struct sipt_body *body)
{
	return reject(leg, status, reason, body, 0);
}

int sip_leg_reject_retry(struct sip_leg *leg, int status, const struct sip_reason *reason, unsigned retry_after_s)
{
	return reject(leg, status, reason, NULL, retry_after_s);
}

int sip_leg_challenge(struct sip_leg *leg, const char *realm, const char *nonce, bool stale)
{
	if (!uas_early(leg))
		return -EINVAL;
	char wa[256];
	snprintf(wa, sizeof(wa), "Digest realm=\"%s\", nonce=\"%s\", qop=\"auth\", algorithm=MD5%s", realm, nonce,
		 stale ? ", stale=true" : "");
	LOGPFSML(leg->fi, LOGL_INFO, "challenging the caller (401, realm %s%s)\n", realm, stale ? ", stale" : "");
	nua_respond(leg->nh, 401, "Unauthorized", SIPTAG_WWW_AUTHENTICATE_STR(wa), TAG_END());
	leg->last_status = 401;
	leg->user_ref = NULL;
	to_terminating(leg);
	return 0;
}

int sip_leg_reject_body(struct sip_leg *leg, int status, const struct sip_reject_info *info)
{
	if (!uas_early(leg) || status < 400 || status > 699 || !info)
		return -EINVAL;
	char warn[160] = "";
	if (info->warn_code)
		snprintf(warn, sizeof(warn), "%d isupgw \"%s\"", info->warn_code,
			 info->warn_text ? info->warn_text : "");
	LOGPFSML(leg->fi, LOGL_INFO, "rejecting the INVITE's body with %d%s%s\n", status, warn[0] ? ", Warning: " : "",
		 warn);
	rate_ctr_inc(rate_ctr_group_get_ctr(leg->agent->ctrs, SIP_CTR_REJECT_BODY));
	nua_respond(leg->nh, status, sip_status_phrase(status) ? sip_status_phrase(status) : "Failure",
		    TAG_IF(warn[0], SIPTAG_WARNING_STR(warn)), TAG_IF(info->accept, SIPTAG_ACCEPT_STR(info->accept)),
		    TAG_END());
	leg->last_status = status;
	leg->user_ref = NULL;
	to_terminating(leg);
	return 0;
}

int sip_leg_redirect(struct sip_leg *leg, int status, const struct sip_reason *reason, const char *contact)
{
	if (!uas_early(leg) || status < 300 || status > 399 || !contact)
		return -EINVAL;
	char r[48], ct[300];
	reason_str(reason, r, sizeof(r));
	snprintf(ct, sizeof(ct), "<%s>", contact);
	LOGPFSML(leg->fi, LOGL_INFO, "redirecting with %d to %s\n", status, contact);
	nua_respond(leg->nh, status, sip_status_phrase(status), SIPTAG_CONTACT_STR(ct),
		    TAG_IF(r[0], SIPTAG_REASON_STR(r)), TAG_END());
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
	case SIP_LEG_ST_ANSWERED_IN:
		if (!leg->prack_wait) {
			nua_bye(leg->nh, TAG_IF(r[0], SIPTAG_REASON_STR(r)), BODY_TAGS(o), TAG_END());
			break;
		}
		/* the 200 never left (it waited for a PRACK): the INVITE still gets a final error */
		leg->prack_wait = false;
		TALLOC_FREE(leg->pending_answer);
		/* fall through */
	case SIP_LEG_ST_INCOMING:
	case SIP_LEG_ST_EARLY_IN:
		nua_respond(leg->nh, 480, "Temporarily Unavailable", TAG_IF(r[0], SIPTAG_REASON_STR(r)), BODY_TAGS(o),
			    TAG_END());
		break;
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

int sip_leg_hold(struct sip_leg *leg, bool hold, const struct sipt_body *isup)
{
	if (leg->fi->state != SIP_LEG_ST_CONFIRMED || !leg->local_sdp)
		return -EINVAL;
	leg->hold_wanted = hold;
	TALLOC_FREE(leg->hold_isup);
	if (isup && isup->has_isup) {
		leg->hold_isup = talloc(leg, struct sipt_body);
		if (leg->hold_isup) {
			*leg->hold_isup = *isup;
			leg->hold_isup->has_sdp = false;
		}
	}
	/* one re-INVITE at a time (RFC 3261 14.1): the result of the one out decides whether another goes */
	if (!leg->reinvite_pending && !osmo_timer_pending(&leg->glare_timer) && hold != leg->local_hold)
		send_reinvite(leg);
	return 0;
}

/* ---- what the user may read or set of a leg ---- */

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

/* the dialog's To tag: the peer's (UAC), or ours once a response went (UAS) */
const char *sip_leg_to_tag(const struct sip_leg *leg)
{
	return leg->to_tag[0] ? leg->to_tag : NULL;
}

void sip_leg_set_keepalive(struct sip_leg *leg, unsigned interval_s)
{
	leg->keepalive_s = interval_s;
	if (!interval_s)
		osmo_timer_del(&leg->ka_timer);
	else if (!osmo_timer_pending(&leg->ka_timer) && !leg->keepalive_pending)
		ka_schedule(leg);
}

void sip_leg_set_reliable_1xx(struct sip_leg *leg, bool reliable)
{
	leg->reliable_1xx = reliable;
}
