/* SPDX-License-Identifier: MIT */
/*
 * SQE encoding of the file I/O prep helpers (prep_file.h), without a
 * kernel: every helper runs on an SQE full of 0xff bytes, and all fields of
 * the 64-byte SQE are then compared with what the kernel reads for the
 * opcode. Any field the opcode does not use must come out zero, since the
 * kernel fails requests carrying stale bits there. Covers the helpers whose
 * opcode this kernel may lack (URING_CMD128 is 6.19) and the one-based
 * file_index encoding of io_uring_prep_pipe_direct().
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <linux/falloc.h>
#include "test.h"

#define check(sqe, ...) t_check_sqe(sqe, __VA_ARGS__)

#define P(x) ((__u64) (uintptr_t) (x))

static void test_fixed_rw(void)
{
	struct io_uring_sqe sqe;
	char buf[16];
	struct iovec iov[2];

	t_dirty_sqe(&sqe);
	io_uring_prep_read_fixed(&sqe, 5, buf, 16, 4096, 3);
	check(&sqe, { .opcode = IORING_OP_READ_FIXED, .fd = 5, .off = 4096,
		      .addr = P(buf), .len = 16, .buf_index = 3 });
	t_dirty_sqe(&sqe);
	io_uring_prep_write_fixed(&sqe, 6, buf, 8, 0, 65535);
	check(&sqe, { .opcode = IORING_OP_WRITE_FIXED, .fd = 6,
		      .addr = P(buf), .len = 8, .buf_index = 65535 });
	t_dirty_sqe(&sqe);
	io_uring_prep_readv_fixed(&sqe, 7, iov, 2, 512, RWF_HIPRI, 1);
	check(&sqe, { .opcode = IORING_OP_READV_FIXED, .fd = 7, .off = 512,
		      .addr = P(iov), .len = 2, .op_flags = RWF_HIPRI,
		      .buf_index = 1 });
	t_dirty_sqe(&sqe);
	io_uring_prep_writev_fixed(&sqe, 8, iov, 1, (__u64) -1, RWF_DSYNC, 2);
	check(&sqe, { .opcode = IORING_OP_WRITEV_FIXED, .fd = 8,
		      .off = (__u64) -1, .addr = P(iov), .len = 1,
		      .op_flags = RWF_DSYNC, .buf_index = 2 });

	/* Buffer selection is part of the opcode, so the helper sets it. */
	t_dirty_sqe(&sqe);
	io_uring_prep_read_multishot(&sqe, 9, 0, 0, 17);
	check(&sqe, { .opcode = IORING_OP_READ_MULTISHOT,
		      .flags = IOSQE_BUFFER_SELECT, .fd = 9, .buf_index = 17 });
	ASSERT_EQ(sqe.buf_group, 17);
}

