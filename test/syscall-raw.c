/* SPDX-License-Identifier: MIT */
/*
 * The raw system-call wrappers: io_uring_setup(), io_uring_enter(),
 * io_uring_enter2() and io_uring_register(), used directly with a ring
 * mapped by io_uring_queue_mmap() and SQEs written by hand. They return
 * -errno and leave errno alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "test.h"

#define SENTINEL 9999

static struct io_uring_sqe *next_sqe(struct io_uring *ring, unsigned *idx)
{
	unsigned tail = *ring->sq.ktail;

	*idx = tail & ring->sq.ring_mask;
	ASSERT_LT(tail - *ring->sq.khead, ring->sq.ring_entries);
	return &ring->sq.sqes[*idx];
}

/* Publish one hand-written SQE: index into the array, then the tail. */
static void publish(struct io_uring *ring, unsigned idx)
{
	unsigned tail = *ring->sq.ktail;

	ring->sq.array[tail & ring->sq.ring_mask] = idx;
	io_uring_smp_store_release(ring->sq.ktail, tail + 1);
}

static struct io_uring_cqe *raw_cqe(struct io_uring *ring)
{
	unsigned head = *ring->cq.khead;

	if (head == io_uring_smp_load_acquire(ring->cq.ktail))
		return NULL;
	return &ring->cq.cqes[head & ring->cq.ring_mask];
}

static void raw_seen(struct io_uring *ring)
{
	io_uring_smp_store_release(ring->cq.khead, *ring->cq.khead + 1);
}

