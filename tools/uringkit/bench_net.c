/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench net: sockets over loopback (127.0.0.1 only).
 *
 * udp: the articles' experiment. A sender process paces 1 KiB datagrams
 *   at --rate packets/s (default 10K); one receiver at a time takes them:
 *     a  blocking recvfrom(2) loop
 *     b  epoll_wait(2) + non-blocking recvfrom(2) until EAGAIN
 *     c  io_uring recv re-armed per packet on a default ring: submit, then
 *        wait, as the articles' receiver does
 *     d  io_uring multishot recv with a provided-buffer ring, on a
 *        DEFER_TASKRUN|SINGLE_ISSUER ring, waiting for one completion
 *     e  as d with multishot recvmsg (gets the sender's address, like
 *        recvfrom)
 *     f  as d, waiting for 32 completions or 1 ms (min_wait): one wake-up
 *        per batch, at most 1 ms of added latency
 *   What counts is the receiver's CPU time over the measured window: all
 *   threads of this process (the receiving thread and any io_uring worker),
 *   never the sender, which is a forked process of its own. Loopback does
 *   the network stack's receive work in the sender's context, so this is
 *   the cost of the receiving interface itself: waking, system calls,
 *   copies.
 *
 * tcp: 64-byte request/response on 1, 8 and 32 connections. The client is
 *   one forked process with blocking sockets, the same for every server: it
 *   writes one request on every connection, then reads every response, and
 *   repeats. Servers: epoll + read/write; io_uring with a recv and a send
 *   SQE per request (default ring); io_uring multishot recv + buffer ring +
 *   send on a DEFER_TASKRUN|SINGLE_ISSUER ring. Requests/s as the client
 *   sees them, and the server's CPU per request.
 *
 * Every child is bounded in time, dies with its parent (PR_SET_PDEATHSIG)
 * and is reaped; every socket, ring and buffer is released per cell.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uringkit/bufring.h>
#include "bench.h"
#include "uringkit.h"

#define PKT_SIZE	1024u		/* UDP payload */
#define RX_BUF		2048u		/* receive buffer / provided buffer */
#define NR_BUFS		256u		/* provided buffers per ring */
#define MSG_SIZE	64u		/* TCP request and response */
#define MAX_CONNS	32u
#define BGID		0
#define POLL_MS		20		/* longest wait: loops check the clock */
#define NS		1000000000ULL
#define MS		1000000ULL

/* ---- CPU accounting over the measured window ---------------------------- */

struct cpu_sample {
	uint64_t t;		/* uk_now_ns() */
	uint64_t thr_ns;	/* this thread, user + sys */
	uint64_t proc_ns;	/* the whole process, user + sys */
	long nvcsw;		/* this thread's voluntary context switches */
};

static uint64_t ru_ns(const struct rusage *ru)
{
	return ((uint64_t) ru->ru_utime.tv_sec + (uint64_t) ru->ru_stime.tv_sec) * NS +
	       ((uint64_t) ru->ru_utime.tv_usec + (uint64_t) ru->ru_stime.tv_usec) * 1000;
}

static void cpu_sample(struct cpu_sample *s)
{
	struct rusage thr, proc;

	getrusage(RUSAGE_THREAD, &thr);
	getrusage(RUSAGE_SELF, &proc);
	s->t = uk_now_ns();
	s->thr_ns = ru_ns(&thr);
	s->proc_ns = ru_ns(&proc);
	s->nvcsw = thr.ru_nvcsw;
}

/*
 * The receiver's or server's view of the window: CPU is sampled at the
 * first wake-up at or after its start and end, and work (packets or
 * requests) counted between those two samples.
 */
struct meter {
	uint64_t wstart, wend;
	int phase;		/* 0 warm-up, 1 measuring, 2 after */
	struct cpu_sample s0, s1;
	uint64_t total, win;
};

/* Count n units of work just done; returns the time now. */
static uint64_t meter_tick(struct meter *m, uint64_t n)
{
	uint64_t now = uk_now_ns();

	m->total += n;
	if (m->phase == 1)
		m->win += n;
	if (m->phase == 0 && now >= m->wstart) {
		cpu_sample(&m->s0);
		m->phase = 1;
	} else if (m->phase == 1 && now >= m->wend) {
		cpu_sample(&m->s1);
		m->phase = 2;
	}
	return now;
}

static struct __kernel_timespec ms_ts(long ms)
{
	struct __kernel_timespec ts = { .tv_sec = ms / 1000,
					.tv_nsec = (ms % 1000) * 1000000L };
	return ts;
}

/* ---- children ----------------------------------------------------------- */

/* Sent by the parent when the receiver or server is ready. */
struct go_msg {
	uint64_t t0, wstart, wend, tstop;
};

/* Sent back by a child just before it exits. */
struct child_report {
	uint64_t count;		/* UDP: datagrams sent; TCP: requests done */
	uint64_t win;		/* TCP: requests completed in the window */
	int err;
	char failed[48];
};

struct child {
	pid_t pid;
	int go_w;		/* parent writes struct go_msg */
	int res_r;		/* parent reads struct child_report */
};

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR && !uk_interrupted)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		p += n;
		len -= (size_t) n;
	}
	return 0;
}

static void child_exit(int res_w, struct child_report *r)
{
	ssize_t n = write(res_w, r, sizeof(*r));

	(void) n;
	_exit(0);
}

static void child_fail(int res_w, struct child_report *r, const char *what,
		       int err)
{
	r->err = err < 0 ? err : -EIO;
	snprintf(r->failed, sizeof(r->failed), "%s", what);
	child_exit(res_w, r);
}

/*
 * Fork a child that runs fn(arg, go_r, res_w) and never returns. The
 * child keeps only its ends of the two pipes (plus keep_fd closed: the
 * parent's socket).
 */
