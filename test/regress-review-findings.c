/* SPDX-License-Identifier: MIT */
/*
 * Regressions for bugs a code review found (each one reproduced first):
 *  1. io_uring_resize_rings() to an SQ smaller than the SQEs handed out but
 *     not yet submitted made them overwrite each other (two ran twice, two
 *     were lost): now -EOVERFLOW, and every SQE still runs exactly once.
 *  2. A CQE carrying IORING_CQE_F_32 on a ring without CQE_MIXED (the flag
 *     can be passed in from another ring by MSG_RING's FLAGS_PASS) made
 *     io_uring_peek_batch_cqe() return stale slots and cqe_seen() consume
 *     two CQEs (io_uring_for_each_cqe must step over one slot too).
 *  3. __io_uring_clone_buffers(dst, src, IORING_REGISTER_SRC_REGISTERED)
 *     with a src that has no registered index sent its fd as an index.
 */
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include "test.h"

static void resize_pending(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	unsigned seen[6] = { 0 };
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	t_ring_init(&ring, 8, &p);
	t_submit_nops(&ring, 6, 100);	/* handed out, not submitted */

	memset(&p, 0, sizeof(p));
	p.sq_entries = 4;
	p.cq_entries = 16;
	p.flags = IORING_SETUP_CQSIZE;
	ret = io_uring_resize_rings(&ring, &p);
	if (ret == -EINVAL && !t_kernel_at_least(6, 13, true))
		t_skip("kernel lacks IORING_REGISTER_RESIZE_RINGS");
	ASSERT_EQ(ret, -EOVERFLOW);
	ASSERT_EQ(ring.sq.ring_entries, 8u);	/* untouched */

	ASSERT_EQ(io_uring_submit_and_wait(&ring, 6), 6);
	for (unsigned i = 0; i < 6; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(&ring);

		ASSERT_GE(cqe->user_data, 100u);
		ASSERT_LT(cqe->user_data, 106u);
		seen[cqe->user_data - 100]++;
		io_uring_cqe_seen(&ring, cqe);
	}
	for (unsigned i = 0; i < 6; i++)
		ASSERT_EQ(seen[i], 1u);

	/* Room enough: the resize goes through and the ring still works. */
	t_submit_nops(&ring, 3, 200);
	memset(&p, 0, sizeof(p));
	p.sq_entries = 4;
	p.cq_entries = 16;
	p.flags = IORING_SETUP_CQSIZE;
	ASSERT_EQ(io_uring_resize_rings(&ring, &p), 0);
	ASSERT_EQ(ring.sq.ring_entries, 4u);
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 3), 3);
	for (unsigned i = 0; i < 3; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(&ring);

		ASSERT_EQ(cqe->user_data, 200u + i);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
}

static void passed_f32_flag(void)
{
	struct io_uring src, dst;
	struct io_uring_cqe *cqes[8], *cqe;
	struct io_uring_sqe *sqe;
	unsigned n;

	t_require_op(IORING_OP_MSG_RING);
	t_ring_init(&src, 4, NULL);
	t_ring_init(&dst, 8, NULL);

	/* Two messages into dst, the first with F_32 and F_SKIP set. */
	sqe = t_get_sqe(&src);
	io_uring_prep_msg_ring_cqe_flags(sqe, dst.ring_fd, 7, 0x1111,
					 0, IORING_CQE_F_32 | IORING_CQE_F_SKIP);
	sqe = t_get_sqe(&src);
	io_uring_prep_msg_ring(sqe, dst.ring_fd, 8, 0x2222, 0);
	ASSERT_EQ(io_uring_submit_and_wait(&src, 2), 2);
	ASSERT_EQ(io_uring_cq_ready(&dst), 2u);

	/* for_each visits both, the flagged one as one slot. */
	{
		const __u64 want[2] = { 0x1111, 0x2222 };
		unsigned head, start = *dst.cq.khead, seen = 0;

		io_uring_for_each_cqe(&dst, head, cqe) {
			ASSERT_LT(seen, 2u);
			ASSERT_EQ(cqe->user_data, want[seen]);
			seen++;
		}
		ASSERT_EQ(seen, 2u);
		ASSERT_EQ(head - start, 2u);
	}

	n = io_uring_peek_batch_cqe(&dst, cqes, 8);
	ASSERT_EQ(n, 2u);
	ASSERT_EQ(cqes[0]->user_data, 0x1111u);
	ASSERT_EQ(cqes[0]->res, 7);
	ASSERT_EQ(cqes[1]->user_data, 0x2222u);

	/* peek sees the flagged CQE, and seen consumes exactly one. */
	ASSERT_EQ(io_uring_peek_cqe(&dst, &cqe), 0);
	ASSERT_EQ(cqe->user_data, 0x1111u);
	io_uring_cqe_seen(&dst, cqe);
	ASSERT_EQ(io_uring_cq_ready(&dst), 1u);
	ASSERT_EQ(io_uring_peek_cqe(&dst, &cqe), 0);
	ASSERT_EQ(cqe->user_data, 0x2222u);
	io_uring_cqe_seen(&dst, cqe);
	ASSERT_EQ(io_uring_cq_ready(&dst), 0u);

	io_uring_queue_exit(&src);
	io_uring_queue_exit(&dst);
}

static void clone_src_flag(void)
{
	static char bufs[3][4096];
	struct iovec iov[3];
	struct io_uring a, b;
	int ret;

	t_ring_init(&a, 4, NULL);
	t_ring_init(&b, 4, NULL);
	for (int i = 0; i < 3; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
	}
	ASSERT_EQ(io_uring_register_buffers(&a, iov, 3), 0);

	ret = __io_uring_clone_buffers(&b, &a, IORING_REGISTER_SRC_REGISTERED);
	if (ret == -EINVAL && !t_kernel_at_least(6, 12, true))
		t_skip("kernel lacks IORING_REGISTER_CLONE_BUFFERS");
	ASSERT_EQ(ret, 0);
	/* b now has a's three-slot table: slot 2 can be updated, slot 3 not. */
	ASSERT_EQ(io_uring_register_buffers_update_tag(&b, 2, &iov[0], NULL, 1),
		  1);
	ASSERT_EQ(io_uring_register_buffers_update_tag(&b, 3, &iov[0], NULL, 1),
		  -EINVAL);
	io_uring_queue_exit(&a);
	io_uring_queue_exit(&b);
}

int main(void)
{
	resize_pending();
	passed_f32_flag();
	clone_src_flag();
	return T_EXIT_PASS;
}
