/* SPDX-License-Identifier: MIT */
/*
 * uringkit extension: ring setup that adapts to the kernel, and a memlock
 * preflight.
 *
 * Many setup flags are optimisations a program can live without: SQPOLL,
 * the task-run modes, SINGLE_ISSUER, NO_SQARRAY. A kernel too old for one
 * of them, or a combination it refuses, fails the whole
 * io_uring_queue_init_params() with -EINVAL. uringkit_setup_adapt() takes
 * the flags a program would like, drops the optional ones the kernel
 * refuses, one at a time in the order of URINGKIT_SETUP_OPTIONAL below,
 * and reports which it kept and which it dropped. Flags that change what
 * the program sees (SQE128, CQE32, NO_MMAP, IOPOLL, R_DISABLED, CQSIZE,
 * ...) are never dropped: a refusal of those is the caller's error.
 *
 * uringkit_memlock_check() says whether RLIMIT_MEMLOCK has room for a
 * ring and a size of registered buffers, and how far to raise it if not.
 */
#ifndef URINGKIT_SETUP_H
#define URINGKIT_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <liburing.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The flags uringkit_setup_adapt() may drop, in the order it tries them.
 * A dropped flag takes the flags that need it along: SQ_AFF goes with
 * SQPOLL, DEFER_TASKRUN with SINGLE_ISSUER, TASKRUN_FLAG with the last of
 * COOP_TASKRUN and DEFER_TASKRUN, HYBRID_IOPOLL never needs dropping
 * because IOPOLL is kept.
 */
#define URINGKIT_SETUP_OPTIONAL						\
	(IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF |			\
	 IORING_SETUP_HYBRID_IOPOLL | IORING_SETUP_DEFER_TASKRUN |	\
	 IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_COOP_TASKRUN |	\
	 IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_NO_SQARRAY |		\
	 IORING_SETUP_SUBMIT_ALL)

struct uringkit_setup_report {
	unsigned int wanted;	/* p->flags on entry */
	unsigned int kept;	/* the flags the ring was set up with */
	unsigned int dropped;	/* wanted & ~kept */
	unsigned int attempts;	/* io_uring_setup() calls made */
	int last_refusal;	/* errno of the last refused attempt, or 0 */
};

/*
 * io_uring_queue_init_params(entries, ring, p) with p->flags as the
 * wanted flags. If the kernel refuses (-EINVAL, -EPERM or -EOPNOTSUPP),
 * drop the next optional flag in this order and try again:
 *   1. SQPOLL (and SQ_AFF)       5. COOP_TASKRUN
 *   2. HYBRID_IOPOLL             6. SINGLE_ISSUER
 *   3. DEFER_TASKRUN             7. NO_SQARRAY
 *   4. TASKRUN_FLAG              8. SUBMIT_ALL
 * Once a set works, every dropped flag is tried again on top of it, one
 * by one, the latest dropped first, and kept when the kernel accepts it:
 * only flags that are in the way stay dropped. A flag whose companion is
 * missing (DEFER_TASKRUN without SINGLE_ISSUER, SQ_AFF without SQPOLL,
 * TASKRUN_FLAG without a task-run mode) goes together with the flag
 * dropped.
 *
 * On success returns 0, the ring is set up, *p holds what the kernel
 * returned (p->flags the kept flags) and *rep (if not NULL) the report.
 * On failure returns a negative errno, ring is untouched, *p is unchanged
 * and *rep still says what was tried: -EINVAL for NULL ring or p, or the
 * refusal of the smallest set tried, or the first error that is not a
 * refusal (-ENOMEM, -EMFILE, ...).
 */
int uringkit_setup_adapt(unsigned int entries, struct io_uring *ring,
			 struct io_uring_params *p,
			 struct uringkit_setup_report *rep);

struct uringkit_memlock {
	unsigned long long ring_bytes;	/* memory of the ring itself */
	unsigned long long ring_locked;	/* of that, charged to RLIMIT_MEMLOCK
					 * (0 on Linux 5.12 and later) */
	unsigned long long buf_bytes;	/* registered buffers, page-rounded */
	unsigned long long need;	/* ring_locked + buf_bytes */
	unsigned long long limit;	/* RLIMIT_MEMLOCK soft limit, bytes;
					 * ULLONG_MAX when unlimited */
	bool cap_ipc_lock;		/* CAP_IPC_LOCK: no limit applies */
	bool enough;			/* need fits (or no limit applies) */
	unsigned long long raise_kib;	/* if not enough: `ulimit -l` value
					 * (KiB) that fits need */
};

/*
 * Memlock preflight for a ring of entries entries set up with p (flags and
 * sizes; NULL for defaults) plus buf_bytes bytes of registered buffers.
 * Fills *out and returns 0, or -EINVAL (out NULL, entries 0 or above the
 * kernel's limit). The limit counts per user: memory this user locked
 * elsewhere (other rings, mlock()) shares it, so leave headroom.
 */
int uringkit_memlock_check(unsigned int entries,
			   const struct io_uring_params *p, size_t buf_bytes,
			   struct uringkit_memlock *out);

#ifdef __cplusplus
}
#endif

#endif /* URINGKIT_SETUP_H */
