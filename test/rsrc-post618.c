/* SPDX-License-Identifier: MIT */
/*
 * liburing 2.15's wrappers for register opcodes newer than Linux 6.18
 * (zcrx control 36, BPF filters 37) exist, reach the kernel with the
 * opcode and argument count it expects, and return exactly what the kernel
 * returns for the same raw call, without touching errno. On this kernel
 * that is its "unknown opcode" answer; on a newer one, its real verdict
 * on an empty argument.
 */
#include <stdio.h>
#include <string.h>
#include "test.h"

/* Zeroed argument buffers, larger than any of these structs. */
static unsigned char arg_a[256], arg_b[256];

int main(void)
{
	struct io_uring ring;
	int lib, raw;

	t_ring_init(&ring, 4, NULL);

	errno = 1234;
	lib = io_uring_register_zcrx_ctrl(&ring, (struct zcrx_ctrl *) arg_a);
	ASSERT_EQ(errno, 1234);
	raw = io_uring_register((unsigned) ring.ring_fd, 36, arg_b, 0);
	printf("zcrx_ctrl: library %d, raw %d\n", lib, raw);
	ASSERT_LT(lib, 0);
	ASSERT_EQ(lib, raw);

	lib = io_uring_register_bpf_filter(&ring,
					   (struct io_uring_bpf *) arg_a);
	ASSERT_EQ(errno, 1234);
	raw = io_uring_register((unsigned) ring.ring_fd, 37, arg_b, 1);
	printf("bpf_filter: library %d, raw %d\n", lib, raw);
	ASSERT_LT(lib, 0);
	ASSERT_EQ(lib, raw);

	lib = io_uring_register_bpf_filter_task((struct io_uring_bpf *) arg_a);
	ASSERT_EQ(errno, 1234);
	raw = io_uring_register(-1U, 37, arg_b, 1);
	printf("bpf_filter_task: library %d, raw %d\n", lib, raw);
	ASSERT_LT(lib, 0);
	ASSERT_EQ(lib, raw);

	/* Through a registered ring index the kernel sees the same call. */
	raw = io_uring_register((unsigned) ring.ring_fd, 36, arg_b, 0);
	ASSERT_EQ(io_uring_register_ring_fd(&ring), 1);
	ASSERT_EQ(io_uring_register_zcrx_ctrl(&ring,
					      (struct zcrx_ctrl *) arg_a), raw);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
