/* SPDX-License-Identifier: MIT */
/* uringkit bench: the text report, one table and one set of bars per suite. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "../uringkit.h"
#include "report.h"

#define BAR_WIDTH 40

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

static const char *times(const struct bench_suite *s)
{
	return s->opts.ascii ? "x" : "\u00d7";
}

static const char *micro(const struct bench_suite *s)
{
	return s->opts.ascii ? "us" : "\u00b5s";
}

static const char *engine_name(const struct bench_record *r)
{
	return r->engine;
}

static double ops_per_s(const struct bench_record *r)
{
	return r->ops_per_s;
}

static double cpu_ns_per_op(const struct bench_record *r)
{
	return r->cpu_us_per_op * 1e3;
}

/* The row r is compared with (base 0 or 1), NULL when none. */
static const struct bench_record *base_of(const struct bench_suite *s,
					  const struct bench_record *r, int k)
{
	int i = r->base[k];

	return i >= 0 && (size_t) i < s->nr ? &s->rec[i] : NULL;
}

static void print_err(const struct bench_record *r)
{
	char buf[200];

	printf("error: %s\n", report_error(r, buf, sizeof(buf)));
}

/* Horizontal bars: one group of rows scaled to its own best value. */
static void print_bars(const char *title, const struct bench_record *rs,
		       size_t n, double (*value)(const struct bench_record *),
		       const char *(*label)(const struct bench_record *),
		       const char *unit, bool ascii)
{
	/* Eighths of a block, so short differences still show. */
	static const char *const eighths[] = {
		"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a",
		"\u2589",
	};
	double best = 0;
	char num[16];
	size_t i;

	for (i = 0; i < n; i++)
		if (!rs[i].err && value(&rs[i]) > best)
			best = value(&rs[i]);
	printf("  %s\n", title);
	for (i = 0; i < n; i++) {
		const struct bench_record *r = &rs[i];
		int units, j;

		printf("    %-22s ", label(r));
		if (r->err) {
			printf("(failed: %s)\n", uk_errname(r->err));
			continue;
		}
		units = best > 0 ? (int) lround(value(r) / best * BAR_WIDTH * 8) : 0;
		for (j = 0; j < units / 8; j++)
			fputs(ascii ? "#" : "\u2588", stdout);
		if (!ascii)
			fputs(eighths[units % 8], stdout);
		else if (units % 8 >= 4)
			fputc('+', stdout);
		printf(" %s%s\n", si(value(r), num, sizeof(num)), unit);
	}
}

/* How many rows from first on share its depth: one group of bars. */
static size_t depth_group(const struct bench_suite *s, size_t first)
{
	size_t j = first;

	while (j < s->nr && s->rec[j].depth == s->rec[first].depth)
		j++;
	return j - first;
}

/* " 1.23x", or " n/a" when either side failed or has nothing to divide by. */
static void print_ratio(const struct bench_suite *s, double v, double base,
			bool ok)
{
	if (!ok || !(base > 0))
		printf(" %9s", "n/a");
	else
		printf(" %8.2f%s", v / base, times(s));
}

/* As print_ratio(), one column narrower. */
static void print_ratio8(const struct bench_suite *s, double v, double base,
			 bool ok)
{
	if (!ok || !(base > 0))
		printf(" %8s", "n/a");
	else
		printf(" %7.2f%s", v / base, times(s));
}

/* ---- nop ---------------------------------------------------------------- */

static void nop_begin(const struct bench_suite *s)
{
	printf("nop: IORING_OP_NOP through uringkit's liburing, %.2f s per cell\n\n",
	       s->opts.cell_s);
}

static void nop_body(const struct bench_suite *s)
{
	size_t i;

	printf("  %-22s %14s %12s %12s\n", "", "requests/s", "ns/request",
	       "vs batch 1");
	for (i = 0; i < s->nr; i++) {
		const struct bench_record *r = &s->rec[i], *b = base_of(s, r, 0);

		printf("  %-22s ", report_row_name(r));
		if (r->err) {
			print_err(r);
			continue;
		}
		printf("%14.0f %12.1f ", r->ops_per_s, r->ns_per_op);
		if (b && !b->err)
			printf("%11.2f%s\n", r->ops_per_s / b->ops_per_s, times(s));
		else
			printf("%12s\n", "-");
	}
	printf("  (getppid() is one plain system call, for scale; not a NOP)\n\n");
	print_bars("requests/s (longer is better)", s->rec, s->nr, ops_per_s,
		   report_row_name, "/s", s->opts.ascii);
	printf("\n");
}

/* ---- storage ------------------------------------------------------------ */

