/* SPDX-License-Identifier: MIT */
/*
 * uringkit: inline io_uring_prep_* helpers for events and request control:
 * poll, timeouts (the plain timeout itself lives in prep.h), cancellation,
 * messages between rings, futexes, waitid and epoll. Included by
 * <liburing.h>.
 *
 * Every helper starts from io_uring_prep_rw(), which writes every field of
 * the 64-byte SQE, and then fills in what its opcode needs. How the kernel
 * reads the SQE for these opcodes (Linux 6.18):
 *
 *   opcode          fd          off            addr           len         word@28         other
 *   POLL_ADD        file        -              -              POLL_ADD_*  poll32_events
 *   POLL_REMOVE     -1          new user_data  old user_data  POLL_UPD_*  poll32_events
 *   TIMEOUT         -1          count          timespec *     1           timeout_flags
 *   TIMEOUT_REMOVE  -1          timespec *     user_data      -           timeout_flags
 *   LINK_TIMEOUT    -1          -              timespec *     1           timeout_flags
 *   ASYNC_CANCEL    fd or -1    -              user_data      -           cancel_flags
 *   MSG_RING        ring fd     user_data      MSG_* command  res         msg_ring_flags  file_index, addr3
 *   FUTEX_WAIT      FUTEX2_*    expected val   futex word *   -           futex_flags     addr3 = mask
 *   FUTEX_WAKE      FUTEX2_*    nr to wake     futex word *   -           futex_flags     addr3 = mask
 *   FUTEX_WAITV     0           -              futex_waitv[]  nr entries  futex_flags     -
 *   WAITID          id          siginfo_t *    -              idtype      waitid_flags    file_index = options
 *   EPOLL_CTL       epoll fd    target fd      epoll_event *  EPOLL_CTL_* -
 *   EPOLL_WAIT      epoll fd    -              epoll_event[]  maxevents   rw_flags
 *
 * POLL_REMOVE also carries poll updates: off holds the new user_data and
 * poll32_events the new mask, each only when len asks for that update
 * (IORING_POLL_UPDATE_USER_DATA / IORING_POLL_UPDATE_EVENTS); otherwise
 * both must be zero. TIMEOUT_REMOVE reads a timespec from off (it is the
 * addr2 field) only for IORING_TIMEOUT_UPDATE / IORING_LINK_TIMEOUT_UPDATE.
 * MSG_RING reads file_index as the destination slot plus one
 * (IORING_MSG_SEND_FD) or as the CQE flags to post
 * (IORING_MSG_RING_FLAGS_PASS), and addr3 as the source fixed-file slot.
 * The futex_flags, waitid_flags and (for EPOLL_WAIT) rw_flags words have
 * no defined bits yet: Linux 6.18 fails a request with a non-zero value
 * there with -EINVAL, so the helpers pass their flags argument through
 * unchanged and callers pass 0.
 *
 * Fields marked "-" are left zero; the kernel rejects many of them with
 * -EINVAL otherwise. IOSQE_* flags (IOSQE_IO_LINK before a link timeout,
 * ...) are set after the prep call, since io_uring_prep_rw() clears them.
 */
#ifndef LIBURING_PREP_EVENT_H
#define LIBURING_PREP_EVENT_H

#ifndef LIB_URING_H
#error "include <liburing.h>, not <liburing/prep_event.h>"
#endif

/*
 * Only pointers to these cross the API; the full definitions come from
 * <sys/epoll.h> and <linux/futex.h> (the latter via liburing/compat.h).
 * A file-scope declaration keeps the prototypes below from declaring a new
 * type of their own.
 */
struct epoll_event;
struct futex_waitv;

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The kernel reads the 32-bit poll mask from poll32_events, and on a
 * big-endian machine swaps its two 16-bit halves first: the field
 * overlays the old 16-bit poll_events, so the low-order event bits must
 * sit in the bytes that poll_events occupies. Pre-swap them here so the
 * kernel's swap restores the caller's mask. (liburing has a helper of this
 * name; it is not part of the documented API.)
 */
static inline unsigned __io_uring_prep_poll_mask(unsigned poll_mask)
	LIBURING_NOEXCEPT
{
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	poll_mask = __swahw32(poll_mask);
#endif
	return poll_mask;
}

