/* SPDX-License-Identifier: MIT */
/*
 * Incremental consumption (IOU_PBUF_RING_INC, Linux 6.12) on a
 * uringkit_bufring: several completions fill one buffer, each piece
 * starting where the last ended; the buffer stays with the kernel while
 * IORING_CQE_F_BUF_MORE says it is not finished, and goes back to the
 * application only with the completion that ends it, and to the kernel
 * only when all its pieces are given back. Then the slow consumer over
 * TCP on an incremental ring; datagram sockets are refused.
 */
#include <stdio.h>
#include <unistd.h>
#include "net.h"
#include "slowrecv.h"
#include "test.h"

#define NR	4
#define SZ	4096

struct got {
	struct uringkit_pieces p;
	unsigned char *addr;
	unsigned int len;
	bool more;
};

static struct got recv_one(struct io_uring *ring, struct uringkit_recv *rv)
{
	struct uringkit_recv_event ev;
	struct io_uring_cqe *cqe;
	struct got g;

	ASSERT_GE(io_uring_submit(ring), 0);
	cqe = t_wait_cqe_within(ring, 2000);
	ASSERT_EQ(uringkit_recv_complete(rv, cqe, &ev), 1);
	ASSERT_EQ(ev.end, 0);
	ASSERT_EQ(ev.pieces.nr, 1u);
	g.more = cqe->flags & IORING_CQE_F_BUF_MORE;
	io_uring_cqe_seen(ring, cqe);
	g.addr = uringkit_pieces_next(&ev.pieces, &g.len);
	ASSERT_NOT_NULL(g.addr);
	ASSERT_NULL(uringkit_pieces_next(&ev.pieces, NULL));
	g.p = ev.pieces;
	return g;
}

