/* SPDX-License-Identifier: MIT */
/*
 * <uringkit/recv.h> against bad input: every misuse gets its negative
 * errno and changes nothing; decoding pieces from hand-made CQEs (no
 * buffer, a bid out of range, a length no bundle can have, a CQE decoded
 * twice, a bundle through slots the kernel cannot have taken); pieces
 * given back twice, or after a buffer of theirs was recycled outright and
 * handed out again. And the re-arm itself: nothing is queued while a receive
 * is parked, and the recycle that gives a buffer back queues its SQE.
 */
#include <unistd.h>
#include "net.h"
#include "test.h"
#include <uringkit/recv.h>

#define NR	4
#define SZ	512

static struct io_uring_cqe c;

/* Fill the hand-made CQE c. */
static void cqe_of(int res, unsigned int flags, unsigned int bid, __u64 ud)
{
	c.user_data = ud;
	c.res = res;
	c.flags = flags | (bid << IORING_CQE_BUFFER_SHIFT);
}

/*
 * The re-arm is driven by the recycle itself: while parked nothing is
 * queued (no polling); the call that gives a buffer back queues exactly
 * one SQE before it returns, through either give-back path.
 */
static void rearm_on_recycle(void)
{
	unsigned char data[3 * NR * SZ];
	struct uringkit_pieces held[NR];
	struct uringkit_recv_event ev;
	struct uringkit_recv_stats st;
	struct uringkit_bufring *br;
	struct uringkit_recv *rv;
	struct io_uring_cqe *cq;
	struct io_uring ring;
	unsigned int n = 0, bid;
	int fds[2], err;

	t_ring_init(&ring, 8, NULL);
	br = uringkit_bufring_create(&ring, 0, NR, SZ, 0, &err);
	ASSERT_NOT_NULL(br);
	t_tcp_pair(fds);
	rv = uringkit_recv_create(&ring, br, fds[1], 0, NULL, 5, &err);
	ASSERT_NOT_NULL(rv);
	ASSERT_EQ(uringkit_recv_arm(rv), 0);
	t_fill(data, sizeof(data), 9);
	ASSERT_EQ(write(fds[0], data, sizeof(data)), (ssize_t) sizeof(data));
	ASSERT_EQ(io_uring_submit(&ring), 1);
	/* NR completions with data, then the dry end (handled inside). */
	while (n < NR) {
		cq = t_wait_cqe_within(&ring, 2000);
		ASSERT_EQ(uringkit_recv_complete(rv, cq, &ev), 1);
		held[n++] = ev.pieces;
		io_uring_cqe_seen(&ring, cq);
	}
	cq = t_wait_cqe_within(&ring, 2000);
	ASSERT_EQ(cq->res, -ENOBUFS);
	ASSERT_EQ(uringkit_recv_complete(rv, cq, &ev), 0);
	io_uring_cqe_seen(&ring, cq);
	uringkit_recv_get_stats(rv, &st);
	ASSERT_EQ(st.parks, 1ul);
	ASSERT_EQ(st.rearms, 0ul);
	/* Parked: nothing queued, nothing comes. */
	ASSERT_EQ(io_uring_sq_ready(&ring), 0u);
	t_assert_idle(&ring);

	/* uringkit_bufring_recycle() of one buffer queues the SQE. */
	bid = held[0].first_bid;
	ASSERT_EQ(uringkit_bufring_recycle(br, bid), 0);
	ASSERT_EQ(io_uring_sq_ready(&ring), 1u);
	/* Recycled outright, its pieces are stale: refused, nothing changes. */
	ASSERT_EQ(uringkit_pieces_give_back(&held[0]), -EALREADY);
	ASSERT_EQ(io_uring_sq_ready(&ring), 1u);
	uringkit_recv_get_stats(rv, &st);
	ASSERT_EQ(st.rearms, 1ul);
	/* It takes that one buffer and runs dry again: parked once more. */
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cq = t_wait_cqe_within(&ring, 2000);
	ASSERT_EQ(uringkit_recv_complete(rv, cq, &ev), 1);
	ASSERT_EQ(ev.pieces.len, (unsigned) SZ);
	held[0] = ev.pieces;
	io_uring_cqe_seen(&ring, cq);
	cq = t_wait_cqe_within(&ring, 2000);
	ASSERT_EQ(uringkit_recv_complete(rv, cq, &ev), 0);
	io_uring_cqe_seen(&ring, cq);
	ASSERT_EQ(io_uring_sq_ready(&ring), 0u);

	/* uringkit_pieces_give_back() queues it too, once for many buffers. */
	for (unsigned int i = 0; i < NR; i++)
		ASSERT_EQ(uringkit_pieces_give_back(&held[i]), 1);
	ASSERT_EQ(io_uring_sq_ready(&ring), 1u);
	uringkit_recv_get_stats(rv, &st);
	ASSERT_EQ(st.parks, 2ul);
	ASSERT_EQ(st.rearms, 2ul);

	ASSERT_EQ(uringkit_recv_stop(rv), 0);
	for (;;) {
		cq = t_wait_cqe_within(&ring, 2000);
		err = uringkit_recv_complete(rv, cq, &ev);
		io_uring_cqe_seen(&ring, cq);
		if (err == 1 && ev.pieces.nr)
			uringkit_pieces_give_back(&ev.pieces);
		if (err == 1 && ev.end)
			break;
	}
	ASSERT_EQ(ev.end, -ECANCELED);
	ASSERT_EQ(uringkit_recv_free(rv), 0);
	ASSERT_EQ(uringkit_bufring_available(br), NR);
	ASSERT_EQ(uringkit_bufring_free(br), 0);
	io_uring_queue_exit(&ring);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	struct msghdr mh = { .msg_namelen = 16 };
	struct io_uring ring, other;
	struct uringkit_bufring *br, *br2;
	struct uringkit_recv *rv;
	struct uringkit_recv_event ev;
	struct uringkit_recv_stats st;
	struct uringkit_pieces p, copy;
	unsigned int len;
	int fds[2], err;
	void *a;

	t_ring_init(&ring, 8, NULL);
	t_ring_init(&other, 8, NULL);
	br = uringkit_bufring_create(&ring, 0, NR, SZ, 0, &err);
	ASSERT_NOT_NULL(br);
	br2 = uringkit_bufring_create(&other, 0, NR, SZ, 0, &err);
	ASSERT_NOT_NULL(br2);
	t_tcp_pair(fds);

	/* create */
	ASSERT_NULL(uringkit_recv_create(NULL, br, fds[1], 0, NULL, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(uringkit_recv_create(&ring, NULL, fds[1], 0, NULL, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(uringkit_recv_create(&ring, br2, fds[1], 0, NULL, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(uringkit_recv_create(&ring, br, -1, 0, NULL, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(uringkit_recv_create(&ring, br, fds[1], 1U << 9, NULL, 1,
					 &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(uringkit_recv_create(&ring, br, fds[1], URINGKIT_RECV_MSG,
					 NULL, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(uringkit_recv_create(&ring, br, fds[1], 0, &mh, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(uringkit_recv_create(&ring, br, fds[1], URINGKIT_RECV_MSG |
					 URINGKIT_RECV_BUNDLE, &mh, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	if (!(ring.features & IORING_FEAT_RECVSEND_BUNDLE)) {
		ASSERT_NULL(uringkit_recv_create(&ring, br, fds[1],
						 URINGKIT_RECV_BUNDLE, NULL, 1,
						 &err));
		ASSERT_EQ(err, -EOPNOTSUPP);
	}

	rv = uringkit_recv_create(&ring, br, fds[1], 0, NULL, 77, &err);
	ASSERT_NOT_NULL(rv);
	ASSERT_EQ(err, 0);
	/* Not armed: no CQE is expected, nothing to stop. */
	cqe_of(5, IORING_CQE_F_BUFFER | IORING_CQE_F_MORE, 0, 77);
	ASSERT_EQ(uringkit_recv_complete(rv, &c, &ev), -EINVAL);
	ASSERT_EQ(uringkit_recv_stop(rv), -EALREADY);
	ASSERT_EQ(uringkit_recv_complete(NULL, &c, &ev), -EINVAL);
	ASSERT_EQ(uringkit_recv_arm(NULL), -EINVAL);
	ASSERT_EQ(uringkit_recv_stop(NULL), -EINVAL);
	ASSERT_EQ(uringkit_recv_free(NULL), 0);
	ASSERT_EQ(uringkit_bufring_available(br), NR);

	ASSERT_EQ(uringkit_recv_arm(rv), 0);
	ASSERT_EQ(uringkit_recv_arm(rv), -EBUSY);
	ASSERT_EQ(uringkit_recv_free(rv), -EBUSY);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	/* Another request's CQE is refused and changes nothing. */
	cqe_of(5, IORING_CQE_F_BUFFER | IORING_CQE_F_MORE, 0, 78);
	ASSERT_EQ(uringkit_recv_complete(rv, &c, &ev), -EINVAL);
	ASSERT_EQ(uringkit_bufring_available(br), NR);
	uringkit_recv_get_stats(rv, &st);
	ASSERT_EQ(st.completions, 0ul);

	/* Real data: one piece, the stream's bytes. */
	ASSERT_EQ(write(fds[0], "hello", 5), 5);
	{
		struct io_uring_cqe *cq = t_wait_cqe_within(&ring, 2000);

		ASSERT_EQ(uringkit_recv_complete(rv, cq, &ev), 1);
		io_uring_cqe_seen(&ring, cq);
	}
	ASSERT_EQ(ev.end, 0);
	ASSERT_EQ(ev.pieces.nr, 1u);
	ASSERT_EQ(ev.pieces.len, 5u);
	a = uringkit_pieces_next(&ev.pieces, &len);
	ASSERT_NOT_NULL(a);
	ASSERT_EQ(len, 5u);
	ASSERT_MEM_EQ(a, "hello", 5);
	ASSERT_NULL(uringkit_pieces_next(&ev.pieces, &len));
	uringkit_pieces_rewind(&ev.pieces);
	ASSERT(uringkit_pieces_next(&ev.pieces, NULL) == a);
	ASSERT_EQ(uringkit_bufring_available(br), NR - 1);
	copy = ev.pieces;
	ASSERT_EQ(uringkit_pieces_give_back(&ev.pieces), 1);
	ASSERT_EQ(uringkit_pieces_give_back(&ev.pieces), -EALREADY);
	ASSERT_EQ(uringkit_pieces_give_back(&copy), -EALREADY);
	ASSERT_EQ(uringkit_bufring_available(br), NR);
	ASSERT_NULL(uringkit_pieces_next(&ev.pieces, NULL));

	ASSERT_EQ(uringkit_recv_stop(rv), 0);
	{
		struct io_uring_cqe *cq = t_wait_cqe_within(&ring, 2000);

		ASSERT_EQ(uringkit_recv_complete(rv, cq, &ev), 1);
		ASSERT_EQ(ev.end, -ECANCELED);
		io_uring_cqe_seen(&ring, cq);
	}
	uringkit_recv_get_stats(rv, &st);
	ASSERT_EQ(st.completions, 2ul);
	ASSERT_EQ(st.parks, 0ul);
	ASSERT_EQ(uringkit_recv_free(rv), 0);

	/* Pieces from hand-made CQEs. */
	ASSERT_EQ(uringkit_bufring_cqe_pieces(NULL, &c, &p), -EINVAL);
	ASSERT_EQ(uringkit_bufring_cqe_pieces(br, NULL, &p), -EINVAL);
	ASSERT_EQ(uringkit_bufring_cqe_pieces(br, &c, NULL), -EINVAL);
	cqe_of(100, 0, 0, 0);			/* no buffer */
	ASSERT_EQ(uringkit_bufring_cqe_pieces(br, &c, &p), 0);
	ASSERT_EQ(p.nr, 0u);
	ASSERT_NULL(uringkit_pieces_next(&p, NULL));
	ASSERT_EQ(uringkit_pieces_give_back(&p), 0);
	cqe_of(100, IORING_CQE_F_BUFFER, NR, 0);	/* bid out of range */
	ASSERT_EQ(uringkit_bufring_cqe_pieces(br, &c, &p), 0);
	cqe_of((NR + 1) * SZ, IORING_CQE_F_BUFFER, 0, 0);	/* too long */
	ASSERT_EQ(uringkit_bufring_cqe_pieces(br, &c, &p), -EIO);
	ASSERT_EQ(uringkit_bufring_available(br), NR);
	/* An empty completion still hands its buffer over, as one piece. */
	cqe_of(0, IORING_CQE_F_BUFFER, 2, 0);
	ASSERT_EQ(uringkit_bufring_cqe_pieces(br, &c, &p), 1);
	ASSERT_EQ(p.len, 0u);
	ASSERT(uringkit_pieces_next(&p, &len) == uringkit_bufring_buf(br, 2));
	ASSERT_EQ(len, 0u);
	ASSERT_EQ(uringkit_bufring_available(br), NR - 1);
	ASSERT_EQ(uringkit_pieces_give_back(&p), 1);
	ASSERT_EQ(uringkit_bufring_available(br), NR);

	/*
	 * CQEs the kernel cannot have posted are refused and change nothing
	 * (they were taken: a buffer handed out twice, a bundle through
	 * slots that hold other buffers by now).
	 */
	{
		struct uringkit_pieces q, r, s2;
		unsigned char *a0, *b;

		/* The ring by now, counter: bid  3: 3, 4: 0, 5: 2 (tail 6). */
		cqe_of(10, IORING_CQE_F_BUFFER, 0, 0);
		ASSERT_EQ(uringkit_bufring_cqe_pieces(br, &c, &q), 1);
		/* the same CQE again: bid 0 is the application's */
		ASSERT_EQ(uringkit_bufring_cqe_pieces(br, &c, &r), -EALREADY);
		ASSERT_EQ(r.nr, 0u);
		ASSERT_EQ(uringkit_bufring_available(br), NR - 1);
		/* a bundle from bid 3 into bid 0, which the application holds */
		cqe_of(SZ + 1, IORING_CQE_F_BUFFER, 3, 0);
		ASSERT_EQ(uringkit_bufring_cqe_pieces(br, &c, &r), -EALREADY);
		/* a bundle from bid 2 into counter 6: past the tail, unfilled */
		cqe_of(SZ + 1, IORING_CQE_F_BUFFER, 2, 0);
		ASSERT_EQ(uringkit_bufring_cqe_pieces(br, &c, &r), -EIO);
		ASSERT_EQ(uringkit_bufring_available(br), NR - 1);

		/*
		 * Pieces whose buffer was recycled outright and then handed
		 * out again (bid 0, decoded anew) are stale: walking them
		 * stops, giving them back is refused, and the new holder's
		 * buffer stays the new holder's.
		 */
		a0 = uringkit_pieces_next(&q, NULL);
		ASSERT(a0 == uringkit_bufring_buf(br, 0));
		ASSERT_EQ(uringkit_bufring_recycle(br, 0), 0);
		cqe_of(20, IORING_CQE_F_BUFFER, 0, 0);
		ASSERT_EQ(uringkit_bufring_cqe_pieces(br, &c, &s2), 1);
		uringkit_pieces_rewind(&q);
		ASSERT_NULL(uringkit_pieces_next(&q, NULL));
		ASSERT_EQ(uringkit_pieces_give_back(&q), -EALREADY);
		ASSERT_EQ(uringkit_bufring_available(br), NR - 1);
		b = uringkit_pieces_next(&s2, NULL);
		ASSERT(b == a0);
		ASSERT_EQ(uringkit_pieces_give_back(&s2), 1);
		ASSERT_EQ(uringkit_bufring_available(br), NR);
	}

	ASSERT_EQ(uringkit_bufring_free(br), 0);
	ASSERT_EQ(uringkit_bufring_free(br2), 0);
	io_uring_queue_exit(&ring);
	io_uring_queue_exit(&other);
	close(fds[0]);
	close(fds[1]);
	rearm_on_recycle();
	return T_EXIT_PASS;
}
