/* SPDX-License-Identifier: GPL-2.0-or-later */
/* M3UA ASP state machine (RFC 4666 4.3.1): brings an association to ASP-ACTIVE, keeps it alive with
 * BEAT, carries DATA, turns SSNM into MTP-PAUSE/RESUME/STATUS. The byte transport (TCP, SCTP, or a
 * test harness) sits below it behind two calls: send, and the bytes it received. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/tdef.h>

#include "m3ua_msg.h"

struct m3ua_asp;

enum m3ua_asp_state {
	M3UA_ASP_ST_DOWN,
	M3UA_ASP_ST_WAIT_UP_ACK,
	M3UA_ASP_ST_WAIT_AC_ACK, /* ASP-INACTIVE, asking to become active */
	M3UA_ASP_ST_ACTIVE,
};

enum m3ua_pc_status {
	M3UA_PC_UNAVAILABLE,	  /* DUNA: MTP-PAUSE */
	M3UA_PC_AVAILABLE,	  /* DAVA: MTP-RESUME */
	M3UA_PC_CONGESTED,	  /* SCON: MTP-STATUS congestion, level in info */
	M3UA_PC_USER_UNAVAILABLE, /* DUPU: MTP-STATUS user part unavailable, cause in info */
};

struct m3ua_asp_cfg {
	bool has_rc;
	uint32_t routing_ctx;
	uint32_t traffic_mode; /* M3UA_TMT_* */
	bool has_asp_id;
	uint32_t asp_id;
	bool has_na;
	uint32_t network_appearance;
	/* IPSP double exchange (RFC 4666 4.3.1, 5.6.2): besides asking, answer the peer's ASPUP/ASPAC/ASPIA/
	 * ASPDN and take DATA as soon as either side is active. Single exchange is the plain ASP role. */
	bool ipsp_de;
};

struct m3ua_asp_ops {
	int (*send)(struct m3ua_asp *asp, const uint8_t *buf, size_t len);
	/* ASP-ACTIVE reached or lost: the users may send again / must stop */
	void (*active_ind)(struct m3ua_asp *asp, bool active);
	/* MTP-TRANSFER indication */
	void (*transfer_ind)(struct m3ua_asp *asp, const struct m3ua_pdata *pd);
	/* SSNM for a point code */
	void (*pc_status_ind)(struct m3ua_asp *asp, uint32_t pc, enum m3ua_pc_status st, unsigned info);
	/* the association is broken (BEAT unanswered, framing error): the transport must reconnect */
	void (*failed)(struct m3ua_asp *asp, const char *why);
};

enum m3ua_asp_ctr {
	M3UA_CTR_RX_DATA,
	M3UA_CTR_TX_DATA,
	M3UA_CTR_RX_ERR,
	M3UA_CTR_TX_ERR,
	M3UA_CTR_TX_DROPPED, /* DATA asked for while not active */
	M3UA_CTR_BEAT_LOST,
	M3UA_CTR_NO_SOCKET, /* a connection attempt found no descriptor (EMFILE/ENFILE): retried */
};

struct m3ua_asp {
	char name[32];
	struct osmo_fsm_inst *fi;
	struct m3ua_asp_cfg cfg;
	const struct m3ua_asp_ops *ops;
	void *priv;
	struct osmo_tdef *tdefs; /* X1 retry, X2 BEAT interval, X3 BEAT answer */
	struct rate_ctr_group *ctrs;
	struct osmo_timer_list beat_timer;
	bool beat_outstanding;
	uint32_t beat_seq;
	uint8_t rxbuf[2 * M3UA_MAX_MSG];
	size_t rxlen;
};

extern const struct osmo_tdef m3ua_tdefs_template[];

void m3ua_asp_fsm_init(int log_cat);
struct m3ua_asp *m3ua_asp_alloc(void *ctx, const char *name, const struct m3ua_asp_cfg *cfg,
				const struct m3ua_asp_ops *ops, void *priv);
void m3ua_asp_free(struct m3ua_asp *asp);
/* The transport connected / went away. */
void m3ua_asp_transport_up(struct m3ua_asp *asp);
void m3ua_asp_transport_down(struct m3ua_asp *asp);
/* Bytes from the transport (a TCP stream or whole SCTP messages). Returns 0, or negative when the
 * association must be dropped (a header that cannot start a message). */
int m3ua_asp_rx(struct m3ua_asp *asp, const uint8_t *buf, size_t len);
/* MTP-TRANSFER request: DATA when ASP-ACTIVE, else -ENOTCONN (counted). */
int m3ua_asp_transfer_req(struct m3ua_asp *asp, const struct m3ua_pdata *pd);
/* Orderly shutdown (RFC 4666 4.3.4.4, 4.3.4.2): ASPIA if active, then ASPDN; the ASP is down at once
 * (the user is told), the transport may close once the two messages are out. */
void m3ua_asp_shutdown(struct m3ua_asp *asp);
enum m3ua_asp_state m3ua_asp_state(const struct m3ua_asp *asp);
