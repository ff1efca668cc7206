/* SPDX-License-Identifier: MIT */
/*
 * The SQ hands out exactly ring_entries SQEs, then NULL, and the ready /
 * space-left counters follow every step. Once submitted, every request
 * completes with its own user_data and the SQEs can be handed out again,
 * also across the wrap of the ring indexes. Run on a 64-byte and on an
 * SQE128 ring (where each SQE is two slots wide).
 */
#include <stdio.h>
#include <string.h>
#include "test.h"

#define ENTRIES 8

/* Reap n CQEs, which must carry user_data base..base+n-1, each once, res 0. */
static void reap_all(struct io_uring *ring, unsigned n, __u64 base)
{
	unsigned char seen[64];

	ASSERT_LE(n, sizeof(seen));
	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(ring);
		__u64 idx = cqe->user_data - base;

		ASSERT_LT(idx, (__u64) n);
		ASSERT_EQ(seen[idx], 0);
		seen[idx] = 1;
		ASSERT_EQ(cqe->res, 0);
		io_uring_cqe_seen(ring, cqe);
	}
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
}

/* Fill the whole SQ; check the counters and where each SQE lives. */
static void fill_sq(struct io_uring *ring, __u64 base)
{
	const unsigned n = ring->sq.ring_entries;
	const size_t sqe_size = sizeof(struct io_uring_sqe)
				<< io_uring_sqe_shift(ring);

	ASSERT_EQ(io_uring_sq_ready(ring), 0);
	ASSERT_EQ(io_uring_sq_space_left(ring), n);
	for (unsigned i = 0; i < n; i++) {
		unsigned slot = ring->sq.sqe_tail & ring->sq.ring_mask;
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		ASSERT_NOT_NULL(sqe);
		/* The SQE sits in its ring slot, sqe_size bytes apart. */
		ASSERT_EQ((size_t) ((char *) sqe - (char *) ring->sq.sqes),
			  slot * sqe_size);
		/* Dirty the whole SQE: a prep must not depend on a clean slot,
		 * and with SQE128 the upper half must never be read as an
		 * SQE of its own (opcode 0xaa would complete with -EINVAL). */
		memset(sqe, 0xaa, sqe_size);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, base + i);
		ASSERT_EQ(io_uring_sq_ready(ring), i + 1);
		ASSERT_EQ(io_uring_sq_space_left(ring), n - i - 1);
	}
	/* Full: NULL, and asking again does not disturb the count. */
	ASSERT_NULL(io_uring_get_sqe(ring));
	ASSERT_NULL(io_uring_get_sqe(ring));
	ASSERT_EQ(io_uring_sq_ready(ring), n);
	ASSERT_EQ(io_uring_sq_space_left(ring), 0);
}

static void run(unsigned flags)
{
	struct io_uring_params p;
	struct io_uring ring;
	unsigned n;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	t_ring_init(&ring, ENTRIES, &p);
	n = ring.sq.ring_entries;
	ASSERT_EQ(n, ENTRIES);
	ASSERT_EQ(*ring.sq.kring_entries, n);

	/* Three full rounds: the third starts with the indexes wrapped. */
	for (unsigned round = 0; round < 3; round++) {
		__u64 base = 1000 * (round + 1);

		fill_sq(&ring, base);
		ret = io_uring_submit(&ring);
		ASSERT_EQ(ret, (int) n);
		ASSERT_EQ(io_uring_sq_ready(&ring), 0);
		ASSERT_EQ(io_uring_sq_space_left(&ring), n);
		ASSERT_EQ(*ring.sq.khead, ring.sq.sqe_tail);
		reap_all(&ring, n, base);
	}

	/* A partial batch, then the SQ offers exactly the rest. */
	t_submit_nops(&ring, 3, 50);
	ASSERT_EQ(io_uring_sq_ready(&ring), 3);
	ASSERT_EQ(io_uring_sq_space_left(&ring), n - 3);
	for (unsigned i = 0; i < n - 3; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		ASSERT_NOT_NULL(sqe);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 53 + i);
	}
	ASSERT_NULL(io_uring_get_sqe(&ring));
	ret = io_uring_submit(&ring);
	ASSERT_EQ(ret, (int) n);
	reap_all(&ring, n, 50);

	/* Submitting part of what was handed out: the rest stays counted. */
	t_submit_nops(&ring, 2, 70);
	ASSERT_EQ(io_uring_submit(&ring), 2);
	t_submit_nops(&ring, n, 72);
	ASSERT_NULL(io_uring_get_sqe(&ring));
	ASSERT_EQ(io_uring_submit(&ring), (int) n);
	reap_all(&ring, n + 2, 70);

	io_uring_queue_exit(&ring);
}

int main(void)
{
	run(0);
	if (t_kernel_has_setup_flags(IORING_SETUP_SQE128))
		run(IORING_SETUP_SQE128);
	else
		printf("note: kernel lacks IORING_SETUP_SQE128, skipped that part\n");
	return T_EXIT_PASS;
}
