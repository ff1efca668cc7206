/* SPDX-License-Identifier: MIT */
/*
 * The request table: what each request in flight holds, released at its
 * final CQE; cancel-and-drain. See include/uringkit/req.h and
 * uringkit_reqtab(3).
 *
 * Slots live in one array allocated at creation; free slots form a stack
 * linked through next_free. A slot's generation is bumped on every
 * release, so a CQE that names a released request is recognised.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "internal/ring.h"
#include "uringkit/req.h"
#include "uringkit/sqe.h"

#define TAG_SHIFT	48
#define GEN_SHIFT	32
/* The id in the user_data of the table's own cancel requests. */
#define CANCEL_ID	0xffffffffU

struct slot {
	struct uringkit_req_desc d;
	uint16_t gen;
	bool live;
	uint32_t next_free;
};

struct uringkit_reqtab {
	struct io_uring *ring;
	unsigned capacity;
	unsigned inflight;
	uint32_t free_top;		/* capacity: empty */
	struct slot slots[];
};

static __u64 make_ud(unsigned id, unsigned gen)
{
	return (__u64) URINGKIT_REQ_USER_DATA_TAG << TAG_SHIFT |
	       (__u64) (gen & 0xffff) << GEN_SHIFT | id;
}

UK_EXPORT struct uringkit_reqtab *uringkit_reqtab_create(struct io_uring *ring,
							 unsigned int capacity,
							 int *err)
{
	struct uringkit_reqtab *t;
	int saved = errno;

	if (!ring || !capacity || capacity > URINGKIT_REQTAB_MAX) {
		if (err)
			*err = -EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t) + (size_t) capacity * sizeof(t->slots[0]));
	errno = saved;
	if (!t) {
		if (err)
			*err = -ENOMEM;
		return NULL;
	}
	t->ring = ring;
	t->capacity = capacity;
	for (unsigned i = 0; i < capacity; i++)
		t->slots[i].next_free = i + 1;
	t->free_top = 0;
	if (err)
		*err = 0;
	return t;
}

UK_EXPORT int uringkit_req_track(struct uringkit_reqtab *t,
				 struct io_uring_sqe *sqe,
				 const struct uringkit_req_desc *d)
{
	struct slot *s;
	unsigned id;

	if (!t || !sqe || !d || (d->flags & ~URINGKIT_REQ_CLOSE_FD) ||
	    ((d->flags & URINGKIT_REQ_CLOSE_FD) && d->fd < 0))
		return -EINVAL;
	if (t->free_top >= t->capacity)
		return -ENOSPC;
	id = t->free_top;
	s = &t->slots[id];
	t->free_top = s->next_free;
	s->d = *d;
	s->live = true;
	t->inflight++;
	io_uring_sqe_set_data64(sqe, make_ud(id, s->gen));
	return (int) id;
}

UK_EXPORT int uringkit_reqtab_complete(struct uringkit_reqtab *t,
				       const struct io_uring_cqe *cqe,
				       struct uringkit_req_event *ev)
{
	struct slot *s;
	unsigned id, gen;
	bool final;

	if (!t || !cqe || cqe->user_data >> TAG_SHIFT != URINGKIT_REQ_USER_DATA_TAG)
		return 0;
	id = (unsigned) cqe->user_data;
	gen = (unsigned) (cqe->user_data >> GEN_SHIFT) & 0xffff;
	if (id == CANCEL_ID)
		return URINGKIT_REQ_INTERNAL;
	if (id >= t->capacity)
		return -ESTALE;
	s = &t->slots[id];
	if (!s->live || s->gen != gen)
		return -ESTALE;
	final = !(cqe->flags & IORING_CQE_F_MORE);
	if (ev) {
		ev->id = (int) id;
		ev->user = s->d.user;
		ev->res = cqe->res;
		ev->cqe_flags = cqe->flags;
		ev->final = final;
	}
	if (s->d.cb)
		s->d.cb(s->d.user, cqe, final);
	if (!final)
		return URINGKIT_REQ_EVENT;
	if (s->d.release)
		s->d.release(s->d.user);
	if (s->d.flags & URINGKIT_REQ_CLOSE_FD)
		uk__close(s->d.fd);
	s->live = false;
	s->gen++;
	s->next_free = t->free_top;
	t->free_top = id;
	t->inflight--;
	return URINGKIT_REQ_EVENT | URINGKIT_REQ_FINAL;
}

