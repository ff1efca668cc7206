/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench --json, --csv and --svg: `bench all --quick --json --svg`
 * (with short cells) writes one JSON document that parses and holds every
 * cell of every suite (the storage and tcp grids complete), an SVG that is
 * well-formed XML with one series per engine in each chart; `bench nop
 * --csv` writes a header and one row per cell with the same field count.
 * The JSON parser and the XML checker are here: nothing outside the repo.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

/* ---- a small JSON parser ------------------------------------------------- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype t;
	double num;
	char *str;
	struct jv *kids;	/* array items or object values */
	char **keys;		/* object keys */
	size_t n;
};

struct jp {
	const char *p;
	const char *err;
};

static void jfree(struct jv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		jfree(&v->kids[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->kids);
	free(v->keys);
	free(v->str);
}

static void ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')
		j->p++;
}

static bool jstr(struct jp *j, char **out)
{
	const char *s = ++j->p, *e = s;
	size_t len = 0;
	char *buf;

	/* Up to the closing quote: the decoded string is no longer. */
	while (*e && *e != '"')
		e += e[0] == '\\' && e[1] ? 2 : 1;
	buf = malloc((size_t) (e - s) + 1);
	ASSERT_NOT_NULL(buf);
	while (*j->p && *j->p != '"') {
		unsigned char c = (unsigned char) *j->p;

		if (c < 0x20) {
			j->err = "control character in a string";
			free(buf);
			return false;
		}
		if (c == '\\') {
			j->p++;
			if (*j->p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char) j->p[i])) {
						j->err = "bad \\u escape";
						free(buf);
						return false;
					}
				buf[len++] = '?';
				j->p += 5;
				continue;
			}
			if (!*j->p || !strchr("\"\\/bfnrt", *j->p)) {
				j->err = "bad escape";
				free(buf);
				return false;
			}
		}
		buf[len++] = *j->p++;
	}
	if (*j->p != '"') {
		j->err = "unterminated string";
		free(buf);
		return false;
	}
	j->p++;
	buf[len] = '\0';
	*out = buf;
	return true;
}

static bool jvalue(struct jp *j, struct jv *v, int depth)
{
	memset(v, 0, sizeof(*v));
	ws(j);
	if (depth > 32) {
		j->err = "nested too deep";
		return false;
	}
	if (*j->p == '{' || *j->p == '[') {
		bool obj = *j->p == '{';
		char close = obj ? '}' : ']';

		v->t = obj ? J_OBJ : J_ARR;
		j->p++;
		ws(j);
		if (*j->p == close) {
			j->p++;
			return true;
		}
		for (;;) {
			v->kids = realloc(v->kids, (v->n + 1) * sizeof(*v->kids));
			v->keys = realloc(v->keys, (v->n + 1) * sizeof(*v->keys));
			ASSERT(v->kids && v->keys);
			v->keys[v->n] = NULL;
			ws(j);
			if (obj) {
				if (*j->p != '"' || !jstr(j, &v->keys[v->n])) {
					j->err = j->err ? j->err : "expected a key";
					return false;
				}
				ws(j);
				if (*j->p++ != ':') {
					j->err = "expected ':'";
					return false;
				}
			}
			if (!jvalue(j, &v->kids[v->n], depth + 1)) {
				jfree(&v->kids[v->n]);
				free(v->keys[v->n]);
				return false;
			}
			v->n++;
			ws(j);
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p++ != close) {
				j->err = obj ? "expected ',' or '}'" : "expected ',' or ']'";
				return false;
			}
			return true;
		}
	}
	if (*j->p == '"') {
		v->t = J_STR;
		return jstr(j, &v->str);
	}
	if (!strncmp(j->p, "null", 4)) {
		j->p += 4;
		return true;
	}
	if (!strncmp(j->p, "true", 4) || !strncmp(j->p, "false", 5)) {
		v->t = J_BOOL;
		v->num = *j->p == 't';
		j->p += *j->p == 't' ? 4 : 5;
		return true;
	}
	if (*j->p == '-' || isdigit((unsigned char) *j->p)) {
		char *end;

		v->t = J_NUM;
		v->num = strtod(j->p, &end);
		/* JSON has no inf, nan, hex or leading '+' */
		if (end == j->p || strpbrk(j->p, "xXiInN") == j->p + 1) {
			j->err = "bad number";
			return false;
		}
		j->p = end;
		return true;
	}
	j->err = "unexpected character";
	return false;
}

