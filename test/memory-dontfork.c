/* SPDX-License-Identifier: MIT */
/*
 * io_uring_ring_dontfork(): the ring's memory is not inherited by a
 * forked child, so the child faults on it; without it the child sees the
 * same ring memory as the parent. Checked for each of the ring's areas
 * (rings, SQEs, CQEs), for a kernel-mapped and a NO_MMAP ring.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "test.h"

#define CHILD_READ_OK	10
#define CHILD_FAULTED	11

static sigjmp_buf jb;

static void on_fault(int sig)
{
	(void) sig;
	siglongjmp(jb, 1);
}

/* Child: read *p; exit CHILD_FAULTED on SIGSEGV/SIGBUS, else check value. */
static int child_reads(const volatile unsigned *p, unsigned want)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_fault;
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
		if (sigsetjmp(jb, 1))
			_exit(CHILD_FAULTED);
		if (*p != want)
			_exit(1);
		_exit(CHILD_READ_OK);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		t_fail("child died with status 0x%x", status);
	return WEXITSTATUS(status);
}

static void nop(struct io_uring *ring, __u64 ud)
{
	struct io_uring_cqe *cqe;

	t_submit_nops(ring, 1, ud);
	ASSERT_EQ(io_uring_submit(ring), 1);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, ud);
	io_uring_cqe_seen(ring, cqe);
}

static void run(unsigned flags)
{
	struct io_uring_params p;
	struct io_uring ring;
	const volatile unsigned *sqe_word, *cqe_word;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	t_ring_init(&ring, 8, &p);
	/* Leave known values in the SQE and CQE arrays. */
	nop(&ring, 0x11223344);
	sqe_word = (const volatile unsigned *) &ring.sq.sqes[0].user_data;
	cqe_word = (const volatile unsigned *) &ring.cq.cqes[0].user_data;

	/* Without dontfork: the child reads the same ring memory. */
	ASSERT_EQ(child_reads(ring.sq.khead, *ring.sq.khead), CHILD_READ_OK);
	ASSERT_EQ(child_reads(ring.cq.ktail, *ring.cq.ktail), CHILD_READ_OK);
	ASSERT_EQ(child_reads(sqe_word, 0x11223344), CHILD_READ_OK);
	ASSERT_EQ(child_reads(cqe_word, 0x11223344), CHILD_READ_OK);

	ASSERT_EQ(io_uring_ring_dontfork(&ring), 0);
	ASSERT_EQ(child_reads(ring.sq.khead, 0), CHILD_FAULTED);
	ASSERT_EQ(child_reads(ring.cq.ktail, 0), CHILD_FAULTED);
	ASSERT_EQ(child_reads(sqe_word, 0), CHILD_FAULTED);
	ASSERT_EQ(child_reads(cqe_word, 0), CHILD_FAULTED);

	/* The parent's ring is unaffected. */
	nop(&ring, 2);
	nop(&ring, 3);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	struct io_uring ring;

	run(0);
	run(IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	if (t_kernel_has_setup_flags(IORING_SETUP_NO_MMAP))
		run(IORING_SETUP_NO_MMAP);

	/* A ring that is not set up: an error, not a crash. */
	memset(&ring, 0, sizeof(ring));
	ring.ring_fd = -1;
	ASSERT_EQ(io_uring_ring_dontfork(&ring), -EINVAL);
	return T_EXIT_PASS;
}
