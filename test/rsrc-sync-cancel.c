/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_sync_cancel: cancel a read pending on an empty pipe
 * by user_data, by fd and (all matching) with IORING_ASYNC_CANCEL_ALL,
 * synchronously; the read's own CQE then shows -ECANCELED. Nothing to
 * match gives -ENOENT, bad flags -EINVAL.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

static struct io_uring ring;
static char buf[4][64];

static void queue_read(int fd, int i, __u64 ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

	ASSERT_NOT_NULL(sqe);
	io_uring_prep_read(sqe, fd, buf[i], sizeof(buf[i]), 0);
	io_uring_sqe_set_data64(sqe, ud);
}

static void init_reg(struct io_uring_sync_cancel_reg *reg)
{
	memset(reg, 0, sizeof(*reg));
	reg->fd = -1;
	reg->timeout.tv_sec = -1;	/* wait as long as it takes */
	reg->timeout.tv_nsec = -1;
}

/* Expect the CQE of ud with res. */
static void expect_cqe(__u64 ud, int res)
{
	struct io_uring_cqe *cqe = t_wait_cqe(&ring);

	ASSERT_EQ(cqe->user_data, ud);
	ASSERT_EQ(cqe->res, res);
	io_uring_cqe_seen(&ring, cqe);
}

int main(void)
{
	struct io_uring_sync_cancel_reg reg;
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 20000000 };
	struct io_uring_cqe *cqe;
	int p[2], q[2];

	t_ring_init(&ring, 8, NULL);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(pipe(q), 0);

	/* By user_data. */
	queue_read(p[0], 0, 0x51);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	ASSERT_EQ(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -ETIME);
	init_reg(&reg);
	reg.addr = 0x51;
	ASSERT_EQ(io_uring_register_sync_cancel(&ring, &reg), 0);
	expect_cqe(0x51, -ECANCELED);
	/* Gone: a second cancel finds nothing. */
	ASSERT_EQ(io_uring_register_sync_cancel(&ring, &reg), -ENOENT);

	/* By fd: only the read on p[0] goes, the one on q[0] stays. */
	queue_read(p[0], 1, 0x52);
	queue_read(q[0], 2, 0x53);
	ASSERT_EQ(io_uring_submit(&ring), 2);
	init_reg(&reg);
	reg.fd = p[0];
	reg.flags = IORING_ASYNC_CANCEL_FD;
	ASSERT_EQ(io_uring_register_sync_cancel(&ring, &reg), 0);
	expect_cqe(0x52, -ECANCELED);
	ASSERT_EQ(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -ETIME);
	/* The survivor completes normally when data arrives. */
	ASSERT_EQ(write(q[1], "hello", 5), 5);
	expect_cqe(0x53, 5);
	ASSERT_MEM_EQ(buf[2], "hello", 5);

	/* ALL with ANY: every pending request; returns how many. */
	queue_read(p[0], 0, 0x54);
	queue_read(q[0], 1, 0x55);
	ASSERT_EQ(io_uring_submit(&ring), 2);
	init_reg(&reg);
	reg.flags = IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_ANY;
	ASSERT_EQ(io_uring_register_sync_cancel(&ring, &reg), 2);
	for (int i = 0; i < 2; i++) {
		cqe = t_wait_cqe(&ring);
		ASSERT(cqe->user_data == 0x54 || cqe->user_data == 0x55);
		ASSERT_EQ(cqe->res, -ECANCELED);
		io_uring_cqe_seen(&ring, cqe);
	}

	/* Nothing pending, unknown flags, a bad pointer. */
	init_reg(&reg);
	reg.addr = 0x99;
	ASSERT_EQ(io_uring_register_sync_cancel(&ring, &reg), -ENOENT);
	reg.flags = 1U << 30;
	ASSERT_EQ(io_uring_register_sync_cancel(&ring, &reg), -EINVAL);
	init_reg(&reg);
	reg.pad[0] = 1;
	ASSERT_EQ(io_uring_register_sync_cancel(&ring, &reg), -EINVAL);
	ASSERT_EQ(io_uring_register_sync_cancel(&ring, NULL), -EINVAL);
	ASSERT_EQ(io_uring_register_sync_cancel(&ring, (void *) 8), -EFAULT);

	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	return T_EXIT_PASS;
}
