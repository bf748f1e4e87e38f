/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A media worker thread: its epoll/timerfd loop, the control plane's commands, the channels' 10 ms blocks. */

#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <spandsp.h>

#include "mplane_priv.h"

/* ---- the local analyser/generator (pstn-sim) ---- */

/* RMS of a sine at -50 dBm0 (0 dBm0: 3.14 dB below the overload point's RMS, 32768/sqrt(2)) */
#define AN_SILENT_RMS (32768.0 / M_SQRT2 * 0.6962 * 0.003162)

static void analyse(struct wchan *c, const int16_t *s, unsigned n)
{
	/* the frequency from the zero crossings of the blocks that carry a signal only, so that a few
	 * milliseconds of silence (a gap the jitter buffer could not conceal) do not pull it down */
	double e = 0;
	unsigned cross = 0;
	for (unsigned i = 0; i < n; i++) {
		e += (double)s[i] * s[i];
		if ((s[i] >= 0) != (c->an_prev >= 0))
			cross++;
		c->an_prev = s[i];
	}
	c->an_energy += e;
	c->an_total += n;
	if (n && sqrt(e / n) > AN_SILENT_RMS) {
		c->an_cross += cross;
		c->an_n += n;
	}
	if (c->an_total >= 800) {
		double rms = sqrt(c->an_energy / c->an_total);
		/* 0 dBm0: a sine of RMS 3.14 dB below the overload point of 32768/sqrt(2) */
		c->st.level_dbm0 = rms < 1 ? -99 : (int)lround(20 * log10(rms / (32768.0 / sqrt(2))) + 3.14);
		c->st.freq_hz =
			c->st.level_dbm0 > -50 && c->an_n ? (unsigned)(c->an_cross * 8000u / (2u * c->an_n)) : 0;
		c->an_energy = 0;
		c->an_cross = 0;
		c->an_n = 0;
		c->an_total = 0;
		/* test channels report every analysis window */
		struct media_event ev = { .type = MEDIA_EV_STATS, .st = c->st };
		mplane_post(c->span->w, c, &ev);
	}
}

/* ---- 10 ms blocks ---- */

static void block_from_tdm(struct wchan *c)
{
	enum tdm_law law = c->span->cfg.layout.law;
	int16_t lin[BLK];
	if (c->cot == MEDIA_COT_LOOP)
		return;
	if (!c->local && c->dsp && media_dsp_from_tdm_bypass(c->dsp, BLK)) {
		/* nothing to do to the audio: the octets go out as they are, or through a law-to-law table */
		uint8_t enc[BLK];
		enum tdm_law rl = c->remote_set ? pt_law(c->rem.pt) : law;
		if (rl == law)
			memcpy(enc, c->tdm_in, BLK);
		else
			for (unsigned i = 0; i < BLK; i++)
				enc[i] = law == TDM_LAW_ALAW ? alaw_to_ulaw(c->tdm_in[i]) : ulaw_to_alaw(c->tdm_in[i]);
		mplane_packetize(c, enc);
		return;
	}
	mplane_g711_dec(law, c->tdm_in, lin, BLK);
	if (c->dsp)
		media_dsp_from_tdm(c->dsp, lin, c->ref, BLK);
	if (c->cot == MEDIA_COT_CHECK && !c->cot_reported && c->dsp && media_dsp_cot_detected(c->dsp)) {
		c->cot_reported = true;
		media_dsp_tone(c->dsp, TONE_NONE);
		struct media_event ev = { .type = MEDIA_EV_COT, .ok = true };
		mplane_post(c->span->w, c, &ev);
	}
	if (c->local) {
		analyse(c, lin, BLK);
		return;
	}
	if (c->dsp && !c->ans_reported && media_dsp_answer_tone_seen(c->dsp)) {
		c->ans_reported = true;
		struct media_event ev = { .type = MEDIA_EV_ANSWER_TONE };
		mplane_post(c->span->w, c, &ev);
	}
	uint8_t enc[BLK];
	enum tdm_law rl = c->remote_set ? pt_law(c->rem.pt) : law;
	if (rl == law && !c->dsp)
		memcpy(enc, c->tdm_in, BLK);
	else
		mplane_g711_enc(rl, lin, enc, BLK);
	mplane_packetize(c, enc);
}

