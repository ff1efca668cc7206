/* SPDX-License-Identifier: MIT */
/*
 * The socket prep helpers when the system's (possibly older, e.g. 6.1)
 * <linux/io_uring.h> is included before <liburing.h>: its struct
 * io_uring_sqe lacks the names level, optname, optlen and optval, which
 * prep_net.h then writes through the older names sharing those bytes. The
 * SQEs must come out byte for byte as the kernel expects, and work: a
 * setsockopt/getsockopt pair through io_uring_prep_cmd_sock and a sendto.
 */
#include <linux/io_uring.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

static void u32_at(const struct io_uring_sqe *sqe, size_t off, __u32 want)
{
	__u32 v;

	memcpy(&v, (const char *) sqe + off, sizeof(v));
	ASSERT_EQ(v, want);
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_sqe sqe;
	struct sockaddr_in a, b;
	socklen_t len = sizeof(a);
	char buf[16];
	int v, fa, fb, ret;
	__u64 q;

	/* Encoding, by byte offset. */
	memset(&sqe, 0xff, sizeof(sqe));
	io_uring_prep_cmd_sock(&sqe, SOCKET_URING_OP_GETSOCKOPT, 3, SOL_SOCKET,
			       SO_TYPE, &v, sizeof(v));
	u32_at(&sqe, 8, SOCKET_URING_OP_GETSOCKOPT);
	u32_at(&sqe, 12, 0);
	u32_at(&sqe, 16, SOL_SOCKET);
	u32_at(&sqe, 20, SO_TYPE);
	u32_at(&sqe, 44, sizeof(v));
	memcpy(&q, (char *) &sqe + 48, sizeof(q));
	ASSERT_EQ(q, (__u64) (uintptr_t) &v);
	memset(&sqe, 0xff, sizeof(sqe));
	io_uring_prep_sendto(&sqe, 3, buf, 4, 0, (struct sockaddr *) &a,
			     sizeof(a));
	memcpy(&q, (char *) &sqe + 8, sizeof(q));
	ASSERT_EQ(q, (__u64) (uintptr_t) &a);
	u32_at(&sqe, 44, sizeof(a));

	t_require_op(IORING_OP_SEND);
	t_ring_init(&ring, 4, NULL);

	fa = socket(AF_INET, SOCK_DGRAM, 0);
	fb = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_GE(fa, 0);
	ASSERT_GE(fb, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	b = a;
	ASSERT_EQ(bind(fa, (struct sockaddr *) &a, len), 0);
	ASSERT_EQ(bind(fb, (struct sockaddr *) &b, len), 0);
	ASSERT_EQ(getsockname(fb, (struct sockaddr *) &b, &len), 0);

	io_uring_prep_sendto(t_get_sqe(&ring), fa, "old!", 4, 0,
			     (struct sockaddr *) &b, sizeof(b));
	ASSERT_EQ(t_submit_one(&ring), 4);
	ASSERT_EQ(recv(fb, buf, sizeof(buf), 0), 4);
	ASSERT_MEM_EQ(buf, "old!", 4);

	if (!t_op_supported(IORING_OP_URING_CMD))
		goto out;
	v = 5;
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_SETSOCKOPT,
			       fa, SOL_SOCKET, SO_PRIORITY, &v, sizeof(v));
	ret = t_submit_one(&ring);
	if (ret == -EOPNOTSUPP || ret == -EINVAL)
		goto out;	/* socket commands are 6.7 */
	ASSERT_EQ(ret, 0);
	v = -1;
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_GETSOCKOPT,
			       fa, SOL_SOCKET, SO_PRIORITY, &v, sizeof(v));
	ASSERT_EQ(t_submit_one(&ring), (int) sizeof(v));
	ASSERT_EQ(v, 5);
out:
	close(fa);
	close(fb);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
