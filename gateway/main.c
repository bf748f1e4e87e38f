/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isupgw: the SS7/ISUP <-> SIP gateway daemon. One control-plane thread: libosmocore's select loop drives
 * M3UA/MTP2, ISUP, the VTY and (through a glib context) sofia-sip. SIGTERM/SIGINT release every call
 * (REL/RLC and BYE/CANCEL), writing their CDRs, and take the ASPs down (ASPIA, ASPDN) before exit; SIGHUP
 * reopens log files and rotates the CDR file. */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/stats.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/vty/vty.h>

#include "config.h"
#include "config/isupgw_log.h"
#include "config/isupgw_vty.h"
#include "gateway/gw_accept.h"
#include "gateway/gw_media.h"
#include "gateway/gw_ctrl.h"
#include "gateway/gw_maint.h"
#include "gateway/gw_metrics.h"
#include "gateway/gw.h"
#include "gateway/gw_route.h"
#include "gateway/gw_notify.h"
#include "isup/isup.h"
#include "isup/mtp/mtp.h"

static volatile sig_atomic_t got_term, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

static void wake_cb(void *data)
{
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static bool circuits_idle(struct isup_net *net)
{
	struct isup_trunk *tg;
	llist_for_each_entry(tg, &net->trunks, list)
		if (!llist_empty(&tg->calls))
			return false;
	return true;
}

/* SIGTERM: no new calls, release the ones up, wait (bounded) for RLCs and SIP transactions */
static void drain(struct gw *gw, unsigned timeout_ms)
{
	LOGP(DCALL, LOGL_NOTICE, "terminating: releasing %u calls\n", gw->n_calls);
	gw->stopping = true;
	gw_release_all(gw);
	struct osmo_timer_list wake = { 0 };
	osmo_timer_setup(&wake, wake_cb, NULL);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((gw->n_calls || !circuits_idle(gw->net)) && ms_since(&t0) < (long)timeout_ms) {
		osmo_timer_schedule(&wake, 0, 50000);
		sip_agent_select(gw->sip, 0);
	}
	osmo_timer_del(&wake);
	struct ss7_as *as;
	llist_for_each_entry(as, &gw->router->as_list, list)
		for (unsigned i = 0; i < as->n_asps; i++)
			m3ua_link_shutdown(as->asps[i]);
	/* let ASPIA/ASPDN leave */
	osmo_select_main(1);
}

static void usage(void)
{
	printf("usage: isupgw [-c FILE] [--check] [-V] [-h]\n"
	       "  -c FILE   configuration file (default: the embedded configuration, see --dump-default)\n"
	       "  --check   read the configuration, say whether it is valid, and exit (0 when it is)\n"
	       "  --dump-default  print the embedded configuration and exit\n"
	       "  --vty-ref-xml   print every VTY node and command as libosmocore's XML reference and exit\n"
	       "  -V        version\n");
}

/* Descriptors: the soft limit goes up to the hard one (Debian's soft 1024 would let a flood of SIP
 * connections starve M3UA reconnects, the VTY and RTP sockets), and the SIP connection limit stays a
 * reserve below it, so that a flood is refused by the limit, never by the kernel. */
#define FD_RESERVE 256
static void fd_limits(struct gw *gw)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t was = rl.rlim_cur;
		rl.rlim_cur = rl.rlim_max;
		if (!setrlimit(RLIMIT_NOFILE, &rl))
			LOGP(DCALL, LOGL_INFO, "descriptor limit raised from %lu to %lu\n", (unsigned long)was,
			     (unsigned long)rl.rlim_cur);
		else
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	/* what the media plane's RTP ports and the rest need comes first */
	unsigned long room =
		rl.rlim_cur > 2 * FD_RESERVE ? (unsigned long)rl.rlim_cur - FD_RESERVE : (unsigned long)rl.rlim_cur / 2;
	unsigned *max = &gw->sip_cfg.tcp_max_conns;
	if (!*max || *max > room) {
		LOGP(DCALL, LOGL_NOTICE,
		     "SIP connection limit %u lowered to %lu: %lu descriptors, %u kept for the rest\n", *max, room,
		     (unsigned long)rl.rlim_cur, (unsigned)(rl.rlim_cur - room));
		*max = (unsigned)room;
	}
}

/* The VTY's protection, as the configuration sets it (libosmocore keeps its passwords private): a line
 * password with 'login' under 'line vty', and an enable password for the configure and maintenance
 * commands. Said at start, louder when the VTY listens beyond loopback. */
