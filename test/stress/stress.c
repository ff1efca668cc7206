/* SPDX-License-Identifier: MIT */
/*
 * Long runs (`make stress`; minutes, so not part of `make check`):
 * STRESS_N completions (default 10 million) in each of four setups,
 *   plain           an ordinary ring
 *   defer-taskrun   IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN
 *   sqpoll          IORING_SETUP_SQPOLL (the kernel thread submits)
 *   msg-ring        ring A posts into ring B with IORING_OP_MSG_RING
 * Each user_data is a sequence number, and a bitmap checks that every
 * one arrives exactly once: none lost, none duplicated. The completion
 * queue is kept small (64 entries) and is deliberately overrun: bursts
 * of four times its size are submitted before anything is reaped, so
 * the kernel must park completions on its overflow list and hand them
 * over later. Each setup prints its rate and how often the CQ overflowed;
 * a setup that never overflowed fails, as would one that lost anything.
 * Exit 0 pass, 1 fail, 77 when the kernel lacks a setup's feature.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "test.h"

#define CQ_ENTRIES	64U
#define BURST		(4 * CQ_ENTRIES)

static unsigned long long total;	/* completions to check per setup */

struct tally {
	uint8_t *seen;			/* one bit per user_data */
	unsigned long long done;
	unsigned long overflows;	/* reaps that found the CQ overflowed */
};

static void tally_init(struct tally *t)
{
	t->seen = calloc(total / 8 + 1, 1);
	if (!t->seen)
		t_fail("no memory for %llu bits", total);
	t->done = 0;
	t->overflows = 0;
}

static void tally_one(struct tally *t, __u64 ud)
{
	if (ud >= total)
		t_fail("user_data %llu was never submitted",
		       (unsigned long long) ud);
	if (t->seen[ud / 8] & (1U << (ud % 8)))
		t_fail("user_data %llu completed twice",
		       (unsigned long long) ud);
	t->seen[ud / 8] |= (uint8_t) (1U << (ud % 8));
	t->done++;
}

static void tally_check(struct tally *t)
{
	for (unsigned long long i = 0; i < total; i++)
		if (!(t->seen[i / 8] & (1U << (i % 8))))
			t_fail("user_data %llu was lost", i);
	free(t->seen);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait for one CQE, then take every CQE that is there. */
static void reap_some(struct io_uring *ring, struct tally *t)
{
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;
	int ret;

	if (io_uring_cq_has_overflow(ring))
		t->overflows++;
	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret < 0)
		t_fail("wait_cqe: %d", ret);
	io_uring_for_each_cqe(ring, head, cqe) {
		if (cqe->res != 0)
			t_fail("user_data %llu: res %d",
			       (unsigned long long) cqe->user_data, cqe->res);
		tally_one(t, cqe->user_data);
		n++;
	}
	io_uring_cq_advance(ring, n);
}

static void report(const char *name, struct tally *t, double secs)
{
	printf("%-14s %llu completions, each seen once, in %.2f s: "
	       "%.2f M/s; CQ found overflowed %lu times\n", name, t->done,
	       secs, t->done / secs / 1e6, t->overflows);
	if (!t->overflows)
		t_fail("%s: the CQ never overflowed", name);
}

/* NOPs with user_data 0, 1, ... on one ring, in bursts that overrun it. */
static int nops(const char *name, unsigned flags)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct tally t;
	unsigned long long next = 0;
	double start;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = flags | IORING_SETUP_CQSIZE;
	p.cq_entries = CQ_ENTRIES;
	p.sq_thread_idle = 1000;
	ret = io_uring_queue_init_params(CQ_ENTRIES, &ring, &p);
	if (ret == -EINVAL || ret == -EPERM || ret == -ENOSYS) {
		printf("%-14s skipped: setup failed with %d\n", name, ret);
		return T_EXIT_SKIP;
	}
	if (ret < 0)
		t_fail("%s: setup: %d", name, ret);
	if (!(p.features & IORING_FEAT_NODROP)) {
		printf("%-14s skipped: no IORING_FEAT_NODROP\n", name);
		io_uring_queue_exit(&ring);
		return T_EXIT_SKIP;
	}
	tally_init(&t);
	start = now_s();
	while (t.done < total) {
		unsigned queued = 0;

		while (queued < BURST && next < total) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			if (!sqe) {
				ret = io_uring_submit(&ring);
				if (ret < 0 && ret != -EBUSY)
					t_fail("%s: submit: %d", name, ret);
				if (flags & IORING_SETUP_SQPOLL)
					io_uring_sqring_wait(&ring);
				else if (ret == -EBUSY)
					reap_some(&ring, &t);
				continue;
			}
			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, next++);
			queued++;
		}
		ret = io_uring_submit(&ring);
		if (ret < 0 && ret != -EBUSY)
			t_fail("%s: submit: %d", name, ret);
		/* everything submitted so far comes back before the next burst */
		while (t.done < next && io_uring_sq_ready(&ring) == 0)
			reap_some(&ring, &t);
		if (io_uring_sq_ready(&ring)) {
			/* SQ thread still busy, or -EBUSY: keep reaping */
			reap_some(&ring, &t);
			io_uring_submit(&ring);
		}
	}
	report(name, &t, now_s() - start);
	tally_check(&t);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}

