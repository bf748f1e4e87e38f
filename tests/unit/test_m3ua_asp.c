/* SPDX-License-Identifier: GPL-2.0-or-later */
/* M3UA ASP state machine against a scripted SG, with the clock faked. */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <CUnit/Basic.h>
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "config/isupgw_log.h"
#include "fake_clock.h"
#include "isup/mtp/m3ua_asp.h"

static void *ctx;
static uint8_t sent[64][512];
static int sent_len[64];
static unsigned n_sent, sent_head, actives, inactives, transfers, failures;
static unsigned pc_ind[4];
static uint32_t last_pc;
static struct m3ua_pdata last_pd;

static int fake_send(struct m3ua_asp *asp, const uint8_t *buf, size_t len)
{
	CU_ASSERT_FATAL(n_sent < 64 && len <= 512);
	memcpy(sent[n_sent], buf, len);
	sent_len[n_sent++] = (int)len;
	return 0;
}
static void active_ind(struct m3ua_asp *asp, bool active)
{
	if (active)
		actives++;
	else
		inactives++;
}
static void transfer_ind(struct m3ua_asp *asp, const struct m3ua_pdata *pd)
{
	transfers++;
	last_pd = *pd;
}
static void pc_status_ind(struct m3ua_asp *asp, uint32_t pc, enum m3ua_pc_status st, unsigned info)
{
	pc_ind[st]++;
	last_pc = pc;
}
static void failed(struct m3ua_asp *asp, const char *why)
{
	failures++;
}

static const struct m3ua_asp_ops ops = { .send = fake_send,
					 .active_ind = active_ind,
					 .transfer_ind = transfer_ind,
					 .pc_status_ind = pc_status_ind,
					 .failed = failed };

/* the next message the ASP sent must be this one; returns it decoded */
static struct m3ua_msg expect(uint8_t cls, uint8_t type)
{
	struct m3ua_msg m = { 0 };
	if (sent_head >= n_sent) {
		fprintf(stderr, "\nexpected %s, nothing sent\n", m3ua_msg_name(cls, type));
		CU_FAIL_FATAL("nothing sent");
	}
	CU_ASSERT_EQUAL_FATAL(m3ua_msg_decode(&m, sent[sent_head], (size_t)sent_len[sent_head]), 0);
	sent_head++;
	if (m.cls != cls || m.type != type)
		fprintf(stderr, "\nexpected %s, got %s\n", m3ua_msg_name(cls, type), m3ua_msg_name(m.cls, m.type));
	CU_ASSERT_EQUAL(m.cls, cls);
	CU_ASSERT_EQUAL(m.type, type);
	return m;
}

static void none(void)
{
	CU_ASSERT_EQUAL(sent_head, n_sent);
}

static void sg_send(uint8_t cls, uint8_t type, uint16_t tag, uint32_t v, struct m3ua_asp *asp)
{
	uint8_t b[64];
	struct m3ua_builder bl;
	m3ua_build_start(&bl, b, sizeof(b), cls, type);
	if (tag)
		m3ua_build_u32(&bl, tag, v);
	int n = m3ua_build_end(&bl);
	CU_ASSERT_EQUAL(m3ua_asp_rx(asp, b, (size_t)n), 0);
}

