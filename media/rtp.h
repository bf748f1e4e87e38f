/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RTP and RTCP on the wire (RFC 3550), telephone events (RFC 4733) and the receiver statistics of RFC 3550
 * appendix A (sequence validation, loss, interarrival jitter). Pure functions on buffers: every parser
 * checks every length against the datagram and rejects rather than guesses. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTP_HDR_LEN 12

struct rtp_hdr {
	uint8_t pt;
	bool marker;
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
};

/* A datagram as RTP: version 2, CSRCs, header extension and padding skipped/removed. The payload points
 * into buf. 0, or -EBADMSG (not RTP, or a length that does not fit). */
int rtp_parse(const uint8_t *buf, size_t len, struct rtp_hdr *h, const uint8_t **payload, size_t *payload_len);
/* The 12-octet fixed header (no CSRC, no extension, no padding). */
void rtp_write_hdr(uint8_t *buf, const struct rtp_hdr *h);

/* RFC 4733 s2.3 named event payload (4 octets). */
struct rtp_event {
	uint8_t event; /* 0-9, 10 '*', 11 '#', 12-15 A-D, 16 flash */
	bool end;
	uint8_t volume;	   /* -dBm0, 0..63 */
	uint16_t duration; /* in timestamp units since the event's timestamp */
};
int rtp_event_parse(const uint8_t *pl, size_t len, struct rtp_event *e);
void rtp_event_write(uint8_t *pl, const struct rtp_event *e);

/* Receiver statistics of one source (RFC 3550 A.1, A.3, A.8). */
struct rtp_rx_stats {
	bool init;
	uint16_t max_seq;
	uint32_t cycles; /* shifted count of sequence number cycles */
	uint32_t base_seq;
	uint32_t bad_seq;
	uint32_t probation; /* sequential packets still needed before the source is valid */
	uint32_t received;
	uint32_t expected_prior, received_prior;
	int64_t transit;
	uint32_t jitter_q4;	     /* interarrival jitter in timestamp units, times 16 (A.8) */
	uint32_t duplicates_or_late; /* packets not counted because they were out of the valid window */
};

/* A packet with sequence seq, RTP timestamp ts, arriving at arrival (same clock as ts: samples).
 * 0: count and use it; -1: not (source on probation, or a jump a resync will confirm). */
int rtp_stats_update(struct rtp_rx_stats *s, uint16_t seq, uint32_t ts, uint32_t arrival);
uint32_t rtp_stats_ext_max(const struct rtp_rx_stats *s);
/* Cumulative packets lost (may be negative with duplicates), clamped to 24 bits signed. */
int32_t rtp_stats_lost(const struct rtp_rx_stats *s);
/* Loss fraction since the previous call, 8-bit fixed point, and the interval becomes the next. */
uint8_t rtp_stats_fraction(struct rtp_rx_stats *s);
uint32_t rtp_stats_jitter(const struct rtp_rx_stats *s);

/* RTCP (RFC 3550 s6.4): one report block. */
struct rtcp_rb {
	uint32_t ssrc;
	uint8_t fraction;
	int32_t lost; /* 24-bit signed */
	uint32_t ext_max_seq;
	uint32_t jitter;
	uint32_t lsr;
	uint32_t dlsr;
};

#define RTCP_MAX_RB 4
/* What a compound RTCP packet said: the first SR or RR, its report blocks, a BYE. */
struct rtcp_info {
	bool has_sr, has_rr, bye;
	uint32_t ssrc;
	uint64_t ntp; /* SR: NTP timestamp */
	uint32_t rtp_ts, packets, octets;
	unsigned n_rb;
	struct rtcp_rb rb[RTCP_MAX_RB];
	char cname[64]; /* SDES CNAME when present */
};

/* A compound RTCP packet: RFC 3550 A.2 validity (version 2, first packet SR or RR, lengths adding up to
 * the datagram exactly, padding only on the last). 0 or -EBADMSG. */
int rtcp_parse(const uint8_t *buf, size_t len, struct rtcp_info *out);
/* SR (has_sr) or RR with in->n_rb report blocks, then SDES CNAME, then BYE when in->bye. Length written,
 * or -ENOSPC. */
int rtcp_build(uint8_t *buf, size_t size, const struct rtcp_info *in);
