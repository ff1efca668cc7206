/* SPDX-License-Identifier: MIT */
/*
 * A multishot accept echo server, the way liburing's examples build one:
 * one io_uring_prep_multishot_accept() keeps accepting, each connection
 * gets a recv, each recv's data is sent back, user_data says which step a
 * CQE belongs to. Three clients connect and send; each must get its own
 * message back.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <liburing.h>

#define CLIENTS	3

enum { ACCEPT = 1, RECV, SEND };

struct conn {
	int fd;
	char buf[64];
};

static struct conn conns[CLIENTS];

static __u64 tag(int kind, int idx)
{
	return ((__u64) kind << 32) | (unsigned) idx;
}

int main(void)
{
	struct sockaddr_in addr;
	socklen_t alen = sizeof(addr);
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int lfd, clients[CLIENTS], accepted = 0, echoed = 0, i, ret;
	char msg[32], back[32];

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (struct sockaddr *) &addr, sizeof(addr)) ||
	    listen(lfd, 8) ||
	    getsockname(lfd, (struct sockaddr *) &addr, &alen)) {
		perror("listen");
		return 1;
	}
	ret = io_uring_queue_init(16, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "queue_init: %s\n", strerror(-ret));
		return ret == -ENOSYS || ret == -EPERM ? 77 : 1;
	}

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_multishot_accept(sqe, lfd, NULL, NULL, 0);
	io_uring_sqe_set_data64(sqe, tag(ACCEPT, 0));
	io_uring_submit(&ring);

	for (i = 0; i < CLIENTS; i++) {
		clients[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(clients[i], (struct sockaddr *) &addr,
			    sizeof(addr))) {
			perror("connect");
			return 1;
		}
		snprintf(msg, sizeof(msg), "hello from %d", i);
		if (send(clients[i], msg, strlen(msg), 0) < 0) {
			perror("send");
			return 1;
		}
	}

	while (echoed < CLIENTS) {
		int kind, idx;

		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret < 0) {
			fprintf(stderr, "wait_cqe: %s\n", strerror(-ret));
			return 1;
		}
		kind = (int) (cqe->user_data >> 32);
		idx = (int) (cqe->user_data & 0xffffffff);
		if (cqe->res < 0) {
			fprintf(stderr, "step %d failed: %s\n", kind,
				strerror(-cqe->res));
			return 1;
		}
		if (kind == ACCEPT) {
			if (!(cqe->flags & IORING_CQE_F_MORE)) {
				fprintf(stderr, "multishot accept ended\n");
				return 1;
			}
			idx = accepted++;
			conns[idx].fd = cqe->res;
			sqe = io_uring_get_sqe(&ring);
			io_uring_prep_recv(sqe, conns[idx].fd, conns[idx].buf,
					   sizeof(conns[idx].buf), 0);
			io_uring_sqe_set_data64(sqe, tag(RECV, idx));
		} else if (kind == RECV) {
			sqe = io_uring_get_sqe(&ring);
			io_uring_prep_send(sqe, conns[idx].fd, conns[idx].buf,
					   (size_t) cqe->res, 0);
			io_uring_sqe_set_data64(sqe, tag(SEND, idx));
		} else {
			echoed++;
		}
		io_uring_cqe_seen(&ring, cqe);
		io_uring_submit(&ring);
	}

	for (i = 0; i < CLIENTS; i++) {
		ssize_t n;

		snprintf(msg, sizeof(msg), "hello from %d", i);
		n = recv(clients[i], back, sizeof(back), 0);
		if (n != (ssize_t) strlen(msg) || memcmp(back, msg, n)) {
			fprintf(stderr, "client %d got %zd bytes back\n", i, n);
			return 1;
		}
		close(clients[i]);
	}
	for (i = 0; i < accepted; i++)
		close(conns[i].fd);
	close(lfd);
	io_uring_queue_exit(&ring);
	printf("accept-echo: %d clients echoed\n", echoed);
	return 0;
}
