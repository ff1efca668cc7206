/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench tcp: an echo server, 128-byte request/response over
 * loopback on 50, 300 and 1000 connections (--quick: 50 and 300).
 *
 * The load generator is one forked process: CLIENT_THREADS threads, each
 * an epoll loop over its share of the connections, one request
 * outstanding per connection. It checks every byte of every echo against
 * the request it sent (connection, sequence number, pattern) and keeps a
 * histogram of request-to-response times. Two servers, one thread each,
 * the same design (accept in the loop, read what arrived, send it back
 * from the same buffer):
 *   epoll     level-triggered epoll_wait (256 events), accept4, recv, send
 *   io_uring  multishot accept into direct descriptors, multishot recv on
 *             a provided-buffer ring, send from that buffer, on a
 *             DEFER_TASKRUN|SINGLE_ISSUER ring; every completion waiting
 *             is reaped per wake-up and all the sends of one wake-up go in
 *             with the next wait. Direct descriptors spare each request
 *             the file lookup a plain fd costs (epoll has no equivalent).
 * Bundles would let one recv completion name several buffers: with one
 * 128-byte request outstanding per connection there is never more than
 * one buffer's worth queued, so they are not used.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "../uringkit.h"
#include "netutil.h"
#include "suites.h"

#define MSG_SIZE	128u		/* request and response */
#define MAX_CONNS	1000u
#define CLIENT_THREADS	2u
#define SRV_BUF_SIZE	512u		/* io_uring server: provided buffers */
#define SRV_NR_BUFS	4096u		/* > 2 per connection */
#define SRV_SQ		2048u
#define SRV_CQ		8192u

/* ---- requests ------------------------------------------------------------------ */

/* Request seq on connection conn: its number, then a pattern of both. */
static void msg_fill(unsigned char *m, uint32_t conn, uint32_t seq)
{
	unsigned i;

	memcpy(m, &conn, 4);
	memcpy(m + 4, &seq, 4);
	for (i = 8; i < MSG_SIZE; i++)
		m[i] = (unsigned char) (conn * 13 + seq * 7 + i);
}

/* ---- the load generator ---------------------------------------------------------- */

struct tcp_client_arg {
	struct sockaddr_in dst;
	unsigned conns;
};

struct cconn {
	int fd;
	uint32_t id, seq;
	unsigned got;		/* bytes of the current response */
	bool waiting;		/* a request is outstanding */
	uint64_t sent_ns;
	unsigned char back[MSG_SIZE];
};

struct cthread {
	pthread_t tid;
	struct cconn *c;
	unsigned n;
	const struct go_msg *g;
	uint64_t count, win;
	struct lat_hist hist;
	int err;
	const char *failed;
};

static void *cthread_fail(struct cthread *t, const char *what, int err)
{
	t->err = err < 0 ? err : -EIO;
	t->failed = what;
	return NULL;
}

static int client_send(struct cconn *c, uint64_t now)
{
	unsigned char m[MSG_SIZE];

	msg_fill(m, c->id, c->seq);
	c->sent_ns = now;
	c->got = 0;
	c->waiting = true;
	if (send(c->fd, m, MSG_SIZE, MSG_NOSIGNAL) != (ssize_t) MSG_SIZE)
		return errno ? -errno : -EIO;
	return 0;
}

/*
 * One thread's connections: a request on each, then a new one on each
 * connection as its echo completes, until the window's end; then every
 * outstanding response is collected (2 s at most).
 */