static int child_start(struct child *ch, int close_fd,
		       void (*fn)(void *arg, int go_r, int res_w), void *arg)
{
	int go[2], res[2];
	pid_t parent = getpid();

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(res, O_CLOEXEC)) {
		int err = -errno;

		close(go[0]);
		close(go[1]);
		return err;
	}
	ch->pid = fork();
	if (ch->pid < 0) {
		int err = -errno;

		close(go[0]);
		close(go[1]);
		close(res[0]);
		close(res[1]);
		return err;
	}
	if (ch->pid == 0) {
		/* Dies with the parent, however the parent ends. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(go[1]);
		close(res[0]);
		if (close_fd >= 0)
			close(close_fd);
		fn(arg, go[0], res[1]);
		_exit(0);
	}
	close(go[0]);
	close(res[1]);
	ch->go_w = go[1];
	ch->res_r = res[0];
	return 0;
}

/*
 * Collect the child's report and reap it. A child that never got its go
 * message sees the pipe closed and exits at once; one that does not
 * report within its time is killed.
 */
static int child_finish(struct child *ch, struct child_report *r)
{
	struct pollfd pfd = { .fd = ch->res_r, .events = POLLIN };
	int ret, status;

	if (ch->go_w >= 0) {
		close(ch->go_w);
		ch->go_w = -1;
	}
	memset(r, 0, sizeof(*r));
	ret = poll(&pfd, 1, 5000);
	if (ret == 1)
		ret = read_full(ch->res_r, r, sizeof(*r));
	else
		ret = -ETIMEDOUT;
	if (ret)
		kill(ch->pid, SIGKILL);
	while (waitpid(ch->pid, &status, 0) < 0 && errno == EINTR)
		;
	close(ch->res_r);
	return ret;
}

static int send_go(struct child *ch, const struct go_msg *g)
{
	ssize_t n = write(ch->go_w, g, sizeof(*g));

	return n == (ssize_t) sizeof(*g) ? 0 : -EPIPE;
}

/* ---- UDP: the sender ------------------------------------------------------ */

struct udp_sender_arg {
	struct sockaddr_in dst;
	unsigned rate;
};

static void udp_sender(void *varg, int go_r, int res_w)
{
	const struct udp_sender_arg *a = varg;
	struct child_report r;
	struct go_msg g;
	char payload[PKT_SIZE];
	uint64_t interval, next, seq = 0;
	int fd;

	memset(&r, 0, sizeof(r));
	memset(payload, 'u', sizeof(payload));
	/* Wake-ups on time: the pacing is the experiment. */
	prctl(PR_SET_TIMERSLACK, 1UL);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		child_fail(res_w, &r, "sender socket", -errno);
	if (connect(fd, (const struct sockaddr *) &a->dst, sizeof(a->dst)))
		child_fail(res_w, &r, "sender connect", -errno);
	if (read_full(go_r, &g, sizeof(g)))
		child_exit(res_w, &r);	/* the receiver could not start */

	interval = NS / a->rate;
	next = g.t0;
	while (!uk_interrupted) {
		uint64_t now = uk_now_ns();

		if (now >= g.tstop)
			break;
		if (next > now) {
			struct timespec ts = { .tv_sec = (time_t) (next / NS),
					       .tv_nsec = (long) (next % NS) };

			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
			continue;
		}
		/* Fell behind (descheduled): catch up at most 2 ms worth. */
		if (now - next > 2 * MS)
			next = now - 2 * MS;
		memcpy(payload, &seq, sizeof(seq));
		if (send(fd, payload, sizeof(payload), 0) != (ssize_t) sizeof(payload)) {
			if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN)
				continue;
			child_fail(res_w, &r, "sender send", -errno);
		}
		seq++;
		r.count++;
		next += interval;
	}
	close(fd);
	child_exit(res_w, &r);
}

/* ---- UDP: the receivers --------------------------------------------------- */

struct udp_ctx {
	const struct bench_opts *o;
	int fd;
	struct child *sender;
	struct meter m;
	uint64_t tdone;		/* receive until then (sender stopped before) */
	bool started;
	struct cell *c;
	unsigned char buf[RX_BUF];
};

/* Everything is set up: let the sender start. */
static int udp_go(struct udp_ctx *x)
{
	struct go_msg g;

	g.t0 = uk_now_ns() + MS;
	g.wstart = g.t0 + (uint64_t) (x->o->warm_s * 1e9);
	g.wend = g.wstart + (uint64_t) (x->o->cell_s * 1e9);
	g.tstop = g.wend + 20 * MS;
	x->m.wstart = g.wstart;
	x->m.wend = g.wend;
	x->tdone = g.tstop + 60 * MS;
	if (send_go(x->sender, &g))
		return cell_fail(x->c, "starting the sender", -EPIPE);
	x->started = true;
	return 0;
}

static bool udp_done(const struct udp_ctx *x, uint64_t now)
{
	return now >= x->tdone || uk_interrupted || x->c->err;
}

static void rx_blocking(struct udp_ctx *x)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = POLL_MS * 1000 };

	if (setsockopt(x->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		cell_fail(x->c, "setsockopt(SO_RCVTIMEO)", -errno);
		return;
	}
	if (udp_go(x))
		return;
	for (;;) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(x->fd, x->buf, RX_BUF, 0,
				     (struct sockaddr *) &from, &flen);

		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			cell_fail(x->c, "recvfrom", -errno);
			break;
		}
		if (n >= 0 && n != (ssize_t) PKT_SIZE) {
			cell_fail(x->c, "recvfrom: short datagram", -EIO);
			break;
		}
		if (udp_done(x, meter_tick(&x->m, n > 0)))
			break;
	}
}

