/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench udp: the articles' experiment, over loopback (127.0.0.1).
 * A sender process paces 1 KiB datagrams at --rate packets/s (default
 * 10K); one receiver at a time takes them:
 *   a  blocking recvfrom(2) loop
 *   b  epoll_wait(2) + non-blocking recvfrom(2) until EAGAIN
 *   c  io_uring recv re-armed per packet on a default ring: submit, then
 *      wait, as the articles' receiver does
 *   d  io_uring multishot recv with a provided-buffer ring, on a
 *      DEFER_TASKRUN|SINGLE_ISSUER ring, waiting for one completion
 *   e  as d with multishot recvmsg (gets the sender's address, like
 *      recvfrom)
 *   f  as d, waiting for 32 completions or 1 ms (min_wait): one wake-up
 *      per batch, at most 1 ms of added latency
 *   g  as e, batched as f: what a user would pick (the sender's address,
 *      few wake-ups, no system call per packet)
 * Each rate (10K and 100K packets/s, or --rate) is a group of its own.
 * Every datagram carries a sequence number; "sent" is what the sender sent
 * inside the measured window and "received" how many of exactly those
 * datagrams arrived, so lost = sent - received, warm-up excluded.
 * What counts is the receiver's CPU time over the measured window: all
 * threads of this process (the receiving thread and any io_uring worker),
 * never the sender, which is a forked process of its own. Loopback does
 * the network stack's receive work in the sender's context, so this is the
 * cost of the receiving interface itself: waking, system calls, copies.
 *
 * No CPU pinning: measured on this kind of machine (a 2-vCPU VM), a
 * receiver and a sender pinned to different CPUs paid for a cross-CPU
 * wake-up on every packet, several times the cost of everything else.
 * The scheduler's own placement is what a real program gets.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "../uringkit.h"
#include "netutil.h"
#include "suites.h"

#define PKT_SIZE	1024u		/* UDP payload */
#define UD_RECV		1ULL

/* ---- the sender ---------------------------------------------------------------- */

struct udp_sender_arg {
	struct sockaddr_in dst;
	unsigned rate;
};

/*
 * Every receiver's socket buffer, asked for (the kernel caps it at
 * net.core.rmem_max, then doubles it): a receiver that waits for a batch,
 * or for a CPU on a busy machine, must not lose what queues meanwhile.
 * The default (208 KiB, about 90 datagrams of 1 KiB) overflowed in 10 ms.
 */
#define RCVBUF_BYTES	(4 << 20)

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
	if (!child_wait_go(go_r, &g))
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
		if (now >= g.wstart && now < g.wend && !r.win++)
			r.first = seq;
		seq++;
		r.count++;
		next += interval;
	}
	close(fd);
	child_exit(res_w, &r);
}

/* ---- UDP: the receivers --------------------------------------------------- */


/* ---- the receivers ---------------------------------------------------------- */

struct udp_ctx {
	struct net_cell nc;	/* first: the epoll callback gets &nc */
	int fd;
	uint8_t *seen;		/* a bit per sequence number received */
	uint64_t nr_seen;	/* bits in seen */
	unsigned char buf[RX_BUF];
};

/* A datagram of PKT_SIZE bytes arrived: mark its sequence number. */
static void rx_mark(struct udp_ctx *x, const void *payload)
{
	uint64_t seq;

	memcpy(&seq, payload, sizeof(seq));
	if (seq < x->nr_seen)
		x->seen[seq / 8] |= (uint8_t) (1u << (seq % 8));
}

/* How many of sequence numbers first .. first + n - 1 arrived. */
static uint64_t rx_count(const struct udp_ctx *x, uint64_t first, uint64_t n)
{
	uint64_t seq, got = 0;

	for (seq = first; seq < first + n && seq < x->nr_seen; seq++)
		got += (x->seen[seq / 8] >> (seq % 8)) & 1;
	return got;
}

