/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 3398 mapping: ISUP <-> SIP headers and responses. Each function cites the clause it implements;
 * where RFC 3398 is silent (CPC, hop counter, TMR -> SDP) the choice is ours and says so. */

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw_map.h"

void gw_map_cfg_default(struct gw_map_cfg *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->host, sizeof(c->host), "isupgw.invalid");
	c->in_nai = ISUP_NAI_NATIONAL;
	c->cpc = 10;
	c->tmr = 3;
	c->hop_counter = 31;
	c->diversion = true;
}

/* ---- numbers ---- */

int gw_map_number_to_user(const struct isup_number *n, const struct gw_map_cfg *cfg, char *out, size_t size)
{
	char d[ISUP_NUM_MAX_DIGITS + 1];
	size_t k = 0;
	for (unsigned i = 0; i < n->n_digits && k < sizeof(d) - 1; i++) {
		char c = n->digits[i];
		if (c == 'F')
			break; /* ST: end of pulsing */
		if (isdigit((unsigned char)c))
			d[k++] = c;
		else if (c == 'B')
			d[k++] = '*';
		else if (c == 'C')
			d[k++] = '#';
	}
	d[k] = 0;
	if (!k)
		return -EINVAL;
	int r;
	switch (n->nai) {
	case ISUP_NAI_INTERNATIONAL: /* s12.1: international -> "+" and the digits */
		r = snprintf(out, size, "+%s", d);
		break;
	case ISUP_NAI_NATIONAL: /* s12.1: national -> the country code MUST be prefixed */
		r = cfg->country_code[0] ? snprintf(out, size, "+%s%s", cfg->country_code, d) :
					   snprintf(out, size, "%s", d);
		break;
	default: /* subscriber, unknown, network specific: digits as they are, user=phone */
		r = snprintf(out, size, "%s", d);
		break;
	}
	return r < 0 || (size_t)r >= size ? -ENOSPC : 0;
}

static void user_uri(const char *user, const struct gw_map_cfg *cfg, char *out, size_t size)
{
	/* s12: a gateway MUST accept tel and SIP URIs; a SIP URI with a telephone number carries user=phone */
	if (cfg->tel_uri && user[0] == '+')
		snprintf(out, size, "tel:%s", user);
	else
		snprintf(out, size, "sip:%s@%s;user=phone", user, cfg->host);
}

int gw_map_request_uri(const struct isup_number *cdpn, const struct gw_map_cfg *cfg, const struct gw_map_target *t,
		       char *out, size_t size)
{
	char user[80];
	if (gw_map_number_to_user(cdpn, cfg, user, sizeof(user)))
		return -EINVAL;
	int r = cfg->tel_uri && user[0] == '+' ? snprintf(out, size, "tel:%s", user) :
						 snprintf(out, size, "sip:%s@%s:%u;user=phone%s", user, t->host,
							  t->port, t->uri_params ? t->uri_params : "");
	return r < 0 || (size_t)r >= size ? -ENOSPC : 0;
}

/* RFC 4694 cpc values for Q.763 calling party's categories (RFC 3398 has no CPC mapping) */
static const char *cpc_name(uint8_t cpc)
{
	switch (cpc) {
	case 1:
	case 2:
	case 3:
	case 4:
	case 5:
	case 9:
		return "operator";
	case 11:
		return "priority";
	case 12:
		return "data";
	case 13:
		return "test";
	case 15:
		return "payphone";
	default:
		return NULL; /* 10 ordinary, and the rest: no parameter */
	}
}

static uint8_t cpc_value(const char *name)
{
	if (!strcasecmp(name, "operator"))
		return 5;
	if (!strcasecmp(name, "priority"))
		return 11;
	if (!strcasecmp(name, "data"))
		return 12;
	if (!strcasecmp(name, "test"))
		return 13;
	if (!strcasecmp(name, "payphone"))
		return 15;
	return 10;
}

/* Q.1912.5 maps the two one to one (at a mapping factor of 1); neither direction may give more hops than
 * it got: a hop counter of 0 is a Max-Forwards of 0, not 1 (the next hop refuses it, 483 / cause 25) */
