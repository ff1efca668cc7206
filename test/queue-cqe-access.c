/* SPDX-License-Identifier: MIT */
/*
 * The ways of looking at and consuming CQEs: for_each + advance, seen,
 * peek (empty and not), cq_ready, peek_batch with count limits, the
 * user_data setters and getters, SQE flags that change how requests run
 * (IOSQE_IO_LINK, IOSQE_IO_DRAIN), wait_cqe_nr, and CQE32 indexing.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

static void submit_nops(struct io_uring *ring, unsigned n, __u64 first)
{
	t_submit_nops(ring, n, first);
	ASSERT_EQ(io_uring_submit(ring), (int) n);
}

static void test_for_each_advance(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;

	submit_nops(ring, 6, 1);
	ASSERT_EQ(io_uring_cq_ready(ring), 6);
	/* Walking does not consume. */
	io_uring_for_each_cqe(ring, head, cqe) {
		ASSERT_EQ(cqe->user_data, n + 1);
		ASSERT_EQ(cqe->res, 0);
		n++;
	}
	ASSERT_EQ(n, 6);
	ASSERT_EQ(io_uring_cq_ready(ring), 6);
	/* Advance part way: the walk resumes at the first unconsumed CQE. */
	io_uring_cq_advance(ring, 4);
	ASSERT_EQ(io_uring_cq_ready(ring), 2);
	n = 0;
	io_uring_for_each_cqe(ring, head, cqe) {
		ASSERT_EQ(cqe->user_data, n + 5);
		n++;
	}
	ASSERT_EQ(n, 2);
	io_uring_cq_advance(ring, 2);
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
	/* Advancing by 0 is a no-op. */
	io_uring_cq_advance(ring, 0);
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
}

static void test_peek_seen(struct io_uring *ring)
{
	struct io_uring_cqe *cqe = (void *) 1;
	int ret;

	/* Empty: -EAGAIN and no CQE. */
	ret = io_uring_peek_cqe(ring, &cqe);
	ASSERT_EQ(ret, -EAGAIN);
	ASSERT_NULL(cqe);

	submit_nops(ring, 3, 20);
	for (unsigned i = 0; i < 3; i++) {
		ASSERT_EQ(io_uring_cq_ready(ring), 3 - i);
		ret = io_uring_peek_cqe(ring, &cqe);
		ASSERT_EQ(ret, 0);
		ASSERT_NOT_NULL(cqe);
		ASSERT_EQ(cqe->user_data, 20 + i);
		/* Peeking twice without seen() gives the same CQE. */
		{
			struct io_uring_cqe *again;

			ASSERT_EQ(io_uring_peek_cqe(ring, &again), 0);
			ASSERT(again == cqe);
		}
		io_uring_cqe_seen(ring, cqe);
	}
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
	ASSERT_EQ(io_uring_peek_cqe(ring, &cqe), -EAGAIN);
	/* seen(NULL) is harmless. */
	io_uring_cqe_seen(ring, NULL);
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
}

static void test_peek_batch(struct io_uring *ring)
{
	struct io_uring_cqe *cqes[16];
	unsigned n;

	memset(cqes, 0, sizeof(cqes));
	ASSERT_EQ(io_uring_peek_batch_cqe(ring, cqes, 16), 0);

	submit_nops(ring, 5, 40);
	/* The count limits the batch. */
	n = io_uring_peek_batch_cqe(ring, cqes, 3);
	ASSERT_EQ(n, 3);
	for (unsigned i = 0; i < n; i++)
		ASSERT_EQ(cqes[i]->user_data, 40 + i);
	/* Not consumed until advanced. */
	ASSERT_EQ(io_uring_cq_ready(ring), 5);
	ASSERT_EQ(io_uring_peek_batch_cqe(ring, cqes, 0), 0);
	io_uring_cq_advance(ring, n);
	/* The ready count limits it too. */
	n = io_uring_peek_batch_cqe(ring, cqes, 16);
	ASSERT_EQ(n, 2);
	ASSERT_EQ(cqes[0]->user_data, 43);
	ASSERT_EQ(cqes[1]->user_data, 44);
	io_uring_cq_advance(ring, n);
	ASSERT_EQ(io_uring_peek_batch_cqe(ring, cqes, 16), 0);
}

