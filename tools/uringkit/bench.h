/* SPDX-License-Identifier: MIT */
/* uringkit bench: what the benchmark parts share. */
#ifndef URINGKIT_BENCH_H
#define URINGKIT_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_opts {
	double cell_s;		/* measured seconds per cell */
	double warm_s;		/* warm-up before each cell, not counted */
	const char *file;	/* storage: data file, NULL for the default */
	uint64_t file_size;	/* storage: bytes */
	bool ascii;		/* no Unicode in the output */
	unsigned net_rate;	/* net: UDP packets/s offered (--rate) */
};

/*
 * One measured cell. A failed cell keeps err (negative errno) and the call
 * that failed, and has no numbers.
 */
struct cell {
	const char *engine;
	unsigned depth;		/* queue depth, or batch size for nop */
	int err;
	char failed[64];	/* "io_uring_queue_init", ... */
	uint64_t ops;		/* completed inside the measured window */
	double window_s;	/* length of that window */
	double lat_ns_sum;	/* storage: submit-to-completion, summed */
	double iops;
	double lat_us;
	double ns_per_op;
};

/* Record a failure (err < 0) in c; returns err. */
int cell_fail(struct cell *c, const char *what, int err);
/* Fill iops / lat_us / ns_per_op from ops, window_s and lat_ns_sum. */
void cell_finish(struct cell *c);

/* Start and end of a cell's measured window, in uk_now_ns() time. */
struct window {
	uint64_t start, end;
};
struct window window_for(const struct bench_opts *o);

/* Horizontal bars: one group of cells scaled to its own best value. */
void print_bars(const char *title, struct cell *cells, size_t n,
		double (*value)(const struct cell *),
		const char *(*label)(const struct cell *, char *, size_t),
		const char *unit, bool ascii);

/* The storage benchmark; returns 0, or 1 if it could not run at all. */
int bench_storage(const struct bench_opts *o);
/* The network benchmark (loopback only); returns 0, or 1 if interrupted. */
int bench_net(const struct bench_opts *o);

#endif
