/* SPDX-License-Identifier: MIT */
/*
 * Cross-thread wakeups for SINGLE_ISSUER / DEFER_TASKRUN rings. See
 * include/uringkit/wake.h and uringkit_wake(3).
 *
 * libc's allocator and pthread calls may set errno; every call into libc
 * that can saves and restores it, so the library never changes errno.
 */
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include "internal/ring.h"
#include "uringkit/sqe.h"
#include "uringkit/wake.h"

struct uringkit_wake {
	struct io_uring *target;
	int target_fd;
	int mode;
	__u64 user_data;
	int efd;			/* EVENTFD */
	bool armed;			/* EVENTFD: the poll is in flight */
	pthread_mutex_t lock;		/* MSG_RING: guards helper */
	struct io_uring helper;		/* MSG_RING */
};

/*
 * Whether the kernel knows the ring-less message (6.13): 0 if it does (it
 * answers -EBADF for target fd -1), -EOPNOTSUPP if it does not (an opcode
 * it does not know: -EINVAL), or another error of the call (-ENOMEM ...),
 * which says nothing about the kernel and is passed on.
 */
static int has_sync_msg(void)
{
	struct io_uring_sqe sqe;
	int ret;

	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_msg_ring(&sqe, -1, 0, 0, 0);
	ret = io_uring_register_sync_msg(&sqe);
	if (ret == -EBADF)
		return 0;
	return ret == -EINVAL ? -EOPNOTSUPP : ret;
}

/*
 * 0 if ring's kernel supports op, -EOPNOTSUPP if not, or the probe's own
 * error. The probe lives on the stack: no allocation to fail here.
 */
static int has_op(struct io_uring *ring, int op)
{
	union {
		struct io_uring_probe p;
		char room[sizeof(struct io_uring_probe) +
			  256 * sizeof(struct io_uring_probe_op)];
	} u;
	int ret;

	memset(&u, 0, sizeof(u));
	ret = io_uring_register_probe(ring, &u.p, 256);
	if (ret < 0)
		return ret == -EINVAL ? -EOPNOTSUPP : ret;
	return io_uring_opcode_supported(&u.p, op) ? 0 : -EOPNOTSUPP;
}

static int arm_poll(struct uringkit_wake *w)
{
	struct io_uring_sqe *sqe;
	int ret;

	sqe = uringkit_get_sqe(w->target, &ret);
	if (!sqe)
		return ret;
	io_uring_prep_poll_multishot(sqe, w->efd, POLLIN);
	io_uring_sqe_set_data64(sqe, w->user_data);
	ret = io_uring_submit(w->target);
	if (ret < 0) {
		/* Keep the ring as it was: the entry becomes a silent NOP. */
		io_uring_prep_nop(sqe);
		sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
		io_uring_sqe_set_data64(sqe, 0);
		return ret;
	}
	w->armed = true;
	return 0;
}

static int setup_mode(struct uringkit_wake *w, int mode)
{
	int ret, saved;

	switch (mode) {
	case URINGKIT_WAKE_SYNC_MSG:
		return has_sync_msg();
	case URINGKIT_WAKE_MSG_RING:
		ret = has_op(w->target, IORING_OP_MSG_RING);
		if (ret < 0)
			return ret;
		ret = io_uring_queue_init(2, &w->helper, 0);
		if (ret < 0)
			return ret;
		saved = errno;
		ret = pthread_mutex_init(&w->lock, NULL);
		errno = saved;
		if (ret) {
			io_uring_queue_exit(&w->helper);
			return -ret;
		}
		return 0;
	default:
		ret = has_op(w->target, IORING_OP_POLL_ADD);
		if (ret < 0)
			return ret;
		ret = (int) uk__syscall6(__NR_eventfd2, 0,
					 EFD_NONBLOCK | EFD_CLOEXEC, 0, 0, 0, 0);
		if (ret < 0)
			return ret;
		w->efd = ret;
		ret = arm_poll(w);
		if (ret < 0) {
			uk__close(w->efd);
			return ret;
		}
		return 0;
	}
}

