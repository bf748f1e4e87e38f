/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ISUP messages as text: readable lines, JSON, and a one-line form that is also the builder language:
 *   IAM cic=17 nci.satellite=0 ... cdpn.nai=3 cdpn.npi=1 cdpn.digits=4930123456 0x99=0102
 * Keys are PARAM.FIELD=value (fields of typed parameters), PARAM=hex (raw octets), PARAM#N.FIELD for the
 * N-th instance of a repeated parameter, and cic=. PARAM is an abbreviation (see isup_par_desc) or 0xNN. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "isup_msg.h"

#define ISUP_KV_MAX 16 /* the most fields any parameter has is 11 */
struct isup_kv {
	char key[24];
	char val[2 * 255 + 2]; /* a whole parameter in hex fits */
	bool num;	       /* value is a number (JSON without quotes) */
};

/* Typed fields of one parameter. Returns the number of entries; on a typed decode failure the
 * entries are hex= and error=. */
int isup_par_to_kv(enum isup_variant v, uint8_t code, const uint8_t *d, uint16_t len, struct isup_kv *kv, int max);
/* Encode one parameter from fields. Returns length or negative isup_err; err gets a reason. */
int isup_par_from_kv(enum isup_variant v, uint8_t code, const struct isup_kv *kv, int n, uint8_t *buf, size_t size,
		     char *err, size_t err_size);

/* Renderers return the length written (truncated output stays NUL-terminated) or -1. */
int isup_msg_to_line(const struct isup_msg *m, char *buf, size_t size);
int isup_msg_to_text(const struct isup_msg *m, char *buf, size_t size);
int isup_msg_to_json(const struct isup_msg *m, char *buf, size_t size);

/* Build a message from the one-line form. Returns ISUP_OK or a negative isup_err, err explains. */
int isup_msg_from_line(struct isup_msg *m, enum isup_variant v, const char *line, char *err, size_t err_size);

int isup_hex_decode(const char *hex, uint8_t *out, size_t size);
void isup_hex_encode(const uint8_t *d, size_t len, char *out, size_t size);
