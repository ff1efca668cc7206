/* SPDX-License-Identifier: MIT */
/*
 * Registered buffers: io_uring_register_buffers, _buffers_tags,
 * _buffers_sparse, _buffers_update_tag and io_uring_unregister_buffers.
 * Every registration is checked by moving bytes with READ_FIXED and
 * WRITE_FIXED through it; tags are checked by the CQEs the kernel posts
 * (user_data = tag) when a tagged buffer is replaced or unregistered; the
 * error paths return the kernel's errno and leak no descriptor.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "test.h"

#define BUF_SZ		8192
#define FILE_SIZE	(64 * 1024)
#define SEED		5
#define TAG_WAIT_MS	50	/* for each expected tag CQE */

static struct io_uring ring;
static int file_fd;

/* READ_FIXED len bytes at file offset off into buf (inside buffer idx). */
static int read_fixed(void *buf, unsigned len, __u64 off, int idx, __u64 ud)
{
	struct io_uring_sqe *sqe = t_get_sqe(&ring);

	io_uring_prep_rw(IORING_OP_READ_FIXED, sqe, file_fd, buf, len, off);
	sqe->buf_index = (__u16) idx;
	io_uring_sqe_set_data64(sqe, ud);
	return t_submit_one_ud(&ring, ud);
}

static int write_fixed(const void *buf, unsigned len, __u64 off, int idx,
		       __u64 ud)
{
	struct io_uring_sqe *sqe = t_get_sqe(&ring);

	io_uring_prep_rw(IORING_OP_WRITE_FIXED, sqe, file_fd, buf, len, off);
	sqe->buf_index = (__u16) idx;
	io_uring_sqe_set_data64(sqe, ud);
	return t_submit_one_ud(&ring, ud);
}

static bool has_tag(const __u64 *tags, unsigned n, __u64 tag)
{
	for (unsigned i = 0; i < n; i++)
		if (tags[i] == tag)
			return true;
	return false;
}

static void *alloc_buf(void)
{
	void *p;

	ASSERT_EQ(posix_memalign(&p, 4096, BUF_SZ), 0);
	memset(p, 0, BUF_SZ);
	return p;
}

static void restore_file(void)
{
	unsigned char *buf = malloc(FILE_SIZE);

	ASSERT_NOT_NULL(buf);
	t_fill(buf, FILE_SIZE, SEED);
	ASSERT_EQ(pwrite(file_fd, buf, FILE_SIZE, 0), FILE_SIZE);
	free(buf);
}

static void test_plain(void)
{
	unsigned char *b0 = alloc_buf(), *b1 = alloc_buf();
	unsigned char check[BUF_SZ];
	struct iovec iov[2] = { { b0, BUF_SZ }, { b1, BUF_SZ } };

	/* Unregistering what was never registered. */
	ASSERT_EQ(io_uring_unregister_buffers(&ring), -ENXIO);
	/* Nothing registered: a fixed read has no buffer to use. */
	ASSERT_EQ(read_fixed(b0, 100, 0, 0, 1), -EFAULT);

	ASSERT_EQ(io_uring_register_buffers(&ring, iov, 2), 0);
	/* A second table is refused while the first exists. */
	ASSERT_EQ(io_uring_register_buffers(&ring, iov, 2), -EBUSY);

	/* READ_FIXED into buffer 0 at an inner offset. */
	ASSERT_EQ(read_fixed(b0 + 100, 4000, 777, 0, 2), 4000);
	ASSERT_EQ(t_check_fill(b0 + 100, 4000, 777, SEED), 4000);
	/* WRITE_FIXED from buffer 1: the bytes reach the file. */
	t_fill(b1, BUF_SZ, 99);
	ASSERT_EQ(write_fixed(b1, BUF_SZ, 4096, 1, 3), BUF_SZ);
	ASSERT_EQ(pread(file_fd, check, BUF_SZ, 4096), BUF_SZ);
	ASSERT_MEM_EQ(check, b1, BUF_SZ);
	/* ... and back through buffer 0. */
	ASSERT_EQ(read_fixed(b0, BUF_SZ, 4096, 0, 4), BUF_SZ);
	ASSERT_MEM_EQ(b0, b1, BUF_SZ);
	restore_file();

	/* Address outside the registered buffer, and an index too large. */
	ASSERT_EQ(read_fixed(b0 + 100, BUF_SZ, 0, 0, 5), -EFAULT);
	ASSERT_EQ(read_fixed(b0, 100, 0, 2, 6), -EFAULT);

	ASSERT_EQ(io_uring_unregister_buffers(&ring), 0);
	ASSERT_EQ(io_uring_unregister_buffers(&ring), -ENXIO);
	/* Gone: the same read now fails. */
	ASSERT_EQ(read_fixed(b0, 100, 0, 0, 7), -EFAULT);

	/* Bad input. */
	ASSERT_EQ(io_uring_register_buffers(&ring, iov, 0), -EINVAL);
	ASSERT_EQ(io_uring_register_buffers(&ring, NULL, 2), -EFAULT);
	{
		struct iovec bad = { NULL, BUF_SZ };

		ASSERT_EQ(io_uring_register_buffers(&ring, &bad, 1), -EFAULT);
	}
	/* Nothing was left registered by the failures. */
	ASSERT_EQ(io_uring_unregister_buffers(&ring), -ENXIO);
	free(b0);
	free(b1);
}

