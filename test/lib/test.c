/* SPDX-License-Identifier: MIT */
/* The shared test library: see test.h. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "test.h"

_Noreturn void t_skip(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	printf("skip: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(T_EXIT_SKIP);
}

_Noreturn void t_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fflush(stderr);
	exit(T_EXIT_FAIL);
}

_Noreturn void t__assert_fail(const char *file, int line, const char *expr)
{
	t_fail_at(file, line, "ASSERT(%s)", expr);
}

/* "-22 (Invalid argument)" for values that look like a negative errno. */
static void t_fmt_val(char *buf, size_t len, long long v, bool is_unsigned)
{
	if (is_unsigned)
		snprintf(buf, len, "%llu (0x%llx)", (unsigned long long) v,
			 (unsigned long long) v);
	else if (v < 0 && v >= -4095)
		snprintf(buf, len, "%lld (%s)", v, strerror((int) -v));
	else
		snprintf(buf, len, "%lld", v);
}

_Noreturn void t__cmp_fail(const char *file, int line, const char *op,
			   const char *ea, const char *eb,
			   long long a, long long b, bool is_unsigned)
{
	char va[96], vb[96];

	t_fmt_val(va, sizeof(va), a, is_unsigned);
	t_fmt_val(vb, sizeof(vb), b, is_unsigned);
	t_fail_at(file, line, "%s(%s, %s): %s=%s vs %s", op, ea, eb, ea, va, vb);
}

_Noreturn void t__ptr_fail(const char *file, int line, const char *what,
			   const char *expr, const void *p)
{
	t_fail_at(file, line, "%s(%s): %s=%p", what, expr, expr, p);
}

_Noreturn void t__mem_fail(const char *file, int line, const char *ea,
			   const char *eb, const void *a, const void *b,
			   size_t len)
{
	const unsigned char *pa = a, *pb = b;
	size_t i = 0;

	while (i < len && pa[i] == pb[i])
		i++;
	t_fail_at(file, line,
		  "ASSERT_MEM_EQ(%s, %s, %zu): first difference at byte %zu: "
		  "0x%02x vs 0x%02x", ea, eb, len, i, pa[i], pb[i]);
}

int t_ring_init(struct io_uring *ring, unsigned entries,
		struct io_uring_params *p)
{
	struct io_uring_params def;
	int ret;

	if (!p) {
		memset(&def, 0, sizeof(def));
		p = &def;
	}
	ret = io_uring_queue_init_params(entries, ring, p);
	if (ret == -ENOSYS)
		t_skip("kernel has no io_uring (ENOSYS)");
	if (ret == -EPERM)
		t_skip("io_uring is disabled (EPERM; see kernel.io_uring_disabled)");
	if (ret < 0)
		t_fail("io_uring_queue_init_params(%u, flags 0x%x): %d (%s)",
		       entries, p->flags, ret, strerror(-ret));
	return 0;
}

/* Names of the setup flags, for skip messages. */
static const struct {
	unsigned flag;
	const char *name;
} t_setup_flag_names[] = {
	{ IORING_SETUP_IOPOLL, "IOPOLL" },
	{ IORING_SETUP_SQPOLL, "SQPOLL" },
	{ IORING_SETUP_SQ_AFF, "SQ_AFF" },
	{ IORING_SETUP_CQSIZE, "CQSIZE" },
	{ IORING_SETUP_CLAMP, "CLAMP" },
	{ IORING_SETUP_ATTACH_WQ, "ATTACH_WQ" },
	{ IORING_SETUP_R_DISABLED, "R_DISABLED" },
	{ IORING_SETUP_SUBMIT_ALL, "SUBMIT_ALL" },
	{ IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN" },
	{ IORING_SETUP_TASKRUN_FLAG, "TASKRUN_FLAG" },
	{ IORING_SETUP_SQE128, "SQE128" },
	{ IORING_SETUP_CQE32, "CQE32" },
	{ IORING_SETUP_SINGLE_ISSUER, "SINGLE_ISSUER" },
	{ IORING_SETUP_DEFER_TASKRUN, "DEFER_TASKRUN" },
	{ IORING_SETUP_NO_MMAP, "NO_MMAP" },
	{ IORING_SETUP_REGISTERED_FD_ONLY, "REGISTERED_FD_ONLY" },
	{ IORING_SETUP_NO_SQARRAY, "NO_SQARRAY" },
	{ IORING_SETUP_HYBRID_IOPOLL, "HYBRID_IOPOLL" },
	{ IORING_SETUP_CQE_MIXED, "CQE_MIXED" },
	{ IORING_SETUP_SQE_MIXED, "SQE_MIXED" },
};

static void t_flag_names(unsigned flags, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(t_setup_flag_names) /
			       sizeof(t_setup_flag_names[0]); i++) {
		if (!(flags & t_setup_flag_names[i].flag))
			continue;
		flags &= ~t_setup_flag_names[i].flag;
		used += snprintf(buf + used, len - used, "%s%s",
				 used ? "|" : "", t_setup_flag_names[i].name);
		if (used >= len)
			return;
	}
	if (flags)
		snprintf(buf + used, len - used, "%s0x%x", used ? "|" : "",
			 flags);
}

