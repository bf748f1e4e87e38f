/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 3398 cause mapping between ISUP (Q.850) and SIP status codes. Pure functions. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "isup/q850.h"

struct gw_sip_answer {
	int status;	  /* 0: no SIP response (cause 16: BYE/CANCEL; cause 44: retry on another CIC) */
	bool retry_cic;	  /* cause 44: re-send the IAM on another circuit (RFC 3398 s7.2.4.1) */
	bool retry_after; /* resource unavailable causes MAY carry Retry-After */
};

/* RFC 3398 s7.2.4.1. new_number: cause 22's diagnostic carries the new number (-> 301, the caller adds
 * the Contact). user_6xx: send 603 instead of 403 for cause 21 from the user (footnote +). */
struct gw_sip_answer gw_cause_isup_to_sip(uint8_t cause, uint8_t location, bool new_number, bool user_6xx);

struct gw_isup_cause {
	uint8_t cause; /* 0: no mapping (487) */
	uint8_t location;
};

/* RFC 3398 s8.2.6.1. warning: the Warning code of a 488/606 (0 if none). */
struct gw_isup_cause gw_cause_sip_to_isup(int status, int warning);
