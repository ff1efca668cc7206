/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_shutdown on TCP over 127.0.0.1: SHUT_WR makes the peer read
 * end of stream while data still flows the other way; SHUT_RD ends local
 * receiving; SHUT_RDWR on a fixed-file slot (IOSQE_FIXED_FILE) shuts both.
 * Errors are shutdown(2)'s: -ENOTCONN on an unconnected socket, -ENOTSOCK
 * on a pipe, -EINVAL for a bad how.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"
#include "net.h"

static int do_shutdown(struct io_uring *ring, int fd, int how, bool fixed)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_shutdown(sqe, fd, how);
	if (fixed)
		sqe->flags |= IOSQE_FIXED_FILE;
	return t_submit_one(ring);
}

int main(void)
{
	struct io_uring ring;
	char buf[16];
	int fds[2], pfd[2], s, ret;

	t_require_op(IORING_OP_SHUTDOWN);
	t_ring_init(&ring, 8, NULL);

	/* SHUT_WR: queued data is still delivered, then end of stream. */
	t_tcp_pair(fds);
	ASSERT_EQ(write(fds[0], "last words", 10), 10);
	ASSERT_EQ(do_shutdown(&ring, fds[0], SHUT_WR, false), 0);
	ASSERT_EQ(read(fds[1], buf, sizeof(buf)), 10);
	ASSERT_MEM_EQ(buf, "last words", 10);
	ASSERT_EQ(read(fds[1], buf, sizeof(buf)), 0);
	/* Writing after SHUT_WR fails; the other direction still works. */
	ret = (int) send(fds[0], "x", 1, MSG_NOSIGNAL);
	ASSERT(ret == -1 && errno == EPIPE);
	ASSERT_EQ(write(fds[1], "reply", 5), 5);
	ASSERT_EQ(read(fds[0], buf, sizeof(buf)), 5);
	ASSERT_MEM_EQ(buf, "reply", 5);

	/* SHUT_RD on the other side: its reads now see end of stream. */
	ASSERT_EQ(do_shutdown(&ring, fds[1], SHUT_RD, false), 0);
	ASSERT_EQ(read(fds[1], buf, sizeof(buf)), 0);
	close(fds[0]);
	close(fds[1]);

	/* SHUT_RDWR through a fixed-file slot: the peer sees end of stream. */
	t_tcp_pair(fds);
	ret = io_uring_register_files(&ring, &fds[0], 1);
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(do_shutdown(&ring, 0, SHUT_RDWR, true), 0);
	ASSERT_EQ(read(fds[1], buf, sizeof(buf)), 0);
	ASSERT_EQ(read(fds[0], buf, sizeof(buf)), 0);
	ASSERT_EQ(io_uring_unregister_files(&ring), 0);
	close(fds[0]);
	close(fds[1]);

	/* shutdown(2)'s errors. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_GE(s, 0);
	ASSERT_EQ(do_shutdown(&ring, s, SHUT_RDWR, false), -ENOTCONN);
	t_tcp_pair(fds);
	ASSERT_EQ(do_shutdown(&ring, fds[0], 7, false), -EINVAL);
	ASSERT_EQ(pipe(pfd), 0);
	ASSERT_EQ(do_shutdown(&ring, pfd[0], SHUT_RDWR, false), -ENOTSOCK);
	ASSERT_EQ(do_shutdown(&ring, 1000000, SHUT_RDWR, false), -EBADF);

	close(pfd[0]);
	close(pfd[1]);
	close(fds[0]);
	close(fds[1]);
	close(s);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
