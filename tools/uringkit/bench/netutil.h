/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench udp/tcp: what the two network suites share. The peer (UDP
 * sender, TCP client) is a forked child started by a go message; the
 * measured side is a net_cell whose CPU is sampled over the window; every
 * cell is run in interleaved rounds and reported as the medians.
 */
#ifndef URINGKIT_BENCH_NETUTIL_H
#define URINGKIT_BENCH_NETUTIL_H

#include <liburing.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <uringkit/bufring.h>
#include "record.h"

#define RX_BUF		2048u		/* receive buffer / provided buffer */
#define NR_BUFS		256u		/* provided buffers per ring */
#define BGID		0
#define POLL_MS		20		/* longest wait: loops check the clock */
#define NS		1000000000ULL
#define MS		1000000ULL

/* ---- the peer: a child process ------------------------------------------ */

/* Sent by the parent when the receiver or server is ready. */
struct go_msg {
	uint64_t t0, wstart, wend, tstop;
};

/* Sent back by a child just before it exits. */
struct child_report {
	uint64_t count;		/* UDP: datagrams sent; TCP: requests done */
	uint64_t win;		/* sent (UDP) or completed (TCP) in the window */
	uint64_t first;		/* UDP: sequence number of the window's first */
	double lat_p50_us, lat_p99_us;	/* TCP: request to response, window */
	uint64_t cpu_ns;	/* TCP: the client's CPU over the window */
	uint64_t sum;		/* zc: the receiver's checksum of the stream */
	int err;
	char failed[48];
};

struct child {
	pid_t pid;
	int go_w;		/* parent writes struct go_msg */
	int res_r;		/* parent reads struct child_report */
};

/*
 * Fork a child that runs fn(arg, go_r, res_w) and never returns; it keeps
 * only its ends of the two pipes (close_fd, the parent's socket, closed).
 */
int child_start(struct child *ch, int close_fd,
		void (*fn)(void *arg, int go_r, int res_w), void *arg);
/* Collect the child's report and reap it (killed after 5 s of silence). */
int child_finish(struct child *ch, struct child_report *r);
/* In the child: wait for the go message; false if the parent gave up. */
bool child_wait_go(int go_r, struct go_msg *g);
/* In the child: report and exit. */
void child_exit(int res_w, struct child_report *r) __attribute__((noreturn));
void child_fail(int res_w, struct child_report *r, const char *what, int err)
	__attribute__((noreturn));

/*
 * A socket of type (SOCK_DGRAM, SOCK_STREAM: listening) bound to 127.0.0.1
 * on a port the kernel picks, written to addr. The fd, or -1 with the
 * failure recorded in r.
 */
int net_loopback_socket(int type, struct sockaddr_in *addr,
			struct bench_record *r);

/* ---- the measured side ---------------------------------------------------- */

struct cpu_sample {
	uint64_t t;		/* uk_now_ns() */
	uint64_t thr_ns;	/* this thread, user + sys */
	uint64_t proc_ns;	/* the whole process, user + sys */
	long nvcsw;		/* this thread's voluntary context switches */
	uint64_t rq_wait_ns;	/* this thread, runnable but not running */
};

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

struct net_cell {
	const struct bench_opts *o;
	struct bench_record *r;
	struct child *peer;
	const char *peer_name;	/* "sender", "client" */
	uint64_t peer_linger;	/* the peer stops this long after the window */
	uint64_t linger;	/* the measured side stops this long after it */
	const char *late_fail;	/* reaching that stop is a failure; NULL: not */
	unsigned unit;		/* bytes per unit of work; 1: counted as is */
	unsigned live;		/* open connections (UDP: 1) */
	int ep;			/* net_epoll_loop's epoll fd, for ready() */
	bool started;
	uint64_t tend;
	struct meter m;
};

/* Everything is set up: start the peer's clock and this cell's window. */
int net_go(struct net_cell *x);
/* Count `amount` (bytes or units) just done; true when the loop should stop. */
bool net_tick(struct net_cell *x, uint64_t amount);
/*
 * After child_finish() gave peer_ret and rep: the peer's failure, or a
 * window not seen to its end (no_end), or the CPU metrics from the meter.
 */
void net_cell_end(struct net_cell *x, int peer_ret,
		  const struct child_report *rep, const char *no_end);

/*
 * epoll over fds (made non-blocking, event data i: fds[i]); ready() returns
 * the amount done and may add fds of its own to x->ep.
 */
void net_epoll_loop(struct net_cell *x, const int *fds, unsigned n,
		    uint64_t (*ready)(struct net_cell *x, unsigned i));

/* ---- io_uring ------------------------------------------------------------- */

struct __kernel_timespec ms_ts(long ms);
/*
 * Submit, then wait up to POLL_MS for wait_nr completions (with wait_nr > 1,
 * min_wait_us caps the batch's latency). false on a real failure, recorded.
 */
bool net_uring_wait(struct net_cell *x, struct io_uring *ring,
		    unsigned wait_nr, unsigned min_wait_us);
/* The request takes its buffer from group BGID. */
void sqe_buffer_select(struct io_uring_sqe *sqe, uint64_t user_data);
/*
 * End a cell's ring: cancel and reap what is in flight (inflight counts
 * requests whose last CQE was not seen), then release the ring and its
 * buffer ring (br may be NULL).
 */
void uring_teardown(struct io_uring *ring, unsigned *inflight,
		    struct uringkit_bufring *br);

/* ---- rounds ---------------------------------------------------------------- */

/*
 * Run groups x per_group cells in interleaved rounds and append one record
 * per cell (the medians) to s; within a group, rows after the first are
 * compared with the first. run() fills one round's record (engine, depth
 * and title included).
 */
int net_run_cells(struct bench_suite *s, size_t groups, size_t per_group,
		  void (*run)(void *arg, const struct bench_opts *ro, size_t g,
			      size_t k, struct bench_record *r),
		  void *arg);
/* The plan of net_run_cells() over cells cells, each costing overhead_s more. */
struct bench_plan net_plan(const struct bench_opts *o, size_t cells,
			   double overhead_s);

#endif
