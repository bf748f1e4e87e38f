/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Log categories of the isupgw application. */

#include <osmocom/core/utils.h>

#include "isupgw_log.h"

static const struct log_info_cat cats[] = {
	[DISUP] = { .name = "DISUP",
		    .description = "ISUP call control and circuit supervision",
		    .color = "\033[1;33m",
		    .enabled = 1,
		    .loglevel = LOGL_NOTICE },
	[DMTP] = { .name = "DMTP",
		   .description = "MTP2/MTP3 links and routing",
		   .enabled = 1,
		   .loglevel = LOGL_NOTICE },
	[DM3UA] = { .name = "DM3UA", .description = "M3UA associations", .enabled = 1, .loglevel = LOGL_NOTICE },
	[DSIP] = { .name = "DSIP",
		   .description = "SIP legs and peers",
		   .color = "\033[1;36m",
		   .enabled = 1,
		   .loglevel = LOGL_NOTICE },
	[DCALL] = { .name = "DCALL",
		    .description = "interworked calls",
		    .color = "\033[1;32m",
		    .enabled = 1,
		    .loglevel = LOGL_NOTICE },
	[DMEDIA] = { .name = "DMEDIA",
		     .description = "media channels, RTP, TDM spans",
		     .enabled = 1,
		     .loglevel = LOGL_NOTICE },
	[DDSP] = { .name = "DDSP",
		   .description = "spandsp tones, DTMF, echo canceller",
		   .enabled = 1,
		   .loglevel = LOGL_NOTICE },
	[DVTY] = { .name = "DVTY",
		   .description = "configuration and telnet CLI",
		   .enabled = 1,
		   .loglevel = LOGL_NOTICE },
	[DOVERLOAD] = { .name = "DOVERLOAD",
			.description = "admission control: the cap on new calls (debug: every 100 ms while it is on)",
			.enabled = 1,
			.loglevel = LOGL_NOTICE },
	[DMETRICS] = { .name = "DMETRICS",
		       .description = "metrics: the Prometheus endpoint",
		       .enabled = 1,
		       .loglevel = LOGL_NOTICE },
};

const struct log_info isupgw_log_info = {
	.cat = cats,
	.num_cat = ARRAY_SIZE(cats),
};
