/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DAHDI span driver: see dahdi_span.h. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifdef HAVE_DAHDI_USER_H
#include <dahdi/user.h>
#endif

#include "dahdi_span.h"

void dahdi_span_init(struct dahdi_span *ds, const struct tdm_span *layout)
{
	memset(ds, 0, sizeof(*ds));
	ds->n_ts = tdm_span_n_ts(layout);
	ds->idle = layout->law == TDM_LAW_ALAW ? 0xd5 : 0xff;
	for (unsigned i = 0; i < 32; i++) {
		ds->ts[i].fd = -1;
		ds->ts[i].ts = i;
	}
}

void dahdi_ts_attach(struct dahdi_span *ds, unsigned ts, int fd)
{
	if (ts >= 1 && ts <= ds->n_ts)
		ds->ts[ts].fd = fd;
}

#ifdef HAVE_DAHDI_USER_H
static int open_channel(unsigned chan, enum tdm_law law)
{
	int fd = open("/dev/dahdi/channel", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int ch = (int)chan, bs = DAHDI_TS_BLOCK, linear = 0;
	int dlaw = law == TDM_LAW_ALAW ? DAHDI_LAW_ALAW : DAHDI_LAW_MULAW;
	struct dahdi_bufferinfo bi = { .txbufpolicy = DAHDI_POLICY_IMMEDIATE,
				       .rxbufpolicy = DAHDI_POLICY_IMMEDIATE,
				       .numbufs = 4,
				       .bufsize = DAHDI_TS_BLOCK };
	if (ioctl(fd, DAHDI_SPECIFY, &ch) < 0 || ioctl(fd, DAHDI_SET_BLOCKSIZE, &bs) < 0 ||
	    ioctl(fd, DAHDI_SET_BUFINFO, &bi) < 0 || ioctl(fd, DAHDI_SETLINEAR, &linear) < 0 ||
	    ioctl(fd, DAHDI_SETLAW, &dlaw) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}
#endif

int dahdi_span_open(struct dahdi_span *ds, const struct tdm_span *layout, unsigned base_chan)
{
	dahdi_span_init(ds, layout);
#ifdef HAVE_DAHDI_USER_H
	for (unsigned ts = 1; ts <= ds->n_ts; ts++) {
		if (!tdm_span_is_bearer(layout, ts))
			continue;
		int fd = open_channel(base_chan + ts - 1, layout->law);
		if (fd < 0) {
			dahdi_span_close(ds);
			return fd;
		}
		ds->ts[ts].fd = fd;
	}
	return 0;
#else
	(void)base_chan;
	return -ENOTSUP;
#endif
}

void dahdi_span_close(struct dahdi_span *ds)
{
	for (unsigned ts = 1; ts <= ds->n_ts; ts++) {
		if (ds->ts[ts].fd >= 0)
			close(ds->ts[ts].fd);
		ds->ts[ts].fd = -1;
	}
}

static void ring_put(struct dahdi_ts *t, const uint8_t *b, unsigned n)
{
	if (n > DAHDI_RX_RING) {
		b += n - DAHDI_RX_RING;
		n = DAHDI_RX_RING;
	}
	if (t->rx_n + n > DAHDI_RX_RING) {
		/* the card's clock runs ahead of ours: drop the oldest */
		unsigned drop = t->rx_n + n - DAHDI_RX_RING;
		t->rx_head = (t->rx_head + drop) % DAHDI_RX_RING;
		t->rx_n -= drop;
		t->slips++;
	}
	for (unsigned i = 0; i < n; i++)
		t->rx[(t->rx_head + t->rx_n + i) % DAHDI_RX_RING] = b[i];
	t->rx_n += n;
}

enum dahdi_rx_result dahdi_ts_rx(struct dahdi_span *ds, struct dahdi_ts *t)
{
	uint8_t b[DAHDI_TS_BLOCK * 2];
	for (unsigned i = 0; i < 8; i++) {
		ssize_t n = read(t->fd, b, sizeof(b));
		if (n > 0) {
			ring_put(t, b, (unsigned)n);
			t->rx_blocks++;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return DAHDI_RX_OK;
#ifdef HAVE_DAHDI_USER_H
		if (n < 0 && errno == ELAST) {
			/* an event is pending instead of audio */
			int ev = 0;
			if (ioctl(t->fd, DAHDI_GETEVENT, &ev) == 0) {
				if (ev == DAHDI_EVENT_ALARM) {
					ds->alarm = true;
					return DAHDI_RX_ALARM;
				}
				if (ev == DAHDI_EVENT_NOALARM) {
					ds->alarm = false;
					return DAHDI_RX_ALARM_CLEARED;
				}
			}
			continue;
		}
#endif
		return DAHDI_RX_FAILED; /* closed or broken: the span goes down */
	}
	return DAHDI_RX_OK;
}

bool dahdi_ts_take(struct dahdi_span *ds, struct dahdi_ts *t, uint8_t *out, unsigned n)
{
	if (!t->playing && t->rx_n >= DAHDI_TS_BLOCK)
		t->playing = true; /* a block of margin against the card's 20 ms bursts */
	if (!t->playing || t->rx_n < n) {
		if (t->playing)
			t->underruns++;
		t->playing = false;
		memset(out, ds->idle, n);
		return false;
	}
	for (unsigned i = 0; i < n; i++)
		out[i] = t->rx[(t->rx_head + i) % DAHDI_RX_RING];
	t->rx_head = (t->rx_head + n) % DAHDI_RX_RING;
	t->rx_n -= n;
	return true;
}

void dahdi_ts_give(struct dahdi_ts *t, const uint8_t *in, unsigned n)
{
	while (n) {
		unsigned k = DAHDI_TS_BLOCK - t->tx_n < n ? DAHDI_TS_BLOCK - t->tx_n : n;
		memcpy(t->tx + t->tx_n, in, k);
		t->tx_n += k;
		in += k;
		n -= k;
		if (t->tx_n == DAHDI_TS_BLOCK) {
			if (t->fd >= 0 && write(t->fd, t->tx, DAHDI_TS_BLOCK) == DAHDI_TS_BLOCK)
				t->tx_blocks++;
			else
				t->write_errors++;
			t->tx_n = 0;
		}
	}
}
