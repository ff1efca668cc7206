/* SPDX-License-Identifier: MIT */
/* uringkit bench zc: the sender's window and counters (see zcsend.h). */
#include <sys/resource.h>
#include "../uringkit.h"
#include "zcsend.h"

int zcx_fail(struct zcx *x, const char *what, int err)
{
	x->stop = true;
	return bench_record_fail(x->r, what, err);
}

static void snap(struct zcx *x, struct snap *s)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	s->t = uk_now_ns();
	s->cpu_ns = uk_rusage_ns(&ru);
	s->bytes = x->bytes;
	s->msgs = x->msgs;
	s->sys = x->sys;
	s->notifs = x->notifs;
	s->copied = x->copied;
}

/* Once per loop: open and close the window; true when sending should stop. */
bool zcx_tick(struct zcx *x)
{
	uint64_t now = uk_now_ns();

	if (x->phase == 0 && now >= x->wstart) {
		snap(x, &x->s0);
		x->phase = 1;
	} else if (x->phase == 1 && now >= x->wend) {
		snap(x, &x->s1);
		x->phase = 2;
	}
	if (x->phase == 2 || uk_interrupted || x->r->err)
		x->stop = true;
	return x->stop;
}
