/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A channel's RTP endpoint: RTP/RTCP out and in, symmetric RTP learning, source checks, jitter buffer feed. */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <osmocom/core/logging.h>

#include "mplane_priv.h"

#define LEARN_PKTS 3 /* sequential packets from a new source before it is learned */

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
	struct rtp_hdr h = {
		.pt = (uint8_t)c->rem.te_pt, .marker = marker, .seq = c->tx_seq++, .ts = c->ev_tx_ts, .ssrc = c->ssrc
	};
	rtp_write_hdr(b, &h);
	struct rtp_event e = { .event = (uint8_t)media_dtmf_to_event(c->ev_tx_digit),
			       .end = end,
			       .volume = c->span ? c->span->w->mp->cfg.dtmf_volume : 10,
			       .duration = (uint16_t)(c->ev_tx_dur > 0xffff ? 0xffff : c->ev_tx_dur) };
	rtp_event_write(b + RTP_HDR_LEN, &e);
	chan_send(c, b, sizeof(b));
}

void mplane_on_dsp_dtmf(void *priv, char digit, bool end, uint32_t ts, uint32_t duration)
{
	struct wchan *c = priv;
	if (c->local) {
		if (end) {
			struct media_event ev = { .type = MEDIA_EV_DTMF, .digit = digit };
			mplane_post(c->span->w, c, &ev);
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
void mplane_packetize(struct wchan *c, const uint8_t *enc)
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
		struct rtp_hdr h = {
			.pt = c->rem.pt, .marker = c->marker, .seq = c->tx_seq++, .ts = c->tx_ts, .ssrc = c->ssrc
		};
		c->marker = false;
		rtp_write_hdr(c->pkt, &h);
		chan_send(c, c->pkt, RTP_HDR_LEN + c->pkt_fill);
	}
	c->tx_ts += c->pkt_fill; /* the clock runs on whether we sent or not */
	c->pkt_fill = 0;
}

/* ---- the far end (SDP) ---- */

void mplane_set_remote(struct mworker *w, struct wchan *c, const struct media_remote *r)
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
		c->dsp = mplane_dsp_for(w, c);
		if (c->dsp) {
			media_dsp_ec_enable(c->dsp, ec);
			media_dsp_tone(c->dsp, t);
		}
	}
	c->pkt_fill = 0;
	c->marker = true;
}

/* ---- RTP/RTCP receive ---- */

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
			LOGP(media_log_cat, LOGL_NOTICE, "media %u: RTP source learned: %s:%u (SDP said %s:%u)\n",
			     c->id, inet_ntop(AF_INET, &src->sin_addr, a, sizeof(a)), ntohs(src->sin_port), c->rem.addr,
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
			return; /* the end's repeats */
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
	mplane_g711_dec(pt_law(h.pt), pl, lin, (unsigned)n);
	uint32_t late = c->jb.late;
	jbuf_put(&c->jb, h.ts, lin, (unsigned)n, rtp_stats_jitter(&c->rx));
	c->st.late += c->jb.late - late;
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
		if (in.rb[i].lsr) {
			/* RFC 3550 s6.4.1: arrival - LSR - DLSR, in 1/65536 s (the middle 32 bits of NTP time) */
			uint32_t rtt = (uint32_t)(ntp_now() >> 16) - in.rb[i].lsr - in.rb[i].dlsr;
			if (rtt < 65536u * 10) {
				c->st.rtt_ms = (uint32_t)((uint64_t)rtt * 1000 / 65536);
				c->st.has_rtt = true;
			}
		}
	}
}

void mplane_rtcp_send(struct wchan *c)
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

/* One datagram per readiness report: a channel's socket holds one packet per ptime, and the epoll set is
 * level triggered, so a second queued packet is reported again (no system call spent finding the queue
 * empty). */
void mplane_sock_read(struct mworker *w, struct wchan *c, bool rtcp)
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
