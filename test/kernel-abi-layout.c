/* SPDX-License-Identifier: MIT */
/*
 * Checks include/liburing/io_uring.h against the kernel ABI.
 *
 * Compile time: sizes and member offsets of the UAPI structs, and the
 * numeric values of the opcodes and flags (an off-by-one in an enum silently
 * runs the wrong operation, so every value is pinned).
 *
 * Run time: set up a real 4-entry ring with raw syscalls, check the geometry
 * the kernel reports against our struct sizes, push one NOP through our
 * io_uring_sqe / io_uring_cqe layout, and check the probe (and, on 6.18+,
 * the query) answers.
 *
 * Uses only our header and libc.  Exit: 0 pass, 1 fail, 77 skip.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <liburing/io_uring.h>

#define T_PASS 0
#define T_FAIL 1
#define T_SKIP 77

#define SIZE(type, n) \
	_Static_assert(sizeof(struct type) == (n), "sizeof " #type)
#define OFF(type, member, n) \
	_Static_assert(offsetof(struct type, member) == (n), \
		       #type "." #member " offset")
#define MSIZE(type, member, n) \
	_Static_assert(sizeof(((struct type *)0)->member) == (n), \
		       #type "." #member " size")
#define VAL(name, n) _Static_assert((name) == (n), #name)

/* ---------------- struct io_uring_sqe ---------------- */
SIZE(io_uring_sqe, 64);
OFF(io_uring_sqe, opcode, 0);		MSIZE(io_uring_sqe, opcode, 1);
OFF(io_uring_sqe, flags, 1);		MSIZE(io_uring_sqe, flags, 1);
OFF(io_uring_sqe, ioprio, 2);		MSIZE(io_uring_sqe, ioprio, 2);
OFF(io_uring_sqe, fd, 4);		MSIZE(io_uring_sqe, fd, 4);
OFF(io_uring_sqe, off, 8);		MSIZE(io_uring_sqe, off, 8);
OFF(io_uring_sqe, addr2, 8);		MSIZE(io_uring_sqe, addr2, 8);
OFF(io_uring_sqe, cmd_op, 8);		MSIZE(io_uring_sqe, cmd_op, 4);
OFF(io_uring_sqe, __pad1, 12);		MSIZE(io_uring_sqe, __pad1, 4);
OFF(io_uring_sqe, addr, 16);		MSIZE(io_uring_sqe, addr, 8);
OFF(io_uring_sqe, splice_off_in, 16);	MSIZE(io_uring_sqe, splice_off_in, 8);
OFF(io_uring_sqe, level, 16);		MSIZE(io_uring_sqe, level, 4);
OFF(io_uring_sqe, optname, 20);		MSIZE(io_uring_sqe, optname, 4);
OFF(io_uring_sqe, len, 24);		MSIZE(io_uring_sqe, len, 4);
OFF(io_uring_sqe, rw_flags, 28);	MSIZE(io_uring_sqe, rw_flags, 4);
OFF(io_uring_sqe, fsync_flags, 28);
OFF(io_uring_sqe, poll_events, 28);	MSIZE(io_uring_sqe, poll_events, 2);
OFF(io_uring_sqe, poll32_events, 28);
OFF(io_uring_sqe, sync_range_flags, 28);
OFF(io_uring_sqe, msg_flags, 28);
OFF(io_uring_sqe, timeout_flags, 28);
OFF(io_uring_sqe, accept_flags, 28);
OFF(io_uring_sqe, cancel_flags, 28);
OFF(io_uring_sqe, open_flags, 28);
OFF(io_uring_sqe, statx_flags, 28);
OFF(io_uring_sqe, fadvise_advice, 28);
OFF(io_uring_sqe, splice_flags, 28);
OFF(io_uring_sqe, rename_flags, 28);
OFF(io_uring_sqe, unlink_flags, 28);
OFF(io_uring_sqe, hardlink_flags, 28);
OFF(io_uring_sqe, xattr_flags, 28);
OFF(io_uring_sqe, msg_ring_flags, 28);
OFF(io_uring_sqe, uring_cmd_flags, 28);
OFF(io_uring_sqe, waitid_flags, 28);
OFF(io_uring_sqe, futex_flags, 28);
OFF(io_uring_sqe, install_fd_flags, 28);
OFF(io_uring_sqe, nop_flags, 28);
OFF(io_uring_sqe, pipe_flags, 28);	MSIZE(io_uring_sqe, pipe_flags, 4);
OFF(io_uring_sqe, user_data, 32);	MSIZE(io_uring_sqe, user_data, 8);
OFF(io_uring_sqe, buf_index, 40);	MSIZE(io_uring_sqe, buf_index, 2);
OFF(io_uring_sqe, buf_group, 40);	MSIZE(io_uring_sqe, buf_group, 2);
OFF(io_uring_sqe, personality, 42);	MSIZE(io_uring_sqe, personality, 2);
OFF(io_uring_sqe, splice_fd_in, 44);	MSIZE(io_uring_sqe, splice_fd_in, 4);
OFF(io_uring_sqe, file_index, 44);	MSIZE(io_uring_sqe, file_index, 4);
OFF(io_uring_sqe, zcrx_ifq_idx, 44);	MSIZE(io_uring_sqe, zcrx_ifq_idx, 4);
OFF(io_uring_sqe, optlen, 44);		MSIZE(io_uring_sqe, optlen, 4);
OFF(io_uring_sqe, addr_len, 44);	MSIZE(io_uring_sqe, addr_len, 2);
OFF(io_uring_sqe, __pad3, 46);		MSIZE(io_uring_sqe, __pad3, 2);
OFF(io_uring_sqe, write_stream, 44);	MSIZE(io_uring_sqe, write_stream, 1);
OFF(io_uring_sqe, __pad4, 45);		MSIZE(io_uring_sqe, __pad4, 3);
OFF(io_uring_sqe, addr3, 48);		MSIZE(io_uring_sqe, addr3, 8);
OFF(io_uring_sqe, __pad2, 56);		MSIZE(io_uring_sqe, __pad2, 8);
OFF(io_uring_sqe, attr_ptr, 48);	MSIZE(io_uring_sqe, attr_ptr, 8);
OFF(io_uring_sqe, attr_type_mask, 56);	MSIZE(io_uring_sqe, attr_type_mask, 8);
OFF(io_uring_sqe, optval, 48);		MSIZE(io_uring_sqe, optval, 8);
OFF(io_uring_sqe, cmd, 48);

