/* SPDX-License-Identifier: MIT */
/*
 * What every submit and wait entry point returns, case by case, written
 * down against liburing's documented return values (liburing's man pages:
 * "returns the number of submitted submission queue entries" for the
 * submit calls, 0 for the wait calls, -errno on failure).
 *
 *   call                                  case                        returns
 *   io_uring_submit                       nothing queued              0
 *                                         n SQEs queued               n
 *   io_uring_submit_and_wait(,1)          1 NOP                       1
 *   io_uring_submit_and_get_events        1 NOP                       1
 *   io_uring_get_events                   -                           0
 *   io_uring_peek_cqe                     empty CQ                    -EAGAIN
 *                                         a CQE                       0
 *   io_uring_wait_cqe, _wait_cqe_nr(,2)   CQEs ready                  0
 *   __io_uring_get_cqe(,0 submit,0 wait)  empty CQ                    -EAGAIN
 *   io_uring_wait_cqe_timeout             empty CQ, ts passes         -ETIME, cqe NULL
 *                                         a CQE                       0
 *   io_uring_wait_cqes(,2,ts)             1 CQE ready, ts passes      0, that CQE (*)
 *   io_uring_submit_and_wait_timeout      1 NOP                       1, its CQE
 *                                         2 NOPs, wait_nr 1           2
 *                                         1 SQE that never completes  1, cqe NULL
 *                                         nothing queued, empty CQ    -ETIME
 *                                         nothing queued, a CQE       0, the CQE
 *   io_uring_submit_and_wait_min_timeout  1 SQE that never completes  1, cqe NULL
 *                                         nothing queued, empty CQ    -ETIME
 *   io_uring_wait_cqes_min_timeout        empty CQ                    -ETIME
 *   io_uring_submit_and_wait_reg          as submit_and_wait_timeout  (test/rsrc-region.c)
 *   io_uring_peek_batch_cqe               k CQEs ready                min(k, count)
 *
 * (*) liburing returns -ETIME here with *cqe_ptr set; uringkit returns 0
 *     because a CQE is there. A caller that tests *cqe_ptr works on both.
 * The "1 SQE that never completes" rows are the regression: uringkit
 * returned -ETIME there, hiding that the SQE had been submitted.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

static struct __kernel_timespec ms(long n)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = n * 1000000L };

	return ts;
}

static void queue_nops(struct io_uring *ring, unsigned n, __u64 ud)
{
	t_submit_nops(ring, n, ud);
}

/* A read of an empty pipe: in flight until the write end closes. */
static void queue_stuck_read(struct io_uring *ring, int fd, char *buf)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_read(sqe, fd, buf, 1, 0);
	io_uring_sqe_set_data64(sqe, 77);
}

static void drain(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;

	while (io_uring_peek_cqe(ring, &cqe) == 0)
		io_uring_cqe_seen(ring, cqe);
}

static void submit_family(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;

	ASSERT_EQ(io_uring_submit(ring), 0);
	queue_nops(ring, 2, 1);
	ASSERT_EQ(io_uring_submit(ring), 2);
	queue_nops(ring, 1, 3);
	ASSERT_EQ(io_uring_submit_and_wait(ring, 1), 1);
	queue_nops(ring, 1, 4);
	ASSERT_EQ(io_uring_submit_and_get_events(ring), 1);
	ASSERT_EQ(io_uring_get_events(ring), 0);
	ASSERT_EQ(io_uring_wait_cqe_nr(ring, &cqe, 2), 0);
	ASSERT_EQ(io_uring_wait_cqe(ring, &cqe), 0);
	ASSERT_EQ(cqe->user_data, 1u);
	drain(ring);
	ASSERT_EQ(io_uring_peek_cqe(ring, &cqe), -EAGAIN);
	ASSERT_EQ(__io_uring_get_cqe(ring, &cqe, 0, 0, NULL), -EAGAIN);
}

static void wait_family(struct io_uring *ring)
{
	struct __kernel_timespec ts = ms(20);
	struct io_uring_cqe *cqe = (void *) 1;

	ASSERT_EQ(io_uring_wait_cqe_timeout(ring, &cqe, &ts), -ETIME);
	ASSERT_NULL(cqe);
	queue_nops(ring, 1, 9);
	ASSERT_EQ(io_uring_submit(ring), 1);
	ASSERT_EQ(io_uring_wait_cqe_timeout(ring, &cqe, &ts), 0);
	ASSERT_EQ(cqe->user_data, 9u);
	/* one ready, two wanted: the timeout passes, the CQE is handed out */
	ASSERT_EQ(io_uring_wait_cqes(ring, &cqe, 2, &ts, NULL), 0);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->user_data, 9u);
	drain(ring);
}

