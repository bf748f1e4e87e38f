/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sofia-sip in libosmocore's select loop, one thread: sofia runs on a glib main context (su_glib_root)
 * that we never run ourselves. Before each osmo_select_main() round the context is prepared and queried:
 * its poll fds go into an epoll set, whose one descriptor is an osmo_fd, and its timeout becomes an osmo
 * timer. After the round it is checked and dispatched with the events epoll reported. Only public glib
 * and sofia API is used.
 *
 * Why epoll and not one osmo_fd per descriptor (as before): libosmocore 1.7 finds the osmo_fd of each
 * ready descriptor by walking its whole list, and registering costs two fcntl() calls. With a few
 * thousand SIP connections (a flood) every round took milliseconds, the loop fell behind its listener and
 * the kernel dropped SYNs. The epoll set is updated each round from glib's: a descriptor is added again
 * every round it shows (EEXIST when it is the same socket; sofia may close one and accept another under
 * the same number within a dispatch, and closing took the old one out of the set, so an add that works
 * says the number belongs to a new socket), its interest modified when it changes, and deleted when glib
 * stops showing it.
 *
 * The loop also guards the connections peers open to our TCP and TLS listeners, which sofia accepts
 * without any limit and keeps while they say nothing. It sees every descriptor sofia watches, so it
 * knows each accepted connection (a stream socket whose local port is a listener's) from its first round,
 * counts them per source address, and closes the ones over a limit or silent too long. Closing means
 * shutdown(2): sofia owns the descriptor, reads the end of the stream and closes its transport itself.
 *
 * On sofia's UDP transport sockets the loop looks at each datagram before sofia reads it: requests that
 * sofia 1.12 would drop, or answer to the wrong address, are answered here (sip_prefilter.c).
 *
 * At the process's descriptor limit sofia's accept() fails, the connection stays queued and the listener
 * stays readable: every round would end at once (100 % CPU). A listener reported readable is therefore
 * first checked for a free descriptor (one taken and given back); without one it leaves the epoll set for
 * a back-off, 1 s doubling to 10 s, and the connection waits in the backlog. */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "sip_leg_fsm.h"
#include "sip_loop.h"
#include "sip_prefilter.h"

#define MAX_LISTENERS 8
#define SRC_BUCKETS   1024

/* what a descriptor is to the guard; NONE: not a connection opened to us */
enum conn_kind {
	CONN_NONE,
	CONN_ACCEPTED,
	CONN_DGRAM,   /* a UDP socket: its receive queue counts in sip_loop_rx_backlog() */
	CONN_LISTENER /* one of sofia's listening sockets */
};

#define PF_BUF_SIZE	      65536
#define ACCEPT_BACKOFF_MIN_MS 1000
#define ACCEPT_BACKOFF_MAX_MS 10000

/* one descriptor glib has shown: in the epoll set while glib watches it */
struct watch {
	struct llist_head list; /* sip_loop.watches */
	int fd;
	int idx;	    /* its record in this round's GPollFD array, or -1 */
	uint64_t round;	    /* the round it was last in glib's poll set */
	uint32_t ep_events; /* what the epoll set watches it for; 0: not in the set */
	uint8_t kind;
	bool heard;   /* a read event came: the peer has said something */
	bool sip_udp; /* a UDP transport socket (bound, not connected: sofia's resolver connects its own) */
	ino_t ino;    /* the socket's inode: tells a reused descriptor number from the one we know */
	struct sockaddr_storage src;
	socklen_t src_len;
	uint16_t local_port; /* CONN_ACCEPTED: the listener's port it came in on */
	time_t since;
	struct timespec paused_until; /* a listener: not watched before then (no descriptor to accept) */
};

/* connections open now from one source address */
struct src_count {
	struct src_count *next;
	struct sockaddr_storage addr; /* port 0 */
	unsigned n;
};

struct sip_loop {
	GMainContext *gctx;
	gint prio;
	bool prepared;
	GPollFD *fds;
	int n_fds, max_fds;
	struct osmo_timer_list wake; /* glib's timeout: ends the select round in time */
	int epfd;
	struct osmo_fd epofd;
	uint64_t round;
	/* the connection guard */
	struct sip_conn_limits lim;
	struct sip_conn_stats stats;
	struct watch **w; /* indexed by descriptor number */
	int n_w;
	struct llist_head watches;
	struct src_count *srcs[SRC_BUCKETS];
	uint16_t listen_ports[MAX_LISTENERS];
	int n_listen;
	struct osmo_timer_list sweep;
	char *pf_buf, *pf_out;		     /* a datagram and our answer (sip_prefilter.c) */
	unsigned accept_backoff_ms;	     /* the next listener back-off */
	struct osmo_timer_list accept_retry; /* ends a back-off's select round */
};

static time_t now_s(void)
{
	struct timespec ts;
	osmo_clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static bool paused(const struct watch *w)
{
	struct timespec now;
	osmo_clock_gettime(CLOCK_MONOTONIC, &now);
	return w->kind == CONN_LISTENER &&
	       (now.tv_sec < w->paused_until.tv_sec ||
		(now.tv_sec == w->paused_until.tv_sec && now.tv_nsec < w->paused_until.tv_nsec));
}

/* A listener is readable: true when a descriptor is free for sofia's accept(); else the listener leaves the
 * epoll set for a back-off (watch_round() puts it back after), logged and counted once per back-off. */
static bool accept_possible(struct sip_loop *l, struct watch *w)
{
	int probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (probe >= 0 || (errno != EMFILE && errno != ENFILE)) {
		if (probe >= 0)
			close(probe);
		if (l->accept_backoff_ms != ACCEPT_BACKOFF_MIN_MS) {
			LOGP(sip_log_cat, LOGL_NOTICE, "SIP listeners: accepting again\n");
			l->accept_backoff_ms = ACCEPT_BACKOFF_MIN_MS;
		}
		return true;
	}
	unsigned ms = l->accept_backoff_ms;
	LOGP(sip_log_cat, LOGL_ERROR,
	     "SIP listener (descriptor %d): no descriptor to accept a connection (%s): not accepting for %u ms\n",
	     w->fd, strerror(errno), ms);
	l->stats.accept_backoffs++;
	osmo_clock_gettime(CLOCK_MONOTONIC, &w->paused_until);
	w->paused_until.tv_sec += ms / 1000;
	w->paused_until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (w->paused_until.tv_nsec >= 1000000000) {
		w->paused_until.tv_sec++;
		w->paused_until.tv_nsec -= 1000000000;
	}
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->ep_events = 0;
	osmo_timer_schedule(&l->accept_retry, (int)(ms / 1000), (int)(ms % 1000) * 1000);
	l->accept_backoff_ms = ms * 2 > ACCEPT_BACKOFF_MAX_MS ? ACCEPT_BACKOFF_MAX_MS : ms * 2;
	return false;
}

/* The epoll set is ready: what it reports goes into the GPollFD records glib will check. epoll reports
 * POLLERR and POLLHUP as such (libosmocore folds them into "read"; sofia must see G_IO_ERR to read an
 * ICMP error from its UDP socket's error queue, or it reads it as data and loses the datagrams behind). */
static int ep_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct sip_loop *l = ofd->data;
	struct epoll_event ev[256];
	int n = epoll_wait(l->epfd, ev, ARRAY_SIZE(ev), 0);
	for (int i = 0; i < n; i++) {
		struct watch *w = ev[i].data.ptr;
		if (w->idx < 0 || (w->kind == CONN_LISTENER && !accept_possible(l, w)))
			continue;
		GPollFD *p = &l->fds[w->idx];
		uint32_t e = ev[i].events;
		p->revents = (gushort)((e & EPOLLIN ? G_IO_IN : 0) | (e & EPOLLOUT ? G_IO_OUT : 0) |
				       (e & EPOLLPRI ? G_IO_PRI : 0) | (e & EPOLLERR ? G_IO_ERR : 0) |
				       (e & EPOLLHUP ? G_IO_HUP : 0));
		if (e & EPOLLIN)
			w->heard = true;
		/* a datagram is looked at before sofia reads it; an error comes first (sofia reads it from the
		 * error queue this round, the datagram is looked at next round) */
		if (w->sip_udp && (e & EPOLLIN) &&
		    ((e & EPOLLERR) ||
		     !sip_prefilter_udp(w->fd, l->pf_buf, PF_BUF_SIZE, l->pf_out, PF_BUF_SIZE + 1024, &l->stats)))
			p->revents &= (gushort)~G_IO_IN;
	}
	/* level-triggered: what sofia leaves unread is reported again next round */
	return 0;
}

static void wake_cb(void *data)
{
}

/* ---- the connection guard ---- */

/* the address part of a socket address, the key of the per-source count */
static const void *addr_bytes(const struct sockaddr_storage *ss, size_t *len)
{
	if (ss->ss_family == AF_INET) {
		*len = sizeof(struct in_addr);
		return &((const struct sockaddr_in *)ss)->sin_addr;
	}
	*len = sizeof(struct in6_addr);
	return &((const struct sockaddr_in6 *)ss)->sin6_addr;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	size_t la, lb;
	const void *pa = addr_bytes(a, &la), *pb = addr_bytes(b, &lb);
	return a->ss_family == b->ss_family && la == lb && !memcmp(pa, pb, la);
}

static struct src_count **src_slot(struct sip_loop *l, const struct sockaddr_storage *ss)
{
	size_t len;
	const uint8_t *p = addr_bytes(ss, &len);
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	struct src_count **pp = &l->srcs[h % SRC_BUCKETS];
	while (*pp && !same_addr(&(*pp)->addr, ss))
		pp = &(*pp)->next;
	return pp;
}

/* one more (delta 1) or one less (-1) connection from the source; returns how many are open now */
static unsigned src_add(struct sip_loop *l, const struct sockaddr_storage *ss, int delta)
{
	struct src_count **pp = src_slot(l, ss);
	if (!*pp) {
		if (delta < 0)
			return 0;
		struct src_count *sc = talloc_zero(l, struct src_count);
		if (!sc)
			return 0;
		sc->addr = *ss;
		*pp = sc;
	}
	struct src_count *sc = *pp;
	if (delta < 0 && sc->n <= 1) {
		*pp = sc->next;
		talloc_free(sc);
		return 0;
	}
	sc->n += delta;
	return sc->n;
}

static uint16_t sock_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

static void src_text(const struct watch *c, char *buf, size_t size)
{
	const void *a = c->src.ss_family == AF_INET ? (const void *)&((const struct sockaddr_in *)&c->src)->sin_addr :
						      (const void *)&((const struct sockaddr_in6 *)&c->src)->sin6_addr;
	if (!inet_ntop(c->src.ss_family, a, buf, size))
		snprintf(buf, size, "?");
}

/* the descriptor number is gone (or belongs to another socket now): drop what we knew of it */
static void forget(struct sip_loop *l, struct watch *w)
{
	if (w->kind == CONN_ACCEPTED) {
		if (l->stats.conns)
			l->stats.conns--;
		src_add(l, &w->src, -1);
	}
	if (w->ep_events)
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL); /* ENOENT when the socket is already closed */
	l->w[w->fd] = NULL;
	llist_del(&w->list);
	talloc_free(w);
}

