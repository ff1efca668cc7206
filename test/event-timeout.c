/* SPDX-License-Identifier: MIT */
/*
 * Timeouts: a plain timeout expires with -ETIME; a count-based one
 * completes with 0 once enough other requests completed; an absolute
 * CLOCK_MONOTONIC timeout does not fire before its time;
 * io_uring_prep_timeout_update() shortens and extends a pending timeout
 * (seen in which of two timeouts fires first); io_uring_prep_timeout_remove()
 * cancels one (-ECANCELED); io_uring_prep_link_timeout() cancels a linked
 * read on an empty pipe (-ECANCELED, the link timeout -ETIME), or is itself
 * cancelled (-ECANCELED) when the read completes first. Timing asserts are
 * only orderings with wide margins.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "test.h"

static struct __kernel_timespec ms(long long n)
{
	struct __kernel_timespec ts = {
		.tv_sec = n / 1000, .tv_nsec = (n % 1000) * 1000000,
	};
	return ts;
}

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void queue_timeout(struct io_uring *ring, struct __kernel_timespec *ts,
			  unsigned count, unsigned flags, __u64 user_data)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_timeout(sqe, ts, count, flags);
	io_uring_sqe_set_data64(sqe, user_data);
}

static void test_expire(struct io_uring *ring)
{
	struct __kernel_timespec ts = ms(10);
	long long t0 = now_ns();
	struct t_cqe c;

	queue_timeout(ring, &ts, 0, 0, 1);
	ASSERT_EQ(io_uring_submit(ring), 1);
	c = t_reap_cqe(ring);
	ASSERT_EQ(c.user_data, 1);
	ASSERT_EQ(c.res, -ETIME);
	ASSERT_GE(now_ns() - t0, 10000000LL);	/* not early */

	/* ETIME_SUCCESS: expiry is reported as -ETIME but not as a failure */
	ts = ms(1);
	queue_timeout(ring, &ts, 0, IORING_TIMEOUT_ETIME_SUCCESS, 2);
	ASSERT_EQ(io_uring_submit(ring), 1);
	c = t_reap_cqe(ring);
	ASSERT_EQ(c.user_data, 2);
	ASSERT_EQ(c.res, -ETIME);
}

static void test_count(struct io_uring *ring)
{
	struct __kernel_timespec ts = ms(20000);
	struct t_cqe c[3];

	/* completes after 2 other completions, long before 20 s */
	queue_timeout(ring, &ts, 2, 0, 10);
	t_submit_nops(ring, 2, 11);
	ASSERT_EQ(io_uring_submit(ring), 3);
	t_reap_cqes(ring, c, 3);
	ASSERT_EQ(t_find_cqe(c, 3, 10)->res, 0);
	ASSERT_EQ(t_find_cqe(c, 3, 11)->res, 0);
	ASSERT_EQ(t_find_cqe(c, 3, 12)->res, 0);
	/* the timeout's CQE comes after the two it counted */
	ASSERT_EQ(c[2].user_data, 10);
}

static void test_abs(struct io_uring *ring)
{
	struct __kernel_timespec ts;
	long long target = now_ns() + 30000000LL;	/* now + 30 ms */
	struct t_cqe c;

	ts.tv_sec = target / 1000000000LL;
	ts.tv_nsec = target % 1000000000LL;
	queue_timeout(ring, &ts, 0, IORING_TIMEOUT_ABS, 20);
	ASSERT_EQ(io_uring_submit(ring), 1);
	c = t_reap_cqe(ring);
	ASSERT_EQ(c.user_data, 20);
	ASSERT_EQ(c.res, -ETIME);
	ASSERT_GE(now_ns(), target);

	/* an absolute time in the past fires at once */
	ts.tv_sec = 0;
	ts.tv_nsec = 1;
	queue_timeout(ring, &ts, 0, IORING_TIMEOUT_ABS, 21);
	ASSERT_EQ(io_uring_submit(ring), 1);
	c = t_reap_cqe(ring);
	ASSERT_EQ(c.user_data, 21);
	ASSERT_EQ(c.res, -ETIME);
}

static void test_update(struct io_uring *ring)
{
	struct __kernel_timespec long_ts = ms(20000), mid_ts = ms(400);
	struct __kernel_timespec short_ts = ms(10), upd_ts;
	struct io_uring_sqe *sqe;
	struct t_cqe c[2];

	/* shorten: A (20 s) updated to 10 ms fires before B (400 ms) */
	queue_timeout(ring, &long_ts, 0, 0, 30);
	queue_timeout(ring, &mid_ts, 0, 0, 31);
	ASSERT_EQ(io_uring_submit(ring), 2);
	upd_ts = short_ts;
	sqe = t_get_sqe(ring);
	io_uring_prep_timeout_update(sqe, &upd_ts, 30, 0);
	io_uring_sqe_set_data64(sqe, 32);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 2);
	ASSERT_EQ(t_find_cqe(c, 2, 32)->res, 0);
	ASSERT_EQ(t_find_cqe(c, 2, 30)->res, -ETIME);
	c[0] = t_reap_cqe(ring);
	ASSERT_EQ(c[0].user_data, 31);
	ASSERT_EQ(c[0].res, -ETIME);

	/* extend: C (50 ms) updated to 20 s; D (300 ms) fires first */
	short_ts = ms(50);
	mid_ts = ms(300);
	queue_timeout(ring, &short_ts, 0, 0, 40);
	queue_timeout(ring, &mid_ts, 0, 0, 41);
	ASSERT_EQ(io_uring_submit(ring), 2);
	upd_ts = long_ts;
	sqe = t_get_sqe(ring);
	io_uring_prep_timeout_update(sqe, &upd_ts, 40, 0);
	io_uring_sqe_set_data64(sqe, 42);
	ASSERT_EQ(t_submit_one(ring), 0);
	c[0] = t_reap_cqe(ring);
	ASSERT_EQ(c[0].user_data, 41);
	ASSERT_EQ(c[0].res, -ETIME);

	/* ... and C is still pending: remove it */
	sqe = t_get_sqe(ring);
	io_uring_prep_timeout_remove(sqe, 40, 0);
	io_uring_sqe_set_data64(sqe, 43);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 2);
	ASSERT_EQ(t_find_cqe(c, 2, 40)->res, -ECANCELED);
	ASSERT_EQ(t_find_cqe(c, 2, 43)->res, 0);

	/* updating a timeout that does not exist */
	sqe = t_get_sqe(ring);
	io_uring_prep_timeout_update(sqe, &upd_ts, 12345, 0);
	ASSERT_EQ(t_submit_one(ring), -ENOENT);
}

