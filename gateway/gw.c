/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The gateway context: SIP peers, routes in both directions, counters. */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include "gw.h"
#include "gw_maint.h"
#include "gw_route.h"
#include "gw_call.h"

static const struct rate_ctr_desc gw_ctr_desc[] = {
	[GW_CTR_CALL_ISUP_TO_SIP] = { "call:isup_to_sip", "calls from ISUP (IAM) toward SIP" },
	[GW_CTR_CALL_SIP_TO_ISUP] = { "call:sip_to_isup", "calls from SIP (INVITE) toward ISUP" },
	[GW_CTR_CALL_ANSWERED] = { "call:answered", "calls answered" },
	[GW_CTR_NO_ROUTE] = { "call:no_route", "calls without a route (cause 3 / 404)" },
	[GW_CTR_FORBIDDEN] = { "sip:forbidden", "INVITEs from sources no peer allows (403)" },
	[GW_CTR_T11_EXPIRY] = { "call:t11_expiry", "T11 expiries (early ACM sent)" },
	[GW_CTR_OVERLAP_INVITE] = { "call:overlap_invite", "further INVITEs of overlap calls (RFC 3578)" },
	[GW_CTR_REDIRECT_FOLLOWED] = { "sip:redirect_followed", "3xx responses followed to their Contact" },
	[GW_CTR_HOLD_OUT] = { "sip:hold_out", "holds/resumes from the PSTN passed to SIP (SUS/RES/CPG)" },
	[GW_CTR_NO_MEDIA] = { "call:no_media", "calls refused for want of an RTP port or socket (cause 47 / 503)" },
	[GW_CTR_VTY_ACCEPT_BACKOFF] = { "vty:accept_backoff",
					"VTY accept back-offs: no descriptor for a connection (EMFILE/ENFILE)" },
	[GW_CTR_FORBIDDEN_TPORT] = { "sip:forbidden_port_transport",
				     "INVITEs from a peer's address but another port or transport (403)" },
	[GW_CTR_AUTH_CHALLENGED] = { "sip:auth_challenged",
				     "INVITEs challenged (401) for a peer's inbound credentials" },
	[GW_CTR_AUTH_FAILED] = { "sip:auth_failed", "INVITEs with a wrong answer to our challenge (403)" },
	[GW_CTR_MAINT_WRITE_FAILED] = { "maint:state_write_failed",
					"maintenance state file writes that failed (blocking not kept)" },
};
static const struct rate_ctr_group_desc gw_ctrg_desc = {
	.group_name_prefix = "gw",
	.group_description = "gateway calls",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(gw_ctr_desc),
	.ctr_desc = gw_ctr_desc,
};

static const struct rate_ctr_desc peer_ctr_desc[] = {
	[GW_PEER_CTR_CALL_OUT] = { "call:out", "INVITEs sent to the peer" },
	[GW_PEER_CTR_CALL_IN] = { "call:in", "INVITEs accepted from the peer" },
	[GW_PEER_CTR_ANSWERED] = { "call:answered", "calls answered" },
	[GW_PEER_CTR_FAILED] = { "call:failed", "calls ended by an error response" },
	[GW_PEER_CTR_OPTIONS_TX] = { "options:tx", "keepalive OPTIONS sent" },
	[GW_PEER_CTR_OPTIONS_FAILED] = { "options:failed", "keepalive OPTIONS without an answer (408/503)" },
	[GW_PEER_CTR_WENT_DOWN] = { "state:down", "times the peer was marked down" },
	[GW_PEER_CTR_FAILOVER] = { "call:failover", "INVITEs moved from this peer to the route's next one" },
	[GW_PEER_CTR_REFUSED] = { "call:refused",
				  "INVITEs refused as not this peer's: its address, another port or transport" },
};
static const struct rate_ctr_group_desc peer_ctrg_desc = {
	.group_name_prefix = "sip_peer",
	.group_description = "SIP peer",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_ctr = ARRAY_SIZE(peer_ctr_desc),
	.ctr_desc = peer_ctr_desc,
};

void gw_init(int log_cat)
{
	gw_call_fsm_init(log_cat);
	gw_maint_set_log_cat(log_cat);
	gw_cdr_init(log_cat);
}

/* The load signals: the share of a core this (the control) thread used since the last sample, and what waits
 * in the signalling sockets' receive queues. */
