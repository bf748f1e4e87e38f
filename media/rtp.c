/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RTP/RTCP wire formats and receiver statistics (RFC 3550), RFC 4733 events. */

#include <errno.h>
#include <string.h>

#include "rtp.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int rtp_parse(const uint8_t *buf, size_t len, struct rtp_hdr *h, const uint8_t **payload, size_t *payload_len)
{
	if (len < RTP_HDR_LEN || (buf[0] >> 6) != 2)
		return -EBADMSG;
	unsigned cc = buf[0] & 0x0f;
	uint8_t pt = buf[1] & 0x7f;
	/* RTCP SR/RR/SDES/BYE/APP on the RTP port (RFC 5761 demultiplexing): not RTP */
	if (pt >= 72 && pt <= 76)
		return -EBADMSG;
	size_t off = RTP_HDR_LEN + 4 * (size_t)cc;
	if (off > len)
		return -EBADMSG;
	if (buf[0] & 0x10) { /* header extension: profile(16) length(16) in words */
		if (off + 4 > len)
			return -EBADMSG;
		off += 4 + 4 * (size_t)rd16(buf + off + 2);
		if (off > len)
			return -EBADMSG;
	}
	size_t end = len;
	if (buf[0] & 0x20) { /* padding: the last octet counts itself too */
		uint8_t pad = buf[len - 1];
		if (pad == 0 || pad > end - off)
			return -EBADMSG;
		end -= pad;
	}
	h->pt = pt;
	h->marker = buf[1] & 0x80;
	h->seq = rd16(buf + 2);
	h->ts = rd32(buf + 4);
	h->ssrc = rd32(buf + 8);
	*payload = buf + off;
	*payload_len = end - off;
	return 0;
}

void rtp_write_hdr(uint8_t *buf, const struct rtp_hdr *h)
{
	buf[0] = 0x80;
	buf[1] = (uint8_t)((h->marker ? 0x80 : 0) | (h->pt & 0x7f));
	wr16(buf + 2, h->seq);
	wr32(buf + 4, h->ts);
	wr32(buf + 8, h->ssrc);
}

int rtp_event_parse(const uint8_t *pl, size_t len, struct rtp_event *e)
{
	if (len < 4)
		return -EBADMSG;
	e->event = pl[0];
	e->end = pl[1] & 0x80;
	e->volume = pl[1] & 0x3f;
	e->duration = rd16(pl + 2);
	return 0;
}

void rtp_event_write(uint8_t *pl, const struct rtp_event *e)
{
	pl[0] = e->event;
	pl[1] = (uint8_t)((e->end ? 0x80 : 0) | (e->volume & 0x3f));
	wr16(pl + 2, e->duration);
}

/* ---- receiver statistics, RFC 3550 appendix A ---- */

#define SEQ_MOD	     (1u << 16)
#define MAX_DROPOUT  3000
#define MAX_MISORDER 100

static void seq_init(struct rtp_rx_stats *s, uint16_t seq)
{
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = SEQ_MOD + 1;
	s->cycles = 0;
	s->received = 0;
	s->received_prior = 0;
	s->expected_prior = 0;
}

int rtp_stats_update(struct rtp_rx_stats *s, uint16_t seq, uint32_t ts, uint32_t arrival)
{
	if (!s->init) {
		/* the source was validated by address and SSRC already: no probation (A.1 MIN_SEQUENTIAL 1) */
		memset(s, 0, sizeof(*s));
		s->init = true;
		seq_init(s, seq);
		s->received = 1;
		s->transit = (int64_t)(int32_t)(arrival - ts);
		return 0;
	}
	uint16_t udelta = (uint16_t)(seq - s->max_seq);
	if (udelta < MAX_DROPOUT) {
		if (seq < s->max_seq)
			s->cycles += SEQ_MOD;
		s->max_seq = seq;
	} else if (udelta <= SEQ_MOD - MAX_MISORDER) {
		/* a big jump: the sender restarted, or a stray packet; two in a row resynchronise */
		if (seq == s->bad_seq) {
			uint32_t jitter = s->jitter_q4;
			seq_init(s, seq);
			s->jitter_q4 = jitter;
		} else {
			s->bad_seq = (seq + 1u) & (SEQ_MOD - 1);
			s->duplicates_or_late++;
			return -1;
		}
	} else {
		s->duplicates_or_late++; /* duplicate or reordered: still counted as received (A.3) */
	}
	s->received++;
	/* A.8: interarrival jitter */
	int64_t transit = (int64_t)(int32_t)(arrival - ts);
	int64_t d = transit - s->transit;
	s->transit = transit;
	if (d < 0)
		d = -d;
	if (d > 1 << 20)
		d = 1 << 20; /* a timestamp jump is not jitter */
	s->jitter_q4 += (uint32_t)d - ((s->jitter_q4 + 8) >> 4);
	return 0;
}

