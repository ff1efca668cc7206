/* SPDX-License-Identifier: MIT */
/*
 * echo-server: a TCP echo server on one io_uring, one thread.
 *
 *   echo-server [-p PORT]                 serve until SIGINT or SIGTERM
 *   echo-server --self-test [CONNS [MSGS]]
 *       serve on a free loopback port while a client process opens CONNS
 *       connections, sends MSGS messages of varied sizes on each (all
 *       connections at once), checks every echo byte for byte, then sends
 *       SIGINT; exit 0 only if every echo matched and the server shut down
 *       cleanly with every buffer back in its ring.
 *
 * What it shows:
 *   - multishot accept: one SQE accepts every connection;
 *   - hands-off multishot receive (<uringkit/recv.h>): every connection
 *     receives into one shared buffer ring. When the ring runs dry (clients
 *     faster than sends drain), receives park and the library re-arms them
 *     as soon as sends give buffers back: no timer, no polling, nothing
 *     lost; the loop never sees -ENOBUFS;
 *   - bundles (IORING_RECVSEND_BUNDLE) when the kernel has them: one
 *     completion may fill several buffers, walked as pieces;
 *   - zero copy in user space: the echo is sent straight from the receive
 *     buffers, which go back to the ring when their send completes;
 *   - clean shutdown: SIGINT arrives as a CQE (signalfd read through the
 *     ring); the server stops accepting, stops every receive, lets the
 *     sends drain, closes everything and frees the ring.
 *
 * The event loop (struct server, serve()) knows nothing about the self
 * test, so a benchmark can drive the same server with its own load.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <liburing.h>
#include <uringkit/recv.h>

#define MAX_CONNS	1024
#define NR_BUFS		64	/* small on purpose: receives park under load */
#define BUF_SIZE	1024
#define BGID		0

/* user_data: connection index << 8 | kind (unique per in-flight request) */
enum kind { K_ACCEPT = 1, K_SIGNAL, K_RECV, K_SEND };
#define UD(idx, kind)	(((__u64) (idx) << 8) | (kind))

/* Received data waiting to be echoed: the pieces of one completion. */
struct pending {
	struct uringkit_pieces pieces;
	struct pending *next;
};

struct conn {
	int fd;				/* -1: slot free */
	struct uringkit_recv *rv;
	struct pending *head, *tail;	/* echo queue, oldest first */
	unsigned char *piece;		/* part of the current piece not sent */
	unsigned int piece_left;
	bool sending, recv_over, dead;
};

struct server {
	struct io_uring ring;
	struct uringkit_bufring *br;
	int listen_fd, sig_fd;
	bool stopping, accept_armed, sig_armed, bundles;
	struct signalfd_siginfo si;
	struct conn conns[MAX_CONNS];
	struct pending pool[NR_BUFS], *free_pending;
	unsigned int live;
	unsigned long parks, rearms, echoed;
};

static struct io_uring_sqe *sqe_of(struct server *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->ring);

	if (!sqe) {			/* SQ full: make room */
		io_uring_submit(&s->ring);
		sqe = io_uring_get_sqe(&s->ring);
	}
	return sqe;			/* 4x the connection limit: never NULL */
}

static void arm_accept(struct server *s)
{
	struct io_uring_sqe *sqe = sqe_of(s);

	io_uring_prep_multishot_accept(sqe, s->listen_fd, NULL, NULL, 0);
	io_uring_sqe_set_data64(sqe, UD(0, K_ACCEPT));
	s->accept_armed = true;
}

static void arm_signal(struct server *s)
{
	struct io_uring_sqe *sqe = sqe_of(s);

	io_uring_prep_read(sqe, s->sig_fd, &s->si, sizeof(s->si), 0);
	io_uring_sqe_set_data64(sqe, UD(0, K_SIGNAL));
	s->sig_armed = true;
}

