/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The media plane: worker threads that bridge TDM timeslots and RTP. Each worker owns its spans and their
 * channels and runs epoll with a 1 ms timerfd tick: CESoPSN frames in and out every millisecond, the
 * channel DSP on 10 ms blocks, RTP every ptime, RTCP every 5 s. The control plane (the osmo select loop)
 * only holds handles: it commands workers through a queue per worker (eventfd wakes them) and hears from
 * them on a mutex-guarded list with an eventfd in the select loop (not osmo_it_q: libosmocore 1.7's
 * dequeue returns the list head when empty): COT results, span state, DTMF, statistics.
 * Nothing on the per-packet path locks. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "tdm_span.h"
#include "tones.h"

struct media_plane_cfg {
	char rtp_addr[64];	     /* RTP sockets bind here */
	uint16_t port_min, port_max; /* even RTP ports, RTCP on the next odd one */
	unsigned workers;	     /* 0: one per core */
	enum tone_plan plan;
	unsigned ec_tail_ms; /* 32..128 */
	bool ec_default;     /* canceller on unless the call says otherwise */
	unsigned jb_min_ms, jb_max_ms;
	unsigned span_timeout_ms; /* no CESoPSN packet for this long: the span is down */
	unsigned span_jb_ms;	  /* CESoPSN: received frames held before playout starts (1..32 ms) */
	unsigned learn_ms;	  /* symmetric RTP: a new source may be learned this long after the SDP */
	uint8_t dtmf_volume;	  /* RFC 4733 volume we send (-dBm0) */
};
void media_plane_cfg_default(struct media_plane_cfg *cfg);

enum media_span_driver {
	MEDIA_SPAN_UDP,
	MEDIA_SPAN_DAHDI
};

struct media_span_cfg {
	unsigned id;
	struct tdm_span layout;
	enum media_span_driver driver;
	char local_addr[64]; /* udp: CESoPSN, one packet per 1 ms frame period (8 frames) */
	uint16_t local_port; /* spans may share a local port: told apart by the remote port */
	char remote_addr[64];
	uint16_t remote_port;
	unsigned dahdi_base; /* dahdi: channel number of timeslot 1 */
};

/* What we do, as in SDP: bit 0 we send, bit 1 we receive */
enum media_dir {
	MEDIA_INACTIVE = 0,
	MEDIA_SENDONLY = 1,
	MEDIA_RECVONLY = 2,
	MEDIA_SENDRECV = 3
};

struct media_remote {
	char addr[64];
	uint16_t port;
	uint8_t pt;	/* 0 PCMU, 8 PCMA */
	int te_pt;	/* telephone-event payload type, -1: none (DTMF stays in the audio) */
	unsigned ptime; /* 10, 20 or 30 */
	enum media_dir dir;
};

enum media_cot {
	MEDIA_COT_OFF,
	MEDIA_COT_CHECK,
	MEDIA_COT_LOOP
};

struct media_stats {
	uint32_t rx_packets, tx_packets, rx_octets, tx_octets;
	int32_t lost; /* RFC 3550 cumulative, of the source we receive */
	uint32_t jitter_ms;
	uint32_t foreign; /* packets from a source that is not the peer: dropped */
	uint32_t malformed, wrong_pt, late, concealed;
	uint32_t events_rx, events_tx; /* RFC 4733 digits */
	bool learned;		       /* the peer's address was learned (symmetric RTP), not taken from SDP */
	/* what the peer's RTCP said about our stream */
	uint8_t remote_fraction;
	int32_t remote_lost;
	uint32_t remote_jitter_ms;
	bool has_rtt;	 /* a report block of the peer answered one of our SRs (RFC 3550 s6.4.1: LSR, DLSR) */
	uint32_t rtt_ms; /* the round trip that gave */
	/* local channels (no RTP): what the TDM side carries, over the last 100 ms */
	unsigned freq_hz;
	int level_dbm0;
};

enum media_event_type {
	MEDIA_EV_COT,
	MEDIA_EV_SPAN,
	MEDIA_EV_STATS,
	MEDIA_EV_DTMF,
	MEDIA_EV_ANSWER_TONE
};

struct media_event {
	enum media_event_type type;
	void *owner; /* the channel's owner (NULL for span events) */
	unsigned span;
	bool ok;    /* COT passed; span up */
	char digit; /* DTMF digit heard on a local channel */
	struct media_stats st;
};
typedef void (*media_event_cb)(void *priv, const struct media_event *ev);

struct media_plane;
struct media_chan;

/* The application's log category for the media plane (before the first media_plane_create). */
void media_plane_set_log_cat(int cat);
struct media_plane *media_plane_create(void *ctx, const struct media_plane_cfg *cfg, media_event_cb cb, void *priv);
/* Stops the workers and frees everything (channels still open included). */
void media_plane_destroy(struct media_plane *mp);
unsigned media_plane_n_workers(const struct media_plane *mp);
/* A span, handed to a worker (spans sharing a local port go to the same one). 0 or -errno. */
int media_plane_span_add(struct media_plane *mp, const struct media_span_cfg *sc);
bool media_plane_span_known(const struct media_plane *mp, unsigned id);
/* CESoPSN: stop (and restart) sending on a span, as a failed line would; what arrives is still played. */
int media_plane_span_tx(struct media_plane *mp, unsigned id, bool on);
bool media_plane_span_up(const struct media_plane *mp, unsigned id);
unsigned media_plane_n_chans(const struct media_plane *mp);
/* A worker thread's CPU time so far and its 1 ms ticks that came late (the worker was behind). 0 or
 * -errno. */
int media_plane_worker_load(const struct media_plane *mp, unsigned idx, uint64_t *cpu_us, uint64_t *late_ticks);

/* A channel on (span, ts) with an RTP/RTCP port pair, or, local, with a test generator and analyser in
 * place of RTP (pstn-sim). NULL: no span, no free port. The owner comes back in events; a local
 * channel's event callback also gets MEDIA_EV_STATS for each 100 ms analysis window. */
struct media_chan *media_chan_alloc(struct media_plane *mp, unsigned span, unsigned ts, void *owner, bool local);
void media_chan_free(struct media_chan *ch);
uint16_t media_chan_port(const struct media_chan *ch);
unsigned media_chan_span(const struct media_chan *ch);
unsigned media_chan_ts(const struct media_chan *ch);
/* The far end from SDP (again on every re-INVITE/UPDATE: SSRC, sequence and timestamps go on). */
void media_chan_remote(struct media_chan *ch, const struct media_remote *r);
const struct media_remote *media_chan_get_remote(const struct media_chan *ch);
void media_chan_tone(struct media_chan *ch, enum tone_id t);
void media_chan_ec(struct media_chan *ch, bool on);
void media_chan_cot(struct media_chan *ch, enum media_cot mode);
/* local channels: a sine toward TDM (0 Hz: silence) and DTMF digits dialled in-band */
void media_chan_gen(struct media_chan *ch, unsigned hz, int dbm0);
void media_chan_dial(struct media_chan *ch, const char *digits);
/* The last statistics the worker reported (every second). */
const struct media_stats *media_chan_stats(const struct media_chan *ch);
