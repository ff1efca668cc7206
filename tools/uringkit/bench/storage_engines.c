/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench storage: the engines, each keeping c->depth I/Os in flight
 *   psync            pread(2)/pwrite(2); depth threads at depth > 1
 *   libaio           the kernel's AIO system calls (io_submit(2),
 *                    io_getevents(2)) called directly: no libaio needed
 *   io_uring         IORING_OP_READ/WRITE, refilled in batches
 *   io_uring fixed   READ_FIXED/WRITE_FIXED on a registered file and buffers
 *   io_uring sqpoll  READ/WRITE with a kernel submission thread
 * Latency is submit-to-completion per request, as the program sees it.
 */
#include <errno.h>
#include <linux/aio_abi.h>
#include <liburing.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "../uringkit.h"
#include "storage.h"

/* ---- psync -------------------------------------------------------------- */

struct psync_worker {
	pthread_t thread;
	const struct target *t;
	struct window w;
	struct io_cursor cur;
	struct io_count k;
	int err;
};

static void *psync_run(void *arg)
{
	struct psync_worker *pw = arg;
	const struct target *t = pw->t;
	bool wr = io_is_write(t);
	void *buf = io_alloc_bufs(t, 1);

	if (!buf) {
		pw->err = -ENOMEM;
		return NULL;
	}
	for (;;) {
		off_t off = (off_t) io_next_off(t, &pw->cur);
		uint64_t t1 = uk_now_ns(), t2;
		ssize_t n = wr ? pwrite(t->fd, buf, t->bs, off) :
				 pread(t->fd, buf, t->bs, off);

		t2 = uk_now_ns();
		if (n != (ssize_t) t->bs) {
			if (n < 0 && errno == EINTR && !uk_interrupted)
				continue;
			pw->err = n < 0 ? -errno : -EIO;
			break;
		}
		io_count_done(&pw->k, &pw->w, t1, t2);
		if (t2 >= pw->w.end || uk_interrupted)
			break;
	}
	free(buf);
	return NULL;
}

void eng_psync(const struct bench_opts *o, const struct target *t,
	       struct bench_record *c)
{
	struct io_meter *m = io_meter_start(o);
	struct psync_worker *pw;
	unsigned i, started = 0;
	int ret;

	pw = m ? calloc(c->depth, sizeof(*pw)) : NULL;
	if (!pw) {
		if (m)
			bench_record_fail(c, "calloc", -ENOMEM);
		io_meter_end(m, c);
		return;
	}
	for (i = 0; i < c->depth; i++) {
		pw[i].t = t;
		pw[i].w = m->w;
		io_cursor_init(&pw[i].cur, t, i, c->depth);
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
			bench_record_fail(c, io_is_write(t) ? "pwrite" : "pread",
					  pw[i].err);
		m->k.all += pw[i].k.all;
		m->k.ops += pw[i].k.ops;
		m->k.lat_ns += pw[i].k.lat_ns;
		lat_hist_merge(&m->k.hist, &pw[i].k.hist);
	}
	free(pw);
	io_meter_end(m, c);
}

/* ---- libaio: the kernel's AIO system calls ------------------------------ */

static int aio_setup(unsigned nr, aio_context_t *ctx)
{
	return syscall(SYS_io_setup, nr, ctx) ? -errno : 0;
}

static int aio_submit(aio_context_t ctx, long n, struct iocb **iocbs)
{
	long ret = syscall(SYS_io_submit, ctx, n, iocbs);

	return ret < 0 ? -errno : (int) ret;
}

static int aio_getevents(aio_context_t ctx, long min, long max,
			 struct io_event *ev)
{
	long ret = syscall(SYS_io_getevents, ctx, min, max, ev, NULL);

	return ret < 0 ? -errno : (int) ret;
}

static void aio_prep(struct iocb *cb, const struct target *t, void *buf,
		     uint64_t off, unsigned slot)
{
	memset(cb, 0, sizeof(*cb));
	cb->aio_lio_opcode = io_is_write(t) ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD;
	cb->aio_fildes = (__u32) t->fd;
	cb->aio_buf = (__u64) (uintptr_t) buf;
	cb->aio_nbytes = t->bs;
	cb->aio_offset = (__s64) off;
	cb->aio_data = slot;
}

struct aio_job {
	struct iocb *iocbs, **batch;
	struct io_event *events;
	uint64_t *sub_t;
	char *bufs;
};

static void aio_job_free(struct aio_job *j)
{
	free(j->iocbs);
	free(j->batch);
	free(j->events);
	free(j->sub_t);
	free(j->bufs);
}

void eng_libaio(const struct bench_opts *o, const struct target *t,
		struct bench_record *c)
{
	unsigned qd = c->depth, inflight = 0, i;
	struct io_cursor cur;
	struct aio_job j = { 0 };
	aio_context_t ctx = 0;
	struct io_meter *m;
	uint64_t now;
	int ret, n;

