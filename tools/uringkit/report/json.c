/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench --json: the run as one JSON document on stdout, with the
 * conventions of probe --json (two-space indent, errors as errno names,
 * null for what is unknown or not measured).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "../uringkit.h"
#include "report.h"

static void num(FILE *out, double v)
{
	if (isfinite(v))
		fprintf(out, "%.10g", v);
	else
		fputs("null", out);
}

static void str_or_null(FILE *out, const char *s)
{
	if (s)
		uk_json_str(out, s);
	else
		fputs("null", out);
}

static void err_fields(FILE *out, int err, const char *failed)
{
	char detail[200];

	fputs("\"error\": ", out);
	if (!err) {
		fputs("null, \"error_detail\": null", out);
		return;
	}
	uk_json_str(out, uk_errname(err));
	snprintf(detail, sizeof(detail), "%s: %s", failed, strerror(-err));
	fputs(", \"error_detail\": ", out);
	uk_json_str(out, detail);
}

static void qd_list(FILE *out, const struct bench_opts *o)
{
	unsigned i;

	if (!o->nr_qd) {
		fputs("null", out);
		return;
	}
	fputc('[', out);
	for (i = 0; i < o->nr_qd; i++)
		fprintf(out, "%s%u", i ? ", " : "", o->qd[i]);
	fputc(']', out);
}

static void machine(FILE *out, const struct bench_run_info *info,
		    const struct bench_suite *suites, size_t n)
{
	int v = uk_kernel_version(NULL, 0);
	const struct bench_suite *st = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(suites[i].name, "storage") && suites[i].path[0])
			st = &suites[i];
	fputs("  \"machine\": {\"kernel\": {\"release\": ", out);
	uk_json_str(out, info->release);
	if (v > 0)
		fprintf(out, ", \"version\": \"%d.%d\"}", v / 100, v % 100);
	else
		fputs(", \"version\": null}", out);
	fprintf(out, ", \"cpus\": %ld,\n    \"storage\": ", info->cpus);
	if (!st) {
		fputs("null},\n", out);
		return;
	}
	fputs("{\"path\": ", out);
	uk_json_str(out, st->path);
	fputs(", \"device\": ", out);
	str_or_null(out, st->device[0] ? st->device : NULL);
	fprintf(out, ", \"block_device\": %s, \"bytes\": %llu, \"direct\": %s, "
		"\"created\": %s, \"removed\": %s}},\n",
		st->is_blockdev ? "true" : "false",
		(unsigned long long) st->data_bytes, st->direct ? "true" : "false",
		st->created ? "true" : "false", st->removed ? "true" : "false");
}

static void options(FILE *out, const struct bench_run_info *info)
{
	const struct bench_opts *o = info->opts;
	char what[128], *tok, *save = NULL;
	bool first = true;

	fputs("  \"options\": {\"suites\": [", out);
	snprintf(what, sizeof(what), "%s", info->what);
	for (tok = strtok_r(what, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		fputs(first ? "" : ", ", out);
		uk_json_str(out, tok);
		first = false;
	}
	fprintf(out, "], \"quick\": %s, \"time_s\": ", o->quick ? "true" : "false");
	num(out, o->cell_s);
	fputs(", \"warmup_s\": ", out);
	num(out, o->warm_s);
	fputs(",\n    \"qd\": ", out);
	qd_list(out, o);
	fprintf(out, ", \"rw\": \"%s\", \"bs\": %u, \"file\": ", bench_rw_name(o->rw),
		o->bs);
	str_or_null(out, o->file);
	fprintf(out, ", \"size\": %llu, \"keep\": %s, \"rate\": ",
		(unsigned long long) o->file_size, o->keep ? "true" : "false");
	if (o->net_rate)	/* 0: the udp suite's own rates, in each record */
		fprintf(out, "%u", o->net_rate);
	else
		fputs("null", out);
	fputs(", \"svg\": ", out);
	str_or_null(out, info->svg);
	fputs("},\n", out);
}

static void cell(FILE *out, const struct bench_suite *s,
		 const struct bench_record *r, bool last)
{
	size_t i;

	fputs("      {\"suite\": ", out);
	uk_json_str(out, s->name);
	fputs(", \"engine\": ", out);
	str_or_null(out, r->engine);
	fputs(", \"title\": ", out);
	uk_json_str(out, report_row_name(r));
	if (s->depth_name) {
		fprintf(out, ", \"%s\": ", s->depth_name);
		if (r->depth)
			fprintf(out, "%u", r->depth);
		else
			fputs("null", out);
	} else {
		fputs(", \"mode\": ", out);
		uk_json_str(out, report_row_name(r));
	}
	fputs(",\n       ", out);
	for (i = 0; i < bench_nr_metrics; i++) {
		fprintf(out, "\"%s\": ", bench_metrics[i].name);
		num(out, r->err ? NAN : bench_metric_get(r, &bench_metrics[i]));
		fputs(", ", out);
	}
	fprintf(out, "\"ops\": %llu, \"window_s\": ", (unsigned long long) r->ops);
	num(out, r->window_s);
	fputs(",\n       ", out);
	err_fields(out, r->err, r->failed);
	fprintf(out, "}%s\n", last ? "" : ",");
}

static void suite(FILE *out, const struct bench_suite *s, bool last)
{
	size_t i;

	fputs("    {\"name\": ", out);
	uk_json_str(out, s->name);
	fputs(", \"depth\": ", out);
	str_or_null(out, s->depth_name);
	fputs(", \"time_s\": ", out);
	num(out, s->opts.cell_s);
	fputs(", \"warmup_s\": ", out);
	num(out, s->opts.warm_s);
	fprintf(out, ", \"rounds\": %u, \"round_s\": ", s->rounds);
	num(out, s->round_s);
	if (!strcmp(s->name, "storage")) {
		fputs(", \"qd\": ", out);
		qd_list(out, &s->opts);
	}
	fputs(", \"note\": ", out);
	str_or_null(out, s->note[0] ? s->note : NULL);
	fprintf(out, ", \"interrupted\": %s,\n     ",
		s->interrupted ? "true" : "false");
	err_fields(out, s->err, s->failed);
	fputs(",\n     \"cells\": [\n", out);
	for (i = 0; i < s->nr; i++)
		cell(out, s, &s->rec[i], i + 1 == s->nr);
	fprintf(out, "    ]}%s\n", last ? "" : ",");
}

void report_json(FILE *out, const struct bench_run_info *info,
		 const struct bench_suite *suites, size_t n, double total_s,
		 bool interrupted)
{
	size_t i;

	fputs("{\n  \"uringkit\": ", out);
	uk_json_str(out, info->version);
	fputs(",\n", out);
	machine(out, info, suites, n);
	options(out, info);
	fputs("  \"estimate_s\": ", out);
	num(out, info->estimate_s);
	fputs(", \"elapsed_s\": ", out);
	num(out, total_s);
	fprintf(out, ", \"interrupted\": %s,\n  \"suites\": [\n",
		interrupted ? "true" : "false");
	for (i = 0; i < n; i++)
		suite(out, &suites[i], i + 1 == n);
	fputs("  ]\n}\n", out);
}