static void test_data(struct io_uring *ring)
{
	static int object;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	const __u64 big = 0xfedcba9876543210ULL;

	sqe = io_uring_get_sqe(ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data(sqe, &object);
	sqe = io_uring_get_sqe(ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, big);
	ASSERT_EQ(io_uring_submit(ring), 2);

	cqe = t_wait_cqe(ring);
	ASSERT(io_uring_cqe_get_data(cqe) == &object);
	ASSERT_EQ(io_uring_cqe_get_data64(cqe), (__u64) (uintptr_t) &object);
	io_uring_cqe_seen(ring, cqe);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(io_uring_cqe_get_data64(cqe), big);
	ASSERT_EQ(cqe->user_data, big);
	io_uring_cqe_seen(ring, cqe);
}

static void test_link(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	char buf[8];

	/* A chain of four NOPs completes in order. */
	for (unsigned i = 0; i < 4; i++) {
		sqe = io_uring_get_sqe(ring);
		ASSERT_NOT_NULL(sqe);
		io_uring_prep_nop(sqe);
		if (i < 3)
			io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
		ASSERT_EQ(sqe->flags, i < 3 ? IOSQE_IO_LINK : 0);
		io_uring_sqe_set_data64(sqe, 60 + i);
	}
	ASSERT_EQ(io_uring_submit(ring), 4);
	for (unsigned i = 0; i < 4; i++) {
		cqe = t_wait_cqe(ring);
		ASSERT_EQ(cqe->user_data, 60 + i);
		ASSERT_EQ(cqe->res, 0);
		io_uring_cqe_seen(ring, cqe);
	}

	/* The link really is one: a failing head cancels the NOP after it. */
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_read(sqe, -1, buf, sizeof(buf), 0);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	io_uring_sqe_set_data64(sqe, 70);
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 71);
	ASSERT_EQ(io_uring_submit(ring), 2);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 70);
	ASSERT_EQ(cqe->res, -EBADF);
	io_uring_cqe_seen(ring, cqe);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 71);
	ASSERT_EQ(cqe->res, -ECANCELED);
	io_uring_cqe_seen(ring, cqe);
}

static void test_drain(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	char buf[16];
	int fds[2];

	ASSERT_EQ(pipe(fds), 0);
	/* A read that stays pending until we write to the pipe. */
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_read(sqe, fds[0], buf, sizeof(buf), 0);
	io_uring_sqe_set_data64(sqe, 80);
	/* A plain NOP completes at once, as a control. */
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 81);
	/* A drained NOP may only run once both are done. */
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_DRAIN);
	ASSERT_EQ(sqe->flags, IOSQE_IO_DRAIN);
	io_uring_sqe_set_data64(sqe, 82);
	ASSERT_EQ(io_uring_submit(ring), 3);

	/* Only the control has completed. */
	ASSERT_GE(io_uring_get_events(ring), 0);
	ASSERT_EQ(io_uring_cq_ready(ring), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 81);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(ring, cqe);
	ASSERT_EQ(io_uring_peek_cqe(ring, &cqe), -EAGAIN);

	/* Completing the read releases the drained NOP, after it. */
	ASSERT_EQ(write(fds[1], "drain", 5), 5);
	ASSERT_EQ(io_uring_wait_cqe_nr(ring, &cqe, 2), 0);
	ASSERT_EQ(io_uring_cq_ready(ring), 2);
	ASSERT_EQ(cqe->user_data, 80);
	ASSERT_EQ(cqe->res, 5);
	ASSERT_MEM_EQ(buf, "drain", 5);
	io_uring_cqe_seen(ring, cqe);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 82);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(ring, cqe);
	close(fds[0]);
	close(fds[1]);
}

struct writer {
	int fd;
	unsigned delay_ms;
};

static void *writer_fn(void *arg)
{
	struct writer *w = arg;

	usleep(w->delay_ms * 1000);
	if (write(w->fd, "x", 1) != 1)
		return (void *) 1;
	return NULL;
}

