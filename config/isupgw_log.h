/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isupgw's log categories: one per subsystem, default NOTICE. */
#pragma once

#include <osmocom/core/logging.h>

enum isupgw_log_cat {
	DISUP,
	DMTP,
	DM3UA,
	DSIP,
	DCALL,
	DMEDIA,
	DDSP,
	DVTY,
	DOVERLOAD,
	DMETRICS,
};

extern const struct log_info isupgw_log_info;