static void block_to_tdm(struct wchan *c)
{
	enum tdm_law law = c->span->cfg.layout.law;
	int16_t lin[BLK];
	if (c->dial_gap) {
		c->dial_gap--;
	} else if (c->local && c->dsp && c->dial[0]) {
		media_dsp_dtmf_play(c->dsp, c->dial[0], 100);
		memmove(c->dial, c->dial + 1, strlen(c->dial));
		c->dial_gap = 10 + 10; /* blocks: the digit's 100 ms, then 100 ms off */
	}
	if (c->local) {
		for (unsigned i = 0; i < BLK; i++) {
			lin[i] = (int16_t)(c->gen_amp * sin(c->gen_phase));
			c->gen_phase += c->gen_step;
		}
		c->gen_phase = fmod(c->gen_phase, 2 * M_PI);
	} else if (c->remote_set && (c->rem.dir & MEDIA_RECVONLY) && jbuf_get(&c->jb, lin)) {
		if (c->dsp)
			media_dsp_plc_good(c->dsp, lin, BLK);
	} else if (c->jb.started && c->dsp) {
		media_dsp_plc_fill(c->dsp, lin, BLK);
	} else {
		memset(lin, 0, sizeof(lin));
	}
	if (c->dsp)
		media_dsp_to_tdm(c->dsp, lin, BLK);
	memcpy(c->ref, lin, sizeof(lin));
	mplane_g711_enc(law, lin, c->tdm_out, BLK);
	c->out_pos = 0;
}

/* 8 frames of the channel's timeslot are at tdm_in + in_n: its 10 ms blocks run when full; the 8 frames
 * it sends toward the timeslot */
const uint8_t *mplane_chan_step(struct wchan *c)
{
	c->in_n += FRAMES_PER_PKT;
	if (c->in_n == BLK) {
		block_from_tdm(c);
		c->in_n = 0;
	}
	if (c->out_pos >= BLK)
		block_to_tdm(c);
	const uint8_t *o = c->tdm_out + c->out_pos;
	c->out_pos += FRAMES_PER_PKT;
	return o;
}

/* ---- commands ---- */

void mplane_chan_close(struct wchan *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->rtcp_fd >= 0)
		close(c->rtcp_fd);
	if (c->dsp)
		media_dsp_free(c->dsp);
	free(c);
}

void mplane_free_dead(struct mworker *w)
{
	while (w->dead) {
		struct wchan *c = w->dead;
		w->dead = c->next_dead;
		mplane_chan_close(c);
	}
}

struct media_dsp *mplane_dsp_for(struct mworker *w, struct wchan *c)
{
	const struct media_plane_cfg *cfg = &w->mp->cfg;
	struct media_dsp_cfg dc = { .dtmf_detect = c->dtmf_detect,
				    .ec_tail_ms = c->local ? 0 : cfg->ec_tail_ms,
				    .plan = cfg->plan };
	struct media_dsp *d = media_dsp_alloc(w->tctx, &dc, mplane_on_dsp_dtmf, c);
	if (d && !c->local)
		media_dsp_ec_enable(d, cfg->ec_default);
	return d;
}

