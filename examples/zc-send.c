/* SPDX-License-Identifier: MIT */
/*
 * zc-send: zero-copy sends of several-piece messages from one registered
 * buffer.
 *
 *   zc-send HOST PORT [MSGS]   send MSGS messages to a TCP server
 *   zc-send --self-test [MSGS] send to a reader process over loopback;
 *                              exit 0 only if it got every byte in order
 *
 * What it shows: io_uring_prep_sendmsg_zc_fixed() takes ONE registered
 * buffer index for a whole msghdr, so every iovec of a message must point
 * into that one buffer. A uringkit_zc arena is that buffer: each message
 * is three pieces (header, body, trailer) carved from it, sent with one
 * sendmsg_zc_fixed. The pieces are released right after the prep call,
 * yet their memory is reused only after the kernel's notification CQE
 * (IORING_CQE_F_NOTIF) says it no longer reads them. The arena is small on
 * purpose, so that reuse happens all the time: if memory came back early,
 * the reader would see bytes overwritten by later messages.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <liburing.h>
#include <uringkit/zc.h>

#define ARENA_SIZE	(64 * 1024)
#define QD		16

/* Byte i of the stream: every byte says where it belongs. */
static unsigned char stream_byte(unsigned long long i)
{
	return (unsigned char) (i * 131 + (i >> 9));
}

static unsigned int piece_len(unsigned int msg, unsigned int piece)
{
	static const unsigned int base[3] = { 16, 700, 8 };

	return base[piece] + (msg * 53 + piece * 11) % (piece == 1 ? 3000 : 40);
}

static int reader(int fd, unsigned long long want)
{
	unsigned char buf[8192];
	unsigned long long off = 0;
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < r; i++, off++)
			if (buf[i] != stream_byte(off)) {
				fprintf(stderr, "reader: byte %llu wrong\n",
					off);
				return 1;
			}
	return off == want ? 0 : 1;
}

/* Reap one CQE; returns how many requests it finished (0 or 1). */
static int reap(struct io_uring *ring, struct uringkit_zc_arena *arena,
		unsigned long *notifs, int *err)
{
	struct uringkit_zc_event ev;
	struct io_uring_cqe *cqe;
	int ret = io_uring_wait_cqe(ring, &cqe);

	if (ret)
		return *err = ret, 0;
	ret = uringkit_zc_complete(arena, cqe, &ev);
	io_uring_cqe_seen(ring, cqe);
	if ((ret & URINGKIT_ZC_RESULT) && ev.res < 0)
		*err = ev.res;
	if (ret > 0 && !(ret & URINGKIT_ZC_RESULT))
		(*notifs)++;
	return ret > 0 && (ret & URINGKIT_ZC_DONE);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	unsigned int msgs = 2000, inflight = 0;
	unsigned long long off = 0, total = 0;
	unsigned long notifs = 0, waits = 0;
	struct uringkit_zc_arena *arena;
	struct io_uring ring;
	int fd, err = 0, status = 0;
	pid_t pid = 0;

	if (argc > 1 && !strcmp(argv[1], "--self-test")) {
		socklen_t alen = sizeof(a);
		int lfd = socket(AF_INET, SOCK_STREAM, 0);

		msgs = argc > 2 ? (unsigned int) atoi(argv[2]) : msgs;
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		bind(lfd, (struct sockaddr *) &a, sizeof(a));
		listen(lfd, 1);
		getsockname(lfd, (struct sockaddr *) &a, &alen);
		for (unsigned int m = 0; m < msgs; m++)
			for (unsigned int p = 0; p < 3; p++)
				total += piece_len(m, p);
		pid = fork();
		if (pid == 0)
			_exit(reader(accept(lfd, NULL, NULL), total));
		close(lfd);
	} else if (argc > 2) {
		inet_pton(AF_INET, argv[1], &a.sin_addr);
		a.sin_port = htons((uint16_t) atoi(argv[2]));
		msgs = argc > 3 ? (unsigned int) atoi(argv[3]) : msgs;
	} else {
		fprintf(stderr, "usage: %s HOST PORT [MSGS] | --self-test "
			"[MSGS]\n", argv[0]);
		return 2;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *) &a, sizeof(a))) {
		perror("zc-send: connect");
		return 1;
	}
	if (io_uring_queue_init(2 * QD, &ring, 0))
		return 1;
	arena = uringkit_zc_arena_create(&ring, ARENA_SIZE, 0, 0, &err);
	if (!arena) {
		fprintf(stderr, "zc-send: arena: %s\n", strerror(-err));
		return 1;
	}

	for (unsigned int m = 0; m < msgs && !err; m++) {
		struct iovec iov[3];
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 3 };
		struct io_uring_sqe *sqe;

		/* Carve the pieces; no room means earlier sends still own it. */
		for (unsigned int p = 0; p < 3; p++) {
			iov[p].iov_len = piece_len(m, p);
			while (!(iov[p].iov_base = uringkit_zc_alloc(arena,
							iov[p].iov_len))) {
				io_uring_submit(&ring);
				inflight -= (unsigned int) reap(&ring, arena,
								&notifs, &err);
				waits++;
			}
			for (size_t i = 0; i < iov[p].iov_len; i++)
				((unsigned char *) iov[p].iov_base)[i] =
					stream_byte(off + i);
			off += iov[p].iov_len;
		}
		while (inflight >= QD || !(sqe = io_uring_get_sqe(&ring))) {
			io_uring_submit(&ring);
			inflight -= (unsigned int) reap(&ring, arena, &notifs,
							&err);
		}
		if (uringkit_zc_prep_sendmsg(arena, sqe, fd, &mh, 0) < 0)
			return 1;
		inflight++;
		/* Let go now: the arena keeps them until the notification. */
		for (unsigned int p = 0; p < 3; p++)
			uringkit_zc_free(arena, iov[p].iov_base);
		io_uring_submit(&ring);
	}
	while (inflight && !err)
		inflight -= (unsigned int) reap(&ring, arena, &notifs, &err);
	shutdown(fd, SHUT_WR);
	printf("%u messages, %llu bytes, %lu notifications, waited for memory "
	       "%lu times\n", msgs, off, notifs, waits);
	if (err)
		fprintf(stderr, "zc-send: %s\n", strerror(-err));
	uringkit_zc_arena_free(arena, 0);
	io_uring_queue_exit(&ring);
	close(fd);
	if (pid > 0 && (waitpid(pid, &status, 0) != pid ||
			!WIFEXITED(status) || WEXITSTATUS(status)))
		return 1;
	return err ? 1 : 0;
}
