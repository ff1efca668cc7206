/* SPDX-License-Identifier: MIT */
/*
 * IORING_SETUP_R_DISABLED: the ring starts disabled; submitting fails with
 * -EBADFD and nothing runs, until io_uring_enable_rings(). Restrictions can
 * be registered while disabled, and hold afterwards.
 */
#include <stdio.h>
#include <unistd.h>
#include "test.h"

int main(void)
{
	struct io_uring_restriction res[2];
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	char buf[16];
	int pipefd[2], ret;

	t_require_setup_flags(IORING_SETUP_R_DISABLED);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_R_DISABLED;
	t_ring_init(&ring, 8, &p);
	ASSERT_EQ(ring.flags, IORING_SETUP_R_DISABLED);

	/* A write to a pipe: if it ran, the bytes would be in the pipe. */
	ASSERT_EQ(pipe2(pipefd, O_NONBLOCK), 0);
	sqe = io_uring_get_sqe(&ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_write(sqe, pipefd[1], "disabled", 8, 0);
	io_uring_sqe_set_data64(sqe, 1);
	ret = io_uring_submit(&ring);
	ASSERT_EQ(ret, -EBADFD);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	ASSERT_EQ(read(pipefd[0], buf, sizeof(buf)), -1);
	ASSERT_EQ(errno, EAGAIN);
	/* Asking again changes nothing. */
	ASSERT_EQ(io_uring_submit(&ring), -EBADFD);

	/* While disabled: allow only NOP and WRITE from now on. */
	memset(res, 0, sizeof(res));
	res[0].opcode = IORING_RESTRICTION_SQE_OP;
	res[0].sqe_op = IORING_OP_NOP;
	res[1].opcode = IORING_RESTRICTION_SQE_OP;
	res[1].sqe_op = IORING_OP_WRITE;
	ASSERT_EQ(io_uring_register((unsigned) ring.ring_fd,
				    IORING_REGISTER_RESTRICTIONS, res, 2), 0);

	ASSERT_EQ(io_uring_enable_rings(&ring), 0);
	/* No register opcode was allowed: enabling again is refused. */
	ASSERT_EQ(io_uring_enable_rings(&ring), -EACCES);

	/* The queued write now runs. */
	ret = io_uring_submit(&ring);
	ASSERT_EQ(ret, 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 1);
	ASSERT_EQ(cqe->res, 8);
	io_uring_cqe_seen(&ring, cqe);
	ASSERT_EQ(read(pipefd[0], buf, sizeof(buf)), 8);
	ASSERT_MEM_EQ(buf, "disabled", 8);

	/* NOP is allowed, READ is not. */
	t_submit_nops(&ring, 1, 2);
	sqe = io_uring_get_sqe(&ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_read(sqe, pipefd[0], buf, sizeof(buf), 0);
	io_uring_sqe_set_data64(sqe, 3);
	ASSERT_EQ(io_uring_submit(&ring), 2);
	for (int i = 0; i < 2; i++) {
		cqe = t_wait_cqe(&ring);
		if (cqe->user_data == 2)
			ASSERT_EQ(cqe->res, 0);
		else if (cqe->user_data == 3)
			ASSERT_EQ(cqe->res, -EACCES);
		else
			t_fail("unexpected user_data %llu",
			       (unsigned long long) cqe->user_data);
		io_uring_cqe_seen(&ring, cqe);
	}

	io_uring_queue_exit(&ring);
	close(pipefd[0]);
	close(pipefd[1]);

	/* Without restrictions: disabled NOP, enable, NOP completes. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_R_DISABLED;
	t_ring_init(&ring, 4, &p);
	t_submit_nops(&ring, 1, 9);
	ASSERT_EQ(io_uring_submit(&ring), -EBADFD);
	ASSERT_EQ(io_uring_enable_rings(&ring), 0);
	/* Enabling twice is refused by the kernel. */
	ASSERT_EQ(io_uring_enable_rings(&ring), -EBADFD);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 9);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
