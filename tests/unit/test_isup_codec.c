/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CUnit tests of the ISUP codec: round trips, hand-checked vectors, every error path. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "cunit_run.h"

#include "isup/isup.h"
#include "isup_samples.h"

static struct isup_msg m1, m2;

static int hex2bin(const char *hex, uint8_t *out, size_t size)
{
	int n = isup_hex_decode(hex, out, size);
	CU_ASSERT_FATAL(n >= 0);
	return n;
}

/* ---- round trips over the sample set ---- */

static void test_samples_roundtrip(void)
{
	static char line[8192], line2[8192], json[65536], text[65536];
	for (unsigned i = 0; i < isup_n_samples; i++) {
		const struct isup_sample *s = &isup_samples[i];
		char err[160];
		int rc = isup_msg_from_line(&m1, s->v, s->line, err, sizeof(err));
		if (rc)
			fprintf(stderr, "\nsample %u '%s': %s\n", i, s->line, err);
		CU_ASSERT_EQUAL_FATAL(rc, ISUP_OK);

		uint8_t b1[600], b2[600];
		int n1 = isup_msg_encode(&m1, b1, sizeof(b1));
		CU_ASSERT_FATAL(n1 > 0);
		/* decode(encode(x)) == x */
		rc = isup_msg_decode(&m2, s->v, b1, (size_t)n1);
		CU_ASSERT_EQUAL(rc, ISUP_OK);
		CU_ASSERT_TRUE(isup_msg_equal(&m1, &m2));
		/* encode(decode(bytes)) == bytes */
		int n2 = isup_msg_encode(&m2, b2, sizeof(b2));
		CU_ASSERT_EQUAL(n1, n2);
		CU_ASSERT_EQUAL(memcmp(b1, b2, (size_t)n1), 0);
		/* text round trip: the one-line rendering rebuilds the same octets */
		CU_ASSERT_FATAL(isup_msg_to_line(&m2, line, sizeof(line)) > 0);
		rc = isup_msg_from_line(&m1, s->v, line, err, sizeof(err));
		if (rc)
			fprintf(stderr, "\nrebuild '%s': %s\n", line, err);
		CU_ASSERT_EQUAL_FATAL(rc, ISUP_OK);
		n2 = isup_msg_encode(&m1, b2, sizeof(b2));
		CU_ASSERT_EQUAL(n1, n2);
		CU_ASSERT_EQUAL(memcmp(b1, b2, (size_t)n1), 0);
		CU_ASSERT_FATAL(isup_msg_to_line(&m1, line2, sizeof(line2)) > 0);
		CU_ASSERT_STRING_EQUAL(line, line2);
		/* readable forms render and contain no decode errors */
		CU_ASSERT(isup_msg_to_json(&m2, json, sizeof(json)) > 0);
		CU_ASSERT(isup_msg_to_text(&m2, text, sizeof(text)) > 0);
		CU_ASSERT_PTR_NULL(strstr(text, "error="));
		/* the RFC 3204 body form carries the same message without the CIC */
		n2 = isup_msg_encode_body(&m2, b2, sizeof(b2));
		CU_ASSERT_EQUAL(n2, n1 - 2);
		CU_ASSERT_EQUAL(memcmp(b1 + 2, b2, (size_t)n2), 0);
		CU_ASSERT_EQUAL(isup_msg_decode_body(&m1, s->v, m2.cic, b2, (size_t)n2), ISUP_OK);
		CU_ASSERT_TRUE(isup_msg_equal(&m1, &m2));
	}
}

static void test_every_type_sampled(void)
{
	for (int v = 0; v < 2; v++) {
		const struct isup_msg_fmt *f;
		for (unsigned k = 0; (f = isup_msg_fmt_at((enum isup_variant)v, k)); k++) {
			bool found = false;
			for (unsigned i = 0; i < isup_n_samples && !found; i++) {
				if (isup_samples[i].v != (enum isup_variant)v)
					continue;
				size_t l = strlen(f->abbr);
				found = !strncmp(isup_samples[i].line, f->abbr, l) && isup_samples[i].line[l] == ' ';
			}
			if (!found)
				fprintf(stderr, "\nno %s sample for %s\n", v ? "ANSI" : "ITU", f->abbr);
			CU_ASSERT_TRUE(found);
		}
	}
}

/* ---- hand-checked vectors (Q.763 formats worked out octet by octet) ---- */

static void test_vector_itu_iam(void)
{
	/* CIC 1, IAM, NCI 00, FCI 2001 (ISUP all the way, originating access ISDN), CPC 0a ordinary,
	 * TMR 03 (3.1 kHz), pointers 02/07, CdPN len 5: odd, NAI national, NPI E.164, "12345",
	 * optional CgPN len 3: even, NAI national, NPI E.164, network provided, "98", end. */
	uint8_t b[64], out[64];
	int n = hex2bin("0100 01 00 2001 0a 03 02 07 05 83 10 214305 0a 03 03 13 89 00", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(isup_msg_decode(&m1, ISUP_VAR_ITU, b, (size_t)n), ISUP_OK);
	CU_ASSERT_EQUAL(m1.cic, 1);
	CU_ASSERT_EQUAL(m1.type, ISUP_MT_IAM);
	CU_ASSERT_EQUAL(m1.n_mand, 5);
	CU_ASSERT_EQUAL(m1.n_params, 6);

	struct isup_fci fci;
	CU_ASSERT_EQUAL(isup_msg_get_bits(&m1, ISUP_PAR_FCI, &fci), ISUP_OK);
	CU_ASSERT_EQUAL(fci.isup_ind, 1);
	CU_ASSERT_EQUAL(fci.isdn_access, 1);
	CU_ASSERT_EQUAL(fci.nat_intl, 0);
	struct isup_u8 cpc, tmr;
	CU_ASSERT_EQUAL(isup_msg_get_bits(&m1, ISUP_PAR_CPC, &cpc), ISUP_OK);
	CU_ASSERT_EQUAL(cpc.value, 10);
	CU_ASSERT_EQUAL(isup_msg_get_bits(&m1, ISUP_PAR_TMR, &tmr), ISUP_OK);
	CU_ASSERT_EQUAL(tmr.value, 3);

	struct isup_number num;
	CU_ASSERT_EQUAL(isup_msg_get_number(&m1, ISUP_PAR_CALLED, &num), ISUP_OK);
	CU_ASSERT_EQUAL(num.nai, ISUP_NAI_NATIONAL);
	CU_ASSERT_EQUAL(num.npi, 1);
	CU_ASSERT_EQUAL(num.inn_ni, 0);
	CU_ASSERT_STRING_EQUAL(num.digits, "12345");
	CU_ASSERT_EQUAL(isup_msg_get_number(&m1, ISUP_PAR_CALLING, &num), ISUP_OK);
	CU_ASSERT_STRING_EQUAL(num.digits, "98");
	CU_ASSERT_EQUAL(num.si, 3);
	CU_ASSERT_EQUAL(num.apri, 0);

	CU_ASSERT_EQUAL(isup_msg_encode(&m1, out, sizeof(out)), n);
	CU_ASSERT_EQUAL(memcmp(b, out, (size_t)n), 0);
}

static void test_vector_itu_rel_grs_cgb(void)
{
	uint8_t b[64], out[64];
	/* REL CIC 5, cause: ext, ITU coding, location user (0), cause 16 normal clearing */
	int n = hex2bin("0500 0c 02 00 02 80 90", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(isup_msg_decode(&m1, ISUP_VAR_ITU, b, (size_t)n), ISUP_OK);
	struct isup_cause c;
	CU_ASSERT_EQUAL(isup_msg_get_cause(&m1, &c), ISUP_OK);
	CU_ASSERT_EQUAL(c.cause, 16);
	CU_ASSERT_EQUAL(c.location, 0);
	CU_ASSERT_EQUAL(c.coding_std, 0);
	CU_ASSERT_FALSE(c.has_rec);
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, out, sizeof(out)), n);
	CU_ASSERT_EQUAL(memcmp(b, out, (size_t)n), 0);

	/* GRS CIC 1, range 31 (32 circuits), no status */
	n = hex2bin("0100 17 01 01 1f", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(isup_msg_decode(&m1, ISUP_VAR_ITU, b, (size_t)n), ISUP_OK);
	struct isup_range_status rs;
	CU_ASSERT_EQUAL(isup_msg_get_rs(&m1, &rs), ISUP_OK);
	CU_ASSERT_EQUAL(rs.range, 31);
	CU_ASSERT_EQUAL(rs.status_len, 0);

	/* CGB CIC 1, hardware oriented, range 7, circuits 0,1,2,3,4,5,6,7 -> ff */
	n = hex2bin("0100 18 01 01 02 07 ff", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(isup_msg_decode(&m1, ISUP_VAR_ITU, b, (size_t)n), ISUP_OK);
	struct isup_cgsmt t;
	CU_ASSERT_EQUAL(isup_msg_get_bits(&m1, ISUP_PAR_CGSMT, &t), ISUP_OK);
	CU_ASSERT_EQUAL(t.type, 1);
	CU_ASSERT_EQUAL(isup_msg_get_rs(&m1, &rs), ISUP_OK);
	CU_ASSERT_EQUAL(rs.range, 7);
	CU_ASSERT_TRUE(isup_rs_bit(&rs, 0));
	CU_ASSERT_TRUE(isup_rs_bit(&rs, 7));
	CU_ASSERT_FALSE(isup_rs_bit(&rs, 8));
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, out, sizeof(out)), n);
	CU_ASSERT_EQUAL(memcmp(b, out, (size_t)n), 0);
}

