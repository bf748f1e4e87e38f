/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Minimal pcap reader/writer for DLT_MTP3; no libpcap needed to trace or to read traces. */

#include <errno.h>
#include <string.h>

#include "ss7_pcap.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du

static void put32(uint8_t *b, uint32_t v)
{
	memcpy(b, &v, 4);
}

static uint32_t get32(const uint8_t *b, int swapped)
{
	uint32_t v;
	memcpy(&v, b, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

int ss7_pcap_create(struct ss7_pcap *p, const char *path)
{
	return ss7_pcap_create_dlt(p, path, SS7_DLT_MTP3);
}

int ss7_pcap_create_dlt(struct ss7_pcap *p, const char *path, uint32_t dlt)
{
	memset(p, 0, sizeof(*p));
	p->f = fopen(path, "wb");
	if (!p->f)
		return -errno;
	uint8_t h[24];
	put32(h, PCAP_MAGIC_US);
	uint16_t maj = 2, min = 4;
	memcpy(h + 4, &maj, 2);
	memcpy(h + 6, &min, 2);
	put32(h + 8, 0);
	put32(h + 12, 0);
	put32(h + 16, SS7_PCAP_SNAPLEN);
	put32(h + 20, dlt);
	p->linktype = dlt;
	if (fwrite(h, sizeof(h), 1, p->f) != 1) {
		int e = errno ? -errno : -EIO;
		fclose(p->f);
		p->f = NULL;
		return e;
	}
	return 0;
}

int ss7_pcap_write(struct ss7_pcap *p, const struct timeval *tv, const uint8_t *msu, size_t len)
{
	if (!p->f)
		return -EBADF;
	if (len > SS7_PCAP_SNAPLEN)
		return -EMSGSIZE;
	struct timeval now;
	if (!tv) {
		gettimeofday(&now, NULL);
		tv = &now;
	}
	uint8_t h[16];
	put32(h, (uint32_t)tv->tv_sec);
	put32(h + 4, (uint32_t)tv->tv_usec);
	put32(h + 8, (uint32_t)len);
	put32(h + 12, (uint32_t)len);
	if (fwrite(h, sizeof(h), 1, p->f) != 1 || (len && fwrite(msu, len, 1, p->f) != 1))
		return -EIO;
	return 0;
}

int ss7_pcap_open(struct ss7_pcap *p, const char *path)
{
	memset(p, 0, sizeof(*p));
	p->f = fopen(path, "rb");
	if (!p->f)
		return -errno;
	uint8_t h[24];
	if (fread(h, sizeof(h), 1, p->f) != 1)
		goto bad;
	uint32_t magic = get32(h, 0);
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS) {
		p->swapped = 0;
	} else if (__builtin_bswap32(magic) == PCAP_MAGIC_US || __builtin_bswap32(magic) == PCAP_MAGIC_NS) {
		p->swapped = 1;
		magic = __builtin_bswap32(magic);
	} else {
		goto bad;
	}
	p->nsec = magic == PCAP_MAGIC_NS;
	p->linktype = get32(h + 20, p->swapped) & 0x0fffffff;
	return 0;
bad:
	fclose(p->f);
	p->f = NULL;
	return -EINVAL;
}

int ss7_pcap_next(struct ss7_pcap *p, uint8_t *buf, size_t size, size_t *len, struct timeval *tv)
{
	uint8_t h[16];
	if (!p->f)
		return -EBADF;
	size_t n = fread(h, 1, sizeof(h), p->f);
	if (n == 0)
		return 0;
	if (n != sizeof(h))
		return -EINVAL;
	uint32_t caplen = get32(h + 8, p->swapped);
	if (caplen > 0x4000000)
		return -EINVAL;
	if (tv) {
		tv->tv_sec = get32(h, p->swapped);
		uint32_t frac = get32(h + 4, p->swapped);
		tv->tv_usec = p->nsec ? frac / 1000 : frac;
	}
	if (caplen > size) {
		if (fseek(p->f, caplen, SEEK_CUR))
			return -EINVAL;
		return -EMSGSIZE;
	}
	if (caplen && fread(buf, caplen, 1, p->f) != 1)
		return -EINVAL;
	*len = caplen;
	return 1;
}

void ss7_pcap_close(struct ss7_pcap *p)
{
	if (p->f)
		fclose(p->f);
	p->f = NULL;
}
