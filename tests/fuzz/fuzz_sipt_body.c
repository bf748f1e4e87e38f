/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: a SIP-T message body (RFC 3204, RFC 3372) on its way through the gateway. The body is split
 * by its Content-Type (sip/sipt_body.c, sipt_mime.c) as sip_agent.c does for every request and response;
 * the ISUP part is decoded as gw_call.c's body_isup() does; then the RFC 3398 mapping (gateway/gw_map.c)
 * runs on what decoded: an INVITE with its headers and an encapsulated IAM becomes our IAM
 * (gw_map_invite_to_iam), an encapsulated ACM/CPG/ANM/CON/REL becomes a SIP status, an IAM a SIP request.
 * Last, the body goes out again the way sip_leg_fsm.c writes one (our SDP, the ISUP part as it came) and
 * must read back the same.
 *
 * Input: one octet of settings (trunk variant, the peer's map configuration), then lines up to an empty
 * line: the Content-Type, then INVITE headers as "R:" Request-URI, "F:" From, "T:" To, "P:" P-Asserted-
 * Identity, "V:" Privacy, "D:" Diversion, "M:" Max-Forwards; then the body. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/gw_cause.h"
#include "gateway/gw_map.h"
#include "isup/isup.h"
#include "sip/sipt_body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* sip_leg_fsm.c's boundary and buffer, as that file keeps them to itself */
#define BOUNDARY "isupgw-sipt-part"
#define OUT_MAX	 (SIPT_SDP_MAX + SIPT_ISUP_MAX + 512)

static const char our_sdp[] = "v=0\r\no=isupgw 1001 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
			      "m=audio 16384 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n"
			      "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n";

static void check_cstr(const char *s, size_t size)
{
	if (!memchr(s, 0, size))
		abort();
}

/* what sipt_body_parse() promises about a body it accepted */
static void check_body(const struct sipt_body *b, size_t len)
{
	if (b->sdp_len > len || b->sdp_len > SIPT_SDP_MAX || b->isup_len > len || b->isup_len > SIPT_ISUP_MAX)
		abort();
	if (b->has_sdp && b->sdp[b->sdp_len])
		abort(); /* the SDP is terminated where its length says */
	if (b->has_isup && (!b->isup_len || (b->isup_variant != SIPT_VAR_ITU && b->isup_variant != SIPT_VAR_ANSI) ||
			    (b->isup_handling != SIPT_HANDLING_REQUIRED && b->isup_handling != SIPT_HANDLING_OPTIONAL &&
			     b->isup_handling != SIPT_HANDLING_OTHER)))
		abort();
}

/* An IAM the gateway built must go on the wire and come back as it is. One built on an encapsulated IAM
 * may not encode (a mandatory part so long that the optional part's pointer no longer fits in an octet
 * once the headers added their parameters): the call then fails cleanly (isup_call_setup_req()). */
static void check_iam(const struct isup_msg *iam, bool encap)
{
	static uint8_t wire[ISUP_MSG_MAX_WIRE];
	static struct isup_msg back;
	struct isup_number n;
	if (iam->type != ISUP_MT_IAM || iam->cic || isup_msg_get_number(iam, ISUP_PAR_CALLED, &n) || !n.n_digits)
		abort();
	int len = isup_msg_encode(iam, wire, sizeof(wire));
	if (len < 0 && encap)
		return;
	if (len < 0 || isup_msg_decode(&back, (enum isup_variant)iam->variant, wire, (size_t)len) ||
	    !isup_msg_equal(iam, &back))
		abort();
}

/* ISUP -> SIP for an encapsulated message (the gateway as UAC reads these from SIP-T answers) */
static void map_to_sip(const struct isup_msg *m, const struct gw_map_cfg *cfg)
{
	int st = gw_map_backward_to_status(m);
	switch (m->type) {
	case ISUP_MT_ACM:
	case ISUP_MT_CPG:
		if (st != 180 && st != 181 && st != 183)
			abort();
		break;
	case ISUP_MT_ANM:
	case ISUP_MT_CON:
		if (st != 200)
			abort();
		break;
	default:
		if (st)
			abort();
	}
	struct isup_cause ca;
	if (!isup_msg_get_cause(m, &ca)) {
		char contact[256];
		bool nn = !gw_map_cause22_contact(&ca, (enum isup_variant)m->variant, cfg, contact, sizeof(contact));
		if (nn)
			check_cstr(contact, sizeof(contact));
		struct gw_sip_answer a = gw_cause_isup_to_sip(ca.cause, ca.location, nn, cfg->trusted);
		if (a.status && (a.status < 300 || a.status > 699))
			abort();
	}
	if (m->type == ISUP_MT_IAM) {
		/* what an IAM from the PSTN becomes toward SIP */
		static struct sip_invite_req req;
		if (!gw_map_iam_to_invite(m, cfg, &req)) {
			check_cstr(req.ruri, sizeof(req.ruri));
			check_cstr(req.from, sizeof(req.from));
			check_cstr(req.to, sizeof(req.to));
			check_cstr(req.pai, sizeof(req.pai));
			check_cstr(req.diversion, sizeof(req.diversion));
			check_cstr(req.history_info, sizeof(req.history_info));
			if (strncmp(req.ruri, "sip:", 4) && strncmp(req.ruri, "tel:", 4))
				abort();
			if (req.max_forwards < 1 || req.max_forwards > 255)
				abort();
		}
		struct isup_number cdpn;
		char uri[240], sdp[512];
		struct gw_map_target t = { .host = "192.0.2.7", .port = 5060, .uri_params = ";transport=tcp" };
		if (!isup_msg_get_number(m, ISUP_PAR_CALLED, &cdpn) &&
		    !gw_map_request_uri(&cdpn, cfg, &t, uri, sizeof(uri)))
			check_cstr(uri, sizeof(uri));
		int n = gw_map_sdp_offer(m, "192.0.2.1", 16384, sdp, sizeof(sdp));
		if (n <= 0 || (size_t)n >= sizeof(sdp))
			abort(); /* our offer always fits */
	}
}

/* the body as sip_leg_fsm.c's body_out() writes it, read back as the peer would read it */
static void check_rebuild(const struct sipt_body *in, bool with_sdp)
{
	static uint8_t out[OUT_MAX];
	static struct sipt_body back;
	char ctype[128];
	int n = sipt_body_build(with_sdp ? our_sdp : NULL, in->isup, in->isup_len, in->isup_variant, in->isup_handling,
				BOUNDARY, ctype, sizeof(ctype), out, sizeof(out));
	if (n < 0)
		abort(); /* any ISUP part we took fits in what we send */
	if (sipt_body_parse(ctype, out, (size_t)n, &back) || !back.has_isup || back.isup_len != in->isup_len ||
	    memcmp(back.isup, in->isup, in->isup_len) || back.isup_variant != in->isup_variant)
		abort();
	if (with_sdp && (!back.has_sdp || strcmp(back.sdp, our_sdp)))
		abort();
	if (in->isup_handling != SIPT_HANDLING_OTHER && with_sdp && back.isup_handling != in->isup_handling)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_invite inv;
	static struct isup_msg encap, iam;
	if (size < 1)
		return 0;
	uint8_t set = data[0];
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	memset(&inv, 0, sizeof(inv));
	inv.max_forwards = -1;
	char ctype[256] = "";
	/* the header block: at most 8 lines of at most 255 characters */
	for (unsigned line = 0; line < 8 && p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || nl - p > 255)
			break;
		size_t l = (size_t)(nl - p);
		const char *v = p + 2;
		int vl = l >= 2 ? (int)l - 2 : 0;
		if (!l) {
			p = nl + 1;
			break;
		}
		if (!line)
			snprintf(ctype, sizeof(ctype), "%.*s", (int)l, p);
		else if (l >= 2 && p[1] == ':')
			switch (p[0]) {
			case 'R':
				snprintf(inv.ruri, sizeof(inv.ruri), "%.*s", vl, v);
				break;
			case 'F':
				snprintf(inv.from, sizeof(inv.from), "%.*s", vl, v);
				break;
			case 'T':
				snprintf(inv.to, sizeof(inv.to), "%.*s", vl, v);
				break;
			case 'P':
				snprintf(inv.pai, sizeof(inv.pai), "%.*s", vl, v);
				break;
			case 'V':
				snprintf(inv.privacy, sizeof(inv.privacy), "%.*s", vl, v);
				break;
			case 'D':
				snprintf(inv.diversion, sizeof(inv.diversion), "%.*s", vl, v);
				break;
			case 'M': {
				char mf[16];
				snprintf(mf, sizeof(mf), "%.*s", vl < 15 ? vl : 15, v);
				inv.max_forwards = atoi(mf);
				break;
			}
			}
		p = nl + 1;
	}
	size_t blen = (size_t)(end - p);
	int rc = sipt_body_parse(ctype[0] ? ctype : NULL, (const uint8_t *)p, blen, &inv.body);
	if (rc > 0 || rc < SIPT_BODY_ERR_ISUP)
		abort();
	if (rc)
		return 0;
	check_body(&inv.body, blen);

	enum isup_variant v = set & 1 ? ISUP_VAR_ANSI : ISUP_VAR_ITU;
	struct gw_map_cfg cfg;
	gw_map_cfg_default(&cfg);
	if (set & 2)
		snprintf(cfg.country_code, sizeof(cfg.country_code), "49");
	cfg.trusted = set & 4;
	cfg.tel_uri = set & 8;
	cfg.diversion = !(set & 16);
	if (set & 32)
		cfg.in_nai = ISUP_NAI_UNKNOWN;

	/* gw_call.c body_isup(): the ISUP part counts when its variant is the trunk's and it decodes */
	bool has_encap = inv.body.has_isup && (int)inv.body.isup_variant == (int)v &&
			 isup_msg_decode_body(&encap, v, 0, inv.body.isup, inv.body.isup_len) == ISUP_OK;
	if (has_encap)
		map_to_sip(&encap, &cfg);
	if (inv.ruri[0]) {
		int st = gw_map_invite_to_iam(&inv, has_encap ? &encap : NULL, &cfg, v, &iam);
		if (st != 0 && st != 484 && st != 500)
			abort();
		if (!st)
			check_iam(&iam, has_encap);
	}
	if (inv.body.has_isup) {
		check_rebuild(&inv.body, false);
		check_rebuild(&inv.body, true);
	}
	return 0;
}