static const struct jv *jget(const struct jv *o, const char *key)
{
	size_t i;

	if (!o || o->t != J_OBJ)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (!strcmp(o->keys[i], key))
			return &o->kids[i];
	return NULL;
}

static const char *jgets(const struct jv *o, const char *key)
{
	const struct jv *v = jget(o, key);

	return v && v->t == J_STR ? v->str : NULL;
}

/* ---- a well-formedness checker for XML ----------------------------------- */

static bool xml_entity(const char **p)
{
	static const char *const names[] = { "amp;", "lt;", "gt;", "quot;", "apos;" };
	size_t i;

	(*p)++;
	if (**p == '#') {
		const char *q = *p + 1;

		while (isalnum((unsigned char) *q))
			q++;
		if (*q != ';' || q == *p + 1)
			return false;
		*p = q + 1;
		return true;
	}
	for (i = 0; i < 5; i++)
		if (!strncmp(*p, names[i], strlen(names[i]))) {
			*p += strlen(names[i]);
			return true;
		}
	return false;
}

static bool name_char(char c)
{
	return isalnum((unsigned char) c) || c == '-' || c == '_' || c == ':' ||
	       c == '.';
}

/* NULL if doc is well-formed, else what is wrong. */
static const char *xml_check(const char *doc)
{
	const char *p = doc, *stack[64];
	size_t len[64], depth = 0;
	int roots = 0;

	if (!strncmp(p, "<?xml", 5)) {
		p = strstr(p, "?>");
		if (!p)
			return "unterminated XML declaration";
		p += 2;
	}
	while (*p) {
		if (*p == '&') {
			if (!xml_entity(&p))
				return "bad entity in text";
			continue;
		}
		if (*p != '<') {
			if (!depth && !isspace((unsigned char) *p))
				return "text outside the root element";
			p++;
			continue;
		}
		if (p[1] == '/') {
			const char *n = p + 2;

			if (!depth)
				return "closing tag without an open one";
			depth--;
			if (strncmp(n, stack[depth], len[depth]) || n[len[depth]] != '>')
				return "mismatched closing tag";
			p = n + len[depth] + 1;
			continue;
		}
		/* an opening or empty tag */
		p++;
		if (!name_char(*p))
			return "bad tag name";
		if (depth == 64)
			return "nested too deep";
		stack[depth] = p;
		while (name_char(*p))
			p++;
		len[depth] = (size_t) (p - stack[depth]);
		for (;;) {
			char q;

			while (isspace((unsigned char) *p))
				p++;
			if (*p == '/' && p[1] == '>') {
				p += 2;
				if (!depth)
					roots++;
				break;
			}
			if (*p == '>') {
				p++;
				if (!depth)
					roots++;
				depth++;
				break;
			}
			if (!name_char(*p))
				return "bad attribute name";
			while (name_char(*p))
				p++;
			if (*p++ != '=')
				return "attribute without '='";
			q = *p++;
			if (q != '"' && q != '\'')
				return "unquoted attribute value";
			while (*p && *p != q) {
				if (*p == '<')
					return "'<' in an attribute value";
				if (*p == '&') {
					if (!xml_entity(&p))
						return "bad entity in an attribute";
					continue;
				}
				p++;
			}
			if (*p++ != q)
				return "unterminated attribute value";
		}
	}
	if (depth)
		return "unclosed element";
	return roots == 1 ? NULL : "not exactly one root element";
}

/* ---- the checks ----------------------------------------------------------- */

static char *slurp(FILE *f)
{
	size_t cap = 1 << 16, len = 0, n;
	char *buf = malloc(cap);

	ASSERT_NOT_NULL(buf);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			ASSERT_NOT_NULL(buf);
		}
	}
	buf[len] = '\0';
	return buf;
}

static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *out;
	int status;

	if (!p)
		t_fail("popen(%s) failed", cmd);
	out = slurp(p);
	status = pclose(p);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		t_fail("'%s' did not exit 0 (status 0x%x); stdout:\n%s", cmd,
		       status, out);
	return out;
}

/* Distinct values of key over the cells, into names (at most max). */
static size_t distinct(const struct jv *cells, const char *key,
		       const char **names, size_t max)
{
	size_t i, k, n = 0;

	for (i = 0; i < cells->n; i++) {
		const char *v = jgets(&cells->kids[i], key);

		ASSERT_NOT_NULL(v);
		for (k = 0; k < n && strcmp(names[k], v); k++)
			;
		if (k == n) {
			ASSERT_LT(n, max);
			names[n++] = v;
		}
	}
	return n;
}

