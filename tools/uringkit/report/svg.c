/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench --svg FILE: the results as one SVG image, drawn here (no
 * plotting tool needed). One panel per chart:
 *   nop      requests/s against the batch size
 *   storage  IOPS and p99 latency against the queue depth
 *   udp      CPU per packet for each receive mode
 *   tcp      requests/s against the number of connections
 * and for any other suite, operations/s against its depth (or one bar per
 * engine). Every chart has one series (<g class="series"
 * data-engine="...">) per engine the suite's records name.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "../uringkit.h"
#include "report.h"

#define WIDTH		760
#define PANEL_H		330
#define TOP		50
#define PLOT_X		80		/* left edge of the plot area */
#define PLOT_W		460
#define PLOT_H		230
#define LEGEND_X	(PLOT_X + PLOT_W + 20)
#define MAX_SERIES	16
#define MAX_X		32

static const char *const colors[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
};
#define NR_COLORS	(sizeof(colors) / sizeof(colors[0]))

/* Text for an element or an attribute value. */
static void xml_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			if ((unsigned char) *s >= 0x20)
				fputc(*s, out);
		}
	}
}

/* 1234567 -> "1.2M" */
static const char *short_num(double v, char *buf, size_t len)
{
	if (v >= 1e6)
		snprintf(buf, len, "%.3gM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%.3gk", v / 1e3);
	else
		snprintf(buf, len, "%.3g", v);
	return buf;
}

struct chart {
	const struct bench_suite *s;
	const char *title;
	const char *x_label, *y_label;
	double (*value)(const struct bench_record *r);
	bool bars;			/* one bar per row, else lines over depth */
	/* filled by chart_scan() */
	const char *engine[MAX_SERIES];
	size_t nr_engines;
	unsigned xs[MAX_X];		/* distinct depths > 0, ascending */
	size_t nr_xs;
	double ymax;
};

static double get_ops(const struct bench_record *r) { return r->ops_per_s; }
static double get_p99(const struct bench_record *r) { return r->lat_p99_us; }
static double get_cpu_ns(const struct bench_record *r)
{
	return r->cpu_us_per_op * 1e3;
}

static size_t engine_index(const struct chart *c, const char *e)
{
	size_t i;

	for (i = 0; i < c->nr_engines; i++)
		if (!strcmp(c->engine[i], e))
			return i;
	return MAX_SERIES;
}

static void chart_scan(struct chart *c)
{
	const struct bench_suite *s = c->s;
	size_t i, j;

	for (i = 0; i < s->nr; i++) {
		const struct bench_record *r = &s->rec[i];
		const char *e = r->engine;
		double v = c->value(r);

		if (e && engine_index(c, e) == MAX_SERIES && c->nr_engines < MAX_SERIES)
			c->engine[c->nr_engines++] = e;
		if (!r->err && isfinite(v) && v > c->ymax)
			c->ymax = v;
		if (c->bars || !r->depth)
			continue;
		for (j = 0; j < c->nr_xs && c->xs[j] != r->depth; j++)
			;
		if (j == c->nr_xs && c->nr_xs < MAX_X) {
			/* insertion into the sorted list */
			for (j = c->nr_xs; j > 0 && c->xs[j - 1] > r->depth; j--)
				c->xs[j] = c->xs[j - 1];
			c->xs[j] = r->depth;
			c->nr_xs++;
		}
	}
}

/* A round step for about five grid lines up to max. */
static double nice_step(double max)
{
	double raw = max / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;

	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static double y_of(const struct chart *c, double v, double top)
{
	(void) c;
	return PLOT_H - v / top * PLOT_H;
}

static double x_of(const struct chart *c, unsigned depth)
{
	size_t i;

	for (i = 0; i < c->nr_xs && c->xs[i] != depth; i++)
		;
	if (c->nr_xs < 2)
		return PLOT_W / 2.0;
	return 20 + (double) i * (PLOT_W - 40) / (double) (c->nr_xs - 1);
}

static void axes(FILE *out, const struct chart *c, double top, double step)
{
	char num[32];
	double v;
	size_t i;

	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
		"fill=\"#fafafa\" stroke=\"#999\"/>\n", PLOT_W, PLOT_H);
	for (v = 0; v <= top + step / 2; v += step) {
		double y = y_of(c, v, top);

		fprintf(out, "<line x1=\"0\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/>\n", y, PLOT_W, y);
		fprintf(out, "<text x=\"-6\" y=\"%.1f\" text-anchor=\"end\" "
			"dominant-baseline=\"middle\">%s</text>\n", y,
			short_num(v, num, sizeof(num)));
	}
	for (i = 0; !c->bars && i < c->nr_xs; i++)
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
			"%u</text>\n", x_of(c, c->xs[i]), PLOT_H + 16, c->xs[i]);
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", PLOT_W / 2,
		PLOT_H + 34);
	xml_text(out, c->x_label);
	fprintf(out, "</text>\n<text transform=\"translate(-62,%d) rotate(-90)\" "
		"text-anchor=\"middle\">", PLOT_H / 2);
	xml_text(out, c->y_label);
	fputs("</text>\n", out);
}

