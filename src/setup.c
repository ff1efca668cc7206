/* SPDX-License-Identifier: MIT */
/*
 * Ring setup and teardown: io_uring_setup(), mapping (or placing) the rings,
 * and the memory-size calculations that must agree with the kernel's.
 *
 * Ring memory as the kernel lays it out (Linux 6.18, io_uring/io_uring.c):
 *   rings region: a 64-byte header (heads, tails, masks, flags), the CQE
 *                 array, cache-line aligned, then the SQ index array of
 *                 sq_entries u32 (absent with IORING_SETUP_NO_SQARRAY).
 *                 With CQE32 the header+CQE part is doubled as a whole.
 *   SQE region:   sq_entries SQEs of 64 bytes (128 with SQE128).
 * Each region is mapped (or, with IORING_SETUP_NO_MMAP, pinned) in whole
 * pages.
 */
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>
#include "internal/ring.h"

#define UK_RINGS_HEADER		64	/* offsetof(struct io_rings, cqes) */
#define UK_CACHELINE		64

/*
 * Where the SQ index array starts in the rings region: after the header and
 * the CQEs, cache-line aligned. The kernel doubles header and CQEs together
 * for CQE32.
 */
size_t uk__sq_array_offset(unsigned flags, unsigned cq_entries)
{
	size_t off = UK_RINGS_HEADER +
		     (size_t) cq_entries * sizeof(struct io_uring_cqe);

	if (flags & IORING_SETUP_CQE32)
		off <<= 1;
	return uk__align_up(off, UK_CACHELINE);
}

/*
 * The entry counts and region sizes the kernel will use for these
 * parameters, with the kernel's own validation order so that bad
 * parameters get the errno the kernel would return.
 */
int uk__ring_layout(unsigned entries, const struct io_uring_params *p,
		    struct uk_ring_layout *out)
{
	unsigned flags = p ? p->flags : 0;
	unsigned sq, cq;
	size_t rings;

	if (!entries)
		return -EINVAL;
	if (entries > UK_MAX_SQ_ENTRIES) {
		if (!(flags & IORING_SETUP_CLAMP))
			return -EINVAL;
		entries = UK_MAX_SQ_ENTRIES;
	}
	if ((flags & IORING_SETUP_REGISTERED_FD_ONLY) &&
	    !(flags & IORING_SETUP_NO_MMAP))
		return -EINVAL;
	if ((flags & IORING_SETUP_SQE128) && (flags & IORING_SETUP_SQE_MIXED))
		return -EINVAL;
	if ((flags & IORING_SETUP_CQE32) && (flags & IORING_SETUP_CQE_MIXED))
		return -EINVAL;
	/* Flags that need (or exclude) a companion: the kernel's rules. */
	if ((flags & IORING_SETUP_SQPOLL) &&
	    (flags & (IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG |
		      IORING_SETUP_DEFER_TASKRUN)))
		return -EINVAL;
	if ((flags & IORING_SETUP_TASKRUN_FLAG) &&
	    !(flags & (IORING_SETUP_COOP_TASKRUN |
		       IORING_SETUP_DEFER_TASKRUN)))
		return -EINVAL;
	if ((flags & IORING_SETUP_DEFER_TASKRUN) &&
	    !(flags & IORING_SETUP_SINGLE_ISSUER))
		return -EINVAL;
	if ((flags & IORING_SETUP_HYBRID_IOPOLL) &&
	    !(flags & IORING_SETUP_IOPOLL))
		return -EINVAL;

	sq = uk__roundup_pow2(entries);
	if (flags & IORING_SETUP_CQSIZE) {
		cq = p->cq_entries;
		if (!cq)
			return -EINVAL;
		if (cq > UK_MAX_CQ_ENTRIES) {
			if (!(flags & IORING_SETUP_CLAMP))
				return -EINVAL;
			cq = UK_MAX_CQ_ENTRIES;
		}
		cq = uk__roundup_pow2(cq);
		if (cq < sq)
			return -EINVAL;
	} else {
		cq = 2 * sq;
	}
	/*
	 * A mixed-size ring must hold one big entry (two slots); the kernel
	 * finds that out while sizing the rings, hence its -EOVERFLOW.
	 */
	if ((flags & IORING_SETUP_CQE_MIXED) && cq < 2)
		return -EOVERFLOW;
	if ((flags & IORING_SETUP_SQE_MIXED) && sq < 2)
		return -EOVERFLOW;

