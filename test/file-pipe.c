/* SPDX-License-Identifier: MIT */
/*
 * IORING_OP_PIPE (6.16):
 *  - io_uring_prep_pipe creates two working descriptors (read end first),
 *    honouring O_CLOEXEC and O_NONBLOCK, or none at all when the fds
 *    array cannot be written (-EFAULT, no descriptor leaked);
 *  - io_uring_prep_pipe_direct installs both ends in the fixed file table,
 *    at slots n and n + 1 or, with IORING_FILE_INDEX_ALLOC, in free slots
 *    reported in fds; data written through one slot with IOSQE_FIXED_FILE
 *    is read back through the other, and no process fd appears. A slot
 *    pair running past the table and O_CLOEXEC are refused.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

static struct io_uring ring;

static void test_normal(void)
{
	char buf[32];
	int fds[2] = { -1, -1 }, nfds;

	nfds = t_count_fds();
	io_uring_prep_pipe(t_get_dirty_sqe(&ring), fds, 0);
	ASSERT_EQ(t_submit_one(&ring), 0);
	ASSERT_GE(fds[0], 0);
	ASSERT_GE(fds[1], 0);
	ASSERT_NE(fds[0], fds[1]);
	ASSERT_EQ(t_count_fds(), nfds + 2);
	ASSERT_EQ(fcntl(fds[0], F_GETFL) & O_ACCMODE, O_RDONLY);
	ASSERT_EQ(fcntl(fds[1], F_GETFL) & O_ACCMODE, O_WRONLY);
	ASSERT_EQ(fcntl(fds[0], F_GETFD) & FD_CLOEXEC, 0);
	ASSERT_EQ(fcntl(fds[1], F_GETFL) & O_NONBLOCK, 0);
	ASSERT_EQ(write(fds[1], "hello pipe", 10), 10);
	ASSERT_EQ(read(fds[0], buf, sizeof(buf)), 10);
	ASSERT_MEM_EQ(buf, "hello pipe", 10);
	close(fds[0]);
	close(fds[1]);

	/* flags */
	io_uring_prep_pipe(t_get_dirty_sqe(&ring), fds, O_CLOEXEC | O_NONBLOCK);
	ASSERT_EQ(t_submit_one(&ring), 0);
	ASSERT(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
	ASSERT(fcntl(fds[1], F_GETFD) & FD_CLOEXEC);
	ASSERT(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
	ASSERT_EQ(read(fds[0], buf, sizeof(buf)), -1);
	ASSERT_EQ(errno, EAGAIN);
	close(fds[0]);
	close(fds[1]);

	/* unknown flag; unwritable array: nothing is left behind */
	io_uring_prep_pipe(t_get_dirty_sqe(&ring), fds, O_APPEND);
	ASSERT_EQ(t_submit_one(&ring), -EINVAL);
	io_uring_prep_pipe(t_get_dirty_sqe(&ring), (int *) 8, 0);
	ASSERT_EQ(t_submit_one(&ring), -EFAULT);
	ASSERT_EQ(t_count_fds(), nfds);
}

/* Write through one fixed slot, read through another. */
static void check_direct_pair(int rslot, int wslot, const char *msg)
{
	struct io_uring_sqe *sqe;
	size_t len = strlen(msg);
	char buf[64];

	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_write(sqe, wslot, msg, (unsigned) len, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	ASSERT_EQ(t_submit_one(&ring), (int) len);
	sqe = t_get_dirty_sqe(&ring);
	io_uring_prep_read(sqe, rslot, buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	ASSERT_EQ(t_submit_one(&ring), (int) len);
	ASSERT_MEM_EQ(buf, msg, len);
}

static void test_direct(void)
{
	int fds[2], nfds, ret;

	ret = io_uring_register_files_sparse(&ring, 8);
	ASSERT_EQ(ret, 0);
	nfds = t_count_fds();

	/* slots 2 (read) and 3 (write) */
	fds[0] = fds[1] = -1;
	io_uring_prep_pipe_direct(t_get_dirty_sqe(&ring), fds, 0, 2);
	ASSERT_EQ(t_submit_one(&ring), 0);
	ASSERT_EQ(t_count_fds(), nfds);
	check_direct_pair(2, 3, "through fixed slots 2 and 3");
	/* the write end is slot 3, not slot 2 */
	{
		struct io_uring_sqe *sqe = t_get_dirty_sqe(&ring);

		io_uring_prep_write(sqe, 2, "x", 1, 0);
		sqe->flags |= IOSQE_FIXED_FILE;
		ASSERT_EQ(t_submit_one(&ring), -EBADF);
	}

	/* any free slots: the kernel says which */
	fds[0] = fds[1] = -1;
	io_uring_prep_pipe_direct(t_get_dirty_sqe(&ring), fds, 0,
				  IORING_FILE_INDEX_ALLOC);
	ASSERT_EQ(t_submit_one(&ring), 0);
	ASSERT_GE(fds[0], 0);
	ASSERT_LT(fds[0], 8);
	ASSERT_GE(fds[1], 0);
	ASSERT_LT(fds[1], 8);
	ASSERT_NE(fds[0], fds[1]);
	ASSERT(fds[0] != 2 && fds[0] != 3 && fds[1] != 2 && fds[1] != 3);
	check_direct_pair(fds[0], fds[1], "allocated slots");
	/* the first pipe is still intact */
	check_direct_pair(2, 3, "slots 2 and 3 again");
	ASSERT_EQ(t_count_fds(), nfds);

	/* slot 7 would put the write end at 8, past the table */
	io_uring_prep_pipe_direct(t_get_dirty_sqe(&ring), fds, 0, 7);
	ASSERT_EQ(t_submit_one(&ring), -EINVAL);
	/* close-on-exec means nothing for a slot */
	io_uring_prep_pipe_direct(t_get_dirty_sqe(&ring), fds, O_CLOEXEC, 0);
	ASSERT_EQ(t_submit_one(&ring), -EINVAL);
	ASSERT_EQ(t_count_fds(), nfds);

	ASSERT_EQ(io_uring_unregister_files(&ring), 0);
}

int main(void)
{
	t_require_op(IORING_OP_PIPE);
	t_ring_init(&ring, 8, NULL);
	test_normal();
	test_direct();
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
