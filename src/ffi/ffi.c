/* SPDX-License-Identifier: MIT */
/*
 * liburing-ffi.so: every inline helper of <liburing.h> as a real, exported
 * function, for language bindings that cannot use C inline code. There is
 * no second copy of any helper: defining IOURINGINLINE before the header
 * turns the header's own definitions into external ones, here, once.
 * Which of them are exported, and under which version node, is decided by
 * src/liburing-ffi.map.
 */
#define IOURINGINLINE __attribute__((visibility("default")))

#include "internal/ring.h"
