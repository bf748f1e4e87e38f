/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Number normalisation tables (gateway/gw_number.c): every step of a table on single numbers, then the
 * tables a trunk and a peer attach on the numbers of whole messages. */

#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <osmocom/core/talloc.h>

#include "cunit_run.h"

#include "gateway/gw_number.h"
#include "isup/isup.h"

static void *ctx;
static struct gw_numbers *nums;
static struct gw_num_table *t;

static void fresh(void)
{
	talloc_free(nums);
	nums = gw_numbers_alloc(ctx);
	t = gw_num_table_get(nums, "t");
	snprintf(t->country_code, sizeof(t->country_code), "49");
	snprintf(t->area_code, sizeof(t->area_code), "30");
}

/* one number through the table: "nai digits" in, "nai digits" (or "none") out */
static void expect(enum gw_num_kind kind, const char *in_nai, const char *in, const char *want)
{
	struct isup_number n = { .npi = 1 };
	bool present = in != NULL;
	if (present) {
		n.nai = (uint8_t)gw_num_nai_value(in_nai);
		snprintf(n.digits, sizeof(n.digits), "%s", in);
		n.n_digits = (uint8_t)strlen(in);
	}
	char why[512], got[96];
	gw_num_apply(t, kind, &n, &present, why, sizeof(why));
	if (present)
		snprintf(got, sizeof(got), "%s %s", gw_num_nai_name(n.nai), n.digits);
	else
		snprintf(got, sizeof(got), "none");
	if (strcmp(got, want))
		fprintf(stderr, "%s %s %s: got '%s' (%s), want '%s'\n", gw_num_kind_names[kind], in_nai, in ? in : "-",
			got, why, want);
	CU_ASSERT_STRING_EQUAL(got, want);
	if (present)
		CU_ASSERT_EQUAL(n.n_digits, strlen(n.digits));
}

static void test_forms(void)
{
	fresh();
	/* form keep (the default): nothing changes, nothing said */
	expect(GW_NUM_CALLED, "national", "301234567", "national 301234567");
	t->form = GW_NUM_FORM_E164;
	expect(GW_NUM_CALLED, "national", "301234567", "international 49301234567");
	expect(GW_NUM_CALLED, "subscriber", "1234567", "international 49301234567");
	expect(GW_NUM_CALLED, "international", "33142345678", "international 33142345678");
	expect(GW_NUM_CALLED, "unknown", "112", "unknown 112");
	t->form = GW_NUM_FORM_NATIONAL;
	expect(GW_NUM_CALLED, "international", "49301234567", "national 301234567");
	expect(GW_NUM_CALLED, "international", "33142345678", "international 33142345678"); /* another country */
	expect(GW_NUM_CALLED, "subscriber", "1234567", "national 301234567");
	t->form = GW_NUM_FORM_SUBSCRIBER;
	expect(GW_NUM_CALLED, "international", "49301234567", "subscriber 1234567");
	expect(GW_NUM_CALLED, "national", "301234567", "subscriber 1234567");
	expect(GW_NUM_CALLED, "national", "891234567", "national 891234567"); /* another area */
	t->form = GW_NUM_FORM_PREFIXED;
	expect(GW_NUM_CALLED, "international", "33142345678", "unknown 0033142345678");
	expect(GW_NUM_CALLED, "national", "301234567", "unknown 0301234567");
	/* an ST (end of pulsing) stays at the end */
	t->form = GW_NUM_FORM_E164;
	expect(GW_NUM_CALLED, "national", "301234567F", "international 49301234567F");
}

static void test_prefix_to_nai(void)
{
	fresh();
	t->prefix_to_nai = true;
	expect(GW_NUM_CALLED, "unknown", "0033142345678", "international 33142345678");
	expect(GW_NUM_CALLED, "unknown", "0301234567", "national 301234567");
	expect(GW_NUM_CALLED, "unknown", "1234567", "unknown 1234567");
	expect(GW_NUM_CALLED, "national", "0301234567", "national 0301234567"); /* only unknown NAI */
	/* other prefixes (national 1, international 011) */
	snprintf(t->national_prefix, sizeof(t->national_prefix), "1");
	snprintf(t->international_prefix, sizeof(t->international_prefix), "011");
	expect(GW_NUM_CALLED, "unknown", "01133142345678", "international 33142345678");
	expect(GW_NUM_CALLED, "unknown", "12125551212", "national 2125551212");
	/* then to E.164: the two steps together */
	t->form = GW_NUM_FORM_E164;
	expect(GW_NUM_CALLED, "unknown", "12125551212", "international 492125551212");
}

