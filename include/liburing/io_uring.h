/* SPDX-License-Identifier: MIT */
/*
 * uringkit: the io_uring kernel ABI (UAPI), written for uringkit.
 *
 * This describes the structures and constants that userspace shares with
 * the kernel's io_uring (io_uring_setup(2), io_uring_enter(2),
 * io_uring_register(2) and the mmap'ed rings).  Names, values and layouts are
 * dictated by the kernel; they follow the UAPI of Linux 6.19 and 7.0 as
 * liburing's development branch (after 2.15) ships it.  "(x.y)" in a
 * comment is the kernel release that introduced an item, so callers know
 * what an older kernel will reject.  Two sub-headers sit beside this one,
 * as in liburing: io_uring/query.h (IORING_REGISTER_QUERY) and
 * io_uring/bpf_filter.h (IORING_REGISTER_BPF_FILTER); both are included at
 * the end of this file.
 *
 * ---------------------------------------------------------------------------
 * Living next to the system's <linux/io_uring.h>
 * ---------------------------------------------------------------------------
 * We deliberately use the kernel's own include guard, LINUX_IO_URING_H, so
 * only one definition of each struct can ever be seen:
 *
 *  - This header first (the normal case, and what <liburing.h> does):
 *    the complete 6.18 definitions below are used.  A later
 *    #include <linux/io_uring.h> finds LINUX_IO_URING_H already defined and
 *    adds nothing.
 *
 *  - The system header first (e.g. Debian 12 ships the 6.1 UAPI):
 *    its structs and enums win and our main block is skipped.  The
 *    "compat" block at the end of this file then adds what an older header
 *    lacks, without redefining anything:
 *      * every newer #define constant, each under #ifndef;
 *      * newer enumerators (IORING_OP_*, IORING_REGISTER_*, ...) as macros
 *        with the same value -- a macro defined after the enum was parsed
 *        cannot clash with it, so this is safe even when the system header
 *        does have them;
 *      * structs that the older header does not define at all (napi,
 *        clock, clone buffers, memory regions, reg_wait, zcrx, query, ...),
 *        each keyed to a #define from the same or an earlier release, so
 *        a newer system header that already has the struct is never
 *        contradicted (the query structs use query.h's own guard).
 *    What cannot be repaired is a struct the old header already defines
 *    with fewer member names (struct io_uring_sqe has no write_stream or
 *    attr_ptr in 6.1, io_uring_getevents_arg has 'pad' rather than
 *    'min_wait_usec', ...).  The layouts are identical, only the newer
 *    member names are missing; include this header first to get them.
 *    IORING_OP_LAST / IORING_REGISTER_LAST keep the old header's values.
 *
 * Strict compilers: the kernel ABI needs anonymous structs/unions in C99 and
 * C++, zero-length / flexible arrays inside unions and an enumerator of
 * 1U << 31.  All are GNU extensions that gcc and clang accept; the pedantic
 * diagnostics for them are silenced for the span of the definitions only,
 * so this header builds with -std=c99/-std=c11/-std=c++11
 * -Wall -Wextra -Werror -pedantic-errors.
 */
#ifndef LINUX_IO_URING_H
#define LINUX_IO_URING_H

/* Tells the compat block below that the full definitions are ours. */
#define __URINGKIT_IO_URING_FULL 1

#include <linux/types.h>
#include <linux/fs.h>		/* __kernel_rwf_t */
#include <linux/time_types.h>	/* struct __kernel_timespec */

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpedantic"
#endif

/*
 * A flexible array that may sit inside a union.  C needs it wrapped in a
 * struct with a (zero-sized, GNU) named member; in C++ an empty struct has
 * size 1, which would move the array, so use a zero-length array there.
 * We do not reuse the system's __DECLARE_FLEX_ARRAY: the 6.1 version lacks
 * the C++ case and would silently break the layout in C++.
 */
