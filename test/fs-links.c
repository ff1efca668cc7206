/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_symlinkat / io_uring_prep_symlink and io_uring_prep_linkat
 * / io_uring_prep_link: a symbolic link is created where asked and
 * readlink(2) returns exactly the target (which need not exist); a hard
 * link is a second name of the same inode (st_nlink goes up, both names
 * share st_ino and the data); AT_SYMLINK_FOLLOW decides whether linking a
 * symlink links the link or its target.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE	1000

static int do_symlinkat(struct io_uring *ring, const char *target, int dfd,
			const char *linkpath)
{
	io_uring_prep_symlinkat(t_get_sqe(ring), target, dfd, linkpath);
	return t_submit_one(ring);
}

static int do_linkat(struct io_uring *ring, int olddfd, const char *old,
		     int newdfd, const char *new, int flags)
{
	io_uring_prep_linkat(t_get_sqe(ring), olddfd, old, newdfd, new, flags);
	return t_submit_one(ring);
}

static void link_is(int dfd, const char *name, const char *target)
{
	char buf[4096];
	ssize_t n = readlinkat(dfd, name, buf, sizeof(buf));

	ASSERT_EQ(n, (ssize_t) strlen(target));
	ASSERT_MEM_EQ(buf, target, (size_t) n);
}

static struct stat lstat_at(int dfd, const char *name)
{
	struct stat st;

