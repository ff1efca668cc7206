/* SPDX-License-Identifier: MIT */
/*
 * uringkit_zc arenas given bad input. Every failure returns its errno and
 * leaves nothing behind: no fd, no mapping, nothing registered (a later
 * arena takes the same slot), no SQE for the kernel, nothing in flight.
 *  - create: NULL ring, size 0, unknown flags, index > 65535 (-EINVAL);
 *    above 1 GiB and SIZE_MAX (-ENOMEM); an index past the kernel's limit
 *    (the kernel's -EINVAL); a ring that already has registered buffers
 *    (the kernel's -EBUSY, and the application's buffer still works);
 *    URINGKIT_ZC_ARENA_UPDATE without a table (-ENXIO) and past its end
 *    (-EINVAL);
 *  - prep: an iovec outside the arena (-EFAULT), inside but not in a held
 *    chunk: unallocated, straddling two chunks, freed (-EINVAL); the first
 *    bad iovec decides; empty or oversized iovec arrays; a NULL iovec
 *    array; an SQE of another ring. The SQE is given back when it is the
 *    last one obtained, or becomes a NOP without a CQE otherwise;
 *  - alloc and free: zero and oversized lengths, double free, an address
 *    inside a chunk;
 *  - free: -EBUSY while in flight, URINGKIT_ZC_FREE_FORCE frees anyway and
 *    the data in flight still arrives intact; -EBADF after the ring was
 *    closed, with the memory released.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uringkit/zc.h>
#include "test.h"
#include "net.h"

/* Large enough that a leak cannot hide in an allocator's noise. */
#define ARENA_SIZE	(8UL << 20)

static int fds[2];

static unsigned long long base_maps;
static int base_fds;
static int extra_fds;	/* rings opened since the baseline */

/* No fd and no arena-sized mapping more than at the start. */
static void nothing_left(void)
{
	unsigned long long now = t_mapped_bytes();

	ASSERT_EQ(t_count_fds(), base_fds + extra_fds);
	/* allocators may grow a little; a leaked arena is 8 MiB */
	ASSERT_LT(now, base_maps + ARENA_SIZE / 2);
}

static void create_fails(struct io_uring *ring, size_t size,
			 unsigned int idx, unsigned int flags, int want)
{
	int err = 1;

	ASSERT_NULL(uringkit_zc_arena_create(ring, size, idx, flags, &err));
	ASSERT_EQ(err, want);
	/* err may be NULL */
	ASSERT_NULL(uringkit_zc_arena_create(ring, size, idx, flags, NULL));
	nothing_left();
}

/* A good arena can still take slot idx: the failure registered nothing. */
static void slot_free(struct io_uring *ring, unsigned int idx,
		      unsigned int flags)
{
	struct uringkit_zc_arena *a;
	int err = 1;

	a = uringkit_zc_arena_create(ring, ARENA_SIZE, idx, flags, &err);
	ASSERT_EQ(err, 0);
	ASSERT_NOT_NULL(a);
	ASSERT_EQ(uringkit_zc_arena_free(a, 0), 0);
	nothing_left();
}