#ifdef __cplusplus
#define __URINGKIT_FLEX_ARRAY(type, name)	type name[0]
#else
#define __URINGKIT_FLEX_ARRAY(type, name)	\
	struct { struct { } __empty_ ## name; type name[]; }
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================
 * Submission queue entry: 64 bytes (128 with IORING_SETUP_SQE128)
 * ====================================================================== */
struct io_uring_sqe {
	__u8	opcode;		/* IORING_OP_* */
	__u8	flags;		/* IOSQE_* */
	__u16	ioprio;		/* I/O priority, or per-opcode flags */
	__s32	fd;		/* target fd, or fixed-file index */
	union {			/* offset 8 */
		__u64	off;
		__u64	addr2;
		struct {
			__u32	cmd_op;		/* IORING_OP_URING_CMD */
			__u32	__pad1;
		};
	};
	union {			/* offset 16 */
		__u64	addr;
		__u64	splice_off_in;
		struct {
			__u32	level;		/* socket option commands */
			__u32	optname;
		};
	};
	__u32	len;		/* offset 24 */
	union {			/* offset 28: one flag word per opcode family */
		__kernel_rwf_t	rw_flags;
		__u32		fsync_flags;
		__u16		poll_events;	/* legacy 16-bit form */
		__u32		poll32_events;
		__u32		sync_range_flags;
		__u32		msg_flags;
		__u32		timeout_flags;
		__u32		accept_flags;
		__u32		cancel_flags;
		__u32		open_flags;
		__u32		statx_flags;
		__u32		fadvise_advice;
		__u32		splice_flags;
		__u32		rename_flags;
		__u32		unlink_flags;
		__u32		hardlink_flags;
		__u32		xattr_flags;
		__u32		msg_ring_flags;
		__u32		uring_cmd_flags;
		__u32		waitid_flags;
		__u32		futex_flags;
		__u32		install_fd_flags;
		__u32		nop_flags;
		__u32		pipe_flags;		/* (6.16) */
	};
	__u64	user_data;	/* offset 32: echoed back in the CQE */
	/* packed so the old ARM OABI does not pad this 2-byte union to 4 */
	union {			/* offset 40 */
		__u16	buf_index;	/* registered buffer index */
		__u16	buf_group;	/* provided-buffer group id */
	} __attribute__((packed));
	__u16	personality;	/* offset 42 */
	union {			/* offset 44 */
		__s32	splice_fd_in;
		__u32	file_index;	/* direct-descriptor slot + 1 */
		__u32	zcrx_ifq_idx;	/* (6.15) IORING_OP_RECV_ZC */
		__u32	optlen;
		struct {
			__u16	addr_len;
			__u16	__pad3[1];
		};
		struct {
			__u8	write_stream;	/* (6.16) */
			__u8	__pad4[3];
		};
	};
	union {			/* offset 48 */
		struct {
			__u64	addr3;
			__u64	__pad2[1];
		};
		struct {
			__u64	attr_ptr;	/* (6.14) see io_uring_attr_pi */
			__u64	attr_type_mask;	/* IORING_RW_ATTR_FLAG_* */
		};
		__u64	optval;
		/* start of the 80 command bytes of a 128-byte SQE */
		__u8	cmd[0];
	};
};

/* sqe->attr_type_mask bits, and the protection-information attribute (6.14) */
#define IORING_RW_ATTR_FLAG_PI	(1U << 0)

struct io_uring_attr_pi {
	__u16	flags;
	__u16	app_tag;
	__u32	len;
	__u64	addr;
	__u64	seed;
	__u64	rsvd;
};

/* sqe->file_index value asking the kernel to pick a free direct slot */
#define IORING_FILE_INDEX_ALLOC		(~0U)

/* sqe->flags */
enum io_uring_sqe_flags_bit {
	IOSQE_FIXED_FILE_BIT,
	IOSQE_IO_DRAIN_BIT,
	IOSQE_IO_LINK_BIT,
	IOSQE_IO_HARDLINK_BIT,
	IOSQE_ASYNC_BIT,
	IOSQE_BUFFER_SELECT_BIT,
	IOSQE_CQE_SKIP_SUCCESS_BIT,
};

#define IOSQE_FIXED_FILE	(1U << IOSQE_FIXED_FILE_BIT)	/* fd is a fixed-file index */
#define IOSQE_IO_DRAIN		(1U << IOSQE_IO_DRAIN_BIT)	/* wait for all earlier SQEs */
#define IOSQE_IO_LINK		(1U << IOSQE_IO_LINK_BIT)	/* next SQE depends on this one */
#define IOSQE_IO_HARDLINK	(1U << IOSQE_IO_HARDLINK_BIT)	/* link that survives errors */
#define IOSQE_ASYNC		(1U << IOSQE_ASYNC_BIT)	/* skip the inline attempt */
#define IOSQE_BUFFER_SELECT	(1U << IOSQE_BUFFER_SELECT_BIT)	/* pick from sqe->buf_group */
#define IOSQE_CQE_SKIP_SUCCESS	(1U << IOSQE_CQE_SKIP_SUCCESS_BIT) /* CQE only on failure */

/* ======================================================================
 * io_uring_setup(2) flags (io_uring_params.flags)
 * ====================================================================== */
#define IORING_SETUP_IOPOLL		(1U << 0)	/* busy-poll for completions */
#define IORING_SETUP_SQPOLL		(1U << 1)	/* kernel thread polls the SQ */
#define IORING_SETUP_SQ_AFF		(1U << 2)	/* sq_thread_cpu is meaningful */
#define IORING_SETUP_CQSIZE		(1U << 3)	/* cq_entries is meaningful */
#define IORING_SETUP_CLAMP		(1U << 4)	/* clamp sizes instead of failing */
#define IORING_SETUP_ATTACH_WQ		(1U << 5)	/* share wq_fd's async backend */
#define IORING_SETUP_R_DISABLED		(1U << 6)	/* start disabled (5.10) */
#define IORING_SETUP_SUBMIT_ALL		(1U << 7)	/* keep submitting past errors (5.18) */
#define IORING_SETUP_COOP_TASKRUN	(1U << 8)	/* no IPI for task work (5.19) */
#define IORING_SETUP_TASKRUN_FLAG	(1U << 9)	/* flag pending task work in sq flags */
#define IORING_SETUP_SQE128		(1U << 10)	/* 128-byte SQEs (5.19) */
#define IORING_SETUP_CQE32		(1U << 11)	/* 32-byte CQEs (5.19) */
#define IORING_SETUP_SINGLE_ISSUER	(1U << 12)	/* one submitting task (6.0) */
#define IORING_SETUP_DEFER_TASKRUN	(1U << 13)	/* task work only when waiting (6.1) */
#define IORING_SETUP_NO_MMAP		(1U << 14)	/* app supplies ring memory (6.5) */
#define IORING_SETUP_REGISTERED_FD_ONLY	(1U << 15)	/* return a registered index (6.5) */
#define IORING_SETUP_NO_SQARRAY		(1U << 16)	/* no SQ index indirection (6.6) */
#define IORING_SETUP_HYBRID_IOPOLL	(1U << 17)	/* sleep, then poll (6.13) */
#define IORING_SETUP_CQE_MIXED		(1U << 18)	/* 16- and 32-byte CQEs mixed (6.18) */
#define IORING_SETUP_SQE_MIXED		(1U << 19)	/* 64/128-byte SQEs mixed (6.19) */
/*
 * (7.0) The kernel ignores the SQ head and tail and always takes SQEs from
 * index 0: each io_uring_enter() submits the first to_submit entries. Not
 * with SQPOLL; liburing's own tests pair it with NO_SQARRAY. uringkit's
 * setup refuses it for now (-EINVAL): its SQ paths do not rewind.
 */
#define IORING_SETUP_SQ_REWIND		(1U << 20)

/* ======================================================================
 * Opcodes.  The numbering is ABI: append only.
 * ====================================================================== */
enum io_uring_op {
	IORING_OP_NOP,			/*  0 */
	IORING_OP_READV,
	IORING_OP_WRITEV,
	IORING_OP_FSYNC,
	IORING_OP_READ_FIXED,
	IORING_OP_WRITE_FIXED,		/*  5 */
	IORING_OP_POLL_ADD,
	IORING_OP_POLL_REMOVE,
	IORING_OP_SYNC_FILE_RANGE,
	IORING_OP_SENDMSG,
	IORING_OP_RECVMSG,		/* 10 */
	IORING_OP_TIMEOUT,
	IORING_OP_TIMEOUT_REMOVE,
	IORING_OP_ACCEPT,
	IORING_OP_ASYNC_CANCEL,
	IORING_OP_LINK_TIMEOUT,		/* 15 */
	IORING_OP_CONNECT,
	IORING_OP_FALLOCATE,
	IORING_OP_OPENAT,
	IORING_OP_CLOSE,
	IORING_OP_FILES_UPDATE,		/* 20 */
	IORING_OP_STATX,
	IORING_OP_READ,
	IORING_OP_WRITE,
	IORING_OP_FADVISE,
	IORING_OP_MADVISE,		/* 25 */
	IORING_OP_SEND,
	IORING_OP_RECV,
	IORING_OP_OPENAT2,
	IORING_OP_EPOLL_CTL,
	IORING_OP_SPLICE,		/* 30 */
	IORING_OP_PROVIDE_BUFFERS,
	IORING_OP_REMOVE_BUFFERS,
	IORING_OP_TEE,
	IORING_OP_SHUTDOWN,
	IORING_OP_RENAMEAT,		/* 35 */
	IORING_OP_UNLINKAT,
	IORING_OP_MKDIRAT,
	IORING_OP_SYMLINKAT,
	IORING_OP_LINKAT,
	IORING_OP_MSG_RING,		/* 40 */
	IORING_OP_FSETXATTR,
	IORING_OP_SETXATTR,
	IORING_OP_FGETXATTR,
	IORING_OP_GETXATTR,
	IORING_OP_SOCKET,		/* 45 */
	IORING_OP_URING_CMD,
	IORING_OP_SEND_ZC,
	IORING_OP_SENDMSG_ZC,		/* last one in 6.1 */
	IORING_OP_READ_MULTISHOT,	/* (6.7) */
	IORING_OP_WAITID,		/* 50 (6.7) */
	IORING_OP_FUTEX_WAIT,		/* (6.7) */
	IORING_OP_FUTEX_WAKE,		/* (6.7) */
	IORING_OP_FUTEX_WAITV,		/* (6.7) */
	IORING_OP_FIXED_FD_INSTALL,	/* (6.8) */
	IORING_OP_FTRUNCATE,		/* 55 (6.9) */
	IORING_OP_BIND,			/* (6.11) */
	IORING_OP_LISTEN,		/* (6.11) */
	IORING_OP_RECV_ZC,		/* (6.15) */
	IORING_OP_EPOLL_WAIT,		/* (6.15) */
	IORING_OP_READV_FIXED,		/* 60 (6.15) */
	IORING_OP_WRITEV_FIXED,		/* (6.15) */
	IORING_OP_PIPE,			/* 62 (6.16); last one in 6.18 */
	IORING_OP_NOP128,		/* (6.19) 128-byte SQE in SQE_MIXED */
	IORING_OP_URING_CMD128,		/* 64 (6.19) */

	/*
	 * Count of the opcodes above, not an opcode.  A 6.18 kernel itself
	 * knows 63 (up to PIPE); ask it with IORING_REGISTER_PROBE.
	 */
	IORING_OP_LAST,
};

/* sqe->uring_cmd_flags (the top 8 bits belong to the kernel) */
#define IORING_URING_CMD_FIXED		(1U << 0)	/* use buffer sqe->buf_index */
#define IORING_URING_CMD_MULTISHOT	(1U << 1)	/* needs buffer select (6.18) */
#define IORING_URING_CMD_MASK		(IORING_URING_CMD_FIXED | \
					 IORING_URING_CMD_MULTISHOT)

/* sqe->fsync_flags */
#define IORING_FSYNC_DATASYNC		(1U << 0)

