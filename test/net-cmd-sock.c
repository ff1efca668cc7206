/* SPDX-License-Identifier: MIT */
/*
 * Socket commands through io_uring_prep_cmd_sock (IORING_OP_URING_CMD on a
 * socket, 6.7): SOCKET_URING_OP_SIOCINQ and _SIOCOUTQ return what the
 * SIOCINQ/SIOCOUTQ ioctls report; SOCKET_URING_OP_SETSOCKOPT sets options
 * that getsockopt(2) then reads (SOL_SOCKET and IPPROTO_TCP levels);
 * SOCKET_URING_OP_GETSOCKOPT reads options set with setsockopt(2), with
 * cqe->res the option's length. Also through a fixed-file slot, and the
 * refusals: GETSOCKOPT outside SOL_SOCKET, an unknown command, a file that
 * is not a socket.
 */
#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "test.h"
#include "net.h"

static int cmd(struct io_uring *ring, int op, int fd, int level, int optname,
	       void *optval, int optlen, bool fixed)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_cmd_sock(sqe, op, fd, level, optname, optval, optlen);
	if (fixed)
		sqe->flags |= IOSQE_FIXED_FILE;
	return t_submit_one(ring);
}

static int getopt_int(int fd, int level, int optname)
{
	int v = -1;
	socklen_t len = sizeof(v);

	ASSERT_EQ(getsockopt(fd, level, optname, &v, &len), 0);
	ASSERT_EQ(len, sizeof(v));
	return v;
}