static void bad_create(struct io_uring *ring)
{
	static char user_buf[4096] __attribute__((aligned(4096)));
	struct iovec iov = { user_buf, sizeof(user_buf) };
	struct io_uring_cqe *cqe;
	struct io_uring ring2;
	int err = 1;

	ASSERT_NULL(uringkit_zc_arena_create(NULL, ARENA_SIZE, 0, 0, &err));
	ASSERT_EQ(err, -EINVAL);
	create_fails(ring, 0, 0, 0, -EINVAL);
	create_fails(ring, ARENA_SIZE, 0, 1U << 7, -EINVAL);
	create_fails(ring, ARENA_SIZE, 0x10000, 0, -EINVAL);
	create_fails(ring, URINGKIT_ZC_ARENA_MAX_SIZE + 1, 0, 0, -ENOMEM);
	create_fails(ring, (size_t) -1, 0, 0, -ENOMEM);
	create_fails(ring, (size_t) -1, 0, URINGKIT_ZC_ARENA_HUGE, -ENOMEM);
	/* past the kernel's 16384 registered buffers */
	create_fails(ring, ARENA_SIZE, 20000, 0, -EINVAL);
	/* URINGKIT_ZC_ARENA_UPDATE needs a table */
	create_fails(ring, ARENA_SIZE, 0, URINGKIT_ZC_ARENA_UPDATE, -ENXIO);
	slot_free(ring, 0, 0);
	slot_free(ring, 5, 0);

	/* The ring has a buffer of the application's: the kernel says EBUSY. */
	ASSERT_EQ(io_uring_register_buffers(ring, &iov, 1), 0);
	create_fails(ring, ARENA_SIZE, 0, 0, -EBUSY);
	create_fails(ring, ARENA_SIZE, 1, 0, -EBUSY);
	/* ...and that buffer is untouched. */
	t_fill(user_buf, sizeof(user_buf), 5);
	io_uring_prep_send_zc_fixed(t_get_sqe(ring), fds[0], user_buf + 100,
				    1000, MSG_WAITALL, 0, 0);
	ASSERT_EQ(io_uring_submit(ring), 1);
	{
		static char in[1000];

		t_read_exact(fds[1], in, sizeof(in));
		ASSERT_MEM_EQ(in, user_buf + 100, sizeof(in));
	}
	for (int n = 0; n < 2; n++) {
		cqe = t_wait_cqe_within(ring, 5000);
		if (!n)
			ASSERT_EQ(cqe->res, 1000);
		if (!(cqe->flags & IORING_CQE_F_MORE))
			n++;
		io_uring_cqe_seen(ring, cqe);
	}
	ASSERT_EQ(io_uring_unregister_buffers(ring), 0);

	/* UPDATE past the end of the ring's sparse table. */
	t_ring_init(&ring2, 4, NULL);
	extra_fds++;
	ASSERT_EQ(io_uring_register_buffers_sparse(&ring2, 4), 0);
	create_fails(&ring2, ARENA_SIZE, 4, URINGKIT_ZC_ARENA_UPDATE, -EINVAL);
	/* Without UPDATE a table already there means EBUSY too. */
	create_fails(&ring2, ARENA_SIZE, 0, 0, -EBUSY);
	slot_free(&ring2, 3, URINGKIT_ZC_ARENA_UPDATE);
	io_uring_queue_exit(&ring2);
	extra_fds--;
}

static struct msghdr one_msg(struct iovec *iov, size_t n)
{
	struct msghdr msg;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = n;
	return msg;
}

/* prep_sendmsg fails with want, and leaves no SQE and nothing in flight. */
static void sendmsg_fails(struct io_uring *ring, struct uringkit_zc_arena *a,
			  const struct msghdr *msg, int want)
{
	ASSERT_EQ(uringkit_zc_prep_sendmsg(a, t_get_sqe(ring), fds[0], msg, 0),
		  want);
	ASSERT_EQ(io_uring_sq_ready(ring), 0);
	ASSERT_EQ(uringkit_zc_inflight(a), 0);
}

static void send_fails(struct io_uring *ring, struct uringkit_zc_arena *a,
		       const void *buf, size_t len, int want)
{
	ASSERT_EQ(uringkit_zc_prep_send(a, t_get_sqe(ring), fds[0], buf, len,
					0), want);
	ASSERT_EQ(io_uring_sq_ready(ring), 0);
	ASSERT_EQ(uringkit_zc_inflight(a), 0);
}

