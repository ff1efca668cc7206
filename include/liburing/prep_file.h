/* SPDX-License-Identifier: MIT */
/*
 * uringkit: inline io_uring_prep_* helpers for file I/O: reads and writes
 * through registered buffers, multishot reads, syncing, space allocation,
 * access advice, truncation, splice/tee, pipes, the fixed file table and
 * driver commands (uring_cmd). Included by <liburing.h>.
 *
 * Every helper starts from io_uring_prep_rw(), which writes every field of
 * the 64-byte SQE, and then fills in what its opcode needs. How the kernel
 * reads the SQE for these opcodes (Linux 6.18):
 *
 *   opcode            fd        off         addr        len       word@28   other
 *   READ_FIXED        file      position    buffer      bytes     rw_flags  buf_index
 *   WRITE_FIXED       file      position    buffer      bytes     rw_flags  buf_index
 *   READV_FIXED       file      position    iovec[]     nr iovec  rw_flags  buf_index
 *   WRITEV_FIXED      file      position    iovec[]     nr iovec  rw_flags  buf_index
 *   READ_MULTISHOT    file      position    0           0         rw_flags  buf_group
 *   FSYNC             file      range start -           range len fsync_flags
 *   SYNC_FILE_RANGE   file      start       -           bytes     sync_range_flags
 *   FALLOCATE         file      start       length      mode      -
 *   FADVISE           file      start       length(64)  length    fadvise_advice
 *   MADVISE           -         length(64)  address     length    fadvise_advice
 *   FTRUNCATE         file      new size    -           -         -
 *   SPLICE            out fd    out offset  in offset   bytes     splice_flags  splice_fd_in
 *   TEE               out fd    -           -           bytes     splice_flags  splice_fd_in
 *   PIPE              0         -           int fds[2]  -         pipe_flags    file_index
 *   FILES_UPDATE      -1        first slot  int fds[]   nr fds    -
 *   FIXED_FD_INSTALL  slot      -           -           -         install_fd_flags
 *   URING_CMD         file      cmd_op      per command -         uring_cmd_flags  cmd[]
 *
 * FADVISE and MADVISE take the 64-bit length from addr (FADVISE) or off
 * (MADVISE) when it is non-zero, and fall back to the 32-bit len otherwise;
 * the "64" helpers use the wide field. Fields marked "-" must be zero: for
 * many of these opcodes the kernel fails a request with -EINVAL when they
 * are not, so an SQE recycled from an earlier request must be cleaned.
 *
 * Since io_uring_prep_rw() resets sqe->flags, IOSQE_* flags (links,
 * IOSQE_FIXED_FILE, ...) are set after the prep call; two helpers here set
 * one themselves because their opcode cannot work without it.
 */
#ifndef LIBURING_PREP_FILE_H
#define LIBURING_PREP_FILE_H

#ifndef LIB_URING_H
#error "include <liburing.h>, not <liburing/prep_file.h>"
#endif

/*
 * The block layer's discard command for IORING_OP_URING_CMD (6.12). It lives
 * in <linux/blkdev.h>, which older systems do not have; the definition is the
 * kernel's own, token for token, so both may be seen in one translation unit.
 */
#ifndef BLOCK_URING_CMD_DISCARD
#include <linux/ioctl.h>
#define BLOCK_URING_CMD_DISCARD			_IO(0x12, 0)
#endif
#ifndef BLOCK_URING_CMD_ZONE_RESET_ALL
#include <linux/ioctl.h>
#define BLOCK_URING_CMD_ZONE_RESET_ALL		_IO(0x12, 1)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- registered buffers ------------------------------------------------- */

/*
 * Read nbytes at offset into buf, which must lie inside registered buffer
 * buf_index (io_uring_register_buffers()). The kernel uses the pages pinned
 * at registration instead of mapping buf for every request.
 */
IOURINGINLINE void io_uring_prep_read_fixed(struct io_uring_sqe *sqe, int fd,
					    void *buf, unsigned nbytes,
					    __u64 offset, int buf_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_READ_FIXED, sqe, fd, buf, nbytes, offset);
	sqe->buf_index = (__u16) buf_index;
}

