/* SPDX-License-Identifier: MIT */
/*
 * Full transfers (uringkit/xfer.h) on a pipe, a socketpair and a file:
 * a short read is resubmitted until every byte came, EOF ends a read early
 * with the count, a 4 MiB send through a small socket buffer goes out in
 * several rounds and arrives intact, write-all/read-full move file data
 * at offsets and at the file position, CQEs of other requests stay in
 * the CQ untouched, and a CQ they fill up gets -EBUSY rather than a hang.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "test.h"
#include "uringkit/xfer.h"

#define BIG (4u << 20)

static void pipe_short_reads(void)
{
	struct io_uring ring;
	struct uringkit_xfer x;
	char in[300], out[300];
	int p[2];

	t_ring_init(&ring, 8, NULL);
	ASSERT_EQ(pipe(p), 0);
	t_fill(out, sizeof(out), 7);
	ASSERT_EQ(write(p[1], out, 100), 100);
	ASSERT_EQ(uringkit_xfer_init(&x, URINGKIT_XFER_READ, p[0], in,
				     sizeof(in), URINGKIT_XFER_CUR_POS, 0), 0);
	/* Round 1: the pipe holds 100 of 300 bytes, the read comes back short. */
	ASSERT_EQ(uringkit_xfer_prep(&x, t_get_sqe(&ring)), 0);
	ASSERT_EQ(uringkit_xfer_complete(&x, t_submit_one(&ring)), 0);
	ASSERT_EQ(x.done, 100u);
	ASSERT(!x.finished);
	/* Round 2 asks for the rest only. */
	ASSERT_EQ(write(p[1], out + 100, 200), 200);
	ASSERT_EQ(uringkit_xfer_prep(&x, t_get_sqe(&ring)), 0);
	ASSERT_EQ(uringkit_xfer_complete(&x, t_submit_one(&ring)), 1);
	ASSERT_EQ(x.done, 300u);
	ASSERT_EQ(x.rounds, 2u);
	ASSERT_EQ(x.error, 0);
	ASSERT(!x.eof);
	ASSERT_MEM_EQ(in, out, sizeof(in));
	{
		/* Finished: no more rounds. */
		struct io_uring_sqe *sqe = t_get_sqe(&ring);

		ASSERT_EQ(uringkit_xfer_prep(&x, sqe), -EINVAL);
		ASSERT_EQ(uringkit_xfer_complete(&x, 5), -EINVAL);
		io_uring_prep_nop(sqe);
		ASSERT_EQ(t_submit_one(&ring), 0);
	}

	/* Blocking: 250 bytes then EOF, for a 300-byte read-full. */
	memset(in, 0, sizeof(in));
	ASSERT_EQ(write(p[1], out, 150), 150);
	ASSERT_EQ(write(p[1], out + 150, 100), 100);
	close(p[1]);
	ASSERT_EQ(uringkit_read_full(&ring, p[0], in, sizeof(in),
				     URINGKIT_XFER_CUR_POS), 250);
	ASSERT_MEM_EQ(in, out, 250);
	/* Nothing left: EOF at once is 0 bytes, not an error. */
	ASSERT_EQ(uringkit_read_full(&ring, p[0], in, sizeof(in),
				     URINGKIT_XFER_CUR_POS), 0);
	close(p[0]);
	io_uring_queue_exit(&ring);
}

struct peer {
	int fd;
	unsigned char *buf;
	ssize_t got;
	unsigned rounds;
};

static void *receiver(void *arg)
{
	struct peer *pe = arg;
	struct io_uring ring;
	struct uringkit_xfer x;

	t_ring_init(&ring, 4, NULL);
	ASSERT_EQ(uringkit_xfer_init(&x, URINGKIT_XFER_RECV, pe->fd, pe->buf,
				     BIG, 0, 0), 0);
	ASSERT_EQ(uringkit_xfer_run(&ring, &x), 0);
	ASSERT_EQ(x.error, 0);
	pe->got = (ssize_t) x.done;
	pe->rounds = x.rounds;
	io_uring_queue_exit(&ring);
	return NULL;
}

