/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register(): the one entry every other file goes through
 * (uk__register), and the registrations that tune the ring itself: its fd,
 * enabling, clock, iowait, eventfds, personalities, io-wq workers, NAPI,
 * synchronous cancel and message, and memory regions.
 */
#include <sys/mman.h>
#include <string.h>
#include "internal/ring.h"

int uk__register(struct io_uring *ring, unsigned opcode, const void *arg,
		 unsigned nr_args)
{
	unsigned fd = (unsigned) ring->ring_fd;

	/* A registered ring index skips the fd lookup (Linux 6.3+). */
	if (ring->int_flags & UK_INT_REG_REG_RING) {
		opcode |= IORING_REGISTER_USE_REGISTERED_RING;
		fd = (unsigned) ring->enter_ring_fd;
	}
	return uk__sys_register(fd, opcode, arg, nr_args);
}

UK_EXPORT int io_uring_enable_rings(struct io_uring *ring)
{
	return uk__register(ring, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
}

UK_EXPORT int io_uring_register_ring_fd(struct io_uring *ring)
{
	struct io_uring_rsrc_update up;
	int ret;

	if (ring->int_flags & UK_INT_REG_RING)
		return -EEXIST;
	memset(&up, 0, sizeof(up));
	up.offset = -1U;	/* let the kernel pick a free slot */
	up.data = (unsigned) ring->ring_fd;
	ret = uk__register(ring, IORING_REGISTER_RING_FDS, &up, 1);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	ring->enter_ring_fd = (int) up.offset;
	ring->int_flags |= UK_INT_REG_RING;
	if (ring->features & IORING_FEAT_REG_REG_RING)
		ring->int_flags |= UK_INT_REG_REG_RING;
	return ret;
}

UK_EXPORT int io_uring_unregister_ring_fd(struct io_uring *ring)
{
	struct io_uring_rsrc_update up;
	int ret;

	if (!(ring->int_flags & UK_INT_REG_RING))
		return -EINVAL;
	memset(&up, 0, sizeof(up));
	up.offset = (unsigned) ring->enter_ring_fd;
	ret = uk__register(ring, IORING_UNREGISTER_RING_FDS, &up, 1);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	ring->enter_ring_fd = ring->ring_fd;
	ring->int_flags &= (__u8) ~(UK_INT_REG_RING | UK_INT_REG_REG_RING);
	return ret;
}

/*
 * Close the ring's file descriptor and keep using it through its registered
 * index only. Needs IORING_FEAT_REG_REG_RING (6.3): without it, register
 * calls would have no way to reach the ring.
 */
UK_EXPORT int io_uring_close_ring_fd(struct io_uring *ring)
{
	if (!(ring->features & IORING_FEAT_REG_REG_RING))
		return -EOPNOTSUPP;
	if (!(ring->int_flags & UK_INT_REG_RING))
		return -EINVAL;
	if (ring->ring_fd == -1)
		return -EBADF;
	uk__close(ring->ring_fd);
	ring->ring_fd = -1;
	return 1;
}

UK_EXPORT int io_uring_register_clock(struct io_uring *ring,
				      struct io_uring_clock_register *arg)
{
	return uk__register(ring, IORING_REGISTER_CLOCK, arg, 0);
}

/*
 * Whether waits in io_uring_enter() count as iowait (Linux 6.15,
 * IORING_FEAT_NO_IOWAIT). The choice rides on every later enter call.
 */
UK_EXPORT int io_uring_set_iowait(struct io_uring *ring, bool enable_iowait)
{
	if (!(ring->features & IORING_FEAT_NO_IOWAIT))
		return -EOPNOTSUPP;
	if (enable_iowait)
		ring->int_flags &= (__u8) ~UK_INT_NO_IOWAIT;
	else
		ring->int_flags |= UK_INT_NO_IOWAIT;
	return 0;
}

UK_EXPORT int io_uring_register_eventfd(struct io_uring *ring, int fd)
{
	return uk__register(ring, IORING_REGISTER_EVENTFD, &fd, 1);
}

UK_EXPORT int io_uring_register_eventfd_async(struct io_uring *ring, int fd)
{
	return uk__register(ring, IORING_REGISTER_EVENTFD_ASYNC, &fd, 1);
}

UK_EXPORT int io_uring_unregister_eventfd(struct io_uring *ring)
{
	return uk__register(ring, IORING_UNREGISTER_EVENTFD, NULL, 0);
}

UK_EXPORT int io_uring_register_personality(struct io_uring *ring)
{
	return uk__register(ring, IORING_REGISTER_PERSONALITY, NULL, 0);
}

UK_EXPORT int io_uring_unregister_personality(struct io_uring *ring, int id)
{
	return uk__register(ring, IORING_UNREGISTER_PERSONALITY, NULL,
			    (unsigned) id);
}

UK_EXPORT int io_uring_register_iowq_aff(struct io_uring *ring, size_t cpusz,
					 const cpu_set_t *mask)
{
	if (cpusz >= (1U << 31))
		return -EINVAL;
	return uk__register(ring, IORING_REGISTER_IOWQ_AFF, mask,
			    (unsigned) cpusz);
}

UK_EXPORT int io_uring_unregister_iowq_aff(struct io_uring *ring)
{
	return uk__register(ring, IORING_UNREGISTER_IOWQ_AFF, NULL, 0);
}

UK_EXPORT int io_uring_register_iowq_max_workers(struct io_uring *ring,
						 unsigned int *values)
{
	return uk__register(ring, IORING_REGISTER_IOWQ_MAX_WORKERS, values, 2);
}

UK_EXPORT int io_uring_register_sync_cancel(struct io_uring *ring,
				  struct io_uring_sync_cancel_reg *reg)
{
	return uk__register(ring, IORING_REGISTER_SYNC_CANCEL, reg, 1);
}

UK_EXPORT int io_uring_register_napi(struct io_uring *ring,
				     struct io_uring_napi *napi)
{
	return uk__register(ring, IORING_REGISTER_NAPI, napi, 1);
}

UK_EXPORT int io_uring_unregister_napi(struct io_uring *ring,
				       struct io_uring_napi *napi)
{
	return uk__register(ring, IORING_UNREGISTER_NAPI, napi, 1);
}

/* Post a message CQE to another ring without owning a ring (Linux 6.13). */
UK_EXPORT int io_uring_register_sync_msg(struct io_uring_sqe *sqe)
{
	return uk__sys_register(-1U, IORING_REGISTER_SEND_MSG_RING, sqe, 1);
}

UK_EXPORT int io_uring_register_region(struct io_uring *ring,
				       struct io_uring_mem_region_reg *reg)
{
	return uk__register(ring, IORING_REGISTER_MEM_REGION, reg, 1);
}

/*
 * The pre-release 6.13 interface this registered went away before any
 * kernel shipped it; wait arguments are now placed in a region registered
 * with io_uring_register_region() and IORING_MEM_REGION_REG_WAIT_ARG.
 * liburing answers -EINVAL, and so do we.
 */
UK_EXPORT int io_uring_register_wait_reg(struct io_uring *ring,
					 struct io_uring_reg_wait *reg, int nr)
{
	(void) ring;
	(void) reg;
	(void) nr;
	return -EINVAL;
}
