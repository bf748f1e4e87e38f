/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Media workers (see mplane.h). Ownership: a worker's spans and channels (struct wspan, struct wchan) are
 * allocated by the control plane, handed over in a command, and from then on touched only by that worker,
 * which also frees them. The control plane keeps its own handle (struct media_chan) with the last
 * statistics the worker reported. */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/select.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <spandsp.h>

#include "cesop.h"
#include "dahdi_span.h"
#include "dsp.h"
#include "jbuf.h"
#include "mplane.h"
#include "rtp.h"

#define BLK 80			/* DSP block: 10 ms */
#define MAX_PTIME 30
#define SPAN_RING 512		/* frames buffered from a CESoPSN peer (64 ms) */
#define SPAN_MAX_TS 32
#define FRAMES_PER_PKT 8	/* 1 ms */
#define MAX_SOCKS 64
#define QCAP 4096
#define LEARN_PKTS 3		/* sequential packets from a new source before it is learned */

static int g_log_cat = DLGLOBAL;
void media_plane_set_log_cat(int cat)
{
	g_log_cat = cat;
}

/* ---- G.711 ---- */

static int16_t dec_tab[2][256];	/* [TDM_LAW_ALAW / TDM_LAW_ULAW] */
static pthread_once_t tab_once = PTHREAD_ONCE_INIT;

static void tab_init(void)
{
	for (unsigned i = 0; i < 256; i++) {
		dec_tab[TDM_LAW_ALAW][i] = alaw_to_linear((uint8_t)i);
		dec_tab[TDM_LAW_ULAW][i] = ulaw_to_linear((uint8_t)i);
	}
}

static void g711_dec(enum tdm_law law, const uint8_t *in, int16_t *out, unsigned n)
{
	const int16_t *t = dec_tab[law];
	for (unsigned i = 0; i < n; i++)
		out[i] = t[in[i]];
}

static void g711_enc(enum tdm_law law, const int16_t *in, uint8_t *out, unsigned n)
{
	if (law == TDM_LAW_ALAW)
		for (unsigned i = 0; i < n; i++)
			out[i] = linear_to_alaw(in[i]);
	else
		for (unsigned i = 0; i < n; i++)
			out[i] = linear_to_ulaw(in[i]);
}

static uint8_t idle_code(enum tdm_law law)
{
	return law == TDM_LAW_ALAW ? 0xd5 : 0xff;
}

static enum tdm_law pt_law(uint8_t pt)
{
	return pt == 0 ? TDM_LAW_ULAW : TDM_LAW_ALAW;
}

static uint64_t now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

/* ---- the worker's objects ---- */

struct mworker;

struct wchan {
	struct llist_head list;
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
	bool locked;			/* the peer is fixed until the next SDP */
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
	uint32_t ev_rx_ts;		/* timestamp of the RFC 4733 event playing (or played) */
	bool ev_rx_active, ev_rx_done;
	/* send */
	uint32_t ssrc, tx_ts;
	uint16_t tx_seq;
	uint32_t tx_ts0;		/* RTP timestamp of the DSP's sample 0 */
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
	int16_t ref[BLK];		/* linear of the block playing toward TDM: the echo reference */
	enum media_cot cot;
	bool cot_reported, ans_reported;
	char dial[32];			/* local: digits still to dial in-band */
	unsigned dial_gap;		/* blocks of silence before the next digit */
	/* local channels */
	double gen_phase, gen_step, gen_amp;
	double an_energy;
	unsigned an_cross, an_n;	/* crossings and samples of the window's blocks that carry a signal */
	unsigned an_total;
	int16_t an_prev;
	uint64_t ntp_lsr_us;		/* when the last SR of the peer arrived (for DLSR) */
	uint32_t lsr;
	struct media_stats st;
};

struct wspan {
	struct media_span_cfg cfg;
	struct mworker *w;
	int sock;			/* index into the worker's sockets */
	struct sockaddr_in remote;
	unsigned n_ts;			/* timeslots carried: 1..31 (E1) or 1..24 (T1) */
	struct wchan *chan[SPAN_MAX_TS];
	uint8_t ring[SPAN_RING][SPAN_MAX_TS];
	unsigned r_head, r_count;
	bool playing;
	bool up;
	uint64_t last_rx_tick;
	uint16_t tx_seq;
	uint32_t underruns, slips, rx_packets, tx_packets, malformed;
	uint8_t txbuf[CESOP_CW_LEN + FRAMES_PER_PKT * SPAN_MAX_TS];
	struct dahdi_span *dahdi;	/* DAHDI driver: the timeslots' channels (NULL: CESoPSN over UDP) */
	bool tx_off;			/* CESoPSN: nothing sent (the far end sees the span fail) */
};

struct wsock {
	int fd;
	char addr[64];
	uint16_t port;
	struct wspan *spans[64];
	unsigned n_spans;
};

enum cmd_type {
	CMD_SPAN_ADD, CMD_CHAN_ADD, CMD_CHAN_DEL, CMD_REMOTE, CMD_TONE, CMD_EC, CMD_COT, CMD_GEN, CMD_DIAL, CMD_SPAN_TX, CMD_STOP
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
	unsigned q_head, q_n;
	void *tctx;			/* talloc root for this thread's DSP state */
	struct wsock socks[MAX_SOCKS];
	unsigned n_socks;
	struct wspan *spans[256];
	unsigned n_spans;
	struct llist_head chans;
	uint64_t ticks;
	/* what the control plane may read: counts only, written by the worker */
	unsigned n_chans;
	uint64_t late_ticks;		/* 1 ms ticks that came late (the timer had expired more than once) */
};

struct media_chan {
	struct media_plane *mp;
	struct mworker *w;
	struct wchan *wc;
	unsigned id;
	uint16_t port;
	unsigned span, ts;
	void *owner;
	bool local;			/* a test channel: its analysis windows are reported (MEDIA_EV_STATS) */
	bool has_remote;
	struct media_remote rem;
	struct media_stats st;
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
	struct media_chan **slot;	/* by channel id */
	unsigned n_slots, next_slot;
	struct {
		unsigned id;
		struct mworker *w;
		struct wspan *sp;	/* a handle for commands: the worker's, never read here */
		unsigned n_ts;
		char local_addr[64];
		uint16_t local_port;
		bool up;
	} spans[256];
	unsigned n_spans;
	unsigned n_chans;
};

/* events toward the control plane */
struct mev {
	struct llist_head list;
	unsigned chan_id;		/* ~0u: none */
	struct media_event ev;
};

static void post(struct mworker *w, const struct wchan *c, const struct media_event *ev)
{
	struct mev *e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->chan_id = c ? c->id : ~0u;
	e->ev = *ev;
	e->ev.owner = NULL;
	struct media_plane *mp = w->mp;
	pthread_mutex_lock(&mp->evlock);
	if (mp->n_evs >= 100000) {
		pthread_mutex_unlock(&mp->evlock);
		free(e);
		return;
	}
	llist_add_tail(&e->list, &mp->evs);
	mp->n_evs++;
	pthread_mutex_unlock(&mp->evlock);
	uint64_t one = 1;
	if (write(mp->evfd.fd, &one, sizeof(one)) < 0)
		return;
}

/* ---- RTP sending ---- */

static void chan_send(struct wchan *c, const uint8_t *buf, size_t len)
{
	if (!c->remote_set || !(c->rem.dir & MEDIA_SENDONLY) || c->fd < 0)
		return;
	if (sendto(c->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&c->peer, sizeof(c->peer)) == (ssize_t)len) {
		c->st.tx_packets++;
		c->st.tx_octets += (uint32_t)(len - RTP_HDR_LEN);
	}
}

