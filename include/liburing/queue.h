/* SPDX-License-Identifier: MIT */
/*
 * uringkit: inline SQ/CQ fast paths. Included by <liburing.h>; not meant to
 * be included on its own.
 *
 * Ordering contract (see barrier.h):
 *  - SQ: we own the tail. SQEs are filled, then the library publishes the
 *    tail at submit time with a release store (needed when an SQPOLL thread
 *    reads it concurrently; without SQPOLL the kernel reads it inside our
 *    own io_uring_enter(), and on x86 a release store is a plain store, so
 *    it is not made conditional). With SQPOLL the library then issues a
 *    full barrier before reading IORING_SQ_NEED_WAKEUP (src/queue.c).
 *  - The kernel owns the SQ head. It is read with acquire wherever SQE
 *    slots are about to be refilled (an SQPOLL thread must be done reading
 *    them); without SQPOLL it only moves inside io_uring_enter() on our own
 *    thread, and on x86 acquire is a plain load, so the fast path does not
 *    test for SQPOLL. get_sqe works from a cached old value of the head
 *    (ring->sq.pad[], see __io_uring_get_sqe_slow) and reads the kernel's
 *    only when that says the SQ is full: an old head understates the room,
 *    never overstates it.
 *  - CQ: the kernel owns the tail (acquire before reading CQEs); we own the
 *    head and hand CQEs back with a release store once we are done reading.
 *    io_uring_for_each_cqe reads the tail with acquire when it starts and
 *    again whenever its head catches up with the last value it read.
 */
#ifndef LIBURING_QUEUE_H
#define LIBURING_QUEUE_H

#ifndef LIB_URING_H
#error "include <liburing.h>, not <liburing/queue.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* log2 of the SQE size in 64-byte units: 1 with IORING_SETUP_SQE128. */
IOURINGINLINE unsigned io_uring_sqe_shift_from_flags(unsigned flags)
	LIBURING_NOEXCEPT
{
	return !!(flags & IORING_SETUP_SQE128);
}

IOURINGINLINE unsigned io_uring_sqe_shift(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return io_uring_sqe_shift_from_flags(ring->flags);
}

/* log2 of the CQE size in 16-byte units: 1 with IORING_SETUP_CQE32. */
IOURINGINLINE unsigned io_uring_cqe_shift_from_flags(unsigned flags)
	LIBURING_NOEXCEPT
{
	return !!(flags & IORING_SETUP_CQE32);
}

IOURINGINLINE unsigned io_uring_cqe_shift(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return io_uring_cqe_shift_from_flags(ring->flags);
}

/* Slots a CQE occupies: 2 for a 32-byte CQE in an IORING_SETUP_CQE_MIXED ring. */
IOURINGINLINE unsigned io_uring_cqe_nr(const struct io_uring_cqe *cqe)
	LIBURING_NOEXCEPT
{
	return 1U << !!(cqe->flags & IORING_CQE_F_32);
}

IOURINGINLINE unsigned io_uring_cqe_index(const struct io_uring *ring,
					  unsigned ptr, unsigned mask)
	LIBURING_NOEXCEPT
{
	return (ptr & mask) << io_uring_cqe_shift(ring);
}

/* Hand nr CQ slots back to the kernel. */
IOURINGINLINE void io_uring_cq_advance(struct io_uring *ring, unsigned nr)
	LIBURING_NOEXCEPT
{
	if (nr) {
		struct io_uring_cq *cq = &ring->cq;

		/* Release: our reads of the CQEs complete before the kernel
		 * may overwrite their slots. */
		io_uring_smp_store_release(cq->khead, *cq->khead + nr);
	}
}

/*
 * Slots the CQE takes in this ring. Only a CQE_MIXED ring has two-slot
 * CQEs: elsewhere IORING_CQE_F_32 / F_SKIP mean nothing to the ring (and
 * can arrive in cqe->flags from another ring via MSG_RING's FLAGS_PASS).
 */
