/* SPDX-License-Identifier: MIT */
/*
 * uringkit extension: multishot receives that never stall, and the pieces
 * of a completion.
 *
 * A struct uringkit_recv is one multishot recv (or recvmsg) on one socket,
 * picking its buffers from a struct uringkit_bufring. The library keeps it
 * going by itself:
 *   - when it ends with -ENOBUFS (the ring ran dry because the application
 *     holds every buffer) it is parked: no SQE, no timer, no polling;
 *   - the recycle that gives a buffer back (uringkit_bufring_recycle(),
 *     _recycle_n() or uringkit_pieces_give_back()) queues its SQE again,
 *     at once, from inside that call. The SQE is submitted with the
 *     application's next io_uring_submit() (or earlier, by the library,
 *     only if the SQ is full);
 *   - with URINGKIT_RECV_REARM it is also queued again after any other end
 *     that is neither an error nor EOF. Bundle receives always are: Linux
 *     ends a bundle that emptied the ring with its data instead of a
 *     later -ENOBUFS, so such an end is parked like -ENOBUFS.
 * The data waits in the socket while the receive is parked, and a new
 * request is queued only after the old one has posted its last CQE, so
 * nothing is lost or reordered.
 *
 * Life of a receive:
 *   uringkit_recv_create()    bind fd to the buffer ring (allocates once)
 *   uringkit_recv_arm()       queue the multishot SQE
 *   uringkit_recv_complete()  every CQE with the receive's user_data:
 *                             returns 1 with data and/or the end, or 0
 *                             when the library handled the CQE itself
 *   uringkit_recv_stop()      cancel; the end comes through a CQE
 *   uringkit_recv_free()      once the end has been reported
 * Each end (EOF, an error, a stop) is reported exactly once, by the last
 * CQE carrying the receive's user_data; nothing carries it afterwards.
 * Choose a user_data no other in-flight request uses: uringkit_recv_stop()
 * and uringkit_bufring_free() cancel by user_data.
 *
 * Pieces: one CQE may fill part of a buffer (rings created with
 * URINGKIT_BUFRING_INC), one whole buffer, or several consecutive buffers
 * (a bundle, IORING_RECVSEND_BUNDLE). uringkit_bufring_cqe_pieces() turns
 * any of them into a list of (address, length) pieces that
 * uringkit_pieces_next() walks and uringkit_pieces_give_back() returns in
 * one call. A buffer goes back to the kernel only when every piece of it
 * has been given back and the kernel has finished with it (for an
 * incremental ring: the CQE without IORING_CQE_F_BUF_MORE).
 *
 * Not thread-safe, like the buffer ring: use a ring, its buffer rings and
 * their receives from one thread. No call allocates except create.
 * uringkit_recv_stop(), uringkit_bufring_free() and a recycle that finds
 * the SQ full call io_uring_submit(): do not call them between
 * io_uring_get_sqe() and the end of that SQE's preparation.
 * Errors are negative errno values; a call that fails changes nothing.
 */
#ifndef URINGKIT_RECV_H
#define URINGKIT_RECV_H

#include <stdbool.h>
#include <sys/socket.h>
#include <liburing.h>
#include <uringkit/bufring.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- pieces of one completion ------------------------------------------ */

/*
 * The buffer memory one CQE filled. len and nr are for reading; the other
 * fields belong to the library. Valid until given back; the buffer ring
 * must not be freed before.
 */
struct uringkit_pieces {
	unsigned int len;		/* bytes in all pieces */
	unsigned int nr;		/* pieces (buffers), 0 if none */
	/* private */
	struct uringkit_bufring *br;
	unsigned int first_bid;
	unsigned int first_off;		/* where the data starts in first_bid */
	unsigned int cur;		/* next piece's bid << 16 | pieces walked */
	unsigned int seq;		/* the ring's put count when decoded */
	unsigned int walked;		/* bytes walked so far */
};

/*
 * Decode cqe into *p. If it carries IORING_CQE_F_BUFFER with a bid of br,
 * the pieces it filled now belong to the application: returns their
 * number (1 for an ordinary or incremental completion, 1 or more for a
 * bundle). Otherwise returns 0 and p->nr is 0. A completion that filled
 * no bytes still returns its buffer as one empty piece (except on
 * incremental rings, where such a buffer stays with the kernel). Decode
 * each CQE once. A CQE the kernel cannot have posted is refused, nothing
 * changed: -EALREADY if it names a buffer the application holds (a CQE
 * decoded twice), -EIO if it claims more bytes than the ring holds, more
 * than is left in an incremental buffer, or bundle slots the kernel
 * cannot have taken together (not published, or rewritten since).
 * -EINVAL if br, cqe or p is NULL.
 */
int uringkit_bufring_cqe_pieces(struct uringkit_bufring *br,
				const struct io_uring_cqe *cqe,
				struct uringkit_pieces *p);

/*
 * The next piece of p: returns its address and stores its length in *len
 * (len may be NULL), or returns NULL after the last piece, or at a piece
 * whose buffer was recycled outright (uringkit_bufring_recycle()) since p
 * was decoded: that memory is no longer p's.
 */
void *uringkit_pieces_next(struct uringkit_pieces *p, unsigned int *len);

/* Walk p's pieces again from the first. */
void uringkit_pieces_rewind(struct uringkit_pieces *p);

