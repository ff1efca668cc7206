/* SPDX-License-Identifier: MIT */
/*
 * Replays a fuzz target's saved inputs without libFuzzer: built with the
 * ordinary compiler as one test program of `make check` per target, it
 * feeds every file of FUZZ_DIR/corpus and FUZZ_DIR/crashes (every input
 * that ever crashed the target) to LLVMFuzzerTestOneInput(). A check that
 * fails aborts the program, so the test fails naming the file on stderr.
 * Exit 0 when all inputs ran, 1 when there were none (a lost corpus).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"

#ifndef FUZZ_DIR
#error "build with -DFUZZ_DIR=\"/path/to/fuzz/<target>\""
#endif

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static unsigned replay_dir(const char *dir)
{
	char **names = NULL, path[4096];
	size_t nr = 0, cap = 0;
	struct dirent *de;
	unsigned done = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (nr == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				abort();
		}
		names[nr] = strdup(de->d_name);
		if (!names[nr++])
			abort();
	}
	closedir(d);
	if (nr)
		qsort(names, nr, sizeof(*names), name_cmp);
	for (size_t i = 0; i < nr; i++) {
		FILE *f;
		uint8_t *buf;
		long len;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		f = fopen(path, "rb");
		if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0) {
			fprintf(stderr, "cannot read %s: %s\n", path,
				strerror(errno));
			exit(1);
		}
		rewind(f);
		/* An exact-size heap block: ASan sees a read past the input. */
		buf = malloc(len ? (size_t) len : 1);
		if (!buf || fread(buf, 1, (size_t) len, f) != (size_t) len)
			abort();
		fclose(f);
		fprintf(stderr, "%s\n", path);
		LLVMFuzzerTestOneInput(buf, (size_t) len);
		free(buf);
		free(names[i]);
		done++;
	}
	free(names);
	return done;
}

int main(void)
{
	unsigned corpus = replay_dir(FUZZ_DIR "/corpus");
	unsigned crashes = replay_dir(FUZZ_DIR "/crashes");

	printf("%u corpus inputs, %u past crashes replayed\n", corpus, crashes);
	return corpus ? 0 : 1;
}