static void *cthread_run(void *arg)
{
	struct cthread *t = arg;
	const struct go_msg *g = t->g;
	struct epoll_event evs[256];
	unsigned char want[MSG_SIZE];
	unsigned i, outstanding = 0;
	uint64_t deadline = g->wend + 2 * NS;
	int ep = epoll_create1(EPOLL_CLOEXEC), ret;

	if (ep < 0)
		return cthread_fail(t, "client epoll_create1", -errno);
	for (i = 0; i < t->n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };

		if (epoll_ctl(ep, EPOLL_CTL_ADD, t->c[i].fd, &ev)) {
			close(ep);
			return cthread_fail(t, "client epoll_ctl", -errno);
		}
	}
	for (i = 0; i < t->n; i++) {
		ret = client_send(&t->c[i], uk_now_ns());
		if (ret) {
			close(ep);
			return cthread_fail(t, "client send", ret);
		}
		outstanding++;
	}
	while (outstanding && !uk_interrupted) {
		int nev = epoll_wait(ep, evs, 256, POLL_MS), j;

		if (nev < 0 && errno != EINTR) {
			close(ep);
			return cthread_fail(t, "client epoll_wait", -errno);
		}
		for (j = 0; j < nev; j++) {
			struct cconn *c = &t->c[evs[j].data.u32];
			ssize_t n = recv(c->fd, c->back + c->got, MSG_SIZE - c->got, 0);
			uint64_t now;

			if (n <= 0) {
				if (n < 0 && (errno == EAGAIN || errno == EINTR))
					continue;
				close(ep);
				return cthread_fail(t, n ? "client recv" :
						    "client recv: EOF from the server",
						    n ? -errno : -EPIPE);
			}
			if (!c->waiting) {
				close(ep);
				return cthread_fail(t, "client: bytes nobody asked for", -EPROTO);
			}
			c->got += (unsigned) n;
			if (c->got < MSG_SIZE)
				continue;
			msg_fill(want, c->id, c->seq);
			if (memcmp(want, c->back, MSG_SIZE)) {
				close(ep);
				return cthread_fail(t, "client: echo differs from the request",
						    -EPROTO);
			}
			now = uk_now_ns();
			t->count++;
			if (now >= g->wstart && now < g->wend) {
				t->win++;
				lat_hist_add(&t->hist, now - c->sent_ns);
			}
			c->waiting = false;
			if (now >= g->wend) {
				outstanding--;
				continue;
			}
			c->seq++;
			ret = client_send(c, now);
			if (ret) {
				close(ep);
				return cthread_fail(t, "client send", ret);
			}
		}
		if (outstanding && uk_now_ns() >= deadline) {
			close(ep);
			return cthread_fail(t, "client: responses missing 2 s after the window",
					    -ETIMEDOUT);
		}
	}
	close(ep);
	return NULL;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = { .tv_sec = (time_t) (t / NS),
			       .tv_nsec = (long) (t % NS) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR &&
	       !uk_interrupted)
		;
}

