/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's notifications to systemd (sd_notify(3), Type=notify units): READY once the configuration is
 * applied and the links and SIP are started, WATCHDOG from a timer of the main loop at half the unit's
 * WatchdogSec (a stuck loop stops them and systemd restarts the service), STOPPING on SIGTERM. Without
 * libsystemd these are empty; with it, outside systemd (no NOTIFY_SOCKET) libsystemd sends nothing. */
#pragma once

#include "config.h"

struct gw_notify;

#ifdef HAVE_SYSTEMD
/* Starts the watchdog timer when systemd asks for one (WATCHDOG_USEC). NULL without NOTIFY_SOCKET. */
struct gw_notify *gw_notify_alloc(void *ctx, int log_cat);
/* READY=1 with STATUS=status */
void gw_notify_ready(struct gw_notify *n, const char *status);
/* STOPPING=1; the watchdog goes on while the drain runs the main loop */
void gw_notify_stopping(struct gw_notify *n);
#else
static inline struct gw_notify *gw_notify_alloc(void *ctx, int log_cat)
{
	return NULL;
}
static inline void gw_notify_ready(struct gw_notify *n, const char *status)
{
}
static inline void gw_notify_stopping(struct gw_notify *n)
{
}
#endif
