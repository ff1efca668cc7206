/* SPDX-License-Identifier: MIT */
/*
 * uringkit: what io_uring can do on this machine, and how fast.
 *
 *   uringkit probe [--json]
 *   uringkit bench [--quick] [--time S] [nop|storage|net|all]
 *   uringkit bench hotpath [options]   (runs bench/hotpath.sh)
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "uringkit.h"

/*
 * uringkit bench hotpath: the per-request userspace cost against liburing
 * and raw syscalls. It compiles its own binaries, so it lives in the source
 * tree as bench/hotpath.sh; found from $URINGKIT_SRCDIR or from where this
 * executable sits (build/uringkit -> bench/hotpath.sh).
 */
static int cmd_hotpath(int argc, char **argv)
{
	const char *src = getenv("URINGKIT_SRCDIR");
	char script[PATH_MAX + 32], exe[PATH_MAX];
	ssize_t n;

	if (src && *src) {
		snprintf(script, sizeof(script), "%s/bench/hotpath.sh", src);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0)
			n = 0;
		exe[n] = '\0';
		if (strrchr(exe, '/'))
			*strrchr(exe, '/') = '\0';
		snprintf(script, sizeof(script), "%s/../bench/hotpath.sh", exe);
	}
	if (access(script, X_OK)) {
		fprintf(stderr, "uringkit: %s not found; bench hotpath runs from "
			"the source tree (set URINGKIT_SRCDIR)\n", script);
		return 1;
	}
	argv[0] = script;
	(void) argc;
	execv(script, argv);
	perror(script);
	return 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: uringkit <command> [options]\n"
		"\n"
		"commands:\n"
		"  probe [--json]        what the running kernel's io_uring supports\n"
		"  bench [options] [nop|storage|net|all]\n"
		"                        io_uring against psync, libaio and epoll here\n"
		"                        (uringkit bench --help for its options)\n"
		"  bench hotpath [--quick]\n"
		"                        userspace instructions and requests/s per\n"
		"                        request: uringkit, liburing, raw syscalls\n"
		"  help                  this text\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "probe"))
		return cmd_probe(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bench") && argc > 2 && !strcmp(argv[2], "hotpath"))
		return cmd_hotpath(argc - 2, argv + 2);
	if (!strcmp(argv[1], "bench"))
		return cmd_bench(argc - 1, argv + 1);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "uringkit: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
