/* SPDX-License-Identifier: MIT */
/*
 * waitid(2) through io_uring (6.7): io_uring_prep_waitid() on a forked
 * child parks until the child exits, completes with 0 and fills the
 * siginfo (CLD_EXITED, status 7, the child's pid); a child killed by a
 * signal reports CLD_KILLED; P_ALL finds any child; WNOHANG completes at
 * once; a pid that is not our child gives -ECHILD.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "test.h"

/* A child that exits with `code` once its pipe is closed. */
static pid_t spawn(int *release_fd, int code)
{
	int p[2];
	pid_t pid;

	ASSERT_EQ(pipe(p), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char c;

		close(p[1]);
		while (read(p[0], &c, 1) > 0)
			;
		_exit(code);
	}
	close(p[0]);
	*release_fd = p[1];
	return pid;
}

static void queue_waitid(struct io_uring *ring, idtype_t type, id_t id,
			 siginfo_t *si, int options, __u64 user_data)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	memset(si, 0xa5, sizeof(*si));
	io_uring_prep_waitid(sqe, type, id, si, options, 0);
	io_uring_sqe_set_data64(sqe, user_data);
	ASSERT_EQ(io_uring_submit(ring), 1);
}

static void test_exit_status(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	siginfo_t si;
	int rel;
	pid_t pid = spawn(&rel, 7);

	queue_waitid(ring, P_PID, (id_t) pid, &si, WEXITED, 1);
	t_assert_idle(ring);		/* the child is still running */
	close(rel);

	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 1);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(ring, cqe);
	ASSERT_EQ(si.si_signo, SIGCHLD);
	ASSERT_EQ(si.si_code, CLD_EXITED);
	ASSERT_EQ(si.si_status, 7);
	ASSERT_EQ(si.si_pid, pid);
	ASSERT_EQ(si.si_uid, getuid());

	/* reaped: there is nothing left to wait for */
	ASSERT_EQ(waitpid(pid, NULL, WNOHANG), -1);
	ASSERT_EQ(errno, ECHILD);
}

static void test_killed(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	siginfo_t si;
	int rel;
	pid_t pid = spawn(&rel, 0);

	queue_waitid(ring, P_PID, (id_t) pid, &si, WEXITED, 2);
	ASSERT_EQ(kill(pid, SIGKILL), 0);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 2);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(ring, cqe);
	ASSERT_EQ(si.si_code, CLD_KILLED);
	ASSERT_EQ(si.si_status, SIGKILL);
	ASSERT_EQ(si.si_pid, pid);
	close(rel);
}

static void test_any_and_nohang(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	siginfo_t si;
	int rel;
	pid_t pid = spawn(&rel, 3);

	/* WNOHANG while the child runs: completes at once, res 0 */
	queue_waitid(ring, P_PID, (id_t) pid, &si, WEXITED | WNOHANG, 3);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 3);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(ring, cqe);

	/* P_ALL, with WNOWAIT: report the exit but leave the zombie */
	queue_waitid(ring, P_ALL, 0, &si, WEXITED | WNOWAIT, 4);
	close(rel);
	cqe = t_wait_cqe(ring);
	ASSERT_EQ(cqe->user_data, 4);
	ASSERT_EQ(cqe->res, 0);
	io_uring_cqe_seen(ring, cqe);
	ASSERT_EQ(si.si_pid, pid);
	ASSERT_EQ(si.si_code, CLD_EXITED);
	ASSERT_EQ(si.si_status, 3);
	{
		int status;

		ASSERT_EQ(waitpid(pid, &status, 0), pid);
		ASSERT(WIFEXITED(status));
		ASSERT_EQ(WEXITSTATUS(status), 3);
	}
}

static void test_errors(struct io_uring *ring)
{
	siginfo_t si;
	struct io_uring_sqe *sqe;

	/* no children at all */
	sqe = t_get_sqe(ring);
	io_uring_prep_waitid(sqe, P_ALL, 0, &si, WEXITED, 0);
	ASSERT_EQ(t_submit_one(ring), -ECHILD);

	/* pid 1 is not our child */
	sqe = t_get_sqe(ring);
	io_uring_prep_waitid(sqe, P_PID, 1, &si, WEXITED, 0);
	ASSERT_EQ(t_submit_one(ring), -ECHILD);

	/* the io_uring flags word has no bits defined */
	sqe = t_get_sqe(ring);
	io_uring_prep_waitid(sqe, P_ALL, 0, &si, WEXITED, 1);
	ASSERT_EQ(t_submit_one(ring), -EINVAL);
}

int main(void)
{
	struct io_uring ring;

	t_require_op(IORING_OP_WAITID);
	t_ring_init(&ring, 8, NULL);
	test_exit_status(&ring);
	test_killed(&ring);
	test_any_and_nohang(&ring);
	test_errors(&ring);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
