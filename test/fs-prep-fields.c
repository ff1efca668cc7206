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

struct want {
	__u8 opcode;
	__s32 fd;
	__u64 off;	/* addr2 */
	__u64 addr;
	__u32 len;
	__u32 op_flags;	/* the opcode's flag word at offset 28 */
	__u32 file_index;
	__u64 addr3;
};

static void dirty(struct io_uring_sqe *sqe)
{
	memset(sqe, 0xff, sizeof(*sqe));
}

static void check(const struct io_uring_sqe *sqe, const struct want *w)
{
	ASSERT_EQ(sqe->opcode, w->opcode);
	ASSERT_EQ(sqe->flags, 0);
	ASSERT_EQ(sqe->ioprio, 0);
	ASSERT_EQ(sqe->fd, w->fd);
	ASSERT_EQ(sqe->off, w->off);
	ASSERT_EQ(sqe->addr, w->addr);
	ASSERT_EQ(sqe->len, w->len);
	ASSERT_EQ(sqe->rw_flags, (__kernel_rwf_t) w->op_flags);
	ASSERT_EQ(sqe->buf_index, 0);
	ASSERT_EQ(sqe->personality, 0);
	ASSERT_EQ(sqe->file_index, w->file_index);
	ASSERT_EQ(sqe->addr3, w->addr3);
	ASSERT_EQ(sqe->__pad2[0], 0);
}

#define P(x) ((__u64) (uintptr_t) (x))

static void test_open_close(void)
{
	struct open_how how = { .flags = O_RDONLY, .resolve = RESOLVE_BENEATH };
	const char *path = "some/file";
	struct io_uring_sqe sqe;

	dirty(&sqe);
	io_uring_prep_openat(&sqe, 7, path, O_CREAT | O_WRONLY, 0640);
	check(&sqe, &(struct want) { IORING_OP_OPENAT, 7, 0, P(path), 0640,
				     O_CREAT | O_WRONLY, 0, 0 });
	ASSERT_EQ(sqe.open_flags, (__u32) (O_CREAT | O_WRONLY));

	dirty(&sqe);
	io_uring_prep_open(&sqe, path, O_RDONLY, 0);
	check(&sqe, &(struct want) { IORING_OP_OPENAT, AT_FDCWD, 0, P(path),
				     0, O_RDONLY, 0, 0 });

	/* Slot n is stored as n + 1; 0 would mean "not direct". */
	dirty(&sqe);
	io_uring_prep_openat_direct(&sqe, 3, path, O_RDWR, 0600, 0);
	check(&sqe, &(struct want) { IORING_OP_OPENAT, 3, 0, P(path), 0600,
				     O_RDWR, 1, 0 });
	dirty(&sqe);
	io_uring_prep_openat_direct(&sqe, 3, path, O_RDWR, 0, 41);
	ASSERT_EQ(sqe.file_index, 42);
	dirty(&sqe);
	io_uring_prep_openat_direct(&sqe, 3, path, O_RDWR, 0,
				    IORING_FILE_INDEX_ALLOC);
	ASSERT_EQ(sqe.file_index, IORING_FILE_INDEX_ALLOC);

	dirty(&sqe);
	io_uring_prep_open_direct(&sqe, path, O_RDONLY, 0, 9);
	check(&sqe, &(struct want) { IORING_OP_OPENAT, AT_FDCWD, 0, P(path),
				     0, O_RDONLY, 10, 0 });
	dirty(&sqe);
	io_uring_prep_open_direct(&sqe, path, O_RDONLY, 0,
				  IORING_FILE_INDEX_ALLOC);
	ASSERT_EQ(sqe.file_index, IORING_FILE_INDEX_ALLOC);

	dirty(&sqe);
	io_uring_prep_openat2(&sqe, 5, path, &how);
	check(&sqe, &(struct want) { IORING_OP_OPENAT2, 5, P(&how), P(path),
				     sizeof(how), 0, 0, 0 });
	dirty(&sqe);
	io_uring_prep_openat2_direct(&sqe, 5, path, &how, 2);
	check(&sqe, &(struct want) { IORING_OP_OPENAT2, 5, P(&how), P(path),
				     sizeof(how), 0, 3, 0 });
	dirty(&sqe);
	io_uring_prep_openat2_direct(&sqe, 5, path, &how,
				     IORING_FILE_INDEX_ALLOC);
	ASSERT_EQ(sqe.file_index, IORING_FILE_INDEX_ALLOC);

	dirty(&sqe);
	io_uring_prep_close(&sqe, 12);
	check(&sqe, &(struct want) { IORING_OP_CLOSE, 12, 0, 0, 0, 0, 0, 0 });
	/* The kernel requires fd == 0 when a slot is named. */
	dirty(&sqe);
	io_uring_prep_close_direct(&sqe, 4);
	check(&sqe, &(struct want) { IORING_OP_CLOSE, 0, 0, 0, 0, 0, 5, 0 });

	dirty(&sqe);
	__io_uring_set_target_fixed_file(&sqe, 0);
	ASSERT_EQ(sqe.file_index, 1);
}

