/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench: io_uring against the older interfaces, on this machine,
 * in one run. Every cell is time-based (CLOCK_MONOTONIC): a warm-up that
 * is not counted, then a measured window; ratios compare cells of the same
 * run, which is what survives the noise of a shared machine.
 */
#include <errno.h>
#include <liburing.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "bench.h"
#include "uringkit.h"

int cell_fail(struct cell *c, const char *what, int err)
{
	if (err >= 0)
		err = -EIO;
	if (!c->err) {
		c->err = err;
		snprintf(c->failed, sizeof(c->failed), "%s", what);
	}
	return err;
}

void cell_finish(struct cell *c)
{
	if (c->err)
		return;
	if (!c->ops || c->window_s <= 0) {
		cell_fail(c, "no request completed in the window", -ETIME);
		return;
	}
	c->iops = (double) c->ops / c->window_s;
	c->ns_per_op = c->window_s * 1e9 / (double) c->ops;
	c->lat_us = c->lat_ns_sum / (double) c->ops / 1e3;
}

struct window window_for(const struct bench_opts *o)
{
	struct window w;

	w.start = uk_now_ns() + (uint64_t) (o->warm_s * 1e9);
	w.end = w.start + (uint64_t) (o->cell_s * 1e9);
	return w;
}

/* 1234567 -> "1.23M" */
static const char *si(double v, char *buf, size_t len)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.2fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.2fM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%.1fk", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
	return buf;
}

#define BAR_WIDTH 40

void print_bars(const char *title, struct cell *cells, size_t n,
		double (*value)(const struct cell *),
		const char *(*label)(const struct cell *, char *, size_t),
		const char *unit, bool ascii)
{
	/* Eighths of a block, so short differences still show. */
	static const char *const eighths[] = {
		"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a",
		"\u2589",
	};
	double best = 0;
	char lbuf[48], num[16];
	size_t i;

	for (i = 0; i < n; i++)
		if (!cells[i].err && value(&cells[i]) > best)
			best = value(&cells[i]);
	printf("  %s\n", title);
	for (i = 0; i < n; i++) {
		const struct cell *c = &cells[i];
		int units, j;

		printf("    %-22s ", label(c, lbuf, sizeof(lbuf)));
		if (c->err) {
			printf("(failed: %s)\n", uk_errname(c->err));
			continue;
		}
		units = best > 0 ? (int) lround(value(c) / best * BAR_WIDTH * 8) : 0;
		for (j = 0; j < units / 8; j++)
			fputs(ascii ? "#" : "\u2588", stdout);
		if (!ascii)
			fputs(eighths[units % 8], stdout);
		else if (units % 8 >= 4)
			fputc('+', stdout);
		printf(" %s%s\n", si(value(c), num, sizeof(num)), unit);
	}
}

/* ---- nop ---------------------------------------------------------------- */

/*
 * NOPs through the library: get `batch` SQEs, submit them with one
 * io_uring_enter(), reap all completions. Measures the per-request cost of
 * the library plus the kernel's submission and completion paths.
 */
static void run_nop(const struct bench_opts *o, struct cell *c)
{
	struct io_uring ring;
	struct io_uring_cqe *cqes[64];
	struct window w;
	unsigned i;
	int ret;

	ret = io_uring_queue_init(64, &ring, 0);
	if (ret < 0) {
		cell_fail(c, "io_uring_queue_init", ret);
		return;
	}
	w = window_for(o);
	for (;;) {
		uint64_t now;
		unsigned got = 0;

		for (i = 0; i < c->depth; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			if (!sqe) {
				cell_fail(c, "io_uring_get_sqe", -EBUSY);
				goto out;
			}
			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, i);
		}
		ret = io_uring_submit_and_wait(&ring, c->depth);
		if (ret < 0) {
			cell_fail(c, "io_uring_submit_and_wait", ret);
			goto out;
		}
		while (got < c->depth) {
			unsigned n = io_uring_peek_batch_cqe(&ring, cqes, 64);

			if (!n) {
				ret = io_uring_wait_cqe(&ring, &cqes[0]);
				if (ret < 0) {
					cell_fail(c, "io_uring_wait_cqe", ret);
					goto out;
				}
				continue;
			}
			for (i = 0; i < n; i++)
				if (cqes[i]->res < 0) {
					cell_fail(c, "NOP completion",
						  cqes[i]->res);
					goto out;
				}
			io_uring_cq_advance(&ring, n);
			got += n;
		}
		now = uk_now_ns();
		if (now >= w.end || uk_interrupted)
			break;
		if (now >= w.start)
			c->ops += c->depth;
	}
	c->window_s = (double) (w.end - w.start) / 1e9;
out:
	io_uring_queue_exit(&ring);
	cell_finish(c);
}

/* The cheapest system call, for scale: what one kernel entry costs. */
static void run_syscall(const struct bench_opts *o, struct cell *c)
{
	struct window w = window_for(o);
	uint64_t now;
	int i;

	do {
		for (i = 0; i < 64; i++)
			syscall(SYS_getppid);
		now = uk_now_ns();
		if (now >= w.start && now < w.end)
			c->ops += 64;
	} while (now < w.end && !uk_interrupted);
	c->window_s = (double) (w.end - w.start) / 1e9;
	cell_finish(c);
}

