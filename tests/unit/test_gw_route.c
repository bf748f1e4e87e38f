/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The routing policy's matcher (gateway/gw_route.c): called prefix and regex, calling prefix, source,
 * priority, the weight draws over many calls with a fixed seed, route lists, failover sets, and the prefix
 * routes the policy falls back to. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <osmocom/core/talloc.h>

#include "cunit_run.h"

#include "gateway/gw_route.h"

static void *ctx;
static struct gw_routing *rt;

static void fresh(void)
{
	talloc_free(rt);
	rt = gw_routing_alloc(ctx, 12345);
}

static struct gw_route_entry *entry(const char *name, enum gw_route_dir dir, const char *rlist, unsigned prio,
				    unsigned weight)
{
	struct gw_route_entry *e = gw_route_entry_get(rt, name, dir);
	snprintf(e->rlist, sizeof(e->rlist), "%s", rlist);
	e->priority = prio;
	e->weight = weight;
	return e;
}

static struct gw_route_list *rlist(const char *name, const char *m1, unsigned w1, const char *m2, unsigned w2)
{
	struct gw_route_list *l = gw_route_list_get(rt, name);
	snprintf(l->m[0].name, sizeof(l->m[0].name), "%s", m1);
	l->m[0].weight = w1;
	l->n = 1;
	if (m2) {
		snprintf(l->m[1].name, sizeof(l->m[1].name), "%s", m2);
		l->m[1].weight = w2;
		l->n = 2;
	}
	return l;
}

/* the entry the policy picks for a call, or "-" */
static const char *decide(enum gw_route_dir dir, const char *called, const char *calling, const char *source,
			  struct gw_route *out)
{
	struct gw_route_query q = { dir, called, calling, source };
	const struct gw_route_entry *e = gw_routing_decide(rt, &q, out);
	return e ? e->name : "-";
}

static void test_match(void)
{
	struct gw_route r;
	fresh();
	rlist("l", "far", 0, NULL, 0);
	struct gw_route_entry *e = entry("by-prefix", GW_ROUTE_ISUP_TO_SIP, "l", 10, 0);
	snprintf(e->called_prefix, sizeof(e->called_prefix), "4930");
	e = entry("by-regex", GW_ROUTE_ISUP_TO_SIP, "l", 5, 0);
	CU_ASSERT_EQUAL(gw_route_entry_set_regex(e, "^49(40|89)[0-9]{4}$", NULL, 0), 0);
	e = entry("by-calling", GW_ROUTE_ISUP_TO_SIP, "l", 1, 0);
	snprintf(e->calling_prefix, sizeof(e->calling_prefix), "4969");
	e = entry("by-source", GW_ROUTE_ISUP_TO_SIP, "l", 1, 0);
	snprintf(e->source, sizeof(e->source), "special");
	e = entry("other-way", GW_ROUTE_SIP_TO_ISUP, "l", 0, 0);

	CU_ASSERT_STRING_EQUAL(decide(GW_ROUTE_ISUP_TO_SIP, "4930123", "4922", "pstn", &r), "by-prefix");
	CU_ASSERT_STRING_EQUAL(r.entry, "by-prefix");
	CU_ASSERT_STRING_EQUAL(r.target, "far");
	CU_ASSERT_STRING_EQUAL(decide(GW_ROUTE_ISUP_TO_SIP, "49401234", "4922", "pstn", &r), "by-regex");
	/* the regex is anchored: one digit more does not match, and 4931 matches nothing */
	CU_ASSERT_STRING_EQUAL(decide(GW_ROUTE_ISUP_TO_SIP, "494012345", "4922", "pstn", &r), "-");
	CU_ASSERT_STRING_EQUAL(decide(GW_ROUTE_ISUP_TO_SIP, "4931", NULL, "pstn", &r), "-");
	/* calling prefix and source: priority 1 beats the prefix's 10 */
	CU_ASSERT_STRING_EQUAL(decide(GW_ROUTE_ISUP_TO_SIP, "4930123", "49691", "pstn", &r), "by-calling");
	CU_ASSERT_STRING_EQUAL(decide(GW_ROUTE_ISUP_TO_SIP, "4930123", "", "special", &r), "by-source");
	CU_ASSERT_STRING_EQUAL(decide(GW_ROUTE_ISUP_TO_SIP, "4930123", NULL, NULL, &r), "by-prefix");
	CU_ASSERT_STRING_EQUAL(decide(GW_ROUTE_SIP_TO_ISUP, "1", NULL, NULL, &r), "other-way");
	CU_ASSERT_EQUAL(gw_route_entry_find(rt, "by-calling")->hits, 1);
	/* an entry of one direction is not reopened as the other; a bad regex is refused and keeps the old */
	CU_ASSERT_PTR_NULL(gw_route_entry_get(rt, "by-regex", GW_ROUTE_SIP_TO_ISUP));
	char err[128] = "";
	CU_ASSERT_EQUAL(gw_route_entry_set_regex(gw_route_entry_find(rt, "by-regex"), "([0-9", err, sizeof(err)),
			-EINVAL);
	CU_ASSERT(err[0] != 0);
	CU_ASSERT_STRING_EQUAL(decide(GW_ROUTE_ISUP_TO_SIP, "49891234", "4922", "pstn", &r), "by-regex");
	gw_route_entry_free(gw_route_entry_find(rt, "by-regex"));
	CU_ASSERT_STRING_EQUAL(decide(GW_ROUTE_ISUP_TO_SIP, "49891234", "4922", "pstn", &r), "-");
}

