/* SPDX-License-Identifier: MIT */
/*
 * Regression (issue 10, "the same class elsewhere"): a probe registered
 * with a short ops[] array (io_uring_register_probe() with nr_ops 4) has
 * ops_len 4 but last_op the kernel's highest opcode, and
 * io_uring_opcode_supported() indexed ops[] up to last_op: a read past
 * the array. It now answers 0 for every op at or past ops_len, without
 * reading there (the array ends where an inaccessible page begins).
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test.h"

#define NR_OPS 4

int main(void)
{
	size_t len = sizeof(struct io_uring_probe) +
		     NR_OPS * sizeof(struct io_uring_probe_op);
	struct io_uring_probe *p;
	struct io_uring ring;
	void *guard;
	size_t guard_len;
	int ret;

	t_ring_init(&ring, 4, NULL);
	p = calloc(1, len);
	ASSERT_NOT_NULL(p);
	ret = io_uring_register_probe(&ring, p, NR_OPS);
	if (ret == -EINVAL)
		t_skip("kernel lacks IORING_REGISTER_PROBE");
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(p->ops_len, NR_OPS);
	if (p->last_op < NR_OPS + 1)
		t_skip("kernel knows too few opcodes for this test");
	/*
	 * Move it to the end of a page followed by an inaccessible one: a
	 * read past ops[NR_OPS - 1] faults, in any build.
	 */
	{
		long page = sysconf(_SC_PAGESIZE);
		unsigned char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		ASSERT(m != MAP_FAILED);
		ASSERT_EQ(mprotect(m + page, page, PROT_NONE), 0);
		memcpy(m + page - len, p, len);
		free(p);
		p = (struct io_uring_probe *) (void *) (m + page - len);
		guard = m;
		guard_len = 2 * page;
	}
	ASSERT_EQ(io_uring_opcode_supported(p, IORING_OP_NOP), 1);
	for (int op = NR_OPS; op <= p->last_op; op++)
		ASSERT_EQ(io_uring_opcode_supported(p, op), 0);
	ASSERT_EQ(io_uring_opcode_supported(p, -1), 0);
	ASSERT_EQ(io_uring_opcode_supported(p, 256), 0);
	munmap(guard, guard_len);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