/* Send the next stretch of the oldest pending completion. */
static void send_next(struct server *s, unsigned int idx)
{
	struct conn *c = &s->conns[idx];
	struct io_uring_sqe *sqe;

	while (!c->piece_left && c->head) {
		struct pending *p = c->head;

		c->piece = uringkit_pieces_next(&p->pieces, &c->piece_left);
		if (c->piece)
			continue;
		/* Every piece sent: the buffers go back (and may re-arm). */
		uringkit_pieces_give_back(&p->pieces);
		c->head = p->next;
		p->next = s->free_pending;
		s->free_pending = p;
	}
	if (!c->piece_left) {
		c->sending = false;
		return;
	}
	sqe = sqe_of(s);
	io_uring_prep_send(sqe, c->fd, c->piece, c->piece_left, MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, UD(idx, K_SEND));
	c->sending = true;
}

/* Give back everything still waiting to be echoed. */
static void drop_pending(struct server *s, struct conn *c)
{
	while (c->head) {
		struct pending *p = c->head;

		uringkit_pieces_give_back(&p->pieces);
		c->head = p->next;
		p->next = s->free_pending;
		s->free_pending = p;
	}
	c->piece_left = 0;
}

static void close_if_done(struct server *s, unsigned int idx)
{
	struct conn *c = &s->conns[idx];
	struct uringkit_recv_stats st;

	if (!c->recv_over || c->sending)
		return;
	drop_pending(s, c);		/* only after an error cut it short */
	uringkit_recv_get_stats(c->rv, &st);
	s->parks += st.parks;
	s->rearms += st.rearms;
	uringkit_recv_free(c->rv);
	close(c->fd);
	c->fd = -1;
	s->live--;
}

static void on_accept(struct server *s, int res, unsigned int flags)
{
	/* REARM: go on after the kernel ends a receive on a full CQ. */
	unsigned int rflags = URINGKIT_RECV_REARM |
			      (s->bundles ? URINGKIT_RECV_BUNDLE : 0);
	unsigned int idx;
	struct conn *c;

	if (!(flags & IORING_CQE_F_MORE)) {
		s->accept_armed = false;
		if (!s->stopping)
			arm_accept(s);
	}
	if (res < 0)
		return;
	for (idx = 0; idx < MAX_CONNS && s->conns[idx].fd >= 0; idx++)
		;
	if (idx == MAX_CONNS || s->stopping) {
		close(res);
		return;
	}
	c = &s->conns[idx];
	memset(c, 0, sizeof(*c));
	c->rv = uringkit_recv_create(&s->ring, s->br, res, rflags, NULL,
				     UD(idx, K_RECV), NULL);
	if (!c->rv || uringkit_recv_arm(c->rv)) {
		uringkit_recv_free(c->rv);
		close(res);
		return;
	}
	c->fd = res;
	c->sending = false;
	s->live++;
}

static void on_recv(struct server *s, unsigned int idx,
		    const struct io_uring_cqe *cqe)
{
	struct conn *c = &s->conns[idx];
	struct uringkit_recv_event ev;
	struct pending *p;

	if (uringkit_recv_complete(c->rv, cqe, &ev) != 1)
		return;			/* parked or re-armed: nothing to do */
	if (ev.pieces.nr && c->dead) {
		uringkit_pieces_give_back(&ev.pieces);
	} else if (ev.pieces.nr) {
		/* One pending per completion holding >= 1 buffer: never empty. */
		p = s->free_pending;
		s->free_pending = p->next;
		p->pieces = ev.pieces;
		p->next = NULL;
		if (c->head)
			c->tail->next = p;
		else
			c->head = p;
		c->tail = p;
		s->echoed += ev.pieces.len;
		if (!c->sending)
			send_next(s, idx);
	}
	if (ev.end) {			/* EOF, error or stopped: reported once */
		c->recv_over = true;
		close_if_done(s, idx);
	}
}

