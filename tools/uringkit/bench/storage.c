/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench storage: 4 KiB random reads over one file, at queue
 * depths 1, 8 and 32, through
 *   psync            pread(2); QD threads at QD > 1
 *   libaio           io_submit(2) / io_getevents(2), QD in flight
 *   io_uring         IORING_OP_READ, QD in flight, refilled in batches
 *   io_uring fixed   READ_FIXED on a registered file and buffers
 *   io_uring sqpoll  IORING_OP_READ with a kernel submission thread
 * Latency is submit-to-completion per request, as the program sees it.
 */
#include <errno.h>
#include <fcntl.h>
/* The Makefile says when libaio-dev is missing; so does the header's absence. */
#if !defined(URINGKIT_NO_LIBAIO) && __has_include(<libaio.h>)
#define HAVE_LIBAIO 1
#include <libaio.h>
#endif
#include <limits.h>
#include <liburing.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../uringkit.h"
#include "suites.h"

#define BS		4096u
#define MAX_QD		32u
#define DATA_NAME	"uringkit-bench.dat"

struct target {
	char path[PATH_MAX];
	int fd;
	bool direct;		/* O_DIRECT works on this file */
	bool created;		/* made by this run (else reused) */
	uint64_t blocks;	/* BS-sized blocks in the file */
};

/* xorshift64*: cheap, and good enough to spread offsets over the file. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static uint64_t rand_off(uint64_t *s, uint64_t blocks)
{
	return (rng_next(s) % blocks) * BS;
}

static void *alloc_bufs(unsigned n)
{
	void *p;

	if (posix_memalign(&p, BS, (size_t) n * BS))
		return NULL;
	memset(p, 0, (size_t) n * BS);
	return p;
}

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
	char tmp[PATH_MAX + 32];
	uint64_t seed = 0x9e3779b97f4a7c15ULL, done = 0;
	uint64_t *buf;
	int fd, ret = 0;
	size_t i;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int) getpid());
	buf = malloc(chunk);
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

		for (i = 0; i < chunk / sizeof(*buf); i++)
			buf[i] = rng_next(&seed);
		ret = write_all(fd, (const char *) buf, len);
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

static int open_target(const struct bench_opts *o, struct target *t,
		       const char **failed)
{
	const char *dir = getenv("TMPDIR");
	struct stat st;
	void *buf;
	int ret;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (o->file)
		snprintf(t->path, sizeof(t->path), "%s", o->file);
	else
		snprintf(t->path, sizeof(t->path), "%s/" DATA_NAME,
			 dir && *dir ? dir : "/var/tmp");

	if (stat(t->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		*failed = "data file is not a regular file";
		return -EINVAL;
	}
	if (o->file && stat(t->path, &st) == 0 &&
	    (uint64_t) st.st_size < o->file_size) {
		/* Never replace a file we were pointed at: it may be precious. */
		*failed = "--file exists and is smaller than --size; not "
			  "overwriting it";
		return -EFBIG;
	}
	if (stat(t->path, &st) || (uint64_t) st.st_size < o->file_size) {
		printf("  creating %s (%llu MiB) ...\n", t->path,
		       (unsigned long long) (o->file_size >> 20));
		ret = create_file(t->path, o->file_size);
		if (ret) {
			*failed = "creating the data file";
			return ret;
		}
		t->created = true;
	}
	t->blocks = o->file_size / BS;

	/*
	 * O_DIRECT if the filesystem takes it (tmpfs before 6.6 refuses it at
	 * open, some filesystems only at the first read).
	 */
	buf = alloc_bufs(1);
	if (!buf) {
		*failed = "posix_memalign";
		return -ENOMEM;
	}
	t->fd = open(t->path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (t->fd >= 0 && pread(t->fd, buf, BS, 0) == (ssize_t) BS) {
		t->direct = true;
	} else {
		if (t->fd >= 0)
			close(t->fd);
		t->fd = open(t->path, O_RDONLY | O_CLOEXEC);
	}
	free(buf);
	if (t->fd < 0) {
		*failed = "open";
		return -errno;
	}
	return 0;
}

/* ---- psync -------------------------------------------------------------- */

struct psync_worker {
	pthread_t thread;
	const struct target *t;
	struct window w;
	uint64_t seed;
	uint64_t ops;
	double lat_ns;
	int err;
};

