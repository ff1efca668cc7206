/* SPDX-License-Identifier: MIT */
/*
 * uringkit: inline io_uring_prep_* helpers. Included by <liburing.h>.
 *
 * Every helper writes every field of the 64-byte SQE that the kernel
 * reads for its opcode, so an SQE recycled from an earlier request never
 * leaks stale flags into a new one (the kernel rejects non-zero unused
 * fields for many opcodes).
 */
#ifndef LIBURING_PREP_H
#define LIBURING_PREP_H

#ifndef LIB_URING_H
#error "include <liburing.h>, not <liburing/prep.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The generic form: opcode, fd, address, length and offset, all else zero. */
IOURINGINLINE void io_uring_prep_rw(int op, struct io_uring_sqe *sqe, int fd,
				    const void *addr, unsigned len,
				    __u64 offset)
	LIBURING_NOEXCEPT
{
	io_uring_initialize_sqe(sqe);
	sqe->opcode = (__u8) op;
	sqe->fd = fd;
	sqe->off = offset;
	sqe->addr = (unsigned long) addr;
	sqe->len = len;
}

/*
 * Store the 32-bit per-opcode flag word at offset 28. The kernel UAPI gives
 * it a new name for nearly every opcode; the ones used for PIPE (pipe_flags,
 * 6.16) and FIXED_FD_INSTALL (install_fd_flags, 6.8) are missing from older
 * system <linux/io_uring.h> headers, whose struct wins when such a header is
 * included before <liburing.h> (see liburing/io_uring.h). rw_flags names the
 * same four bytes in every version.
 */
static inline void __io_uring_set_op_flags(struct io_uring_sqe *sqe,
					   __u32 flags)
	LIBURING_NOEXCEPT
{
	sqe->rw_flags = (__kernel_rwf_t) flags;
}

/*
 * Private (liburing has a helper of this name, used by every _direct prep
 * helper).
 *
 * Make a request that creates a file (open, socket, accept, pipe...) put it
 * into slot file_index of the ring's fixed file table instead of the
 * process's fd table. The SQE field is one-based so that 0 can mean "a
 * normal fd": slot n is written as n + 1. The value IORING_FILE_INDEX_ALLOC
 * (all ones) in the SQE asks the kernel to pick a free slot; a caller that
 * wants that passes IORING_FILE_INDEX_ALLOC - 1 here, which is what
 * __io_uring_set_direct_slot() does for the _direct helpers.
 */
IOURINGINLINE void __io_uring_set_target_fixed_file(struct io_uring_sqe *sqe,
						    unsigned int file_index)
	LIBURING_NOEXCEPT
{
	sqe->file_index = file_index + 1;
}

/*
 * The slot of a _direct helper: file_index, or IORING_FILE_INDEX_ALLOC,
 * which must reach the SQE unchanged (after the + 1 above).
 */
static inline void __io_uring_set_direct_slot(struct io_uring_sqe *sqe,
					      unsigned int file_index)
	LIBURING_NOEXCEPT
{
	if (file_index == IORING_FILE_INDEX_ALLOC)
		file_index--;
	__io_uring_set_target_fixed_file(sqe, file_index);
}

IOURINGINLINE void io_uring_prep_nop(struct io_uring_sqe *sqe)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_NOP, sqe, -1, NULL, 0, 0);
}

IOURINGINLINE void io_uring_prep_read(struct io_uring_sqe *sqe, int fd,
				      void *buf, unsigned nbytes,
				      __u64 offset)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_READ, sqe, fd, buf, nbytes, offset);
}

IOURINGINLINE void io_uring_prep_write(struct io_uring_sqe *sqe, int fd,
				       const void *buf, unsigned nbytes,
				       __u64 offset)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_WRITE, sqe, fd, buf, nbytes, offset);
}

IOURINGINLINE void io_uring_prep_readv(struct io_uring_sqe *sqe, int fd,
				       const struct iovec *iovecs,
				       unsigned nr_vecs, __u64 offset)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_READV, sqe, fd, iovecs, nr_vecs, offset);
}

IOURINGINLINE void io_uring_prep_writev(struct io_uring_sqe *sqe, int fd,
					const struct iovec *iovecs,
					unsigned nr_vecs, __u64 offset)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_WRITEV, sqe, fd, iovecs, nr_vecs, offset);
}

IOURINGINLINE void io_uring_prep_readv2(struct io_uring_sqe *sqe, int fd,
					const struct iovec *iovecs,
					unsigned nr_vecs, __u64 offset,
					int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_readv(sqe, fd, iovecs, nr_vecs, offset);
	sqe->rw_flags = flags;
}

IOURINGINLINE void io_uring_prep_writev2(struct io_uring_sqe *sqe, int fd,
					 const struct iovec *iovecs,
					 unsigned nr_vecs, __u64 offset,
					 int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_writev(sqe, fd, iovecs, nr_vecs, offset);
	sqe->rw_flags = flags;
}

/*
 * A timeout that completes after *ts, or once count other completions have
 * been posted (count 0: time only).
 */
IOURINGINLINE void io_uring_prep_timeout(struct io_uring_sqe *sqe,
					 struct __kernel_timespec *ts,
					 unsigned count, unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_TIMEOUT, sqe, -1, ts, 1, count);
	sqe->timeout_flags = flags;
}

/* A NOP in a 128-byte SQE of an IORING_SETUP_SQE_MIXED ring (Linux 6.19). */
IOURINGINLINE void io_uring_prep_nop128(struct io_uring_sqe *sqe)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_NOP128, sqe, -1, NULL, 0, 0);
}

/*
 * A 128-byte SQE: on an SQE128 ring any SQE; on an SQE_MIXED ring (6.19)
 * two adjacent 64-byte slots, which must not wrap around the end of the
 * ring. When the tail sits on the last slot, that slot gets a NOP whose
 * success posts no CQE, and the big SQE starts at slot 0. NULL when the SQ
 * lacks room, or the ring has neither flag. Fill it with a 128-byte opcode
 * (e.g. io_uring_prep_nop128) so the kernel steps over both slots.
 */
IOURINGINLINE struct io_uring_sqe *io_uring_get_sqe128(struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned tail = sq->sqe_tail, head, need;
	struct io_uring_sqe *sqe;

	if (ring->flags & IORING_SETUP_SQE128)
		return _io_uring_get_sqe(ring);
	if (!(ring->flags & IORING_SETUP_SQE_MIXED))
		return NULL;

	/* Acquire: an SQPOLL thread is done with the slots we reuse. */
	head = io_uring_smp_load_acquire(sq->khead);
	need = ((tail & sq->ring_mask) == sq->ring_mask) ? 3 : 2;
	if (tail + need - head > sq->ring_entries)
		return NULL;
	if (need == 3) {
		sqe = &sq->sqes[tail & sq->ring_mask];
		io_uring_prep_nop(sqe);
		sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
		sqe->user_data = 0;
		tail++;
	}
	sq->sqe_tail = tail + 2;
	sqe = &sq->sqes[tail & sq->ring_mask];
	io_uring_initialize_sqe(sqe);
	return sqe;
}

#ifdef __cplusplus
}
#endif

#endif
