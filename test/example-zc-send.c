/* SPDX-License-Identifier: MIT */
/*
 * examples/zc-send: its self test sends three-piece messages from one
 * small registered arena (memory reused only after each notification) to
 * a reader that checks every byte of the stream; every request had its
 * notification and the byte count is exact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "test.h"

int main(void)
{
	const char *build = getenv("URINGKIT_BUILD");
	unsigned long long bytes = 0, want = 0;
	unsigned long notifs = 0, waits = 0;
	unsigned int msgs = 0;
	char tool[512], cmd[700], line[256];
	FILE *f;

	if (!build)
		t_skip("URINGKIT_BUILD is not set (run through make check)");
	snprintf(tool, sizeof(tool), "%s/examples/zc-send", build);
	if (access(tool, X_OK))
		t_skip("%s is not built", tool);
	/* The example's piece sizes. */
	for (unsigned int m = 0; m < 1500; m++)
		want += 16 + (m * 53) % 40 + 700 + (m * 53 + 11) % 3000 +
			8 + (m * 53 + 22) % 40;
	snprintf(cmd, sizeof(cmd), "'%s' --self-test 1500", tool);
	f = popen(cmd, "r");
	ASSERT_NOT_NULL(f);
	while (fgets(line, sizeof(line), f))
		sscanf(line, "%u messages, %llu bytes, %lu notifications, "
		       "waited for memory %lu times", &msgs, &bytes, &notifs,
		       &waits);
	ASSERT_EQ(pclose(f), 0);
	ASSERT_EQ(msgs, 1500u);
	ASSERT_EQ(bytes, want);
	/*
	 * 3.4 MB went through a 64 KiB arena, so its memory was reused ~50
	 * times over; the reader's byte check is what proves each reuse came
	 * after the notification.
	 */
	ASSERT_EQ(notifs, 1500ul);
	return T_EXIT_PASS;
}