static void rx_epoll(struct udp_ctx *x)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep, fl;

	fl = fcntl(x->fd, F_GETFL);
	if (fl < 0 || fcntl(x->fd, F_SETFL, fl | O_NONBLOCK)) {
		cell_fail(x->c, "fcntl(O_NONBLOCK)", -errno);
		return;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		cell_fail(x->c, "epoll_create1", -errno);
		return;
	}
	if (epoll_ctl(ep, EPOLL_CTL_ADD, x->fd, &ev)) {
		cell_fail(x->c, "epoll_ctl", -errno);
		close(ep);
		return;
	}
	if (udp_go(x)) {
		close(ep);
		return;
	}
	for (;;) {
		int n = epoll_wait(ep, &ev, 1, POLL_MS);
		uint64_t got = 0;

		if (n < 0 && errno != EINTR) {
			cell_fail(x->c, "epoll_wait", -errno);
			break;
		}
		while (n > 0) {
			struct sockaddr_storage from;
			socklen_t flen = sizeof(from);
			ssize_t r = recvfrom(x->fd, x->buf, RX_BUF, 0,
					     (struct sockaddr *) &from, &flen);

			if (r < 0) {
				if (errno == EINTR)
					continue;
				if (errno != EAGAIN)
					cell_fail(x->c, "recvfrom", -errno);
				break;
			}
			if (r != (ssize_t) PKT_SIZE) {
				cell_fail(x->c, "recvfrom: short datagram", -EIO);
				break;
			}
			got++;
		}
		if (udp_done(x, meter_tick(&x->m, got)))
			break;
	}
	close(ep);
}

#define UD_RECV		1ULL
#define UD_CANCEL	2ULL

/*
 * Cancel whatever is still in flight on ring and reap it, so no request
 * can touch a buffer after it is released. inflight counts requests whose
 * last CQE (the one without IORING_CQE_F_MORE) has not been seen.
 * Bounded to one second.
 */
static void uring_drain(struct io_uring *ring, unsigned *inflight)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	uint64_t deadline = uk_now_ns() + NS;
	bool cancel_done = true;

	if (*inflight && sqe) {
		io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
		io_uring_sqe_set_data64(sqe, UD_CANCEL);
		cancel_done = false;
	}
	while ((*inflight || !cancel_done) && uk_now_ns() < deadline) {
		struct __kernel_timespec ts = ms_ts(50);
		struct io_uring_cqe *cqe;
		int ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts,
							   NULL);

		if (ret < 0 && ret != -ETIME && ret != -EINTR)
			break;
		while (io_uring_peek_cqe(ring, &cqe) == 0) {
			if (cqe->user_data == UD_CANCEL)
				cancel_done = true;
			else if (!(cqe->flags & IORING_CQE_F_MORE) && *inflight)
				(*inflight)--;
			io_uring_cqe_seen(ring, cqe);
		}
	}
}

/*
 * End a cell's ring: cancel and reap what is in flight, then release the
 * ring and its buffer ring (br may be NULL). A buffer ring the kernel may
 * still write into is freed only after the ring's exit, when the kernel
 * holds nothing of it any more.
 */
static void uring_teardown(struct io_uring *ring, unsigned *inflight,
			   struct uringkit_bufring *br)
{
	uring_drain(ring, inflight);
	if (br && !*inflight) {
		uringkit_bufring_free(br);
		br = NULL;
	}
	io_uring_queue_exit(ring);
	if (br)
		uringkit_bufring_free(br);
}

/* c: the articles' receiver. One recv per packet, submitted, then waited for. */
static void rx_uring_rearm(struct udp_ctx *x)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	unsigned inflight = 0;
	int ret;

	ret = io_uring_queue_init(8, &ring, 0);
	if (ret < 0) {
		cell_fail(x->c, "io_uring_queue_init", ret);
		return;
	}
	if (udp_go(x))
		goto out;
	for (;;) {
		struct __kernel_timespec ts = ms_ts(POLL_MS);
		struct io_uring_cqe *cqe;
		uint64_t got = 0;

		if (!inflight) {
			sqe = io_uring_get_sqe(&ring);
			io_uring_prep_recv(sqe, x->fd, x->buf, RX_BUF, 0);
			io_uring_sqe_set_data64(sqe, UD_RECV);
			ret = io_uring_submit(&ring);
			if (ret != 1) {
				cell_fail(x->c, "io_uring_submit", ret < 0 ? ret : -EAGAIN);
				break;
			}
			inflight = 1;
		}
		ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
		if (ret < 0 && ret != -ETIME && ret != -EINTR) {
			cell_fail(x->c, "io_uring_wait_cqe_timeout", ret);
			break;
		}
		if (ret == 0) {
			int res = cqe->res;

			io_uring_cqe_seen(&ring, cqe);
			inflight = 0;
			if (res != (int) PKT_SIZE) {
				cell_fail(x->c, res < 0 ? "recv completion" :
					  "recv: short datagram", res < 0 ? res : -EIO);
				break;
			}
			got = 1;
		}
		if (udp_done(x, meter_tick(&x->m, got)))
			break;
	}
out:
	uring_teardown(&ring, &inflight, NULL);
}

/* d, e, f: multishot recv or recvmsg into a provided-buffer ring. */
struct mshot_kind {
	bool msg;		/* recvmsg (with the source address) */
	unsigned wait_nr;	/* completions to wait for */
	unsigned min_wait_us;	/* with wait_nr > 1: the batch's latency cap */
};

