/* SPDX-License-Identifier: MIT */
/*
 * The uringkit_bufring API (include/uringkit/bufring.h) on its own:
 *  - bad input to uringkit_bufring_create() (nr_bufs 0 or not a power of
 *    two or too large, buf_size 0 or too large, unknown flags, bad bgid,
 *    no ring, a group already registered) gives the documented negative
 *    errno, registers nothing and leaks neither fds nor memory;
 *  - buffer addresses: page-aligned first buffer, fixed stride, NULL out
 *    of range;
 *  - ownership: a buffer decoded from a CQE can be recycled once; the
 *    kernel's buffers cannot (-EALREADY); out-of-range bids are -EINVAL;
 *    a failing recycle_n() changes nothing;
 *  - real consumption by pipe reads: data in the buffer the CQE names,
 *    available() and the kernel's head agree, recycled buffers come back
 *    in the order they were recycled;
 *  - uringkit_bufring_cqe_buf() and uringkit_bufring_cqe_state() on
 *    hand-made CQEs;
 *  - uringkit_bufring_free(): NULL is fine; after io_uring_queue_exit()
 *    it reports the unregistration error but still releases the memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uringkit/bufring.h>
#include "test.h"

static struct io_uring ring;

/* Virtual size of the process in KiB (robust to allocator noise). */
static long vm_size_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	ASSERT_NOT_NULL(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSize: %ld kB", &kb) == 1)
			break;
	fclose(f);
	ASSERT_GT(kb, 0);
	return kb;
}

static void expect_fail(int bgid, unsigned nr, unsigned size, unsigned flags,
			int want)
{
	struct uringkit_bufring *br;
	uint16_t head;
	int err = 12345;

	br = uringkit_bufring_create(&ring, bgid, nr, size, flags, &err);
	if (br)
		t_fail("create(bgid %d, nr %u, size %u, flags %u) succeeded",
		       bgid, nr, size, flags);
	ASSERT_EQ(err, want);
	/* err may be NULL. */
	ASSERT_NULL(uringkit_bufring_create(&ring, bgid, nr, size, flags,
					    NULL));
	/* Nothing registered under that group. */
	if (bgid >= 0 && bgid <= 0xffff && want != -EEXIST)
		ASSERT_EQ(io_uring_buf_ring_head(&ring, bgid, &head), -ENOENT);
}

static void test_bad_input(void)
{
	struct uringkit_bufring *br, *held;
	int fds = t_count_fds(), err;
	long vm0;

	expect_fail(1, 0, 64, 0, -EINVAL);
	expect_fail(1, 3, 64, 0, -EINVAL);
	expect_fail(1, 6, 64, 0, -EINVAL);
	expect_fail(1, 32769, 64, 0, -EINVAL);
	expect_fail(1, 65536, 64, 0, -EINVAL);
	expect_fail(1, 1U << 31, 64, 0, -EINVAL);
	expect_fail(1, 8, 0, 0, -EINVAL);
	expect_fail(1, 8, URINGKIT_BUFRING_MAX_BUF_SIZE + 1, 0, -EINVAL);
	expect_fail(1, 8, 64, 1, -EINVAL);
	/* URINGKIT_BUFRING_INC is IOU_PBUF_RING_INC; the next bit is unknown. */
	expect_fail(1, 8, 64, IOU_PBUF_RING_INC << 1, -EINVAL);
	expect_fail(1, 8, 64, IOU_PBUF_RING_MMAP, -EINVAL);
	expect_fail(-1, 8, 64, 0, -EINVAL);
	expect_fail(65536, 8, 64, 0, -EINVAL);
	err = 1;
	ASSERT_NULL(uringkit_bufring_create(NULL, 1, 8, 64, 0, &err));
	ASSERT_EQ(err, -EINVAL);

	/* The largest geometry: 32768 x 0x7ffff000 bytes, about 64 TiB. */
	br = uringkit_bufring_create(&ring, 1, URINGKIT_BUFRING_MAX_BUFS,
				     URINGKIT_BUFRING_MAX_BUF_SIZE, 0, &err);
	if (br) {
		/* vm.overcommit_memory=1 allows it; then it must work. */
		ASSERT_EQ(err, 0);
		ASSERT_EQ(uringkit_bufring_available(br),
			  URINGKIT_BUFRING_MAX_BUFS);
		ASSERT_EQ(uringkit_bufring_free(br), 0);
	} else {
		ASSERT_EQ(err, -ENOMEM);
	}

	/*
	 * A failure inside the kernel, after the memory was mapped: the group
	 * exists already. Repeated 64 times with 16 MiB of buffers each: a
	 * leak would grow the address space by 1 GiB.
	 */
	held = uringkit_bufring_create(&ring, 7, 8, 64, 0, &err);
	ASSERT_NOT_NULL(held);
	vm0 = vm_size_kb();
	for (int i = 0; i < 64; i++)
		expect_fail(7, 64, 256 << 10, 0, -EEXIST);
	ASSERT_LT(vm_size_kb() - vm0, 64 * 1024);
	/* A successful create/free cycle returns all its memory too. */
	for (int i = 0; i < 64; i++) {
		br = uringkit_bufring_create(&ring, 8, 64, 256 << 10, 0, &err);
		ASSERT_NOT_NULL(br);
		ASSERT_EQ(uringkit_bufring_free(br), 0);
	}
	ASSERT_LT(vm_size_kb() - vm0, 64 * 1024);
	ASSERT_EQ(uringkit_bufring_free(held), 0);
	ASSERT_EQ(t_count_fds(), fds);
	printf("bad input: every case refused with the right errno, no fd or "
	       "memory left behind\n");
}

