/* SPDX-License-Identifier: MIT */
/*
 * The uringkit command line: --version and -V, help COMMAND, option errors
 * that say what is wrong (exit 2, on stderr, nothing on stdout), and the
 * man page and bash completion naming every command and every option that
 * `uringkit bench --help` lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

static char tool[4096];

/* Run `tool args`, stdout and stderr apart; the exit status. */
static int run(const char *args, char *out, size_t olen, char *err, size_t elen)
{
	char cmd[8192], errpath[] = "/tmp/uringkit-cli.XXXXXX";
	size_t n;
	FILE *p, *e;
	int status, fd = mkstemp(errpath);

	ASSERT_GE(fd, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "'%s' %s 2>'%s'", tool, args, errpath);
	p = popen(cmd, "r");
	ASSERT_NOT_NULL(p);
	n = fread(out, 1, olen - 1, p);
	out[n] = '\0';
	status = pclose(p);
	e = fopen(errpath, "r");
	ASSERT_NOT_NULL(e);
	n = fread(err, 1, elen - 1, e);
	err[n] = '\0';
	fclose(e);
	unlink(errpath);
	ASSERT(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static char *slurp(const char *path)
{
	static char bufs[2][1 << 16];
	static int which;
	char *buf = bufs[which++ % 2];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		t_fail("cannot read %s", path);
	n = fread(buf, 1, sizeof(bufs[0]) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void expect_usage_error(const char *args, const char *message)
{
	char out[4096], err[4096];

	ASSERT_EQ(run(args, out, sizeof(out), err, sizeof(err)), 2);
	if (!strstr(err, message))
		t_fail("'uringkit %s' should say \"%s\" on stderr; it said:\n%s",
		       args, message, err);
	ASSERT_EQ(out[0], '\0');
}

int main(void)
{
	const char *dir = getenv("URINGKIT_BUILD");
	char out[1 << 14], err[4096], path[4200], opt[64], manopt[80];
	const char *p, *man, *comp;
	int options = 0;

	if (!dir || !*dir)
		t_skip("URINGKIT_BUILD is not set");
	snprintf(tool, sizeof(tool), "%s/uringkit", dir);
	if (access(tool, X_OK))
		t_skip("%s is not built", tool);

	ASSERT_EQ(run("--version", out, sizeof(out), err, sizeof(err)), 0);
	ASSERT(!strncmp(out, "uringkit ", 9));
	ASSERT_NOT_NULL(strstr(out, "liburing API 2."));
	ASSERT_EQ(run("-V", err, sizeof(err), path, sizeof(path)), 0);
	ASSERT(!strcmp(out, err));

	ASSERT_EQ(run("help doctor", out, sizeof(out), err, sizeof(err)), 0);
	ASSERT_NOT_NULL(strstr(out, "usage: uringkit doctor"));
	ASSERT_EQ(run("help probe", out, sizeof(out), err, sizeof(err)), 0);
	ASSERT_NOT_NULL(strstr(out, "--json"));
	expect_usage_error("help nosuch", "no command called 'nosuch'");
	expect_usage_error("nosuch", "no command called 'nosuch'");

	expect_usage_error("bench --time", "--time needs a number of seconds");
	expect_usage_error("bench --time -1", "'-1' is not a number of seconds");
	expect_usage_error("bench --time=abc", "'abc' is not a number of seconds");
	expect_usage_error("bench --qd", "--qd needs a list of queue depths");
	expect_usage_error("bench --qd 1,x", "'x' is not a whole number");
	expect_usage_error("bench --rw sideways", "'sideways' is not randread");
	expect_usage_error("bench --bs 1000", "not a multiple of 512");
	expect_usage_error("bench --json --csv", "choose one");
	expect_usage_error("bench nosuch", "no suite called 'nosuch'");
	expect_usage_error("bench --frobnicate", "unknown option '--frobnicate'");

	/* Every bench option is in the man page and the completion. */
	ASSERT_EQ(run("help bench", out, sizeof(out), err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/man/man1/uringkit.1", t_srcdir());
	man = slurp(path);
	snprintf(path, sizeof(path), "%s/tools/completion/uringkit.bash",
		 t_srcdir());
	comp = slurp(path);
	for (p = strstr(out, "--"); p; p = strstr(p + 2, "--")) {
		size_t len = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz");

		if (!len)
			continue;
		snprintf(opt, sizeof(opt), "--%.*s", (int) len, p + 2);
		snprintf(manopt, sizeof(manopt), "\\-\\-%.*s", (int) len, p + 2);
		if (!strstr(man, manopt))
			t_fail("the man page does not describe %s", opt);
		if (!strcmp(opt, "--help"))
			continue;
		if (!strstr(comp, opt))
			t_fail("the bash completion does not offer %s", opt);
		options++;
	}
	ASSERT_GE(options, 14);
	for (p = "probe\0doctor\0bench\0help\0"; *p; p += strlen(p) + 1) {
		snprintf(manopt, sizeof(manopt), ".B %s", p);
		if (!strstr(man, manopt))
			t_fail("the man page does not describe the %s command", p);
		if (!strstr(comp, p))
			t_fail("the bash completion does not offer %s", p);
	}
	return T_EXIT_PASS;
}