/* Closes a connection under sofia: shut down both ways, and what the peer has sent already read away.
 * sofia would read it, find garbage, stop reading and keep the descriptor until its idle timer; after the
 * drain it reads the end of the stream and closes the transport at once. */
static void refuse(int fd)
{
	char buf[4096];
	shutdown(fd, SHUT_RDWR);
	for (int i = 0; i < 64 && recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0; i++)
		;
}

/* A UDP socket's receive buffer sized to ride out a burst while admission control catches up (Linux's
 * default, ~200 KiB, is some milliseconds of a busy gateway's datagrams). SO_RCVBUFFORCE passes the
 * net.core.rmem_max cap where we may (CAP_NET_ADMIN); otherwise SO_RCVBUF gets up to the cap. */
static void set_rcvbuf(struct sip_loop *l, int fd)
{
	int want = (int)(l->lim.udp_rcvbuf / 2), got = 0; /* the kernel doubles what it is asked for */
	socklen_t len = sizeof(got);
	if (!want)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
	if (!getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) && got < 2 * want)
		LOGP(sip_log_cat, LOGL_NOTICE,
		     "UDP socket: receive buffer %d KiB of the %u asked for (raise net.core.rmem_max, or give "
		     "CAP_NET_ADMIN)\n",
		     got / 1024, l->lim.udp_rcvbuf / 1024);
}

