/* SPDX-License-Identifier: MIT */
/*
 * uringkit inspect PID [--json]: what the io_uring rings of a process are
 * doing, from /proc/PID/fdinfo of each of its io_uring fds.
 *
 * The kernel prints one "Key:\tvalue" line per scalar (SqHead, CqTail,
 * SqThread, ...) and, after some keys (SQEs, CQEs, UserFiles, UserBufs,
 * PollList, CqOverflowList), indented lines that list entries. Which keys
 * exist depends on the kernel version, so every key is kept as the kernel
 * printed it, and the well-known ones are also shown by name: SQ/CQ heads
 * and tails, overflow, registered files and buffers, the SQPOLL thread and
 * its CPU, and the requests the kernel lists as pending (PollList).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uringkit/ops.h>
#include "../uringkit.h"
#include "inspect.h"

#define MAX_KEYS	64
#define MAX_LINES	256

struct field {
	char key[32];
	char value[96];
	unsigned nlines;	/* indented lines that follow the key */
	char **lines;
};

struct ring_info {
	int fd;
	unsigned nfields;
	struct field f[MAX_KEYS];
};

static void ring_free(struct ring_info *r)
{
	for (unsigned i = 0; i < r->nfields; i++) {
		for (unsigned j = 0; j < r->f[i].nlines; j++)
			free(r->f[i].lines[j]);
		free(r->f[i].lines);
	}
	r->nfields = 0;
}

static char *trim(char *s)
{
	size_t n;

	while (isspace((unsigned char) *s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char) s[n - 1]))
		s[--n] = 0;
	return s;
}

/* Parse /proc/PID/fdinfo/FD; returns 0 or -errno. */
static int read_fdinfo(int pid, int fd, struct ring_info *r)
{
	char path[64], line[512];
	struct field *cur = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	while (fgets(line, sizeof(line), f)) {
		char *colon;

		if (line[0] == ' ' || line[0] == '\t') {
			char **grown;

			if (!cur || cur->nlines >= MAX_LINES)
				continue;
			grown = realloc(cur->lines,
					(cur->nlines + 1) * sizeof(char *));
			if (!grown)
				break;
			cur->lines = grown;
			cur->lines[cur->nlines] = strdup(trim(line));
			if (cur->lines[cur->nlines])
				cur->nlines++;
			continue;
		}
		colon = strchr(line, ':');
		if (!colon || r->nfields >= MAX_KEYS)
			continue;
		*colon = 0;
		cur = &r->f[r->nfields++];
		snprintf(cur->key, sizeof(cur->key), "%s", trim(line));
		snprintf(cur->value, sizeof(cur->value), "%s", trim(colon + 1));
	}
	fclose(f);
	return 0;
}

static const struct field *find(const struct ring_info *r, const char *key)
{
	for (unsigned i = 0; i < r->nfields; i++)
		if (!strcmp(r->f[i].key, key))
			return &r->f[i];
	return NULL;
}

/* A numeric field (decimal or 0x hex), or def when absent. */
static long long num(const struct ring_info *r, const char *key, long long def)
{
	const struct field *f = find(r, key);
	char *end;
	long long v;

	if (!f || !f->value[0])
		return def;
	v = strtoll(f->value, &end, 0);
	return end == f->value ? def : v;
}

static unsigned nlines(const struct ring_info *r, const char *key)
{
	const struct field *f = find(r, key);

	return f ? f->nlines : 0;
}

/* "op=22, task_works=0" -> "READ" (NULL when there is no op=). */
static const char *pending_op(const char *line, int *op)
{
	const char *p = strstr(line, "op=");

	if (!p)
		return NULL;
	*op = atoi(p + 3);
	return uringkit_op_name(*op);
}

/* The fds of pid that are io_uring instances, ascending; returns count or -errno. */
static int ring_fds(int pid, int *fds, int max)
{
	char path[64], link[400], target[128];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < max) {
		ssize_t len;

		if (!isdigit((unsigned char) de->d_name[0]))
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, de->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = 0;
		if (!strcmp(target, "anon_inode:[io_uring]"))
			fds[n++] = atoi(de->d_name);
	}
	closedir(d);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];

			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	return n;
}

static void print_text(const struct ring_info *r)
{
	long long sqh = num(r, "SqHead", -1), sqt = num(r, "SqTail", -1);
	long long cqh = num(r, "CqHead", -1), cqt = num(r, "CqTail", -1);
	long long thr = num(r, "SqThread", -1);
	const struct field *f;

	printf("ring fd %d\n", r->fd);
	printf("  SQ: head %lld tail %lld (%lld queued), %lld entries\n", sqh,
	       sqt, sqt - sqh, num(r, "SqMask", -1) + 1);
	printf("  CQ: head %lld tail %lld (%lld ready), %lld entries, "
	       "overflow %u\n", cqh, cqt, cqt - cqh, num(r, "CqMask", -1) + 1,
	       nlines(r, "CqOverflowList"));
	if (thr >= 0)
		printf("  SQPOLL thread %lld on CPU %lld\n", thr,
		       num(r, "SqThreadCpu", -1));
	else
		printf("  SQPOLL: none\n");
	printf("  registered files: %lld\n", num(r, "UserFiles", 0));
	f = find(r, "UserFiles");
	for (unsigned i = 0; f && i < f->nlines; i++)
		printf("    %s\n", f->lines[i]);
	printf("  registered buffers: %lld\n", num(r, "UserBufs", 0));
	f = find(r, "UserBufs");
	for (unsigned i = 0; f && i < f->nlines; i++)
		printf("    %s\n", f->lines[i]);
	f = find(r, "PollList");
	printf("  pending (poll list): %u\n", f ? f->nlines : 0);
	for (unsigned i = 0; f && i < f->nlines; i++) {
		int op;
		const char *name = pending_op(f->lines[i], &op);

		printf("    %s%s%s\n", name ? name : "", name ? "  " : "",
		       f->lines[i]);
	}
	f = find(r, "CqOverflowList");
	for (unsigned i = 0; f && i < f->nlines; i++)
		printf("    overflow: %s\n", f->lines[i]);
}