/* ---------------- CQE and ring offsets ---------------- */
SIZE(io_uring_cqe, 16);
OFF(io_uring_cqe, user_data, 0);
OFF(io_uring_cqe, res, 8);
OFF(io_uring_cqe, flags, 12);
OFF(io_uring_cqe, big_cqe, 16);

SIZE(io_sqring_offsets, 40);
OFF(io_sqring_offsets, head, 0);
OFF(io_sqring_offsets, tail, 4);
OFF(io_sqring_offsets, ring_mask, 8);
OFF(io_sqring_offsets, ring_entries, 12);
OFF(io_sqring_offsets, flags, 16);
OFF(io_sqring_offsets, dropped, 20);
OFF(io_sqring_offsets, array, 24);
OFF(io_sqring_offsets, resv1, 28);
OFF(io_sqring_offsets, user_addr, 32);

SIZE(io_cqring_offsets, 40);
OFF(io_cqring_offsets, head, 0);
OFF(io_cqring_offsets, tail, 4);
OFF(io_cqring_offsets, ring_mask, 8);
OFF(io_cqring_offsets, ring_entries, 12);
OFF(io_cqring_offsets, overflow, 16);
OFF(io_cqring_offsets, cqes, 20);
OFF(io_cqring_offsets, flags, 24);
OFF(io_cqring_offsets, resv1, 28);
OFF(io_cqring_offsets, user_addr, 32);

