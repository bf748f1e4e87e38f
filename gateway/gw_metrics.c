/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Gauges, latency histograms and the Prometheus endpoint (gw_metrics.h). */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>
#include <osmocom/core/stat_item.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "gw.h"
#include "gw_media.h"
#include "gw_metrics.h"

#define SAMPLE_S       1
#define HTTP_CONNS     32
#define HTTP_CONNS_IP  8
#define HTTP_TIMEOUT_S 10
#define HTTP_MEM       (32 * 1024)

/* upper bounds of the histograms' buckets, in microseconds (a +Inf bucket follows) */
static const uint64_t bounds_us[] = { 50,    100,    250,    500,    1000,    2500,    5000,	10000,	  25000,
				      50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000, 30000000 };
#define N_BOUNDS (sizeof(bounds_us) / sizeof(bounds_us[0]))

struct hist {
	uint64_t bucket[N_BOUNDS + 1];
	uint64_t count, sum_us;
};

/* ---- gauges ---- */

enum gw_gauge {
	GG_CALLS,
	GG_PEERS_UP,
	GG_PEERS,
	GG_ASPS_ACTIVE,
	GG_ASPS,
	GG_LINKSETS_AVAILABLE,
	GG_LINKSETS,
	GG_SPANS_UP,
	GG_SPANS,
};

/* clang-format off */
static const struct osmo_stat_item_desc gw_gauge_desc[] = {
	[GG_CALLS] = { "calls_active", "Calls through the gateway now", "calls", 0, 0 },
	[GG_PEERS_UP] = { "sip_peers_up", "SIP peers up (answering OPTIONS, or without keepalive)", "peers", 0, 0 },
	[GG_PEERS] = { "sip_peers", "SIP peers configured", "peers", 0, 0 },
	[GG_ASPS_ACTIVE] = { "asps_active", "M3UA ASPs in state ASP-ACTIVE", "asps", 0, 0 },
	[GG_ASPS] = { "asps", "M3UA ASPs configured", "asps", 0, 0 },
	[GG_LINKSETS_AVAILABLE] = { "linksets_available", "MTP2 linksets available (MTP-RESUME given)", "linksets", 0, 0 },
	[GG_LINKSETS] = { "linksets", "MTP2 linksets configured", "linksets", 0, 0 },
	[GG_SPANS_UP] = { "spans_up", "TDM spans up", "spans", 0, 0 },
	[GG_SPANS] = { "spans", "TDM spans configured", "spans", 0, 0 },
};
/* clang-format on */

static const struct osmo_stat_item_group_desc gw_gauge_group = {
	.group_name_prefix = "gateway",
	.group_description = "gateway state",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_items = ARRAY_SIZE(gw_gauge_desc),
	.item_desc = gw_gauge_desc,
};

enum tg_gauge {
	TG_CIRCUITS,
	TG_IDLE,
	TG_BUSY,
	TG_RESET,
	TG_BLOCKED_LOCAL,
	TG_BLOCKED_REMOTE,
};

/* clang-format off */
static const struct osmo_stat_item_desc tg_gauge_desc[] = {
	[TG_CIRCUITS] = { "circuits", "Circuits of the trunk group", "circuits", 0, 0 },
	[TG_IDLE] = { "circuits_idle", "Circuits idle and unblocked: free for a call", "circuits", 0, 0 },
	[TG_BUSY] = { "circuits_busy", "Circuits in a call, either direction", "circuits", 0, 0 },
	[TG_RESET] = { "circuits_reset", "Circuits being reset (RSC or GRS sent, no answer yet)", "circuits", 0, 0 },
	[TG_BLOCKED_LOCAL] = { "circuits_blocked_local", "Circuits blocked by us (maintenance or hardware)", "circuits", 0, 0 },
	[TG_BLOCKED_REMOTE] = { "circuits_blocked_remote", "Circuits blocked by the far end", "circuits", 0, 0 },
};
/* clang-format on */

static const struct osmo_stat_item_group_desc tg_gauge_group = {
	.group_name_prefix = "isup_trunk",
	.group_description = "ISUP trunk group circuits",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_items = ARRAY_SIZE(tg_gauge_desc),
	.item_desc = tg_gauge_desc,
};

