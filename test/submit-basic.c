/* SPDX-License-Identifier: MIT */
/*
 * Submission entry points: io_uring_submit, io_uring_submit_and_wait,
 * io_uring_submit_and_get_events, io_uring_get_events and the
 * __io_uring_get_cqe slow path called directly. On a DEFER_TASKRUN ring a
 * completion that arrives through task work is only posted once we enter
 * the kernel to get events, which makes get_events observable.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

struct writer {
	int fd;
	unsigned delay_ms;
	const char *msg;
};

static void *writer_fn(void *arg)
{
	struct writer *w = arg;
	size_t len = strlen(w->msg);

	usleep(w->delay_ms * 1000);
	if (write(w->fd, w->msg, len) != (ssize_t) len)
		return (void *) 1;
	return NULL;
}

static void join(pthread_t th)
{
	void *ret;

	ASSERT_EQ(pthread_join(th, &ret), 0);
	ASSERT_NULL(ret);
}

static void queue_read(struct io_uring *ring, int fd, void *buf,
		       unsigned len, __u64 ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	ASSERT_NOT_NULL(sqe);
	io_uring_prep_read(sqe, fd, buf, len, 0);
	io_uring_sqe_set_data64(sqe, ud);
}

static void test_submit(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct writer w;
	pthread_t th;
	char buf[16];
	int fds[2];

	t_ring_init(&ring, 8, NULL);

	/* Nothing queued: nothing submitted, no error. */
	ASSERT_EQ(io_uring_submit(&ring), 0);
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 0), 0);
	ASSERT_EQ(io_uring_submit_and_get_events(&ring), 0);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);

	/* io_uring_submit returns the count and consumes the SQ. */
	t_submit_nops(&ring, 4, 10);
	ASSERT_EQ(io_uring_sq_ready(&ring), 4);
	ASSERT_EQ(io_uring_submit(&ring), 4);
	ASSERT_EQ(io_uring_sq_ready(&ring), 0);
	/* Calling again submits nothing new. */
	ASSERT_EQ(io_uring_submit(&ring), 0);
	for (unsigned i = 0; i < 4; i++) {
		cqe = t_wait_cqe(&ring);
		ASSERT_EQ(cqe->user_data, 10 + i);
		io_uring_cqe_seen(&ring, cqe);
	}

	/* submit_and_wait: returns the count; the CQEs are there after. */
	t_submit_nops(&ring, 3, 20);
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 3), 3);
	ASSERT_EQ(io_uring_cq_ready(&ring), 3);
	io_uring_cq_advance(&ring, 3);

	/* ... and it really waits, here for a read another thread satisfies. */
	ASSERT_EQ(pipe(fds), 0);
	memset(buf, 0, sizeof(buf));
	queue_read(&ring, fds[0], buf, sizeof(buf), 30);
	t_submit_nops(&ring, 1, 31);
	w.fd = fds[1];
	w.delay_ms = 50;
	w.msg = "hello";
	ASSERT_EQ(pthread_create(&th, NULL, writer_fn, &w), 0);
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 2), 2);
	ASSERT_EQ(io_uring_cq_ready(&ring), 2);
	join(th);
	{
		bool got_read = false, got_nop = false;

		for (unsigned i = 0; i < 2; i++) {
			cqe = t_wait_cqe(&ring);
			if (cqe->user_data == 30) {
				ASSERT_EQ(cqe->res, 5);
				ASSERT_MEM_EQ(buf, "hello", 5);
				got_read = true;
			} else {
				ASSERT_EQ(cqe->user_data, 31);
				got_nop = true;
			}
			io_uring_cqe_seen(&ring, cqe);
		}
		ASSERT(got_read && got_nop);
	}

	/* __io_uring_get_cqe directly: wait for two already submitted. */
	t_submit_nops(&ring, 2, 40);
	ASSERT_EQ(io_uring_submit(&ring), 2);
	cqe = NULL;
	ASSERT_EQ(__io_uring_get_cqe(&ring, &cqe, 0, 2, NULL), 0);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->user_data, 40);
	ASSERT_EQ(io_uring_cq_ready(&ring), 2);
	io_uring_cq_advance(&ring, 2);
	/* Nothing to submit or wait for, nothing ready: -EAGAIN. */
	ASSERT_EQ(__io_uring_get_cqe(&ring, &cqe, 0, 0, NULL), -EAGAIN);
	ASSERT_NULL(cqe);
	/* With a signal mask (that blocks nothing new) it waits as well. */
	{
		sigset_t mask;

		sigemptyset(&mask);
		queue_read(&ring, fds[0], buf, sizeof(buf), 41);
		ASSERT_EQ(io_uring_submit(&ring), 1);
		w.msg = "again";
		ASSERT_EQ(pthread_create(&th, NULL, writer_fn, &w), 0);
		ASSERT_EQ(__io_uring_get_cqe(&ring, &cqe, 0, 1, &mask), 0);
		ASSERT_NOT_NULL(cqe);
		ASSERT_EQ(cqe->user_data, 41);
		ASSERT_EQ(cqe->res, 5);
		ASSERT_MEM_EQ(buf, "again", 5);
		io_uring_cqe_seen(&ring, cqe);
		join(th);
	}

	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
}

