/* SPDX-License-Identifier: MIT */
/*
 * Receive into a provided-buffer ring with one multishot recv, the pattern
 * of liburing's man pages: io_uring_setup_buf_ring(), buffers added with
 * io_uring_buf_ring_add() and published with io_uring_buf_ring_advance(),
 * the buffer id taken from cqe->flags and the buffer handed back after use.
 * More messages are sent than there are buffers, so buffers must recycle.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <liburing.h>

#define BGID		3
#define NR_BUFS		4
#define BUF_SZ		128
#define MESSAGES	10

static char bufs[NR_BUFS][BUF_SZ];

int main(void)
{
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	char msg[64];
	int sv[2], i, ret, got = 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv)) {
		perror("socketpair");
		return 1;
	}
	ret = io_uring_queue_init(8, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "queue_init: %s\n", strerror(-ret));
		return ret == -ENOSYS || ret == -EPERM ? 77 : 1;
	}
	br = io_uring_setup_buf_ring(&ring, NR_BUFS, BGID, 0, &ret);
	if (!br) {
		fprintf(stderr, "setup_buf_ring: %s\n", strerror(-ret));
		return ret == -EINVAL ? 77 : 1;
	}
	for (i = 0; i < NR_BUFS; i++)
		io_uring_buf_ring_add(br, bufs[i], BUF_SZ, (unsigned short) i,
				      io_uring_buf_ring_mask(NR_BUFS), i);
	io_uring_buf_ring_advance(br, NR_BUFS);

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_recv_multishot(sqe, sv[1], NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_submit(&ring);

	for (i = 0; i < MESSAGES; i++) {
		unsigned bid;

		snprintf(msg, sizeof(msg), "message number %d", i);
		if (send(sv[0], msg, strlen(msg), 0) < 0) {
			perror("send");
			return 1;
		}
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret < 0 || cqe->res < 0) {
			fprintf(stderr, "recv %d: %d/%d\n", i, ret,
				ret < 0 ? 0 : cqe->res);
			return 1;
		}
		if (!(cqe->flags & IORING_CQE_F_BUFFER) ||
		    !(cqe->flags & IORING_CQE_F_MORE)) {
			fprintf(stderr, "recv %d: flags %#x\n", i, cqe->flags);
			return 1;
		}
		bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		if (bid >= NR_BUFS || cqe->res != (int) strlen(msg) ||
		    memcmp(bufs[bid], msg, strlen(msg))) {
			fprintf(stderr, "recv %d: bid %u res %d\n", i, bid,
				cqe->res);
			return 1;
		}
		io_uring_cqe_seen(&ring, cqe);
		/* done with it: back into the ring */
		io_uring_buf_ring_add(br, bufs[bid], BUF_SZ,
				      (unsigned short) bid,
				      io_uring_buf_ring_mask(NR_BUFS), 0);
		io_uring_buf_ring_advance(br, 1);
		got++;
	}

	close(sv[0]);	/* EOF ends the multishot recv */
	ret = io_uring_wait_cqe(&ring, &cqe);
	if (ret < 0 || cqe->res != 0 || (cqe->flags & IORING_CQE_F_MORE)) {
		fprintf(stderr, "no clean end of the multishot recv\n");
		return 1;
	}
	io_uring_cqe_seen(&ring, cqe);
	io_uring_free_buf_ring(&ring, br, NR_BUFS, BGID);
	close(sv[1]);
	io_uring_queue_exit(&ring);
	printf("bufring-recv: %d messages through %d buffers\n", got, NR_BUFS);
	return 0;
}
