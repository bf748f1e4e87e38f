/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cs7 node:
 *   cs7
 *    as NAME (override|loadshare) routing-context <0-4294967295> [variant (itu|ansi)]
 *    as NAME sls-bits (5|8)                       ANSI: 5- or 8-bit SLS
 *    asp NAME as NAME remote HOST <1-65535> (tcp|sctp)
 *    asp NAME local HOST <0-65535>               source address/port
 *    asp NAME (remote-extra|local-extra) HOST     SCTP multi-homing: further addresses
 *    asp NAME identifier <0-4294967295>           ASP Identifier in ASPUP
 *    asp NAME network-appearance <0-4294967295>
 *    asp NAME role (asp|ipsp-se|ipsp-de)         IPSP single or double exchange
 *    asp NAME timer (x1|x2) <0-300>             ASPUP/ASPAC repeat, BEAT interval (s)
 *    linkset NAME local-pc PC adjacent-pc PC ni <0-3> [variant (itu|ansi)]
 *    linkset NAME sls-bits (5|8)
 *    linkset NAME proving (normal|emergency)
 *    linkset NAME fcs-check (on|off)
 *    linkset NAME timer mtp2 (t1|t2|...) <0-150000>      milliseconds
 *    linkset NAME timer mtp3 (t2|t3|...) <0-150000>
 *    link LINKSET <0-15> (unix-connect|unix-listen) PATH
 *    link LINKSET <0-15> dahdi <1-4096>
 *    route PC (as|linkset) NAME
 *    trace pcap FILE
 * and show cs7 asp / linkset / route. The variant (default: the router's, ITU in the gateway) says how the
 * point codes of the AS or linkset and of the routes through it are written and carried: ITU 14 bits
 * (3-8-3), ANSI 24 bits (network-cluster-member, "245-16-1"); ITU and ANSI networks side by side. */

#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "ss7_linkset.h"
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
			s = m3ua_link_sctp_show(ctx, s, l, "            ");
		}
		s = talloc_asprintf_append(s, "%-9s %s, %s, %s, %u held, %u dropped\n", as->name,
					   as->available ? "available" : "unavailable",
					   as->traffic_mode == M3UA_TMT_LOADSHARE ? "loadshare" : "override",
					   as->ansi ? "ANSI" : "ITU", as->q.n, as->q_dropped);
	}
	return s;
}