static void test_remove(struct io_uring *ring)
{
	struct __kernel_timespec ts = ms(20000);
	struct io_uring_sqe *sqe;
	struct t_cqe c[2];

	queue_timeout(ring, &ts, 0, 0, 50);
	ASSERT_EQ(io_uring_submit(ring), 1);
	sqe = t_get_sqe(ring);
	io_uring_prep_timeout_remove(sqe, 50, 0);
	io_uring_sqe_set_data64(sqe, 51);
	ASSERT_EQ(io_uring_submit(ring), 1);
	t_reap_cqes(ring, c, 2);
	ASSERT_EQ(t_find_cqe(c, 2, 50)->res, -ECANCELED);
	ASSERT_EQ(t_find_cqe(c, 2, 51)->res, 0);

	sqe = t_get_sqe(ring);
	io_uring_prep_timeout_remove(sqe, 50, 0);
	ASSERT_EQ(t_submit_one(ring), -ENOENT);
}

static void test_link_timeout(struct io_uring *ring)
{
	struct __kernel_timespec ts;
	struct io_uring_sqe *sqe;
	struct t_cqe c[2];
	char buf[8];
	int p[2];

	ASSERT_EQ(pipe(p), 0);

	/* fires: the read on the empty pipe is cancelled */
	ts = ms(20);
	sqe = t_get_sqe(ring);
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	io_uring_sqe_set_data64(sqe, 60);
	sqe = t_get_sqe(ring);
	io_uring_prep_link_timeout(sqe, &ts, 0);
	io_uring_sqe_set_data64(sqe, 61);
	ASSERT_EQ(io_uring_submit(ring), 2);
	t_reap_cqes(ring, c, 2);
	ASSERT_EQ(t_find_cqe(c, 2, 60)->res, -ECANCELED);
	ASSERT_EQ(t_find_cqe(c, 2, 61)->res, -ETIME);

	/* does not fire: the read completes, the link timeout is cancelled */
	ts = ms(20000);
	sqe = t_get_sqe(ring);
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	io_uring_sqe_set_data64(sqe, 70);
	sqe = t_get_sqe(ring);
	io_uring_prep_link_timeout(sqe, &ts, 0);
	io_uring_sqe_set_data64(sqe, 71);
	ASSERT_EQ(io_uring_submit(ring), 2);
	usleep(10000);
	ASSERT_EQ(write(p[1], "abc", 3), 3);
	t_reap_cqes(ring, c, 2);
	ASSERT_EQ(t_find_cqe(c, 2, 70)->res, 3);
	ASSERT_EQ(t_find_cqe(c, 2, 71)->res, -ECANCELED);
	ASSERT_MEM_EQ(buf, "abc", 3);

	/* a pending link timeout can be shortened (LINK_TIMEOUT_UPDATE) */
	ts = ms(20000);
	sqe = t_get_sqe(ring);
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_IO_LINK;
	io_uring_sqe_set_data64(sqe, 80);
	sqe = t_get_sqe(ring);
	io_uring_prep_link_timeout(sqe, &ts, 0);
	io_uring_sqe_set_data64(sqe, 81);
	ASSERT_EQ(io_uring_submit(ring), 2);
	{
		struct __kernel_timespec upd = ms(10);
		struct t_cqe all[3];

		sqe = t_get_sqe(ring);
		io_uring_prep_timeout_update(sqe, &upd, 81,
					     IORING_LINK_TIMEOUT_UPDATE);
		io_uring_sqe_set_data64(sqe, 82);
		ASSERT_EQ(io_uring_submit(ring), 1);
		t_reap_cqes(ring, all, 3);
		ASSERT_EQ(t_find_cqe(all, 3, 82)->res, 0);
		ASSERT_EQ(t_find_cqe(all, 3, 80)->res, -ECANCELED);
		ASSERT_EQ(t_find_cqe(all, 3, 81)->res, -ETIME);
	}

	close(p[0]);
	close(p[1]);
}

int main(void)
{
	struct io_uring ring;

	t_ring_init(&ring, 16, NULL);
	test_expire(&ring);
	test_count(&ring);
	test_abs(&ring);
	test_update(&ring);
	test_remove(&ring);
	test_link_timeout(&ring);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
