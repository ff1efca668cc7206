/* SPDX-License-Identifier: MIT */
/*
 * memory-matrix: io_uring_memory_size_params() and io_uring_queue_init_mem()
 * as a property test over the setup-flag matrix.
 *
 * Flags: SQE128, CQE32, CQSIZE, CLAMP, NO_SQARRAY, SQPOLL, DEFER_TASKRUN,
 * SINGLE_ISSUER, COOP_TASKRUN, TASKRUN_FLAG, and CQE_MIXED / SQE_MIXED where
 * the running kernel has them. Every subset is offered to the kernel by a
 * plain (kernel-allocated, mmap) io_uring_setup(); the kernel's verdict is
 * the reference.
 *
 * For each case (flags, entries, cq_entries), in a forked child so that a
 * crash is one reported failure and not the end of the run:
 *  - kernel refuses: io_uring_memory_size_params() must fail with the same
 *    errno, and io_uring_queue_init_mem() too, creating nothing.
 *  - kernel accepts: the sizes of its two regions are measured on the live
 *    ring (mmap of IORING_OFF_SQ_RING / IORING_OFF_SQES, mincore() says how
 *    many pages the kernel put in); io_uring_memory_size_params() must be
 *    their sum. Then the ring is built by io_uring_queue_init_mem() in
 *    exactly that many bytes between two PROT_NONE guard pages; it must
 *    return the size, lay the SQEs and rings where the kernel measured them,
 *    zero what it uses, and carry a workload that fills the SQ completely
 *    (the upper half of 128-byte SQEs written too) round after round until
 *    more CQEs than the CQ holds have been posted, each user_data counted
 *    exactly once, 32-byte CQEs checked. A buffer one byte short and one
 *    page short must get -ENOMEM with nothing created and nothing written.
 *
 * Sampling keeps the run short: every valid flag subset runs once, and the
 * subsets without task-running flags run over the entry and CQ samples
 * (thinned out where a case is costly, and more so under a sanitizer).
 * "-a" runs every sample for every valid subset; "-v" lists the cases and
 * the slowest; "-1 ENTRIES FLAGS CQ" runs one case in this process.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "test.h"

#define CANARY		0xa5
#define CANARY32	0xa5a5a5a5U
#define SQE_HI_FILL	0x5a
#define CASE_TIMEOUT	60	/* seconds, per child */
#define MAX_GROUPS	64

/*
 * Under AddressSanitizer every case costs ten times as much (fork alone
 * copies the page tables of the shadow memory): the size-only subsets
 * then run a rotating tenth of their entry samples, and a child runs
 * several accepted cases in turn, so the run fits in the test runner's
 * time limit.
 */
#if defined(__SANITIZE_ADDRESS__)
#define UK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UK_ASAN 1
#endif
#endif
#ifdef UK_ASAN
#define THIN		10
#define SHARED_CHILD	16	/* accepted cases per child, too */
#else
#define THIN		1
#define SHARED_CHILD	1
#endif
#define EXAMPLES	4

static size_t page;
static bool verbose;	/* -v */

struct flag_name {
	unsigned flag;
	const char *name;
};

static const struct flag_name flag_names[] = {
	{ IORING_SETUP_SQE128, "SQE128" },
	{ IORING_SETUP_CQE32, "CQE32" },
	{ IORING_SETUP_CQSIZE, "CQSIZE" },
	{ IORING_SETUP_CLAMP, "CLAMP" },
	{ IORING_SETUP_NO_SQARRAY, "NO_SQARRAY" },
	{ IORING_SETUP_SQPOLL, "SQPOLL" },
	{ IORING_SETUP_SINGLE_ISSUER, "SINGLE_ISSUER" },
	{ IORING_SETUP_DEFER_TASKRUN, "DEFER_TASKRUN" },
	{ IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN" },
	{ IORING_SETUP_TASKRUN_FLAG, "TASKRUN_FLAG" },
	{ IORING_SETUP_CQE_MIXED, "CQE_MIXED" },
	{ IORING_SETUP_SQE_MIXED, "SQE_MIXED" },
};
#define NR_FLAGS (sizeof(flag_names) / sizeof(flag_names[0]))

/* Flags that change the memory layout; the rest change only behaviour. */
#define SIZE_FLAGS (IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |		\
		    IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP |		\
		    IORING_SETUP_NO_SQARRAY | IORING_SETUP_CQE_MIXED |	\
		    IORING_SETUP_SQE_MIXED)

struct tcase {
	unsigned entries;
	unsigned flags;
	unsigned cq;		/* p.cq_entries, with CQSIZE */
	bool light;		/* same geometry ran already: one round only */
	bool batch;		/* cheap: may share a child with others */
};

static char case_desc[256];

static void describe(const struct tcase *c, char *buf, size_t len)
{
	size_t off;

	off = (size_t) snprintf(buf, len, "entries %u", c->entries);
	if (c->flags & IORING_SETUP_CQSIZE)
		off += (size_t) snprintf(buf + off, len - off, " cq_entries %u",
					 c->cq);
	off += (size_t) snprintf(buf + off, len - off, " flags ");
	if (!c->flags)
		snprintf(buf + off, len - off, "0");
	for (size_t i = 0, first = 1; i < NR_FLAGS && off < len; i++) {
		if (!(c->flags & flag_names[i].flag))
			continue;
		off += (size_t) snprintf(buf + off, len - off, "%s%s",
					 first ? "" : "|", flag_names[i].name);
		first = 0;
	}
}

