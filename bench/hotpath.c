/* SPDX-License-Identifier: MIT */
/*
 * bench/hotpath.c: the userspace cost of one io_uring request through the
 * liburing API. Written only against liburing's public API, so the same
 * file builds against uringkit (-Iinclude, our liburing.so.2) and against
 * the system's liburing (-luring); bench/hotpath.sh builds both and
 * compares them with bench/hotpath_raw.c, the raw-syscall floor.
 *
 *   hotpath nop|read COUNT      run COUNT requests (a multiple of the batch)
 *   hotpath nop|read -t SECS    run for SECS seconds, print requests/s
 *
 * Each batch: 32 x (io_uring_get_sqe + io_uring_prep_nop/read +
 * io_uring_sqe_set_data64), io_uring_submit_and_wait(ring, 32), then
 * io_uring_for_each_cqe over the completions and one io_uring_cq_advance.
 * Output is one "key value" line per fact, for the script to parse.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <liburing.h>
#include "hotpath_common.h"

static struct io_uring ring;

/*
 * The measured loop, specialised for each kind of request by the two
 * noinline wrappers below (so the loop does not test which one it runs).
 */
static inline __attribute__((always_inline))
int run_batches(const struct hp_cfg *c, unsigned long batches,
		unsigned long long *sum, const int read)
{
	unsigned long long acc = 0;

	for (unsigned long b = 0; b < batches; b++) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		int ret;

		for (unsigned i = 0; i < HP_BATCH; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			if (!sqe)
				return -EBUSY;
			if (read)
				io_uring_prep_read(sqe, c->fd, c->bufs[i],
						   HP_BLOCK,
						   hp_offset(c, b, i));
			else
				io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, i + 1);
		}
		ret = io_uring_submit_and_wait(&ring, HP_BATCH);
		if (ret != HP_BATCH)
			return ret < 0 ? ret : -EIO;
		io_uring_for_each_cqe(&ring, head, cqe) {
			if (cqe->res < 0)
				return cqe->res;
			acc += cqe->user_data + (unsigned) cqe->res;
			seen++;
		}
		io_uring_cq_advance(&ring, seen);
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

static const char *library_path(void)
{
	Dl_info info;

	if (dladdr((void *) io_uring_submit_and_wait, &info) && info.dli_fname)
		return info.dli_fname;
	return "?";
}

int main(int argc, char **argv)
{
	struct hp_cfg c;
	int ret;

	hp_parse(argc, argv, &c);
	ret = io_uring_queue_init(HP_ENTRIES, &ring, 0);
	if (ret < 0)
		hp_die("io_uring_queue_init", -ret);
	printf("library %s\n", library_path());
	ret = hp_run(&c, c.read ? run_read : run_nop);
	if (ret < 0)
		hp_die("loop", -ret);
	io_uring_queue_exit(&ring);
	hp_cleanup(&c);
	return 0;
}
