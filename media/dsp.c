/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-channel DSP: our echo canceller (echo.c), spandsp for answer tone, DTMF both ways, tones, PLC; COT. */

#include <errno.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <spandsp.h>

#include "dsp.h"
#include "echo.h"

#define COT_BLOCK	80 /* 10 ms Goertzel blocks */
#define COT_NEED_BLOCKS 6  /* 60 ms of tone */

struct media_dsp {
	struct media_dsp_cfg cfg;
	media_dsp_dtmf_cb cb;
	void *priv;
	uint32_t ts; /* samples taken from TDM so far */
	/* from TDM */
	struct echo_can *ec;
	bool ec_on;
	modem_connect_tones_rx_state_t *ans;
	bool ans_seen;
	dtmf_rx_state_t *dtmf_rx;
	char digit; /* the digit on now, 0: none */
	uint32_t digit_start;
	goertzel_state_t cot_g, cot_ref; /* 2010 Hz and a reference band (1400 Hz) */
	goertzel_descriptor_t cot_desc, ref_desc;
	unsigned cot_fill, cot_blocks;
	int64_t cot_energy;
	bool cot_seen;
	bool cot_armed; /* the Goertzel filters run only while a continuity check is on */
	/* toward TDM */
	struct tone_player tone;
	enum tone_id tone_id;
	dtmf_tx_state_t *dtmf_tx;
	uint32_t dtmf_left;   /* samples of the digit still to play */
	uint32_t dtmf_played; /* samples of the digit played so far */
	plc_state_t *plc;
	/* Our own copy of the last PLC_HISTORY_LEN good samples, in order. spandsp 0.0.6 rotates its circular
	 * history in place with an overlapping memcpy when a gap starts at an unaligned position (undefined
	 * behaviour, caught by ASan); feeding it this whole copy first leaves its history aligned. */
	int16_t plc_hist[PLC_HISTORY_LEN];
	bool plc_gap;
};

int media_dtmf_to_event(char digit)
{
	static const char map[] = "0123456789*#ABCD";
	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	const char *p = digit ? strchr(map, digit) : NULL;
	return p ? (int)(p - map) : -1;
}

char media_event_to_dtmf(int event)
{
	static const char map[] = "0123456789*#ABCD";
	return event >= 0 && event < 16 ? map[event] : 0;
}

/* spandsp's realtime report: code is the digit when one is recognised, 0 when it is over; delay is the
 * length in samples of the state that just ended (at the end of a digit: the digit's duration). The
 * digit's timestamp is where the block that recognised it ends. */
static void dtmf_report(void *user_data, int code, int level, int delay)
{
	struct media_dsp *d = user_data;
	if (code) {
		if (d->digit && d->cb)
			d->cb(d->priv, d->digit, true, d->digit_start, d->ts - d->digit_start);
		d->digit = (char)code;
		d->digit_start = d->ts;
		if (d->cb)
			d->cb(d->priv, d->digit, false, d->ts, 0);
	} else if (d->digit) {
		if (d->cb)
			d->cb(d->priv, d->digit, true, d->digit_start,
			      delay > 0 ? (uint32_t)delay : d->ts - d->digit_start);
		d->digit = 0;
	}
}

static void ans_report(void *user_data, int code, int level, int delay)
{
	struct media_dsp *d = user_data;
	if (code == MODEM_CONNECT_TONES_ANS_PR || code == MODEM_CONNECT_TONES_ANSAM_PR) {
		/* G.165/G.168: a 2100 Hz tone with phase reversals asks for the canceller to step aside */
		d->ans_seen = true;
		d->ec_on = false;
	}
}

static int dsp_destructor(struct media_dsp *d)
{
	if (d->ans)
		modem_connect_tones_rx_free(d->ans);
	if (d->dtmf_rx)
		dtmf_rx_free(d->dtmf_rx);
	if (d->dtmf_tx)
		dtmf_tx_free(d->dtmf_tx);
	if (d->plc)
		plc_free(d->plc);
	return 0;
}

