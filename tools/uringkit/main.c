/* SPDX-License-Identifier: MIT */
/*
 * uringkit: what io_uring can do on this machine, and how fast.
 *
 *   uringkit probe [--json]
 *   uringkit bench [--quick] [--time S] [nop|storage|net|all]
 *   uringkit bench hotpath [options]   (runs bench/hotpath.sh)
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "uringkit.h"
#include "bench/suites.h"
#include "probe/probe.h"
#include "report/report.h"

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

static void bench_usage(FILE *out)
{
	fprintf(out,
		"usage: uringkit bench [options] [nop|storage|net|all]\n"
		"\n"
		"  --quick         about 10 s in all (short cells)\n"
		"  --time SECONDS  measured time per cell (default 2; --quick 0.4)\n"
		"  --file PATH     storage data file (default $TMPDIR or /var/tmp,\n"
		"                  uringkit-bench.dat; created once, then reused)\n"
		"  --size MIB      size of the data file (default 256)\n"
		"  --rate N        net: UDP packets/s the sender offers (default 10000)\n"
		"  --ascii         no Unicode bars or symbols\n");
}

/* One suite: its title, the run, its report. */
static int run_suite(const char *name, int (*run)(struct bench_suite *),
		     const struct bench_opts *o)
{
	struct bench_suite s;
	int ret;

	bench_suite_init(&s, name, o);
	report_text_begin(&s);
	ret = run(&s);
	report_text_suite(&s);
	bench_suite_free(&s);
	return ret;
}

static int parse_double(const char *arg, const char *opt, double max, double *v)
{
	char *end;

	*v = strtod(arg, &end);
	if (*end || !(*v > 0) || *v > max) {
		fprintf(stderr, "uringkit bench: bad %s '%s'\n", opt, arg);
		return -1;
	}
	return 0;
}

static int parse_ull(const char *arg, const char *opt, unsigned long long max,
		     unsigned long long *v)
{
	char *end;

	*v = strtoull(arg, &end, 10);
	if (*end || !*v || *v > max) {
		fprintf(stderr, "uringkit bench: bad %s '%s'\n", opt, arg);
		return -1;
	}
	return 0;
}

static int cmd_bench(int argc, char **argv)
{
	struct bench_opts o = {
		.cell_s = 2.0, .warm_s = 0.5, .file_size = 256ULL << 20,
		.net_rate = 10000,
	};
	struct bench_run_info info = { .what = "all" };
	bool do_nop = true, do_storage = true, do_net = true;
	unsigned long long v;
	double time_s = 0;
	uint64_t start = uk_now_ns();
	int i, ret = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;

		if (!strcmp(a, "--quick")) {
			info.quick = true;
		} else if (!strcmp(a, "--ascii")) {
			o.ascii = true;
		} else if (!strcmp(a, "--time") && more) {
			if (parse_double(argv[++i], "--time", 3600, &time_s))
				return 2;
		} else if (!strcmp(a, "--file") && more) {
			o.file = argv[++i];
		} else if (!strcmp(a, "--size") && more) {
			if (parse_ull(argv[++i], "--size", 1ULL << 20, &v))
				return 2;
			o.file_size = v << 20;
		} else if (!strcmp(a, "--rate") && more) {
			if (parse_ull(argv[++i], "--rate", 1000000, &v))
				return 2;
			o.net_rate = (unsigned) v;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			bench_usage(stdout);
			return 0;
		} else if (!strcmp(a, "nop") || !strcmp(a, "storage") ||
			   !strcmp(a, "net") || !strcmp(a, "all")) {
			bool all = !strcmp(a, "all");

			info.what = a;
			do_nop = all || !strcmp(a, "nop");
			do_storage = all || !strcmp(a, "storage");
			do_net = all || !strcmp(a, "net");
		} else {
			fprintf(stderr, "uringkit bench: unknown argument '%s'\n", a);
			bench_usage(stderr);
			return 2;
		}
	}
	if (info.quick) {
		o.cell_s = 0.4;
		o.warm_s = 0.1;
	}
	if (time_s > 0) {
		o.cell_s = time_s;
		o.warm_s = time_s / 4 < 0.5 ? time_s / 4 : 0.5;
	}
	if (!o.ascii)
		o.ascii = !uk_utf8_output();
	uk_catch_signals();
	setvbuf(stdout, NULL, _IOLBF, 0);

	uk_kernel_version(info.release, sizeof(info.release));
	info.cpus = sysconf(_SC_NPROCESSORS_ONLN);
	info.warm_s = o.warm_s;
	report_text_intro(&info);

	if (do_nop) {
		struct bench_opts no = o;

		/* NOPs settle fast: shorter cells leave time for storage. */
		if (info.quick) {
			no.cell_s = 0.25;
			no.warm_s = 0.05;
		}
		ret |= run_suite("nop", bench_nop, &no);
	}
	if (do_storage && !uk_interrupted)
		ret |= run_suite("storage", bench_storage, &o);
	if (do_net && !uk_interrupted)
		ret |= run_suite("udp", bench_udp, &o);
	if (do_net && !uk_interrupted)
		ret |= run_suite("tcp", bench_tcp, &o);
	report_text_end((double) (uk_now_ns() - start) / 1e9, uk_interrupted);
	return uk_interrupted ? 130 : ret;
}

static int cmd_probe(int argc, char **argv)
{
	struct probe_report r;
	bool json = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: uringkit probe [--json]\n");
			return 0;
		} else {
			fprintf(stderr, "uringkit probe: unknown option '%s'\n",
				argv[i]);
			return 2;
		}
	}
	probe_gather(&r);
	if (json)
		probe_print_json(&r);
	else
		probe_print_text(&r);
	probe_free(&r);
	return 0;
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
	if (!strcmp(argv[1], "inspect")) { int inspect_main(int, char **); return inspect_main(argc - 1, argv + 1); }
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "uringkit: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
