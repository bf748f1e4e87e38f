/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SIP-T message bodies (RFC 3204, RFC 3372): SDP and ISUP alone or together in multipart/mixed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sipt_mime.h"

#define SIPT_ISUP_MAX 300 /* an MTP3 SIF is at most 272 octets */
#define SIPT_SDP_MAX  2048

/* What a SIP message body carried, split by type. */
struct sipt_body {
	bool has_sdp;
	char sdp[SIPT_SDP_MAX + 1];
	size_t sdp_len;
	bool has_isup;
	uint8_t isup[SIPT_ISUP_MAX];
	size_t isup_len;
	enum sipt_variant isup_variant;	  /* from version/base; SIPT_VAR_UNKNOWN if neither is known */
	enum sipt_handling isup_handling; /* Content-Disposition handling (required when absent) */
	unsigned n_other;		  /* parts of other types, ignored */
};

enum sipt_body_err {
	SIPT_BODY_OK = 0,
	SIPT_BODY_ERR_CTYPE = -1,     /* Content-Type missing or not one we take: 415 */
	SIPT_BODY_ERR_MULTIPART = -2, /* no boundary, parts not delimited, part headers broken: 400 */
	SIPT_BODY_ERR_TOO_BIG = -3,   /* a part larger than we keep: 400 (SDP) */
	SIPT_BODY_ERR_ISUP = -4,      /* application/ISUP with a bad version or too long: 415 when required */
};

/* Parse a body by its Content-Type header value. An empty body parses to nothing. Unknown part types
 * inside multipart/mixed are counted and skipped; an unusable ISUP part whose handling is optional is
 * dropped (RFC 3204 s3.2) and is an error only when required. */
int sipt_body_parse(const char *ctype, const uint8_t *data, size_t len, struct sipt_body *b);
const char *sipt_body_err_str(int err);

/* Build a body: SDP alone, ISUP alone, or both as multipart/mixed with the given boundary (with "-N"
 * appended when a part holds it). ctype gets the Content-Type value. Returns the body length or -ENOSPC. */
int sipt_body_build(const char *sdp, const uint8_t *isup, size_t isup_len, enum sipt_variant v,
		    enum sipt_handling handling, const char *boundary, char *ctype, size_t ctype_size, uint8_t *out,
		    size_t out_size);
