/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "net.h"
#include "slowrecv.h"
#include "test.h"

#define SLOW_UD		0x5100
#define SLOW_SEED	11
#define UDP_WINDOW	48	/* datagrams in flight: far below SO_RCVBUF */
#define UDP_MAX		700

struct held {
	struct uringkit_pieces p[URINGKIT_BUFRING_MAX_BUFS];
	unsigned int n;
};

/* Give back a random number of held completions, picked at random. */
static void release_some(struct held *h, unsigned int *rng, bool all)
{
	unsigned int k = all ? h->n : 1 + rand_r(rng) % h->n;

	while (k-- && h->n) {
		unsigned int i = rand_r(rng) % h->n;

		ASSERT_GE(uringkit_pieces_give_back(&h->p[i]), 0);
		/* Giving back twice is refused and changes nothing. */
		ASSERT_EQ(uringkit_pieces_give_back(&h->p[i]), -EALREADY);
		h->p[i] = h->p[--h->n];
	}
}

struct ctx {
	const struct t_slow_opts *o;
	struct t_slow_result *res;
	struct io_uring ring;
	struct uringkit_bufring *br;
	struct uringkit_recv *rv;
	struct held *h;
	unsigned int rng;
	/* TCP */
	size_t got;
	/* UDP */
	unsigned char *seen;
	_Atomic unsigned int received;
	unsigned int nseen;
	int tx, rx;
	int end;
};

typedef void (*consume_fn)(struct ctx *c, struct uringkit_pieces *p);

static void setup(struct ctx *c, const struct t_slow_opts *o,
		  struct t_slow_result *res)
{
	int err;

	memset(res, 0, sizeof(*res));
	c->o = o;
	c->res = res;
	c->rng = o->seed;
	t_ring_init(&c->ring, 64, NULL);
	c->br = uringkit_bufring_create(&c->ring, 3, o->nr_bufs, o->buf_size,
					o->bufring_flags, &err);
	if (!c->br && err == -EINVAL && o->bufring_flags)
		t_skip("the kernel refuses IOU_PBUF_RING_INC (before 6.12)");
	ASSERT_NOT_NULL(c->br);
	c->h = calloc(1, sizeof(*c->h));
	ASSERT_NOT_NULL(c->h);
}

/*
 * The receive loop: take completions, consume their data at once (order
 * is the CQ's), hold the pieces; whenever every buffer is held or nothing
 * came for a millisecond, give a random batch back.
 */
static void run(struct ctx *c, consume_fn consume, bool (*done)(struct ctx *))
{
	struct io_uring_cqe *cqe;
	struct uringkit_recv_event ev;

	ASSERT_EQ(uringkit_recv_arm(c->rv), 0);
	while (!c->end) {
		ASSERT_GE(io_uring_submit(&c->ring), 0);
		cqe = t_wait_cqe_ms(&c->ring, 1);
		if (!cqe) {
			if (c->h->n)
				release_some(c->h, &c->rng, false);
			continue;
		}
		ASSERT_EQ(cqe->user_data, (__u64) SLOW_UD);
		if (cqe->flags & IORING_CQE_F_BUF_MORE)
			c->res->buf_more++;
		if (uringkit_recv_complete(c->rv, cqe, &ev) == 1) {
			if (ev.pieces.nr) {
				if (ev.pieces.nr > c->res->max_pieces)
					c->res->max_pieces = ev.pieces.nr;
				consume(c, &ev.pieces);
				c->h->p[c->h->n++] = ev.pieces;
			}
			c->end = ev.end;
		}
		io_uring_cqe_seen(&c->ring, cqe);
		if (done && done(c) && !c->end)
			ASSERT_EQ(uringkit_recv_stop(c->rv), 0);
		if (c->h->n && (!uringkit_bufring_available(c->br) ||
				rand_r(&c->rng) % 8 == 0))
			release_some(c->h, &c->rng, false);
	}
	release_some(c->h, &c->rng, true);
	ASSERT_EQ(uringkit_bufring_available(c->br), c->o->nr_bufs);
	uringkit_recv_get_stats(c->rv, &c->res->stats);
	t_assert_idle(&c->ring);
	ASSERT_EQ(uringkit_recv_free(c->rv), 0);
	ASSERT_EQ(uringkit_bufring_free(c->br), 0);
	io_uring_queue_exit(&c->ring);
	free(c->h);
}

/* ---- TCP ---------------------------------------------------------------- */

static void *tcp_sender(void *arg)
{
	struct ctx *c = arg;
	size_t len = c->o->tcp_bytes, off = 0;
	unsigned char *buf = malloc(len);
	unsigned int rng = c->o->seed * 7 + 1;

	ASSERT_NOT_NULL(buf);
	t_fill(buf, len, SLOW_SEED);
	while (off < len) {
		size_t n = 1 + rand_r(&rng) % 3000;
		ssize_t w;

		if (n > len - off)
			n = len - off;
		w = write(c->tx, buf + off, n);
		ASSERT_GT(w, 0);
		off += (size_t) w;
	}
	ASSERT_EQ(shutdown(c->tx, SHUT_WR), 0);
	free(buf);
	return NULL;
}

