/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench tcp: 64-byte request/response over loopback on 1, 8 and
 * 32 connections. The client is one forked process with blocking sockets,
 * the same for every server: it writes one request on every connection,
 * then reads every response, and repeats. Servers: epoll + read/write;
 * io_uring with a recv and a send SQE per request (default ring); io_uring
 * multishot recv + buffer ring + send on a DEFER_TASKRUN|SINGLE_ISSUER
 * ring. Requests/s as the client sees them, and the server's CPU per
 * request.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "../uringkit.h"
#include "netutil.h"
#include "suites.h"

#define MSG_SIZE	64u		/* request and response */
#define MAX_CONNS	32u

/* ---- the client -------------------------------------------------------------- */

struct tcp_client_arg {
	struct sockaddr_in dst;
	unsigned conns;
};

static void tcp_client(void *varg, int go_r, int res_w)
{
	const struct tcp_client_arg *a = varg;
	struct timeval tv = { .tv_sec = 2, .tv_usec = 0 };
	struct child_report r;
	struct go_msg g;
	int fds[MAX_CONNS], one = 1;
	char msg[MSG_SIZE], back[MSG_SIZE];
	unsigned i;

	memset(&r, 0, sizeof(r));
	memset(msg, 't', sizeof(msg));
	for (i = 0; i < a->conns; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fds[i] < 0)
			child_fail(res_w, &r, "client socket", -errno);
		setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		/* A server that stops answering fails the cell, not the run. */
		setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (connect(fds[i], (const struct sockaddr *) &a->dst,
			    sizeof(a->dst)))
			child_fail(res_w, &r, "client connect", -errno);
	}
	if (!child_wait_go(go_r, &g))
		child_exit(res_w, &r);
	while (!uk_interrupted) {
		uint64_t now;

		for (i = 0; i < a->conns; i++)
			if (send(fds[i], msg, MSG_SIZE, MSG_NOSIGNAL) != (ssize_t) MSG_SIZE)
				child_fail(res_w, &r, "client send", -errno);
		for (i = 0; i < a->conns; i++) {
			ssize_t n = recv(fds[i], back, MSG_SIZE, MSG_WAITALL);

			if (n != (ssize_t) MSG_SIZE)
				child_fail(res_w, &r, n == 0 ? "client recv: EOF" :
					   "client recv", n < 0 ? -errno : -EPIPE);
		}
		now = uk_now_ns();
		r.count += a->conns;
		if (now >= g.wstart && now < g.wend)
			r.win += a->conns;
		if (now >= g.wend)
			break;
	}
	/* Closing is the end-of-run signal: the server sees EOF on each. */
	for (i = 0; i < a->conns; i++)
		close(fds[i]);
	child_exit(res_w, &r);
}

/* ---- TCP: the servers ---------------------------------------------------- */


/* ---- the servers ------------------------------------------------------------- */

struct tcp_ctx {
	struct net_cell nc;	/* first: the epoll callback gets &nc */
	int fds[MAX_CONNS];
	unsigned conns;
	unsigned char bufs[MAX_CONNS][RX_BUF];
};

static void conn_close(struct tcp_ctx *x, unsigned i)
{
	if (x->fds[i] >= 0) {
		close(x->fds[i]);
		x->fds[i] = -1;
		x->nc.live--;
	}
}

/* epoll + read/write: one read and its echo per readable connection. */
static uint64_t srv_epoll_ready(struct net_cell *nc, unsigned k)
{
	struct tcp_ctx *x = (struct tcp_ctx *) nc;
	ssize_t r = read(x->fds[k], x->bufs[k], RX_BUF);

	if (r == 0) {
		conn_close(x, k);	/* also leaves the epoll set */
		return 0;
	}
	if (r < 0) {
		if (errno != EAGAIN && errno != EINTR)
			bench_record_fail(nc->r, "read", -errno);
		return 0;
	}
	if (send(x->fds[k], x->bufs[k], (size_t) r, MSG_NOSIGNAL) != r) {
		bench_record_fail(nc->r, "write", errno ? -errno : -EIO);
		return 0;
	}
	return (uint64_t) r;
}

static void srv_epoll(struct tcp_ctx *x)
{
	net_epoll_loop(&x->nc, x->fds, x->conns, srv_epoll_ready);
}

/* user_data of the TCP io_uring servers: kind, connection, bid, length. */
#define UD_KIND_RECV	1ULL
#define UD_KIND_SEND	2ULL
static uint64_t ud_make(uint64_t kind, unsigned conn, unsigned bid, unsigned len)
{
	return kind << 56 | (uint64_t) (bid & 0xffff) << 32 |
	       (uint64_t) (len & 0xffff) << 16 | conn;
}
#define UD_KIND(u)	((u) >> 56)
#define UD_CONN(u)	((unsigned) ((u) & 0xffff))
#define UD_BID(u)	((unsigned) (((u) >> 32) & 0xffff))
#define UD_LEN(u)	((unsigned) (((u) >> 16) & 0xffff))

