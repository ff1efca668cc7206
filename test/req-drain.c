/* SPDX-License-Identifier: MIT */
/*
 * The request table (uringkit/req.h):
 *  - a tracked request is released exactly once, at its final CQE (the
 *    callback, then release, then its fd closed when asked); a CQE seen
 *    twice is -ESTALE, a foreign one is left alone, a full table says
 *    -ENOSPC; a table with a request in flight is not freed, or when
 *    abandoned releases nothing (the kernel completes into the memory);
 *  - cancel-and-drain while timeouts, a multishot receive with provided
 *    buffers, a zero-copy send and a linked chain are in flight, with
 *    every buffer malloc'd and freed by the release functions, so ASan
 *    sees any use after release; the zero-copy buffer is released only
 *    after its notification; every provided buffer of the cancelled
 *    multishot receive comes back to the ring;
 *  - a drain of one fd whose request waits behind a link head that is not
 *    on that fd reports it still running at the deadline, and a full
 *    drain then releases everything.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "test.h"
#include "net.h"
#include "uringkit/req.h"

struct rec {
	int cqes, finals, releases;
	int last_res;
	unsigned last_flags;
	bool notif_seen;
	void *buf;		/* freed by release */
};

static void on_cqe(void *user, const struct io_uring_cqe *cqe, bool final)
{
	struct rec *r = user;

	ASSERT_EQ(r->releases, 0);
	r->cqes++;
	r->finals += final;
	r->last_res = cqe->res;
	r->last_flags = cqe->flags;
	if (cqe->flags & IORING_CQE_F_NOTIF)
		r->notif_seen = true;
	ASSERT_EQ(final, !(cqe->flags & IORING_CQE_F_MORE));
}

static void on_release(void *user)
{
	struct rec *r = user;

	ASSERT_EQ(r->finals, 1);
	r->releases++;
	free(r->buf);
	r->buf = NULL;
}

static struct uringkit_req_desc desc(struct rec *r, int fd)
{
	return (struct uringkit_req_desc) {
		.cb = on_cqe, .release = on_release, .user = r, .fd = fd,
	};
}