static void on_send(struct server *s, unsigned int idx, int res)
{
	struct conn *c = &s->conns[idx];

	if (res <= 0) {
		/* The peer went away: drop the rest and stop receiving. */
		c->dead = true;
		drop_pending(s, c);
		if (!c->recv_over)
			uringkit_recv_stop(c->rv);
	} else {
		c->piece += res;
		c->piece_left -= (unsigned int) res;
	}
	send_next(s, idx);
	close_if_done(s, idx);
}

static void begin_shutdown(struct server *s)
{
	struct io_uring_sqe *sqe;

	s->stopping = true;
	if (s->accept_armed) {
		sqe = sqe_of(s);
		io_uring_prep_cancel64(sqe, UD(0, K_ACCEPT), 0);
		io_uring_sqe_set_flags(sqe, IOSQE_CQE_SKIP_SUCCESS);
	}
	for (unsigned int i = 0; i < MAX_CONNS; i++)
		if (s->conns[i].fd >= 0 && !s->conns[i].recv_over)
			uringkit_recv_stop(s->conns[i].rv);
}

/* The event loop: returns when a signal asked it to stop and all is shut. */
static int serve(struct server *s)
{
	struct io_uring_cqe *cqe;
	unsigned int head, seen;

	arm_accept(s);
	arm_signal(s);
	while (!s->stopping || s->live || s->accept_armed) {
		int ret = io_uring_submit_and_wait(&s->ring, 1);

		if (ret < 0 && ret != -EINTR)
			return ret;
		seen = 0;
		io_uring_for_each_cqe(&s->ring, head, cqe) {
			unsigned int idx = (unsigned int) (cqe->user_data >> 8);

			switch (cqe->user_data & 0xff) {
			case K_ACCEPT:
				on_accept(s, cqe->res, cqe->flags);
				break;
			case K_SIGNAL:
				s->sig_armed = false;
				if (!s->stopping)
					begin_shutdown(s);
				break;
			case K_RECV:
				on_recv(s, idx, cqe);
				break;
			case K_SEND:
				on_send(s, idx, cqe->res);
				break;
			}
			seen++;
		}
		io_uring_cq_advance(&s->ring, seen);
	}
	return 0;
}

static int server_init(struct server *s, int port)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
	};
	struct sockaddr_in a = {
		.sin_family = AF_INET, .sin_port = htons((uint16_t) port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	sigset_t mask;
	int one = 1, ret;

	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < MAX_CONNS; i++)
		s->conns[i].fd = -1;
	for (unsigned int i = 0; i < NR_BUFS; i++) {
		s->pool[i].next = s->free_pending;
		s->free_pending = &s->pool[i];
	}
	/* DEFER_TASKRUN (6.1) runs completions only when we wait: fewer
	 * interruptions. Fall back to a plain ring on older kernels. */
	ret = io_uring_queue_init_params(4 * MAX_CONNS, &s->ring, &p);
	if (ret == -EINVAL)
		ret = io_uring_queue_init(4 * MAX_CONNS, &s->ring, 0);
	if (ret < 0)
		return ret;
	s->bundles = s->ring.features & IORING_FEAT_RECVSEND_BUNDLE;
	s->br = uringkit_bufring_create(&s->ring, BGID, NR_BUFS, BUF_SIZE, 0,
					&ret);
	if (!s->br)
		return ret;

	s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		return -errno;
	setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->listen_fd, (struct sockaddr *) &a, sizeof(a)) ||
	    listen(s->listen_fd, 512))
		return -errno;

	/* Signals become readable data on a signalfd, read through the ring. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s->sig_fd = signalfd(-1, &mask, SFD_CLOEXEC);
	return s->sig_fd < 0 ? -errno : 0;
}

static int server_exit(struct server *s)
{
	int ret = 0;

	/* A clean shutdown leaves every buffer back in the ring. */
	if (uringkit_bufring_available(s->br) != NR_BUFS)
		ret = -EBADE;
	if (s->sig_armed) {		/* the signal read is still pending */
		io_uring_prep_cancel64(sqe_of(s), UD(0, K_SIGNAL), 0);
		io_uring_submit_and_wait(&s->ring, 2);
	}
	uringkit_bufring_free(s->br);
	io_uring_queue_exit(&s->ring);
	close(s->listen_fd);
	close(s->sig_fd);
	return ret;
}

