/* SPDX-License-Identifier: MIT */
/*
 * uringkit inspect PID shows the rings of a running process: a child sets
 * up an SQPOLL ring with two registered files and one registered buffer,
 * leaves a read pending on an empty pipe and waits; inspect (text and
 * --json) must show the ring's fd, the SQPOLL thread, the registered
 * files and buffer, the pending read, and heads/tails that add up. A
 * process without rings and a PID that does not exist are handled too.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

static char out[65536];

/* Run the tool; returns its exit status, output in out. */
static int run(const char *tool, const char *args)
{
	char cmd[1024];
	size_t n = 0;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' inspect %s 2>/dev/null", tool, args);
	f = popen(cmd, "r");
	ASSERT_NOT_NULL(f);
	while (n < sizeof(out) - 1) {
		size_t got = fread(out + n, 1, sizeof(out) - 1 - n, f);

		if (!got)
			break;
		n += got;
	}
	out[n] = 0;
	st = pclose(f);
	ASSERT(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void child(int ready_fd)
{
	struct io_uring_params p = { .flags = IORING_SETUP_SQPOLL,
				     .sq_thread_idle = 1000 };
	static char buf[4096], rbuf[64];
	struct io_uring ring;
	struct iovec iov = { buf, sizeof(buf) };
	struct io_uring_sqe *sqe;
	int fds[2], pp[2], ret;

	ret = io_uring_queue_init_params(8, &ring, &p);
	if (ret < 0) {
		memset(&p, 0, sizeof(p));
		ret = io_uring_queue_init_params(8, &ring, &p);
	}
	if (ret < 0 || pipe(pp))
		_exit(3);
	fds[0] = pp[0];
	fds[1] = pp[1];
	if (io_uring_register_files(&ring, fds, 2) ||
	    io_uring_register_buffers(&ring, &iov, 1))
		_exit(4);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, pp[0], rbuf, sizeof(rbuf), 0);
	io_uring_sqe_set_data64(sqe, 99);
	if (io_uring_submit(&ring) != 1)
		_exit(5);
	/* Tell the parent the fd number and whether SQPOLL is on. */
	dprintf(ready_fd, "%d %d\n", ring.ring_fd,
		!!(ring.flags & IORING_SETUP_SQPOLL));
	for (;;)
		pause();
}

int main(void)
{
	const char *build = getenv("URINGKIT_BUILD");
	char tool[512], args[64], line[64], want[128];
	int sync[2], ring_fd = -1, sqpoll = 0, st;
	pid_t pid;
	FILE *f;

	if (!build)
		t_skip("URINGKIT_BUILD is not set (run through make check)");
	snprintf(tool, sizeof(tool), "%s/uringkit", build);
	if (access(tool, X_OK))
		t_skip("%s is not built", tool);
	{
		struct io_uring r;

		t_ring_init(&r, 2, NULL);
		io_uring_queue_exit(&r);
	}

	ASSERT_EQ(pipe(sync), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		close(sync[0]);
		child(sync[1]);
	}
	close(sync[1]);
	f = fdopen(sync[0], "r");
	ASSERT_NOT_NULL(f);
	if (!fgets(line, sizeof(line), f)) {
		waitpid(pid, &st, 0);
		t_fail("child failed to set up (exit %d)", WEXITSTATUS(st));
	}
	fclose(f);
	ASSERT_EQ(sscanf(line, "%d %d", &ring_fd, &sqpoll), 2);
	/* The pending read reaches the kernel's poll list through SQPOLL too. */
	usleep(100 * 1000);

	snprintf(args, sizeof(args), "%d", (int) pid);
	ASSERT_EQ(run(tool, args), 0);
	printf("%s", out);
	snprintf(want, sizeof(want), "ring fd %d\n", ring_fd);
	ASSERT_NOT_NULL(strstr(out, want));
	ASSERT_NOT_NULL(strstr(out, "registered files: 2"));
	ASSERT_NOT_NULL(strstr(out, "registered buffers: 1"));
	ASSERT_NOT_NULL(strstr(out, "/4096"));
	ASSERT_NOT_NULL(strstr(out, "READ  op=22"));
	ASSERT_NOT_NULL(strstr(out, "SQ: head 1 tail 1 (0 queued), 8 entries"));
	ASSERT_NOT_NULL(strstr(out, "CQ: head 0 tail 0 (0 ready), 16 entries, overflow 0"));
	if (sqpoll)
		ASSERT_NOT_NULL(strstr(out, "SQPOLL thread "));

	snprintf(args, sizeof(args), "%d --json", (int) pid);
	ASSERT_EQ(run(tool, args), 0);
	snprintf(want, sizeof(want), "{\"pid\": %d, \"rings\": [{\"fd\": %d, ",
		 (int) pid, ring_fd);
	ASSERT_NOT_NULL(strstr(out, want));
	ASSERT_NOT_NULL(strstr(out, "\"sq_head\": 1, \"sq_tail\": 1"));
	ASSERT_NOT_NULL(strstr(out, "\"user_files\": 2, \"user_bufs\": 1"));
	ASSERT_NOT_NULL(strstr(out, "\"pending\": [{\"op\": \"READ\", \"opcode\": 22"));
	if (sqpoll)
		ASSERT_NULL(strstr(out, "\"sq_thread\": -1"));
	ASSERT(out[strlen(out) - 2] == '}');

	kill(pid, SIGKILL);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);

	/* The dead child: its /proc entry is gone. */
	ASSERT_EQ(run(tool, args), 1);
	/* A process with no ring. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		for (;;)
			pause();
	}
	snprintf(args, sizeof(args), "%d", (int) pid);
	ASSERT_EQ(run(tool, args), 0);
	ASSERT_NOT_NULL(strstr(out, "has no io_uring rings"));
	snprintf(args, sizeof(args), "%d --json", (int) pid);
	ASSERT_EQ(run(tool, args), 0);
	ASSERT_NOT_NULL(strstr(out, "\"rings\": []}"));
	kill(pid, SIGKILL);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_EQ(run(tool, "notapid"), 2);
	ASSERT_EQ(run(tool, ""), 2);
	return T_EXIT_PASS;
}