/*
 * A failed check that lets the case go on, so that one case can report
 * several independent problems. The child exits 1 at the end if any.
 */
static int soft_failures;

#define SOFT_FAIL(...) do {						\
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);		\
	fprintf(stderr, __VA_ARGS__);					\
	fprintf(stderr, "\n");						\
	soft_failures++;						\
} while (0)

/*
 * Open fds, like t_count_fds() but without opendir()'s malloc: under
 * AddressSanitizer any allocation may add a mapping and so upset the
 * mapping counts compared around io_uring_queue_init_mem().
 */
static int count_fds(void)
{
	char buf[4096];
	long r;
	int fd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int n = 0;

	if (fd < 0)
		t_fail("open(/proc/self/fd): %s", strerror(errno));
	while ((r = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < r;) {
			const char *name = buf + off + 19;	/* d_name */

			if (name[0] != '.')
				n++;
			off += *(unsigned short *) (buf + off + 16);	/* d_reclen */
		}
	close(fd);
	return n - 1;	/* our own fd on the directory */
}

static size_t align_page(size_t v)
{
	return (v + page - 1) & ~(page - 1);
}

/*
 * Pages in the region at off of a kernel-allocated ring. Linux 6.18 maps
 * at most the region's pages into a longer mapping and leaves the rest
 * empty (older kernels refused a longer mapping instead); mincore() tells
 * which pages are present without faulting on the others.
 */
static size_t region_pages(int fd, off_t off, size_t max_pages)
{
	size_t len = max_pages * page, n = 0;
	unsigned char *vec = malloc(max_pages);
	void *p;

	ASSERT_NOT_NULL(vec);
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
	if (p == MAP_FAILED) {
		/* Refused as too long: find the longest length accepted. */
		for (n = 1; n <= max_pages; n++) {
			p = mmap(NULL, n * page, PROT_READ, MAP_SHARED, fd, off);
			if (p == MAP_FAILED)
				break;
			munmap(p, n * page);
		}
		free(vec);
		return n - 1;
	}
	ASSERT_EQ(mincore(p, len, vec), 0);
	while (n < max_pages && (vec[n] & 1))
		n++;
	for (size_t i = n; i < max_pages; i++)
		if (vec[i] & 1)
			t_fail("%s: region at 0x%lx: page %zu present after a "
			       "hole at %zu", case_desc, (unsigned long) off,
			       i, n);
	munmap(p, len);
	free(vec);
	if (n == max_pages)
		t_fail("%s: region at 0x%lx fills all %zu pages probed",
		       case_desc, (unsigned long) off, max_pages);
	return n;
}

/* A page-aligned RW area of len bytes between two PROT_NONE guard pages. */
static unsigned char *guarded(size_t len, unsigned char **region,
			      size_t *region_len)
{
	size_t rlen = align_page(len) + 2 * page;
	unsigned char *r = mmap(NULL, rlen, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED)
		t_fail("%s: mmap(%zu): %s", case_desc, rlen, strerror(errno));
	if (len && mprotect(r + page, align_page(len),
			    PROT_READ | PROT_WRITE))
		t_fail("%s: mprotect: %s", case_desc, strerror(errno));
	*region = r;
	*region_len = rlen;
	return r + page;
}

static void check_bytes(const unsigned char *p, size_t len, unsigned char want,
			const char *what)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != want) {
			SOFT_FAIL("%s: %s: byte %zu of %zu is 0x%02x, want "
				  "0x%02x", case_desc, what, i, len, p[i], want);
			return;
		}
}

/*
 * io_uring_queue_init_mem() must fail with want and leave nothing behind:
 * no fd, no mapping, the ring reset, and (with keep_canary) not one byte
 * of the buffer written.
 */
static void expect_init_fail(const struct tcase *c, void *buf, size_t len,
			     int want, const char *what, bool keep_canary)
{
	struct io_uring_params p;
	struct io_uring ring;
	int fds = count_fds(), maps = t_count_maps(), ret;

	memset(&p, 0, sizeof(p));
	p.flags = c->flags;
	p.cq_entries = c->cq;
	memset(&ring, 0x5c, sizeof(ring));
	ret = io_uring_queue_init_mem(c->entries, &ring, &p, buf, len);
	if (ret != want) {
		SOFT_FAIL("%s: %s: io_uring_queue_init_mem = %d (%s), want "
			  "%d (%s)", case_desc, what, ret,
			  ret < 0 ? strerror(-ret) : "success", want,
			  strerror(-want));
		if (ret >= 0) {
			io_uring_queue_exit(&ring);
			return;
		}
	}
	if (count_fds() != fds)
		SOFT_FAIL("%s: %s: fd count %d -> %d", case_desc, what, fds,
			  count_fds());
	if (t_count_maps() != maps)
		SOFT_FAIL("%s: %s: mapping count %d -> %d", case_desc, what,
			  maps, t_count_maps());
	if (ring.ring_fd != -1)
		SOFT_FAIL("%s: %s: ring.ring_fd = %d after failure, want -1",
			  case_desc, what, ring.ring_fd);
	if (keep_canary && len)
		check_bytes(buf, len, CANARY, "buffer written by a failed init");
	io_uring_queue_exit(&ring);	/* must be harmless */
	ASSERT_EQ(count_fds(), fds);
}

/* The workload: NOPs through the whole SQ, round after round. */
struct load {
	struct io_uring *ring;
	unsigned sq, cq;
	bool sqe128, cqe32, mixed, big_ok;
	__u64 base;
	unsigned total, next, reaped;
	unsigned long outstanding;	/* worst-case CQ slots of unreaped CQEs */
	unsigned char *seen;
};

