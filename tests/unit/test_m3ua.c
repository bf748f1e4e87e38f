/* SPDX-License-Identifier: GPL-2.0-or-later */
/* M3UA codec: round trips, a hand-checked vector, every decoder error, TCP stream framing. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "cunit_run.h"

#include "isup/isup.h"
#include "isup/mtp/m3ua_msg.h"
#include "isup/mtp/m3ua_link.h"

static const uint8_t isup_iam[] = { 0x01, 0x00, 0x01, 0x10, 0x20, 0x00, 0x0a, 0x03, 0x02, 0x07, 0x05,
				    0x03, 0x10, 0x21, 0x43, 0xf5, 0x0a, 0x03, 0x03, 0x13, 0x89, 0x00 };

static int build_all(uint8_t bufs[][256], int *lens)
{
	struct m3ua_builder b;
	int n = 0;
	m3ua_build_start(&b, bufs[n], 256, M3UA_CL_ASPSM, M3UA_ASPSM_UP);
	m3ua_build_u32(&b, M3UA_TAG_ASP_ID, 7);
	m3ua_build_param(&b, M3UA_TAG_INFO_STRING, "isupgw", 6);
	lens[n++] = m3ua_build_end(&b);
	m3ua_build_start(&b, bufs[n], 256, M3UA_CL_ASPSM, M3UA_ASPSM_BEAT);
	m3ua_build_param(&b, M3UA_TAG_HEARTBEAT_DATA, "\x01\x02\x03", 3);
	lens[n++] = m3ua_build_end(&b);
	m3ua_build_start(&b, bufs[n], 256, M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE);
	m3ua_build_u32(&b, M3UA_TAG_TRAFFIC_MODE, M3UA_TMT_LOADSHARE);
	m3ua_build_u32(&b, M3UA_TAG_ROUTING_CTX, 10);
	lens[n++] = m3ua_build_end(&b);
	struct m3ua_pdata pd = {
		.opc = 1, .dpc = 2, .si = 5, .ni = 2, .sls = 5, .data = isup_iam, .data_len = sizeof(isup_iam)
	};
	m3ua_build_start(&b, bufs[n], 256, M3UA_CL_XFER, M3UA_XFER_DATA);
	m3ua_build_u32(&b, M3UA_TAG_ROUTING_CTX, 10);
	m3ua_build_pdata(&b, &pd);
	lens[n++] = m3ua_build_end(&b);
	m3ua_build_start(&b, bufs[n], 256, M3UA_CL_SSNM, M3UA_SSNM_DUNA);
	m3ua_build_u32(&b, M3UA_TAG_ROUTING_CTX, 10);
	m3ua_build_u32(&b, M3UA_TAG_AFFECTED_PC, 2);
	lens[n++] = m3ua_build_end(&b);
	m3ua_build_start(&b, bufs[n], 256, M3UA_CL_MGMT, M3UA_MGMT_NTFY);
	m3ua_build_u32(&b, M3UA_TAG_STATUS, M3UA_NTFY_TYPE_AS_STATE_CHG << 16 | M3UA_NTFY_AS_ACTIVE);
	lens[n++] = m3ua_build_end(&b);
	m3ua_build_start(&b, bufs[n], 256, M3UA_CL_MGMT, M3UA_MGMT_ERR);
	m3ua_build_u32(&b, M3UA_TAG_ERROR_CODE, M3UA_ERR_INVALID_ROUTING_CTX);
	lens[n++] = m3ua_build_end(&b);
	m3ua_build_start(&b, bufs[n], 256, M3UA_CL_ASPSM, M3UA_ASPSM_UP_ACK);
	lens[n++] = m3ua_build_end(&b);
	return n;
}

static void test_roundtrip(void)
{
	uint8_t bufs[8][256];
	int lens[8];
	int n = build_all(bufs, lens);
	static const uint8_t expect[][2] = { { 3, 1 }, { 3, 3 }, { 4, 1 }, { 1, 1 },
					     { 2, 1 }, { 0, 1 }, { 0, 0 }, { 3, 4 } };
	for (int i = 0; i < n; i++) {
		struct m3ua_msg m;
		CU_ASSERT_FATAL(lens[i] > 0);
		CU_ASSERT_EQUAL(lens[i] % 4, 0);
		CU_ASSERT_EQUAL(m3ua_msg_decode(&m, bufs[i], (size_t)lens[i]), 0);
		CU_ASSERT_EQUAL(m.cls, expect[i][0]);
		CU_ASSERT_EQUAL(m.type, expect[i][1]);
		CU_ASSERT_EQUAL(m3ua_frame_len(bufs[i], (size_t)lens[i]), lens[i]);
	}
	struct m3ua_msg m;
	uint32_t v;
	CU_ASSERT_EQUAL(m3ua_msg_decode(&m, bufs[0], (size_t)lens[0]), 0);
	CU_ASSERT_EQUAL(m3ua_param_u32(&m, M3UA_TAG_ASP_ID, &v), 0);
	CU_ASSERT_EQUAL(v, 7);
	const struct m3ua_param *p = m3ua_msg_param(&m, M3UA_TAG_INFO_STRING);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->len, 6);
	CU_ASSERT_EQUAL(memcmp(p->val, "isupgw", 6), 0);
	CU_ASSERT_EQUAL(m3ua_param_u32(&m, M3UA_TAG_ROUTING_CTX, &v), -M3UA_ERR_MISSING_PARAM);
	/* DATA: the protocol data carries the routing label and the ISUP message */
	CU_ASSERT_EQUAL(m3ua_msg_decode(&m, bufs[3], (size_t)lens[3]), 0);
	struct m3ua_pdata pd;
	CU_ASSERT_EQUAL(m3ua_pdata_decode(m3ua_msg_param(&m, M3UA_TAG_PROTOCOL_DATA), &pd), 0);
	CU_ASSERT_EQUAL(pd.opc, 1);
	CU_ASSERT_EQUAL(pd.dpc, 2);
	CU_ASSERT_EQUAL(pd.si, 5);
	CU_ASSERT_EQUAL(pd.sls, 5);
	CU_ASSERT_EQUAL(pd.data_len, sizeof(isup_iam));
	struct isup_msg im;
	CU_ASSERT_EQUAL(isup_msg_decode(&im, ISUP_VAR_ITU, pd.data, pd.data_len), ISUP_OK);
	CU_ASSERT_EQUAL(im.type, ISUP_MT_IAM);
	/* builder overflow is reported, never written past */
	struct m3ua_builder b;
	uint8_t small[20];
	memset(small, 0xa5, sizeof(small));
	m3ua_build_start(&b, small, 16, M3UA_CL_XFER, M3UA_XFER_DATA);
	m3ua_build_u32(&b, M3UA_TAG_ROUTING_CTX, 1);
	m3ua_build_u32(&b, M3UA_TAG_ROUTING_CTX, 1);
	CU_ASSERT_EQUAL(m3ua_build_end(&b), -1);
	CU_ASSERT_EQUAL(small[16], 0xa5);
}