IOURINGINLINE unsigned __io_uring_cqe_slots(const struct io_uring *ring,
					    const struct io_uring_cqe *cqe)
	LIBURING_NOEXCEPT
{
	if (uring_likely(!(ring->flags & IORING_SETUP_CQE_MIXED)))
		return 1;
	return io_uring_cqe_nr(cqe);
}

/* Mark one CQE (from peek/wait) as consumed. */
IOURINGINLINE void io_uring_cqe_seen(struct io_uring *ring,
				     struct io_uring_cqe *cqe)
	LIBURING_NOEXCEPT
{
	if (cqe)
		io_uring_cq_advance(ring, __io_uring_cqe_slots(ring, cqe));
}

IOURINGINLINE void io_uring_sqe_set_data(struct io_uring_sqe *sqe, void *data)
	LIBURING_NOEXCEPT
{
	sqe->user_data = (unsigned long) data;
}

IOURINGINLINE void *io_uring_cqe_get_data(const struct io_uring_cqe *cqe)
	LIBURING_NOEXCEPT
{
	return (void *) (uintptr_t) cqe->user_data;
}

IOURINGINLINE void io_uring_sqe_set_data64(struct io_uring_sqe *sqe,
					   __u64 data)
	LIBURING_NOEXCEPT
{
	sqe->user_data = data;
}

IOURINGINLINE __u64 io_uring_cqe_get_data64(const struct io_uring_cqe *cqe)
	LIBURING_NOEXCEPT
{
	return cqe->user_data;
}

#define LIBURING_HAVE_DATA64

IOURINGINLINE void io_uring_sqe_set_flags(struct io_uring_sqe *sqe,
					  unsigned flags)
	LIBURING_NOEXCEPT
{
	sqe->flags = (__u8) flags;
}

IOURINGINLINE void io_uring_sqe_set_buf_group(struct io_uring_sqe *sqe,
					      int bgid)
	LIBURING_NOEXCEPT
{
	sqe->buf_group = (__u16) bgid;
}

/* ---- liburing 2.16's ring-state helpers (parity block) ---- */

/*
 * The kernel's SQ head, read as the ring needs: with SQPOLL the kernel
 * thread moves it concurrently, so acquire (the SQEs below it are no longer
 * read by the kernel once we see it); without SQPOLL it only moves inside
 * our own io_uring_enter(), so a plain load is enough.
 */
IOURINGINLINE unsigned io_uring_load_sq_head(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	if (ring->flags & IORING_SETUP_SQPOLL)
		return io_uring_smp_load_acquire(ring->sq.khead);
	return *ring->sq.khead;
}

/*
 * Is cqe, the CQE at the head of the CQ, one the application must never
 * see? Two kinds are: a padding CQE of an IORING_SETUP_CQE_MIXED ring
 * (IORING_CQE_F_SKIP; elsewhere the flag means nothing to the ring), and,
 * on a kernel without IORING_FEAT_EXT_ARG, the CQE of the library's own
 * timeout request (user_data LIBURING_UDATA_TIMEOUT). Such a CQE is
 * consumed here. Returns true when it was, so the caller looks at the next
 * head; false for a CQE to hand out (not consumed), and also when the
 * internal timeout failed: then *err (0 on entry) gets its res.
 */
IOURINGINLINE bool io_uring_skip_cqe(struct io_uring *ring,
				     struct io_uring_cqe *cqe, int *err)
	LIBURING_NOEXCEPT
{
	if (!(cqe->flags & IORING_CQE_F_SKIP) ||
	    !(ring->flags & IORING_SETUP_CQE_MIXED)) {
		if (uring_likely(ring->features & IORING_FEAT_EXT_ARG))
			return false;
		if (cqe->user_data != LIBURING_UDATA_TIMEOUT)
			return false;
		if (cqe->res < 0)
			*err = cqe->res;
	}
	io_uring_cq_advance(ring, __io_uring_cqe_slots(ring, cqe));
	return !*err;
}

/* ---- end of the parity block ---- */

/* SQEs handed out by io_uring_get_sqe() and not yet consumed by the kernel. */
IOURINGINLINE unsigned io_uring_sq_ready(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return ring->sq.sqe_tail - io_uring_load_sq_head(ring);
}

