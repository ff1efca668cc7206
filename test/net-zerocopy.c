/* SPDX-License-Identifier: MIT */
/*
 * Zero-copy sends on TCP over 127.0.0.1: io_uring_prep_send_zc,
 * io_uring_prep_sendmsg_zc, io_uring_prep_send_zc_fixed and
 * io_uring_prep_sendmsg_zc_fixed. Each request yields two CQEs with its
 * user_data: the result (all bytes, IORING_CQE_F_MORE) and then the
 * notification (IORING_CQE_F_NOTIF, res 0, or only the
 * IORING_NOTIF_USAGE_ZC_COPIED bit with IORING_SEND_ZC_REPORT_USAGE); the
 * receiver gets exactly the bytes sent. The _fixed forms send from a
 * registered buffer; a sendmsg_zc_fixed whose iovecs all point into that
 * one buffer sends the pieces in order, and a range outside the buffer is
 * refused with -EFAULT. A zero-copy send on a socket type without
 * zero-copy support (AF_UNIX) fails with -EOPNOTSUPP.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"
#include "net.h"

#define REG_SIZE	(64 * 1024)

static char reg[REG_SIZE] __attribute__((aligned(4096)));

/*
 * Submit the prepared zero-copy SQE (user_data 77), read want_len bytes on
 * the receiver, and check both CQEs. Returns the result CQE's res, or the
 * error if the request failed outright.
 */
static int finish_zc(struct io_uring *ring, int rfd, const void *want,
		     size_t want_len, bool report_usage)
{
	static char in[REG_SIZE];
	bool got_res = false, got_notif = false;
	int res = 0;

	ASSERT_EQ(io_uring_submit(ring), 1);
	while (!got_res || !got_notif) {
		struct io_uring_cqe *cqe = t_wait_cqe_within(ring, 5000);

		ASSERT_EQ(cqe->user_data, 77);
		if (cqe->flags & IORING_CQE_F_NOTIF) {
			ASSERT(got_res);
			ASSERT(!got_notif);
			got_notif = true;
			ASSERT_EQ(cqe->flags & IORING_CQE_F_MORE, 0);
			if (report_usage)
				ASSERT_EQ(cqe->res & ~IORING_NOTIF_USAGE_ZC_COPIED,
					  0);
			else
				ASSERT_EQ(cqe->res, 0);
		} else {
			ASSERT(!got_res);
			got_res = true;
			res = cqe->res;
			if (!(cqe->flags & IORING_CQE_F_MORE)) {
				/* failed before a notification was armed */
				ASSERT_LT(res, 0);
				io_uring_cqe_seen(ring, cqe);
				return res;
			}
			if (res > 0) {
				ASSERT_EQ(res, (int) want_len);
				t_read_exact(rfd, in, want_len);
				ASSERT_MEM_EQ(in, want, want_len);
			}
		}
		io_uring_cqe_seen(ring, cqe);
	}
	return res;
}