static void send_event(struct wchan *c, bool end, bool marker)
{
	uint8_t b[RTP_HDR_LEN + 4];
	struct rtp_hdr h = { .pt = (uint8_t)c->rem.te_pt, .marker = marker, .seq = c->tx_seq++, .ts = c->ev_tx_ts,
			     .ssrc = c->ssrc };
	rtp_write_hdr(b, &h);
	struct rtp_event e = { .event = (uint8_t)media_dtmf_to_event(c->ev_tx_digit), .end = end,
			       .volume = c->span ? c->span->w->mp->cfg.dtmf_volume : 10,
			       .duration = (uint16_t)(c->ev_tx_dur > 0xffff ? 0xffff : c->ev_tx_dur) };
	rtp_event_write(b + RTP_HDR_LEN, &e);
	chan_send(c, b, sizeof(b));
}

static void on_dsp_dtmf(void *priv, char digit, bool end, uint32_t ts, uint32_t duration)
{
	struct wchan *c = priv;
	if (c->local) {
		if (end) {
			struct media_event ev = { .type = MEDIA_EV_DTMF, .digit = digit };
			post(c->span->w, c, &ev);
		}
		return;
	}
	if (!end) {
		c->ev_tx_active = true;
		c->ev_tx_end = false;
		c->ev_tx_digit = digit;
		c->ev_tx_ts = c->tx_ts0 + ts;
		c->ev_tx_dur = 0;
		c->marker = true;
	} else if (c->ev_tx_active) {
		c->ev_tx_end = true;
		c->ev_tx_dur = duration;
	}
}

/* one 10 ms block of audio (RTP law) for the packet under construction */
static void packetize(struct wchan *c, const uint8_t *enc)
{
	unsigned ptime = c->remote_set ? c->rem.ptime : 20;
	memcpy(c->pkt + RTP_HDR_LEN + c->pkt_fill, enc, BLK);
	c->pkt_fill += BLK;
	if (c->pkt_fill < ptime * 8)
		return;
	if (c->ev_tx_active && c->remote_set && c->rem.te_pt >= 0) {
		/* RFC 4733 s2.5.1: the event replaces the audio; updates every packet period, three ends */
		if (c->ev_tx_end) {
			for (int i = 0; i < 3; i++)
				send_event(c, true, false);
			c->ev_tx_active = false;
			c->st.events_tx++;
		} else {
			c->ev_tx_dur = c->tx_ts + c->pkt_fill - c->ev_tx_ts;
			send_event(c, false, c->marker);
			c->marker = false;
		}
	} else if (c->remote_set) {
		struct rtp_hdr h = { .pt = c->rem.pt, .marker = c->marker, .seq = c->tx_seq++, .ts = c->tx_ts,
				     .ssrc = c->ssrc };
		c->marker = false;
		rtp_write_hdr(c->pkt, &h);
		chan_send(c, c->pkt, RTP_HDR_LEN + c->pkt_fill);
	}
	c->tx_ts += c->pkt_fill;	/* the clock runs on whether we sent or not */
	c->pkt_fill = 0;
}

/* ---- the local analyser/generator (pstn-sim) ---- */

/* RMS of a sine at -50 dBm0 (0 dBm0: 3.14 dB below the overload point's RMS, 32768/sqrt(2)) */
#define AN_SILENT_RMS (32768.0 / M_SQRT2 * 0.6962 * 0.003162)

static void analyse(struct wchan *c, const int16_t *s, unsigned n)
{
	/* the frequency from the zero crossings of the blocks that carry a signal only, so that a few
	 * milliseconds of silence (a gap the jitter buffer could not conceal) do not pull it down */
	double e = 0;
	unsigned cross = 0;
	for (unsigned i = 0; i < n; i++) {
		e += (double)s[i] * s[i];
		if ((s[i] >= 0) != (c->an_prev >= 0))
			cross++;
		c->an_prev = s[i];
	}
	c->an_energy += e;
	c->an_total += n;
	if (n && sqrt(e / n) > AN_SILENT_RMS) {
		c->an_cross += cross;
		c->an_n += n;
	}
	if (c->an_total >= 800) {
		double rms = sqrt(c->an_energy / c->an_total);
		/* 0 dBm0: a sine of RMS 3.14 dB below the overload point of 32768/sqrt(2) */
		c->st.level_dbm0 = rms < 1 ? -99 : (int)lround(20 * log10(rms / (32768.0 / sqrt(2))) + 3.14);
		c->st.freq_hz = c->st.level_dbm0 > -50 && c->an_n ? (unsigned)(c->an_cross * 8000u / (2u * c->an_n)) : 0;
		c->an_energy = 0;
		c->an_cross = 0;
		c->an_n = 0;
		c->an_total = 0;
		/* test channels report every analysis window */
		struct media_event ev = { .type = MEDIA_EV_STATS, .st = c->st };
		post(c->span->w, c, &ev);
	}
}

/* ---- 10 ms blocks ---- */

static void block_from_tdm(struct wchan *c)
{
	enum tdm_law law = c->span->cfg.layout.law;
	int16_t lin[BLK];
	if (c->cot == MEDIA_COT_LOOP)
		return;
	if (!c->local && c->dsp && media_dsp_from_tdm_bypass(c->dsp, BLK)) {
		/* nothing to do to the audio: the octets go out as they are, or through a law-to-law table */
		uint8_t enc[BLK];
		enum tdm_law rl = c->remote_set ? pt_law(c->rem.pt) : law;
		if (rl == law)
			memcpy(enc, c->tdm_in, BLK);
		else
			for (unsigned i = 0; i < BLK; i++)
				enc[i] = law == TDM_LAW_ALAW ? alaw_to_ulaw(c->tdm_in[i]) : ulaw_to_alaw(c->tdm_in[i]);
		packetize(c, enc);
		return;
	}
	g711_dec(law, c->tdm_in, lin, BLK);
	if (c->dsp)
		media_dsp_from_tdm(c->dsp, lin, c->ref, BLK);
	if (c->cot == MEDIA_COT_CHECK && !c->cot_reported && c->dsp && media_dsp_cot_detected(c->dsp)) {
		c->cot_reported = true;
		media_dsp_tone(c->dsp, TONE_NONE);
		struct media_event ev = { .type = MEDIA_EV_COT, .ok = true };
		post(c->span->w, c, &ev);
	}
	if (c->local) {
		analyse(c, lin, BLK);
		return;
	}
	if (c->dsp && !c->ans_reported && media_dsp_answer_tone_seen(c->dsp)) {
		c->ans_reported = true;
		struct media_event ev = { .type = MEDIA_EV_ANSWER_TONE };
		post(c->span->w, c, &ev);
	}
	uint8_t enc[BLK];
	enum tdm_law rl = c->remote_set ? pt_law(c->rem.pt) : law;
	if (rl == law && !c->dsp)
		memcpy(enc, c->tdm_in, BLK);
	else
		g711_enc(rl, lin, enc, BLK);
	packetize(c, enc);
}

static void block_to_tdm(struct wchan *c)
{
	enum tdm_law law = c->span->cfg.layout.law;
	int16_t lin[BLK];
	if (c->dial_gap) {
		c->dial_gap--;
	} else if (c->local && c->dsp && c->dial[0]) {
		media_dsp_dtmf_play(c->dsp, c->dial[0], 100);
		memmove(c->dial, c->dial + 1, strlen(c->dial));
		c->dial_gap = 10 + 10;	/* blocks: the digit's 100 ms, then 100 ms off */
	}
	if (c->local) {
		for (unsigned i = 0; i < BLK; i++) {
			lin[i] = (int16_t)(c->gen_amp * sin(c->gen_phase));
			c->gen_phase += c->gen_step;
		}
		c->gen_phase = fmod(c->gen_phase, 2 * M_PI);
	} else if (c->remote_set && (c->rem.dir & MEDIA_RECVONLY) && jbuf_get(&c->jb, lin)) {
		if (c->dsp)
			media_dsp_plc_good(c->dsp, lin, BLK);
	} else if (c->jb.started && c->dsp) {
		media_dsp_plc_fill(c->dsp, lin, BLK);
	} else {
		memset(lin, 0, sizeof(lin));
	}
	if (c->dsp)
		media_dsp_to_tdm(c->dsp, lin, BLK);
	memcpy(c->ref, lin, sizeof(lin));
	g711_enc(law, lin, c->tdm_out, BLK);
	c->out_pos = 0;
}