/* what a descriptor is, the first round it shows (or shows again as another socket) */
static void classify(struct sip_loop *l, struct watch *w, ino_t ino)
{
	int fd = w->fd;
	int v = 0;
	socklen_t len = sizeof(v);
	struct sockaddr_storage local;
	socklen_t local_len = sizeof(local);
	w->kind = CONN_NONE;
	w->ino = ino;
	w->since = now_s();
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len))
		return;
	if (v == SOCK_DGRAM) {
		w->kind = CONN_DGRAM;
		set_rcvbuf(l, fd);
		w->src_len = sizeof(w->src);
		w->sip_udp = getpeername(fd, (struct sockaddr *)&w->src, &w->src_len) && errno == ENOTCONN;
	}
	if (v != SOCK_STREAM)
		return;
	len = sizeof(v);
	if (!getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) && v) {
		/* a listener: connections to its port are the ones peers open to us */
		w->kind = CONN_LISTENER;
		if (!getsockname(fd, (struct sockaddr *)&local, &local_len) && l->n_listen < MAX_LISTENERS) {
			uint16_t port = sock_port(&local);
			for (int i = 0; i < l->n_listen; i++)
				if (l->listen_ports[i] == port)
					return;
			l->listen_ports[l->n_listen++] = port;
		}
		return;
	}
	if (getsockname(fd, (struct sockaddr *)&local, &local_len))
		return;
	uint16_t port = sock_port(&local);
	bool to_listener = false;
	for (int i = 0; i < l->n_listen; i++)
		to_listener |= l->listen_ports[i] == port;
	w->src_len = sizeof(w->src);
	if (!to_listener || getpeername(fd, (struct sockaddr *)&w->src, &w->src_len))
		return; /* our own connection to a peer, or one already gone */
	w->kind = CONN_ACCEPTED;
	w->local_port = port;
	l->stats.accepted++;
	/* counted while open, refused ones too (until sofia has closed them) */
	unsigned from_src = src_add(l, &w->src, 1);
	char src[INET6_ADDRSTRLEN];
	src_text(w, src, sizeof(src));
	bool over_total = l->lim.max_conns && l->stats.conns >= l->lim.max_conns;
	bool over_src = l->lim.max_conns_per_src && from_src > l->lim.max_conns_per_src;
	bool known = (over_total || over_src) && l->lim.known_src && l->lim.known_src(src, l->lim.known_src_priv);
	const char *why = NULL;
	if ((over_total || over_src) && known) {
		l->stats.known_over_limit++; /* a configured peer gets in whatever the flood from elsewhere */
	} else if (over_total) {
		why = "the limit of connections";
		l->stats.refused_total++;
	} else if (over_src) {
		why = "the limit of connections from one source";
		l->stats.refused_per_src++;
	}
	l->stats.conns++;
	if (l->stats.conns > l->stats.conns_peak)
		l->stats.conns_peak = l->stats.conns;
	if (why) {
		/* one line per refusal would be a flood of its own: the counters say how many */
		LOGP(sip_log_cat, LOGL_INFO, "connection from %s:%u closed at once: %s\n", src, sock_port(&w->src),
		     why);
		w->heard = true; /* no silent timeout for it */
		refuse(fd);
	}
}

