/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the media plane's receive paths as a worker runs them (media/mplane_rtp.c, mplane_span.c,
 * mplane_worker.c): RTP and RTCP datagrams into a channel (mplane_sock_read(): source validation and
 * symmetric RTP learning, RFC 4733 events, the jitter buffer, the receiver statistics, RTCP reports) and
 * CESoPSN datagrams into its span (mplane_sock_read_span(): recvmmsg batches, the control word, the frame
 * ring with its slips), with the 1 ms span tick that plays both toward the channel's DSP (G.711, echo
 * canceller, tones, DTMF detection and generation, packet loss concealment) and builds what goes out.
 *
 * The worker is built in process without its thread: a media_plane and an mworker with one CESoPSN span
 * (E1 or T1, A- or mu-law) and one RTP channel on it, their UDP sockets on 127.0.0.1, set up as the worker's
 * commands set them up (CMD_SPAN_ADD, CMD_CHAN_ADD, CMD_REMOTE ...). The input's datagrams come from a peer
 * socket (the address the SDP named) or a foreign one. Time is the span's ticks; the learning window and
 * the jitter statistics read the real clock, as in the worker.
 *
 * Checked besides ASan/UBSan: every RTP and RTCP packet the channel sends parses; every CESoPSN packet the
 * span builds parses as 8 frames of its timeslots; nothing the DSP allocates is left behind.
 *
 * Input: a settings octet (bit 0 T1, 1 mu-law, 2 telephone-event, 3 echo canceller, 4-5 ptime, 6-7 the
 * direction; the codec is the span's law), then operations, each an
 * octet whose low three bits say which and whose high five bits are its argument:
 *   0 an RTP datagram as it is: a length octet and the octets (argument bit 0: to the RTCP port)
 *   1 an RTP packet: payload type (argument: PCMU, PCMA, telephone-event, other), sequence and timestamp
 *     steps, then a length octet and the payload; argument bit 4: from the foreign source
 *   2 an RTCP packet with a header: type (SR, RR, SDES, BYE, APP by argument), then length and octets
 *   3 a CESoPSN datagram as it is: a length octet and the octets (argument bit 4: from a foreign port)
 *   4 a CESoPSN packet: control word flags (argument), sequence step, then the frames (a length octet)
 *   5 time: (argument + 1) * 2 ms of span ticks
 *   6 a new SDP from the peer: ptime, direction, address (argument), then an octet: PCMU, telephone-event,
 *     the stream rejected
 *   7 the control plane: tone, echo canceller, continuity check (argument) */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>

#include "media/mplane_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *ctx;
static struct media_plane mp;
static struct mworker w;
static int rtp_fd, rtcp_fd, span_fd, peer_fd, foreign_fd, span_peer_fd;
static struct sockaddr_in rtp_addr, rtcp_addr, span_addr, peer_addr, foreign_addr, span_peer_addr;

static int udp(struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	socklen_t l = sizeof(*a);
	*a = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (fd < 0 || bind(fd, (struct sockaddr *)a, sizeof(*a)) || getsockname(fd, (struct sockaddr *)a, &l))
		abort();
	int big = 1 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	return fd;
}

static void init_once(void)
{
	ctx = talloc_named_const(NULL, 1, "fuzz_rtp"); /* a size of 0 leaves no pointer LSan sees into it */
	osmo_init_logging2(ctx, NULL);
	log_set_log_level(osmo_stderr_target, LOGL_FATAL);
	log_set_category_filter(osmo_stderr_target, DLGLOBAL, 1, LOGL_FATAL);
	mplane_g711_init();
	media_plane_cfg_default(&mp.cfg);
	/* the shortest tail the canceller takes: its taps are arithmetic, not parsing, and under the
	 * sanitizers the default 64 ms made it most of the time spent */
	mp.cfg.ec_tail_ms = 32;
	pthread_mutex_init(&mp.evlock, NULL);
	INIT_LLIST_HEAD(&mp.evs);
	mp.evfd.fd = -1; /* events are collected and dropped here, nobody is woken */
	w.mp = &mp;
	w.tctx = talloc_named_const(NULL, 1, "fuzz_rtp worker");
	INIT_LLIST_HEAD(&w.chans);
	/* the sockets outlive the inputs: each input starts by emptying them */
	rtp_fd = udp(&rtp_addr);
	rtcp_fd = udp(&rtcp_addr);
	span_fd = udp(&span_addr);
	peer_fd = udp(&peer_addr);
	foreign_fd = udp(&foreign_addr);
	span_peer_fd = udp(&span_peer_addr);
}

static void flush(int fd)
{
	uint8_t b[2048];
	while (recv(fd, b, sizeof(b), MSG_DONTWAIT) >= 0)
		;
}

/* what the channel sent its peer: RTP on the RTP port, RTCP on the next (which is foreign's here only by
 * chance; both are read from the peer socket, told apart by the RTCP packet types) */
static void check_sent(void)
{
	uint8_t b[2048];
	ssize_t n;
	while ((n = recv(peer_fd, b, sizeof(b), MSG_DONTWAIT)) >= 0) {
		struct rtp_hdr h;
		const uint8_t *pl;
		size_t pll;
		struct rtcp_info ri;
		if (n >= 2 && b[1] >= 200 && b[1] <= 204) {
			if (rtcp_parse(b, (size_t)n, &ri))
				abort();
		} else if (rtp_parse(b, (size_t)n, &h, &pl, &pll)) {
			abort();
		}
	}
}

/* the worker's CMD_REMOTE, from an SDP the input describes */
static void remote(struct wchan *c, uint8_t arg, uint8_t pt_sel)
{
	struct media_remote r = { .port = ntohs(peer_addr.sin_port),
				  .pt = pt_sel & 1 ? 0 : 8,
				  .te_pt = pt_sel & 2 ? 101 : -1,
				  .ptime = 10u * (1 + (arg & 3)),
				  .dir = (enum media_dir)((arg >> 2) & 3) };
	snprintf(r.addr, sizeof(r.addr), "%s", arg & 16 ? "127.0.0.2" : "127.0.0.1");
	if (pt_sel & 4)
		r.port = 0; /* the stream rejected */
	mplane_set_remote(&w, c, &r);
	/* RTCP goes to the SDP's port + 1, which may be any socket here: to the peer's instead */
	c->rtcp_peer = peer_addr;
}

/* one span tick as the worker's timerfd loop runs it, and the packet it built */
static void tick(struct wspan *sp)
{
	struct mmsghdr out;
	struct iovec iov;
	w.ticks++;
	mplane_span_tick(sp, &out, &iov);
	struct cesop_hdr h;
	const uint8_t *pl;
	unsigned frames;
	if (cesop_parse(iov.iov_base, iov.iov_len, sp->n_ts, &h, &pl, &frames) || frames != FRAMES_PER_PKT)
		abort();
	if (w.ticks % 1000 == 0) {
		struct wchan *c;
		llist_for_each_entry(c, &w.chans, list)
			mplane_rtcp_send(c);
	}
}

static void send_to(int from, const struct sockaddr_in *to, const uint8_t *b, size_t n)
{
	sendto(from, b, n, MSG_DONTWAIT, (const struct sockaddr *)to, sizeof(*to));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!w.mp)
		init_once();
	if (size < 1)
		return 0;
	size_t blocks = talloc_total_blocks(w.tctx);
	int fds[] = { rtp_fd, rtcp_fd, span_fd, peer_fd, foreign_fd, span_peer_fd };
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		flush(fds[i]);
	uint8_t set = data[0];

	/* CMD_SPAN_ADD: a CESoPSN span on its own socket, its far end span_peer */
	struct wspan *sp = calloc(1, sizeof(*sp));
	tdm_span_init(&sp->cfg.layout, set & 1 ? TDM_SPAN_T1 : TDM_SPAN_E1);
	sp->cfg.layout.law = set & 2 ? TDM_LAW_ULAW : TDM_LAW_ALAW;
	sp->n_ts = tdm_span_n_ts(&sp->cfg.layout);
	sp->remote = span_peer_addr;
	sp->w = &w;
	sp->sock = 0;
	w.socks[0] = (struct wsock){ .fd = span_fd, .n_spans = 1, .spans = { sp } };
	w.n_socks = 1;
	w.spans[0] = sp;
	w.n_spans = 1;
	w.ticks = 0;

	/* CMD_CHAN_ADD: one RTP channel on timeslot 1 */
	struct wchan *c = calloc(1, sizeof(*c));
	c->id = 1;
	c->span = sp;
	c->ts = 1;
	c->fd = rtp_fd;
	c->rtcp_fd = rtcp_fd;
	c->dtmf_detect = true;
	c->out_pos = BLK;
	c->ssrc = 0x11223344;
	c->tx_seq = 65530; /* wraps soon */
	c->tx_ts = c->tx_ts0 = 0xfffff000;
	jbuf_init(&c->jb, mp.cfg.jb_min_ms, mp.cfg.jb_max_ms);
	mp.cfg.ec_default = set & 8;
	c->dsp = mplane_dsp_for(&w, c);
	sp->chan[c->ts] = c;
	llist_add_tail(&c->list, &w.chans);
	w.n_chans = 1;
	remote(c, set >> 4, (set >> 1 & 1) | (set >> 1 & 2)); /* the span's law, telephone-event */

	uint16_t seq = 1000;
	uint32_t ts = 160000, ssrc = 0xcafe;
	uint16_t ces_seq = 0;
	size_t off = 1;
	uint8_t b[1600];
	while (off < size) {
		uint8_t op = data[off++], arg = op >> 3;
		const uint8_t *p = data + off;
		size_t avail = size - off;
		switch (op & 7) {
		case 0: {
			size_t n = avail ? (p[0] < avail - 1 ? p[0] : avail - 1) : 0;
			if (avail) {
				send_to(peer_fd, arg & 1 ? &rtcp_addr : &rtp_addr, p + 1, n);
				mplane_sock_read(&w, c, arg & 1);
			}
			off += avail ? n + 1 : 0;
			break;
		}
		case 1: {
			if (avail < 3)
				break;
			static const uint8_t pts[4] = { 0, 8, 101, 18 };
			seq = (uint16_t)(seq + (p[0] & 0x0f) - 1);
			ts += (uint32_t)(p[1] * 8u);
			size_t n = p[2] < avail - 3 ? p[2] : avail - 3;
			struct rtp_hdr h = {
				.pt = pts[arg & 3], .marker = arg & 4, .seq = seq, .ts = ts, .ssrc = ssrc ^ (p[0] >> 6)
			};
			rtp_write_hdr(b, &h);
			memcpy(b + RTP_HDR_LEN, p + 3, n);
			send_to(arg & 16 ? foreign_fd : peer_fd, &rtp_addr, b, RTP_HDR_LEN + n);
			mplane_sock_read(&w, c, false);
			off += 3 + n;
			break;
		}
		case 2: {
			size_t n = avail ? (p[0] < avail - 1 ? p[0] : avail - 1) : 0;
			n &= ~(size_t)3;
			b[0] = (uint8_t)(0x80 | (arg & 3));
			b[1] = (uint8_t)(200 + arg % 5);
			b[2] = (uint8_t)(n / 4 >> 8);
			b[3] = (uint8_t)(n / 4);
			memcpy(b + 4, p + (avail ? 1 : 0), n);
			send_to(arg & 16 ? foreign_fd : peer_fd, &rtcp_addr, b, 4 + n);
			mplane_sock_read(&w, c, true);
			off += avail ? (p[0] < avail - 1 ? p[0] : avail - 1) + 1 : 0;
			break;
		}
		case 3: {
			size_t n = avail ? (p[0] < avail - 1 ? p[0] : avail - 1) : 0;
			if (avail) {
				send_to(arg & 16 ? foreign_fd : span_peer_fd, &span_addr, p + 1, n);
				mplane_sock_read_span(&w, &w.socks[0]);
			}
			off += avail ? n + 1 : 0;
			break;
		}
		case 4: {
			if (avail < 2)
				break;
			ces_seq = (uint16_t)(ces_seq + (p[0] & 7) - 1);
			size_t n = p[1] < avail - 2 ? p[1] : avail - 2;
			struct cesop_hdr h = { .l = arg & 1, .r = arg & 2, .m = (arg >> 2) & 3, .seq = ces_seq };
			cesop_write_cw(b, &h, n);
			memcpy(b + CESOP_CW_LEN, p + 2, n);
			send_to(span_peer_fd, &span_addr, b, CESOP_CW_LEN + n);
			mplane_sock_read_span(&w, &w.socks[0]);
			off += 2 + n;
			break;
		}
		case 5:
			for (unsigned i = 0; i < (arg + 1u) * 2; i++)
				tick(sp);
			break;
		case 6:
			if (avail)
				remote(c, arg, p[0]);
			off += avail ? 1 : 0;
			break;
		default:
			/* CMD_TONE, CMD_EC, CMD_COT as run_cmd() runs them */
			if (arg < 8) {
				media_dsp_tone(c->dsp, (enum tone_id)(arg % 6));
			} else if (arg < 16) {
				media_dsp_ec_enable(c->dsp, arg & 1);
			} else {
				c->cot = (enum media_cot)(arg % 3);
				c->cot_reported = false;
				media_dsp_cot_arm(c->dsp, c->cot == MEDIA_COT_CHECK);
				media_dsp_tone(c->dsp, c->cot == MEDIA_COT_CHECK ? TONE_COT : TONE_NONE);
			}
			break;
		}
		check_sent();
	}
	/* CMD_CHAN_DEL and the plane's destructor, without closing the shared sockets */
	llist_del(&c->list);
	w.n_chans = 0;
	media_dsp_free(c->dsp);
	free(c);
	mplane_span_free(sp);
	w.n_spans = w.n_socks = 0;
	pthread_mutex_lock(&mp.evlock);
	while (!llist_empty(&mp.evs)) {
		/* struct mev (mplane.c) starts with its list head */
		struct llist_head *e = mp.evs.next;
		llist_del(e);
		free(e);
	}
	mp.n_evs = 0;
	pthread_mutex_unlock(&mp.evlock);
	if (talloc_total_blocks(w.tctx) != blocks)
		abort(); /* leaked */
	return 0;
}
