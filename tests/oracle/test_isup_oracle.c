/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Oracle test: every sample message is encoded with a routing label into a DLT_MTP3 pcap and decoded
 * by tshark, an independent ISUP implementation. Message type, CIC, point codes, SLS, numbers,
 * natures of address, numbering plans, cause, range and every indicator field Wireshark names are
 * compared with what our codec says it encoded. Where Wireshark names the same bit differently in one
 * variant, ws_aliases[] says so and why (docs/isup-codec.md lists Wireshark's known quirks). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "unit/cunit_run.h"

#include "isup/isup.h"
#include "isup/mtp/m3ua_msg.h"
#include "unit/isup_samples.h"

#define MAX_FIELDS 160
#define MAX_FRAMES 200
#define MAX_EXP	   96

struct expect {
	const char *field;
	char val[80];
};

struct frame_exp {
	unsigned sample;
	unsigned n;
	struct expect e[MAX_EXP];
};

static const char *fields[MAX_FIELDS];
static unsigned n_fields;
static struct frame_exp frames[MAX_FRAMES];
static unsigned n_frames;
static unsigned n_compared;

/* The same bit under another Wireshark name in one variant. */
static const struct {
	enum isup_variant variant;
	uint8_t msg_type;
	const char *ours, *theirs, *why;
} ws_aliases[] = {
	{ ISUP_VAR_ANSI, ISUP_MT_ACM, "isup.backw_call_end_to_end_information_indicator", "isup.backw_call_iam_seg_ind",
	  "T1.113 names BCI bit J the IAM segmentation indicator (Wireshark does so in ANSI ACM only)" },
};

static const char *ws_alias(enum isup_variant v, uint8_t msg_type, const char *f)
{
	for (unsigned i = 0; i < sizeof(ws_aliases) / sizeof(ws_aliases[0]); i++)
		if (ws_aliases[i].variant == v && ws_aliases[i].msg_type == msg_type && !strcmp(ws_aliases[i].ours, f))
			return ws_aliases[i].theirs;
	return f;
}

static void add_field(const char *f)
{
	for (unsigned i = 0; i < n_fields; i++)
		if (!strcmp(fields[i], f))
			return;
	CU_ASSERT_FATAL(n_fields < MAX_FIELDS);
	fields[n_fields++] = f;
}

/* expect a number (s NULL) or a string */
static void expect(struct frame_exp *fe, const char *field, unsigned v, const char *s)
{
	CU_ASSERT_FATAL(fe->n < MAX_EXP);
	struct expect *e = &fe->e[fe->n++];
	e->field = field;
	if (s)
		snprintf(e->val, sizeof(e->val), "%s", s);
	else
		snprintf(e->val, sizeof(e->val), "%u", v);
	add_field(field);
}

/* What Wireshark should show for each parameter, from our own typed view of it. */
static void expect_params(struct frame_exp *fe, const struct isup_msg *m)
{
	if ((m->flags & ISUP_MSGF_RAW_BODY) && m->type == ISUP_MT_PAM) {
		/* Wireshark dissects the message a pass-along carries: so do we */
		static struct isup_msg emb;
		const struct isup_param *p = &m->params[0];
		if (isup_msg_decode_body(&emb, m->variant, m->cic, isup_msg_pdata(m, p), p->len) == ISUP_OK) {
			expect(fe, "isup.message_type", emb.type, NULL);
			expect_params(fe, &emb);
		}
		return;
	}
	if (m->flags & (ISUP_MSGF_RAW_BODY | ISUP_MSGF_UNPARSED))
		return;
	for (unsigned i = 0; i < m->n_params; i++) {
		const struct isup_param *p = &m->params[i];
		const struct isup_par_desc *d = isup_par_desc(m->variant, p->code);
		const uint8_t *data = isup_msg_pdata(m, p);
		if (!d)
			continue;
		switch (d->kind) {
		case ISUP_PK_BITS: {
			union {
				uint8_t b[64];
				uint16_t a;
			} s;
			CU_ASSERT_EQUAL_FATAL(isup_bits_decode(m->variant, p->code, data, (uint8_t)p->len, &s), 0);
			for (unsigned k = 0; k < d->n_fields; k++) {
				const struct isup_bits_field *f = &d->fields[k];
				if (!f->ws)
					continue;
				unsigned v = s.b[f->off];
				if (f->size == 2) {
					uint16_t w;
					memcpy(&w, &s.b[f->off], 2);
					v = w;
				}
				expect(fe, ws_alias(m->variant, m->type, f->ws), v, NULL);
			}
			break;
		}
		case ISUP_PK_NUMBER:
		case ISUP_PK_GENNUM:
		case ISUP_PK_SUBSEQ: {
			if (!d->ws_digits)
				break;
			struct isup_number n;
			CU_ASSERT_EQUAL_FATAL(isup_number_decode(m->variant, p->code, data, (uint8_t)p->len, &n), 0);
			if (n.n_digits)
				expect(fe, d->ws_digits, 0, n.digits);
			if (d->kind == ISUP_PK_SUBSEQ)
				break;
			const char *nai = "isup.calling_party_nature_of_address_indicator";
			if (p->code == ISUP_PAR_CALLED || p->code == ISUP_PAR_REDIRECTION_NUM)
				nai = "isup.called_party_nature_of_address_indicator";
			else if (p->code == ISUP_PAR_ANSI_CHARGE_NUM)
				nai = "isup.charge_number_nature_of_address_indicator";
			expect(fe, nai, n.nai, NULL);
			expect(fe, "isup.numbering_plan_indicator", n.npi, NULL);
			break;
		}
		case ISUP_PK_CAUSE: {
			struct isup_cause c;
			CU_ASSERT_EQUAL_FATAL(isup_cause_decode(data, (uint8_t)p->len, &c), 0);
			/* T1.113 causes coded as ANSI standard (coding 2) have their own field */
			expect(fe,
			       m->variant == ISUP_VAR_ANSI && c.coding_std == 2 ? "ansi_isup.cause_indicator" :
										  "isup.cause_indicator",
			       c.cause, NULL);
			/* ITU causes go through Wireshark's Q.850 dissector */
			expect(fe, m->variant == ISUP_VAR_ITU ? "q931.cause_location" : "isup.cause_location",
			       c.location, NULL);
			break;
		}
		case ISUP_PK_RANGE: {
			struct isup_range_status rs;
			CU_ASSERT_EQUAL_FATAL(isup_rs_decode(data, (uint8_t)p->len, &rs), 0);
			/* Wireshark shows the number of circuits, range + 1 */
			expect(fe, "isup.range_indicator", rs.range + 1u, NULL);
			break;
		}
		default:
			break;
		}
	}
}

/* Normalise a tshark value: booleans and hex to decimal, strings unchanged. */
static void norm(const char *in, char *out, size_t size)
{
	char *e;
	if (!strcmp(in, "True")) {
		snprintf(out, size, "1");
		return;
	}
	if (!strcmp(in, "False")) {
		snprintf(out, size, "0");
		return;
	}
	unsigned long v = strtoul(in, &e, 0);
	if (*in && !*e && (in[0] != '0' || in[1] == 'x' || in[1] == '\0'))
		snprintf(out, size, "%lu", v);
	else
		snprintf(out, size, "%s", in);
}

static unsigned run_variant(enum isup_variant v)
{
	char path[] = "/tmp/isup_oracle_XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	struct ss7_pcap pc;
	CU_ASSERT_EQUAL_FATAL(ss7_pcap_create(&pc, path), 0);

	n_fields = 0;
	n_frames = 0;

	for (unsigned i = 0; i < isup_n_samples; i++) {
		if (isup_samples[i].v != v)
			continue;
		static struct isup_msg m;
		CU_ASSERT_EQUAL_FATAL(isup_msg_from_line(&m, v, isup_samples[i].line, NULL, 0), 0);
		bool ansi = v == ISUP_VAR_ANSI;
		struct mtp3_label l = { .si = MTP3_SI_ISUP,
					.ni = (uint8_t)(i % 4),
					.opc = 100 + i * 7,
					.dpc = ansi ? 0x0a0b00u + i : 2000 + i,
					.sls = (uint8_t)(i % 16) };
		uint8_t b[700];
		int h = mtp3_label_encode(&l, ansi, b, sizeof(b));
		int n = isup_msg_encode(&m, b + h, sizeof(b) - (size_t)h);
		CU_ASSERT_FATAL(h > 0 && n > 0);
		CU_ASSERT_EQUAL_FATAL(ss7_pcap_write(&pc, NULL, b, (size_t)(h + n)), 0);
		CU_ASSERT_FATAL(n_frames < MAX_FRAMES);
		struct frame_exp *fe = &frames[n_frames++];
		memset(fe, 0, sizeof(*fe));
		fe->sample = i;
		expect(fe, "isup.message_type", m.type, NULL);
		expect(fe, "isup.cic", m.cic, NULL);
		if (ansi) {
			/* ANSI point codes: compare network, cluster and member */
			expect(fe, "mtp3.opc.network", l.opc >> 16, NULL);
			expect(fe, "mtp3.opc.cluster", (l.opc >> 8) & 0xff, NULL);
			expect(fe, "mtp3.opc.member", l.opc & 0xff, NULL);
			expect(fe, "mtp3.dpc.network", l.dpc >> 16, NULL);
			expect(fe, "mtp3.dpc.cluster", (l.dpc >> 8) & 0xff, NULL);
			expect(fe, "mtp3.dpc.member", l.dpc & 0xff, NULL);
		} else {
			expect(fe, "mtp3.opc", l.opc, NULL);
			expect(fe, "mtp3.dpc", l.dpc, NULL);
		}
		expect(fe, "mtp3.sls", l.sls, NULL);
		expect(fe, "mtp3.network_indicator", l.ni, NULL);
		expect_params(fe, &m);
	}
	ss7_pcap_close(&pc);

	/* one tshark run for the whole capture */
	static char cmd[16384];
	const char *tshark = getenv("TSHARK");
	if (!tshark || !*tshark)
		tshark = "tshark";
	int o = snprintf(cmd, sizeof(cmd),
			 "%s -r %s -n -o mtp3.standard:%s -o mtp3.addr_format:Decimal -T fields -E separator=/t "
			 "-E occurrence=a -E aggregator='|' -e frame.number",
			 tshark, path, v == ISUP_VAR_ANSI ? "ANSI" : "ITU");
	for (unsigned i = 0; i < n_fields; i++)
		o += snprintf(cmd + o, sizeof(cmd) - (size_t)o, " -e %s", fields[i]);
	snprintf(cmd + o, sizeof(cmd) - (size_t)o, " 2>/dev/null");
	FILE *f = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	static char line[65536];
	unsigned got = 0, mismatches = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *cols[MAX_FIELDS + 1];
		unsigned nc = 0;
		/* strtok would merge empty columns: split by hand */
		char *pos = line;
		while (nc <= MAX_FIELDS) {
			cols[nc++] = pos;
			char *tab = strchr(pos, '\t');
			if (!tab)
				break;
			*tab = '\0';
			pos = tab + 1;
		}
		unsigned fno = (unsigned)strtoul(cols[0], NULL, 10);
		if (fno < 1 || fno > n_frames || nc != n_fields + 1) {
			fprintf(stderr, "\noracle: unexpected tshark line (frame %u, %u columns)\n", fno, nc);
			mismatches++;
			continue;
		}
		got++;
		struct frame_exp *fe = &frames[fno - 1];
		for (unsigned k = 0; k < n_fields; k++) {
			/* the expected list for this field, in message order */
			char exp[1024] = "";
			bool any = false;
			for (unsigned e = 0; e < fe->n; e++) {
				if (strcmp(fe->e[e].field, fields[k]))
					continue;
				if (any)
					strcat(exp, "|");
				strncat(exp, fe->e[e].val, sizeof(exp) - strlen(exp) - 2);
				any = true;
			}
			if (!any)
				continue; /* a field we do not claim for this message */
			char gotv[1024] = "", tmp[256];
			char *vsave = NULL;
			bool first = true;
			for (char *t = strtok_r(cols[k + 1], "|", &vsave); t; t = strtok_r(NULL, "|", &vsave)) {
				norm(t, tmp, sizeof(tmp));
				if (!first)
					strcat(gotv, "|");
				strncat(gotv, tmp, sizeof(gotv) - strlen(gotv) - 2);
				first = false;
			}
			if (strcmp(exp, gotv)) {
				fprintf(stderr,
					"\noracle: %s sample %u '%.60s...': %s: codec says '%s', tshark says '%s'\n",
					v == ISUP_VAR_ANSI ? "ANSI" : "ITU", fe->sample, isup_samples[fe->sample].line,
					fields[k], exp, gotv);
				mismatches++;
			} else {
				n_compared++;
			}
		}
	}
	int st = pclose(f);
	unlink(path);
	if (st != 0)
		fprintf(stderr, "\noracle: tshark failed (exit %d); is it installed? (%s)\n", st, tshark);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT_EQUAL(got, n_frames);
	CU_ASSERT_EQUAL(mismatches, 0);
	printf("\noracle: %s: %u frames, %u fields in use, %u values agree, %u mismatches\n",
	       v == ISUP_VAR_ANSI ? "ANSI" : "ITU", got, n_fields, n_compared, mismatches);
	return mismatches;
}

