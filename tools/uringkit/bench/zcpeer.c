/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench zc: the stream's content and checksum, the receiver
 * process and the legs (loopback, veth into a namespace). See zcpeer.h.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../uringkit.h"
#include "zcpeer.h"

/* ---- the stream ------------------------------------------------------------ */

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void zc_stream_init(struct zc_stream *st)
{
	unsigned i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < ZC_TILE / 8; i++)
		st->tile[i] = mix64(0x7a63ULL << 32 | i);
}

void zc_stream_fill(const struct zc_stream *st, void *buf, size_t len)
{
	size_t off;

	for (off = 0; off + ZC_TILE <= len; off += ZC_TILE)
		memcpy((char *) buf + off, st->tile, ZC_TILE);
}

void zc_stream_stamp(struct zc_stream *st, void *buf, size_t len)
{
	const size_t nw = len / 8, tw = ZC_TILE / 8;
	uint64_t a, b, base = st->words;
	size_t j;

	if (st->pre_len != len) {
		st->pre_a = st->pre_b = 0;
		for (j = 0; j < nw; j++) {
			st->pre_a += st->tile[j % tw] * (2 * j + 1);
			st->pre_b += st->tile[j % tw];
		}
		st->pre_len = len;
	}
	a = st->pre_a;
	b = st->pre_b;
	for (j = 0; j < nw; j += ZC_STAMP_WORDS) {
		uint64_t s = mix64(base + j), d = s - st->tile[j % tw];

		memcpy((char *) buf + 8 * j, &s, 8);
		a += d * (2 * j + 1);
		b += d;
	}
	st->expect += a + 2 * base * b;
	st->words += nw;
}

static inline void sum_word(struct zc_sum *z, uint64_t w)
{
	z->s0 += w;
	z->s1 += z->idx++ * w;
}

void zc_sum_add(struct zc_sum *z, const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t w;

	z->bytes += n;
	while (n && z->ncarry) {
		z->carry[z->ncarry++] = *c++;
		n--;
		if (z->ncarry == 8) {
			memcpy(&w, z->carry, 8);
			sum_word(z, w);
			z->ncarry = 0;
		}
	}
	for (; n >= 8; c += 8, n -= 8) {
		memcpy(&w, c, 8);
		sum_word(z, w);
	}
	memcpy(z->carry, c, n);
	z->ncarry = (unsigned) n;
}

uint64_t zc_sum_value(const struct zc_sum *z)
{
	return 2 * z->s1 + z->s0;
}

/* ---- the receiver -------------------------------------------------------------- */

#define RX_CHUNK	(256u << 10)

static void receiver(void *arg, int go_r, int res_w)
{
	int lfd = (int) (intptr_t) arg, fd;
	struct timeval tv = { .tv_sec = 5, .tv_usec = 0 };
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	struct child_report r;
	struct zc_sum z;
	unsigned char *buf;

	(void) go_r;
	memset(&r, 0, sizeof(r));
	memset(&z, 0, sizeof(z));
	buf = malloc(RX_CHUNK);
	if (!buf)
		child_fail(res_w, &r, "receiver: malloc", -ENOMEM);
	if (poll(&pfd, 1, 5000) != 1)
		child_fail(res_w, &r, "receiver: no connection", -ETIMEDOUT);
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		child_fail(res_w, &r, "receiver: accept", -errno);
	close(lfd);
	/* A sender that stops without closing fails the cell, not the run. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		ssize_t n = recv(fd, buf, RX_CHUNK, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			child_fail(res_w, &r, "receiver: recv", -errno);
		if (n == 0)
			break;
		zc_sum_add(&z, buf, (size_t) n);
	}
	r.count = z.bytes;
	r.sum = zc_sum_value(&z);
	close(fd);
	free(buf);
	child_exit(res_w, &r);
}

int zc_receiver_start(struct child *ch, int lfd)
{
	return child_start(ch, -1, receiver, (void *) (intptr_t) lfd);
}

/* ---- the legs ------------------------------------------------------------------ */

void zc_leg_loopback(struct zc_leg *l)
{
	memset(l, 0, sizeof(*l));
	l->name = "loopback";
	l->rx_ip.s_addr = htonl(INADDR_LOOPBACK);
	l->ns_fd = l->home_fd = -1;
}

/*
 * Run ip with the given arguments (NULL-terminated); 0, or -1 with the
 * first line ip wrote to stderr in why.
 */
static int run_ip(char *why, size_t whylen, ...)
{
	const char *argv[16];
	char err[256];
	int pipefd[2], status, n = 0, i = 1;
	ssize_t got;
	va_list ap;
	pid_t pid;

	argv[0] = "ip";
	va_start(ap, whylen);
	while (i < 15 && (argv[i] = va_arg(ap, const char *)))
		i++;
	va_end(ap);
	argv[i] = NULL;
	if (pipe2(pipefd, O_CLOEXEC)) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(pipefd[1], 2);
		if (null >= 0)
			dup2(null, 1);
		execvp("ip", (char *const *) argv);
		fprintf(stderr, "ip (iproute2) not found: %s\n", strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	while ((got = read(pipefd[0], err + n, sizeof(err) - 1 - (size_t) n)) > 0 ||
	       (got < 0 && errno == EINTR))
		if (got > 0)
			n += (int) got;
	close(pipefd[0]);
	err[n] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	err[strcspn(err, "\n")] = '\0';
	snprintf(why, whylen, "'ip %s %s' failed: %s", argv[1],
		 argv[2] ? argv[2] : "", n ? err : "(no message)");
	return -1;
}

/*
 * A run killed before its cleanup (SIGKILL, SIGPIPE) leaves its namespace
 * and pair behind: remove those whose process is gone.
 */
static void remove_stale(void)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	char why[8], dev[16];
	int pid;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "ukzc-%d", &pid) == 1 && pid > 0 &&
		    kill(pid, 0) && errno == ESRCH) {
			snprintf(dev, sizeof(dev), "ukzc%ua",
				 (unsigned) pid % 16384u);
			run_ip(why, sizeof(why), "link", "del", dev, NULL);
			run_ip(why, sizeof(why), "netns", "del", e->d_name, NULL);
		}
	closedir(d);
}