int gw_map_hop_to_max_forwards(uint8_t hop)
{
	return hop;
}

uint8_t gw_map_max_forwards_to_hop(int mf)
{
	return (uint8_t)(mf > 31 ? 31 : mf < 0 ? 0 : mf);
}

int gw_map_iam_to_invite(const struct isup_msg *iam, const struct gw_map_cfg *cfg, struct sip_invite_req *req)
{
	struct isup_number cdpn, cgpn, on;
	char user[80], uri[240];
	memset(req, 0, sizeof(*req));
	req->max_forwards = 70;

	/* s8.2.1.1: the called party number becomes the Request-URI, and To (unless an OCN is present) */
	if (isup_msg_get_number(iam, ISUP_PAR_CALLED, &cdpn) || gw_map_number_to_user(&cdpn, cfg, user, sizeof(user)))
		return -EINVAL;
	user_uri(user, cfg, req->ruri, sizeof(req->ruri));
	snprintf(req->to, sizeof(req->to), "<%s>", req->ruri);
	if (!isup_msg_get_number(iam, ISUP_PAR_ORIG_CALLED, &on) &&
	    !gw_map_number_to_user(&on, cfg, user, sizeof(user))) {
		/* s8.2.1.1: with an original called number, To SHOULD be built from it */
		user_uri(user, cfg, uri, sizeof(uri));
		snprintf(req->to, sizeof(req->to), "<%s>", uri);
	}

	/* s8.2.1.1, s12.1: From from the calling party number; none or "address not available" -> a URI with
	 * only our host; presentation restricted -> Anonymous, the number kept for a trusted peer in PAI */
	struct isup_u8 cpc = { 10 };
	isup_msg_get_bits(iam, ISUP_PAR_CPC, &cpc);
	const char *cpcn = cpc_name(cpc.value);
	bool have_cgpn = !isup_msg_get_number(iam, ISUP_PAR_CALLING, &cgpn) && cgpn.apri != 2 &&
			 !gw_map_number_to_user(&cgpn, cfg, user, sizeof(user));
	if (have_cgpn && cpcn) {
		size_t l = strlen(user);
		snprintf(user + l, sizeof(user) - l, ";cpc=%s", cpcn);
	}
	if (have_cgpn)
		user_uri(user, cfg, uri, sizeof(uri));
	if (!have_cgpn) {
		snprintf(req->from, sizeof(req->from), "<sip:%s>", cfg->host);
	} else if (cgpn.apri == 1) {
		snprintf(req->from, sizeof(req->from), "\"Anonymous\" <sip:anonymous@anonymous.invalid>");
		snprintf(req->privacy, sizeof(req->privacy), "id");
		if (cfg->trusted)
			snprintf(req->pai, sizeof(req->pai), "<%s>", uri);
	} else {
		snprintf(req->from, sizeof(req->from), "<%s>", uri);
		if (cfg->trusted)
			snprintf(req->pai, sizeof(req->pai), "<%s>", uri);
	}

	/* redirecting number -> Diversion (RFC 5806) or History-Info (RFC 7044); not in RFC 3398 */
	struct isup_number rn;
	if (!isup_msg_get_number(iam, ISUP_PAR_REDIRECTING, &rn) &&
	    !gw_map_number_to_user(&rn, cfg, user, sizeof(user))) {
		struct isup_redir_info ri = { 0 };
		bool has_ri = !isup_msg_get_bits(iam, ISUP_PAR_REDIR_INFO, &ri);
		static const char *const reasons[16] = { "unknown",    "user-busy",  "no-answer",  "unconditional",
							 "deflection", "deflection", "unavailable" };
		const char *why = has_ri && reasons[ri.reason & 15] ? reasons[ri.reason & 15] : "unknown";
		user_uri(user, cfg, uri, sizeof(uri));
		if (cfg->diversion)
			snprintf(req->diversion, sizeof(req->diversion), "<%s>;reason=%s;counter=%u", uri, why,
				 has_ri && ri.counter ? ri.counter : 1);
		else
			snprintf(req->history_info, sizeof(req->history_info), "<%s>;index=1,<%s>;index=1.1", uri,
				 req->ruri);
	}

	/* hop counter -> Max-Forwards (Q.1912.5 practice, one to one; RFC 3398 has no mapping) */
	struct isup_hop_counter hc;
	if (!isup_msg_get_bits(iam, ISUP_PAR_HOP_COUNTER, &hc))
		req->max_forwards = gw_map_hop_to_max_forwards(hc.count);
	return 0;
}

