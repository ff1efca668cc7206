/* SPDX-License-Identifier: MIT */
/*
 * The uringkit_zc ring allocator under a long random mix of allocations,
 * frees, prepared sends and out-of-order notifications, checked against a
 * model: a chunk is never handed out while an earlier one that overlaps
 * it is still held by the application or by a request; the bytes of live
 * chunks are never disturbed; a chunk stays usable for prep only while
 * held; and once everything is released the whole arena is one chunk
 * again. The requests never reach the kernel: their SQEs become NOPs and
 * their CQEs are made up (result with IORING_CQE_F_MORE, then
 * IORING_CQE_F_NOTIF), which is exactly what uringkit_zc_complete() sees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uringkit/zc.h>
#include "test.h"

#define ARENA_SIZE	(256 * 1024)
#define MAX_LIVE	512
#define MAX_REQS	512
#define STEPS		200000

struct live {
	unsigned char *p;
	size_t len;
	unsigned seed;
	bool held;
	int refs;
};

struct req {
	__u64 ud;
	int id;
	int chunk;		/* index into live[] */
	bool result_seen;
};

static struct live live[MAX_LIVE];
static int nr_live;
static struct req reqs[MAX_REQS];
static int nr_reqs;
static unsigned long long rnd_state = 88172645463325252ULL;

static unsigned rnd(unsigned n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (unsigned) (rnd_state % n);
}

static void drop_live(int i)
{
	ASSERT_EQ(t_check_fill(live[i].p, live[i].len, 0, live[i].seed),
		  live[i].len);
	live[i] = live[--nr_live];
	for (int r = 0; r < nr_reqs; r++)
		if (reqs[r].chunk == nr_live)
			reqs[r].chunk = i;
}

static void fake_cqe(struct uringkit_zc_arena *a, struct req *r, bool notif,
		     int want)
{
	struct io_uring_cqe cqe;
	struct uringkit_zc_event ev = { -1, 1 };

	memset(&cqe, 0, sizeof(cqe));
	cqe.user_data = r->ud;
	cqe.res = notif ? 0 : 123;
	cqe.flags = notif ? IORING_CQE_F_NOTIF : IORING_CQE_F_MORE;
	ASSERT_EQ(uringkit_zc_complete(a, &cqe, &ev), want);
	if (want < 0) {
		ASSERT_EQ(ev.id, -1);	/* untouched */
		return;
	}
	ASSERT_EQ(ev.id, r->id);
	ASSERT_EQ(ev.res, cqe.res);
}

