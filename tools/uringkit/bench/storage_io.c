/* SPDX-License-Identifier: MIT */
/* uringkit bench storage: offsets, buffers and per-cell accounting. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "../uringkit.h"
#include "storage.h"

/* xorshift64*: cheap, and good enough to spread offsets over the file. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static bool is_random(const struct target *t)
{
	return t->rw == RW_RANDREAD || t->rw == RW_RANDWRITE;
}

bool io_is_write(const struct target *t)
{
	return t->rw == RW_RANDWRITE || t->rw == RW_WRITE;
}

/* Submitter who of of: its own seed, or its own slice of a sequential pass. */
void io_cursor_init(struct io_cursor *c, const struct target *t,
		    unsigned who, unsigned of)
{
	c->rng = 0x1234567ULL * (who + 1) + 42;
	c->pos = of ? t->blocks / of * who : 0;
}

uint64_t io_next_off(const struct target *t, struct io_cursor *c)
{
	uint64_t block;

	if (is_random(t)) {
		block = rng_next(&c->rng) % t->blocks;
	} else {
		block = c->pos % t->blocks;
		c->pos++;
	}
	return block * t->bs;
}

void *io_alloc_bufs(const struct target *t, unsigned n)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL, *w;
	size_t len = (size_t) n * t->bs, i;
	void *p;

	if (posix_memalign(&p, 4096, len))
		return NULL;
	/* Data that no device can compress or skip, for writes. */
	w = p;
	for (i = 0; i < len / sizeof(*w); i++)
		w[i] = rng_next(&seed);
	return p;
}

struct io_meter *io_meter_start(const struct bench_opts *o)
{
	struct io_meter *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	getrusage(RUSAGE_SELF, &m->ru0);
	m->t0 = uk_now_ns();
	m->w = window_for(o);
	return m;
}

void io_meter_end(struct io_meter *m, struct bench_record *c)
{
	struct rusage ru1;
	double cpu_us, wall_us;

	if (!m) {
		bench_record_fail(c, "calloc", -ENOMEM);
		bench_record_finish(c);
		return;
	}
	getrusage(RUSAGE_SELF, &ru1);
	if (!c->err) {
		/* The process's CPU (every thread, SQPOLL's included) per I/O. */
		cpu_us = (double) (uk_rusage_ns(&ru1) -
				   uk_rusage_ns(&m->ru0)) / 1e3;
		wall_us = (double) (uk_now_ns() - m->t0) / 1e3;
		c->ops = m->k.ops;
		c->lat_ns_sum = m->k.lat_ns;
		c->window_s = (double) (m->w.end - m->w.start) / 1e9;
		if (m->k.all)
			c->cpu_us_per_op = cpu_us / (double) m->k.all;
		if (wall_us > 0)
			c->cpu_pct = cpu_us / wall_us * 100;
		lat_hist_fill(&m->k.hist, c);
	}
	free(m);
	bench_record_finish(c);
}
