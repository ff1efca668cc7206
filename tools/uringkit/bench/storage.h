/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench storage: what the suite (storage.c), its engines
 * (storage_engines.c) and their shared accounting (storage_io.c) share.
 */
#ifndef URINGKIT_BENCH_STORAGE_H
#define URINGKIT_BENCH_STORAGE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include "record.h"

/* The file or block device the I/O goes to. */
struct target {
	char path[PATH_MAX];
	int fd;
	bool direct;		/* opened with O_DIRECT */
	bool created;		/* made by this run */
	bool blockdev;
	unsigned bs;		/* bytes per I/O */
	enum bench_rw rw;
	uint64_t blocks;	/* bs-sized blocks used */
};

/* Where the next I/O of one submitter goes. */
struct io_cursor {
	uint64_t rng;		/* random patterns */
	uint64_t pos;		/* sequential patterns: the next block */
};
void io_cursor_init(struct io_cursor *c, const struct target *t,
		    unsigned who, unsigned of);
uint64_t io_next_off(const struct target *t, struct io_cursor *c);
bool io_is_write(const struct target *t);

/* n buffers of t->bs bytes, aligned for O_DIRECT, filled for writing. */
void *io_alloc_bufs(const struct target *t, unsigned n);

/* The completions one submitter counted. */
struct io_count {
	uint64_t all;		/* every completion, warm-up included */
	uint64_t ops;		/* those inside the window */
	double lat_ns;		/* summed over ops */
	struct lat_hist hist;	/* over ops */
};

static inline void io_count_done(struct io_count *k, const struct window *w,
				 uint64_t submitted, uint64_t now)
{
	k->all++;
	if (now >= w->start && now < w->end) {
		k->ops++;
		k->lat_ns += (double) (now - submitted);
		lat_hist_add(&k->hist, now - submitted);
	}
}

/* One cell: its window, its counts and the process's CPU over it. */
struct io_meter {
	struct window w;
	struct io_count k;
	struct rusage ru0;
	uint64_t t0;
};
/* Start the window (warm-up first) and the CPU clock; NULL without memory. */
struct io_meter *io_meter_start(const struct bench_opts *o);
/* Fill c from the meter (unless c failed), free it, finish c. */
void io_meter_end(struct io_meter *m, struct bench_record *c);

/* The engines: each runs one cell of c->depth requests in flight. */
void eng_psync(const struct bench_opts *o, const struct target *t,
	       struct bench_record *c);
void eng_libaio(const struct bench_opts *o, const struct target *t,
		struct bench_record *c);
void eng_uring_plain(const struct bench_opts *o, const struct target *t,
		     struct bench_record *c);
void eng_uring_fixed(const struct bench_opts *o, const struct target *t,
		     struct bench_record *c);
void eng_uring_sqpoll(const struct bench_opts *o, const struct target *t,
		      struct bench_record *c);

#endif