/* Every fourth NOP posts a 32-byte CQE (plain 16-byte ones otherwise). */
static bool is_big(const struct load *l, unsigned idx)
{
	return l->big_ok && idx % 4 == 1;
}

/* CQ slots a CQE can take: a big CQE in a mixed ring may need a filler. */
static unsigned worst_slots(const struct load *l, unsigned idx)
{
	return l->mixed && is_big(l, idx) ? 3 : 1;
}

static __u64 extra1(unsigned idx)
{
	return 0x1111000000000000ULL | idx;
}

static __u64 extra2(unsigned idx)
{
	return 0x2222000000000000ULL | ((__u64) idx << 8);
}

static void reap_one(struct load *l)
{
	struct io_uring_cqe *cqe = t_wait_cqe(l->ring);
	__u64 ud = cqe->user_data;
	unsigned idx;
	bool big;

	if (ud < l->base || ud >= l->base + l->next)
		t_fail("%s: CQE with user_data 0x%llx outside the %u submitted",
		       case_desc, (unsigned long long) ud, l->next);
	idx = (unsigned) (ud - l->base);
	if (l->seen[idx])
		t_fail("%s: user_data %u completed twice", case_desc, idx);
	l->seen[idx] = 1;
	if (cqe->res != 0)
		t_fail("%s: NOP %u: res %d", case_desc, idx, cqe->res);
	big = is_big(l, idx);
	if (l->mixed && !!(cqe->flags & IORING_CQE_F_32) != big)
		t_fail("%s: NOP %u: F_32 is %d in a mixed CQ, want %d",
		       case_desc, idx, !!(cqe->flags & IORING_CQE_F_32), big);
	if (l->cqe32 || (l->mixed && big)) {
		__u64 w1 = big ? extra1(idx) : 0, w2 = big ? extra2(idx) : 0;

		if (cqe->big_cqe[0] != w1 || cqe->big_cqe[1] != w2)
			t_fail("%s: NOP %u: big_cqe = 0x%llx 0x%llx, want "
			       "0x%llx 0x%llx", case_desc, idx,
			       (unsigned long long) cqe->big_cqe[0],
			       (unsigned long long) cqe->big_cqe[1],
			       (unsigned long long) w1, (unsigned long long) w2);
	}
	l->outstanding -= worst_slots(l, idx);
	l->reaped++;
	io_uring_cqe_seen(l->ring, cqe);
}

/* SQPOLL: the thread may not have moved the SQ head yet; wait until it has. */
static void wait_sq_empty(struct load *l)
{
	struct timespec t0, t;

	if (!(l->ring->flags & IORING_SETUP_SQPOLL))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (io_uring_sq_space_left(l->ring) < l->sq) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10)
			t_fail("%s: SQPOLL thread left %u SQEs unconsumed",
			       case_desc, l->sq - io_uring_sq_space_left(l->ring));
		sched_yield();
	}
}

static void one_round(struct load *l)
{
	struct io_uring_sqe *sqe;
	unsigned n = 0, first = l->next;
	unsigned long need = 0;

	for (unsigned i = 0; i < l->sq; i++)
		need += worst_slots(l, first + i);
	/* Reap lazily: only as much as this round needs, so the CQ fills. */
	while (l->outstanding + need > l->cq)
		reap_one(l);
	wait_sq_empty(l);

	while ((sqe = io_uring_get_sqe(l->ring))) {
		unsigned idx = l->next++;

		if (idx >= l->total)
			t_fail("%s: more SQEs than the SQ holds (%u)",
			       case_desc, l->sq);
		io_uring_prep_nop(sqe);
		sqe->user_data = l->base + idx;
		if (is_big(l, idx)) {
			sqe->nop_flags = IORING_NOP_CQE32;
			sqe->off = extra1(idx);
			sqe->addr = extra2(idx);
		}
		if (l->sqe128)
			memset((char *) sqe + 64, SQE_HI_FILL, 64);
		l->outstanding += worst_slots(l, idx);
		n++;
	}
	if (n != l->sq)
		t_fail("%s: the SQ took %u SQEs, want %u", case_desc, n, l->sq);
	{
		int ret = io_uring_submit(l->ring);

		if (ret != (int) n)
			t_fail("%s: io_uring_submit = %d, want %u", case_desc,
			       ret, n);
	}
}