static void test_layout(void)
{
	struct uringkit_bufring *br;
	long page = sysconf(_SC_PAGESIZE);
	int err;

	/* 512 entries: a two-page ring; odd buffer size. */
	br = uringkit_bufring_create(&ring, 3, 512, 1000, 0, &err);
	ASSERT_NOT_NULL(br);
	ASSERT_EQ(err, 0);
	ASSERT_EQ((unsigned long) uringkit_bufring_buf(br, 0) % page, 0);
	for (unsigned bid = 0; bid < 512; bid++) {
		unsigned char *b = uringkit_bufring_buf(br, bid);

		ASSERT(b == (unsigned char *) uringkit_bufring_buf(br, 0) +
			    bid * 1000);
		/* Every byte of every buffer is ours to write. */
		memset(b, (int) bid, 1000);
	}
	ASSERT_NULL(uringkit_bufring_buf(br, 512));
	ASSERT_NULL(uringkit_bufring_buf(br, ~0U));
	ASSERT_EQ(uringkit_bufring_available(br), 512);
	ASSERT_EQ(uringkit_bufring_recycle(br, 0), -EALREADY);
	ASSERT_EQ(uringkit_bufring_recycle(br, 511), -EALREADY);
	ASSERT_EQ(uringkit_bufring_recycle(br, 512), -EINVAL);
	ASSERT_EQ(uringkit_bufring_recycle_n(br, NULL, 0), 0);
	ASSERT_EQ(uringkit_bufring_recycle_n(br, NULL, 1), -EINVAL);
	ASSERT_EQ(uringkit_bufring_free(br), 0);

	/* One buffer of one byte is a valid ring. */
	br = uringkit_bufring_create(&ring, 3, 1, 1, 0, &err);
	ASSERT_NOT_NULL(br);
	ASSERT_EQ(uringkit_bufring_available(br), 1);
	ASSERT_NULL(uringkit_bufring_buf(br, 1));
	ASSERT_EQ(uringkit_bufring_free(br), 0);
	ASSERT_EQ(uringkit_bufring_free(NULL), 0);
}

static void make_cqe(struct io_uring_cqe *cqe, int res, unsigned flags)
{
	memset(cqe, 0, sizeof(*cqe));
	cqe->res = res;
	cqe->flags = flags;
}