static void ovl_sample(struct gw_ovl_sample *s, void *priv)
{
	struct gw *gw = priv;
	struct timespec now;
	if (!clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)) {
		int64_t used_ns =
			(int64_t)(now.tv_sec - gw->ovl_cpu.tv_sec) * 1000000000 + (now.tv_nsec - gw->ovl_cpu.tv_nsec);
		int64_t pct = used_ns / (GW_OVL_TICK_MS * 10000);
		s->cpu_pct = pct < 0 ? 0 : pct > 100 ? 100 : (unsigned)pct;
		gw->ovl_cpu = now;
	}
	s->backlog = sip_agent_rx_backlog(gw->sip) + (gw->router ? ss7_router_rx_backlog(gw->router) : 0);
}

static void ovl_level_changed(uint8_t level, void *priv)
{
	struct gw *gw = priv;
	if (gw->net)
		isup_net_set_congestion(gw->net, level);
}

static const struct gw_ovl_ops ovl_ops = {
	.sample = ovl_sample,
	.level_changed = ovl_level_changed,
};

void gw_overload_start(struct gw *gw)
{
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &gw->ovl_cpu);
	gw_ovl_start(gw->ovl);
}

struct gw *gw_alloc(void *ctx)
{
	struct gw *gw = talloc_zero(ctx, struct gw);
	if (!gw)
		return NULL;
	gw->ctx = ctx;
	INIT_LLIST_HEAD(&gw->peers);
	INIT_LLIST_HEAD(&gw->routes);
	INIT_LLIST_HEAD(&gw->calls);
	gw->tdefs = gw_tdefs_alloc(gw);
	gw->ctrs = rate_ctr_group_alloc(gw, &gw_ctrg_desc, 0);
	gw->ovl = gw_ovl_alloc(gw);
	gw->numbers = gw_numbers_alloc(gw);
	gw->cdr = gw_cdr_alloc(gw);
	gw->routing = gw_routing_alloc(gw, (uint32_t)time(NULL) ^ (uint32_t)getpid());
	snprintf(gw->auth_realm, sizeof(gw->auth_realm), "isupgw");
	if (sip_digest_key_init(&gw->auth_key) < 0)
		LOGP(DLGLOBAL, LOGL_ERROR, "no random key for digest nonces: inbound authentication is weak\n");
	gw_ovl_set_ops(gw->ovl, &ovl_ops, gw);
	snprintf(gw->media_addr, sizeof(gw->media_addr), "127.0.0.1");
	gw->rtp_base = gw->rtp_next = 16000;
	snprintf(gw->sip_cfg.bind_url, sizeof(gw->sip_cfg.bind_url), "sip:127.0.0.1:5060");
	gw->sip_cfg.session_expires = 1800; /* RFC 4028 s4 recommends 1800 s */
	gw->sip_cfg.min_se = 90;
	gw->sip_cfg.tcp_max_conns = SIP_TCP_MAX_CONNS_DEFAULT;
	gw->sip_cfg.tcp_max_conns_per_src = SIP_TCP_MAX_CONNS_PER_SRC_DEFAULT;
	gw->sip_cfg.tcp_idle_s = SIP_TCP_IDLE_DEFAULT;
	gw->sip_cfg.tcp_msg_timeout_s = SIP_TCP_MSG_TIMEOUT_DEFAULT;
	gw->sip_cfg.max_msg_size = SIP_MAX_MSG_SIZE_DEFAULT;
	gw->sip_cfg.udp_rcvbuf_kib = SIP_UDP_RCVBUF_KIB_DEFAULT;
	gw->sip_cfg.tls_verify = true; /* a TLS peer is who its certificate says, or nobody */
	return gw;
}

struct gw_peer *gw_peer_find(struct gw *gw, const char *name)
{
	struct gw_peer *p;
	llist_for_each_entry(p, &gw->peers, list)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

const char *gw_peer_transport_param(const struct gw_peer *p)
{
	if (!strcmp(p->transport, "tcp"))
		return ";transport=tcp";
	if (!strcmp(p->transport, "tls"))
		return ";transport=tls";
	return "";
}

struct gw_peer *gw_peer_get(struct gw *gw, const char *name)
{
	struct gw_peer *p = gw_peer_find(gw, name);
	if (p)
		return p;
	p = talloc_zero(gw, struct gw_peer);
	if (!p)
		return NULL;
	static unsigned idx;
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->host, sizeof(p->host), "127.0.0.1");
	p->port = 5060;
	snprintf(p->transport, sizeof(p->transport), "udp");
	gw_map_cfg_default(&p->map);
	p->rel100 = SIP_100REL_SUPPORTED;
	p->dialog_keepalive_s = GW_DIALOG_KEEPALIVE_DEFAULT;
	p->redirect = GW_REDIRECT_FOLLOW;
	p->ctrs = rate_ctr_group_alloc(p, &peer_ctrg_desc, idx++);
	if (p->ctrs)
		rate_ctr_group_set_name(p->ctrs, p->name); /* the peer's label in statsd and Prometheus */
	p->gw = gw;
	p->up = true;
	llist_add_tail(&p->list, &gw->peers);
	return p;
}