static void workload(struct io_uring *ring, const struct tcase *c, bool nop32)
{
	struct load l;
	unsigned sq = ring->sq.ring_entries, cq = ring->cq.ring_entries;
	unsigned long total;

	memset(&l, 0, sizeof(l));
	l.ring = ring;
	l.sq = sq;
	l.cq = cq;
	l.sqe128 = c->flags & IORING_SETUP_SQE128;
	l.cqe32 = c->flags & IORING_SETUP_CQE32;
	l.mixed = c->flags & IORING_SETUP_CQE_MIXED;
	/* A full round of the worst case must fit in an empty CQ. */
	l.big_ok = nop32 && (l.cqe32 ||
			     (l.mixed && sq + 2UL * ((sq + 3) / 4) <= cq));
	l.base = 0x5eed000000ULL;

	/* Past the CQ's capacity plus two SQs, at least three rounds. */
	total = (unsigned long) cq + 2UL * sq;
	total = (total + sq - 1) / sq * sq;
	if (total < 3UL * sq)
		total = 3UL * sq;
	if (c->light)
		total = sq;
	l.total = (unsigned) total;
	/* mmap, not malloc: a heap created here would show in the
	 * mapping count compared after io_uring_queue_exit(). */
	l.seen = mmap(NULL, l.total, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT(l.seen != MAP_FAILED);

	while (l.next < l.total)
		one_round(&l);
	while (l.reaped < l.next)
		reap_one(&l);

	ASSERT_EQ(l.reaped, l.total);
	for (unsigned i = 0; i < l.total; i++)
		if (!l.seen[i])
			t_fail("%s: NOP %u never completed", case_desc, i);
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
	if (*ring->cq.koverflow)
		t_fail("%s: CQ overflow count %u", case_desc,
		       *ring->cq.koverflow);
	if (*ring->sq.kdropped)
		t_fail("%s: SQ dropped count %u", case_desc, *ring->sq.kdropped);
	munmap(l.seen, l.total);
}

/*
 * Right after io_uring_queue_init_mem(): the SQE region reads zero, the
 * CQEs read zero, the SQ index array (if any) is the identity, and no
 * word of the rings region still holds the canary.
 */
static void check_fresh(struct io_uring *ring, const struct io_uring_params *p,
			unsigned char *buf, size_t size, size_t sqe_bytes)
{
	unsigned char *rings = buf + sqe_bytes;
	size_t cqe_size = sizeof(struct io_uring_cqe) <<
			  io_uring_cqe_shift_from_flags(p->flags);
	size_t cq_end = p->cq_off.cqes + (size_t) p->cq_entries * cqe_size;
	size_t end = cq_end;

	check_bytes(buf, sqe_bytes, 0, "SQE region after init");
	check_bytes(rings + p->cq_off.cqes, cq_end - p->cq_off.cqes, 0,
		    "CQE array after init");
	if (!(p->flags & IORING_SETUP_NO_SQARRAY)) {
		const unsigned *arr = (const unsigned *) (rings + p->sq_off.array);

		check_bytes(rings + cq_end, p->sq_off.array - cq_end, 0,
			    "padding before the SQ array");
		for (unsigned i = 0; i < p->sq_entries; i++)
			if (arr[i] != i) {
				SOFT_FAIL("%s: sq array[%u] = %u", case_desc, i,
					  arr[i]);
				break;
			}
		end = p->sq_off.array + (size_t) p->sq_entries * 4;
	}
	if (end > size - sqe_bytes)
		SOFT_FAIL("%s: kernel layout ends at %zu, past the rings region "
			  "of %zu bytes", case_desc, end, size - sqe_bytes);
	else
		check_bytes(rings + end, size - sqe_bytes - end, 0,
			    "tail of the rings region");
	for (size_t i = 0; i + 4 <= (size_t) p->cq_off.cqes; i += 4)
		if (*(const unsigned *) (rings + i) == CANARY32)
			SOFT_FAIL("%s: ring header word at %zu not zeroed",
				  case_desc, i);
	ASSERT_EQ(*ring->sq.khead, 0);
	ASSERT_EQ(*ring->sq.ktail, 0);
	ASSERT_EQ(*ring->cq.khead, 0);
	ASSERT_EQ(*ring->cq.ktail, 0);
}

static bool have_nop32;

/* The whole check of one case; runs in a child (failures: see SOFT_FAIL). */
static void run_case(const struct tcase *c)
{
	struct io_uring_params p, kp;
	struct io_uring ring;
	unsigned char *buf, *region;
	size_t region_len, rings_pg, sqes_pg, probe;
	ssize_t size;
	int kfd, ret, fds, maps;

	describe(c, case_desc, sizeof(case_desc));

	memset(&p, 0, sizeof(p));
	p.flags = c->flags;
	p.cq_entries = c->cq;
	size = io_uring_memory_size_params(c->entries, &p);
	if (p.flags != c->flags || p.cq_entries != c->cq || p.sq_entries)
		SOFT_FAIL("%s: io_uring_memory_size_params modified *p",
			  case_desc);
	if (!(c->flags & IORING_SETUP_CQSIZE) &&
	    io_uring_memory_size(c->entries, c->flags) != size)
		SOFT_FAIL("%s: io_uring_memory_size = %zd, _params = %zd",
			  case_desc, io_uring_memory_size(c->entries, c->flags),
			  size);

	/* The reference: the kernel, with memory it allocates itself. */
	memset(&kp, 0, sizeof(kp));
	kp.flags = c->flags;
	kp.cq_entries = c->cq;
	kfd = io_uring_setup(c->entries, &kp);
	if (kfd == -ENOMEM)
		t_skip("%s: the kernel is short of memory", case_desc);

	if (kfd < 0) {
		size_t len = size > 0 ? (size_t) size : 16 * page;

		if (size >= 0)
			SOFT_FAIL("%s: the kernel refuses these parameters "
				  "(%d, %s) but io_uring_memory_size_params "
				  "returns %zd", case_desc, kfd,
				  strerror(-kfd), size);
		else if (size != kfd)
			SOFT_FAIL("%s: io_uring_memory_size_params = %zd (%s), "
				  "the kernel says %d (%s)", case_desc, size,
				  strerror((int) -size), kfd, strerror(-kfd));
		buf = guarded(len, &region, &region_len);
		memset(buf, CANARY, len);
		expect_init_fail(c, buf, len, kfd, "refused parameters",
				 false);
		munmap(region, region_len);
		return;
	}

	probe = (size > 0 ? (size_t) size / page : 0) + 16;
	rings_pg = region_pages(kfd, IORING_OFF_SQ_RING, probe);
	sqes_pg = region_pages(kfd, IORING_OFF_SQES, probe);
	close(kfd);
	if (size != (ssize_t) ((rings_pg + sqes_pg) * page)) {
		SOFT_FAIL("%s: io_uring_memory_size_params = %zd, kernel "
			  "regions = %zu (rings %zu pages + SQEs %zu pages)",
			  case_desc, size, (rings_pg + sqes_pg) * page,
			  rings_pg, sqes_pg);
		return;
	}

	/* Exactly size bytes between guard pages. */
	buf = guarded((size_t) size, &region, &region_len);
	memset(buf, CANARY, (size_t) size);
	fds = count_fds();
	maps = t_count_maps();
	memset(&p, 0, sizeof(p));
	p.flags = c->flags;
	p.cq_entries = c->cq;
	ret = io_uring_queue_init_mem(c->entries, &ring, &p, buf,
				      (size_t) size);
	if (ret != size)
		t_fail("%s: io_uring_queue_init_mem into exactly %zd bytes = "
		       "%d (%s)", case_desc, size, ret,
		       ret < 0 ? strerror(-ret) : "wrong size");
	ASSERT_NE(p.flags & IORING_SETUP_NO_MMAP, 0);
	ASSERT_EQ(p.sq_entries, kp.sq_entries);
	ASSERT_EQ(p.cq_entries, kp.cq_entries);
	ASSERT_EQ(ring.sq.ring_entries, kp.sq_entries);
	ASSERT_EQ(ring.cq.ring_entries, kp.cq_entries);
	/* SQEs first, rings after, both where the kernel measured them. */
	ASSERT(ring.sq.sqes == (void *) buf);
	ASSERT(ring.sq.ring_ptr == (void *) (buf + sqes_pg * page));
	ASSERT(ring.cq.cqes == (void *) (buf + sqes_pg * page +
					 p.cq_off.cqes));
	ASSERT_EQ(count_fds(), fds + 1);
	check_fresh(&ring, &p, buf, (size_t) size, sqes_pg * page);

	workload(&ring, c, have_nop32);

	io_uring_queue_exit(&ring);
	ASSERT_EQ(count_fds(), fds);
	ASSERT_EQ(t_count_maps(), maps);
	munmap(region, region_len);

	/* One byte short: -ENOMEM, and not a byte of the buffer touched. */
	buf = guarded((size_t) size, &region, &region_len);
	memset(buf, CANARY, (size_t) size);
	expect_init_fail(c, buf, (size_t) size - 1, -ENOMEM, "one byte short",
			 true);
	/* Unaligned and NULL buffers: -EINVAL. */
	expect_init_fail(c, buf + 64, (size_t) size - 64, -EINVAL,
			 "unaligned buffer", true);
	expect_init_fail(c, NULL, (size_t) size, -EINVAL, "NULL buffer",
			 false);
	munmap(region, region_len);

	/* One page short, with the guard page right after the short buffer. */
	buf = guarded((size_t) size - page, &region, &region_len);
	memset(buf, CANARY, (size_t) size - page);
	expect_init_fail(c, buf, (size_t) size - page, -ENOMEM,
			 "one page short", true);
	munmap(region, region_len);
}

/* ---- the parent: children, report -------------------------------------- */

static struct tcase *cases;
static size_t nr_cases, cap_cases;

struct group {
	char key[96];		/* "file:line" of the failed check */
	unsigned count;
	char example[EXAMPLES][512];
};

static struct group groups[MAX_GROUPS];
static unsigned nr_groups, nr_failed_cases, nr_passed, nr_skipped;

static void record(const char *key, const char *line)
{
	struct group *g = NULL;

	if (verbose)
		printf("FAIL %s\n", line);
	for (unsigned i = 0; i < nr_groups; i++)
		if (!strcmp(groups[i].key, key))
			g = &groups[i];
	if (!g) {
		g = &groups[nr_groups < MAX_GROUPS ? nr_groups++ :
			    MAX_GROUPS - 1];
		if (!g->key[0])
			snprintf(g->key, sizeof(g->key), "%s", key);
	}
	if (g->count < EXAMPLES)
		snprintf(g->example[g->count], sizeof(g->example[0]), "%s",
			 line);
	g->count++;
}

/*
 * A job is a child running cases [first, first + count) one after the
 * other; it prints "case: <description>" before each, so every FAIL line
 * it prints belongs to the case named last.
 */
struct job {
	pid_t pid;
	int fd;
	size_t first, count;
	char *out;
	size_t len, cap;
	struct timespec start;
	struct rusage ru;
};

static void digest(struct job *j, int status)
{
	char key[96], line[640], *s, *save = NULL;
	const char *cur = "?";
	size_t seen = 0, failed = 0, skipped = 0;
	bool cur_failed = false;

	for (s = strtok_r(j->out, "\n", &save); s;
	     s = strtok_r(NULL, "\n", &save)) {
		const char *colon;

		if (!strncmp(s, "case: ", 6)) {
			failed += cur_failed;
			cur_failed = false;
			cur = s + 6;
			seen++;
		} else if (!strncmp(s, "skip: ", 6)) {
			skipped++;
		} else if (!strncmp(s, "FAIL ", 5)) {
			colon = strchr(s + 5, ':');
			colon = colon ? strchr(colon + 1, ':') : NULL;
			snprintf(key, sizeof(key), "%.*s",
				 colon ? (int) (colon - s - 5) : 40, s + 5);
			snprintf(line, sizeof(line), "[%s] %s", cur, s + 5);
			record(key, line);
			cur_failed = true;
		}
	}
	if (WIFSIGNALED(status)) {
		snprintf(key, sizeof(key), "killed by signal %d",
			 WTERMSIG(status));
		snprintf(line, sizeof(line), "[%s] %s%s", cur,
			 strsignal(WTERMSIG(status)),
			 WTERMSIG(status) == SIGALRM ? " (timed out)" : "");
		record(key, line);
		cur_failed = true;
	} else if (WEXITSTATUS(status) == T_EXIT_FAIL && !cur_failed &&
		   !failed) {
		snprintf(line, sizeof(line), "[%s] exit 1 without a message",
			 cur);
		record("exit without message", line);
		cur_failed = true;
	}
	failed += cur_failed;
	if (skipped) {
		/* t_skip() ends the child: the rest of its cases did not run. */
		nr_skipped += (unsigned) (j->count - seen + skipped);
		seen -= skipped;
	} else if (seen < j->count) {
		snprintf(line, sizeof(line), "[after %s] %zu of the job's %zu "
			 "cases never ran", cur, j->count - seen, j->count);
		record("cases not run", line);
		nr_failed_cases += (unsigned) (j->count - seen);
	}
	nr_failed_cases += (unsigned) failed;
	nr_passed += (unsigned) (seen - failed);
}

static void job_start(struct job *j, size_t first, size_t count)
{
	int pfd[2];

	ASSERT_EQ(pipe2(pfd, O_CLOEXEC), 0);
	fflush(stdout);
	fflush(stderr);
	j->pid = fork();
	ASSERT_GE(j->pid, 0);
	if (!j->pid) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		alarm(CASE_TIMEOUT);
		for (size_t k = first; k < first + count; k++) {
			char d[256];

			describe(&cases[k], d, sizeof(d));
			printf("case: %s\n", d);
			fflush(stdout);
			run_case(&cases[k]);
			fflush(stdout);
			fflush(stderr);
		}
		exit(soft_failures ? T_EXIT_FAIL : T_EXIT_PASS);
	}
	close(pfd[1]);
	clock_gettime(CLOCK_MONOTONIC, &j->start);
	j->fd = pfd[0];
	j->first = first;
	j->count = count;
	j->len = 0;
	j->cap = 4096;
	j->out = malloc(j->cap);
	ASSERT_NOT_NULL(j->out);
}

