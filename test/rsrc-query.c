/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_query (IORING_REGISTER_QUERY, Linux 6.18): ask the
 * kernel about itself without a ring. IO_URING_QUERY_OPCODES reports the
 * number of request opcodes (= the probe's last_op + 1), of register
 * opcodes, and the feature/setup/enter/SQE flags it knows. Chained
 * headers are all answered; an unknown query op fails in its own header
 * only.
 */
#include <stdio.h>
#include <string.h>
#include "test.h"

int main(void)
{
	struct io_uring_query_hdr hdr, hdr2;
	struct io_uring_query_opcode op, op2, op3;
	struct io_uring_probe *probe;
	struct io_uring ring;
	int ret;

	memset(&hdr, 0, sizeof(hdr));
	memset(&op, 0, sizeof(op));
	hdr.query_op = IO_URING_QUERY_OPCODES;
	hdr.query_data = (unsigned long) &op;
	hdr.size = sizeof(op);
	ret = io_uring_register_query(&hdr);
	if (ret == -EINVAL || ret == -EBADF)
		t_skip("kernel lacks IORING_REGISTER_QUERY (%d)", ret);
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(hdr.result, 0);
	ASSERT_EQ(hdr.size, sizeof(op));

	probe = io_uring_get_probe();
	ASSERT_NOT_NULL(probe);
	ASSERT_EQ(op.nr_request_opcodes, probe->last_op + 1U);
	io_uring_free_probe(probe);
	ASSERT_GE(op.nr_register_opcodes, IORING_REGISTER_QUERY + 1);
	ASSERT_GE(op.nr_query_opcodes, 1);
	/* The flags it reports include what a real ring shows. */
	t_ring_init(&ring, 4, NULL);
	ASSERT_EQ(op.feature_flags & ring.features, ring.features);
	io_uring_queue_exit(&ring);
	ASSERT(op.ring_setup_flags & IORING_SETUP_R_DISABLED);
	ASSERT(op.enter_flags & IORING_ENTER_GETEVENTS);
	ASSERT(op.sqe_flags & IOSQE_FIXED_FILE);

	/* A chain: the second header gets an unknown op. */
	memset(&hdr, 0, sizeof(hdr));
	memset(&hdr2, 0, sizeof(hdr2));
	memset(&op2, 0, sizeof(op2));
	hdr.query_op = IO_URING_QUERY_OPCODES;
	hdr.query_data = (unsigned long) &op2;
	hdr.size = sizeof(op2);
	hdr.next_entry = (unsigned long) &hdr2;
	hdr2.query_op = 0xffff;
	hdr2.query_data = (unsigned long) &op3;
	hdr2.size = sizeof(op3);
	ASSERT_EQ(io_uring_register_query(&hdr), 0);
	ASSERT_EQ(hdr.result, 0);
	ASSERT_EQ(op2.nr_request_opcodes, op.nr_request_opcodes);
	ASSERT_EQ(hdr2.result, -EOPNOTSUPP);

	/* A short buffer gets a truncated answer. */
	memset(&hdr, 0, sizeof(hdr));
	memset(&op2, 0, sizeof(op2));
	hdr.query_op = IO_URING_QUERY_OPCODES;
	hdr.query_data = (unsigned long) &op2;
	hdr.size = 4;
	ASSERT_EQ(io_uring_register_query(&hdr), 0);
	ASSERT_EQ(hdr.result, 0);
	ASSERT_EQ(hdr.size, 4);
	ASSERT_EQ(op2.nr_request_opcodes, op.nr_request_opcodes);
	ASSERT_EQ(op2.nr_register_opcodes, 0);

	/* Bad headers. */
	ASSERT_EQ(io_uring_register_query((void *) 8), -EFAULT);
	memset(&hdr, 0, sizeof(hdr));
	hdr.query_op = IO_URING_QUERY_OPCODES;
	hdr.query_data = (unsigned long) &op;
	hdr.size = sizeof(op);
	hdr.__resv[0] = 1;
	ret = io_uring_register_query(&hdr);
	ASSERT(ret == -EINVAL || (ret == 0 && hdr.result == -EINVAL));
	return T_EXIT_PASS;
}
