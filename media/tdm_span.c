/* SPDX-License-Identifier: GPL-2.0-or-later */
/* E1/T1 span layout and CIC <-> (span, timeslot) mapping. */

#include "tdm_span.h"

void tdm_span_init(struct tdm_span *s, enum tdm_span_type type)
{
	s->type = type;
	s->law = type == TDM_SPAN_E1 ? TDM_LAW_ALAW : TDM_LAW_ULAW;
	s->sig_mask = type == TDM_SPAN_E1 ? 1u << 16 : 0;
}

unsigned tdm_span_n_ts(const struct tdm_span *s)
{
	return s->type == TDM_SPAN_E1 ? 31 : 24;
}

bool tdm_span_is_bearer(const struct tdm_span *s, unsigned ts)
{
	return ts >= 1 && ts <= tdm_span_n_ts(s) && !(s->sig_mask & (1u << ts));
}

unsigned tdm_span_n_bearers(const struct tdm_span *s)
{
	unsigned n = 0;
	for (unsigned ts = 1; ts <= tdm_span_n_ts(s); ts++)
		n += tdm_span_is_bearer(s, ts);
	return n;
}

static unsigned cics_per_span(const struct tdm_span *s)
{
	return s->type == TDM_SPAN_E1 ? 32 : 24;
}

int tdm_cic_to_ts(uint16_t cic, uint16_t cic_base, const struct tdm_span *spans, unsigned n_spans, unsigned *span,
		  unsigned *ts)
{
	if (cic < cic_base || !n_spans)
		return -1;
	unsigned off = cic - cic_base;
	for (unsigned i = 0; i < n_spans; i++) {
		unsigned per = cics_per_span(&spans[i]);
		if (off < per) {
			unsigned t = spans[i].type == TDM_SPAN_E1 ? off : off + 1;
			if (!tdm_span_is_bearer(&spans[i], t))
				return -1;
			*span = i;
			*ts = t;
			return 0;
		}
		off -= per;
	}
	return -1;
}

int tdm_ts_to_cic(unsigned span, unsigned ts, uint16_t cic_base, const struct tdm_span *spans, unsigned n_spans,
		  uint16_t *cic)
{
	if (span >= n_spans || !tdm_span_is_bearer(&spans[span], ts))
		return -1;
	unsigned c = cic_base;
	for (unsigned i = 0; i < span; i++)
		c += cics_per_span(&spans[i]);
	c += spans[span].type == TDM_SPAN_E1 ? ts : ts - 1;
	if (c > 0x3fff)
		return -1;
	*cic = (uint16_t)c;
	return 0;
}
