/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RTP/RTCP codecs and receiver statistics (RFC 3550), RFC 4733 events, the CESoPSN control word
 * (RFC 5086), and the adaptive jitter buffer. */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "cunit_run.h"
#include "media/cesop.h"
#include "media/dahdi_span.h"
#include "media/jbuf.h"
#include "media/rtp.h"

static void test_rtp_header(void)
{
	uint8_t b[64] = { 0 };
	struct rtp_hdr h = { .pt = 8, .marker = true, .seq = 0xfffe, .ts = 0x12345678, .ssrc = 0xdeadbeef }, g;
	rtp_write_hdr(b, &h);
	const uint8_t *pl;
	size_t n;
	CU_ASSERT_EQUAL(rtp_parse(b, 12 + 160, &g, &pl, &n), 0);
	CU_ASSERT_EQUAL(g.pt, 8);
	CU_ASSERT(g.marker);
	CU_ASSERT_EQUAL(g.seq, 0xfffe);
	CU_ASSERT_EQUAL(g.ts, 0x12345678);
	CU_ASSERT_EQUAL(g.ssrc, 0xdeadbeef);
	CU_ASSERT_EQUAL(n, 160);
	CU_ASSERT_PTR_EQUAL(pl, b + 12);
	/* CSRCs and an extension are skipped, padding removed */
	uint8_t c[64] = { 0 };
	memcpy(c, b, 12);
	c[0] = 0x80 | 0x20 | 0x10 | 2; /* P, X, CC=2 */
	c[12 + 8 + 2] = 0;
	c[12 + 8 + 3] = 1; /* extension: one word */
	c[40 - 1] = 4;	   /* 4 octets of padding at the end of 40 */
	CU_ASSERT_EQUAL(rtp_parse(c, 40, &g, &pl, &n), 0);
	CU_ASSERT_PTR_EQUAL(pl, c + 12 + 8 + 8);
	CU_ASSERT_EQUAL(n, 40 - 28 - 4);
	/* rejected: short, version 1, CSRCs past the end, extension past the end, padding too long, RTCP */
	CU_ASSERT_EQUAL(rtp_parse(b, 11, &g, &pl, &n), -EBADMSG);
	b[0] = 0x40;
	CU_ASSERT_EQUAL(rtp_parse(b, 20, &g, &pl, &n), -EBADMSG);
	b[0] = 0x8f;
	CU_ASSERT_EQUAL(rtp_parse(b, 20, &g, &pl, &n), -EBADMSG);
	c[12 + 8 + 3] = 200;
	CU_ASSERT_EQUAL(rtp_parse(c, 40, &g, &pl, &n), -EBADMSG);
	c[12 + 8 + 3] = 1;
	c[39] = 20;
	CU_ASSERT_EQUAL(rtp_parse(c, 40, &g, &pl, &n), -EBADMSG);
	c[39] = 0;
	CU_ASSERT_EQUAL(rtp_parse(c, 40, &g, &pl, &n), -EBADMSG);
	b[0] = 0x80;
	b[1] = 200; /* an SR on the RTP port */
	CU_ASSERT_EQUAL(rtp_parse(b, 28, &g, &pl, &n), -EBADMSG);
}

static void test_rtp_event(void)
{
	uint8_t p[4];
	struct rtp_event e = { .event = 11, .end = true, .volume = 10, .duration = 1280 }, g;
	rtp_event_write(p, &e);
	CU_ASSERT_EQUAL(p[0], 11);
	CU_ASSERT_EQUAL(p[1], 0x8a);
	CU_ASSERT_EQUAL(p[2], 0x05);
	CU_ASSERT_EQUAL(p[3], 0x00);
	CU_ASSERT_EQUAL(rtp_event_parse(p, 4, &g), 0);
	CU_ASSERT(g.end && g.event == 11 && g.volume == 10 && g.duration == 1280);
	CU_ASSERT_EQUAL(rtp_event_parse(p, 3, &g), -EBADMSG);
}

