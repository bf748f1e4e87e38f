/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Requests sofia-sip 1.12.11 cannot take but that deserve an answer, answered by us: sip_loop.c peeks at
 * every datagram waiting on sofia's UDP transport sockets before sofia reads it (sofia reads one datagram
 * a socket per dispatch), and the ones judged here are read and answered at once, statelessly.
 *
 * - A method that is an RFC 3261 token but holds a character sofia's sip_method_d() refuses ('+' and '`':
 *   it takes the URI's "unreserved" set for the method's): the request line fails, sofia drops the whole
 *   message as garbage, the client retransmits for 32 s. RFC 4475 3.1.1.3 (intmeth) wants 501. Every
 *   method we implement is letters only, so any such method is one we do not implement: 501.
 * - A SIP-Version other than SIP/2.0: nta answers 505, but before it puts received= into the Via
 *   (agent_recv_request() calls mreply() ahead of agent_check_request_via()), so the answer goes to the
 *   Via's sent-by host looked up in the DNS instead of the source address (RFC 3261 18.2.2, RFC 4475
 *   3.1.2.16 badvers): 505 here, to the source.
 * - A NUL octet in the header section (legal inside a quoted string, RFC 4475 intmeth has one): sofia's
 *   msg_extract() ends the field at the NUL and then finds no header name, so the message never
 *   completes and is dropped: 400 here, or 501 for a method we do not know (RFC 3261 8.2.1 inspects the
 *   method first).
 *
 * ACK is never answered, responses and anything without a parsable request line stay sofia's (it drops
 * them), and an answer needs Via, From, To, Call-ID and CSeq to copy. TCP and TLS are not filtered: a
 * stream has no message boundaries we could see before sofia, which reads all that is there. */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <osmocom/core/logging.h>

#include <sofia-sip/sip.h>
#include <sofia-sip/sip_parser.h>

#include "sip_agent.h"
#include "sip_leg_fsm.h"
#include "sip_prefilter.h"

/* RFC 3261 25.1: token */
static bool is_token_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-.!%*_+`'~", c));
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* the header section's length: up to the empty line that ends it (the whole message when none) */
static size_t head_len(const char *m, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (m[i] != '\n')
			continue;
		if (m[i + 1] == '\n')
			return i + 1;
		if (m[i + 1] == '\r' && i + 2 < len && m[i + 2] == '\n')
			return i + 1;
	}
	return len;
}

/* the end of the line at pos (its '\n', or len), and the end of its text (before "\r\n") */
static size_t line_end(const char *m, size_t len, size_t pos, size_t *text_end)
{
	const char *nl = memchr(m + pos, '\n', len - pos);
	size_t e = nl ? (size_t)(nl - m) : len;
	*text_end = e > pos && m[e - 1] == '\r' ? e - 1 : e;
	return e;
}

struct request_line {
	const char *method;
	size_t method_len;
	bool version_2_0;
};

/* "Method SP Request-URI SP SIP/digits.digits"; false when the line is not one (sofia's to drop) */
static bool parse_request_line(const char *m, size_t len, struct request_line *rl)
{
	size_t end;
	line_end(m, len, 0, &end);
	size_t i = 0;
	while (i < end && is_token_char((unsigned char)m[i]))
		i++;
	if (!i || i >= end || m[i] != ' ')
		return false;
	rl->method = m;
	rl->method_len = i;
	const char *sp = memchr(m + i + 1, ' ', end - i - 1);
	if (!sp || sp == m + i + 1)
		return false;
	const char *v = sp + 1;
	size_t vlen = (size_t)(m + end - v);
	if (vlen < 7 || strncasecmp(v, "SIP/", 4))
		return false;
	size_t d1 = 4, d2;
	while (d1 < vlen && v[d1] >= '0' && v[d1] <= '9')
		d1++;
	if (d1 == 4 || d1 >= vlen || v[d1] != '.')
		return false;
	for (d2 = d1 + 1; d2 < vlen && v[d2] >= '0' && v[d2] <= '9'; d2++)
		;
	if (d2 == d1 + 1 || d2 != vlen)
		return false;
	rl->version_2_0 = vlen == 7 && !strncmp(v + 4, "2.0", 3);
	return true;
}

