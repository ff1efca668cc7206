/* SPDX-License-Identifier: MIT */
/*
 * uringkit: the IORING_REGISTER_QUERY interface (Linux 6.18, extended in
 * 6.19), written for uringkit.  Names, values and layouts are the kernel's
 * <linux/io_uring/query.h>, which liburing ships as <liburing/io_uring/query.h>.
 *
 * A query is a chain of io_uring_query_hdr records; each names one
 * IO_URING_QUERY_* operation and points at a result struct.  The kernel
 * fills what it knows, writes back how many bytes that was in hdr.size and
 * sets hdr.result, so a program built against a newer header still works on
 * an older kernel (the tail of the struct stays as the caller left it).
 *
 * The guard is the kernel's own: if the system's query.h was included first
 * it wins, and a query.h older than 6.19 then lacks the zcrx and SQ/CQ
 * queries (include <liburing.h> first to have them).
 */
#ifndef LINUX_IO_URING_QUERY_H
#define LINUX_IO_URING_QUERY_H

#include <linux/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One entry in a chain of queries */
struct io_uring_query_hdr {
	__u64	next_entry;	/* user pointer to the next hdr, or 0 */
	__u64	query_data;	/* user pointer to the result struct */
	__u32	query_op;	/* IO_URING_QUERY_* */
	__u32	size;		/* in: buffer size; out: bytes written */
	__s32	result;		/* out: 0 or -errno */
	__u32	__resv[3];
};

enum {
	IO_URING_QUERY_OPCODES		= 0,	/* (6.18) */
	IO_URING_QUERY_ZCRX		= 1,	/* (6.19) */
	IO_URING_QUERY_SCQ		= 2,	/* (6.19) */

	__IO_URING_QUERY_MAX,
};

/* Result of IO_URING_QUERY_OPCODES; works without a ring (fd -1) */
struct io_uring_query_opcode {
	__u32	nr_request_opcodes;	/* IORING_OP_LAST of the kernel */
	__u32	nr_register_opcodes;	/* IORING_REGISTER_LAST of the kernel */
	__u64	feature_flags;		/* IORING_FEAT_* it reports */
	__u64	ring_setup_flags;	/* IORING_SETUP_* it accepts */
	__u64	enter_flags;		/* IORING_ENTER_* it accepts */
	__u64	sqe_flags;		/* IOSQE_* it accepts */
	__u32	nr_query_opcodes;	/* IO_URING_QUERY_* it answers */
	__u32	__pad;
};

/* Result of IO_URING_QUERY_ZCRX: what zero-copy receive supports */
struct io_uring_query_zcrx {
	__u64	register_flags;		/* ZCRX_REG_* accepted */
	__u64	area_flags;		/* IORING_ZCRX_AREA_* accepted */
	__u32	nr_ctrl_opcodes;	/* ZCRX_CTRL_* it knows */
	__u32	features;		/* ZCRX_FEATURE_* (7.0; 0 before) */
	__u32	rq_hdr_size;		/* refill ring header, bytes */
	__u32	rq_hdr_alignment;	/* and its alignment */
	__u64	__resv2;
};

/* Result of IO_URING_QUERY_SCQ: the SQ/CQ ring header */
struct io_uring_query_scq {
	__u64	hdr_size;		/* bytes before the first CQE */
	__u64	hdr_alignment;
};

#ifdef __cplusplus
}
#endif

#endif /* LINUX_IO_URING_QUERY_H */
