/* SPDX-License-Identifier: MIT */
/*
 * Shared by the fuzz targets: a reader that turns the fuzzer's bytes into
 * numbers (zeros once the input runs out, so every input is valid), and a
 * check that aborts with a message, which libFuzzer reports as a crash and
 * the replay driver (driver.c) as a failed test.
 */
#ifndef URINGKIT_FUZZ_H
#define URINGKIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline uint64_t fz_bytes(struct fz *f, unsigned nbytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < nbytes; i++) {
		v <<= 8;
		if (f->n) {
			v |= *f->p++;
			f->n--;
		}
	}
	return v;
}

static inline uint8_t fz_u8(struct fz *f) { return (uint8_t) fz_bytes(f, 1); }
static inline uint16_t fz_u16(struct fz *f) { return (uint16_t) fz_bytes(f, 2); }
static inline uint32_t fz_u32(struct fz *f) { return (uint32_t) fz_bytes(f, 4); }
static inline uint64_t fz_u64(struct fz *f) { return fz_bytes(f, 8); }

/* A value in 0..max, biased towards both ends (where bugs live). */
static inline uint64_t fz_range(struct fz *f, uint64_t max)
{
	uint8_t mode = fz_u8(f);
	uint64_t v;

	switch (mode & 3) {
	case 0:
		return max ? (mode >> 2) % (max + 1) : 0;
	case 1:
		return max - ((mode >> 2) % (max + 1 ? max + 1 : 64));
	default:
		v = fz_u64(f);
		return max == UINT64_MAX ? v : v % (max + 1);
	}
}

#define FZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
