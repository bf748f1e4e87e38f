/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The MTP3 service to ISUP over M3UA: a route table from destination point codes to application
 * servers, each served by one or more ASPs (override: the first active one; loadshare: by SLS), MSUs
 * held while no ASP is active, and MTP-TRANSFER/PAUSE/RESUME/STATUS to the ISUP trunks. */
#pragma once

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>

#include "../isup_cc.h"
#include "m3ua_link.h"

#define SS7_AS_MAX_ASPS 4
#define SS7_AS_QUEUE 256	/* MSUs held while no ASP of the AS is active */

struct ss7_as {
	struct llist_head list;
	struct ss7_router *r;
	char name[32];
	uint32_t traffic_mode;			/* M3UA_TMT_OVERRIDE or M3UA_TMT_LOADSHARE */
	uint32_t routing_ctx;
	struct m3ua_link *asps[SS7_AS_MAX_ASPS];
	unsigned n_asps;
	bool available;				/* some ASP active */
	struct {
		uint8_t *msu[SS7_AS_QUEUE];
		uint16_t len[SS7_AS_QUEUE];
		unsigned head, n;
	} q;
	struct osmo_timer_list q_timer;		/* held MSUs older than this are dropped */
	unsigned q_dropped;
};

struct ss7_linkset;
struct ss7_route {
	struct llist_head list;
	uint32_t dpc;
	struct ss7_as *as;			/* over M3UA, or */
	struct ss7_linkset *ls;			/* over MTP2 links */
	bool dpc_unavailable;			/* DUNA received */
};

struct ss7_router {
	void *ctx;
	bool ansi;
	struct llist_head as_list, routes, linksets;
	struct ss7_pcap *trace;			/* every MSU sent and received, when set */
	char *trace_path;
	struct llist_head *trunks;		/* struct isup_trunk list (isup_net) */
	unsigned hold_s;			/* how long MSUs wait for an ASP (default 5 s) */
	/* MSUs for no trunk: other user parts, or a user that is not an ISUP trunk (tests, pstn tools) */
	void (*other_rx)(struct ss7_router *r, const struct mtp3_label *l, const uint8_t *data, size_t len,
			 void *priv);
	void *other_priv;
	uint64_t rx_no_user;
};

struct ss7_router *ss7_router_alloc(void *ctx, bool ansi, struct llist_head *trunks);
struct ss7_as *ss7_router_as_add(struct ss7_router *r, const char *name, uint32_t traffic_mode);
/* An ASP of the AS towards the SG at host:port; started at once. */
struct m3ua_link *ss7_as_asp_add(struct ss7_as *as, const char *name, enum m3ua_transport t, const char *host,
				 uint16_t port, const struct m3ua_asp_cfg *cfg);
int ss7_router_route_add(struct ss7_router *r, uint32_t dpc, struct ss7_as *as);
int ss7_router_route_add_ls(struct ss7_router *r, uint32_t dpc, struct ss7_linkset *ls);
/* Write every MSU sent or received (M3UA DATA as SIO + label + user part) to a DLT_MTP3 pcap; NULL stops. */
int ss7_router_trace_pcap(struct ss7_router *r, const char *path);

/* For the link layers: a received MSU for a user part, a linkset's accessibility, tracing. */
struct mtp3_label;
void ss7_router_deliver(struct ss7_router *r, const struct mtp3_label *l, const uint8_t *data, size_t len);
void ss7_router_linkset_state(struct ss7_router *r, struct ss7_linkset *ls, bool available);
void ss7_router_trace(struct ss7_router *r, const uint8_t *msu, size_t len);
void ss7_router_free(struct ss7_router *r);
/* The MTP-TRANSFER request function for isup_trunk_set_mtp() (priv: the router). */
int ss7_router_transfer(struct isup_trunk *tg, const uint8_t *msu, size_t len, void *priv);
