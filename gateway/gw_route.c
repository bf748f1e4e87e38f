/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Routing policy (gw_route.h): entries, route lists, the weighted draws, the decision a call gets. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>

#include "gw_route.h"

/* ---- the prefix routes of the gateway node ---- */

const struct gw_route *gw_route_lookup(const struct gw *gw, enum gw_route_dir dir, const char *digits)
{
	const struct gw_route *r, *best = NULL;
	llist_for_each_entry(r, &gw->routes, list) {
		size_t l = strlen(r->prefix);
		if (r->dir != dir || strncmp(digits, r->prefix, l))
			continue;
		if (!best || l > strlen(best->prefix))
			best = r;
	}
	return best;
}

void gw_route_apply(const struct gw_route *r, const char *in, char *out, size_t size)
{
	size_t l = strlen(in);
	const char *rest = r->strip < l ? in + r->strip : "";
	snprintf(out, size, "%s%s", r->add, rest);
}

/* ---- the policy ---- */

struct gw_routing *gw_routing_alloc(void *ctx, uint32_t seed)
{
	struct gw_routing *rt = talloc_zero(ctx, struct gw_routing);
	if (!rt)
		return NULL;
	INIT_LLIST_HEAD(&rt->entries);
	INIT_LLIST_HEAD(&rt->lists);
	gw_routing_seed(rt, seed);
	return rt;
}

void gw_routing_seed(struct gw_routing *rt, uint32_t seed)
{
	rt->rng = seed ? seed : 0x9e3779b9;
}

/* xorshift32: draws that a test can repeat from a seed */
static uint32_t draw(struct gw_routing *rt, uint32_t below)
{
	uint32_t x = rt->rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rt->rng = x;
	return below ? x % below : 0;
}

struct gw_route_list *gw_route_list_find(struct gw_routing *rt, const char *name)
{
	struct gw_route_list *l;
	llist_for_each_entry(l, &rt->lists, list)
		if (!strcmp(l->name, name))
			return l;
	return NULL;
}

struct gw_route_list *gw_route_list_get(struct gw_routing *rt, const char *name)
{
	struct gw_route_list *l = gw_route_list_find(rt, name);
	if (l)
		return l;
	l = talloc_zero(rt, struct gw_route_list);
	snprintf(l->name, sizeof(l->name), "%s", name);
	/* the failover defaults: today's 408/503 (no answer, unavailable), and the causes that say this way
	 * is out of resources but another may not be (RFC 3398 s8.2.6.1 maps them to 503) */
	static const int st[] = { 408, 503 };
	static const uint8_t ca[] = { 34, 38, 41, 42 };
	memcpy(l->fail_status, st, sizeof(st));
	l->n_fail_status = ARRAY_SIZE(st);
	memcpy(l->fail_cause, ca, sizeof(ca));
	l->n_fail_cause = ARRAY_SIZE(ca);
	llist_add_tail(&l->list, &rt->lists);
	return l;
}

struct gw_route_entry *gw_route_entry_find(struct gw_routing *rt, const char *name)
{
	struct gw_route_entry *e;
	llist_for_each_entry(e, &rt->entries, list)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

struct gw_route_entry *gw_route_entry_get(struct gw_routing *rt, const char *name, enum gw_route_dir dir)
{
	struct gw_route_entry *e = gw_route_entry_find(rt, name);
	if (e)
		return e->dir == dir ? e : NULL;
	e = talloc_zero(rt, struct gw_route_entry);
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->dir = dir;
	llist_add_tail(&e->list, &rt->entries);
	return e;
}

void gw_route_entry_free(struct gw_route_entry *e)
{
	gw_route_entry_set_regex(e, "", NULL, 0);
	llist_del(&e->list);
	talloc_free(e);
}

int gw_route_entry_set_regex(struct gw_route_entry *e, const char *re, char *err, size_t err_size)
{
	regex_t new;
	if (*re) {
		int rc = regcomp(&new, re, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			if (err)
				regerror(rc, &new, err, err_size);
			return -EINVAL;
		}
	}
	if (e->called_regex[0])
		regfree(&e->re);
	snprintf(e->called_regex, sizeof(e->called_regex), "%s", re);
	if (*re)
		e->re = new;
	return 0;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s ? s : "", prefix, strlen(prefix));
}

bool gw_route_entry_matches(const struct gw_route_entry *e, const struct gw_route_query *q)
{
	if (e->dir != q->dir || !has_prefix(q->called, e->called_prefix) || !has_prefix(q->calling, e->calling_prefix))
		return false;
	if (e->source[0] && (!q->source || strcmp(q->source, e->source)))
		return false;
	return !e->called_regex[0] || !regexec(&e->re, q->called ? q->called : "", 0, NULL, 0);
}

/* An order of n items by weight: those of weight > 0 drawn one after the other, each with a chance of its
 * weight over the weights left (RFC 2782), then those of weight 0 as they are */
