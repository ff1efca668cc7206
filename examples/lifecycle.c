/* SPDX-License-Identifier: MIT */
/*
 * lifecycle: a small receiver that uses uringkit's request-lifecycle
 * helpers together.
 *
 *   lifecycle [MESSAGES] [FILE]
 *
 * 1. uringkit_setup_adapt() sets the ring up with the flags this kernel
 *    accepts out of SQPOLL + SINGLE_ISSUER + DEFER_TASKRUN + NO_SQARRAY
 *    (no kernel takes both SQPOLL and DEFER_TASKRUN); then
 *    uringkit_memlock_check() says whether the memlock limit fits that
 *    ring and its buffers.
 * 2. A producer thread writes MESSAGES messages into a socket pair; the
 *    ring receives them with one multishot receive on provided buffers,
 *    tracked by a uringkit_reqtab, which tells its final CQE (no
 *    IORING_CQE_F_MORE) from the others. Each buffer goes back to the
 *    ring at once; if the kernel still ran out and ended the receive
 *    (-ENOBUFS), it is posted again.
 * 3. The producer cannot submit on a SINGLE_ISSUER ring; it tells the
 *    receiver it has finished with uringkit_wake_send().
 * 4. The receiver drains: uringkit_reqtab_drain() cancels the multishot
 *    receive and waits until it posted its final CQE.
 * 5. It writes what it received to FILE with uringkit_write_all() and
 *    reads it back with uringkit_read_full(), from SQEs that
 *    uringkit_get_sqe() hands out even when the SQ is full.
 * Exit status 0 when every byte arrived in order and every buffer came
 * back; the last line says so. (make check runs it with 300 messages.)
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <liburing.h>
#include <uringkit/req.h>
#include <uringkit/setup.h>
#include <uringkit/sqe.h>
#include <uringkit/wake.h>
#include <uringkit/xfer.h>

#define NBUF	16
#define BUFSZ	256
#define BGID	7
#define WAKE_UD	0x1ULL
#define MSG_LEN	32

struct receiver {
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	unsigned char *bufs;
	unsigned char *data;	/* everything received, in order */
	size_t len, cap;
	int released;		/* the receive's release ran */
	int final_res;		/* res of its final CQE */
	int rearms;		/* re-armed after running out of buffers */
	int buffers_out;	/* buffers held by us right now */
};

struct producer {
	int fd;
	unsigned messages;
	struct uringkit_wake *wake;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	char msg[MSG_LEN];

	for (unsigned i = 0; i < p->messages; i++) {
		memset(msg, 'a' + i % 26, sizeof(msg));
		snprintf(msg, sizeof(msg), "message %08u", i);
		if (write(p->fd, msg, sizeof(msg)) != sizeof(msg))
			break;
	}
	/* Done: wake the ring's thread, which may be asleep in a wait. */
	uringkit_wake_send(p->wake);
	return NULL;
}

/* Every CQE of the multishot receive. */
static void on_recv(void *user, const struct io_uring_cqe *cqe, bool final)
{
	struct receiver *r = user;
	unsigned bid;

	if (final)
		r->final_res = cqe->res;
	if (!(cqe->flags & IORING_CQE_F_BUFFER))
		return;
	bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	r->buffers_out++;
	if (cqe->res > 0 && r->len + (size_t) cqe->res <= r->cap) {
		memcpy(r->data + r->len, r->bufs + bid * BUFSZ, (size_t) cqe->res);
		r->len += (size_t) cqe->res;
	}
	/* Used: back to the ring. */
	io_uring_buf_ring_add(r->br, r->bufs + bid * BUFSZ, BUFSZ,
			      (unsigned short) bid, io_uring_buf_ring_mask(NBUF), 0);
	io_uring_buf_ring_advance(r->br, 1);
	r->buffers_out--;
}

/* After the final CQE: nothing of the request is in the kernel's hands. */
static void on_release(void *user)
{
	((struct receiver *) user)->released++;
}

/* Post a multishot receive on fd, tracked in tab. */
static int arm_recv(struct receiver *r, struct uringkit_reqtab *tab, int fd)
{
	struct uringkit_req_desc desc = {
		.cb = on_recv, .release = on_release, .user = r, .fd = fd,
	};
	struct io_uring_sqe *sqe;
	int err;

	sqe = uringkit_get_sqe(&r->ring, &err);
	if (!sqe)
		return err;
	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	err = uringkit_req_track(tab, sqe, &desc);
	if (err < 0)
		return err;
	r->released = 0;
	return 0;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "lifecycle: %s: %s\n", what, strerror(-err));
	return 1;
}