static void submit_and_wait_timeout(struct io_uring *ring, int rfd,
				    char *buf)
{
	struct __kernel_timespec ts = ms(20), long_ts = ms(900);
	struct io_uring_cqe *cqe = NULL;

	queue_nops(ring, 1, 20);
	ASSERT_EQ(io_uring_submit_and_wait_timeout(ring, &cqe, 1, &long_ts,
						   NULL), 1);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->user_data, 20u);
	drain(ring);

	queue_nops(ring, 2, 21);
	ASSERT_EQ(io_uring_submit_and_wait_timeout(ring, &cqe, 1, &long_ts,
						   NULL), 2);
	ASSERT_NOT_NULL(cqe);
	drain(ring);

	/* the regression: submitted, then timed out */
	cqe = (void *) 1;
	queue_stuck_read(ring, rfd, buf);
	ASSERT_EQ(io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL),
		  1);
	ASSERT_NULL(cqe);

	cqe = (void *) 1;
	ASSERT_EQ(io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL),
		  -ETIME);
	ASSERT_NULL(cqe);

	queue_nops(ring, 1, 23);
	ASSERT_EQ(io_uring_submit(ring), 1);
	ASSERT_EQ(io_uring_wait_cqe(ring, &cqe), 0);
	ASSERT_EQ(io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL),
		  0);
	ASSERT_EQ(cqe->user_data, 23u);
	drain(ring);
}

static void min_timeout(struct io_uring *ring, int rfd, char *buf)
{
	struct __kernel_timespec ts = ms(20);
	struct io_uring_cqe *cqe = (void *) 1;

	if (!(ring->features & IORING_FEAT_MIN_TIMEOUT)) {
		printf("kernel lacks IORING_FEAT_MIN_TIMEOUT: -EINVAL rows\n");
		ASSERT_EQ(io_uring_submit_and_wait_min_timeout(ring, &cqe, 1,
							       &ts, 1000, NULL),
			  -EINVAL);
		return;
	}
	queue_stuck_read(ring, rfd, buf);
	ASSERT_EQ(io_uring_submit_and_wait_min_timeout(ring, &cqe, 1, &ts,
						       1000, NULL), 1);
	ASSERT_NULL(cqe);
	cqe = (void *) 1;
	ASSERT_EQ(io_uring_submit_and_wait_min_timeout(ring, &cqe, 1, &ts,
						       1000, NULL), -ETIME);
	ASSERT_NULL(cqe);
	cqe = (void *) 1;
	ASSERT_EQ(io_uring_wait_cqes_min_timeout(ring, &cqe, 1, &ts, 1000,
						 NULL), -ETIME);
	ASSERT_NULL(cqe);
}

static void peek_batch(struct io_uring *ring)
{
	struct io_uring_cqe *c[4];

	ASSERT_EQ(io_uring_peek_batch_cqe(ring, c, 4), 0u);
	queue_nops(ring, 3, 40);
	ASSERT_EQ(io_uring_submit_and_wait(ring, 3), 3);
	ASSERT_EQ(io_uring_peek_batch_cqe(ring, c, 2), 2u);
	ASSERT_EQ(io_uring_peek_batch_cqe(ring, c, 4), 3u);
	io_uring_cq_advance(ring, 3);
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	char buf[2];
	int p[2];
	unsigned stuck;

	t_ring_init(&ring, 16, NULL);
	if (!(ring.features & IORING_FEAT_EXT_ARG))
		t_skip("kernel lacks IORING_FEAT_EXT_ARG (5.11): the table "
		       "is for the timeout-in-the-syscall path");
	ASSERT_EQ(pipe(p), 0);

	submit_family(&ring);
	wait_family(&ring);
	submit_and_wait_timeout(&ring, p[0], buf);
	min_timeout(&ring, p[0], buf);
	peek_batch(&ring);

	/* the stuck reads end with EOF once the write end is gone */
	stuck = (ring.features & IORING_FEAT_MIN_TIMEOUT) ? 2 : 1;
	close(p[1]);
	for (unsigned i = 0; i < stuck; i++) {
		cqe = t_wait_cqe(&ring);
		ASSERT_EQ(cqe->user_data, 77u);
		ASSERT_EQ(cqe->res, 0);
		io_uring_cqe_seen(&ring, cqe);
	}
	close(p[0]);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
