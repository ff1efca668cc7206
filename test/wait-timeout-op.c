/* SPDX-License-Identifier: MIT */
/*
 * IORING_OP_TIMEOUT requests built with io_uring_prep_timeout: a pure
 * timer completes with -ETIME; a counting timeout completes with 0 once
 * that many other requests have completed; an absolute one (the flags
 * argument) fires at its deadline on the chosen clock.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "test.h"

static void queue_timeout(struct io_uring *ring, struct __kernel_timespec *ts,
			  unsigned count, unsigned flags, __u64 ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	ASSERT_NOT_NULL(sqe);
	io_uring_prep_timeout(sqe, ts, count, flags);
	ASSERT_EQ(sqe->opcode, IORING_OP_TIMEOUT);
	ASSERT_EQ(sqe->off, count);
	ASSERT_EQ(sqe->timeout_flags, flags);
	io_uring_sqe_set_data64(sqe, ud);
}

int main(void)
{
	struct __kernel_timespec ts;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	long long t0;

	t_require_op(IORING_OP_TIMEOUT);
	t_ring_init(&ring, 8, NULL);

	/* A 30 ms timer: -ETIME, not before its time. */
	ts.tv_sec = 0;
	ts.tv_nsec = 30 * 1000000;
	queue_timeout(&ring, &ts, 0, 0, 1);
	t0 = t_now_ms();
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 1);
	ASSERT_EQ(cqe->res, -ETIME);
	ASSERT_GE(t_now_ms() - t0, 25);
	io_uring_cqe_seen(&ring, cqe);

	/*
	 * Count 3 with a 60 s timer: three NOPs satisfy it, so it completes
	 * with 0 (had it waited for the timer, res would be -ETIME).
	 */
	ts.tv_sec = 60;
	ts.tv_nsec = 0;
	queue_timeout(&ring, &ts, 3, 0, 2);
	t_submit_nops(&ring, 3, 10);
	ASSERT_EQ(io_uring_submit(&ring), 4);
	{
		unsigned nops = 0;
		bool timeout_done = false;

		for (unsigned i = 0; i < 4; i++) {
			cqe = t_wait_cqe(&ring);
			if (cqe->user_data == 2) {
				ASSERT_EQ(cqe->res, 0);
				/* It needs all three completions first. */
				ASSERT_EQ(nops, 3);
				timeout_done = true;
			} else {
				ASSERT_GE(cqe->user_data, 10);
				ASSERT_LE(cqe->user_data, 12);
				ASSERT_EQ(cqe->res, 0);
				nops++;
			}
			io_uring_cqe_seen(&ring, cqe);
		}
		ASSERT(timeout_done);
		ASSERT_EQ(nops, 3);
	}

	/* Count 2 with only one NOP: the timer decides, -ETIME. */
	ts.tv_sec = 0;
	ts.tv_nsec = 40 * 1000000;
	queue_timeout(&ring, &ts, 2, 0, 3);
	t_submit_nops(&ring, 1, 20);
	ASSERT_EQ(io_uring_submit(&ring), 2);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 20);
	io_uring_cqe_seen(&ring, cqe);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 3);
	ASSERT_EQ(cqe->res, -ETIME);
	io_uring_cqe_seen(&ring, cqe);

	/* Absolute deadlines, on the monotonic and on the boot clock. */
	{
		static const struct {
			clockid_t clock;
			unsigned flags;
		} abs_cases[] = {
			{ CLOCK_MONOTONIC, IORING_TIMEOUT_ABS },
			{ CLOCK_BOOTTIME,
			  IORING_TIMEOUT_ABS | IORING_TIMEOUT_BOOTTIME },
		};

		for (unsigned i = 0; i < 2; i++) {
			struct timespec now;

			clock_gettime(abs_cases[i].clock, &now);
			now.tv_nsec += 30 * 1000000;
			if (now.tv_nsec >= 1000000000) {
				now.tv_sec++;
				now.tv_nsec -= 1000000000;
			}
			ts.tv_sec = now.tv_sec;
			ts.tv_nsec = now.tv_nsec;
			queue_timeout(&ring, &ts, 0, abs_cases[i].flags, 30 + i);
			ASSERT_EQ(io_uring_submit(&ring), 1);
			cqe = t_wait_cqe(&ring);
			ASSERT_EQ(cqe->user_data, 30 + i);
			ASSERT_EQ(cqe->res, -ETIME);
			io_uring_cqe_seen(&ring, cqe);
			{
				struct timespec after;

				clock_gettime(abs_cases[i].clock, &after);
				ASSERT(after.tv_sec > now.tv_sec ||
				       (after.tv_sec == now.tv_sec &&
					after.tv_nsec >= now.tv_nsec));
			}
		}
	}

	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
