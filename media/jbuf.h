/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Adaptive jitter buffer for 8 kHz audio, in 10 ms slots (80 samples) indexed by RTP timestamp. The
 * playout point trails the newest packet by a target delay that follows the measured interarrival jitter
 * (twice the RFC 3550 estimate plus one slot, within [min, max]); a late packet grows the target by one
 * slot (one slot of concealment is played in its place), a buffer standing two slots above its target for
 * a second drops one slot. A missing slot is the caller's to conceal (spandsp PLC). One owner, no locks. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define JB_SLOT	 80
#define JB_SLOTS 64

struct jbuf {
	int16_t s[JB_SLOTS][JB_SLOT];
	bool filled[JB_SLOTS];
	bool started;
	uint32_t base;				       /* timestamp slots are counted from */
	uint32_t play_ts;			       /* timestamp of the next slot played */
	uint32_t newest;			       /* end of the newest slot held */
	unsigned target, want, min_target, max_target; /* samples, multiples of JB_SLOT */
	unsigned gets;
	unsigned above; /* consecutive gets with the buffer above target + 2 slots */
	bool stall;	/* next get conceals without advancing (a late packet asked for depth) */
	/* counters */
	uint32_t late, resyncs, dropped, concealed, played;
};

void jbuf_init(struct jbuf *j, unsigned min_ms, unsigned max_ms);
void jbuf_reset(struct jbuf *j);
/* n samples (a multiple of JB_SLOT) with RTP timestamp ts; jitter: current estimate in samples. */
void jbuf_put(struct jbuf *j, uint32_t ts, const int16_t *s, unsigned n, uint32_t jitter);
/* The next slot: true with audio, false when there is none (conceal, or silence before the first). */
bool jbuf_get(struct jbuf *j, int16_t *out);
/* Current depth in samples (newest held minus playout point). */
unsigned jbuf_depth(const struct jbuf *j);
