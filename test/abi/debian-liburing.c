/* SPDX-License-Identifier: MIT */
/*
 * Binary compatibility: this program is compiled against the system's
 * liburing 2.3 headers (Debian's liburing-dev) and linked with -luring,
 * like any existing binary; the runner makes it load uringkit's
 * liburing.so.2 instead. It first proves that it really runs on uringkit,
 * then drives real I/O through liburing 2.3's inline code and our library.
 *
 * It may not use the uringkit test library (that is built against our
 * headers), so it has its own small checks.
 */
#include <dlfcn.h>
#include <liburing.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(cond) do {						\
	if (!(cond))							\
		fail(__LINE__, "CHECK(%s)", #cond);			\
} while (0)
#define CHECK_EQ(a, b) do {						\
	long long a_ = (long long) (a), b_ = (long long) (b);		\
	if (a_ != b_)							\
		fail(__LINE__, "%s = %lld, want %s = %lld%s%s", #a, a_,	\
		     #b, b_, a_ < 0 && a_ > -4096 ? ": " : "",		\
		     a_ < 0 && a_ > -4096 ? strerror((int) -a_) : "");	\
} while (0)

static __attribute__((noreturn, format(printf, 2, 3)))
void fail(int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FAIL %s:%d: ", __FILE__, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static char tmpdir[PATH_MAX];

static void cleanup(void)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/data", tmpdir);
	unlink(path);
	rmdir(tmpdir);
}

/* The library that io_uring_submit() came from must be under $URINGKIT_BUILD. */
static void check_loaded_library(void)
{
	const char *build = getenv("URINGKIT_BUILD");
	char want[PATH_MAX], got[PATH_MAX];
	Dl_info info;
	size_t len;

	if (!build || !*build) {
		printf("skip: URINGKIT_BUILD is not set, so which liburing is "
		       "loaded cannot be checked\n");
		exit(77);
	}
	memset(&info, 0, sizeof(info));
	if (!dladdr((void *) io_uring_submit, &info) || !info.dli_fname)
		fail(__LINE__, "dladdr(io_uring_submit) failed");
	if (!realpath(build, want))
		fail(__LINE__, "URINGKIT_BUILD=%s: %s", build, strerror(errno));
	if (!realpath(info.dli_fname, got))
		fail(__LINE__, "realpath(%s): %s", info.dli_fname,
		     strerror(errno));
	len = strlen(want);
	if (strncmp(got, want, len) || got[len] != '/')
		fail(__LINE__, "io_uring_submit comes from %s, not from "
		     "uringkit's build directory %s (is LD_LIBRARY_PATH set?)",
		     got, want);
	printf("running on %s\n", got);
}

static void fill(unsigned char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char) ((i * 131 + seed * 7 + (i >> 9)) ^ (i >> 3));
}

static struct io_uring_cqe *wait_one(struct io_uring *ring)
{
	struct io_uring_cqe *cqe = NULL;
	int ret = io_uring_wait_cqe(ring, &cqe);

	CHECK_EQ(ret, 0);
	CHECK(cqe != NULL);
	return cqe;
}

/* writev three pieces, then read the whole back: the bytes must match. */
static void file_io(struct io_uring *ring, int fd, unsigned seed)
{
	enum { LEN = 3 * 4096 + 100 };
	static unsigned char wbuf[LEN], rbuf[LEN];
	struct iovec iov[3] = {
		{ wbuf, 4096 }, { wbuf + 4096, 100 }, { wbuf + 4196, LEN - 4196 },
	};
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;

	fill(wbuf, LEN, seed);
	memset(rbuf, 0, LEN);
	sqe = io_uring_get_sqe(ring);
	CHECK(sqe != NULL);
	io_uring_prep_writev(sqe, fd, iov, 3, 0);
	sqe->user_data = 1;
	CHECK_EQ(io_uring_submit(ring), 1);
	cqe = wait_one(ring);
	CHECK_EQ(cqe->user_data, 1);
	CHECK_EQ(cqe->res, LEN);
	io_uring_cqe_seen(ring, cqe);

	sqe = io_uring_get_sqe(ring);
	CHECK(sqe != NULL);
	io_uring_prep_read(sqe, fd, rbuf, LEN, 0);
	sqe->user_data = 2;
	CHECK_EQ(io_uring_submit(ring), 1);
	cqe = wait_one(ring);
	CHECK_EQ(cqe->user_data, 2);
	CHECK_EQ(cqe->res, LEN);
	io_uring_cqe_seen(ring, cqe);
	CHECK(!memcmp(wbuf, rbuf, LEN));

	/* The data is really in the file. */
	memset(rbuf, 0, LEN);
	CHECK_EQ(pread(fd, rbuf, LEN, 0), LEN);
	CHECK(!memcmp(wbuf, rbuf, LEN));
}

