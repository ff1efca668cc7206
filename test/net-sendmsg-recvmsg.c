/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_sendmsg and io_uring_prep_recvmsg: data gathered from
 * several iovecs arrives scattered into several others, byte for byte; an
 * SCM_RIGHTS control message carries a descriptor across an AF_UNIX socket
 * pair (the received fd reaches the same pipe); a UDP recvmsg fills in the
 * sender's address. io_uring_prep_recvmsg_multishot on UDP with a
 * provided-buffer ring, each buffer parsed with the io_uring_recvmsg_*
 * helpers: the name is the sender's address, the payload and its length are
 * the datagram's, the control messages (IP_PKTINFO and IP_TOS) are found by
 * iteration, and a datagram larger than the buffer is reported truncated.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"
#include "net.h"

#define BGID		3
#define NR_BUFS		8
#define BUF_SIZE	256

/* Three iovecs out, two in, over a stream socket pair. */
static void test_iovecs(struct io_uring *ring)
{
	char out[300], in[300];
	struct iovec ov[3] = {
		{ out, 100 }, { out + 100, 1 }, { out + 101, 199 },
	};
	struct iovec iv[2] = { { in, 7 }, { in + 7, 293 } };
	struct msghdr msg;
	int sv[2], got;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	t_fill(out, sizeof(out), 1);
	memset(in, 0, sizeof(in));

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = ov;
	msg.msg_iovlen = 3;
	io_uring_prep_sendmsg(t_get_sqe(ring), sv[0], &msg, 0);
	ASSERT_EQ(t_submit_one(ring), (int) sizeof(out));

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iv;
	msg.msg_iovlen = 2;
	got = 0;
	while (got < (int) sizeof(in)) {
		int r;

		io_uring_prep_recvmsg(t_get_sqe(ring), sv[1], &msg, 0);
		r = t_submit_one(ring);
		ASSERT_GT(r, 0);
		got += r;
		if (got < (int) sizeof(in)) {
			/* a short read: continue into the rest */
			iv[0].iov_base = in + got;
			iv[0].iov_len = sizeof(in) - (size_t) got;
			msg.msg_iovlen = 1;
		}
	}
	ASSERT_MEM_EQ(in, out, sizeof(out));

	/* A sendmsg on a socket whose peer is gone. */
	close(sv[1]);
	io_uring_prep_sendmsg(t_get_sqe(ring), sv[0], &msg, 0);
	ASSERT_EQ(t_submit_one(ring), -EPIPE);
	close(sv[0]);
}

/* SCM_RIGHTS: pass the read end of a pipe, use the received copy. */
static void test_scm_rights(struct io_uring *ring)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl_out, ctl_in;
	struct msghdr msg;
	struct cmsghdr *cmsg;
	struct iovec iov;
	char byte = 'x', rbyte = 0, pbuf[8];
	int sv[2], pfd[2], newfd;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	ASSERT_EQ(pipe(pfd), 0);

	memset(&msg, 0, sizeof(msg));
	memset(&ctl_out, 0, sizeof(ctl_out));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl_out.buf;
	msg.msg_controllen = sizeof(ctl_out.buf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &pfd[0], sizeof(int));
	io_uring_prep_sendmsg(t_get_sqe(ring), sv[0], &msg, 0);
	ASSERT_EQ(t_submit_one(ring), 1);

	memset(&msg, 0, sizeof(msg));
	memset(&ctl_in, 0, sizeof(ctl_in));
	iov.iov_base = &rbyte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl_in.buf;
	msg.msg_controllen = sizeof(ctl_in.buf);
	io_uring_prep_recvmsg(t_get_sqe(ring), sv[1], &msg, MSG_CMSG_CLOEXEC);
	ASSERT_EQ(t_submit_one(ring), 1);
	ASSERT_EQ(rbyte, 'x');
	ASSERT_EQ(msg.msg_flags & MSG_CTRUNC, 0);
	cmsg = CMSG_FIRSTHDR(&msg);
	ASSERT_NOT_NULL(cmsg);
	ASSERT_EQ(cmsg->cmsg_level, SOL_SOCKET);
	ASSERT_EQ(cmsg->cmsg_type, SCM_RIGHTS);
	ASSERT_EQ(cmsg->cmsg_len, CMSG_LEN(sizeof(int)));
	memcpy(&newfd, CMSG_DATA(cmsg), sizeof(int));
	ASSERT_GE(newfd, 0);
	ASSERT_NE(newfd, pfd[0]);
	/* MSG_CMSG_CLOEXEC reached the kernel. */
	ASSERT_NE(fcntl(newfd, F_GETFD) & FD_CLOEXEC, 0);

	/* The new descriptor is the same pipe. */
	close(pfd[0]);
	ASSERT_EQ(write(pfd[1], "pipe!", 5), 5);
	ASSERT_EQ(read(newfd, pbuf, sizeof(pbuf)), 5);
	ASSERT_MEM_EQ(pbuf, "pipe!", 5);
	close(newfd);
	close(pfd[1]);
	close(sv[0]);
	close(sv[1]);
}