int gw_map_sdp_offer(const struct isup_msg *iam, const char *addr, uint16_t port, char *out, size_t size)
{
	struct isup_u8 tmr = { 3 };
	bool clear = !isup_msg_get_bits(iam, ISUP_PAR_TMR, &tmr) && tmr.value == 2;
	struct isup_usi usi;
	const struct isup_param *p = isup_msg_get(iam, ISUP_PAR_USI);
	bool mulaw = iam->variant == ISUP_VAR_ANSI;
	if (p && !isup_usi_decode(isup_msg_pdata(iam, p), (uint8_t)p->len, &usi)) {
		clear = clear || usi.itc == 8;
		if (usi.has_l1)
			mulaw = usi.l1 == 2;
	}
	int n;
	if (clear)
		n = snprintf(out, size,
			     "v=0\r\no=isupgw 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
			     "m=audio %u RTP/AVP 97\r\na=rtpmap:97 CLEARMODE/8000\r\na=ptime:20\r\n",
			     addr, addr, port);
	else
		n = snprintf(out, size,
			     "v=0\r\no=isupgw 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
			     "m=audio %u RTP/AVP %s 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
			     "a=ptime:20\r\n",
			     addr, addr, port, mulaw ? "0 8" : "8 0");
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

/* ---- SIP responses -> ISUP backward messages (s8.2.3) ---- */

struct gw_backward gw_map_provisional(int status, bool has_sdp, bool acm_sent)
{
	struct gw_backward b = { 0 };
	if (status <= 100 || status >= 200)
		return b; /* s8.2.2: 100 triggers nothing */
	b.inband = has_sdp && status == 183;
	if (!acm_sent) {
		b.type = ISUP_MT_ACM;
		b.called_status = status == 180 ? 1 : 0; /* 180 subscriber free, else no indication */
		b.then_cpg = status == 181;		 /* early ACM and CPG event 6 */
		b.event = 6;
		return b;
	}
	b.type = ISUP_MT_CPG;
	b.event = status == 180 ? 1 : status == 181 ? 6 : 2; /* alerting, forwarding, progress */
	if (b.inband)
		b.event = 3; /* in-band information available */
	return b;
}

int gw_map_build_backward(const struct gw_backward *b, enum isup_variant v, uint8_t type, uint8_t event,
			  struct isup_msg *out)
{
	if (isup_msg_init(out, v, type, 0))
		return -EINVAL;
	if (type == ISUP_MT_ACM) {
		/* s8.2.3 table: the BCI an ACM carries when no encapsulated ACM is available */
		struct isup_bci bci = {
			.charge = 2, .called_status = b->called_status, .called_category = 1, .isup_ind = 1
		};
		if (isup_msg_put_bits(out, ISUP_PAR_BCI, &bci))
			return -EINVAL;
		if (b->inband) {
			struct isup_obci ob = { .inband_info = 1 };
			if (isup_msg_put_bits(out, ISUP_PAR_OBCI, &ob))
				return -EINVAL;
		}
		return 0;
	}
	struct isup_event_info ev = { .event = event };
	return isup_msg_put_bits(out, ISUP_PAR_EVENT_INFO, &ev) ? -EINVAL : 0;
}

/* ---- SIP -> ISUP ---- */

int gw_map_uri_user(const char *uri, char *out, size_t size)
{
	const char *p = uri;
	while (*p == ' ' || *p == '<')
		p++;
	if (!strncasecmp(p, "tel:", 4))
		p += 4;
	else if (!strncasecmp(p, "sips:", 5))
		p += 5;
	else if (!strncasecmp(p, "sip:", 4))
		p += 4;
	else
		return -EINVAL;
	size_t k = 0;
	for (; *p && *p != ';' && *p != '@' && *p != '>' && *p != '?'; p++) {
		if (*p == '-' || *p == '.' || *p == '(' || *p == ')')
			continue; /* RFC 3966 visual separators */
		if (k + 1 >= size)
			return -ENOSPC;
		if (isdigit((unsigned char)*p) || (*p == '+' && k == 0) || *p == '*' || *p == '#')
			out[k++] = *p;
		else
			return -EINVAL; /* not a telephone number */
	}
	out[k] = 0;
	return k && !(k == 1 && out[0] == '+') ? 0 : -EINVAL;
}

/* The URI inside a name-addr, or the value itself */
static const char *addr_uri(const char *hv, char *buf, size_t size)
{
	const char *lt = strchr(hv, '<');
	if (!lt) {
		snprintf(buf, size, "%s", hv);
		char *semi = strchr(buf, ';');
		if (semi && strncasecmp(buf, "tel:", 4))
			*semi = 0;
		return buf;
	}
	const char *gt = strchr(lt, '>');
	size_t n = gt ? (size_t)(gt - lt - 1) : strlen(lt + 1);
	snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), lt + 1);
	return buf;
}

