/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_openat, io_uring_prep_open, io_uring_prep_openat2 and
 * io_uring_prep_close against the real filesystem: an opened fd reads the
 * file's bytes, O_CREAT creates with the mode bits asked for, dfd and the
 * current directory are honoured, openat2's RESOLVE_* flags refuse a
 * symlink that escapes the directory, and a close really removes the fd
 * from the process's table.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE	8192
#define SEED		17

static int do_openat(struct io_uring *ring, int dfd, const char *path,
		     int flags, mode_t mode)
{
	io_uring_prep_openat(t_get_sqe(ring), dfd, path, flags, mode);
	return t_submit_one(ring);
}

static int do_open(struct io_uring *ring, const char *path, int flags,
		   mode_t mode)
{
	io_uring_prep_open(t_get_sqe(ring), path, flags, mode);
	return t_submit_one(ring);
}

static int do_openat2(struct io_uring *ring, int dfd, const char *path,
		      const struct open_how *how)
{
	io_uring_prep_openat2(t_get_sqe(ring), dfd, path, how);
	return t_submit_one(ring);
}

static int do_close(struct io_uring *ring, int fd)
{
	io_uring_prep_close(t_get_sqe(ring), fd);
	return t_submit_one(ring);
}

/* fd reads exactly the seeded pattern of FILE_SIZE bytes. */
static void check_content(int fd)
{
	static char buf[FILE_SIZE + 1];

	ASSERT_EQ(pread(fd, buf, sizeof(buf), 0), FILE_SIZE);
	ASSERT_EQ(t_check_fill(buf, FILE_SIZE, 0, SEED), FILE_SIZE);
}

/* Close through the ring; afterwards the fd number is not open. */
static void close_and_check(struct io_uring *ring, int fd)
{
	ASSERT_EQ(do_close(ring, fd), 0);
	errno = 0;
	ASSERT_EQ(fcntl(fd, F_GETFD), -1);
	ASSERT_EQ(errno, EBADF);
}

static void check_mode(int fd, mode_t want)
{
	struct stat st;

	ASSERT_EQ(fstat(fd, &st), 0);
	ASSERT(S_ISREG(st.st_mode));
	ASSERT_EQ(st.st_mode & 07777, want);
}

