/* SPDX-License-Identifier: MIT */
/*
 * Zero-copy receive: registering an interface queue (Linux 6.15) and its
 * control operations (6.19).
 */
#include "internal/ring.h"

UK_EXPORT int io_uring_register_ifq(struct io_uring *ring,
				    struct io_uring_zcrx_ifq_reg *reg)
{
	return uk__register(ring, IORING_REGISTER_ZCRX_IFQ, reg, 1);
}

/* The kernel takes the control block with nr_args 0 (one struct, sized by
 * its op). */
UK_EXPORT int io_uring_register_zcrx_ctrl(struct io_uring *ring,
					  struct zcrx_ctrl *ctrl)
{
	return uk__register(ring, IORING_REGISTER_ZCRX_CTRL, ctrl, 0);
}