SIZE(io_uring_params, 120);
OFF(io_uring_params, sq_entries, 0);
OFF(io_uring_params, cq_entries, 4);
OFF(io_uring_params, flags, 8);
OFF(io_uring_params, sq_thread_cpu, 12);
OFF(io_uring_params, sq_thread_idle, 16);
OFF(io_uring_params, features, 20);
OFF(io_uring_params, wq_fd, 24);
OFF(io_uring_params, resv, 28);		MSIZE(io_uring_params, resv, 12);
OFF(io_uring_params, sq_off, 40);
OFF(io_uring_params, cq_off, 80);

/* ---------------- register arguments ---------------- */
SIZE(io_uring_files_update, 16);
OFF(io_uring_files_update, fds, 8);

SIZE(io_uring_rsrc_register, 32);
OFF(io_uring_rsrc_register, nr, 0);
OFF(io_uring_rsrc_register, flags, 4);
OFF(io_uring_rsrc_register, resv2, 8);
OFF(io_uring_rsrc_register, data, 16);
OFF(io_uring_rsrc_register, tags, 24);

SIZE(io_uring_rsrc_update, 16);
OFF(io_uring_rsrc_update, offset, 0);
OFF(io_uring_rsrc_update, resv, 4);
OFF(io_uring_rsrc_update, data, 8);

SIZE(io_uring_rsrc_update2, 32);
OFF(io_uring_rsrc_update2, offset, 0);
OFF(io_uring_rsrc_update2, data, 8);
OFF(io_uring_rsrc_update2, tags, 16);
OFF(io_uring_rsrc_update2, nr, 24);
OFF(io_uring_rsrc_update2, resv2, 28);

SIZE(io_uring_probe_op, 8);
OFF(io_uring_probe_op, op, 0);
OFF(io_uring_probe_op, resv, 1);
OFF(io_uring_probe_op, flags, 2);
OFF(io_uring_probe_op, resv2, 4);
SIZE(io_uring_probe, 16);
OFF(io_uring_probe, last_op, 0);
OFF(io_uring_probe, ops_len, 1);
OFF(io_uring_probe, resv, 2);
OFF(io_uring_probe, resv2, 4);
OFF(io_uring_probe, ops, 16);

SIZE(io_uring_restriction, 16);
OFF(io_uring_restriction, opcode, 0);
OFF(io_uring_restriction, register_op, 2);
OFF(io_uring_restriction, sqe_op, 2);
OFF(io_uring_restriction, sqe_flags, 2);
OFF(io_uring_restriction, resv, 3);
OFF(io_uring_restriction, resv2, 4);

SIZE(io_uring_clock_register, 16);
SIZE(io_uring_clone_buffers, 32);
OFF(io_uring_clone_buffers, src_fd, 0);
OFF(io_uring_clone_buffers, flags, 4);
OFF(io_uring_clone_buffers, src_off, 8);
OFF(io_uring_clone_buffers, dst_off, 12);
OFF(io_uring_clone_buffers, nr, 16);

SIZE(io_uring_region_desc, 64);
OFF(io_uring_region_desc, user_addr, 0);
OFF(io_uring_region_desc, size, 8);
OFF(io_uring_region_desc, flags, 16);
OFF(io_uring_region_desc, id, 20);
OFF(io_uring_region_desc, mmap_offset, 24);
OFF(io_uring_region_desc, __resv, 32);
SIZE(io_uring_mem_region_reg, 32);
OFF(io_uring_mem_region_reg, flags, 8);

SIZE(io_uring_buf, 16);
OFF(io_uring_buf, addr, 0);
OFF(io_uring_buf, len, 8);
OFF(io_uring_buf, bid, 12);
OFF(io_uring_buf, resv, 14);
SIZE(io_uring_buf_ring, 16);
OFF(io_uring_buf_ring, resv1, 0);
OFF(io_uring_buf_ring, resv2, 8);
OFF(io_uring_buf_ring, resv3, 12);
OFF(io_uring_buf_ring, tail, 14);	/* overlays bufs[0].resv */
OFF(io_uring_buf_ring, bufs, 0);