/* a: blocking recvfrom, woken every POLL_MS to look at the clock. */
static void rx_blocking(struct udp_ctx *x)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = POLL_MS * 1000 };

	if (setsockopt(x->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		bench_record_fail(x->nc.r, "setsockopt(SO_RCVTIMEO)", -errno);
		return;
	}
	if (net_go(&x->nc))
		return;
	for (;;) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(x->fd, x->buf, RX_BUF, 0,
				     (struct sockaddr *) &from, &flen);

		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			bench_record_fail(x->nc.r, "recvfrom", -errno);
			break;
		}
		if (n >= 0 && n != (ssize_t) PKT_SIZE) {
			bench_record_fail(x->nc.r, "recvfrom: short datagram", -EIO);
			break;
		}
		if (n > 0)
			rx_mark(x, x->buf);
		if (net_tick(&x->nc, n > 0))
			break;
	}
}


/* b: epoll, then recvfrom until EAGAIN. */
static uint64_t rx_epoll_ready(struct net_cell *nc, unsigned i)
{
	struct udp_ctx *x = (struct udp_ctx *) nc;
	uint64_t got = 0;

	(void) i;
	for (;;) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t r = recvfrom(x->fd, x->buf, RX_BUF, 0,
				     (struct sockaddr *) &from, &flen);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				bench_record_fail(nc->r, "recvfrom", -errno);
			break;
		}
		if (r != (ssize_t) PKT_SIZE) {
			bench_record_fail(nc->r, "recvfrom: short datagram", -EIO);
			break;
		}
		rx_mark(x, x->buf);
		got++;
	}
	return got;
}

static void rx_epoll(struct udp_ctx *x)
{
	net_epoll_loop(&x->nc, &x->fd, 1, rx_epoll_ready);
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
		bench_record_fail(x->nc.r, "io_uring_queue_init", ret);
		return;
	}
	if (net_go(&x->nc))
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
				bench_record_fail(x->nc.r, "io_uring_submit", ret < 0 ? ret : -EAGAIN);
				break;
			}
			inflight = 1;
		}
		ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
		if (ret < 0 && ret != -ETIME && ret != -EINTR) {
			bench_record_fail(x->nc.r, "io_uring_wait_cqe_timeout", ret);
			break;
		}
		if (ret == 0) {
			int res = cqe->res;

			io_uring_cqe_seen(&ring, cqe);
			inflight = 0;
			if (res != (int) PKT_SIZE) {
				bench_record_fail(x->nc.r, res < 0 ? "recv completion" :
					  "recv: short datagram", res < 0 ? res : -EIO);
				break;
			}
			rx_mark(x, x->buf);
			got = 1;
		}
		if (net_tick(&x->nc, got))
			break;
	}
out:
	uring_teardown(&ring, &inflight, NULL);
}

/* d to g: multishot recv or recvmsg into a provided-buffer ring. */
struct mshot_kind {
	bool msg;		/* recvmsg (with the source address) */
	unsigned wait_nr;	/* completions to wait for */
	unsigned min_wait_us;	/* with wait_nr > 1: the batch's latency cap */
};

/*
 * One completion of the multishot request: its buffer is queued in bids
 * for recycling; returns 1 for a datagram received, 0 otherwise (the end
 * of the request clears *inflight; a failure is recorded).
 */
