/* SPDX-License-Identifier: MIT */
#ifndef LIBURING_PREP_FILE_H
#define LIBURING_PREP_FILE_H

#ifndef LIB_URING_H
#error "include <liburing.h>, not <liburing/prep_file.h>"
#endif

#endif