/* sqe->timeout_flags */
#define IORING_TIMEOUT_ABS		(1U << 0)
#define IORING_TIMEOUT_UPDATE		(1U << 1)
#define IORING_TIMEOUT_BOOTTIME		(1U << 2)
#define IORING_TIMEOUT_REALTIME		(1U << 3)
#define IORING_LINK_TIMEOUT_UPDATE	(1U << 4)
#define IORING_TIMEOUT_ETIME_SUCCESS	(1U << 5)	/* expiry is not an error */
#define IORING_TIMEOUT_MULTISHOT	(1U << 6)	/* re-arm after firing (6.4) */
/*
 * addr (addr2 for an update) holds a relative time in ns rather than a
 * pointer to a timespec; refused with TIMEOUT_ABS. After 6.18 (the exact
 * release was not found; 6.18 itself rejects the flag with -EINVAL).
 */
#define IORING_TIMEOUT_IMMEDIATE_ARG	(1U << 7)
#define IORING_TIMEOUT_CLOCK_MASK	(IORING_TIMEOUT_BOOTTIME | \
					 IORING_TIMEOUT_REALTIME)
#define IORING_TIMEOUT_UPDATE_MASK	(IORING_TIMEOUT_UPDATE | \
					 IORING_LINK_TIMEOUT_UPDATE)

/* sqe->splice_flags: on top of splice(2)'s own SPLICE_F_* bits */
#define SPLICE_F_FD_IN_FIXED		(1U << 31)	/* splice_fd_in is fixed */

/* IORING_OP_POLL_ADD command flags; they live in sqe->len */
#define IORING_POLL_ADD_MULTI		(1U << 0)	/* keep posting CQEs */
#define IORING_POLL_UPDATE_EVENTS	(1U << 1)
#define IORING_POLL_UPDATE_USER_DATA	(1U << 2)
#define IORING_POLL_ADD_LEVEL		(1U << 3)	/* level-triggered */

/* sqe->cancel_flags for IORING_OP_ASYNC_CANCEL and sync cancel */
#define IORING_ASYNC_CANCEL_ALL		(1U << 0)	/* every match, not the first */
#define IORING_ASYNC_CANCEL_FD		(1U << 1)	/* match on fd */
#define IORING_ASYNC_CANCEL_ANY		(1U << 2)	/* match anything */
#define IORING_ASYNC_CANCEL_FD_FIXED	(1U << 3)	/* the fd is a fixed index */
#define IORING_ASYNC_CANCEL_USERDATA	(1U << 4)	/* match on user_data */
#define IORING_ASYNC_CANCEL_OP		(1U << 5)	/* match on opcode */

/* send/recv family flags, carried in sqe->ioprio */
#define IORING_RECVSEND_POLL_FIRST	(1U << 0)	/* arm poll before trying */
#define IORING_RECV_MULTISHOT		(1U << 1)
#define IORING_RECVSEND_FIXED_BUF	(1U << 2)	/* registered buffer */
#define IORING_SEND_ZC_REPORT_USAGE	(1U << 3)	/* say whether data was copied */
#define IORING_RECVSEND_BUNDLE		(1U << 4)	/* several buffers at once (6.10) */
#define IORING_SEND_VECTORIZED		(1U << 5)	/* SEND[_ZC]: addr is an iovec */

/* In the notification CQE's res when REPORT_USAGE was asked for */
#define IORING_NOTIF_USAGE_ZC_COPIED	(1U << 31)

/* accept flags, carried in sqe->ioprio */
#define IORING_ACCEPT_MULTISHOT		(1U << 0)
#define IORING_ACCEPT_DONTWAIT		(1U << 1)	/* (6.10) */
#define IORING_ACCEPT_POLL_FIRST	(1U << 2)	/* (6.10) */

/* IORING_OP_MSG_RING: command in sqe->addr */
enum io_uring_msg_ring_flags {
	IORING_MSG_DATA,	/* post a CQE (res = len, user_data = off) */
	IORING_MSG_SEND_FD,	/* pass a fixed file to the target ring */
};

/* IORING_OP_MSG_RING: sqe->msg_ring_flags */
#define IORING_MSG_RING_CQE_SKIP	(1U << 0)	/* no CQE on the target */
#define IORING_MSG_RING_FLAGS_PASS	(1U << 1)	/* file_index -> cqe->flags */

/* IORING_OP_FIXED_FD_INSTALL: sqe->install_fd_flags */
#define IORING_FIXED_FD_NO_CLOEXEC	(1U << 0)

/* IORING_OP_NOP: sqe->nop_flags (test hooks) */
#define IORING_NOP_INJECT_RESULT	(1U << 0)	/* complete with sqe->len */
#define IORING_NOP_FILE			(1U << 1)
#define IORING_NOP_FIXED_FILE		(1U << 2)
#define IORING_NOP_FIXED_BUFFER		(1U << 3)
#define IORING_NOP_TW			(1U << 4)	/* complete via task work */
#define IORING_NOP_CQE32		(1U << 5)	/* post a big CQE (6.18) */

/* ======================================================================
 * Completion queue entry: 16 bytes (32 with CQE32 or F_32 in CQE_MIXED)
 * ====================================================================== */
struct io_uring_cqe {
	__u64	user_data;	/* copied from the SQE */
	__s32	res;		/* result, or -errno */
	__u32	flags;		/* IORING_CQE_F_* */
	__u64	big_cqe[];	/* 16 more bytes on 32-byte CQEs */
};

#define IORING_CQE_F_BUFFER		(1U << 0)	/* buffer id in upper 16 bits */
#define IORING_CQE_F_MORE		(1U << 1)	/* more CQEs for this SQE */
#define IORING_CQE_F_SOCK_NONEMPTY	(1U << 2)	/* socket has more data */
#define IORING_CQE_F_NOTIF		(1U << 3)	/* zero-copy notification */
#define IORING_CQE_F_BUF_MORE		(1U << 4)	/* buffer partly used (6.12) */
#define IORING_CQE_F_SKIP		(1U << 5)	/* filler, ignore it (6.18) */
#define IORING_CQE_F_32			(1U << 15)	/* 32-byte CQE (6.18) */

#define IORING_CQE_BUFFER_SHIFT		16

/* ======================================================================
 * mmap(2) offsets for the rings
 * ====================================================================== */
#define IORING_OFF_SQ_RING		0ULL
#define IORING_OFF_CQ_RING		0x8000000ULL
#define IORING_OFF_SQES			0x10000000ULL
#define IORING_OFF_PBUF_RING		0x80000000ULL	/* | bgid << PBUF_SHIFT */
#define IORING_OFF_PBUF_SHIFT		16
#define IORING_OFF_MMAP_MASK		0xf8000000ULL

/* Offsets of the SQ ring fields, filled in by io_uring_setup(2) */
struct io_sqring_offsets {
	__u32	head;
	__u32	tail;
	__u32	ring_mask;
	__u32	ring_entries;
	__u32	flags;
	__u32	dropped;
	__u32	array;
	__u32	resv1;
	__u64	user_addr;	/* IORING_SETUP_NO_MMAP memory (6.5) */
};

/* SQ ring flags word */
#define IORING_SQ_NEED_WAKEUP		(1U << 0)	/* SQPOLL thread sleeps */
#define IORING_SQ_CQ_OVERFLOW		(1U << 1)	/* CQEs wait in overflow */
#define IORING_SQ_TASKRUN		(1U << 2)	/* task work is pending */

struct io_cqring_offsets {
	__u32	head;
	__u32	tail;
	__u32	ring_mask;
	__u32	ring_entries;
	__u32	overflow;
	__u32	cqes;
	__u32	flags;
	__u32	resv1;
	__u64	user_addr;
};

/* CQ ring flags word */
#define IORING_CQ_EVENTFD_DISABLED	(1U << 0)

/* ======================================================================
 * io_uring_enter(2) flags
 * ====================================================================== */
#define IORING_ENTER_GETEVENTS		(1U << 0)
#define IORING_ENTER_SQ_WAKEUP		(1U << 1)
#define IORING_ENTER_SQ_WAIT		(1U << 2)
#define IORING_ENTER_EXT_ARG		(1U << 3)	/* arg is io_uring_getevents_arg */
#define IORING_ENTER_REGISTERED_RING	(1U << 4)	/* fd is a registered index */
#define IORING_ENTER_ABS_TIMER		(1U << 5)	/* absolute timeout (6.12) */
#define IORING_ENTER_EXT_ARG_REG	(1U << 6)	/* arg indexes reg_wait (6.13) */
#define IORING_ENTER_NO_IOWAIT		(1U << 7)	/* don't count as iowait (6.18) */

