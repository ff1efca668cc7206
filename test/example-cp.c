/* SPDX-License-Identifier: MIT */
/*
 * examples/io_uring-cp copies files exactly: empty, one byte, a size that
 * is not a multiple of its block, and several blocks' worth, compared byte
 * for byte with the source.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

static void copy_and_compare(const char *tool, const char *dir, size_t size,
			     unsigned seed)
{
	char src[512], dst[512], cmd[1600];
	struct stat st;
	char *buf;
	int fd, status;

	snprintf(src, sizeof(src), "%s/src-%zu", dir, size);
	snprintf(dst, sizeof(dst), "%s/dst-%zu", dir, size);
	close(t_create_file(src, size, seed));
	snprintf(cmd, sizeof(cmd), "'%s' '%s' '%s'", tool, src, dst);
	status = system(cmd);
	ASSERT(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);

	fd = open(dst, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(fstat(fd, &st), 0);
	ASSERT_EQ((size_t) st.st_size, size);
	buf = malloc(size + 1);
	ASSERT_NOT_NULL(buf);
	ASSERT_EQ(read(fd, buf, size + 1), (ssize_t) size);
	ASSERT_EQ(t_check_fill(buf, size, 0, seed), size);
	free(buf);
	close(fd);
}

int main(void)
{
	const char *build = getenv("URINGKIT_BUILD");
	const size_t sizes[] = { 0, 1, 4095, 128 * 1024 + 7, 5 * 1024 * 1024 + 3 };
	char tool[512];
	char *dir;

	if (!build)
		t_skip("URINGKIT_BUILD is not set (run through make check)");
	snprintf(tool, sizeof(tool), "%s/examples/io_uring-cp", build);
	if (access(tool, X_OK))
		t_skip("%s is not built", tool);
	dir = t_tmpdir();
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		copy_and_compare(tool, dir, sizes[i], (unsigned) i + 3);
	return T_EXIT_PASS;
}