static void bad_prep(struct io_uring *ring)
{
	static struct iovec many[URINGKIT_ZC_MAX_IOVECS + 1];
	static char outside[4096];
	struct uringkit_zc_arena *a;
	struct io_uring_sqe *s1, *s2, stray;
	struct io_uring_cqe *cqe;
	struct iovec iov[3];
	struct msghdr msg;
	char *x, *y, *z, *base;
	int err = 1;

	a = uringkit_zc_arena_create(ring, ARENA_SIZE, 0, 0, &err);
	ASSERT_NOT_NULL(a);
	x = uringkit_zc_alloc(a, 4096);
	y = uringkit_zc_alloc(a, 4096);
	z = uringkit_zc_alloc(a, 100);
	base = x;
	ASSERT_NOT_NULL(x);
	ASSERT_NOT_NULL(y);
	ASSERT_NOT_NULL(z);
	ASSERT_EQ(uringkit_zc_free(a, z), 0);

	iov[0] = (struct iovec) { x, 10 };
	/* outside the arena */
	iov[1] = (struct iovec) { outside, 10 };
	msg = one_msg(iov, 2);
	sendmsg_fails(ring, a, &msg, -EFAULT);
	/* starts inside, runs past the arena's end */
	iov[1] = (struct iovec) { base + ARENA_SIZE - 8, 16 };
	sendmsg_fails(ring, a, &msg, -EFAULT);
	/* inside, never allocated */
	iov[1] = (struct iovec) { base + ARENA_SIZE / 2, 10 };
	sendmsg_fails(ring, a, &msg, -EINVAL);
	/* straddles x and y */
	iov[1] = (struct iovec) { x + 4000, 200 };
	sendmsg_fails(ring, a, &msg, -EINVAL);
	/* a freed chunk */
	iov[1] = (struct iovec) { z, 10 };
	sendmsg_fails(ring, a, &msg, -EINVAL);
	/* a zero-length iovec must still point into a held chunk */
	iov[1] = (struct iovec) { outside, 0 };
	sendmsg_fails(ring, a, &msg, -EFAULT);
	/* the first bad iovec decides */
	iov[1] = (struct iovec) { outside, 10 };
	iov[2] = (struct iovec) { base + ARENA_SIZE / 2, 10 };
	msg = one_msg(iov, 3);
	sendmsg_fails(ring, a, &msg, -EFAULT);
	iov[1] = (struct iovec) { base + ARENA_SIZE / 2, 10 };
	iov[2] = (struct iovec) { outside, 10 };
	sendmsg_fails(ring, a, &msg, -EINVAL);
	/* more than 4 pieces (the heap path), the last one bad */
	for (int i = 0; i < 8; i++)
		many[i] = (struct iovec) { x + 100 * i, 50 };
	many[8] = (struct iovec) { outside, 1 };
	msg = one_msg(many, 9);
	sendmsg_fails(ring, a, &msg, -EFAULT);
	/* array sizes */
	msg = one_msg(iov, 0);
	sendmsg_fails(ring, a, &msg, -EINVAL);
	for (unsigned i = 0; i <= URINGKIT_ZC_MAX_IOVECS; i++)
		many[i] = (struct iovec) { x, 1 };
	msg = one_msg(many, URINGKIT_ZC_MAX_IOVECS + 1);
	sendmsg_fails(ring, a, &msg, -EINVAL);
	msg = one_msg(NULL, 1);
	sendmsg_fails(ring, a, &msg, -EFAULT);
	sendmsg_fails(ring, a, NULL, -EINVAL);

	/* prep_send */
	send_fails(ring, a, x, 0, -EINVAL);
	send_fails(ring, a, outside, 10, -EFAULT);
	send_fails(ring, a, x, 4097, -EINVAL);
	send_fails(ring, a, y + 4000, ARENA_SIZE, -EFAULT);
	send_fails(ring, a, z, 10, -EINVAL);
	send_fails(ring, a, x, (size_t) -1, -EINVAL);

	/* An SQE that is not the ring's: refused, and left alone. */
	memset(&stray, 0xab, sizeof(stray));
	ASSERT_EQ(uringkit_zc_prep_send(a, &stray, fds[0], x, 10, 0), -EINVAL);
	ASSERT_EQ(stray.opcode, 0xab);
	ASSERT_EQ(uringkit_zc_prep_send(a, NULL, fds[0], x, 10, 0), -EINVAL);

	/*
	 * The failing SQE is not the last obtained: it becomes a NOP that
	 * posts no CQE; only s2's CQE arrives.
	 */
	s1 = t_get_sqe(ring);
	s2 = t_get_sqe(ring);
	ASSERT_EQ(uringkit_zc_prep_send(a, s1, fds[0], outside, 10, 0),
		  -EFAULT);
	io_uring_prep_nop(s2);
	io_uring_sqe_set_data64(s2, 99);
	ASSERT_EQ(io_uring_sq_ready(ring), 2);
	ASSERT_EQ(io_uring_submit(ring), 2);
	cqe = t_wait_cqe_within(ring, 5000);
	ASSERT_EQ(cqe->user_data, 99);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(ring, cqe);
	ASSERT_EQ(io_uring_peek_cqe(ring, &cqe), -EAGAIN);
	ASSERT_EQ(uringkit_zc_inflight(a), 0);

	/* alloc and free */
	ASSERT_NULL(uringkit_zc_alloc(a, 0));
	ASSERT_NULL(uringkit_zc_alloc(a, ARENA_SIZE + 1));
	ASSERT_NULL(uringkit_zc_alloc(a, (size_t) -1));
	ASSERT_EQ(uringkit_zc_free(a, z), -EINVAL);		/* twice */
	ASSERT_EQ(uringkit_zc_free(a, x + 64), -EINVAL);	/* inside */
	ASSERT_EQ(uringkit_zc_free(a, outside), -EINVAL);
	ASSERT_EQ(uringkit_zc_free(a, NULL), -EINVAL);
	ASSERT_EQ(uringkit_zc_free(a, base + ARENA_SIZE / 2), -EINVAL);

	/* complete: a CQE that is not the arena's */
	{
		struct io_uring_cqe c;

		memset(&c, 0, sizeof(c));
		c.user_data = 99;
		ASSERT_EQ(uringkit_zc_complete(a, &c, NULL), 0);
		c.user_data = (__u64) (uintptr_t) &c;
		ASSERT_EQ(uringkit_zc_complete(a, &c, NULL), 0);
	}

	/* arena_free: bad flags change nothing */
	ASSERT_EQ(uringkit_zc_arena_free(a, 1U << 5), -EINVAL);
	ASSERT_EQ(uringkit_zc_arena_free(NULL, 0), 0);
	ASSERT_EQ(uringkit_zc_free(a, x), 0);
	ASSERT_EQ(uringkit_zc_free(a, y), 0);
	ASSERT_EQ(uringkit_zc_arena_free(a, 0), 0);
	nothing_left();
}

