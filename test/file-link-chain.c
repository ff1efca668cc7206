/* SPDX-License-Identifier: MIT */
/*
 * Linked file requests built from the file prep helpers:
 *  - write -> fsync -> read with IOSQE_IO_LINK completes in order and the
 *    read returns what the write put there;
 *  - when a request in a chain fails (a write to a read-only descriptor,
 *    an fadvise with unknown advice), the requests after it complete with
 *    -ECANCELED and have no effect: the linked write never reaches the
 *    file, the linked ftruncate and fallocate never change its size; an
 *    fsync with unknown flags fails at submission and takes the whole
 *    chain with it;
 *  - with IOSQE_IO_HARDLINK the chain survives the failure and the next
 *    write does happen.
 * (Not used as the failing link: FALLOCATE, FSYNC, SYNC_FILE_RANGE and
 * FTRUNCATE that fail while executing do not break a chain on Linux 6.18;
 * only their preparation errors do.)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/falloc.h>
#include "test.h"

#define FILE_SIZE	65536
#define SEED		91

static struct io_uring ring;

/* The prep helpers clear sqe->flags; set the link flag afterwards. */
static void link_it(struct io_uring_sqe *sqe, unsigned link)
{
	sqe->flags |= (__u8) link;
}

/* Submit n and check the results of user_data first..first+n-1 in order. */
static void expect(unsigned n, __u64 first, const int *res)
{
	ASSERT_EQ(io_uring_submit(&ring), (int) n);
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(&ring);

		ASSERT_EQ(cqe->user_data, first + i);
		ASSERT_EQ(cqe->res, res[i]);
		io_uring_cqe_seen(&ring, cqe);
	}
}

int main(void)
{
	unsigned char data[4096], back[4096];
	struct io_uring_sqe *sqe;
	struct stat st;
	char *dir, path[4096];
	int fd, rofd;

	t_ring_init(&ring, 8, NULL);
	dir = t_tmpdir();
	snprintf(path, sizeof(path), "%s/data", dir);
	fd = t_create_file(path, FILE_SIZE, SEED);
	rofd = open(path, O_RDONLY);
	ASSERT_GE(rofd, 0);
	memset(data, 0x3c, sizeof(data));

	/* write -> fsync -> read */
	sqe = t_get_dirty_sqe_ud(&ring, 1);
	io_uring_prep_write(sqe, fd, data, sizeof(data), 8192);
	link_it(sqe, IOSQE_IO_LINK);
	sqe = t_get_dirty_sqe_ud(&ring, 2);
	io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	link_it(sqe, IOSQE_IO_LINK);
	sqe = t_get_dirty_sqe_ud(&ring, 3);
	io_uring_prep_read(sqe, fd, back, sizeof(back), 8192);
	expect(3, 1, (const int[]) { 4096, 0, 4096 });
	ASSERT_MEM_EQ(back, data, sizeof(data));

	/* write(read-only fd) -> write -> ftruncate: the last two cancelled */
	memset(data, 0x77, sizeof(data));
	sqe = t_get_dirty_sqe_ud(&ring, 10);
	io_uring_prep_write(sqe, rofd, data, sizeof(data), 0);
	link_it(sqe, IOSQE_IO_LINK);
	sqe = t_get_dirty_sqe_ud(&ring, 11);
	io_uring_prep_write(sqe, fd, data, sizeof(data), 0);
	link_it(sqe, IOSQE_IO_LINK);
	sqe = t_get_dirty_sqe_ud(&ring, 12);
	if (t_op_supported(IORING_OP_FTRUNCATE))
		io_uring_prep_ftruncate(sqe, fd, 100);
	else
		io_uring_prep_fsync(sqe, fd, 0);
	expect(3, 10, (const int[]) { -EBADF, -ECANCELED, -ECANCELED });
	ASSERT_EQ(fstat(fd, &st), 0);
	ASSERT_EQ(st.st_size, FILE_SIZE);
	ASSERT_EQ(pread(fd, back, sizeof(back), 0), (ssize_t) sizeof(back));
	ASSERT_EQ(t_check_fill(back, sizeof(back), 0, SEED), sizeof(back));

	/* fadvise(unknown advice) -> fallocate: the allocation never happens */
	sqe = t_get_dirty_sqe_ud(&ring, 15);
	io_uring_prep_fadvise(sqe, fd, 0, 0, 12345);
	link_it(sqe, IOSQE_IO_LINK);
	sqe = t_get_dirty_sqe_ud(&ring, 16);
	io_uring_prep_fallocate(sqe, fd, 0, 0, 4 * FILE_SIZE);
	expect(2, 15, (const int[]) { -EINVAL, -ECANCELED });
	ASSERT_EQ(fstat(fd, &st), 0);
	ASSERT_EQ(st.st_size, FILE_SIZE);

	/*
	 * An fsync with unknown flags fails while the chain is being
	 * submitted, so the whole chain, even the read before it, is
	 * cancelled.
	 */
	sqe = t_get_dirty_sqe_ud(&ring, 20);
	io_uring_prep_read(sqe, fd, back, sizeof(back), 0);
	link_it(sqe, IOSQE_IO_LINK);
	sqe = t_get_dirty_sqe_ud(&ring, 21);
	io_uring_prep_fsync(sqe, fd, 1U << 7);
	link_it(sqe, IOSQE_IO_LINK);
	sqe = t_get_dirty_sqe_ud(&ring, 22);
	io_uring_prep_write(sqe, fd, data, sizeof(data), 0);
	expect(3, 20, (const int[]) { -ECANCELED, -EINVAL, -ECANCELED });
	ASSERT_EQ(pread(fd, back, sizeof(back), 0), (ssize_t) sizeof(back));
	ASSERT_EQ(t_check_fill(back, sizeof(back), 0, SEED), sizeof(back));

	/* a hard link carries on past the failure */
	sqe = t_get_dirty_sqe_ud(&ring, 30);
	io_uring_prep_write(sqe, rofd, data, sizeof(data), 0);
	link_it(sqe, IOSQE_IO_HARDLINK);
	sqe = t_get_dirty_sqe_ud(&ring, 31);
	io_uring_prep_write(sqe, fd, data, sizeof(data), 0);
	expect(2, 30, (const int[]) { -EBADF, 4096 });
	ASSERT_EQ(pread(fd, back, sizeof(back), 0), (ssize_t) sizeof(back));
	ASSERT_MEM_EQ(back, data, sizeof(data));

	close(fd);
	close(rofd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
