/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench nop: IORING_OP_NOP through the library in batches of 1, 8
 * and 32, and one plain system call for scale.
 */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../uringkit.h"
#include "suites.h"

/* This process's user + sys time in microseconds. */
static double cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double) uk_rusage_ns(&ru) / 1e3;
}

/* CPU per request over the whole cell (warm-up included), and its share. */
static void cell_cpu(struct bench_record *c, double cpu0, uint64_t t0,
		     uint64_t all)
{
	double wall_us = (double) (uk_now_ns() - t0) / 1e3;

	if (all)
		c->cpu_us_per_op = (cpu_us() - cpu0) / (double) all;
	if (wall_us > 0)
		c->cpu_pct = (cpu_us() - cpu0) / wall_us * 100;
}

/*
 * NOPs through the library: get `batch` SQEs, submit them with one
 * io_uring_enter(), reap all completions. Measures the per-request cost of
 * the library plus the kernel's submission and completion paths.
 */
static void run_nop(const struct bench_opts *o, struct bench_record *c)
{
	struct io_uring ring;
	struct io_uring_cqe *cqes[64];
	uint64_t all = 0, t0;
	struct window w;
	double cpu0;
	unsigned i;
	int ret;

	ret = io_uring_queue_init(64, &ring, 0);
	if (ret < 0) {
		bench_record_fail(c, "io_uring_queue_init", ret);
		return;
	}
	cpu0 = cpu_us();
	t0 = uk_now_ns();
	w = window_for(o);
	for (;;) {
		uint64_t now;
		unsigned got = 0;

		for (i = 0; i < c->depth; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			if (!sqe) {
				bench_record_fail(c, "io_uring_get_sqe", -EBUSY);
				goto out;
			}
			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, i);
		}
		ret = io_uring_submit_and_wait(&ring, c->depth);
		if (ret < 0) {
			bench_record_fail(c, "io_uring_submit_and_wait", ret);
			goto out;
		}
		while (got < c->depth) {
			unsigned n = io_uring_peek_batch_cqe(&ring, cqes, 64);

			if (!n) {
				ret = io_uring_wait_cqe(&ring, &cqes[0]);
				if (ret < 0) {
					bench_record_fail(c, "io_uring_wait_cqe", ret);
					goto out;
				}
				continue;
			}
			for (i = 0; i < n; i++)
				if (cqes[i]->res < 0) {
					bench_record_fail(c, "NOP completion",
							  cqes[i]->res);
					goto out;
				}
			io_uring_cq_advance(&ring, n);
			got += n;
		}
		all += c->depth;
		now = uk_now_ns();
		if (now >= w.end || uk_interrupted)
			break;
		if (now >= w.start)
			c->ops += c->depth;
	}
	c->window_s = (double) (w.end - w.start) / 1e9;
	cell_cpu(c, cpu0, t0, all);
out:
	io_uring_queue_exit(&ring);
	bench_record_finish(c);
}

/* The cheapest system call, for scale: what one kernel entry costs. */
static void run_syscall(const struct bench_opts *o, struct bench_record *c)
{
	double cpu0 = cpu_us();
	uint64_t now, all = 0, t0 = uk_now_ns();
	struct window w = window_for(o);
	int i;

	do {
		for (i = 0; i < 64; i++)
			syscall(SYS_getppid);
		all += 64;
		now = uk_now_ns();
		if (now >= w.start && now < w.end)
			c->ops += 64;
	} while (now < w.end && !uk_interrupted);
	c->window_s = (double) (w.end - w.start) / 1e9;
	cell_cpu(c, cpu0, t0, all);
	bench_record_finish(c);
}

static const unsigned batches[] = { 1, 8, 32 };
#define NR_BATCHES	(sizeof(batches) / sizeof(batches[0]))

/* NOPs settle fast: --quick gives them shorter cells, leaving time for storage. */
static struct bench_opts nop_opts(const struct bench_opts *o)
{
	struct bench_opts no = *o;

	if (o->quick) {
		no.cell_s = o->cell_s < 0.25 ? o->cell_s : 0.25;
		no.warm_s = o->warm_s < 0.05 ? o->warm_s : 0.05;
	}
	return no;
}

struct bench_plan bench_nop_plan(const struct bench_opts *o)
{
	struct bench_opts no = nop_opts(o);
	struct bench_plan p = { NR_BATCHES + 1, 0 };

	p.seconds = p.cells * (no.warm_s + no.cell_s + 0.002);
	return p;
}

int bench_nop(struct bench_suite *s)
{
	struct bench_record *r;
	size_t i;

	s->opts = nop_opts(&s->opts);
	s->depth_name = "batch";
	for (i = 0; i < NR_BATCHES && !uk_interrupted; i++) {
		r = bench_suite_add(s, "io_uring NOP", batches[i]);
		if (!r)
			return 1;
		snprintf(r->title, sizeof(r->title), "NOP batch %u", batches[i]);
		r->base[0] = 0;		/* vs batch 1 */
		bench_progress_cell(s, "%s", r->title);
		run_nop(&s->opts, r);
	}
	r = bench_suite_add(s, "syscall getppid()", 0);
	if (!r)
		return 1;
	bench_progress_cell(s, "getppid()");
	run_syscall(&s->opts, r);
	s->interrupted = uk_interrupted;
	return 0;
}
