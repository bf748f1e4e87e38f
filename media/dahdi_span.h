/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The DAHDI span driver: one /dev/dahdi/channel per bearer timeslot, read and written in 160-octet blocks
 * (20 ms) of the span's law. The card's clock paces the reads; the media worker takes 8 octets per
 * timeslot every millisecond from a small ring (idle code and an underrun count when it runs dry, the
 * oldest octets dropped as a slip when it overflows) and hands 8 back, written out once a block is full.
 *
 * Built with DAHDI's headers (configure: HAVE_DAHDI_USER_H); without them dahdi_span_open() answers
 * -ENOTSUP. The ring and block logic is independent of the device: dahdi_ts_attach() takes any
 * non-blocking descriptor that keeps datagram boundaries (the unit test uses socket pairs). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "tdm_span.h"

#define DAHDI_TS_BLOCK 160		    /* octets per read/write: 20 ms */
#define DAHDI_RX_RING  (4 * DAHDI_TS_BLOCK) /* up to 80 ms of received audio waiting */

struct dahdi_ts {
	int fd; /* -1: not open (signalling timeslot, or closed) */
	unsigned ts;
	uint8_t rx[DAHDI_RX_RING];
	unsigned rx_head, rx_n;
	uint8_t tx[DAHDI_TS_BLOCK];
	unsigned tx_n;
	bool playing; /* the ring held a block since the last underrun */
	uint32_t rx_blocks, tx_blocks, underruns, slips, write_errors;
};

struct dahdi_span {
	unsigned n_ts;
	uint8_t idle;		/* the law's idle code, played when nothing was received */
	bool alarm;		/* the card reported a red/yellow/blue alarm and not its end yet */
	struct dahdi_ts ts[32]; /* by timeslot number, 1..n_ts */
};

void dahdi_span_init(struct dahdi_span *ds, const struct tdm_span *layout);
/* Opens the span's bearer timeslots as DAHDI channels base_chan + ts - 1, in the span's law, 160-octet
 * blocks. 0, or -errno (every channel opened so far is closed again). */
int dahdi_span_open(struct dahdi_span *ds, const struct tdm_span *layout, unsigned base_chan);
void dahdi_span_close(struct dahdi_span *ds);
/* Uses fd (non-blocking, datagrams) for timeslot ts instead of a DAHDI channel. */
void dahdi_ts_attach(struct dahdi_span *ds, unsigned ts, int fd);

enum dahdi_rx_result {
	DAHDI_RX_OK,
	DAHDI_RX_ALARM,
	DAHDI_RX_ALARM_CLEARED,
	DAHDI_RX_FAILED
};
/* The timeslot's descriptor is readable: its blocks go into the ring; DAHDI events are reported. */
enum dahdi_rx_result dahdi_ts_rx(struct dahdi_span *ds, struct dahdi_ts *t);
/* n octets (n <= DAHDI_TS_BLOCK) toward the media channel: from the ring, or idle code after an underrun
 * until a whole block has arrived again. false when idle code was given. */
bool dahdi_ts_take(struct dahdi_span *ds, struct dahdi_ts *t, uint8_t *out, unsigned n);
/* n octets from the media channel toward the card; a full block is written. */
void dahdi_ts_give(struct dahdi_ts *t, const uint8_t *in, unsigned n);
