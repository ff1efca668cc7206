/* SPDX-License-Identifier: MIT */
/*
 * What a ring may do: opcode and register restrictions (Linux 5.10) and BPF
 * filters on requests (Linux 7.0, <liburing/io_uring/bpf_filter.h>; the
 * filter struct is passed through as is, and a kernel without the opcode
 * answers -EINVAL).
 */
#include "internal/ring.h"

UK_EXPORT int io_uring_register_restrictions(struct io_uring *ring,
					     struct io_uring_restriction *res,
					     unsigned int nr_res)
{
	return uk__register(ring, IORING_REGISTER_RESTRICTIONS, res, nr_res);
}

UK_EXPORT int io_uring_register_bpf_filter(struct io_uring *ring,
					   struct io_uring_bpf *bpf)
{
	return uk__register(ring, IORING_REGISTER_BPF_FILTER, bpf, 1);
}

/* A filter for every ring the calling task (and its children) creates. */
UK_EXPORT int io_uring_register_bpf_filter_task(struct io_uring_bpf *bpf)
{
	return uk__sys_register(-1U, IORING_REGISTER_BPF_FILTER, bpf, 1);
}
