/* SPDX-License-Identifier: MIT */
/*
 * IORING_SETUP_SINGLE_ISSUER: only the task that created the ring may
 * submit. Another thread gets -EEXIST and its request does not run; the
 * owner can then submit it. With R_DISABLED the owner is whoever enables
 * the ring.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include "test.h"

struct ctx {
	struct io_uring *ring;
	int ret;
	bool enable;
};

static void *other_thread(void *arg)
{
	struct ctx *c = arg;

	if (c->enable)
		c->ret = io_uring_enable_rings(c->ring);
	else
		c->ret = io_uring_submit(c->ring);
	return NULL;
}

static int in_thread(struct io_uring *ring, bool enable)
{
	struct ctx c = { .ring = ring, .ret = 12345, .enable = enable };
	pthread_t t;

	ASSERT_EQ(pthread_create(&t, NULL, other_thread, &c), 0);
	ASSERT_EQ(pthread_join(t, NULL), 0);
	return c.ret;
}

static void expect_nop(struct io_uring *ring, __u64 ud)
{
	struct io_uring_cqe *cqe = t_wait_cqe(ring);

	ASSERT_EQ(cqe->user_data, ud);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(ring, cqe);
}

int main(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int pipefd[2];
	char buf[8];

	t_require_setup_flags(IORING_SETUP_SINGLE_ISSUER);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER;
	t_ring_init(&ring, 8, &p);

	/* The owner submits fine. */
	t_submit_nops(&ring, 1, 1);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	expect_nop(&ring, 1);

	/* Another thread: refused, and its write to the pipe never runs. */
	ASSERT_EQ(pipe2(pipefd, O_NONBLOCK), 0);
	sqe = io_uring_get_sqe(&ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_write(sqe, pipefd[1], "owner", 5, 0);
	io_uring_sqe_set_data64(sqe, 2);
	ASSERT_EQ(in_thread(&ring, false), -EEXIST);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	ASSERT_EQ(read(pipefd[0], buf, sizeof(buf)), -1);
	ASSERT_EQ(errno, EAGAIN);

	/* The owner submits what is queued. */
	ASSERT_EQ(io_uring_submit(&ring), 1);
	{
		struct io_uring_cqe *cqe = t_wait_cqe(&ring);

		ASSERT_EQ(cqe->user_data, 2);
		ASSERT_EQ(cqe->res, 5);
		io_uring_cqe_seen(&ring, cqe);
	}
	ASSERT_EQ(read(pipefd[0], buf, sizeof(buf)), 5);
	ASSERT_MEM_EQ(buf, "owner", 5);
	io_uring_queue_exit(&ring);

	/* SINGLE_ISSUER + R_DISABLED: the enabling thread becomes the owner. */
	t_require_setup_flags(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_R_DISABLED);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_R_DISABLED;
	t_ring_init(&ring, 8, &p);
	ASSERT_EQ(in_thread(&ring, true), 0);
	t_submit_nops(&ring, 1, 3);
	ASSERT_EQ(io_uring_submit(&ring), -EEXIST);
	io_uring_queue_exit(&ring);

	/* Enabled by this thread: this thread submits. */
	t_ring_init(&ring, 8, &p);
	ASSERT_EQ(io_uring_enable_rings(&ring), 0);
	t_submit_nops(&ring, 1, 4);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	expect_nop(&ring, 4);
	t_submit_nops(&ring, 1, 5);
	ASSERT_EQ(in_thread(&ring, false), -EEXIST);
	io_uring_queue_exit(&ring);

	close(pipefd[0]);
	close(pipefd[1]);
	return T_EXIT_PASS;
}
