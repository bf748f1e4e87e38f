/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libmtp public interface: the SS7 link stack under the user parts (MTP3 routing label and point codes,
 * M3UA ASPs over TCP/SCTP, MTP2 linksets, the router that carries MTP-TRANSFER/PAUSE/RESUME/STATUS to
 * the user registered for each service indicator, DLT_MTP3 tracing, the cs7 VTY). Other folders include
 * this header only; libmtp includes no user part's header. */
#pragma once

#include "mtp3.h"
#include "mtp3_route.h"
#include "m3ua_link.h"
#include "ss7_linkset.h"
#include "ss7_pcap.h"
#include "ss7_vty.h"

/* The application's log categories for MTP (MTP2, MTP3, linksets) and M3UA; registers the ASP FSM. */
void mtp_init(int mtp_log_cat, int m3ua_log_cat);