int zc_leg_veth(struct zc_leg *l, char *why, size_t whylen)
{
	unsigned id = (unsigned) getpid() % 16384u;
	char peer[16], a1[24], a2[24], path[64];

	memset(l, 0, sizeof(*l));
	l->name = "veth";
	l->ns_fd = l->home_fd = -1;
	/* Per process, so two runs at once do not collide: 10.250.x.y/30. */
	snprintf(l->ns, sizeof(l->ns), "ukzc-%d", (int) getpid());
	snprintf(l->dev, sizeof(l->dev), "ukzc%ua", id);
	snprintf(peer, sizeof(peer), "ukzc%ub", id);
	snprintf(a1, sizeof(a1), "10.250.%u.%u/30", id / 64, id % 64 * 4 + 1);
	snprintf(a2, sizeof(a2), "10.250.%u.%u", id / 64, id % 64 * 4 + 2);
	inet_pton(AF_INET, a2, &l->rx_ip);
	strcat(a2, "/30");
	remove_stale();

	if (run_ip(why, whylen, "netns", "add", l->ns, NULL)) {
		l->ns[0] = '\0';
		l->dev[0] = '\0';
		return -EPERM;
	}
	if (run_ip(why, whylen, "link", "add", l->dev, "type", "veth", "peer",
		   "name", peer, "netns", l->ns, NULL)) {
		l->dev[0] = '\0';
		goto fail;
	}
	if (run_ip(why, whylen, "addr", "add", a1, "dev", l->dev, NULL) ||
	    run_ip(why, whylen, "link", "set", l->dev, "up", NULL) ||
	    run_ip(why, whylen, "-n", l->ns, "addr", "add", a2, "dev", peer,
		   NULL) ||
	    run_ip(why, whylen, "-n", l->ns, "link", "set", peer, "up", NULL))
		goto fail;
	snprintf(path, sizeof(path), "/run/netns/%s", l->ns);
	l->ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	l->home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (l->ns_fd < 0 || l->home_fd < 0) {
		snprintf(why, whylen, "open %s: %s", l->ns_fd < 0 ? path :
			 "/proc/self/ns/net", strerror(errno));
		goto fail;
	}
	return 0;
fail:
	zc_leg_free(l);
	return -EPERM;
}

void zc_leg_free(struct zc_leg *l)
{
	char why[8];

	if (l->ns_fd >= 0)
		close(l->ns_fd);
	if (l->home_fd >= 0)
		close(l->home_fd);
	l->ns_fd = l->home_fd = -1;
	/* Deleting one end deletes the pair; the namespace goes last. */
	if (l->dev[0])
		run_ip(why, sizeof(why), "link", "del", l->dev, NULL);
	if (l->ns[0])
		run_ip(why, sizeof(why), "netns", "del", l->ns, NULL);
	l->dev[0] = l->ns[0] = '\0';
}

int zc_leg_listen(const struct zc_leg *l, struct sockaddr_in *addr,
		  struct bench_record *r)
{
	socklen_t alen = sizeof(*addr);
	int fd, err;

	if (l->ns_fd >= 0 && setns(l->ns_fd, CLONE_NEWNET)) {
		bench_record_fail(r, "setns (receiver's netns)", -errno);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	err = -errno;
	/* A socket stays in the namespace it was made in. */
	if (l->ns_fd >= 0 && setns(l->home_fd, CLONE_NEWNET)) {
		/* Cannot go home: nothing after this would be right. */
		fprintf(stderr, "uringkit bench zc: setns back: %s\n",
			strerror(errno));
		exit(1);
	}
	if (fd < 0) {
		bench_record_fail(r, "socket", err);
		return -1;
	}
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr = l->rx_ip;
	if (bind(fd, (struct sockaddr *) addr, sizeof(*addr)) ||
	    getsockname(fd, (struct sockaddr *) addr, &alen) ||
	    listen(fd, 4)) {
		bench_record_fail(r, "bind/listen (receiver)", -errno);
		close(fd);
		return -1;
	}
	return fd;
}