static void tcp_client(void *varg, int go_r, int res_w)
{
	const struct tcp_client_arg *a = varg;
	struct cthread th[CLIENT_THREADS];
	struct child_report r;
	struct cconn *c;
	struct go_msg g;
	struct rusage ru0, ru1;
	struct lat_hist *hist;
	unsigned i, k, nth = CLIENT_THREADS, per;
	int one = 1, ret;

	memset(&r, 0, sizeof(r));
	c = calloc(a->conns, sizeof(*c));
	hist = calloc(1, sizeof(*hist));
	if (!c || !hist)
		child_fail(res_w, &r, "client calloc", -ENOMEM);
	/* All connected before the go: the server accepts them in its loop. */
	for (i = 0; i < a->conns; i++) {
		c[i].id = i;
		c[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c[i].fd < 0)
			child_fail(res_w, &r, "client socket", -errno);
		setsockopt(c[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(c[i].fd, (const struct sockaddr *) &a->dst,
			    sizeof(a->dst)))
			child_fail(res_w, &r, "client connect", -errno);
		if (fcntl(c[i].fd, F_SETFL, O_NONBLOCK))
			child_fail(res_w, &r, "client fcntl(O_NONBLOCK)", -errno);
	}
	if (!child_wait_go(go_r, &g))
		child_exit(res_w, &r);
	if (nth > a->conns)
		nth = a->conns;
	per = (a->conns + nth - 1) / nth;
	memset(th, 0, sizeof(th));
	for (k = 0; k < nth; k++) {
		th[k].c = c + k * per;
		th[k].n = k * per + per <= a->conns ? per : a->conns - k * per;
		th[k].g = &g;
		ret = pthread_create(&th[k].tid, NULL, cthread_run, &th[k]);
		if (ret)
			child_fail(res_w, &r, "client pthread_create", -ret);
	}
	/* The client's own CPU over the window: what the server shares with. */
	sleep_until(g.wstart);
	getrusage(RUSAGE_SELF, &ru0);
	sleep_until(g.wend);
	getrusage(RUSAGE_SELF, &ru1);
	for (k = 0; k < nth; k++) {
		pthread_join(th[k].tid, NULL);
		if (th[k].err && !r.err) {
			r.err = th[k].err;
			snprintf(r.failed, sizeof(r.failed), "%s", th[k].failed);
		}
		r.count += th[k].count;
		r.win += th[k].win;
		lat_hist_merge(hist, &th[k].hist);
	}
	r.cpu_ns = uk_rusage_ns(&ru1) - uk_rusage_ns(&ru0);
	r.lat_p50_us = lat_hist_quantile(hist, 0.50) / 1e3;
	r.lat_p99_us = lat_hist_quantile(hist, 0.99) / 1e3;
	/* Closing is the end-of-run signal: the server sees EOF on each. */
	for (i = 0; i < a->conns; i++)
		close(c[i].fd);
	child_exit(res_w, &r);
}

/* ---- the servers ---------------------------------------------------------------- */

struct tcp_ctx {
	struct net_cell nc;	/* first: the epoll callback gets &nc */
	int lfd;
	bool direct;		/* fds[] are the io_uring server's direct ones */
	int fds[MAX_CONNS];	/* by accept order */
	unsigned accepted;
	unsigned char buf[SRV_BUF_SIZE];
};

/* A direct descriptor is closed by its ring (close_direct, or the exit). */
static void conn_close(struct tcp_ctx *x, unsigned i)
{
	if (x->fds[i] >= 0) {
		if (!x->direct)
			close(x->fds[i]);
		x->fds[i] = -1;
		x->nc.live--;
	}
}

/* A new connection's slot, or -1 (recorded) when there are too many. */
static int conn_add(struct tcp_ctx *x, int fd)
{
	if (x->accepted == MAX_CONNS) {
		if (!x->direct)
			close(fd);
		bench_record_fail(x->nc.r, "accept: more connections than the client opened",
				  -EPROTO);
		return -1;
	}
	x->fds[x->accepted] = fd;
	return (int) x->accepted++;
}

/* epoll: event data 0 is the listener, CONN_EV | slot a connection. */
#define CONN_EV		0x80000000u

static uint64_t srv_epoll_accept(struct tcp_ctx *x)
{
	for (;;) {
		struct epoll_event ev = { .events = EPOLLIN };
		int fd = accept4(x->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		int slot;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				bench_record_fail(x->nc.r, "accept4", -errno);
			return 0;
		}
		slot = conn_add(x, fd);
		if (slot < 0)
			return 0;
		ev.data.u32 = CONN_EV | (unsigned) slot;
		if (epoll_ctl(x->nc.ep, EPOLL_CTL_ADD, fd, &ev)) {
			bench_record_fail(x->nc.r, "epoll_ctl", -errno);
			return 0;
		}
	}
}

/* One recv and its echo per readable connection (level-triggered). */
static uint64_t srv_epoll_ready(struct net_cell *nc, unsigned ev)
{
	struct tcp_ctx *x = (struct tcp_ctx *) nc;
	unsigned k = ev & ~CONN_EV;
	ssize_t r;

	if (!(ev & CONN_EV))
		return srv_epoll_accept(x);
	if (x->fds[k] < 0)
		return 0;
	r = recv(x->fds[k], x->buf, sizeof(x->buf), 0);
	if (r == 0) {
		conn_close(x, k);	/* also leaves the epoll set */
		return 0;
	}
	if (r < 0) {
		if (errno != EAGAIN && errno != EINTR)
			bench_record_fail(nc->r, "recv", -errno);
		return 0;
	}
	if (send(x->fds[k], x->buf, (size_t) r, MSG_NOSIGNAL) != r) {
		bench_record_fail(nc->r, "send", errno ? -errno : -EIO);
		return 0;
	}
	return (uint64_t) r;
}

static void srv_epoll(struct tcp_ctx *x)
{
	net_epoll_loop(&x->nc, &x->lfd, 1, srv_epoll_ready);
}

/* user_data of the io_uring server: kind, connection, bid, length. */
#define UD_KIND_RECV	1ULL
#define UD_KIND_SEND	2ULL
#define UD_KIND_ACCEPT	3ULL
#define UD_KIND_CLOSE	4ULL
static uint64_t ud_make(uint64_t kind, unsigned conn, unsigned bid, unsigned len)
{
	return kind << 56 | (uint64_t) (bid & 0xffff) << 32 |
	       (uint64_t) (len & 0xffff) << 16 | conn;
}
#define UD_KIND(u)	((u) >> 56)
#define UD_CONN(u)	((unsigned) ((u) & 0xffff))
#define UD_BID(u)	((unsigned) (((u) >> 32) & 0xffff))
#define UD_LEN(u)	((unsigned) (((u) >> 16) & 0xffff))

/* An SQE, submitting what is queued if the SQ is full. */
static struct io_uring_sqe *srv_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe) {
		io_uring_submit(ring);
		sqe = io_uring_get_sqe(ring);
	}
	return sqe;
}

struct uring_srv {
	struct tcp_ctx *x;
	struct io_uring ring;
	struct uringkit_bufring *br;
	unsigned inflight;	/* requests whose last CQE is not seen */
	unsigned bids[SRV_CQ];	/* buffers to give back after this batch */
	unsigned nb;
};

