/* SPDX-License-Identifier: MIT */
/*
 * Ring setup with bad parameters: each gets the kernel's errno, and leaves
 * nothing behind (no fd, no mapping) and a ring that io_uring_queue_exit()
 * accepts. The limits themselves (CLAMP) are checked where they apply.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test.h"

static int base_fds, base_maps;

/* Setup must fail with want, and leave the ring reset and nothing open. */
static void expect_fail(const char *what, unsigned entries,
			struct io_uring_params *p, int want)
{
	struct io_uring ring;
	int ret;

	/* Garbage in the ring: a failed init must not leave it there. */
	memset(&ring, 0xa5, sizeof(ring));
	ret = io_uring_queue_init_params(entries, &ring, p);
	if (ret != want)
		t_fail("%s: io_uring_queue_init_params(%u) = %d (%s), want %d (%s)",
		       what, entries, ret, ret < 0 ? strerror(-ret) : "success",
		       want, strerror(-want));
	if (ring.ring_fd != -1)
		t_fail("%s: failed init left ring_fd = %d", what, ring.ring_fd);
	if (t_count_fds() != base_fds)
		t_fail("%s: fd count %d after the failure, was %d", what,
		       t_count_fds(), base_fds);
	if (t_count_maps() != base_maps)
		t_fail("%s: %d mappings after the failure, were %d", what,
		       t_count_maps(), base_maps);
	io_uring_queue_exit(&ring);
	ASSERT_EQ(t_count_fds(), base_fds);
	ASSERT_EQ(t_count_maps(), base_maps);
}

static void params(struct io_uring_params *p, unsigned flags, unsigned cq)
{
	memset(p, 0, sizeof(*p));
	p->flags = flags;
	p->cq_entries = cq;
}

static void nop_works(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;

	t_submit_nops(ring, 1, 77);
	ASSERT_EQ(io_uring_submit(ring), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->res, 0);
	ASSERT_EQ(cqe->user_data, 77);
	io_uring_cqe_seen(ring, cqe);
}

