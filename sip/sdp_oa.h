/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SDP offer/answer (RFC 3264, RFC 4566) for one G.711 audio stream, read with sofia-sip's SDP parser:
 * the first audio m= line's address, port, G.711 payload types in the author's order, telephone-event
 * (RFC 4733), ptime and direction; and the SDP we write (offer, or an answer that keeps one codec). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* as in SDP, from the author's side: bit 0 it sends, bit 1 it receives */
enum sdp_dir {
	SDP_INACTIVE = 0,
	SDP_SENDONLY = 1,
	SDP_RECVONLY = 2,
	SDP_SENDRECV = 3
};

struct sdp_desc {
	char addr[64];
	uint16_t port;	/* 0: the stream is rejected/disabled */
	uint8_t pts[8]; /* G.711 payload types (0 PCMU, 8 PCMA) in the m= line's order */
	unsigned n_pts;
	int te_pt;	/* telephone-event/8000, -1: none */
	bool clearmode; /* CLEARMODE (RFC 4040) offered */
	int clearmode_pt;
	unsigned ptime; /* 0: not given */
	enum sdp_dir dir;
	uint64_t version; /* o= version */
};

/* 0, or -EBADMSG (not SDP, or no audio stream over RTP/AVP). */
int sdp_oa_parse(const char *sdp, size_t len, struct sdp_desc *d);

/* Why an offer cannot be answered, as the warn-code of the Warning header a 488 carries (RFC 3261 s20.43,
 * s21.4.26): the gateway bridges one audio stream over RTP/AVP to an IPv4 address, in PCMA or PCMU. */
enum sdp_warn {
	SDP_WARN_NET_ADDR = 301,    /* Incompatible network address formats: the audio stream is not IPv4 */
	SDP_WARN_TRANSPORT = 302,   /* Incompatible transport protocol: audio only over RTP/SAVP and the like */
	SDP_WARN_MEDIA_TYPE = 304,  /* Media type not available: no audio stream at all */
	SDP_WARN_FORMAT = 305,	    /* Incompatible media format: audio without PCMA or PCMU (G.729, CLEARMODE) */
	SDP_WARN_UNPARSEABLE = 399, /* Miscellaneous warning: not SDP as RFC 4566 writes it */
};
/* Whether we can answer the offer (RFC 3264 s6): 0 (d as sdp_oa_parse() fills it), an enum sdp_warn, or
 * -ENOMEM. The stream judged is the one sdp_oa_parse() takes. */
int sdp_oa_answerable(const char *sdp, size_t len, struct sdp_desc *d);
/* The warn-text for an enum sdp_warn */
const char *sdp_oa_warn_text(int warn);
/* The direction we take toward an author who said dir (RFC 3264 s6.1). */
enum sdp_dir sdp_oa_mirror(enum sdp_dir dir);
/* The codec we use with the remote description: the first G.711 it lists that we take (prefer: our
 * first choice when the remote lists both, used for offers we received), -1 when none. */
int sdp_oa_choose(const struct sdp_desc *remote, int prefer, bool remote_is_offer);

struct sdp_out {
	const char *addr;
	uint16_t port;
	uint64_t sess_id, version;
	const uint8_t *pts; /* G.711 payload types to list */
	unsigned n_pts;
	int te_pt; /* -1: none */
	unsigned ptime;
	enum sdp_dir dir;
};
/* Length written, or -ENOSPC. */
int sdp_oa_build(char *out, size_t size, const struct sdp_out *o);
