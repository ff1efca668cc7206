/* SPDX-License-Identifier: MIT */
/*
 * Source compatibility of the headers: a program that includes <liburing.h>
 * compiles with -Wall -Wextra -Werror in strict and GNU C modes and as C++,
 * and also when the system's older <linux/io_uring.h> comes first. Runs the
 * compilers found on this machine (cc, c++, clang); each missing one is
 * reported, and the test skips only if none is there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

static const char *program =
	"#include <liburing.h>\n"
	/* the names of the 6.19 / 7.0 UAPI and liburing 2.16 */
	"static int parity(struct io_uring *ring, int fd)\n"
	"{\n"
	"	struct io_uring_query_hdr hdr;\n"
	"	struct io_uring_query_scq scq;\n"
	"	struct io_uring_query_zcrx zq;\n"
	"	struct io_uring_bpf bpf;\n"
	"	struct io_uring_bpf_ctx ctx;\n"
	"	struct zcrx_ctrl ctrl;\n"
	"	struct io_uring_zcrx_rq rq;\n"
	"	struct io_uring_task_restriction tr;\n"
	"	struct io_uring_buf_reg reg;\n"
	"	struct sockaddr_storage ss;\n"
	"	socklen_t len = sizeof(ss);\n"
	"	struct io_uring_sqe *sqe;\n"
	"	struct io_uring_cqe *cqe = NULL;\n"
	"	int err = 0;\n"
	"	memset(&hdr, 0, sizeof(hdr));\n"
	"	memset(&bpf, 0, sizeof(bpf));\n"
	"	memset(&ctrl, 0, sizeof(ctrl));\n"
	"	memset(&rq, 0, sizeof(rq));\n"
	"	memset(&tr, 0, sizeof(tr));\n"
	"	memset(&reg, 0, sizeof(reg));\n"
	"	memset(&ctx, 0, sizeof(ctx));\n"
	"	hdr.query_op = IO_URING_QUERY_SCQ;\n"
	"	hdr.query_data = uring_ptr_to_u64(&scq);\n"
	"	hdr.size = sizeof(scq) + sizeof(zq) * 0;\n"
	"	bpf.cmd_type = IO_URING_BPF_CMD_FILTER;\n"
	"	bpf.filter.flags = IO_URING_BPF_FILTER_SZ_STRICT;\n"
	"	bpf.filter.pdu_size = sizeof(ctx.socket);\n"
	"	ctrl.op = ZCRX_CTRL_FLUSH_RQ;\n"
	"	reg.bgid = IOU_PBUF_RING_INC;	/* 6.1 names only: no flags, min_left */\n"
	"	tr.nr_res = (__u16) rq.ring_entries;\n"
	"	sqe = io_uring_get_sqe(ring);\n"
	"	if (sqe)\n"
	"		io_uring_prep_cmd_getsockname(sqe, fd,\n"
	"			(struct sockaddr *) &ss, &len, 0);\n"
	"	sqe = io_uring_get_sqe(ring);\n"
	"	if (sqe)\n"
	"		io_uring_prep_cmd_zone_reset_all(sqe, fd);\n"
	"	if (io_uring_peek_cqe(ring, &cqe) == 0)\n"
	"		(void) io_uring_skip_cqe(ring, cqe, &err);\n"
	"	return (int) io_uring_load_sq_head(ring) + tr.nr_res +\n"
	"		io_uring_register_query(&hdr) +\n"
	"		io_uring_register_zcrx_ctrl(ring, &ctrl) +\n"
	"		io_uring_register_bpf_filter(ring, &bpf) +\n"
	"		(int) (IORING_SETUP_SQ_REWIND | IORING_TIMEOUT_IMMEDIATE_ARG |\n"
	"		       ZCRX_REG_NODEV | IORING_REGISTER_BPF_FILTER);\n"
	"}\n"
	"int main(void)\n"
	"{\n"
	"	struct io_uring ring;\n"
	"	struct io_uring_sqe *sqe;\n"
	"	struct io_uring_cqe *cqe;\n"
	"	if (io_uring_queue_init(4, &ring, 0) < 0)\n"
	"		return 1;\n"
	"	sqe = io_uring_get_sqe(&ring);\n"
	"	io_uring_prep_nop(sqe);\n"
	"	io_uring_sqe_set_data64(sqe, 1);\n"
	"	io_uring_submit_and_wait(&ring, 1);\n"
	"	(void) parity(&ring, ring.ring_fd);\n"
	"	if (io_uring_peek_cqe(&ring, &cqe) == 0)\n"
	"		io_uring_cqe_seen(&ring, cqe);\n"
	"	io_uring_queue_exit(&ring);\n"
	"	return 0;\n"
	"}\n";

static bool have(const char *tool)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static int compile(const char *compiler, const char *lang, const char *std,
		   const char *inc, const char *src, bool sys_first)
{
	char cmd[10240];
	int status;

	snprintf(cmd, sizeof(cmd),
		 "%s -x %s -std=%s %s -Wall -Wextra -Werror -fsyntax-only "
		 "-I'%s' '%s' 2>&1", compiler, lang, std,
		 sys_first ? "-include linux/io_uring.h" : "", inc, src);
	status = system(cmd);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("FAILED: %s\n", cmd);
		return 1;
	}
	return 0;
}

int main(void)
{
	static const struct { const char *cc, *lang, *std; } modes[] = {
		{ "cc", "c", "c99" }, { "cc", "c", "c11" },
		{ "cc", "c", "gnu11" }, { "cc", "c", "gnu17" },
		{ "c++", "c++", "c++11" }, { "c++", "c++", "c++17" },
		{ "clang", "c", "c11" }, { "clang", "c", "gnu11" },
	};
	const char *build = getenv("URINGKIT_BUILD");
	char inc[4096], src[4096];
	unsigned ran = 0, failed = 0;
	FILE *f;

	if (!build)
		t_skip("URINGKIT_BUILD is not set (run through make check)");
	snprintf(inc, sizeof(inc), "%s/../include", build);
	snprintf(src, sizeof(src), "%s/uk-header-compile.c", t_tmpdir());
	f = fopen(src, "w");
	ASSERT_NOT_NULL(f);
	fputs(program, f);
	ASSERT_EQ(fclose(f), 0);

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!have(modes[i].cc)) {
			printf("no %s here: %s not checked\n", modes[i].cc,
			       modes[i].std);
			continue;
		}
		for (int sys_first = 0; sys_first < 2; sys_first++) {
			failed += compile(modes[i].cc, modes[i].lang,
					  modes[i].std, inc, src, sys_first);
			ran++;
		}
	}
	if (!ran)
		t_skip("no C compiler found");
	printf("%u compilations, %u failed\n", ran, failed);
	ASSERT_EQ(failed, 0u);
	return T_EXIT_PASS;
}
