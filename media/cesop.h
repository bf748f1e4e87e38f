/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CESoPSN (RFC 5086) structured NxDS0 packets without RTP header: the 4-octet control word, then the
 * payload as frames of N octets (one per carried timeslot, in timeslot order). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CESOP_CW_LEN 4

struct cesop_hdr {
	bool l;	   /* local TDM failure: the payload may be absent */
	bool r;	   /* remote: the sender is not receiving our packets */
	uint8_t m; /* modifier bits (RFC 5086 s5.2) */
	uint16_t seq;
};

/* A packet carrying n_ts timeslots: the header, the payload and its frame count. A packet with L set
 * may carry no payload (frames 0). 0, or -EBADMSG (bad control word, fragment bits, length field, or a
 * payload that is not whole frames). */
int cesop_parse(const uint8_t *buf, size_t len, unsigned n_ts, struct cesop_hdr *h, const uint8_t **payload,
		unsigned *frames);
/* The control word; the length field is set when the packet (CW + payload) is shorter than 64 octets. */
void cesop_write_cw(uint8_t *buf, const struct cesop_hdr *h, size_t payload_len);
