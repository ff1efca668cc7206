/* SPDX-License-Identifier: MIT */
/*
 * Regression (issue 10, point 6): io_uring_buf_ring_add() and
 * io_uring_buf_ring_advance() added an int offset or count to the 16-bit
 * tail in int arithmetic, which overflows (undefined behaviour) for large
 * arguments. They now compute in unsigned arithmetic, which wraps the way
 * the 16-bit ring index does.
 *
 * Signed overflow rarely shows in the result, so this file asks gcc to
 * trap on it (-ftrapv for every function defined below, the header's
 * inline helpers included): with the old code the test dies of SIGABRT in
 * the plain build, and of UBSan's report under SANITIZE=1.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("trapv")
#endif
#include <limits.h>
#include <stdlib.h>
#include "test.h"

#define ENTRIES 8U

int main(void)
{
	struct io_uring_buf_ring *br;
	volatile int big = INT_MAX, neg = -1, min = INT_MIN;
	int mask = io_uring_buf_ring_mask(ENTRIES);
	static char bufs[ENTRIES][16];

	br = calloc(ENTRIES, sizeof(struct io_uring_buf));
	ASSERT_NOT_NULL(br);
	ASSERT_EQ(mask, 7);

	/* tail 1 + INT_MAX = 2^31: slot 0, whose last bytes hold the tail */
	br->tail = 1;
	io_uring_buf_ring_add(br, bufs[3], 16, 3, mask, big);
	ASSERT_EQ(br->bufs[0].addr, (unsigned long) bufs[3]);
	ASSERT_EQ(br->bufs[0].len, 16U);
	ASSERT_EQ(br->bufs[0].bid, 3);
	ASSERT_EQ(br->tail, 1);

	/* 65535 + INT_MAX overflows int too: (2^31 + 65534) & 7 = 6 */
	br->tail = 65535;
	io_uring_buf_ring_add(br, bufs[6], 16, 6, mask, big);
	ASSERT_EQ(br->bufs[6].bid, 6);
	ASSERT_EQ(br->bufs[6].addr, (unsigned long) bufs[6]);

	/* a negative offset counts back from the tail */
	br->tail = 0;
	io_uring_buf_ring_add(br, bufs[7], 16, 7, mask, neg);
	ASSERT_EQ(br->bufs[7].bid, 7);
	br->tail = 2;
	io_uring_buf_ring_add(br, bufs[5], 16, 5, mask, min);
	ASSERT_EQ(br->bufs[2].bid, 5);	/* 2 + 2^31 (mod 2^32) & 7 */

	/* advance: the new tail is the old one plus count, modulo 65536 */
	br->tail = 5;
	io_uring_buf_ring_advance(br, big);
	ASSERT_EQ(br->tail, (unsigned short) (5U + (unsigned) INT_MAX));
	br->tail = 65535;
	io_uring_buf_ring_advance(br, big);
	ASSERT_EQ(br->tail, (unsigned short) (65535U + (unsigned) INT_MAX));
	br->tail = 5;
	io_uring_buf_ring_advance(br, neg);
	ASSERT_EQ(br->tail, 4);
	io_uring_buf_ring_advance(br, min);
	ASSERT_EQ(br->tail, 4);		/* 2^31 is 0 modulo 65536 */
	free(br);
	return T_EXIT_PASS;
}
