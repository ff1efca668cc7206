/* SPDX-License-Identifier: MIT */
/* Loopback socket helpers: see net.h. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "test.h"
#include "net.h"

struct sockaddr_in t_loopback4(void)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

void t_tcp_pair(int fds[2])
{
	struct sockaddr_in a = t_loopback4();
	socklen_t len = sizeof(a);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	ASSERT_GE(lfd, 0);
	ASSERT_EQ(bind(lfd, (struct sockaddr *) &a, len), 0);
	ASSERT_EQ(listen(lfd, 1), 0);
	ASSERT_EQ(getsockname(lfd, (struct sockaddr *) &a, &len), 0);
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_GE(fds[0], 0);
	ASSERT_EQ(connect(fds[0], (struct sockaddr *) &a, len), 0);
	fds[1] = accept(lfd, NULL, NULL);
	ASSERT_GE(fds[1], 0);
	close(lfd);
}

int t_udp_socket(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ASSERT_GE(fd, 0);
	*a = t_loopback4();
	ASSERT_EQ(bind(fd, (struct sockaddr *) a, len), 0);
	ASSERT_EQ(getsockname(fd, (struct sockaddr *) a, &len), 0);
	return fd;
}

void t_udp_pair(int *tx, int *rx, int rcvbuf)
{
	struct sockaddr_in addr = t_loopback4();
	socklen_t alen = sizeof(addr);

	*rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_GE(*rx, 0);
	if (rcvbuf > 0 && setsockopt(*rx, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
				     sizeof(rcvbuf)))
		ASSERT_EQ(setsockopt(*rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				     sizeof(rcvbuf)), 0);
	ASSERT_EQ(bind(*rx, (struct sockaddr *) &addr, alen), 0);
	ASSERT_EQ(getsockname(*rx, (struct sockaddr *) &addr, &alen), 0);
	*tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_GE(*tx, 0);
	ASSERT_EQ(connect(*tx, (struct sockaddr *) &addr, alen), 0);
}

void t_read_exact(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, (char *) buf + got, len - got);

		ASSERT_GT(r, 0);
		got += (size_t) r;
	}
}