static void storage_begin(const struct bench_suite *s)
{
	const struct bench_opts *o = &s->opts;
	unsigned i;

	printf("storage: %s, %u-byte I/Os, ", bench_rw_name(o->rw), o->bs);
	if (o->nr_qd) {
		printf("queue depth%s", o->nr_qd > 1 ? "s" : "");
		for (i = 0; i < o->nr_qd; i++)
			printf("%s%u", i ? "," : " ", o->qd[i]);
	} else {
		printf("the default queue depths");
	}
	printf(", %.2f s per cell\n", o->cell_s);
}

static void storage_file(const struct bench_suite *s)
{
	printf("  %s %s", s->is_blockdev ? "device" : "data file", s->path);
	if (s->device[0] && !s->is_blockdev)
		printf(" on %s", s->device);
	printf(" (%llu MiB used", (unsigned long long) (s->data_bytes >> 20));
	if (s->removed)
		printf("; created for this run and removed");
	else if (s->created)
		printf("; created and kept (--keep)");
	else if (!s->is_blockdev && !s->opts.file)
		printf("; reused, kept from an earlier run");
	printf(")\n");
	if (s->direct)
		printf("  I/O mode: O_DIRECT (the I/O goes to the device, "
		       "not the page cache)\n");
	else
		printf("  I/O mode: buffered, O_DIRECT refused by this "
		       "filesystem; nothing was dropped from the page cache, "
		       "so reads are mostly memory copies\n");
}

static void storage_body(const struct bench_suite *s)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	const char *us = micro(s);
	size_t i, n;
	int w;

	if (s->err) {
		printf("  error: %s: %s (%s)\n\n", s->failed, uk_errname(s->err),
		       strerror(-s->err));
		return;
	}
	storage_file(s);
	printf("  psync at QD > 1 runs QD threads; libaio (the kernel's AIO "
	       "calls) and io_uring keep QD I/Os in flight from one thread\n\n");
	if (s->interrupted)
		return;

	printf("  %4s  %-16s %9s %9s %9s %9s %9s %8s %9s %9s\n", "QD", "engine",
	       "IOPS", "mean", "p50", "p99", "p99.9", "CPU/IO", "vs", "vs");
	/* "µs" is two columns wide but three bytes long */
	w = s->opts.ascii ? 9 : 10;
	printf("  %4s  %-16s %9s %*s %*s %*s %*s %*s %9s %9s\n", "", "", "",
	       w, us, w, us, w, us, w, us, w - 1, us, "psync", "libaio");
	for (i = 0; i < s->nr; i++) {
		const struct bench_record *r = &s->rec[i];
		const struct bench_record *b0 = base_of(s, r, 0);
		const struct bench_record *b1 = base_of(s, r, 1);

		printf("  %4u  %-16s ", r->depth, r->engine);
		if (r->err) {
			print_err(r);
			continue;
		}
		printf("%9.0f %9.1f %9.1f %9.1f %9.1f %8.2f", r->ops_per_s,
		       r->lat_mean_us, r->lat_p50_us, r->lat_p99_us,
		       r->lat_p999_us, r->cpu_us_per_op);
		if (!b0 || !b1) {
			printf(" %9s %9s\n", "-", "-");
			continue;
		}
		print_ratio(s, r->ops_per_s, b0->ops_per_s, !b0->err);
		print_ratio(s, r->ops_per_s, b1->ops_per_s, !b1->err);
		printf("\n");
	}
	printf("  (latency: submit to completion as the program sees it, %s; "
	       "p50/p99/p99.9 from a\n   histogram; CPU/IO: the process's "
	       "user + sys time per I/O, %s, warm-up included)\n", us, us);
	if (cpus <= 2)
		printf("  (sqpoll: the kernel's submission thread spins on a CPU "
		       "of its own; with %ld CPUs\n   it competes with the "
		       "benchmark and the completion path for them)\n", cpus);
	printf("\n");

	for (i = 0; i < s->nr; i += n) {
		char title[96];

		n = depth_group(s, i);
		snprintf(title, sizeof(title),
			 "IOPS at QD %u (bars scaled to the best at this depth)",
			 s->rec[i].depth);
		print_bars(title, &s->rec[i], n, ops_per_s, engine_name, "",
			   s->opts.ascii);
	}
	printf("\n");
}

/* ---- udp ---------------------------------------------------------------- */

static void print_rounds(const struct bench_suite *s)
{
	if (s->rounds > 1)
		printf("  (%u rounds of %.2f s, interleaved; medians over the "
		       "rounds)\n", s->rounds, s->round_s);
}

