/* SPDX-License-Identifier: MIT */
/*
 * The generic io_uring_prep_uring_cmd path (IORING_OP_URING_CMD), driven
 * against the socket layer's commands, which need nothing beyond cmd_op:
 * SOCKET_URING_OP_SIOCINQ on a UDP socket reports the size of the queued
 * datagram (0 when none is queued, the new size after another arrives);
 * SOCKET_URING_OP_SIOCOUTQ reports 0 for an idle socket. A file without a
 * uring_cmd handler refuses with -EOPNOTSUPP, an unknown command on a
 * socket is refused too, and a stale command flag bit is -EINVAL.
 * (io_uring_prep_uring_cmd128 needs 6.19 and an IORING_SETUP_SQE_MIXED
 * ring; only its SQE encoding is tested, in file-prep-fields.)
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "test.h"

static struct io_uring ring;

static int cmd(int cmd_op, int fd, __u32 cmd_flags)
{
	struct io_uring_sqe *sqe = t_get_dirty_sqe(&ring);

	io_uring_prep_uring_cmd(sqe, cmd_op, fd);
	sqe->uring_cmd_flags = cmd_flags;
	return t_submit_one(&ring);
}

int main(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t alen = sizeof(addr);
	char payload[300], path[4096], *dir;
	int rx, tx, fd, ret;

	t_require_op(IORING_OP_URING_CMD);
	t_ring_init(&ring, 4, NULL);

	/* a file system file has no ->uring_cmd */
	dir = t_tmpdir();
	snprintf(path, sizeof(path), "%s/f", dir);
	fd = t_create_file(path, 4096, 1);
	ASSERT_EQ(cmd(SOCKET_URING_OP_SIOCINQ, fd, 0), -EOPNOTSUPP);
	close(fd);

	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_GE(rx, 0);
	ASSERT_GE(tx, 0);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(rx, (struct sockaddr *) &addr, sizeof(addr)))
		t_skip("cannot bind a UDP socket to the loopback address");
	ASSERT_EQ(getsockname(rx, (struct sockaddr *) &addr, &alen), 0);

	ret = cmd(SOCKET_URING_OP_SIOCINQ, rx, 0);
	if (ret == -EOPNOTSUPP)
		t_skip("kernel has no socket uring_cmd (6.7)");
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(cmd(SOCKET_URING_OP_SIOCOUTQ, rx, 0), 0);

	memset(payload, 'q', sizeof(payload));
	ASSERT_EQ(sendto(tx, payload, 123, 0, (struct sockaddr *) &addr,
			 sizeof(addr)), 123);
	ASSERT_EQ(cmd(SOCKET_URING_OP_SIOCINQ, rx, 0), 123);
	ASSERT_EQ(sendto(tx, payload, 250, 0, (struct sockaddr *) &addr,
			 sizeof(addr)), 250);
	/* UDP's SIOCINQ: the size of the first queued datagram */
	ASSERT_EQ(cmd(SOCKET_URING_OP_SIOCINQ, rx, 0), 123);
	ASSERT_EQ(recv(rx, payload, sizeof(payload), 0), 123);
	ASSERT_EQ(cmd(SOCKET_URING_OP_SIOCINQ, rx, 0), 250);
	ASSERT_EQ(recv(rx, payload, sizeof(payload), 0), 250);
	ASSERT_EQ(cmd(SOCKET_URING_OP_SIOCINQ, rx, 0), 0);

	/* unknown command; flag bits the kernel does not know */
	ASSERT_LT(cmd(0x7fff, rx, 0), 0);
	ASSERT_EQ(cmd(SOCKET_URING_OP_SIOCINQ, rx, 1U << 20), -EINVAL);

	close(rx);
	close(tx);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
