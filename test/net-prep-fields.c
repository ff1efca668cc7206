/* SPDX-License-Identifier: MIT */
/*
 * SQE encoding of the socket prep helpers (prep_net.h), without a kernel:
 * every helper runs on an SQE full of 0xff bytes, and every field of the
 * 64-byte SQE is then compared with what the kernel reads for the opcode.
 * Fields the opcode does not use must come out zero (the kernel fails
 * requests with stale bits there). Also covers the one-based file_index
 * of the _direct forms, the byte placement of the socket-command fields
 * (level, optname, optlen, optval) and the recvmsg-multishot buffer
 * parsing helpers on a hand-built buffer.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "test.h"

#define check(sqe, ...) t_check_sqe(sqe, __VA_ARGS__)

#define P(x) ((__u64) (uintptr_t) (x))

static void test_socket_setup(void)
{
	struct io_uring_sqe sqe;
	struct sockaddr_in sin;
	socklen_t len;

	t_dirty_sqe(&sqe);
	io_uring_prep_socket(&sqe, AF_INET, SOCK_STREAM | SOCK_NONBLOCK,
			     IPPROTO_TCP, 0);
	check(&sqe, { .opcode = IORING_OP_SOCKET, .fd = AF_INET,
		      .off = SOCK_STREAM | SOCK_NONBLOCK, .len = IPPROTO_TCP });
	/* The reserved flags word is passed through as given. */
	t_dirty_sqe(&sqe);
	io_uring_prep_socket(&sqe, AF_INET6, SOCK_DGRAM, 0, 5);
	check(&sqe, { .opcode = IORING_OP_SOCKET, .fd = AF_INET6,
		      .off = SOCK_DGRAM, .op_flags = 5 });

	t_dirty_sqe(&sqe);
	io_uring_prep_socket_direct(&sqe, AF_UNIX, SOCK_STREAM, 0, 3, 0);
	check(&sqe, { .opcode = IORING_OP_SOCKET, .fd = AF_UNIX,
		      .off = SOCK_STREAM, .file_index = 4 });
	t_dirty_sqe(&sqe);
	io_uring_prep_socket_direct(&sqe, AF_UNIX, SOCK_STREAM, 0,
				    IORING_FILE_INDEX_ALLOC, 0);
	check(&sqe, { .opcode = IORING_OP_SOCKET, .fd = AF_UNIX,
		      .off = SOCK_STREAM,
		      .file_index = IORING_FILE_INDEX_ALLOC });
	t_dirty_sqe(&sqe);
	io_uring_prep_socket_direct_alloc(&sqe, AF_INET, SOCK_DGRAM,
					  IPPROTO_UDP, 0);
	check(&sqe, { .opcode = IORING_OP_SOCKET, .fd = AF_INET,
		      .off = SOCK_DGRAM, .len = IPPROTO_UDP,
		      .file_index = IORING_FILE_INDEX_ALLOC });

	t_dirty_sqe(&sqe);
	io_uring_prep_connect(&sqe, 7, (struct sockaddr *) &sin, sizeof(sin));
	check(&sqe, { .opcode = IORING_OP_CONNECT, .fd = 7,
		      .off = sizeof(sin), .addr = P(&sin) });
	t_dirty_sqe(&sqe);
	io_uring_prep_bind(&sqe, 8, (struct sockaddr *) &sin, sizeof(sin));
	check(&sqe, { .opcode = IORING_OP_BIND, .fd = 8, .off = sizeof(sin),
		      .addr = P(&sin) });
	t_dirty_sqe(&sqe);
	io_uring_prep_listen(&sqe, 9, 128);
	check(&sqe, { .opcode = IORING_OP_LISTEN, .fd = 9, .len = 128 });

	t_dirty_sqe(&sqe);
	io_uring_prep_accept(&sqe, 10, (struct sockaddr *) &sin, &len,
			     SOCK_CLOEXEC);
	check(&sqe, { .opcode = IORING_OP_ACCEPT, .fd = 10, .off = P(&len),
		      .addr = P(&sin), .op_flags = SOCK_CLOEXEC });
	ASSERT_EQ(sqe.accept_flags, (__u32) SOCK_CLOEXEC);
	t_dirty_sqe(&sqe);
	io_uring_prep_accept(&sqe, 10, NULL, NULL, 0);
	check(&sqe, { .opcode = IORING_OP_ACCEPT, .fd = 10 });
	t_dirty_sqe(&sqe);
	io_uring_prep_accept_direct(&sqe, 11, NULL, NULL, SOCK_NONBLOCK, 0);
	check(&sqe, { .opcode = IORING_OP_ACCEPT, .fd = 11,
		      .op_flags = SOCK_NONBLOCK, .file_index = 1 });
	t_dirty_sqe(&sqe);
	io_uring_prep_accept_direct(&sqe, 11, NULL, NULL, 0,
				    IORING_FILE_INDEX_ALLOC);
	check(&sqe, { .opcode = IORING_OP_ACCEPT, .fd = 11,
		      .file_index = IORING_FILE_INDEX_ALLOC });
	t_dirty_sqe(&sqe);
	io_uring_prep_multishot_accept(&sqe, 12, (struct sockaddr *) &sin,
				       &len, 0);
	check(&sqe, { .opcode = IORING_OP_ACCEPT, .fd = 12,
		      .ioprio = IORING_ACCEPT_MULTISHOT, .off = P(&len),
		      .addr = P(&sin) });
	t_dirty_sqe(&sqe);
	io_uring_prep_multishot_accept_direct(&sqe, 13, NULL, NULL,
					      SOCK_NONBLOCK);
	check(&sqe, { .opcode = IORING_OP_ACCEPT, .fd = 13,
		      .ioprio = IORING_ACCEPT_MULTISHOT,
		      .op_flags = SOCK_NONBLOCK,
		      .file_index = IORING_FILE_INDEX_ALLOC });

	t_dirty_sqe(&sqe);
	io_uring_prep_shutdown(&sqe, 14, SHUT_RDWR);
	check(&sqe, { .opcode = IORING_OP_SHUTDOWN, .fd = 14,
		      .len = SHUT_RDWR });
}