/* ======================================================================
 * io_uring_setup(2) argument; the kernel writes back the ring geometry
 * ====================================================================== */
struct io_uring_params {
	__u32	sq_entries;
	__u32	cq_entries;
	__u32	flags;
	__u32	sq_thread_cpu;
	__u32	sq_thread_idle;
	__u32	features;
	__u32	wq_fd;
	__u32	resv[3];
	struct io_sqring_offsets sq_off;
	struct io_cqring_offsets cq_off;
};

/* io_uring_params.features */
#define IORING_FEAT_SINGLE_MMAP		(1U << 0)
#define IORING_FEAT_NODROP		(1U << 1)
#define IORING_FEAT_SUBMIT_STABLE	(1U << 2)
#define IORING_FEAT_RW_CUR_POS		(1U << 3)
#define IORING_FEAT_CUR_PERSONALITY	(1U << 4)
#define IORING_FEAT_FAST_POLL		(1U << 5)
#define IORING_FEAT_POLL_32BITS		(1U << 6)
#define IORING_FEAT_SQPOLL_NONFIXED	(1U << 7)
#define IORING_FEAT_EXT_ARG		(1U << 8)
#define IORING_FEAT_NATIVE_WORKERS	(1U << 9)
#define IORING_FEAT_RSRC_TAGS		(1U << 10)
#define IORING_FEAT_CQE_SKIP		(1U << 11)
#define IORING_FEAT_LINKED_FILE		(1U << 12)
#define IORING_FEAT_REG_REG_RING	(1U << 13)	/* (6.3) */
#define IORING_FEAT_RECVSEND_BUNDLE	(1U << 14)	/* (6.10) */
#define IORING_FEAT_MIN_TIMEOUT		(1U << 15)	/* (6.12) */
#define IORING_FEAT_RW_ATTR		(1U << 16)	/* (6.14) */
#define IORING_FEAT_NO_IOWAIT		(1U << 17)	/* (6.18) */

/* ======================================================================
 * io_uring_register(2) opcodes
 * ====================================================================== */
enum io_uring_register_op {
	IORING_REGISTER_BUFFERS			= 0,
	IORING_UNREGISTER_BUFFERS		= 1,
	IORING_REGISTER_FILES			= 2,
	IORING_UNREGISTER_FILES			= 3,
	IORING_REGISTER_EVENTFD			= 4,
	IORING_UNREGISTER_EVENTFD		= 5,
	IORING_REGISTER_FILES_UPDATE		= 6,
	IORING_REGISTER_EVENTFD_ASYNC		= 7,
	IORING_REGISTER_PROBE			= 8,
	IORING_REGISTER_PERSONALITY		= 9,
	IORING_UNREGISTER_PERSONALITY		= 10,
	IORING_REGISTER_RESTRICTIONS		= 11,
	IORING_REGISTER_ENABLE_RINGS		= 12,
	/* tagged resource variants (5.13) */
	IORING_REGISTER_FILES2			= 13,
	IORING_REGISTER_FILES_UPDATE2		= 14,
	IORING_REGISTER_BUFFERS2		= 15,
	IORING_REGISTER_BUFFERS_UPDATE		= 16,
	/* io-wq worker CPU affinity and limits */
	IORING_REGISTER_IOWQ_AFF		= 17,
	IORING_UNREGISTER_IOWQ_AFF		= 18,
	IORING_REGISTER_IOWQ_MAX_WORKERS	= 19,
	/* ring fds registered in the ring itself (5.18) */
	IORING_REGISTER_RING_FDS		= 20,
	IORING_UNREGISTER_RING_FDS		= 21,
	/* provided-buffer rings (5.19) */
	IORING_REGISTER_PBUF_RING		= 22,
	IORING_UNREGISTER_PBUF_RING		= 23,
	IORING_REGISTER_SYNC_CANCEL		= 24,
	IORING_REGISTER_FILE_ALLOC_RANGE	= 25,	/* last one in 6.1 */
	IORING_REGISTER_PBUF_STATUS		= 26,	/* (6.8) */
	IORING_REGISTER_NAPI			= 27,	/* (6.9) */
	IORING_UNREGISTER_NAPI			= 28,
	IORING_REGISTER_CLOCK			= 29,	/* (6.12) */
	IORING_REGISTER_CLONE_BUFFERS		= 30,	/* (6.12) */
	IORING_REGISTER_SEND_MSG_RING		= 31,	/* no ring needed (6.13) */
	IORING_REGISTER_ZCRX_IFQ		= 32,	/* (6.15) */
	IORING_REGISTER_RESIZE_RINGS		= 33,	/* (6.13) */
	IORING_REGISTER_MEM_REGION		= 34,	/* (6.13) */
	IORING_REGISTER_QUERY			= 35,	/* (6.18) */
	IORING_REGISTER_ZCRX_CTRL		= 36,	/* zcrx control, struct zcrx_ctrl (6.19) */
	IORING_REGISTER_BPF_FILTER		= 37,	/* io_uring/bpf_filter.h (7.0) */

	IORING_REGISTER_LAST,			/* count, not an opcode */

	/* OR'ed into the opcode: fd is a registered ring index (6.3) */
	IORING_REGISTER_USE_REGISTERED_RING	= 1U << 31
};

/* io-wq worker pools, indexes for IORING_REGISTER_IOWQ_MAX_WORKERS */
enum io_wq_type {
	IO_WQ_BOUND,
	IO_WQ_UNBOUND,
};

/* Older files-only update argument; io_uring_rsrc_update supersedes it */
struct io_uring_files_update {
	__u32	offset;
	__u32	resv;
	__aligned_u64 fds;	/* user pointer to __s32[] */
};

/* ---- memory regions (6.13) ---- */
enum {
	IORING_MEM_REGION_TYPE_USER		= 1,	/* user_addr is the memory */
};

struct io_uring_region_desc {
	__u64	user_addr;
	__u64	size;
	__u32	flags;		/* IORING_MEM_REGION_TYPE_* */
	__u32	id;
	__u64	mmap_offset;	/* out: where to mmap a kernel-allocated region */
	__u64	__resv[4];
};

enum {
	IORING_MEM_REGION_REG_WAIT_ARG		= 1,	/* holds io_uring_reg_wait[] */
};

/* IORING_REGISTER_MEM_REGION argument */
struct io_uring_mem_region_reg {
	__u64	region_uptr;	/* user pointer to io_uring_region_desc */
	__u64	flags;		/* IORING_MEM_REGION_REG_* */
	__u64	__resv[2];
};

/* ---- registered files and buffers ---- */

/* io_uring_rsrc_register.flags: size the table without passing fds */
#define IORING_RSRC_REGISTER_SPARSE	(1U << 0)

struct io_uring_rsrc_register {
	__u32	nr;
	__u32	flags;
	__u64	resv2;
	__aligned_u64 data;
	__aligned_u64 tags;
};

struct io_uring_rsrc_update {
	__u32	offset;
	__u32	resv;
	__aligned_u64 data;
};

struct io_uring_rsrc_update2 {
	__u32	offset;
	__u32	resv;
	__aligned_u64 data;
	__aligned_u64 tags;
	__u32	nr;
	__u32	resv2;
};

/* An fd of this value in an update array leaves that slot untouched */
#define IORING_REGISTER_FILES_SKIP	(-2)

/* ---- IORING_REGISTER_PROBE ---- */
#define IO_URING_OP_SUPPORTED	(1U << 0)

struct io_uring_probe_op {
	__u8	op;
	__u8	resv;
	__u16	flags;		/* IO_URING_OP_* */
	__u32	resv2;
};

struct io_uring_probe {
	__u8	last_op;	/* highest opcode the kernel knows */
	__u8	ops_len;	/* entries filled in ops[] */
	__u16	resv;
	__u32	resv2[3];
	struct io_uring_probe_op ops[];
};

