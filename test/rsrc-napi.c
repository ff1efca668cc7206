/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_napi / io_uring_unregister_napi: registering returns
 * the previous settings in the struct (timeout, prefer flag, tracking
 * mode), unregistering returns the timeout and prefer flag that were in
 * force and clears them. Needs CONFIG_NET_RX_BUSY_POLL;
 * without it the kernel answers -EINVAL and the test skips.
 */
#include <stdio.h>
#include <string.h>
#include "test.h"

int main(void)
{
	struct io_uring ring;
	struct io_uring_napi napi;
	int ret;

	t_ring_init(&ring, 8, NULL);

	memset(&napi, 0, sizeof(napi));
	napi.busy_poll_to = 100;
	napi.prefer_busy_poll = 1;
	napi.opcode = IO_URING_NAPI_REGISTER_OP;
	napi.op_param = IO_URING_NAPI_TRACKING_DYNAMIC;
	ret = io_uring_register_napi(&ring, &napi);
	if (ret == -EINVAL || ret == -EOPNOTSUPP)
		t_skip("kernel lacks IORING_REGISTER_NAPI (%d)", ret);
	ASSERT_EQ(ret, 0);
	/* The previous (default) settings came back. */
	ASSERT_EQ(napi.busy_poll_to, 0);
	ASSERT_EQ(napi.prefer_busy_poll, 0);

	/* Register again with other values: the first ones come back. */
	memset(&napi, 0, sizeof(napi));
	napi.busy_poll_to = 250;
	napi.prefer_busy_poll = 0;
	napi.opcode = IO_URING_NAPI_REGISTER_OP;
	napi.op_param = IO_URING_NAPI_TRACKING_STATIC;
	ASSERT_EQ(io_uring_register_napi(&ring, &napi), 0);
	ASSERT_EQ(napi.busy_poll_to, 100);
	ASSERT_EQ(napi.prefer_busy_poll, 1);
	ASSERT_EQ(napi.op_param, IO_URING_NAPI_TRACKING_DYNAMIC);

	/* A static id on loopback-less tracking: an unknown NAPI id. */
	memset(&napi, 0, sizeof(napi));
	napi.opcode = IO_URING_NAPI_STATIC_DEL_ID;
	napi.op_param = 12345;
	ASSERT_EQ(io_uring_register_napi(&ring, &napi), -ENOENT);

	/* Unregister: the values in force come back. */
	memset(&napi, 0, sizeof(napi));
	ASSERT_EQ(io_uring_unregister_napi(&ring, &napi), 0);
	ASSERT_EQ(napi.busy_poll_to, 250);
	ASSERT_EQ(napi.prefer_busy_poll, 0);
	/* ... and they were cleared. */
	memset(&napi, 0, sizeof(napi));
	ASSERT_EQ(io_uring_unregister_napi(&ring, &napi), 0);
	ASSERT_EQ(napi.busy_poll_to, 0);
	ASSERT_EQ(napi.prefer_busy_poll, 0);

	/* Bad input: reserved fields, unknown opcode, NULL. */
	memset(&napi, 0, sizeof(napi));
	napi.resv = 1;
	ASSERT_EQ(io_uring_register_napi(&ring, &napi), -EINVAL);
	memset(&napi, 0, sizeof(napi));
	napi.opcode = 99;
	ASSERT_EQ(io_uring_register_napi(&ring, &napi), -EINVAL);
	ASSERT_EQ(io_uring_register_napi(&ring, NULL), -EINVAL);
	ASSERT_EQ(io_uring_register_napi(&ring, (void *) 8), -EFAULT);

	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
