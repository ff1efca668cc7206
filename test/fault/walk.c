/* SPDX-License-Identifier: MIT */
/*
 * Fault-injection walk (issue 10). Built against the library's sources
 * compiled with URINGKIT_FAULT_INJECTION, so that every system call the
 * library makes goes through uk__fault_syscall6() below, and linked with
 * --wrap for malloc, calloc, realloc and free, so that every allocation
 * does too. For each call under test (ring setup in several flavours,
 * io_uring_queue_init_mem, registrations, uringkit_bufring and the
 * uringkit_zc arena) the walk makes the Nth allocation or system call
 * fail, for N = 1, 2, ... until the call succeeds without the fault being
 * reached, and checks every time:
 *  - the call returned a clean negative errno (or NULL with its error),
 *    or succeeded anyway (a failed hint, a fallback);
 *  - no fd, no mapping and no heap block more than before (counted by the
 *    hooks, and the fds also in /proc/self/fd);
 *  - the ring the call worked on still completes a NOP, and after a
 *    failure the same call can succeed (nothing half-registered).
 * Only one fault per run; the cleanup a failure triggers runs normally.
 */
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <liburing.h>
#include <uringkit/bufring.h>
#include <uringkit/zc.h>
#include "internal/syscall.h"	/* the real uk__syscall6 */
#include "test.h"

/* ---- the hooks ----------------------------------------------------------- */

static long fault_at;		/* fail the fault_at-th event; 0: none */
static long events;
static bool fired;

static struct { unsigned long addr, len; } maps[512];
static int nr_maps;
static int ring_fds[64];
static int nr_ring_fds;
static long heap_live;

static bool fail_now(void)
{
	if (!fault_at || fired || ++events != fault_at)
		return false;
	fired = true;
	return true;
}

static void forget_maps(unsigned long addr, unsigned long len)
{
	for (int i = 0; i < nr_maps; i++) {
		if (maps[i].addr >= addr && maps[i].addr < addr + len) {
			maps[i--] = maps[--nr_maps];
		}
	}
}

long uk__fault_syscall6(long n, long a, long b, long c, long d, long e,
			long f)
{
	long ret;

	switch (n) {
	case __NR_mmap:
	case __NR_io_uring_setup:
	case __NR_io_uring_register:
	case __NR_io_uring_enter:
		if (fail_now())
			return -ENOMEM;
		break;
	case __NR_madvise:
		if (fail_now())
			return -EINVAL;
		break;
	default:	/* munmap, close: cleanup, never failed */
		break;
	}
	ret = uk__syscall6(n, a, b, c, d, e, f);
	if (n == __NR_mmap && (unsigned long) ret < (unsigned long) -4095L) {
		ASSERT_LT(nr_maps, 512);
		maps[nr_maps].addr = (unsigned long) ret;
		maps[nr_maps++].len = (unsigned long) b;
	} else if (n == __NR_munmap && ret == 0) {
		forget_maps((unsigned long) a, (unsigned long) b);
	} else if (n == __NR_io_uring_setup && ret >= 0 &&
		   !(((struct io_uring_params *) b)->flags &
		     IORING_SETUP_REGISTERED_FD_ONLY)) {
		ASSERT_LT(nr_ring_fds, 64);
		ring_fds[nr_ring_fds++] = (int) ret;
	} else if (n == __NR_close && ret == 0) {
		for (int i = 0; i < nr_ring_fds; i++)
			if (ring_fds[i] == a)
				ring_fds[i--] = ring_fds[--nr_ring_fds];
	}
	return ret;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t sz);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);

void *__wrap_malloc(size_t n)
{
	void *p;

	if (fail_now())
		return NULL;
	p = __real_malloc(n);
	heap_live += !!p;
	return p;
}

void *__wrap_calloc(size_t n, size_t sz)
{
	void *p;

	if (fail_now())
		return NULL;
	p = __real_calloc(n, sz);
	heap_live += !!p;
	return p;
}

void *__wrap_realloc(void *old, size_t n)
{
	void *p;

	if (fail_now())
		return NULL;
	p = __real_realloc(old, n);
	heap_live += p && !old;
	return p;
}

void __wrap_free(void *p)
{
	heap_live -= !!p;
	__real_free(p);
}

/* ---- the walk ------------------------------------------------------------ */

struct snap {
	int maps, ring_fds, fds;
	long heap;
};