/* one 0/1 gauge per SIP peer, ASP and linkset: what alert rules watch */
#define FLAG_GAUGE_GROUP(var, prefix, what, item, help)                                          \
	static const struct osmo_stat_item_desc var##_item[] = { { item, help, "", 0, 0 } };     \
	static const struct osmo_stat_item_group_desc var = { .group_name_prefix = prefix,       \
							      .group_description = what,         \
							      .class_id = OSMO_STATS_CLASS_PEER, \
							      .num_items = 1,                    \
							      .item_desc = var##_item }
FLAG_GAUGE_GROUP(peer_gauge_group, "sip_peer", "SIP peer state", "up",
		 "1 while the peer is up (answers OPTIONS, or has no keepalive), else 0");
FLAG_GAUGE_GROUP(asp_gauge_group, "m3ua_asp", "M3UA ASP state", "active", "1 while the M3UA ASP is ASP-ACTIVE, else 0");
FLAG_GAUGE_GROUP(ls_gauge_group, "linkset", "MTP2 linkset state", "available",
		 "1 while the MTP2 linkset is available (some link in service, MTP restart done)");

/* the gauges of one named object (a trunk group, peer, ASP, linkset) */
struct named_gauges {
	struct llist_head list;
	const struct osmo_stat_item_group_desc *desc;
	char name[32];
	struct osmo_stat_item_group *g;
	bool seen;
};

struct gw_metrics {
	struct gw *gw;
	struct osmo_stat_item_group *gauges;
	struct llist_head named; /* struct named_gauges */
	unsigned named_idx;
	struct osmo_timer_list sample_timer;
	struct hist hist[_GW_HIST_NUM];
	/* the endpoint */
	char addr[64];
	uint16_t port; /* 0: off */
	struct MHD_Daemon *httpd;
	struct osmo_fd http_ofd;
	struct osmo_timer_list http_timer;
	uint64_t scrapes, refused;
};

static int log_cat = DLGLOBAL;

void gw_metrics_init(int cat)
{
	log_cat = cat;
}

static void set(struct osmo_stat_item_group *g, unsigned i, unsigned v)
{
	osmo_stat_item_set(osmo_stat_item_group_get_item(g, i), (int32_t)v);
}

/* the gauges of a named object, allocated when it is first seen; NULL when out of memory */
static struct osmo_stat_item_group *named_get(struct gw_metrics *m, const struct osmo_stat_item_group_desc *d,
					      const char *name)
{
	struct named_gauges *t;
	llist_for_each_entry(t, &m->named, list) {
		if (t->desc == d && !strcmp(t->name, name)) {
			t->seen = true;
			return t->g;
		}
	}
	t = talloc_zero(m, struct named_gauges);
	if (!t)
		return NULL;
	t->g = osmo_stat_item_group_alloc(t, d, m->named_idx++);
	if (!t->g) {
		talloc_free(t);
		return NULL;
	}
	t->desc = d;
	t->seen = true;
	snprintf(t->name, sizeof(t->name), "%s", name);
	osmo_stat_item_group_set_name(t->g, name);
	llist_add_tail(&t->list, &m->named);
	return t->g;
}

static void named_set(struct gw_metrics *m, const struct osmo_stat_item_group_desc *d, const char *name, bool on)
{
	struct osmo_stat_item_group *g = named_get(m, d, name);
	if (g)
		set(g, 0, on);
}

static void sample_trunk(struct gw_metrics *m, const struct isup_trunk *tg)
{
	struct osmo_stat_item_group *g = named_get(m, &tg_gauge_group, tg->name);
	if (!g)
		return;
	struct isup_circuit_counts n;
	isup_trunk_circuit_counts(tg, &n);
	set(g, TG_CIRCUITS, n.total);
	set(g, TG_IDLE, n.idle);
	set(g, TG_BUSY, n.busy);
	set(g, TG_RESET, n.reset);
	set(g, TG_BLOCKED_LOCAL, n.blocked_local);
	set(g, TG_BLOCKED_REMOTE, n.blocked_remote);
}

void gw_metrics_sample(struct gw_metrics *m)
{
	struct gw *gw = m->gw;
	struct named_gauges *t, *t2;
	llist_for_each_entry(t, &m->named, list)
		t->seen = false;
	set(m->gauges, GG_CALLS, gw->n_calls);
	unsigned peers = 0, up = 0;
	struct gw_peer *p;
	llist_for_each_entry(p, &gw->peers, list) {
		peers++;
		up += p->up;
		named_set(m, &peer_gauge_group, p->name, p->up);
	}
	set(m->gauges, GG_PEERS, peers);
	set(m->gauges, GG_PEERS_UP, up);

	unsigned asps = 0, active = 0, ls_n = 0, ls_av = 0;
	if (gw->router) {
		struct ss7_as *as;
		llist_for_each_entry(as, &gw->router->as_list, list) {
			for (unsigned i = 0; i < as->n_asps; i++) {
				const struct m3ua_link *l = as->asps[i];
				if (!l)
					continue;
				bool on = l->asp && m3ua_asp_state(l->asp) == M3UA_ASP_ST_ACTIVE;
				asps++;
				active += on;
				named_set(m, &asp_gauge_group, l->name, on);
			}
		}
		struct ss7_linkset *ls;
		llist_for_each_entry(ls, &gw->router->linksets, list) {
			ls_n++;
			ls_av += ls->available;
			named_set(m, &ls_gauge_group, ls->name, ls->available);
		}
	}
	set(m->gauges, GG_ASPS, asps);
	set(m->gauges, GG_ASPS_ACTIVE, active);
	set(m->gauges, GG_LINKSETS, ls_n);
	set(m->gauges, GG_LINKSETS_AVAILABLE, ls_av);

	unsigned spans = 0, spans_up = 0;
	if (gw->media) {
		spans = gw->media->n_spans;
		for (unsigned i = 0; i < gw->media->n_spans && gw->media->mp; i++)
			spans_up += media_plane_span_up(gw->media->mp, gw->media->spans[i].id);
	}
	set(m->gauges, GG_SPANS, spans);
	set(m->gauges, GG_SPANS_UP, spans_up);

	if (gw->net) {
		struct isup_trunk *tg;
		llist_for_each_entry(tg, &gw->net->trunks, list)
			sample_trunk(m, tg);
	}
	/* an object removed from the configuration takes its gauges with it */
	llist_for_each_entry_safe(t, t2, &m->named, list) {
		if (!t->seen) {
			llist_del(&t->list);
			talloc_free(t);
		}
	}
}

static void sample_cb(void *data)
{
	struct gw_metrics *m = data;
	gw_metrics_sample(m);
	osmo_timer_schedule(&m->sample_timer, SAMPLE_S, 0);
}

void gw_metrics_observe(struct gw_metrics *m, enum gw_hist h, uint64_t usec)
{
	if (!m || h >= _GW_HIST_NUM)
		return;
	struct hist *hi = &m->hist[h];
	unsigned i = 0;
	while (i < N_BOUNDS && usec > bounds_us[i])
		i++;
	hi->bucket[i]++;
	hi->count++;
	hi->sum_us += usec;
}

/* ---- the exposition (Prometheus text format 0.0.4) ---- */

/* a metric name from a libosmocore name: "call:olm" -> "call_olm" */
static void metric_name(char *out, size_t size, const char *a, const char *b)
{
	snprintf(out, size, "isupgw_%s_%s", a, b);
	for (char *p = out; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			*p = '_';
}

static void out_escaped(FILE *f, const char *s, bool label)
{
	for (; s && *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' && label)
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

/* the label of a group: its name under the key its class stands for, or its index */
static void out_labels(FILE *f, const char *prefix, unsigned idx, const char *name)
{
	static const char *const keys[][2] = {
		{ "isup_trunk", "trunk" }, { "sip_peer", "peer" }, { "m3ua_asp", "asp" }, { "linkset", "linkset" }
	};
	const char *key = "instance";
	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(prefix, keys[i][0]))
			key = keys[i][1];
	if (name) {
		fprintf(f, "{%s=\"", key);
		out_escaped(f, name, true);
		fputs("\"}", f);
	} else if (idx) {
		fprintf(f, "{instance=\"%u\"}", idx);
	}
}

static void out_help(FILE *f, const char *metric, const char *help, const char *type)
{
	fprintf(f, "# HELP %s ", metric);
	out_escaped(f, help, false);
	fprintf(f, "\n# TYPE %s %s\n", metric, type);
}

#define MAX_GROUPS 1024

struct collect {
	const void *g[MAX_GROUPS];
	unsigned n;
};

static int collect_ctr(struct rate_ctr_group *g, void *data)
{
	struct collect *c = data;
	if (c->n < MAX_GROUPS)
		c->g[c->n++] = g;
	return 0;
}

static int collect_stat(struct osmo_stat_item_group *g, void *data)
{
	return collect_ctr((struct rate_ctr_group *)g, data);
}

/* every series of one metric together under its HELP and TYPE: class by class, counter by counter, the
 * groups of the class in turn */
static void out_counters(FILE *f)
{
	static struct collect c;
	c.n = 0;
	rate_ctr_for_each_group(collect_ctr, &c);
	for (unsigned i = 0; i < c.n; i++) {
		const struct rate_ctr_group *gi = c.g[i];
		bool first = true;
		for (unsigned j = 0; j < i && first; j++)
			first = ((const struct rate_ctr_group *)c.g[j])->desc != gi->desc;
		if (!first)
			continue;
		const struct rate_ctr_group_desc *d = gi->desc;
		for (unsigned k = 0; k < d->num_ctr; k++) {
			char metric[128];
			metric_name(metric, sizeof(metric) - 6, d->group_name_prefix, d->ctr_desc[k].name);
			strcat(metric, "_total");
			out_help(f, metric, d->ctr_desc[k].description, "counter");
			for (unsigned j = i; j < c.n; j++) {
				const struct rate_ctr_group *g = c.g[j];
				if (g->desc != d)
					continue;
				fputs(metric, f);
				out_labels(f, d->group_name_prefix, g->idx, g->name);
				fprintf(f, " %" PRIu64 "\n", g->ctr[k].current);
			}
		}
	}
}

static void out_gauges(FILE *f)
{
	static struct collect c;
	c.n = 0;
	osmo_stat_item_for_each_group(collect_stat, &c);
	for (unsigned i = 0; i < c.n; i++) {
		const struct osmo_stat_item_group *gi = c.g[i];
		bool first = true;
		for (unsigned j = 0; j < i && first; j++)
			first = ((const struct osmo_stat_item_group *)c.g[j])->desc != gi->desc;
		if (!first)
			continue;
		const struct osmo_stat_item_group_desc *d = gi->desc;
		for (unsigned k = 0; k < d->num_items; k++) {
			char metric[128];
			metric_name(metric, sizeof(metric), d->group_name_prefix, d->item_desc[k].name);
			out_help(f, metric, d->item_desc[k].description, "gauge");
			for (unsigned j = i; j < c.n; j++) {
				const struct osmo_stat_item_group *g = c.g[j];
				if (g->desc != d)
					continue;
				fputs(metric, f);
				out_labels(f, d->group_name_prefix, g->idx, g->name);
				fprintf(f, " %d\n", osmo_stat_item_get_last(g->items[k]));
			}
		}
	}
}

static void out_hist_series(FILE *f, const char *metric, const char *dir, const struct hist *h)
{
	uint64_t cum = 0;
	for (unsigned i = 0; i <= N_BOUNDS; i++) {
		cum += h->bucket[i];
		if (i < N_BOUNDS)
			fprintf(f, "%s_bucket{direction=\"%s\",le=\"%g\"} %" PRIu64 "\n", metric, dir,
				(double)bounds_us[i] / 1e6, cum);
		else
			fprintf(f, "%s_bucket{direction=\"%s\",le=\"+Inf\"} %" PRIu64 "\n", metric, dir, cum);
	}
	fprintf(f, "%s_sum{direction=\"%s\"} %.6f\n", metric, dir, (double)h->sum_us / 1e6);
	fprintf(f, "%s_count{direction=\"%s\"} %" PRIu64 "\n", metric, dir, h->count);
}

static void out_hists(FILE *f, const struct gw_metrics *m)
{
	out_help(f, "isupgw_translation_seconds",
		 "Time inside the gateway from a call's first message on one side to its first on the other "
		 "(IAM received to INVITE sent, INVITE received to IAM sent)",
		 "histogram");
	out_hist_series(f, "isupgw_translation_seconds", "isup_to_sip", &m->hist[GW_HIST_IAM_TO_INVITE]);
	out_hist_series(f, "isupgw_translation_seconds", "sip_to_isup", &m->hist[GW_HIST_INVITE_TO_IAM]);
	out_help(f, "isupgw_post_dial_delay_seconds",
		 "Post-dial delay seen by the gateway: IAM received to the first 18x from SIP, INVITE received to "
		 "the ACM or CPG from ISUP",
		 "histogram");
	out_hist_series(f, "isupgw_post_dial_delay_seconds", "isup_to_sip", &m->hist[GW_HIST_PDD_ISUP_TO_SIP]);
	out_hist_series(f, "isupgw_post_dial_delay_seconds", "sip_to_isup", &m->hist[GW_HIST_PDD_SIP_TO_ISUP]);
}

char *gw_metrics_render(void *ctx, struct gw_metrics *m)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return NULL;
	gw_metrics_sample(m);
	out_counters(f);
	out_gauges(f);
	out_hists(f, m);
	fclose(f);
	char *r = talloc_strndup(ctx, buf ? buf : "", size);
	free(buf);
	return r;
}

/* ---- the HTTP endpoint ---- */

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type, const char *body,
			     size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct gw_metrics *m = cls;
	(void)version;
	(void)upload;
	(void)con_cls;
	static const char *const plain = "text/plain; charset=utf-8";
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
		m->refused++;
		*upload_size = 0;
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, plain, "GET /metrics only\n", 18);
	}
	if (strcmp(url, "/metrics")) {
		m->refused++;
		return reply(conn, MHD_HTTP_NOT_FOUND, plain, "not found: GET /metrics\n", 24);
	}
	char *text = gw_metrics_render(NULL, m);
	if (!text)
		return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, plain, "out of memory\n", 14);
	m->scrapes++;
	enum MHD_Result rc = reply(conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", text, strlen(text));
	talloc_free(text);
	return rc;
}

