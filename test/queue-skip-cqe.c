/* SPDX-License-Identifier: MIT */
/*
 * io_uring_skip_cqe: which CQEs an application never sees.
 *  - A padding CQE (IORING_CQE_F_SKIP) at the head of an
 *    IORING_SETUP_CQE_MIXED ring: consumed, true returned, *err untouched;
 *    the 32-byte CQE behind it is then handed out (false, not consumed).
 *  - An ordinary CQE: false, nothing consumed, even one whose user_data is
 *    LIBURING_UDATA_TIMEOUT, because this kernel has IORING_FEAT_EXT_ARG and
 *    so the library never queues its own timeout request.
 *  - io_uring_peek_cqe() applies the same rule: it never returns padding.
 */
#include <stdio.h>
#include <string.h>
#include "test.h"

static void nop(struct io_uring *ring, __u64 ud, bool big)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_nop(sqe);
	if (big)
		sqe->nop_flags = IORING_NOP_CQE32;
	io_uring_sqe_set_data64(sqe, ud);
}

static struct io_uring_cqe *head_cqe(struct io_uring *ring)
{
	return &ring->cq.cqes[*ring->cq.khead & ring->cq.ring_mask];
}

static void ordinary(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int err = 0;

	t_ring_init(&ring, 4, NULL);
	if (!(ring.features & IORING_FEAT_EXT_ARG))
		t_skip("kernel lacks IORING_FEAT_EXT_ARG (5.11)");
	nop(&ring, 5, false);
	nop(&ring, LIBURING_UDATA_TIMEOUT, false);
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 2), 2);
	cqe = head_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 5u);
	ASSERT(!io_uring_skip_cqe(&ring, cqe, &err));
	ASSERT_EQ(err, 0);
	ASSERT_EQ(io_uring_cq_ready(&ring), 2u);
	io_uring_cq_advance(&ring, 1);
	cqe = head_cqe(&ring);
	ASSERT(!io_uring_skip_cqe(&ring, cqe, &err));
	ASSERT_EQ(err, 0);
	ASSERT_EQ(io_uring_cq_ready(&ring), 1u);
	io_uring_cq_advance(&ring, 1);
	io_uring_queue_exit(&ring);
}

static void padding(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int err = 0;
	unsigned i;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	t_ring_init(&ring, 4, &p);
	ASSERT_EQ(ring.cq.ring_entries, 4u);

	/* three 16-byte CQEs put the head at the last slot */
	for (i = 0; i < 3; i++)
		nop(&ring, 10 + i, false);
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 3), 3);
	io_uring_cq_advance(&ring, 3);

	nop(&ring, 20, true);	/* pads slot 3, lands in slots 0-1 */
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 1), 1);
	ASSERT_EQ(io_uring_cq_ready(&ring), 3u);
	cqe = head_cqe(&ring);
	ASSERT(cqe->flags & IORING_CQE_F_SKIP);
	ASSERT(io_uring_skip_cqe(&ring, cqe, &err));
	ASSERT_EQ(err, 0);
	ASSERT_EQ(io_uring_cq_ready(&ring), 2u);

	cqe = head_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 20u);
	ASSERT(!io_uring_skip_cqe(&ring, cqe, &err));
	ASSERT_EQ(io_uring_cq_ready(&ring), 2u);
	io_uring_cqe_seen(&ring, cqe);

	/* once more through io_uring_peek_cqe(), which must step over it */
	for (i = 0; i < 3; i++)
		nop(&ring, 30 + i, false);
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 3), 3);
	io_uring_cq_advance(&ring, 3);
	nop(&ring, 40, true);
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 1), 1);
	ASSERT_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
	ASSERT_EQ(cqe->user_data, 40u);
	ASSERT(cqe->flags & IORING_CQE_F_32);
	io_uring_cqe_seen(&ring, cqe);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0u);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	ordinary();
	if (!t_kernel_has_setup_flags(IORING_SETUP_CQE_MIXED)) {
		printf("kernel lacks IORING_SETUP_CQE_MIXED (6.18): "
		       "padding cases not run\n");
		return T_EXIT_PASS;
	}
	padding();
	return T_EXIT_PASS;
}