int sip_prefilter_judge(const char *msg, size_t len)
{
	struct request_line rl;
	if (!parse_request_line(msg, len, &rl))
		return 0;
	if (rl.method_len == 3 && !memcmp(rl.method, "ACK", 3))
		return 0;
	if (!rl.version_2_0)
		return 505;
	/* sofia's verdict on the method, from sofia itself: sip_method_d() does not write when given no
	 * name pointer, and stops at the NUL */
	char name[64];
	int code = sip_method_unknown;
	if (rl.method_len < sizeof(name)) {
		memcpy(name, rl.method, rl.method_len);
		name[rl.method_len] = 0;
		char *p = name;
		code = sip_method_d(&p, NULL);
	}
	if (code == sip_method_invalid)
		return 501;
	if (memchr(msg, 0, head_len(msg, len)))
		return code == sip_method_unknown ? 501 : 400;
	return 0;
}

/* ---- the answer ---- */

/* one header field (with its continuation lines) */
struct field {
	size_t start, end; /* the field's text, without its line end */
	size_t value;	   /* first octet of the value */
	size_t name_len;
};

/* the field at *pos within the header section; false at its end */
static bool next_field(const char *m, size_t hlen, size_t *pos, struct field *f)
{
	while (*pos < hlen) {
		size_t text_end, e = line_end(m, hlen, *pos, &text_end);
		f->start = *pos;
		f->end = text_end;
		/* continuation lines start with white space (RFC 3261 7.3.1) */
		while (e + 1 < hlen && is_ws(m[e + 1]))
			e = line_end(m, hlen, e + 1, &f->end);
		*pos = e + 1;
		const char *colon = memchr(m + f->start, ':', f->end - f->start);
		if (!colon)
			continue; /* not a header field: not ours to repair */
		size_t n = (size_t)(colon - m) - f->start;
		while (n && is_ws(m[f->start + n - 1]))
			n--;
		f->name_len = n;
		f->value = (size_t)(colon - m) + 1;
		while (f->value < f->end && is_ws(m[f->value]))
			f->value++;
		return true;
	}
	return false;
}

static bool field_is(const char *m, const struct field *f, const char *name, char compact)
{
	size_t n = strlen(name);
	if (f->name_len == n && !strncasecmp(m + f->start, name, n))
		return true;
	return compact && f->name_len == 1 && (m[f->start] | 0x20) == compact;
}

struct out {
	char *p;
	size_t size, n;
	bool over;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->over || o->n + n >= o->size) {
		o->over = true;
		return;
	}
	memcpy(o->p + o->n, s, n);
	o->n += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* the end of the first value of a comma-separated field (the top Via of a Via field), white space
 * before it left out */
static size_t first_value_end(const char *m, const struct field *f)
{
	bool quoted = false;
	size_t i;
	for (i = f->value; i < f->end; i++) {
		if (quoted && m[i] == '\\')
			i++;
		else if (m[i] == '"')
			quoted = !quoted;
		else if (!quoted && m[i] == ',')
			break;
	}
	if (i > f->end)
		i = f->end;
	while (i > f->value && (is_ws(m[i - 1]) || m[i - 1] == '\r' || m[i - 1] == '\n'))
		i--;
	return i;
}

struct top_via {
	size_t end;	  /* end of the first via-parm */
	size_t rport_end; /* end of a valueless ";rport", or 0 */
	size_t host, host_len;
	unsigned port; /* sent-by port, 0 when none */
};