static void legend(FILE *out, size_t k, const char *name, bool dashed)
{
	int y = 10 + (int) k * 20;

	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
		"stroke-width=\"3\"%s/>\n", LEGEND_X - PLOT_X, y,
		LEGEND_X - PLOT_X + 20, y, colors[k % NR_COLORS],
		dashed ? " stroke-dasharray=\"5,3\"" : "");
	fprintf(out, "<text x=\"%d\" y=\"%d\" dominant-baseline=\"middle\">",
		LEGEND_X - PLOT_X + 26, y);
	xml_text(out, name);
	fputs("</text>\n", out);
}

/* One engine's line (or, for depth-0 rows, a dashed level). */
static void line_series(FILE *out, const struct chart *c, size_t k, double top)
{
	const struct bench_suite *s = c->s;
	const char *color = colors[k % NR_COLORS];
	bool level = false, any = false;
	size_t i;

	for (i = 0; i < s->nr; i++) {
		const struct bench_record *r = &s->rec[i];
		double v = c->value(r);

		if (!r->engine || strcmp(r->engine, c->engine[k]) || r->err ||
		    !isfinite(v))
			continue;
		if (!r->depth) {
			fprintf(out, "<line x1=\"0\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
				"stroke=\"%s\" stroke-width=\"2\" "
				"stroke-dasharray=\"5,3\"/>\n", y_of(c, v, top),
				PLOT_W, y_of(c, v, top), color);
			level = true;
			continue;
		}
		if (!any)
			fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" "
				"stroke-width=\"2\" points=\"", color);
		fprintf(out, "%s%.1f,%.1f", any ? " " : "", x_of(c, r->depth),
			y_of(c, v, top));
		any = true;
	}
	if (any)
		fputs("\"/>\n", out);
	for (i = 0; i < s->nr; i++) {
		const struct bench_record *r = &s->rec[i];
		double v = c->value(r);

		if (!r->engine || strcmp(r->engine, c->engine[k]) || r->err ||
		    !isfinite(v) || !r->depth)
			continue;
		fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">"
			"<title>", x_of(c, r->depth), y_of(c, v, top), color);
		xml_text(out, r->engine);
		fprintf(out, " at %u: %.4g</title></circle>\n", r->depth, v);
	}
	legend(out, k, c->engine[k], level);
}

static void bar_series(FILE *out, const struct chart *c, size_t k, double top)
{
	const struct bench_suite *s = c->s;
	double slot = (double) PLOT_W / (double) (c->nr_engines ? c->nr_engines : 1);
	size_t i;

	for (i = 0; i < s->nr; i++) {
		const struct bench_record *r = &s->rec[i];
		double v = c->value(r), y;

		if (!r->engine || strcmp(r->engine, c->engine[k]) || r->err ||
		    !isfinite(v))
			continue;
		y = y_of(c, v, top);
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"%s\"><title>", slot * (double) k +
			slot * 0.15, y, slot * 0.7, PLOT_H - y,
			colors[k % NR_COLORS]);
		xml_text(out, report_row_name(r));
		fprintf(out, ": %.4g</title></rect>\n", v);
	}
	legend(out, k, c->engine[k], false);
}

