/* SPDX-License-Identifier: MIT */
/*
 * uringkit probe: what the running kernel's io_uring supports. gather.c
 * asks the kernel and fills a probe_report; text.c and json.c print it;
 * names.c holds the names of what is asked about.
 */
#ifndef URINGKIT_PROBE_H
#define URINGKIT_PROBE_H

#include <liburing.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#define KV(major, minor)	URINGKIT_KERNEL_VERSION(major, minor)

struct bit_name {
	unsigned bit;
	const char *name;
	int kernel;		/* release that added it; 0: not recorded */
};

#define PROBE_NR_FEATS	18
#define PROBE_NR_SETUP	20
#define PROBE_NR_REG	IORING_REGISTER_LAST

extern const struct bit_name probe_feat_names[];
extern const struct bit_name probe_setup_names[];
/* io_uring_register(2) opcodes, by value. */
extern const struct bit_name probe_reg_names[];

enum reg_state { REG_NOT_PROBED, REG_YES, REG_NO };

struct reg_result {
	enum reg_state state;
	int err;		/* when REG_NO */
	const char *why;	/* when REG_NOT_PROBED */
};

struct probe_report {
	char release[128];
	int kver;
	int disabled;			/* /proc/sys/kernel/io_uring_disabled, -1 */
	int ring_err;			/* 0 if a plain ring could be set up */
	unsigned features;
	struct io_uring_probe *probe;
	int setup_err[PROBE_NR_SETUP];	/* 0 accepted, else -errno */
	struct reg_result reg[PROBE_NR_REG];
	/* IORING_REGISTER_QUERY answer (6.18+) */
	bool have_query;
	struct io_uring_query_opcode query;
	/* limits */
	unsigned max_sq;		/* largest entries accepted, 0 if none */
	int big_err;			/* 2 * max without CLAMP */
	int clamp_err;
	unsigned clamp_sq, clamp_cq;
	struct rlimit memlock;
	uint64_t elapsed_ns;
};

/* Ask the kernel; probe_free() releases what the report holds. */
void probe_gather(struct probe_report *r);
void probe_free(struct probe_report *r);

bool probe_op_supported(const struct probe_report *r, int op);
/* 601 -> "6.1"; "-" when unknown */
const char *probe_version_str(int v, char *buf, size_t len);

void probe_print_text(const struct probe_report *r);
void probe_print_json(const struct probe_report *r);

#endif
