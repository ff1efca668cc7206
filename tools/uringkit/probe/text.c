/* SPDX-License-Identifier: MIT */
/* uringkit probe: the report as tables. */
#include <stdio.h>
#include <string.h>
#include <uringkit/ops.h>
#include "../uringkit.h"
#include "probe.h"

static const char *disabled_str(int v)
{
	switch (v) {
	case 0: return "0 (enabled for all)";
	case 1: return "1 (only for io_uring_group members and CAP_SYS_ADMIN)";
	case 2: return "2 (disabled for all)";
	default: return "unknown (no sysctl; kernel before 6.6)";
	}
}

static void fmt_rlim(rlim_t v, char *buf, size_t len)
{
	if (v == RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%llu KiB", (unsigned long long) v / 1024);
}

/* ---- text output ------------------------------------------------------ */

void probe_print_text(const struct probe_report *r)
{
	char v1[16], b1[32], b2[32];
	int nops = uringkit_op_count(), op, supported = 0;
	unsigned i;

	printf("uringkit probe\n\n");
	printf("  %-22s %s\n", "kernel", r->release);
	printf("  %-22s %s\n", "io_uring_disabled", disabled_str(r->disabled));
	if (r->ring_err) {
		printf("  %-22s no: io_uring_queue_init failed with %s (%s)\n",
		       "io_uring", uk_errname(r->ring_err), strerror(-r->ring_err));
		return;
	}
	printf("  %-22s yes\n", "io_uring");
	printf("  %-22s %d opcodes known to uringkit; kernel's last opcode is %d\n",
	       "opcodes", nops, r->probe ? r->probe->last_op : -1);

	printf("\nFeatures (IORING_FEAT_*, from a plain ring: 0x%x)\n", r->features);
	for (i = 0; i < PROBE_NR_FEATS; i++)
		printf("  %-22s %s\n", probe_feat_names[i].name,
		       r->features & (1U << probe_feat_names[i].bit) ? "yes" : "no");
	for (i = PROBE_NR_FEATS; i < 32; i++)
		if (r->features & (1U << i))
			printf("  bit %-18u yes (unknown to uringkit)\n", i);

	printf("\nOpcodes (IORING_OP_*; \"added\" is the kernel release)\n");
	printf("  %3s  %-18s %-6s %s\n", "op", "name", "added", "supported");
	for (op = 0; op < nops; op++) {
		bool s = probe_op_supported(r, op);

		supported += s;
		printf("  %3d  %-18s %-6s %s\n", op, uringkit_op_name(op),
		       probe_version_str(uringkit_op_kernel(op), v1, sizeof(v1)),
		       s ? "yes" : "no");
	}
	if (r->probe)
		for (op = nops; op <= r->probe->last_op; op++)
			printf("  %3d  %-18s %-6s %s\n", op, "(unknown)", "-",
			       probe_op_supported(r, op) ? "yes" : "no");
	printf("  %d of %d supported%s\n", supported, nops,
	       r->probe ? "" : " (IORING_REGISTER_PROBE failed)");

	printf("\nSetup flags (IORING_SETUP_*, tried with a raw io_uring_setup)\n");
	printf("  %-20s %-6s %s\n", "flag", "added", "result");
	for (i = 0; i < PROBE_NR_SETUP; i++) {
		printf("  %-20s %-6s ", probe_setup_names[i].name,
		       probe_version_str(probe_setup_names[i].kernel, v1, sizeof(v1)));
		if (!r->setup_err[i])
			printf("accepted\n");
		else
			printf("refused (%s)\n", uk_errname(r->setup_err[i]));
	}

	printf("\nRegistration (io_uring_register opcodes, tried with harmless calls)\n");
	printf("  %3s  %-27s %-6s %s\n", "op", "name", "added", "result");
	for (i = 0; i < PROBE_NR_REG; i++) {
		const struct reg_result *g = &r->reg[i];

		printf("  %3u  %-27s %-6s ", i, probe_reg_names[i].name,
		       probe_version_str(probe_reg_names[i].kernel, v1, sizeof(v1)));
		if (g->state == REG_YES)
			printf("yes\n");
		else if (g->state == REG_NO)
			printf("no (%s)\n", uk_errname(g->err));
		else
			printf("not probed: %s\n", g->why);
	}
	if (r->have_query)
		printf("  kernel query: %u request opcodes, %u register opcodes, "
		       "setup flags 0x%llx\n", r->query.nr_request_opcodes,
		       r->query.nr_register_opcodes,
		       (unsigned long long) r->query.ring_setup_flags);

	printf("\nLimits\n");
	if (r->max_sq)
		printf("  %-22s %u (a ring of 32768 entries was accepted)\n",
		       "max SQ entries", r->max_sq);
	else
		printf("  %-22s a ring of 32768 entries was refused\n",
		       "max SQ entries");
	printf("  %-22s %s\n", "65536 entries",
	       r->big_err ? uk_errname(r->big_err) : "accepted");
	if (r->clamp_err)
		printf("  %-22s %s\n", "65536 with CLAMP", uk_errname(r->clamp_err));
	else
		printf("  %-22s clamped to sq %u, cq %u\n", "65536 with CLAMP",
		       r->clamp_sq, r->clamp_cq);
	fmt_rlim(r->memlock.rlim_cur, b1, sizeof(b1));
	fmt_rlim(r->memlock.rlim_max, b2, sizeof(b2));
	printf("  %-22s %s (hard %s)%s\n", "RLIMIT_MEMLOCK", b1, b2,
	       r->kver >= 512 ? "; rings are memcg-accounted since 5.12" : "");
	printf("\n(probed in %.1f ms)\n", (double) r->elapsed_ns / 1e6);
}