static void test_paths(void)
{
	const char *a = "old", *b = "new";
	struct statx stx;
	struct io_uring_sqe sqe;

	dirty(&sqe);
	io_uring_prep_statx(&sqe, 4, a, AT_SYMLINK_NOFOLLOW, STATX_SIZE, &stx);
	check(&sqe, &(struct want) { IORING_OP_STATX, 4, P(&stx), P(a),
				     STATX_SIZE, AT_SYMLINK_NOFOLLOW, 0, 0 });

	dirty(&sqe);
	io_uring_prep_renameat(&sqe, 4, a, 6, b, RENAME_NOREPLACE);
	check(&sqe, &(struct want) { IORING_OP_RENAMEAT, 4, P(b), P(a), 6,
				     RENAME_NOREPLACE, 0, 0 });
	dirty(&sqe);
	io_uring_prep_rename(&sqe, a, b);
	check(&sqe, &(struct want) { IORING_OP_RENAMEAT, AT_FDCWD, P(b), P(a),
				     (__u32) AT_FDCWD, 0, 0, 0 });

	dirty(&sqe);
	io_uring_prep_unlinkat(&sqe, 4, a, AT_REMOVEDIR);
	check(&sqe, &(struct want) { IORING_OP_UNLINKAT, 4, 0, P(a), 0,
				     AT_REMOVEDIR, 0, 0 });
	dirty(&sqe);
	io_uring_prep_unlink(&sqe, a, 0);
	check(&sqe, &(struct want) { IORING_OP_UNLINKAT, AT_FDCWD, 0, P(a), 0,
				     0, 0, 0 });

	dirty(&sqe);
	io_uring_prep_mkdirat(&sqe, 4, a, 0750);
	check(&sqe, &(struct want) { IORING_OP_MKDIRAT, 4, 0, P(a), 0750, 0,
				     0, 0 });
	dirty(&sqe);
	io_uring_prep_mkdir(&sqe, a, 0700);
	check(&sqe, &(struct want) { IORING_OP_MKDIRAT, AT_FDCWD, 0, P(a),
				     0700, 0, 0, 0 });

	dirty(&sqe);
	io_uring_prep_symlinkat(&sqe, a, 6, b);
	check(&sqe, &(struct want) { IORING_OP_SYMLINKAT, 6, P(b), P(a), 0, 0,
				     0, 0 });
	dirty(&sqe);
	io_uring_prep_symlink(&sqe, a, b);
	check(&sqe, &(struct want) { IORING_OP_SYMLINKAT, AT_FDCWD, P(b), P(a),
				     0, 0, 0, 0 });

	dirty(&sqe);
	io_uring_prep_linkat(&sqe, 4, a, 6, b, AT_SYMLINK_FOLLOW);
	check(&sqe, &(struct want) { IORING_OP_LINKAT, 4, P(b), P(a), 6,
				     AT_SYMLINK_FOLLOW, 0, 0 });
	dirty(&sqe);
	io_uring_prep_link(&sqe, a, b, 0);
	check(&sqe, &(struct want) { IORING_OP_LINKAT, AT_FDCWD, P(b), P(a),
				     (__u32) AT_FDCWD, 0, 0, 0 });
}

static void test_xattr(void)
{
	const char *name = "user.k", *path = "/some/file";
	char value[16];
	struct io_uring_sqe sqe;

	dirty(&sqe);
	io_uring_prep_getxattr(&sqe, name, value, path, sizeof(value));
	check(&sqe, &(struct want) { IORING_OP_GETXATTR, 0, P(value), P(name),
				     sizeof(value), 0, 0, P(path) });
	dirty(&sqe);
	io_uring_prep_setxattr(&sqe, name, value, path, XATTR_CREATE, 5);
	check(&sqe, &(struct want) { IORING_OP_SETXATTR, 0, P(value), P(name),
				     5, XATTR_CREATE, 0, P(path) });
	dirty(&sqe);
	io_uring_prep_fgetxattr(&sqe, 9, name, value, sizeof(value));
	check(&sqe, &(struct want) { IORING_OP_FGETXATTR, 9, P(value), P(name),
				     sizeof(value), 0, 0, 0 });
	dirty(&sqe);
	io_uring_prep_fsetxattr(&sqe, 9, name, value, XATTR_REPLACE, 3);
	check(&sqe, &(struct want) { IORING_OP_FSETXATTR, 9, P(value),
				     P(name), 3, XATTR_REPLACE, 0, 0 });
}

int main(void)
{
	test_open_close();
	test_paths();
	test_xattr();
	return T_EXIT_PASS;
}
