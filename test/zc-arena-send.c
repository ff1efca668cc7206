/* SPDX-License-Identifier: MIT */
/*
 * uringkit_zc arenas, sending real data over TCP on 127.0.0.1:
 *  - a message of seven pieces of different sizes, carved from one arena
 *    in an order unlike the iovec order, goes out as ONE sendmsg_zc_fixed
 *    and the receiver gets exactly the pieces concatenated;
 *  - each request yields its result (URINGKIT_ZC_RESULT, all bytes) and
 *    then its notification (URINGKIT_ZC_DONE);
 *  - chunks freed right after the prep call stay reserved until the
 *    notification is decoded: the full arena refuses allocations until
 *    then, and gives the whole space back after;
 *  - sixteen linked sends in flight at once (send and sendmsg mixed),
 *    during which uringkit_zc_arena_free() says -EBUSY and the memory
 *    stays mapped;
 *  - the ring allocator wraps round, and a message can mix a wrapped
 *    chunk with an older one;
 *  - URINGKIT_ZC_ARENA_UPDATE: two arenas (one with huge pages) in slots
 *    of a sparse table on a second ring, each sending from its own slot;
 *  - a CQE decoded twice is refused (-EALREADY), a foreign one ignored (0).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uringkit/zc.h>
#include "test.h"
#include "net.h"

#define ARENA_SIZE	(64 * 1024)
#define NR_INFLIGHT	16

static int fds[2];

/*
 * Decode the next CQE of the arena's request id; returns the mask from
 * uringkit_zc_complete() and stores res. Skips the test if the kernel
 * refuses registered-buffer zero-copy sendmsg (before Linux 6.15).
 */