/* many draws with a fixed seed: entries of equal priority share by weight, members of a list too */
static void test_weight(void)
{
	struct gw_route r;
	fresh();
	rlist("a", "pa", 0, NULL, 0);
	rlist("b", "pb", 0, NULL, 0);
	rlist("lb", "x", 3, "y", 1);
	entry("ea", GW_ROUTE_ISUP_TO_SIP, "a", 1, 1);
	entry("eb", GW_ROUTE_ISUP_TO_SIP, "b", 1, 4);
	entry("backup", GW_ROUTE_ISUP_TO_SIP, "lb", 2, 100); /* higher priority value: never while they match */
	unsigned n_a = 0, n_b = 0;
	for (int i = 0; i < 10000; i++) {
		const char *name = decide(GW_ROUTE_ISUP_TO_SIP, "1", NULL, NULL, &r);
		n_a += !strcmp(name, "ea");
		n_b += !strcmp(name, "eb");
	}
	printf("\nentries 1:4 -> %u:%u\n", n_a, n_b);
	CU_ASSERT_EQUAL(n_a + n_b, 10000);
	CU_ASSERT(n_a > 1800 && n_a < 2200); /* 2000 expected; 1 in 10^6 falls outside at random */

	/* a list's members: x (3) first three times in four, the other one always after it */
	gw_route_entry_free(gw_route_entry_find(rt, "ea"));
	gw_route_entry_free(gw_route_entry_find(rt, "eb"));
	unsigned n_x = 0;
	for (int i = 0; i < 10000; i++) {
		decide(GW_ROUTE_ISUP_TO_SIP, "1", NULL, NULL, &r);
		CU_ASSERT_EQUAL(r.n_alt, 1);
		CU_ASSERT_STRING_NOT_EQUAL(r.target, r.alt[0]);
		n_x += !strcmp(r.target, "x");
	}
	printf("members 3:1 -> x first %u times\n", n_x);
	CU_ASSERT(n_x > 7200 && n_x < 7800);

	/* weight 0 members come after the drawn ones, in configured order; all 0: the entry's first */
	struct gw_route_list *l = rlist("lb", "z0", 0, "w5", 5);
	snprintf(l->m[2].name, sizeof(l->m[2].name), "z1");
	l->n = 3;
	decide(GW_ROUTE_ISUP_TO_SIP, "1", NULL, NULL, &r);
	CU_ASSERT_STRING_EQUAL(r.target, "w5");
	CU_ASSERT_STRING_EQUAL(r.alt[0], "z0");
	CU_ASSERT_STRING_EQUAL(r.alt[1], "z1");

	/* the same seed gives the same draws */
	char first[64] = "";
	for (int k = 0; k < 2; k++) {
		gw_routing_seed(rt, 99);
		rlist("lb", "x", 3, "y", 1)->n = 2;
		char seq[64] = "";
		for (int i = 0; i < 20; i++) {
			decide(GW_ROUTE_ISUP_TO_SIP, "1", NULL, NULL, &r);
			strcat(seq, r.target);
		}
		if (!k)
			strcpy(first, seq);
		else
			CU_ASSERT_STRING_EQUAL(first, seq);
	}
}

