/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench net, short: exits 0, every UDP receiver row received
 * packets, every TCP row served requests, and no row reports an error.
 * Loopback only; about 6 s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

#define UDP_ROWS	6	/* receivers a to f */
#define TCP_ROWS	9	/* 3 servers x 1, 8, 32 connections */
#define UDP_TITLE	27	/* width of the receiver column */
#define TCP_NAME	20	/* width of the server column */

int main(void)
{
	const char *dir = getenv("URINGKIT_BUILD");
	char path[4096], cmd[4300], line[512];
	int udp = 0, tcp = 0, status;
	bool in_udp = false, in_tcp = false;
	FILE *p;

	if (!dir || !*dir)
		t_skip("URINGKIT_BUILD is not set");
	snprintf(path, sizeof(path), "%s/uringkit", dir);
	if (access(path, X_OK))
		t_skip("%s is not built", path);
	if (!t_op_supported(IORING_OP_RECV))
		t_skip("no IORING_OP_RECV on this kernel");

	snprintf(cmd, sizeof(cmd), "'%s' bench --time 0.3 --ascii net 2>&1", path);
	p = popen(cmd, "r");
	if (!p)
		t_fail("popen(%s) failed", cmd);
	while (fgets(line, sizeof(line), p)) {
		fputs(line, stdout);
		if (!strncmp(line, "net tcp:", 8))
			in_tcp = true;
		/* The UDP table: from its header to the first note. */
		if (!strncmp(line, "  receiver ", 11)) {
			in_udp = true;
			continue;
		}
		if (!strncmp(line, "  (", 3))
			in_udp = false;
		if (in_udp && !in_tcp && line[2] >= 'a' && line[2] <= 'f' &&
		    line[3] == ' ') {
			unsigned long long sent = 0, received = 0;

			if (strstr(line, "error:"))
				t_fail("UDP receiver row failed: %s", line);
			if (strlen(line) < 2 + UDP_TITLE ||
			    sscanf(line + 2 + UDP_TITLE, "%llu %llu", &sent,
				   &received) != 2)
				t_fail("unparsable UDP row: %s", line);
			if (!received)
				t_fail("UDP receiver got no packet: %s", line);
			ASSERT_LE(received, sent);
			udp++;
		}
		if (in_tcp) {
			unsigned conns = 0;
			double rps = 0;
			int off = 0;

			if (sscanf(line, " %u %n", &conns, &off) != 1 ||
			    (conns != 1 && conns != 8 && conns != 32))
				continue;
			if (strstr(line, "error:"))
				t_fail("TCP row failed: %s", line);
			if ((size_t) off + TCP_NAME > strlen(line) ||
			    sscanf(line + off + TCP_NAME, "%lf", &rps) != 1)
				t_fail("unparsable TCP row: %s", line);
			if (!(rps > 0))
				t_fail("TCP row served no request: %s", line);
			tcp++;
		}
	}
	status = pclose(p);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		t_fail("'%s' did not exit 0 (status 0x%x)", cmd, status);
	ASSERT_EQ(udp, UDP_ROWS);
	ASSERT_EQ(tcp, TCP_ROWS);
	return T_EXIT_PASS;
}