/* Every (depth, engine) pair of the suite's grid appears exactly once. */
static void check_grid(const struct jv *suite, const char *depth_key,
		       const unsigned *depths, size_t nr_depths)
{
	const struct jv *cells = jget(suite, "cells");
	const char *engines[32];
	size_t ne = distinct(cells, "engine", engines, 32), d, e, i;

	ASSERT_EQ(cells->n, ne * nr_depths);
	for (d = 0; d < nr_depths; d++)
		for (e = 0; e < ne; e++) {
			int seen = 0;

			for (i = 0; i < cells->n; i++) {
				const struct jv *c = &cells->kids[i];
				const struct jv *dv = jget(c, depth_key);

				ASSERT(dv && dv->t == J_NUM);
				if ((unsigned) dv->num == depths[d] &&
				    !strcmp(jgets(c, "engine"), engines[e]))
					seen++;
			}
			if (seen != 1)
				t_fail("%s: %s at %s %u appears %d times",
				       jgets(suite, "name"), engines[e], depth_key,
				       depths[d], seen);
		}
}

static void check_cell(const char *suite, const struct jv *c)
{
	const struct jv *ops = jget(c, "ops_per_s"), *err = jget(c, "error");
	const char *e = jgets(c, "engine");

	ASSERT_NOT_NULL(e);
	ASSERT(!strcmp(jgets(c, "suite"), suite));
	ASSERT_NOT_NULL(err);
	ASSERT_NOT_NULL(jget(c, "lat_p99_us"));
	ASSERT_NOT_NULL(jget(c, "cpu_us_per_op"));
	if (err->t == J_STR) {
		/* an error is a name and a sentence, and no numbers */
		ASSERT_EQ(err->str[0], 'E');
		ASSERT_NOT_NULL(jgets(c, "error_detail"));
		ASSERT_EQ(ops->t, J_NULL);
		printf("  %s %s: %s\n", suite, e, jgets(c, "error_detail"));
		return;
	}
	ASSERT_EQ(err->t, J_NULL);
	ASSERT(ops && ops->t == J_NUM && ops->num > 0);
}

/* In the SVG, the chart of `suite` starting at p: its series' engines. */
static void check_chart(const char *p, const char *suite, const char **engines,
			size_t ne)
{
	const char *end = strstr(p + 1, "<g class=\"chart\"");
	size_t seen[32] = { 0 }, e;

	for (p = strstr(p, "<g class=\"series\" data-engine=\"");
	     p && (!end || p < end);
	     p = strstr(p + 1, "<g class=\"series\" data-engine=\"")) {
		const char *name = p + strlen("<g class=\"series\" data-engine=\"");
		size_t len = (size_t) (strchr(name, '"') - name);

		for (e = 0; e < ne; e++)
			if (strlen(engines[e]) == len && !strncmp(name, engines[e], len))
				break;
		if (e == ne)
			t_fail("%s chart: a series for an unknown engine %.*s",
			       suite, (int) len, name);
		seen[e]++;
	}
	for (e = 0; e < ne; e++)
		if (seen[e] != 1)
			t_fail("%s chart: %zu series for %s", suite, seen[e],
			       engines[e]);
}

