/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libmtp internals: the log categories the application gave (mtp_init). */
#pragma once

extern int mtp_log_cat;	 /* MTP2, MTP3, linksets, the router (ss7_linkset_set_log_cat) */
extern int m3ua_log_cat; /* M3UA ASPs and their sockets (m3ua_asp_fsm_init) */
