/* SPDX-License-Identifier: GPL-2.0-or-later */
/* M3UA associations on sockets: the ASP client (TCP framed by the M3UA length, or kernel SCTP with
 * PPID 3 and the stream chosen by SLS) with reconnect backoff, and a minimal SG/IPSP server side for
 * pstn-sim and tests. */
#pragma once

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>

#include "m3ua_asp.h"

enum m3ua_transport {
	M3UA_TRANSPORT_TCP,
	M3UA_TRANSPORT_SCTP,
};

#define M3UA_PORT		      2905
#define M3UA_SCTP_PPID		      3
#define M3UA_TXQ		      65536
#define M3UA_MAX_EXTRA_ADDRS	      3
#define M3UA_LINK_BACKOFF_MAX_DEFAULT 30 /* s: the longest wait between connection attempts */

struct m3ua_txq {
	uint8_t buf[M3UA_TXQ];
	size_t len;
	uint16_t sctp_outstreams; /* SCTP: outbound streams negotiated at association setup */
};

/* SCTP stream for one M3UA message (RFC 4666 1.4.7): management on stream 0, DATA spread over
 * streams 1..n-1 by the SLS of its protocol data, so one call's messages stay in sequence. */
uint16_t m3ua_sctp_stream(const uint8_t *msg, size_t len, uint16_t outstreams);

/* ---- ASP client ---- */

struct m3ua_link {
	char name[32];
	enum m3ua_transport transport;
	char remote_host[64];
	uint16_t remote_port;
	char local_host[64];
	uint16_t local_port;
	/* SCTP multi-homing: further addresses of each end (osmo_sock_init2_multiaddr) */
	char remote_extra[M3UA_MAX_EXTRA_ADDRS][64], local_extra[M3UA_MAX_EXTRA_ADDRS][64];
	unsigned n_remote_extra, n_local_extra;
	bool ipsp; /* IPSP role (shown and written back; DE is in the ASP's cfg) */
	struct osmo_fd ofd;
	bool connecting, connected;
	struct m3ua_asp *asp;
	struct m3ua_asp_ops asp_ops; /* ours: send and failed, the rest forwarded */
	const struct m3ua_asp_ops *user_ops;
	void *user_priv;
	struct osmo_timer_list reconnect;
	unsigned backoff_s;	/* 1, 2, 4 ... backoff_max_s between attempts */
	unsigned backoff_max_s; /* the longest wait (VTY reconnect-backoff, default 30 s) */
	unsigned connects;	/* associations established, for show and tests */
	struct m3ua_txq txq;
};

/* user_ops: active_ind, transfer_ind, pc_status_ind (send and failed are the link's own). The user's
 * callbacks get the ASP; m3ua_link_of(asp) finds the link, and link->user_priv the user's data. */
struct m3ua_link *m3ua_link_alloc(void *ctx, const char *name, enum m3ua_transport transport, const char *remote_host,
				  uint16_t remote_port, const struct m3ua_asp_cfg *cfg,
				  const struct m3ua_asp_ops *user_ops, void *user_priv);
int m3ua_link_start(struct m3ua_link *link);
void m3ua_link_stop(struct m3ua_link *link);
/* Orderly: ASPIA (if active) and ASPDN, then close; no reconnect until started again. */
void m3ua_link_shutdown(struct m3ua_link *link);
void m3ua_link_free(struct m3ua_link *link);
struct m3ua_link *m3ua_link_of(struct m3ua_asp *asp);
/* SCTP links: appends to s (talloc) the association's state, streams and primary path, then one line
 * per path (peer address: state, srtt, rto, cwnd) and per local address, each line led by indent. */
char *m3ua_link_sctp_show(void *ctx, char *s, const struct m3ua_link *link, const char *indent);

/* ---- SG / IPSP server side ---- */

struct m3ua_sg;
struct m3ua_sg_peer;

struct m3ua_sg_ops {
	void (*transfer_ind)(struct m3ua_sg *sg, struct m3ua_sg_peer *peer, const struct m3ua_pdata *pd, void *priv);
	void (*peer_state)(struct m3ua_sg *sg, struct m3ua_sg_peer *peer, bool active, void *priv);
};

struct m3ua_sg_peer {
	struct llist_head list;
	struct m3ua_sg *sg;
	struct osmo_fd ofd;
	bool up, active;
	uint32_t routing_ctx;
	uint8_t rxbuf[2 * M3UA_MAX_MSG];
	size_t rxlen;
	struct m3ua_txq txq;
};

struct m3ua_sg {
	enum m3ua_transport transport;
	struct osmo_fd lfd;
	uint16_t port; /* the port actually bound (0 asks the kernel for one) */
	struct llist_head peers;
	const struct m3ua_sg_ops *ops;
	void *priv;
};

struct m3ua_sg *m3ua_sg_alloc(void *ctx, enum m3ua_transport transport, const char *host, uint16_t port,
			      const struct m3ua_sg_ops *ops, void *priv);
void m3ua_sg_free(struct m3ua_sg *sg);
/* DATA to the first active peer (override). Returns 0 or -ENOTCONN. */
int m3ua_sg_transfer_req(struct m3ua_sg *sg, const struct m3ua_pdata *pd);
/* Drop peer connections, the oldest first; max 0 drops all (tests: the far end dies). */
void m3ua_sg_drop_peers(struct m3ua_sg *sg, unsigned max);
