/* SPDX-License-Identifier: MIT */
/* The API level of the library that is actually loaded. */
#include "internal/ring.h"

UK_EXPORT int io_uring_major_version(void)
{
	return IO_URING_VERSION_MAJOR;
}

UK_EXPORT int io_uring_minor_version(void)
{
	return IO_URING_VERSION_MINOR;
}

/* liburing's convention: true when this library is older than major.minor. */
UK_EXPORT bool io_uring_check_version(int major, int minor)
{
	return IO_URING_CHECK_VERSION(major, minor);
}
