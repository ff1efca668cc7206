/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench --quick net: exits 0; every UDP receiver row (a to g, at
 * 10K packets/s) received packets, no more than were sent in the window;
 * every TCP row (epoll and io_uring at 50 and 300 connections) served
 * requests with a latency and a CPU cost, and no row reports an error.
 * The load generator compares every echo with the request it sent, so a
 * server that returns wrong bytes fails its row here. Loopback; about 6 s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

#define UDP_ROWS	7	/* receivers a to g, one rate */
#define TCP_ROWS	4	/* 2 servers x 50, 300 connections */
#define UDP_TITLE	27	/* width of the receiver column */
#define TCP_NAME	9	/* width of the server column */

static void udp_row(const char *line)
{
	unsigned long long sent = 0, received = 0;

	if (strstr(line, "error:"))
		t_fail("UDP receiver row failed: %s", line);
	if (strlen(line) < 2 + UDP_TITLE ||
	    sscanf(line + 2 + UDP_TITLE, "%llu %llu", &sent, &received) != 2)
		t_fail("unparsable UDP row: %s", line);
	if (!received)
		t_fail("UDP receiver got no packet: %s", line);
	ASSERT_LE(received, sent);
}

static void tcp_row(const char *line, int off, unsigned conns, int *seen)
{
	double rps = 0, p50 = 0, p99 = 0, cpu = 0, wait = 0, cpu_req = 0;
	double client = 0;
	const char *name = line + off;

	if (strstr(line, "error:"))
		t_fail("TCP row failed: %s", line);
	if ((size_t) off + TCP_NAME > strlen(line) ||
	    sscanf(name + TCP_NAME, "%lf %lf %lf %lf %lf %lf %lf", &rps, &p50,
		   &p99, &cpu, &wait, &cpu_req, &client) != 7)
		t_fail("unparsable TCP row: %s", line);
	if (!(rps > 0) || !(p50 > 0) || !(p99 >= p50) || !(cpu > 0) ||
	    !(wait >= 0) || !(cpu_req > 0) || !(client > 0))
		t_fail("incomplete TCP row: %s", line);
	if (!strncmp(name, "epoll ", 6))
		seen[conns == 300] |= 1;
	else if (!strncmp(name, "io_uring ", 9))
		seen[conns == 300] |= 2;
	else
		t_fail("unknown TCP server: %s", line);
}

int main(void)
{
	const char *dir = getenv("URINGKIT_BUILD");
	char path[4096], cmd[4300], line[512];
	int udp = 0, tcp = 0, status, seen[2] = { 0, 0 };
	bool in_udp = false, in_tcp = false;
	FILE *p;

	if (!dir || !*dir)
		t_skip("URINGKIT_BUILD is not set");
	snprintf(path, sizeof(path), "%s/uringkit", dir);
	if (access(path, X_OK))
		t_skip("%s is not built", path);
	if (!t_op_supported(IORING_OP_RECV))
		t_skip("no IORING_OP_RECV on this kernel");

	snprintf(cmd, sizeof(cmd), "'%s' bench --quick --ascii net 2>&1", path);
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
		if (in_udp && !in_tcp && line[2] >= 'a' && line[2] <= 'g' &&
		    line[3] == ' ') {
			udp_row(line);
			udp++;
		}
		if (in_tcp) {
			unsigned conns = 0;
			int off = 0;

			if (sscanf(line, " %u %n", &conns, &off) != 1 ||
			    (conns != 50 && conns != 300))
				continue;
			tcp_row(line, off, conns, seen);
			tcp++;
		}
	}
	status = pclose(p);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		t_fail("'%s' did not exit 0 (status 0x%x)", cmd, status);
	ASSERT_EQ(udp, UDP_ROWS);
	ASSERT_EQ(tcp, TCP_ROWS);
	ASSERT_EQ(seen[0], 3);
	ASSERT_EQ(seen[1], 3);
	return T_EXIT_PASS;
}
