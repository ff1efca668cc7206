/* SPDX-License-Identifier: MIT */
/*
 * IORING_SETUP_IOPOLL and HYBRID_IOPOLL: completions are polled for, so
 * reaping must enter the kernel. An O_DIRECT read of a real file either
 * completes with the file's bytes or, where the file system cannot poll,
 * with -EOPNOTSUPP in the CQE; a buffered read always gets -EOPNOTSUPP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "test.h"

#define FILE_SIZE (256 * 1024)
#define BS 4096

static void nops(struct io_uring *ring, unsigned n)
{
	unsigned seen = 0;

	t_submit_nops(ring, n, 500);
	ASSERT_EQ(io_uring_submit(ring), (int) n);
	while (seen < n) {
		struct io_uring_cqe *cqe = t_wait_cqe(ring);

		ASSERT_EQ(cqe->res, 0);
		ASSERT_GE(cqe->user_data, 500);
		ASSERT_LT(cqe->user_data, 500 + n);
		io_uring_cqe_seen(ring, cqe);
		seen++;
	}
}

/* Returns true if the reads really went through polled I/O. */
static bool direct_reads(struct io_uring *ring, int dfd, unsigned seed)
{
	enum { NR = 8 };
	unsigned char *buf;
	bool polled = true;
	int nr_ok = 0, nr_unsupp = 0;

	ASSERT_EQ(posix_memalign((void **) &buf, BS, NR * BS), 0);
	memset(buf, 0, NR * BS);
	for (int i = 0; i < NR; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		ASSERT_NOT_NULL(sqe);
		/* Blocks 0, 2, 4, ...: each must land in its own buffer. */
		io_uring_prep_read(sqe, dfd, buf + i * BS, BS,
				   (__u64) 2 * i * BS);
		io_uring_sqe_set_data64(sqe, (__u64) i);
	}
	ASSERT_EQ(io_uring_submit(ring), NR);
	for (int i = 0; i < NR; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(ring);
		__u64 idx = cqe->user_data;

		ASSERT_LT(idx, NR);
		if (cqe->res == -EOPNOTSUPP) {
			nr_unsupp++;
		} else {
			ASSERT_EQ(cqe->res, BS);
			ASSERT_EQ(t_check_fill(buf + idx * BS, BS, 2 * idx * BS,
					       seed), BS);
			nr_ok++;
		}
		io_uring_cqe_seen(ring, cqe);
	}
	/* The file system either polls or it does not. */
	if (nr_unsupp) {
		ASSERT_EQ(nr_ok, 0);
		polled = false;
	}
	free(buf);
	return polled;
}

static void buffered_read_refused(struct io_uring *ring, int fd)
{
	char buf[64];
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;

	ASSERT_NOT_NULL(sqe);
	memset(buf, 0x5a, sizeof(buf));
	io_uring_prep_read(sqe, fd, buf, sizeof(buf), 0);
	io_uring_sqe_set_data64(sqe, 42);
	ASSERT_EQ(io_uring_submit(ring), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 42);
	ASSERT_EQ(cqe->res, -EOPNOTSUPP);
	io_uring_cqe_seen(ring, cqe);
	/* Nothing was read into the buffer. */
	for (size_t i = 0; i < sizeof(buf); i++)
		ASSERT_EQ(buf[i], 0x5a);
}

static void run(unsigned flags, int fd, int dfd, unsigned seed)
{
	struct io_uring_params p;
	struct io_uring ring;
	int fds = t_count_fds();

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	t_ring_init(&ring, 16, &p);
	ASSERT_EQ(ring.flags, flags);
	nops(&ring, 4);
	if (dfd >= 0) {
		bool polled = direct_reads(&ring, dfd, seed);

		printf("flags 0x%x: O_DIRECT reads %s\n", flags,
		       polled ? "completed by polling"
			      : "refused with EOPNOTSUPP (no iopoll here)");
	}
	buffered_read_refused(&ring, fd);
	nops(&ring, 16);
	io_uring_queue_exit(&ring);
	ASSERT_EQ(t_count_fds(), fds);
}

int main(void)
{
	char path[512];
	char *dir;
	int fd, dfd;

	t_require_setup_flags(IORING_SETUP_IOPOLL);
	dir = t_tmpdir();
	snprintf(path, sizeof(path), "%s/data", dir);
	fd = t_create_file(path, FILE_SIZE, 3);
	ASSERT_EQ(fsync(fd), 0);
	dfd = open(path, O_RDONLY | O_DIRECT);
	if (dfd < 0)
		printf("O_DIRECT not supported in %s: %s; buffered only\n",
		       dir, strerror(errno));

	run(IORING_SETUP_IOPOLL, fd, dfd, 3);
	if (t_kernel_has_setup_flags(IORING_SETUP_IOPOLL |
				     IORING_SETUP_HYBRID_IOPOLL))
		run(IORING_SETUP_IOPOLL | IORING_SETUP_HYBRID_IOPOLL, fd, dfd, 3);
	else
		t_skip("kernel does not accept IORING_SETUP_HYBRID_IOPOLL");

	if (dfd >= 0)
		close(dfd);
	close(fd);
	return T_EXIT_PASS;
}