static void test_vector_ansi_iam(void)
{
	/* CIC 16383 (14 bits), IAM, NCI 00, FCI 2000, CPC 0a, pointers USI 03 / CdPN 06 / opt 00,
	 * USI: speech, circuit mode 64k, layer 1 mu-law; CdPN: even, national, E.164, "2125551212" */
	uint8_t b[64], out[64];
	int n = hex2bin("ff3f 01 00 2000 0a 03 06 00 03 8090a2 07 03 10 1252552121", b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(isup_msg_decode(&m1, ISUP_VAR_ANSI, b, (size_t)n), ISUP_OK);
	CU_ASSERT_EQUAL(m1.cic, 16383);
	struct isup_usi u;
	const struct isup_param *p = isup_msg_get(&m1, ISUP_PAR_USI);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(isup_usi_decode(isup_msg_pdata(&m1, p), (uint8_t)p->len, &u), ISUP_OK);
	CU_ASSERT_EQUAL(u.itc, 0);
	CU_ASSERT_EQUAL(u.rate, 16);
	CU_ASSERT_TRUE(u.has_l1);
	CU_ASSERT_EQUAL(u.l1, 2);
	struct isup_number num;
	CU_ASSERT_EQUAL(isup_msg_get_number(&m1, ISUP_PAR_CALLED, &num), ISUP_OK);
	CU_ASSERT_STRING_EQUAL(num.digits, "2125551212");
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, out, sizeof(out)), n);
	CU_ASSERT_EQUAL(memcmp(b, out, (size_t)n), 0);
	/* read as ITU, the USI pointer octet is TMR and there is no USI: the variant is the trunk's */
	if (isup_msg_decode(&m2, ISUP_VAR_ITU, b, (size_t)n) == ISUP_OK) {
		CU_ASSERT_PTR_NULL(isup_msg_get(&m2, ISUP_PAR_USI));
		struct isup_u8 tmr;
		CU_ASSERT_EQUAL(isup_msg_get_bits(&m2, ISUP_PAR_TMR, &tmr), ISUP_OK);
		CU_ASSERT_EQUAL(tmr.value, 3);
	}
	/* ITU keeps 12 CIC bits */
	CU_ASSERT_EQUAL(isup_msg_decode(&m2, ISUP_VAR_ITU, (const uint8_t *)"\xff\x3f\x10\x00", 4), ISUP_OK);
	CU_ASSERT_EQUAL(m2.cic, 0x0fff);
}

/* ---- decoder error paths ---- */

static int dec(const char *hex, enum isup_variant v)
{
	uint8_t b[1024];
	int n = hex2bin(hex, b, sizeof(b));
	return isup_msg_decode(&m1, v, b, (size_t)n);
}

