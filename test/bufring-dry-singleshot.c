/* SPDX-License-Identifier: MIT */
/*
 * Single-shot recv on a provided-buffer ring that runs dry (mission.md,
 * point 2), measured on the running kernel and printed:
 *  1. empty ring, no data, no POLL_FIRST: Linux 6.18 fails the request
 *     with -ENOBUFS at once (asserted on 6.18 and later; on older kernels
 *     the test accepts "waits for data, then -ENOBUFS" and says which);
 *  2. empty ring with IORING_RECVSEND_POLL_FIRST: it waits for data, then
 *     fails with -ENOBUFS; the datagram stays queued in the socket;
 *  3. POLL_FIRST, empty ring, a buffer recycled while the request waits:
 *     the buffer is picked when the data arrives, so the request succeeds.
 * Then the recovery path with uringkit_bufring: 4 buffers, 11 datagrams,
 * one recv at a time without recycling until a recv fails with -ENOBUFS
 * (uringkit_bufring_cqe_state() says ENDED_NOBUFS), then one buffer is
 * recycled and the recv resubmitted, until every datagram has arrived in
 * order and intact.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uringkit/bufring.h>
#include "test.h"
#include "net.h"

#define BGID_EMPTY	21
#define BGID		22
#define NR_BUFS		4
#define BUF_SIZE	128
#define NR_DGRAMS	11
#define UD_RECV		0x51
#define RCVBUF		(1 << 20)

static struct io_uring ring;

static void queue_recv(int fd, int bgid, bool poll_first)
{
	struct io_uring_sqe *sqe = t_get_sqe(&ring);

	io_uring_prep_rw(IORING_OP_RECV, sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = (__u16) bgid;
	if (poll_first)
		sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
	io_uring_sqe_set_data64(sqe, UD_RECV);
}

/* One case on an empty ring; true if it completed with no data sent. */
static bool measure(bool poll_first)
{
	struct io_uring_cqe *cqe;
	char buf[16];
	bool at_once;
	int tx, rx, res;
	unsigned flags;

	t_udp_pair(&tx, &rx, RCVBUF);
	queue_recv(rx, BGID_EMPTY, poll_first);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe_ms(&ring, 300);
	at_once = cqe != NULL;
	if (!cqe) {
		ASSERT_EQ(send(tx, "probe", 5, 0), 5);
		cqe = t_wait_cqe_ms(&ring, 5000);
		if (!cqe)
			t_fail("recv (POLL_FIRST=%d) did not complete after "
			       "data arrived", poll_first);
	}
	ASSERT_EQ(cqe->user_data, UD_RECV);
	res = cqe->res;
	flags = cqe->flags;
	io_uring_cqe_seen(&ring, cqe);

	printf("single-shot recv, empty ring, %s POLL_FIRST: %s, res %d (%s)\n",
	       poll_first ? "with" : "without",
	       at_once ? "fails at once with no data"
		       : "waits for data, then completes",
	       res, res < 0 ? strerror(-res) : "data");

	ASSERT_EQ(res, -ENOBUFS);
	ASSERT(!(flags & IORING_CQE_F_BUFFER));
	ASSERT(!(flags & IORING_CQE_F_MORE));
	if (!at_once) {
		ASSERT_EQ(recv(rx, buf, sizeof(buf), MSG_DONTWAIT), 5);
		ASSERT_MEM_EQ(buf, "probe", 5);
	}
	close(tx);
	close(rx);
	return at_once;
}

/* POLL_FIRST picks the buffer when data arrives, not when submitted. */
static void recycle_while_waiting(void)
{
	struct uringkit_bufring *br;
	struct io_uring_cqe *cqe;
	unsigned bid, len, first;
	char tmp[BUF_SIZE];
	void *buf;
	int tx, rx, err;

	br = uringkit_bufring_create(&ring, BGID, NR_BUFS, BUF_SIZE, 0, &err);
	ASSERT_NOT_NULL(br);
	t_udp_pair(&tx, &rx, RCVBUF);

	/* Drain the ring: NR_BUFS datagrams, NR_BUFS recvs. */
	for (unsigned i = 0; i < NR_BUFS; i++) {
		ASSERT_EQ(send(tx, "drain", 5, 0), 5);
		queue_recv(rx, BGID, false);
		ASSERT_EQ(io_uring_submit(&ring), 1);
		cqe = t_wait_cqe(&ring);
		ASSERT_EQ(cqe->res, 5);
		ASSERT_NOT_NULL(uringkit_bufring_cqe_buf(br, cqe, &bid, NULL));
		ASSERT_EQ(uringkit_bufring_cqe_state(cqe),
			  URINGKIT_BUFRING_ENDED);
		io_uring_cqe_seen(&ring, cqe);
	}
	ASSERT_EQ(uringkit_bufring_available(br), 0);
	first = bid;

	queue_recv(rx, BGID, true);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	ASSERT_NULL(t_wait_cqe_ms(&ring, 200));		/* waiting for data */
	ASSERT_EQ(uringkit_bufring_recycle(br, first), 0);
	ASSERT_EQ(send(tx, "rescued", 7, 0), 7);
	cqe = t_wait_cqe_ms(&ring, 5000);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->res, 7);
	buf = uringkit_bufring_cqe_buf(br, cqe, &bid, &len);
	ASSERT_NOT_NULL(buf);
	ASSERT_EQ(bid, first);
	ASSERT_EQ(len, 7);
	ASSERT_MEM_EQ(buf, "rescued", 7);
	io_uring_cqe_seen(&ring, cqe);
	printf("single-shot recv with POLL_FIRST: a buffer recycled while it "
	       "waited was used when the data came\n");

	ASSERT_EQ(recv(rx, tmp, sizeof(tmp), MSG_DONTWAIT), -1);
	ASSERT_EQ(uringkit_bufring_free(br), 0);
	close(tx);
	close(rx);
}

