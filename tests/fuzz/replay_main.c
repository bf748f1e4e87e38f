/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs the fuzz target without libFuzzer: over files given on the command line, then over N
 * pseudo-random mutations of them (deterministic seed), so the target is exercised by gcc builds. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	static uint8_t seeds[256][600];
	static size_t seed_len[256];
	unsigned n_seeds = 0;
	unsigned long iters = 0;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "-runs=", 6)) {
			iters = strtoul(argv[i] + 6, NULL, 10);
			continue;
		}
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 2;
		}
		size_t n = fread(seeds[n_seeds], 1, sizeof(seeds[0]), f);
		fclose(f);
		LLVMFuzzerTestOneInput(seeds[n_seeds], n);
		if (n_seeds < 255)
			seed_len[n_seeds++] = n;
	}
	uint32_t x = 2463534242u;
	for (unsigned long it = 0; it < iters && n_seeds; it++) {
		uint8_t b[600];
		unsigned s = it % n_seeds;
		size_t n = seed_len[s];
		memcpy(b, seeds[s], n);
		for (int k = 0; k < 3; k++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			if (!n)
				break;
			switch (x % 3) {
			case 0:
				b[(x >> 8) % n] = (uint8_t)(x >> 16);
				break;
			case 1:
				n = (x >> 8) % (n + 1);
				break;
			default:
				b[(x >> 8) % n] ^= (uint8_t)(1u << ((x >> 16) % 8));
				break;
			}
		}
		LLVMFuzzerTestOneInput(b, n);
	}
	printf("fuzz replay: %u seed files, %lu mutations, no failure\n", n_seeds, iters);
	return 0;
}