static void test_send(void)
{
	struct io_uring_sqe sqe;
	struct sockaddr_in6 sin6;
	struct msghdr msg;
	char buf[64];

	t_dirty_sqe(&sqe);
	io_uring_prep_send(&sqe, 3, buf, sizeof(buf), MSG_NOSIGNAL);
	check(&sqe, { .opcode = IORING_OP_SEND, .fd = 3, .addr = P(buf),
		      .len = sizeof(buf), .op_flags = MSG_NOSIGNAL });
	ASSERT_EQ(sqe.msg_flags, (__u32) MSG_NOSIGNAL);

	/* sendto: the address in addr2 and its length at offset 44. */
	t_dirty_sqe(&sqe);
	io_uring_prep_sendto(&sqe, 4, buf, 10, MSG_DONTWAIT,
			     (struct sockaddr *) &sin6, sizeof(sin6));
	check(&sqe, { .opcode = IORING_OP_SEND, .fd = 4, .off = P(&sin6),
		      .addr = P(buf), .len = 10, .op_flags = MSG_DONTWAIT,
		      .file_index = sizeof(sin6) });
	ASSERT_EQ(sqe.addr2, P(&sin6));
	ASSERT_EQ(sqe.addr_len, sizeof(sin6));
	ASSERT_EQ(sqe.__pad3[0], 0);

	/* send_set_addr only touches addr2 and addr_len. */
	t_dirty_sqe(&sqe);
	io_uring_prep_send(&sqe, 5, buf, 1, 0);
	io_uring_prep_send_set_addr(&sqe, (struct sockaddr *) &sin6, 16);
	check(&sqe, { .opcode = IORING_OP_SEND, .fd = 5, .off = P(&sin6),
		      .addr = P(buf), .len = 1, .file_index = 16 });

	t_dirty_sqe(&sqe);
	io_uring_prep_send_bundle(&sqe, 6, 4096, MSG_MORE);
	check(&sqe, { .opcode = IORING_OP_SEND, .fd = 6,
		      .ioprio = IORING_RECVSEND_BUNDLE, .len = 4096,
		      .op_flags = MSG_MORE });

	t_dirty_sqe(&sqe);
	io_uring_prep_send_zc(&sqe, 7, buf, 33, MSG_WAITALL,
			      IORING_SEND_ZC_REPORT_USAGE);
	check(&sqe, { .opcode = IORING_OP_SEND_ZC, .fd = 7, .addr = P(buf),
		      .len = 33, .op_flags = MSG_WAITALL,
		      .ioprio = IORING_SEND_ZC_REPORT_USAGE });
	t_dirty_sqe(&sqe);
	io_uring_prep_send_zc_fixed(&sqe, 8, buf + 1, 20, 0,
				    IORING_RECVSEND_POLL_FIRST, 65535);
	check(&sqe, { .opcode = IORING_OP_SEND_ZC, .fd = 8,
		      .addr = P(buf + 1), .len = 20,
		      .ioprio = IORING_RECVSEND_POLL_FIRST |
				IORING_RECVSEND_FIXED_BUF,
		      .buf_index = 65535 });

	t_dirty_sqe(&sqe);
	io_uring_prep_sendmsg(&sqe, 9, &msg, MSG_EOR);
	check(&sqe, { .opcode = IORING_OP_SENDMSG, .fd = 9, .addr = P(&msg),
		      .len = 1, .op_flags = MSG_EOR });
	t_dirty_sqe(&sqe);
	io_uring_prep_sendmsg_zc(&sqe, 10, &msg, 0);
	check(&sqe, { .opcode = IORING_OP_SENDMSG_ZC, .fd = 10,
		      .addr = P(&msg), .len = 1 });
	t_dirty_sqe(&sqe);
	io_uring_prep_sendmsg_zc_fixed(&sqe, 11, &msg, MSG_WAITALL, 2);
	check(&sqe, { .opcode = IORING_OP_SENDMSG_ZC, .fd = 11,
		      .addr = P(&msg), .len = 1, .op_flags = MSG_WAITALL,
		      .ioprio = IORING_RECVSEND_FIXED_BUF, .buf_index = 2 });
}

