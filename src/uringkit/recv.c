/* SPDX-License-Identifier: MIT */
/*
 * Multishot receives that re-arm themselves, and the pieces of a
 * completion. See include/uringkit/recv.h and uringkit_recv(3).
 *
 * States of a receive:
 *
 *   IDLE --arm--> ARMED --(-ENOBUFS end)--> PARKED --(buffers back)--> ARMED
 *                   |  \--(data end, REARM or BUNDLE)--> ARMED
 *                   |  \--(bundle data end, ring empty)--> PARKED
 *                   |--(EOF, error, data end)--> IDLE (end reported)
 *                   \--stop--> STOPPING --(last CQE)--> IDLE (end reported)
 *   PARKED --stop--> STOPPING_NOP --(the NOP's CQE)--> IDLE (end reported)
 *
 * A new SQE is queued only from a CQE without IORING_CQE_F_MORE (the old
 * request is over) or from the refill hook for a PARKED receive, so two
 * requests of one receive never overlap: that is what keeps TCP data in
 * order. The refill hook is called by the buffer ring right after it
 * publishes recycled buffers; it walks only the parked list, so receives
 * that are running cost nothing there.
 *
 * A receive whose buffer ring is freed is cut loose (rv->br = NULL): its
 * request is cancelled, the CQEs still in flight are swallowed (their
 * buffers no longer exist) and the last one reports -ECANCELED.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include "internal/ring.h"
#include "uringkit/bufring_priv.h"
#include "uringkit/recv.h"
#include "uringkit/sqe.h"

enum uk_recv_state {
	UK_RECV_IDLE,
	UK_RECV_ARMED,
	UK_RECV_PARKED,
	UK_RECV_STOPPING,
	UK_RECV_STOPPING_NOP,
};

struct uringkit_recv {
	struct io_uring *ring;
	struct uringkit_bufring *br;	/* NULL once the ring is freed */
	struct uringkit_recv *all_prev, *all_next;	/* br->recv_all */
	struct uringkit_recv *park_prev, *park_next;	/* br->recv_parked */
	__u64 user_data;
	int fd;
	unsigned int flags;
	enum uk_recv_state state;
	struct msghdr msg;
	struct uringkit_recv_stats stats;
};

#define UK_RECV_FLAGS	(URINGKIT_RECV_MSG | URINGKIT_RECV_BUNDLE | \
			 URINGKIT_RECV_REARM | URINGKIT_RECV_FIXED_FILE)

/* ---- pieces ------------------------------------------------------------- */

UK_EXPORT int uringkit_bufring_cqe_pieces(struct uringkit_bufring *br,
					  const struct io_uring_cqe *cqe,
					  struct uringkit_pieces *p)
{
	unsigned int bid, len, nr, mask, k, slot, prev = 0;

	if (!br || !cqe || !p)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	if (!(cqe->flags & IORING_CQE_F_BUFFER))
		return 0;
	bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	if (bid >= br->nr_bufs)
		return 0;
	len = cqe->res > 0 ? (unsigned int) cqe->res : 0;

	if (br->flags & URINGKIT_BUFRING_INC) {
		/*
		 * An empty completion commits nothing: the kernel leaves the
		 * buffer at the ring's head (6.12 io_kbuf_inc_commit), so it
		 * must not be handed out, or it would be in the ring twice.
		 */
		if (!len)
			return 0;
		/* The kernel cannot have filled a buffer it does not hold. */
		if (uk__bufring_app_holds(br, bid))
			return -EALREADY;
		if (len > br->buf_size - br->inc_off[bid])
			return -EIO;
		p->br = br;
		p->first_bid = bid;
		p->cur = bid << 16;
		p->seq = br->put_seq;
		p->first_off = br->inc_off[bid];
		p->len = len;
		p->nr = 1;
		br->refs[bid]++;
		if (cqe->flags & IORING_CQE_F_BUF_MORE) {
			br->inc_off[bid] += len;
		} else {
			br->inc_off[bid] = 0;
			uk__bufring_set_app(br, bid);
		}
		return 1;
	}