static void *psync_run(void *arg)
{
	struct psync_worker *pw = arg;
	void *buf = alloc_bufs(1);

	if (!buf) {
		pw->err = -ENOMEM;
		return NULL;
	}
	for (;;) {
		uint64_t off = rand_off(&pw->seed, pw->t->blocks);
		uint64_t t1 = uk_now_ns(), t2;
		ssize_t n = pread(pw->t->fd, buf, BS, (off_t) off);

		t2 = uk_now_ns();
		if (n != (ssize_t) BS) {
			pw->err = n < 0 ? -errno : -EIO;
			break;
		}
		if (t2 >= pw->w.start && t2 < pw->w.end) {
			pw->ops++;
			pw->lat_ns += (double) (t2 - t1);
		}
		if (t2 >= pw->w.end || uk_interrupted)
			break;
	}
	free(buf);
	return NULL;
}

static void eng_psync(const struct bench_opts *o, const struct target *t,
		      struct bench_record *c)
{
	struct psync_worker pw[MAX_QD];
	struct window w = window_for(o);
	unsigned i, started = 0;
	int ret;

	memset(pw, 0, sizeof(pw));
	for (i = 0; i < c->depth; i++) {
		pw[i].t = t;
		pw[i].w = w;
		pw[i].seed = 0x1234567ULL * (i + 1) + 1;
		ret = pthread_create(&pw[i].thread, NULL, psync_run, &pw[i]);
		if (ret) {
			bench_record_fail(c, "pthread_create", -ret);
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++) {
		pthread_join(pw[i].thread, NULL);
		if (pw[i].err)
			bench_record_fail(c, "pread", pw[i].err);
		c->ops += pw[i].ops;
		c->lat_ns_sum += pw[i].lat_ns;
	}
	c->window_s = (double) (w.end - w.start) / 1e9;
	bench_record_finish(c);
}

/* ---- libaio ------------------------------------------------------------- */

#ifdef HAVE_LIBAIO
static void eng_libaio(const struct bench_opts *o, const struct target *t,
		       struct bench_record *c)
{
	struct iocb iocbs[MAX_QD], *batch[MAX_QD];
	struct io_event events[MAX_QD];
	uint64_t sub_t[MAX_QD], seed = 42, now;
	io_context_t ctx = 0;
	unsigned qd = c->depth, inflight = 0, i;
	struct window w;
	char *bufs;
	int ret, n;

