/* SPDX-License-Identifier: MIT */
/* uringkit bench: result records, filled by the suites, read by the report. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../uringkit.h"
#include "record.h"

#define METRIC(field, unit, summed) \
	{ #field, unit, offsetof(struct bench_record, field), summed }

const struct bench_metric bench_metrics[] = {
	METRIC(ops_per_s, "1/s", false),
	METRIC(ns_per_op, "ns", false),
	METRIC(lat_mean_us, "us", false),
	METRIC(lat_p50_us, "us", false),
	METRIC(lat_p99_us, "us", false),
	METRIC(lat_p999_us, "us", false),
	METRIC(cpu_pct, "%", false),
	METRIC(cpu_other_pct, "%", false),
	METRIC(cpu_us_per_op, "us", false),
	METRIC(wakeups_per_op, "1", false),
	METRIC(sent, "1", true),
	METRIC(received, "1", true),
	/* net: where the time goes (the tcp client's CPU, waiting for a CPU) */
	METRIC(peer_cpu_us_per_op, "us", false),
	METRIC(rq_wait_pct, "%", false),
	/* zc */
	METRIC(gib_per_s, "GiB/s", false),
	METRIC(cpu_s_per_gib, "s/GiB", false),
	METRIC(syscalls_per_mib, "1/MiB", false),
	METRIC(notifs_per_msg, "1", false),
	METRIC(copied_frac, "1", false),
	METRIC(bytes_intact, "B", true),
};
const size_t bench_nr_metrics = sizeof(bench_metrics) / sizeof(bench_metrics[0]);

const char *bench_rw_name(enum bench_rw rw)
{
	static const char *const names[] = {
		[RW_RANDREAD] = "randread", [RW_RANDWRITE] = "randwrite",
		[RW_READ] = "read", [RW_WRITE] = "write",
	};

	return (unsigned) rw < sizeof(names) / sizeof(names[0]) ? names[rw] : "?";
}

static double *metric_ptr(struct bench_record *r, const struct bench_metric *m)
{
	return (double *) (void *) ((char *) r + m->off);
}

void bench_record_init(struct bench_record *r, const char *suite,
		       const char *engine, unsigned depth)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->suite = suite;
	r->engine = engine;
	r->depth = depth;
	r->base[0] = r->base[1] = -1;
	for (i = 0; i < bench_nr_metrics; i++)
		*metric_ptr(r, &bench_metrics[i]) = NAN;
}

int bench_record_fail(struct bench_record *r, const char *what, int err)
{
	if (err >= 0)
		err = -EIO;
	if (!r->err) {
		r->err = err;
		snprintf(r->failed, sizeof(r->failed), "%s", what);
	}
	return err;
}

void bench_record_finish(struct bench_record *r)
{
	if (r->err)
		return;
	if (!r->ops || r->window_s <= 0) {
		bench_record_fail(r, "no request completed in the window", -ETIME);
		return;
	}
	r->ops_per_s = (double) r->ops / r->window_s;
	r->ns_per_op = r->window_s * 1e9 / (double) r->ops;
	/* Suites that do not time each request leave the sum at 0. */
	if (r->lat_ns_sum > 0)
		r->lat_mean_us = r->lat_ns_sum / (double) r->ops / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void bench_record_aggregate(struct bench_record *dst,
			    struct bench_record *rounds, unsigned n)
{
	double *v;
	size_t i;
	unsigned k;

	bench_record_init(dst, rounds[0].suite, rounds[0].engine,
			  rounds[0].depth);
	memcpy(dst->title, rounds[0].title, sizeof(dst->title));
	for (k = 0; k < n; k++)
		if (rounds[k].err) {
			bench_record_fail(dst, rounds[k].failed, rounds[k].err);
			return;
		}
	v = calloc(n, sizeof(*v));
	if (!v) {
		bench_record_fail(dst, "calloc", -ENOMEM);
		return;
	}
	for (k = 0; k < n; k++) {
		dst->ops += rounds[k].ops;
		dst->window_s += rounds[k].window_s;
		dst->lat_ns_sum += rounds[k].lat_ns_sum;
	}
	for (i = 0; i < bench_nr_metrics; i++) {
		const struct bench_metric *m = &bench_metrics[i];
		double sum = 0;

		for (k = 0; k < n; k++) {
			v[k] = bench_metric_get(&rounds[k], m);
			sum += v[k];
		}
		*metric_ptr(dst, m) = m->summed ? sum : median(v, n);
	}
	free(v);
}

void bench_suite_init(struct bench_suite *s, const char *name,
		      const struct bench_opts *o)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->opts = *o;
	s->rounds = 1;
	s->round_s = o->cell_s;
}

void bench_suite_free(struct bench_suite *s)
{
	free(s->rec);
	s->rec = NULL;
	s->nr = s->cap = 0;
}

struct bench_record *bench_suite_add(struct bench_suite *s, const char *engine,
				     unsigned depth)
{
	struct bench_record *r;

	if (s->nr == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;

		r = realloc(s->rec, cap * sizeof(*r));
		if (!r) {
			s->err = -ENOMEM;
			snprintf(s->failed, sizeof(s->failed), "realloc");
			return NULL;
		}
		s->rec = r;
		s->cap = cap;
	}
	r = &s->rec[s->nr++];
	bench_record_init(r, s->name, engine, depth);
	return r;
}

struct window window_for(const struct bench_opts *o)
{
	struct window w;

	w.start = uk_now_ns() + (uint64_t) (o->warm_s * 1e9);
	w.end = w.start + (uint64_t) (o->cell_s * 1e9);
	return w;
}