SIZE(io_uring_buf_reg, 40);
OFF(io_uring_buf_reg, ring_addr, 0);
OFF(io_uring_buf_reg, ring_entries, 8);
OFF(io_uring_buf_reg, bgid, 12);
OFF(io_uring_buf_reg, flags, 14);
OFF(io_uring_buf_reg, min_left, 16);	/* 7.0: the first 4 bytes of resv */
OFF(io_uring_buf_reg, resv, 20);
SIZE(io_uring_buf_status, 40);
OFF(io_uring_buf_status, head, 4);

SIZE(io_uring_napi, 16);
OFF(io_uring_napi, busy_poll_to, 0);
OFF(io_uring_napi, prefer_busy_poll, 4);
OFF(io_uring_napi, opcode, 5);
OFF(io_uring_napi, pad, 6);
OFF(io_uring_napi, op_param, 8);
OFF(io_uring_napi, resv, 12);

/* ---------------- waiting ---------------- */
SIZE(io_uring_reg_wait, 64);
OFF(io_uring_reg_wait, ts, 0);
OFF(io_uring_reg_wait, min_wait_usec, 16);
OFF(io_uring_reg_wait, flags, 20);
OFF(io_uring_reg_wait, sigmask, 24);
OFF(io_uring_reg_wait, sigmask_sz, 32);
OFF(io_uring_reg_wait, pad, 36);
OFF(io_uring_reg_wait, pad2, 48);

SIZE(io_uring_getevents_arg, 24);
OFF(io_uring_getevents_arg, sigmask, 0);
OFF(io_uring_getevents_arg, sigmask_sz, 8);
OFF(io_uring_getevents_arg, min_wait_usec, 12);
OFF(io_uring_getevents_arg, ts, 16);

SIZE(io_uring_sync_cancel_reg, 64);
OFF(io_uring_sync_cancel_reg, addr, 0);
OFF(io_uring_sync_cancel_reg, fd, 8);
OFF(io_uring_sync_cancel_reg, flags, 12);
OFF(io_uring_sync_cancel_reg, timeout, 16);
OFF(io_uring_sync_cancel_reg, opcode, 32);
OFF(io_uring_sync_cancel_reg, pad, 33);
OFF(io_uring_sync_cancel_reg, pad2, 40);

SIZE(io_uring_file_index_range, 16);
OFF(io_uring_file_index_range, len, 4);
OFF(io_uring_file_index_range, resv, 8);

SIZE(io_uring_recvmsg_out, 16);
OFF(io_uring_recvmsg_out, namelen, 0);
OFF(io_uring_recvmsg_out, controllen, 4);
OFF(io_uring_recvmsg_out, payloadlen, 8);
OFF(io_uring_recvmsg_out, flags, 12);

SIZE(io_uring_attr_pi, 32);
OFF(io_uring_attr_pi, app_tag, 2);
OFF(io_uring_attr_pi, len, 4);
OFF(io_uring_attr_pi, addr, 8);
OFF(io_uring_attr_pi, seed, 16);
OFF(io_uring_attr_pi, rsvd, 24);

SIZE(io_timespec, 16);

/* ---------------- zero-copy receive ---------------- */
SIZE(io_uring_zcrx_rqe, 16);
OFF(io_uring_zcrx_rqe, len, 8);
SIZE(io_uring_zcrx_cqe, 16);
SIZE(io_uring_zcrx_offsets, 32);
OFF(io_uring_zcrx_offsets, rqes, 8);
OFF(io_uring_zcrx_offsets, __resv, 16);
SIZE(io_uring_zcrx_area_reg, 48);
OFF(io_uring_zcrx_area_reg, rq_area_token, 16);
OFF(io_uring_zcrx_area_reg, flags, 24);
OFF(io_uring_zcrx_area_reg, dmabuf_fd, 28);
OFF(io_uring_zcrx_area_reg, __resv2, 32);
SIZE(io_uring_zcrx_ifq_reg, 96);
OFF(io_uring_zcrx_ifq_reg, area_ptr, 16);
OFF(io_uring_zcrx_ifq_reg, region_ptr, 24);
OFF(io_uring_zcrx_ifq_reg, offsets, 32);
OFF(io_uring_zcrx_ifq_reg, zcrx_id, 64);
OFF(io_uring_zcrx_ifq_reg, __resv, 72);

