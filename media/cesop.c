/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CESoPSN control word and structured payload (RFC 5086 s5). */

#include <errno.h>

#include "cesop.h"

int cesop_parse(const uint8_t *buf, size_t len, unsigned n_ts, struct cesop_hdr *h, const uint8_t **payload,
		unsigned *frames)
{
	if (len < CESOP_CW_LEN || !n_ts || (buf[0] & 0xf0))
		return -EBADMSG; /* the first nibble is 0 for a PW control word (RFC 4385) */
	if (buf[1] & 0xc0)
		return -EBADMSG; /* FRG: structured CESoPSN never fragments a frame */
	unsigned lenf = buf[1] & 0x3f;
	size_t pl = len - CESOP_CW_LEN;
	if (lenf) {
		/* s5.2: set only for packets shorter than 64 octets; the rest is Ethernet padding */
		if (lenf < CESOP_CW_LEN || lenf > len)
			return -EBADMSG;
		pl = lenf - CESOP_CW_LEN;
	}
	h->l = buf[0] & 0x08;
	h->r = buf[0] & 0x04;
	h->m = (uint8_t)((buf[0] >> 0) & 0x3);
	h->seq = (uint16_t)(buf[2] << 8 | buf[3]);
	if (pl % n_ts)
		return -EBADMSG;
	*payload = buf + CESOP_CW_LEN;
	*frames = (unsigned)(pl / n_ts);
	return 0;
}

void cesop_write_cw(uint8_t *buf, const struct cesop_hdr *h, size_t payload_len)
{
	size_t total = CESOP_CW_LEN + payload_len;
	buf[0] = (uint8_t)((h->l ? 0x08 : 0) | (h->r ? 0x04 : 0) | (h->m & 0x3));
	buf[1] = (uint8_t)(total < 64 ? total : 0);
	buf[2] = (uint8_t)(h->seq >> 8);
	buf[3] = (uint8_t)h->seq;
}
