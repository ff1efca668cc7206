/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench: records -> what the user reads. text.c (tables with
 * bars), json.c (one document), csv.c (one row per cell) and svg.c (a
 * chart) read the same records. The report never measures and never calls
 * back into a suite.
 */
#ifndef URINGKIT_REPORT_H
#define URINGKIT_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "../bench/record.h"

/* The run as a whole, as the dispatcher found it. */
struct bench_run_info {
	const char *what;	/* the suites asked for: "all", "nop storage" */
	const char *version;	/* uringkit's */
	char release[128];	/* kernel release */
	long cpus;		/* online */
	bool quick;
	double estimate_s;	/* stated before the run */
	const struct bench_opts *opts;
	/* the options as given (JSON): NULL when not given */
	const char *svg;
};

void report_text_intro(const struct bench_run_info *info);
/* The suite's title line, printed before it runs. */
void report_text_begin(const struct bench_suite *s);
/* Everything else of a finished (or interrupted) suite. */
void report_text_suite(const struct bench_suite *s);
void report_text_end(const struct bench_run_info *info, double total_s,
		     bool interrupted);

/* One JSON document: machine, options, suites with their cells. */
void report_json(FILE *out, const struct bench_run_info *info,
		 const struct bench_suite *suites, size_t n, double total_s,
		 bool interrupted);

/* CSV: the header once, then each suite's rows. */
void report_csv_header(FILE *out);
void report_csv_suite(FILE *out, const struct bench_suite *s);

/* An SVG chart of the suites into path; 0 or -errno. */
int report_svg(const char *path, const struct bench_run_info *info,
	       const struct bench_suite *suites, size_t n);

/* Shared by the renderers: the record's name, the row it compares with. */
const char *report_row_name(const struct bench_record *r);
const char *report_error(const struct bench_record *r, char *buf, size_t len);

#endif