	/*
	 * Every buffer went in whole (buf_size bytes), so a bundle of len
	 * bytes filled ceil(len / buf_size) consecutive ring slots, the
	 * first being where bid was put. Chain them now: the slots are
	 * rewritten by the next recycles.
	 */
	nr = len ? (unsigned int) (((uint64_t) len + br->buf_size - 1) /
				   br->buf_size) : 1;
	if (nr > br->nr_bufs)
		return -EIO;
	mask = br->nr_bufs - 1;
	slot = br->bid_slot[bid];
	/*
	 * Check before changing anything. Every buffer must be one the
	 * kernel holds (-EALREADY: a CQE decoded twice, or made up), and
	 * each slot after the first must still hold the buffer put there,
	 * published and not yet overwritten (-EIO: the CQE claims slots the
	 * kernel cannot have taken together).
	 */
	for (k = 0; k < nr; k++) {
		uint16_t c = (uint16_t) (slot + k);
		unsigned int b = bid;

		if (k) {
			uint16_t age = (uint16_t) (br->tail - c);

			if (!age || age > br->nr_bufs)
				return -EIO;
			b = br->slot_bid[c & mask];
			if (br->bid_slot[b] != c)
				return -EIO;
		}
		if (uk__bufring_app_holds(br, b))
			return -EALREADY;
	}
	p->br = br;
	p->first_bid = bid;
	p->cur = bid << 16;
	p->seq = br->put_seq;
	p->len = len;
	p->nr = nr;
	for (k = 0; k < nr; k++) {
		unsigned int b = k ? br->slot_bid[(slot + k) & mask] : bid;

		if (k)
			br->next_bid[prev] = (uint16_t) b;
		prev = b;
		br->refs[b]++;
		uk__bufring_set_app(br, b);
	}
	return (int) nr;
}

UK_EXPORT void *uringkit_pieces_next(struct uringkit_pieces *p,
				     unsigned int *len)
{
	struct uringkit_bufring *br;
	unsigned int bid, off, n, next;
	void *addr;

	if (!p || !p->br)
		return NULL;
	br = p->br;
	bid = p->cur >> 16;
	next = p->cur & 0xffff;
	/* A buffer recycled outright since: not this piece's any more. */
	if (next >= p->nr || uk__bufring_put_since(br, bid, p->seq))
		return NULL;
	off = next ? 0 : p->first_off;
	n = p->len - p->walked;
	if (n > br->buf_size - off)
		n = br->buf_size - off;
	addr = br->bufs + (size_t) bid * br->buf_size + off;
	p->walked += n;
	if (++next < p->nr)
		bid = br->next_bid[bid];
	p->cur = bid << 16 | next;
	if (len)
		*len = n;
	return addr;
}

UK_EXPORT void uringkit_pieces_rewind(struct uringkit_pieces *p)
{
	if (p) {
		p->walked = 0;
		p->cur = p->first_bid << 16;
	}
}

UK_EXPORT int uringkit_pieces_give_back(struct uringkit_pieces *p)
{
	struct uringkit_bufring *br;
	unsigned int batch[64], n = 0, k, bid;
	int back = 0, ret;

	if (!p)
		return -EINVAL;
	br = p->br;
	if (!br)
		return p->nr ? -EALREADY : 0;
	/*
	 * A copy of pieces already given back finds a count at zero; pieces
	 * with a buffer recycled outright find it put in since (and stop
	 * there, before following a link that may be a newer bundle's).
	 */
	for (k = 0, bid = p->first_bid; k < p->nr; k++) {
		if (!br->refs[bid] || uk__bufring_put_since(br, bid, p->seq))
			return -EALREADY;
		bid = br->next_bid[bid];
	}
	for (k = 0, bid = p->first_bid; k < p->nr; k++) {
		unsigned int b = bid;

		/* Read the link before the buffer can be chained anew. */
		bid = br->next_bid[b];
		if (--br->refs[b] || !uk__bufring_app_holds(br, b))
			continue;
		batch[n++] = b;
		if (n == sizeof(batch) / sizeof(batch[0])) {
			ret = uringkit_bufring_recycle_n(br, batch, n);
			back += ret > 0 ? ret : 0;
			n = 0;
		}
	}
	if (n) {
		ret = uringkit_bufring_recycle_n(br, batch, n);
		back += ret > 0 ? ret : 0;
	}
	p->br = NULL;
	return back;
}

