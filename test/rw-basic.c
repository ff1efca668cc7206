/* SPDX-License-Identifier: MIT */
/*
 * Plain file I/O through the ring: io_uring_prep_write / read / writev /
 * readv / writev2 / readv2 on a file in a fresh directory. Written bytes
 * are checked on disk with pread(), read bytes against the file's known
 * pattern; a read crossing EOF is short by exactly the right amount; the
 * offset -1 means the file position; the v2 flags reach the kernel; bad
 * descriptors fail in cqe->res.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE	(64 * 1024)
#define SEED		3

static struct io_uring ring;

static void set_ud(struct io_uring_sqe *sqe, __u64 ud)
{
	io_uring_sqe_set_data64(sqe, ud);
}

/* The file must be the pattern, except [off, off+len) which equals data. */
static void check_file(int fd, const unsigned char *data, size_t off,
		       size_t len, size_t file_size)
{
	unsigned char *buf = malloc(file_size);
	struct stat st;

	ASSERT_NOT_NULL(buf);
	ASSERT_EQ(fstat(fd, &st), 0);
	ASSERT_EQ((size_t) st.st_size, file_size);
	ASSERT_EQ(pread(fd, buf, file_size, 0), (ssize_t) file_size);
	ASSERT_EQ(t_check_fill(buf, off, 0, SEED), off);
	ASSERT_MEM_EQ(buf + off, data, len);
	{
		size_t end = off + len;
		size_t pat_end = file_size < FILE_SIZE ? file_size : FILE_SIZE;

		if (end < pat_end)
			ASSERT_EQ(t_check_fill(buf + end, pat_end - end, end,
					       SEED), pat_end - end);
	}
	free(buf);
}

/* Put the pattern back over [off, off+len). */
static void restore(int fd, size_t off, size_t len)
{
	unsigned char *buf = malloc(FILE_SIZE);

	ASSERT_NOT_NULL(buf);
	t_fill(buf, FILE_SIZE, SEED);
	ASSERT_EQ(pwrite(fd, buf + off, len, (off_t) off), (ssize_t) len);
	free(buf);
}

static void test_read_write(int fd)
{
	static unsigned char wbuf[8192], rbuf[8192];
	struct io_uring_sqe *sqe;
	int res;

	/* read: 8 KiB from offset 4096. */
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, sizeof(rbuf), 4096);
	set_ud(sqe, 1);
	ASSERT_EQ(t_submit_one_ud(&ring, 1), (int) sizeof(rbuf));
	ASSERT_EQ(t_check_fill(rbuf, sizeof(rbuf), 4096, SEED), sizeof(rbuf));

	/* write: 5000 bytes of another pattern at an odd offset. */
	t_fill(wbuf, 5000, 77);
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_write(sqe, fd, wbuf, 5000, 12345);
	set_ud(sqe, 2);
	ASSERT_EQ(t_submit_one_ud(&ring, 2), 5000);
	check_file(fd, wbuf, 12345, 5000, FILE_SIZE);
	/* ... and read back through the ring. */
	memset(rbuf, 0, sizeof(rbuf));
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, 5000, 12345);
	set_ud(sqe, 3);
	ASSERT_EQ(t_submit_one_ud(&ring, 3), 5000);
	ASSERT_MEM_EQ(rbuf, wbuf, 5000);
	restore(fd, 12345, 5000);

	/* A read crossing EOF is short; one at EOF returns 0. */
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, sizeof(rbuf), FILE_SIZE - 1000);
	set_ud(sqe, 4);
	res = t_submit_one_ud(&ring, 4);
	ASSERT_EQ(res, 1000);
	ASSERT_EQ(t_check_fill(rbuf, 1000, FILE_SIZE - 1000, SEED), 1000);
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, sizeof(rbuf), FILE_SIZE);
	set_ud(sqe, 5);
	ASSERT_EQ(t_submit_one_ud(&ring, 5), 0);

	/* Offset -1: the file position is used and advanced. */
	ASSERT_EQ(lseek(fd, 300, SEEK_SET), 300);
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, 100, (__u64) -1);
	set_ud(sqe, 6);
	ASSERT_EQ(t_submit_one_ud(&ring, 6), 100);
	ASSERT_EQ(t_check_fill(rbuf, 100, 300, SEED), 100);
	ASSERT_EQ(lseek(fd, 0, SEEK_CUR), 400);
}

