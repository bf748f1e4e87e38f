/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 3204 s3.1 parameters of application/ISUP, and Content-Disposition: signal; handling=. */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sipt_mime.h"

/* RFC 3204 Table 1 symbols (and the issues commonly exchanged) with the codec variant for each. */
static const struct {
	const char *sym;
	enum sipt_variant v;
} symbols[] = {
	{ "itu-t88", SIPT_VAR_ITU }, { "itu-t92+", SIPT_VAR_ITU }, { "itu-t", SIPT_VAR_ITU },
	{ "etsi121", SIPT_VAR_ITU }, { "etsi356", SIPT_VAR_ITU },  { "ttc87", SIPT_VAR_ITU },
	{ "ttc93+", SIPT_VAR_ITU },  { "ansi88", SIPT_VAR_ANSI },  { "ansi92", SIPT_VAR_ANSI },
	{ "ansi95", SIPT_VAR_ANSI }, { "ansi00", SIPT_VAR_ANSI },  { "ansi", SIPT_VAR_ANSI },
	{ "gr317", SIPT_VAR_ANSI },
};

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* RFC 2045 token characters */
static bool is_tchar(char c)
{
	return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?=", c);
}

/* Copy a token or quoted string value; returns the position after it or NULL. */
static const char *take_value(const char *p, char *out, size_t size)
{
	size_t n = 0;
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (n + 1 >= size)
				return NULL;
			out[n++] = *p;
		}
		if (*p != '"')
			return NULL;
		p++;
	} else {
		while (is_tchar(*p)) {
			if (n + 1 >= size)
				return NULL;
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	return n ? p : NULL;
}

/* Walk ";name=value" parameters, calling fn for each; returns 0 or -EINVAL. */
static int walk_params(const char *p, int (*fn)(const char *name, const char *val, void *arg), void *arg)
{
	for (;;) {
		p = skip_ws(p);
		if (!*p)
			return 0;
		if (*p != ';')
			return -EINVAL;
		p = skip_ws(p + 1);
		if (!*p)
			return 0; /* tolerate a trailing ';' as seen in RFC 3204's own example */
		char name[32], val[64];
		size_t n = 0;
		while (is_tchar(*p)) {
			if (n + 1 >= sizeof(name))
				return -EINVAL;
			name[n++] = *p++;
		}
		name[n] = '\0';
		if (!n)
			return -EINVAL;
		p = skip_ws(p);
		if (*p == '=') {
			p = take_value(skip_ws(p + 1), val, sizeof(val));
			if (!p)
				return -EINVAL;
		} else {
			val[0] = '\0';
		}
		int rc = fn(name, val, arg);
		if (rc)
			return rc;
	}
}

static int ctype_param(const char *name, const char *val, void *arg)
{
	struct sipt_ctype *ct = arg;
	if (!strcasecmp(name, "version"))
		snprintf(ct->version, sizeof(ct->version), "%s", val);
	else if (!strcasecmp(name, "base"))
		snprintf(ct->base, sizeof(ct->base), "%s", val);
	return 0;
}

int sipt_ctype_parse(const char *value, struct sipt_ctype *ct)
{
	memset(ct, 0, sizeof(*ct));
	const char *p = skip_ws(value);
	static const char mt[] = "application/isup";
	if (strncasecmp(p, mt, sizeof(mt) - 1))
		return -EINVAL;
	p += sizeof(mt) - 1;
	if (is_tchar(*p))
		return -EINVAL; /* application/isupx */
	if (walk_params(p, ctype_param, ct))
		return -EINVAL;
	return ct->version[0] ? 0 : -EINVAL;
}

static enum sipt_variant sym_variant(const char *s)
{
	for (unsigned i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
		if (!strcasecmp(symbols[i].sym, s))
			return symbols[i].v;
	return SIPT_VAR_UNKNOWN;
}

enum sipt_variant sipt_ctype_variant(const struct sipt_ctype *ct)
{
	enum sipt_variant v = sym_variant(ct->version);
	if (v == SIPT_VAR_UNKNOWN && ct->base[0])
		v = sym_variant(ct->base);
	return v;
}

int sipt_ctype_format(enum sipt_variant v, char *buf, size_t size)
{
	const char *sym = v == SIPT_VAR_ANSI ? "ansi00" : "itu-t92+";
	int n = snprintf(buf, size, "application/ISUP; version=%s; base=%s", sym, sym);
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

static int disp_param(const char *name, const char *val, void *arg)
{
	struct sipt_disposition *d = arg;
	if (!strcasecmp(name, "handling")) {
		if (!strcasecmp(val, "required"))
			d->handling = SIPT_HANDLING_REQUIRED;
		else if (!strcasecmp(val, "optional"))
			d->handling = SIPT_HANDLING_OPTIONAL;
		else
			d->handling = SIPT_HANDLING_OTHER;
	}
	return 0;
}

int sipt_disposition_parse(const char *value, struct sipt_disposition *d)
{
	memset(d, 0, sizeof(*d));
	d->handling = SIPT_HANDLING_REQUIRED;
	const char *p = skip_ws(value);
	char type[32];
	size_t n = 0;
	while (is_tchar(*p)) {
		if (n + 1 >= sizeof(type))
			return -EINVAL;
		type[n++] = *p++;
	}
	type[n] = '\0';
	if (!n)
		return -EINVAL;
	d->signal = !strcasecmp(type, "signal");
	return walk_params(p, disp_param, d);
}
