/* SPDX-License-Identifier: MIT */
/*
 * IORING_SETUP_NO_MMAP (the library provides the ring memory) and
 * REGISTERED_FD_ONLY (no fd at all: the ring lives in this task's
 * registered-ring table). Real effects: no io_uring mapping exists, no fd
 * is installed, I/O works, and exit returns memory and the table slot
 * (more rings than the table holds can be created one after another).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test.h"

#define LEN 4096

static char path[512];

/* Lines of /proc/self/maps that map an io_uring file. */
static int io_uring_maps(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	ASSERT_NOT_NULL(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "io_uring"))
			n++;
	fclose(f);
	return n;
}

/* After exit, the library's own ring memory must be unmapped. */
static void check_unmapped(const void *p, const char *what)
{
	size_t page = (size_t) sysconf(_SC_PAGESIZE);
	void *pg = (void *) ((unsigned long) p & ~(page - 1));
	unsigned char v;

	if (mincore(pg, page, &v) == 0)
		t_fail("%s at %p is still mapped after io_uring_queue_exit",
		       what, p);
	ASSERT_EQ(errno, ENOMEM);
}

static void work(struct io_uring *ring, unsigned seed)
{
	static unsigned char wbuf[LEN], rbuf[LEN];
	struct io_uring_sqe *sqe, *w;
	struct io_uring_cqe *cqe;
	int fd = t_create_file(path, 0, 0);

	/* A batch of NOPs wrapping the SQ twice. */
	for (int round = 0; round < 2; round++) {
		unsigned n = ring->sq.ring_entries;

		t_submit_nops(ring, n, 100);
		ASSERT_EQ(io_uring_submit(ring), (int) n);
		for (unsigned i = 0; i < n; i++) {
			cqe = t_wait_cqe(ring);
			ASSERT_EQ(cqe->user_data, 100 + i);
			io_uring_cqe_seen(ring, cqe);
		}
	}

	t_fill(wbuf, LEN, seed);
	w = io_uring_get_sqe(ring);
	ASSERT_NOT_NULL(w);
	io_uring_prep_write(w, fd, wbuf, LEN, 0);
	io_uring_sqe_set_data64(w, 1);
	/* Linked: the read runs after the write has finished. */
	io_uring_sqe_set_flags(w, IOSQE_IO_LINK);
	sqe = io_uring_get_sqe(ring);
	ASSERT_NOT_NULL(sqe);
	memset(rbuf, 0, LEN);
	io_uring_prep_read(sqe, fd, rbuf, LEN, 0);
	io_uring_sqe_set_data64(sqe, 2);
	ASSERT_EQ(io_uring_submit(ring), 2);
	for (int i = 1; i <= 2; i++) {
		cqe = t_wait_cqe(ring);
		ASSERT_EQ(cqe->user_data, (__u64) i);
		ASSERT_EQ(cqe->res, LEN);
		io_uring_cqe_seen(ring, cqe);
	}
	ASSERT_EQ(t_check_fill(rbuf, LEN, 0, seed), LEN);
	memset(rbuf, 0, LEN);
	ASSERT_EQ(pread(fd, rbuf, LEN, 0), LEN);
	ASSERT_EQ(t_check_fill(rbuf, LEN, 0, seed), LEN);
	close(fd);
}

static void one_pass(int fds)
{
	struct io_uring_params p;
	struct io_uring ring;
	const void *mem;

	ASSERT_EQ(io_uring_maps(), 0);

	/* NO_MMAP: the ring is in anonymous memory, not an io_uring map. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_MMAP;
	t_ring_init(&ring, 16, &p);
	ASSERT_EQ(ring.flags, IORING_SETUP_NO_MMAP);
	ASSERT_GE(ring.ring_fd, 0);
	ASSERT_EQ(t_count_fds(), fds + 1);
	ASSERT_EQ(io_uring_maps(), 0);
	ASSERT_NOT_NULL(ring.sq.ring_ptr);
	ASSERT_NOT_NULL(ring.sq.sqes);
	ASSERT_EQ(ring.sq.ring_entries, 16);
	ASSERT_EQ(ring.cq.ring_entries, 32);
	work(&ring, 1);
	mem = ring.sq.sqes;
	io_uring_queue_exit(&ring);
	check_unmapped(mem, "NO_MMAP ring memory");
	ASSERT_EQ(t_count_fds(), fds);

	/* NO_MMAP with the big-entry and no-array layouts. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_MMAP | IORING_SETUP_SQE128 |
		  IORING_SETUP_CQE32 | IORING_SETUP_NO_SQARRAY;
	t_ring_init(&ring, 64, &p);
	ASSERT_NULL(ring.sq.array);
	work(&ring, 2);
	mem = ring.sq.sqes;
	io_uring_queue_exit(&ring);
	check_unmapped(mem, "NO_MMAP ring memory (SQE128|CQE32)");
	ASSERT_EQ(t_count_fds(), fds);

	/* REGISTERED_FD_ONLY: no fd at all. */
	t_require_setup_flags(IORING_SETUP_NO_MMAP |
			      IORING_SETUP_REGISTERED_FD_ONLY);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY;
	t_ring_init(&ring, 8, &p);
	ASSERT_EQ(ring.ring_fd, -1);
	ASSERT_GE(ring.enter_ring_fd, 0);
	ASSERT_EQ(t_count_fds(), fds);
	ASSERT_EQ(io_uring_maps(), 0);
	work(&ring, 3);
	/* Register calls reach the ring through its index. */
	{
		struct io_uring_probe *probe = io_uring_get_probe_ring(&ring);

		ASSERT_NOT_NULL(probe);
		ASSERT(io_uring_opcode_supported(probe, IORING_OP_NOP));
		free(probe);
	}
	mem = ring.sq.sqes;
	io_uring_queue_exit(&ring);
	check_unmapped(mem, "REGISTERED_FD_ONLY ring memory");
	ASSERT_EQ(t_count_fds(), fds);

	/*
	 * The task's registered-ring table has 16 slots: if exit did not
	 * give the slot back, this loop would run out.
	 */
	for (int i = 0; i < 40; i++) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY;
		t_ring_init(&ring, 4, &p);
		t_submit_nops(&ring, 1, (__u64) i);
		ASSERT_EQ(io_uring_submit(&ring), 1);
		ASSERT_EQ(t_wait_cqe(&ring)->user_data, (__u64) i);
		io_uring_cq_advance(&ring, 1);
		io_uring_queue_exit(&ring);
	}
	ASSERT_EQ(t_count_fds(), fds);
}

int main(void)
{
	int fds, maps;

	t_require_setup_flags(IORING_SETUP_NO_MMAP);
	snprintf(path, sizeof(path), "%s/file", t_tmpdir());
	fds = t_count_fds();
	/*
	 * Twice: the first pass lets libc (or ASan's allocator) make its
	 * one-time mappings; the second must leave the count unchanged.
	 */
	one_pass(fds);
	maps = t_count_maps();
	one_pass(fds);
	ASSERT_EQ(t_count_maps(), maps);
	return T_EXIT_PASS;
}