/* recvmsg fills in the UDP sender's address. */
static void test_udp_name(struct io_uring *ring)
{
	struct sockaddr_in aa, ba, from;
	struct msghdr msg;
	struct iovec iov;
	char buf[64];
	int a, b;

	a = t_udp_socket(&aa);
	b = t_udp_socket(&ba);
	ASSERT_EQ(sendto(a, "datagram", 8, 0, (struct sockaddr *) &ba,
			 sizeof(ba)), 8);
	memset(&msg, 0, sizeof(msg));
	memset(&from, 0, sizeof(from));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	io_uring_prep_recvmsg(t_get_sqe(ring), b, &msg, 0);
	ASSERT_EQ(t_submit_one(ring), 8);
	ASSERT_MEM_EQ(buf, "datagram", 8);
	ASSERT_EQ(msg.msg_namelen, sizeof(from));
	ASSERT_EQ(from.sin_family, AF_INET);
	ASSERT_EQ(from.sin_port, aa.sin_port);
	ASSERT_EQ(from.sin_addr.s_addr, aa.sin_addr.s_addr);

	/* sendmsg with a destination in msg_name. */
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *) "reply";
	iov.iov_len = 5;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_name = &aa;
	msg.msg_namelen = sizeof(aa);
	io_uring_prep_sendmsg(t_get_sqe(ring), b, &msg, 0);
	ASSERT_EQ(t_submit_one(ring), 5);
	ASSERT_EQ(recv(a, buf, sizeof(buf), 0), 5);
	ASSERT_MEM_EQ(buf, "reply", 5);
	close(a);
	close(b);
}

static char bufs[NR_BUFS][BUF_SIZE];

/* Check one multishot buffer against the datagram that was sent. */
static void check_buffer(struct io_uring_cqe *cqe, struct msghdr *tmpl,
			 const struct sockaddr_in *src, const char *want,
			 size_t want_len, int tos, bool msg_trunc)
{
	struct io_uring_recvmsg_out *o;
	struct sockaddr_in name;
	struct cmsghdr *c;
	unsigned bid, room;
	bool pktinfo = false, tosmsg = false;

	ASSERT_GE(cqe->res, 0);
	ASSERT_NE(cqe->flags & IORING_CQE_F_BUFFER, 0);
	ASSERT_NE(cqe->flags & IORING_CQE_F_MORE, 0);
	bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	ASSERT_LT(bid, NR_BUFS);

	o = io_uring_recvmsg_validate(bufs[bid], cqe->res, tmpl);
	ASSERT_NOT_NULL(o);
	ASSERT(o == (void *) bufs[bid]);

	/* The name area holds the sender's address. */
	ASSERT_EQ(o->namelen, sizeof(struct sockaddr_in));
	memcpy(&name, io_uring_recvmsg_name(o), sizeof(name));
	ASSERT_EQ(name.sin_family, AF_INET);
	ASSERT_EQ(name.sin_port, src->sin_port);
	ASSERT_EQ(name.sin_addr.s_addr, src->sin_addr.s_addr);

	/* The payload, and its length in the buffer and in the datagram. */
	room = BUF_SIZE - (unsigned) (sizeof(*o) + tmpl->msg_namelen +
				      tmpl->msg_controllen);
	/*
	 * payloadlen is what recvmsg(2) returned: the full datagram with
	 * MSG_TRUNC in the request's flags, otherwise what was copied.
	 */
	if (msg_trunc || want_len <= room)
		ASSERT_EQ(o->payloadlen, want_len);
	else
		ASSERT_EQ(o->payloadlen, room);
	if (want_len <= room) {
		ASSERT_EQ(io_uring_recvmsg_payload_length(o, cqe->res, tmpl),
			  want_len);
		ASSERT_EQ(o->flags & MSG_TRUNC, 0);
	} else {
		ASSERT_EQ(io_uring_recvmsg_payload_length(o, cqe->res, tmpl),
			  room);
		ASSERT_NE(o->flags & MSG_TRUNC, 0);
	}
	ASSERT_MEM_EQ(io_uring_recvmsg_payload(o, tmpl), want,
		      io_uring_recvmsg_payload_length(o, cqe->res, tmpl));

	/* Both control messages are found, and nothing else. */
	ASSERT_GT(o->controllen, 0);
	ASSERT_LE(o->controllen, tmpl->msg_controllen);
	for (c = io_uring_recvmsg_cmsg_firsthdr(o, tmpl); c;
	     c = io_uring_recvmsg_cmsg_nexthdr(o, tmpl, c)) {
		ASSERT_EQ(c->cmsg_level, IPPROTO_IP);
		if (c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			ASSERT(!pktinfo);
			pktinfo = true;
			ASSERT_EQ(c->cmsg_len, CMSG_LEN(sizeof(pi)));
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			ASSERT_EQ(pi.ipi_addr.s_addr, htonl(INADDR_LOOPBACK));
		} else if (c->cmsg_type == IP_TOS) {
			unsigned char t;

			ASSERT(!tosmsg);
			tosmsg = true;
			memcpy(&t, CMSG_DATA(c), 1);
			ASSERT_EQ(t, tos);
		} else {
			t_fail("unexpected control message type %d",
			       c->cmsg_type);
		}
	}
	ASSERT(pktinfo);
	ASSERT(tosmsg);
}

