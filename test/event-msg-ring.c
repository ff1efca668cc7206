/* SPDX-License-Identifier: MIT */
/*
 * Messages between rings: io_uring_prep_msg_ring() posts a CQE with the
 * given res and user_data into another ring (or the sender's own);
 * io_uring_prep_msg_ring_cqe_flags() also sets the CQE's flags;
 * io_uring_prep_msg_ring_fd() installs a fixed file of the sender into a
 * chosen slot of the target's table, and a read through that slot then
 * reads the pipe; io_uring_prep_msg_ring_fd_alloc() lets the target's
 * kernel pick a free slot and reports it in res; IORING_MSG_RING_CQE_SKIP
 * suppresses the target CQE.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

static void test_data(struct io_uring *src, struct io_uring *dst)
{
	struct io_uring_sqe *sqe;
	struct t_cqe c;

	sqe = t_get_sqe(src);
	io_uring_prep_msg_ring(sqe, dst->ring_fd, 0x1234, 0xabcdef0123ULL, 0);
	io_uring_sqe_set_data64(sqe, 1);
	ASSERT_EQ(t_submit_one(src), 0);
	c = t_reap_cqe(dst);
	ASSERT_EQ(c.user_data, 0xabcdef0123ULL);
	ASSERT_EQ(c.res, 0x1234);
	ASSERT_EQ(c.flags, 0);

	/* res is len reinterpreted: a "negative" value passes too */
	sqe = t_get_sqe(src);
	io_uring_prep_msg_ring(sqe, dst->ring_fd, (unsigned) -EPIPE, 2, 0);
	ASSERT_EQ(t_submit_one(src), 0);
	c = t_reap_cqe(dst);
	ASSERT_EQ(c.user_data, 2);
	ASSERT_EQ(c.res, -EPIPE);

	/* to itself: the sender's own CQ gets both CQEs */
	sqe = t_get_sqe(src);
	io_uring_prep_msg_ring(sqe, src->ring_fd, 7, 3, 0);
	io_uring_sqe_set_data64(sqe, 4);
	ASSERT_EQ(io_uring_submit(src), 1);
	{
		struct t_cqe a = t_reap_cqe(src), b = t_reap_cqe(src);

		if (a.user_data == 4) {
			struct t_cqe t = a;

			a = b;
			b = t;
		}
		ASSERT_EQ(a.user_data, 3);
		ASSERT_EQ(a.res, 7);
		ASSERT_EQ(b.user_data, 4);
		ASSERT_EQ(b.res, 0);
	}
	t_assert_idle(dst);

	/* the target must be a ring */
	sqe = t_get_sqe(src);
	io_uring_prep_msg_ring(sqe, STDERR_FILENO, 1, 1, 0);
	ASSERT_EQ(t_submit_one(src), -EBADFD);
}

static void test_cqe_flags(struct io_uring *src, struct io_uring *dst)
{
	struct io_uring_sqe *sqe;
	struct t_cqe c;

	sqe = t_get_sqe(src);
	io_uring_prep_msg_ring_cqe_flags(sqe, dst->ring_fd, 55, 0x77,
					 0, 0x5a5a0000);
	ASSERT_EQ(t_submit_one(src), 0);
	c = t_reap_cqe(dst);
	ASSERT_EQ(c.user_data, 0x77);
	ASSERT_EQ(c.res, 55);
	ASSERT_EQ(c.flags, 0x5a5a0000);

	/* flags 0 passes as 0 */
	sqe = t_get_sqe(src);
	io_uring_prep_msg_ring_cqe_flags(sqe, dst->ring_fd, 1, 0x78, 0, 0);
	ASSERT_EQ(t_submit_one(src), 0);
	c = t_reap_cqe(dst);
	ASSERT_EQ(c.user_data, 0x78);
	ASSERT_EQ(c.flags, 0);
}

/* Read the pipe through fixed slot `slot` of ring r and expect `what`. */
static void read_slot(struct io_uring *r, int slot, int wfd, const char *what)
{
	struct io_uring_sqe *sqe;
	char buf[16] = { 0 };
	size_t n = strlen(what);

	ASSERT_EQ(write(wfd, what, n), (ssize_t) n);
	sqe = t_get_sqe(r);
	io_uring_prep_read(sqe, slot, buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	ASSERT_EQ(t_submit_one(r), (int) n);
	ASSERT_MEM_EQ(buf, what, n);
}

static void test_fd(struct io_uring *src, struct io_uring *dst)
{
	struct io_uring_sqe *sqe;
	struct t_cqe c;
	int p[2], ret, slot;

	ASSERT_EQ(pipe(p), 0);
	ret = io_uring_register_files(src, &p[0], 1);	/* slot 0 */
	if (ret)
		t_fail("register_files: %d", ret);
	ret = io_uring_register_files_sparse(dst, 4);
	if (ret)
		t_fail("register_files_sparse: %d", ret);

	/* src slot 0 -> dst slot 2 */
	sqe = t_get_sqe(src);
	io_uring_prep_msg_ring_fd(sqe, dst->ring_fd, 0, 2, 0x99, 0);
	ASSERT_EQ(t_submit_one(src), 0);
	c = t_reap_cqe(dst);
	ASSERT_EQ(c.user_data, 0x99);
	ASSERT_EQ(c.res, 0);
	read_slot(dst, 2, p[1], "slot2");

	/* allocate: the kernel picks a free slot (not 2) and says which */
	sqe = t_get_sqe(src);
	io_uring_prep_msg_ring_fd_alloc(sqe, dst->ring_fd, 0, 0x9a, 0);
	slot = t_submit_one(src);
	ASSERT_GE(slot, 0);
	ASSERT_LT(slot, 4);
	ASSERT_NE(slot, 2);
	c = t_reap_cqe(dst);
	ASSERT_EQ(c.user_data, 0x9a);
	ASSERT_EQ(c.res, slot);
	read_slot(dst, slot, p[1], "alloc");

	/* CQE_SKIP: the file arrives in slot 3, the target hears nothing */
	sqe = t_get_sqe(src);
	io_uring_prep_msg_ring_fd(sqe, dst->ring_fd, 0, 3, 0x9b,
				  IORING_MSG_RING_CQE_SKIP);
	ASSERT_EQ(t_submit_one(src), 0);
	t_assert_idle(dst);
	read_slot(dst, 3, p[1], "skip");

	/* errors: no file in the source slot, and sending to oneself */
	sqe = t_get_sqe(src);
	io_uring_prep_msg_ring_fd(sqe, dst->ring_fd, 5, 1, 0, 0);
	ASSERT_EQ(t_submit_one(src), -EBADF);
	sqe = t_get_sqe(src);
	io_uring_prep_msg_ring_fd(sqe, src->ring_fd, 0, 0, 0, 0);
	ASSERT_EQ(t_submit_one(src), -EINVAL);
	t_assert_idle(dst);

	/* the source keeps its own copy */
	read_slot(src, 0, p[1], "src");

	ASSERT_EQ(io_uring_unregister_files(src), 0);
	ASSERT_EQ(io_uring_unregister_files(dst), 0);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	struct io_uring a, b;

	t_require_op(IORING_OP_MSG_RING);
	t_ring_init(&a, 8, NULL);
	t_ring_init(&b, 8, NULL);
	test_data(&a, &b);
	test_cqe_flags(&a, &b);
	test_fd(&a, &b);
	io_uring_queue_exit(&a);
	io_uring_queue_exit(&b);
	return T_EXIT_PASS;
}
