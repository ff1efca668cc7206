/* SPDX-License-Identifier: MIT */
/*
 * Fault-injection walk (issue 10). Built against the library's sources
 * compiled with URINGKIT_FAULT_INJECTION, so that every system call the
 * library makes goes through uk__fault_syscall6() below, and linked with
 * --wrap for malloc, calloc, realloc and free, so that every allocation
 * does too. For each call under test (ring setup in several flavours,
 * io_uring_queue_init_mem, registrations, uringkit_bufring, the
 * uringkit_zc arena, and the lifecycle extensions: receives, request
 * tables, wakers, adaptive setup, full transfers) the walk makes the Nth allocation or system call
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
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <liburing.h>
#include <sys/socket.h>
#include <uringkit/bufring.h>
#include <uringkit/recv.h>
#include <uringkit/req.h>
#include <uringkit/setup.h>
#include <uringkit/wake.h>
#include <uringkit/xfer.h>
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
	case __NR_eventfd2:	/* the eventfd waker's fd */
		if (fail_now())
			return -EMFILE;
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
static bool verbose;		/* FAULT_WALK_VERBOSE=1: each fault's result */

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
		if (verbose && hit)
			fprintf(stderr, "%s, fault %ld: %d\n", op->name, n, ret);
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

/* ---- the lifecycle extensions ---------------------------------------------- */

/* uringkit_setup_adapt: a fault is a failure, never a refusal. */
static int do_adapt(void *v)
{
	struct setup_arg *s = v;
	struct uringkit_setup_report rep;
	struct io_uring_params p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = s->flags;
	ret = uringkit_setup_adapt(8, &s->ring, &p, &rep);
	if (ret < 0) {
		ASSERT_EQ(p.flags, s->flags);	/* *p unchanged */
		ASSERT_EQ(rep.kept, 0);
	} else {
		ASSERT_EQ(rep.kept, p.flags);
		ASSERT_EQ(rep.kept | rep.dropped, s->flags);
		ASSERT_EQ(rep.kept & rep.dropped, 0);
	}
	return ret;
}

static void walk_adapt(const char *name, unsigned flags)
{
	struct setup_arg s = { .flags = flags };
	struct op op = { name, do_adapt, undo_setup, &s, NULL, NULL, NULL };

	walk(&op);
}

/* uringkit_reqtab_create, then one tracked NOP through it. */
static struct uringkit_reqtab *reqtab;
static int releases;

static void count_release(void *user)
{
	(void) user;
	releases++;
}

static int do_reqtab(void *v)
{
	int err = 1;

	reqtab = uringkit_reqtab_create(&ring, *(unsigned *) v, &err);
	if (!reqtab)
		ASSERT_LT(err, 0);
	return reqtab ? 0 : err;
}

static void undo_reqtab(void *v)
{
	struct uringkit_req_desc d = { NULL, count_release, NULL, -1, 0 };
	struct uringkit_req_event ev;
	struct io_uring_sqe *sqe = t_get_sqe(&ring);
	struct io_uring_cqe *cqe;
	int id;

	(void) v;
	releases = 0;
	io_uring_prep_nop(sqe);
	id = uringkit_req_track(reqtab, sqe, &d);
	ASSERT_GE(id, 0);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(uringkit_reqtab_complete(reqtab, cqe, &ev),
		  URINGKIT_REQ_EVENT | URINGKIT_REQ_FINAL);
	ASSERT_EQ(ev.id, id);
	io_uring_cqe_seen(&ring, cqe);
	ASSERT_EQ(releases, 1);
	ASSERT_EQ(uringkit_reqtab_free(reqtab, 0), 0);
}

/*
 * uringkit_reqtab_drain of a poll that never fires, holding a dup of the
 * eventfd that the table closes at release: after a failed drain the
 * request is still tracked (a second drain ends it), and its fd is closed
 * exactly once either way (the fd count says so).
 */
