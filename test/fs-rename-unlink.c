/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_renameat / io_uring_prep_rename and io_uring_prep_unlinkat
 * / io_uring_prep_unlink on the real filesystem: a rename moves the file
 * (old name gone, new name has the same inode and bytes), across two
 * directory fds too; RENAME_NOREPLACE refuses an existing target and
 * leaves both files alone; RENAME_EXCHANGE swaps; unlink removes files,
 * AT_REMOVEDIR removes an (empty) directory.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE	3000

static int do_renameat(struct io_uring *ring, int olddfd, const char *old,
		       int newdfd, const char *new, unsigned flags)
{
	io_uring_prep_renameat(t_get_sqe(ring), olddfd, old, newdfd, new, flags);
	return t_submit_one(ring);
}

static int do_unlinkat(struct io_uring *ring, int dfd, const char *path,
		       int flags)
{
	io_uring_prep_unlinkat(t_get_sqe(ring), dfd, path, flags);
	return t_submit_one(ring);
}

static void make(int dfd, const char *name, unsigned seed)
{
	char buf[FILE_SIZE];
	int fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY, 0644);

	ASSERT_GE(fd, 0);
	t_fill(buf, sizeof(buf), seed);
	ASSERT_EQ(write(fd, buf, sizeof(buf)), FILE_SIZE);
	close(fd);
}

/* name exists with the pattern of seed. */
static void has(int dfd, const char *name, unsigned seed)
{
	char buf[FILE_SIZE + 1];
	int fd = openat(dfd, name, O_RDONLY);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(read(fd, buf, sizeof(buf)), FILE_SIZE);
	ASSERT_EQ(t_check_fill(buf, FILE_SIZE, 0, seed), FILE_SIZE);
	close(fd);
}

static void gone(int dfd, const char *name)
{
	struct stat st;

	errno = 0;
	ASSERT_EQ(fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW), -1);
	ASSERT_EQ(errno, ENOENT);
}

