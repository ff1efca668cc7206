/* SPDX-License-Identifier: MIT */
/*
 * uringkit_get_sqe() never returns NULL for a full SQ: on a plain ring it
 * submits the queued entries, on an SQPOLL ring it also waits for the
 * kernel thread. Every NOP handed out that way completes exactly once
 * with its own user_data, in the numbers asked for.
 */
#include <stdio.h>
#include <string.h>
#include "test.h"
#include "uringkit/sqe.h"

#define ENTRIES 8
#define TOTAL 2000

static void run(struct io_uring *ring, unsigned total)
{
	static unsigned char seen[TOTAL];
	unsigned reaped = 0, full_seen = 0;
	int err;

	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < total; i++) {
		struct io_uring_sqe *sqe;

		if (!io_uring_sq_space_left(ring))
			full_seen++;
		sqe = uringkit_get_sqe(ring, &err);
		ASSERT_NOT_NULL(sqe);
		ASSERT_GE(err, 0);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, i);
		/* Reap what is there now and then, so the CQ never overflows. */
		while (io_uring_cq_ready(ring) > 0) {
			struct t_cqe c = t_reap_cqe(ring);

			ASSERT_LT(c.user_data, (__u64) total);
			ASSERT_EQ(seen[c.user_data], 0);
			ASSERT_EQ(c.res, 0);
			seen[c.user_data] = 1;
			reaped++;
		}
	}
	/* The SQ was full many times, and the helper coped every time. */
	ASSERT_GE(full_seen, total / ENTRIES / 2);
	ASSERT_GE(io_uring_submit(ring), 0);
	while (reaped < total) {
		struct t_cqe c = t_reap_cqe(ring);

		ASSERT_LT(c.user_data, (__u64) total);
		ASSERT_EQ(seen[c.user_data], 0);
		ASSERT_EQ(c.res, 0);
		seen[c.user_data] = 1;
		reaped++;
	}
	for (unsigned i = 0; i < total; i++)
		ASSERT_EQ(seen[i], 1);
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_params p;
	int err = 1;

	ASSERT_NULL(uringkit_get_sqe(NULL, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(uringkit_get_sqe(NULL, NULL));

	/* A plain ring with a CQ large enough for a full SQ's worth of CQEs. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 64;
	t_ring_init(&ring, ENTRIES, &p);
	/* Without reaping: three full SQs in a row. */
	for (unsigned i = 0; i < 3 * ENTRIES; i++) {
		struct io_uring_sqe *sqe = uringkit_get_sqe(&ring, &err);

		ASSERT_NOT_NULL(sqe);
		/* Exactly when the SQ was full, a whole SQ was submitted. */
		ASSERT_EQ(err, (i && i % ENTRIES == 0) ? ENTRIES : 0);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 100 + i);
	}
	ASSERT_EQ(io_uring_submit(&ring), ENTRIES);
	{
		struct t_cqe c[3 * ENTRIES];

		t_reap_cqes(&ring, c, 3 * ENTRIES);
		for (unsigned i = 0; i < 3 * ENTRIES; i++)
			ASSERT_EQ(t_find_cqe(c, 3 * ENTRIES, 100 + i)->res, 0);
	}
	run(&ring, TOTAL);
	io_uring_queue_exit(&ring);

	/* SQPOLL: the helper waits for the thread to make room. */
	if (!t_kernel_has_setup_flags(IORING_SETUP_SQPOLL)) {
		printf("note: no SQPOLL here, plain ring only\n");
		return T_EXIT_PASS;
	}
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_CQSIZE;
	p.cq_entries = 64;
	p.sq_thread_idle = 50;
	t_ring_init(&ring, ENTRIES, &p);
	run(&ring, TOTAL);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
