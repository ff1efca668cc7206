/* SPDX-License-Identifier: MIT */
/*
 * uringkit_zc: an arena of registered memory for zero-copy sends, with a
 * ring allocator and per-request bookkeeping so that memory is reused only
 * after the kernel's notification. See include/uringkit/zc.h and
 * uringkit_zc(3).
 *
 * Memory: one anonymous mapping (the arena, registered as one buffer) and
 * three heap arrays of bookkeeping, none of them inside the arena, so
 * every byte of the arena belongs to the application's chunks.
 *
 * Chunks live in a circular deque indexed by a 32-bit sequence number
 * (slot seq & (cap - 1)); numbers are stable while the deque grows, so
 * requests refer to chunks by number. Chunks sit in the arena in sequence
 * order starting at the oldest live chunk's offset and wrapping at most
 * once, so "distance from the head" grows with the sequence number and an
 * address is found by binary search. A chunk is dead when the application
 * has freed it and no request refers to it; dead chunks are reclaimed from
 * the head only, which keeps the free space one or two contiguous runs.
 *
 * Requests live in a table indexed by id; free ids form a stack. A
 * request's user_data is
 *   bits 63..48  URINGKIT_ZC_USER_DATA_TAG
 *   bits 47..32  the arena's number (process-wide counter)
 *   bits 31..24  the request slot's generation (bumped on every reuse)
 *   bits 23..0   the request id
 * so a CQE of another arena, or one decoded twice, is recognised.
 *
 * libc's allocator may set errno; every call into it saves and restores
 * errno, so the library still never changes it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "internal/ring.h"
#include "uringkit/zc.h"

#define UK_ZC_HUGE_SIZE		(2UL << 20)
#define UK_ZC_MAX_REQS		(1U << 24)
#define UK_ZC_INLINE_REFS	4

enum { UK_ZC_REQ_FREE = 0, UK_ZC_REQ_WAIT_RESULT, UK_ZC_REQ_WAIT_NOTIF };

struct uk_zc_chunk {
	size_t off;		/* start, from the arena's base */
	size_t end;		/* off + rounded length */
	uint32_t refs;		/* requests in flight that send from it */
	bool held;		/* allocated and not yet freed by the app */
};

struct uk_zc_req {
	uint8_t state;
	uint8_t gen;
	uint32_t nr;		/* chunk numbers referred to */
	uint32_t next_free;	/* stack link while FREE */
	uint32_t one[UK_ZC_INLINE_REFS];
	uint32_t *many;		/* heap array when nr > UK_ZC_INLINE_REFS */
};

struct uringkit_zc_arena {
	struct io_uring *ring;
	unsigned char *base;
	size_t size;		/* usable bytes (what was registered) */
	size_t map_len;
	unsigned int buf_index;
	unsigned int flags;
	uint64_t ud_high;	/* tag and arena number, in place */

	/* chunk deque */
	struct uk_zc_chunk *chunks;
	uint32_t chunk_cap;	/* power of two, or 0 */
	uint32_t head;		/* oldest live chunk's number */
	uint32_t tail;		/* next chunk's number */
	size_t tail_off;	/* end of the newest chunk */

	/* request table */
	struct uk_zc_req *reqs;
	uint32_t req_cap;
	uint32_t free_top;	/* first free id, or UINT32_MAX */
	unsigned int inflight;
};

static uint32_t uk_zc_next_arena;

static void *uk_zc_malloc(size_t n)
{
	int saved = errno;
	void *p = malloc(n);

	errno = saved;
	return p;
}

static void *uk_zc_calloc(size_t n, size_t sz)
{
	int saved = errno;
	void *p = calloc(n, sz);

	errno = saved;
	return p;
}

static void *uk_zc_realloc(void *old, size_t n)
{
	int saved = errno;
	void *p = realloc(old, n);

	errno = saved;
	return p;
}

static void uk_zc_free_mem(void *p)
{
	int saved = errno;

	free(p);
	errno = saved;
}

/* ---- chunks -------------------------------------------------------------- */

