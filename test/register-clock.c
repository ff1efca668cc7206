/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_clock (Linux 6.12): choose the clock that absolute
 * wait timeouts (IORING_ENTER_ABS_TIMER) are measured against. Both valid
 * clocks are accepted and then really used by an absolute wait; an
 * invalid clock id or non-zero reserved fields are refused. Works through
 * a registered ring index as well.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "test.h"

static int reg_clock(struct io_uring *ring, clockid_t id)
{
	struct io_uring_clock_register reg;

	memset(&reg, 0, sizeof(reg));
	reg.clockid = (__u32) id;
	return io_uring_register_clock(ring, &reg);
}

static bool ts_ge(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

/*
 * Wait on an empty CQ with an absolute deadline 30 ms from now on `clock`:
 * it must time out, and not before the deadline on that clock.
 */
static void abs_wait(struct io_uring *ring, clockid_t clock)
{
	struct io_uring_getevents_arg arg;
	struct __kernel_timespec ts;
	struct timespec now, deadline;
	unsigned flags;
	int ret;

	clock_gettime(clock, &deadline);
	deadline.tv_nsec += 30 * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	ts.tv_sec = deadline.tv_sec;
	ts.tv_nsec = deadline.tv_nsec;
	memset(&arg, 0, sizeof(arg));
	arg.ts = (unsigned long) &ts;
	arg.sigmask_sz = _NSIG / 8;
	flags = IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG |
		IORING_ENTER_ABS_TIMER;
	if (ring->ring_fd < 0 || ring->enter_ring_fd != ring->ring_fd)
		flags |= IORING_ENTER_REGISTERED_RING;
	ret = io_uring_enter2((unsigned) ring->enter_ring_fd, 0, 1, flags,
			      &arg, sizeof(arg));
	ASSERT_EQ(ret, -ETIME);
	clock_gettime(clock, &now);
	ASSERT(ts_ge(&now, &deadline));
}

int main(void)
{
	struct io_uring_clock_register reg;
	struct io_uring ring;
	int ret;

	t_ring_init(&ring, 4, NULL);

	ret = reg_clock(&ring, CLOCK_MONOTONIC);
	if (ret == -EINVAL && !t_kernel_at_least(6, 12, true))
		t_skip("kernel lacks IORING_REGISTER_CLOCK (needs 6.12)");
	ASSERT_EQ(ret, 0);
	abs_wait(&ring, CLOCK_MONOTONIC);

	ASSERT_EQ(reg_clock(&ring, CLOCK_BOOTTIME), 0);
	abs_wait(&ring, CLOCK_BOOTTIME);

	ASSERT_EQ(reg_clock(&ring, CLOCK_MONOTONIC), 0);
	abs_wait(&ring, CLOCK_MONOTONIC);

	/* Invalid clocks are refused ... */
	ASSERT_EQ(reg_clock(&ring, CLOCK_REALTIME), -EINVAL);
	ASSERT_EQ(reg_clock(&ring, 12345), -EINVAL);
	/* ... and so are non-zero reserved fields. */
	memset(&reg, 0, sizeof(reg));
	reg.clockid = CLOCK_BOOTTIME;
	reg.__resv[1] = 1;
	ASSERT_EQ(io_uring_register_clock(&ring, &reg), -EINVAL);
	/* The ring still waits as before. */
	abs_wait(&ring, CLOCK_MONOTONIC);

	/* The same through a registered ring index. */
	if (io_uring_register_ring_fd(&ring) == 1) {
		ASSERT_EQ(reg_clock(&ring, CLOCK_BOOTTIME), 0);
		abs_wait(&ring, CLOCK_BOOTTIME);
		ASSERT_EQ(reg_clock(&ring, CLOCK_REALTIME), -EINVAL);
	}

	/* Normal I/O is unaffected. */
	t_submit_nops(&ring, 1, 5);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	{
		struct io_uring_cqe *cqe = t_wait_cqe(&ring);

		ASSERT_EQ(cqe->user_data, 5);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
