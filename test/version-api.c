/* SPDX-License-Identifier: MIT */
/*
 * io_uring_major_version()/minor_version() report the headers' version;
 * io_uring_check_version() and IO_URING_CHECK_VERSION() use liburing's
 * inverted sense: true when the library/headers are OLDER than asked.
 */
#include <stdio.h>
#include "test.h"

int main(void)
{
	const int maj = IO_URING_VERSION_MAJOR, min = IO_URING_VERSION_MINOR;

	ASSERT_EQ(io_uring_major_version(), maj);
	ASSERT_EQ(io_uring_minor_version(), min);
	ASSERT_EQ(maj, 2);
	ASSERT_GE(min, 0);

	/* Not older than itself, nor than anything before it. */
	ASSERT(!io_uring_check_version(maj, min));
	ASSERT(!io_uring_check_version(2, 0));
	ASSERT(!io_uring_check_version(1, 99));
	ASSERT(!io_uring_check_version(0, 0));
	if (min > 0)
		ASSERT(!io_uring_check_version(maj, min - 1));
	/* Older than anything after it. */
	ASSERT(io_uring_check_version(maj, min + 1));
	ASSERT(io_uring_check_version(maj, 1000));
	ASSERT(io_uring_check_version(3, 0));
	ASSERT(io_uring_check_version(maj + 1, 0));

	/* The macro agrees (it is evaluated at compile time). */
	ASSERT(!IO_URING_CHECK_VERSION(2, 0));
	ASSERT(!IO_URING_CHECK_VERSION(IO_URING_VERSION_MAJOR,
				       IO_URING_VERSION_MINOR));
	ASSERT(IO_URING_CHECK_VERSION(IO_URING_VERSION_MAJOR,
				      IO_URING_VERSION_MINOR + 1));
	ASSERT(IO_URING_CHECK_VERSION(3, 0));
#if IO_URING_CHECK_VERSION(2, 0)
#error "IO_URING_CHECK_VERSION(2, 0) must be false in the preprocessor too"
#endif
#if !IO_URING_CHECK_VERSION(3, 0)
#error "IO_URING_CHECK_VERSION(3, 0) must be true in the preprocessor too"
#endif
	for (int m = 0; m <= min + 2; m++)
		ASSERT_EQ(io_uring_check_version(2, m),
			  IO_URING_CHECK_VERSION(2, m));
	printf("liburing API %d.%d\n", io_uring_major_version(),
	       io_uring_minor_version());
	return T_EXIT_PASS;
}