IOURINGINLINE unsigned io_uring_sq_space_left(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return ring->sq.ring_entries - io_uring_sq_ready(ring);
}

/* With SQPOLL: block until the SQ thread has made room. */
IOURINGINLINE int io_uring_sqring_wait(struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	if (!(ring->flags & IORING_SETUP_SQPOLL))
		return 0;
	if (io_uring_sq_space_left(ring))
		return 0;
	return __io_uring_sqring_wait(ring);
}

/* CQEs posted by the kernel and not yet consumed. */
IOURINGINLINE unsigned io_uring_cq_ready(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return io_uring_smp_load_acquire(ring->cq.ktail) - *ring->cq.khead;
}

/* True when completions are waiting in the kernel's overflow list. */
IOURINGINLINE bool io_uring_cq_has_overflow(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return IO_URING_READ_ONCE(*ring->sq.kflags) & IORING_SQ_CQ_OVERFLOW;
}

IOURINGINLINE bool io_uring_cq_eventfd_enabled(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	if (!ring->cq.kflags)
		return true;
	return !(*ring->cq.kflags & IORING_CQ_EVENTFD_DISABLED);
}

IOURINGINLINE int io_uring_cq_eventfd_toggle(struct io_uring *ring,
					     bool enabled)
	LIBURING_NOEXCEPT
{
	unsigned flags;

	if (!!enabled == io_uring_cq_eventfd_enabled(ring))
		return 0;
	if (!ring->cq.kflags)
		return -EOPNOTSUPP;
	flags = *ring->cq.kflags;
	if (enabled)
		flags &= ~IORING_CQ_EVENTFD_DISABLED;
	else
		flags |= IORING_CQ_EVENTFD_DISABLED;
	IO_URING_WRITE_ONCE(*ring->cq.kflags, flags);
	return 0;
}

/*
 * Look at the CQ without entering the kernel. Returns 0 with *cqe_ptr set to
 * the first CQE (or NULL if none); *nr_available (optional) gets the count.
 * Internal timeout CQEs of the pre-5.11 fallback are consumed here; a
 * padding CQE of a mixed-size CQ (IORING_CQE_F_SKIP) is skipped.
 */
IOURINGINLINE int __io_uring_peek_cqe(struct io_uring *ring,
				      struct io_uring_cqe **cqe_ptr,
				      unsigned *nr_available)
	LIBURING_NOEXCEPT
{
	const unsigned mask = ring->cq.ring_mask;
	const unsigned shift = io_uring_cqe_shift(ring);
	struct io_uring_cqe *cqe;
	unsigned head, tail;
	int err = 0;

	for (;;) {
		tail = io_uring_smp_load_acquire(ring->cq.ktail);
		head = *ring->cq.khead;
		if (tail == head) {
			cqe = NULL;
			break;
		}
		cqe = &ring->cq.cqes[(head & mask) << shift];
		if (uring_unlikely(io_uring_skip_cqe(ring, cqe, &err)))
			continue;
		if (err)
			cqe = NULL;	/* the failed internal timeout, consumed */
		break;
	}
	*cqe_ptr = cqe;
	if (nr_available)
		*nr_available = tail - head;
	return err;
}

/* Wait until wait_nr CQEs are ready; *cqe_ptr gets the first. */
IOURINGINLINE int io_uring_wait_cqe_nr(struct io_uring *ring,
				       struct io_uring_cqe **cqe_ptr,
				       unsigned wait_nr)
	LIBURING_NOEXCEPT
{
	return __io_uring_get_cqe(ring, cqe_ptr, 0, wait_nr, NULL);
}

/* Non-blocking: 0 and a CQE, or -EAGAIN when none is ready. */
IOURINGINLINE int io_uring_peek_cqe(struct io_uring *ring,
				    struct io_uring_cqe **cqe_ptr)
	LIBURING_NOEXCEPT
{
	if (!__io_uring_peek_cqe(ring, cqe_ptr, NULL) && *cqe_ptr)
		return 0;
	return io_uring_wait_cqe_nr(ring, cqe_ptr, 0);
}

