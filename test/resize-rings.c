/* SPDX-License-Identifier: MIT */
/*
 * io_uring_resize_rings (Linux 6.13) on a DEFER_TASKRUN ring: the SQ and
 * CQ grow (and shrink), the library picks up the new geometry, SQEs that
 * were handed out but not yet submitted still run afterwards, CQEs that
 * were pending are still there, and the old mappings are released. On a
 * ring without DEFER_TASKRUN the kernel refuses and the ring is untouched.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

static void check_geometry(struct io_uring *ring, unsigned sq, unsigned cq)
{
	ASSERT_EQ(ring->sq.ring_entries, sq);
	ASSERT_EQ(ring->sq.ring_mask, sq - 1);
	ASSERT_EQ(*ring->sq.kring_entries, sq);
	ASSERT_EQ(*ring->sq.kring_mask, sq - 1);
	ASSERT_EQ(ring->cq.ring_entries, cq);
	ASSERT_EQ(ring->cq.ring_mask, cq - 1);
	ASSERT_EQ(*ring->cq.kring_entries, cq);
	ASSERT_EQ(*ring->cq.kring_mask, cq - 1);
}

/* Reap n CQEs with user_data first..first+n-1, in that order. */
static void reap_in_order(struct io_uring *ring, unsigned n, __u64 first)
{
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(ring);

		ASSERT_EQ(cqe->user_data, first + i);
		ASSERT_EQ(cqe->res, 0);
		io_uring_cqe_seen(ring, cqe);
	}
}

/* Fill the SQ completely, submit, and reap: the new size is really usable. */
static void use_full_sq(struct io_uring *ring, __u64 first)
{
	unsigned n = ring->sq.ring_entries;

	ASSERT_EQ(io_uring_sq_space_left(ring), n);
	t_submit_nops(ring, n, first);
	ASSERT_NULL(io_uring_get_sqe(ring));
	ASSERT_EQ(io_uring_submit(ring), (int) n);
	ASSERT_EQ(io_uring_cq_ready(ring), n);
	reap_in_order(ring, n, first);
}

static int resize(struct io_uring *ring, unsigned sq, unsigned cq)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.sq_entries = sq;
	p.cq_entries = cq;
	p.flags = IORING_SETUP_CQSIZE;
	return io_uring_resize_rings(ring, &p);
}

static void test_plain_ring(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int ret;

	t_ring_init(&ring, 8, NULL);
	t_submit_nops(&ring, 2, 1);
	ASSERT_EQ(io_uring_submit(&ring), 2);
	ret = resize(&ring, 32, 64);
	ASSERT_LT(ret, 0);
	if (ret != -EINVAL)
		t_fail("resize of a ring without DEFER_TASKRUN: %d, "
		       "expected -EINVAL", ret);
	/* Untouched: same geometry, pending CQEs intact, still usable. */
	check_geometry(&ring, 8, 16);
	ASSERT_EQ(io_uring_cq_ready(&ring), 2);
	reap_in_order(&ring, 2, 1);
	use_full_sq(&ring, 10);
	ASSERT_EQ(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);
	io_uring_queue_exit(&ring);
}