/* Forced free while in flight, and free after the ring is gone. */
static void forced_free(void)
{
	static unsigned char want[3 * 4096], in[3 * 4096];
	struct uringkit_zc_arena *a;
	struct io_uring ring2;
	int err = 1, cqes = 0, got_notif = 0;
	char *p;

	t_ring_init(&ring2, 8, NULL);
	extra_fds++;
	a = uringkit_zc_arena_create(&ring2, ARENA_SIZE, 2, 0, &err);
	ASSERT_NOT_NULL(a);
	p = uringkit_zc_alloc(a, sizeof(want));
	ASSERT_NOT_NULL(p);
	t_fill(p, sizeof(want), 77);
	memcpy(want, p, sizeof(want));
	ASSERT_GE(uringkit_zc_prep_send(a, t_get_sqe(&ring2), fds[0], p,
					sizeof(want), MSG_WAITALL), 0);
	ASSERT_EQ(io_uring_submit(&ring2), 1);
	ASSERT_EQ(uringkit_zc_arena_free(a, 0), -EBUSY);
	ASSERT_EQ(uringkit_zc_inflight(a), 1);
	ASSERT_EQ(uringkit_zc_arena_free(a, URINGKIT_ZC_FREE_FORCE), 0);
	nothing_left();

	/* What was in flight still arrives, intact; its CQEs carry the tag. */
	t_read_exact(fds[1], in, sizeof(in));
	ASSERT_MEM_EQ(in, want, sizeof(in));
	while (!got_notif) {
		struct io_uring_cqe *cqe = t_wait_cqe_within(&ring2, 5000);

		ASSERT_EQ(cqe->user_data >> 48, URINGKIT_ZC_USER_DATA_TAG);
		if (!cqes)
			ASSERT_EQ(cqe->res, (int) sizeof(want));
		got_notif = !!(cqe->flags & IORING_CQE_F_NOTIF) ||
			    !(cqe->flags & IORING_CQE_F_MORE);
		cqes++;
		io_uring_cqe_seen(&ring2, cqe);
	}
	ASSERT_EQ(cqes, 2);
	/* The arena's table went with it: a new arena can register one. */
	a = uringkit_zc_arena_create(&ring2, ARENA_SIZE, 0, 0, &err);
	ASSERT_NOT_NULL(a);

	/* The ring closes first: -EBADF, and the memory is released. */
	io_uring_queue_exit(&ring2);
	extra_fds--;
	ASSERT_EQ(uringkit_zc_arena_free(a, 0), -EBADF);
	nothing_left();
}

int main(void)
{
	struct io_uring ring;
	int err = 1;

	t_require_op(IORING_OP_SEND_ZC);
	t_require_op(IORING_OP_SENDMSG_ZC);
	t_ring_init(&ring, 16, NULL);
	t_tcp_pair(fds);

	/* Warm up the allocator once, then take the baseline. */
	{
		struct uringkit_zc_arena *a;

		a = uringkit_zc_arena_create(&ring, ARENA_SIZE, 0, 0, &err);
		if (!a && err == -ENOMEM)
			t_skip("cannot pin a registered buffer (RLIMIT_MEMLOCK)");
		ASSERT_NOT_NULL(a);
		ASSERT_EQ(uringkit_zc_arena_free(a, 0), 0);
	}
	base_fds = t_count_fds();
	base_maps = t_mapped_bytes();

	bad_create(&ring);
	bad_prep(&ring);
	forced_free();

	ASSERT_EQ(io_uring_sq_ready(&ring), 0);
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
