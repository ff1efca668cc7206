/* SPDX-License-Identifier: MIT */
/*
 * The four libraries export public names only. For liburing.so.2 and
 * liburing-ffi.so.2 that is the dynamic symbol table; for liburing.a and
 * liburing-ffi.a it is every defined global symbol, since a program linked
 * statically could otherwise call (and come to depend on) a library
 * internal. Public means: a liburing symbol of test/abi/symbols.tsv, a
 * uringkit_ extension, or, in the ffi archive only, one of the inline
 * helpers of the public headers listed below (the ffi archive carries every
 * inline helper as a function, as liburing's does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"

/* Inline helpers of <liburing.h> that liburing's symbol table leaves out. */
static const char *const ffi_archive_extra[] = {
	"_io_uring_get_sqe",
	"__io_uring_get_sqe_slow",
	"__io_uring_set_target_fixed_file",
	"__io_uring_recvmsg_cmsg_len",
	"__io_uring_recvmsg_control_len",
	"__io_uring_prep_uring_cmd",
	"__io_uring_cq_walk",
	"__io_uring_cqe_slots",
	"io_uring_cqe_index",
	"io_uring_cqe_shift",
	"io_uring_cqe_shift_from_flags",
	"io_uring_initialize_sqe",
	"io_uring_sqe_shift",
	"io_uring_sqe_shift_from_flags",
	/* liburing 2.16's ring-state helpers: inline, no ffi export */
	"io_uring_load_sq_head",
	"io_uring_skip_cqe",
	NULL,
};

#define MAX_NAMES 1024

static char *known[MAX_NAMES];
static unsigned nr_known;

static void load_table(const char *path)
{
	char line[512], sym[256];
	FILE *f = fopen(path, "r");

	if (!f)
		t_fail("cannot read %s", path);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || sscanf(line, "%255s", sym) != 1 ||
		    !strcmp(sym, "symbol"))
			continue;
		ASSERT_LT(nr_known, MAX_NAMES);
		known[nr_known++] = strdup(sym);
	}
	fclose(f);
}

static bool is_public(const char *name, bool ffi_archive)
{
	if (!strncmp(name, "uringkit_", 9))
		return true;
	for (unsigned i = 0; i < nr_known; i++)
		if (!strcmp(known[i], name))
			return true;
	if (ffi_archive)
		for (unsigned i = 0; ffi_archive_extra[i]; i++)
			if (!strcmp(ffi_archive_extra[i], name))
				return true;
	return false;
}

/* Returns how many names nm listed; counts the non-public ones in *bad. */
static unsigned check_lib(const char *build, const char *lib, bool dynamic,
			  bool ffi_archive, unsigned *bad)
{
	char cmd[4096], line[1024];
	unsigned seen = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm %s --defined-only '%s/%s' 2>&1",
		 dynamic ? "-D" : "-g", build, lib);
	p = popen(cmd, "r");
	if (!p)
		t_fail("popen: %s", cmd);
	while (fgets(line, sizeof(line), p)) {
		char addr[64], type[8], name[512];
		char *at;

		/* "liburing-all.o:" headers and blank lines of archives */
		if (sscanf(line, "%63s %7s %511s", addr, type, name) != 3)
			continue;
		if (!strcmp(type, "A"))	/* version node names */
			continue;
		at = strchr(name, '@');
		if (at)
			*at = '\0';
		seen++;
		if (!is_public(name, ffi_archive)) {
			printf("%s: exports non-public name %s\n", lib, name);
			(*bad)++;
		}
	}
	if (pclose(p) != 0)
		t_fail("nm failed on %s/%s", build, lib);
	printf("%s: %u names, all checked\n", lib, seen);
	return seen;
}

int main(void)
{
	const char *build = getenv("URINGKIT_BUILD");
	const char *srcdir = t_srcdir();
	char path[4096];
	unsigned bad = 0;

	if (!build)
		t_skip("URINGKIT_BUILD is not set (run through make check)");
	if (system("nm --version >/dev/null 2>&1") != 0)
		t_skip("nm (binutils) is not installed");
	snprintf(path, sizeof(path), "%s/test/abi/symbols.tsv", srcdir);
	load_table(path);
	ASSERT_GE(nr_known, 223u);	/* the table was really read */

	/* Each library has its whole API, so the counts prove nm read them. */
	ASSERT_GE(check_lib(build, "liburing.so.2", true, false, &bad), 83u);
	ASSERT_GE(check_lib(build, "liburing-ffi.so.2", true, false, &bad),
		  220u);
	ASSERT_GE(check_lib(build, "liburing.a", false, false, &bad), 83u);
	ASSERT_GE(check_lib(build, "liburing-ffi.a", false, true, &bad), 220u);
	ASSERT_EQ(bad, 0u);
	return T_EXIT_PASS;
}
