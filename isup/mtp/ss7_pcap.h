/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcap files of MTP3 MSUs (link type DLT_MTP3 = 141): SIO, routing label, user part. */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

#define SS7_DLT_MTP3	 141
#define SS7_PCAP_SNAPLEN 65535

struct ss7_pcap {
	FILE *f;
	int swapped; /* reader: file written with the other byte order */
	int nsec;    /* reader: nanosecond timestamps */
	uint32_t linktype;
};

#define SS7_DLT_USER0 147 /* used for raw M3UA: tshark -o 'uat:user_dlts:"User 0 (DLT=147)","m3ua","0","","0",""' */

/* Writer: returns 0 or -errno. ss7_pcap_create() writes DLT_MTP3. */
int ss7_pcap_create(struct ss7_pcap *p, const char *path);
int ss7_pcap_create_dlt(struct ss7_pcap *p, const char *path, uint32_t dlt);
int ss7_pcap_write(struct ss7_pcap *p, const struct timeval *tv, const uint8_t *msu, size_t len);
/* Reader: open checks the global header; next returns 1 with a record, 0 at the end, -EINVAL on a
 * damaged file. Records longer than size are reported as -EMSGSIZE and skipped. */
int ss7_pcap_open(struct ss7_pcap *p, const char *path);
int ss7_pcap_next(struct ss7_pcap *p, uint8_t *buf, size_t size, size_t *len, struct timeval *tv);
void ss7_pcap_close(struct ss7_pcap *p);