/* ---- RTP/RTCP receive ---- */

static bool same_addr(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr && a->sin_port == b->sin_port;
}

/* RFC 3550 source validation plus symmetric RTP: the SDP's address is always good; another address is
 * learned only inside the learning window and only after LEARN_PKTS in sequence with one SSRC; once a
 * source is taken, nobody else is heard until the next SDP (no "RTP bleed"). */
static bool source_ok(struct mworker *w, struct wchan *c, const struct sockaddr_in *src, const struct rtp_hdr *h)
{
	if (same_addr(src, &c->peer)) {
		c->locked = true;
		return true;
	}
	if (c->locked || now_us() > c->learn_until)
		return false;
	if (same_addr(src, &c->cand) && h->ssrc == c->cand_ssrc && h->seq == (uint16_t)(c->cand_seq + 1)) {
		c->cand_seq = h->seq;
		if (++c->cand_n >= LEARN_PKTS) {
			c->peer = *src;
			c->rtcp_peer = *src;
			c->rtcp_peer.sin_port = htons((uint16_t)(ntohs(src->sin_port) + 1));
			c->locked = true;
			c->st.learned = true;
			char a[INET_ADDRSTRLEN];
			LOGP(g_log_cat, LOGL_NOTICE, "media %u: RTP source learned: %s:%u (SDP said %s:%u)\n", c->id,
			     inet_ntop(AF_INET, &src->sin_addr, a, sizeof(a)), ntohs(src->sin_port), c->rem.addr,
			     c->rem.port);
			return true;
		}
		return false;
	}
	c->cand = *src;
	c->cand_ssrc = h->ssrc;
	c->cand_seq = h->seq;
	c->cand_n = 1;
	(void)w;
	return false;
}

static void rtp_in(struct mworker *w, struct wchan *c, const uint8_t *buf, size_t len, const struct sockaddr_in *src)
{
	struct rtp_hdr h;
	const uint8_t *pl;
	size_t pl_len;
	if (rtp_parse(buf, len, &h, &pl, &pl_len)) {
		c->st.malformed++;
		return;
	}
	if (!c->remote_set || !source_ok(w, c, src, &h)) {
		c->st.foreign++;
		return;
	}
	if (!(c->rem.dir & MEDIA_RECVONLY))
		return;
	if (!c->have_ssrc || h.ssrc != c->rx_ssrc) {
		/* a new source (or the sender restarted): fresh statistics and buffer */
		c->have_ssrc = true;
		c->rx_ssrc = h.ssrc;
		memset(&c->rx, 0, sizeof(c->rx));
		jbuf_reset(&c->jb);
		c->ev_rx_done = false;
		c->ev_rx_active = false;
	}
	uint32_t arrival = (uint32_t)(now_us() * 8 / 1000);
	if (rtp_stats_update(&c->rx, h.seq, h.ts, arrival))
		return;
	c->st.rx_packets++;
	c->st.rx_octets += (uint32_t)pl_len;
	if (c->rem.te_pt >= 0 && h.pt == c->rem.te_pt) {
		struct rtp_event e;
		if (rtp_event_parse(pl, pl_len, &e) || e.event > 15)
			return;
		bool new_ev = h.ts != c->ev_rx_ts || (!c->ev_rx_active && !c->ev_rx_done);
		if (new_ev) {
			c->ev_rx_ts = h.ts;
			c->ev_rx_done = false;
			c->ev_rx_active = false;
		}
		if (c->ev_rx_done)
			return;		/* the end's repeats */
		if (!c->ev_rx_active) {
			c->ev_rx_active = true;
			media_dsp_dtmf_play(c->dsp, media_event_to_dtmf(e.event),
					    e.end ? (e.duration / 8 < 10 ? 10 : e.duration / 8u) : 10000);
		}
		if (e.end) {
			media_dsp_dtmf_end(c->dsp, e.duration / 8u < 10 ? 10 : e.duration / 8u);
			c->ev_rx_active = false;
			c->ev_rx_done = true;
			c->st.events_rx++;
		}
		return;
	}
	if (h.pt != 0 && h.pt != 8) {
		c->st.wrong_pt++;
		return;
	}
	int16_t lin[MAX_PTIME * 8 * 2];
	size_t n = pl_len > sizeof(lin) / sizeof(lin[0]) ? sizeof(lin) / sizeof(lin[0]) : pl_len;
	g711_dec(pt_law(h.pt), pl, lin, (unsigned)n);
	uint32_t late = c->jb.late;
	jbuf_put(&c->jb, h.ts, lin, (unsigned)n, rtp_stats_jitter(&c->rx));
	c->st.late += c->jb.late - late;
}

static uint64_t ntp_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return ((uint64_t)t.tv_sec + 2208988800u) << 32 | (uint64_t)(((uint64_t)t.tv_nsec << 32) / 1000000000u);
}

static void rtcp_in(struct wchan *c, const uint8_t *buf, size_t len, const struct sockaddr_in *src)
{
	struct rtcp_info in;
	if (rtcp_parse(buf, len, &in)) {
		c->st.malformed++;
		return;
	}
	/* the peer's RTCP must come from the peer's host */
	if (!c->remote_set || src->sin_addr.s_addr != c->peer.sin_addr.s_addr) {
		c->st.foreign++;
		return;
	}
	if (in.has_sr) {
		c->lsr = (uint32_t)(in.ntp >> 16);
		c->ntp_lsr_us = now_us();
	}
	for (unsigned i = 0; i < in.n_rb; i++) {
		if (in.rb[i].ssrc != c->ssrc)
			continue;
		c->st.remote_fraction = in.rb[i].fraction;
		c->st.remote_lost = in.rb[i].lost;
		c->st.remote_jitter_ms = in.rb[i].jitter / 8;
	}
}

static void rtcp_send(struct wchan *c)
{
	if (!c->remote_set || c->rtcp_fd < 0)
		return;
	struct rtcp_info r = { .ssrc = c->ssrc, .has_sr = c->st.tx_packets > 0 };
	if (r.has_sr) {
		r.ntp = ntp_now();
		r.rtp_ts = c->tx_ts;
		r.packets = c->st.tx_packets;
		r.octets = c->st.tx_octets;
	}
	if (c->have_ssrc) {
		struct rtcp_rb *rb = &r.rb[r.n_rb++];
		rb->ssrc = c->rx_ssrc;
		rb->fraction = rtp_stats_fraction(&c->rx);
		rb->lost = rtp_stats_lost(&c->rx);
		rb->ext_max_seq = rtp_stats_ext_max(&c->rx);
		rb->jitter = rtp_stats_jitter(&c->rx);
		rb->lsr = c->lsr;
		rb->dlsr = c->lsr ? (uint32_t)((now_us() - c->ntp_lsr_us) * 65536 / 1000000) : 0;
	}
	snprintf(r.cname, sizeof(r.cname), "isupgw-%u@%.40s", c->id, c->span ? c->span->w->mp->cfg.rtp_addr : "-");
	uint8_t b[256];
	int n = rtcp_build(b, sizeof(b), &r);
	if (n > 0)
		sendto(c->rtcp_fd, b, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&c->rtcp_peer, sizeof(c->rtcp_peer));
}

#define BATCH 16

static void mmsg_prepare(struct mmsghdr *m, struct iovec *iov, uint8_t *bufs, size_t size, struct sockaddr_in *src)
{
	memset(m, 0, BATCH * sizeof(*m));
	for (unsigned i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs + i * size;
		iov[i].iov_len = size;
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
		m[i].msg_hdr.msg_name = &src[i];
		m[i].msg_hdr.msg_namelen = sizeof(src[i]);
	}
}

