/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Accept back-off for a library's listening socket (see gw_accept.h).
 *
 * Before the library's callback accepts, one descriptor is taken and given back (open /dev/null, close): when
 * that fails with EMFILE or ENFILE, so would accept(), and the read watch goes off for a back-off, 1 s doubling
 * to 10 s, one log line and one count each. The connection waits in the kernel's backlog and is served once a
 * descriptor is free. The other known trick, a reserve descriptor closed to accept the connection and close
 * it, was not taken: it drops the operator who comes to look at an exhausted gateway, needs the accept()
 * done here (libosmovty takes no accepted socket) and keeps a descriptor idle for ever. */

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/talloc.h>

#include "gw_accept.h"

static void backoff(struct gw_accept_guard *g, int err)
{
	osmo_fd_read_disable(g->ofd);
	g->waiting = true;
	if (g->ctr)
		rate_ctr_inc(g->ctr);
	LOGP(g->log_cat, LOGL_ERROR, "%s: no descriptor to accept a connection (%s): not accepting for %u ms\n",
	     g->name, strerror(err), g->backoff_ms);
	osmo_timer_schedule(&g->retry, (int)(g->backoff_ms / 1000), (int)(g->backoff_ms % 1000) * 1000);
	g->backoff_ms = g->backoff_ms * 2 > GW_ACCEPT_BACKOFF_MAX_MS ? GW_ACCEPT_BACKOFF_MAX_MS : g->backoff_ms * 2;
}

static void retry_cb(void *data)
{
	struct gw_accept_guard *g = data;
	g->waiting = false;
	osmo_fd_read_enable(g->ofd);
}

static int guard_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct gw_accept_guard *g = ofd->data;
	int probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (probe < 0 && (errno == EMFILE || errno == ENFILE)) {
		backoff(g, errno);
		return 0;
	}
	if (probe >= 0)
		close(probe);
	if (g->backoff_ms != GW_ACCEPT_BACKOFF_MIN_MS) {
		LOGP(g->log_cat, LOGL_NOTICE, "%s: accepting again\n", g->name);
		g->backoff_ms = GW_ACCEPT_BACKOFF_MIN_MS;
	}
	return g->lib_cb(ofd, what);
}

struct gw_accept_guard *gw_accept_guard_alloc(void *ctx, const char *name, struct rate_ctr *ctr, int log_cat)
{
	struct gw_accept_guard *g = talloc_zero(ctx, struct gw_accept_guard);
	if (!g)
		return NULL;
	g->name = talloc_strdup(g, name);
	g->ctr = ctr;
	g->log_cat = log_cat;
	g->backoff_ms = GW_ACCEPT_BACKOFF_MIN_MS;
	osmo_timer_setup(&g->retry, retry_cb, g);
	return g;
}

int gw_accept_guard_attach(struct gw_accept_guard *g)
{
	/* libosmocore keeps its osmo_fds to itself: look each open descriptor up */
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -errno;
	struct dirent *e;
	while ((e = readdir(d))) {
		struct osmo_fd *ofd = e->d_name[0] == '.' ? NULL : osmo_fd_get_by_fd(atoi(e->d_name));
		if (ofd && ofd->data == g && ofd->cb != guard_cb) {
			g->ofd = ofd;
			g->lib_cb = ofd->cb;
			ofd->cb = guard_cb;
			break;
		}
	}
	closedir(d);
	return g->ofd ? 0 : -ENOENT;
}