static void test_decode_errors(void)
{
	CU_ASSERT_EQUAL(dec("", ISUP_VAR_ITU), ISUP_ERR_SHORT);
	CU_ASSERT_EQUAL(dec("0100", ISUP_VAR_ITU), ISUP_ERR_SHORT);
	/* IAM fixed part cut short */
	CU_ASSERT_EQUAL(dec("0100 01 00 2001 0a", ISUP_VAR_ITU), ISUP_ERR_FIXED_SHORT);
	/* REL: zero pointer to the cause, then a zero-length cause */
	CU_ASSERT_EQUAL(dec("0500 0c 00 00", ISUP_VAR_ITU), ISUP_ERR_MISSING_MANDATORY);
	CU_ASSERT_EQUAL(dec("0500 0c 02 00 00", ISUP_VAR_ITU), ISUP_ERR_MISSING_MANDATORY);
	/* REL with no pointers at all */
	CU_ASSERT_EQUAL(dec("0500 0c", ISUP_VAR_ITU), ISUP_ERR_MISSING_MANDATORY);
	/* REL without the optional part pointer */
	CU_ASSERT_EQUAL(dec("0500 0c 01", ISUP_VAR_ITU), ISUP_ERR_NO_OPT_PTR);
	/* ACM and RLC without the optional part pointer at the very end: accepted, re-encoded alike */
	uint8_t nb[16], no[16];
	int nn = hex2bin("0100 06 1416", nb, sizeof(nb));
	CU_ASSERT_EQUAL(isup_msg_decode(&m1, ISUP_VAR_ITU, nb, (size_t)nn), ISUP_OK);
	CU_ASSERT_TRUE(m1.flags & ISUP_MSGF_NO_OPT_PTR);
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, no, sizeof(no)), nn);
	CU_ASSERT_EQUAL(memcmp(nb, no, (size_t)nn), 0);
	CU_ASSERT_EQUAL(dec("2c01 10", ISUP_VAR_ANSI), ISUP_OK);
	/* once it carries optional parameters, the pointer is written */
	CU_ASSERT_EQUAL(isup_msg_set(&m1, ISUP_PAR_CAUSE, (const uint8_t *)"\x80\x90", 2), ISUP_OK);
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, no, sizeof(no)), 9);
	CU_ASSERT_EQUAL(no[3], 0x01);
	/* pointer beyond the end, and pointer into the pointer area */
	CU_ASSERT_EQUAL(dec("0500 0c 09 00 02 8090", ISUP_VAR_ITU), ISUP_ERR_BAD_POINTER);
	CU_ASSERT_EQUAL(dec("0500 0c 01 00 02 8090", ISUP_VAR_ITU), ISUP_ERR_BAD_POINTER);
	/* optional part pointer beyond the end */
	CU_ASSERT_EQUAL(dec("0500 0c 02 05 02 8090", ISUP_VAR_ITU), ISUP_ERR_BAD_POINTER);
	/* cause length runs past the end; cause shorter than its minimum */
	CU_ASSERT_EQUAL(dec("0500 0c 02 00 05 8090", ISUP_VAR_ITU), ISUP_ERR_BAD_LENGTH);
	CU_ASSERT_EQUAL(dec("0500 0c 02 00 01 80", ISUP_VAR_ITU), ISUP_ERR_BAD_LENGTH);
	/* optional parameter length runs past the end; optional parameter cut after its code */
	CU_ASSERT_EQUAL(dec("0100 09 01 29 05 01 00", ISUP_VAR_ITU), ISUP_ERR_BAD_LENGTH);
	CU_ASSERT_EQUAL(dec("0100 09 01 29", ISUP_VAR_ITU), ISUP_ERR_BAD_LENGTH);
	/* optional part without end-of-optional-parameters */
	CU_ASSERT_EQUAL(dec("0100 09 01 29 01 01", ISUP_VAR_ITU), ISUP_ERR_NO_EOP);
	/* range and status longer than allowed (33 octets) */
	char rs[200] = "0100 17 01 22";
	for (int i = 0; i < 34; i++)
		strcat(rs, "00");
	CU_ASSERT_EQUAL(dec(rs, ISUP_VAR_ITU), ISUP_ERR_BAD_LENGTH);
	/* 70 zero-length optional parameters exceed the parameter table */
	char many[400] = "0100 09 01";
	for (int i = 0; i < 70; i++)
		strcat(many, "9900");
	strcat(many, "00");
	CU_ASSERT_EQUAL(dec(many, ISUP_VAR_ITU), ISUP_ERR_TOO_MANY_PARAMS);
	/* over-long input */
	static uint8_t big[ISUP_MSG_MAX_WIRE + 3] = { 1, 0, ISUP_MT_ANM, 0 };
	CU_ASSERT_EQUAL(isup_msg_decode(&m1, ISUP_VAR_ITU, big, sizeof(big)), ISUP_ERR_BAD_LENGTH);
	/* a PAM body larger than the parameter store */
	big[2] = ISUP_MT_PAM;
	CU_ASSERT_EQUAL(isup_msg_decode(&m1, ISUP_VAR_ITU, big, ISUP_MSG_MAX_DATA + 10), ISUP_ERR_BAD_LENGTH);
	/* ANSI IAM whose USI and CdPN pointers both aim at one 255-octet parameter: the copies
	 * (4 + 255 + 255 octets) exceed the parameter store, reported as a length error */
	uint8_t ov[300] = { 1, 0, ISUP_MT_IAM, 0x00, 0x20, 0x00, 0x0a, 0x03, 0x02, 0x00, 0xff };
	memset(ov + 11, 0x80, 255);
	CU_ASSERT_EQUAL(isup_msg_decode(&m1, ISUP_VAR_ANSI, ov, 11 + 255), ISUP_ERR_BAD_LENGTH);
	/* the same with a 100-octet parameter fits and decodes to two copies */
	ov[10] = 100;
	CU_ASSERT_EQUAL(isup_msg_decode(&m1, ISUP_VAR_ANSI, ov, 11 + 100), ISUP_OK);
	CU_ASSERT_EQUAL(m1.data_len, 4 + 200);
	/* ANSI-only message on an ITU trunk, ITU-only message on an ANSI trunk */
	CU_ASSERT_EQUAL(dec("0500 ea 00", ISUP_VAR_ITU), ISUP_ERR_UNKNOWN_MSG);
	CU_ASSERT_EQUAL(dec("0500 41 00", ISUP_VAR_ANSI), ISUP_ERR_UNKNOWN_MSG);
	/* trailing octets after a message without optional part are ignored */
	CU_ASSERT_EQUAL(dec("0500 12 ffff", ISUP_VAR_ITU), ISUP_OK);
}

static void test_unknown_message(void)
{
	/* Q.763: an unrecognized message is parsed as optional part only, so its MCI can be read. */
	CU_ASSERT_EQUAL(dec("0700 7f 01 38 01 91 99 02 aabb 00", ISUP_VAR_ITU), ISUP_ERR_UNKNOWN_MSG);
	CU_ASSERT_TRUE(m1.flags & ISUP_MSGF_UNKNOWN);
	CU_ASSERT_FALSE(m1.flags & ISUP_MSGF_UNPARSED);
	const struct isup_param *p = isup_msg_get(&m1, ISUP_PAR_MSG_COMPAT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	struct isup_instr ii;
	CU_ASSERT_EQUAL(isup_instr_decode(isup_msg_pdata(&m1, p), (uint8_t)p->len, &ii), ISUP_OK);
	CU_ASSERT_EQUAL(ISUP_II_RELEASE(ii.oct[0]), 0);
	CU_ASSERT_EQUAL(ISUP_II_TRANSIT(ii.oct[0]), 1);
	CU_ASSERT_EQUAL(ISUP_II_NOTIFY(ii.oct[0]), 0);
	CU_ASSERT_EQUAL(ISUP_II_MCI_PASS_ON_NP(ii.oct[0]), 1);
	uint8_t out[64], b[64];
	int n = hex2bin("0700 7f 01 38 01 91 99 02 aabb 00", b, sizeof(b));
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, out, sizeof(out)), n);
	CU_ASSERT_EQUAL(memcmp(out, b, (size_t)n), 0);
	/* unparsable unknown message: kept whole so it can be passed on */
	n = hex2bin("0700 7e 05 0102", b, sizeof(b));
	CU_ASSERT_EQUAL(isup_msg_decode(&m1, ISUP_VAR_ITU, b, (size_t)n), ISUP_ERR_UNKNOWN_MSG);
	CU_ASSERT_TRUE(m1.flags & ISUP_MSGF_UNPARSED);
	CU_ASSERT_PTR_NULL(isup_msg_get(&m1, ISUP_PAR_MSG_COMPAT));
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, out, sizeof(out)), n);
	CU_ASSERT_EQUAL(memcmp(out, b, (size_t)n), 0);
	/* empty optional part of an unknown message */
	CU_ASSERT_EQUAL(dec("0700 7d 00", ISUP_VAR_ITU), ISUP_ERR_UNKNOWN_MSG);
	CU_ASSERT_FALSE(m1.flags & ISUP_MSGF_UNPARSED);
	CU_ASSERT_EQUAL(m1.n_params, 0);
}

