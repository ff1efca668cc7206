/* SPDX-License-Identifier: MIT */
/*
 * uringkit_bufring: a provided-buffer ring that owns its buffers and keeps
 * track of which side (kernel or application) holds each one. See
 * include/uringkit/bufring.h and uringkit_bufring(3).
 *
 * Memory: one anonymous mapping, page-aligned, in three page-aligned parts:
 *
 *   [ ring: nr_bufs x struct io_uring_buf ][ control ][ buffers ]
 *
 * The ring comes first because the kernel wants a page-aligned ring
 * address. The control part (struct uringkit_bufring, the ownership
 * bitmap and the per-buffer arrays of bufring_priv.h) sits between ring
 * and buffers, so the last buffer is followed by the end of the mapping,
 * not by our bookkeeping. One mapping means one munmap() undoes
 * everything, on failure and in uringkit_bufring_free().
 *
 * Ownership: bit bid of app_held is set while the application holds
 * buffer bid (from uringkit_bufring_cqe_buf() until recycled). A clear bit
 * means the kernel holds it: it is in the ring, published, or taken by a
 * request whose CQE has not been decoded yet. Every bid is in the ring at
 * most once, so at most nr_bufs entries are ever outstanding and the
 * producer can never overwrite an entry the kernel has not consumed.
 *
 * Memory ordering: entries are written with plain stores and published by
 * a release store of the 16-bit tail (the kernel loads the tail with
 * acquire before reading entries), as io_uring_buf_ring_advance() does.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "internal/ring.h"
#include "uringkit/bufring_priv.h"

static inline bool uk_app_holds(const struct uringkit_bufring *br,
				unsigned int bid)
{
	return uk__bufring_app_holds(br, bid);
}

static inline void uk_set_app(struct uringkit_bufring *br, unsigned int bid)
{
	uk__bufring_set_app(br, bid);
}

static inline void uk_clear_app(struct uringkit_bufring *br, unsigned int bid)
{
	br->app_held[bid / 64] &= ~((uint64_t) 1 << (bid % 64));
	br->app_count--;
}

/*
 * Write buffer bid into the next free slot without publishing it. Fields
 * one by one: slot 0's last two bytes are the ring's tail.
 */
static inline void uk_put(struct uringkit_bufring *br, unsigned int bid)
{
	struct io_uring_buf *e = &br->br->bufs[br->tail & (br->nr_bufs - 1)];

	e->addr = (unsigned long) (br->bufs + (size_t) bid * br->buf_size);
	e->len = br->buf_size;
	e->bid = (__u16) bid;
	br->slot_bid[br->tail & (br->nr_bufs - 1)] = (uint16_t) bid;
	br->bid_slot[bid] = br->tail;
	/* Back whole: pieces of it still held are stale (recv.c). */
	br->refs[bid] = 0;
	br->inc_off[bid] = 0;
	br->last_put[bid] = ++br->put_seq;
	br->tail++;
}

static inline void uk_publish(struct uringkit_bufring *br)
{
	io_uring_smp_store_release(&br->br->tail, br->tail);
	/* Room in the ring: receives parked on -ENOBUFS go again (recv.c). */
	if (br->want_refill)
		br->refill_hook(br);
}

UK_EXPORT struct uringkit_bufring *uringkit_bufring_create(
	struct io_uring *ring, int bgid, unsigned int nr_bufs,
	unsigned int buf_size, unsigned int flags, int *err)
{
	struct uringkit_bufring *br;
	struct io_uring_buf_reg reg;
	size_t page = uk__page_size();
	size_t ring_len, ctrl_len, bufs_len, map_len;
	unsigned char *base;
	void *map;
	int ret;

	if (err)
		*err = 0;
	ret = -EINVAL;
	if (!ring || (flags & ~URINGKIT_BUFRING_INC) ||
	    bgid < 0 || bgid > 0xffff ||
	    !nr_bufs || (nr_bufs & (nr_bufs - 1)) ||
	    nr_bufs > URINGKIT_BUFRING_MAX_BUFS ||
	    !buf_size || buf_size > URINGKIT_BUFRING_MAX_BUF_SIZE)
		goto fail;

	ring_len = uk__align_up((size_t) nr_bufs * sizeof(struct io_uring_buf),
				page);
	ctrl_len = uk__align_up(sizeof(*br) + (nr_bufs + 63) / 64 *
				sizeof(uint64_t) + nr_bufs * UK_BUFRING_PER_BUF,
				page);
	/* 32768 x 0x7ffff000 fits in 64 bits; only 32-bit size_t overflows. */
	ret = -ENOMEM;
	if ((uint64_t) nr_bufs * buf_size > SIZE_MAX - ring_len - ctrl_len -
					     page)
		goto fail;
	bufs_len = uk__align_up((size_t) nr_bufs * buf_size, page);
	map_len = ring_len + ctrl_len + bufs_len;

	ret = uk__mmap(&map, map_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ret)
		goto fail;
	base = map;

	/* Fresh anonymous memory is zero: empty ring, tail 0, no app bits. */
	br = (struct uringkit_bufring *) (base + ring_len);
	br->ring = ring;
	br->br = (struct io_uring_buf_ring *) base;
	br->bufs = base + ring_len + ctrl_len;
	br->map_len = map_len;
	br->nr_bufs = nr_bufs;
	br->buf_size = buf_size;
	br->app_count = 0;
	br->bgid = bgid;
	br->tail = 0;
	br->flags = flags;
	br->inc_off = (uint32_t *) &br->app_held[(nr_bufs + 63) / 64];
	br->refs = br->inc_off + nr_bufs;
	br->last_put = br->refs + nr_bufs;
	br->slot_bid = (uint16_t *) (br->last_put + nr_bufs);
	br->bid_slot = br->slot_bid + nr_bufs;
	br->next_bid = br->bid_slot + nr_bufs;

	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long) base;
	reg.ring_entries = nr_bufs;
	reg.bgid = (__u16) bgid;
	if (flags & URINGKIT_BUFRING_INC)
		reg.flags = IOU_PBUF_RING_INC;
	ret = io_uring_register_buf_ring(ring, &reg, 0);
	if (ret) {
		uk__munmap(base, map_len);
		goto fail;
	}

	/* Every buffer starts with the kernel, published in one store. */
	for (unsigned int bid = 0; bid < nr_bufs; bid++)
		uk_put(br, bid);
	uk_publish(br);
	return br;
