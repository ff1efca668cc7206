/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench --csv: one row per cell, the same columns for every suite
 * (RFC 4180 quoting; empty fields for what a suite does not measure).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "../uringkit.h"
#include "report.h"

static void field(FILE *out, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void report_csv_header(FILE *out)
{
	size_t i;

	fputs("suite,engine,title,depth_kind,depth", out);
	for (i = 0; i < bench_nr_metrics; i++)
		fprintf(out, ",%s", bench_metrics[i].name);
	fputs(",ops,window_s,error,error_detail\n", out);
}

void report_csv_suite(FILE *out, const struct bench_suite *s)
{
	char detail[200];
	size_t i, k;

	for (i = 0; i < s->nr; i++) {
		const struct bench_record *r = &s->rec[i];

		field(out, s->name);
		fputc(',', out);
		field(out, r->engine);
		fputc(',', out);
		field(out, report_row_name(r));
		fputc(',', out);
		field(out, s->depth_name);
		fputc(',', out);
		if (s->depth_name && r->depth)
			fprintf(out, "%u", r->depth);
		for (k = 0; k < bench_nr_metrics; k++) {
			double v = r->err ? NAN : bench_metric_get(r, &bench_metrics[k]);

			fputc(',', out);
			if (isfinite(v))
				fprintf(out, "%.10g", v);
		}
		fprintf(out, ",%llu,", (unsigned long long) r->ops);
		if (isfinite(r->window_s))
			fprintf(out, "%.6g", r->window_s);
		fputc(',', out);
		if (r->err) {
			field(out, uk_errname(r->err));
			fputc(',', out);
			snprintf(detail, sizeof(detail), "%s: %s", r->failed,
				 strerror(-r->err));
			field(out, detail);
		} else {
			fputc(',', out);
		}
		fputc('\n', out);
	}
	if (s->err && !s->nr) {
		/* The suite could not run at all: one row that says so. */
		field(out, s->name);
		fputs(",,,,", out);
		for (k = 0; k < bench_nr_metrics; k++)
			fputc(',', out);
		fputs(",0,,", out);
		field(out, uk_errname(s->err));
		fputc(',', out);
		snprintf(detail, sizeof(detail), "%s: %s", s->failed,
			 strerror(-s->err));
		field(out, detail);
		fputc('\n', out);
	}
}