static void test_cqe_decoding(void)
{
	struct uringkit_bufring *br;
	struct io_uring_cqe cqe;
	unsigned bid = 99, len = 99;
	void *p;
	int err;

	/* State: a pure function of res and flags. */
	make_cqe(&cqe, 100, IORING_CQE_F_MORE | IORING_CQE_F_BUFFER);
	ASSERT_EQ(uringkit_bufring_cqe_state(&cqe), URINGKIT_BUFRING_MORE);
	make_cqe(&cqe, -ENOBUFS, 0);
	ASSERT_EQ(uringkit_bufring_cqe_state(&cqe),
		  URINGKIT_BUFRING_ENDED_NOBUFS);
	make_cqe(&cqe, -ENOBUFS, IORING_CQE_F_MORE);
	ASSERT_EQ(uringkit_bufring_cqe_state(&cqe), URINGKIT_BUFRING_MORE);
	make_cqe(&cqe, 100, IORING_CQE_F_BUFFER);
	ASSERT_EQ(uringkit_bufring_cqe_state(&cqe), URINGKIT_BUFRING_ENDED);
	make_cqe(&cqe, 0, 0);
	ASSERT_EQ(uringkit_bufring_cqe_state(&cqe), URINGKIT_BUFRING_ENDED);
	make_cqe(&cqe, -ECANCELED, 0);
	ASSERT_EQ(uringkit_bufring_cqe_state(&cqe), URINGKIT_BUFRING_ENDED);
	make_cqe(&cqe, -ENOBUFS - 1, 0);
	ASSERT_EQ(uringkit_bufring_cqe_state(&cqe), URINGKIT_BUFRING_ENDED);

	/*
	 * Decoding hand-made CQEs claims buffers the kernel still holds, so
	 * this ring is only decoded, never recycled into, then freed.
	 */
	br = uringkit_bufring_create(&ring, 4, 8, 32, 0, &err);
	ASSERT_NOT_NULL(br);
	make_cqe(&cqe, 10, IORING_CQE_F_MORE);		/* no buffer */
	ASSERT_NULL(uringkit_bufring_cqe_buf(br, &cqe, &bid, &len));
	ASSERT_EQ(bid, 99);
	ASSERT_EQ(len, 99);
	make_cqe(&cqe, 10, IORING_CQE_F_BUFFER | (8U << IORING_CQE_BUFFER_SHIFT));
	ASSERT_NULL(uringkit_bufring_cqe_buf(br, &cqe, &bid, &len));
	ASSERT_EQ(bid, 99);
	ASSERT_EQ(uringkit_bufring_available(br), 8);

	make_cqe(&cqe, 10, IORING_CQE_F_BUFFER | (5U << IORING_CQE_BUFFER_SHIFT));
	p = uringkit_bufring_cqe_buf(br, &cqe, &bid, &len);
	ASSERT(p == uringkit_bufring_buf(br, 5));
	ASSERT_EQ(bid, 5);
	ASSERT_EQ(len, 10);
	ASSERT_EQ(uringkit_bufring_available(br), 7);
	/* Twice: harmless. NULL out-parameters are fine. */
	ASSERT(uringkit_bufring_cqe_buf(br, &cqe, NULL, NULL) == p);
	ASSERT_EQ(uringkit_bufring_available(br), 7);
	/* A buffer with an error or empty result has length 0. */
	make_cqe(&cqe, -ECONNRESET,
		 IORING_CQE_F_BUFFER | (3U << IORING_CQE_BUFFER_SHIFT));
	ASSERT_NOT_NULL(uringkit_bufring_cqe_buf(br, &cqe, &bid, &len));
	ASSERT_EQ(bid, 3);
	ASSERT_EQ(len, 0);
	ASSERT_EQ(uringkit_bufring_available(br), 6);

	/* recycle_n fails as a whole: out of range, kernel-held, duplicate. */
	{
		unsigned bad1[3] = { 3, 5, 8 };
		unsigned bad2[2] = { 3, 4 };
		unsigned bad3[3] = { 5, 3, 5 };

		ASSERT_EQ(uringkit_bufring_recycle_n(br, bad1, 3), -EINVAL);
		ASSERT_EQ(uringkit_bufring_recycle_n(br, bad2, 2), -EALREADY);
		ASSERT_EQ(uringkit_bufring_recycle_n(br, bad3, 3), -EALREADY);
		ASSERT_EQ(uringkit_bufring_available(br), 6);
	}
	ASSERT_EQ(uringkit_bufring_recycle(br, 9), -EINVAL);
	ASSERT_EQ(uringkit_bufring_free(br), 0);
}

/* A selected-buffer read from a pipe (length: the buffer's). */
static struct io_uring_cqe *read_select(int fd, int bgid)
{
	struct io_uring_sqe *sqe = t_get_sqe(&ring);