static void udp_begin(const struct bench_suite *s)
{
	printf("net udp: 1 KiB datagrams over 127.0.0.1, %.2f s measured per "
	       "receiver and rate\n", s->opts.cell_s);
}

static void udp_body(const struct bench_suite *s)
{
	char hdr[32];
	size_t i, n;

	print_rounds(s);
	printf("  CPU: the receiving process (its thread + any io_uring "
	       "worker), user + sys;\n  the sender is a separate process "
	       "and not counted\n\n");
	if (s->interrupted)
		return;

	snprintf(hdr, sizeof(hdr), "%s CPU/pkt", micro(s));
	printf("  %-27s %8s %8s %6s %7s %7s %11s %9s %10s\n", "receiver",
	       "sent", "received", "lost", "CPU %", "wrk %", hdr, "wake/pkt",
	       "vs a");
	for (i = 0; i < s->nr; i++) {
		const struct bench_record *r = &s->rec[i], *b = base_of(s, r, 0);

		if (!i || r->depth != s->rec[i - 1].depth)
			printf("  at %u packets/s:\n", r->depth);
		printf("  %-27s ", report_row_name(r));
		if (r->err) {
			print_err(r);
			continue;
		}
		printf("%8llu %8llu %6lld %7.2f %7.2f %11.2f %9.2f",
		       (unsigned long long) r->sent,
		       (unsigned long long) r->received,
		       (long long) r->sent - (long long) r->received,
		       r->cpu_pct, r->cpu_other_pct, r->cpu_us_per_op,
		       r->wakeups_per_op);
		if (b && !b->err && b->cpu_us_per_op > 0)
			printf(" %9.2f%s\n", r->cpu_us_per_op / b->cpu_us_per_op,
			       times(s));
		else
			printf(" %10s\n", "-");
	}
	printf("  (sent: by the sender inside the window; received: of those; "
	       "wrk %%: CPU of this\n   process outside the receiving thread, "
	       "i.e. io_uring workers; wake/pkt: the\n   receiving thread's "
	       "voluntary context switches per packet; vs a: CPU per\n   "
	       "packet against the blocking receiver, lower is better)\n");
	printf("  c is the articles' design (default ring, one recv per "
	       "packet, submit then wait);\n  d-g use a provided-buffer ring "
	       "on a DEFER_TASKRUN|SINGLE_ISSUER ring; f and g wait\n  for 32 "
	       "completions or 1 ms (min_wait), trading up to 1 ms of latency "
	       "for fewer\n  wake-ups. a, b, e and g learn each sender's "
	       "address; c, d and f do not.\n\n");
	for (i = 0; i < s->nr; i += n) {
		char title[96];

		n = depth_group(s, i);
		snprintf(title, sizeof(title), "CPU ns per packet at %u "
			 "packets/s (shorter is better)", s->rec[i].depth);
		print_bars(title, &s->rec[i], n, cpu_ns_per_op, engine_name,
			   " ns", s->opts.ascii);
	}
	printf("\n");
}

/* ---- tcp ---------------------------------------------------------------- */

static void tcp_begin(const struct bench_suite *s)
{
	printf("net tcp: echo server, 128-byte request/response over "
	       "127.0.0.1, %s connections,\n  %.2f s per cell\n",
	       s->opts.quick ? "50 and 300" : "50, 300 and 1000", s->opts.cell_s);
}