static void check_svg(const char *svg, const struct jv *suites)
{
	const char *why = xml_check(svg), *p;
	size_t i, charts = 0;

	if (why)
		t_fail("the SVG is not well-formed XML: %s", why);
	ASSERT_NOT_NULL(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	for (p = strstr(svg, "<g class=\"chart\" data-suite=\""); p;
	     p = strstr(p + 1, "<g class=\"chart\" data-suite=\"")) {
		const char *name = p + strlen("<g class=\"chart\" data-suite=\"");
		const struct jv *s = NULL;
		const char *engines[32];

		for (i = 0; i < suites->n; i++) {
			const char *sn = jgets(&suites->kids[i], "name");

			if (!strncmp(name, sn, strlen(sn)) && name[strlen(sn)] == '"')
				s = &suites->kids[i];
		}
		if (!s)
			t_fail("a chart for a suite the JSON lacks: %.20s", name);
		check_chart(p, jgets(s, "name"), engines,
			    distinct(jget(s, "cells"), "engine", engines, 32));
		charts++;
	}
	/* nop, storage (IOPS and p99), udp, tcp */
	ASSERT_GE(charts, 5);
}

static void check_csv(const char *csv)
{
	const char *line = csv;
	int rows = 0, fields0 = -1;

	ASSERT(!strncmp(csv, "suite,engine,", 13));
	while (*line) {
		const char *nl = strchr(line, '\n'), *p;
		int fields = 1;
		bool q = false;

		ASSERT_NOT_NULL(nl);
		for (p = line; p < nl; p++) {
			if (*p == '"')
				q = !q;
			else if (*p == ',' && !q)
				fields++;
		}
		if (fields0 < 0)
			fields0 = fields;
		ASSERT_EQ(fields, fields0);
		if (rows++)
			ASSERT(!strncmp(line, "nop,", 4));
		line = nl + 1;
	}
	ASSERT_EQ(rows, 1 + 4);		/* header, batches 1 8 32, getppid */
}

int main(void)
{
	const char *dir = getenv("URINGKIT_BUILD");
	char tool[4096], cmd[16384], svgpath[4200], datapath[4200];
	static const char *const want[] = { "nop", "storage", "udp", "tcp" };
	const struct jv *suites, *qd;
	unsigned depths[32], conns[] = { 50, 300 };
	char *out, *tmp, *svg;
	struct jv doc;
	struct jp j;
	size_t i, k, nd;
	FILE *f;

	if (!dir || !*dir)
		t_skip("URINGKIT_BUILD is not set");
	snprintf(tool, sizeof(tool), "%s/uringkit", dir);
	if (access(tool, X_OK))
		t_skip("%s is not built", tool);
	if (!t_op_supported(IORING_OP_NOP))
		t_skip("no io_uring on this kernel");

	tmp = t_tmpdir();
	snprintf(svgpath, sizeof(svgpath), "%s/bench.svg", tmp);
	snprintf(datapath, sizeof(datapath), "%s/bench.dat", tmp);
	snprintf(cmd, sizeof(cmd), "'%s' bench all --quick --time 0.1 --size 16 "
		 "--file '%s' --json --svg '%s' -q", tool, datapath, svgpath);
	out = run(cmd);

	j.p = out;
	j.err = NULL;
	if (!jvalue(&j, &doc, 0))
		t_fail("JSON error at offset %zu: %s", (size_t) (j.p - out), j.err);
	ws(&j);
	if (*j.p)
		t_fail("text after the JSON document at offset %zu",
		       (size_t) (j.p - out));
	ASSERT_EQ(doc.t, J_OBJ);
	ASSERT_NOT_NULL(jgets(jget(jget(&doc, "machine"), "kernel"), "release"));
	ASSERT_EQ(jget(jget(&doc, "machine"), "cpus")->t, J_NUM);
	ASSERT_NOT_NULL(jgets(jget(jget(&doc, "machine"), "storage"), "path"));
	ASSERT_EQ(jget(jget(&doc, "options"), "quick")->t, J_BOOL);
	suites = jget(&doc, "suites");
	ASSERT(suites && suites->t == J_ARR);
	for (k = 0; k < 4; k++) {
		const struct jv *s = NULL, *cells;

		for (i = 0; i < suites->n; i++)
			if (!strcmp(jgets(&suites->kids[i], "name"), want[k]))
				s = &suites->kids[i];
		if (!s)
			t_fail("suite %s missing from the JSON", want[k]);
		ASSERT_EQ(jget(s, "error")->t, J_NULL);
		cells = jget(s, "cells");
		ASSERT(cells && cells->t == J_ARR && cells->n > 0);
		for (i = 0; i < cells->n; i++)
			check_cell(want[k], &cells->kids[i]);
		printf("%s: %zu cells\n", want[k], cells->n);
		if (!strcmp(want[k], "storage")) {
			qd = jget(s, "qd");
			ASSERT(qd && qd->t == J_ARR && qd->n > 0 && qd->n <= 32);
			for (nd = 0; nd < qd->n; nd++)
				depths[nd] = (unsigned) qd->kids[nd].num;
			check_grid(s, "qd", depths, nd);
		}
		if (!strcmp(want[k], "tcp"))
			check_grid(s, "connections", conns, 2);	/* --quick */
	}
	/* The data file this run created is gone. */
	ASSERT(access(datapath, F_OK) != 0);

	f = fopen(svgpath, "r");
	if (!f)
		t_fail("no SVG written to %s", svgpath);
	svg = slurp(f);
	fclose(f);
	check_svg(svg, suites);

	free(svg);
	snprintf(cmd, sizeof(cmd), "'%s' bench nop --quick --time 0.05 --csv -q",
		 tool);
	svg = run(cmd);
	check_csv(svg);
	free(svg);
	jfree(&doc);
	free(out);
	return T_EXIT_PASS;
}
