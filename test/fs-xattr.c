/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_setxattr / getxattr / fsetxattr / fgetxattr: user.*
 * attributes round-trip between the ring and the xattr system calls (a
 * value set through the ring is what getxattr(2) reads and vice versa),
 * XATTR_CREATE / XATTR_REPLACE behave as in setxattr(2), a short buffer
 * gives -ERANGE, a zero-length buffer reports the size, and path forms
 * follow symlinks.
 *
 * Needs a filesystem with user xattrs: $TMPDIR (or /tmp) first, then
 * /var/tmp (tmpfs only has user xattrs since Linux 6.6).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "test.h"

static int do_set(struct io_uring *ring, const char *path, const char *name,
		  const void *value, unsigned len, int flags)
{
	io_uring_prep_setxattr(t_get_sqe(ring), name, value, path, flags, len);
	return t_submit_one(ring);
}

static int do_get(struct io_uring *ring, const char *path, const char *name,
		  void *value, unsigned len)
{
	io_uring_prep_getxattr(t_get_sqe(ring), name, value, path, len);
	return t_submit_one(ring);
}

static int do_fset(struct io_uring *ring, int fd, const char *name,
		   const void *value, unsigned len, int flags)
{
	io_uring_prep_fsetxattr(t_get_sqe(ring), fd, name, value, flags, len);
	return t_submit_one(ring);
}

static int do_fget(struct io_uring *ring, int fd, const char *name,
		   void *value, unsigned len)
{
	io_uring_prep_fgetxattr(t_get_sqe(ring), fd, name, value, len);
	return t_submit_one(ring);
}

/* The system call sees name == value. */
static void sys_has(const char *path, const char *name, const char *value)
{
	char buf[256];
	ssize_t n = getxattr(path, name, buf, sizeof(buf));

	ASSERT_EQ(n, (ssize_t) strlen(value));
	ASSERT_MEM_EQ(buf, value, (size_t) n);
}

/* A directory whose filesystem takes user.* xattrs, or NULL. */
static char *xattr_dir(void)
{
	static const char *bases[] = { NULL, "/var/tmp" };

	for (unsigned i = 0; i < 2; i++) {
		char *dir, *probe;
		int fd, ret;

		if (bases[i] && setenv("TMPDIR", bases[i], 1))
			t_fail("setenv: %s", strerror(errno));
		dir = t_tmpdir();
		ASSERT_GE(asprintf(&probe, "%s/probe", dir), 0);
		fd = open(probe, O_CREAT | O_WRONLY, 0600);
		ASSERT_GE(fd, 0);
		ret = fsetxattr(fd, "user.probe", "1", 1, 0);
		close(fd);
		unlink(probe);
		free(probe);
		if (ret == 0)
			return dir;
		if (errno != ENOTSUP)
			t_fail("fsetxattr probe in %s: %s", dir,
			       strerror(errno));
	}
	return NULL;
}