/* s12.2: tel URI -> ISUP number (NPI ISDN; local country code -> national, else international) */
static int user_to_number(const char *user, const struct gw_map_cfg *cfg, struct isup_number *n)
{
	memset(n, 0, sizeof(*n));
	n->npi = 1;
	const char *d = user;
	if (d[0] == '+') {
		d++;
		size_t ccl = strlen(cfg->country_code);
		if (ccl && !strncmp(d, cfg->country_code, ccl) && d[ccl]) {
			d += ccl;
			n->nai = ISUP_NAI_NATIONAL;
		} else {
			n->nai = ISUP_NAI_INTERNATIONAL;
		}
	} else {
		n->nai = cfg->in_nai;
	}
	size_t k = 0;
	for (; *d && k < ISUP_NUM_MAX_DIGITS; d++) {
		if (isdigit((unsigned char)*d))
			n->digits[k++] = *d;
		else if (*d == '*')
			n->digits[k++] = 'B';
		else if (*d == '#')
			n->digits[k++] = 'C';
		else
			return -EINVAL;
	}
	if (!k || *d)
		return -EINVAL;
	n->digits[k] = 0;
	n->n_digits = (uint8_t)k;
	return 0;
}

static bool is_anonymous(const char *hv)
{
	return strcasestr(hv, "anonymous") != NULL;
}

/* RFC 3323 s4.2, RFC 3325 s7: Privacy values that hide the caller's identity: id, user, header */
static bool privacy_restricts(const char *pv)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", pv);
	char *save = NULL;
	for (char *t = strtok_r(buf, " \t;,", &save); t; t = strtok_r(NULL, " \t;,", &save))
		if (!strcasecmp(t, "id") || !strcasecmp(t, "user") || !strcasecmp(t, "header"))
			return true;
	return false;
}

int gw_map_invite_to_iam(const struct sip_invite *inv, const struct isup_msg *encap, const struct gw_map_cfg *cfg,
			 enum isup_variant v, struct isup_msg *iam)
{
	char user[80], ubuf[256];
	struct isup_number n;
	if (gw_map_uri_user(inv->ruri, user, sizeof(user)) || user_to_number(user, cfg, &n))
		return 484; /* s12.2: a Request-URI that cannot become a called number */