static void socket_big_send(void)
{
	struct io_uring ring;
	struct uringkit_xfer x;
	struct peer pe;
	pthread_t th;
	unsigned char *out;
	int sv[2], small = 16384;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ASSERT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small,
			     sizeof(small)), 0);
	out = malloc(BIG);
	pe.buf = malloc(BIG);
	ASSERT_NOT_NULL(out);
	ASSERT_NOT_NULL(pe.buf);
	t_fill(out, BIG, 11);
	pe.fd = sv[1];
	ASSERT_EQ(pthread_create(&th, NULL, receiver, &pe), 0);

	t_ring_init(&ring, 4, NULL);
	ASSERT_EQ(uringkit_xfer_init(&x, URINGKIT_XFER_SEND, sv[0], out, BIG,
				     0, MSG_NOSIGNAL), 0);
	ASSERT_EQ(uringkit_xfer_run(&ring, &x), 0);
	ASSERT_EQ(x.error, 0);
	ASSERT_EQ(x.done, (size_t) BIG);
	/* The socket buffer is far smaller than 4 MiB: sends came back short. */
	ASSERT_GT(x.rounds, 1u);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(pe.got, (ssize_t) BIG);
	ASSERT_GT(pe.rounds, 1u);
	ASSERT_MEM_EQ(pe.buf, out, BIG);

	/* send-all and recv-full the other way, with the plain calls. */
	ASSERT_EQ(uringkit_send_all(&ring, sv[1], out, 1000, MSG_NOSIGNAL), 1000);
	memset(pe.buf, 0, 1000);
	ASSERT_EQ(uringkit_recv_full(&ring, sv[0], pe.buf, 1000, 0), 1000);
	ASSERT_MEM_EQ(pe.buf, out, 1000);
	/* The peer shuts its side: recv-full ends early with the count. */
	ASSERT_EQ(write(sv[1], out, 10), 10);
	ASSERT_EQ(shutdown(sv[1], SHUT_WR), 0);
	ASSERT_EQ(uringkit_recv_full(&ring, sv[0], pe.buf, 1000, 0), 10);
	/* A send on a shut socket fails before any byte moved. */
	ASSERT_EQ(uringkit_send_all(&ring, sv[1], out, 10, MSG_NOSIGNAL), -EPIPE);
	close(sv[0]);
	close(sv[1]);
	free(out);
	free(pe.buf);
	io_uring_queue_exit(&ring);
}