static void test_opt_empty_eop(void)
{
	/* some senders point at a lone end-of-optional-parameters octet; keep the octets identical */
	uint8_t b[16], out[16];
	int n = hex2bin("0100 09 01 00", b, sizeof(b));
	CU_ASSERT_EQUAL(isup_msg_decode(&m1, ISUP_VAR_ITU, b, (size_t)n), ISUP_OK);
	CU_ASSERT_EQUAL(m1.n_params, 0);
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, out, sizeof(out)), n);
	CU_ASSERT_EQUAL(memcmp(out, b, (size_t)n), 0);
}

static void test_encode_errors(void)
{
	char err[128];
	CU_ASSERT_EQUAL_FATAL(isup_msg_from_line(&m1, ISUP_VAR_ITU, isup_samples[3].line, err, sizeof(err)), 0);
	uint8_t b[600];
	int n = isup_msg_encode(&m1, b, sizeof(b));
	CU_ASSERT_FATAL(n > 0);
	/* every buffer shorter than the message is refused without writing past it */
	for (int sz = 0; sz < n; sz++) {
		uint8_t small[600];
		memset(small, 0xa5, sizeof(small));
		CU_ASSERT_EQUAL(isup_msg_encode(&m1, small, (size_t)sz), ISUP_ERR_NOSPACE);
		CU_ASSERT_EQUAL(small[sz], 0xa5);
	}
	/* CIC beyond the variant's field */
	m1.cic = 4096;
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, b, sizeof(b)), ISUP_ERR_BAD_VALUE);
	/* unset mandatory parameters */
	isup_msg_init(&m1, ISUP_VAR_ITU, ISUP_MT_REL, 1);
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, b, sizeof(b)), ISUP_ERR_MISSING_MANDATORY);
	isup_msg_init(&m1, ISUP_VAR_ITU, ISUP_MT_ACM, 1);
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, b, sizeof(b)), ISUP_ERR_MISSING_MANDATORY);
	/* a fixed parameter of the wrong length */
	CU_ASSERT_EQUAL(isup_msg_set(&m1, ISUP_PAR_BCI, (const uint8_t *)"\x01", 1), ISUP_OK);
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, b, sizeof(b)), ISUP_ERR_BAD_LENGTH);
	/* optional parameters on a message that has no optional part */
	isup_msg_init(&m1, ISUP_VAR_ITU, ISUP_MT_BLO, 1);
	CU_ASSERT_EQUAL(isup_msg_set(&m1, ISUP_PAR_CAUSE, (const uint8_t *)"\x80\x90", 2), ISUP_ERR_BAD_VALUE);
	CU_ASSERT_EQUAL(isup_msg_add(&m1, ISUP_PAR_CAUSE, (const uint8_t *)"\x80\x90", 2), ISUP_ERR_BAD_VALUE);
	CU_ASSERT_EQUAL(isup_msg_init(&m1, ISUP_VAR_ITU, 0x7f, 1), ISUP_ERR_UNKNOWN_MSG);
}

static void test_build_api(void)
{
	uint8_t b[600];
	isup_msg_init(&m1, ISUP_VAR_ITU, ISUP_MT_ANM, 9);
	/* replacing a parameter many times must not grow the storage */
	for (int i = 0; i < 2000; i++)
		CU_ASSERT_EQUAL_FATAL(isup_msg_set(&m1, ISUP_PAR_OBCI, (const uint8_t *)"\x01", 1), ISUP_OK);
	CU_ASSERT_EQUAL(m1.n_params, 1);
	CU_ASSERT_EQUAL(m1.data_len, 1);
	struct isup_obci o = { .inband_info = 1, .mlpp_user = 1 };
	CU_ASSERT_EQUAL(isup_msg_put_bits(&m1, ISUP_PAR_OBCI, &o), ISUP_OK);
	struct isup_number cn = { .nai = 3, .npi = 1, .si = 3, .n_digits = 4, .digits = "1234" };
	CU_ASSERT_EQUAL(isup_msg_put_number(&m1, ISUP_PAR_CONNECTED, &cn), ISUP_OK);
	CU_ASSERT_EQUAL(isup_msg_add(&m1, ISUP_PAR_GENERIC_NUM, (const uint8_t *)"\x06\x03\x13\x21", 4), ISUP_OK);
	CU_ASSERT_EQUAL(isup_msg_add(&m1, ISUP_PAR_GENERIC_NUM, (const uint8_t *)"\x01\x03\x13\x43", 4), ISUP_OK);
	CU_ASSERT_EQUAL(m1.n_params, 4);
	CU_ASSERT_EQUAL(isup_msg_del(&m1, ISUP_PAR_OBCI), ISUP_OK);
	CU_ASSERT_EQUAL(isup_msg_del(&m1, ISUP_PAR_OBCI), ISUP_ERR_MISSING_MANDATORY);
	CU_ASSERT_EQUAL(m1.n_params, 3);
	int n = isup_msg_encode(&m1, b, sizeof(b));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(isup_msg_decode(&m2, ISUP_VAR_ITU, b, (size_t)n), ISUP_OK);
	CU_ASSERT_TRUE(isup_msg_equal(&m1, &m2));
	struct isup_number got;
	CU_ASSERT_EQUAL(isup_msg_get_number(&m2, ISUP_PAR_CONNECTED, &got), ISUP_OK);
	CU_ASSERT_STRING_EQUAL(got.digits, "1234");
	CU_ASSERT_EQUAL(got.si, 3);
	/* both generic numbers survive, in order */
	CU_ASSERT_EQUAL(m2.params[1].code, ISUP_PAR_GENERIC_NUM);
	CU_ASSERT_EQUAL(m2.params[2].code, ISUP_PAR_GENERIC_NUM);
	CU_ASSERT_EQUAL(isup_msg_pdata(&m2, &m2.params[2])[3], 0x43);

	/* typed cause and range/status through the message */
	isup_msg_init(&m1, ISUP_VAR_ITU, ISUP_MT_REL, 1);
	struct isup_cause c = isup_cause_make(4, 34);
	CU_ASSERT_EQUAL(isup_msg_put_cause(&m1, &c), ISUP_OK);
	n = isup_msg_encode(&m1, b, sizeof(b));
	CU_ASSERT_EQUAL(n, 8);
	CU_ASSERT_EQUAL(b[6], 0x84);
	CU_ASSERT_EQUAL(b[7], 0xa2);
	isup_msg_init(&m1, ISUP_VAR_ITU, ISUP_MT_CGB, 1);
	struct isup_range_status rs = { .range = 9, .status_len = isup_rs_status_len(9) };
	isup_rs_set_bit(&rs, 9, true);
	CU_ASSERT_EQUAL(isup_msg_put_rs(&m1, &rs), ISUP_OK);
	struct isup_cgsmt t = { .type = 0 };
	CU_ASSERT_EQUAL(isup_msg_put_bits(&m1, ISUP_PAR_CGSMT, &t), ISUP_OK);
	n = isup_msg_encode(&m1, b, sizeof(b));
	CU_ASSERT_EQUAL(n, 9);
	CU_ASSERT_EQUAL(b[8], 0x02);

	/* PAM keeps its embedded message whole */
	isup_msg_init(&m1, ISUP_VAR_ITU, ISUP_MT_PAM, 1);
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, b, sizeof(b)), ISUP_ERR_MISSING_MANDATORY);
	CU_ASSERT_EQUAL(isup_msg_set_raw_body(&m1, (const uint8_t *)"\x06\x14\x16\x00", 4), ISUP_OK);
	CU_ASSERT_EQUAL(isup_msg_encode(&m1, b, sizeof(b)), 7);
	CU_ASSERT_EQUAL(isup_msg_set(&m1, ISUP_PAR_CAUSE, (const uint8_t *)"\x80\x90", 2), ISUP_ERR_BAD_VALUE);
}

