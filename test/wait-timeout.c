/* SPDX-License-Identifier: MIT */
/*
 * Waiting with a timeout and with a signal mask: io_uring_wait_cqe_timeout,
 * io_uring_wait_cqes, io_uring_submit_and_wait_timeout, the min-timeout
 * variants, and a sigmask that the wait really installs. Times are only
 * checked in the safe direction (a timeout does not fire early) or with a
 * very wide margin where a wait would otherwise hang.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "test.h"

static struct __kernel_timespec ms_ts(long long ms)
{
	struct __kernel_timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (ms % 1000) * 1000000,
	};

	return ts;
}

struct writer {
	int fd;
	unsigned delay_ms;
};

static void *writer_fn(void *arg)
{
	struct writer *w = arg;

	usleep(w->delay_ms * 1000);
	if (write(w->fd, "w", 1) != 1)
		return (void *) 1;
	return NULL;
}

static void start_writer(pthread_t *th, struct writer *w, int fd,
			 unsigned delay_ms)
{
	w->fd = fd;
	w->delay_ms = delay_ms;
	ASSERT_EQ(pthread_create(th, NULL, writer_fn, w), 0);
}

static void join(pthread_t th)
{
	void *ret;

	ASSERT_EQ(pthread_join(th, &ret), 0);
	ASSERT_NULL(ret);
}

static void queue_read(struct io_uring *ring, int fd, char *c, __u64 ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	ASSERT_NOT_NULL(sqe);
	io_uring_prep_read(sqe, fd, c, 1, 0);
	io_uring_sqe_set_data64(sqe, ud);
}

static void reap_one(struct io_uring *ring, __u64 ud, int res)
{
	struct io_uring_cqe *cqe = t_wait_cqe(ring);

	ASSERT_EQ(cqe->user_data, ud);
	ASSERT_EQ(cqe->res, res);
	io_uring_cqe_seen(ring, cqe);
}

static void test_wait_cqe_timeout(struct io_uring *ring, int fds[2])
{
	struct __kernel_timespec ts;
	struct io_uring_cqe *cqe;
	struct writer w;
	pthread_t th;
	long long t0;
	char c = 0;
	int ret;

	/* Nothing in flight: the timeout fires, no CQE. */
	ts = ms_ts(50);
	cqe = (void *) 1;
	t0 = t_now_ms();
	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	ASSERT_EQ(ret, -ETIME);
	ASSERT_NULL(cqe);
	ASSERT_GE(t_now_ms() - t0, 40);
	ASSERT_EQ(io_uring_cq_ready(ring), 0);

	/* A CQE already there: returned without waiting for the timeout. */
	t_submit_nops(ring, 1, 1);
	ASSERT_EQ(io_uring_submit(ring), 1);
	ts = ms_ts(60000);
	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	ASSERT_EQ(ret, 0);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->user_data, 1);
	io_uring_cqe_seen(ring, cqe);

	/* A completion arriving during a long wait ends it. */
	queue_read(ring, fds[0], &c, 2);
	ASSERT_EQ(io_uring_submit(ring), 1);
	start_writer(&th, &w, fds[1], 30);
	ts = ms_ts(60000);
	t0 = t_now_ms();
	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	ASSERT_EQ(ret, 0);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->user_data, 2);
	ASSERT_EQ(cqe->res, 1);
	ASSERT_EQ(c, 'w');
	io_uring_cqe_seen(ring, cqe);
	/* Sanity bound only: had the 60 s timeout run out we would be here
	 * a minute later. */
	ASSERT_LT(t_now_ms() - t0, 30000);
	join(th);

	/* A NULL timeout waits like io_uring_wait_cqe. */
	t_submit_nops(ring, 1, 3);
	ASSERT_EQ(io_uring_submit(ring), 1);
	ret = io_uring_wait_cqe_timeout(ring, &cqe, NULL);
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(cqe->user_data, 3);
	io_uring_cqe_seen(ring, cqe);
}

static void test_wait_cqes(struct io_uring *ring)
{
	struct __kernel_timespec ts;
	struct io_uring_cqe *cqe;
	long long t0;
	int ret;

	/* Asking for 4 with 2 available: the wait lasts until the timeout,
	 * then hands back what is there. */
	t_submit_nops(ring, 2, 10);
	ASSERT_EQ(io_uring_submit(ring), 2);
	ts = ms_ts(100);
	cqe = NULL;
	t0 = t_now_ms();
	ret = io_uring_wait_cqes(ring, &cqe, 4, &ts, NULL);
	ASSERT_GE(t_now_ms() - t0, 80);
	ASSERT_EQ(ret, 0);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->user_data, 10);
	ASSERT_EQ(io_uring_cq_ready(ring), 2);
	io_uring_cq_advance(ring, 2);

	/* Asking for 4 with 4 available returns at once (a long timeout
	 * would otherwise hold us). */
	t_submit_nops(ring, 4, 20);
	ASSERT_EQ(io_uring_submit(ring), 4);
	ts = ms_ts(60000);
	ret = io_uring_wait_cqes(ring, &cqe, 4, &ts, NULL);
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(cqe->user_data, 20);
	ASSERT_EQ(io_uring_cq_ready(ring), 4);
	io_uring_cq_advance(ring, 4);

	/* Empty ring, timeout: -ETIME. */
	ts = ms_ts(30);
	ret = io_uring_wait_cqes(ring, &cqe, 2, &ts, NULL);
	ASSERT_EQ(ret, -ETIME);
	ASSERT_NULL(cqe);
}

