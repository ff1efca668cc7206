/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench zc: the sender's state, shared by the socket senders
 * (zc.c) and the io_uring senders (zcuring.c).
 */
#ifndef URINGKIT_BENCH_ZCSEND_H
#define URINGKIT_BENCH_ZCSEND_H

#include <stdbool.h>
#include <stdint.h>
#include "record.h"
#include "zcpeer.h"

#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY	60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY	0x4000000
#endif

#define POOL_BYTES	(4u << 20)	/* memory in flight, every sender */
#define MAX_CHAIN	32u		/* io_uring: sends per submission */
#define MAP_IDS		8192u		/* MSG_ZEROCOPY: calls in flight */
#define PIECES		4u		/* iovecs per arena message */
#define SEND_FLAGS	(MSG_WAITALL | MSG_NOSIGNAL)

enum zc_kind {
	K_SEND, K_MSG_ZEROCOPY, K_URING_SEND, K_SEND_ZC, K_SEND_ZC_FIXED,
	K_ARENA,
};

/* The counters the metrics come from, at one moment. */
struct snap {
	uint64_t t, cpu_ns, bytes, msgs, sys, notifs, copied;
};

struct zcx {
	struct bench_record *r;
	enum zc_kind kind;
	int fd;
	size_t size;		/* bytes per message */
	unsigned nslots;	/* messages in flight at most */
	unsigned char *pool;	/* nslots * size, filled with the tile */
	struct zc_stream st;
	unsigned *freel, nfree;	/* free slots, a stack */
	unsigned *holds;	/* per slot: what still uses it */
	/* running counts */
	uint64_t bytes, msgs, sys, notifs, copied;
	/* MSG_ZEROCOPY: call id -> slot */
	uint32_t idmap[MAP_IDS];
	uint32_t next_id;
	unsigned ids_out;
	/* the window */
	uint64_t wstart, wend;
	int phase;
	bool stop;
	struct snap s0, s1;
};

/* Record the error, stop sending; returns what bench_record_fail() does. */
int zcx_fail(struct zcx *x, const char *what, int err);
/* Once per loop: open and close the window; true when sending should stop. */
bool zcx_tick(struct zcx *x);
/* The io_uring senders: io_uring send, send_zc, send_zc_fixed, the arena. */
void zcx_run_uring(struct zcx *x);

static inline void zcx_msg_done(struct zcx *x)
{
	x->bytes += x->size;
	x->msgs++;
}

static inline void zcx_slot_release(struct zcx *x, unsigned slot)
{
	if (--x->holds[slot] == 0)
		x->freel[x->nfree++] = slot;
}

static inline unsigned char *zcx_slot_buf(const struct zcx *x, unsigned slot)
{
	return x->pool + (size_t) slot * x->size;
}

#endif
