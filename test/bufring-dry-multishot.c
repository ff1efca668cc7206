/* SPDX-License-Identifier: MIT */
/*
 * Multishot recv on a provided-buffer ring that runs dry (mission.md,
 * point 2), measured on the running kernel and printed:
 *  1. empty ring, no data, no POLL_FIRST: the request ends at once with
 *     -ENOBUFS and no IORING_CQE_F_MORE;
 *  2. empty ring with IORING_RECVSEND_POLL_FIRST: it waits for data, then
 *     ends with -ENOBUFS; the datagram stays queued in the socket;
 *  3. POLL_FIRST on a dry ring, buffers recycled while it waits: the data
 *     lands in one of them and the request stays armed.
 * Then the recovery path with uringkit_bufring: 200 UDP datagrams on
 * loopback (large SO_RCVBUF, so they wait in the socket while the ring is
 * dry) drain an 8-buffer ring over and over; every time the multishot
 * request ends with -ENOBUFS (uringkit_bufring_cqe_state() says
 * ENDED_NOBUFS) the buffers are recycled and the request re-armed, and in
 * the end every datagram has arrived exactly once, in order, intact.
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

#define BGID_EMPTY	11
#define BGID		12
#define NR_BUFS		8
#define BUF_SIZE	256
#define NR_DGRAMS	203	/* not a multiple of NR_BUFS: see below */
#define UD_RECV		0x5e5e
#define UD_CANCEL	0xca
/* Room for every datagram while the ring is dry. */
#define RCVBUF		(8 << 20)

static struct io_uring ring;

