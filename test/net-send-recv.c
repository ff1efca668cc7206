/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_send, _recv, _sendto and _send_set_addr over TCP and UDP
 * on 127.0.0.1: the bytes received are the bytes sent, a datagram sent
 * with an address reaches that address (and comes from the sender's), a
 * send without one on an unconnected UDP socket fails, MSG_* flags are
 * honoured (MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, MSG_TRUNC).
 * io_uring_prep_recv_multishot with a provided-buffer ring (filled with
 * io_uring_buf_ring_add): one CQE per chunk with IORING_CQE_F_MORE and
 * IORING_CQE_F_BUFFER, each buffer id holding exactly its chunk, data bigger
 * than a buffer split over consecutive buffers, -ENOBUFS without MORE once
 * the ring is empty, and a final res 0 without MORE at end of stream.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"
#include "net.h"

#define BGID		7
#define NR_BUFS		8
#define BUF_SIZE	64

static int do_send(struct io_uring *ring, int fd, const void *buf,
		   size_t len, int flags)
{
	io_uring_prep_send(t_get_sqe(ring), fd, buf, len, flags);
	return t_submit_one(ring);
}

static int do_recv(struct io_uring *ring, int fd, void *buf, size_t len,
		   int flags)
{
	io_uring_prep_recv(t_get_sqe(ring), fd, buf, len, flags);
	return t_submit_one(ring);
}

static void test_tcp(struct io_uring *ring)
{
	static char out[100000], in[100000];
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	char small[16];
	int fds[2], ret;

	t_tcp_pair(fds);
	t_fill(out, sizeof(out), 3);

	/* A short message, peeked, then read. */
	ASSERT_EQ(do_send(ring, fds[0], out, 100, 0), 100);
	ASSERT_EQ(do_recv(ring, fds[1], small, sizeof(small), MSG_PEEK), 16);
	ASSERT_MEM_EQ(small, out, 16);
	ASSERT_EQ(do_recv(ring, fds[1], in, sizeof(in), 0), 100);
	ASSERT_MEM_EQ(in, out, 100);

	/* Nothing queued: MSG_DONTWAIT completes at once with -EAGAIN. */
	ASSERT_EQ(do_recv(ring, fds[1], in, sizeof(in), MSG_DONTWAIT),
		  -EAGAIN);

	/* A big send through the ring, read back with read(2). */
	ASSERT_EQ(do_send(ring, fds[0], out, 60000, MSG_WAITALL), 60000);
	for (size_t got = 0; got < 60000;) {
		ssize_t r = read(fds[1], in + got, 60000 - got);

		ASSERT_GT(r, 0);
		got += (size_t) r;
	}
	ASSERT_MEM_EQ(in, out, 60000);

	/*
	 * A receive armed before the data arrives waits for it; MSG_WAITALL
	 * makes it wait for all of it, though it is written in four pieces.
	 */
	memset(in, 0, sizeof(in));
	sqe = t_get_sqe(ring);
	io_uring_prep_recv(sqe, fds[1], in, sizeof(in), MSG_WAITALL);
	io_uring_sqe_set_data64(sqe, 1);
	ASSERT_EQ(io_uring_submit(ring), 1);
	for (size_t off = 0; off < sizeof(out); off += 25000) {
		usleep(1000);
		ASSERT_EQ(write(fds[0], out + off, 25000), 25000);
	}
	cqe = t_wait_cqe_within(ring, 5000);
	ASSERT_EQ(cqe->user_data, 1);
	ASSERT_EQ(cqe->res, (int) sizeof(in));
	io_uring_cqe_seen(ring, cqe);
	ASSERT_MEM_EQ(in, out, sizeof(out));

	/* A send on a socket whose peer is gone. */
	close(fds[1]);
	ret = do_send(ring, fds[0], out, 10, 0);
	/* The first may still be accepted locally; a later one fails. */
	if (ret > 0) {
		usleep(10000);
		ret = do_send(ring, fds[0], out, 10, 0);
	}
	ASSERT(ret == -EPIPE || ret == -ECONNRESET);
	close(fds[0]);
}

static void check_from(int fd, const void *want, size_t len,
		       const struct sockaddr_in *src)
{
	char buf[256];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);

	ASSERT_EQ(recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *) &from,
			   &flen), (ssize_t) len);
	ASSERT_MEM_EQ(buf, want, len);
	ASSERT_EQ(from.sin_port, src->sin_port);
	ASSERT_EQ(from.sin_addr.s_addr, src->sin_addr.s_addr);
}