/* ---- IORING_REGISTER_RESTRICTIONS ---- */
struct io_uring_restriction {
	__u16	opcode;		/* IORING_RESTRICTION_* */
	union {
		__u8	register_op;
		__u8	sqe_op;
		__u8	sqe_flags;
	};
	__u8	resv;
	__u32	resv2[3];
};

enum io_uring_register_restriction_op {
	IORING_RESTRICTION_REGISTER_OP		= 0,	/* allow a register op */
	IORING_RESTRICTION_SQE_OP		= 1,	/* allow an SQE opcode */
	IORING_RESTRICTION_SQE_FLAGS_ALLOWED	= 2,	/* allowed sqe->flags */
	IORING_RESTRICTION_SQE_FLAGS_REQUIRED	= 3,	/* mandatory sqe->flags */

	IORING_RESTRICTION_LAST
};

/*
 * Restrictions for every ring a task (and its children) creates from now
 * on (7.0): registered with no ring, io_uring_register(-1,
 * IORING_REGISTER_RESTRICTIONS, arg, 1).  nr_res entries follow the header.
 */
struct io_uring_task_restriction {
	__u16	flags;
	__u16	nr_res;
	__u32	resv[3];
	struct io_uring_restriction restrictions[];
};

/* ---- IORING_REGISTER_CLOCK (6.12) ---- */
struct io_uring_clock_register {
	__u32	clockid;	/* CLOCK_MONOTONIC or CLOCK_BOOTTIME */
	__u32	__resv[3];
};

/* ---- IORING_REGISTER_CLONE_BUFFERS (6.12) ---- */
enum {
	IORING_REGISTER_SRC_REGISTERED	= (1U << 0),	/* src_fd is registered */
	IORING_REGISTER_DST_REPLACE	= (1U << 1),	/* overwrite dst (6.13) */
};

struct io_uring_clone_buffers {
	__u32	src_fd;
	__u32	flags;
	__u32	src_off;
	__u32	dst_off;
	__u32	nr;
	__u32	pad[3];
};

/* ---- provided-buffer rings ---- */
struct io_uring_buf {
	__u64	addr;
	__u32	len;
	__u16	bid;
	__u16	resv;
};

/*
 * The ring is an array of io_uring_buf; the tail index shares the first
 * entry's 'resv' slot so the header costs no extra space.
 */
struct io_uring_buf_ring {
	union {
		struct {
			__u64	resv1;
			__u32	resv2;
			__u16	resv3;
			__u16	tail;
		};
		__URINGKIT_FLEX_ARRAY(struct io_uring_buf, bufs);
	};
};

/*
 * io_uring_buf_reg.flags. min_left (carved from the old resv[0], a 2026
 * change that stable kernels such as 6.18.y carry; older ones refuse a
 * non-zero value) only matters with IOU_PBUF_RING_INC.
 */
enum io_uring_register_pbuf_ring_flags {
	IOU_PBUF_RING_MMAP	= 1,	/* kernel allocates; mmap at OFF_PBUF_RING */
	IOU_PBUF_RING_INC	= 2,	/* buffers consumed incrementally (6.12) */
};

/* IORING_(UN)REGISTER_PBUF_RING argument */
struct io_uring_buf_reg {
	__u64	ring_addr;
	__u32	ring_entries;
	__u16	bgid;
	__u16	flags;
	__u32	min_left;	/* INC rings: retire a buffer with less left; 0: old rule */
	__u32	resv[5];
};

/* IORING_REGISTER_PBUF_STATUS argument (6.8) */
struct io_uring_buf_status {
	__u32	buf_group;	/* in */
	__u32	head;		/* out */
	__u32	resv[8];
};

/* ---- NAPI busy polling (6.9, ops 6.13) ---- */
enum io_uring_napi_op {
	IO_URING_NAPI_REGISTER_OP	= 0,	/* the original register call */
	IO_URING_NAPI_STATIC_ADD_ID	= 1,
	IO_URING_NAPI_STATIC_DEL_ID	= 2
};

enum io_uring_napi_tracking_strategy {
	IO_URING_NAPI_TRACKING_DYNAMIC	= 0,	/* 0 keeps old callers working */
	IO_URING_NAPI_TRACKING_STATIC	= 1,
	IO_URING_NAPI_TRACKING_INACTIVE	= 255
};

/* IORING_(UN)REGISTER_NAPI argument */
struct io_uring_napi {
	__u32	busy_poll_to;		/* microseconds */
	__u8	prefer_busy_poll;
	__u8	opcode;			/* enum io_uring_napi_op */
	__u8	pad[2];
	__u32	op_param;		/* tracking strategy, or a NAPI id */
	__u32	resv;
};

/* ---- waiting ---- */

/* io_uring_reg_wait.flags */
enum {
	IORING_REG_WAIT_TS		= (1U << 0),	/* ts is valid */
};

/*
 * Wait parameters kept in a registered region (IORING_MEM_REGION_REG_WAIT_ARG);
 * io_uring_enter(2) with IORING_ENTER_EXT_ARG_REG passes an index (6.13).
 */
struct io_uring_reg_wait {
	struct __kernel_timespec ts;
	__u32	min_wait_usec;
	__u32	flags;
	__u64	sigmask;
	__u32	sigmask_sz;
	__u32	pad[3];
	__u64	pad2[2];
};

/* io_uring_enter(2) argument with IORING_ENTER_EXT_ARG */
struct io_uring_getevents_arg {
	__u64	sigmask;
	__u32	sigmask_sz;
	__u32	min_wait_usec;	/* was 'pad' before 6.12 */
	__u64	ts;
};

/* IORING_REGISTER_SYNC_CANCEL argument */
struct io_uring_sync_cancel_reg {
	__u64	addr;
	__s32	fd;
	__u32	flags;
	struct __kernel_timespec timeout;
	__u8	opcode;
	__u8	pad[7];
	__u64	pad2[3];
};

/* IORING_REGISTER_FILE_ALLOC_RANGE argument: slots [off, off + len) */
struct io_uring_file_index_range {
	__u32	off;
	__u32	len;
	__u64	resv;
};

/* Header at the start of each multishot recvmsg buffer */
struct io_uring_recvmsg_out {
	__u32	namelen;
	__u32	controllen;
	__u32	payloadlen;
	__u32	flags;
};

/* ---- IORING_OP_URING_CMD on sockets: sqe->cmd_op ---- */
enum io_uring_socket_op {
	SOCKET_URING_OP_SIOCINQ		= 0,
	SOCKET_URING_OP_SIOCOUTQ,
	SOCKET_URING_OP_GETSOCKOPT,
	SOCKET_URING_OP_SETSOCKOPT,
	SOCKET_URING_OP_TX_TIMESTAMP,		/* (6.16) */
	SOCKET_URING_OP_GETSOCKNAME,		/* 5: and getpeername (6.19) */
};

/* TX timestamps (6.16): the type is reported in cqe->flags */
#define IORING_TIMESTAMP_HW_SHIFT	16
#define IORING_TIMESTAMP_TYPE_SHIFT	(IORING_TIMESTAMP_HW_SHIFT + 1)
#define IORING_CQE_F_TSTAMP_HW		((__u32)1 << IORING_TIMESTAMP_HW_SHIFT)

struct io_timespec {
	__u64	tv_sec;
	__u64	tv_nsec;
};

/* ======================================================================
 * Zero-copy receive, IORING_OP_RECV_ZC / IORING_REGISTER_ZCRX_IFQ (6.15)
 * ====================================================================== */

/* Refill queue entry: hands a buffer back to the kernel */
struct io_uring_zcrx_rqe {
	__u64	off;
	__u32	len;
	__u32	__pad;
};

/* The second half of a 32-byte RECV_ZC completion */
struct io_uring_zcrx_cqe {
	__u64	off;
	__u64	__pad;
};

/* Offsets carry the area id from this bit up */
#define IORING_ZCRX_AREA_SHIFT	48
#define IORING_ZCRX_AREA_MASK	(~(((__u64)1 << IORING_ZCRX_AREA_SHIFT) - 1))