/* One datagram per readiness report: a channel's socket holds one packet per ptime, and the epoll set is
 * level triggered, so a second queued packet is reported again (no system call spent finding the queue
 * empty). */
static void sock_read(struct mworker *w, struct wchan *c, bool rtcp)
{
	uint8_t buf[1500];
	struct sockaddr_in src;
	socklen_t sl = sizeof(src);
	ssize_t n = recvfrom(rtcp ? c->rtcp_fd : c->fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&src, &sl);
	if (n < 0 || sl < sizeof(src) || src.sin_family != AF_INET)
		return;
	if (rtcp)
		rtcp_in(c, buf, (size_t)n, &src);
	else
		rtp_in(w, c, buf, (size_t)n, &src);
}

/* ---- spans ---- */

static void span_set_up(struct wspan *sp, bool up)
{
	if (sp->up == up)
		return;
	sp->up = up;
	if (sp->dahdi)
		LOGP(g_log_cat, up ? LOGL_NOTICE : LOGL_ERROR, "span %u: DAHDI channels %u-%u %s\n", sp->cfg.id,
		     sp->cfg.dahdi_base, sp->cfg.dahdi_base + sp->n_ts - 1,
		     up ? "up" : sp->dahdi->alarm ? "in alarm: span down" : "silent: span down");
	else
		LOGP(g_log_cat, up ? LOGL_NOTICE : LOGL_ERROR, "span %u: CESoPSN stream from %s:%u %s\n", sp->cfg.id,
		     sp->cfg.remote_addr, sp->cfg.remote_port, up ? "up" : "stopped: span down");
	struct media_event ev = { .type = MEDIA_EV_SPAN, .span = sp->cfg.id, .ok = up };
	post(sp->w, NULL, &ev);
}

static void span_rx(struct wspan *sp, const uint8_t *buf, size_t len)
{
	struct cesop_hdr h;
	const uint8_t *pl;
	unsigned frames;
	if (cesop_parse(buf, len, sp->n_ts, &h, &pl, &frames)) {
		sp->malformed++;
		return;
	}
	sp->rx_packets++;
	sp->last_rx_tick = sp->w->ticks;
	span_set_up(sp, true);
	for (unsigned f = 0; f < frames; f++) {
		if (sp->r_count == SPAN_RING) {
			/* the far end's clock runs fast: slip a frame */
			sp->r_head = (sp->r_head + 1) % SPAN_RING;
			sp->r_count--;
			sp->slips++;
		}
		memcpy(sp->ring[(sp->r_head + sp->r_count) % SPAN_RING], pl + f * sp->n_ts, sp->n_ts);
		sp->r_count++;
	}
}

static void sock_read_span(struct mworker *w, struct wsock *s)
{
	uint8_t bufs[BATCH][1024];
	struct sockaddr_in src[BATCH];
	struct iovec iov[BATCH];
	struct mmsghdr m[BATCH];
	(void)w;
	for (;;) {
		mmsg_prepare(m, iov, bufs[0], sizeof(bufs[0]), src);
		int n = recvmmsg(s->fd, m, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++) {
			for (unsigned k = 0; k < s->n_spans; k++) {
				struct wspan *sp = s->spans[k];
				if (same_addr(&src[i], &sp->remote)) {
					span_rx(sp, bufs[i], m[i].msg_len);
					break;
				}
			}
		}
		if (n < BATCH)
			return;
	}
}

/* 8 frames of the channel's timeslot are at tdm_in + in_n: its 10 ms blocks run when full; the 8 frames
 * it sends toward the timeslot */
static const uint8_t *chan_step(struct wchan *c)
{
	c->in_n += FRAMES_PER_PKT;
	if (c->in_n == BLK) {
		block_from_tdm(c);
		c->in_n = 0;
	}
	if (c->out_pos >= BLK)
		block_to_tdm(c);
	const uint8_t *o = c->tdm_out + c->out_pos;
	c->out_pos += FRAMES_PER_PKT;
	return o;
}

/* one millisecond of a span: 8 frames in to the channels, 8 frames out from them */
static void span_tick(struct wspan *sp, struct mmsghdr *out, struct iovec *iov)
{
	uint8_t idle = idle_code(sp->cfg.layout.law);
	if (!sp->playing && sp->r_count >= sp->w->mp->cfg.span_jb_ms * 8)
		sp->playing = true;
	bool have = sp->playing && sp->r_count >= FRAMES_PER_PKT;
	if (sp->playing && !have) {
		sp->underruns++;
		sp->playing = false;
	}
	if (sp->up && sp->w->ticks - sp->last_rx_tick > sp->w->mp->cfg.span_timeout_ms) {
		span_set_up(sp, false);
		sp->r_count = 0;
		sp->playing = false;
	}
	uint8_t *pl = sp->txbuf + CESOP_CW_LEN;
	for (unsigned k = 0; k < sp->n_ts; k++) {
		struct wchan *c = sp->chan[k + 1];
		if (!c) {
			for (unsigned f = 0; f < FRAMES_PER_PKT; f++)
				pl[f * sp->n_ts + k] = idle;
			continue;
		}
		/* in: timeslot k + 1 of 8 frames */
		for (unsigned f = 0; f < FRAMES_PER_PKT; f++)
			c->tdm_in[c->in_n + f] = have ? sp->ring[(sp->r_head + f) % SPAN_RING][k] : idle;
		if (c->cot == MEDIA_COT_LOOP) {
			/* Q.724 loopback on an incoming CCR: what arrives goes back */
			for (unsigned f = 0; f < FRAMES_PER_PKT; f++)
				pl[f * sp->n_ts + k] = c->tdm_in[c->in_n + f];
			continue;
		}
		const uint8_t *o = chan_step(c);
		for (unsigned f = 0; f < FRAMES_PER_PKT; f++)
			pl[f * sp->n_ts + k] = o[f];
	}
	if (have) {
		sp->r_head = (sp->r_head + FRAMES_PER_PKT) % SPAN_RING;
		sp->r_count -= FRAMES_PER_PKT;
	}
	struct cesop_hdr h = { .r = !sp->up, .seq = sp->tx_seq++ };
	size_t plen = FRAMES_PER_PKT * sp->n_ts;
	cesop_write_cw(sp->txbuf, &h, plen);
	iov->iov_base = sp->txbuf;
	iov->iov_len = CESOP_CW_LEN + plen;
	memset(out, 0, sizeof(*out));
	out->msg_hdr.msg_iov = iov;
	out->msg_hdr.msg_iovlen = 1;
	out->msg_hdr.msg_name = &sp->remote;
	out->msg_hdr.msg_namelen = sizeof(sp->remote);
	sp->tx_packets++;
}

/* one millisecond of a DAHDI span: each timeslot's 8 octets from and to its channel's block buffers */
static void dahdi_tick(struct wspan *sp)
{
	struct dahdi_span *ds = sp->dahdi;
	if (sp->up && sp->w->ticks - sp->last_rx_tick > sp->w->mp->cfg.span_timeout_ms)
		span_set_up(sp, false);	/* the card stopped delivering blocks */
	for (unsigned k = 0; k < sp->n_ts; k++) {
		struct dahdi_ts *t = &ds->ts[k + 1];
		if (t->fd < 0)
			continue;
		struct wchan *c = sp->chan[k + 1];
		uint8_t in[FRAMES_PER_PKT], out[FRAMES_PER_PKT];
		dahdi_ts_take(ds, t, in, FRAMES_PER_PKT);
		if (!c) {
			memset(out, ds->idle, sizeof(out));
		} else if (c->cot == MEDIA_COT_LOOP) {
			memcpy(out, in, sizeof(out));
		} else {
			memcpy(c->tdm_in + c->in_n, in, FRAMES_PER_PKT);
			memcpy(out, chan_step(c), FRAMES_PER_PKT);
		}
		dahdi_ts_give(t, out, FRAMES_PER_PKT);
	}
}

