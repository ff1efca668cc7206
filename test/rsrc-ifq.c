/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_ifq (zero-copy receive, IORING_REGISTER_ZCRX_IFQ).
 * Real use needs a NIC queue with header split, which a test machine does
 * not have: this test checks only that the call reaches the kernel and
 * fails cleanly. On a ring without the setup flags zcrx requires
 * (DEFER_TASKRUN and CQE32) the kernel says -EINVAL; with them, asking
 * for the loopback device fails with the kernel's error (loopback has no
 * hardware queues), and no descriptor or mapping is left behind.
 */
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test.h"

int main(void)
{
	struct io_uring ring;
	struct io_uring_params p;
	struct io_uring_zcrx_ifq_reg reg;
	struct io_uring_zcrx_area_reg area;
	struct io_uring_region_desc rd;
	size_t len = 64 * 4096;
	void *mem, *rq;
	int ret, fds, maps;
	unsigned lo = if_nametoindex("lo");

	if (!lo)
		t_skip("no loopback interface");
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rq = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT(mem != MAP_FAILED && rq != MAP_FAILED);

	memset(&area, 0, sizeof(area));
	area.addr = (unsigned long) mem;
	area.len = len;
	memset(&rd, 0, sizeof(rd));
	rd.user_addr = (unsigned long) rq;
	rd.size = 4 * 4096;
	rd.flags = IORING_MEM_REGION_TYPE_USER;
	memset(&reg, 0, sizeof(reg));
	reg.if_idx = lo;
	reg.if_rxq = 0;
	reg.rq_entries = 64;
	reg.area_ptr = (unsigned long) &area;
	reg.region_ptr = (unsigned long) &rd;

	/* A plain ring: zcrx needs DEFER_TASKRUN and 32-byte CQEs. */
	t_ring_init(&ring, 8, NULL);
	ret = io_uring_register_ifq(&ring, &reg);
	if (ret == -EINVAL && !t_op_supported(IORING_OP_RECV_ZC))
		t_skip("kernel lacks IORING_REGISTER_ZCRX_IFQ");
	ASSERT_EQ(ret, -EINVAL);
	io_uring_queue_exit(&ring);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		  IORING_SETUP_CQE32;
	t_ring_init(&ring, 8, &p);
	fds = t_count_fds();
	maps = t_count_ring_maps();
	ret = io_uring_register_ifq(&ring, &reg);
	/*
	 * Loopback has no queue management ops (-EOPNOTSUPP); a kernel
	 * without CONFIG_IO_URING_ZCRX or without page pool support may
	 * answer -EINVAL/-ENODEV instead. Never success.
	 */
	ASSERT_EQ(t_count_ring_maps(), maps);
	printf("register_ifq on lo: %d (%s)\n", ret, strerror(-ret));
	ASSERT_LT(ret, 0);
	ASSERT(ret == -EOPNOTSUPP || ret == -EINVAL || ret == -ENODEV ||
	       ret == -EPERM);
	ASSERT_EQ(t_count_fds(), fds);

	/* An interface that does not exist. */
	reg.if_idx = 0x7fffffff;
	ret = io_uring_register_ifq(&ring, &reg);
	ASSERT_LT(ret, 0);
	ASSERT(ret == -ENODEV || ret == -EOPNOTSUPP || ret == -EINVAL);
	/* Bad pointers. */
	ASSERT_EQ(io_uring_register_ifq(&ring, NULL), -EINVAL);
	ASSERT_EQ(io_uring_register_ifq(&ring, (void *) 8), -EFAULT);
	ASSERT_EQ(t_count_fds(), fds);

	io_uring_queue_exit(&ring);
	munmap(mem, len);
	munmap(rq, 4 * 4096);
	return T_EXIT_PASS;
}