int main(void)
{
	static char out[REG_SIZE], want[REG_SIZE];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct iovec iov[3], rv;
	struct msghdr msg;
	int fds[2], sv[2], ret;

	t_require_op(IORING_OP_SEND_ZC);
	t_require_op(IORING_OP_SENDMSG_ZC);
	t_ring_init(&ring, 16, NULL);
	t_tcp_pair(fds);
	t_fill(out, sizeof(out), 11);

	/* send_zc of 32 KiB; MSG_WAITALL so it is never short. */
	sqe = t_get_sqe(&ring);
	io_uring_prep_send_zc(sqe, fds[0], out, 32768, MSG_WAITALL, 0);
	io_uring_sqe_set_data64(sqe, 77);
	ASSERT_EQ(finish_zc(&ring, fds[1], out, 32768, false), 32768);

	/* With REPORT_USAGE the notification says whether data was copied. */
	sqe = t_get_sqe(&ring);
	io_uring_prep_send_zc(sqe, fds[0], out + 5, 1000, 0,
			      IORING_SEND_ZC_REPORT_USAGE);
	io_uring_sqe_set_data64(sqe, 77);
	ASSERT_EQ(finish_zc(&ring, fds[1], out + 5, 1000, true), 1000);

	/* sendmsg_zc gathering three pieces. */
	iov[0].iov_base = out + 100;
	iov[0].iov_len = 10;
	iov[1].iov_base = out + 5000;
	iov[1].iov_len = 4000;
	iov[2].iov_base = out;
	iov[2].iov_len = 1;
	memcpy(want, out + 100, 10);
	memcpy(want + 10, out + 5000, 4000);
	memcpy(want + 4010, out, 1);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 3;
	sqe = t_get_sqe(&ring);
	io_uring_prep_sendmsg_zc(sqe, fds[0], &msg, MSG_WAITALL);
	io_uring_sqe_set_data64(sqe, 77);
	ASSERT_EQ(finish_zc(&ring, fds[1], want, 4011, false), 4011);

	/* The registered-buffer forms. */
	rv.iov_base = reg;
	rv.iov_len = sizeof(reg);
	ret = io_uring_register_buffers(&ring, &rv, 1);
	if (ret == -ENOMEM)
		t_skip("cannot pin a registered buffer (RLIMIT_MEMLOCK)");
	ASSERT_EQ(ret, 0);
	t_fill(reg, sizeof(reg), 12);

	sqe = t_get_sqe(&ring);
	io_uring_prep_send_zc_fixed(sqe, fds[0], reg + 4096, 20000,
				    MSG_WAITALL, 0, 0);
	io_uring_sqe_set_data64(sqe, 77);
	ASSERT_EQ(finish_zc(&ring, fds[1], reg + 4096, 20000, false), 20000);
	sqe = t_get_sqe(&ring);
	io_uring_prep_send_zc_fixed(sqe, fds[0], reg + 17, 333, 0,
				    IORING_SEND_ZC_REPORT_USAGE, 0);
	io_uring_sqe_set_data64(sqe, 77);
	ASSERT_EQ(finish_zc(&ring, fds[1], reg + 17, 333, true), 333);

	/*
	 * sendmsg_zc_fixed: several pieces of the ONE registered buffer,
	 * named by one buffer index, go out in iovec order.
	 */
	iov[0].iov_base = reg + 60000;
	iov[0].iov_len = 500;
	iov[1].iov_base = reg + 3;
	iov[1].iov_len = 7000;
	iov[2].iov_base = reg + 30000;
	iov[2].iov_len = 64;
	memcpy(want, reg + 60000, 500);
	memcpy(want + 500, reg + 3, 7000);
	memcpy(want + 7500, reg + 30000, 64);
	sqe = t_get_sqe(&ring);
	io_uring_prep_sendmsg_zc_fixed(sqe, fds[0], &msg, MSG_WAITALL, 0);
	io_uring_sqe_set_data64(sqe, 77);
	ret = finish_zc(&ring, fds[1], want, 7564, false);
	if (ret == -EINVAL && !t_kernel_at_least(6, 15, true)) {
		printf("note: sendmsg_zc_fixed needs Linux 6.15; not run\n");
	} else {
		ASSERT_EQ(ret, 7564);

		/* A piece outside the registered buffer is refused. */
		iov[1].iov_base = out;
		sqe = t_get_sqe(&ring);
		io_uring_prep_sendmsg_zc_fixed(sqe, fds[0], &msg, 0, 0);
		io_uring_sqe_set_data64(sqe, 77);
		ASSERT_EQ(finish_zc(&ring, fds[1], want, 0, false), -EFAULT);
	}

	/* A buffer index that is not registered. */
	sqe = t_get_sqe(&ring);
	io_uring_prep_send_zc_fixed(sqe, fds[0], reg, 10, 0, 0, 5);
	io_uring_sqe_set_data64(sqe, 77);
	ASSERT_EQ(finish_zc(&ring, fds[1], reg, 0, false), -EFAULT);

	/* AF_UNIX sockets do not do zero copy. */
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_send_zc(sqe, sv[0], out, 10, 0, 0);
	io_uring_sqe_set_data64(sqe, 77);
	ASSERT_EQ(finish_zc(&ring, sv[1], out, 0, false), -EOPNOTSUPP);
	close(sv[0]);
	close(sv[1]);

	/* Nothing was left behind in the stream. */
	ASSERT_EQ(recv(fds[1], want, 1, MSG_DONTWAIT), -1);
	ASSERT_EQ(errno, EAGAIN);
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