/*
 * Cancel the armed request with this user_data (the SQE is written by
 * hand: the cancel helpers live elsewhere); its last CQE has no MORE.
 */
static void cancel(struct io_uring *ring, __u64 user_data)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_rw(IORING_OP_ASYNC_CANCEL, sqe, -1, NULL, 0, 0);
	sqe->addr = user_data;
	io_uring_sqe_set_data64(sqe, user_data + 1);
	ASSERT_EQ(io_uring_submit(ring), 1);
	for (int n = 0; n < 2; n++) {
		struct io_uring_cqe *cqe = t_wait_cqe_within(ring, 5000);

		if (cqe->user_data == user_data + 1) {
			ASSERT_EQ(cqe->res, 0);
		} else {
			ASSERT_EQ(cqe->user_data, user_data);
			ASSERT_EQ(cqe->res, -ECANCELED);
			ASSERT_EQ(cqe->flags & IORING_CQE_F_MORE, 0);
		}
		io_uring_cqe_seen(ring, cqe);
	}
}

static void test_recvmsg_multishot(struct io_uring *ring)
{
	struct io_uring_buf_ring *br;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct sockaddr_in aa, ba;
	struct msghdr tmpl;
	char out[400];
	const size_t sizes[4] = { 1, 64, 100, 400 };
	int a, b, one = 1, tos = 0x10, err;
	unsigned seen = 0;

	br = io_uring_setup_buf_ring(ring, NR_BUFS, BGID, 0, &err);
	if (!br) {
		if (err == -EINVAL)
			t_skip("kernel lacks provided-buffer rings (5.19)");
		t_fail("io_uring_setup_buf_ring: %d", err);
	}
	t_buf_ring_give(br, NR_BUFS, bufs, BUF_SIZE, 0, NR_BUFS);
	a = t_udp_socket(&aa);
	b = t_udp_socket(&ba);
	ASSERT_EQ(setsockopt(a, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)), 0);
	ASSERT_EQ(setsockopt(b, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)), 0);
	ASSERT_EQ(setsockopt(b, IPPROTO_IP, IP_RECVTOS, &one, sizeof(one)), 0);
	t_fill(out, sizeof(out), 4);

	/* The template: room for an IPv4 name and the two messages. */
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.msg_namelen = sizeof(struct sockaddr_in);
	tmpl.msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo)) +
			      CMSG_SPACE(sizeof(int));
	sqe = t_get_sqe(ring);
	io_uring_prep_recvmsg_multishot(sqe, b, &tmpl, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, 9);
	ASSERT_EQ(io_uring_submit(ring), 1);

	for (int i = 0; i < 4; i++) {
		unsigned bid;

		ASSERT_EQ(sendto(a, out, sizes[i], 0, (struct sockaddr *) &ba,
				 sizeof(ba)), (ssize_t) sizes[i]);
		cqe = t_wait_cqe_within(ring, 5000);
		ASSERT_EQ(cqe->user_data, 9);
		check_buffer(cqe, &tmpl, &aa, out, sizes[i], tos, false);
		bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		ASSERT_EQ(seen & (1u << bid), 0);
		seen |= 1u << bid;
		io_uring_cqe_seen(ring, cqe);
	}

	cancel(ring, 9);

	/* With MSG_TRUNC, payloadlen is the datagram's full size. */
	sqe = t_get_sqe(ring);
	io_uring_prep_recvmsg_multishot(sqe, b, &tmpl, MSG_TRUNC);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, 9);
	ASSERT_EQ(io_uring_submit(ring), 1);
	ASSERT_EQ(sendto(a, out, 400, 0, (struct sockaddr *) &ba, sizeof(ba)),
		  400);
	cqe = t_wait_cqe_within(ring, 5000);
	ASSERT_EQ(cqe->user_data, 9);
	check_buffer(cqe, &tmpl, &aa, out, 400, tos, true);
	io_uring_cqe_seen(ring, cqe);
	cancel(ring, 9);

	/* A template too big for the buffers fails the first receive. */
	tmpl.msg_controllen = BUF_SIZE;
	sqe = t_get_sqe(ring);
	io_uring_prep_recvmsg_multishot(sqe, b, &tmpl, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	ASSERT_EQ(sendto(a, out, 1, 0, (struct sockaddr *) &ba, sizeof(ba)), 1);
	ASSERT_EQ(t_submit_one(ring), -EFAULT);

	close(a);
	close(b);
	ASSERT_EQ(io_uring_free_buf_ring(ring, br, NR_BUFS, BGID), 0);
}

int main(void)
{
	struct io_uring ring;

	t_require_op(IORING_OP_SENDMSG);
	t_require_op(IORING_OP_RECVMSG);
	t_ring_init(&ring, 16, NULL);
	test_iovecs(&ring);
	test_scm_rights(&ring);
	test_udp_name(&ring);
	test_recvmsg_multishot(&ring);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