/* The write counterpart of io_uring_prep_read_fixed(). */
IOURINGINLINE void io_uring_prep_write_fixed(struct io_uring_sqe *sqe, int fd,
					     const void *buf, unsigned nbytes,
					     __u64 offset, int buf_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_WRITE_FIXED, sqe, fd, buf, nbytes, offset);
	sqe->buf_index = (__u16) buf_index;
}

/*
 * preadv2(2) into memory of registered buffer buf_index (6.15): every
 * iovec must point inside that one buffer. flags are RWF_* flags.
 */
IOURINGINLINE void io_uring_prep_readv_fixed(struct io_uring_sqe *sqe, int fd,
					     const struct iovec *iovecs,
					     unsigned nr_vecs, __u64 offset,
					     int flags, int buf_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_READV_FIXED, sqe, fd, iovecs, nr_vecs,
			 offset);
	sqe->rw_flags = (__kernel_rwf_t) flags;
	sqe->buf_index = (__u16) buf_index;
}

/* pwritev2(2) from registered buffer buf_index (6.15). */
IOURINGINLINE void io_uring_prep_writev_fixed(struct io_uring_sqe *sqe,
					      int fd,
					      const struct iovec *iovecs,
					      unsigned nr_vecs, __u64 offset,
					      int flags, int buf_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_WRITEV_FIXED, sqe, fd, iovecs, nr_vecs,
			 offset);
	sqe->rw_flags = (__kernel_rwf_t) flags;
	sqe->buf_index = (__u16) buf_index;
}

/*
 * Multishot read (6.7): every time the file (which must support poll, e.g.
 * a pipe) has data, the kernel takes a buffer from provided-buffer group
 * buf_group, reads into it and posts a CQE with IORING_CQE_F_MORE, until an
 * error, end of file or a lack of buffers ends the request. The buffer
 * comes from the group, so there is no address; pass nbytes 0 (each read
 * is bounded by the buffer's own length; Linux 6.18 rejects any other
 * value with -EINVAL).
 */
IOURINGINLINE void io_uring_prep_read_multishot(struct io_uring_sqe *sqe,
						int fd, unsigned nbytes,
						__u64 offset, int buf_group)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_READ_MULTISHOT, sqe, fd, NULL, nbytes,
			 offset);
	sqe->buf_group = (__u16) buf_group;
	sqe->flags = IOSQE_BUFFER_SELECT;
}

/* ---- syncing, allocation, advice, size -------------------------------- */

/*
 * fsync(2), or fdatasync(2) with IORING_FSYNC_DATASYNC. The whole file is
 * synced (off and len stay 0, which the kernel reads as "to the end").
 */
IOURINGINLINE void io_uring_prep_fsync(struct io_uring_sqe *sqe, int fd,
				       unsigned fsync_flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FSYNC, sqe, fd, NULL, 0, 0);
	sqe->fsync_flags = fsync_flags;
}

/* sync_file_range(2) on [offset, offset + len); len 0 means to the end. */
IOURINGINLINE void io_uring_prep_sync_file_range(struct io_uring_sqe *sqe,
						 int fd, unsigned len,
						 __u64 offset, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SYNC_FILE_RANGE, sqe, fd, NULL, len,
			 offset);
	sqe->sync_range_flags = (__u32) flags;
}

/*
 * fallocate(2): mode (FALLOC_FL_*) travels in len, the 64-bit length in
 * addr.
 */
IOURINGINLINE void io_uring_prep_fallocate(struct io_uring_sqe *sqe, int fd,
					   int mode, __u64 offset, __u64 len)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FALLOCATE, sqe, fd, NULL, (unsigned) mode,
			 offset);
	sqe->addr = len;
}

/* posix_fadvise(2) with a 32-bit length (0: to the end of the file). */
IOURINGINLINE void io_uring_prep_fadvise(struct io_uring_sqe *sqe, int fd,
					 __u64 offset, __u32 len, int advice)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FADVISE, sqe, fd, NULL, len, offset);
	sqe->fadvise_advice = (__u32) advice;
}

/*
 * posix_fadvise(2) with a 64-bit length, carried in addr. Kernels before
 * 6.8 know only the 32-bit len and fail a non-zero addr with -EINVAL.
 */
