/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The spans' I/O inside a worker: CESoPSN over UDP (batched in, 1 ms out) and DAHDI timeslots. */

#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <osmocom/core/logging.h>

#include "mplane_priv.h"

/* ---- spans ---- */

static uint8_t idle_code(enum tdm_law law)
{
	return law == TDM_LAW_ALAW ? 0xd5 : 0xff;
}

#define BATCH 16

static void mmsg_prepare(struct mmsghdr *m, struct iovec *iov, uint8_t *bufs, size_t size, struct sockaddr_in *src)
{
	memset(m, 0, BATCH * sizeof(*m));
	for (unsigned i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs + i * size;
		iov[i].iov_len = size;
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
		m[i].msg_hdr.msg_name = &src[i];
		m[i].msg_hdr.msg_namelen = sizeof(src[i]);
	}
}

static void span_set_up(struct wspan *sp, bool up)
{
	if (sp->up == up)
		return;
	sp->up = up;
	if (sp->dahdi)
		LOGP(media_log_cat, up ? LOGL_NOTICE : LOGL_ERROR, "span %u: DAHDI channels %u-%u %s\n", sp->cfg.id,
		     sp->cfg.dahdi_base, sp->cfg.dahdi_base + sp->n_ts - 1,
		     up		      ? "up" :
		     sp->dahdi->alarm ? "in alarm: span down" :
					"silent: span down");
	else
		LOGP(media_log_cat, up ? LOGL_NOTICE : LOGL_ERROR, "span %u: CESoPSN stream from %s:%u %s\n",
		     sp->cfg.id, sp->cfg.remote_addr, sp->cfg.remote_port, up ? "up" : "stopped: span down");
	struct media_event ev = { .type = MEDIA_EV_SPAN, .span = sp->cfg.id, .ok = up };
	mplane_post(sp->w, NULL, &ev);
}

static void span_rx(struct wspan *sp, const uint8_t *buf, size_t len)
{
	struct cesop_hdr h;
	const uint8_t *pl;
	unsigned frames;
	if (cesop_parse(buf, len, sp->n_ts, &h, &pl, &frames)) {
		sp->malformed++;
		return;
	}
	sp->rx_packets++;
	sp->last_rx_tick = sp->w->ticks;
	span_set_up(sp, true);
	for (unsigned f = 0; f < frames; f++) {
		if (sp->r_count == SPAN_RING) {
			/* the far end's clock runs fast: slip a frame */
			sp->r_head = (sp->r_head + 1) % SPAN_RING;
			sp->r_count--;
			sp->slips++;
		}
		memcpy(sp->ring[(sp->r_head + sp->r_count) % SPAN_RING], pl + f * sp->n_ts, sp->n_ts);
		sp->r_count++;
	}
}

void mplane_sock_read_span(struct mworker *w, struct wsock *s)
{
	uint8_t bufs[BATCH][1024];
	struct sockaddr_in src[BATCH];
	struct iovec iov[BATCH];
	struct mmsghdr m[BATCH];
	(void)w;
	for (;;) {
		mmsg_prepare(m, iov, bufs[0], sizeof(bufs[0]), src);
		int n = recvmmsg(s->fd, m, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++) {
			for (unsigned k = 0; k < s->n_spans; k++) {
				struct wspan *sp = s->spans[k];
				if (same_addr(&src[i], &sp->remote)) {
					span_rx(sp, bufs[i], m[i].msg_len);
					break;
				}
			}
		}
		if (n < BATCH)
			return;
	}
}

