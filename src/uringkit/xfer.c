/* SPDX-License-Identifier: MIT */
/*
 * Full transfers: resubmit short reads, writes, sends and receives until
 * done, EOF or error. See include/uringkit/xfer.h and uringkit_xfer(3).
 */
#include <limits.h>
#include <string.h>
#include "internal/ring.h"
#include "uringkit/sqe.h"
#include "uringkit/xfer.h"

UK_EXPORT int uringkit_xfer_init(struct uringkit_xfer *x, int op, int fd,
				 void *buf, size_t len, __u64 offset,
				 int msg_flags)
{
	if (!x || op < URINGKIT_XFER_READ || op > URINGKIT_XFER_SEND ||
	    fd < 0 || (!buf && len))
		return -EINVAL;
	memset(x, 0, sizeof(*x));
	x->op = op;
	x->fd = fd;
	x->buf = buf;
	x->len = len;
	x->offset = offset;
	x->msg_flags = msg_flags;
	x->finished = len == 0;
	return 0;
}

UK_EXPORT int uringkit_xfer_prep(struct uringkit_xfer *x,
				 struct io_uring_sqe *sqe)
{
	unsigned char *at;
	size_t rest;
	unsigned n;
	__u64 off;

	if (!x || !sqe || x->finished)
		return -EINVAL;
	at = x->buf + x->done;
	rest = x->len - x->done;
	n = rest > UINT_MAX ? UINT_MAX : (unsigned) rest;
	off = x->offset == URINGKIT_XFER_CUR_POS ? x->offset
						 : x->offset + x->done;
	switch (x->op) {
	case URINGKIT_XFER_READ:
		io_uring_prep_read(sqe, x->fd, at, n, off);
		break;
	case URINGKIT_XFER_WRITE:
		io_uring_prep_write(sqe, x->fd, at, n, off);
		break;
	case URINGKIT_XFER_RECV:
		io_uring_prep_recv(sqe, x->fd, at, n, x->msg_flags);
		break;
	default:
		io_uring_prep_send(sqe, x->fd, at, n, x->msg_flags);
		break;
	}
	x->rounds++;
	return 0;
}

UK_EXPORT int uringkit_xfer_complete(struct uringkit_xfer *x, int res)
{
	bool reading;

	if (!x || x->finished)
		return -EINVAL;
	reading = x->op == URINGKIT_XFER_READ || x->op == URINGKIT_XFER_RECV;
	if (res == -EINTR || res == -EAGAIN)
		return 0;
	if (res < 0) {
		x->error = res;
	} else if (res == 0) {
		/* A read of 0 is the end of the data; a write of 0 never ends. */
		if (reading)
			x->eof = true;
		else
			x->error = -EIO;
	} else {
		x->done += (size_t) res > x->len - x->done ?
			   x->len - x->done : (size_t) res;
		if (x->done < x->len)
			return 0;
	}
	x->finished = true;
	return 1;
}

/*
 * Wait for the CQE carrying user_data ud and consume it alone. The CQ
 * slots between head and tail belong to the application, so CQEs of other
 * requests that sit in front of ours are moved one slot towards the tail,
 * over ours, and the head advances by one: they stay, in their order.
 */
static int take_cqe(struct io_uring *ring, __u64 ud, int *res)
{
	const unsigned mask = ring->cq.ring_mask;
	const unsigned shift = io_uring_cqe_shift(ring);
	const size_t size = sizeof(struct io_uring_cqe) << shift;

	for (unsigned want = 1;; want++) {
		struct io_uring_cqe *cqe;
		unsigned head, tail;
		int ret = io_uring_wait_cqe_nr(ring, &cqe, want);

		if (ret < 0)
			return ret;
		head = *ring->cq.khead;
		tail = io_uring_smp_load_acquire(ring->cq.ktail);
		for (unsigned i = head; i != tail; i++) {
			struct io_uring_cqe *c =
				&ring->cq.cqes[(i & mask) << shift];

			if (c->user_data != ud)
				continue;
			*res = c->res;
			for (unsigned j = i; j != head; j--)
				memcpy(&ring->cq.cqes[(j & mask) << shift],
				       &ring->cq.cqes[((j - 1) & mask) << shift],
				       size);
			io_uring_cq_advance(ring, 1);
			return 0;
		}
		/*
		 * A CQ full of other CQEs: ours waits in the kernel's overflow
		 * list until the application reaps some, and waiting for one
		 * more would never end.
		 */
		if (tail - head >= ring->cq.ring_entries)
			return -EBUSY;
		want = tail - head;
	}
}

UK_EXPORT int uringkit_xfer_run(struct io_uring *ring, struct uringkit_xfer *x)
{
	/* Unique while the call runs, and never a pointer the caller uses. */
	const __u64 ud = (__u64) (uintptr_t) x ^ (0x5846ULL << 48);

	if (!ring || !x)
		return -EINVAL;
	if (ring->flags & IORING_SETUP_CQE_MIXED)
		return -EOPNOTSUPP;
	while (!x->finished) {
		struct io_uring_sqe *sqe;
		int err, res, ret;

		sqe = uringkit_get_sqe(ring, &err);
		if (!sqe)
			return err;
		uringkit_xfer_prep(x, sqe);
		io_uring_sqe_set_data64(sqe, ud);
		ret = io_uring_submit(ring);
		if (ret < 0) {
			/* Not submitted: give the SQE back as a CQE-less NOP. */
			io_uring_prep_nop(sqe);
			sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
			x->rounds--;
			return ret;
		}
		ret = take_cqe(ring, ud, &res);
		if (ret < 0)
			return ret;
		uringkit_xfer_complete(x, res);
	}
	return 0;
}

static ssize_t run_full(struct io_uring *ring, int op, int fd, void *buf,
			size_t len, __u64 offset, int msg_flags)
{
	struct uringkit_xfer x;
	int ret = uringkit_xfer_init(&x, op, fd, buf, len, offset, msg_flags);

	if (ret < 0)
		return ret;
	ret = uringkit_xfer_run(ring, &x);
	if (ret < 0 && !x.done)
		return ret;
	if (x.error && !x.done)
		return x.error;
	return (ssize_t) x.done;
}

UK_EXPORT ssize_t uringkit_read_full(struct io_uring *ring, int fd, void *buf,
				     size_t len, __u64 offset)
{
	return run_full(ring, URINGKIT_XFER_READ, fd, buf, len, offset, 0);
}

UK_EXPORT ssize_t uringkit_write_all(struct io_uring *ring, int fd,
				     const void *buf, size_t len, __u64 offset)
{
	return run_full(ring, URINGKIT_XFER_WRITE, fd, (void *) buf, len,
			offset, 0);
}

UK_EXPORT ssize_t uringkit_recv_full(struct io_uring *ring, int fd, void *buf,
				     size_t len, int msg_flags)
{
	return run_full(ring, URINGKIT_XFER_RECV, fd, buf, len, 0, msg_flags);
}

UK_EXPORT ssize_t uringkit_send_all(struct io_uring *ring, int fd,
				    const void *buf, size_t len, int msg_flags)
{
	return run_full(ring, URINGKIT_XFER_SEND, fd, (void *) buf, len, 0,
			msg_flags);
}
