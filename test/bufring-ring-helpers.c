/* SPDX-License-Identifier: MIT */
/*
 * The inline provided-buffer helpers of <liburing/buf_ring.h>, checked
 * against what the kernel really consumes:
 *  - io_uring_buf_ring_mask/init/add/advance: entries added at offsets
 *    past the tail are invisible until advance; pipe reads then pick them
 *    in ring order and the data lands in the buffer whose bid the CQE
 *    reports; io_uring_buf_ring_available() follows every step;
 *  - io_uring_buf_ring_cq_advance and __io_uring_buf_ring_cq_advance move
 *    both rings by the right amounts;
 *  - wraparound: more than 65536 buffers go through an 8-entry ring with
 *    UDP receives, so both the slot index and the 16-bit tail and head
 *    wrap, and available() stays right across the wrap;
 *  - IOU_PBUF_RING_INC (6.12): one buffer filled in pieces, each CQE with
 *    IORING_CQE_F_BUF_MORE until the buffer is used up;
 *  - the legacy io_uring_prep_provide_buffers/remove_buffers: provide N,
 *    consume some with reads, remove the rest (res = the count removed).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "test.h"
#include "net.h"

#define ENTRIES	8
#define BUFLEN	64
#define BGID	5

static struct io_uring ring;
static unsigned char bufs[ENTRIES][BUFLEN];

/* Queue a read (or recv) from fd that selects a buffer of group bgid. */
static void queue_select(int op, int fd, unsigned len, int bgid, __u64 ud)
{
	struct io_uring_sqe *sqe = t_get_sqe(&ring);

	io_uring_prep_rw(op, sqe, fd, NULL, len, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = (__u16) bgid;
	io_uring_sqe_set_data64(sqe, ud);
}

/* One selected-buffer read; returns res, *bid the buffer (or -1). */
static int read_select(int fd, unsigned len, int bgid, int *bid,
		       unsigned *cflags)
{
	struct io_uring_cqe *cqe;
	int res;

	queue_select(IORING_OP_READ, fd, len, bgid, 0x77);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 0x77);
	res = cqe->res;
	*bid = -1;
	if (cflags)
		*cflags = cqe->flags;
	if (cqe->flags & IORING_CQE_F_BUFFER)
		*bid = (int) (cqe->flags >> IORING_CQE_BUFFER_SHIFT);
	if (res >= 0)
		ASSERT(cqe->flags & IORING_CQE_F_BUFFER);
	io_uring_cqe_seen(&ring, cqe);
	return res;
}

static int avail(struct io_uring_buf_ring *br, int bgid)
{
	int n = io_uring_buf_ring_available(&ring, br, (unsigned short) bgid);

	if (n == -EINVAL)
		t_skip("kernel lacks IORING_REGISTER_PBUF_STATUS (6.8)");
	ASSERT_GE(n, 0);
	return n;
}

