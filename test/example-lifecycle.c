/* SPDX-License-Identifier: MIT */
/*
 * examples/lifecycle in its short mode: 300 messages from a producer
 * thread arrive in order through a tracked multishot receive, the drain
 * finishes it, every provided buffer comes back, and the data survives a
 * write-all / read-full round trip through a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

int main(void)
{
	const char *build = getenv("URINGKIT_BUILD");
	char tool[512], cmd[1600], out[4096];
	size_t n;
	FILE *f;
	int st;

	if (!build)
		t_skip("URINGKIT_BUILD is not set (run through make check)");
	snprintf(tool, sizeof(tool), "%s/examples/lifecycle", build);
	if (access(tool, X_OK))
		t_skip("%s is not built", tool);
	t_require_op(IORING_OP_RECV);
	snprintf(cmd, sizeof(cmd), "'%s' 300 '%s/out'", tool, t_tmpdir());
	f = popen(cmd, "r");
	ASSERT_NOT_NULL(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	st = pclose(f);
	printf("%s", out);
	ASSERT(WIFEXITED(st));
	ASSERT_EQ(WEXITSTATUS(st), 0);
	ASSERT_NOT_NULL(strstr(out, "received 9600 bytes in 300 messages; "
				    "released 1; buffers back 16 of 16: ok"));
	ASSERT_NOT_NULL(strstr(out, "0 still running"));
	return T_EXIT_PASS;
}