uint32_t rtp_stats_ext_max(const struct rtp_rx_stats *s)
{
	return s->cycles + s->max_seq;
}

static uint32_t expected(const struct rtp_rx_stats *s)
{
	return s->init ? rtp_stats_ext_max(s) - s->base_seq + 1 : 0;
}

int32_t rtp_stats_lost(const struct rtp_rx_stats *s)
{
	int64_t lost = (int64_t)expected(s) - s->received;
	if (lost > 0x7fffff)
		lost = 0x7fffff;
	if (lost < -0x800000)
		lost = -0x800000;
	return (int32_t)lost;
}

uint8_t rtp_stats_fraction(struct rtp_rx_stats *s)
{
	uint32_t exp = expected(s);
	uint32_t exp_int = exp - s->expected_prior;
	uint32_t rec_int = s->received - s->received_prior;
	s->expected_prior = exp;
	s->received_prior = s->received;
	if (!exp_int || rec_int >= exp_int)
		return 0;
	uint64_t f = ((uint64_t)(exp_int - rec_int) << 8) / exp_int;
	return (uint8_t)(f > 255 ? 255 : f);
}

uint32_t rtp_stats_jitter(const struct rtp_rx_stats *s)
{
	return s->jitter_q4 >> 4;
}

/* ---- RTCP ---- */

enum {
	RTCP_SR = 200,
	RTCP_RR = 201,
	RTCP_SDES = 202,
	RTCP_BYE = 203
};

