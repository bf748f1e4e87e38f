/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sd_notify(3) for isupgw, built only with libsystemd (configure --with-systemd, found by default). */

#include <stdint.h>
#include <stdlib.h>

#include <systemd/sd-daemon.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "gateway/gw_notify.h"

struct gw_notify {
	struct osmo_timer_list watchdog;
	uint64_t interval_us; /* half of WatchdogSec; 0: no watchdog */
	int log_cat;
};

static void watchdog_cb(void *data)
{
	struct gw_notify *n = data;
	sd_notify(0, "WATCHDOG=1");
	osmo_timer_schedule(&n->watchdog, n->interval_us / 1000000, n->interval_us % 1000000);
}

struct gw_notify *gw_notify_alloc(void *ctx, int log_cat)
{
	if (!getenv("NOTIFY_SOCKET"))
		return NULL;
	struct gw_notify *n = talloc_zero(ctx, struct gw_notify);
	if (!n)
		return NULL;
	n->log_cat = log_cat;
	osmo_timer_setup(&n->watchdog, watchdog_cb, n);
	uint64_t usec = 0;
	/* > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID, if set, is ours */
	if (sd_watchdog_enabled(0, &usec) > 0 && usec) {
		n->interval_us = usec / 2;
		LOGP(log_cat, LOGL_INFO, "systemd: watchdog every %llu ms (WatchdogSec %llu ms)\n",
		     (unsigned long long)n->interval_us / 1000, (unsigned long long)usec / 1000);
	}
	return n;
}

void gw_notify_ready(struct gw_notify *n, const char *status)
{
	if (!n)
		return;
	int rc = sd_notifyf(0, "READY=1\nSTATUS=%s", status);
	LOGP(n->log_cat, rc > 0 ? LOGL_INFO : LOGL_ERROR, "systemd: READY %s (%d)\n", rc > 0 ? "sent" : "not sent", rc);
	if (n->interval_us)
		watchdog_cb(n);
}

void gw_notify_stopping(struct gw_notify *n)
{
	if (!n)
		return;
	/* the watchdog goes on: the drain runs the main loop, and a drain that hangs is a stuck daemon too */
	sd_notify(0, "STOPPING=1\nSTATUS=releasing calls");
	LOGP(n->log_cat, LOGL_INFO, "systemd: STOPPING sent\n");
}
