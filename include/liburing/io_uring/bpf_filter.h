/* SPDX-License-Identifier: MIT */
/*
 * uringkit: classic BPF filters on io_uring requests (IORING_REGISTER_BPF_FILTER,
 * Linux 7.0), written for uringkit.  Names, values and layouts are the
 * kernel's <linux/io_uring/bpf_filter.h> as liburing ships it
 * (<liburing/io_uring/bpf_filter.h>).
 *
 * A filter is a cBPF program attached to one opcode of a ring, or of every
 * ring the registering task creates later.  It runs on a struct
 * io_uring_bpf_ctx describing the request and returns non-zero to let it
 * through; a request it denies completes with -EACCES.
 *
 * The guard is the kernel's own, so the system's copy and this one never
 * both define the structs.
 */
#ifndef LINUX_IO_URING_BPF_FILTER_H
#define LINUX_IO_URING_BPF_FILTER_H

#include <linux/types.h>

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What a filter program sees (its "packet"): the request's user_data,
 * opcode and sqe->flags, then pdu_size bytes of opcode-specific data.
 */
struct io_uring_bpf_ctx {
	__u64	user_data;
	__u8	opcode;
	__u8	sqe_flags;
	__u8	pdu_size;	/* bytes of the union that are valid */
	__u8	pad[5];
	union {
		struct {	/* IORING_OP_SOCKET: 12 bytes */
			__u32	family;
			__u32	type;
			__u32	protocol;
		} socket;
		struct {	/* IORING_OP_OPENAT, OPENAT2: 24 bytes */
			__u64	flags;
			__u64	mode;
			__u64	resolve;
		} open;
	};
};

/* io_uring_bpf_filter.flags */
enum {
	/* Opcodes with no filter of their own get one that denies. */
	IO_URING_BPF_FILTER_DENY_REST	= 1,
	/*
	 * Fail (-EMSGSIZE) whenever pdu_size differs from the kernel's, not
	 * only when it is larger.  On -EMSGSIZE the kernel writes its own
	 * size back into pdu_size.
	 */
	IO_URING_BPF_FILTER_SZ_STRICT	= 2,
};

struct io_uring_bpf_filter {
	__u32	opcode;		/* the IORING_OP_* filtered */
	__u32	flags;		/* IO_URING_BPF_FILTER_* */
	__u32	filter_len;	/* instructions at filter_ptr */
	__u8	pdu_size;	/* the ctx payload size the filter expects */
	__u8	resv[3];
	__u64	filter_ptr;	/* user pointer to struct sock_filter[] */
	__u64	resv2[5];
};

/* io_uring_bpf.cmd_type */
enum {
	IO_URING_BPF_CMD_FILTER		= 1,
};

/* IORING_REGISTER_BPF_FILTER argument (nr_args 1) */
struct io_uring_bpf {
	__u16	cmd_type;	/* IO_URING_BPF_CMD_* */
	__u16	cmd_flags;	/* none defined: 0 */
	__u32	resv;
	union {
		struct io_uring_bpf_filter	filter;
	};
};

#ifdef __cplusplus
}
#endif

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif /* LINUX_IO_URING_BPF_FILTER_H */
