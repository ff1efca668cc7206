/* SPDX-License-Identifier: MIT */
/*
 * SQE encoding of the filesystem prep helpers, without a kernel: each
 * helper is run on an SQE full of 0xff bytes, and every field of the
 * 64-byte SQE is then compared with what the kernel expects for that
 * opcode (which field carries which argument, and zero everywhere else,
 * since stale bits make the kernel fail a request with -EINVAL). The
 * _direct helpers are checked for the one-based file_index encoding and
 * for IORING_FILE_INDEX_ALLOC passing through unchanged.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/xattr.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "test.h"

#define check(sqe, ...) t_check_sqe(sqe, __VA_ARGS__)

#define P(x) ((__u64) (uintptr_t) (x))

static void test_open_close(void)
{
	struct open_how how = { .flags = O_RDONLY, .resolve = RESOLVE_BENEATH };
	const char *path = "some/file";
	struct io_uring_sqe sqe;

	t_dirty_sqe(&sqe);
	io_uring_prep_openat(&sqe, 7, path, O_CREAT | O_WRONLY, 0640);
	check(&sqe, { .opcode = IORING_OP_OPENAT, .fd = 7, .addr = P(path),
		      .len = 0640, .op_flags = O_CREAT | O_WRONLY });
	ASSERT_EQ(sqe.open_flags, (__u32) (O_CREAT | O_WRONLY));

	t_dirty_sqe(&sqe);
	io_uring_prep_open(&sqe, path, O_RDONLY, 0);
	check(&sqe, { .opcode = IORING_OP_OPENAT, .fd = AT_FDCWD,
		      .addr = P(path), .op_flags = O_RDONLY });

	/* Slot n is stored as n + 1; 0 would mean "not direct". */
	t_dirty_sqe(&sqe);
	io_uring_prep_openat_direct(&sqe, 3, path, O_RDWR, 0600, 0);
	check(&sqe, { .opcode = IORING_OP_OPENAT, .fd = 3, .addr = P(path),
		      .len = 0600, .op_flags = O_RDWR, .file_index = 1 });
	t_dirty_sqe(&sqe);
	io_uring_prep_openat_direct(&sqe, 3, path, O_RDWR, 0, 41);
	ASSERT_EQ(sqe.file_index, 42);
	t_dirty_sqe(&sqe);
	io_uring_prep_openat_direct(&sqe, 3, path, O_RDWR, 0,
				    IORING_FILE_INDEX_ALLOC);
	ASSERT_EQ(sqe.file_index, IORING_FILE_INDEX_ALLOC);

	t_dirty_sqe(&sqe);
	io_uring_prep_open_direct(&sqe, path, O_RDONLY, 0, 9);
	check(&sqe, { .opcode = IORING_OP_OPENAT, .fd = AT_FDCWD,
		      .addr = P(path), .op_flags = O_RDONLY,
		      .file_index = 10 });
	t_dirty_sqe(&sqe);
	io_uring_prep_open_direct(&sqe, path, O_RDONLY, 0,
				  IORING_FILE_INDEX_ALLOC);
	ASSERT_EQ(sqe.file_index, IORING_FILE_INDEX_ALLOC);

	t_dirty_sqe(&sqe);
	io_uring_prep_openat2(&sqe, 5, path, &how);
	check(&sqe, { .opcode = IORING_OP_OPENAT2, .fd = 5, .off = P(&how),
		      .addr = P(path), .len = sizeof(how) });
	t_dirty_sqe(&sqe);
	io_uring_prep_openat2_direct(&sqe, 5, path, &how, 2);
	check(&sqe, { .opcode = IORING_OP_OPENAT2, .fd = 5, .off = P(&how),
		      .addr = P(path), .len = sizeof(how), .file_index = 3 });
	t_dirty_sqe(&sqe);
	io_uring_prep_openat2_direct(&sqe, 5, path, &how,
				     IORING_FILE_INDEX_ALLOC);
	ASSERT_EQ(sqe.file_index, IORING_FILE_INDEX_ALLOC);

	t_dirty_sqe(&sqe);
	io_uring_prep_close(&sqe, 12);
	check(&sqe, { .opcode = IORING_OP_CLOSE, .fd = 12 });
	/* The kernel requires fd == 0 when a slot is named. */
	t_dirty_sqe(&sqe);
	io_uring_prep_close_direct(&sqe, 4);
	check(&sqe, { .opcode = IORING_OP_CLOSE, .file_index = 5 });

	t_dirty_sqe(&sqe);
	__io_uring_set_target_fixed_file(&sqe, 0);
	ASSERT_EQ(sqe.file_index, 1);
}