/* One recv SQE, then one send SQE, per request: the classic io_uring server. */
static void srv_uring(struct tcp_ctx *x)
{
	struct io_uring ring;
	unsigned inflight = 0, i;
	int ret;

	ret = io_uring_queue_init(2 * MAX_CONNS, &ring, 0);
	if (ret < 0) {
		bench_record_fail(x->nc.r, "io_uring_queue_init", ret);
		return;
	}
	for (i = 0; i < x->conns; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_recv(sqe, x->fds[i], x->bufs[i], RX_BUF, 0);
		io_uring_sqe_set_data64(sqe, ud_make(UD_KIND_RECV, i, 0, 0));
		inflight++;
	}
	if (net_go(&x->nc))
		goto out;
	for (;;) {
		struct io_uring_cqe *cqes[2 * MAX_CONNS];
		uint64_t done = 0;
		unsigned n;

		if (!net_uring_wait(&x->nc, &ring, 1, 0))
			break;
		n = io_uring_peek_batch_cqe(&ring, cqes, 2 * MAX_CONNS);
		for (i = 0; i < n; i++) {
			uint64_t ud = cqes[i]->user_data;
			unsigned k = UD_CONN(ud);
			int res = cqes[i]->res;
			struct io_uring_sqe *sqe;

			inflight--;
			if (x->nc.r->err)
				continue;
			if (UD_KIND(ud) == UD_KIND_RECV && res == 0) {
				conn_close(x, k);
				continue;
			}
			if (res <= 0) {
				bench_record_fail(x->nc.r, UD_KIND(ud) == UD_KIND_RECV ?
					  "recv completion" : "send completion",
					  res < 0 ? res : -EIO);
				continue;
			}
			sqe = io_uring_get_sqe(&ring);
			if (UD_KIND(ud) == UD_KIND_RECV) {
				io_uring_prep_send(sqe, x->fds[k], x->bufs[k],
						   (size_t) res, MSG_NOSIGNAL);
				io_uring_sqe_set_data64(sqe, ud_make(UD_KIND_SEND,
						k, 0, (unsigned) res));
				done += (uint64_t) res;
			} else {
				if ((unsigned) res != UD_LEN(ud)) {
					bench_record_fail(x->nc.r, "send: short write", -EIO);
					/* The SQE was taken: make it harmless. */
					io_uring_prep_nop(sqe);
					io_uring_sqe_set_data64(sqe, 0);
					inflight++;
					continue;
				}
				io_uring_prep_recv(sqe, x->fds[k], x->bufs[k],
						   RX_BUF, 0);
				io_uring_sqe_set_data64(sqe, ud_make(UD_KIND_RECV,
						k, 0, 0));
			}
			inflight++;
		}
		io_uring_cq_advance(&ring, n);
		if (net_tick(&x->nc, done))
			break;
	}
out:
	uring_teardown(&ring, &inflight, NULL);
}

/* Multishot recv into a provided-buffer ring; the reply is sent from it. */
static void srv_uring_mshot(struct tcp_ctx *x)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct uringkit_bufring *br = NULL;
	unsigned inflight = 0, i;
	int ret, err = 0;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	ret = io_uring_queue_init_params(2 * MAX_CONNS, &ring, &p);
	if (ret < 0) {
		bench_record_fail(x->nc.r, "io_uring_queue_init (DEFER_TASKRUN)", ret);
		return;
	}
	br = uringkit_bufring_create(&ring, BGID, NR_BUFS, RX_BUF, 0, &err);
	if (!br) {
		bench_record_fail(x->nc.r, "uringkit_bufring_create", err);
		goto out;
	}
	for (i = 0; i < x->conns; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_recv_multishot(sqe, x->fds[i], NULL, 0, 0);
		sqe_buffer_select(sqe, ud_make(UD_KIND_RECV, i, 0, 0));
		inflight++;
	}
	if (net_go(&x->nc))
		goto out;
	for (;;) {
		struct io_uring_cqe *cqes[4 * MAX_CONNS];
		unsigned bids[4 * MAX_CONNS], nb = 0, n;
		uint64_t done = 0;

		if (!net_uring_wait(&x->nc, &ring, 1, 0))
			break;
		n = io_uring_peek_batch_cqe(&ring, cqes, 4 * MAX_CONNS);
		for (i = 0; i < n; i++) {
			struct io_uring_cqe *q = cqes[i];
			uint64_t ud = q->user_data;
			unsigned k = UD_CONN(ud), bid, len;
			struct io_uring_sqe *sqe;
			void *buf;

			if (UD_KIND(ud) == UD_KIND_SEND) {
				inflight--;
				bids[nb++] = UD_BID(ud);
				if (!x->nc.r->err && q->res != (int) UD_LEN(ud))
					bench_record_fail(x->nc.r, q->res < 0 ? "send completion" :
						  "send: short write",
						  q->res < 0 ? q->res : -EIO);
				continue;
			}
			buf = uringkit_bufring_cqe_buf(br, q, &bid, &len);
			if (!(q->flags & IORING_CQE_F_MORE)) {
				inflight--;
				if (q->res == 0 && !buf) {
					conn_close(x, k);
					continue;
				}
				if (q->res == -ENOBUFS && !x->nc.r->err &&
				    x->fds[k] >= 0) {
					/* Buffers come back with the sends: re-arm. */
					sqe = io_uring_get_sqe(&ring);
					io_uring_prep_recv_multishot(sqe, x->fds[k],
								     NULL, 0, 0);
					sqe_buffer_select(sqe, ud);
					inflight++;
					continue;
				}
				if (q->res < 0 && !x->nc.r->err)
					bench_record_fail(x->nc.r, "recv multishot", q->res);
			}
			if (!buf) {
				if (!x->nc.r->err)
					bench_record_fail(x->nc.r, "multishot CQE without a buffer",
						  -EIO);
				continue;
			}
			if (x->nc.r->err || x->fds[k] < 0) {
				bids[nb++] = bid;
				continue;
			}
			sqe = io_uring_get_sqe(&ring);
			io_uring_prep_send(sqe, x->fds[k], buf, len, MSG_NOSIGNAL);
			io_uring_sqe_set_data64(sqe, ud_make(UD_KIND_SEND, k, bid,
							     len));
			inflight++;
			done += len;
		}
		io_uring_cq_advance(&ring, n);
		if (nb) {
			ret = uringkit_bufring_recycle_n(br, bids, nb);
			if (ret < 0 && !x->nc.r->err)
				bench_record_fail(x->nc.r, "uringkit_bufring_recycle_n", ret);
		}
		if (net_tick(&x->nc, done))
			break;
	}