static void http_rearm(struct gw_metrics *m)
{
	MHD_UNSIGNED_LONG_LONG ms;
	if (m->httpd && MHD_get_timeout(m->httpd, &ms) == MHD_YES)
		osmo_timer_schedule(&m->http_timer, (int)(ms / 1000), (int)(ms % 1000) * 1000);
	else
		osmo_timer_del(&m->http_timer);
}

static void http_run(struct gw_metrics *m)
{
	if (!m->httpd)
		return;
	MHD_run(m->httpd);
	http_rearm(m);
}

static int http_fd_cb(struct osmo_fd *ofd, unsigned what)
{
	(void)what;
	http_run(ofd->data);
	return 0;
}

static void http_timer_cb(void *data)
{
	http_run(data);
}

static void http_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char line[256];
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = 0;
	LOGP(log_cat, LOGL_NOTICE, "metrics http: %s\n", line);
}

static void http_stop(struct gw_metrics *m)
{
	if (!m->httpd)
		return;
	osmo_timer_del(&m->http_timer);
	osmo_fd_unregister(&m->http_ofd);
	MHD_stop_daemon(m->httpd);
	m->httpd = NULL;
	LOGP(log_cat, LOGL_NOTICE, "metrics: the HTTP endpoint is closed\n");
}

int gw_metrics_apply(struct gw_metrics *m)
{
	http_stop(m);
	if (!m->port)
		return 0;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(m->port) };
	if (inet_pton(AF_INET, m->addr, &sin.sin_addr) != 1) {
		LOGP(log_cat, LOGL_ERROR, "metrics: bad address %s\n", m->addr);
		return -EINVAL;
	}
	m->httpd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, m->port, NULL, NULL, on_request, m,
				    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin, MHD_OPTION_CONNECTION_LIMIT,
				    (unsigned)HTTP_CONNS, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_CONNS_IP,
				    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT_S,
				    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEM, MHD_OPTION_EXTERNAL_LOGGER,
				    http_log, m, MHD_OPTION_END);
	if (!m->httpd) {
		LOGP(log_cat, LOGL_ERROR, "metrics: cannot listen on %s:%u for HTTP\n", m->addr, m->port);
		return -EADDRNOTAVAIL;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(m->httpd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!di) {
		MHD_stop_daemon(m->httpd);
		m->httpd = NULL;
		return -EIO;
	}
	osmo_fd_setup(&m->http_ofd, di->epoll_fd, OSMO_FD_READ, http_fd_cb, m, 0);
	if (osmo_fd_register(&m->http_ofd) < 0) {
		MHD_stop_daemon(m->httpd);
		m->httpd = NULL;
		return -EIO;
	}
	http_rearm(m);
	LOGP(log_cat, LOGL_NOTICE, "metrics: Prometheus endpoint on http://%s:%u/metrics\n", m->addr, m->port);
	return 0;
}