static void test_rtp_stats(void)
{
	struct rtp_rx_stats s = { 0 };
	/* 100 packets of 20 ms with 5 lost, across the sequence number wrap, arriving on time */
	uint16_t seq = 65500;
	uint32_t ts = 1000;
	for (int i = 0; i < 100; i++, seq++, ts += 160) {
		if (i % 20 == 7)
			continue;
		CU_ASSERT_EQUAL(rtp_stats_update(&s, seq, ts, ts + 5000), 0);
	}
	CU_ASSERT_EQUAL(rtp_stats_lost(&s), 5);
	CU_ASSERT_EQUAL(rtp_stats_ext_max(&s), 65536u + (uint16_t)(65500 + 99));
	CU_ASSERT_EQUAL(rtp_stats_jitter(&s), 0);
	CU_ASSERT_EQUAL(rtp_stats_fraction(&s), 5 * 256 / 100);
	CU_ASSERT_EQUAL(rtp_stats_fraction(&s), 0); /* nothing since */
	/* arrivals alternating +-40 samples: jitter converges on the mean deviation (80) */
	struct rtp_rx_stats j = { 0 };
	for (int i = 0; i < 2000; i++)
		rtp_stats_update(&j, (uint16_t)i, (uint32_t)i * 160, (uint32_t)i * 160 + (i & 1 ? 40 : -40) + 100000);
	CU_ASSERT(rtp_stats_jitter(&j) >= 75 && rtp_stats_jitter(&j) <= 80);
	/* a jump of 10000 is refused once, then taken as a restart when the next follows it */
	CU_ASSERT_EQUAL(rtp_stats_update(&j, 12000, 0, 0), -1);
	CU_ASSERT_EQUAL(rtp_stats_update(&j, 12001, 160, 160), 0);
	CU_ASSERT_EQUAL(rtp_stats_lost(&j), 0);
}

static void test_rtcp(void)
{
	struct rtcp_info in = { .has_sr = true,
				.ssrc = 0x11223344,
				.ntp = 0x0102030405060708ull,
				.rtp_ts = 99,
				.packets = 500,
				.octets = 80000,
				.n_rb = 1 };
	in.rb[0] = (struct rtcp_rb){ .ssrc = 0x55667788,
				     .fraction = 12,
				     .lost = -3,
				     .ext_max_seq = 70000,
				     .jitter = 33,
				     .lsr = 0xabcd,
				     .dlsr = 0x10000 };
	snprintf(in.cname, sizeof(in.cname), "gw@127.0.0.1");
	in.bye = true;
	uint8_t b[256];
	int n = rtcp_build(b, sizeof(b), &in);
	CU_ASSERT_EQUAL(n, 52 + 24 + 8);
	struct rtcp_info out;
	CU_ASSERT_EQUAL(rtcp_parse(b, (size_t)n, &out), 0);
	CU_ASSERT(out.has_sr && out.bye && out.ssrc == in.ssrc && out.ntp == in.ntp && out.rtp_ts == 99);
	CU_ASSERT(out.packets == 500 && out.octets == 80000 && out.n_rb == 1);
	CU_ASSERT(out.rb[0].ssrc == 0x55667788 && out.rb[0].fraction == 12 && out.rb[0].lost == -3);
	CU_ASSERT(out.rb[0].ext_max_seq == 70000 && out.rb[0].jitter == 33 && out.rb[0].lsr == 0xabcd);
	CU_ASSERT_STRING_EQUAL(out.cname, "gw@127.0.0.1");
	CU_ASSERT_EQUAL(rtcp_build(b, 40, &in), -ENOSPC);
	/* RFC 3550 A.2: lengths must add up; the first must be SR/RR; padding only at the end */
	CU_ASSERT_EQUAL(rtcp_parse(b, (size_t)n - 1, &out), -EBADMSG);
	CU_ASSERT_EQUAL(rtcp_parse(b, (size_t)n + 4, &out), -EBADMSG);
	uint8_t c[256];
	memcpy(c, b, (size_t)n);
	c[1] = 202;
	CU_ASSERT_EQUAL(rtcp_parse(c, (size_t)n, &out), -EBADMSG);
	memcpy(c, b, (size_t)n);
	c[0] |= 0x20;
	CU_ASSERT_EQUAL(rtcp_parse(c, (size_t)n, &out), -EBADMSG);
	memcpy(c, b, (size_t)n);
	c[0] = 0x80 | 5; /* five report blocks claimed in a packet holding one */
	CU_ASSERT_EQUAL(rtcp_parse(c, (size_t)n, &out), -EBADMSG);
}