static void json_lines(const struct field *f)
{
	printf("[");
	for (unsigned i = 0; f && i < f->nlines; i++) {
		printf(i ? ", " : "");
		uk_json_str(stdout, f->lines[i]);
	}
	printf("]");
}

static void print_json_ring(const struct ring_info *r)
{
	static const char *const nums[][2] = {
		{ "sq_head", "SqHead" }, { "sq_tail", "SqTail" },
		{ "cached_sq_head", "CachedSqHead" }, { "cq_head", "CqHead" },
		{ "cq_tail", "CqTail" }, { "cached_cq_tail", "CachedCqTail" },
		{ "sq_thread", "SqThread" }, { "sq_thread_cpu", "SqThreadCpu" },
		{ "user_files", "UserFiles" }, { "user_bufs", "UserBufs" },
	};
	const struct field *f = find(r, "PollList");

	printf("{\"fd\": %d, \"sq_entries\": %lld, \"cq_entries\": %lld", r->fd,
	       num(r, "SqMask", -1) + 1, num(r, "CqMask", -1) + 1);
	for (unsigned i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		printf(", \"%s\": %lld", nums[i][0], num(r, nums[i][1], -1));
	printf(", \"cq_overflow\": %u", nlines(r, "CqOverflowList"));
	printf(", \"files\": ");
	json_lines(find(r, "UserFiles"));
	printf(", \"buffers\": ");
	json_lines(find(r, "UserBufs"));
	printf(", \"pending\": [");
	for (unsigned i = 0; f && i < f->nlines; i++) {
		int op = -1;
		const char *name = pending_op(f->lines[i], &op);

		printf("%s{\"op\": ", i ? ", " : "");
		uk_json_str(stdout, name ? name : "");
		printf(", \"opcode\": %d, \"raw\": ", op);
		uk_json_str(stdout, f->lines[i]);
		printf("}");
	}
	printf("], \"overflow\": ");
	json_lines(find(r, "CqOverflowList"));
	printf(", \"fdinfo\": {");
	for (unsigned i = 0; i < r->nfields; i++) {
		printf(i ? ", " : "");
		uk_json_str(stdout, r->f[i].key);
		printf(": ");
		uk_json_str(stdout, r->f[i].value);
	}
	printf("}}");
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: uringkit inspect PID [--json]\n"
		"  shows each io_uring ring of process PID: SQ/CQ heads, tails and\n"
		"  overflow, registered files and buffers, the SQPOLL thread and\n"
		"  its CPU, and the requests the kernel lists as pending\n");
}

int inspect_main(int argc, char **argv)
{
	int fds[256], n, pid = -1;
	bool json = false;
	char *end;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (pid < 0 && isdigit((unsigned char) argv[i][0])) {
			long v = strtol(argv[i], &end, 10);

			if (*end || v <= 0 || v > 0x3fffffff) {
				fprintf(stderr, "uringkit inspect: bad PID '%s'\n",
					argv[i]);
				return 2;
			}
			pid = (int) v;
		} else {
			fprintf(stderr, "uringkit inspect: unknown argument '%s'\n",
				argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (pid < 0) {
		usage(stderr);
		return 2;
	}
	n = ring_fds(pid, fds, (int) (sizeof(fds) / sizeof(fds[0])));
	if (n < 0) {
		fprintf(stderr, "uringkit inspect: process %d: %s\n", pid,
			strerror(-n));
		return 1;
	}
	if (json)
		printf("{\"pid\": %d, \"rings\": [", pid);
	else if (!n)
		printf("process %d has no io_uring rings\n", pid);
	else
		printf("process %d: %d io_uring ring%s\n", pid, n,
		       n == 1 ? "" : "s");
	for (int i = 0, shown = 0; i < n; i++) {
		struct ring_info *r = malloc(sizeof(*r));
		int ret = r ? read_fdinfo(pid, fds[i], r) : -ENOMEM;

		if (ret < 0) {
			fprintf(stderr, "uringkit inspect: fd %d: %s\n", fds[i],
				strerror(-ret));
			free(r);
			continue;
		}
		if (json) {
			printf(shown++ ? ", " : "");
			print_json_ring(r);
		} else {
			print_text(r);
		}
		ring_free(r);
		free(r);
	}
	if (json)
		printf("]}\n");
	return 0;
}
