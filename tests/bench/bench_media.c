/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPU cost of the per-channel media DSP (media/dsp.c), 20 ms frames both ways, on generated audio:
 * G.711 passthrough with A-law <-> mu-law transcoding, + DTMF detection, + the 64 ms echo canceller.
 * Printed as CPU microseconds per channel-second and channels per core, next to spandsp called directly
 * (its G.711 transcoder and DTMF receiver) in the same run. Socket I/O is not in these figures. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/talloc.h>
#include <spandsp.h>

#include "media/dsp.h"

#define CH	64
#define SECONDS 10
#define FRAME	160

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint8_t tdm_in[CH][FRAME], rtp_in[CH][FRAME];

static void fill(void)
{
	awgn_state_t *n = awgn_init_dbm0(NULL, 7, -20.0f);
	for (unsigned c = 0; c < CH; c++)
		for (unsigned i = 0; i < FRAME; i++) {
			tdm_in[c][i] = linear_to_alaw(awgn(n));
			rtp_in[c][i] = linear_to_ulaw(awgn(n));
		}
	awgn_free(n);
}

/* one 20 ms frame of one channel through our DSP: TDM (A-law) -> RTP (mu-law) and back */
static void frame_ours(struct media_dsp *d)
{
	int16_t from_tdm[FRAME], to_tdm[FRAME];
	uint8_t out[FRAME];
	for (unsigned i = 0; i < FRAME; i++)
		to_tdm[i] = ulaw_to_linear(rtp_in[0][i]);
	media_dsp_to_tdm(d, to_tdm, FRAME);
	for (unsigned i = 0; i < FRAME; i++)
		out[i] = linear_to_alaw(to_tdm[i]);
	for (unsigned i = 0; i < FRAME; i++)
		from_tdm[i] = alaw_to_linear(tdm_in[0][i]);
	media_dsp_from_tdm(d, from_tdm, to_tdm, FRAME);
	for (unsigned i = 0; i < FRAME; i++)
		out[i] = linear_to_ulaw(from_tdm[i]);
	__asm__ volatile("" : : "r"(out) : "memory");
}

static double run_ours(void *ctx, const struct media_dsp_cfg *cfg, size_t *mem)
{
	struct media_dsp *d[CH];
	size_t before = talloc_total_size(ctx);
	for (unsigned c = 0; c < CH; c++)
		d[c] = media_dsp_alloc(ctx, cfg, NULL, NULL);
	*mem = (talloc_total_size(ctx) - before) / CH;
	double t0 = cpu_now();
	for (unsigned f = 0; f < SECONDS * 50; f++)
		for (unsigned c = 0; c < CH; c++)
			frame_ours(d[c]);
	double t = cpu_now() - t0;
	for (unsigned c = 0; c < CH; c++)
		media_dsp_free(d[c]);
	return t * 1e6 / (CH * SECONDS); /* µs per channel-second */
}

/* the reference: spandsp's own G.711 transcoder both ways, and its DTMF receiver when asked */
static double run_ref(bool dtmf)
{
	g711_state_t *a2u = g711_init(NULL, G711_ALAW), *u2a = g711_init(NULL, G711_ULAW);
	dtmf_rx_state_t *rx[CH];
	for (unsigned c = 0; c < CH; c++)
		rx[c] = dtmf ? dtmf_rx_init(NULL, NULL, NULL) : NULL;
	uint8_t out[FRAME];
	int16_t lin[FRAME];
	double t0 = cpu_now();
	for (unsigned f = 0; f < SECONDS * 50; f++)
		for (unsigned c = 0; c < CH; c++) {
			g711_transcode(a2u, out, tdm_in[c], FRAME);
			g711_transcode(u2a, out, rtp_in[c], FRAME);
			if (rx[c]) {
				g711_decode(a2u, lin, tdm_in[c], FRAME);
				dtmf_rx(rx[c], lin, FRAME);
			}
			__asm__ volatile("" : : "r"(out) : "memory");
		}
	double t = cpu_now() - t0;
	for (unsigned c = 0; c < CH; c++)
		if (rx[c])
			dtmf_rx_free(rx[c]);
	g711_free(a2u);
	g711_free(u2a);
	return t * 1e6 / (CH * SECONDS);
}

int main(void)
{
	void *ctx = talloc_named_const(NULL, 0, "bench_media");
	fill();
	struct {
		const char *name;
		struct media_dsp_cfg cfg;
		int ref; /* -1: none, 0: transcode, 1: transcode + DTMF */
	} rows[] = {
		{ "G.711 passthrough (A-law <-> mu-law)", { .plan = TONE_PLAN_ITU }, 0 },
		{ "+ DTMF detection", { .dtmf_detect = true, .plan = TONE_PLAN_ITU }, 1 },
		{ "+ DTMF + echo canceller 64 ms",
		  { .dtmf_detect = true, .ec_tail_ms = 64, .plan = TONE_PLAN_ITU },
		  -1 },
		{ "+ DTMF + echo canceller 128 ms",
		  { .dtmf_detect = true, .ec_tail_ms = 128, .plan = TONE_PLAN_ITU },
		  -1 },
	};
	printf("media DSP, %u channels x %u s of audio in 20 ms frames, both directions\n", CH, SECONDS);
	printf("(talloc B/ch: our per-channel state; spandsp's DTMF receiver, about 1 KB, is malloc'd apart)\n");
	printf("%-34s %12s %14s %10s %14s %8s\n", "", "us/ch-second", "channels/core", "talloc B/ch", "spandsp alone",
	       "ratio");
	for (unsigned r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		size_t mem;
		double us = run_ours(ctx, &rows[r].cfg, &mem);
		printf("%-34s %12.1f %14.0f %10zu", rows[r].name, us, 1e6 / us, mem);
		if (rows[r].ref >= 0) {
			double ref = run_ref(rows[r].ref);
			printf(" %11.1f us %8.2f\n", ref, us / ref);
		} else {
			printf(" %14s %8s\n", "-", "-");
		}
	}
	talloc_free(ctx);
	return 0;
}
