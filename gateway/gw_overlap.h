/* SPDX-License-Identifier: GPL-2.0-or-later */
/* overlap: the called number of one call while it grows, a child FSM of the gateway's call (gw_call.c).
 * It holds the digits so far, decides when the number may go on (the route's overlap mode, its minimum
 * and its length plan, ST, RFC 3578 s3 and s4) and owns the inter-digit timer X2. What the call does
 * with a decision (an INVITE, a 484, a release) stays in the call. */
#pragma once

#include "gw.h"

struct gw_call;

enum gw_overlap_state {
	GW_OVL_ST_COLLECTING, /* ISUP -> SIP: digits come, nothing has gone on (collect mode: X2 runs) */
	GW_OVL_ST_OPEN,	      /* the setup went on with the number so far, more digits may follow */
	GW_OVL_ST_WAIT_MORE,  /* a 484 came (ISUP -> SIP: the next SAM goes on) or went (SIP -> ISUP: X2
			       * runs for the caller's next INVITE) */
	GW_OVL_ST_DONE,	      /* the number is final */
};

enum gw_overlap_event {
	GW_OVL_EV_START,       /* the route is known; data: const struct gw_route * */
	GW_OVL_EV_ISUP_DIGITS, /* ISUP -> SIP: a SAM's subsequent number; data: const struct isup_number * */
	GW_OVL_EV_SIP_NUMBER,  /* SIP -> ISUP: the caller's next INVITE, its number (no '+'); data: const char * */
	GW_OVL_EV_484,	       /* ISUP -> SIP: the INVITE was answered 484 */
	GW_OVL_EV_END,	       /* the call is answered: whatever comes now does not change the number */
};

struct gw_overlap {
	struct osmo_fsm_inst *fi;
	struct gw_call *call;
	bool from_isup;
	enum gw_overlap_mode mode; /* ISUP -> SIP: the route's; SIP -> ISUP: only the length plan applies */
	unsigned min_digits, max_digits;
	char digits[ISUP_NUM_MAX_DIGITS + 1]; /* the called number so far, as received (no ST) */
	bool complete;			      /* ST, the length plan, or the ISUP side says so */
	bool st_seen;			      /* an ST digit came (IAM or SAM): the INVITE's number keeps it */
	unsigned n_sams;		      /* digits that came after the first message */
};

/* The child of call c; its digits are empty until gw_overlap_take() or gw_overlap_set() */
struct gw_overlap *gw_overlap_alloc(struct gw_call *c, bool from_isup);
/* The digits of a called or subsequent number appended, ST noted; no decision (the route is not known
 * yet when the IAM's number chooses it) */
void gw_overlap_take(struct gw_overlap *o, const struct isup_number *n);
void gw_overlap_set(struct gw_overlap *o, const char *number);
/* More digits would still change the setup (ISUP -> SIP: otherwise a SAM goes to SIP-T peers in INFO) */
bool gw_overlap_open(const struct gw_overlap *o);
void gw_overlap_fsm_init(int log_cat);
