/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_fsync (full and IORING_FSYNC_DATASYNC) and
 * io_uring_prep_sync_file_range. Durability cannot be observed from a
 * test, so what is checked is what can be: a write linked to an fsync and
 * a datasync completes in order (write res, then 0, 0), the data is then
 * readable through a freshly opened descriptor, sync_file_range with the
 * usual flag combinations succeeds, and the flag words really reach the
 * kernel (an unknown fsync flag or sync_file_range flag is -EINVAL).
 * Bad descriptors fail with -EBADF, and a pipe cannot be fsync'd.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE	(128 * 1024)
#define SEED		31

static struct io_uring ring;

int main(void)
{
	unsigned char data[16384], back[16384];
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	char *dir, path[4096];
	int fd, fd2, p[2];

	t_ring_init(&ring, 8, NULL);
	dir = t_tmpdir();
	snprintf(path, sizeof(path), "%s/data", dir);
	fd = t_create_file(path, FILE_SIZE, SEED);

	/* write -> fsync -> fdatasync, linked */
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char) (i * 13 + 5);
	sqe = t_get_dirty_sqe_ud(&ring, 1);
	io_uring_prep_write(sqe, fd, data, sizeof(data), 32768);
	sqe->flags |= IOSQE_IO_LINK;
	sqe = t_get_dirty_sqe_ud(&ring, 2);
	io_uring_prep_fsync(sqe, fd, 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe = t_get_dirty_sqe_ud(&ring, 3);
	io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	ASSERT_EQ(io_uring_submit(&ring), 3);
	for (__u64 ud = 1; ud <= 3; ud++) {
		cqe = t_wait_cqe(&ring);
		ASSERT_EQ(cqe->user_data, ud);
		ASSERT_EQ(cqe->res, ud == 1 ? (int) sizeof(data) : 0);
		io_uring_cqe_seen(&ring, cqe);
	}

	/* what was written and synced is what a fresh descriptor sees */
	fd2 = open(path, O_RDONLY);
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(pread(fd2, back, sizeof(back), 32768),
		  (ssize_t) sizeof(back));
	ASSERT_MEM_EQ(back, data, sizeof(data));
	ASSERT_EQ(pread(fd2, back, 4096, 0), 4096);
	ASSERT_EQ(t_check_fill(back, 4096, 0, SEED), 4096);
	close(fd2);

	/* sync_file_range over the written range, then to end of file */
	io_uring_prep_sync_file_range(t_get_dirty_sqe_ud(&ring, 4), fd,
				      sizeof(data), 32768,
				      SYNC_FILE_RANGE_WAIT_BEFORE |
				      SYNC_FILE_RANGE_WRITE |
				      SYNC_FILE_RANGE_WAIT_AFTER);
	ASSERT_EQ(t_submit_one(&ring), 0);
	io_uring_prep_sync_file_range(t_get_dirty_sqe_ud(&ring, 5), fd, 0, 4096,
				      SYNC_FILE_RANGE_WRITE);
	ASSERT_EQ(t_submit_one(&ring), 0);

	/* the flag words are the kernel's to check */
	io_uring_prep_fsync(t_get_dirty_sqe_ud(&ring, 6), fd, 1U << 4);
	ASSERT_EQ(t_submit_one(&ring), -EINVAL);
	io_uring_prep_sync_file_range(t_get_dirty_sqe_ud(&ring, 7), fd, 0, 0,
				      1 << 8);
	ASSERT_EQ(t_submit_one(&ring), -EINVAL);

	/* descriptors */
	io_uring_prep_fsync(t_get_dirty_sqe_ud(&ring, 8), 9999, 0);
	ASSERT_EQ(t_submit_one(&ring), -EBADF);
	io_uring_prep_fsync(t_get_dirty_sqe_ud(&ring, 9), 9999,
			    IORING_FSYNC_DATASYNC);
	ASSERT_EQ(t_submit_one(&ring), -EBADF);
	io_uring_prep_sync_file_range(t_get_dirty_sqe_ud(&ring, 10), 9999, 0, 0,
				      SYNC_FILE_RANGE_WRITE);
	ASSERT_EQ(t_submit_one(&ring), -EBADF);
	ASSERT_EQ(pipe(p), 0);
	io_uring_prep_fsync(t_get_dirty_sqe_ud(&ring, 11), p[1], 0);
	ASSERT_EQ(t_submit_one(&ring), -EINVAL);
	/* sync_file_range on a pipe: ESPIPE, as for the system call */
	io_uring_prep_sync_file_range(t_get_dirty_sqe_ud(&ring, 12), p[1], 0, 0,
				      SYNC_FILE_RANGE_WRITE);
	ASSERT_EQ(t_submit_one(&ring), -ESPIPE);
	close(p[0]);
	close(p[1]);

	io_uring_queue_exit(&ring);
	close(fd);
	return T_EXIT_PASS;
}
