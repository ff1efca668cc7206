/* SPDX-License-Identifier: MIT */
/*
 * uringkit doctor under a seccomp filter that denies io_uring_setup: a
 * forked child installs the filter (PR_SET_NO_NEW_PRIVS, then
 * PR_SET_SECCOMP with a small BPF program failing io_uring_setup with
 * EPERM, or ENOSYS as some container runtimes do) and execs doctor. Doctor
 * must exit 1 and name seccomp as the cause. Without the filter, it must
 * exit 0 and say io_uring works.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

#if defined(__x86_64__)
#define THIS_ARCH	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define THIS_ARCH	AUDIT_ARCH_AARCH64
#endif

#ifdef THIS_ARCH
/* io_uring_setup fails with err; every other call (and other arches) runs. */
static int deny_setup(int err)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, THIS_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned) err),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = {
		.len = sizeof(prog) / sizeof(prog[0]),
		.filter = prog,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog))
		return -errno;
	return 0;
}
#endif

/* Run `tool doctor` (under a filter failing with err, unless 0); its output. */
static char *doctor(const char *tool, int err, int *status)
{
	static char out[1 << 15];
	size_t len = 0;
	ssize_t n;
	int pfd[2];
	pid_t pid;

	ASSERT_EQ(pipe(pfd), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
#ifdef THIS_ARCH
		if (err && deny_setup(err)) {
			printf("cannot install the seccomp filter\n");
			_exit(99);
		}
#endif
		execl(tool, tool, "doctor", (char *) NULL);
		_exit(98);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t) n;
	out[len] = '\0';
	close(pfd[0]);
	ASSERT_EQ(waitpid(pid, status, 0), pid);
	printf("--- doctor (filter: %s) ---\n%s", err ? strerrorname_np(err) :
	       "none", out);
	return out;
}

int main(void)
{
	const char *dir = getenv("URINGKIT_BUILD");
	static const int errs[] = { EPERM, ENOSYS };
	char tool[4096], *out;
	int status;
	size_t i;

	if (!dir || !*dir)
		t_skip("URINGKIT_BUILD is not set");
	snprintf(tool, sizeof(tool), "%s/uringkit", dir);
	if (access(tool, X_OK))
		t_skip("%s is not built", tool);
#ifndef THIS_ARCH
	t_skip("no seccomp architecture constant for this CPU in the test");
#else
	if (!t_op_supported(IORING_OP_NOP))
		t_skip("io_uring is not usable here even without a filter");

	out = doctor(tool, 0, &status);
	ASSERT(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
	ASSERT_NOT_NULL(strstr(out, "io_uring_setup works"));
	ASSERT_NULL(strstr(out, "FAIL"));

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		out = doctor(tool, errs[i], &status);
		ASSERT(WIFEXITED(status));
		if (WEXITSTATUS(status) == 99)
			t_skip("seccomp filters cannot be installed here");
		ASSERT_EQ(WEXITSTATUS(status), 1);
		ASSERT_NOT_NULL(strstr(out, "FAIL  io_uring_setup fails with"));
		ASSERT_NOT_NULL(strstr(out, strerrorname_np(errs[i])));
		ASSERT_NOT_NULL(strstr(out, "seccomp filter"));
		ASSERT_NOT_NULL(strstr(out, "fix: allow io_uring_setup"));
		ASSERT_NOT_NULL(strstr(out, "cannot be used"));
	}
	return T_EXIT_PASS;
#endif
}
