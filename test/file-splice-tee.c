/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_splice and io_uring_prep_tee:
 *  - file -> pipe -> file moves exactly the requested bytes from the
 *    given input offset to the given output offset (checked on disk),
 *    and with explicit offsets the file positions do not move;
 *  - an offset of -1 uses and advances the file position instead;
 *  - the two splices can run as one linked chain;
 *  - SPLICE_F_FD_IN_FIXED takes the input from the fixed file table;
 *  - tee duplicates pipe data into a second pipe without consuming it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE	(128 * 1024)
#define SEED		71

static struct io_uring ring;

/* dst must hold src's pattern from src_off at dst_off, zeros elsewhere. */
static void check_copy(int dst, size_t dst_off, size_t src_off, size_t len)
{
	/* room for the byte asked beyond the end, which must not come */
	unsigned char *buf = calloc(1, dst_off + len + 1);

	ASSERT_NOT_NULL(buf);
	ASSERT_EQ(pread(dst, buf, dst_off + len + 1, 0),
		  (ssize_t) (dst_off + len));
	for (size_t i = 0; i < dst_off; i++)
		ASSERT_EQ(buf[i], 0);
	ASSERT_EQ(t_check_fill(buf + dst_off, len, src_off, SEED), len);
	free(buf);
}

static void test_splice(int src, int dst)
{
	int p[2];

	ASSERT_EQ(pipe(p), 0);

	/* 20000 bytes of src from 4096 into the pipe */
	io_uring_prep_splice(t_get_dirty_sqe_ud(&ring, 1), src, 4096, p[1], -1,
			     20000, 0);
	ASSERT_EQ(t_submit_one(&ring), 20000);
	/* and out again to dst at 1000 */
	io_uring_prep_splice(t_get_dirty_sqe_ud(&ring, 2), p[0], -1, dst, 1000,
			     20000, 0);
	ASSERT_EQ(t_submit_one(&ring), 20000);
	check_copy(dst, 1000, 4096, 20000);
	ASSERT_EQ(lseek(src, 0, SEEK_CUR), 0);
	ASSERT_EQ(lseek(dst, 0, SEEK_CUR), 0);

	/* -1: use and advance the file positions */
	ASSERT_EQ(ftruncate(dst, 0), 0);
	ASSERT_EQ(lseek(src, 50000, SEEK_SET), 50000);
	ASSERT_EQ(lseek(dst, 300, SEEK_SET), 300);
	io_uring_prep_splice(t_get_dirty_sqe_ud(&ring, 3), src, -1, p[1], -1,
			     777, 0);
	ASSERT_EQ(t_submit_one(&ring), 777);
	ASSERT_EQ(lseek(src, 0, SEEK_CUR), 50777);
	io_uring_prep_splice(t_get_dirty_sqe_ud(&ring, 4), p[0], -1, dst, -1,
			     777, 0);
	ASSERT_EQ(t_submit_one(&ring), 777);
	ASSERT_EQ(lseek(dst, 0, SEEK_CUR), 300 + 777);
	check_copy(dst, 300, 50000, 777);
	ASSERT_EQ(lseek(src, 0, SEEK_SET), 0);
	ASSERT_EQ(lseek(dst, 0, SEEK_SET), 0);

	/* file -> pipe -> file as one linked chain */
	ASSERT_EQ(ftruncate(dst, 0), 0);
	{
		struct io_uring_sqe *sqe;
		struct io_uring_cqe *cqe;

		sqe = t_get_dirty_sqe_ud(&ring, 5);
		io_uring_prep_splice(sqe, src, 65536, p[1], -1, 30000, 0);
		sqe->flags |= IOSQE_IO_LINK;
		sqe->user_data = 5;
		sqe = t_get_dirty_sqe_ud(&ring, 6);
		io_uring_prep_splice(sqe, p[0], -1, dst, 0, 30000, 0);
		ASSERT_EQ(io_uring_submit(&ring), 2);
		for (__u64 ud = 5; ud <= 6; ud++) {
			cqe = t_wait_cqe(&ring);
			ASSERT_EQ(cqe->user_data, ud);
			ASSERT_EQ(cqe->res, 30000);
			io_uring_cqe_seen(&ring, cqe);
		}
	}
	check_copy(dst, 0, 65536, 30000);

	/* a splice from beyond EOF moves nothing */
	io_uring_prep_splice(t_get_dirty_sqe_ud(&ring, 7), src, FILE_SIZE, p[1],
			     -1, 100, 0);
	ASSERT_EQ(t_submit_one(&ring), 0);
	/* neither end a pipe */
	io_uring_prep_splice(t_get_dirty_sqe_ud(&ring, 8), src, 0, dst, 0, 100,
			     0);
	ASSERT_EQ(t_submit_one(&ring), -EINVAL);
	/* unknown flag bit */
	io_uring_prep_splice(t_get_dirty_sqe_ud(&ring, 9), src, 0, p[1], -1,
			     100, 1U << 20);
	ASSERT_EQ(t_submit_one(&ring), -EINVAL);

	close(p[0]);
	close(p[1]);
}

