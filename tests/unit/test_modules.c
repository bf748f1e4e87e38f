/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CUnit tests of the first pieces of sip/, gateway/, media/ and config/. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "cunit_run.h"
#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>

#include "config/isupgw_log.h"
#include "gateway/gw_cause.h"
#include "media/media.h"
#include "sip/sip.h"

/* ---- RFC 3204 media type ---- */

static void test_sipt_ctype(void)
{
	struct sipt_ctype ct;
	CU_ASSERT_EQUAL(sipt_ctype_parse("application/ISUP; version=itu-t92+; base=itu-t92+", &ct), 0);
	CU_ASSERT_STRING_EQUAL(ct.version, "itu-t92+");
	CU_ASSERT_EQUAL(sipt_ctype_variant(&ct), SIPT_VAR_ITU);
	CU_ASSERT_EQUAL(sipt_ctype_parse("application/isup;version=ansi00", &ct), 0);
	CU_ASSERT_EQUAL(sipt_ctype_variant(&ct), SIPT_VAR_ANSI);
	/* RFC 3204's own example: unknown version, known base, trailing ';' */
	CU_ASSERT_EQUAL(sipt_ctype_parse("application/ISUP; version=nxv3; base=etsi121;", &ct), 0);
	CU_ASSERT_EQUAL(sipt_ctype_variant(&ct), SIPT_VAR_ITU);
	CU_ASSERT_EQUAL(sipt_ctype_parse("application/ISUP; version=\"X-Netx\"", &ct), 0);
	CU_ASSERT_STRING_EQUAL(ct.version, "X-Netx");
	CU_ASSERT_EQUAL(sipt_ctype_variant(&ct), SIPT_VAR_UNKNOWN);
	/* version is required; other media types refused; malformed parameters refused */
	CU_ASSERT_NOT_EQUAL(sipt_ctype_parse("application/ISUP", &ct), 0);
	CU_ASSERT_NOT_EQUAL(sipt_ctype_parse("application/ISUPX; version=itu-t92+", &ct), 0);
	CU_ASSERT_NOT_EQUAL(sipt_ctype_parse("application/sdp", &ct), 0);
	CU_ASSERT_NOT_EQUAL(sipt_ctype_parse("application/ISUP; version=\"unterminated", &ct), 0);
	CU_ASSERT_NOT_EQUAL(sipt_ctype_parse("application/ISUP; =x", &ct), 0);
	CU_ASSERT_NOT_EQUAL(sipt_ctype_parse("application/ISUP version=x", &ct), 0);
	char longv[200];
	snprintf(longv, sizeof(longv), "application/ISUP; version=%0150d", 1);
	CU_ASSERT_NOT_EQUAL(sipt_ctype_parse(longv, &ct), 0);

	char buf[80];
	CU_ASSERT(sipt_ctype_format(SIPT_VAR_ANSI, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "application/ISUP; version=ansi00; base=ansi00");
	CU_ASSERT_EQUAL(sipt_ctype_parse(buf, &ct), 0);
	CU_ASSERT_EQUAL(sipt_ctype_variant(&ct), SIPT_VAR_ANSI);
	CU_ASSERT(sipt_ctype_format(SIPT_VAR_ITU, buf, 10) < 0);

	struct sipt_disposition d;
	CU_ASSERT_EQUAL(sipt_disposition_parse("signal; handling=optional", &d), 0);
	CU_ASSERT_TRUE(d.signal);
	CU_ASSERT_EQUAL(d.handling, SIPT_HANDLING_OPTIONAL);
	CU_ASSERT_EQUAL(sipt_disposition_parse("signal", &d), 0);
	CU_ASSERT_EQUAL(d.handling, SIPT_HANDLING_REQUIRED); /* RFC 3204: default required */
	CU_ASSERT_EQUAL(sipt_disposition_parse("session;handling=required", &d), 0);
	CU_ASSERT_FALSE(d.signal);
	CU_ASSERT_EQUAL(sipt_disposition_parse("signal; handling=whenever", &d), 0);
	CU_ASSERT_EQUAL(d.handling, SIPT_HANDLING_OTHER);
	CU_ASSERT_NOT_EQUAL(sipt_disposition_parse("", &d), 0);
	CU_ASSERT_NOT_EQUAL(sipt_disposition_parse("signal handling", &d), 0);
}

/* ---- RFC 3398 cause tables, checked row by row against tests/data ---- */

/* split one CSV line into up to n fields (quotes and "" escapes) */
static int csv_split(char *line, char **f, int n)
{
	int k = 0;
	char *p = line, *o = line;
	while (k < n) {
		f[k++] = o;
		bool q = false;
		while (*p && (q || (*p != ',' && *p != '\n' && *p != '\r'))) {
			if (*p == '"') {
				if (q && p[1] == '"') {
					*o++ = '"';
					p += 2;
					continue;
				}
				q = !q;
				p++;
				continue;
			}
			*o++ = *p++;
		}
		bool end = *p != ',';
		if (*p)
			p++;
		*o++ = '\0';
		if (end)
			break;
	}
	return k;
}

static FILE *open_data(const char *name)
{
	char path[512];
	const char *dir = getenv("srcdir");
	snprintf(path, sizeof(path), "%s/data/%s", dir ? dir : "tests", name);
	FILE *f = fopen(path, "r");
	if (!f)
		fprintf(stderr, "\ncannot open %s\n", path);
	return f;
}

static void test_cause_isup_to_sip(void)
{
	FILE *f = open_data("rfc3398_isup_cause_to_sip.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char line[1024], *col[4];
	unsigned rows = 0;
	fgets(line, sizeof(line), f); /* header */
	while (fgets(line, sizeof(line), f)) {
		if (csv_split(line, col, 4) < 3)
			continue;
		int cause = atoi(col[0]);
		int want = col[2][0] ? atoi(col[2]) : 0;
		bool diag = strstr(col[1], "w/ diagnostic") != NULL;
		struct gw_sip_answer a = gw_cause_isup_to_sip((uint8_t)cause, 2, diag, false);
		if (a.status != want)
			fprintf(stderr, "\ncause %d (%s): want %d, got %d\n", cause, col[1], want, a.status);
		CU_ASSERT_EQUAL(a.status, want);
		rows++;
	}
	fclose(f);
	CU_ASSERT_EQUAL(rows, 33);
	/* the rules around the table */
	CU_ASSERT_EQUAL(gw_cause_isup_to_sip(21, Q850_LOC_USER, false, true).status, 603);
	CU_ASSERT_EQUAL(gw_cause_isup_to_sip(21, 2, false, true).status, 403);
	CU_ASSERT_EQUAL(gw_cause_isup_to_sip(99, 2, false, false).status, 500); /* unlisted */
	CU_ASSERT_TRUE(gw_cause_isup_to_sip(44, 2, false, false).retry_cic);
	CU_ASSERT_EQUAL(gw_cause_isup_to_sip(44, 2, false, false).status, 0);
	CU_ASSERT_TRUE(gw_cause_isup_to_sip(34, 2, false, false).retry_after);
}

static void test_cause_sip_to_isup(void)
{
	FILE *f = open_data("rfc3398_sip_to_isup_cause.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char line[2048], *col[4];
	unsigned rows = 0;
	fgets(line, sizeof(line), f);
	while (fgets(line, sizeof(line), f)) {
		if (csv_split(line, col, 4) < 3)
			continue;
		int status = atoi(col[0]);
		struct gw_isup_cause c = gw_cause_sip_to_isup(status, 0);
		/* 488/606 are "by Warning header": 31 without one; 487 has no mapping */
		int want = col[2][0] ? atoi(col[2]) : (status == 487 ? 0 : 31);
		if (c.cause != want)
			fprintf(stderr, "\nstatus %d: want %d, got %d\n", status, want, c.cause);
		CU_ASSERT_EQUAL(c.cause, want);
		CU_ASSERT_EQUAL(c.location, status >= 600 ? Q850_LOC_USER : Q850_LOC_BEYOND_IWP);
		rows++;
	}
	fclose(f);
	CU_ASSERT_EQUAL(rows, 37);
	CU_ASSERT_EQUAL(gw_cause_sip_to_isup(488, 304).cause, 65);
	CU_ASSERT_EQUAL(gw_cause_sip_to_isup(606, 370).cause, 65);
	CU_ASSERT_EQUAL(gw_cause_sip_to_isup(488, 399).cause, 31);
	CU_ASSERT_EQUAL(gw_cause_sip_to_isup(499, 0).cause, 31); /* unlisted */
	CU_ASSERT_EQUAL(gw_cause_sip_to_isup(699, 0).location, Q850_LOC_USER);
}

/* ---- TDM spans ---- */

static void test_tdm_span(void)
{
	struct tdm_span sp[2];
	tdm_span_init(&sp[0], TDM_SPAN_E1);
	tdm_span_init(&sp[1], TDM_SPAN_T1);
	CU_ASSERT_EQUAL(tdm_span_n_bearers(&sp[0]), 30);
	CU_ASSERT_EQUAL(tdm_span_n_bearers(&sp[1]), 24);
	CU_ASSERT_EQUAL(sp[0].law, TDM_LAW_ALAW);
	CU_ASSERT_EQUAL(sp[1].law, TDM_LAW_ULAW);
	CU_ASSERT_FALSE(tdm_span_is_bearer(&sp[0], 0));
	CU_ASSERT_FALSE(tdm_span_is_bearer(&sp[0], 16));
	CU_ASSERT_FALSE(tdm_span_is_bearer(&sp[0], 32));
	CU_ASSERT_TRUE(tdm_span_is_bearer(&sp[1], 24));
	unsigned span, ts;
	CU_ASSERT_EQUAL(tdm_cic_to_ts(100 + 17, 100, sp, 2, &span, &ts), 0);
	CU_ASSERT_EQUAL(span, 0);
	CU_ASSERT_EQUAL(ts, 17);
	CU_ASSERT_EQUAL(tdm_cic_to_ts(100 + 16, 100, sp, 2, &span, &ts), -1); /* signalling TS */
	CU_ASSERT_EQUAL(tdm_cic_to_ts(100, 100, sp, 2, &span, &ts), -1);      /* TS0 */
	CU_ASSERT_EQUAL(tdm_cic_to_ts(100 + 32, 100, sp, 2, &span, &ts), 0);
	CU_ASSERT_EQUAL(span, 1);
	CU_ASSERT_EQUAL(ts, 1);
	CU_ASSERT_EQUAL(tdm_cic_to_ts(100 + 32 + 24, 100, sp, 2, &span, &ts), -1); /* beyond */
	CU_ASSERT_EQUAL(tdm_cic_to_ts(99, 100, sp, 2, &span, &ts), -1);
	/* every bearer maps to a CIC and back */
	for (unsigned s = 0; s < 2; s++)
		for (unsigned t = 0; t <= 32; t++) {
			uint16_t cic;
			if (tdm_ts_to_cic(s, t, 100, sp, 2, &cic)) {
				CU_ASSERT_FALSE(tdm_span_is_bearer(&sp[s], t));
				continue;
			}
			CU_ASSERT_EQUAL(tdm_cic_to_ts(cic, 100, sp, 2, &span, &ts), 0);
			CU_ASSERT_EQUAL(span, s);
			CU_ASSERT_EQUAL(ts, t);
		}
}

/* ---- log categories ---- */

static void test_log_categories(void)
{
	void *ctx = talloc_named_const(NULL, 0, "test");
	CU_ASSERT_EQUAL(osmo_init_logging2(ctx, &isupgw_log_info), 0);
	/* the VTY form: "logging level isup debug" */
	const char *names[] = { "isup", "mtp", "m3ua", "sip", "call", "media", "dsp", "vty" };
	for (unsigned i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(log_parse_category(names[i]), (int)i);
	CU_ASSERT(log_parse_category("nope") < 0);
	log_fini();
	talloc_free(ctx);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("modules", NULL, NULL);
	CU_add_test(s, "sip: RFC 3204 application/ISUP and signal disposition", test_sipt_ctype);
	CU_add_test(s, "gateway: RFC 3398 s7.2.4.1 ISUP cause -> SIP, every table row", test_cause_isup_to_sip);
	CU_add_test(s, "gateway: RFC 3398 s8.2.6.1 SIP -> ISUP cause, every table row", test_cause_sip_to_isup);
	CU_add_test(s, "media: E1/T1 spans and CIC mapping", test_tdm_span);
	CU_add_test(s, "config: log categories", test_log_categories);
	return cunit_run();
}
