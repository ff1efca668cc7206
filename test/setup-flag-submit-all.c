/* SPDX-License-Identifier: MIT */
/*
 * IORING_SETUP_SUBMIT_ALL: an SQE the kernel rejects while submitting does
 * not stop the batch. Without the flag the kernel stops at the bad one
 * (counting it: it got a CQE) and leaves the rest queued.
 */
#include <stdio.h>
#include <unistd.h>
#include "test.h"

/* NOP, invalid opcode, NOP, NOP with user_data 0..3. */
static void queue_batch(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;

	t_submit_nops(ring, 1, 0);
	sqe = io_uring_get_sqe(ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_nop(sqe);
	sqe->opcode = 250;	/* no such opcode */
	io_uring_sqe_set_data64(sqe, 1);
	t_submit_nops(ring, 2, 2);
}

/* Reap n CQEs; returns a bitmap of the user_data seen. */
static unsigned reap(struct io_uring *ring, unsigned n)
{
	unsigned seen = 0;

	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(ring);

		ASSERT_LT(cqe->user_data, 4);
		ASSERT_EQ(seen & (1U << cqe->user_data), 0);
		seen |= 1U << cqe->user_data;
		ASSERT_EQ(cqe->res, cqe->user_data == 1 ? -EINVAL : 0);
		io_uring_cqe_seen(ring, cqe);
	}
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
	return seen;
}

int main(void)
{
	struct io_uring_params p;
	struct io_uring ring;

	t_require_setup_flags(IORING_SETUP_SUBMIT_ALL);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SUBMIT_ALL;
	t_ring_init(&ring, 8, &p);
	queue_batch(&ring);
	ASSERT_EQ(io_uring_submit(&ring), 4);
	ASSERT_EQ(reap(&ring, 4), 0xf);
	ASSERT_EQ(io_uring_sq_ready(&ring), 0);
	/* Again, so the ring wraps past the failed slot. */
	queue_batch(&ring);
	queue_batch(&ring);
	ASSERT_EQ(io_uring_submit(&ring), 8);
	for (int i = 0; i < 8; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(&ring);

		ASSERT_EQ(cqe->res, cqe->user_data == 1 ? -EINVAL : 0);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);

	/* The contrast: without SUBMIT_ALL the batch stops at the bad SQE. */
	t_ring_init(&ring, 8, NULL);
	queue_batch(&ring);
	ASSERT_EQ(io_uring_submit(&ring), 2);
	ASSERT_EQ(reap(&ring, 2), 0x3);
	/* The two NOPs after it are still queued and go with the next submit. */
	ASSERT_EQ(io_uring_submit(&ring), 2);
	ASSERT_EQ(reap(&ring, 2), 0xc);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
