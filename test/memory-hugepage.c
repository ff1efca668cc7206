/* SPDX-License-Identifier: MIT */
/*
 * memory-hugepage: io_uring_queue_init_mem() over one 2 MiB huge page.
 * Two rings share the page (the second at the byte count the first
 * returned) and both work; a ring larger than the page (32768 entries
 * with SQE128) is refused with -ENOMEM instead of running past the end,
 * the page untouched (checked before any ring has used the page: a ring
 * torn down may still store into its memory after the exit).
 *
 * The huge page comes from MAP_HUGETLB. When none is free and we are
 * root, one is reserved through /proc/sys/vm/nr_hugepages and the old
 * value is put back afterwards (the test itself runs in a child, so even
 * a crash does not leave the reservation behind). Skips only when no huge
 * page can be had.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT)
#endif

#define HUGE		(2UL << 20)
#define CANARY		0x3c
#define NR_HUGEPAGES_2M	"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"

static const char *knob;
static long old_nr = -1;
static char path[512];

static long read_long(const char *file)
{
	char buf[64];
	long v = -1;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) > 0)
		v = strtol(buf, NULL, 10);
	close(fd);
	return v;
}

static bool write_long(const char *file, long v)
{
	char buf[64];
	int fd = open(file, O_WRONLY | O_CLOEXEC), len;
	bool ok;

	if (fd < 0)
		return false;
	len = snprintf(buf, sizeof(buf), "%ld\n", v);
	ok = write(fd, buf, (size_t) len) == len;
	close(fd);
	return ok;
}

/*
 * Put the old reservation back. A page the rings pinned is released only
 * when the kernel's asynchronous ring teardown finishes, so the count may
 * take a moment to come down.
 */
static void restore(void)
{
	if (old_nr < 0 || !knob)
		return;
	if (!write_long(knob, old_nr))
		fprintf(stderr, "warning: could not restore %s to %ld\n",
			knob, old_nr);
	for (int i = 0; i < 200 && read_long(knob) != old_nr; i++)
		usleep(10000);
	if (read_long(knob) != old_nr)
		fprintf(stderr, "warning: %s is %ld, not yet back to %ld\n",
			knob, read_long(knob), old_nr);
	old_nr = -1;
}