static void test_vector(void)
{
	/* ASPUP_ACK: version 1, reserved, class 3 (ASPSM), type 4, length 8 */
	const uint8_t v[] = { 0x01, 0x00, 0x03, 0x04, 0x00, 0x00, 0x00, 0x08 };
	struct m3ua_msg m;
	CU_ASSERT_EQUAL(m3ua_msg_decode(&m, v, sizeof(v)), 0);
	CU_ASSERT_STRING_EQUAL(m3ua_msg_name(m.cls, m.type), "ASPUP_ACK");
	CU_ASSERT_EQUAL(m.n_params, 0);
	/* a last parameter without its padding is taken as it is */
	const uint8_t unpadded[] = { 0x01, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00, 0x0f,
				     0x00, 0x09, 0x00, 0x07, 0x01, 0x02, 0x03 };
	CU_ASSERT_EQUAL(m3ua_msg_decode(&m, unpadded, sizeof(unpadded)), 0);
	CU_ASSERT_EQUAL(m.params[0].len, 3);
}

static void test_sctp_stream(void)
{
	uint8_t bufs[8][256];
	int lens[8];
	int n = build_all(bufs, lens);
	CU_ASSERT_EQUAL(n, 8);
	/* bufs[3] is DATA with SLS 5; management always on stream 0 */
	CU_ASSERT_EQUAL(m3ua_sctp_stream(bufs[0], (size_t)lens[0], 16), 0);
	CU_ASSERT_EQUAL(m3ua_sctp_stream(bufs[4], (size_t)lens[4], 16), 0);
	CU_ASSERT_EQUAL(m3ua_sctp_stream(bufs[3], (size_t)lens[3], 16), 1 + 5 % 15);
	CU_ASSERT_EQUAL(m3ua_sctp_stream(bufs[3], (size_t)lens[3], 4), 1 + 5 % 3);
	CU_ASSERT_EQUAL(m3ua_sctp_stream(bufs[3], (size_t)lens[3], 2), 1);
	/* an association with one stream carries everything on it */
	CU_ASSERT_EQUAL(m3ua_sctp_stream(bufs[3], (size_t)lens[3], 1), 0);
	/* every SLS lands on a data stream, different SLSs spread */
	uint8_t m[256];
	memcpy(m, bufs[3], (size_t)lens[3]);
	size_t sls_at = (size_t)lens[3] - 1;
	for (size_t i = 8; i + 4 <= (size_t)lens[3]; i += 4)
		if (m[i] == 0x02 && m[i + 1] == 0x10) {
			sls_at = i + 4 + 11;
			break;
		}
	unsigned seen = 0;
	for (unsigned sls = 0; sls < 16; sls++) {
		m[sls_at] = (uint8_t)sls;
		uint16_t st = m3ua_sctp_stream(m, (size_t)lens[3], 8);
		CU_ASSERT(st >= 1 && st < 8);
		seen |= 1u << st;
	}
	CU_ASSERT_EQUAL(seen, 0xfe);
	/* truncated or lying lengths never read past the buffer */
	for (int l = 0; l < lens[3]; l++)
		CU_ASSERT(m3ua_sctp_stream(bufs[3], (size_t)l, 16) <= 15);
}

