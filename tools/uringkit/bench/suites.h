/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench: the suites. Each runs its cells with s->opts and appends
 * one record per table row to s (bench_suite_init() first); none prints a
 * table (progress goes to stderr through bench_progress_*). Each returns 0, or 1 if it could not run or was interrupted
 * (s->err or s->interrupted then says which).
 */
#ifndef URINGKIT_BENCH_SUITES_H
#define URINGKIT_BENCH_SUITES_H

#include "record.h"

int bench_nop(struct bench_suite *s);
int bench_storage(struct bench_suite *s);
int bench_udp(struct bench_suite *s);
int bench_tcp(struct bench_suite *s);
int bench_zc(struct bench_suite *s);

/* What each would run with o (see struct bench_plan). */
struct bench_plan bench_nop_plan(const struct bench_opts *o);
struct bench_plan bench_storage_plan(const struct bench_opts *o);
struct bench_plan bench_udp_plan(const struct bench_opts *o);
struct bench_plan bench_tcp_plan(const struct bench_opts *o);
struct bench_plan bench_zc_plan(const struct bench_opts *o);

#endif
