/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The application's VTY nodes and start-up. */
#pragma once

#include <osmocom/vty/command.h>

enum isupgw_vty_node {
	ISUPGW_NODE_ISUP = _LAST_OSMOVTY_NODE + 1,
	ISUPGW_NODE_ISUP_TRUNK,
	ISUPGW_NODE_CS7,
	ISUPGW_NODE_SIP,
	ISUPGW_NODE_SIP_PEER,
	ISUPGW_NODE_GATEWAY,
	ISUPGW_NODE_MEDIA,
	ISUPGW_NODE_NUMBER_RULES,
	ISUPGW_NODE_CDR,
	ISUPGW_NODE_ROUTE_LIST,
	ISUPGW_NODE_ROUTE_ENTRY,
};

#define ISUPGW_VTY_PORT 4270 /* telnet VTY, bound to 127.0.0.1 unless "line vty" says otherwise */

/* The configuration isupgw runs with when started without -c: one M3UA/TCP ASP toward a signalling
 * gateway on 127.0.0.1:2905 (pstn-sim --listen), trunk CICs 1-31, SIP on 127.0.0.1:5060 with one peer
 * at 127.0.0.1:5070 (a SIPp or a second gateway). */
extern const char isupgw_default_config[];

extern struct vty_app_info isupgw_vty_info;
