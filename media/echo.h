/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A line echo canceller in the manner of G.168: NLMS adaptive filter over the tail, Geigel double-talk
 * detector freezing adaptation while the near end talks, and a non-linear processor that replaces the
 * small residual with comfort noise when the far end alone is talking. Ours because spandsp 0.0.6's
 * echo_can prints debugging to stdout for every block. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct echo_can;

/* tail_ms 8..128 */
struct echo_can *echo_can_alloc(void *ctx, unsigned tail_ms);
void echo_can_reset(struct echo_can *ec);
void echo_can_set_nlp(struct echo_can *ec, bool on);
/* One sample: far is what went toward the line (the echo's source), near what came back; the return
 * value is near without the echo. */
int16_t echo_can_sample(struct echo_can *ec, int16_t far, int16_t near);
/* n samples in place (near becomes the cancelled signal). */
void echo_can_block(struct echo_can *ec, const int16_t *far, int16_t *near, unsigned n);
