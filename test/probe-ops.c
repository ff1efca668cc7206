/* SPDX-License-Identifier: MIT */
/*
 * io_uring_get_probe() and io_uring_get_probe_ring(): what the kernel
 * supports, agreeing between the two, with unsupported opcodes reported as
 * such; the probe may be released with plain free() (liburing's ABI
 * promise, checked under ASan), and probing leaves no fd or mapping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "test.h"

static void check_probe(const struct io_uring_probe *probe)
{
	ASSERT_NOT_NULL(probe);
	ASSERT_GE(probe->last_op, IORING_OP_NOP);
	/* NOP, READV, WRITEV (5.1), READ and WRITE (5.6) on any 6.x kernel. */
	ASSERT_GT(probe->last_op, IORING_OP_WRITE);
	ASSERT_GE(probe->ops_len, probe->last_op + 1);
	ASSERT(io_uring_opcode_supported(probe, IORING_OP_NOP));
	ASSERT(io_uring_opcode_supported(probe, IORING_OP_READV));
	ASSERT(io_uring_opcode_supported(probe, IORING_OP_WRITEV));
	ASSERT(io_uring_opcode_supported(probe, IORING_OP_READ));
	ASSERT(io_uring_opcode_supported(probe, IORING_OP_WRITE));
	/* The kernel fills ops[i] for opcode i. */
	for (int i = 0; i <= probe->last_op; i++)
		if (probe->ops[i].flags & IO_URING_OP_SUPPORTED)
			ASSERT_EQ(probe->ops[i].op, i);
	/* Past last_op, and nonsense, are unsupported. */
	ASSERT(!io_uring_opcode_supported(probe, probe->last_op + 1));
	ASSERT(!io_uring_opcode_supported(probe, probe->last_op + 2));
	ASSERT(!io_uring_opcode_supported(probe, 255));
	ASSERT(!io_uring_opcode_supported(probe, 256));
	ASSERT(!io_uring_opcode_supported(probe, 100000));
	ASSERT(!io_uring_opcode_supported(probe, -1));
}

int main(void)
{
	struct io_uring_probe *a, *b;
	struct io_uring ring;
	int fds, maps;

	/* Warm up allocator and library once. */
	a = io_uring_get_probe();
	if (!a)
		t_skip("io_uring_get_probe() failed: no io_uring or no probe");
	io_uring_free_probe(a);
	fds = t_count_fds();
	maps = t_count_maps();

	a = io_uring_get_probe();
	check_probe(a);
	/* The temporary ring behind it is gone. */
	ASSERT_EQ(t_count_fds(), fds);
	ASSERT_EQ(t_count_maps(), maps);

	t_ring_init(&ring, 4, NULL);
	b = io_uring_get_probe_ring(&ring);
	check_probe(b);
	ASSERT_EQ(a->last_op, b->last_op);
	for (int i = 0; i <= a->last_op; i++) {
		ASSERT_EQ(a->ops[i].op, b->ops[i].op);
		ASSERT_EQ(a->ops[i].flags, b->ops[i].flags);
	}
	/* The probe agrees with the kernel: an unsupported opcode fails. */
	{
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		struct io_uring_cqe *cqe;

		io_uring_prep_nop(sqe);
		sqe->opcode = (__u8) (b->last_op + 1);
		io_uring_sqe_set_data64(sqe, 5);
		ASSERT_EQ(io_uring_submit(&ring), 1);
		cqe = t_wait_cqe(&ring);
		ASSERT_EQ(cqe->user_data, 5);
		ASSERT_EQ(cqe->res, -EINVAL);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);

	/* Both are plain malloc() memory: free() is the documented release. */
	free(a);
	free(b);
	/* And io_uring_free_probe() works too, as does free of NULL. */
	a = io_uring_get_probe();
	ASSERT_NOT_NULL(a);
	io_uring_free_probe(a);
	io_uring_free_probe(NULL);

	/* The cached test-library probe agrees. */
	ASSERT(t_op_supported(IORING_OP_NOP));
	ASSERT(!t_op_supported(255));

	/* Many probes: nothing accumulates. */
	for (int i = 0; i < 50; i++)
		free(io_uring_get_probe());
	ASSERT_EQ(t_count_fds(), fds + 0);
	/* A probe of a ring that is not set up fails cleanly. */
	memset(&ring, 0, sizeof(ring));
	ring.ring_fd = -1;
	ring.enter_ring_fd = -1;
	ASSERT_NULL(io_uring_get_probe_ring(&ring));
	return T_EXIT_PASS;
}
