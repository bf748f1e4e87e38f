/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VTY for ISUP: trunk group configuration, show commands, circuit maintenance. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/tdef_vty.h>
#include <osmocom/vty/vty.h>

#include "isup_cc_int.h"
#include "isup_net.h"

static struct isup_net *g_net; /* the application's ISUP context, for the VTY callbacks */
static struct cmd_node isup_node = { .prompt = "%s(config-isup)# ", .vtysh = 1 };
static struct cmd_node trunk_node = { .prompt = "%s(config-isup-trunk)# ", .vtysh = 1 };

/* clang-format off */
static const struct value_string sel_names[] = {
	{ ISUP_SEL_SEQUENTIAL, "sequential" },
	{ ISUP_SEL_CONTROLLED, "controlled" },
	{ ISUP_SEL_LRU, "lru" },
	{}
};
/* clang-format on */

static const char *const ni_names[] = { "international", "spare", "national", "reserved" };

#define ISUP_STR  "ISDN user part\n"
#define TRUNK_STR "ISUP trunk group\nName of the trunk group\n"
#define CIC_STR	  "Circuit identification code\n"

static void out_text(struct vty *vty, char *s)
{
	/* VTY lines end in VTY_NEWLINE: print line by line */
	for (char *save = NULL, *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		vty_out(vty, "%s%s", l, VTY_NEWLINE);
	talloc_free(s);
}

static struct isup_trunk *trunk_or_err(struct vty *vty, const char *name)
{
	struct isup_trunk *tg = isup_net_trunk_find(g_net, name);
	if (!tg)
		vty_out(vty, "%% No ISUP trunk '%s'%s", name, VTY_NEWLINE);
	return tg;
}

/* ---- config ---- */

DEFUN(cfg_isup, cfg_isup_cmd, "isup", ISUP_STR)
{
	vty->node = isup_node.node;
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_reset_on_start, cfg_isup_reset_on_start_cmd, "reset-on-start",
      "Reset every circuit with GRS when the gateway starts\n")
{
	struct isup_trunk *tg;
	g_net->reset_on_start = true;
	llist_for_each_entry(tg, &g_net->trunks, list)
		tg->reset_on_start = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_no_reset_on_start, cfg_isup_no_reset_on_start_cmd, "no reset-on-start",
      NO_STR "Reset every circuit with GRS when the gateway starts\n")
{
	struct isup_trunk *tg;
	g_net->reset_on_start = false;
	llist_for_each_entry(tg, &g_net->trunks, list)
		tg->reset_on_start = false;
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk, cfg_trunk_cmd, "trunk NAME", TRUNK_STR)
{
	if (strlen(argv[0]) >= sizeof(((struct isup_trunk *)0)->name)) {
		vty_out(vty, "%% Trunk name too long%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	struct isup_trunk *tg = isup_net_trunk_get(g_net, argv[0]);
	if (!tg)
		return CMD_WARNING;
	vty->index = tg;
	vty->node = trunk_node.node;
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_variant, cfg_trunk_variant_cmd, "variant (itu|ansi)",
      "Protocol variant of the trunk\nITU-T Q.763/Q.764\nANSI T1.113\n")
{
	struct isup_trunk *tg = vty->index;
	enum isup_variant v = argv[0][0] == 'a' ? ISUP_VAR_ANSI : ISUP_VAR_ITU;
	if (!llist_empty(&tg->calls)) {
		vty_out(vty, "%% Trunk has calls: cannot change the variant%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	for (unsigned i = 0; i < tg->n_ranges; i++)
		if (tg->ranges[i].last > isup_cic_max(v)) {
			vty_out(vty, "%% CIC %u does not fit the variant%s", tg->ranges[i].last, VTY_NEWLINE);
			return CMD_WARNING;
		}
	if (tg->opc > ss7_pc_max(v == ISUP_VAR_ANSI) || tg->dpc > ss7_pc_max(v == ISUP_VAR_ANSI)) {
		vty_out(vty, "%% Point codes do not fit the variant%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (tg->variant != v) {
		/* the timer table follows the variant's defaults: configure timers after the variant */
		struct osmo_tdef *t = isup_tdefs_alloc(tg, v == ISUP_VAR_ANSI);
		if (!t)
			return CMD_WARNING;
		talloc_free(tg->tdefs);
		tg->tdefs = t;
		tg->variant = v;
	}
	return CMD_SUCCESS;
}

static int set_pc(struct vty *vty, uint32_t *pc, const char *arg)
{
	struct isup_trunk *tg = vty->index;
	if (ss7_pc_parse(arg, tg->variant == ISUP_VAR_ANSI, pc)) {
		vty_out(vty, "%% Bad %s point code '%s'%s", tg->variant == ISUP_VAR_ANSI ? "ANSI" : "ITU", arg,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_opc, cfg_trunk_opc_cmd, "local-point-code PC",
      "Our signalling point code on this trunk\nITU 3-8-3 (1-23-4) or ANSI (1.2.3) or decimal\n")
{
	return set_pc(vty, &((struct isup_trunk *)vty->index)->opc, argv[0]);
}

DEFUN(cfg_trunk_dpc, cfg_trunk_dpc_cmd, "remote-point-code PC",
      "The adjacent exchange's point code\nITU 3-8-3 (1-23-4) or ANSI (1.2.3) or decimal\n")
{
	return set_pc(vty, &((struct isup_trunk *)vty->index)->dpc, argv[0]);
}

DEFUN(cfg_trunk_ni, cfg_trunk_ni_cmd, "network-indicator (international|spare|national|reserved)",
      "MTP3 network indicator\nInternational network\nSpare\nNational network\nReserved for national use\n")
{
	struct isup_trunk *tg = vty->index;
	for (unsigned i = 0; i < 4; i++)
		if (!strcmp(argv[0], ni_names[i]))
			tg->ni = (uint8_t)i;
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_range, cfg_trunk_range_cmd, "cic-range <0-16383> <0-16383>",
      "Circuits of the trunk group\nFirst CIC\nLast CIC\n")
{
	struct isup_trunk *tg = vty->index;
	int rc = isup_trunk_add_range(tg, (uint16_t)atoi(argv[0]), (uint16_t)atoi(argv[1]));
	if (rc) {
		vty_out(vty, "%% Cannot add CICs %s-%s: %s%s", argv[0], argv[1],
			rc == -EEXIST ? "overlaps a range" : "out of range for the variant or too many ranges",
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_sel, cfg_trunk_sel_cmd, "circuit-selection (sequential|controlled|lru)",
      "How outgoing calls pick a circuit\nLowest idle CIC\n"
      "CICs we control for dual seizure first (Q.764 2.9.1.3)\nLeast recently used\n")
{
	struct isup_trunk *tg = vty->index;
	tg->sel = (enum isup_sel_policy)get_string_value(sel_names, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_unknown_cic, cfg_trunk_unknown_cic_cmd, "unknown-cic (ucic|discard)",
      "Messages for CICs not in the trunk\nAnswer with UCIC (ITU)\nDiscard them (counted)\n")
{
	((struct isup_trunk *)vty->index)->send_ucic = argv[0][0] == 'u';
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_reset_on_resume, cfg_trunk_reset_on_resume_cmd, "reset-on-resume",
      "Reset every circuit when the signalling relation comes back (MTP-RESUME)\n")
{
	((struct isup_trunk *)vty->index)->reset_on_resume = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_acc, cfg_trunk_acc_cmd, "automatic-congestion-control (enable|disable)",
      "Q.764 2.11.2: an ACL in a received REL sheds new calls toward the far end (one in four at level 1, "
      "one in two at level 2)\n"
      "Act on ACL (default)\n"
      "Ignore ACL\n")
{
	((struct isup_trunk *)vty->index)->acc_disabled = argv[0][0] == 'd';
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_no_reset_on_resume, cfg_trunk_no_reset_on_resume_cmd, "no reset-on-resume",
      NO_STR "Reset every circuit when the signalling relation comes back (MTP-RESUME)\n")
{
	((struct isup_trunk *)vty->index)->reset_on_resume = false;
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_timer, cfg_trunk_timer_cmd, "timer " OSMO_TDEF_VTY_ARG_SET, "Q.764 timer\n" OSMO_TDEF_VTY_DOC_SET)
{
	struct isup_trunk *tg = vty->index;
	return osmo_tdef_vty_set_cmd(vty, tg->tdefs, argv);
}

static int config_write_isup(struct vty *vty)
{
	vty_out(vty, "isup%s", VTY_NEWLINE);
	vty_out(vty, " %sreset-on-start%s", g_net->reset_on_start ? "" : "no ", VTY_NEWLINE);
	return CMD_SUCCESS;
}

static int config_write_trunk(struct vty *vty)
{
	struct isup_trunk *tg;
	llist_for_each_entry(tg, &g_net->trunks, list) {
		bool ansi = tg->variant == ISUP_VAR_ANSI;
		char pc[16];
		vty_out(vty, " trunk %s%s", tg->name, VTY_NEWLINE);
		vty_out(vty, "  variant %s%s", ansi ? "ansi" : "itu", VTY_NEWLINE);
		vty_out(vty, "  local-point-code %s%s", ss7_pc_str(tg->opc, ansi, pc, sizeof(pc)), VTY_NEWLINE);
		vty_out(vty, "  remote-point-code %s%s", ss7_pc_str(tg->dpc, ansi, pc, sizeof(pc)), VTY_NEWLINE);
		vty_out(vty, "  network-indicator %s%s", ni_names[tg->ni & 3], VTY_NEWLINE);
		for (unsigned i = 0; i < tg->n_ranges; i++)
			vty_out(vty, "  cic-range %u %u%s", tg->ranges[i].first, tg->ranges[i].last, VTY_NEWLINE);
		vty_out(vty, "  circuit-selection %s%s", get_value_string(sel_names, tg->sel), VTY_NEWLINE);
		vty_out(vty, "  unknown-cic %s%s", tg->send_ucic ? "ucic" : "discard", VTY_NEWLINE);
		vty_out(vty, "  %sreset-on-resume%s", tg->reset_on_resume ? "" : "no ", VTY_NEWLINE);
		vty_out(vty, "  automatic-congestion-control %s%s", tg->acc_disabled ? "disable" : "enable",
			VTY_NEWLINE);
		osmo_tdef_vty_write(vty, tg->tdefs, "  timer ");
	}
	return CMD_SUCCESS;
}

/* ---- show ---- */

DEFUN(show_isup_trunk, show_isup_trunk_cmd, "show isup trunk [NAME]", SHOW_STR ISUP_STR TRUNK_STR)
{
	struct isup_trunk *tg;
	llist_for_each_entry(tg, &g_net->trunks, list)
		if (argc < 1 || !strcmp(argv[0], tg->name))
			out_text(vty, isup_show_trunk(NULL, tg));
	return CMD_SUCCESS;
}

DEFUN(show_isup_circuits, show_isup_circuits_cmd, "show isup circuits NAME",
      SHOW_STR ISUP_STR "State and blocking of every circuit\nName of the trunk group\n")
{
	struct isup_trunk *tg = trunk_or_err(vty, argv[0]);
	if (!tg)
		return CMD_WARNING;
	out_text(vty, isup_show_circuits(NULL, tg));
	return CMD_SUCCESS;
}

DEFUN(show_isup_calls, show_isup_calls_cmd, "show isup calls", SHOW_STR ISUP_STR "ISUP calls in progress\n")
{
	struct isup_trunk *tg;
	llist_for_each_entry(tg, &g_net->trunks, list)
		out_text(vty, isup_show_active_calls(NULL, tg));
	return CMD_SUCCESS;
}

DEFUN(show_isup_timers, show_isup_timers_cmd, "show isup timers NAME " OSMO_TDEF_VTY_ARG_T_OPTIONAL,
      SHOW_STR ISUP_STR "Q.764 timers of a trunk group\nName of the trunk group\n" OSMO_TDEF_VTY_DOC_T)
{
	struct isup_trunk *tg = trunk_or_err(vty, argv[0]);
	if (!tg)
		return CMD_WARNING;
	return osmo_tdef_vty_show_cmd(vty, tg->tdefs, argc > 1 ? argv[1] : NULL, NULL);
}

DEFUN(show_isup_query, show_isup_query_cmd, "show isup query NAME",
      SHOW_STR ISUP_STR "Result of the last circuit group query (CQM)\nName of the trunk group\n")
{
	struct isup_trunk *tg = trunk_or_err(vty, argv[0]);
	if (!tg)
		return CMD_WARNING;
	if (tg->cqm.pending) {
		vty_out(vty, "query from CIC %u pending%s", tg->cqm.cic, VTY_NEWLINE);
		return CMD_SUCCESS;
	}
	static const char *const cp[] = { "transient", "incoming busy", "outgoing busy", "idle" };
	for (unsigned i = 0; i < tg->cqm.cs.n; i++) {
		uint8_t o = tg->cqm.cs.st[i];
		vty_out(vty, "CIC %u: %s, maintenance blocking %u, hardware blocking %u%s", tg->cqm.cic + i,
			cp[ISUP_CSI_CALLPROC(o)], ISUP_CSI_MAINT(o), ISUP_CSI_HW(o), VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

/* ---- maintenance ---- */

static int result(struct vty *vty, int rc)
{
	if (rc == 0)
		return CMD_SUCCESS;
	vty_out(vty, "%% Failed: %s%s",
		rc == -EBUSY  ? "a procedure of this kind is already running" :
		rc == -ENODEV ? "no such CIC in the trunk" :
				"invalid CIC or range",
		VTY_NEWLINE);
	return CMD_WARNING;
}

DEFUN(isup_cic_maint, isup_cic_maint_cmd, "isup trunk NAME (block|unblock|reset) cic <0-16383>",
      ISUP_STR TRUNK_STR "Block for maintenance (BLO)\nUnblock (UBL)\nReset (RSC)\n" CIC_STR "CIC\n")
{
	struct isup_trunk *tg = trunk_or_err(vty, argv[0]);
	if (!tg)
		return CMD_WARNING;
	uint16_t cic = (uint16_t)atoi(argv[2]);
	switch (argv[1][0]) {
	case 'b':
		return result(vty, isup_circuit_block(tg, cic));
	case 'u':
		return result(vty, isup_circuit_unblock(tg, cic));
	default:
		return result(vty, isup_circuit_reset(tg, cic));
	}
}

DEFUN(isup_grp_block, isup_grp_block_cmd,
      "isup trunk NAME (block|unblock) group <0-16383> <1-31> (maintenance|hardware)",
      ISUP_STR TRUNK_STR "Block a group (CGB)\nUnblock a group (CGU)\nCircuit group\nFirst CIC\n"
			 "Range: circuits after the first\nMaintenance oriented\nHardware failure oriented\n")
{
	struct isup_trunk *tg = trunk_or_err(vty, argv[0]);
	if (!tg)
		return CMD_WARNING;
	uint16_t cic = (uint16_t)atoi(argv[2]);
	uint8_t range = (uint8_t)atoi(argv[3]);
	bool hw = argv[4][0] == 'h';
	return result(vty, argv[1][0] == 'b' ? isup_group_block(tg, cic, range, hw) :
					       isup_group_unblock(tg, cic, range, hw));
}

DEFUN(isup_grp_reset, isup_grp_reset_cmd, "isup trunk NAME reset group <0-16383> <1-31>",
      ISUP_STR TRUNK_STR "Reset\nCircuit group (GRS)\nFirst CIC\nRange: circuits after the first\n")
{
	struct isup_trunk *tg = trunk_or_err(vty, argv[0]);
	if (!tg)
		return CMD_WARNING;
	return result(vty, isup_group_reset(tg, (uint16_t)atoi(argv[1]), (uint8_t)atoi(argv[2])));
}

DEFUN(isup_reset_all, isup_reset_all_cmd, "isup trunk NAME reset all",
      ISUP_STR TRUNK_STR "Reset\nEvery circuit, 32 at a time\n")
{
	struct isup_trunk *tg = trunk_or_err(vty, argv[0]);
	if (!tg)
		return CMD_WARNING;
	return result(vty, isup_trunk_reset_all(tg));
}

DEFUN(isup_query, isup_query_cmd, "isup trunk NAME query <0-16383> <0-31>",
      ISUP_STR TRUNK_STR "Circuit group query (CQM)\nFirst CIC\nRange: circuits after the first\n")
{
	struct isup_trunk *tg = trunk_or_err(vty, argv[0]);
	if (!tg)
		return CMD_WARNING;
	return result(vty, isup_group_query(tg, (uint16_t)atoi(argv[1]), (uint8_t)atoi(argv[2])));
}

void isup_vty_init(struct isup_net *net, int isup_node_id, int trunk_node_id)
{
	g_net = net;
	isup_node.node = isup_node_id;
	trunk_node.node = trunk_node_id;

	install_element(CONFIG_NODE, &cfg_isup_cmd);
	install_node(&isup_node, config_write_isup);
	install_element(isup_node_id, &cfg_isup_reset_on_start_cmd);
	install_element(isup_node_id, &cfg_isup_no_reset_on_start_cmd);
	install_element(isup_node_id, &cfg_trunk_cmd);
	install_node(&trunk_node, config_write_trunk);
	install_element(trunk_node_id, &cfg_trunk_variant_cmd);
	install_element(trunk_node_id, &cfg_trunk_opc_cmd);
	install_element(trunk_node_id, &cfg_trunk_dpc_cmd);
	install_element(trunk_node_id, &cfg_trunk_ni_cmd);
	install_element(trunk_node_id, &cfg_trunk_range_cmd);
	install_element(trunk_node_id, &cfg_trunk_sel_cmd);
	install_element(trunk_node_id, &cfg_trunk_unknown_cic_cmd);
	install_element(trunk_node_id, &cfg_trunk_reset_on_resume_cmd);
	install_element(trunk_node_id, &cfg_trunk_no_reset_on_resume_cmd);
	install_element(trunk_node_id, &cfg_trunk_acc_cmd);
	install_element(trunk_node_id, &cfg_trunk_timer_cmd);

	install_element_ve(&show_isup_trunk_cmd);
	install_element_ve(&show_isup_circuits_cmd);
	install_element_ve(&show_isup_calls_cmd);
	install_element_ve(&show_isup_timers_cmd);
	install_element_ve(&show_isup_query_cmd);
	install_element(ENABLE_NODE, &isup_cic_maint_cmd);
	install_element(ENABLE_NODE, &isup_grp_block_cmd);
	install_element(ENABLE_NODE, &isup_grp_reset_cmd);
	install_element(ENABLE_NODE, &isup_reset_all_cmd);
	install_element(ENABLE_NODE, &isup_query_cmd);
}