int main(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct io_uring_probe *probe;
	unsigned idx;
	int fd, ret, fds, devnull;

	fds = t_count_fds();
	memset(&p, 0, sizeof(p));
	errno = SENTINEL;
	fd = io_uring_setup(8, &p);
	if (fd == -ENOSYS || fd == -EPERM)
		t_skip("io_uring unavailable: %s", strerror(-fd));
	ASSERT_GE(fd, 0);
	ASSERT_EQ(errno, SENTINEL);
	ASSERT_EQ(p.sq_entries, 8);
	ASSERT_EQ(p.cq_entries, 16);
	ASSERT_EQ(t_count_fds(), fds + 1);

	ASSERT_EQ(io_uring_queue_mmap(fd, &p, &ring), 0);
	ASSERT_EQ(ring.ring_fd, fd);
	ASSERT_EQ(ring.sq.ring_entries, 8);
	ASSERT_EQ(ring.cq.ring_entries, 16);

	/* A NOP written by hand, submitted and waited for by io_uring_enter. */
	sqe = next_sqe(&ring, &idx);
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_NOP;
	sqe->user_data = 0xfeedf00d;
	publish(&ring, idx);
	errno = SENTINEL;
	ret = io_uring_enter((unsigned) fd, 1, 1, IORING_ENTER_GETEVENTS, NULL);
	ASSERT_EQ(ret, 1);
	ASSERT_EQ(errno, SENTINEL);
	cqe = raw_cqe(&ring);
	ASSERT_NOT_NULL(cqe);
	ASSERT_EQ(cqe->user_data, 0xfeedf00d);
	ASSERT_EQ(cqe->res, 0);
	raw_seen(&ring);
	ASSERT_NULL(raw_cqe(&ring));

	/* Two more, submitted by io_uring_enter2 with a signal mask. */
	for (int i = 0; i < 2; i++) {
		sqe = next_sqe(&ring, &idx);
		memset(sqe, 0, sizeof(*sqe));
		sqe->opcode = IORING_OP_NOP;
		sqe->user_data = 100 + (unsigned) i;
		publish(&ring, idx);
	}
	{
		sigset_t mask;

		sigemptyset(&mask);
		ret = io_uring_enter2((unsigned) fd, 2, 2, IORING_ENTER_GETEVENTS,
				      &mask, _NSIG / 8);
	}
	ASSERT_EQ(ret, 2);
	for (int i = 0; i < 2; i++) {
		cqe = raw_cqe(&ring);
		ASSERT_NOT_NULL(cqe);
		ASSERT_EQ(cqe->user_data, (__u64) 100 + i);
		raw_seen(&ring);
	}

	/* io_uring_enter2 with EXT_ARG: a wait that times out. */
	if (p.features & IORING_FEAT_EXT_ARG) {
		struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 1000000 };
		struct io_uring_getevents_arg arg;

		memset(&arg, 0, sizeof(arg));
		arg.ts = (unsigned long) &ts;
		errno = SENTINEL;
		ret = io_uring_enter2((unsigned) fd, 0, 1,
				      IORING_ENTER_GETEVENTS |
				      IORING_ENTER_EXT_ARG, &arg, sizeof(arg));
		ASSERT_EQ(ret, -ETIME);
		ASSERT_EQ(errno, SENTINEL);
		/* A wrong argument size is refused. */
		ret = io_uring_enter2((unsigned) fd, 0, 1,
				      IORING_ENTER_GETEVENTS |
				      IORING_ENTER_EXT_ARG, &arg, sizeof(arg) - 1);
		ASSERT_EQ(ret, -EINVAL);
	}

	/* io_uring_register: the probe, straight from the kernel. */
	probe = calloc(1, sizeof(*probe) + 256 * sizeof(probe->ops[0]));
	ASSERT_NOT_NULL(probe);
	errno = SENTINEL;
	ret = io_uring_register((unsigned) fd, IORING_REGISTER_PROBE, probe, 256);
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(errno, SENTINEL);
	ASSERT(probe->ops[IORING_OP_NOP].flags & IO_URING_OP_SUPPORTED);
	ASSERT_GT(probe->last_op, IORING_OP_WRITE);
	/* Registering a probe into a non-zeroed buffer is refused. */
	ret = io_uring_register((unsigned) fd, IORING_REGISTER_PROBE, probe, 256);
	ASSERT_EQ(ret, -EINVAL);
	free(probe);
	ret = io_uring_register((unsigned) fd, 9999, NULL, 0);
	ASSERT_EQ(ret, -EINVAL);

	/* Bad fds: -EBADF, and errno untouched. */
	errno = SENTINEL;
	ASSERT_EQ(io_uring_enter(100000, 1, 0, 0, NULL), -EBADF);
	ASSERT_EQ(errno, SENTINEL);
	ASSERT_EQ(io_uring_enter((unsigned) -1, 0, 0, 0, NULL), -EBADF);
	ASSERT_EQ(errno, SENTINEL);
	ASSERT_EQ(io_uring_enter2(100000, 0, 0, 0, NULL, 0), -EBADF);
	ASSERT_EQ(errno, SENTINEL);
	ASSERT_EQ(io_uring_register(100000, IORING_REGISTER_PROBE, NULL, 0),
		  -EBADF);
	ASSERT_EQ(errno, SENTINEL);
	/* An fd that is not a ring. */
	devnull = open("/dev/null", O_RDONLY);
	ASSERT_GE(devnull, 0);
	ASSERT_EQ(io_uring_enter((unsigned) devnull, 0, 0, 0, NULL), -EOPNOTSUPP);
	ASSERT_EQ(io_uring_register((unsigned) devnull, IORING_REGISTER_PROBE,
				    NULL, 0), -EOPNOTSUPP);
	ASSERT_EQ(errno, SENTINEL);
	close(devnull);
	/* Bad setup: -EINVAL, errno untouched, nothing created. */
	memset(&p, 0, sizeof(p));
	ASSERT_EQ(io_uring_setup(0, &p), -EINVAL);
	p.flags = 1U << 31;
	ASSERT_EQ(io_uring_setup(8, &p), -EINVAL);
	ASSERT_EQ(io_uring_setup(8, NULL), -EFAULT);
	ASSERT_EQ(errno, SENTINEL);
	ASSERT_EQ(t_count_fds(), fds + 1);

	/* io_uring_queue_mmap on something that is not a ring fails. */
	{
		struct io_uring bad;
		int maps = t_count_maps();

		memset(&p, 0, sizeof(p));
		ASSERT_LT(io_uring_queue_mmap(0, &p, &bad), 0);
		ASSERT_EQ(t_count_maps(), maps);
	}

	/*
	 * The kernel's mmap errno comes back as is, and the ring is left
	 * reset: a read-only fd cannot be mapped shared and writable
	 * (-EACCES), a closed fd is -EBADF.
	 */
	{
		struct io_uring bad;
		int maps = t_count_maps(), pfd[2];

		memset(&p, 0, sizeof(p));
		p.sq_entries = 4;
		p.cq_entries = 8;
		p.sq_off.array = 64;
		p.cq_off.cqes = 64;
		ASSERT_EQ(pipe(pfd), 0);
		ASSERT_EQ(io_uring_queue_mmap(pfd[0], &p, &bad), -EACCES);
		ASSERT_NULL(bad.sq.ring_ptr);
		ASSERT_NULL(bad.cq.ring_ptr);
		ASSERT_EQ(bad.ring_fd, -1);
		close(pfd[0]);
		close(pfd[1]);
		ASSERT_EQ(io_uring_queue_mmap(pfd[0], &p, &bad), -EBADF);
		ASSERT_EQ(t_count_maps(), maps);
	}

	/* The ring set up by hand is torn down by queue_exit, fd and all. */
	io_uring_queue_exit(&ring);
	ASSERT_EQ(t_count_fds(), fds);
	return T_EXIT_PASS;
}
