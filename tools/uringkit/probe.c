/* SPDX-License-Identifier: MIT */
/*
 * uringkit probe: what the running kernel's io_uring supports.
 *
 * Everything is found out by asking the kernel (a plain ring's features,
 * IORING_REGISTER_PROBE, raw io_uring_setup() calls, harmless registration
 * calls), never inferred from the version number. The report is gathered
 * first and then printed, as a table or as JSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <uringkit/ops.h>
#include "uringkit.h"

#define KV(major, minor)	URINGKIT_KERNEL_VERSION(major, minor)

/* ---- what we ask about ------------------------------------------------ */

struct bit_name {
	unsigned bit;
	const char *name;
	int kernel;		/* release that added it; 0: not recorded */
};

static const struct bit_name feat_names[] = {
	{ 0, "SINGLE_MMAP", 0 },	{ 1, "NODROP", 0 },
	{ 2, "SUBMIT_STABLE", 0 },	{ 3, "RW_CUR_POS", 0 },
	{ 4, "CUR_PERSONALITY", 0 },	{ 5, "FAST_POLL", 0 },
	{ 6, "POLL_32BITS", 0 },	{ 7, "SQPOLL_NONFIXED", 0 },
	{ 8, "EXT_ARG", 0 },		{ 9, "NATIVE_WORKERS", 0 },
	{ 10, "RSRC_TAGS", 0 },		{ 11, "CQE_SKIP", 0 },
	{ 12, "LINKED_FILE", 0 },	{ 13, "REG_REG_RING", 0 },
	{ 14, "RECVSEND_BUNDLE", 0 },	{ 15, "MIN_TIMEOUT", 0 },
	{ 16, "RW_ATTR", 0 },		{ 17, "NO_IOWAIT", 0 },
};
#define NR_FEATS	(sizeof(feat_names) / sizeof(feat_names[0]))

static const struct bit_name setup_names[] = {
	{ 0, "IOPOLL", KV(5, 1) },		{ 1, "SQPOLL", KV(5, 1) },
	{ 2, "SQ_AFF", KV(5, 1) },		{ 3, "CQSIZE", KV(5, 5) },
	{ 4, "CLAMP", KV(5, 6) },		{ 5, "ATTACH_WQ", KV(5, 6) },
	{ 6, "R_DISABLED", KV(5, 10) },		{ 7, "SUBMIT_ALL", KV(5, 18) },
	{ 8, "COOP_TASKRUN", KV(5, 19) },	{ 9, "TASKRUN_FLAG", KV(5, 19) },
	{ 10, "SQE128", KV(5, 19) },		{ 11, "CQE32", KV(5, 19) },
	{ 12, "SINGLE_ISSUER", KV(6, 0) },	{ 13, "DEFER_TASKRUN", KV(6, 1) },
	{ 14, "NO_MMAP", KV(6, 5) },		{ 15, "REGISTERED_FD_ONLY", KV(6, 5) },
	{ 16, "NO_SQARRAY", KV(6, 6) },		{ 17, "HYBRID_IOPOLL", KV(6, 13) },
	{ 18, "CQE_MIXED", KV(6, 18) },		{ 19, "SQE_MIXED", KV(6, 19) },
};
#define NR_SETUP	(sizeof(setup_names) / sizeof(setup_names[0]))

