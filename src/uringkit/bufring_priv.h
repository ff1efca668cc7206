/* SPDX-License-Identifier: MIT */
/*
 * The inside of a struct uringkit_bufring, shared by src/uringkit/bufring.c
 * (which owns it) and src/uringkit/recv.c (pieces, bundles, incremental
 * buffers and the receives bound to the ring). bufring.c never calls into
 * recv.c by name: it calls the two hooks, which recv.c installs.
 */
#ifndef URINGKIT_BUFRING_PRIV_H
#define URINGKIT_BUFRING_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include "uringkit/bufring.h"

struct uringkit_recv;

struct uringkit_bufring {
	struct io_uring *ring;
	struct io_uring_buf_ring *br;
	unsigned char *bufs;
	size_t map_len;
	unsigned int nr_bufs;
	unsigned int buf_size;
	unsigned int app_count;		/* bits set in app_held */
	unsigned int flags;		/* URINGKIT_BUFRING_* of create */
	int bgid;
	uint16_t tail;			/* our copy of br->tail */

	/*
	 * Where each buffer went into the ring, so a bundle (one CQE naming
	 * its first bid) can be followed through the consecutive slots the
	 * kernel took: slot_bid[counter & mask] is the bid put at ring
	 * counter `counter`, bid_slot[bid] the counter bid was last put at.
	 */
	uint16_t *slot_bid;
	uint16_t *bid_slot;
	/*
	 * The buffers of one bundle, chained from its first bid when it is
	 * decoded: the slots are reused by later recycles, the chain is not
	 * (a buffer is in one application-held bundle at a time).
	 */
	uint16_t *next_bid;
	/* Incremental rings: bytes of each buffer the kernel already filled. */
	uint32_t *inc_off;
	/* Pieces of each buffer handed out and not yet given back. */
	uint32_t *refs;
	/*
	 * put_seq counts every buffer put into the ring; last_put[bid] is
	 * its value when bid last went in. Pieces remember put_seq when
	 * they are decoded: a buffer of theirs put in since (recycled
	 * outright) makes them stale, and its next_bid link may already
	 * belong to a newer bundle.
	 */
	uint32_t put_seq;
	uint32_t *last_put;

	/* Receives bound to this ring (recv.c owns the lists). */
	struct uringkit_recv *recv_all;
	struct uringkit_recv *recv_parked;
	bool want_refill;		/* recv_parked is not empty */
	void (*refill_hook)(struct uringkit_bufring *br);
	void (*detach_hook)(struct uringkit_bufring *br);

	uint64_t app_held[];		/* nr_bufs bits */
};

/* Bytes of per-buffer bookkeeping after app_held (the arrays above). */
#define UK_BUFRING_PER_BUF	(3 * sizeof(uint16_t) + 3 * sizeof(uint32_t))

/* Whether bid went into the ring after put count seq. */
static inline bool uk__bufring_put_since(const struct uringkit_bufring *br,
					 unsigned int bid, uint32_t seq)
{
	return (int32_t) (br->last_put[bid] - seq) > 0;
}

static inline bool uk__bufring_app_holds(const struct uringkit_bufring *br,
					 unsigned int bid)
{
	return (br->app_held[bid / 64] >> (bid % 64)) & 1;
}

/* The application now holds bid (the kernel has finished with it). */
static inline void uk__bufring_set_app(struct uringkit_bufring *br,
				       unsigned int bid)
{
	br->app_held[bid / 64] |= (uint64_t) 1 << (bid % 64);
	br->app_count++;
}

#endif