static void *map_huge(void)
{
	void *p = mmap(NULL, HUGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB,
		       -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* One 2 MiB huge page, reserving one if need be; the reason if none. */
static const char *get_huge_page(void)
{
	void *p = map_huge();
	long nr;

	if (p) {
		munmap(p, HUGE);
		return NULL;
	}
	if (geteuid() != 0)
		return "no free 2 MiB huge page, and not root to reserve one";
	/* The per-size knob, else the default-size one. */
	knob = NR_HUGEPAGES_2M;
	nr = read_long(knob);
	if (nr < 0) {
		knob = "/proc/sys/vm/nr_hugepages";
		nr = read_long(knob);
	}
	if (nr < 0)
		return "no nr_hugepages knob for 2 MiB pages";
	old_nr = nr;
	atexit(restore);
	if (!write_long(knob, nr + 1)) {
		old_nr = -1;
		return "could not write nr_hugepages";
	}
	p = map_huge();
	if (!p)
		return "the kernel could not reserve a 2 MiB huge page "
		       "(memory too fragmented?)";
	munmap(p, HUGE);
	return NULL;
}

/* n NOPs and a read through ring, all checked. */
static void use_ring(struct io_uring *ring, int fd, unsigned char *rbuf,
		     off_t off)
{
	unsigned n = ring->sq.ring_entries - 1;
	struct io_uring_sqe *sqe;

	t_submit_nops(ring, n, 1);
	sqe = io_uring_get_sqe(ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_read(sqe, fd, rbuf, 4096, (__u64) off);
	sqe->user_data = 0;
	ASSERT_EQ(io_uring_submit(ring), (int) n + 1);
	for (unsigned i = 0; i <= n; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe(ring);

		if (cqe->user_data == 0) {
			ASSERT_EQ(cqe->res, 4096);
			ASSERT_EQ(t_check_fill(rbuf, 4096, (size_t) off, 3),
				  4096);
		} else {
			ASSERT_EQ(cqe->res, 0);
			ASSERT_LE(cqe->user_data, n);
		}
		io_uring_cqe_seen(ring, cqe);
	}
}

static void check_canary(const unsigned char *p, size_t len, const char *what)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != CANARY)
			t_fail("%s: byte %zu changed to 0x%02x", what, i, p[i]);
}

static int child(void)
{
	struct io_uring a, b, big;
	struct io_uring_params p;
	unsigned char *hp, rbuf[4096];
	ssize_t sa, sb, sbig;
	int fd, fds, ret;

	hp = map_huge();
	if (!hp)
		t_skip("the reserved huge page vanished");
	memset(hp, CANARY, HUGE);
	fd = t_create_file(path, 1 << 20, 3);
	fds = t_count_fds();

	/*
	 * Too large for the page: refused, the page untouched. Checked
	 * first, on a page no ring has used yet: after io_uring_queue_exit()
	 * the kernel may still store a torn-down ring's CQ tail into its
	 * memory for a while (io_uring_queue_init_mem(3), test
	 * memory-init-mem-teardown), which a canary written after the
	 * exits would catch at random.
	 */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQE128;
	sbig = io_uring_memory_size_params(32768, &p);
	ASSERT_GT(sbig, (ssize_t) HUGE);
	ret = io_uring_queue_init_mem(32768, &big, &p, hp, HUGE);
	ASSERT_EQ(ret, -ENOMEM);
	ASSERT_EQ(big.ring_fd, -1);
	ASSERT_EQ(t_count_fds(), fds);
	check_canary(hp, HUGE, "huge page after a refused ring");

	/* A large ring (most of the page) and a small one after it. */
	memset(&p, 0, sizeof(p));
	sa = io_uring_memory_size_params(16384, &p);
	p.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	sb = io_uring_memory_size_params(256, &p);
	ASSERT_GT(sa, (ssize_t) (HUGE / 2));
	ASSERT_LE(sa + sb, (ssize_t) HUGE);

	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_init_mem(16384, &a, &p, hp, HUGE);
	ASSERT_EQ(ret, sa);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	ret = io_uring_queue_init_mem(256, &b, &p, hp + sa, HUGE - (size_t) sa);
	ASSERT_EQ(ret, sb);
	ASSERT_EQ(t_count_fds(), fds + 2);
	check_canary(hp + sa + sb, HUGE - (size_t) (sa + sb),
		     "huge page past both rings");

	for (int round = 0; round < 3; round++) {
		use_ring(&a, fd, rbuf, (off_t) round * 8192);
		use_ring(&b, fd, rbuf, (off_t) round * 8192 + 4096);
	}
	check_canary(hp + sa + sb, HUGE - (size_t) (sa + sb),
		     "huge page past both rings after use");
	io_uring_queue_exit(&a);
	use_ring(&b, fd, rbuf, 65536);
	io_uring_queue_exit(&b);
	ASSERT_EQ(t_count_fds(), fds);
	printf("rings in the huge page: %zd + %zd bytes; 32768 x SQE128 "
	       "needs %zd\n", sa, sb, sbig);

	/* Unmapping at once is safe: the kernel holds the page it uses. */

	munmap(hp, HUGE);
	close(fd);
	return T_EXIT_PASS;
}

int main(void)
{
	const char *why;
	int status;
	pid_t pid;

	t_require_setup_flags(IORING_SETUP_NO_MMAP);
	why = get_huge_page();
	if (why)
		t_skip("%s", why);
	snprintf(path, sizeof(path), "%s/data", t_tmpdir());

	fflush(stdout);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		old_nr = -1;	/* the parent restores, not us */
		exit(child());
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	restore();
	if (WIFSIGNALED(status))
		t_fail("the test child died of signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}
