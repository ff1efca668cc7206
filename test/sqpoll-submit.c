/* SPDX-License-Identifier: MIT */
/*
 * SQPOLL: the kernel thread picks up SQEs by itself, so while it is awake
 * the library must submit and reap without a single io_uring_enter(). A
 * child process proves it by forbidding io_uring_enter with seccomp and
 * then running 100 NOPs. Then: the idle thread sets IORING_SQ_NEED_WAKEUP
 * and io_uring_submit wakes it; io_uring_sqring_wait blocks until the
 * thread has made room in a full SQ.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "test.h"

#define TOTAL_NOPS	100
#define BATCH		8

static void sqpoll_ring(struct io_uring *ring, unsigned entries,
			unsigned idle_ms)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = idle_ms;
	t_ring_init(ring, entries, &p);
	ASSERT(ring->flags & IORING_SETUP_SQPOLL);
}

/* Poll the CQ without entering the kernel; fail after 10 s. */
static struct io_uring_cqe *poll_cqe(struct io_uring *ring)
{
	long long deadline = t_now_ms() + 10000;
	struct io_uring_cqe *cqe;

	for (;;) {
		int ret = io_uring_peek_cqe(ring, &cqe);

		if (!ret)
			return cqe;
		if (ret != -EAGAIN)
			t_fail("io_uring_peek_cqe: %d (%s)", ret, strerror(-ret));
		if (t_now_ms() > deadline)
			t_fail("no CQE after 10 s of polling (ready %u, "
			       "sq flags 0x%x)", io_uring_cq_ready(ring),
			       *ring->sq.kflags);
		sched_yield();
	}
}

static unsigned sq_flags(const struct io_uring *ring)
{
	return io_uring_smp_load_acquire(ring->sq.kflags);
}

#if defined(__x86_64__)
#define T_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define T_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* Make io_uring_enter fail with EPERM for this thread from now on. */
static void forbid_io_uring_enter(void)
{
#ifdef T_AUDIT_ARCH
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, T_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_enter, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(filter) / sizeof(filter[0]),
		.filter = filter,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		t_fail("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0)) {
		if (errno == EINVAL)
			t_skip("kernel has no seccomp filters");
		t_fail("PR_SET_SECCOMP: %s", strerror(errno));
	}
#else
	t_skip("no seccomp audit arch known for this machine");
#endif
}

/* Runs in a child: exit status is the test result. */
static void child_no_enter(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned char seen[TOTAL_NOPS];
	unsigned done = 0, queued = 0;
	int ret;

	sqpoll_ring(&ring, 16, 2000);

	/* Warm up (entering is still allowed): the thread runs a NOP. */
	t_submit_nops(&ring, 1, 1);
	ASSERT_GE(io_uring_submit(&ring), 0);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 1);
	io_uring_cqe_seen(&ring, cqe);

	forbid_io_uring_enter();
	/* The filter is in force. */
	ret = io_uring_enter((unsigned) ring.ring_fd, 0, 0, 0, NULL);
	ASSERT_EQ(ret, -EPERM);

	memset(seen, 0, sizeof(seen));
	while (done < TOTAL_NOPS) {
		unsigned n = TOTAL_NOPS - queued;

		if (n > BATCH)
			n = BATCH;
		if (n) {
			t_submit_nops(&ring, n, 1000 + queued);
			ret = io_uring_submit(&ring);
			/* With SQPOLL the count is what the thread had not
			 * consumed yet when we looked: 0..n, never an error
			 * (an io_uring_enter would have given -EPERM). */
			if (ret < 0 || ret > (int) n)
				t_fail("io_uring_submit: %d (batch of %u)",
				       ret, n);
			queued += n;
		}
		while (done < queued) {
			__u64 idx;

			cqe = poll_cqe(&ring);
			idx = cqe->user_data - 1000;
			ASSERT_LT(idx, (__u64) TOTAL_NOPS);
			ASSERT_EQ(seen[idx], 0);
			seen[idx] = 1;
			ASSERT_EQ(cqe->res, 0);
			io_uring_cqe_seen(&ring, cqe);
			done++;
		}
	}
	for (unsigned i = 0; i < TOTAL_NOPS; i++)
		ASSERT_EQ(seen[i], 1);
	/* io_uring_sqring_wait with room left returns without entering. */
	ASSERT_EQ(io_uring_sqring_wait(&ring), 0);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
	exit(T_EXIT_PASS);
}

