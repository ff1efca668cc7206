/* SPDX-License-Identifier: MIT */
/*
 * uringkit: inline helpers for provided buffers. Included by <liburing.h>.
 *
 * Two ways exist to give the kernel buffers that requests with
 * IOSQE_BUFFER_SELECT pick from when they have data to store:
 *
 *  - a provided-buffer ring (Linux 5.19, io_uring_setup_buf_ring() or
 *    io_uring_register_buf_ring()): an array of struct io_uring_buf the
 *    application fills and the kernel consumes, no system call per buffer;
 *  - the legacy IORING_OP_PROVIDE_BUFFERS / IORING_OP_REMOVE_BUFFERS
 *    requests (Linux 5.7), which hand buffers over through the SQ.
 *
 * The ring protocol. The application is the only producer, the kernel the
 * only consumer. Both count entries with free-running 16-bit indexes: the
 * application owns the tail (stored in the ring's first entry, in the
 * bytes that are bufs[0].resv), the kernel keeps its head privately
 * (io_uring_buf_ring_head() asks for it). Entry i lives in slot
 * i & (ring_entries - 1). Entries tail - head .. are free; at most
 * ring_entries may be outstanding, which the application must ensure (the
 * kernel cannot detect an overwrite of an entry it has not consumed yet).
 *
 * Adding buffers is two steps: io_uring_buf_ring_add() writes entries at
 * tail + 0, tail + 1, ... without moving the tail, then
 * io_uring_buf_ring_advance() publishes them all at once by storing the
 * new tail. A CQE that used a buffer carries IORING_CQE_F_BUFFER and the
 * buffer id in its upper 16 bits (cqe->flags >> IORING_CQE_BUFFER_SHIFT).
 * With IOU_PBUF_RING_INC (Linux 6.12) the kernel may take a buffer in
 * pieces: it then rewrites that entry's addr and len as it goes, and the
 * CQE says IORING_CQE_F_BUF_MORE while the buffer is not used up.
 */
#ifndef LIBURING_BUF_RING_H
#define LIBURING_BUF_RING_H

#ifndef LIB_URING_H
#error "include <liburing.h>, not <liburing/buf_ring.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- provided-buffer rings ---------------------------------------------- */

/*
 * The mask that turns a ring index into a slot number, for a ring of
 * ring_entries (a power of two) entries. Pass it to io_uring_buf_ring_add().
 */
IOURINGINLINE int io_uring_buf_ring_mask(__u32 ring_entries)
	LIBURING_NOEXCEPT
{
	return (int) (ring_entries - 1);
}

/*
 * Reset the tail of a ring the application allocated itself: the kernel
 * then sees no buffers. Only for a ring nobody is consuming from yet
 * (io_uring_setup_buf_ring() already returns an initialised ring).
 */
IOURINGINLINE void io_uring_buf_ring_init(struct io_uring_buf_ring *br)
	LIBURING_NOEXCEPT
{
	br->tail = 0;
}

/*
 * Write buffer bid (addr, len bytes) into the entry buf_offset places past
 * the current tail. Nothing is visible to the kernel until
 * io_uring_buf_ring_advance(); when several buffers are added before one
 * advance, the first goes at buf_offset 0, the next at 1, and so on.
 *
 * The fields are stored one by one on purpose: for the entry in slot 0,
 * bytes 14..15 are the ring's tail, which a whole-struct store would
 * overwrite.
 */
IOURINGINLINE void io_uring_buf_ring_add(struct io_uring_buf_ring *br,
					 void *addr, unsigned int len,
					 unsigned short bid, int mask,
					 int buf_offset)
	LIBURING_NOEXCEPT
{
	/* Unsigned: any buf_offset wraps like the 16-bit index it extends. */
	struct io_uring_buf *buf =
		&br->bufs[((unsigned) br->tail + (unsigned) buf_offset) &
			  (unsigned) mask];

	buf->addr = (unsigned long) addr;
	buf->len = len;
	buf->bid = bid;
}

/*
 * Publish count entries written by io_uring_buf_ring_add(): move the tail.
 *
 * The kernel reads the tail first and the entries below it afterwards
 * (with an acquire load of the tail on its side). The tail is therefore
 * stored with release semantics: every entry written before this call is
 * visible to the kernel before the new tail is, so it can never pick up an
 * entry whose address or length is still being written. The tail wraps at
 * 65536, as the kernel's head does.
 */
IOURINGINLINE void io_uring_buf_ring_advance(struct io_uring_buf_ring *br,
					     int count)
	LIBURING_NOEXCEPT
{
	unsigned short tail = (unsigned short) ((unsigned) br->tail +
						(unsigned) count);

	io_uring_smp_store_release(&br->tail, tail);
}

/*
 * Publish buf_count added buffers and mark cq_count CQEs as seen, in one
 * call: the usual step after handling a batch of completions whose
 * buffers are recycled into the ring straight away.
 */
IOURINGINLINE void __io_uring_buf_ring_cq_advance(struct io_uring *ring,
						  struct io_uring_buf_ring *br,
						  int cq_count, int buf_count)
	LIBURING_NOEXCEPT
{
	io_uring_buf_ring_advance(br, buf_count);
	io_uring_cq_advance(ring, (unsigned) cq_count);
}

/* The same with one count for both rings. */
IOURINGINLINE void io_uring_buf_ring_cq_advance(struct io_uring *ring,
						struct io_uring_buf_ring *br,
						int count)
	LIBURING_NOEXCEPT
{
	__io_uring_buf_ring_cq_advance(ring, br, count, count);
}

/*
 * How many published buffers the kernel has not taken yet: the tail minus
 * the kernel's head (asked with IORING_REGISTER_PBUF_STATUS, Linux 6.8).
 * Returns that count (0 .. ring entries), or a negative errno: -ENOENT for
 * an unknown group, -EINVAL for a group without a ring or an older kernel.
 * With requests in flight the answer may be stale by the time it returns.
 */
IOURINGINLINE int io_uring_buf_ring_available(struct io_uring *ring,
					      struct io_uring_buf_ring *br,
					      unsigned short bgid)
	LIBURING_NOEXCEPT
{
	uint16_t head;
	int ret = io_uring_buf_ring_head(ring, bgid, &head);

	if (ret)
		return ret;
	/* Both indexes wrap at 65536: the 16-bit difference is the count. */
	return (uint16_t) (br->tail - head);
}

/* ---- legacy provided buffers (IORING_OP_PROVIDE_BUFFERS) ---------------- */

/*
 * Hand nr buffers of len bytes each, laid out back to back from addr, to
 * buffer group bgid, with ids bid, bid + 1, ... The CQE's res is 0 on
 * success or a negative errno (-ENOMEM when not one buffer could be added).
 *
 * SQE use: fd = nr, addr = addr, len = len, off = first bid,
 * buf_group = bgid.
 */
IOURINGINLINE void io_uring_prep_provide_buffers(struct io_uring_sqe *sqe,
						 void *addr, int len, int nr,
						 int bgid, int bid)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_PROVIDE_BUFFERS, sqe, nr, addr,
			 (unsigned) len, (__u64) bid);
	sqe->buf_group = (__u16) bgid;
}

/*
 * Take back up to nr buffers that group bgid still holds (the kernel has
 * not used them). The CQE's res is the number actually removed, or
 * -ENOENT when the group has no buffers at all.
 *
 * SQE use: fd = nr, buf_group = bgid, everything else zero.
 */
IOURINGINLINE void io_uring_prep_remove_buffers(struct io_uring_sqe *sqe,
						int nr, int bgid)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_REMOVE_BUFFERS, sqe, nr, NULL, 0, 0);
	sqe->buf_group = (__u16) bgid;
}

#ifdef __cplusplus
}
#endif

#endif /* LIBURING_BUF_RING_H */