UK_EXPORT unsigned int uringkit_reqtab_inflight(const struct uringkit_reqtab *t,
						int fd)
{
	unsigned n = 0;

	if (!t)
		return 0;
	if (fd < 0)
		return t->inflight;
	for (unsigned i = 0; i < t->capacity; i++)
		if (t->slots[i].live && t->slots[i].d.fd == fd)
			n++;
	return n;
}

UK_EXPORT int uringkit_reqtab_cancel(struct uringkit_reqtab *t, int fd)
{
	int n = 0, ret;

	if (!t)
		return -EINVAL;
	for (unsigned i = 0; i < t->capacity; i++) {
		const struct slot *s = &t->slots[i];
		struct io_uring_sqe *sqe;

		if (!s->live || (fd >= 0 && s->d.fd != fd))
			continue;
		sqe = uringkit_get_sqe(t->ring, &ret);
		if (!sqe)
			return n ? n : ret;
		io_uring_prep_cancel64(sqe, make_ud(i, s->gen), 0);
		/* Only failures (already done, not found) post a CQE. */
		sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
		io_uring_sqe_set_data64(sqe, make_ud(CANCEL_ID, 0));
		n++;
	}
	/*
	 * A failed submit is reported, whatever was queued: a drain that
	 * went on would wait out its deadline for cancels the kernel never
	 * saw. The queued cancels go out with the ring's next submission;
	 * a cancel that finds nothing only posts a CQE of the table's own.
	 */
	ret = io_uring_submit(t->ring);
	return ret < 0 ? ret : n;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

UK_EXPORT int uringkit_reqtab_drain(struct uringkit_reqtab *t, int fd,
				    int timeout_ms,
				    struct uringkit_drain_report *rep,
				    void (*other)(void *arg,
						  const struct io_uring_cqe *cqe),
				    void *arg)
{
	struct uringkit_drain_report r = { 0 };
	long long deadline;
	int ret = 0;

	if (!t || timeout_ms < 0)
		return -EINVAL;
	deadline = now_ms() + timeout_ms;
	ret = uringkit_reqtab_cancel(t, fd);
	if (ret < 0)
		goto out;
	r.cancelled = (unsigned) ret;
	ret = 0;
	while (uringkit_reqtab_inflight(t, fd)) {
		struct __kernel_timespec ts;
		struct io_uring_cqe *cqe;
		long long left = deadline - now_ms();
		unsigned head, seen = 0;

		if (left <= 0) {
			ret = -ETIME;
			break;
		}
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		ret = io_uring_wait_cqe_timeout(t->ring, &cqe, &ts);
		if (ret == -ETIME || ret == -EINTR) {
			ret = 0;
			continue;
		}
		if (ret < 0)
			break;
		io_uring_for_each_cqe(t->ring, head, cqe) {
			int c = uringkit_reqtab_complete(t, cqe, NULL);

			if (c == 0) {
				r.other_cqes++;
				if (other)
					other(arg, cqe);
			} else if (c > 0 && (c & URINGKIT_REQ_FINAL)) {
				r.completed++;
			}
			seen++;
		}
		io_uring_cq_advance(t->ring, seen);
	}
out:
	r.still_running = uringkit_reqtab_inflight(t, fd);
	if (rep)
		*rep = r;
	return ret;
}

UK_EXPORT int uringkit_reqtab_foreach(const struct uringkit_reqtab *t,
				      int (*fn)(void *arg, int id,
						const struct uringkit_req_desc *d),
				      void *arg)
{
	if (!t || !fn)
		return -EINVAL;
	for (unsigned i = 0; i < t->capacity; i++) {
		int ret;

		if (!t->slots[i].live)
			continue;
		ret = fn(arg, (int) i, &t->slots[i].d);
		if (ret)
			return ret;
	}
	return 0;
}

UK_EXPORT int uringkit_reqtab_free(struct uringkit_reqtab *t, unsigned int flags)
{
	if (flags & ~URINGKIT_REQTAB_ABANDON)
		return -EINVAL;
	if (!t)
		return 0;
	if (t->inflight && !(flags & URINGKIT_REQTAB_ABANDON))
		return -EBUSY;
	free(t);
	return 0;
}
