/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_cmd_getsockname (SOCKET_URING_OP_GETSOCKNAME, Linux 6.19):
 *  - every SQE field, from an SQE full of 0xff, by name and by offset;
 *  - on a kernel with the command: the local and the peer address of a
 *    connected TCP socket, as getsockname(2) / getpeername(2) give them,
 *    the length written back, and -ENOTCONN for the peer of a socket that
 *    is not connected. A kernel without it fails the first request, and
 *    the test then skips with that reason.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "test.h"
#include "net.h"

static void check_fields(void)
{
	struct io_uring_sqe sqe;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	unsigned char raw[64];
	__u32 w;
	__u64 q;

	memset(&sqe, 0xff, sizeof(sqe));
	io_uring_prep_cmd_getsockname(&sqe, 9, (struct sockaddr *) &ss, &len,
				      1);
	ASSERT_EQ(sqe.opcode, IORING_OP_URING_CMD);
	ASSERT_EQ(sqe.flags, 0);
	ASSERT_EQ(sqe.ioprio, 0);
	ASSERT_EQ(sqe.fd, 9);
	ASSERT_EQ(sqe.cmd_op, (__u32) SOCKET_URING_OP_GETSOCKNAME);
	ASSERT_EQ(sqe.__pad1, 0);
	ASSERT_EQ(sqe.addr, (__u64) (uintptr_t) &ss);
	ASSERT_EQ(sqe.len, 0);
	ASSERT_EQ(sqe.uring_cmd_flags, 0);
	ASSERT_EQ(sqe.buf_index, 0);
	ASSERT_EQ(sqe.personality, 0);
	ASSERT_EQ(sqe.optlen, 1u);
	ASSERT_EQ(sqe.addr3, (__u64) (uintptr_t) &len);
	ASSERT_EQ(sqe.__pad2[0], 0);

	/* where the kernel reads them */
	memcpy(raw, &sqe, sizeof(raw));
	memcpy(&w, raw + 8, 4);
	ASSERT_EQ(w, 5u);
	memcpy(&q, raw + 16, 8);
	ASSERT_EQ(q, (__u64) (uintptr_t) &ss);
	memcpy(&w, raw + 44, 4);
	ASSERT_EQ(w, 1u);
	memcpy(&q, raw + 48, 8);
	ASSERT_EQ(q, (__u64) (uintptr_t) &len);

	memset(&sqe, 0xff, sizeof(sqe));
	io_uring_prep_cmd_getsockname(&sqe, 3, NULL, NULL, 0);
	ASSERT_EQ(sqe.optlen, 0u);
	ASSERT_EQ(sqe.addr, 0u);
	ASSERT_EQ(sqe.addr3, 0u);
}

static int getname(struct io_uring *ring, int fd, struct sockaddr_in *sa,
		   socklen_t *len, int peer)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	memset(sa, 0, sizeof(*sa));
	io_uring_prep_cmd_getsockname(sqe, fd, (struct sockaddr *) sa, len,
				      peer);
	return t_submit_one(ring);
}

int main(void)
{
	struct sockaddr_in got, want;
	struct io_uring ring;
	socklen_t len, wlen;
	int fds[2], lone, ret;

	check_fields();

	t_ring_init(&ring, 4, NULL);
	t_tcp_pair(fds);

	len = sizeof(got);
	ret = getname(&ring, fds[0], &got, &len, 0);
	if (ret == -EOPNOTSUPP || ret == -EINVAL)
		t_skip("kernel lacks SOCKET_URING_OP_GETSOCKNAME (6.19): %s",
		       strerror(-ret));
	ASSERT_EQ(ret, 0);
	wlen = sizeof(want);
	ASSERT_EQ(getsockname(fds[0], (struct sockaddr *) &want, &wlen), 0);
	ASSERT_EQ(len, wlen);
	ASSERT_EQ(got.sin_family, AF_INET);
	ASSERT_EQ(got.sin_port, want.sin_port);
	ASSERT_EQ(got.sin_addr.s_addr, want.sin_addr.s_addr);

	/* peer: the other end's local address */
	len = sizeof(got);
	ASSERT_EQ(getname(&ring, fds[0], &got, &len, 1), 0);
	wlen = sizeof(want);
	ASSERT_EQ(getsockname(fds[1], (struct sockaddr *) &want, &wlen), 0);
	ASSERT_EQ(got.sin_port, want.sin_port);
	ASSERT_EQ(got.sin_addr.s_addr, htonl(INADDR_LOOPBACK));

	/* an unconnected socket has no peer */
	lone = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_GE(lone, 0);
	len = sizeof(got);
	ASSERT_EQ(getname(&ring, lone, &got, &len, 1), -ENOTCONN);
	/* not a socket at all */
	len = sizeof(got);
	ret = getname(&ring, ring.ring_fd, &got, &len, 0);
	ASSERT(ret == -ENOTSOCK || ret == -EOPNOTSUPP);

	close(lone);
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