/* ---- self test: a client process against the server above -------------- */

static unsigned int msg_len(unsigned int conn, unsigned int i)
{
	return 1 + (conn * 977 + i * 1543) % 5000;
}

static void fill(unsigned char *b, unsigned int len, unsigned int seed)
{
	for (unsigned int i = 0; i < len; i++)
		b[i] = (unsigned char) (seed * 31 + i * 7 + (i >> 8));
}

static int client(int port, unsigned int nconn, unsigned int nmsg)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET, .sin_port = htons((uint16_t) port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	static unsigned char out[5000], in[5000];
	int *fds = calloc(nconn, sizeof(*fds));

	for (unsigned int c = 0; c < nconn; c++) {
		fds[c] = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fds[c], (struct sockaddr *) &a, sizeof(a)))
			return 1;
	}
	/* Every connection has a message in flight at once, each round. */
	for (unsigned int i = 0; i < nmsg; i++) {
		for (unsigned int c = 0; c < nconn; c++) {
			fill(out, msg_len(c, i), c + i);
			if (write(fds[c], out, msg_len(c, i)) !=
			    (ssize_t) msg_len(c, i))
				return 1;
		}
		for (unsigned int c = 0; c < nconn; c++) {
			unsigned int len = msg_len(c, i), got = 0;

			while (got < len) {
				ssize_t r = read(fds[c], in + got, len - got);

				if (r <= 0)
					return 1;
				got += (unsigned int) r;
			}
			fill(out, len, c + i);
			if (memcmp(in, out, len)) {
				fprintf(stderr, "conn %u msg %u: bad echo\n",
					c, i);
				return 1;
			}
		}
	}
	/* Half the connections close first; the rest see the shutdown. */
	for (unsigned int c = 0; c < nconn / 2; c++)
		close(fds[c]);
	kill(getppid(), SIGINT);
	for (unsigned int c = nconn / 2; c < nconn; c++) {
		if (read(fds[c], in, 1) != 0)	/* the server closed it */
			return 1;
		close(fds[c]);
	}
	free(fds);
	return 0;
}

int main(int argc, char **argv)
{
	static struct server s;
	unsigned int nconn = 32, nmsg = 40;
	bool self_test = false;
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int port = 7777, ret, status;
	pid_t pid = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-p") && i + 1 < argc) {
			port = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--self-test")) {
			self_test = true;
			port = 0;
			if (i + 1 < argc)
				nconn = (unsigned int) atoi(argv[++i]);
			if (i + 1 < argc)
				nmsg = (unsigned int) atoi(argv[++i]);
		} else {
			fprintf(stderr, "usage: %s [-p PORT] | --self-test "
				"[CONNS [MSGS]]\n", argv[0]);
			return 2;
		}
	}
	if (nconn < 1 || nconn > MAX_CONNS / 2)
		nconn = 32;
	ret = server_init(&s, port);
	if (ret < 0) {
		fprintf(stderr, "echo-server: setup: %s\n", strerror(-ret));
		return 1;
	}
	getsockname(s.listen_fd, (struct sockaddr *) &a, &alen);
	fprintf(stderr, "echo-server: port %d, bundles %s\n",
		ntohs(a.sin_port), s.bundles ? "on" : "off (kernel < 6.10)");
	if (self_test) {
		pid = fork();
		if (pid == 0)
			_exit(client(ntohs(a.sin_port), nconn, nmsg));
	}
	ret = serve(&s);
	if (!ret)
		ret = server_exit(&s);
	printf("echoed %lu bytes; receives parked %lu times, re-armed %lu "
	       "times\n", s.echoed, s.parks, s.rearms);
	if (ret < 0)
		fprintf(stderr, "echo-server: %s\n", strerror(-ret));
	if (pid > 0) {
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "echo-server: the client failed\n");
			return 1;
		}
	}
	return ret < 0;
}