static void test_recv(void)
{
	struct io_uring_sqe sqe;
	struct msghdr msg;
	char buf[64];

	t_dirty_sqe(&sqe);
	io_uring_prep_recv(&sqe, 3, buf, sizeof(buf), MSG_PEEK);
	check(&sqe, { .opcode = IORING_OP_RECV, .fd = 3, .addr = P(buf),
		      .len = sizeof(buf), .op_flags = MSG_PEEK });
	t_dirty_sqe(&sqe);
	io_uring_prep_recv_multishot(&sqe, 4, NULL, 0, 0);
	check(&sqe, { .opcode = IORING_OP_RECV, .fd = 4,
		      .ioprio = IORING_RECV_MULTISHOT });
	t_dirty_sqe(&sqe);
	io_uring_prep_recvmsg(&sqe, 5, &msg, MSG_TRUNC);
	check(&sqe, { .opcode = IORING_OP_RECVMSG, .fd = 5, .addr = P(&msg),
		      .len = 1, .op_flags = MSG_TRUNC });
	t_dirty_sqe(&sqe);
	io_uring_prep_recvmsg_multishot(&sqe, 6, &msg, MSG_CMSG_CLOEXEC);
	check(&sqe, { .opcode = IORING_OP_RECVMSG, .fd = 6, .addr = P(&msg),
		      .len = 1, .op_flags = MSG_CMSG_CLOEXEC,
		      .ioprio = IORING_RECV_MULTISHOT });
}

/* The socket-command fields sit where the kernel UAPI puts them. */
static void test_cmd_sock(void)
{
	struct io_uring_sqe sqe;
	unsigned char raw[64];
	int val;
	__u32 w;
	__u64 q;

	t_dirty_sqe(&sqe);
	io_uring_prep_cmd_sock(&sqe, SOCKET_URING_OP_SETSOCKOPT, 5,
			       SOL_SOCKET, SO_RCVBUF, &val, sizeof(val));
	ASSERT_EQ(sqe.opcode, IORING_OP_URING_CMD);
	ASSERT_EQ(sqe.flags, 0);
	ASSERT_EQ(sqe.ioprio, 0);
	ASSERT_EQ(sqe.fd, 5);
	ASSERT_EQ(sqe.cmd_op, (__u32) SOCKET_URING_OP_SETSOCKOPT);
	ASSERT_EQ(sqe.__pad1, 0);
	ASSERT_EQ(sqe.level, (__u32) SOL_SOCKET);
	ASSERT_EQ(sqe.optname, (__u32) SO_RCVBUF);
	ASSERT_EQ(sqe.len, 0);
	ASSERT_EQ(sqe.uring_cmd_flags, 0);
	ASSERT_EQ(sqe.buf_index, 0);
	ASSERT_EQ(sqe.personality, 0);
	ASSERT_EQ(sqe.optlen, sizeof(val));
	ASSERT_EQ(sqe.optval, P(&val));
	ASSERT_EQ(sqe.__pad2[0], 0);

	/* By offset, as the kernel reads them. */
	memcpy(raw, &sqe, sizeof(raw));
	memcpy(&w, raw + 8, 4);
	ASSERT_EQ(w, (__u32) SOCKET_URING_OP_SETSOCKOPT);
	memcpy(&w, raw + 16, 4);
	ASSERT_EQ(w, (__u32) SOL_SOCKET);
	memcpy(&w, raw + 20, 4);
	ASSERT_EQ(w, (__u32) SO_RCVBUF);
	memcpy(&w, raw + 44, 4);
	ASSERT_EQ(w, sizeof(val));
	memcpy(&q, raw + 48, 8);
	ASSERT_EQ(q, P(&val));

	/* Negative values survive as their 32-bit patterns. */
	t_dirty_sqe(&sqe);
	io_uring_prep_cmd_sock(&sqe, SOCKET_URING_OP_SIOCINQ, 6, -1, -2, NULL,
			       0);
	ASSERT_EQ(sqe.cmd_op, (__u32) SOCKET_URING_OP_SIOCINQ);
	ASSERT_EQ(sqe.level, 0xffffffffu);
	ASSERT_EQ(sqe.optname, 0xfffffffeu);
	ASSERT_EQ(sqe.optlen, 0);
	ASSERT_EQ(sqe.optval, 0);
	ASSERT_EQ(sqe.rw_flags, 0);
	ASSERT_EQ(sqe.len, 0);
}

