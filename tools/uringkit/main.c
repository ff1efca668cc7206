/* SPDX-License-Identifier: MIT */
/*
 * uringkit: what io_uring can do on this machine, and how fast.
 *
 *   uringkit probe [--json]
 *   uringkit doctor
 *   uringkit bench [options] [SUITE...]
 *   uringkit help [COMMAND], uringkit --version
 *
 * This file parses options and calls the suites; the suites (bench/) fill
 * records and the report (report/) renders them.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "uringkit.h"
#include "bench/suites.h"
#include "doctor/doctor.h"
#include "inspect/inspect.h"
#include "probe/probe.h"
#include "report/report.h"

#ifndef URINGKIT_VERSION
#define URINGKIT_VERSION "0.1"
#endif

/*
 * The suites, in the order "all" runs them. Adding one: its file in bench/,
 * its line here (plan may be NULL: no estimate for it).
 */
static const struct suite_entry {
	const char *name;
	int (*run)(struct bench_suite *s);
	struct bench_plan (*plan)(const struct bench_opts *o);
} suite_table[] = {
	{ "nop", bench_nop, bench_nop_plan },
	{ "storage", bench_storage, bench_storage_plan },
	{ "udp", bench_udp, bench_udp_plan },
	{ "tcp", bench_tcp, bench_tcp_plan },
	{ "zc", bench_zc, bench_zc_plan },
};
#define NR_SUITES	(sizeof(suite_table) / sizeof(suite_table[0]))

/* Names that stand for several suites. */
static const struct { const char *name, *suites; } suite_groups[] = {
	{ "net", "udp tcp" },
};

enum output { OUT_TEXT, OUT_JSON, OUT_CSV };

struct bench_cmd {
	struct bench_opts o;
	bool want[NR_SUITES];
	char what[128];
	enum output out;
	const char *svg;
	bool quiet;
	double time_s;
};

static void bench_usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: uringkit bench [options] [SUITE...]\n"
		"\n"
		"SUITE: all (the default), net (udp and tcp),");
	for (i = 0; i < NR_SUITES; i++)
		fprintf(out, " %s", suite_table[i].name);
	fprintf(out,
		"\n\n"
		"  --quick          short cells and fewer depths (states its duration)\n"
		"  --time SECONDS   measured time per cell (default 2; --quick 0.25)\n"
		"  --json           one JSON document on stdout instead of tables\n"
		"  --csv            one CSV row per cell on stdout instead of tables\n"
		"  --svg FILE       also draw the results as an SVG chart into FILE\n"
		"  --quiet, -q      no progress line on stderr\n"
		"  --ascii          no Unicode bars or symbols\n"
		"storage:\n"
		"  --qd LIST        queue depths, e.g. 1,4,32 (default 1,2,4,...,128;\n"
		"                   --quick 1,8,32,128)\n"
		"  --rw MODE        randread (default), randwrite, read or write\n"
		"  --bs BYTES       bytes per I/O, a multiple of 512 (default 4k)\n"
		"  --file PATH      a block device (read only) or a file; created if\n"
		"                   missing (default: a temporary file in $TMPDIR or\n"
		"                   /var/tmp)\n"
		"  --size MIB       size of a created data file (default 256; --quick 64)\n"
		"  --keep           keep a data file this run created\n"
		"udp:\n"
		"  --rate N         udp: packets/s the sender offers (default 10K and 100K)\n"
		"\n"
		"Results go to stdout, progress and errors to stderr.\n");
}

/* ---- option values ------------------------------------------------------ */

static int opt_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int opt_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "uringkit bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(uringkit bench --help lists the options)\n");
	return 2;
}

static int parse_seconds(const char *opt, const char *arg, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	if (end == arg || *end || errno || !(*v > 0) || *v > 3600)
		return opt_error("%s: '%s' is not a number of seconds "
				 "(more than 0, at most 3600)", opt, arg);
	return 0;
}

/* A count with an optional k/m/g suffix (powers of 1024) when scaled. */
static int parse_count(const char *opt, const char *arg, bool scaled,
		       unsigned long long max, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(arg, &end, 10);
	if (end != arg && scaled && *end && !end[1]) {
		static const char sfxs[] = "kKmMgG";
		const char *sfx = strchr(sfxs, *end);
		unsigned shift = sfx ? 10u * (unsigned) ((sfx - sfxs) / 2 + 1) : 0;

		if (shift && *v <= (max >> shift)) {
			*v <<= shift;
			end++;
		}
	}
	if (end == arg || *end || errno || !*v || *v > max || arg[0] == '-')
		return opt_error("%s: '%s' is not a whole number from 1 to %llu%s",
				 opt, arg, max, scaled ? " (k, m, g: KiB, MiB, GiB)" : "");
	return 0;
}

