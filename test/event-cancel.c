/* SPDX-License-Identifier: MIT */
/*
 * Cancellation of reads parked on empty pipes: by user_data
 * (io_uring_prep_cancel64(), and io_uring_prep_cancel() with a pointer),
 * every request with a user_data (IORING_ASYNC_CANCEL_ALL), by file
 * (io_uring_prep_cancel_fd(), also for a fixed file) and anything
 * (IORING_ASYNC_CANCEL_ANY). With CANCEL_ALL, res counts the cancelled
 * requests; each of them completes with -ECANCELED, and requests that do
 * not match stay pending. Nothing to cancel: -ENOENT (single), 0 (ALL).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

static char buf[16][8];

static unsigned count(const struct t_cqe *c, unsigned n, __u64 user_data)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		k += c[i].user_data == user_data;
	return k;
}

/* Queue a read of an empty pipe: it parks until data or cancellation. */
static void queue_read(struct io_uring *ring, int fd, unsigned slot,
		       __u64 user_data)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_read(sqe, fd, buf[slot], sizeof(buf[slot]), 0);
	io_uring_sqe_set_data64(sqe, user_data);
}

static void test_by_user_data(struct io_uring *ring, int fd)
{
	struct io_uring_sqe *sqe;
	struct t_cqe c[3];
	static int cookie;

	queue_read(ring, fd, 0, 1);
	queue_read(ring, fd, 1, 2);
	ASSERT_EQ(io_uring_submit(ring), 2);
	t_assert_idle(ring);

	sqe = t_get_sqe(ring);
	io_uring_prep_cancel64(sqe, 1, 0);
	io_uring_sqe_set_data64(sqe, 100);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 2);
	ASSERT_EQ(t_find_cqe(c, 2, 1)->res, -ECANCELED);
	ASSERT_EQ(t_find_cqe(c, 2, 100)->res, 0);
	t_assert_idle(ring);		/* read 2 is untouched */

	sqe = t_get_sqe(ring);
	io_uring_prep_cancel64(sqe, 2, 0);
	io_uring_sqe_set_data64(sqe, 101);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 2);
	ASSERT_EQ(t_find_cqe(c, 2, 2)->res, -ECANCELED);
	ASSERT_EQ(t_find_cqe(c, 2, 101)->res, 0);

	/* io_uring_prep_cancel(): user_data is a pointer */
	sqe = t_get_sqe(ring);
	io_uring_prep_read(sqe, fd, buf[2], sizeof(buf[2]), 0);
	io_uring_sqe_set_data(sqe, &cookie);
	ASSERT_EQ(io_uring_submit(ring), 1);
	sqe = t_get_sqe(ring);
	io_uring_prep_cancel(sqe, &cookie, 0);
	io_uring_sqe_set_data64(sqe, 102);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 2);
	ASSERT_EQ(t_find_cqe(c, 2, (__u64) (uintptr_t) &cookie)->res,
		  -ECANCELED);
	ASSERT_EQ(t_find_cqe(c, 2, 102)->res, 0);

	/* several requests share a user_data: ALL gets them all */
	queue_read(ring, fd, 3, 5);
	queue_read(ring, fd, 4, 5);
	queue_read(ring, fd, 5, 5);
	ASSERT_EQ(io_uring_submit(ring), 3);
	sqe = t_get_sqe(ring);
	io_uring_prep_cancel64(sqe, 5, IORING_ASYNC_CANCEL_ALL);
	io_uring_sqe_set_data64(sqe, 103);
	ASSERT_EQ(io_uring_submit(ring), 1);
	{
		struct t_cqe all[4];

		t_reap_cqes(ring, all, 4);
		ASSERT_EQ(t_find_cqe(all, 4, 103)->res, 3);
		ASSERT_EQ(count(all, 4, 5), 3);
		for (unsigned i = 0; i < 4; i++)
			if (all[i].user_data == 5)
				ASSERT_EQ(all[i].res, -ECANCELED);
	}
}

