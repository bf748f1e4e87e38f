/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The media plane's insides shared by media/mplane*.c: the worker's objects, small helpers, cross-file calls. */
#pragma once

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/select.h>

#include "cesop.h"
#include "dahdi_span.h"
#include "dsp.h"
#include "jbuf.h"
#include "mplane.h"
#include "rtp.h"

/* Media workers (see mplane.h). Ownership: a worker's spans and channels (struct wspan, struct wchan) are
 * allocated by the control plane, handed over in a command, and from then on touched only by that worker,
 * which also frees them. The control plane keeps its own handle (struct media_chan) with the last
 * statistics the worker reported. */

#define BLK	       80 /* DSP block: 10 ms */
#define MAX_PTIME      30
#define SPAN_RING      512 /* frames buffered from a CESoPSN peer (64 ms) */
#define SPAN_MAX_TS    32
#define FRAMES_PER_PKT 8 /* 1 ms */
#define MAX_SOCKS      64
#define QCAP	       4096    /* a worker's command ring to begin with; it doubles when full */
#define QCAP_MAX       1048576 /* beyond this a command is lost (counted): the worker is stuck */

/* the application's log category (media_plane_set_log_cat()) */
extern int media_log_cat;

/* ---- small helpers every file of the plane uses ---- */

static inline enum tdm_law pt_law(uint8_t pt)
{
	return pt == 0 ? TDM_LAW_ULAW : TDM_LAW_ALAW;
}

static inline uint64_t now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static inline uint64_t ntp_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return ((uint64_t)t.tv_sec + 2208988800u) << 32 | (uint64_t)(((uint64_t)t.tv_nsec << 32) / 1000000000u);
}

static inline bool same_addr(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr && a->sin_port == b->sin_port;
}

/* ---- the worker's objects ---- */

struct mworker;

struct wchan {
	struct llist_head list;
	/* closed by a command while epoll may still hold events for it: freed once the batch is done */
	bool closed;
	struct wchan *next_dead;
	unsigned id;
	void *owner;
	bool local;
	struct wspan *span;
	unsigned ts;
	int fd, rtcp_fd;
	struct media_dsp *dsp;
	bool dtmf_detect;
	/* the far end */
	bool remote_set;
	struct media_remote rem;
	struct sockaddr_in sdp_addr, peer, rtcp_peer;
	bool locked; /* the peer is fixed until the next SDP */
	uint64_t learn_until;
	struct sockaddr_in cand;
	uint32_t cand_ssrc;
	uint16_t cand_seq;
	unsigned cand_n;
	/* receive */
	bool have_ssrc;
	uint32_t rx_ssrc;
	struct rtp_rx_stats rx;
	struct jbuf jb;
	uint32_t ev_rx_ts; /* timestamp of the RFC 4733 event playing (or played) */
	bool ev_rx_active, ev_rx_done;
	/* send */
	uint32_t ssrc, tx_ts;
	uint16_t tx_seq;
	uint32_t tx_ts0; /* RTP timestamp of the DSP's sample 0 */
	uint8_t pkt[RTP_HDR_LEN + MAX_PTIME * 8];
	unsigned pkt_fill;
	bool marker;
	bool ev_tx_active, ev_tx_end;
	char ev_tx_digit;
	uint32_t ev_tx_ts, ev_tx_dur;
	/* TDM side, 10 ms blocks */
	uint8_t tdm_in[BLK];
	unsigned in_n;
	uint8_t tdm_out[BLK];
	unsigned out_pos;
	int16_t ref[BLK]; /* linear of the block playing toward TDM: the echo reference */
	enum media_cot cot;
	bool cot_reported, ans_reported;
	char dial[32];	   /* local: digits still to dial in-band */
	unsigned dial_gap; /* blocks of silence before the next digit */
	/* local channels */
	double gen_phase, gen_step, gen_amp;
	double an_energy;
	unsigned an_cross, an_n; /* crossings and samples of the window's blocks that carry a signal */
	unsigned an_total;
	int16_t an_prev;
	uint64_t ntp_lsr_us; /* when the last SR of the peer arrived (for DLSR) */
	uint32_t lsr;
	struct media_stats st;
};

struct wspan {
	struct media_span_cfg cfg;
	struct mworker *w;
	int sock; /* index into the worker's sockets */
	struct sockaddr_in remote;
	unsigned n_ts; /* timeslots carried: 1..31 (E1) or 1..24 (T1) */
	struct wchan *chan[SPAN_MAX_TS];
	uint8_t ring[SPAN_RING][SPAN_MAX_TS];
	unsigned r_head, r_count;
	bool playing;
	bool up;
	uint64_t last_rx_tick;
	uint16_t tx_seq;
	uint32_t underruns, slips, rx_packets, tx_packets, malformed;
	uint8_t txbuf[CESOP_CW_LEN + FRAMES_PER_PKT * SPAN_MAX_TS];
	struct dahdi_span *dahdi; /* DAHDI driver: the timeslots' channels (NULL: CESoPSN over UDP) */
	bool tx_off;		  /* CESoPSN: nothing sent (the far end sees the span fail) */
};

