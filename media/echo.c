/* SPDX-License-Identifier: GPL-2.0-or-later */
/* G.168-style line echo canceller: NLMS, Geigel double-talk detection, NLP with comfort noise. */

/* The two loops over the taps are most of a call's media CPU: let GCC vectorize them (the dot product
 * needs reassociation to become SIMD; the order of a float sum does not matter here). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3", "associative-math", "no-signed-zeros", "no-trapping-math")
#endif

#include <math.h>
#include <string.h>

#include <osmocom/core/talloc.h>

#include "echo.h"

#define MU	0.4f  /* NLMS step */
#define BLK	32    /* block of the far-end peak tracker */
#define DT_HANG 240   /* 30 ms of hangover after double talk */
#define GEIGEL	0.5f  /* near above half the far peak: the near end talks (6 dB hybrid loss assumed) */
#define FAR_MIN 30.0f /* about -60 dBm0: below, the far end is silent, nothing to learn */

struct echo_can {
	unsigned n; /* taps */
	float *h;   /* the echo path estimate */
	float *x;   /* far-end history, twice over: x[p .. p+n) is newest .. oldest */
	unsigned p;
	double px;   /* energy of the window */
	float *bmax; /* peak |far| of each block of the window */
	unsigned nb, bpos, bfill;
	float far_peak;
	unsigned dt_hang;
	bool nlp;
	float res_pow, far_pow, near_pow; /* smoothed powers for the NLP */
	uint32_t rng;
};

struct echo_can *echo_can_alloc(void *ctx, unsigned tail_ms)
{
	if (tail_ms < 8)
		tail_ms = 8;
	if (tail_ms > 128)
		tail_ms = 128;
	struct echo_can *ec = talloc_zero(ctx, struct echo_can);
	if (!ec)
		return NULL;
	ec->n = tail_ms * 8;
	ec->nb = ec->n / BLK;
	ec->h = talloc_zero_array(ec, float, ec->n);
	ec->x = talloc_zero_array(ec, float, 2 * ec->n);
	ec->bmax = talloc_zero_array(ec, float, ec->nb);
	if (!ec->h || !ec->x || !ec->bmax) {
		talloc_free(ec);
		return NULL;
	}
	ec->nlp = true;
	ec->rng = 0x12345678;
	return ec;
}

void echo_can_reset(struct echo_can *ec)
{
	memset(ec->h, 0, ec->n * sizeof(float));
	memset(ec->x, 0, 2 * ec->n * sizeof(float));
	memset(ec->bmax, 0, ec->nb * sizeof(float));
	ec->px = 0;
	ec->far_peak = 0;
	ec->dt_hang = 0;
	ec->res_pow = ec->far_pow = ec->near_pow = 0;
}

void echo_can_set_nlp(struct echo_can *ec, bool on)
{
	ec->nlp = on;
}

static inline float noise(struct echo_can *ec)
{
	ec->rng = ec->rng * 1664525u + 1013904223u;
	return (float)(int32_t)ec->rng / 2147483648.0f;
}

int16_t echo_can_sample(struct echo_can *ec, int16_t far_s, int16_t near_s)
{
	const unsigned n = ec->n;
	float far = far_s, near = near_s;
	/* the window moves one sample: the oldest leaves, far enters at the front */
	ec->p = ec->p ? ec->p - 1 : n - 1;
	float old = ec->x[ec->p + n]; /* x[p+n] held the sample now n back: it leaves the window */
	ec->px += (double)far * far - (double)old * old;
	if (ec->px < 0)
		ec->px = 0;
	ec->x[ec->p] = ec->x[ec->p + n] = far;
	/* far-end peak over the window, by blocks */
	float af = fabsf(far);
	if (af > ec->bmax[ec->bpos])
		ec->bmax[ec->bpos] = af;
	if (++ec->bfill == BLK) {
		ec->bfill = 0;
		ec->bpos = (ec->bpos + 1) % ec->nb;
		float m = 0;
		for (unsigned i = 0; i < ec->nb; i++)
			if (ec->bmax[i] > m)
				m = ec->bmax[i];
		ec->far_peak = m;
		ec->bmax[ec->bpos] = 0;
	}
	/* the echo estimate and the error */
	const float *x = ec->x + ec->p;
	float *h = ec->h;
	float y = 0;
	for (unsigned i = 0; i < n; i++)
		y += h[i] * x[i];
	float e = near - y;
	/* Geigel: the near end talks when it is louder than the echo of the far end could be */
	if (fabsf(near) > GEIGEL * (ec->far_peak > af ? ec->far_peak : af))
		ec->dt_hang = DT_HANG;
	else if (ec->dt_hang)
		ec->dt_hang--;
	if (!ec->dt_hang && ec->far_peak > FAR_MIN && ec->px > 1.0) {
		float g = MU * e / (float)(ec->px + 1000.0);
		for (unsigned i = 0; i < n; i++)
			h[i] += g * x[i];
	}
	/* NLP: with the far end alone talking, the residual is echo: replace it by noise at its level */
	ec->res_pow += 0.01f * (e * e - ec->res_pow);
	ec->far_pow += 0.01f * (far * far - ec->far_pow);
	ec->near_pow += 0.01f * (near * near - ec->near_pow);
	if (ec->nlp && !ec->dt_hang && ec->far_pow > FAR_MIN * FAR_MIN && ec->res_pow < 0.03f * ec->far_pow)
		e = noise(ec) * sqrtf(ec->res_pow) * 0.3f;
	if (e > 32767.0f)
		return 32767;
	if (e < -32768.0f)
		return -32768;
	return (int16_t)lrintf(e);
}

void echo_can_block(struct echo_can *ec, const int16_t *far, int16_t *near, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		near[i] = echo_can_sample(ec, far ? far[i] : 0, near[i]);
}
