/* SPDX-License-Identifier: MIT */
/*
 * The names liburing added after 2.15, used as a program would:
 * uring_ptr_to_u64() to fill an IORING_REGISTER_QUERY chain, the
 * io_uring/query.h and io_uring/bpf_filter.h structs, struct zcrx_ctrl,
 * io_uring_load_sq_head() to see what the kernel has taken,
 * io_uring_skip_cqe() in a hand-written CQ walk, and the two command
 * helpers, io_uring_prep_cmd_getsockname() (run when the kernel has it,
 * 6.19) and io_uring_prep_cmd_zone_reset_all() (prepared only: it needs a
 * zoned block device).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <liburing.h>

static int fail(const char *what)
{
	fprintf(stderr, "new-names: %s\n", what);
	return 1;
}

int main(void)
{
	struct io_uring_query_opcode op;
	struct io_uring_query_hdr hdr;
	struct io_uring_bpf bpf;
	struct zcrx_ctrl ctrl;
	struct io_uring_zcrx_rq rq;
	struct sockaddr_in sa, want;
	socklen_t len = sizeof(sa), wlen = sizeof(want);
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int ret, err = 0, lfd;
	unsigned head;

	ret = io_uring_queue_init(8, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "queue_init: %s\n", strerror(-ret));
		return ret == -ENOSYS || ret == -EPERM ? 77 : 1;
	}

	memset(&op, 0, sizeof(op));
	memset(&hdr, 0, sizeof(hdr));
	hdr.query_op = IO_URING_QUERY_OPCODES;
	hdr.query_data = uring_ptr_to_u64(&op);
	hdr.size = sizeof(op);
	ret = io_uring_register_query(&hdr);
	if (ret == 0 && hdr.result == 0 &&
	    op.nr_request_opcodes < IORING_OP_PIPE)
		return fail("query: too few opcodes");

	/* structs a program fills before registering; sizes are ABI */
	memset(&bpf, 0, sizeof(bpf));
	bpf.cmd_type = IO_URING_BPF_CMD_FILTER;
	bpf.filter.opcode = IORING_OP_SOCKET;
	bpf.filter.flags = IO_URING_BPF_FILTER_DENY_REST;
	memset(&ctrl, 0, sizeof(ctrl));
	ctrl.op = ZCRX_CTRL_FLUSH_RQ;
	memset(&rq, 0, sizeof(rq));
	if (sizeof(bpf) != 72 || sizeof(ctrl) != 72 ||
	    sizeof(struct io_uring_bpf_ctx) != 40 ||
	    sizeof(struct io_uring_query_scq) != 16)
		return fail("struct sizes");

	head = io_uring_load_sq_head(&ring);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 1;
	if (io_uring_load_sq_head(&ring) != head)
		return fail("head moved before submit");
	io_uring_submit_and_wait(&ring, 1);
	if (io_uring_load_sq_head(&ring) != head + 1)
		return fail("head did not move");
	/* a hand-written walk: skip what the library would skip */
	cqe = &ring.cq.cqes[*ring.cq.khead & ring.cq.ring_mask];
	if (io_uring_skip_cqe(&ring, cqe, &err) || err || cqe->user_data != 1)
		return fail("skip_cqe on a plain CQE");
	io_uring_cqe_seen(&ring, cqe);

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_cmd_zone_reset_all(sqe, 0);
	if (sqe->opcode != IORING_OP_URING_CMD ||
	    sqe->cmd_op != BLOCK_URING_CMD_ZONE_RESET_ALL)
		return fail("zone_reset_all SQE");
	/* not submitted: give the SQE back as a NOP */
	io_uring_prep_nop(sqe);
	io_uring_submit_and_wait(&ring, 1);
	io_uring_peek_cqe(&ring, &cqe);
	io_uring_cqe_seen(&ring, cqe);

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (struct sockaddr *) &sa, sizeof(sa)) ||
	    getsockname(lfd, (struct sockaddr *) &want, &wlen))
		return fail("socket");
	memset(&sa, 0, sizeof(sa));
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_cmd_getsockname(sqe, lfd, (struct sockaddr *) &sa, &len,
				      0);
	io_uring_submit_and_wait(&ring, 1);
	io_uring_peek_cqe(&ring, &cqe);
	ret = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	if (ret == -EOPNOTSUPP || ret == -EINVAL) {
		printf("new-names: kernel lacks SOCKET_URING_OP_GETSOCKNAME "
		       "(6.19); the rest passed\n");
	} else if (ret != 0 || len != wlen || sa.sin_port != want.sin_port) {
		return fail("getsockname command");
	}
	close(lfd);
	io_uring_queue_exit(&ring);
	printf("new-names: ok\n");
	return 0;
}