/* ---------------- query (6.18) ---------------- */
SIZE(io_uring_query_hdr, 40);
OFF(io_uring_query_hdr, next_entry, 0);
OFF(io_uring_query_hdr, query_data, 8);
OFF(io_uring_query_hdr, query_op, 16);
OFF(io_uring_query_hdr, size, 20);
OFF(io_uring_query_hdr, result, 24);
SIZE(io_uring_query_opcode, 48);
OFF(io_uring_query_opcode, feature_flags, 8);
OFF(io_uring_query_opcode, ring_setup_flags, 16);
OFF(io_uring_query_opcode, enter_flags, 24);
OFF(io_uring_query_opcode, sqe_flags, 32);
OFF(io_uring_query_opcode, nr_query_opcodes, 40);

/* ---------------- values ---------------- */
VAL(IORING_OP_NOP, 0);			VAL(IORING_OP_READV, 1);
VAL(IORING_OP_WRITEV, 2);		VAL(IORING_OP_FSYNC, 3);
VAL(IORING_OP_READ_FIXED, 4);		VAL(IORING_OP_WRITE_FIXED, 5);
VAL(IORING_OP_POLL_ADD, 6);		VAL(IORING_OP_POLL_REMOVE, 7);
VAL(IORING_OP_SYNC_FILE_RANGE, 8);	VAL(IORING_OP_SENDMSG, 9);
VAL(IORING_OP_RECVMSG, 10);		VAL(IORING_OP_TIMEOUT, 11);
VAL(IORING_OP_TIMEOUT_REMOVE, 12);	VAL(IORING_OP_ACCEPT, 13);
VAL(IORING_OP_ASYNC_CANCEL, 14);	VAL(IORING_OP_LINK_TIMEOUT, 15);
VAL(IORING_OP_CONNECT, 16);		VAL(IORING_OP_FALLOCATE, 17);
VAL(IORING_OP_OPENAT, 18);		VAL(IORING_OP_CLOSE, 19);
VAL(IORING_OP_FILES_UPDATE, 20);	VAL(IORING_OP_STATX, 21);
VAL(IORING_OP_READ, 22);		VAL(IORING_OP_WRITE, 23);
VAL(IORING_OP_FADVISE, 24);		VAL(IORING_OP_MADVISE, 25);
VAL(IORING_OP_SEND, 26);		VAL(IORING_OP_RECV, 27);
VAL(IORING_OP_OPENAT2, 28);		VAL(IORING_OP_EPOLL_CTL, 29);
VAL(IORING_OP_SPLICE, 30);		VAL(IORING_OP_PROVIDE_BUFFERS, 31);
VAL(IORING_OP_REMOVE_BUFFERS, 32);	VAL(IORING_OP_TEE, 33);
VAL(IORING_OP_SHUTDOWN, 34);		VAL(IORING_OP_RENAMEAT, 35);
VAL(IORING_OP_UNLINKAT, 36);		VAL(IORING_OP_MKDIRAT, 37);
VAL(IORING_OP_SYMLINKAT, 38);		VAL(IORING_OP_LINKAT, 39);
VAL(IORING_OP_MSG_RING, 40);		VAL(IORING_OP_FSETXATTR, 41);
VAL(IORING_OP_SETXATTR, 42);		VAL(IORING_OP_FGETXATTR, 43);
VAL(IORING_OP_GETXATTR, 44);		VAL(IORING_OP_SOCKET, 45);
VAL(IORING_OP_URING_CMD, 46);		VAL(IORING_OP_SEND_ZC, 47);
VAL(IORING_OP_SENDMSG_ZC, 48);		VAL(IORING_OP_READ_MULTISHOT, 49);
VAL(IORING_OP_WAITID, 50);		VAL(IORING_OP_FUTEX_WAIT, 51);
VAL(IORING_OP_FUTEX_WAKE, 52);		VAL(IORING_OP_FUTEX_WAITV, 53);
VAL(IORING_OP_FIXED_FD_INSTALL, 54);	VAL(IORING_OP_FTRUNCATE, 55);
VAL(IORING_OP_BIND, 56);		VAL(IORING_OP_LISTEN, 57);
VAL(IORING_OP_RECV_ZC, 58);		VAL(IORING_OP_EPOLL_WAIT, 59);
VAL(IORING_OP_READV_FIXED, 60);		VAL(IORING_OP_WRITEV_FIXED, 61);
VAL(IORING_OP_PIPE, 62);		VAL(IORING_OP_NOP128, 63);
VAL(IORING_OP_URING_CMD128, 64);	VAL(IORING_OP_LAST, 65);