static int parse_qd(struct bench_opts *o, const char *arg)
{
	char buf[256], *tok, *save = NULL;
	unsigned long long v;

	snprintf(buf, sizeof(buf), "%s", arg);
	o->nr_qd = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->nr_qd == BENCH_MAX_QDS)
			return opt_error("--qd: more than %d depths in '%s'", BENCH_MAX_QDS, arg);
		if (parse_count("--qd", tok, false, BENCH_MAX_QD, &v))
			return 2;
		o->qd[o->nr_qd++] = (unsigned) v;
	}
	if (!o->nr_qd)
		return opt_error("--qd needs a list of queue depths, e.g. 1,8,32");
	return 0;
}

static int parse_rw(struct bench_opts *o, const char *arg)
{
	static const enum bench_rw modes[] = { RW_RANDREAD, RW_RANDWRITE,
					       RW_READ, RW_WRITE };
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(arg, bench_rw_name(modes[i]))) {
			o->rw = modes[i];
			return 0;
		}
	return opt_error("--rw: '%s' is not randread, randwrite, read or write", arg);
}

/* Select a suite or group by name; false if there is none. */
static bool select_suite(struct bench_cmd *c, const char *name)
{
	size_t i, len = strlen(c->what);
	bool found = false;

	for (i = 0; i < NR_SUITES; i++)
		if (!strcmp(name, "all") || !strcmp(name, suite_table[i].name)) {
			c->want[i] = found = true;
		}
	for (i = 0; i < sizeof(suite_groups) / sizeof(suite_groups[0]); i++)
		if (!strcmp(name, suite_groups[i].name)) {
			char list[64], *tok, *save = NULL;

			snprintf(list, sizeof(list), "%s", suite_groups[i].suites);
			for (tok = strtok_r(list, " ", &save); tok;
			     tok = strtok_r(NULL, " ", &save))
				select_suite(c, tok);
			found = true;
		}
	if (found)
		snprintf(c->what + len, sizeof(c->what) - len, "%s%s",
			 len ? " " : "", name);
	return found;
}

/*
 * The value of an option that takes one: "--opt VALUE" or "--opt=VALUE".
 * NULL, with the error printed, when it is missing.
 */
struct opt_def {
	const char *name;
	const char *needs;	/* what the value is, for the error */
};

static const char *opt_value(int argc, char **argv, int *i,
			     const struct opt_def *d)
{
	const char *a = argv[*i];
	size_t len = strlen(d->name);

	if (a[len] == '=')
		return a + len + 1;
	if (*i + 1 < argc && argv[*i + 1][0] != '-') {
		(*i)++;
		return argv[*i];
	}
	if (*i + 1 < argc && argv[*i + 1][0] == '-' && argv[*i + 1][1] >= '0' &&
	    argv[*i + 1][1] <= '9') {
		(*i)++;
		return argv[*i];	/* a negative number: refused by its parser */
	}
	opt_error("%s needs %s", d->name, d->needs);
	return NULL;
}

static bool is_opt(const char *a, const char *name)
{
	size_t len = strlen(name);

	return !strncmp(a, name, len) && (a[len] == '\0' || a[len] == '=');
}

