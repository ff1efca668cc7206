/* SPDX-License-Identifier: MIT */
/*
 * uringkit extension: an arena for zero-copy sends from registered memory.
 *
 * io_uring_prep_sendmsg_zc_fixed() names ONE registered buffer for a whole
 * msghdr, so all of its iovecs must point into that one buffer. An arena
 * is that buffer: one page-aligned mapping, registered as buffer
 * buf_index, out of which the application carves chunks for the pieces of
 * its messages. The arena also remembers which requests use which chunks,
 * so a chunk is reused only after the kernel's notification
 * (IORING_CQE_F_NOTIF) says it no longer reads it.
 *
 * Life of a chunk:
 *   uringkit_zc_alloc()            the application holds it and fills it
 *   uringkit_zc_prep_send*()       each request that sends from it holds it
 *   uringkit_zc_free()             the application lets go (any time)
 *   notification CQE, decoded by
 *   uringkit_zc_complete()         the request lets go
 * The memory is reused once nobody holds the chunk and every chunk
 * allocated before it is free too (a ring allocator: see below).
 *
 * Allocator: chunks are carved in order from a circular region, each
 * rounded up to URINGKIT_ZC_ALIGN bytes and contiguous. Space comes back
 * in allocation order: a chunk released early waits until the chunks
 * allocated before it are released. alloc is O(1); finding the chunk of
 * an address (done for each iovec) is a binary search.
 *
 * Requests: every prep call returns a request id (>= 0, small, reused
 * after the request is done) and sets sqe->user_data to a value whose top
 * 16 bits are URINGKIT_ZC_USER_DATA_TAG; the other bits name the arena,
 * the request and a generation. Do not change user_data after the prep
 * call. Pass every CQE of the ring to uringkit_zc_complete(): it says
 * whether the CQE belongs to this arena and what it means. Pointers and
 * small integers never carry the tag, so they are safe user_data values
 * for the application's own requests.
 *
 * Errors are negative errno values; a call that fails changes nothing.
 * An arena is not thread-safe: use it from one thread, or lock.
 */
#ifndef URINGKIT_ZC_H
#define URINGKIT_ZC_H

#include <stddef.h>
#include <sys/socket.h>
#include <liburing.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uringkit_zc_arena;

/* Largest arena: the kernel registers no buffer larger than 1 GiB. */
#define URINGKIT_ZC_ARENA_MAX_SIZE	(1UL << 30)
/* Chunks start at multiples of this and are rounded up to it. */
#define URINGKIT_ZC_ALIGN		64U
/* Top 16 bits of the user_data of every request an arena prepares. */
#define URINGKIT_ZC_USER_DATA_TAG	0xfa5cU
/* Most iovecs uringkit_zc_prep_sendmsg() accepts (the kernel's UIO_MAXIOV). */
#define URINGKIT_ZC_MAX_IOVECS		1024U

/* Flags of uringkit_zc_arena_create(). */
/*
 * Back the arena with huge pages (size rounded up to 2 MiB): MAP_HUGETLB
 * if the system has huge pages reserved, else transparent huge pages
 * (MADV_HUGEPAGE) on ordinary memory. Never fails for lack of huge pages.
 */
#define URINGKIT_ZC_ARENA_HUGE		(1U << 0)
/*
 * Install the arena into slot buf_index of the buffer table the ring
 * already has (io_uring_register_buffers_sparse() or _tags()), with
 * io_uring_register_buffers_update_tag(), and empty the slot again on
 * free. The slot must be empty: the kernel replaces a registered buffer
 * there without complaint. Without this flag the arena registers the
 * ring's buffer table itself (see uringkit_zc_arena_create()).
 */
#define URINGKIT_ZC_ARENA_UPDATE	(1U << 1)

/* Flag of uringkit_zc_arena_free(). */
/* Free even while requests are in flight (see uringkit_zc_arena_free()). */
#define URINGKIT_ZC_FREE_FORCE		(1U << 0)

/*
 * Create an arena of size bytes (1..URINGKIT_ZC_ARENA_MAX_SIZE, rounded up
 * to the page size, or 2 MiB with URINGKIT_ZC_ARENA_HUGE) registered as
 * buffer buf_index (0..65535; the kernel allows up to 16383) of ring.
 *
 * Without URINGKIT_ZC_ARENA_UPDATE the arena registers a new buffer table
 * of buf_index + 1 slots with only slot buf_index filled, and owns that
 * table: uringkit_zc_arena_free() unregisters it. A ring that already has
 * a buffer table makes the kernel refuse with -EBUSY.
 *
 * On success returns the arena and sets *err (if err is not NULL) to 0;
 * on failure returns NULL, sets *err and leaves nothing registered or
 * mapped:
 *   -EINVAL  ring NULL, size 0, buf_index > 65535, unknown flags, or the
 *            kernel refused (buf_index beyond its limit or, with
 *            URINGKIT_ZC_ARENA_UPDATE, beyond the ring's table);
 *   -ENOMEM  size above URINGKIT_ZC_ARENA_MAX_SIZE, or the memory could
 *            not be mapped or pinned;
 *   -EBUSY   without URINGKIT_ZC_ARENA_UPDATE: the ring already has
 *            registered buffers;
 *   -ENXIO   with URINGKIT_ZC_ARENA_UPDATE: the ring has no buffer table;
 *   other    what io_uring_register(2) returned.
 */