static void dahdi_readable(struct mworker *w, struct dahdi_ts *t)
{
	struct dahdi_span *ds = (struct dahdi_span *)((char *)(t - t->ts) - offsetof(struct dahdi_span, ts));
	struct wspan *sp = NULL;
	for (unsigned i = 0; i < w->n_spans && !sp; i++)
		if (w->spans[i]->dahdi == ds)
			sp = w->spans[i];
	if (!sp)
		return;
	switch (dahdi_ts_rx(ds, t)) {
	case DAHDI_RX_OK:
		sp->last_rx_tick = w->ticks;
		sp->rx_packets++;
		if (!ds->alarm)
			span_set_up(sp, true);
		break;
	case DAHDI_RX_ALARM:
		span_set_up(sp, false);
		break;
	case DAHDI_RX_ALARM_CLEARED:
		span_set_up(sp, true);
		break;
	case DAHDI_RX_FAILED:
		LOGP(g_log_cat, LOGL_ERROR, "span %u: DAHDI channel %u failed: %s\n", sp->cfg.id,
		     sp->cfg.dahdi_base + t->ts - 1, strerror(errno));
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, t->fd, NULL);
		close(t->fd);
		t->fd = -1;
		span_set_up(sp, false);
		break;
	}
}

static void span_free(struct wspan *sp)
{
	if (sp->dahdi) {
		dahdi_span_close(sp->dahdi);
		free(sp->dahdi);
	}
	free(sp);
}

/* ---- commands ---- */

static void chan_close(struct wchan *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->rtcp_fd >= 0)
		close(c->rtcp_fd);
	if (c->dsp)
		media_dsp_free(c->dsp);
	free(c);
}

static struct media_dsp *dsp_for(struct mworker *w, struct wchan *c)
{
	const struct media_plane_cfg *cfg = &w->mp->cfg;
	struct media_dsp_cfg dc = { .dtmf_detect = c->dtmf_detect, .ec_tail_ms = c->local ? 0 : cfg->ec_tail_ms,
				    .plan = cfg->plan };
	struct media_dsp *d = media_dsp_alloc(w->tctx, &dc, on_dsp_dtmf, c);
	if (d && !c->local)
		media_dsp_ec_enable(d, cfg->ec_default);
	return d;
}

static void set_remote(struct mworker *w, struct wchan *c, const struct media_remote *r)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(r->port) };
	inet_pton(AF_INET, r->addr, &a.sin_addr);
	bool new_addr = !c->remote_set || !same_addr(&a, &c->sdp_addr);
	bool want_dtmf = r->te_pt >= 0;
	c->rem = *r;
	if (c->rem.ptime != 10 && c->rem.ptime != 20 && c->rem.ptime != 30)
		c->rem.ptime = 20;
	if (new_addr) {
		/* a new far end: it is heard, or learned inside a new window (re-INVITE to a new address) */
		c->sdp_addr = a;
		c->peer = a;
		c->rtcp_peer = a;
		c->rtcp_peer.sin_port = htons((uint16_t)(r->port + 1));
		c->locked = false;
		c->cand_n = 0;
		c->st.learned = false;
		c->learn_until = now_us() + (uint64_t)w->mp->cfg.learn_ms * 1000;
	}
	c->remote_set = r->port != 0;
	if (want_dtmf != c->dtmf_detect && c->dsp) {
		/* without telephone-event the digits stay in the audio (no detector muting them) */
		bool ec = media_dsp_ec_active(c->dsp);
		enum tone_id t = media_dsp_tone_playing(c->dsp);
		c->dtmf_detect = want_dtmf;
		media_dsp_free(c->dsp);
		c->dsp = dsp_for(w, c);
		if (c->dsp) {
			media_dsp_ec_enable(c->dsp, ec);
			media_dsp_tone(c->dsp, t);
		}
	}
	c->pkt_fill = 0;
	c->marker = true;
}

static void run_cmd(struct mworker *w, struct cmd *m)
{
	struct wchan *c = m->ch;
	switch (m->type) {
	case CMD_SPAN_ADD: {
		struct wspan *sp = m->sp;
		if (sp->dahdi) {
			if (w->n_spans >= 256) {
				span_free(sp);
				return;
			}
			for (unsigned ts = 1; ts <= sp->dahdi->n_ts; ts++) {
				struct dahdi_ts *t = &sp->dahdi->ts[ts];
				if (t->fd < 0)
					continue;
				struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)(uintptr_t)t | 2 };
				epoll_ctl(w->epfd, EPOLL_CTL_ADD, t->fd, &ev);
			}
			sp->sock = -1;
			w->spans[w->n_spans++] = sp;
			sp->w = w;
			sp->last_rx_tick = w->ticks;
			return;
		}
		int k = -1;
		for (unsigned i = 0; i < w->n_socks; i++)
			if (w->socks[i].port == sp->cfg.local_port && !strcmp(w->socks[i].addr, sp->cfg.local_addr))
				k = (int)i;
		if (k < 0) {
			if (m->u.i < 0 || w->n_socks >= MAX_SOCKS || w->n_spans >= 256) {
				if (m->u.i >= 0)
					close(m->u.i);
				span_free(sp);
				LOGP(g_log_cat, LOGL_ERROR, "media worker %u: span not added\n", w->idx);
				return;
			}
			k = (int)w->n_socks++;
			struct wsock *so = &w->socks[k];
			so->fd = m->u.i;
			snprintf(so->addr, sizeof(so->addr), "%s", sp->cfg.local_addr);
			so->port = sp->cfg.local_port;
			so->n_spans = 0;
			struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 16 + (uint64_t)k };
			epoll_ctl(w->epfd, EPOLL_CTL_ADD, so->fd, &ev);
		}
		sp->sock = k;
		w->socks[k].spans[w->socks[k].n_spans++] = sp;
		w->spans[w->n_spans++] = sp;
		sp->w = w;
		sp->last_rx_tick = w->ticks;
		return;
	}
	case CMD_CHAN_ADD:
		c->dsp = dsp_for(w, c);
		if (c->span)
			c->span->chan[c->ts] = c;
		llist_add_tail(&c->list, &w->chans);
		w->n_chans++;
		if (c->fd >= 0) {
			struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)(uintptr_t)c };
			epoll_ctl(w->epfd, EPOLL_CTL_ADD, c->fd, &ev);
			ev.data.u64 = (uint64_t)(uintptr_t)c | 1;
			epoll_ctl(w->epfd, EPOLL_CTL_ADD, c->rtcp_fd, &ev);
		}
		return;
	case CMD_CHAN_DEL: {
		if (c->span && c->span->chan[c->ts] == c)
			c->span->chan[c->ts] = NULL;
		llist_del(&c->list);
		w->n_chans--;
		if (c->remote_set && !c->local) {
			LOGP(g_log_cat, LOGL_INFO,
			     "media %u: closed: rx %u pkts (lost %d, jitter %u ms, late %u, concealed %u, foreign %u), "
			     "tx %u pkts, DTMF rx %u tx %u\n",
			     c->id, c->st.rx_packets, rtp_stats_lost(&c->rx), rtp_stats_jitter(&c->rx) / 8, c->st.late,
			     c->jb.concealed, c->st.foreign, c->st.tx_packets, c->st.events_rx, c->st.events_tx);
			/* RFC 3550 s6.6: BYE when we leave */
			if (c->rtcp_fd >= 0) {
				struct rtcp_info b = { .ssrc = c->ssrc, .bye = true, .has_sr = c->st.tx_packets > 0 };
				if (b.has_sr) {
					b.ntp = ntp_now();
					b.rtp_ts = c->tx_ts;
					b.packets = c->st.tx_packets;
					b.octets = c->st.tx_octets;
				}
				snprintf(b.cname, sizeof(b.cname), "isupgw-%u", c->id);
				uint8_t buf[256];
				int n = rtcp_build(buf, sizeof(buf), &b);
				if (n > 0)
					sendto(c->rtcp_fd, buf, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&c->rtcp_peer,
					       sizeof(c->rtcp_peer));
			}
		}
		chan_close(c);
		return;
	}
	case CMD_REMOTE:
		set_remote(w, c, &m->u.rem);
		return;
	case CMD_TONE:
		if (c->dsp)
			media_dsp_tone(c->dsp, (enum tone_id)m->u.i);
		return;
	case CMD_EC:
		if (c->dsp)
			media_dsp_ec_enable(c->dsp, m->u.i);
		return;
	case CMD_COT:
		c->cot = (enum media_cot)m->u.i;
		c->cot_reported = false;
		if (c->dsp) {
			media_dsp_cot_arm(c->dsp, c->cot == MEDIA_COT_CHECK);
			media_dsp_tone(c->dsp, c->cot == MEDIA_COT_CHECK ? TONE_COT : TONE_NONE);
		}
		return;
	case CMD_GEN:
		c->gen_step = 2 * M_PI * m->u.gen.hz / 8000.0;
		c->gen_amp = m->u.gen.hz ? 32768.0 * pow(10.0, (m->u.gen.dbm0 - 3.14) / 20.0) : 0;
		return;
	case CMD_DIAL:
		/* local channels: digits in-band, 100 ms on and 100 ms off */
		snprintf(c->dial + strlen(c->dial), sizeof(c->dial) - strlen(c->dial), "%s", m->u.digits);
		return;
	case CMD_SPAN_TX:
		m->sp->tx_off = !m->u.i;
		return;
	case CMD_STOP:
		w->running = false;
		return;
	}
}