char *ss7_show_routes(void *ctx, const struct ss7_router *r)
{
	char *s = talloc_strdup(ctx, "DPC          variant via       state\n");
	struct ss7_route *rt;
	llist_for_each_entry(rt, &((struct ss7_router *)r)->routes, list) {
		char pc[16];
		ss7_pc_str(rt->dpc, rt->ansi, pc, sizeof(pc));
		const char *v = rt->ansi ? "ANSI" : "ITU";
		if (rt->ls) {
			s = talloc_asprintf_append(s, "%-12s %-7s %-9s %s\n", pc, v, rt->ls->name,
						   rt->ls->available ? "available" : "linkset unavailable");
			continue;
		}
		s = talloc_asprintf_append(s, "%-12s %-7s %-9s %s\n", pc, v, rt->as->name,
					   rt->dpc_unavailable ? "unavailable (DUNA)" :
					   rt->as->available   ? "available" :
								 "AS unavailable");
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

#define VARIANT_STR                                                                                                  \
	"MTP3 variant of the network (point codes, routing label)\nITU-T Q.704: 14-bit point codes, 4-octet label\n" \
	"ANSI T1.111: 24-bit point codes (network-cluster-member), 7-octet label\n"
#define CS7_AS_STR                                                                          \
	"M3UA application server\nName\nOne ASP carries all traffic, the others stand by\n" \
	"Traffic shared over the active ASPs by SLS\nRouting context\nRouting context value\n"

static bool variant_arg(int argc, const char *argv[], int i)
{
	return argc > i && !strcmp(argv[i], "ansi");
}

DEFUN(cfg_cs7_as, cfg_cs7_as_cmd, "as NAME (override|loadshare) routing-context <0-4294967295>", CS7_AS_STR)
{
	if (as_find(argv[0])) {
		vty_out(vty, "%% AS %s exists%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (strlen(argv[0]) >= sizeof(((struct ss7_as *)0)->name)) {
		vty_out(vty, "%% AS name too long%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	struct ss7_as *as = ss7_router_as_add(g_r, argv[0], argv[1][0] == 'l' ? M3UA_TMT_LOADSHARE : M3UA_TMT_OVERRIDE);
	if (!as)
		return CMD_WARNING;
	as->routing_ctx = (uint32_t)strtoul(argv[2], NULL, 10);
	if (argc > 3)
		as->ansi = variant_arg(argc, argv, 3);
	return CMD_SUCCESS;
}

ALIAS(cfg_cs7_as, cfg_cs7_as_var_cmd, "as NAME (override|loadshare) routing-context <0-4294967295> variant (itu|ansi)",
      CS7_AS_STR VARIANT_STR)

#define SLS_STR                                                                                                    \
	"Signalling link selection field of the ANSI routing label (T1.111.4 2.2.2)\n5 bits (the upper 3 spare)\n" \
	"8 bits\n"

DEFUN(cfg_cs7_as_sls, cfg_cs7_as_sls_cmd, "as NAME sls-bits (5|8)", "M3UA application server\nName\n" SLS_STR)
{
	struct ss7_as *as = as_find(argv[0]);
	if (!as) {
		vty_out(vty, "%% No AS %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	as->sls_bits = (unsigned)atoi(argv[1]);
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

static struct m3ua_link *asp_find(struct vty *vty, const char *name)
{
	struct ss7_as *as;
	llist_for_each_entry(as, &g_r->as_list, list)
		for (unsigned i = 0; i < as->n_asps; i++)
			if (!strcmp(as->asps[i]->name, name))
				return as->asps[i];
	vty_out(vty, "%% No ASP %s%s", name, VTY_NEWLINE);
	return NULL;
}

/* Settings used when the association is set up: reconnect with them. */
static int asp_restart(struct m3ua_link *l)
{
	m3ua_link_stop(l);
	m3ua_link_start(l);
	return CMD_SUCCESS;
}

DEFUN(cfg_cs7_asp_local, cfg_cs7_asp_local_cmd, "asp NAME local HOST <0-65535>",
      "M3UA ASP\nName\nOur end of the association\nLocal address\nLocal port (0: any)\n")
{
	struct m3ua_link *l = asp_find(vty, argv[0]);
	if (!l)
		return CMD_WARNING;
	osmo_strlcpy(l->local_host, argv[1], sizeof(l->local_host));
	l->local_port = (uint16_t)atoi(argv[2]);
	return asp_restart(l);
}

DEFUN(cfg_cs7_asp_extra, cfg_cs7_asp_extra_cmd, "asp NAME (remote-extra|local-extra) HOST",
      "M3UA ASP\nName\nA further address of the SG (SCTP multi-homing)\nA further local address (SCTP "
      "multi-homing)\nIP address\n")
{
	struct m3ua_link *l = asp_find(vty, argv[0]);
	if (!l)
		return CMD_WARNING;
	bool rem = argv[1][0] == 'r';
	unsigned *n = rem ? &l->n_remote_extra : &l->n_local_extra;
	if (*n >= M3UA_MAX_EXTRA_ADDRS) {
		vty_out(vty, "%% At most %d further addresses%s", M3UA_MAX_EXTRA_ADDRS, VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_strlcpy(rem ? l->remote_extra[*n] : l->local_extra[*n], argv[2], sizeof(l->remote_extra[0]));
	(*n)++;
	return asp_restart(l);
}

DEFUN(cfg_cs7_asp_id, cfg_cs7_asp_id_cmd, "asp NAME identifier <0-4294967295>",
      "M3UA ASP\nName\nASP Identifier sent in ASPUP\nValue\n")
{
	struct m3ua_link *l = asp_find(vty, argv[0]);
	if (!l)
		return CMD_WARNING;
	l->asp->cfg.has_asp_id = true;
	l->asp->cfg.asp_id = (uint32_t)strtoul(argv[1], NULL, 10);
	return asp_restart(l);
}

DEFUN(cfg_cs7_asp_na, cfg_cs7_asp_na_cmd, "asp NAME network-appearance <0-4294967295>",
      "M3UA ASP\nName\nNetwork Appearance in DATA\nValue\n")
{
	struct m3ua_link *l = asp_find(vty, argv[0]);
	if (!l)
		return CMD_WARNING;
	l->asp->cfg.has_na = true;
	l->asp->cfg.network_appearance = (uint32_t)strtoul(argv[1], NULL, 10);
	return CMD_SUCCESS;
}

DEFUN(cfg_cs7_asp_role, cfg_cs7_asp_role_cmd, "asp NAME role (asp|ipsp-se|ipsp-de)",
      "M3UA ASP\nName\nRole towards the peer\nASP towards an SG\nIPSP, single exchange (we ask, the peer "
      "answers)\nIPSP, double exchange (both ask and answer)\n")
{
	struct m3ua_link *l = asp_find(vty, argv[0]);
	if (!l)
		return CMD_WARNING;
	l->asp->cfg.ipsp_de = !strcmp(argv[1], "ipsp-de");
	l->ipsp = strcmp(argv[1], "asp") != 0;
	return asp_restart(l);
}

DEFUN(cfg_cs7_asp_timer, cfg_cs7_asp_timer_cmd, "asp NAME timer (x1|x2) <0-300>",
      "M3UA ASP\nName\nTimer\nASPUP/ASPAC repeat while unanswered (1-60 s)\n"
      "BEAT interval (0: no heartbeat)\nSeconds\n")
{
	struct m3ua_link *l = asp_find(vty, argv[0]);
	if (!l)
		return CMD_WARNING;
	int T = argv[1][1] == '1' ? -1 : -2;
	if (osmo_tdef_set(l->asp->tdefs, T, (unsigned long)atol(argv[2]), OSMO_TDEF_S)) {
		vty_out(vty, "%% Value out of range%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_cs7_asp_backoff, cfg_cs7_asp_backoff_cmd, "asp NAME reconnect-backoff <1-300>",
      "M3UA ASP\nName\nThe longest wait between connection attempts (they double from 1 s up to it)\n"
      "Seconds (default 30)\n")
{
	struct m3ua_link *l = asp_find(vty, argv[0]);
	if (!l)
		return CMD_WARNING;
	l->backoff_max_s = (unsigned)atoi(argv[1]);
	if (l->backoff_s > l->backoff_max_s)
		l->backoff_s = l->backoff_max_s;
	return CMD_SUCCESS;
}

static void config_write_asp(struct vty *vty, const struct m3ua_link *l)
{
	if (l->local_host[0] || l->local_port)
		vty_out(vty, " asp %s local %s %u%s", l->name, l->local_host[0] ? l->local_host : "0.0.0.0",
			l->local_port, VTY_NEWLINE);
	for (unsigned i = 0; i < l->n_remote_extra; i++)
		vty_out(vty, " asp %s remote-extra %s%s", l->name, l->remote_extra[i], VTY_NEWLINE);
	for (unsigned i = 0; i < l->n_local_extra; i++)
		vty_out(vty, " asp %s local-extra %s%s", l->name, l->local_extra[i], VTY_NEWLINE);
	if (l->asp->cfg.has_asp_id)
		vty_out(vty, " asp %s identifier %u%s", l->name, l->asp->cfg.asp_id, VTY_NEWLINE);
	if (l->asp->cfg.has_na)
		vty_out(vty, " asp %s network-appearance %u%s", l->name, l->asp->cfg.network_appearance, VTY_NEWLINE);
	if (l->ipsp)
		vty_out(vty, " asp %s role %s%s", l->name, l->asp->cfg.ipsp_de ? "ipsp-de" : "ipsp-se", VTY_NEWLINE);
	if (l->backoff_max_s != M3UA_LINK_BACKOFF_MAX_DEFAULT)
		vty_out(vty, " asp %s reconnect-backoff %u%s", l->name, l->backoff_max_s, VTY_NEWLINE);
	for (int T = -1; T >= -2; T--) {
		const struct osmo_tdef *t = osmo_tdef_get_entry(l->asp->tdefs, T);
		if (t && t->val != t->default_val)
			vty_out(vty, " asp %s timer x%d %lu%s", l->name, -T, t->val, VTY_NEWLINE);
	}
}

static int route_add(struct vty *vty, const char *pcs, struct ss7_as *as, struct ss7_linkset *ls)
{
	uint32_t pc;
	bool ansi = as ? as->ansi : ls->ansi;
	if (ss7_pc_parse(pcs, ansi, &pc)) {
		vty_out(vty, "%% Bad %s point code %s%s", ansi ? "ANSI" : "ITU", pcs, VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (as ? ss7_router_route_add(g_r, pc, as) : ss7_router_route_add_ls(g_r, pc, ls)) {
		vty_out(vty, "%% A route to %s exists%s", pcs, VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_cs7_route, cfg_cs7_route_cmd, "route PC as NAME",
      "Route to a destination point code\nPoint code\nThrough an AS\nName of the AS\n")
{
	struct ss7_as *as = as_find(argv[1]);
	if (!as) {
		vty_out(vty, "%% No AS %s%s", argv[1], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return route_add(vty, argv[0], as, NULL);
}

DEFUN(cfg_cs7_route_ls, cfg_cs7_route_ls_cmd, "route PC linkset NAME",
      "Route to a destination point code\nPoint code\nThrough a linkset\nName of the linkset\n")
{
	struct ss7_linkset *ls = ss7_linkset_find(g_r, argv[1]);
	if (!ls) {
		vty_out(vty, "%% No linkset %s%s", argv[1], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return route_add(vty, argv[0], NULL, ls);
}

#define LINKSET_STR                                                                        \
	"MTP2 linkset to an adjacent signalling point\nName\nOur point code\nPoint code\n" \
	"The adjacent point's code\nPoint code\nNetwork indicator\n0 international, 2 national\n"

DEFUN(cfg_cs7_linkset, cfg_cs7_linkset_cmd, "linkset NAME local-pc PC adjacent-pc PC ni <0-3>", LINKSET_STR)
{
	uint32_t lpc, apc;
	bool ansi = argc > 4 ? variant_arg(argc, argv, 4) : g_r->ansi;
	if (ss7_pc_parse(argv[1], ansi, &lpc) || ss7_pc_parse(argv[2], ansi, &apc)) {
		vty_out(vty, "%% Bad %s point code%s", ansi ? "ANSI" : "ITU", VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (strlen(argv[0]) >= sizeof(((struct ss7_linkset *)0)->name) - 4) {
		vty_out(vty, "%% Linkset name too long%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	struct ss7_linkset *ls = ss7_linkset_add(g_r, argv[0], lpc, apc, (uint8_t)atoi(argv[3]));
	if (!ls) {
		vty_out(vty, "%% Linkset %s exists%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	ss7_linkset_set_variant(ls, ansi);
	return CMD_SUCCESS;
}

ALIAS(cfg_cs7_linkset, cfg_cs7_linkset_var_cmd, "linkset NAME local-pc PC adjacent-pc PC ni <0-3> variant (itu|ansi)",
      LINKSET_STR VARIANT_STR)

static struct ss7_linkset *ls_arg(struct vty *vty, const char *name)
{
	struct ss7_linkset *ls = ss7_linkset_find(g_r, name);
	if (!ls)
		vty_out(vty, "%% No linkset %s%s", name, VTY_NEWLINE);
	return ls;
}

static void ls_apply_mtp2(struct ss7_linkset *ls)
{
	for (unsigned i = 0; i < SS7_LS_MAX_LINKS; i++)
		if (ls->links[i])
			ls->links[i]->m2->cfg = ls->m2cfg;
}

DEFUN(cfg_cs7_ls_sls, cfg_cs7_ls_sls_cmd, "linkset NAME sls-bits (5|8)", "MTP2 linkset\nName\n" SLS_STR)
{
	struct ss7_linkset *ls = ls_arg(vty, argv[0]);
	if (!ls)
		return CMD_WARNING;
	ls->sls_bits = (unsigned)atoi(argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_cs7_ls_proving, cfg_cs7_ls_proving_cmd, "linkset NAME proving (normal|emergency)",
      "MTP2 linkset\nName\nProving period of MTP2 alignment\nNormal (T4n)\nEmergency (T4e)\n")
{
	struct ss7_linkset *ls = ls_arg(vty, argv[0]);
	if (!ls)
		return CMD_WARNING;
	ls->m2cfg.emergency = argv[1][0] == 'e';
	ls_apply_mtp2(ls);
	return CMD_SUCCESS;
}

DEFUN(cfg_cs7_ls_fcs, cfg_cs7_ls_fcs_cmd, "linkset NAME fcs-check (on|off)",
      "MTP2 linkset\nName\nCheck the 2 trailing octets of each frame as CRC-16 (off: the transport checks)\n"
      "Check\nDo not check\n")
{
	struct ss7_linkset *ls = ls_arg(vty, argv[0]);
	if (!ls)
		return CMD_WARNING;
	ls->m2cfg.check_fcs = !strcmp(argv[1], "on");
	ls_apply_mtp2(ls);
	return CMD_SUCCESS;
}

static int timer_set(struct vty *vty, const struct mtp2_timer_def *defs, unsigned n, uint32_t *vals, const char *name,
		     const char *ms)
{
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(defs[i].name, name))
			continue;
		uint32_t v = (uint32_t)strtoul(ms, NULL, 10);
		if (v < defs[i].min_ms || v > defs[i].max_ms) {
			vty_out(vty, "%% %s: %u ms is outside %u..%u ms%s", name, v, defs[i].min_ms, defs[i].max_ms,
				VTY_NEWLINE);
			return CMD_WARNING;
		}
		vals[i] = v;
		return CMD_SUCCESS;
	}
	return CMD_WARNING;
}

DEFUN(cfg_cs7_ls_timer2, cfg_cs7_ls_timer2_cmd,
      "linkset NAME timer mtp2 (t1|t2|t3|t4n|t4e|t5|t6|t7|fill-in) <0-150000>",
      "MTP2 linkset\nName\nTimer\nMTP2 (Q.703) timers\nAlignment ready\nNot aligned\nAligned\n"
      "Normal proving period\nEmergency proving period\nSending SIB\nRemote congestion\n"
      "Excessive delay of acknowledgement\nRepeat of the idle status unit (0: only on change)\nMilliseconds\n")
{
	struct ss7_linkset *ls = ls_arg(vty, argv[0]);
	if (!ls)
		return CMD_WARNING;
	int rc = timer_set(vty, mtp2_timer_defs, _MTP2_NUM_TIMERS, ls->m2cfg.t_ms, argv[1], argv[2]);
	ls_apply_mtp2(ls);
	return rc;
}

DEFUN(cfg_cs7_ls_timer3, cfg_cs7_ls_timer3_cmd,
      "linkset NAME timer mtp3 (t2|t3|t4|t5|t17|t21|slt-t1|slt-t2) <0-150000>",
      "MTP2 linkset\nName\nTimer\nMTP3 (Q.704, Q.707) timers\nWaiting for COA\nTime-controlled diversion\n"
      "Waiting for CBA\nWaiting for CBA, second attempt\nDelay before realignment\n"
      "Waiting for the adjacent point's TRA\nWaiting for SLTA\nPeriodic link test\nMilliseconds\n")
{
	struct ss7_linkset *ls = ls_arg(vty, argv[0]);
	if (!ls)
		return CMD_WARNING;
	return timer_set(vty, ss7_ls_timer_defs, _SS7_LS_NUM_TIMERS, ls->t_ms, argv[1], argv[2]);
}

static int link_add(struct vty *vty, const char *lsname, const char *slc, enum ss7_link_transport t, const char *path,
		    int chan)
{
	struct ss7_linkset *ls = ls_arg(vty, lsname);
	if (!ls)
		return CMD_WARNING;
	struct ss7_link *lk = ss7_link_add(ls, (uint8_t)atoi(slc), t, path, chan);
	if (!lk) {
		vty_out(vty, "%% Cannot add link %s/%s (exists, or transport not built)%s", lsname, slc, VTY_NEWLINE);
		return CMD_WARNING;
	}
	ss7_link_start(lk);
	return CMD_SUCCESS;
}

DEFUN(cfg_cs7_link_unix, cfg_cs7_link_unix_cmd, "link LINKSET <0-15> (unix-connect|unix-listen) PATH",
      "MTP2 signalling link\nLinkset\nSignalling link code\nConnect to an AF_UNIX SOCK_SEQPACKET socket\n"
      "Listen on an AF_UNIX SOCK_SEQPACKET socket\nSocket path\n")
{
	return link_add(vty, argv[0], argv[1],
			!strcmp(argv[2], "unix-listen") ? SS7_LINK_TR_UNIX_LISTEN : SS7_LINK_TR_UNIX_CONNECT, argv[3],
			0);
}

DEFUN(cfg_cs7_link_dahdi, cfg_cs7_link_dahdi_cmd, "link LINKSET <0-15> dahdi <1-4096>",
      "MTP2 signalling link\nLinkset\nSignalling link code\nDAHDI HDLC channel\nChannel number\n")
{
	return link_add(vty, argv[0], argv[1], SS7_LINK_TR_DAHDI, NULL, atoi(argv[2]));
}

DEFUN(cfg_cs7_trace, cfg_cs7_trace_cmd, "trace pcap FILE",
      "Trace MSUs\nTo a DLT_MTP3 pcap file: every MSU sent or received, on M3UA and MTP2\nFile name\n")
{
	int rc = ss7_router_trace_pcap(g_r, argv[0]);
	if (rc < 0) {
		vty_out(vty, "%% Cannot write %s: %s%s", argv[0], strerror(-rc), VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_cs7_no_trace, cfg_cs7_no_trace_cmd, "no trace pcap", NO_STR "Trace MSUs\nThe pcap file\n")
{
	ss7_router_trace_pcap(g_r, NULL);
	return CMD_SUCCESS;
}

static void write_timers(struct vty *vty, const struct ss7_linkset *ls, const char *layer,
			 const struct mtp2_timer_def *defs, unsigned n, const uint32_t *vals)
{
	for (unsigned i = 0; i < n; i++)
		if (vals[i] != (ls->ansi ? defs[i].ansi_ms : defs[i].itu_ms))
			vty_out(vty, " linkset %s timer %s %s %u%s", ls->name, layer, defs[i].name, vals[i],
				VTY_NEWLINE);
}

/* written when not the router's default (ITU in the gateway) */
static const char *variant_out(bool ansi)
{
	return ansi == g_r->ansi ? "" : ansi ? " variant ansi" : " variant itu";
}

static void config_write_linksets(struct vty *vty)
{
	struct ss7_linkset *ls;
	llist_for_each_entry(ls, &g_r->linksets, list) {
		char lpc[16], apc[16];
		vty_out(vty, " linkset %s local-pc %s adjacent-pc %s ni %u%s%s", ls->name,
			ss7_pc_str(ls->local_pc, ls->ansi, lpc, sizeof(lpc)),
			ss7_pc_str(ls->adj_pc, ls->ansi, apc, sizeof(apc)), ls->ni, variant_out(ls->ansi), VTY_NEWLINE);
		if (ls->ansi && ls->sls_bits == 8)
			vty_out(vty, " linkset %s sls-bits 8%s", ls->name, VTY_NEWLINE);
		if (ls->m2cfg.emergency)
			vty_out(vty, " linkset %s proving emergency%s", ls->name, VTY_NEWLINE);
		if (ls->m2cfg.check_fcs)
			vty_out(vty, " linkset %s fcs-check on%s", ls->name, VTY_NEWLINE);
		write_timers(vty, ls, "mtp2", mtp2_timer_defs, _MTP2_NUM_TIMERS, ls->m2cfg.t_ms);
		write_timers(vty, ls, "mtp3", ss7_ls_timer_defs, _SS7_LS_NUM_TIMERS, ls->t_ms);
		for (unsigned i = 0; i < SS7_LS_MAX_LINKS; i++) {
			const struct ss7_link *lk = ls->links[i];
			if (!lk || lk->transport == SS7_LINK_TR_FD)
				continue;
			if (lk->transport == SS7_LINK_TR_DAHDI)
				vty_out(vty, " link %s %u dahdi %d%s", ls->name, lk->slc, lk->dahdi_channel,
					VTY_NEWLINE);
			else
				vty_out(vty, " link %s %u %s %s%s", ls->name, lk->slc,
					lk->transport == SS7_LINK_TR_UNIX_LISTEN ? "unix-listen" : "unix-connect",
					lk->path, VTY_NEWLINE);
		}
	}
}

static int config_write_cs7(struct vty *vty)
{
	vty_out(vty, "cs7%s", VTY_NEWLINE);
	struct ss7_as *as;
	llist_for_each_entry(as, &g_r->as_list, list) {
		vty_out(vty, " as %s %s routing-context %u%s%s", as->name,
			as->traffic_mode == M3UA_TMT_LOADSHARE ? "loadshare" : "override", as->routing_ctx,
			variant_out(as->ansi), VTY_NEWLINE);
		if (as->ansi && as->sls_bits == 8)
			vty_out(vty, " as %s sls-bits 8%s", as->name, VTY_NEWLINE);
		for (unsigned i = 0; i < as->n_asps; i++) {
			const struct m3ua_link *l = as->asps[i];
			vty_out(vty, " asp %s as %s remote %s %u %s%s", l->name, as->name, l->remote_host,
				l->remote_port, l->transport == M3UA_TRANSPORT_SCTP ? "sctp" : "tcp", VTY_NEWLINE);
			config_write_asp(vty, l);
		}
	}
	config_write_linksets(vty);
	struct ss7_route *rt;
	llist_for_each_entry(rt, &g_r->routes, list) {
		char pc[16];
		vty_out(vty, " route %s %s %s%s", ss7_pc_str(rt->dpc, rt->ansi, pc, sizeof(pc)),
			rt->ls ? "linkset" : "as", rt->ls ? rt->ls->name : rt->as->name, VTY_NEWLINE);
	}
	if (g_r->trace_path)
		vty_out(vty, " trace pcap %s%s", g_r->trace_path, VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(show_cs7_asp, show_cs7_asp_cmd, "show cs7 asp", SHOW_STR "SS7 signalling transport\nASPs and ASes\n")
{
	out_text(vty, ss7_show_asps(NULL, g_r));
	return CMD_SUCCESS;
}

DEFUN(show_cs7_linkset, show_cs7_linkset_cmd, "show cs7 linkset",
      SHOW_STR "SS7 signalling transport\nMTP2 linksets and links with counters\n")
{
	out_text(vty, ss7_show_linksets(NULL, g_r));
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
	install_element(node, &cfg_cs7_as_var_cmd);
	install_element(node, &cfg_cs7_as_sls_cmd);
	install_element(node, &cfg_cs7_asp_cmd);
	install_element(node, &cfg_cs7_route_cmd);
	install_element(node, &cfg_cs7_asp_local_cmd);
	install_element(node, &cfg_cs7_asp_extra_cmd);
	install_element(node, &cfg_cs7_asp_id_cmd);
	install_element(node, &cfg_cs7_asp_na_cmd);
	install_element(node, &cfg_cs7_asp_role_cmd);
	install_element(node, &cfg_cs7_asp_timer_cmd);
	install_element(node, &cfg_cs7_asp_backoff_cmd);
	install_element(node, &cfg_cs7_route_ls_cmd);
	install_element(node, &cfg_cs7_linkset_cmd);
	install_element(node, &cfg_cs7_linkset_var_cmd);
	install_element(node, &cfg_cs7_ls_sls_cmd);
	install_element(node, &cfg_cs7_ls_proving_cmd);
	install_element(node, &cfg_cs7_ls_fcs_cmd);
	install_element(node, &cfg_cs7_ls_timer2_cmd);
	install_element(node, &cfg_cs7_ls_timer3_cmd);
	install_element(node, &cfg_cs7_link_unix_cmd);
	install_element(node, &cfg_cs7_link_dahdi_cmd);
	install_element(node, &cfg_cs7_trace_cmd);
	install_element(node, &cfg_cs7_no_trace_cmd);
	install_element_ve(&show_cs7_asp_cmd);
	install_element_ve(&show_cs7_linkset_cmd);
	install_element_ve(&show_cs7_route_cmd);
}
