/* SPDX-License-Identifier: MIT */
/*
 * uringkit extension: a provided-buffer ring that owns its buffers, and
 * the rules for a ring that runs dry.
 *
 * A struct uringkit_bufring is one page-aligned mapping holding the ring
 * of buffer descriptors, nr_bufs buffers of buf_size bytes (buffer bid at
 * a fixed place) and the bookkeeping, registered as buffer group bgid of
 * an io_uring. It starts with every buffer given to the kernel.
 *
 * Life of a buffer:
 *   kernel  --(a CQE with IORING_CQE_F_BUFFER,
 *              decoded by uringkit_bufring_cqe_buf())-->  application
 *   application  --(uringkit_bufring_recycle())-->        kernel
 *
 * The library remembers which side holds each buffer, so a buffer cannot
 * be given back twice (-EALREADY) and the ring can never hold more
 * entries than it has slots: the two classic ways to corrupt a buffer
 * ring by hand.
 *
 * When the ring runs dry (Linux 6.18, measured by test/bufring-dry-*.c):
 *   - a multishot recv (IORING_RECV_MULTISHOT) ends with res -ENOBUFS and
 *     no IORING_CQE_F_MORE, at once, even when no data is waiting;
 *   - a single-shot recv fails with -ENOBUFS at once as well;
 *   - with IORING_RECVSEND_POLL_FIRST both first wait for data, then fail
 *     with -ENOBUFS if the ring is still empty.
 * In every case the data stays queued in the socket: recycle buffers,
 * then submit the request again (uringkit_bufring_cqe_state() says when).
 *
 * Errors are negative errno values; a call that fails changes nothing.
 * A uringkit_bufring is not thread-safe: use it from one thread, or lock.
 * uringkit_bufring_cqe_buf() handles CQEs that name one whole buffer.
 * Bundles (IORING_RECVSEND_BUNDLE: several buffers in one CQE) and rings
 * created with URINGKIT_BUFRING_INC (one buffer filled by several CQEs)
 * are decoded with uringkit_bufring_cqe_pieces() from <uringkit/recv.h>,
 * which also re-arms multishot receives parked on -ENOBUFS as soon as
 * buffers come back.
 */
#ifndef URINGKIT_BUFRING_H
#define URINGKIT_BUFRING_H

#include <liburing.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uringkit_bufring;

/* Largest nr_bufs: the kernel's limit on buffer ring entries. */
#define URINGKIT_BUFRING_MAX_BUFS	32768U
/* Largest buf_size: what one read or recv may return (INT_MAX & PAGE_MASK). */
#define URINGKIT_BUFRING_MAX_BUF_SIZE	0x7ffff000U

/*
 * Flag of uringkit_bufring_create(): register the ring for incremental
 * consumption (IOU_PBUF_RING_INC, Linux 6.12; older kernels answer
 * -EINVAL): a buffer is filled by several completions, the last one
 * without IORING_CQE_F_BUF_MORE. Decode its CQEs with
 * uringkit_bufring_cqe_pieces(). It is the kernel's value; the kernel's
 * other flag, IOU_PBUF_RING_MMAP, is refused (the ring owns its memory).
 */
#define URINGKIT_BUFRING_INC		IOU_PBUF_RING_INC

/*
 * Create buffer group bgid (0..65535) on ring with nr_bufs buffers (a
 * power of two, 1..32768) of buf_size bytes each (1..0x7ffff000), all
 * given to the kernel. flags is 0 or URINGKIT_BUFRING_INC. On success
 * returns the buffer ring and sets *err (if err is not NULL) to 0; on
 * failure returns NULL, sets *err to a negative errno and leaves nothing
 * behind:
 *   -EINVAL  a bad argument (also from the kernel, e.g. no buffer rings);
 *   -EEXIST  bgid is already registered on this ring;
 *   -ENOMEM  the memory could not be mapped.
 */
struct uringkit_bufring *uringkit_bufring_create(struct io_uring *ring,
						 int bgid, unsigned int nr_bufs,
						 unsigned int buf_size,
						 unsigned int flags, int *err);

/*
 * Unregister the group and release all memory of br (NULL is allowed).
 * Returns 0, or the negative errno of the unregistration (-EBADF when the
 * ring was already closed with io_uring_queue_exit()); the memory is
 * released in every case, so br must not be used afterwards. Call it
 * before io_uring_queue_exit() and only when no request that selects from
 * this group is in flight. The struct io_uring given to create must stay
 * at the same address until then.
 */
int uringkit_bufring_free(struct uringkit_bufring *br);

/* Address of buffer bid, or NULL if bid >= nr_bufs. */
void *uringkit_bufring_buf(const struct uringkit_bufring *br, unsigned int bid);

/*
 * Decode a completion. If cqe carries IORING_CQE_F_BUFFER with a bid of
 * this ring, the buffer now belongs to the application: returns its
 * address, stores the bid in *bid and the number of bytes the kernel put
 * there (cqe->res, or 0 if res is not positive) in *len; bid and len may
 * be NULL. Otherwise returns NULL and stores nothing. Decode every CQE of
 * a request that selects from this group: a buffer becomes recyclable
 * only here. Decoding the same CQE twice is harmless.
 */
void *uringkit_bufring_cqe_buf(struct uringkit_bufring *br,
			       const struct io_uring_cqe *cqe,
			       unsigned int *bid, unsigned int *len);

/*
 * Give buffer bid back to the kernel and publish it at once (one release
 * store of the ring's tail). Returns 0, -EINVAL if bid >= nr_bufs, or
 * -EALREADY if the kernel already holds bid.
 */
int uringkit_bufring_recycle(struct uringkit_bufring *br, unsigned int bid);

/*
 * Give n buffers back with one publication. All bids are checked first:
 * on -EINVAL (a bid out of range) or -EALREADY (a bid the kernel holds,
 * or the same bid twice in bids) nothing is recycled. Returns n or the
 * error.
 */
int uringkit_bufring_recycle_n(struct uringkit_bufring *br,
			       const unsigned int *bids, unsigned int n);

/*
 * Buffers the kernel holds: nr_bufs minus the buffers decoded by
 * uringkit_bufring_cqe_buf() and not recycled since. Buffers used by
 * completions still waiting in the CQ count as held. No system call.
 */
unsigned int uringkit_bufring_available(const struct uringkit_bufring *br);

/* What a completion means for the request that produced it. */
enum uringkit_bufring_state {
	/* IORING_CQE_F_MORE: the multishot request is still armed. */
	URINGKIT_BUFRING_MORE = 0,
	/*
	 * The request ended because the group had no buffer (-ENOBUFS, no
	 * F_MORE). Its data is still queued: recycle buffers, then submit it
	 * again.
	 */
	URINGKIT_BUFRING_ENDED_NOBUFS = 1,
	/* The request ended for any other reason (data, EOF, error, cancel). */
	URINGKIT_BUFRING_ENDED = 2,
};

/* Classify cqe (a pure function of cqe->res and cqe->flags). */
enum uringkit_bufring_state
uringkit_bufring_cqe_state(const struct io_uring_cqe *cqe);

#ifdef __cplusplus
}
#endif

#endif /* URINGKIT_BUFRING_H */