static void drain_cmds(struct mworker *w)
{
	uint64_t v;
	if (read(w->evfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	for (;;) {
		struct cmd m;
		pthread_mutex_lock(&w->qlock);
		if (!w->q_n) {
			pthread_mutex_unlock(&w->qlock);
			return;
		}
		m = w->q[w->q_head];
		w->q_head = (w->q_head + 1) % QCAP;
		w->q_n--;
		pthread_mutex_unlock(&w->qlock);
		run_cmd(w, &m);
	}
}

static void stats_tick(struct mworker *w)
{
	struct wchan *c;
	llist_for_each_entry(c, &w->chans, list) {
		if (!c->local) {
			c->st.lost = rtp_stats_lost(&c->rx);
			c->st.jitter_ms = rtp_stats_jitter(&c->rx) / 8;
			c->st.concealed = c->jb.concealed;
			if (w->ticks % 5000 == 0)
				rtcp_send(c);
		}
		struct media_event ev = { .type = MEDIA_EV_STATS, .st = c->st };
		post(w, c, &ev);
	}
}

static void *worker_main(void *arg)
{
	struct mworker *w = arg;
	struct epoll_event evs[128];
	struct mmsghdr out[MAX_SOCKS][64];
	struct iovec iov[MAX_SOCKS][64];
	unsigned n_out[MAX_SOCKS];
	while (w->running) {
		int n = epoll_wait(w->epfd, evs, 128, 100);
		for (int i = 0; i < n; i++) {
			uint64_t d = evs[i].data.u64;
			if (d == 1) {	/* timerfd */
				uint64_t exp = 0;
				if (read(w->tfd, &exp, sizeof(exp)) != sizeof(exp))
					continue;
				w->late_ticks += exp - 1;
				if (exp > 20)
					exp = 20;
				if (exp > 1) {
					/* behind: what the spans' peers sent meanwhile is played before catching up */
					for (unsigned k = 0; k < w->n_socks; k++)
						sock_read_span(w, &w->socks[k]);
				}	/* after a stall: catch up at most 20 ms */
				for (uint64_t t = 0; t < exp; t++) {
					w->ticks++;
					memset(n_out, 0, sizeof(n_out));
					for (unsigned s = 0; s < w->n_spans; s++) {
						struct wspan *sp = w->spans[s];
						if (sp->dahdi) {
							dahdi_tick(sp);
							continue;
						}
						unsigned k = (unsigned)sp->sock;
						if (sp->tx_off) {
							/* still consumed, so the channels run; nothing sent */
							struct mmsghdr dummy;
							struct iovec dv;
							span_tick(sp, &dummy, &dv);
						} else if (n_out[k] < 64) {
							span_tick(sp, &out[k][n_out[k]], &iov[k][n_out[k]]);
							n_out[k]++;
						}
					}
					/* batched: every span on one local port in one sendmmsg */
					for (unsigned k = 0; k < w->n_socks; k++)
						if (n_out[k])
							sendmmsg(w->socks[k].fd, out[k], n_out[k], MSG_DONTWAIT);
					if (w->ticks % 1000 == 0)
						stats_tick(w);
				}
			} else if (d == 2) {
				drain_cmds(w);
			} else if (d >= 16 && d < 16 + MAX_SOCKS) {
				sock_read_span(w, &w->socks[d - 16]);
			} else if ((d & 3) == 2) {
				dahdi_readable(w, (struct dahdi_ts *)(uintptr_t)(d & ~(uint64_t)3));
			} else {
				struct wchan *c = (struct wchan *)(uintptr_t)(d & ~(uint64_t)1);
				sock_read(w, c, d & 1);
			}
		}
	}
	return NULL;
}

/* ---- control plane side ---- */

void media_plane_cfg_default(struct media_plane_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->rtp_addr, sizeof(cfg->rtp_addr), "127.0.0.1");
	cfg->port_min = 16384;
	cfg->port_max = 32767;
	cfg->workers = 0;
	cfg->plan = TONE_PLAN_ITU;
	cfg->ec_tail_ms = 64;
	cfg->ec_default = true;
	cfg->jb_min_ms = 20;
	cfg->jb_max_ms = 200;
	cfg->span_timeout_ms = 100;
	cfg->span_jb_ms = 4;
	cfg->learn_ms = 2000;
	cfg->dtmf_volume = 10;
}

static void ev_one(struct media_plane *mp, struct mev *e)
{
	if (e->ev.type == MEDIA_EV_SPAN) {
		for (unsigned i = 0; i < mp->n_spans; i++)
			if (mp->spans[i].id == e->ev.span)
				mp->spans[i].up = e->ev.ok;
		if (mp->cb)
			mp->cb(mp->priv, &e->ev);
	} else if (e->chan_id < mp->n_slots && mp->slot[e->chan_id]) {
		struct media_chan *ch = mp->slot[e->chan_id];
		if (e->ev.type == MEDIA_EV_STATS)
			ch->st = e->ev.st;
		e->ev.owner = ch->owner;
		e->ev.span = ch->span;
		if (mp->cb && (e->ev.type != MEDIA_EV_STATS || ch->local))
			mp->cb(mp->priv, &e->ev);
	}
	free(e);
}

static struct mev *ev_pop(struct media_plane *mp)
{
	struct mev *e = NULL;
	pthread_mutex_lock(&mp->evlock);
	if (!llist_empty(&mp->evs)) {
		e = llist_first_entry(&mp->evs, struct mev, list);
		llist_del(&e->list);
		mp->n_evs--;
	}
	pthread_mutex_unlock(&mp->evlock);
	return e;
}

static int ev_read(struct osmo_fd *ofd, unsigned int what)
{
	struct media_plane *mp = ofd->data;
	uint64_t v;
	if (read(ofd->fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return 0;
	struct mev *e;
	/* at most a bounded batch per wakeup, so one flood cannot starve signalling */
	for (unsigned i = 0; i < 4096 && (e = ev_pop(mp)); i++)
		ev_one(mp, e);
	if (!llist_empty(&mp->evs)) {
		uint64_t one = 1;
		if (write(ofd->fd, &one, sizeof(one)) < 0)
			return 0;
	}
	return 0;
}

static void send_cmd(struct mworker *w, const struct cmd *m)
{
	pthread_mutex_lock(&w->qlock);
	if (w->q_n == QCAP) {
		pthread_mutex_unlock(&w->qlock);
		LOGP(g_log_cat, LOGL_ERROR, "media worker %u: command queue full, command %d lost\n", w->idx, m->type);
		return;
	}
	w->q[(w->q_head + w->q_n) % QCAP] = *m;
	w->q_n++;
	pthread_mutex_unlock(&w->qlock);
	uint64_t one = 1;
	if (write(w->evfd, &one, sizeof(one)) < 0)
		LOGP(g_log_cat, LOGL_ERROR, "media worker %u: cannot wake: %s\n", w->idx, strerror(errno));
}

static int plane_destructor(struct media_plane *mp)
{
	for (unsigned i = 0; i < mp->n_w; i++) {
		struct mworker *w = &mp->w[i];
		if (!w->q)
			continue;
		struct cmd m = { .type = CMD_STOP };
		send_cmd(w, &m);
		pthread_join(w->thr, NULL);
		struct wchan *c, *t;
		llist_for_each_entry_safe(c, t, &w->chans, list) {
			llist_del(&c->list);
			chan_close(c);
		}
		/* commands never run (a channel handed over after the stop) */
		while (w->q_n) {
			struct cmd *m2 = &w->q[w->q_head];
			if (m2->type == CMD_CHAN_ADD)
				chan_close(m2->ch);
			if (m2->type == CMD_SPAN_ADD)
				span_free(m2->sp);
			w->q_head = (w->q_head + 1) % QCAP;
			w->q_n--;
		}
		for (unsigned s = 0; s < w->n_spans; s++)
			span_free(w->spans[s]);
		for (unsigned s = 0; s < w->n_socks; s++)
			close(w->socks[s].fd);
		close(w->epfd);
		close(w->tfd);
		close(w->evfd);
		free(w->q);
		pthread_mutex_destroy(&w->qlock);
		talloc_free(w->tctx);
	}
	for (unsigned i = 0; i < mp->n_slots; i++)
		if (mp->slot[i])
			mp->slot[i]->wc = NULL;
	/* events still queued */
	struct mev *e;
	while ((e = ev_pop(mp)))
		free(e);
	if (mp->evfd.fd >= 0)
		osmo_fd_close(&mp->evfd);
	pthread_mutex_destroy(&mp->evlock);
	return 0;
}

static int worker_start(struct media_plane *mp, struct mworker *w, unsigned idx)
{
	w->mp = mp;
	w->idx = idx;
	INIT_LLIST_HEAD(&w->chans);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	w->q = calloc(QCAP, sizeof(*w->q));
	if (w->epfd < 0 || w->tfd < 0 || w->evfd < 0 || !w->q)
		return -errno;
	pthread_mutex_init(&w->qlock, NULL);
	w->tctx = talloc_named_const(NULL, 0, "media worker");
	struct itimerspec its = { .it_interval = { 0, 1000000 }, .it_value = { 0, 1000000 } };
	timerfd_settime(w->tfd, 0, &its, NULL);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 1 };
	epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->tfd, &ev);
	ev.data.u64 = 2;
	epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->evfd, &ev);
	w->running = true;
	int rc = pthread_create(&w->thr, NULL, worker_main, w);
	if (rc) {
		w->running = false;
		return -rc;
	}
	char name[16];
	snprintf(name, sizeof(name), "media%u", idx);
	pthread_setname_np(w->thr, name);
	return 0;
}