static void basics(void)
{
	struct io_uring ring;
	struct uringkit_reqtab *t;
	struct uringkit_req_event ev;
	struct uringkit_req_desc d;
	struct io_uring_cqe *cqe, copy;
	struct io_uring_sqe *sqe;
	struct rec r = { 0 };
	int err, id, p[2];

	t_ring_init(&ring, 8, NULL);
	ASSERT_NULL(uringkit_reqtab_create(NULL, 4, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(uringkit_reqtab_create(&ring, 0, &err));
	ASSERT_NULL(uringkit_reqtab_create(&ring, URINGKIT_REQTAB_MAX + 1, &err));
	ASSERT_EQ(err, -EINVAL);
	t = uringkit_reqtab_create(&ring, 2, &err);
	ASSERT_NOT_NULL(t);

	/* A NOP that holds a pipe's read end, closed on release. */
	ASSERT_EQ(pipe(p), 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	d = desc(&r, p[0]);
	d.flags = URINGKIT_REQ_CLOSE_FD;
	r.buf = malloc(16);
	id = uringkit_req_track(t, sqe, &d);
	ASSERT_GE(id, 0);
	ASSERT_EQ(sqe->user_data >> 48, (__u64) URINGKIT_REQ_USER_DATA_TAG);
	ASSERT_EQ(uringkit_reqtab_inflight(t, -1), 1u);
	ASSERT_EQ(uringkit_reqtab_inflight(t, p[0]), 1u);
	ASSERT_EQ(uringkit_reqtab_inflight(t, p[1]), 0u);
	ASSERT_EQ(uringkit_reqtab_free(t, 0), -EBUSY);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	copy = *cqe;
	ASSERT_EQ(uringkit_reqtab_complete(t, cqe, &ev),
		  URINGKIT_REQ_EVENT | URINGKIT_REQ_FINAL);
	io_uring_cqe_seen(&ring, cqe);
	ASSERT_EQ(ev.id, id);
	ASSERT(ev.user == &r);
	ASSERT(ev.final);
	ASSERT_EQ(r.cqes, 1);
	ASSERT_EQ(r.releases, 1);
	ASSERT_EQ(fcntl(p[0], F_GETFD), -1);	/* closed by the table */
	ASSERT_EQ(uringkit_reqtab_inflight(t, -1), 0u);
	/* The same CQE again: its request is gone. */
	ASSERT_EQ(uringkit_reqtab_complete(t, &copy, &ev), -ESTALE);
	ASSERT_EQ(r.releases, 1);
	/* A foreign CQE. */
	copy.user_data = 12345;
	ASSERT_EQ(uringkit_reqtab_complete(t, &copy, &ev), 0);
	close(p[1]);

	/* Full: the third track fails and leaves the SQE alone. */
	{
		struct rec q[3] = { { 0 } };

		for (int i = 0; i < 2; i++) {
			d = desc(&q[i], -1);
			io_uring_prep_nop(sqe = t_get_sqe(&ring));
			ASSERT_GE(uringkit_req_track(t, sqe, &d), 0);
		}
		d = desc(&q[2], -1);
		io_uring_prep_nop(sqe = t_get_sqe(&ring));
		io_uring_sqe_set_data64(sqe, 777);
		ASSERT_EQ(uringkit_req_track(t, sqe, &d), -ENOSPC);
		ASSERT_EQ(sqe->user_data, 777u);
		d.flags = URINGKIT_REQ_CLOSE_FD;
		d.fd = -1;
		ASSERT_EQ(uringkit_req_track(t, sqe, &d), -EINVAL);
		d.flags = 8;
		ASSERT_EQ(uringkit_req_track(t, sqe, &d), -EINVAL);
		ASSERT_EQ(uringkit_req_track(NULL, sqe, &d), -EINVAL);
		/* Drain: the NOPs complete; the foreign NOP goes to "other". */
		{
			struct uringkit_drain_report rep;

			ASSERT_EQ(uringkit_reqtab_drain(t, -1, 5000, &rep, NULL,
							NULL), 0);
			ASSERT_EQ(rep.still_running, 0u);
			ASSERT_EQ(rep.completed, 2u);
			ASSERT_EQ(q[0].releases + q[1].releases, 2);
		}
		/* The foreign NOP's CQE was reaped by the drain, or comes now. */
		if (io_uring_cq_ready(&ring)) {
			struct t_cqe c = t_reap_cqe(&ring);

			ASSERT_EQ(c.user_data, 777u);
		}
	}
	ASSERT_EQ(uringkit_reqtab_free(t, 4), -EINVAL);
	ASSERT_EQ(uringkit_reqtab_free(t, 0), 0);
	ASSERT_EQ(uringkit_reqtab_free(NULL, 0), 0);

	/*
	 * Teardown with a read still in flight: the table refuses to go, and
	 * when abandoned releases nothing the kernel may still write into.
	 */
	{
		static char target[16];
		struct rec a = { 0 };

		t = uringkit_reqtab_create(&ring, 2, &err);
		ASSERT_NOT_NULL(t);
		ASSERT_EQ(pipe(p), 0);
		io_uring_prep_read(sqe = t_get_sqe(&ring), p[0], target,
				   sizeof(target), 0);
		d = desc(&a, p[0]);
		d.flags = URINGKIT_REQ_CLOSE_FD;
		ASSERT_GE(uringkit_req_track(t, sqe, &d), 0);
		ASSERT_EQ(io_uring_submit(&ring), 1);
		ASSERT_EQ(uringkit_reqtab_free(t, 0), -EBUSY);
		ASSERT_EQ(uringkit_reqtab_free(t, URINGKIT_REQTAB_ABANDON), 0);
		ASSERT_EQ(a.releases, 0);
		ASSERT_EQ(fcntl(p[0], F_GETFD), 0);	/* not closed */
		/* The kernel still owns the read: it completes into target. */
		ASSERT_EQ(write(p[1], "late", 4), 4);
		cqe = t_wait_cqe(&ring);
		ASSERT_EQ(cqe->user_data >> 48, (__u64) URINGKIT_REQ_USER_DATA_TAG);
		ASSERT_EQ(cqe->res, 4);
		io_uring_cqe_seen(&ring, cqe);
		ASSERT_MEM_EQ(target, "late", 4);
		close(p[0]);
		close(p[1]);
	}
	io_uring_queue_exit(&ring);
}

/* ---- cancel and drain with everything in flight --------------------- */

#define NBUF 8
#define BUFSZ 64
#define BGID 3

struct bufs {
	struct io_uring_buf_ring *br;
	unsigned char *mem;
	int out;		/* buffers the kernel handed to us */
	int back;		/* given back to the ring */
	int bytes;
};

static struct bufs pool;

static void on_recv(void *user, const struct io_uring_cqe *cqe, bool final)
{
	on_cqe(user, cqe, final);
	if (cqe->flags & IORING_CQE_F_BUFFER) {
		unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;

		ASSERT_LT(bid, NBUF);
		pool.out++;
		pool.bytes += cqe->res;
		/* Give the buffer back at once, as a server would after use. */
		io_uring_buf_ring_add(pool.br, pool.mem + bid * BUFSZ, BUFSZ,
				      (unsigned short) bid,
				      io_uring_buf_ring_mask(NBUF), 0);
		io_uring_buf_ring_advance(pool.br, 1);
		pool.back++;
	}
}

struct listing {
	int n;
	int fd;
	void *user;
};

static int list_one(void *arg, int id, const struct uringkit_req_desc *d)
{
	struct listing *l = arg;

	(void) id;
	l->n++;
	l->fd = d->fd;
	l->user = d->user;
	return 0;
}

static void everything_in_flight(void)
{
	struct io_uring ring;
	struct io_uring_params prm = { 0 };
	struct uringkit_reqtab *t;
	struct uringkit_drain_report rep;
	struct uringkit_req_desc d;
	struct io_uring_sqe *sqe;
	struct rec tmo = { 0 }, ms = { 0 }, zc = { 0 }, chain[3] = { { 0 } };
	struct rec late_head = { 0 }, late = { 0 };
	struct __kernel_timespec *ts, late_ts = { .tv_sec = 2 };
	struct listing l = { 0 };
	int sv[2], tcp[2], p[2], q[2], err, ret;
	bool have_zc = t_op_supported(IORING_OP_SEND_ZC);
	char sink[4096];

	t_require_op(IORING_OP_RECV);
	t_ring_init(&ring, 32, &prm);
	t = uringkit_reqtab_create(&ring, 64, &err);
	ASSERT_NOT_NULL(t);

	/* A 10 s timeout whose timespec the release frees. */
	ts = calloc(1, sizeof(*ts));
	ts->tv_sec = 10;
	tmo.buf = ts;
	io_uring_prep_timeout(sqe = t_get_sqe(&ring), ts, 0, 0);
	d = desc(&tmo, -1);
	ASSERT_GE(uringkit_req_track(t, sqe, &d), 0);

	/* A multishot receive on provided buffers, with data arriving. */
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pool.br = io_uring_setup_buf_ring(&ring, NBUF, BGID, 0, &ret);
	if (!pool.br)
		t_skip("no provided-buffer rings (%d)", ret);
	pool.mem = malloc(NBUF * BUFSZ);
	t_buf_ring_give(pool.br, NBUF, pool.mem, BUFSZ, 0, NBUF);
	sqe = t_get_sqe(&ring);
	io_uring_prep_recv_multishot(sqe, sv[0], NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	d = desc(&ms, sv[0]);
	d.cb = on_recv;
	ASSERT_GE(uringkit_req_track(t, sqe, &d), 0);

	/* A zero-copy send from a malloc'd buffer, freed after its notification. */
	t_tcp_pair(tcp);
	if (have_zc) {
		zc.buf = malloc(65536);
		memset(zc.buf, 'z', 65536);
		io_uring_prep_send_zc(sqe = t_get_sqe(&ring), tcp[0], zc.buf,
				      65536, 0, 0);
		d = desc(&zc, tcp[0]);
		ASSERT_GE(uringkit_req_track(t, sqe, &d), 0);
	}

	/* A linked chain: a read that waits on an empty pipe, then two more. */
	ASSERT_EQ(pipe(p), 0);
	for (int i = 0; i < 3; i++) {
		chain[i].buf = malloc(32);
		sqe = t_get_sqe(&ring);
		if (i == 1)
			io_uring_prep_write(sqe, p[1], "abc", 3, 0);
		else
			io_uring_prep_read(sqe, p[0], chain[i].buf, 32, 0);
		if (i < 2)
			sqe->flags |= IOSQE_IO_LINK;
		d = desc(&chain[i], p[0]);
		ASSERT_GE(uringkit_req_track(t, sqe, &d), 0);
	}

	/* A read on another pipe, linked behind a 2 s timeout head. */
	ASSERT_EQ(pipe(q), 0);
	late.buf = malloc(8);
	io_uring_prep_timeout(sqe = t_get_sqe(&ring), &late_ts, 0, 0);
	sqe->flags |= IOSQE_IO_LINK;
	d = desc(&late_head, -1);
	ASSERT_GE(uringkit_req_track(t, sqe, &d), 0);
	io_uring_prep_read(sqe = t_get_sqe(&ring), q[0], late.buf, 8, 0);
	d = desc(&late, q[0]);
	ASSERT_GE(uringkit_req_track(t, sqe, &d), 0);

	ASSERT_GT(io_uring_submit(&ring), 0);
	ASSERT_EQ(write(sv[1], "hello", 5), 5);
	ASSERT_EQ(write(sv[1], "world!", 6), 6);
	/* The receiver reads what the zero-copy send sent, so it gets done. */
	if (have_zc)
		t_read_exact(tcp[1], sink, sizeof(sink));

	/* Let the receive see its data before the cancel. */
	while (pool.bytes < 11) {
		struct io_uring_cqe *cqe = t_wait_cqe_within(&ring, 5000);

		ASSERT_GT(uringkit_reqtab_complete(t, cqe, NULL), 0);
		io_uring_cqe_seen(&ring, cqe);
		if (have_zc && zc.cqes && !zc.notif_seen) {
			/* Keep reading so the kernel can finish the send. */
			ssize_t got = recv(tcp[1], sink, sizeof(sink),
					   MSG_DONTWAIT);
			(void) got;
		}
	}
	ASSERT_EQ(ms.releases, 0);

	/* Drain one fd: its request waits behind a head on no fd. */
	ASSERT_EQ(uringkit_reqtab_drain(t, q[0], 50, &rep, NULL, NULL), -ETIME);
	ASSERT_EQ(rep.still_running, 1u);
	ASSERT_EQ(rep.cancelled, 1u);
	ASSERT_EQ(uringkit_reqtab_inflight(t, q[0]), 1u);
	ASSERT_EQ(late.releases, 0);
	ASSERT_EQ(uringkit_reqtab_foreach(t, list_one, &l), 0);
	ASSERT_GE(l.n, 5);

	/* Now all: a receiver thread is not needed, read the TCP side here. */
	if (have_zc) {
		while (recv(tcp[1], sink, sizeof(sink), MSG_DONTWAIT) > 0)
			;
	}
	ret = uringkit_reqtab_drain(t, -1, 5000, &rep, NULL, NULL);
	if (ret == -ETIME && have_zc && !zc.releases) {
		/* The notification waits for the peer to take the data. */
		while (recv(tcp[1], sink, sizeof(sink), MSG_DONTWAIT) > 0)
			;
		ret = uringkit_reqtab_drain(t, -1, 5000, &rep, NULL, NULL);
	}
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(rep.still_running, 0u);
	ASSERT_EQ(uringkit_reqtab_inflight(t, -1), 0u);

	/* Everything was released exactly once, at its final CQE. */
	ASSERT_EQ(tmo.releases, 1);
	ASSERT_EQ(tmo.last_res, -ECANCELED);
	ASSERT_EQ(ms.releases, 1);
	ASSERT_EQ(ms.finals, 1);
	ASSERT_GE(ms.cqes, 2);
	ASSERT(!(ms.last_flags & IORING_CQE_F_MORE));
	ASSERT_EQ(late.releases, 1);
	ASSERT_EQ(late_head.releases, 1);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(chain[i].releases, 1);
		ASSERT_LT(chain[i].last_res, 0);
	}
	if (have_zc) {
		ASSERT_EQ(zc.releases, 1);
		ASSERT(zc.notif_seen);
		ASSERT_EQ(zc.cqes, 2);
	}
	/* Every provided buffer came back. */
	ASSERT_EQ(pool.bytes, 11);
	ASSERT_EQ(pool.out, pool.back);
	ret = io_uring_buf_ring_available(&ring, pool.br, BGID);
	if (ret >= 0)
		ASSERT_EQ(ret, NBUF);
	else
		printf("note: buffer ring head not readable here (%d)\n", ret);

	ASSERT_EQ(uringkit_reqtab_free(t, 0), 0);
	ASSERT_EQ(io_uring_free_buf_ring(&ring, pool.br, NBUF, BGID), 0);
	free(pool.mem);
	close(sv[0]);
	close(sv[1]);
	close(tcp[0]);
	close(tcp[1]);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	basics();
	everything_in_flight();
	return T_EXIT_PASS;
}