static inline struct uk_zc_chunk *uk_zc_chunk(struct uringkit_zc_arena *a,
					      uint32_t seq)
{
	return &a->chunks[seq & (a->chunk_cap - 1)];
}

static inline uint32_t uk_zc_nr_chunks(const struct uringkit_zc_arena *a)
{
	return a->tail - a->head;
}

/* Make room for one more chunk record; keeps every number's record. */
static int uk_zc_chunks_grow(struct uringkit_zc_arena *a)
{
	uint32_t ncap = a->chunk_cap ? a->chunk_cap * 2 : 64;
	struct uk_zc_chunk *n;

	if (!ncap)
		return -ENOMEM;
	n = uk_zc_malloc((size_t) ncap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	for (uint32_t s = a->head; s != a->tail; s++)
		n[s & (ncap - 1)] = *uk_zc_chunk(a, s);
	uk_zc_free_mem(a->chunks);
	a->chunks = n;
	a->chunk_cap = ncap;
	return 0;
}

/* Drop dead chunks from the head; an empty arena starts again at 0. */
static void uk_zc_reclaim(struct uringkit_zc_arena *a)
{
	while (a->head != a->tail) {
		struct uk_zc_chunk *c = uk_zc_chunk(a, a->head);

		if (c->held || c->refs)
			break;
		a->head++;
	}
	if (a->head == a->tail)
		a->tail_off = 0;
}

/* Distance of offset off from the head chunk's start, along the ring. */
static inline size_t uk_zc_dist(const struct uringkit_zc_arena *a,
				size_t head_off, size_t off)
{
	return off >= head_off ? off - head_off : off + a->size - head_off;
}

/*
 * The number of the live chunk containing offset off, or -1. Chunks are in
 * ring order from the head, so their distances from the head increase.
 */
static int64_t uk_zc_find(struct uringkit_zc_arena *a, size_t off)
{
	uint32_t lo = 0, hi = uk_zc_nr_chunks(a), mid;
	size_t head_off, d;

	if (!hi)
		return -1;
	head_off = uk_zc_chunk(a, a->head)->off;
	d = uk_zc_dist(a, head_off, off);
	/* last chunk whose start is at distance <= d */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (uk_zc_dist(a, head_off, uk_zc_chunk(a, a->head + mid)->off) <= d)
			lo = mid;
		else
			hi = mid;
	}
	if (uk_zc_dist(a, head_off, uk_zc_chunk(a, a->head + lo)->off) > d)
		return -1;
	return (int64_t) (a->head + lo);
}

UK_EXPORT void *uringkit_zc_alloc(struct uringkit_zc_arena *a, size_t len)
{
	struct uk_zc_chunk *c;
	size_t off, head_off;

	if (!a || !len || len > a->size)
		return NULL;
	len = uk__align_up(len, URINGKIT_ZC_ALIGN);
	if (a->head == a->tail) {
		off = 0;
	} else {
		head_off = uk_zc_chunk(a, a->head)->off;
		if (a->tail_off > head_off) {
			/* not wrapped: room after the tail, else at the start */
			if (a->size - a->tail_off >= len)
				off = a->tail_off;
			else if (head_off >= len)
				off = 0;
			else
				return NULL;
		} else {
			/* wrapped: room between the tail and the head */
			if (head_off - a->tail_off >= len)
				off = a->tail_off;
			else
				return NULL;
		}
	}
	if (uk_zc_nr_chunks(a) == a->chunk_cap && uk_zc_chunks_grow(a))
		return NULL;
	c = uk_zc_chunk(a, a->tail);
	c->off = off;
	c->end = off + len;
	c->refs = 0;
	c->held = true;
	a->tail++;
	a->tail_off = off + len;
	return a->base + off;
}