	ASSERT_EQ(fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
	return st;
}

static void test_symlink(struct io_uring *ring, const char *dir, int dfd,
			 int subfd)
{
	const char *target;
	char *abs;
	char buf[FILE_SIZE];
	int fd;

	/* Relative target, link relative to dfd: it resolves to the file. */
	ASSERT_EQ(do_symlinkat(ring, "data", dfd, "sl"), 0);
	ASSERT(S_ISLNK(lstat_at(dfd, "sl").st_mode));
	link_is(dfd, "sl", "data");
	fd = openat(dfd, "sl", O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(read(fd, buf, sizeof(buf)), FILE_SIZE);
	ASSERT_EQ(t_check_fill(buf, FILE_SIZE, 0, 9), FILE_SIZE);
	close(fd);

	/* newdirfd is honoured. */
	ASSERT_EQ(do_symlinkat(ring, "../data", subfd, "up"), 0);
	link_is(subfd, "up", "../data");
	ASSERT_EQ(fstatat(subfd, "up", &(struct stat) { 0 }, 0), 0);
	errno = 0;
	ASSERT_EQ(readlinkat(dfd, "up", buf, sizeof(buf)), -1);
	ASSERT_EQ(errno, ENOENT);

	/* io_uring_prep_symlink: dangling targets are fine. */
	ASSERT_GE(asprintf(&abs, "%s/dangling", dir), 0);
	target = "/nonexistent-uringkit/some where/x";
	io_uring_prep_symlink(t_get_sqe(ring), target, abs);
	ASSERT_EQ(t_submit_one(ring), 0);
	link_is(dfd, "dangling", target);
	errno = 0;
	ASSERT_EQ(openat(dfd, "dangling", O_RDONLY), -1);
	ASSERT_EQ(errno, ENOENT);

	/* Errors. */
	io_uring_prep_symlink(t_get_sqe(ring), "other", abs);
	ASSERT_EQ(t_submit_one(ring), -EEXIST);
	link_is(dfd, "dangling", target);
	ASSERT_EQ(do_symlinkat(ring, "x", dfd, "missing/sl"), -ENOENT);
	ASSERT_EQ(do_symlinkat(ring, "", dfd, "empty"), -ENOENT);
	free(abs);
}

static void test_link(struct io_uring *ring, const char *dir, int dfd,
		      int subfd)
{
	struct stat orig, st;
	char *old_abs, *new_abs;
	char buf[FILE_SIZE];
	int fd;

	orig = lstat_at(dfd, "data");
	ASSERT_EQ(orig.st_nlink, 1);

	/* Hard link relative to dfd. */
	ASSERT_EQ(do_linkat(ring, dfd, "data", dfd, "hl", 0), 0);
	st = lstat_at(dfd, "hl");
	ASSERT_EQ(st.st_ino, orig.st_ino);
	ASSERT_EQ(st.st_nlink, 2);
	ASSERT_EQ(lstat_at(dfd, "data").st_nlink, 2);

	/* Into another directory, via newdfd. */
	ASSERT_EQ(do_linkat(ring, dfd, "hl", subfd, "hl2", 0), 0);
	ASSERT_EQ(lstat_at(subfd, "hl2").st_ino, orig.st_ino);
	ASSERT_EQ(lstat_at(dfd, "data").st_nlink, 3);

	/* io_uring_prep_link: absolute paths. */
	ASSERT_GE(asprintf(&old_abs, "%s/data", dir), 0);
	ASSERT_GE(asprintf(&new_abs, "%s/hl3", dir), 0);
	io_uring_prep_link(t_get_sqe(ring), old_abs, new_abs, 0);
	ASSERT_EQ(t_submit_one(ring), 0);
	ASSERT_EQ(lstat_at(dfd, "hl3").st_ino, orig.st_ino);
	ASSERT_EQ(lstat_at(dfd, "data").st_nlink, 4);

	/* Shared data: a write through one name shows through another. */
	fd = openat(subfd, "hl2", O_WRONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(pwrite(fd, "XYZ", 3, 10), 3);
	close(fd);
	fd = openat(dfd, "data", O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(read(fd, buf, sizeof(buf)), FILE_SIZE);
	ASSERT_MEM_EQ(buf + 10, "XYZ", 3);
	close(fd);

	/* Removing names drops the count; the data stays with the rest. */
	ASSERT_EQ(unlinkat(dfd, "data", 0), 0);
	ASSERT_EQ(lstat_at(dfd, "hl").st_nlink, 3);
	ASSERT_EQ(linkat(dfd, "hl", dfd, "data", 0), 0);

	/* Linking a symlink: the link itself, or its target with FOLLOW. */
	ASSERT_EQ(do_linkat(ring, dfd, "sl", dfd, "sl-nofollow", 0), 0);
	st = lstat_at(dfd, "sl-nofollow");
	ASSERT(S_ISLNK(st.st_mode));
	ASSERT_EQ(st.st_ino, lstat_at(dfd, "sl").st_ino);
	ASSERT_EQ(do_linkat(ring, dfd, "sl", dfd, "sl-follow",
			    AT_SYMLINK_FOLLOW), 0);
	st = lstat_at(dfd, "sl-follow");
	ASSERT(S_ISREG(st.st_mode));
	ASSERT_EQ(st.st_ino, orig.st_ino);

	/* Errors. */
	io_uring_prep_link(t_get_sqe(ring), old_abs, new_abs, 0);
	ASSERT_EQ(t_submit_one(ring), -EEXIST);
	ASSERT_EQ(do_linkat(ring, dfd, "missing", dfd, "m2", 0), -ENOENT);
	ASSERT_EQ(do_linkat(ring, dfd, "sub", dfd, "dirlink", 0), -EPERM);
	ASSERT_EQ(do_linkat(ring, dfd, "data", dfd, "bad", 0x1),
		  -EINVAL);

	free(old_abs);
	free(new_abs);
}

int main(void)
{
	struct io_uring ring;
	char *dir, *p;
	int dfd, subfd, fd;

	t_require_op(IORING_OP_SYMLINKAT);
	t_require_op(IORING_OP_LINKAT);

	dir = t_tmpdir();
	ASSERT_GE(asprintf(&p, "%s/data", dir), 0);
	fd = t_create_file(p, FILE_SIZE, 9);
	close(fd);
	free(p);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ASSERT_GE(dfd, 0);
	ASSERT_EQ(mkdirat(dfd, "sub", 0755), 0);
	subfd = openat(dfd, "sub", O_RDONLY | O_DIRECTORY);
	ASSERT_GE(subfd, 0);

	t_ring_init(&ring, 4, NULL);
	test_symlink(&ring, dir, dfd, subfd);
	test_link(&ring, dir, dfd, subfd);
	io_uring_queue_exit(&ring);

	close(subfd);
	close(dfd);
	return T_EXIT_PASS;
}
