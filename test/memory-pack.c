/* SPDX-License-Identifier: MIT */
/*
 * memory-pack: several rings packed back to back in one region, each
 * placed at the byte count io_uring_queue_init_mem() returned for the one
 * before (a multiple of the page size, so every start stays page
 * aligned). All of them work at the same time (interleaved NOPs and real
 * file reads), a ring that does not fit in what is left is refused with
 * -ENOMEM without touching it, the rings are torn down in a scrambled
 * order with the others still working, and nothing outside the packed
 * part is ever written.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test.h"

#define CANARY	0xc3
#define SLACK	3		/* pages after the packed rings */
#define FILE_LEN (256 * 1024)
#define READ_LEN 4096

struct cfg {
	unsigned entries;
	unsigned flags;
	unsigned cq;
};

static size_t page;

static void check_canary(const unsigned char *p, size_t len, const char *what)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != CANARY)
			t_fail("%s: byte %zu of %zu is 0x%02x", what, i, len,
			       p[i]);
}

/* user_data: ring number in the top half, sequence number in the bottom. */
static __u64 tag(unsigned r, unsigned seq)
{
	return ((__u64) (r + 1) << 32) | seq;
}

/* Queue n NOPs on ring r (not submitted). */
static void queue_nops(struct io_uring *ring, unsigned r, unsigned n,
		       unsigned *seq)
{
	for (unsigned i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		ASSERT_NOT_NULL(sqe);
		io_uring_prep_nop(sqe);
		sqe->user_data = tag(r, (*seq)++);
	}
}

/* Queue one read of READ_LEN bytes at off (not submitted). */
static void queue_read(struct io_uring *ring, unsigned r, int fd, void *buf,
		       off_t off)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	ASSERT_NOT_NULL(sqe);
	io_uring_prep_read(sqe, fd, buf, READ_LEN, (__u64) off);
	sqe->user_data = tag(r, 0xffffffffU);
}

/*
 * Reap want CQEs from ring r: each must carry r's tag; NOPs succeed, the
 * read returns READ_LEN bytes of the file's pattern at off.
 */
static void reap(struct io_uring *ring, unsigned r, unsigned want,
		 const unsigned char *rbuf, off_t off)
{
	for (unsigned i = 0; i < want; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(ring);

		if (cqe->user_data >> 32 != r + 1)
			t_fail("ring %u got a CQE of ring %llu", r,
			       (unsigned long long) (cqe->user_data >> 32) - 1);
		if ((cqe->user_data & 0xffffffffU) == 0xffffffffU) {
			size_t bad;

			ASSERT_EQ(cqe->res, READ_LEN);
			bad = t_check_fill(rbuf, READ_LEN, (size_t) off, 7);
			if (bad != READ_LEN)
				t_fail("ring %u: read at %lld wrong at byte %zu",
				       r, (long long) off, bad);
		} else {
			ASSERT_EQ(cqe->res, 0);
		}
		io_uring_cqe_seen(ring, cqe);
	}
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
}

