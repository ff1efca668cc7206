/* SPDX-License-Identifier: MIT */
/*
 * A hands-off multishot recv over TCP with a consumer that holds every
 * buffer it gets and gives them back in random batches: the ring runs dry
 * again and again, each -ENOBUFS end parks the receive and the recycle
 * re-arms it. Every byte arrives once and in order, then EOF.
 */
#include <stdio.h>
#include "slowrecv.h"
#include "test.h"

int main(void)
{
	struct t_slow_opts o = {
		.nr_bufs = 8, .buf_size = 512, .tcp_bytes = 3 << 20, .seed = 1,
	};
	struct t_slow_result r;

	t_slow_tcp(&o, &r);
	fprintf(stderr, "parks %lu rearms %lu completions %lu\n",
		r.stats.parks, r.stats.rearms, r.stats.completions);
	/* The ring did run dry, and each park was followed by a re-arm. */
	ASSERT_GT(r.stats.parks, 10ul);
	ASSERT_EQ(r.stats.rearms, r.stats.parks);
	ASSERT_EQ(r.max_pieces, 1u);

	/* The same with the library re-arming after every end it can. */
	o.recv_flags = URINGKIT_RECV_REARM;
	o.seed = 2;
	t_slow_tcp(&o, &r);
	fprintf(stderr, "parks %lu rearms %lu completions %lu\n",
		r.stats.parks, r.stats.rearms, r.stats.completions);
	ASSERT_GT(r.stats.parks, 10ul);
	ASSERT_GE(r.stats.rearms, r.stats.parks);
	return T_EXIT_PASS;
}