/* ---- poll ------------------------------------------------------------- */

/*
 * Wait until fd reports any of the events in poll_mask (POLLIN, POLLOUT,
 * ...); the CQE's res is the mask of events that were ready. One-shot:
 * the request completes with the first event.
 */
IOURINGINLINE void io_uring_prep_poll_add(struct io_uring_sqe *sqe, int fd,
					  unsigned poll_mask)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_POLL_ADD, sqe, fd, NULL, 0, 0);
	sqe->poll32_events = __io_uring_prep_poll_mask(poll_mask);
}

/*
 * Like io_uring_prep_poll_add(), but the poll stays armed: every event
 * posts a CQE flagged IORING_CQE_F_MORE. The final CQE (after a removal
 * or an error) lacks that flag.
 */
IOURINGINLINE void io_uring_prep_poll_multishot(struct io_uring_sqe *sqe,
						int fd, unsigned poll_mask)
	LIBURING_NOEXCEPT
{
	io_uring_prep_poll_add(sqe, fd, poll_mask);
	sqe->len = IORING_POLL_ADD_MULTI;
}

/*
 * Remove the poll request whose user_data is user_data: it completes with
 * -ECANCELED, this request with 0 (-ENOENT when none was found).
 */
IOURINGINLINE void io_uring_prep_poll_remove(struct io_uring_sqe *sqe,
					     __u64 user_data)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_POLL_REMOVE, sqe, -1, NULL, 0, 0);
	sqe->addr = user_data;
}

/*
 * Change a pending poll request found by old_user_data, without removing
 * it: flags is a mix of IORING_POLL_UPDATE_EVENTS (take poll_mask as the
 * new mask), IORING_POLL_UPDATE_USER_DATA (take new_user_data) and
 * IORING_POLL_ADD_MULTI (with UPDATE_EVENTS: become multishot). Values
 * whose update is not asked for must be 0.
 */
IOURINGINLINE void io_uring_prep_poll_update(struct io_uring_sqe *sqe,
					     __u64 old_user_data,
					     __u64 new_user_data,
					     unsigned poll_mask, unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_POLL_REMOVE, sqe, -1, NULL, flags,
			 new_user_data);
	sqe->addr = old_user_data;
	sqe->poll32_events = __io_uring_prep_poll_mask(poll_mask);
}

/* ---- timeouts --------------------------------------------------------- */

/*
 * Cancel the pending timeout whose user_data is user_data: it completes
 * with -ECANCELED. flags must be 0 (a removal takes none).
 */
IOURINGINLINE void io_uring_prep_timeout_remove(struct io_uring_sqe *sqe,
						__u64 user_data, unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_TIMEOUT_REMOVE, sqe, -1, NULL, 0, 0);
	sqe->addr = user_data;
	sqe->timeout_flags = flags;
}

/*
 * Re-arm the pending timeout whose user_data is user_data to expire after
 * *ts (or at *ts with IORING_TIMEOUT_ABS), measured on the clock it was
 * created with. IORING_LINK_TIMEOUT_UPDATE in flags targets a linked
 * timeout instead. IORING_TIMEOUT_UPDATE is added here.
 */
IOURINGINLINE void io_uring_prep_timeout_update(struct io_uring_sqe *sqe,
						struct __kernel_timespec *ts,
						__u64 user_data, unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_TIMEOUT_REMOVE, sqe, -1, NULL, 0,
			 (__u64) (uintptr_t) ts);
	sqe->addr = user_data;
	sqe->timeout_flags = flags | IORING_TIMEOUT_UPDATE;
}

/*
 * A timeout for the request before it in a link chain (that request needs
 * IOSQE_IO_LINK): if *ts passes first, that request is cancelled and this
 * one completes with -ETIME; if that request completes first, this one
 * completes with -ECANCELED. flags: IORING_TIMEOUT_ABS and a clock.
 */
IOURINGINLINE void io_uring_prep_link_timeout(struct io_uring_sqe *sqe,
					      struct __kernel_timespec *ts,
					      unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_LINK_TIMEOUT, sqe, -1, ts, 1, 0);
	sqe->timeout_flags = flags;
}

/* ---- cancellation ----------------------------------------------------- */

