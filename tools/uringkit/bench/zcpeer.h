/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench zc: what the senders share and do not measure. The
 * stream's content and its checksum, the receiver process, and the two
 * legs the stream runs over (loopback; a veth pair into a network
 * namespace the bench creates and removes).
 */
#ifndef URINGKIT_BENCH_ZCPEER_H
#define URINGKIT_BENCH_ZCPEER_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include "netutil.h"
#include "record.h"

/* ---- the stream ------------------------------------------------------------ */

/*
 * Every message is a multiple of ZC_TILE bytes: a fixed pseudo-random tile
 * repeated, with one 8-byte stamp every ZC_STAMP_WORDS words that names
 * the message and the position. A buffer is filled with the tiles once;
 * before each send only the stamps are rewritten, so a buffer reused
 * before the kernel has read it shows up as wrong stamps at the receiver.
 *
 * The checksum of a stream of 64-bit little-endian words w_i is
 * sum(w_i * (2i + 1)) mod 2^64: every byte counts, with a weight that
 * depends on its position, so lost, duplicated, stale or reordered data
 * changes it. The sender knows the expected value from the stamps alone.
 */
#define ZC_TILE		4096u
#define ZC_STAMP_WORDS	64u	/* a stamp every 512 bytes */

struct zc_stream {
	uint64_t tile[ZC_TILE / 8];
	uint64_t words;		/* words stamped so far */
	uint64_t expect;	/* checksum of everything stamped */
	size_t pre_len;		/* message length the sums below are for */
	uint64_t pre_a, pre_b;	/* sum w_j (2j + 1), sum w_j, unstamped */
};

void zc_stream_init(struct zc_stream *st);
/* Fill len bytes (a multiple of ZC_TILE) with the tile. */
void zc_stream_fill(const struct zc_stream *st, void *buf, size_t len);
/*
 * Stamp the next message (len bytes, a multiple of ZC_TILE, filled) in buf
 * and add it to the expected checksum: call it in the order the messages
 * go out, once each.
 */
void zc_stream_stamp(struct zc_stream *st, void *buf, size_t len);

/* The receiver's side of the checksum, fed in any pieces. */
struct zc_sum {
	uint64_t s0, s1, idx;	/* sum w_i, sum i * w_i, next i */
	uint64_t bytes;
	unsigned char carry[8];
	unsigned ncarry;
};
void zc_sum_add(struct zc_sum *z, const void *p, size_t n);
uint64_t zc_sum_value(const struct zc_sum *z);

/* ---- the legs ---------------------------------------------------------------- */

struct zc_leg {
	const char *name;	/* "loopback", "veth" */
	struct in_addr rx_ip;	/* the receiver listens here */
	int ns_fd;		/* the receiver's netns; -1: the bench's own */
	int home_fd;		/* the bench's own netns (veth) */
	char ns[24];		/* netns name (veth) */
	char dev[16];		/* the bench's end of the pair (veth) */
};

void zc_leg_loopback(struct zc_leg *l);
/*
 * Create a netns with one end of a new veth pair and addresses on both
 * ends (iproute2's ip). 0, or -errno with why filled (no privilege, no ip,
 * what ip said) and nothing left behind.
 */
int zc_leg_veth(struct zc_leg *l, char *why, size_t whylen);
/* Remove what zc_leg_veth() created (nothing for loopback). */
void zc_leg_free(struct zc_leg *l);

/*
 * A listening TCP socket in the leg's receiver namespace on a port the
 * kernel picks, written to addr. The fd, or -1 with the failure in r.
 */
int zc_leg_listen(const struct zc_leg *l, struct sockaddr_in *addr,
		  struct bench_record *r);

/* ---- the receiver -------------------------------------------------------------- */

/*
 * Fork the receiver: it accepts one connection on lfd (closed in the
 * parent by the caller), reads to EOF and checksums every byte; its
 * child_report has count = bytes and sum = the checksum.
 */
int zc_receiver_start(struct child *ch, int lfd);

#endif
