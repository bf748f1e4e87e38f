/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Maintenance state that survives restarts: the circuits the operator blocked (BLO, maintenance CGB) are
 * kept in a state file (`maintenance-state FILE` in the gateway node), rewritten atomically at every change.
 * At start the gateway reads it before any signalling relation is up; each circuit listed is blocked again
 * once its trunk's relation comes up (after the reset at start with reset-on-start, else with a BLO), so a
 * restart or a crash does not hand back to traffic what the operator took out of it.
 *
 * The file (text, one line per trunk group with blocked circuits):
 *   # comment
 *   trunk NAME CIC|FIRST-LAST ... */
#pragma once

struct gw;
struct isup_trunk;
struct vty;

void gw_maint_set_log_cat(int log_cat);
/* Reads the state file, if one is configured: 0 (also when it does not exist yet) or -errno. */
int gw_maint_load(struct gw *gw);
/* Writes it now (the ISUP user's maint_changed hook does so on every change). 0 or -errno. */
int gw_maint_save(struct gw *gw);
/* ISUP user hook (gw_isup_ops.maint_changed) */
void gw_maint_changed(struct isup_trunk *tg, void *priv);
void gw_maint_vty_init(struct gw *gw, int gw_node_id);
void gw_maint_config_write(struct vty *vty, const struct gw *gw);
