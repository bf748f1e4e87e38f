/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A listening socket that a library accepts on (libosmovty's telnet VTY) backs off while the process has no
 * descriptor to spare, instead of spinning: the library's accept() fails with EMFILE and returns, the
 * connection stays queued, the socket stays readable and select() returns at once, round after round. */
#pragma once

#include <stdbool.h>

#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>

struct rate_ctr;

#define GW_ACCEPT_BACKOFF_MIN_MS 1000
#define GW_ACCEPT_BACKOFF_MAX_MS 10000

struct gw_accept_guard {
	const char *name;
	struct osmo_fd *ofd;			       /* the library's listening osmo_fd */
	int (*lib_cb)(struct osmo_fd *, unsigned int); /* its accept callback, called when a descriptor is free */
	struct osmo_timer_list retry;
	unsigned backoff_ms;  /* the next wait: 1 s doubling to 10 s, back to 1 s after an accept */
	bool waiting;	      /* the read watch is off until retry */
	struct rate_ctr *ctr; /* back-offs (may be NULL) */
	int log_cat;
};

struct gw_accept_guard *gw_accept_guard_alloc(void *ctx, const char *name, struct rate_ctr *ctr, int log_cat);
/* Wrap the callback of the registered osmo_fd whose data is g (the library was given g as its private
 * pointer, e.g. telnet_init_default(ctx, g, port)). 0, or -ENOENT when there is none. */
int gw_accept_guard_attach(struct gw_accept_guard *g);