static void weighted_order(struct gw_routing *rt, const unsigned *weight, unsigned n, unsigned *order)
{
	bool used[GW_RLIST_MAX_MEMBERS] = { 0 };
	unsigned k = 0, total = 0;
	for (unsigned i = 0; i < n; i++)
		total += weight[i];
	while (total) {
		uint32_t x = draw(rt, total);
		for (unsigned i = 0; i < n; i++) {
			if (used[i] || !weight[i])
				continue;
			if (x < weight[i]) {
				used[i] = true;
				order[k++] = i;
				total -= weight[i];
				break;
			}
			x -= weight[i];
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (!weight[i])
			order[k++] = i;
}

const struct gw_route_entry *gw_routing_decide(struct gw_routing *rt, const struct gw_route_query *q,
					       struct gw_route *out)
{
	/* the matching entries of the lowest priority value: one drawn by weight, or the first when all are 0 */
	struct gw_route_entry *e, *first = NULL, *pick = NULL;
	unsigned total = 0;
	llist_for_each_entry(e, &rt->entries, list) {
		if (!gw_route_entry_matches(e, q))
			continue;
		if (!first || e->priority < first->priority) {
			first = e;
			total = 0;
		}
		if (e->priority == first->priority)
			total += e->weight;
	}
	if (!first)
		return NULL;
	pick = first;
	if (total) {
		uint32_t x = draw(rt, total);
		llist_for_each_entry(e, &rt->entries, list) {
			if (!e->weight || e->priority != first->priority || !gw_route_entry_matches(e, q))
				continue;
			if (x < e->weight) {
				pick = e;
				break;
			}
			x -= e->weight;
		}
	}
	pick->hits++;
	memset(out, 0, sizeof(*out));
	out->dir = pick->dir;
	snprintf(out->entry, sizeof(out->entry), "%s", pick->name);
	snprintf(out->rlist, sizeof(out->rlist), "%s", pick->rlist);
	snprintf(out->numbers, sizeof(out->numbers), "%s", pick->numbers);
	const struct gw_route_list *l = gw_route_list_find(rt, pick->rlist);
	if (!l || !l->n)
		return pick; /* no target: the call gets "no route" */
	unsigned w[GW_RLIST_MAX_MEMBERS], order[GW_RLIST_MAX_MEMBERS];
	for (unsigned i = 0; i < l->n; i++)
		w[i] = l->m[i].weight;
	weighted_order(rt, w, l->n, order);
	snprintf(out->target, sizeof(out->target), "%s", l->m[order[0]].name);
	for (unsigned i = 1; i < l->n; i++)
		snprintf(out->alt[out->n_alt++], sizeof(out->alt[0]), "%s", l->m[order[i]].name);
	memcpy(out->fail_status, l->fail_status, sizeof(out->fail_status));
	out->n_fail_status = l->n_fail_status;
	memcpy(out->fail_cause, l->fail_cause, sizeof(out->fail_cause));
	out->n_fail_cause = l->n_fail_cause;
	return pick;
}

void gw_route_describe(const struct gw_route *r, char *buf, size_t size)
{
	int n;
	if (r->entry[0])
		n = snprintf(buf, size, "route-entry %s, route-list %s:", r->entry, r->rlist);
	else
		n = snprintf(buf, size, "route %s %s:", r->dir == GW_ROUTE_ISUP_TO_SIP ? "isup-to-sip" : "sip-to-isup",
			     r->prefix[0] ? r->prefix : "*");
	for (unsigned i = 0; r->target[0] && i <= r->n_alt && n > 0 && (size_t)n < size; i++)
		n += snprintf(buf + n, size - n, "%s%s", i ? ", " : " ", i ? r->alt[i - 1] : r->target);
	if (!r->target[0] && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - n, " no members");
	if (r->numbers[0] && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - n, "; number-rules %s", r->numbers);
}

const struct gw_route *gw_route_select(struct gw *gw, const struct gw_route_query *q, struct gw_route *buf,
				       struct osmo_fsm_inst *fi)
{
	const struct gw_route *r = NULL;
	if (gw->routing && gw_routing_decide(gw->routing, q, buf))
		r = buf;
	else
		r = gw_route_lookup(gw, q->dir, q->called ? q->called : "");
	if (!r)
		return NULL;
	char line[512];
	gw_route_describe(r, line, sizeof(line));
	if (fi)
		LOGPFSML(fi, LOGL_INFO, "routing %s from %s, calling %s: %s\n", q->called, q->source ? q->source : "-",
			 q->calling && q->calling[0] ? q->calling : "-", line);
	else
		LOGP(DLGLOBAL, LOGL_INFO, "routing %s: %s\n", q->called, line);
	return r;
}

bool gw_route_fails_over(const struct gw_route *r, int status, uint8_t cause)
{
	if (!r->entry[0])
		return status == 408 || status == 503;
	for (unsigned i = 0; status && i < r->n_fail_status; i++)
		if (r->fail_status[i] == status)
			return true;
	for (unsigned i = 0; cause && i < r->n_fail_cause; i++)
		if (r->fail_cause[i] == cause)
			return true;
	return false;
}

bool gw_route_numbers(struct gw *gw, const struct gw_route *r, struct isup_msg *m, struct osmo_fsm_inst *fi)
{
	struct gw_num_table *t = r->numbers[0] ? gw_num_table_find(gw->numbers, r->numbers) : NULL;
	if (!t)
		return false;
	struct isup_number before, after;
	bool had = !isup_msg_get_number(m, ISUP_PAR_CALLED, &before);
	char where[64];
	snprintf(where, sizeof(where), "route-entry %s", r->entry);
	gw_num_table_apply_msg(t, m, where, fi);
	bool has = !isup_msg_get_number(m, ISUP_PAR_CALLED, &after);
	return had != has || (has && strcmp(before.digits, after.digits));
}
