/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Call progress tones by national plan (ITU-T E.180 and its supplement, the national variants) and a
 * player that renders one into 8 kHz linear samples. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum tone_plan {
	TONE_PLAN_ITU,
	TONE_PLAN_NA,
	TONE_PLAN_UK,
	TONE_PLAN_DE,
	TONE_PLAN__COUNT
};

enum tone_id {
	TONE_NONE,
	TONE_DIAL,
	TONE_RINGBACK,
	TONE_BUSY,
	TONE_CONGESTION,
	TONE_SIT, /* special information tone (E.180 s8): three rising frequencies, then silence */
	TONE_COT, /* continuity check tone (Q.724): 2010 Hz, steady */
	TONE__COUNT,
};

/* One cadence segment: up to two frequencies summed (f = 0: silence), each at level dBm0. */
struct tone_seg {
	uint16_t f1, f2;
	int8_t level;
	uint16_t ms; /* 0: forever */
};

#define TONE_MAX_SEGS 6
struct tone_def {
	uint8_t n_seg;
	struct tone_seg seg[TONE_MAX_SEGS];
};

const char *tone_plan_name(enum tone_plan p);
int tone_plan_from_name(const char *name); /* -1 when unknown */
const char *tone_name(enum tone_id t);
const struct tone_def *tone_get(enum tone_plan p, enum tone_id t);

struct tone_player {
	const struct tone_def *def;
	unsigned seg;  /* current segment */
	uint32_t left; /* samples left in it (0 with ms = 0: forever) */
	uint32_t ph1, ph2;
	int32_t rate1, rate2;
	int16_t amp1, amp2;
};

void tone_player_start(struct tone_player *p, const struct tone_def *def);
static inline bool tone_player_active(const struct tone_player *p)
{
	return p->def != NULL;
}
/* n samples of the tone into out (replacing what was there); silence when not playing. */
void tone_player_gen(struct tone_player *p, int16_t *out, unsigned n);