UK_EXPORT int uringkit_zc_free(struct uringkit_zc_arena *a, void *chunk)
{
	struct uk_zc_chunk *c;
	int64_t seq;
	size_t off;

	if (!a || (unsigned char *) chunk < a->base ||
	    (unsigned char *) chunk >= a->base + a->size)
		return -EINVAL;
	off = (size_t) ((unsigned char *) chunk - a->base);
	seq = uk_zc_find(a, off);
	if (seq < 0)
		return -EINVAL;
	c = uk_zc_chunk(a, (uint32_t) seq);
	if (c->off != off || !c->held)
		return -EINVAL;
	c->held = false;
	if (!c->refs)
		uk_zc_reclaim(a);
	return 0;
}

/*
 * The number of the held chunk containing [p, p + len), or a negative
 * errno: -EFAULT outside the arena, -EINVAL empty (len 0) or not inside
 * one held chunk.
 */
static int64_t uk_zc_check_range(struct uringkit_zc_arena *a, const void *p,
				 size_t len)
{
	const unsigned char *b = p;
	struct uk_zc_chunk *c;
	size_t off, in, clen;
	int64_t seq;

	if (b < a->base || b >= a->base + a->size ||
	    len > (size_t) (a->base + a->size - b))
		return -EFAULT;
	/*
	 * The kernel fails a whole fixed-buffer send with -EFAULT for one
	 * empty iovec; refuse it here, where the caller can still tell which.
	 */
	if (!len)
		return -EINVAL;
	off = (size_t) (b - a->base);
	seq = uk_zc_find(a, off);
	if (seq < 0)
		return -EINVAL;
	c = uk_zc_chunk(a, (uint32_t) seq);
	/*
	 * How far into the chunk off is, measured along the ring: an offset
	 * in the free run before a not yet wrapped head is "after" the
	 * newest chunk, not inside it.
	 */
	in = uk_zc_dist(a, uk_zc_chunk(a, a->head)->off, off) -
	     uk_zc_dist(a, uk_zc_chunk(a, a->head)->off, c->off);
	clen = c->end - c->off;
	if (!c->held || in >= clen || len > clen - in)
		return -EINVAL;
	return seq;
}

/* ---- requests ------------------------------------------------------------ */

static int uk_zc_reqs_grow(struct uringkit_zc_arena *a)
{
	uint32_t ncap = a->req_cap ? a->req_cap * 2 : 64;
	struct uk_zc_req *n;

	if (ncap > UK_ZC_MAX_REQS)
		return -ENOMEM;
	n = uk_zc_realloc(a->reqs, (size_t) ncap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	memset(n + a->req_cap, 0, (size_t) (ncap - a->req_cap) * sizeof(*n));
	/* push the new ids so that the lowest comes out first */
	for (uint32_t id = ncap; id-- > a->req_cap;) {
		n[id].next_free = a->free_top;
		a->free_top = id;
	}
	a->reqs = n;
	a->req_cap = ncap;
	return 0;
}

static inline uint32_t *uk_zc_refs(struct uk_zc_req *r)
{
	return r->nr > UK_ZC_INLINE_REFS ? r->many : r->one;
}

/* Release a finished request: drop its chunk references, free its id. */
static void uk_zc_req_done(struct uringkit_zc_arena *a, uint32_t id)
{
	struct uk_zc_req *r = &a->reqs[id];
	uint32_t *refs = uk_zc_refs(r);
	bool dead = false;

	for (uint32_t i = 0; i < r->nr; i++) {
		struct uk_zc_chunk *c = uk_zc_chunk(a, refs[i]);

		if (!--c->refs && !c->held)
			dead = true;
	}
	if (r->nr > UK_ZC_INLINE_REFS)
		uk_zc_free_mem(r->many);
	r->many = NULL;
	r->nr = 0;
	r->state = UK_ZC_REQ_FREE;
	r->next_free = a->free_top;
	a->free_top = id;
	a->inflight--;
	if (dead)
		uk_zc_reclaim(a);
}

/*
 * Put back an SQE a failed prep call was given: un-get it if it is the
 * last one obtained and not yet submitted, else make it a NOP without a
 * CQE. Called only for SQEs of the arena's ring.
 */
static void uk_zc_drop_sqe(struct io_uring *ring, struct io_uring_sqe *sqe)
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned shift = io_uring_sqe_shift(ring);

	if (sq->sqe_tail != sq->sqe_head &&
	    sqe == &sq->sqes[((sq->sqe_tail - 1) & sq->ring_mask) << shift]) {
		sq->sqe_tail--;
		return;
	}
	io_uring_prep_nop(sqe);
	sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
	io_uring_sqe_set_data64(sqe, 0);
}