struct uringkit_zc_arena *uringkit_zc_arena_create(struct io_uring *ring,
						   size_t size,
						   unsigned int buf_index,
						   unsigned int flags,
						   int *err);

/*
 * Unregister and unmap the arena and release its bookkeeping (NULL is
 * allowed). With requests in flight (uringkit_zc_inflight() > 0) it
 * returns -EBUSY and changes nothing, unless flags has
 * URINGKIT_ZC_FREE_FORCE: then it frees anyway (the kernel keeps the
 * pages of requests still running pinned until they finish, so what they
 * send stays intact), and the CQEs of those requests still arrive and
 * must be skipped by their user_data tag. Otherwise returns 0 or the
 * negative errno of the unregistration (-EBADF when the ring was already
 * closed); the memory is released in every case but -EBUSY and -EINVAL
 * (unknown flags). Call it before io_uring_queue_exit().
 */
int uringkit_zc_arena_free(struct uringkit_zc_arena *arena, unsigned int flags);

/*
 * Carve a chunk of len bytes (rounded up to URINGKIT_ZC_ALIGN) and hand it
 * to the application. Returns its address (URINGKIT_ZC_ALIGN-aligned), or
 * NULL if len is 0, larger than the arena, or there is no contiguous room
 * until earlier chunks are released (or bookkeeping memory ran out).
 */
void *uringkit_zc_alloc(struct uringkit_zc_arena *arena, size_t len);

/*
 * The application lets go of chunk (the address uringkit_zc_alloc()
 * returned). Its memory is reused only after every request that sends
 * from it has had its notification, so calling this right after the prep
 * call is safe. Returns 0, or -EINVAL if chunk is not a chunk the
 * application holds (never allocated, freed already, or not its start).
 */
int uringkit_zc_free(struct uringkit_zc_arena *arena, void *chunk);

/*
 * Prepare sqe (an SQE of the arena's ring) as a zero-copy sendmsg from the
 * arena's registered buffer (io_uring_prep_sendmsg_zc_fixed()). Every
 * iovec of msg must lie inside one chunk the application holds. The
 * iovecs are checked in order and the first one that fails decides:
 *   -EFAULT  it does not lie entirely inside the arena's memory (what the
 *            kernel would answer);
 *   -EINVAL  it lies inside the arena but is empty (iov_len 0: the
 *            kernel would fail the whole send with -EFAULT) or not inside
 *            one chunk held by the application (not allocated, already
 *            freed, or crossing from one chunk into the next).
 * Also -EINVAL for msg NULL, msg_iovlen 0 or above URINGKIT_ZC_MAX_IOVECS,
 * or an sqe that is not one of the ring's; -EFAULT for msg_iov NULL;
 * -ENOMEM when bookkeeping memory ran out. On success returns the request
 * id. On failure the arena is unchanged and so is the ring: sqe is given
 * back if it is the SQE obtained last (the usual case), or else turned
 * into a NOP that posts no CQE (IOSQE_CQE_SKIP_SUCCESS). msg, its iovecs
 * and anything they name must stay valid until the SQE is submitted; set
 * IOSQE_* flags after this call.
 */
int uringkit_zc_prep_sendmsg(struct uringkit_zc_arena *arena,
			     struct io_uring_sqe *sqe, int fd,
			     const struct msghdr *msg, unsigned int flags);

/*
 * The same for one piece: a zero-copy send (io_uring_prep_send_zc_fixed()
 * with zc_flags 0) of len bytes (1..URINGKIT_ZC_ARENA_MAX_SIZE) at buf,
 * which must lie inside one chunk the application holds. flags are the
 * MSG_* flags. Errors as for uringkit_zc_prep_sendmsg(); -EINVAL for len 0.
 */
int uringkit_zc_prep_send(struct uringkit_zc_arena *arena,
			  struct io_uring_sqe *sqe, int fd, const void *buf,
			  size_t len, int flags);

/* What uringkit_zc_complete() found in a CQE of one of the arena's requests. */
struct uringkit_zc_event {
	int id;		/* the request, as returned by its prep call */
	int res;	/* cqe->res: bytes sent or -errno; for a
			 * notification 0 or IORING_NOTIF_USAGE_ZC_COPIED */
};

/* Bits of uringkit_zc_complete()'s return value. */
/* The CQE is the request's result: ev->res is what the send returned. */
#define URINGKIT_ZC_RESULT	(1 << 0)
/*
 * The request is finished: it posts no more CQEs and its chunks are
 * released (its notification arrived, or its result had no
 * IORING_CQE_F_MORE because it failed before a notification was armed).
 */
#define URINGKIT_ZC_DONE	(1 << 1)

/*
 * Decode a CQE. Returns 0 if cqe does not belong to one of this arena's
 * requests (nothing changed: handle it yourself), else a non-zero mix of
 * URINGKIT_ZC_RESULT and URINGKIT_ZC_DONE and fills *ev (if ev is not
 * NULL). Returns -EALREADY for a CQE of this arena whose request is not
 * waiting for it (decoded twice). The CQE is not marked seen: call
 * io_uring_cqe_seen() as usual. No system call.
 */
int uringkit_zc_complete(struct uringkit_zc_arena *arena,
			 const struct io_uring_cqe *cqe,
			 struct uringkit_zc_event *ev);

/* Requests prepared and not yet done (URINGKIT_ZC_DONE not yet returned). */
unsigned int uringkit_zc_inflight(const struct uringkit_zc_arena *arena);

#ifdef __cplusplus
}
#endif

#endif /* URINGKIT_ZC_H */