static char *join(const char *dir, const char *name)
{
	char *p;

	ASSERT_GE(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

static void test_openat(struct io_uring *ring, const char *dir, int dfd)
{
	char *abs = join(dir, "data");
	int fd, fd2;

	/* Relative to dfd. */
	fd = do_openat(ring, dfd, "data", O_RDONLY, 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	check_content(fd);

	/* A second open is a distinct fd on the same inode. */
	fd2 = do_openat(ring, AT_FDCWD, abs, O_RDWR, 0);
	ASSERT_GE(fd2, 0);
	ASSERT_NE(fd2, fd);
	ASSERT_EQ(fcntl(fd2, F_GETFL) & O_ACCMODE, O_RDWR);
	check_content(fd2);
	close_and_check(ring, fd);
	close_and_check(ring, fd2);

	/* Creation: the mode bits land as given (umask is 0). */
	fd = do_openat(ring, dfd, "created", O_CREAT | O_EXCL | O_WRONLY,
		       0641);
	ASSERT_GE(fd, 0);
	check_mode(fd, 0641);
	ASSERT_EQ(write(fd, "hello", 5), 5);
	close_and_check(ring, fd);
	fd = do_openat(ring, dfd, "created", O_RDONLY, 0);
	ASSERT_GE(fd, 0);
	{
		char buf[8] = { 0 };

		ASSERT_EQ(read(fd, buf, sizeof(buf)), 5);
		ASSERT_MEM_EQ(buf, "hello", 5);
	}
	close_and_check(ring, fd);

	/* O_CLOEXEC reaches the new fd. */
	fd = do_openat(ring, dfd, "data", O_RDONLY | O_CLOEXEC, 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close_and_check(ring, fd);

	/* O_TRUNC empties the file. */
	fd = do_openat(ring, dfd, "created", O_WRONLY | O_TRUNC, 0);
	ASSERT_GE(fd, 0);
	{
		struct stat st;

		ASSERT_EQ(fstat(fd, &st), 0);
		ASSERT_EQ(st.st_size, 0);
	}
	close_and_check(ring, fd);

	/* Errors come back as -errno in res. */
	ASSERT_EQ(do_openat(ring, dfd, "created", O_CREAT | O_EXCL | O_RDWR,
			    0600), -EEXIST);
	ASSERT_EQ(do_openat(ring, dfd, "missing", O_RDONLY, 0), -ENOENT);
	ASSERT_EQ(do_openat(ring, dfd, "data", O_RDONLY | O_DIRECTORY, 0),
		  -ENOTDIR);
	ASSERT_EQ(faccessat(dfd, "missing", F_OK, 0), -1);
	free(abs);
}

static void test_open(struct io_uring *ring, const char *dir)
{
	char *abs = join(dir, "data");
	char cwd[4096];
	int fd;

	/* Absolute path. */
	fd = do_open(ring, abs, O_RDONLY, 0);
	ASSERT_GE(fd, 0);
	check_content(fd);
	close_and_check(ring, fd);

	/* Relative: resolved against the current directory (AT_FDCWD). */
	ASSERT_NOT_NULL(getcwd(cwd, sizeof(cwd)));
	ASSERT_EQ(chdir(dir), 0);
	fd = do_open(ring, "data", O_RDONLY, 0);
	ASSERT_GE(fd, 0);
	check_content(fd);
	close_and_check(ring, fd);

	fd = do_open(ring, "by-open", O_CREAT | O_RDWR, 0604);
	ASSERT_GE(fd, 0);
	check_mode(fd, 0604);
	close_and_check(ring, fd);
	ASSERT_EQ(chdir(cwd), 0);

	{
		char *made = join(dir, "by-open");
		struct stat st;

		ASSERT_EQ(stat(made, &st), 0);
		ASSERT_EQ(st.st_mode & 07777, 0604);
		free(made);
	}
	ASSERT_EQ(do_open(ring, "/nonexistent-uringkit/x", O_RDONLY, 0),
		  -ENOENT);
	free(abs);
}

static void test_openat2(struct io_uring *ring, const char *dir, int dfd,
			 const char *outside)
{
	struct open_how how;
	char *target = join(outside, "secret");
	int fd;

	/* "escape" points outside dir, at a file that exists. */
	ASSERT_EQ(symlinkat(target, dfd, "escape"), 0);
	ASSERT_EQ(symlinkat("data", dfd, "inside"), 0);

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY;
	fd = do_openat2(ring, dfd, "data", &how);
	ASSERT_GE(fd, 0);
	check_content(fd);
	close_and_check(ring, fd);

	/* Without restrictions the escaping link is followed. */
	fd = do_openat2(ring, dfd, "escape", &how);
	ASSERT_GE(fd, 0);
	{
		char buf[16] = { 0 };

		ASSERT_EQ(read(fd, buf, sizeof(buf)), 6);
		ASSERT_MEM_EQ(buf, "secret", 6);
	}
	close_and_check(ring, fd);

	/* RESOLVE_BENEATH: the absolute link leaves dfd's tree. */
	how.resolve = RESOLVE_BENEATH;
	ASSERT_EQ(do_openat2(ring, dfd, "escape", &how), -EXDEV);
	ASSERT_EQ(do_openat2(ring, dfd, "../", &how), -EXDEV);
	fd = do_openat2(ring, dfd, "inside", &how);
	ASSERT_GE(fd, 0);
	check_content(fd);
	close_and_check(ring, fd);

	/* RESOLVE_NO_SYMLINKS refuses any link, even one that stays inside. */
	how.resolve = RESOLVE_NO_SYMLINKS;
	ASSERT_EQ(do_openat2(ring, dfd, "inside", &how), -ELOOP);
	ASSERT_EQ(do_openat2(ring, dfd, "escape", &how), -ELOOP);

	/* RESOLVE_IN_ROOT: "/" means dfd, so the link's target is not found. */
	how.resolve = RESOLVE_IN_ROOT;
	ASSERT_EQ(do_openat2(ring, dfd, "escape", &how), -ENOENT);
	fd = do_openat2(ring, dfd, "/data", &how);
	ASSERT_GE(fd, 0);
	check_content(fd);
	close_and_check(ring, fd);

	/* Creation through open_how: flags and mode are taken from *how. */
	memset(&how, 0, sizeof(how));
	how.flags = O_CREAT | O_EXCL | O_RDWR;
	how.mode = 0620;
	fd = do_openat2(ring, dfd, "made2", &how);
	ASSERT_GE(fd, 0);
	check_mode(fd, 0620);
	close_and_check(ring, fd);
	ASSERT_EQ(do_openat2(ring, dfd, "made2", &how), -EEXIST);

	/* openat2 is strict: a mode without O_CREAT is an error. */
	how.flags = O_RDONLY;
	how.mode = 0600;
	ASSERT_EQ(do_openat2(ring, dfd, "data", &how), -EINVAL);
	/* ...and so are unknown resolve bits. */
	how.mode = 0;
	how.resolve = 1ULL << 40;
	ASSERT_EQ(do_openat2(ring, dfd, "data", &how), -EINVAL);

	(void) dir;
	free(target);
}

static void test_close(struct io_uring *ring, const char *dir)
{
	char *abs = join(dir, "data");
	int fd, before;

	before = t_count_fds();
	fd = open(abs, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(t_count_fds(), before + 1);
	close_and_check(ring, fd);
	ASSERT_EQ(t_count_fds(), before);

	/* Closing again: the fd is gone. */
	ASSERT_EQ(do_close(ring, fd), -EBADF);
	ASSERT_EQ(do_close(ring, 100000), -EBADF);
	free(abs);
}

int main(void)
{
	struct io_uring ring;
	char *dir, *outside, *p;
	int dfd, fd;

	t_require_op(IORING_OP_OPENAT);
	t_require_op(IORING_OP_OPENAT2);
	t_require_op(IORING_OP_CLOSE);
	umask(0);

	dir = t_tmpdir();
	outside = t_tmpdir();
	p = join(dir, "data");
	fd = t_create_file(p, FILE_SIZE, SEED);
	close(fd);
	free(p);
	p = join(outside, "secret");
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, "secret", 6), 6);
	close(fd);
	free(p);

	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ASSERT_GE(dfd, 0);
	t_ring_init(&ring, 8, NULL);

	test_openat(&ring, dir, dfd);
	test_open(&ring, dir);
	test_openat2(&ring, dir, dfd, outside);
	test_close(&ring, dir);

	io_uring_queue_exit(&ring);
	close(dfd);
	return T_EXIT_PASS;
}
