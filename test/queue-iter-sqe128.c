/* SPDX-License-Identifier: MIT */
/*
 * io_uring_cqe_iter_init/next walk exactly the CQEs ready when the iterator
 * was made (plain, CQE32 and, where the kernel has it, CQE_MIXED rings with
 * 32-byte NOP completions taking two slots); io_uring_get_sqe128 hands out
 * 128-byte SQEs on SQE128 rings and refuses on plain ones (SQE_MIXED rings
 * are exercised when the kernel accepts the flag); io_uring_initialize_sqe
 * zeroes exactly the fields it promises.
 */
#include <stdio.h>
#include <string.h>
#include "test.h"

/* Queue n NOPs with user_data base..base+n-1; every third one posts a big
 * CQE when big is set. */
static void queue_nops(struct io_uring *ring, unsigned n, __u64 base, bool big)
{
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = t_get_sqe(ring);

		io_uring_prep_nop(sqe);
		if (big && i % 3 == 0)
			sqe->nop_flags = IORING_NOP_CQE32;
		io_uring_sqe_set_data64(sqe, base + i);
	}
	ASSERT_EQ(io_uring_submit_and_wait(ring, n), (int) n);
}

static void walk(unsigned flags, bool big)
{
	struct io_uring_params p;
	struct io_uring_cqe_iter it;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	unsigned seen = 0, slots;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	t_ring_init(&ring, 16, &p);

	/* Empty CQ: nothing to visit. */
	it = io_uring_cqe_iter_init(&ring);
	ASSERT(!io_uring_cqe_iter_next(&it, &cqe));

	queue_nops(&ring, 10, 100, big);
	it = io_uring_cqe_iter_init(&ring);
	/* CQEs posted after the snapshot are not visited by this walk. */
	queue_nops(&ring, 2, 200, false);
	while (io_uring_cqe_iter_next(&it, &cqe)) {
		ASSERT_EQ(cqe->user_data, 100 + seen);
		ASSERT_EQ(cqe->res, 0);
		ASSERT_EQ(!!(cqe->flags & IORING_CQE_F_32),
			  (flags & IORING_SETUP_CQE_MIXED) && seen % 3 == 0);
		seen++;
	}
	ASSERT_EQ(seen, 10u);
	slots = it.head - *ring.cq.khead;
	ASSERT_EQ(slots, (flags & IORING_SETUP_CQE_MIXED) ? 14u : 10u);
	io_uring_cq_advance(&ring, slots);

	/* The two later CQEs are still there, and only they. */
	seen = 0;
	it = io_uring_cqe_iter_init(&ring);
	while (io_uring_cqe_iter_next(&it, &cqe))
		ASSERT_EQ(cqe->user_data, 200 + seen++);
	ASSERT_EQ(seen, 2u);
	io_uring_cq_advance(&ring, it.head - *ring.cq.khead);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0u);
	io_uring_queue_exit(&ring);
}

static void sqe128(void)
{
	struct io_uring ring;
	struct io_uring_sqe *a, *b;
	struct io_uring_params p;
	struct io_uring_cqe *cqe;

	/* A plain ring has no 128-byte SQEs. */
	t_ring_init(&ring, 8, NULL);
	ASSERT_NULL(io_uring_get_sqe128(&ring));
	ASSERT_EQ(io_uring_sq_ready(&ring), 0u);
	io_uring_queue_exit(&ring);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQE128;
	t_ring_init(&ring, 4, &p);
	a = io_uring_get_sqe128(&ring);
	b = io_uring_get_sqe128(&ring);
	ASSERT_NOT_NULL(a);
	ASSERT_NOT_NULL(b);
	ASSERT_EQ((char *) b - (char *) a, 128);
	io_uring_prep_nop(a);
	io_uring_sqe_set_data64(a, 1);
	io_uring_prep_nop(b);
	io_uring_sqe_set_data64(b, 2);
	ASSERT_NOT_NULL(io_uring_get_sqe128(&ring));
	ASSERT_NOT_NULL(io_uring_get_sqe128(&ring));
	ASSERT_NULL(io_uring_get_sqe128(&ring));	/* 4 entries: full */
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 4), 4);
	for (__u64 want = 1; want <= 2; want++) {
		cqe = t_wait_cqe(&ring);
		ASSERT_EQ(cqe->user_data, want);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);

	if (!t_kernel_has_setup_flags(IORING_SETUP_SQE_MIXED)) {
		printf("kernel lacks IORING_SETUP_SQE_MIXED (6.19): mixed "
		       "128-byte SQEs not exercised\n");
		return;
	}
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQE_MIXED;
	t_ring_init(&ring, 4, &p);
	/* A small SQE then a big one, six times: the big one lands on the last
	 * slot in some rounds and must be padded to wrap. */
	for (unsigned round = 0; round < 6; round++) {
		struct io_uring_sqe *small = t_get_sqe(&ring);
		struct io_uring_sqe *big;

		io_uring_prep_nop(small);
		io_uring_sqe_set_data64(small, 10 + round);
		big = io_uring_get_sqe128(&ring);
		ASSERT_NOT_NULL(big);
		io_uring_prep_nop128(big);
		io_uring_sqe_set_data64(big, 20 + round);
		ASSERT_GE(io_uring_submit_and_wait(&ring, 2), 2);
		for (unsigned i = 0; i < 2; i++) {
			cqe = t_wait_cqe(&ring);
			ASSERT_EQ(cqe->res, 0);
			ASSERT_EQ(cqe->user_data, (i ? 20u : 10u) + round);
			io_uring_cqe_seen(&ring, cqe);
		}
	}
	io_uring_queue_exit(&ring);
}

static void initialize(void)
{
	struct io_uring_sqe sqe, want;

	memset(&sqe, 0xff, sizeof(sqe));
	io_uring_initialize_sqe(&sqe);
	memset(&want, 0xff, sizeof(want));
	want.flags = 0;
	want.ioprio = 0;
	want.rw_flags = 0;
	want.buf_index = 0;
	want.personality = 0;
	want.file_index = 0;
	want.addr3 = 0;
	want.__pad2[0] = 0;
	ASSERT_MEM_EQ(&sqe, &want, sizeof(sqe));
}

int main(void)
{
	walk(0, false);
	walk(IORING_SETUP_CQE32, true);
	if (t_kernel_has_setup_flags(IORING_SETUP_CQE_MIXED))
		walk(IORING_SETUP_CQE_MIXED, true);
	else
		printf("kernel lacks IORING_SETUP_CQE_MIXED: mixed walk skipped\n");
	sqe128();
	initialize();
	return T_EXIT_PASS;
}
