/* SPDX-License-Identifier: MIT */
/*
 * Filesystem requests in one IOSQE_IO_LINK chain, submitted together:
 * mkdirat -> openat_direct(O_CREAT) inside the new directory -> write
 * through the fixed slot -> close_direct. Each step runs only after the
 * previous one completed, so the open sees the directory and the write
 * the file. Afterwards the file exists with exactly the bytes written.
 *
 * Failures: an open that fails cancels the write and close behind it
 * (-ECANCELED) and the existing file is left alone; with
 * IOSQE_IO_HARDLINK after the mkdir, an existing directory (-EEXIST) does
 * not stop the chain ("mkdir -p"). Whether a failed mkdirat breaks a
 * plain IOSQE_IO_LINK chain depends on the kernel: 5.15-5.19 cancel the
 * rest, but since the 6.0 rework the filesystem opcodes (mkdirat,
 * renameat, unlinkat, symlinkat, linkat, statx, xattrs) no longer mark
 * the request failed, so the chain goes on (seen on 6.18). Both
 * outcomes are accepted, each checked for consistency.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"

#define SLOT		1
#define DATA_SIZE	5000

/* Queue the four linked steps; user_data 1..4. */
static void queue_chain(struct io_uring *ring, int dfd, const char *subdir,
			const char *file, const void *data,
			unsigned mkdir_link)
{
	struct io_uring_sqe *sqe;

	sqe = t_get_sqe(ring);
	io_uring_prep_mkdirat(sqe, dfd, subdir, 0755);
	io_uring_sqe_set_flags(sqe, mkdir_link);
	io_uring_sqe_set_data64(sqe, 1);

	sqe = t_get_sqe(ring);
	io_uring_prep_openat_direct(sqe, dfd, file,
				    O_CREAT | O_EXCL | O_WRONLY, 0640, SLOT);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	io_uring_sqe_set_data64(sqe, 2);

	sqe = t_get_sqe(ring);
	io_uring_prep_write(sqe, SLOT, data, DATA_SIZE, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK | IOSQE_FIXED_FILE);
	io_uring_sqe_set_data64(sqe, 3);

	sqe = t_get_sqe(ring);
	io_uring_prep_close_direct(sqe, SLOT);
	io_uring_sqe_set_data64(sqe, 4);
}

/* Submit the chain and collect res[1..4] by user_data. */
static void run_chain(struct io_uring *ring, int res[5])
{
	ASSERT_EQ(io_uring_submit_and_wait(ring, 4), 4);
	for (int i = 0; i < 5; i++)
		res[i] = 1 << 30;
	for (int i = 0; i < 4; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(ring);

		ASSERT_GE(cqe->user_data, 1);
		ASSERT_LE(cqe->user_data, 4);
		ASSERT_EQ(res[cqe->user_data], 1 << 30);
		res[cqe->user_data] = cqe->res;
		io_uring_cqe_seen(ring, cqe);
	}
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
}

/* dir/name is a 0640 regular file holding exactly data. */
static void check_file(int dfd, const char *name, const char *data)
{
	static char back[DATA_SIZE + 1];
	struct stat st;
	int fd;

	ASSERT_EQ(fstatat(dfd, name, &st, 0), 0);
	ASSERT(S_ISREG(st.st_mode));
	ASSERT_EQ(st.st_mode & 07777, 0640);
	ASSERT_EQ(st.st_size, DATA_SIZE);
	fd = openat(dfd, name, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(read(fd, back, sizeof(back)), DATA_SIZE);
	ASSERT_MEM_EQ(back, data, DATA_SIZE);
	close(fd);
}

/* The chain's last step left SLOT empty. */
static void check_slot_empty(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);
	struct io_uring_cqe *cqe;

	io_uring_prep_close_direct(sqe, SLOT);
	ASSERT_EQ(io_uring_submit(ring), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->res, -EBADF);
	io_uring_cqe_seen(ring, cqe);
}

