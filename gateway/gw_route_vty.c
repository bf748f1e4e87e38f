/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VTY of the routing policy (gw_route.h): "route-list NAME" and "route-entry NAME DIRECTION" nodes,
 * "show gateway routes" and "test route", which prints the decision a call would get. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "gw_route.h"

static struct gw *g_gw;
static struct cmd_node list_node = { .prompt = "%s(config-route-list)# ", .vtysh = 1 };
static struct cmd_node entry_node = { .prompt = "%s(config-route-entry)# ", .vtysh = 1 };

#define RL_STR	 "A route list: SIP peers or ISUP trunks tried in turn\n"
#define RE_STR	 "A routing policy entry\n"
#define DIR_HELP "Calls from ISUP to SIP peers\nCalls from SIP to ISUP trunks\n"

static enum gw_route_dir dir_of(const char *s)
{
	return s[0] == 'i' ? GW_ROUTE_ISUP_TO_SIP : GW_ROUTE_SIP_TO_ISUP;
}

static const char *dir_name(enum gw_route_dir d)
{
	return d == GW_ROUTE_ISUP_TO_SIP ? "isup-to-sip" : "sip-to-isup";
}

static bool digits_ok(struct vty *vty, const char *s, size_t size)
{
	if (strspn(s, "0123456789") == strlen(s) && strlen(s) < size)
		return true;
	vty_out(vty, "%% '%s': digits, or * for every number%s", s, VTY_NEWLINE);
	return false;
}

/* ---- route-list ---- */

