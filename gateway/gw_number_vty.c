/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VTY of the number rule tables (gw_number.h): "number-rules NAME" nodes, "show number-rules" and
 * "test number", which shows what a table does to a number without a call. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "gw_number.h"

static struct gw_numbers *g_nums;
static struct cmd_node rules_node = { .prompt = "%s(config-number-rules)# ", .vtysh = 1 };

#define NR_STR	  "Number normalisation rules\n"
#define NAI_WORDS "unknown|subscriber|national|international"
#define NAI_ARGS  "(" NAI_WORDS ")"
#define NAI_HELP                          \
	"Unknown nature of address\n"     \
	"Subscriber number\n"             \
	"National (significant) number\n" \
	"International number\n"
#define KIND_WORDS "called|calling|redirecting|original-called|generic|connected"
#define KIND_HELP                                    \
	"Called party number\n"                      \
	"Calling party number (screening applies)\n" \
	"Redirecting number\n"                       \
	"Original called number\n"                   \
	"Generic number\n"                           \
	"Connected number\n"

static bool all_digits(const char *s, const char *extra)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(*s >= '0' && *s <= '9') && !strchr(extra, *s))
			return false;
	return true;
}

#define CHECK_DIGITS(s, extra)                                                                   \
	do {                                                                                     \
		if (!all_digits(s, extra) || strlen(s) > 15) {                                   \
			vty_out(vty, "%% '%s': digits expected (at most 15)%s", s, VTY_NEWLINE); \
			return CMD_WARNING;                                                      \
		}                                                                                \
	} while (0)

static int kind_value(const char *s)
{
	for (int k = 0; k < GW_NUM_KIND_N; k++)
		if (!strcmp(s, gw_num_kind_names[k]))
			return k;
	return -1; /* all */
}