VAL(IORING_REGISTER_BUFFERS, 0);	VAL(IORING_REGISTER_PROBE, 8);
VAL(IORING_REGISTER_ENABLE_RINGS, 12);	VAL(IORING_REGISTER_FILES2, 13);
VAL(IORING_REGISTER_IOWQ_MAX_WORKERS, 19);
VAL(IORING_REGISTER_RING_FDS, 20);	VAL(IORING_REGISTER_PBUF_RING, 22);
VAL(IORING_REGISTER_SYNC_CANCEL, 24);	VAL(IORING_REGISTER_FILE_ALLOC_RANGE, 25);
VAL(IORING_REGISTER_PBUF_STATUS, 26);	VAL(IORING_REGISTER_NAPI, 27);
VAL(IORING_UNREGISTER_NAPI, 28);	VAL(IORING_REGISTER_CLOCK, 29);
VAL(IORING_REGISTER_CLONE_BUFFERS, 30);	VAL(IORING_REGISTER_SEND_MSG_RING, 31);
VAL(IORING_REGISTER_ZCRX_IFQ, 32);	VAL(IORING_REGISTER_RESIZE_RINGS, 33);
VAL(IORING_REGISTER_MEM_REGION, 34);	VAL(IORING_REGISTER_QUERY, 35);
VAL(IORING_REGISTER_ZCRX_CTRL, 36);	VAL(IORING_REGISTER_BPF_FILTER, 37);
VAL(IORING_REGISTER_LAST, 38);
VAL(IORING_REGISTER_USE_REGISTERED_RING, 0x80000000U);

VAL(IOSQE_FIXED_FILE, 1);		VAL(IOSQE_IO_DRAIN, 2);
VAL(IOSQE_IO_LINK, 4);			VAL(IOSQE_IO_HARDLINK, 8);
VAL(IOSQE_ASYNC, 16);			VAL(IOSQE_BUFFER_SELECT, 32);
VAL(IOSQE_CQE_SKIP_SUCCESS, 64);

VAL(IORING_SETUP_DEFER_TASKRUN, 1U << 13);
VAL(IORING_SETUP_NO_SQARRAY, 1U << 16);
VAL(IORING_SETUP_HYBRID_IOPOLL, 1U << 17);
VAL(IORING_SETUP_CQE_MIXED, 1U << 18);
VAL(IORING_SETUP_SQE_MIXED, 1U << 19);
VAL(IORING_ENTER_NO_IOWAIT, 1U << 7);
VAL(IORING_FEAT_NO_IOWAIT, 1U << 17);
VAL(IORING_CQE_F_SKIP, 1U << 5);
VAL(IORING_CQE_F_32, 1U << 15);
VAL(IORING_CQE_BUFFER_SHIFT, 16);
VAL(IORING_OFF_CQ_RING, 0x8000000ULL);
VAL(IORING_OFF_SQES, 0x10000000ULL);
VAL(IORING_OFF_PBUF_RING, 0x80000000ULL);
VAL(IORING_OFF_MMAP_MASK, 0xf8000000ULL);
VAL(IORING_FILE_INDEX_ALLOC, 0xffffffffU);
VAL(IORING_REGISTER_FILES_SKIP, -2);
VAL(IOU_PBUF_RING_MMAP, 1);		VAL(IOU_PBUF_RING_INC, 2);
VAL(SOCKET_URING_OP_SETSOCKOPT, 3);	VAL(SOCKET_URING_OP_TX_TIMESTAMP, 4);
VAL(IORING_ZCRX_AREA_MASK, 0xffff000000000000ULL);
VAL(IO_URING_QUERY_OPCODES, 0);