static void rx_uring_mshot(struct udp_ctx *x, const struct mshot_kind *k)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct uringkit_bufring *br = NULL;
	struct msghdr tmpl;
	unsigned inflight = 0;
	int ret, err = 0;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	ret = io_uring_queue_init_params(8, &ring, &p);
	if (ret < 0) {
		cell_fail(x->c, "io_uring_queue_init (DEFER_TASKRUN)", ret);
		return;
	}
	if (k->wait_nr > 1 && !(ring.features & IORING_FEAT_MIN_TIMEOUT)) {
		cell_fail(x->c, "min_wait (IORING_FEAT_MIN_TIMEOUT, 6.12)", -EOPNOTSUPP);
		goto out;
	}
	br = uringkit_bufring_create(&ring, BGID, NR_BUFS, RX_BUF, 0, &err);
	if (!br) {
		cell_fail(x->c, "uringkit_bufring_create", err);
		goto out;
	}
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.msg_namelen = sizeof(struct sockaddr_in);
	if (udp_go(x))
		goto out;
	for (;;) {
		struct __kernel_timespec ts = ms_ts(POLL_MS);
		struct io_uring_cqe *cqes[64], *cqe;
		unsigned bids[64], nb = 0, n, i;
		uint64_t got = 0;

		if (!inflight) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			if (k->msg)
				io_uring_prep_recvmsg_multishot(sqe, x->fd, &tmpl, 0);
			else
				io_uring_prep_recv_multishot(sqe, x->fd, NULL, 0, 0);
			sqe->flags |= IOSQE_BUFFER_SELECT;
			sqe->buf_group = BGID;
			io_uring_sqe_set_data64(sqe, UD_RECV);
			inflight = 1;
		}
		if (k->wait_nr > 1)
			ret = io_uring_submit_and_wait_min_timeout(&ring, &cqe,
					k->wait_nr, &ts, k->min_wait_us, NULL);
		else
			ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1,
							       &ts, NULL);
		if (ret < 0 && ret != -ETIME && ret != -EINTR) {
			cell_fail(x->c, "io_uring_submit_and_wait_timeout", ret);
			break;
		}
		n = io_uring_peek_batch_cqe(&ring, cqes, 64);
		for (i = 0; i < n && !x->c->err; i++) {
			unsigned bid, len;
			void *buf;

			cqe = cqes[i];
			buf = uringkit_bufring_cqe_buf(br, cqe, &bid, &len);
			if (buf)
				bids[nb++] = bid;
			if (!(cqe->flags & IORING_CQE_F_MORE)) {
				inflight = 0;
				/* Out of buffers: the data waits; re-armed below. */
				if (cqe->res == -ENOBUFS)
					continue;
				if (cqe->res < 0) {
					cell_fail(x->c, k->msg ? "recvmsg multishot" :
						  "recv multishot", cqe->res);
					continue;
				}
			}
			if (!buf) {
				cell_fail(x->c, "multishot CQE without a buffer", -EIO);
				continue;
			}
			if (k->msg) {
				struct io_uring_recvmsg_out *mo =
					io_uring_recvmsg_validate(buf, cqe->res, &tmpl);

				if (!mo || io_uring_recvmsg_payload_length(mo,
						cqe->res, &tmpl) != PKT_SIZE ||
				    (mo->flags & MSG_TRUNC))
					len = 0;
				else
					len = PKT_SIZE;
			}
			if (len != PKT_SIZE) {
				cell_fail(x->c, "multishot: short datagram", -EIO);
				continue;
			}
			got++;
		}
		io_uring_cq_advance(&ring, n);
		/* Hand the buffers back with one tail update. */
		if (nb) {
			ret = uringkit_bufring_recycle_n(br, bids, nb);
			if (ret < 0)
				cell_fail(x->c, "uringkit_bufring_recycle_n", ret);
		}
		if (udp_done(x, meter_tick(&x->m, got)))
			break;
	}
out:
	uring_teardown(&ring, &inflight, br);
}

static const struct mshot_kind mshot_recv = { false, 1, 0 };
static const struct mshot_kind mshot_recvmsg = { true, 1, 0 };
static const struct mshot_kind mshot_batch = { false, 32, 1000 };

static void rx_mshot_recv(struct udp_ctx *x)
{
	rx_uring_mshot(x, &mshot_recv);
}

static void rx_mshot_recvmsg(struct udp_ctx *x)
{
	rx_uring_mshot(x, &mshot_recvmsg);
}

static void rx_mshot_batch(struct udp_ctx *x)
{
	rx_uring_mshot(x, &mshot_batch);
}

struct udp_receiver {
	const char *name;	/* bars */
	const char *title;	/* table */
	void (*run)(struct udp_ctx *);
};

static const struct udp_receiver receivers[] = {
	{ "blocking", "a blocking recvfrom", rx_blocking },
	{ "epoll", "b epoll + recvfrom", rx_epoll },
	{ "uring re-armed", "c io_uring recv, re-armed", rx_uring_rearm },
	{ "uring multishot", "d io_uring multishot recv", rx_mshot_recv },
	{ "uring mshot recvmsg", "e io_uring mshot recvmsg", rx_mshot_recvmsg },
	{ "uring mshot batched", "f io_uring mshot, batched", rx_mshot_batch },
};
#define NR_RECEIVERS	(sizeof(receivers) / sizeof(receivers[0]))

struct udp_result {
	struct cell c;		/* ops: packets in the window */
	uint64_t sent, received;
	double cpu_pct;		/* all threads of the receiving process */
	double wrk_pct;		/* the part not on the receiving thread */
	double us_per_pkt;
	double wake_per_pkt;
};

static void udp_cell(const struct bench_opts *o, const struct udp_receiver *rv,
		     struct udp_result *r)
{
	struct udp_sender_arg sa;
	struct child_report rep;
	struct child ch;
	struct udp_ctx *x;
	socklen_t alen = sizeof(sa.dst);
	int ret;

