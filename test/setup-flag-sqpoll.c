/* SPDX-License-Identifier: MIT */
/*
 * IORING_SETUP_SQPOLL, SQ_AFF and ATTACH_WQ: a kernel thread submits for
 * us. Real effects checked: data written and read back through the SQ
 * thread, the thread exists ("iou-sqp-<pid>"), SQ_AFF pins it to the CPU
 * asked for, ATTACH_WQ shares one thread between two rings.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "test.h"

#define LEN 8192

/* Thread ids of this process's SQ poll threads, up to max; returns count. */
static int sqpoll_threads(int *tids, int max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	ASSERT_NOT_NULL(d);
	while ((de = readdir(d))) {
		char path[300], comm[64] = "";
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;	/* exited meanwhile */
		if (fgets(comm, sizeof(comm), f) &&
		    !strncmp(comm, "iou-sqp-", 8)) {
			if (n < max)
				tids[n] = atoi(de->d_name);
			n++;
		}
		fclose(f);
	}
	closedir(d);
	return n;
}

/*
 * With SQPOLL, io_uring_submit() reports the SQEs the kernel has not yet
 * consumed (as liburing does), which can include earlier ones whose
 * completions arrived before the thread moved the SQ head: at least n.
 */
static void submit_sqpoll(struct io_uring *ring, int n)
{
	int ret = io_uring_submit(ring);

	if (ring->flags & IORING_SETUP_SQPOLL) {
		ASSERT_GE(ret, n);
		ASSERT_LE(ret, (int) ring->sq.ring_entries);
	} else {
		ASSERT_EQ(ret, n);
	}
}

