/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_statx: the struct statx the kernel fills matches fstat(2)
 * and statx(2) of the same file (size, mode, inode, links, owner, device),
 * for a path relative to a directory fd, an absolute path, AT_EMPTY_PATH
 * on an open fd, and a symlink with and without AT_SYMLINK_NOFOLLOW. The
 * mask in len limits what is requested; errors land in cqe->res.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE	12345

static int do_statx(struct io_uring *ring, int dfd, const char *path,
		    int flags, unsigned mask, struct statx *stx)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	ASSERT_NOT_NULL(sqe);
	/* Poison the buffer: every checked field must come from the kernel. */
	memset(stx, 0xa5, sizeof(*stx));
	io_uring_prep_statx(sqe, dfd, path, flags, mask, stx);
	return t_submit_one(ring);
}

/* stx (asked for STATX_BASIC_STATS) describes the same object as st. */
static void same_as_stat(const struct statx *stx, const struct stat *st)
{
	ASSERT_EQ(stx->stx_mask & STATX_BASIC_STATS, STATX_BASIC_STATS);
	ASSERT_EQ(stx->stx_ino, st->st_ino);
	ASSERT_EQ(stx->stx_size, st->st_size);
	ASSERT_EQ(stx->stx_mode, st->st_mode);
	ASSERT_EQ(stx->stx_nlink, st->st_nlink);
	ASSERT_EQ(stx->stx_uid, st->st_uid);
	ASSERT_EQ(stx->stx_gid, st->st_gid);
	ASSERT_EQ(stx->stx_blocks, st->st_blocks);
	ASSERT_EQ(stx->stx_blksize, st->st_blksize);
	ASSERT_EQ(makedev(stx->stx_dev_major, stx->stx_dev_minor), st->st_dev);
	ASSERT_EQ(stx->stx_mtime.tv_sec, st->st_mtim.tv_sec);
	ASSERT_EQ(stx->stx_mtime.tv_nsec, st->st_mtim.tv_nsec);
}

int main(void)
{
	struct io_uring ring;
	struct statx stx, ref;
	struct stat st, lst;
	char *dir, *abs;
	int dfd, fd;

	t_require_op(IORING_OP_STATX);

	dir = t_tmpdir();
	ASSERT_GE(asprintf(&abs, "%s/file", dir), 0);
	fd = t_create_file(abs, FILE_SIZE, 5);
	ASSERT_EQ(fchmod(fd, 0640), 0);
	ASSERT_EQ(fstat(fd, &st), 0);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ASSERT_GE(dfd, 0);
	ASSERT_EQ(symlinkat("file", dfd, "link"), 0);
	ASSERT_EQ(fstatat(dfd, "link", &lst, AT_SYMLINK_NOFOLLOW), 0);
	ASSERT(S_ISLNK(lst.st_mode));

	t_ring_init(&ring, 4, NULL);

	/* Relative to dfd. */
	ASSERT_EQ(do_statx(&ring, dfd, "file", 0, STATX_BASIC_STATS, &stx), 0);
	same_as_stat(&stx, &st);
	ASSERT_EQ(stx.stx_size, FILE_SIZE);
	ASSERT(S_ISREG(stx.stx_mode));
	ASSERT_EQ(stx.stx_mode & 07777, 0640);

	/* And the same as the statx(2) system call, birth time included. */
	ASSERT_EQ(statx(dfd, "file", 0, STATX_BASIC_STATS | STATX_BTIME, &ref),
		  0);
	ASSERT_EQ(do_statx(&ring, dfd, "file", 0,
			   STATX_BASIC_STATS | STATX_BTIME, &stx), 0);
	ASSERT_EQ(stx.stx_mask, ref.stx_mask);
	if (ref.stx_mask & STATX_BTIME) {
		ASSERT_EQ(stx.stx_btime.tv_sec, ref.stx_btime.tv_sec);
		ASSERT_EQ(stx.stx_btime.tv_nsec, ref.stx_btime.tv_nsec);
	}
	ASSERT_EQ(stx.stx_attributes_mask, ref.stx_attributes_mask);

	/* Absolute path; dfd is then ignored. */
	ASSERT_EQ(do_statx(&ring, -1, abs, 0, STATX_BASIC_STATS, &stx), 0);
	same_as_stat(&stx, &st);

	/* AT_EMPTY_PATH: the open fd itself. */
	ASSERT_EQ(do_statx(&ring, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS,
			   &stx), 0);
	same_as_stat(&stx, &st);

	/* A symlink is followed unless AT_SYMLINK_NOFOLLOW. */
	ASSERT_EQ(do_statx(&ring, dfd, "link", 0, STATX_BASIC_STATS, &stx), 0);
	same_as_stat(&stx, &st);
	ASSERT_EQ(do_statx(&ring, dfd, "link", AT_SYMLINK_NOFOLLOW,
			   STATX_BASIC_STATS, &stx), 0);
	same_as_stat(&stx, &lst);
	ASSERT(S_ISLNK(stx.stx_mode));
	ASSERT_EQ(stx.stx_size, strlen("file"));

	/* The size follows the file. */
	ASSERT_EQ(ftruncate(fd, 77), 0);
	ASSERT_EQ(do_statx(&ring, dfd, "file", 0, STATX_SIZE, &stx), 0);
	ASSERT(stx.stx_mask & STATX_SIZE);
	ASSERT_EQ(stx.stx_size, 77);

	/* A directory. */
	ASSERT_EQ(fstat(dfd, &st), 0);
	ASSERT_EQ(do_statx(&ring, AT_FDCWD, dir, 0, STATX_BASIC_STATS, &stx),
		  0);
	same_as_stat(&stx, &st);
	ASSERT(S_ISDIR(stx.stx_mode));

	/* Errors. */
	ASSERT_EQ(do_statx(&ring, dfd, "missing", 0, STATX_BASIC_STATS, &stx),
		  -ENOENT);
	ASSERT_EQ(do_statx(&ring, dfd, "file/x", 0, STATX_BASIC_STATS, &stx),
		  -ENOTDIR);
	ASSERT_EQ(do_statx(&ring, dfd, "file", 0, STATX__RESERVED, &stx),
		  -EINVAL);

	io_uring_queue_exit(&ring);
	close(fd);
	close(dfd);
	free(abs);
	return T_EXIT_PASS;
}
