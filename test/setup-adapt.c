/* SPDX-License-Identifier: MIT */
/*
 * uringkit_setup_adapt() and uringkit_memlock_check():
 *  - every optional flag at once: the ring comes up, the report's kept
 *    flags are the ring's, and each dropped flag, put back, is one the
 *    kernel refuses (printed: the kept/dropped report of this kernel);
 *  - SQPOLL pinned to a CPU that does not exist must be dropped (with
 *    SQ_AFF), the rest kept;
 *  - DEFER_TASKRUN without SINGLE_ISSUER is dropped and SQPOLL, dropped on
 *    the way, is given back;
 *  - a refused flag that is not optional fails with nothing left behind;
 *  - the memlock preflight, in a child without CAP_IPC_LOCK and with a
 *    small RLIMIT_MEMLOCK, predicts which buffer registration fits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include "test.h"
#include "uringkit/setup.h"

static const struct { unsigned flag; const char *name; } names[] = {
	{ IORING_SETUP_SQPOLL, "SQPOLL" },
	{ IORING_SETUP_SQ_AFF, "SQ_AFF" },
	{ IORING_SETUP_HYBRID_IOPOLL, "HYBRID_IOPOLL" },
	{ IORING_SETUP_DEFER_TASKRUN, "DEFER_TASKRUN" },
	{ IORING_SETUP_TASKRUN_FLAG, "TASKRUN_FLAG" },
	{ IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN" },
	{ IORING_SETUP_SINGLE_ISSUER, "SINGLE_ISSUER" },
	{ IORING_SETUP_NO_SQARRAY, "NO_SQARRAY" },
	{ IORING_SETUP_SUBMIT_ALL, "SUBMIT_ALL" },
};

static void print_flags(const char *what, unsigned f)
{
	printf("%s:", what);
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].flag)
			printf(" %s", names[i].name);
	printf("%s\n", f ? "" : " none");
}

static void nop_works(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 9);
	ASSERT_EQ(t_submit_one_ud(ring, 9), 0);
}

static void everything_optional(void)
{
	const unsigned wanted = IORING_SETUP_SQPOLL | IORING_SETUP_SINGLE_ISSUER |
		IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG |
		IORING_SETUP_COOP_TASKRUN | IORING_SETUP_NO_SQARRAY |
		IORING_SETUP_SUBMIT_ALL;
	struct uringkit_setup_report rep;
	struct io_uring_params p = { .flags = wanted };
	struct io_uring ring;
	int ret = uringkit_setup_adapt(8, &ring, &p, &rep);

	if (ret == -ENOSYS || ret == -EPERM)
		t_skip("io_uring unavailable (%d)", ret);
	ASSERT_EQ(ret, 0);
	print_flags("wanted ", rep.wanted);
	print_flags("kept   ", rep.kept);
	print_flags("dropped", rep.dropped);
	printf("attempts: %u\n", rep.attempts);
	ASSERT_EQ(rep.wanted, wanted);
	ASSERT_EQ(rep.dropped, wanted & ~rep.kept);
	ASSERT_EQ(rep.kept & ~wanted, 0u);
	ASSERT_EQ(p.flags, rep.kept);
	ASSERT_EQ(ring.flags & wanted, rep.kept);
	/* SQPOLL and DEFER_TASKRUN exclude each other: one of them goes. */
	ASSERT_NE(rep.dropped, 0u);
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (rep.dropped & names[i].flag)
			ASSERT(!t_kernel_has_setup_flags(rep.kept | names[i].flag));
	nop_works(&ring);
	io_uring_queue_exit(&ring);
}

static void must_drop_sqpoll(void)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF |
			 IORING_SETUP_COOP_TASKRUN,
		.sq_thread_cpu = 4095,
	};
	struct io_uring_params raw = p;
	struct uringkit_setup_report rep;
	struct io_uring ring;

	if (!t_kernel_has_setup_flags(IORING_SETUP_COOP_TASKRUN))
		return;
	/* The kernel refuses a thread pinned to a CPU it does not have. */
	ASSERT_EQ(io_uring_queue_init_params(8, &ring, &raw), -EINVAL);
	ASSERT_EQ(uringkit_setup_adapt(8, &ring, &p, &rep), 0);
	ASSERT_EQ(rep.kept, IORING_SETUP_COOP_TASKRUN);
	ASSERT_EQ(rep.dropped, IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF);
	/* all: refused; no SQPOLL: fine; SQPOLL back: refused */
	ASSERT_EQ(rep.attempts, 3u);
	ASSERT_EQ(rep.last_refusal, EINVAL);
	ASSERT_EQ(ring.flags & IORING_SETUP_SQPOLL, 0u);
	nop_works(&ring);
	io_uring_queue_exit(&ring);
}

static void gives_back(void)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_SQPOLL | IORING_SETUP_DEFER_TASKRUN,
	};
	struct uringkit_setup_report rep;
	struct io_uring ring;

	if (!t_kernel_has_setup_flags(IORING_SETUP_SQPOLL))
		return;
	ASSERT_EQ(uringkit_setup_adapt(8, &ring, &p, &rep), 0);
	/*
	 * all: refused; no SQPOLL (and DEFER_TASKRUN, lacking SINGLE_ISSUER):
	 * fine; SQPOLL back: fine.
	 */
	ASSERT_EQ(rep.kept, IORING_SETUP_SQPOLL);
	ASSERT_EQ(rep.dropped, IORING_SETUP_DEFER_TASKRUN);
	ASSERT_EQ(rep.attempts, 3u);
	ASSERT(ring.flags & IORING_SETUP_SQPOLL);
	nop_works(&ring);
	io_uring_queue_exit(&ring);
}