/* A buffer-select recv; multishot and POLL_FIRST as asked. */
static void queue_recv(int fd, int bgid, bool multishot, bool poll_first)
{
	struct io_uring_sqe *sqe = t_get_sqe(&ring);

	io_uring_prep_rw(IORING_OP_RECV, sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = (__u16) bgid;
	if (multishot)
		sqe->ioprio |= IORING_RECV_MULTISHOT;
	if (poll_first)
		sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
	io_uring_sqe_set_data64(sqe, UD_RECV);
}

/*
 * Measure one case on an empty ring. Returns true if the request
 * completed before any data was sent, false if it waited for data.
 */
static bool measure(bool poll_first)
{
	struct io_uring_cqe *cqe;
	char buf[16];
	bool at_once;
	int tx, rx, res;
	unsigned flags;

	t_udp_pair(&tx, &rx, RCVBUF);
	queue_recv(rx, BGID_EMPTY, true, poll_first);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe_ms(&ring, 300);
	at_once = cqe != NULL;
	if (!cqe) {
		ASSERT_EQ(send(tx, "probe", 5, 0), 5);
		cqe = t_wait_cqe_ms(&ring, 5000);
		if (!cqe)
			t_fail("multishot recv (POLL_FIRST=%d) did not complete "
			       "after data arrived", poll_first);
	}
	ASSERT_EQ(cqe->user_data, UD_RECV);
	res = cqe->res;
	flags = cqe->flags;
	io_uring_cqe_seen(&ring, cqe);
	if (res == -EINVAL)
		t_skip("kernel lacks multishot recv (IORING_RECV_MULTISHOT)");

	printf("multishot recv, empty ring, %s POLL_FIRST: %s, res %d (%s), "
	       "F_MORE %s\n", poll_first ? "with" : "without",
	       at_once ? "completes at once with no data"
		       : "waits for data, then completes",
	       res, res < 0 ? strerror(-res) : "data",
	       flags & IORING_CQE_F_MORE ? "set" : "clear");

	ASSERT_EQ(res, -ENOBUFS);
	ASSERT(!(flags & IORING_CQE_F_MORE));
	ASSERT(!(flags & IORING_CQE_F_BUFFER));
	/* The request has ended: nothing more comes. */
	ASSERT_NULL(t_wait_cqe_ms(&ring, 50));
	if (!at_once) {
		/* The datagram is still in the socket. */
		ASSERT_EQ(recv(rx, buf, sizeof(buf), MSG_DONTWAIT), 5);
		ASSERT_MEM_EQ(buf, "probe", 5);
	}
	close(tx);
	close(rx);
	return at_once;
}

/*
 * With POLL_FIRST the buffer is picked when data arrives: buffers
 * recycled while the request waits on a dry ring keep it alive.
 */
static void poll_first_rescue(void)
{
	struct uringkit_bufring *br;
	struct io_uring_cqe *cqe;
	unsigned held[NR_BUFS], nheld = 0, bid, len;
	bool got_end = false, got_cancel = false;
	void *buf;
	int tx, rx, err;

	br = uringkit_bufring_create(&ring, BGID, NR_BUFS, BUF_SIZE, 0, &err);
	ASSERT_NOT_NULL(br);
	t_udp_pair(&tx, &rx, RCVBUF);

	/* Run the ring dry with a multishot recv: NR_BUFS datagrams. */
	for (unsigned i = 0; i < NR_BUFS; i++)
		ASSERT_EQ(send(tx, "drain", 5, 0), 5);
	queue_recv(rx, BGID, true, false);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	for (;;) {
		cqe = t_wait_cqe_ms(&ring, 5000);
		ASSERT_NOT_NULL(cqe);
		buf = uringkit_bufring_cqe_buf(br, cqe, &bid, NULL);
		if (buf)
			held[nheld++] = bid;
		if (uringkit_bufring_cqe_state(cqe) != URINGKIT_BUFRING_MORE) {
			ASSERT_EQ(uringkit_bufring_cqe_state(cqe),
				  URINGKIT_BUFRING_ENDED_NOBUFS);
			io_uring_cqe_seen(&ring, cqe);
			break;
		}
		io_uring_cqe_seen(&ring, cqe);
	}
	ASSERT_EQ(nheld, NR_BUFS);
	ASSERT_EQ(uringkit_bufring_available(br), 0);

	/* Re-arm with POLL_FIRST on the dry ring: it waits. */
	queue_recv(rx, BGID, true, true);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	ASSERT_NULL(t_wait_cqe_ms(&ring, 200));
	ASSERT_EQ(uringkit_bufring_recycle_n(br, held, nheld), (int) nheld);
	ASSERT_EQ(send(tx, "rescued", 7, 0), 7);
	cqe = t_wait_cqe_ms(&ring, 5000);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->res, 7);
	ASSERT_EQ(uringkit_bufring_cqe_state(cqe), URINGKIT_BUFRING_MORE);
	buf = uringkit_bufring_cqe_buf(br, cqe, &bid, &len);
	ASSERT_NOT_NULL(buf);
	ASSERT_EQ(len, 7);
	ASSERT_MEM_EQ(buf, "rescued", 7);
	io_uring_cqe_seen(&ring, cqe);
	printf("multishot recv with POLL_FIRST: buffers recycled while it "
	       "waited were used, request still armed (F_MORE)\n");

	/* Stop it. */
	{
		struct io_uring_sqe *sqe = t_get_sqe(&ring);

		io_uring_prep_cancel64(sqe, UD_RECV, 0);
		io_uring_sqe_set_data64(sqe, UD_CANCEL);
	}
	ASSERT_EQ(io_uring_submit(&ring), 1);
	while (!got_end || !got_cancel) {
		cqe = t_wait_cqe_ms(&ring, 5000);
		ASSERT_NOT_NULL(cqe);
		if (cqe->user_data == UD_CANCEL) {
			ASSERT_EQ(cqe->res, 0);
			got_cancel = true;
		} else {
			ASSERT_EQ(cqe->res, -ECANCELED);
			ASSERT_EQ(uringkit_bufring_cqe_state(cqe),
				  URINGKIT_BUFRING_ENDED);
			got_end = true;
		}
		io_uring_cqe_seen(&ring, cqe);
	}
	ASSERT_EQ(uringkit_bufring_recycle(br, bid), 0);
	ASSERT_EQ(uringkit_bufring_available(br), NR_BUFS);
	ASSERT_EQ(uringkit_bufring_free(br), 0);
	close(tx);
	close(rx);
}

