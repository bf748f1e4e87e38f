/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 3398 s7.2.4.1 (ISUP cause -> SIP status) and s8.2.6.1 (SIP status -> ISUP cause). */

#include "gw_cause.h"

struct gw_sip_answer gw_cause_isup_to_sip(uint8_t cause, uint8_t location, bool new_number, bool user_6xx)
{
	struct gw_sip_answer a = { 0 };
	/* the RFC's table, one row per line */
	/* clang-format off */
	switch (cause) {
	case 1: case 2: case 3: case 26: a.status = 404; break;
	case 16: break;				/* footnote (*): BYE or CANCEL, no status */
	case 17: a.status = 486; break;
	case 18: a.status = 408; break;
	case 19: case 20: case 31: a.status = 480; break;
	case 21: a.status = (user_6xx && location == Q850_LOC_USER) ? 603 : 403; break;
	case 22: a.status = new_number ? 301 : 410; break;
	case 23: a.status = 410; break;
	case 27: a.status = 502; break;
	case 28: a.status = 484; break;
	case 29: case 79: a.status = 501; break;
	case 34: case 38: case 41: case 42: case 47:
		a.status = 503;
		a.retry_after = true;
		break;
	case 44: a.retry_cic = true; break;	/* s7.2.4.1: no status, try another circuit */
	case 55: case 57: case 87: a.status = 403; break;
	case 58: case 88: a.status = 503; break;
	case 65: case 70: a.status = 488; break;
	case 102: a.status = 504; break;
	case 111: case 127: a.status = 500; break;
	default: a.status = 500; break;		/* unlisted: 500 (SHOULD) */
	}
	/* clang-format on */
	return a;
}

/* Warning codes (RFC 3261 s20.43) that speak of an unavailable bearer capability */
static bool warning_is_bearer(int w)
{
	return w == 304 || w == 305 || w == 370;
}

struct gw_isup_cause gw_cause_sip_to_isup(int status, int warning)
{
	struct gw_isup_cause c = { .cause = Q850_NORMAL_UNSPECIFIED };
	/* s8.2.6.1: 6xx from the user, 4xx/5xx from the network */
	c.location = status >= 600 ? Q850_LOC_USER : Q850_LOC_BEYOND_IWP;
	/* the RFC's table, one row per line */
	/* clang-format off */
	switch (status) {
	case 400: case 481: case 500: case 503: c.cause = Q850_TEMPORARY_FAILURE; break;
	case 401: case 402: case 403: case 407: case 603: c.cause = Q850_CALL_REJECTED; break;
	case 404: case 485: case 604: c.cause = Q850_UNALLOCATED_NUMBER; break;
	case 405: c.cause = Q850_SERVICE_NOT_AVAILABLE; break;
	case 406: case 415: case 501: c.cause = Q850_SERVICE_NOT_IMPLEMENTED; break;
	case 408: case 504: c.cause = Q850_RECOVERY_ON_TIMER_EXPIRY; break;
	case 410: c.cause = Q850_NUMBER_CHANGED; break;
	case 413: case 414: case 416: case 420: case 421: case 423: case 505: case 513: c.cause = Q850_INTERWORKING; break;
	case 480: c.cause = Q850_NO_USER_RESPONDING; break;
	case 482: case 483: c.cause = Q850_EXCHANGE_ROUTING_ERROR; break;
	case 484: c.cause = Q850_INVALID_NUMBER_FORMAT; break;
	case 486: case 600: c.cause = Q850_USER_BUSY; break;
	case 487: c.cause = 0; break;		/* no mapping */
	case 488: case 606: c.cause = warning_is_bearer(warning) ? 65 : 31; break;
	case 502: c.cause = Q850_NETWORK_OUT_OF_ORDER; break;
	default: c.cause = Q850_NORMAL_UNSPECIFIED; break;		/* unlisted: 31 */
	}
	/* clang-format on */
	return c;
}
