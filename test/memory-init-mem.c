/* SPDX-License-Identifier: MIT */
/*
 * io_uring_queue_init_mem(): the rings live in memory we provide. It
 * returns the bytes used (== io_uring_memory_size_params()), touches
 * nothing beyond them, rejects bad buffers with nothing created, and two
 * rings can be packed into one region.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test.h"

#define CANARY 0xc5

static size_t page;

static unsigned char *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		t_fail("mmap(%zu): %s", len, strerror(errno));
	return p;
}

/* Fill the SQ completely with NOPs, submit, reap every one. */
static void fill_and_reap(struct io_uring *ring, __u64 base)
{
	unsigned n = ring->sq.ring_entries;
	__u64 sum = 0;

	t_submit_nops(ring, n, base);
	ASSERT_NULL(io_uring_get_sqe(ring));	/* really full */
	ASSERT_EQ(io_uring_submit(ring), (int) n);
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(ring);

		ASSERT_EQ(cqe->res, 0);
		ASSERT_GE(cqe->user_data, base);
		ASSERT_LT(cqe->user_data, base + n);
		sum += cqe->user_data - base;
		io_uring_cqe_seen(ring, cqe);
	}
	ASSERT_EQ(sum, (__u64) n * (n - 1) / 2);
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
}

static void check_canary(const unsigned char *p, size_t len, const char *what)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != CANARY)
			t_fail("%s: byte %zu changed to 0x%02x", what, i, p[i]);
}

static void one(unsigned entries, unsigned flags, unsigned cq)
{
	struct io_uring_params p;
	struct io_uring ring;
	unsigned char *buf;
	ssize_t size;
	size_t extra = 3 * page;
	int ret, fds = t_count_fds();

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.cq_entries = cq;
	size = io_uring_memory_size_params(entries, &p);
	ASSERT_GT(size, 0);
	ASSERT_EQ(size % (ssize_t) page, 0);

	buf = map((size_t) size + extra);
	memset(buf, CANARY, (size_t) size + extra);
	ret = io_uring_queue_init_mem(entries, &ring, &p, buf,
				      (size_t) size + extra);
	if (ret == -ENOSYS || ret == -EPERM)
		t_skip("io_uring unavailable: %s", strerror(-ret));
	ASSERT_EQ(ret, size);
	ASSERT_NE(ring.flags & IORING_SETUP_NO_MMAP, 0);
	ASSERT_GE(ring.ring_fd, 0);
	ASSERT_EQ(t_count_fds(), fds + 1);
	/* All ring memory lies inside what we gave. */
	ASSERT((unsigned char *) ring.sq.sqes >= buf);
	ASSERT((unsigned char *) ring.sq.ring_ptr >= buf);
	ASSERT((unsigned char *) (ring.cq.cqes + ring.cq.ring_entries) <=
	       buf + size);

	fill_and_reap(&ring, 0);
	fill_and_reap(&ring, 1000);
	check_canary(buf + size, extra, "memory beyond the returned size");
	io_uring_queue_exit(&ring);
	ASSERT_EQ(t_count_fds(), fds);
	/* Still ours, still mapped, untouched past the ring. */
	check_canary(buf + size, extra, "memory beyond the ring after exit");
	memset(buf, 0, (size_t) size);
	munmap(buf, (size_t) size + extra);
}

static void expect_fail(const char *what, unsigned entries, void *buf,
			size_t len, int want)
{
	struct io_uring_params p;
	struct io_uring ring;
	int fds = t_count_fds(), maps = t_count_maps(), ret;

	memset(&p, 0, sizeof(p));
	memset(&ring, 0xa5, sizeof(ring));
	ret = io_uring_queue_init_mem(entries, &ring, &p, buf, len);
	if (ret != want)
		t_fail("%s: %d (%s), want %d (%s)", what, ret,
		       ret < 0 ? strerror(-ret) : "success", want,
		       strerror(-want));
	ASSERT_EQ(t_count_fds(), fds);
	ASSERT_EQ(t_count_maps(), maps);
	/* A failed ring is reset, so io_uring_queue_exit() is harmless. */
	if (ring.ring_fd != -1)
		t_fail("%s: the failed ring was not reset (ring_fd %d)", what,
		       ring.ring_fd);
	io_uring_queue_exit(&ring);
	ASSERT_EQ(t_count_fds(), fds);
}

