/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_mkdirat and io_uring_prep_mkdir: the directory appears
 * where asked (relative to dfd, or to the current directory), with the
 * mode bits given filtered through the umask, and is usable as a
 * directory; an existing name or a missing parent fail with the errno of
 * mkdir(2).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"

static int do_mkdirat(struct io_uring *ring, int dfd, const char *path,
		      mode_t mode)
{
	io_uring_prep_mkdirat(t_get_sqe(ring), dfd, path, mode);
	return t_submit_one(ring);
}

static int do_mkdir(struct io_uring *ring, const char *path, mode_t mode)
{
	io_uring_prep_mkdir(t_get_sqe(ring), path, mode);
	return t_submit_one(ring);
}

static void is_dir(int dfd, const char *name, mode_t mode)
{
	struct stat st;

	ASSERT_EQ(fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
	ASSERT(S_ISDIR(st.st_mode));
	ASSERT_EQ(st.st_mode & 07777, mode);
	ASSERT_EQ(st.st_nlink, 2);	/* "." and its entry in the parent */
}

int main(void)
{
	struct io_uring ring;
	char *dir, *abs;
	char cwd[4096];
	int dfd, fd;

	t_require_op(IORING_OP_MKDIRAT);

	dir = t_tmpdir();
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ASSERT_GE(dfd, 0);
	t_ring_init(&ring, 4, NULL);

	/* mkdirat relative to dfd; umask 0 keeps the mode as given. */
	umask(0);
	ASSERT_EQ(do_mkdirat(&ring, dfd, "a", 0750), 0);
	is_dir(dfd, "a", 0750);

	/* The umask is applied like for mkdir(2). */
	umask(022);
	ASSERT_EQ(do_mkdirat(&ring, dfd, "b", 0777), 0);
	is_dir(dfd, "b", 0755);
	umask(0);

	/* Nested, relative to a subdirectory's fd; usable as a directory. */
	{
		int afd = openat(dfd, "a", O_RDONLY | O_DIRECTORY);

		ASSERT_GE(afd, 0);
		ASSERT_EQ(do_mkdirat(&ring, afd, "inner", 0700), 0);
		is_dir(afd, "inner", 0700);
		fd = openat(afd, "inner/file", O_CREAT | O_WRONLY, 0600);
		ASSERT_GE(fd, 0);
		close(fd);
		close(afd);
	}
	is_dir(dfd, "a/inner", 0700);
	{
		struct stat st;

		/* a gained a subdirectory: its link count is now 3. */
		ASSERT_EQ(fstatat(dfd, "a", &st, 0), 0);
		ASSERT_EQ(st.st_nlink, 3);
	}

	/* io_uring_prep_mkdir: absolute, then relative to the cwd. */
	ASSERT_GE(asprintf(&abs, "%s/c", dir), 0);
	ASSERT_EQ(do_mkdir(&ring, abs, 0711), 0);
	is_dir(dfd, "c", 0711);
	ASSERT_NOT_NULL(getcwd(cwd, sizeof(cwd)));
	ASSERT_EQ(chdir(dir), 0);
	ASSERT_EQ(do_mkdir(&ring, "d", 0700), 0);
	ASSERT_EQ(chdir(cwd), 0);
	is_dir(dfd, "d", 0700);

	/* Errors. */
	ASSERT_EQ(do_mkdir(&ring, abs, 0700), -EEXIST);
	is_dir(dfd, "c", 0711);
	ASSERT_EQ(do_mkdirat(&ring, dfd, "missing/x", 0700), -ENOENT);
	fd = openat(dfd, "file", O_CREAT | O_WRONLY, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(do_mkdirat(&ring, dfd, "file", 0700), -EEXIST);
	ASSERT_EQ(do_mkdirat(&ring, dfd, "file/x", 0700), -ENOTDIR);
	ASSERT_EQ(do_mkdirat(&ring, fd, "x", 0700), -ENOTDIR);
	close(fd);

	io_uring_queue_exit(&ring);
	close(dfd);
	free(abs);
	return T_EXIT_PASS;
}