static void vty_security_notice(const char *cfg_text)
{
	bool line_pw = false, enable_pw = false, login = false;
	const char *p = cfg_text;
	while (p && *p) {
		if (!strncmp(p, "password ", 9))
			line_pw = true;
		else if (!strncmp(p, "enable password ", 16))
			enable_pw = true;
		else if (!strncmp(p, " login", 6) && (p[6] == '\n' || p[6] == '\r' || !p[6]))
			login = true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	const char *addr = vty_get_bind_addr();
	bool local = addr && (!strncmp(addr, "127.", 4) || !strcmp(addr, "::1") || !strcmp(addr, "localhost"));
	if (line_pw && login && enable_pw)
		return;
	LOGP(DCALL, local ? LOGL_NOTICE : LOGL_ERROR,
	     "VTY on %s: %s%s - anyone who reaches it %s (set 'password' and 'enable password', and 'login' "
	     "under 'line vty')\n",
	     addr ? addr : "?", line_pw && login ? "" : "no login password",
	     enable_pw ? "" : (line_pw && login ? "no enable password" : ", no enable password"),
	     enable_pw ? "can look" : "can reconfigure the gateway");
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t size = 0;
	FILE *m = open_memstream(&buf, &size);
	if (m) {
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			fwrite(chunk, 1, n, m);
		fclose(m);
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	const char *cfg_file = NULL;
	bool check_only = false, vty_ref = false;
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "dump-default", no_argument, NULL, 'D' },
		{ "check", no_argument, NULL, 'C' },
		{ "vty-ref-xml", no_argument, NULL, 'X' },
		{ NULL, 0, NULL, 0 },
	};
	int o;
	while ((o = getopt_long(argc, argv, "c:Vh", lo, NULL)) != -1) {
		switch (o) {
		case 'c':
			cfg_file = optarg;
			break;
		case 'V':
			printf("isupgw %s\n", isupgw_vty_info.version);
			return 0;
		case 'D':
			fputs(isupgw_default_config, stdout);
			return 0;
		case 'C':
			check_only = true;
			break;
		case 'X':
			vty_ref = true;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}

	void *ctx = talloc_named_const(NULL, 0, "isupgw");
	msgb_talloc_ctx_init(ctx, 0);
	osmo_init_logging2(ctx, &isupgw_log_info);
	osmo_stats_init(ctx);
	rate_ctr_init(ctx);
	vty_init(&isupgw_vty_info);
	logging_vty_add_cmds();
	osmo_talloc_vty_add_cmds();
	osmo_stats_vty_add_cmds();

	isup_cc_init(DISUP);
	mtp_init(DMTP, DM3UA);
	sip_agent_init(DSIP);
	gw_init(DCALL);
	gw_ovl_init(DOVERLOAD);
	gw_metrics_init(DMETRICS);
	gw_ctrl_init(DVTY);

	struct gw *gw = gw_alloc(ctx);
	gw->net = isup_net_alloc(ctx);
	gw->router = ss7_router_alloc(ctx, false);
	if (!gw->router || isup_net_attach_mtp(gw->net, gw->router) < 0) {
		fprintf(stderr, "isupgw: cannot set up MTP\n");
		return 1;
	}
	gw->net->user = &gw_isup_ops;
	gw->net->user_priv = gw;
	isup_vty_init(gw->net, ISUPGW_NODE_ISUP, ISUPGW_NODE_ISUP_TRUNK);
	ss7_vty_init(gw->router, ISUPGW_NODE_CS7);
	gw_vty_init(gw, ISUPGW_NODE_SIP, ISUPGW_NODE_SIP_PEER, ISUPGW_NODE_GATEWAY);
	gw_number_vty_init(gw->numbers, ISUPGW_NODE_NUMBER_RULES);
	gw_route_vty_init(gw, ISUPGW_NODE_ROUTE_LIST, ISUPGW_NODE_ROUTE_ENTRY);
	gw->media = gw_media_alloc(gw);
	gw_media_vty_init(gw->media, ISUPGW_NODE_MEDIA, DMEDIA);
	gw_metrics_alloc(gw);
	gw_metrics_vty_init(gw, ISUPGW_NODE_GATEWAY);
	gw_cdr_vty_init(gw->cdr, ISUPGW_NODE_CDR);
	/* every node is installed: the reference that isupgw.cfg(5) is written from (docs/man) */
	if (vty_ref)
		return vty_dump_xml_ref_mode(stdout, VTY_REF_GEN_MODE_DEFAULT) < 0 ? 1 : 0;

	int rc;
	if (cfg_file) {
		rc = vty_read_config_file(cfg_file, NULL);
	} else {
		FILE *f = fmemopen((void *)isupgw_default_config, strlen(isupgw_default_config), "r");
		rc = f ? vty_read_config_filep(f, NULL) : -1;
		if (f)
			fclose(f);
	}
	if (rc < 0) {
		fprintf(stderr, "isupgw: cannot read the configuration %s\n", cfg_file ? cfg_file : "(embedded)");
		return 1;
	}
	if (check_only) {
		printf("isupgw: configuration %s is valid\n", cfg_file ? cfg_file : "(embedded)");
		return 0;
	}
	gw_cdr_start(gw->cdr);
	if (gw_media_start(gw->media) < 0) {
		fprintf(stderr, "isupgw: cannot start the media plane\n");
		return 1;
	}
	/* at the descriptor limit the VTY's accept backs off instead of spinning (gw_accept.c) */
	struct gw_accept_guard *vty_guard =
		gw_accept_guard_alloc(ctx, "VTY", rate_ctr_group_get_ctr(gw->ctrs, GW_CTR_VTY_ACCEPT_BACKOFF), DVTY);
	if (telnet_init_default(ctx, vty_guard, ISUPGW_VTY_PORT) < 0) {
		fprintf(stderr, "isupgw: cannot open the VTY on port %d\n", ISUPGW_VTY_PORT);
		return 1;
	}
	if (!vty_guard || gw_accept_guard_attach(vty_guard) < 0)
		LOGP(DVTY, LOGL_ERROR, "VTY: its listening socket not found, no accept back-off\n");
	if (cfg_file) {
		char *text = read_text(cfg_file);
		vty_security_notice(text);
		free(text);
	} else {
		vty_security_notice(isupgw_default_config);
	}
	fd_limits(gw);
	gw->sip = sip_agent_alloc(ctx, &gw->sip_cfg, &gw_sip_ops, gw);
	if (gw->sip) {
		sip_agent_set_known_sources(gw->sip, gw_peer_known_source, gw);
		gw_peers_tls_subjects(gw);
	}
	if (!gw->sip || sip_agent_start(gw->sip) < 0) {
		fprintf(stderr, "isupgw: cannot start SIP on %s\n", gw->sip_cfg.bind_url);
		return 1;
	}
	gw_peers_start(gw);
	gw_overload_start(gw);
	if (gw->metrics && gw_metrics_apply(gw->metrics) < 0) {
		fprintf(stderr, "isupgw: cannot open the metrics endpoint (see the log)\n");
		return 1;
	}
	gw_ctrl_start(gw);
	/* the operator's blocking from before a restart, applied when each trunk's relation comes up */
	gw_maint_load(gw);
	/* trunks wait for their signalling relation: MTP-RESUME comes when an ASP or linkset is up */
	struct isup_trunk *tg;
	llist_for_each_entry(tg, &gw->net->trunks, list)
		isup_trunk_mtp_pause(tg);

	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN); /* a file size limit fails the CDR write (EFBIG), it does not kill us */
	LOGP(DCALL, LOGL_NOTICE, "isupgw %s running (VTY on telnet port %d)\n", isupgw_vty_info.version,
	     ISUPGW_VTY_PORT);
	struct gw_notify *notify = gw_notify_alloc(ctx, DCALL);
	char status[256];
	snprintf(status, sizeof(status), "links started, SIP on %s", gw->sip_cfg.bind_url);
	gw_notify_ready(notify, status);
	while (!got_term) {
		sip_agent_select(gw->sip, 0);
		if (got_hup) {
			got_hup = 0;
			log_targets_reopen();
			LOGP(DCALL, LOGL_NOTICE, "SIGHUP: log files reopened\n");
			gw_cdr_file_rotate(gw->cdr->file, "SIGHUP");
		}
	}
	gw_notify_stopping(notify);
	drain(gw, 5000);
	gw_cdr_flush(gw); /* calls the drain could not end */
	gw_cdr_file_close(gw->cdr->file);
	gw_media_stop(gw->media);
	sip_agent_free(gw->sip, 2000);
	LOGP(DCALL, LOGL_NOTICE, "isupgw stopped\n");
	return 0;
}
