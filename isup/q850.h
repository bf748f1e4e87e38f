/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ITU-T Q.850 cause values and locations, as ISUP (Q.763 3.12) and SIP (RFC 3326 Reason: Q.850) carry
 * them. Code names causes by these constants, never by number. */
#pragma once

enum q850_cause {
	Q850_UNALLOCATED_NUMBER = 1,
	Q850_NO_ROUTE_TO_DEST = 3,
	Q850_NORMAL_CLEARING = 16,
	Q850_USER_BUSY = 17,
	Q850_NO_USER_RESPONDING = 18,
	Q850_NO_ANSWER = 19,
	Q850_SUBSCRIBER_ABSENT = 20,
	Q850_CALL_REJECTED = 21,
	Q850_NUMBER_CHANGED = 22,
	Q850_REDIRECTED = 23, /* redirection to new destination */
	Q850_EXCHANGE_ROUTING_ERROR = 25,
	Q850_DEST_OUT_OF_ORDER = 27,
	Q850_INVALID_NUMBER_FORMAT = 28, /* address incomplete */
	Q850_FACILITY_REJECTED = 29,
	Q850_NORMAL_UNSPECIFIED = 31,
	Q850_NO_CIRCUIT_AVAILABLE = 34,
	Q850_NETWORK_OUT_OF_ORDER = 38,
	Q850_TEMPORARY_FAILURE = 41,
	Q850_SWITCH_CONGESTION = 42,
	Q850_CIRCUIT_NOT_AVAILABLE = 44, /* requested circuit/channel not available */
	Q850_RESOURCE_UNAVAILABLE = 47,
	Q850_BEARER_CAP_NOT_AUTHORIZED = 57,
	Q850_BEARER_CAP_NOT_AVAILABLE = 58,
	Q850_SERVICE_NOT_AVAILABLE = 63,
	Q850_BEARER_CAP_NOT_IMPLEMENTED = 65,
	Q850_SERVICE_NOT_IMPLEMENTED = 79,
	Q850_INVALID_MESSAGE = 95,
	Q850_MESSAGE_TYPE_NONEXISTENT = 97, /* message type non-existent or not implemented */
	Q850_PARAMETER_NONEXISTENT = 99,    /* parameter non-existent or not implemented, passed on */
	Q850_RECOVERY_ON_TIMER_EXPIRY = 102,
	Q850_PROTOCOL_ERROR = 111,
	Q850_INTERWORKING = 127,
};

/* Q.850 2.2.5 location */
enum q850_location {
	Q850_LOC_USER = 0,
	Q850_LOC_PRIV_LOCAL = 1, /* private network serving the local user */
	Q850_LOC_PUB_LOCAL = 2,	 /* public network serving the local user */
	Q850_LOC_TRANSIT = 3,
	Q850_LOC_PUB_REMOTE = 4,
	Q850_LOC_PRIV_REMOTE = 5,
	Q850_LOC_INTERNATIONAL = 7,
	Q850_LOC_BEYOND_IWP = 10, /* network beyond the interworking point */
};
