/* SPDX-License-Identifier: MIT */
/*
 * The shared test library. Every test is one program: exit 0 pass, 1 fail,
 * 77 skip (with "skip: <reason>" printed). Assertions print both operands
 * and, for values that look like a negative errno, the error's name.
 */
#ifndef URINGKIT_TEST_H
#define URINGKIT_TEST_H

#include <liburing.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define T_EXIT_PASS 0
#define T_EXIT_FAIL 1
#define T_EXIT_SKIP 77

/* The source tree (URINGKIT_SRC, set by make check; "." otherwise). */
const char *t_srcdir(void);

/* Print "skip: <reason>" and exit 77. */
_Noreturn void t_skip(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Print "FAIL file:line: <msg>" and exit 1. */
_Noreturn void t_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define t_fail(...) t_fail_at(__FILE__, __LINE__, __VA_ARGS__)

/* Assertion back ends (use the macros below). */
_Noreturn void t__assert_fail(const char *file, int line, const char *expr);
_Noreturn void t__cmp_fail(const char *file, int line, const char *op,
			   const char *ea, const char *eb,
			   long long a, long long b, bool is_unsigned);
_Noreturn void t__ptr_fail(const char *file, int line, const char *what,
			   const char *expr, const void *p);
_Noreturn void t__mem_fail(const char *file, int line, const char *ea,
			   const char *eb, const void *a, const void *b,
			   size_t len);

#define ASSERT(cond) do {						\
	if (!(cond))							\
		t__assert_fail(__FILE__, __LINE__, #cond);		\
} while (0)

/*
 * Operands are compared as long long, or as unsigned long long when either
 * side is an unsigned type at least as wide as long long (so sizes and u64
 * user_data compare correctly).
 */
#define T__IS_UNSIGNED(x) ((__typeof__(x)) -1 > (__typeof__(x)) 0)
#define T__UNS(x) (T__IS_UNSIGNED(x) && sizeof(x) >= sizeof(long long))
#define T__CMP(a, b, op, name) do {					\
	__typeof__(a) t__a = (a);					\
	__typeof__(b) t__b = (b);					\
	bool t__u = T__UNS(t__a) || T__UNS(t__b);			\
	bool t__ok = t__u ?						\
		((unsigned long long) t__a op (unsigned long long) t__b) : \
		((long long) t__a op (long long) t__b);			\
	if (!t__ok)							\
		t__cmp_fail(__FILE__, __LINE__, name, #a, #b,		\
			    (long long) t__a, (long long) t__b, t__u);	\
} while (0)

#define ASSERT_EQ(a, b) T__CMP(a, b, ==, "ASSERT_EQ")
#define ASSERT_NE(a, b) T__CMP(a, b, !=, "ASSERT_NE")
#define ASSERT_LT(a, b) T__CMP(a, b, <, "ASSERT_LT")
#define ASSERT_LE(a, b) T__CMP(a, b, <=, "ASSERT_LE")
#define ASSERT_GT(a, b) T__CMP(a, b, >, "ASSERT_GT")
#define ASSERT_GE(a, b) T__CMP(a, b, >=, "ASSERT_GE")

#define ASSERT_NULL(p) do {						\
	const void *t__p = (p);						\
	if (t__p)							\
		t__ptr_fail(__FILE__, __LINE__, "ASSERT_NULL", #p, t__p); \
} while (0)
#define ASSERT_NOT_NULL(p) do {						\
	const void *t__p = (p);						\
	if (!t__p)							\
		t__ptr_fail(__FILE__, __LINE__, "ASSERT_NOT_NULL", #p, t__p); \
} while (0)
#define ASSERT_MEM_EQ(a, b, len) do {					\
	const void *t__ma = (a), *t__mb = (b);				\
	size_t t__len = (len);						\
	if (memcmp(t__ma, t__mb, t__len))				\
		t__mem_fail(__FILE__, __LINE__, #a, #b, t__ma, t__mb, t__len); \
} while (0)

/*
 * io_uring_queue_init_params() (p may be NULL for defaults). Skips when the
 * kernel has no io_uring (-ENOSYS) or it is disabled (-EPERM); any other
 * error fails the test. Returns 0.
 */
int t_ring_init(struct io_uring *ring, unsigned entries,
		struct io_uring_params *p);

/*
 * Whether the kernel accepts these setup flags: a raw io_uring_setup() of 4
 * entries, adding the companions the kernel insists on (SQ_AFF -> SQPOLL,
 * DEFER_TASKRUN -> SINGLE_ISSUER, TASKRUN_FLAG -> COOP_TASKRUN, ...).
 */
bool t_kernel_has_setup_flags(unsigned flags);
/* t_skip() naming the flags unless t_kernel_has_setup_flags(). */
void t_require_setup_flags(unsigned flags);

/* Whether the kernel supports an opcode (io_uring_get_probe(), cached). */
bool t_op_supported(int opcode);
/* t_skip("kernel lacks opcode N") unless t_op_supported(). */
void t_require_op(int opcode);

/* A fresh directory under $TMPDIR (or /tmp), removed recursively at exit. */
char *t_tmpdir(void);
/* Create path with size bytes of t_fill(seed) pattern; returns an O_RDWR fd. */
int t_create_file(const char *path, size_t size, unsigned seed);
/* Deterministic pattern: byte i depends on i and seed (as at file offset 0). */
void t_fill(void *buf, size_t len, unsigned seed);
/*
 * Check buf against the pattern as it appears at file offset file_off;
 * returns the index of the first mismatch, or len if all bytes match.
 */
