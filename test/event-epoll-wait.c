/* SPDX-License-Identifier: MIT */
/*
 * epoll_wait(2) through io_uring (IORING_OP_EPOLL_WAIT, 6.15):
 * io_uring_prep_epoll_wait() completes at once when an event is ready,
 * with res the number of events stored; with nothing ready it parks until
 * an event arrives. maxevents bounds the count. Skipped when the kernel
 * lacks the opcode.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include "test.h"

static void add(int epfd, int fd, unsigned events, __u64 data)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = data;
	ASSERT_EQ(epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev), 0);
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct epoll_event out[4];
	int epfd, p[2], q[2];
	char buf[4];

	t_require_op(IORING_OP_EPOLL_WAIT);
	t_ring_init(&ring, 8, NULL);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(epfd, 0);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(pipe(q), 0);
	add(epfd, p[0], EPOLLIN, 0x1111);
	add(epfd, q[0], EPOLLIN, 0x2222);

	/* nothing ready: the request parks until the pipe has data */
	memset(out, 0, sizeof(out));
	sqe = t_get_sqe(&ring);
	io_uring_prep_epoll_wait(sqe, epfd, out, 4, 0);
	io_uring_sqe_set_data64(sqe, 1);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	t_assert_idle(&ring);
	ASSERT_EQ(write(p[1], "x", 1), 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 1);
	ASSERT_EQ(cqe->res, 1);
	io_uring_cqe_seen(&ring, cqe);
	ASSERT_EQ(out[0].data.u64, 0x1111);
	ASSERT((out[0].events & EPOLLIN) != 0);

	/* both ready, room for one: res 1; then room for four: res 2 */
	ASSERT_EQ(write(q[1], "y", 1), 1);
	memset(out, 0, sizeof(out));
	sqe = t_get_sqe(&ring);
	io_uring_prep_epoll_wait(sqe, epfd, out, 1, 0);
	ASSERT_EQ(t_submit_one(&ring), 1);
	ASSERT(out[0].data.u64 == 0x1111 || out[0].data.u64 == 0x2222);
	ASSERT_EQ(out[1].data.u64, 0);
	memset(out, 0, sizeof(out));
	sqe = t_get_sqe(&ring);
	io_uring_prep_epoll_wait(sqe, epfd, out, 4, 0);
	ASSERT_EQ(t_submit_one(&ring), 2);
	ASSERT_EQ(out[0].data.u64 + out[1].data.u64, 0x3333);

	/* the flags word has no bits defined */
	sqe = t_get_sqe(&ring);
	io_uring_prep_epoll_wait(sqe, epfd, out, 4, 1);
	ASSERT_EQ(t_submit_one(&ring), -EINVAL);

	ASSERT_EQ(read(p[0], buf, 1), 1);
	ASSERT_EQ(read(q[0], buf, 1), 1);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	close(epfd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