static size_t dgram_len(unsigned i)
{
	return 8 + (i * 29) % (BUF_SIZE - 8 + 1);
}

static void make_dgram(unsigned i, unsigned char *out)
{
	memcpy(out, &i, sizeof(i));
	t_fill(out + sizeof(i), dgram_len(i) - sizeof(i), i + 100);
}

static void recovery(bool poll_first)
{
	struct uringkit_bufring *br;
	unsigned char want[BUF_SIZE];
	unsigned held[NR_BUFS], nheld = 0, received = 0, nobufs = 0;
	int tx, rx, err;

	br = uringkit_bufring_create(&ring, BGID, NR_BUFS, BUF_SIZE, 0, &err);
	ASSERT_NOT_NULL(br);
	t_udp_pair(&tx, &rx, RCVBUF);
	for (unsigned i = 0; i < NR_DGRAMS; i++) {
		make_dgram(i, want);
		ASSERT_EQ(send(tx, want, dgram_len(i), 0),
			  (ssize_t) dgram_len(i));
	}

	while (received < NR_DGRAMS) {
		struct io_uring_cqe *cqe;
		unsigned bid, len;
		void *buf;

		queue_recv(rx, BGID, poll_first);
		ASSERT_EQ(io_uring_submit(&ring), 1);
		cqe = t_wait_cqe_ms(&ring, 5000);
		ASSERT_NOT_NULL(cqe);
		buf = uringkit_bufring_cqe_buf(br, cqe, &bid, &len);
		switch (uringkit_bufring_cqe_state(cqe)) {
		case URINGKIT_BUFRING_ENDED_NOBUFS:
			/* Dry: exactly when we hold every buffer. */
			ASSERT_NULL(buf);
			ASSERT_EQ(nheld, NR_BUFS);
			ASSERT_EQ(uringkit_bufring_available(br), 0);
			nobufs++;
			/* Give back the oldest one, then try again. */
			ASSERT_EQ(uringkit_bufring_recycle(br, held[0]), 0);
			ASSERT_EQ(uringkit_bufring_recycle(br, held[0]),
				  -EALREADY);
			memmove(held, held + 1, --nheld * sizeof(held[0]));
			break;
		case URINGKIT_BUFRING_ENDED:
			ASSERT_NOT_NULL(buf);
			make_dgram(received, want);
			ASSERT_EQ(len, dgram_len(received));
			ASSERT_MEM_EQ(buf, want, len);
			received++;
			ASSERT_LT(nheld, NR_BUFS);
			held[nheld++] = bid;
			break;
		default:
			t_fail("single-shot CQE with F_MORE: flags 0x%x",
			       cqe->flags);
		}
		io_uring_cqe_seen(&ring, cqe);
	}
	printf("recovery (%s POLL_FIRST): %u datagrams, %u recvs failed with "
	       "-ENOBUFS and were resubmitted after a recycle, none lost\n",
	       poll_first ? "with" : "without", received, nobufs);
	/* The first NR_BUFS fit, then every further one needed a recycle. */
	ASSERT_EQ(nobufs, NR_DGRAMS - NR_BUFS);
	ASSERT_EQ(uringkit_bufring_recycle_n(br, held, nheld), (int) nheld);
	ASSERT_EQ(uringkit_bufring_available(br), NR_BUFS);
	ASSERT_EQ(uringkit_bufring_free(br), 0);
	close(tx);
	close(rx);
}

int main(void)
{
	struct io_uring_buf_ring *empty;
	bool at_once;
	int err;

	t_ring_init(&ring, 16, NULL);
	empty = io_uring_setup_buf_ring(&ring, 8, BGID_EMPTY, 0, &err);
	if (!empty && err == -EINVAL)
		t_skip("kernel lacks provided-buffer rings");
	ASSERT_NOT_NULL(empty);

	at_once = measure(false);
	/* Measured on Linux 6.18 (mission.md): no wait without POLL_FIRST. */
	if (t_kernel_at_least(6, 18, false))
		ASSERT(at_once);
	/* POLL_FIRST means exactly that: wait for data before anything. */
	ASSERT(!measure(true));
	ASSERT_EQ(io_uring_free_buf_ring(&ring, empty, 8, BGID_EMPTY), 0);

	recycle_while_waiting();
	recovery(false);
	recovery(true);

	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