fail:
	if (err)
		*err = ret;
	return NULL;
}

UK_EXPORT int uringkit_bufring_free(struct uringkit_bufring *br)
{
	int ret;

	if (!br)
		return 0;
	/* Receives still bound to the ring are cancelled first (recv.c). */
	if (br->detach_hook)
		br->detach_hook(br);
	/*
	 * A ring closed by io_uring_queue_exit() has ring_fd -1 and no
	 * registered index: its groups died with it. Say so without a system
	 * call. Otherwise unregister; the kernel pins the ring's pages while
	 * the group is registered, so unmapping after a failed
	 * unregistration cannot hand it freed memory.
	 */
	if (br->ring->ring_fd < 0 &&
	    !(br->ring->int_flags & UK_INT_REG_REG_RING))
		ret = -EBADF;
	else
		ret = io_uring_unregister_buf_ring(br->ring, br->bgid);
	uk__munmap(br->br, br->map_len);
	return ret;
}

UK_EXPORT void *uringkit_bufring_buf(const struct uringkit_bufring *br,
				     unsigned int bid)
{
	if (bid >= br->nr_bufs)
		return NULL;
	return br->bufs + (size_t) bid * br->buf_size;
}

UK_EXPORT void *uringkit_bufring_cqe_buf(struct uringkit_bufring *br,
					 const struct io_uring_cqe *cqe,
					 unsigned int *bid, unsigned int *len)
{
	unsigned int b;

	if (!(cqe->flags & IORING_CQE_F_BUFFER))
		return NULL;
	b = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	if (b >= br->nr_bufs)
		return NULL;
	if (!uk_app_holds(br, b))
		uk_set_app(br, b);
	if (bid)
		*bid = b;
	if (len)
		*len = cqe->res > 0 ? (unsigned int) cqe->res : 0;
	return br->bufs + (size_t) b * br->buf_size;
}

UK_EXPORT int uringkit_bufring_recycle(struct uringkit_bufring *br,
				       unsigned int bid)
{
	if (bid >= br->nr_bufs)
		return -EINVAL;
	if (!uk_app_holds(br, bid))
		return -EALREADY;
	uk_clear_app(br, bid);
	uk_put(br, bid);
	uk_publish(br);
	return 0;
}

UK_EXPORT int uringkit_bufring_recycle_n(struct uringkit_bufring *br,
					 const unsigned int *bids,
					 unsigned int n)
{
	unsigned int i;
	int ret = 0;

	if (!n)
		return 0;
	if (!bids)
		return -EINVAL;
	/*
	 * Check everything before changing anything. A duplicate in bids is
	 * found by clearing each bit as it is checked (a second occurrence
	 * then looks kernel-held); on error the bits are put back.
	 */
	for (i = 0; i < n; i++) {
		if (bids[i] >= br->nr_bufs) {
			ret = -EINVAL;
			break;
		}
		if (!uk_app_holds(br, bids[i])) {
			ret = -EALREADY;
			break;
		}
		uk_clear_app(br, bids[i]);
	}
	if (ret) {
		while (i--)
			uk_set_app(br, bids[i]);
		return ret;
	}
	for (i = 0; i < n; i++)
		uk_put(br, bids[i]);
	uk_publish(br);
	return (int) n;
}

UK_EXPORT unsigned int uringkit_bufring_available(
	const struct uringkit_bufring *br)
{
	return br->nr_bufs - br->app_count;
}

UK_EXPORT enum uringkit_bufring_state
uringkit_bufring_cqe_state(const struct io_uring_cqe *cqe)
{
	if (cqe->flags & IORING_CQE_F_MORE)
		return URINGKIT_BUFRING_MORE;
	if (cqe->res == -ENOBUFS)
		return URINGKIT_BUFRING_ENDED_NOBUFS;
	return URINGKIT_BUFRING_ENDED;
}