static struct snap snap(void)
{
	struct snap s = { nr_maps, nr_ring_fds, t_count_fds(), heap_live };

	return s;
}

static void same(const char *what, long n, struct snap a, struct snap b)
{
	if (a.maps != b.maps || a.ring_fds != b.ring_fds || a.fds != b.fds ||
	    a.heap != b.heap)
		t_fail("%s, fault %ld: left behind %d mappings, %d ring fds, "
		       "%d fds, %ld heap blocks", what, n, b.maps - a.maps,
		       b.ring_fds - a.ring_fds, b.fds - a.fds, b.heap - a.heap);
}

static void nop_round_trip(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);
	struct io_uring_cqe *cqe;

	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 0xfa17);
	ASSERT_EQ(io_uring_submit(ring), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 0xfa17);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(ring, cqe);
}

struct op {
	const char *name;
	int (*call)(void *arg);		/* >= 0 done, or -errno */
	void (*undo)(void *arg);	/* after success: use it, release it */
	void *arg;
	struct io_uring *ring;		/* must still work after a failure */
	/* optional, run without faults: what call works on, made and freed
	 * again each time (so that a cache it keeps is not a leak) */
	void (*prepare)(void);
	void (*finish)(void);
};

static unsigned long total_faults;

static void walk(const struct op *op)
{
	for (long n = 1;; n++) {
		struct snap before = snap(), after;
		bool hit;
		int ret;

		if (op->prepare)
			op->prepare();
		events = 0;
		fired = false;
		fault_at = n;
		ret = op->call(op->arg);
		fault_at = 0;
		hit = fired;
		if (ret >= 0)
			op->undo(op->arg);
		else if (ret <= -4096)
			t_fail("%s, fault %ld: returned %d", op->name, n, ret);
		if (op->finish)
			op->finish();
		after = snap();
		same(op->name, n, before, after);
		if (op->ring)
			nop_round_trip(op->ring);
		if (!hit) {
			if (ret < 0)
				t_fail("%s: fails with %d without a fault",
				       op->name, ret);
			/* each call here allocates or enters the kernel: a
			 * walk of 0 would mean the hooks are not in place */
			if (n == 1)
				t_fail("%s: no fault point reached", op->name);
			printf("%-34s %3ld faults walked\n", op->name, n - 1);
			total_faults += (unsigned long) (n - 1);
			return;
		}
	}
}

/* ---- setup ---------------------------------------------------------------- */

struct setup_arg {
	unsigned flags;
	struct io_uring ring;
	void *buf;		/* for init_mem */
	size_t size;
};

static int do_setup(void *v)
{
	struct setup_arg *s = v;
	struct io_uring_params p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = s->flags;
	if (s->buf)
		ret = io_uring_queue_init_mem(8, &s->ring, &p, s->buf, s->size);
	else
		ret = io_uring_queue_init_params(8, &s->ring, &p);
	if (ret < 0) {
		/* nothing half set up: the ring reads as closed */
		ASSERT_EQ(s->ring.ring_fd, -1);
		ASSERT_EQ(s->ring.enter_ring_fd, -1);
	}
	return ret;
}

static void undo_setup(void *v)
{
	struct setup_arg *s = v;

	nop_round_trip(&s->ring);
	io_uring_queue_exit(&s->ring);
}

