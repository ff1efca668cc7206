/* SPDX-License-Identifier: MIT */
/* The uringkit command: shared declarations of its subcommands. */
#ifndef URINGKIT_TOOL_H
#define URINGKIT_TOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* "EINVAL" for EINVAL or -EINVAL; "E<n>" when the name is unknown. */
const char *uk_errname(int err);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t uk_now_ns(void);

/* User + system time of a getrusage() result, in nanoseconds. */
struct rusage;
uint64_t uk_rusage_ns(const struct rusage *ru);

/* Running kernel as major * 100 + minor (-1 if unknown); release string. */
int uk_kernel_version(char *release, size_t len);

/* Print s as a JSON string literal, quotes included. */
void uk_json_str(FILE *out, const char *s);

/* Whether stdout can show UTF-8 (locale), unless forced off. */
bool uk_utf8_output(void);

/* Set by SIGINT/SIGTERM once uk_catch_signals() ran; loops stop early. */
extern volatile int uk_interrupted;
void uk_catch_signals(void);

#endif