static int metrics_destructor(struct gw_metrics *m)
{
	http_stop(m);
	osmo_timer_del(&m->sample_timer);
	return 0;
}

struct gw_metrics *gw_metrics_alloc(struct gw *gw)
{
	struct gw_metrics *m = talloc_zero(gw, struct gw_metrics);
	if (!m)
		return NULL;
	m->gw = gw;
	INIT_LLIST_HEAD(&m->named);
	m->gauges = osmo_stat_item_group_alloc(m, &gw_gauge_group, 0);
	snprintf(m->addr, sizeof(m->addr), "127.0.0.1");
	osmo_timer_setup(&m->sample_timer, sample_cb, m);
	osmo_timer_setup(&m->http_timer, http_timer_cb, m);
	talloc_set_destructor(m, metrics_destructor);
	osmo_timer_schedule(&m->sample_timer, SAMPLE_S, 0);
	gw->metrics = m;
	return m;
}

/* ---- VTY ---- */

static struct gw *g_gw;

#define METRICS_STR "Metrics: gauges and the Prometheus endpoint\n"

DEFUN(cfg_gw_metrics_http, cfg_gw_metrics_http_cmd, "metrics http A.B.C.D <1-65535>",
      METRICS_STR "Serve GET /metrics over HTTP (Prometheus text format)\n"
		  "Local address to listen on (127.0.0.1: this host only)\n"
		  "TCP port (9464 is the usual one)\n")
{
	struct gw_metrics *m = g_gw->metrics;
	snprintf(m->addr, sizeof(m->addr), "%s", argv[0]);
	m->port = (uint16_t)atoi(argv[1]);
	if (vty->type != VTY_FILE && gw_metrics_apply(m) < 0) {
		vty_out(vty, "%% cannot listen on %s:%s%s", argv[0], argv[1], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_gw_no_metrics_http, cfg_gw_no_metrics_http_cmd, "no metrics http",
      NO_STR METRICS_STR "Close the HTTP endpoint\n")
{
	struct gw_metrics *m = g_gw->metrics;
	m->port = 0;
	if (vty->type != VTY_FILE)
		gw_metrics_apply(m);
	return CMD_SUCCESS;
}

DEFUN(show_gw_metrics, show_gw_metrics_cmd, "show gateway metrics [exposition]",
      SHOW_STR "Interworking\n"
	       "Metrics: the endpoint, its scrapes, the gauges\n"
	       "Everything a scrape would get, in the Prometheus text format\n")
{
	struct gw_metrics *m = g_gw->metrics;
	if (argc > 0) {
		char *text = gw_metrics_render(NULL, m);
		if (text) {
			for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
				vty_out(vty, "%s%s", line, VTY_NEWLINE);
		}
		talloc_free(text);
		return CMD_SUCCESS;
	}
	gw_metrics_sample(m);
	if (m->httpd)
		vty_out(vty,
			"endpoint: http://%s:%u/metrics, %" PRIu64 " scrapes, %" PRIu64 " other requests refused%s",
			m->addr, m->port, m->scrapes, m->refused, VTY_NEWLINE);
	else
		vty_out(vty, "endpoint: off%s%s", m->port ? " (could not listen)" : "", VTY_NEWLINE);
	for (unsigned i = 0; i < ARRAY_SIZE(gw_gauge_desc); i++)
		vty_out(vty, "%-22s %d%s", gw_gauge_desc[i].name,
			osmo_stat_item_get_last(osmo_stat_item_group_get_item(m->gauges, i)), VTY_NEWLINE);
	struct named_gauges *t;
	llist_for_each_entry(t, &m->named, list) {
		vty_out(vty, "%s %s:", t->desc->group_name_prefix, t->name);
		for (unsigned i = 0; i < t->desc->num_items; i++)
			vty_out(vty, " %s %d", t->desc->item_desc[i].name,
				osmo_stat_item_get_last(osmo_stat_item_group_get_item(t->g, i)));
		vty_out(vty, "%s", VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

void gw_metrics_config_write(struct vty *vty, const struct gw_metrics *m)
{
	if (m && m->port)
		vty_out(vty, " metrics http %s %u%s", m->addr, m->port, VTY_NEWLINE);
}

void gw_metrics_vty_init(struct gw *gw, int gw_node_id)
{
	g_gw = gw;
	install_element(gw_node_id, &cfg_gw_metrics_http_cmd);
	install_element(gw_node_id, &cfg_gw_no_metrics_http_cmd);
	install_element_ve(&show_gw_metrics_cmd);
}