static void test_fixed_in(int src, int dst)
{
	int p[2], table[1];

	ASSERT_EQ(pipe(p), 0);
	table[0] = src;
	ASSERT_EQ(io_uring_register_files(&ring, table, 1), 0);
	ASSERT_EQ(ftruncate(dst, 0), 0);

	/* input: slot 0 of the fixed table */
	io_uring_prep_splice(t_get_dirty_sqe_ud(&ring, 10), 0, 8192, p[1], -1,
			     5000, SPLICE_F_FD_IN_FIXED);
	ASSERT_EQ(t_submit_one(&ring), 5000);
	io_uring_prep_splice(t_get_dirty_sqe_ud(&ring, 11), p[0], -1, dst, 0,
			     5000, 0);
	ASSERT_EQ(t_submit_one(&ring), 5000);
	check_copy(dst, 0, 8192, 5000);
	/* an empty/missing slot */
	io_uring_prep_splice(t_get_dirty_sqe_ud(&ring, 12), 1, 0, p[1], -1,
			     5000, SPLICE_F_FD_IN_FIXED);
	ASSERT_EQ(t_submit_one(&ring), -EBADF);

	ASSERT_EQ(io_uring_unregister_files(&ring), 0);
	close(p[0]);
	close(p[1]);
}

static void test_tee(void)
{
	static const char msg[] = "tee copies pipe data without consuming it";
	char a[64], b[64];
	int p1[2], p2[2];

	ASSERT_EQ(pipe(p1), 0);
	ASSERT_EQ(pipe(p2), 0);
	ASSERT_EQ(write(p1[1], msg, sizeof(msg)), (ssize_t) sizeof(msg));

	io_uring_prep_tee(t_get_dirty_sqe_ud(&ring, 20), p1[0], p2[1],
			  sizeof(msg), 0);
	ASSERT_EQ(t_submit_one(&ring), (int) sizeof(msg));

	/* both pipes now hold the message */
	ASSERT_EQ(read(p2[0], b, sizeof(b)), (ssize_t) sizeof(msg));
	ASSERT_MEM_EQ(b, msg, sizeof(msg));
	ASSERT_EQ(read(p1[0], a, sizeof(a)), (ssize_t) sizeof(msg));
	ASSERT_MEM_EQ(a, msg, sizeof(msg));

	/* a partial tee: only the first 10 bytes */
	ASSERT_EQ(write(p1[1], msg, sizeof(msg)), (ssize_t) sizeof(msg));
	io_uring_prep_tee(t_get_dirty_sqe_ud(&ring, 21), p1[0], p2[1], 10, 0);
	ASSERT_EQ(t_submit_one(&ring), 10);
	ASSERT_EQ(read(p2[0], b, sizeof(b)), 10);
	ASSERT_MEM_EQ(b, msg, 10);

	/* tee needs two pipes */
	{
		int fd = open("/dev/null", O_WRONLY);

		ASSERT_GE(fd, 0);
		io_uring_prep_tee(t_get_dirty_sqe_ud(&ring, 22), p1[0], fd, 10,
				  0);
		ASSERT_EQ(t_submit_one(&ring), -EINVAL);
		close(fd);
	}

	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
}

int main(void)
{
	char *dir, path[4096];
	int src, dst;

	t_require_op(IORING_OP_SPLICE);
	t_require_op(IORING_OP_TEE);
	t_ring_init(&ring, 8, NULL);
	dir = t_tmpdir();
	snprintf(path, sizeof(path), "%s/src", dir);
	src = t_create_file(path, FILE_SIZE, SEED);
	snprintf(path, sizeof(path), "%s/dst", dir);
	dst = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_GE(dst, 0);

	test_splice(src, dst);
	test_fixed_in(src, dst);
	test_tee();

	close(src);
	close(dst);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
