/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The application's VTY nodes and start-up. */
#pragma once

#include <osmocom/vty/command.h>

enum isupgw_vty_node {
	ISUPGW_NODE_ISUP = _LAST_OSMOVTY_NODE + 1,
	ISUPGW_NODE_ISUP_TRUNK,
	ISUPGW_NODE_CS7,
};

extern struct vty_app_info isupgw_vty_info;
