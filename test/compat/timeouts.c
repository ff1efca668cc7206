/* SPDX-License-Identifier: MIT */
/*
 * Timeouts as liburing programs use them: a timeout request that fires
 * (-ETIME), a timeout that completes early after a count of CQEs (0), a
 * linked timeout cutting short a read that would wait forever (-ECANCELED
 * for the read, -ETIME for the timeout), io_uring_wait_cqe_timeout() on an
 * empty ring (-ETIME), and io_uring_submit_and_wait_timeout() that submits
 * and then times out (returns the submitted count, no CQE).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <liburing.h>

static int one(struct io_uring *ring, __u64 *ud)
{
	struct io_uring_cqe *cqe;
	int res;

	if (io_uring_wait_cqe(ring, &cqe))
		return -1000;
	res = cqe->res;
	*ud = cqe->user_data;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

int main(void)
{
	struct __kernel_timespec ts;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	__u64 ud;
	char c;
	int p[2], ret, r1, r2;

	ret = io_uring_queue_init(8, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "queue_init: %s\n", strerror(-ret));
		return ret == -ENOSYS || ret == -EPERM ? 77 : 1;
	}
	if (pipe(p)) {
		perror("pipe");
		return 1;
	}
	ts.tv_sec = 0;
	ts.tv_nsec = 10 * 1000 * 1000;

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	io_uring_submit(&ring);
	if ((ret = one(&ring, &ud)) != -ETIME) {
		fprintf(stderr, "timeout: %d\n", ret);
		return 1;
	}

	/* a count of 1: the NOP's completion ends the timeout early */
	ts.tv_sec = 5;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 1, 0);
	sqe->user_data = 1;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 2;
	io_uring_submit(&ring);
	r1 = one(&ring, &ud);
	r2 = one(&ring, &ud);
	if (r1 != 0 || r2 != 0 || ud != 1) {
		fprintf(stderr, "counted timeout: %d %d\n", r1, r2);
		return 1;
	}

	ts.tv_sec = 0;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, p[0], &c, 1, 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 10;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_link_timeout(sqe, &ts, 0);
	sqe->user_data = 11;
	io_uring_submit(&ring);
	r1 = one(&ring, &ud);
	r2 = one(&ring, &ud);
	if (!((r1 == -ECANCELED && r2 == -ETIME) ||
	      (r1 == -ETIME && r2 == -ECANCELED))) {
		fprintf(stderr, "linked timeout: %d %d\n", r1, r2);
		return 1;
	}

	if (io_uring_wait_cqe_timeout(&ring, &cqe, &ts) != -ETIME) {
		fprintf(stderr, "wait_cqe_timeout on an empty ring\n");
		return 1;
	}

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, p[0], &c, 1, 0);
	sqe->user_data = 20;
	cqe = NULL;
	ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts, NULL);
	if (ret != 1 || cqe) {
		fprintf(stderr, "submit_and_wait_timeout: %d\n", ret);
		return 1;
	}
	if (write(p[1], "x", 1) != 1 || one(&ring, &ud) != 1 || ud != 20) {
		fprintf(stderr, "the pending read did not finish\n");
		return 1;
	}
	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
	printf("timeouts: ok\n");
	return 0;
}
