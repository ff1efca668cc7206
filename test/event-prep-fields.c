/* SPDX-License-Identifier: MIT */
/*
 * SQE encoding of the event/control prep helpers (prep_event.h), without a
 * kernel: every helper runs on an SQE full of 0xff bytes, and all 64 bytes
 * are then compared with what the kernel reads for the opcode. Fields the
 * opcode does not use must come out zero (the kernel fails requests with
 * stale bits there). Also covers the helpers whose opcode this kernel may
 * lack (EPOLL_WAIT is 6.15), the poll mask byte order, the one-based slot
 * of msg_ring_fd and the 128-byte neighbour of a 64-byte SQE.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <linux/futex.h>
#include "test.h"

/* futex2 flags; older <linux/futex.h> (before 6.7) lacks the names */
#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32		0x02
#endif
#ifndef FUTEX2_PRIVATE
#define FUTEX2_PRIVATE		128
#endif

#define check(sqe, ...) t_check_sqe(sqe, __VA_ARGS__)

#define P(x) ((__u64) (uintptr_t) (x))

/*
 * The mask as the kernel sees it: it reads poll32_events and, on a
 * big-endian machine, swaps the 16-bit halves before use.
 */
static __u32 kernel_poll_mask(const struct io_uring_sqe *sqe)
{
	__u32 v = sqe->poll32_events;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = (v << 16) | (v >> 16);
#endif
	return v;
}

static __u32 wire_mask(__u32 mask)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	mask = (mask << 16) | (mask >> 16);
#endif
	return mask;
}

static void test_poll(void)
{
	struct io_uring_sqe sqe;
	unsigned big = POLLIN | POLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT;

	t_dirty_sqe(&sqe);
	io_uring_prep_poll_add(&sqe, 7, POLLIN);
	check(&sqe, { .opcode = IORING_OP_POLL_ADD, .fd = 7,
		      .op_flags = wire_mask(POLLIN) });
	ASSERT_EQ(kernel_poll_mask(&sqe), (__u32) POLLIN);

	/* bits above 16 (EPOLLEXCLUSIVE...) survive the round trip */
	t_dirty_sqe(&sqe);
	io_uring_prep_poll_add(&sqe, 8, big);
	check(&sqe, { .opcode = IORING_OP_POLL_ADD, .fd = 8,
		      .op_flags = wire_mask(big) });
	ASSERT_EQ(kernel_poll_mask(&sqe), (__u32) big);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* the low half is what the legacy 16-bit field sees */
	ASSERT_EQ(sqe.poll_events, (__u16) (POLLIN | POLLOUT));
#endif

	t_dirty_sqe(&sqe);
	io_uring_prep_poll_multishot(&sqe, 9, POLLIN | POLLRDHUP);
	check(&sqe, { .opcode = IORING_OP_POLL_ADD, .fd = 9,
		      .len = IORING_POLL_ADD_MULTI,
		      .op_flags = wire_mask(POLLIN | POLLRDHUP) });

	t_dirty_sqe(&sqe);
	io_uring_prep_poll_remove(&sqe, 0x1122334455667788ULL);
	check(&sqe, { .opcode = IORING_OP_POLL_REMOVE, .fd = -1,
		      .addr = 0x1122334455667788ULL });

	t_dirty_sqe(&sqe);
	io_uring_prep_poll_update(&sqe, 0xaaULL, 0xbbULL << 40, POLLOUT,
				  IORING_POLL_UPDATE_EVENTS |
				  IORING_POLL_UPDATE_USER_DATA);
	check(&sqe, { .opcode = IORING_OP_POLL_REMOVE, .fd = -1,
		      .off = 0xbbULL << 40, .addr = 0xaa,
		      .len = IORING_POLL_UPDATE_EVENTS |
			     IORING_POLL_UPDATE_USER_DATA,
		      .op_flags = wire_mask(POLLOUT) });
	ASSERT_EQ(kernel_poll_mask(&sqe), (__u32) POLLOUT);

	/* user_data only: the mask must stay 0 or the kernel says -EINVAL */
	t_dirty_sqe(&sqe);
	io_uring_prep_poll_update(&sqe, 1, 2, 0, IORING_POLL_UPDATE_USER_DATA);
	check(&sqe, { .opcode = IORING_OP_POLL_REMOVE, .fd = -1, .off = 2,
		      .addr = 1, .len = IORING_POLL_UPDATE_USER_DATA });
}

