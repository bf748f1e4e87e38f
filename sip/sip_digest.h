/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The gateway as a digest server (RFC 3261 s22.4, RFC 2617 MD5 with qop=auth): callers of a peer that has
 * inbound credentials are challenged with 401 and let in on a correct Authorization. Nonces hold no state:
 * a nonce is its issue time and a keyed hash (HMAC-MD5 under a key drawn at start) over that time and the
 * realm, so any nonce we issued is recognised until it is too old (then the caller is challenged again with
 * stale=true), and none can be forged. Replays of a response within the nonce's lifetime are not detected
 * (no nonce-count state): the lifetime is short (SIP_DIGEST_NONCE_TTL). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIP_DIGEST_NONCE_TTL 30 /* seconds a nonce is good for */
#define SIP_DIGEST_NONCE_LEN 41 /* 8 hex of time, '.', 32 hex of hash: 41 chars and a NUL */

struct sip_digest_key {
	uint8_t k[32];
};

/* What an Authorization: Digest header said (fields unquoted; "" when absent). */
struct sip_digest_resp {
	char username[64], realm[64], nonce[64], uri[256], response[40], qop[16], nc[16], cnonce[64], algorithm[16];
};

enum sip_digest_verdict {
	SIP_DIGEST_OK,
	SIP_DIGEST_NONE,  /* no answer to one of our challenges: challenge */
	SIP_DIGEST_STALE, /* ours, right response, but the nonce is too old: challenge with stale=true */
	SIP_DIGEST_BAD,	  /* a wrong user, realm, nonce or response: 403 */
};

/* A key from the system's random source (0, or -1 when none could be read). */
int sip_digest_key_init(struct sip_digest_key *key);
/* A nonce issued at now for realm into out[SIP_DIGEST_NONCE_LEN + 1]. */
void sip_digest_nonce(const struct sip_digest_key *key, time_t now, const char *realm, char *out);
/* The response RFC 2617 s3.2.2.1 asks for, as 32 hex digits into out[33]. */
void sip_digest_response(const char *user, const char *realm, const char *pass, const char *method, const char *uri,
			 const char *nonce, const char *qop, const char *nc, const char *cnonce, char *out);
/* Judge an answer to a challenge of ours for method, checked against user/pass in realm. */
enum sip_digest_verdict sip_digest_check(const struct sip_digest_key *key, time_t now, const char *realm,
					 const char *user, const char *pass, const char *method,
					 const struct sip_digest_resp *r);