struct io_uring_zcrx_offsets {
	__u32	head;
	__u32	tail;
	__u32	rqes;
	__u32	__resv2;
	__u64	__resv[2];
};

enum io_uring_zcrx_area_flags {
	IORING_ZCRX_AREA_DMABUF		= 1,	/* dmabuf_fd is the memory (6.16) */
};

struct io_uring_zcrx_area_reg {
	__u64	addr;
	__u64	len;
	__u64	rq_area_token;
	__u32	flags;		/* IORING_ZCRX_AREA_* */
	__u32	dmabuf_fd;	/* (6.16) */
	__u64	__resv2[2];
};

/* io_uring_zcrx_ifq_reg.flags */
enum zcrx_reg_flags {
	ZCRX_REG_IMPORT		= 1,	/* take over an exported zcrx (6.19) */
	/*
	 * (6.19) No network device: data is copied into the area, and the
	 * refill queue may have to be flushed (ZCRX_CTRL_FLUSH_RQ).
	 */
	ZCRX_REG_NODEV		= 2,
};

/* io_uring_query_zcrx.features */
enum zcrx_features {
	/* rx_buf_len of io_uring_zcrx_ifq_reg is honoured (7.0) */
	ZCRX_FEATURE_RX_PAGE_SIZE	= 1 << 0,
};

/* IORING_REGISTER_ZCRX_IFQ argument */
struct io_uring_zcrx_ifq_reg {
	__u32	if_idx;
	__u32	if_rxq;
	__u32	rq_entries;
	__u32	flags;		/* ZCRX_REG_* */

	__u64	area_ptr;	/* user pointer to io_uring_zcrx_area_reg */
	__u64	region_ptr;	/* user pointer to io_uring_region_desc */

	struct io_uring_zcrx_offsets offsets;
	__u32	zcrx_id;	/* out: use in sqe->zcrx_ifq_idx */
	__u32	rx_buf_len;	/* wanted buffer size, 0: page size (7.0) */
	__u64	__resv[3];
};

/*
 * Kernels after 7.0 move the zcrx definitions into <linux/io_uring/zcrx.h>
 * (guard LINUX_IO_ZCRX_H); liburing keeps them here. Claim that guard so a
 * later include of the kernel's file cannot define them a second time.
 */
#ifndef LINUX_IO_ZCRX_H
#define LINUX_IO_ZCRX_H 1
#endif

/* IORING_REGISTER_ZCRX_CTRL (6.19): zcrx_ctrl.op */
enum zcrx_ctrl_op {
	ZCRX_CTRL_FLUSH_RQ,	/* consume the refill queue now */
	ZCRX_CTRL_EXPORT,	/* get an fd another ring can import */

	__ZCRX_CTRL_LAST,
};

struct zcrx_ctrl_flush_rq {
	__u64	__resv[6];
};

struct zcrx_ctrl_export {
	__u32	zcrx_fd;	/* out */
	__u32	__resv1[11];
};

/* IORING_REGISTER_ZCRX_CTRL argument (nr_args 0) */
struct zcrx_ctrl {
	__u32	zcrx_id;
	__u32	op;		/* enum zcrx_ctrl_op */
	__u64	__resv[2];
	union {
		struct zcrx_ctrl_export		zc_export;
		struct zcrx_ctrl_flush_rq	zc_flush;
	};
};

#ifdef __cplusplus
}
#endif

#if defined(__clang__)
#pragma clang diagnostic pop
#endif
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif /* LINUX_IO_URING_H */

/* ==========================================================================
 * Compat block: an older system <linux/io_uring.h> was included before us,
 * so LINUX_IO_URING_H was already set and the definitions above were
 * skipped.  Add what such a header (Debian 12 ships 6.1) is missing.
 * ========================================================================== */
#if !defined(__URINGKIT_IO_URING_FULL) && !defined(__URINGKIT_IO_URING_COMPAT)
#define __URINGKIT_IO_URING_COMPAT 1

#include <linux/types.h>
#include <linux/time_types.h>

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Whole structs.  A struct may only be defined if the system header lacks
 * it, and structs cannot be detected directly, so each is keyed to a
 * #define that arrived in the same or an EARLIER kernel release than the
 * struct.  Erring early only means a header from in between misses the
 * struct; erring late would be a redefinition error.  These tests must run
 * before the constant section below defines the same macros itself.
 */

#ifndef IORING_SETUP_NO_SQARRAY			/* 6.6 <= 6.8 */
struct io_uring_buf_status {
	__u32	buf_group;
	__u32	head;
	__u32	resv[8];
};
#endif

#ifndef IORING_FIXED_FD_NO_CLOEXEC		/* 6.8 <= 6.9 */
struct io_uring_napi {
	__u32	busy_poll_to;
	__u8	prefer_busy_poll;
	__u8	opcode;
	__u8	pad[2];
	__u32	op_param;
	__u32	resv;
};
#endif

#ifndef IORING_FIXED_FD_NO_CLOEXEC		/* 6.8 <= 6.12 */
struct io_uring_clock_register {
	__u32	clockid;
	__u32	__resv[3];
};

struct io_uring_clone_buffers {
	__u32	src_fd;
	__u32	flags;
	__u32	src_off;
	__u32	dst_off;
	__u32	nr;
	__u32	pad[3];
};
#endif

#ifndef IORING_ENTER_ABS_TIMER			/* 6.12 <= 6.13 */
struct io_uring_region_desc {
	__u64	user_addr;
	__u64	size;
	__u32	flags;
	__u32	id;
	__u64	mmap_offset;
	__u64	__resv[4];
};

struct io_uring_mem_region_reg {
	__u64	region_uptr;
	__u64	flags;
	__u64	__resv[2];
};

struct io_uring_reg_wait {
	struct __kernel_timespec ts;
	__u32	min_wait_usec;
	__u32	flags;
	__u64	sigmask;
	__u32	sigmask_sz;
	__u32	pad[3];
	__u64	pad2[2];
};
#endif

#ifndef IORING_ENTER_ABS_TIMER			/* 6.12 <= 6.14 */
struct io_uring_attr_pi {
	__u16	flags;
	__u16	app_tag;
	__u32	len;
	__u64	addr;
	__u64	seed;
	__u64	rsvd;
};
#endif

#ifndef IORING_FEAT_RW_ATTR			/* 6.14 <= 6.15 */
struct io_uring_zcrx_rqe {
	__u64	off;
	__u32	len;
	__u32	__pad;
};

struct io_uring_zcrx_cqe {
	__u64	off;
	__u64	__pad;
};

struct io_uring_zcrx_offsets {
	__u32	head;
	__u32	tail;
	__u32	rqes;
	__u32	__resv2;
	__u64	__resv[2];
};

struct io_uring_zcrx_area_reg {
	__u64	addr;
	__u64	len;
	__u64	rq_area_token;
	__u32	flags;
	__u32	dmabuf_fd;
	__u64	__resv2[2];
};

struct io_uring_zcrx_ifq_reg {
	__u32	if_idx;
	__u32	if_rxq;
	__u32	rq_entries;
	__u32	flags;
	__u64	area_ptr;
	__u64	region_ptr;
	struct io_uring_zcrx_offsets offsets;
	__u32	zcrx_id;
	__u32	rx_buf_len;
	__u64	__resv[3];
};
#endif

/*
 * 6.19 and 7.0 structs, keyed to the 6.14 constant like the zcrx structs
 * above: a system header from 6.14 to 6.18 lacks them and we cannot tell,
 * so there they are missing (include this header first to have them).
 */
#ifndef IORING_FEAT_RW_ATTR			/* 6.14 <= 6.19 */
struct zcrx_ctrl_flush_rq {
	__u64	__resv[6];
};

struct zcrx_ctrl_export {
	__u32	zcrx_fd;
	__u32	__resv1[11];
};

struct zcrx_ctrl {
	__u32	zcrx_id;
	__u32	op;
	__u64	__resv[2];
	union {
		struct zcrx_ctrl_export		zc_export;
		struct zcrx_ctrl_flush_rq	zc_flush;
	};
};