/* ====================================================================== */

static int fails;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		fails++;						\
	}								\
} while (0)

static long sys_setup(unsigned entries, struct io_uring_params *p)
{
	return syscall(__NR_io_uring_setup, entries, p);
}

static long sys_enter(int fd, unsigned submit, unsigned wait, unsigned flags)
{
	return syscall(__NR_io_uring_enter, fd, submit, wait, flags, NULL, 0);
}

static long sys_register(int fd, unsigned op, void *arg, unsigned nr)
{
	return syscall(__NR_io_uring_register, fd, op, arg, nr);
}

/* Ring geometry must agree with our struct sizes. */
static void check_geometry(const struct io_uring_params *p)
{
	CHECK(p->sq_entries == 4);
	CHECK(p->cq_entries == 8);
	CHECK(p->features & IORING_FEAT_SINGLE_MMAP);
	CHECK(p->features & IORING_FEAT_NODROP);
	CHECK(p->cq_off.cqes % 64 == 0);
	CHECK(p->cq_off.cqes % sizeof(struct io_uring_cqe) == 0);
	/* in the shared mapping the SQ index array follows the CQE array */
	CHECK(p->sq_off.array >=
	      p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe));
	CHECK(p->sq_off.ring_mask < p->cq_off.cqes);
	CHECK(p->sq_off.ring_entries < p->cq_off.cqes);
	CHECK(p->cq_off.overflow < p->cq_off.cqes);
}

/* Submit one NOP through our SQE layout and read it back via our CQE. */
static void check_nop(int fd, const struct io_uring_params *p)
{
	size_t sq_sz = p->sq_off.array + p->sq_entries * sizeof(__u32);
	size_t cq_sz = p->cq_off.cqes +
		       p->cq_entries * sizeof(struct io_uring_cqe);
	size_t ring_sz = sq_sz > cq_sz ? sq_sz : cq_sz;
	size_t sqes_sz = p->sq_entries * sizeof(struct io_uring_sqe);
	unsigned char *ring;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	__u32 *sq_tail, *sq_array, *cq_head, *cq_tail, tail, idx;
	long ret;

	ring = mmap(NULL, ring_sz, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
	if (ring == MAP_FAILED) {
		perror("mmap ring");
		fails++;
		return;
	}
	sqes = mmap(NULL, sqes_sz, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (sqes == MAP_FAILED) {
		perror("mmap sqes");
		fails++;
		munmap(ring, ring_sz);
		return;
	}

	sq_tail = (__u32 *)(ring + p->sq_off.tail);
	sq_array = (__u32 *)(ring + p->sq_off.array);
	cq_head = (__u32 *)(ring + p->cq_off.head);
	cq_tail = (__u32 *)(ring + p->cq_off.tail);
	CHECK(*(__u32 *)(ring + p->sq_off.ring_entries) == 4);
	CHECK(*(__u32 *)(ring + p->sq_off.ring_mask) == 3);
	CHECK(*(__u32 *)(ring + p->cq_off.ring_entries) == 8);
	CHECK(*(__u32 *)(ring + p->cq_off.ring_mask) == 7);

	tail = *sq_tail;
	idx = tail & 3;
	memset(&sqes[idx], 0, sizeof(sqes[idx]));
	sqes[idx].opcode = IORING_OP_NOP;
	sqes[idx].fd = -1;
	sqes[idx].user_data = 0x0123456789abcdefULL;
	sq_array[idx] = idx;
	__atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);

	ret = sys_enter(fd, 1, 1, IORING_ENTER_GETEVENTS);
	CHECK(ret == 1);
	if (ret == 1 &&
	    __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) != *cq_head) {
		cqe = (struct io_uring_cqe *)(ring + p->cq_off.cqes) +
		      (*cq_head & 7);
		CHECK(cqe->user_data == 0x0123456789abcdefULL);
		CHECK(cqe->res == 0);
		CHECK((cqe->flags & IORING_CQE_F_32) == 0);
		__atomic_store_n(cq_head, *cq_head + 1, __ATOMIC_RELEASE);
	} else if (ret == 1) {
		fprintf(stderr, "no CQE after waiting for one\n");
		fails++;
	}

	munmap(sqes, sqes_sz);
	munmap(ring, ring_sz);
}

