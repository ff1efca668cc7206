/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_fallocate, checked through fstat(): plain allocation grows
 * st_size and st_blocks; FALLOC_FL_KEEP_SIZE allocates beyond EOF without
 * changing st_size; FALLOC_FL_PUNCH_HOLE | KEEP_SIZE frees blocks and the
 * range then reads as zeros while the data around it survives; a range
 * above 4 GiB shows the 64-bit offset and length arrive intact. The mode
 * word reaches the kernel: PUNCH_HOLE without KEEP_SIZE is refused.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/falloc.h>
#include "test.h"

#define MIB		(1024 * 1024)

static struct io_uring ring;

static int do_fallocate(int fd, int mode, __u64 off, __u64 len)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;
	int res;

	ASSERT_NOT_NULL(sqe);
	memset(sqe, 0xff, sizeof(*sqe));
	io_uring_prep_fallocate(sqe, fd, mode, off, len);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	res = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	return res;
}

static struct stat st_of(int fd)
{
	struct stat st;

	ASSERT_EQ(fstat(fd, &st), 0);
	return st;
}

int main(void)
{
	unsigned char *buf;
	struct stat st, st2;
	char *dir, path[4096];
	int fd, ret;

	t_ring_init(&ring, 4, NULL);
	dir = t_tmpdir();
	snprintf(path, sizeof(path), "%s/space", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_GE(fd, 0);

	st = st_of(fd);
	ASSERT_EQ(st.st_size, 0);

	/* plain allocation: size and blocks */
	ret = do_fallocate(fd, 0, 0, MIB);
	if (ret == -EOPNOTSUPP)
		t_skip("%s does not support fallocate", dir);
	ASSERT_EQ(ret, 0);
	st = st_of(fd);
	ASSERT_EQ(st.st_size, MIB);
	ASSERT_GE(st.st_blocks, MIB / 512);

	/* KEEP_SIZE: blocks beyond EOF, size unchanged */
	ASSERT_EQ(do_fallocate(fd, FALLOC_FL_KEEP_SIZE, MIB, MIB), 0);
	st2 = st_of(fd);
	ASSERT_EQ(st2.st_size, MIB);
	ASSERT_GE(st2.st_blocks, st.st_blocks + MIB / 512);

	/* punch a hole into written data */
	buf = malloc(MIB);
	ASSERT_NOT_NULL(buf);
	t_fill(buf, MIB, 41);
	ASSERT_EQ(pwrite(fd, buf, MIB, 0), MIB);
	ASSERT_EQ(fsync(fd), 0);
	st = st_of(fd);
	ASSERT_EQ(do_fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			       256 * 1024, 512 * 1024), 0);
	st2 = st_of(fd);
	ASSERT_EQ(st2.st_size, MIB);
	ASSERT_LE(st2.st_blocks, st.st_blocks - 512 * 1024 / 512);
	{
		unsigned char *back = malloc(MIB);
		size_t i;

		ASSERT_NOT_NULL(back);
		ASSERT_EQ(pread(fd, back, MIB, 0), MIB);
		ASSERT_MEM_EQ(back, buf, 256 * 1024);
		for (i = 256 * 1024; i < 768 * 1024; i++)
			if (back[i])
				t_fail("byte %zu of the hole is %#x", i, back[i]);
		ASSERT_MEM_EQ(back + 768 * 1024, buf + 768 * 1024, 256 * 1024);
		free(back);
	}

	/* the kernel insists on KEEP_SIZE with PUNCH_HOLE */
	ASSERT_EQ(do_fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 4096),
		  -EOPNOTSUPP);
	ASSERT_EQ(st_of(fd).st_size, MIB);

	/* 64-bit offset and length: 64 KiB at 5 GiB, beyond EOF */
	st = st_of(fd);
	ASSERT_EQ(do_fallocate(fd, FALLOC_FL_KEEP_SIZE, 5ULL << 30, 65536), 0);
	st2 = st_of(fd);
	ASSERT_EQ(st2.st_size, MIB);
	ASSERT_GE(st2.st_blocks, st.st_blocks + 65536 / 512);
	/* and extending the size that far */
	ASSERT_EQ(do_fallocate(fd, 0, (5ULL << 30) + 65536, 4096), 0);
	ASSERT_EQ(st_of(fd).st_size, (off_t) ((5ULL << 30) + 65536 + 4096));

	/* not a regular file, not a descriptor */
	ASSERT_EQ(do_fallocate(9999, 0, 0, 4096), -EBADF);
	{
		int p[2];

		ASSERT_EQ(pipe(p), 0);
		ASSERT_EQ(do_fallocate(p[1], 0, 0, 4096), -ESPIPE);
		close(p[0]);
		close(p[1]);
	}

	free(buf);
	close(fd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