struct media_plane *media_plane_create(void *ctx, const struct media_plane_cfg *cfg, media_event_cb cb, void *priv)
{
	pthread_once(&tab_once, tab_init);
	struct media_plane *mp = talloc_zero(ctx, struct media_plane);
	if (!mp)
		return NULL;
	mp->cfg = *cfg;
	if (mp->cfg.span_jb_ms < 1 || mp->cfg.span_jb_ms > 32)
		mp->cfg.span_jb_ms = 4;
	mp->cb = cb;
	mp->priv = priv;
	if (mp->cfg.port_max < mp->cfg.port_min + 1)
		mp->cfg.port_max = (uint16_t)(mp->cfg.port_min + 1);
	mp->n_slots = (unsigned)(mp->cfg.port_max - mp->cfg.port_min + 1) / 2;
	mp->slot = talloc_zero_array(mp, struct media_chan *, mp->n_slots);
	unsigned n = cfg->workers;
	if (!n) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		n = c > 0 ? (unsigned)c : 1;
	}
	if (n > 64)
		n = 64;
	mp->w = talloc_zero_array(mp, struct mworker, n);
	pthread_mutex_init(&mp->evlock, NULL);
	INIT_LLIST_HEAD(&mp->evs);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	osmo_fd_setup(&mp->evfd, efd, OSMO_FD_READ, ev_read, mp, 0);
	talloc_set_destructor(mp, plane_destructor);
	if (!mp->slot || !mp->w || efd < 0 || osmo_fd_register(&mp->evfd) < 0) {
		talloc_free(mp);
		return NULL;
	}
	log_enable_multithread();	/* workers log (span state, learned sources, channel totals) */
	for (unsigned i = 0; i < n; i++) {
		mp->n_w = i + 1;
		if (worker_start(mp, &mp->w[i], i) < 0) {
			LOGP(g_log_cat, LOGL_ERROR, "media worker %u cannot start\n", i);
			talloc_free(mp);
			return NULL;
		}
	}
	return mp;
}

void media_plane_destroy(struct media_plane *mp)
{
	talloc_free(mp);
}

unsigned media_plane_n_workers(const struct media_plane *mp)
{
	return mp->n_w;
}

int media_plane_worker_load(const struct media_plane *mp, unsigned idx, uint64_t *cpu_us, uint64_t *late_ticks)
{
	if (idx >= mp->n_w || !mp->w[idx].running)
		return -ENOENT;
	const struct mworker *w = &mp->w[idx];
	clockid_t cid;
	struct timespec t;
	if (pthread_getcpuclockid(w->thr, &cid) || clock_gettime(cid, &t))
		return -EIO;
	*cpu_us = (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
	*late_ticks = w->late_ticks;
	return 0;
}

unsigned media_plane_n_chans(const struct media_plane *mp)
{
	return mp->n_chans;
}

static int bind_udp(const char *addr, uint16_t port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		close(fd);
		return -EINVAL;
	}
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	int tos = 0xb8;	/* DSCP EF */
	setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	return fd;
}

static int span_index(const struct media_plane *mp, unsigned id)
{
	for (unsigned i = 0; i < mp->n_spans; i++)
		if (mp->spans[i].id == id)
			return (int)i;
	return -1;
}

static void span_record(struct media_plane *mp, struct mworker *w, struct wspan *sp, const struct media_span_cfg *sc)
{
	unsigned i = mp->n_spans++;
	mp->spans[i].id = sc->id;
	mp->spans[i].w = w;
	mp->spans[i].sp = sp;
	mp->spans[i].n_ts = sp->n_ts;
	mp->spans[i].up = false;
	snprintf(mp->spans[i].local_addr, sizeof(mp->spans[i].local_addr), "%s", sc->local_addr);
	mp->spans[i].local_port = sc->local_port;
}

/* DAHDI: the channels are opened here, so that a missing card or driver is the caller's error */
static int span_add_dahdi(struct media_plane *mp, const struct media_span_cfg *sc)
{
	struct wspan *sp = calloc(1, sizeof(*sp));
	struct dahdi_span *ds = calloc(1, sizeof(*ds));
	if (!sp || !ds) {
		free(sp);
		free(ds);
		return -ENOMEM;
	}
	int rc = dahdi_span_open(ds, &sc->layout, sc->dahdi_base);
	if (rc < 0) {
		free(sp);
		free(ds);
		return rc;
	}
	sp->cfg = *sc;
	sp->n_ts = tdm_span_n_ts(&sc->layout);
	sp->dahdi = ds;
	struct mworker *w = &mp->w[mp->n_spans % mp->n_w];
	span_record(mp, w, sp, sc);
	struct cmd m = { .type = CMD_SPAN_ADD, .sp = sp, .u.i = -1 };
	send_cmd(w, &m);
	return 0;
}

