/* SPDX-License-Identifier: MIT */
/*
 * The system's (older, e.g. 6.1) <linux/io_uring.h> is included before
 * <liburing.h>, so its struct io_uring_sqe wins and lacks the 6.7 member
 * names futex_flags and waitid_flags. The event helpers must still build
 * and must store those words where the kernel reads them (offset 28), and
 * the requests must work.
 */
#include <linux/io_uring.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/futex.h>
#include "test.h"

#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32		0x02
#endif

static __u32 word28(const struct io_uring_sqe *sqe)
{
	__u32 v;

	memcpy(&v, (const char *) sqe + 28, sizeof(v));
	return v;
}

int main(void)
{
	struct io_uring_sqe sqe;
	struct io_uring ring;
	siginfo_t si;
	uint32_t word = 0;

	memset(&sqe, 0xff, sizeof(sqe));
	io_uring_prep_futex_wake(&sqe, &word, 1, 1, FUTEX2_SIZE_U32, 0);
	ASSERT_EQ(word28(&sqe), 0);
	io_uring_prep_futex_wait(&sqe, &word, 1, 1, FUTEX2_SIZE_U32, 0x5);
	ASSERT_EQ(word28(&sqe), 0x5);
	memset(&sqe, 0xff, sizeof(sqe));
	io_uring_prep_futex_waitv(&sqe, NULL, 1, 0);
	ASSERT_EQ(word28(&sqe), 0);
	memset(&sqe, 0xff, sizeof(sqe));
	io_uring_prep_waitid(&sqe, P_ALL, 0, &si, WEXITED, 0);
	ASSERT_EQ(word28(&sqe), 0);
	ASSERT_EQ(sqe.file_index, WEXITED);
	memset(&sqe, 0xff, sizeof(sqe));
	io_uring_prep_poll_add(&sqe, 0, 0x10004);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	ASSERT_EQ(word28(&sqe), 0x00040001);	/* halves pre-swapped */
#else
	ASSERT_EQ(word28(&sqe), 0x10004);
#endif

	/* and against the kernel: a futex wake nobody waits for */
	if (!t_op_supported(IORING_OP_FUTEX_WAKE))
		t_skip("kernel lacks IORING_OP_FUTEX_WAKE");
	t_ring_init(&ring, 4, NULL);
	io_uring_prep_futex_wake(t_get_sqe(&ring), &word, 1,
				 FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32, 0);
	ASSERT_EQ(t_submit_one(&ring), 0);
	io_uring_prep_waitid(t_get_sqe(&ring), P_ALL, 0, &si, WEXITED, 0);
	ASSERT_EQ(t_submit_one(&ring), -ECHILD);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
