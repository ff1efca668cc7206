/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_buf_ring, io_uring_unregister_buf_ring and
 * io_uring_buf_ring_head with a ring the test allocates itself. Buffers
 * are added by writing io_uring_buf entries and publishing the tail with
 * a release store; a pipe read with IOSQE_BUFFER_SELECT picks them in
 * order (the CQE carries IORING_CQE_F_BUFFER and the buffer id, and the
 * data is in that buffer), the kernel's head advances, and an empty ring
 * gives -ENOBUFS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test.h"

#define ENTRIES	8
#define BUFLEN	64
#define BGID	3

static struct io_uring ring;
static struct io_uring_buf_ring *br;
static unsigned char bufs[ENTRIES][BUFLEN];
static unsigned short tail;

static void add_buf(unsigned short bid)
{
	struct io_uring_buf *b = &br->bufs[tail & (ENTRIES - 1)];

	b->addr = (unsigned long) bufs[bid];
	b->len = BUFLEN;
	b->bid = bid;
	tail++;
}

static void publish(void)
{
	io_uring_smp_store_release(&br->tail, tail);
}

/* A selected-buffer read from fd; returns the CQE's res, *bid the id. */
static int read_select(int fd, int bgid, int *bid)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct io_uring_cqe *cqe;
	int res;

	ASSERT_NOT_NULL(sqe);
	io_uring_prep_rw(IORING_OP_READ, sqe, fd, NULL, BUFLEN, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = (__u16) bgid;
	io_uring_sqe_set_data64(sqe, 0x42);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 0x42);
	res = cqe->res;
	*bid = -1;
	if (res >= 0) {
		ASSERT(cqe->flags & IORING_CQE_F_BUFFER);
		*bid = (int) (cqe->flags >> IORING_CQE_BUFFER_SHIFT);
	} else {
		ASSERT(!(cqe->flags & IORING_CQE_F_BUFFER));
	}
	io_uring_cqe_seen(&ring, cqe);
	return res;
}

