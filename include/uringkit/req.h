/* SPDX-License-Identifier: MIT */
/*
 * uringkit extension: a table of the requests in flight on a ring, what
 * each one holds, and cancel-and-drain.
 *
 * Memory a request reads or writes, and the fd it works on, must outlive
 * the request: not its first CQE, its last. For most requests that is the
 * same CQE, but a multishot request posts CQEs (with IORING_CQE_F_MORE)
 * until one without that flag, and a zero-copy send posts its result with
 * F_MORE and later a notification (IORING_CQE_F_NOTIF) once the kernel no
 * longer reads the buffer. The rule that covers them all: a request is
 * over at its first CQE without IORING_CQE_F_MORE.
 *
 * The table records for each request it tracks a callback, a release
 * function, a user pointer and an fd, and releases them exactly once, at
 * the final CQE. uringkit_reqtab_drain() cancels what is in flight (on the
 * whole ring or on one fd), waits with a deadline until every request has
 * posted its final CQE, and says what was still running; a table with
 * requests in flight is never freed behind the kernel's back.
 *
 * The table's capacity is fixed when it is created: tracking and
 * completing allocate nothing. user_data of a tracked request is
 *   bits 63..48  URINGKIT_REQ_USER_DATA_TAG
 *   bits 47..32  the slot's generation
 *   bits 31..0   the request id
 * so the application's own requests (pointers, small integers) never look
 * like the table's. Do not change user_data after uringkit_req_track().
 * A table is not thread-safe: use it on the ring's thread.
 */
#ifndef URINGKIT_REQ_H
#define URINGKIT_REQ_H

#include <stdbool.h>
#include <liburing.h>

#ifdef __cplusplus
extern "C" {
#endif

#define URINGKIT_REQ_USER_DATA_TAG	0xfa5eU
/* Largest capacity of a table. */
#define URINGKIT_REQTAB_MAX		(1U << 24)

struct uringkit_reqtab;

/*
 * Called for every CQE of a tracked request; final is true for its last.
 * The CQE is not yet marked seen.
 */
typedef void (*uringkit_req_cb)(void *user, const struct io_uring_cqe *cqe,
				bool final);
/* Called once, after the final CQE: give back what the request held. */
typedef void (*uringkit_req_release)(void *user);

/* Flag of struct uringkit_req_desc: close fd when the request is released. */
#define URINGKIT_REQ_CLOSE_FD	(1U << 0)

/* What a request holds. Copied by uringkit_req_track(). */
struct uringkit_req_desc {
	uringkit_req_cb cb;		/* NULL: read the event instead */
	uringkit_req_release release;	/* NULL: nothing to give back */
	void *user;
	int fd;				/* the fd it works on, or -1 */
	unsigned int flags;		/* URINGKIT_REQ_CLOSE_FD */
};

/* What uringkit_reqtab_complete() found. */
struct uringkit_req_event {
	int id;
	void *user;
	int res;
	unsigned int cqe_flags;
	bool final;
};

/* Bits of uringkit_reqtab_complete()'s return value. */
#define URINGKIT_REQ_EVENT	(1 << 0)	/* a CQE of a tracked request */
#define URINGKIT_REQ_FINAL	(1 << 1)	/* ... its last: released */
#define URINGKIT_REQ_INTERNAL	(1 << 2)	/* the table's own (a cancel) */

/*
 * A table for up to capacity (1..URINGKIT_REQTAB_MAX) requests in flight
 * on ring. Returns it, or NULL with *err (if not NULL) set to -EINVAL or
 * -ENOMEM.
 */
struct uringkit_reqtab *uringkit_reqtab_create(struct io_uring *ring,
					       unsigned int capacity, int *err);

/*
 * Track the request prepared in sqe (an SQE of the table's ring, not yet
 * submitted) with what d says it holds; sets sqe->user_data. Returns the
 * request id (>= 0), -EINVAL (NULL argument, d->flags unknown, CLOSE_FD
 * with fd < 0) or -ENOSPC (the table is full: the SQE is left as it was).
 */
int uringkit_req_track(struct uringkit_reqtab *t, struct io_uring_sqe *sqe,
		       const struct uringkit_req_desc *d);

/*
 * Dispatch a CQE: 0 if it is not the table's (handle it yourself), else a
 * mix of URINGKIT_REQ_* bits, with *ev (if not NULL) filled for an EVENT.
 * For a tracked request, its callback runs; on its final CQE the callback
 * runs with final set, then release, then the fd is closed if asked, and
 * the id is free for reuse. -ESTALE for a CQE whose request is already
 * released (dispatched twice, or tracked by a freed table). The CQE is not
 * marked seen.
 */
int uringkit_reqtab_complete(struct uringkit_reqtab *t,
			     const struct io_uring_cqe *cqe,
			     struct uringkit_req_event *ev);

/* Requests tracked and not yet released (fd >= 0: only those on fd). */
unsigned int uringkit_reqtab_inflight(const struct uringkit_reqtab *t, int fd);

/*
 * Ask the kernel to cancel every tracked request (fd < 0) or every one on
 * fd: one cancel request per tracked request, by its user_data, submitted
 * at once. Their CQEs are the table's own (URINGKIT_REQ_INTERNAL). The
 * cancelled requests still post their final CQEs, usually with
 * -ECANCELED; a request already running may finish normally. Returns the
 * number of cancel requests submitted, or a negative errno (if the submit
 * failed, cancels already queued go out with the ring's next submission).
 */
int uringkit_reqtab_cancel(struct uringkit_reqtab *t, int fd);

struct uringkit_drain_report {
	unsigned int cancelled;		/* cancel requests issued */
	unsigned int completed;		/* final CQEs reaped by the drain */
	unsigned int still_running;	/* not released at the deadline */
	unsigned int other_cqes;	/* CQEs not the table's */
};

/*
 * Cancel (as uringkit_reqtab_cancel()) and reap CQEs until every request
 * concerned (all, or those on fd) is released or timeout_ms passed.
 * Every CQE reaped is dispatched as by uringkit_reqtab_complete() and
 * marked seen; CQEs that are not the table's go to other(arg, cqe) if
 * other is not NULL, and are counted. Returns 0 when nothing concerned is
 * left, -ETIME when requests are still running at the deadline (see
 * uringkit_reqtab_foreach()), or a negative errno of the ring.
 */
int uringkit_reqtab_drain(struct uringkit_reqtab *t, int fd, int timeout_ms,
			  struct uringkit_drain_report *rep,
			  void (*other)(void *arg, const struct io_uring_cqe *cqe),
			  void *arg);

/*
 * Call fn(arg, id, desc) for each request in flight, in id order, until
 * fn returns non-zero (that value is returned); 0 after the last.
 */
int uringkit_reqtab_foreach(const struct uringkit_reqtab *t,
			    int (*fn)(void *arg, int id,
				      const struct uringkit_req_desc *d),
			    void *arg);

/* Flag of uringkit_reqtab_free(). */
/*
 * Free even with requests in flight: their release functions are NOT
 * called and their fds not closed, so nothing the kernel may still touch
 * is freed by the table (the application leaks it knowingly). Their CQEs
 * still arrive with the table's tag.
 */
#define URINGKIT_REQTAB_ABANDON	(1U << 0)

/*
 * Free the table (NULL allowed). Returns 0, -EBUSY (requests in flight,
 * without URINGKIT_REQTAB_ABANDON: nothing changed), or -EINVAL for
 * unknown flags.
 */
int uringkit_reqtab_free(struct uringkit_reqtab *t, unsigned int flags);

#ifdef __cplusplus
}
#endif

#endif /* URINGKIT_REQ_H */
