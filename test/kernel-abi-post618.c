/* SPDX-License-Identifier: MIT */
/*
 * The kernel interface added after Linux 6.18 (6.19 and 7.0, as liburing's
 * development branch ships it): every new struct's size and member offsets,
 * every new constant's value, pinned at compile time; and at run time what
 * the running kernel says about them:
 *  - the query interface: IO_URING_QUERY_ZCRX / _SCQ answer on 6.19+, and
 *    an older kernel says -EOPNOTSUPP in hdr.result (the chain still works);
 *  - IORING_REGISTER_ZCRX_CTRL and IORING_REGISTER_BPF_FILTER through the
 *    library wrappers: a kernel without them answers -EINVAL, one with them
 *    rejects a malformed argument (bad op / bad cmd_type) with -EINVAL too,
 *    and a NULL argument gives -EFAULT or -EINVAL, never a crash;
 *  - the SQE_MIXED-era ring: the SCQ query's header size matches the CQ
 *    offset the kernel gave at setup.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "test.h"

#define SIZE(type, n) \
	_Static_assert(sizeof(struct type) == (n), "sizeof " #type)
#define OFF(type, member, n) \
	_Static_assert(offsetof(struct type, member) == (n), \
		       #type "." #member " offset")
#define VAL(name, n) _Static_assert((name) == (n), #name)

/* ---------------- io_uring.h: setup, timeouts, registration ---------------- */
VAL(IORING_SETUP_SQ_REWIND, 1U << 20);
VAL(IORING_TIMEOUT_IMMEDIATE_ARG, 1U << 7);
VAL(IORING_REGISTER_ZCRX_CTRL, 36);
VAL(IORING_REGISTER_BPF_FILTER, 37);
VAL(IORING_REGISTER_LAST, 38);
VAL(IORING_OP_LAST, 65);
VAL(SOCKET_URING_OP_GETSOCKNAME, 5);
VAL(IORING_RESTRICTION_SQE_FLAGS_ALLOWED, 2);
VAL(IORING_RESTRICTION_SQE_FLAGS_REQUIRED, 3);

SIZE(io_uring_task_restriction, 16);
OFF(io_uring_task_restriction, flags, 0);
OFF(io_uring_task_restriction, nr_res, 2);
OFF(io_uring_task_restriction, resv, 4);
OFF(io_uring_task_restriction, restrictions, 16);

SIZE(io_uring_buf_reg, 40);
OFF(io_uring_buf_reg, flags, 14);
OFF(io_uring_buf_reg, min_left, 16);
OFF(io_uring_buf_reg, resv, 20);

/* ---------------- zero-copy receive control (6.19, 7.0) ---------------- */
VAL(ZCRX_REG_IMPORT, 1);
VAL(ZCRX_REG_NODEV, 2);
VAL(ZCRX_FEATURE_RX_PAGE_SIZE, 1);
VAL(ZCRX_CTRL_FLUSH_RQ, 0);
VAL(ZCRX_CTRL_EXPORT, 1);
VAL(__ZCRX_CTRL_LAST, 2);

SIZE(io_uring_zcrx_ifq_reg, 96);
OFF(io_uring_zcrx_ifq_reg, zcrx_id, 64);
OFF(io_uring_zcrx_ifq_reg, rx_buf_len, 68);
OFF(io_uring_zcrx_ifq_reg, __resv, 72);

SIZE(zcrx_ctrl_flush_rq, 48);
SIZE(zcrx_ctrl_export, 48);
OFF(zcrx_ctrl_export, zcrx_fd, 0);
OFF(zcrx_ctrl_export, __resv1, 4);
SIZE(zcrx_ctrl, 72);
OFF(zcrx_ctrl, zcrx_id, 0);
OFF(zcrx_ctrl, op, 4);
OFF(zcrx_ctrl, __resv, 8);
OFF(zcrx_ctrl, zc_export, 24);
OFF(zcrx_ctrl, zc_flush, 24);

/* ---------------- io_uring/query.h ---------------- */
VAL(IO_URING_QUERY_OPCODES, 0);
VAL(IO_URING_QUERY_ZCRX, 1);
VAL(IO_URING_QUERY_SCQ, 2);
VAL(__IO_URING_QUERY_MAX, 3);