	rings = uk__sq_array_offset(flags, cq);
	if (!(flags & IORING_SETUP_NO_SQARRAY))
		rings += (size_t) sq * sizeof(__u32);

	out->sq_entries = sq;
	out->cq_entries = cq;
	out->rings_size = rings;
	out->sqes_size = (size_t) sq * sizeof(struct io_uring_sqe)
			 << io_uring_sqe_shift_from_flags(flags);
	out->rings_region = uk__page_align(out->rings_size);
	out->sqes_region = uk__page_align(out->sqes_size);
	return 0;
}

/* Point the ring's fields at the kernel's, from the offsets it reported. */
static void setup_pointers(struct io_uring *ring,
			      const struct io_uring_params *p,
			      char *sq_base, char *cq_base,
			      struct io_uring_sqe *sqes)
{
	struct io_uring_sq *sq = &ring->sq;
	struct io_uring_cq *cq = &ring->cq;

	sq->khead = (unsigned *) (sq_base + p->sq_off.head);
	sq->ktail = (unsigned *) (sq_base + p->sq_off.tail);
	sq->kring_mask = (unsigned *) (sq_base + p->sq_off.ring_mask);
	sq->kring_entries = (unsigned *) (sq_base + p->sq_off.ring_entries);
	sq->kflags = (unsigned *) (sq_base + p->sq_off.flags);
	sq->kdropped = (unsigned *) (sq_base + p->sq_off.dropped);
	if (!(p->flags & IORING_SETUP_NO_SQARRAY))
		sq->array = (unsigned *) (sq_base + p->sq_off.array);
	sq->sqes = sqes;
	sq->ring_mask = *sq->kring_mask;
	sq->ring_entries = *sq->kring_entries;

	cq->khead = (unsigned *) (cq_base + p->cq_off.head);
	cq->ktail = (unsigned *) (cq_base + p->cq_off.tail);
	cq->kring_mask = (unsigned *) (cq_base + p->cq_off.ring_mask);
	cq->kring_entries = (unsigned *) (cq_base + p->cq_off.ring_entries);
	cq->koverflow = (unsigned *) (cq_base + p->cq_off.overflow);
	cq->cqes = (struct io_uring_cqe *) (cq_base + p->cq_off.cqes);
	if (p->cq_off.flags)	/* 0 before Linux 5.8 */
		cq->kflags = (unsigned *) (cq_base + p->cq_off.flags);
	cq->ring_mask = *cq->kring_mask;
	cq->ring_entries = *cq->kring_entries;

	/*
	 * liburing's inline code never writes the SQ index array, so slot i
	 * always names SQE i. Programs built against liburing rely on this.
	 */
	if (sq->array) {
		for (unsigned i = 0; i < sq->ring_entries; i++)
			sq->array[i] = i;
	}
}

void uk__unmap_rings(struct io_uring *ring)
{
	struct io_uring_sq *sq = &ring->sq;
	struct io_uring_cq *cq = &ring->cq;

	if (sq->sqes)
		uk__munmap(sq->sqes, (size_t) sq->ring_entries *
			   sizeof(struct io_uring_sqe)
			   << io_uring_sqe_shift(ring));
	if (cq->ring_ptr && cq->ring_ptr != sq->ring_ptr)
		uk__munmap(cq->ring_ptr, cq->ring_sz);
	if (sq->ring_ptr)
		uk__munmap(sq->ring_ptr, sq->ring_sz);
}