/*
 * Give every piece of p back, with one publication of the ring's tail.
 * Returns the number of buffers that went back to the kernel (a buffer
 * still being filled incrementally, or with other pieces still held,
 * waits), 0 for empty pieces, or -EALREADY if p was given back already
 * (then nothing changes; also when one of its buffers was recycled
 * outright with uringkit_bufring_recycle() since p was decoded, even if
 * that buffer has been handed out again). Receives parked on br are
 * re-armed if a buffer went back.
 */
int uringkit_pieces_give_back(struct uringkit_pieces *p);

/* ---- receives ------------------------------------------------------------ */

struct uringkit_recv;

/* Flags of uringkit_recv_create(). */
/* Multishot recvmsg (UDP: the source address comes with each datagram). */
#define URINGKIT_RECV_MSG		(1U << 0)
/* Bundles: one CQE may fill several buffers (Linux 6.10; recv only). */
#define URINGKIT_RECV_BUNDLE		(1U << 1)
/* Also re-arm after an end that is neither an error nor EOF. */
#define URINGKIT_RECV_REARM		(1U << 2)
/* fd is an index into the ring's registered files. */
#define URINGKIT_RECV_FIXED_FILE	(1U << 3)

/*
 * Bind socket fd to buffer ring br (of ring). msg is used with
 * URINGKIT_RECV_MSG only (NULL otherwise): its msg_namelen and
 * msg_controllen say how much room each buffer gives the source address
 * and the control data; it is copied. user_data is put on every SQE of
 * the receive. Nothing is queued yet: call uringkit_recv_arm().
 * On failure returns NULL and sets *err (if not NULL):
 *   -EINVAL      NULL ring or br, br of another ring, fd < 0, unknown
 *                flags, MSG without msg or msg with MSG absent, BUNDLE
 *                together with MSG or with an incremental buffer ring,
 *                an incremental ring with MSG or a socket that is not
 *                SOCK_STREAM (the kernel would truncate a datagram to
 *                the room left in a partly filled buffer);
 *   -EOPNOTSUPP  BUNDLE and the kernel lacks IORING_FEAT_RECVSEND_BUNDLE;
 *   -ENOMEM      no memory.
 */
struct uringkit_recv *uringkit_recv_create(struct io_uring *ring,
					   struct uringkit_bufring *br,
					   int fd, unsigned int flags,
					   const struct msghdr *msg,
					   __u64 user_data, int *err);

/*
 * Queue the multishot SQE (not submitted). Allowed on a receive just
 * created or whose end has been reported (to start it again). Returns 0,
 * -EBUSY if it is armed, parked or stopping, -EBUSY also if no SQE could
 * be had even after submitting, or -ENXIO if its buffer ring was freed.
 */
int uringkit_recv_arm(struct uringkit_recv *rv);

/* The end of a receive (uringkit_recv_event.end, when not an -errno). */
#define URINGKIT_RECV_EOF		1	/* the peer closed (res 0) */
#define URINGKIT_RECV_STOPPED		2	/* ended with data, not re-armed */

/* What one CQE meant for the application. */
struct uringkit_recv_event {
	struct uringkit_pieces pieces;	/* data; pieces.nr may be 0 */
	/*
	 * 0 while the receive goes on; otherwise it has ended and no more
	 * CQEs will carry its user_data: URINGKIT_RECV_EOF,
	 * URINGKIT_RECV_STOPPED (the kernel ended it after data and
	 * URINGKIT_RECV_REARM was not set), or a negative errno: the
	 * kernel's error, or -ECANCELED after uringkit_recv_stop() or when
	 * its buffer ring was freed.
	 */
	int end;
};

/*
 * Handle a CQE carrying the receive's user_data (not marked seen: call
 * io_uring_cqe_seen() as usual). Returns 1 if *ev holds something for the
 * application (data, an end, or both), 0 if the library dealt with the
 * CQE itself (the receive was parked or re-armed, or the CQE belonged to
 * a receive whose buffer ring is gone), or -EINVAL (nothing changed) if
 * cqe carries another user_data or the receive is not waiting for a CQE
 * (never armed, or its end was already reported).
 */
int uringkit_recv_complete(struct uringkit_recv *rv,
			   const struct io_uring_cqe *cqe,
			   struct uringkit_recv_event *ev);

/*
 * Stop the receive. Armed: its SQE is submitted if still queued and the
 * request cancelled (IORING_REGISTER_SYNC_CANCEL); parked: a NOP carrying
 * its user_data is queued and submitted. Either way the end is reported
 * by uringkit_recv_complete() with end -ECANCELED (or the kernel's error
 * or EOF if that came first). Returns 0, -EALREADY if the receive is not
 * armed or parked, or the cancellation's error.
 */
int uringkit_recv_stop(struct uringkit_recv *rv);

/*
 * Release rv (NULL is allowed). Returns 0, or -EBUSY (nothing released)
 * while a CQE of it is still to come: armed, stopping, or parked (stop it
 * first).
 */
int uringkit_recv_free(struct uringkit_recv *rv);

/* Counters of one receive since it was created. */
struct uringkit_recv_stats {
	unsigned long completions;	/* CQEs handled */
	unsigned long parks;		/* -ENOBUFS ends */
	unsigned long rearms;		/* SQEs the library queued by itself */
};

void uringkit_recv_get_stats(const struct uringkit_recv *rv,
			     struct uringkit_recv_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* URINGKIT_RECV_H */
