/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 3204 application/ISUP media type parameters and the "signal" Content-Disposition. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum sipt_variant {
	SIPT_VAR_UNKNOWN = -1,
	SIPT_VAR_ITU = 0, /* same values as enum isup_variant */
	SIPT_VAR_ANSI = 1,
};

struct sipt_ctype {
	char version[48]; /* required by RFC 3204 s3.1 */
	char base[48];	  /* optional: a Table 1 symbol a receiver may fall back to */
};

enum sipt_handling {
	SIPT_HANDLING_REQUIRED = 0, /* RFC 3204 s3.1: assumed when absent */
	SIPT_HANDLING_OPTIONAL = 1,
	SIPT_HANDLING_OTHER = 2,
};

struct sipt_disposition {
	bool signal; /* disposition-type is "signal" */
	enum sipt_handling handling;
};

/* Parse the parameters of "application/ISUP; version=...; base=..." (the whole header value).
 * Returns 0, -EINVAL when the media type is not application/ISUP or version is missing/malformed. */
int sipt_ctype_parse(const char *value, struct sipt_ctype *ct);
/* The ISUP variant a body can be decoded as: version first, then base (RFC 3204 s3.1). */
enum sipt_variant sipt_ctype_variant(const struct sipt_ctype *ct);
/* "application/ISUP; version=itu-t92+; base=itu-t92+" for a variant; returns length or -ENOSPC. */
int sipt_ctype_format(enum sipt_variant v, char *buf, size_t size);

int sipt_disposition_parse(const char *value, struct sipt_disposition *d);
