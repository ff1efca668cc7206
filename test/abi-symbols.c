/* SPDX-License-Identifier: MIT */
/*
 * Every liburing.so.2 symbol of test/abi/symbols.tsv resolves in our
 * library at its exact version node, through the dynamic loader's own
 * versioned lookup (dlvsym), the way an application built against liburing
 * binds to it. None may be missing.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"

int main(void)
{
	const char *build = getenv("URINGKIT_BUILD");
	char path[4096], line[512];
	unsigned found = 0, missing = 0;
	void *lib;
	FILE *f;

	if (!build)
		t_skip("URINGKIT_BUILD is not set (run through make check)");
	snprintf(path, sizeof(path), "%s/test/abi/symbols.tsv",
		 t_srcdir());
	f = fopen(path, "r");
	if (!f)
		t_fail("no symbol table at %s", path);

	snprintf(path, sizeof(path), "%s/liburing.so.2", build);
	lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		t_fail("dlopen %s: %s", path, dlerror());

	while (fgets(line, sizeof(line), f)) {
		char sym[256], set[32], ver[64];

		if (line[0] == '#' || sscanf(line, "%255s %31s %63s", sym, set,
					     ver) != 3)
			continue;
		if (strcmp(set, "core"))
			continue;
		if (dlvsym(lib, sym, ver)) {
			found++;
		} else {
			printf("missing: %s@%s\n", sym, ver);
			missing++;
		}
	}
	fclose(f);
	printf("core symbols: %u at the right node, %u missing\n", found,
	       missing);

	/* A symbol at a node it never had must not resolve. */
	ASSERT_NULL(dlvsym(lib, "io_uring_submit", "LIBURING_2.9"));
	/* Library internals stay hidden. */
	ASSERT_NULL(dlsym(lib, "uk__register"));
	dlclose(lib);

	ASSERT_EQ(missing, 0u);
	ASSERT_GE(found, 83u);	/* the table was really read */
	return T_EXIT_PASS;
}