	r->c.engine = rv->name;
	x = calloc(1, sizeof(*x));
	if (!x) {
		cell_fail(&r->c, "calloc", -ENOMEM);
		return;
	}
	x->o = o;
	x->c = &r->c;
	x->sender = &ch;
	x->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (x->fd < 0) {
		cell_fail(&r->c, "socket", -errno);
		free(x);
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.dst.sin_family = AF_INET;
	sa.dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.rate = o->net_rate;
	if (bind(x->fd, (struct sockaddr *) &sa.dst, sizeof(sa.dst)) ||
	    getsockname(x->fd, (struct sockaddr *) &sa.dst, &alen)) {
		cell_fail(&r->c, "bind 127.0.0.1", -errno);
		close(x->fd);
		free(x);
		return;
	}
	ret = child_start(&ch, x->fd, udp_sender, &sa);
	if (ret) {
		cell_fail(&r->c, "fork (sender)", ret);
		close(x->fd);
		free(x);
		return;
	}

	rv->run(x);

	ret = child_finish(&ch, &rep);
	close(x->fd);
	if (ret)
		cell_fail(&r->c, "the sender did not report", ret);
	else if (rep.err)
		cell_fail(&r->c, rep.failed, rep.err);
	if (!r->c.err && x->started && x->m.phase != 2)
		cell_fail(&r->c, "no packet after the window's end", -ETIME);
	if (!r->c.err && x->started && !x->m.win)
		cell_fail(&r->c, "no packet received in the window", -ETIME);
	if (!r->c.err && x->started) {
		const struct meter *m = &x->m;
		double wall = (double) (m->s1.t - m->s0.t);
		double thr = (double) (m->s1.thr_ns - m->s0.thr_ns);
		double proc = (double) (m->s1.proc_ns - m->s0.proc_ns);

		r->sent = rep.count;
		r->received = m->total;
		r->c.ops = m->win;
		r->c.window_s = wall / 1e9;
		if (proc < thr)
			proc = thr;
		r->cpu_pct = proc / wall * 100;
		r->wrk_pct = (proc - thr) / wall * 100;
		if (m->win) {
			r->us_per_pkt = proc / 1e3 / (double) m->win;
			r->wake_per_pkt = (double) (m->s1.nvcsw - m->s0.nvcsw) /
					  (double) m->win;
		}
	}
	cell_finish(&r->c);
	if (!r->c.err)
		r->c.ns_per_op = r->us_per_pkt * 1e3;
	free(x);
}

static double udp_value(const struct cell *c)
{
	return c->ns_per_op;
}

static const char *cell_label(const struct cell *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s", c->engine);
	return buf;
}

static void print_err(const struct cell *c)
{
	printf("error: %s: %s (%s)\n", c->failed, uk_errname(c->err),
	       strerror(-c->err));
}

/*
 * A cell's time is split into rounds of about half a second, run
 * interleaved (every receiver once, then again in reverse order, ...), and
 * each number reported is the median over the rounds: on a shared machine
 * the background load changes from second to second, and this spreads it
 * over all columns instead of charging it to whichever ran at that moment.
 */
#define MAX_ROUNDS	16u

static unsigned rounds_for(const struct bench_opts *o, struct bench_opts *ro)
{
	unsigned n = o->cell_s >= 1.0 ? (unsigned) (o->cell_s / 0.5 + 0.5) : 1;

	if (n > MAX_ROUNDS)
		n = MAX_ROUNDS;
	*ro = *o;
	ro->cell_s = o->cell_s / n;
	if (n > 1 && ro->warm_s > 0.1)
		ro->warm_s = 0.1;
	return n;
}

/* Index of the k-th cell run in round r: reversed every other round. */
static size_t round_order(unsigned r, size_t k, size_t n)
{
	return r % 2 ? n - 1 - k : k;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The first failed round's error, or 0. */
static int first_error(struct cell *dst, const struct cell *src)
{
	if (src->err && !dst->err) {
		dst->err = src->err;
		memcpy(dst->failed, src->failed, sizeof(dst->failed));
	}
	return dst->err;
}

static void udp_aggregate(struct udp_result *dst, struct udp_result *rs,
			  unsigned n)
{
	double cpu[MAX_ROUNDS], wrk[MAX_ROUNDS], us[MAX_ROUNDS], wk[MAX_ROUNDS];
	unsigned r;

	dst->c.engine = rs[0].c.engine;
	for (r = 0; r < n; r++)
		if (first_error(&dst->c, &rs[r].c))
			return;
	for (r = 0; r < n; r++) {
		dst->sent += rs[r].sent;
		dst->received += rs[r].received;
		dst->c.ops += rs[r].c.ops;
		dst->c.window_s += rs[r].c.window_s;
		cpu[r] = rs[r].cpu_pct;
		wrk[r] = rs[r].wrk_pct;
		us[r] = rs[r].us_per_pkt;
		wk[r] = rs[r].wake_per_pkt;
	}
	dst->cpu_pct = median(cpu, n);
	dst->wrk_pct = median(wrk, n);
	dst->us_per_pkt = median(us, n);
	dst->wake_per_pkt = median(wk, n);
	dst->c.iops = (double) dst->c.ops / dst->c.window_s;
	dst->c.ns_per_op = dst->us_per_pkt * 1e3;
}

static int bench_udp(const struct bench_opts *o)
{
	struct udp_result res[NR_RECEIVERS], *all;
	struct cell cells[NR_RECEIVERS];
	struct bench_opts ro;
	unsigned rounds = rounds_for(o, &ro), rd;
	const char *mu = o->ascii ? "x" : "\u00d7";
	const char *us = o->ascii ? "us" : "\u00b5s";
	const struct udp_result *base = &res[0];
	char hdr[32];
	size_t i;

	memset(res, 0, sizeof(res));
	all = calloc(MAX_ROUNDS * NR_RECEIVERS, sizeof(*all));
	if (!all)
		return 1;
	printf("net udp: 1 KiB datagrams at %u packets/s over 127.0.0.1, "
	       "%.2f s measured per receiver\n", o->net_rate, o->cell_s);
	if (rounds > 1)
		printf("  (%u rounds of %.2f s, interleaved; medians over the "
		       "rounds)\n", rounds, ro.cell_s);
	printf("  CPU: the receiving process (its thread + any io_uring "
	       "worker), user + sys;\n  the sender is a separate process "
	       "and not counted\n\n");
	for (rd = 0; rd < rounds && !uk_interrupted; rd++)
		for (i = 0; i < NR_RECEIVERS && !uk_interrupted; i++) {
			size_t k = round_order(rd, i, NR_RECEIVERS);

			udp_cell(&ro, &receivers[k], &all[k * MAX_ROUNDS + rd]);
		}
	if (uk_interrupted) {
		free(all);
		return 1;
	}
	for (i = 0; i < NR_RECEIVERS; i++)
		udp_aggregate(&res[i], &all[i * MAX_ROUNDS], rounds);
	free(all);

	snprintf(hdr, sizeof(hdr), "%s CPU/pkt", us);
	printf("  %-27s %8s %8s %6s %7s %7s %11s %9s %10s\n", "receiver",
	       "sent", "received", "lost", "CPU %", "wrk %", hdr, "wake/pkt",
	       "vs a");
	for (i = 0; i < NR_RECEIVERS; i++) {
		const struct udp_result *r = &res[i];

		printf("  %-27s ", receivers[i].title);
		if (r->c.err) {
			print_err(&r->c);
			continue;
		}
		printf("%8llu %8llu %6lld %7.2f %7.2f %11.2f %9.2f",
		       (unsigned long long) r->sent,
		       (unsigned long long) r->received,
		       (long long) r->sent - (long long) r->received,
		       r->cpu_pct, r->wrk_pct, r->us_per_pkt, r->wake_per_pkt);
		if (i && !base->c.err && base->us_per_pkt > 0)
			printf(" %9.2f%s\n", r->us_per_pkt / base->us_per_pkt, mu);
		else
			printf(" %10s\n", "-");
	}
	printf("  (wrk %%: CPU of this process outside the receiving thread, "
	       "i.e. io_uring workers;\n   wake/pkt: the receiving thread's "
	       "voluntary context switches per packet;\n   vs a: CPU per "
	       "packet against the blocking receiver, lower is better)\n");
	printf("  c is the articles' design (default ring, one recv per "
	       "packet, submit then wait);\n  d-f use a provided-buffer ring "
	       "on a DEFER_TASKRUN|SINGLE_ISSUER ring; f waits for 32\n"
	       "  completions or 1 ms (min_wait), trading up to 1 ms of "
	       "latency for fewer wake-ups.\n  a, b and e learn each "
	       "sender's address; c, d and f do not.\n\n");

	for (i = 0; i < NR_RECEIVERS; i++)
		cells[i] = res[i].c;
	print_bars("CPU ns per packet (shorter is better)", cells,
		   NR_RECEIVERS, udp_value, cell_label, " ns", o->ascii);
	printf("\n");
	return 0;
}

/* ---- TCP: the client ----------------------------------------------------- */

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
	if (read_full(go_r, &g, sizeof(g)))
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

struct tcp_ctx {
	const struct bench_opts *o;
	struct child *client;
	int fds[MAX_CONNS];
	unsigned conns, live;
	struct meter m;
	uint64_t tdeadline;
	bool started;
	struct cell *c;
	unsigned char bufs[MAX_CONNS][RX_BUF];
};

static int tcp_go(struct tcp_ctx *x)
{
	struct go_msg g;

	g.t0 = uk_now_ns() + MS;
	g.wstart = g.t0 + (uint64_t) (x->o->warm_s * 1e9);
	g.wend = g.wstart + (uint64_t) (x->o->cell_s * 1e9);
	g.tstop = g.wend;
	x->m.wstart = g.wstart;
	x->m.wend = g.wend;
	x->tdeadline = g.wend + 3 * NS;
	if (send_go(x->client, &g))
		return cell_fail(x->c, "starting the client", -EPIPE);
	x->started = true;
	return 0;
}

/* Returns true when the server should stop. */
static bool tcp_done(struct tcp_ctx *x, uint64_t now)
{
	if (!x->live || uk_interrupted || x->c->err)
		return true;
	if (now >= x->tdeadline) {
		cell_fail(x->c, "the client did not finish", -ETIMEDOUT);
		return true;
	}
	return false;
}

static void conn_close(struct tcp_ctx *x, unsigned i)
{
	if (x->fds[i] >= 0) {
		close(x->fds[i]);
		x->fds[i] = -1;
		x->live--;
	}
}

static void srv_epoll(struct tcp_ctx *x)
{
	struct epoll_event evs[MAX_CONNS];
	unsigned i;
	int ep;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		cell_fail(x->c, "epoll_create1", -errno);
		return;
	}
	for (i = 0; i < x->conns; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
		int fl = fcntl(x->fds[i], F_GETFL);

		if (fl < 0 || fcntl(x->fds[i], F_SETFL, fl | O_NONBLOCK) ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, x->fds[i], &ev)) {
			cell_fail(x->c, "epoll_ctl", -errno);
			close(ep);
			return;
		}
	}
	if (tcp_go(x)) {
		close(ep);
		return;
	}
	for (;;) {
		int n = epoll_wait(ep, evs, MAX_CONNS, POLL_MS), j;
		uint64_t done = 0;

		if (n < 0 && errno != EINTR) {
			cell_fail(x->c, "epoll_wait", -errno);
			break;
		}
		for (j = 0; j < n; j++) {
			unsigned k = evs[j].data.u32;
			ssize_t r = read(x->fds[k], x->bufs[k], RX_BUF);

			if (r == 0) {
				conn_close(x, k);	/* also leaves the epoll set */
				continue;
			}
			if (r < 0) {
				if (errno == EAGAIN || errno == EINTR)
					continue;
				cell_fail(x->c, "read", -errno);
				break;
			}
			if (send(x->fds[k], x->bufs[k], (size_t) r, MSG_NOSIGNAL) != r) {
				cell_fail(x->c, "write", errno ? -errno : -EIO);
				break;
			}
			done += (uint64_t) r;
		}
		if (tcp_done(x, meter_tick(&x->m, done / MSG_SIZE)))
			break;
	}
	close(ep);
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
		cell_fail(x->c, "io_uring_queue_init", ret);
		return;
	}
	for (i = 0; i < x->conns; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_recv(sqe, x->fds[i], x->bufs[i], RX_BUF, 0);
		io_uring_sqe_set_data64(sqe, ud_make(UD_KIND_RECV, i, 0, 0));
		inflight++;
	}
	if (tcp_go(x))
		goto out;
	for (;;) {
		struct __kernel_timespec ts = ms_ts(POLL_MS);
		struct io_uring_cqe *cqes[2 * MAX_CONNS], *cqe;
		uint64_t done = 0;
		unsigned n;

		ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts, NULL);
		if (ret < 0 && ret != -ETIME && ret != -EINTR) {
			cell_fail(x->c, "io_uring_submit_and_wait_timeout", ret);
			break;
		}
		n = io_uring_peek_batch_cqe(&ring, cqes, 2 * MAX_CONNS);
		for (i = 0; i < n; i++) {
			uint64_t ud = cqes[i]->user_data;
			unsigned k = UD_CONN(ud);
			int res = cqes[i]->res;
			struct io_uring_sqe *sqe;

			inflight--;
			if (x->c->err)
				continue;
			if (UD_KIND(ud) == UD_KIND_RECV && res == 0) {
				conn_close(x, k);
				continue;
			}
			if (res <= 0) {
				cell_fail(x->c, UD_KIND(ud) == UD_KIND_RECV ?
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
					cell_fail(x->c, "send: short write", -EIO);
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
		if (tcp_done(x, meter_tick(&x->m, done / MSG_SIZE)))
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
		cell_fail(x->c, "io_uring_queue_init (DEFER_TASKRUN)", ret);
		return;
	}
	br = uringkit_bufring_create(&ring, BGID, NR_BUFS, RX_BUF, 0, &err);
	if (!br) {
		cell_fail(x->c, "uringkit_bufring_create", err);
		goto out;
	}
	for (i = 0; i < x->conns; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_recv_multishot(sqe, x->fds[i], NULL, 0, 0);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = BGID;
		io_uring_sqe_set_data64(sqe, ud_make(UD_KIND_RECV, i, 0, 0));
		inflight++;
	}
	if (tcp_go(x))
		goto out;
	for (;;) {
		struct __kernel_timespec ts = ms_ts(POLL_MS);
		struct io_uring_cqe *cqes[4 * MAX_CONNS], *cqe;
		unsigned bids[4 * MAX_CONNS], nb = 0, n;
		uint64_t done = 0;

		ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts, NULL);
		if (ret < 0 && ret != -ETIME && ret != -EINTR) {
			cell_fail(x->c, "io_uring_submit_and_wait_timeout", ret);
			break;
		}
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
				if (!x->c->err && q->res != (int) UD_LEN(ud))
					cell_fail(x->c, q->res < 0 ? "send completion" :
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
				if (q->res == -ENOBUFS && !x->c->err &&
				    x->fds[k] >= 0) {
					/* Buffers come back with the sends: re-arm. */
					sqe = io_uring_get_sqe(&ring);
					io_uring_prep_recv_multishot(sqe, x->fds[k],
								     NULL, 0, 0);
					sqe->flags |= IOSQE_BUFFER_SELECT;
					sqe->buf_group = BGID;
					io_uring_sqe_set_data64(sqe, ud);
					inflight++;
					continue;
				}
				if (q->res < 0 && !x->c->err)
					cell_fail(x->c, "recv multishot", q->res);
			}
			if (!buf) {
				if (!x->c->err)
					cell_fail(x->c, "multishot CQE without a buffer",
						  -EIO);
				continue;
			}
			if (x->c->err || x->fds[k] < 0) {
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
			if (ret < 0 && !x->c->err)
				cell_fail(x->c, "uringkit_bufring_recycle_n", ret);
		}
		if (tcp_done(x, meter_tick(&x->m, done / MSG_SIZE)))
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

struct tcp_result {
	struct cell c;		/* depth: connections; iops: requests/s */
	double cpu_pct;
	double us_per_req;
};

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
		x->live++;
	}
	return 0;
}