int main(void)
{
	struct io_uring_buf_reg reg;
	size_t len = 4096;
	uint16_t head;
	int p[2], bid, ret;
	char msg[32];

	t_ring_init(&ring, 8, NULL);
	ASSERT_EQ(pipe(p), 0);
	br = mmap(NULL, len, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT(br != MAP_FAILED);

	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long) br;
	reg.ring_entries = ENTRIES;
	reg.bgid = BGID;
	ret = io_uring_register_buf_ring(&ring, &reg, 0);
	if (ret == -EINVAL && !(ring.features & IORING_FEAT_EXT_ARG))
		t_skip("kernel lacks IORING_REGISTER_PBUF_RING");
	ASSERT_EQ(ret, 0);
	/* Same group again. */
	ASSERT_EQ(io_uring_register_buf_ring(&ring, &reg, 0), -EEXIST);

	ret = io_uring_buf_ring_head(&ring, BGID, &head);
	if (ret == -EINVAL)
		t_skip("kernel lacks IORING_REGISTER_PBUF_STATUS");
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(head, 0);

	/* No buffers yet: -ENOBUFS. */
	ASSERT_EQ(write(p[1], "x", 1), 1);
	ASSERT_EQ(read_select(p[0], BGID, &bid), -ENOBUFS);
	ASSERT_EQ(read(p[0], msg, 1), 1);

	/* Three buffers, ids 5, 2, 7: consumed in ring order. */
	add_buf(5);
	add_buf(2);
	add_buf(7);
	publish();
	for (int i = 0; i < 3; i++) {
		static const int want[3] = { 5, 2, 7 };
		int n = snprintf(msg, sizeof(msg), "message %d", i);

		ASSERT_EQ(write(p[1], msg, (size_t) n), n);
		ASSERT_EQ(read_select(p[0], BGID, &bid), n);
		ASSERT_EQ(bid, want[i]);
		ASSERT_MEM_EQ(bufs[bid], msg, (size_t) n);
		ASSERT_EQ(io_uring_buf_ring_head(&ring, BGID, &head), 0);
		ASSERT_EQ(head, i + 1);
	}
	/* Used up again. */
	ASSERT_EQ(write(p[1], "y", 1), 1);
	ASSERT_EQ(read_select(p[0], BGID, &bid), -ENOBUFS);
	/* Refill one buffer: the pending byte lands there. */
	add_buf(1);
	publish();
	ASSERT_EQ(read_select(p[0], BGID, &bid), 1);
	ASSERT_EQ(bid, 1);
	ASSERT_EQ(bufs[1][0], 'y');
	ASSERT_EQ(io_uring_buf_ring_head(&ring, BGID, &head), 0);
	ASSERT_EQ(head, 4);

	/* Wrap around the ring: more buffers than entries over time. */
	for (int i = 0; i < 2 * ENTRIES; i++) {
		add_buf((unsigned short) (i % ENTRIES));
		publish();
		ASSERT_EQ(write(p[1], "z", 1), 1);
		ASSERT_EQ(read_select(p[0], BGID, &bid), 1);
		ASSERT_EQ(bid, i % ENTRIES);
	}
	ASSERT_EQ(io_uring_buf_ring_head(&ring, BGID, &head), 0);
	ASSERT_EQ(head, (uint16_t) (4 + 2 * ENTRIES));

	/* Unknown group: for the read, the status query, the unregister. */
	ASSERT_EQ(write(p[1], "w", 1), 1);
	ASSERT_EQ(read_select(p[0], BGID + 1, &bid), -ENOBUFS);
	ASSERT_EQ(read(p[0], msg, 1), 1);
	ASSERT_EQ(io_uring_buf_ring_head(&ring, BGID + 1, &head), -ENOENT);
	ASSERT_EQ(io_uring_unregister_buf_ring(&ring, BGID + 1), -ENOENT);

	/* Unregister: the group is gone. */
	ASSERT_EQ(io_uring_unregister_buf_ring(&ring, BGID), 0);
	ASSERT_EQ(io_uring_unregister_buf_ring(&ring, BGID), -ENOENT);
	ASSERT_EQ(io_uring_buf_ring_head(&ring, BGID, &head), -ENOENT);
	ASSERT_EQ(write(p[1], "v", 1), 1);
	ASSERT_EQ(read_select(p[0], BGID, &bid), -ENOBUFS);
	ASSERT_EQ(read(p[0], msg, 1), 1);

	/* Bad registrations. */
	reg.ring_entries = 3;				/* not a power of 2 */
	ASSERT_EQ(io_uring_register_buf_ring(&ring, &reg, 0), -EINVAL);
	reg.ring_entries = 65536;			/* too many */
	ASSERT_EQ(io_uring_register_buf_ring(&ring, &reg, 0), -EINVAL);
	reg.ring_entries = ENTRIES;
	reg.ring_addr = (unsigned long) br + 64;	/* not page aligned */
	ASSERT_EQ(io_uring_register_buf_ring(&ring, &reg, 0), -EINVAL);
	reg.ring_addr = (unsigned long) br;
	reg.resv[0] = 1;
	ASSERT_EQ(io_uring_register_buf_ring(&ring, &reg, 0), -EINVAL);
	reg.resv[0] = 0;
	reg.flags = 0x80;
	ASSERT_EQ(io_uring_register_buf_ring(&ring, &reg, 0), -EINVAL);
	reg.flags = 0;
	ASSERT_EQ(io_uring_register_buf_ring(&ring, NULL, 0), -EINVAL);
	/* The good one still works after all that. */
	ASSERT_EQ(io_uring_register_buf_ring(&ring, &reg, 0), 0);
	ASSERT_EQ(io_uring_buf_ring_head(&ring, BGID, &head), 0);
	ASSERT_EQ(head, 0);
	ASSERT_EQ(io_uring_unregister_buf_ring(&ring, BGID), 0);

	io_uring_queue_exit(&ring);
	munmap(br, len);
	close(p[0]);
	close(p[1]);
	return T_EXIT_PASS;
}