static void chart(FILE *out, struct chart *c, int y0)
{
	double step, top;
	size_t k;

	chart_scan(c);
	step = nice_step(c->ymax > 0 ? c->ymax : 1);
	top = ceil((c->ymax > 0 ? c->ymax : 1) / step) * step;
	fprintf(out, "<g class=\"chart\" data-suite=\"");
	xml_text(out, c->s->name);
	fprintf(out, "\" transform=\"translate(0,%d)\">\n<text x=\"%d\" y=\"0\" "
		"font-size=\"14\" font-weight=\"bold\">", y0, PLOT_X);
	xml_text(out, c->title);
	fprintf(out, "</text>\n<g transform=\"translate(%d,14)\">\n", PLOT_X);
	axes(out, c, top, step);
	for (k = 0; k < c->nr_engines; k++) {
		fputs("<g class=\"series\" data-engine=\"", out);
		xml_text(out, c->engine[k]);
		fputs("\">\n", out);
		if (c->bars)
			bar_series(out, c, k, top);
		else
			line_series(out, c, k, top);
		fputs("</g>\n", out);
	}
	if (c->s->err || !c->s->nr) {
		fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
			"no results%s", PLOT_W / 2, PLOT_H / 2,
			c->s->err ? ": " : "");
		xml_text(out, c->s->failed);
		fputs("</text>\n", out);
	}
	fputs("</g>\n</g>\n", out);
}

/* The charts of one suite into cs (at most 2); how many. */
static size_t charts_for(const struct bench_suite *s, struct chart *cs)
{
	static char titles[2][128];

	memset(cs, 0, 2 * sizeof(*cs));
	cs[0].s = cs[1].s = s;
	cs[0].value = get_ops;
	cs[0].x_label = s->depth_name ? s->depth_name : "";
	if (!strcmp(s->name, "nop")) {
		cs[0].title = "nop: NOP requests/s by batch size (dashed: getppid())";
		cs[0].x_label = "requests per submit (batch)";
		cs[0].y_label = "requests/s";
		return 1;
	}
	if (!strcmp(s->name, "storage")) {
		snprintf(titles[0], sizeof(titles[0]), "storage: %s %u B, IOPS by "
			 "queue depth", bench_rw_name(s->opts.rw), s->opts.bs);
		snprintf(titles[1], sizeof(titles[1]), "storage: %s %u B, p99 "
			 "latency by queue depth", bench_rw_name(s->opts.rw),
			 s->opts.bs);
		cs[0].title = titles[0];
		cs[0].x_label = cs[1].x_label = "queue depth";
		cs[0].y_label = "IOPS";
		cs[1].title = titles[1];
		cs[1].y_label = "p99 latency (us)";
		cs[1].value = get_p99;
		return 2;
	}
	if (!strcmp(s->name, "udp")) {
		cs[0].title = "udp: receiver CPU per packet by receive mode "
			      "(lower is better)";
		cs[0].x_label = "receive mode";
		cs[0].y_label = "CPU ns per packet";
		cs[0].value = get_cpu_ns;
		cs[0].bars = true;
		return 1;
	}
	if (!strcmp(s->name, "tcp")) {
		cs[0].title = "tcp: requests/s by connection count";
		cs[0].x_label = "connections";
		cs[0].y_label = "requests/s";
		return 1;
	}
	snprintf(titles[0], sizeof(titles[0]), "%s: operations/s", s->name);
	cs[0].title = titles[0];
	cs[0].y_label = "operations/s";
	cs[0].bars = !s->depth_name;
	return 1;
}

int report_svg(const char *path, const struct bench_run_info *info,
	       const struct bench_suite *suites, size_t n)
{
	struct chart cs[2];
	size_t i, k, panels = 0;
	int y, ret = 0;
	FILE *out;

	for (i = 0; i < n; i++)
		panels += charts_for(&suites[i], cs);
	out = fopen(path, "w");
	if (!out)
		return -errno;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%zu\" viewBox=\"0 0 %d %zu\" font-family=\"sans-serif\" "
		"font-size=\"12\">\n<title>uringkit bench</title>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
		"<text x=\"10\" y=\"24\" font-size=\"15\">", WIDTH,
		TOP + panels * PANEL_H, WIDTH, TOP + panels * PANEL_H);
	fputs("uringkit bench ", out);
	xml_text(out, info->what);
	fputs(": Linux ", out);
	xml_text(out, info->release);
	fprintf(out, ", %ld CPUs%s</text>\n", info->cpus,
		info->quick ? ", --quick" : "");
	y = TOP + 10;
	for (i = 0; i < n; i++) {
		size_t nc = charts_for(&suites[i], cs);

		for (k = 0; k < nc; k++, y += PANEL_H)
			chart(out, &cs[k], y);
	}
	fputs("</svg>\n", out);
	if (ferror(out))
		ret = -EIO;
	if (fclose(out) && !ret)
		ret = -errno;
	return ret;
}
