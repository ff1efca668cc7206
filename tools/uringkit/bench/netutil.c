/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench udp/tcp: the peer process, the measured window, the one
 * epoll loop, the io_uring waits and teardown, and the interleaved rounds.
 *
 * Every child is bounded in time, dies with its parent (PR_SET_PDEATHSIG)
 * and is reaped; every socket, ring and buffer is released per cell.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../uringkit.h"
#include "netutil.h"

/* ---- children ------------------------------------------------------------- */

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

void child_exit(int res_w, struct child_report *r)
{
	ssize_t n = write(res_w, r, sizeof(*r));

	(void) n;
	_exit(0);
}

void child_fail(int res_w, struct child_report *r, const char *what, int err)
{
	r->err = err < 0 ? err : -EIO;
	snprintf(r->failed, sizeof(r->failed), "%s", what);
	child_exit(res_w, r);
}

bool child_wait_go(int go_r, struct go_msg *g)
{
	return read_full(go_r, g, sizeof(*g)) == 0;
}

int child_start(struct child *ch, int close_fd,
		void (*fn)(void *arg, int go_r, int res_w), void *arg)
{
	int go[2], res[2];
	pid_t parent = getpid();

	/*
	 * A child that failed before its go message has closed the pipe:
	 * writing the message must return EPIPE, not kill the tool.
	 */
	signal(SIGPIPE, SIG_IGN);
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
 * A child that never got its go message sees the pipe closed and exits at
 * once; one that does not report within its time is killed.
 */
int child_finish(struct child *ch, struct child_report *r)
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

int net_loopback_socket(int type, struct sockaddr_in *addr,
			struct bench_record *r)
{
	socklen_t alen = sizeof(*addr);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		bench_record_fail(r, "socket", -errno);
		return -1;
	}
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *) addr, sizeof(*addr)) ||
	    getsockname(fd, (struct sockaddr *) addr, &alen) ||
	    (type == SOCK_STREAM && listen(fd, SOMAXCONN))) {
		bench_record_fail(r, type == SOCK_STREAM ? "bind/listen 127.0.0.1" :
				  "bind 127.0.0.1", -errno);
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- the measured window -------------------------------------------------- */

/*
 * Time this thread spent runnable but waiting for a CPU (schedstat's
 * second field), 0 where the kernel does not keep it. On a machine busy
 * with other work it says how much of the window the thread wanted to run
 * and could not.
 */
static uint64_t rq_wait_ns(void)
{
	unsigned long long run = 0, wait = 0;
	FILE *f = fopen("/proc/thread-self/schedstat", "re");

	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &run, &wait) != 2)
		wait = 0;
	fclose(f);
	return wait;
}

static void cpu_sample(struct cpu_sample *s)
{
	struct rusage thr, proc;

	getrusage(RUSAGE_THREAD, &thr);
	getrusage(RUSAGE_SELF, &proc);
	s->t = uk_now_ns();
	s->thr_ns = uk_rusage_ns(&thr);
	s->proc_ns = uk_rusage_ns(&proc);
	s->nvcsw = thr.ru_nvcsw;
	s->rq_wait_ns = rq_wait_ns();
}

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

int net_go(struct net_cell *x)
{
	struct go_msg g;
	char what[48];
	ssize_t n;

	g.t0 = uk_now_ns() + MS;
	g.wstart = g.t0 + (uint64_t) (x->o->warm_s * 1e9);
	g.wend = g.wstart + (uint64_t) (x->o->cell_s * 1e9);
	g.tstop = g.wend + x->peer_linger;
	x->m.wstart = g.wstart;
	x->m.wend = g.wend;
	x->tend = g.wend + x->linger;
	n = write(x->peer->go_w, &g, sizeof(g));
	if (n != (ssize_t) sizeof(g)) {
		snprintf(what, sizeof(what), "starting the %s", x->peer_name);
		return bench_record_fail(x->r, what, -EPIPE);
	}
	x->started = true;
	return 0;
}

bool net_tick(struct net_cell *x, uint64_t amount)
{
	uint64_t now = meter_tick(&x->m, amount / x->unit);

	if (!x->live || uk_interrupted || x->r->err)
		return true;
	if (now < x->tend)
		return false;
	if (x->late_fail)
		bench_record_fail(x->r, x->late_fail, -ETIMEDOUT);
	return true;
}

void net_cell_end(struct net_cell *x, int peer_ret,
		  const struct child_report *rep, const char *no_end)
{
	const struct meter *m = &x->m;
	double wall, thr, proc;
	char what[48];

	if (peer_ret) {
		snprintf(what, sizeof(what), "the %s did not report", x->peer_name);
		bench_record_fail(x->r, what, peer_ret);
	} else if (rep->err) {
		/*
		 * Wrong bytes seen by the peer are the cause of whatever the
		 * measured side saw next (a reset when the peer gave up), and
		 * a peer that failed is why it never finished.
		 */
		if (rep->err == -EPROTO || (x->late_fail &&
					    !strcmp(x->r->failed, x->late_fail)))
			x->r->err = 0;
		bench_record_fail(x->r, rep->failed, rep->err);
	}
	if (x->r->err || !x->started)
		return;
	if (m->phase != 2) {
		bench_record_fail(x->r, no_end, -ETIME);
		return;
	}
	wall = (double) (m->s1.t - m->s0.t);
	thr = (double) (m->s1.thr_ns - m->s0.thr_ns);
	proc = (double) (m->s1.proc_ns - m->s0.proc_ns);
	if (proc < thr)
		proc = thr;
	x->r->cpu_pct = proc / wall * 100;
	x->r->cpu_other_pct = (proc - thr) / wall * 100;
	x->r->rq_wait_pct = (double) (m->s1.rq_wait_ns - m->s0.rq_wait_ns) /
			    wall * 100;
	if (m->win) {
		x->r->cpu_us_per_op = proc / 1e3 / (double) m->win;
		x->r->wakeups_per_op = (double) (m->s1.nvcsw - m->s0.nvcsw) /
				       (double) m->win;
	}
}

