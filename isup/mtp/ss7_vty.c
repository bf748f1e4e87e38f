/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cs7 node:
 *   cs7
 *    as NAME (override|loadshare) routing-context <0-4294967295>
 *    asp NAME as NAME remote HOST <1-65535> (tcp|sctp)
 *    route PC as NAME
 * and show cs7 asp / show cs7 route. */

#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "ss7_vty.h"

static struct ss7_router *g_r;
static struct cmd_node cs7_node = { .prompt = "%s(config-cs7)# ", .vtysh = 1 };

static const char *const asp_state_names[] = { "DOWN", "WAIT_ASPUP_ACK", "WAIT_ASPAC_ACK", "ACTIVE" };

static struct ss7_as *as_find(const char *name)
{
	struct ss7_as *as;
	llist_for_each_entry(as, &g_r->as_list, list)
		if (!strcmp(as->name, name))
			return as;
	return NULL;
}

char *ss7_show_asps(void *ctx, const struct ss7_router *r)
{
	char *s = talloc_strdup(ctx, "AS        ASP       state           remote                 connects\n");
	struct ss7_as *as;
	llist_for_each_entry(as, &((struct ss7_router *)r)->as_list, list) {
		for (unsigned i = 0; i < as->n_asps; i++) {
			const struct m3ua_link *l = as->asps[i];
			unsigned st = m3ua_asp_state(l->asp);
			char remote[96];
			snprintf(remote, sizeof(remote), "%s:%u/%s", l->remote_host, l->remote_port,
				 l->transport == M3UA_TRANSPORT_SCTP ? "sctp" : "tcp");
			s = talloc_asprintf_append(s, "%-9s %-9s %-15s %-22s %u\n", as->name, l->name,
						   st < 4 ? asp_state_names[st] : "?", remote, l->connects);
		}
		s = talloc_asprintf_append(s, "%-9s %s, %s, %u held, %u dropped\n", as->name,
					   as->available ? "available" : "unavailable",
					   as->traffic_mode == M3UA_TMT_LOADSHARE ? "loadshare" : "override", as->q.n,
					   as->q_dropped);
	}
	return s;
}

char *ss7_show_routes(void *ctx, const struct ss7_router *r)
{
	char *s = talloc_strdup(ctx, "DPC          AS        state\n");
	struct ss7_route *rt;
	llist_for_each_entry(rt, &((struct ss7_router *)r)->routes, list) {
		char pc[16];
		s = talloc_asprintf_append(s, "%-12s %-9s %s\n", ss7_pc_str(rt->dpc, r->ansi, pc, sizeof(pc)),
					   rt->as->name,
					   rt->dpc_unavailable ? "unavailable (DUNA)"
					   : rt->as->available ? "available"
							       : "AS unavailable");
	}
	return s;
}

