/* SPDX-License-Identifier: MIT */
/*
 * IORING_SETUP_R_DISABLED: a ring created disabled refuses submission
 * (-EBADFD) until io_uring_enable_rings; afterwards the SQE that was
 * queued while disabled runs, and enabling twice is refused. With SQPOLL
 * the poller only starts on enable.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

static void test_plain(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_R_DISABLED;
	t_ring_init(&ring, 8, &p);

	t_submit_nops(&ring, 1, 1);
	ret = io_uring_submit(&ring);
	ASSERT_EQ(ret, -EBADFD);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	ASSERT_EQ(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);

	ASSERT_EQ(io_uring_enable_rings(&ring), 0);
	/* The NOP queued while disabled is still pending and now runs. */
	ret = io_uring_submit(&ring);
	ASSERT_EQ(ret, 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 1);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);

	/* Fully usable now. */
	t_submit_nops(&ring, 8, 10);
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 8), 8);
	ASSERT_EQ(io_uring_cq_ready(&ring), 8);
	io_uring_cq_advance(&ring, 8);

	/* Already enabled: the kernel says so. */
	ASSERT_EQ(io_uring_enable_rings(&ring), -EBADFD);
	io_uring_queue_exit(&ring);
}

/* Enabling through a registered ring index works the same way. */
static void test_registered(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_R_DISABLED;
	t_ring_init(&ring, 4, &p);
	ret = io_uring_register_ring_fd(&ring);
	if (ret != 1) {
		printf("note: no registered ring fds (%d), skipped that part\n",
		       ret);
		io_uring_queue_exit(&ring);
		return;
	}
	t_submit_nops(&ring, 1, 2);
	ASSERT_EQ(io_uring_submit(&ring), -EBADFD);
	ASSERT_EQ(io_uring_enable_rings(&ring), 0);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 2);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

static void test_sqpoll(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *cqe;

	if (!t_kernel_has_setup_flags(IORING_SETUP_SQPOLL)) {
		printf("note: no SQPOLL here, skipped that part\n");
		return;
	}
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_R_DISABLED | IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 1000;
	t_ring_init(&ring, 4, &p);
	ASSERT_EQ(io_uring_enable_rings(&ring), 0);
	t_submit_nops(&ring, 2, 3);
	ASSERT_GE(io_uring_submit(&ring), 0);
	for (unsigned i = 0; i < 2; i++) {
		cqe = t_wait_cqe(&ring);
		ASSERT_EQ(cqe->user_data, 3 + i);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
}

int main(void)
{
	if (!t_kernel_has_setup_flags(IORING_SETUP_R_DISABLED))
		t_skip("kernel lacks IORING_SETUP_R_DISABLED");
	test_plain();
	test_registered();
	test_sqpoll();
	return T_EXIT_PASS;
}