static int dec(const char *hex)
{
	uint8_t b[256];
	int n = isup_hex_decode(hex, b, sizeof(b));
	CU_ASSERT_FATAL(n >= 0);
	struct m3ua_msg m;
	return m3ua_msg_decode(&m, b, (size_t)n);
}

static void test_errors(void)
{
	CU_ASSERT_EQUAL(dec("0100 0304 000000"), -M3UA_ERR_PROTOCOL_ERROR); /* short */
	CU_ASSERT_EQUAL(dec("0200 0304 00000008"), -M3UA_ERR_INVALID_VERSION);
	CU_ASSERT_EQUAL(dec("0100 0501 00000008"), -M3UA_ERR_UNSUPP_MSG_CLASS);
	CU_ASSERT_EQUAL(dec("0100 0309 00000008"), -M3UA_ERR_UNSUPP_MSG_TYPE);
	CU_ASSERT_EQUAL(dec("0100 0304 0000000c"), -M3UA_ERR_PROTOCOL_ERROR);		  /* length beyond data */
	CU_ASSERT_EQUAL(dec("0100 0304 00000008 00000000"), -M3UA_ERR_PROTOCOL_ERROR);	  /* shorter than data */
	CU_ASSERT_EQUAL(dec("0100 0303 0000000c 00090003"), -M3UA_ERR_PARAM_FIELD_ERROR); /* TLV length < 4 */
	CU_ASSERT_EQUAL(dec("0100 0303 0000000c 00090010"), -M3UA_ERR_PARAM_FIELD_ERROR); /* TLV past end */
	CU_ASSERT_EQUAL(dec("0100 0303 0000000a 0009"), -M3UA_ERR_PARAM_FIELD_ERROR);	  /* truncated TLV */
	/* too many parameters */
	char many[600] = "0100 0303 000000d0";
	for (int i = 0; i < 50; i++)
		strcat(many, "00090004");
	CU_ASSERT_EQUAL(dec(many), -M3UA_ERR_PROTOCOL_ERROR);
	/* protocol data shorter than its fixed part */
	uint8_t b[64];
	struct m3ua_builder bl;
	m3ua_build_start(&bl, b, sizeof(b), M3UA_CL_XFER, M3UA_XFER_DATA);
	m3ua_build_param(&bl, M3UA_TAG_PROTOCOL_DATA, "\0\0\0\1\0\0\0\2\5", 9);
	int n = m3ua_build_end(&bl);
	struct m3ua_msg m;
	struct m3ua_pdata pd;
	CU_ASSERT_EQUAL(m3ua_msg_decode(&m, b, (size_t)n), 0);
	CU_ASSERT_EQUAL(m3ua_pdata_decode(m3ua_msg_param(&m, M3UA_TAG_PROTOCOL_DATA), &pd),
			-M3UA_ERR_PARAM_FIELD_ERROR);
	CU_ASSERT_EQUAL(m3ua_pdata_decode(NULL, &pd), -M3UA_ERR_MISSING_PARAM);
	CU_ASSERT_STRING_EQUAL(m3ua_err_name(M3UA_ERR_INVALID_ROUTING_CTX), "invalid routing context");
}