UK_EXPORT struct uringkit_wake *uringkit_wake_create(struct io_uring *target,
						     __u64 user_data, int mode,
						     int *err)
{
	struct uringkit_wake *w;
	int ret = -EINVAL, saved;

	if (!target || mode < 0 || mode > URINGKIT_WAKE_EVENTFD ||
	    target->ring_fd < 0)
		goto fail;
	saved = errno;
	w = calloc(1, sizeof(*w));
	errno = saved;
	if (!w) {
		ret = -ENOMEM;
		goto fail;
	}
	w->target = target;
	w->target_fd = target->ring_fd;
	w->user_data = user_data;
	w->efd = -1;
	if (mode) {
		ret = setup_mode(w, mode);
		w->mode = mode;
	} else {
		for (mode = URINGKIT_WAKE_SYNC_MSG; mode <= URINGKIT_WAKE_EVENTFD;
		     mode++) {
			ret = setup_mode(w, mode);
			w->mode = mode;
			if (ret != -EOPNOTSUPP)
				break;
		}
	}
	if (ret < 0) {
		free(w);
		errno = saved;
		goto fail;
	}
	if (err)
		*err = 0;
	return w;
fail:
	if (err)
		*err = ret;
	return NULL;
}

UK_EXPORT int uringkit_wake_mode(const struct uringkit_wake *w)
{
	return w ? w->mode : -EINVAL;
}

static int send_msg_ring(struct uringkit_wake *w)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int ret, saved = errno;

	pthread_mutex_lock(&w->lock);
	sqe = io_uring_get_sqe(&w->helper);
	/* The helper submits and reaps each message before the next. */
	io_uring_prep_msg_ring(sqe, w->target_fd, 0, w->user_data, 0);
	ret = io_uring_submit_and_wait(&w->helper, 1);
	if (ret >= 0) {
		ret = io_uring_peek_cqe(&w->helper, &cqe);
		if (!ret) {
			ret = cqe->res < 0 ? cqe->res : 0;
			io_uring_cqe_seen(&w->helper, cqe);
		}
	}
	pthread_mutex_unlock(&w->lock);
	errno = saved;
	return ret;
}

UK_EXPORT int uringkit_wake_send(struct uringkit_wake *w)
{
	struct io_uring_sqe sqe;
	__u64 one = 1;
	long ret;

	if (!w)
		return -EINVAL;
	switch (w->mode) {
	case URINGKIT_WAKE_SYNC_MSG:
		memset(&sqe, 0, sizeof(sqe));
		io_uring_prep_msg_ring(&sqe, w->target_fd, 0, w->user_data, 0);
		return io_uring_register_sync_msg(&sqe);
	case URINGKIT_WAKE_MSG_RING:
		return send_msg_ring(w);
	default:
		ret = uk__syscall6(__NR_write, w->efd, (long) &one, sizeof(one),
				   0, 0, 0);
		/* A full count (2^64 - 2) already wakes the target. */
		return ret < 0 && ret != -EAGAIN ? (int) ret : 0;
	}
}

UK_EXPORT int uringkit_wake_handle(struct uringkit_wake *w,
				   const struct io_uring_cqe *cqe,
				   unsigned long long *wakes)
{
	__u64 count = 0;

	if (!w || !cqe || cqe->user_data != w->user_data)
		return 0;
	if (w->mode != URINGKIT_WAKE_EVENTFD) {
		if (wakes)
			*wakes = 1;
		return 1;
	}
	/* Reading resets the count; the poll stays armed (F_MORE). */
	if (uk__syscall6(__NR_read, w->efd, (long) &count, sizeof(count),
			 0, 0, 0) != sizeof(count))
		count = 0;
	if (wakes)
		*wakes = count;
	if (!(cqe->flags & IORING_CQE_F_MORE)) {
		int ret;

		w->armed = false;
		ret = arm_poll(w);
		if (ret < 0) {
			/* The count read is not lost: put it back. */
			if (count)
				uk__syscall6(__NR_write, w->efd, (long) &count,
					     sizeof(count), 0, 0, 0);
			return ret;
		}
	}
	return 1;
}

UK_EXPORT int uringkit_wake_free(struct uringkit_wake *w)
{
	int ret = 0, saved = errno;

	if (!w)
		return 0;
	if (w->mode == URINGKIT_WAKE_MSG_RING) {
		io_uring_queue_exit(&w->helper);
		pthread_mutex_destroy(&w->lock);
	} else if (w->mode == URINGKIT_WAKE_EVENTFD) {
		if (w->armed) {
			struct io_uring_sqe *sqe = uringkit_get_sqe(w->target, &ret);

			if (sqe) {
				io_uring_prep_poll_remove(sqe, w->user_data);
				sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
				io_uring_sqe_set_data64(sqe, w->user_data);
				ret = io_uring_submit(w->target);
				ret = ret < 0 ? ret : 0;
			}
		}
		uk__close(w->efd);
	}
	free(w);
	errno = saved;
	return ret;
}