static void test_udp(struct io_uring *ring)
{
	struct sockaddr_in aa, ba;
	struct io_uring_sqe *sqe;
	char out[200], in[256];
	int a, b;

	a = t_udp_socket(&aa);
	b = t_udp_socket(&ba);
	t_fill(out, sizeof(out), 9);

	/* sendto: the datagram reaches b, and comes from a. */
	io_uring_prep_sendto(t_get_sqe(ring), a, out, 33, 0,
			     (struct sockaddr *) &ba, sizeof(ba));
	ASSERT_EQ(t_submit_one(ring), 33);
	check_from(b, out, 33, &aa);

	/* send + send_set_addr is the same request. */
	sqe = t_get_sqe(ring);
	io_uring_prep_send(sqe, b, out + 1, 44, 0);
	io_uring_prep_send_set_addr(sqe, (struct sockaddr *) &aa, sizeof(aa));
	ASSERT_EQ(t_submit_one(ring), 44);
	check_from(a, out + 1, 44, &ba);

	/* An unconnected UDP socket needs an address. */
	ASSERT_EQ(do_send(ring, a, out, 10, 0), -EDESTADDRREQ);
	/* A too-short address is refused. */
	io_uring_prep_sendto(t_get_sqe(ring), a, out, 10, 0,
			     (struct sockaddr *) &ba, 4);
	ASSERT_EQ(t_submit_one(ring), -EINVAL);

	/* recv through the ring: one datagram per request, boundaries kept. */
	ASSERT_EQ(sendto(a, out, 20, 0, (struct sockaddr *) &ba, sizeof(ba)),
		  20);
	ASSERT_EQ(sendto(a, out + 20, 30, 0, (struct sockaddr *) &ba,
			 sizeof(ba)), 30);
	ASSERT_EQ(do_recv(ring, b, in, sizeof(in), 0), 20);
	ASSERT_MEM_EQ(in, out, 20);
	ASSERT_EQ(do_recv(ring, b, in, sizeof(in), 0), 30);
	ASSERT_MEM_EQ(in, out + 20, 30);
	/* A datagram bigger than the buffer: MSG_TRUNC reports its size. */
	ASSERT_EQ(sendto(a, out, 200, 0, (struct sockaddr *) &ba, sizeof(ba)),
		  200);
	ASSERT_EQ(do_recv(ring, b, in, 50, MSG_TRUNC), 200);
	ASSERT_MEM_EQ(in, out, 50);

	/* Once connected, a plain send needs no address. */
	ASSERT_EQ(connect(a, (struct sockaddr *) &ba, sizeof(ba)), 0);
	ASSERT_EQ(do_send(ring, a, out + 5, 55, 0), 55);
	ASSERT_EQ(do_recv(ring, b, in, sizeof(in), 0), 55);
	ASSERT_MEM_EQ(in, out + 5, 55);
	close(a);
	close(b);
}

static char bufs[NR_BUFS][BUF_SIZE];

static void arm_multishot(struct io_uring *ring, int fd)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, 42);
	ASSERT_EQ(io_uring_submit(ring), 1);
}

/*
 * Collect len bytes of multishot CQEs: each must carry MORE and a buffer,
 * the buffer ids must run from *next_bid on, and the bytes must be want.
 */
