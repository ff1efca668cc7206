/* SPDX-License-Identifier: MIT */
/*
 * io_uring_mlock_size(): kernels with IORING_FEAT_NATIVE_WORKERS (5.12+)
 * charge ring memory to the memory cgroup, not RLIMIT_MEMLOCK, so the
 * answer is 0; bad sizes still get -EINVAL.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

#define DISABLED_KNOB "/proc/sys/kernel/io_uring_disabled"

static bool write_knob(const char *val)
{
	int fd = open(DISABLED_KNOB, O_WRONLY);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, val, strlen(val)) == (ssize_t) strlen(val);
	close(fd);
	return ok;
}

/*
 * When no ring can be made at all (here: io_uring disabled system-wide),
 * the size is still computed rather than the setup error returned, as on
 * the old kernels this function exists for. The child does the asking so
 * the parent restores the knob whatever happens.
 */
static void disabled_still_computes(void)
{
	char old[16] = { 0 };
	int fd, status;
	ssize_t n;
	pid_t pid;

	fd = open(DISABLED_KNOB, O_RDONLY);
	if (fd < 0) {
		printf("no %s: disabled case not checked\n", DISABLED_KNOB);
		return;
	}
	n = read(fd, old, sizeof(old) - 1);
	close(fd);
	if (n <= 0 || !write_knob("2")) {
		printf("cannot set %s (needs root): disabled case not checked\n",
		       DISABLED_KNOB);
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct io_uring_params p;
		int ok;

		memset(&p, 0, sizeof(p));
		ok = io_uring_setup(4, &p) == -EPERM &&
		     io_uring_mlock_size(8, 0) > 0 &&
		     io_uring_mlock_size(0, 0) == -EINVAL;
		_exit(ok ? 0 : 1);
	}
	if (pid < 0) {
		write_knob(old);
		t_fail("fork: %s", strerror(errno));
	}
	n = waitpid(pid, &status, 0);
	ASSERT(write_knob(old));
	ASSERT_EQ(n, pid);
	ASSERT(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
}

int main(void)
{
	struct io_uring_params p;
	int fd, fds;

	memset(&p, 0, sizeof(p));
	fd = io_uring_setup(4, &p);
	if (fd == -ENOSYS || fd == -EPERM)
		t_skip("io_uring unavailable: %s", strerror(-fd));
	ASSERT_GE(fd, 0);
	close(fd);
	if (!(p.features & IORING_FEAT_NATIVE_WORKERS))
		t_skip("kernel older than 5.12 (no IORING_FEAT_NATIVE_WORKERS)");
	fds = t_count_fds();

	for (unsigned e = 1; e <= 32768; e *= 2) {
		ASSERT_EQ(io_uring_mlock_size(e, 0), 0);
		ASSERT_EQ(io_uring_mlock_size(e, IORING_SETUP_SQE128 |
					      IORING_SETUP_CQE32), 0);
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = 2 * e;
		ASSERT_EQ(io_uring_mlock_size_params(e, &p), 0);
	}
	ASSERT_EQ(io_uring_mlock_size(3, 0), 0);

	ASSERT_EQ(io_uring_mlock_size(0, 0), -EINVAL);
	ASSERT_EQ(io_uring_mlock_size(32769, 0), -EINVAL);
	memset(&p, 0, sizeof(p));
	ASSERT_EQ(io_uring_mlock_size_params(0, &p), -EINVAL);
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 0;
	ASSERT_EQ(io_uring_mlock_size_params(8, &p), -EINVAL);
	ASSERT_EQ(io_uring_mlock_size_params(8, NULL), -EINVAL);
	/* Asking the kernel left no ring fd behind. */
	ASSERT_EQ(t_count_fds(), fds);

	disabled_still_computes();
	return T_EXIT_PASS;
}
