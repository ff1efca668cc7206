/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_ftruncate (6.9): shrinking a file cuts st_size and a read
 * past the new end returns 0; growing it (to 8 GiB, so the 64-bit length
 * must arrive intact) reads back zeros after the old data, which stays
 * untouched. A negative length and a descriptor not open for writing are
 * refused and leave the size alone.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE	65536
#define SEED		51

static struct io_uring ring;

static int do_ftruncate(int fd, loff_t len)
{
	struct io_uring_sqe *sqe = t_get_dirty_sqe(&ring);

	io_uring_prep_ftruncate(sqe, fd, len);
	return t_submit_one(&ring);
}

static off_t size_of(int fd)
{
	struct stat st;

	ASSERT_EQ(fstat(fd, &st), 0);
	return st.st_size;
}

int main(void)
{
	unsigned char buf[8192];
	char *dir, path[4096];
	int fd, rfd;

	t_require_op(IORING_OP_FTRUNCATE);
	t_ring_init(&ring, 4, NULL);
	dir = t_tmpdir();
	snprintf(path, sizeof(path), "%s/data", dir);
	fd = t_create_file(path, FILE_SIZE, SEED);

	/* shrink */
	ASSERT_EQ(do_ftruncate(fd, 5000), 0);
	ASSERT_EQ(size_of(fd), 5000);
	ASSERT_EQ(pread(fd, buf, sizeof(buf), 0), 5000);
	ASSERT_EQ(t_check_fill(buf, 5000, 0, SEED), 5000);
	ASSERT_EQ(pread(fd, buf, sizeof(buf), 5000), 0);

	/* grow to 8 GiB: a sparse tail of zeros */
	ASSERT_EQ(do_ftruncate(fd, (loff_t) 8 << 30), 0);
	ASSERT_EQ(size_of(fd), (off_t) 8 << 30);
	ASSERT_EQ(pread(fd, buf, sizeof(buf), 0), (ssize_t) sizeof(buf));
	ASSERT_EQ(t_check_fill(buf, 5000, 0, SEED), 5000);
	for (size_t i = 5000; i < sizeof(buf); i++)
		ASSERT_EQ(buf[i], 0);
	ASSERT_EQ(pread(fd, buf, 100, ((off_t) 8 << 30) - 50), 50);
	ASSERT_EQ(buf[0], 0);

	/* to zero */
	ASSERT_EQ(do_ftruncate(fd, 0), 0);
	ASSERT_EQ(size_of(fd), 0);

	/* refused: negative length, read-only descriptor, no descriptor */
	ASSERT_EQ(do_ftruncate(fd, 4096), 0);
	ASSERT_EQ(do_ftruncate(fd, -1), -EINVAL);
	ASSERT_EQ(size_of(fd), 4096);
	rfd = open(path, O_RDONLY);
	ASSERT_GE(rfd, 0);
	ASSERT_LT(do_ftruncate(rfd, 100), 0);
	ASSERT_EQ(size_of(fd), 4096);
	close(rfd);
	ASSERT_EQ(do_ftruncate(9999, 0), -EBADF);

	close(fd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