/* Datagram i: a 4-byte sequence number, then t_fill(seed i) bytes. */
static size_t dgram_len(unsigned i)
{
	return 16 + (i * 37) % (BUF_SIZE - 16 + 1);
}

static void make_dgram(unsigned i, unsigned char *out)
{
	memcpy(out, &i, sizeof(i));
	t_fill(out + sizeof(i), dgram_len(i) - sizeof(i), i);
}

static void recovery(void)
{
	struct uringkit_bufring *br;
	unsigned char want[BUF_SIZE], tmp[BUF_SIZE];
	unsigned held[NR_BUFS], nheld = 0, received = 0;
	unsigned ends_nobufs = 0, more = 0, arms = 0;
	bool armed, cancelled = false, cancel_seen = false;
	bool tried_rearm_dry = false;
	int tx, rx, err;

	br = uringkit_bufring_create(&ring, BGID, NR_BUFS, BUF_SIZE, 0, &err);
	ASSERT_NOT_NULL(br);
	ASSERT_EQ(err, 0);
	ASSERT_EQ(uringkit_bufring_available(br), NR_BUFS);

	t_udp_pair(&tx, &rx, RCVBUF);
	for (unsigned i = 0; i < NR_DGRAMS; i++) {
		make_dgram(i, want);
		ASSERT_EQ(send(tx, want, dgram_len(i), 0),
			  (ssize_t) dgram_len(i));
	}

	queue_recv(rx, BGID, true, false);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	armed = true;
	arms = 1;

	while (armed || (cancelled && !cancel_seen)) {
		struct io_uring_cqe *cqe = t_wait_cqe_ms(&ring, 5000);
		enum uringkit_bufring_state st;
		unsigned bid, len;
		void *buf;

		if (!cqe)
			t_fail("stuck: %u of %d datagrams, %u buffers held",
			       received, NR_DGRAMS, nheld);
		if (cqe->user_data == UD_CANCEL) {
			ASSERT_EQ(cqe->res, 0);
			cancel_seen = true;
			io_uring_cqe_seen(&ring, cqe);
			continue;
		}
		ASSERT_EQ(cqe->user_data, UD_RECV);
		st = uringkit_bufring_cqe_state(cqe);
		buf = uringkit_bufring_cqe_buf(br, cqe, &bid, &len);
		if (buf) {
			ASSERT_GT(cqe->res, 0);
			ASSERT_EQ(len, (unsigned) cqe->res);
			ASSERT_LT(bid, NR_BUFS);
			ASSERT(buf == uringkit_bufring_buf(br, bid));
			ASSERT_LT(received, NR_DGRAMS);
			/* In order, complete, intact. */
			make_dgram(received, want);
			ASSERT_EQ(len, dgram_len(received));
			ASSERT_MEM_EQ(buf, want, len);
			received++;
			/* Keep it: the ring must run dry. */
			held[nheld++] = bid;
		}
		switch (st) {
		case URINGKIT_BUFRING_MORE:
			ASSERT_NOT_NULL(buf);
			more++;
			break;
		case URINGKIT_BUFRING_ENDED_NOBUFS:
			ASSERT_NULL(buf);
			ASSERT_EQ(cqe->res, -ENOBUFS);
			ASSERT_EQ(uringkit_bufring_available(br), 0);
			ASSERT_EQ(nheld, NR_BUFS);
			ends_nobufs++;
			if (!tried_rearm_dry) {
				/*
				 * The classic mistake: re-arm before giving
				 * buffers back. It ends again, at once, and
				 * loses nothing.
				 */
				tried_rearm_dry = true;
				io_uring_cqe_seen(&ring, cqe);
				queue_recv(rx, BGID, true, false);
				ASSERT_EQ(io_uring_submit(&ring), 1);
				cqe = t_wait_cqe_ms(&ring, 5000);
				ASSERT_NOT_NULL(cqe);
				ASSERT_EQ(uringkit_bufring_cqe_state(cqe),
					  URINGKIT_BUFRING_ENDED_NOBUFS);
				ASSERT_NULL(uringkit_bufring_cqe_buf(br, cqe,
								     NULL, NULL));
				printf("re-armed without recycling: ended "
				       "again at once with %d\n", cqe->res);
			}
			/* Recycle everything, then re-arm (unless done). */
			ASSERT_EQ(uringkit_bufring_recycle_n(br, held, nheld),
				  (int) nheld);
			nheld = 0;
			ASSERT_EQ(uringkit_bufring_available(br), NR_BUFS);
			io_uring_cqe_seen(&ring, cqe);
			if (received == NR_DGRAMS) {
				armed = false;
				continue;
			}
			queue_recv(rx, BGID, true, false);
			ASSERT_EQ(io_uring_submit(&ring), 1);
			arms++;
			continue;
		case URINGKIT_BUFRING_ENDED:
			/* Only the cancellation at the end may do this. */
			ASSERT(cancelled);
			ASSERT_EQ(cqe->res, -ECANCELED);
			ASSERT_NULL(buf);
			armed = false;
			break;
		default:
			t_fail("bad state %d", (int) st);
		}
		io_uring_cqe_seen(&ring, cqe);

		/*
		 * All here, and the ring is not dry, so the request stays
		 * armed: cancel it (NR_DGRAMS % NR_BUFS != 0 makes this the
		 * way the test ends). With a dry ring it ends by itself with
		 * -ENOBUFS, handled above.
		 */
		if (received == NR_DGRAMS && armed && !cancelled &&
		    nheld < NR_BUFS) {
			struct io_uring_sqe *sqe = t_get_sqe(&ring);

			io_uring_prep_cancel64(sqe, UD_RECV, 0);
			io_uring_sqe_set_data64(sqe, UD_CANCEL);
			ASSERT_EQ(io_uring_submit(&ring), 1);
			cancelled = true;
		}
	}

	printf("recovery: %u datagrams in %u arms, %u ends with -ENOBUFS, "
	       "%u CQEs with F_MORE, none lost\n", received, arms,
	       ends_nobufs, more);
	ASSERT_EQ(received, NR_DGRAMS);
	ASSERT_GE(ends_nobufs, NR_DGRAMS / NR_BUFS - 1);
	ASSERT_EQ(arms, ends_nobufs + 1);
	/* The socket is empty: nothing was left behind either. */
	ASSERT_EQ(recv(rx, tmp, sizeof(tmp), MSG_DONTWAIT), -1);
	ASSERT(cancelled && cancel_seen);
	ASSERT_EQ(uringkit_bufring_recycle_n(br, held, nheld), (int) nheld);
	ASSERT_EQ(uringkit_bufring_available(br), NR_BUFS);
	ASSERT_EQ(uringkit_bufring_free(br), 0);
	close(tx);
	close(rx);
}

int main(void)
{
	struct io_uring_buf_ring *empty;
	int err;

	t_ring_init(&ring, 16, NULL);
	empty = io_uring_setup_buf_ring(&ring, 8, BGID_EMPTY, 0, &err);
	if (!empty && err == -EINVAL)
		t_skip("kernel lacks provided-buffer rings");
	ASSERT_NOT_NULL(empty);

	/* Both cases are documented behaviour since multishot recv exists. */
	ASSERT(measure(false));
	ASSERT(!measure(true));

	ASSERT_EQ(io_uring_free_buf_ring(&ring, empty, 8, BGID_EMPTY), 0);

	poll_first_rescue();
	recovery();
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