/* one millisecond of a span: 8 frames in to the channels, 8 frames out from them */
void mplane_span_tick(struct wspan *sp, struct mmsghdr *out, struct iovec *iov)
{
	uint8_t idle = idle_code(sp->cfg.layout.law);
	if (!sp->playing && sp->r_count >= sp->w->mp->cfg.span_jb_ms * 8)
		sp->playing = true;
	bool have = sp->playing && sp->r_count >= FRAMES_PER_PKT;
	if (sp->playing && !have) {
		sp->underruns++;
		sp->playing = false;
	}
	if (sp->up && sp->w->ticks - sp->last_rx_tick > sp->w->mp->cfg.span_timeout_ms) {
		span_set_up(sp, false);
		sp->r_count = 0;
		sp->playing = false;
	}
	uint8_t *pl = sp->txbuf + CESOP_CW_LEN;
	for (unsigned k = 0; k < sp->n_ts; k++) {
		struct wchan *c = sp->chan[k + 1];
		if (!c) {
			for (unsigned f = 0; f < FRAMES_PER_PKT; f++)
				pl[f * sp->n_ts + k] = idle;
			continue;
		}
		/* in: timeslot k + 1 of 8 frames */
		for (unsigned f = 0; f < FRAMES_PER_PKT; f++)
			c->tdm_in[c->in_n + f] = have ? sp->ring[(sp->r_head + f) % SPAN_RING][k] : idle;
		if (c->cot == MEDIA_COT_LOOP) {
			/* Q.724 loopback on an incoming CCR: what arrives goes back */
			for (unsigned f = 0; f < FRAMES_PER_PKT; f++)
				pl[f * sp->n_ts + k] = c->tdm_in[c->in_n + f];
			continue;
		}
		const uint8_t *o = mplane_chan_step(c);
		for (unsigned f = 0; f < FRAMES_PER_PKT; f++)
			pl[f * sp->n_ts + k] = o[f];
	}
	if (have) {
		sp->r_head = (sp->r_head + FRAMES_PER_PKT) % SPAN_RING;
		sp->r_count -= FRAMES_PER_PKT;
	}
	struct cesop_hdr h = { .r = !sp->up, .seq = sp->tx_seq++ };
	size_t plen = FRAMES_PER_PKT * sp->n_ts;
	cesop_write_cw(sp->txbuf, &h, plen);
	iov->iov_base = sp->txbuf;
	iov->iov_len = CESOP_CW_LEN + plen;
	memset(out, 0, sizeof(*out));
	out->msg_hdr.msg_iov = iov;
	out->msg_hdr.msg_iovlen = 1;
	out->msg_hdr.msg_name = &sp->remote;
	out->msg_hdr.msg_namelen = sizeof(sp->remote);
	sp->tx_packets++;
}

/* one millisecond of a DAHDI span: each timeslot's 8 octets from and to its channel's block buffers */
void mplane_dahdi_tick(struct wspan *sp)
{
	struct dahdi_span *ds = sp->dahdi;
	if (sp->up && sp->w->ticks - sp->last_rx_tick > sp->w->mp->cfg.span_timeout_ms)
		span_set_up(sp, false); /* the card stopped delivering blocks */
	for (unsigned k = 0; k < sp->n_ts; k++) {
		struct dahdi_ts *t = &ds->ts[k + 1];
		if (t->fd < 0)
			continue;
		struct wchan *c = sp->chan[k + 1];
		uint8_t in[FRAMES_PER_PKT], out[FRAMES_PER_PKT];
		dahdi_ts_take(ds, t, in, FRAMES_PER_PKT);
		if (!c) {
			memset(out, ds->idle, sizeof(out));
		} else if (c->cot == MEDIA_COT_LOOP) {
			memcpy(out, in, sizeof(out));
		} else {
			memcpy(c->tdm_in + c->in_n, in, FRAMES_PER_PKT);
			memcpy(out, mplane_chan_step(c), FRAMES_PER_PKT);
		}
		dahdi_ts_give(t, out, FRAMES_PER_PKT);
	}
}

void mplane_dahdi_readable(struct mworker *w, struct dahdi_ts *t)
{
	struct dahdi_span *ds = (struct dahdi_span *)((char *)(t - t->ts) - offsetof(struct dahdi_span, ts));
	struct wspan *sp = NULL;
	for (unsigned i = 0; i < w->n_spans && !sp; i++)
		if (w->spans[i]->dahdi == ds)
			sp = w->spans[i];
	if (!sp)
		return;
	switch (dahdi_ts_rx(ds, t)) {
	case DAHDI_RX_OK:
		sp->last_rx_tick = w->ticks;
		sp->rx_packets++;
		if (!ds->alarm)
			span_set_up(sp, true);
		break;
	case DAHDI_RX_ALARM:
		span_set_up(sp, false);
		break;
	case DAHDI_RX_ALARM_CLEARED:
		span_set_up(sp, true);
		break;
	case DAHDI_RX_FAILED:
		LOGP(media_log_cat, LOGL_ERROR, "span %u: DAHDI channel %u failed: %s\n", sp->cfg.id,
		     sp->cfg.dahdi_base + t->ts - 1, strerror(errno));
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, t->fd, NULL);
		close(t->fd);
		t->fd = -1;
		span_set_up(sp, false);
		break;
	}
}

void mplane_span_free(struct wspan *sp)
{
	if (sp->dahdi) {
		dahdi_span_close(sp->dahdi);
		free(sp->dahdi);
	}
	free(sp);
}
