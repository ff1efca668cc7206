/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_fadvise / fadvise64 and io_uring_prep_madvise / madvise64,
 * judged by their effect on memory:
 *  - POSIX_FADV_DONTNEED on a clean, synced file drops its pages from the
 *    page cache (mincore() on a mapping sees none resident), and
 *    POSIX_FADV_WILLNEED brings them back; fadvise64 does the same with a
 *    length above 4 GiB, and a 32-bit length limits the range affected;
 *  - MADV_DONTNEED on private anonymous memory throws the contents away,
 *    so it reads back as zeros; madvise64 does it with a 64-bit length and
 *    only over the range given.
 * Unknown advice values are refused with -EINVAL.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <time.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE	(1024 * 1024)

static struct io_uring ring;
static long page;

/* Pages of [map + off, map + off + len) resident in memory. */
static size_t resident(void *map, size_t off, size_t len)
{
	size_t n = len / (size_t) page, count = 0;
	unsigned char *vec = malloc(n);

	ASSERT_NOT_NULL(vec);
	ASSERT_EQ(mincore((char *) map + off, len, vec), 0);
	for (size_t i = 0; i < n; i++)
		count += vec[i] & 1;
	free(vec);
	return count;
}

/* WILLNEED starts readahead; give it up to two seconds to finish. */
static bool wait_resident(void *map, size_t want)
{
	for (int i = 0; i < 200; i++) {
		if (resident(map, 0, FILE_SIZE) >= want)
			return true;
		usleep(10000);
	}
	return false;
}

static void test_fadvise(void)
{
	const size_t pages = FILE_SIZE / (size_t) page;
	char *dir, path[4096];
	void *map;
	int fd;

	dir = t_tmpdir();
	snprintf(path, sizeof(path), "%s/data", dir);
	fd = t_create_file(path, FILE_SIZE, 61);
	ASSERT_EQ(fsync(fd), 0);
	map = mmap(NULL, FILE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT(map != MAP_FAILED);
	{
		struct statfs sfs;

		/* tmpfs pages are the file itself: advice cannot drop them */
		ASSERT_EQ(fstatfs(fd, &sfs), 0);
		if (sfs.f_type == TMPFS_MAGIC)
			t_skip("%s is on tmpfs, where fadvise has no visible "
			       "effect (madvise passed)", dir);
	}

	/* freshly written: in the page cache */
	ASSERT_EQ(resident(map, 0, FILE_SIZE), pages);

	/* DONTNEED, len 0 = to end of file: all clean pages go */
	io_uring_prep_fadvise(t_get_dirty_sqe(&ring), fd, 0, 0,
			      POSIX_FADV_DONTNEED);
	ASSERT_EQ(t_submit_one(&ring), 0);
	ASSERT_EQ(resident(map, 0, FILE_SIZE), 0);

	/* WILLNEED reads them back in */
	io_uring_prep_fadvise(t_get_dirty_sqe(&ring), fd, 0, FILE_SIZE,
			      POSIX_FADV_WILLNEED);
	ASSERT_EQ(t_submit_one(&ring), 0);
	if (!wait_resident(map, pages))
		t_fail("WILLNEED: only %zu of %zu pages resident",
		       resident(map, 0, FILE_SIZE), pages);

	/* a 32-bit length limits the range: drop only the first half */
	io_uring_prep_fadvise(t_get_dirty_sqe(&ring), fd, 0, FILE_SIZE / 2,
			      POSIX_FADV_DONTNEED);
	ASSERT_EQ(t_submit_one(&ring), 0);
	ASSERT_EQ(resident(map, 0, FILE_SIZE / 2), 0);
	ASSERT_EQ(resident(map, FILE_SIZE / 2, FILE_SIZE / 2), pages / 2);

	/* fadvise64: a length over 4 GiB covers the rest of the file */
	io_uring_prep_fadvise64(t_get_dirty_sqe(&ring), fd, FILE_SIZE / 4,
				(off_t) 5 << 30, POSIX_FADV_DONTNEED);
	ASSERT_EQ(t_submit_one(&ring), 0);
	ASSERT_EQ(resident(map, 0, FILE_SIZE), 0);

	/* and the offset is honoured: WILLNEED for the second half only */
	io_uring_prep_fadvise64(t_get_dirty_sqe(&ring), fd, FILE_SIZE / 2,
				(off_t) FILE_SIZE / 2, POSIX_FADV_WILLNEED);
	ASSERT_EQ(t_submit_one(&ring), 0);
	if (!wait_resident(map, pages / 2))
		t_fail("fadvise64 WILLNEED: %zu pages resident",
		       resident(map, 0, FILE_SIZE));
	ASSERT_EQ(resident(map, 0, FILE_SIZE / 4), 0);

	io_uring_prep_fadvise(t_get_dirty_sqe(&ring), fd, 0, 0, 12345);
	ASSERT_EQ(t_submit_one(&ring), -EINVAL);
	io_uring_prep_fadvise(t_get_dirty_sqe(&ring), 9999, 0, 0,
			      POSIX_FADV_NORMAL);
	ASSERT_EQ(t_submit_one(&ring), -EBADF);

	munmap(map, FILE_SIZE);
	close(fd);
}

static bool all_zero(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void test_madvise(void)
{
	const size_t len = 64 * (size_t) page;
	unsigned char *mem;

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT(mem != MAP_FAILED);
	memset(mem, 0xa5, len);
	ASSERT_EQ(resident(mem, 0, len), 64);

	/* DONTNEED over the first 16 pages: they read back as zeros */
	io_uring_prep_madvise(t_get_dirty_sqe(&ring), mem, (__u32) (16 * page),
			      MADV_DONTNEED);
	ASSERT_EQ(t_submit_one(&ring), 0);
	ASSERT(all_zero(mem, 16 * (size_t) page));
	ASSERT_EQ(mem[16 * page], 0xa5);

	/* madvise64 over pages 32..63 only */
	memset(mem, 0xa5, len);
	io_uring_prep_madvise64(t_get_dirty_sqe(&ring), mem + 32 * page,
				32 * page, MADV_DONTNEED);
	ASSERT_EQ(t_submit_one(&ring), 0);
	/* (before reading them, which would map the zero page) */
	ASSERT_EQ(resident(mem, 32 * (size_t) page, 32 * (size_t) page), 0);
	ASSERT_EQ(resident(mem, 0, 32 * (size_t) page), 32);
	ASSERT_EQ(mem[32 * page - 1], 0xa5);
	ASSERT(all_zero(mem + 32 * page, 32 * (size_t) page));

	/* advice and alignment are checked by the kernel */
	io_uring_prep_madvise(t_get_dirty_sqe(&ring), mem, (__u32) page, 12345);
	ASSERT_EQ(t_submit_one(&ring), -EINVAL);
	io_uring_prep_madvise(t_get_dirty_sqe(&ring), mem + 1, (__u32) page,
			      MADV_DONTNEED);
	ASSERT_EQ(t_submit_one(&ring), -EINVAL);
	/* harmless advice */
	io_uring_prep_madvise64(t_get_dirty_sqe(&ring), mem, (off_t) len,
				MADV_NORMAL);
	ASSERT_EQ(t_submit_one(&ring), 0);

	munmap(mem, len);
}

int main(void)
{
	page = sysconf(_SC_PAGESIZE);
	t_require_op(IORING_OP_FADVISE);
	t_require_op(IORING_OP_MADVISE);
	t_ring_init(&ring, 4, NULL);
	test_madvise();
	test_fadvise();
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
