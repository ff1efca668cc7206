/* SPDX-License-Identifier: MIT */
/*
 * Poll requests on a pipe: io_uring_prep_poll_add() waits for POLLIN and
 * reports it in res; io_uring_prep_poll_multishot() posts a CQE with
 * IORING_CQE_F_MORE per event; io_uring_prep_poll_update() changes the mask
 * and the user_data of a pending poll; io_uring_prep_poll_remove() ends a
 * poll with -ECANCELED (and itself completes with 0, or -ENOENT).
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

static void drain(int fd)
{
	char buf[64];

	ASSERT_GT(read(fd, buf, sizeof(buf)), 0);
}

static void test_poll_add(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	struct t_cqe c;
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	sqe = t_get_sqe(ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	io_uring_sqe_set_data64(sqe, 1);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_assert_idle(ring);		/* empty pipe: nothing yet */

	ASSERT_EQ(write(p[1], "x", 1), 1);
	t_reap_cqes(ring, &c, 1);
	ASSERT_EQ(c.user_data, 1);
	ASSERT_GT(c.res, 0);
	ASSERT((c.res & POLLIN) != 0);
	ASSERT((c.res & POLLOUT) == 0);	/* only what was asked for */
	ASSERT((c.flags & IORING_CQE_F_MORE) == 0);

	/* data already there: the poll completes at once */
	sqe = t_get_sqe(ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN | POLLPRI);
	io_uring_sqe_set_data64(sqe, 2);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, &c, 1);
	ASSERT_EQ(c.user_data, 2);
	ASSERT_EQ(c.res & (POLLIN | POLLPRI), POLLIN);

	/* the write end is writable */
	sqe = t_get_sqe(ring);
	io_uring_prep_poll_add(sqe, p[1], POLLOUT);
	io_uring_sqe_set_data64(sqe, 3);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, &c, 1);
	ASSERT_EQ(c.user_data, 3);
	ASSERT((c.res & POLLOUT) != 0);

	close(p[0]);
	close(p[1]);
}

static void test_multishot(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	struct t_cqe c[2];
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	sqe = t_get_sqe(ring);
	io_uring_prep_poll_multishot(sqe, p[0], POLLIN);
	io_uring_sqe_set_data64(sqe, 10);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_assert_idle(ring);

	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(write(p[1], "y", 1), 1);
		t_reap_cqes(ring, c, 1);
		ASSERT_EQ(c[0].user_data, 10);
		ASSERT((c[0].res & POLLIN) != 0);
		ASSERT((c[0].flags & IORING_CQE_F_MORE) != 0);
		drain(p[0]);
		t_assert_idle(ring);	/* one CQE per event, not a stream */
	}

	/* removal ends it: a last CQE without F_MORE */
	sqe = t_get_sqe(ring);
	io_uring_prep_poll_remove(sqe, 10);
	io_uring_sqe_set_data64(sqe, 11);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 2);
	ASSERT_EQ(t_find_cqe(c, 2, 10)->res, -ECANCELED);
	ASSERT((t_find_cqe(c, 2, 10)->flags & IORING_CQE_F_MORE) == 0);
	ASSERT_EQ(t_find_cqe(c, 2, 11)->res, 0);

	/* and it is gone: a write posts nothing */
	ASSERT_EQ(write(p[1], "z", 1), 1);
	t_assert_idle(ring);
	close(p[0]);
	close(p[1]);
}

static void test_update(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	struct t_cqe c[2];
	int p[2];

	ASSERT_EQ(pipe(p), 0);

	/*
	 * POLLIN on the write end never fires. Updating the mask to POLLOUT
	 * (and the user_data 20 -> 21) fires it at once, as 21.
	 */
	sqe = t_get_sqe(ring);
	io_uring_prep_poll_add(sqe, p[1], POLLIN);
	io_uring_sqe_set_data64(sqe, 20);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_assert_idle(ring);

	sqe = t_get_sqe(ring);
	io_uring_prep_poll_update(sqe, 20, 21, POLLOUT,
				  IORING_POLL_UPDATE_EVENTS |
				  IORING_POLL_UPDATE_USER_DATA);
	io_uring_sqe_set_data64(sqe, 22);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 2);
	ASSERT_EQ(t_find_cqe(c, 2, 22)->res, 0);
	ASSERT((t_find_cqe(c, 2, 21)->res & POLLOUT) != 0);

	/* user_data only: the poll keeps its mask and reports as 31 */
	sqe = t_get_sqe(ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	io_uring_sqe_set_data64(sqe, 30);
	ASSERT_EQ(io_uring_submit(ring), 1);
	sqe = t_get_sqe(ring);
	io_uring_prep_poll_update(sqe, 30, 31, 0,
				  IORING_POLL_UPDATE_USER_DATA);
	io_uring_sqe_set_data64(sqe, 32);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 1);
	ASSERT_EQ(c[0].user_data, 32);
	ASSERT_EQ(c[0].res, 0);
	t_assert_idle(ring);
	ASSERT_EQ(write(p[1], "w", 1), 1);
	t_reap_cqes(ring, c, 1);
	ASSERT_EQ(c[0].user_data, 31);
	ASSERT((c[0].res & POLLIN) != 0);
	drain(p[0]);

	/* nothing to update */
	sqe = t_get_sqe(ring);
	io_uring_prep_poll_update(sqe, 999, 0, POLLIN,
				  IORING_POLL_UPDATE_EVENTS);
	ASSERT_EQ(t_submit_one(ring), -ENOENT);

	close(p[0]);
	close(p[1]);
}

static void test_remove(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	struct t_cqe c[2];
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	sqe = t_get_sqe(ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	io_uring_sqe_set_data64(sqe, 40);
	ASSERT_EQ(io_uring_submit(ring), 1);

	sqe = t_get_sqe(ring);
	io_uring_prep_poll_remove(sqe, 40);
	io_uring_sqe_set_data64(sqe, 41);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 2);
	ASSERT_EQ(t_find_cqe(c, 2, 40)->res, -ECANCELED);
	ASSERT_EQ(t_find_cqe(c, 2, 41)->res, 0);

	/* a second removal finds nothing */
	sqe = t_get_sqe(ring);
	io_uring_prep_poll_remove(sqe, 40);
	ASSERT_EQ(t_submit_one(ring), -ENOENT);

	/* the removed poll does not fire any more */
	ASSERT_EQ(write(p[1], "v", 1), 1);
	t_assert_idle(ring);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	struct io_uring ring;

	t_ring_init(&ring, 16, NULL);
	test_poll_add(&ring);
	test_multishot(&ring);
	test_update(&ring);
	test_remove(&ring);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