static void ka_send(void *data);

static void ka_answer(int status, void *priv)
{
	struct gw_peer *p = priv;
	p->probing = false;
	/* any answer shows the peer alive; 408 (nothing came) and 503 (transport error, or the peer says it
	 * cannot serve) mark it down */
	bool up = status != 408 && status != 503;
	if (!up)
		rate_ctr_inc(rate_ctr_group_get_ctr(p->ctrs, GW_PEER_CTR_OPTIONS_FAILED));
	if (up != p->up) {
		LOGP(DLGLOBAL, LOGL_NOTICE, "sip-peer %s (%s:%u) is %s (OPTIONS answered %d)\n", p->name, p->host,
		     p->port, up ? "UP again" : "DOWN: no calls to it", status);
		if (!up)
			rate_ctr_inc(rate_ctr_group_get_ctr(p->ctrs, GW_PEER_CTR_WENT_DOWN));
	}
	p->up = up && !p->admin_down;
	if (p->keepalive_s && !p->gw->stopping)
		osmo_timer_schedule(&p->ka_timer, (int)p->keepalive_s, 0);
}

static void ka_send(void *data)
{
	struct gw_peer *p = data;
	if (!p->keepalive_s || p->probing || !p->gw->sip || p->gw->stopping)
		return;
	char uri[128];
	snprintf(uri, sizeof(uri), "sip:%s:%u%s", p->host, p->port, gw_peer_transport_param(p));
	if (sip_agent_options(p->gw->sip, uri, ka_answer, p) == 0) {
		p->probing = true;
		rate_ctr_inc(rate_ctr_group_get_ctr(p->ctrs, GW_PEER_CTR_OPTIONS_TX));
	} else {
		osmo_timer_schedule(&p->ka_timer, (int)p->keepalive_s, 0);
	}
}

/* A source address a configured peer sends from (its remote host, its allow-source list): the SIP
 * connection limits never refuse it */
bool gw_peer_known_source(const char *addr, void *priv)
{
	struct gw *gw = priv;
	struct gw_peer *p;
	llist_for_each_entry(p, &gw->peers, list) {
		if (!strcmp(p->host, addr))
			return true;
		for (unsigned i = 0; i < p->n_sources; i++)
			if (!strcmp(p->sources[i].addr, addr))
				return true;
	}
	return false;
}

const char *const gw_src_tport_names[] = { "", "udp", "tcp", "tls", "any" };

const struct gw_peer_source *gw_peer_sources(const struct gw_peer *p, struct gw_peer_source *own, unsigned *n)
{
	if (p->n_sources) {
		*n = p->n_sources;
		return p->sources;
	}
	memset(own, 0, sizeof(*own));
	snprintf(own->addr, sizeof(own->addr), "%s", p->host);
	own->tport = GW_SRC_TPORT_PEER;
	*n = 1;
	return own;
}

/* the transport a source takes, "any" for all */
static const char *source_tport(const struct gw_peer *p, const struct gw_peer_source *src)
{
	return src->tport == GW_SRC_TPORT_PEER ? p->transport : gw_src_tport_names[src->tport];
}

void gw_peer_source_text(const struct gw_peer *p, const struct gw_peer_source *src, char *buf, size_t size)
{
	char port[16] = "any port";
	if (src->port)
		snprintf(port, sizeof(port), "port %u", src->port);
	snprintf(buf, size, "%s %s %s", src->addr, port,
		 src->tport == GW_SRC_TPORT_ANY ? "any transport" : source_tport(p, src));
}

/* how well one source matches: -1 not at all, 0 address only, more for a named port and transport */
static int source_match(const struct gw_peer *p, const struct gw_peer_source *src, const char *addr, uint16_t port,
			const char *transport, bool *addr_only)
{
	if (strcmp(src->addr, addr))
		return -1;
	const char *t = source_tport(p, src);
	bool tport_ok = src->tport == GW_SRC_TPORT_ANY || !strcmp(t, transport);
	if ((src->port && src->port != port) || !tport_ok) {
		*addr_only = true;
		return -1;
	}
	return (src->port ? 2 : 0) + (src->tport != GW_SRC_TPORT_ANY ? 1 : 0);
}

