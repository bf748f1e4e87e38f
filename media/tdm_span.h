/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TDM spans (E1/T1) and the mapping of a trunk group's CICs onto their timeslots. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum tdm_span_type {
	TDM_SPAN_E1,
	TDM_SPAN_T1
};
enum tdm_law {
	TDM_LAW_ALAW,
	TDM_LAW_ULAW
};

struct tdm_span {
	enum tdm_span_type type;
	enum tdm_law law;
	uint32_t sig_mask; /* timeslots (bit n = TS n) carrying signalling, not bearers */
};

/* E1: timeslots 1-31, TS16 signalling by default, A-law. T1: timeslots 1-24, mu-law. */
void tdm_span_init(struct tdm_span *s, enum tdm_span_type type);
unsigned tdm_span_n_ts(const struct tdm_span *s);
bool tdm_span_is_bearer(const struct tdm_span *s, unsigned ts);
unsigned tdm_span_n_bearers(const struct tdm_span *s);

/* CICs of a trunk group map onto consecutive spans from cic_base: E1 by the usual convention
 * CIC = base + 32 * span + TS, T1 as CIC = base + 24 * span + TS - 1. Returns 0, or -1 when the CIC
 * falls on TS0, a signalling timeslot, or beyond the spans. */
int tdm_cic_to_ts(uint16_t cic, uint16_t cic_base, const struct tdm_span *spans, unsigned n_spans, unsigned *span,
		  unsigned *ts);
int tdm_ts_to_cic(unsigned span, unsigned ts, uint16_t cic_base, const struct tdm_span *spans, unsigned n_spans,
		  uint16_t *cic);
