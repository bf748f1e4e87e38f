/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MTP3 service information octet and routing label (Q.704 14.2/2.2, T1.111.4). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MTP3_SI_SNM  0
#define MTP3_SI_MTN  1 /* ITU signalling network testing (SLTM/SLTA) */
#define MTP3_SI_MTNS 2 /* ANSI special testing */
#define MTP3_SI_SCCP 3
#define MTP3_SI_ISUP 5

#define MTP3_NI_INTERNATIONAL 0
#define MTP3_NI_NATIONAL      2

struct mtp3_label {
	uint8_t si;   /* service indicator (4 bits) */
	uint8_t ni;   /* network indicator (2 bits) */
	uint8_t prio; /* ANSI message priority; ITU: the spare bits (2 bits) */
	uint32_t dpc;
	uint32_t opc;
	uint8_t sls; /* ITU 4 bits; ANSI the whole octet (5- or 8-bit SLS) */
	bool ansi;   /* set by the decoder (and by M3UA delivery): the label format it came in */
};

/* Length of SIO + routing label: 5 (ITU) or 8 (ANSI). */
static inline size_t mtp3_hdr_len(bool ansi)
{
	return ansi ? 8 : 5;
}

/* Decode SIO + routing label at buf. Returns the header length or -1 when too short. */
int mtp3_label_decode(struct mtp3_label *l, bool ansi, const uint8_t *buf, size_t len);
/* Encode SIO + routing label. Returns the header length, -1 on a value out of range, -2 on no space. */
int mtp3_label_encode(const struct mtp3_label *l, bool ansi, uint8_t *buf, size_t size);

/* Point codes: ITU 14 bits written 3-8-3 ("1-23-4") or decimal; ANSI 24 bits network-cluster-member
 * ("245-16-1", also accepted as "245.16.1") or decimal. Printing uses the dashed structured form. */
int ss7_pc_parse(const char *s, bool ansi, uint32_t *pc);
const char *ss7_pc_str(uint32_t pc, bool ansi, char *buf, size_t size);
static inline uint32_t ss7_pc_max(bool ansi)
{
	return ansi ? 0xffffff : 0x3fff;
}
/* The SLS values a label may carry: ITU 4 bits; ANSI 5 bits (the 3 upper bits of the octet spare, 0) or
 * 8 bits (T1.111.4 2.2.2, where the network uses the 8-bit SLS) */
static inline uint8_t ss7_sls_mask(bool ansi, unsigned sls_bits)
{
	return !ansi ? 0x0f : sls_bits == 8 ? 0xff : 0x1f;
}