static bool uk_zc_sqe_of_ring(const struct io_uring *ring,
			      const struct io_uring_sqe *sqe)
{
	unsigned shift = io_uring_sqe_shift(ring);
	uintptr_t first = (uintptr_t) ring->sq.sqes, p = (uintptr_t) sqe;
	size_t slot = sizeof(*sqe) << shift;

	return sqe && first && p >= first &&
	       p - first < (size_t) ring->sq.ring_entries * slot &&
	       (p - first) % slot == 0;
}

/*
 * Check the pieces, take an id and record the chunks; on failure nothing
 * changed. nr ranges of (base, len).
 */
static int uk_zc_begin(struct uringkit_zc_arena *a, const struct iovec *iov,
		       size_t nr, uint32_t *idp)
{
	uint32_t inline_refs[UK_ZC_INLINE_REFS], *refs = inline_refs;
	uint32_t nrefs = 0, id;
	struct uk_zc_req *r;
	int64_t seq;
	int ret;

	if (nr > UK_ZC_INLINE_REFS) {
		refs = uk_zc_malloc(nr * sizeof(*refs));
		if (!refs)
			return -ENOMEM;
	}
	for (size_t i = 0; i < nr; i++) {
		seq = uk_zc_check_range(a, iov[i].iov_base, iov[i].iov_len);
		if (seq < 0) {
			ret = (int) seq;
			goto fail;
		}
		/* consecutive pieces of one chunk count once */
		if (!nrefs || refs[nrefs - 1] != (uint32_t) seq)
			refs[nrefs++] = (uint32_t) seq;
	}
	if (a->free_top == UINT32_MAX) {
		ret = uk_zc_reqs_grow(a);
		if (ret)
			goto fail;
	}
	id = a->free_top;
	r = &a->reqs[id];
	a->free_top = r->next_free;
	r->state = UK_ZC_REQ_WAIT_RESULT;
	r->gen++;
	r->nr = nrefs;
	if (nrefs > UK_ZC_INLINE_REFS) {
		r->many = refs;
	} else {
		memcpy(r->one, refs, nrefs * sizeof(*refs));
		if (refs != inline_refs)
			uk_zc_free_mem(refs);
	}
	for (uint32_t i = 0; i < nrefs; i++)
		uk_zc_chunk(a, uk_zc_refs(r)[i])->refs++;
	a->inflight++;
	*idp = id;
	return 0;
fail:
	if (refs != inline_refs)
		uk_zc_free_mem(refs);
	return ret;
}

static inline __u64 uk_zc_user_data(const struct uringkit_zc_arena *a,
				    uint32_t id)
{
	return a->ud_high | ((__u64) a->reqs[id].gen << 24) | id;
}

UK_EXPORT int uringkit_zc_prep_sendmsg(struct uringkit_zc_arena *a,
				       struct io_uring_sqe *sqe, int fd,
				       const struct msghdr *msg,
				       unsigned int flags)
{
	uint32_t id;
	int ret;

	if (!a || !uk_zc_sqe_of_ring(a->ring, sqe))
		return -EINVAL;
	if (!msg || !msg->msg_iovlen ||
	    msg->msg_iovlen > URINGKIT_ZC_MAX_IOVECS)
		ret = -EINVAL;
	else if (!msg->msg_iov)
		ret = -EFAULT;
	else
		ret = uk_zc_begin(a, msg->msg_iov, msg->msg_iovlen, &id);
	if (ret) {
		uk_zc_drop_sqe(a->ring, sqe);
		return ret;
	}
	io_uring_prep_sendmsg_zc_fixed(sqe, fd, msg, flags, a->buf_index);
	io_uring_sqe_set_data64(sqe, uk_zc_user_data(a, id));
	return (int) id;
}

