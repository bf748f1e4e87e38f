/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs the fuzz target without libFuzzer: over files given on the command line, then over N
 * pseudo-random mutations of them (deterministic seed), so the target is exercised by gcc builds.
 * Files are taken whole: the inputs of the stateful targets (event sequences) run to a few kilobytes, and
 * a regression input cut short would no longer be the input that found its bug. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEEDS 256
#define MAX_FILE  (1u << 20) /* libFuzzer's -max_len is far below */

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return NULL;
	}
	uint8_t *b = malloc(MAX_FILE);
	*len = b ? fread(b, 1, MAX_FILE, f) : 0;
	fclose(f);
	return b;
}

int main(int argc, char **argv)
{
	static uint8_t *seeds[MAX_SEEDS];
	static size_t seed_len[MAX_SEEDS];
	unsigned n_seeds = 0;
	size_t longest = 0;
	unsigned long iters = 0;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "-runs=", 6)) {
			iters = strtoul(argv[i] + 6, NULL, 10);
			continue;
		}
		size_t n;
		uint8_t *b = read_file(argv[i], &n);
		if (!b)
			return 2;
		/* the target gets a buffer of the input's own size, so that ASan sees a read past its end */
		uint8_t *in = malloc(n ? n : 1);
		memcpy(in, b, n);
		free(b);
		LLVMFuzzerTestOneInput(in, n);
		if (n_seeds < MAX_SEEDS) {
			seeds[n_seeds] = in;
			seed_len[n_seeds++] = n;
			longest = n > longest ? n : longest;
		} else {
			free(in);
		}
	}
	uint32_t x = 2463534242u;
	uint8_t *b = malloc(longest ? longest : 1);
	for (unsigned long it = 0; it < iters && n_seeds; it++) {
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
		uint8_t *in = malloc(n ? n : 1); /* exact size again, for ASan */
		memcpy(in, b, n);
		LLVMFuzzerTestOneInput(in, n);
		free(in);
	}
	free(b);
	for (unsigned i = 0; i < n_seeds; i++)
		free(seeds[i]);
	printf("fuzz replay: %u seed files, %lu mutations, no failure\n", n_seeds, iters);
	return 0;
}
