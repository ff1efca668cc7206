/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the uringkit subcommands. */
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include "uringkit.h"

volatile int uk_interrupted;

const char *uk_errname(int err)
{
	static __thread char buf[16];
	const char *name;

	if (err < 0)
		err = -err;
	name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

uint64_t uk_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

int uk_kernel_version(char *release, size_t len)
{
	struct utsname u;
	int major, minor;

	if (uname(&u)) {
		if (release && len)
			snprintf(release, len, "unknown");
		return -1;
	}
	if (release && len)
		snprintf(release, len, "%s", u.release);
	if (sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return -1;
	return major * 100 + minor;
}

void uk_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char) *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

bool uk_utf8_output(void)
{
	const char *cs;

	if (!setlocale(LC_CTYPE, ""))
		return false;
	cs = nl_langinfo(CODESET);
	return cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
}

static void uk_on_signal(int sig)
{
	(void) sig;
	uk_interrupted = 1;
}

void uk_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = uk_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

uint64_t uk_rusage_ns(const struct rusage *ru)
{
	return ((uint64_t) ru->ru_utime.tv_sec + (uint64_t) ru->ru_stime.tv_sec) *
		       1000000000ULL +
	       ((uint64_t) ru->ru_utime.tv_usec + (uint64_t) ru->ru_stime.tv_usec) *
		       1000;
}
