/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_send_bundle (6.10, IORING_FEAT_RECVSEND_BUNDLE): one SEND
 * takes several consecutive buffers from a provided-buffer ring (filled
 * with io_uring_buf_ring_add) and sends them as one stream of bytes.
 * cqe->res is the total, the CQE names the first buffer used, the receiver
 * sees the buffers' contents back to back; a len caps the bundle; an empty
 * ring gives -ENOBUFS; a bundle without IOSQE_BUFFER_SELECT sends nothing.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test.h"
#include "net.h"

#define BGID		5
#define NR_BUFS		8
#define BUF_SIZE	100

static char bufs[NR_BUFS][BUF_SIZE];

/*
 * Run one bundle send and collect its CQEs: while buffers remain the kernel
 * may post several, all but the last with IORING_CQE_F_MORE. Returns the
 * bytes sent in total (or the error of a request that sent nothing);
 * *bid gets the first CQE's buffer id. Each CQE's bytes come from its
 * buffer id and the buffers after it, in ring order; expect (if not NULL)
 * receives the byte stream that this implies.
 */
static int bundle(struct io_uring *ring, int fd, size_t len, bool select,
		  unsigned *bid, char *expect)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);
	int total = 0, err = 0, n = 0;
	bool more;

	io_uring_prep_send_bundle(sqe, fd, len, 0);
	if (select) {
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = BGID;
	}
	ASSERT_EQ(io_uring_submit(ring), 1);
	do {
		struct io_uring_cqe *cqe = t_wait_cqe(ring);

		if (getenv("NET_BUNDLE_DEBUG"))
			printf("cqe res %d flags %x\n", cqe->res, cqe->flags);
		more = cqe->flags & IORING_CQE_F_MORE;
		if (cqe->res > 0) {
			ASSERT_NE(cqe->flags & IORING_CQE_F_BUFFER, 0);
			unsigned b = cqe->flags >> IORING_CQE_BUFFER_SHIFT;

			if (!n++)
				*bid = b;
			for (int left = cqe->res; expect && left > 0;
			     b = (b + 1) % NR_BUFS) {
				int chunk = left < BUF_SIZE ? left : BUF_SIZE;

				memcpy(expect + total, bufs[b], (size_t) chunk);
				total += chunk;
				left -= chunk;
			}
			if (!expect)
				total += cqe->res;
		} else if (cqe->res < 0) {
			ASSERT(!more);
			err = cqe->res;
		}
		io_uring_cqe_seen(ring, cqe);
	} while (more);
	return total ? total : err;
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	char in[NR_BUFS * BUF_SIZE], expect[NR_BUFS * BUF_SIZE];
	unsigned bid = ~0u;
	int fds[2], err, ret;

	t_require_op(IORING_OP_SEND);
	t_ring_init(&ring, 8, NULL);
	if (!(ring.features & IORING_FEAT_RECVSEND_BUNDLE))
		t_skip("kernel lacks IORING_FEAT_RECVSEND_BUNDLE (6.10)");
	br = io_uring_setup_buf_ring(&ring, NR_BUFS, BGID, 0, &err);
	ASSERT_NOT_NULL(br);
	for (int i = 0; i < NR_BUFS; i++)
		t_fill(bufs[i], BUF_SIZE, (unsigned) i + 20);
	t_tcp_pair(fds);

	/* An empty ring: nothing to send. */
	ASSERT_EQ(bundle(&ring, fds[0], 0, true, &bid, NULL), -ENOBUFS);
	/*
	 * Without IOSQE_BUFFER_SELECT a bundle has no data: some kernels
	 * refuse it, Linux 6.18 sends nothing.
	 */
	err = bundle(&ring, fds[0], 0, false, &bid, NULL);
	ASSERT(err == 0 || err == -EINVAL);

	/* Four buffers, no cap: all four go out in one send. */
	t_buf_ring_give(br, NR_BUFS, bufs, BUF_SIZE, 0, 4);
	ASSERT_EQ(bundle(&ring, fds[0], 0, true, &bid, expect), 4 * BUF_SIZE);
	ASSERT_EQ(bid, 0);
	t_read_exact(fds[1], in, 4 * BUF_SIZE);
	for (int i = 0; i < 4; i++)
		ASSERT_MEM_EQ(in + i * BUF_SIZE, bufs[i], BUF_SIZE);
	ASSERT_MEM_EQ(in, expect, 4 * BUF_SIZE);
	ASSERT_EQ(bundle(&ring, fds[0], 0, true, &bid, NULL), -ENOBUFS);

	/*
	 * With a byte cap the kernel may split the work over several CQEs
	 * (Linux 6.18 applies the cap to the first send only); whatever the
	 * split, the bytes are the buffers' in ring order, starting at the
	 * first one published, and the ring ends up consumed.
	 */
	t_buf_ring_give(br, NR_BUFS, bufs, BUF_SIZE, 4, 4);
	ret = bundle(&ring, fds[0], 150, true, &bid, expect);
	ASSERT_GE(ret, 100);
	ASSERT_LE(ret, 4 * BUF_SIZE);
	ASSERT_EQ(bid, 4);
	t_read_exact(fds[1], in, (size_t) ret);
	ASSERT_MEM_EQ(in, expect, (size_t) ret);
	ASSERT_MEM_EQ(in, bufs[4], 100);
	if (ret < 4 * BUF_SIZE) {
		/* what the capped request left is sent by the next one */
		ret = bundle(&ring, fds[0], 0, true, &bid, expect);
		ASSERT_GT(ret, 0);
		t_read_exact(fds[1], in, (size_t) ret);
		ASSERT_MEM_EQ(in, expect, (size_t) ret);
	}
	ASSERT_EQ(bundle(&ring, fds[0], 0, true, &bid, NULL), -ENOBUFS);

	/* Nothing else travelled. */
	ASSERT_EQ(recv(fds[1], in, 1, MSG_DONTWAIT), -1);
	ASSERT_EQ(errno, EAGAIN);
	close(fds[0]);
	close(fds[1]);
	ASSERT_EQ(io_uring_free_buf_ring(&ring, br, NR_BUFS, BGID), 0);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