static void test_failover_sets(void)
{
	struct gw_route r;
	fresh();
	struct gw_route_list *l = rlist("l", "t1", 0, "t2", 0);
	entry("e", GW_ROUTE_SIP_TO_ISUP, "l", 0, 0);
	decide(GW_ROUTE_SIP_TO_ISUP, "1", NULL, NULL, &r);
	/* the defaults: 408 503, causes 34 38 41 42 */
	CU_ASSERT(gw_route_fails_over(&r, 503, 0));
	CU_ASSERT(gw_route_fails_over(&r, 408, 0));
	CU_ASSERT(!gw_route_fails_over(&r, 486, 0));
	CU_ASSERT(gw_route_fails_over(&r, 0, 34));
	CU_ASSERT(gw_route_fails_over(&r, 0, 41));
	CU_ASSERT(!gw_route_fails_over(&r, 0, 17));
	CU_ASSERT(!gw_route_fails_over(&r, 480, 16));
	/* a configured set replaces the default */
	l->fail_status[0] = 486;
	l->n_fail_status = 1;
	l->fail_cause[0] = 17;
	l->n_fail_cause = 1;
	decide(GW_ROUTE_SIP_TO_ISUP, "1", NULL, NULL, &r);
	CU_ASSERT(gw_route_fails_over(&r, 486, 0));
	CU_ASSERT(!gw_route_fails_over(&r, 503, 0));
	CU_ASSERT(gw_route_fails_over(&r, 0, 17));
	CU_ASSERT(!gw_route_fails_over(&r, 0, 34));
	/* a prefix route: 408 and 503, as before the policy */
	struct gw_route pr = { .dir = GW_ROUTE_ISUP_TO_SIP };
	CU_ASSERT(gw_route_fails_over(&pr, 503, 0));
	CU_ASSERT(gw_route_fails_over(&pr, 408, 34));
	CU_ASSERT(!gw_route_fails_over(&pr, 480, 34));
	/* an entry whose list does not exist routes nowhere */
	snprintf(gw_route_entry_find(rt, "e")->rlist, 32, "nolist");
	CU_ASSERT_STRING_EQUAL(decide(GW_ROUTE_SIP_TO_ISUP, "1", NULL, NULL, &r), "e");
	CU_ASSERT_STRING_EQUAL(r.target, "");
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "test_gw_route");
	CU_initialize_registry();
	CU_pSuite s = CU_add_suite("routing policy", NULL, NULL);
	CU_add_test(s, "called prefix, regex, calling prefix, source, priority", test_match);
	CU_add_test(s, "weights over many draws with a fixed seed", test_weight);
	CU_add_test(s, "failover sets", test_failover_sets);
	int rc = cunit_run();
	talloc_free(rt);
	if (talloc_total_blocks(ctx) != 1) {
		talloc_report_full(ctx, stderr);
		rc = 1;
	}
	talloc_free(ctx);
	return rc;
}