static unsigned mshot_cqe(struct udp_ctx *x, const struct mshot_kind *k,
			  struct uringkit_bufring *br, struct msghdr *tmpl,
			  const struct io_uring_cqe *cqe, unsigned *bids,
			  unsigned *nb, unsigned *inflight)
{
	unsigned bid, len;
	void *buf, *payload;

	buf = uringkit_bufring_cqe_buf(br, cqe, &bid, &len);
	if (buf)
		bids[(*nb)++] = bid;
	if (!(cqe->flags & IORING_CQE_F_MORE)) {
		*inflight = 0;
		/* Out of buffers: the data waits in the socket; re-armed. */
		if (cqe->res == -ENOBUFS)
			return 0;
		if (cqe->res < 0) {
			bench_record_fail(x->nc.r, k->msg ? "recvmsg multishot" :
					  "recv multishot", cqe->res);
			return 0;
		}
	}
	if (!buf) {
		bench_record_fail(x->nc.r, "multishot CQE without a buffer", -EIO);
		return 0;
	}
	payload = buf;
	if (k->msg) {
		struct io_uring_recvmsg_out *mo =
			io_uring_recvmsg_validate(buf, cqe->res, tmpl);

		if (!mo || io_uring_recvmsg_payload_length(mo, cqe->res, tmpl) !=
			   PKT_SIZE || (mo->flags & MSG_TRUNC)) {
			len = 0;
		} else {
			len = PKT_SIZE;
			payload = io_uring_recvmsg_payload(mo, tmpl);
		}
	}
	if (len != PKT_SIZE) {
		bench_record_fail(x->nc.r, "multishot: short datagram", -EIO);
		return 0;
	}
	rx_mark(x, payload);
	return 1;
}

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
	/* Room for a batch: every buffer of the ring in one wake-up. */
	ret = io_uring_queue_init_params(NR_BUFS, &ring, &p);
	if (ret < 0) {
		bench_record_fail(x->nc.r, "io_uring_queue_init (DEFER_TASKRUN)", ret);
		return;
	}
	if (k->wait_nr > 1 && !(ring.features & IORING_FEAT_MIN_TIMEOUT)) {
		bench_record_fail(x->nc.r, "min_wait (IORING_FEAT_MIN_TIMEOUT, 6.12)", -EOPNOTSUPP);
		goto out;
	}
	br = uringkit_bufring_create(&ring, BGID, NR_BUFS, RX_BUF, 0, &err);
	if (!br) {
		bench_record_fail(x->nc.r, "uringkit_bufring_create", err);
		goto out;
	}
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.msg_namelen = sizeof(struct sockaddr_in);
	if (net_go(&x->nc))
		goto out;
	for (;;) {
		struct io_uring_cqe *cqes[128];
		unsigned bids[128], nb, n, i;
		uint64_t got = 0;

		if (!inflight) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			if (k->msg)
				io_uring_prep_recvmsg_multishot(sqe, x->fd, &tmpl, 0);
			else
				io_uring_prep_recv_multishot(sqe, x->fd, NULL, 0, 0);
			sqe_buffer_select(sqe, UD_RECV);
			inflight = 1;
		}
		if (!net_uring_wait(&x->nc, &ring, k->wait_nr, k->min_wait_us))
			break;
		/* Everything waiting, so that the next wait starts a new batch. */
		do {
			nb = 0;
			n = io_uring_peek_batch_cqe(&ring, cqes, 128);
			for (i = 0; i < n && !x->nc.r->err; i++)
				got += mshot_cqe(x, k, br, &tmpl, cqes[i], bids,
						 &nb, &inflight);
			io_uring_cq_advance(&ring, n);
			/* The buffers go back with one tail update. */
			ret = nb ? uringkit_bufring_recycle_n(br, bids, nb) : 0;
			if (ret < 0)
				bench_record_fail(x->nc.r, "uringkit_bufring_recycle_n", ret);
		} while (n == 128 && !x->nc.r->err);
		if (net_tick(&x->nc, got))
			break;
	}
out:
	uring_teardown(&ring, &inflight, br);
}

static const struct mshot_kind mshot_recv = { false, 1, 0 };
static const struct mshot_kind mshot_recvmsg = { true, 1, 0 };
static const struct mshot_kind mshot_batch = { false, 32, 1000 };
static const struct mshot_kind mshot_msg_batch = { true, 32, 1000 };

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

