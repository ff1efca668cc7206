/* SPDX-License-Identifier: MIT */
/* Shared SQE/CQE, time and kernel-version helpers: see test.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "test.h"

struct io_uring_sqe *t_get_dirty_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	t_dirty_sqe(sqe);
	return sqe;
}

struct io_uring_sqe *t_get_dirty_sqe_ud(struct io_uring *ring, __u64 ud)
{
	struct io_uring_sqe *sqe = t_get_dirty_sqe(ring);

	sqe->user_data = ud;
	return sqe;
}

struct io_uring_cqe *t_wait_cqe_ms(struct io_uring *ring, long ms)
{
	struct __kernel_timespec ts = {
		.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L,
	};
	struct io_uring_cqe *cqe = NULL;
	int ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);

	if (ret == -ETIME)
		return NULL;
	if (ret)
		t_fail("io_uring_wait_cqe_timeout(%ld ms): %d (%s)", ms, ret,
		       strerror(-ret));
	if (!cqe)
		t_fail("io_uring_wait_cqe_timeout returned 0 but no CQE");
	return cqe;
}

struct io_uring_cqe *t_wait_cqe_within(struct io_uring *ring, long ms)
{
	struct io_uring_cqe *cqe = t_wait_cqe_ms(ring, ms);

	if (!cqe)
		t_fail("no CQE within %ld ms", ms);
	return cqe;
}

struct t_cqe t_reap_cqe(struct io_uring *ring)
{
	struct io_uring_cqe *cqe = t_wait_cqe(ring);
	struct t_cqe c = { cqe->user_data, cqe->res, cqe->flags };

	io_uring_cqe_seen(ring, cqe);
	return c;
}

void t_reap_cqes(struct io_uring *ring, struct t_cqe *out, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		out[i] = t_reap_cqe(ring);
}

const struct t_cqe *t_find_cqe(const struct t_cqe *c, unsigned n,
			       __u64 user_data)
{
	for (unsigned i = 0; i < n; i++)
		if (c[i].user_data == user_data)
			return &c[i];
	t_fail("no CQE with user_data %llu", (unsigned long long) user_data);
}

void t_assert_idle(struct io_uring *ring)
{
	struct io_uring_cqe *cqe = NULL;

	usleep(20000);
	if (io_uring_peek_cqe(ring, &cqe) == 0 && cqe)
		t_fail("unexpected CQE user_data %llu res %d",
		       (unsigned long long) cqe->user_data, cqe->res);
}

void t_buf_ring_give(struct io_uring_buf_ring *br, unsigned entries,
		     void *base, size_t buf_size, unsigned first, unsigned n)
{
	int mask = io_uring_buf_ring_mask(entries);

	for (unsigned i = 0; i < n; i++) {
		unsigned bid = first + i;

		io_uring_buf_ring_add(br, (char *) base + (size_t) bid * buf_size,
				      (unsigned) buf_size, (unsigned short) bid,
				      mask, (int) i);
	}
	io_uring_buf_ring_advance(br, (int) n);
}

unsigned t_collect_tags(struct io_uring *ring, __u64 *tags, unsigned max,
			unsigned want, long want_ms)
{
	struct io_uring_cqe *cqe;
	unsigned n = 0;

	while (n < max && (cqe = t_wait_cqe_ms(ring, n < want ? want_ms : 1))) {
		if (cqe->res != 0)
			t_fail("tag CQE user_data %llu: res %d, expected 0",
			       (unsigned long long) cqe->user_data, cqe->res);
		tags[n++] = cqe->user_data;
		io_uring_cqe_seen(ring, cqe);
	}
	return n;
}

long long t_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

unsigned t_roundup_pow2(unsigned v)
{
	unsigned r = 1;

	while (r < v)
		r <<= 1;
	return r;
}

bool t_kernel_at_least(int major, int minor, bool if_unknown)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return if_unknown;
	return ma > major || (ma == major && mi >= minor);
}