/* The slowest jobs, for tuning the sample (-v). */
#define SLOWEST 8
static struct {
	double secs, cpu;
	size_t first;
} slowest[SLOWEST];

static void note_time(const struct job *j)
{
	struct timespec t;
	double secs, cpu;
	unsigned i;

	clock_gettime(CLOCK_MONOTONIC, &t);
	secs = (double) (t.tv_sec - j->start.tv_sec) +
	       (double) (t.tv_nsec - j->start.tv_nsec) / 1e9;
	cpu = (double) (j->ru.ru_utime.tv_sec + j->ru.ru_stime.tv_sec) +
	      (double) (j->ru.ru_utime.tv_usec + j->ru.ru_stime.tv_usec) / 1e6;
	if (!verbose)
		return;
	{
		char d[256];

		describe(&cases[j->first], d, sizeof(d));
		printf("job %.4f s %.4f cpu %zu cases from: %s\n", secs, cpu,
		       j->count, d);
	}
	for (i = 0; i < SLOWEST && slowest[i].cpu >= cpu; i++)
		;
	if (i == SLOWEST)
		return;
	memmove(&slowest[i + 1], &slowest[i],
		(SLOWEST - i - 1) * sizeof(slowest[0]));
	slowest[i].secs = secs;
	slowest[i].cpu = cpu;
	slowest[i].first = j->first;
}

