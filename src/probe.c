/* SPDX-License-Identifier: MIT */
/*
 * What the running kernel supports: the opcode probe (IORING_REGISTER_PROBE,
 * 5.6+) and the ring-less query interface (IORING_REGISTER_QUERY, 6.18).
 */
#include <stdlib.h>
#include "internal/ring.h"

/* The kernel fills at most one entry per opcode; 256 covers the u8 space. */
#define UK_PROBE_OPS	256

/*
 * The probe comes from malloc() on purpose: programs built against liburing
 * before 2.x release it with plain free(), so any other allocator would
 * corrupt their heap.
 */
UK_EXPORT struct io_uring_probe *io_uring_get_probe_ring(struct io_uring *ring)
{
	size_t len = sizeof(struct io_uring_probe) +
		     UK_PROBE_OPS * sizeof(struct io_uring_probe_op);
	struct io_uring_probe *probe;

	int saved = errno;

	if (!ring)
		return NULL;
	probe = calloc(1, len);
	errno = saved;	/* the library never reports through errno */
	if (!probe)
		return NULL;
	if (uk__register(ring, IORING_REGISTER_PROBE, probe, UK_PROBE_OPS) < 0) {
		free(probe);
		return NULL;
	}
	return probe;
}

UK_EXPORT struct io_uring_probe *io_uring_get_probe(void)
{
	struct io_uring_probe *probe;
	struct io_uring ring;

	if (io_uring_queue_init(2, &ring, 0) < 0)
		return NULL;
	probe = io_uring_get_probe_ring(&ring);
	io_uring_queue_exit(&ring);
	return probe;
}

UK_EXPORT void io_uring_free_probe(struct io_uring_probe *probe)
{
	free(probe);
}

UK_EXPORT int io_uring_register_probe(struct io_uring *ring,
				      struct io_uring_probe *p, unsigned nr)
{
	return uk__register(ring, IORING_REGISTER_PROBE, p, nr);
}

/* Ask the kernel what it supports, without a ring (Linux 6.18). */
UK_EXPORT int io_uring_register_query(struct io_uring_query_hdr *query)
{
	return uk__sys_register(-1U, IORING_REGISTER_QUERY, query, 0);
}
