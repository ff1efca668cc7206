/* SPDX-License-Identifier: MIT */
/*
 * Submission and completion: publishing SQEs to the kernel and waiting for
 * CQEs. The ordering contract for the shared rings is described once, in
 * include/liburing/queue.h.
 */
#include <string.h>
#include "internal/ring.h"

/*
 * Does the kernel have to be entered to make CQEs visible? Yes with IOPOLL
 * (completions are reaped by polling inside io_uring_enter), when CQEs sit
 * in the overflow list, or when task work must run to post them.
 */
static inline bool cq_needs_flush(const struct io_uring *ring)
{
	return IO_URING_READ_ONCE(*ring->sq.kflags) &
	       (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN);
}

static inline bool cq_needs_enter(const struct io_uring *ring)
{
	return (ring->int_flags & UK_INT_CQ_ENTER) || cq_needs_flush(ring);
}

/*
 * Must io_uring_enter() be called to get `submit` SQEs consumed? Always
 * without SQPOLL. With SQPOLL only when the SQ thread went to sleep, in
 * which case *flags gets IORING_ENTER_SQ_WAKEUP.
 */
static inline bool sq_needs_enter(struct io_uring *ring, unsigned submit,
				     unsigned *flags)
{
	if (!submit)
		return false;
	if (!(ring->flags & IORING_SETUP_SQPOLL))
		return true;
	/*
	 * The tail store (in flush_sq) must be visible before we read the
	 * thread's NEED_WAKEUP flag; the kernel orders its side the same way
	 * (set the flag, full barrier, re-check the tail before sleeping), so
	 * one of us always sees the other.
	 */
	io_uring_smp_mb();
	if (uring_unlikely(IO_URING_READ_ONCE(*ring->sq.kflags) &
			   IORING_SQ_NEED_WAKEUP)) {
		*flags |= IORING_ENTER_SQ_WAKEUP;
		return true;
	}
	return false;
}

/*
 * Publish the SQEs handed out since the last flush by moving the kernel's
 * tail. Returns how many SQEs the kernel has not consumed yet.
 */
static inline unsigned flush_sq(struct io_uring *ring)
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned tail = sq->sqe_tail;
	unsigned head;

	if (sq->sqe_head != tail) {
		sq->sqe_head = tail;
		/* Release: the SQE contents before the tail that covers
		 * them. Only an SQPOLL thread needs it (otherwise the kernel
		 * reads the tail inside our own io_uring_enter()), but on
		 * x86 it is a plain store, so it is not worth a branch. */
		io_uring_smp_store_release(sq->ktail, tail);
	}
	/*
	 * A stale head only makes the count too large, and the kernel
	 * submits what is really there; an exact count would need the SQPOLL
	 * thread to stop. The value read refreshes the inline get_sqe's
	 * cached head (acquire, as that requires).
	 */
	head = io_uring_smp_load_acquire(sq->khead);
	__io_uring_sq_cached_head(sq) = head;
	return tail - head;
}

static int do_submit(struct io_uring *ring, unsigned submitted,
		     unsigned wait_nr, bool getevents)
{
	bool cq_enter = getevents || wait_nr || cq_needs_enter(ring);
	unsigned flags = uk__enter_flags(ring);

	if (sq_needs_enter(ring, submitted, &flags) || cq_enter) {
		if (cq_enter)
			flags |= IORING_ENTER_GETEVENTS;
		return uk__sys_enter2(ring->enter_ring_fd, submitted, wait_nr,
				      flags, NULL, _NSIG / 8);
	}
	return (int) submitted;
}

UK_EXPORT int io_uring_submit(struct io_uring *ring)
{
	return do_submit(ring, flush_sq(ring), 0, false);
}

/*
 * The batch loop's call: publish, then one io_uring_enter() that submits
 * and waits. Without SQPOLL a wait always enters the kernel with
 * GETEVENTS, so that case skips do_submit()'s decisions.
 */
