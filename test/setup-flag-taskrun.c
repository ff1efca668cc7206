/* SPDX-License-Identifier: MIT */
/*
 * COOP_TASKRUN, TASKRUN_FLAG and DEFER_TASKRUN: when completions that need
 * task work become visible. The test case is a read on an empty pipe: the
 * kernel arms a poll, our own write() to the pipe queues the task work
 * that completes the read.
 *
 * DEFER_TASKRUN is deterministic: the work waits for the submitter to ask
 * for events, so the CQE must NOT be visible after the write and must be
 * after io_uring_get_events() (and, with TASKRUN_FLAG, the kernel flags
 * the pending work in the SQ ring and the library must act on it).
 */
#include <stdio.h>
#include <unistd.h>
#include "test.h"

static char rbuf[64];

static void queue_pipe_read(struct io_uring *ring, int rfd, __u64 ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	ASSERT_NOT_NULL(sqe);
	memset(rbuf, 0, sizeof(rbuf));
	io_uring_prep_read(sqe, rfd, rbuf, sizeof(rbuf), 0);
	io_uring_sqe_set_data64(sqe, ud);
	ASSERT_EQ(io_uring_submit(ring), 1);
	/* Nothing to read yet: no completion. */
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
}

static void check_read_cqe(struct io_uring *ring, struct io_uring_cqe *cqe,
			   __u64 ud, const char *msg)
{
	ASSERT_EQ(cqe->user_data, ud);
	ASSERT_EQ(cqe->res, (int) strlen(msg));
	ASSERT_MEM_EQ(rbuf, msg, strlen(msg));
	io_uring_cqe_seen(ring, cqe);
}

/* COOP_TASKRUN, with or without TASKRUN_FLAG: the read completes. */
static void coop(unsigned flags)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int fds[2];

	t_require_setup_flags(flags);
	memset(&p, 0, sizeof(p));
	p.flags = flags;
	t_ring_init(&ring, 8, &p);
	ASSERT_EQ(pipe(fds), 0);
	for (int i = 0; i < 3; i++) {
		queue_pipe_read(&ring, fds[0], 10 + i);
		ASSERT_EQ(write(fds[1], "coop", 4), 4);
		cqe = t_wait_cqe(&ring);
		check_read_cqe(&ring, cqe, 10 + i, "coop");
		/* Everything ran: no task work is flagged as pending. */
		ASSERT_EQ(*ring.sq.kflags & IORING_SQ_TASKRUN, 0);
	}
	/* NOPs complete inline as usual. */
	t_submit_nops(&ring, 4, 20);
	ASSERT_EQ(io_uring_submit(&ring), 4);
	for (int i = 0; i < 4; i++) {
		cqe = t_wait_cqe(&ring);
		ASSERT_EQ(cqe->user_data, (__u64) 20 + i);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	close(fds[0]);
	close(fds[1]);
}

static void defer(unsigned flags)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int fds[2];

	t_require_setup_flags(flags);
	memset(&p, 0, sizeof(p));
	p.flags = flags;
	t_ring_init(&ring, 8, &p);
	ASSERT_EQ(pipe(fds), 0);

	/* 1: io_uring_get_events() runs the deferred work. */
	queue_pipe_read(&ring, fds[0], 1);
	ASSERT_EQ(write(fds[1], "one", 3), 3);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	if (flags & IORING_SETUP_TASKRUN_FLAG)
		ASSERT_NE(*ring.sq.kflags & IORING_SQ_TASKRUN, 0);
	ASSERT_EQ(io_uring_get_events(&ring), 0);
	ASSERT_EQ(io_uring_cq_ready(&ring), 1);
	ASSERT_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
	check_read_cqe(&ring, cqe, 1, "one");
	ASSERT_EQ(*ring.sq.kflags & IORING_SQ_TASKRUN, 0);

	/* 2: waiting runs it too. */
	queue_pipe_read(&ring, fds[0], 2);
	ASSERT_EQ(write(fds[1], "two", 3), 3);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	cqe = t_wait_cqe(&ring);
	check_read_cqe(&ring, cqe, 2, "two");

	/*
	 * 3: with TASKRUN_FLAG the library sees the flag and enters the
	 * kernel even for a peek; without it a peek finds nothing.
	 */
	queue_pipe_read(&ring, fds[0], 3);
	ASSERT_EQ(write(fds[1], "three", 5), 5);
	if (flags & IORING_SETUP_TASKRUN_FLAG) {
		ASSERT_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
		check_read_cqe(&ring, cqe, 3, "three");
	} else {
		ASSERT_EQ(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);
		ASSERT_EQ(io_uring_cq_ready(&ring), 0);
		ASSERT_EQ(io_uring_submit_and_get_events(&ring), 0);
		ASSERT_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
		check_read_cqe(&ring, cqe, 3, "three");
	}

	/* 4: a batch, reaped by one wait for all of them. */
	for (int i = 0; i < 4; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 40 + i);
	}
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 4), 4);
	ASSERT_EQ(io_uring_cq_ready(&ring), 4);
	for (int i = 0; i < 4; i++) {
		cqe = t_wait_cqe(&ring);
		ASSERT_EQ(cqe->user_data, (__u64) 40 + i);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	coop(IORING_SETUP_COOP_TASKRUN);
	coop(IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG);
	defer(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
	defer(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
	      IORING_SETUP_TASKRUN_FLAG);
	return T_EXIT_PASS;
}