static int parse_bench(struct bench_cmd *c, int argc, char **argv)
{
	static const struct opt_def d_time = { "--time", "a number of seconds" },
		d_file = { "--file", "a path (a file or a block device)" },
		d_size = { "--size", "a size in MiB" },
		d_rate = { "--rate", "a number of packets per second" },
		d_qd = { "--qd", "a list of queue depths, e.g. 1,8,32" },
		d_rw = { "--rw", "randread, randwrite, read or write" },
		d_bs = { "--bs", "a block size in bytes, e.g. 4096 or 4k" },
		d_svg = { "--svg", "a file name for the chart" };
	unsigned long long v;
	const char *val;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--quick")) {
			c->o.quick = true;
		} else if (!strcmp(a, "--ascii")) {
			c->o.ascii = true;
		} else if (!strcmp(a, "--keep")) {
			c->o.keep = true;
		} else if (!strcmp(a, "--json") || !strcmp(a, "--csv")) {
			enum output want = a[2] == 'j' ? OUT_JSON : OUT_CSV;

			if (c->out != OUT_TEXT && c->out != want)
				return opt_error("--json and --csv both write "
						 "stdout: choose one");
			c->out = want;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			c->quiet = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			bench_usage(stdout);
			return -1;
		} else if (is_opt(a, "--time")) {
			if (!(val = opt_value(argc, argv, &i, &d_time)) ||
			    parse_seconds("--time", val, &c->time_s))
				return 2;
		} else if (is_opt(a, "--file")) {
			if (!(val = opt_value(argc, argv, &i, &d_file)))
				return 2;
			if (!*val)
				return opt_error("--file needs a path");
			c->o.file = val;
		} else if (is_opt(a, "--size")) {
			if (!(val = opt_value(argc, argv, &i, &d_size)) ||
			    parse_count("--size", val, false, 1ULL << 20, &v))
				return 2;
			c->o.file_size = v << 20;
		} else if (is_opt(a, "--rate")) {
			if (!(val = opt_value(argc, argv, &i, &d_rate)) ||
			    parse_count("--rate", val, false, 1000000, &v))
				return 2;
			c->o.net_rate = (unsigned) v;
		} else if (is_opt(a, "--qd")) {
			if (!(val = opt_value(argc, argv, &i, &d_qd)) ||
			    parse_qd(&c->o, val))
				return 2;
		} else if (is_opt(a, "--rw")) {
			if (!(val = opt_value(argc, argv, &i, &d_rw)) ||
			    parse_rw(&c->o, val))
				return 2;
		} else if (is_opt(a, "--bs")) {
			if (!(val = opt_value(argc, argv, &i, &d_bs)) ||
			    parse_count("--bs", val, true, 64ULL << 20, &v))
				return 2;
			if (v % 512)
				return opt_error("--bs: '%s' is not a multiple of "
						 "512 bytes", val);
			c->o.bs = (unsigned) v;
		} else if (is_opt(a, "--svg")) {
			if (!(val = opt_value(argc, argv, &i, &d_svg)))
				return 2;
			c->svg = val;
		} else if (a[0] == '-') {
			return opt_error("unknown option '%s'", a);
		} else if (!select_suite(c, a)) {
			return opt_error("no suite called '%s' (see the SUITE list "
					 "in uringkit bench --help)", a);
		}
	}
	if (!c->what[0])
		select_suite(c, "all");
	return 0;
}

/* ---- bench -------------------------------------------------------------- */

static void apply_timing(struct bench_cmd *c)
{
	if (c->o.quick) {
		c->o.cell_s = 0.25;
		c->o.warm_s = 0.1;
	}
	if (c->time_s > 0) {
		c->o.cell_s = c->time_s;
		c->o.warm_s = c->time_s / 4 < 0.5 ? c->time_s / 4 : 0.5;
	}
}

static int cmd_bench(int argc, char **argv)
{
	struct bench_cmd c = {
		.o = { .cell_s = 2.0, .warm_s = 0.5, .file_size = 256ULL << 20,
		       .net_rate = 0, .bs = 4096, .rw = RW_RANDREAD },
	};
	struct bench_run_info info = { .what = c.what, .version = URINGKIT_VERSION };
	struct bench_suite *runs;
	size_t i, nr = 0;
	unsigned cells = 0;
	double total_s;
	int ret;

	ret = parse_bench(&c, argc, argv);
	if (ret)
		return ret < 0 ? 0 : ret;
	apply_timing(&c);
	if (!c.o.ascii)
		c.o.ascii = !uk_utf8_output();
	for (i = 0; i < NR_SUITES; i++)
		if (c.want[i] && suite_table[i].plan) {
			struct bench_plan p = suite_table[i].plan(&c.o);

			cells += p.cells;
			info.estimate_s += p.seconds;
		}
	runs = calloc(NR_SUITES, sizeof(*runs));
	if (!runs) {
		fprintf(stderr, "uringkit bench: out of memory\n");
		return 1;
	}
	uk_catch_signals();
	setvbuf(stdout, NULL, _IOLBF, 0);
	uk_kernel_version(info.release, sizeof(info.release));
	info.cpus = sysconf(_SC_NPROCESSORS_ONLN);
	info.quick = c.o.quick;
	info.opts = &c.o;
	info.svg = c.svg;

	if (!c.quiet)
		fprintf(stderr, "uringkit bench %s: about %.0f s%s\n", c.what,
			info.estimate_s, c.o.quick ? " (--quick)" : "");
	bench_progress_start(info.estimate_s, cells, c.quiet);
	if (c.out == OUT_TEXT)
		report_text_intro(&info);
	else if (c.out == OUT_CSV)
		report_csv_header(stdout);
	ret = 0;
	for (i = 0; i < NR_SUITES && !uk_interrupted; i++) {
		struct bench_suite *s = &runs[nr];

		if (!c.want[i])
			continue;
		bench_suite_init(s, suite_table[i].name, &c.o);
		nr++;
		if (c.out == OUT_TEXT)
			report_text_begin(s);
		ret |= suite_table[i].run(s);
		bench_progress_end();
		if (c.out == OUT_TEXT)
			report_text_suite(s);
		else if (c.out == OUT_CSV)
			report_csv_suite(stdout, s);
	}
	total_s = bench_progress_end();
	if (c.out == OUT_TEXT)
		report_text_end(&info, total_s, uk_interrupted);
	else if (c.out == OUT_JSON)
		report_json(stdout, &info, runs, nr, total_s, uk_interrupted);
	if (c.svg && !uk_interrupted) {
		int err = report_svg(c.svg, &info, runs, nr);

		if (err) {
			fprintf(stderr, "uringkit bench: writing %s: %s\n", c.svg,
				strerror(-err));
			ret = 1;
		}
	}
	for (i = 0; i < nr; i++) {
		if (runs[i].err)
			fprintf(stderr, "uringkit bench %s: %s: %s\n", runs[i].name,
				runs[i].failed, strerror(-runs[i].err));
		bench_suite_free(&runs[i]);
	}
	free(runs);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "uringkit bench: writing the results failed\n");
		return 1;
	}
	return uk_interrupted ? 130 : ret;
}

