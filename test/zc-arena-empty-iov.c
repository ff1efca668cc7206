/* SPDX-License-Identifier: MIT */
/*
 * Regression (issue 10, point 5): uringkit_zc_prep_sendmsg() accepted an
 * iovec of length 0 inside a held chunk, and the kernel then failed the
 * whole send with -EFAULT, long after the call that could have said which
 * piece was wrong. An empty iovec is now refused up front with -EINVAL,
 * wherever it is in the array, leaving no SQE and nothing in flight; the
 * same message without it goes through and its bytes arrive.
 */
#include <string.h>
#include <uringkit/zc.h>
#include "test.h"
#include "net.h"

static int fds[2];

static void refused(struct io_uring *ring, struct uringkit_zc_arena *a,
		    struct iovec *iov, size_t n)
{
	struct msghdr msg;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = n;
	ASSERT_EQ(uringkit_zc_prep_sendmsg(a, t_get_sqe(ring), fds[0], &msg, 0),
		  -EINVAL);
	ASSERT_EQ(io_uring_sq_ready(ring), 0);
	ASSERT_EQ(uringkit_zc_inflight(a), 0);
}

int main(void)
{
	struct uringkit_zc_arena *a;
	struct io_uring_cqe *cqe;
	struct uringkit_zc_event ev;
	struct io_uring ring;
	struct iovec iov[6];
	struct msghdr msg;
	char *x, got[30];
	int err = 1, id, ret, done = 0;

	t_require_op(IORING_OP_SENDMSG_ZC);
	t_ring_init(&ring, 8, NULL);
	t_tcp_pair(fds);
	a = uringkit_zc_arena_create(&ring, 1 << 20, 0, 0, &err);
	if (!a && err == -ENOMEM)
		t_skip("cannot pin a registered buffer (RLIMIT_MEMLOCK)");
	ASSERT_NOT_NULL(a);
	x = uringkit_zc_alloc(a, 4096);
	ASSERT_NOT_NULL(x);
	t_fill(x, 4096, 7);

	/* alone, first, in the middle, last, and on the heap path (> 4) */
	iov[0] = (struct iovec) { x, 0 };
	refused(&ring, a, iov, 1);
	iov[1] = (struct iovec) { x, 10 };
	refused(&ring, a, iov, 2);
	iov[0] = (struct iovec) { x, 10 };
	iov[1] = (struct iovec) { x + 10, 0 };
	iov[2] = (struct iovec) { x + 10, 20 };
	refused(&ring, a, iov, 3);
	iov[1] = (struct iovec) { x + 10, 20 };
	iov[2] = (struct iovec) { x + 30, 0 };
	refused(&ring, a, iov, 3);
	for (int i = 0; i < 6; i++)
		iov[i] = (struct iovec) { x + 5 * i, 5 };
	iov[5].iov_len = 0;
	refused(&ring, a, iov, 6);
	/* and through prep_send, which already refused len 0 */
	ASSERT_EQ(uringkit_zc_prep_send(a, t_get_sqe(&ring), fds[0], x, 0, 0),
		  -EINVAL);
	ASSERT_EQ(io_uring_sq_ready(&ring), 0);

	/* The same pieces without the empty one are sent, byte for byte. */
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	iov[0] = (struct iovec) { x, 10 };
	iov[1] = (struct iovec) { x + 10, 20 };
	msg.msg_iovlen = 2;
	id = uringkit_zc_prep_sendmsg(a, t_get_sqe(&ring), fds[0], &msg, 0);
	ASSERT_GE(id, 0);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	while (!done) {
		cqe = t_wait_cqe_within(&ring, 5000);
		ret = uringkit_zc_complete(a, cqe, &ev);
		ASSERT_GT(ret, 0);
		ASSERT_EQ(ev.id, id);
		if (ret & URINGKIT_ZC_RESULT) {
			if (ev.res == -EINVAL &&
			    !(cqe->flags & IORING_CQE_F_MORE))
				t_skip("kernel lacks zero-copy sendmsg from "
				       "registered buffers");
			ASSERT_EQ(ev.res, 30);
		}
		done = ret & URINGKIT_ZC_DONE;
		io_uring_cqe_seen(&ring, cqe);
	}
	t_read_exact(fds[1], got, sizeof(got));
	ASSERT_EQ(t_check_fill(got, sizeof(got), 0, 7), sizeof(got));
	ASSERT_EQ(uringkit_zc_inflight(a), 0);
	ASSERT_EQ(uringkit_zc_free(a, x), 0);
	ASSERT_EQ(uringkit_zc_arena_free(a, 0), 0);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
