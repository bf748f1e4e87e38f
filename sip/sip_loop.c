/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sofia-sip in libosmocore's select loop, one thread: sofia runs on a glib main context (su_glib_root)
 * that we never run ourselves. Before each osmo_select_main() round the context is prepared and queried:
 * its poll fds become osmo_fds and its timeout an osmo timer. After the round it is checked and
 * dispatched with the events the osmo_fds saw. Only public glib and sofia API is used. */

#include <errno.h>
#include <poll.h>
#include <string.h>

#include <glib.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include "sip_loop.h"

#define SIP_LOOP_MAX_FDS 32

struct sip_loop {
	GMainContext *gctx;
	gint prio;
	bool prepared;
	GPollFD fds[SIP_LOOP_MAX_FDS];
	int n_fds;
	struct osmo_fd ofds[SIP_LOOP_MAX_FDS];
	int n_ofds;
	struct osmo_timer_list wake; /* glib's timeout: ends the select round in time */
};

static int ofd_cb(struct osmo_fd *ofd, unsigned int what)
{
	GPollFD *p = ofd->data;
	/* libosmocore folds POLLERR and POLLHUP into "read". sofia must see them as such: an ICMP error queued on
	 * its UDP socket (IP_RECVERR) is read from the error queue on G_IO_ERR; handed over as G_IO_IN it was
	 * read as data and the datagrams behind it were lost. Ask the kernel for the exact events. */
	struct pollfd pfd = { .fd = ofd->fd, .events = (short)(p->events & (G_IO_IN | G_IO_OUT | G_IO_PRI)) };
	if (poll(&pfd, 1, 0) == 1) {
		if (pfd.revents & POLLIN)
			p->revents |= G_IO_IN;
		if (pfd.revents & POLLOUT)
			p->revents |= G_IO_OUT;
		if (pfd.revents & POLLPRI)
			p->revents |= G_IO_PRI;
		if (pfd.revents & POLLERR)
			p->revents |= G_IO_ERR;
		if (pfd.revents & POLLHUP)
			p->revents |= G_IO_HUP;
		if (pfd.revents & POLLNVAL)
			p->revents |= G_IO_NVAL;
	} else {
		if (what & OSMO_FD_READ)
			p->revents |= G_IO_IN;
		if (what & OSMO_FD_WRITE)
			p->revents |= G_IO_OUT;
		if (what & OSMO_FD_EXCEPT)
			p->revents |= G_IO_PRI;
	}
	/* the fd stays readable until sofia reads it in dispatch: stop watching it for this round */
	osmo_fd_write_disable(ofd);
	osmo_fd_read_disable(ofd);
	return 0;
}

static void wake_cb(void *data)
{
}

struct sip_loop *sip_loop_alloc(void *ctx, GMainContext *gctx)
{
	struct sip_loop *l = talloc_zero(ctx, struct sip_loop);
	if (!l)
		return NULL;
	l->gctx = g_main_context_ref(gctx); /* sources do not keep their context alive */
	g_main_context_acquire(gctx);
	osmo_timer_setup(&l->wake, wake_cb, l);
	return l;
}

static void unregister_all(struct sip_loop *l)
{
	for (int i = 0; i < l->n_ofds; i++)
		osmo_fd_unregister(&l->ofds[i]);
	l->n_ofds = 0;
}

void sip_loop_free(struct sip_loop *l)
{
	if (!l)
		return;
	unregister_all(l);
	osmo_timer_del(&l->wake);
	g_main_context_release(l->gctx);
	g_main_context_unref(l->gctx);
	talloc_free(l);
}

void sip_loop_prepare(struct sip_loop *l)
{
	gint timeout = -1;
	g_main_context_prepare(l->gctx, &l->prio);
	int n = g_main_context_query(l->gctx, l->prio, &timeout, l->fds, SIP_LOOP_MAX_FDS);
	if (n > SIP_LOOP_MAX_FDS)
		n = SIP_LOOP_MAX_FDS; /* sofia uses a handful: its sockets and the wakeup pipe */
	l->n_fds = n;
	unregister_all(l);
	for (int i = 0; i < n; i++) {
		unsigned what = 0;
		l->fds[i].revents = 0;
		if (l->fds[i].events & (G_IO_IN | G_IO_HUP | G_IO_ERR))
			what |= OSMO_FD_READ;
		if (l->fds[i].events & G_IO_OUT)
			what |= OSMO_FD_WRITE;
		if (l->fds[i].events & G_IO_PRI)
			what |= OSMO_FD_EXCEPT;
		osmo_fd_setup(&l->ofds[i], l->fds[i].fd, what, ofd_cb, &l->fds[i], 0);
		if (osmo_fd_register(&l->ofds[i]) == 0)
			l->n_ofds = i + 1;
	}
	if (timeout >= 0)
		osmo_timer_schedule(&l->wake, timeout / 1000, (timeout % 1000) * 1000);
	else
		osmo_timer_del(&l->wake);
	l->prepared = true;
}

bool sip_loop_dispatch(struct sip_loop *l)
{
	if (!l->prepared)
		return false;
	l->prepared = false;
	bool ready = g_main_context_check(l->gctx, l->prio, l->fds, l->n_fds);
	if (ready)
		g_main_context_dispatch(l->gctx);
	return ready;
}
