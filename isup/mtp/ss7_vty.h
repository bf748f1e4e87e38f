/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VTY for the signalling transport: node "cs7" with application servers, ASPs and routes. */
#pragma once

#include "mtp3_route.h"

void ss7_vty_init(struct ss7_router *r, int cs7_node);
char *ss7_show_asps(void *ctx, const struct ss7_router *r);
char *ss7_show_routes(void *ctx, const struct ss7_router *r);