/*
 * Ring A sends message k to ring B (IORING_OP_MSG_RING, user_data k on B)
 * and B's small CQ is left to overflow. A message the kernel could not
 * post (its CQE on A says why) is sent again; A's successes post nothing
 * (IOSQE_CQE_SKIP_SUCCESS).
 */
static int msg_ring(void)
{
	struct io_uring_params p;
	struct io_uring a, b;
	struct tally t;
	unsigned long long next = 0, retries = 0;
	unsigned long long *resend = NULL;
	size_t nr_resend = 0, cap_resend = 0;
	double start;
	int ret;

	if (!t_op_supported(IORING_OP_MSG_RING)) {
		printf("%-14s skipped: kernel lacks IORING_OP_MSG_RING\n",
		       "msg-ring");
		return T_EXIT_SKIP;
	}
	t_ring_init(&a, 256, NULL);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = CQ_ENTRIES;
	t_ring_init(&b, CQ_ENTRIES, &p);
	tally_init(&t);
	start = now_s();
	while (t.done < total) {
		unsigned queued = 0;
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;

		while (queued < BURST && (nr_resend || next < total)) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&a);
			unsigned long long k;

			if (!sqe) {
				io_uring_submit(&a);
				continue;
			}
			k = nr_resend ? resend[--nr_resend] : next++;
			io_uring_prep_msg_ring(sqe, b.ring_fd, 0, k, 0);
			io_uring_sqe_set_data64(sqe, k);
			io_uring_sqe_set_flags(sqe, IOSQE_CQE_SKIP_SUCCESS);
			queued++;
		}
		ret = io_uring_submit(&a);
		if (ret < 0 && ret != -EBUSY)
			t_fail("msg-ring: submit: %d", ret);
		/* failures on A: send those again */
		io_uring_for_each_cqe(&a, head, cqe) {
			if (nr_resend == cap_resend) {
				cap_resend = cap_resend ? 2 * cap_resend : 256;
				resend = realloc(resend,
						 cap_resend * sizeof(*resend));
				if (!resend)
					t_fail("no memory");
			}
			if (cqe->res >= 0)
				t_fail("msg-ring: a success posted a CQE");
			resend[nr_resend++] = cqe->user_data;
			retries++;
			n++;
		}
		io_uring_cq_advance(&a, n);
		/* B: take what has arrived, at least one CQE */
		if (t.done < total)
			reap_some(&b, &t);
		while (io_uring_cq_ready(&b) || io_uring_cq_has_overflow(&b))
			reap_some(&b, &t);
	}
	report("msg-ring", &t, now_s() - start);
	printf("%-14s %llu messages sent again after a failed post\n", "",
	       retries);
	tally_check(&t);
	free(resend);
	io_uring_queue_exit(&a);
	io_uring_queue_exit(&b);
	return T_EXIT_PASS;
}

int main(int argc, char **argv)
{
	const char *n = getenv("STRESS_N");
	int rc = T_EXIT_PASS, r[4];

	total = n ? strtoull(n, NULL, 0) : 10000000ULL;
	if (!total)
		t_fail("STRESS_N must be positive");
	(void) argc;
	(void) argv;
	r[0] = nops("plain", 0);
	r[1] = nops("defer-taskrun", IORING_SETUP_SINGLE_ISSUER |
				     IORING_SETUP_DEFER_TASKRUN);
	r[2] = nops("sqpoll", IORING_SETUP_SQPOLL);
	r[3] = msg_ring();
	for (int i = 0; i < 4; i++)
		if (r[i] == T_EXIT_SKIP)
			rc = T_EXIT_SKIP;
	return rc;
}