static void test_defer_taskrun(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	char buf[16];
	int fds[2], ret;

	if (!t_kernel_has_setup_flags(IORING_SETUP_DEFER_TASKRUN)) {
		printf("note: kernel lacks IORING_SETUP_DEFER_TASKRUN, "
		       "skipped that part\n");
		return;
	}
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	t_ring_init(&ring, 8, &p);
	ASSERT_EQ(pipe(fds), 0);

	/* The read parks on the empty pipe. */
	queue_read(&ring, fds[0], buf, sizeof(buf), 1);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	/* The write completes it, but only as deferred task work. */
	ASSERT_EQ(write(fds[1], "abc", 3), 3);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	ret = io_uring_get_events(&ring);
	ASSERT_GE(ret, 0);
	ASSERT_EQ(io_uring_cq_ready(&ring), 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 1);
	ASSERT_EQ(cqe->res, 3);
	ASSERT_MEM_EQ(buf, "abc", 3);
	io_uring_cqe_seen(&ring, cqe);

	/* A wait runs the task work too. */
	queue_read(&ring, fds[0], buf, sizeof(buf), 2);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	ASSERT_EQ(write(fds[1], "defg", 4), 4);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	ret = io_uring_wait_cqe(&ring, &cqe);
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(cqe->user_data, 2);
	ASSERT_EQ(cqe->res, 4);
	ASSERT_MEM_EQ(buf, "defg", 4);
	io_uring_cqe_seen(&ring, cqe);

	/* submit_and_get_events: submits the new NOP and posts the pending
	 * read completion in the same call. */
	queue_read(&ring, fds[0], buf, sizeof(buf), 3);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	ASSERT_EQ(write(fds[1], "hi", 2), 2);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	t_submit_nops(&ring, 1, 4);
	ret = io_uring_submit_and_get_events(&ring);
	ASSERT_EQ(ret, 1);
	ASSERT_EQ(io_uring_sq_ready(&ring), 0);
	ASSERT_EQ(io_uring_cq_ready(&ring), 2);
	{
		bool got_read = false, got_nop = false;

		for (unsigned i = 0; i < 2; i++) {
			ASSERT_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
			if (cqe->user_data == 3) {
				ASSERT_EQ(cqe->res, 2);
				ASSERT_MEM_EQ(buf, "hi", 2);
				got_read = true;
			} else {
				ASSERT_EQ(cqe->user_data, 4);
				ASSERT_EQ(cqe->res, 0);
				got_nop = true;
			}
			io_uring_cqe_seen(&ring, cqe);
		}
		ASSERT(got_read && got_nop);
	}

	/* get_events with nothing pending is harmless. */
	ASSERT_GE(io_uring_get_events(&ring), 0);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);

	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	test_submit();
	test_defer_taskrun();
	return T_EXIT_PASS;
}