	io_cursor_init(&cur, t, 0, 1);
	j.iocbs = calloc(qd, sizeof(*j.iocbs));
	j.batch = calloc(qd, sizeof(*j.batch));
	j.events = calloc(qd, sizeof(*j.events));
	j.sub_t = calloc(qd, sizeof(*j.sub_t));
	j.bufs = io_alloc_bufs(t, qd);
	if (!j.iocbs || !j.batch || !j.events || !j.sub_t || !j.bufs) {
		aio_job_free(&j);
		bench_record_fail(c, "calloc", -ENOMEM);
		bench_record_finish(c);
		return;
	}
	ret = aio_setup(qd, &ctx);
	if (ret < 0) {
		aio_job_free(&j);
		bench_record_fail(c, "io_setup", ret);
		bench_record_finish(c);
		return;
	}
	m = io_meter_start(o);
	if (!m)
		goto out;
	now = uk_now_ns();
	for (i = 0; i < qd; i++) {
		aio_prep(&j.iocbs[i], t, j.bufs + (size_t) i * t->bs,
			 io_next_off(t, &cur), i);
		j.batch[i] = &j.iocbs[i];
		j.sub_t[i] = now;
	}
	n = (int) qd;
	for (;;) {
		ret = aio_submit(ctx, n, j.batch);
		if (ret != n) {
			bench_record_fail(c, "io_submit", ret < 0 ? ret : -EAGAIN);
			if (ret > 0)
				inflight += (unsigned) ret;
			break;
		}
		inflight += (unsigned) n;
		do
			n = aio_getevents(ctx, 1, (long) qd, j.events);
		while (n == -EINTR && !uk_interrupted);
		if (n < 0) {
			bench_record_fail(c, "io_getevents", n);
			break;
		}
		now = uk_now_ns();
		inflight -= (unsigned) n;
		for (i = 0; i < (unsigned) n; i++) {
			unsigned slot = (unsigned) j.events[i].data;
			long long res = j.events[i].res;

			if (res != (long long) t->bs) {
				bench_record_fail(c, io_is_write(t) ? "libaio write" :
						  "libaio read",
						  res < 0 ? (int) res : -EIO);
				break;
			}
			io_count_done(&m->k, &m->w, j.sub_t[slot], now);
			aio_prep(&j.iocbs[slot], t, j.bufs + (size_t) slot * t->bs,
				 io_next_off(t, &cur), slot);
			j.sub_t[slot] = now;
			j.batch[i] = &j.iocbs[slot];
		}
		if (c->err || now >= m->w.end || uk_interrupted)
			break;
	}
	/* The buffers are the kernel's until every I/O has completed. */
	while (inflight) {
		n = aio_getevents(ctx, 1, (long) qd, j.events);
		if (n == -EINTR)
			continue;
		if (n <= 0)
			break;
		inflight -= (unsigned) n;
	}
out:
	syscall(SYS_io_destroy, ctx);
	aio_job_free(&j);
	io_meter_end(m, c);
}

/* ---- io_uring ----------------------------------------------------------- */

enum uring_kind { URING_PLAIN, URING_FIXED, URING_SQPOLL };

struct uring_job {
	struct io_uring ring;
	enum uring_kind kind;
	const struct target *t;
	struct io_cursor cur;
	char *bufs;
	uint64_t *sub_t;
	unsigned *done;
	struct io_uring_cqe **cqes;
};

static int uring_queue_io(struct uring_job *j, unsigned slot, uint64_t now)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&j->ring);
	const struct target *t = j->t;
	uint64_t off = io_next_off(t, &j->cur);
	char *buf = j->bufs + (size_t) slot * t->bs;
	bool wr = io_is_write(t);
	int ret;

	/*
	 * With SQPOLL the kernel thread may not have taken the previous
	 * entries yet (the SQ is full although they completed): wait for it.
	 */
	while (!sqe && j->kind == URING_SQPOLL) {
		ret = io_uring_sqring_wait(&j->ring);
		if (ret < 0 && ret != -EINTR)
			return ret;
		sqe = io_uring_get_sqe(&j->ring);
	}
	if (!sqe)
		return -EBUSY;
	if (j->kind == URING_FIXED) {
		/* File slot 0, buffer slot == request slot. */
		io_uring_prep_rw(wr ? IORING_OP_WRITE_FIXED : IORING_OP_READ_FIXED,
				 sqe, 0, buf, t->bs, off);
		sqe->buf_index = (__u16) slot;
		sqe->flags |= IOSQE_FIXED_FILE;
	} else if (wr) {
		io_uring_prep_write(sqe, t->fd, buf, t->bs, off);
	} else {
		io_uring_prep_read(sqe, t->fd, buf, t->bs, off);
	}
	io_uring_sqe_set_data64(sqe, slot);
	j->sub_t[slot] = now;
	return 0;
}