static void test_submit_and_wait_timeout(struct io_uring *ring, int fds[2])
{
	struct __kernel_timespec ts;
	struct io_uring_cqe *cqe;
	struct writer w;
	pthread_t th;
	long long t0;
	char c = 0;
	int ret;

	/* Completes before the timeout: returns the submitted count. */
	t_submit_nops(ring, 2, 30);
	ts = ms_ts(60000);
	ret = io_uring_submit_and_wait_timeout(ring, &cqe, 2, &ts, NULL);
	ASSERT_EQ(ret, 2);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->user_data, 30);
	ASSERT_EQ(io_uring_cq_ready(ring), 2);
	io_uring_cq_advance(ring, 2);

	/*
	 * Times out after submitting: the submit count (1), as liburing
	 * returns it, and no CQE. (-ETIME is only for a call that had
	 * nothing to submit: test/queue-return-values.c.)
	 */
	queue_read(ring, fds[0], &c, 31);
	ts = ms_ts(50);
	cqe = (void *) 1;
	t0 = t_now_ms();
	ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
	ASSERT_EQ(ret, 1);
	ASSERT_NULL(cqe);
	ASSERT_GE(t_now_ms() - t0, 40);
	ASSERT_EQ(io_uring_sq_ready(ring), 0);
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
	/* The submitted read is live: satisfy it and reap it. */
	ASSERT_EQ(write(fds[1], "s", 1), 1);
	reap_one(ring, 31, 1);
	ASSERT_EQ(c, 's');

	/* Completion arriving while waiting (nothing new to submit). */
	queue_read(ring, fds[0], &c, 32);
	ASSERT_EQ(io_uring_submit(ring), 1);
	start_writer(&th, &w, fds[1], 30);
	ts = ms_ts(60000);
	ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
	ASSERT_EQ(ret, 0);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->user_data, 32);
	ASSERT_EQ(c, 'w');
	io_uring_cqe_seen(ring, cqe);
	join(th);

	/* Without a timeout it is submit-and-wait. */
	t_submit_nops(ring, 1, 33);
	ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, NULL, NULL);
	ASSERT_EQ(ret, 1);
	ASSERT_EQ(cqe->user_data, 33);
	io_uring_cqe_seen(ring, cqe);
}

static void test_min_timeout(struct io_uring *ring)
{
	struct __kernel_timespec ts;
	struct io_uring_cqe *cqe;
	struct io_uring copy;
	long long t0;
	int ret;

	if (!(ring->features & IORING_FEAT_MIN_TIMEOUT)) {
		printf("note: kernel lacks IORING_FEAT_MIN_TIMEOUT, "
		       "skipped the min-timeout part\n");
		return;
	}

	/*
	 * Want 2, only 1 will ever come: after the 20 ms min timeout the
	 * one CQE is enough, long before the 60 s overall timeout.
	 */
	t_submit_nops(ring, 1, 40);
	ts = ms_ts(60000);
	t0 = t_now_ms();
	ret = io_uring_submit_and_wait_min_timeout(ring, &cqe, 2, &ts, 20000,
						   NULL);
	ASSERT_EQ(ret, 1);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->user_data, 40);
	ASSERT_LT(t_now_ms() - t0, 30000);
	io_uring_cqe_seen(ring, cqe);

	/* Nothing at all: the overall timeout still applies. */
	ts = ms_ts(50);
	t0 = t_now_ms();
	ret = io_uring_submit_and_wait_min_timeout(ring, &cqe, 1, &ts, 10000,
						   NULL);
	ASSERT_EQ(ret, -ETIME);
	ASSERT_NULL(cqe);
	ASSERT_GE(t_now_ms() - t0, 40);

	/* The same through io_uring_wait_cqes_min_timeout. */
	t_submit_nops(ring, 1, 41);
	ASSERT_EQ(io_uring_submit(ring), 1);
	ts = ms_ts(60000);
	t0 = t_now_ms();
	ret = io_uring_wait_cqes_min_timeout(ring, &cqe, 3, &ts, 20000, NULL);
	ASSERT_EQ(ret, 0);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->user_data, 41);
	ASSERT_LT(t_now_ms() - t0, 30000);
	io_uring_cqe_seen(ring, cqe);
	ts = ms_ts(50);
	ret = io_uring_wait_cqes_min_timeout(ring, &cqe, 1, &ts, 10000, NULL);
	ASSERT_EQ(ret, -ETIME);
	ASSERT_NULL(cqe);

	/* Without the feature bit the library refuses. */
	copy = *ring;
	copy.features &= ~IORING_FEAT_MIN_TIMEOUT;
	ts = ms_ts(10);
	ASSERT_EQ(io_uring_wait_cqes_min_timeout(&copy, &cqe, 1, &ts, 1000,
						 NULL), -EINVAL);
	ASSERT_EQ(io_uring_submit_and_wait_min_timeout(&copy, &cqe, 1, &ts,
						       1000, NULL), -EINVAL);
}

