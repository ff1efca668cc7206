/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_restrictions: on a ring created with
 * IORING_SETUP_R_DISABLED, restrict SQEs to NOP and READ with no flags but
 * IOSQE_FIXED_FILE, and register calls to IORING_REGISTER_FILES (what
 * io_uring_register_files uses in liburing) and ENABLE_RINGS; after
 * io_uring_enable_rings a WRITE gets -EACCES, IOSQE_ASYNC is refused, an
 * unlisted register opcode fails with -EACCES, and the allowed ones work.
 * Restrictions can be set only once and only while disabled.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

static struct io_uring ring;

static int run(struct io_uring_sqe *sqe, __u64 ud)
{
	io_uring_sqe_set_data64(sqe, ud);
	return t_submit_one_ud(&ring, ud);
}

int main(void)
{
	struct io_uring_params p;
	struct io_uring_restriction res[5];
	struct io_uring_sqe *sqe;
	char path[4096], buf[64];
	int fd, files[1];

	snprintf(path, sizeof(path), "%s/data", t_tmpdir());
	fd = t_create_file(path, 4096, 6);
	files[0] = fd;

	/* A live ring cannot take restrictions. */
	t_ring_init(&ring, 8, NULL);
	memset(res, 0, sizeof(res));
	res[0].opcode = IORING_RESTRICTION_SQE_OP;
	res[0].sqe_op = IORING_OP_NOP;
	ASSERT_EQ(io_uring_register_restrictions(&ring, res, 1), -EBADFD);
	io_uring_queue_exit(&ring);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_R_DISABLED;
	t_ring_init(&ring, 8, &p);

	/* Bad input first: nothing gets registered by it. */
	ASSERT_EQ(io_uring_register_restrictions(&ring, NULL, 1), -EINVAL);
	ASSERT_EQ(io_uring_register_restrictions(&ring, (void *) 8, 1), -EFAULT);
	{
		struct io_uring_restriction bad;

		memset(&bad, 0, sizeof(bad));
		bad.opcode = IORING_RESTRICTION_LAST;
		ASSERT_EQ(io_uring_register_restrictions(&ring, &bad, 1),
			  -EINVAL);
	}

	memset(res, 0, sizeof(res));
	res[0].opcode = IORING_RESTRICTION_SQE_OP;
	res[0].sqe_op = IORING_OP_NOP;
	res[1].opcode = IORING_RESTRICTION_SQE_OP;
	res[1].sqe_op = IORING_OP_READ;
	res[2].opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED;
	res[2].sqe_flags = IOSQE_FIXED_FILE;
	res[3].opcode = IORING_RESTRICTION_REGISTER_OP;
	res[3].register_op = IORING_REGISTER_FILES;
	res[4].opcode = IORING_RESTRICTION_REGISTER_OP;
	res[4].register_op = IORING_REGISTER_ENABLE_RINGS;
	ASSERT_EQ(io_uring_register_restrictions(&ring, res, 5), 0);
	/* Once only. */
	ASSERT_EQ(io_uring_register_restrictions(&ring, res, 5), -EBUSY);

	ASSERT_EQ(io_uring_enable_rings(&ring), 0);
	/* Now restricted itself: RESTRICTIONS is not on the allow list. */
	ASSERT_EQ(io_uring_register_restrictions(&ring, res, 5), -EACCES);

	/* Allowed: NOP, READ (plain and through a fixed file). */
	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	ASSERT_EQ(run(sqe, 1), 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, buf, sizeof(buf), 0);
	ASSERT_EQ(run(sqe, 2), (int) sizeof(buf));
	ASSERT_EQ(t_check_fill(buf, sizeof(buf), 0, 6), sizeof(buf));

	/*
	 * Register opcodes: FILES allowed, everything else refused. A
	 * program written for liburing allow-lists IORING_REGISTER_FILES
	 * for io_uring_register_files(), which liburing implements with
	 * that opcode; it must work here too.
	 */
	ASSERT_EQ(io_uring_register_files(&ring, files, 1), 0);
	ASSERT_EQ(io_uring_register_personality(&ring), -EACCES);
	ASSERT_EQ(io_uring_unregister_files(&ring), -EACCES);
	sqe = t_get_sqe(&ring);
	io_uring_prep_read(sqe, 0, buf, sizeof(buf), 64);
	sqe->flags |= IOSQE_FIXED_FILE;
	ASSERT_EQ(run(sqe, 3), (int) sizeof(buf));
	ASSERT_EQ(t_check_fill(buf, sizeof(buf), 64, 6), sizeof(buf));

	/* Not allowed: WRITE, and a flag outside the allowed set. */
	sqe = t_get_sqe(&ring);
	io_uring_prep_write(sqe, fd, buf, sizeof(buf), 0);
	ASSERT_EQ(run(sqe, 4), -EACCES);
	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->flags |= IOSQE_ASYNC;
	ASSERT_EQ(run(sqe, 5), -EACCES);
	/* The refused write changed nothing. */
	ASSERT_EQ(pread(fd, buf, sizeof(buf), 0), (ssize_t) sizeof(buf));
	ASSERT_EQ(t_check_fill(buf, sizeof(buf), 0, 6), sizeof(buf));

	io_uring_queue_exit(&ring);

	/*
	 * An empty list (nr 0) is accepted and allows nothing: once the
	 * rings are enabled (restrictions apply from then on) even a NOP
	 * and every register opcode are refused.
	 */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_R_DISABLED;
	t_ring_init(&ring, 8, &p);
	ASSERT_EQ(io_uring_register_restrictions(&ring, res, 0), 0);
	ASSERT_EQ(io_uring_enable_rings(&ring), 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	ASSERT_EQ(run(sqe, 6), -EACCES);
	ASSERT_EQ(io_uring_register_personality(&ring), -EACCES);
	io_uring_queue_exit(&ring);

	close(fd);
	return T_EXIT_PASS;
}
