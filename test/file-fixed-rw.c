/* SPDX-License-Identifier: MIT */
/*
 * Registered buffers: io_uring_prep_write_fixed / read_fixed, and the
 * vectored writev_fixed / readv_fixed (6.15), on a regular file. Writes are
 * checked on disk with pread(), reads against the file's known contents.
 * Addresses inside a registered buffer (not only its start) work; an index
 * that is not registered, an address outside the buffer and a request
 * after io_uring_unregister_buffers() fail with -EFAULT and move no data.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE	(256 * 1024)
#define BUF_SIZE	(64 * 1024)
#define SEED		11

static struct io_uring ring;

/* The file as the test expects it to be; the registered buffers. */
static unsigned char *model, *bufs[2];

static void check_disk(int fd)
{
	unsigned char *buf = malloc(FILE_SIZE);

	ASSERT_NOT_NULL(buf);
	ASSERT_EQ(pread(fd, buf, FILE_SIZE, 0), FILE_SIZE);
	ASSERT_MEM_EQ(buf, model, FILE_SIZE);
	free(buf);
}

static void fill(unsigned char *p, size_t len, unsigned char seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char) (seed + i * 7 + (i >> 8));
}

int main(void)
{
	struct iovec reg[2], iov[3];
	char *dir, path[4096];
	int fd, ret;

	t_ring_init(&ring, 8, NULL);
	dir = t_tmpdir();
	snprintf(path, sizeof(path), "%s/data", dir);
	fd = t_create_file(path, FILE_SIZE, SEED);
	model = malloc(FILE_SIZE);
	ASSERT_NOT_NULL(model);
	t_fill(model, FILE_SIZE, SEED);

	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(posix_memalign((void **) &bufs[i], 4096, BUF_SIZE), 0);
		memset(bufs[i], 0, BUF_SIZE);
		reg[i].iov_base = bufs[i];
		reg[i].iov_len = BUF_SIZE;
	}
	ret = io_uring_register_buffers(&ring, reg, 2);
	if (ret == -ENOMEM)
		t_skip("cannot pin registered buffers (RLIMIT_MEMLOCK)");
	ASSERT_EQ(ret, 0);

	/* write_fixed from the middle of buffer 0 */
	fill(bufs[0] + 1000, 20000, 3);
	io_uring_prep_write_fixed(t_get_dirty_sqe(&ring), fd, bufs[0] + 1000,
				  20000, 4096, 0);
	ASSERT_EQ(t_submit_one(&ring), 20000);
	memcpy(model + 4096, bufs[0] + 1000, 20000);
	check_disk(fd);

	/* read_fixed into the tail of buffer 1 */
	io_uring_prep_read_fixed(t_get_dirty_sqe(&ring), fd,
				 bufs[1] + BUF_SIZE - 8192, 8192, 100000, 1);
	ASSERT_EQ(t_submit_one(&ring), 8192);
	ASSERT_MEM_EQ(bufs[1] + BUF_SIZE - 8192, model + 100000, 8192);

	/* the write we did is what a fixed read now returns */
	memset(bufs[1], 0, BUF_SIZE);
	io_uring_prep_read_fixed(t_get_dirty_sqe(&ring), fd, bufs[1], 20000,
				 4096, 1);
	ASSERT_EQ(t_submit_one(&ring), 20000);
	ASSERT_MEM_EQ(bufs[1], bufs[0] + 1000, 20000);

	/* an index that was never registered */
	io_uring_prep_read_fixed(t_get_dirty_sqe(&ring), fd, bufs[1], 4096, 0,
				 2);
	ASSERT_EQ(t_submit_one(&ring), -EFAULT);
	/* buffer 0's index with buffer 1's address: outside the buffer */
	io_uring_prep_write_fixed(t_get_dirty_sqe(&ring), fd, bufs[1], 4096, 0,
				  0);
	ASSERT_EQ(t_submit_one(&ring), -EFAULT);
	/* running past the end of the registered buffer */
	io_uring_prep_read_fixed(t_get_dirty_sqe(&ring), fd,
				 bufs[0] + BUF_SIZE - 100, 200, 0, 0);
	ASSERT_EQ(t_submit_one(&ring), -EFAULT);
	check_disk(fd);

	if (!t_op_supported(IORING_OP_WRITEV_FIXED) ||
	    !t_op_supported(IORING_OP_READV_FIXED)) {
		io_uring_queue_exit(&ring);
		t_skip("kernel lacks READV_FIXED/WRITEV_FIXED (6.15); "
		       "READ_FIXED/WRITE_FIXED passed");
	}

	/* writev_fixed: three pieces of buffer 0, out of order */
	fill(bufs[0], BUF_SIZE, 99);
	iov[0].iov_base = bufs[0] + 40000;
	iov[0].iov_len = 5000;
	iov[1].iov_base = bufs[0] + 10;
	iov[1].iov_len = 3000;
	iov[2].iov_base = bufs[0] + 20000;
	iov[2].iov_len = 7000;
	io_uring_prep_writev_fixed(t_get_dirty_sqe(&ring), fd, iov, 3, 150000,
				   0, 0);
	ASSERT_EQ(t_submit_one(&ring), 15000);
	memcpy(model + 150000, bufs[0] + 40000, 5000);
	memcpy(model + 155000, bufs[0] + 10, 3000);
	memcpy(model + 158000, bufs[0] + 20000, 7000);
	check_disk(fd);

	/* readv_fixed: scatter into two pieces of buffer 1 */
	memset(bufs[1], 0, BUF_SIZE);
	iov[0].iov_base = bufs[1] + 30000;
	iov[0].iov_len = 6000;
	iov[1].iov_base = bufs[1] + 5;
	iov[1].iov_len = 9000;
	io_uring_prep_readv_fixed(t_get_dirty_sqe(&ring), fd, iov, 2, 149000, 0,
				  1);
	ASSERT_EQ(t_submit_one(&ring), 15000);
	ASSERT_MEM_EQ(bufs[1] + 30000, model + 149000, 6000);
	ASSERT_MEM_EQ(bufs[1] + 5, model + 155000, 9000);

	/* flags reach the kernel as rw_flags: an unknown RWF_ bit is refused */
	io_uring_prep_readv_fixed(t_get_dirty_sqe(&ring), fd, iov, 1, 0,
				  0x40000000, 1);
	ASSERT_EQ(t_submit_one(&ring), -EOPNOTSUPP);

	/* an iovec reaching outside its registered buffer */
	iov[0].iov_base = bufs[0] + BUF_SIZE - 10;
	iov[0].iov_len = 20;
	io_uring_prep_writev_fixed(t_get_dirty_sqe(&ring), fd, iov, 1, 0, 0, 0);
	ASSERT_EQ(t_submit_one(&ring), -EFAULT);
	check_disk(fd);

	/* with no buffers registered, fixed requests have nothing to use */
	ASSERT_EQ(io_uring_unregister_buffers(&ring), 0);
	io_uring_prep_read_fixed(t_get_dirty_sqe(&ring), fd, bufs[0], 4096, 0,
				 0);
	ASSERT_EQ(t_submit_one(&ring), -EFAULT);

	io_uring_queue_exit(&ring);
	close(fd);
	free(bufs[0]);
	free(bufs[1]);
	free(model);
	return T_EXIT_PASS;
}
