/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VTY: "sip" (our agent), "sip-peer NAME" (trunks to SIP peers), "gateway" (routes, interworking timers),
 * and show commands. Each node writes back what it parses. */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/tdef.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/tdef_vty.h>
#include <osmocom/vty/vty.h>

#include "gw.h"
#include "gw_call.h"
#include "gw_ctrl.h"
#include "gw_maint.h"
#include "gw_metrics.h"

static struct gw *g_gw;
static int n_sip, n_peer, n_gw;

static struct cmd_node sip_node = { .prompt = "%s(config-sip)# ", .vtysh = 1 };
static struct cmd_node peer_node = { .prompt = "%s(config-sip-peer)# ", .vtysh = 1 };
static struct cmd_node gw_node = { .prompt = "%s(config-gateway)# ", .vtysh = 1 };

static void out_text(struct vty *vty, char *s)
{
	vty_out(vty, "%s", s);
	talloc_free(s);
}

/* ---- sip ---- */

DEFUN(cfg_sip, cfg_sip_cmd, "sip", "Configure the SIP agent\n")
{
	vty->node = n_sip;
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_local, cfg_sip_local_cmd, "local URL",
      "Where the agent listens (UDP and TCP)\n"
      "A SIP URI such as sip:127.0.0.1:5060\n")
{
	snprintf(g_gw->sip_cfg.bind_url, sizeof(g_gw->sip_cfg.bind_url), "%s", argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_media, cfg_sip_media_cmd, "media-address A.B.C.D",
      "Address our SDP names for media\n"
      "IPv4 address\n")
{
	snprintf(g_gw->media_addr, sizeof(g_gw->media_addr), "%s", argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_rtp, cfg_sip_rtp_cmd, "rtp-base <1024-64000>",
      "First RTP port of the range\n"
      "Port (even)\n")
{
	g_gw->rtp_base = g_gw->rtp_next = (uint16_t)(atoi(argv[0]) & ~1);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_ttimeout, cfg_sip_ttimeout_cmd, "transaction-timeout <500-32000>",
      "How long a transaction waits for its final response (64*T1: Timer B/F); shorter means faster failover\n"
      "Milliseconds (default 32000)\n")
{
	g_gw->sip_cfg.t1x64_ms = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

#define TCP_STR "Connections (TCP, TLS) that peers open to us\n"
DEFUN(cfg_sip_tcp_max, cfg_sip_tcp_max_cmd, "tcp max-connections <0-1000000>",
      TCP_STR "How many may be open at once; more are closed at once (0: no limit but the descriptors)\n"
	      "Connections (default 1024)\n")
{
	g_gw->sip_cfg.tcp_max_conns = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_tcp_max_src, cfg_sip_tcp_max_src_cmd, "tcp max-connections-per-source <0-65535>",
      TCP_STR "How many one source address may hold open; more are closed at once (0: no limit)\n"
	      "Connections (default 32)\n")
{
	g_gw->sip_cfg.tcp_max_conns_per_src = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_tcp_idle, cfg_sip_tcp_idle_cmd, "tcp idle-timeout <0-86400>",
      TCP_STR "A connection that carried nothing this long is closed (0: sofia's 30 minutes)\n"
	      "Seconds (default 120)\n")
{
	g_gw->sip_cfg.tcp_idle_s = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_tcp_msg, cfg_sip_tcp_msg_cmd, "tcp message-timeout <0-3600>",
      TCP_STR "A connection silent since it opened, or with a message begun and not finished, is closed after this "
	      "(0: never)\n"
	      "Seconds (default 32)\n")
{
	g_gw->sip_cfg.tcp_msg_timeout_s = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_maxsize, cfg_sip_maxsize_cmd, "max-message-size <1024-16777216>",
      "The largest SIP message taken (any transport); a larger one is refused before its body is read\n"
      "Bytes (default 65536)\n")
{
	g_gw->sip_cfg.max_msg_size = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_udp_rcvbuf, cfg_sip_udp_rcvbuf_cmd, "udp receive-buffer <0-262144>",
      "UDP transport\n"
      "The receive buffer of each UDP socket: what waits while the control thread is busy (beyond it datagrams "
      "are dropped)\n"
      "KiB (default " OSMO_STRINGIFY_VAL(SIP_UDP_RCVBUF_KIB_DEFAULT) "; 0: the system's default)\n")
{
	g_gw->sip_cfg.udp_rcvbuf_kib = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_st, cfg_sip_st_cmd, "session-timer <0-86400>",
      "RFC 4028 session timer: the Session-Expires our INVITEs ask for; refreshes go as UPDATE\n"
      "Seconds (0: we ask for none but honour the peer's; otherwise at least min-se)\n")
{
	unsigned v = (unsigned)atoi(argv[0]);
	if (v && v < 90) {
		vty_out(vty, "%% RFC 4028 s4: a session interval is at least 90 s%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	g_gw->sip_cfg.session_expires = v;
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_minse, cfg_sip_minse_cmd, "min-se <90-86400>",
      "RFC 4028: the smallest session interval we accept (smaller: 422)\n"
      "Seconds (default 90)\n")
{
	g_gw->sip_cfg.min_se = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_refresher, cfg_sip_refresher_cmd, "session-refresher (any|local|remote)",
      "RFC 4028: who refreshes a session when the choice is ours\n"
      "Leave it to the UAC (default)\n"
      "We refresh\n"
      "The peer refreshes\n")
{
	g_gw->sip_cfg.refresher = argv[0][0] == 'l' ? SIP_REFRESHER_LOCAL :
				  argv[0][0] == 'r' ? SIP_REFRESHER_REMOTE :
						      SIP_REFRESHER_ANY;
	return CMD_SUCCESS;
}

#define TLS_STR "TLS transport (RFC 3261 26.2; sofia's tport_tls over OpenSSL)\n"

DEFUN(cfg_sip_tls_local, cfg_sip_tls_local_cmd, "tls local URL",
      TLS_STR "Where the agent listens for TLS\n"
	      "A sips: URI such as sips:127.0.0.1:5061\n")
{
	snprintf(g_gw->sip_cfg.tls_url, sizeof(g_gw->sip_cfg.tls_url), "%s", argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_tls_file, cfg_sip_tls_file_cmd, "tls (certificate|private-key|ca-file) FILE",
      TLS_STR "Our certificate (PEM, chain allowed)\n"
	      "Its private key (PEM)\n"
	      "CA certificates the peers' certificates are checked against (PEM)\n"
	      "File name\n")
{
	struct sip_agent_cfg *c = &g_gw->sip_cfg;
	char *dst = argv[0][0] == 'c' && argv[0][1] == 'e' ? c->tls_cert : argv[0][0] == 'p' ? c->tls_key : c->tls_ca;
	snprintf(dst, sizeof(c->tls_cert), "%s", argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_tls_verify, cfg_sip_tls_verify_cmd, "tls verify (none|peer)",
      TLS_STR "Certificate checks\n"
	      "Accept any certificate (for tests only: anyone can then be any TLS peer)\n"
	      "Both directions (default): the certificate must chain to the ca-file and name the peer: toward a peer "
	      "its remote host, from a peer one of the TLS peers' hosts or TLS allow-source addresses (CN or "
	      "subjectAltName); peers connecting to us must present one\n")
{
	g_gw->sip_cfg.tls_verify = argv[0][0] == 'p';
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_no_tls, cfg_sip_no_tls_cmd, "no tls", NO_STR TLS_STR)
{
	g_gw->sip_cfg.tls_url[0] = 0;
	return CMD_SUCCESS;
}

static int config_write_sip(struct vty *vty)
{
	vty_out(vty, "sip%s", VTY_NEWLINE);
	vty_out(vty, " local %s%s", g_gw->sip_cfg.bind_url, VTY_NEWLINE);
	vty_out(vty, " media-address %s%s", g_gw->media_addr, VTY_NEWLINE);
	vty_out(vty, " rtp-base %u%s", g_gw->rtp_base, VTY_NEWLINE);
	if (g_gw->sip_cfg.t1x64_ms)
		vty_out(vty, " transaction-timeout %u%s", g_gw->sip_cfg.t1x64_ms, VTY_NEWLINE);
	static const char *const refr[] = { "any", "local", "remote" };
	vty_out(vty, " session-timer %u%s", g_gw->sip_cfg.session_expires, VTY_NEWLINE);
	vty_out(vty, " min-se %u%s", g_gw->sip_cfg.min_se ? g_gw->sip_cfg.min_se : 90, VTY_NEWLINE);
	vty_out(vty, " session-refresher %s%s", refr[g_gw->sip_cfg.refresher], VTY_NEWLINE);
	const struct sip_agent_cfg *c = &g_gw->sip_cfg;
	vty_out(vty, " tcp max-connections %u%s", c->tcp_max_conns, VTY_NEWLINE);
	vty_out(vty, " tcp max-connections-per-source %u%s", c->tcp_max_conns_per_src, VTY_NEWLINE);
	vty_out(vty, " tcp idle-timeout %u%s", c->tcp_idle_s, VTY_NEWLINE);
	vty_out(vty, " tcp message-timeout %u%s", c->tcp_msg_timeout_s, VTY_NEWLINE);
	vty_out(vty, " max-message-size %u%s", c->max_msg_size, VTY_NEWLINE);
	vty_out(vty, " udp receive-buffer %u%s", c->udp_rcvbuf_kib, VTY_NEWLINE);
	vty_out(vty, " auth-realm %s%s", g_gw->auth_realm, VTY_NEWLINE);
	if (c->tls_url[0]) {
		vty_out(vty, " tls local %s%s", c->tls_url, VTY_NEWLINE);
		if (c->tls_cert[0])
			vty_out(vty, " tls certificate %s%s", c->tls_cert, VTY_NEWLINE);
		if (c->tls_key[0])
			vty_out(vty, " tls private-key %s%s", c->tls_key, VTY_NEWLINE);
		if (c->tls_ca[0])
			vty_out(vty, " tls ca-file %s%s", c->tls_ca, VTY_NEWLINE);
		vty_out(vty, " tls verify %s%s", c->tls_verify ? "peer" : "none", VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

/* ---- sip-peer ---- */

DEFUN(cfg_peer, cfg_peer_cmd, "sip-peer NAME",
      "Configure a SIP peer (trunk)\n"
      "Peer name\n")
{
	struct gw_peer *p = gw_peer_get(g_gw, argv[0]);
	if (!p)
		return CMD_WARNING;
	vty->index = p;
	vty->node = n_peer;
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_remote, cfg_peer_remote_cmd, "remote HOST <1-65535> (udp|tcp|tls)",
      "The peer's address\n"
      "Host or IPv4 address\n"
      "Port\n"
      "UDP\n"
      "TCP\n"
      "TLS (needs 'tls local' in the sip node)\n")
{
	struct gw_peer *p = vty->index;
	snprintf(p->host, sizeof(p->host), "%s", argv[0]);
	p->port = (uint16_t)atoi(argv[1]);
	snprintf(p->transport, sizeof(p->transport), "%s", argv[2]);
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_proxy, cfg_peer_proxy_cmd, "outbound-proxy URI",
      "Send requests through a proxy\n"
      "SIP URI\n")
{
	struct gw_peer *p = vty->index;
	snprintf(p->proxy, sizeof(p->proxy), "%s", argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_no_proxy, cfg_peer_no_proxy_cmd, "no outbound-proxy", NO_STR "Send requests through a proxy\n")
{
	struct gw_peer *p = vty->index;
	p->proxy[0] = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_sipt, cfg_peer_sipt_cmd, "sip-t (off|optional|required)",
      "ISUP bodies (RFC 3372 SIP-T, RFC 3204)\n"
      "Plain SIP\n"
      "ISUP parts with handling=optional\n"
      "ISUP parts with handling=required\n")
{
	struct gw_peer *p = vty->index;
	p->sipt = argv[0][0] == 'o' ? (argv[0][1] == 'f' ? GW_SIPT_OFF : GW_SIPT_OPTIONAL) : GW_SIPT_REQUIRED;
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_cc, cfg_peer_cc_cmd, "country-code <1-999>",
      "Country code: national numbers get +CC, +CC numbers become national (RFC 3398 s12)\n"
      "Code\n")
{
	struct gw_peer *p = vty->index;
	snprintf(p->map.country_code, sizeof(p->map.country_code), "%s", argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_uri, cfg_peer_uri_cmd, "uri-format (tel|sip)",
      "How telephone numbers are written\n"
      "tel:+number\n"
      "sip:number@host;user=phone\n")
{
	struct gw_peer *p = vty->index;
	p->map.tel_uri = argv[0][0] == 't';
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_host, cfg_peer_host_cmd, "uri-host NAME",
      "Host part of the SIP URIs we build\n"
      "Name or address\n")
{
	struct gw_peer *p = vty->index;
	snprintf(p->map.host, sizeof(p->map.host), "%s", argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_trusted, cfg_peer_trusted_cmd, "trusted",
      "The peer is trusted: P-Asserted-Identity is sent to it and believed from it\n")
{
	struct gw_peer *p = vty->index;
	p->map.trusted = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_no_trusted, cfg_peer_no_trusted_cmd, "no trusted", NO_STR "The peer is trusted\n")
{
	struct gw_peer *p = vty->index;
	p->map.trusted = false;
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_redir, cfg_peer_redir_cmd, "redirection (diversion|history-info)",
      "How a redirecting number is carried\n"
      "Diversion header (RFC 5806)\n"
      "History-Info header (RFC 7044)\n")
{
	struct gw_peer *p = vty->index;
	p->map.diversion = argv[0][0] == 'd';
	return CMD_SUCCESS;
}

static int peer_source_add(struct vty *vty, const char *addr, const char *port, const char *tport)
{
	struct gw_peer *p = vty->index;
	uint16_t pt = port ? (uint16_t)atoi(port) : 0;
	enum gw_src_tport t = GW_SRC_TPORT_PEER;
	for (unsigned i = GW_SRC_TPORT_UDP; tport && i <= GW_SRC_TPORT_ANY; i++)
		if (!strcmp(tport, gw_src_tport_names[i]))
			t = (enum gw_src_tport)i;
	for (unsigned i = 0; i < p->n_sources; i++)
		if (!strcmp(p->sources[i].addr, addr) && p->sources[i].port == pt && p->sources[i].tport == t)
			return CMD_SUCCESS;
	if (p->n_sources >= GW_PEER_MAX_SOURCES) {
		vty_out(vty, "%% at most %d sources%s", GW_PEER_MAX_SOURCES, VTY_NEWLINE);
		return CMD_WARNING;
	}
	struct gw_peer_source *src = &p->sources[p->n_sources++];
	snprintf(src->addr, sizeof(src->addr), "%s", addr);
	src->port = pt;
	src->tport = t;
	return CMD_SUCCESS;
}

#define SOURCE_STR                                                                                                   \
	"Where this peer's INVITEs may come from (default: its remote address, any port, its remote transport); an " \
	"INVITE from elsewhere gets 403, one from a peer's address but another port or transport too\n"              \
	"IPv4 address\n"
#define SOURCE_PORT_STR                                                                                          \
	"Only from this source port (without: any, as TCP and TLS connections come from ephemeral ports; a UDP " \
	"peer that sends from its listening port can be held to it)\n"                                           \
	"Port\n"
#define SOURCE_TPORT_STR                                                       \
	"Only over this transport (without: the one of the peer's 'remote')\n" \
	"UDP\n"                                                                \
	"TCP\n"                                                                \
	"TLS (the connection's certificate checked as 'tls verify' says)\n"    \
	"Any transport\n"

DEFUN(cfg_peer_source, cfg_peer_source_cmd, "allow-source A.B.C.D", SOURCE_STR)
{
	return peer_source_add(vty, argv[0], NULL, NULL);
}

DEFUN(cfg_peer_source_port, cfg_peer_source_port_cmd, "allow-source A.B.C.D port <1-65535>", SOURCE_STR SOURCE_PORT_STR)
{
	return peer_source_add(vty, argv[0], argv[1], NULL);
}

DEFUN(cfg_peer_source_tport, cfg_peer_source_tport_cmd, "allow-source A.B.C.D transport (udp|tcp|tls|any)",
      SOURCE_STR SOURCE_TPORT_STR)
{
	return peer_source_add(vty, argv[0], NULL, argv[1]);
}

DEFUN(cfg_peer_source_both, cfg_peer_source_both_cmd, "allow-source A.B.C.D port <1-65535> transport (udp|tcp|tls|any)",
      SOURCE_STR SOURCE_PORT_STR SOURCE_TPORT_STR)
{
	return peer_source_add(vty, argv[0], argv[1], argv[2]);
}

DEFUN(cfg_peer_no_source, cfg_peer_no_source_cmd, "no allow-source",
      NO_STR "Every allowed source (the peer's remote address, any port, its transport, remains)\n")
{
	struct gw_peer *p = vty->index;
	p->n_sources = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_keepalive, cfg_peer_keepalive_cmd, "options-keepalive <0-3600>",
      "OPTIONS to the peer every so often; a peer that does not answer is down and gets no calls\n"
      "Seconds between OPTIONS (0: off, the peer counts as up)\n")
{
	struct gw_peer *p = vty->index;
	p->keepalive_s = (unsigned)atoi(argv[0]);
	if (!p->keepalive_s)
		p->up = true;
	else if (p->gw->sip && p->ka_timer.cb)
		osmo_timer_schedule(&p->ka_timer, 0, 1000);
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_dialog_ka, cfg_peer_dialog_ka_cmd, "dialog-keepalive <0-3600>",
      "Dead-peer check of answered calls: an OPTIONS within each dialog this often; no answer within the "
      "transaction timeout (408) or 481 releases the call (REL cause 102 / 41; two 503s in a row, a transport error, as 481)\n"
      "Seconds (default 120; 0: none, a dead peer is then noticed at the session timer's end)\n")
{
	struct gw_peer *p = vty->index;
	p->dialog_keepalive_s = (unsigned)atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_auth, cfg_peer_auth_cmd, "auth-credentials REALM USER PASSWORD",
      "Digest credentials for challenges (401/407) from the peer\n"
      "The realm they are for: a challenge naming another realm is not answered (the call fails as on a 401/407); "
      "* answers any realm the peer names\n"
      "User name\n"
      "Password\n")
{
	struct gw_peer *p = vty->index;
	snprintf(p->auth_realm, sizeof(p->auth_realm), "%s", argv[0]);
	snprintf(p->auth_user, sizeof(p->auth_user), "%s", argv[1]);
	snprintf(p->auth_pass, sizeof(p->auth_pass), "%s", argv[2]);
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_no_auth, cfg_peer_no_auth_cmd, "no auth-credentials", NO_STR "Digest credentials\n")
{
	struct gw_peer *p = vty->index;
	p->auth_realm[0] = p->auth_user[0] = p->auth_pass[0] = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_auth_in, cfg_peer_auth_in_cmd, "authenticate-inbound USER PASSWORD",
      "Challenge every INVITE from this peer (401, digest MD5, qop=auth, the sip node's auth-realm) and take "
      "only those answered with these credentials; a wrong answer gets 403\n"
      "User name\n"
      "Password\n")
{
	struct gw_peer *p = vty->index;
	snprintf(p->in_user, sizeof(p->in_user), "%s", argv[0]);
	snprintf(p->in_pass, sizeof(p->in_pass), "%s", argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_no_auth_in, cfg_peer_no_auth_in_cmd, "no authenticate-inbound", NO_STR "Challenge of callers\n")
{
	struct gw_peer *p = vty->index;
	p->in_user[0] = p->in_pass[0] = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_auth_realm, cfg_sip_auth_realm_cmd, "auth-realm REALM",
      "The realm our digest challenges name (peers' authenticate-inbound)\n"
      "Realm (default isupgw)\n")
{
	snprintf(g_gw->auth_realm, sizeof(g_gw->auth_realm), "%s", argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_100rel, cfg_peer_100rel_cmd, "100rel (off|supported|required)",
      "RFC 3262 reliable provisional responses (PRACK)\n"
      "Not offered\n"
      "Offered; our 18x are reliable when the caller supports it (default)\n"
      "Asked for; a caller without 100rel gets 421\n")
{
	struct gw_peer *p = vty->index;
	p->rel100 = argv[0][0] == 'o' ? SIP_100REL_OFF : argv[0][0] == 's' ? SIP_100REL_SUPPORTED : SIP_100REL_REQUIRED;
	return CMD_SUCCESS;
}

DEFUN(cfg_peer_redirect, cfg_peer_redirect_cmd, "redirect-response (follow|follow-notify|release)",
      "A 3xx to our INVITE (RFC 3398 s8.2.5)\n"
      "A new INVITE to the first Contact (default)\n"
      "The same, after a CPG 'call forwarded' to the PSTN (s8.1.6; not every switch takes a CPG before ACM)\n"
      "REL cause 23 (redirection to new destination)\n")
{
	struct gw_peer *p = vty->index;
	p->redirect = !strcmp(argv[0], "follow")  ? GW_REDIRECT_FOLLOW :
		      !strcmp(argv[0], "release") ? GW_REDIRECT_RELEASE :
						    GW_REDIRECT_FOLLOW_NOTIFY;
	return CMD_SUCCESS;
}

static int config_write_peer(struct vty *vty)
{
	static const char *const sipt[] = { "off", "optional", "required" };
	const struct gw_peer *p;
	llist_for_each_entry(p, &g_gw->peers, list) {
		vty_out(vty, "sip-peer %s%s", p->name, VTY_NEWLINE);
		vty_out(vty, " remote %s %u %s%s", p->host, p->port, p->transport, VTY_NEWLINE);
		if (p->proxy[0])
			vty_out(vty, " outbound-proxy %s%s", p->proxy, VTY_NEWLINE);
		vty_out(vty, " sip-t %s%s", sipt[p->sipt], VTY_NEWLINE);
		static const char *const rel[] = { "off", "supported", "required" };
		static const char *const redir[] = { "follow", "follow-notify", "release" };
		vty_out(vty, " 100rel %s%s", rel[p->rel100], VTY_NEWLINE);
		vty_out(vty, " redirect-response %s%s", redir[p->redirect], VTY_NEWLINE);
		if (p->map.country_code[0])
			vty_out(vty, " country-code %s%s", p->map.country_code, VTY_NEWLINE);
		vty_out(vty, " uri-format %s%s", p->map.tel_uri ? "tel" : "sip", VTY_NEWLINE);
		vty_out(vty, " uri-host %s%s", p->map.host, VTY_NEWLINE);
		vty_out(vty, " %strusted%s", p->map.trusted ? "" : "no ", VTY_NEWLINE);
		vty_out(vty, " redirection %s%s", p->map.diversion ? "diversion" : "history-info", VTY_NEWLINE);
		for (unsigned i = 0; i < p->n_sources; i++) {
			const struct gw_peer_source *src = &p->sources[i];
			vty_out(vty, " allow-source %s", src->addr);
			if (src->port)
				vty_out(vty, " port %u", src->port);
			if (src->tport != GW_SRC_TPORT_PEER)
				vty_out(vty, " transport %s", gw_src_tport_names[src->tport]);
			vty_out(vty, "%s", VTY_NEWLINE);
		}
		if (p->keepalive_s)
			vty_out(vty, " options-keepalive %u%s", p->keepalive_s, VTY_NEWLINE);
		vty_out(vty, " dialog-keepalive %u%s", p->dialog_keepalive_s, VTY_NEWLINE);
		if (p->auth_user[0] && vty->type == VTY_FILE)
			vty_out(vty, " auth-credentials %s %s %s%s", p->auth_realm, p->auth_user, p->auth_pass,
				VTY_NEWLINE);
		else if (p->auth_user[0])
			/* on a terminal (show running-config, write terminal) the secret stays hidden; a comment,
			 * so that what is shown can be pasted back without setting the password to a mask */
			vty_out(vty, " ! auth-credentials %s %s (password hidden; 'write file' keeps it)%s",
				p->auth_realm, p->auth_user, VTY_NEWLINE);
		if (p->in_user[0] && vty->type == VTY_FILE)
			vty_out(vty, " authenticate-inbound %s %s%s", p->in_user, p->in_pass, VTY_NEWLINE);
		else if (p->in_user[0])
			vty_out(vty, " ! authenticate-inbound %s (password hidden; 'write file' keeps it)%s",
				p->in_user, VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

/* ---- gateway ---- */

DEFUN(cfg_gw, cfg_gw_cmd, "gateway", "Configure interworking: routes and timers\n")
{
	vty->node = n_gw;
	return CMD_SUCCESS;
}

static struct gw_route *route_find(enum gw_route_dir dir, const char *prefix)
{
	struct gw_route *r;
	llist_for_each_entry(r, &g_gw->routes, list)
		if (r->dir == dir && !strcmp(r->prefix, prefix))
			return r;
	return NULL;
}

static int route_set(struct vty *vty, enum gw_route_dir dir, const char *prefix, const char *target)
{
	const char *pf = strcmp(prefix, "*") ? prefix : "";
	if (strspn(pf, "0123456789") != strlen(pf) || strlen(pf) >= sizeof(((struct gw_route *)0)->prefix)) {
		vty_out(vty, "%% prefix: digits, or * for every number%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	struct gw_route *r = route_find(dir, pf);
	if (!r) {
		r = talloc_zero(g_gw, struct gw_route);
		r->dir = dir;
		snprintf(r->prefix, sizeof(r->prefix), "%s", pf);
		llist_add_tail(&r->list, &g_gw->routes);
	}
	snprintf(r->target, sizeof(r->target), "%s", target);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_route_sip, cfg_gw_route_sip_cmd, "route isup-to-sip PREFIX peer .NAMES",
      "A route\n"
      "Calls from ISUP, by called number\n"
      "Number prefix, or * for all\n"
      "To SIP peers\n"
      "Peer names, tried in order: a peer that is down is skipped, one that fails the INVITE (408, 503) is left\n")
{
	if (argc - 1 > 1 + GW_ROUTE_MAX_ALT) {
		vty_out(vty, "%% at most %d peers%s", 1 + GW_ROUTE_MAX_ALT, VTY_NEWLINE);
		return CMD_WARNING;
	}
	int rc = route_set(vty, GW_ROUTE_ISUP_TO_SIP, argv[0], argv[1]);
	if (rc != CMD_SUCCESS)
		return rc;
	struct gw_route *r = route_find(GW_ROUTE_ISUP_TO_SIP, strcmp(argv[0], "*") ? argv[0] : "");
	r->n_alt = 0;
	for (int i = 2; i < argc; i++)
		snprintf(r->alt[r->n_alt++], sizeof(r->alt[0]), "%s", argv[i]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_route_isup, cfg_gw_route_isup_cmd, "route sip-to-isup PREFIX trunk NAME",
      "A route\n"
      "Calls from SIP, by Request-URI number\n"
      "Number prefix, or * for all\n"
      "To an ISUP trunk group\n"
      "Trunk name\n")
{
	return route_set(vty, GW_ROUTE_SIP_TO_ISUP, argv[0], argv[1]);
}

DEFUN(cfg_gw_route_digits, cfg_gw_route_digits_cmd,
      "route (isup-to-sip|sip-to-isup) PREFIX digits strip <0-31> add (DIGITS|none)",
      "A route\n"
      "Calls from ISUP\n"
      "Calls from SIP\n"
      "Its prefix, or *\n"
      "Digit manipulation\n"
      "Remove digits from the front\n"
      "How many\n"
      "Put digits in front\n"
      "Digits\n"
      "Nothing\n")
{
	enum gw_route_dir dir = argv[0][0] == 'i' ? GW_ROUTE_ISUP_TO_SIP : GW_ROUTE_SIP_TO_ISUP;
	struct gw_route *r = route_find(dir, strcmp(argv[1], "*") ? argv[1] : "");
	if (!r) {
		vty_out(vty, "%% no such route%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	r->strip = (unsigned)atoi(argv[2]);
	snprintf(r->add, sizeof(r->add), "%s", strcmp(argv[3], "none") ? argv[3] : "");
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_route_overlap, cfg_gw_route_overlap_cmd, "route isup-to-sip PREFIX overlap (none|collect|rfc3578)",
      "A route\n"
      "Calls from ISUP\n"
      "Its prefix, or *\n"
      "Overlap dialling toward SIP\n"
      "INVITE on the IAM\n"
      "Collect SAMs until ST, the length plan or the inter-digit timer (gw X2), then one INVITE\n"
      "RFC 3578: INVITE with the digits so far, a new INVITE on 484 or more digits\n")
{
	struct gw_route *r = route_find(GW_ROUTE_ISUP_TO_SIP, strcmp(argv[0], "*") ? argv[0] : "");
	if (!r) {
		vty_out(vty, "%% no such route%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	r->overlap = argv[1][0] == 'n' ? GW_OVERLAP_NONE : argv[1][0] == 'c' ? GW_OVERLAP_COLLECT : GW_OVERLAP_RFC3578;
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_route_length, cfg_gw_route_length_cmd, "route (isup-to-sip|sip-to-isup) PREFIX length <0-32> <0-32>",
      "A route\n"
      "Calls from ISUP\n"
      "Calls from SIP\n"
      "Its prefix, or *\n"
      "Number length plan for overlap\n"
      "Fewest digits an INVITE may carry (isup-to-sip)\n"
      "Digits that make the number complete (0: no plan); sip-to-isup: shorter numbers get 484 and more INVITEs\n")
{
	enum gw_route_dir dir = argv[0][0] == 'i' ? GW_ROUTE_ISUP_TO_SIP : GW_ROUTE_SIP_TO_ISUP;
	argv++;
	struct gw_route *r = route_find(dir, strcmp(argv[0], "*") ? argv[0] : "");
	if (!r) {
		vty_out(vty, "%% no such route%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	r->min_digits = (unsigned)atoi(argv[1]);
	r->max_digits = (unsigned)atoi(argv[2]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_no_route, cfg_gw_no_route_cmd, "no route (isup-to-sip|sip-to-isup) PREFIX",
      NO_STR "A route\n"
	     "Calls from ISUP\n"
	     "Calls from SIP\n"
	     "Its prefix, or *\n")
{
	enum gw_route_dir dir = argv[0][0] == 'i' ? GW_ROUTE_ISUP_TO_SIP : GW_ROUTE_SIP_TO_ISUP;
	struct gw_route *r = route_find(dir, strcmp(argv[1], "*") ? argv[1] : "");
	if (r) {
		llist_del(&r->list);
		talloc_free(r);
	}
	return CMD_SUCCESS;
}

/* ---- admission control (gw_overload.h) ---- */

#define OVL_STR "Admission control of new calls under overload\n"

DEFUN(cfg_gw_ovl_enable, cfg_gw_ovl_enable_cmd, "overload (enable|disable)",
      OVL_STR "Cap new calls when the control thread cannot keep up (default)\n"
	      "Never cap on load (the fixed limits still apply)\n")
{
	g_gw->ovl->cfg.enabled = argv[0][0] == 'e';
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_ovl_cpu, cfg_gw_ovl_cpu_cmd, "overload cpu-threshold <50-100>",
      OVL_STR "The control thread's share of a core that, held for a second, brings the cap on\n"
	      "Percent (default " OSMO_STRINGIFY_VAL(GW_OVL_CPU_HIGH_DEFAULT) ")\n")
{
	g_gw->ovl->cfg.cpu_high = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_ovl_queue, cfg_gw_ovl_queue_cmd, "overload queue-threshold <1-65536>",
      OVL_STR "Bytes waiting in the signalling sockets' receive queues that bring the cap on and lower it\n"
	      "KiB (default " OSMO_STRINGIFY_VAL(GW_OVL_BACKLOG_DEFAULT) ")\n")
{
	g_gw->ovl->cfg.backlog_kib = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_ovl_rate, cfg_gw_ovl_rate_cmd, "overload max-call-rate <0-100000>",
      OVL_STR "A fixed limit of new calls per second, both directions together\n"
	      "Calls per second (0: none, the default)\n")
{
	g_gw->ovl->cfg.max_rate = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_ovl_calls, cfg_gw_ovl_calls_cmd, "overload max-calls <0-1000000>",
      OVL_STR "A limit of calls at once\n"
	      "Calls (0: none, the default)\n")
{
	g_gw->ovl->cfg.max_calls = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_ovl_retry, cfg_gw_ovl_retry_cmd, "overload retry-after <1-3600>",
      OVL_STR "The Retry-After of the 503 a refused INVITE gets\n"
	      "Seconds (default " OSMO_STRINGIFY_VAL(GW_OVL_RETRY_AFTER_DEFAULT) ")\n")
{
	g_gw->ovl->cfg.retry_after_s = atoi(argv[0]);
	return CMD_SUCCESS;
}

static void config_write_ovl(struct vty *vty)
{
	const struct gw_ovl_cfg *c = &g_gw->ovl->cfg;
	vty_out(vty, " overload %s%s", c->enabled ? "enable" : "disable", VTY_NEWLINE);
	vty_out(vty, " overload cpu-threshold %u%s", c->cpu_high, VTY_NEWLINE);
	vty_out(vty, " overload queue-threshold %u%s", c->backlog_kib, VTY_NEWLINE);
	vty_out(vty, " overload max-call-rate %u%s", c->max_rate, VTY_NEWLINE);
	vty_out(vty, " overload max-calls %u%s", c->max_calls, VTY_NEWLINE);
	vty_out(vty, " overload retry-after %u%s", c->retry_after_s, VTY_NEWLINE);
}

static int config_write_gw(struct vty *vty)
{
	vty_out(vty, "gateway%s", VTY_NEWLINE);
	const struct gw_route *r;
	llist_for_each_entry(r, &g_gw->routes, list) {
		const char *d = r->dir == GW_ROUTE_ISUP_TO_SIP ? "isup-to-sip" : "sip-to-isup";
		const char *pf = r->prefix[0] ? r->prefix : "*";
		vty_out(vty, " route %s %s %s %s", d, pf, r->dir == GW_ROUTE_ISUP_TO_SIP ? "peer" : "trunk", r->target);
		for (unsigned i = 0; i < r->n_alt; i++)
			vty_out(vty, " %s", r->alt[i]);
		vty_out(vty, "%s", VTY_NEWLINE);
		if (r->strip || r->add[0])
			vty_out(vty, " route %s %s digits strip %u add %s%s", d, pf, r->strip,
				r->add[0] ? r->add : "none", VTY_NEWLINE);
		if (r->overlap != GW_OVERLAP_NONE)
			vty_out(vty, " route %s %s overlap %s%s", d, pf,
				r->overlap == GW_OVERLAP_COLLECT ? "collect" : "rfc3578", VTY_NEWLINE);
		if (r->min_digits || r->max_digits)
			vty_out(vty, " route %s %s length %u %u%s", d, pf, r->min_digits, r->max_digits, VTY_NEWLINE);
	}
	config_write_ovl(vty);
	gw_metrics_config_write(vty, g_gw->metrics);
	gw_maint_config_write(vty, g_gw);
	gw_ctrl_config_write(vty, g_gw);
	osmo_tdef_vty_write(vty, g_gw->tdefs, " timer gw ");
	return CMD_SUCCESS;
}

/* ---- show ---- */

DEFUN(show_gw_calls, show_gw_calls_cmd, "show gateway calls",
      SHOW_STR "Interworking\n"
	       "Calls through the gateway\n")
{
	out_text(vty, gw_show_calls(NULL, g_gw));
	return CMD_SUCCESS;
}

DEFUN(show_gw_overload, show_gw_overload_cmd, "show gateway overload",
      SHOW_STR "Interworking\n"
	       "Admission control: load, the cap, refusals\n")
{
	out_text(vty, gw_ovl_show(NULL, g_gw->ovl));
	return CMD_SUCCESS;
}

DEFUN(show_sip_peers, show_sip_peers_cmd, "show sip peers",
      SHOW_STR "SIP\n"
	       "Peers with their counters\n")
{
	out_text(vty, gw_show_peers(NULL, g_gw));
	return CMD_SUCCESS;
}

DEFUN(show_sip_conns, show_sip_conns_cmd, "show sip connections",
      SHOW_STR "SIP\n"
	       "Connections (TCP, TLS) peers have opened to us, and what the limits did\n")
{
	const struct sip_conn_stats *st = sip_agent_conn_stats(g_gw->sip);
	const struct sip_agent_cfg *c = &g_gw->sip_cfg;
	vty_out(vty, "open now %u (peak %u), limit %u, per source %u%s", st->conns, st->conns_peak, c->tcp_max_conns,
		c->tcp_max_conns_per_src, VTY_NEWLINE);
	vty_out(vty,
		"accepted %" PRIu64 ", closed at once: %" PRIu64 " over the limit, %" PRIu64
		" over the per-source limit; closed silent: %" PRIu64 "%s",
		st->accepted, st->refused_total, st->refused_per_src, st->closed_silent, VTY_NEWLINE);
	vty_out(vty, "taken over a limit because the source is a peer's: %" PRIu64 "%s", st->known_over_limit,
		VTY_NEWLINE);
	vty_out(vty,
		"UDP requests sofia-sip cannot take, answered here: %" PRIu64 " bad method (501), %" PRIu64
		" bad version (505), %" PRIu64 " NUL in a header (400)%s",
		st->answered_501, st->answered_505, st->answered_400, VTY_NEWLINE);
	vty_out(vty, "accept back-offs (no descriptor free): %" PRIu64 "%s", st->accept_backoffs, VTY_NEWLINE);
	vty_out(vty, "timeouts: idle %u s, message %u s; largest message %u bytes%s", c->tcp_idle_s,
		c->tcp_msg_timeout_s, c->max_msg_size, VTY_NEWLINE);
	return CMD_SUCCESS;
}

static struct osmo_tdef_group gw_tdef_groups[] = { { .name = "gw", .desc = "interworking timers", .tdefs = NULL }, {} };

void gw_vty_init(struct gw *gw, int sip_node_id, int peer_node_id, int gw_node_id)
{
	g_gw = gw;
	n_sip = sip_node_id;
	n_peer = peer_node_id;
	n_gw = gw_node_id;
	sip_node.node = sip_node_id;
	peer_node.node = peer_node_id;
	gw_node.node = gw_node_id;

	install_element(CONFIG_NODE, &cfg_sip_cmd);
	install_node(&sip_node, config_write_sip);
	install_element(sip_node_id, &cfg_sip_local_cmd);
	install_element(sip_node_id, &cfg_sip_media_cmd);
	install_element(sip_node_id, &cfg_sip_rtp_cmd);
	install_element(sip_node_id, &cfg_sip_ttimeout_cmd);
	install_element(sip_node_id, &cfg_sip_st_cmd);
	install_element(sip_node_id, &cfg_sip_minse_cmd);
	install_element(sip_node_id, &cfg_sip_refresher_cmd);
	install_element(sip_node_id, &cfg_sip_tls_local_cmd);
	install_element(sip_node_id, &cfg_sip_tls_file_cmd);
	install_element(sip_node_id, &cfg_sip_tls_verify_cmd);
	install_element(sip_node_id, &cfg_sip_no_tls_cmd);
	install_element(sip_node_id, &cfg_sip_tcp_max_cmd);
	install_element(sip_node_id, &cfg_sip_tcp_max_src_cmd);
	install_element(sip_node_id, &cfg_sip_tcp_idle_cmd);
	install_element(sip_node_id, &cfg_sip_tcp_msg_cmd);
	install_element(sip_node_id, &cfg_sip_maxsize_cmd);
	install_element(sip_node_id, &cfg_sip_udp_rcvbuf_cmd);
	install_element(sip_node_id, &cfg_sip_auth_realm_cmd);

	install_element(CONFIG_NODE, &cfg_peer_cmd);
	install_node(&peer_node, config_write_peer);
	install_element(peer_node_id, &cfg_peer_remote_cmd);
	install_element(peer_node_id, &cfg_peer_proxy_cmd);
	install_element(peer_node_id, &cfg_peer_no_proxy_cmd);
	install_element(peer_node_id, &cfg_peer_sipt_cmd);
	install_element(peer_node_id, &cfg_peer_cc_cmd);
	install_element(peer_node_id, &cfg_peer_uri_cmd);
	install_element(peer_node_id, &cfg_peer_host_cmd);
	install_element(peer_node_id, &cfg_peer_trusted_cmd);
	install_element(peer_node_id, &cfg_peer_no_trusted_cmd);
	install_element(peer_node_id, &cfg_peer_redir_cmd);
	install_element(peer_node_id, &cfg_peer_source_cmd);
	install_element(peer_node_id, &cfg_peer_source_port_cmd);
	install_element(peer_node_id, &cfg_peer_source_tport_cmd);
	install_element(peer_node_id, &cfg_peer_source_both_cmd);
	install_element(peer_node_id, &cfg_peer_no_source_cmd);
	install_element(peer_node_id, &cfg_peer_keepalive_cmd);
	install_element(peer_node_id, &cfg_peer_dialog_ka_cmd);
	install_element(peer_node_id, &cfg_peer_auth_cmd);
	install_element(peer_node_id, &cfg_peer_no_auth_cmd);
	install_element(peer_node_id, &cfg_peer_auth_in_cmd);
	install_element(peer_node_id, &cfg_peer_no_auth_in_cmd);
	install_element(peer_node_id, &cfg_peer_100rel_cmd);
	install_element(peer_node_id, &cfg_peer_redirect_cmd);

	install_element(CONFIG_NODE, &cfg_gw_cmd);
	install_node(&gw_node, config_write_gw);
	install_element(gw_node_id, &cfg_gw_route_sip_cmd);
	install_element(gw_node_id, &cfg_gw_route_isup_cmd);
	install_element(gw_node_id, &cfg_gw_route_digits_cmd);
	install_element(gw_node_id, &cfg_gw_route_overlap_cmd);
	install_element(gw_node_id, &cfg_gw_route_length_cmd);
	install_element(gw_node_id, &cfg_gw_no_route_cmd);
	install_element(gw_node_id, &cfg_gw_ovl_enable_cmd);
	install_element(gw_node_id, &cfg_gw_ovl_cpu_cmd);
	install_element(gw_node_id, &cfg_gw_ovl_queue_cmd);
	install_element(gw_node_id, &cfg_gw_ovl_rate_cmd);
	install_element(gw_node_id, &cfg_gw_ovl_calls_cmd);
	install_element(gw_node_id, &cfg_gw_ovl_retry_cmd);
	gw_maint_vty_init(gw, gw_node_id);
	gw_ctrl_vty_init(gw, gw_node_id);
	gw_tdef_groups[0].tdefs = gw->tdefs;
	osmo_tdef_vty_groups_init(gw_node_id, gw_tdef_groups);

	install_element_ve(&show_gw_calls_cmd);
	install_element_ve(&show_gw_overload_cmd);
	install_element_ve(&show_sip_peers_cmd);
	install_element_ve(&show_sip_conns_cmd);
}