static void drain_make(void)
{
	struct uringkit_req_desc d = { NULL, count_release, NULL, -1,
				       URINGKIT_REQ_CLOSE_FD };
	struct io_uring_sqe *sqe;
	int err;

	reqtab = uringkit_reqtab_create(&ring, 4, &err);
	ASSERT_NOT_NULL(reqtab);
	d.fd = dup(efd);
	ASSERT_GE(d.fd, 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_poll_add(sqe, d.fd, POLLIN);
	ASSERT_GE(uringkit_req_track(reqtab, sqe, &d), 0);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	releases = 0;
}

static int do_drain(void *v)
{
	struct uringkit_drain_report rep;
	int ret;

	(void) v;
	ret = uringkit_reqtab_drain(reqtab, -1, 5000, &rep, NULL, NULL);
	/* a cancel that never reached the kernel is not a request that
	 * outlived the deadline (it was, until the failed submit counted) */
	ASSERT_NE(ret, -ETIME);
	if (!ret) {
		ASSERT_EQ(rep.cancelled, 1);
		ASSERT_EQ(rep.completed, 1);
		ASSERT_EQ(rep.still_running, 0);
	}
	return ret;
}

static void undo_drain(void *v)
{
	(void) v;
	ASSERT_EQ(uringkit_reqtab_inflight(reqtab, -1), 0);
}

static void drain_finish(void)
{
	struct uringkit_drain_report rep;

	if (uringkit_reqtab_inflight(reqtab, -1))
		ASSERT_EQ(uringkit_reqtab_drain(reqtab, -1, 5000, &rep, NULL,
						NULL), 0);
	ASSERT_EQ(releases, 1);
	ASSERT_EQ(uringkit_reqtab_free(reqtab, 0), 0);
}

/*
 * Receives, on a stream socket pair: create (plain and incremental, which
 * asks the socket's type), arm with a full SQ (which must submit to make
 * room), stop while armed.
 */
#define RECV_UD	0x4ec7ULL
#define NOP_UD	0xf111ULL

static int sv[2];
static unsigned br_flags;
static struct uringkit_recv *rv;
static unsigned nops_queued;
static int call_ret;

static void br_make(void)
{
	int err;

	ukbr = uringkit_bufring_create(&ring, 9, 4, 4096, br_flags, &err);
	ASSERT_NOT_NULL(ukbr);
	rv = NULL;
	nops_queued = 0;
}

/* Reap until the NOPs queued have completed and, if armed, rv has ended. */
static void recv_settle(bool armed)
{
	while (nops_queued || armed) {
		struct io_uring_cqe *cqe = t_wait_cqe(&ring);
		struct uringkit_recv_event ev;

		if (cqe->user_data == NOP_UD) {
			nops_queued--;
		} else {
			ASSERT_EQ(cqe->user_data, RECV_UD);
			if (uringkit_recv_complete(rv, cqe, &ev) == 1) {
				if (ev.pieces.nr)
					ASSERT_GE(uringkit_pieces_give_back(
							&ev.pieces), 0);
				if (ev.end) {
					ASSERT_EQ(ev.end, -ECANCELED);
					armed = false;
				}
			}
		}
		io_uring_cqe_seen(&ring, cqe);
	}
}

static void br_drop(void)
{
	ASSERT_EQ(uringkit_recv_free(rv), 0);
	ASSERT_EQ(uringkit_bufring_free(ukbr), 0);
}

static int do_recv_create(void *v)
{
	int err = 1;

	rv = uringkit_recv_create(&ring, ukbr, sv[0], *(unsigned *) v, NULL,
				  RECV_UD, &err);
	if (!rv)
		ASSERT_LT(err, 0);
	return rv ? 0 : err;
}

/* The receive works: data arrives in a buffer, a stop ends it. */
static void undo_recv_create(void *v)
{
	struct uringkit_recv_event ev;
	struct io_uring_cqe *cqe;
	unsigned len;
	char *p;

	(void) v;
	ASSERT_EQ(uringkit_recv_arm(rv), 0);
	ASSERT_EQ(io_uring_submit(&ring), 1);
	ASSERT_EQ(write(sv[1], "fault", 5), 5);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(uringkit_recv_complete(rv, cqe, &ev), 1);
	io_uring_cqe_seen(&ring, cqe);
	ASSERT_EQ(ev.end, 0);
	ASSERT_EQ(ev.pieces.nr, 1);
	p = uringkit_pieces_next(&ev.pieces, &len);
	ASSERT_EQ(len, 5);
	ASSERT_MEM_EQ(p, "fault", 5);
	ASSERT_GE(uringkit_pieces_give_back(&ev.pieces), 0);
	ASSERT_EQ(uringkit_recv_stop(rv), 0);
	recv_settle(true);
}

static void recv_made(void)
{
	int err;

	br_make();
	rv = uringkit_recv_create(&ring, ukbr, sv[0], 0, NULL, RECV_UD, &err);
	ASSERT_NOT_NULL(rv);
}

static void recv_made_sq_full(void)
{
	struct io_uring_sqe *sqe;

	recv_made();
	while ((sqe = io_uring_get_sqe(&ring)) != NULL) {
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, NOP_UD);
		nops_queued++;
	}
}