	if (encap && encap->type == ISUP_MT_IAM && encap->variant == v) {
		/* s7.2.1.1: reuse the encapsulated IAM; SIP header values overwrite what they carry */
		*iam = *encap;
		iam->cic = 0;
		struct isup_number old;
		if (!isup_msg_get_number(encap, ISUP_PAR_CALLED, &old)) {
			/* keep the encapsulated number when the Request-URI names the same one (its INN, NAI) */
			char ou[80];
			if (!gw_map_number_to_user(&old, cfg, ou, sizeof(ou)) && !strcmp(ou, user))
				n = old;
		}
	} else {
		if (isup_msg_init(iam, v, ISUP_MT_IAM, 0))
			return 500;
		struct isup_nci nci = { 0 };
		/* s7.2.1.1: no usable encapsulated ISUP: no interworking, ISUP used all the way */
		struct isup_fci fci = { .isup_ind = 1 };
		struct isup_u8 cpc = { cfg->cpc }, tmr = { cfg->tmr };
		isup_msg_put_bits(iam, ISUP_PAR_NCI, &nci);
		isup_msg_put_bits(iam, ISUP_PAR_FCI, &fci);
		isup_msg_put_bits(iam, ISUP_PAR_CPC, &cpc);
		if (v == ISUP_VAR_ANSI) {
			struct isup_usi usi = { .itc = 0, .rate = 16, .has_l1 = true, .l1 = 2, .l1_ext = 1 };
			uint8_t b[32];
			int l = isup_usi_encode(&usi, b, sizeof(b));
			if (l > 0)
				isup_msg_set(iam, ISUP_PAR_USI, b, (uint8_t)l);
		} else {
			isup_msg_put_bits(iam, ISUP_PAR_TMR, &tmr);
		}
	}
	if (isup_msg_put_number(iam, ISUP_PAR_CALLED, &n))
		return 500;

	/* calling number: P-Asserted-Identity from a trusted peer, else From (s7.2.1.1: omit when unusable);
	 * anonymous From or Privacy: id -> presentation restricted */
	const char *src = cfg->trusted && inv->pai[0] ? inv->pai : inv->from;
	/* whichever source restricts wins: the headers, or the encapsulated IAM (issue 18) */
	struct isup_number ecg;
	bool encap_restricted = encap && !isup_msg_get_number(encap, ISUP_PAR_CALLING, &ecg) && ecg.apri == 1;
	bool restricted = privacy_restricts(inv->privacy) || is_anonymous(inv->from) || encap_restricted;
	struct isup_number cg;
	if (!gw_map_uri_user(addr_uri(src, ubuf, sizeof(ubuf)), user, sizeof(user)) &&
	    !user_to_number(user, cfg, &cg)) {
		cg.si = 3; /* s12.2: network provided */
		cg.apri = restricted ? 1 : 0;
		/* transparency: the encapsulated calling number stays when the headers name the same number
		 * with the same presentation (its screening and NI are not in SIP) */
		struct isup_number old;
		char ou[80];
		if (encap && !isup_msg_get_number(encap, ISUP_PAR_CALLING, &old) && old.apri == cg.apri &&
		    !gw_map_number_to_user(&old, cfg, ou, sizeof(ou)) && !strcmp(ou, user))
			cg = old;
		isup_msg_put_number(iam, ISUP_PAR_CALLING, &cg);
		const char *cp = strcasestr(src, "cpc=");
		if (cp) {
			char name[16] = "";
			sscanf(cp + 4, "%15[a-zA-Z-]", name);
			struct isup_u8 cpc = { cpc_value(name) };
			isup_msg_put_bits(iam, ISUP_PAR_CPC, &cpc);
		}
	} else if (!encap) {
		isup_msg_del(iam, ISUP_PAR_CALLING);
	} else if (restricted && !isup_msg_get_number(iam, ISUP_PAR_CALLING, &cg) && cg.apri == 0) {
		/* the encapsulated number stays, but the headers asked for privacy */
		cg.apri = 1;
		isup_msg_put_number(iam, ISUP_PAR_CALLING, &cg);
	}

	/* s7.2.1.1: To naming another number than the Request-URI -> original called number */
	char tuser[80], ruser[80];
	struct isup_number oc;
	if (inv->to[0] && !gw_map_uri_user(addr_uri(inv->to, ubuf, sizeof(ubuf)), tuser, sizeof(tuser)) &&
	    !gw_map_uri_user(inv->ruri, ruser, sizeof(ruser)) && strcmp(ruser, tuser) &&
	    !user_to_number(tuser, cfg, &oc))
		isup_msg_put_number(iam, ISUP_PAR_ORIG_CALLED, &oc);