/* ---- the epoll loop --------------------------------------------------------- */

void net_epoll_loop(struct net_cell *x, const int *fds, unsigned n,
		    uint64_t (*ready)(struct net_cell *x, unsigned i))
{
	struct epoll_event evs[256];
	unsigned i;
	int ep;

	ep = x->ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		bench_record_fail(x->r, "epoll_create1", -errno);
		return;
	}
	for (i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
		int fl = fcntl(fds[i], F_GETFL);

		if (fl < 0 || fcntl(fds[i], F_SETFL, fl | O_NONBLOCK)) {
			bench_record_fail(x->r, "fcntl(O_NONBLOCK)", -errno);
			goto out;
		}
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev)) {
			bench_record_fail(x->r, "epoll_ctl", -errno);
			goto out;
		}
	}
	if (net_go(x))
		goto out;
	for (;;) {
		int nev = epoll_wait(ep, evs, 256, POLL_MS), j;
		uint64_t done = 0;

		if (nev < 0 && errno != EINTR) {
			bench_record_fail(x->r, "epoll_wait", -errno);
			break;
		}
		for (j = 0; j < nev && !x->r->err; j++)
			done += ready(x, evs[j].data.u32);
		if (net_tick(x, done))
			break;
	}
out:
	close(ep);
	x->ep = -1;
}

/* ---- io_uring --------------------------------------------------------------- */

#define UD_CANCEL	2ULL

struct __kernel_timespec ms_ts(long ms)
{
	struct __kernel_timespec ts = { .tv_sec = ms / 1000,
					.tv_nsec = (ms % 1000) * 1000000L };
	return ts;
}

bool net_uring_wait(struct net_cell *x, struct io_uring *ring,
		    unsigned wait_nr, unsigned min_wait_us)
{
	struct __kernel_timespec ts = ms_ts(POLL_MS);
	struct io_uring_cqe *cqe;
	int ret;

	if (wait_nr > 1)
		ret = io_uring_submit_and_wait_min_timeout(ring, &cqe, wait_nr,
							   &ts, min_wait_us, NULL);
	else
		ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
	if (ret < 0 && ret != -ETIME && ret != -EINTR) {
		bench_record_fail(x->r, "io_uring_submit_and_wait_timeout", ret);
		return false;
	}
	return true;
}

void sqe_buffer_select(struct io_uring_sqe *sqe, uint64_t user_data)
{
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, user_data);
}

/*
 * Cancel whatever is still in flight on ring and reap it, so no request
 * can touch a buffer after it is released. Bounded to one second.
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
 * A buffer ring the kernel may still write into is freed only after the
 * ring's exit, when the kernel holds nothing of it any more.
 */
void uring_teardown(struct io_uring *ring, unsigned *inflight,
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

/* ---- rounds ------------------------------------------------------------------- */

/*
 * A cell's time is split into rounds of about half a second, run
 * interleaved (every cell of a group once, then again in reverse order,
 * ...), and each number reported is the median over the rounds: on a
 * shared machine the background load changes from second to second, and
 * this spreads it over all columns instead of charging it to whichever ran
 * at that moment.
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

struct bench_plan net_plan(const struct bench_opts *o, size_t cells,
			   double overhead_s)
{
	struct bench_opts ro;
	unsigned rounds = rounds_for(o, &ro);
	struct bench_plan p;

	p.cells = (unsigned) (cells * rounds);
	p.seconds = p.cells * (ro.warm_s + ro.cell_s + overhead_s);
	return p;
}

int net_run_cells(struct bench_suite *s, size_t groups, size_t per_group,
		  void (*run)(void *arg, const struct bench_opts *ro, size_t g,
			      size_t k, struct bench_record *r),
		  void *arg)
{
	struct bench_record *all;
	struct bench_opts ro;
	unsigned rounds = rounds_for(&s->opts, &ro), rd;
	size_t g, i;

	s->rounds = rounds;
	s->round_s = ro.cell_s;
	all = calloc(groups * per_group * MAX_ROUNDS, sizeof(*all));
	if (!all) {
		s->err = -ENOMEM;
		snprintf(s->failed, sizeof(s->failed), "calloc");
		return 1;
	}
	for (g = 0; g < groups && !uk_interrupted; g++)
		for (rd = 0; rd < rounds && !uk_interrupted; rd++)
			for (i = 0; i < per_group && !uk_interrupted; i++) {
				/* reversed every other round */
				size_t k = rd % 2 ? per_group - 1 - i : i;
				struct bench_record *r =
					&all[(g * per_group + k) * MAX_ROUNDS + rd];

				bench_record_init(r, s->name, NULL, 0);
				bench_progress_cell(s, "round %u of %u, cell %zu of %zu",
						    rd + 1, rounds, g * per_group + k + 1,
						    groups * per_group);
				run(arg, &ro, g, k, r);
			}
	s->interrupted = uk_interrupted;
	for (g = 0; g < groups && !s->interrupted; g++)
		for (i = 0; i < per_group; i++) {
			struct bench_record *r = bench_suite_add(s, NULL, 0);

			if (!r)
				break;
			bench_record_aggregate(r, &all[(g * per_group + i) * MAX_ROUNDS],
					       rounds);
			if (i)
				r->base[0] = (int) (g * per_group);
		}
	free(all);
	return s->interrupted ? 1 : 0;
}
