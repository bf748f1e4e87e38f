/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Digest authentication of callers (sip_digest.h), on sofia-sip's MD5. */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sofia-sip/su_md5.h>

#include "sip_digest.h"

int sip_digest_key_init(struct sip_digest_key *key)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, key->k, sizeof(key->k)) : -1;
	if (fd >= 0)
		close(fd);
	return n == (ssize_t)sizeof(key->k) ? 0 : -1;
}

/* RFC 2104 HMAC over MD5 (block 64 octets), hex into out[33] */
static void hmac_md5_hex(const struct sip_digest_key *key, const char *msg, char *out)
{
	uint8_t pad[64], inner[16];
	su_md5_t c;
	memset(pad, 0, sizeof(pad));
	memcpy(pad, key->k, sizeof(key->k));
	for (unsigned i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	su_md5_init(&c);
	su_md5_update(&c, pad, sizeof(pad));
	su_md5_strupdate(&c, msg);
	su_md5_digest(&c, inner);
	for (unsigned i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	su_md5_init(&c);
	su_md5_update(&c, pad, sizeof(pad));
	su_md5_update(&c, inner, sizeof(inner));
	su_md5_hexdigest(&c, out);
}

void sip_digest_nonce(const struct sip_digest_key *key, time_t now, const char *realm, char *out)
{
	char msg[160], mac[33];
	snprintf(msg, sizeof(msg), "%08lx:%s", (unsigned long)now & 0xffffffffUL, realm);
	hmac_md5_hex(key, msg, mac);
	snprintf(out, SIP_DIGEST_NONCE_LEN + 1, "%08lx.%s", (unsigned long)now & 0xffffffffUL, mac);
}

/* MD5 of the pieces joined by ':', hex into out[33] */
static void md5_join(char *out, const char *const *parts, unsigned n)
{
	su_md5_t c;
	su_md5_init(&c);
	for (unsigned i = 0; i < n; i++) {
		if (i)
			su_md5_update(&c, ":", 1);
		su_md5_strupdate(&c, parts[i]);
	}
	su_md5_hexdigest(&c, out);
}

void sip_digest_response(const char *user, const char *realm, const char *pass, const char *method, const char *uri,
			 const char *nonce, const char *qop, const char *nc, const char *cnonce, char *out)
{
	char ha1[33], ha2[33];
	md5_join(ha1, (const char *const[]){ user, realm, pass }, 3);
	md5_join(ha2, (const char *const[]){ method, uri }, 2);
	if (qop && qop[0])
		md5_join(out, (const char *const[]){ ha1, nonce, nc, cnonce, qop, ha2 }, 6);
	else
		md5_join(out, (const char *const[]){ ha1, nonce, ha2 }, 3);
}

/* the time a nonce of ours was issued, or -1 when it is not ours */
static long nonce_time(const struct sip_digest_key *key, const char *realm, const char *nonce)
{
	char want[SIP_DIGEST_NONCE_LEN + 1];
	unsigned long t;
	char dot;
	if (strlen(nonce) != SIP_DIGEST_NONCE_LEN || sscanf(nonce, "%8lx%c", &t, &dot) != 2 || dot != '.')
		return -1;
	sip_digest_nonce(key, (time_t)t, realm, want);
	return strcmp(want, nonce) ? -1 : (long)t;
}

enum sip_digest_verdict sip_digest_check(const struct sip_digest_key *key, time_t now, const char *realm,
					 const char *user, const char *pass, const char *method,
					 const struct sip_digest_resp *r)
{
	if (!r->nonce[0] || strcmp(r->realm, realm))
		return SIP_DIGEST_NONE; /* no answer to a challenge of this realm: challenge */
	long t = nonce_time(key, realm, r->nonce);
	if (t < 0)
		return SIP_DIGEST_NONE; /* not one of ours (a restart drew a new key): challenge afresh */
	if ((r->algorithm[0] && strcasecmp(r->algorithm, "MD5")) || (r->qop[0] && strcmp(r->qop, "auth")) ||
	    (r->qop[0] && (!r->nc[0] || !r->cnonce[0])) || strcmp(r->username, user))
		return SIP_DIGEST_BAD;
	char want[33];
	sip_digest_response(user, realm, pass, method, r->uri, r->nonce, r->qop, r->nc, r->cnonce, want);
	if (strcasecmp(want, r->response))
		return SIP_DIGEST_BAD;
	long age = (long)((unsigned long)now & 0xffffffffUL) - t;
	return age < 0 || age > SIP_DIGEST_NONCE_TTL ? SIP_DIGEST_STALE : SIP_DIGEST_OK;
}