static void test_timeouts(void)
{
	struct io_uring_sqe sqe;
	struct __kernel_timespec ts = { .tv_sec = 1 };

	/* prep.h's timeout, for the complete picture */
	t_dirty_sqe(&sqe);
	io_uring_prep_timeout(&sqe, &ts, 3, IORING_TIMEOUT_ABS);
	check(&sqe, { .opcode = IORING_OP_TIMEOUT, .fd = -1, .off = 3,
		      .addr = P(&ts), .len = 1,
		      .op_flags = IORING_TIMEOUT_ABS });

	t_dirty_sqe(&sqe);
	io_uring_prep_timeout_remove(&sqe, 0xdeadbeefcafeULL, 0);
	check(&sqe, { .opcode = IORING_OP_TIMEOUT_REMOVE, .fd = -1,
		      .addr = 0xdeadbeefcafeULL });

	t_dirty_sqe(&sqe);
	io_uring_prep_timeout_update(&sqe, &ts, 42, 0);
	check(&sqe, { .opcode = IORING_OP_TIMEOUT_REMOVE, .fd = -1,
		      .off = P(&ts), .addr = 42,
		      .op_flags = IORING_TIMEOUT_UPDATE });
	ASSERT_EQ(sqe.addr2, P(&ts));
	ASSERT_EQ(sqe.timeout_flags, IORING_TIMEOUT_UPDATE);

	t_dirty_sqe(&sqe);
	io_uring_prep_timeout_update(&sqe, &ts, 43, IORING_TIMEOUT_ABS |
				     IORING_LINK_TIMEOUT_UPDATE);
	check(&sqe, { .opcode = IORING_OP_TIMEOUT_REMOVE, .fd = -1,
		      .off = P(&ts), .addr = 43,
		      .op_flags = IORING_TIMEOUT_UPDATE | IORING_TIMEOUT_ABS |
				  IORING_LINK_TIMEOUT_UPDATE });

	t_dirty_sqe(&sqe);
	io_uring_prep_link_timeout(&sqe, &ts, IORING_TIMEOUT_BOOTTIME);
	check(&sqe, { .opcode = IORING_OP_LINK_TIMEOUT, .fd = -1,
		      .addr = P(&ts), .len = 1,
		      .op_flags = IORING_TIMEOUT_BOOTTIME });
}

static void test_cancel(void)
{
	struct io_uring_sqe sqe;
	int x;

	t_dirty_sqe(&sqe);
	io_uring_prep_cancel64(&sqe, 0x8000000000000001ULL, 0);
	check(&sqe, { .opcode = IORING_OP_ASYNC_CANCEL, .fd = -1,
		      .addr = 0x8000000000000001ULL });

	t_dirty_sqe(&sqe);
	io_uring_prep_cancel64(&sqe, 5, IORING_ASYNC_CANCEL_ALL |
			       IORING_ASYNC_CANCEL_ANY);
	check(&sqe, { .opcode = IORING_OP_ASYNC_CANCEL, .fd = -1, .addr = 5,
		      .op_flags = IORING_ASYNC_CANCEL_ALL |
				  IORING_ASYNC_CANCEL_ANY });
	ASSERT_EQ(sqe.cancel_flags, IORING_ASYNC_CANCEL_ALL |
				    IORING_ASYNC_CANCEL_ANY);

	t_dirty_sqe(&sqe);
	io_uring_prep_cancel(&sqe, &x, IORING_ASYNC_CANCEL_ALL);
	check(&sqe, { .opcode = IORING_OP_ASYNC_CANCEL, .fd = -1,
		      .addr = P(&x), .op_flags = IORING_ASYNC_CANCEL_ALL });

	t_dirty_sqe(&sqe);
	io_uring_prep_cancel_fd(&sqe, 12, 0);
	check(&sqe, { .opcode = IORING_OP_ASYNC_CANCEL, .fd = 12,
		      .op_flags = IORING_ASYNC_CANCEL_FD });

	t_dirty_sqe(&sqe);
	io_uring_prep_cancel_fd(&sqe, 3, IORING_ASYNC_CANCEL_ALL |
				IORING_ASYNC_CANCEL_FD_FIXED);
	check(&sqe, { .opcode = IORING_OP_ASYNC_CANCEL, .fd = 3,
		      .op_flags = IORING_ASYNC_CANCEL_FD |
				  IORING_ASYNC_CANCEL_ALL |
				  IORING_ASYNC_CANCEL_FD_FIXED });
}

