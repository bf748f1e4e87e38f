/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The media plane with its threads and sockets on 127.0.0.1: two CESoPSN spans wired back to back (the
 * far one holds a local test channel: a tone generator and analyser, in-band DTMF), an RTP channel on the
 * near one, and a plain UDP socket as the SIP side's RTP peer. Signal through both ways, DTMF both ways
 * (in-band <-> RFC 4733), RTP from a third party ignored and counted, the continuity check with and
 * without loopback, and a CESoPSN stream that stops taking its span down. */

#define _GNU_SOURCE /* mplane_priv.h: struct mmsghdr */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <spandsp.h>

#include "cunit_run.h"
#include "media/cesop.h"
#include "media/mplane.h"
#include "media/mplane_priv.h"
#include "media/rtp.h"

#define BASE 24400 /* span ports; RTP range above */

static void *ctx;
static struct media_plane *mp;
static int owner_x, owner_y, owner_x2, owner_y2;

static struct {
	char digits[16];
	unsigned n_digits;
	int cot_ok_x, cot_ok_x2;
	int span3_up, span3_down;
} got;

static void on_event(void *priv, const struct media_event *ev)
{
	(void)priv;
	switch (ev->type) {
	case MEDIA_EV_DTMF:
		if (got.n_digits < sizeof(got.digits) - 1)
			got.digits[got.n_digits++] = ev->digit;
		break;
	case MEDIA_EV_COT:
		if (ev->owner == &owner_x)
			got.cot_ok_x += ev->ok;
		if (ev->owner == &owner_x2)
			got.cot_ok_x2 += ev->ok;
		break;
	case MEDIA_EV_SPAN:
		if (ev->span == 3) {
			got.span3_up += ev->ok;
			got.span3_down += !ev->ok;
		}
		break;
	default:
		break;
	}
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static void run_ms(unsigned ms)
{
	double end = now_ms() + ms;
	while (now_ms() < end) {
		osmo_select_main(1);
		usleep(1000);
	}
}

static int udp_sock(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	return fd;
}

static void send_to(int fd, uint16_t port, const uint8_t *b, size_t n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	sendto(fd, b, n, 0, (struct sockaddr *)&a, sizeof(a));
}

/* what the peer heard: audio samples, packets, events */
struct heard {
	int16_t pcm[8000 * 4];
	unsigned n;
	unsigned packets, seq_breaks, ts_breaks, ssrcs;
	uint32_t ssrc;
	uint16_t last_seq;
	uint32_t last_ts;
	int event, event_end_dur, events_end;
};

static void drain(int fd, struct heard *h)
{
	uint8_t b[2048];
	ssize_t n;
	while ((n = recv(fd, b, sizeof(b), 0)) > 0) {
		struct rtp_hdr r;
		const uint8_t *pl;
		size_t pn;
		if (rtp_parse(b, (size_t)n, &r, &pl, &pn))
			continue;
		if (!h->packets || r.ssrc != h->ssrc)
			h->ssrcs++;
		else if (r.seq != (uint16_t)(h->last_seq + 1))
			h->seq_breaks++;
		h->ssrc = r.ssrc;
		h->last_seq = r.seq;
		h->packets++;
		if (r.pt == 101) {
			struct rtp_event e;
			if (!rtp_event_parse(pl, pn, &e)) {
				h->event = e.event;
				if (e.end) {
					h->events_end++;
					h->event_end_dur = e.duration;
				}
			}
			continue;
		}
		if (r.pt != 8)
			continue;
		if (h->packets > 1 && h->last_ts && r.ts != h->last_ts + 160)
			h->ts_breaks++;
		h->last_ts = r.ts;
		for (size_t i = 0; i < pn && h->n < sizeof(h->pcm) / 2; i++)
			h->pcm[h->n++] = alaw_to_linear(pl[i]);
	}
}

/* The strongest frequency between lo and hi (5 Hz steps, a DFT bin each): unlike counting zero crossings
 * it does not move when a loaded machine makes the span play a few milliseconds of idle code. */
static unsigned peak_freq(const int16_t *s, unsigned n, unsigned lo, unsigned hi)
{
	unsigned best = 0;
	double best_p = -1;
	for (unsigned f = lo; f <= hi; f += 5) {
		double re = 0, im = 0;
		for (unsigned i = 0; i < n; i++) {
			re += s[i] * cos(2 * M_PI * f * i / 8000.0);
			im += s[i] * sin(2 * M_PI * f * i / 8000.0);
		}
		if (re * re + im * im > best_p) {
			best_p = re * re + im * im;
			best = f;
		}
	}
	return best;
}

/* one 20 ms RTP packet of a sine from the peer */
static void send_tone(int fd, uint16_t port, uint32_t ssrc, uint16_t seq, uint32_t ts, double f, double *ph)
{
	uint8_t b[12 + 160];
	struct rtp_hdr h = { .pt = 8, .seq = seq, .ts = ts, .ssrc = ssrc };
	rtp_write_hdr(b, &h);
	for (int i = 0; i < 160; i++) {
		b[12 + i] = linear_to_alaw((int16_t)(8000 * sin(*ph)));
		*ph += 2 * M_PI * f / 8000;
	}
	send_to(fd, port, b, sizeof(b));
}

/* an E1 span over CESoPSN between two ports of 127.0.0.1 */
static struct media_span_cfg udp_span(unsigned id, uint16_t local_port, uint16_t remote_port)
{
	struct media_span_cfg sc = {
		.id = id, .driver = MEDIA_SPAN_UDP, .local_port = local_port, .remote_port = remote_port
	};
	tdm_span_init(&sc.layout, TDM_SPAN_E1);
	snprintf(sc.local_addr, sizeof(sc.local_addr), "127.0.0.1");
	snprintf(sc.remote_addr, sizeof(sc.remote_addr), "127.0.0.1");
	return sc;
}

static void test_plane(void)
{
	struct media_plane_cfg cfg;
	media_plane_cfg_default(&cfg);
	cfg.port_min = BASE + 100;
	cfg.port_max = BASE + 199;
	cfg.workers = 2;
	cfg.ec_default = false;
	cfg.span_jb_ms = 10; /* both spans' ends are in this process: a stalled machine delays both */
	mp = media_plane_create(ctx, &cfg, on_event, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL(media_plane_n_workers(mp), 2);
	struct media_span_cfg a = udp_span(1, BASE + 1, BASE + 2);
	struct media_span_cfg b = udp_span(2, BASE + 2, BASE + 1);
	CU_ASSERT_EQUAL(media_plane_span_add(mp, &a), 0);
	CU_ASSERT_EQUAL(media_plane_span_add(mp, &b), 0);
	CU_ASSERT_EQUAL(media_plane_span_add(mp, &b), -EEXIST);

	struct media_chan *x = media_chan_alloc(mp, 1, 5, &owner_x, false);
	struct media_chan *y = media_chan_alloc(mp, 2, 5, &owner_y, true);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	CU_ASSERT_PTR_NULL(media_chan_alloc(mp, 9, 5, NULL, false));  /* no such span */
	CU_ASSERT_PTR_NULL(media_chan_alloc(mp, 1, 32, NULL, false)); /* no such timeslot */
	uint16_t xport = media_chan_port(x);
	CU_ASSERT(xport >= BASE + 100 && xport % 2 == 0);

	int peer = udp_sock(BASE + 10), stranger = udp_sock(BASE + 11);
	CU_ASSERT_FATAL(peer >= 0 && stranger >= 0);
	struct media_remote r = { .port = BASE + 10, .pt = 8, .te_pt = 101, .ptime = 20, .dir = MEDIA_SENDRECV };
	snprintf(r.addr, sizeof(r.addr), "127.0.0.1");
	media_chan_remote(x, &r);
	run_ms(300);
	CU_ASSERT(media_plane_span_up(mp, 1) && media_plane_span_up(mp, 2));

	/* TDM -> RTP: 1000 Hz from the far span's timeslot arrives at the peer */
	static struct heard h;
	media_chan_gen(y, 1000, -10);
	run_ms(200);
	drain(peer, &h);
	memset(&h, 0, sizeof(h));
	for (int i = 0; i < 60; i++) {
		run_ms(10);
		drain(peer, &h);
	}
	unsigned f = peak_freq(h.pcm + h.n / 2, h.n / 2, 500, 1500);
	printf("\n    TDM->RTP: %u packets, %u samples, %u Hz, seq breaks %u, ts breaks %u\n", h.packets, h.n, f,
	       h.seq_breaks, h.ts_breaks);
	CU_ASSERT(h.packets >= 20);
	CU_ASSERT(f >= 980 && f <= 1020);
	CU_ASSERT_EQUAL(h.ssrcs, 1);
	CU_ASSERT_EQUAL(h.seq_breaks, 0);
	CU_ASSERT_EQUAL(h.ts_breaks, 0);

	/* RTP -> TDM: 1400 Hz from the peer is heard on the timeslot; a stranger spraying the port is not */
	media_chan_gen(y, 0, 0);
	double ph = 0, ph2 = 0;
	uint32_t ts = 1000;
	uint16_t seq = 100;
	double next = now_ms();
	for (int i = 0; i < 75; i++, seq++, ts += 160) {
		send_tone(peer, xport, 0x1234, seq, ts, 1400, &ph);
		send_tone(stranger, xport, 0x9999, (uint16_t)(seq + 7), ts, 600, &ph2);
		next += 20;
		while (now_ms() < next)
			run_ms(1);
		drain(peer, &h);
	}
	const struct media_stats *sy = media_chan_stats(y), *sx = media_chan_stats(x);
	printf("    RTP->TDM: %u Hz at %d dBm0; channel: rx %u, foreign %u, lost %d, jitter %u ms\n", sy->freq_hz,
	       sy->level_dbm0, sx->rx_packets, sx->foreign, sx->lost, sx->jitter_ms);
	CU_ASSERT(sy->freq_hz >= 1370 && sy->freq_hz <= 1430);
	CU_ASSERT(sx->foreign >= 20);
	CU_ASSERT(sx->rx_packets >= 40);
	CU_ASSERT(!sx->learned);

	/* DTMF from TDM (in-band on the far timeslot) -> RFC 4733 at the peer, removed from the audio */
	memset(&h, 0, sizeof(h));
	h.event = -1;
	media_chan_dial(y, "5");
	for (int i = 0; i < 50; i++) {
		run_ms(10);
		drain(peer, &h);
	}
	printf("    DTMF TDM->RTP: event %d, %d end packets, duration %d\n", h.event, h.events_end, h.event_end_dur);
	CU_ASSERT_EQUAL(h.event, 5);
	CU_ASSERT_EQUAL(h.events_end, 3);
	CU_ASSERT(h.event_end_dur >= 700 && h.event_end_dur <= 900);

	/* RFC 4733 from the peer -> the digit on the timeslot, detected there */
	got.n_digits = 0;
	uint32_t ets = ts;
	for (int i = 0; i <= 6; i++, seq++) {
		uint8_t p[16];
		struct rtp_hdr rh = { .pt = 101, .marker = i == 0, .seq = seq, .ts = ets, .ssrc = 0x1234 };
		rtp_write_hdr(p, &rh);
		struct rtp_event e = {
			.event = 7, .volume = 10, .end = i >= 4, .duration = (uint16_t)(i < 4 ? 160 * (i + 1) : 960)
		};
		rtp_event_write(p + 12, &e);
		send_to(peer, xport, p, 16);
		run_ms(20);
	}
	run_ms(300);
	printf("    DTMF RTP->TDM: heard \"%s\"\n", got.digits);
	CU_ASSERT_STRING_EQUAL(got.digits, "7");

	/* continuity: the tone comes back through a looped timeslot; not without the loop */
	struct media_chan *x2 = media_chan_alloc(mp, 1, 6, &owner_x2, false);
	struct media_chan *y2 = media_chan_alloc(mp, 2, 6, &owner_y2, true);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x2);
	media_chan_cot(y, MEDIA_COT_LOOP);
	media_chan_cot(x, MEDIA_COT_CHECK);
	media_chan_cot(x2, MEDIA_COT_CHECK);
	run_ms(500);
	printf("    COT: looped %d, not looped %d\n", got.cot_ok_x, got.cot_ok_x2);
	CU_ASSERT_EQUAL(got.cot_ok_x, 1);
	CU_ASSERT_EQUAL(got.cot_ok_x2, 0);
	media_chan_cot(x, MEDIA_COT_OFF);
	media_chan_cot(y, MEDIA_COT_OFF);

	/* a CESoPSN stream that stops: span 3 up while it flows, down 100 ms after it stops */
	struct media_span_cfg c3 = a;
	c3.id = 3;
	c3.local_port = BASE + 3;
	c3.remote_port = BASE + 12;
	CU_ASSERT_EQUAL(media_plane_span_add(mp, &c3), 0);
	/* a DAHDI span without a card (or a build without DAHDI) is refused, the plane unharmed */
	struct media_span_cfg d9 = { .id = 9, .driver = MEDIA_SPAN_DAHDI, .dahdi_base = 1 };
	tdm_span_init(&d9.layout, TDM_SPAN_E1);
	CU_ASSERT(media_plane_span_add(mp, &d9) < 0);
	CU_ASSERT(!media_plane_span_known(mp, 9));
	int feed = udp_sock(BASE + 12);
	uint8_t pk[4 + 8 * 31];
	memset(pk, 0xd5, sizeof(pk));
	for (int i = 0; i < 100; i++) {
		struct cesop_hdr ch = { .seq = (uint16_t)i };
		cesop_write_cw(pk, &ch, 8 * 31);
		send_to(feed, BASE + 3, pk, sizeof(pk));
		run_ms(2);
	}
	CU_ASSERT(media_plane_span_up(mp, 3));
	/* garbage on the span port is counted, not played */
	send_to(feed, BASE + 3, (const uint8_t *)"\xff\xff", 2);
	run_ms(400);
	printf("    span 3: up %d down %d\n", got.span3_up, got.span3_down);
	CU_ASSERT_EQUAL(got.span3_up, 1);
	CU_ASSERT_EQUAL(got.span3_down, 1);
	CU_ASSERT(!media_plane_span_up(mp, 3));

	CU_ASSERT_EQUAL(media_plane_n_chans(mp), 4);
	media_chan_free(x2);
	media_chan_free(y2);
	media_chan_free(x);
	/* y left open: destroying the plane closes it */
	run_ms(50);
	media_plane_destroy(mp);
	close(peer);
	close(stranger);
	close(feed);
}

/* A channel freed while packets for it are arriving: the worker's epoll batch can hold the command that
 * closes it and, after it, an event for its socket. Under AddressSanitizer a use of the freed channel is
 * an error (it was, once, under load in CI); the plane must go on working. */
static void test_free_while_busy(void)
{
	struct media_plane_cfg cfg;
	media_plane_cfg_default(&cfg);
	cfg.port_min = BASE + 200;
	cfg.port_max = BASE + 599;
	cfg.workers = 1;
	struct media_plane *p = media_plane_create(ctx, &cfg, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	struct media_span_cfg a = udp_span(1, BASE + 3, BASE + 4);
	CU_ASSERT_EQUAL_FATAL(media_plane_span_add(p, &a), 0);
	int peer = udp_sock(BASE + 12);
	CU_ASSERT_FATAL(peer >= 0);
	struct media_remote r = { .port = BASE + 12, .pt = 8, .te_pt = 101, .ptime = 20, .dir = MEDIA_SENDRECV };
	snprintf(r.addr, sizeof(r.addr), "127.0.0.1");
	double ph = 0;
	for (unsigned i = 0; i < 300; i++) {
		struct media_chan *c = media_chan_alloc(p, 1, 1 + i % 30, NULL, false);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		media_chan_remote(c, &r);
		uint16_t port = media_chan_port(c);
		for (unsigned k = 0; k < 20; k++) {
			send_tone(peer, port, 0x1234, (uint16_t)k, 160 * k, 1000, &ph);
			uint8_t rtcp[8] = { 0x80, 201, 0, 1, 0, 0, 0x12, 0x34 }; /* an empty RR */
			send_to(peer, (uint16_t)(port + 1), rtcp, sizeof(rtcp));
		}
		media_chan_free(c);
		/* a port is free again once the worker has closed it: 20 channels at a time in the 200 slots */
		if (i % 20 == 19)
			run_ms(20);
	}
	run_ms(50);
	CU_ASSERT_EQUAL(media_plane_n_chans(p), 0);
	media_plane_destroy(p);
	close(peer);
}

/* a worker's command ring never loses a command while it can grow: 10,000 pushed to a worker that runs
 * none come out in order from a ring grown to 16,384; at QCAP_MAX a push fails and is counted */
static void test_cmd_ring_grows(void)
{
	struct mworker w = { .q = calloc(QCAP, sizeof(struct cmd)), .q_cap = QCAP };
	CU_ASSERT_PTR_NOT_NULL_FATAL(w.q);
	struct cmd m = { 0 }, out;
	for (unsigned i = 0; i < 100; i++) /* the ring's head away from 0 before it grows */
		CU_ASSERT_EQUAL(mplane_cmdq_push(&w, &m), 0);
	for (unsigned i = 0; i < 100; i++)
		CU_ASSERT_TRUE(mplane_cmdq_pop(&w, &out));
	for (unsigned i = 0; i < 10000; i++) {
		m.u.i = (int)i;
		CU_ASSERT_EQUAL(mplane_cmdq_push(&w, &m), 0);
	}
	CU_ASSERT_EQUAL(w.q_cap, 4 * QCAP);
	for (unsigned i = 0; i < 10000; i++) {
		CU_ASSERT_TRUE_FATAL(mplane_cmdq_pop(&w, &out));
		CU_ASSERT_EQUAL(out.u.i, (int)i);
	}
	CU_ASSERT_FALSE(mplane_cmdq_pop(&w, &out));
	CU_ASSERT_EQUAL(w.q_lost, 0);
	free(w.q);
	w.q = NULL; /* a full ring at the limit: refused before anything is touched */
	w.q_cap = QCAP_MAX;
	w.q_n = QCAP_MAX;
	CU_ASSERT_EQUAL(mplane_cmdq_push(&w, &m), -ENOMEM);
	CU_ASSERT_EQUAL(w.q_lost, 1);
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "test");
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("media plane (threads, CESoPSN, RTP on 127.0.0.1)", NULL, NULL);
	CU_add_test(s, "TDM <-> RTP, DTMF both ways, source validation, COT, span down", test_plane);
	CU_add_test(s, "channels freed while their packets arrive", test_free_while_busy);
	CU_add_test(s, "the command ring grows, never loses a command", test_cmd_ring_grows);
	int rc = cunit_run();
	if (talloc_total_blocks(ctx) != 1) {
		talloc_report_full(ctx, stderr);
		rc = 1;
	}
	talloc_free(ctx);
	return rc;
}
