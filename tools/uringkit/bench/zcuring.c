/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench zc: the io_uring senders. A linked chain of up to
 * MAX_CHAIN sends per io_uring_enter, in order on the stream; zero-copy
 * memory is reused only after its notification CQE.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <uringkit/zc.h>
#include "../uringkit.h"
#include "zcsend.h"

/* ---- io_uring --------------------------------------------------------------------- */

struct usend {
	struct io_uring ring;
	bool ring_ok;
	struct uringkit_zc_arena *arena;
	unsigned char *arena_base;	/* first chunk: where the tiles start */
	unsigned inflight;	/* requests with CQEs still to come */
	unsigned chain_left;	/* results still to come in this chain */
	struct msghdr msgs[MAX_CHAIN];
	struct iovec iovs[MAX_CHAIN][PIECES];
};

/* Submit what is queued and wait for want CQEs (20 ms at most); counted. */
static void uring_enter(struct zcx *x, struct usend *u, unsigned want)
{
	struct __kernel_timespec ts = ms_ts(POLL_MS);
	struct io_uring_cqe *cqe;
	int ret;

	/* The library enters only with something to submit or to wait for. */
	if (!io_uring_sq_ready(&u->ring) && io_uring_cq_ready(&u->ring) >= want)
		return;
	x->sys++;
	if (want)
		ret = io_uring_submit_and_wait_timeout(&u->ring, &cqe, want, &ts,
						       NULL);
	else
		ret = io_uring_submit(&u->ring);
	if (ret < 0 && ret != -ETIME && ret != -EINTR)
		zcx_fail(x, "io_uring_submit_and_wait_timeout", ret);
}

static void uring_result(struct zcx *x, struct usend *u, int res)
{
	u->chain_left--;
	if (res == (int) x->size)
		zcx_msg_done(x);
	else if (!x->r->err)
		zcx_fail(x, res < 0 ? "send completion" : "send completion: short",
		     res < 0 ? res : -EIO);
}

static void uring_notif(struct zcx *x, int res)
{
	x->notifs++;
	if ((unsigned) res & IORING_NOTIF_USAGE_ZC_COPIED)
		x->copied++;
}

static void uring_cqe(struct zcx *x, struct usend *u,
		      const struct io_uring_cqe *cqe)
{
	bool notif = cqe->flags & IORING_CQE_F_NOTIF;
	struct uringkit_zc_event ev;
	int ret;

	if (x->kind == K_ARENA) {
		ret = uringkit_zc_complete(u->arena, cqe, &ev);
		if (ret <= 0) {
			zcx_fail(x, "uringkit_zc_complete", ret < 0 ? ret : -EPROTO);
			return;
		}
		if (ret & URINGKIT_ZC_RESULT)
			uring_result(x, u, ev.res);
		if (notif)
			uring_notif(x, ev.res);
		if (ret & URINGKIT_ZC_DONE)
			u->inflight--;
		return;
	}
	if (!cqe->user_data || cqe->user_data > x->nslots) {
		zcx_fail(x, "CQE with a foreign user_data", -EPROTO);
		return;
	}
	if (notif)
		uring_notif(x, cqe->res);
	else
		uring_result(x, u, cqe->res);
	if (notif || !(cqe->flags & IORING_CQE_F_MORE)) {
		u->inflight--;
		zcx_slot_release(x, (unsigned) cqe->user_data - 1);
	}
}

static void uring_reap(struct zcx *x, struct usend *u)
{
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;

	io_uring_for_each_cqe(&u->ring, head, cqe) {
		uring_cqe(x, u, cqe);
		n++;
	}
	io_uring_cq_advance(&u->ring, n);
}

/* Prepare message i of a chain; 1 done, 0 no memory free yet, < 0 failed. */
static int uring_prep(struct zcx *x, struct usend *u, unsigned i,
		      struct io_uring_sqe **last)
{
	struct io_uring_sqe *sqe;
	unsigned char *buf;
	unsigned slot, p;
	int ret;

