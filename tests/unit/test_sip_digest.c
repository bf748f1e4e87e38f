/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The digest server's arithmetic and nonces (sip/sip_digest.c): the response of RFC 2617's own example,
 * nonces that are ours, expire, cannot be forged, and the verdicts on answers right and wrong. */

#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "cunit_run.h"
#include "sip/sip_digest.h"

/* RFC 2617 s3.5: Mufasa / Circle Of Life, qop=auth */
static void test_rfc2617_example(void)
{
	char out[33];
	sip_digest_response("Mufasa", "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html",
			    "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth", "00000001", "0a4f113b", out);
	CU_ASSERT_STRING_EQUAL(out, "6629fae49393a05397450978507c4ef1");
}

static struct sip_digest_resp answer(const struct sip_digest_key *k, time_t issued, const char *pass)
{
	struct sip_digest_resp r = { .username = "alice",
				     .realm = "isupgw",
				     .uri = "sip:+4930123@gw",
				     .qop = "auth",
				     .nc = "00000001",
				     .cnonce = "c0ffee" };
	sip_digest_nonce(k, issued, "isupgw", r.nonce);
	sip_digest_response("alice", "isupgw", pass, "INVITE", r.uri, r.nonce, r.qop, r.nc, r.cnonce, r.response);
	return r;
}

static void test_verdicts(void)
{
	struct sip_digest_key k, other;
	CU_ASSERT_EQUAL_FATAL(sip_digest_key_init(&k), 0);
	CU_ASSERT_EQUAL_FATAL(sip_digest_key_init(&other), 0);
	const time_t t = 1796680000;
	char n1[SIP_DIGEST_NONCE_LEN + 1], n2[SIP_DIGEST_NONCE_LEN + 1];
	sip_digest_nonce(&k, t, "isupgw", n1);
	sip_digest_nonce(&k, t + 1, "isupgw", n2);
	CU_ASSERT_EQUAL(strlen(n1), SIP_DIGEST_NONCE_LEN);
	CU_ASSERT_STRING_NOT_EQUAL(n1, n2);

	struct sip_digest_resp r = answer(&k, t, "s3cret");
	CU_ASSERT_EQUAL(sip_digest_check(&k, t + 2, "isupgw", "alice", "s3cret", "INVITE", &r), SIP_DIGEST_OK);
	/* too old: right, but challenged again with stale=true */
	CU_ASSERT_EQUAL(sip_digest_check(&k, t + SIP_DIGEST_NONCE_TTL + 1, "isupgw", "alice", "s3cret", "INVITE", &r),
			SIP_DIGEST_STALE);
	/* wrong password, user, method, response */
	CU_ASSERT_EQUAL(sip_digest_check(&k, t, "isupgw", "alice", "other", "INVITE", &r), SIP_DIGEST_BAD);
	CU_ASSERT_EQUAL(sip_digest_check(&k, t, "isupgw", "bob", "s3cret", "INVITE", &r), SIP_DIGEST_BAD);
	CU_ASSERT_EQUAL(sip_digest_check(&k, t, "isupgw", "alice", "s3cret", "BYE", &r), SIP_DIGEST_BAD);
	struct sip_digest_resp bad = answer(&k, t, "guess");
	CU_ASSERT_EQUAL(sip_digest_check(&k, t, "isupgw", "alice", "s3cret", "INVITE", &bad), SIP_DIGEST_BAD);
	/* a nonce of another key (before a restart) or with its time changed is not ours: challenge afresh */
	struct sip_digest_resp foreign = answer(&other, t, "s3cret");
	CU_ASSERT_EQUAL(sip_digest_check(&k, t, "isupgw", "alice", "s3cret", "INVITE", &foreign), SIP_DIGEST_NONE);
	struct sip_digest_resp forged = r;
	forged.nonce[7] = forged.nonce[7] == '0' ? '1' : '0';
	sip_digest_response("alice", "isupgw", "s3cret", "INVITE", forged.uri, forged.nonce, forged.qop, forged.nc,
			    forged.cnonce, forged.response);
	CU_ASSERT_EQUAL(sip_digest_check(&k, t, "isupgw", "alice", "s3cret", "INVITE", &forged), SIP_DIGEST_NONE);
	/* no answer, or one for another realm: challenge */
	struct sip_digest_resp none = { 0 };
	CU_ASSERT_EQUAL(sip_digest_check(&k, t, "isupgw", "alice", "s3cret", "INVITE", &none), SIP_DIGEST_NONE);
	struct sip_digest_resp realm = r;
	snprintf(realm.realm, sizeof(realm.realm), "elsewhere");
	CU_ASSERT_EQUAL(sip_digest_check(&k, t, "isupgw", "alice", "s3cret", "INVITE", &realm), SIP_DIGEST_NONE);
	/* RFC 2069 style (no qop) is taken; an unknown algorithm or qop is not */
	struct sip_digest_resp old = r;
	old.qop[0] = old.nc[0] = old.cnonce[0] = 0;
	sip_digest_response("alice", "isupgw", "s3cret", "INVITE", old.uri, old.nonce, "", "", "", old.response);
	CU_ASSERT_EQUAL(sip_digest_check(&k, t, "isupgw", "alice", "s3cret", "INVITE", &old), SIP_DIGEST_OK);
	struct sip_digest_resp alg = r;
	snprintf(alg.algorithm, sizeof(alg.algorithm), "SHA-256");
	CU_ASSERT_EQUAL(sip_digest_check(&k, t, "isupgw", "alice", "s3cret", "INVITE", &alg), SIP_DIGEST_BAD);
	struct sip_digest_resp qop = r;
	snprintf(qop.qop, sizeof(qop.qop), "auth-int");
	CU_ASSERT_EQUAL(sip_digest_check(&k, t, "isupgw", "alice", "s3cret", "INVITE", &qop), SIP_DIGEST_BAD);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("sip_digest", NULL, NULL);
	CU_add_test(s, "RFC 2617 s3.5 example response", test_rfc2617_example);
	CU_add_test(s, "nonces and verdicts", test_verdicts);
	return cunit_run();
}