static void test_oracle_itu(void)
{
	n_compared = 0;
	run_variant(ISUP_VAR_ITU);
	CU_ASSERT(n_compared > 500);
}

static void test_oracle_ansi(void)
{
	n_compared = 0;
	run_variant(ISUP_VAR_ANSI);
	CU_ASSERT(n_compared > 200);
}

/* No message we encode makes tshark report a malformed packet or an error. */
static void test_no_malformed(void)
{
	for (int v = 0; v < 2; v++) {
		char path[] = "/tmp/isup_oracle_m_XXXXXX";
		int fd = mkstemp(path);
		CU_ASSERT_FATAL(fd >= 0);
		close(fd);
		struct ss7_pcap pc;
		CU_ASSERT_EQUAL_FATAL(ss7_pcap_create(&pc, path), 0);
		for (unsigned i = 0; i < isup_n_samples; i++) {
			if ((int)isup_samples[i].v != v)
				continue;
			static struct isup_msg m;
			CU_ASSERT_EQUAL_FATAL(
				isup_msg_from_line(&m, (enum isup_variant)v, isup_samples[i].line, NULL, 0), 0);
			struct mtp3_label l = { .si = MTP3_SI_ISUP, .ni = 2, .opc = 1, .dpc = 2 };
			uint8_t b[700];
			int h = mtp3_label_encode(&l, v, b, sizeof(b));
			int n = isup_msg_encode(&m, b + h, sizeof(b) - (size_t)h);
			ss7_pcap_write(&pc, NULL, b, (size_t)(h + n));
		}
		ss7_pcap_close(&pc);
		const char *tshark = getenv("TSHARK");
		char cmd[512];
		snprintf(cmd, sizeof(cmd),
			 "%s -r %s -n -o mtp3.standard:%s -Y '_ws.malformed || _ws.expert.severity >= 8388608' "
			 "-T fields -e frame.number -e _ws.expert.message 2>/dev/null",
			 tshark && *tshark ? tshark : "tshark", path, v ? "ANSI" : "ITU");
		FILE *f = popen(cmd, "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		char line[1024];
		unsigned bad = 0;
		while (fgets(line, sizeof(line), f)) {
			fprintf(stderr, "\noracle: %s frame reported malformed/error by tshark: %s", v ? "ANSI" : "ITU",
				line);
			bad++;
		}
		CU_ASSERT_EQUAL(pclose(f), 0);
		CU_ASSERT_EQUAL(bad, 0);
		unlink(path);
	}
}

/* M3UA messages we build, read by tshark (raw M3UA under user DLT 147) */
static void test_m3ua_oracle(void)
{
	char path[] = "/tmp/m3ua_oracle_XXXXXX";
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	struct ss7_pcap pc;
	CU_ASSERT_EQUAL_FATAL(ss7_pcap_create_dlt(&pc, path, SS7_DLT_USER0), 0);
	static struct isup_msg im;
	uint8_t isup[300], b[512];
	CU_ASSERT_EQUAL_FATAL(isup_msg_from_line(&im, ISUP_VAR_ITU, isup_samples[0].line, NULL, 0), 0);
	int il = isup_msg_encode(&im, isup, sizeof(isup));
	struct m3ua_builder bl;
	/* 1: ASPUP with ASP identifier */
	m3ua_build_start(&bl, b, sizeof(b), M3UA_CL_ASPSM, M3UA_ASPSM_UP);
	m3ua_build_u32(&bl, M3UA_TAG_ASP_ID, 77);
	ss7_pcap_write(&pc, NULL, b, (size_t)m3ua_build_end(&bl));
	/* 2: ASPAC, loadshare, routing context 10 */
	m3ua_build_start(&bl, b, sizeof(b), M3UA_CL_ASPTM, M3UA_ASPTM_ACTIVE);
	m3ua_build_u32(&bl, M3UA_TAG_TRAFFIC_MODE, M3UA_TMT_LOADSHARE);
	m3ua_build_u32(&bl, M3UA_TAG_ROUTING_CTX, 10);
	ss7_pcap_write(&pc, NULL, b, (size_t)m3ua_build_end(&bl));
	/* 3: DATA carrying an ISUP IAM */
	struct m3ua_pdata pd = {
		.opc = 1001, .dpc = 2002, .si = 5, .ni = 2, .sls = 9, .data = isup, .data_len = (uint16_t)il
	};
	m3ua_build_start(&bl, b, sizeof(b), M3UA_CL_XFER, M3UA_XFER_DATA);
	m3ua_build_u32(&bl, M3UA_TAG_ROUTING_CTX, 10);
	m3ua_build_pdata(&bl, &pd);
	ss7_pcap_write(&pc, NULL, b, (size_t)m3ua_build_end(&bl));
	/* 4: ERR invalid routing context */
	m3ua_build_start(&bl, b, sizeof(b), M3UA_CL_MGMT, M3UA_MGMT_ERR);
	m3ua_build_u32(&bl, M3UA_TAG_ERROR_CODE, M3UA_ERR_INVALID_ROUTING_CTX);
	ss7_pcap_write(&pc, NULL, b, (size_t)m3ua_build_end(&bl));
	ss7_pcap_close(&pc);

	const char *tshark = getenv("TSHARK");
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "%s -r %s -n -o 'uat:user_dlts:\"User 0 (DLT=147)\",\"m3ua\",\"0\",\"\",\"0\",\"\"' -T fields "
		 "-E separator=/t -e m3ua.message_class -e m3ua.message_type -e m3ua.asp_identifier "
		 "-e m3ua.traffic_mode_type -e m3ua.routing_context -e m3ua.protocol_data_opc "
		 "-e m3ua.protocol_data_dpc -e m3ua.protocol_data_si -e m3ua.protocol_data_sls -e isup.message_type "
		 "-e isup.cic -e isup.called -e m3ua.error_code 2>/dev/null",
		 tshark && *tshark ? tshark : "tshark", path);
	static const char *const expect[] = {
		"3\t1\t77\t\t\t\t\t\t\t\t\t\t",
		"4\t1\t\t2\t10\t\t\t\t\t\t\t\t",
		"1\t1\t\t\t10\t1001\t2002\t5\t9\t1\t1\t12345\t",
		"0\t0\t\t\t\t\t\t\t\t\t\t\t25",
	};
	FILE *f = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char line[1024];
	unsigned i = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (i < 4 && strcmp(line, expect[i]))
			fprintf(stderr, "\noracle: M3UA frame %u: tshark '%s', expected '%s'\n", i + 1, line,
				expect[i]);
		CU_ASSERT(i < 4 && !strcmp(line, expect[i]));
		i++;
	}
	CU_ASSERT_EQUAL(pclose(f), 0);
	CU_ASSERT_EQUAL(i, 4);
	printf("\noracle: M3UA: %u frames agree\n", i);
	unlink(path);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("isup_oracle_tshark", NULL, NULL);
	CU_add_test(s, "ITU messages decoded by tshark agree field by field", test_oracle_itu);
	CU_add_test(s, "ANSI messages decoded by tshark agree field by field", test_oracle_ansi);
	CU_add_test(s, "tshark reports no malformed packet or error", test_no_malformed);
	CU_add_test(s, "M3UA messages decoded by tshark agree", test_m3ua_oracle);
	return cunit_run();
}
