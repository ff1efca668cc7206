/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_probe: the raw probe call fills a caller-allocated
 * io_uring_probe; its answer matches io_uring_get_probe(), it honours nr
 * (only that many ops entries are written), and refuses a non-zeroed
 * buffer or more than 256 entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"

#define NOPS	256

static struct io_uring_probe *probe_alloc(unsigned nr)
{
	size_t len = sizeof(struct io_uring_probe) +
		     nr * sizeof(struct io_uring_probe_op);
	struct io_uring_probe *p = malloc(len + 64);

	ASSERT_NOT_NULL(p);
	memset(p, 0, len);
	memset((char *) p + len, 0xa5, 64);	/* guard */
	return p;
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_probe *p, *ref;
	size_t len;

	t_ring_init(&ring, 4, NULL);
	ref = io_uring_get_probe();
	ASSERT_NOT_NULL(ref);

	p = probe_alloc(NOPS);
	ASSERT_EQ(io_uring_register_probe(&ring, p, NOPS), 0);
	ASSERT_EQ(p->last_op, ref->last_op);
	ASSERT_EQ(p->ops_len, ref->ops_len);
	ASSERT_EQ(p->ops_len, p->last_op + 1);
	for (unsigned i = 0; i < p->ops_len; i++) {
		ASSERT_EQ(p->ops[i].op, i);
		ASSERT_EQ(p->ops[i].flags, ref->ops[i].flags);
		ASSERT_EQ(io_uring_opcode_supported(p, (int) i),
			  io_uring_opcode_supported(ref, (int) i));
	}
	ASSERT(io_uring_opcode_supported(p, IORING_OP_NOP));
	ASSERT(io_uring_opcode_supported(p, IORING_OP_READ));
	free(p);

	/* A short probe: exactly nr entries, nothing beyond. */
	p = probe_alloc(4);
	ASSERT_EQ(io_uring_register_probe(&ring, p, 4), 0);
	ASSERT_EQ(p->last_op, ref->last_op);
	ASSERT_EQ(p->ops_len, 4);
	for (unsigned i = 0; i < 4; i++)
		ASSERT_EQ(p->ops[i].flags, ref->ops[i].flags);
	len = sizeof(*p) + 4 * sizeof(struct io_uring_probe_op);
	for (unsigned i = 0; i < 64; i++)
		ASSERT_EQ(((unsigned char *) p)[len + i], 0xa5);

	/* The buffer must come in zeroed. */
	memset(p, 0, len);
	p->resv = 1;
	ASSERT_EQ(io_uring_register_probe(&ring, p, 4), -EINVAL);
	free(p);

	/* Bad sizes and pointers. */
	p = probe_alloc(NOPS + 1);
	ASSERT_EQ(io_uring_register_probe(&ring, p, NOPS + 1), -EINVAL);
	free(p);
	ASSERT_EQ(io_uring_register_probe(&ring, NULL, 4), -EINVAL);
	ASSERT_EQ(io_uring_register_probe(&ring, (void *) 8, 4), -EFAULT);

	io_uring_free_probe(ref);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
