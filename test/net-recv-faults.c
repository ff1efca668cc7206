/* SPDX-License-Identifier: MIT */
/*
 * Faults under a hands-off receive, each ending cleanly: the error is
 * reported once, by the receive's last CQE, no buffer is lost or given
 * back twice (every one is back with the kernel afterwards), and the ring
 * still works (a NOP round trip, a new buffer ring, a new receive).
 *   - the peer resets the connection mid-stream;
 *   - the socket is closed while its receive is parked;
 *   - the buffer ring is freed while one receive is armed and one parked;
 *   - stop on an armed and on a parked receive.
 */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include "net.h"
#include "test.h"
#include <uringkit/recv.h>

#define NR	4
#define SZ	256

/* Every receive of the test, by user_data, so CQEs reach their owner. */
static struct uringkit_recv *by_ud[8];

struct held {
	struct uringkit_pieces p[NR];
	unsigned int n;
};

static void give_back_all(struct held *h)
{
	while (h->n)
		ASSERT_GE(uringkit_pieces_give_back(&h->p[--h->n]), 0);
}

/*
 * Process CQEs of rv until it ends or parks (no CQE for 50 ms), holding
 * pieces in h and checking the data against the stream at *off. Returns
 * the end (0 if none came).
 */
static int pump(struct io_uring *ring, struct uringkit_recv *rv,
		struct held *h, size_t *off, unsigned seed)
{
	struct uringkit_recv_event ev;
	struct io_uring_cqe *cqe;
	unsigned int len;
	void *p;

	for (;;) {
		ASSERT_GE(io_uring_submit(ring), 0);
		cqe = t_wait_cqe_ms(ring, 50);
		if (!cqe)
			return 0;
		ASSERT_LT(cqe->user_data, 8ull);
		if (by_ud[cqe->user_data] != rv) {
			/* Another receive's: it may only park (ring dry). */
			ASSERT_EQ(uringkit_recv_complete(by_ud[cqe->user_data],
							 cqe, &ev), 0);
			io_uring_cqe_seen(ring, cqe);
			continue;
		}
		if (uringkit_recv_complete(rv, cqe, &ev) != 1) {
			io_uring_cqe_seen(ring, cqe);
			continue;
		}
		io_uring_cqe_seen(ring, cqe);
		while ((p = uringkit_pieces_next(&ev.pieces, &len)) != NULL) {
			ASSERT_EQ(t_check_fill(p, len, *off, seed), (size_t) len);
			*off += len;
		}
		if (ev.pieces.nr) {
			ASSERT_LT(h->n, NR);
			h->p[h->n++] = ev.pieces;
		}
		if (ev.end)
			return ev.end;
	}
}

static void ring_still_works(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_nop(sqe);
	sqe->user_data = 4242;
	ASSERT_EQ(t_submit_one_ud(ring, 4242), 0);
}

static void ended_for_good(struct io_uring *ring, struct uringkit_recv *rv,
			   struct uringkit_bufring *br)
{
	struct io_uring_cqe fake = { 0 };
	struct uringkit_recv_event ev;

	t_assert_idle(ring);
	for (fake.user_data = 0; by_ud[fake.user_data] != rv; fake.user_data++)
		;
	/* The end was reported once: the receive takes no more CQEs. */
	ASSERT_EQ(uringkit_recv_complete(rv, &fake, &ev), -EINVAL);
	if (br)
		ASSERT_EQ(uringkit_bufring_available(br), NR);
	ASSERT_EQ(uringkit_recv_free(rv), 0);
	ring_still_works(ring);
}

static void peer_reset(struct io_uring *ring)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	unsigned char data[3 * NR * SZ];
	struct uringkit_bufring *br;
	struct uringkit_recv *rv;
	struct held h = { .n = 0 };
	size_t off = 0;
	int fds[2], err, end;

	br = uringkit_bufring_create(ring, 1, NR, SZ, 0, &err);
	ASSERT_NOT_NULL(br);
	t_tcp_pair(fds);
	rv = uringkit_recv_create(ring, br, fds[1], 0, NULL, 1, &err);
	by_ud[1] = rv;
	ASSERT_NOT_NULL(rv);
	ASSERT_EQ(uringkit_recv_arm(rv), 0);
	t_fill(data, sizeof(data), 21);
	/* More than the ring holds: the receive parks with data queued. */
	ASSERT_EQ(write(fds[0], data, sizeof(data)), (ssize_t) sizeof(data));
	ASSERT_EQ(pump(ring, rv, &h, &off, 21), 0);
	ASSERT_EQ(off, (size_t) NR * SZ);
	/* The peer resets; then the buffers come back and re-arm it. */
	ASSERT_EQ(setsockopt(fds[0], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)),
		  0);
	close(fds[0]);
	usleep(10000);
	for (end = 0; !end; ) {
		give_back_all(&h);
		end = pump(ring, rv, &h, &off, 21);
	}
	give_back_all(&h);
	/* What came is a prefix of what was sent (checked in pump). */
	fprintf(stderr, "reset: %zu of %zu bytes before the error\n", off,
		sizeof(data));
	ASSERT_LE(off, sizeof(data));
	ASSERT_EQ(end, -ECONNRESET);
	ended_for_good(ring, rv, br);
	ASSERT_EQ(uringkit_bufring_free(br), 0);
	close(fds[1]);
}

