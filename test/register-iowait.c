/* SPDX-License-Identifier: MIT */
/*
 * io_uring_set_iowait (Linux 6.18, IORING_FEAT_NO_IOWAIT): whether a task
 * waiting in io_uring_enter with requests in flight counts as being in
 * iowait. Disabled, every later wait passes IORING_ENTER_NO_IOWAIT; the
 * kernel must accept it (the waits below still work), and where the
 * system-wide count of tasks in iowait (/proc/stat procs_blocked) is
 * visible, our waiting task shows up in it only while iowait is enabled.
 * Without the feature bit the library refuses with -EOPNOTSUPP.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

/* procs_blocked from /proc/stat, or -1. */
static int procs_blocked(void)
{
	char buf[16384];
	ssize_t n;
	char *p;
	int fd;

	fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strstr(buf, "procs_blocked ");
	if (!p)
		return -1;
	return atoi(p + strlen("procs_blocked "));
}

struct sampler {
	volatile int stop;
	int min, max;
};

static void *sample_fn(void *arg)
{
	struct sampler *s = arg;

	s->min = 1 << 30;
	s->max = -1;
	/* Let the waiter get into the kernel first. */
	usleep(30 * 1000);
	while (!s->stop) {
		int v = procs_blocked();

		if (v < 0)
			break;
		if (v < s->min)
			s->min = v;
		if (v > s->max)
			s->max = v;
		usleep(5 * 1000);
	}
	return NULL;
}

/*
 * Wait 200 ms (timing out) with a pipe read in flight, sampling
 * procs_blocked meanwhile. The read is then completed and reaped.
 */
static void wait_with_io_in_flight(struct io_uring *ring, int fds[2],
				   struct sampler *s)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 200000000 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	pthread_t th;
	char c = 0;
	int ret;

	sqe = io_uring_get_sqe(ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_read(sqe, fds[0], &c, 1, 0);
	io_uring_sqe_set_data64(sqe, 7);
	ASSERT_EQ(io_uring_submit(ring), 1);

	s->stop = 0;
	ASSERT_EQ(pthread_create(&th, NULL, sample_fn, s), 0);
	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	s->stop = 1;
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(ret, -ETIME);

	ASSERT_EQ(write(fds[1], "k", 1), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 7);
	ASSERT_EQ(cqe->res, 1);
	ASSERT_EQ(c, 'k');
	io_uring_cqe_seen(ring, cqe);
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

int main(void)
{
	struct io_uring ring, copy;
	struct sampler s;
	int fds[2];
	bool observable = false;

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
	ASSERT_EQ(pipe(fds), 0);

	/* Default (iowait on): can we see our waiting task at all? */
	wait_with_io_in_flight(&ring, fds, &s);
	observable = s.max >= 1;
	if (!observable)
		printf("note: procs_blocked does not show the waiting task "
		       "here; only checking that waits work\n");

	ASSERT_EQ(io_uring_set_iowait(&ring, false), 0);
	simple_waits(&ring, 100);
	/*
	 * iowait off: if our task were counted, procs_blocked would be >= 1
	 * at every sample. Other tasks may add noise, so retry a few times
	 * before calling it a failure.
	 */
	for (int attempt = 0; ; attempt++) {
		wait_with_io_in_flight(&ring, fds, &s);
		if (!observable || s.min == 0)
			break;
		if (attempt == 4)
			t_fail("with iowait disabled procs_blocked never "
			       "dropped to 0 (min %d) while we waited", s.min);
	}

	ASSERT_EQ(io_uring_set_iowait(&ring, true), 0);
	simple_waits(&ring, 200);
	if (observable) {
		wait_with_io_in_flight(&ring, fds, &s);
		ASSERT_GE(s.max, 1);
	}

	/* Disabled again, through a registered ring index. */
	if (io_uring_register_ring_fd(&ring) == 1) {
		ASSERT_EQ(io_uring_set_iowait(&ring, false), 0);
		simple_waits(&ring, 300);
		wait_with_io_in_flight(&ring, fds, &s);
		ASSERT_EQ(io_uring_set_iowait(&ring, true), 0);
		simple_waits(&ring, 400);
	}

	close(fds[0]);
	close(fds[1]);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