static void rb_parse(const uint8_t *p, struct rtcp_rb *rb)
{
	rb->ssrc = rd32(p);
	rb->fraction = p[4];
	uint32_t l = (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
	rb->lost = (l & 0x800000) ? (int32_t)(l | 0xff000000u) : (int32_t)l;
	rb->ext_max_seq = rd32(p + 8);
	rb->jitter = rd32(p + 12);
	rb->lsr = rd32(p + 16);
	rb->dlsr = rd32(p + 20);
}

static void sdes_parse(const uint8_t *p, size_t len, struct rtcp_info *out)
{
	/* the first chunk only: SSRC, then items up to a zero type */
	size_t off = 4;
	while (off + 2 <= len && p[off]) {
		uint8_t type = p[off], n = p[off + 1];
		if (off + 2 + n > len)
			return;
		if (type == 1 && !out->cname[0]) {
			size_t c = n < sizeof(out->cname) - 1 ? n : sizeof(out->cname) - 1;
			memcpy(out->cname, p + off + 2, c);
			out->cname[c] = 0;
		}
		off += 2 + (size_t)n;
	}
}

int rtcp_parse(const uint8_t *buf, size_t len, struct rtcp_info *out)
{
	memset(out, 0, sizeof(*out));
	size_t off = 0;
	bool first = true;
	if (len < 8)
		return -EBADMSG;
	while (off < len) {
		if (len - off < 4)
			return -EBADMSG;
		const uint8_t *p = buf + off;
		size_t plen = 4 * ((size_t)rd16(p + 2) + 1);
		if ((p[0] >> 6) != 2 || plen > len - off)
			return -EBADMSG;
		bool padded = p[0] & 0x20;
		if (padded && off + plen != len)
			return -EBADMSG; /* padding only on the last packet of a compound */
		size_t body = plen;
		if (padded) {
			uint8_t pad = p[plen - 1];
			if (pad == 0 || pad > plen - 4)
				return -EBADMSG;
			body -= pad;
		}
		unsigned rc = p[0] & 0x1f;
		uint8_t pt = p[1];
		if (first && pt != RTCP_SR && pt != RTCP_RR)
			return -EBADMSG;
		if (pt == RTCP_SR || pt == RTCP_RR) {
			size_t fixed = pt == RTCP_SR ? 28 : 8;
			if (body < fixed + 24 * (size_t)rc)
				return -EBADMSG;
			if (first) {
				out->has_sr = pt == RTCP_SR;
				out->has_rr = pt == RTCP_RR;
				out->ssrc = rd32(p + 4);
				if (out->has_sr) {
					out->ntp = (uint64_t)rd32(p + 8) << 32 | rd32(p + 12);
					out->rtp_ts = rd32(p + 16);
					out->packets = rd32(p + 20);
					out->octets = rd32(p + 24);
				}
				for (unsigned i = 0; i < rc && i < RTCP_MAX_RB; i++)
					rb_parse(p + fixed + 24 * i, &out->rb[i]);
				out->n_rb = rc < RTCP_MAX_RB ? rc : RTCP_MAX_RB;
			}
		} else if (pt == RTCP_SDES && rc >= 1 && body >= 8) {
			sdes_parse(p + 4, body - 4, out);
		} else if (pt == RTCP_BYE) {
			out->bye = true;
		}
		first = false;
		off += plen;
	}
	return 0;
}

int rtcp_build(uint8_t *buf, size_t size, const struct rtcp_info *in)
{
	unsigned n_rb = in->n_rb > RTCP_MAX_RB ? RTCP_MAX_RB : in->n_rb;
	size_t fixed = in->has_sr ? 28 : 8;
	size_t first = fixed + 24 * n_rb;
	size_t cn = strnlen(in->cname, sizeof(in->cname) - 1);
	/* SDES: header 4, SSRC 4, item 2 + cn, end 1, padded to 32 bits */
	size_t sdes = (4 + 4 + 2 + cn + 1 + 3) & ~(size_t)3;
	size_t bye = in->bye ? 8 : 0;
	size_t total = first + sdes + bye;
	if (total > size)
		return -ENOSPC;
	memset(buf, 0, total);
	uint8_t *p = buf;
	p[0] = (uint8_t)(0x80 | n_rb);
	p[1] = in->has_sr ? RTCP_SR : RTCP_RR;
	wr16(p + 2, (uint16_t)(first / 4 - 1));
	wr32(p + 4, in->ssrc);
	if (in->has_sr) {
		wr32(p + 8, (uint32_t)(in->ntp >> 32));
		wr32(p + 12, (uint32_t)in->ntp);
		wr32(p + 16, in->rtp_ts);
		wr32(p + 20, in->packets);
		wr32(p + 24, in->octets);
	}
	for (unsigned i = 0; i < n_rb; i++) {
		uint8_t *r = p + fixed + 24 * i;
		const struct rtcp_rb *rb = &in->rb[i];
		wr32(r, rb->ssrc);
		r[4] = rb->fraction;
		uint32_t l = (uint32_t)rb->lost & 0xffffff;
		r[5] = (uint8_t)(l >> 16);
		r[6] = (uint8_t)(l >> 8);
		r[7] = (uint8_t)l;
		wr32(r + 8, rb->ext_max_seq);
		wr32(r + 12, rb->jitter);
		wr32(r + 16, rb->lsr);
		wr32(r + 20, rb->dlsr);
	}
	p += first;
	p[0] = 0x81;
	p[1] = RTCP_SDES;
	wr16(p + 2, (uint16_t)(sdes / 4 - 1));
	wr32(p + 4, in->ssrc);
	p[8] = 1;
	p[9] = (uint8_t)cn;
	memcpy(p + 10, in->cname, cn);
	p += sdes;
	if (in->bye) {
		p[0] = 0x81;
		p[1] = RTCP_BYE;
		wr16(p + 2, 1);
		wr32(p + 4, in->ssrc);
	}
	return (int)total;
}