/* ---- receives ------------------------------------------------------------ */

static void uk_unpark(struct uringkit_recv *rv)
{
	struct uringkit_bufring *br = rv->br;

	if (rv->park_prev)
		rv->park_prev->park_next = rv->park_next;
	else
		br->recv_parked = rv->park_next;
	if (rv->park_next)
		rv->park_next->park_prev = rv->park_prev;
	rv->park_prev = rv->park_next = NULL;
	br->want_refill = br->recv_parked != NULL;
}

static void uk_park(struct uringkit_recv *rv)
{
	struct uringkit_bufring *br = rv->br;

	rv->state = UK_RECV_PARKED;
	rv->park_prev = NULL;
	rv->park_next = br->recv_parked;
	if (br->recv_parked)
		br->recv_parked->park_prev = rv;
	br->recv_parked = rv;
	br->want_refill = true;
}

static int uk_queue(struct uringkit_recv *rv)
{
	/* Submits what is queued if the SQ is full (and waits under SQPOLL). */
	struct io_uring_sqe *sqe = uringkit_get_sqe(rv->ring, NULL);

	if (!sqe)
		return -EBUSY;
	if (rv->flags & URINGKIT_RECV_MSG)
		io_uring_prep_recvmsg_multishot(sqe, rv->fd, &rv->msg, 0);
	else
		io_uring_prep_recv_multishot(sqe, rv->fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	if (rv->flags & URINGKIT_RECV_FIXED_FILE)
		sqe->flags |= IOSQE_FIXED_FILE;
	sqe->buf_group = (__u16) rv->br->bgid;
	if (rv->flags & URINGKIT_RECV_BUNDLE)
		sqe->ioprio |= IORING_RECVSEND_BUNDLE;
	io_uring_sqe_set_data64(sqe, rv->user_data);
	rv->state = UK_RECV_ARMED;
	return 0;
}

/* Called by the buffer ring after it published recycled buffers. */
static void uk_refill(struct uringkit_bufring *br)
{
	struct uringkit_recv *rv;

	while ((rv = br->recv_parked) != NULL) {
		uk_unpark(rv);
		if (uk_queue(rv)) {
			/* No SQE even after a submit: wait for the next one. */
			uk_park(rv);
			break;
		}
		rv->stats.rearms++;
	}
}

static bool uk_ring_closed(const struct io_uring *ring)
{
	return ring->ring_fd < 0 && !(ring->int_flags & UK_INT_REG_REG_RING);
}

/* Queue and submit a NOP that carries the receive's user_data. */
static int uk_queue_nop(struct uringkit_recv *rv)
{
	/* Submits what is queued if the SQ is full (and waits under SQPOLL). */
	struct io_uring_sqe *sqe = uringkit_get_sqe(rv->ring, NULL);
	int ret;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, rv->user_data);
	ret = io_uring_submit(rv->ring);
	return ret < 0 ? ret : 0;
}

static int uk_cancel(struct uringkit_recv *rv)
{
	struct io_uring_sync_cancel_reg reg;
	int ret;

	/* The SQE may still sit in the SQ, where no cancel can find it. */
	ret = io_uring_submit(rv->ring);
	if (ret < 0)
		return ret;
	memset(&reg, 0, sizeof(reg));
	reg.addr = rv->user_data;
	reg.timeout.tv_sec = -1;
	reg.timeout.tv_nsec = -1;
	ret = io_uring_register_sync_cancel(rv->ring, &reg);
	/* -ENOENT / -EALREADY: the last CQE is already on its way. */
	return ret == -ENOENT || ret == -EALREADY ? 0 : ret;
}

