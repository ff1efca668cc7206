/* SPDX-License-Identifier: MIT */
/*
 * The system's (older) <linux/io_uring.h> is included FIRST, then ours.
 * This must compile without redefinitions, and the newer names our compat
 * block supplies must carry the right values and work against the kernel.
 *
 * Exit: 0 pass, 1 fail, 77 skip (no io_uring at all).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/io_uring.h>		/* system UAPI, e.g. 6.1 on Debian 12 */
#include "liburing/io_uring.h"		/* ours: only fills in the gaps */
#include "liburing/io_uring.h"		/* a second time must be harmless */
#include <linux/io_uring.h>		/* and so must the system one */

#define T_PASS 0
#define T_FAIL 1
#define T_SKIP 77

/* Structs the 6.1 header does not have at all. */
_Static_assert(sizeof(struct io_uring_clock_register) == 16, "clock_register");
_Static_assert(sizeof(struct io_uring_clone_buffers) == 32, "clone_buffers");
_Static_assert(sizeof(struct io_uring_napi) == 16, "napi");
_Static_assert(sizeof(struct io_uring_region_desc) == 64, "region_desc");
_Static_assert(sizeof(struct io_uring_mem_region_reg) == 32, "mem_region_reg");
_Static_assert(sizeof(struct io_uring_reg_wait) == 64, "reg_wait");
_Static_assert(sizeof(struct io_uring_buf_status) == 40, "buf_status");
_Static_assert(sizeof(struct io_uring_zcrx_ifq_reg) == 96, "zcrx_ifq_reg");
_Static_assert(sizeof(struct io_uring_query_hdr) == 40, "query_hdr");
_Static_assert(sizeof(struct io_uring_query_opcode) == 48, "query_opcode");
/* Structs the system header does have keep their (identical) layout. */
_Static_assert(sizeof(struct io_uring_sqe) == 64, "sqe");
_Static_assert(sizeof(struct io_uring_params) == 120, "params");

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

static long sys_register(int fd, unsigned op, void *arg, unsigned nr)
{
	return syscall(__NR_io_uring_register, fd, op, arg, nr);
}

static void check_values(void)
{
	/* enumerators the old header lacks arrive as macros */
	CHECK(IORING_OP_READ_MULTISHOT == 49);
	CHECK(IORING_OP_FIXED_FD_INSTALL == 54);
	CHECK(IORING_OP_BIND == 56);
	CHECK(IORING_OP_RECV_ZC == 58);
	CHECK(IORING_OP_PIPE == 62);
	CHECK(IORING_OP_NOP128 == 63);
	CHECK(IORING_OP_URING_CMD128 == 64);
	/* ones both headers have keep the system's value */
	CHECK(IORING_OP_SENDMSG_ZC == 48);
	CHECK(IORING_REGISTER_PBUF_STATUS == 26);
	CHECK(IORING_REGISTER_CLOCK == 29);
	CHECK(IORING_REGISTER_QUERY == 35);
	CHECK(IORING_REGISTER_USE_REGISTERED_RING == 0x80000000U);
	CHECK(IOU_PBUF_RING_MMAP == 1 && IOU_PBUF_RING_INC == 2);
	CHECK(SOCKET_URING_OP_GETSOCKOPT == 2);
	/* plain #defines */
	CHECK(IORING_SETUP_NO_MMAP == (1U << 14));
	CHECK(IORING_SETUP_NO_SQARRAY == (1U << 16));
	CHECK(IORING_SETUP_CQE_MIXED == (1U << 18));
	CHECK(IORING_SETUP_SQE_MIXED == (1U << 19));
	CHECK(IORING_ENTER_NO_IOWAIT == (1U << 7));
	CHECK(IORING_FEAT_RW_ATTR == (1U << 16));
	CHECK(IORING_CQE_F_32 == (1U << 15));
	CHECK(IORING_OFF_PBUF_RING == 0x80000000ULL);
	CHECK(IORING_NOP_CQE32 == (1U << 5));
	CHECK(IORING_RECVSEND_BUNDLE == (1U << 4));
	CHECK(offsetof(struct io_uring_reg_wait, sigmask) == 24);
	CHECK(offsetof(struct io_uring_clock_register, clockid) == 0);
	/* 6.19 / 7.0 names, and the sub-headers (query, BPF filters) */
	CHECK(IORING_SETUP_SQ_REWIND == (1U << 20));
	CHECK(IORING_TIMEOUT_IMMEDIATE_ARG == (1U << 7));
	CHECK(IORING_REGISTER_ZCRX_CTRL == 36);
	CHECK(IORING_REGISTER_BPF_FILTER == 37);
	CHECK(SOCKET_URING_OP_GETSOCKNAME == 5);
	CHECK(ZCRX_REG_NODEV == 2 && ZCRX_CTRL_EXPORT == 1);
	CHECK(sizeof(struct zcrx_ctrl) == 72);
	CHECK(sizeof(struct io_uring_task_restriction) == 16);
	CHECK(IO_URING_QUERY_SCQ == 2);
	CHECK(sizeof(struct io_uring_query_zcrx) == 40);
	CHECK(sizeof(struct io_uring_bpf) == 72);
	CHECK(IO_URING_BPF_FILTER_SZ_STRICT == 2);
}

/* Use the supplied names against the running kernel. */
static int check_kernel(void)
{
	struct io_uring_clock_register clk;
	struct io_uring_params p;
	int fd;
	long ret;

	memset(&p, 0, sizeof(p));
	fd = (int)sys_setup(4, &p);
	if (fd < 0) {
		if (errno == ENOSYS || errno == EPERM || errno == EACCES)
			return T_SKIP;
		perror("io_uring_setup");
		return T_FAIL;
	}

	/* IORING_REGISTER_CLOCK (6.12) with the supplied struct */
	memset(&clk, 0, sizeof(clk));
	clk.clockid = CLOCK_BOOTTIME;
	ret = sys_register(fd, IORING_REGISTER_CLOCK, &clk, 0);
	if (ret < 0 && errno != EINVAL)
		perror("IORING_REGISTER_CLOCK"), fails++;
	close(fd);

	/* IORING_SETUP_NO_SQARRAY (6.6): the kernel drops the index array */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_NO_SQARRAY;
	fd = (int)sys_setup(4, &p);
	if (fd >= 0) {
		CHECK(p.sq_off.array == 0);
		close(fd);
	} else {
		CHECK(errno == EINVAL);
	}

	/* IORING_SETUP_CQE_MIXED (6.18) is accepted by a 6.18 kernel */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE_MIXED;
	fd = (int)sys_setup(4, &p);
	if (fd >= 0)
		close(fd);
	else
		CHECK(errno == EINVAL);

	/* the query interface (6.18), via the supplied structs */
	{
		struct io_uring_query_opcode op;
		struct io_uring_query_hdr hdr;

		memset(&op, 0, sizeof(op));
		memset(&hdr, 0, sizeof(hdr));
		hdr.query_op = IO_URING_QUERY_OPCODES;
		hdr.query_data = (__u64)(unsigned long)&op;
		hdr.size = sizeof(op);
		if (sys_register(-1, IORING_REGISTER_QUERY, &hdr, 0) == 0 &&
		    hdr.result == 0) {
			/* a 6.18 kernel knows PIPE, and takes CQE_MIXED */
			CHECK(op.nr_request_opcodes > IORING_OP_PIPE);
			CHECK(op.ring_setup_flags & IORING_SETUP_CQE_MIXED);
			CHECK(op.enter_flags & IORING_ENTER_NO_IOWAIT);
		}
	}
	return T_PASS;
}

int main(void)
{
	int ret;

	check_values();
	ret = check_kernel();
	if (ret == T_SKIP)
		return fails ? T_FAIL : T_SKIP;
	if (ret != T_PASS || fails) {
		fprintf(stderr, "%d check(s) failed\n", fails);
		return T_FAIL;
	}
	return T_PASS;
}
