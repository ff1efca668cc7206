/* SPDX-License-Identifier: MIT */
/*
 * A hands-off multishot recvmsg over UDP with a slow consumer (buffers
 * held, then given back in random batches): every datagram arrives once,
 * intact, with its source address parsed by the recvmsg helpers; the
 * receive parked and was re-armed many times; stopping it reports
 * -ECANCELED once.
 */
#include <stdio.h>
#include "slowrecv.h"
#include "test.h"

int main(void)
{
	struct t_slow_opts o = {
		.nr_bufs = 8, .buf_size = 1024, .udp_count = 4000, .seed = 3,
	};
	struct t_slow_result r;

	t_slow_udp(&o, &r);
	fprintf(stderr, "parks %lu rearms %lu completions %lu\n",
		r.stats.parks, r.stats.rearms, r.stats.completions);
	ASSERT_GT(r.stats.parks, 10ul);
	ASSERT_EQ(r.stats.rearms, r.stats.parks);
	return T_EXIT_PASS;
}