bool t_kernel_has_setup_flags(unsigned flags)
{
	struct io_uring_params p;
	const long page = sysconf(_SC_PAGESIZE);
	void *mem = MAP_FAILED;
	int wq_fd = -1, fd;

	memset(&p, 0, sizeof(p));
	if (flags & IORING_SETUP_SQ_AFF)
		flags |= IORING_SETUP_SQPOLL;
	if (flags & IORING_SETUP_DEFER_TASKRUN)
		flags |= IORING_SETUP_SINGLE_ISSUER;
	if ((flags & IORING_SETUP_TASKRUN_FLAG) &&
	    !(flags & IORING_SETUP_DEFER_TASKRUN))
		flags |= IORING_SETUP_COOP_TASKRUN;
	if (flags & IORING_SETUP_REGISTERED_FD_ONLY)
		flags |= IORING_SETUP_NO_MMAP;
	if (flags & IORING_SETUP_HYBRID_IOPOLL)
		flags |= IORING_SETUP_IOPOLL;
	if (flags & IORING_SETUP_CQSIZE)
		p.cq_entries = 8;
	if (flags & IORING_SETUP_ATTACH_WQ) {
		struct io_uring_params wp;

		memset(&wp, 0, sizeof(wp));
		wq_fd = (int) syscall(__NR_io_uring_setup, 4, &wp);
		if (wq_fd < 0)
			return false;
		p.wq_fd = (__u32) wq_fd;
	}
	if (flags & IORING_SETUP_NO_MMAP) {
		/* 4 entries: the SQEs and the rings each fit in one page. */
		mem = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED) {
			if (wq_fd >= 0)
				close(wq_fd);
			return false;
		}
		p.sq_off.user_addr = (unsigned long) mem;
		p.cq_off.user_addr = (unsigned long) mem + page;
	}
	p.flags = flags;
	fd = (int) syscall(__NR_io_uring_setup, 4, &p);
	if (fd >= 0) {
		if (flags & IORING_SETUP_REGISTERED_FD_ONLY) {
			/* fd is an index in this task's registered rings. */
			struct io_uring_rsrc_update up;

			memset(&up, 0, sizeof(up));
			up.offset = (unsigned) fd;
			syscall(__NR_io_uring_register, fd,
				IORING_UNREGISTER_RING_FDS |
				IORING_REGISTER_USE_REGISTERED_RING, &up, 1);
		} else {
			close(fd);
		}
	}
	if (mem != MAP_FAILED)
		munmap(mem, 2 * page);
	if (wq_fd >= 0)
		close(wq_fd);
	return fd >= 0;
}

void t_require_setup_flags(unsigned flags)
{
	char names[256];

	if (t_kernel_has_setup_flags(flags))
		return;
	t_flag_names(flags, names, sizeof(names));
	t_skip("kernel does not accept IORING_SETUP_%s", names);
}

bool t_op_supported(int opcode)
{
	static struct io_uring_probe *probe;
	static bool tried;

	if (!tried) {
		tried = true;
		probe = io_uring_get_probe();
	}
	if (!probe)
		return false;
	return io_uring_opcode_supported(probe, opcode);
}

void t_require_op(int opcode)
{
	if (!t_op_supported(opcode))
		t_skip("kernel lacks opcode %d", opcode);
}

/* Directories made by t_tmpdir(), removed at exit by the creating process. */
#define T_MAX_TMPDIRS 16
static char *t_tmpdirs[T_MAX_TMPDIRS];
static unsigned t_nr_tmpdirs;
static pid_t t_tmpdir_owner;

static int t_rm_entry(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void) st;
	(void) ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void t_rm_tmpdirs(void)
{
	if (getpid() != t_tmpdir_owner)
		return;	/* a forked child exiting: not ours to remove */
	for (unsigned i = 0; i < t_nr_tmpdirs; i++) {
		nftw(t_tmpdirs[i], t_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(t_tmpdirs[i]);
	}
	t_nr_tmpdirs = 0;
}

char *t_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (!base || !*base)
		base = "/tmp";
	if (t_nr_tmpdirs == T_MAX_TMPDIRS)
		t_fail("t_tmpdir: more than %d directories", T_MAX_TMPDIRS);
	if (asprintf(&path, "%s/uringkit-test.XXXXXX", base) < 0)
		t_fail("t_tmpdir: out of memory");
	if (!mkdtemp(path))
		t_fail("t_tmpdir: mkdtemp(%s): %s", path, strerror(errno));
	if (!t_nr_tmpdirs) {
		t_tmpdir_owner = getpid();
		atexit(t_rm_tmpdirs);
	}
	t_tmpdirs[t_nr_tmpdirs++] = path;
	return path;
}