size_t t_check_fill(const void *buf, size_t len, size_t file_off,
		    unsigned seed);

/* Entries in /proc/self/fd (the count includes no directory fd of ours). */
int t_count_fds(void);
/* Lines in /proc/self/maps. */
int t_count_maps(void);
/*
 * Mappings of io_uring memory only (lines naming anon_inode:[io_uring]):
 * unlike t_count_maps(), not disturbed by allocators such as ASan's that
 * map memory as they grow.
 */
int t_count_ring_maps(void);
/* Bytes of address space this process has mapped (allocates nothing). */
unsigned long long t_mapped_bytes(void);

/* io_uring_wait_cqe(); fails the test on error. */
struct io_uring_cqe *t_wait_cqe(struct io_uring *ring);
/* io_uring_get_sqe(), failing the test when the SQ is full. */
struct io_uring_sqe *t_get_sqe(struct io_uring *ring);
/*
 * Submit exactly one queued SQE, wait for its CQE, consume it and return
 * its res.
 */
int t_submit_one(struct io_uring *ring);
/*
 * Get n SQEs and prep NOPs with user_data first..first+n-1. Does not
 * submit. Fails the test if an SQE is unavailable. Returns n.
 */
unsigned t_submit_nops(struct io_uring *ring, unsigned n, __u64 first_user_data);

/*
 * t_get_sqe() with every byte of the SQE set to 0xff, so a prep helper that
 * leaves a field it relies on unset shows.
 */
struct io_uring_sqe *t_get_dirty_sqe(struct io_uring *ring);
/* Set every byte of the SQE to 0xff (what t_get_dirty_sqe() hands out). */
void t_dirty_sqe(struct io_uring_sqe *sqe);

/*
 * What a prep helper must have written into an SQE: every field of the
 * 64 bytes but user_data. Fields left out of the initializer are expected
 * to be zero; personality and the padding always are.
 */
struct t_sqe_want {
	__u8 opcode;
	__u8 flags;		/* sqe->flags (IOSQE_*) */
	__u16 ioprio;
	__s32 fd;
	__u64 off;		/* or addr2 */
	__u64 addr;
	__u32 len;
	__u32 op_flags;		/* the opcode's flag word at offset 28 */
	__u16 buf_index;	/* or buf_group */
	__u32 file_index;	/* the word at offset 44: or splice_fd_in */
	__u64 addr3;
};
void t__check_sqe(const char *file, int line, const struct io_uring_sqe *sqe,
		  const struct t_sqe_want *w);
/*
 * t_check_sqe(sqe, { .opcode = ..., .fd = ... }): fail the test, naming
 * each field that differs, unless the SQE holds exactly that.
 */
#define t_check_sqe(sqe, ...) \
	t__check_sqe(__FILE__, __LINE__, sqe, &(struct t_sqe_want) __VA_ARGS__)

/* t_get_dirty_sqe() with user_data ud (the prep helpers leave it alone). */
struct io_uring_sqe *t_get_dirty_sqe_ud(struct io_uring *ring, __u64 ud);
/*
 * t_submit_one(), also failing the test unless the CQE carries user_data
 * ud (the caller sets it on the SQE).
 */
int t_submit_one_ud(struct io_uring *ring, __u64 ud);
/*
 * io_uring_wait_cqe_timeout() for up to ms milliseconds: the CQE (not
 * consumed), or NULL on -ETIME; any other error fails the test.
 */
struct io_uring_cqe *t_wait_cqe_ms(struct io_uring *ring, long ms);
/* The next CQE (not consumed), failing the test after ms milliseconds. */
struct io_uring_cqe *t_wait_cqe_within(struct io_uring *ring, long ms);

/* A CQE's fields copied out, so the CQE itself can be consumed. */
struct t_cqe {
	__u64 user_data;
	__s32 res;
	__u32 flags;
};
/* Wait for the next CQE, copy it out and consume it. */
struct t_cqe t_reap_cqe(struct io_uring *ring);
/* t_reap_cqe() n times into out[0..n-1]. */
void t_reap_cqes(struct io_uring *ring, struct t_cqe *out, unsigned n);
/* The first of c[0..n-1] with this user_data; fails the test if none. */
const struct t_cqe *t_find_cqe(const struct t_cqe *c, unsigned n,
			       __u64 user_data);
/* Sleep 20 ms, then fail the test if a CQE is pending. */
void t_assert_idle(struct io_uring *ring);

/*
 * Publish buffers first..first+n-1 of the array at base (each buf_size
 * bytes, buffer id = index) on a ring of entries entries, with
 * io_uring_buf_ring_add() and one io_uring_buf_ring_advance().
 */
void t_buf_ring_give(struct io_uring_buf_ring *br, unsigned entries,
		     void *base, size_t buf_size, unsigned first, unsigned n);

/*
 * Consume the CQEs that come into tags[] (their user_data), at most max:
 * each wait lasts up to want_ms while fewer than want have come, then 1 ms.
 * Every CQE must have res 0. Returns how many came.
 */
unsigned t_collect_tags(struct io_uring *ring, __u64 *tags, unsigned max,
			unsigned want, long want_ms);

/* CLOCK_MONOTONIC in milliseconds. */
long long t_now_ms(void);
/* The smallest power of two >= v (1 for 0). */
unsigned t_roundup_pow2(unsigned v);
/*
 * Whether the running kernel's release (uname) is at least major.minor;
 * if_unknown when the release cannot be read.
 */
bool t_kernel_at_least(int major, int minor, bool if_unknown);

#endif