static int do_recv_arm(void *v)
{
	(void) v;
	call_ret = uringkit_recv_arm(rv);
	return call_ret;
}

static void undo_recv_arm(void *v)
{
	(void) v;
	ASSERT_EQ(io_uring_submit(&ring), 1);	/* the NOPs went first */
	ASSERT_EQ(uringkit_recv_stop(rv), 0);
}

static void recv_arm_finish(void)
{
	if (call_ret < 0)	/* the NOPs are still queued */
		ASSERT_EQ(io_uring_submit(&ring), (int) nops_queued);
	recv_settle(call_ret == 0);
	br_drop();
}

static void recv_made_armed(void)
{
	recv_made();
	ASSERT_EQ(uringkit_recv_arm(rv), 0);
	ASSERT_EQ(io_uring_submit(&ring), 1);
}

static int do_recv_stop(void *v)
{
	(void) v;
	call_ret = uringkit_recv_stop(rv);
	return call_ret;
}

static void undo_nothing(void *v)
{
	(void) v;
}

static void recv_stop_finish(void)
{
	if (call_ret < 0)	/* still armed: nothing changed */
		ASSERT_EQ(uringkit_recv_stop(rv), 0);
	recv_settle(true);
	br_drop();
}

/* uringkit_wake_create in each mode, then one wake through it. */
#define WAKE_UD	0x3a4eULL
static struct uringkit_wake *waker;

static int do_wake(void *v)
{
	int err = 1;

	waker = uringkit_wake_create(&ring, WAKE_UD, *(int *) v, &err);
	/* walked only where the kernel has the mode: a failed allocation or
	 * probe is not a missing feature (it was, for the probe) */
	if (!waker)
		ASSERT(err < 0 && err != -EOPNOTSUPP);
	return waker ? 0 : err;
}

static void undo_wake_free(struct uringkit_wake *w);

static void undo_wake(void *v)
{
	unsigned long long wakes = 0;
	struct io_uring_cqe *cqe;

	(void) v;
	ASSERT_EQ(uringkit_wake_send(waker), 0);
	cqe = t_wait_cqe(&ring);
	ASSERT_EQ(uringkit_wake_handle(waker, cqe, &wakes), 1);
	ASSERT_EQ(wakes, 1);
	io_uring_cqe_seen(&ring, cqe);
	undo_wake_free(waker);
}

static void undo_wake_free(struct uringkit_wake *w)
{
	struct io_uring_cqe *cqe;
	int mode = uringkit_wake_mode(w);

	ASSERT_EQ(uringkit_wake_free(w), 0);
	if (mode == URINGKIT_WAKE_EVENTFD) {
		/* the cancelled poll's last CQE */
		cqe = t_wait_cqe(&ring);
		ASSERT_EQ(cqe->user_data, WAKE_UD);
		ASSERT_EQ(cqe->res, -ECANCELED);
		io_uring_cqe_seen(&ring, cqe);
	}
}

static bool wake_mode_works(int mode)
{
	int err;
	struct uringkit_wake *w = uringkit_wake_create(&ring, WAKE_UD, mode,
						       &err);

	if (!w) {
		ASSERT_EQ(err, -EOPNOTSUPP);
		return false;
	}
	undo_wake_free(w);
	return true;
}

/* A failed poll arm leaves its SQE as a CQE-less NOP: send it on. */
static void flush_sq(void)
{
	if (io_uring_sq_ready(&ring))
		ASSERT_GE(io_uring_submit(&ring), 1);
}

/* uringkit_read_full from a pipe that holds the data: enters to submit. */
static int pipefd[2];
static char xfer_buf[100];