static void closed_while_parked(struct io_uring *ring)
{
	unsigned char data[2 * NR * SZ];
	struct uringkit_bufring *br;
	struct uringkit_recv *rv;
	struct uringkit_recv_stats st;
	struct held h = { .n = 0 };
	size_t off = 0;
	int fds[2], err;

	br = uringkit_bufring_create(ring, 1, NR, SZ, 0, &err);
	ASSERT_NOT_NULL(br);
	t_tcp_pair(fds);
	rv = uringkit_recv_create(ring, br, fds[1], 0, NULL, 2, &err);
	by_ud[2] = rv;
	ASSERT_NOT_NULL(rv);
	ASSERT_EQ(uringkit_recv_arm(rv), 0);
	t_fill(data, sizeof(data), 22);
	ASSERT_EQ(write(fds[0], data, sizeof(data)), (ssize_t) sizeof(data));
	ASSERT_EQ(pump(ring, rv, &h, &off, 22), 0);
	uringkit_recv_get_stats(rv, &st);
	ASSERT_EQ(st.parks, 1ul);
	/* A parked receive cannot be freed: a CQE may still come. */
	ASSERT_EQ(uringkit_recv_free(rv), -EBUSY);
	close(fds[1]);
	/* The recycle re-arms it on the closed descriptor: -EBADF, once. */
	give_back_all(&h);
	ASSERT_EQ(pump(ring, rv, &h, &off, 22), -EBADF);
	ASSERT_EQ(h.n, 0u);
	ended_for_good(ring, rv, br);
	ASSERT_EQ(uringkit_bufring_free(br), 0);
	close(fds[0]);
}

/* Free br with receives bound; each must end -ECANCELED, once. */
static void free_and_expect_ends(struct io_uring *ring,
				 struct uringkit_bufring *br,
				 struct uringkit_recv **rvs, unsigned int n)
{
	struct uringkit_recv_event ev;
	struct io_uring_cqe *cqe;
	unsigned int ends = 0;

	ASSERT_EQ(uringkit_bufring_free(br), 0);
	while (ends < n) {
		cqe = t_wait_cqe_within(ring, 2000);
		ASSERT_LT(cqe->user_data, 8ull);
		if (uringkit_recv_complete(by_ud[cqe->user_data], cqe,
					   &ev) == 1) {
			/* Data of a freed ring is never handed out. */
			ASSERT_EQ(ev.pieces.nr, 0u);
			ASSERT_EQ(ev.end, -ECANCELED);
			ends++;
		}
		io_uring_cqe_seen(ring, cqe);
	}
	for (unsigned int i = 0; i < n; i++) {
		ASSERT_EQ(uringkit_recv_arm(rvs[i]), -ENXIO);
		ended_for_good(ring, rvs[i], NULL);
	}
}