/* init, add at offsets, advance, mask, available, data in the right bid. */
static void test_add_advance(int p[2])
{
	struct io_uring_buf_ring *br;
	int err, mask, bid, n;
	unsigned short tail0;
	char msg[32], c;

	br = io_uring_setup_buf_ring(&ring, ENTRIES, BGID, 0, &err);
	if (!br && err == -EINVAL)
		t_skip("kernel lacks provided-buffer rings");
	ASSERT_NOT_NULL(br);
	ASSERT_EQ(err, 0);

	mask = io_uring_buf_ring_mask(ENTRIES);
	ASSERT_EQ(mask, ENTRIES - 1);
	ASSERT_EQ(io_uring_buf_ring_mask(1), 0);
	ASSERT_EQ(io_uring_buf_ring_mask(32768), 32767);

	io_uring_buf_ring_init(br);
	ASSERT_EQ(br->tail, 0);
	ASSERT_EQ(avail(br, BGID), 0);

	/* Four buffers at offsets 0..3, ids 13, 2, 9, 4: not yet visible. */
	static const unsigned short ids[4] = { 13 % ENTRIES, 2, 9 % ENTRIES, 4 };
	for (int i = 0; i < 4; i++)
		io_uring_buf_ring_add(br, bufs[ids[i]], BUFLEN, ids[i], mask, i);
	ASSERT_EQ(br->tail, 0);
	ASSERT_EQ(avail(br, BGID), 0);
	/* The entries sit in slots tail+0 .. tail+3, tail untouched. */
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(br->bufs[i].bid, ids[i]);
		ASSERT_EQ(br->bufs[i].len, BUFLEN);
		ASSERT_EQ(br->bufs[i].addr, (__u64) (unsigned long) bufs[ids[i]]);
	}
	ASSERT_EQ(write(p[1], "a", 1), 1);
	ASSERT_EQ(read_select(p[0], BUFLEN, BGID, &bid, NULL), -ENOBUFS);
	ASSERT_EQ(bid, -1);
	ASSERT_EQ(read(p[0], &c, 1), 1);

	/* Publish two of them, then the other two. */
	io_uring_buf_ring_advance(br, 2);
	ASSERT_EQ(br->tail, 2);
	ASSERT_EQ(avail(br, BGID), 2);
	io_uring_buf_ring_advance(br, 2);
	ASSERT_EQ(avail(br, BGID), 4);

	for (int i = 0; i < 4; i++) {
		n = snprintf(msg, sizeof(msg), "payload %d for ring", i);
		ASSERT_EQ(write(p[1], msg, (size_t) n), n);
		ASSERT_EQ(read_select(p[0], BUFLEN, BGID, &bid, NULL), n);
		ASSERT_EQ(bid, ids[i]);
		ASSERT_MEM_EQ(bufs[bid], msg, (size_t) n);
		ASSERT_EQ(avail(br, BGID), 3 - i);
	}
	ASSERT_EQ(write(p[1], "b", 1), 1);
	ASSERT_EQ(read_select(p[0], BUFLEN, BGID, &bid, NULL), -ENOBUFS);
	ASSERT_EQ(read(p[0], &c, 1), 1);

	/*
	 * Fill the ring completely (8 entries) from a tail that is not slot
	 * 0: the slots wrap, and slot 0's entry must not clobber the tail.
	 */
	tail0 = br->tail;
	for (int i = 0; i < ENTRIES; i++)
		io_uring_buf_ring_add(br, bufs[i], BUFLEN, (unsigned short) i,
				      mask, i);
	ASSERT_EQ(br->tail, tail0);
	io_uring_buf_ring_advance(br, ENTRIES);
	ASSERT_EQ(br->tail, (unsigned short) (tail0 + ENTRIES));
	ASSERT_EQ(avail(br, BGID), ENTRIES);
	for (int i = 0; i < ENTRIES; i++) {
		n = snprintf(msg, sizeof(msg), "full ring %d", i);
		ASSERT_EQ(write(p[1], msg, (size_t) n), n);
		ASSERT_EQ(read_select(p[0], BUFLEN, BGID, &bid, NULL), n);
		ASSERT_EQ(bid, i);
		ASSERT_MEM_EQ(bufs[i], msg, (size_t) n);
	}
	ASSERT_EQ(avail(br, BGID), 0);

	/* A short buffer length limits the read: the rest stays in the pipe. */
	io_uring_buf_ring_add(br, bufs[3], 5, 3, mask, 0);
	io_uring_buf_ring_advance(br, 1);
	ASSERT_EQ(write(p[1], "0123456789", 10), 10);
	ASSERT_EQ(read_select(p[0], BUFLEN, BGID, &bid, NULL), 5);
	ASSERT_EQ(bid, 3);
	ASSERT_MEM_EQ(bufs[3], "01234", 5);
	ASSERT_EQ(read(p[0], msg, sizeof(msg)), 5);

	ASSERT_EQ(io_uring_free_buf_ring(&ring, br, ENTRIES, BGID), 0);
	ASSERT_EQ(io_uring_buf_ring_available(&ring, br, BGID), -ENOENT);
}