static void walk_setup(const char *name, unsigned flags, bool mem)
{
	struct setup_arg s = { .flags = flags };
	struct op op = { name, do_setup, undo_setup, &s, NULL, NULL, NULL };

	if (flags && !t_kernel_has_setup_flags(flags)) {
		printf("%-34s (kernel lacks the flags)\n", name);
		return;
	}
	if (mem) {
		struct io_uring_params p;
		ssize_t size;

		memset(&p, 0, sizeof(p));
		p.flags = flags;
		size = io_uring_memory_size_params(8, &p);
		ASSERT_GT(size, 0);
		s.size = (size_t) size;
		s.buf = mmap(NULL, s.size, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT(s.buf != MAP_FAILED);
	}
	walk(&op);
	if (mem)
		munmap(s.buf, s.size);
}

/* ---- registration on a ring that stays -------------------------------------- */

static struct io_uring ring;
static struct io_uring_probe *probe;
static struct io_uring_buf_ring *pbuf;
static struct uringkit_bufring *ukbr;
static struct uringkit_zc_arena *arena;
static int efd, files[3];
static char bufmem[2][8192] __attribute__((aligned(4096)));

static int do_probe(void *v)
{
	(void) v;
	probe = io_uring_get_probe_ring(&ring);
	return probe ? 0 : -ENOMEM;
}

static void undo_probe(void *v)
{
	(void) v;
	ASSERT(io_uring_opcode_supported(probe, IORING_OP_NOP));
	io_uring_free_probe(probe);
}

static int do_files(void *v)
{
	(void) v;
	return io_uring_register_files(&ring, files, 3);
}

static void undo_files(void *v)
{
	(void) v;
	ASSERT_EQ(io_uring_unregister_files(&ring), 0);
}

static int do_buffers(void *v)
{
	struct iovec iov[2] = {
		{ bufmem[0], sizeof(bufmem[0]) },
		{ bufmem[1], sizeof(bufmem[1]) },
	};

	(void) v;
	return io_uring_register_buffers(&ring, iov, 2);
}

static void undo_buffers(void *v)
{
	(void) v;
	ASSERT_EQ(io_uring_unregister_buffers(&ring), 0);
}

static int do_buf_ring(void *v)
{
	int err = 1;

	pbuf = io_uring_setup_buf_ring(&ring, 8, 5, *(unsigned *) v, &err);
	if (!pbuf)
		ASSERT_LT(err, 0);
	return pbuf ? 0 : err;
}

static void undo_buf_ring(void *v)
{
	(void) v;
	ASSERT_EQ(io_uring_free_buf_ring(&ring, pbuf, 8, 5), 0);
}

static int do_ring_fd(void *v)
{
	(void) v;
	return io_uring_register_ring_fd(&ring);
}

static void undo_ring_fd(void *v)
{
	(void) v;
	nop_round_trip(&ring);	/* through the registered index */
	ASSERT_EQ(io_uring_unregister_ring_fd(&ring), 1);
}

static int do_eventfd(void *v)
{
	(void) v;
	return io_uring_register_eventfd(&ring, efd);
}

static void undo_eventfd(void *v)
{
	(void) v;
	ASSERT_EQ(io_uring_unregister_eventfd(&ring), 0);
}

static int do_ukbr(void *v)
{
	int err = 1;

	ukbr = uringkit_bufring_create(&ring, 7, *(unsigned *) v, 4096, 0,
				       &err);
	if (!ukbr)
		ASSERT_LT(err, 0);
	return ukbr ? 0 : err;
}

static void undo_ukbr(void *v)
{
	struct io_uring_cqe cqe = { 0 };
	unsigned bid = 1;

	(void) v;
	/* a buffer comes back from a (synthetic) completion and goes again */
	cqe.flags = IORING_CQE_F_BUFFER | (0U << IORING_CQE_BUFFER_SHIFT);
	cqe.res = 10;
	ASSERT_NOT_NULL(uringkit_bufring_cqe_buf(ukbr, &cqe, &bid, NULL));
	ASSERT_EQ(bid, 0);
	ASSERT_EQ(uringkit_bufring_recycle(ukbr, 0), 0);
	ASSERT_EQ(uringkit_bufring_free(ukbr), 0);
}

struct zc_arg {
	unsigned buf_index, flags;
};

static int do_arena(void *v)
{
	struct zc_arg *z = v;
	int err = 1;

	arena = uringkit_zc_arena_create(&ring, 64 << 10, z->buf_index,
					 z->flags, &err);
	if (!arena)
		ASSERT_LT(err, 0);
	return arena ? 0 : err;
}

static void undo_arena(void *v)
{
	(void) v;
	ASSERT_EQ(uringkit_zc_arena_free(arena, 0), 0);
}

/* On a fresh arena each time: the first chunk, a six-piece request. */
static char *chunk;

static void arena_make(void)
{
	int err;

	arena = uringkit_zc_arena_create(&ring, 64 << 10, 0, 0, &err);
	ASSERT_NOT_NULL(arena);
}

static void arena_make_chunk(void)
{
	arena_make();
	chunk = uringkit_zc_alloc(arena, 1000);
	ASSERT_NOT_NULL(chunk);
}

static void arena_drop(void)
{
	ASSERT_EQ(uringkit_zc_inflight(arena), 0);
	ASSERT_EQ(uringkit_zc_arena_free(arena, 0), 0);
}

static int do_zc_alloc(void *v)
{
	(void) v;
	chunk = uringkit_zc_alloc(arena, 1000);
	return chunk ? 0 : -ENOMEM;
}

static void undo_zc_alloc(void *v)
{
	(void) v;
	ASSERT_EQ(uringkit_zc_free(arena, chunk), 0);
}

static int do_zc_prep(void *v)
{
	struct io_uring_sqe *sqe = t_get_sqe(&ring);
	struct iovec iov[6];
	struct msghdr msg;
	int ret;

	(void) v;
	for (int i = 0; i < 6; i++)
		iov[i] = (struct iovec) { chunk + 100 * i, 50 };
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 6;
	ret = uringkit_zc_prep_sendmsg(arena, sqe, 0, &msg, 0);
	if (ret < 0)
		ASSERT_EQ(io_uring_sq_ready(&ring), 0);	/* sqe given back */
	return ret;
}

static void undo_zc_prep(void *v)
{
	struct io_uring_cqe cqe = { 0 };
	struct io_uring_sq *sq = &ring.sq;
	struct io_uring_sqe *sqe = &sq->sqes[(sq->sqe_tail - 1) & sq->ring_mask];

	(void) v;
	/* not submitted: end it with a synthetic failed result, take the
	 * SQE back */
	cqe.user_data = sqe->user_data;
	cqe.res = -ECANCELED;
	ASSERT_EQ(uringkit_zc_complete(arena, &cqe, NULL),
		  URINGKIT_ZC_RESULT | URINGKIT_ZC_DONE);
	sq->sqe_tail--;
	ASSERT_EQ(uringkit_zc_inflight(arena), 0);
}

int main(void)
{
	unsigned pbuf_plain = 0, pbuf_mmap = IOU_PBUF_RING_MMAP;
	unsigned one = 1, many = 64;
	struct zc_arg zc0 = { 0, 0 }, zc3 = { 3, 0 },
		      zch = { 0, URINGKIT_ZC_ARENA_HUGE };

	t_ring_init(&ring, 8, NULL);

	walk_setup("setup", 0, false);
	walk_setup("setup SQPOLL", IORING_SETUP_SQPOLL, false);
	walk_setup("setup NO_MMAP (library memory)", IORING_SETUP_NO_MMAP,
		   false);
	walk_setup("setup SQE128|CQE32",
		   IORING_SETUP_SQE128 | IORING_SETUP_CQE32, false);
	walk_setup("setup DEFER_TASKRUN",
		   IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
		   false);
	walk_setup("setup NO_SQARRAY", IORING_SETUP_NO_SQARRAY, false);
	walk_setup("setup REGISTERED_FD_ONLY",
		   IORING_SETUP_NO_MMAP | IORING_SETUP_REGISTERED_FD_ONLY,
		   false);
	walk_setup("queue_init_mem", 0, true);
	walk_setup("queue_init_mem SQE128|CQE32",
		   IORING_SETUP_SQE128 | IORING_SETUP_CQE32, true);

	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_GE(efd, 0);
	for (int i = 0; i < 3; i++)
		files[i] = efd;
	{
#define OP(name, fn, arg) \
	{ name, do_##fn, undo_##fn, arg, &ring, NULL, NULL }
		const struct op ops[] = {
			OP("get_probe_ring", probe, NULL),
			OP("register_files", files, NULL),
			OP("register_buffers", buffers, NULL),
			OP("setup_buf_ring", buf_ring, &pbuf_plain),
			OP("setup_buf_ring PBUF_RING_MMAP", buf_ring,
			   &pbuf_mmap),
			OP("register_ring_fd", ring_fd, NULL),
			OP("register_eventfd", eventfd, NULL),
			OP("uringkit_bufring_create 1", ukbr, &one),
			OP("uringkit_bufring_create 64", ukbr, &many),
			OP("uringkit_zc_arena_create", arena, &zc0),
			OP("uringkit_zc_arena_create index 3", arena, &zc3),
			OP("uringkit_zc_arena_create HUGE", arena, &zch),
		};
#undef OP

		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			walk(&ops[i]);
	}

	{
		const struct op alloc = { "uringkit_zc_alloc (first chunk)",
					  do_zc_alloc, undo_zc_alloc, NULL,
					  &ring, arena_make, arena_drop };
		const struct op prep = { "uringkit_zc_prep_sendmsg 6 pieces",
					 do_zc_prep, undo_zc_prep, NULL,
					 &ring, arena_make_chunk, arena_drop };

		walk(&alloc);
		walk(&prep);
	}

	printf("%lu faults walked in all\n", total_faults);
	close(efd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