out:
	uring_teardown(&ring, &inflight, br);
}

struct tcp_server {
	const char *name;
	void (*run)(struct tcp_ctx *);
};

static const struct tcp_server servers[] = {
	{ "epoll + read/write", srv_epoll },
	{ "io_uring recv/send", srv_uring },
	{ "io_uring multishot", srv_uring_mshot },
};
#define NR_SERVERS	(sizeof(servers) / sizeof(servers[0]))

static const unsigned conn_counts[] = { 1, 8, 32 };
#define NR_COUNTS	(sizeof(conn_counts) / sizeof(conn_counts[0]))

/* Accept n connections, each within 2 s. */
static int accept_n(int lfd, struct tcp_ctx *x, unsigned n)
{
	int one = 1;

	while (x->conns < n) {
		struct pollfd pfd = { .fd = lfd, .events = POLLIN };
		int fd, ret = poll(&pfd, 1, 2000);

		if (ret < 0 && errno == EINTR && !uk_interrupted)
			continue;
		if (ret <= 0)
			return ret < 0 ? -errno : -ETIMEDOUT;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			return -errno;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		x->fds[x->conns++] = fd;
		x->nc.live++;
	}
	return 0;
}

/* One round of server k on conn_counts[g] connections. */
static void tcp_cell(void *arg, const struct bench_opts *o, size_t g, size_t k,
		     struct bench_record *r)
{
	const struct tcp_server *sv = &servers[k];
	unsigned conns = conn_counts[g];
	struct tcp_client_arg ca;
	struct child_report rep;
	struct child ch;
	struct tcp_ctx *x;
	unsigned i;
	int lfd, ret;

	(void) arg;
	r->engine = sv->name;
	r->depth = conns;
	x = calloc(1, sizeof(*x));
	if (!x) {
		bench_record_fail(r, "calloc", -ENOMEM);
		return;
	}
	x->nc.o = o;
	x->nc.r = r;
	x->nc.peer = &ch;
	x->nc.peer_name = "client";
	x->nc.peer_linger = 0;
	x->nc.linger = 3 * NS;
	x->nc.late_fail = "the client did not finish";
	x->nc.unit = MSG_SIZE;
	for (i = 0; i < MAX_CONNS; i++)
		x->fds[i] = -1;
	lfd = net_loopback_socket(SOCK_STREAM, &ca.dst, r);
	if (lfd < 0) {
		free(x);
		return;
	}
	ca.conns = conns;
	ret = child_start(&ch, lfd, tcp_client, &ca);
	if (ret) {
		bench_record_fail(r, "fork (client)", ret);
		close(lfd);
		free(x);
		return;
	}
	ret = accept_n(lfd, x, conns);
	close(lfd);
	if (ret)
		bench_record_fail(r, "accept", ret);
	else
		sv->run(x);

	/* On an error the client sees EOF or times out, then reports. */
	for (i = 0; i < x->conns; i++)
		conn_close(x, i);
	ret = child_finish(&ch, &rep);
	net_cell_end(&x->nc, ret, &rep, "the server saw no end of the window");
	if (!r->err && x->nc.started) {
		r->ops = rep.win;	/* as the client counts them */
		r->window_s = o->cell_s;
	}
	bench_record_finish(r);
	free(x);
}

struct bench_plan bench_tcp_plan(const struct bench_opts *o)
{
	return net_plan(o, NR_COUNTS * NR_SERVERS, 0.05);
}

int bench_tcp(struct bench_suite *s)
{
	s->depth_name = "connections";
	return net_run_cells(s, NR_COUNTS, NR_SERVERS, tcp_cell, NULL);
}