/* io_uring_buf_ring_cq_advance and its split form. */
static void test_cq_advance(int p[2])
{
	struct io_uring_buf_ring *br;
	struct io_uring_cqe *cqe;
	int err, mask = io_uring_buf_ring_mask(ENTRIES), count;
	unsigned head;
	int seen[4];

	br = io_uring_setup_buf_ring(&ring, ENTRIES, BGID, 0, &err);
	ASSERT_NOT_NULL(br);
	for (int i = 0; i < 4; i++)
		io_uring_buf_ring_add(br, bufs[i], 1, (unsigned short) i, mask,
				      i);
	io_uring_buf_ring_advance(br, 4);
	ASSERT_EQ(avail(br, BGID), 4);

	/* Four 1-byte reads: each takes one 1-byte buffer. */
	ASSERT_EQ(write(p[1], "wxyz", 4), 4);
	for (int i = 0; i < 4; i++)
		queue_select(IORING_OP_READ, p[0], 1, BGID, (__u64) i);
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 4), 4);
	ASSERT_EQ(io_uring_cq_ready(&ring), 4);
	ASSERT_EQ(avail(br, BGID), 0);

	/* Recycle each buffer as its CQE is handled, then one cq_advance. */
	count = 0;
	io_uring_for_each_cqe(&ring, head, cqe) {
		int bid;

		ASSERT_EQ(cqe->res, 1);
		ASSERT(cqe->flags & IORING_CQE_F_BUFFER);
		bid = (int) (cqe->flags >> IORING_CQE_BUFFER_SHIFT);
		ASSERT_LT(bid, 4);
		seen[count] = bufs[bid][0];
		io_uring_buf_ring_add(br, bufs[bid], 1, (unsigned short) bid,
				      mask, count);
		count++;
	}
	ASSERT_EQ(count, 4);
	/* Each byte once: the four reads together read "wxyz". */
	ASSERT_EQ(seen[0] + seen[1] + seen[2] + seen[3], 'w' + 'x' + 'y' + 'z');
	ASSERT_EQ(avail(br, BGID), 0);
	io_uring_buf_ring_cq_advance(&ring, br, count);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	ASSERT_EQ(avail(br, BGID), 4);

	/* Split counts: two CQEs seen, one buffer given back. */
	ASSERT_EQ(write(p[1], "12", 2), 2);
	queue_select(IORING_OP_READ, p[0], 1, BGID, 10);
	queue_select(IORING_OP_READ, p[0], 1, BGID, 11);
	ASSERT_EQ(io_uring_submit_and_wait(&ring, 2), 2);
	ASSERT_EQ(io_uring_cq_ready(&ring), 2);
	ASSERT_EQ(avail(br, BGID), 2);
	io_uring_buf_ring_add(br, bufs[7], 1, 7, mask, 0);
	__io_uring_buf_ring_cq_advance(&ring, br, 2, 1);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	ASSERT_EQ(avail(br, BGID), 3);
	/* Zero for both is a no-op. */
	__io_uring_buf_ring_cq_advance(&ring, br, 0, 0);
	ASSERT_EQ(avail(br, BGID), 3);

	ASSERT_EQ(io_uring_free_buf_ring(&ring, br, ENTRIES, BGID), 0);
}

/*
 * More than 65536 buffers through an 8-entry ring: ROUNDS batches of 8
 * datagrams, each batch received by 8 recvs and recycled with one
 * io_uring_buf_ring_cq_advance(). The tail and the kernel's head both
 * wrap at 65536; the check of available() straddles the wrap.
 */