/* "SIP / 2.0 / UDP host[:port];params": the sent-by and a valueless rport */
static bool parse_top_via(const char *m, const struct field *f, struct top_via *tv)
{
	size_t i = f->value, e = first_value_end(m, f);
	tv->end = e;
	tv->rport_end = 0;
	tv->port = 0;
	for (int part = 0; part < 3; part++) {
		while (i < e && (is_ws(m[i]) || m[i] == '\r' || m[i] == '\n'))
			i++;
		size_t s = i;
		while (i < e && is_token_char((unsigned char)m[i]))
			i++;
		if (i == s)
			return false;
		while (i < e && (is_ws(m[i]) || m[i] == '\r' || m[i] == '\n'))
			i++;
		if (part < 2 && (i >= e || m[i++] != '/'))
			return false;
	}
	tv->host = i;
	if (i < e && m[i] == '[') {
		while (i < e && m[i] != ']')
			i++;
		if (i < e)
			i++;
	} else {
		while (i < e && !strchr(":;, \t\r\n", m[i]))
			i++;
	}
	tv->host_len = i - tv->host;
	if (!tv->host_len)
		return false;
	if (i < e && m[i] == ':') {
		unsigned port = 0;
		for (i++; i < e && m[i] >= '0' && m[i] <= '9' && port <= 65535; i++)
			port = port * 10 + (unsigned)(m[i] - '0');
		tv->port = port <= 65535 ? port : 0;
	}
	/* the parameters: a ";rport" without a value is filled (RFC 3581 4) */
	for (; i < e; i++) {
		if (m[i] != ';')
			continue;
		size_t p = i + 1;
		while (p < e && is_ws(m[p]))
			p++;
		if (e - p >= 5 && !strncasecmp(m + p, "rport", 5)) {
			size_t q = p + 5;
			while (q < e && is_ws(m[q]))
				q++;
			if (q == e || m[q] == ';')
				tv->rport_end = p + 5;
		}
	}
	return true;
}

/* whether a To value has a tag parameter (outside its quoted display name and <URI>) */
static bool has_tag(const char *m, size_t from, size_t to)
{
	bool quoted = false;
	int angle = 0;
	for (size_t i = from; i < to; i++) {
		char c = m[i];
		if (quoted) {
			if (c == '\\')
				i++;
			else if (c == '"')
				quoted = false;
			continue;
		}
		if (c == '"')
			quoted = true;
		else if (c == '<')
			angle++;
		else if (c == '>' && angle)
			angle--;
		else if (c == ';' && !angle) {
			size_t p = i + 1;
			while (p < to && is_ws(m[p]))
				p++;
			if (to - p >= 3 && !strncasecmp(m + p, "tag", 3)) {
				p += 3;
				while (p < to && is_ws(m[p]))
					p++;
				if (p < to && m[p] == '=')
					return true;
			}
		}
	}
	return false;
}

static const char *phrase(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 501:
		return "Not Implemented";
	case 505:
		return "Version Not Supported";
	default:
		return "Error";
	}
}