/* Blocking: 0 and a CQE, or a negative errno. */
IOURINGINLINE int io_uring_wait_cqe(struct io_uring *ring,
				    struct io_uring_cqe **cqe_ptr)
	LIBURING_NOEXCEPT
{
	if (!__io_uring_peek_cqe(ring, cqe_ptr, NULL) && *cqe_ptr)
		return 0;
	return io_uring_wait_cqe_nr(ring, cqe_ptr, 1);
}

/*
 * The SQ fast path's cache, in the two spare words of struct io_uring_sq:
 *   pad[0]  a value the kernel's SQ head had. The head only moves forward,
 *           so an old value can only understate the free room.
 *   pad[1]  the SQ's entries when the cache may be used (a ring of 64-byte
 *           SQEs whose pad[0] has been set), else 0.
 * get_sqe takes the fast path only when tail - pad[0] < pad[1], so a
 * zeroed cache (a fresh ring, or one remapped by io_uring_resize_rings())
 * always sends it to the slow path, which reads the kernel's head and
 * fills the cache in. SQE128 rings keep pad[1] at 0 and always take the
 * slow path, so the fast path never shifts. Code built against other
 * liburing headers advances sqe_tail without touching the cache, which
 * only makes the cache more conservative. The one rule for the rest of the
 * library: whatever sets up or remaps the rings leaves the pads zeroed.
 */
#define __io_uring_sq_cached_head(sq)		((sq)->pad[0])
#define __io_uring_sq_cached_entries(sq)	((sq)->pad[1])

/* get_sqe when the cache cannot vouch for a free 64-byte SQE. */
IOURINGINLINE struct io_uring_sqe *
__io_uring_get_sqe_slow(struct io_uring *ring) LIBURING_NOEXCEPT
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned tail = sq->sqe_tail;
	unsigned shift = io_uring_sqe_shift(ring);
	/* Acquire: an SQPOLL thread has finished reading the SQEs below
	 * head before we refill their slots. */
	unsigned head = io_uring_smp_load_acquire(sq->khead);

	__io_uring_sq_cached_head(sq) = head;
	__io_uring_sq_cached_entries(sq) = shift ? 0 : sq->ring_entries;
	if (tail - head >= sq->ring_entries)
		return NULL;
	sq->sqe_tail = tail + 1;
	return &sq->sqes[(tail & sq->ring_mask) << shift];
}

/*
 * Hand out the next free SQE, or NULL when the SQ is full. The caller must
 * fill every field it relies on (the prep helpers do); nothing reaches the
 * kernel before the next submit.
 */
IOURINGINLINE struct io_uring_sqe *_io_uring_get_sqe(struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned tail = sq->sqe_tail;

	if (uring_unlikely(tail - __io_uring_sq_cached_head(sq) >=
			   __io_uring_sq_cached_entries(sq)))
		return __io_uring_get_sqe_slow(ring);
	sq->sqe_tail = tail + 1;
	/* A live ring always has its SQEs mapped; saying so lets the
	 * compiler drop the caller's NULL test on the fast path. */
	if (!sq->sqes)
		__builtin_unreachable();
	return &sq->sqes[tail & sq->ring_mask];
}

#ifndef LIBURING_INTERNAL
IOURINGINLINE struct io_uring_sqe *io_uring_get_sqe(struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return _io_uring_get_sqe(ring);
}
#else
struct io_uring_sqe *io_uring_get_sqe(struct io_uring *ring) LIBURING_NOEXCEPT;
#endif

/*
 * Zero the SQE fields that no prep argument fills (flags, ioprio, op flags,
 * buffer index, personality, file index, addr3). io_uring_prep_rw() starts
 * with this; code that fills an SQE by hand should too.
 */
IOURINGINLINE void io_uring_initialize_sqe(struct io_uring_sqe *sqe)
	LIBURING_NOEXCEPT
{
	sqe->flags = 0;
	sqe->ioprio = 0;
	sqe->rw_flags = 0;
	sqe->buf_index = 0;
	sqe->personality = 0;
	sqe->file_index = 0;
	sqe->addr3 = 0;
	sqe->__pad2[0] = 0;
}

