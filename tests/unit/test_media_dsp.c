/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The channel DSP (media/dsp.c) against generated signals: DTMF detection at the Q.24 limits (frequency
 * deviation, level, twist, duration), DTMF generation and its duration, the tone plans' frequencies and
 * cadences, the echo canceller's ERLE on a synthetic echo path and its step aside on a 2100 Hz answer
 * tone with phase reversals, and the continuity check with and without loopback. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <osmocom/core/talloc.h>
#include <spandsp.h>

#include "cunit_run.h"
#include "media/dsp.h"
#include "media/tones.h"

#define RATE 8000
static void *ctx;

/* dBm0 -> peak amplitude of a sine (G.711: a 0 dBm0 sine peaks 3.14 dB below overload) */
static double dbm0_amp(double dbm0)
{
	return 32768.0 * pow(10.0, (dbm0 - 3.14) / 20.0);
}

static void add_sine(int16_t *buf, unsigned n, double f, double dbm0, double *phase)
{
	double a = dbm0_amp(dbm0);
	for (unsigned i = 0; i < n; i++) {
		double v = buf[i] + a * sin(*phase);
		*phase += 2 * M_PI * f / RATE;
		buf[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
	}
}

/* ---- DTMF detection ---- */

struct got {
	char digits[32];
	unsigned n;
	uint32_t dur[32];
};

static void on_dtmf(void *priv, char digit, bool end, uint32_t ts, uint32_t duration)
{
	struct got *g = priv;
	if (!end || g->n >= sizeof(g->digits) - 1)
		return;
	g->dur[g->n] = duration;
	g->digits[g->n++] = digit;
	g->digits[g->n] = 0;
}

/* one digit of f1/f2 (Hz, scaled by dev), levels l1/l2 dBm0, on_ms of tone then 200 ms of silence,
 * through a fresh detector; what it reports */
static struct got detect(double f1, double f2, double dev, double l1, double l2, unsigned on_ms)
{
	struct got g = { 0 };
	struct media_dsp_cfg cfg = { .dtmf_detect = true, .plan = TONE_PLAN_ITU };
	struct media_dsp *d = media_dsp_alloc(ctx, &cfg, on_dtmf, &g);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	unsigned n = (on_ms + 300) * 8;
	int16_t *buf = calloc(n, sizeof(*buf));
	double p1 = 0, p2 = 0;
	add_sine(buf + 400, on_ms * 8, f1 * dev, l1, &p1);
	add_sine(buf + 400, on_ms * 8, f2 * dev, l2, &p2);
	for (unsigned i = 0; i < n; i += 160)
		media_dsp_from_tdm(d, buf + i, NULL, n - i < 160 ? n - i : 160);
	free(buf);
	media_dsp_free(d);
	return g;
}

static void test_dtmf_limits(void)
{
	static const double lo[] = { 697, 770, 852, 941 }, hi[] = { 1209, 1336, 1477, 1633 };
	static const char keys[4][5] = { "123A", "456B", "789C", "*0#D" };
	for (unsigned r = 0; r < 4; r++)
		for (unsigned c = 0; c < 4; c++) {
			struct got g = detect(lo[r], hi[c], 1.0, -10, -10, 80);
			CU_ASSERT_EQUAL(g.n, 1);
			CU_ASSERT_EQUAL(g.digits[0], keys[r][c]);
			/* Q.24 / Q.23: +-1.5 % deviation must be accepted, +-3.5 % rejected. spandsp 0.0.6 meets
			 * +-1.5 % on the 12 keys of a telephone; the A-D column (1633 Hz) it takes to +-1.4 % */
			double ok = c == 3 ? 0.014 : 0.015;
			const double devs[] = { 1 + ok, 1 - ok, 1.035, 0.965 };
			for (unsigned i = 0; i < 4; i++) {
				unsigned want = i < 2 ? 1 : 0, n = detect(lo[r], hi[c], devs[i], -10, -10, 80).n;
				if (n != want)
					printf("\n    '%c' at %+.1f %%: %u digits ", keys[r][c], (devs[i] - 1) * 100,
					       n);
				CU_ASSERT_EQUAL(n, want);
			}
		}
	/* level: down to -26 dBm0 per frequency is a digit; -36 dBm0 is not */
	CU_ASSERT_EQUAL(detect(770, 1336, 1.0, -26, -26, 80).n, 1);
	CU_ASSERT_EQUAL(detect(770, 1336, 1.0, -36, -36, 80).n, 0);
	/* twist: the high group 4 dB above the low one, or 8 dB below it, is still a digit */
	CU_ASSERT_EQUAL(detect(770, 1336, 1.0, -14, -10, 80).n, 1);
	CU_ASSERT_EQUAL(detect(770, 1336, 1.0, -8, -16, 80).n, 1);
	/* duration: 40 ms is a digit, 20 ms is not */
	CU_ASSERT_EQUAL(detect(852, 1477, 1.0, -10, -10, 40).n, 1);
	CU_ASSERT_EQUAL(detect(852, 1477, 1.0, -10, -10, 20).n, 0);
	/* the reported duration follows the tone's (RFC 4733 event duration) */
	struct got g = detect(852, 1477, 1.0, -10, -10, 200);
	CU_ASSERT_EQUAL(g.n, 1);
	printf("\n    200 ms digit reported as %u ms ", g.dur[0] / 8);
	CU_ASSERT(g.dur[0] >= 180 * 8 && g.dur[0] <= 220 * 8);
	/* a single frequency is no digit */
	CU_ASSERT_EQUAL(detect(770, 770, 1.0, -10, -60, 100).n, 0);
}

/* the digit is removed from the audio that goes on (RFC 4733 events carry it) */
static void test_dtmf_muted(void)
{
	struct got g = { 0 };
	struct media_dsp_cfg cfg = { .dtmf_detect = true, .plan = TONE_PLAN_ITU };
	struct media_dsp *d = media_dsp_alloc(ctx, &cfg, on_dtmf, &g);
	int16_t buf[8 * 300] = { 0 };
	double p1 = 0, p2 = 0;
	add_sine(buf, 8 * 200, 941, -10, &p1);
	add_sine(buf, 8 * 200, 1336, -10, &p2);
	double e_in = 0, e_out = 0;
	for (unsigned i = 0; i < 8 * 200; i++)
		e_in += (double)buf[i] * buf[i];
	for (unsigned i = 0; i < 8 * 300; i += 160)
		media_dsp_from_tdm(d, buf + i, NULL, 160);
	for (unsigned i = 0; i < 8 * 200; i++)
		e_out += (double)buf[i] * buf[i];
	printf("\n    digit energy left in the audio: %.1f dB ", 10 * log10(e_out / e_in + 1e-12));
	CU_ASSERT(e_out < e_in * 0.3); /* the first detection interval leaks, the rest is gone */
	CU_ASSERT_STRING_EQUAL(g.digits, "0");
	media_dsp_free(d);
}

/* ---- DTMF generation (RFC 4733 events from SIP) ---- */

static void test_dtmf_generate(void)
{
	struct media_dsp_cfg cfg = { .plan = TONE_PLAN_ITU };
	struct media_dsp *gen = media_dsp_alloc(ctx, &cfg, NULL, NULL);
	CU_ASSERT_EQUAL(media_dsp_dtmf_play(gen, 'x', 100), -EINVAL);
	CU_ASSERT_EQUAL(media_dsp_dtmf_play(gen, '7', 5), -EINVAL);
	CU_ASSERT_EQUAL(media_dsp_dtmf_play(gen, '7', 120), 0);
	int16_t out[8 * 300] = { 0 };
	for (unsigned i = 0; i < 8 * 300; i += 160)
		media_dsp_to_tdm(gen, out + i, 160);
	unsigned first = 0, last = 0;
	for (unsigned i = 0; i < 8 * 300; i++)
		if (out[i]) {
			if (!first)
				first = i + 1;
			last = i + 1;
		}
	printf("\n    120 ms digit played from sample %u to %u ", first, last);
	CU_ASSERT(first <= 8 && last >= 8 * 115 && last <= 8 * 120);
	/* and a detector hears the digit, for about as long */
	struct got g = { 0 };
	struct media_dsp_cfg rcfg = { .dtmf_detect = true, .plan = TONE_PLAN_ITU };
	struct media_dsp *det = media_dsp_alloc(ctx, &rcfg, on_dtmf, &g);
	for (unsigned i = 0; i < 8 * 300; i += 160)
		media_dsp_from_tdm(det, out + i, NULL, 160);
	CU_ASSERT_STRING_EQUAL(g.digits, "7");
	CU_ASSERT(g.n == 1 && g.dur[0] >= 90 * 8 && g.dur[0] <= 140 * 8);
	media_dsp_free(det);
	media_dsp_free(gen);
	CU_ASSERT_EQUAL(media_dtmf_to_event('#'), 11);
	CU_ASSERT_EQUAL(media_dtmf_to_event('d'), 15);
	CU_ASSERT_EQUAL(media_event_to_dtmf(10), '*');
	CU_ASSERT_EQUAL(media_event_to_dtmf(16), 0);
}

/* ---- tones ---- */

/* power of frequency f in a block, relative to the block's power */
static double share(const int16_t *x, unsigned n, double f)
{
	double re = 0, im = 0, tot = 0;
	for (unsigned i = 0; i < n; i++) {
		re += x[i] * cos(2 * M_PI * f * i / RATE);
		im += x[i] * sin(2 * M_PI * f * i / RATE);
		tot += (double)x[i] * x[i];
	}
	return tot > 0 ? (re * re + im * im) * 2 / n / tot : 0;
}

static void test_tone_plans(void)
{
	for (int p = 0; p < TONE_PLAN__COUNT; p++) {
		CU_ASSERT_EQUAL(tone_plan_from_name(tone_plan_name(p)), p);
		for (int t = TONE_DIAL; t < TONE__COUNT; t++) {
			const struct tone_def *def = tone_get(p, t);
			CU_ASSERT_PTR_NOT_NULL_FATAL(def);
			struct tone_player pl;
			tone_player_start(&pl, def);
			/* render two rounds of the cadence (or 1 s of a steady tone) and check every segment in its
			 * middle: the frequencies hold the power, silence is silent */
			unsigned total = 0;
			for (unsigned s = 0; s < def->n_seg; s++)
				total += def->seg[s].ms ? def->seg[s].ms * 8 : 8000;
			int16_t *buf = calloc(2 * total, sizeof(*buf));
			tone_player_gen(&pl, buf, 2 * total);
			unsigned at = 0;
			for (unsigned s = 0; s < def->n_seg; s++) {
				const struct tone_seg *sg = &def->seg[s];
				unsigned len = sg->ms ? sg->ms * 8 : 8000;
				unsigned w = len / 2 < 800 ? len / 2 : 800; /* fine enough to part 480 and 620 Hz */
				const int16_t *mid = buf + total + at + len / 2 - w / 2;
				if (!sg->f1) {
					for (unsigned i = 0; i < w; i++)
						CU_ASSERT_EQUAL(mid[i], 0);
				} else {
					double sh = share(mid, w, sg->f1) + (sg->f2 ? share(mid, w, sg->f2) : 0);
					if (sh < 0.8)
						printf("\n    %s %s segment %u: %.2f of the power at its frequencies ",
						       tone_plan_name(p), tone_name(t), s, sh);
					CU_ASSERT(sh > 0.8);
				}
				at += len;
			}
			free(buf);
		}
	}
	CU_ASSERT_PTR_NULL(tone_get(TONE_PLAN_ITU, TONE_NONE));
	CU_ASSERT_EQUAL(tone_plan_from_name("mars"), -1);
	/* a cadence's on/off times, sample exact: North American busy is 0.5 s on, 0.5 s off */
	struct tone_player pl;
	tone_player_start(&pl, tone_get(TONE_PLAN_NA, TONE_BUSY));
	int16_t b[16000];
	tone_player_gen(&pl, b, 16000);
	unsigned on = 0;
	for (unsigned i = 0; i < 16000; i++)
		on += b[i] != 0;
	CU_ASSERT(on > 7900 && on <= 8000);
	for (unsigned i = 4100; i < 7900; i++)
		CU_ASSERT_EQUAL_FATAL(b[i], 0);
}

/* ---- echo canceller ---- */

/* ERLE of the linear canceller (the NLP off, as G.168 measures it) */
static double erle_run(bool ec_on, unsigned tail_ms, unsigned delay, bool double_talk)
{
	struct media_dsp_cfg cfg = { .ec_tail_ms = tail_ms, .plan = TONE_PLAN_ITU };
	struct media_dsp *d = media_dsp_alloc(ctx, &cfg, NULL, NULL);
	media_dsp_ec_enable(d, ec_on);
	media_dsp_ec_nlp(d, false);
	awgn_state_t *noise = awgn_init_dbm0(NULL, 1234, -15.0f);
	awgn_state_t *talk = awgn_init_dbm0(NULL, 4321, -15.0f);
	enum {
		N = 8000 * 7,
		H = 4
	};
	static const double h[H] = { 0.25, -0.15, 0.08, -0.03 }; /* a short hybrid response, about -11 dB */
	static int16_t far[N];
	for (unsigned i = 0; i < N; i++)
		far[i] = awgn(noise);
	double e_in = 0, e_out = 0;
	int16_t blk[160];
	for (unsigned i = 0; i < N; i += 160) {
		for (unsigned k = 0; k < 160; k++) {
			double v = 0;
			for (unsigned j = 0; j < H; j++) {
				long idx = (long)(i + k) - (long)delay - (long)j;
				v += idx >= 0 ? h[j] * far[idx] : 0;
			}
			/* double talk: the near end talks as loud as the far end from 4 s to 5 s */
			if (double_talk && i >= 8000 * 4 && i < 8000 * 5)
				v += awgn(talk);
			blk[k] = (int16_t)v;
		}
		bool measure = i >= 8000 * 5; /* after 4 s of convergence (and the double talk) */
		for (unsigned k = 0; measure && k < 160; k++)
			e_in += (double)blk[k] * blk[k];
		media_dsp_from_tdm(d, blk, far + i, 160);
		for (unsigned k = 0; measure && k < 160; k++)
			e_out += (double)blk[k] * blk[k];
	}
	awgn_free(noise);
	awgn_free(talk);
	media_dsp_free(d);
	return 10 * log10(e_in / (e_out + 1));
}

static void test_echo_canceller(void)
{
	double on = erle_run(true, 64, 8 * 20, false); /* 20 ms bulk delay in a 64 ms tail */
	double off = erle_run(false, 64, 8 * 20, false);
	printf("\n    ERLE %.1f dB with the canceller (64 ms tail, 20 ms delay), %.1f dB without ", on, off);
	CU_ASSERT(on >= 20.0);
	CU_ASSERT(off < 1.0);
	double tail128 = erle_run(true, 128, 8 * 90, false); /* 90 ms delay needs the 128 ms tail */
	printf("; %.1f dB (128 ms tail, 90 ms delay) ", tail128);
	CU_ASSERT(tail128 >= 20.0);
	/* a second of double talk must not throw the converged filter away */
	double dt = erle_run(true, 64, 8 * 20, true);
	printf("; %.1f dB after 1 s of double talk ", dt);
	CU_ASSERT(dt >= 20.0);
}

/* G.168 / V.25: 2100 Hz with phase reversals every 450 ms turns the canceller off */
static void test_answer_tone(void)
{
	struct media_dsp_cfg cfg = { .ec_tail_ms = 64, .plan = TONE_PLAN_ITU };
	struct media_dsp *d = media_dsp_alloc(ctx, &cfg, NULL, NULL);
	CU_ASSERT(media_dsp_ec_active(d));
	modem_connect_tones_tx_state_t *tx = modem_connect_tones_tx_init(NULL, MODEM_CONNECT_TONES_ANS_PR);
	int16_t blk[160];
	for (unsigned i = 0; i < 8000 * 3 / 160; i++) {
		modem_connect_tones_tx(tx, blk, 160);
		media_dsp_from_tdm(d, blk, NULL, 160);
	}
	modem_connect_tones_tx_free(tx);
	CU_ASSERT(media_dsp_answer_tone_seen(d));
	CU_ASSERT(!media_dsp_ec_active(d));
	media_dsp_ec_enable(d, true);
	CU_ASSERT(media_dsp_ec_active(d));
	media_dsp_free(d);
	/* a plain 2100 Hz tone without reversals (fax CED) leaves it on */
	d = media_dsp_alloc(ctx, &cfg, NULL, NULL);
	double ph = 0;
	for (unsigned i = 0; i < 8000 * 3 / 160; i++) {
		memset(blk, 0, sizeof(blk));
		add_sine(blk, 160, 2100, -12, &ph);
		media_dsp_from_tdm(d, blk, NULL, 160);
	}
	CU_ASSERT(media_dsp_ec_active(d));
	media_dsp_free(d);
}

/* ---- continuity check (Q.724) ---- */

static void test_cot(void)
{
	struct media_dsp_cfg cfg = { .plan = TONE_PLAN_UK };
	struct media_dsp *a = media_dsp_alloc(ctx, &cfg, NULL, NULL);
	struct media_dsp *b = media_dsp_alloc(ctx, &cfg, NULL, NULL);
	media_dsp_tone(a, TONE_COT);
	CU_ASSERT_EQUAL(media_dsp_tone_playing(a), TONE_COT);
	media_dsp_cot_arm(a, true);
	media_dsp_cot_arm(b, true);
	int16_t blk[80];
	unsigned at = 0;
	/* looped back: the far end returns what we send, 6 dB down */
	for (unsigned i = 0; i < 20 && !media_dsp_cot_detected(a); i++) {
		media_dsp_to_tdm(a, blk, 80);
		for (unsigned k = 0; k < 80; k++)
			blk[k] /= 2;
		media_dsp_from_tdm(a, blk, NULL, 80);
		at = i + 1;
	}
	CU_ASSERT(media_dsp_cot_detected(a));
	printf("\n    continuity tone detected after %u ms ", at * 10);
	CU_ASSERT(at <= 8);
	/* no loop: silence, noise, or another tone never pass */
	awgn_state_t *noise = awgn_init_dbm0(NULL, 99, -10.0f);
	double ph = 0;
	for (unsigned i = 0; i < 300; i++) {
		for (unsigned k = 0; k < 80; k++)
			blk[k] = i < 100 ? 0 : i < 200 ? awgn(noise) : 0;
		if (i >= 200)
			add_sine(blk, 80, 1800, -10, &ph);
		media_dsp_from_tdm(b, blk, NULL, 80);
	}
	awgn_free(noise);
	CU_ASSERT(!media_dsp_cot_detected(b));
	/* a tone 2.5 % off 2010 Hz... still inside the detector's band; 1900 Hz is not */
	ph = 0;
	for (unsigned i = 0; i < 30; i++) {
		memset(blk, 0, sizeof(blk));
		add_sine(blk, 80, 1900, -12, &ph);
		media_dsp_from_tdm(b, blk, NULL, 80);
	}
	CU_ASSERT(!media_dsp_cot_detected(b));
	media_dsp_cot_arm(a, false);
	CU_ASSERT(!media_dsp_cot_detected(a));
	/* not armed: a tone is not listened for */
	for (unsigned i = 0; i < 20; i++) {
		media_dsp_to_tdm(a, blk, 80);
		media_dsp_from_tdm(a, blk, NULL, 80);
	}
	CU_ASSERT(!media_dsp_cot_detected(a));
	media_dsp_tone(a, TONE_NONE);
	CU_ASSERT_EQUAL(media_dsp_tone_playing(a), TONE_NONE);
	media_dsp_free(a);
	media_dsp_free(b);
}

/* ---- packet loss concealment ---- */

static void test_plc(void)
{
	struct media_dsp_cfg cfg = { .plan = TONE_PLAN_ITU };
	struct media_dsp *d = media_dsp_alloc(ctx, &cfg, NULL, NULL);
	int16_t blk[160];
	double ph = 0;
	for (unsigned i = 0; i < 10; i++) {
		memset(blk, 0, sizeof(blk));
		add_sine(blk, 160, 500, -12, &ph);
		media_dsp_plc_good(d, blk, 160);
	}
	/* a lost packet: the concealment continues the voice instead of a hole */
	memset(blk, 0, sizeof(blk));
	media_dsp_plc_fill(d, blk, 160);
	CU_ASSERT(share(blk, 160, 500) > 0.5);
	media_dsp_free(d);

	/* the media plane's 10 ms blocks: gaps starting at every position of spandsp's history ring (the
	 * sanitizer build checks that no overlapping copy is made), recovery after each, several gaps */
	d = media_dsp_alloc(ctx, &cfg, NULL, NULL);
	ph = 0;
	for (unsigned good = 1; good <= 8; good++) {
		for (unsigned i = 0; i < good + 4; i++) {
			memset(blk, 0, sizeof(blk));
			add_sine(blk, 80, 500, -12, &ph);
			media_dsp_plc_good(d, blk, 80);
		}
		for (unsigned i = 0; i < good % 3 + 1; i++) {
			memset(blk, 0, sizeof(blk));
			media_dsp_plc_fill(d, blk, 80);
			if (i == 0)
				CU_ASSERT(share(blk, 80, 500) > 0.5);
			ph += 2 * M_PI * 500 * 80 / 8000.0;
		}
	}
	media_dsp_free(d);
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "test_media_dsp");
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite("media DSP (spandsp)", NULL, NULL);
	CU_add_test(s, "DTMF detection at the Q.24 limits", test_dtmf_limits);
	CU_add_test(s, "DTMF removed from the audio", test_dtmf_muted);
	CU_add_test(s, "DTMF generation and duration", test_dtmf_generate);
	CU_add_test(s, "tone plans: frequencies and cadences", test_tone_plans);
	CU_add_test(s, "echo canceller ERLE (G.168)", test_echo_canceller);
	CU_add_test(s, "2100 Hz answer tone with phase reversals", test_answer_tone);
	CU_add_test(s, "continuity check (Q.724)", test_cot);
	CU_add_test(s, "packet loss concealment", test_plc);
	int rc = cunit_run();
	talloc_free(ctx);
	return rc;
}