static void tcp_cell(const struct bench_opts *o, const struct tcp_server *sv,
		     unsigned conns, struct tcp_result *r)
{
	struct tcp_client_arg ca;
	struct child_report rep;
	struct child ch;
	struct tcp_ctx *x;
	socklen_t alen = sizeof(ca.dst);
	unsigned i;
	int lfd, ret;

	r->c.engine = sv->name;
	r->c.depth = conns;
	x = calloc(1, sizeof(*x));
	if (!x) {
		cell_fail(&r->c, "calloc", -ENOMEM);
		return;
	}
	x->o = o;
	x->c = &r->c;
	x->client = &ch;
	for (i = 0; i < MAX_CONNS; i++)
		x->fds[i] = -1;
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0) {
		cell_fail(&r->c, "socket", -errno);
		free(x);
		return;
	}
	memset(&ca, 0, sizeof(ca));
	ca.dst.sin_family = AF_INET;
	ca.dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ca.conns = conns;
	if (bind(lfd, (struct sockaddr *) &ca.dst, sizeof(ca.dst)) ||
	    getsockname(lfd, (struct sockaddr *) &ca.dst, &alen) ||
	    listen(lfd, (int) MAX_CONNS)) {
		cell_fail(&r->c, "bind/listen 127.0.0.1", -errno);
		close(lfd);
		free(x);
		return;
	}
	ret = child_start(&ch, lfd, tcp_client, &ca);
	if (ret) {
		cell_fail(&r->c, "fork (client)", ret);
		close(lfd);
		free(x);
		return;
	}
	ret = accept_n(lfd, x, conns);
	close(lfd);
	if (ret)
		cell_fail(&r->c, "accept", ret);
	else
		sv->run(x);

	/* On an error the client sees EOF or times out, then reports. */
	for (i = 0; i < x->conns; i++)
		conn_close(x, i);
	ret = child_finish(&ch, &rep);
	if (!r->c.err && ret)
		cell_fail(&r->c, "the client did not report", ret);
	else if (!r->c.err && rep.err)
		cell_fail(&r->c, rep.failed, rep.err);
	if (!r->c.err && x->started && x->m.phase != 2)
		cell_fail(&r->c, "the server saw no end of the window", -ETIME);
	if (!r->c.err && x->started) {
		const struct meter *m = &x->m;
		double wall = (double) (m->s1.t - m->s0.t);
		double proc = (double) (m->s1.proc_ns - m->s0.proc_ns);

		r->c.ops = rep.win;
		r->c.window_s = o->cell_s;
		r->cpu_pct = proc / wall * 100;
		if (m->win)
			r->us_per_req = proc / 1e3 / (double) m->win;
	}
	cell_finish(&r->c);
	free(x);
}

