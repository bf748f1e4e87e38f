/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MTP level 2 (ITU-T Q.703, ANSI T1.111.3) basic error correction over a packet link: one signal unit
 * per datagram. The link is a pure state machine: received signal units go in through mtp2_rx(), the
 * ones to send come out through ops->tx(), timers run on the osmocom clock. Covered: FISU/LSSU/MSU,
 * initial alignment with normal and emergency proving (T1-T4, AERM), sequence numbers and
 * retransmission (FSN/FIB/BSN/BIB), T5-T7, link failure detection (SUERM, abnormal BSN/FIB, status
 * units in service, T1/T6/T7), retrieval of unacknowledged MSUs for MTP3 changeover. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/timer.h>

#define MTP2_HDR_LEN 3	 /* BSN/BIB, FSN/FIB, LI */
#define MTP2_MAX_MSU 273 /* SIO + 272 octets of SIF */
#define MTP2_MAX_SU  (MTP2_HDR_LEN + MTP2_MAX_MSU)
#define MTP2_FCS_LEN 2
#define MTP2_RTB     127  /* retransmission buffer: MSUs sent and not yet acknowledged */
#define MTP2_TB	     1024 /* transmission buffer: MSUs waiting for room in the RTB */

enum mtp2_lssu {
	MTP2_SIO = 0,
	MTP2_SIN = 1,
	MTP2_SIE = 2,
	MTP2_SIOS = 3,
	MTP2_SIPO = 4,
	MTP2_SIB = 5,
};

enum mtp2_state {
	MTP2_ST_OUT_OF_SERVICE,
	MTP2_ST_NOT_ALIGNED,   /* IAC: sending SIO, T2 */
	MTP2_ST_ALIGNED,       /* IAC: sending SIN/SIE, T3 */
	MTP2_ST_PROVING,       /* IAC: sending SIN/SIE, T4 */
	MTP2_ST_ALIGNED_READY, /* sending FISU, T1 */
	MTP2_ST_IN_SERVICE,
};

enum mtp2_timer {
	MTP2_T1,
	MTP2_T2,
	MTP2_T3,
	MTP2_T4N,
	MTP2_T4E,
	MTP2_T5,
	MTP2_T6,
	MTP2_T7,
	MTP2_T_FILL, /* repeat of the current status unit on an idle link (0: only on change) */
	_MTP2_NUM_TIMERS
};

struct mtp2_timer_def {
	const char *name;
	const char *desc;
	uint32_t itu_ms, ansi_ms, min_ms, max_ms;
};
extern const struct mtp2_timer_def mtp2_timer_defs[_MTP2_NUM_TIMERS];

struct mtp2_cfg {
	bool ansi;
	bool emergency; /* prove with T4e (also used when the peer sends SIE) */
	bool check_fcs; /* verify the 2 trailing octets as CRC-16 (DAHDI and libss7 do not fill them) */
	uint32_t t_ms[_MTP2_NUM_TIMERS];
	unsigned proving_attempts; /* M: proving periods aborted by AERM before alignment is given up */
};
void mtp2_cfg_defaults(struct mtp2_cfg *cfg, bool ansi);

struct mtp2_link;

struct mtp2_ops {
	/* One signal unit (header + payload, without FCS) to the transport. */
	int (*tx)(struct mtp2_link *l, const uint8_t *su, size_t len, void *priv);
	/* The link entered or left the in-service state; reason says why it left. */
	void (*state_ind)(struct mtp2_link *l, bool in_service, const char *reason, void *priv);
	/* An MSU (SIO + SIF) accepted in sequence. */
	void (*rx_msu)(struct mtp2_link *l, const uint8_t *msu, size_t len, void *priv);
};

struct mtp2_stats {
	uint64_t tx_msu, rx_msu, tx_su, rx_su, retransmitted, nacks_sent, nacks_rcvd;
	uint64_t rx_bad, rx_duplicate, rx_out_of_seq, alignments, failures, aerm_aborts;
};