/* ---- the other commands ------------------------------------------------- */

/*
 * uringkit bench hotpath: the per-request userspace cost against liburing
 * and raw syscalls. It compiles its own binaries, so it lives in the source
 * tree as bench/hotpath.sh (also: make hotpath); found from
 * $URINGKIT_SRCDIR or from where this executable sits.
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
		fprintf(stderr, "uringkit: %s not found: bench hotpath compiles "
			"programs against the source tree, so it runs from a "
			"checkout (make hotpath, or set URINGKIT_SRCDIR)\n", script);
		return 1;
	}
	argv[0] = script;
	(void) argc;
	execv(script, argv);
	perror(script);
	return 1;
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
			fprintf(stderr, "uringkit probe: unknown option '%s' "
				"(it takes only --json)\n", argv[i]);
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

static int cmd_doctor(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: uringkit doctor\n\n"
			       "Why io_uring does or does not work for this process, "
			       "each finding with its fix.\nExit status 1 when "
			       "io_uring cannot be used.\n");
			return 0;
		}
		fprintf(stderr, "uringkit doctor: unknown option '%s' (it takes "
			"none)\n", argv[i]);
		return 2;
	}
	return doctor_run(stdout, URINGKIT_VERSION);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: uringkit <command> [options]\n"
		"\n"
		"commands:\n"
		"  probe [--json]        what the running kernel's io_uring supports\n"
		"  doctor                why io_uring does or does not work here, with fixes\n"
		"  inspect PID [--json]  the io_uring rings of a running process\n"
		"  bench [options] [SUITE...]\n"
		"                        io_uring against psync, libaio and epoll here\n"
		"  bench hotpath [--quick]\n"
		"                        userspace instructions per request against\n"
		"                        liburing (from a source checkout)\n"
		"  help [COMMAND]        this text, or a command's options\n"
		"  --version, -V         uringkit's version\n"
		"\n"
		"man uringkit has the details.\n");
}

static int cmd_help(int argc, char **argv)
{
	char *help[] = { argv[1], "--help", NULL };

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "bench"))
		return cmd_bench(2, help);
	if (!strcmp(argv[1], "probe"))
		return cmd_probe(2, help);
	if (!strcmp(argv[1], "doctor"))
		return cmd_doctor(2, help);
	if (!strcmp(argv[1], "inspect"))
		return inspect_main(2, help);
	if (!strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "uringkit help: no command called '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "probe"))
		return cmd_probe(argc - 1, argv + 1);
	if (!strcmp(argv[1], "doctor"))
		return cmd_doctor(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bench") && argc > 2 && !strcmp(argv[2], "hotpath"))
		return cmd_hotpath(argc - 2, argv + 2);
	if (!strcmp(argv[1], "bench"))
		return cmd_bench(argc - 1, argv + 1);
	if (!strcmp(argv[1], "inspect"))
		return inspect_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("uringkit %s (liburing API %d.%d)\n", URINGKIT_VERSION,
		       io_uring_major_version(), io_uring_minor_version());
		return 0;
	}
	if (!strcmp(argv[1], "help"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "uringkit: no command called '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