/* ---- typed parameters ---- */

static void test_numbers(void)
{
	uint8_t b[256];
	/* every digit count 0..64, odd and even, all 16 nibble values */
	for (unsigned nd = 0; nd <= ISUP_NUM_MAX_DIGITS; nd++) {
		struct isup_number n = { .nai = 4, .inn_ni = 1, .npi = 1, .apri = 1, .si = 3 }, g;
		for (unsigned k = 0; k < nd; k++)
			n.digits[k] = "0123456789ABCDEF"[(k * 7) % 16];
		n.n_digits = (uint8_t)nd;
		int len = isup_number_encode(ISUP_VAR_ITU, ISUP_PAR_CALLING, &n, b, sizeof(b));
		CU_ASSERT_EQUAL_FATAL(len, (int)(2 + (nd + 1) / 2));
		CU_ASSERT_EQUAL(b[0] >> 7, nd & 1);
		CU_ASSERT_EQUAL(isup_number_decode(ISUP_VAR_ITU, ISUP_PAR_CALLING, b, (uint8_t)len, &g), ISUP_OK);
		CU_ASSERT_EQUAL(memcmp(&n, &g, sizeof(n)), 0);
		/* and generic number with its qualifier */
		n.nqi = 6;
		len = isup_number_encode(ISUP_VAR_ITU, ISUP_PAR_GENERIC_NUM, &n, b, sizeof(b));
		CU_ASSERT_EQUAL(b[0], 6);
		CU_ASSERT_EQUAL(isup_number_decode(ISUP_VAR_ITU, ISUP_PAR_GENERIC_NUM, b, (uint8_t)len, &g), ISUP_OK);
		CU_ASSERT_EQUAL(memcmp(&n, &g, sizeof(n)), 0);
	}
	/* subsequent number: one header octet */
	struct isup_number sn = { .n_digits = 3, .digits = "45F" }, g;
	int len = isup_number_encode(ISUP_VAR_ITU, ISUP_PAR_SUBSEQ, &sn, b, sizeof(b));
	CU_ASSERT_EQUAL(len, 3);
	CU_ASSERT_EQUAL(b[0], 0x80);
	CU_ASSERT_EQUAL(b[1], 0x54);
	CU_ASSERT_EQUAL(b[2], 0x0f);
	/* bad input */
	CU_ASSERT_EQUAL(isup_number_decode(ISUP_VAR_ITU, ISUP_PAR_CALLED, (const uint8_t *)"\x83", 1, &g),
			ISUP_ERR_BAD_LENGTH);
	CU_ASSERT_EQUAL(isup_number_decode(ISUP_VAR_ITU, ISUP_PAR_CALLED, (const uint8_t *)"\x83\x10", 2, &g),
			ISUP_ERR_BAD_VALUE); /* odd with no digit octet */
	memset(b, 0x11, sizeof(b));
	b[0] = 3;
	CU_ASSERT_EQUAL(isup_number_decode(ISUP_VAR_ITU, ISUP_PAR_CALLED, b, 2 + 33, &g), ISUP_ERR_BAD_LENGTH);
	CU_ASSERT_EQUAL(isup_number_decode(ISUP_VAR_ITU, ISUP_PAR_CAUSE, b, 4, &g), ISUP_ERR_BAD_VALUE);
	struct isup_number bad = { .n_digits = 2, .digits = "1X" };
	CU_ASSERT_EQUAL(isup_number_encode(ISUP_VAR_ITU, ISUP_PAR_CALLED, &bad, b, sizeof(b)), ISUP_ERR_BAD_VALUE);
	bad = (struct isup_number){ .n_digits = 3, .digits = "12" };
	CU_ASSERT_EQUAL(isup_number_encode(ISUP_VAR_ITU, ISUP_PAR_CALLED, &bad, b, sizeof(b)), ISUP_ERR_BAD_VALUE);
	bad = (struct isup_number){ .npi = 8 };
	CU_ASSERT_EQUAL(isup_number_encode(ISUP_VAR_ITU, ISUP_PAR_CALLED, &bad, b, sizeof(b)), ISUP_ERR_BAD_VALUE);
	struct isup_number ok = { .n_digits = 4, .digits = "1234" };
	CU_ASSERT_EQUAL(isup_number_encode(ISUP_VAR_ITU, ISUP_PAR_CALLED, &ok, b, 3), ISUP_ERR_NOSPACE);
}

static void test_cause_rs_usi_gd(void)
{
	uint8_t b[256];
	struct isup_cause c = { .coding_std = 2,
				.location = 10,
				.has_rec = true,
				.rec = 3,
				.cause = 127,
				.diag_len = 3,
				.diag = { 1, 2, 3 } },
			  c2;
	int n = isup_cause_encode(&c, b, sizeof(b));
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT_EQUAL(b[0], 0x4a); /* ext 0: octet 1a follows */
	CU_ASSERT_EQUAL(b[1], 0x83);
	CU_ASSERT_EQUAL(b[2], 0xff);
	CU_ASSERT_EQUAL(isup_cause_decode(b, (uint8_t)n, &c2), ISUP_OK);
	CU_ASSERT_EQUAL(memcmp(&c, &c2, sizeof(c)), 0);
	CU_ASSERT_EQUAL(isup_cause_decode((const uint8_t *)"\x00\x80", 2, &c2), ISUP_ERR_BAD_LENGTH);
	CU_ASSERT_EQUAL(isup_cause_decode((const uint8_t *)"\x80", 1, &c2), ISUP_ERR_BAD_LENGTH);
	c.cause = 128;
	CU_ASSERT_EQUAL(isup_cause_encode(&c, b, sizeof(b)), ISUP_ERR_BAD_VALUE);
	c.cause = 16;
	CU_ASSERT_EQUAL(isup_cause_encode(&c, b, 3), ISUP_ERR_NOSPACE);

	for (unsigned r = 0; r < 32; r++) {
		struct isup_range_status rs = { .range = (uint8_t)r, .status_len = isup_rs_status_len((uint8_t)r) },
					 rs2;
		for (unsigned i = 0; i <= r; i += 3)
			isup_rs_set_bit(&rs, i, true);
		n = isup_rs_encode(&rs, b, sizeof(b));
		CU_ASSERT_EQUAL(n, 1 + (int)(r / 8 + 1));
		CU_ASSERT_EQUAL(isup_rs_decode(b, (uint8_t)n, &rs2), ISUP_OK);
		CU_ASSERT_EQUAL(memcmp(&rs, &rs2, sizeof(rs)), 0);
	}
	struct isup_range_status rs3;
	CU_ASSERT_EQUAL(isup_rs_decode((const uint8_t *)"\x10\xff", 2, &rs3), ISUP_ERR_BAD_VALUE);
	CU_ASSERT_EQUAL(isup_rs_decode(b, 0, &rs3), ISUP_ERR_BAD_LENGTH);

	struct isup_usi u = { .coding_std = 0,
			      .itc = 8,
			      .mode = 0,
			      .rate = 0x18,
			      .has_mult = true,
			      .mult = 2,
			      .has_l1 = true,
			      .l1 = 3,
			      .l1_ext = 1,
			      .rest_len = 2,
			      .rest = { 0x40, 0x80 } },
			u2;
	n = isup_usi_encode(&u, b, sizeof(b));
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT_EQUAL(isup_usi_decode(b, (uint8_t)n, &u2), ISUP_OK);
	CU_ASSERT_EQUAL(memcmp(&u, &u2, sizeof(u)), 0);
	u.rate = 16;
	CU_ASSERT_EQUAL(isup_usi_encode(&u, b, sizeof(b)), ISUP_ERR_BAD_VALUE); /* multiplier needs multirate */
	CU_ASSERT_EQUAL(isup_usi_decode(b, 1, &u2), ISUP_ERR_BAD_LENGTH);

	struct isup_generic_digits g = { .encoding = 1, .type = 4, .len = 2, .data = { 0x21, 0x03 } }, g2;
	n = isup_gdigits_encode(&g, b, sizeof(b));
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(b[0], 0x24);
	CU_ASSERT_EQUAL(isup_gdigits_decode(b, (uint8_t)n, &g2), ISUP_OK);
	CU_ASSERT_EQUAL(memcmp(&g, &g2, sizeof(g)), 0);
	CU_ASSERT_EQUAL(isup_gdigits_decode(b, 0, &g2), ISUP_ERR_BAD_LENGTH);
}