IOURINGINLINE void io_uring_prep_fadvise64(struct io_uring_sqe *sqe, int fd,
					   __u64 offset, off_t len, int advice)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FADVISE, sqe, fd, NULL, 0, offset);
	sqe->addr = (__u64) len;
	sqe->fadvise_advice = (__u32) advice;
}

/* madvise(2) on [addr, addr + length) of this process. */
IOURINGINLINE void io_uring_prep_madvise(struct io_uring_sqe *sqe, void *addr,
					 __u32 length, int advice)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MADVISE, sqe, -1, addr, length, 0);
	sqe->fadvise_advice = (__u32) advice;
}

/*
 * madvise(2) with a 64-bit length, carried in off. Kernels before 6.8 know
 * only the 32-bit len and fail a non-zero off with -EINVAL.
 */
IOURINGINLINE void io_uring_prep_madvise64(struct io_uring_sqe *sqe,
					   void *addr, off_t length,
					   int advice)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MADVISE, sqe, -1, addr, 0, (__u64) length);
	sqe->fadvise_advice = (__u32) advice;
}

#ifdef _GNU_SOURCE
/*
 * ftruncate(2) to len bytes (6.9). As in liburing, only with _GNU_SOURCE,
 * which is what makes <sys/types.h> define loff_t.
 */
IOURINGINLINE void io_uring_prep_ftruncate(struct io_uring_sqe *sqe, int fd,
					   loff_t len)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FTRUNCATE, sqe, fd, NULL, 0, (__u64) len);
}
#endif

/* ---- splice and tee ----------------------------------------------------- */

/*
 * splice(2): move up to nbytes from fd_in to fd_out, one of which must be a
 * pipe. An offset of -1 means "no offset": the file position is used (and
 * is the only choice for the pipe side). With SPLICE_F_FD_IN_FIXED in
 * splice_flags, fd_in is an index into the fixed file table; fd_out follows
 * IOSQE_FIXED_FILE as usual.
 */
IOURINGINLINE void io_uring_prep_splice(struct io_uring_sqe *sqe,
					int fd_in, int64_t off_in,
					int fd_out, int64_t off_out,
					unsigned int nbytes,
					unsigned int splice_flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SPLICE, sqe, fd_out, NULL, nbytes,
			 (__u64) off_out);
	sqe->splice_off_in = (__u64) off_in;
	sqe->splice_fd_in = fd_in;
	sqe->splice_flags = splice_flags;
}

/* tee(2): copy up to nbytes from pipe fd_in to pipe fd_out, consuming none. */
IOURINGINLINE void io_uring_prep_tee(struct io_uring_sqe *sqe,
				     int fd_in, int fd_out,
				     unsigned int nbytes,
				     unsigned int splice_flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_TEE, sqe, fd_out, NULL, nbytes, 0);
	sqe->splice_fd_in = fd_in;
	sqe->splice_flags = splice_flags;
}

/* ---- pipes and the fixed file table ------------------------------------ */

/*
 * pipe2(2) (6.16): on success fds[0] is the read end, fds[1] the write end.
 * pipe_flags: O_CLOEXEC, O_NONBLOCK, O_DIRECT, O_NOTIFICATION_PIPE.
 */
IOURINGINLINE void io_uring_prep_pipe(struct io_uring_sqe *sqe, int *fds,
				      int pipe_flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_PIPE, sqe, 0, fds, 0, 0);
	__io_uring_set_op_flags(sqe, (__u32) pipe_flags);
}

/*
 * As io_uring_prep_pipe(), but the two ends become direct descriptors:
 * slots file_index (read end) and file_index + 1 (write end) of the fixed
 * file table, or any two free slots with IORING_FILE_INDEX_ALLOC; fds then
 * receives the slot numbers the kernel picked. O_CLOEXEC is meaningless for
 * slots and the kernel refuses it.
 */
IOURINGINLINE void io_uring_prep_pipe_direct(struct io_uring_sqe *sqe,
					     int *fds, int pipe_flags,
					     unsigned int file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_pipe(sqe, fds, pipe_flags);
	__io_uring_set_direct_slot(sqe, file_index);
}

