/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CTRL interface (libosmoctrl, the Osmocom control protocol over TCP): what monitoring and provisioning
 * scripts read and set without the VTY. Bound to 127.0.0.1:4271 by default (`ctrl-interface ADDR PORT` in
 * the gateway node, `no ctrl-interface` to close it); the protocol has no authentication, so it must stay
 * on a local or management address.
 *
 * Variables (docs/ctrl.md has them all with their values):
 *   calls-active, calls                              GET
 *   trunk.NAME.state, trunk.NAME.circuits             GET
 *   trunk.NAME.block, .unblock, .reset                SET  CIC | FIRST-LAST (| all for reset)
 *   trunk.NAME.cic.N.state                            GET
 *   sip-peer.NAME.state                               GET, SET up|down (the operator's)
 *   asp.NAME.state, linkset.NAME.state                GET
 *   rate_ctr.abs|per_sec|...GROUP.IDX.NAME            GET (libosmoctrl's own)
 * TRAPs, once a second at most per object, when a SIP peer, ASP, linkset or span changes state:
 *   sip-peer.NAME.state, asp.NAME.state, linkset.NAME.state, span.N.state */
#pragma once

struct gw;
struct vty;

#define GW_CTRL_PORT 4271 /* the VTY's (4270) plus one */

void gw_ctrl_init(int log_cat);
/* Opens the interface as configured (after the configuration is read). A port that cannot be bound is
 * logged, not fatal: another instance may hold the default. */
int gw_ctrl_start(struct gw *gw);
void gw_ctrl_vty_init(struct gw *gw, int gw_node_id);
void gw_ctrl_config_write(struct vty *vty, const struct gw *gw);