static void test_vectored(int fd)
{
	static unsigned char a[100], b[4000], c[3];
	static unsigned char ra[100], rb[4000], rc[3];
	unsigned char all[4103];
	struct iovec wv[3] = {
		{ a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) },
	};
	struct iovec rv[3] = {
		{ ra, sizeof(ra) }, { rb, sizeof(rb) }, { rc, sizeof(rc) },
	};
	struct io_uring_sqe *sqe;

	t_fill(a, sizeof(a), 11);
	t_fill(b, sizeof(b), 12);
	t_fill(c, sizeof(c), 13);
	memcpy(all, a, sizeof(a));
	memcpy(all + sizeof(a), b, sizeof(b));
	memcpy(all + sizeof(a) + sizeof(b), c, sizeof(c));

	/* writev: the three buffers land back to back. */
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_writev(sqe, fd, wv, 3, 20000);
	set_ud(sqe, 10);
	ASSERT_EQ(t_submit_one_ud(&ring, 10), (int) sizeof(all));
	check_file(fd, all, 20000, sizeof(all), FILE_SIZE);

	/* readv: split the same bytes back into three buffers. */
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_readv(sqe, fd, rv, 3, 20000);
	set_ud(sqe, 11);
	ASSERT_EQ(t_submit_one_ud(&ring, 11), (int) sizeof(all));
	ASSERT_MEM_EQ(ra, a, sizeof(a));
	ASSERT_MEM_EQ(rb, b, sizeof(b));
	ASSERT_MEM_EQ(rc, c, sizeof(c));
	restore(fd, 20000, sizeof(all));

	/* readv of pattern data at another offset, one segment only used
	 * partly at EOF: 100 + 4000 + 3 requested, 50 left in the file. */
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_readv(sqe, fd, rv, 3, FILE_SIZE - 50);
	set_ud(sqe, 12);
	ASSERT_EQ(t_submit_one_ud(&ring, 12), 50);
	ASSERT_EQ(t_check_fill(ra, 50, FILE_SIZE - 50, SEED), 50);

	/* writev2 with flags 0 behaves like writev. */
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_writev2(sqe, fd, wv, 3, 30000, 0);
	set_ud(sqe, 13);
	ASSERT_EQ(t_submit_one_ud(&ring, 13), (int) sizeof(all));
	check_file(fd, all, 30000, sizeof(all), FILE_SIZE);
	restore(fd, 30000, sizeof(all));

	/* readv2 with flags 0, then with an unknown flag: the
	 * kernel only sees (and refuses) it if the helper passed it on. */
	memset(ra, 0, sizeof(ra));
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_readv2(sqe, fd, rv, 1, 500, 0);
	set_ud(sqe, 14);
	ASSERT_EQ(t_submit_one_ud(&ring, 14), (int) sizeof(ra));
	ASSERT_EQ(t_check_fill(ra, sizeof(ra), 500, SEED), sizeof(ra));
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_readv2(sqe, fd, rv, 1, 500, (int) 0x40000000);
	set_ud(sqe, 15);
	ASSERT_EQ(t_submit_one_ud(&ring, 15), -EOPNOTSUPP);

	/* writev2 with RWF_APPEND: the data goes to EOF, whatever the
	 * offset says. */
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_writev2(sqe, fd, wv, 3, 0, RWF_APPEND);
	set_ud(sqe, 16);
	ASSERT_EQ(t_submit_one_ud(&ring, 16), (int) sizeof(all));
	check_file(fd, all, FILE_SIZE, sizeof(all), FILE_SIZE + sizeof(all));
	ASSERT_EQ(ftruncate(fd, FILE_SIZE), 0);

	/* writev2 with RWF_DSYNC: accepted, data on disk. */
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_writev2(sqe, fd, wv, 3, 40000, RWF_DSYNC);
	set_ud(sqe, 17);
	ASSERT_EQ(t_submit_one_ud(&ring, 17), (int) sizeof(all));
	check_file(fd, all, 40000, sizeof(all), FILE_SIZE);
	restore(fd, 40000, sizeof(all));
}

static void test_errors(const char *path)
{
	struct io_uring_sqe *sqe;
	char buf[64];
	int fd, ro;

	/* A closed descriptor. */
	fd = open("/dev/null", O_RDONLY);
	ASSERT_GE(fd, 0);
	close(fd);
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_read(sqe, fd, buf, sizeof(buf), 0);
	set_ud(sqe, 20);
	ASSERT_EQ(t_submit_one_ud(&ring, 20), -EBADF);
	/* A negative one. */
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_read(sqe, -1, buf, sizeof(buf), 0);
	set_ud(sqe, 21);
	ASSERT_EQ(t_submit_one_ud(&ring, 21), -EBADF);
	/* Writing through a read-only descriptor. */
	ro = open(path, O_RDONLY);
	ASSERT_GE(ro, 0);
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_write(sqe, ro, buf, sizeof(buf), 0);
	set_ud(sqe, 22);
	ASSERT_EQ(t_submit_one_ud(&ring, 22), -EBADF);
	close(ro);
}

/* Several requests in one submit, each with its own buffer and result. */
static void test_batch(int fd)
{
	static unsigned char bufs[8][1024];
	bool seen[8] = { false };

	for (unsigned i = 0; i < 8; i++) {
		struct io_uring_sqe *sqe = t_get_dirty_sqe(&ring);

		io_uring_prep_read(sqe, fd, bufs[i], sizeof(bufs[i]),
				   (__u64) i * 4096 + i);
		set_ud(sqe, 100 + i);
	}
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 8), 8);
	for (unsigned i = 0; i < 8; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(&ring);
		__u64 idx = cqe->user_data - 100;

		ASSERT_LT(idx, 8);
		ASSERT(!seen[idx]);
		seen[idx] = true;
		ASSERT_EQ(cqe->res, 1024);
		ASSERT_EQ(t_check_fill(bufs[idx], 1024, idx * 4096 + idx, SEED),
			  1024);
		io_uring_cqe_seen(&ring, cqe);
	}
}

int main(void)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/rw-basic.dat", t_tmpdir());
	fd = t_create_file(path, FILE_SIZE, SEED);
	t_ring_init(&ring, 8, NULL);

	test_read_write(fd);
	test_vectored(fd);
	test_errors(path);
	test_batch(fd);

	io_uring_queue_exit(&ring);
	close(fd);
	return T_EXIT_PASS;
}
