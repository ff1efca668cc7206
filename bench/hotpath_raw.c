/* SPDX-License-Identifier: MIT */
/*
 * bench/hotpath_raw.c: the floor for bench/hotpath.c. The same loop with
 * no library at all: the rings are mmap'd and driven by hand, SQEs are
 * written with one struct store each, the kernel is entered with
 * syscall(__NR_io_uring_enter). Uses only the kernel's <linux/io_uring.h>.
 *
 *   hotpath-raw nop|read COUNT | -t SECONDS   (as bench/hotpath.c)
 */
#define _GNU_SOURCE
#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "hotpath_common.h"

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup	425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter	426
#endif

static struct {
	int fd;
	unsigned *sq_tail, sq_mask;
	struct io_uring_sqe *sqes;
	unsigned *cq_head, *cq_tail, cq_mask;
	struct io_uring_cqe *cqes;
} r;

static void raw_setup(void)
{
	struct io_uring_params p;
	size_t sq_len, cq_len;
	unsigned *array;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	r.fd = (int) syscall(__NR_io_uring_setup, HP_ENTRIES, &p);
	if (r.fd < 0)
		hp_die("io_uring_setup", errno);
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (cq_len > sq_len)
			sq_len = cq_len;
		cq_len = sq_len;
	}
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, r.fd, IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		hp_die("mmap sq", errno);
	cq = sq;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_POPULATE, r.fd, IORING_OFF_CQ_RING);
		if (cq == MAP_FAILED)
			hp_die("mmap cq", errno);
	}
	r.sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		      r.fd, IORING_OFF_SQES);
	if (r.sqes == MAP_FAILED)
		hp_die("mmap sqes", errno);
	r.sq_tail = (unsigned *) (sq + p.sq_off.tail);
	r.sq_mask = *(unsigned *) (sq + p.sq_off.ring_mask);
	array = (unsigned *) (sq + p.sq_off.array);
	for (unsigned i = 0; i < p.sq_entries; i++)
		array[i] = i;
	r.cq_head = (unsigned *) (cq + p.cq_off.head);
	r.cq_tail = (unsigned *) (cq + p.cq_off.tail);
	r.cq_mask = *(unsigned *) (cq + p.cq_off.ring_mask);
	r.cqes = (struct io_uring_cqe *) (cq + p.cq_off.cqes);
}

static inline __attribute__((always_inline))
int run_batches(const struct hp_cfg *c, unsigned long batches,
		unsigned long long *sum, const int read)
{
	unsigned long long acc = 0;

	for (unsigned long b = 0; b < batches; b++) {
		/* Without SQPOLL the kernel consumes the whole batch inside
		 * io_uring_enter, so the SQ always has room here. */
		unsigned tail = *r.sq_tail, head, ctail, seen = 0;
		long ret;

		for (unsigned i = 0; i < HP_BATCH; i++) {
			struct io_uring_sqe *sqe = &r.sqes[tail++ & r.sq_mask];

			if (read)
				*sqe = (struct io_uring_sqe) {
					.opcode = IORING_OP_READ,
					.fd = c->fd,
					.off = hp_offset(c, b, i),
					.addr = (unsigned long) c->bufs[i],
					.len = HP_BLOCK,
					.user_data = i + 1,
				};
			else
				*sqe = (struct io_uring_sqe) {
					.opcode = IORING_OP_NOP,
					.fd = -1,
					.user_data = i + 1,
				};
		}
		__atomic_store_n(r.sq_tail, tail, __ATOMIC_RELEASE);
		ret = syscall(__NR_io_uring_enter, r.fd, HP_BATCH, HP_BATCH,
			      IORING_ENTER_GETEVENTS, NULL, 0);
		if (ret != HP_BATCH)
			return ret < 0 ? -errno : -EIO;
		head = *r.cq_head;
		ctail = __atomic_load_n(r.cq_tail, __ATOMIC_ACQUIRE);
		for (; head != ctail; head++) {
			const struct io_uring_cqe *cqe =
				&r.cqes[head & r.cq_mask];

			if (cqe->res < 0)
				return cqe->res;
			acc += cqe->user_data + (unsigned) cqe->res;
			seen++;
		}
		__atomic_store_n(r.cq_head, head, __ATOMIC_RELEASE);
		if (seen != HP_BATCH)
			return -EIO;
	}
	*sum += acc;
	return 0;
}

static __attribute__((noinline)) int run_nop(const struct hp_cfg *c,
					     unsigned long batches,
					     unsigned long long *sum)
{
	return run_batches(c, batches, sum, 0);
}

static __attribute__((noinline)) int run_read(const struct hp_cfg *c,
					      unsigned long batches,
					      unsigned long long *sum)
{
	return run_batches(c, batches, sum, 1);
}

int main(int argc, char **argv)
{
	struct hp_cfg c;
	int ret;

	hp_parse(argc, argv, &c);
	raw_setup();
	printf("library none\n");
	ret = hp_run(&c, c.read ? run_read : run_nop);
	if (ret < 0)
		hp_die("loop", -ret);
	close(r.fd);
	hp_cleanup(&c);
	return 0;
}
