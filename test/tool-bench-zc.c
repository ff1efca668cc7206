/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench zc --quick: every sender (send(), MSG_ZEROCOPY, io_uring
 * send, send_zc, send_zc_fixed, sendmsg_zc_fixed from the arena) at every
 * message size delivered every byte intact (the receiver process's
 * checksum matched the sender's), the zero-copy senders saw their
 * notifications, and the command exited 0. The veth leg must either run
 * the same way or say why it was skipped. About 10 s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

#define NAME_W	22	/* width of the sender column */

static const char *const senders[] = {
	"send()", "MSG_ZEROCOPY", "io_uring send", "send_zc", "send_zc_fixed",
	"sendmsg_zc_fixed arena",
};
#define NR_SENDERS	6
static const unsigned sizes[] = { 4, 64, 256 };
#define NR_SIZES	3

static int size_index(unsigned kib)
{
	int i;

	for (i = 0; i < NR_SIZES; i++)
		if (sizes[i] == kib)
			return i;
	return -1;
}

static int sender_index(const char *col)
{
	int i;

	for (i = NR_SENDERS - 1; i >= 0; i--) {
		size_t n = strlen(senders[i]);

		if (!strncmp(col, senders[i], n) && col[n] == ' ')
			return i;
	}
	return -1;
}

int main(void)
{
	const char *dir = getenv("URINGKIT_BUILD");
	char path[4096], cmd[4300], line[512];
	int seen[2][NR_SIZES][NR_SENDERS] = { { { 0 } } };
	int leg = -1, rows[2] = { 0, 0 }, status, i, j;
	bool veth_skipped = false;
	FILE *p;

	if (!dir || !*dir)
		t_skip("URINGKIT_BUILD is not set");
	snprintf(path, sizeof(path), "%s/uringkit", dir);
	if (access(path, X_OK))
		t_skip("%s is not built", path);
	if (!t_op_supported(IORING_OP_SEND_ZC) ||
	    !t_op_supported(IORING_OP_SENDMSG_ZC))
		t_skip("no zero-copy send opcodes on this kernel");

	snprintf(cmd, sizeof(cmd), "'%s' bench --quick --ascii zc 2>&1", path);
	p = popen(cmd, "r");
	if (!p)
		t_fail("popen(%s) failed", cmd);
	while (fgets(line, sizeof(line), p)) {
		unsigned kib = 0;
		double gib, cpu, sys;
		char notif[16], copied[16];
		int off = 0, si, ki;
		const char *col;

		fputs(line, stdout);
		if (!strncmp(line, "  loopback (", 12))
			leg = 0;
		else if (!strncmp(line, "  veth pair", 11))
			leg = 1;
		else if (!strncmp(line, "  veth leg skipped: ", 20))
			veth_skipped = true;
		if (leg < 0 || sscanf(line, " %uK %n", &kib, &off) != 1 ||
		    (si = size_index(kib)) < 0)
			continue;
		col = line + off;
		ki = sender_index(col);
		if (ki < 0)
			t_fail("row with an unknown sender: %s", line);
		if (strstr(line, "error:"))
			t_fail("row failed: %s", line);
		if (strlen(col) < NAME_W ||
		    sscanf(col + NAME_W, "%lf %lf %lf %15s %15s", &gib, &cpu,
			   &sys, notif, copied) != 5)
			t_fail("unparsable row: %s", line);
		/* The receiver's checksum verdict closes the row. */
		if (!strstr(col, " intact\n"))
			t_fail("data not verified intact: %s", line);
		if (!(gib > 0) || !(sys > 0))
			t_fail("nothing measured: %s", line);
		/*
		 * Zero-copy senders free memory on notifications: they came
		 * (the copied column is "-" only without any).
		 */
		if (ki != 0 && ki != 2 && (!strcmp(notif, "-") ||
					   !strcmp(copied, "-")))
			t_fail("zero-copy sender without notifications: %s", line);
		seen[leg][si][ki]++;
		rows[leg]++;
	}
	status = pclose(p);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		t_fail("'%s' did not exit 0 (status 0x%x)", cmd, status);
	for (i = 0; i < NR_SIZES; i++)
		for (j = 0; j < NR_SENDERS; j++) {
			if (seen[0][i][j] != 1)
				t_fail("loopback, %u KiB, %s: %d rows", sizes[i],
				       senders[j], seen[0][i][j]);
			if (!veth_skipped && seen[1][i][j] != 1)
				t_fail("veth, %u KiB, %s: %d rows", sizes[i],
				       senders[j], seen[1][i][j]);
		}
	ASSERT_EQ(rows[0], NR_SIZES * NR_SENDERS);
	ASSERT_EQ(rows[1], veth_skipped ? 0 : NR_SIZES * NR_SENDERS);
	if (veth_skipped)
		printf("note: the veth leg was skipped (reason above)\n");
	return T_EXIT_PASS;
}
