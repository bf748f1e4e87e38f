/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The faked clock of the stateful fuzz targets: time moves only when the input says so. */
#pragma once

#include <stdbool.h>
#include <time.h>

#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

static inline void fz_clock_init(void)
{
	osmo_clock_override_enable(CLOCK_MONOTONIC, true);
	osmo_gettimeofday_override = true;
}

/* Time runs total_ms in steps of step_ms, the timers due running after each step, as if the loop woke every
 * step. Steps in which no timer falls due change nothing, so the clock jumps over them to the step in which
 * the nearest one does: the same times, the same timers in the same order, without a loop pass per step. */
static inline void fz_advance_ms(unsigned total_ms, unsigned step_ms)
{
	const unsigned long long step_us = step_ms * 1000ull;
	unsigned steps = total_ms / step_ms + (total_ms % step_ms != 0);
	while (steps) {
		osmo_timers_prepare();
		const struct timeval *tv = osmo_timers_nearest();
		unsigned k = steps;
		if (tv) {
			unsigned long long due =
				(unsigned long long)tv->tv_sec * 1000000 + (unsigned long long)tv->tv_usec;
			unsigned long long need = due / step_us + (due % step_us != 0);
			if (need < k)
				k = need ? (unsigned)need : 1;
		}
		unsigned long long us = k * step_us;
		osmo_clock_override_add(CLOCK_MONOTONIC, (time_t)(us / 1000000), (long)(us % 1000000) * 1000);
		osmo_gettimeofday_override_add((time_t)(us / 1000000), (suseconds_t)(us % 1000000));
		osmo_timers_prepare();
		osmo_timers_update();
		steps -= k;
	}
}
