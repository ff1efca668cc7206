/* SPDX-License-Identifier: MIT */
/*
 * The UDP receiver loop of the articles uringkit started from, written as
 * a liburing user writes it: one recv per packet, re-armed after each
 * completion, io_uring_wait_cqe() / io_uring_cqe_seen(). The datagrams come
 * from a plain sendto() on the same machine; every one must arrive intact.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <liburing.h>

#define PACKETS	64

int main(void)
{
	struct sockaddr_in addr;
	socklen_t alen = sizeof(addr);
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	char buf[256], want[256];
	int rx, tx, i, ret, got = 0;

	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0) {
		perror("socket");
		return 1;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(rx, (struct sockaddr *) &addr, sizeof(addr)) < 0 ||
	    getsockname(rx, (struct sockaddr *) &addr, &alen) < 0) {
		perror("bind");
		return 1;
	}

	ret = io_uring_queue_init(8, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "queue_init: %s\n", strerror(-ret));
		return ret == -ENOSYS || ret == -EPERM ? 77 : 1;
	}

	for (i = 0; i < PACKETS; i++) {
		snprintf(want, sizeof(want), "datagram %d", i);
		if (sendto(tx, want, strlen(want), 0, (struct sockaddr *) &addr,
			   sizeof(addr)) < 0) {
			perror("sendto");
			return 1;
		}

		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_recv(sqe, rx, buf, sizeof(buf), 0);
		io_uring_sqe_set_data(sqe, buf);
		io_uring_submit(&ring);

		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret < 0) {
			fprintf(stderr, "wait_cqe: %s\n", strerror(-ret));
			return 1;
		}
		if (cqe->res != (int) strlen(want) ||
		    io_uring_cqe_get_data(cqe) != buf ||
		    memcmp(buf, want, strlen(want))) {
			fprintf(stderr, "packet %d: res %d\n", i, cqe->res);
			return 1;
		}
		io_uring_cqe_seen(&ring, cqe);
		got++;
	}
	if (io_uring_peek_cqe(&ring, &cqe) != -EAGAIN) {
		fprintf(stderr, "a CQE too many\n");
		return 1;
	}
	io_uring_queue_exit(&ring);
	close(rx);
	close(tx);
	printf("udp-recv-loop: %d datagrams\n", got);
	return 0;
}