/* The whole grow / shrink / refuse sequence on one ring. */
static void test_resize(unsigned extra_flags)
{
	struct io_uring_params p;
	struct io_uring ring;
	int maps_before, live, ret;

	/* Baseline after a warm-up ring. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		  extra_flags;
	t_ring_init(&ring, 8, &p);
	io_uring_queue_exit(&ring);
	maps_before = t_count_ring_maps();

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		  extra_flags;
	t_ring_init(&ring, 8, &p);
	check_geometry(&ring, 8, 16);
	live = t_count_ring_maps();
	ASSERT_GT(live, maps_before);

	/* Three CQEs pending in the old CQ ... */
	t_submit_nops(&ring, 3, 1);
	ASSERT_EQ(io_uring_submit(&ring), 3);
	ASSERT_GE(io_uring_get_events(&ring), 0);
	ASSERT_EQ(io_uring_cq_ready(&ring), 3);
	/* ... and two SQEs handed out but not submitted. */
	t_submit_nops(&ring, 2, 4);
	ASSERT_EQ(io_uring_sq_ready(&ring), 2);

	ret = resize(&ring, 32, 64);
	if (ret == -EINVAL && !t_kernel_at_least(6, 13, true))
		t_skip("kernel lacks IORING_REGISTER_RESIZE_RINGS (needs 6.13)");
	ASSERT_EQ(ret, 0);
	check_geometry(&ring, 32, 64);
	ASSERT(ring.flags & IORING_SETUP_DEFER_TASKRUN);
	/* The new rings replaced the old mappings, none were added. */
	ASSERT_EQ(t_count_ring_maps(), live);

	/* The pending CQEs moved over, in order. */
	ASSERT_EQ(io_uring_cq_ready(&ring), 3);
	{
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;

		io_uring_for_each_cqe(&ring, head, cqe) {
			ASSERT_EQ(cqe->user_data, 1 + n);
			n++;
		}
		ASSERT_EQ(n, 3);
	}
	/* The queued SQEs are still queued and run on submit. */
	ASSERT_EQ(io_uring_sq_ready(&ring), 2);
	ASSERT_EQ(io_uring_sq_space_left(&ring), 30);
	ASSERT_EQ(io_uring_submit(&ring), 2);
	ASSERT_EQ(io_uring_cq_ready(&ring), 5);
	reap_in_order(&ring, 5, 1);

	/* The whole new SQ is usable, several times over (index wrap). */
	for (unsigned i = 0; i < 3; i++)
		use_full_sq(&ring, 100 + 100 * i);

	/* The CQ really holds 64: two full SQ batches without reaping. */
	t_submit_nops(&ring, 32, 1000);
	ASSERT_EQ(io_uring_submit(&ring), 32);
	t_submit_nops(&ring, 32, 1032);
	ASSERT_EQ(io_uring_submit(&ring), 32);
	ASSERT_EQ(io_uring_cq_ready(&ring), 64);
	ASSERT(!io_uring_cq_has_overflow(&ring));
	reap_in_order(&ring, 64, 1000);

	/* Shrink, with a CQE and a queued SQE carried across. */
	t_submit_nops(&ring, 1, 2000);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	t_submit_nops(&ring, 1, 2001);
	ret = resize(&ring, 4, 8);
	ASSERT_EQ(ret, 0);
	check_geometry(&ring, 4, 8);
	ASSERT_EQ(t_count_ring_maps(), live);
	ASSERT_EQ(io_uring_cq_ready(&ring), 1);
	ASSERT_EQ(io_uring_sq_ready(&ring), 1);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	reap_in_order(&ring, 2, 2001 - 1);
	for (unsigned i = 0; i < 3; i++)
		use_full_sq(&ring, 3000 + 10 * i);

	/* Too many pending CQEs for the new CQ: refused, ring unchanged. */
	t_submit_nops(&ring, 4, 4000);
	ASSERT_EQ(io_uring_submit(&ring), 4);
	ret = resize(&ring, 2, 2);
	ASSERT_LT(ret, 0);
	check_geometry(&ring, 4, 8);
	ASSERT_EQ(t_count_ring_maps(), live);
	reap_in_order(&ring, 4, 4000);
	use_full_sq(&ring, 5000);

	io_uring_queue_exit(&ring);
	ASSERT_EQ(t_count_ring_maps(), maps_before);
}

int main(void)
{
	int maps_before;

	if (!t_kernel_has_setup_flags(IORING_SETUP_DEFER_TASKRUN))
		t_skip("kernel lacks IORING_SETUP_DEFER_TASKRUN");

	/* Without an SQ index array (as liburing sets up by default) ... */
	if (t_kernel_has_setup_flags(IORING_SETUP_NO_SQARRAY))
		test_resize(IORING_SETUP_NO_SQARRAY);
	/* ... and with one (this library's default). */
	test_resize(0);
	/* Big SQEs and CQEs: the SQ array and the carried-over entries sit
	 * at different places. */
	if (t_kernel_has_setup_flags(IORING_SETUP_CQE32))
		test_resize(IORING_SETUP_CQE32);
	if (t_kernel_has_setup_flags(IORING_SETUP_SQE128))
		test_resize(IORING_SETUP_SQE128);

	maps_before = t_count_ring_maps();
	test_plain_ring();
	ASSERT_EQ(t_count_ring_maps(), maps_before);
	return T_EXIT_PASS;
}
