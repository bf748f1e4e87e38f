/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 3398 mapping between decoded ISUP messages and SIP requests/responses. Pure functions: structs in,
 * structs out, no sockets and no state, so every clause can be tested on its own. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "isup/isup.h"
#include "sip/sip.h"

/* How numbers are written toward one SIP peer and read from it. */
struct gw_map_cfg {
	char country_code[8]; /* "49": national numbers get +CC (RFC 3398 s12.1), +CC... becomes national */
	char host[64];	      /* host part of sip: URIs we build ("gw.example.net" or an address) */
	bool tel_uri;	      /* tel: URIs instead of sip:...;user=phone */
	bool trusted;	      /* the peer is trusted: P-Asserted-Identity out, believed in */
	bool diversion;	      /* redirecting/original called number as Diversion (else History-Info) */
	uint8_t in_nai;	      /* NAI for numbers without '+' from SIP: national (default) or unknown */
	/* defaults for mandatory IAM parameters SIP cannot give (RFC 3398 s7.2.1.1) */
	uint8_t cpc;	     /* 10 ordinary */
	uint8_t tmr;	     /* 3 = 3.1 kHz audio */
	uint8_t hop_counter; /* when the INVITE has no Max-Forwards */
};
void gw_map_cfg_default(struct gw_map_cfg *c);

/* ---- ISUP -> SIP (the gateway is the UAC, RFC 3398 s8) ---- */

/* A number as URI user part: "+4930123" for international or national (with the country code),
 * the bare digits otherwise. ST and filler are dropped. Returns -EINVAL for no digits. */
int gw_map_number_to_user(const struct isup_number *n, const struct gw_map_cfg *cfg, char *out, size_t size);
/* Where an INVITE goes: the chosen peer's address, and URI parameters such as ";transport=tcp" */
struct gw_map_target {
	const char *host;
	uint16_t port;
	const char *uri_params;
};
/* The Request-URI for a called number toward a target: sip:+4930123@host:port;user=phone (s12.1), or
 * tel:+4930123 when the peer takes tel URIs. Built once, from the number as collected. */
int gw_map_request_uri(const struct isup_number *cdpn, const struct gw_map_cfg *cfg, const struct gw_map_target *t,
		       char *out, size_t size);
/* IAM -> INVITE headers (s8.2.1.1, s12.1); the Request-URI names cfg->host (gw_map_request_uri() names the
 * peer). */
int gw_map_iam_to_invite(const struct isup_msg *iam, const struct gw_map_cfg *cfg, struct sip_invite_req *req);
/* SDP offer for the IAM's TMR/USI (speech and 3.1 kHz: PCMA/PCMU + telephone-event; 64 kbit/s
 * unrestricted: clearmode, RFC 4040). */
int gw_map_sdp_offer(const struct isup_msg *iam, const char *addr, uint16_t port, char *out, size_t size);

/* A SIP provisional response -> ACM or CPG (s8.2.3). acm_sent: an ACM (or CON) already went back. */
struct gw_backward {
	uint8_t type;	       /* ISUP_MT_ACM, ISUP_MT_CPG, or 0: nothing to send */
	uint8_t called_status; /* ACM: BCI called party's status (1 subscriber free, 0 no indication) */
	uint8_t event;	       /* CPG: event indicator */
	bool inband;	       /* in-band information available (183 with SDP) */
	bool then_cpg;	       /* 181 before any ACM: early ACM then CPG event 6 */
};
struct gw_backward gw_map_provisional(int status, bool has_sdp, bool acm_sent);
/* Build that ACM or CPG with the s8.2.3 table of default BCI values. */
int gw_map_build_backward(const struct gw_backward *b, enum isup_variant v, uint8_t type, uint8_t event,
			  struct isup_msg *out);

/* ---- SIP -> ISUP (the gateway is the UAS, RFC 3398 s7) ---- */

/* INVITE -> IAM (s7.2.1.1, s12.2). encap: an IAM that came in the INVITE (SIP-T), or NULL: its
 * parameters are the base and the SIP headers overwrite them. Returns 0, or the SIP status to reject
 * with (484 Request-URI without a usable number). */
int gw_map_invite_to_iam(const struct sip_invite *inv, const struct isup_msg *encap, const struct gw_map_cfg *cfg,
			 enum isup_variant v, struct isup_msg *iam);
/* The digits of a SIP URI's user part ("tel:+4930123;npdi", "sip:0301234@h;user=phone"). '+' is kept. */
int gw_map_uri_user(const char *uri, char *out, size_t size);

/* RFC 3398 s7.2.4.1: cause 22 (number changed) whose diagnostic holds the new number (Q.850: in the
 * called party number format, as the ISUP parameter or as the Q.931 element 0x70) -> the URI for the
 * 301's Contact. 0, or -EINVAL when the diagnostic holds no usable number. */
int gw_map_cause22_contact(const struct isup_cause *ca, enum isup_variant v, const struct gw_map_cfg *cfg, char *out,
			   size_t size);

/* ACM/CPG/ANM/CON -> the SIP answer to send (s7.2.5, s7.2.6, s7.2.9): 180, 181, 183, 200, or 0. */
int gw_map_backward_to_status(const struct isup_msg *m);

/* Hop counter <-> Max-Forwards (Q.1912.5 style: not in RFC 3398). */
int gw_map_hop_to_max_forwards(uint8_t hop);
uint8_t gw_map_max_forwards_to_hop(int mf);