static void test_msg_ring(void)
{
	struct io_uring_sqe sqe;

	t_dirty_sqe(&sqe);
	io_uring_prep_msg_ring(&sqe, 10, 0x12345678, 0xfeedULL << 32, 0);
	check(&sqe, { .opcode = IORING_OP_MSG_RING, .fd = 10,
		      .off = 0xfeedULL << 32, .addr = IORING_MSG_DATA,
		      .len = 0x12345678 });

	t_dirty_sqe(&sqe);
	io_uring_prep_msg_ring(&sqe, 10, 1, 2, IORING_MSG_RING_CQE_SKIP);
	check(&sqe, { .opcode = IORING_OP_MSG_RING, .fd = 10, .off = 2,
		      .len = 1, .op_flags = IORING_MSG_RING_CQE_SKIP });
	ASSERT_EQ(sqe.msg_ring_flags, IORING_MSG_RING_CQE_SKIP);

	t_dirty_sqe(&sqe);
	io_uring_prep_msg_ring_cqe_flags(&sqe, 11, 7, 8, 0, 0xabcd0000);
	check(&sqe, { .opcode = IORING_OP_MSG_RING, .fd = 11, .off = 8,
		      .len = 7, .op_flags = IORING_MSG_RING_FLAGS_PASS,
		      .file_index = 0xabcd0000 });

	/* fd passing: source slot in addr3, target slot one-based */
	t_dirty_sqe(&sqe);
	io_uring_prep_msg_ring_fd(&sqe, 12, 4, 0, 99, 0);
	check(&sqe, { .opcode = IORING_OP_MSG_RING, .fd = 12, .off = 99,
		      .addr = IORING_MSG_SEND_FD, .file_index = 1,
		      .addr3 = 4 });
	t_dirty_sqe(&sqe);
	io_uring_prep_msg_ring_fd(&sqe, 12, 0, 41, 100,
				  IORING_MSG_RING_CQE_SKIP);
	check(&sqe, { .opcode = IORING_OP_MSG_RING, .fd = 12, .off = 100,
		      .addr = IORING_MSG_SEND_FD, .file_index = 42,
		      .op_flags = IORING_MSG_RING_CQE_SKIP });
	t_dirty_sqe(&sqe);
	io_uring_prep_msg_ring_fd(&sqe, 12, 1, (int) IORING_FILE_INDEX_ALLOC,
				  5, 0);
	check(&sqe, { .opcode = IORING_OP_MSG_RING, .fd = 12, .off = 5,
		      .addr = IORING_MSG_SEND_FD,
		      .file_index = IORING_FILE_INDEX_ALLOC, .addr3 = 1 });
	t_dirty_sqe(&sqe);
	io_uring_prep_msg_ring_fd_alloc(&sqe, 13, 2, 6, 0);
	check(&sqe, { .opcode = IORING_OP_MSG_RING, .fd = 13, .off = 6,
		      .addr = IORING_MSG_SEND_FD,
		      .file_index = IORING_FILE_INDEX_ALLOC, .addr3 = 2 });
}

static void test_futex(void)
{
	struct io_uring_sqe sqe;
	uint32_t word;
	struct futex_waitv wv[2];

	t_dirty_sqe(&sqe);
	io_uring_prep_futex_wait(&sqe, &word, 0x1234, FUTEX_BITSET_MATCH_ANY,
				 FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0);
	check(&sqe, { .opcode = IORING_OP_FUTEX_WAIT,
		      .fd = FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, .off = 0x1234,
		      .addr = P(&word), .addr3 = (__u32) FUTEX_BITSET_MATCH_ANY });

	t_dirty_sqe(&sqe);
	io_uring_prep_futex_wake(&sqe, &word, 3, 0x0f, FUTEX2_SIZE_U32, 0);
	check(&sqe, { .opcode = IORING_OP_FUTEX_WAKE, .fd = FUTEX2_SIZE_U32,
		      .off = 3, .addr = P(&word), .addr3 = 0x0f });

	/* a 64-bit mask and value travel whole */
	t_dirty_sqe(&sqe);
	io_uring_prep_futex_wake(&sqe, &word, 1ULL << 40, ~0ULL, 0, 0);
	check(&sqe, { .opcode = IORING_OP_FUTEX_WAKE, .off = 1ULL << 40,
		      .addr = P(&word), .addr3 = ~0ULL });

	t_dirty_sqe(&sqe);
	io_uring_prep_futex_waitv(&sqe, wv, 2, 0);
	check(&sqe, { .opcode = IORING_OP_FUTEX_WAITV, .addr = P(wv),
		      .len = 2 });
}