static void test_no_enter(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		child_no_enter();
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		t_fail("seccomp child killed by signal %d", WTERMSIG(status));
	ASSERT(WIFEXITED(status));
	if (WEXITSTATUS(status) == T_EXIT_SKIP)
		exit(T_EXIT_SKIP);
	ASSERT_EQ(WEXITSTATUS(status), T_EXIT_PASS);
}

/* Wait (bounded) until the SQ thread has gone to sleep. */
static void wait_for_sleep(struct io_uring *ring)
{
	long long deadline = t_now_ms() + 10000;

	while (!(sq_flags(ring) & IORING_SQ_NEED_WAKEUP)) {
		if (t_now_ms() > deadline)
			t_fail("SQ thread never set IORING_SQ_NEED_WAKEUP");
		usleep(10 * 1000);
	}
}

static void test_wakeup(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int ret;

	sqpoll_ring(&ring, 8, 10);
	t_submit_nops(&ring, 1, 1);
	ASSERT_GE(io_uring_submit(&ring), 0);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 1);
	io_uring_cqe_seen(&ring, cqe);

	for (unsigned round = 0; round < 3; round++) {
		/* After 10 ms without work the thread sleeps. */
		usleep(100 * 1000);
		wait_for_sleep(&ring);

		/* The submit sees NEED_WAKEUP and wakes the thread; the CQE
		 * then arrives with no further kernel entry from us. */
		t_submit_nops(&ring, 1, 10 + round);
		ret = io_uring_submit(&ring);
		ASSERT_EQ(ret, 1);
		cqe = poll_cqe(&ring);
		ASSERT_EQ(cqe->user_data, 10 + round);
		ASSERT_EQ(cqe->res, 0);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
}

static void *wake_fn(void *arg)
{
	struct io_uring *ring = arg;
	int ret;

	usleep(50 * 1000);
	ret = io_uring_enter((unsigned) ring->ring_fd, 0, 0,
			     IORING_ENTER_SQ_WAKEUP, NULL);
	return ret < 0 ? (void *) 1 : NULL;
}

static void test_sqring_wait(void)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	pthread_t th;
	void *tret;
	unsigned n;
	int ret;

	sqpoll_ring(&ring, 4, 10);
	n = ring.sq.ring_entries;
	ASSERT_EQ(n, 4);
	t_submit_nops(&ring, 1, 1);
	ASSERT_GE(io_uring_submit(&ring), 0);
	cqe = t_wait_cqe(&ring);
	io_uring_cqe_seen(&ring, cqe);

	/* Room available: returns 0 at once. */
	ASSERT_EQ(io_uring_sqring_wait(&ring), 0);

	/*
	 * Put the SQ thread to sleep, then fill the SQ and publish the tail
	 * by hand, deliberately without waking it: the SQ is full and stays
	 * full until another thread wakes the poller.
	 */
	usleep(100 * 1000);
	wait_for_sleep(&ring);
	t_submit_nops(&ring, n, 100);
	ASSERT_NULL(io_uring_get_sqe(&ring));
	ring.sq.sqe_head = ring.sq.sqe_tail;
	io_uring_smp_store_release(ring.sq.ktail, ring.sq.sqe_tail);
	ASSERT_EQ(io_uring_sq_space_left(&ring), 0);

	ASSERT_EQ(pthread_create(&th, NULL, wake_fn, &ring), 0);
	ret = io_uring_sqring_wait(&ring);
	ASSERT_GE(ret, 0);
	/* It returned because the thread consumed SQEs. */
	ASSERT_GT(io_uring_sq_space_left(&ring), 0);
	ASSERT_EQ(pthread_join(th, &tret), 0);
	ASSERT_NULL(tret);

	for (unsigned i = 0; i < n; i++) {
		cqe = t_wait_cqe(&ring);
		ASSERT_GE(cqe->user_data, 100);
		ASSERT_LT(cqe->user_data, 100 + n);
		io_uring_cqe_seen(&ring, cqe);
	}
	/* And the SQ is usable again. */
	sqe = io_uring_get_sqe(&ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 7);
	ASSERT_GE(io_uring_submit_and_wait(&ring, 1), 0);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(cqe->user_data, 7);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	if (!t_kernel_has_setup_flags(IORING_SETUP_SQPOLL))
		t_skip("kernel does not allow IORING_SETUP_SQPOLL here");
	test_no_enter();
	test_wakeup();
	test_sqring_wait();
	return T_EXIT_PASS;
}
