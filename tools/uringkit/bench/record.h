/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench: what a suite hands to the report.
 *
 * A suite measures and fills result records, one per table row; the report
 * turns a finished suite into text (and, later, JSON, CSV, SVG). Data flows
 * one way: suite -> records -> report. Nothing in here prints.
 */
#ifndef URINGKIT_BENCH_RECORD_H
#define URINGKIT_BENCH_RECORD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_QDS	16
#define BENCH_MAX_QD	1024u

/* Storage access patterns (--rw). */
enum bench_rw { RW_RANDREAD, RW_RANDWRITE, RW_READ, RW_WRITE };

/* What the command line asked for, as every suite sees it. */
struct bench_opts {
	double cell_s;		/* measured seconds per cell */
	double warm_s;		/* warm-up before each cell, not counted */
	bool quick;		/* --quick: suites may shorten themselves */
	const char *file;	/* storage: data file or device, NULL: a temporary one */
	uint64_t file_size;	/* storage: bytes */
	bool keep;		/* storage: keep a data file this run created */
	enum bench_rw rw;	/* storage: access pattern */
	unsigned bs;		/* storage: bytes per I/O */
	unsigned qd[BENCH_MAX_QDS];	/* storage: queue depths, in order */
	unsigned nr_qd;
	bool ascii;		/* no Unicode in the output */
	unsigned net_rate;	/* udp: packets/s offered (--rate), 0: 10K and 100K */
};

/* "randread", ... */
const char *bench_rw_name(enum bench_rw rw);

/*
 * What a suite will run with these options, for the progress line and the
 * estimate stated before the run: cells (rounds included) and seconds.
 */
struct bench_plan {
	unsigned cells;
	double seconds;
};

/*
 * One measured row. Metrics a suite does not measure stay NAN (JSON null,
 * an empty CSV field). A failed record keeps err (negative errno) and the
 * call that failed, and its metrics mean nothing.
 */
struct bench_record {
	const char *suite;	/* "nop", "storage", "udp", "tcp" */
	const char *engine;	/* short name: bars, CSV */
	char title[40];		/* the table's row name, "": engine */
	unsigned depth;		/* batch (nop), queue depth, connections,
			   packets/s offered (udp); 0: none */
	int base[2];		/* rows this one is compared with, -1: none */

	/* Metrics, by name in bench_metrics[]. */
	double ops_per_s;	/* IOPS, requests/s, packets/s */
	double ns_per_op;	/* wall time per request (nop) */
	double lat_mean_us;	/* submit to completion */
	/* percentiles from a latency histogram (lat_hist) */
	double lat_p50_us, lat_p99_us, lat_p999_us;
	double cpu_pct;		/* the measured process, user + sys */
	double cpu_other_pct;	/* the part outside the measuring thread */
	double cpu_us_per_op;
	double wakeups_per_op;	/* voluntary context switches */
	double sent, received;	/* udp: datagrams */
	double peer_cpu_us_per_op;	/* tcp: the load generator's CPU */
	double rq_wait_pct;	/* net: measured thread waiting for a CPU */
	/* zc: the sender of a TCP stream, per message size */
	double gib_per_s;	/* payload the kernel accepted, GiB/s */
	double cpu_s_per_gib;	/* sender process CPU (user + sys) per GiB */
	double syscalls_per_mib;	/* system calls the sender made per MiB */
	double notifs_per_msg;	/* zero-copy notifications per message */
	double copied_frac;	/* notifications saying the kernel copied */
	double bytes_intact;	/* bytes received with the sender's checksum */

	/* The raw counts the metrics come from. */
	uint64_t ops;		/* completed inside the measured window */
	double window_s;	/* length of that window */
	double lat_ns_sum;	/* submit-to-completion, summed over ops */

	int err;
	char failed[64];	/* "io_uring_queue_init", ... */
};

