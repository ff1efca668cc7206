/* SPDX-License-Identifier: MIT */
/*
 * io_uring_clone_buffers, __io_uring_clone_buffers,
 * io_uring_clone_buffers_offset and __io_uring_clone_buffers_offset: a
 * destination ring gets the source ring's registered buffers and moves
 * bytes through them with READ_FIXED; the offset form copies a sub-range
 * to a chosen slot; IORING_REGISTER_DST_REPLACE overwrites existing slots;
 * a source whose fd is registered (and even closed) is named by its index.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

#define NBUF	4
#define BUF_SZ	4096
#define SEED	8

static unsigned char *bufs[NBUF];
static struct iovec iov[NBUF];
static int file_fd;

/* READ_FIXED 256 bytes at offset off into buffer slot idx (base addr). */
static int read_fixed(struct io_uring *ring, int idx, void *addr, __u64 off)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	int res;

	ASSERT_NOT_NULL(sqe);
	io_uring_prep_rw(IORING_OP_READ_FIXED, sqe, file_fd, addr, 256, off);
	sqe->buf_index = (__u16) idx;
	io_uring_sqe_set_data64(sqe, 0x77);
	ASSERT_EQ(io_uring_submit(ring), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 0x77);
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	if (res == 256)
		ASSERT_EQ(t_check_fill(addr, 256, off, SEED), 256);
	return res;
}

int main(void)
{
	struct io_uring src, dst, dst2;
	char path[4096];
	int ret, fds;

	snprintf(path, sizeof(path), "%s/data", t_tmpdir());
	file_fd = t_create_file(path, 65536, SEED);
	for (int i = 0; i < NBUF; i++) {
		ASSERT_EQ(posix_memalign((void **) &bufs[i], 4096, BUF_SZ), 0);
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = BUF_SZ;
	}
	t_ring_init(&src, 8, NULL);
	t_ring_init(&dst, 8, NULL);
	fds = t_count_fds();

	/* Source without buffers. */
	ret = io_uring_clone_buffers(&dst, &src);
	if (ret == -EINVAL)
		t_skip("kernel lacks IORING_REGISTER_CLONE_BUFFERS");
	ASSERT_EQ(ret, -ENXIO);

	ASSERT_EQ(io_uring_register_buffers(&src, iov, NBUF), 0);
	ASSERT_EQ(read_fixed(&dst, 0, bufs[0], 0), -EFAULT);
	ASSERT_EQ(io_uring_clone_buffers(&dst, &src), 0);
	for (int i = 0; i < NBUF; i++)
		ASSERT_EQ(read_fixed(&dst, i, bufs[i] + 64, 512 * (unsigned) i),
			  256);
	/* The destination has buffers now: a second clone is refused... */
	ASSERT_EQ(io_uring_clone_buffers(&dst, &src), -EBUSY);
	/* ... unless it asks to replace them. */
	ASSERT_EQ(__io_uring_clone_buffers(&dst, &src,
					   IORING_REGISTER_DST_REPLACE), 0);
	ASSERT_EQ(read_fixed(&dst, 3, bufs[3], 4096), 256);
	/* The source is unaffected, and independent of the destination. */
	ASSERT_EQ(io_uring_unregister_buffers(&dst), 0);
	ASSERT_EQ(read_fixed(&src, 1, bufs[1], 100), 256);
	ASSERT_EQ(read_fixed(&dst, 1, bufs[1], 100), -EFAULT);

	/*
	 * Offset form: src slots 2..3 to dst slots 5..6. The table is sized
	 * dst_off + nr; slots below dst_off stay empty.
	 */
	ASSERT_EQ(io_uring_clone_buffers_offset(&dst, &src, 5, 2, 2, 0), 0);
	ASSERT_EQ(read_fixed(&dst, 5, bufs[2], 0), 256);
	ASSERT_EQ(read_fixed(&dst, 6, bufs[3], 1000), 256);
	ASSERT_EQ(read_fixed(&dst, 5, bufs[3], 0), -EFAULT);	/* slot 5 = buf 2 */
	ASSERT_EQ(read_fixed(&dst, 0, bufs[0], 0), -EFAULT);
	ASSERT_EQ(read_fixed(&dst, 7, bufs[0], 0), -EFAULT);
	/* Replace slot 6 with src slot 0 through the __ variant. */
	ASSERT_EQ(__io_uring_clone_buffers_offset(&dst, &src, 6, 0, 1,
				IORING_REGISTER_DST_REPLACE), 0);
	ASSERT_EQ(read_fixed(&dst, 6, bufs[0], 300), 256);
	ASSERT_EQ(read_fixed(&dst, 5, bufs[2], 300), 256);	/* kept */

	/* Ranges beyond the source, and unknown flags. */
	ASSERT_EQ(io_uring_clone_buffers_offset(&dst, &src, 0, 3, 2,
						IORING_REGISTER_DST_REPLACE),
		  -EOVERFLOW);
	ASSERT_EQ(io_uring_clone_buffers_offset(&dst, &src, 0, 0, NBUF + 1,
						IORING_REGISTER_DST_REPLACE),
		  -EINVAL);
	ASSERT_EQ(__io_uring_clone_buffers(&dst, &src, 1U << 8), -EINVAL);
	ASSERT_EQ(io_uring_unregister_buffers(&dst), 0);

	/* Cloning into itself is refused. */
	ASSERT_EQ(io_uring_clone_buffers(&src, &src), -EBUSY);

	/*
	 * A source known only by its registered index: the library must
	 * pass IORING_REGISTER_SRC_REGISTERED with that index.
	 */
	if (src.features & IORING_FEAT_REG_REG_RING) {
		ASSERT_EQ(io_uring_register_ring_fd(&src), 1);
		ASSERT_EQ(io_uring_close_ring_fd(&src), 1);
		ASSERT_EQ(io_uring_clone_buffers(&dst, &src), 0);
		ASSERT_EQ(read_fixed(&dst, 2, bufs[2], 2000), 256);
		/* A destination with a registered fd works too. */
		t_ring_init(&dst2, 8, NULL);
		ASSERT_EQ(io_uring_register_ring_fd(&dst2), 1);
		ASSERT_EQ(io_uring_clone_buffers_offset(&dst2, &src, 1, 1, 1, 0),
			  0);
		ASSERT_EQ(read_fixed(&dst2, 1, bufs[1], 2000), 256);
		io_uring_queue_exit(&dst2);
	}

	io_uring_queue_exit(&dst);
	io_uring_queue_exit(&src);
	ASSERT_LE(t_count_fds(), fds);
	for (int i = 0; i < NBUF; i++)
		free(bufs[i]);
	close(file_fd);
	return T_EXIT_PASS;
}
