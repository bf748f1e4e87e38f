/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VTY application info: name, version, copyright, node types. */

#include "config.h"

#include <osmocom/vty/vty.h>

#include "isupgw_vty.h"

struct vty_app_info isupgw_vty_info = {
	.name = "isupgw",
	.version = PACKAGE_VERSION,
	.copyright = "isupgw, an SS7/ISUP <-> SIP gateway. License GPL-2.0-or-later.\r\n",
};