static ino_t ino_of(int dfd, const char *name)
{
	struct stat st;

	ASSERT_EQ(fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
	return st.st_ino;
}

static void test_rename(struct io_uring *ring, const char *dir, int dfd,
			int subfd)
{
	char *old_abs, *new_abs;
	ino_t ino;

	/* Within one directory. */
	make(dfd, "a", 1);
	ino = ino_of(dfd, "a");
	ASSERT_EQ(do_renameat(ring, dfd, "a", dfd, "b", 0), 0);
	gone(dfd, "a");
	has(dfd, "b", 1);
	ASSERT_EQ(ino_of(dfd, "b"), ino);

	/* Between two directory fds: newdfd is honoured. */
	ASSERT_EQ(do_renameat(ring, dfd, "b", subfd, "c", 0), 0);
	gone(dfd, "b");
	gone(dfd, "c");
	has(subfd, "c", 1);
	ASSERT_EQ(ino_of(subfd, "c"), ino);

	/* io_uring_prep_rename: paths from the current directory. */
	ASSERT_GE(asprintf(&old_abs, "%s/sub/c", dir), 0);
	ASSERT_GE(asprintf(&new_abs, "%s/d", dir), 0);
	io_uring_prep_rename(t_get_sqe(ring), old_abs, new_abs);
	ASSERT_EQ(t_submit_one(ring), 0);
	gone(subfd, "c");
	has(dfd, "d", 1);
	ASSERT_EQ(ino_of(dfd, "d"), ino);

	/* rename over an existing file replaces it. */
	make(dfd, "e", 2);
	ASSERT_EQ(do_renameat(ring, dfd, "e", dfd, "d", 0), 0);
	gone(dfd, "e");
	has(dfd, "d", 2);

	/* RENAME_NOREPLACE: refused, nothing changes. */
	make(dfd, "f", 3);
	ASSERT_EQ(do_renameat(ring, dfd, "f", dfd, "d", RENAME_NOREPLACE),
		  -EEXIST);
	has(dfd, "f", 3);
	has(dfd, "d", 2);
	/* ...but fine when the target does not exist. */
	ASSERT_EQ(do_renameat(ring, dfd, "f", dfd, "g", RENAME_NOREPLACE), 0);
	gone(dfd, "f");
	has(dfd, "g", 3);

	/* RENAME_EXCHANGE swaps the two names atomically. */
	ASSERT_EQ(do_renameat(ring, dfd, "g", dfd, "d", RENAME_EXCHANGE), 0);
	has(dfd, "g", 2);
	has(dfd, "d", 3);
	ASSERT_EQ(do_renameat(ring, dfd, "g", dfd, "nope", RENAME_EXCHANGE),
		  -ENOENT);

	/* Errors. */
	ASSERT_EQ(do_renameat(ring, dfd, "missing", dfd, "x", 0), -ENOENT);
	gone(dfd, "x");
	ASSERT_EQ(do_renameat(ring, dfd, "d", dfd, "g",
			      RENAME_NOREPLACE | RENAME_EXCHANGE), -EINVAL);
	has(dfd, "d", 3);
	has(dfd, "g", 2);

	free(old_abs);
	free(new_abs);
}

static void test_unlink(struct io_uring *ring, const char *dir, int dfd,
			int subfd)
{
	char *abs;

	/* unlinkat of a file relative to dfd. */
	ASSERT_EQ(do_unlinkat(ring, dfd, "d", 0), 0);
	gone(dfd, "d");
	has(dfd, "g", 2);

	/* io_uring_prep_unlink: absolute path. */
	ASSERT_GE(asprintf(&abs, "%s/g", dir), 0);
	io_uring_prep_unlink(t_get_sqe(ring), abs, 0);
	ASSERT_EQ(t_submit_one(ring), 0);
	gone(dfd, "g");
	io_uring_prep_unlink(t_get_sqe(ring), abs, 0);
	ASSERT_EQ(t_submit_one(ring), -ENOENT);
	free(abs);

	/* An unlinked but open file keeps its data until closed. */
	make(subfd, "open", 4);
	{
		int fd = openat(subfd, "open", O_RDONLY);
		char buf[FILE_SIZE];

		ASSERT_GE(fd, 0);
		ASSERT_EQ(do_unlinkat(ring, subfd, "open", 0), 0);
		gone(subfd, "open");
		ASSERT_EQ(pread(fd, buf, sizeof(buf), 0), FILE_SIZE);
		ASSERT_EQ(t_check_fill(buf, FILE_SIZE, 0, 4), FILE_SIZE);
		close(fd);
	}

	/* Directories: need AT_REMOVEDIR, and must be empty. */
	make(subfd, "last", 5);
	ASSERT_EQ(do_unlinkat(ring, dfd, "sub", 0), -EISDIR);
	ASSERT_EQ(do_unlinkat(ring, dfd, "sub", AT_REMOVEDIR), -ENOTEMPTY);
	has(subfd, "last", 5);
	ASSERT_EQ(do_unlinkat(ring, subfd, "last", AT_REMOVEDIR), -ENOTDIR);
	has(subfd, "last", 5);
	ASSERT_EQ(do_unlinkat(ring, subfd, "last", 0), 0);
	ASSERT_EQ(do_unlinkat(ring, dfd, "sub", AT_REMOVEDIR), 0);
	gone(dfd, "sub");

	ASSERT_EQ(mkdirat(dfd, "sub2", 0755), 0);
	ASSERT_GE(asprintf(&abs, "%s/sub2", dir), 0);
	io_uring_prep_unlink(t_get_sqe(ring), abs, AT_REMOVEDIR);
	ASSERT_EQ(t_submit_one(ring), 0);
	gone(dfd, "sub2");
	free(abs);

	/* Only AT_REMOVEDIR is a valid flag. */
	make(dfd, "keep", 6);
	ASSERT_EQ(do_unlinkat(ring, dfd, "keep", AT_SYMLINK_NOFOLLOW),
		  -EINVAL);
	has(dfd, "keep", 6);
}

int main(void)
{
	struct io_uring ring;
	char *dir;
	int dfd, subfd;

	t_require_op(IORING_OP_RENAMEAT);
	t_require_op(IORING_OP_UNLINKAT);

	dir = t_tmpdir();
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ASSERT_GE(dfd, 0);
	ASSERT_EQ(mkdirat(dfd, "sub", 0755), 0);
	subfd = openat(dfd, "sub", O_RDONLY | O_DIRECTORY);
	ASSERT_GE(subfd, 0);

	t_ring_init(&ring, 4, NULL);
	test_rename(&ring, dir, dfd, subfd);
	test_unlink(&ring, dir, dfd, subfd);
	io_uring_queue_exit(&ring);

	close(subfd);
	close(dfd);
	return T_EXIT_PASS;
}