struct io_uring_task_restriction {
	__u16	flags;
	__u16	nr_res;
	__u32	resv[3];
	struct io_uring_restriction restrictions[];
};
#endif

#ifndef IORING_RW_ATTR_FLAG_PI			/* 6.14 <= 6.16 */
struct io_timespec {
	__u64	tv_sec;
	__u64	tv_nsec;
};
#endif

/*
 * Enumerators newer than 6.1, as macros.  Defined after the system's enums
 * were parsed, a macro of the same name and value changes nothing where
 * the enumerator exists and supplies it where it does not.
 */

/* enum io_uring_op */
#ifndef IORING_OP_READ_MULTISHOT
#define IORING_OP_READ_MULTISHOT	49
#endif
#ifndef IORING_OP_WAITID
#define IORING_OP_WAITID		50
#endif
#ifndef IORING_OP_FUTEX_WAIT
#define IORING_OP_FUTEX_WAIT		51
#endif
#ifndef IORING_OP_FUTEX_WAKE
#define IORING_OP_FUTEX_WAKE		52
#endif
#ifndef IORING_OP_FUTEX_WAITV
#define IORING_OP_FUTEX_WAITV		53
#endif
#ifndef IORING_OP_FIXED_FD_INSTALL
#define IORING_OP_FIXED_FD_INSTALL	54
#endif
#ifndef IORING_OP_FTRUNCATE
#define IORING_OP_FTRUNCATE		55
#endif
#ifndef IORING_OP_BIND
#define IORING_OP_BIND			56
#endif
#ifndef IORING_OP_LISTEN
#define IORING_OP_LISTEN		57
#endif
#ifndef IORING_OP_RECV_ZC
#define IORING_OP_RECV_ZC		58
#endif
#ifndef IORING_OP_EPOLL_WAIT
#define IORING_OP_EPOLL_WAIT		59
#endif
#ifndef IORING_OP_READV_FIXED
#define IORING_OP_READV_FIXED		60
#endif
#ifndef IORING_OP_WRITEV_FIXED
#define IORING_OP_WRITEV_FIXED		61
#endif
#ifndef IORING_OP_PIPE
#define IORING_OP_PIPE			62
#endif
#ifndef IORING_OP_NOP128
#define IORING_OP_NOP128		63
#endif
#ifndef IORING_OP_URING_CMD128
#define IORING_OP_URING_CMD128		64
#endif

/* enum io_uring_register_op */
#ifndef IORING_REGISTER_PBUF_STATUS
#define IORING_REGISTER_PBUF_STATUS	26
#endif
#ifndef IORING_REGISTER_NAPI
#define IORING_REGISTER_NAPI		27
#endif
#ifndef IORING_UNREGISTER_NAPI
#define IORING_UNREGISTER_NAPI		28
#endif
#ifndef IORING_REGISTER_CLOCK
#define IORING_REGISTER_CLOCK		29
#endif
#ifndef IORING_REGISTER_CLONE_BUFFERS
#define IORING_REGISTER_CLONE_BUFFERS	30
#endif
#ifndef IORING_REGISTER_SEND_MSG_RING
#define IORING_REGISTER_SEND_MSG_RING	31
#endif
#ifndef IORING_REGISTER_ZCRX_IFQ
#define IORING_REGISTER_ZCRX_IFQ	32
#endif
#ifndef IORING_REGISTER_RESIZE_RINGS
#define IORING_REGISTER_RESIZE_RINGS	33
#endif
#ifndef IORING_REGISTER_MEM_REGION
#define IORING_REGISTER_MEM_REGION	34
#endif
#ifndef IORING_REGISTER_QUERY
#define IORING_REGISTER_QUERY		35
#endif
#ifndef IORING_REGISTER_ZCRX_CTRL
#define IORING_REGISTER_ZCRX_CTRL	36
#endif
#ifndef IORING_REGISTER_BPF_FILTER
#define IORING_REGISTER_BPF_FILTER	37
#endif
#ifndef IORING_REGISTER_USE_REGISTERED_RING
#define IORING_REGISTER_USE_REGISTERED_RING (1U << 31)
#endif

/* smaller enums */
#ifndef IOU_PBUF_RING_MMAP
#define IOU_PBUF_RING_MMAP		1
#endif
#ifndef IOU_PBUF_RING_INC
#define IOU_PBUF_RING_INC		2
#endif
#ifndef IORING_MEM_REGION_TYPE_USER
#define IORING_MEM_REGION_TYPE_USER	1
#endif
#ifndef IORING_MEM_REGION_REG_WAIT_ARG
#define IORING_MEM_REGION_REG_WAIT_ARG	1
#endif
#ifndef IORING_REGISTER_SRC_REGISTERED
#define IORING_REGISTER_SRC_REGISTERED	(1U << 0)
#endif
#ifndef IORING_REGISTER_DST_REPLACE
#define IORING_REGISTER_DST_REPLACE	(1U << 1)
#endif
#ifndef IORING_REG_WAIT_TS
#define IORING_REG_WAIT_TS		(1U << 0)
#endif
#ifndef IO_URING_NAPI_REGISTER_OP
#define IO_URING_NAPI_REGISTER_OP	0
#endif
#ifndef IO_URING_NAPI_STATIC_ADD_ID
#define IO_URING_NAPI_STATIC_ADD_ID	1
#endif
#ifndef IO_URING_NAPI_STATIC_DEL_ID
#define IO_URING_NAPI_STATIC_DEL_ID	2
#endif
#ifndef IO_URING_NAPI_TRACKING_DYNAMIC
#define IO_URING_NAPI_TRACKING_DYNAMIC	0
#endif
#ifndef IO_URING_NAPI_TRACKING_STATIC
#define IO_URING_NAPI_TRACKING_STATIC	1
#endif
#ifndef IO_URING_NAPI_TRACKING_INACTIVE
#define IO_URING_NAPI_TRACKING_INACTIVE	255
#endif
#ifndef SOCKET_URING_OP_SIOCINQ
#define SOCKET_URING_OP_SIOCINQ		0
#endif
#ifndef SOCKET_URING_OP_SIOCOUTQ
#define SOCKET_URING_OP_SIOCOUTQ	1
#endif
#ifndef SOCKET_URING_OP_GETSOCKOPT
#define SOCKET_URING_OP_GETSOCKOPT	2
#endif
#ifndef SOCKET_URING_OP_SETSOCKOPT
#define SOCKET_URING_OP_SETSOCKOPT	3
#endif
#ifndef SOCKET_URING_OP_TX_TIMESTAMP
#define SOCKET_URING_OP_TX_TIMESTAMP	4
#endif
#ifndef SOCKET_URING_OP_GETSOCKNAME
#define SOCKET_URING_OP_GETSOCKNAME	5
#endif
#ifndef IORING_ZCRX_AREA_DMABUF
#define IORING_ZCRX_AREA_DMABUF		1
#endif
#ifndef ZCRX_REG_IMPORT
#define ZCRX_REG_IMPORT			1
#endif
#ifndef ZCRX_REG_NODEV
#define ZCRX_REG_NODEV			2
#endif
#ifndef ZCRX_FEATURE_RX_PAGE_SIZE
#define ZCRX_FEATURE_RX_PAGE_SIZE	(1 << 0)
#endif
#ifndef ZCRX_CTRL_FLUSH_RQ
#define ZCRX_CTRL_FLUSH_RQ		0
#endif
#ifndef ZCRX_CTRL_EXPORT
#define ZCRX_CTRL_EXPORT		1
#endif

