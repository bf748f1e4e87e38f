/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Routing policy: route entries that match a call (called number by prefix or POSIX regex, calling number
 * prefix, the trunk or SIP peer it came from) with a priority and a weight, each naming a route list: SIP
 * peers (ISUP -> SIP) or ISUP trunks (SIP -> ISUP, circuit hunting) tried in turn, drawn by weight, with
 * the SIP statuses and Q.850 causes that move a call to the list's next member, and an optional number
 * rules table (gw_number.h) the route applies to the call's numbers.
 * Decision: of the entries of the call's direction that match, those of the lowest priority value; among
 * them one drawn by weight (all weight 0: the first configured). Its list's members: those of weight > 0
 * in an order drawn by weight (RFC 2782 style), then those of weight 0 in configured order. No entry
 * matches: the prefix routes of the gateway node ("route ...", gw.h), as before. */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/linuxlist.h>

#include "gw.h"

#define GW_RLIST_MAX_MEMBERS GW_ROUTE_MAX_TARGETS
#define GW_RLIST_MAX_FAIL    8

struct gw_rlist_member {
	char name[32]; /* a SIP peer or an ISUP trunk */
	unsigned weight;
};

struct gw_route_list {
	struct llist_head list;
	char name[32];
	struct gw_rlist_member m[GW_RLIST_MAX_MEMBERS];
	unsigned n;
	int fail_status[GW_RLIST_MAX_FAIL]; /* ISUP -> SIP: a final response with one of these, before any 1xx */
	unsigned n_fail_status;
	uint8_t fail_cause[GW_RLIST_MAX_FAIL]; /* the Q.850 cause of a REL before ACM, a failed seizure, or a
						* SIP final's Reason header */
	unsigned n_fail_cause;
};

struct gw_route_entry {
	struct llist_head list;
	char name[32];
	enum gw_route_dir dir;
	char called_prefix[32];
	char called_regex[128]; /* "" or a POSIX extended regex the whole called number is searched with */
	regex_t re;
	char calling_prefix[32];
	char source[32]; /* "" or the trunk (isup-to-sip) or SIP peer (sip-to-isup) the call came from */
	unsigned priority, weight;
	char rlist[32];	  /* the route list */
	char numbers[32]; /* "" or a number-rules table */
	unsigned long hits;
};

struct gw_routing {
	struct llist_head entries, lists;
	uint32_t rng; /* xorshift32 state of the weight draws (never 0) */
};

/* What a call offers the matcher */
struct gw_route_query {
	enum gw_route_dir dir;
	const char *called;  /* digits */
	const char *calling; /* digits, or NULL / "" */
	const char *source;  /* the trunk or peer the call came from, or NULL */
};

struct gw_routing *gw_routing_alloc(void *ctx, uint32_t seed);
void gw_routing_seed(struct gw_routing *rt, uint32_t seed);
struct gw_route_list *gw_route_list_find(struct gw_routing *rt, const char *name);
struct gw_route_list *gw_route_list_get(struct gw_routing *rt, const char *name);
struct gw_route_entry *gw_route_entry_find(struct gw_routing *rt, const char *name);
struct gw_route_entry *gw_route_entry_get(struct gw_routing *rt, const char *name, enum gw_route_dir dir);
void gw_route_entry_free(struct gw_route_entry *e);
/* Set the called regex ("" clears it); -EINVAL with regcomp's message in err when it does not compile. */
int gw_route_entry_set_regex(struct gw_route_entry *e, const char *re, char *err, size_t err_size);
bool gw_route_entry_matches(const struct gw_route_entry *e, const struct gw_route_query *q);
/* The policy's decision for q: the entry drawn (NULL: none matches) and, in *out, a route whose target and
 * alternatives are its list's members in the order drawn, with the list's failover sets. */
const struct gw_route_entry *gw_routing_decide(struct gw_routing *rt, const struct gw_route_query *q,
					       struct gw_route *out);

/* The route for a call: the policy's, written into *buf, or else the longest prefix route; NULL when there
 * is none. The decision is logged at INFO on fi (or the global category) with the entry that matched. */
const struct gw_route *gw_route_select(struct gw *gw, const struct gw_route_query *q, struct gw_route *buf,
				       struct osmo_fsm_inst *fi);
/* The decision as one line of text (the log and "test route") */
void gw_route_describe(const struct gw_route *r, char *buf, size_t size);
/* Whether a failed attempt of route r moves on to its next member: a SIP status (0: none) or a Q.850 cause
 * (0: none). A prefix route fails over on 408 and 503 only. */
bool gw_route_fails_over(const struct gw_route *r, int status, uint8_t cause);
/* A route's number-rules table on every number of m; true when the called number changed */
bool gw_route_numbers(struct gw *gw, const struct gw_route *r, struct isup_msg *m, struct osmo_fsm_inst *fi);

char *gw_show_routes(void *ctx, struct gw *gw);
void gw_route_vty_init(struct gw *gw, int list_node, int entry_node);