static void refusal_not_optional(void)
{
	struct io_uring_params p = { .flags = 1U << 31 | IORING_SETUP_SQPOLL };
	struct io_uring_params before = p;
	struct uringkit_setup_report rep;
	struct io_uring ring;
	int fds = t_count_fds(), maps = t_count_ring_maps();

	memset(&ring, 0xa5, sizeof(ring));
	ASSERT_EQ(uringkit_setup_adapt(8, &ring, &p, &rep), -EINVAL);
	ASSERT_MEM_EQ(&p, &before, sizeof(p));
	ASSERT_EQ(rep.kept, 0u);
	ASSERT_EQ(rep.attempts, 2u);
	ASSERT_EQ(t_count_fds(), fds);
	ASSERT_EQ(t_count_ring_maps(), maps);
	ASSERT_EQ(uringkit_setup_adapt(8, NULL, &p, &rep), -EINVAL);
	ASSERT_EQ(uringkit_setup_adapt(8, &ring, NULL, NULL), -EINVAL);
	/* entries 0 is not a refusal of a flag: no dropping. */
	p.flags = IORING_SETUP_SQPOLL;
	ASSERT_EQ(uringkit_setup_adapt(0, &ring, &p, &rep), -EINVAL);
}

static void drop_cap_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	ASSERT_EQ(syscall(SYS_capget, &hdr, d), 0);
	d[CAP_IPC_LOCK / 32].effective &= ~(1U << (CAP_IPC_LOCK % 32));
	ASSERT_EQ(syscall(SYS_capset, &hdr, d), 0);
}

static int memlock_child(void)
{
	const size_t limit = 256 * 1024, big = 1024 * 1024, small = 64 * 1024;
	struct rlimit rl = { limit, limit };
	struct uringkit_memlock m;
	struct io_uring ring;
	struct iovec iov;
	void *mem;

	drop_cap_ipc_lock();
	ASSERT_EQ(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
	ASSERT_EQ(uringkit_memlock_check(8, NULL, big, &m), 0);
	ASSERT(!m.cap_ipc_lock);
	ASSERT_EQ(m.limit, (unsigned long long) limit);
	ASSERT_EQ(m.buf_bytes, (unsigned long long) big);
	ASSERT(!m.enough);
	ASSERT_GE(m.raise_kib * 1024, m.need);
	ASSERT_EQ(uringkit_memlock_check(8, NULL, small, &m), 0);
	ASSERT(m.enough);
	ASSERT_EQ(m.raise_kib, 0u);

	/* The kernel agrees: the big buffer cannot be pinned, the small can. */
	t_ring_init(&ring, 8, NULL);
	mem = mmap(NULL, big, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT(mem != MAP_FAILED);
	memset(mem, 1, big);
	iov.iov_base = mem;
	iov.iov_len = big;
	ASSERT_EQ(io_uring_register_buffers(&ring, &iov, 1), -ENOMEM);
	iov.iov_len = small;
	ASSERT_EQ(io_uring_register_buffers(&ring, &iov, 1), 0);
	io_uring_queue_exit(&ring);
	return 0;
}

static void memlock(void)
{
	struct uringkit_memlock m;
	struct rlimit rl;
	int status;
	pid_t pid;

	ASSERT_EQ(uringkit_memlock_check(64, NULL, 10, &m), 0);
	ASSERT_EQ(m.ring_bytes, (unsigned long long) io_uring_memory_size(64, 0));
	ASSERT_EQ(m.buf_bytes, (unsigned long long) sysconf(_SC_PAGESIZE));
	ASSERT_EQ(m.need, m.ring_locked + m.buf_bytes);
	ASSERT_EQ(getrlimit(RLIMIT_MEMLOCK, &rl), 0);
	if (rl.rlim_cur == RLIM_INFINITY)
		ASSERT_EQ(m.limit, ~0ULL);
	else
		ASSERT_EQ(m.limit, (unsigned long long) rl.rlim_cur);
	printf("memlock: ring %llu bytes (%llu locked), limit %llu, "
	       "CAP_IPC_LOCK %d\n", m.ring_bytes, m.ring_locked, m.limit,
	       m.cap_ipc_lock);
	ASSERT_EQ(uringkit_memlock_check(0, NULL, 10, &m), -EINVAL);
	ASSERT_EQ(uringkit_memlock_check(1U << 20, NULL, 10, &m), -EINVAL);
	ASSERT_EQ(uringkit_memlock_check(8, NULL, 10, NULL), -EINVAL);

	if (geteuid() != 0) {
		printf("note: not root, the CAP_IPC_LOCK child is skipped\n");
		return;
	}
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(memlock_child());
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
}

int main(void)
{
	everything_optional();
	must_drop_sqpoll();
	gives_back();
	refusal_not_optional();
	memlock();
	return T_EXIT_PASS;
}
