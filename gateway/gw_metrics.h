/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Metrics: gauges of what is up and busy, and a Prometheus endpoint (text exposition format 0.0.4) that
 * serves every rate counter group and stat item group of the process, plus the gateway's latency
 * histograms.
 *
 * The gauges are osmo_stat_items, so the statsd reporter (`stats reporter statsd`) sends them too. They are
 * sampled once a second (and again before each scrape) through the libraries' public structures: calls
 * active, SIP peers up, ASPs active, linksets available, spans up, and per ISUP trunk group the circuits
 * idle, busy, in reset, blocked locally and blocked remotely.
 *
 * The endpoint is off by default. When on (`metrics http ADDR PORT` in the gateway node) it is a
 * libmicrohttpd daemon without threads of its own: its epoll descriptor is watched by the control thread's
 * select loop, so the exposition reads the counters where they are written. GET /metrics only; bounded
 * connections (in all and per address), a connection timeout and a memory limit per connection. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct gw;
struct gw_metrics;
struct vty;

/* histograms the call feeds, in microseconds */
enum gw_hist {
	GW_HIST_IAM_TO_INVITE,	 /* IAM received -> INVITE sent */
	GW_HIST_INVITE_TO_IAM,	 /* INVITE received -> IAM sent */
	GW_HIST_PDD_ISUP_TO_SIP, /* post-dial delay: IAM received -> first ringing or progress from SIP */
	GW_HIST_PDD_SIP_TO_ISUP, /* INVITE received -> ACM or CPG from ISUP */
	_GW_HIST_NUM
};

void gw_metrics_init(int log_cat);
/* Allocates the gauges and starts their sampling (gw->metrics). */
struct gw_metrics *gw_metrics_alloc(struct gw *gw);
/* The HTTP endpoint as configured: started, moved or stopped. 0 or -errno. */
int gw_metrics_apply(struct gw_metrics *m);
void gw_metrics_vty_init(struct gw *gw, int gw_node_id);
/* the gateway node's lines for write-back */
void gw_metrics_config_write(struct vty *vty, const struct gw_metrics *m);

void gw_metrics_observe(struct gw_metrics *m, enum gw_hist h, uint64_t usec);
/* Samples the gauges now. */
void gw_metrics_sample(struct gw_metrics *m);
/* The exposition text of everything (talloc'ed on ctx). */
char *gw_metrics_render(void *ctx, struct gw_metrics *m);