struct gw_peer *gw_peer_by_source(struct gw *gw, const char *addr, uint16_t port, const char *transport,
				  struct gw_peer **addr_peer)
{
	struct gw_peer *p, *best = NULL;
	int best_score = -1;
	*addr_peer = NULL;
	llist_for_each_entry(p, &gw->peers, list) {
		struct gw_peer_source own;
		unsigned n;
		const struct gw_peer_source *srcs = gw_peer_sources(p, &own, &n);
		for (unsigned i = 0; i < n; i++) {
			bool addr_only = false;
			int score = source_match(p, &srcs[i], addr, port, transport, &addr_only);
			if (addr_only && !*addr_peer)
				*addr_peer = p;
			if (score > best_score) {
				best = p;
				best_score = score;
			}
		}
	}
	if (best)
		*addr_peer = NULL;
	return best;
}

void gw_peers_tls_subjects(struct gw *gw)
{
	struct gw_peer *p;
	llist_for_each_entry(p, &gw->peers, list) {
		struct gw_peer_source own;
		unsigned n;
		const struct gw_peer_source *srcs = gw_peer_sources(p, &own, &n);
		if (!strcmp(p->transport, "tls"))
			sip_agent_add_tls_subject(gw->sip, p->host);
		for (unsigned i = 0; i < n; i++)
			if (!strcmp(source_tport(p, &srcs[i]), "tls") || srcs[i].tport == GW_SRC_TPORT_ANY)
				sip_agent_add_tls_subject(gw->sip, srcs[i].addr);
	}
}

void gw_peers_start(struct gw *gw)
{
	struct gw_peer *p;
	llist_for_each_entry(p, &gw->peers, list) {
		osmo_timer_setup(&p->ka_timer, ka_send, p);
		if (p->keepalive_s)
			osmo_timer_schedule(&p->ka_timer, 0, 1000);
	}
}

struct gw_peer *gw_route_peer(struct gw *gw, const struct gw_route *r, unsigned n)
{
	if (n == 0)
		return gw_peer_find(gw, r->target);
	return n - 1 < r->n_alt ? gw_peer_find(gw, r->alt[n - 1]) : NULL;
}

char *gw_show_peers(void *ctx, const struct gw *gw)
{
	static const char *const modes[] = { "off", "sip-t optional", "sip-t required" };
	char *s = talloc_asprintf(ctx, "%-12s %-22s %-5s %-15s %-5s %8s %8s %8s %8s %8s\r\n", "peer", "address",
				  "tport", "sip-t", "state", "out", "in", "answered", "failed", "refused");
	const struct gw_peer *p;
	llist_for_each_entry(p, &gw->peers, list) {
		char addr[80];
		snprintf(addr, sizeof(addr), "%s:%u", p->host, p->port);
		s = talloc_asprintf_append(s,
					   "%-12s %-22s %-5s %-15s %-5s %8" PRIu64 " %8" PRIu64 " %8" PRIu64
					   " %8" PRIu64 " %8" PRIu64 "\r\n",
					   p->name, addr, p->transport, modes[p->sipt],
					   p->admin_down ? "ADMIN" :
					   p->up	 ? "up" :
							   "DOWN",
					   rate_ctr_group_get_ctr(p->ctrs, GW_PEER_CTR_CALL_OUT)->current,
					   rate_ctr_group_get_ctr(p->ctrs, GW_PEER_CTR_CALL_IN)->current,
					   rate_ctr_group_get_ctr(p->ctrs, GW_PEER_CTR_ANSWERED)->current,
					   rate_ctr_group_get_ctr(p->ctrs, GW_PEER_CTR_FAILED)->current,
					   rate_ctr_group_get_ctr(p->ctrs, GW_PEER_CTR_REFUSED)->current);
		/* who may call us as this peer */
		struct gw_peer_source own;
		unsigned n;
		const struct gw_peer_source *srcs = gw_peer_sources(p, &own, &n);
		s = talloc_asprintf_append(s, "  calls in from:");
		for (unsigned i = 0; i < n; i++) {
			char src[128];
			gw_peer_source_text(p, &srcs[i], src, sizeof(src));
			s = talloc_asprintf_append(s, "%s %s", i ? "," : "", src);
		}
		s = talloc_asprintf_append(s, "\r\n");
	}
	return s;
}