/* FNV-1a: the To tag is the same for every retransmission of the request */
static uint32_t hash(uint32_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

int sip_prefilter_answer(const char *req, size_t len, int status, const struct sockaddr *src, char *out, size_t size,
			 struct sockaddr_storage *dst)
{
	size_t hlen = head_len(req, len), e;
	size_t pos = line_end(req, hlen, 0, &e) + 1; /* after the request line */
	struct field f, via = { 0 }, from = { 0 }, to = { 0 }, call_id = { 0 }, cseq = { 0 };
	size_t first = pos;
	while (next_field(req, hlen, &pos, &f)) {
		if (!via.end && field_is(req, &f, "Via", 'v'))
			via = f;
		else if (!from.end && field_is(req, &f, "From", 'f'))
			from = f;
		else if (!to.end && field_is(req, &f, "To", 't'))
			to = f;
		else if (!call_id.end && field_is(req, &f, "Call-ID", 'i'))
			call_id = f;
		else if (!cseq.end && field_is(req, &f, "CSeq", 0))
			cseq = f;
	}
	struct top_via tv;
	if (!via.end || !from.end || !to.end || !call_id.end || !cseq.end || !parse_top_via(req, &via, &tv))
		return -1;

	char ip[INET6_ADDRSTRLEN] = "", port_txt[8];
	unsigned src_port;
	memset(dst, 0, sizeof(*dst));
	if (src->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)src;
		inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
		src_port = ntohs(sin->sin_port);
		memcpy(dst, sin, sizeof(*sin));
	} else if (src->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)src;
		inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
		src_port = ntohs(sin6->sin6_port);
		memcpy(dst, sin6, sizeof(*sin6));
	} else {
		return -1;
	}
	unsigned dst_port = tv.rport_end ? src_port : tv.port ? tv.port : 5060;
	if (src->sa_family == AF_INET)
		((struct sockaddr_in *)dst)->sin_port = htons((uint16_t)dst_port);
	else
		((struct sockaddr_in6 *)dst)->sin6_port = htons((uint16_t)dst_port);

	struct out o = { .p = out, .size = size };
	char line[64];
	snprintf(line, sizeof(line), "SIP/2.0 %d %s\r\n", status, phrase(status));
	puts_(&o, line);
	/* the Via fields in order; the top one says where the request came from (RFC 3261 18.2.1) */
	pos = first;
	while (next_field(req, hlen, &pos, &f)) {
		if (!field_is(req, &f, "Via", 'v'))
			continue;
		if (f.start != via.start) {
			put(&o, req + f.start, f.end - f.start);
			puts_(&o, "\r\n");
			continue;
		}
		size_t at = f.start;
		if (tv.rport_end) {
			put(&o, req + at, tv.rport_end - at);
			snprintf(port_txt, sizeof(port_txt), "=%u", src_port);
			puts_(&o, port_txt);
			at = tv.rport_end;
		}
		put(&o, req + at, tv.end - at);
		bool bracketed = tv.host_len > 2 && req[tv.host] == '[';
		size_t hl = bracketed ? tv.host_len - 2 : tv.host_len;
		if (hl != strlen(ip) || strncasecmp(req + tv.host + bracketed, ip, hl)) {
			puts_(&o, ";received=");
			puts_(&o, ip);
		}
		put(&o, req + tv.end, f.end - tv.end);
		puts_(&o, "\r\n");
	}
	put(&o, req + from.start, from.end - from.start);
	puts_(&o, "\r\n");
	put(&o, req + to.start, to.end - to.start);
	if (!has_tag(req, to.value, to.end)) {
		uint32_t h = hash(2166136261u, req + call_id.value, call_id.end - call_id.value);
		h = hash(h, req + from.value, from.end - from.value);
		h = hash(h, req + cseq.value, cseq.end - cseq.value);
		snprintf(line, sizeof(line), ";tag=gw%08x", h);
		puts_(&o, line);
	}
	puts_(&o, "\r\n");
	put(&o, req + call_id.start, call_id.end - call_id.start);
	puts_(&o, "\r\n");
	put(&o, req + cseq.start, cseq.end - cseq.start);
	puts_(&o, "\r\nContent-Length: 0\r\n\r\n");
	return o.over ? -1 : (int)o.n;
}

/* ---- the datagrams ---- */

bool sip_prefilter_udp(int fd, char *buf, size_t buf_size, char *out, size_t out_size, struct sip_conn_stats *st)
{
	/* a bound on the work of one round: what is left is seen next round */
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage src, dst;
		struct iovec iov = { .iov_base = buf, .iov_len = buf_size };
		struct msghdr mh = { .msg_name = &src, .msg_namelen = sizeof(src), .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &mh, MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK; /* an error is sofia's to read */
		if (n == 0 || (size_t)n > buf_size)
			return true;
		int status = sip_prefilter_judge(buf, (size_t)n);
		if (!status)
			return true;
		int m = sip_prefilter_answer(buf, (size_t)n, status, (struct sockaddr *)&src, out, out_size, &dst);
		if (m < 0)
			return true; /* nothing to answer with: sofia drops it */
		recv(fd, buf, 1, MSG_DONTWAIT);
		socklen_t dst_len =
			dst.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		if (sendto(fd, out, (size_t)m, MSG_DONTWAIT, (struct sockaddr *)&dst, dst_len) < 0)
			LOGP(sip_log_cat, LOGL_INFO, "cannot send our %d: %s\n", status, strerror(errno));
		if (status == 505)
			st->answered_505++;
		else if (status == 501)
			st->answered_501++;
		else
			st->answered_400++;
		LOGP(sip_log_cat, LOGL_INFO, "a request sofia cannot take answered here with %d\n", status);
	}
	return true;
}
