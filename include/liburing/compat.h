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

#endif