struct wsock {
	int fd;
	char addr[64];
	uint16_t port;
	struct wspan *spans[64];
	unsigned n_spans;
};

enum cmd_type {
	CMD_SPAN_ADD,
	CMD_CHAN_ADD,
	CMD_CHAN_DEL,
	CMD_REMOTE,
	CMD_TONE,
	CMD_EC,
	CMD_COT,
	CMD_GEN,
	CMD_DIAL,
	CMD_SPAN_TX,
	CMD_STOP
};

struct cmd {
	enum cmd_type type;
	struct wchan *ch;
	struct wspan *sp;
	union {
		struct media_remote rem;
		int i;
		struct {
			unsigned hz;
			int dbm0;
		} gen;
		char digits[32];
	} u;
};

struct mworker {
	struct media_plane *mp;
	unsigned idx;
	pthread_t thr;
	bool running;
	int epfd, tfd, evfd;
	pthread_mutex_t qlock;
	struct cmd *q;
	unsigned q_head, q_n, q_cap;
	uint64_t q_lost; /* commands lost to a ring at QCAP_MAX (or no memory to grow it) */
	void *tctx;	 /* talloc root for this thread's DSP state */
	struct wsock socks[MAX_SOCKS];
	unsigned n_socks;
	struct wspan *spans[256];
	unsigned n_spans;
	struct llist_head chans;
	struct wchan *dead; /* closed in this epoll batch, freed at its end (mplane_free_dead) */
	uint64_t ticks;
	/* what the control plane may read: counts only, written by the worker */
	unsigned n_chans;
	uint64_t late_ticks; /* 1 ms ticks that came late (the timer had expired more than once) */
};

struct media_plane {
	struct media_plane_cfg cfg;
	media_event_cb cb;
	void *priv;
	/* events from the workers: a list under a mutex and an eventfd in the osmo select loop (not
	 * osmo_it_q: libosmocore 1.7's dequeue returns the list head when the queue is empty) */
	pthread_mutex_t evlock;
	struct llist_head evs;
	unsigned n_evs;
	struct osmo_fd evfd;
	struct mworker *w;
	unsigned n_w;
	struct media_chan **slot; /* by channel id */
	unsigned n_slots, next_slot;
	struct {
		unsigned id;
		struct mworker *w;
		struct wspan *sp; /* a handle for commands: the worker's, never read here */
		unsigned n_ts;
		char local_addr[64];
		uint16_t local_port;
		bool up;
	} spans[256];
	unsigned n_spans;
	unsigned n_chans;
};

/* ---- called across the files ---- */

/* mplane.c: an event toward the control plane */
void mplane_post(struct mworker *w, const struct wchan *c, const struct media_event *ev);

/* mplane_g711.c */
void mplane_g711_init(void);
void mplane_g711_dec(enum tdm_law law, const uint8_t *in, int16_t *out, unsigned n);
void mplane_g711_enc(enum tdm_law law, const int16_t *in, uint8_t *out, unsigned n);

/* mplane_rtp.c */
void mplane_on_dsp_dtmf(void *priv, char digit, bool end, uint32_t ts, uint32_t duration);
void mplane_packetize(struct wchan *c, const uint8_t *enc);
void mplane_set_remote(struct mworker *w, struct wchan *c, const struct media_remote *r);
void mplane_rtcp_send(struct wchan *c);
void mplane_sock_read(struct mworker *w, struct wchan *c, bool rtcp);

/* mplane_span.c */
void mplane_sock_read_span(struct mworker *w, struct wsock *s);
void mplane_span_tick(struct wspan *sp, struct mmsghdr *out, struct iovec *iov);
void mplane_dahdi_tick(struct wspan *sp);
void mplane_dahdi_readable(struct mworker *w, struct dahdi_ts *t);
void mplane_span_free(struct wspan *sp);

/* mplane.c: a worker's command ring, with its qlock held. push never loses a command while the ring can
 * grow (a lost channel handover or delete would leak, a lost stop would hang the join); -ENOMEM when it
 * cannot. pop: false when empty. */
int mplane_cmdq_push(struct mworker *w, const struct cmd *m);
bool mplane_cmdq_pop(struct mworker *w, struct cmd *m);

/* mplane_worker.c */
const uint8_t *mplane_chan_step(struct wchan *c);
void mplane_chan_close(struct wchan *c);
/* free the channels closed during the last epoll batch */
void mplane_free_dead(struct mworker *w);
struct media_dsp *mplane_dsp_for(struct mworker *w, struct wchan *c);
int mplane_worker_start(struct media_plane *mp, struct mworker *w, unsigned idx);