int main(void)
{
	static char data[DATA_SIZE];
	struct io_uring ring;
	struct stat st;
	char *dir;
	int dfd, ret, res[5];

	t_require_op(IORING_OP_MKDIRAT);
	t_require_op(IORING_OP_OPENAT);
	t_require_op(IORING_OP_WRITE);
	t_require_op(IORING_OP_CLOSE);

	umask(0);
	dir = t_tmpdir();
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ASSERT_GE(dfd, 0);
	t_fill(data, sizeof(data), 33);

	t_ring_init(&ring, 8, NULL);
	ret = io_uring_register_files_sparse(&ring, 4);
	if (ret == -EINVAL)
		t_skip("kernel lacks sparse file tables (IORING_RSRC_REGISTER_SPARSE, 5.19)");
	ASSERT_EQ(ret, 0);

	/* The chain that works. */
	queue_chain(&ring, dfd, "newdir", "newdir/file", data, IOSQE_IO_LINK);
	run_chain(&ring, res);
	ASSERT_EQ(res[1], 0);			/* mkdirat */
	ASSERT_EQ(res[2], 0);			/* openat_direct into SLOT */
	ASSERT_EQ(res[3], DATA_SIZE);		/* write */
	ASSERT_EQ(res[4], 0);			/* close_direct */

	ASSERT_EQ(fstatat(dfd, "newdir", &st, 0), 0);
	ASSERT(S_ISDIR(st.st_mode));
	ASSERT_EQ(st.st_mode & 07777, 0755);
	check_file(dfd, "newdir/file", data);
	/* The slot was emptied by the last step. */
	check_slot_empty(&ring);

	/* A failure in the middle: open of an existing file with O_EXCL. */
	queue_chain(&ring, dfd, "second", "newdir/file", data, IOSQE_IO_LINK);
	run_chain(&ring, res);
	ASSERT_EQ(res[1], 0);
	ASSERT_EQ(res[2], -EEXIST);
	ASSERT_EQ(res[3], -ECANCELED);
	ASSERT_EQ(res[4], -ECANCELED);
	ASSERT_EQ(fstatat(dfd, "second", &st, 0), 0);
	ASSERT(S_ISDIR(st.st_mode));
	check_file(dfd, "newdir/file", data);
	check_slot_empty(&ring);

	/* HARDLINK: the existing directory does not stop the chain. */
	queue_chain(&ring, dfd, "newdir", "newdir/hard", data,
		    IOSQE_IO_HARDLINK);
	run_chain(&ring, res);
	ASSERT_EQ(res[1], -EEXIST);
	ASSERT_EQ(res[2], 0);
	ASSERT_EQ(res[3], DATA_SIZE);
	ASSERT_EQ(res[4], 0);
	check_file(dfd, "newdir/hard", data);
	check_slot_empty(&ring);

	/* Plain LINK after a failing mkdirat: kernel-dependent, see above. */
	queue_chain(&ring, dfd, "newdir", "newdir/other", data, IOSQE_IO_LINK);
	run_chain(&ring, res);
	ASSERT_EQ(res[1], -EEXIST);
	if (res[2] == -ECANCELED) {
		ASSERT_EQ(res[3], -ECANCELED);
		ASSERT_EQ(res[4], -ECANCELED);
		errno = 0;
		ASSERT_EQ(fstatat(dfd, "newdir/other", &st, 0), -1);
		ASSERT_EQ(errno, ENOENT);
		printf("note: failed mkdirat cancelled its link chain\n");
	} else {
		ASSERT_EQ(res[2], 0);
		ASSERT_EQ(res[3], DATA_SIZE);
		ASSERT_EQ(res[4], 0);
		check_file(dfd, "newdir/other", data);
		printf("note: failed mkdirat did not break its link chain\n");
	}
	check_slot_empty(&ring);
	check_file(dfd, "newdir/file", data);

	io_uring_queue_exit(&ring);
	close(dfd);
	return T_EXIT_PASS;
}