/*
 * Cancel requests in flight that match: by default the first one whose
 * user_data equals user_data. flags (IORING_ASYNC_CANCEL_*) widen the
 * match: ALL (every match; res is then their count), ANY (any request),
 * FD / FD_FIXED (by file, see io_uring_prep_cancel_fd()), OP (by opcode,
 * read from len, which these helpers leave 0: IORING_OP_NOP).
 */
IOURINGINLINE void io_uring_prep_cancel64(struct io_uring_sqe *sqe,
					  __u64 user_data, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_ASYNC_CANCEL, sqe, -1, NULL, 0, 0);
	sqe->addr = user_data;
	sqe->cancel_flags = (__u32) flags;
}

/* io_uring_prep_cancel64() for requests whose user_data is a pointer. */
IOURINGINLINE void io_uring_prep_cancel(struct io_uring_sqe *sqe,
					void *user_data, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_cancel64(sqe, (__u64) (uintptr_t) user_data, flags);
}

/*
 * Cancel requests working on file fd (a fixed-file index with
 * IORING_ASYNC_CANCEL_FD_FIXED in flags); IORING_ASYNC_CANCEL_FD is added
 * here. With IORING_ASYNC_CANCEL_ALL every such request is cancelled.
 */
IOURINGINLINE void io_uring_prep_cancel_fd(struct io_uring_sqe *sqe, int fd,
					   unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_ASYNC_CANCEL, sqe, fd, NULL, 0, 0);
	sqe->cancel_flags = (__u32) flags | IORING_ASYNC_CANCEL_FD;
}

/* ---- messages between rings ------------------------------------------- */

/*
 * Post a CQE into the ring whose fd is fd, with res = len and
 * user_data = data (IORING_MSG_DATA). flags: IORING_MSG_RING_CQE_SKIP
 * (no CQE on the target; only useful for fd passing) or
 * IORING_MSG_RING_FLAGS_PASS (see io_uring_prep_msg_ring_cqe_flags()).
 */
IOURINGINLINE void io_uring_prep_msg_ring(struct io_uring_sqe *sqe, int fd,
					  unsigned int len, __u64 data,
					  unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MSG_RING, sqe, fd, NULL, len, data);
	sqe->msg_ring_flags = flags;
}

/*
 * io_uring_prep_msg_ring() whose target CQE also carries cqe_flags in its
 * flags field (6.3): IORING_MSG_RING_FLAGS_PASS is added here, and the
 * kernel takes the flags from file_index.
 */
IOURINGINLINE void io_uring_prep_msg_ring_cqe_flags(struct io_uring_sqe *sqe,
						    int fd, unsigned int len,
						    __u64 data,
						    unsigned int flags,
						    unsigned int cqe_flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MSG_RING, sqe, fd, NULL, len, data);
	sqe->msg_ring_flags = IORING_MSG_RING_FLAGS_PASS | flags;
	sqe->file_index = cqe_flags;
}

/*
 * Install fixed file source_fd of the submitting ring into slot target_fd
 * of the fixed file table of the ring fd (IORING_MSG_SEND_FD, 6.0). The
 * target gets a CQE with user_data = data unless flags holds
 * IORING_MSG_RING_CQE_SKIP. target_fd IORING_FILE_INDEX_ALLOC lets the
 * kernel pick a free slot, which both CQEs then report in res.
 */
IOURINGINLINE void io_uring_prep_msg_ring_fd(struct io_uring_sqe *sqe, int fd,
					     int source_fd, int target_fd,
					     __u64 data, unsigned int flags)
	LIBURING_NOEXCEPT
{
	unsigned int slot = (unsigned int) target_fd;

	io_uring_prep_rw(IORING_OP_MSG_RING, sqe, fd, NULL, 0, data);
	sqe->addr = IORING_MSG_SEND_FD;
	sqe->addr3 = (__u64) (__s64) source_fd;
	__io_uring_set_direct_slot(sqe, slot);
	sqe->msg_ring_flags = flags;
}

/* io_uring_prep_msg_ring_fd() into a slot the kernel allocates. */
IOURINGINLINE void io_uring_prep_msg_ring_fd_alloc(struct io_uring_sqe *sqe,
						   int fd, int source_fd,
						   __u64 data, unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_msg_ring_fd(sqe, fd, source_fd,
				  (int) IORING_FILE_INDEX_ALLOC, data, flags);
}