static void test_sync_alloc_advise(void)
{
	struct io_uring_sqe sqe;
	char *map = (char *) 0x100000;

	t_dirty_sqe(&sqe);
	io_uring_prep_fsync(&sqe, 3, 0);
	check(&sqe, { .opcode = IORING_OP_FSYNC, .fd = 3 });
	t_dirty_sqe(&sqe);
	io_uring_prep_fsync(&sqe, 3, IORING_FSYNC_DATASYNC);
	check(&sqe, { .opcode = IORING_OP_FSYNC, .fd = 3,
		      .op_flags = IORING_FSYNC_DATASYNC });
	ASSERT_EQ(sqe.fsync_flags, IORING_FSYNC_DATASYNC);

	t_dirty_sqe(&sqe);
	io_uring_prep_sync_file_range(&sqe, 4, 8192, 1ULL << 33,
				      SYNC_FILE_RANGE_WRITE);
	check(&sqe, { .opcode = IORING_OP_SYNC_FILE_RANGE, .fd = 4,
		      .off = 1ULL << 33, .len = 8192,
		      .op_flags = SYNC_FILE_RANGE_WRITE });

	/* fallocate: mode in len, the 64-bit length in addr */
	t_dirty_sqe(&sqe);
	io_uring_prep_fallocate(&sqe, 5, FALLOC_FL_PUNCH_HOLE |
				FALLOC_FL_KEEP_SIZE, 1ULL << 40, 1ULL << 35);
	check(&sqe, { .opcode = IORING_OP_FALLOCATE, .fd = 5,
		      .off = 1ULL << 40, .addr = 1ULL << 35,
		      .len = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE });

	t_dirty_sqe(&sqe);
	io_uring_prep_fadvise(&sqe, 6, 4096, 65536, POSIX_FADV_DONTNEED);
	check(&sqe, { .opcode = IORING_OP_FADVISE, .fd = 6, .off = 4096,
		      .len = 65536, .op_flags = POSIX_FADV_DONTNEED });
	t_dirty_sqe(&sqe);
	io_uring_prep_fadvise64(&sqe, 6, 4096, (off_t) 1 << 36,
				POSIX_FADV_WILLNEED);
	check(&sqe, { .opcode = IORING_OP_FADVISE, .fd = 6, .off = 4096,
		      .addr = 1ULL << 36, .op_flags = POSIX_FADV_WILLNEED });
	ASSERT_EQ(sqe.fadvise_advice, (__u32) POSIX_FADV_WILLNEED);

	t_dirty_sqe(&sqe);
	io_uring_prep_madvise(&sqe, map, 4096, MADV_DONTNEED);
	check(&sqe, { .opcode = IORING_OP_MADVISE, .fd = -1, .addr = P(map),
		      .len = 4096, .op_flags = MADV_DONTNEED });
	t_dirty_sqe(&sqe);
	io_uring_prep_madvise64(&sqe, map, (off_t) 1 << 33, MADV_WILLNEED);
	check(&sqe, { .opcode = IORING_OP_MADVISE, .fd = -1,
		      .off = 1ULL << 33, .addr = P(map),
		      .op_flags = MADV_WILLNEED });

	t_dirty_sqe(&sqe);
	io_uring_prep_ftruncate(&sqe, 7, (loff_t) 1 << 34);
	check(&sqe, { .opcode = IORING_OP_FTRUNCATE, .fd = 7,
		      .off = 1ULL << 34 });
}

static void test_splice_pipe_table(void)
{
	struct io_uring_sqe sqe;
	int fds[4];

	t_dirty_sqe(&sqe);
	io_uring_prep_splice(&sqe, 3, -1, 4, 8192, 1000,
			     SPLICE_F_MOVE | SPLICE_F_FD_IN_FIXED);
	check(&sqe, { .opcode = IORING_OP_SPLICE, .fd = 4, .off = 8192,
		      .addr = (__u64) -1, .len = 1000,
		      .op_flags = SPLICE_F_MOVE | SPLICE_F_FD_IN_FIXED,
		      .file_index = 3 });
	ASSERT_EQ(sqe.splice_fd_in, 3);
	ASSERT_EQ(sqe.splice_off_in, (__u64) -1);
	t_dirty_sqe(&sqe);
	io_uring_prep_splice(&sqe, 5, 1 << 20, 6, -1, 7, 0);
	check(&sqe, { .opcode = IORING_OP_SPLICE, .fd = 6, .off = (__u64) -1,
		      .addr = 1 << 20, .len = 7, .file_index = 5 });

	/* tee: the kernel insists on splice_off_in == off == 0 */
	t_dirty_sqe(&sqe);
	io_uring_prep_tee(&sqe, 8, 9, 4096, SPLICE_F_NONBLOCK);
	check(&sqe, { .opcode = IORING_OP_TEE, .fd = 9, .len = 4096,
		      .op_flags = SPLICE_F_NONBLOCK, .file_index = 8 });

	/* pipe: fd must be 0 */
	t_dirty_sqe(&sqe);
	io_uring_prep_pipe(&sqe, fds, O_CLOEXEC | O_NONBLOCK);
	check(&sqe, { .opcode = IORING_OP_PIPE, .addr = P(fds),
		      .op_flags = O_CLOEXEC | O_NONBLOCK });
	ASSERT_EQ(sqe.pipe_flags, (__u32) (O_CLOEXEC | O_NONBLOCK));
	t_dirty_sqe(&sqe);
	io_uring_prep_pipe_direct(&sqe, fds, O_NONBLOCK, 0);
	check(&sqe, { .opcode = IORING_OP_PIPE, .addr = P(fds),
		      .op_flags = O_NONBLOCK, .file_index = 1 });
	t_dirty_sqe(&sqe);
	io_uring_prep_pipe_direct(&sqe, fds, 0, 41);
	check(&sqe, { .opcode = IORING_OP_PIPE, .addr = P(fds),
		      .file_index = 42 });
	t_dirty_sqe(&sqe);
	io_uring_prep_pipe_direct(&sqe, fds, 0, IORING_FILE_INDEX_ALLOC);
	check(&sqe, { .opcode = IORING_OP_PIPE, .addr = P(fds),
		      .file_index = IORING_FILE_INDEX_ALLOC });

	t_dirty_sqe(&sqe);
	io_uring_prep_files_update(&sqe, fds, 4, 10);
	check(&sqe, { .opcode = IORING_OP_FILES_UPDATE, .fd = -1, .off = 10,
		      .addr = P(fds), .len = 4 });
	/* IORING_FILE_INDEX_ALLOC as int: the kernel reads the low 32 bits */
	t_dirty_sqe(&sqe);
	io_uring_prep_files_update(&sqe, fds, 1, (int) IORING_FILE_INDEX_ALLOC);
	ASSERT_EQ((__u32) sqe.off, IORING_FILE_INDEX_ALLOC);

	t_dirty_sqe(&sqe);
	io_uring_prep_fixed_fd_install(&sqe, 3, IORING_FIXED_FD_NO_CLOEXEC);
	check(&sqe, { .opcode = IORING_OP_FIXED_FD_INSTALL,
		      .flags = IOSQE_FIXED_FILE, .fd = 3,
		      .op_flags = IORING_FIXED_FD_NO_CLOEXEC });
	ASSERT_EQ(sqe.install_fd_flags, IORING_FIXED_FD_NO_CLOEXEC);
}

