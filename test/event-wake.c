/* SPDX-License-Identifier: MIT */
/*
 * Cross-thread wakeups (uringkit/wake.h) on SINGLE_ISSUER + DEFER_TASKRUN
 * rings, where another thread may not submit:
 *  - in every mode the kernel allows, 20000 wakes sent from another thread
 *    are all accounted for by the target (one CQE each in the message
 *    modes; counts that add up in EVENTFD mode);
 *  - two threads hand 1M messages each to each other (100000 more with
 *    each of the other two modes) through two
 *    single-producer queues of 4 slots (so they often wait for each
 *    other), sleeping in io_uring_wait_cqe() whenever
 *    there is nothing to do and waking each other with the wakers; a lost
 *    wakeup would leave both asleep, which the 10 s wait turns into a
 *    failure. Afterwards every wake sent has been received, none twice.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "uringkit/wake.h"

#define WAKE_UD 0x77616b65ULL
#define WAIT_MS 10000

static unsigned ring_flags;

static void ring_init(struct io_uring *ring)
{
	struct io_uring_params p = { .flags = ring_flags };

	t_ring_init(ring, 16, &p);
}

/* Reap one CQE (waiting up to WAIT_MS), which must be the waker's. */
static unsigned long long reap_wakes(struct io_uring *ring,
				     struct uringkit_wake *w, long ms)
{
	struct io_uring_cqe *cqe = t_wait_cqe_ms(ring, ms);
	unsigned long long n = 0;

	if (!cqe)
		return ~0ULL;
	ASSERT_EQ(uringkit_wake_handle(w, cqe, &n), 1);
	io_uring_cqe_seen(ring, cqe);
	return n;
}

struct sender {
	struct uringkit_wake *w;
	unsigned n;
};

static void *send_wakes(void *arg)
{
	struct sender *s = arg;

	for (unsigned i = 0; i < s->n; i++)
		ASSERT_EQ(uringkit_wake_send(s->w), 0);
	return NULL;
}

static void each_mode(int mode)
{
	const unsigned n = 20000;
	struct io_uring ring;
	struct sender s;
	pthread_t th;
	unsigned long long got = 0, cqes = 0;
	int err, fds = t_count_fds();

	ring_init(&ring);
	s.w = uringkit_wake_create(&ring, WAKE_UD, mode, &err);
	if (!s.w) {
		ASSERT_EQ(err, -EOPNOTSUPP);
		printf("mode %d: not on this kernel\n", mode);
		io_uring_queue_exit(&ring);
		return;
	}
	ASSERT_EQ(uringkit_wake_mode(s.w), mode);
	s.n = n;
	ASSERT_EQ(pthread_create(&th, NULL, send_wakes, &s), 0);
	while (got < n) {
		unsigned long long k = reap_wakes(&ring, s.w, WAIT_MS);

		if (k == ~0ULL)
			t_fail("mode %d: lost wakeup after %llu of %u", mode,
			       got, n);
		got += k;
		cqes++;
	}
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT_EQ(got, (unsigned long long) n);
	if (mode != URINGKIT_WAKE_EVENTFD)
		ASSERT_EQ(cqes, (unsigned long long) n);
	printf("mode %d: %u wakes in %llu CQEs\n", mode, n, cqes);
	/*
	 * Nothing more comes but, in EVENTFD mode, a CQE for a write whose
	 * count an earlier CQE already read: no wake twice.
	 */
	for (unsigned long long k; (k = reap_wakes(&ring, s.w, 20)) != ~0ULL;)
		ASSERT_EQ(k, 0ULL);
	ASSERT_EQ(uringkit_wake_free(s.w), 0);
	io_uring_queue_exit(&ring);
	ASSERT_EQ(t_count_fds(), fds);
}

/* ---- two threads, 1M messages each way -------------------------------- */

#define QCAP 4

struct queue {
	_Atomic unsigned head, tail;
	unsigned slot[QCAP];
};

