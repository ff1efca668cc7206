/* SPDX-License-Identifier: MIT */
/*
 * The io_uring system calls, issued directly so that the library never
 * touches errno: every wrapper returns the kernel's result, a negative errno
 * on failure. This is the one place where kernel errors enter the library.
 */
#ifndef URINGKIT_INTERNAL_SYSCALL_H
#define URINGKIT_INTERNAL_SYSCALL_H

#include <sys/syscall.h>
#include <errno.h>
#include <unistd.h>

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup	425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter	426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register	427
#endif

#ifdef URINGKIT_FAULT_INJECTION
/*
 * The fault-injection test build only (test/fault/): every call below
 * goes through a hook of the test's, which may fail it. The definitions
 * name the function in parentheses, which this macro does not touch; the
 * normal build never sees it.
 */
long uk__fault_syscall6(long n, long a, long b, long c, long d, long e,
			long f);
#define uk__syscall6(n, a, b, c, d, e, f) \
	uk__fault_syscall6(n, a, b, c, d, e, f)
#endif

#if defined(__x86_64__)
static inline long (uk__syscall6)(long n, long a, long b, long c, long d,
				long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
static inline long (uk__syscall6)(long n, long a, long b, long c, long d,
				long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc 0"
			 : "=r"(x0)
			 : "r"(x8), "0"(x0), "r"(x1), "r"(x2), "r"(x3),
			   "r"(x4), "r"(x5)
			 : "memory", "cc");
	return x0;
}
#else
/* Portable fallback: libc's syscall(), with errno restored afterwards. */
static inline long (uk__syscall6)(long n, long a, long b, long c, long d,
				long e, long f)
{
	int saved = errno;
	long ret = syscall(n, a, b, c, d, e, f);

	if (ret < 0) {
		ret = -errno;
		errno = saved;
	}
	return ret;
}
#endif

/*
 * Memory and fd calls the library makes, also returning -errno. mmap()
 * returns 0 and the address in *out, or -errno with *out untouched: the
 * kernel's answer is an address or, in the last page of the address space,
 * a negative errno, and this is the one place that tells them apart.
 */
static inline int uk__mmap(void **out, size_t len, int prot, int flags,
			   int fd, long off)
{
	long ret = uk__syscall6(__NR_mmap, 0, (long) len, prot, flags, fd, off);

	if ((unsigned long) ret >= (unsigned long) -4095L)
		return (int) ret;
	*out = (void *) ret;
	return 0;
}

static inline int uk__munmap(void *addr, size_t len)
{
	return (int) uk__syscall6(__NR_munmap, (long) addr, (long) len,
				  0, 0, 0, 0);
}

static inline int uk__madvise(void *addr, size_t len, int advice)
{
	return (int) uk__syscall6(__NR_madvise, (long) addr, (long) len,
				  advice, 0, 0, 0);
}

static inline int uk__close(int fd)
{
	return (int) uk__syscall6(__NR_close, fd, 0, 0, 0, 0, 0);
}

static inline int uk__sys_setup(unsigned entries, void *p)
{
	return (int) uk__syscall6(__NR_io_uring_setup, entries, (long) p,
				  0, 0, 0, 0);
}

static inline int uk__sys_enter2(unsigned fd, unsigned to_submit,
				 unsigned min_complete, unsigned flags,
				 const void *arg, size_t sz)
{
	return (int) uk__syscall6(__NR_io_uring_enter, fd, to_submit,
				  min_complete, flags, (long) arg, (long) sz);
}

static inline int uk__sys_register(unsigned fd, unsigned opcode,
				   const void *arg, unsigned nr_args)
{
	return (int) uk__syscall6(__NR_io_uring_register, fd, opcode,
				  (long) arg, nr_args, 0, 0);
}

#endif
