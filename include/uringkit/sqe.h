/* SPDX-License-Identifier: MIT */
/*
 * uringkit extension: an SQE whenever the ring can make room for one.
 *
 * io_uring_get_sqe() returns NULL once the SQ holds as many unsubmitted
 * entries as it has slots, and every caller then needs the same few lines
 * (submit, maybe wait for the SQPOLL thread, try again). uringkit_get_sqe()
 * is those lines: when the SQ is full it submits what is queued and, on an
 * SQPOLL ring, waits until the kernel thread has consumed an entry. It
 * returns NULL only for a real error, never merely because the SQ is full.
 */
#ifndef URINGKIT_SQE_H
#define URINGKIT_SQE_H

#include <liburing.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The next free SQE of ring, submitting queued entries first if the SQ is
 * full. On success sets *err (if err is not NULL) to the number of entries
 * this call submitted (usually 0) and returns the SQE. On failure returns
 * NULL and sets *err to a negative errno: -EINVAL for ring NULL, or what
 * io_uring_submit() or the SQPOLL wait returned (-EBUSY or -EAGAIN: the
 * kernel wants CQEs reaped before it accepts more work). Entries submitted
 * before a failure stay submitted.
 */
struct io_uring_sqe *uringkit_get_sqe(struct io_uring *ring, int *err);

#ifdef __cplusplus
}
#endif

#endif /* URINGKIT_SQE_H */