/* io_uring_register(2) opcodes, by value. */
static const struct bit_name reg_names[] = {
	{ 0, "REGISTER_BUFFERS", KV(5, 1) },
	{ 1, "UNREGISTER_BUFFERS", KV(5, 1) },
	{ 2, "REGISTER_FILES", KV(5, 1) },
	{ 3, "UNREGISTER_FILES", KV(5, 1) },
	{ 4, "REGISTER_EVENTFD", KV(5, 2) },
	{ 5, "UNREGISTER_EVENTFD", KV(5, 2) },
	{ 6, "REGISTER_FILES_UPDATE", KV(5, 5) },
	{ 7, "REGISTER_EVENTFD_ASYNC", KV(5, 6) },
	{ 8, "REGISTER_PROBE", KV(5, 6) },
	{ 9, "REGISTER_PERSONALITY", KV(5, 6) },
	{ 10, "UNREGISTER_PERSONALITY", KV(5, 6) },
	{ 11, "REGISTER_RESTRICTIONS", KV(5, 10) },
	{ 12, "REGISTER_ENABLE_RINGS", KV(5, 10) },
	{ 13, "REGISTER_FILES2", KV(5, 13) },
	{ 14, "REGISTER_FILES_UPDATE2", KV(5, 13) },
	{ 15, "REGISTER_BUFFERS2", KV(5, 13) },
	{ 16, "REGISTER_BUFFERS_UPDATE", KV(5, 13) },
	{ 17, "REGISTER_IOWQ_AFF", KV(5, 14) },
	{ 18, "UNREGISTER_IOWQ_AFF", KV(5, 14) },
	{ 19, "REGISTER_IOWQ_MAX_WORKERS", KV(5, 15) },
	{ 20, "REGISTER_RING_FDS", KV(5, 18) },
	{ 21, "UNREGISTER_RING_FDS", KV(5, 18) },
	{ 22, "REGISTER_PBUF_RING", KV(5, 19) },
	{ 23, "UNREGISTER_PBUF_RING", KV(5, 19) },
	{ 24, "REGISTER_SYNC_CANCEL", KV(6, 0) },
	{ 25, "REGISTER_FILE_ALLOC_RANGE", KV(6, 0) },
	{ 26, "REGISTER_PBUF_STATUS", KV(6, 8) },
	{ 27, "REGISTER_NAPI", KV(6, 9) },
	{ 28, "UNREGISTER_NAPI", KV(6, 9) },
	{ 29, "REGISTER_CLOCK", KV(6, 12) },
	{ 30, "REGISTER_CLONE_BUFFERS", KV(6, 12) },
	{ 31, "REGISTER_SEND_MSG_RING", KV(6, 13) },
	{ 32, "REGISTER_ZCRX_IFQ", KV(6, 15) },
	{ 33, "REGISTER_RESIZE_RINGS", KV(6, 13) },
	{ 34, "REGISTER_MEM_REGION", KV(6, 13) },
	{ 35, "REGISTER_QUERY", KV(6, 18) },
	{ 36, "REGISTER_ZCRX_CTRL", KV(6, 19) },
	{ 37, "REGISTER_BPF_FILTER", KV(7, 0) },
};
#define NR_REG		(sizeof(reg_names) / sizeof(reg_names[0]))

_Static_assert(NR_REG == IORING_REGISTER_LAST,
	       "one row per io_uring_register() opcode");

/* ---- the report ------------------------------------------------------- */

enum reg_state { REG_NOT_PROBED, REG_YES, REG_NO };

struct reg_result {
	enum reg_state state;
	int err;		/* when REG_NO */
	const char *why;	/* when REG_NOT_PROBED */
};

struct report {
	char release[128];
	int kver;
	int disabled;			/* /proc/sys/kernel/io_uring_disabled, -1 */
	int ring_err;			/* 0 if a plain ring could be set up */
	unsigned features;
	struct io_uring_probe *probe;
	int setup_err[NR_SETUP];	/* 0 accepted, else -errno */
	struct reg_result reg[NR_REG];
	/* IORING_REGISTER_QUERY answer (6.18+) */
	bool have_query;
	struct io_uring_query_opcode query;
	/* limits */
	unsigned max_sq;		/* largest entries accepted, 0 if none */
	int big_err;			/* 2 * max without CLAMP */
	int clamp_err;
	unsigned clamp_sq, clamp_cq;
	struct rlimit memlock;
	uint64_t elapsed_ns;
};

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

static void reg_set(struct report *r, unsigned op, int ret)
{
	if (op >= NR_REG)
		return;
	r->reg[op].state = ret >= 0 ? REG_YES : REG_NO;
	r->reg[op].err = ret < 0 ? ret : 0;
}

static void reg_skip(struct report *r, unsigned op, const char *why)
{
	r->reg[op].state = REG_NOT_PROBED;
	r->reg[op].why = why;
}

