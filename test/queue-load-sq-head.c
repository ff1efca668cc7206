/* SPDX-License-Identifier: MIT */
/*
 * io_uring_load_sq_head: the kernel's SQ head, as the SQ count helpers see
 * it. Without SQPOLL it moves only inside io_uring_enter(): after queueing
 * it stays put, after submitting it equals the tail. With SQPOLL (where the
 * kernel thread moves it, and the load is an acquire) it catches up with
 * the tail once the thread has taken the SQEs. io_uring_sq_ready() is the
 * tail minus this head in both cases.
 */
#include <stdio.h>
#include <string.h>
#include "test.h"

static void check(struct io_uring *ring, bool sqpoll)
{
	unsigned head0 = io_uring_load_sq_head(ring);
	struct io_uring_cqe *cqe;

	ASSERT_EQ(head0, *ring->sq.khead);
	t_submit_nops(ring, 3, 1);
	ASSERT_EQ(io_uring_sq_ready(ring),
		  ring->sq.sqe_tail - io_uring_load_sq_head(ring));
	if (!sqpoll) {
		/* queued, not submitted: the kernel has not moved */
		ASSERT_EQ(io_uring_load_sq_head(ring), head0);
		ASSERT_EQ(io_uring_sq_ready(ring), 3u);
	}
	ASSERT_EQ(io_uring_submit(ring), 3);
	for (unsigned i = 0; i < 3; i++) {
		cqe = t_wait_cqe(ring);
		io_uring_cqe_seen(ring, cqe);
	}
	/* three CQEs mean the kernel took all three SQEs */
	ASSERT_EQ(io_uring_load_sq_head(ring), head0 + 3);
	ASSERT_EQ(io_uring_load_sq_head(ring), ring->sq.sqe_tail);
	ASSERT_EQ(io_uring_sq_ready(ring), 0u);
}

int main(void)
{
	struct io_uring_params p;
	struct io_uring ring;

	t_ring_init(&ring, 8, NULL);
	check(&ring, false);
	check(&ring, false);
	io_uring_queue_exit(&ring);

	if (!t_kernel_has_setup_flags(IORING_SETUP_SQPOLL)) {
		printf("kernel refuses IORING_SETUP_SQPOLL: plain ring only\n");
		return T_EXIT_PASS;
	}
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 50;
	t_ring_init(&ring, 8, &p);
	check(&ring, true);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
