/* SPDX-License-Identifier: MIT */
/*
 * epoll_ctl(2) through io_uring: io_uring_prep_epoll_ctl() adds a pipe to
 * an epoll instance (epoll_wait(2) then reports it with the registered
 * data once the pipe has data), modifies its data, refuses a duplicate
 * (-EEXIST) and deletes it (epoll_wait(2) then reports nothing). The event
 * is copied at submission, so the caller's struct may change afterwards.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include "test.h"

static int ring_epoll_ctl(struct io_uring *ring, int epfd, int fd, int op,
			  struct epoll_event *ev)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_epoll_ctl(sqe, epfd, fd, op, ev);
	return t_submit_one(ring);
}

int main(void)
{
	struct io_uring ring;
	struct epoll_event ev, out[4];
	int epfd, p[2];
	char c;

	t_require_op(IORING_OP_EPOLL_CTL);
	t_ring_init(&ring, 8, NULL);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(epfd, 0);
	ASSERT_EQ(pipe(p), 0);

	/* add: nothing ready yet */
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = 0x1234;
	ASSERT_EQ(ring_epoll_ctl(&ring, epfd, p[0], EPOLL_CTL_ADD, &ev), 0);
	ev.data.u64 = 0;		/* the kernel copied it already */
	ASSERT_EQ(epoll_wait(epfd, out, 4, 0), 0);

	ASSERT_EQ(write(p[1], "a", 1), 1);
	ASSERT_EQ(epoll_wait(epfd, out, 4, 1000), 1);
	ASSERT_EQ(out[0].data.u64, 0x1234);
	ASSERT((out[0].events & EPOLLIN) != 0);

	/* adding it twice */
	ev.events = EPOLLIN;
	ASSERT_EQ(ring_epoll_ctl(&ring, epfd, p[0], EPOLL_CTL_ADD, &ev),
		  -EEXIST);

	/* modify: new data, and EPOLLOUT (never true for a read end) only */
	ev.events = EPOLLIN;
	ev.data.u64 = 0x5678;
	ASSERT_EQ(ring_epoll_ctl(&ring, epfd, p[0], EPOLL_CTL_MOD, &ev), 0);
	ASSERT_EQ(epoll_wait(epfd, out, 4, 1000), 1);
	ASSERT_EQ(out[0].data.u64, 0x5678);
	ev.events = EPOLLOUT;
	ASSERT_EQ(ring_epoll_ctl(&ring, epfd, p[0], EPOLL_CTL_MOD, &ev), 0);
	ASSERT_EQ(epoll_wait(epfd, out, 4, 0), 0);

	/* delete: the event pointer is not needed */
	ASSERT_EQ(ring_epoll_ctl(&ring, epfd, p[0], EPOLL_CTL_DEL, NULL), 0);
	ASSERT_EQ(epoll_wait(epfd, out, 4, 0), 0);
	ASSERT_EQ(ring_epoll_ctl(&ring, epfd, p[0], EPOLL_CTL_DEL, NULL),
		  -ENOENT);

	/* the write end, for writability */
	ev.events = EPOLLOUT;
	ev.data.u64 = 0x9abc;
	ASSERT_EQ(ring_epoll_ctl(&ring, epfd, p[1], EPOLL_CTL_ADD, &ev), 0);
	ASSERT_EQ(epoll_wait(epfd, out, 4, 1000), 1);
	ASSERT_EQ(out[0].data.u64, 0x9abc);
	ASSERT((out[0].events & EPOLLOUT) != 0);

	/* epfd must be an epoll instance */
	ASSERT_EQ(ring_epoll_ctl(&ring, p[0], p[1], EPOLL_CTL_ADD, &ev),
		  -EINVAL);

	ASSERT_EQ(read(p[0], &c, 1), 1);
	close(p[0]);
	close(p[1]);
	close(epfd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
