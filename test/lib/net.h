/* SPDX-License-Identifier: MIT */
/* Loopback socket helpers for the tests; each fails the test on error. */
#ifndef URINGKIT_TEST_NET_H
#define URINGKIT_TEST_NET_H

#include <netinet/in.h>
#include <stddef.h>

/* 127.0.0.1, port 0 (bind picks a free one). */
struct sockaddr_in t_loopback4(void);
/*
 * A connected TCP pair over 127.0.0.1: fds[0] the connecting socket,
 * fds[1] the accepted one (the listener is closed).
 */
void t_tcp_pair(int fds[2]);
/* A UDP socket bound to 127.0.0.1 on a free port; *a gets its address. */
int t_udp_socket(struct sockaddr_in *a);
/*
 * UDP over 127.0.0.1 (SOCK_CLOEXEC): *rx bound to a free port, *tx
 * connected to it. rcvbuf > 0 sets rx's SO_RCVBUF first (SO_RCVBUFFORCE
 * where allowed, so root gets the full size).
 */
void t_udp_pair(int *tx, int *rx, int rcvbuf);
/* read(2) until len bytes have arrived; EOF or an error fails the test. */
void t_read_exact(int fd, void *buf, size_t len);

#endif
