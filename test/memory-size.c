/* SPDX-License-Identifier: MIT */
/*
 * io_uring_memory_size() and _params(): positive, whole pages, monotonic
 * in the entry count, SQE128 adds exactly the extra SQE bytes, bad
 * parameters get -EINVAL, and the answer equals what the kernel really
 * allocates: the sizes of the rings region (IORING_OFF_SQ_RING) and the
 * SQE region (IORING_OFF_SQES), measured on a live ring.
 *
 * Measuring: the kernel maps at most the region's pages into a mapping
 * of the ring fd (a longer mapping is either refused or left with no
 * pages past the region's end). mincore() tells which pages of a long
 * mapping are present, without touching (and faulting on) the rest.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test.h"

static size_t page;

static size_t align_page(size_t v)
{
	return (v + page - 1) & ~(page - 1);
}

/* Pages of the region at off in the ring fd, up to max_pages. */
static size_t region_pages(int fd, off_t off, size_t max_pages)
{
	size_t len = max_pages * page, n = 0;
	unsigned char vec[4096];
	void *p;

	ASSERT_LE(max_pages, sizeof(vec));
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
	if (p == MAP_FAILED) {
		/* Refused as too long: find the longest length accepted. */
		for (n = 1; n <= max_pages; n++) {
			p = mmap(NULL, n * page, PROT_READ, MAP_SHARED, fd, off);
			if (p == MAP_FAILED)
				break;
			munmap(p, n * page);
		}
		return n - 1;
	}
	ASSERT_EQ(mincore(p, len, vec), 0);
	while (n < max_pages && (vec[n] & 1))
		n++;
	/* Nothing present past the end: the region is contiguous. */
	for (size_t i = n; i < max_pages; i++)
		if (vec[i] & 1)
			t_fail("page %zu present after a hole at %zu", i, n);
	munmap(p, len);
	return n;
}

static void cross_check(unsigned entries, unsigned flags, unsigned cq)
{
	struct io_uring_params p;
	ssize_t want;
	size_t rings, sqes, cap;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.cq_entries = cq;
	want = io_uring_memory_size_params(entries, &p);
	ASSERT_GT(want, 0);

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.cq_entries = cq;
	fd = io_uring_setup(entries, &p);
	if (fd == -ENOSYS || fd == -EPERM)
		t_skip("io_uring unavailable: %s", strerror(-fd));
	ASSERT_GE(fd, 0);
	cap = (size_t) want / page + 8;
	if (cap > 4096)
		cap = 4096;
	rings = region_pages(fd, IORING_OFF_SQ_RING, cap);
	sqes = region_pages(fd, IORING_OFF_SQES, cap);
	close(fd);
	ASSERT_GT(rings, 0);
	ASSERT_GT(sqes, 0);
	if ((size_t) want != (rings + sqes) * page)
		t_fail("entries %u flags 0x%x cq %u: io_uring_memory_size_params "
		       "= %zd, kernel regions %zu + %zu pages = %zu", entries,
		       flags, cq, want, rings, sqes, (rings + sqes) * page);
}

static ssize_t msize(unsigned entries, unsigned flags, unsigned cq)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.cq_entries = cq;
	return io_uring_memory_size_params(entries, &p);
}

int main(void)
{
	static const unsigned flag_bits[] = {
		IORING_SETUP_SQE128, IORING_SETUP_CQE32, IORING_SETUP_CQSIZE,
		IORING_SETUP_NO_SQARRAY,
	};
	static const unsigned sizes[] = { 1, 2, 7, 8, 64, 100, 128, 1000,
					  4096, 8192 };
	struct io_uring_params p;

	page = (size_t) sysconf(_SC_PAGESIZE);

	for (unsigned combo = 0; combo < 16; combo++) {
		unsigned flags = 0;

		for (int b = 0; b < 4; b++)
			if (combo & (1U << b))
				flags |= flag_bits[b];

		/* Positive, whole pages, monotonic, over every size. */
		{
			ssize_t prev = 0;

			for (unsigned e = 1; e <= 4096; e++) {
				ssize_t s = msize(e, flags, 8192);

				if (s <= 0 || s % (ssize_t) page)
					t_fail("flags 0x%x entries %u: %zd", flags,
					       e, s);
				if (s < prev)
					t_fail("flags 0x%x: size(%u) = %zd < "
					       "size(%u) = %zd", flags, e, s,
					       e - 1, prev);
				prev = s;
			}
		}
		/* io_uring_memory_size() is the same with flags alone. */
		if (!(flags & IORING_SETUP_CQSIZE))
			for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
				ASSERT_EQ(io_uring_memory_size(sizes[i], flags),
					  msize(sizes[i], flags, 0));

		/* SQE128 adds exactly the doubled SQE array. */
		if (!(flags & IORING_SETUP_SQE128))
			for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
				unsigned e = sizes[i], sq = t_roundup_pow2(e);
				ssize_t small = msize(e, flags, 4 * sq);
				ssize_t big = msize(e, flags | IORING_SETUP_SQE128,
						    4 * sq);

				ASSERT_EQ((size_t) (big - small),
					  align_page((size_t) sq * 128) -
					  align_page((size_t) sq * 64));
				if (sq >= 64)
					ASSERT_EQ(big - small, (ssize_t) sq * 64);
			}

		/* Equal to the kernel's own regions. */
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			cross_check(sizes[i], flags,
				    flags & IORING_SETUP_CQSIZE ?
				    4 * t_roundup_pow2(sizes[i]) : 0);
		if (flags & IORING_SETUP_CQSIZE) {
			cross_check(8, flags, 8);
			cross_check(8, flags, 65536);
			cross_check(4, flags, 100);
		}
	}
	/* The largest ring. */
	cross_check(32768, 0, 0);

	/* Bad parameters. */
	ASSERT_EQ(io_uring_memory_size(0, 0), -EINVAL);
	ASSERT_EQ(io_uring_memory_size(32769, 0), -EINVAL);
	ASSERT_EQ(io_uring_memory_size(32769, IORING_SETUP_CLAMP),
		  io_uring_memory_size(32768, 0));
	ASSERT_EQ(msize(8, IORING_SETUP_CQSIZE, 0), -EINVAL);
	ASSERT_EQ(msize(8, IORING_SETUP_CQSIZE, 4), -EINVAL);
	ASSERT_EQ(msize(8, IORING_SETUP_CQSIZE, 65537), -EINVAL);
	ASSERT_EQ(msize(8, IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP, 1U << 30),
		  msize(8, IORING_SETUP_CQSIZE, 65536));
	/* init_mem implies NO_MMAP, which REGISTERED_FD_ONLY needs. */
	ASSERT_EQ(io_uring_memory_size(8, IORING_SETUP_REGISTERED_FD_ONLY),
		  io_uring_memory_size(8, 0));
	ASSERT_EQ(io_uring_memory_size_params(8, NULL), -EINVAL);
	memset(&p, 0, sizeof(p));
	ASSERT_EQ(io_uring_memory_size_params(0, &p), -EINVAL);
	return T_EXIT_PASS;
}