static bool srv_arm(struct uring_srv *u, uint64_t ud, int fd)
{
	struct io_uring_sqe *sqe = srv_sqe(&u->ring);

	if (!sqe) {
		bench_record_fail(u->x->nc.r, "io_uring_get_sqe", -EBUSY);
		return false;
	}
	if (UD_KIND(ud) == UD_KIND_ACCEPT) {
		io_uring_prep_multishot_accept_direct(sqe, fd, NULL, NULL, 0);
		io_uring_sqe_set_data64(sqe, ud);
	} else {
		io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
		sqe_buffer_select(sqe, ud);
		sqe->flags |= IOSQE_FIXED_FILE;
	}
	u->inflight++;
	return true;
}

/* One completion; returns the bytes it made the server echo. */
static uint64_t srv_uring_cqe(struct uring_srv *u, const struct io_uring_cqe *q)
{
	struct tcp_ctx *x = u->x;
	struct bench_record *r = x->nc.r;
	uint64_t ud = q->user_data;
	unsigned k = UD_CONN(ud), bid, len;
	bool more = q->flags & IORING_CQE_F_MORE;
	struct io_uring_sqe *sqe;
	void *buf;
	int slot;

	switch (UD_KIND(ud)) {
	case UD_KIND_SEND:
		u->inflight--;
		u->bids[u->nb++] = UD_BID(ud);
		if (!r->err && q->res != (int) UD_LEN(ud))
			bench_record_fail(r, q->res < 0 ? "send completion" :
					  "send: short write", q->res < 0 ? q->res : -EIO);
		return 0;
	case UD_KIND_CLOSE:
		u->inflight--;
		if (q->res < 0 && !r->err)
			bench_record_fail(r, "close_direct", q->res);
		return 0;
	case UD_KIND_ACCEPT:
		if (!more)
			u->inflight--;
		if (q->res < 0) {
			if (!r->err)
				bench_record_fail(r, "accept multishot", q->res);
			return 0;
		}
		slot = conn_add(x, q->res);
		if (slot >= 0)
			srv_arm(u, ud_make(UD_KIND_RECV, (unsigned) slot, 0, 0), q->res);
		if (!more && !r->err)
			srv_arm(u, ud, x->lfd);
		return 0;
	}
	buf = uringkit_bufring_cqe_buf(u->br, q, &bid, &len);
	if (!more) {
		u->inflight--;
		if (q->res == 0 && !buf) {
			sqe = srv_sqe(&u->ring);
			if (sqe && x->fds[k] >= 0) {
				io_uring_prep_close_direct(sqe, (unsigned) x->fds[k]);
				io_uring_sqe_set_data64(sqe, ud_make(UD_KIND_CLOSE, k, 0, 0));
				u->inflight++;
			}
			conn_close(x, k);
			return 0;
		}
		/* Out of buffers: they come back with the sends; re-armed now. */
		if (q->res == -ENOBUFS && !r->err && x->fds[k] >= 0) {
			srv_arm(u, ud, x->fds[k]);
			return 0;
		}
		if (q->res < 0 && !r->err)
			bench_record_fail(r, "recv multishot", q->res);
	}
	if (!buf) {
		if (!r->err)
			bench_record_fail(r, "multishot CQE without a buffer", -EIO);
		return 0;
	}
	if (r->err || x->fds[k] < 0 || !(sqe = srv_sqe(&u->ring))) {
		u->bids[u->nb++] = bid;
		return 0;
	}
	io_uring_prep_send(sqe, x->fds[k], buf, len, MSG_NOSIGNAL);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, ud_make(UD_KIND_SEND, k, bid, len));
	u->inflight++;
	return len;
}

