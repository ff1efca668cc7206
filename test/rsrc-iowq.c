/* SPDX-License-Identifier: MIT */
/*
 * io-wq tuning: io_uring_register_iowq_aff / io_uring_unregister_iowq_aff
 * (a one-CPU mask is accepted and async work still runs under it;
 * unregister restores the default), and io_uring_register_iowq_max_workers (the array comes back
 * holding the previous limits; zeros only query).
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

static struct io_uring ring;

/* An IOSQE_ASYNC NOP: runs in an io-wq worker. */
static void async_nop(__u64 ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;

	ASSERT_NOT_NULL(sqe);
	io_uring_prep_nop(sqe);
	sqe->flags |= IOSQE_ASYNC;
	io_uring_sqe_set_data64(sqe, ud);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);
}

static void test_aff(void)
{
	cpu_set_t mask, cur;
	int cpu = -1;

	ASSERT_EQ(sched_getaffinity(0, sizeof(cur), &cur), 0);
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &cur)) {
			cpu = i;
			break;
		}
	ASSERT_GE(cpu, 0);

	CPU_ZERO(&mask);
	CPU_SET(cpu, &mask);
	ASSERT_EQ(io_uring_register_iowq_aff(&ring, sizeof(mask), &mask), 0);
	async_nop(1);
	/* Again (replacing the mask), then a mask of no CPU at all. */
	ASSERT_EQ(io_uring_register_iowq_aff(&ring, sizeof(mask), &mask), 0);
	ASSERT_EQ(io_uring_unregister_iowq_aff(&ring), 0);
	async_nop(2);
	ASSERT_EQ(io_uring_unregister_iowq_aff(&ring), 0);

	/* The calling thread's own affinity is untouched. */
	{
		cpu_set_t after;

		ASSERT_EQ(sched_getaffinity(0, sizeof(after), &after), 0);
		ASSERT(CPU_EQUAL(&after, &cur));
	}

	/* Bad input. */
	ASSERT_EQ(io_uring_register_iowq_aff(&ring, 0, &mask), -EINVAL);
	ASSERT_EQ(io_uring_register_iowq_aff(&ring, 1UL << 31, &mask), -EINVAL);
	ASSERT_EQ(io_uring_register_iowq_aff(&ring, sizeof(mask), NULL),
		  -EINVAL);
	ASSERT_EQ(io_uring_register_iowq_aff(&ring, sizeof(mask),
					     (cpu_set_t *) 8), -EFAULT);
}

static void test_max_workers(void)
{
	unsigned int v[2], orig[2];

	/* Query: zeros change nothing and return the current limits. */
	v[0] = v[1] = 0;
	ASSERT_EQ(io_uring_register_iowq_max_workers(&ring, v), 0);
	ASSERT_GT(v[0], 0);
	ASSERT_GT(v[1], 0);
	orig[0] = v[0];
	orig[1] = v[1];

	/* Set 2 bounded / 3 unbounded: the old values come back. */
	v[0] = 2;
	v[1] = 3;
	ASSERT_EQ(io_uring_register_iowq_max_workers(&ring, v), 0);
	ASSERT_EQ(v[0], orig[0]);
	ASSERT_EQ(v[1], orig[1]);
	/* Query again: the new limits. */
	v[0] = v[1] = 0;
	ASSERT_EQ(io_uring_register_iowq_max_workers(&ring, v), 0);
	ASSERT_EQ(v[0], 2);
	ASSERT_EQ(v[1], 3);
	/* Change only the unbounded one. */
	v[0] = 0;
	v[1] = 5;
	ASSERT_EQ(io_uring_register_iowq_max_workers(&ring, v), 0);
	ASSERT_EQ(v[0], 2);
	ASSERT_EQ(v[1], 3);
	v[0] = v[1] = 0;
	ASSERT_EQ(io_uring_register_iowq_max_workers(&ring, v), 0);
	ASSERT_EQ(v[0], 2);
	ASSERT_EQ(v[1], 5);
	async_nop(3);

	ASSERT_EQ(io_uring_register_iowq_max_workers(&ring, NULL), -EINVAL);
	ASSERT_EQ(io_uring_register_iowq_max_workers(&ring,
						     (unsigned int *) 8), -EFAULT);
}

int main(void)
{
	int fds;

	t_ring_init(&ring, 8, NULL);
	fds = t_count_fds();
	test_aff();
	test_max_workers();
	ASSERT_EQ(t_count_fds(), fds);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