UK_EXPORT int io_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr)
{
	unsigned submit = flush_sq(ring);

	if (uring_unlikely(!wait_nr || (ring->flags & IORING_SETUP_SQPOLL)))
		return do_submit(ring, submit, wait_nr, false);
	return uk__sys_enter2(ring->enter_ring_fd, submit, wait_nr,
			      IORING_ENTER_GETEVENTS | uk__enter_flags(ring),
			      NULL, _NSIG / 8);
}

UK_EXPORT int io_uring_submit_and_get_events(struct io_uring *ring)
{
	return do_submit(ring, flush_sq(ring), 0, true);
}

UK_EXPORT int io_uring_get_events(struct io_uring *ring)
{
	return uk__sys_enter2(ring->enter_ring_fd, 0, 0,
			      IORING_ENTER_GETEVENTS | uk__enter_flags(ring),
			      NULL, _NSIG / 8);
}

UK_EXPORT struct io_uring_sqe *io_uring_get_sqe(struct io_uring *ring)
{
	return _io_uring_get_sqe(ring);
}

UK_EXPORT int __io_uring_sqring_wait(struct io_uring *ring)
{
	return uk__sys_enter2(ring->enter_ring_fd, 0, 0,
			      IORING_ENTER_SQ_WAIT | uk__enter_flags(ring),
			      NULL, _NSIG / 8);
}

/* What one wait asks of the kernel. */
struct wait_args {
	unsigned submit;	/* SQEs published and not yet submitted */
	unsigned wait_nr;	/* CQEs to wait for */
	unsigned enter_flags;	/* extra flags, e.g. IORING_ENTER_EXT_ARG */
	bool has_ts;		/* arg carries a timeout */
	const void *arg;	/* sigset_t * or io_uring_getevents_arg * */
	size_t arg_size;
};

/*
 * The wait loop behind every blocking call: look at the CQ; if it does not
 * hold enough, enter the kernel (submitting what is pending) and look again.
 * Returns, as liburing does: the number of SQEs the first io_uring_enter()
 * submitted (0 if none) with *cqe_ptr set or NULL; -ETIME when a timed wait
 * submitted nothing and no CQE arrived; -EAGAIN when there was nothing to
 * wait for and nothing ready; another -errno when the kernel failed before
 * anything was submitted. A timed wait that submitted SQEs and then timed
 * out returns the count with *cqe_ptr NULL: the caller learns both that the
 * SQEs are in flight and that no CQE came.
 */
static int get_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
		      struct wait_args *w)
{
	struct io_uring_cqe *cqe = NULL;
	bool entered = false;
	int result = 0;

	for (;;) {
		unsigned flags = uk__enter_flags(ring);
		unsigned avail;
		bool enter = false;
		int ret;

		ret = __io_uring_peek_cqe(ring, &cqe, &avail);
		if (ret) {
			if (!result || result > 0)
				result = ret;
			break;
		}
		if (!cqe && !w->wait_nr && !w->submit) {
			/* A peek: enter at most once, and only if the kernel
			 * holds completions we cannot see yet. */
			if (entered || !cq_needs_enter(ring)) {
				result = -EAGAIN;
				break;
			}
			enter = true;
		}
		if (w->wait_nr > avail || enter) {
			flags |= IORING_ENTER_GETEVENTS | w->enter_flags;
			enter = true;
		}
		if (sq_needs_enter(ring, w->submit, &flags))
			enter = true;
		if (!enter)
			break;
		if (entered && w->has_ts) {
			/* The kernel already waited the whole timeout. */
			if (!cqe && !result)
				result = -ETIME;
			break;
		}

		ret = uk__sys_enter2(ring->enter_ring_fd, w->submit, w->wait_nr,
				     flags, w->arg, w->arg_size);
		if (ret < 0) {
			if (ret == -ETIME && cqe)
				break;	/* timed out, but a CQE is ready */
			/* a submit count already earned is not overwritten */
			if (!result)
				result = ret;
			break;
		}
		w->submit -= (unsigned) ret;
		if (!entered)
			result = ret;	/* report what the first call submitted */
		entered = true;
		if (cqe)
			break;
	}
	*cqe_ptr = cqe;
	return result;
}