int main(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	int ret, devnull, closed_fd;

	/* Warm up so that one-time allocations do not count as leaks. */
	t_ring_init(&ring, 4, NULL);
	nop_works(&ring);
	io_uring_queue_exit(&ring);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_GE(devnull, 0);
	closed_fd = dup(devnull);
	ASSERT_GE(closed_fd, 0);
	close(closed_fd);
	base_fds = t_count_fds();
	base_maps = t_count_maps();

	params(&p, 0, 0);
	expect_fail("entries 0", 0, &p, -EINVAL);
	params(&p, 0, 0);
	expect_fail("entries 32769", 32769, &p, -EINVAL);
	params(&p, 0, 0);
	expect_fail("entries UINT_MAX", ~0U, &p, -EINVAL);

	/* CLAMP turns the same sizes into the maximum. */
	params(&p, IORING_SETUP_CLAMP, 0);
	ASSERT_EQ(io_uring_queue_init_params(32769, &ring, &p), 0);
	ASSERT_EQ(ring.sq.ring_entries, 32768);
	ASSERT_EQ(ring.cq.ring_entries, 65536);
	ASSERT_EQ(p.sq_entries, 32768);
	nop_works(&ring);
	io_uring_queue_exit(&ring);
	ASSERT_EQ(t_count_fds(), base_fds);
	ASSERT_EQ(t_count_maps(), base_maps);

	/* CQSIZE: zero, or smaller than the SQ, is refused. */
	params(&p, IORING_SETUP_CQSIZE, 0);
	expect_fail("CQSIZE cq_entries 0", 8, &p, -EINVAL);
	params(&p, IORING_SETUP_CQSIZE, 4);
	expect_fail("CQSIZE cq_entries 4 < 8", 8, &p, -EINVAL);
	params(&p, IORING_SETUP_CQSIZE, 65537);
	expect_fail("CQSIZE cq_entries 65537", 8, &p, -EINVAL);
	params(&p, IORING_SETUP_CQSIZE, 0x80000000U);
	expect_fail("CQSIZE cq_entries 2^31", 8, &p, -EINVAL);

	/* CQSIZE + CLAMP: a huge CQ becomes the largest one. */
	params(&p, IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP, 0x80000000U);
	ASSERT_EQ(io_uring_queue_init_params(8, &ring, &p), 0);
	ASSERT_EQ(ring.sq.ring_entries, 8);
	ASSERT_EQ(ring.cq.ring_entries, 65536);
	ASSERT_EQ(p.cq_entries, 65536);
	nop_works(&ring);
	io_uring_queue_exit(&ring);
	ASSERT_EQ(t_count_fds(), base_fds);
	ASSERT_EQ(t_count_maps(), base_maps);

	/* A CQ size that is not a power of two is rounded up. */
	params(&p, IORING_SETUP_CQSIZE, 100);
	ASSERT_EQ(io_uring_queue_init_params(8, &ring, &p), 0);
	ASSERT_EQ(ring.cq.ring_entries, 128);
	io_uring_queue_exit(&ring);

	/* Flags the kernel does not know. */
	params(&p, 1U << 31, 0);
	expect_fail("flag bit 31", 8, &p, -EINVAL);
	params(&p, 1U << 30, 0);
	expect_fail("flag bit 30", 8, &p, -EINVAL);

	/* Flag combinations the kernel refuses. */
	params(&p, IORING_SETUP_REGISTERED_FD_ONLY, 0);
	expect_fail("REGISTERED_FD_ONLY without NO_MMAP", 8, &p, -EINVAL);
	params(&p, IORING_SETUP_SQ_AFF, 0);
	expect_fail("SQ_AFF without SQPOLL", 8, &p, -EINVAL);
	params(&p, IORING_SETUP_DEFER_TASKRUN, 0);
	expect_fail("DEFER_TASKRUN without SINGLE_ISSUER", 8, &p, -EINVAL);
	params(&p, IORING_SETUP_TASKRUN_FLAG, 0);
	expect_fail("TASKRUN_FLAG without COOP/DEFER_TASKRUN", 8, &p, -EINVAL);
	params(&p, IORING_SETUP_HYBRID_IOPOLL, 0);
	expect_fail("HYBRID_IOPOLL without IOPOLL", 8, &p, -EINVAL);
	params(&p, IORING_SETUP_SQPOLL | IORING_SETUP_DEFER_TASKRUN |
		   IORING_SETUP_SINGLE_ISSUER, 0);
	expect_fail("SQPOLL with DEFER_TASKRUN", 8, &p, -EINVAL);
	params(&p, IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF, 0);
	p.sq_thread_cpu = 1U << 30;
	expect_fail("SQ_AFF on a CPU that does not exist", 8, &p, -EINVAL);

	/* ATTACH_WQ to something that is not a ring, or not an fd. */
	params(&p, IORING_SETUP_ATTACH_WQ, 0);
	p.wq_fd = (unsigned) devnull;
	expect_fail("ATTACH_WQ to /dev/null", 8, &p, -EINVAL);
	params(&p, IORING_SETUP_ATTACH_WQ, 0);
	p.wq_fd = (unsigned) closed_fd;
	expect_fail("ATTACH_WQ to a closed fd", 8, &p, -ENXIO);

	/*
	 * NO_MMAP without a buffer: the library allocates the ring memory
	 * itself, so a failure the kernel reports must free it again.
	 */
	if (t_kernel_has_setup_flags(IORING_SETUP_NO_MMAP)) {
		params(&p, IORING_SETUP_NO_MMAP | IORING_SETUP_TASKRUN_FLAG, 0);
		expect_fail("NO_MMAP + TASKRUN_FLAG alone", 8, &p, -EINVAL);
		params(&p, IORING_SETUP_NO_MMAP | (1U << 31), 0);
		expect_fail("NO_MMAP + flag bit 31", 64, &p, -EINVAL);
		params(&p, IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY |
			   IORING_SETUP_SQ_AFF, 0);
		expect_fail("REGISTERED_FD_ONLY + SQ_AFF alone", 8, &p, -EINVAL);
		params(&p, IORING_SETUP_NO_MMAP, 0);
		expect_fail("NO_MMAP entries 0", 0, &p, -EINVAL);
	}

	/* NULL params: an error, not a crash, and the ring is left reset. */
	memset(&ring, 0, sizeof(ring));
	ret = io_uring_queue_init_params(8, &ring, NULL);
	ASSERT_EQ(ret, -EINVAL);
	ASSERT_EQ(t_count_fds(), base_fds);
	/* A zeroed ring has ring_fd 0: exit must not close our stdin. */
	ASSERT_EQ(ring.ring_fd, -1);
	io_uring_queue_exit(&ring);
	ASSERT_NE(fcntl(0, F_GETFD), -1);

	/* io_uring_queue_init() with bad flags goes the same way. */
	memset(&ring, 0xa5, sizeof(ring));
	ASSERT_EQ(io_uring_queue_init(8, &ring, 1U << 31), -EINVAL);
	ASSERT_EQ(ring.ring_fd, -1);
	io_uring_queue_exit(&ring);
	memset(&ring, 0xa5, sizeof(ring));
	ASSERT_EQ(io_uring_queue_init(0, &ring, 0), -EINVAL);
	ASSERT_EQ(ring.ring_fd, -1);
	io_uring_queue_exit(&ring);

	ASSERT_EQ(t_count_fds(), base_fds);
	ASSERT_EQ(t_count_maps(), base_maps);

	/* And after all that, rings still work. */
	t_ring_init(&ring, 8, NULL);
	nop_works(&ring);
	io_uring_queue_exit(&ring);
	close(devnull);
	return T_EXIT_PASS;
}