struct mtp2_link {
	char name[32];
	struct mtp2_cfg cfg;
	const struct mtp2_ops *ops;
	void *priv;
	enum mtp2_state state;
	const char *last_failure;

	/* sequence numbers (7 bits) and indicator bits */
	uint8_t fsnt; /* FSN of the last MSU sent */
	uint8_t fib, bib;
	uint8_t bsn;			    /* FSN of the last MSU accepted (sent back as BSN) */
	bool nack_pending;		    /* BIB inverted, waiting for the peer's retransmission */
	bool in_batch, ack_pending;	    /* one acknowledging FISU per batch of received signal units */
	uint8_t abnormal_bsn, abnormal_fib; /* history bits: two of the last three abnormal -> failure */

	/* retransmission buffer: FSN of rtb[(rtb_head + i)] is rtb_fsn0 + i */
	struct {
		uint16_t len;
		uint8_t *buf;
	} rtb[MTP2_RTB];
	unsigned rtb_head, rtb_n;
	uint8_t rtb_fsn0;
	/* transmission buffer */
	uint8_t **tb;
	uint16_t *tb_len;
	unsigned tb_head, tb_n;

	bool remote_busy; /* SIB received: T6 running, retransmission and T7 held */
	bool prove_emergency;
	unsigned proving_aborts, aerm_count;
	unsigned suerm_count, suerm_good;

	struct osmo_timer_list t1, t2, t3, t4, t6, t7, fill;
	struct mtp2_stats st;
};

struct mtp2_link *mtp2_alloc(void *ctx, const char *name, const struct mtp2_cfg *cfg, const struct mtp2_ops *ops,
			     void *priv);
void mtp2_free(struct mtp2_link *l);
void mtp2_set_log_cat(int cat);

/* Begin initial alignment (from out of service), with empty buffers: retrieve first what is to be kept. */
void mtp2_link_start(struct mtp2_link *l);
/* Take the link out of service (sends SIOS); no indication to the user. */
void mtp2_link_stop(struct mtp2_link *l);
/* A received signal unit without its FCS. Returns 0, or -1 when it was malformed (counted). */
int mtp2_rx(struct mtp2_link *l, const uint8_t *su, size_t len);
/* A received frame as the packet transport delivers it: signal unit + 2 FCS octets. */
int mtp2_rx_frame(struct mtp2_link *l, const uint8_t *frame, size_t len);
/* Around a batch of received frames (one read wake-up): the MSUs accepted in it are acknowledged by
 * one FISU at the end instead of one each. */
void mtp2_rx_batch(struct mtp2_link *l, bool begin);
/* Send an MSU (SIO + SIF). Returns 0, -EINVAL (size), -ENOTCONN (not in service), -ENOBUFS. */
int mtp2_msu_req(struct mtp2_link *l, const uint8_t *msu, size_t len);
/* The transport failed (socket closed, alarm): link failure. */
void mtp2_transport_failed(struct mtp2_link *l, const char *why);

/* For changeover (Q.704 5.4): the FSN of the last MSU accepted from the peer. */
static inline uint8_t mtp2_last_accepted_fsn(const struct mtp2_link *l)
{
	return l->bsn;
}
/* Retrieve and clear the MSUs not yet acknowledged by the peer - those after fsn when have_fsn (the FSN
 * of the last MSU the peer accepted, from its COA), else all - then the ones never sent. fn is called
 * for each in order. Returns the number retrieved. Only out of service. */
unsigned mtp2_retrieve(struct mtp2_link *l, bool have_fsn, uint8_t fsn,
		       void (*fn)(const uint8_t *msu, size_t len, void *arg), void *arg);

const char *mtp2_state_name(enum mtp2_state st);
/* CRC-16 of Q.703 (the HDLC FCS), as sent: the ones' complement, least significant octet first. */
uint16_t mtp2_fcs(const uint8_t *buf, size_t len);
