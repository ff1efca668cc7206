/* SPDX-License-Identifier: MIT */
/*
 * io_uring_cq_eventfd_toggle() really stops and restarts the eventfd
 * signal: with it off, completions leave the registered eventfd at zero;
 * back on, the next completion signals it again. io_uring_cq_eventfd_enabled()
 * reports the state each time.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "test.h"

/* The eventfd's counter, read and reset (0 when nothing was signalled). */
static uint64_t drain(int efd)
{
	uint64_t v = 0;

	if (read(efd, &v, sizeof(v)) < 0) {
		ASSERT_EQ(errno, EAGAIN);
		return 0;
	}
	return v;
}

static void nop_and_reap(struct io_uring *ring, unsigned n)
{
	t_submit_nops(ring, n, 1);
	ASSERT_EQ(io_uring_submit_and_wait(ring, n), (int) n);
	io_uring_cq_advance(ring, io_uring_cq_ready(ring));
}

int main(void)
{
	struct io_uring ring;
	int efd;

	t_ring_init(&ring, 8, NULL);
	if (!ring.cq.kflags) {
		/* Before 5.8 there is no flags word: always on, cannot stop. */
		ASSERT(io_uring_cq_eventfd_enabled(&ring));
		ASSERT_EQ(io_uring_cq_eventfd_toggle(&ring, false), -EOPNOTSUPP);
		io_uring_queue_exit(&ring);
		t_skip("kernel has no CQ flags word (needs 5.8)");
	}
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(io_uring_register_eventfd(&ring, efd), 0);

	ASSERT(io_uring_cq_eventfd_enabled(&ring));
	nop_and_reap(&ring, 2);
	ASSERT_GE(drain(efd), 1u);

	ASSERT_EQ(io_uring_cq_eventfd_toggle(&ring, false), 0);
	ASSERT(!io_uring_cq_eventfd_enabled(&ring));
	ASSERT(*ring.cq.kflags & IORING_CQ_EVENTFD_DISABLED);
	nop_and_reap(&ring, 3);
	ASSERT_EQ(drain(efd), 0u);
	/* Asking for the state it already has changes nothing. */
	ASSERT_EQ(io_uring_cq_eventfd_toggle(&ring, false), 0);
	ASSERT(!io_uring_cq_eventfd_enabled(&ring));

	ASSERT_EQ(io_uring_cq_eventfd_toggle(&ring, true), 0);
	ASSERT(io_uring_cq_eventfd_enabled(&ring));
	nop_and_reap(&ring, 1);
	ASSERT_GE(drain(efd), 1u);

	ASSERT_EQ(io_uring_unregister_eventfd(&ring), 0);
	close(efd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