static void test_cesop(void)
{
	uint8_t b[4 + 8 * 31];
	struct cesop_hdr h = { .r = true, .seq = 0x1234 }, g;
	cesop_write_cw(b, &h, 8 * 31);
	CU_ASSERT_EQUAL(b[0], 0x04);
	CU_ASSERT_EQUAL(b[1], 0); /* 252 octets: no length field */
	CU_ASSERT_EQUAL(b[2], 0x12);
	CU_ASSERT_EQUAL(b[3], 0x34);
	const uint8_t *pl;
	unsigned frames;
	CU_ASSERT_EQUAL(cesop_parse(b, sizeof(b), 31, &g, &pl, &frames), 0);
	CU_ASSERT(g.r && !g.l && g.seq == 0x1234 && frames == 8 && pl == b + 4);
	CU_ASSERT_EQUAL(cesop_parse(b, sizeof(b) - 1, 31, &g, &pl, &frames), -EBADMSG); /* not whole frames */
	b[1] = 0x40;
	CU_ASSERT_EQUAL(cesop_parse(b, sizeof(b), 31, &g, &pl, &frames), -EBADMSG); /* fragmented */
	b[1] = 0;
	b[0] = 0x10;
	CU_ASSERT_EQUAL(cesop_parse(b, sizeof(b), 31, &g, &pl, &frames), -EBADMSG); /* not a PW CW */
	/* a short packet carries its length; padding after it is ignored */
	uint8_t s[64] = { 0 };
	cesop_write_cw(s, &h, 2 * 24);
	CU_ASSERT_EQUAL(s[1], 52);
	CU_ASSERT_EQUAL(cesop_parse(s, 60, 24, &g, &pl, &frames), 0);
	CU_ASSERT_EQUAL(frames, 2);
	s[1] = 3;
	CU_ASSERT_EQUAL(cesop_parse(s, 60, 24, &g, &pl, &frames), -EBADMSG);
}

static void fill(int16_t *s, unsigned n, int16_t v)
{
	for (unsigned i = 0; i < n; i++)
		s[i] = v;
}

static void test_jbuf(void)
{
	struct jbuf j;
	int16_t in[160], out[80];
	jbuf_init(&j, 20, 200);
	CU_ASSERT(!jbuf_get(&j, out)); /* nothing yet */
	/* in order, 20 ms packets, values tell them apart: played out in order after the target delay */
	uint32_t ts = 1000;
	unsigned got = 0, order_ok = 1;
	int16_t expect = 1;
	for (int p = 0; p < 50; p++) {
		fill(in, 80, (int16_t)(2 * p + 1));
		fill(in + 80, 80, (int16_t)(2 * p + 2));
		jbuf_put(&j, ts, in, 160, 0);
		ts += 160;
		for (int k = 0; k < 2; k++)
			if (jbuf_get(&j, out)) {
				if (out[0] != expect)
					order_ok = 0;
				expect++;
				got++;
			}
	}
	CU_ASSERT(order_ok);
	CU_ASSERT(got >= 96);
	CU_ASSERT_EQUAL(j.late, 0);
	/* reordered pairs: still in order */
	jbuf_init(&j, 40, 200);
	ts = 5000;
	expect = 1;
	order_ok = 1;
	got = 0;
	for (int p = 0; p < 50; p += 2) {
		fill(in, 160, 0);
		fill(in, 80, (int16_t)(2 * (p + 1) + 1));
		fill(in + 80, 80, (int16_t)(2 * (p + 1) + 2));
		jbuf_put(&j, ts + 160, in, 160, 0);
		fill(in, 80, (int16_t)(2 * p + 1));
		fill(in + 80, 80, (int16_t)(2 * p + 2));
		jbuf_put(&j, ts, in, 160, 0);
		ts += 320;
		for (int k = 0; k < 4; k++)
			if (jbuf_get(&j, out)) {
				if (out[0] != expect)
					order_ok = 0;
				expect++;
				got++;
			}
	}
	CU_ASSERT(order_ok);
	CU_ASSERT(got >= 90);
	/* high jitter grows the target; a late packet counts and stalls one slot */
	unsigned t0 = j.target;
	jbuf_put(&j, ts, in, 160, 400);
	CU_ASSERT(j.target > t0 && j.target <= 200 * 8);
	uint32_t late = j.late;
	jbuf_put(&j, j.play_ts - 160, in, 160, 0);
	CU_ASSERT(j.late > late);
	/* a jump of seconds resynchronises */
	uint32_t rs = j.resyncs;
	jbuf_put(&j, ts + 80000, in, 160, 0);
	CU_ASSERT_EQUAL(j.resyncs, rs + 1);
}

