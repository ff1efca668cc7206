/* SPDX-License-Identifier: MIT */
/*
 * uringkit extension: full transfers.
 *
 * A read, write, send or receive may move fewer bytes than asked for: a
 * pipe or socket hands over what it has, a signal or a full socket buffer
 * cuts a write short. Treating the short result as complete is a classic
 * bug. A transfer (struct uringkit_xfer) is the loop that resubmits the
 * rest until every byte moved, the data ended (EOF, or the peer shut its
 * side) or an error came, counting the bytes moved on the way.
 *
 * Two ways to use it:
 *  - In an event loop: uringkit_xfer_init() once, then for each round
 *    uringkit_xfer_prep() on an SQE (set user_data yourself afterwards)
 *    and, when its CQE arrives, uringkit_xfer_complete() with cqe->res,
 *    until that returns 1. No allocation, no system call.
 *  - Blocking: uringkit_read_full(), uringkit_write_all(),
 *    uringkit_recv_full() and uringkit_send_all() run the loop on a ring
 *    and return when it is over. They consume only their own CQEs: CQEs of
 *    other requests that arrive meanwhile stay in the CQ, in order.
 *
 * -EINTR and -EAGAIN results are retried like a short transfer; a write or
 * send that moves 0 bytes of a non-empty rest ends with -EIO (it would
 * never progress).
 */
#ifndef URINGKIT_XFER_H
#define URINGKIT_XFER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <liburing.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The operation of a transfer. */
enum uringkit_xfer_op {
	URINGKIT_XFER_READ = 1,	/* io_uring_prep_read(): files, pipes, sockets */
	URINGKIT_XFER_WRITE,	/* io_uring_prep_write() */
	URINGKIT_XFER_RECV,	/* io_uring_prep_recv(): sockets */
	URINGKIT_XFER_SEND,	/* io_uring_prep_send() */
};

/* File offset meaning "the file's current position" (and advance it). */
#define URINGKIT_XFER_CUR_POS	((__u64) -1)

/* One transfer. Fill it with uringkit_xfer_init(); read the results. */
struct uringkit_xfer {
	/* what to do (set by uringkit_xfer_init(), left alone afterwards) */
	int op;			/* enum uringkit_xfer_op */
	int fd;
	unsigned char *buf;
	size_t len;
	__u64 offset;		/* read/write: where the transfer starts */
	int msg_flags;		/* recv/send: MSG_* flags */
	/* results */
	size_t done;		/* bytes moved so far */
	unsigned int rounds;	/* requests prepared so far */
	int error;		/* 0, or the -errno that ended it */
	bool eof;		/* read/recv: the data ended before len */
	bool finished;		/* nothing more to do */
};

/*
 * Describe a transfer of len bytes at buf on fd. offset is the file offset
 * for READ and WRITE (URINGKIT_XFER_CUR_POS for the current position, and
 * for pipes and sockets); msg_flags are the MSG_* flags for RECV and SEND
 * (ignored otherwise). A transfer of 0 bytes is finished at once.
 * Returns 0, or -EINVAL for x NULL, an unknown op, fd < 0, or buf NULL
 * with len > 0.
 */
int uringkit_xfer_init(struct uringkit_xfer *x, int op, int fd, void *buf,
		       size_t len, __u64 offset, int msg_flags);

/*
 * Prepare sqe for the next round: the rest of the buffer (at most
 * UINT_MAX bytes per request). Sets no user_data. Returns 0, or -EINVAL if
 * x or sqe is NULL or the transfer is finished.
 */
int uringkit_xfer_prep(struct uringkit_xfer *x, struct io_uring_sqe *sqe);

/*
 * Account the result (cqe->res) of the last round. Returns 1 when the
 * transfer is finished (see done, eof and error), 0 when it needs another
 * round (prep again), -EINVAL if x is NULL or already finished.
 */
int uringkit_xfer_complete(struct uringkit_xfer *x, int res);

/*
 * Run x to its end on ring: get SQEs (uringkit_get_sqe()), submit, wait
 * for the transfer's own CQEs. Returns 0 when finished (x->error says how),
 * or a negative errno if the ring failed (x->done still counts what
 * moved). -EINVAL for NULL arguments, -EOPNOTSUPP on an
 * IORING_SETUP_CQE_MIXED ring, -EBUSY when the CQ filled up with other
 * requests' CQEs before the transfer's own could arrive (reap them; the
 * round in flight then completes later with a CQE of its own that the
 * application must skip, and x does not count it).
 */
int uringkit_xfer_run(struct io_uring *ring, struct uringkit_xfer *x);

/*
 * Blocking full transfers. Each returns the number of bytes moved, which
 * is len unless the data ended (read, recv) or an error stopped the
 * transfer after some bytes moved; if it stopped before any byte moved,
 * the negative errno. Use uringkit_xfer_run() to get both.
 */
ssize_t uringkit_read_full(struct io_uring *ring, int fd, void *buf,
			   size_t len, __u64 offset);
ssize_t uringkit_write_all(struct io_uring *ring, int fd, const void *buf,
			   size_t len, __u64 offset);
ssize_t uringkit_recv_full(struct io_uring *ring, int fd, void *buf,
			   size_t len, int msg_flags);
ssize_t uringkit_send_all(struct io_uring *ring, int fd, const void *buf,
			  size_t len, int msg_flags);

#ifdef __cplusplus
}
#endif

#endif /* URINGKIT_XFER_H */
