/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_eventfd, io_uring_register_eventfd_async and
 * io_uring_unregister_eventfd: a registered eventfd's counter goes up when
 * CQEs are posted; the async flavour only counts completions posted from
 * io-wq workers (an IOSQE_ASYNC request), not inline ones; after
 * unregister the counter stays still.
 */
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "test.h"

static struct io_uring ring;

/* Read and reset the counter; 0 when it is zero (EAGAIN). */
static __u64 efd_take(int efd)
{
	eventfd_t v = 0;

	if (eventfd_read(efd, &v) < 0) {
		ASSERT_EQ(errno, EAGAIN);
		return 0;
	}
	return v;
}

static void nop(__u64 ud, unsigned flags)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;

	ASSERT_NOT_NULL(sqe);
	io_uring_prep_nop(sqe);
	sqe->flags |= (__u8) flags;
	io_uring_sqe_set_data64(sqe, ud);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, ud);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);
}

int main(void)
{
	int efd, efd2, fds;

	t_ring_init(&ring, 8, NULL);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	efd2 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_GE(efd, 0);
	ASSERT_GE(efd2, 0);
	fds = t_count_fds();

	/* Nothing registered yet. */
	ASSERT_EQ(io_uring_unregister_eventfd(&ring), -ENXIO);
	nop(1, 0);
	ASSERT_EQ(efd_take(efd), 0);

	/* Plain eventfd: every completion signals. */
	ASSERT_EQ(io_uring_register_eventfd(&ring, efd), 0);
	ASSERT_EQ(io_uring_register_eventfd(&ring, efd2), -EBUSY);
	ASSERT_EQ(io_uring_register_eventfd_async(&ring, efd2), -EBUSY);
	nop(2, 0);
	ASSERT_GE(efd_take(efd), 1);
	nop(3, IOSQE_ASYNC);
	ASSERT_GE(efd_take(efd), 1);
	/* A batch of completions: at least one signal, at most one each. */
	t_submit_nops(&ring, 4, 10);
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 4), 4);
	{
		__u64 v = efd_take(efd);

		ASSERT_GE(v, 1);
		ASSERT_LE(v, 4);
	}
	io_uring_cq_advance(&ring, 4);
	ASSERT_EQ(efd_take(efd2), 0);

	/* Unregister: completions no longer touch the counter. */
	ASSERT_EQ(io_uring_unregister_eventfd(&ring), 0);
	ASSERT_EQ(io_uring_unregister_eventfd(&ring), -ENXIO);
	nop(4, 0);
	nop(5, IOSQE_ASYNC);
	ASSERT_EQ(efd_take(efd), 0);

	/* Async: inline completions are not counted, io-wq ones are. */
	ASSERT_EQ(io_uring_register_eventfd_async(&ring, efd2), 0);
	nop(6, 0);
	ASSERT_EQ(efd_take(efd2), 0);
	nop(7, IOSQE_ASYNC);
	ASSERT_GE(efd_take(efd2), 1);
	ASSERT_EQ(io_uring_unregister_eventfd(&ring), 0);
	nop(8, IOSQE_ASYNC);
	ASSERT_EQ(efd_take(efd2), 0);

	/* Bad descriptors: -1, a closed one, one that is not an eventfd. */
	ASSERT_EQ(io_uring_register_eventfd(&ring, -1), -EBADF);
	{
		int p[2];

		ASSERT_EQ(pipe(p), 0);
		close(p[1]);
		ASSERT_EQ(io_uring_register_eventfd(&ring, p[0]), -EINVAL);
		close(p[0]);
		ASSERT_EQ(io_uring_register_eventfd_async(&ring, p[0]),
			  -EBADF);
	}
	ASSERT_EQ(io_uring_unregister_eventfd(&ring), -ENXIO);

	/* The ring keeps its own reference: closing our fd is fine. */
	{
		int e = eventfd(0, EFD_NONBLOCK);
		int d;

		ASSERT_GE(e, 0);
		d = dup(e);
		ASSERT_GE(d, 0);
		ASSERT_EQ(io_uring_register_eventfd(&ring, d), 0);
		close(d);
		nop(9, 0);
		ASSERT_GE(efd_take(e), 1);
		ASSERT_EQ(io_uring_unregister_eventfd(&ring), 0);
		close(e);
	}

	ASSERT_EQ(t_count_fds(), fds);
	io_uring_queue_exit(&ring);
	close(efd);
	close(efd2);
	return T_EXIT_PASS;
}