static void test_compat_info(void)
{
	uint8_t b[64];
	struct isup_instr ii;
	CU_ASSERT_EQUAL(isup_instr_decode((const uint8_t *)"\x12\x81", 2, &ii), ISUP_OK);
	CU_ASSERT_EQUAL(ii.n, 2);
	CU_ASSERT_EQUAL(ISUP_II_RELEASE(ii.oct[0]), 1);
	CU_ASSERT_EQUAL(ISUP_II_MCI_PASS_ON_NP(ii.oct[0]), 1);
	CU_ASSERT_EQUAL(isup_instr_encode(&ii, b, sizeof(b)), 2);
	/* chain not terminated by the extension bit */
	CU_ASSERT_EQUAL(isup_instr_decode((const uint8_t *)"\x12\x01", 2, &ii), ISUP_ERR_BAD_VALUE);
	/* trailing octets after the chain */
	CU_ASSERT_EQUAL(isup_instr_decode((const uint8_t *)"\x92\x01", 2, &ii), ISUP_ERR_BAD_VALUE);

	/* PCI: CgPN -> discard parameter (E), pass on not possible: discard parameter (GF=10);
	 * 0x99 -> release call, two instruction octets */
	struct isup_par_compat pci;
	const uint8_t pb[] = { 0x0a, 0xd0, 0x99, 0x02, 0x80 };
	CU_ASSERT_EQUAL(isup_pci_decode(pb, sizeof(pb), &pci), ISUP_OK);
	CU_ASSERT_EQUAL(pci.n, 2);
	CU_ASSERT_EQUAL(pci.e[0].code, 0x0a);
	CU_ASSERT_EQUAL(ISUP_II_PCI_DISCARD_PAR(pci.e[0].ii.oct[0]), 1);
	CU_ASSERT_EQUAL(ISUP_II_PCI_PASS_ON_NP(pci.e[0].ii.oct[0]), 2);
	CU_ASSERT_EQUAL(pci.e[1].ii.n, 2);
	CU_ASSERT_EQUAL(ISUP_II_RELEASE(pci.e[1].ii.oct[0]), 1);
	CU_ASSERT_EQUAL(isup_pci_encode(&pci, b, sizeof(b)), (int)sizeof(pb));
	CU_ASSERT_EQUAL(memcmp(b, pb, sizeof(pb)), 0);
	CU_ASSERT_EQUAL(isup_pci_decode(pb, 1, &pci), ISUP_ERR_BAD_VALUE);
	CU_ASSERT_EQUAL(isup_pci_decode(pb, 4, &pci), ISUP_ERR_BAD_VALUE);
	CU_ASSERT_EQUAL(isup_pci_decode(pb, 0, &pci), ISUP_ERR_BAD_LENGTH);

	struct isup_circ_state cs;
	CU_ASSERT_EQUAL(isup_csi_decode((const uint8_t *)"\x01\x0d", 2, &cs), ISUP_OK);
	CU_ASSERT_EQUAL(ISUP_CSI_MAINT(cs.st[1]), 1);
	CU_ASSERT_EQUAL(ISUP_CSI_CALLPROC(cs.st[1]), 3);
	CU_ASSERT_EQUAL(isup_csi_encode(&cs, b, sizeof(b)), 2);
	CU_ASSERT_EQUAL(isup_csi_decode(b, 0, &cs), ISUP_ERR_BAD_LENGTH);
}

/* Every bit-field descriptor covers each bit of its octets exactly once, and a random value of
 * every field survives encode/decode. */
static void test_bits_tables(void)
{
	srand(7);
	const struct isup_par_desc *d;
	unsigned checked = 0;
	for (unsigned i = 0; (d = isup_par_desc_at(i)); i++) {
		if (d->kind != ISUP_PK_BITS)
			continue;
		enum isup_variant v = (d->variants & ISUP_VM_ITU) ? ISUP_VAR_ITU : ISUP_VAR_ANSI;
		uint8_t cover[16] = { 0 };
		for (unsigned k = 0; k < d->n_fields; k++) {
			const struct isup_bits_field *f = &d->fields[k];
			for (unsigned bit = 0; bit < f->width; bit++) {
				unsigned pos = f->be ? (f->octet * 8u + bit) : (f->octet * 8u + f->shift + bit);
				CU_ASSERT_FATAL(pos / 8 < d->min_len);
				if (cover[pos / 8] & (1 << (pos % 8)))
					fprintf(stderr, "\n%s: bit %u covered twice\n", d->abbr, pos);
				CU_ASSERT_FALSE(cover[pos / 8] & (1 << (pos % 8)));
				cover[pos / 8] |= (uint8_t)(1 << (pos % 8));
			}
		}
		for (unsigned o = 0; o < d->min_len; o++) {
			if (cover[o] != 0xff)
				fprintf(stderr, "\n%s: octet %u coverage %02x\n", d->abbr, o, cover[o]);
			CU_ASSERT_EQUAL(cover[o], 0xff);
		}
		/* random octets decode and re-encode to themselves */
		for (int r = 0; r < 50; r++) {
			uint8_t in[16], out[16];
			union {
				uint8_t b[64];
				uint16_t a;
			} s;
			for (unsigned o = 0; o < d->min_len; o++)
				in[o] = (uint8_t)rand();
			CU_ASSERT_EQUAL(isup_bits_decode(v, d->code, in, d->min_len, &s), ISUP_OK);
			CU_ASSERT_EQUAL(isup_bits_encode(v, d->code, &s, out, sizeof(out)), d->min_len);
			CU_ASSERT_EQUAL(memcmp(in, out, d->min_len), 0);
		}
		uint8_t z[16] = { 0 };
		union {
			uint8_t b[64];
			uint16_t a;
		} s;
		CU_ASSERT_EQUAL(isup_bits_decode(v, d->code, z, (uint8_t)(d->min_len + 1), &s), ISUP_ERR_BAD_LENGTH);
		CU_ASSERT_EQUAL(isup_bits_encode(v, d->code, &s, z, 0), ISUP_ERR_NOSPACE);
		checked++;
	}
	CU_ASSERT(checked > 40);
	/* a field value wider than its bits is refused */
	struct isup_nci nci = { .satellite = 4 };
	uint8_t o[4];
	CU_ASSERT_EQUAL(isup_bits_encode(ISUP_VAR_ITU, ISUP_PAR_NCI, &nci, o, sizeof(o)), ISUP_ERR_BAD_VALUE);
	CU_ASSERT_EQUAL(isup_bits_encode(ISUP_VAR_ITU, ISUP_PAR_CALLED, &nci, o, sizeof(o)), ISUP_ERR_BAD_VALUE);
}