int main(int argc, char **argv)
{
	unsigned messages = argc > 1 ? (unsigned) strtoul(argv[1], NULL, 10) : 1000;
	const char *path = argc > 2 ? argv[2] : "lifecycle.out";
	struct io_uring_params p = {
		.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SINGLE_ISSUER |
			 IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_NO_SQARRAY,
	};
	struct uringkit_setup_report rep;
	struct uringkit_drain_report drain;
	struct uringkit_memlock ml;
	struct uringkit_reqtab *tab;
	struct receiver r = { 0 };
	struct producer prod;
	pthread_t th;
	unsigned char *back;
	bool stop = false;
	int sv[2], err, fd, ret;

	if (!messages || messages > 1000000) {
		fprintf(stderr, "usage: lifecycle [MESSAGES (1..1000000)] [FILE]\n");
		return 2;
	}
	/* 1. A ring with what the kernel accepts, then the memlock preflight
	 *    for it and the buffers about to be registered. */
	ret = uringkit_setup_adapt(64, &r.ring, &p, &rep);
	if (ret < 0)
		return fail("ring setup", ret);
	printf("setup: wanted %#x, kept %#x, dropped %#x (%u attempts)\n",
	       rep.wanted, rep.kept, rep.dropped, rep.attempts);
	ret = uringkit_memlock_check(64, &p, NBUF * BUFSZ, &ml);
	if (ret < 0)
		return fail("memlock check", ret);
	if (!ml.enough)
		fprintf(stderr, "lifecycle: raise the memlock limit: ulimit -l %llu\n",
			ml.raise_kib);

	r.cap = (size_t) messages * MSG_LEN;
	r.data = malloc(r.cap);
	r.bufs = malloc(NBUF * BUFSZ);
	back = malloc(r.cap);
	if (!r.data || !r.bufs || !back)
		return fail("memory", -ENOMEM);
	r.br = io_uring_setup_buf_ring(&r.ring, NBUF, BGID, 0, &err);
	if (!r.br)
		return fail("buffer ring", err);
	for (unsigned i = 0; i < NBUF; i++)
		io_uring_buf_ring_add(r.br, r.bufs + i * BUFSZ, BUFSZ,
				      (unsigned short) i,
				      io_uring_buf_ring_mask(NBUF), (int) i);
	io_uring_buf_ring_advance(r.br, NBUF);

	/* 2. One tracked multishot receive. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return fail("socketpair", -errno);
	tab = uringkit_reqtab_create(&r.ring, 8, &err);
	if (!tab)
		return fail("request table", err);
	ret = arm_recv(&r, tab, sv[0]);
	if (ret < 0)
		return fail("receive", ret);

	/* 3. The producer, and the waker it uses when it is done. */
	prod.fd = sv[1];
	prod.messages = messages;
	prod.wake = uringkit_wake_create(&r.ring, WAKE_UD, 0, &err);
	if (!prod.wake)
		return fail("waker", err);
	ret = io_uring_submit(&r.ring);
	if (ret < 0)
		return fail("submit", ret);
	if (pthread_create(&th, NULL, produce, &prod))
		return fail("thread", -EAGAIN);

	while (!stop || r.len < r.cap) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;

		ret = io_uring_wait_cqe(&r.ring, &cqe);
		if (ret < 0)
			return fail("wait", ret);
		io_uring_for_each_cqe(&r.ring, head, cqe) {
			if (uringkit_wake_handle(prod.wake, cqe, NULL) == 1)
				stop = true;
			else if (uringkit_reqtab_complete(tab, cqe, NULL) == 0)
				fprintf(stderr, "lifecycle: stray CQE %llu\n",
					(unsigned long long) cqe->user_data);
			seen++;
		}
		io_uring_cq_advance(&r.ring, seen);
		if (r.released && r.final_res == -ENOBUFS) {
			/*
			 * The kernel used every buffer before we gave them back
			 * and ended the receive: the buffers are back now, so
			 * post it again.
			 */
			r.rearms++;
			ret = arm_recv(&r, tab, sv[0]);
			if (ret < 0)
				return fail("receive", ret);
			io_uring_submit(&r.ring);
		} else if (r.released) {
			return fail("receive", r.final_res ? r.final_res : -EPIPE);
		}
	}
	pthread_join(th, NULL);

	/* 4. Cancel and drain: the receive posts its final CQE. */
	ret = uringkit_reqtab_drain(tab, -1, 5000, &drain, NULL, NULL);
	if (ret < 0)
		return fail("drain", ret);
	printf("drain: %u cancelled, %u finished, %u still running; the "
	       "receive was posted again %d times after -ENOBUFS\n",
	       drain.cancelled, drain.completed, drain.still_running, r.rearms);
	uringkit_reqtab_free(tab, 0);
	uringkit_wake_free(prod.wake);

	/* 5. Store what came and read it back in full. */
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return fail(path, -errno);
	ret = (int) uringkit_write_all(&r.ring, fd, r.data, r.len, 0);
	if (ret < 0 || (size_t) ret != r.len)
		return fail("write", ret < 0 ? ret : -EIO);
	ret = (int) uringkit_read_full(&r.ring, fd, back, r.cap, 0);
	close(fd);
	unlink(path);
	if (ret < 0 || (size_t) ret != r.len)
		return fail("read back", ret < 0 ? ret : -EIO);

	ret = 0;
	for (unsigned i = 0; i < messages && !ret; i++) {
		char want[MSG_LEN];

		memset(want, 'a' + i % 26, sizeof(want));
		snprintf(want, sizeof(want), "message %08u", i);
		if (r.len < (size_t) (i + 1) * MSG_LEN ||
		    memcmp(back + (size_t) i * MSG_LEN, want, MSG_LEN))
			ret = 1;
	}
	err = io_uring_buf_ring_available(&r.ring, r.br, BGID);
	printf("received %zu bytes in %u messages; released %d; buffers "
	       "back %d of %d: %s\n", r.len, messages, r.released,
	       err < 0 ? NBUF - r.buffers_out : err, NBUF,
	       !ret && r.released == 1 && !r.buffers_out &&
	       (err < 0 || err == NBUF) ? "ok" : "FAILED");
	if (ret || r.released != 1 || r.buffers_out || (err >= 0 && err != NBUF))
		ret = 1;
	io_uring_free_buf_ring(&r.ring, r.br, NBUF, BGID);
	io_uring_queue_exit(&r.ring);
	close(sv[0]);
	close(sv[1]);
	free(r.data);
	free(r.bufs);
	free(back);
	return ret;
}