static int uk_stop(struct uringkit_recv *rv)
{
	int ret;

	if (rv->state == UK_RECV_ARMED) {
		ret = uk_cancel(rv);
		if (ret)
			return ret;
		rv->state = UK_RECV_STOPPING;
		return 0;
	}
	if (rv->state == UK_RECV_PARKED) {
		uk_unpark(rv);
		ret = uk_queue_nop(rv);
		if (ret) {
			uk_park(rv);
			return ret;
		}
		rv->state = UK_RECV_STOPPING_NOP;
		return 0;
	}
	return -EALREADY;
}

/* Called by the buffer ring before it goes away. */
static void uk_detach(struct uringkit_bufring *br)
{
	struct uringkit_recv *rv, *next;
	bool closed = uk_ring_closed(br->ring);

	for (rv = br->recv_all; rv; rv = next) {
		next = rv->all_next;
		/*
		 * A closed ring, or one where the cancel failed (no SQE, a
		 * dead ring), will post nothing more for rv.
		 */
		if ((rv->state == UK_RECV_ARMED ||
		     rv->state == UK_RECV_PARKED) && (closed || uk_stop(rv))) {
			if (rv->state == UK_RECV_PARKED)
				uk_unpark(rv);
			rv->state = UK_RECV_IDLE;
		}
		rv->all_prev = rv->all_next = NULL;
		rv->br = NULL;
	}
	br->recv_all = NULL;
	br->recv_parked = NULL;
	br->want_refill = false;
}

static bool uk_is_stream(int fd)
{
	int type = 0;
	socklen_t len = sizeof(type);

	/* The raw system call: the library never touches errno. */
	return !uk__syscall6(__NR_getsockopt, fd, SOL_SOCKET, SO_TYPE,
			     (long) &type, (long) &len, 0) &&
	       type == SOCK_STREAM;
}

UK_EXPORT struct uringkit_recv *uringkit_recv_create(
	struct io_uring *ring, struct uringkit_bufring *br, int fd,
	unsigned int flags, const struct msghdr *msg, __u64 user_data,
	int *err)
{
	struct uringkit_recv *rv;
	int ret = -EINVAL;

	if (!ring || !br || br->ring != ring || fd < 0 ||
	    (flags & ~UK_RECV_FLAGS) ||
	    !(flags & URINGKIT_RECV_MSG) != !msg)
		goto fail;
	if ((flags & URINGKIT_RECV_BUNDLE) &&
	    ((flags & URINGKIT_RECV_MSG) || (br->flags & URINGKIT_BUFRING_INC)))
		goto fail;
	/*
	 * An incremental buffer gives a datagram only the room left in it:
	 * the kernel truncates the datagram rather than take a fresh buffer.
	 * Streams only, then.
	 */
	if ((br->flags & URINGKIT_BUFRING_INC) &&
	    ((flags & URINGKIT_RECV_MSG) ||
	     (!(flags & URINGKIT_RECV_FIXED_FILE) && !uk_is_stream(fd))))
		goto fail;
	ret = -EOPNOTSUPP;
	if ((flags & URINGKIT_RECV_BUNDLE) &&
	    !(ring->features & IORING_FEAT_RECVSEND_BUNDLE))
		goto fail;
	ret = -ENOMEM;
	rv = calloc(1, sizeof(*rv));
	if (!rv)
		goto fail;
	rv->ring = ring;
	rv->br = br;
	rv->fd = fd;
	rv->flags = flags;
	rv->user_data = user_data;
	rv->state = UK_RECV_IDLE;
	if (msg) {
		rv->msg.msg_namelen = msg->msg_namelen;
		rv->msg.msg_controllen = msg->msg_controllen;
	}
	br->refill_hook = uk_refill;
	br->detach_hook = uk_detach;
	rv->all_next = br->recv_all;
	if (br->recv_all)
		br->recv_all->all_prev = rv;
	br->recv_all = rv;
	if (err)
		*err = 0;
	return rv;
fail:
	if (err)
		*err = ret;
	return NULL;
}