static void test_builder_errors(void)
{
	static const char *bad[] = {
		"XYZ cic=1",			       /* unknown message */
		"REL cic=1 cause.cause=200",	       /* out of range */
		"REL cic=1 cause.colour=1",	       /* no such field */
		"REL cic=1 nosuch.x=1",		       /* no such parameter */
		"REL cic=70000 cause.cause=16",	       /* CIC out of range */
		"USR cic=1",			       /* mandatory raw parameter without value */
		"BLO cic=1 cause.cause=16",	       /* no optional part */
		"IAM cic=1 cdpn.digits=12G4",	       /* bad digit */
		"CGB cic=1 rs.range=7 rs.status=ffff", /* status length does not match range */
		"REL cic=1 cause.cause",	       /* no '=' */
		"PAM cic=1",			       /* PAM needs a body */
		"",
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[160] = "";
		int rc = isup_msg_from_line(&m1, ISUP_VAR_ITU, bad[i], err, sizeof(err));
		if (rc == ISUP_OK)
			fprintf(stderr, "\naccepted: '%s'\n", bad[i]);
		CU_ASSERT_NOT_EQUAL(rc, ISUP_OK);
		CU_ASSERT_NOT_EQUAL(err[0], '\0');
	}
	/* CRM is ANSI only */
	CU_ASSERT_NOT_EQUAL(isup_msg_from_line(&m1, ISUP_VAR_ITU, "CRM cic=1", NULL, 0), ISUP_OK);
	CU_ASSERT_EQUAL(isup_msg_from_line(&m1, ISUP_VAR_ANSI, "CRM cic=1", NULL, 0), ISUP_OK);
}

/* ---- MTP3 label and pcap ---- */

static void test_mtp3_label(void)
{
	uint8_t b[16];
	struct mtp3_label l = { .si = 5, .ni = 2, .dpc = 2, .opc = 1, .sls = 3 }, l2;
	CU_ASSERT_EQUAL(mtp3_label_encode(&l, false, b, sizeof(b)), 5);
	CU_ASSERT_EQUAL(b[0], 0x85);
	CU_ASSERT_EQUAL(b[1], 0x02);
	CU_ASSERT_EQUAL(b[2], 0x40);
	CU_ASSERT_EQUAL(b[3], 0x00);
	CU_ASSERT_EQUAL(b[4], 0x30);
	CU_ASSERT_EQUAL(mtp3_label_decode(&l2, false, b, 5), 5);
	CU_ASSERT_EQUAL(memcmp(&l, &l2, sizeof(l)), 0);
	CU_ASSERT_EQUAL(mtp3_label_decode(&l2, false, b, 4), -1);

	struct mtp3_label
		a = { .si = 5, .ni = 2, .prio = 1, .dpc = 0x010203, .opc = 0x040506, .sls = 0x1f, .ansi = true },
		a2;
	CU_ASSERT_EQUAL(mtp3_label_encode(&a, true, b, sizeof(b)), 8);
	const uint8_t exp[] = { 0x95, 0x03, 0x02, 0x01, 0x06, 0x05, 0x04, 0x1f };
	CU_ASSERT_EQUAL(memcmp(b, exp, 8), 0);
	CU_ASSERT_EQUAL(mtp3_label_decode(&a2, true, b, 8), 8);
	CU_ASSERT_EQUAL(memcmp(&a, &a2, sizeof(a)), 0);
	CU_ASSERT_EQUAL(mtp3_label_encode(&a, false, b, sizeof(b)), -1); /* 24-bit PC on ITU */
	CU_ASSERT_EQUAL(mtp3_label_encode(&a, true, b, 7), -2);

	uint32_t pc;
	char s[16];
	CU_ASSERT_EQUAL(ss7_pc_parse("1-23-4", false, &pc), 0);
	CU_ASSERT_EQUAL(pc, 2236);
	CU_ASSERT_STRING_EQUAL(ss7_pc_str(pc, false, s, sizeof(s)), "1-23-4");
	CU_ASSERT_EQUAL(ss7_pc_parse("2236", false, &pc), 0);
	CU_ASSERT_EQUAL(pc, 2236);
	CU_ASSERT_EQUAL(ss7_pc_parse("1.2.3", true, &pc), 0);
	CU_ASSERT_EQUAL(pc, 0x010203);
	CU_ASSERT_STRING_EQUAL(ss7_pc_str(pc, true, s, sizeof(s)), "1-2-3");
	/* ANSI network-cluster-member: dashes or dots, any octet up to 255; the decimal 24-bit value */
	CU_ASSERT_EQUAL(ss7_pc_parse("245-16-1", true, &pc), 0);
	CU_ASSERT_EQUAL(pc, 0xf51001);
	CU_ASSERT_STRING_EQUAL(ss7_pc_str(pc, true, s, sizeof(s)), "245-16-1");
	CU_ASSERT_EQUAL(ss7_pc_parse("16060417", true, &pc), 0);
	CU_ASSERT_EQUAL(pc, 0xf51001);
	CU_ASSERT_EQUAL(ss7_pc_parse("255.255.255", true, &pc), 0);
	CU_ASSERT_EQUAL(pc, 0xffffff);
	CU_ASSERT_EQUAL(ss7_pc_parse("16777216", true, &pc), -1);
	CU_ASSERT_EQUAL(ss7_pc_parse("256-0-0", true, &pc), -1);
	CU_ASSERT_EQUAL(ss7_pc_parse("245-16.1", true, &pc), -1);
	CU_ASSERT_EQUAL(ss7_pc_parse("245-16-1", false, &pc), -1); /* not an ITU 3-8-3 code */
	/* a T1.111.4 label: DPC member, cluster, network; OPC likewise; an 8-bit SLS */
	struct mtp3_label b8 = { .si = 5, .ni = 2, .dpc = 0xf51001, .opc = 0xf51002, .sls = 0xe5, .ansi = true };
	CU_ASSERT_EQUAL(mtp3_label_encode(&b8, true, b, sizeof(b)), 8);
	const uint8_t exp8[] = { 0x85, 0x01, 0x10, 0xf5, 0x02, 0x10, 0xf5, 0xe5 };
	CU_ASSERT_EQUAL(memcmp(b, exp8, 8), 0);
	CU_ASSERT_EQUAL(mtp3_label_decode(&a2, true, b, 7), -1);
	CU_ASSERT_EQUAL(ss7_sls_mask(true, 5), 0x1f);
	CU_ASSERT_EQUAL(ss7_sls_mask(true, 8), 0xff);
	CU_ASSERT_EQUAL(ss7_sls_mask(false, 8), 0x0f);
	CU_ASSERT_EQUAL(ss7_pc_parse("16384", false, &pc), -1);
	CU_ASSERT_EQUAL(ss7_pc_parse("8-0-0", false, &pc), -1);
	CU_ASSERT_EQUAL(ss7_pc_parse("1-2", false, &pc), -1);
	CU_ASSERT_EQUAL(ss7_pc_parse("1.2.256", true, &pc), -1);
	CU_ASSERT_EQUAL(ss7_pc_parse("x", true, &pc), -1);
	CU_ASSERT_EQUAL(ss7_pc_parse("1-2-3x", false, &pc), -1);
}

