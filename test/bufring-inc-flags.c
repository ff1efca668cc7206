/* SPDX-License-Identifier: MIT */
/*
 * Regression: the flags argument of io_uring_register_buf_ring() and
 * io_uring_setup_buf_ring() reaches the kernel. With IOU_PBUF_RING_INC
 * (Linux 6.12) a recv takes only the bytes it needs from a provided buffer:
 * its CQE says IORING_CQE_F_BUF_MORE, and the next recv lands in the same
 * buffer right after the first one's data. Before the fix the register
 * wrapper dropped its flags argument, so the ring was registered without
 * INC and every recv consumed a whole buffer.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "test.h"
#include "net.h"

#define BGID	7
#define BUF_SZ	4096

/* One recv with buffer selection; returns its CQE (copied) */
static struct t_cqe recv_one(struct io_uring *ring, int fd)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_recv(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, 42);
	ASSERT_EQ(io_uring_submit(ring), 1);
	return t_reap_cqe(ring);
}

/* Two sends, two recvs: both in buffer 0, one after the other. */
static void check_incremental(struct io_uring *ring,
			      struct io_uring_buf_ring *br, char *buf)
{
	int fds[2];
	struct t_cqe c;

	t_tcp_pair(fds);
	memset(buf, 0, BUF_SZ);
	t_buf_ring_give(br, 4, buf, BUF_SZ, 0, 1);

	ASSERT_EQ(write(fds[0], "first-chunk", 11), 11);
	c = recv_one(ring, fds[1]);
	ASSERT_EQ(c.res, 11);
	ASSERT(c.flags & IORING_CQE_F_BUFFER);
	ASSERT_EQ(c.flags >> IORING_CQE_BUFFER_SHIFT, 0u);
	ASSERT(c.flags & IORING_CQE_F_BUF_MORE);
	ASSERT_MEM_EQ(buf, "first-chunk", 11);

	ASSERT_EQ(write(fds[0], "second", 6), 6);
	c = recv_one(ring, fds[1]);
	ASSERT_EQ(c.res, 6);
	ASSERT_EQ(c.flags >> IORING_CQE_BUFFER_SHIFT, 0u);
	ASSERT(c.flags & IORING_CQE_F_BUF_MORE);
	/* incremental: the second recv continued where the first ended */
	ASSERT_MEM_EQ(buf + 11, "second", 6);
	close(fds[0]);
	close(fds[1]);
}

/*
 * min_left (io_uring_buf_reg, a 2026 kernel change that stable kernels such
 * as 6.18.y carry): an incremental buffer with fewer than min_left bytes
 * left is retired, so no IORING_CQE_F_BUF_MORE. A kernel without it
 * refuses the non-zero field (-EINVAL): noted, not failed.
 */
static void check_min_left(struct io_uring *ring, char *buf)
{
	struct io_uring_buf_reg reg;
	struct io_uring_buf_ring *br;
	struct t_cqe c;
	int fds[2], ret;

	br = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT(br != MAP_FAILED);
	io_uring_buf_ring_init(br);
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long) br;
	reg.ring_entries = 4;
	reg.bgid = BGID;
	reg.min_left = BUF_SZ - 11 + 1;	/* one more than 11 bytes leave */
	ret = io_uring_register_buf_ring(ring, &reg, IOU_PBUF_RING_INC);
	if (ret == -EINVAL) {
		printf("kernel lacks io_uring_buf_reg.min_left: not checked\n");
		munmap(br, 4096);
		return;
	}
	ASSERT_EQ(ret, 0);
	t_tcp_pair(fds);
	t_buf_ring_give(br, 4, buf, BUF_SZ, 0, 1);
	ASSERT_EQ(write(fds[0], "first-chunk", 11), 11);
	c = recv_one(ring, fds[1]);
	ASSERT_EQ(c.res, 11);
	ASSERT(c.flags & IORING_CQE_F_BUFFER);
	ASSERT(!(c.flags & IORING_CQE_F_BUF_MORE));	/* retired */
	close(fds[0]);
	close(fds[1]);
	ASSERT_EQ(io_uring_unregister_buf_ring(ring, BGID), 0);
	munmap(br, 4096);
}

int main(void)
{
	struct io_uring_buf_reg reg;
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	char *buf;
	int ret;

	t_ring_init(&ring, 8, NULL);
	t_require_op(IORING_OP_RECV);
	buf = mmap(NULL, BUF_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT(buf != MAP_FAILED);

	/* 1: io_uring_register_buf_ring(), INC only in the flags argument */
	br = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT(br != MAP_FAILED);
	io_uring_buf_ring_init(br);
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long) br;
	reg.ring_entries = 4;
	reg.bgid = BGID;
	ret = io_uring_register_buf_ring(&ring, &reg, IOU_PBUF_RING_INC);
	if (ret == -EINVAL)
		t_skip("kernel lacks IOU_PBUF_RING_INC (6.12)");
	ASSERT_EQ(ret, 0);
	check_incremental(&ring, br, buf);
	/* the wrapper recorded the flag where the kernel reads it */
	ASSERT_EQ(reg.flags, IOU_PBUF_RING_INC);
	ASSERT_EQ(io_uring_unregister_buf_ring(&ring, BGID), 0);
	munmap(br, 4096);

	/* 2: io_uring_setup_buf_ring() with INC (and with MMAP as well) */
	br = io_uring_setup_buf_ring(&ring, 4, BGID, IOU_PBUF_RING_INC, &ret);
	ASSERT_NOT_NULL(br);
	check_incremental(&ring, br, buf);
	ASSERT_EQ(io_uring_free_buf_ring(&ring, br, 4, BGID), 0);

	br = io_uring_setup_buf_ring(&ring, 4, BGID,
				     IOU_PBUF_RING_INC | IOU_PBUF_RING_MMAP,
				     &ret);
	ASSERT_NOT_NULL(br);
	check_incremental(&ring, br, buf);
	ASSERT_EQ(io_uring_free_buf_ring(&ring, br, 4, BGID), 0);

	check_min_left(&ring, buf);

	/* bad input: a NULL reg is the kernel's -EINVAL, not a crash */
	ASSERT_EQ(io_uring_register_buf_ring(&ring, NULL, IOU_PBUF_RING_INC),
		  -EINVAL);

	munmap(buf, BUF_SZ);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
