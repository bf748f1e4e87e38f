/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SIP-T bodies: multipart/mixed (RFC 2046 s5.1) holding application/sdp and application/ISUP (RFC 3204).
 * The parser is bounded by the length it is given and never reads past it: bodies come from the network. */

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sipt_body.h"

const char *sipt_body_err_str(int err)
{
	switch (err) {
	case SIPT_BODY_OK:
		return "ok";
	case SIPT_BODY_ERR_CTYPE:
		return "unsupported content type";
	case SIPT_BODY_ERR_MULTIPART:
		return "malformed multipart body";
	case SIPT_BODY_ERR_TOO_BIG:
		return "body part too large";
	case SIPT_BODY_ERR_ISUP:
		return "unusable ISUP part";
	}
	return "?";
}

static bool type_is(const char *v, size_t vlen, const char *type)
{
	size_t n = strlen(type);
	while (vlen && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	return vlen >= n && !strncasecmp(v, type, n) && (vlen == n || v[n] == ';' || v[n] == ' ' || v[n] == '\t');
}

/* The boundary parameter of a multipart Content-Type (token or quoted string, RFC 2046 s5.1.1). */
static int get_boundary(const char *ct, char *out, size_t size)
{
	const char *p = strcasestr(ct, "boundary=");
	if (!p)
		return -1;
	p += 9;
	size_t n = 0;
	if (*p == '"') {
		p++;
		while (*p && *p != '"' && n + 1 < size)
			out[n++] = *p++;
		if (*p != '"')
			return -1;
	} else {
		while (*p && *p != ';' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && n + 1 < size)
			out[n++] = *p++;
	}
	out[n] = 0;
	return n >= 1 && n <= 70 ? 0 : -1; /* RFC 2046: 1 to 70 characters */
}

/* One part: its content is typed by ctype (a header value, not NUL terminated: ctlen). */
static int take_part(struct sipt_body *b, const char *ct, size_t ctlen, const char *disp, size_t displen,
		     const uint8_t *data, size_t len)
{
	char ctbuf[256], dbuf[128];
	if (!ct || type_is(ct, ctlen, "application/sdp")) {
		/* RFC 2046: a part without Content-Type is text/plain; we take a missing one as the SDP it always is */
		if (!ct && len && data[0] != 'v')
			goto other;
		if (len > SIPT_SDP_MAX)
			return SIPT_BODY_ERR_TOO_BIG;
		memcpy(b->sdp, data, len);
		b->sdp[len] = 0;
		b->sdp_len = len;
		b->has_sdp = true;
		return 0;
	}
	if (type_is(ct, ctlen, "application/isup")) {
		struct sipt_ctype t;
		struct sipt_disposition d = { .signal = true, .handling = SIPT_HANDLING_REQUIRED };
		snprintf(ctbuf, sizeof(ctbuf), "%.*s", (int)(ctlen < 255 ? ctlen : 255), ct);
		if (disp) {
			snprintf(dbuf, sizeof(dbuf), "%.*s", (int)(displen < 127 ? displen : 127), disp);
			if (sipt_disposition_parse(dbuf, &d))
				d.handling = SIPT_HANDLING_REQUIRED;
		}
		bool ok = !sipt_ctype_parse(ctbuf, &t) && len >= 1 && len <= SIPT_ISUP_MAX;
		enum sipt_variant v = ok ? sipt_ctype_variant(&t) : SIPT_VAR_UNKNOWN;
		if (!ok || v == SIPT_VAR_UNKNOWN) {
			if (d.handling == SIPT_HANDLING_OPTIONAL)
				return 0; /* RFC 3204 s3.2: an optional part we cannot use is ignored */
			return SIPT_BODY_ERR_ISUP;
		}
		memcpy(b->isup, data, len);
		b->isup_len = len;
		b->isup_variant = v;
		b->isup_handling = d.handling;
		b->has_isup = true;
		return 0;
	}
other:
	b->n_other++;
	return 0;
}

/* The value of a header within a part's header block [h, end), or NULL. */
static const char *part_header(const char *h, const char *end, const char *name, size_t *vlen)
{
	size_t nlen = strlen(name);
	for (const char *l = h; l < end;) {
		const char *eol = memchr(l, '\n', (size_t)(end - l));
		const char *le = eol ? eol : end;
		if ((size_t)(le - l) > nlen && !strncasecmp(l, name, nlen) && l[nlen] == ':') {
			const char *v = l + nlen + 1;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			const char *ve = le;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
				ve--;
			*vlen = (size_t)(ve - v);
			return v;
		}
		l = eol ? eol + 1 : end;
	}
	return NULL;
}

static int parse_multipart(const char *ctype, const uint8_t *data, size_t len, struct sipt_body *b)
{
	char bnd[80], delim[84];
	if (get_boundary(ctype, bnd, sizeof(bnd)))
		return SIPT_BODY_ERR_MULTIPART;
	int dl = snprintf(delim, sizeof(delim), "--%s", bnd);
	const uint8_t *end = data + len;
	/* the first delimiter: at the very start or after a preamble line */
	const uint8_t *p = data;
	if (!(len >= (size_t)dl && !memcmp(data, delim, (size_t)dl))) {
		p = memmem(data, len, delim, (size_t)dl);
		if (!p || p == data || p[-1] != '\n')
			return SIPT_BODY_ERR_MULTIPART;
	}
	unsigned parts = 0;
	for (;;) {
		p += dl;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break; /* close delimiter */
		/* rest of the delimiter line (transport padding), then the part */
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return SIPT_BODY_ERR_MULTIPART;
		const uint8_t *part = nl + 1;
		/* the next delimiter, preceded by CRLF (or LF) that belongs to it */
		const uint8_t *next = NULL;
		for (const uint8_t *s = part; s < end;) {
			const uint8_t *q = memmem(s, (size_t)(end - s), delim, (size_t)dl);
			if (!q)
				break;
			if (q > part && q[-1] == '\n') {
				next = q;
				break;
			}
			s = q + 1;
		}
		if (!next)
			return SIPT_BODY_ERR_MULTIPART;
		const uint8_t *pend = next - 1;
		if (pend > part && pend[-1] == '\r')
			pend--;
		/* part headers end at the first empty line; a part may have none (starts with an empty line) */
		const uint8_t *hend, *content;
		if (pend - part >= 2 && part[0] == '\r' && part[1] == '\n') {
			hend = part;
			content = part + 2;
		} else if (pend - part >= 1 && part[0] == '\n') {
			hend = part;
			content = part + 1;
		} else {
			const uint8_t *e = memmem(part, (size_t)(pend - part), "\r\n\r\n", 4);
			if (e) {
				hend = e + 2;
				content = e + 4;
			} else {
				e = memmem(part, (size_t)(pend - part), "\n\n", 2);
				if (!e)
					return SIPT_BODY_ERR_MULTIPART;
				hend = e + 1;
				content = e + 2;
			}
		}
		size_t ctl = 0, dpl = 0;
		const char *ct = part_header((const char *)part, (const char *)hend, "Content-Type", &ctl);
		const char *dp = part_header((const char *)part, (const char *)hend, "Content-Disposition", &dpl);
		int rc = take_part(b, ct, ctl, dp, dpl, content, (size_t)(pend - content));
		if (rc)
			return rc;
		if (++parts > 16)
			return SIPT_BODY_ERR_MULTIPART;
		p = next;
	}
	return parts ? 0 : SIPT_BODY_ERR_MULTIPART;
}

int sipt_body_parse(const char *ctype, const uint8_t *data, size_t len, struct sipt_body *b)
{
	memset(b, 0, sizeof(*b));
	b->isup_variant = SIPT_VAR_UNKNOWN;
	if (!len)
		return 0;
	if (!ctype)
		return SIPT_BODY_ERR_CTYPE;
	size_t cl = strlen(ctype);
	if (type_is(ctype, cl, "multipart/mixed"))
		return parse_multipart(ctype, data, len, b);
	if (type_is(ctype, cl, "application/sdp") || type_is(ctype, cl, "application/isup"))
		return take_part(b, ctype, cl, NULL, 0, data, len);
	return SIPT_BODY_ERR_CTYPE;
}

int sipt_body_build(const char *sdp, const uint8_t *isup, size_t isup_len, enum sipt_variant v,
		    enum sipt_handling handling, const char *boundary, char *ctype, size_t ctype_size, uint8_t *out,
		    size_t out_size)
{
	char isup_ct[96];
	if (isup && sipt_ctype_format(v, isup_ct, sizeof(isup_ct)) < 0)
		return -EINVAL;
	if (!isup) {
		size_t n = sdp ? strlen(sdp) : 0;
		if (n > out_size || snprintf(ctype, ctype_size, "application/sdp") >= (int)ctype_size)
			return -ENOSPC;
		memcpy(out, sdp, n);
		return (int)n;
	}
	const char *hd = handling == SIPT_HANDLING_OPTIONAL ? "optional" : "required";
	if (!sdp) {
		if (isup_len > out_size || snprintf(ctype, ctype_size, "%s", isup_ct) >= (int)ctype_size)
			return -ENOSPC;
		memcpy(out, isup, isup_len);
		return (int)isup_len;
	}
	/* RFC 2046 s5.1.1: the boundary must occur in no part. The ISUP part is an encoded message whose
	 * parameters may carry any octets a far end put there (user-to-user information, transparent
	 * parameters): holding the boundary, it would end the part early and let what follows read as parts
	 * of their own - an SDP of the far end's choosing. The caller's boundary, else the first of it with
	 * "-N" appended that neither part holds. */
	char bnd[80];
	size_t sdp_len = strlen(sdp);
	snprintf(bnd, sizeof(bnd), "%.60s", boundary);
	for (unsigned k = 0; memmem(sdp, sdp_len, bnd, strlen(bnd)) || memmem(isup, isup_len, bnd, strlen(bnd)); k++) {
		if (k >= 1000)
			return -EINVAL;
		snprintf(bnd, sizeof(bnd), "%.60s-%u", boundary, k);
	}
	boundary = bnd;
	if (snprintf(ctype, ctype_size, "multipart/mixed;boundary=%s", boundary) >= (int)ctype_size)
		return -ENOSPC;
	int n = snprintf((char *)out, out_size,
			 "--%s\r\nContent-Type: application/sdp\r\n\r\n%s\r\n--%s\r\n"
			 "Content-Type: %s\r\nContent-Disposition: signal;handling=%s\r\n\r\n",
			 boundary, sdp, boundary, isup_ct, hd);
	if (n < 0 || (size_t)n + isup_len + strlen(boundary) + 8 > out_size)
		return -ENOSPC;
	memcpy(out + n, isup, isup_len);
	n += (int)isup_len;
	n += snprintf((char *)out + n, out_size - (size_t)n, "\r\n--%s--\r\n", boundary);
	return n;
}