static void ring_freed_in_flight(struct io_uring *ring)
{
	unsigned char data[3 * NR * SZ];
	struct uringkit_bufring *br;
	struct uringkit_recv *rv[2];
	struct uringkit_recv_stats st;
	struct held h = { .n = 0 };
	size_t off = 0;
	int a[2], b[2], err;

	t_fill(data, sizeof(data), 23);
	t_tcp_pair(a);
	t_tcp_pair(b);

	/* Two armed receives, one holding data, one waiting for some. */
	br = uringkit_bufring_create(ring, 1, NR, SZ, 0, &err);
	ASSERT_NOT_NULL(br);
	rv[0] = uringkit_recv_create(ring, br, a[1], 0, NULL, 3, &err);
	by_ud[3] = rv[0];
	rv[1] = uringkit_recv_create(ring, br, b[1], 0, NULL, 4, &err);
	by_ud[4] = rv[1];
	ASSERT_EQ(uringkit_recv_arm(rv[0]), 0);
	ASSERT_EQ(uringkit_recv_arm(rv[1]), 0);
	ASSERT_EQ(write(a[0], data, 2 * SZ), 2 * SZ);
	ASSERT_EQ(pump(ring, rv[0], &h, &off, 23), 0);
	ASSERT_EQ(off, 2u * SZ);
	for (unsigned int i = 0; i < 2; i++) {
		uringkit_recv_get_stats(rv[i], &st);
		ASSERT_EQ(st.parks, 0ul);
	}
	/* The held pieces die with the ring: never touch them again. */
	h.n = 0;
	free_and_expect_ends(ring, br, rv, 2);

	/* A parked receive (the ring ran dry with data still queued). */
	br = uringkit_bufring_create(ring, 1, NR, SZ, 0, &err);
	ASSERT_NOT_NULL(br);
	rv[0] = uringkit_recv_create(ring, br, a[1], 0, NULL, 5, &err);
	by_ud[5] = rv[0];
	ASSERT_EQ(uringkit_recv_arm(rv[0]), 0);
	ASSERT_EQ(write(a[0], data + 2 * SZ, sizeof(data) - 2 * SZ),
		  (ssize_t) sizeof(data) - 2 * SZ);
	ASSERT_EQ(pump(ring, rv[0], &h, &off, 23), 0);
	ASSERT_EQ(off, (2u + NR) * SZ);
	uringkit_recv_get_stats(rv[0], &st);
	ASSERT_EQ(st.parks, 1ul);
	h.n = 0;
	free_and_expect_ends(ring, br, rv, 1);

	/* Nothing was lost: a new ring and receive get the rest in order. */
	br = uringkit_bufring_create(ring, 1, NR, SZ, 0, &err);
	ASSERT_NOT_NULL(br);
	rv[0] = uringkit_recv_create(ring, br, a[1], 0, NULL, 7, &err);
	by_ud[7] = rv[0];
	ASSERT_EQ(uringkit_recv_arm(rv[0]), 0);
	while (off < sizeof(data)) {
		ASSERT_EQ(pump(ring, rv[0], &h, &off, 23), 0);
		give_back_all(&h);
	}
	ASSERT_EQ(off, sizeof(data));
	ASSERT_EQ(uringkit_recv_stop(rv[0]), 0);
	ASSERT_EQ(uringkit_recv_stop(rv[0]), -EALREADY);
	ASSERT_EQ(pump(ring, rv[0], &h, &off, 23), -ECANCELED);
	ended_for_good(ring, rv[0], br);
	ASSERT_EQ(uringkit_bufring_free(br), 0);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static void stop_parked(struct io_uring *ring)
{
	unsigned char data[2 * NR * SZ];
	struct uringkit_bufring *br;
	struct uringkit_recv *rv;
	struct held h = { .n = 0 };
	size_t off = 0;
	int fds[2], err;

	br = uringkit_bufring_create(ring, 1, NR, SZ, 0, &err);
	ASSERT_NOT_NULL(br);
	t_tcp_pair(fds);
	rv = uringkit_recv_create(ring, br, fds[1], 0, NULL, 6, &err);
	by_ud[6] = rv;
	ASSERT_NOT_NULL(rv);
	ASSERT_EQ(uringkit_recv_arm(rv), 0);
	t_fill(data, sizeof(data), 24);
	ASSERT_EQ(write(fds[0], data, sizeof(data)), (ssize_t) sizeof(data));
	ASSERT_EQ(pump(ring, rv, &h, &off, 24), 0);
	ASSERT_EQ(uringkit_recv_stop(rv), 0);
	/* Stopped: giving the buffers back re-arms nothing. */
	give_back_all(&h);
	ASSERT_EQ(pump(ring, rv, &h, &off, 24), -ECANCELED);
	ASSERT_EQ(off, (size_t) NR * SZ);
	ended_for_good(ring, rv, br);
	/* Started again, it picks the stream up where it stopped. */
	rv = uringkit_recv_create(ring, br, fds[1], 0, NULL, 6, &err);
	by_ud[6] = rv;
	ASSERT_NOT_NULL(rv);
	ASSERT_EQ(uringkit_recv_arm(rv), 0);
	ASSERT_EQ(pump(ring, rv, &h, &off, 24), 0);
	ASSERT_EQ(off, sizeof(data));
	give_back_all(&h);
	close(fds[0]);
	ASSERT_EQ(pump(ring, rv, &h, &off, 24), URINGKIT_RECV_EOF);
	ended_for_good(ring, rv, br);
	ASSERT_EQ(uringkit_bufring_free(br), 0);
	close(fds[1]);
}

int main(void)
{
	struct io_uring ring;

	t_ring_init(&ring, 16, NULL);
	peer_reset(&ring);
	closed_while_parked(&ring);
	ring_freed_in_flight(&ring);
	stop_parked(&ring);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