/* #define constants newer than 6.1 */
#ifndef IORING_SETUP_NO_MMAP
#define IORING_SETUP_NO_MMAP		(1U << 14)
#endif
#ifndef IORING_SETUP_REGISTERED_FD_ONLY
#define IORING_SETUP_REGISTERED_FD_ONLY	(1U << 15)
#endif
#ifndef IORING_SETUP_NO_SQARRAY
#define IORING_SETUP_NO_SQARRAY		(1U << 16)
#endif
#ifndef IORING_SETUP_HYBRID_IOPOLL
#define IORING_SETUP_HYBRID_IOPOLL	(1U << 17)
#endif
#ifndef IORING_SETUP_CQE_MIXED
#define IORING_SETUP_CQE_MIXED		(1U << 18)
#endif
#ifndef IORING_SETUP_SQE_MIXED
#define IORING_SETUP_SQE_MIXED		(1U << 19)
#endif
#ifndef IORING_SETUP_SQ_REWIND
#define IORING_SETUP_SQ_REWIND		(1U << 20)
#endif
#ifndef IORING_RW_ATTR_FLAG_PI
#define IORING_RW_ATTR_FLAG_PI		(1U << 0)
#endif
#ifndef IORING_URING_CMD_FIXED
#define IORING_URING_CMD_FIXED		(1U << 0)
#endif
#ifndef IORING_URING_CMD_MULTISHOT
#define IORING_URING_CMD_MULTISHOT	(1U << 1)
#endif
#ifndef IORING_URING_CMD_MASK
#define IORING_URING_CMD_MASK		(IORING_URING_CMD_FIXED | \
					 IORING_URING_CMD_MULTISHOT)
#endif
#ifndef IORING_TIMEOUT_ETIME_SUCCESS
#define IORING_TIMEOUT_ETIME_SUCCESS	(1U << 5)
#endif
#ifndef IORING_TIMEOUT_MULTISHOT
#define IORING_TIMEOUT_MULTISHOT	(1U << 6)
#endif
#ifndef IORING_TIMEOUT_IMMEDIATE_ARG
#define IORING_TIMEOUT_IMMEDIATE_ARG	(1U << 7)
#endif
#ifndef IORING_POLL_ADD_LEVEL
#define IORING_POLL_ADD_LEVEL		(1U << 3)
#endif
#ifndef IORING_ASYNC_CANCEL_USERDATA
#define IORING_ASYNC_CANCEL_USERDATA	(1U << 4)
#endif
#ifndef IORING_ASYNC_CANCEL_OP
#define IORING_ASYNC_CANCEL_OP		(1U << 5)
#endif
#ifndef IORING_SEND_ZC_REPORT_USAGE
#define IORING_SEND_ZC_REPORT_USAGE	(1U << 3)
#endif
#ifndef IORING_RECVSEND_BUNDLE
#define IORING_RECVSEND_BUNDLE		(1U << 4)
#endif
#ifndef IORING_SEND_VECTORIZED
#define IORING_SEND_VECTORIZED		(1U << 5)
#endif
#ifndef IORING_NOTIF_USAGE_ZC_COPIED
#define IORING_NOTIF_USAGE_ZC_COPIED	(1U << 31)
#endif
#ifndef IORING_ACCEPT_DONTWAIT
#define IORING_ACCEPT_DONTWAIT		(1U << 1)
#endif
#ifndef IORING_ACCEPT_POLL_FIRST
#define IORING_ACCEPT_POLL_FIRST	(1U << 2)
#endif
#ifndef IORING_MSG_RING_CQE_SKIP
#define IORING_MSG_RING_CQE_SKIP	(1U << 0)
#endif
#ifndef IORING_MSG_RING_FLAGS_PASS
#define IORING_MSG_RING_FLAGS_PASS	(1U << 1)
#endif
#ifndef IORING_FIXED_FD_NO_CLOEXEC
#define IORING_FIXED_FD_NO_CLOEXEC	(1U << 0)
#endif
#ifndef IORING_NOP_INJECT_RESULT
#define IORING_NOP_INJECT_RESULT	(1U << 0)
#endif
#ifndef IORING_NOP_FILE
#define IORING_NOP_FILE			(1U << 1)
#endif
#ifndef IORING_NOP_FIXED_FILE
#define IORING_NOP_FIXED_FILE		(1U << 2)
#endif
#ifndef IORING_NOP_FIXED_BUFFER
#define IORING_NOP_FIXED_BUFFER		(1U << 3)
#endif
#ifndef IORING_NOP_TW
#define IORING_NOP_TW			(1U << 4)
#endif
#ifndef IORING_NOP_CQE32
#define IORING_NOP_CQE32		(1U << 5)
#endif
#ifndef IORING_CQE_F_BUF_MORE
#define IORING_CQE_F_BUF_MORE		(1U << 4)
#endif
#ifndef IORING_CQE_F_SKIP
#define IORING_CQE_F_SKIP		(1U << 5)
#endif
#ifndef IORING_CQE_F_32
#define IORING_CQE_F_32			(1U << 15)
#endif
#ifndef IORING_OFF_PBUF_RING
#define IORING_OFF_PBUF_RING		0x80000000ULL
#endif
#ifndef IORING_OFF_PBUF_SHIFT
#define IORING_OFF_PBUF_SHIFT		16
#endif
#ifndef IORING_OFF_MMAP_MASK
#define IORING_OFF_MMAP_MASK		0xf8000000ULL
#endif
#ifndef IORING_SQ_TASKRUN
#define IORING_SQ_TASKRUN		(1U << 2)
#endif
#ifndef IORING_ENTER_REGISTERED_RING
#define IORING_ENTER_REGISTERED_RING	(1U << 4)
#endif
#ifndef IORING_ENTER_ABS_TIMER
#define IORING_ENTER_ABS_TIMER		(1U << 5)
#endif
#ifndef IORING_ENTER_EXT_ARG_REG
#define IORING_ENTER_EXT_ARG_REG	(1U << 6)
#endif
#ifndef IORING_ENTER_NO_IOWAIT
#define IORING_ENTER_NO_IOWAIT		(1U << 7)
#endif
#ifndef IORING_FEAT_CQE_SKIP
#define IORING_FEAT_CQE_SKIP		(1U << 11)
#endif
#ifndef IORING_FEAT_LINKED_FILE
#define IORING_FEAT_LINKED_FILE		(1U << 12)
#endif
#ifndef IORING_FEAT_REG_REG_RING
#define IORING_FEAT_REG_REG_RING	(1U << 13)
#endif
#ifndef IORING_FEAT_RECVSEND_BUNDLE
#define IORING_FEAT_RECVSEND_BUNDLE	(1U << 14)
#endif
#ifndef IORING_FEAT_MIN_TIMEOUT
#define IORING_FEAT_MIN_TIMEOUT		(1U << 15)
#endif
#ifndef IORING_FEAT_RW_ATTR
#define IORING_FEAT_RW_ATTR		(1U << 16)
#endif
#ifndef IORING_FEAT_NO_IOWAIT
#define IORING_FEAT_NO_IOWAIT		(1U << 17)
#endif
#ifndef IORING_RSRC_REGISTER_SPARSE
#define IORING_RSRC_REGISTER_SPARSE	(1U << 0)
#endif
#ifndef IORING_FILE_INDEX_ALLOC
#define IORING_FILE_INDEX_ALLOC		(~0U)
#endif
#ifndef IORING_TIMESTAMP_HW_SHIFT
#define IORING_TIMESTAMP_HW_SHIFT	16
#endif
#ifndef IORING_TIMESTAMP_TYPE_SHIFT
#define IORING_TIMESTAMP_TYPE_SHIFT	(IORING_TIMESTAMP_HW_SHIFT + 1)
#endif
#ifndef IORING_CQE_F_TSTAMP_HW
#define IORING_CQE_F_TSTAMP_HW		((__u32)1 << IORING_TIMESTAMP_HW_SHIFT)
#endif
#ifndef IORING_ZCRX_AREA_SHIFT
#define IORING_ZCRX_AREA_SHIFT		48
#endif
#ifndef IORING_ZCRX_AREA_MASK
#define IORING_ZCRX_AREA_MASK		(~(((__u64)1 << IORING_ZCRX_AREA_SHIFT) - 1))
#endif

#ifdef __cplusplus
}
#endif

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif /* compat block */

/*
 * The sub-headers, in either case above: liburing programs see the query
 * and BPF filter interfaces through <liburing.h> alone.
 */
#include "io_uring/query.h"
#include "io_uring/bpf_filter.h"