UK_EXPORT int uringkit_recv_arm(struct uringkit_recv *rv)
{
	if (!rv)
		return -EINVAL;
	if (!rv->br)
		return -ENXIO;
	if (rv->state != UK_RECV_IDLE)
		return -EBUSY;
	return uk_queue(rv);
}

/* Why a receive that was being stopped ended. */
static int uk_stop_end(const struct uringkit_recv *rv, int res)
{
	if (rv->state == UK_RECV_STOPPING_NOP || res > 0 || res == -ENOBUFS)
		return -ECANCELED;
	return res ? res : URINGKIT_RECV_EOF;
}

UK_EXPORT int uringkit_recv_complete(struct uringkit_recv *rv,
				     const struct io_uring_cqe *cqe,
				     struct uringkit_recv_event *ev)
{
	struct uringkit_bufring *br;
	int res;

	if (!rv || !cqe || !ev)
		return -EINVAL;
	if (cqe->user_data != rv->user_data ||
	    (rv->state != UK_RECV_ARMED && rv->state != UK_RECV_STOPPING &&
	     rv->state != UK_RECV_STOPPING_NOP))
		return -EINVAL;
	memset(ev, 0, sizeof(*ev));
	rv->stats.completions++;
	br = rv->br;
	res = cqe->res;
	if (br && rv->state != UK_RECV_STOPPING_NOP &&
	    uringkit_bufring_cqe_pieces(br, cqe, &ev->pieces) < 0)
		memset(&ev->pieces, 0, sizeof(ev->pieces));
	if (cqe->flags & IORING_CQE_F_MORE)
		return ev->pieces.nr ? 1 : 0;

	/* The request is over: decide what comes next. */
	if (rv->state != UK_RECV_ARMED || !br) {
		ev->end = uk_stop_end(rv, res);
		rv->state = UK_RECV_IDLE;
		return 1;
	}
	if (res == -ENOBUFS) {
		rv->stats.parks++;
		uk_park(rv);
		/* Buffers may have come back between the kernel's end and now. */
		if (uringkit_bufring_available(br))
			uk_refill(br);
		return 0;
	}
	/*
	 * Linux (6.10..6.18 at least) ends a bundle receive that emptied the
	 * ring with its data and no F_MORE instead of a later -ENOBUFS: the
	 * same dry end, parked the same way. Any other data end re-arms only
	 * if asked.
	 */
	if (res > 0 && (rv->flags & URINGKIT_RECV_BUNDLE) &&
	    !uringkit_bufring_available(br)) {
		rv->stats.parks++;
		uk_park(rv);
		return 1;
	}
	if (res > 0 && (rv->flags & (URINGKIT_RECV_REARM |
				     URINGKIT_RECV_BUNDLE))) {
		rv->stats.rearms++;
		if (uk_queue(rv))
			uk_park(rv);
		return 1;
	}
	ev->end = res < 0 ? res : res ? URINGKIT_RECV_STOPPED :
				       URINGKIT_RECV_EOF;
	rv->state = UK_RECV_IDLE;
	return 1;
}

UK_EXPORT int uringkit_recv_stop(struct uringkit_recv *rv)
{
	if (!rv)
		return -EINVAL;
	if (!rv->br)
		return -EALREADY;
	return uk_stop(rv);
}

UK_EXPORT int uringkit_recv_free(struct uringkit_recv *rv)
{
	struct uringkit_bufring *br;

	if (!rv)
		return 0;
	if (rv->state != UK_RECV_IDLE)
		return -EBUSY;
	br = rv->br;
	if (br) {
		if (rv->all_prev)
			rv->all_prev->all_next = rv->all_next;
		else
			br->recv_all = rv->all_next;
		if (rv->all_next)
			rv->all_next->all_prev = rv->all_prev;
	}
	free(rv);
	return 0;
}

UK_EXPORT void uringkit_recv_get_stats(const struct uringkit_recv *rv,
				       struct uringkit_recv_stats *st)
{
	if (rv && st)
		*st = rv->stats;
}