int main(void)
{
	struct cfg cfgs[] = {
		{ 16, 0, 0 },
		{ 64, IORING_SETUP_SQE128, 0 },
		{ 32, IORING_SETUP_CQE32 | IORING_SETUP_SINGLE_ISSUER |
		      IORING_SETUP_DEFER_TASKRUN, 0 },
		{ 100, IORING_SETUP_NO_SQARRAY | IORING_SETUP_CQSIZE, 1000 },
		{ 8, IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG, 0 },
		{ 1000, IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |
			IORING_SETUP_CLAMP, 0 },
	};
	enum { NR = sizeof(cfgs) / sizeof(cfgs[0]) };
	static const unsigned exit_order[NR] = { 2, 0, 5, 3, 1, 4 };
	struct io_uring rings[NR];
	unsigned char *region, *buf, *rbufs;
	ssize_t sizes[NR], total = 0, used = 0;
	size_t region_len, avail;
	unsigned seq[NR] = { 0 };
	bool alive[NR];
	char path[512];
	int fds, maps, fd;

	page = (size_t) sysconf(_SC_PAGESIZE);
	t_require_setup_flags(IORING_SETUP_NO_MMAP);
	/* The fifth ring shows off mixed CQEs where the kernel has them. */
	if (t_kernel_has_setup_flags(IORING_SETUP_CQE_MIXED))
		cfgs[4].flags |= IORING_SETUP_CQE_MIXED;

	for (unsigned i = 0; i < NR; i++) {
		struct io_uring_params p;

		memset(&p, 0, sizeof(p));
		p.flags = cfgs[i].flags;
		p.cq_entries = cfgs[i].cq;
		sizes[i] = io_uring_memory_size_params(cfgs[i].entries, &p);
		ASSERT_GT(sizes[i], 0);
		ASSERT_EQ(sizes[i] % (ssize_t) page, 0);
		total += sizes[i];
	}
	printf("%d rings packed in %zd bytes:", NR, total);
	for (unsigned i = 0; i < NR; i++)
		printf(" %zd", sizes[i]);
	printf("\n");

	snprintf(path, sizeof(path), "%s/data", t_tmpdir());
	fd = t_create_file(path, FILE_LEN, 7);
	rbufs = aligned_alloc(page, NR * READ_LEN);
	ASSERT_NOT_NULL(rbufs);

	/* guard page | packed rings | SLACK canary pages | guard page */
	region_len = (size_t) total + (SLACK + 2) * page;
	region = mmap(NULL, region_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	ASSERT(region != MAP_FAILED);
	buf = region + page;
	ASSERT_EQ(mprotect(buf, (size_t) total + SLACK * page,
			   PROT_READ | PROT_WRITE), 0);
	memset(buf, CANARY, (size_t) total + SLACK * page);
	avail = (size_t) total + SLACK * page;

	fds = t_count_fds();
	maps = t_count_maps();
	for (unsigned i = 0; i < NR; i++) {
		struct io_uring_params p;
		int ret;

		memset(&p, 0, sizeof(p));
		p.flags = cfgs[i].flags;
		p.cq_entries = cfgs[i].cq;
		/* Offer everything that is left: it must take only its share. */
		ret = io_uring_queue_init_mem(cfgs[i].entries, &rings[i], &p,
					      buf + used, avail - (size_t) used);
		if (ret != sizes[i])
			t_fail("ring %u at offset %zd: io_uring_queue_init_mem = "
			       "%d, want %zd", i, used, ret, sizes[i]);
		alive[i] = true;
		used += ret;
		/* Nothing past the rings placed so far has been touched. */
		check_canary(buf + used, avail - (size_t) used,
			     "memory after the packed rings");
	}
	ASSERT_EQ(used, total);
	ASSERT_EQ(t_count_fds(), fds + NR);

	/* A ring too big for the slack that is left: refused, untouched. */
	{
		struct io_uring extra;
		struct io_uring_params p;

		memset(&p, 0, sizeof(p));
		ASSERT_GT(io_uring_memory_size_params(4096, &p),
			  (ssize_t) (SLACK * page));
		memset(&p, 0, sizeof(p));
		ASSERT_EQ(io_uring_queue_init_mem(4096, &extra, &p, buf + used,
						  SLACK * page), -ENOMEM);
		ASSERT_EQ(extra.ring_fd, -1);
		ASSERT_EQ(t_count_fds(), fds + NR);
		check_canary(buf + used, SLACK * page, "slack after a refusal");
	}

	/* All rings at once: NOPs and a read on each, submitted interleaved. */
	for (unsigned round = 0; round < 4; round++) {
		for (unsigned i = 0; i < NR; i++) {
			unsigned n = rings[i].sq.ring_entries - 1;

			queue_nops(&rings[i], i, n, &seq[i]);
			queue_read(&rings[i], i, fd, rbufs + i * READ_LEN,
				   (off_t) ((round * NR + i) * READ_LEN));
			ASSERT_EQ(io_uring_submit(&rings[i]), (int) n + 1);
		}
		for (unsigned i = 0; i < NR; i++)
			reap(&rings[i], i, rings[i].sq.ring_entries,
			     rbufs + i * READ_LEN,
			     (off_t) ((round * NR + i) * READ_LEN));
	}
	check_canary(buf + total, SLACK * page, "slack after traffic");

	/* Tear down in a scrambled order; the rest keep working. */
	for (unsigned k = 0; k < NR; k++) {
		unsigned victim = exit_order[k];

		io_uring_queue_exit(&rings[victim]);
		alive[victim] = false;
		ASSERT_EQ(t_count_fds(), fds + NR - (int) k - 1);
		for (unsigned i = 0; i < NR; i++) {
			if (!alive[i])
				continue;
			queue_nops(&rings[i], i, 2, &seq[i]);
			queue_read(&rings[i], i, fd, rbufs + i * READ_LEN,
				   (off_t) (FILE_LEN - READ_LEN * (i + 1)));
			ASSERT_EQ(io_uring_submit(&rings[i]), 3);
			reap(&rings[i], i, 3, rbufs + i * READ_LEN,
			     (off_t) (FILE_LEN - READ_LEN * (i + 1)));
		}
	}
	ASSERT_EQ(t_count_fds(), fds);
	ASSERT_EQ(t_count_maps(), maps);
	check_canary(buf + total, SLACK * page, "slack after exit");

	/* The region is ours again: reusable for a fresh ring at once. */
	{
		struct io_uring again;
		struct io_uring_params p;

		memset(&p, 0, sizeof(p));
		ASSERT_EQ(io_uring_queue_init_mem(16, &again, &p, buf,
						  (size_t) total),
			  sizes[0]);
		queue_nops(&again, 0, 16, &seq[0]);
		ASSERT_EQ(io_uring_submit(&again), 16);
		reap(&again, 0, 16, NULL, 0);
		io_uring_queue_exit(&again);
	}
	munmap(region, region_len);
	free(rbufs);
	close(fd);
	return T_EXIT_PASS;
}
