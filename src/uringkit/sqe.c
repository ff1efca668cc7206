/* SPDX-License-Identifier: MIT */
/*
 * uringkit_get_sqe: io_uring_get_sqe() that makes room when the SQ is full.
 * See include/uringkit/sqe.h and uringkit_get_sqe(3).
 */
#include "internal/ring.h"
#include "uringkit/sqe.h"

/*
 * Each pass frees at least one slot or fails: io_uring_submit() consumes at
 * least one entry when it returns > 0 (a failing entry is consumed too, its
 * error goes to its CQE), and the SQPOLL wait returns once the thread moved
 * the head. The bound only guards against a kernel that answers 0 forever.
 */
#define UK_GET_SQE_TRIES 64

UK_EXPORT struct io_uring_sqe *uringkit_get_sqe(struct io_uring *ring, int *err)
{
	struct io_uring_sqe *sqe;
	int submitted = 0;

	if (!ring) {
		if (err)
			*err = -EINVAL;
		return NULL;
	}
	for (int i = 0; i < UK_GET_SQE_TRIES; i++) {
		int ret;

		sqe = io_uring_get_sqe(ring);
		if (sqe) {
			if (err)
				*err = submitted;
			return sqe;
		}
		ret = io_uring_submit(ring);
		if (ret < 0) {
			if (err)
				*err = ret;
			return NULL;
		}
		submitted += ret;
		if (ring->flags & IORING_SETUP_SQPOLL) {
			/* The thread may not have consumed anything yet. */
			ret = io_uring_sqring_wait(ring);
			if (ret < 0) {
				if (err)
					*err = ret;
				return NULL;
			}
		}
	}
	if (err)
		*err = -EAGAIN;
	return NULL;
}