static void test_waitid(void)
{
	struct io_uring_sqe sqe;
	siginfo_t si;

	t_dirty_sqe(&sqe);
	io_uring_prep_waitid(&sqe, P_PID, 1234, &si, WEXITED | WNOHANG, 0);
	check(&sqe, { .opcode = IORING_OP_WAITID, .fd = 1234,
		      .off = P(&si), .len = P_PID,
		      .file_index = WEXITED | WNOHANG });
	ASSERT_EQ(sqe.addr2, P(&si));

	t_dirty_sqe(&sqe);
	io_uring_prep_waitid(&sqe, P_ALL, 0, &si, WSTOPPED, 0);
	check(&sqe, { .opcode = IORING_OP_WAITID, .off = P(&si),
		      .len = P_ALL, .file_index = WSTOPPED });
}

static void test_epoll(void)
{
	struct io_uring_sqe sqe;
	struct epoll_event ev[4];

	t_dirty_sqe(&sqe);
	io_uring_prep_epoll_ctl(&sqe, 5, 6, EPOLL_CTL_ADD, ev);
	check(&sqe, { .opcode = IORING_OP_EPOLL_CTL, .fd = 5, .off = 6,
		      .addr = P(ev), .len = EPOLL_CTL_ADD });

	t_dirty_sqe(&sqe);
	io_uring_prep_epoll_ctl(&sqe, 5, 7, EPOLL_CTL_DEL, NULL);
	check(&sqe, { .opcode = IORING_OP_EPOLL_CTL, .fd = 5, .off = 7,
		      .len = EPOLL_CTL_DEL });

	t_dirty_sqe(&sqe);
	io_uring_prep_epoll_wait(&sqe, 5, ev, 4, 0);
	check(&sqe, { .opcode = IORING_OP_EPOLL_WAIT, .fd = 5, .addr = P(ev),
		      .len = 4 });
}

/* A helper must never write past the 64 bytes of its SQE. */
static void test_no_overrun(void)
{
	unsigned char buf[128];
	struct io_uring_sqe *sqe = (struct io_uring_sqe *) (void *) buf;
	struct __kernel_timespec ts = { 0 };
	siginfo_t si;
	uint32_t w;

	for (int i = 0; i < 9; i++) {
		memset(buf, 0xff, sizeof(buf));
		switch (i) {
		case 0: io_uring_prep_poll_update(sqe, 1, 2, 3, 4); break;
		case 1: io_uring_prep_timeout_update(sqe, &ts, 1, 0); break;
		case 2: io_uring_prep_link_timeout(sqe, &ts, 0); break;
		case 3: io_uring_prep_cancel_fd(sqe, 1, 0); break;
		case 4: io_uring_prep_msg_ring_fd_alloc(sqe, 1, 2, 3, 0); break;
		case 5: io_uring_prep_futex_wait(sqe, &w, 1, 1, 2, 0); break;
		case 6: io_uring_prep_waitid(sqe, P_ALL, 0, &si, WEXITED, 0);
			break;
		case 7: io_uring_prep_epoll_wait(sqe, 1, NULL, 1, 0); break;
		case 8: io_uring_prep_msg_ring_cqe_flags(sqe, 1, 2, 3, 0, 4);
			break;
		}
		for (size_t j = 64; j < sizeof(buf); j++)
			if (buf[j] != 0xff)
				t_fail("helper %d wrote byte %zu", i, j);
	}
}

int main(void)
{
	test_poll();
	test_timeouts();
	test_cancel();
	test_msg_ring();
	test_futex();
	test_waitid();
	test_epoll();
	test_no_overrun();
	return T_EXIT_PASS;
}
