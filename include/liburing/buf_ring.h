/* SPDX-License-Identifier: MIT */
#ifndef LIBURING_BUF_RING_H
#define LIBURING_BUF_RING_H

#ifndef LIB_URING_H
#error "include <liburing.h>, not <liburing/buf_ring.h>"
#endif

#endif
