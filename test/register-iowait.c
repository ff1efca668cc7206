/* SPDX-License-Identifier: MIT */
/*
 * io_uring_set_iowait (Linux 6.18, IORING_FEAT_NO_IOWAIT): whether a task
 * waiting in io_uring_enter with requests in flight counts as being in
 * iowait. Disabled, every later wait passes IORING_ENTER_NO_IOWAIT; the
 * kernel must accept it (the waits below still work). Without the
 * feature bit the library refuses with -EOPNOTSUPP.
 *
 * Whether our waiting thread counts as iowait is read from that thread
 * alone: the scheduler charges the time a task sleeps in iowait to the
 * task's delay accounting (field 42 of /proc/self/task/TID/stat, block
 * I/O delay in clock ticks), and to nothing of another task's. A 200 ms
 * wait with a read in flight must add ticks there with iowait enabled
 * and add none at all with it disabled. Delay accounting is off by
 * default (kernel.task_delayacct); as root the test turns it on for its
 * run and puts the old value back (the checks run in a child, so even a
 * crash does not leave it changed). Where it cannot be had, only the
 * waits are checked, and the test says so.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

#define DELAYACCT	"/proc/sys/kernel/task_delayacct"

static int delayacct_old = -1;

static int read_knob(void)
{
	char buf[16];
	int fd = open(DELAYACCT, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return atoi(buf);
}

static bool write_knob(int v)
{
	char buf[4] = { (char) ('0' + v), '\n', 0 };
	int fd = open(DELAYACCT, O_WRONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, buf, 2) == 2;
	close(fd);
	return ok;
}

/* Delay accounting on: true if it is (or was turned on for us). */
static bool delayacct_on(void)
{
	int v = read_knob();

	if (v == 1)
		return true;
	if (v != 0 || geteuid() != 0 || !write_knob(1))
		return false;
	delayacct_old = 0;
	return read_knob() == 1;
}

static void delayacct_restore(void)
{
	if (delayacct_old >= 0 && !write_knob(delayacct_old))
		fprintf(stderr, "warning: could not restore %s to %d\n",
			DELAYACCT, delayacct_old);
	delayacct_old = -1;
}

/*
 * Clock ticks the calling thread has spent blocked in iowait (delay
 * accounting), from /proc/self/task/TID/stat field 42.
 */
static long long my_iowait_ticks(void)
{
	char path[64], buf[2048], *p;
	long long v = -1;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", gettid());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_GT(n, 0);
	buf[n] = 0;
	/* the name (field 2) may hold spaces: count from its ')' */
	p = strrchr(buf, ')');
	ASSERT_NOT_NULL(p);
	p++;
	for (int field = 3; field <= 42 && p; field++) {
		p = strchr(p, ' ');
		if (p && field == 42)
			v = strtoll(p + 1, NULL, 10);
		else if (p)
			p++;
	}
	ASSERT_GE(v, 0);
	return v;
}

/*
 * Wait 200 ms (timing out) with a pipe read in flight; returns the clock
 * ticks this thread was charged as iowait meanwhile. The read is then
 * completed and reaped.
 */
static long long wait_with_io_in_flight(struct io_uring *ring, int fds[2])
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 200000000 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	long long before, after;
	char c = 0;
	int ret;

	sqe = io_uring_get_sqe(ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_read(sqe, fds[0], &c, 1, 0);
	io_uring_sqe_set_data64(sqe, 7);
	ASSERT_EQ(io_uring_submit(ring), 1);

	before = my_iowait_ticks();
	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	after = my_iowait_ticks();
	ASSERT_EQ(ret, -ETIME);

	ASSERT_EQ(write(fds[1], "k", 1), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 7);
	ASSERT_EQ(cqe->res, 1);
	ASSERT_EQ(c, 'k');
	io_uring_cqe_seen(ring, cqe);
	return after - before;
}

static void simple_waits(struct io_uring *ring, __u64 ud)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 10000000 };
	struct io_uring_cqe *cqe;

	t_submit_nops(ring, 2, ud);
	ASSERT_EQ(io_uring_submit_and_wait(ring, 2), 2);
	ASSERT_EQ(io_uring_cq_ready(ring), 2);
	io_uring_cq_advance(ring, 2);
	ASSERT_EQ(io_uring_wait_cqe_timeout(ring, &cqe, &ts), -ETIME);
	t_submit_nops(ring, 1, ud + 2);
	ASSERT_EQ(io_uring_submit(ring), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, ud + 2);
	io_uring_cqe_seen(ring, cqe);
}

static int run(bool observable)
{
	struct io_uring ring;
	long long on, off;
	int fds[2];

	t_ring_init(&ring, 8, NULL);
	ASSERT_EQ(pipe(fds), 0);

	/* Default (iowait on): the wait is charged to us as iowait. */
	on = wait_with_io_in_flight(&ring, fds);
	if (observable)
		ASSERT_GT(on, 0);

	/* Off: not one tick, whatever the rest of the machine does. */
	ASSERT_EQ(io_uring_set_iowait(&ring, false), 0);
	simple_waits(&ring, 100);
	off = wait_with_io_in_flight(&ring, fds);
	if (observable)
		ASSERT_EQ(off, 0);

	/* On again. */
	ASSERT_EQ(io_uring_set_iowait(&ring, true), 0);
	simple_waits(&ring, 200);
	if (observable)
		ASSERT_GT(wait_with_io_in_flight(&ring, fds), 0);

	/* Disabled again, through a registered ring index. */
	if (io_uring_register_ring_fd(&ring) == 1) {
		ASSERT_EQ(io_uring_set_iowait(&ring, false), 0);
		simple_waits(&ring, 300);
		off = wait_with_io_in_flight(&ring, fds);
		if (observable)
			ASSERT_EQ(off, 0);
		ASSERT_EQ(io_uring_set_iowait(&ring, true), 0);
		simple_waits(&ring, 400);
		if (observable)
			ASSERT_GT(wait_with_io_in_flight(&ring, fds), 0);
	}
	if (observable)
		printf("iowait ticks of our waiting thread over 200 ms: %lld "
		       "with iowait, 0 without\n", on);
	else
		printf("note: no delay accounting here (%s); only checking "
		       "that the waits work\n", DELAYACCT);

	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}

int main(void)
{
	struct io_uring ring, copy;
	bool observable;
	int status;
	pid_t pid;

	t_ring_init(&ring, 8, NULL);
	/* Without the feature bit the library refuses, in both directions. */
	copy = ring;
	copy.features &= ~IORING_FEAT_NO_IOWAIT;
	ASSERT_EQ(io_uring_set_iowait(&copy, false), -EOPNOTSUPP);
	ASSERT_EQ(io_uring_set_iowait(&copy, true), -EOPNOTSUPP);
	if (!(ring.features & IORING_FEAT_NO_IOWAIT)) {
		io_uring_queue_exit(&ring);
		t_skip("kernel lacks IORING_FEAT_NO_IOWAIT (needs 6.18)");
	}
	io_uring_queue_exit(&ring);

	observable = delayacct_on();
	fflush(stdout);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		delayacct_old = -1;	/* the parent restores, not us */
		exit(run(observable));
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	delayacct_restore();
	if (WIFSIGNALED(status))
		t_fail("the test child died of signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}
