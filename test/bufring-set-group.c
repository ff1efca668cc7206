/* SPDX-License-Identifier: MIT */
/*
 * io_uring_sqe_set_buf_group() picks the group a buffer-select receive
 * takes from: of two buffer rings, the data lands in the buffers of the
 * group named, with that group's buffer id in the CQE; the other group's
 * buffers stay untouched.
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "test.h"

#define NBUF	4
#define BSZ	64

int main(void)
{
	static char mem_a[NBUF][BSZ], mem_b[NBUF][BSZ];
	struct io_uring_buf_ring *ra, *rb;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	const char msg[] = "to group seven";
	unsigned bid;
	int sv[2], err;

	t_ring_init(&ring, 8, NULL);
	ra = io_uring_setup_buf_ring(&ring, NBUF, 3, 0, &err);
	if (!ra) {
		io_uring_queue_exit(&ring);
		t_skip("provided-buffer rings unavailable (%d; needs 5.19)", err);
	}
	rb = io_uring_setup_buf_ring(&ring, NBUF, 7, 0, &err);
	ASSERT_NOT_NULL(rb);
	memset(mem_a, 'a', sizeof(mem_a));
	memset(mem_b, 'b', sizeof(mem_b));
	t_buf_ring_give(ra, NBUF, mem_a, BSZ, 0, NBUF);
	t_buf_ring_give(rb, NBUF, mem_b, BSZ, 0, NBUF);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ASSERT_EQ(write(sv[1], msg, sizeof(msg)), (ssize_t) sizeof(msg));

	sqe = t_get_sqe(&ring);
	io_uring_prep_recv(sqe, sv[0], NULL, BSZ, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
	io_uring_sqe_set_buf_group(sqe, 7);
	ASSERT_EQ(sqe->buf_group, 7);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->res, (int) sizeof(msg));
	ASSERT(cqe->flags & IORING_CQE_F_BUFFER);
	bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	ASSERT_LT(bid, NBUF);
	io_uring_cqe_seen(&ring, cqe);

	/* Group 7's buffer holds the data; group 3 was never touched. */
	ASSERT_MEM_EQ(mem_b[bid], msg, sizeof(msg));
	for (unsigned i = 0; i < NBUF; i++)
		for (unsigned j = 0; j < BSZ; j++)
			ASSERT_EQ(mem_a[i][j], 'a');

	/* Only the low 16 bits are kept, as the kernel's field is 16 bits. */
	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_buf_group(sqe, 0x10007);
	ASSERT_EQ(sqe->buf_group, 7);
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 1), 1);
	io_uring_cq_advance(&ring, 1);

	close(sv[0]);
	close(sv[1]);
	ASSERT_EQ(io_uring_free_buf_ring(&ring, ra, NBUF, 3), 0);
	ASSERT_EQ(io_uring_free_buf_ring(&ring, rb, NBUF, 7), 0);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
