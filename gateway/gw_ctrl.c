/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CTRL interface (gw_ctrl.h): libosmoctrl's server with the gateway's nodes (trunk, CIC, SIP peer, ASP,
 * linkset) found by our lookup, and TRAPs from a once-a-second look at the objects' states. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/ctrl/control_cmd.h>
#include <osmocom/ctrl/control_if.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "gw.h"
#include "gw_call.h"
#include "gw_ctrl.h"
#include "gw_media.h"

enum {
	NODE_TRUNK = _LAST_CTRL_NODE,
	NODE_CIC,
	NODE_PEER,
	NODE_ASP,
	NODE_LINKSET,
	_NODE_COUNT
};

/* a state a TRAP follows */
struct watched {
	char var[96]; /* "sip-peer.far.state" */
	char value[32];
	bool seen;
};
#define MAX_WATCHED 256

static struct {
	struct gw *gw;
	int log_cat;
	char addr[64];
	unsigned port; /* 0: off */
	struct ctrl_handle *ctrl;
	struct osmo_timer_list poll;
	struct watched w[MAX_WATCHED];
	unsigned n_w;
} G = { .log_cat = DLGLOBAL, .addr = "127.0.0.1", .port = GW_CTRL_PORT };

void gw_ctrl_init(int log_cat)
{
	G.log_cat = log_cat;
}

/* ---- lookup: trunk.NAME, trunk.NAME.cic.N, sip-peer.NAME, asp.NAME, linkset.NAME ---- */

static struct m3ua_link *asp_find(const char *name)
{
	if (!G.gw->router)
		return NULL;
	struct ss7_as *as;
	llist_for_each_entry(as, &G.gw->router->as_list, list)
		for (unsigned i = 0; i < as->n_asps; i++)
			if (as->asps[i] && !strcmp(as->asps[i]->name, name))
				return as->asps[i];
	return NULL;
}

static int lookup(void *data, vector vline, int *node_type, void **node_data, int *i)
{
	(void)data;
	const char *token = vector_slot(vline, *i);
	if (*i + 1 >= (int)vector_active(vline))
		return 0;
	const char *name = vector_slot(vline, *i + 1);
	void *obj = NULL;
	int type;
	if (*node_type == CTRL_NODE_ROOT && !strcmp(token, "trunk")) {
		obj = G.gw->net ? isup_net_trunk_find(G.gw->net, name) : NULL;
		type = NODE_TRUNK;
	} else if (*node_type == NODE_TRUNK && !strcmp(token, "cic")) {
		char *end;
		unsigned long cic = strtoul(name, &end, 10);
		obj = *end || cic > 16383 ? NULL : isup_trunk_circuit(*node_data, (uint16_t)cic);
		type = NODE_CIC;
	} else if (*node_type == CTRL_NODE_ROOT && !strcmp(token, "sip-peer")) {
		obj = gw_peer_find(G.gw, name);
		type = NODE_PEER;
	} else if (*node_type == CTRL_NODE_ROOT && !strcmp(token, "asp")) {
		obj = asp_find(name);
		type = NODE_ASP;
	} else if (*node_type == CTRL_NODE_ROOT && !strcmp(token, "linkset")) {
		obj = G.gw->router ? ss7_linkset_find(G.gw->router, name) : NULL;
		type = NODE_LINKSET;
	} else {
		return 0;
	}
	if (!obj)
		return -ENODEV;
	(*i)++;
	*node_type = type;
	*node_data = obj;
	return 1;
}

/* ---- helpers ---- */

