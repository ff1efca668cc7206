/* SPDX-License-Identifier: MIT */
/*
 * uringkit: what io_uring can do on this machine, and how fast.
 *
 *   uringkit probe [--json]
 *   uringkit bench [--quick] [--time S] [nop|storage|all]
 */
#include <stdio.h>
#include <string.h>
#include "uringkit.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: uringkit <command> [options]\n"
		"\n"
		"commands:\n"
		"  probe [--json]        what the running kernel's io_uring supports\n"
		"  bench [options] [nop|storage|all]\n"
		"                        io_uring against psync and libaio on this machine\n"
		"                        (uringkit bench --help for its options)\n"
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
