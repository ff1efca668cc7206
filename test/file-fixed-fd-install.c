/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_fixed_fd_install (6.8): a direct descriptor (a file that
 * exists only in the ring's fixed file table, its original fd closed)
 * becomes a normal fd of the process, one that read(), fstat() and lseek()
 * work on. It is close-on-exec unless IORING_FIXED_FD_NO_CLOEXEC is
 * given; unknown flags, an empty slot, and a request without
 * IOSQE_FIXED_FILE are refused.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE	32768
#define SEED		81

static struct io_uring ring;

static int install(int slot, unsigned flags, bool fixed)
{
	struct io_uring_sqe *sqe = t_get_dirty_sqe(&ring);

	io_uring_prep_fixed_fd_install(sqe, slot, flags);
	if (!fixed)
		sqe->flags &= (__u8) ~IOSQE_FIXED_FILE;
	return t_submit_one(&ring);
}

int main(void)
{
	unsigned char buf[8192];
	struct stat st_file, st_new;
	char *dir, path[4096];
	int fd, nfd, nfd2, table[2], nfds;

	t_require_op(IORING_OP_FIXED_FD_INSTALL);
	t_ring_init(&ring, 4, NULL);
	dir = t_tmpdir();
	snprintf(path, sizeof(path), "%s/data", dir);
	fd = t_create_file(path, FILE_SIZE, SEED);
	ASSERT_EQ(fstat(fd, &st_file), 0);

	table[0] = fd;
	table[1] = -1;
	ASSERT_EQ(io_uring_register_files(&ring, table, 2), 0);
	close(fd);		/* now only the ring knows the file */
	nfds = t_count_fds();

	nfd = install(0, 0, true);
	ASSERT_GE(nfd, 0);
	ASSERT_EQ(t_count_fds(), nfds + 1);
	ASSERT(fcntl(nfd, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(fstat(nfd, &st_new), 0);
	ASSERT_EQ(st_new.st_ino, st_file.st_ino);
	ASSERT_EQ(st_new.st_dev, st_file.st_dev);
	/* the descriptor reads the file */
	ASSERT_EQ(lseek(nfd, 4096, SEEK_SET), 4096);
	ASSERT_EQ(read(nfd, buf, sizeof(buf)), (ssize_t) sizeof(buf));
	ASSERT_EQ(t_check_fill(buf, sizeof(buf), 4096, SEED), sizeof(buf));

	/* a second, independent descriptor without close-on-exec */
	nfd2 = install(0, IORING_FIXED_FD_NO_CLOEXEC, true);
	ASSERT_GE(nfd2, 0);
	ASSERT_NE(nfd2, nfd);
	ASSERT_EQ(fcntl(nfd2, F_GETFD) & FD_CLOEXEC, 0);
	ASSERT_EQ(pread(nfd2, buf, 100, 0), 100);
	ASSERT_EQ(t_check_fill(buf, 100, 0, SEED), 100);

	/* the slot stays usable after installing, and after closing fds */
	close(nfd);
	close(nfd2);
	ASSERT_EQ(t_count_fds(), nfds);
	nfd = install(0, 0, true);
	ASSERT_GE(nfd, 0);
	close(nfd);

	/* refusals, none of which creates a descriptor */
	ASSERT_EQ(install(0, 1U << 1, true), -EINVAL);
	ASSERT_EQ(install(1, 0, true), -EBADF);
	ASSERT_EQ(install(5, 0, true), -EBADF);
	ASSERT_EQ(install(0, 0, false), -EBADF);
	ASSERT_EQ(t_count_fds(), nfds);

	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