SIZE(io_uring_query_zcrx, 40);
OFF(io_uring_query_zcrx, register_flags, 0);
OFF(io_uring_query_zcrx, area_flags, 8);
OFF(io_uring_query_zcrx, nr_ctrl_opcodes, 16);
OFF(io_uring_query_zcrx, features, 20);
OFF(io_uring_query_zcrx, rq_hdr_size, 24);
OFF(io_uring_query_zcrx, rq_hdr_alignment, 28);
OFF(io_uring_query_zcrx, __resv2, 32);

SIZE(io_uring_query_scq, 16);
OFF(io_uring_query_scq, hdr_size, 0);
OFF(io_uring_query_scq, hdr_alignment, 8);

/* ---------------- io_uring/bpf_filter.h (7.0) ---------------- */
VAL(IO_URING_BPF_FILTER_DENY_REST, 1);
VAL(IO_URING_BPF_FILTER_SZ_STRICT, 2);
VAL(IO_URING_BPF_CMD_FILTER, 1);

SIZE(io_uring_bpf_ctx, 40);
OFF(io_uring_bpf_ctx, user_data, 0);
OFF(io_uring_bpf_ctx, opcode, 8);
OFF(io_uring_bpf_ctx, sqe_flags, 9);
OFF(io_uring_bpf_ctx, pdu_size, 10);
OFF(io_uring_bpf_ctx, pad, 11);
OFF(io_uring_bpf_ctx, socket.family, 16);
OFF(io_uring_bpf_ctx, socket.type, 20);
OFF(io_uring_bpf_ctx, socket.protocol, 24);
OFF(io_uring_bpf_ctx, open.flags, 16);
OFF(io_uring_bpf_ctx, open.mode, 24);
OFF(io_uring_bpf_ctx, open.resolve, 32);

SIZE(io_uring_bpf_filter, 64);
OFF(io_uring_bpf_filter, opcode, 0);
OFF(io_uring_bpf_filter, flags, 4);
OFF(io_uring_bpf_filter, filter_len, 8);
OFF(io_uring_bpf_filter, pdu_size, 12);
OFF(io_uring_bpf_filter, resv, 13);
OFF(io_uring_bpf_filter, filter_ptr, 16);
OFF(io_uring_bpf_filter, resv2, 24);

SIZE(io_uring_bpf, 72);
OFF(io_uring_bpf, cmd_type, 0);
OFF(io_uring_bpf, cmd_flags, 2);
OFF(io_uring_bpf, resv, 4);
OFF(io_uring_bpf, filter, 8);

/* ---------------- liburing.h ---------------- */
SIZE(io_uring_zcrx_rq, 40);
OFF(io_uring_zcrx_rq, khead, 0);
OFF(io_uring_zcrx_rq, ktail, 8);
OFF(io_uring_zcrx_rq, rq_tail, 16);
OFF(io_uring_zcrx_rq, ring_entries, 20);
OFF(io_uring_zcrx_rq, rqes, 24);
OFF(io_uring_zcrx_rq, ring_ptr, 32);

/* The query op count of the kernel, or 0 when it has no query interface. */
static unsigned kernel_query_ops(void)
{
	struct io_uring_query_opcode op;
	struct io_uring_query_hdr hdr;

	memset(&op, 0, sizeof(op));
	memset(&hdr, 0, sizeof(hdr));
	hdr.query_op = IO_URING_QUERY_OPCODES;
	hdr.query_data = uring_ptr_to_u64(&op);
	hdr.size = sizeof(op);
	if (io_uring_register_query(&hdr) < 0 || hdr.result < 0)
		return 0;
	return op.nr_query_opcodes;
}

