/* SPDX-License-Identifier: MIT */
/*
 * init-mem: put an io_uring's rings in memory the application provides,
 * here a huge page.
 *
 *   init-mem [--no-huge] [ENTRIES]
 *
 * What it shows:
 *   - io_uring_memory_size_params() says exactly how many bytes the rings
 *     need for a set of setup flags (SQE128 doubles the SQEs, the CQ is
 *     twice the SQ, the SQ index array, headers and alignment);
 *   - that memory is taken from a 2 MiB huge page (MAP_HUGETLB), so the
 *     kernel maps the rings with one TLB entry; when no huge page is
 *     reserved (see /proc/sys/vm/nr_hugepages) it falls back to ordinary
 *     pages and asks for transparent huge pages instead (--no-huge forces
 *     the fallback);
 *   - io_uring_queue_init_mem() returns the bytes it used, and refuses
 *     memory that is one page too small with -ENOMEM instead of running
 *     over its end;
 *   - the ring works: a batch of NOPs goes through it.
 * Exit 0 when all of that held.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <liburing.h>

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif
#define HUGE_2MB	(2UL << 20)

int main(int argc, char **argv)
{
	/* The flag mix that once went wrong with hand-computed sizes. */
	struct io_uring_params p = {
		.flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG |
			 IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_SQE128 |
			 IORING_SETUP_CLAMP,
	};
	struct io_uring_params probe = p;
	unsigned int entries = 256, done = 0;
	bool huge = true;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	ssize_t need;
	size_t len;
	void *mem;
	int used, ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-huge"))
			huge = false;
		else
			entries = (unsigned int) atoi(argv[i]);
	}
	need = io_uring_memory_size_params(entries, &probe);
	if (need < 0) {
		fprintf(stderr, "init-mem: size: %s\n", strerror((int) -need));
		return 1;
	}

	len = ((size_t) need + HUGE_2MB - 1) & ~(HUGE_2MB - 1);
	mem = MAP_FAILED;
	if (huge)
		mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			   (21 << MAP_HUGE_SHIFT), -1, 0);
	if (mem == MAP_FAILED) {
		/* No huge page reserved: ordinary pages, THP if it can. */
		huge = false;
		len = ((size_t) need + 4095) & ~(size_t) 4095;
		mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED) {
			perror("init-mem: mmap");
			return 1;
		}
		madvise(mem, len, MADV_HUGEPAGE);
	}

	/* One page short: refused, nothing half-built. */
	ret = io_uring_queue_init_mem(entries, &ring, &p, mem,
				      (size_t) need - 4096);
	if (ret != -ENOMEM) {
		fprintf(stderr, "init-mem: too-small memory gave %d\n", ret);
		return 1;
	}
	memset(&p, 0, sizeof(p));
	p.flags = probe.flags;
	used = io_uring_queue_init_mem(entries, &ring, &p, mem, len);
	if (used < 0) {
		fprintf(stderr, "init-mem: %s\n", strerror(-used));
		return 1;
	}
	printf("ring of %u entries in %d of %zd bytes computed, %s memory\n",
	       p.sq_entries, used, need, huge ? "huge-page" : "ordinary-page");

	for (unsigned int i = 0; i < p.sq_entries; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, i + 1);
	}
	ret = io_uring_submit_and_wait(&ring, p.sq_entries);
	while (ret >= 0 && done < p.sq_entries &&
	       !io_uring_peek_cqe(&ring, &cqe)) {
		if (cqe->res != 0 || cqe->user_data != done + 1)
			ret = -EIO;
		io_uring_cqe_seen(&ring, cqe);
		done++;
	}
	io_uring_queue_exit(&ring);
	munmap(mem, len);
	if (ret < 0 || done != p.sq_entries || used != need) {
		fprintf(stderr, "init-mem: %u of %u NOPs; used %d, computed "
			"%zd\n", done, p.sq_entries, used, need);
		return 1;
	}
	printf("%u NOPs completed in order\n", done);
	return 0;
}