#define ROUNDS	(65536 / ENTRIES + 4)
static void test_wraparound(void)
{
	struct io_uring_buf_ring *br;
	struct io_uring_cqe *cqe;
	int err, tx, rx, mask = io_uring_buf_ring_mask(ENTRIES);
	unsigned head, seq = 0, got = 0;
	bool wrapped = false;

	br = io_uring_setup_buf_ring(&ring, ENTRIES, BGID, 0, &err);
	ASSERT_NOT_NULL(br);
	for (int i = 0; i < ENTRIES; i++)
		io_uring_buf_ring_add(br, bufs[i], BUFLEN, (unsigned short) i,
				      mask, i);
	io_uring_buf_ring_advance(br, ENTRIES);
	t_udp_pair(&tx, &rx, 0);

	for (unsigned r = 0; r < ROUNDS; r++) {
		unsigned short before = br->tail;
		int count = 0;

		for (int i = 0; i < ENTRIES; i++) {
			unsigned v = seq++;

			ASSERT_EQ(send(tx, &v, sizeof(v), 0), (ssize_t) sizeof(v));
			queue_select(IORING_OP_RECV, rx, 0, BGID, v);
		}
		ASSERT_EQ(io_uring_submit_and_wait(&ring, ENTRIES), ENTRIES);
		ASSERT_EQ(io_uring_cq_ready(&ring), ENTRIES);
		io_uring_for_each_cqe(&ring, head, cqe) {
			unsigned v;
			int bid;

			ASSERT_EQ(cqe->res, (int) sizeof(v));
			ASSERT(cqe->flags & IORING_CQE_F_BUFFER);
			bid = (int) (cqe->flags >> IORING_CQE_BUFFER_SHIFT);
			ASSERT_LT(bid, ENTRIES);
			memcpy(&v, bufs[bid], sizeof(v));
			ASSERT_EQ(v, cqe->user_data);
			got++;
			io_uring_buf_ring_add(br, bufs[bid], BUFLEN,
					      (unsigned short) bid, mask, count);
			count++;
		}
		ASSERT_EQ(count, ENTRIES);
		/* All consumed, recycled but not yet published. */
		ASSERT_EQ(avail(br, BGID), 0);
		io_uring_buf_ring_cq_advance(&ring, br, count);
		ASSERT_EQ(io_uring_cq_ready(&ring), 0);
		/* Published: right also when the tail wrapped below the head. */
		ASSERT_EQ(avail(br, BGID), ENTRIES);
		if (br->tail < before)
			wrapped = true;
	}
	ASSERT(wrapped);
	ASSERT_EQ(got, ROUNDS * ENTRIES);
	ASSERT_EQ(avail(br, BGID), ENTRIES);
	close(tx);
	close(rx);
	ASSERT_EQ(io_uring_free_buf_ring(&ring, br, ENTRIES, BGID), 0);
}

/* IOU_PBUF_RING_INC: one 64-byte buffer consumed in three pieces. */
static void test_incremental(int p[2])
{
	struct io_uring_buf_ring *br;
	unsigned char big[BUFLEN];
	unsigned cflags;
	int err, bid;

	br = io_uring_setup_buf_ring(&ring, ENTRIES, BGID, IOU_PBUF_RING_INC,
				     &err);
	if (!br) {
		ASSERT_EQ(err, -EINVAL);
		printf("IOU_PBUF_RING_INC: not supported by this kernel, "
		       "part skipped\n");
		return;
	}
	memset(bufs[6], 0, BUFLEN);
	io_uring_buf_ring_add(br, bufs[6], BUFLEN, 6,
			      io_uring_buf_ring_mask(ENTRIES), 0);
	io_uring_buf_ring_advance(br, 1);
	ASSERT_EQ(avail(br, BGID), 1);

	t_fill(big, sizeof(big), 21);
	/* 10 bytes: the buffer is partly used, the kernel keeps it. */
	ASSERT_EQ(write(p[1], big, 10), 10);
	ASSERT_EQ(read_select(p[0], 0, BGID, &bid, &cflags), 10);
	ASSERT_EQ(bid, 6);
	ASSERT(cflags & IORING_CQE_F_BUF_MORE);
	ASSERT_MEM_EQ(bufs[6], big, 10);
	/* The kernel rewrote the entry: it now starts 10 bytes further. */
	ASSERT_EQ(br->bufs[0].addr, (__u64) (unsigned long) (bufs[6] + 10));
	ASSERT_EQ(br->bufs[0].len, BUFLEN - 10);
	ASSERT_EQ(avail(br, BGID), 1);

	/* 20 more land right behind the first 10. */
	ASSERT_EQ(write(p[1], big + 10, 20), 20);
	ASSERT_EQ(read_select(p[0], 0, BGID, &bid, &cflags), 20);
	ASSERT_EQ(bid, 6);
	ASSERT(cflags & IORING_CQE_F_BUF_MORE);
	ASSERT_MEM_EQ(bufs[6], big, 30);
	ASSERT_EQ(avail(br, BGID), 1);

	/* The last 34 use it up: no BUF_MORE, the head moves on. */
	ASSERT_EQ(write(p[1], big + 30, BUFLEN - 30), BUFLEN - 30);
	ASSERT_EQ(read_select(p[0], 0, BGID, &bid, &cflags), BUFLEN - 30);
	ASSERT_EQ(bid, 6);
	ASSERT(!(cflags & IORING_CQE_F_BUF_MORE));
	ASSERT_MEM_EQ(bufs[6], big, BUFLEN);
	ASSERT_EQ(avail(br, BGID), 0);
	printf("IOU_PBUF_RING_INC: one buffer filled by 10+20+34 bytes, "
	       "F_BUF_MORE on the first two\n");

	ASSERT_EQ(io_uring_free_buf_ring(&ring, br, ENTRIES, BGID), 0);
}