/* Write a pattern through the ring, read it back through the ring. */
static void write_read(struct io_uring *ring, int fd, unsigned seed)
{
	static unsigned char wbuf[LEN], rbuf[LEN];
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;

	t_fill(wbuf, LEN, seed);
	memset(rbuf, 0, LEN);
	sqe = io_uring_get_sqe(ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_write(sqe, fd, wbuf, LEN, 0);
	io_uring_sqe_set_data64(sqe, 1);
	submit_sqpoll(ring, 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 1);
	ASSERT_EQ(cqe->res, LEN);
	io_uring_cqe_seen(ring, cqe);

	sqe = io_uring_get_sqe(ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_read(sqe, fd, rbuf, LEN, 0);
	io_uring_sqe_set_data64(sqe, 2);
	submit_sqpoll(ring, 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 2);
	ASSERT_EQ(cqe->res, LEN);
	io_uring_cqe_seen(ring, cqe);
	ASSERT_EQ(t_check_fill(rbuf, LEN, 0, seed), LEN);

	/* And the bytes really are in the file. */
	memset(rbuf, 0, LEN);
	ASSERT_EQ(pread(fd, rbuf, LEN, 0), LEN);
	ASSERT_EQ(t_check_fill(rbuf, LEN, 0, seed), LEN);
}

/* Many NOPs through the SQ thread, all reaped. */
static void nops(struct io_uring *ring, unsigned n)
{
	unsigned seen = 0;
	__u64 sum = 0;

	t_submit_nops(ring, n, 1000);
	submit_sqpoll(ring, (int) n);
	while (seen < n) {
		struct io_uring_cqe *cqe = t_wait_cqe(ring);

		ASSERT_EQ(cqe->res, 0);
		sum += cqe->user_data - 1000;
		io_uring_cqe_seen(ring, cqe);
		seen++;
	}
	ASSERT_EQ(sum, (__u64) n * (n - 1) / 2);
}

static int pick_cpu(void)
{
	cpu_set_t set;
	int cpu = -1;

	ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			cpu = i;	/* the last: unlikely to be the default */
	ASSERT_GE(cpu, 0);
	return cpu;
}

static void check_thread_cpu(int tid, int cpu)
{
	char path[64], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	f = fopen(path, "r");
	ASSERT_NOT_NULL(f);
	while (fgets(line, sizeof(line), f)) {
		char want[64];

		if (strncmp(line, "Cpus_allowed_list:", 18))
			continue;
		found = true;
		snprintf(want, sizeof(want), "Cpus_allowed_list:\t%d\n", cpu);
		if (strcmp(line, want))
			t_fail("SQ thread %d: \"%.*s\", want CPU %d", tid,
			       (int) strlen(line) - 1, line, cpu);
	}
	fclose(f);
	ASSERT(found);
}

/* Two SQPOLL rings, the second attached to the first: one thread. */
static void attach_wq_sqpoll(int fd)
{
	int fd2 = dup(fd);

	struct io_uring ring, ring2;
	struct io_uring_params p;
	int tids[8];

	ASSERT_EQ(sqpoll_threads(tids, 8), 0);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 100;
	t_ring_init(&ring, 8, &p);
	/*
	 * The thread names itself when it starts running; once it has done
	 * I/O for us it certainly has.
	 */
	write_read(&ring, fd, 10);
	ASSERT_EQ(sqpoll_threads(tids, 8), 1);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_ATTACH_WQ;
	p.wq_fd = (unsigned) ring.ring_fd;
	t_ring_init(&ring2, 8, &p);
	ASSERT_EQ(ring2.flags, IORING_SETUP_SQPOLL | IORING_SETUP_ATTACH_WQ);
	write_read(&ring2, fd2, 11);
	/* One thread serves both rings. */
	ASSERT_EQ(sqpoll_threads(tids, 8), 1);
	nops(&ring, 8);
	nops(&ring2, 8);
	ASSERT_EQ(sqpoll_threads(tids, 8), 1);
	io_uring_queue_exit(&ring2);
	/* The first ring keeps working once its partner is gone. */
	write_read(&ring, fd, 12);
	io_uring_queue_exit(&ring);
	close(fd2);
}

/* An SQ_AFF ring: its thread may run only on sq_thread_cpu. */
static void sq_aff(int fd)
{
	struct io_uring ring;
	struct io_uring_params p;
	int cpu = pick_cpu(), tids[8];

	ASSERT_EQ(sqpoll_threads(tids, 8), 0);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF;
	p.sq_thread_cpu = (unsigned) cpu;
	t_ring_init(&ring, 8, &p);
	/* Once it has done I/O the thread has certainly set itself up. */
	write_read(&ring, fd, 30);
	ASSERT_EQ(sqpoll_threads(tids, 8), 1);
	check_thread_cpu(tids[0], cpu);
	nops(&ring, 8);
	io_uring_queue_exit(&ring);
}

/*
 * Run fn in a fresh child process: it starts with no SQ thread at all,
 * whereas in this process the threads of exited rings (such as those
 * t_require_setup_flags() makes) go away asynchronously.
 */
static void in_child(void (*fn)(int), int arg)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		fn(arg);
		exit(T_EXIT_PASS);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		t_fail("child failed (status 0x%x)", status);
}

int main(void)
{
	struct io_uring ring, ring2;
	struct io_uring_params p;
	char path[512];
	int fd, fd2, base_fds;
	char *dir;

	t_require_setup_flags(IORING_SETUP_SQPOLL);
	dir = t_tmpdir();
	snprintf(path, sizeof(path), "%s/a", dir);
	fd = t_create_file(path, LEN, 1);
	snprintf(path, sizeof(path), "%s/b", dir);
	fd2 = t_create_file(path, LEN, 2);
	base_fds = t_count_fds();

	/*
	 * ATTACH_WQ with SQPOLL in a fresh child process, which has no SQ
	 * thread at all yet (threads of exited rings, such as the one
	 * t_require_setup_flags() made, go away asynchronously).
	 */
	in_child(attach_wq_sqpoll, fd);

	/* Plain SQPOLL. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 10;
	t_ring_init(&ring, 16, &p);
	ASSERT_NE(ring.features & IORING_FEAT_SQPOLL_NONFIXED, 0);
	write_read(&ring, fd, 20);
	nops(&ring, 16);
	/* Let the thread go idle, then submit again: it must be woken. */
	usleep(50 * 1000);
	write_read(&ring, fd, 21);
	nops(&ring, 16);
	io_uring_queue_exit(&ring);
	ASSERT_EQ(t_count_fds(), base_fds);

	/* SQ_AFF pins the thread to sq_thread_cpu (in a fresh child, too). */
	t_require_setup_flags(IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF);
	in_child(sq_aff, fd);

	/* ATTACH_WQ without SQPOLL shares the io-wq; the ring works. */
	t_ring_init(&ring, 8, NULL);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_ATTACH_WQ;
	p.wq_fd = (unsigned) ring.ring_fd;
	t_ring_init(&ring2, 8, &p);
	write_read(&ring2, fd2, 40);
	{
		/* Force io-wq: IOSQE_ASYNC punts the request to the workers. */
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring2);
		struct io_uring_cqe *cqe;
		unsigned char buf[LEN];

		ASSERT_NOT_NULL(sqe);
		io_uring_prep_read(sqe, fd2, buf, LEN, 0);
		io_uring_sqe_set_flags(sqe, IOSQE_ASYNC);
		io_uring_sqe_set_data64(sqe, 9);
		ASSERT_EQ(io_uring_submit(&ring2), 1);
		cqe = t_wait_cqe(&ring2);
		ASSERT_EQ(cqe->user_data, 9);
		ASSERT_EQ(cqe->res, LEN);
		io_uring_cqe_seen(&ring2, cqe);
		ASSERT_EQ(t_check_fill(buf, LEN, 0, 40), LEN);
	}
	write_read(&ring, fd, 41);
	io_uring_queue_exit(&ring);
	write_read(&ring2, fd2, 42);
	io_uring_queue_exit(&ring2);

	close(fd);
	close(fd2);
	ASSERT_EQ(t_count_fds(), base_fds - 2);
	return T_EXIT_PASS;
}
