/* SPDX-License-Identifier: MIT */
/*
 * Setup flags that change the shape of the rings: CQSIZE, CLAMP, SQE128,
 * CQE32, NO_SQARRAY, CQE_MIXED and SQE_MIXED (the last two where the
 * kernel has them). Each ring carries real requests; the strides and
 * sizes are checked in the memory the kernel actually writes.
 */
#include <stdio.h>
#include <unistd.h>
#include "test.h"

#define LEN 4096

static char path[512];

static void params(struct io_uring_params *p, unsigned flags, unsigned cq)
{
	memset(p, 0, sizeof(*p));
	p->flags = flags;
	p->cq_entries = cq;
}

/* Submit what is queued, then reap n CQEs with user_data base..base+n-1. */
static void reap_in_order(struct io_uring *ring, unsigned n, __u64 base)
{
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(ring);

		ASSERT_EQ(cqe->user_data, base + i);
		ASSERT_EQ(cqe->res, 0);
		io_uring_cqe_seen(ring, cqe);
	}
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
}

/* A write and a read-back of a file through the ring. */
static void file_io(struct io_uring *ring, unsigned seed)
{
	static unsigned char wbuf[LEN], rbuf[LEN];
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int fd = t_create_file(path, 0, 0);

	t_fill(wbuf, LEN, seed);
	sqe = io_uring_get_sqe(ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_write(sqe, fd, wbuf, LEN, 0);
	io_uring_sqe_set_data64(sqe, 0xaaa);
	ASSERT_EQ(io_uring_submit(ring), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 0xaaa);
	ASSERT_EQ(cqe->res, LEN);
	io_uring_cqe_seen(ring, cqe);

	memset(rbuf, 0, LEN);
	sqe = io_uring_get_sqe(ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_read(sqe, fd, rbuf, LEN, 0);
	io_uring_sqe_set_data64(sqe, 0xbbb);
	ASSERT_EQ(io_uring_submit(ring), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 0xbbb);
	ASSERT_EQ(cqe->res, LEN);
	io_uring_cqe_seen(ring, cqe);
	ASSERT_EQ(t_check_fill(rbuf, LEN, 0, seed), LEN);
	close(fd);
}

/* Several rounds of NOP batches: the SQ and CQ wrap a few times. */
static void wrap_nops(struct io_uring *ring)
{
	unsigned batch = ring->sq.ring_entries;
	__u64 next = 0;

	for (int round = 0; round < 5; round++) {
		t_submit_nops(ring, batch, next);
		ASSERT_EQ(io_uring_submit(ring), (int) batch);
		reap_in_order(ring, batch, next);
		next += batch;
	}
}

static void test_cqsize(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	unsigned n = 0;

	params(&p, IORING_SETUP_CQSIZE, 64);
	t_ring_init(&ring, 4, &p);
	ASSERT_EQ(ring.cq.ring_entries, 64);
	ASSERT_EQ(ring.sq.ring_entries, 4);
	/* Fill the whole CQ without reaping: all 64 fit, none overflow. */
	while (n < 64) {
		t_submit_nops(&ring, 4, n);
		ASSERT_EQ(io_uring_submit(&ring), 4);
		n += 4;
	}
	ASSERT_EQ(io_uring_cq_ready(&ring), 64);
	ASSERT_EQ(*ring.cq.koverflow, 0);
	ASSERT(!io_uring_cq_has_overflow(&ring));
	reap_in_order(&ring, 64, 0);
	file_io(&ring, 1);
	io_uring_queue_exit(&ring);
}

static void test_clamp(void)
{
	struct io_uring_params p;
	struct io_uring ring;

	params(&p, IORING_SETUP_CLAMP | IORING_SETUP_CQSIZE, 1U << 20);
	t_ring_init(&ring, 1U << 20, &p);
	ASSERT_EQ(ring.sq.ring_entries, 32768);
	ASSERT_EQ(ring.cq.ring_entries, 65536);
	wrap_nops(&ring);
	file_io(&ring, 2);
	io_uring_queue_exit(&ring);
}

static void test_sqe128(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_sqe *a, *b;

	t_require_setup_flags(IORING_SETUP_SQE128);
	params(&p, IORING_SETUP_SQE128, 0);
	t_ring_init(&ring, 8, &p);
	ASSERT_EQ(io_uring_sqe_shift(&ring), 1);
	a = io_uring_get_sqe(&ring);
	b = io_uring_get_sqe(&ring);
	ASSERT_NOT_NULL(a);
	ASSERT_NOT_NULL(b);
	ASSERT_EQ((char *) b - (char *) a, 128);
	/* Fill both halves of the big SQEs with junk: prep must cope. */
	memset(a, 0xff, 128);
	memset(b, 0xff, 128);
	io_uring_prep_nop(a);
	io_uring_sqe_set_data64(a, 0);
	io_uring_prep_nop(b);
	io_uring_sqe_set_data64(b, 1);
	ASSERT_EQ(io_uring_submit(&ring), 2);
	reap_in_order(&ring, 2, 0);
	wrap_nops(&ring);
	file_io(&ring, 3);
	io_uring_queue_exit(&ring);
}

static void test_cqe32(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *c1, *c2;
	struct io_uring_sqe *sqe;

	t_require_setup_flags(IORING_SETUP_CQE32);
	params(&p, IORING_SETUP_CQE32, 0);
	t_ring_init(&ring, 4, &p);
	ASSERT_EQ(io_uring_cqe_shift(&ring), 1);
	/* Poison the CQE array, so zeros must have come from the kernel. */
	memset(ring.cq.cqes, 0xa5, (size_t) ring.cq.ring_entries * 32);

	t_submit_nops(&ring, 2, 10);
	ASSERT_EQ(io_uring_submit(&ring), 2);
	ASSERT_EQ(io_uring_wait_cqe_nr(&ring, &c1, 2), 0);
	ASSERT_EQ(c1->user_data, 10);
	ASSERT_EQ(c1->res, 0);
	ASSERT_EQ(c1->big_cqe[0], 0);
	ASSERT_EQ(c1->big_cqe[1], 0);
	io_uring_cqe_seen(&ring, c1);
	ASSERT_EQ(io_uring_peek_cqe(&ring, &c2), 0);
	ASSERT_EQ((char *) c2 - (char *) c1, 32);
	ASSERT_EQ(c2->user_data, 11);
	ASSERT_EQ(c2->big_cqe[0], 0);
	ASSERT_EQ(c2->big_cqe[1], 0);
	io_uring_cqe_seen(&ring, c2);

	/* A NOP that fills the extra 16 bytes, where the kernel can. */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->nop_flags = IORING_NOP_CQE32;
	sqe->off = 0x1122334455667788ULL;
	sqe->addr = 0x99aabbccddeeff00ULL;
	io_uring_sqe_set_data64(sqe, 12);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	c1 = t_wait_cqe(&ring);
	ASSERT_EQ(c1->user_data, 12);
	if (c1->res == 0) {
		ASSERT_EQ(c1->big_cqe[0], 0x1122334455667788ULL);
		ASSERT_EQ(c1->big_cqe[1], 0x99aabbccddeeff00ULL);
	} else {
		ASSERT_EQ(c1->res, -EINVAL);	/* kernel without NOP_CQE32 */
	}
	io_uring_cqe_seen(&ring, c1);

	wrap_nops(&ring);
	file_io(&ring, 4);
	io_uring_queue_exit(&ring);
}

static void test_no_sqarray(void)
{
	struct io_uring_params p;
	struct io_uring ring;

	t_require_setup_flags(IORING_SETUP_NO_SQARRAY);
	params(&p, IORING_SETUP_NO_SQARRAY, 0);
	t_ring_init(&ring, 8, &p);
	ASSERT_NULL(ring.sq.array);
	ASSERT_EQ(ring.flags, IORING_SETUP_NO_SQARRAY);
	/* Odd batch sizes, so SQEs straddle the ring's end. */
	for (unsigned i = 0, next = 0; i < 12; i++) {
		unsigned n = 1 + i % 7;

		t_submit_nops(&ring, n, next);
		ASSERT_EQ(io_uring_submit(&ring), (int) n);
		reap_in_order(&ring, n, next);
		next += n;
	}
	wrap_nops(&ring);
	file_io(&ring, 5);
	io_uring_queue_exit(&ring);
}

/*
 * CQE_MIXED: 16- and 32-byte CQEs share the ring; a 32-byte one takes two
 * slots, and the kernel pads the ring's end with an IORING_CQE_F_SKIP
 * entry when a big CQE would not fit. The library must step over both.
 */
/*
 * io_uring_for_each_cqe over a round's three NOPs (completed by the time
 * submit returns), without consuming them: it must step over both slots
 * of a big CQE and cover exactly the slots the CQ holds.
 */
static void walk_mixed(struct io_uring *ring, __u64 first)
{
	struct io_uring_cqe *cqe;
	unsigned head, start = *ring->cq.khead, seen = 0;

	io_uring_for_each_cqe(ring, head, cqe) {
		if (cqe->flags & IORING_CQE_F_SKIP)
			continue;
		ASSERT_EQ(cqe->user_data, first + seen);
		seen++;
	}
	ASSERT_EQ(seen, 3u);
	ASSERT_EQ(head - start, io_uring_cq_ready(ring));
}

static void test_cqe_mixed(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	__u64 next = 0;
	int big_seen = 0;

	if (!t_kernel_has_setup_flags(IORING_SETUP_CQE_MIXED)) {
		printf("kernel does not accept IORING_SETUP_CQE_MIXED: not tested\n");
		return;
	}
	params(&p, IORING_SETUP_CQE_MIXED, 0);
	t_ring_init(&ring, 4, &p);
	ASSERT_EQ(io_uring_cqe_shift(&ring), 0);
	ASSERT_EQ(ring.cq.ring_entries, 8);

	/* Rounds of small, big, small: 4 slots per round in an 8-slot CQ. */
	for (int round = 0; round < 12; round++) {
		for (int i = 0; i < 3; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			ASSERT_NOT_NULL(sqe);
			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, next + i);
			if (i == 1 || (round % 3 == 2 && i == 2)) {
				sqe->nop_flags = IORING_NOP_CQE32;
				sqe->off = 0x1000 + next + i;
				sqe->addr = 0x2000 + next + i;
			}
		}
		ASSERT_EQ(io_uring_submit(&ring), 3);
		walk_mixed(&ring, next);
		for (int i = 0; i < 3; i++) {
			struct io_uring_cqe *cqe = t_wait_cqe(&ring);
			bool big = i == 1 || (round % 3 == 2 && i == 2);

			ASSERT_EQ(cqe->user_data, next + i);
			ASSERT_EQ(cqe->res, 0);
			ASSERT_EQ(cqe->flags & IORING_CQE_F_SKIP, 0);
			if (big) {
				ASSERT_NE(cqe->flags & IORING_CQE_F_32, 0);
				ASSERT_EQ(cqe->big_cqe[0], 0x1000 + next + i);
				ASSERT_EQ(cqe->big_cqe[1], 0x2000 + next + i);
				big_seen++;
			} else {
				ASSERT_EQ(cqe->flags & IORING_CQE_F_32, 0);
			}
			io_uring_cqe_seen(&ring, cqe);
		}
		ASSERT_EQ(io_uring_cq_ready(&ring), 0);
		next += 3;
	}
	ASSERT_EQ(big_seen, 16);
	file_io(&ring, 6);
	io_uring_queue_exit(&ring);
}

/*
 * SQE_MIXED: 64- and 128-byte SQEs share the ring; a 128-byte one
 * (IORING_OP_NOP128) takes two consecutive slots.
 */
static void test_sqe_mixed(void)
{
	struct io_uring_params p;
	struct io_uring ring;

	if (!t_kernel_has_setup_flags(IORING_SETUP_SQE_MIXED)) {
		printf("kernel does not accept IORING_SETUP_SQE_MIXED: not tested\n");
		return;
	}
	params(&p, IORING_SETUP_SQE_MIXED, 0);
	t_ring_init(&ring, 8, &p);
	ASSERT_EQ(io_uring_sqe_shift(&ring), 0);
	wrap_nops(&ring);
	if (t_op_supported(IORING_OP_NOP128)) {
		struct io_uring_sqe *a, *b, *c;
		struct io_uring_cqe *cqe;

		/* Slots 0 (small), 1+2 (big), 3 (small): no wrap needed. */
		ASSERT_EQ(*ring.sq.ktail & ring.sq.ring_mask, 0);
		a = io_uring_get_sqe(&ring);
		io_uring_prep_nop(a);
		io_uring_sqe_set_data64(a, 100);
		b = io_uring_get_sqe(&ring);
		c = io_uring_get_sqe(&ring);
		ASSERT_EQ((char *) c - (char *) b, 64);
		memset(b, 0, 128);
		b->opcode = IORING_OP_NOP128;
		b->fd = -1;
		io_uring_sqe_set_data64(b, 101);
		a = io_uring_get_sqe(&ring);
		io_uring_prep_nop(a);
		io_uring_sqe_set_data64(a, 102);
		ASSERT_GE(io_uring_submit(&ring), 3);
		for (__u64 ud = 100; ud < 103; ud++) {
			cqe = t_wait_cqe(&ring);
			ASSERT_EQ(cqe->user_data, ud);
			ASSERT_EQ(cqe->res, 0);
			io_uring_cqe_seen(&ring, cqe);
		}
	}
	file_io(&ring, 7);
	io_uring_queue_exit(&ring);
}

static void all_tests(void)
{
	test_cqsize();
	test_clamp();
	test_sqe128();
	test_cqe32();
	test_no_sqarray();
	/* Combined: all three layout flags at once. */
	{
		struct io_uring_params p;
		struct io_uring ring;

		params(&p, IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |
			   IORING_SETUP_NO_SQARRAY | IORING_SETUP_CQSIZE, 32);
		t_ring_init(&ring, 8, &p);
		ASSERT_NULL(ring.sq.array);
		ASSERT_EQ(ring.cq.ring_entries, 32);
		wrap_nops(&ring);
		file_io(&ring, 8);
		io_uring_queue_exit(&ring);
	}
	test_cqe_mixed();
	test_sqe_mixed();
}

int main(void)
{
	int fds, maps;

	snprintf(path, sizeof(path), "%s/file", t_tmpdir());
	fds = t_count_fds();
	/*
	 * Twice: the first pass lets libc (or ASan's allocator) make its
	 * one-time mappings; after the second the count must be unchanged.
	 */
	all_tests();
	ASSERT_EQ(t_count_fds(), fds);
	maps = t_count_maps();
	all_tests();
	ASSERT_EQ(t_count_fds(), fds);
	ASSERT_EQ(t_count_maps(), maps);
	return T_EXIT_PASS;
}