static int uring_setup(struct uring_job *j, unsigned qd, struct bench_record *c)
{
	struct io_uring_params p;
	struct iovec *iov;
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
	ret = io_uring_register_files(&j->ring, &j->t->fd, 1);
	if (ret < 0) {
		io_uring_queue_exit(&j->ring);
		return bench_record_fail(c, "io_uring_register_files", ret);
	}
	iov = calloc(qd, sizeof(*iov));
	if (!iov) {
		io_uring_queue_exit(&j->ring);
		return bench_record_fail(c, "calloc", -ENOMEM);
	}
	for (i = 0; i < qd; i++) {
		iov[i].iov_base = j->bufs + (size_t) i * j->t->bs;
		iov[i].iov_len = j->t->bs;
	}
	ret = io_uring_register_buffers(&j->ring, iov, qd);
	free(iov);
	if (ret < 0) {
		io_uring_queue_exit(&j->ring);
		return bench_record_fail(c, "io_uring_register_buffers", ret);
	}
	return 0;
}

static void uring_job_free(struct uring_job *j)
{
	free(j->bufs);
	free(j->sub_t);
	free(j->done);
	free(j->cqes);
}

static const char *uring_op_name(const struct uring_job *j)
{
	if (j->kind == URING_FIXED)
		return io_is_write(j->t) ? "WRITE_FIXED" : "READ_FIXED";
	return io_is_write(j->t) ? "WRITE" : "READ";
}

static void eng_uring(const struct bench_opts *o, const struct target *t,
		      struct bench_record *c, enum uring_kind kind)
{
	unsigned qd = c->depth, inflight = 0, queued = 0, i;
	struct io_uring_cqe *cqe;
	struct uring_job j;
	struct io_meter *m;
	uint64_t now;
	int ret;

	memset(&j, 0, sizeof(j));
	j.kind = kind;
	j.t = t;
	io_cursor_init(&j.cur, t, 0, 1);
	j.bufs = io_alloc_bufs(t, qd);
	j.sub_t = calloc(qd, sizeof(*j.sub_t));
	j.done = calloc(qd, sizeof(*j.done));
	j.cqes = calloc(qd, sizeof(*j.cqes));
	if (!j.bufs || !j.sub_t || !j.done || !j.cqes) {
		uring_job_free(&j);
		bench_record_fail(c, "calloc", -ENOMEM);
		bench_record_finish(c);
		return;
	}
	if (uring_setup(&j, qd, c) < 0) {
		uring_job_free(&j);
		bench_record_finish(c);
		return;
	}
	m = io_meter_start(o);
	if (!m)
		goto out;
	now = uk_now_ns();
	for (i = 0; i < qd; i++) {
		ret = uring_queue_io(&j, i, now);
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
		n = io_uring_peek_batch_cqe(&j.ring, j.cqes, qd);
		if (!n)
			continue;
		now = uk_now_ns();
		for (i = 0; i < n; i++) {
			unsigned slot = (unsigned) io_uring_cqe_get_data64(j.cqes[i]);
			int res = j.cqes[i]->res;

			if (res != (int) t->bs) {
				bench_record_fail(c, uring_op_name(&j),
						  res < 0 ? res : -EIO);
				continue;
			}
			io_count_done(&m->k, &m->w, j.sub_t[slot], now);
			j.done[ndone++] = slot;
		}
		io_uring_cq_advance(&j.ring, n);
		inflight -= n;
		if (c->err || now >= m->w.end || uk_interrupted)
			break;
		/* Refill the completed slots; they go out with the next enter. */
		for (i = 0; i < ndone; i++) {
			ret = uring_queue_io(&j, j.done[i], now);
			if (ret < 0) {
				bench_record_fail(c, "io_uring_get_sqe", ret);
				break;
			}
			queued++;
		}
	}
	/* The buffers are the kernel's until every I/O has completed. */
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
out:
	io_uring_queue_exit(&j.ring);
	uring_job_free(&j);
	io_meter_end(m, c);
}

void eng_uring_plain(const struct bench_opts *o, const struct target *t,
		     struct bench_record *c)
{
	eng_uring(o, t, c, URING_PLAIN);
}

void eng_uring_fixed(const struct bench_opts *o, const struct target *t,
		     struct bench_record *c)
{
	eng_uring(o, t, c, URING_FIXED);
}

void eng_uring_sqpoll(const struct bench_opts *o, const struct target *t,
		      struct bench_record *c)
{
	eng_uring(o, t, c, URING_SQPOLL);
}
