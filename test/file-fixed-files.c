/* SPDX-License-Identifier: MIT */
/*
 * Registered files: reads and writes with IOSQE_FIXED_FILE address the
 * fixed file table by slot (and keep working after the original fds are
 * closed); io_uring_prep_files_update replaces a slot so that the next
 * request, linked behind the update, reads the new file; -1 empties a
 * slot (-EBADF afterwards), IORING_REGISTER_FILES_SKIP leaves one alone,
 * and an update at IORING_FILE_INDEX_ALLOC picks a free slot and reports
 * it in the array.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE	16384
#define SEED_A		21
#define SEED_B		22
#define SEED_C		23

static struct io_uring ring;

/* Read 4096 bytes at off from fixed slot; returns the result. */
static int read_slot(int slot, void *buf, size_t off)
{
	struct io_uring_sqe *sqe = t_get_dirty_sqe(&ring);

	io_uring_prep_read(sqe, slot, buf, 4096, off);
	sqe->flags |= IOSQE_FIXED_FILE;
	return t_submit_one(&ring);
}

static void expect_slot(int slot, unsigned seed)
{
	unsigned char buf[4096];

	ASSERT_EQ(read_slot(slot, buf, 8192), 4096);
	ASSERT_EQ(t_check_fill(buf, 4096, 8192, seed), 4096);
}

int main(void)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned char buf[4096], disk[4096];
	char *dir, path[3][4096];
	int fds[3], table[4], upd[2], ret;

	t_ring_init(&ring, 8, NULL);
	dir = t_tmpdir();
	for (int i = 0; i < 3; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/f%d", dir, i);
		fds[i] = t_create_file(path[i], FILE_SIZE, SEED_A + i);
	}

	/* slots: 0 = A, 1 = empty, 2 = B, 3 = empty */
	table[0] = fds[0];
	table[1] = -1;
	table[2] = fds[1];
	table[3] = -1;
	ret = io_uring_register_files(&ring, table, 4);
	ASSERT_EQ(ret, 0);

	/* The table holds its own references. */
	close(fds[0]);
	close(fds[1]);

	expect_slot(0, SEED_A);
	expect_slot(2, SEED_B);
	ASSERT_EQ(read_slot(1, buf, 0), -EBADF);
	/* out of the table's range */
	ASSERT_EQ(read_slot(4, buf, 0), -EBADF);

	/* a write through slot 2 lands in file B */
	memset(buf, 0x5a, sizeof(buf));
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_write(sqe, 2, buf, 100, 50);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	ASSERT_EQ(t_submit_one(&ring), 100);
	{
		int fd = open(path[1], O_RDONLY);

		ASSERT_GE(fd, 0);
		ASSERT_EQ(pread(fd, disk, 200, 0), 200);
		ASSERT_EQ(t_check_fill(disk, 50, 0, SEED_B), 50);
		ASSERT_MEM_EQ(disk + 50, buf, 100);
		ASSERT_EQ(t_check_fill(disk + 150, 50, 150, SEED_B), 50);
		close(fd);
	}

	/*
	 * Replace slot 0 (A) with C, and in the same submission, linked
	 * behind the update, read slot 0: it must see C.
	 */
	upd[0] = fds[2];
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_files_update(sqe, upd, 1, 0);
	sqe->flags |= IOSQE_IO_LINK;
	io_uring_sqe_set_data64(sqe, 1);
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_read(sqe, 0, buf, 4096, 8192);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, 2);
	ASSERT_EQ(io_uring_submit(&ring), 2);
	for (int i = 1; i <= 2; i++) {
		cqe = t_wait_cqe(&ring);
		ASSERT_EQ(cqe->user_data, (__u64) i);
		ASSERT_EQ(cqe->res, i == 1 ? 1 : 4096);
		io_uring_cqe_seen(&ring, cqe);
	}
	ASSERT_EQ(t_check_fill(buf, 4096, 8192, SEED_C), 4096);
	close(fds[2]);
	expect_slot(0, SEED_C);

	/* two slots at once: SKIP keeps slot 1 empty, -1 empties slot 2 */
	upd[0] = IORING_REGISTER_FILES_SKIP;
	upd[1] = -1;
	io_uring_prep_files_update(t_get_dirty_sqe(&ring), upd, 2, 1);
	ASSERT_EQ(t_submit_one(&ring), 2);
	ASSERT_EQ(read_slot(1, buf, 0), -EBADF);
	ASSERT_EQ(read_slot(2, buf, 0), -EBADF);
	expect_slot(0, SEED_C);

	/* let the kernel pick a free slot for file A */
	upd[0] = open(path[0], O_RDONLY);
	ASSERT_GE(upd[0], 0);
	{
		int fd = upd[0];

		io_uring_prep_files_update(t_get_dirty_sqe(&ring), upd, 1,
					   (int) IORING_FILE_INDEX_ALLOC);
		ret = t_submit_one(&ring);
		if (ret == -EINVAL)
			t_skip("kernel lacks IORING_FILE_INDEX_ALLOC for "
			       "FILES_UPDATE");
		ASSERT_EQ(ret, 1);
		ASSERT_NE(upd[0], fd);
		ASSERT_GE(upd[0], 1);
		ASSERT_LE(upd[0], 3);
		close(fd);
	}
	expect_slot(upd[0], SEED_A);

	/* an update past the end of the table */
	upd[0] = 0;
	io_uring_prep_files_update(t_get_dirty_sqe(&ring), upd, 1, 4);
	ASSERT_EQ(t_submit_one(&ring), -EINVAL);

	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
