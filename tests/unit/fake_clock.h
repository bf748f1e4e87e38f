/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Faked time for FSM tests: timers fire as the test moves the clock, so a 5-minute timer takes no time. */
#pragma once

#include <time.h>

#include <osmocom/core/timer.h>

static inline void fake_clock_enable(void)
{
	osmo_clock_override_enable(CLOCK_MONOTONIC, true);
	osmo_gettimeofday_override = true;
}

/* One second at a time, so timers expire in their order. */
static inline void advance(unsigned secs)
{
	for (unsigned i = 0; i < secs; i++) {
		osmo_clock_override_add(CLOCK_MONOTONIC, 1, 0);
		osmo_gettimeofday_override_add(1, 0);
		osmo_timers_prepare();
		osmo_timers_update();
	}
}

/* Fire what is due now (zero-delay timers) without moving the clock. */
static inline void run_timers(void)
{
	osmo_timers_prepare();
	osmo_timers_update();
}

/* Millisecond steps, for link-layer timers. */
static inline void advance_ms(unsigned ms)
{
	for (unsigned i = 0; i < ms; i++) {
		osmo_clock_override_add(CLOCK_MONOTONIC, 0, 1000000);
		osmo_gettimeofday_override_add(0, 1000);
		osmo_timers_prepare();
		osmo_timers_update();
	}
}
