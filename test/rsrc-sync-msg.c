/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_sync_msg: post a CQE into another ring without a
 * source ring. The SQE is an IORING_OP_MSG_RING built with
 * io_uring_prep_rw(IORING_OP_MSG_RING, sqe, target_fd, NULL, len, data):
 * addr 0 is IORING_MSG_DATA, len becomes the target CQE's res and off its
 * user_data. Descriptor-passing and bad SQEs are refused.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

int main(void)
{
	struct io_uring target;
	struct io_uring_sqe sqe;
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 10000000 };
	int ret;

	t_ring_init(&target, 8, NULL);

	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_rw(IORING_OP_MSG_RING, &sqe, target.ring_fd, NULL, 0x1234,
			 0xfeedULL);
	ret = io_uring_register_sync_msg(&sqe);
	if (ret == -EINVAL && !t_op_supported(IORING_OP_MSG_RING))
		t_skip("kernel lacks IORING_OP_MSG_RING");
	if (ret == -EINVAL) {
		/* 6.13 added IORING_REGISTER_SEND_MSG_RING. */
		struct io_uring_probe *p = io_uring_get_probe();

		ASSERT_NOT_NULL(p);
		if (p->last_op < IORING_OP_LISTEN) {
			io_uring_free_probe(p);
			t_skip("kernel lacks IORING_REGISTER_SEND_MSG_RING");
		}
		io_uring_free_probe(p);
	}
	ASSERT_EQ(ret, 0);
	cqe = t_wait_cqe(&target);
	ASSERT_EQ(cqe->user_data, 0xfeedULL);
	ASSERT_EQ(cqe->res, 0x1234);
	ASSERT_EQ(cqe->flags, 0);
	io_uring_cqe_seen(&target, cqe);
	ASSERT_EQ(io_uring_wait_cqe_timeout(&target, &cqe, &ts), -ETIME);

	/* IORING_MSG_RING_FLAGS_PASS: file_index goes to cqe->flags. */
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_rw(IORING_OP_MSG_RING, &sqe, target.ring_fd, NULL, 7, 8);
	sqe.msg_ring_flags = IORING_MSG_RING_FLAGS_PASS;
	sqe.file_index = 0x40;
	ASSERT_EQ(io_uring_register_sync_msg(&sqe), 0);
	cqe = t_wait_cqe(&target);
	ASSERT_EQ(cqe->user_data, 8);
	ASSERT_EQ(cqe->res, 7);
	ASSERT_EQ(cqe->flags, 0x40);
	io_uring_cqe_seen(&target, cqe);

	/* Sending a descriptor needs a source ring: refused. */
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_rw(IORING_OP_MSG_RING, &sqe, target.ring_fd,
			 (void *) (uintptr_t) IORING_MSG_SEND_FD, 0, 9);
	ASSERT_EQ(io_uring_register_sync_msg(&sqe), -EINVAL);
	/* Not a ring fd; a closed fd; another opcode; sqe->flags set. */
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_rw(IORING_OP_MSG_RING, &sqe, 0, NULL, 0, 1);
	ASSERT_EQ(io_uring_register_sync_msg(&sqe), -EBADFD);
	io_uring_prep_rw(IORING_OP_MSG_RING, &sqe, 1000, NULL, 0, 1);
	ASSERT_EQ(io_uring_register_sync_msg(&sqe), -EBADF);
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_nop(&sqe);
	ASSERT_EQ(io_uring_register_sync_msg(&sqe), -EINVAL);
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_rw(IORING_OP_MSG_RING, &sqe, target.ring_fd, NULL, 0, 1);
	sqe.flags = IOSQE_ASYNC;
	ASSERT_EQ(io_uring_register_sync_msg(&sqe), -EINVAL);
	ASSERT_EQ(io_uring_register_sync_msg(NULL), -EINVAL);
	/* None of the refused messages arrived. */
	ASSERT_EQ(io_uring_wait_cqe_timeout(&target, &cqe, &ts), -ETIME);

	/* A disabled target ring does not take messages. */
	{
		struct io_uring dis;
		struct io_uring_params p;

		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_R_DISABLED;
		t_ring_init(&dis, 8, &p);
		memset(&sqe, 0, sizeof(sqe));
		io_uring_prep_rw(IORING_OP_MSG_RING, &sqe, dis.ring_fd, NULL,
				 1, 2);
		ASSERT_EQ(io_uring_register_sync_msg(&sqe), -EBADFD);
		io_uring_queue_exit(&dis);
	}

	io_uring_queue_exit(&target);
	return T_EXIT_PASS;
}