DEFUN(cfg_rlist, cfg_rlist_cmd, "route-list NAME", RL_STR "Its name\n")
{
	if (strlen(argv[0]) >= sizeof(((struct gw_route_list *)0)->name)) {
		vty_out(vty, "%% name too long%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty->index = gw_route_list_get(g_gw->routing, argv[0]);
	vty->node = list_node.node;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_rlist, cfg_no_rlist_cmd, "no route-list NAME", NO_STR RL_STR "Its name\n")
{
	struct gw_route_list *l = gw_route_list_find(g_gw->routing, argv[0]);
	if (l) {
		llist_del(&l->list);
		talloc_free(l);
	}
	return CMD_SUCCESS;
}

/* a member goes at the list's end; a trunk named twice is tried twice (a repeat attempt on another circuit) */
static int member_add(struct vty *vty, const char *name, unsigned weight)
{
	struct gw_route_list *l = vty->index;
	if (l->n == GW_RLIST_MAX_MEMBERS || strlen(name) >= sizeof(l->m[0].name)) {
		vty_out(vty, "%% at most %d members, names below 32 characters%s", GW_RLIST_MAX_MEMBERS, VTY_NEWLINE);
		return CMD_WARNING;
	}
	snprintf(l->m[l->n].name, sizeof(l->m[0].name), "%s", name);
	l->m[l->n++].weight = weight;
	return CMD_SUCCESS;
}

#define MEMBER_HELP                                                                                  \
	"A member: a SIP peer (isup-to-sip) or an ISUP trunk (sip-to-isup), after those before it\n" \
	"The peer's or trunk's name\n"

DEFUN(cfg_rlist_member, cfg_rlist_member_cmd, "member NAME", MEMBER_HELP)
{
	return member_add(vty, argv[0], 0);
}

DEFUN(cfg_rlist_member_w, cfg_rlist_member_w_cmd, "member NAME weight <0-1000>",
      MEMBER_HELP "Load sharing: drawn first with this weight over the weights of the list (0: after those "
		  "drawn, in configured order)\nWeight\n")
{
	return member_add(vty, argv[0], (unsigned)atoi(argv[1]));
}

DEFUN(cfg_rlist_no_member, cfg_rlist_no_member_cmd, "no member NAME", NO_STR MEMBER_HELP)
{
	struct gw_route_list *l = vty->index;
	unsigned k = 0;
	for (unsigned i = 0; i < l->n; i++)
		if (strcmp(l->m[i].name, argv[0]))
			l->m[k++] = l->m[i];
	l->n = k;
	return CMD_SUCCESS;
}

DEFUN(cfg_rlist_failover, cfg_rlist_failover_cmd, "failover (sip|cause) .VALUES",
      "What moves a call to the list's next member (replaces the set)\n"
      "ISUP -> SIP: final SIP statuses before any provisional response (default 408 503)\n"
      "Q.850 causes: a REL before ACM or no circuit (sip-to-isup), a SIP final's Reason (isup-to-sip); "
      "default 34 38 41 42\n"
      "The statuses or causes\n")
{
	struct gw_route_list *l = vty->index;
	bool sip = argv[0][0] == 's';
	if (argc - 1 > GW_RLIST_MAX_FAIL) {
		vty_out(vty, "%% at most %d values%s", GW_RLIST_MAX_FAIL, VTY_NEWLINE);
		return CMD_WARNING;
	}
	for (int i = 1; i < argc; i++) {
		int v = atoi(argv[i]);
		if (strspn(argv[i], "0123456789") != strlen(argv[i]) || (sip ? v < 300 || v > 699 : v < 1 || v > 127)) {
			vty_out(vty, "%% '%s': %s expected%s", argv[i], sip ? "a status 300-699" : "a cause 1-127",
				VTY_NEWLINE);
			return CMD_WARNING;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (sip)
			l->fail_status[i - 1] = atoi(argv[i]);
		else
			l->fail_cause[i - 1] = (uint8_t)atoi(argv[i]);
	}
	if (sip)
		l->n_fail_status = argc - 1;
	else
		l->n_fail_cause = argc - 1;
	return CMD_SUCCESS;
}

DEFUN(cfg_rlist_no_failover, cfg_rlist_no_failover_cmd, "no failover (sip|cause)",
      NO_STR "What moves a call to the next member\nNo SIP status does\nNo cause does\n")
{
	struct gw_route_list *l = vty->index;
	if (argv[0][0] == 's')
		l->n_fail_status = 0;
	else
		l->n_fail_cause = 0;
	return CMD_SUCCESS;
}

/* ---- route-entry ---- */

DEFUN(cfg_rentry, cfg_rentry_cmd, "route-entry NAME (isup-to-sip|sip-to-isup)", RE_STR "Its name\n" DIR_HELP)
{
	if (strlen(argv[0]) >= sizeof(((struct gw_route_entry *)0)->name)) {
		vty_out(vty, "%% name too long%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	struct gw_route_entry *e = gw_route_entry_get(g_gw->routing, argv[0], dir_of(argv[1]));
	if (!e) {
		vty_out(vty, "%% route-entry %s is of the other direction%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty->index = e;
	vty->node = entry_node.node;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_rentry, cfg_no_rentry_cmd, "no route-entry NAME", NO_STR RE_STR "Its name\n")
{
	struct gw_route_entry *e = gw_route_entry_find(g_gw->routing, argv[0]);
	if (e)
		gw_route_entry_free(e);
	return CMD_SUCCESS;
}

DEFUN(cfg_re_prefix, cfg_re_prefix_cmd, "(called-prefix|calling-prefix) (DIGITS|*)",
      "Match the called number's start\nMatch the calling number's start\nDigits\nEvery number (no condition)\n")
{
	struct gw_route_entry *e = vty->index;
	char *dst = argv[0][4] == 'e' ? e->called_prefix : e->calling_prefix; /* call(e)d, call(i)ng */
	const char *pf = strcmp(argv[1], "*") ? argv[1] : "";
	if (!digits_ok(vty, pf, sizeof(e->called_prefix)))
		return CMD_WARNING;
	snprintf(dst, sizeof(e->called_prefix), "%s", pf);
	return CMD_SUCCESS;
}

DEFUN(cfg_re_regex, cfg_re_regex_cmd, "called-regex REGEX",
      "Match the called number with a POSIX extended regular expression (anchor it with ^ and $)\n"
      "The expression\n")
{
	struct gw_route_entry *e = vty->index;
	char err[128];
	if (strlen(argv[0]) >= sizeof(e->called_regex) || gw_route_entry_set_regex(e, argv[0], err, sizeof(err))) {
		vty_out(vty, "%% '%s': %s%s", argv[0], strlen(argv[0]) >= sizeof(e->called_regex) ? "too long" : err,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_re_no_regex, cfg_re_no_regex_cmd, "no called-regex", NO_STR "No regular expression\n")
{
	gw_route_entry_set_regex(vty->index, "", NULL, 0);
	return CMD_SUCCESS;
}

DEFUN(cfg_re_name, cfg_re_name_cmd, "(source|route-list|number-rules) NAME",
      "Match calls from this ISUP trunk (isup-to-sip) or SIP peer (sip-to-isup)\n"
      "The route list the call goes to\n"
      "A number-rules table applied to the call's numbers once routed\n"
      "The name\n")
{
	struct gw_route_entry *e = vty->index;
	char *dst = argv[0][0] == 's' ? e->source : argv[0][0] == 'r' ? e->rlist : e->numbers;
	if (strlen(argv[1]) >= sizeof(e->source)) {
		vty_out(vty, "%% name too long%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	snprintf(dst, sizeof(e->source), "%s", argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_re_no_name, cfg_re_no_name_cmd, "no (source|route-list|number-rules)",
      NO_STR "Any source\nNo route list (no route)\nNo number rules\n")
{
	struct gw_route_entry *e = vty->index;
	char *dst = argv[0][0] == 's' ? e->source : argv[0][0] == 'r' ? e->rlist : e->numbers;
	dst[0] = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_re_prio, cfg_re_prio_cmd, "(priority|weight) <0-65535>",
      "Of the entries that match, those of the lowest priority value decide\n"
      "Among those, one is drawn with this weight (all 0: the first configured)\n"
      "Value\n")
{
	struct gw_route_entry *e = vty->index;
	*(argv[0][0] == 'p' ? &e->priority : &e->weight) = (unsigned)atoi(argv[1]);
	return CMD_SUCCESS;
}

/* ---- write-back ---- */

static int config_write_lists(struct vty *vty)
{
	const struct gw_route_list *l;
	llist_for_each_entry(l, &g_gw->routing->lists, list) {
		vty_out(vty, "route-list %s%s", l->name, VTY_NEWLINE);
		for (unsigned i = 0; i < l->n; i++) {
			vty_out(vty, " member %s", l->m[i].name);
			if (l->m[i].weight)
				vty_out(vty, " weight %u", l->m[i].weight);
			vty_out(vty, "%s", VTY_NEWLINE);
		}
		if (!l->n_fail_status)
			vty_out(vty, " no failover sip%s", VTY_NEWLINE);
		else {
			vty_out(vty, " failover sip");
			for (unsigned i = 0; i < l->n_fail_status; i++)
				vty_out(vty, " %d", l->fail_status[i]);
			vty_out(vty, "%s", VTY_NEWLINE);
		}
		if (!l->n_fail_cause)
			vty_out(vty, " no failover cause%s", VTY_NEWLINE);
		else {
			vty_out(vty, " failover cause");
			for (unsigned i = 0; i < l->n_fail_cause; i++)
				vty_out(vty, " %u", l->fail_cause[i]);
			vty_out(vty, "%s", VTY_NEWLINE);
		}
	}
	return CMD_SUCCESS;
}

static void write_opt(struct vty *vty, const char *what, const char *value)
{
	if (value[0])
		vty_out(vty, " %s %s%s", what, value, VTY_NEWLINE);
}

static int config_write_entries(struct vty *vty)
{
	const struct gw_route_entry *e;
	llist_for_each_entry(e, &g_gw->routing->entries, list) {
		vty_out(vty, "route-entry %s %s%s", e->name, dir_name(e->dir), VTY_NEWLINE);
		write_opt(vty, "called-prefix", e->called_prefix);
		write_opt(vty, "called-regex", e->called_regex);
		write_opt(vty, "calling-prefix", e->calling_prefix);
		write_opt(vty, "source", e->source);
		vty_out(vty, " priority %u%s", e->priority, VTY_NEWLINE);
		vty_out(vty, " weight %u%s", e->weight, VTY_NEWLINE);
		write_opt(vty, "route-list", e->rlist);
		write_opt(vty, "number-rules", e->numbers);
	}
	return CMD_SUCCESS;
}

/* ---- show, test ---- */

char *gw_show_routes(void *ctx, struct gw *gw)
{
	char *s = talloc_strdup(ctx, "prefix routes:\r\n");
	const struct gw_route *r;
	llist_for_each_entry(r, &gw->routes, list) {
		char line[512];
		gw_route_describe(r, line, sizeof(line));
		s = talloc_asprintf_append(s, "  %s\r\n", line);
	}
	s = talloc_asprintf_append(s, "route lists:\r\n");
	const struct gw_route_list *l;
	llist_for_each_entry(l, &gw->routing->lists, list) {
		s = talloc_asprintf_append(s, "  %s:", l->name);
		for (unsigned i = 0; i < l->n; i++)
			s = talloc_asprintf_append(s, " %s(%u)", l->m[i].name, l->m[i].weight);
		s = talloc_asprintf_append(s, "; failover sip");
		for (unsigned i = 0; i < l->n_fail_status; i++)
			s = talloc_asprintf_append(s, " %d", l->fail_status[i]);
		s = talloc_asprintf_append(s, ", cause");
		for (unsigned i = 0; i < l->n_fail_cause; i++)
			s = talloc_asprintf_append(s, " %u", l->fail_cause[i]);
		s = talloc_asprintf_append(s, "\r\n");
	}
	s = talloc_asprintf_append(s, "%-16s %-11s %-14s %-20s %-14s %-12s %5s %5s %-12s %8s\r\n", "route-entry",
				   "direction", "called-prefix", "called-regex", "calling-prefix", "source", "prio",
				   "wght", "route-list", "hits");
	const struct gw_route_entry *e;
	llist_for_each_entry(e, &gw->routing->entries, list)
		s = talloc_asprintf_append(
			s, "%-16s %-11s %-14s %-20s %-14s %-12s %5u %5u %-12s %8lu\r\n", e->name, dir_name(e->dir),
			e->called_prefix[0] ? e->called_prefix : "*", e->called_regex[0] ? e->called_regex : "-",
			e->calling_prefix[0] ? e->calling_prefix : "*", e->source[0] ? e->source : "*", e->priority,
			e->weight, e->rlist[0] ? e->rlist : "-", e->hits);
	return s;
}

DEFUN(show_routes, show_routes_cmd, "show gateway routes",
      SHOW_STR "Interworking\nRoutes: prefix routes, route lists, the routing policy's entries\n")
{
	char *s = gw_show_routes(NULL, g_gw);
	vty_out(vty, "%s", s);
	talloc_free(s);
	return CMD_SUCCESS;
}

static int test_route(struct vty *vty, const char *dir, const char *called, const char *calling, const char *source)
{
	struct gw_route_query q = { .dir = dir_of(dir), .called = called, .calling = calling, .source = source };
	struct gw_route buf;
	const struct gw_route *r = gw_route_select(g_gw, &q, &buf, NULL);
	char line[512] = "no route";
	if (r)
		gw_route_describe(r, line, sizeof(line));
	vty_out(vty, "%s %s calling %s from %s: %s%s", dir, called, calling && calling[0] ? calling : "-",
		source ? source : "-", line, VTY_NEWLINE);
	return CMD_SUCCESS;
}

#define TEST_HELP                                      \
	"Show what a call would get, without a call\n" \
	"The route (draws by weight advance as for a call)\n" DIR_HELP "Called number (digits)\n"
#define FROM_HELP "Coming from\nThe ISUP trunk (isup-to-sip) or SIP peer (sip-to-isup)\n"

DEFUN(test_rt, test_rt_cmd, "test route (isup-to-sip|sip-to-isup) CALLED", TEST_HELP)
{
	return test_route(vty, argv[0], argv[1], NULL, NULL);
}

DEFUN(test_rt_cg, test_rt_cg_cmd, "test route (isup-to-sip|sip-to-isup) CALLED CALLING",
      TEST_HELP "Calling number (digits)\n")
{
	return test_route(vty, argv[0], argv[1], argv[2], NULL);
}

DEFUN(test_rt_from, test_rt_from_cmd, "test route (isup-to-sip|sip-to-isup) CALLED from SOURCE", TEST_HELP FROM_HELP)
{
	return test_route(vty, argv[0], argv[1], NULL, argv[2]);
}

DEFUN(test_rt_cg_from, test_rt_cg_from_cmd, "test route (isup-to-sip|sip-to-isup) CALLED CALLING from SOURCE",
      TEST_HELP "Calling number (digits)\n" FROM_HELP)
{
	return test_route(vty, argv[0], argv[1], argv[2], argv[3]);
}

void gw_route_vty_init(struct gw *gw, int lnode, int enode)
{
	g_gw = gw;
	list_node.node = lnode;
	entry_node.node = enode;
	install_element(CONFIG_NODE, &cfg_rlist_cmd);
	install_element(CONFIG_NODE, &cfg_no_rlist_cmd);
	install_node(&list_node, config_write_lists);
	install_element(lnode, &cfg_rlist_member_cmd);
	install_element(lnode, &cfg_rlist_member_w_cmd);
	install_element(lnode, &cfg_rlist_no_member_cmd);
	install_element(lnode, &cfg_rlist_failover_cmd);
	install_element(lnode, &cfg_rlist_no_failover_cmd);
	install_element(CONFIG_NODE, &cfg_rentry_cmd);
	install_element(CONFIG_NODE, &cfg_no_rentry_cmd);
	install_node(&entry_node, config_write_entries);
	install_element(enode, &cfg_re_prefix_cmd);
	install_element(enode, &cfg_re_regex_cmd);
	install_element(enode, &cfg_re_no_regex_cmd);
	install_element(enode, &cfg_re_name_cmd);
	install_element(enode, &cfg_re_no_name_cmd);
	install_element(enode, &cfg_re_prio_cmd);
	install_element_ve(&show_routes_cmd);
	install_element_ve(&test_rt_cmd);
	install_element_ve(&test_rt_cg_cmd);
	install_element_ve(&test_rt_from_cmd);
	install_element_ve(&test_rt_cg_from_cmd);
}
