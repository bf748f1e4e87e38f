/* SPDX-License-Identifier: GPL-2.0-or-later */
/* G.711 for the media plane: the decode tables and block en/decoders the blocks and RTP receive share. */

#define _GNU_SOURCE
#include <stdint.h>

#include <spandsp.h>

#include "mplane_priv.h"

/* ---- G.711 ---- */

static int16_t dec_tab[2][256]; /* [TDM_LAW_ALAW / TDM_LAW_ULAW] */

void mplane_g711_init(void)
{
	for (unsigned i = 0; i < 256; i++) {
		dec_tab[TDM_LAW_ALAW][i] = alaw_to_linear((uint8_t)i);
		dec_tab[TDM_LAW_ULAW][i] = ulaw_to_linear((uint8_t)i);
	}
}

void mplane_g711_dec(enum tdm_law law, const uint8_t *in, int16_t *out, unsigned n)
{
	const int16_t *t = dec_tab[law];
	for (unsigned i = 0; i < n; i++)
		out[i] = t[in[i]];
}

void mplane_g711_enc(enum tdm_law law, const int16_t *in, uint8_t *out, unsigned n)
{
	if (law == TDM_LAW_ALAW)
		for (unsigned i = 0; i < n; i++)
			out[i] = linear_to_alaw(in[i]);
	else
		for (unsigned i = 0; i < n; i++)
			out[i] = linear_to_ulaw(in[i]);
}
