/* SPDX-License-Identifier: MIT */
/*
 * io_uring_queue_init() and io_uring_queue_init_params() for a range of
 * sizes: the ring's fields describe what the kernel set up, the fd is a
 * real io_uring, a NOP goes round, and io_uring_queue_exit() gives back the
 * fd and every mapping.
 */
#include <stdio.h>
#include <unistd.h>
#include "test.h"

static void check_is_io_uring_fd(int fd)
{
	char path[64], target[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	ASSERT_GT(n, 0);
	target[n] = 0;
	if (strcmp(target, "anon_inode:[io_uring]"))
		t_fail("fd %d is \"%s\", not an io_uring", fd, target);
}

static void nop_roundtrip(struct io_uring *ring, __u64 tag)
{
	struct io_uring_cqe *cqe;

	t_submit_nops(ring, 1, tag);
	ASSERT_EQ(io_uring_submit(ring), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->res, 0);
	ASSERT_EQ(cqe->user_data, tag);
	io_uring_cqe_seen(ring, cqe);
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
}

static void check_ring(struct io_uring *ring, unsigned entries,
		       unsigned want_cq, unsigned flags)
{
	unsigned sq = t_roundup_pow2(entries);

	ASSERT_EQ(ring->sq.ring_entries, sq);
	ASSERT_EQ(ring->sq.ring_mask, sq - 1);
	ASSERT_EQ(*ring->sq.kring_entries, sq);
	ASSERT_EQ(*ring->sq.kring_mask, sq - 1);
	ASSERT_EQ(ring->cq.ring_entries, want_cq);
	ASSERT_EQ(ring->cq.ring_mask, want_cq - 1);
	ASSERT_EQ(*ring->cq.kring_entries, want_cq);
	ASSERT_EQ(*ring->cq.kring_mask, want_cq - 1);
	ASSERT_EQ(ring->flags, flags);
	ASSERT_NE(ring->features, 0);
	ASSERT_GE(ring->ring_fd, 0);
	ASSERT_EQ(ring->enter_ring_fd, ring->ring_fd);
	check_is_io_uring_fd(ring->ring_fd);

	ASSERT_NOT_NULL(ring->sq.sqes);
	ASSERT_NOT_NULL(ring->cq.cqes);
	ASSERT_NOT_NULL(ring->sq.array);
	for (unsigned i = 0; i < sq; i++)
		if (ring->sq.array[i] != i)
			t_fail("sq.array[%u] = %u, not identity", i,
			       ring->sq.array[i]);
	/* A fresh ring: nothing queued, nothing completed, nothing dropped. */
	ASSERT_EQ(*ring->sq.khead, *ring->sq.ktail);
	ASSERT_EQ(*ring->cq.khead, *ring->cq.ktail);
	ASSERT_EQ(*ring->sq.kdropped, 0);
	ASSERT_EQ(*ring->cq.koverflow, 0);
	ASSERT_EQ(io_uring_sq_space_left(ring), sq);
	ASSERT_EQ(io_uring_sq_ready(ring), 0);
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
}

int main(void)
{
	static const unsigned sizes[] = { 1, 2, 3, 4, 100, 4096, 32768 };
	struct io_uring ring;
	struct io_uring_params p;
	int fds, maps;

	/* Warm up: the first ring may make libc or ASan map memory once. */
	t_ring_init(&ring, 8, NULL);
	nop_roundtrip(&ring, 1);
	io_uring_queue_exit(&ring);
	fds = t_count_fds();
	maps = t_count_maps();

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned e = sizes[i];

		/* io_uring_queue_init() */
		ASSERT_EQ(io_uring_queue_init(e, &ring, 0), 0);
		check_ring(&ring, e, 2 * t_roundup_pow2(e), 0);
		ASSERT_EQ(t_count_fds(), fds + 1);
		nop_roundtrip(&ring, 0x1000 + e);
		nop_roundtrip(&ring, 0x2000 + e);
		io_uring_queue_exit(&ring);
		ASSERT_EQ(ring.ring_fd, -1);
		ASSERT_EQ(t_count_fds(), fds);
		ASSERT_EQ(t_count_maps(), maps);

		/* io_uring_queue_init_params(): the kernel's answers come back */
		memset(&p, 0, sizeof(p));
		ASSERT_EQ(io_uring_queue_init_params(e, &ring, &p), 0);
		ASSERT_EQ(p.sq_entries, t_roundup_pow2(e));
		ASSERT_EQ(p.cq_entries, 2 * t_roundup_pow2(e));
		ASSERT_NE(p.features, 0);
		ASSERT_EQ(ring.features, p.features);
		check_ring(&ring, e, p.cq_entries, 0);
		nop_roundtrip(&ring, 0x3000 + e);
		io_uring_queue_exit(&ring);
		ASSERT_EQ(t_count_fds(), fds);
		ASSERT_EQ(t_count_maps(), maps);

		/* An explicit CQ size */
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = 4 * t_roundup_pow2(e) > 65536 ? 65536
						: 4 * t_roundup_pow2(e);
		ASSERT_EQ(io_uring_queue_init_params(e, &ring, &p), 0);
		check_ring(&ring, e, p.cq_entries, IORING_SETUP_CQSIZE);
		nop_roundtrip(&ring, 0x4000 + e);
		io_uring_queue_exit(&ring);
		ASSERT_EQ(t_count_fds(), fds);
		ASSERT_EQ(t_count_maps(), maps);
	}

	/* Several rings alive at once are independent. */
	{
		struct io_uring r[4];

		for (int i = 0; i < 4; i++)
			t_ring_init(&r[i], 16, NULL);
		ASSERT_EQ(t_count_fds(), fds + 4);
		for (int i = 0; i < 4; i++)
			t_submit_nops(&r[i], (unsigned) i + 1, 100 * i);
		for (int i = 3; i >= 0; i--) {
			ASSERT_EQ(io_uring_submit(&r[i]), i + 1);
			for (int j = 0; j <= i; j++) {
				struct io_uring_cqe *cqe = t_wait_cqe(&r[i]);

				ASSERT_EQ(cqe->user_data, (__u64) (100 * i + j));
				io_uring_cqe_seen(&r[i], cqe);
			}
			ASSERT_EQ(io_uring_cq_ready(&r[i]), 0);
		}
		for (int i = 0; i < 4; i++)
			io_uring_queue_exit(&r[i]);
		ASSERT_EQ(t_count_fds(), fds);
		ASSERT_EQ(t_count_maps(), maps);
	}

	/* A second io_uring_queue_exit() on an exited ring does nothing. */
	t_ring_init(&ring, 4, NULL);
	io_uring_queue_exit(&ring);
	io_uring_queue_exit(&ring);
	ASSERT_EQ(t_count_fds(), fds);
	ASSERT_EQ(t_count_maps(), maps);
	return T_EXIT_PASS;
}
