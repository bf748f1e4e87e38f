/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Q.764 Annex A timers T1..T38 as osmo_tdef entries; each trunk group holds its own copy. */
#pragma once

#include <osmocom/core/tdef.h>

/* The template: T number, default, unit, description with the Q.764 range, min and max. */
extern const struct osmo_tdef isup_tdefs_template[];

/* A trunk's own table (talloc child of ctx), values at the variant's defaults: ITU Q.764 Annex A, or
 * ANSI T1.113.4 where its values differ. */
struct osmo_tdef *isup_tdefs_alloc(void *ctx, int ansi);
/* Current value of timer T in milliseconds. */
unsigned long isup_timer_ms(const struct osmo_tdef *tdefs, int T);
struct osmo_timer_list;
/* Schedule a timer for timer T's current value (osmo_timer_schedule needs seconds and microseconds apart). */
void isup_timer_start(struct osmo_timer_list *t, const struct osmo_tdef *tdefs, int T);
