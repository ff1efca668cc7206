/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_region with IORING_MEM_REGION_REG_WAIT_ARG, and the
 * wait path that uses it: io_uring_submit_and_wait_reg(ring, &cqe, 1, i)
 * waits with the parameters held in entry i of the region. A 100 ms
 * timeout in an entry times out with -ETIME when nothing completes, and a
 * queued NOP is returned. The kernel accepts such a region only before
 * the rings are enabled (IORING_SETUP_R_DISABLED). Also:
 * io_uring_register_wait_reg, liburing's withdrawn interface, is -EINVAL.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "test.h"

int main(void)
{
	struct io_uring ring;
	struct io_uring_params p;
	struct io_uring_region_desc rd;
	struct io_uring_mem_region_reg mr;
	struct io_uring_reg_wait *rw;
	struct io_uring_cqe *cqe;
	size_t page = (size_t) sysconf(_SC_PAGESIZE);
	long long t0, dt;
	int ret;

	rw = mmap(NULL, page, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT(rw != MAP_FAILED);
	memset(rw, 0, page);
	/* Entry 0: 100 ms. Entry 1: zero timeout (poll). */
	rw[0].ts.tv_nsec = 100000000;
	rw[0].flags = IORING_REG_WAIT_TS;
	rw[1].flags = IORING_REG_WAIT_TS;

	/* The withdrawn interface. */
	ASSERT_EQ(io_uring_register_wait_reg(NULL, rw, 1), -EINVAL);

	/* A live ring refuses a wait-argument region. */
	t_ring_init(&ring, 8, NULL);
	memset(&rd, 0, sizeof(rd));
	rd.user_addr = (unsigned long) rw;
	rd.size = page;
	rd.flags = IORING_MEM_REGION_TYPE_USER;
	memset(&mr, 0, sizeof(mr));
	mr.region_uptr = (unsigned long) &rd;
	mr.flags = IORING_MEM_REGION_REG_WAIT_ARG;
	ret = io_uring_register_region(&ring, &mr);
	if (ret == -EINVAL && !t_kernel_has_setup_flags(IORING_SETUP_R_DISABLED))
		t_skip("kernel lacks IORING_SETUP_R_DISABLED");
	ASSERT_EQ(ret, -EINVAL);
	ASSERT_EQ(io_uring_register_wait_reg(&ring, rw, 1), -EINVAL);
	io_uring_queue_exit(&ring);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_R_DISABLED;
	t_ring_init(&ring, 8, &p);
	/* Bad input first. */
	ASSERT_EQ(io_uring_register_region(&ring, NULL), -EINVAL);
	{
		struct io_uring_mem_region_reg bad = mr;

		bad.flags = 1U << 7;
		ASSERT_EQ(io_uring_register_region(&ring, &bad), -EINVAL);
		bad = mr;
		bad.__resv[0] = 1;
		ASSERT_EQ(io_uring_register_region(&ring, &bad), -EINVAL);
		rd.user_addr = (unsigned long) rw + 8;	/* not page aligned */
		ASSERT_EQ(io_uring_register_region(&ring, &mr), -EINVAL);
		rd.user_addr = (unsigned long) rw;
	}
	ret = io_uring_register_region(&ring, &mr);
	if (ret == -EINVAL)
		t_skip("kernel lacks IORING_REGISTER_MEM_REGION");
	ASSERT_EQ(ret, 0);
	/* Only one such region per ring. */
	ASSERT_EQ(io_uring_register_region(&ring, &mr), -EBUSY);
	ASSERT_EQ(io_uring_enable_rings(&ring), 0);

	/* Nothing to complete: entry 0 times out after ~100 ms. */
	t0 = t_now_ms();
	ret = io_uring_submit_and_wait_reg(&ring, &cqe, 1, 0);
	dt = t_now_ms() - t0;
	ASSERT_EQ(ret, -ETIME);
	ASSERT_GE(dt, 90);
	ASSERT_LT(dt, 5000);

	/*
	 * A NOP is queued: submitted by the same call and returned; the
	 * result is the number submitted, as with
	 * io_uring_submit_and_wait_timeout.
	 */
	t_submit_nops(&ring, 1, 0xabc);
	ret = io_uring_submit_and_wait_reg(&ring, &cqe, 1, 0);
	ASSERT_EQ(ret, 1);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->user_data, 0xabc);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);

	/* Entry 1 (zero timeout) returns at once. */
	t0 = t_now_ms();
	ASSERT_EQ(io_uring_submit_and_wait_reg(&ring, &cqe, 1, 1), -ETIME);
	ASSERT_LT(t_now_ms() - t0, 50);

	/*
	 * Submitted, then timed out: the submit count and no CQE, as
	 * io_uring_submit_and_wait_timeout() returns it (liburing's rule;
	 * -ETIME is for a call with nothing to submit).
	 */
	{
		int p2[2];
		char c;
		struct io_uring_sqe *sqe;

		ASSERT_EQ(pipe(p2), 0);
		sqe = t_get_sqe(&ring);
		io_uring_prep_read(sqe, p2[0], &c, 1, 0);
		io_uring_sqe_set_data64(sqe, 0xdef);
		cqe = (void *) 1;
		ASSERT_EQ(io_uring_submit_and_wait_reg(&ring, &cqe, 1, 1), 1);
		ASSERT_NULL(cqe);
		close(p2[1]);	/* EOF completes the read */
		cqe = t_wait_cqe(&ring);
		ASSERT_EQ(cqe->user_data, 0xdef);
		ASSERT_EQ(cqe->res, 0);
		io_uring_cqe_seen(&ring, cqe);
		close(p2[0]);
	}

	/* The entry is read at each wait: change it in place to 200 ms. */
	rw[0].ts.tv_nsec = 200000000;
	t0 = t_now_ms();
	ASSERT_EQ(io_uring_submit_and_wait_reg(&ring, &cqe, 1, 0), -ETIME);
	ASSERT_GE(t_now_ms() - t0, 190);

	/* An index past the region, and a negative one. */
	ASSERT_EQ(io_uring_submit_and_wait_reg(&ring, &cqe, 1,
		(int) (page / sizeof(struct io_uring_reg_wait))), -EFAULT);
	ASSERT_EQ(io_uring_submit_and_wait_reg(&ring, &cqe, 1, -1), -EINVAL);

	io_uring_queue_exit(&ring);
	munmap(rw, page);
	return T_EXIT_PASS;
}