static void pipe_fill(void)
{
	t_fill(xfer_buf, sizeof(xfer_buf), 7);
	ASSERT_EQ(write(pipefd[1], xfer_buf, sizeof(xfer_buf)),
		  (ssize_t) sizeof(xfer_buf));
	memset(xfer_buf, 0, sizeof(xfer_buf));
}

static int do_read_full(void *v)
{
	(void) v;
	return (int) uringkit_read_full(&ring, pipefd[0], xfer_buf,
					sizeof(xfer_buf), URINGKIT_XFER_CUR_POS);
}

static void undo_read_full(void *v)
{
	char want[sizeof(xfer_buf)];

	(void) v;
	t_fill(want, sizeof(want), 7);
	ASSERT_MEM_EQ(xfer_buf, want, sizeof(want));
}

static void pipe_empty(void)
{
	char sink[sizeof(xfer_buf)];

	flush_sq();
	while (read(pipefd[0], sink, sizeof(sink)) > 0)
		;
}

int main(void)
{
	unsigned pbuf_plain = 0, pbuf_mmap = IOU_PBUF_RING_MMAP;
	unsigned one = 1, many = 64;
	struct zc_arg zc0 = { 0, 0 }, zc3 = { 3, 0 },
		      zch = { 0, URINGKIT_ZC_ARENA_HUGE };

	verbose = getenv("FAULT_WALK_VERBOSE") != NULL;
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

	walk_adapt("uringkit_setup_adapt COOP|SINGLE",
		   IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG |
		   IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_NO_SQARRAY);
	/* refused together: SQPOLL is dropped, then tried again */
	walk_adapt("uringkit_setup_adapt SQPOLL|DEFER",
		   IORING_SETUP_SQPOLL | IORING_SETUP_SINGLE_ISSUER |
		   IORING_SETUP_DEFER_TASKRUN);

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ASSERT_EQ(pipe2(pipefd, O_CLOEXEC | O_NONBLOCK), 0);
	{
		unsigned cap = 64, plain = 0;
		int mode_best = 0, mode_msg = URINGKIT_WAKE_MSG_RING,
		    mode_efd = URINGKIT_WAKE_EVENTFD;
		const struct op ops[] = {
			{ "uringkit_reqtab_create", do_reqtab, undo_reqtab,
			  &cap, &ring, NULL, NULL },
			{ "uringkit_reqtab_drain", do_drain, undo_drain, NULL,
			  &ring, drain_make, drain_finish },
			{ "uringkit_recv_create", do_recv_create,
			  undo_recv_create, &plain, &ring, br_make, br_drop },
			{ "uringkit_recv_arm (SQ full)", do_recv_arm,
			  undo_recv_arm, NULL, &ring, recv_made_sq_full,
			  recv_arm_finish },
			{ "uringkit_recv_stop (armed)", do_recv_stop,
			  undo_nothing, NULL, &ring, recv_made_armed,
			  recv_stop_finish },
			{ "uringkit_wake_create (best)", do_wake, undo_wake,
			  &mode_best, &ring, NULL, flush_sq },
			{ "uringkit_wake_create MSG_RING", do_wake, undo_wake,
			  &mode_msg, &ring, NULL, flush_sq },
			{ "uringkit_wake_create EVENTFD", do_wake, undo_wake,
			  &mode_efd, &ring, NULL, flush_sq },
			{ "uringkit_read_full (pipe)", do_read_full,
			  undo_read_full, NULL, &ring, pipe_fill, pipe_empty },
		};

		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			if (ops[i].call == do_wake && !wake_mode_works(
					*(int *) ops[i].arg)) {
				printf("%-34s (kernel lacks the mode)\n",
				       ops[i].name);
				continue;
			}
			walk(&ops[i]);
		}
	}
	{
		unsigned plain = 0;
		const struct op inc = { "uringkit_recv_create INC",
					do_recv_create, undo_recv_create,
					&plain, &ring, br_make, br_drop };

		br_flags = URINGKIT_BUFRING_INC;
		if (t_kernel_at_least(6, 12, false))
			walk(&inc);
		br_flags = 0;
	}
	close(sv[0]);
	close(sv[1]);
	close(pipefd[0]);
	close(pipefd[1]);

	printf("%lu faults walked in all\n", total_faults);
	close(efd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
