/* SPDX-License-Identifier: MIT */
/*
 * Provided-buffer rings (IORING_REGISTER_PBUF_RING, Linux 5.19): a ring of
 * buffer descriptors the application fills and the kernel picks from.
 */
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>
#include "internal/ring.h"

/*
 * flags (IOU_PBUF_RING_*) are added to reg->flags before the call, as
 * liburing does: a caller may pass IOU_PBUF_RING_INC either way, and the
 * kernel must see it (incremental consumption, IORING_CQE_F_BUF_MORE).
 */
UK_EXPORT int io_uring_register_buf_ring(struct io_uring *ring,
					 struct io_uring_buf_reg *reg,
					 unsigned int flags)
{
	/* NULL goes to the kernel, which answers -EINVAL */
	if (reg)
		reg->flags |= (__u16) flags;
	return uk__register(ring, IORING_REGISTER_PBUF_RING, reg, 1);
}

UK_EXPORT int io_uring_unregister_buf_ring(struct io_uring *ring, int bgid)
{
	struct io_uring_buf_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.bgid = (__u16) bgid;
	return uk__register(ring, IORING_UNREGISTER_PBUF_RING, &reg, 1);
}

/* The kernel's consumer head of a buffer ring (Linux 6.8). */
UK_EXPORT int io_uring_buf_ring_head(struct io_uring *ring, int buf_group,
				     uint16_t *head)
{
	struct io_uring_buf_status status;
	int ret;

	memset(&status, 0, sizeof(status));
	status.buf_group = (__u32) buf_group;
	ret = uk__register(ring, IORING_REGISTER_PBUF_STATUS, &status, 1);
	if (ret)
		return ret;
	*head = (uint16_t) status.head;
	return 0;
}

static size_t buf_ring_bytes(unsigned int nentries)
{
	return uk__page_align((size_t) nentries * sizeof(struct io_uring_buf));
}

/*
 * Allocate, register and initialise a buffer ring of nentries (a power of
 * two, at most 32768). With IOU_PBUF_RING_MMAP the kernel allocates the
 * memory and we map it; otherwise it comes from an anonymous mapping.
 * Returns the ring, or NULL with *err set and nothing left behind.
 */
UK_EXPORT struct io_uring_buf_ring *io_uring_setup_buf_ring(
	struct io_uring *ring, unsigned int nentries, int bgid,
	unsigned int flags, int *err)
{
	struct io_uring_buf_reg reg;
	size_t len;
	void *br = NULL;
	int ret;

	*err = 0;
	if (!nentries || (nentries & (nentries - 1)) || nentries > 32768) {
		*err = -EINVAL;
		return NULL;
	}
	len = buf_ring_bytes(nentries);
	memset(&reg, 0, sizeof(reg));
	reg.ring_entries = nentries;
	reg.bgid = (__u16) bgid;
	reg.flags = (__u16) flags;

	if (!(flags & IOU_PBUF_RING_MMAP)) {
		ret = uk__mmap(&br, len, PROT_READ | PROT_WRITE,
			       MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
		if (ret) {
			*err = ret;
			return NULL;
		}
		reg.ring_addr = (unsigned long) br;
	}

	ret = io_uring_register_buf_ring(ring, &reg, flags);
	if (ret) {
		if (br)
			uk__munmap(br, len);
		*err = ret;
		return NULL;
	}

	if (flags & IOU_PBUF_RING_MMAP) {
		long off = (long) (IORING_OFF_PBUF_RING |
				   ((__u64) (__u16) bgid << IORING_OFF_PBUF_SHIFT));

		ret = uk__mmap(&br, len, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_POPULATE, ring->ring_fd, off);
		if (ret) {
			*err = ret;
			io_uring_unregister_buf_ring(ring, bgid);
			return NULL;
		}
	}
	/* An empty ring: the kernel sees no buffers until the tail moves. */
	((struct io_uring_buf_ring *) br)->tail = 0;
	return br;
}

UK_EXPORT int io_uring_free_buf_ring(struct io_uring *ring,
				     struct io_uring_buf_ring *br,
				     unsigned int nentries, int bgid)
{
	int ret = io_uring_unregister_buf_ring(ring, bgid);

	if (ret)
		return ret;
	uk__munmap(br, buf_ring_bytes(nentries));
	return 0;
}