/* Map the rings the kernel allocated (everything but IORING_SETUP_NO_MMAP). */
static int mmap_rings(int fd, const struct io_uring_params *p,
			 struct io_uring *ring)
{
	struct io_uring_sq *sq = &ring->sq;
	struct io_uring_cq *cq = &ring->cq;
	size_t cqe_size = sizeof(struct io_uring_cqe)
			  << io_uring_cqe_shift_from_flags(p->flags);
	size_t sqes_size = (size_t) p->sq_entries * sizeof(struct io_uring_sqe)
			   << io_uring_sqe_shift_from_flags(p->flags);
	size_t sq_size = p->sq_off.array + p->sq_entries * sizeof(__u32);
	size_t cq_size = p->cq_off.cqes + p->cq_entries * cqe_size;
	void *sqes;
	int ret;

	if (p->flags & IORING_SETUP_NO_SQARRAY)
		sq_size = p->sq_off.flags + sizeof(__u32);
	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		if (cq_size > sq_size)
			sq_size = cq_size;
		cq_size = sq_size;
	}

	sq->ring_sz = sq_size;
	ret = uk__mmap(&sq->ring_ptr, sq_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
	if (ret)
		return ret;

	cq->ring_sz = cq_size;
	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		cq->ring_ptr = sq->ring_ptr;
	} else {
		ret = uk__mmap(&cq->ring_ptr, cq_size, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_POPULATE, fd,
			       IORING_OFF_CQ_RING);
		if (ret) {
			uk__unmap_rings(ring);
			return ret;
		}
	}

	ret = uk__mmap(&sqes, sqes_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (ret) {
		uk__unmap_rings(ring);
		return ret;
	}
	setup_pointers(ring, p, sq->ring_ptr, cq->ring_ptr, sqes);
	return 0;
}

/* A ring that failed to initialise: safe to pass to io_uring_queue_exit(). */
static void ring_reset(struct io_uring *ring)
{
	memset(ring, 0, sizeof(*ring));
	ring->ring_fd = -1;
	ring->enter_ring_fd = -1;
}

/* A ring whose rings are in place takes over fd and the kernel's answers. */
static void ring_adopt(struct io_uring *ring, int fd,
		       const struct io_uring_params *p)
{
	ring->flags = p->flags;
	ring->features = p->features;
	ring->ring_fd = fd;
	ring->enter_ring_fd = fd;
	if (p->flags & IORING_SETUP_IOPOLL)
		ring->int_flags |= UK_INT_CQ_ENTER;
}

/*
 * The one setup path. buf == NULL with IORING_SETUP_NO_MMAP means the
 * library provides the memory itself. Returns the bytes of buf used (0 when
 * the kernel or the library owns the memory) or -errno, in which case
 * nothing is left behind: no fd, no mapping.
 */
static int queue_init(unsigned entries, struct io_uring *ring,
			 struct io_uring_params *p, void *buf, size_t buf_size)
{
	struct uk_ring_layout lay;
	size_t total = 0;
	void *mem = NULL;
	int fd, ret;

	if (!ring)
		return -EINVAL;
	ring_reset(ring);
	if (!p)
		return -EINVAL;
	/*
	 * IORING_SETUP_SQ_REWIND (7.0) changes what the SQ head and tail mean
	 * (every submit takes SQEs from index 0). get_sqe and the submit path
	 * here do not implement that yet, so refuse the flag the way a kernel
	 * without it does, rather than run a ring they would corrupt.
	 */
	if (p->flags & IORING_SETUP_SQ_REWIND)
		return -EINVAL;

	if (p->flags & IORING_SETUP_NO_MMAP) {
		ret = uk__ring_layout(entries, p, &lay);
		if (ret < 0)
			return ret;
		total = lay.sqes_region + lay.rings_region;
		if (buf) {
			if (buf_size < total)
				return -ENOMEM;
			mem = buf;
			/* The kernel expects rings it has not written yet to
			 * read as zero (heads, tails, flags). */
			memset(mem, 0, total);
		} else {
			ret = uk__mmap(&mem, total, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS |
				       MAP_POPULATE, -1, 0);
			if (ret)
				return ret;
		}
		p->sq_off.user_addr = (unsigned long) mem;
		p->cq_off.user_addr = (unsigned long) mem + lay.sqes_region;
	}