static void test_tags(void)
{
	unsigned char *b[3] = { alloc_buf(), alloc_buf(), alloc_buf() };
	struct iovec iov[3] = {
		{ b[0], BUF_SZ }, { b[1], BUF_SZ }, { b[2], BUF_SZ },
	};
	__u64 tags[3] = { 0x1001, 0, 0x1003 };	/* 0: no CQE for slot 1 */
	__u64 got[8];
	unsigned n;

	if (!(ring.features & IORING_FEAT_RSRC_TAGS))
		t_skip("kernel lacks IORING_FEAT_RSRC_TAGS");

	ASSERT_EQ(io_uring_register_buffers_tags(&ring, iov, tags, 3), 0);
	ASSERT_EQ(read_fixed(b[2], 512, 1000, 2, 10), 512);
	ASSERT_EQ(t_check_fill(b[2], 512, 1000, SEED), 512);
	/* Registering posts no CQE. */
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);

	/* Replace slot 0 (tag 0x1001) with b[1], tagged 0x2001. */
	{
		__u64 ntag = 0x2001;
		struct iovec niov = { b[1], BUF_SZ };

		ASSERT_EQ(io_uring_register_buffers_update_tag(&ring, 0, &niov,
							       &ntag, 1), 1);
	}
	n = t_collect_tags(&ring, got, 8, 1, TAG_WAIT_MS);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(got[0], 0x1001);
	/* Slot 0 is now b[1]: an address in b[0] is outside it. */
	ASSERT_EQ(read_fixed(b[0], 64, 0, 0, 11), -EFAULT);
	ASSERT_EQ(read_fixed(b[1], 64, 64, 0, 12), 64);
	ASSERT_EQ(t_check_fill(b[1], 64, 64, SEED), 64);

	/* Unregister: one CQE per non-zero tag (0x2001, 0x1003). */
	ASSERT_EQ(io_uring_unregister_buffers(&ring), 0);
	n = t_collect_tags(&ring, got, 8, 2, TAG_WAIT_MS);
	ASSERT_EQ(n, 2);
	ASSERT(has_tag(got, n, 0x2001));
	ASSERT(has_tag(got, n, 0x1003));

	/* Tags without iovecs make no sense: the kernel refuses them. */
	ASSERT_EQ(io_uring_register_buffers_tags(&ring, NULL, tags, 3),
		  -EINVAL);
	/* Tagging an empty (NULL) slot is refused too. */
	{
		struct iovec sparse[2] = { { b[0], BUF_SZ }, { NULL, 0 } };
		__u64 t2[2] = { 1, 2 };

		ASSERT_EQ(io_uring_register_buffers_tags(&ring, sparse, t2, 2),
			  -EINVAL);
	}
	ASSERT_EQ(io_uring_unregister_buffers(&ring), -ENXIO);
	for (int i = 0; i < 3; i++)
		free(b[i]);
}

static void test_sparse(void)
{
	unsigned char *b = alloc_buf();
	struct iovec iov = { b, BUF_SZ };
	__u64 tag = 0x3003, got[4];

	ASSERT_EQ(io_uring_register_buffers_sparse(&ring, 4), 0);
	/* Empty slot: nothing to read into. */
	ASSERT_EQ(read_fixed(b, 64, 0, 3, 20), -EFAULT);
	/* Install a buffer in slot 3, untagged (tags NULL). */
	ASSERT_EQ(io_uring_register_buffers_update_tag(&ring, 3, &iov, NULL, 1),
		  1);
	ASSERT_EQ(read_fixed(b + 8, 1024, 2048, 3, 21), 1024);
	ASSERT_EQ(t_check_fill(b + 8, 1024, 2048, SEED), 1024);
	/* Out of range update. */
	ASSERT_EQ(io_uring_register_buffers_update_tag(&ring, 4, &iov, NULL, 1),
		  -EINVAL);
	ASSERT_EQ(io_uring_register_buffers_update_tag(&ring, 3, &iov, NULL, 2),
		  -EINVAL);
	/* Slot 1 with a tag; clearing it (NULL iovec) posts the tag. */
	ASSERT_EQ(io_uring_register_buffers_update_tag(&ring, 1, &iov, &tag, 1),
		  1);
	ASSERT_EQ(read_fixed(b, 16, 0, 1, 22), 16);
	{
		struct iovec none = { NULL, 0 };

		ASSERT_EQ(io_uring_register_buffers_update_tag(&ring, 1, &none,
							       NULL, 1), 1);
	}
	ASSERT_EQ(t_collect_tags(&ring, got, 4, 1, TAG_WAIT_MS), 1);
	ASSERT_EQ(got[0], 0x3003);
	ASSERT_EQ(read_fixed(b, 16, 0, 1, 23), -EFAULT);

	/* The table exists: sparse again is refused. */
	ASSERT_EQ(io_uring_register_buffers_sparse(&ring, 4), -EBUSY);
	ASSERT_EQ(io_uring_unregister_buffers(&ring), 0);
	/* Updating with no table at all. */
	ASSERT_EQ(io_uring_register_buffers_update_tag(&ring, 0, &iov, NULL, 1),
		  -ENXIO);
	/* A zero-sized and an absurdly large table. */
	ASSERT_EQ(io_uring_register_buffers_sparse(&ring, 0), -EINVAL);
	ASSERT_EQ(io_uring_register_buffers_sparse(&ring, 1U << 30), -EINVAL);
	free(b);
}

int main(void)
{
	char path[4096];
	int fds;

	snprintf(path, sizeof(path), "%s/rsrc-buffers.dat", t_tmpdir());
	file_fd = t_create_file(path, FILE_SIZE, SEED);
	t_ring_init(&ring, 8, NULL);
	fds = t_count_fds();

	test_plain();
	test_sparse();
	test_tags();

	ASSERT_EQ(t_count_fds(), fds);
	io_uring_queue_exit(&ring);
	close(file_fd);
	return T_EXIT_PASS;
}
