/* SPDX-License-Identifier: MIT */
/* Library-private ring state shared by the src/ files. */
#ifndef URINGKIT_INTERNAL_RING_H
#define URINGKIT_INTERNAL_RING_H

#define LIBURING_INTERNAL 1
#include "liburing.h"
#include "internal/mem.h"
#include "internal/syscall.h"

#define UK_EXPORT __attribute__((visibility("default")))

/*
 * Bits of io_uring.int_flags. The values are liburing's, so a ring set up
 * by one library and driven by inline code of the other agrees on them.
 * REG_RING and NO_IOWAIT deliberately equal their io_uring_enter() flags:
 * the enter flags of a ring are int_flags masked, with no branch.
 */
enum {
	UK_INT_REG_REG_RING	= 1,	/* register calls may use the index */
	UK_INT_APP_MEM		= 2,	/* ring memory belongs to the caller */
	UK_INT_CQ_ENTER		= 4,	/* reaping needs io_uring_enter */
	UK_INT_REG_RING		= IORING_ENTER_REGISTERED_RING,
	UK_INT_NO_IOWAIT	= IORING_ENTER_NO_IOWAIT,
};

#define UK_INT_ENTER_MASK	(UK_INT_REG_RING | UK_INT_NO_IOWAIT)

_Static_assert((UK_INT_ENTER_MASK & 0xff) == UK_INT_ENTER_MASK,
	       "enter flags kept in int_flags must fit in a byte");
_Static_assert(!(UK_INT_ENTER_MASK &
		 (UK_INT_REG_REG_RING | UK_INT_APP_MEM | UK_INT_CQ_ENTER)),
	       "int_flags bits overlap");

static inline unsigned uk__enter_flags(const struct io_uring *ring)
{
	return ring->int_flags & UK_INT_ENTER_MASK;
}

/* Round up to a power of two, as the kernel sizes rings (v <= 2^31). */
static inline unsigned uk__roundup_pow2(unsigned v)
{
	return v <= 1 ? 1 : 1U << (32 - __builtin_clz(v - 1));
}

/* Kernel limits on ring sizes (IORING_MAX_ENTRIES / IORING_MAX_CQ_ENTRIES). */
#define UK_MAX_SQ_ENTRIES	32768U
#define UK_MAX_CQ_ENTRIES	(2 * UK_MAX_SQ_ENTRIES)

/* io_uring_register() on the ring, through its registered index if it has one. */
int uk__register(struct io_uring *ring, unsigned opcode, const void *arg,
		 unsigned nr_args);

/* Unmap the SQEs and rings of a ring whose memory the kernel allocated. */
void uk__unmap_rings(struct io_uring *ring);

/* The geometry of a ring's memory for a set of parameters. */
struct uk_ring_layout {
	unsigned sq_entries;
	unsigned cq_entries;
	size_t rings_size;	/* header + CQEs (+ SQ array), unrounded */
	size_t sqes_size;	/* SQE array, unrounded */
	size_t rings_region;	/* page-rounded, as the kernel maps it */
	size_t sqes_region;	/* page-rounded */
};

size_t uk__sq_array_offset(unsigned flags, unsigned cq_entries);
int uk__ring_layout(unsigned entries, const struct io_uring_params *p,
		    struct uk_ring_layout *out);

#endif