static void check_query(const struct io_uring_params *p)
{
	struct io_uring_query_zcrx zq;
	struct io_uring_query_scq sq;
	struct io_uring_query_hdr hdr[2];
	unsigned nr = kernel_query_ops();

	if (!nr) {
		printf("kernel has no IORING_REGISTER_QUERY: query not run\n");
		return;
	}
	memset(&zq, 0xa5, sizeof(zq));
	memset(&sq, 0xa5, sizeof(sq));
	memset(hdr, 0, sizeof(hdr));
	hdr[0].query_op = IO_URING_QUERY_ZCRX;
	hdr[0].query_data = uring_ptr_to_u64(&zq);
	hdr[0].size = sizeof(zq);
	hdr[0].next_entry = uring_ptr_to_u64(&hdr[1]);
	hdr[1].query_op = IO_URING_QUERY_SCQ;
	hdr[1].query_data = uring_ptr_to_u64(&sq);
	hdr[1].size = sizeof(sq);
	ASSERT_EQ(io_uring_register_query(&hdr[0]), 0);

	if (nr <= IO_URING_QUERY_ZCRX) {
		/* 6.18: one query op; the others are refused per entry */
		ASSERT_EQ(hdr[0].result, -EOPNOTSUPP);
		ASSERT_EQ(hdr[1].result, -EOPNOTSUPP);
		printf("kernel answers %u query op(s): ZCRX/SCQ say "
		       "-EOPNOTSUPP as they should\n", nr);
		return;
	}
	ASSERT_EQ(hdr[0].result, 0);
	ASSERT_GE(zq.nr_ctrl_opcodes, 1u);
	ASSERT_GT(zq.rq_hdr_size, 0u);
	ASSERT_EQ(zq.rq_hdr_alignment & (zq.rq_hdr_alignment - 1), 0u);
	ASSERT(zq.register_flags & ZCRX_REG_IMPORT);
	if (nr > IO_URING_QUERY_SCQ) {
		ASSERT_EQ(hdr[1].result, 0);
		/* the CQEs start right after the ring header */
		ASSERT_EQ(sq.hdr_size, p->cq_off.cqes);
		ASSERT_GT(sq.hdr_alignment, 0u);
	}
	printf("zcrx: %u ctrl ops, features %#x; scq header %llu bytes\n",
	       zq.nr_ctrl_opcodes, zq.features,
	       (unsigned long long) sq.hdr_size);
}

static void check_register_wrappers(struct io_uring *ring)
{
	struct zcrx_ctrl ctrl;
	struct io_uring_bpf bpf;
	int ret;

	/* No zcrx instance 7 exists, and op 99 is no operation. */
	memset(&ctrl, 0, sizeof(ctrl));
	ctrl.zcrx_id = 7;
	ctrl.op = 99;
	ret = io_uring_register_zcrx_ctrl(ring, &ctrl);
	ASSERT(ret == -EINVAL || ret == -ENOENT || ret == -ENXIO);

	/* A command type the kernel does not define. */
	memset(&bpf, 0, sizeof(bpf));
	bpf.cmd_type = 0x7fff;
	ASSERT_EQ(io_uring_register_bpf_filter(ring, &bpf), -EINVAL);

	/* No filter program at all. */
	memset(&bpf, 0, sizeof(bpf));
	bpf.cmd_type = IO_URING_BPF_CMD_FILTER;
	bpf.filter.opcode = IORING_OP_NOP;
	ASSERT_EQ(io_uring_register_bpf_filter(ring, &bpf), -EINVAL);

	ret = io_uring_register_bpf_filter(ring, NULL);
	ASSERT(ret == -EFAULT || ret == -EINVAL);
	ret = io_uring_register_zcrx_ctrl(ring, NULL);
	ASSERT(ret == -EFAULT || ret == -EINVAL);

	/* A timeout whose time sits in addr itself: 2 ms, relative. */
	{
		struct io_uring_sqe *sqe = t_get_sqe(ring);
		struct __kernel_timespec ts = { 0, 0 };

		io_uring_prep_timeout(sqe, &ts, 0, IORING_TIMEOUT_IMMEDIATE_ARG);
		sqe->addr = 2 * 1000 * 1000;
		ret = t_submit_one(ring);
		if (ret == -EINVAL)
			printf("kernel lacks IORING_TIMEOUT_IMMEDIATE_ARG\n");
		else
			ASSERT_EQ(ret, -ETIME);
	}

	/* After all that, the ring still runs requests. */
	t_submit_nops(ring, 1, 5);
	ASSERT_EQ(t_submit_one(ring), 0);
}

int main(void)
{
	struct io_uring_params p;
	struct io_uring ring;

	/* SQ_REWIND is refused by the library for now: -EINVAL, no ring */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQ_REWIND | IORING_SETUP_NO_SQARRAY;
	ASSERT_EQ(io_uring_queue_init_params(4, &ring, &p), -EINVAL);

	memset(&p, 0, sizeof(p));
	t_ring_init(&ring, 8, &p);
	check_query(&p);
	check_register_wrappers(&ring);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