	fd = uk__sys_setup(entries, p);
	if (fd < 0) {
		if (mem && !buf)
			uk__munmap(mem, total);
		return fd;
	}

	if (p->flags & IORING_SETUP_NO_MMAP) {
		char *rings = (char *) mem + lay.sqes_region;

		ring->sq.ring_ptr = rings;
		ring->cq.ring_ptr = rings;
		if (!buf)	/* our allocation: exit unmaps sqes..+ring_sz */
			ring->sq.ring_sz = total;
		setup_pointers(ring, p, rings, rings,
				  (struct io_uring_sqe *) mem);
	} else {
		ret = mmap_rings(fd, p, ring);
		if (ret < 0) {
			uk__close(fd);
			ring_reset(ring);
			return ret;
		}
	}

	ring_adopt(ring, fd, p);
	if (p->flags & IORING_SETUP_REGISTERED_FD_ONLY) {
		/* fd is an index into the task's registered rings. */
		ring->ring_fd = -1;
		ring->int_flags |= UK_INT_REG_RING | UK_INT_REG_REG_RING;
	}
	if (buf)
		ring->int_flags |= UK_INT_APP_MEM;
	return buf ? (int) total : 0;
}

UK_EXPORT int io_uring_queue_init_mem(unsigned entries, struct io_uring *ring,
				      struct io_uring_params *p,
				      void *buf, size_t buf_size)
{
	if (ring)
		ring_reset(ring);
	if (!buf || ((unsigned long) buf & (uk__page_size() - 1)) || !p)
		return -EINVAL;
	p->flags |= IORING_SETUP_NO_MMAP;
	return queue_init(entries, ring, p, buf, buf_size);
}

UK_EXPORT int io_uring_queue_init_params(unsigned entries,
					 struct io_uring *ring,
					 struct io_uring_params *p)
{
	int ret = queue_init(entries, ring, p, NULL, 0);

	return ret < 0 ? ret : 0;
}

/* Default parameters but for the setup flags. */
static struct io_uring_params params_with_flags(unsigned flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	return p;
}

UK_EXPORT int io_uring_queue_init(unsigned entries, struct io_uring *ring,
				  unsigned flags)
{
	struct io_uring_params p = params_with_flags(flags);

	return io_uring_queue_init_params(entries, ring, &p);
}

/* For a ring fd the caller created with io_uring_setup() itself. */
UK_EXPORT int io_uring_queue_mmap(int fd, struct io_uring_params *p,
				  struct io_uring *ring)
{
	int ret;

	if (!ring)
		return -EINVAL;
	ring_reset(ring);
	if (!p || fd < 0)
		return -EINVAL;
	if (p->flags & IORING_SETUP_NO_MMAP)
		return -EINVAL;	/* nothing to map: the caller owns the memory */
	ret = mmap_rings(fd, p, ring);
	if (ret < 0) {
		ring_reset(ring);
		return ret;
	}
	ring_adopt(ring, fd, p);
	return 0;
}

UK_EXPORT void io_uring_queue_exit(struct io_uring *ring)
{
	if (!ring)
		return;
	if (ring->flags & IORING_SETUP_NO_MMAP) {
		if (!(ring->int_flags & UK_INT_APP_MEM) && ring->sq.ring_sz)
			uk__munmap(ring->sq.sqes, ring->sq.ring_sz);
	} else {
		uk__unmap_rings(ring);
	}
	/*
	 * Drop the registered index before closing: with
	 * IORING_SETUP_REGISTERED_FD_ONLY it is the ring's last reference.
	 */
	if (ring->int_flags & UK_INT_REG_RING)
		io_uring_unregister_ring_fd(ring);
	if (ring->ring_fd >= 0)
		uk__close(ring->ring_fd);
	ring_reset(ring);
}