static double nop_value(const struct cell *c)
{
	return c->iops;
}

static const char *nop_label(const struct cell *c, char *buf, size_t len)
{
	if (c->depth)
		snprintf(buf, len, "NOP batch %u", c->depth);
	else
		snprintf(buf, len, "%s", c->engine);
	return buf;
}

static int bench_nop(const struct bench_opts *o)
{
	static const unsigned batches[] = { 1, 8, 32 };
	struct cell cells[4];
	const char *mu = o->ascii ? "x" : "\u00d7";
	size_t i, n = 0;

	memset(cells, 0, sizeof(cells));
	printf("nop: IORING_OP_NOP through uringkit's liburing, %.2f s per cell\n\n",
	       o->cell_s);
	for (i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		cells[n].engine = "io_uring NOP";
		cells[n].depth = batches[i];
		run_nop(o, &cells[n++]);
	}
	cells[n].engine = "syscall getppid()";
	run_syscall(o, &cells[n++]);

	printf("  %-22s %14s %12s %12s\n", "", "requests/s", "ns/request",
	       "vs batch 1");
	for (i = 0; i < n; i++) {
		char label[48];

		printf("  %-22s ", nop_label(&cells[i], label, sizeof(label)));
		if (cells[i].err) {
			printf("error: %s: %s (%s)\n", cells[i].failed,
			       uk_errname(cells[i].err), strerror(-cells[i].err));
			continue;
		}
		printf("%14.0f %12.1f ", cells[i].iops, cells[i].ns_per_op);
		if (cells[i].depth && !cells[0].err)
			printf("%11.2f%s\n", cells[i].iops / cells[0].iops, mu);
		else
			printf("%12s\n", "-");
	}
	printf("  (getppid() is one plain system call, for scale; not a NOP)\n\n");
	print_bars("requests/s (longer is better)", cells, n, nop_value,
		   nop_label, "/s", o->ascii);
	printf("\n");
	return 0;
}

/* ---- command line ------------------------------------------------------- */

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

int cmd_bench(int argc, char **argv)
{
	struct bench_opts o = {
		.cell_s = 2.0, .warm_s = 0.5, .file_size = 256ULL << 20,
		.net_rate = 10000,
	};
	bool quick = false, do_nop = true, do_storage = true, do_net = true;
	double time_s = 0;
	const char *what = "all";
	uint64_t start = uk_now_ns();
	char release[128];
	int i, ret = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--quick")) {
			quick = true;
		} else if (!strcmp(a, "--ascii")) {
			o.ascii = true;
		} else if (!strcmp(a, "--time") && i + 1 < argc) {
			char *end;

			time_s = strtod(argv[++i], &end);
			if (*end || !(time_s > 0) || time_s > 3600) {
				fprintf(stderr, "uringkit bench: bad --time '%s'\n",
					argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--file") && i + 1 < argc) {
			o.file = argv[++i];
		} else if (!strcmp(a, "--size") && i + 1 < argc) {
			char *end;
			unsigned long long mib = strtoull(argv[++i], &end, 10);

			if (*end || !mib || mib > (1ULL << 20)) {
				fprintf(stderr, "uringkit bench: bad --size '%s'\n",
					argv[i]);
				return 2;
			}
			o.file_size = mib << 20;
		} else if (!strcmp(a, "--rate") && i + 1 < argc) {
			char *end;
			unsigned long rate = strtoul(argv[++i], &end, 10);

			if (*end || !rate || rate > 1000000) {
				fprintf(stderr, "uringkit bench: bad --rate '%s'\n",
					argv[i]);
				return 2;
			}
			o.net_rate = (unsigned) rate;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			bench_usage(stdout);
			return 0;
		} else if (!strcmp(a, "nop") || !strcmp(a, "storage") ||
			   !strcmp(a, "net") || !strcmp(a, "all")) {
			bool all = !strcmp(a, "all");

			what = a;
			do_nop = all || !strcmp(a, "nop");
			do_storage = all || !strcmp(a, "storage");
			do_net = all || !strcmp(a, "net");
		} else {
			fprintf(stderr, "uringkit bench: unknown argument '%s'\n", a);
			bench_usage(stderr);
			return 2;
		}
	}
	if (quick) {
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

	uk_kernel_version(release, sizeof(release));
	printf("uringkit bench %s: Linux %s, %ld CPUs online%s\n", what, release,
	       sysconf(_SC_NPROCESSORS_ONLN), quick ? ", --quick" : "");
	printf("Note: this machine may be shared and the numbers are noisy; "
	       "compare the ratios\n(measured in the same run), not the "
	       "absolute values. Warm-up %.2f s per cell, not counted.\n\n",
	       o.warm_s);

	if (do_nop) {
		struct bench_opts no = o;

		/* NOPs settle fast: shorter cells leave time for storage. */
		if (quick) {
			no.cell_s = 0.25;
			no.warm_s = 0.05;
		}
		ret |= bench_nop(&no);
	}
	if (do_storage && !uk_interrupted)
		ret |= bench_storage(&o);
	if (do_net && !uk_interrupted)
		ret |= bench_net(&o);
	if (uk_interrupted) {
		printf("interrupted\n");
		return 130;
	}
	printf("total time %.1f s\n", (double) (uk_now_ns() - start) / 1e9);
	return ret;
}
