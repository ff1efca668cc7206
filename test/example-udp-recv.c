/* SPDX-License-Identifier: MIT */
/*
 * examples/udp-recv: its self test receives every datagram its sender
 * process sent, once and intact, and reports the exact byte count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "test.h"

int main(void)
{
	const char *build = getenv("URINGKIT_BUILD");
	unsigned long long bytes = 0, want = 0;
	unsigned int got = 0, bad = 1;
	char tool[512], cmd[700], line[256];
	FILE *f;

	if (!build)
		t_skip("URINGKIT_BUILD is not set (run through make check)");
	snprintf(tool, sizeof(tool), "%s/examples/udp-recv", build);
	if (access(tool, X_OK))
		t_skip("%s is not built", tool);
	/* The example's sender: datagram seq carries 16 + seq % 1000 bytes. */
	for (unsigned int seq = 0; seq < 3000; seq++)
		want += 16 + seq % 1000;
	snprintf(cmd, sizeof(cmd), "'%s' --self-test 3000", tool);
	f = popen(cmd, "r");
	ASSERT_NOT_NULL(f);
	while (fgets(line, sizeof(line), f))
		sscanf(line, "%u datagrams, %llu bytes, %*f us CPU per datagram, %u bad",
		       &got, &bytes, &bad);
	ASSERT_EQ(pclose(f), 0);
	ASSERT_EQ(got, 3000u);
	ASSERT_EQ(bytes, want);
	ASSERT_EQ(bad, 0u);
	return T_EXIT_PASS;
}