int main(void)
{
	struct io_uring ring;
	struct linger lg, lg2;
	char data[4000];
	int fds[2], pfd[2], v, ret, inq, outq, before;

	t_require_op(IORING_OP_URING_CMD);
	t_ring_init(&ring, 8, NULL);
	t_tcp_pair(fds);

	/* Socket commands arrived in 6.7: older kernels refuse them. */
	ret = cmd(&ring, SOCKET_URING_OP_SIOCINQ, fds[1], 0, 0, NULL, 0,
		  false);
	if (ret == -EOPNOTSUPP || ret == -EINVAL)
		t_skip("kernel lacks socket uring_cmd (6.7)");
	ASSERT_EQ(ret, 0);

	/* SIOCINQ: bytes waiting to be read. */
	t_fill(data, sizeof(data), 2);
	ASSERT_EQ(write(fds[0], data, 1234), 1234);
	for (int i = 0; i < 1000; i++) {
		ASSERT_EQ(ioctl(fds[1], SIOCINQ, &inq), 0);
		if (inq == 1234)
			break;
		usleep(1000);
	}
	ASSERT_EQ(inq, 1234);
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_SIOCINQ, fds[1], 0, 0, NULL, 0,
		      false), 1234);
	ASSERT_EQ(read(fds[1], data, 1234), 1234);
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_SIOCINQ, fds[1], 0, 0, NULL, 0,
		      false), 0);

	/*
	 * SIOCOUTQ: bytes not yet acknowledged. Fill the pipe while the
	 * receiver does not read, so the value is stable, then compare.
	 */
	v = 4096;
	ASSERT_EQ(setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
	while (send(fds[0], data, sizeof(data), MSG_DONTWAIT) > 0)
		;
	usleep(50000);
	for (int i = 0; i < 50; i++) {
		ASSERT_EQ(ioctl(fds[0], SIOCOUTQ, &before), 0);
		ret = cmd(&ring, SOCKET_URING_OP_SIOCOUTQ, fds[0], 0, 0, NULL,
			  0, false);
		ASSERT_EQ(ioctl(fds[0], SIOCOUTQ, &outq), 0);
		if (before == outq)
			break;
		usleep(10000);
	}
	ASSERT_EQ(before, outq);
	ASSERT_GT(ret, 0);
	ASSERT_EQ(ret, outq);
	close(fds[0]);
	close(fds[1]);
	t_tcp_pair(fds);

	/* SETSOCKOPT, checked with getsockopt(2). */
	v = 1;
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_SETSOCKOPT, fds[0], SOL_SOCKET,
		      SO_KEEPALIVE, &v, sizeof(v), false), 0);
	ASSERT_EQ(getopt_int(fds[0], SOL_SOCKET, SO_KEEPALIVE), 1);
	v = 65536;
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_SETSOCKOPT, fds[0], SOL_SOCKET,
		      SO_SNDBUF, &v, sizeof(v), false), 0);
	/* The kernel doubles the value, as for setsockopt(2). */
	ASSERT_EQ(getopt_int(fds[0], SOL_SOCKET, SO_SNDBUF), 2 * 65536);
	lg.l_onoff = 1;
	lg.l_linger = 7;
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_SETSOCKOPT, fds[0], SOL_SOCKET,
		      SO_LINGER, &lg, sizeof(lg), false), 0);
	{
		socklen_t len = sizeof(lg2);

		memset(&lg2, 0, sizeof(lg2));
		ASSERT_EQ(getsockopt(fds[0], SOL_SOCKET, SO_LINGER, &lg2, &len),
			  0);
		ASSERT_EQ(lg2.l_onoff, 1);
		ASSERT_EQ(lg2.l_linger, 7);
	}
	/* Other levels can be set too. */
	v = 1;
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_SETSOCKOPT, fds[0], IPPROTO_TCP,
		      TCP_NODELAY, &v, sizeof(v), false), 0);
	ASSERT_EQ(getopt_int(fds[0], IPPROTO_TCP, TCP_NODELAY), 1);
	/* An unknown option fails as setsockopt(2) does. */
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_SETSOCKOPT, fds[0], SOL_SOCKET,
		      12345, &v, sizeof(v), false), -ENOPROTOOPT);

	/* GETSOCKOPT: res is the option length, the value is setsockopt's. */
	v = 3;
	ASSERT_EQ(setsockopt(fds[1], SOL_SOCKET, SO_PRIORITY, &v, sizeof(v)),
		  0);
	v = -1;
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_GETSOCKOPT, fds[1], SOL_SOCKET,
		      SO_PRIORITY, &v, sizeof(v), false), (int) sizeof(v));
	ASSERT_EQ(v, 3);
	v = -1;
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_GETSOCKOPT, fds[1], SOL_SOCKET,
		      SO_TYPE, &v, sizeof(v), false), (int) sizeof(v));
	ASSERT_EQ(v, SOCK_STREAM);
	memset(&lg2, 0xff, sizeof(lg2));
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_GETSOCKOPT, fds[0], SOL_SOCKET,
		      SO_LINGER, &lg2, sizeof(lg2), false), (int) sizeof(lg2));
	ASSERT_EQ(lg2.l_onoff, 1);
	ASSERT_EQ(lg2.l_linger, 7);
	/* Linux 6.18 reads only SOL_SOCKET options this way. */
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_GETSOCKOPT, fds[0], IPPROTO_TCP,
		      TCP_NODELAY, &v, sizeof(v), false), -EOPNOTSUPP);

	/* Through a fixed-file slot. */
	ASSERT_EQ(io_uring_register_files(&ring, &fds[1], 1), 0);
	v = 1;
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_SETSOCKOPT, 0, SOL_SOCKET,
		      SO_KEEPALIVE, &v, sizeof(v), true), 0);
	ASSERT_EQ(getopt_int(fds[1], SOL_SOCKET, SO_KEEPALIVE), 1);
	v = -1;
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_GETSOCKOPT, 0, SOL_SOCKET,
		      SO_KEEPALIVE, &v, sizeof(v), true), (int) sizeof(v));
	ASSERT_EQ(v, 1);
	ASSERT_EQ(write(fds[0], data, 99), 99);
	for (int i = 0; i < 1000; i++) {
		ASSERT_EQ(ioctl(fds[1], SIOCINQ, &inq), 0);
		if (inq == 99)
			break;
		usleep(1000);
	}
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_SIOCINQ, 0, 0, 0, NULL, 0, true),
		  99);
	ASSERT_EQ(io_uring_unregister_files(&ring), 0);

	/* Refusals. */
	ASSERT_EQ(cmd(&ring, 99, fds[0], 0, 0, NULL, 0, false), -EOPNOTSUPP);
	ASSERT_EQ(pipe(pfd), 0);
	ASSERT_EQ(cmd(&ring, SOCKET_URING_OP_SIOCINQ, pfd[0], 0, 0, NULL, 0,
		      false), -EOPNOTSUPP);
	close(pfd[0]);
	close(pfd[1]);
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