	bufs = alloc_bufs(qd);
	if (!bufs) {
		bench_record_fail(c, "posix_memalign", -ENOMEM);
		return;
	}
	ret = io_setup((int) qd, &ctx);
	if (ret < 0) {
		bench_record_fail(c, "io_setup", ret);
		free(bufs);
		return;
	}
	w = window_for(o);
	now = uk_now_ns();
	for (i = 0; i < qd; i++) {
		io_prep_pread(&iocbs[i], t->fd, bufs + (size_t) i * BS, BS,
			      (long long) rand_off(&seed, t->blocks));
		iocbs[i].data = (void *) (uintptr_t) i;
		batch[i] = &iocbs[i];
		sub_t[i] = now;
	}
	ret = io_submit(ctx, (long) qd, batch);
	if (ret != (int) qd) {
		bench_record_fail(c, "io_submit", ret < 0 ? ret : -EAGAIN);
		if (ret > 0)
			inflight = (unsigned) ret;
		goto drain;
	}
	inflight = qd;
	for (;;) {
		n = io_getevents(ctx, 1, (long) qd, events, NULL);
		if (n == -EINTR && !uk_interrupted)
			continue;
		if (n < 0) {
			bench_record_fail(c, "io_getevents", n);
			goto drain;
		}
		now = uk_now_ns();
		inflight -= (unsigned) n;
		for (i = 0; i < (unsigned) n; i++) {
			unsigned slot = (unsigned) (uintptr_t) events[i].data;
			long res = (long) events[i].res;

			if (res != (long) BS) {
				bench_record_fail(c, "libaio read", res < 0 ? (int) res : -EIO);
				goto drain;
			}
			if (now >= w.start && now < w.end) {
				c->ops++;
				c->lat_ns_sum += (double) (now - sub_t[slot]);
			}
			io_prep_pread(&iocbs[slot], t->fd,
				      bufs + (size_t) slot * BS, BS,
				      (long long) rand_off(&seed, t->blocks));
			iocbs[slot].data = (void *) (uintptr_t) slot;
			sub_t[slot] = now;
			batch[i] = &iocbs[slot];
		}
		if (now >= w.end || uk_interrupted)
			break;
		ret = io_submit(ctx, n, batch);
		if (ret != n) {
			bench_record_fail(c, "io_submit", ret < 0 ? ret : -EAGAIN);
			if (ret > 0)
				inflight += (unsigned) ret;
			goto drain;
		}
		inflight += (unsigned) n;
	}
	c->window_s = (double) (w.end - w.start) / 1e9;
drain:
	/* The buffers are the kernel's until every read has completed. */
	while (inflight) {
		n = io_getevents(ctx, 1, (long) qd, events, NULL);
		if (n == -EINTR)
			continue;
		if (n <= 0)
			break;
		inflight -= (unsigned) n;
	}
	io_destroy(ctx);
	free(bufs);
	bench_record_finish(c);
}
#else
/* Built without libaio-dev: the column says so instead of a number. */
static void eng_libaio(const struct bench_opts *o, const struct target *t,
		       struct bench_record *c)
{
	(void) o;
	(void) t;
	bench_record_fail(c, "libaio not built in (install libaio-dev and rebuild)",
		  -ENOSYS);
	bench_record_finish(c);
}
#endif

/* ---- io_uring ----------------------------------------------------------- */

enum uring_kind { URING_PLAIN, URING_FIXED, URING_SQPOLL };

struct uring_job {
	struct io_uring ring;
	enum uring_kind kind;
	const struct target *t;
	char *bufs;
	uint64_t seed;
	uint64_t sub_t[MAX_QD];
};

static int uring_queue_read(struct uring_job *j, unsigned slot, uint64_t now)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&j->ring);
	uint64_t off = rand_off(&j->seed, j->t->blocks);
	char *buf = j->bufs + (size_t) slot * BS;

	if (!sqe)
		return -EBUSY;
	if (j->kind == URING_FIXED) {
		/* File slot 0, buffer slot == request slot. */
		io_uring_prep_rw(IORING_OP_READ_FIXED, sqe, 0, buf, BS, off);
		sqe->buf_index = (__u16) slot;
		sqe->flags |= IOSQE_FIXED_FILE;
	} else {
		io_uring_prep_read(sqe, j->t->fd, buf, BS, off);
	}
	io_uring_sqe_set_data64(sqe, slot);
	j->sub_t[slot] = now;
	return 0;
}

static int uring_setup(struct uring_job *j, unsigned qd, struct bench_record *c)
{
	struct io_uring_params p;
	struct iovec iov[MAX_QD];
	unsigned i;
	int ret;

	memset(&p, 0, sizeof(p));
	if (j->kind == URING_SQPOLL) {
		p.flags = IORING_SETUP_SQPOLL;
		p.sq_thread_idle = 100;		/* ms */
	}
	ret = io_uring_queue_init_params(qd, &j->ring, &p);
	if (ret < 0)
		return bench_record_fail(c, j->kind == URING_SQPOLL ?
				 "io_uring_queue_init (SQPOLL)" :
				 "io_uring_queue_init", ret);
	if (j->kind != URING_FIXED)
		return 0;
	ret = io_uring_register((unsigned) j->ring.ring_fd,
				IORING_REGISTER_FILES, &j->t->fd, 1);
	if (ret < 0) {
		io_uring_queue_exit(&j->ring);
		return bench_record_fail(c, "IORING_REGISTER_FILES", ret);
	}
	for (i = 0; i < qd; i++) {
		iov[i].iov_base = j->bufs + (size_t) i * BS;
		iov[i].iov_len = BS;
	}
	ret = io_uring_register((unsigned) j->ring.ring_fd,
				IORING_REGISTER_BUFFERS, iov, qd);
	if (ret < 0) {
		io_uring_queue_exit(&j->ring);
		return bench_record_fail(c, "IORING_REGISTER_BUFFERS", ret);
	}
	return 0;
}

static void eng_uring(const struct bench_opts *o, const struct target *t,
		      struct bench_record *c, enum uring_kind kind)
{
	struct uring_job j;
	struct io_uring_cqe *cqes[MAX_QD], *cqe;
	unsigned done[MAX_QD];
	unsigned qd = c->depth, inflight = 0, queued = 0, i;
	uint64_t now;
	struct window w;
	int ret;

