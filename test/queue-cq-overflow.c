/* SPDX-License-Identifier: MIT */
/*
 * Far more completions than the CQ holds: with IORING_FEAT_NODROP the
 * kernel parks the excess in its overflow list and nothing is lost. The
 * library must notice the overflow (io_uring_cq_has_overflow) and have
 * peek, wait and peek_batch enter the kernel to flush it once the visible
 * CQ has been drained, so that every request is counted exactly once.
 */
#include <stdio.h>
#include <string.h>
#include "test.h"

#define CQ_ENTRIES	8
#define BATCHES		10
#define TOTAL		(BATCHES * CQ_ENTRIES)
#define BASE		0x5000

static unsigned char seen[TOTAL];
static unsigned nr_seen;

static void count_cqe(const struct io_uring_cqe *cqe)
{
	__u64 idx = cqe->user_data - BASE;

	ASSERT_LT(idx, (__u64) TOTAL);
	if (seen[idx])
		t_fail("user_data 0x%llx completed twice",
		       (unsigned long long) cqe->user_data);
	seen[idx] = 1;
	nr_seen++;
	ASSERT_EQ(cqe->res, 0);
}

/* Consume what is visible in the CQ without entering the kernel. */
static unsigned drain_visible(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;

	io_uring_for_each_cqe(ring, head, cqe) {
		count_cqe(cqe);
		n++;
	}
	io_uring_cq_advance(ring, n);
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
	return n;
}

int main(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int ret, method = 0;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = CQ_ENTRIES;
	t_ring_init(&ring, CQ_ENTRIES, &p);
	if (!(ring.features & IORING_FEAT_NODROP)) {
		io_uring_queue_exit(&ring);
		t_skip("kernel lacks IORING_FEAT_NODROP");
	}
	ASSERT_EQ(ring.cq.ring_entries, CQ_ENTRIES);
	ASSERT_EQ(ring.sq.ring_entries, CQ_ENTRIES);
	ASSERT(!io_uring_cq_has_overflow(&ring));

	/* Ten full batches, nothing reaped in between. */
	for (unsigned b = 0; b < BATCHES; b++) {
		t_submit_nops(&ring, CQ_ENTRIES, BASE + b * CQ_ENTRIES);
		ret = io_uring_submit(&ring);
		ASSERT_EQ(ret, CQ_ENTRIES);
	}
	ASSERT_EQ(io_uring_cq_ready(&ring), CQ_ENTRIES);
	ASSERT(io_uring_cq_has_overflow(&ring));
	/* Nothing dropped: overflowed CQEs are kept, not counted as lost. */
	ASSERT_EQ(*ring.cq.koverflow, 0);
	ASSERT_EQ(*ring.sq.kdropped, 0);

	/*
	 * Drain the visible CQ by hand, then let each reaping function in
	 * turn find the CQ empty but the overflow list full: it must flush.
	 */
	while (nr_seen < TOTAL) {
		unsigned before;

		drain_visible(&ring);
		if (nr_seen == TOTAL)
			break;
		ASSERT(io_uring_cq_has_overflow(&ring));
		before = nr_seen;

		switch (method++ % 3) {
		case 0:
			ret = io_uring_peek_cqe(&ring, &cqe);
			ASSERT_EQ(ret, 0);
			ASSERT_NOT_NULL(cqe);
			count_cqe(cqe);
			io_uring_cqe_seen(&ring, cqe);
			break;
		case 1: {
			struct io_uring_cqe *cqes[CQ_ENTRIES * 2];
			unsigned n = io_uring_peek_batch_cqe(&ring, cqes,
							     CQ_ENTRIES * 2);

			ASSERT_GT(n, 0);
			ASSERT_LE(n, CQ_ENTRIES);
			for (unsigned i = 0; i < n; i++)
				count_cqe(cqes[i]);
			io_uring_cq_advance(&ring, n);
			break;
		}
		default:
			ret = io_uring_wait_cqe(&ring, &cqe);
			ASSERT_EQ(ret, 0);
			ASSERT_NOT_NULL(cqe);
			count_cqe(cqe);
			io_uring_cqe_seen(&ring, cqe);
			break;
		}
		ASSERT_GT(nr_seen, before);
	}

	ASSERT_EQ(nr_seen, TOTAL);
	for (unsigned i = 0; i < TOTAL; i++)
		ASSERT_EQ(seen[i], 1);
	ASSERT(!io_uring_cq_has_overflow(&ring));
	ASSERT_EQ(*ring.cq.koverflow, 0);
	ASSERT_EQ(*ring.sq.kdropped, 0);
	ret = io_uring_peek_cqe(&ring, &cqe);
	ASSERT_EQ(ret, -EAGAIN);

	/* The ring is healthy afterwards. */
	t_submit_nops(&ring, 1, 1);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 1);
	io_uring_cqe_seen(&ring, cqe);

	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