static void pieces_of_one_buffer(void)
{
	struct io_uring ring;
	struct uringkit_bufring *br;
	struct uringkit_recv *rv;
	struct uringkit_recv_event ev;
	struct io_uring_cqe *cqe;
	unsigned char data[SZ + 204];
	struct got a, b, c, d;
	int fds[2], err;

	t_ring_init(&ring, 16, NULL);
	br = uringkit_bufring_create(&ring, 2, NR, SZ, URINGKIT_BUFRING_INC,
				     &err);
	if (!br && err == -EINVAL)
		t_skip("the kernel refuses IOU_PBUF_RING_INC (before 6.12)");
	ASSERT_NOT_NULL(br);
	/* Bundles need whole buffers: refused on an incremental ring. */
	t_tcp_pair(fds);
	ASSERT_NULL(uringkit_recv_create(&ring, br, fds[1],
					 URINGKIT_RECV_BUNDLE, NULL, 9, &err));
	ASSERT_EQ(err, -EINVAL);
	rv = uringkit_recv_create(&ring, br, fds[1], 0, NULL, 9, &err);
	ASSERT_NOT_NULL(rv);
	ASSERT_EQ(uringkit_recv_arm(rv), 0);
	t_fill(data, sizeof(data), 8);

	ASSERT_EQ(write(fds[0], data, 100), 100);
	a = recv_one(&ring, rv);
	ASSERT(a.more);
	ASSERT_EQ(a.len, 100u);
	ASSERT_MEM_EQ(a.addr, data, 100);
	ASSERT_EQ(a.addr, (unsigned char *) uringkit_bufring_buf(br,
							a.p.first_bid));
	/* Still the kernel's: it goes on filling it. */
	ASSERT_EQ(uringkit_bufring_available(br), NR);

	ASSERT_EQ(write(fds[0], data + 100, 200), 200);
	b = recv_one(&ring, rv);
	ASSERT(b.more);
	ASSERT_EQ(b.len, 200u);
	ASSERT_EQ(b.addr, a.addr + 100);
	ASSERT_MEM_EQ(b.addr, data + 100, 200);
	/* Pieces given back early: the buffer is not finished, none returns. */
	ASSERT_EQ(uringkit_pieces_give_back(&b.p), 0);
	ASSERT_EQ(uringkit_bufring_available(br), NR);

	/* The rest of the buffer and 204 bytes into the next one. */
	ASSERT_EQ(write(fds[0], data + 300, SZ - 300 + 204),
		  (ssize_t) (SZ - 300 + 204));
	c = recv_one(&ring, rv);
	ASSERT(!c.more);
	ASSERT_EQ(c.len, SZ - 300u);
	ASSERT_EQ(c.addr, a.addr + 300);
	ASSERT_MEM_EQ(c.addr, data + 300, SZ - 300);
	/* Finished: the application holds it now. */
	ASSERT_EQ(uringkit_bufring_available(br), NR - 1);
	d = recv_one(&ring, rv);
	ASSERT(d.more);
	ASSERT_EQ(d.len, 204u);
	ASSERT_NE(d.p.first_bid, a.p.first_bid);
	ASSERT_MEM_EQ(d.addr, data + SZ, 204);

	/* It goes back only with its last piece (a is still held). */
	ASSERT_EQ(uringkit_pieces_give_back(&c.p), 0);
	ASSERT_EQ(uringkit_bufring_available(br), NR - 1);
	ASSERT_EQ(uringkit_pieces_give_back(&a.p), 1);
	ASSERT_EQ(uringkit_bufring_available(br), NR);
	ASSERT_EQ(uringkit_pieces_give_back(&a.p), -EALREADY);
	ASSERT_EQ(uringkit_pieces_give_back(&d.p), 0);

	ASSERT_EQ(uringkit_recv_stop(rv), 0);
	cqe = t_wait_cqe_within(&ring, 2000);
	ASSERT_EQ(uringkit_recv_complete(rv, cqe, &ev), 1);
	ASSERT_EQ(ev.end, -ECANCELED);
	io_uring_cqe_seen(&ring, cqe);
	ASSERT_EQ(uringkit_recv_free(rv), 0);
	ASSERT_EQ(uringkit_bufring_free(br), 0);
	io_uring_queue_exit(&ring);
	close(fds[0]);
	close(fds[1]);
}

/* A datagram would be cut to the room left in a buffer: refused. */
static void datagrams_refused(void)
{
	struct msghdr mh = { .msg_namelen = sizeof(struct sockaddr_in) };
	struct io_uring ring;
	struct uringkit_bufring *br;
	int tx, rx, err;

	t_ring_init(&ring, 4, NULL);
	br = uringkit_bufring_create(&ring, 2, NR, SZ, URINGKIT_BUFRING_INC,
				     &err);
	ASSERT_NOT_NULL(br);
	t_udp_pair(&tx, &rx, 0);
	ASSERT_NULL(uringkit_recv_create(&ring, br, rx, 0, NULL, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(uringkit_recv_create(&ring, br, rx, URINGKIT_RECV_MSG,
					 &mh, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_EQ(uringkit_bufring_free(br), 0);
	io_uring_queue_exit(&ring);
	close(tx);
	close(rx);
}

int main(void)
{
	struct t_slow_opts o = {
		.bufring_flags = URINGKIT_BUFRING_INC, .nr_bufs = 4,
		.buf_size = 2048, .tcp_bytes = 2 << 20, .seed = 5,
	};
	struct t_slow_result r;

	pieces_of_one_buffer();

	t_slow_tcp(&o, &r);
	fprintf(stderr, "tcp: parks %lu rearms %lu completions %lu buf_more %lu\n",
		r.stats.parks, r.stats.rearms, r.stats.completions,
		r.buf_more);
	ASSERT_GT(r.stats.parks, 0ul);
	ASSERT_EQ(r.stats.rearms, r.stats.parks);
	ASSERT_GT(r.buf_more, 0ul);

	datagrams_refused();
	return T_EXIT_PASS;
}