static int next_event(struct io_uring *ring, struct uringkit_zc_arena *a,
		      int id, int *res)
{
	struct io_uring_cqe *cqe = t_wait_cqe_within(ring, 5000);
	struct uringkit_zc_event ev = { -1, 0 };
	int ret = uringkit_zc_complete(a, cqe, &ev);

	ASSERT_GT(ret, 0);
	ASSERT_EQ(ev.id, id);
	ASSERT_EQ(cqe->user_data >> 48, URINGKIT_ZC_USER_DATA_TAG);
	if ((ret & URINGKIT_ZC_RESULT) && ev.res == -EINVAL &&
	    !(cqe->flags & IORING_CQE_F_MORE))
		t_skip("kernel lacks zero-copy sendmsg from registered buffers");
	*res = ev.res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

/* Submit one prepared request, receive want, check result and notification. */
static void send_and_check(struct io_uring *ring, struct uringkit_zc_arena *a,
			   int id, const void *want, size_t len)
{
	static unsigned char in[ARENA_SIZE * 2];
	int res;

	ASSERT_LE(len, sizeof(in));
	ASSERT_EQ(io_uring_submit(ring), 1);
	ASSERT_EQ(uringkit_zc_inflight(a), 1);
	ASSERT_EQ(next_event(ring, a, id, &res), URINGKIT_ZC_RESULT);
	ASSERT_EQ(res, (int) len);
	t_read_exact(fds[1], in, len);
	ASSERT_MEM_EQ(in, want, len);
	ASSERT_EQ(next_event(ring, a, id, &res), URINGKIT_ZC_DONE);
	ASSERT_EQ(res & ~IORING_NOTIF_USAGE_ZC_COPIED, 0);
	ASSERT_EQ(uringkit_zc_inflight(a), 0);
}

/* Seven pieces, one sendmsg, and the allocator holding them until NOTIF. */
static void seven_pieces(struct io_uring *ring, struct uringkit_zc_arena *a)
{
	/* Rounded up to 64 bytes these fill the 64 KiB arena exactly. */
	static const size_t sizes[7] = { 1, 100, 4096, 63, 5000, 17, 56034 };
	/* carved in this order, sent in iovec order 0..6 */
	static const int carve[7] = { 4, 1, 6, 0, 3, 5, 2 };
	static unsigned char want[ARENA_SIZE];
	struct io_uring_cqe *cqe;
	struct iovec iov[7];
	struct msghdr msg;
	size_t total = 0;
	int id, res, ret;

	for (int i = 0; i < 7; i++) {
		int k = carve[i];

		iov[k].iov_base = uringkit_zc_alloc(a, sizes[k]);
		ASSERT_NOT_NULL(iov[k].iov_base);
		ASSERT_EQ((uintptr_t) iov[k].iov_base % URINGKIT_ZC_ALIGN, 0);
		iov[k].iov_len = sizes[k];
		t_fill(iov[k].iov_base, sizes[k], 100 + (unsigned) k);
	}
	/* The first chunk carved is the start of a page-aligned arena. */
	ASSERT_EQ((uintptr_t) iov[carve[0]].iov_base % 4096, 0);
	/* Full: not one more byte. */
	ASSERT_NULL(uringkit_zc_alloc(a, 1));
	for (int k = 0; k < 7; k++) {
		memcpy(want + total, iov[k].iov_base, sizes[k]);
		total += sizes[k];
	}

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 7;
	id = uringkit_zc_prep_sendmsg(a, t_get_sqe(ring), fds[0], &msg,
				      MSG_WAITALL);
	ASSERT_GE(id, 0);
	ASSERT_EQ(uringkit_zc_inflight(a), 1);
	/* Let go of every chunk now; the request still holds them. */
	for (int k = 0; k < 7; k++)
		ASSERT_EQ(uringkit_zc_free(a, iov[k].iov_base), 0);
	ASSERT_NULL(uringkit_zc_alloc(a, 1));

	ASSERT_EQ(io_uring_submit(ring), 1);
	{
		static unsigned char in[ARENA_SIZE];

		t_read_exact(fds[1], in, total);
		ASSERT_MEM_EQ(in, want, total);
	}
	ASSERT_EQ(next_event(ring, a, id, &res), URINGKIT_ZC_RESULT);
	ASSERT_EQ(res, (int) total);
	/* Result seen, notification not yet decoded: still reserved. */
	ASSERT_EQ(uringkit_zc_inflight(a), 1);
	ASSERT_NULL(uringkit_zc_alloc(a, 1));
	ASSERT_EQ(uringkit_zc_arena_free(a, 0), -EBUSY);

	cqe = t_wait_cqe_within(ring, 5000);
	{
		struct io_uring_cqe copy = *cqe;
		struct uringkit_zc_event ev;

		ASSERT(cqe->flags & IORING_CQE_F_NOTIF);
		ret = uringkit_zc_complete(a, cqe, &ev);
		ASSERT_EQ(ret, URINGKIT_ZC_DONE);
		ASSERT_EQ(ev.id, id);
		/* decoding it again changes nothing */
		ASSERT_EQ(uringkit_zc_complete(a, &copy, &ev), -EALREADY);
	}
	io_uring_cqe_seen(ring, cqe);
	ASSERT_EQ(uringkit_zc_inflight(a), 0);

	/* Now the whole arena is free again, from its start. */
	{
		void *all = uringkit_zc_alloc(a, ARENA_SIZE);

		ASSERT_NOT_NULL(all);
		ASSERT(all == iov[carve[0]].iov_base);
		ASSERT_EQ(uringkit_zc_free(a, all), 0);
	}
}

/* Sixteen linked requests in flight together. */
static void many_inflight(struct io_uring *ring, struct uringkit_zc_arena *a)
{
	static unsigned char want[ARENA_SIZE], in[ARENA_SIZE];
	int ids[NR_INFLIGHT], state[NR_INFLIGHT], lens[NR_INFLIGHT];
	void *chunk[NR_INFLIGHT];
	size_t total = 0;
	int seen_done = 0;

	for (int i = 0; i < NR_INFLIGHT; i++) {
		struct io_uring_sqe *sqe = t_get_sqe(ring);
		size_t len = 1000 + 157 * (size_t) i;

		chunk[i] = uringkit_zc_alloc(a, len);
		ASSERT_NOT_NULL(chunk[i]);
		t_fill(chunk[i], len, 200 + (unsigned) i);
		memcpy(want + total, chunk[i], len);
		total += len;
		lens[i] = (int) len;
		if (i % 2) {
			/*
			 * Two pieces of the same chunk, swapped. msghdr and
			 * iovecs must live until the submit below.
			 */
			static struct msghdr msgs[NR_INFLIGHT];
			static struct iovec iovs[NR_INFLIGHT][2];
			struct msghdr *msg = &msgs[i];
			struct iovec *iov = iovs[i];

			iov[0].iov_base = (char *) chunk[i] + 500;
			iov[0].iov_len = len - 500;
			iov[1].iov_base = chunk[i];
			iov[1].iov_len = 500;
			memcpy(want + total - len, (char *) chunk[i] + 500,
			       len - 500);
			memcpy(want + total - 500, chunk[i], 500);
			memset(msg, 0, sizeof(*msg));
			msg->msg_iov = iov;
			msg->msg_iovlen = 2;
			ids[i] = uringkit_zc_prep_sendmsg(a, sqe, fds[0], msg,
							  MSG_WAITALL);
		} else {
			ids[i] = uringkit_zc_prep_send(a, sqe, fds[0], chunk[i],
						       len, MSG_WAITALL);
		}
		ASSERT_GE(ids[i], 0);
		for (int j = 0; j < i; j++)
			ASSERT_NE(ids[i], ids[j]);
		if (i < NR_INFLIGHT - 1)
			sqe->flags |= IOSQE_IO_LINK;	/* keep stream order */
		ASSERT_EQ(uringkit_zc_free(a, chunk[i]), 0);
		state[i] = 0;
	}
	ASSERT_EQ(uringkit_zc_inflight(a), NR_INFLIGHT);
	ASSERT_EQ(io_uring_submit(ring), NR_INFLIGHT);

	/* In flight: the arena refuses to go, its memory stays readable. */
	ASSERT_EQ(uringkit_zc_arena_free(a, 0), -EBUSY);
	ASSERT_EQ(t_check_fill(chunk[3], (size_t) lens[3], 0, 203),
		  (size_t) lens[3]);

	t_read_exact(fds[1], in, total);
	ASSERT_MEM_EQ(in, want, total);

	while (seen_done < NR_INFLIGHT) {
		struct io_uring_cqe *cqe = t_wait_cqe_within(ring, 5000);
		struct uringkit_zc_event ev;
		int ret = uringkit_zc_complete(a, cqe, &ev), i;

		ASSERT_GT(ret, 0);
		for (i = 0; i < NR_INFLIGHT && ids[i] != ev.id; i++)
			;
		ASSERT_LT(i, NR_INFLIGHT);
		if (ret == URINGKIT_ZC_RESULT) {
			ASSERT_EQ(state[i], 0);
			if (ev.res == -EINVAL)
				t_skip("kernel lacks zero-copy sendmsg from registered buffers");
			ASSERT_EQ(ev.res, lens[i]);
			state[i] = 1;
		} else {
			ASSERT_EQ(ret, URINGKIT_ZC_DONE);
			ASSERT_EQ(state[i], 1);
			state[i] = 2;
			seen_done++;
			ASSERT_EQ(uringkit_zc_inflight(a),
				  NR_INFLIGHT - seen_done);
		}
		io_uring_cqe_seen(ring, cqe);
	}
	{
		void *all = uringkit_zc_alloc(a, ARENA_SIZE);

		ASSERT_NOT_NULL(all);
		ASSERT_EQ(uringkit_zc_free(a, all), 0);
	}
}

/* The ring allocator wraps; a message mixes a wrapped and an older chunk. */
static void wrap_round(struct io_uring *ring, struct uringkit_zc_arena *a)
{
	static unsigned char want[ARENA_SIZE];
	unsigned char *x, *y, *z;
	struct iovec iov[2];
	struct msghdr msg;
	int id;

	x = uringkit_zc_alloc(a, ARENA_SIZE / 2);
	y = uringkit_zc_alloc(a, ARENA_SIZE / 4);
	ASSERT_NOT_NULL(x);
	ASSERT_NOT_NULL(y);
	ASSERT(y == x + ARENA_SIZE / 2);
	/* No room after y for half the arena, and x is still held. */
	ASSERT_NULL(uringkit_zc_alloc(a, ARENA_SIZE / 2));
	ASSERT_EQ(uringkit_zc_free(a, x), 0);
	z = uringkit_zc_alloc(a, ARENA_SIZE / 2);
	ASSERT(z == x);		/* wrapped round to the start */
	/* Now only the quarter after y is free... and not contiguous. */
	ASSERT_NULL(uringkit_zc_alloc(a, ARENA_SIZE / 4 + 1));

	t_fill(y, ARENA_SIZE / 4, 31);
	t_fill(z, ARENA_SIZE / 2, 32);
	iov[0].iov_base = z + 10;
	iov[0].iov_len = 3000;
	iov[1].iov_base = y + 7;
	iov[1].iov_len = 2000;
	memcpy(want, z + 10, 3000);
	memcpy(want + 3000, y + 7, 2000);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	id = uringkit_zc_prep_sendmsg(a, t_get_sqe(ring), fds[0], &msg,
				      MSG_WAITALL);
	ASSERT_GE(id, 0);
	send_and_check(ring, a, id, want, 5000);
	ASSERT_EQ(uringkit_zc_free(a, y), 0);
	ASSERT_EQ(uringkit_zc_free(a, z), 0);
}

/* URINGKIT_ZC_ARENA_UPDATE: arenas in slots of the ring's sparse table. */
static void update_mode(void)
{
	static unsigned char want[8192];
	struct uringkit_zc_arena *a1, *a3;
	struct io_uring_cqe fake;
	struct io_uring_sqe *sqe;
	struct io_uring ring2;
	unsigned char *p;
	__u64 ud1;
	int err, id;

	t_ring_init(&ring2, 8, NULL);
	ASSERT_EQ(io_uring_register_buffers_sparse(&ring2, 4), 0);
	a1 = uringkit_zc_arena_create(&ring2, 10000, 1,
				      URINGKIT_ZC_ARENA_UPDATE, &err);
	ASSERT_EQ(err, 0);
	ASSERT_NOT_NULL(a1);
	a3 = uringkit_zc_arena_create(&ring2, 1 << 20, 3,
				      URINGKIT_ZC_ARENA_UPDATE |
				      URINGKIT_ZC_ARENA_HUGE, &err);
	ASSERT_EQ(err, 0);
	ASSERT_NOT_NULL(a3);
	/* 1 MiB asked with huge pages: the arena is a whole 2 MiB page. */
	p = uringkit_zc_alloc(a3, 2 << 20);
	ASSERT_NOT_NULL(p);
	ASSERT_EQ((uintptr_t) p % 4096, 0);
	ASSERT_EQ(uringkit_zc_free(a3, p), 0);

	p = uringkit_zc_alloc(a1, 8192);
	ASSERT_NOT_NULL(p);
	t_fill(p, 8192, 41);
	memcpy(want, p, 8192);
	sqe = t_get_sqe(&ring2);
	id = uringkit_zc_prep_send(a1, sqe, fds[0], p, 8192, MSG_WAITALL);
	ASSERT_GE(id, 0);
	ud1 = sqe->user_data;
	send_and_check(&ring2, a1, id, want, 8192);
	ASSERT_EQ(uringkit_zc_free(a1, p), 0);

	p = uringkit_zc_alloc(a3, 4096);
	ASSERT_NOT_NULL(p);
	t_fill(p, 4096, 43);
	memcpy(want, p, 4096);
	id = uringkit_zc_prep_send(a3, t_get_sqe(&ring2), fds[0], p, 4096,
				   MSG_WAITALL);
	ASSERT_GE(id, 0);
	send_and_check(&ring2, a3, id, want, 4096);
	/*
	 * a1's notification again: not a3's business (another arena on the
	 * same ring), and a1 has decoded it already.
	 */
	memset(&fake, 0, sizeof(fake));
	fake.user_data = ud1;
	fake.flags = IORING_CQE_F_NOTIF;
	ASSERT_EQ(uringkit_zc_complete(a3, &fake, NULL), 0);
	ASSERT_EQ(uringkit_zc_complete(a1, &fake, NULL), -EALREADY);
	ASSERT_EQ(uringkit_zc_inflight(a1), 0);
	ASSERT_EQ(uringkit_zc_inflight(a3), 0);

	ASSERT_EQ(uringkit_zc_arena_free(a1, 0), 0);
	ASSERT_EQ(uringkit_zc_arena_free(a3, 0), 0);
	/* Slot 1 is empty again: a new arena can take it. */
	a1 = uringkit_zc_arena_create(&ring2, 4096, 1,
				      URINGKIT_ZC_ARENA_UPDATE, &err);
	ASSERT_NOT_NULL(a1);
	ASSERT_EQ(uringkit_zc_arena_free(a1, 0), 0);
	io_uring_queue_exit(&ring2);
}

int main(void)
{
	struct uringkit_zc_arena *a;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int err = 1;

	t_require_op(IORING_OP_SEND_ZC);
	t_require_op(IORING_OP_SENDMSG_ZC);
	t_ring_init(&ring, 64, NULL);
	t_tcp_pair(fds);

	a = uringkit_zc_arena_create(&ring, ARENA_SIZE, 0, 0, &err);
	if (!a && err == -ENOMEM)
		t_skip("cannot pin a registered buffer (RLIMIT_MEMLOCK)");
	ASSERT_EQ(err, 0);
	ASSERT_NOT_NULL(a);
	ASSERT_EQ(uringkit_zc_inflight(a), 0);

	seven_pieces(&ring, a);
	many_inflight(&ring, a);
	wrap_round(&ring, a);

	/* A CQE of the application's own is not the arena's. */
	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 0x1234);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe_within(&ring, 5000);
	ASSERT_EQ(uringkit_zc_complete(a, cqe, NULL), 0);
	io_uring_cqe_seen(&ring, cqe);

	ASSERT_EQ(uringkit_zc_arena_free(a, 0), 0);

	update_mode();

	/* Nothing else arrived. */
	{
		char c;

		ASSERT_EQ(recv(fds[1], &c, 1, MSG_DONTWAIT), -1);
	}
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
