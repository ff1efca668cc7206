/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_read_multishot on a pipe, with a provided-buffer ring set
 * up by hand (mmap'd memory, raw IORING_REGISTER_PBUF_RING): one request
 * posts a CQE with IORING_CQE_F_MORE and IORING_CQE_F_BUFFER for every
 * chunk written to the pipe, each buffer holding exactly that chunk; a
 * chunk larger than a buffer spreads over two; closing the write end ends
 * the request with a final CQE (res 0) without F_MORE. A request without
 * IOSQE_BUFFER_SELECT is refused.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test.h"

#define BGID		7
#define NR_BUFS		8
#define BUF_LEN		64

static struct io_uring ring;
static struct io_uring_buf_ring *br;
static unsigned char *buf_mem;

static void add_buffer(unsigned short bid)
{
	struct io_uring_buf *b = &br->bufs[br->tail & (NR_BUFS - 1)];

	b->addr = (__u64) (uintptr_t) (buf_mem + bid * BUF_LEN);
	b->len = BUF_LEN;
	b->bid = bid;
	io_uring_smp_store_release(&br->tail, (__u16) (br->tail + 1));
}

/* Wait for the next CQE of the multishot read and check its payload. */
static void expect_chunk(const void *data, int len, bool more)
{
	struct io_uring_cqe *cqe = t_wait_cqe(&ring);
	unsigned bid;

	ASSERT_EQ(cqe->user_data, 42);
	ASSERT_EQ(cqe->res, len);
	ASSERT_EQ(!!(cqe->flags & IORING_CQE_F_MORE), more);
	ASSERT(cqe->flags & IORING_CQE_F_BUFFER);
	bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	ASSERT_LT(bid, NR_BUFS);
	ASSERT_MEM_EQ(buf_mem + bid * BUF_LEN, data, (size_t) len);
	io_uring_cqe_seen(&ring, cqe);
	/* hand the buffer back for later reads */
	add_buffer((unsigned short) bid);
}

int main(void)
{
	struct io_uring_buf_reg reg;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned char big[100];
	char msg[32];
	int p[2], ret;

	t_require_op(IORING_OP_READ_MULTISHOT);
	t_ring_init(&ring, 8, NULL);

	br = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT(br != MAP_FAILED);
	buf_mem = malloc(NR_BUFS * BUF_LEN);
	ASSERT_NOT_NULL(buf_mem);
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (__u64) (uintptr_t) br;
	reg.ring_entries = NR_BUFS;
	reg.bgid = BGID;
	ret = io_uring_register(ring.ring_fd, IORING_REGISTER_PBUF_RING, &reg,
				1);
	if (ret == -EINVAL || ret == -EOPNOTSUPP)
		t_skip("kernel lacks provided-buffer rings (%d)", ret);
	ASSERT_EQ(ret, 0);
	br->tail = 0;
	for (unsigned short i = 0; i < NR_BUFS; i++)
		add_buffer(i);

	ASSERT_EQ(pipe(p), 0);

	/* without buffer selection the opcode has nowhere to read into */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read_multishot(sqe, p[0], 0, 0, BGID);
	sqe->flags = 0;
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->res, -EINVAL);
	io_uring_cqe_seen(&ring, cqe);

	sqe = io_uring_get_sqe(&ring);
	memset(sqe, 0xff, sizeof(*sqe));
	io_uring_prep_read_multishot(sqe, p[0], 0, 0, BGID);
	io_uring_sqe_set_data64(sqe, 42);
	ASSERT_EQ(io_uring_submit(&ring), 1);

	/* nothing written yet: the request waits, no CQE */
	usleep(20000);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);

	for (int i = 0; i < 4; i++) {
		int len = snprintf(msg, sizeof(msg), "chunk %d of data", i);

		ASSERT_EQ(write(p[1], msg, (size_t) len), len);
		expect_chunk(msg, len, true);
	}

	/* 100 bytes into 64-byte buffers: two completions */
	for (int i = 0; i < 100; i++)
		big[i] = (unsigned char) (i * 3 + 1);
	ASSERT_EQ(write(p[1], big, sizeof(big)), (ssize_t) sizeof(big));
	expect_chunk(big, BUF_LEN, true);
	expect_chunk(big + BUF_LEN, 100 - BUF_LEN, true);

	/* end of file terminates the multishot request */
	close(p[1]);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 42);
	ASSERT_EQ(cqe->res, 0);
	ASSERT_EQ(cqe->flags & IORING_CQE_F_MORE, 0);
	io_uring_cqe_seen(&ring, cqe);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);

	memset(&reg, 0, sizeof(reg));
	reg.bgid = BGID;
	ASSERT_EQ(io_uring_register(ring.ring_fd, IORING_UNREGISTER_PBUF_RING,
				    &reg, 1), 0);
	close(p[0]);
	io_uring_queue_exit(&ring);
	munmap(br, 4096);
	free(buf_mem);
	return T_EXIT_PASS;
}
