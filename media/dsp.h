/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The signal processing of one bridged channel, on 8 kHz linear samples (spandsp underneath):
 * from the TDM side: echo cancellation (echo.c, against what we sent toward TDM), 2100 Hz answer tone
 * with phase reversals (V.25: modem/fax -> the canceller steps aside), DTMF detection with digit start
 * and end (RFC 4733 events; the digit is muted in the audio), continuity tone detection;
 * toward the TDM side: call progress tones by plan, DTMF generation (RFC 4733 events from SIP), the
 * continuity tone, packet loss concealment.
 * One channel's DSP belongs to one media worker: nothing here locks. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "tones.h"

struct media_dsp_cfg {
	bool dtmf_detect;
	unsigned ec_tail_ms; /* 0: no echo canceller; else 32..128 */
	enum tone_plan plan;
};

/* A DTMF digit on the TDM side: begins (end = false, duration 0) and ends (duration in samples), at
 * sample count ts of the TDM input (RFC 4733 s2.5: the event's timestamp is its start). */
typedef void (*media_dsp_dtmf_cb)(void *priv, char digit, bool end, uint32_t ts, uint32_t duration);

struct media_dsp;

struct media_dsp *media_dsp_alloc(void *ctx, const struct media_dsp_cfg *cfg, media_dsp_dtmf_cb cb, void *priv);
void media_dsp_free(struct media_dsp *d);

/* n samples from the TDM side, processed in place: echo cancelled against ref (the n samples sent to
 * TDM at the same time, NULL: none), DTMF detected and muted, answer tone and continuity tone watched. */
void media_dsp_from_tdm(struct media_dsp *d, int16_t *in, const int16_t *ref, unsigned n);
/* true when n samples from TDM would pass media_dsp_from_tdm() unchanged and unobserved (no canceller on,
 * no DTMF detector, no continuity check): the caller may then forward the G.711 octets as they are. */
bool media_dsp_from_tdm_bypass(struct media_dsp *d, unsigned n);
/* n samples toward the TDM side: a tone or DTMF digit replaces the audio while one plays. */
void media_dsp_to_tdm(struct media_dsp *d, int16_t *out, unsigned n);

/* Play a tone of the channel's plan toward TDM (TONE_NONE: stop). */
void media_dsp_tone(struct media_dsp *d, enum tone_id t);
enum tone_id media_dsp_tone_playing(const struct media_dsp *d);
/* A DTMF digit toward TDM for ms milliseconds (RFC 4733 event from SIP). 0 or -EINVAL. */
int media_dsp_dtmf_play(struct media_dsp *d, char digit, unsigned ms);
/* The digit playing lasts ms in all (RFC 4733 end of event): stops now if it played that long already. */
void media_dsp_dtmf_end(struct media_dsp *d, unsigned ms);

/* Echo canceller: on/off (ISUP echo control indicators, trunk config); off by itself on a 2100 Hz
 * answer tone with phase reversals until media_dsp_ec_enable() again. */
void media_dsp_ec_enable(struct media_dsp *d, bool on);
bool media_dsp_ec_active(const struct media_dsp *d);
/* The canceller's non-linear processor (on by default); off to measure the linear ERLE. */
void media_dsp_ec_nlp(struct media_dsp *d, bool on);
bool media_dsp_answer_tone_seen(const struct media_dsp *d);

/* Continuity check (Q.724): armed, the channel listens for the 2010 Hz tone; detected once it has been
 * heard for 60 ms since arming. Arming again (or off) starts over. */
void media_dsp_cot_arm(struct media_dsp *d, bool on);
bool media_dsp_cot_detected(const struct media_dsp *d);

/* Packet loss: n samples of concealment toward whoever consumes them (RTP side gaps). */
void media_dsp_plc_good(struct media_dsp *d, int16_t *amp, unsigned n);
void media_dsp_plc_fill(struct media_dsp *d, int16_t *amp, unsigned n);

/* DTMF digit <-> RFC 4733 event code (0-9, *=10, #=11, A-D=12-15); -1 when not a DTMF digit. */
int media_dtmf_to_event(char digit);
char media_event_to_dtmf(int event);