int main(void)
{
	struct uringkit_zc_arena *a;
	struct io_uring ring;
	unsigned char *base = NULL;
	unsigned char *last = NULL;
	unsigned seed = 1, full = 0, wraps = 0, ok = 0;
	int err = 1;

	t_ring_init(&ring, 64, NULL);
	a = uringkit_zc_arena_create(&ring, ARENA_SIZE, 0, 0, &err);
	if (!a && err == -ENOMEM)
		t_skip("cannot pin a registered buffer (RLIMIT_MEMLOCK)");
	ASSERT_NOT_NULL(a);
	base = uringkit_zc_alloc(a, 1);
	ASSERT_NOT_NULL(base);
	ASSERT_EQ(uringkit_zc_free(a, base), 0);

	for (int step = 0; step < STEPS; step++) {
		unsigned op = rnd(100);

		if (op < 40 && nr_live < MAX_LIVE) {
			size_t len = 1 + rnd(rnd(4) ? 4096 : 40000);
			size_t rlen = (len + 63) & ~(size_t) 63;
			unsigned char *p = uringkit_zc_alloc(a, len);

			if (!p) {
				full++;
				continue;
			}
			wraps += p < last;
			last = p;
			ok++;
			ASSERT_EQ((uintptr_t) p % URINGKIT_ZC_ALIGN, 0);
			ASSERT(p >= base && p + rlen <= base + ARENA_SIZE);
			for (int i = 0; i < nr_live; i++)
				ASSERT(p + rlen <= live[i].p ||
				       p >= live[i].p + live[i].len);
			live[nr_live] = (struct live) { p, len, seed++, true, 0 };
			t_fill(p, len, live[nr_live].seed);
			nr_live++;
		} else if (op < 65 && nr_live) {
			int i = (int) rnd((unsigned) nr_live);

			if (!live[i].held) {
				ASSERT_EQ(uringkit_zc_free(a, live[i].p),
					  -EINVAL);
				continue;
			}
			if (live[i].len > 64)
				ASSERT_EQ(uringkit_zc_free(a, live[i].p + 64),
					  -EINVAL);
			ASSERT_EQ(uringkit_zc_free(a, live[i].p), 0);
			live[i].held = false;
			if (!live[i].refs)
				drop_live(i);
		} else if (op < 85 && nr_live && nr_reqs < MAX_REQS) {
			int i = (int) rnd((unsigned) nr_live);
			size_t off = rnd((unsigned) live[i].len);
			size_t len = 1 + rnd((unsigned) (live[i].len - off));
			size_t rlen = (live[i].len + 63) & ~(size_t) 63;
			struct io_uring_sqe *sqe;
			int id;

			if (!io_uring_sq_space_left(&ring))
				io_uring_submit(&ring);
			/* one byte past the chunk's end: refused, SQE given back */
			sqe = t_get_sqe(&ring);
			id = uringkit_zc_prep_send(a, sqe, -1, live[i].p + off,
						   rlen - off + 1, 0);
			if (live[i].p + rlen == base + ARENA_SIZE)
				ASSERT_EQ(id, -EFAULT);
			else
				ASSERT_EQ(id, -EINVAL);
			sqe = t_get_sqe(&ring);
			id = uringkit_zc_prep_send(a, sqe, -1, live[i].p + off,
						   len, 0);
			if (!live[i].held) {
				ASSERT_EQ(id, -EINVAL);
				continue;
			}
			ASSERT_GE(id, 0);
			reqs[nr_reqs] = (struct req) { sqe->user_data, id, i,
						       false };
			nr_reqs++;
			live[i].refs++;
			/* never sent: a NOP that posts nothing */
			io_uring_prep_nop(sqe);
			sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
			ASSERT_EQ(uringkit_zc_inflight(a), (unsigned) nr_reqs);
		} else if (nr_reqs) {
			int r = (int) rnd((unsigned) nr_reqs), i;

			if (!reqs[r].result_seen) {
				fake_cqe(a, &reqs[r], false,
					 URINGKIT_ZC_RESULT);
				reqs[r].result_seen = true;
				continue;
			}
			fake_cqe(a, &reqs[r], true, URINGKIT_ZC_DONE);
			fake_cqe(a, &reqs[r], true, -EALREADY);
			i = reqs[r].chunk;
			reqs[r] = reqs[--nr_reqs];
			ASSERT_EQ(uringkit_zc_inflight(a), (unsigned) nr_reqs);
			if (!--live[i].refs && !live[i].held)
				drop_live(i);
		}
	}

	/* The run filled the arena and wrapped round many times. */
	printf("%u chunks carved, %u wraps, %u refusals\n", ok, wraps, full);
	ASSERT_GT(full, 100);
	ASSERT_GT(wraps, 100);

	/* Release everything; the arena is whole again. */
	while (nr_reqs) {
		if (!reqs[0].result_seen)
			fake_cqe(a, &reqs[0], false, URINGKIT_ZC_RESULT);
		fake_cqe(a, &reqs[0], true, URINGKIT_ZC_DONE);
		reqs[0] = reqs[--nr_reqs];
	}
	for (int i = 0; i < nr_live; i++)
		if (live[i].held)
			ASSERT_EQ(uringkit_zc_free(a, live[i].p), 0);
	ASSERT_EQ(uringkit_zc_inflight(a), 0);
	ASSERT(uringkit_zc_alloc(a, ARENA_SIZE) == base);
	ASSERT_EQ(uringkit_zc_free(a, base), 0);
	ASSERT_EQ(uringkit_zc_arena_free(a, 0), 0);
	io_uring_submit(&ring);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