int media_plane_span_add(struct media_plane *mp, const struct media_span_cfg *sc)
{
	if (span_index(mp, sc->id) >= 0 || mp->n_spans >= 256)
		return -EEXIST;
	if (sc->driver == MEDIA_SPAN_DAHDI)
		return span_add_dahdi(mp, sc);
	/* spans on one local port share a worker and a socket (one sendmmsg per tick for all of them) */
	struct mworker *w = NULL;
	unsigned sharing = 0;
	for (unsigned i = 0; i < mp->n_spans; i++)
		if (mp->spans[i].local_port == sc->local_port && !strcmp(mp->spans[i].local_addr, sc->local_addr)) {
			w = mp->spans[i].w;
			sharing++;
		}
	int fd = -1;
	if (!w) {
		w = &mp->w[mp->n_spans % mp->n_w];
		fd = bind_udp(sc->local_addr, sc->local_port);
		if (fd < 0)
			return fd;
	} else if (sharing >= 64) {
		return -ENOSPC;
	}
	struct wspan *sp = calloc(1, sizeof(*sp));
	if (!sp) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	sp->cfg = *sc;
	sp->n_ts = tdm_span_n_ts(&sc->layout);
	sp->remote.sin_family = AF_INET;
	sp->remote.sin_port = htons(sc->remote_port);
	inet_pton(AF_INET, sc->remote_addr, &sp->remote.sin_addr);
	span_record(mp, w, sp, sc);
	struct cmd m = { .type = CMD_SPAN_ADD, .sp = sp, .u.i = fd };
	send_cmd(w, &m);
	return 0;
}

int media_plane_span_tx(struct media_plane *mp, unsigned id, bool on)
{
	int i = span_index(mp, id);
	if (i < 0)
		return -ENOENT;
	struct cmd m = { .type = CMD_SPAN_TX, .sp = mp->spans[i].sp, .u.i = on };
	send_cmd(mp->spans[i].w, &m);
	return 0;
}

bool media_plane_span_known(const struct media_plane *mp, unsigned id)
{
	return span_index(mp, id) >= 0;
}

bool media_plane_span_up(const struct media_plane *mp, unsigned id)
{
	int i = span_index(mp, id);
	return i >= 0 && mp->spans[i].up;
}

struct media_chan *media_chan_alloc(struct media_plane *mp, unsigned span, unsigned ts, void *owner, bool local)
{
	int si = span_index(mp, span);
	if (si < 0)
		return NULL;
	struct mworker *w = mp->spans[si].w;
	struct wspan *sp = mp->spans[si].sp;
	if (ts < 1 || ts > mp->spans[si].n_ts)
		return NULL;
	int fd = -1, rfd = -1;
	unsigned slot = 0;
	bool found = false;
	for (unsigned tries = 0; tries < mp->n_slots && !found; tries++) {
		slot = mp->next_slot;
		mp->next_slot = (mp->next_slot + 1) % mp->n_slots;
		if (mp->slot[slot])
			continue;
		if (local) {
			found = true;
			break;
		}
		uint16_t port = (uint16_t)(mp->cfg.port_min + 2 * slot);
		fd = bind_udp(mp->cfg.rtp_addr, port);
		if (fd < 0)
			continue;
		rfd = bind_udp(mp->cfg.rtp_addr, (uint16_t)(port + 1));
		if (rfd < 0) {
			close(fd);
			fd = -1;
			continue;
		}
		found = true;
	}
	if (!found)
		return NULL;
	struct media_chan *ch = talloc_zero(mp, struct media_chan);
	struct wchan *c = calloc(1, sizeof(*c));
	if (!ch || !c) {
		talloc_free(ch);
		free(c);
		if (fd >= 0)
			close(fd);
		if (rfd >= 0)
			close(rfd);
		return NULL;
	}
	ch->mp = mp;
	ch->w = w;
	ch->wc = c;
	ch->id = slot;
	ch->port = local ? 0 : (uint16_t)(mp->cfg.port_min + 2 * slot);
	ch->span = span;
	ch->ts = ts;
	ch->owner = owner;
	ch->local = local;
	mp->slot[slot] = ch;
	mp->n_chans++;
	c->id = slot;
	c->owner = owner;
	c->local = local;
	c->span = sp;
	c->ts = ts;
	c->fd = fd;
	c->rtcp_fd = rfd;
	c->dtmf_detect = true;
	c->out_pos = BLK;
	/* RFC 3550 s5.1: random initial SSRC, sequence number and timestamp */
	uint32_t r[3];
	FILE *f = fopen("/dev/urandom", "rb");
	if (!f || fread(r, sizeof(r), 1, f) != 1) {
		uint64_t t = now_us();
		r[0] = (uint32_t)(t * 2654435761u) ^ slot;
		r[1] = (uint32_t)(t >> 7);
		r[2] = (uint32_t)(t >> 13) * 40503u;
	}
	if (f)
		fclose(f);
	c->ssrc = r[0];
	c->tx_seq = (uint16_t)r[1];
	c->tx_ts = c->tx_ts0 = r[2];
	jbuf_init(&c->jb, mp->cfg.jb_min_ms, mp->cfg.jb_max_ms);
	struct cmd m = { .type = CMD_CHAN_ADD, .ch = c };
	send_cmd(w, &m);
	return ch;
}

static void chan_cmd(struct media_chan *ch, struct cmd *m)
{
	if (!ch->wc)
		return;
	m->ch = ch->wc;
	send_cmd(ch->w, m);
}

void media_chan_free(struct media_chan *ch)
{
	if (!ch)
		return;
	struct cmd m = { .type = CMD_CHAN_DEL };
	chan_cmd(ch, &m);
	if (ch->mp->slot[ch->id] == ch)
		ch->mp->slot[ch->id] = NULL;
	ch->mp->n_chans--;
	talloc_free(ch);
}

uint16_t media_chan_port(const struct media_chan *ch)
{
	return ch->port;
}

unsigned media_chan_span(const struct media_chan *ch)
{
	return ch->span;
}

unsigned media_chan_ts(const struct media_chan *ch)
{
	return ch->ts;
}

void media_chan_remote(struct media_chan *ch, const struct media_remote *r)
{
	ch->rem = *r;
	ch->has_remote = true;
	struct cmd m = { .type = CMD_REMOTE, .u.rem = *r };
	chan_cmd(ch, &m);
}

const struct media_remote *media_chan_get_remote(const struct media_chan *ch)
{
	return ch->has_remote ? &ch->rem : NULL;
}

void media_chan_tone(struct media_chan *ch, enum tone_id t)
{
	struct cmd m = { .type = CMD_TONE, .u.i = (int)t };
	chan_cmd(ch, &m);
}

void media_chan_ec(struct media_chan *ch, bool on)
{
	struct cmd m = { .type = CMD_EC, .u.i = on };
	chan_cmd(ch, &m);
}

void media_chan_cot(struct media_chan *ch, enum media_cot mode)
{
	struct cmd m = { .type = CMD_COT, .u.i = (int)mode };
	chan_cmd(ch, &m);
}

void media_chan_gen(struct media_chan *ch, unsigned hz, int dbm0)
{
	struct cmd m = { .type = CMD_GEN, .u.gen = { hz, dbm0 } };
	chan_cmd(ch, &m);
}

void media_chan_dial(struct media_chan *ch, const char *digits)
{
	struct cmd m = { .type = CMD_DIAL };
	snprintf(m.u.digits, sizeof(m.u.digits), "%s", digits);
	chan_cmd(ch, &m);
}

const struct media_stats *media_chan_stats(const struct media_chan *ch)
{
	return &ch->st;
}