struct media_dsp *media_dsp_alloc(void *ctx, const struct media_dsp_cfg *cfg, media_dsp_dtmf_cb cb, void *priv)
{
	struct media_dsp *d = talloc_zero(ctx, struct media_dsp);
	if (!d)
		return NULL;
	talloc_set_destructor(d, dsp_destructor);
	d->cfg = *cfg;
	d->cb = cb;
	d->priv = priv;
	if (cfg->ec_tail_ms) {
		unsigned ms = cfg->ec_tail_ms < 32 ? 32 : cfg->ec_tail_ms > 128 ? 128 : cfg->ec_tail_ms;
		d->ec = echo_can_alloc(d, ms);
		d->ans = modem_connect_tones_rx_init(NULL, MODEM_CONNECT_TONES_ANS_PR, ans_report, d);
		if (!d->ec || !d->ans)
			goto fail;
		d->ec_on = true;
	}
	if (cfg->dtmf_detect) {
		d->dtmf_rx = dtmf_rx_init(NULL, NULL, NULL);
		if (!d->dtmf_rx)
			goto fail;
		dtmf_rx_set_realtime_callback(d->dtmf_rx, dtmf_report, d);
		/* Q.24: tones down to -26 dBm0 are digits; below about -32 dBm0 line noise is not */
		dtmf_rx_parms(d->dtmf_rx, 0, -1, -1, -32);
	}
	make_goertzel_descriptor(&d->cot_desc, 2010.0f, COT_BLOCK);
	make_goertzel_descriptor(&d->ref_desc, 1400.0f, COT_BLOCK);
	goertzel_init(&d->cot_g, &d->cot_desc);
	goertzel_init(&d->cot_ref, &d->ref_desc);
	return d;
fail:
	talloc_free(d);
	return NULL;
}

void media_dsp_free(struct media_dsp *d)
{
	talloc_free(d);
}

/* Q.724: the tone is there when the 2010 Hz bin holds most of the block's energy, above -30 dBm0 */
static void cot_watch(struct media_dsp *d, const int16_t *in, unsigned n)
{
	const float floor_e = (float)power_meter_level_dbm0(-30.0f) * COT_BLOCK;
	while (n) {
		unsigned k = COT_BLOCK - d->cot_fill;
		if (k > n)
			k = n;
		goertzel_update(&d->cot_g, in, (int)k);
		goertzel_update(&d->cot_ref, in, (int)k);
		for (unsigned i = 0; i < k; i++)
			d->cot_energy += (int32_t)in[i] * in[i];
		d->cot_fill += k;
		in += k;
		n -= k;
		if (d->cot_fill < COT_BLOCK)
			continue;
		float tone = goertzel_result(&d->cot_g); /* resets the filter */
		float ref = goertzel_result(&d->cot_ref);
		float total = (float)d->cot_energy;
		/* a pure tone puts about total * N / 2 into its bin */
		bool on = total > floor_e && tone > 0.35f * total * COT_BLOCK && ref < 0.05f * tone;
		d->cot_blocks = on ? d->cot_blocks + 1 : 0;
		if (d->cot_blocks >= COT_NEED_BLOCKS)
			d->cot_seen = true;
		d->cot_fill = 0;
		d->cot_energy = 0;
	}
}

bool media_dsp_from_tdm_bypass(struct media_dsp *d, unsigned n)
{
	if ((d->ec && d->ec_on) || d->cot_armed || d->dtmf_rx)
		return false;
	d->ts += n;
	return true;
}

void media_dsp_from_tdm(struct media_dsp *d, int16_t *in, const int16_t *ref, unsigned n)
{
	/* the answer tone matters only to the canceller it switches off */
	if (d->ans && d->ec && d->ec_on)
		modem_connect_tones_rx(d->ans, in, (int)n);
	if (d->ec && d->ec_on)
		echo_can_block(d->ec, ref, in, n);
	if (d->cot_armed)
		cot_watch(d, in, n);
	d->ts += n;
	if (d->dtmf_rx) {
		dtmf_rx(d->dtmf_rx, in, (int)n);
		/* RFC 4733 s2.5.1.5 / RFC 2833: the digit goes as events, not as audio as well */
		if (d->digit || dtmf_rx_status(d->dtmf_rx))
			memset(in, 0, n * sizeof(*in));
	}
}

void media_dsp_to_tdm(struct media_dsp *d, int16_t *out, unsigned n)
{
	if (d->dtmf_left) {
		unsigned k = n < d->dtmf_left ? n : d->dtmf_left;
		int got = dtmf_tx(d->dtmf_tx, out, (int)k);
		if (got < (int)k)
			memset(out + (got > 0 ? got : 0), 0, (k - (unsigned)(got > 0 ? got : 0)) * sizeof(*out));
		d->dtmf_left -= k;
		d->dtmf_played += k;
		if (k < n)
			memset(out + k, 0, (n - k) * sizeof(*out));
		return;
	}
	if (tone_player_active(&d->tone))
		tone_player_gen(&d->tone, out, n);
}

