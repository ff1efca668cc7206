/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench: records -> what the user reads. Today the text tables with
 * bars; JSON, CSV and SVG renderers go beside text.c and read the same
 * records. The report never measures and never calls back into a suite.
 */
#ifndef URINGKIT_REPORT_H
#define URINGKIT_REPORT_H

#include <stdbool.h>
#include "../bench/record.h"

/* The run as a whole, as the dispatcher found it. */
struct bench_run_info {
	const char *what;	/* "all", "nop", "storage", "net" */
	char release[128];	/* kernel release */
	long cpus;		/* online */
	bool quick;
	double warm_s;
};

void report_text_intro(const struct bench_run_info *info);
/* The suite's title line, printed before it runs. */
void report_text_begin(const struct bench_suite *s);
/* Everything else of a finished (or interrupted) suite. */
void report_text_suite(const struct bench_suite *s);
void report_text_end(double total_s, bool interrupted);

#endif
