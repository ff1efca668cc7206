/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench storage, as one would compare with fio: a queue-depth
 * sweep (default 1, 2, 4, ... 128; --qd), --rw randread|randwrite|read|
 * write, --bs bytes per I/O, over a block device or a file (--file). Without
 * --file a data file is created and removed at the end (unless --keep).
 * Every engine runs at every depth; see storage_engines.c for the engines.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "../uringkit.h"
#include "storage.h"
#include "suites.h"

#define DATA_NAME	"uringkit-bench.dat"

static const unsigned default_qds[] = { 1, 2, 4, 8, 16, 32, 64, 128 };
static const unsigned quick_qds[] = { 1, 8, 32, 128 };
/* --quick's data file: enough for O_DIRECT reads, quick to write. */
#define QUICK_SIZE	(64ULL << 20)
/* Writing the data file, for the estimate. */
#define CREATE_BYTES_PER_S	200e6

/* ---- the data file ------------------------------------------------------ */

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR && !uk_interrupted)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t) n;
	}
	return 0;
}

/*
 * Written under a temporary name and renamed when complete, so that an
 * interrupted run never leaves a short file that a later run would reuse.
 * The content is pseudo-random: no filesystem can store it sparsely.
 */
static int create_file(const char *path, uint64_t size)
{
	const size_t chunk = 1u << 20;
	struct target t = { .bs = (unsigned) chunk };
	char tmp[PATH_MAX + 32];
	uint64_t done = 0;
	char *buf;
	int fd, ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int) getpid());
	buf = io_alloc_bufs(&t, 1);
	if (!buf)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		free(buf);
		return ret;
	}
	while (done < size && !ret) {
		size_t len = size - done < chunk ? (size_t) (size - done) : chunk;

		/* Each MiB differs from the last. */
		((uint64_t *) (void *) buf)[0] = done;
		ret = write_all(fd, buf, len);
		done += len;
		if (uk_interrupted)
			ret = -EINTR;
	}
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	free(buf);
	return ret;
}

/* The block device's name ("vda") for a device number, "" when unknown. */
static void device_name(dev_t dev, char *out, size_t len)
{
	char link[64], target[PATH_MAX];
	ssize_t n;

	out[0] = '\0';
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev),
		 minor(dev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	snprintf(out, len, "%.63s", strrchr(target, '/') ? strrchr(target, '/') + 1 :
		 target);
}

static uint64_t data_size(const struct bench_opts *o)
{
	return o->quick && !o->file && o->file_size > QUICK_SIZE ?
	       QUICK_SIZE : o->file_size;
}

