/* SPDX-License-Identifier: MIT */
/*
 * examples/init-mem: the ring in memory sized by
 * io_uring_memory_size_params() works, uses exactly that many bytes and
 * refuses one page less; on ordinary pages (--no-huge, the fallback) and
 * on a 2 MiB huge page, reserved for the run when none is (as root; the
 * old reservation is put back).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

#define NR_2M	"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
#define FREE_2M	"/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"

static long read_long(const char *file)
{
	FILE *f = fopen(file, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static bool write_long(const char *file, long v)
{
	FILE *f = fopen(file, "w");
	bool ok;

	if (!f)
		return false;
	ok = fprintf(f, "%ld\n", v) > 0;
	return fclose(f) == 0 && ok;
}

/* Run the example; returns the memory kind it reported. */
static const char *run(const char *tool, const char *arg)
{
	char cmd[700], line[256];
	const char *kind = "none";
	unsigned int entries = 0;
	int used = 0, need = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "'%s' %s 256", tool, arg);
	f = popen(cmd, "r");
	ASSERT_NOT_NULL(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "ring of %u entries in %d of %d bytes",
			   &entries, &used, &need) == 3)
			kind = strstr(line, "huge-page") ? "huge" :
			       strstr(line, "ordinary-page") ? "ordinary" :
			       "none";
	}
	ASSERT_EQ(pclose(f), 0);
	ASSERT_EQ(entries, 256u);
	ASSERT_EQ(used, need);
	return kind;
}

int main(void)
{
	const char *build = getenv("URINGKIT_BUILD");
	char tool[512];
	long old, free_pages;
	const char *kind;

	if (!build)
		t_skip("URINGKIT_BUILD is not set (run through make check)");
	snprintf(tool, sizeof(tool), "%s/examples/init-mem", build);
	if (access(tool, X_OK))
		t_skip("%s is not built", tool);
	ASSERT_EQ(strcmp(run(tool, "--no-huge"), "ordinary"), 0);

	old = read_long(NR_2M);
	free_pages = read_long(FREE_2M);
	if (free_pages == 0 && old >= 0 && write_long(NR_2M, old + 1) &&
	    read_long(FREE_2M) > 0) {
		kind = run(tool, "");
		ASSERT(write_long(NR_2M, old));
		ASSERT_EQ(strcmp(kind, "huge"), 0);
	} else if (free_pages > 0) {
		ASSERT_EQ(strcmp(run(tool, ""), "huge"), 0);
	} else {
		if (old >= 0 && read_long(NR_2M) != old)
			write_long(NR_2M, old);
		/* No huge page to be had: the fallback is the right answer. */
		ASSERT_EQ(strcmp(run(tool, ""), "ordinary"), 0);
	}
	return T_EXIT_PASS;
}