/* Legacy IORING_OP_PROVIDE_BUFFERS / IORING_OP_REMOVE_BUFFERS. */
#define LBGID	9
#define LNR	8
#define LLEN	32
#define LBID	100
static void test_legacy(int p[2])
{
	static unsigned char pool[LNR][LLEN];
	struct io_uring_sqe *sqe;
	bool used[LNR] = { false };
	char msg[LLEN];
	int bid, res, n;

	if (!t_op_supported(IORING_OP_PROVIDE_BUFFERS) ||
	    !t_op_supported(IORING_OP_REMOVE_BUFFERS)) {
		printf("legacy provided buffers: not supported, part skipped\n");
		return;
	}

	/* The SQE layout the kernel reads. */
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_provide_buffers(sqe, pool, LLEN, LNR, LBGID, LBID);
	t_check_sqe(sqe, { .opcode = IORING_OP_PROVIDE_BUFFERS, .fd = LNR,
			   .addr = (__u64) (uintptr_t) pool, .len = LLEN,
			   .off = LBID, .buf_index = LBGID });
	res = t_submit_one(&ring);
	printf("PROVIDE_BUFFERS of %d buffers: res %d\n", LNR, res);
	ASSERT_EQ(res, 0);

	/* Three reads take three of the buffers. */
	for (int i = 0; i < 3; i++) {
		n = snprintf(msg, sizeof(msg), "legacy %d", i);
		ASSERT_EQ(write(p[1], msg, (size_t) n), n);
		ASSERT_EQ(read_select(p[0], LLEN, LBGID, &bid, NULL), n);
		ASSERT_GE(bid, LBID);
		ASSERT_LT(bid, LBID + LNR);
		ASSERT(!used[bid - LBID]);
		used[bid - LBID] = true;
		ASSERT_MEM_EQ(pool[bid - LBID], msg, (size_t) n);
	}

	/* Remove more than are left: res is what was actually removed. */
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_remove_buffers(sqe, LNR, LBGID);
	t_check_sqe(sqe, { .opcode = IORING_OP_REMOVE_BUFFERS, .fd = LNR,
			   .buf_index = LBGID });
	res = t_submit_one(&ring);
	printf("REMOVE_BUFFERS of %d with %d left: res %d\n", LNR, LNR - 3, res);
	ASSERT_EQ(res, LNR - 3);

	/* Nothing left to select. */
	ASSERT_EQ(write(p[1], "q", 1), 1);
	ASSERT_EQ(read_select(p[0], LLEN, LBGID, &bid, NULL), -ENOBUFS);
	ASSERT_EQ(read(p[0], msg, 1), 1);
	/* Removing from the now empty group. */
	io_uring_prep_remove_buffers(t_get_sqe(&ring), 1, LBGID);
	res = t_submit_one(&ring);
	printf("REMOVE_BUFFERS from an empty group: res %d\n", res);
	ASSERT(res == -ENOENT || res == 0);
	/* A group that never existed. */
	io_uring_prep_remove_buffers(t_get_sqe(&ring), 1, LBGID + 1);
	ASSERT_EQ(t_submit_one(&ring), -ENOENT);

	/* Partial removal: provide 4, remove 3, one is still there. */
	io_uring_prep_provide_buffers(t_get_sqe(&ring), pool, LLEN, 4, LBGID, 0);
	ASSERT_EQ(t_submit_one(&ring), 0);
	io_uring_prep_remove_buffers(t_get_sqe(&ring), 3, LBGID);
	ASSERT_EQ(t_submit_one(&ring), 3);
	ASSERT_EQ(write(p[1], "r", 1), 1);
	ASSERT_EQ(read_select(p[0], LLEN, LBGID, &bid, NULL), 1);
	ASSERT_GE(bid, 0);
	ASSERT_LT(bid, 4);
	ASSERT_EQ(pool[bid][0], 'r');
}

int main(void)
{
	int p[2];

	t_ring_init(&ring, 16, NULL);
	ASSERT_EQ(pipe(p), 0);

	test_add_advance(p);
	test_cq_advance(p);
	test_wraparound();
	test_incremental(p);
	test_legacy(p);

	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
	return T_EXIT_PASS;
}