	io_uring_prep_rw(IORING_OP_READ, sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = (__u16) bgid;
	ASSERT_EQ(io_uring_submit(&ring), 1);
	return t_wait_cqe(&ring);
}

static void test_consumption(void)
{
	struct uringkit_bufring *br;
	struct io_uring_cqe *cqe;
	unsigned bid, len, back[3] = { 2, 0, 3 };
	uint16_t head0, head;
	char msg[32];
	int p[2], err, n;
	void *buf;

	ASSERT_EQ(pipe(p), 0);
	br = uringkit_bufring_create(&ring, 6, 4, 32, 0, &err);
	ASSERT_NOT_NULL(br);
	ASSERT_EQ(io_uring_buf_ring_head(&ring, 6, &head0), 0);

	for (int i = 0; i < 4; i++) {
		n = snprintf(msg, sizeof(msg), "read number %d", i);
		ASSERT_EQ(write(p[1], msg, (size_t) n), n);
		cqe = read_select(p[0], 6);
		ASSERT_EQ(cqe->res, n);
		buf = uringkit_bufring_cqe_buf(br, cqe, &bid, &len);
		ASSERT_NOT_NULL(buf);
		ASSERT_EQ(len, (unsigned) n);
		ASSERT_MEM_EQ(buf, msg, (size_t) n);
		/* A fresh ring hands out bids 0, 1, 2, 3 in order. */
		ASSERT_EQ(bid, (unsigned) i);
		io_uring_cqe_seen(&ring, cqe);
		ASSERT_EQ(uringkit_bufring_available(br), 3 - i);
		ASSERT_EQ(io_uring_buf_ring_head(&ring, 6, &head), 0);
		ASSERT_EQ((uint16_t) (head - head0), i + 1);
	}

	/* Dry: a read fails with -ENOBUFS and leaves the data in the pipe. */
	ASSERT_EQ(write(p[1], "late", 4), 4);
	cqe = read_select(p[0], 6);
	ASSERT_EQ(cqe->res, -ENOBUFS);
	ASSERT_NULL(uringkit_bufring_cqe_buf(br, cqe, NULL, NULL));
	ASSERT_EQ(uringkit_bufring_cqe_state(cqe),
		  URINGKIT_BUFRING_ENDED_NOBUFS);
	io_uring_cqe_seen(&ring, cqe);

	/* Recycle 2, 0, 3 (one publication), then 1 later. */
	ASSERT_EQ(uringkit_bufring_recycle_n(br, back, 3), 3);
	ASSERT_EQ(uringkit_bufring_available(br), 3);
	ASSERT_EQ(uringkit_bufring_recycle(br, 2), -EALREADY);
	cqe = read_select(p[0], 6);
	ASSERT_EQ(cqe->res, 4);
	buf = uringkit_bufring_cqe_buf(br, cqe, &bid, &len);
	ASSERT_EQ(bid, 2);
	ASSERT_MEM_EQ(buf, "late", 4);
	io_uring_cqe_seen(&ring, cqe);
	ASSERT_EQ(uringkit_bufring_recycle(br, 1), 0);
	/* Ring order now: 0, 3, 1. */
	for (int i = 0; i < 3; i++) {
		static const unsigned want[3] = { 0, 3, 1 };

		ASSERT_EQ(write(p[1], "x", 1), 1);
		cqe = read_select(p[0], 6);
		ASSERT_EQ(cqe->res, 1);
		ASSERT_NOT_NULL(uringkit_bufring_cqe_buf(br, cqe, &bid, NULL));
		ASSERT_EQ(bid, want[i]);
		io_uring_cqe_seen(&ring, cqe);
	}
	ASSERT_EQ(uringkit_bufring_available(br), 0);
	ASSERT_EQ(io_uring_buf_ring_head(&ring, 6, &head), 0);
	ASSERT_EQ((uint16_t) (head - head0), 8);

	ASSERT_EQ(uringkit_bufring_free(br), 0);
	ASSERT_EQ(io_uring_buf_ring_head(&ring, 6, &head), -ENOENT);
	close(p[0]);
	close(p[1]);
}

/* Freeing after the ring is gone: an error, but the memory goes. */
static void test_free_after_exit(void)
{
	struct io_uring r2;
	struct uringkit_bufring *br;
	long vm0;
	int err, ret;

	t_ring_init(&r2, 4, NULL);
	br = uringkit_bufring_create(&r2, 1, 64, 1 << 20, 0, &err);
	ASSERT_NOT_NULL(br);
	vm0 = vm_size_kb();
	io_uring_queue_exit(&r2);
	ret = uringkit_bufring_free(br);
	printf("uringkit_bufring_free after io_uring_queue_exit: %d (%s)\n",
	       ret, strerror(-ret));
	ASSERT_EQ(ret, -EBADF);
	/* 64 MiB of buffers released all the same. */
	ASSERT_LT(vm_size_kb(), vm0 - 60 * 1024);
}

int main(void)
{
	struct uringkit_bufring *probe;
	int err;

	t_ring_init(&ring, 8, NULL);
	probe = uringkit_bufring_create(&ring, 1, 8, 64, 0, &err);
	if (!probe && err == -EINVAL)
		t_skip("kernel lacks provided-buffer rings");
	ASSERT_NOT_NULL(probe);
	ASSERT_EQ(uringkit_bufring_free(probe), 0);

	test_bad_input();
	test_layout();
	test_cqe_decoding();
	test_consumption();
	test_free_after_exit();

	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