/* Once a second: every descriptor we know is checked for still being the socket we classified (sofia
 * may close one and accept another under the same number within a round; it stops watching a connection
 * that sent garbage and closes it when its idle timer ends), and silent connections are closed. One
 * fstat() per descriptor per second, not per round. */
static void sweep_cb(void *data)
{
	struct sip_loop *l = data;
	time_t now = now_s();
	struct watch *w, *tmp;
	llist_for_each_entry_safe(w, tmp, &l->watches, list) {
		struct stat st;
		if (fstat(w->fd, &st) || st.st_ino != w->ino) {
			forget(l, w);
			continue;
		}
		if (w->kind != CONN_ACCEPTED || w->heard || !l->lim.silent_timeout_s ||
		    now - w->since < (time_t)l->lim.silent_timeout_s)
			continue;
		char src[INET6_ADDRSTRLEN];
		src_text(w, src, sizeof(src));
		LOGP(sip_log_cat, LOGL_INFO, "connection from %s:%u closed: nothing sent for %u s\n", src,
		     sock_port(&w->src), l->lim.silent_timeout_s);
		l->stats.closed_silent++;
		w->heard = true; /* once */
		shutdown(w->fd, SHUT_RDWR);
	}
	if (!llist_empty(&l->watches))
		osmo_timer_schedule(&l->sweep, 1, 0);
}