static void tcp_body(const struct bench_suite *s)
{
	char hdr[32];
	size_t i, n;

	print_rounds(s);
	printf("  load generator: one process, epoll threads, one request "
	       "outstanding per\n  connection, every echo checked; server: "
	       "one thread; CPU as for udp\n\n");
	if (s->interrupted)
		return;

	snprintf(hdr, sizeof(hdr), "%s CPU/req", micro(s));
	printf("  %5s  %-9s %10s %6s %6s %5s %5s %11s %7s %8s %8s\n", "conns",
	       "server", "requests/s", "p50", "p99", "CPU", "wait", hdr,
	       "client", "req/s vs", "CPU/req");
	printf("  %5s  %-9s %10s %6s %6s %5s %5s %11s %7s %8s %8s\n", "", "",
	       "", micro(s), micro(s), "%", "%", "", "CPU/req", "epoll",
	       "vs epoll");
	for (i = 0; i < s->nr; i++) {
		const struct bench_record *r = &s->rec[i], *b = base_of(s, r, 0);

		printf("  %5u  %-9s ", r->depth, r->engine);
		if (r->err) {
			print_err(r);
			continue;
		}
		printf("%10.0f %6.0f %6.0f %5.1f %5.1f %11.2f %7.2f",
		       r->ops_per_s, r->lat_p50_us, r->lat_p99_us, r->cpu_pct,
		       r->rq_wait_pct, r->cpu_us_per_op, r->peer_cpu_us_per_op);
		if (!b) {
			printf(" %8s %8s\n", "-", "-");
			continue;
		}
		print_ratio8(s, r->ops_per_s, b->ops_per_s, !b->err);
		print_ratio8(s, r->cpu_us_per_op, b->cpu_us_per_op, !b->err);
		printf("\n");
	}
	printf("  (requests/s and latency, request sent to echo checked: as "
	       "the client sees them;\n   CPU: the server process, which "
	       "shares the %ld CPUs with the client; wait: the server\n   "
	       "thread runnable but waiting for a CPU, %% of the window; "
	       "client: its CPU per request)\n\n",
	       sysconf(_SC_NPROCESSORS_ONLN));

	for (i = 0; i < s->nr; i += n) {
		char title[96];

		n = depth_group(s, i);
		snprintf(title, sizeof(title), "requests/s with %u connection%s "
			 "(longer is better)", s->rec[i].depth,
			 s->rec[i].depth == 1 ? "" : "s");
		print_bars(title, &s->rec[i], n, ops_per_s, engine_name, "/s",
			   s->opts.ascii);
	}
	printf("\n");
}

/* ---- any other suite ---------------------------------------------------- */

static void generic_begin(const struct bench_suite *s)
{
	printf("%s: %.2f s per cell\n", s->name, s->opts.cell_s);
}

/* The metrics every suite may fill, in a plain table. */
static void generic_body(const struct bench_suite *s)
{
	size_t i;

	print_rounds(s);
	if (s->err) {
		printf("  error: %s: %s (%s)\n\n", s->failed, uk_errname(s->err),
		       strerror(-s->err));
		return;
	}
	printf("  %-28s %6s %12s %10s %10s %10s\n", "", s->depth_name ?
	       s->depth_name : "", "ops/s", "mean us", "p99 us", "CPU us/op");
	for (i = 0; i < s->nr; i++) {
		const struct bench_record *r = &s->rec[i];

		printf("  %-28s ", report_row_name(r));
		if (r->depth)
			printf("%6u ", r->depth);
		else
			printf("%6s ", "");
		if (r->err) {
			print_err(r);
			continue;
		}
		printf("%12.0f %10.1f %10.1f %10.2f\n", r->ops_per_s,
		       r->lat_mean_us, r->lat_p99_us, r->cpu_us_per_op);
	}
	printf("\n");
}

/* ---- the run ------------------------------------------------------------ */

/* ---- zc ----------------------------------------------------------------- */

static void zc_begin(const struct bench_suite *s)
{
	printf("zc: one TCP stream to a receiver process, messages of 4, 64 and "
	       "256 KiB,\n  loopback and veth (netns), %.2f s per cell after "
	       "%.2f s of warm-up\n", s->opts.cell_s, s->opts.warm_s);
}

/* "-", "yes", "no" or the share that was copied. */
static const char *zc_copied(double frac, char *buf, size_t len)
{
	if (isnan(frac))
		return "-";
	if (frac >= 1)
		return "yes";
	if (frac <= 0)
		return "no";
	snprintf(buf, len, "%.0f%%", frac * 100);
	return buf;
}

/* Goal: the arena row against the MSG_ZEROCOPY row at one leg and size. */
static void zc_goal(const struct bench_suite *s, const struct bench_record *g,
		    size_t n)
{
	const struct bench_record *mz = NULL, *ar = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(g[i].engine, "MSG_ZEROCOPY"))
			mz = &g[i];
		if (!strcmp(g[i].engine, "sendmsg_zc_fixed arena"))
			ar = &g[i];
	}
	if (!mz || !ar || mz->err || ar->err)
		return;
	printf("  goal, %u KiB: arena syscalls/MiB %.2f%s MSG_ZEROCOPY's "
	       "(<= 0.5: %s), GiB/s %.2f%s (>= 1: %s)\n", g[0].depth,
	       ar->syscalls_per_mib / mz->syscalls_per_mib, times(s),
	       ar->syscalls_per_mib <= 0.5 * mz->syscalls_per_mib ? "met" : "NOT met",
	       ar->gib_per_s / mz->gib_per_s, times(s),
	       ar->gib_per_s >= mz->gib_per_s ? "met" : "NOT met");
}