int main(void)
{
	struct io_uring_params p;
	unsigned char *buf;
	ssize_t size, s1, s2;

	page = (size_t) sysconf(_SC_PAGESIZE);
	t_require_setup_flags(IORING_SETUP_NO_MMAP);

	one(1, 0, 0);
	one(8, 0, 0);
	one(64, 0, 0);
	one(256, 0, 0);
	one(4096, 0, 0);
	one(32, IORING_SETUP_SQE128, 0);
	one(32, IORING_SETUP_CQE32, 0);
	one(128, IORING_SETUP_NO_SQARRAY, 0);
	one(16, IORING_SETUP_CQSIZE, 1024);
	one(100, IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |
		 IORING_SETUP_NO_SQARRAY | IORING_SETUP_CQSIZE, 512);

	/* Bad buffers: clear errors, nothing created. */
	memset(&p, 0, sizeof(p));
	size = io_uring_memory_size_params(64, &p);
	ASSERT_GT(size, 0);
	buf = map((size_t) size + page);
	expect_fail("NULL buffer", 64, NULL, (size_t) size, -EINVAL);
	expect_fail("unaligned buffer", 64, buf + 1, (size_t) size, -EINVAL);
	expect_fail("buffer 1 byte short", 64, buf, (size_t) size - 1, -ENOMEM);
	expect_fail("buffer a page short", 64, buf, (size_t) size - page,
		    -ENOMEM);
	expect_fail("buffer of 0 bytes", 64, buf, 0, -ENOMEM);
	expect_fail("entries 0", 0, buf, (size_t) size, -EINVAL);
	expect_fail("entries 32769", 32769, buf, (size_t) size, -EINVAL);
	munmap(buf, (size_t) size + page);

	/* Two rings packed one after the other in one region. */
	memset(&p, 0, sizeof(p));
	s1 = io_uring_memory_size_params(16, &p);
	p.flags = IORING_SETUP_CQE32;
	s2 = io_uring_memory_size_params(64, &p);
	ASSERT_GT(s1, 0);
	ASSERT_GT(s2, 0);
	buf = map((size_t) (s1 + s2) + page);
	memset(buf, CANARY, (size_t) (s1 + s2) + page);
	{
		struct io_uring r1, r2;
		struct io_uring_params p1, p2;
		ssize_t used;

		memset(&p1, 0, sizeof(p1));
		used = io_uring_queue_init_mem(16, &r1, &p1, buf,
					       (size_t) (s1 + s2) + page);
		ASSERT_EQ(used, s1);
		memset(&p2, 0, sizeof(p2));
		p2.flags = IORING_SETUP_CQE32;
		ASSERT_EQ(io_uring_queue_init_mem(64, &r2, &p2, buf + used,
						  (size_t) (s2 + page)), s2);
		/* Interleave: each ring's traffic must not disturb the other. */
		for (int i = 0; i < 3; i++) {
			fill_and_reap(&r1, 100 * (__u64) i);
			fill_and_reap(&r2, 10000 + 100 * (__u64) i);
		}
		t_submit_nops(&r1, 4, 1);
		t_submit_nops(&r2, 4, 2);
		ASSERT_EQ(io_uring_submit(&r2), 4);
		ASSERT_EQ(io_uring_submit(&r1), 4);
		ASSERT_EQ(io_uring_cq_ready(&r1), 4);
		ASSERT_EQ(io_uring_cq_ready(&r2), 4);
		io_uring_cq_advance(&r1, 4);
		io_uring_cq_advance(&r2, 4);
		check_canary(buf + s1 + s2, page, "beyond the second ring");
		io_uring_queue_exit(&r1);
		/* The second keeps working after the first is gone. */
		fill_and_reap(&r2, 50000);
		io_uring_queue_exit(&r2);
	}
	munmap(buf, (size_t) (s1 + s2) + page);
	return T_EXIT_PASS;
}
