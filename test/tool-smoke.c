/* SPDX-License-Identifier: MIT */
/*
 * uringkit probe --json runs, exits 0, lists every opcode this library
 * knows, and reports NOP as supported (it has been since 5.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uringkit/ops.h>
#include "test.h"

int main(void)
{
	const char *dir = getenv("URINGKIT_BUILD");
	char path[4096], cmd[4200], line[512], want[32];
	int ops = 0, nop_lines = 0, nop_supported = 0, status;
	bool count_ok = false, closed = false;
	FILE *p;

	if (!dir || !*dir)
		t_skip("URINGKIT_BUILD is not set");
	snprintf(path, sizeof(path), "%s/uringkit", dir);
	if (access(path, X_OK))
		t_skip("%s is not built", path);
	if (!t_op_supported(IORING_OP_NOP))
		t_skip("no io_uring on this kernel");

	snprintf(cmd, sizeof(cmd), "'%s' probe --json", path);
	p = popen(cmd, "r");
	if (!p)
		t_fail("popen(%s) failed", cmd);
	snprintf(want, sizeof(want), "\"count\": %d,", IORING_OP_LAST);
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, "\"ops\": {") && strstr(line, want))
			count_ok = true;
		if (strstr(line, "{\"op\": ")) {
			ops++;
			if (strstr(line, "\"name\": \"NOP\"")) {
				nop_lines++;
				nop_supported = !!strstr(line, "\"supported\": true");
			}
		}
		if (!strcmp(line, "}\n"))
			closed = true;
	}
	status = pclose(p);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		t_fail("'%s' did not exit 0 (status 0x%x)", cmd, status);

	ASSERT(count_ok);
	ASSERT_EQ(ops, IORING_OP_LAST);
	ASSERT_EQ(uringkit_op_count(), IORING_OP_LAST);
	ASSERT_EQ(nop_lines, 1);
	ASSERT(nop_supported);
	ASSERT(closed);
	return T_EXIT_PASS;
}