UK_EXPORT int __io_uring_get_cqe(struct io_uring *ring,
				 struct io_uring_cqe **cqe_ptr,
				 unsigned submit, unsigned wait_nr,
				 sigset_t *sigmask)
{
	struct wait_args w = {
		.submit = submit,
		.wait_nr = wait_nr,
		.arg = sigmask,
		.arg_size = _NSIG / 8,
	};

	return get_cqe(ring, cqe_ptr, &w);
}

/*
 * Kernels before 5.11 cannot take a timeout in io_uring_enter(): queue an
 * IORING_OP_TIMEOUT that completes after ts (or after wait_nr CQEs) so the
 * wait ends. Its CQE carries LIBURING_UDATA_TIMEOUT and is swallowed by
 * __io_uring_peek_cqe(). Returns how many SQEs are now pending.
 */
static int submit_timeout(struct io_uring *ring, unsigned wait_nr,
			     struct __kernel_timespec *ts)
{
	struct io_uring_sqe *sqe = _io_uring_get_sqe(ring);

	if (!sqe) {
		/* Make room by submitting what is queued, then retry. */
		int ret = io_uring_submit(ring);

		if (ret < 0)
			return ret;
		sqe = _io_uring_get_sqe(ring);
		if (!sqe)
			return -EAGAIN;
	}
	io_uring_prep_timeout(sqe, ts, wait_nr, 0);
	sqe->user_data = LIBURING_UDATA_TIMEOUT;
	return (int) flush_sq(ring);
}

/* Wait with a timeout carried in IORING_ENTER_EXT_ARG (5.11+). */
static int wait_ext(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
		       unsigned submit, unsigned wait_nr,
		       struct __kernel_timespec *ts, unsigned min_wait_usec,
		       sigset_t *sigmask)
{
	struct io_uring_getevents_arg arg;
	struct wait_args w = {
		.submit = submit,
		.wait_nr = wait_nr,
		.enter_flags = IORING_ENTER_EXT_ARG,
		.has_ts = ts != NULL,
		.arg = &arg,
		.arg_size = sizeof(arg),
	};

	memset(&arg, 0, sizeof(arg));
	arg.sigmask = (unsigned long) sigmask;
	arg.sigmask_sz = _NSIG / 8;
	arg.min_wait_usec = min_wait_usec;
	arg.ts = (unsigned long) ts;
	return get_cqe(ring, cqe_ptr, &w);
}

UK_EXPORT int io_uring_wait_cqes(struct io_uring *ring,
				 struct io_uring_cqe **cqe_ptr,
				 unsigned wait_nr,
				 struct __kernel_timespec *ts,
				 sigset_t *sigmask)
{
	int submit = 0;

	if (ts) {
		if (ring->features & IORING_FEAT_EXT_ARG)
			return wait_ext(ring, cqe_ptr, 0, wait_nr, ts, 0,
					   sigmask);
		submit = submit_timeout(ring, wait_nr, ts);
		if (submit < 0)
			return submit;
	}
	return __io_uring_get_cqe(ring, cqe_ptr, (unsigned) submit, wait_nr,
				  sigmask);
}

UK_EXPORT int io_uring_wait_cqe_timeout(struct io_uring *ring,
					struct io_uring_cqe **cqe_ptr,
					struct __kernel_timespec *ts)
{
	return io_uring_wait_cqes(ring, cqe_ptr, 1, ts, NULL);
}

UK_EXPORT int io_uring_wait_cqes_min_timeout(struct io_uring *ring,
					     struct io_uring_cqe **cqe_ptr,
					     unsigned wait_nr,
					     struct __kernel_timespec *ts,
					     unsigned int min_wait_usec,
					     sigset_t *sigmask)
{
	if (!(ring->features & IORING_FEAT_MIN_TIMEOUT))
		return -EINVAL;
	return wait_ext(ring, cqe_ptr, 0, wait_nr, ts, min_wait_usec,
			   sigmask);
}