int main(void)
{
	struct io_uring ring;
	char *dir, *file, *link;
	char buf[256];
	int fd;

	t_require_op(IORING_OP_SETXATTR);
	t_require_op(IORING_OP_GETXATTR);
	t_require_op(IORING_OP_FSETXATTR);
	t_require_op(IORING_OP_FGETXATTR);

	dir = xattr_dir();
	if (!dir)
		t_skip("no filesystem with user xattrs in $TMPDIR, /tmp or /var/tmp");
	ASSERT_GE(asprintf(&file, "%s/file", dir), 0);
	ASSERT_GE(asprintf(&link, "%s/link", dir), 0);
	fd = open(file, O_CREAT | O_RDWR, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(symlink(file, link), 0);
	t_ring_init(&ring, 4, NULL);

	/* Path form: set through the ring, read back both ways. */
	ASSERT_EQ(do_set(&ring, file, "user.color", "blue", 4, 0), 0);
	sys_has(file, "user.color", "blue");
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(do_get(&ring, file, "user.color", buf, sizeof(buf)), 4);
	ASSERT_MEM_EQ(buf, "blue", 4);

	/* A value set by the system call is read through the ring. */
	ASSERT_EQ(setxattr(file, "user.sys", "from-syscall", 12, 0), 0);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(do_get(&ring, file, "user.sys", buf, sizeof(buf)), 12);
	ASSERT_MEM_EQ(buf, "from-syscall", 12);

	/* Binary values with NUL bytes survive; len is what counts. */
	{
		const char bin[6] = { 'a', 0, 'b', 0, 0, 'c' };

		ASSERT_EQ(do_set(&ring, file, "user.bin", bin, 6, 0), 0);
		ASSERT_EQ(getxattr(file, "user.bin", buf, sizeof(buf)), 6);
		ASSERT_MEM_EQ(buf, bin, 6);
	}

	/* XATTR_CREATE on an existing name; XATTR_REPLACE on a missing one. */
	ASSERT_EQ(do_set(&ring, file, "user.color", "red", 3, XATTR_CREATE),
		  -EEXIST);
	sys_has(file, "user.color", "blue");
	ASSERT_EQ(do_set(&ring, file, "user.none", "x", 1, XATTR_REPLACE),
		  -ENODATA);
	errno = 0;
	ASSERT_EQ(getxattr(file, "user.none", buf, sizeof(buf)), -1);
	ASSERT_EQ(errno, ENODATA);
	ASSERT_EQ(do_set(&ring, file, "user.color", "red", 3, XATTR_REPLACE),
		  0);
	sys_has(file, "user.color", "red");
	ASSERT_EQ(do_set(&ring, file, "user.new", "n", 1, XATTR_CREATE), 0);
	sys_has(file, "user.new", "n");

	/* Short buffer: -ERANGE; zero-length: the size, nothing copied. */
	ASSERT_EQ(do_get(&ring, file, "user.sys", buf, 5), -ERANGE);
	ASSERT_EQ(do_get(&ring, file, "user.sys", NULL, 0), 12);
	ASSERT_EQ(do_get(&ring, file, "user.missing", buf, sizeof(buf)),
		  -ENODATA);

	/* Path forms follow symlinks. */
	ASSERT_EQ(do_set(&ring, link, "user.via-link", "L", 1, 0), 0);
	sys_has(file, "user.via-link", "L");
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(do_get(&ring, link, "user.color", buf, sizeof(buf)), 3);
	ASSERT_MEM_EQ(buf, "red", 3);

	/* fd forms. */
	ASSERT_EQ(do_fset(&ring, fd, "user.fd", "by-fd", 5, 0), 0);
	sys_has(file, "user.fd", "by-fd");
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(do_fget(&ring, fd, "user.fd", buf, sizeof(buf)), 5);
	ASSERT_MEM_EQ(buf, "by-fd", 5);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(do_fget(&ring, fd, "user.color", buf, sizeof(buf)), 3);
	ASSERT_MEM_EQ(buf, "red", 3);
	ASSERT_EQ(do_fset(&ring, fd, "user.fd", "again", 5, XATTR_CREATE),
		  -EEXIST);
	sys_has(file, "user.fd", "by-fd");
	ASSERT_EQ(do_fset(&ring, fd, "user.fd", "again", 5, XATTR_REPLACE), 0);
	sys_has(file, "user.fd", "again");
	ASSERT_EQ(do_fget(&ring, fd, "user.fd", buf, 2), -ERANGE);
	ASSERT_EQ(do_fget(&ring, fd, "user.fd", NULL, 0), 5);
	ASSERT_EQ(do_fget(&ring, fd, "user.missing", buf, sizeof(buf)),
		  -ENODATA);

	/* An fd that is not open. */
	ASSERT_EQ(do_fget(&ring, 100000, "user.fd", buf, sizeof(buf)), -EBADF);
	/* A path that does not exist. */
	ASSERT_EQ(do_get(&ring, "/nonexistent-uringkit/f", "user.fd", buf,
			 sizeof(buf)), -ENOENT);
	/* An unknown namespace prefix. */
	ASSERT_EQ(do_set(&ring, file, "bogus.name", "x", 1, 0), -EOPNOTSUPP);

	io_uring_queue_exit(&ring);
	close(fd);
	free(file);
	free(link);
	return T_EXIT_PASS;
}
