/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Codec throughput: decode + encode round trips per second on one core, for IAM, ACM, REL, GRS.
 * Reference measured in the same run: memcpy of the same octets plus a byte sum, so figures can be
 * compared across machines as a ratio. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isup/isup.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile unsigned sink;

static double bench_codec(const uint8_t *b, size_t n, unsigned long iters)
{
	static struct isup_msg m;
	uint8_t out[600];
	double t0 = now();
	for (unsigned long i = 0; i < iters; i++) {
		if (isup_msg_decode(&m, ISUP_VAR_ITU, b, n) != ISUP_OK)
			abort();
		int k = isup_msg_encode(&m, out, sizeof(out));
		if (k != (int)n)
			abort();
		sink += out[k - 1];
	}
	return iters / (now() - t0);
}

static double bench_typed_iam(const uint8_t *b, size_t n, unsigned long iters)
{
	static struct isup_msg m;
	double t0 = now();
	for (unsigned long i = 0; i < iters; i++) {
		struct isup_number cd, cg;
		struct isup_fci fci;
		if (isup_msg_decode(&m, ISUP_VAR_ITU, b, n) || isup_msg_get_number(&m, ISUP_PAR_CALLED, &cd) ||
		    isup_msg_get_number(&m, ISUP_PAR_CALLING, &cg) || isup_msg_get_bits(&m, ISUP_PAR_FCI, &fci))
			abort();
		sink += (unsigned)cd.n_digits + cg.n_digits + fci.isup_ind;
	}
	return iters / (now() - t0);
}

static double bench_ref(const uint8_t *b, size_t n, unsigned long iters)
{
	uint8_t out[600];
	double t0 = now();
	for (unsigned long i = 0; i < iters; i++) {
		memcpy(out, b, n);
		__asm__ volatile("" : : "r"(out) : "memory");
		unsigned s = 0;
		for (size_t k = 0; k < n; k++)
			s += out[k];
		sink += s;
	}
	return iters / (now() - t0);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

#define REPS 5
/* median of REPS runs: shared machines drift */
static double median(double (*fn)(const uint8_t *, size_t, unsigned long), const uint8_t *b, size_t n,
		     unsigned long iters)
{
	double r[REPS];
	for (int i = 0; i < REPS; i++)
		r[i] = fn(b, n, iters);
	qsort(r, REPS, sizeof(r[0]), cmp_d);
	return r[REPS / 2];
}

int main(int argc, char **argv)
{
	unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
	static const char *lines[][2] = {
		{ "IAM", "IAM cic=1 nci.echo_dev=1 fci.isup_ind=1 fci.isdn_access=1 cpc.value=10 tmr.value=3 "
			 "cdpn.nai=3 cdpn.npi=1 cdpn.digits=4930123456 cgpn.nai=3 cgpn.npi=1 cgpn.si=3 "
			 "cgpn.digits=4930999888 ofci.cug_call=0 hop.count=20 pdc.value=10" },
		{ "ACM", "ACM cic=1 bci.charge=2 bci.called_status=1 bci.called_category=1 bci.isup_ind=1 "
			 "obci.inband_info=1" },
		{ "REL", "REL cic=1 cause.location=2 cause.cause=16" },
		{ "GRS", "GRS cic=1 rs.range=31" },
	};
	printf("isup codec benchmark: median of %d runs of %lu iterations, one thread (ITU)\n", REPS, iters);
	printf("%-4s %6s %16s %16s %8s\n", "msg", "octets", "round trips/s", "ref copies/s", "ratio");
	for (unsigned i = 0; i < 4; i++) {
		static struct isup_msg m;
		uint8_t b[600];
		if (isup_msg_from_line(&m, ISUP_VAR_ITU, lines[i][1], NULL, 0))
			abort();
		int n = isup_msg_encode(&m, b, sizeof(b));
		bench_codec(b, (size_t)n, iters / 10); /* warm up */
		double r = median(bench_codec, b, (size_t)n, iters);
		double ref = median(bench_ref, b, (size_t)n, iters);
		printf("%-4s %6d %16.0f %16.0f %8.3f\n", lines[i][0], n, r, ref, r / ref);
		if (i == 0) {
			double t = median(bench_typed_iam, b, (size_t)n, iters);
			printf("IAM decode + typed called/calling/FCI: %.0f per second (%.0f ns each)\n", t, 1e9 / t);
		}
	}
	return 0;
}