UK_EXPORT int io_uring_submit_and_wait_timeout(struct io_uring *ring,
					       struct io_uring_cqe **cqe_ptr,
					       unsigned wait_nr,
					       struct __kernel_timespec *ts,
					       sigset_t *sigmask)
{
	int submit;

	if (ts && (ring->features & IORING_FEAT_EXT_ARG))
		return wait_ext(ring, cqe_ptr, flush_sq(ring), wait_nr,
				   ts, 0, sigmask);
	if (ts) {
		submit = submit_timeout(ring, wait_nr, ts);
		if (submit < 0)
			return submit;
	} else {
		submit = (int) flush_sq(ring);
	}
	return __io_uring_get_cqe(ring, cqe_ptr, (unsigned) submit, wait_nr,
				  sigmask);
}

UK_EXPORT int io_uring_submit_and_wait_min_timeout(struct io_uring *ring,
						   struct io_uring_cqe **cqe_ptr,
						   unsigned wait_nr,
						   struct __kernel_timespec *ts,
						   unsigned min_wait,
						   sigset_t *sigmask)
{
	if (!(ring->features & IORING_FEAT_MIN_TIMEOUT))
		return -EINVAL;
	return wait_ext(ring, cqe_ptr, flush_sq(ring), wait_nr, ts,
			   min_wait, sigmask);
}

/*
 * Wait with the arguments in slot reg_index of a region registered with
 * io_uring_register_wait_reg() (Linux 6.13, IORING_ENTER_EXT_ARG_REG).
 */
UK_EXPORT int io_uring_submit_and_wait_reg(struct io_uring *ring,
					   struct io_uring_cqe **cqe_ptr,
					   unsigned wait_nr, int reg_index)
{
	struct wait_args w;

	if (reg_index < 0)
		return -EINVAL;
	w = (struct wait_args) {
		.submit = flush_sq(ring),
		.wait_nr = wait_nr,
		.enter_flags = IORING_ENTER_EXT_ARG | IORING_ENTER_EXT_ARG_REG,
		.has_ts = true,
		.arg = (void *) (uintptr_t) ((size_t) reg_index *
					     sizeof(struct io_uring_reg_wait)),
		.arg_size = sizeof(struct io_uring_reg_wait),
	};
	return get_cqe(ring, cqe_ptr, &w);
}

/*
 * Up to count ready CQEs into cqes[], without consuming them; the caller
 * hands them back with io_uring_cq_advance() of their summed
 * io_uring_cqe_nr(). On a CQE_MIXED ring a padding CQE (IORING_CQE_F_SKIP,
 * posted where a 32-byte CQE would have wrapped) at the head is consumed
 * here, and one after real CQEs ends the batch, so that sum always lands
 * exactly after the CQEs returned.
 */
UK_EXPORT unsigned io_uring_peek_batch_cqe(struct io_uring *ring,
					   struct io_uring_cqe **cqes,
					   unsigned count)
{
	const unsigned shift = io_uring_cqe_shift(ring);
	const unsigned mask = ring->cq.ring_mask;
	const bool mixed = ring->flags & IORING_SETUP_CQE_MIXED;
	bool flushed = false;

	if (!count)
		return 0;
	for (;;) {
		unsigned head = *ring->cq.khead;
		unsigned tail = io_uring_smp_load_acquire(ring->cq.ktail);
		struct io_uring_cqe *cqe;
		unsigned n = 0;

		if (head == tail) {
			/* Nothing visible: if the kernel holds completions
			 * back (overflow, pending task work), let it post
			 * them once. */
			if (flushed || !cq_needs_flush(ring))
				return 0;
			io_uring_get_events(ring);
			flushed = true;
			continue;
		}
		if (!mixed) {
			n = tail - head < count ? tail - head : count;
			for (unsigned i = 0; i < n; i++)
				cqes[i] = &ring->cq.cqes[((head + i) & mask) <<
							 shift];
			return n;
		}
		cqe = &ring->cq.cqes[head & mask];
		if (cqe->flags & IORING_CQE_F_SKIP) {
			io_uring_cq_advance(ring, io_uring_cqe_nr(cqe));
			continue;
		}
		/* Signed: a 32-byte CQE may step head past a tail read early. */
		while (n < count && (int) (tail - head) > 0) {
			cqe = &ring->cq.cqes[head & mask];
			if (cqe->flags & IORING_CQE_F_SKIP)
				break;
			cqes[n++] = cqe;
			head += io_uring_cqe_nr(cqe);
		}
		return n;
	}
}
