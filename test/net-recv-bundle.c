/* SPDX-License-Identifier: MIT */
/*
 * Bundles (IORING_RECVSEND_BUNDLE, Linux 6.10) on a uringkit_bufring: one
 * CQE fills several consecutive ring slots. The pieces iterator walks
 * them in order and one call gives them all back, even when buffers were
 * recycled out of order so ring order and bid order differ. Then the slow
 * consumer: every byte once and in order, with bundles seen.
 */
#include <stdio.h>
#include <unistd.h>
#include "net.h"
#include "slowrecv.h"
#include "test.h"

#define NR	8
#define SZ	256

/* Receive len bytes of data[] from the socket; hold (or give back) pieces. */
static void receive(struct io_uring *ring, struct uringkit_recv *rv,
		    const unsigned char *data, unsigned int len,
		    struct uringkit_pieces *held, unsigned int *nheld)
{
	struct uringkit_recv_event ev;
	struct io_uring_cqe *cqe;
	unsigned int off = 0, plen;
	unsigned char *p;

	while (off < len) {
		ASSERT_GE(io_uring_submit(ring), 0);
		cqe = t_wait_cqe_within(ring, 2000);
		ASSERT_EQ(uringkit_recv_complete(rv, cqe, &ev), 1);
		ASSERT_EQ(ev.end, 0);
		io_uring_cqe_seen(ring, cqe);
		while ((p = uringkit_pieces_next(&ev.pieces, &plen)) != NULL) {
			ASSERT_LE(off + plen, len);
			ASSERT_MEM_EQ(p, data + off, plen);
			off += plen;
		}
		if (held)
			held[(*nheld)++] = ev.pieces;
		else
			ASSERT_EQ(uringkit_pieces_give_back(&ev.pieces),
				  (int) ev.pieces.nr);
	}
}

static void shuffled_ring_order(void)
{
	struct io_uring ring;
	struct uringkit_bufring *br;
	struct uringkit_recv *rv;
	struct uringkit_recv_event ev;
	struct uringkit_pieces held[NR];
	struct io_uring_cqe *cqe;
	unsigned char data[NR * SZ];
	unsigned int nheld = 0, bundles = 0;
	int fds[2], err;

	t_ring_init(&ring, 16, NULL);
	if (!(ring.features & IORING_FEAT_RECVSEND_BUNDLE))
		t_skip("the kernel lacks IORING_FEAT_RECVSEND_BUNDLE (6.10)");
	br = uringkit_bufring_create(&ring, 1, NR, SZ, 0, &err);
	ASSERT_NOT_NULL(br);
	t_tcp_pair(fds);
	rv = uringkit_recv_create(&ring, br, fds[1], URINGKIT_RECV_BUNDLE,
				  NULL, 7, &err);
	ASSERT_NOT_NULL(rv);
	ASSERT_EQ(uringkit_recv_arm(rv), 0);

	/* Fill every buffer and hold them all. */
	t_fill(data, sizeof(data), 5);
	ASSERT_EQ(write(fds[0], data, sizeof(data)), (ssize_t) sizeof(data));
	receive(&ring, rv, data, sizeof(data), held, &nheld);
	ASSERT_EQ(uringkit_bufring_available(br), 0u);
	/* Give them back in a scrambled order: ring order != bid order. */
	for (unsigned int i = 0; i < nheld; i++) {
		unsigned int k = (i * 5 + 3) % nheld;

		if (!held[k].br)
			for (k = 0; !held[k].br; k++)
				;
		ASSERT_EQ(uringkit_pieces_give_back(&held[k]),
			  (int) held[k].nr);
	}
	ASSERT_EQ(uringkit_bufring_available(br), NR);

	/* Queue 3.1 buffers' worth at once: one CQE takes several. */
	t_fill(data, sizeof(data), 6);
	ASSERT_EQ(write(fds[0], data, 3 * SZ + 17), 3 * SZ + 17);
	usleep(20000);
	nheld = 0;
	receive(&ring, rv, data, 3 * SZ + 17, held, &nheld);
	for (unsigned int i = 0; i < nheld; i++) {
		bundles += held[i].nr > 1;
		ASSERT_EQ(uringkit_pieces_give_back(&held[i]),
			  (int) held[i].nr);
	}
	ASSERT_GT(bundles, 0u);
	ASSERT_EQ(uringkit_bufring_available(br), NR);

	/* Many rounds more, now with the ring order scrambled for good. */
	for (unsigned int round = 0; round < 50; round++) {
		unsigned int n = 1 + (round * 131) % sizeof(data);

		t_fill(data, sizeof(data), round);
		ASSERT_EQ(write(fds[0], data, n), (ssize_t) n);
		receive(&ring, rv, data, n, NULL, NULL);
	}
	ASSERT_EQ(uringkit_bufring_available(br), NR);

	ASSERT_EQ(uringkit_recv_stop(rv), 0);
	cqe = t_wait_cqe_within(&ring, 2000);
	ASSERT_EQ(uringkit_recv_complete(rv, cqe, &ev), 1);
	ASSERT_EQ(ev.end, -ECANCELED);
	io_uring_cqe_seen(&ring, cqe);
	t_assert_idle(&ring);
	ASSERT_EQ(uringkit_recv_free(rv), 0);
	ASSERT_EQ(uringkit_bufring_free(br), 0);
	io_uring_queue_exit(&ring);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	struct t_slow_opts o = {
		.recv_flags = URINGKIT_RECV_BUNDLE, .nr_bufs = 16,
		.buf_size = 256, .tcp_bytes = 2 << 20, .seed = 4,
	};
	struct t_slow_result r;

	shuffled_ring_order();
	t_slow_tcp(&o, &r);
	fprintf(stderr, "parks %lu rearms %lu completions %lu max pieces %u\n",
		r.stats.parks, r.stats.rearms, r.stats.completions,
		r.max_pieces);
	ASSERT_GT(r.stats.parks, 0ul);
	/* Bundle data ends with buffers left are re-armed too. */
	ASSERT_GE(r.stats.rearms, r.stats.parks);
	ASSERT_GT(r.max_pieces, 1u);
	return T_EXIT_PASS;
}
