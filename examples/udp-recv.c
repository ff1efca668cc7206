/* SPDX-License-Identifier: MIT */
/*
 * udp-recv: receive UDP datagrams with one multishot recvmsg on a buffer
 * ring, and say what each packet cost.
 *
 *   udp-recv [-p PORT]        receive on 127.0.0.1:PORT until 1 s of quiet
 *   udp-recv --self-test [N]  also fork a sender of N datagrams; exit 0
 *                             only if all N arrived once and intact
 *
 * What it shows: one SQE receives every datagram (multishot recvmsg);
 * each lands in a buffer of a uringkit_bufring together with its source
 * address, read back with io_uring_recvmsg_validate(), _name(), _payload()
 * and _payload_length(); the receive re-arms itself when the ring runs dry
 * (<uringkit/recv.h>), and also after a burst filled the completion
 * queue (URINGKIT_RECV_REARM); CPU time per packet comes from getrusage().
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <liburing.h>
#include <uringkit/recv.h>

#define NR_BUFS		256
#define BUF_SIZE	2048	/* header + address + the largest datagram */
#define UD_RECV		1

static double cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static void sender(int port, unsigned int n)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t) port) };
	char buf[1024];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (unsigned int seq = 0; seq < n; seq++) {
		unsigned int len = 16 + seq % 1000;

		memset(buf, (int) (seq & 0xff), len);
		memcpy(buf, &seq, sizeof(seq));
		sendto(fd, buf, len, 0, (struct sockaddr *) &a, sizeof(a));
	}
	close(fd);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct msghdr mh = { .msg_namelen = sizeof(struct sockaddr_in) };
	struct __kernel_timespec quiet = { .tv_sec = 1 };
	unsigned int n = 0, got = 0, bad = 0, port = 9999;
	unsigned long long bytes = 0;
	socklen_t alen = sizeof(a);
	int fd, rcvbuf = 8 << 20, ret, status = 0;
	unsigned char *seen = NULL;
	struct io_uring ring;
	struct uringkit_bufring *br;
	struct uringkit_recv *rv;
	struct io_uring_cqe *cqe;
	double cpu0;
	pid_t pid = 0;

	if (argc > 1 && !strcmp(argv[1], "--self-test")) {
		n = argc > 2 ? (unsigned int) atoi(argv[2]) : 2000;
		port = 0;
		seen = calloc(n ? n : 1, 1);
	} else if (argc > 2 && !strcmp(argv[1], "-p")) {
		port = (unsigned int) atoi(argv[2]);
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	/* Room for bursts while the ring is dry (FORCE needs CAP_NET_ADMIN). */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	a.sin_port = htons((uint16_t) port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *) &a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *) &a, &alen)) {
		perror("udp-recv: bind");
		return 1;
	}
	ret = io_uring_queue_init(64, &ring, 0);
	br = ret ? NULL : uringkit_bufring_create(&ring, 0, NR_BUFS, BUF_SIZE,
						  0, &ret);
	/*
	 * REARM: a burst can fill the CQ, and the kernel then ends the
	 * multishot request with its last datagram; go on receiving.
	 */
	rv = br ? uringkit_recv_create(&ring, br, fd, URINGKIT_RECV_MSG |
				       URINGKIT_RECV_REARM, &mh, UD_RECV,
				       &ret) : NULL;
	if (!rv || (ret = uringkit_recv_arm(rv))) {
		fprintf(stderr, "udp-recv: setup: %s\n", strerror(-ret));
		return 1;
	}
	fprintf(stderr, "udp-recv: listening on 127.0.0.1:%d\n",
		ntohs(a.sin_port));
	if (n && (pid = fork()) == 0) {
		sender(ntohs(a.sin_port), n);
		_exit(0);
	}

	cpu0 = cpu_us();
	/* Returns what it submitted, or -ETIME after a second of quiet. */
	while (io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &quiet,
						NULL) >= 0) {
		struct uringkit_recv_event ev;
		struct io_uring_recvmsg_out *out;
		unsigned int len, plen, seq;
		unsigned char *buf, *payload;
		struct sockaddr_in *from;

		ret = uringkit_recv_complete(rv, cqe, &ev);
		io_uring_cqe_seen(&ring, cqe);
		if (ret != 1)
			continue;		/* parked or re-armed */
		if (ev.end)
			break;			/* an error ended it */
		/* A recvmsg completion is one buffer: header, name, payload. */
		buf = uringkit_pieces_next(&ev.pieces, &len);
		out = io_uring_recvmsg_validate(buf, (int) len, &mh);
		if (out && !(out->flags & MSG_TRUNC)) {
			from = io_uring_recvmsg_name(out);
			payload = io_uring_recvmsg_payload(out, &mh);
			plen = io_uring_recvmsg_payload_length(out, (int) len,
							       &mh);
			got++;
			bytes += plen;
			memcpy(&seq, payload, sizeof(seq));
			if (seen && (plen < 16 || seq >= n || seen[seq]++ ||
				     plen != 16 + seq % 1000 ||
				     payload[plen - 1] != (seq & 0xff) ||
				     from->sin_family != AF_INET))
				bad++;
		} else {
			bad++;
		}
		uringkit_pieces_give_back(&ev.pieces);
		if (n && got == n)
			break;
	}
	printf("%u datagrams, %llu bytes, %.2f us CPU per datagram, %u bad\n",
	       got, bytes, got ? (cpu_us() - cpu0) / got : 0.0, bad);
	if (pid > 0)
		waitpid(pid, &status, 0);
	uringkit_recv_stop(rv);
	while (io_uring_wait_cqe_timeout(&ring, &cqe, &quiet) == 0) {
		struct uringkit_recv_event ev;

		ret = uringkit_recv_complete(rv, cqe, &ev);
		io_uring_cqe_seen(&ring, cqe);
		if (ret == 1 && ev.pieces.nr)
			uringkit_pieces_give_back(&ev.pieces);
		if (ret == 1 && ev.end)
			break;
	}
	uringkit_recv_free(rv);
	uringkit_bufring_free(br);
	io_uring_queue_exit(&ring);
	close(fd);
	free(seen);
	return n && (got != n || bad || status) ? 1 : 0;
}