static double tcp_value(const struct cell *c)
{
	return c->iops;
}

static void print_vs(const struct tcp_result *r, const struct tcp_result *b,
		     bool cpu, const char *mu)
{
	if (r->c.err || b->c.err || (cpu && b->us_per_req <= 0))
		printf(" %9s", "n/a");
	else if (cpu)
		printf(" %8.2f%s", r->us_per_req / b->us_per_req, mu);
	else
		printf(" %8.2f%s", r->c.iops / b->c.iops, mu);
}

static void tcp_aggregate(struct tcp_result *dst, struct tcp_result *rs,
			  unsigned n)
{
	double rps[MAX_ROUNDS], cpu[MAX_ROUNDS], us[MAX_ROUNDS];
	unsigned r;

	dst->c.engine = rs[0].c.engine;
	dst->c.depth = rs[0].c.depth;
	for (r = 0; r < n; r++)
		if (first_error(&dst->c, &rs[r].c))
			return;
	for (r = 0; r < n; r++) {
		dst->c.ops += rs[r].c.ops;
		dst->c.window_s += rs[r].c.window_s;
		rps[r] = rs[r].c.iops;
		cpu[r] = rs[r].cpu_pct;
		us[r] = rs[r].us_per_req;
	}
	dst->c.iops = median(rps, n);
	dst->cpu_pct = median(cpu, n);
	dst->us_per_req = median(us, n);
	dst->c.ns_per_op = dst->us_per_req * 1e3;
}