UK_EXPORT int uringkit_zc_prep_send(struct uringkit_zc_arena *a,
				    struct io_uring_sqe *sqe, int fd,
				    const void *buf, size_t len, int flags)
{
	struct iovec iov = { .iov_base = (void *) buf, .iov_len = len };
	uint32_t id;
	int ret;

	if (!a || !uk_zc_sqe_of_ring(a->ring, sqe))
		return -EINVAL;
	if (!len || len > URINGKIT_ZC_ARENA_MAX_SIZE)
		ret = -EINVAL;
	else
		ret = uk_zc_begin(a, &iov, 1, &id);
	if (ret) {
		uk_zc_drop_sqe(a->ring, sqe);
		return ret;
	}
	io_uring_prep_send_zc_fixed(sqe, fd, buf, len, flags, 0, a->buf_index);
	io_uring_sqe_set_data64(sqe, uk_zc_user_data(a, id));
	return (int) id;
}

UK_EXPORT int uringkit_zc_complete(struct uringkit_zc_arena *a,
				   const struct io_uring_cqe *cqe,
				   struct uringkit_zc_event *ev)
{
	__u64 ud = cqe->user_data;
	uint32_t id = (uint32_t) (ud & (UK_ZC_MAX_REQS - 1));
	uint8_t gen = (uint8_t) (ud >> 24);
	struct uk_zc_req *r;
	int ret;

	if ((ud & ~(__u64) 0xffffffff) != a->ud_high)
		return 0;
	if (id >= a->req_cap)
		return -EALREADY;
	r = &a->reqs[id];
	if (r->state == UK_ZC_REQ_FREE || r->gen != gen)
		return -EALREADY;
	if (cqe->flags & IORING_CQE_F_NOTIF) {
		ret = URINGKIT_ZC_DONE;
	} else {
		if (r->state != UK_ZC_REQ_WAIT_RESULT)
			return -EALREADY;
		ret = URINGKIT_ZC_RESULT;
		if (cqe->flags & IORING_CQE_F_MORE)
			r->state = UK_ZC_REQ_WAIT_NOTIF;
		else
			ret |= URINGKIT_ZC_DONE;
	}
	if (ev) {
		ev->id = (int) id;
		ev->res = cqe->res;
	}
	if (ret & URINGKIT_ZC_DONE)
		uk_zc_req_done(a, id);
	return ret;
}

UK_EXPORT unsigned int uringkit_zc_inflight(const struct uringkit_zc_arena *a)
{
	return a ? a->inflight : 0;
}

/* ---- the arena ----------------------------------------------------------- */

/* Map len bytes; with huge, try hugetlb pages first, then THP. */
static int uk_zc_map(void **out, size_t len, bool huge)
{
	int ret;

	if (huge && !uk__mmap(out, len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0))
		return 0;
	ret = uk__mmap(out, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!ret && huge)
		(void) uk__madvise(*out, len, MADV_HUGEPAGE);	/* a hint only */
	return ret;
}

/* Register [base, base + size) as buffer buf_index, the chosen way. */
static int uk_zc_register(struct io_uring *ring, void *base, size_t size,
			  unsigned int buf_index, unsigned int flags)
{
	struct iovec one = { .iov_base = base, .iov_len = size }, *tab;
	__u64 tag = 0;
	int ret;

	/* An update returns how many slots it updated: 1 here. */
	if (flags & URINGKIT_ZC_ARENA_UPDATE) {
		ret = io_uring_register_buffers_update_tag(ring, buf_index,
							   &one, &tag, 1);
		return ret < 0 ? ret : 0;
	}
	if (!buf_index)
		return io_uring_register_buffers(ring, &one, 1);
	/* Empty iovecs ({NULL, 0}) make empty slots of the new table. */
	tab = uk_zc_calloc((size_t) buf_index + 1, sizeof(*tab));
	if (!tab)
		return -ENOMEM;
	tab[buf_index] = one;
	ret = io_uring_register_buffers(ring, tab, buf_index + 1);
	uk_zc_free_mem(tab);
	return ret;
}

