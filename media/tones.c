/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Call progress tone plans and the cadence player (spandsp's DDS for the sines). */

#include <string.h>
#include <strings.h>

#include <spandsp.h>

#include "tones.h"

#define S1(f, l, ms)              \
	{                         \
		(f), 0, (l), (ms) \
	}
#define S2(f1, f2, l, ms)             \
	{                             \
		(f1), (f2), (l), (ms) \
	}
#define OFF(ms)               \
	{                     \
		0, 0, 0, (ms) \
	}

/* Levels: single frequencies at -13 dBm0, pairs at -16 dBm0 each (about -13 dBm0 together). */
static const struct tone_def plans[TONE_PLAN__COUNT][TONE__COUNT] = {
	[TONE_PLAN_ITU] = {
		/* E.180: 425 Hz; ringing 1 s on 4 s off, busy 0.5/0.5, congestion 0.2/0.2 (E.180 table 1) */
		[TONE_DIAL] = { 1, { S1(425, -13, 0) } },
		[TONE_RINGBACK] = { 2, { S1(425, -13, 1000), OFF(4000) } },
		[TONE_BUSY] = { 2, { S1(425, -13, 500), OFF(500) } },
		[TONE_CONGESTION] = { 2, { S1(425, -13, 200), OFF(200) } },
		[TONE_SIT] = { 4, { S1(950, -13, 330), S1(1400, -13, 330), S1(1800, -13, 330), OFF(1000) } },
	},
	[TONE_PLAN_NA] = {
		/* North American precise tones */
		[TONE_DIAL] = { 1, { S2(350, 440, -16, 0) } },
		[TONE_RINGBACK] = { 2, { S2(440, 480, -16, 2000), OFF(4000) } },
		[TONE_BUSY] = { 2, { S2(480, 620, -16, 500), OFF(500) } },
		[TONE_CONGESTION] = { 2, { S2(480, 620, -16, 250), OFF(250) } },	/* reorder */
		[TONE_SIT] = { 4, { S1(914, -13, 274), S1(1371, -13, 274), S1(1777, -13, 380), OFF(1000) } },
	},
	[TONE_PLAN_UK] = {
		[TONE_DIAL] = { 1, { S2(350, 440, -16, 0) } },
		[TONE_RINGBACK] = { 4, { S2(400, 450, -16, 400), OFF(200), S2(400, 450, -16, 400), OFF(2000) } },
		[TONE_BUSY] = { 2, { S1(400, -13, 375), OFF(375) } },
		[TONE_CONGESTION] = { 4, { S1(400, -13, 400), OFF(350), S1(400, -13, 225), OFF(525) } },
		[TONE_SIT] = { 4, { S1(950, -13, 330), S1(1400, -13, 330), S1(1800, -13, 330), OFF(1000) } },
	},
	[TONE_PLAN_DE] = {
		[TONE_DIAL] = { 1, { S1(425, -13, 0) } },
		[TONE_RINGBACK] = { 2, { S1(425, -13, 1000), OFF(4000) } },
		[TONE_BUSY] = { 2, { S1(425, -13, 480), OFF(480) } },
		[TONE_CONGESTION] = { 2, { S1(425, -13, 240), OFF(240) } },
		[TONE_SIT] = { 4, { S1(900, -13, 330), S1(1400, -13, 330), S1(1800, -13, 330), OFF(1000) } },
	},
};

/* Q.724 s7 / ANSI T1.113: the continuity check tone, the same in every plan */
static const struct tone_def cot_tone = { 1, { S1(2010, -12, 0) } };

static const char *const plan_names[TONE_PLAN__COUNT] = { "itu", "north-america", "uk", "germany" };
static const char *const tone_names[TONE__COUNT] = { "none", "dial", "ringback", "busy", "congestion", "sit", "cot" };

const char *tone_plan_name(enum tone_plan p)
{
	return p < TONE_PLAN__COUNT ? plan_names[p] : "?";
}

int tone_plan_from_name(const char *name)
{
	for (int i = 0; i < TONE_PLAN__COUNT; i++)
		if (!strcasecmp(name, plan_names[i]))
			return i;
	return -1;
}

const char *tone_name(enum tone_id t)
{
	return t < TONE__COUNT ? tone_names[t] : "?";
}

const struct tone_def *tone_get(enum tone_plan p, enum tone_id t)
{
	if (t == TONE_COT)
		return &cot_tone;
	if (p >= TONE_PLAN__COUNT || t <= TONE_NONE || t >= TONE__COUNT || !plans[p][t].n_seg)
		return NULL;
	return &plans[p][t];
}

static void seg_enter(struct tone_player *p, unsigned i)
{
	const struct tone_seg *s = &p->def->seg[i];
	p->seg = i;
	p->left = (uint32_t)s->ms * 8;
	p->rate1 = s->f1 ? dds_phase_rate((float)s->f1) : 0;
	p->rate2 = s->f2 ? dds_phase_rate((float)s->f2) : 0;
	p->amp1 = s->f1 ? dds_scaling_dbm0((float)s->level) : 0;
	p->amp2 = s->f2 ? dds_scaling_dbm0((float)s->level) : 0;
}

void tone_player_start(struct tone_player *p, const struct tone_def *def)
{
	memset(p, 0, sizeof(*p));
	p->def = def && def->n_seg ? def : NULL;
	if (p->def)
		seg_enter(p, 0);
}

void tone_player_gen(struct tone_player *p, int16_t *out, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (!p->def) {
			out[i] = 0;
			continue;
		}
		int32_t v = 0;
		if (p->amp1)
			v += (dds(&p->ph1, p->rate1) * p->amp1) >> 15;
		if (p->amp2)
			v += (dds(&p->ph2, p->rate2) * p->amp2) >> 15;
		out[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
		if (p->left && !--p->left)
			seg_enter(p, (p->seg + 1) % p->def->n_seg); /* cadences repeat */
	}
}