static int bench_tcp(const struct bench_opts *o)
{
	struct tcp_result res[NR_COUNTS][NR_SERVERS], *all;
	struct bench_opts ro;
	unsigned rounds = rounds_for(o, &ro), rd;
	const char *mu = o->ascii ? "x" : "\u00d7";
	const char *us = o->ascii ? "us" : "\u00b5s";
	char hdr[32];
	size_t n, s;

	memset(res, 0, sizeof(res));
	all = calloc(MAX_ROUNDS * NR_COUNTS * NR_SERVERS, sizeof(*all));
	if (!all)
		return 1;
	printf("net tcp: %u-byte request/response over 127.0.0.1, 1, 8 and 32 "
	       "connections, %.2f s per cell\n", MSG_SIZE, o->cell_s);
	if (rounds > 1)
		printf("  (%u rounds of %.2f s, interleaved; medians over the "
		       "rounds)\n", rounds, ro.cell_s);
	printf("  client: one process with blocking sockets (a request on "
	       "every connection, then\n  every response), the same for all "
	       "servers; server CPU as for udp\n\n");
	for (n = 0; n < NR_COUNTS && !uk_interrupted; n++)
		for (rd = 0; rd < rounds && !uk_interrupted; rd++)
			for (s = 0; s < NR_SERVERS && !uk_interrupted; s++) {
				size_t k = round_order(rd, s, NR_SERVERS);

				tcp_cell(&ro, &servers[k], conn_counts[n],
					 &all[(n * NR_SERVERS + k) * MAX_ROUNDS + rd]);
			}
	if (uk_interrupted) {
		free(all);
		return 1;
	}
	for (n = 0; n < NR_COUNTS; n++)
		for (s = 0; s < NR_SERVERS; s++)
			tcp_aggregate(&res[n][s],
				      &all[(n * NR_SERVERS + s) * MAX_ROUNDS], rounds);
	free(all);

	snprintf(hdr, sizeof(hdr), "%s CPU/req", us);
	printf("  %5s  %-20s %11s %8s %11s %10s %10s\n", "conns", "server",
	       "requests/s", "CPU %", hdr, "req/s vs", "CPU/req vs");
	printf("  %5s  %-20s %11s %8s %11s %10s %10s\n", "", "", "", "", "",
	       "epoll", "epoll");
	for (n = 0; n < NR_COUNTS; n++)
		for (s = 0; s < NR_SERVERS; s++) {
			const struct tcp_result *r = &res[n][s];

			printf("  %5u  %-20s ", r->c.depth, r->c.engine);
			if (r->c.err) {
				print_err(&r->c);
				continue;
			}
			printf("%11.0f %8.2f %11.2f", r->c.iops, r->cpu_pct,
			       r->us_per_req);
			if (!s) {
				printf(" %10s %10s\n", "-", "-");
				continue;
			}
			print_vs(r, &res[n][0], false, mu);
			print_vs(r, &res[n][0], true, mu);
			printf("\n");
		}
	printf("  (requests/s as the client counts them; CPU: the server "
	       "process, whose client\n   runs on the other CPU or shares "
	       "one: with %ld CPUs they compete)\n\n",
	       sysconf(_SC_NPROCESSORS_ONLN));

	for (n = 0; n < NR_COUNTS; n++) {
		struct cell cells[NR_SERVERS];
		char title[96];

		for (s = 0; s < NR_SERVERS; s++)
			cells[s] = res[n][s].c;
		snprintf(title, sizeof(title), "requests/s with %u connection%s "
			 "(longer is better)", conn_counts[n],
			 conn_counts[n] == 1 ? "" : "s");
		print_bars(title, cells, NR_SERVERS, tcp_value, cell_label, "/s",
			   o->ascii);
	}
	printf("\n");
	return 0;
}

/*
 * No CPU pinning: measured on this kind of machine (a 2-vCPU VM), a
 * receiver and a sender pinned to different CPUs paid for a cross-CPU
 * wake-up on every packet, several times the cost of everything else.
 * The scheduler's own placement is what a real program gets.
 */
int bench_net(const struct bench_opts *o)
{
	int ret = bench_udp(o);

	if (!uk_interrupted)
		ret |= bench_tcp(o);
	return ret;
}
