/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MTP3 SIO and routing label codec. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mtp3.h"

int mtp3_label_decode(struct mtp3_label *l, bool ansi, const uint8_t *b, size_t len)
{
	if (len < mtp3_hdr_len(ansi))
		return -1;
	l->si = b[0] & 0x0f;
	l->prio = (b[0] >> 4) & 0x03;
	l->ni = b[0] >> 6;
	l->ansi = ansi;
	if (ansi) {
		/* T1.111.4: each point code is member, cluster, network (least significant octet first) */
		l->dpc = (uint32_t)b[1] | (uint32_t)b[2] << 8 | (uint32_t)b[3] << 16;
		l->opc = (uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16;
		l->sls = b[7];
		return 8;
	}
	uint32_t w = (uint32_t)b[1] | (uint32_t)b[2] << 8 | (uint32_t)b[3] << 16 | (uint32_t)b[4] << 24;
	l->dpc = w & 0x3fff;
	l->opc = (w >> 14) & 0x3fff;
	l->sls = (uint8_t)(w >> 28);
	return 5;
}

int mtp3_label_encode(const struct mtp3_label *l, bool ansi, uint8_t *b, size_t size)
{
	if (l->si > 15 || l->ni > 3 || l->prio > 3 || l->dpc > ss7_pc_max(ansi) || l->opc > ss7_pc_max(ansi) ||
	    (!ansi && l->sls > 15))
		return -1;
	if (size < mtp3_hdr_len(ansi))
		return -2;
	b[0] = (uint8_t)(l->ni << 6 | l->prio << 4 | l->si);
	if (ansi) {
		b[1] = l->dpc & 0xff;
		b[2] = (l->dpc >> 8) & 0xff;
		b[3] = (l->dpc >> 16) & 0xff;
		b[4] = l->opc & 0xff;
		b[5] = (l->opc >> 8) & 0xff;
		b[6] = (l->opc >> 16) & 0xff;
		b[7] = l->sls;
		return 8;
	}
	uint32_t w = l->dpc | l->opc << 14 | (uint32_t)l->sls << 28;
	b[1] = w & 0xff;
	b[2] = (w >> 8) & 0xff;
	b[3] = (w >> 16) & 0xff;
	b[4] = (w >> 24) & 0xff;
	return 5;
}

static int parse_uint(const char *s, char **end, unsigned long max, unsigned long *out)
{
	if (*s < '0' || *s > '9')
		return -1;
	unsigned long v = strtoul(s, end, 10);
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int ss7_pc_parse(const char *s, bool ansi, uint32_t *pc)
{
	unsigned long a, b, c;
	char *e;
	if (!s || parse_uint(s, &e, 0xffffff, &a))
		return -1;
	if (*e == '\0') {
		if (a > ss7_pc_max(ansi))
			return -1;
		*pc = (uint32_t)a;
		return 0;
	}
	char sep = *e;
	if (sep != '-' && sep != '.')
		return -1;
	if (parse_uint(e + 1, &e, 255, &b) || *e != sep || parse_uint(e + 1, &e, 255, &c) || *e != '\0')
		return -1;
	if (ansi) {
		if (a > 255)
			return -1;
		*pc = (uint32_t)(a << 16 | b << 8 | c);
	} else {
		if (a > 7 || c > 7)
			return -1;
		*pc = (uint32_t)(a << 11 | b << 3 | c);
	}
	return 0;
}

const char *ss7_pc_str(uint32_t pc, bool ansi, char *buf, size_t size)
{
	if (ansi)
		snprintf(buf, size, "%u-%u-%u", (pc >> 16) & 0xff, (pc >> 8) & 0xff, pc & 0xff);
	else
		snprintf(buf, size, "%u-%u-%u", (pc >> 11) & 7, (pc >> 3) & 0xff, pc & 7);
	return buf;
}