static void run_cmd(struct mworker *w, struct cmd *m)
{
	struct wchan *c = m->ch;
	switch (m->type) {
	case CMD_SPAN_ADD: {
		struct wspan *sp = m->sp;
		if (sp->dahdi) {
			if (w->n_spans >= 256) {
				mplane_span_free(sp);
				return;
			}
			for (unsigned ts = 1; ts <= sp->dahdi->n_ts; ts++) {
				struct dahdi_ts *t = &sp->dahdi->ts[ts];
				if (t->fd < 0)
					continue;
				struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)(uintptr_t)t | 2 };
				epoll_ctl(w->epfd, EPOLL_CTL_ADD, t->fd, &ev);
			}
			sp->sock = -1;
			w->spans[w->n_spans++] = sp;
			sp->w = w;
			sp->last_rx_tick = w->ticks;
			return;
		}
		int k = -1;
		for (unsigned i = 0; i < w->n_socks; i++)
			if (w->socks[i].port == sp->cfg.local_port && !strcmp(w->socks[i].addr, sp->cfg.local_addr))
				k = (int)i;
		if (k < 0) {
			if (m->u.i < 0 || w->n_socks >= MAX_SOCKS || w->n_spans >= 256) {
				if (m->u.i >= 0)
					close(m->u.i);
				mplane_span_free(sp);
				LOGP(media_log_cat, LOGL_ERROR, "media worker %u: span not added\n", w->idx);
				return;
			}
			k = (int)w->n_socks++;
			struct wsock *so = &w->socks[k];
			so->fd = m->u.i;
			snprintf(so->addr, sizeof(so->addr), "%s", sp->cfg.local_addr);
			so->port = sp->cfg.local_port;
			so->n_spans = 0;
			struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 16 + (uint64_t)k };
			epoll_ctl(w->epfd, EPOLL_CTL_ADD, so->fd, &ev);
		}
		sp->sock = k;
		w->socks[k].spans[w->socks[k].n_spans++] = sp;
		w->spans[w->n_spans++] = sp;
		sp->w = w;
		sp->last_rx_tick = w->ticks;
		return;
	}
	case CMD_CHAN_ADD:
		c->dsp = mplane_dsp_for(w, c);
		if (c->span)
			c->span->chan[c->ts] = c;
		llist_add_tail(&c->list, &w->chans);
		w->n_chans++;
		if (c->fd >= 0) {
			struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)(uintptr_t)c };
			epoll_ctl(w->epfd, EPOLL_CTL_ADD, c->fd, &ev);
			ev.data.u64 = (uint64_t)(uintptr_t)c | 1;
			epoll_ctl(w->epfd, EPOLL_CTL_ADD, c->rtcp_fd, &ev);
		}
		return;
	case CMD_CHAN_DEL: {
		if (c->span && c->span->chan[c->ts] == c)
			c->span->chan[c->ts] = NULL;
		llist_del(&c->list);
		w->n_chans--;
		if (c->remote_set && !c->local) {
			LOGP(media_log_cat, LOGL_INFO,
			     "media %u: closed: rx %u pkts (lost %d, jitter %u ms, late %u, concealed %u, foreign %u), "
			     "tx %u pkts, DTMF rx %u tx %u\n",
			     c->id, c->st.rx_packets, rtp_stats_lost(&c->rx), rtp_stats_jitter(&c->rx) / 8, c->st.late,
			     c->jb.concealed, c->st.foreign, c->st.tx_packets, c->st.events_rx, c->st.events_tx);
			/* RFC 3550 s6.6: BYE when we leave */
			if (c->rtcp_fd >= 0) {
				struct rtcp_info b = { .ssrc = c->ssrc, .bye = true, .has_sr = c->st.tx_packets > 0 };
				if (b.has_sr) {
					b.ntp = ntp_now();
					b.rtp_ts = c->tx_ts;
					b.packets = c->st.tx_packets;
					b.octets = c->st.tx_octets;
				}
				snprintf(b.cname, sizeof(b.cname), "isupgw-%u", c->id);
				uint8_t buf[256];
				int n = rtcp_build(buf, sizeof(buf), &b);
				if (n > 0)
					sendto(c->rtcp_fd, buf, (size_t)n, MSG_DONTWAIT,
					       (struct sockaddr *)&c->rtcp_peer, sizeof(c->rtcp_peer));
			}
		}
		/* the epoll batch being handled may still hold an event for its sockets: the sockets close now
		 * (no further events), the memory at the end of the batch */
		if (c->fd >= 0)
			close(c->fd);
		if (c->rtcp_fd >= 0)
			close(c->rtcp_fd);
		c->fd = c->rtcp_fd = -1;
		c->closed = true;
		c->next_dead = w->dead;
		w->dead = c;
		return;
	}
	case CMD_REMOTE:
		mplane_set_remote(w, c, &m->u.rem);
		return;
	case CMD_TONE:
		if (c->dsp)
			media_dsp_tone(c->dsp, (enum tone_id)m->u.i);
		return;
	case CMD_EC:
		if (c->dsp)
			media_dsp_ec_enable(c->dsp, m->u.i);
		return;
	case CMD_COT:
		c->cot = (enum media_cot)m->u.i;
		c->cot_reported = false;
		if (c->dsp) {
			media_dsp_cot_arm(c->dsp, c->cot == MEDIA_COT_CHECK);
			media_dsp_tone(c->dsp, c->cot == MEDIA_COT_CHECK ? TONE_COT : TONE_NONE);
		}
		return;
	case CMD_GEN:
		c->gen_step = 2 * M_PI * m->u.gen.hz / 8000.0;
		c->gen_amp = m->u.gen.hz ? 32768.0 * pow(10.0, (m->u.gen.dbm0 - 3.14) / 20.0) : 0;
		return;
	case CMD_DIAL:
		/* local channels: digits in-band, 100 ms on and 100 ms off */
		snprintf(c->dial + strlen(c->dial), sizeof(c->dial) - strlen(c->dial), "%s", m->u.digits);
		return;
	case CMD_SPAN_TX:
		m->sp->tx_off = !m->u.i;
		return;
	case CMD_STOP:
		w->running = false;
		return;
	}
}

