/* SPDX-License-Identifier: MIT */
/*
 * The op table (uringkit/ops.h): names unique and round-tripping, releases
 * in kernel order, out-of-range handled, and consistent with what the
 * running kernel's probe reports.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <uringkit/ops.h>
#include "test.h"

/* Release of the running kernel as major * 100 + minor, or -1. */
static int running_kernel(void)
{
	struct utsname u;
	int major, minor;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return -1;
	return URINGKIT_KERNEL_VERSION(major, minor);
}

static void check_names(int count)
{
	char lower[64];
	int op, other;

	for (op = 0; op < count; op++) {
		const char *name = uringkit_op_name(op);
		size_t i, len;

		ASSERT_NOT_NULL(name);
		len = strlen(name);
		ASSERT_GT(len, 0);
		ASSERT_LT(len, sizeof(lower) - 1);
		for (i = 0; i < len; i++)
			ASSERT(isupper((unsigned char) name[i]) ||
			       isdigit((unsigned char) name[i]) || name[i] == '_');
		for (other = 0; other < op; other++)
			if (!strcmp(name, uringkit_op_name(other)))
				t_fail("ops %d and %d are both named %s",
				       other, op, name);

		/* Lookup: exact, lower case, and with the enum prefix. */
		ASSERT_EQ(uringkit_op_lookup(name), op);
		for (i = 0; i <= len; i++)
			lower[i] = (char) tolower((unsigned char) name[i]);
		ASSERT_EQ(uringkit_op_lookup(lower), op);
		{
			char full[96];

			snprintf(full, sizeof(full), "IORING_OP_%s", name);
			ASSERT_EQ(uringkit_op_lookup(full), op);
		}
	}
	ASSERT_EQ(uringkit_op_lookup(""), -ENOENT);
	ASSERT_EQ(uringkit_op_lookup("NO_SUCH_OP"), -ENOENT);
	ASSERT_EQ(uringkit_op_lookup("IORING_OP_"), -ENOENT);
	ASSERT_EQ(uringkit_op_lookup("READV_"), -ENOENT);
	ASSERT_EQ(uringkit_op_lookup(NULL), -ENOENT);

	/* A few anchors, so a shifted table cannot pass. */
	ASSERT_EQ(uringkit_op_lookup("nop"), IORING_OP_NOP);
	ASSERT_EQ(uringkit_op_lookup("read_fixed"), IORING_OP_READ_FIXED);
	ASSERT_EQ(uringkit_op_lookup("SEND_ZC"), IORING_OP_SEND_ZC);
	ASSERT_EQ(uringkit_op_lookup("pipe"), IORING_OP_PIPE);
	ASSERT_EQ(strcmp(uringkit_op_name(IORING_OP_URING_CMD), "URING_CMD"), 0);
}

static void check_versions(int count)
{
	int op;

	/* The first io_uring release (5.1) had opcodes 0..7. */
	for (op = IORING_OP_NOP; op <= IORING_OP_POLL_REMOVE; op++)
		ASSERT_EQ(uringkit_op_kernel(op), 501);
	ASSERT_EQ(uringkit_op_kernel(IORING_OP_READ), 506);
	ASSERT_EQ(uringkit_op_kernel(IORING_OP_URING_CMD), 519);
	ASSERT_EQ(uringkit_op_kernel(IORING_OP_PIPE), 616);

	/*
	 * Opcodes were always appended, never back-filled: through 6.19 the
	 * release never goes down as the opcode number goes up.
	 */
	for (op = 0; op < count; op++) {
		int v = uringkit_op_kernel(op);

		ASSERT_GE(v, 501);
		ASSERT_LT(v, 10000);
		if (op > 0)
			ASSERT_GE(v, uringkit_op_kernel(op - 1));
	}
}

static void check_range(int count)
{
	ASSERT_NULL(uringkit_op_name(-1));
	ASSERT_NULL(uringkit_op_name(count));
	ASSERT_NULL(uringkit_op_name(255));
	ASSERT_NULL(uringkit_op_name(-2147483647 - 1));
	ASSERT_EQ(uringkit_op_kernel(-1), -EINVAL);
	ASSERT_EQ(uringkit_op_kernel(count), -EINVAL);
	ASSERT_EQ(uringkit_op_kernel(2147483647), -EINVAL);
}

/* Nothing the running kernel supports can be younger than the kernel. */
static void check_probe(int count)
{
	struct io_uring_probe *probe;
	int running = running_kernel();
	int op, supported = 0;

	if (running < 0)
		t_skip("cannot parse the kernel release from uname()");
	probe = io_uring_get_probe();
	if (!probe)
		t_skip("io_uring_get_probe() failed: no io_uring, or it is disabled");

	for (op = 0; op < count && op <= probe->last_op; op++) {
		if (!io_uring_opcode_supported(probe, op))
			continue;
		supported++;
		if (uringkit_op_kernel(op) > running)
			t_fail("kernel %d.%d supports %s, listed as added in %d.%d",
			       running / 100, running % 100,
			       uringkit_op_name(op), uringkit_op_kernel(op) / 100,
			       uringkit_op_kernel(op) % 100);
	}
	ASSERT(io_uring_opcode_supported(probe, IORING_OP_NOP));
	ASSERT_GT(supported, 0);
	io_uring_free_probe(probe);
}

int main(void)
{
	int count = uringkit_op_count();

	ASSERT_EQ(count, IORING_OP_LAST);
	check_names(count);
	check_versions(count);
	check_range(count);
	check_probe(count);
	return T_EXIT_PASS;
}