/* The metrics by name, for the renderers and for aggregation. */
struct bench_metric {
	const char *name;	/* "ops_per_s", ... */
	const char *unit;	/* "1/s", "us", "%", ... */
	size_t off;		/* offsetof(struct bench_record, ...) */
	bool summed;		/* counts add up over rounds; rates take the median */
};
extern const struct bench_metric bench_metrics[];
extern const size_t bench_nr_metrics;

static inline double bench_metric_get(const struct bench_record *r,
				      const struct bench_metric *m)
{
	return *(const double *) (const void *) ((const char *) r + m->off);
}

/* One suite's run: its facts and its rows, in table order. */
struct bench_suite {
	const char *name;	/* "nop", "storage", "udp", "tcp" */
	const char *depth_name;	/* what record depth means: "batch", "qd",
				   "connections"; NULL: nothing */
	struct bench_opts opts;	/* as this suite ran */
	unsigned rounds;	/* udp, tcp: interleaved rounds per cell */
	double round_s;		/* measured seconds per round */
	/* storage: the data file */
	char path[PATH_MAX];
	char device[64];	/* block device under it ("vda"), "" unknown */
	bool created, direct, removed, is_blockdev;
	uint64_t data_bytes;	/* the part of it the I/O spread over */
	/* the whole suite could not run (storage: no data file) */
	int err;
	char failed[96];
	bool interrupted;
	char note[160];		/* a part that did not run, and why */
	struct bench_record *rec;
	size_t nr, cap;
};

/* Start a suite; bench_suite_free() releases its rows. */
void bench_suite_init(struct bench_suite *s, const char *name,
		      const struct bench_opts *o);
void bench_suite_free(struct bench_suite *s);
/* Append a row (metrics NAN, no bases); NULL, and s->err, without memory. */
struct bench_record *bench_suite_add(struct bench_suite *s, const char *engine,
				     unsigned depth);

/* A fresh record (metrics NAN, no bases). */
void bench_record_init(struct bench_record *r, const char *suite,
		       const char *engine, unsigned depth);
/* Record a failure (err < 0; else -EIO) unless one is kept; returns it. */
int bench_record_fail(struct bench_record *r, const char *what, int err);
/* ops_per_s, ns_per_op and lat_mean_us from ops, window_s and lat_ns_sum. */
void bench_record_finish(struct bench_record *r);
/*
 * One record from the rounds of a cell: the first failure, or summed
 * counts and the median of every other metric.
 */
void bench_record_aggregate(struct bench_record *dst,
			    struct bench_record *rounds, unsigned n);

/* Start and end of a cell's measured window, in uk_now_ns() time. */
struct window {
	uint64_t start, end;
};
struct window window_for(const struct bench_opts *o);

/*
 * A latency histogram: log-linear buckets (16 per power of two) from 1 ns
 * to about 68 s, so any percentile is within about 4% of the true value.
 */
#define LAT_SUB		16
#define LAT_BUCKETS	(36 * LAT_SUB)
struct lat_hist {
	uint64_t n;
	uint64_t count[LAT_BUCKETS];
};
void lat_hist_add(struct lat_hist *h, uint64_t ns);
void lat_hist_merge(struct lat_hist *dst, const struct lat_hist *src);
/* The q-quantile (0..1) in nanoseconds; NAN when empty. */
double lat_hist_quantile(const struct lat_hist *h, double q);
/* lat_p50_us, lat_p99_us, lat_p999_us of r from h. */
void lat_hist_fill(const struct lat_hist *h, struct bench_record *r);

/*
 * Progress on stderr, never on stdout: one line updated in place on a
 * terminal, plain lines otherwise. The dispatcher starts it with the
 * estimate; suites name each cell as it starts and each long phase.
 */
void bench_progress_start(double estimate_s, unsigned cells, bool quiet);
void bench_progress_cell(const struct bench_suite *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void bench_progress_phase(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Clears the in-place line; returns the seconds since the start. */
double bench_progress_end(void);

#endif