static void srv_uring(struct tcp_ctx *x)
{
	struct io_uring_params p;
	struct uring_srv *u;
	int ret, err = 0;

	u = calloc(1, sizeof(*u));
	if (!u) {
		bench_record_fail(x->nc.r, "calloc", -ENOMEM);
		return;
	}
	u->x = x;
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		  IORING_SETUP_CQSIZE;
	p.cq_entries = SRV_CQ;
	ret = io_uring_queue_init_params(SRV_SQ, &u->ring, &p);
	if (ret < 0) {
		bench_record_fail(x->nc.r, "io_uring_queue_init (DEFER_TASKRUN)", ret);
		free(u);
		return;
	}
	ret = io_uring_register_files_sparse(&u->ring, MAX_CONNS);
	if (ret < 0) {
		bench_record_fail(x->nc.r, "io_uring_register_files_sparse", ret);
		goto out;
	}
	x->direct = true;
	u->br = uringkit_bufring_create(&u->ring, BGID, SRV_NR_BUFS, SRV_BUF_SIZE,
					0, &err);
	if (!u->br) {
		bench_record_fail(x->nc.r, "uringkit_bufring_create", err);
		goto out;
	}
	if (!srv_arm(u, ud_make(UD_KIND_ACCEPT, 0, 0, 0), x->lfd) ||
	    net_go(&x->nc))
		goto out;
	for (;;) {
		struct io_uring_cqe *cqes[256];
		uint64_t done = 0;
		unsigned n, i;

		if (!net_uring_wait(&x->nc, &u->ring, 1, 0))
			break;
		/* Everything that is there, then one submit for all the sends. */
		while ((n = io_uring_peek_batch_cqe(&u->ring, cqes, 256))) {
			for (i = 0; i < n; i++)
				done += srv_uring_cqe(u, cqes[i]);
			io_uring_cq_advance(&u->ring, n);
			if (u->nb) {
				ret = uringkit_bufring_recycle_n(u->br, u->bids, u->nb);
				if (ret < 0)
					bench_record_fail(x->nc.r, "uringkit_bufring_recycle_n", ret);
				u->nb = 0;
			}
		}
		if (net_tick(&x->nc, done))
			break;
	}
out:
	uring_teardown(&u->ring, &u->inflight, u->br);
	free(u);
}

struct tcp_server {
	const char *name;
	void (*run)(struct tcp_ctx *);
};

static const struct tcp_server servers[] = {
	{ "epoll", srv_epoll },
	{ "io_uring", srv_uring },
};
#define NR_SERVERS	(sizeof(servers) / sizeof(servers[0]))

static const unsigned conn_counts[] = { 50, 300, 1000 };
#define NR_COUNTS	(sizeof(conn_counts) / sizeof(conn_counts[0]))
#define NR_COUNTS_QUICK	2u

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
	int one = 1, ret;

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
	x->nc.live = conns;	/* each connection's EOF takes one off */
	x->nc.ep = -1;
	for (i = 0; i < MAX_CONNS; i++)
		x->fds[i] = -1;
	x->lfd = net_loopback_socket(SOCK_STREAM, &ca.dst, r);
	if (x->lfd < 0) {
		free(x);
		return;
	}
	/* Inherited by every accepted socket: no setsockopt per connection. */
	setsockopt(x->lfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ca.conns = conns;
	ret = child_start(&ch, x->lfd, tcp_client, &ca);
	if (ret) {
		bench_record_fail(r, "fork (client)", ret);
		close(x->lfd);
		free(x);
		return;
	}
	sv->run(x);

	/* On an error the client sees EOF or times out, then reports. */
	close(x->lfd);
	for (i = 0; i < x->accepted; i++)
		conn_close(x, i);
	ret = child_finish(&ch, &rep);
	net_cell_end(&x->nc, ret, &rep, "the server saw no end of the window");
	if (!r->err && x->nc.started) {
		r->ops = rep.win;	/* as the client counts them */
		r->window_s = o->cell_s;
		r->lat_p50_us = rep.lat_p50_us;
		r->lat_p99_us = rep.lat_p99_us;
		if (rep.win)
			r->peer_cpu_us_per_op = (double) rep.cpu_ns / 1e3 /
						(double) rep.win;
	}
	bench_record_finish(r);
	free(x);
}

struct bench_plan bench_tcp_plan(const struct bench_opts *o)
{
	return net_plan(o, (o->quick ? NR_COUNTS_QUICK : NR_COUNTS) * NR_SERVERS,
			0.05);
}

/* Both processes hold a descriptor per connection, plus a few. */
static int raise_nofile(struct bench_suite *s, unsigned need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 0;
	if (rl.rlim_cur >= need)
		return 0;
	rl.rlim_cur = need;
	if (rl.rlim_max < need)
		rl.rlim_max = need;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		s->err = -errno;
		snprintf(s->failed, sizeof(s->failed),
			 "setrlimit(RLIMIT_NOFILE, %u)", need);
		return 1;
	}
	return 0;
}

int bench_tcp(struct bench_suite *s)
{
	s->depth_name = "connections";
	if (raise_nofile(s, MAX_CONNS + 64))
		return 1;
	return net_run_cells(s, s->opts.quick ? NR_COUNTS_QUICK : NR_COUNTS,
			     NR_SERVERS, tcp_cell, NULL);
}
