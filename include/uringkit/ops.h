/* SPDX-License-Identifier: MIT */
/*
 * uringkit extension: what the library knows about each io_uring opcode.
 *
 * One table inside liburing.so.2 records, for every IORING_OP_* value the
 * library was built with, its name ("READV", without the IORING_OP_ prefix,
 * upper case) and the kernel release that added it. Tools use it for
 * readable probes and error messages; it never decides what the running
 * kernel supports (ask io_uring_get_probe() for that).
 *
 * Kernel releases are encoded as major * 100 + minor: 501 is Linux 5.1,
 * 618 is Linux 6.18.
 */
#ifndef URINGKIT_OPS_H
#define URINGKIT_OPS_H

#ifdef __cplusplus
extern "C" {
#endif

/* major * 100 + minor, the encoding uringkit_op_kernel() returns. */
#define URINGKIT_KERNEL_VERSION(major, minor)	((major) * 100 + (minor))

/* Name of an opcode ("NOP", "READV", ...), or NULL if op is out of range. */
const char *uringkit_op_name(int op);

/* Kernel release that added op (major * 100 + minor), or -EINVAL. */
int uringkit_op_kernel(int op);

/* Number of opcodes this library knows: its IORING_OP_LAST. */
int uringkit_op_count(void);

/*
 * Opcode for a name, case-insensitive, with or without the "IORING_OP_"
 * prefix ("readv", "IORING_OP_READV"), or -ENOENT.
 */
int uringkit_op_lookup(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* URINGKIT_OPS_H */
