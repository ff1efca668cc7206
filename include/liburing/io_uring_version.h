/* SPDX-License-Identifier: MIT */
#ifndef LIBURING_VERSION_H
#define LIBURING_VERSION_H

/*
 * The liburing API level uringkit implements. Programs test it with
 * IO_URING_CHECK_VERSION(), which (as in liburing) is true when the headers
 * are OLDER than the version asked for.
 */
#define IO_URING_VERSION_MAJOR 2
#define IO_URING_VERSION_MINOR 16

/* uringkit's own release, independent of the API level above. */
#define URINGKIT_VERSION_MAJOR 0
#define URINGKIT_VERSION_MINOR 1

#endif
