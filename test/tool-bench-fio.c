/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench storage against fio, on the same file in the same run:
 * 4 KiB random O_DIRECT reads at QD 8, fio --ioengine=io_uring and
 * uringkit's io_uring cell. Prints both IOPS and their ratio; asserts only
 * that both measured something (no timing assertion). Skips without fio.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

#define FILE_MIB	32

static bool have_fio(void)
{
	return system("fio --version >/dev/null 2>&1") == 0;
}

/* The whole output of cmd, which must exit 0. */
static char *run(const char *cmd)
{
	static char buf[1 << 16];
	size_t len = 0, n;
	FILE *p = popen(cmd, "r");
	int status;

	if (!p)
		t_fail("popen(%s) failed", cmd);
	while ((n = fread(buf + len, 1, sizeof(buf) - 1 - len, p)) > 0)
		len += n;
	buf[len] = '\0';
	status = pclose(p);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		t_fail("'%s' exited with status 0x%x:\n%s", cmd, status, buf);
	return buf;
}

/* fio --minimal: field 8 (from 1) is the read IOPS. */
static double fio_iops(const char *out)
{
	const char *p = out;
	int field;

	for (field = 1; field < 8; field++) {
		p = strchr(p, ';');
		if (!p)
			t_fail("unexpected fio output: %s", out);
		p++;
	}
	return strtod(p, NULL);
}

/* The io_uring cell's ops_per_s in uringkit's JSON. */
static double uringkit_iops(const char *out)
{
	const char *p = strstr(out, "\"engine\": \"io_uring\",");

	if (!p || !(p = strstr(p, "\"ops_per_s\": ")))
		t_fail("no io_uring cell in:\n%s", out);
	return strtod(p + strlen("\"ops_per_s\": "), NULL);
}

int main(void)
{
	const char *dir = getenv("URINGKIT_BUILD");
	char tool[4096], path[4200], cmd[9000];
	double fio, uk;
	char *out;
	int fd;

	if (!dir || !*dir)
		t_skip("URINGKIT_BUILD is not set");
	snprintf(tool, sizeof(tool), "%s/uringkit", dir);
	if (access(tool, X_OK))
		t_skip("%s is not built", tool);
	if (!have_fio())
		t_skip("fio is not installed (apt-get install fio)");
	if (!t_op_supported(IORING_OP_READ))
		t_skip("no IORING_OP_READ on this kernel");

	snprintf(path, sizeof(path), "%s/fio.dat", t_tmpdir());
	fd = t_create_file(path, FILE_MIB << 20, 7);
	ASSERT(fsync(fd) == 0);
	close(fd);

	snprintf(cmd, sizeof(cmd), "fio --name=uringkit-cmp --filename='%s' "
		 "--ioengine=io_uring --rw=randread --bs=4k --iodepth=8 "
		 "--direct=1 --size=%dM --runtime=1 --time_based --minimal 2>&1",
		 path, FILE_MIB);
	out = run(cmd);
	if (strstr(out, "engine io_uring not loadable") ||
	    strstr(out, "failed to load engine"))
		t_skip("this fio has no io_uring engine");
	fio = fio_iops(out);

	snprintf(cmd, sizeof(cmd), "'%s' bench storage --qd 8 --rw randread "
		 "--bs 4k --file '%s' --time 1 --json -q", tool, path);
	uk = uringkit_iops(run(cmd));

	printf("4 KiB randread QD 8 on %s: fio io_uring %.0f IOPS, "
	       "uringkit io_uring %.0f IOPS, ratio %.2f\n", path, fio, uk,
	       fio > 0 ? uk / fio : 0);
	ASSERT(fio > 0);
	ASSERT(uk > 0);
	/* uringkit never removes a file it did not create */
	ASSERT_EQ(access(path, F_OK), 0);
	return T_EXIT_PASS;
}
