/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench: the progress line on stderr. On a terminal one line is
 * rewritten in place; otherwise (a log, a pipe) each cell is a plain line.
 * Results never go here: they are the report's, on stdout.
 */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include "../uringkit.h"
#include "record.h"

static struct {
	bool on, tty, dirty;
	uint64_t start;
	double estimate_s;
	unsigned cells, done;
} pg;

void bench_progress_start(double estimate_s, unsigned cells, bool quiet)
{
	pg.on = !quiet;
	pg.tty = isatty(STDERR_FILENO);
	pg.dirty = false;
	pg.start = uk_now_ns();
	pg.estimate_s = estimate_s;
	pg.cells = cells;
	pg.done = 0;
}

static double elapsed(void)
{
	return (double) (uk_now_ns() - pg.start) / 1e9;
}

static void line(const char *what, va_list ap)
{
	char msg[160];

	vsnprintf(msg, sizeof(msg), what, ap);
	if (pg.tty)
		fputs("\r\033[K", stderr);
	if (pg.estimate_s > 0)
		fprintf(stderr, "[%5.1f s of ~%.0f s] ", elapsed(), pg.estimate_s);
	else
		fprintf(stderr, "[%5.1f s] ", elapsed());
	fputs(msg, stderr);
	if (pg.tty) {
		pg.dirty = true;
	} else {
		fputc('\n', stderr);
	}
	fflush(stderr);
}

void bench_progress_cell(const struct bench_suite *s, const char *fmt, ...)
{
	char what[128];
	va_list ap;

	if (!pg.on)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	pg.done++;
	if (pg.cells)
		bench_progress_phase("%s: %s (cell %u of %u)", s->name, what,
				     pg.done, pg.cells);
	else
		bench_progress_phase("%s: %s", s->name, what);
}

void bench_progress_phase(const char *fmt, ...)
{
	va_list ap;

	if (!pg.on)
		return;
	va_start(ap, fmt);
	line(fmt, ap);
	va_end(ap);
}

double bench_progress_end(void)
{
	if (pg.on && pg.dirty) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	pg.dirty = false;
	return elapsed();
}
