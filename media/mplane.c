/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The media plane's control side: the API of mplane.h, the workers' command queues, their events coming back. */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/select.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>

#include "mplane_priv.h"

int media_log_cat = DLGLOBAL;
void media_plane_set_log_cat(int cat)
{
	media_log_cat = cat;
}

struct media_chan {
	struct media_plane *mp;
	struct mworker *w;
	struct wchan *wc;
	unsigned id;
	uint16_t port;
	unsigned span, ts;
	void *owner;
	bool local; /* a test channel: its analysis windows are reported (MEDIA_EV_STATS) */
	bool has_remote;
	struct media_remote rem;
	struct media_stats st;
};

/* events toward the control plane */
struct mev {
	struct llist_head list;
	unsigned chan_id; /* ~0u: none */
	struct media_event ev;
};

void mplane_post(struct mworker *w, const struct wchan *c, const struct media_event *ev)
{
	struct mev *e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->chan_id = c ? c->id : ~0u;
	e->ev = *ev;
	e->ev.owner = NULL;
	struct media_plane *mp = w->mp;
	pthread_mutex_lock(&mp->evlock);
	if (mp->n_evs >= 100000) {
		pthread_mutex_unlock(&mp->evlock);
		free(e);
		return;
	}
	llist_add_tail(&e->list, &mp->evs);
	mp->n_evs++;
	pthread_mutex_unlock(&mp->evlock);
	uint64_t one = 1;
	if (write(mp->evfd.fd, &one, sizeof(one)) < 0)
		return;
}

/* ---- control plane side ---- */

void media_plane_cfg_default(struct media_plane_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->rtp_addr, sizeof(cfg->rtp_addr), "127.0.0.1");
	cfg->port_min = 16384;
	cfg->port_max = 32767;
	cfg->workers = 0;
	cfg->plan = TONE_PLAN_ITU;
	cfg->ec_tail_ms = 64;
	cfg->ec_default = true;
	cfg->jb_min_ms = 20;
	cfg->jb_max_ms = 200;
	cfg->span_timeout_ms = 100;
	cfg->span_jb_ms = 4;
	cfg->learn_ms = 2000;
	cfg->dtmf_volume = 10;
}

static void ev_one(struct media_plane *mp, struct mev *e)
{
	if (e->ev.type == MEDIA_EV_SPAN) {
		for (unsigned i = 0; i < mp->n_spans; i++)
			if (mp->spans[i].id == e->ev.span)
				mp->spans[i].up = e->ev.ok;
		if (mp->cb)
			mp->cb(mp->priv, &e->ev);
	} else if (e->chan_id < mp->n_slots && mp->slot[e->chan_id]) {
		struct media_chan *ch = mp->slot[e->chan_id];
		if (e->ev.type == MEDIA_EV_STATS)
			ch->st = e->ev.st;
		e->ev.owner = ch->owner;
		e->ev.span = ch->span;
		if (mp->cb && (e->ev.type != MEDIA_EV_STATS || ch->local))
			mp->cb(mp->priv, &e->ev);
	}
	free(e);
}

static struct mev *ev_pop(struct media_plane *mp)
{
	struct mev *e = NULL;
	pthread_mutex_lock(&mp->evlock);
	if (!llist_empty(&mp->evs)) {
		e = llist_first_entry(&mp->evs, struct mev, list);
		llist_del(&e->list);
		mp->n_evs--;
	}
	pthread_mutex_unlock(&mp->evlock);
	return e;
}