/* Read what is there; at EOF reap the child and digest. Returns done. */
static bool job_read(struct job *j)
{
	int status;
	ssize_t r;

	if (j->len + 1024 > j->cap) {
		j->cap *= 2;
		j->out = realloc(j->out, j->cap);
		ASSERT_NOT_NULL(j->out);
	}
	r = read(j->fd, j->out + j->len, j->cap - j->len - 1);
	if (r > 0) {
		j->len += (size_t) r;
		return false;
	}
	close(j->fd);
	j->out[j->len] = 0;
	ASSERT_EQ(wait4(j->pid, &status, 0, &j->ru), j->pid);
	note_time(j);
	digest(j, status);
	free(j->out);
	j->pid = 0;
	return true;
}

/*
 * Run every case, a few children at a time. Cases marked batchable (the
 * cheap refusals) share a child, up to BATCH of them; the others run one
 * to a child (SHARED_CHILD under a sanitizer).
 */
#define BATCH 32
static void run_all(unsigned jobs)
{
	struct job js[8];
	struct pollfd pf[8];
	size_t next = 0, running = 0;

	memset(js, 0, sizeof(js));
	while (next < nr_cases || running) {
		unsigned np = 0, map[8];

		for (unsigned i = 0; i < jobs && next < nr_cases; i++) {
			size_t n = 1;

			if (js[i].pid)
				continue;
			while (next + n < nr_cases &&
			       cases[next + n].batch == cases[next].batch &&
			       n < (cases[next].batch ? BATCH : SHARED_CHILD))
				n++;
			job_start(&js[i], next, n);
			next += n;
			running++;
		}
		for (unsigned i = 0; i < jobs; i++) {
			if (!js[i].pid)
				continue;
			pf[np].fd = js[i].fd;
			pf[np].events = POLLIN;
			map[np++] = i;
		}
		if (poll(pf, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			t_fail("poll: %s", strerror(errno));
		}
		for (unsigned k = 0; k < np; k++)
			if (pf[k].revents && job_read(&js[map[k]]))
				running--;
	}
}

/* ---- the case list ------------------------------------------------------ */

/*
 * The SQ and CQ sizes the kernel will make of these parameters, or false
 * if it will refuse them. This only steers sampling (which cases may
 * share a child, which repeat a geometry); the checks ask the kernel.
 */
static bool geometry(unsigned entries, unsigned flags, unsigned cq,
		     unsigned *sq_out, unsigned *cq_out)
{
	unsigned sq;

	if (!entries || (entries > 32768 && !(flags & IORING_SETUP_CLAMP)))
		return false;
	sq = t_roundup_pow2(entries > 32768 ? 32768 : entries);
	if (flags & IORING_SETUP_CQSIZE) {
		if (!cq || (cq > 65536 && !(flags & IORING_SETUP_CLAMP)))
			return false;
		cq = t_roundup_pow2(cq > 65536 ? 65536 : cq);
		if (cq < sq)
			return false;
	} else {
		cq = 2 * sq;
	}
	*sq_out = sq;
	*cq_out = cq;
	return true;
}

/*
 * Whether a case with the same flags and geometry is already listed (and
 * if not, remember this one). Only the workload is cut for repeats: every
 * size check still runs.
 */
static bool seen_geometry(unsigned entries, unsigned flags, unsigned cq)
{
	static struct { unsigned flags, sq, cq; } *seen;
	static size_t nr, cap;
	unsigned sq;

	if (!geometry(entries, flags, cq, &sq, &cq))
		return false;
	for (size_t i = 0; i < nr; i++)
		if (seen[i].flags == flags && seen[i].sq == sq && seen[i].cq == cq)
			return true;
	if (nr == cap) {
		cap = cap ? 2 * cap : 256;
		seen = realloc(seen, cap * sizeof(*seen));
		ASSERT_NOT_NULL(seen);
	}
	seen[nr].flags = flags;
	seen[nr].sq = sq;
	seen[nr].cq = cq;
	nr++;
	return false;
}

static void add(unsigned entries, unsigned flags, unsigned cq, bool batch)
{
	if (nr_cases == cap_cases) {
		cap_cases = cap_cases ? 2 * cap_cases : 1024;
		cases = realloc(cases, cap_cases * sizeof(*cases));
		ASSERT_NOT_NULL(cases);
	}
	cases[nr_cases].entries = entries;
	cases[nr_cases].flags = flags;
	cases[nr_cases].cq = flags & IORING_SETUP_CQSIZE ? cq : 0;
	cases[nr_cases].light = seen_geometry(entries, flags, cq);
	cases[nr_cases].batch = batch;
	nr_cases++;
}

static const unsigned entry_samples[] = {
	1, 2, 3, 7, 64, 100, 1000, 4096, 32768, 40000,
};
#define NR_ENTRY_SAMPLES (sizeof(entry_samples) / sizeof(entry_samples[0]))

/* CQ sizes to try for an SQ of sq entries (the kernel judges each one). */
static unsigned cq_samples(unsigned sq, unsigned *out)
{
	unsigned n = 0;

	out[n++] = sq;			/* as small as allowed */
	out[n++] = sq + 1;		/* not a power of two: 2 * sq */
	out[n++] = 3 * sq + 5;		/* rounds up to 4 * sq */
	out[n++] = 65536;		/* the largest */
	out[n++] = 100000;		/* too large: refused, or CLAMPed */
	if (sq > 2)
		out[n++] = sq - 1;	/* rounds up to sq */
	if (sq >= 2)
		out[n++] = sq / 2;	/* too small: refused */
	out[n++] = 0;			/* refused */
	return n;
}

/* Rounds of a full SQ the workload needs: the run time of a case. */
static unsigned long rounds_of(unsigned entries, unsigned flags, unsigned cq)
{
	unsigned sq, c;

	if (!geometry(entries, flags, cq, &sq, &c))
		return 0;
	return (c + 2UL * sq) / sq;
}

/* Add a case, as a cheap batchable one if the kernel will refuse it. */
static void add_case(unsigned entries, unsigned flags, unsigned cq)
{
	unsigned sq, c;

	add(entries, flags, cq, !geometry(entries, flags, cq, &sq, &c));
}

/*
 * The entry and CQ samples for one flag subset (idx rotates the sampling
 * between subsets). Without "every", the costly ones are thinned out:
 * large SQs (MBs of ring to set up and fill) keep the smallest CQ, one
 * other CQ size in three and no repeated geometry; tiny SQs with a huge
 * CQ (tens of thousands of rounds) run for one subset in six.
 */
static void add_samples(unsigned flags, unsigned idx, bool every)
{
	for (unsigned e = 0; e < NR_ENTRY_SAMPLES; e++) {
		/* Sanitizer builds: a rotating 1 in THIN of the sizes. */
		if (!every && THIN > 1 && (idx + e) % THIN)
			continue;
		unsigned entries = entry_samples[e];
		unsigned sq = t_roundup_pow2(entries > 32768 ? 32768 : entries);
		unsigned cqs[8], n, s2, c2;

		if (!(flags & IORING_SETUP_CQSIZE)) {
			add_case(entries, flags, 0);
			continue;
		}
		n = cq_samples(sq, cqs);
		for (unsigned k = 0; k < n; k++) {
			bool valid = geometry(entries, flags, cqs[k], &s2, &c2);

			if (!every && valid && sq >= 4096 && k &&
			    ((idx + k) % 3 || seen_geometry(entries, flags,
							    cqs[k])))
				continue;
			if (!every && valid &&
			    rounds_of(entries, flags, cqs[k]) > 2048 &&
			    (idx + e + k) % 6)
				continue;
			add_case(entries, flags, cqs[k]);
		}
	}
	add_case(0, flags, 8);
}

int main(int argc, char **argv)
{
	unsigned bits[NR_FLAGS], nbits = 0, jobs;
	bool every = false;
	unsigned nr_valid = 0, nr_invalid = 0;
	struct timespec t0, t1;
	double secs;
	long ncpu;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-a"))
			every = true;
		else if (!strcmp(argv[i], "-v"))
			verbose = true;
		else if (!strcmp(argv[i], "-1") && i + 3 < argc) {
			/* One case, in this process: -1 entries flags cq */
			struct tcase c = {
				(unsigned) strtoul(argv[i + 1], NULL, 0),
				(unsigned) strtoul(argv[i + 2], NULL, 0),
				(unsigned) strtoul(argv[i + 3], NULL, 0), false, false,
			};

			page = (size_t) sysconf(_SC_PAGESIZE);
			have_nop32 = t_kernel_has_setup_flags(
					IORING_SETUP_CQE_MIXED);
			run_case(&c);
			return soft_failures ? T_EXIT_FAIL : T_EXIT_PASS;
		}
	}
	page = (size_t) sysconf(_SC_PAGESIZE);
	t_require_setup_flags(IORING_SETUP_NO_MMAP);
	have_nop32 = t_kernel_has_setup_flags(IORING_SETUP_CQE_MIXED);

	for (size_t i = 0; i < NR_FLAGS; i++) {
		unsigned f = flag_names[i].flag;

		/* Mixed sizes: only where the kernel has them (probe). */
		if ((f == IORING_SETUP_CQE_MIXED || f == IORING_SETUP_SQE_MIXED) &&
		    !t_kernel_has_setup_flags(f)) {
			printf("kernel lacks IORING_SETUP_%s: not in the matrix\n",
			       flag_names[i].name);
			continue;
		}
		bits[nbits++] = f;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned m = 0; m < (1U << nbits); m++) {
		struct io_uring_params p;
		unsigned flags = 0;
		int fd;

		for (unsigned b = 0; b < nbits; b++)
			if (m & (1U << b))
				flags |= bits[b];
		/* Ask the kernel whether the subset is valid at all. */
		memset(&p, 0, sizeof(p));
		p.flags = flags;
		p.cq_entries = 8;
		fd = io_uring_setup(4, &p);
		if (fd == -ENOSYS || fd == -EPERM)
			t_skip("io_uring unavailable: %s", strerror(-fd));
		if (fd < 0) {
			/* One case: the refusal must be matched. */
			nr_invalid++;
			add(4, flags, 8, true);
			continue;
		}
		close(fd);
		nr_valid++;
		if (every || !(flags & ~SIZE_FLAGS)) {
			add_samples(flags, m, every);
		} else if (THIN == 1 || every || m % 3 == 0) {
			/*
			 * Task-running variants: one rotating sample each (for
			 * a third of them under a sanitizer).
			 */
			unsigned e = entry_samples[m % NR_ENTRY_SAMPLES];
			unsigned sq = t_roundup_pow2(e > 32768 ? 32768 : e);
			unsigned cqs[8], n = cq_samples(sq, cqs);

			unsigned cq = cqs[(m / NR_ENTRY_SAMPLES) % n];

			/*
			 * SQPOLL rounds wait for the thread: keep to CQs a
			 * few SQs deep (the size-only subsets cover the rest).
			 */
			if ((flags & IORING_SETUP_SQPOLL) &&
			    rounds_of(e, flags, cq) > 64)
				cq = cqs[0];
			add_case(e, flags, cq);
		}
	}

	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	jobs = ncpu < 1 ? 1 : ncpu > 4 ? 4 : (unsigned) ncpu;
	printf("flag bits %u: %u subsets valid, %u refused by the kernel; "
	       "%zu cases, %u at a time%s\n", nbits, nr_valid, nr_invalid,
	       nr_cases, jobs,
	       THIN > 1 && !every ? " (thinned for a sanitizer build)" : "");
	fflush(stdout);

	run_all(jobs);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double) (t1.tv_sec - t0.tv_sec) +
	       (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%zu cases in %.1f s: %u passed, %u failed, %u skipped\n",
	       nr_cases, secs, nr_passed, nr_failed_cases, nr_skipped);
	if (verbose)
		for (unsigned i = 0; i < SLOWEST && slowest[i].cpu > 0; i++) {
			char d[256];

			describe(&cases[slowest[i].first], d, sizeof(d));
			printf("slow: %.3f s, %.3f s cpu: %s\n", slowest[i].secs,
			       slowest[i].cpu, d);
		}
	for (unsigned i = 0; i < nr_groups; i++) {
		printf("FAIL %s: %u times, e.g.\n", groups[i].key,
		       groups[i].count);
		for (unsigned k = 0; k < EXAMPLES && k < groups[i].count; k++)
			printf("    %s\n", groups[i].example[k]);
	}
	free(cases);
	return nr_failed_cases ? T_EXIT_FAIL : T_EXIT_PASS;
}