	if (x->kind == K_ARENA) {
		size_t piece = x->size / PIECES;

		buf = uringkit_zc_alloc(u->arena, x->size);
		if (!buf)
			return 0;
		if ((size_t) (buf - u->arena_base) % ZC_TILE)
			zc_stream_fill(&x->st, buf, x->size);
		sqe = io_uring_get_sqe(&u->ring);
		if (!sqe) {
			uringkit_zc_free(u->arena, buf);
			return zcx_fail(x, "io_uring_get_sqe", -EBUSY);
		}
		zc_stream_stamp(&x->st, buf, x->size);
		for (p = 0; p < PIECES; p++) {
			u->iovs[i][p].iov_base = buf + p * piece;
			u->iovs[i][p].iov_len = piece;
		}
		memset(&u->msgs[i], 0, sizeof(u->msgs[i]));
		u->msgs[i].msg_iov = u->iovs[i];
		u->msgs[i].msg_iovlen = PIECES;
		ret = uringkit_zc_prep_sendmsg(u->arena, sqe, x->fd, &u->msgs[i],
					       SEND_FLAGS);
		/* The request holds the chunk until its notification. */
		uringkit_zc_free(u->arena, buf);
		if (ret < 0)
			return zcx_fail(x, "uringkit_zc_prep_sendmsg", ret);
		sqe->ioprio |= IORING_SEND_ZC_REPORT_USAGE;
	} else {
		if (!x->nfree)
			return 0;
		sqe = io_uring_get_sqe(&u->ring);
		if (!sqe)
			return zcx_fail(x, "io_uring_get_sqe", -EBUSY);
		slot = x->freel[--x->nfree];
		x->holds[slot] = 1;
		buf = zcx_slot_buf(x, slot);
		zc_stream_stamp(&x->st, buf, x->size);
		if (x->kind == K_URING_SEND)
			io_uring_prep_send(sqe, x->fd, buf, x->size, SEND_FLAGS);
		else if (x->kind == K_SEND_ZC)
			io_uring_prep_send_zc(sqe, x->fd, buf, x->size, SEND_FLAGS,
					      IORING_SEND_ZC_REPORT_USAGE);
		else
			io_uring_prep_send_zc_fixed(sqe, x->fd, buf, x->size,
						    SEND_FLAGS,
						    IORING_SEND_ZC_REPORT_USAGE, 0);
		io_uring_sqe_set_data64(sqe, slot + 1);
	}
	/* In order on the stream: each send starts when the last one ended. */
	sqe->flags |= IOSQE_IO_LINK;
	*last = sqe;
	return 1;
}

static int uring_setup(struct zcx *x, struct usend *u)
{
	struct io_uring_params p;
	struct iovec iov = { .iov_base = x->pool,
			     .iov_len = (size_t) x->nslots * x->size };
	int ret, err;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER |
		  IORING_SETUP_DEFER_TASKRUN;
	p.cq_entries = 4 * (x->nslots > MAX_CHAIN ? x->nslots : MAX_CHAIN);
	ret = io_uring_queue_init_params(MAX_CHAIN, &u->ring, &p);
	if (ret == -EINVAL) {
		p.flags = IORING_SETUP_CQSIZE;
		ret = io_uring_queue_init_params(MAX_CHAIN, &u->ring, &p);
	}
	if (ret < 0)
		return zcx_fail(x, "io_uring_queue_init", ret);
	u->ring_ok = true;
	if (x->kind == K_SEND_ZC_FIXED) {
		ret = io_uring_register_buffers(&u->ring, &iov, 1);
		if (ret < 0)
			return zcx_fail(x, "io_uring_register_buffers", ret);
	}
	if (x->kind != K_ARENA)
		return 0;
	u->arena = uringkit_zc_arena_create(&u->ring, iov.iov_len, 0, 0, &err);
	if (!u->arena)
		return zcx_fail(x, "uringkit_zc_arena_create", err);
	/*
	 * Fill the whole arena once (one chunk of all of it): later chunks
	 * then land on filled tiles.
	 */
	u->arena_base = uringkit_zc_alloc(u->arena, iov.iov_len);
	if (!u->arena_base)
		return zcx_fail(x, "uringkit_zc_alloc (arena fill)", -ENOMEM);
	zc_stream_fill(&x->st, u->arena_base, iov.iov_len);
	uringkit_zc_free(u->arena, u->arena_base);
	return 0;
}

void zcx_run_uring(struct zcx *x)
{
	struct usend *u = calloc(1, sizeof(*u));
	uint64_t deadline = 0;
	int ret = 0;

	if (!u) {
		zcx_fail(x, "calloc", -ENOMEM);
		return;
	}
	if (uring_setup(x, u))
		goto out;
	for (;;) {
		unsigned want, room;

		if (!zcx_tick(x) && !u->chain_left) {
			struct io_uring_sqe *last = NULL;
			unsigned k = 0;

			while (k < MAX_CHAIN && (ret = uring_prep(x, u, k, &last)) > 0)
				k++;
			if (last)
				last->flags &= (__u8) ~IOSQE_IO_LINK;
			u->chain_left += k;
			u->inflight += k;
			if (!u->inflight && !x->stop)
				zcx_fail(x, "no memory free to send from", -ENOMEM);
		}
		if (x->stop && !deadline)
			deadline = uk_now_ns() + 3 * NS;
		if (x->stop && !u->inflight && !io_uring_sq_ready(&u->ring))
			break;
		if (deadline && uk_now_ns() > deadline) {
			zcx_fail(x, "requests did not finish in 3 s", -ETIMEDOUT);
			break;
		}
		/* The chain's results, or enough notifications for the next. */
		room = x->kind == K_ARENA ? x->nslots - u->inflight : x->nfree;
		if (u->chain_left)
			want = u->chain_left;
		else if (x->stop)
			want = u->inflight;
		else
			want = room >= MAX_CHAIN ? 1 : MAX_CHAIN - room;
		if (want > u->inflight)
			want = u->inflight;
		uring_enter(x, u, want);
		uring_reap(x, u);
	}
out:
	if (u->arena && uringkit_zc_arena_free(u->arena, 0) == -EBUSY)
		uringkit_zc_arena_free(u->arena, URINGKIT_ZC_FREE_FORCE);
	if (u->ring_ok)
		io_uring_queue_exit(&u->ring);
	free(u);
}
