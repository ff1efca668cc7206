/* SPDX-License-Identifier: MIT */
/*
 * Reads that run into end of file, through the file prep helpers as well
 * as plain reads: a read crossing EOF returns the short count (exactly the
 * bytes that exist, with the right contents), a read at or past EOF
 * returns 0, for read_fixed, readv_fixed and readv alike; with offset -1
 * successive reads walk the file position to EOF and then return 0.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE	10000
#define SEED		101

static struct io_uring ring;
static unsigned char *buf;	/* file scope: still reachable on skip */

int main(void)
{
	struct iovec reg, iov[3];
	char *dir, path[4096];
	int fd, ret;

	t_ring_init(&ring, 4, NULL);
	dir = t_tmpdir();
	snprintf(path, sizeof(path), "%s/data", dir);
	fd = t_create_file(path, FILE_SIZE, SEED);
	ASSERT_EQ(posix_memalign((void **) &buf, 4096, 16384), 0);
	reg.iov_base = buf;
	reg.iov_len = 16384;
	ret = io_uring_register_buffers(&ring, &reg, 1);
	if (ret == -ENOMEM)
		t_skip("cannot pin registered buffers (RLIMIT_MEMLOCK)");
	ASSERT_EQ(ret, 0);

	/* read: 4096 at 8192 of a 10000-byte file -> 1808 */
	io_uring_prep_read(t_get_dirty_sqe(&ring), fd, buf, 4096, 8192);
	ASSERT_EQ(t_submit_one(&ring), FILE_SIZE - 8192);
	ASSERT_EQ(t_check_fill(buf, FILE_SIZE - 8192, 8192, SEED),
		  FILE_SIZE - 8192);
	io_uring_prep_read(t_get_dirty_sqe(&ring), fd, buf, 4096, FILE_SIZE);
	ASSERT_EQ(t_submit_one(&ring), 0);
	io_uring_prep_read(t_get_dirty_sqe(&ring), fd, buf, 4096, 1 << 20);
	ASSERT_EQ(t_submit_one(&ring), 0);

	/* read_fixed: same story */
	memset(buf, 0, 16384);
	io_uring_prep_read_fixed(t_get_dirty_sqe(&ring), fd, buf + 100, 5000,
				 7000, 0);
	ASSERT_EQ(t_submit_one(&ring), FILE_SIZE - 7000);
	ASSERT_EQ(t_check_fill(buf + 100, FILE_SIZE - 7000, 7000, SEED),
		  FILE_SIZE - 7000);
	ASSERT_EQ(buf[100 + FILE_SIZE - 7000], 0);	/* nothing beyond */
	io_uring_prep_read_fixed(t_get_dirty_sqe(&ring), fd, buf, 5000,
				 FILE_SIZE, 0);
	ASSERT_EQ(t_submit_one(&ring), 0);

	/* vectored: the short count spans iovecs */
	memset(buf, 0, 16384);
	for (int i = 0; i < 3; i++) {
		iov[i].iov_base = buf + i * 5000;
		iov[i].iov_len = 4096;
	}
	io_uring_prep_readv(t_get_dirty_sqe(&ring), fd, iov, 3, 4096);
	ASSERT_EQ(t_submit_one(&ring), FILE_SIZE - 4096);	/* 5904 */
	ASSERT_EQ(t_check_fill(buf, 4096, 4096, SEED), 4096);
	ASSERT_EQ(t_check_fill(buf + 5000, 1808, 8192, SEED), 1808);
	ASSERT_EQ(buf[5000 + 1808], 0);
	ASSERT_EQ(buf[10000], 0);
	if (t_op_supported(IORING_OP_READV_FIXED)) {
		memset(buf, 0, 16384);
		io_uring_prep_readv_fixed(t_get_dirty_sqe(&ring), fd, iov, 3,
					  4096, 0, 0);
		ASSERT_EQ(t_submit_one(&ring), FILE_SIZE - 4096);
		ASSERT_EQ(t_check_fill(buf + 5000, 1808, 8192, SEED), 1808);
		io_uring_prep_readv_fixed(t_get_dirty_sqe(&ring), fd, iov, 3,
					  FILE_SIZE, 0, 0);
		ASSERT_EQ(t_submit_one(&ring), 0);
	}

	/* the file position: 4096, 4096, 1808, then 0 and 0 */
	ASSERT_EQ(lseek(fd, 0, SEEK_SET), 0);
	{
		static const int want[] = { 4096, 4096, 1808, 0, 0 };

		for (int i = 0; i < 5; i++) {
			io_uring_prep_read(t_get_dirty_sqe(&ring), fd, buf,
					   4096, (__u64) -1);
			ASSERT_EQ(t_submit_one(&ring), want[i]);
			if (want[i])
				ASSERT_EQ(t_check_fill(buf, (size_t) want[i],
						       (size_t) i * 4096, SEED),
					  (size_t) want[i]);
		}
	}
	ASSERT_EQ(lseek(fd, 0, SEEK_CUR), FILE_SIZE);

	io_uring_queue_exit(&ring);
	free(buf);
	close(fd);
	return T_EXIT_PASS;
}