static void test_rewrite(void)
{
	fresh();
	char err[128];
	/* ordered by id whatever the order of configuration; the first match wins */
	CU_ASSERT_EQUAL(
		gw_num_rewrite_set(t, 20, GW_NUM_NAI_ANY, "^30(.*)$", "40\\1", GW_NUM_NAI_KEEP, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(gw_num_rewrite_set(t, 10, ISUP_NAI_NATIONAL, "^301(2)(.*)$", "999\\2\\1", ISUP_NAI_SUBSCRIBER,
					   err, sizeof(err)),
			0);
	expect(GW_NUM_CALLED, "national", "301234567", "subscriber 999345672");
	expect(GW_NUM_CALLED, "unknown", "301234567", "unknown 401234567"); /* rule 10 is for national only */
	expect(GW_NUM_CALLED, "national", "309", "national 409");
	expect(GW_NUM_CALLED, "national", "5555", "national 5555"); /* no match */
	/* \0 is the whole match; replacing a rule keeps one with that id */
	CU_ASSERT_EQUAL(gw_num_rewrite_set(t, 20, GW_NUM_NAI_ANY, "^55", "7\\0", GW_NUM_NAI_KEEP, err, sizeof(err)), 0);
	expect(GW_NUM_CALLED, "national", "5555", "national 75555");
	expect(GW_NUM_CALLED, "national", "5599", "national 75599"); /* only the match is replaced */
	unsigned n = 0, last = 0;
	struct gw_num_rewrite *r;
	llist_for_each_entry(r, &t->rewrites, list) {
		CU_ASSERT(r->id > last);
		last = r->id;
		n++;
	}
	CU_ASSERT_EQUAL(n, 2);
	/* a regex that does not compile is refused with regcomp's reason */
	CU_ASSERT_EQUAL(gw_num_rewrite_set(t, 30, GW_NUM_NAI_ANY, "^(3", "1", GW_NUM_NAI_KEEP, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT(err[0] != 0);
	gw_num_rewrite_del(t, 20);
	expect(GW_NUM_CALLED, "national", "5555", "national 5555");
}

static void test_strip_add(void)
{
	fresh();
	snprintf(t->strip, sizeof(t->strip), "0");
	expect(GW_NUM_CALLED, "unknown", "0301234", "unknown 301234");
	expect(GW_NUM_CALLED, "unknown", "301234", "unknown 301234");
	expect(GW_NUM_CALLED, "unknown", "0", "unknown 0"); /* never to nothing */
	snprintf(t->add, sizeof(t->add), "1010");
	expect(GW_NUM_CALLED, "unknown", "0301234", "unknown 1010301234");
}

static void test_screening(void)
{
	fresh();
	snprintf(t->allow[t->n_allow++], sizeof(t->allow[0]), "4930123");
	snprintf(t->allow[t->n_allow++], sizeof(t->allow[0]), "3314");
	/* in a range (compared in E.164 form): user provided, verified and passed */
	struct isup_number n = { .nai = ISUP_NAI_NATIONAL, .npi = 1, .si = 0 };
	snprintf(n.digits, sizeof(n.digits), "30123777");
	n.n_digits = 8;
	bool present = true;
	char why[512];
	gw_num_apply(t, GW_NUM_CALLING, &n, &present, why, sizeof(why));
	CU_ASSERT_TRUE(present);
	CU_ASSERT_EQUAL(n.si, 1);
	CU_ASSERT_EQUAL(t->screen_pass, 1);
	t->verified_network = true;
	gw_num_apply(t, GW_NUM_CALLING, &n, &present, why, sizeof(why));
	CU_ASSERT_EQUAL(n.si, 3);
	expect(GW_NUM_CALLING, "international", "33142345678", "international 33142345678");
	/* out of range without a default: removed */
	expect(GW_NUM_CALLING, "national", "891234", "none");
	CU_ASSERT_EQUAL(t->screen_fail, 1);
	/* with a default: the default, network provided, restricted if the caller was */
	snprintf(t->default_digits, sizeof(t->default_digits), "30123000");
	t->default_nai = ISUP_NAI_NATIONAL;
	expect(GW_NUM_CALLING, "national", "891234", "national 30123000");
	n = (struct isup_number){ .nai = ISUP_NAI_NATIONAL, .npi = 1, .apri = 1, .si = 1 };
	snprintf(n.digits, sizeof(n.digits), "891234");
	n.n_digits = 6;
	present = true;
	gw_num_apply(t, GW_NUM_CALLING, &n, &present, why, sizeof(why));
	CU_ASSERT_STRING_EQUAL(n.digits, "30123000");
	CU_ASSERT_EQUAL(n.si, 3);
	CU_ASSERT_EQUAL(n.apri, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "screening failed"));
	/* no calling number: the default */
	expect(GW_NUM_CALLING, "national", NULL, "national 30123000");
	CU_ASSERT_EQUAL(t->screen_default, 3);
	/* screening is for calling numbers only */
	expect(GW_NUM_CALLED, "national", "891234", "national 891234");
	expect(GW_NUM_REDIRECTING, "national", NULL, "none");
	/* a default alone (no ranges) fills a missing number and leaves a present one */
	t->n_allow = 0;
	expect(GW_NUM_CALLING, "national", "891234", "national 891234");
	expect(GW_NUM_CALLING, "national", NULL, "national 30123000");
}

static void iam_from(struct isup_msg *m, const char *line)
{
	char err[128];
	int rc = isup_msg_from_line(m, ISUP_VAR_ITU, line, err, sizeof(err));
	if (rc)
		fprintf(stderr, "%s: %s\n", line, err);
	CU_ASSERT_FATAL(rc == 0);
}

static void attach(struct gw_num_table *tb, bool trunk, const char *name, bool out, int kind)
{
	struct gw_num_attach *a = talloc_zero(tb, struct gw_num_attach);
	a->trunk = trunk;
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->out = out;
	a->kind = kind;
	llist_add_tail(&a->list, &tb->attach);
}

static void num_is(const struct isup_msg *m, uint8_t par, int nai, const char *digits)
{
	struct isup_number n;
	CU_ASSERT_EQUAL_FATAL(isup_msg_get_number(m, par, &n), 0);
	if (n.nai != nai || strcmp(n.digits, digits))
		fprintf(stderr, "parameter 0x%02x: %u %s, want %d %s\n", par, n.nai, n.digits, nai, digits);
	CU_ASSERT_EQUAL(n.nai, nai);
	CU_ASSERT_STRING_EQUAL(n.digits, digits);
}

/* a message's numbers: the trunk's "in" table, then the peer's "out" one (ISUP -> SIP), per kind */
static void test_message(void)
{
	fresh();
	char err[128];
	t->prefix_to_nai = true; /* the trunk's numbers come with prefixes */
	attach(t, true, "pstn", false, -1);
	struct gw_num_table *p = gw_num_table_get(nums, "peer");
	snprintf(p->country_code, sizeof(p->country_code), "49");
	p->form = GW_NUM_FORM_E164;
	attach(p, false, "far", true, GW_NUM_CALLED);
	attach(p, false, "far", true, GW_NUM_CALLING);
	attach(p, false, "far", true, GW_NUM_GENERIC);
	CU_ASSERT_EQUAL(gw_num_rewrite_set(p, 1, GW_NUM_NAI_ANY, "^30999", "30888", GW_NUM_NAI_KEEP, err, sizeof(err)),
			0);
	struct isup_msg m;
	iam_from(&m,
		 "IAM cic=1 cpc.value=10 tmr.value=3 cdpn.nai=2 cdpn.npi=1 cdpn.digits=0301234567 cgpn.nai=2 "
		 "cgpn.npi=1 cgpn.apri=1 cgpn.si=1 cgpn.digits=030999 rgn.nai=2 rgn.npi=1 rgn.digits=030555 ocn.nai=2 "
		 "ocn.npi=1 ocn.digits=0301111 gn.nqi=6 gn.nai=2 gn.npi=1 gn.digits=0040123");
	gw_numbers_apply(nums, GW_NUM_ISUP_TO_SIP, "pstn", "far", &m, NULL);
	num_is(&m, ISUP_PAR_CALLED, ISUP_NAI_INTERNATIONAL, "49301234567");
	num_is(&m, ISUP_PAR_CALLING, ISUP_NAI_INTERNATIONAL, "4930888"); /* the peer's rewrite, then e164 */
	num_is(&m, ISUP_PAR_REDIRECTING, ISUP_NAI_NATIONAL, "30555");	 /* the peer's table is not for it */
	num_is(&m, ISUP_PAR_ORIG_CALLED, ISUP_NAI_NATIONAL, "301111");
	num_is(&m, ISUP_PAR_GENERIC_NUM, ISUP_NAI_INTERNATIONAL, "40123"); /* already international */
	struct isup_number n;
	isup_msg_get_number(&m, ISUP_PAR_CALLING, &n);
	CU_ASSERT_EQUAL(n.apri, 1); /* a table never changes presentation */
	CU_ASSERT_EQUAL(isup_msg_get_number(&m, ISUP_PAR_GENERIC_NUM, &n), 0);
	CU_ASSERT_EQUAL(n.nqi, 6);
	uint8_t buf[300];
	CU_ASSERT(isup_msg_encode(&m, buf, sizeof(buf)) > 0);

	/* the other direction reads the peer's "in" and the trunk's "out" tables: none here, nothing changes */
	iam_from(&m, "IAM cic=1 cpc.value=10 tmr.value=3 cdpn.nai=2 cdpn.npi=1 cdpn.digits=0301234567");
	gw_numbers_apply(nums, GW_NUM_SIP_TO_ISUP, "pstn", "far", &m, NULL);
	num_is(&m, ISUP_PAR_CALLED, ISUP_NAI_UNKNOWN, "0301234567");

	/* SIP -> ISUP: screening on the trunk's way out adds the default to an IAM without a calling number,
	 * removes a failed one without a default; other messages get no calling number */
	struct gw_num_table *s = gw_num_table_get(nums, "screen");
	snprintf(s->country_code, sizeof(s->country_code), "49");
	snprintf(s->allow[s->n_allow++], sizeof(s->allow[0]), "4930");
	snprintf(s->default_digits, sizeof(s->default_digits), "3012300");
	s->default_nai = ISUP_NAI_NATIONAL;
	attach(s, true, "pstn", true, GW_NUM_CALLING);
	gw_numbers_apply(nums, GW_NUM_SIP_TO_ISUP, "pstn", "far", &m, NULL);
	num_is(&m, ISUP_PAR_CALLING, ISUP_NAI_NATIONAL, "3012300");
	iam_from(&m, "ANM cic=1");
	gw_numbers_apply(nums, GW_NUM_SIP_TO_ISUP, "pstn", "far", &m, NULL);
	CU_ASSERT_PTR_NULL(isup_msg_get(&m, ISUP_PAR_CALLING));
	s->default_digits[0] = 0;
	iam_from(&m, "IAM cic=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=301234567 cgpn.nai=3 "
		     "cgpn.npi=1 cgpn.digits=891234");
	gw_numbers_apply(nums, GW_NUM_SIP_TO_ISUP, "pstn", "far", &m, NULL);
	CU_ASSERT_PTR_NULL(isup_msg_get(&m, ISUP_PAR_CALLING));
	/* a connected number (ANM) is a kind of its own */
	attach(p, false, "far", true, GW_NUM_CONNECTED);
	iam_from(&m, "ANM cic=1 conn.nai=3 conn.npi=1 conn.digits=301234567");
	gw_numbers_apply(nums, GW_NUM_ISUP_TO_SIP, "pstn", "far", &m, NULL);
	num_is(&m, ISUP_PAR_CONNECTED, ISUP_NAI_INTERNATIONAL, "49301234567");
	/* a table attached elsewhere does nothing */
	iam_from(&m, "IAM cic=1 cpc.value=10 tmr.value=3 cdpn.nai=2 cdpn.npi=1 cdpn.digits=0301234567");
	gw_numbers_apply(nums, GW_NUM_ISUP_TO_SIP, "other", "nobody", &m, NULL);
	num_is(&m, ISUP_PAR_CALLED, ISUP_NAI_UNKNOWN, "0301234567");
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "test_gw_number");
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("number normalisation tables", NULL, NULL);
	CU_add_test(s, "form: E.164, national, subscriber, prefixed", test_forms);
	CU_add_test(s, "prefix-to-nai", test_prefix_to_nai);
	CU_add_test(s, "rewrite: ordered POSIX regex, first match", test_rewrite);
	CU_add_test(s, "strip-prefix and add-prefix", test_strip_add);
	CU_add_test(s, "calling number screening and the default number", test_screening);
	CU_add_test(s, "the tables of a trunk and a peer on a message", test_message);
	int rc = cunit_run();
	talloc_free(nums);
	if (talloc_total_blocks(ctx) != 1) {
		talloc_report_full(ctx, stderr);
		rc = 1;
	}
	talloc_free(ctx);
	return rc;
}
