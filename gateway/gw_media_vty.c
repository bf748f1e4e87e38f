/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The media node of the VTY: RTP range, workers, tone plan, echo canceller, jitter buffers, spans and the
 * trunks' CIC-to-timeslot mapping, written back as parsed; "show media". */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "gw.h"
#include "gw_call.h"
#include "gw_media.h"

static struct gw_media *g_gm;
static struct cmd_node media_node = { .node = 0, .prompt = "%s(config-media)# ", .vtysh = 1 };
static const char *plan_names[] = { "itu", "north-america", "uk", "germany" };

DEFUN(cfg_media, cfg_media_cmd, "media", "Configure the media plane (RTP, spans, DSP)\n")
{
	vty->node = media_node.node;
	return CMD_SUCCESS;
}

DEFUN(cfg_m_addr, cfg_m_addr_cmd, "rtp-address A.B.C.D",
      "Address RTP sockets bind to\n"
      "IPv4 address\n")
{
	snprintf(g_gm->cfg.rtp_addr, sizeof(g_gm->cfg.rtp_addr), "%s", argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_m_ports, cfg_m_ports_cmd, "rtp-port-range <1024-65534> <1025-65535>",
      "RTP/RTCP port pairs\n"
      "First (even)\n"
      "Last\n")
{
	unsigned a = (unsigned)atoi(argv[0]) & ~1u, b = (unsigned)atoi(argv[1]);
	if (b <= a) {
		vty_out(vty, "%% the range must hold at least one port pair%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	g_gm->cfg.port_min = (uint16_t)a;
	g_gm->cfg.port_max = (uint16_t)b;
	return CMD_SUCCESS;
}

DEFUN(cfg_m_workers, cfg_m_workers_cmd, "workers <0-64>",
      "Media worker threads\n"
      "Count (0: one per core)\n")
{
	g_gm->cfg.workers = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_m_plan, cfg_m_plan_cmd, "tone-plan (itu|north-america|uk|germany)",
      "Call progress tones played toward the PSTN\n"
      "ITU-T E.180 (Europe)\n"
      "North America\n"
      "United Kingdom\n"
      "Germany\n")
{
	for (unsigned i = 0; i < 4; i++)
		if (!strcmp(argv[0], plan_names[i]))
			g_gm->cfg.plan = (enum tone_plan)i;
	return CMD_SUCCESS;
}

DEFUN(cfg_m_ec_tail, cfg_m_ec_tail_cmd, "echo-canceller tail <32-128>",
      "Line echo canceller (G.168) facing the PSTN\n"
      "Tail length\n"
      "Milliseconds\n")
{
	g_gm->cfg.ec_tail_ms = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_m_ec, cfg_m_ec_cmd, "echo-canceller (on|off)",
      "Line echo canceller (G.168) facing the PSTN\n"
      "On for every call unless its IAM says an echo control device is already included\n"
      "Off\n")
{
	g_gm->cfg.ec_default = !strcmp(argv[0], "on");
	return CMD_SUCCESS;
}

DEFUN(cfg_m_jb, cfg_m_jb_cmd, "jitter-buffer <10-200> <20-600>",
      "Adaptive jitter buffer\n"
      "Least delay (ms)\n"
      "Most delay (ms)\n")
{
	g_gm->cfg.jb_min_ms = (unsigned)atoi(argv[0]);
	g_gm->cfg.jb_max_ms = (unsigned)atoi(argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_m_span_to, cfg_m_span_to_cmd, "span-timeout <10-10000>",
      "A span whose CESoPSN stream stops this long is down\n"
      "Milliseconds\n")
{
	g_gm->cfg.span_timeout_ms = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_m_span_jb, cfg_m_span_jb_cmd, "span-jitter-buffer <1-32>",
      "CESoPSN spans: frames held before playout, against the packet network's jitter\n"
      "Milliseconds\n")
{
	g_gm->cfg.span_jb_ms = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_m_span_blk, cfg_m_span_blk_cmd, "span-down-blocking (on|off)",
      "Circuits of a failed span: hardware oriented blocking toward the far exchange (CGB, Q.764 2.8.2)\n"
      "Block them while the span is down, unblock when it is back (default)\n"
      "Leave them as they are\n")
{
	g_gm->span_blocking = !strcmp(argv[0], "on");
	if (g_gm->mp)
		gw_media_span_blocking_sync(g_gm); /* failed spans now: blocked, or unblocked */
	return CMD_SUCCESS;
}

DEFUN(cfg_m_learn, cfg_m_learn_cmd, "rtp-learning <0-60000>",
      "Symmetric RTP: how long after an SDP a new source address may be learned (0: never)\n"
      "Milliseconds\n")
{
	g_gm->cfg.learn_ms = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

/* the span's entry, cleared, with number, type and law from argv[0..2] */
static struct media_span_cfg *span_slot(struct vty *vty, const char **argv)
{
	unsigned id = (unsigned)atoi(argv[0]);
	struct media_span_cfg *sc = (struct media_span_cfg *)gw_media_span_cfg(g_gm, id);
	if (!sc) {
		if (g_gm->n_spans >= GW_MEDIA_MAX_SPANS) {
			vty_out(vty, "%% too many spans%s", VTY_NEWLINE);
			return NULL;
		}
		sc = &g_gm->spans[g_gm->n_spans++];
	}
	memset(sc, 0, sizeof(*sc));
	sc->id = id;
	tdm_span_init(&sc->layout, !strcmp(argv[1], "e1") ? TDM_SPAN_E1 : TDM_SPAN_T1);
	sc->layout.law = !strcmp(argv[2], "alaw") ? TDM_LAW_ALAW : TDM_LAW_ULAW;
	return sc;
}

static void span_apply(struct vty *vty, const struct media_span_cfg *sc)
{
	if (!g_gm->mp)
		return;
	int rc = media_plane_span_add(g_gm->mp, sc);
	if (rc == -ENOTSUP)
		vty_out(vty, "%% span %u: built without DAHDI%s", sc->id, VTY_NEWLINE);
	else if (rc < 0)
		vty_out(vty, "%% span %u takes effect at the next start (%s)%s", sc->id, strerror(-rc), VTY_NEWLINE);
}

DEFUN(cfg_m_span, cfg_m_span_cmd,
      "span <0-255> (e1|t1) (alaw|ulaw) udp local A.B.C.D <1-65535> remote A.B.C.D <1-65535>",
      "A TDM span\n"
      "Span number\n"
      "E1: 31 timeslots\n"
      "T1: 24 timeslots\n"
      "A-law\n"
      "mu-law\n"
      "Virtual span over UDP, CESoPSN (RFC 5086)\n"
      "Local end\n"
      "Address\n"
      "Port\n"
      "Far end\n"
      "Address\n"
      "Port\n")
{
	struct media_span_cfg *sc = span_slot(vty, argv);
	if (!sc)
		return CMD_WARNING;
	sc->driver = MEDIA_SPAN_UDP;
	snprintf(sc->local_addr, sizeof(sc->local_addr), "%s", argv[3]);
	sc->local_port = (uint16_t)atoi(argv[4]);
	snprintf(sc->remote_addr, sizeof(sc->remote_addr), "%s", argv[5]);
	sc->remote_port = (uint16_t)atoi(argv[6]);
	span_apply(vty, sc);
	return CMD_SUCCESS;
}

DEFUN(cfg_m_span_dahdi, cfg_m_span_dahdi_cmd, "span <0-255> (e1|t1) (alaw|ulaw) dahdi base <1-4096>",
      "A TDM span\n"
      "Span number\n"
      "E1: 31 timeslots\n"
      "T1: 24 timeslots\n"
      "A-law\n"
      "mu-law\n"
      "DAHDI card: /dev/dahdi/channel, 160-octet blocks\n"
      "DAHDI channel number of timeslot 1\n"
      "Channel\n")
{
	struct media_span_cfg *sc = span_slot(vty, argv);
	if (!sc)
		return CMD_WARNING;
	sc->driver = MEDIA_SPAN_DAHDI;
	sc->dahdi_base = (unsigned)atoi(argv[3]);
	span_apply(vty, sc);
	return CMD_SUCCESS;
}

/* the trunk group's entry, created empty when new; NULL when the table is full */
static struct gw_media_trunk *trunk_entry(struct gw_media *gm, const char *name)
{
	for (unsigned i = 0; i < gm->n_trunks; i++)
		if (!strcmp(gm->trunks[i].trunk, name))
			return &gm->trunks[i];
	if (gm->n_trunks >= GW_MEDIA_MAX_TRUNKS)
		return NULL;
	struct gw_media_trunk *t = &gm->trunks[gm->n_trunks++];
	memset(t, 0, sizeof(*t));
	snprintf(t->trunk, sizeof(t->trunk), "%s", name);
	t->ec = -1;
	return t;
}

DEFUN(cfg_m_trunk, cfg_m_trunk_cmd, "trunk-spans NAME cic-base <0-16383> .SPANS",
      "Which spans carry an ISUP trunk group's circuits (E1: CIC = base + 32 x span index + TS)\n"
      "Trunk group name\n"
      "CIC of timeslot 0 of the first span\n"
      "CIC\n"
      "Span numbers, in CIC order\n")
{
	struct gw_media_trunk *t = trunk_entry(g_gm, argv[0]);
	if (!t) {
		vty_out(vty, "%% too many trunk groups%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	t->cic_base = (uint16_t)atoi(argv[1]);
	t->n_spans = 0;
	memset(t->hw_blocked, 0, sizeof(t->hw_blocked));
	for (int i = 2; i < argc && t->n_spans < GW_MEDIA_TRUNK_SPANS; i++)
		t->spans[t->n_spans++] = (unsigned)atoi(argv[i]);
	return CMD_SUCCESS;
}

DEFUN(cfg_m_trunk_ec, cfg_m_trunk_ec_cmd, "trunk-echo-canceller NAME (on|off|default)",
      "Echo canceller on one ISUP trunk group's calls (an IAM saying an echo control device is already\n"
      "included still switches it off)\n"
      "Trunk group name\n"
      "On\n"
      "Off\n"
      "As `echo-canceller on|off`\n")
{
	struct gw_media_trunk *t = trunk_entry(g_gm, argv[0]);
	if (!t) {
		vty_out(vty, "%% too many trunk groups%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	t->ec = !strcmp(argv[1], "on") ? 1 : !strcmp(argv[1], "off") ? 0 : -1;
	return CMD_SUCCESS;
}

static int config_write_media(struct vty *vty)
{
	const struct media_plane_cfg *c = &g_gm->cfg;
	vty_out(vty, "media%s", VTY_NEWLINE);
	vty_out(vty, " rtp-address %s%s", c->rtp_addr, VTY_NEWLINE);
	vty_out(vty, " rtp-port-range %u %u%s", c->port_min, c->port_max, VTY_NEWLINE);
	vty_out(vty, " workers %u%s", c->workers, VTY_NEWLINE);
	vty_out(vty, " tone-plan %s%s", plan_names[c->plan % 4], VTY_NEWLINE);
	vty_out(vty, " echo-canceller tail %u%s", c->ec_tail_ms, VTY_NEWLINE);
	vty_out(vty, " echo-canceller %s%s", c->ec_default ? "on" : "off", VTY_NEWLINE);
	vty_out(vty, " jitter-buffer %u %u%s", c->jb_min_ms, c->jb_max_ms, VTY_NEWLINE);
	vty_out(vty, " span-timeout %u%s", c->span_timeout_ms, VTY_NEWLINE);
	vty_out(vty, " span-jitter-buffer %u%s", c->span_jb_ms, VTY_NEWLINE);
	vty_out(vty, " span-down-blocking %s%s", g_gm->span_blocking ? "on" : "off", VTY_NEWLINE);
	vty_out(vty, " rtp-learning %u%s", c->learn_ms, VTY_NEWLINE);
	for (unsigned i = 0; i < g_gm->n_spans; i++) {
		const struct media_span_cfg *s = &g_gm->spans[i];
		const char *type = s->layout.type == TDM_SPAN_E1 ? "e1" : "t1";
		const char *law = s->layout.law == TDM_LAW_ALAW ? "alaw" : "ulaw";
		if (s->driver == MEDIA_SPAN_DAHDI)
			vty_out(vty, " span %u %s %s dahdi base %u%s", s->id, type, law, s->dahdi_base, VTY_NEWLINE);
		else
			vty_out(vty, " span %u %s %s udp local %s %u remote %s %u%s", s->id, type, law, s->local_addr,
				s->local_port, s->remote_addr, s->remote_port, VTY_NEWLINE);
	}
	for (unsigned i = 0; i < g_gm->n_trunks; i++) {
		const struct gw_media_trunk *t = &g_gm->trunks[i];
		if (t->n_spans) {
			vty_out(vty, " trunk-spans %s cic-base %u", t->trunk, t->cic_base);
			for (unsigned k = 0; k < t->n_spans; k++)
				vty_out(vty, " %u", t->spans[k]);
			vty_out(vty, "%s", VTY_NEWLINE);
		}
		if (t->ec >= 0)
			vty_out(vty, " trunk-echo-canceller %s %s%s", t->trunk, t->ec ? "on" : "off", VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

DEFUN(show_media, show_media_cmd, "show media", SHOW_STR "Media plane: spans and the calls' RTP statistics\n")
{
	struct gw_media *gm = g_gm;
	if (!gm->mp) {
		vty_out(vty, "media plane not running (no span configured)%s", VTY_NEWLINE);
		return CMD_SUCCESS;
	}
	vty_out(vty, "workers %u, channels %u, RTP %s:%u-%u%s", media_plane_n_workers(gm->mp),
		media_plane_n_chans(gm->mp), gm->cfg.rtp_addr, gm->cfg.port_min, gm->cfg.port_max, VTY_NEWLINE);
	for (unsigned i = 0; i < media_plane_n_workers(gm->mp); i++) {
		uint64_t cpu_us, late;
		if (!media_plane_worker_load(gm->mp, i, &cpu_us, &late))
			vty_out(vty, "worker %u: CPU %" PRIu64 ".%03" PRIu64 " s, %" PRIu64 " late ticks%s", i,
				cpu_us / 1000000, cpu_us / 1000 % 1000, late, VTY_NEWLINE);
	}
	for (unsigned i = 0; i < gm->n_spans; i++) {
		const struct media_span_cfg *sc = &gm->spans[i];
		const char *st = !media_plane_span_known(gm->mp, sc->id) ? "NOT STARTED" :
				 media_plane_span_up(gm->mp, sc->id)	 ? "up" :
									   "DOWN";
		if (sc->driver == MEDIA_SPAN_DAHDI)
			vty_out(vty, "span %u: %s, DAHDI channels %u-%u%s", sc->id, st, sc->dahdi_base,
				sc->dahdi_base + tdm_span_n_ts(&sc->layout) - 1, VTY_NEWLINE);
		else
			vty_out(vty, "span %u: %s, CESoPSN %s:%u <-> %s:%u%s", sc->id, st, sc->local_addr,
				sc->local_port, sc->remote_addr, sc->remote_port, VTY_NEWLINE);
	}
	vty_out(vty, "%-10s %-5s %-8s %-6s %-21s %8s %8s %6s %6s %7s %5s%s", "call", "CIC", "span/TS", "port", "remote",
		"rx", "tx", "lost", "jit-ms", "foreign", "dtmf", VTY_NEWLINE);
	struct gw_call *c;
	llist_for_each_entry(c, &gm->gw->calls, list) {
		if (!c->mc)
			continue;
		const struct media_stats *s = media_chan_stats(c->mc);
		const struct media_remote *r = media_chan_get_remote(c->mc);
		char rem[80], st[16];
		snprintf(rem, sizeof(rem), "%s:%u", r ? r->addr : "-", r ? r->port : 0);
		snprintf(st, sizeof(st), "%u/%u", media_chan_span(c->mc), media_chan_ts(c->mc));
		vty_out(vty, "call-%-5u %-5u %-8s %-6u %-21s %8u %8u %6d %6u %7u %2u/%-2u%s", c->id,
			c->ic && c->ic->circ ? c->ic->circ->cic : 0, st, media_chan_port(c->mc), rem, s->rx_packets,
			s->tx_packets, s->lost, s->jitter_ms, s->foreign, s->events_rx, s->events_tx, VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

void gw_media_vty_init(struct gw_media *gm, int node_id, int log_cat)
{
	g_gm = gm;
	gw_media_set_log_cat(log_cat);
	media_node.node = node_id;
	install_element(CONFIG_NODE, &cfg_media_cmd);
	install_node(&media_node, config_write_media);
	install_element(node_id, &cfg_m_addr_cmd);
	install_element(node_id, &cfg_m_ports_cmd);
	install_element(node_id, &cfg_m_workers_cmd);
	install_element(node_id, &cfg_m_plan_cmd);
	install_element(node_id, &cfg_m_ec_tail_cmd);
	install_element(node_id, &cfg_m_ec_cmd);
	install_element(node_id, &cfg_m_jb_cmd);
	install_element(node_id, &cfg_m_span_to_cmd);
	install_element(node_id, &cfg_m_span_jb_cmd);
	install_element(node_id, &cfg_m_span_blk_cmd);
	install_element(node_id, &cfg_m_learn_cmd);
	install_element(node_id, &cfg_m_span_cmd);
	install_element(node_id, &cfg_m_span_dahdi_cmd);
	install_element(node_id, &cfg_m_trunk_cmd);
	install_element(node_id, &cfg_m_trunk_ec_cmd);
	install_element_ve(&show_media_cmd);
}
