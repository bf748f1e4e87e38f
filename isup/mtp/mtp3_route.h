/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The MTP3 service to its users (Q.701 2.2: ISUP, SCCP ...): a route table from destination point codes
 * to application servers over M3UA, each served by one or more ASPs (override: the first active one;
 * loadshare: by SLS), or to MTP2 linksets; MSUs held while no ASP is active; MTP-TRANSFER, -PAUSE,
 * -RESUME and -STATUS indications to the user registered for each service indicator (the shape of
 * libosmo-sigtran's osmo_ss7_user). Nothing here knows what a user part does with them. */
#pragma once

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>

#include "m3ua_link.h"
#include "mtp3.h"

#define SS7_AS_MAX_ASPS 4
#define SS7_AS_QUEUE	256 /* MSUs held while no ASP of the AS is active */

struct ss7_as {
	struct llist_head list;
	struct ss7_router *r;
	char name[32];
	uint32_t traffic_mode; /* M3UA_TMT_OVERRIDE or M3UA_TMT_LOADSHARE */
	uint32_t routing_ctx;
	bool ansi;	   /* the network's MTP3 variant: point codes and label of its MSUs (ANSI: 24-bit PCs) */
	unsigned sls_bits; /* ANSI: 5 or 8 */
	struct m3ua_link *asps[SS7_AS_MAX_ASPS];
	unsigned n_asps;
	bool available; /* some ASP active */
	struct {
		uint8_t *msu[SS7_AS_QUEUE];
		uint16_t len[SS7_AS_QUEUE];
		unsigned head, n;
	} q;
	struct osmo_timer_list q_timer; /* held MSUs older than this are dropped */
	unsigned q_dropped;
};

struct ss7_linkset;
struct ss7_route {
	struct llist_head list;
	uint32_t dpc;
	bool ansi;		/* the variant of the AS or linkset: routes are per (variant, DPC) */
	struct ss7_as *as;	/* over M3UA, or */
	struct ss7_linkset *ls; /* over MTP2 links */
	bool dpc_unavailable;	/* DUNA received */
};

/* MTP-STATUS causes (Q.704 2.4, RFC 4666 DUPU/SCON) */
enum ss7_status {
	SS7_STATUS_CONGESTED,	   /* signalling network congestion toward the DPC, level 1-3 */
	SS7_STATUS_UP_UNAVAILABLE, /* the remote user part is unavailable (UPU: inaccessible, unknown) */
	SS7_STATUS_UP_UNEQUIPPED,  /* the remote user part is not equipped */
};

/* An MTP user part, registered for one service indicator. The indications get the user back; PAUSE,
 * RESUME and STATUS name the destination point code they concern (a user ignores those it has no
 * relation with). */
struct ss7_user {
	const char *name;
	void (*transfer_ind)(const struct ss7_user *u, const struct mtp3_label *l, const uint8_t *data, size_t len);
	void (*pause_ind)(const struct ss7_user *u, uint32_t dpc);
	void (*resume_ind)(const struct ss7_user *u, uint32_t dpc);
	void (*status_ind)(const struct ss7_user *u, uint32_t dpc, enum ss7_status st, unsigned info);
	void *priv;
};
#define SS7_MAX_SI 16

struct ss7_router {
	void *ctx;
	bool ansi; /* the variant of linksets and ASes when they are created (each may be set otherwise) */
	struct llist_head as_list, routes, linksets;
	struct ss7_pcap *trace; /* every MSU sent and received, when set */
	char *trace_path;
	const struct ss7_user *users[SS7_MAX_SI]; /* by service indicator */
	bool stopping;				  /* no indications to users while tearing down */
	unsigned hold_s;			  /* how long MSUs wait for an ASP (default 5 s) */
	uint64_t rx_no_user;			  /* MSUs for a service indicator nobody registered */
};

struct ss7_router *ss7_router_alloc(void *ctx, bool ansi);
/* A user part for service indicator si (MTP3_SI_ISUP: 5). 0, -EINVAL (si), -EBUSY (taken). */
int ss7_user_register(struct ss7_router *r, uint8_t si, const struct ss7_user *u);
void ss7_user_unregister(struct ss7_router *r, uint8_t si);
/* MTP-TRANSFER request: an MSU (SIO + routing label + user part, the label ANSI or ITU as ansi says)
 * toward the route of its DPC in that variant's network. 0 or -errno (-EHOSTUNREACH: no route; queued
 * while the AS has no active ASP). */
int ss7_router_transfer_req(struct ss7_router *r, bool ansi, const uint8_t *msu, size_t len);
struct ss7_as *ss7_router_as_add(struct ss7_router *r, const char *name, uint32_t traffic_mode);
/* The AS's MTP3 variant; only while no route uses it (-EBUSY). */
int ss7_as_set_variant(struct ss7_as *as, bool ansi);
/* An ASP of the AS towards the SG at host:port; started at once. */
struct m3ua_link *ss7_as_asp_add(struct ss7_as *as, const char *name, enum m3ua_transport t, const char *host,
				 uint16_t port, const struct m3ua_asp_cfg *cfg);
int ss7_router_route_add(struct ss7_router *r, uint32_t dpc, struct ss7_as *as);
int ss7_router_route_add_ls(struct ss7_router *r, uint32_t dpc, struct ss7_linkset *ls);
/* Bytes waiting to be read on the ASPs' and links' sockets (the gateway's admission control reads it). */
size_t ss7_router_rx_backlog(const struct ss7_router *r);
/* Write every MSU sent or received (M3UA DATA as SIO + label + user part) to a DLT_MTP3 pcap; NULL stops. */
int ss7_router_trace_pcap(struct ss7_router *r, const char *path);

/* For the link layers: a received MSU for a user part, a linkset's accessibility, tracing. */
struct mtp3_label;
void ss7_router_deliver(struct ss7_router *r, const struct mtp3_label *l, const uint8_t *data, size_t len);
void ss7_router_linkset_state(struct ss7_router *r, struct ss7_linkset *ls, bool available);
void ss7_router_trace(struct ss7_router *r, const uint8_t *msu, size_t len);
void ss7_router_free(struct ss7_router *r);