static struct watch *watch_get(struct sip_loop *l, int fd)
{
	if (fd >= l->n_w) {
		int n = l->n_w ? l->n_w : 64;
		while (n <= fd)
			n *= 2;
		struct watch **t = talloc_realloc(l, l->w, struct watch *, n);
		if (!t)
			return NULL;
		memset(t + l->n_w, 0, (n - l->n_w) * sizeof(*t));
		l->w = t;
		l->n_w = n;
	}
	return l->w[fd];
}

static struct watch *watch_new(struct sip_loop *l, int fd)
{
	struct stat st;
	watch_get(l, fd); /* the table grows to fd */
	if (fstat(fd, &st) || fd >= l->n_w)
		return NULL;
	struct watch *w = talloc_zero(l, struct watch);
	if (!w)
		return NULL;
	w->fd = fd;
	w->idx = -1;
	l->w[fd] = w;
	llist_add_tail(&w->list, &l->watches);
	classify(l, w, st.st_ino);
	return w;
}

/* This round's descriptors into the epoll set: new ones are classified and added, each one's interest
 * follows glib's, and the ones glib no longer shows are deleted from the set (but still known, until the
 * sweep finds them closed: a connection sofia stopped reading still counts against the limits). */
static void watch_round(struct sip_loop *l)
{
	for (int i = 0; i < l->n_fds; i++) {
		int fd = l->fds[i].fd;
		l->fds[i].revents = 0;
		if (fd < 0 || fd >= 1 << 24)
			continue;
		struct watch *w = watch_get(l, fd);
		if (w && w->round + 1 != l->round) {
			/* not shown last round: check it is still the socket we know */
			struct stat st;
			if (fstat(fd, &st) || st.st_ino != w->ino) {
				forget(l, w);
				w = NULL;
			}
		}
		if (!w && !(w = watch_new(l, fd)))
			continue;
		gushort g = l->fds[i].events;
		uint32_t want = (g & (G_IO_IN | G_IO_HUP | G_IO_ERR) ? EPOLLIN : 0) | (g & G_IO_OUT ? EPOLLOUT : 0) |
				(g & G_IO_PRI ? EPOLLPRI : 0);
		if (paused(w))
			want = 0; /* a listener in its accept back-off */
		if (!want) {
			if (w->ep_events)
				epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
			w->ep_events = 0;
			w->round = l->round;
			continue;
		}
		/* added every round: only an add registers a socket that took over the number since */
		struct epoll_event ev = { .events = want, .data.ptr = w };
		int rc = epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev);
		if (rc == 0 && w->ep_events) {
			/* it was in the set: the socket we knew is closed (closing took it out), this is another */
			epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
			w->ep_events = 0;
			forget(l, w);
			if (!(w = watch_new(l, fd)))
				continue;
			ev.data.ptr = w;
			rc = epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev);
		}
		w->idx = i;
		w->round = l->round;
		if (rc == 0 ||
		    (errno == EEXIST && (want == w->ep_events || !epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev))))
			w->ep_events = want;
		else
			w->idx = -1;
	}
	struct watch *w;
	llist_for_each_entry(w, &l->watches, list) {
		if (w->round == l->round)
			continue;
		w->idx = -1;
		if (w->ep_events) {
			epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
			w->ep_events = 0;
		}
	}
	if (!llist_empty(&l->watches) && !osmo_timer_pending(&l->sweep))
		osmo_timer_schedule(&l->sweep, 1, 0);
}

/* ---- the glib context in the select loop ---- */