/* splitmix64: a good cheap mixer, so any shift or swap shows. */
static uint64_t t_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static unsigned char t_pattern_byte(size_t off, unsigned seed)
{
	uint64_t w = t_mix(((uint64_t) seed << 40) ^ (off >> 3));

	return (unsigned char) (w >> ((off & 7) * 8));
}

static void t_fill_at(void *buf, size_t len, size_t off, unsigned seed)
{
	unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = t_pattern_byte(off + i, seed);
}

void t_fill(void *buf, size_t len, unsigned seed)
{
	t_fill_at(buf, len, 0, seed);
}

size_t t_check_fill(const void *buf, size_t len, size_t file_off,
		    unsigned seed)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		if (p[i] != t_pattern_byte(file_off + i, seed))
			return i;
	return len;
}

int t_create_file(const char *path, size_t size, unsigned seed)
{
	unsigned char buf[65536];
	size_t done = 0;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		t_fail("t_create_file: open(%s): %s", path, strerror(errno));
	while (done < size) {
		size_t n = size - done < sizeof(buf) ? size - done : sizeof(buf);
		ssize_t w;

		t_fill_at(buf, n, done, seed);
		w = pwrite(fd, buf, n, (off_t) done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			t_fail("t_create_file: write(%s): %s", path,
			       w < 0 ? strerror(errno) : "short write");
		done += (size_t) w;
	}
	return fd;
}

int t_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		t_fail("opendir(/proc/self/fd): %s", strerror(errno));
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

int t_count_maps(void)
{
	char buf[4096];
	ssize_t r;
	int fd, n = 0;

	/* Raw read(): stdio would allocate and so perturb the mappings. */
	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		t_fail("open(/proc/self/maps): %s", strerror(errno));
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < r; i++)
			n += buf[i] == '\n';
	close(fd);
	return n;
}

/*
 * /proc/self/maps as one string, read into a static buffer with raw read()
 * so that looking at the mappings allocates (and so maps) nothing.
 */
static const char *t_read_maps(void)
{
	static char buf[1 << 20];
	size_t len = 0;
	ssize_t r;
	int fd;

	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		t_fail("open(/proc/self/maps): %s", strerror(errno));
	while (len < sizeof(buf) - 1 &&
	       (r = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t) r;
	close(fd);
	buf[len] = 0;
	return buf;
}

int t_count_ring_maps(void)
{
	const char *p = t_read_maps();
	int n = 0;

	for (; (p = strstr(p, "anon_inode:[io_uring]")); p++)
		n++;
	return n;
}

unsigned long long t_mapped_bytes(void)
{
	const char *p = t_read_maps();
	unsigned long long total = 0;

	while (*p) {
		unsigned long long a, b;

		if (sscanf(p, "%llx-%llx", &a, &b) == 2)
			total += b - a;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return total;
}

struct io_uring_sqe *t_get_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		t_fail("io_uring_get_sqe: the SQ is full");
	return sqe;
}

/* Submit exactly one SQE and wait for a CQE (not consumed). */
static struct io_uring_cqe *t_submit_wait_one(struct io_uring *ring)
{
	int ret = io_uring_submit(ring);

	if (ret != 1)
		t_fail("io_uring_submit: %d (%s), expected 1", ret,
		       ret < 0 ? strerror(-ret) : "wrong count");
	return t_wait_cqe(ring);
}

int t_submit_one(struct io_uring *ring)
{
	struct io_uring_cqe *cqe = t_submit_wait_one(ring);
	int res = cqe->res;

	io_uring_cqe_seen(ring, cqe);
	return res;
}

int t_submit_one_ud(struct io_uring *ring, __u64 ud)
{
	struct io_uring_cqe *cqe = t_submit_wait_one(ring);
	int res = cqe->res;

	if (cqe->user_data != ud)
		t_fail("CQE user_data %llu (res %d), expected %llu",
		       (unsigned long long) cqe->user_data, res,
		       (unsigned long long) ud);
	io_uring_cqe_seen(ring, cqe);
	return res;
}

struct io_uring_cqe *t_wait_cqe(struct io_uring *ring)
{
	struct io_uring_cqe *cqe = NULL;
	int ret = io_uring_wait_cqe(ring, &cqe);

	if (ret < 0)
		t_fail("io_uring_wait_cqe: %d (%s)", ret, strerror(-ret));
	if (!cqe)
		t_fail("io_uring_wait_cqe returned 0 but no CQE");
	return cqe;
}

unsigned t_submit_nops(struct io_uring *ring, unsigned n, __u64 first_user_data)
{
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (!sqe)
			t_fail("t_submit_nops: no SQE for NOP %u of %u", i, n);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, first_user_data + i);
	}
	return n;
}

const char *t_srcdir(void)
{
	const char *dir = getenv("URINGKIT_SRC");

	return dir && *dir ? dir : ".";
}
