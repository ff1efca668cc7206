/* SPDX-License-Identifier: MIT */
/*
 * Registered ring fds: io_uring_register_ring_fd switches the ring to a
 * registered index for io_uring_enter (and register calls), unregister
 * switches back, and io_uring_close_ring_fd closes the real fd so that
 * the ring lives on through the index alone. Every state is checked by
 * doing I/O through it, and the fd table is checked at the end.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

/* A NOP, a timed-out wait and a real read through the ring as it is now. */
static void check_io(struct io_uring *ring, int file_fd, __u64 ud)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 10000000 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	char buf[256];

	t_submit_nops(ring, 2, ud);
	ASSERT_EQ(io_uring_submit_and_wait(ring, 2), 2);
	ASSERT_EQ(io_uring_cq_ready(ring), 2);
	for (unsigned i = 0; i < 2; i++) {
		cqe = t_wait_cqe(ring);
		ASSERT_EQ(cqe->user_data, ud + i);
		io_uring_cqe_seen(ring, cqe);
	}

	/* The timeout path enters with IORING_ENTER_EXT_ARG. */
	ASSERT_EQ(io_uring_wait_cqe_timeout(ring, &cqe, &ts), -ETIME);

	sqe = io_uring_get_sqe(ring);
	ASSERT_NOT_NULL(sqe);
	io_uring_prep_read(sqe, file_fd, buf, sizeof(buf), 100);
	io_uring_sqe_set_data64(sqe, ud + 2);
	ASSERT_EQ(io_uring_submit(ring), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, ud + 2);
	ASSERT_EQ(cqe->res, (int) sizeof(buf));
	ASSERT_EQ(t_check_fill(buf, sizeof(buf), 100, 9), sizeof(buf));
	io_uring_cqe_seen(ring, cqe);
}

static void check_probe(struct io_uring *ring)
{
	struct io_uring_probe *probe = io_uring_get_probe_ring(ring);

	ASSERT_NOT_NULL(probe);
	ASSERT(io_uring_opcode_supported(probe, IORING_OP_NOP));
	ASSERT_GE(probe->last_op, IORING_OP_READ);
	io_uring_free_probe(probe);
}

int main(void)
{
	struct io_uring ring;
	char path[4096];
	int file_fd, fds_before, maps_before, ring_fd, index, ret;

	snprintf(path, sizeof(path), "%s/data", t_tmpdir());
	file_fd = t_create_file(path, 4096, 9);

	/* Baselines after a warm-up ring. */
	t_ring_init(&ring, 8, NULL);
	io_uring_queue_exit(&ring);
	fds_before = t_count_fds();
	maps_before = t_count_ring_maps();

	t_ring_init(&ring, 8, NULL);
	if (!(ring.features & IORING_FEAT_REG_REG_RING)) {
		io_uring_queue_exit(&ring);
		t_skip("kernel lacks IORING_FEAT_REG_REG_RING");
	}
	ring_fd = ring.ring_fd;
	ASSERT_GE(ring_fd, 0);
	ASSERT_EQ(ring.enter_ring_fd, ring_fd);

	/* Closing without a registered index is refused; the fd stays. */
	ASSERT_EQ(io_uring_close_ring_fd(&ring), -EINVAL);
	ASSERT_EQ(ring.ring_fd, ring_fd);
	ASSERT_GE(fcntl(ring_fd, F_GETFD), 0);
	/* So is unregistering what was never registered. */
	ASSERT_EQ(io_uring_unregister_ring_fd(&ring), -EINVAL);
	check_io(&ring, file_fd, 10);

	/* Register: 1 index; enter_ring_fd is now the index. */
	ret = io_uring_register_ring_fd(&ring);
	if (ret == -EINVAL)
		t_skip("kernel lacks IORING_REGISTER_RING_FDS");
	ASSERT_EQ(ret, 1);
	ASSERT_NE(ring.enter_ring_fd, ring_fd);
	ASSERT_GE(ring.enter_ring_fd, 0);
	ASSERT_LT(ring.enter_ring_fd, 16);	/* IO_RINGFD_REG_MAX */
	ASSERT_EQ(ring.ring_fd, ring_fd);
	check_io(&ring, file_fd, 20);
	check_probe(&ring);
	ASSERT_EQ(io_uring_register_ring_fd(&ring), -EEXIST);
	check_io(&ring, file_fd, 30);

	/* Unregister: back to the fd. */
	ASSERT_EQ(io_uring_unregister_ring_fd(&ring), 1);
	ASSERT_EQ(ring.enter_ring_fd, ring_fd);
	check_io(&ring, file_fd, 40);
	ASSERT_EQ(io_uring_unregister_ring_fd(&ring), -EINVAL);
	check_io(&ring, file_fd, 50);

	/* Register again and close the fd: the index carries everything. */
	ASSERT_EQ(io_uring_register_ring_fd(&ring), 1);
	index = ring.enter_ring_fd;
	ret = io_uring_close_ring_fd(&ring);
	ASSERT_EQ(ret, 1);
	ASSERT_EQ(ring.ring_fd, -1);
	errno = 0;
	ASSERT_EQ(fcntl(ring_fd, F_GETFD), -1);
	ASSERT_EQ(errno, EBADF);
	ASSERT_EQ(t_count_fds(), fds_before);
	check_io(&ring, file_fd, 60);
	check_probe(&ring);
	/* Closing twice: nothing left to close. */
	ASSERT_EQ(io_uring_close_ring_fd(&ring), -EBADF);
	ASSERT_EQ(io_uring_register_ring_fd(&ring), -EEXIST);
	check_io(&ring, file_fd, 70);

	/* queue_exit drops the index; no fd or mapping survives. */
	io_uring_queue_exit(&ring);
	ASSERT_EQ(t_count_fds(), fds_before);
	ASSERT_EQ(t_count_ring_maps(), maps_before);

	/* A fresh ring gets the same (lowest free) index: it was released. */
	t_ring_init(&ring, 8, NULL);
	ASSERT_EQ(io_uring_register_ring_fd(&ring), 1);
	ASSERT_EQ(ring.enter_ring_fd, index);
	check_io(&ring, file_fd, 80);
	io_uring_queue_exit(&ring);
	ASSERT_EQ(t_count_fds(), fds_before);

	close(file_fd);
	return T_EXIT_PASS;
}