struct sip_loop *sip_loop_alloc(void *ctx, GMainContext *gctx)
{
	struct sip_loop *l = talloc_zero(ctx, struct sip_loop);
	if (!l)
		return NULL;
	INIT_LLIST_HEAD(&l->watches);
	l->pf_buf = talloc_size(l, PF_BUF_SIZE);
	l->pf_out = talloc_size(l, PF_BUF_SIZE + 1024);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!l->pf_buf || !l->pf_out || l->epfd < 0) {
		if (l->epfd >= 0)
			close(l->epfd);
		talloc_free(l);
		return NULL;
	}
	osmo_fd_setup(&l->epofd, l->epfd, OSMO_FD_READ, ep_cb, l, 0);
	if (osmo_fd_register(&l->epofd) < 0) {
		close(l->epfd);
		talloc_free(l);
		return NULL;
	}
	l->gctx = g_main_context_ref(gctx); /* sources do not keep their context alive */
	g_main_context_acquire(gctx);
	osmo_timer_setup(&l->wake, wake_cb, l);
	osmo_timer_setup(&l->sweep, sweep_cb, l);
	osmo_timer_setup(&l->accept_retry, wake_cb, l);
	l->accept_backoff_ms = ACCEPT_BACKOFF_MIN_MS;
	return l;
}

void sip_loop_set_limits(struct sip_loop *l, const struct sip_conn_limits *lim)
{
	l->lim = *lim;
}

const struct sip_conn_stats *sip_loop_stats(const struct sip_loop *l)
{
	return &l->stats;
}

size_t sip_loop_rx_backlog(const struct sip_loop *l)
{
	size_t sum = 0;
	const struct watch *w;
	llist_for_each_entry(w, &l->watches, list) {
		uint32_t mi[SK_MEMINFO_VARS];
		socklen_t len = sizeof(mi);
		if (w->kind == CONN_DGRAM && !getsockopt(w->fd, SOL_SOCKET, SO_MEMINFO, mi, &len) &&
		    len > SK_MEMINFO_RMEM_ALLOC * sizeof(mi[0]))
			sum += mi[SK_MEMINFO_RMEM_ALLOC];
	}
	return sum;
}

void sip_loop_free(struct sip_loop *l)
{
	if (!l)
		return;
	osmo_fd_unregister(&l->epofd);
	close(l->epfd);
	osmo_timer_del(&l->wake);
	osmo_timer_del(&l->sweep);
	osmo_timer_del(&l->accept_retry);
	g_main_context_release(l->gctx);
	g_main_context_unref(l->gctx);
	talloc_free(l);
}

void sip_loop_prepare(struct sip_loop *l)
{
	gint timeout = -1;
	g_main_context_prepare(l->gctx, &l->prio);
	int n = g_main_context_query(l->gctx, l->prio, &timeout, l->fds, l->max_fds);
	if (n > l->max_fds) {
		/* no fixed cap: as many as sofia watches (one per TCP/TLS connection) */
		int size = l->max_fds ? l->max_fds : 16;
		while (size < n)
			size *= 2;
		GPollFD *fds = talloc_realloc(l, l->fds, GPollFD, size);
		if (fds) {
			l->fds = fds;
			l->max_fds = size;
			n = g_main_context_query(l->gctx, l->prio, &timeout, l->fds, l->max_fds);
		}
		if (n > l->max_fds)
			n = l->max_fds;
	}
	l->n_fds = n;
	l->round++;
	watch_round(l);
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

uint16_t sip_loop_accepted_port(const struct sip_loop *l, const struct sockaddr *src)
{
	const struct watch *w;
	llist_for_each_entry(w, &l->watches, list) {
		if (w->kind != CONN_ACCEPTED || w->src.ss_family != src->sa_family)
			continue;
		if (src->sa_family == AF_INET) {
			const struct sockaddr_in *a = (const struct sockaddr_in *)&w->src;
			const struct sockaddr_in *b = (const struct sockaddr_in *)src;
			if (a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr)
				return w->local_port;
		} else if (src->sa_family == AF_INET6) {
			const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&w->src;
			const struct sockaddr_in6 *b = (const struct sockaddr_in6 *)src;
			if (a->sin6_port == b->sin6_port && !memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(b->sin6_addr)))
				return w->local_port;
		}
	}
	return 0;
}
