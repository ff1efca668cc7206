/* SPDX-License-Identifier: MIT */
/* Growing or shrinking the rings of a live ring (Linux 6.13). */
#include <string.h>
#include "internal/ring.h"

/*
 * Resize the rings of a live ring (Linux 6.13; the kernel requires
 * IORING_SETUP_DEFER_TASKRUN). The kernel moves pending SQEs and CQEs to
 * the new rings; we remap them and keep our private SQ counters.
 */
UK_EXPORT int io_uring_resize_rings(struct io_uring *ring,
				    struct io_uring_params *p)
{
	struct io_uring tmp;
	unsigned sqe_head, sqe_tail;
	int ret;

	if (!ring || !p)
		return -EINVAL;
	if (ring->flags & IORING_SETUP_NO_MMAP)
		return -EINVAL;	/* new memory would have to come from the caller */
	if (ring->ring_fd < 0)
		return -EBADF;	/* the new rings can only be mapped through the fd */

	/*
	 * The kernel checks that the SQEs it has been shown fit the new SQ;
	 * the ones handed out but not yet submitted, which we carry over
	 * below, must fit too, or they would overwrite each other.
	 */
	if (p->sq_entries) {
		unsigned new_sq = p->sq_entries;
		unsigned pending = ring->sq.sqe_tail - *ring->sq.khead;

		if (new_sq > UK_MAX_SQ_ENTRIES && (p->flags & IORING_SETUP_CLAMP))
			new_sq = UK_MAX_SQ_ENTRIES;
		if (new_sq <= UK_MAX_SQ_ENTRIES) {
			new_sq = uk__roundup_pow2(new_sq);
			if (pending > new_sq)
				return -EOVERFLOW;
		}
	}

	memset(&p->sq_off, 0, sizeof(p->sq_off));
	memset(&p->cq_off, 0, sizeof(p->cq_off));
	ret = uk__register(ring, IORING_REGISTER_RESIZE_RINGS, p, 1);
	if (ret < 0)
		return ret;

	/* The resize has happened: map the new rings before dropping the old. */
	{
		struct io_uring_params np = *p;

		np.flags = ring->flags;
		np.features = ring->features;
		/*
		 * Linux 6.13-6.18 report sq_off.array as 0 after a resize;
		 * trusting it would aim the SQ index array at the ring
		 * header. The array follows the CQEs, as at setup.
		 */
		if (!(np.flags & IORING_SETUP_NO_SQARRAY) && !np.sq_off.array)
			np.sq_off.array = (__u32) uk__sq_array_offset(np.flags,
								   np.cq_entries);
		ret = io_uring_queue_mmap(ring->ring_fd, &np, &tmp);
		if (ret < 0)
			return ret;
	}

	/*
	 * SQEs handed out but not yet submitted live only in the old array:
	 * carry them over to the same ring positions in the new one.
	 */
	sqe_head = ring->sq.sqe_head;
	sqe_tail = ring->sq.sqe_tail;
	for (unsigned i = sqe_head; i != sqe_tail; i++) {
		unsigned shift = io_uring_sqe_shift(ring);

		memcpy(&tmp.sq.sqes[(i & tmp.sq.ring_mask) << shift],
		       &ring->sq.sqes[(i & ring->sq.ring_mask) << shift],
		       sizeof(struct io_uring_sqe) << shift);
	}
	uk__unmap_rings(ring);

	ring->sq = tmp.sq;
	ring->cq = tmp.cq;
	ring->sq.sqe_head = sqe_head;
	ring->sq.sqe_tail = sqe_tail;
	return 0;
}