static int uk_zc_unregister(struct uringkit_zc_arena *a)
{
	struct iovec none = { .iov_base = NULL, .iov_len = 0 };
	__u64 tag = 0;
	int ret;

	/* A closed ring took its buffers with it. */
	if (a->ring->ring_fd < 0 &&
	    !(a->ring->int_flags & UK_INT_REG_REG_RING))
		return -EBADF;
	if (a->flags & URINGKIT_ZC_ARENA_UPDATE) {
		ret = io_uring_register_buffers_update_tag(a->ring,
							   a->buf_index,
							   &none, &tag, 1);
		return ret < 0 ? ret : 0;
	}
	return io_uring_unregister_buffers(a->ring);
}

UK_EXPORT struct uringkit_zc_arena *uringkit_zc_arena_create(
	struct io_uring *ring, size_t size, unsigned int buf_index,
	unsigned int flags, int *err)
{
	const unsigned int known = URINGKIT_ZC_ARENA_HUGE |
				   URINGKIT_ZC_ARENA_UPDATE;
	struct uringkit_zc_arena *a = NULL;
	size_t unit, map_len;
	void *base;
	int ret;

	if (err)
		*err = 0;
	ret = -EINVAL;
	if (!ring || !size || buf_index > 0xffff || (flags & ~known))
		goto fail;
	ret = -ENOMEM;
	if (size > URINGKIT_ZC_ARENA_MAX_SIZE)
		goto fail;
	unit = (flags & URINGKIT_ZC_ARENA_HUGE) ? UK_ZC_HUGE_SIZE :
						   uk__page_size();
	map_len = uk__align_up(size, unit);

	a = uk_zc_calloc(1, sizeof(*a));
	if (!a)
		goto fail;
	ret = uk_zc_map(&base, map_len, flags & URINGKIT_ZC_ARENA_HUGE);
	if (ret)
		goto fail;
	ret = uk_zc_register(ring, base, map_len, buf_index, flags);
	if (ret) {
		uk__munmap(base, map_len);
		goto fail;
	}
	a->ring = ring;
	a->base = base;
	a->size = map_len;
	a->map_len = map_len;
	a->buf_index = buf_index;
	a->flags = flags;
	a->ud_high = ((__u64) URINGKIT_ZC_USER_DATA_TAG << 48) |
		     ((__u64) (__atomic_add_fetch(&uk_zc_next_arena, 1,
						  __ATOMIC_RELAXED) & 0xffff)
		      << 32);
	a->free_top = UINT32_MAX;
	return a;
fail:
	uk_zc_free_mem(a);
	if (err)
		*err = ret;
	return NULL;
}

UK_EXPORT int uringkit_zc_arena_free(struct uringkit_zc_arena *a,
				     unsigned int flags)
{
	int ret;

	if (!a)
		return 0;
	if (flags & ~URINGKIT_ZC_FREE_FORCE)
		return -EINVAL;
	if (a->inflight && !(flags & URINGKIT_ZC_FREE_FORCE) &&
	    !(a->ring->ring_fd < 0 &&
	      !(a->ring->int_flags & UK_INT_REG_REG_RING)))
		return -EBUSY;
	/*
	 * The kernel holds its own reference to the pinned pages of a
	 * registered buffer for as long as a request uses it, so unmapping
	 * after a forced or failed unregistration hands it no freed memory.
	 */
	ret = uk_zc_unregister(a);
	uk__munmap(a->base, a->map_len);
	for (uint32_t id = 0; id < a->req_cap; id++)
		if (a->reqs[id].nr > UK_ZC_INLINE_REFS)
			uk_zc_free_mem(a->reqs[id].many);
	uk_zc_free_mem(a->reqs);
	uk_zc_free_mem(a->chunks);
	uk_zc_free_mem(a);
	return ret;
}