static void zc_body(const struct bench_suite *s)
{
	const char *leg = "";
	char cp[16];
	size_t i, n;

	print_rounds(s);
	printf("  sender: this process (CPU: user + sys of the whole process, "
	       "so softirq work\n  done on its CPU counts); receiver: a forked "
	       "process that checksums every byte.\n  Zero-copy senders keep "
	       "at most 4 MiB in flight and reuse memory only after its\n"
	       "  notification; io_uring senders submit linked chains of up "
	       "to 32 sends.\n  On loopback and veth the kernel copies "
	       "zero-copy pages when it delivers them to\n  the receiving "
	       "socket, so \"copied\" says yes here; on a NIC it would say "
	       "no.\n");
	if (s->note[0])
		printf("  %s\n", s->note);
	if (s->interrupted) {
		printf("\n");
		return;
	}
	for (i = 0; i < s->nr; i += n) {
		const struct bench_record *g = &s->rec[i];
		size_t k;

		n = depth_group(s, i);
		if (strncmp(g->title, leg, strlen(leg)) || !*leg) {
			leg = !strncmp(g->title, "veth", 4) ? "veth" : "loopback";
			printf("\n  %s\n  %5s  %-22s %6s %9s %8s %9s %6s %8s  %s\n",
			       !strcmp(leg, "veth") ? "veth pair into a network "
			       "namespace" : "loopback (127.0.0.1)", "size",
			       "sender", "GiB/s", "CPU s/GiB", "sys/MiB",
			       "notif/msg", "copied", "vs send", "data");
		}
		for (k = 0; k < n; k++) {
			const struct bench_record *r = &g[k], *b = base_of(s, r, 0);

			printf("  %4uK  %-22s ", r->depth, r->engine);
			if (r->err) {
				print_err(r);
				continue;
			}
			printf("%6.2f %9.3f %8.1f ", r->gib_per_s,
			       r->cpu_s_per_gib, r->syscalls_per_mib);
			if (isnan(r->notifs_per_msg))
				printf("%9s ", "-");
			else
				printf("%9.3f ", r->notifs_per_msg);
			printf("%6s", zc_copied(r->copied_frac, cp, sizeof(cp)));
			if (b)
				print_ratio(s, r->gib_per_s, b->gib_per_s, !b->err);
			else
				printf(" %8s", "-");
			printf("  %s\n", r->bytes_intact > 0 ? "intact" :
			       "unchecked");
		}
		zc_goal(s, g, n);
	}
	printf("  (sys/MiB: system calls the sender made per MiB sent, "
	       "io_uring_enter included;\n   notif/msg: notifications read "
	       "per message (MSG_ZEROCOPY coalesces ranges);\n   intact: the "
	       "receiver's checksum of every byte matched the sender's)\n\n");
}

struct text_suite {
	const char *name;
	void (*begin)(const struct bench_suite *);
	void (*body)(const struct bench_suite *);
};

static const struct text_suite text_suites[] = {
	{ "nop", nop_begin, nop_body },
	{ "storage", storage_begin, storage_body },
	{ "udp", udp_begin, udp_body },
	{ "tcp", tcp_begin, tcp_body },
	{ "zc", zc_begin, zc_body },
};

static const struct text_suite *text_suite(const struct bench_suite *s)
{
	size_t i;

	for (i = 0; i < sizeof(text_suites) / sizeof(text_suites[0]); i++)
		if (!strcmp(text_suites[i].name, s->name))
			return &text_suites[i];
	return NULL;
}

void report_text_intro(const struct bench_run_info *info)
{
	printf("uringkit bench %s: Linux %s, %ld CPUs online%s\n", info->what,
	       info->release, info->cpus, info->quick ? ", --quick" : "");
	printf("Note: this machine may be shared and the numbers are noisy; "
	       "compare the ratios\n(measured in the same run), not the "
	       "absolute values. Warm-up %.2f s per cell, not counted.\n\n",
	       info->opts->warm_s);
}

void report_text_begin(const struct bench_suite *s)
{
	const struct text_suite *t = text_suite(s);

	if (t)
		t->begin(s);
	else
		generic_begin(s);
}

void report_text_suite(const struct bench_suite *s)
{
	const struct text_suite *t = text_suite(s);

	if (t)
		t->body(s);
	else
		generic_body(s);
}

void report_text_end(const struct bench_run_info *info, double total_s,
		     bool interrupted)
{
	if (interrupted)
		printf("interrupted after %.1f s\n", total_s);
	else if (info->estimate_s > 0)
		printf("total time %.1f s (estimated %.0f s)\n", total_s,
		       info->estimate_s);
	else
		printf("total time %.1f s\n", total_s);
}
