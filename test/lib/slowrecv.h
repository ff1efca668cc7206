/* SPDX-License-Identifier: MIT */
/*
 * A deliberately slow consumer for <uringkit/recv.h>: a sender thread
 * streams a known pattern over loopback while the receiver holds the
 * pieces of every completion and gives them back later, in random batches
 * and random order, so the buffer ring keeps running dry. Every check
 * (each byte once and in order for TCP, each datagram once for UDP, every
 * buffer back at the end) fails the test on the spot.
 */
#ifndef URINGKIT_TEST_SLOWRECV_H
#define URINGKIT_TEST_SLOWRECV_H

#include <stddef.h>
#include <uringkit/recv.h>

struct t_slow_opts {
	unsigned int recv_flags;	/* URINGKIT_RECV_* (MSG added for UDP) */
	unsigned int bufring_flags;	/* URINGKIT_BUFRING_* */
	unsigned int nr_bufs;
	unsigned int buf_size;
	size_t tcp_bytes;		/* TCP: bytes to stream */
	unsigned int udp_count;		/* UDP: datagrams to send */
	unsigned int seed;
};

struct t_slow_result {
	struct uringkit_recv_stats stats;
	unsigned int max_pieces;	/* most pieces in one completion */
	unsigned long buf_more;		/* CQEs with IORING_CQE_F_BUF_MORE */
};

/* Stream opts->tcp_bytes over a TCP pair, then EOF. */
void t_slow_tcp(const struct t_slow_opts *opts, struct t_slow_result *res);
/* Send opts->udp_count datagrams (paced, so none is dropped), then stop. */
void t_slow_udp(const struct t_slow_opts *opts, struct t_slow_result *res);

#endif
