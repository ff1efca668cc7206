/* SPDX-License-Identifier: MIT */
/*
 * examples/echo-server: its self test (many connections at once, every
 * echo compared, the exact byte count reported), then the server as a
 * user runs it: started on a free port, one connection echoing, SIGINT
 * from outside, a clean exit 0.
 */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "net.h"
#include "test.h"

static void self_test(const char *tool)
{
	unsigned long want = 0, got = 0;
	char cmd[700], line[256];
	FILE *f;

	/* The example's message sizes: 1 + (c * 977 + i * 1543) % 5000. */
	for (unsigned int c = 0; c < 16; c++)
		for (unsigned int i = 0; i < 25; i++)
			want += 1 + (c * 977 + i * 1543) % 5000;
	snprintf(cmd, sizeof(cmd), "'%s' --self-test 16 25", tool);
	f = popen(cmd, "r");
	ASSERT_NOT_NULL(f);
	while (fgets(line, sizeof(line), f))
		sscanf(line, "echoed %lu bytes", &got);
	ASSERT_EQ(pclose(f), 0);
	ASSERT_EQ(got, want);
}

static void sigint_from_outside(const char *tool)
{
	struct sockaddr_in a = t_loopback4();
	char line[256], buf[6];
	int err[2], port = 0, fd, status;
	pid_t pid;
	FILE *f;

	ASSERT_EQ(pipe(err), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		dup2(err[1], 2);
		execl(tool, tool, "-p", "0", (char *) NULL);
		_exit(127);
	}
	close(err[1]);
	f = fdopen(err[0], "r");
	ASSERT_NOT_NULL(f);
	ASSERT_NOT_NULL(fgets(line, sizeof(line), f));
	ASSERT_EQ(sscanf(line, "echo-server: port %d", &port), 1);
	a.sin_port = htons((uint16_t) port);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_EQ(connect(fd, (struct sockaddr *) &a, sizeof(a)), 0);
	ASSERT_EQ(write(fd, "hello", 5), 5);
	t_read_exact(fd, buf, 5);
	ASSERT_MEM_EQ(buf, "hello", 5);
	ASSERT_EQ(kill(pid, SIGINT), 0);
	/* The server closes the connection it still has, then exits 0. */
	ASSERT_EQ(read(fd, buf, 1), 0);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
	close(fd);
	fclose(f);
}

int main(void)
{
	const char *build = getenv("URINGKIT_BUILD");
	char tool[512];

	if (!build)
		t_skip("URINGKIT_BUILD is not set (run through make check)");
	snprintf(tool, sizeof(tool), "%s/examples/echo-server", build);
	if (access(tool, X_OK))
		t_skip("%s is not built", tool);
	self_test(tool);
	sigint_from_outside(tool);
	return T_EXIT_PASS;
}