static void out_text(struct vty *vty, char *s)
{
	for (char *save = NULL, *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		vty_out(vty, "%s%s", l, VTY_NEWLINE);
	talloc_free(s);
}

DEFUN(cfg_cs7, cfg_cs7_cmd, "cs7", "SS7 signalling transport\n")
{
	vty->node = cs7_node.node;
	return CMD_SUCCESS;
}

DEFUN(cfg_cs7_as, cfg_cs7_as_cmd, "as NAME (override|loadshare) routing-context <0-4294967295>",
      "M3UA application server\nName\nOne ASP carries all traffic, the others stand by\n"
      "Traffic shared over the active ASPs by SLS\nRouting context\nRouting context value\n")
{
	if (as_find(argv[0])) {
		vty_out(vty, "%% AS %s exists%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (strlen(argv[0]) >= sizeof(((struct ss7_as *)0)->name)) {
		vty_out(vty, "%% AS name too long%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	struct ss7_as *as = ss7_router_as_add(g_r, argv[0], argv[1][0] == 'l' ? M3UA_TMT_LOADSHARE
									     : M3UA_TMT_OVERRIDE);
	if (!as)
		return CMD_WARNING;
	as->routing_ctx = (uint32_t)strtoul(argv[2], NULL, 10);
	return CMD_SUCCESS;
}

DEFUN(cfg_cs7_asp, cfg_cs7_asp_cmd, "asp NAME as NAME remote HOST <1-65535> (tcp|sctp)",
      "M3UA ASP: one association to an SG\nName\nThe AS it serves\nName of the AS\n"
      "The SG's address\nHost name or IP address\nPort (2905)\nM3UA over TCP\nM3UA over SCTP\n")
{
	struct ss7_as *as = as_find(argv[1]);
	if (!as) {
		vty_out(vty, "%% No AS %s%s", argv[1], VTY_NEWLINE);
		return CMD_WARNING;
	}
	struct m3ua_asp_cfg cfg = { .has_rc = true, .routing_ctx = as->routing_ctx };
	if (!ss7_as_asp_add(as, argv[0], argv[4][0] == 's' ? M3UA_TRANSPORT_SCTP : M3UA_TRANSPORT_TCP, argv[2],
			    (uint16_t)atoi(argv[3]), &cfg)) {
		vty_out(vty, "%% Cannot add ASP %s (at most %d per AS)%s", argv[0], SS7_AS_MAX_ASPS, VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_cs7_route, cfg_cs7_route_cmd, "route PC as NAME",
      "Route to a destination point code\nPoint code\nThrough an AS\nName of the AS\n")
{
	uint32_t pc;
	struct ss7_as *as = as_find(argv[1]);
	if (ss7_pc_parse(argv[0], g_r->ansi, &pc)) {
		vty_out(vty, "%% Bad point code %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!as) {
		vty_out(vty, "%% No AS %s%s", argv[1], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (ss7_router_route_add(g_r, pc, as)) {
		vty_out(vty, "%% A route to %s exists%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

static int config_write_cs7(struct vty *vty)
{
	vty_out(vty, "cs7%s", VTY_NEWLINE);
	struct ss7_as *as;
	llist_for_each_entry(as, &g_r->as_list, list) {
		vty_out(vty, " as %s %s routing-context %u%s", as->name,
			as->traffic_mode == M3UA_TMT_LOADSHARE ? "loadshare" : "override", as->routing_ctx, VTY_NEWLINE);
		for (unsigned i = 0; i < as->n_asps; i++) {
			const struct m3ua_link *l = as->asps[i];
			vty_out(vty, " asp %s as %s remote %s %u %s%s", l->name, as->name, l->remote_host, l->remote_port,
				l->transport == M3UA_TRANSPORT_SCTP ? "sctp" : "tcp", VTY_NEWLINE);
		}
	}
	struct ss7_route *rt;
	llist_for_each_entry(rt, &g_r->routes, list) {
		char pc[16];
		vty_out(vty, " route %s as %s%s", ss7_pc_str(rt->dpc, g_r->ansi, pc, sizeof(pc)), rt->as->name,
			VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

DEFUN(show_cs7_asp, show_cs7_asp_cmd, "show cs7 asp", SHOW_STR "SS7 signalling transport\nASPs and ASes\n")
{
	out_text(vty, ss7_show_asps(NULL, g_r));
	return CMD_SUCCESS;
}

DEFUN(show_cs7_route, show_cs7_route_cmd, "show cs7 route", SHOW_STR "SS7 signalling transport\nRoutes\n")
{
	out_text(vty, ss7_show_routes(NULL, g_r));
	return CMD_SUCCESS;
}

void ss7_vty_init(struct ss7_router *r, int node)
{
	g_r = r;
	cs7_node.node = node;
	install_element(CONFIG_NODE, &cfg_cs7_cmd);
	install_node(&cs7_node, config_write_cs7);
	install_element(node, &cfg_cs7_as_cmd);
	install_element(node, &cfg_cs7_asp_cmd);
	install_element(node, &cfg_cs7_route_cmd);
	install_element_ve(&show_cs7_asp_cmd);
	install_element_ve(&show_cs7_route_cmd);
}
