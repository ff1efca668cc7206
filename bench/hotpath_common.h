/* SPDX-License-Identifier: MIT */
/*
 * bench/hotpath_common.h: what the hotpath benchmarks share (argument
 * parsing, the cached file for the read loop, the timing driver). It does
 * not include any io_uring header, so the liburing builds and the raw
 * syscall build use it alike.
 */
#ifndef HOTPATH_COMMON_H
#define HOTPATH_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define HP_BATCH	32	/* requests per submit */
#define HP_ENTRIES	64	/* SQ entries (the CQ gets twice as many) */
#define HP_BLOCK	4096	/* bytes per read */
#define HP_FILE_BLOCKS	256	/* the read file: 1 MiB, in the page cache */

struct hp_cfg {
	int read;		/* 0: NOP loop, 1: 4 KiB reads */
	int fd;			/* the cached file (read loop) */
	unsigned long count;	/* requests to run (count mode) */
	double secs;		/* > 0: timed mode */
	void *bufs[HP_BATCH];	/* one read buffer per slot of a batch */
};

typedef int (*hp_loop_fn)(const struct hp_cfg *c, unsigned long batches,
			  unsigned long long *sum);

static inline unsigned long long hp_offset(const struct hp_cfg *c,
					   unsigned long batch, unsigned i)
{
	(void) c;
	return (unsigned long long)
		((batch * HP_BATCH + i) & (HP_FILE_BLOCKS - 1)) * HP_BLOCK;
}

static void __attribute__((noreturn)) hp_die(const char *what, int err)
{
	fprintf(stderr, "hotpath: %s: %s\n", what, strerror(err));
	exit(1);
}

static void __attribute__((noreturn)) hp_usage(void)
{
	fprintf(stderr, "usage: hotpath nop|read COUNT\n"
			"       hotpath nop|read -t SECONDS\n");
	exit(2);
}

/* A 1 MiB file, written once and then read from the page cache. */
static int hp_open_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	static char block[HP_BLOCK];
	int fd;

	snprintf(path, sizeof(path), "%s/hotpath.XXXXXX",
		 dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		hp_die("mkstemp", errno);
	unlink(path);
	for (int i = 0; i < HP_FILE_BLOCKS; i++) {
		memset(block, 'a' + i % 26, sizeof(block));
		if (write(fd, block, sizeof(block)) != (ssize_t) sizeof(block))
			hp_die("write", errno ? errno : EIO);
	}
	/* Touch every page once so that the loop only ever hits the cache. */
	for (int i = 0; i < HP_FILE_BLOCKS; i++)
		if (pread(fd, block, sizeof(block),
			  (off_t) i * HP_BLOCK) != (ssize_t) sizeof(block))
			hp_die("pread", errno ? errno : EIO);
	return fd;
}

static void hp_parse(int argc, char **argv, struct hp_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (argc != 3 && argc != 4)
		hp_usage();
	if (!strcmp(argv[1], "read"))
		c->read = 1;
	else if (strcmp(argv[1], "nop"))
		hp_usage();
	if (argc == 4) {
		if (strcmp(argv[2], "-t"))
			hp_usage();
		c->secs = strtod(argv[3], NULL);
		if (c->secs <= 0)
			hp_usage();
	} else {
		c->count = strtoul(argv[2], NULL, 0);
		if (!c->count || c->count % HP_BATCH) {
			fprintf(stderr, "hotpath: COUNT must be a positive "
					"multiple of %d\n", HP_BATCH);
			exit(2);
		}
	}
	if (c->read) {
		c->fd = hp_open_file();
		for (int i = 0; i < HP_BATCH; i++) {
			if (posix_memalign(&c->bufs[i], HP_BLOCK, HP_BLOCK))
				hp_die("posix_memalign", ENOMEM);
			memset(c->bufs[i], 0, HP_BLOCK);
		}
	}
}

/* CPU time (user + system) this process has used, in seconds. */
static double hp_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static double hp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/*
 * Count mode: exactly c->count requests. Timed mode: a short warm-up, then
 * chunks of batches until c->secs have passed; prints requests/s.
 */
static int hp_run(const struct hp_cfg *c, hp_loop_fn loop)
{
	unsigned long long sum = 0;
	int ret;

	if (!c->secs) {
		ret = loop(c, c->count / HP_BATCH, &sum);
		if (ret < 0)
			return ret;
		printf("requests %lu\nchecksum %llu\n", c->count, sum);
		return 0;
	} else {
		const unsigned long chunk = 64;
		unsigned long batches = 0;
		double start, now, cpu0;

		ret = loop(c, 256, &sum);
		if (ret < 0)
			return ret;
		cpu0 = hp_cpu();
		start = hp_now();
		do {
			ret = loop(c, chunk, &sum);
			if (ret < 0)
				return ret;
			batches += chunk;
			now = hp_now();
		} while (now - start < c->secs);
		cpu0 = hp_cpu() - cpu0;
		printf("requests %lu\nseconds %.6f\nrps %.0f\n"
		       "cpu_seconds %.6f\ncpu_rps %.0f\nchecksum %llu\n",
		       batches * HP_BATCH, now - start,
		       (double) (batches * HP_BATCH) / (now - start), cpu0,
		       (double) (batches * HP_BATCH) / cpu0, sum);
		return 0;
	}
}

static void hp_cleanup(struct hp_cfg *c)
{
	if (c->fd >= 0)
		close(c->fd);
	for (int i = 0; i < HP_BATCH; i++)
		free(c->bufs[i]);
}

#endif
