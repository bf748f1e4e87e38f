/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Adaptive jitter buffer (see jbuf.h). */

#include <string.h>

#include "jbuf.h"

void jbuf_init(struct jbuf *j, unsigned min_ms, unsigned max_ms)
{
	memset(j, 0, sizeof(*j));
	if (min_ms < 10)
		min_ms = 10;
	if (max_ms > (JB_SLOTS - 4) * 10)
		max_ms = (JB_SLOTS - 4) * 10;
	if (max_ms < min_ms)
		max_ms = min_ms;
	j->min_target = (min_ms + 9) / 10 * JB_SLOT;
	j->max_target = max_ms / 10 * JB_SLOT;
	j->target = j->min_target;
}

void jbuf_reset(struct jbuf *j)
{
	memset(j->filled, 0, sizeof(j->filled));
	j->started = false;
	j->above = 0;
	j->stall = false;
}

/* slots count from the first packet's timestamp, so any fixed offset of the sender's clock works */
static unsigned slot_of(const struct jbuf *j, uint32_t ts)
{
	return ((ts - j->base) / JB_SLOT) % JB_SLOTS;
}

static void set_target(struct jbuf *j, uint32_t jitter)
{
	if (jitter > 8000)
		jitter = 8000;
	unsigned t = (2 * jitter + JB_SLOT + JB_SLOT - 1) / JB_SLOT * JB_SLOT;
	if (t < j->min_target)
		t = j->min_target;
	if (t > j->max_target)
		t = j->max_target;
	j->want = t;
	if (t > j->target) /* grow at once; shrink one slot every 5 s (jbuf_get) */
		j->target = t;
}

void jbuf_put(struct jbuf *j, uint32_t ts, const int16_t *s, unsigned n, uint32_t jitter)
{
	if (n % JB_SLOT)
		n -= n % JB_SLOT;
	if (!n)
		return;
	/* slots are aligned on the first packet's timestamp: keep ts % 80 as a fixed offset */
	if (!j->started || (int32_t)(ts - j->play_ts) >= (JB_SLOTS - 2) * JB_SLOT ||
	    (int32_t)(ts - j->play_ts) < -(int32_t)(8 * JB_SLOT) || (int32_t)(ts - j->play_ts) % JB_SLOT) {
		if (j->started)
			j->resyncs++; /* a new talkspurt far away, a restarted sender or a misaligned clock */
		jbuf_reset(j);
		j->started = true;
		j->base = ts;
		j->play_ts = ts - j->target;
		j->newest = ts;
	}
	set_target(j, jitter);
	for (unsigned k = 0; k < n; k += JB_SLOT) {
		uint32_t t = ts + k;
		if ((int32_t)(t - j->play_ts) < 0) {
			j->late++;
			if (j->target < j->max_target) {
				j->target += JB_SLOT;
				j->stall = true;
			}
			continue;
		}
		unsigned i = slot_of(j, t);
		memcpy(j->s[i], s + k, sizeof(j->s[i]));
		j->filled[i] = true;
		if ((int32_t)(t + JB_SLOT - j->newest) > 0)
			j->newest = t + JB_SLOT;
	}
}

unsigned jbuf_depth(const struct jbuf *j)
{
	if (!j->started || (int32_t)(j->newest - j->play_ts) < 0)
		return 0;
	return j->newest - j->play_ts;
}

bool jbuf_get(struct jbuf *j, int16_t *out)
{
	if (!j->started)
		return false;
	if (j->stall) {
		j->stall = false;
		j->concealed++;
		return false;
	}
	unsigned depth = jbuf_depth(j);
	if (depth > j->target + 2 * JB_SLOT) {
		if (++j->above >= 50) {
			/* standing too deep for a second: drop the oldest slot */
			j->filled[slot_of(j, j->play_ts)] = false;
			j->play_ts += JB_SLOT;
			j->dropped++;
			j->above = 0;
		}
	} else {
		j->above = 0;
	}
	if (++j->gets % 500 == 0 && j->want < j->target)
		j->target -= JB_SLOT;
	unsigned i = slot_of(j, j->play_ts);
	j->play_ts += JB_SLOT;
	if (!j->filled[i]) {
		j->concealed++;
		return false;
	}
	j->filled[i] = false;
	memcpy(out, j->s[i], sizeof(j->s[i]));
	j->played++;
	return true;
}