void media_dsp_tone(struct media_dsp *d, enum tone_id t)
{
	d->tone_id = t;
	tone_player_start(&d->tone, t == TONE_NONE ? NULL : tone_get(d->cfg.plan, t));
	if (!tone_player_active(&d->tone))
		d->tone_id = TONE_NONE;
}

enum tone_id media_dsp_tone_playing(const struct media_dsp *d)
{
	return d->tone_id;
}

int media_dsp_dtmf_play(struct media_dsp *d, char digit, unsigned ms)
{
	if (media_dtmf_to_event(digit) < 0 || ms < 10 || ms > 10000)
		return -EINVAL;
	/* (re)initialised: a digit cut short must not leave its remainder queued */
	d->dtmf_tx = dtmf_tx_init(d->dtmf_tx);
	if (!d->dtmf_tx)
		return -ENOMEM;
	/* Q.24: -6/-8 dBm0 per frequency is usual on the network side; a long on time, we cut it */
	dtmf_tx_set_level(d->dtmf_tx, -10, 2);
	dtmf_tx_set_timing(d->dtmf_tx, (int)ms, 0);
	char s[2] = { digit, 0 };
	dtmf_tx_put(d->dtmf_tx, s, 1);
	d->dtmf_left = ms * 8;
	d->dtmf_played = 0;
	return 0;
}

void media_dsp_dtmf_end(struct media_dsp *d, unsigned ms)
{
	uint32_t total = ms * 8;
	d->dtmf_left = d->dtmf_played >= total ? 0 : total - d->dtmf_played;
}

void media_dsp_ec_enable(struct media_dsp *d, bool on)
{
	if (!d->ec)
		return;
	if (on && !d->ec_on) {
		echo_can_reset(d->ec);
		d->ans_seen = false;
	}
	d->ec_on = on;
}

void media_dsp_ec_nlp(struct media_dsp *d, bool on)
{
	if (d->ec)
		echo_can_set_nlp(d->ec, on);
}

bool media_dsp_ec_active(const struct media_dsp *d)
{
	return d->ec && d->ec_on;
}

bool media_dsp_answer_tone_seen(const struct media_dsp *d)
{
	return d->ans_seen;
}

bool media_dsp_cot_detected(const struct media_dsp *d)
{
	return d->cot_seen;
}

void media_dsp_cot_arm(struct media_dsp *d, bool on)
{
	d->cot_armed = on;
	d->cot_seen = false;
	d->cot_blocks = 0;
	d->cot_fill = 0;
	d->cot_energy = 0;
	goertzel_reset(&d->cot_g);
	goertzel_reset(&d->cot_ref);
}

/* keeps plc_hist equal to what spandsp holds in its history (real and synthetic samples) */
static void plc_hist_push(struct media_dsp *d, const int16_t *amp, unsigned n)
{
	if (n >= PLC_HISTORY_LEN) {
		memcpy(d->plc_hist, amp + n - PLC_HISTORY_LEN, sizeof(d->plc_hist));
	} else {
		memmove(d->plc_hist, d->plc_hist + n, (PLC_HISTORY_LEN - n) * sizeof(*amp));
		memcpy(d->plc_hist + PLC_HISTORY_LEN - n, amp, n * sizeof(*amp));
	}
}

void media_dsp_plc_good(struct media_dsp *d, int16_t *amp, unsigned n)
{
	if (!d->plc)
		d->plc = plc_init(NULL);
	if (!d->plc)
		return;
	plc_rx(d->plc, amp, (int)n); /* after a gap this smooths amp into the synthetic signal */
	d->plc_gap = false;
	plc_hist_push(d, amp, n);
}

void media_dsp_plc_fill(struct media_dsp *d, int16_t *amp, unsigned n)
{
	if (!d->plc)
		d->plc = plc_init(NULL);
	if (!d->plc) {
		memset(amp, 0, n * sizeof(*amp));
		return;
	}
	if (!d->plc_gap) {
		/* first missing block: a full history resets spandsp's ring position to 0 (no rotation) */
		plc_rx(d->plc, d->plc_hist, PLC_HISTORY_LEN);
		d->plc_gap = true;
	}
	plc_fillin(d->plc, amp, (int)n);
	plc_hist_push(d, amp, n);
}