static int reg(int fd, unsigned op, const void *arg, unsigned nr)
{
	return io_uring_register((unsigned) fd, op, arg, nr);
}

static char probe_buf[4096] __attribute__((aligned(4096)));

static void probe_buffers_and_files(struct report *r, int fd)
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

static void probe_eventfd(struct report *r, int fd)
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

static void probe_misc(struct report *r, int fd)
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

static void probe_pbuf_ring(struct report *r, int fd)
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

static void probe_restrictions(struct report *r)
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

static void probe_clone_and_msg(struct report *r, int fd)
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

static void probe_resize(struct report *r)
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

static void probe_mem_region(struct report *r, int fd)
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

static void probe_query(struct report *r)
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

static void probe_registration(struct report *r)
{
	int fd = plain_ring();
	unsigned op;

	for (op = 0; op < NR_REG; op++)
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
		for (op = r->query.nr_register_opcodes; op < NR_REG; op++)
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

static void probe_limits(struct report *r)
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

static void gather(struct report *r)
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
	for (i = 0; i < NR_SETUP; i++)
		r->setup_err[i] = r->ring_err ? r->ring_err :
				  try_setup_flag(setup_names[i].bit);
	if (!r->ring_err) {
		probe_registration(r);
		probe_limits(r);
	} else {
		for (i = 0; i < NR_REG; i++)
			reg_skip(r, i, "no io_uring");
		getrlimit(RLIMIT_MEMLOCK, &r->memlock);
	}
	r->elapsed_ns = uk_now_ns() - start;
}

static bool op_supported(const struct report *r, int op)
{
	return r->probe && op <= r->probe->last_op &&
	       io_uring_opcode_supported(r->probe, op);
}