struct side {
	struct io_uring ring;
	struct uringkit_wake *w;	/* wakes this side */
	_Atomic int sleeping;
	_Atomic int ready, done;
	_Atomic unsigned long long wakes_sent;	/* to the peer */
	unsigned long long wakes_got;
	unsigned long long sleeps;
	struct queue *out, *in;
	int mode;
	struct side *peer;
	unsigned n;
};

static bool q_push(struct queue *q, unsigned v)
{
	unsigned t = atomic_load_explicit(&q->tail, memory_order_relaxed);

	if (t - atomic_load_explicit(&q->head, memory_order_acquire) == QCAP)
		return false;
	q->slot[t % QCAP] = v;
	atomic_store_explicit(&q->tail, t + 1, memory_order_release);
	return true;
}

static bool q_pop(struct queue *q, unsigned *v)
{
	unsigned h = atomic_load_explicit(&q->head, memory_order_relaxed);

	if (h == atomic_load_explicit(&q->tail, memory_order_acquire))
		return false;
	*v = q->slot[h % QCAP];
	atomic_store_explicit(&q->head, h + 1, memory_order_release);
	return true;
}

static bool q_empty(struct queue *q)
{
	return atomic_load(&q->head) == atomic_load(&q->tail);
}

static bool q_full(struct queue *q)
{
	return atomic_load(&q->tail) - atomic_load(&q->head) == QCAP;
}

/* After making progress the peer may wait for: wake it if it sleeps. */
static void poke_peer(struct side *me)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_exchange(&me->peer->sleeping, 0)) {
		ASSERT_EQ(uringkit_wake_send(me->peer->w), 0);
		atomic_fetch_add(&me->wakes_sent, 1);
	}
}

static void handle_cqes(struct side *me)
{
	struct io_uring_cqe *cqe;

	while (!io_uring_peek_cqe(&me->ring, &cqe)) {
		unsigned long long k;

		ASSERT_EQ(uringkit_wake_handle(me->w, cqe, &k), 1);
		me->wakes_got += k;
		io_uring_cqe_seen(&me->ring, cqe);
	}
}

static void *run_side(void *arg)
{
	struct side *me = arg;
	unsigned sent = 0, recvd = 0;
	int err;

	/* The ring belongs to this thread: set it up and make its waker here. */
	ring_init(&me->ring);
	me->w = uringkit_wake_create(&me->ring, WAKE_UD, me->mode, &err);
	ASSERT_NOT_NULL(me->w);
	me->mode = uringkit_wake_mode(me->w);
	atomic_store(&me->ready, 1);
	while (!atomic_load(&me->peer->ready))
		;

	while (sent < me->n || recvd < me->n) {
		bool pushed = false, popped = false;
		unsigned v;

		while (sent < me->n && q_push(me->out, sent)) {
			sent++;
			pushed = true;
		}
		while (q_pop(me->in, &v)) {
			ASSERT_EQ(v, recvd);
			recvd++;
			popped = true;
		}
		if (pushed || popped) {
			poke_peer(me);
			handle_cqes(me);
			continue;
		}
		/* Nothing to do: announce the sleep, look once more, sleep. */
		atomic_store(&me->sleeping, 1);
		atomic_thread_fence(memory_order_seq_cst);
		if (!q_empty(me->in) || (sent < me->n && !q_full(me->out))) {
			atomic_store(&me->sleeping, 0);
			continue;
		}
		me->sleeps++;
		if (!t_wait_cqe_ms(&me->ring, WAIT_MS))
			t_fail("lost wakeup: sent %u, received %u of %u", sent,
			       recvd, me->n);
		handle_cqes(me);
	}
	atomic_store(&me->done, 1);
	/* Every wake the peer sent must arrive, exactly once. */
	while (!atomic_load(&me->peer->done))
		handle_cqes(me);
	while (me->wakes_got < atomic_load(&me->peer->wakes_sent)) {
		if (!t_wait_cqe_ms(&me->ring, WAIT_MS))
			t_fail("a wake never arrived: got %llu of %llu",
			       me->wakes_got, atomic_load(&me->peer->wakes_sent));
		handle_cqes(me);
	}
	/* Late CQEs may come (EVENTFD: counted already), adding nothing. */
	while (t_wait_cqe_ms(&me->ring, 20))
		handle_cqes(me);
	ASSERT_EQ(me->wakes_got, atomic_load(&me->peer->wakes_sent));
	/* Let the peer finish its own count before the waker goes. */
	atomic_store(&me->done, 2);
	while (atomic_load(&me->peer->done) != 2)
		;
	ASSERT_EQ(uringkit_wake_free(me->w), 0);
	io_uring_queue_exit(&me->ring);
	return NULL;
}