	memset(&j, 0, sizeof(j));
	j.kind = kind;
	j.t = t;
	j.seed = 42;
	j.bufs = alloc_bufs(qd);
	if (!j.bufs) {
		bench_record_fail(c, "posix_memalign", -ENOMEM);
		return;
	}
	if (uring_setup(&j, qd, c) < 0) {
		free(j.bufs);
		bench_record_finish(c);
		return;
	}
	w = window_for(o);
	now = uk_now_ns();
	for (i = 0; i < qd; i++) {
		ret = uring_queue_read(&j, i, now);
		if (ret < 0) {
			bench_record_fail(c, "io_uring_get_sqe", ret);
			break;
		}
		queued++;
	}
	while (!c->err) {
		unsigned n, ndone = 0;

		ret = io_uring_submit_and_wait(&j.ring, 1);
		if (ret == -EINTR && !uk_interrupted)
			continue;
		if (ret < 0) {
			bench_record_fail(c, "io_uring_submit_and_wait", ret);
			break;
		}
		inflight += queued;
		queued = 0;
		n = io_uring_peek_batch_cqe(&j.ring, cqes, qd);
		if (!n)
			continue;
		now = uk_now_ns();
		for (i = 0; i < n; i++) {
			unsigned slot = (unsigned) io_uring_cqe_get_data64(cqes[i]);

			if (cqes[i]->res != (int) BS) {
				bench_record_fail(c, kind == URING_FIXED ? "READ_FIXED" : "READ",
					  cqes[i]->res < 0 ? cqes[i]->res : -EIO);
				continue;
			}
			if (now >= w.start && now < w.end) {
				c->ops++;
				c->lat_ns_sum += (double) (now - j.sub_t[slot]);
			}
			done[ndone++] = slot;
		}
		io_uring_cq_advance(&j.ring, n);
		inflight -= n;
		if (c->err || now >= w.end || uk_interrupted)
			break;
		/* Refill the completed slots; they go out with the next enter. */
		for (i = 0; i < ndone; i++) {
			ret = uring_queue_read(&j, done[i], now);
			if (ret < 0) {
				bench_record_fail(c, "io_uring_get_sqe", ret);
				break;
			}
			queued++;
		}
	}
	if (!c->err)
		c->window_s = (double) (w.end - w.start) / 1e9;

	/* The buffers are the kernel's until every read has completed. */
	if (queued && io_uring_submit(&j.ring) >= 0)
		inflight += queued;
	while (inflight) {
		ret = io_uring_wait_cqe(&j.ring, &cqe);
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			break;
		io_uring_cqe_seen(&j.ring, cqe);
		inflight--;
	}
	io_uring_queue_exit(&j.ring);
	free(j.bufs);
	bench_record_finish(c);
}

static void eng_uring_plain(const struct bench_opts *o, const struct target *t,
			    struct bench_record *c)
{
	eng_uring(o, t, c, URING_PLAIN);
}

static void eng_uring_fixed(const struct bench_opts *o, const struct target *t,
			    struct bench_record *c)
{
	eng_uring(o, t, c, URING_FIXED);
}

static void eng_uring_sqpoll(const struct bench_opts *o, const struct target *t,
			     struct bench_record *c)
{
	eng_uring(o, t, c, URING_SQPOLL);
}

/* ---- the run and its report --------------------------------------------- */

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

static const unsigned depths[] = { 1, 8, 32 };
#define NR_DEPTHS	(sizeof(depths) / sizeof(depths[0]))

int bench_storage(struct bench_suite *s)
{
	const char *failed = "";
	struct target t;
	unsigned d, e;
	int ret;

	ret = open_target(&s->opts, &t, &failed);
	if (ret) {
		s->err = ret;
		snprintf(s->failed, sizeof(s->failed), "%s", failed);
		return 1;
	}
	snprintf(s->path, sizeof(s->path), "%s", t.path);
	s->created = t.created;
	s->direct = t.direct;
	for (d = 0; d < NR_DEPTHS && !uk_interrupted; d++)
		for (e = 0; e < NR_ENGINES && !uk_interrupted; e++) {
			size_t row = s->nr;
			struct bench_record *c = bench_suite_add(s, engines[e].name,
								 depths[d]);

			if (!c)
				break;
			/* io_uring rows against psync and libaio at this depth */
			if (e > E_LIBAIO) {
				c->base[0] = (int) (row - e + E_PSYNC);
				c->base[1] = (int) (row - e + E_LIBAIO);
			}
			engines[e].run(&s->opts, &t, c);
		}
	close(t.fd);
	s->interrupted = uk_interrupted;
	return uk_interrupted ? 1 : 0;
}