/*
 * A snapshot iterator over the ready CQEs (liburing 2.15): the tail is read
 * once, with acquire, when the iterator is made; io_uring_cqe_iter_next()
 * then walks up to it with no further barrier. Consume what was visited with
 * io_uring_cq_advance(ring, iter.head - *ring->cq.khead). shift is in CQ
 * slots (1 for CQE32 rings); a 32-byte CQE of a CQE_MIXED ring takes two.
 */
struct io_uring_cqe_iter {
	struct io_uring_cqe *cqes;
	unsigned mask;
	unsigned shift;
	unsigned head;
	unsigned tail;
};

IOURINGINLINE struct io_uring_cqe_iter
io_uring_cqe_iter_init(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	struct io_uring_cqe_iter it;

	it.cqes = ring->cq.cqes;
	it.mask = ring->cq.ring_mask;
	it.shift = io_uring_cqe_shift(ring);
	it.head = *ring->cq.khead;
	it.tail = io_uring_smp_load_acquire(ring->cq.ktail);
	return it;
}

IOURINGINLINE bool io_uring_cqe_iter_next(struct io_uring_cqe_iter *iter,
					  struct io_uring_cqe **cqe)
	LIBURING_NOEXCEPT
{
	struct io_uring_cqe *c;

	/* Signed: a two-slot CQE may step head past a tail read early. */
	if ((int) (iter->tail - iter->head) <= 0)
		return false;
	c = &iter->cqes[(iter->head & iter->mask) << iter->shift];
	iter->head += io_uring_cqe_nr(c);
	*cqe = c;
	return true;
}

/*
 * Walk the CQEs that are ready without consuming them, oldest first; follow
 * with io_uring_cq_advance(ring, n) for the n slots visited. head (an
 * unsigned of the caller's) is the cursor, the iterator holds the CQ's
 * geometry and the last tail read, so that the loop keeps them in
 * registers whatever its body stores. cqe is NULL once the loop has ended
 * on an empty CQ. The rings must not be resized inside the loop.
 */
#define io_uring_for_each_cqe(ring, head, cqe)				\
	for (struct io_uring_cqe_iter __io_uring_cq =			\
		((head) = *(ring)->cq.khead, io_uring_cqe_iter_init(ring)); \
	     ((cqe) = __io_uring_cq_walk(ring, &__io_uring_cq, head)) != NULL; \
	     (head) += __io_uring_cqe_slots(ring, cqe))

/*
 * io_uring_for_each_cqe's step: the CQE at head, or NULL once head has
 * caught up with the kernel's tail. The tail is read again (acquire) only
 * when head reaches the last value read, so the loop costs one compare per
 * CQE and still ends only on an empty CQ.
 */
IOURINGINLINE struct io_uring_cqe *
__io_uring_cq_walk(const struct io_uring *ring, struct io_uring_cqe_iter *it,
		   unsigned head) LIBURING_NOEXCEPT
{
	const unsigned shift = it->shift + 4;	/* log2 of a slot's bytes */
	struct io_uring_cqe *cqe;

	if (uring_unlikely(head == it->tail)) {
		it->tail = io_uring_smp_load_acquire(ring->cq.ktail);
		if (head == it->tail)
			return NULL;
	}
	/* (head & mask) << shift, as a shift and a loop-invariant mask */
	cqe = (struct io_uring_cqe *) (void *) ((char *) it->cqes +
		(((size_t) head << shift) & ((size_t) it->mask << shift)));
	/* No CQ slot is at address 0: lets the loop drop its NULL test. */
	if (!cqe)
		__builtin_unreachable();
	return cqe;
}

IOURINGINLINE int io_uring_opcode_supported(const struct io_uring_probe *p,
					    int op)
	LIBURING_NOEXCEPT
{
	/* ops[] holds ops_len entries, fewer than last_op + 1 when the
	 * probe was registered with a short array */
	if (op < 0 || op > p->last_op || op >= p->ops_len)
		return 0;
	return (p->ops[op].flags & IO_URING_OP_SUPPORTED) != 0;
}

#ifdef __cplusplus
}
#endif

#endif
