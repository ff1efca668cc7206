/* SPDX-License-Identifier: MIT */
/*
 * io_uring_mlock_size(): kernels with IORING_FEAT_NATIVE_WORKERS (5.12+)
 * charge ring memory to the memory cgroup, not RLIMIT_MEMLOCK, so the
 * answer is 0; bad sizes still get -EINVAL.
 */
#include <stdio.h>
#include <unistd.h>
#include "test.h"

int main(void)
{
	struct io_uring_params p;
	int fd, fds;

	memset(&p, 0, sizeof(p));
	fd = io_uring_setup(4, &p);
	if (fd == -ENOSYS || fd == -EPERM)
		t_skip("io_uring unavailable: %s", strerror(-fd));
	ASSERT_GE(fd, 0);
	close(fd);
	if (!(p.features & IORING_FEAT_NATIVE_WORKERS))
		t_skip("kernel older than 5.12 (no IORING_FEAT_NATIVE_WORKERS)");
	fds = t_count_fds();

	for (unsigned e = 1; e <= 32768; e *= 2) {
		ASSERT_EQ(io_uring_mlock_size(e, 0), 0);
		ASSERT_EQ(io_uring_mlock_size(e, IORING_SETUP_SQE128 |
					      IORING_SETUP_CQE32), 0);
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = 2 * e;
		ASSERT_EQ(io_uring_mlock_size_params(e, &p), 0);
	}
	ASSERT_EQ(io_uring_mlock_size(3, 0), 0);

	ASSERT_EQ(io_uring_mlock_size(0, 0), -EINVAL);
	ASSERT_EQ(io_uring_mlock_size(32769, 0), -EINVAL);
	memset(&p, 0, sizeof(p));
	ASSERT_EQ(io_uring_mlock_size_params(0, &p), -EINVAL);
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 0;
	ASSERT_EQ(io_uring_mlock_size_params(8, &p), -EINVAL);
	ASSERT_EQ(io_uring_mlock_size_params(8, NULL), -EINVAL);
	/* Asking the kernel left no ring fd behind. */
	ASSERT_EQ(t_count_fds(), fds);
	return T_EXIT_PASS;
}