static void expect_chunks(struct io_uring *ring, const char *want, size_t len,
			  unsigned *next_bid)
{
	size_t got = 0;

	while (got < len) {
		struct io_uring_cqe *cqe = t_wait_cqe_within(ring, 5000);
		unsigned bid;

		ASSERT_EQ(cqe->user_data, 42);
		ASSERT_GT(cqe->res, 0);
		ASSERT_NE(cqe->flags & IORING_CQE_F_MORE, 0);
		ASSERT_NE(cqe->flags & IORING_CQE_F_BUFFER, 0);
		bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		ASSERT_EQ(bid, *next_bid);
		ASSERT_LE(got + (size_t) cqe->res, len);
		ASSERT_MEM_EQ(bufs[bid], want + got, (size_t) cqe->res);
		got += (size_t) cqe->res;
		*next_bid = (bid + 1) % NR_BUFS;
		io_uring_cqe_seen(ring, cqe);
	}
}

static void test_recv_multishot(struct io_uring *ring)
{
	struct io_uring_buf_ring *br;
	struct io_uring_cqe *cqe;
	char out[400];
	unsigned next = 0;
	int fds[2], err;

	br = io_uring_setup_buf_ring(ring, NR_BUFS, BGID, 0, &err);
	if (!br) {
		if (err == -EINVAL)
			t_skip("kernel lacks provided-buffer rings (5.19)");
		t_fail("io_uring_setup_buf_ring: %d", err);
	}
	t_buf_ring_give(br, NR_BUFS, bufs, BUF_SIZE, 0, NR_BUFS);
	t_tcp_pair(fds);
	t_fill(out, sizeof(out), 5);

	arm_multishot(ring, fds[1]);
	/* Three separate messages: one CQE and one buffer each. */
	for (int k = 0; k < 3; k++) {
		ASSERT_EQ(write(fds[0], out + 10 * k, 10 + (size_t) k),
			  10 + k);
		expect_chunks(ring, out + 10 * k, 10 + (size_t) k, &next);
	}
	ASSERT_EQ(next, 3);
	/* More than a buffer holds: spread over consecutive buffers. */
	ASSERT_EQ(write(fds[0], out, 150), 150);
	expect_chunks(ring, out, 150, &next);
	ASSERT_EQ(next, 6);
	/*
	 * Two buffers left for 200 bytes: they fill up, then the request
	 * ends with -ENOBUFS and no MORE; the rest stays in the socket.
	 */
	ASSERT_EQ(write(fds[0], out + 200, 200), 200);
	expect_chunks(ring, out + 200, 2 * BUF_SIZE, &next);
	cqe = t_wait_cqe_within(ring, 5000);
	ASSERT_EQ(cqe->user_data, 42);
	ASSERT_EQ(cqe->res, -ENOBUFS);
	ASSERT_EQ(cqe->flags & IORING_CQE_F_MORE, 0);
	io_uring_cqe_seen(ring, cqe);

	/* Refill and re-arm: the leftover arrives first, in order. */
	t_buf_ring_give(br, NR_BUFS, bufs, BUF_SIZE, 0, NR_BUFS);
	ASSERT_EQ(next, 0);
	arm_multishot(ring, fds[1]);
	expect_chunks(ring, out + 200 + 2 * BUF_SIZE, 200 - 2 * BUF_SIZE,
		      &next);
	/* End of stream: res 0, no MORE. */
	ASSERT_EQ(shutdown(fds[0], SHUT_WR), 0);
	cqe = t_wait_cqe_within(ring, 5000);
	ASSERT_EQ(cqe->user_data, 42);
	ASSERT_EQ(cqe->res, 0);
	ASSERT_EQ(cqe->flags & IORING_CQE_F_MORE, 0);
	io_uring_cqe_seen(ring, cqe);

	/* Without IOSQE_BUFFER_SELECT a multishot recv is refused. */
	io_uring_prep_recv_multishot(t_get_sqe(ring), fds[1], NULL, 0, 0);
	ASSERT_EQ(t_submit_one(ring), -EINVAL);

	close(fds[0]);
	close(fds[1]);
	ASSERT_EQ(io_uring_free_buf_ring(ring, br, NR_BUFS, BGID), 0);
}

int main(void)
{
	struct io_uring ring;

	t_require_op(IORING_OP_SEND);
	t_require_op(IORING_OP_RECV);
	t_ring_init(&ring, 16, NULL);
	test_tcp(&ring);
	test_udp(&ring);
	test_recv_multishot(&ring);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