static struct queue qa, qb;
static struct side a, b;

/* n messages each way between two threads, wakers in this mode (0: best). */
static void handoff(unsigned n, int mode)
{
	pthread_t ta, tb;
	long long t0;

	memset(&qa, 0, sizeof(qa));
	memset(&qb, 0, sizeof(qb));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.n = b.n = n;
	a.mode = b.mode = mode;
	a.out = b.in = &qa;
	b.out = a.in = &qb;
	a.peer = &b;
	b.peer = &a;
	t0 = t_now_ms();
	ASSERT_EQ(pthread_create(&ta, NULL, run_side, &a), 0);
	ASSERT_EQ(pthread_create(&tb, NULL, run_side, &b), 0);
	ASSERT_EQ(pthread_join(ta, NULL), 0);
	ASSERT_EQ(pthread_join(tb, NULL), 0);
	printf("%u messages each way in %lld ms; wakes %llu + %llu, "
	       "sleeps %llu + %llu (mode %d)\n", n, t_now_ms() - t0,
	       (unsigned long long) a.wakes_sent,
	       (unsigned long long) b.wakes_sent, a.sleeps, b.sleeps,
	       a.mode);
}

int main(void)
{
	const unsigned n = 1000000;

	ring_flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	if (!t_kernel_has_setup_flags(ring_flags)) {
		ring_flags = t_kernel_has_setup_flags(IORING_SETUP_SINGLE_ISSUER)
			? IORING_SETUP_SINGLE_ISSUER : 0;
		printf("note: rings without DEFER_TASKRUN (flags %#x)\n",
		       ring_flags);
	}
	each_mode(URINGKIT_WAKE_SYNC_MSG);
	each_mode(URINGKIT_WAKE_MSG_RING);
	each_mode(URINGKIT_WAKE_EVENTFD);
	{
		struct io_uring ring;
		int err = 0;

		ring_init(&ring);
		ASSERT_NULL(uringkit_wake_create(NULL, 1, 0, &err));
		ASSERT_EQ(err, -EINVAL);
		ASSERT_NULL(uringkit_wake_create(&ring, 1, 9, &err));
		ASSERT_EQ(err, -EINVAL);
		ASSERT_EQ(uringkit_wake_send(NULL), -EINVAL);
		ASSERT_EQ(uringkit_wake_handle(NULL, NULL, NULL), 0);
		ASSERT_EQ(uringkit_wake_free(NULL), 0);
		/* A ring whose fd is closed cannot be reached from outside. */
		if (io_uring_register_ring_fd(&ring) == 1 &&
		    io_uring_close_ring_fd(&ring) == 1) {
			int fds = t_count_fds();

			ASSERT_NULL(uringkit_wake_create(&ring, 1, 0, &err));
			ASSERT_EQ(err, -EINVAL);
			ASSERT_EQ(t_count_fds(), fds);
		}
		io_uring_queue_exit(&ring);
	}

	/* 1M with the best mode; 100000 with each of the others. */
	handoff(n, 0);
	handoff(100000, URINGKIT_WAKE_MSG_RING);
	handoff(100000, URINGKIT_WAKE_EVENTFD);
	return T_EXIT_PASS;
}
