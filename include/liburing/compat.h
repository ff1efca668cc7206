/* SPDX-License-Identifier: MIT */
#ifndef LIBURING_COMPAT_H
#define LIBURING_COMPAT_H

/*
 * Kernel types the liburing API mentions in its prototypes. Debian 12's
 * kernel headers have all of them; they are pulled in here (and not in
 * liburing.h) because liburing programs include this file by name.
 */
#include <linux/time_types.h>	/* struct __kernel_timespec */
#include <linux/openat2.h>	/* struct open_how */
#include <linux/futex.h>	/* struct futex_waitv (Linux 5.16) */

/* futex2 flags (Linux 6.7) that io_uring_prep_futex_* take; 6.1 lacks them. */
#ifndef FUTEX2_SIZE_U8
#define FUTEX2_SIZE_U8		0x00
#define FUTEX2_SIZE_U16		0x01
#define FUTEX2_SIZE_U32		0x02
#define FUTEX2_SIZE_U64		0x03
#define FUTEX2_NUMA		0x04
#define FUTEX2_SIZE_MASK	0x03
#endif
#ifndef FUTEX2_PRIVATE
#define FUTEX2_PRIVATE		128	/* FUTEX_PRIVATE_FLAG */
#endif

#endif