static void test_framing(void)
{
	uint8_t bufs[8][256];
	int lens[8];
	int n = build_all(bufs, lens);
	uint8_t stream[2048];
	size_t total = 0;
	for (int i = 0; i < n; i++) {
		memcpy(stream + total, bufs[i], (size_t)lens[i]);
		total += (size_t)lens[i];
	}
	/* deliver the stream in pieces of every size from 1 to 40 octets: the same messages come out */
	for (size_t chunk = 1; chunk <= 40; chunk++) {
		uint8_t rx[2048];
		size_t have = 0, fed = 0;
		int got = 0;
		while (fed < total || have) {
			size_t take = total - fed < chunk ? total - fed : chunk;
			memcpy(rx + have, stream + fed, take);
			fed += take;
			have += take;
			int l;
			while ((l = m3ua_frame_len(rx, have)) > 0) {
				CU_ASSERT_EQUAL_FATAL(l, lens[got]);
				CU_ASSERT_EQUAL(memcmp(rx, bufs[got], (size_t)l), 0);
				got++;
				memmove(rx, rx + l, have - (size_t)l);
				have -= (size_t)l;
			}
			CU_ASSERT_FATAL(l == 0);
			if (!take && have)
				break;
		}
		CU_ASSERT_EQUAL(got, n);
		CU_ASSERT_EQUAL(have, 0);
	}
	/* a header that cannot start a message drops the connection */
	CU_ASSERT_EQUAL(m3ua_frame_len((const uint8_t *)"\x02\0\0\0\0\0\0\x08", 8), -M3UA_ERR_INVALID_VERSION);
	CU_ASSERT_EQUAL(m3ua_frame_len((const uint8_t *)"\x01\0\0\0\0\0\0\x04", 8), -M3UA_ERR_PROTOCOL_ERROR);
	CU_ASSERT_EQUAL(m3ua_frame_len((const uint8_t *)"\x01\0\0\0\0\x01\0\0", 8), -M3UA_ERR_PROTOCOL_ERROR);
	CU_ASSERT_EQUAL(m3ua_frame_len((const uint8_t *)"\x01\0\0\0", 4), 0);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("m3ua_codec", NULL, NULL);
	CU_add_test(s, "round trips of every class", test_roundtrip);
	CU_add_test(s, "hand-checked vector, unpadded last parameter", test_vector);
	CU_add_test(s, "decoder errors map to M3UA error codes", test_errors);
	CU_add_test(s, "TCP stream framing at every chunk size", test_framing);
	CU_add_test(s, "SCTP stream from the SLS of DATA", test_sctp_stream);
	return cunit_run();
}