static struct m3ua_asp *bring_up(void)
{
	n_sent = sent_head = actives = inactives = transfers = failures = 0;
	memset(pc_ind, 0, sizeof(pc_ind));
	struct m3ua_asp_cfg cfg = {
		.has_rc = true, .routing_ctx = 10, .traffic_mode = M3UA_TMT_LOADSHARE, .has_asp_id = true, .asp_id = 5
	};
	struct m3ua_asp *asp = m3ua_asp_alloc(ctx, "asp0", &cfg, &ops, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(asp);
	m3ua_asp_transport_up(asp);
	struct m3ua_msg m = expect(M3UA_CL_ASPSM, M3UA_ASPSM_UP);
	uint32_t v;
	CU_ASSERT_EQUAL(m3ua_param_u32(&m, M3UA_TAG_ASP_ID, &v), 0);
	CU_ASSERT_EQUAL(v, 5);
	/* unanswered: repeated after X1 (2 s) */
	advance(2);
	expect(M3UA_CL_ASPSM, M3UA_ASPSM_UP);
	sg_send(M3UA_CL_ASPSM, M3UA_ASPSM_UP_ACK, 0, 0, asp);
	m = expect(M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE);
	CU_ASSERT_EQUAL(m3ua_param_u32(&m, M3UA_TAG_TRAFFIC_MODE, &v), 0);
	CU_ASSERT_EQUAL(v, M3UA_TMT_LOADSHARE);
	CU_ASSERT_EQUAL(m3ua_param_u32(&m, M3UA_TAG_ROUTING_CTX, &v), 0);
	CU_ASSERT_EQUAL(v, 10);
	CU_ASSERT_EQUAL(actives, 0);
	sg_send(M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE_ACK, M3UA_TAG_ROUTING_CTX, 10, asp);
	CU_ASSERT_EQUAL(actives, 1);
	CU_ASSERT_EQUAL(m3ua_asp_state(asp), M3UA_ASP_ST_ACTIVE);
	return asp;
}

static void test_up_and_data(void)
{
	struct m3ua_asp *asp = bring_up();
	const uint8_t isup[] = { 0x01, 0x00, 0x10, 0x00 };
	struct m3ua_pdata pd = { .opc = 1, .dpc = 2, .si = 5, .ni = 2, .sls = 3, .data = isup, .data_len = 4 };
	CU_ASSERT_EQUAL(m3ua_asp_transfer_req(asp, &pd), 0);
	struct m3ua_msg m = expect(M3UA_CL_XFER, M3UA_XFER_DATA);
	struct m3ua_pdata got;
	CU_ASSERT_EQUAL(m3ua_pdata_decode(m3ua_msg_param(&m, M3UA_TAG_PROTOCOL_DATA), &got), 0);
	CU_ASSERT_EQUAL(got.dpc, 2);
	CU_ASSERT_EQUAL(got.data_len, 4);
	/* DATA from the SG, fed one octet at a time */
	uint8_t b[128];
	struct m3ua_builder bl;
	pd.opc = 2;
	pd.dpc = 1;
	m3ua_build_start(&bl, b, sizeof(b), M3UA_CL_XFER, M3UA_XFER_DATA);
	m3ua_build_u32(&bl, M3UA_TAG_ROUTING_CTX, 10);
	m3ua_build_pdata(&bl, &pd);
	int n = m3ua_build_end(&bl);
	for (int i = 0; i < n; i++)
		CU_ASSERT_EQUAL(m3ua_asp_rx(asp, b + i, 1), 0);
	CU_ASSERT_EQUAL(transfers, 1);
	CU_ASSERT_EQUAL(last_pd.opc, 2);
	CU_ASSERT_EQUAL(last_pd.data_len, 4);
	/* wrong routing context: ERR, not delivered */
	b[8 + 4 + 3] = 11;
	CU_ASSERT_EQUAL(m3ua_asp_rx(asp, b, (size_t)n), 0);
	uint32_t v;
	m = expect(M3UA_CL_MGMT, M3UA_MGMT_ERR);
	CU_ASSERT_EQUAL(m3ua_param_u32(&m, M3UA_TAG_ERROR_CODE, &v), 0);
	CU_ASSERT_EQUAL(v, M3UA_ERR_INVALID_ROUTING_CTX);
	CU_ASSERT_EQUAL(transfers, 1);
	/* the SG takes us inactive: traffic stops, ASPAC again after X1 */
	sg_send(M3UA_CL_ASPTM, M3UA_ASPTM_INACTIVE_ACK, 0, 0, asp);
	CU_ASSERT_EQUAL(inactives, 1);
	CU_ASSERT_EQUAL(m3ua_asp_transfer_req(asp, &pd), -ENOTCONN);
	advance(2);
	expect(M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE);
	sg_send(M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE_ACK, 0, 0, asp);
	CU_ASSERT_EQUAL(actives, 2);
	m3ua_asp_transport_down(asp);
	CU_ASSERT_EQUAL(inactives, 2);
	CU_ASSERT_EQUAL(m3ua_asp_state(asp), M3UA_ASP_ST_DOWN);
	none();
	m3ua_asp_free(asp);
}

static void test_ipsp_de(void)
{
	/* double exchange: the peer asks too, and may send DATA before our own ASPAC is acknowledged */
	n_sent = sent_head = actives = inactives = transfers = 0;
	struct m3ua_asp_cfg cfg = { .traffic_mode = M3UA_TMT_OVERRIDE, .ipsp_de = true };
	struct m3ua_asp *asp = m3ua_asp_alloc(ctx, "ipsp", &cfg, &ops, NULL);
	m3ua_asp_transport_up(asp);
	expect(M3UA_CL_ASPSM, M3UA_ASPSM_UP);
	sg_send(M3UA_CL_ASPSM, M3UA_ASPSM_UP, 0, 0, asp);
	expect(M3UA_CL_ASPSM, M3UA_ASPSM_UP_ACK);
	sg_send(M3UA_CL_ASPSM, M3UA_ASPSM_UP_ACK, 0, 0, asp);
	expect(M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE);
	sg_send(M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE, M3UA_TAG_TRAFFIC_MODE, M3UA_TMT_OVERRIDE, asp);
	struct m3ua_msg m = expect(M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE_ACK);
	uint32_t v;
	CU_ASSERT_EQUAL(m3ua_param_u32(&m, M3UA_TAG_TRAFFIC_MODE, &v), 0);
	CU_ASSERT_EQUAL(v, M3UA_TMT_OVERRIDE);
	const uint8_t isup[] = { 0x01, 0x00, 0x10, 0x00 };
	struct m3ua_pdata pd = { .opc = 2, .dpc = 1, .si = 5, .ni = 2, .data = isup, .data_len = 4 };
	uint8_t b[128];
	struct m3ua_builder bl;
	m3ua_build_start(&bl, b, sizeof(b), M3UA_CL_XFER, M3UA_XFER_DATA);
	m3ua_build_pdata(&bl, &pd);
	int n = m3ua_build_end(&bl);
	CU_ASSERT_EQUAL(m3ua_asp_rx(asp, b, (size_t)n), 0);
	CU_ASSERT_EQUAL(transfers, 1);
	sg_send(M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE_ACK, 0, 0, asp);
	CU_ASSERT_EQUAL(actives, 1);
	none();
	m3ua_asp_free(asp);

	/* in the plain ASP role the same ASPUP is unexpected */
	struct m3ua_asp *a2 = bring_up();
	sg_send(M3UA_CL_ASPSM, M3UA_ASPSM_UP, 0, 0, a2);
	m = expect(M3UA_CL_MGMT, M3UA_MGMT_ERR);
	m3ua_asp_free(a2);
}

static void test_shutdown(void)
{
	struct m3ua_asp *asp = bring_up();
	m3ua_asp_shutdown(asp);
	expect(M3UA_CL_ASPTM, M3UA_ASPTM_INACTIVE);
	expect(M3UA_CL_ASPSM, M3UA_ASPSM_DOWN);
	CU_ASSERT_EQUAL(inactives, 1);
	CU_ASSERT_EQUAL(m3ua_asp_state(asp), M3UA_ASP_ST_DOWN);
	/* no BEAT, no repeats afterwards */
	advance(30);
	none();
	m3ua_asp_free(asp);
}

static void test_beat(void)
{
	struct m3ua_asp *asp = bring_up();
	/* we answer the SG's BEAT with its data */
	uint8_t b[64];
	struct m3ua_builder bl;
	m3ua_build_start(&bl, b, sizeof(b), M3UA_CL_ASPSM, M3UA_ASPSM_BEAT);
	m3ua_build_param(&bl, M3UA_TAG_HEARTBEAT_DATA, "xyz", 3);
	m3ua_asp_rx(asp, b, (size_t)m3ua_build_end(&bl));
	struct m3ua_msg m = expect(M3UA_CL_ASPSM, M3UA_ASPSM_BEAT_ACK);
	const struct m3ua_param *p = m3ua_msg_param(&m, M3UA_TAG_HEARTBEAT_DATA);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(memcmp(p->val, "xyz", 3), 0);
	/* our BEAT every X2 (10 s; ASPUP_ACK came 2 s in), answered */
	advance(10);
	expect(M3UA_CL_ASPSM, M3UA_ASPSM_BEAT);
	sg_send(M3UA_CL_ASPSM, M3UA_ASPSM_BEAT_ACK, 0, 0, asp);
	advance(10);
	expect(M3UA_CL_ASPSM, M3UA_ASPSM_BEAT);
	/* unanswered: at the next interval the association is failed and the ASP down */
	advance(10);
	CU_ASSERT_EQUAL(failures, 1);
	CU_ASSERT_EQUAL(inactives, 1);
	CU_ASSERT_EQUAL(m3ua_asp_state(asp), M3UA_ASP_ST_DOWN);
	advance(60);
	none();
	m3ua_asp_free(asp);
}

static void test_ssnm(void)
{
	struct m3ua_asp *asp = bring_up();
	uint8_t b[64];
	struct m3ua_builder bl;
	const uint8_t pcs[] = { 0, 0, 0, 2, 0, 0, 0x10, 0x01 };
	m3ua_build_start(&bl, b, sizeof(b), M3UA_CL_SSNM, M3UA_SSNM_DUNA);
	m3ua_build_u32(&bl, M3UA_TAG_ROUTING_CTX, 10);
	m3ua_build_param(&bl, M3UA_TAG_AFFECTED_PC, pcs, sizeof(pcs));
	m3ua_asp_rx(asp, b, (size_t)m3ua_build_end(&bl));
	CU_ASSERT_EQUAL(pc_ind[M3UA_PC_UNAVAILABLE], 2);
	CU_ASSERT_EQUAL(last_pc, 0x1001);
	sg_send(M3UA_CL_SSNM, M3UA_SSNM_DAVA, M3UA_TAG_AFFECTED_PC, 2, asp);
	CU_ASSERT_EQUAL(pc_ind[M3UA_PC_AVAILABLE], 1);
	sg_send(M3UA_CL_SSNM, M3UA_SSNM_SCON, M3UA_TAG_AFFECTED_PC, 2, asp);
	CU_ASSERT_EQUAL(pc_ind[M3UA_PC_CONGESTED], 1);
	sg_send(M3UA_CL_SSNM, M3UA_SSNM_DUPU, M3UA_TAG_AFFECTED_PC, 2, asp);
	CU_ASSERT_EQUAL(pc_ind[M3UA_PC_USER_UNAVAILABLE], 1);
	/* without an affected point code: ERR missing parameter */
	sg_send(M3UA_CL_SSNM, M3UA_SSNM_DUNA, 0, 0, asp);
	struct m3ua_msg m = expect(M3UA_CL_MGMT, M3UA_MGMT_ERR);
	uint32_t v;
	m3ua_param_u32(&m, M3UA_TAG_ERROR_CODE, &v);
	CU_ASSERT_EQUAL(v, M3UA_ERR_MISSING_PARAM);
	none();
	m3ua_asp_free(asp);
}

static void test_bad_input(void)
{
	struct m3ua_asp *asp = bring_up();
	uint32_t v;
	/* unknown class and type: ERR, association kept */
	m3ua_asp_rx(asp, (const uint8_t *)"\x01\x00\x07\x01\x00\x00\x00\x08", 8);
	struct m3ua_msg m = expect(M3UA_CL_MGMT, M3UA_MGMT_ERR);
	m3ua_param_u32(&m, M3UA_TAG_ERROR_CODE, &v);
	CU_ASSERT_EQUAL(v, M3UA_ERR_UNSUPP_MSG_CLASS);
	m3ua_asp_rx(asp, (const uint8_t *)"\x01\x00\x03\x0f\x00\x00\x00\x08", 8);
	m = expect(M3UA_CL_MGMT, M3UA_MGMT_ERR);
	m3ua_param_u32(&m, M3UA_TAG_ERROR_CODE, &v);
	CU_ASSERT_EQUAL(v, M3UA_ERR_UNSUPP_MSG_TYPE);
	/* a broken TLV: parameter field error */
	m3ua_asp_rx(asp, (const uint8_t *)"\x01\x00\x03\x03\x00\x00\x00\x0c\x00\x09\x00\x02", 12);
	m = expect(M3UA_CL_MGMT, M3UA_MGMT_ERR);
	m3ua_param_u32(&m, M3UA_TAG_ERROR_CODE, &v);
	CU_ASSERT_EQUAL(v, M3UA_ERR_PARAM_FIELD_ERROR);
	CU_ASSERT_EQUAL(m3ua_asp_state(asp), M3UA_ASP_ST_ACTIVE);
	/* a header that cannot start a message: ERR invalid version, association failed */
	CU_ASSERT(m3ua_asp_rx(asp, (const uint8_t *)"\x02\x00\x03\x04\x00\x00\x00\x08", 8) < 0);
	m = expect(M3UA_CL_MGMT, M3UA_MGMT_ERR);
	m3ua_param_u32(&m, M3UA_TAG_ERROR_CODE, &v);
	CU_ASSERT_EQUAL(v, M3UA_ERR_INVALID_VERSION);
	CU_ASSERT_EQUAL(failures, 1);
	CU_ASSERT_EQUAL(m3ua_asp_state(asp), M3UA_ASP_ST_DOWN);
	none();
	m3ua_asp_free(asp);
	/* DATA before active: unexpected */
	n_sent = sent_head = 0;
	struct m3ua_asp_cfg cfg = { 0 };
	asp = m3ua_asp_alloc(ctx, "asp1", &cfg, &ops, NULL);
	m3ua_asp_transport_up(asp);
	expect(M3UA_CL_ASPSM, M3UA_ASPSM_UP);
	sg_send(M3UA_CL_XFER, M3UA_XFER_DATA, M3UA_TAG_ROUTING_CTX, 1, asp);
	m = expect(M3UA_CL_MGMT, M3UA_MGMT_ERR);
	m3ua_param_u32(&m, M3UA_TAG_ERROR_CODE, &v);
	CU_ASSERT_EQUAL(v, M3UA_ERR_UNEXPECTED_MSG);
	m3ua_asp_free(asp);
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "test_m3ua_asp");
	osmo_init_logging2(ctx, &isupgw_log_info);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_category_filter(osmo_stderr_target, DM3UA, 1, LOGL_FATAL);
	m3ua_asp_fsm_init(DM3UA);
	fake_clock_enable();
	size_t blocks = talloc_total_blocks(ctx);

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("m3ua_asp", NULL, NULL);
	CU_add_test(s, "ASPUP/ASPAC with repeats, DATA both ways, ASPIA from the SG", test_up_and_data);
	CU_add_test(s, "BEAT answered, ours supervised", test_beat);
	CU_add_test(s, "IPSP double exchange", test_ipsp_de);
	CU_add_test(s, "shutdown: ASPIA then ASPDN", test_shutdown);
	CU_add_test(s, "SSNM to point code status", test_ssnm);
	CU_add_test(s, "bad input answered with ERR", test_bad_input);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (talloc_total_blocks(ctx) != blocks) {
		fprintf(stderr, "talloc leak: %zu blocks\n", talloc_total_blocks(ctx) - blocks);
		fails++;
	}
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
