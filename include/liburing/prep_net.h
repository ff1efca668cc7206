/* SPDX-License-Identifier: MIT */
#ifndef LIBURING_PREP_NET_H
#define LIBURING_PREP_NET_H

#ifndef LIB_URING_H
#error "include <liburing.h>, not <liburing/prep_net.h>"
#endif

#endif
