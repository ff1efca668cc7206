/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register_personality / io_uring_unregister_personality: a
 * personality registered while root lets requests carrying its id run
 * with root's credentials after the process dropped to uid 65534. The
 * check is real: a 0600 root file opens with the personality and fails
 * with -EACCES without it; an unregistered id fails with -EINVAL.
 * The credential change happens in a child process.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

static struct io_uring ring;

static int open_with(const char *path, int personality, __u64 ud)
{
	struct io_uring_sqe *sqe = t_get_sqe(&ring);

	io_uring_prep_openat(sqe, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	sqe->personality = (__u16) personality;
	io_uring_sqe_set_data64(sqe, ud);
	return t_submit_one_ud(&ring, ud);
}

static int child(const char *path)
{
	int id, id2, fd;
	char buf[16];

	t_ring_init(&ring, 8, NULL);
	/* Two personalities with the same (root) credentials: distinct ids. */
	id = io_uring_register_personality(&ring);
	ASSERT_GT(id, 0);
	id2 = io_uring_register_personality(&ring);
	ASSERT_GT(id2, 0);
	ASSERT_NE(id, id2);

	/* Still root: both ways work. */
	fd = open_with(path, 0, 1);
	ASSERT_GE(fd, 0);
	close(fd);

	ASSERT_EQ(setresgid(65534, 65534, 65534), 0);
	ASSERT_EQ(setresuid(65534, 65534, 65534), 0);
	ASSERT_EQ(geteuid(), 65534);
	/* Sanity: this process itself can no longer open the file. */
	ASSERT_EQ(open(path, O_RDONLY), -1);
	ASSERT_EQ(errno, EACCES);

	/* Without a personality the request runs as uid 65534. */
	ASSERT_EQ(open_with(path, 0, 2), -EACCES);
	/* With the root personality it opens, and reads the right bytes. */
	fd = open_with(path, id, 3);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(read(fd, buf, sizeof(buf)), (ssize_t) sizeof(buf));
	ASSERT_EQ(t_check_fill(buf, sizeof(buf), 0, 4), sizeof(buf));
	close(fd);

	/* Unregister: the id is invalid for requests and for unregister. */
	ASSERT_EQ(io_uring_unregister_personality(&ring, id), 0);
	ASSERT_EQ(open_with(path, id, 4), -EINVAL);
	ASSERT_EQ(io_uring_unregister_personality(&ring, id), -EINVAL);
	/* The other one is untouched. */
	fd = open_with(path, id2, 5);
	ASSERT_GE(fd, 0);
	close(fd);

	/* A personality registered now carries uid 65534: no access. */
	id = io_uring_register_personality(&ring);
	ASSERT_GT(id, 0);
	ASSERT_EQ(open_with(path, id, 6), -EACCES);

	/* Ids never registered. */
	ASSERT_EQ(io_uring_unregister_personality(&ring, 0), -EINVAL);
	ASSERT_EQ(io_uring_unregister_personality(&ring, 0xfff0), -EINVAL);
	ASSERT_EQ(io_uring_unregister_personality(&ring, -1), -EINVAL);
	ASSERT_EQ(open_with(path, 0xfff0, 7), -EINVAL);

	ASSERT_EQ(io_uring_unregister_personality(&ring, id), 0);
	ASSERT_EQ(io_uring_unregister_personality(&ring, id2), 0);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}

int main(void)
{
	char path[4096];
	const char *dir;
	int status, fd;
	pid_t pid;

	if (geteuid() != 0)
		t_skip("needs root to switch credentials");
	dir = t_tmpdir();
	/* The directory must be searchable by uid 65534, the file not readable. */
	ASSERT_EQ(chmod(dir, 0711), 0);
	snprintf(path, sizeof(path), "%s/secret", dir);
	fd = t_create_file(path, 4096, 4);
	ASSERT_EQ(fchmod(fd, 0600), 0);
	close(fd);

	/* Skip before forking if the kernel lacks the opcode. */
	t_ring_init(&ring, 4, NULL);
	{
		int id = io_uring_register_personality(&ring);

		if (id == -EINVAL)
			t_skip("kernel lacks IORING_REGISTER_PERSONALITY");
		ASSERT_GT(id, 0);
		/* Bad input on the parent's ring. */
		ASSERT_EQ(io_uring_unregister_personality(&ring, id), 0);
	}
	io_uring_queue_exit(&ring);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(child(path));
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
	return T_EXIT_PASS;
}
