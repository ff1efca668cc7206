/* SPDX-License-Identifier: MIT */
#ifndef LIBURING_PREP_EVENT_H
#define LIBURING_PREP_EVENT_H

#ifndef LIB_URING_H
#error "include <liburing.h>, not <liburing/prep_event.h>"
#endif

#endif