/*
 * Replace nr_fds slots of the fixed file table, starting at slot offset,
 * with the descriptors in fds (-1 empties a slot, IORING_REGISTER_FILES_SKIP
 * leaves it alone). The asynchronous form of io_uring_register_files_update().
 * With offset IORING_FILE_INDEX_ALLOC the kernel picks free slots and writes
 * their numbers back into fds.
 */
IOURINGINLINE void io_uring_prep_files_update(struct io_uring_sqe *sqe,
					      int *fds, unsigned nr_fds,
					      int offset)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FILES_UPDATE, sqe, -1, fds, nr_fds,
			 (__u64) offset);
}

/*
 * Turn direct descriptor fd (a slot of the fixed file table) into a normal
 * file descriptor of this process (6.8); cqe->res is the new fd. It is
 * O_CLOEXEC unless flags holds IORING_FIXED_FD_NO_CLOEXEC. The opcode only
 * works on fixed files, so IOSQE_FIXED_FILE is set here.
 */
IOURINGINLINE void io_uring_prep_fixed_fd_install(struct io_uring_sqe *sqe,
						  int fd, unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FIXED_FD_INSTALL, sqe, fd, NULL, 0, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	__io_uring_set_op_flags(sqe, flags);
}

/* ---- driver commands --------------------------------------------------- */

/*
 * A command for the file's driver (->uring_cmd), with opcode op. cmd_op
 * selects the command; its arguments go in the fields the driver reads
 * (addr, addr3, the cmd[] area, ...), filled in after this call.
 */
IOURINGINLINE void __io_uring_prep_uring_cmd(struct io_uring_sqe *sqe, int op,
					     __u32 cmd_op, int fd)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(op, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = cmd_op;
	sqe->__pad1 = 0;
}

/*
 * IORING_OP_URING_CMD (5.19): the generic driver passthrough. The first 16
 * bytes of the command area (cmd[], sqe->addr3 onwards) are cleared; on an
 * IORING_SETUP_SQE128 ring the area continues for 64 more bytes, which the
 * caller fills in.
 */
IOURINGINLINE void io_uring_prep_uring_cmd(struct io_uring_sqe *sqe,
					   int cmd_op, int fd)
	LIBURING_NOEXCEPT
{
	__io_uring_prep_uring_cmd(sqe, IORING_OP_URING_CMD, (__u32) cmd_op,
				  fd);
}

/*
 * IORING_OP_URING_CMD128 (6.19): the same command in a 128-byte slot of an
 * IORING_SETUP_SQE_MIXED ring (see io_uring_get_sqe128()); only the first
 * 64 bytes are written here.
 */
IOURINGINLINE void io_uring_prep_uring_cmd128(struct io_uring_sqe *sqe,
					      int cmd_op, int fd)
	LIBURING_NOEXCEPT
{
	__io_uring_prep_uring_cmd(sqe, IORING_OP_URING_CMD128, (__u32) cmd_op,
				  fd);
}

/*
 * Discard nbytes at byte offset of block device fd (6.12): the block
 * layer's BLOCK_URING_CMD_DISCARD, with the range in addr and addr3. Both
 * must be multiples of the device's logical block size and fd must be open
 * for writing.
 */
IOURINGINLINE void io_uring_prep_cmd_discard(struct io_uring_sqe *sqe, int fd,
					     uint64_t offset, uint64_t nbytes)
	LIBURING_NOEXCEPT
{
	io_uring_prep_uring_cmd(sqe, (int) BLOCK_URING_CMD_DISCARD, fd);
	sqe->addr = offset;
	sqe->addr3 = nbytes;
}

/*
 * Reset every sequential-write-required zone of zoned block device fd
 * (the block layer's BLOCK_URING_CMD_ZONE_RESET_ALL, liburing 2.16; a
 * kernel newer than 7.0). The command carries no argument. Like discard,
 * it does not order itself against other I/O to the device, and the page
 * cache is only invalidated as a best effort.
 */
IOURINGINLINE void io_uring_prep_cmd_zone_reset_all(struct io_uring_sqe *sqe,
						    int fd)
	LIBURING_NOEXCEPT
{
	io_uring_prep_uring_cmd(sqe, (int) BLOCK_URING_CMD_ZONE_RESET_ALL, fd);
}

#ifdef __cplusplus
}
#endif

#endif