	/* Diversion -> redirecting number (not in RFC 3398) */
	struct isup_number rd;
	if (inv->diversion[0] && !gw_map_uri_user(addr_uri(inv->diversion, ubuf, sizeof(ubuf)), user, sizeof(user)) &&
	    !user_to_number(user, cfg, &rd))
		isup_msg_put_number(iam, ISUP_PAR_REDIRECTING, &rd);

	/* Max-Forwards -> hop counter (not in RFC 3398; Q.1912.5). With an encapsulated IAM only a hop counter
	 * it carried is updated (transparency adds no parameter the originating exchange left out), and it
	 * never goes up: the lower of the two, the hop counter exists to end loops (issue 18). */
	struct isup_hop_counter ehc;
	bool encap_hop = encap && !isup_msg_get_bits(encap, ISUP_PAR_HOP_COUNTER, &ehc);
	if (encap_hop || (!encap && v == ISUP_VAR_ITU)) {
		struct isup_hop_counter hc = { .count = inv->max_forwards >= 0 ?
								gw_map_max_forwards_to_hop(inv->max_forwards) :
								cfg->hop_counter };
		if (encap_hop && ehc.count < hc.count)
			hc.count = ehc.count;
		isup_msg_put_bits(iam, ISUP_PAR_HOP_COUNTER, &hc);
	}
	return 0;
}

int gw_map_backward_to_status(const struct isup_msg *m)
{
	switch (m->type) {
	case ISUP_MT_ACM: {
		struct isup_bci bci = { 0 };
		struct isup_obci ob = { 0 };
		isup_msg_get_bits(m, ISUP_PAR_BCI, &bci);
		bool inband = !isup_msg_get_bits(m, ISUP_PAR_OBCI, &ob) && ob.inband_info;
		/* s7.2.6: interworking encountered or in-band info -> 183; subscriber free -> 180;
		 * s7.2.5: early ACM (no indication) -> 183 */
		if (bci.interworking || inband)
			return 183;
		return bci.called_status == 1 ? 180 : 183;
	}
	case ISUP_MT_CPG: {
		struct isup_event_info ev = { 0 };
		if (isup_msg_get_bits(m, ISUP_PAR_EVENT_INFO, &ev))
			return 183;
		switch (ev.event) { /* s7.2.9 table */
		case 1:
			return 180;
		case 4:
		case 5:
		case 6:
			return 181;
		default:
			return 183;
		}
	}
	case ISUP_MT_ANM:
	case ISUP_MT_CON:
		return 200; /* s7.2.7 */
	}
	return 0;
}

int gw_map_cause22_contact(const struct isup_cause *ca, enum isup_variant v, const struct gw_map_cfg *cfg, char *out,
			   size_t size)
{
	if (!ca || ca->cause != 22 || !ca->diag_len)
		return -EINVAL;
	struct isup_number n;
	memset(&n, 0, sizeof(n));
	const uint8_t *d = ca->diag;
	size_t len = ca->diag_len;
	if (d[0] == 0x70) {
		/* 0x70 would be a reserved nature of address in the ISUP form: take it as the Q.931 element */
		if (len < 3 || d[1] < 1 || d[1] > len - 2)
			return -EINVAL;
		/* Q.931 4.5.8 called party number: type and plan, then IA5 digits */
		uint8_t ton = (d[2] >> 4) & 7;
		n.nai = ton == 1 ? 4 : ton == 2 ? 3 : 2; /* international / national / unknown -> subscriber */
		size_t k = 0;
		for (size_t i = 3; i < (size_t)d[1] + 2 && k < ISUP_NUM_MAX_DIGITS; i++) {
			if (d[i] < '0' || d[i] > '9')
				return -EINVAL;
			n.digits[k++] = (char)d[i];
		}
		n.digits[k] = 0;
		n.n_digits = (uint8_t)k;
	} else if (isup_number_decode(v, ISUP_PAR_CALLED, d, (uint8_t)len, &n)) {
		return -EINVAL;
	}
	if (!n.n_digits)
		return -EINVAL;
	char user[ISUP_NUM_MAX_DIGITS + 8];
	if (gw_map_number_to_user(&n, cfg, user, sizeof(user)))
		return -EINVAL;
	user_uri(user, cfg, out, size);
	return 0;
}