/* 64 NOPs in one batch, reaped with io_uring_for_each_cqe + cq_advance. */
static void nop_batch(struct io_uring *ring)
{
	unsigned char seen[64];
	unsigned got = 0;

	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < 64; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		CHECK(sqe != NULL);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 1000 + (unsigned) i);
	}
	CHECK(io_uring_get_sqe(ring) == NULL);	/* 64-entry SQ is full */
	CHECK_EQ(io_uring_submit_and_wait(ring, 64), 64);
	while (got < 64) {
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;

		io_uring_for_each_cqe(ring, head, cqe) {
			__u64 ud = cqe->user_data;

			CHECK(ud >= 1000 && ud < 1064);
			CHECK_EQ(cqe->res, 0);
			CHECK_EQ(seen[ud - 1000], 0);
			seen[ud - 1000] = 1;
			n++;
		}
		io_uring_cq_advance(ring, n);
		got += n;
		if (got < 64) {
			struct io_uring_cqe *c;

			CHECK_EQ(io_uring_wait_cqe(ring, &c), 0);
		}
	}
	CHECK_EQ(io_uring_cq_ready(ring), 0);
}

int main(void)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 20 * 1000000 };
	struct io_uring_probe *probe;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	char path[PATH_MAX + 16];
	const char *base = getenv("TMPDIR");
	int fd, ret;

	check_loaded_library();

	snprintf(tmpdir, sizeof(tmpdir), "%s/uringkit-abi.XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		fail(__LINE__, "mkdtemp: %s", strerror(errno));
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/data", tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);

	ret = io_uring_queue_init(64, &ring, 0);
	if (ret == -ENOSYS || ret == -EPERM) {
		printf("skip: io_uring unavailable: %s\n", strerror(-ret));
		return 77;
	}
	CHECK_EQ(ret, 0);
	/* 2.3's inline code reads the sizes through kring_* pointers. */
	CHECK_EQ(*ring.sq.kring_entries, 64);
	CHECK_EQ(*ring.cq.kring_entries, 128);
	CHECK_EQ(ring.sq.ring_entries, 64);
	CHECK(ring.ring_fd >= 0);

	file_io(&ring, fd, 1);
	nop_batch(&ring);
	nop_batch(&ring);	/* the rings wrap */

	/* Nothing pending: the wait times out. */
	cqe = NULL;
	ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
	CHECK_EQ(ret, -ETIME);
	CHECK_EQ(io_uring_cq_ready(&ring), 0);

	/* A probe, released with free() as 2.3-era programs may do. */
	probe = io_uring_get_probe_ring(&ring);
	CHECK(probe != NULL);
	CHECK(io_uring_opcode_supported(probe, IORING_OP_NOP));
	CHECK(io_uring_opcode_supported(probe, IORING_OP_READ));
	CHECK(!io_uring_opcode_supported(probe, 255));
	free(probe);
	probe = io_uring_get_probe();
	CHECK(probe != NULL);
	CHECK(io_uring_opcode_supported(probe, IORING_OP_WRITEV));
	io_uring_free_probe(probe);

	/* A registered ring fd, then more real I/O through it. */
	ret = io_uring_register_ring_fd(&ring);
	CHECK_EQ(ret, 1);
	file_io(&ring, fd, 2);
	nop_batch(&ring);
	ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
	CHECK_EQ(ret, -ETIME);
	CHECK_EQ(io_uring_unregister_ring_fd(&ring), 1);
	file_io(&ring, fd, 3);

	io_uring_queue_exit(&ring);
	close(fd);
	printf("liburing 2.3 program ran on uringkit\n");
	return 0;
}