/* Bytes of the rings region actually in use, for madvise(). */
static size_t rings_extent(const struct io_uring *ring)
{
	const char *base = ring->sq.ring_ptr;
	const char *cq_end = (const char *) (ring->cq.cqes +
		((size_t) ring->cq.ring_entries << io_uring_cqe_shift(ring)));
	const char *end = cq_end;

	if (ring->sq.array && (const char *) (ring->sq.array +
					       ring->sq.ring_entries) > end)
		end = (const char *) (ring->sq.array + ring->sq.ring_entries);
	return (size_t) (end - base);
}

UK_EXPORT int io_uring_ring_dontfork(struct io_uring *ring)
{
	size_t len;
	int ret;

	if (!ring || !ring->sq.ring_ptr || !ring->sq.sqes || !ring->cq.ring_ptr)
		return -EINVAL;

	len = (size_t) ring->sq.ring_entries * sizeof(struct io_uring_sqe)
	      << io_uring_sqe_shift(ring);
	ret = uk__madvise(ring->sq.sqes, uk__page_align(len), MADV_DONTFORK);
	if (ret < 0)
		return ret;

	if (ring->flags & IORING_SETUP_NO_MMAP)
		len = rings_extent(ring);
	else
		len = ring->sq.ring_sz;
	ret = uk__madvise(ring->sq.ring_ptr, uk__page_align(len),
			  MADV_DONTFORK);
	if (ret < 0)
		return ret;

	if (ring->cq.ring_ptr != ring->sq.ring_ptr) {
		ret = uk__madvise(ring->cq.ring_ptr,
				  uk__page_align(ring->cq.ring_sz),
				  MADV_DONTFORK);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Bytes of the two regions the kernel sizes for these parameters, or -errno. */
static ssize_t ring_bytes(unsigned entries, const struct io_uring_params *p)
{
	struct uk_ring_layout lay;
	int ret = uk__ring_layout(entries, p, &lay);

	if (ret < 0)
		return ret;
	return (ssize_t) (lay.sqes_region + lay.rings_region);
}

UK_EXPORT ssize_t io_uring_memory_size_params(unsigned entries,
					      struct io_uring_params *p)
{
	struct io_uring_params q;

	if (!p)
		return -EINVAL;
	/* The size is for io_uring_queue_init_mem(), which sets NO_MMAP. */
	q = *p;
	q.flags |= IORING_SETUP_NO_MMAP;
	return ring_bytes(entries, &q);
}

UK_EXPORT ssize_t io_uring_memory_size(unsigned entries, unsigned flags)
{
	struct io_uring_params p = params_with_flags(flags);

	return io_uring_memory_size_params(entries, &p);
}

/*
 * Kernels before 5.12 (without IORING_FEAT_NATIVE_WORKERS) charged ring
 * memory to RLIMIT_MEMLOCK; later ones charge the memory cgroup and lock
 * nothing, so the answer there is 0.
 */
UK_EXPORT ssize_t io_uring_mlock_size_params(unsigned entries,
					     struct io_uring_params *p)
{
	struct io_uring_params probe;
	ssize_t bytes;
	int fd;

	if (!p)
		return -EINVAL;
	/* A kernel that cannot make even this ring (no memlock room on old
	 * kernels, io_uring disabled) still gets the computed answer. */
	memset(&probe, 0, sizeof(probe));
	fd = uk__sys_setup(1, &probe);
	if (fd >= 0)
		uk__close(fd);
	else
		probe.features = 0;

	bytes = ring_bytes(entries, p);
	if (bytes > 0 && (probe.features & IORING_FEAT_NATIVE_WORKERS))
		return 0;
	return bytes;
}

UK_EXPORT ssize_t io_uring_mlock_size(unsigned entries, unsigned flags)
{
	struct io_uring_params p = params_with_flags(flags);

	return io_uring_mlock_size_params(entries, &p);
}