static const char *version_str(int v, char *buf, size_t len)
{
	if (v <= 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%d.%d", v / 100, v % 100);
	return buf;
}

static const char *disabled_str(int v)
{
	switch (v) {
	case 0: return "0 (enabled for all)";
	case 1: return "1 (only for io_uring_group members and CAP_SYS_ADMIN)";
	case 2: return "2 (disabled for all)";
	default: return "unknown (no sysctl; kernel before 6.6)";
	}
}

static void fmt_rlim(rlim_t v, char *buf, size_t len)
{
	if (v == RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%llu KiB", (unsigned long long) v / 1024);
}

/* ---- text output ------------------------------------------------------ */

static void print_text(const struct report *r)
{
	char v1[16], b1[32], b2[32];
	int nops = uringkit_op_count(), op, supported = 0;
	unsigned i;

	printf("uringkit probe\n\n");
	printf("  %-22s %s\n", "kernel", r->release);
	printf("  %-22s %s\n", "io_uring_disabled", disabled_str(r->disabled));
	if (r->ring_err) {
		printf("  %-22s no: io_uring_queue_init failed with %s (%s)\n",
		       "io_uring", uk_errname(r->ring_err), strerror(-r->ring_err));
		return;
	}
	printf("  %-22s yes\n", "io_uring");
	printf("  %-22s %d opcodes known to uringkit; kernel's last opcode is %d\n",
	       "opcodes", nops, r->probe ? r->probe->last_op : -1);

	printf("\nFeatures (IORING_FEAT_*, from a plain ring: 0x%x)\n", r->features);
	for (i = 0; i < NR_FEATS; i++)
		printf("  %-22s %s\n", feat_names[i].name,
		       r->features & (1U << feat_names[i].bit) ? "yes" : "no");
	for (i = NR_FEATS; i < 32; i++)
		if (r->features & (1U << i))
			printf("  bit %-18u yes (unknown to uringkit)\n", i);

	printf("\nOpcodes (IORING_OP_*; \"added\" is the kernel release)\n");
	printf("  %3s  %-18s %-6s %s\n", "op", "name", "added", "supported");
	for (op = 0; op < nops; op++) {
		bool s = op_supported(r, op);

		supported += s;
		printf("  %3d  %-18s %-6s %s\n", op, uringkit_op_name(op),
		       version_str(uringkit_op_kernel(op), v1, sizeof(v1)),
		       s ? "yes" : "no");
	}
	if (r->probe)
		for (op = nops; op <= r->probe->last_op; op++)
			printf("  %3d  %-18s %-6s %s\n", op, "(unknown)", "-",
			       op_supported(r, op) ? "yes" : "no");
	printf("  %d of %d supported%s\n", supported, nops,
	       r->probe ? "" : " (IORING_REGISTER_PROBE failed)");

	printf("\nSetup flags (IORING_SETUP_*, tried with a raw io_uring_setup)\n");
	printf("  %-20s %-6s %s\n", "flag", "added", "result");
	for (i = 0; i < NR_SETUP; i++) {
		printf("  %-20s %-6s ", setup_names[i].name,
		       version_str(setup_names[i].kernel, v1, sizeof(v1)));
		if (!r->setup_err[i])
			printf("accepted\n");
		else
			printf("refused (%s)\n", uk_errname(r->setup_err[i]));
	}

	printf("\nRegistration (io_uring_register opcodes, tried with harmless calls)\n");
	printf("  %3s  %-27s %-6s %s\n", "op", "name", "added", "result");
	for (i = 0; i < NR_REG; i++) {
		const struct reg_result *g = &r->reg[i];

		printf("  %3u  %-27s %-6s ", i, reg_names[i].name,
		       version_str(reg_names[i].kernel, v1, sizeof(v1)));
		if (g->state == REG_YES)
			printf("yes\n");
		else if (g->state == REG_NO)
			printf("no (%s)\n", uk_errname(g->err));
		else
			printf("not probed: %s\n", g->why);
	}
	if (r->have_query)
		printf("  kernel query: %u request opcodes, %u register opcodes, "
		       "setup flags 0x%llx\n", r->query.nr_request_opcodes,
		       r->query.nr_register_opcodes,
		       (unsigned long long) r->query.ring_setup_flags);

	printf("\nLimits\n");
	if (r->max_sq)
		printf("  %-22s %u (a ring of 32768 entries was accepted)\n",
		       "max SQ entries", r->max_sq);
	else
		printf("  %-22s a ring of 32768 entries was refused\n",
		       "max SQ entries");
	printf("  %-22s %s\n", "65536 entries",
	       r->big_err ? uk_errname(r->big_err) : "accepted");
	if (r->clamp_err)
		printf("  %-22s %s\n", "65536 with CLAMP", uk_errname(r->clamp_err));
	else
		printf("  %-22s clamped to sq %u, cq %u\n", "65536 with CLAMP",
		       r->clamp_sq, r->clamp_cq);
	fmt_rlim(r->memlock.rlim_cur, b1, sizeof(b1));
	fmt_rlim(r->memlock.rlim_max, b2, sizeof(b2));
	printf("  %-22s %s (hard %s)%s\n", "RLIMIT_MEMLOCK", b1, b2,
	       r->kver >= 512 ? "; rings are memcg-accounted since 5.12" : "");
	printf("\n(probed in %.1f ms)\n", (double) r->elapsed_ns / 1e6);
}

/* ---- JSON output ------------------------------------------------------ */

static void json_err(int err)
{
	if (err)
		uk_json_str(stdout, uk_errname(err));
	else
		fputs("null", stdout);
}

static void print_json(const struct report *r)
{
	char v[16];
	int nops = uringkit_op_count(), op;
	unsigned i;

	printf("{\n  \"kernel\": {\"release\": ");
	uk_json_str(stdout, r->release);
	printf(", \"version\": \"%s\"},\n",
	       version_str(r->kver, v, sizeof(v)));
	printf("  \"io_uring\": {\"available\": %s, \"error\": ",
	       r->ring_err ? "false" : "true");
	json_err(r->ring_err);
	printf(", \"io_uring_disabled\": ");
	if (r->disabled < 0)
		printf("null");
	else
		printf("%d", r->disabled);
	printf("},\n");

	printf("  \"features\": {\"raw\": %u, \"list\": [\n", r->features);
	for (i = 0; i < NR_FEATS; i++)
		printf("    {\"name\": \"%s\", \"bit\": %u, \"supported\": %s}%s\n",
		       feat_names[i].name, feat_names[i].bit,
		       r->features & (1U << feat_names[i].bit) ? "true" : "false",
		       i + 1 < NR_FEATS ? "," : "");
	printf("  ]},\n");

	printf("  \"ops\": {\"count\": %d, \"kernel_last_op\": %d, \"list\": [\n",
	       nops, r->probe ? r->probe->last_op : -1);
	for (op = 0; op < nops; op++)
		printf("    {\"op\": %d, \"name\": \"%s\", \"added\": \"%s\", "
		       "\"supported\": %s}%s\n", op, uringkit_op_name(op),
		       version_str(uringkit_op_kernel(op), v, sizeof(v)),
		       op_supported(r, op) ? "true" : "false",
		       op + 1 < nops ? "," : "");
	printf("  ]},\n");

	printf("  \"setup_flags\": [\n");
	for (i = 0; i < NR_SETUP; i++) {
		printf("    {\"name\": \"%s\", \"bit\": %u, \"added\": \"%s\", "
		       "\"accepted\": %s, \"error\": ", setup_names[i].name,
		       setup_names[i].bit,
		       version_str(setup_names[i].kernel, v, sizeof(v)),
		       r->setup_err[i] ? "false" : "true");
		json_err(r->setup_err[i]);
		printf("}%s\n", i + 1 < NR_SETUP ? "," : "");
	}
	printf("  ],\n");

	printf("  \"register\": [\n");
	for (i = 0; i < NR_REG; i++) {
		const struct reg_result *g = &r->reg[i];

		printf("    {\"opcode\": %u, \"name\": \"%s\", \"added\": \"%s\", "
		       "\"result\": \"%s\", \"error\": ", i, reg_names[i].name,
		       version_str(reg_names[i].kernel, v, sizeof(v)),
		       g->state == REG_YES ? "yes" :
		       g->state == REG_NO ? "no" : "not probed");
		if (g->state == REG_NOT_PROBED)
			uk_json_str(stdout, g->why);
		else
			json_err(g->err);
		printf("}%s\n", i + 1 < NR_REG ? "," : "");
	}
	printf("  ],\n");

	printf("  \"limits\": {\"max_sq_entries\": %u, \"entries_65536\": ",
	       r->max_sq);
	json_err(r->big_err);
	printf(", \"clamp_65536\": {\"error\": ");
	json_err(r->clamp_err);
	printf(", \"sq_entries\": %u, \"cq_entries\": %u}, ",
	       r->clamp_sq, r->clamp_cq);
	printf("\"memlock_cur\": ");
	if (r->memlock.rlim_cur == RLIM_INFINITY)
		printf("null");
	else
		printf("%llu", (unsigned long long) r->memlock.rlim_cur);
	printf(", \"memlock_max\": ");
	if (r->memlock.rlim_max == RLIM_INFINITY)
		printf("null");
	else
		printf("%llu", (unsigned long long) r->memlock.rlim_max);
	printf("},\n  \"kernel_query\": ");
	if (r->have_query)
		printf("{\"request_opcodes\": %u, \"register_opcodes\": %u, "
		       "\"setup_flags\": %llu, \"features\": %llu}",
		       r->query.nr_request_opcodes, r->query.nr_register_opcodes,
		       (unsigned long long) r->query.ring_setup_flags,
		       (unsigned long long) r->query.feature_flags);
	else
		printf("null");
	printf(",\n  \"elapsed_ms\": %.1f\n}\n", (double) r->elapsed_ns / 1e6);
}

int cmd_probe(int argc, char **argv)
{
	struct report r;
	bool json = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: uringkit probe [--json]\n");
			return 0;
		} else {
			fprintf(stderr, "uringkit probe: unknown option '%s'\n",
				argv[i]);
			return 2;
		}
	}
	gather(&r);
	if (json)
		print_json(&r);
	else
		print_text(&r);
	io_uring_free_probe(r.probe);
	return 0;
}