DEFUN(cfg_rules, cfg_rules_cmd, "number-rules NAME", NR_STR "The table's name\n")
{
	struct gw_num_table *t = gw_num_table_get(g_nums, argv[0]);
	if (!t)
		return CMD_WARNING;
	vty->index = t;
	vty->node = rules_node.node;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_rules, cfg_no_rules_cmd, "no number-rules NAME", NO_STR NR_STR "The table's name\n")
{
	struct gw_num_table *t = gw_num_table_find(g_nums, argv[0]);
	if (!t) {
		vty_out(vty, "%% no number-rules %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	gw_num_table_free(t);
	return CMD_SUCCESS;
}

static void set_field(char *f, size_t size, const char *v)
{
	snprintf(f, size, "%s", v);
}
#define TABLE struct gw_num_table *t = vty->index

DEFUN(cfg_cc, cfg_cc_cmd, "country-code DIGITS",
      "Country code of the numbers (E.164 <-> national)\n"
      "Digits, e.g. 49\n")
{
	TABLE;
	CHECK_DIGITS(argv[0], "");
	set_field(t->country_code, sizeof(t->country_code), argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_ac, cfg_ac_cmd, "area-code DIGITS",
      "Area code (national <-> subscriber), without the national prefix\n"
      "Digits, e.g. 30\n")
{
	TABLE;
	CHECK_DIGITS(argv[0], "");
	set_field(t->area_code, sizeof(t->area_code), argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_prefix, cfg_prefix_cmd, "(national-prefix|international-prefix) DIGITS",
      "The trunk prefix dialled before a national number (default 0)\n"
      "The prefix dialled before an international number (default 00)\n"
      "Digits\n")
{
	TABLE;
	CHECK_DIGITS(argv[1], "");
	if (argv[0][0] == 'n')
		set_field(t->national_prefix, sizeof(t->national_prefix), argv[1]);
	else
		set_field(t->international_prefix, sizeof(t->international_prefix), argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_p2n, cfg_p2n_cmd, "prefix-to-nai",
      "Numbers of unknown nature with the international or national prefix become international or national\n")
{
	TABLE;
	t->prefix_to_nai = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_p2n, cfg_no_p2n_cmd, "no prefix-to-nai", NO_STR "Prefixes to nature of address\n")
{
	TABLE;
	t->prefix_to_nai = false;
	return CMD_SUCCESS;
}

DEFUN(cfg_rewrite, cfg_rewrite_cmd, "rewrite <1-999> (any|" NAI_WORDS ") REGEX REPLACEMENT (keep|" NAI_WORDS ")",
      "A regular expression rewrite; the lowest id that matches is the one applied\n"
      "Its id (the order)\n"
      "Numbers of any nature of address\n" NAI_HELP "POSIX extended regular expression on the digits\n"
      "The new digits: digits, \\0 (the match) and \\1 to \\9 (its groups)\n"
      "The nature of address stays\n" NAI_HELP)
{
	TABLE;
	if (!all_digits(argv[3], "\\*#")) {
		vty_out(vty, "%% replacement '%s' is not digits and \\N%s", argv[3], VTY_NEWLINE);
		return CMD_WARNING;
	}
	char err[128];
	int if_nai = argv[1][0] == 'a' ? GW_NUM_NAI_ANY : gw_num_nai_value(argv[1]);
	int set_nai = argv[4][0] == 'k' ? GW_NUM_NAI_KEEP : gw_num_nai_value(argv[4]);
	if (gw_num_rewrite_set(t, atoi(argv[0]), if_nai, argv[2], argv[3], set_nai, err, sizeof(err))) {
		vty_out(vty, "%% regex '%s': %s%s", argv[2], err, VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_no_rewrite, cfg_no_rewrite_cmd, "no rewrite <1-999>",
      NO_STR "A regular expression rewrite\n"
	     "Its id\n")
{
	TABLE;
	gw_num_rewrite_del(t, atoi(argv[0]));
	return CMD_SUCCESS;
}

DEFUN(cfg_strip_add, cfg_strip_add_cmd, "(strip-prefix|add-prefix) DIGITS",
      "Remove these digits from the front of a number that starts with them (after the rewrites)\n"
      "Put these digits in front of every number (after strip-prefix)\n"
      "Digits\n")
{
	TABLE;
	CHECK_DIGITS(argv[1], "");
	if (argv[0][0] == 's')
		set_field(t->strip, sizeof(t->strip), argv[1]);
	else
		set_field(t->add, sizeof(t->add), argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_no_strip_add, cfg_no_strip_add_cmd, "no (strip-prefix|add-prefix)",
      NO_STR "Prefix removal\n"
	     "Prefix addition\n")
{
	TABLE;
	if (argv[0][0] == 's')
		t->strip[0] = 0;
	else
		t->add[0] = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_form, cfg_form_cmd, "form (keep|e164|national|subscriber|prefixed)",
      "The form numbers leave the table in (last step before screening)\n"
      "As they are\n"
      "International, with the country code\n"
      "National significant, without the country code\n"
      "Subscriber, without the area code\n"
      "Unknown nature, the national or international prefix in the digits\n")
{
	TABLE;
	for (unsigned f = 0; f <= GW_NUM_FORM_PREFIXED; f++)
		if (!strcmp(argv[0], gw_num_form_names[f]))
			t->form = f;
	return CMD_SUCCESS;
}

#define SCREEN_STR "Calling number screening\n"

DEFUN(cfg_screen_allow, cfg_screen_allow_cmd, "screen allow PREFIX",
      SCREEN_STR "An allowed range\n"
		 "Its E.164 prefix, without '+' (e.g. 4930123)\n")
{
	TABLE;
	CHECK_DIGITS(argv[0], "");
	for (unsigned i = 0; i < t->n_allow; i++)
		if (!strcmp(t->allow[i], argv[0]))
			return CMD_SUCCESS;
	if (t->n_allow >= GW_NUM_MAX_ALLOW) {
		vty_out(vty, "%% at most %d ranges%s", GW_NUM_MAX_ALLOW, VTY_NEWLINE);
		return CMD_WARNING;
	}
	set_field(t->allow[t->n_allow++], sizeof(t->allow[0]), argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_no_screen_allow, cfg_no_screen_allow_cmd, "no screen allow PREFIX",
      NO_STR SCREEN_STR "An allowed range\n"
			"Its E.164 prefix\n")
{
	TABLE;
	for (unsigned i = 0; i < t->n_allow; i++) {
		if (!strcmp(t->allow[i], argv[0])) {
			memmove(t->allow[i], t->allow[i + 1], (t->n_allow - i - 1) * sizeof(t->allow[0]));
			t->n_allow--;
			break;
		}
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_screen_default, cfg_screen_default_cmd, "screen default DIGITS " NAI_ARGS,
      SCREEN_STR "The number that replaces a missing calling number or one that fails screening\n"
		 "Its digits\n" NAI_HELP)
{
	TABLE;
	CHECK_DIGITS(argv[0], "");
	set_field(t->default_digits, sizeof(t->default_digits), argv[0]);
	t->default_nai = (uint8_t)gw_num_nai_value(argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_no_screen_default, cfg_no_screen_default_cmd, "no screen default",
      NO_STR SCREEN_STR "The default number (a failed number is removed)\n")
{
	TABLE;
	t->default_digits[0] = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_screen_verified, cfg_screen_verified_cmd, "screen verified (user|network)",
      SCREEN_STR "The screening indicator of a number that passes\n"
		 "User provided, verified and passed (default)\n"
		 "Network provided\n")
{
	TABLE;
	t->verified_network = argv[0][0] == 'n';
	return CMD_SUCCESS;
}

#define ATTACH_ARGS "(trunk|sip-peer) NAME (in|out) (" KIND_WORDS "|all)"
#define ATTACH_HELP                   \
	"An ISUP trunk\n"             \
	"A SIP peer\n"                \
	"Its name\n"                  \
	"Numbers that come from it\n" \
	"Numbers that go to it\n" KIND_HELP "Every kind\n"

static struct gw_num_attach *attach_find(struct gw_num_table *t, const char **argv)
{
	struct gw_num_attach *a;
	llist_for_each_entry(a, &t->attach, list)
		if (a->trunk == (argv[0][0] == 't') && !strcmp(a->name, argv[1]) && a->out == (argv[2][0] == 'o') &&
		    a->kind == kind_value(argv[3]))
			return a;
	return NULL;
}

DEFUN(cfg_attach, cfg_attach_cmd, "attach " ATTACH_ARGS,
      "Apply the table to the numbers of a trunk or peer\n" ATTACH_HELP)
{
	TABLE;
	if (attach_find(t, argv))
		return CMD_SUCCESS;
	struct gw_num_attach *a = talloc_zero(t, struct gw_num_attach);
	a->trunk = argv[0][0] == 't';
	set_field(a->name, sizeof(a->name), argv[1]);
	a->out = argv[2][0] == 'o';
	a->kind = kind_value(argv[3]);
	llist_add_tail(&a->list, &t->attach);
	return CMD_SUCCESS;
}

DEFUN(cfg_no_attach, cfg_no_attach_cmd, "no attach " ATTACH_ARGS, NO_STR "Apply the table\n" ATTACH_HELP)
{
	TABLE;
	struct gw_num_attach *a = attach_find(t, argv);
	if (a) {
		llist_del(&a->list);
		talloc_free(a);
	}
	return CMD_SUCCESS;
}

static void write_table(struct vty *vty, const struct gw_num_table *t, const char *ind)
{
	if (t->country_code[0])
		vty_out(vty, "%scountry-code %s%s", ind, t->country_code, VTY_NEWLINE);
	if (t->area_code[0])
		vty_out(vty, "%sarea-code %s%s", ind, t->area_code, VTY_NEWLINE);
	vty_out(vty, "%snational-prefix %s%s", ind, t->national_prefix, VTY_NEWLINE);
	vty_out(vty, "%sinternational-prefix %s%s", ind, t->international_prefix, VTY_NEWLINE);
	if (t->prefix_to_nai)
		vty_out(vty, "%sprefix-to-nai%s", ind, VTY_NEWLINE);
	const struct gw_num_rewrite *r;
	llist_for_each_entry(r, &t->rewrites, list)
		vty_out(vty, "%srewrite %u %s %s %s %s%s", ind, r->id,
			r->if_nai == GW_NUM_NAI_ANY ? "any" : gw_num_nai_name(r->if_nai), r->match, r->replace,
			r->set_nai == GW_NUM_NAI_KEEP ? "keep" : gw_num_nai_name(r->set_nai), VTY_NEWLINE);
	if (t->strip[0])
		vty_out(vty, "%sstrip-prefix %s%s", ind, t->strip, VTY_NEWLINE);
	if (t->add[0])
		vty_out(vty, "%sadd-prefix %s%s", ind, t->add, VTY_NEWLINE);
	vty_out(vty, "%sform %s%s", ind, gw_num_form_names[t->form], VTY_NEWLINE);
	for (unsigned i = 0; i < t->n_allow; i++)
		vty_out(vty, "%sscreen allow %s%s", ind, t->allow[i], VTY_NEWLINE);
	if (t->default_digits[0])
		vty_out(vty, "%sscreen default %s %s%s", ind, t->default_digits, gw_num_nai_name(t->default_nai),
			VTY_NEWLINE);
	vty_out(vty, "%sscreen verified %s%s", ind, t->verified_network ? "network" : "user", VTY_NEWLINE);
	const struct gw_num_attach *a;
	llist_for_each_entry(a, &t->attach, list)
		vty_out(vty, "%sattach %s %s %s %s%s", ind, a->trunk ? "trunk" : "sip-peer", a->name,
			a->out ? "out" : "in", a->kind < 0 ? "all" : gw_num_kind_names[a->kind], VTY_NEWLINE);
}

static int config_write_rules(struct vty *vty)
{
	const struct gw_num_table *t;
	llist_for_each_entry(t, &g_nums->tables, list) {
		vty_out(vty, "number-rules %s%s", t->name, VTY_NEWLINE);
		write_table(vty, t, " ");
	}
	return CMD_SUCCESS;
}

static void show_table(struct vty *vty, const struct gw_num_table *t)
{
	vty_out(vty, "number-rules %s: screening %lu passed, %lu failed, %lu default numbers given%s", t->name,
		t->screen_pass, t->screen_fail, t->screen_default, VTY_NEWLINE);
	write_table(vty, t, "  ");
	const struct gw_num_rewrite *r;
	llist_for_each_entry(r, &t->rewrites, list)
		vty_out(vty, "  (rewrite %u matched %lu times)%s", r->id, r->hits, VTY_NEWLINE);
}

DEFUN(show_rules, show_rules_cmd, "show number-rules [NAME]", SHOW_STR NR_STR "One table\n")
{
	const struct gw_num_table *t;
	llist_for_each_entry(t, &g_nums->tables, list)
		if (argc == 0 || !strcmp(argv[0], t->name))
			show_table(vty, t);
	return CMD_SUCCESS;
}

static int test_number(struct vty *vty, const char *table, const char *kind, const char *nai, const char *digits)
{
	struct gw_num_table *t = gw_num_table_find(g_nums, table);
	if (!t) {
		vty_out(vty, "%% no number-rules %s%s", table, VTY_NEWLINE);
		return CMD_WARNING;
	}
	struct isup_number n = { .npi = 1 };
	bool present = nai != NULL;
	if (present) {
		n.nai = (uint8_t)gw_num_nai_value(nai);
		snprintf(n.digits, sizeof(n.digits), "%s", digits);
		n.n_digits = (uint8_t)strlen(n.digits);
	}
	/* what the counters say stays what calls did: the test's hits are taken back */
	unsigned long c[3] = { t->screen_pass, t->screen_fail, t->screen_default };
	struct gw_num_rewrite *r;
	unsigned long hits[64];
	unsigned i = 0;
	llist_for_each_entry(r, &t->rewrites, list)
		if (i < 64)
			hits[i++] = r->hits;
	char why[512];
	gw_num_apply(t, kind_value(kind), &n, &present, why, sizeof(why));
	i = 0;
	llist_for_each_entry(r, &t->rewrites, list)
		if (i < 64)
			r->hits = hits[i++];
	t->screen_pass = c[0];
	t->screen_fail = c[1];
	t->screen_default = c[2];
	vty_out(vty, "%s %s %s -> ", kind, nai ? nai : "none", nai ? digits : "-");
	if (present)
		vty_out(vty, "%s %s", gw_num_nai_name(n.nai), n.digits);
	else
		vty_out(vty, "none");
	if (present && kind_value(kind) == GW_NUM_CALLING)
		vty_out(vty, " (screening indicator %u)", n.si);
	vty_out(vty, "%s  %s%s", VTY_NEWLINE, why[0] ? why : "no rule applies", VTY_NEWLINE);
	return CMD_SUCCESS;
}

#define TEST_STR                                      \
	"Try something without a call\n"              \
	"What a number rule table does to a number\n" \
	"The table\n"

DEFUN(test_num, test_num_cmd, "test number NAME (" KIND_WORDS ") " NAI_ARGS " DIGITS",
      TEST_STR KIND_HELP NAI_HELP "The digits\n")
{
	return test_number(vty, argv[0], argv[1], argv[2], argv[3]);
}

DEFUN(test_num_none, test_num_none_cmd, "test number NAME calling none",
      TEST_STR "Calling party number\n"
	       "No calling number (the default number applies)\n")
{
	return test_number(vty, argv[0], "calling", NULL, NULL);
}

void gw_number_vty_init(struct gw_numbers *nums, int node)
{
	g_nums = nums;
	rules_node.node = node;
	install_element(CONFIG_NODE, &cfg_rules_cmd);
	install_element(CONFIG_NODE, &cfg_no_rules_cmd);
	install_node(&rules_node, config_write_rules);
	install_element(node, &cfg_cc_cmd);
	install_element(node, &cfg_ac_cmd);
	install_element(node, &cfg_prefix_cmd);
	install_element(node, &cfg_p2n_cmd);
	install_element(node, &cfg_no_p2n_cmd);
	install_element(node, &cfg_rewrite_cmd);
	install_element(node, &cfg_no_rewrite_cmd);
	install_element(node, &cfg_strip_add_cmd);
	install_element(node, &cfg_no_strip_add_cmd);
	install_element(node, &cfg_form_cmd);
	install_element(node, &cfg_screen_allow_cmd);
	install_element(node, &cfg_no_screen_allow_cmd);
	install_element(node, &cfg_screen_default_cmd);
	install_element(node, &cfg_no_screen_default_cmd);
	install_element(node, &cfg_screen_verified_cmd);
	install_element(node, &cfg_attach_cmd);
	install_element(node, &cfg_no_attach_cmd);
	install_element_ve(&show_rules_cmd);
	install_element_ve(&test_num_cmd);
	install_element_ve(&test_num_none_cmd);
}