static void test_paths(void)
{
	const char *a = "old", *b = "new";
	struct statx stx;
	struct io_uring_sqe sqe;

	t_dirty_sqe(&sqe);
	io_uring_prep_statx(&sqe, 4, a, AT_SYMLINK_NOFOLLOW, STATX_SIZE, &stx);
	check(&sqe, { .opcode = IORING_OP_STATX, .fd = 4, .off = P(&stx),
		      .addr = P(a), .len = STATX_SIZE,
		      .op_flags = AT_SYMLINK_NOFOLLOW });

	t_dirty_sqe(&sqe);
	io_uring_prep_renameat(&sqe, 4, a, 6, b, RENAME_NOREPLACE);
	check(&sqe, { .opcode = IORING_OP_RENAMEAT, .fd = 4, .off = P(b),
		      .addr = P(a), .len = 6, .op_flags = RENAME_NOREPLACE });
	t_dirty_sqe(&sqe);
	io_uring_prep_rename(&sqe, a, b);
	check(&sqe, { .opcode = IORING_OP_RENAMEAT, .fd = AT_FDCWD, .off = P(b),
		      .addr = P(a), .len = (__u32) AT_FDCWD });

	t_dirty_sqe(&sqe);
	io_uring_prep_unlinkat(&sqe, 4, a, AT_REMOVEDIR);
	check(&sqe, { .opcode = IORING_OP_UNLINKAT, .fd = 4, .addr = P(a),
		      .op_flags = AT_REMOVEDIR });
	t_dirty_sqe(&sqe);
	io_uring_prep_unlink(&sqe, a, 0);
	check(&sqe, { .opcode = IORING_OP_UNLINKAT, .fd = AT_FDCWD,
		      .addr = P(a) });

	t_dirty_sqe(&sqe);
	io_uring_prep_mkdirat(&sqe, 4, a, 0750);
	check(&sqe, { .opcode = IORING_OP_MKDIRAT, .fd = 4, .addr = P(a),
		      .len = 0750 });
	t_dirty_sqe(&sqe);
	io_uring_prep_mkdir(&sqe, a, 0700);
	check(&sqe, { .opcode = IORING_OP_MKDIRAT, .fd = AT_FDCWD, .addr = P(a),
		      .len = 0700 });

	t_dirty_sqe(&sqe);
	io_uring_prep_symlinkat(&sqe, a, 6, b);
	check(&sqe, { .opcode = IORING_OP_SYMLINKAT, .fd = 6, .off = P(b),
		      .addr = P(a) });
	t_dirty_sqe(&sqe);
	io_uring_prep_symlink(&sqe, a, b);
	check(&sqe, { .opcode = IORING_OP_SYMLINKAT, .fd = AT_FDCWD,
		      .off = P(b), .addr = P(a) });

	t_dirty_sqe(&sqe);
	io_uring_prep_linkat(&sqe, 4, a, 6, b, AT_SYMLINK_FOLLOW);
	check(&sqe, { .opcode = IORING_OP_LINKAT, .fd = 4, .off = P(b),
		      .addr = P(a), .len = 6, .op_flags = AT_SYMLINK_FOLLOW });
	t_dirty_sqe(&sqe);
	io_uring_prep_link(&sqe, a, b, 0);
	check(&sqe, { .opcode = IORING_OP_LINKAT, .fd = AT_FDCWD, .off = P(b),
		      .addr = P(a), .len = (__u32) AT_FDCWD });
}

static void test_xattr(void)
{
	const char *name = "user.k", *path = "/some/file";
	char value[16];
	struct io_uring_sqe sqe;

	t_dirty_sqe(&sqe);
	io_uring_prep_getxattr(&sqe, name, value, path, sizeof(value));
	check(&sqe, { .opcode = IORING_OP_GETXATTR, .off = P(value),
		      .addr = P(name), .len = sizeof(value),
		      .addr3 = P(path) });
	t_dirty_sqe(&sqe);
	io_uring_prep_setxattr(&sqe, name, value, path, XATTR_CREATE, 5);
	check(&sqe, { .opcode = IORING_OP_SETXATTR, .off = P(value),
		      .addr = P(name), .len = 5, .op_flags = XATTR_CREATE,
		      .addr3 = P(path) });
	t_dirty_sqe(&sqe);
	io_uring_prep_fgetxattr(&sqe, 9, name, value, sizeof(value));
	check(&sqe, { .opcode = IORING_OP_FGETXATTR, .fd = 9, .off = P(value),
		      .addr = P(name), .len = sizeof(value) });
	t_dirty_sqe(&sqe);
	io_uring_prep_fsetxattr(&sqe, 9, name, value, XATTR_REPLACE, 3);
	check(&sqe, { .opcode = IORING_OP_FSETXATTR, .fd = 9, .off = P(value),
		      .addr = P(name), .len = 3, .op_flags = XATTR_REPLACE });
}

int main(void)
{
	test_open_close();
	test_paths();
	test_xattr();
	return T_EXIT_PASS;
}