static void test_wait_nr(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct writer w;
	pthread_t th;
	char c = 0;
	int fds[2];

	submit_nops(ring, 3, 90);
	ASSERT_EQ(io_uring_wait_cqe_nr(ring, &cqe, 3), 0);
	ASSERT_EQ(cqe->user_data, 90);
	ASSERT_EQ(io_uring_cq_ready(ring), 3);
	io_uring_cq_advance(ring, 3);

	/* One NOP done at once, one read done later by another thread:
	 * waiting for two must not return after the first. */
	ASSERT_EQ(pipe(fds), 0);
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 95);
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_read(sqe, fds[0], &c, 1, 0);
	io_uring_sqe_set_data64(sqe, 96);
	ASSERT_EQ(io_uring_submit(ring), 2);
	w.fd = fds[1];
	w.delay_ms = 50;
	ASSERT_EQ(pthread_create(&th, NULL, writer_fn, &w), 0);
	ASSERT_EQ(io_uring_wait_cqe_nr(ring, &cqe, 2), 0);
	ASSERT_EQ(io_uring_cq_ready(ring), 2);
	ASSERT_EQ(cqe->user_data, 95);
	io_uring_cqe_seen(ring, cqe);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 96);
	ASSERT_EQ(cqe->res, 1);
	ASSERT_EQ(c, 'x');
	io_uring_cqe_seen(ring, cqe);
	{
		void *tret;

		ASSERT_EQ(pthread_join(th, &tret), 0);
		ASSERT_NULL(tret);
	}
	close(fds[0]);
	close(fds[1]);
}

/* CQE32: each CQE takes two slots; all accessors must use that stride. */
static void test_cqe32(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	__u64 next = 1000;

	if (!t_kernel_has_setup_flags(IORING_SETUP_CQE32)) {
		printf("note: kernel lacks IORING_SETUP_CQE32, skipped that part\n");
		return;
	}
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE32;
	t_ring_init(&ring, 4, &p);
	ASSERT_EQ(ring.cq.ring_entries, 8);

	/* Enough rounds to wrap the CQ several times. */
	for (unsigned round = 0; round < 6; round++) {
		struct io_uring_cqe *cqe, *cqes[8];
		unsigned head, n = 0;
		int ret;

		/* Poison the CQ so stale or misplaced reads show. */
		memset(ring.cq.cqes, 0x5a, (size_t) ring.cq.ring_entries * 32);
		submit_nops(&ring, 4, next);
		ASSERT_EQ(io_uring_cq_ready(&ring), 4);

		io_uring_for_each_cqe(&ring, head, cqe) {
			ASSERT(cqe == &ring.cq.cqes[(head & ring.cq.ring_mask)
						    * 2]);
			ASSERT_EQ(cqe->user_data, next + n);
			ASSERT_EQ(cqe->res, 0);
			ASSERT_EQ(cqe->big_cqe[0], 0);
			ASSERT_EQ(cqe->big_cqe[1], 0);
			n++;
		}
		ASSERT_EQ(n, 4);

		n = io_uring_peek_batch_cqe(&ring, cqes, 8);
		ASSERT_EQ(n, 4);
		for (unsigned i = 0; i < n; i++)
			ASSERT_EQ(cqes[i]->user_data, next + i);

		ret = io_uring_peek_cqe(&ring, &cqe);
		ASSERT_EQ(ret, 0);
		ASSERT_EQ(cqe->user_data, next);
		io_uring_cqe_seen(&ring, cqe);
		ret = io_uring_wait_cqe(&ring, &cqe);
		ASSERT_EQ(ret, 0);
		ASSERT_EQ(cqe->user_data, next + 1);
		io_uring_cqe_seen(&ring, cqe);
		ASSERT_EQ(io_uring_wait_cqe_nr(&ring, &cqe, 2), 0);
		ASSERT_EQ(cqe->user_data, next + 2);
		io_uring_cq_advance(&ring, 2);
		ASSERT_EQ(io_uring_cq_ready(&ring), 0);
		next += 4;
	}
	io_uring_queue_exit(&ring);
}

int main(void)
{
	struct io_uring ring;

	t_ring_init(&ring, 8, NULL);
	test_for_each_advance(&ring);
	test_peek_seen(&ring);
	test_peek_batch(&ring);
	test_data(&ring);
	test_link(&ring);
	test_wait_nr(&ring);
	io_uring_queue_exit(&ring);

	/* A drain leaves the kernel deferring later requests for a while
	 * (they may then complete out of order): give it its own ring. */
	t_ring_init(&ring, 8, NULL);
	test_drain(&ring);
	io_uring_queue_exit(&ring);

	test_cqe32();
	return T_EXIT_PASS;
}
