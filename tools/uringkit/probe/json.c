/* SPDX-License-Identifier: MIT */
/* uringkit probe --json: the report as one JSON object. */
#include <stdio.h>
#include <uringkit/ops.h>
#include "../uringkit.h"
#include "probe.h"

/* ---- JSON output ------------------------------------------------------ */

static void json_err(int err)
{
	if (err)
		uk_json_str(stdout, uk_errname(err));
	else
		fputs("null", stdout);
}

void probe_print_json(const struct probe_report *r)
{
	char v[16];
	int nops = uringkit_op_count(), op;
	unsigned i;

	printf("{\n  \"kernel\": {\"release\": ");
	uk_json_str(stdout, r->release);
	printf(", \"version\": \"%s\"},\n",
	       probe_version_str(r->kver, v, sizeof(v)));
	printf("  \"io_uring\": {\"available\": %s, \"error\": ",
	       r->ring_err ? "false" : "true");
	json_err(r->ring_err);
	printf(", \"io_uring_disabled\": ");
	if (r->disabled < 0)
		printf("null");
	else
		printf("%d", r->disabled);
	printf("},\n");

	printf("  \"features\": {\"raw\": %u, \"list\": [\n", r->features);
	for (i = 0; i < PROBE_NR_FEATS; i++)
		printf("    {\"name\": \"%s\", \"bit\": %u, \"supported\": %s}%s\n",
		       probe_feat_names[i].name, probe_feat_names[i].bit,
		       r->features & (1U << probe_feat_names[i].bit) ? "true" : "false",
		       i + 1 < PROBE_NR_FEATS ? "," : "");
	printf("  ]},\n");

	printf("  \"ops\": {\"count\": %d, \"kernel_last_op\": %d, \"list\": [\n",
	       nops, r->probe ? r->probe->last_op : -1);
	for (op = 0; op < nops; op++)
		printf("    {\"op\": %d, \"name\": \"%s\", \"added\": \"%s\", "
		       "\"supported\": %s}%s\n", op, uringkit_op_name(op),
		       probe_version_str(uringkit_op_kernel(op), v, sizeof(v)),
		       probe_op_supported(r, op) ? "true" : "false",
		       op + 1 < nops ? "," : "");
	printf("  ]},\n");

	printf("  \"setup_flags\": [\n");
	for (i = 0; i < PROBE_NR_SETUP; i++) {
		printf("    {\"name\": \"%s\", \"bit\": %u, \"added\": \"%s\", "
		       "\"accepted\": %s, \"error\": ", probe_setup_names[i].name,
		       probe_setup_names[i].bit,
		       probe_version_str(probe_setup_names[i].kernel, v, sizeof(v)),
		       r->setup_err[i] ? "false" : "true");
		json_err(r->setup_err[i]);
		printf("}%s\n", i + 1 < PROBE_NR_SETUP ? "," : "");
	}
	printf("  ],\n");

	printf("  \"register\": [\n");
	for (i = 0; i < PROBE_NR_REG; i++) {
		const struct reg_result *g = &r->reg[i];

		printf("    {\"opcode\": %u, \"name\": \"%s\", \"added\": \"%s\", "
		       "\"result\": \"%s\", \"error\": ", i, probe_reg_names[i].name,
		       probe_version_str(probe_reg_names[i].kernel, v, sizeof(v)),
		       g->state == REG_YES ? "yes" :
		       g->state == REG_NO ? "no" : "not probed");
		if (g->state == REG_NOT_PROBED)
			uk_json_str(stdout, g->why);
		else
			json_err(g->err);
		printf("}%s\n", i + 1 < PROBE_NR_REG ? "," : "");
	}
	printf("  ],\n");

	printf("  \"limits\": {\"max_sq_entries\": %u, \"entries_65536\": ",
	       r->max_sq);
	json_err(r->big_err);
	printf(", \"clamp_65536\": {\"error\": ");
	json_err(r->clamp_err);
	printf(", \"sq_entries\": %u, \"cq_entries\": %u}, ",
	       r->clamp_sq, r->clamp_cq);
	printf("\"memlock_cur\": ");
	if (r->memlock.rlim_cur == RLIM_INFINITY)
		printf("null");
	else
		printf("%llu", (unsigned long long) r->memlock.rlim_cur);
	printf(", \"memlock_max\": ");
	if (r->memlock.rlim_max == RLIM_INFINITY)
		printf("null");
	else
		printf("%llu", (unsigned long long) r->memlock.rlim_max);
	printf("},\n  \"kernel_query\": ");
	if (r->have_query)
		printf("{\"request_opcodes\": %u, \"register_opcodes\": %u, "
		       "\"setup_flags\": %llu, \"features\": %llu}",
		       r->query.nr_request_opcodes, r->query.nr_register_opcodes,
		       (unsigned long long) r->query.ring_setup_flags,
		       (unsigned long long) r->query.feature_flags);
	else
		printf("null");
	printf(",\n  \"elapsed_ms\": %.1f\n}\n", (double) r->elapsed_ns / 1e6);
}

