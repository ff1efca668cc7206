/* SPDX-License-Identifier: MIT */
/*
 * uringkit probe: asking the kernel. Everything is found out by asking (a
 * plain ring's features, IORING_REGISTER_PROBE, raw io_uring_setup() calls,
 * harmless registration calls), never inferred from the version number.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include "../uringkit.h"
#include "probe.h"

/* ---- raw ring helpers ------------------------------------------------- */

static int raw_ring(unsigned entries, struct io_uring_params *p)
{
	return io_uring_setup(entries, p);
}

static int plain_ring(void)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	return raw_ring(4, &p);
}

static int first_allowed_cpu(void)
{
	cpu_set_t set;
	int cpu;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			return cpu;
	return 0;
}

/*
 * Try a setup flag with whatever it cannot go without: the kernel refuses
 * SQ_AFF without SQPOLL, DEFER_TASKRUN without SINGLE_ISSUER, and so on.
 */
static int try_setup_flag(unsigned bit)
{
	unsigned flag = 1U << bit;
	struct io_uring_params p;
	void *mem[2] = { MAP_FAILED, MAP_FAILED };
	long page = sysconf(_SC_PAGESIZE);
	int wq_fd = -1, ret, i;

	memset(&p, 0, sizeof(p));
	p.flags = flag;
	switch (flag) {
	case IORING_SETUP_SQ_AFF:
		p.flags |= IORING_SETUP_SQPOLL;
		p.sq_thread_cpu = (unsigned) first_allowed_cpu();
		break;
	case IORING_SETUP_CQSIZE:
		p.cq_entries = 16;
		break;
	case IORING_SETUP_ATTACH_WQ:
		wq_fd = plain_ring();
		if (wq_fd < 0)
			return wq_fd;
		p.wq_fd = (unsigned) wq_fd;
		break;
	case IORING_SETUP_TASKRUN_FLAG:
		p.flags |= IORING_SETUP_COOP_TASKRUN;
		break;
	case IORING_SETUP_DEFER_TASKRUN:
		p.flags |= IORING_SETUP_SINGLE_ISSUER;
		break;
	case IORING_SETUP_HYBRID_IOPOLL:
		p.flags |= IORING_SETUP_IOPOLL;
		break;
	case IORING_SETUP_REGISTERED_FD_ONLY:
	case IORING_SETUP_NO_MMAP:
		/* 4 entries: rings and SQEs each fit in one page of ours. */
		p.flags |= IORING_SETUP_NO_MMAP;
		for (i = 0; i < 2; i++) {
			mem[i] = mmap(NULL, (size_t) page, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (mem[i] == MAP_FAILED) {
				ret = -errno;
				goto out;
			}
			memset(mem[i], 0, (size_t) page);
		}
		p.sq_off.user_addr = (unsigned long) mem[0];
		p.cq_off.user_addr = (unsigned long) mem[1];
		break;
	default:
		break;
	}

	ret = raw_ring(4, &p);
	if (ret >= 0 && (flag & IORING_SETUP_REGISTERED_FD_ONLY)) {
		/* ret is an index into this task's registered rings. */
		struct io_uring_rsrc_update upd = { .offset = (unsigned) ret };

		int err = io_uring_register((unsigned) ret,
					    IORING_UNREGISTER_RING_FDS |
					    IORING_REGISTER_USE_REGISTERED_RING,
					    &upd, 1);
		if (err < 0)
			fprintf(stderr, "uringkit probe: could not release a "
				"REGISTERED_FD_ONLY ring: %s\n", uk_errname(err));
		ret = 0;
	} else if (ret >= 0) {
		close(ret);
		ret = 0;
	}
out:
	if (wq_fd >= 0)
		close(wq_fd);
	for (i = 0; i < 2; i++)
		if (mem[i] != MAP_FAILED)
			munmap(mem[i], (size_t) page);
	return ret;
}

/* ---- registration probes ---------------------------------------------- */

static void reg_set(struct probe_report *r, unsigned op, int ret)
{
	if (op >= PROBE_NR_REG)
		return;
	r->reg[op].state = ret >= 0 ? REG_YES : REG_NO;
	r->reg[op].err = ret < 0 ? ret : 0;
}

static void reg_skip(struct probe_report *r, unsigned op, const char *why)
{
	r->reg[op].state = REG_NOT_PROBED;
	r->reg[op].why = why;
}

static int reg(int fd, unsigned op, const void *arg, unsigned nr)
{
	return io_uring_register((unsigned) fd, op, arg, nr);
}

static char probe_buf[4096] __attribute__((aligned(4096)));

static void probe_buffers_and_files(struct probe_report *r, int fd)
{
	struct iovec iov = { probe_buf, sizeof(probe_buf) };
	int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int ret;

	ret = reg(fd, IORING_REGISTER_BUFFERS, &iov, 1);
	reg_set(r, IORING_REGISTER_BUFFERS, ret);
	if (ret >= 0)
		reg_set(r, IORING_UNREGISTER_BUFFERS,
			reg(fd, IORING_UNREGISTER_BUFFERS, NULL, 0));

	if (nullfd < 0)
		return;
	ret = reg(fd, IORING_REGISTER_FILES, &nullfd, 1);
	reg_set(r, IORING_REGISTER_FILES, ret);
	if (ret >= 0) {
		struct io_uring_files_update up = {
			.offset = 0, .fds = (unsigned long) &nullfd,
		};

		reg_set(r, IORING_REGISTER_FILES_UPDATE,
			reg(fd, IORING_REGISTER_FILES_UPDATE, &up, 1));
		reg_set(r, IORING_UNREGISTER_FILES,
			reg(fd, IORING_UNREGISTER_FILES, NULL, 0));
	}

	/* The 5.13 forms: sparse tables, updates through rsrc_update2. */
	{
		struct io_uring_rsrc_register rr = {
			.nr = 4, .flags = IORING_RSRC_REGISTER_SPARSE,
		};
		struct io_uring_rsrc_update2 up = { .nr = 1 };
		struct io_uring_file_index_range range = { .off = 0, .len = 2 };

		ret = reg(fd, IORING_REGISTER_FILES2, &rr, sizeof(rr));
		reg_set(r, IORING_REGISTER_FILES2, ret);
		if (ret >= 0) {
			up.data = (unsigned long) &nullfd;
			reg_set(r, IORING_REGISTER_FILES_UPDATE2,
				reg(fd, IORING_REGISTER_FILES_UPDATE2, &up,
				    sizeof(up)));
			reg_set(r, IORING_REGISTER_FILE_ALLOC_RANGE,
				reg(fd, IORING_REGISTER_FILE_ALLOC_RANGE,
				    &range, 0));
			reg(fd, IORING_UNREGISTER_FILES, NULL, 0);
		}
		ret = reg(fd, IORING_REGISTER_BUFFERS2, &rr, sizeof(rr));
		reg_set(r, IORING_REGISTER_BUFFERS2, ret);
		if (ret >= 0) {
			up.data = (unsigned long) &iov;
			reg_set(r, IORING_REGISTER_BUFFERS_UPDATE,
				reg(fd, IORING_REGISTER_BUFFERS_UPDATE, &up,
				    sizeof(up)));
			reg(fd, IORING_UNREGISTER_BUFFERS, NULL, 0);
		}
	}
	close(nullfd);
}

static void probe_eventfd(struct probe_report *r, int fd)
{
	int efd = eventfd(0, EFD_CLOEXEC);
	int ret;

	if (efd < 0)
		return;
	ret = reg(fd, IORING_REGISTER_EVENTFD, &efd, 1);
	reg_set(r, IORING_REGISTER_EVENTFD, ret);
	if (ret >= 0)
		reg_set(r, IORING_UNREGISTER_EVENTFD,
			reg(fd, IORING_UNREGISTER_EVENTFD, NULL, 0));
	ret = reg(fd, IORING_REGISTER_EVENTFD_ASYNC, &efd, 1);
	reg_set(r, IORING_REGISTER_EVENTFD_ASYNC, ret);
	if (ret >= 0)
		reg(fd, IORING_UNREGISTER_EVENTFD, NULL, 0);
	close(efd);
}

static void probe_misc(struct probe_report *r, int fd)
{
	struct io_uring_rsrc_update upd = { .offset = -1U, .data = (unsigned) fd };
	unsigned workers[2] = { 0, 0 };	/* 0: just report the limits */
	cpu_set_t cpus;
	int ret;

	ret = reg(fd, IORING_REGISTER_PERSONALITY, NULL, 0);
	reg_set(r, IORING_REGISTER_PERSONALITY, ret);
	if (ret >= 0)
		reg_set(r, IORING_UNREGISTER_PERSONALITY,
			reg(fd, IORING_UNREGISTER_PERSONALITY, NULL,
			    (unsigned) ret));

	if (!sched_getaffinity(0, sizeof(cpus), &cpus)) {
		ret = reg(fd, IORING_REGISTER_IOWQ_AFF, &cpus, sizeof(cpus));
		reg_set(r, IORING_REGISTER_IOWQ_AFF, ret);
		if (ret >= 0)
			reg_set(r, IORING_UNREGISTER_IOWQ_AFF,
				reg(fd, IORING_UNREGISTER_IOWQ_AFF, NULL, 0));
	}
	reg_set(r, IORING_REGISTER_IOWQ_MAX_WORKERS,
		reg(fd, IORING_REGISTER_IOWQ_MAX_WORKERS, workers, 2));

	ret = reg(fd, IORING_REGISTER_RING_FDS, &upd, 1);
	reg_set(r, IORING_REGISTER_RING_FDS, ret);
	if (ret >= 0) {
		/* The kernel wrote the index to upd.offset; data must be 0. */
		upd.data = 0;
		reg_set(r, IORING_UNREGISTER_RING_FDS,
			reg(fd, IORING_UNREGISTER_RING_FDS, &upd, 1));
	}

	{
		/* Nothing is in flight: a kernel that knows the call says ENOENT. */
		struct io_uring_sync_cancel_reg sc = {
			.addr = 0x75726b, .fd = -1,
			.timeout = { .tv_sec = -1, .tv_nsec = -1 },
		};

		ret = reg(fd, IORING_REGISTER_SYNC_CANCEL, &sc, 1);
		reg_set(r, IORING_REGISTER_SYNC_CANCEL, ret == -ENOENT ? 0 : ret);
	}
	{
		struct io_uring_clock_register clk = { .clockid = CLOCK_MONOTONIC };

		reg_set(r, IORING_REGISTER_CLOCK,
			reg(fd, IORING_REGISTER_CLOCK, &clk, 0));
	}
	{
		/* busy_poll_to 0 asks for nothing; unregister right away. */
		struct io_uring_napi napi;

		memset(&napi, 0, sizeof(napi));
		ret = reg(fd, IORING_REGISTER_NAPI, &napi, 1);
		reg_set(r, IORING_REGISTER_NAPI, ret);
		if (ret >= 0)
			reg_set(r, IORING_UNREGISTER_NAPI,
				reg(fd, IORING_UNREGISTER_NAPI, &napi, 1));
	}
}

static void probe_pbuf_ring(struct probe_report *r, int fd)
{
	long page = sysconf(_SC_PAGESIZE);
	struct io_uring_buf_reg br;
	struct io_uring_buf_status st;
	void *mem;
	int ret;

	mem = mmap(NULL, (size_t) page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return;
	memset(&br, 0, sizeof(br));
	br.ring_addr = (unsigned long) mem;
	br.ring_entries = 1;
	br.bgid = 7;
	ret = reg(fd, IORING_REGISTER_PBUF_RING, &br, 1);
	reg_set(r, IORING_REGISTER_PBUF_RING, ret);
	if (ret >= 0) {
		memset(&st, 0, sizeof(st));
		st.buf_group = 7;
		reg_set(r, IORING_REGISTER_PBUF_STATUS,
			reg(fd, IORING_REGISTER_PBUF_STATUS, &st, 1));
		reg_set(r, IORING_UNREGISTER_PBUF_RING,
			reg(fd, IORING_UNREGISTER_PBUF_RING, &br, 1));
	}
	munmap(mem, (size_t) page);
}

static void probe_restrictions(struct probe_report *r)
{
	struct io_uring_restriction res;
	struct io_uring_params p;
	int fd, ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_R_DISABLED;
	fd = raw_ring(4, &p);
	if (fd < 0)
		return;
	memset(&res, 0, sizeof(res));
	res.opcode = IORING_RESTRICTION_SQE_OP;
	res.sqe_op = IORING_OP_NOP;
	ret = reg(fd, IORING_REGISTER_RESTRICTIONS, &res, 1);
	reg_set(r, IORING_REGISTER_RESTRICTIONS, ret);
	reg_set(r, IORING_REGISTER_ENABLE_RINGS,
		reg(fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
	close(fd);
}

static void probe_clone_and_msg(struct probe_report *r, int fd)
{
	struct iovec iov = { probe_buf, sizeof(probe_buf) };
	struct io_uring_clone_buffers cb;
	struct io_uring_sqe sqe;
	int src = plain_ring();

	if (src >= 0) {
		if (reg(src, IORING_REGISTER_BUFFERS, &iov, 1) >= 0) {
			memset(&cb, 0, sizeof(cb));
			cb.src_fd = (unsigned) src;
			reg_set(r, IORING_REGISTER_CLONE_BUFFERS,
				reg(fd, IORING_REGISTER_CLONE_BUFFERS, &cb, 1));
		}
		close(src);
	}

	/* Post one CQE to our own ring, with no ring to send it from. */
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_MSG_RING;
	sqe.fd = fd;
	sqe.addr = IORING_MSG_DATA;
	sqe.off = 0x75726b;
	reg_set(r, IORING_REGISTER_SEND_MSG_RING,
		io_uring_register(-1U, IORING_REGISTER_SEND_MSG_RING, &sqe, 1));
}

static void probe_resize(struct probe_report *r)
{
	struct io_uring_params p;
	int fd;

	/* Resizing is only allowed on DEFER_TASKRUN rings. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	fd = raw_ring(4, &p);
	if (fd < 0) {
		reg_skip(r, IORING_REGISTER_RESIZE_RINGS,
			 "needs DEFER_TASKRUN (refused)");
		return;
	}
	memset(&p, 0, sizeof(p));
	p.sq_entries = 8;
	reg_set(r, IORING_REGISTER_RESIZE_RINGS,
		reg(fd, IORING_REGISTER_RESIZE_RINGS, &p, 1));
	close(fd);
}

static void probe_mem_region(struct probe_report *r, int fd)
{
	long page = sysconf(_SC_PAGESIZE);
	struct io_uring_region_desc rd;
	struct io_uring_mem_region_reg mr;
	void *mem;

	mem = mmap(NULL, (size_t) page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return;
	memset(mem, 0, (size_t) page);
	memset(&rd, 0, sizeof(rd));
	rd.user_addr = (unsigned long) mem;
	rd.size = (unsigned long) page;
	rd.flags = IORING_MEM_REGION_TYPE_USER;
	memset(&mr, 0, sizeof(mr));
	mr.region_uptr = (unsigned long) &rd;
	reg_set(r, IORING_REGISTER_MEM_REGION,
		reg(fd, IORING_REGISTER_MEM_REGION, &mr, 1));
	munmap(mem, (size_t) page);
}

static void probe_query(struct probe_report *r)
{
	struct io_uring_query_hdr hdr;
	int ret;

	memset(&hdr, 0, sizeof(hdr));
	memset(&r->query, 0, sizeof(r->query));
	hdr.query_data = (unsigned long) &r->query;
	hdr.query_op = IO_URING_QUERY_OPCODES;
	hdr.size = sizeof(r->query);
	ret = io_uring_register(-1U, IORING_REGISTER_QUERY, &hdr, 0);
	if (ret >= 0 && hdr.result < 0)
		ret = hdr.result;
	reg_set(r, IORING_REGISTER_QUERY, ret);
	r->have_query = ret >= 0;
}

static void probe_registration(struct probe_report *r)
{
	int fd = plain_ring();
	unsigned op;

	for (op = 0; op < PROBE_NR_REG; op++)
		reg_skip(r, op, "probe failed to run");
	reg_skip(r, IORING_REGISTER_ZCRX_IFQ,
		 "needs a NIC queue and CAP_NET_ADMIN");
	if (fd < 0)
		return;
	reg_set(r, IORING_REGISTER_PROBE, r->probe ? 0 : -EINVAL);
	probe_buffers_and_files(r, fd);
	probe_eventfd(r, fd);
	probe_misc(r, fd);
	probe_pbuf_ring(r, fd);
	probe_clone_and_msg(r, fd);
	close(fd);
	fd = plain_ring();
	if (fd >= 0) {
		probe_mem_region(r, fd);
		close(fd);
	}
	probe_restrictions(r);
	probe_resize(r);
	probe_query(r);

	/* A kernel that told us its count does not know opcodes past it. */
	if (r->have_query)
		for (op = r->query.nr_register_opcodes; op < PROBE_NR_REG; op++)
			if (r->reg[op].state == REG_NOT_PROBED)
				reg_set(r, op, -EINVAL);
}

/* ---- gathering -------------------------------------------------------- */

static int read_int_file(const char *path)
{
	FILE *f = fopen(path, "re");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void probe_limits(struct probe_report *r)
{
	const unsigned max = 32768;	/* the kernel's IORING_MAX_ENTRIES */
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = raw_ring(max, &p);
	if (fd >= 0) {
		r->max_sq = p.sq_entries;
		close(fd);
	}
	memset(&p, 0, sizeof(p));
	fd = raw_ring(2 * max, &p);
	r->big_err = fd < 0 ? fd : 0;
	if (fd >= 0)
		close(fd);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CLAMP;
	fd = raw_ring(2 * max, &p);
	r->clamp_err = fd < 0 ? fd : 0;
	if (fd >= 0) {
		r->clamp_sq = p.sq_entries;
		r->clamp_cq = p.cq_entries;
		close(fd);
	}
	if (getrlimit(RLIMIT_MEMLOCK, &r->memlock)) {
		r->memlock.rlim_cur = 0;
		r->memlock.rlim_max = 0;
	}
}

void probe_gather(struct probe_report *r)
{
	struct io_uring ring;
	uint64_t start = uk_now_ns();
	unsigned i;
	int ret;

	memset(r, 0, sizeof(*r));
	r->kver = uk_kernel_version(r->release, sizeof(r->release));
	r->disabled = read_int_file("/proc/sys/kernel/io_uring_disabled");

	ret = io_uring_queue_init(4, &ring, 0);
	r->ring_err = ret;
	if (ret == 0) {
		r->features = ring.features;
		r->probe = io_uring_get_probe_ring(&ring);
		io_uring_queue_exit(&ring);
	}
	for (i = 0; i < PROBE_NR_SETUP; i++)
		r->setup_err[i] = r->ring_err ? r->ring_err :
				  try_setup_flag(probe_setup_names[i].bit);
	if (!r->ring_err) {
		probe_registration(r);
		probe_limits(r);
	} else {
		for (i = 0; i < PROBE_NR_REG; i++)
			reg_skip(r, i, "no io_uring");
		getrlimit(RLIMIT_MEMLOCK, &r->memlock);
	}
	r->elapsed_ns = uk_now_ns() - start;
}


void probe_free(struct probe_report *r)
{
	io_uring_free_probe(r->probe);
	r->probe = NULL;
}