static void file_offsets_and_others_cqes(void)
{
	struct io_uring ring;
	char path[600], out[10000], in[10000];
	struct io_uring_cqe *cqe;
	char *dir = t_tmpdir();
	int fd;

	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_GE(fd, 0);
	t_ring_init(&ring, 4, NULL);
	t_fill(out, sizeof(out), 3);

	/* Another request's CQE sits in the CQ before the transfer starts. */
	{
		struct io_uring_sqe *sqe = t_get_sqe(&ring);

		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 4242);
		ASSERT_EQ(io_uring_submit(&ring), 1);
	}

	ASSERT_EQ(uringkit_write_all(&ring, fd, out, 6000, 100), 6000);
	ASSERT_EQ(uringkit_write_all(&ring, fd, out + 6000, 4000, 6100), 4000);
	ASSERT_EQ(uringkit_read_full(&ring, fd, in, 10000, 100), 10000);
	ASSERT_MEM_EQ(in, out, sizeof(in));
	/* At the file position: from 0, the first 100 bytes are the hole. */
	ASSERT_EQ(lseek(fd, 0, SEEK_SET), 0);
	ASSERT_EQ(uringkit_read_full(&ring, fd, in, 150, URINGKIT_XFER_CUR_POS),
		  150);
	ASSERT_EQ(in[0], 0);
	ASSERT_MEM_EQ(in + 100, out, 50);
	ASSERT_EQ(lseek(fd, 0, SEEK_CUR), 150);
	/* Past the end: EOF at once. */
	ASSERT_EQ(uringkit_read_full(&ring, fd, in, 10, 1 << 20), 0);

	/* The other CQE is still there, alone, unchanged. */
	ASSERT_EQ(io_uring_cq_ready(&ring), 1u);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 4242u);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);

	/* Bad input. */
	ASSERT_EQ(uringkit_read_full(&ring, -1, in, 10, 0), -EINVAL);
	ASSERT_EQ(uringkit_read_full(&ring, fd, NULL, 10, 0), -EINVAL);
	ASSERT_EQ(uringkit_read_full(&ring, fd, NULL, 0, 0), 0);
	ASSERT_EQ(uringkit_read_full(NULL, fd, in, 10, 0), -EINVAL);
	ASSERT_EQ(uringkit_xfer_init(NULL, URINGKIT_XFER_READ, fd, in, 1, 0, 0),
		  -EINVAL);
	{
		struct uringkit_xfer x;
		struct io_uring_sqe *sqe;
		int wfd = open("/dev/null", O_WRONLY);

		ASSERT_EQ(uringkit_xfer_init(&x, 0, fd, in, 1, 0, 0), -EINVAL);
		ASSERT_EQ(uringkit_xfer_init(&x, 99, fd, in, 1, 0, 0), -EINVAL);
		sqe = t_get_sqe(&ring);
		ASSERT_EQ(uringkit_xfer_prep(NULL, sqe), -EINVAL);
		io_uring_prep_nop(sqe);
		ASSERT_EQ(t_submit_one(&ring), 0);
		ASSERT_EQ(uringkit_xfer_complete(NULL, 0), -EINVAL);
		/* An error ends the transfer; a write of 0 bytes is -EIO. */
		ASSERT_EQ(uringkit_xfer_init(&x, URINGKIT_XFER_WRITE, fd, in,
					     10, 0, 0), 0);
		ASSERT_EQ(uringkit_xfer_complete(&x, -EINTR), 0);
		ASSERT_EQ(uringkit_xfer_complete(&x, 4), 0);
		ASSERT_EQ(uringkit_xfer_complete(&x, 0), 1);
		ASSERT_EQ(x.error, -EIO);
		ASSERT_EQ(x.done, 4u);
		/* A reading fd that is not readable: the error, nothing moved. */
		ASSERT_GE(wfd, 0);
		ASSERT_EQ(uringkit_read_full(&ring, wfd, in, 10, 0), -EBADF);
		close(wfd);
	}
	close(fd);
	io_uring_queue_exit(&ring);
}

/* A CQ full of other CQEs: the blocking helper says so instead of hanging. */
static void cq_full_of_others(void)
{
	struct io_uring_params prm = { .flags = IORING_SETUP_CQSIZE,
				       .cq_entries = 4 };
	struct io_uring ring;
	char in[8];
	int p[2];
	ssize_t ret;

	t_ring_init(&ring, 4, &prm);
	ASSERT_EQ(ring.cq.ring_entries, 4u);
	for (unsigned i = 0; i < 4; i++) {
		struct io_uring_sqe *sqe = t_get_sqe(&ring);

		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 500 + i);
	}
	ASSERT_EQ(io_uring_submit(&ring), 4);
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(write(p[1], "12345678", 8), 8);
	ret = uringkit_read_full(&ring, p[0], in, sizeof(in),
				 URINGKIT_XFER_CUR_POS);
	ASSERT_EQ(ret, -EBUSY);
	/* The four others, in order, then the read's own CQE. */
	for (unsigned i = 0; i < 4; i++) {
		struct t_cqe c = t_reap_cqe(&ring);

		ASSERT_EQ(c.user_data, 500u + i);
	}
	ASSERT_EQ(t_reap_cqe(&ring).res, 8);
	ASSERT_MEM_EQ(in, "12345678", 8);
	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	pipe_short_reads();
	socket_big_send();
	file_offsets_and_others_cqes();
	cq_full_of_others();
	return T_EXIT_PASS;
}