/* ---- signal masks ---- */

static volatile sig_atomic_t got_sigusr1;
static pthread_t main_thread;

static void on_sigusr1(int sig)
{
	(void) sig;
	got_sigusr1 = 1;
}

static void *kill_fn(void *arg)
{
	(void) arg;
	usleep(30 * 1000);
	if (pthread_kill(main_thread, SIGUSR1))
		return (void *) 1;
	return NULL;
}

static bool sigusr1_blocked(void)
{
	sigset_t cur;

	ASSERT_EQ(pthread_sigmask(SIG_BLOCK, NULL, &cur), 0);
	return sigismember(&cur, SIGUSR1) == 1;
}

enum wait_kind { W_WAIT_CQES_NOTS, W_WAIT_CQES_TS, W_SUBMIT_AND_WAIT_TS,
		 W_NR };

static int do_wait(struct io_uring *ring, enum wait_kind kind, sigset_t *mask,
		   long long timeout_ms)
{
	struct __kernel_timespec ts = ms_ts(timeout_ms);
	struct io_uring_cqe *cqe = NULL;
	int ret;

	switch (kind) {
	case W_WAIT_CQES_NOTS:
		ret = io_uring_wait_cqes(ring, &cqe, 1, NULL, mask);
		break;
	case W_WAIT_CQES_TS:
		ret = io_uring_wait_cqes(ring, &cqe, 1, &ts, mask);
		break;
	default:
		ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts,
						       mask);
		break;
	}
	ASSERT_NULL(cqe);
	return ret;
}

static void test_sigmask(struct io_uring *ring)
{
	struct sigaction sa;
	sigset_t block, wait_mask;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART */
	ASSERT_EQ(sigaction(SIGUSR1, &sa, NULL), 0);

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &block, NULL), 0);
	/* The mask for the wait: what we have now, minus SIGUSR1. */
	ASSERT_EQ(pthread_sigmask(SIG_BLOCK, NULL, &wait_mask), 0);
	sigdelset(&wait_mask, SIGUSR1);
	main_thread = pthread_self();

	for (int kind = 0; kind < W_NR; kind++) {
		pthread_t th;
		void *tret;
		int ret;

		/* SIGUSR1 unblocked only for the wait: it interrupts it. */
		got_sigusr1 = 0;
		ASSERT_EQ(pthread_create(&th, NULL, kill_fn, NULL), 0);
		ret = do_wait(ring, (enum wait_kind) kind, &wait_mask, 60000);
		ASSERT_EQ(pthread_join(th, &tret), 0);
		ASSERT_NULL(tret);
		if (ret != -EINTR)
			t_fail("wait kind %d: %d, expected -EINTR", kind, ret);
		ASSERT_EQ(got_sigusr1, 1);
		/* Our own mask is back in force afterwards. */
		ASSERT(sigusr1_blocked());
	}

	/* Control: a mask that keeps SIGUSR1 blocked lets the wait run to
	 * its timeout; the signal stays pending until we unblock it. */
	got_sigusr1 = 0;
	ASSERT_EQ(pthread_kill(pthread_self(), SIGUSR1), 0);
	ASSERT_EQ(do_wait(ring, W_WAIT_CQES_TS, &block, 30), -ETIME);
	ASSERT_EQ(got_sigusr1, 0);
	/* ... whereas the unblocking mask delivers the pending signal. */
	ASSERT_EQ(do_wait(ring, W_WAIT_CQES_TS, &wait_mask, 60000), -EINTR);
	ASSERT_EQ(got_sigusr1, 1);
	ASSERT(sigusr1_blocked());

	ASSERT_EQ(pthread_sigmask(SIG_UNBLOCK, &block, NULL), 0);
}

int main(void)
{
	struct io_uring ring;
	int fds[2];

	t_ring_init(&ring, 8, NULL);
	ASSERT_EQ(pipe(fds), 0);

	test_wait_cqe_timeout(&ring, fds);
	test_wait_cqes(&ring);
	test_submit_and_wait_timeout(&ring, fds);
	test_min_timeout(&ring);
	test_sigmask(&ring);

	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
