/* SPDX-License-Identifier: MIT */
/*
 * Regression: io_uring_peek_batch_cqe() on an IORING_SETUP_CQE_MIXED ring
 * around a padding CQE (IORING_CQE_F_SKIP), which the kernel posts in the
 * last CQ slot when a 32-byte CQE would otherwise wrap.
 *  - Padding at the head is consumed by the call itself.
 *  - Padding after real CQEs ends the batch.
 * Either way a caller that advances by the summed io_uring_cqe_nr() of what
 * it got lands exactly after those CQEs. Before the fix the padding slot
 * was skipped over but left in the ring, so that caller ended one slot
 * short and then read the padding as a CQE.
 * Also: on a plain ring the call returns min(count, ready) CQEs in order.
 */
#include <string.h>
#include "test.h"

#define CQ_ENTRIES	8

/* Queue one NOP with user_data ud; a 32-byte CQE when big. */
static void nop(struct io_uring *ring, __u64 ud, bool big)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_nop(sqe);
	if (big)
		sqe->nop_flags = IORING_NOP_CQE32;
	io_uring_sqe_set_data64(sqe, ud);
}

/* Submit what is queued and wait until `slots` CQ slots are filled. */
static void post(struct io_uring *ring, unsigned slots)
{
	ASSERT_GE(io_uring_submit_and_wait(ring, 1), 1);
	while (io_uring_cq_ready(ring) < slots)
		ASSERT_EQ(io_uring_get_events(ring), 0);
}

/* Fill and drain 16-byte CQEs until the CQ head sits at slot `at`. */
static void move_head_to(struct io_uring *ring, unsigned at)
{
	unsigned head = *ring->cq.khead;
	unsigned n = (at - head) & (CQ_ENTRIES - 1);

	for (unsigned i = 0; i < n; i++)
		nop(ring, 1000 + i, false);
	if (n) {
		post(ring, n);
		io_uring_cq_advance(ring, n);
	}
	ASSERT_EQ(*ring->cq.khead & (CQ_ENTRIES - 1), at);
	ASSERT_EQ(io_uring_cq_ready(ring), 0u);
}

static unsigned slots_of(struct io_uring_cqe **c, unsigned n)
{
	unsigned sum = 0;

	for (unsigned i = 0; i < n; i++)
		sum += io_uring_cqe_nr(c[i]);
	return sum;
}

/* The padding is the first thing in the CQ. */
static void padding_at_head(struct io_uring *ring)
{
	struct io_uring_cqe *c[8];
	unsigned n;

	move_head_to(ring, CQ_ENTRIES - 1);
	nop(ring, 1, true);	/* pads slot 7, lands in slots 0-1 */
	nop(ring, 2, false);
	post(ring, 4);
	ASSERT_EQ(io_uring_cq_ready(ring), 4u);

	n = io_uring_peek_batch_cqe(ring, c, 8);
	ASSERT_EQ(n, 2u);
	ASSERT_EQ(c[0]->user_data, 1u);
	ASSERT(c[0]->flags & IORING_CQE_F_32);
	ASSERT_EQ(c[1]->user_data, 2u);
	/* the padding is gone already: what is left is exactly c[] */
	ASSERT_EQ(io_uring_cq_ready(ring), 3u);
	io_uring_cq_advance(ring, slots_of(c, n));
	ASSERT_EQ(io_uring_cq_ready(ring), 0u);
}

/* Real CQEs, then the padding, then a 32-byte CQE. */
static void padding_after_cqes(struct io_uring *ring)
{
	struct io_uring_cqe *c[8];
	unsigned n;

	move_head_to(ring, CQ_ENTRIES - 3);
	nop(ring, 11, false);	/* slot 5 */
	nop(ring, 12, false);	/* slot 6 */
	nop(ring, 13, true);	/* pads slot 7, lands in slots 0-1 */
	post(ring, 5);

	n = io_uring_peek_batch_cqe(ring, c, 8);
	ASSERT_EQ(n, 2u);	/* the padding ends the batch */
	ASSERT_EQ(c[0]->user_data, 11u);
	ASSERT_EQ(c[1]->user_data, 12u);
	io_uring_cq_advance(ring, slots_of(c, n));

	n = io_uring_peek_batch_cqe(ring, c, 8);
	ASSERT_EQ(n, 1u);
	ASSERT_EQ(c[0]->user_data, 13u);
	ASSERT_EQ(io_uring_cqe_nr(c[0]), 2u);
	io_uring_cq_advance(ring, slots_of(c, n));
	ASSERT_EQ(io_uring_cq_ready(ring), 0u);

	/* count bounds the batch; 0 asks for nothing and consumes nothing */
	nop(ring, 21, false);
	nop(ring, 22, false);
	post(ring, 2);
	ASSERT_EQ(io_uring_peek_batch_cqe(ring, c, 0), 0u);
	ASSERT_EQ(io_uring_peek_batch_cqe(ring, c, 1), 1u);
	ASSERT_EQ(c[0]->user_data, 21u);
	io_uring_cq_advance(ring, 2);
}

static void plain_ring(void)
{
	struct io_uring_cqe *c[8];
	struct io_uring ring;

	t_ring_init(&ring, 8, NULL);
	ASSERT_EQ(io_uring_peek_batch_cqe(&ring, c, 8), 0u);
	for (unsigned i = 0; i < 5; i++)
		nop(&ring, 100 + i, false);
	post(&ring, 5);
	ASSERT_EQ(io_uring_peek_batch_cqe(&ring, c, 3), 3u);
	for (unsigned i = 0; i < 3; i++)
		ASSERT_EQ(c[i]->user_data, 100u + i);
	io_uring_cq_advance(&ring, 3);
	ASSERT_EQ(io_uring_peek_batch_cqe(&ring, c, 8), 2u);
	ASSERT_EQ(c[1]->user_data, 104u);
	io_uring_cq_advance(&ring, 2);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	struct io_uring_params p;
	struct io_uring ring;

	plain_ring();

	t_require_setup_flags(IORING_SETUP_CQE_MIXED);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE;
	p.cq_entries = CQ_ENTRIES;
	t_ring_init(&ring, CQ_ENTRIES, &p);
	ASSERT_EQ(ring.cq.ring_entries, (unsigned) CQ_ENTRIES);

	padding_at_head(&ring);
	padding_after_cqes(&ring);
	padding_at_head(&ring);	/* again, one lap later */
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