static void rx_mshot_msg_batch(struct udp_ctx *x)
{
	rx_uring_mshot(x, &mshot_msg_batch);
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
	{ "uring recvmsg batched", "g io_uring recvmsg, batched", rx_mshot_msg_batch },
};
#define NR_RECEIVERS	(sizeof(receivers) / sizeof(receivers[0]))

static const unsigned udp_rates[] = { 10000, 100000 };
#define NR_RATES	(sizeof(udp_rates) / sizeof(udp_rates[0]))

static void udp_ctx_free(struct udp_ctx *x)
{
	free(x->seen);
	free(x);
}

/* One round of receiver k at rate g: bind, fork the sender, receive, collect. */
static void udp_cell(void *arg, const struct bench_opts *o, size_t g, size_t k,
		     struct bench_record *r)
{
	const struct udp_receiver *rv = &receivers[k];
	const unsigned *rates = arg;
	struct udp_sender_arg sa;
	struct child_report rep;
	struct child ch;
	struct udp_ctx *x;
	int ret;

	r->engine = rv->name;
	r->depth = rates[g];
	snprintf(r->title, sizeof(r->title), "%s", rv->title);
	x = calloc(1, sizeof(*x));
	if (x) {
		/* Every sequence number the sender can reach, and a second more. */
		x->nr_seen = (uint64_t) ((o->warm_s + o->cell_s + 1.0) * rates[g]);
		x->seen = calloc(x->nr_seen / 8 + 1, 1);
	}
	if (!x || !x->seen) {
		bench_record_fail(r, "calloc", -ENOMEM);
		if (x)
			udp_ctx_free(x);
		return;
	}
	x->nc.o = o;
	x->nc.r = r;
	x->nc.peer = &ch;
	x->nc.peer_name = "sender";
	x->nc.peer_linger = 20 * MS;
	x->nc.linger = 80 * MS;		/* the sender has stopped by then */
	x->nc.unit = 1;
	x->nc.live = 1;
	x->fd = net_loopback_socket(SOCK_DGRAM, &sa.dst, r);
	if (x->fd < 0) {
		udp_ctx_free(x);
		return;
	}
	ret = RCVBUF_BYTES;
	if (setsockopt(x->fd, SOL_SOCKET, SO_RCVBUF, &ret, sizeof(ret))) {
		bench_record_fail(r, "setsockopt(SO_RCVBUF)", -errno);
		close(x->fd);
		udp_ctx_free(x);
		return;
	}
	sa.rate = rates[g];
	ret = child_start(&ch, x->fd, udp_sender, &sa);
	if (ret) {
		bench_record_fail(r, "fork (sender)", ret);
		close(x->fd);
		udp_ctx_free(x);
		return;
	}

	rv->run(x);

	ret = child_finish(&ch, &rep);
	close(x->fd);
	net_cell_end(&x->nc, ret, &rep, "no packet after the window's end");
	if (!r->err && x->nc.started && !x->nc.m.win)
		bench_record_fail(r, "no packet received in the window", -ETIME);
	if (!r->err && x->nc.started) {
		r->sent = (double) rep.win;
		r->received = (double) rx_count(x, rep.first, rep.win);
		r->ops = x->nc.m.win;
		r->window_s = (double) (x->nc.m.s1.t - x->nc.m.s0.t) / 1e9;
	}
	bench_record_finish(r);
	udp_ctx_free(x);
}

struct bench_plan bench_udp_plan(const struct bench_opts *o)
{
	size_t groups = o->net_rate || o->quick ? 1 : NR_RATES;

	return net_plan(o, groups * NR_RECEIVERS, 0.1);
}

/* 10K and 100K packets/s (--quick: 10K only), or the one --rate asks for. */
int bench_udp(struct bench_suite *s)
{
	const unsigned *rates = s->opts.net_rate ? &s->opts.net_rate : udp_rates;
	size_t groups = s->opts.net_rate || s->opts.quick ? 1 : NR_RATES;

	return net_run_cells(s, groups, NR_RECEIVERS, udp_cell, (void *) rates);
}