/* The probe reply is laid out per our io_uring_probe / io_uring_probe_op. */
static int check_probe(int fd)
{
	size_t sz = sizeof(struct io_uring_probe) +
		    256 * sizeof(struct io_uring_probe_op);
	struct io_uring_probe *probe = calloc(1, sz);
	int i, last = -1;

	if (!probe)
		return -1;
	if (sys_register(fd, IORING_REGISTER_PROBE, probe, 256) < 0) {
		perror("IORING_REGISTER_PROBE");
		fails++;
		free(probe);
		return -1;
	}
	CHECK(probe->ops_len == probe->last_op + 1);
	for (i = 0; i < probe->ops_len; i++)
		CHECK(probe->ops[i].op == i);
	CHECK(probe->ops[IORING_OP_NOP].flags & IO_URING_OP_SUPPORTED);
	/* our table must cover every opcode this kernel knows */
	CHECK(probe->last_op < IORING_OP_LAST);
	if (probe->last_op >= IORING_OP_PIPE) {
		CHECK(probe->ops[IORING_OP_READV_FIXED].flags &
		      IO_URING_OP_SUPPORTED);
	}
	last = probe->last_op;
	free(probe);
	return last;
}

/* 6.18+: the query interface, sized per our io_uring_query_* structs. */
static void check_query(int last_op)
{
	struct io_uring_query_opcode op;
	struct io_uring_query_hdr hdr;
	long ret;

	memset(&op, 0, sizeof(op));
	memset(&hdr, 0, sizeof(hdr));
	hdr.query_op = IO_URING_QUERY_OPCODES;
	hdr.query_data = (__u64)(uintptr_t)&op;
	hdr.size = sizeof(op);

	ret = sys_register(-1, IORING_REGISTER_QUERY, &hdr, 0);
	if (ret < 0) {
		/* older kernels do not know the opcode (or a blind fd) */
		if (errno != EINVAL && errno != EBADF && errno != EOPNOTSUPP) {
			perror("IORING_REGISTER_QUERY");
			fails++;
		}
		return;
	}
	CHECK(hdr.result == 0);
	CHECK(hdr.size == sizeof(op));
	if (last_op >= 0)
		CHECK(op.nr_request_opcodes == (__u32)last_op + 1);
	CHECK(op.nr_request_opcodes <= IORING_OP_LAST);
	CHECK(op.nr_register_opcodes <= IORING_REGISTER_LAST);
	CHECK(op.nr_register_opcodes > IORING_REGISTER_QUERY);
	CHECK(op.feature_flags & IORING_FEAT_SINGLE_MMAP);
	CHECK(op.ring_setup_flags & IORING_SETUP_CQE_MIXED);
	CHECK(op.enter_flags & IORING_ENTER_GETEVENTS);
	CHECK(op.sqe_flags == (IOSQE_FIXED_FILE | IOSQE_IO_DRAIN |
			       IOSQE_IO_LINK | IOSQE_IO_HARDLINK |
			       IOSQE_ASYNC | IOSQE_BUFFER_SELECT |
			       IOSQE_CQE_SKIP_SUCCESS));
	CHECK(op.nr_query_opcodes >= 1);
}

int main(void)
{
	struct io_uring_params p;
	int fd, last_op;

	memset(&p, 0, sizeof(p));
	fd = (int)sys_setup(4, &p);
	if (fd < 0) {
		if (errno == ENOSYS || errno == EPERM || errno == EACCES) {
			fprintf(stderr, "io_uring unavailable: %s, skipping\n",
				strerror(errno));
			return T_SKIP;
		}
		perror("io_uring_setup");
		return T_FAIL;
	}

	check_geometry(&p);
	check_nop(fd, &p);
	last_op = check_probe(fd);
	check_query(last_op);
	close(fd);

	if (fails) {
		fprintf(stderr, "%d check(s) failed\n", fails);
		return T_FAIL;
	}
	return T_PASS;
}