static void tcp_consume(struct ctx *c, struct uringkit_pieces *p)
{
	unsigned int len, total = 0;
	void *piece;

	while ((piece = uringkit_pieces_next(p, &len)) != NULL) {
		ASSERT_LE(c->got + len, c->o->tcp_bytes);
		ASSERT_EQ(t_check_fill(piece, len, c->got, SLOW_SEED),
			  (size_t) len);
		c->got += len;
		total += len;
	}
	ASSERT_EQ(total, p->len);
	uringkit_pieces_rewind(p);
}

void t_slow_tcp(const struct t_slow_opts *o, struct t_slow_result *res)
{
	struct ctx c = { 0 };
	pthread_t th;
	int fds[2], err;

	setup(&c, o, res);
	t_tcp_pair(fds);
	c.tx = fds[0];
	c.rx = fds[1];
	c.rv = uringkit_recv_create(&c.ring, c.br, c.rx, o->recv_flags, NULL,
				    SLOW_UD, &err);
	if (!c.rv && err == -EOPNOTSUPP)
		t_skip("the kernel lacks IORING_FEAT_RECVSEND_BUNDLE (6.10)");
	ASSERT_NOT_NULL(c.rv);
	ASSERT_EQ(pthread_create(&th, NULL, tcp_sender, &c), 0);
	run(&c, tcp_consume, NULL);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(c.end, URINGKIT_RECV_EOF);
	ASSERT_EQ(c.got, o->tcp_bytes);
	close(fds[0]);
	close(fds[1]);
}

/* ---- UDP ---------------------------------------------------------------- */

static unsigned int dgram_len(unsigned int seq)
{
	return 8 + (seq * 37) % (UDP_MAX - 8);
}

static void *udp_sender(void *arg)
{
	struct ctx *c = arg;
	unsigned char buf[UDP_MAX];

	for (unsigned int seq = 0; seq < c->o->udp_count; seq++) {
		unsigned int len = dgram_len(seq);

		/* Pace: never more than UDP_WINDOW unread, so none drops. */
		while (seq - atomic_load(&c->received) >= UDP_WINDOW)
			usleep(50);
		t_fill(buf, len, seq);
		memcpy(buf, &seq, sizeof(seq));
		ASSERT_EQ(send(c->tx, buf, len, 0), (ssize_t) len);
	}
	return NULL;
}

static void udp_consume(struct ctx *c, struct uringkit_pieces *p)
{
	struct msghdr mh = { .msg_namelen = sizeof(struct sockaddr_in) };
	struct io_uring_recvmsg_out *out;
	unsigned int len, seq, plen;
	unsigned char *payload;
	void *buf;

	buf = uringkit_pieces_next(p, &len);
	ASSERT_NOT_NULL(buf);
	ASSERT_NULL(uringkit_pieces_next(p, NULL));
	out = io_uring_recvmsg_validate(buf, (int) len, &mh);
	ASSERT_NOT_NULL(out);
	ASSERT_EQ(out->namelen, (unsigned) sizeof(struct sockaddr_in));
	payload = io_uring_recvmsg_payload(out, &mh);
	plen = io_uring_recvmsg_payload_length(out, (int) len, &mh);
	ASSERT_GE(plen, 8u);
	memcpy(&seq, payload, sizeof(seq));
	ASSERT_LT(seq, c->o->udp_count);
	ASSERT_EQ(plen, dgram_len(seq));
	ASSERT_EQ(t_check_fill(payload + 4, plen - 4, 4, seq),
		  (size_t) plen - 4);
	ASSERT_EQ(c->seen[seq], 0);
	c->seen[seq] = 1;
	c->nseen++;
	atomic_fetch_add(&c->received, 1);
}

static bool udp_done(struct ctx *c)
{
	return c->nseen == c->o->udp_count;
}

void t_slow_udp(const struct t_slow_opts *o, struct t_slow_result *res)
{
	struct msghdr mh = { .msg_namelen = sizeof(struct sockaddr_in) };
	struct ctx c = { 0 };
	pthread_t th;
	int err;

	setup(&c, o, res);
	c.seen = calloc(o->udp_count, 1);
	ASSERT_NOT_NULL(c.seen);
	t_udp_pair(&c.tx, &c.rx, 1 << 20);
	c.rv = uringkit_recv_create(&c.ring, c.br, c.rx,
				    o->recv_flags | URINGKIT_RECV_MSG, &mh,
				    SLOW_UD, &err);
	ASSERT_NOT_NULL(c.rv);
	ASSERT_EQ(pthread_create(&th, NULL, udp_sender, &c), 0);
	run(&c, udp_consume, udp_done);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(c.end, -ECANCELED);
	ASSERT_EQ(c.nseen, o->udp_count);
	free(c.seen);
	close(c.tx);
	close(c.rx);
}
