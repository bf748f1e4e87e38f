/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SDP offer/answer on sofia-sip's SDP parser. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

#include "sdp_oa.h"

/* RFC 4566 token characters */
static bool token_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-!#$%&'*+.^_`{|}~", c));
}

static size_t span_sp(const char *s, size_t i, size_t end)
{
	while (i < end && s[i] == ' ')
		i++;
	return i;
}

static size_t span_token(const char *s, size_t i, size_t end)
{
	while (i < end && token_char((unsigned char)s[i]))
		i++;
	return i;
}

static size_t span_digits(const char *s, size_t i, size_t end)
{
	while (i < end && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* The rest of an m= line, [i, end), is media SP port ["/" integer] SP proto 1*(SP fmt) (RFC 4566 s5.14),
 * taken with sofia's leniency about runs of spaces and an empty format list; a tab (which RFC 4566 does
 * not allow there) is refused: sofia's format list loop is one of the ways into its endless loop. */
static bool m_line_ok(const char *s, size_t i, size_t end)
{
	i = span_sp(s, i, end);
	size_t j = span_token(s, i, end);
	if (j == i || (i = span_sp(s, j, end)) == j)
		return false; /* media */
	if ((j = span_digits(s, i, end)) == i)
		return false; /* port */
	if (j < end && s[j] == '/') {
		i = j + 1;
		if ((j = span_digits(s, i, end)) == i)
			return false; /* number of ports */
	}
	if ((i = span_sp(s, j, end)) == j)
		return false;
	for (;;) { /* proto */
		if ((j = span_token(s, i, end)) == i)
			return false;
		if (j == end || s[j] != '/')
			break;
		i = j + 1;
	}
	for (;;) { /* formats */
		i = span_sp(s, j, end);
		if (i == end)
			return true;
		if (i == j || (j = span_token(s, i, end)) == i)
			return false;
	}
}

/* Every m= line is checked before sofia-sip sees the SDP: its parser (1.12.11, as Debian ships it) loops
 * for ever on the format list of a non-RTP protocol that holds a character outside a token
 * ("m=audio 4 X @", "m=audio 4X /Y"), taking memory until there is none - one SDP from a peer would take
 * the gateway down. Lines as sofia splits them: at CR or LF, leading blanks skipped. */
static bool m_lines_ok(const char *sdp, size_t len)
{
	size_t i = 0;
	while (i < len) {
		while (i < len && (sdp[i] == ' ' || sdp[i] == '\t'))
			i++;
		size_t end = i;
		while (end < len && sdp[end] != '\r' && sdp[end] != '\n')
			end++;
		if (end - i >= 2 && sdp[i] == 'm' && sdp[i + 1] == '=' && !m_line_ok(sdp, i + 2, end))
			return false;
		i = end;
		while (i < len && (sdp[i] == '\r' || sdp[i] == '\n'))
			i++;
	}
	return true;
}

/* The first audio stream over RTP/AVP; *warn says why there is none we could answer: the RFC 3261 s20.43
 * warn-code (0 when the stream lists PCMA or PCMU). */
static int parse(const char *sdp, size_t len, struct sdp_desc *d, int *warn)
{
	memset(d, 0, sizeof(*d));
	d->te_pt = -1;
	d->clearmode_pt = -1;
	*warn = SDP_WARN_UNPARSEABLE;
	if (!m_lines_ok(sdp, len))
		return -EBADMSG;
	su_home_t *home = su_home_new(sizeof(su_home_t));
	if (!home)
		return -ENOMEM;
	int rc = -EBADMSG;
	sdp_parser_t *p = sdp_parse(home, sdp, (issize_t)len, sdp_f_mode_0000);
	sdp_session_t *s = p ? sdp_session(p) : NULL;
	if (!s)
		goto out;
	if (s->sdp_origin)
		d->version = s->sdp_origin->o_version;
	*warn = SDP_WARN_MEDIA_TYPE;
	for (sdp_media_t *m = s->sdp_media; m; m = m->m_next) {
		if (m->m_type != sdp_media_audio)
			continue;
		if (m->m_proto != sdp_proto_rtp) {
			*warn = SDP_WARN_TRANSPORT; /* audio, but over SRTP or something else we do not speak */
			continue;
		}
		sdp_connection_t *c = m->m_connections ? m->m_connections : s->sdp_connection;
		if (!c || !c->c_address || c->c_addrtype != sdp_addr_ip4) {
			*warn = SDP_WARN_NET_ADDR;
			goto out;
		}
		snprintf(d->addr, sizeof(d->addr), "%s", c->c_address);
		d->port = m->m_rejected ? 0 : (uint16_t)m->m_port;
		d->dir = (enum sdp_dir)m->m_mode;
		if (!strcmp(d->addr, "0.0.0.0")) /* RFC 2543 hold */
			d->dir = (enum sdp_dir)(d->dir & SDP_SENDONLY);
		/* sofia lists the static payload types of the m= line (RFC 3551 s6) as rtpmaps of their own, so
		 * "m=audio 4000 RTP/AVP 0" without an a=rtpmap is PCMU here as well */
		for (sdp_rtpmap_t *r = m->m_rtpmaps; r; r = r->rm_next) {
			if (!r->rm_encoding || r->rm_rate != 8000)
				continue;
			if ((!strcasecmp(r->rm_encoding, "PCMU") || !strcasecmp(r->rm_encoding, "PCMA")) &&
			    d->n_pts < sizeof(d->pts)) {
				/* the static numbers only: a dynamic G.711 mapping is not something G.711 gear sends */
				if (r->rm_pt == 0 || r->rm_pt == 8)
					d->pts[d->n_pts++] = (uint8_t)r->rm_pt;
			} else if (!strcasecmp(r->rm_encoding, "telephone-event") && d->te_pt < 0) {
				d->te_pt = r->rm_pt;
			} else if (!strcasecmp(r->rm_encoding, "CLEARMODE")) {
				d->clearmode = true;
				d->clearmode_pt = r->rm_pt;
			}
		}
		sdp_attribute_t *a = sdp_attribute_find(m->m_attributes, "ptime");
		if (a && a->a_value) {
			long pt = strtol(a->a_value, NULL, 10);
			d->ptime = pt > 0 && pt <= 1000 ? (unsigned)pt : 0;
		}
		*warn = d->n_pts ? 0 : SDP_WARN_FORMAT;
		rc = 0;
		break;
	}
out:
	if (p)
		sdp_parser_free(p);
	su_home_unref(home);
	return rc;
}

int sdp_oa_parse(const char *sdp, size_t len, struct sdp_desc *d)
{
	int warn;
	return parse(sdp, len, d, &warn);
}

int sdp_oa_answerable(const char *sdp, size_t len, struct sdp_desc *d)
{
	int warn;
	int rc = parse(sdp, len, d, &warn);
	return rc == -ENOMEM ? rc : warn;
}

const char *sdp_oa_warn_text(int warn)
{
	switch (warn) {
	case SDP_WARN_UNPARSEABLE:
		return "SDP offer not parseable";
	case SDP_WARN_NET_ADDR:
		return "audio only with an address other than IPv4";
	case SDP_WARN_TRANSPORT:
		return "audio only over a profile other than RTP/AVP";
	case SDP_WARN_MEDIA_TYPE:
		return "no audio stream offered";
	case SDP_WARN_FORMAT:
		return "neither PCMA nor PCMU offered";
	}
	return "";
}

enum sdp_dir sdp_oa_mirror(enum sdp_dir dir)
{
	return (enum sdp_dir)(((dir & SDP_SENDONLY) ? SDP_RECVONLY : 0) | ((dir & SDP_RECVONLY) ? SDP_SENDONLY : 0));
}

int sdp_oa_choose(const struct sdp_desc *remote, int prefer, bool remote_is_offer)
{
	(void)remote_is_offer;
	if (!remote->n_pts)
		return -1;
	/* RFC 3264 s6.1: the answerer should use the offerer's order; we follow it, except that the TDM
	 * side's own law is worth a transcoding saved when the offer lists both */
	for (unsigned i = 0; i < remote->n_pts; i++)
		if (remote->pts[i] == prefer)
			return prefer;
	return remote->pts[0];
}

static const char *dir_name(enum sdp_dir d)
{
	switch (d) {
	case SDP_INACTIVE:
		return "inactive";
	case SDP_SENDONLY:
		return "sendonly";
	case SDP_RECVONLY:
		return "recvonly";
	default:
		return "sendrecv";
	}
}

int sdp_oa_build(char *out, size_t size, const struct sdp_out *o)
{
	char fmts[64] = "", maps[256] = "";
	size_t fl = 0, ml = 0;
	for (unsigned i = 0; i < o->n_pts && i < 4; i++) {
		fl += (size_t)snprintf(fmts + fl, sizeof(fmts) - fl, " %u", o->pts[i]);
		ml += (size_t)snprintf(maps + ml, sizeof(maps) - ml, "a=rtpmap:%u %s/8000\r\n", o->pts[i],
				       o->pts[i] == 0 ? "PCMU" : "PCMA");
	}
	if (o->te_pt >= 0) {
		fl += (size_t)snprintf(fmts + fl, sizeof(fmts) - fl, " %d", o->te_pt);
		ml += (size_t)snprintf(maps + ml, sizeof(maps) - ml,
				       "a=rtpmap:%d telephone-event/8000\r\na=fmtp:%d 0-15\r\n", o->te_pt, o->te_pt);
	}
	int n = snprintf(out, size,
			 "v=0\r\no=isupgw %llu %llu IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
			 "m=audio %u RTP/AVP%s\r\n%sa=ptime:%u\r\na=%s\r\n",
			 (unsigned long long)o->sess_id, (unsigned long long)o->version, o->addr, o->addr, o->port,
			 fmts, maps, o->ptime ? o->ptime : 20, dir_name(o->dir));
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}