static void test_uring_cmd(void)
{
	struct io_uring_sqe sqe[2];

	/* The command area of a 128-byte SQE beyond the first 64 bytes is
	 * the caller's; the helpers must not write there. */
	memset(sqe, 0xff, sizeof(sqe));
	io_uring_prep_uring_cmd(&sqe[0], SOCKET_URING_OP_SIOCINQ, 12);
	check(&sqe[0], { .opcode = IORING_OP_URING_CMD, .fd = 12 });
	ASSERT_EQ(sqe[0].cmd_op, SOCKET_URING_OP_SIOCINQ);
	ASSERT_EQ(sqe[0].__pad1, 0);
	ASSERT_EQ(sqe[1].opcode, 0xff);

	t_dirty_sqe(&sqe[0]);
	io_uring_prep_uring_cmd(&sqe[0], 0x7fffabcd, 3);
	check(&sqe[0], { .opcode = IORING_OP_URING_CMD, .fd = 3,
			 .off = 0x7fffabcd });

	memset(sqe, 0xff, sizeof(sqe));
	io_uring_prep_uring_cmd128(&sqe[0], 0x55, 4);
	check(&sqe[0], { .opcode = IORING_OP_URING_CMD128, .fd = 4,
			 .off = 0x55 });
	ASSERT_EQ(sqe[0].cmd_op, 0x55);
	ASSERT_EQ(sqe[1].opcode, 0xff);

	/* discard: range start in addr, length in addr3 */
	t_dirty_sqe(&sqe[0]);
	io_uring_prep_cmd_discard(&sqe[0], 5, 1ULL << 20, 1ULL << 33);
	check(&sqe[0], { .opcode = IORING_OP_URING_CMD, .fd = 5,
			 .off = BLOCK_URING_CMD_DISCARD, .addr = 1ULL << 20,
			 .addr3 = 1ULL << 33 });
	ASSERT_EQ(sqe[0].cmd_op, BLOCK_URING_CMD_DISCARD);
	/* the kernel's value: _IO(0x12, 0) */
	ASSERT_EQ(BLOCK_URING_CMD_DISCARD, _IO(0x12, 0));
}

int main(void)
{
	test_fixed_rw();
	test_sync_alloc_advise();
	test_splice_pipe_table();
	test_uring_cmd();
	return T_EXIT_PASS;
}