static int ev_read(struct osmo_fd *ofd, unsigned int what)
{
	struct media_plane *mp = ofd->data;
	uint64_t v;
	if (read(ofd->fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return 0;
	struct mev *e;
	/* at most a bounded batch per wakeup, so one flood cannot starve signalling */
	for (unsigned i = 0; i < 4096 && (e = ev_pop(mp)); i++)
		ev_one(mp, e);
	if (!llist_empty(&mp->evs)) {
		uint64_t one = 1;
		if (write(ofd->fd, &one, sizeof(one)) < 0)
			return 0;
	}
	return 0;
}

int mplane_cmdq_push(struct mworker *w, const struct cmd *m)
{
	if (w->q_n == w->q_cap) {
		unsigned cap = w->q_cap * 2;
		struct cmd *q = cap <= QCAP_MAX ? malloc(cap * sizeof(*q)) : NULL;
		if (!q) {
			w->q_lost++;
			return -ENOMEM;
		}
		for (unsigned i = 0; i < w->q_n; i++)
			q[i] = w->q[(w->q_head + i) % w->q_cap];
		free(w->q);
		w->q = q;
		w->q_cap = cap;
		w->q_head = 0;
	}
	w->q[(w->q_head + w->q_n) % w->q_cap] = *m;
	w->q_n++;
	return 0;
}

bool mplane_cmdq_pop(struct mworker *w, struct cmd *m)
{
	if (!w->q_n)
		return false;
	*m = w->q[w->q_head];
	w->q_head = (w->q_head + 1) % w->q_cap;
	w->q_n--;
	return true;
}

static void send_cmd(struct mworker *w, const struct cmd *m)
{
	pthread_mutex_lock(&w->qlock);
	unsigned cap = w->q_cap;
	int rc = mplane_cmdq_push(w, m);
	unsigned grown = w->q_cap != cap ? w->q_cap : 0;
	pthread_mutex_unlock(&w->qlock);
	if (grown)
		LOGP(media_log_cat, LOGL_NOTICE, "media worker %u: command ring grown to %u (the worker is behind)\n",
		     w->idx, grown);
	if (rc) {
		LOGP(media_log_cat, LOGL_ERROR, "media worker %u: command ring at %u and full, command %d lost\n",
		     w->idx, cap, m->type);
		return;
	}
	uint64_t one = 1;
	if (write(w->evfd, &one, sizeof(one)) < 0)
		LOGP(media_log_cat, LOGL_ERROR, "media worker %u: cannot wake: %s\n", w->idx, strerror(errno));
}

static int plane_destructor(struct media_plane *mp)
{
	for (unsigned i = 0; i < mp->n_w; i++) {
		struct mworker *w = &mp->w[i];
		if (!w->q)
			continue;
		struct cmd m = { .type = CMD_STOP };
		send_cmd(w, &m);
		pthread_join(w->thr, NULL);
		mplane_free_dead(w);
		struct wchan *c, *t;
		llist_for_each_entry_safe(c, t, &w->chans, list) {
			llist_del(&c->list);
			mplane_chan_close(c);
		}
		/* commands never run (a channel handed over after the stop) */
		struct cmd m2;
		while (mplane_cmdq_pop(w, &m2)) {
			if (m2.type == CMD_CHAN_ADD)
				mplane_chan_close(m2.ch);
			if (m2.type == CMD_SPAN_ADD)
				mplane_span_free(m2.sp);
		}
		for (unsigned s = 0; s < w->n_spans; s++)
			mplane_span_free(w->spans[s]);
		for (unsigned s = 0; s < w->n_socks; s++)
			close(w->socks[s].fd);
		close(w->epfd);
		close(w->tfd);
		close(w->evfd);
		free(w->q);
		pthread_mutex_destroy(&w->qlock);
		talloc_free(w->tctx);
	}
	for (unsigned i = 0; i < mp->n_slots; i++)
		if (mp->slot[i])
			mp->slot[i]->wc = NULL;
	/* events still queued */
	struct mev *e;
	while ((e = ev_pop(mp)))
		free(e);
	if (mp->evfd.fd >= 0)
		osmo_fd_close(&mp->evfd);
	pthread_mutex_destroy(&mp->evlock);
	return 0;
}

/* the G.711 tables (mplane_g711.c) are filled once, by the first plane */
static pthread_once_t tab_once = PTHREAD_ONCE_INIT;

struct media_plane *media_plane_create(void *ctx, const struct media_plane_cfg *cfg, media_event_cb cb, void *priv)
{
	pthread_once(&tab_once, mplane_g711_init);
	struct media_plane *mp = talloc_zero(ctx, struct media_plane);
	if (!mp)
		return NULL;
	mp->cfg = *cfg;
	if (mp->cfg.span_jb_ms < 1 || mp->cfg.span_jb_ms > 32)
		mp->cfg.span_jb_ms = 4;
	mp->cb = cb;
	mp->priv = priv;
	if (mp->cfg.port_max < mp->cfg.port_min + 1)
		mp->cfg.port_max = (uint16_t)(mp->cfg.port_min + 1);
	mp->n_slots = (unsigned)(mp->cfg.port_max - mp->cfg.port_min + 1) / 2;
	mp->slot = talloc_zero_array(mp, struct media_chan *, mp->n_slots);
	unsigned n = cfg->workers;
	if (!n) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		n = c > 0 ? (unsigned)c : 1;
	}
	if (n > 64)
		n = 64;
	mp->w = talloc_zero_array(mp, struct mworker, n);
	pthread_mutex_init(&mp->evlock, NULL);
	INIT_LLIST_HEAD(&mp->evs);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	osmo_fd_setup(&mp->evfd, efd, OSMO_FD_READ, ev_read, mp, 0);
	talloc_set_destructor(mp, plane_destructor);
	if (!mp->slot || !mp->w || efd < 0 || osmo_fd_register(&mp->evfd) < 0) {
		talloc_free(mp);
		return NULL;
	}
	log_enable_multithread(); /* workers log (span state, learned sources, channel totals) */
	for (unsigned i = 0; i < n; i++) {
		mp->n_w = i + 1;
		if (mplane_worker_start(mp, &mp->w[i], i) < 0) {
			LOGP(media_log_cat, LOGL_ERROR, "media worker %u cannot start\n", i);
			talloc_free(mp);
			return NULL;
		}
	}
	return mp;
}

void media_plane_destroy(struct media_plane *mp)
{
	talloc_free(mp);
}

unsigned media_plane_n_workers(const struct media_plane *mp)
{
	return mp->n_w;
}

int media_plane_worker_load(const struct media_plane *mp, unsigned idx, uint64_t *cpu_us, uint64_t *late_ticks)
{
	if (idx >= mp->n_w || !mp->w[idx].running)
		return -ENOENT;
	const struct mworker *w = &mp->w[idx];
	clockid_t cid;
	struct timespec t;
	if (pthread_getcpuclockid(w->thr, &cid) || clock_gettime(cid, &t))
		return -EIO;
	*cpu_us = (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
	*late_ticks = w->late_ticks;
	return 0;
}

unsigned media_plane_n_chans(const struct media_plane *mp)
{
	return mp->n_chans;
}

static int bind_udp(const char *addr, uint16_t port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		close(fd);
		return -EINVAL;
	}
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	int tos = 0xb8; /* DSCP EF */
	setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	return fd;
}

static int span_index(const struct media_plane *mp, unsigned id)
{
	for (unsigned i = 0; i < mp->n_spans; i++)
		if (mp->spans[i].id == id)
			return (int)i;
	return -1;
}

static void span_record(struct media_plane *mp, struct mworker *w, struct wspan *sp, const struct media_span_cfg *sc)
{
	unsigned i = mp->n_spans++;
	mp->spans[i].id = sc->id;
	mp->spans[i].w = w;
	mp->spans[i].sp = sp;
	mp->spans[i].n_ts = sp->n_ts;
	mp->spans[i].up = false;
	snprintf(mp->spans[i].local_addr, sizeof(mp->spans[i].local_addr), "%s", sc->local_addr);
	mp->spans[i].local_port = sc->local_port;
}

/* DAHDI: the channels are opened here, so that a missing card or driver is the caller's error */
static int span_add_dahdi(struct media_plane *mp, const struct media_span_cfg *sc)
{
	struct wspan *sp = calloc(1, sizeof(*sp));
	struct dahdi_span *ds = calloc(1, sizeof(*ds));
	if (!sp || !ds) {
		free(sp);
		free(ds);
		return -ENOMEM;
	}
	int rc = dahdi_span_open(ds, &sc->layout, sc->dahdi_base);
	if (rc < 0) {
		free(sp);
		free(ds);
		return rc;
	}
	sp->cfg = *sc;
	sp->n_ts = tdm_span_n_ts(&sc->layout);
	sp->dahdi = ds;
	struct mworker *w = &mp->w[mp->n_spans % mp->n_w];
	span_record(mp, w, sp, sc);
	struct cmd m = { .type = CMD_SPAN_ADD, .sp = sp, .u.i = -1 };
	send_cmd(w, &m);
	return 0;
}

int media_plane_span_add(struct media_plane *mp, const struct media_span_cfg *sc)
{
	if (span_index(mp, sc->id) >= 0 || mp->n_spans >= 256)
		return -EEXIST;
	if (sc->driver == MEDIA_SPAN_DAHDI)
		return span_add_dahdi(mp, sc);
	/* spans on one local port share a worker and a socket (one sendmmsg per tick for all of them) */
	struct mworker *w = NULL;
	unsigned sharing = 0;
	for (unsigned i = 0; i < mp->n_spans; i++)
		if (mp->spans[i].local_port == sc->local_port && !strcmp(mp->spans[i].local_addr, sc->local_addr)) {
			w = mp->spans[i].w;
			sharing++;
		}
	int fd = -1;
	if (!w) {
		w = &mp->w[mp->n_spans % mp->n_w];
		fd = bind_udp(sc->local_addr, sc->local_port);
		if (fd < 0)
			return fd;
	} else if (sharing >= 64) {
		return -ENOSPC;
	}
	struct wspan *sp = calloc(1, sizeof(*sp));
	if (!sp) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	sp->cfg = *sc;
	sp->n_ts = tdm_span_n_ts(&sc->layout);
	sp->remote.sin_family = AF_INET;
	sp->remote.sin_port = htons(sc->remote_port);
	inet_pton(AF_INET, sc->remote_addr, &sp->remote.sin_addr);
	span_record(mp, w, sp, sc);
	struct cmd m = { .type = CMD_SPAN_ADD, .sp = sp, .u.i = fd };
	send_cmd(w, &m);
	return 0;
}

int media_plane_span_tx(struct media_plane *mp, unsigned id, bool on)
{
	int i = span_index(mp, id);
	if (i < 0)
		return -ENOENT;
	struct cmd m = { .type = CMD_SPAN_TX, .sp = mp->spans[i].sp, .u.i = on };
	send_cmd(mp->spans[i].w, &m);
	return 0;
}

bool media_plane_span_known(const struct media_plane *mp, unsigned id)
{
	return span_index(mp, id) >= 0;
}

bool media_plane_span_up(const struct media_plane *mp, unsigned id)
{
	int i = span_index(mp, id);
	return i >= 0 && mp->spans[i].up;
}

struct media_chan *media_chan_alloc(struct media_plane *mp, unsigned span, unsigned ts, void *owner, bool local)
{
	int si = span_index(mp, span);
	if (si < 0)
		return NULL;
	struct mworker *w = mp->spans[si].w;
	struct wspan *sp = mp->spans[si].sp;
	if (ts < 1 || ts > mp->spans[si].n_ts)
		return NULL;
	int fd = -1, rfd = -1;
	unsigned slot = 0;
	bool found = false;
	for (unsigned tries = 0; tries < mp->n_slots && !found; tries++) {
		slot = mp->next_slot;
		mp->next_slot = (mp->next_slot + 1) % mp->n_slots;
		if (mp->slot[slot])
			continue;
		if (local) {
			found = true;
			break;
		}
		uint16_t port = (uint16_t)(mp->cfg.port_min + 2 * slot);
		fd = bind_udp(mp->cfg.rtp_addr, port);
		if (fd < 0)
			continue;
		rfd = bind_udp(mp->cfg.rtp_addr, (uint16_t)(port + 1));
		if (rfd < 0) {
			close(fd);
			fd = -1;
			continue;
		}
		found = true;
	}
	if (!found)
		return NULL;
	struct media_chan *ch = talloc_zero(mp, struct media_chan);
	struct wchan *c = calloc(1, sizeof(*c));
	if (!ch || !c) {
		talloc_free(ch);
		free(c);
		if (fd >= 0)
			close(fd);
		if (rfd >= 0)
			close(rfd);
		return NULL;
	}
	ch->mp = mp;
	ch->w = w;
	ch->wc = c;
	ch->id = slot;
	ch->port = local ? 0 : (uint16_t)(mp->cfg.port_min + 2 * slot);
	ch->span = span;
	ch->ts = ts;
	ch->owner = owner;
	ch->local = local;
	mp->slot[slot] = ch;
	mp->n_chans++;
	c->id = slot;
	c->owner = owner;
	c->local = local;
	c->span = sp;
	c->ts = ts;
	c->fd = fd;
	c->rtcp_fd = rfd;
	c->dtmf_detect = true;
	c->out_pos = BLK;
	/* RFC 3550 s5.1: random initial SSRC, sequence number and timestamp */
	uint32_t r[3];
	FILE *f = fopen("/dev/urandom", "rb");
	if (!f || fread(r, sizeof(r), 1, f) != 1) {
		uint64_t t = now_us();
		r[0] = (uint32_t)(t * 2654435761u) ^ slot;
		r[1] = (uint32_t)(t >> 7);
		r[2] = (uint32_t)(t >> 13) * 40503u;
	}
	if (f)
		fclose(f);
	c->ssrc = r[0];
	c->tx_seq = (uint16_t)r[1];
	c->tx_ts = c->tx_ts0 = r[2];
	jbuf_init(&c->jb, mp->cfg.jb_min_ms, mp->cfg.jb_max_ms);
	struct cmd m = { .type = CMD_CHAN_ADD, .ch = c };
	send_cmd(w, &m);
	return ch;
}

static void chan_cmd(struct media_chan *ch, struct cmd *m)
{
	if (!ch->wc)
		return;
	m->ch = ch->wc;
	send_cmd(ch->w, m);
}

void media_chan_free(struct media_chan *ch)
{
	if (!ch)
		return;
	struct cmd m = { .type = CMD_CHAN_DEL };
	chan_cmd(ch, &m);
	if (ch->mp->slot[ch->id] == ch)
		ch->mp->slot[ch->id] = NULL;
	ch->mp->n_chans--;
	talloc_free(ch);
}

uint16_t media_chan_port(const struct media_chan *ch)
{
	return ch->port;
}

unsigned media_chan_span(const struct media_chan *ch)
{
	return ch->span;
}

unsigned media_chan_ts(const struct media_chan *ch)
{
	return ch->ts;
}

void media_chan_remote(struct media_chan *ch, const struct media_remote *r)
{
	ch->rem = *r;
	ch->has_remote = true;
	struct cmd m = { .type = CMD_REMOTE, .u.rem = *r };
	chan_cmd(ch, &m);
}

const struct media_remote *media_chan_get_remote(const struct media_chan *ch)
{
	return ch->has_remote ? &ch->rem : NULL;
}

void media_chan_tone(struct media_chan *ch, enum tone_id t)
{
	struct cmd m = { .type = CMD_TONE, .u.i = (int)t };
	chan_cmd(ch, &m);
}

void media_chan_ec(struct media_chan *ch, bool on)
{
	struct cmd m = { .type = CMD_EC, .u.i = on };
	chan_cmd(ch, &m);
}

void media_chan_cot(struct media_chan *ch, enum media_cot mode)
{
	struct cmd m = { .type = CMD_COT, .u.i = (int)mode };
	chan_cmd(ch, &m);
}

void media_chan_gen(struct media_chan *ch, unsigned hz, int dbm0)
{
	struct cmd m = { .type = CMD_GEN, .u.gen = { hz, dbm0 } };
	chan_cmd(ch, &m);
}

void media_chan_dial(struct media_chan *ch, const char *digits)
{
	struct cmd m = { .type = CMD_DIAL };
	snprintf(m.u.digits, sizeof(m.u.digits), "%s", digits);
	chan_cmd(ch, &m);
}

const struct media_stats *media_chan_stats(const struct media_chan *ch)
{
	return &ch->st;
}