/* Open (and first create, if needed) what the I/O goes to. */
static int open_target(struct bench_suite *s, struct target *t,
		       const char **failed)
{
	const struct bench_opts *o = &s->opts;
	const char *dir = getenv("TMPDIR");
	uint64_t size = data_size(o);
	int flags = io_is_write(t) ? O_RDWR : O_RDONLY;
	struct stat st;
	int ret;

	t->fd = -1;
	if (o->file)
		snprintf(t->path, sizeof(t->path), "%s", o->file);
	else
		snprintf(t->path, sizeof(t->path), "%s/" DATA_NAME,
			 dir && *dir ? dir : "/var/tmp");

	if (stat(t->path, &st) == 0 && S_ISBLK(st.st_mode)) {
		if (io_is_write(t)) {
			*failed = "refusing to write to a block device (its "
				  "data would be lost); use a file";
			return -EPERM;
		}
		t->blockdev = true;
	} else if (stat(t->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		*failed = "--file is neither a regular file nor a block device";
		return -EINVAL;
	} else if (stat(t->path, &st) || (!o->file && (uint64_t) st.st_size < size)) {
		bench_progress_phase("storage: creating %s (%llu MiB)", t->path,
				     (unsigned long long) (size >> 20));
		ret = create_file(t->path, size);
		if (ret) {
			*failed = "creating the data file";
			return ret;
		}
		t->created = true;
	}

	/*
	 * O_DIRECT if the filesystem takes it (tmpfs before 6.6 refuses it at
	 * open, some filesystems only at the first I/O).
	 */
	t->fd = open(t->path, flags | O_DIRECT | O_CLOEXEC);
	if (t->fd >= 0) {
		void *buf = io_alloc_bufs(t, 1);

		t->direct = buf && pread(t->fd, buf, t->bs, 0) == (ssize_t) t->bs;
		free(buf);
		if (!t->direct) {
			close(t->fd);
			t->fd = -1;
		}
	}
	if (t->fd < 0)
		t->fd = open(t->path, flags | O_CLOEXEC);
	if (t->fd < 0) {
		*failed = "open";
		return -errno;
	}
	if (fstat(t->fd, &st)) {
		*failed = "fstat";
		return -errno;
	}
	if (t->blockdev) {
		uint64_t bytes = 0;

		if (ioctl(t->fd, BLKGETSIZE64, &bytes)) {
			*failed = "BLKGETSIZE64";
			return -errno;
		}
		device_name(st.st_rdev, s->device, sizeof(s->device));
		t->blocks = (bytes < size ? bytes : size) / t->bs;
	} else {
		device_name(st.st_dev, s->device, sizeof(s->device));
		t->blocks = (uint64_t) st.st_size / t->bs;
		if (!t->created && (uint64_t) st.st_size > size)
			t->blocks = size / t->bs;
	}
	if (!t->blocks) {
		*failed = "--file is smaller than one block (--bs)";
		return -EINVAL;
	}
	return 0;
}

/* ---- the run ------------------------------------------------------------ */

struct engine {
	const char *name;
	void (*run)(const struct bench_opts *, const struct target *,
		    struct bench_record *);
};

static const struct engine engines[] = {
	{ "psync", eng_psync },
	{ "libaio", eng_libaio },
	{ "io_uring", eng_uring_plain },
	{ "io_uring fixed", eng_uring_fixed },
	{ "io_uring sqpoll", eng_uring_sqpoll },
};
#define NR_ENGINES	(sizeof(engines) / sizeof(engines[0]))
#define E_PSYNC		0
#define E_LIBAIO	1

/* The depths to sweep: --qd, or the default for this kind of run. */
static void fill_depths(struct bench_opts *o)
{
	const unsigned *q = o->quick ? quick_qds : default_qds;
	size_t n = o->quick ? sizeof(quick_qds) / sizeof(quick_qds[0]) :
		   sizeof(default_qds) / sizeof(default_qds[0]);

	if (o->nr_qd)
		return;
	memcpy(o->qd, q, n * sizeof(*q));
	o->nr_qd = (unsigned) n;
}

struct bench_plan bench_storage_plan(const struct bench_opts *o)
{
	struct bench_opts so = *o;
	struct bench_plan p;

	fill_depths(&so);
	p.cells = so.nr_qd * (unsigned) NR_ENGINES;
	p.seconds = p.cells * (so.warm_s + so.cell_s + 0.01);
	if (!so.file)
		p.seconds += (double) data_size(&so) / CREATE_BYTES_PER_S;
	return p;
}

int bench_storage(struct bench_suite *s)
{
	const char *failed = "";
	struct target t;
	unsigned d, e;
	int ret;

	fill_depths(&s->opts);
	s->depth_name = "qd";
	memset(&t, 0, sizeof(t));
	t.bs = s->opts.bs;
	t.rw = s->opts.rw;
	ret = open_target(s, &t, &failed);
	snprintf(s->path, sizeof(s->path), "%s", t.path);
	s->created = t.created;
	s->direct = t.direct;
	s->is_blockdev = t.blockdev;
	s->data_bytes = t.blocks * t.bs;
	if (ret) {
		s->err = ret;
		snprintf(s->failed, sizeof(s->failed), "%s", failed);
	}
	for (d = 0; !ret && d < s->opts.nr_qd && !uk_interrupted; d++)
		for (e = 0; e < NR_ENGINES && !uk_interrupted; e++) {
			size_t row = s->nr;
			struct bench_record *c = bench_suite_add(s, engines[e].name,
								 s->opts.qd[d]);

			if (!c)
				break;
			/* io_uring rows against psync and libaio at this depth */
			if (e > E_LIBAIO) {
				c->base[0] = (int) (row - e + E_PSYNC);
				c->base[1] = (int) (row - e + E_LIBAIO);
			}
			bench_progress_cell(s, "%s at QD %u", engines[e].name,
					    s->opts.qd[d]);
			engines[e].run(&s->opts, &t, c);
		}
	if (t.fd >= 0)
		close(t.fd);
	if (t.created && !s->opts.keep && !unlink(t.path))
		s->removed = true;
	s->interrupted = uk_interrupted;
	return ret || uk_interrupted ? 1 : 0;
}