/*
 * A multishot recvmsg buffer built by hand: header, a 16-byte name area
 * holding 16 bytes, a control area holding two messages, then 5 payload
 * bytes.
 */
static void test_recvmsg_out(void)
{
	union {
		unsigned char b[256];
		struct io_uring_recvmsg_out o;
	} u;
	struct msghdr msgh;
	struct io_uring_recvmsg_out *o;
	struct cmsghdr *c1, *c2, *c;
	size_t ctl = CMSG_SPACE(sizeof(int)) + CMSG_SPACE(3);
	size_t name_len = sizeof(struct sockaddr_in);
	unsigned char *name, *control, *payload;
	int res, v = 42;

	memset(&u, 0, sizeof(u));
	memset(&msgh, 0, sizeof(msgh));
	msgh.msg_namelen = (socklen_t) name_len;
	msgh.msg_controllen = ctl;
	res = (int) (sizeof(*o) + name_len + ctl + 5);

	name = u.b + sizeof(*o);
	control = name + name_len;
	payload = control + ctl;
	memset(name, 0xab, name_len);
	c1 = (struct cmsghdr *) (void *) control;
	c1->cmsg_len = CMSG_LEN(sizeof(int));
	c1->cmsg_level = SOL_SOCKET;
	c1->cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(c1), &v, sizeof(v));
	c2 = (struct cmsghdr *) (void *) (control + CMSG_SPACE(sizeof(int)));
	c2->cmsg_len = CMSG_LEN(3);
	c2->cmsg_level = IPPROTO_IP;
	c2->cmsg_type = 77;
	memcpy(payload, "hello", 5);
	u.o.namelen = (__u32) name_len;
	u.o.controllen = (__u32) ctl;
	u.o.payloadlen = 5;

	/* Too short for header plus areas: rejected. */
	ASSERT_NULL(io_uring_recvmsg_validate(u.b, (int) (sizeof(*o) + name_len +
							  ctl - 1), &msgh));
	ASSERT_NULL(io_uring_recvmsg_validate(u.b, -1, &msgh));
	o = io_uring_recvmsg_validate(u.b, (int) (sizeof(*o) + name_len + ctl),
				      &msgh);
	ASSERT(o == &u.o);
	o = io_uring_recvmsg_validate(u.b, res, &msgh);
	ASSERT(o == &u.o);

	ASSERT(io_uring_recvmsg_name(o) == (void *) name);
	ASSERT(io_uring_recvmsg_payload(o, &msgh) == (void *) payload);
	ASSERT_EQ(io_uring_recvmsg_payload_length(o, res, &msgh), 5u);
	ASSERT_MEM_EQ(io_uring_recvmsg_payload(o, &msgh), "hello", 5);

	c = io_uring_recvmsg_cmsg_firsthdr(o, &msgh);
	ASSERT(c == c1);
	c = io_uring_recvmsg_cmsg_nexthdr(o, &msgh, c);
	ASSERT(c == c2);
	ASSERT_EQ(c->cmsg_type, 77);
	ASSERT_NULL(io_uring_recvmsg_cmsg_nexthdr(o, &msgh, c));

	/* Only the first message was written: iteration stops after it. */
	o->controllen = (__u32) CMSG_SPACE(sizeof(int));
	c = io_uring_recvmsg_cmsg_firsthdr(o, &msgh);
	ASSERT(c == c1);
	ASSERT_NULL(io_uring_recvmsg_cmsg_nexthdr(o, &msgh, c));
	/* No control data at all. */
	o->controllen = 0;
	ASSERT_NULL(io_uring_recvmsg_cmsg_firsthdr(o, &msgh));
	/* A header whose length claims more than the area holds. */
	o->controllen = (__u32) ctl;
	c2->cmsg_len = ctl;
	ASSERT_NULL(io_uring_recvmsg_cmsg_nexthdr(o, &msgh, c1));
	/* A corrupt length below the header size ends iteration. */
	c1->cmsg_len = 2;
	ASSERT_NULL(io_uring_recvmsg_cmsg_nexthdr(o, &msgh, c1));
}

int main(void)
{
	test_socket_setup();
	test_send();
	test_recv();
	test_cmd_sock();
	test_recvmsg_out();
	return T_EXIT_PASS;
}
