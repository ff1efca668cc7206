/* SPDX-License-Identifier: MIT */
/*
 * uringkit: memory-ordering primitives for the shared SQ/CQ rings.
 *
 * The rings are plain memory shared with the kernel, so every access that
 * publishes or consumes an index must be ordered:
 *  - the producer fills entries, then publishes the new tail with a release
 *    store (SQ: us -> kernel; CQ: kernel -> us);
 *  - the consumer reads the tail with an acquire load before reading the
 *    entries it covers, and hands slots back by storing the head with release.
 *  - io_uring_smp_mb() is the full barrier needed where a store must be
 *    visible before a later load (SQPOLL: publish the SQ tail, then read the
 *    NEED_WAKEUP flag).
 * Both C11 and GNU builtins express this; the GNU __atomic builtins are used
 * so that the header also works from C++ without <atomic>.
 */
#ifndef LIBURING_BARRIER_H
#define LIBURING_BARRIER_H

#define IO_URING_WRITE_ONCE(var, val) \
	__atomic_store_n(&(var), (val), __ATOMIC_RELAXED)
#define IO_URING_READ_ONCE(var) \
	__atomic_load_n(&(var), __ATOMIC_RELAXED)

#define io_uring_smp_store_release(p, v) \
	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define io_uring_smp_load_acquire(p) \
	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define io_uring_smp_mb() \
	__atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif
