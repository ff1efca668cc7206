/* SPDX-License-Identifier: MIT */
/*
 * The op table: one place that knows every IORING_OP_* by name and by the
 * kernel release that introduced it (uringkit/ops.h).
 *
 * The list is written once, as OP_LIST(X); the table is built from it with
 * designated initializers indexed by opcode, and the same list is counted
 * at compile time. Together with -Woverride-init (part of -Wextra, an error
 * under -Werror), which rejects an opcode listed twice, the two asserts
 * below prove that every slot 0..IORING_OP_LAST-1 is filled exactly once:
 * N distinct indexes, all below N, in an array of N.
 *
 * Releases come from the kernel's include/uapi/linux/io_uring.h history.
 * NOP128 and URING_CMD128 (for IORING_SETUP_SQE_MIXED) were merged for
 * 6.19, not 6.18: a 6.18 kernel's probe reports PIPE as its last opcode.
 */
#include <errno.h>
#include <stddef.h>
#include <strings.h>
#include "internal/ring.h"
#include "uringkit/ops.h"

#define OP_LIST(X)							\
	X(NOP,			5, 1)					\
	X(READV,		5, 1)					\
	X(WRITEV,		5, 1)					\
	X(FSYNC,		5, 1)					\
	X(READ_FIXED,		5, 1)					\
	X(WRITE_FIXED,		5, 1)					\
	X(POLL_ADD,		5, 1)					\
	X(POLL_REMOVE,		5, 1)					\
	X(SYNC_FILE_RANGE,	5, 2)					\
	X(SENDMSG,		5, 3)					\
	X(RECVMSG,		5, 3)					\
	X(TIMEOUT,		5, 4)					\
	X(TIMEOUT_REMOVE,	5, 5)					\
	X(ACCEPT,		5, 5)					\
	X(ASYNC_CANCEL,		5, 5)					\
	X(LINK_TIMEOUT,		5, 5)					\
	X(CONNECT,		5, 5)					\
	X(FALLOCATE,		5, 6)					\
	X(OPENAT,		5, 6)					\
	X(CLOSE,		5, 6)					\
	X(FILES_UPDATE,		5, 6)					\
	X(STATX,		5, 6)					\
	X(READ,			5, 6)					\
	X(WRITE,		5, 6)					\
	X(FADVISE,		5, 6)					\
	X(MADVISE,		5, 6)					\
	X(SEND,			5, 6)					\
	X(RECV,			5, 6)					\
	X(OPENAT2,		5, 6)					\
	X(EPOLL_CTL,		5, 6)					\
	X(SPLICE,		5, 7)					\
	X(PROVIDE_BUFFERS,	5, 7)					\
	X(REMOVE_BUFFERS,	5, 7)					\
	X(TEE,			5, 8)					\
	X(SHUTDOWN,		5, 11)					\
	X(RENAMEAT,		5, 11)					\
	X(UNLINKAT,		5, 11)					\
	X(MKDIRAT,		5, 15)					\
	X(SYMLINKAT,		5, 15)					\
	X(LINKAT,		5, 15)					\
	X(MSG_RING,		5, 18)					\
	X(FSETXATTR,		5, 19)					\
	X(SETXATTR,		5, 19)					\
	X(FGETXATTR,		5, 19)					\
	X(GETXATTR,		5, 19)					\
	X(SOCKET,		5, 19)					\
	X(URING_CMD,		5, 19)					\
	X(SEND_ZC,		6, 0)					\
	X(SENDMSG_ZC,		6, 1)					\
	X(READ_MULTISHOT,	6, 7)					\
	X(WAITID,		6, 7)					\
	X(FUTEX_WAIT,		6, 7)					\
	X(FUTEX_WAKE,		6, 7)					\
	X(FUTEX_WAITV,		6, 7)					\
	X(FIXED_FD_INSTALL,	6, 8)					\
	X(FTRUNCATE,		6, 9)					\
	X(BIND,			6, 11)					\
	X(LISTEN,		6, 11)					\
	X(RECV_ZC,		6, 15)					\
	X(EPOLL_WAIT,		6, 15)					\
	X(READV_FIXED,		6, 15)					\
	X(WRITEV_FIXED,		6, 15)					\
	X(PIPE,			6, 16)					\
	X(NOP128,		6, 19)					\
	X(URING_CMD128,		6, 19)

struct op_info {
	const char *name;
	int kernel;		/* URINGKIT_KERNEL_VERSION() */
};

#define OP_ENTRY(op, major, minor)					\
	[IORING_OP_ ## op] = { #op, URINGKIT_KERNEL_VERSION(major, minor) },
static const struct op_info op_table[] = { OP_LIST(OP_ENTRY) };

#define OP_ONE(op, major, minor) 1,
#define OPS_LISTED sizeof((const char[]) { OP_LIST(OP_ONE) })

_Static_assert(sizeof(op_table) / sizeof(op_table[0]) == IORING_OP_LAST,
	       "op table must end at IORING_OP_LAST - 1");
_Static_assert(OPS_LISTED == IORING_OP_LAST,
	       "op table must list every opcode exactly once");

static const char op_prefix[] = "IORING_OP_";

UK_EXPORT const char *uringkit_op_name(int op)
{
	if (op < 0 || op >= IORING_OP_LAST)
		return NULL;
	return op_table[op].name;
}

UK_EXPORT int uringkit_op_kernel(int op)
{
	if (op < 0 || op >= IORING_OP_LAST)
		return -EINVAL;
	return op_table[op].kernel;
}

UK_EXPORT int uringkit_op_count(void)
{
	return IORING_OP_LAST;
}

UK_EXPORT int uringkit_op_lookup(const char *name)
{
	int op;

	if (!name)
		return -ENOENT;
	if (!strncasecmp(name, op_prefix, sizeof(op_prefix) - 1))
		name += sizeof(op_prefix) - 1;
	for (op = 0; op < IORING_OP_LAST; op++)
		if (!strcasecmp(name, op_table[op].name))
			return op;
	return -ENOENT;
}