static void test_by_fd(struct io_uring *ring, int fd, int other)
{
	struct io_uring_sqe *sqe;
	struct t_cqe c[5];

	queue_read(ring, fd, 0, 10);
	queue_read(ring, fd, 1, 11);
	queue_read(ring, fd, 2, 12);
	queue_read(ring, other, 3, 13);
	ASSERT_EQ(io_uring_submit(ring), 4);
	t_assert_idle(ring);

	sqe = t_get_sqe(ring);
	io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL);
	io_uring_sqe_set_data64(sqe, 110);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 4);
	ASSERT_EQ(t_find_cqe(c, 4, 110)->res, 3);
	for (__u64 ud = 10; ud <= 12; ud++)
		ASSERT_EQ(t_find_cqe(c, 4, ud)->res, -ECANCELED);
	t_assert_idle(ring);		/* the read on the other pipe remains */

	/* without ALL: the first match only, res 0 */
	queue_read(ring, fd, 0, 14);
	queue_read(ring, fd, 1, 15);
	ASSERT_EQ(io_uring_submit(ring), 2);
	sqe = t_get_sqe(ring);
	io_uring_prep_cancel_fd(sqe, fd, 0);
	io_uring_sqe_set_data64(sqe, 111);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 2);
	ASSERT_EQ(t_find_cqe(c, 2, 111)->res, 0);
	ASSERT_EQ(count(c, 2, 14) + count(c, 2, 15), 1);
	for (unsigned i = 0; i < 2; i++)
		if (c[i].user_data != 111)
			ASSERT_EQ(c[i].res, -ECANCELED);
	t_assert_idle(ring);

	/* ANY | ALL: the two reads still parked, wherever they are */
	sqe = t_get_sqe(ring);
	io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY |
			       IORING_ASYNC_CANCEL_ALL);
	io_uring_sqe_set_data64(sqe, 112);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 3);
	ASSERT_EQ(t_find_cqe(c, 3, 112)->res, 2);
	ASSERT_EQ(t_find_cqe(c, 3, 13)->res, -ECANCELED);
}

static void test_fixed_fd(struct io_uring *ring, int fd)
{
	struct io_uring_sqe *sqe;
	struct t_cqe c[3];
	int ret = io_uring_register_files(ring, &fd, 1);

	if (ret)
		t_fail("io_uring_register_files: %d", ret);
	for (unsigned i = 0; i < 2; i++) {
		sqe = t_get_sqe(ring);
		io_uring_prep_read(sqe, 0, buf[i], sizeof(buf[i]), 0);
		sqe->flags |= IOSQE_FIXED_FILE;
		io_uring_sqe_set_data64(sqe, 20 + i);
	}
	ASSERT_EQ(io_uring_submit(ring), 2);
	t_assert_idle(ring);

	/* slot 0 is not fd 0: the plain fd match finds nothing */
	sqe = t_get_sqe(ring);
	io_uring_prep_cancel_fd(sqe, 0, IORING_ASYNC_CANCEL_ALL);
	ASSERT_EQ(t_submit_one(ring), 0);

	sqe = t_get_sqe(ring);
	io_uring_prep_cancel_fd(sqe, 0, IORING_ASYNC_CANCEL_ALL |
				IORING_ASYNC_CANCEL_FD_FIXED);
	io_uring_sqe_set_data64(sqe, 120);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 3);
	ASSERT_EQ(t_find_cqe(c, 3, 120)->res, 2);
	ASSERT_EQ(t_find_cqe(c, 3, 20)->res, -ECANCELED);
	ASSERT_EQ(t_find_cqe(c, 3, 21)->res, -ECANCELED);
	ASSERT_EQ(io_uring_unregister_files(ring), 0);
}

static void test_nothing(struct io_uring *ring, int fd)
{
	struct io_uring_sqe *sqe;

	sqe = t_get_sqe(ring);
	io_uring_prep_cancel64(sqe, 0xdead, 0);
	ASSERT_EQ(t_submit_one(ring), -ENOENT);

	sqe = t_get_sqe(ring);
	io_uring_prep_cancel(sqe, (void *) 0x1234, 0);
	ASSERT_EQ(t_submit_one(ring), -ENOENT);

	sqe = t_get_sqe(ring);
	io_uring_prep_cancel_fd(sqe, fd, 0);
	ASSERT_EQ(t_submit_one(ring), -ENOENT);

	/* with ALL the result is a count, and nothing matched */
	sqe = t_get_sqe(ring);
	io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL);
	ASSERT_EQ(t_submit_one(ring), 0);
}

int main(void)
{
	struct io_uring ring;
	int p[2], q[2];

	t_ring_init(&ring, 32, NULL);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(pipe(q), 0);

	test_by_user_data(&ring, p[0]);
	test_by_fd(&ring, p[0], q[0]);
	test_fixed_fd(&ring, p[0]);
	test_nothing(&ring, p[0]);

	/* the pipes were never written: every read above was cancelled */
	t_assert_idle(&ring);
	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	return T_EXIT_PASS;
}
