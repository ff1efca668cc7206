/* SPDX-License-Identifier: MIT */
/*
 * memory-init-mem-teardown: what the kernel still writes into the memory
 * of an io_uring_queue_init_mem() ring after io_uring_queue_exit().
 *
 * Closing a ring only starts its teardown; the kernel finishes it later,
 * from a worker, and only then lets go of the pages. On the way it stores
 * the CQ tail once more, and it posts the completions of requests that
 * were still in flight (cancelled). An application that reuses the memory
 * at once (a new ring there, or its own data) sees those stores land on
 * it: a new ring in the same bytes shows the old ring's CQ tail as CQEs
 * that were never posted to it. Measured on Linux 6.18: nearly every exit
 * of an idle ring stores its tail afterwards, from tens of microseconds
 * to tens of milliseconds later (io_uring_queue_init_mem(3) says when the
 * memory may be reused).
 *
 * Each round sets a ring up in the same region, uses it, exits, fills the
 * region with a canary and watches it for a while. Checked, for every
 * late store seen:
 *  - idle ring: only the 4 bytes of the CQ tail change, to the tail the
 *    ring had at exit;
 *  - a poll still in flight at exit: only the CQ tail (one more) and the
 *    CQE slot it covers, which holds the poll's user_data and -ECANCELED
 *    if it is written late (it may also be written before the exit
 *    returns; the tail comes late either way).
 * Nothing else in the region, the SQEs included, is ever touched. A
 * kernel that no longer stores late passes with nothing seen (it is
 * printed); the rounds stop early once enough late stores were checked.
 */
#include <poll.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test.h"

#define CANARY		0x3c
#define LEN		(1U << 20)
#define ROUNDS		40
#define ENOUGH		4	/* rounds with late stores, per case */
#define QUIET_MS	200	/* no store this long: the round is over */
#define POLL_UD		0x9011ULL

static unsigned char *mem;
static int pfd[2];

struct round {
	size_t used;		/* bytes the ring took */
	size_t tail_off;	/* offset of the CQ tail */
	size_t cqes_off;	/* offset of the CQE array */
	unsigned cq_mask, cqe_size;
	unsigned tail;		/* CQ tail at exit */
};

static bool all_canary(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != CANARY)
			return false;
	return true;
}

/* Watch the region after the exit; returns whether anything changed. */
static bool watch(const struct round *r, bool in_flight, long long *latest)
{
	long long start = t_now_ms(), last = start;
	unsigned char seen[LEN / 8] = { 0 };	/* bytes changed */
	bool any = false;

	while (t_now_ms() - last < QUIET_MS) {
		for (size_t i = 0; i < r->used; i++) {
			if (mem[i] == CANARY || (seen[i / 8] & (1 << (i % 8))))
				continue;
			seen[i / 8] |= (unsigned char) (1 << (i % 8));
			any = true;
			last = t_now_ms();
		}
		usleep(200);
	}
	if (!any)
		return false;
	if (last - start > *latest)
		*latest = last - start;
	/* what changed, and to what */
	{
		unsigned want_tail = r->tail + (in_flight ? 1 : 0), tail;
		size_t slot = r->cqes_off +
			      (size_t) (r->tail & r->cq_mask) * r->cqe_size;

		for (size_t i = 0; i < r->used; i++) {
			bool in_tail = i >= r->tail_off && i < r->tail_off + 4;
			bool in_slot = in_flight && i >= slot &&
				       i < slot + r->cqe_size;

			if ((seen[i / 8] & (1 << (i % 8))) && !in_tail &&
			    !in_slot)
				t_fail("%s: a late store at byte %zu "
				       "(0x%02x), outside the CQ tail (%zu)%s",
				       in_flight ? "in flight" : "idle", i,
				       mem[i], r->tail_off,
				       in_flight ? " and its CQE" : "");
		}
		memcpy(&tail, mem + r->tail_off, 4);
		/* the tail is stored whole, or not at all */
		if (tail != 0x3c3c3c3cU)
			ASSERT_EQ(tail, want_tail);
		/* the CQE may also have landed before the canary went in */
		if (in_flight && !all_canary(mem + slot, r->cqe_size)) {
			struct io_uring_cqe cqe;

			memcpy(&cqe, mem + slot, sizeof(cqe));
			ASSERT_EQ(cqe.user_data, POLL_UD);
			ASSERT_EQ(cqe.res, -ECANCELED);
		}
	}
	return true;
}

static bool one_round(bool in_flight, long long *latest)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct round r;
	int ret;

	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_init_mem(64, &ring, &p, mem, LEN);
	ASSERT_GT(ret, 0);
	r.used = (size_t) ret;
	/* some traffic, so the tail is not 0 */
	t_submit_nops(&ring, 5, 1);
	if (in_flight) {
		struct io_uring_sqe *sqe = t_get_sqe(&ring);

		io_uring_prep_poll_add(sqe, pfd[0], POLLIN);
		io_uring_sqe_set_data64(sqe, POLL_UD);
	}
	ASSERT_EQ(io_uring_submit(&ring), in_flight ? 6 : 5);
	for (int i = 0; i < 5; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(&ring);

		ASSERT_NE(cqe->user_data, POLL_UD);
		io_uring_cqe_seen(&ring, cqe);
	}
	r.tail_off = (size_t) ((unsigned char *) ring.cq.ktail - mem);
	r.cqes_off = (size_t) ((unsigned char *) ring.cq.cqes - mem);
	r.cq_mask = ring.cq.ring_mask;
	r.cqe_size = (unsigned) sizeof(struct io_uring_cqe) <<
		     io_uring_cqe_shift(&ring);
	r.tail = *ring.cq.ktail;
	ASSERT_EQ(r.tail, 5);
	io_uring_queue_exit(&ring);
	memset(mem, CANARY, r.used);
	return watch(&r, in_flight, latest);
}

int main(void)
{
	long long latest = 0;
	int seen[2] = { 0, 0 }, rounds[2] = { 0, 0 };

	t_require_setup_flags(IORING_SETUP_NO_MMAP);
	mem = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT(mem != MAP_FAILED);
	ASSERT_EQ(pipe(pfd), 0);
	for (int c = 0; c < 2; c++) {
		while (rounds[c] < ROUNDS && seen[c] < ENOUGH) {
			rounds[c]++;
			seen[c] += one_round(c == 1, &latest);
		}
	}
	printf("late stores after io_uring_queue_exit(): idle ring in %d of "
	       "%d rounds, with a request in flight in %d of %d; the last "
	       "one %lld ms after the exit; all of them in the CQ tail and "
	       "the cancelled request's CQE\n", seen[0], rounds[0],
	       seen[1], rounds[1], latest);
	close(pfd[0]);
	close(pfd[1]);
	/* munmap at once is safe: the kernel holds the pages it still uses */
	munmap(mem, LEN);
	return T_EXIT_PASS;
}