/* ---- futexes (6.7) ---------------------------------------------------- */

/*
 * Wake up to val waiters on the futex word at futex whose wait mask
 * shares a bit with mask (FUTEX_BITSET_MATCH_ANY: all). futex_flags are
 * futex2 flags (FUTEX2_SIZE_U32, FUTEX2_PRIVATE, ...), carried in fd;
 * flags must be 0. res is the number of waiters woken.
 */
IOURINGINLINE void io_uring_prep_futex_wake(struct io_uring_sqe *sqe,
					    uint32_t *futex, uint64_t val,
					    uint64_t mask, uint32_t futex_flags,
					    unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FUTEX_WAKE, sqe, (int) futex_flags, futex,
			 0, val);
	/* futex_flags is a 6.7 name; rw_flags is the same word */
	__io_uring_set_op_flags(sqe, flags);
	sqe->addr3 = mask;
}

/*
 * Sleep on the futex word at futex while it holds val, until a wake whose
 * mask shares a bit with mask (which must not be 0). Completes with 0
 * when woken, -EAGAIN at once if the word differs from val. There is no
 * timeout argument: link a timeout (io_uring_prep_link_timeout()).
 */
IOURINGINLINE void io_uring_prep_futex_wait(struct io_uring_sqe *sqe,
					    uint32_t *futex, uint64_t val,
					    uint64_t mask, uint32_t futex_flags,
					    unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FUTEX_WAIT, sqe, (int) futex_flags, futex,
			 0, val);
	__io_uring_set_op_flags(sqe, flags);
	sqe->addr3 = mask;
}

/*
 * Sleep on nr_futex futex words at once (futex_waitv(2)): each entry
 * names a word, its expected value and its futex2 flags. res is the index
 * of the entry that was woken. flags must be 0.
 */
IOURINGINLINE void io_uring_prep_futex_waitv(struct io_uring_sqe *sqe,
					     struct futex_waitv *futex,
					     uint32_t nr_futex,
					     unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FUTEX_WAITV, sqe, 0, futex, nr_futex, 0);
	__io_uring_set_op_flags(sqe, flags);
}

/* ---- processes (6.7) -------------------------------------------------- */

/*
 * waitid(2): wait for a state change (options: WEXITED, WSTOPPED, ...,
 * WNOHANG) of the child(ren) selected by idtype and id, and fill *infop.
 * res is 0 (or -errno). flags must be 0.
 */
IOURINGINLINE void io_uring_prep_waitid(struct io_uring_sqe *sqe,
					idtype_t idtype, id_t id,
					siginfo_t *infop, int options,
					unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_WAITID, sqe, (int) id, NULL,
			 (unsigned) idtype, (__u64) (uintptr_t) infop);
	/* waitid_flags is a 6.7 name; rw_flags is the same word */
	__io_uring_set_op_flags(sqe, flags);
	sqe->file_index = (__u32) options;
}

/* ---- epoll ------------------------------------------------------------ */

/*
 * epoll_ctl(2) on the epoll instance epfd: op (EPOLL_CTL_ADD, _MOD, _DEL)
 * for file fd; the kernel copies *ev at submission for ADD and MOD.
 */
IOURINGINLINE void io_uring_prep_epoll_ctl(struct io_uring_sqe *sqe, int epfd,
					   int fd, int op,
					   struct epoll_event *ev)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_EPOLL_CTL, sqe, epfd, ev, (__u32) op,
			 (__u32) fd);
}

/*
 * epoll_wait(2) on epoll instance fd (6.15): completes when at least one
 * event is ready, with up to maxevents of them stored at events and res
 * their count. flags must be 0.
 */
IOURINGINLINE void io_uring_prep_epoll_wait(struct io_uring_sqe *sqe, int fd,
					    struct epoll_event *events,
					    int maxevents, unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_EPOLL_WAIT, sqe, fd, events,
			 (__u32) maxevents, 0);
	sqe->rw_flags = (__kernel_rwf_t) flags;
}

#ifdef __cplusplus
}
#endif

#endif