/* The DAHDI driver's timeslot buffering, on socket pairs standing in for /dev/dahdi/channel */
static void test_dahdi_ts(void)
{
	struct tdm_span layout;
	tdm_span_init(&layout, TDM_SPAN_E1);
	struct dahdi_span ds;
	dahdi_span_init(&ds, &layout);
	CU_ASSERT_EQUAL(ds.n_ts, 31);
	CU_ASSERT_EQUAL(ds.idle, 0xd5);
	int sv[2];
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) == 0);
	dahdi_ts_attach(&ds, 1, sv[0]);
	struct dahdi_ts *t = &ds.ts[1];
	uint8_t in[DAHDI_TS_BLOCK], out[8];

	/* nothing yet: idle code, not an underrun */
	CU_ASSERT(!dahdi_ts_take(&ds, t, out, 8));
	CU_ASSERT_EQUAL(out[0], 0xd5);
	CU_ASSERT_EQUAL(t->underruns, 0);
	CU_ASSERT_EQUAL(dahdi_ts_rx(&ds, t), DAHDI_RX_OK);

	/* one card block: 20 ms of 8 octets, in order, then an underrun */
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	CU_ASSERT_EQUAL(write(sv[1], in, sizeof(in)), (ssize_t)sizeof(in));
	CU_ASSERT_EQUAL(dahdi_ts_rx(&ds, t), DAHDI_RX_OK);
	CU_ASSERT_EQUAL(t->rx_n, DAHDI_TS_BLOCK);
	bool in_order = true;
	for (unsigned k = 0; k < DAHDI_TS_BLOCK / 8; k++) {
		CU_ASSERT(dahdi_ts_take(&ds, t, out, 8));
		for (unsigned i = 0; i < 8; i++)
			in_order &= out[i] == (uint8_t)(k * 8 + i);
	}
	CU_ASSERT(in_order);
	CU_ASSERT(!dahdi_ts_take(&ds, t, out, 8));
	CU_ASSERT_EQUAL(t->underruns, 1);
	/* half a block does not restart the playout: a whole one does */
	CU_ASSERT_EQUAL(write(sv[1], in, 80), 80);
	dahdi_ts_rx(&ds, t);
	CU_ASSERT(!dahdi_ts_take(&ds, t, out, 8));
	CU_ASSERT_EQUAL(t->underruns, 1);
	CU_ASSERT_EQUAL(write(sv[1], in, 80), 80);
	dahdi_ts_rx(&ds, t);
	CU_ASSERT(dahdi_ts_take(&ds, t, out, 8));

	/* the card runs ahead: the ring keeps the newest 80 ms and counts the slip */
	for (unsigned b = 0; b < 6; b++)
		CU_ASSERT_EQUAL(write(sv[1], in, sizeof(in)), (ssize_t)sizeof(in));
	CU_ASSERT_EQUAL(dahdi_ts_rx(&ds, t), DAHDI_RX_OK);
	CU_ASSERT_EQUAL(t->rx_n, DAHDI_RX_RING);
	CU_ASSERT(t->slips >= 1);

	/* toward the card: a block once 20 ms are given */
	uint8_t blk[DAHDI_TS_BLOCK * 2];
	for (unsigned k = 0; k < DAHDI_TS_BLOCK / 8 - 1; k++) {
		for (unsigned i = 0; i < 8; i++)
			out[i] = (uint8_t)(k * 8 + i + 1);
		dahdi_ts_give(t, out, 8);
	}
	CU_ASSERT_EQUAL(read(sv[1], blk, sizeof(blk)), -1);
	dahdi_ts_give(t, out, 8);
	CU_ASSERT_EQUAL(read(sv[1], blk, sizeof(blk)), DAHDI_TS_BLOCK);
	CU_ASSERT_EQUAL(blk[0], 1);
	CU_ASSERT_EQUAL(blk[151], 152);
	CU_ASSERT_EQUAL(t->tx_blocks, 1);

	/* the far end goes away: the timeslot reports failure (the media plane takes the span down) */
	close(sv[1]);
	CU_ASSERT_EQUAL(dahdi_ts_rx(&ds, t), DAHDI_RX_FAILED);
	dahdi_span_close(&ds);
	CU_ASSERT_EQUAL(t->fd, -1);

	/* without a card (or without DAHDI built in) opening a span fails cleanly */
	CU_ASSERT(dahdi_span_open(&ds, &layout, 1) < 0);
	for (unsigned ts = 1; ts <= 31; ts++)
		CU_ASSERT_EQUAL(ds.ts[ts].fd, -1);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("RTP, RTCP, CESoPSN, jitter buffer", NULL, NULL);
	CU_add_test(s, "RTP header (RFC 3550 5.1) and its rejections", test_rtp_header);
	CU_add_test(s, "RFC 4733 event payload", test_rtp_event);
	CU_add_test(s, "receiver statistics: loss, wrap, jitter, restart (RFC 3550 A.1/A.3/A.8)", test_rtp_stats);
	CU_add_test(s, "RTCP SR + SDES + BYE, A.2 validity", test_rtcp);
	CU_add_test(s, "CESoPSN control word (RFC 5086 5.2)", test_cesop);
	CU_add_test(s, "adaptive jitter buffer", test_jbuf);
	CU_add_test(s, "DAHDI timeslot blocks, underrun, slip, failure", test_dahdi_ts);
	return cunit_run();
}