static int reply(struct ctrl_cmd *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int reply(struct ctrl_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cmd->reply = talloc_vasprintf(cmd, fmt, ap);
	va_end(ap);
	return cmd->reply ? CTRL_CMD_REPLY : CTRL_CMD_ERROR;
}

static int error(struct ctrl_cmd *cmd, const char *why)
{
	cmd->reply = (char *)why;
	return CTRL_CMD_ERROR;
}

static int read_only(struct ctrl_cmd *cmd, void *data)
{
	(void)data;
	return error(cmd, "Read Only attribute");
}

static int write_only(struct ctrl_cmd *cmd, void *data)
{
	(void)data;
	return error(cmd, "Write Only attribute");
}

/* "CIC" or "FIRST-LAST" */
static bool parse_range(const char *v, unsigned *first, unsigned *last)
{
	char *end;
	*first = *last = (unsigned)strtoul(v, &end, 10);
	if (end == v)
		return false;
	if (*end == '-')
		*last = (unsigned)strtoul(end + 1, &end, 10);
	return !*end && *first <= *last && *last <= 16383;
}

static int verify_range(struct ctrl_cmd *cmd, const char *value, void *data)
{
	(void)data;
	unsigned a, b;
	if (!strcmp(cmd->variable + strlen(cmd->variable) - 5, "reset") && !strcmp(value, "all"))
		return 0;
	if (!parse_range(value, &a, &b)) {
		cmd->reply = "a CIC or FIRST-LAST";
		return 1;
	}
	return 0;
}

static const char *cic_state(const struct isup_circuit *c)
{
	static char buf[96];
	snprintf(buf, sizeof(buf), "%s%s%s%s%s", isup_cic_state_name((enum isup_cic_state)c->fi->state),
		 c->blk & ISUP_BLK_LOCAL_MAINT ? " local-maint" : "", c->blk & ISUP_BLK_LOCAL_HW ? " local-hw" : "",
		 c->blk & ISUP_BLK_REMOTE_MAINT ? " remote-maint" : "",
		 c->blk & ISUP_BLK_REMOTE_HW ? " remote-hw" : "");
	return buf;
}

static const char *asp_state(const struct m3ua_link *l)
{
	static const char *const names[] = { "DOWN", "WAIT_ASPUP_ACK", "WAIT_ASPAC_ACK", "ACTIVE" };
	unsigned st = l->asp ? (unsigned)m3ua_asp_state(l->asp) : 0;
	return st < 4 ? names[st] : "?";
}

static const char *peer_state(const struct gw_peer *p)
{
	return p->admin_down ? "admin-down" : p->up ? "up" : "down";
}

/* ---- root ---- */

static int get_calls_active(struct ctrl_cmd *cmd, void *data)
{
	return reply(cmd, "%u", G.gw->n_calls);
}

/* the calls in progress: "ID DIRECTION CIC STATE" each, separated by ";" */
static int get_calls(struct ctrl_cmd *cmd, void *data)
{
	cmd->reply = talloc_strdup(cmd, "");
	const struct gw_call *c;
	llist_for_each_entry(c, &G.gw->calls, list) {
		cmd->reply = talloc_asprintf_append(
			cmd->reply, "%s%s %s %u %s", cmd->reply[0] ? ";" : "", c->fi->id ? c->fi->id : "?",
			c->from_isup ? "isup-to-sip" : "sip-to-isup", c->ic && c->ic->circ ? c->ic->circ->cic : 0,
			osmo_fsm_inst_state_name(c->fi));
	}
	return cmd->reply ? CTRL_CMD_REPLY : CTRL_CMD_ERROR;
}

/* ---- trunk.NAME ---- */

static int get_trunk_state(struct ctrl_cmd *cmd, void *data)
{
	const struct isup_trunk *tg = cmd->node;
	return reply(cmd, "%s", tg->mtp_paused || !tg->mtp_up_once ? "paused" : "available");
}

static int get_trunk_circuits(struct ctrl_cmd *cmd, void *data)
{
	struct isup_circuit_counts n;
	isup_trunk_circuit_counts(cmd->node, &n);
	return reply(cmd, "total=%u,idle=%u,busy=%u,reset=%u,blocked-local=%u,blocked-remote=%u", n.total, n.idle,
		     n.busy, n.reset, n.blocked_local, n.blocked_remote);
}

/* block / unblock: one CIC with BLO/UBL, a range with maintenance CGB/CGU (32 CICs a message) */
static int block_range(struct ctrl_cmd *cmd, bool block)
{
	struct isup_trunk *tg = cmd->node;
	unsigned a, b;
	parse_range(cmd->value, &a, &b);
	int rc = 0;
	if (a == b) {
		rc = block ? isup_circuit_block(tg, (uint16_t)a) : isup_circuit_unblock(tg, (uint16_t)a);
	} else {
		for (unsigned f = a; f <= b && !rc; f += 32) {
			uint8_t range = (uint8_t)(b - f > 31 ? 31 : b - f);
			rc = block ? isup_group_block(tg, (uint16_t)f, range, false) :
				     isup_group_unblock(tg, (uint16_t)f, range, false);
		}
	}
	if (rc)
		return error(cmd, rc == -EBUSY ? "a procedure of this kind is already running" : "no such CIC");
	LOGP(G.log_cat, LOGL_NOTICE, "CTRL: trunk %s %s %s\n", tg->name, block ? "block" : "unblock", cmd->value);
	return reply(cmd, "%s", cmd->value);
}

static int set_trunk_block(struct ctrl_cmd *cmd, void *data)
{
	return block_range(cmd, true);
}

static int set_trunk_unblock(struct ctrl_cmd *cmd, void *data)
{
	return block_range(cmd, false);
}

/* reset: one CIC with RSC, a range with GRS (32 a message), all with the trunk's reset of every circuit */
static int set_trunk_reset(struct ctrl_cmd *cmd, void *data)
{
	struct isup_trunk *tg = cmd->node;
	int rc = 0;
	if (!strcmp(cmd->value, "all")) {
		rc = isup_trunk_reset_all(tg);
	} else {
		unsigned a, b;
		parse_range(cmd->value, &a, &b);
		if (a == b)
			rc = isup_circuit_reset(tg, (uint16_t)a);
		for (unsigned f = a; a != b && f <= b && !rc; f += 32)
			rc = isup_group_reset(tg, (uint16_t)f, (uint8_t)(b - f > 31 ? 31 : b - f));
	}
	if (rc)
		return error(cmd, rc == -EBUSY ? "a procedure of this kind is already running" : "no such CIC");
	LOGP(G.log_cat, LOGL_NOTICE, "CTRL: trunk %s reset %s\n", tg->name, cmd->value);
	return reply(cmd, "%s", cmd->value);
}

/* ---- trunk.NAME.cic.N ---- */

static int get_cic_state(struct ctrl_cmd *cmd, void *data)
{
	return reply(cmd, "%s", cic_state(cmd->node));
}

/* ---- sip-peer.NAME ---- */

static int get_peer_state(struct ctrl_cmd *cmd, void *data)
{
	return reply(cmd, "%s", peer_state(cmd->node));
}
static int verify_peer_state(struct ctrl_cmd *cmd, const char *value, void *data)
{
	if (strcmp(value, "up") && strcmp(value, "down")) {
		cmd->reply = "up or down";
		return 1;
	}
	return 0;
}
/* down: no calls to the peer until set up again; up: back to what OPTIONS say (up until they say else) */
static int set_peer_state(struct ctrl_cmd *cmd, void *data)
{
	struct gw_peer *p = cmd->node;
	p->admin_down = !strcmp(cmd->value, "down");
	p->up = !p->admin_down;
	LOGP(G.log_cat, LOGL_NOTICE, "CTRL: sip-peer %s set %s by the operator\n", p->name, cmd->value);
	return get_peer_state(cmd, data);
}

/* ---- asp.NAME, linkset.NAME ---- */

static int get_asp_state(struct ctrl_cmd *cmd, void *data)
{
	return reply(cmd, "%s", asp_state(cmd->node));
}

static int get_ls_state(struct ctrl_cmd *cmd, void *data)
{
	const struct ss7_linkset *ls = cmd->node;
	return reply(cmd, "%s", ls->available ? "available" : "unavailable");
}

/* ---- the commands ---- */

#define CMD(id, str, getf, setf, verifyf) \
	static struct ctrl_cmd_element cmd_##id = { .name = str, .get = getf, .set = setf, .verify = verifyf }
CMD(calls_active, "calls-active", get_calls_active, read_only, NULL);
CMD(calls, "calls", get_calls, read_only, NULL);
CMD(trunk_state, "state", get_trunk_state, read_only, NULL);
CMD(trunk_circuits, "circuits", get_trunk_circuits, read_only, NULL);
CMD(trunk_block, "block", write_only, set_trunk_block, verify_range);
CMD(trunk_unblock, "unblock", write_only, set_trunk_unblock, verify_range);
CMD(trunk_reset, "reset", write_only, set_trunk_reset, verify_range);
CMD(cic_state, "state", get_cic_state, read_only, NULL);
CMD(peer_state, "state", get_peer_state, set_peer_state, verify_peer_state);
CMD(asp_state, "state", get_asp_state, read_only, NULL);
CMD(ls_state, "state", get_ls_state, read_only, NULL);

/* ---- TRAPs ---- */

static void watch(const char *var, const char *value)
{
	struct watched *w = NULL;
	for (unsigned i = 0; i < G.n_w && !w; i++)
		if (!strcmp(G.w[i].var, var))
			w = &G.w[i];
	if (!w) {
		if (G.n_w == MAX_WATCHED)
			return;
		w = &G.w[G.n_w++];
		snprintf(w->var, sizeof(w->var), "%s", var);
		snprintf(w->value, sizeof(w->value), "%s", value); /* the first look sends nothing */
	}
	w->seen = true;
	if (!strcmp(w->value, value))
		return;
	snprintf(w->value, sizeof(w->value), "%s", value);
	LOGP(G.log_cat, LOGL_INFO, "CTRL: TRAP %s %s\n", var, value);
	if (G.ctrl)
		ctrl_cmd_send_trap(G.ctrl, var, w->value);
}

static void poll_cb(void *data)
{
	(void)data;
	char var[96];
	for (unsigned i = 0; i < G.n_w; i++)
		G.w[i].seen = false;
	struct gw_peer *p;
	llist_for_each_entry(p, &G.gw->peers, list) {
		snprintf(var, sizeof(var), "sip-peer.%s.state", p->name);
		watch(var, peer_state(p));
	}
	if (G.gw->router) {
		struct ss7_as *as;
		llist_for_each_entry(as, &G.gw->router->as_list, list) {
			for (unsigned i = 0; i < as->n_asps; i++) {
				if (!as->asps[i])
					continue;
				snprintf(var, sizeof(var), "asp.%s.state", as->asps[i]->name);
				watch(var, asp_state(as->asps[i]));
			}
		}
		struct ss7_linkset *ls;
		llist_for_each_entry(ls, &G.gw->router->linksets, list) {
			snprintf(var, sizeof(var), "linkset.%s.state", ls->name);
			watch(var, ls->available ? "available" : "unavailable");
		}
	}
	const struct gw_media *gm = G.gw->media;
	for (unsigned i = 0; gm && gm->mp && i < gm->n_spans; i++) {
		snprintf(var, sizeof(var), "span.%u.state", gm->spans[i].id);
		watch(var, media_plane_span_up(gm->mp, gm->spans[i].id) ? "up" : "down");
	}
	/* objects gone from the configuration: forgotten */
	for (unsigned i = 0; i < G.n_w;) {
		if (G.w[i].seen)
			i++;
		else
			G.w[i] = G.w[--G.n_w];
	}
	osmo_timer_schedule(&G.poll, 1, 0);
}

/* ---- start, VTY ---- */

int gw_ctrl_start(struct gw *gw)
{
	G.gw = gw;
	if (!G.port)
		return 0;
	G.ctrl = ctrl_interface_setup_dynip2(gw, G.addr, (uint16_t)G.port, lookup, _NODE_COUNT);
	if (!G.ctrl) {
		LOGP(G.log_cat, LOGL_ERROR, "CTRL: cannot listen on %s:%u: no CTRL interface\n", G.addr, G.port);
		return -EADDRNOTAVAIL;
	}
	/* the command vectors exist once the first handle is allocated */
	static bool installed;
	if (!installed) {
		installed = true;
		ctrl_cmd_install(CTRL_NODE_ROOT, &cmd_calls_active);
		ctrl_cmd_install(CTRL_NODE_ROOT, &cmd_calls);
		ctrl_cmd_install((enum ctrl_node_type)NODE_TRUNK, &cmd_trunk_state);
		ctrl_cmd_install((enum ctrl_node_type)NODE_TRUNK, &cmd_trunk_circuits);
		ctrl_cmd_install((enum ctrl_node_type)NODE_TRUNK, &cmd_trunk_block);
		ctrl_cmd_install((enum ctrl_node_type)NODE_TRUNK, &cmd_trunk_unblock);
		ctrl_cmd_install((enum ctrl_node_type)NODE_TRUNK, &cmd_trunk_reset);
		ctrl_cmd_install((enum ctrl_node_type)NODE_CIC, &cmd_cic_state);
		ctrl_cmd_install((enum ctrl_node_type)NODE_PEER, &cmd_peer_state);
		ctrl_cmd_install((enum ctrl_node_type)NODE_ASP, &cmd_asp_state);
		ctrl_cmd_install((enum ctrl_node_type)NODE_LINKSET, &cmd_ls_state);
	}
	LOGP(G.log_cat, LOGL_NOTICE, "CTRL interface on %s:%u\n", G.addr, G.port);
	osmo_timer_setup(&G.poll, poll_cb, NULL);
	poll_cb(NULL);
	return 0;
}

DEFUN(cfg_gw_ctrl, cfg_gw_ctrl_cmd, "ctrl-interface A.B.C.D <1-65535>",
      "The CTRL interface (Osmocom control protocol; takes effect at start)\n"
      "Local address to listen on (keep it local: the protocol has no authentication)\n"
      "TCP port (default 4271)\n")
{
	snprintf(G.addr, sizeof(G.addr), "%s", argv[0]);
	G.port = (unsigned)atoi(argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_no_ctrl, cfg_gw_no_ctrl_cmd, "no ctrl-interface", NO_STR "No CTRL interface (at the next start)\n")
{
	G.port = 0;
	return CMD_SUCCESS;
}

void gw_ctrl_config_write(struct vty *vty, const struct gw *gw)
{
	(void)gw;
	if (!G.port)
		vty_out(vty, " no ctrl-interface%s", VTY_NEWLINE);
	else if (G.port != GW_CTRL_PORT || strcmp(G.addr, "127.0.0.1"))
		vty_out(vty, " ctrl-interface %s %u%s", G.addr, G.port, VTY_NEWLINE);
}

void gw_ctrl_vty_init(struct gw *gw, int gw_node_id)
{
	G.gw = gw;
	install_element(gw_node_id, &cfg_gw_ctrl_cmd);
	install_element(gw_node_id, &cfg_gw_no_ctrl_cmd);
}
