/* SPDX-License-Identifier: MIT */
/*
 * io_uring_setup_buf_ring and io_uring_free_buf_ring, with user memory and
 * with kernel memory (IOU_PBUF_RING_MMAP): the returned ring starts empty
 * (tail 0), buffers added to it are used by selected-buffer reads, free
 * unregisters and unmaps. Failures return NULL with *err set and leave no
 * mapping behind: a bad entry count (-EINVAL) and a group id already in
 * use (-EEXIST).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

#define BUFLEN	32

static struct io_uring ring;
static int pipefd[2];

static int read_select(int bgid, int *bid)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;
	int res;

	ASSERT_NOT_NULL(sqe);
	io_uring_prep_rw(IORING_OP_READ, sqe, pipefd[0], NULL, BUFLEN, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = (__u16) bgid;
	io_uring_sqe_set_data64(sqe, 7);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	res = cqe->res;
	*bid = res >= 0 && (cqe->flags & IORING_CQE_F_BUFFER) ?
	       (int) (cqe->flags >> IORING_CQE_BUFFER_SHIFT) : -1;
	io_uring_cqe_seen(&ring, cqe);
	return res;
}

/* Set up, use and free a ring of n entries in group bgid. */
static void exercise(unsigned n, int bgid, unsigned flags)
{
	static char bufs[4][BUFLEN];
	struct io_uring_buf_ring *br;
	unsigned long long before = t_mapped_bytes();
	uint16_t head;
	int err = 1, bid;

	br = io_uring_setup_buf_ring(&ring, n, bgid, flags, &err);
	ASSERT_NOT_NULL(br);
	ASSERT_EQ(err, 0);
	ASSERT_EQ(br->tail, 0);
	ASSERT_EQ(io_uring_buf_ring_head(&ring, bgid, &head), 0);
	ASSERT_EQ(head, 0);
	/* Empty: no buffer to select. */
	ASSERT_EQ(write(pipefd[1], "a", 1), 1);
	ASSERT_EQ(read_select(bgid, &bid), -ENOBUFS);

	/* Add 4 buffers at the end of the ring array too (n may be 1). */
	for (unsigned i = 0; i < 4 && i < n; i++) {
		struct io_uring_buf *b = &br->bufs[i & (n - 1)];

		b->addr = (unsigned long) bufs[i];
		b->len = BUFLEN;
		b->bid = (unsigned short) (10 + i);
	}
	io_uring_smp_store_release(&br->tail, (unsigned short) (n < 4 ? n : 4));
	ASSERT_EQ(read_select(bgid, &bid), 1);	/* the pending "a" */
	ASSERT_EQ(bid, 10);
	ASSERT_EQ(bufs[0][0], 'a');
	if (n > 1) {
		ASSERT_EQ(write(pipefd[1], "bcd", 3), 3);
		ASSERT_EQ(read_select(bgid, &bid), 3);
		ASSERT_EQ(bid, 11);
		ASSERT_MEM_EQ(bufs[1], "bcd", 3);
	}
	ASSERT_EQ(io_uring_buf_ring_head(&ring, bgid, &head), 0);
	ASSERT_EQ(head, n > 1 ? 2 : 1);

	ASSERT_EQ(io_uring_free_buf_ring(&ring, br, n, bgid), 0);
	ASSERT_EQ(io_uring_buf_ring_head(&ring, bgid, &head), -ENOENT);
	ASSERT_EQ(t_mapped_bytes(), before);
}

static void expect_fail(unsigned n, int bgid, unsigned flags, int want)
{
	int fds = t_count_fds();	/* first: it may allocate */
	unsigned long long before = t_mapped_bytes();
	int err = 0;

	ASSERT_NULL(io_uring_setup_buf_ring(&ring, n, bgid, flags, &err));
	ASSERT_EQ(err, want);
	ASSERT_EQ(t_mapped_bytes(), before);
	ASSERT_EQ(t_count_fds(), fds);
}

int main(void)
{
	struct io_uring_buf_ring *br;
	int err;

	t_ring_init(&ring, 8, NULL);
	ASSERT_EQ(pipe(pipefd), 0);

	exercise(8, 1, 0);
	exercise(1, 2, 0);
	exercise(32768, 3, 0);		/* 512 KiB of descriptors */
	exercise(8, 4, IOU_PBUF_RING_MMAP);
	exercise(4096, 5, IOU_PBUF_RING_MMAP);
	/* The group ids were released: reuse one. */
	exercise(16, 1, IOU_PBUF_RING_MMAP);

	/* Bad entry counts, both memory kinds. */
	for (int m = 0; m < 2; m++) {
		unsigned fl = m ? IOU_PBUF_RING_MMAP : 0;

		expect_fail(0, 9, fl, -EINVAL);
		expect_fail(3, 9, fl, -EINVAL);
		expect_fail(65536, 9, fl, -EINVAL);
		expect_fail(1U << 31, 9, fl, -EINVAL);
	}
	/* Unknown flag bits: the kernel refuses, nothing stays mapped. */
	expect_fail(8, 9, 0x80, -EINVAL);

	/* A group already in use, both memory kinds. */
	br = io_uring_setup_buf_ring(&ring, 8, 6, 0, &err);
	ASSERT_NOT_NULL(br);
	expect_fail(8, 6, 0, -EEXIST);
	expect_fail(8, 6, IOU_PBUF_RING_MMAP, -EEXIST);
	ASSERT_EQ(io_uring_free_buf_ring(&ring, br, 8, 6), 0);
	/* Freeing twice: the group is no longer registered. */
	ASSERT_EQ(io_uring_unregister_buf_ring(&ring, 6), -ENOENT);

	/* Incrementally consumed buffers (6.12): set up and freed. */
	br = io_uring_setup_buf_ring(&ring, 8, 7, IOU_PBUF_RING_INC, &err);
	if (br) {
		ASSERT_EQ(err, 0);
		ASSERT_EQ(io_uring_free_buf_ring(&ring, br, 8, 7), 0);
	} else {
		ASSERT_EQ(err, -EINVAL);
	}

	io_uring_queue_exit(&ring);
	close(pipefd[0]);
	close(pipefd[1]);
	return T_EXIT_PASS;
}
