/* SPDX-License-Identifier: MIT */
/*
 * uringkit extension: wake a thread blocked on its ring from any thread.
 *
 * A thread that sleeps in io_uring_wait_cqe() wakes when a CQE arrives.
 * Another thread cannot simply submit a NOP on that ring when it was set
 * up with IORING_SETUP_SINGLE_ISSUER (only the owner may submit) or
 * IORING_SETUP_DEFER_TASKRUN (only the owner runs completions). A waker
 * posts a CQE into the target ring from outside, by the first of these
 * the kernel allows:
 *   URINGKIT_WAKE_SYNC_MSG  a message sent without any ring
 *                           (IORING_REGISTER_SEND_MSG_RING, Linux 6.13);
 *   URINGKIT_WAKE_MSG_RING  IORING_OP_MSG_RING submitted on a small helper
 *                           ring the waker owns, under a mutex (5.18);
 *   URINGKIT_WAKE_EVENTFD   an eventfd the target ring polls (multishot
 *                           poll, re-armed when it ends); the waker writes
 *                           to it.
 * Every wake becomes a CQE carrying the waker's user_data; a wake sent
 * while the target is not waiting stays in its CQ, so no wake is lost.
 * With EVENTFD, wakes sent close together may share one CQE: the count
 * says how many it stands for. No thread is created.
 */
#ifndef URINGKIT_WAKE_H
#define URINGKIT_WAKE_H

#include <liburing.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How a waker reaches its ring (0 = the best the kernel allows). */
enum uringkit_wake_mode {
	URINGKIT_WAKE_SYNC_MSG = 1,
	URINGKIT_WAKE_MSG_RING,
	URINGKIT_WAKE_EVENTFD,
};

struct uringkit_wake;

/*
 * Create a waker for target, whose CQEs it marks with user_data (any value
 * the application's own requests do not use). Call it from the thread
 * that owns target: in EVENTFD mode it arms the poll on target and
 * submits (what else is queued is submitted too). mode is 0 or one of
 * enum uringkit_wake_mode. Returns the waker, or NULL with *err (if err
 * is not NULL) set: -EINVAL (target NULL, unknown mode, or target's fd
 * closed with io_uring_close_ring_fd()), -EOPNOTSUPP (the kernel lacks the
 * mode asked for), -ENOMEM, or what setting up the helper ring or the
 * eventfd returned. Nothing is left behind on failure.
 */
struct uringkit_wake *uringkit_wake_create(struct io_uring *target,
					   __u64 user_data, int mode,
					   int *err);

/* The mode the waker uses (enum uringkit_wake_mode). */
int uringkit_wake_mode(const struct uringkit_wake *w);

/*
 * Wake the target: post one CQE into its ring (or add one to the eventfd
 * count). Safe from any thread, any number at once. Returns 0 or a
 * negative errno (-EINVAL for w NULL; -EOVERFLOW if the target's CQ and
 * its overflow list cannot take the CQE; what the kernel returned).
 */
int uringkit_wake_send(struct uringkit_wake *w);

/*
 * On the target's thread, for each CQE reaped: returns 0 if cqe is not
 * this waker's (handle it yourself), 1 if it is, with *wakes (if not
 * NULL) set to the number of wakes it stands for (1 in the message modes;
 * the eventfd count, possibly 0, in EVENTFD mode), or a negative errno if
 * it is this waker's but re-arming the eventfd poll failed (call again
 * with the same CQE to retry). Do not mark the CQE seen before calling.
 */
int uringkit_wake_handle(struct uringkit_wake *w,
			 const struct io_uring_cqe *cqe,
			 unsigned long long *wakes);

/*
 * Free the waker (NULL is allowed), on the target's thread, while no other
 * thread may still call uringkit_wake_send() on it. In EVENTFD mode the
 * poll is cancelled; its last CQE (res -ECANCELED) may still arrive on the
 * ring and carries the waker's user_data: skip it. Returns 0 or a
 * negative errno from the cancellation (the waker is freed regardless).
 */
int uringkit_wake_free(struct uringkit_wake *w);

#ifdef __cplusplus
}
#endif

#endif /* URINGKIT_WAKE_H */