static void test_pcap(void)
{
	char path[] = "/tmp/isup_test_pcap_XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	struct ss7_pcap p;
	CU_ASSERT_EQUAL_FATAL(ss7_pcap_create(&p, path), 0);
	struct timeval tv = { 1000, 5 };
	for (int i = 0; i < 3; i++) {
		uint8_t msu[8] = { 0x85, (uint8_t)i, 0, 0, 0, 1, 0, 0x10 };
		CU_ASSERT_EQUAL(ss7_pcap_write(&p, &tv, msu, sizeof(msu)), 0);
	}
	ss7_pcap_close(&p);
	CU_ASSERT_EQUAL(ss7_pcap_write(&p, &tv, (const uint8_t *)"", 0), -EBADF);

	CU_ASSERT_EQUAL_FATAL(ss7_pcap_open(&p, path), 0);
	CU_ASSERT_EQUAL(p.linktype, SS7_DLT_MTP3);
	uint8_t buf[64];
	size_t len;
	struct timeval t2;
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(ss7_pcap_next(&p, buf, sizeof(buf), &len, &t2), 1);
		CU_ASSERT_EQUAL(len, 8);
		CU_ASSERT_EQUAL(buf[1], i);
		CU_ASSERT_EQUAL(t2.tv_sec, 1000);
		CU_ASSERT_EQUAL(t2.tv_usec, 5);
	}
	CU_ASSERT_EQUAL(ss7_pcap_next(&p, buf, sizeof(buf), &len, &t2), 0);
	ss7_pcap_close(&p);
	/* a record bigger than the caller's buffer is skipped and reported */
	CU_ASSERT_EQUAL_FATAL(ss7_pcap_open(&p, path), 0);
	CU_ASSERT_EQUAL(ss7_pcap_next(&p, buf, 4, &len, NULL), -EMSGSIZE);
	CU_ASSERT_EQUAL(ss7_pcap_next(&p, buf, sizeof(buf), &len, NULL), 1);
	CU_ASSERT_EQUAL(buf[1], 1);
	ss7_pcap_close(&p);
	/* truncated file */
	CU_ASSERT_EQUAL(truncate(path, 24 + 16 + 8 + 10), 0);
	CU_ASSERT_EQUAL_FATAL(ss7_pcap_open(&p, path), 0);
	CU_ASSERT_EQUAL(ss7_pcap_next(&p, buf, sizeof(buf), &len, NULL), 1);
	CU_ASSERT_EQUAL(ss7_pcap_next(&p, buf, sizeof(buf), &len, NULL), -EINVAL);
	ss7_pcap_close(&p);
	/* not a pcap */
	FILE *f = fopen(path, "wb");
	fputs("hello, this is not a capture file", f);
	fclose(f);
	CU_ASSERT_EQUAL(ss7_pcap_open(&p, path), -EINVAL);
	unlink(path);
	CU_ASSERT_EQUAL(ss7_pcap_open(&p, path), -ENOENT);
}

/* ---- deterministic mutation: decoding damaged samples never misbehaves ---- */

static void test_mutations(void)
{
	srand(12345);
	unsigned ok = 0, errs = 0;
	for (unsigned i = 0; i < isup_n_samples; i++) {
		uint8_t b[600], mb[600], out[600];
		CU_ASSERT_EQUAL_FATAL(isup_msg_from_line(&m1, isup_samples[i].v, isup_samples[i].line, NULL, 0), 0);
		int n = isup_msg_encode(&m1, b, sizeof(b));
		for (int r = 0; r < 400; r++) {
			memcpy(mb, b, (size_t)n);
			int mn = n;
			switch (r % 4) {
			case 0:
				mb[rand() % n] = (uint8_t)rand();
				break;
			case 1:
				mn = rand() % n;
				break;
			case 2:
				mb[rand() % n] ^= (uint8_t)(1 << (rand() % 8));
				break;
			default:
				mb[rand() % n] = (uint8_t)rand();
				mb[rand() % n] = (uint8_t)rand();
				break;
			}
			int rc = isup_msg_decode(&m2, isup_samples[i].v, mb, (size_t)mn);
			if (rc != ISUP_OK) {
				errs++;
				continue;
			}
			ok++;
			int on = isup_msg_encode(&m2, out, sizeof(out));
			CU_ASSERT_FATAL(on > 0);
			CU_ASSERT_EQUAL(isup_msg_decode(&m1, isup_samples[i].v, out, (size_t)on), ISUP_OK);
			CU_ASSERT_TRUE(isup_msg_equal(&m1, &m2));
			static char txt[65536];
			isup_msg_to_json(&m2, txt, sizeof(txt));
			isup_msg_to_line(&m2, txt, sizeof(txt));
		}
	}
	CU_ASSERT(ok > 1000);
	CU_ASSERT(errs > 1000);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("isup_codec", NULL, NULL);
	CU_add_test(s, "samples round trip (bytes, struct, text, body)", test_samples_roundtrip);
	CU_add_test(s, "every message type of both variants sampled", test_every_type_sampled);
	CU_add_test(s, "vector: ITU IAM", test_vector_itu_iam);
	CU_add_test(s, "vector: ITU REL, GRS, CGB", test_vector_itu_rel_grs_cgb);
	CU_add_test(s, "vector: ANSI IAM", test_vector_ansi_iam);
	CU_add_test(s, "decode errors", test_decode_errors);
	CU_add_test(s, "unrecognized message", test_unknown_message);
	CU_add_test(s, "optional part holding only its end", test_opt_empty_eop);
	CU_add_test(s, "encode errors", test_encode_errors);
	CU_add_test(s, "build API", test_build_api);
	CU_add_test(s, "numbers", test_numbers);
	CU_add_test(s, "cause, range/status, USI, generic digits", test_cause_rs_usi_gd);
	CU_add_test(s, "compatibility information, circuit state", test_compat_info);
	CU_add_test(s, "bit-field tables", test_bits_tables);
	CU_add_test(s, "builder errors", test_builder_errors);
	CU_add_test(s, "MTP3 routing label and point codes", test_mtp3_label);
	CU_add_test(s, "DLT_MTP3 pcap", test_pcap);
	CU_add_test(s, "mutated messages", test_mutations);
	return cunit_run();
}