static void drain_cmds(struct mworker *w)
{
	uint64_t v;
	if (read(w->evfd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	for (;;) {
		struct cmd m;
		pthread_mutex_lock(&w->qlock);
		bool got = mplane_cmdq_pop(w, &m);
		pthread_mutex_unlock(&w->qlock);
		if (!got)
			return;
		run_cmd(w, &m);
	}
}

static void stats_tick(struct mworker *w)
{
	struct wchan *c;
	llist_for_each_entry(c, &w->chans, list) {
		if (!c->local) {
			c->st.lost = rtp_stats_lost(&c->rx);
			c->st.jitter_ms = rtp_stats_jitter(&c->rx) / 8;
			c->st.concealed = c->jb.concealed;
			if (w->ticks % 5000 == 0)
				mplane_rtcp_send(c);
		}
		struct media_event ev = { .type = MEDIA_EV_STATS, .st = c->st };
		mplane_post(w, c, &ev);
	}
}

static void *worker_main(void *arg)
{
	struct mworker *w = arg;
	struct epoll_event evs[128];
	struct mmsghdr out[MAX_SOCKS][64];
	struct iovec iov[MAX_SOCKS][64];
	unsigned n_out[MAX_SOCKS];
	while (w->running) {
		int n = epoll_wait(w->epfd, evs, 128, 100);
		for (int i = 0; i < n; i++) {
			uint64_t d = evs[i].data.u64;
			if (d == 1) { /* timerfd */
				uint64_t exp = 0;
				if (read(w->tfd, &exp, sizeof(exp)) != sizeof(exp))
					continue;
				w->late_ticks += exp - 1;
				if (exp > 20)
					exp = 20;
				if (exp > 1) {
					/* behind: what the spans' peers sent meanwhile is played before catching up */
					for (unsigned k = 0; k < w->n_socks; k++)
						mplane_sock_read_span(w, &w->socks[k]);
				} /* after a stall: catch up at most 20 ms */
				for (uint64_t t = 0; t < exp; t++) {
					w->ticks++;
					memset(n_out, 0, sizeof(n_out));
					for (unsigned s = 0; s < w->n_spans; s++) {
						struct wspan *sp = w->spans[s];
						if (sp->dahdi) {
							mplane_dahdi_tick(sp);
							continue;
						}
						unsigned k = (unsigned)sp->sock;
						if (sp->tx_off) {
							/* still consumed, so the channels run; nothing sent */
							struct mmsghdr dummy;
							struct iovec dv;
							mplane_span_tick(sp, &dummy, &dv);
						} else if (n_out[k] < 64) {
							mplane_span_tick(sp, &out[k][n_out[k]], &iov[k][n_out[k]]);
							n_out[k]++;
						}
					}
					/* batched: every span on one local port in one sendmmsg */
					for (unsigned k = 0; k < w->n_socks; k++)
						if (n_out[k])
							sendmmsg(w->socks[k].fd, out[k], n_out[k], MSG_DONTWAIT);
					if (w->ticks % 1000 == 0)
						stats_tick(w);
				}
			} else if (d == 2) {
				drain_cmds(w);
			} else if (d >= 16 && d < 16 + MAX_SOCKS) {
				mplane_sock_read_span(w, &w->socks[d - 16]);
			} else if ((d & 3) == 2) {
				mplane_dahdi_readable(w, (struct dahdi_ts *)(uintptr_t)(d & ~(uint64_t)3));
			} else {
				struct wchan *c = (struct wchan *)(uintptr_t)(d & ~(uint64_t)1);
				if (!c->closed)
					mplane_sock_read(w, c, d & 1);
			}
		}
		mplane_free_dead(w);
	}
	return NULL;
}

int mplane_worker_start(struct media_plane *mp, struct mworker *w, unsigned idx)
{
	w->mp = mp;
	w->idx = idx;
	INIT_LLIST_HEAD(&w->chans);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	w->q = calloc(QCAP, sizeof(*w->q));
	w->q_cap = QCAP;
	if (w->epfd < 0 || w->tfd < 0 || w->evfd < 0 || !w->q)
		return -errno;
	pthread_mutex_init(&w->qlock, NULL);
	w->tctx = talloc_named_const(NULL, 0, "media worker");
	struct itimerspec its = { .it_interval = { 0, 1000000 }, .it_value = { 0, 1000000 } };
	timerfd_settime(w->tfd, 0, &its, NULL);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 1 };
	epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->tfd, &ev);
	ev.data.u64 = 2;
	epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->evfd, &ev);
	w->running = true;
	int rc = pthread_create(&w->thr, NULL, worker_main, w);
	if (rc) {
		w->running = false;
		return -rc;
	}
	char name[16];
	snprintf(name, sizeof(name), "media%u", idx);
	pthread_setname_np(w->thr, name);
	return 0;
}
