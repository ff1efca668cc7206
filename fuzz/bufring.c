/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: provided-buffer rings, against a model.
 *
 * The first byte picks one of two sequences decoded from the rest:
 *  - the inline helpers of <liburing/buf_ring.h> (mask, init, add,
 *    advance) on a ring of exactly ring_entries heap slots, with any
 *    buf_offset and count (UBSan: no overflow; ASan: no slot outside);
 *    after every call the ring must equal a plain model of slots and tail;
 *  - uringkit_bufring on a real io_uring (created once): create with any
 *    arguments (-EINVAL exactly when they are out of range), then CQEs
 *    decoded, buffers recycled one by one and in batches, with any bid,
 *    checked against a model of who holds each buffer. A buffer the
 *    application holds is filled with a pattern that must still be there
 *    when it is recycled: no two buffers, and no buffer and the ring,
 *    share memory.
 */
#include <liburing.h>
#include <uringkit/bufring.h>
#include "fuzz.h"

/* ---- inline helpers ------------------------------------------------------ */

struct slot_model {
	uint64_t addr;
	uint32_t len;
	uint16_t bid;
};

static void inline_helpers(struct fz *f)
{
	unsigned entries = 1U << (fz_u8(f) % 9);	/* 1 .. 256 */
	struct io_uring_buf_ring *br = calloc(entries, sizeof(struct io_uring_buf));
	struct slot_model *model = calloc(entries, sizeof(*model));
	int mask = io_uring_buf_ring_mask(entries);
	uint16_t tail = 0;

	FZ_CHECK(br && model);
	FZ_CHECK(mask == (int) entries - 1);
	while (f->n) {
		uint8_t op = fz_u8(f);

		if (op % 4 == 0) {
			int count = (int) fz_range(f, UINT32_MAX);

			io_uring_buf_ring_advance(br, count);
			tail = (uint16_t) (tail + (unsigned) count);
		} else if (op % 4 == 3 && op > 200) {
			io_uring_buf_ring_init(br);
			tail = 0;
		} else {
			int off = (int) fz_range(f, UINT32_MAX);
			uint64_t addr = fz_u64(f);
			uint32_t len = fz_u32(f);
			uint16_t bid = fz_u16(f);
			unsigned s = (tail + (unsigned) off) & (entries - 1);

			io_uring_buf_ring_add(br, (void *) (uintptr_t) addr,
					      len, bid, mask, off);
			model[s].addr = (unsigned long) addr;
			model[s].len = len;
			model[s].bid = bid;
		}
		FZ_CHECK(br->tail == tail);
		for (unsigned i = 0; i < entries; i++) {
			FZ_CHECK(br->bufs[i].addr == model[i].addr);
			FZ_CHECK(br->bufs[i].len == model[i].len);
			FZ_CHECK(br->bufs[i].bid == model[i].bid);
		}
	}
	free(model);
	free(br);
}

/* ---- uringkit_bufring ---------------------------------------------------- */

static struct io_uring *shared_ring(void)
{
	static struct io_uring ring;
	static int state;	/* 0 untried, 1 ready, -1 unavailable */

	if (!state)
		state = io_uring_queue_init(8, &ring, 0) ? -1 : 1;
	return state > 0 ? &ring : NULL;
}

static unsigned char pattern(unsigned bid, size_t i)
{
	return (unsigned char) (bid * 31 + i * 7 + 1);
}

/* The first and last 64 bytes of a buffer: enough to see two overlap. */
static size_t next_i(size_t i, size_t len)
{
	return i + 1 == 64 && len > 128 ? len - 64 : i + 1;
}

static void fill(unsigned char *p, unsigned bid, size_t len)
{
	for (size_t i = 0; i < len; i = next_i(i, len))
		p[i] = pattern(bid, i);
}

static void check_fill(const unsigned char *p, unsigned bid, size_t len)
{
	for (size_t i = 0; i < len; i = next_i(i, len))
		FZ_CHECK(p[i] == pattern(bid, i));
}

/*
 * Rings kept from one input to the next (a create and a free per input
 * would be most of the time spent): one per buffer count and size class,
 * as groups 0x8000 + k, handed back with every buffer recycled.
 */
static const unsigned cached_sizes[8] = { 1, 7, 64, 100, 4096, 4097, 8192,
					  65536 };
static struct uringkit_bufring *cached[7 * 8];

static void uringkit(struct fz *f)
{
	struct io_uring *ring = shared_ring();
	struct uringkit_bufring *br;
	unsigned nr, size, flags = 0, held = 0;
	int bgid, err = 1, keep = -1;
	bool valid, *app;
	uint8_t how = fz_u8(f);

	if (!ring)
		return;
	if (how & 1) {
		/* anything at all, for the argument checks */
		bgid = (int) fz_u32(f);
		nr = fz_u32(f);
		size = fz_u32(f);
		flags = (how & 2) ? fz_u32(f) : 0;
	} else if (how & 0x80) {
		/* created and freed by this input */
		bgid = fz_u16(f);
		nr = 1U << (fz_u8(f) % 7);		/* 1 .. 64 */
		size = 1 + fz_u16(f) % 4096;
	} else {
		unsigned n = fz_u8(f) % 7, z = fz_u8(f) % 8;

		keep = (int) (n * 8 + z);
		bgid = 0x8000 + keep;
		nr = 1U << n;
		size = cached_sizes[z];
	}
	valid = !flags && bgid >= 0 && bgid <= 0xffff && nr &&
		!(nr & (nr - 1)) && nr <= URINGKIT_BUFRING_MAX_BUFS &&
		size && size <= URINGKIT_BUFRING_MAX_BUF_SIZE;
	/* Valid but large: would only test the machine's memory. */
	if (valid && (uint64_t) nr * size > (16U << 20))
		return;
	if (keep < 0)
		bgid &= valid ? 0x7fff : ~0;	/* not a kept ring's group */
	if (keep >= 0 && cached[keep]) {
		br = cached[keep];
		err = 0;
	} else {
		br = uringkit_bufring_create(ring, bgid, nr, size, flags,
					     &err);
	}
	if (!valid) {
		FZ_CHECK(!br && err == -EINVAL);
		return;
	}
	if (!br) {
		/* only the machine may refuse a valid request */
		FZ_CHECK(err == -ENOMEM);
		return;
	}
	if (keep >= 0)
		cached[keep] = br;
	FZ_CHECK(err == 0);
	app = calloc(nr, sizeof(*app));
	FZ_CHECK(app);
	FZ_CHECK(uringkit_bufring_available(br) == nr);

	while (f->n) {
		uint8_t op = fz_u8(f);
		unsigned bid = (unsigned) fz_range(f, nr + 1);
		unsigned char *base0 = uringkit_bufring_buf(br, 0);

		switch (op % 5) {
		case 0: case 1: {	/* a completion, maybe naming a buffer */
			struct io_uring_cqe cqe = { 0 };
			unsigned got_bid = ~0U, got_len = ~0U;
			unsigned char *p;

			cqe.res = (int32_t) fz_u32(f);
			cqe.flags = (op & 0x20) ? fz_u32(f) :
				    ((bid << IORING_CQE_BUFFER_SHIFT) |
				     ((op & 0x40) ? 0 : IORING_CQE_F_BUFFER));
			p = uringkit_bufring_cqe_buf(br, &cqe, &got_bid,
						     &got_len);
			bid = cqe.flags >> IORING_CQE_BUFFER_SHIFT;
			if (!(cqe.flags & IORING_CQE_F_BUFFER) || bid >= nr) {
				FZ_CHECK(!p && got_bid == ~0U &&
					 got_len == ~0U);
				break;
			}
			FZ_CHECK(p == base0 + (size_t) bid * size);
			FZ_CHECK(got_bid == bid);
			FZ_CHECK(got_len == (cqe.res > 0 ? (unsigned) cqe.res : 0));
			if (!app[bid]) {
				app[bid] = true;
				held++;
				fill(p, bid, size);
			}
			break;
		}
		case 2: {		/* recycle one */
			int ret = uringkit_bufring_recycle(br, bid);

			if (bid >= nr) {
				FZ_CHECK(ret == -EINVAL);
			} else if (!app[bid]) {
				FZ_CHECK(ret == -EALREADY);
			} else {
				FZ_CHECK(ret == 0);
				check_fill(base0 + (size_t) bid * size, bid,
					   size);
				app[bid] = false;
				held--;
			}
			break;
		}
		case 3: {		/* recycle a batch, checked as a whole */
			unsigned bids[8], n = fz_u8(f) % 9;
			bool *seen = calloc(nr, sizeof(*seen));
			int want = 0, ret;

			FZ_CHECK(seen);
			for (unsigned i = 0; i < n; i++)
				bids[i] = (unsigned) fz_range(f, nr);
			for (unsigned i = 0; i < n && !want; i++) {
				if (bids[i] >= nr)
					want = -EINVAL;
				else if (!app[bids[i]] || seen[bids[i]])
					want = -EALREADY;
				else
					seen[bids[i]] = true;
			}
			ret = uringkit_bufring_recycle_n(br, n ? bids : NULL, n);
			FZ_CHECK(ret == (want ? want : (int) n));
			if (!want) {
				for (unsigned i = 0; i < n; i++) {
					check_fill(base0 + (size_t) bids[i] *
						   size, bids[i], size);
					app[bids[i]] = false;
					held--;
				}
			}
			free(seen);
			break;
		}
		default: {		/* pure functions */
			struct io_uring_cqe cqe = { 0 };
			enum uringkit_bufring_state st;

			cqe.res = (op & 0x80) ? -ENOBUFS : (int32_t) fz_u32(f);
			cqe.flags = fz_u32(f);
			st = uringkit_bufring_cqe_state(&cqe);
			FZ_CHECK(st == ((cqe.flags & IORING_CQE_F_MORE) ?
					URINGKIT_BUFRING_MORE :
					cqe.res == -ENOBUFS ?
					URINGKIT_BUFRING_ENDED_NOBUFS :
					URINGKIT_BUFRING_ENDED));
			FZ_CHECK(uringkit_bufring_buf(br, bid) ==
				 (bid < nr ? base0 + (size_t) bid * size :
					     NULL));
			break;
		}
		}
		FZ_CHECK(uringkit_bufring_available(br) == nr - held);
	}
	/* Buffers still held keep their contents until the end. */
	for (unsigned b = 0; b < nr; b++)
		if (app[b])
			check_fill(uringkit_bufring_buf(br, b), b, size);
	if (keep < 0) {
		FZ_CHECK(uringkit_bufring_free(br) == 0);
	} else {
		/* everything back to the kernel, for the next input */
		unsigned *bids = malloc(nr * sizeof(*bids)), n = 0;

		FZ_CHECK(bids);
		for (unsigned b = 0; b < nr; b++)
			if (app[b])
				bids[n++] = b;
		FZ_CHECK(uringkit_bufring_recycle_n(br, bids, n) == (int) n);
		FZ_CHECK(uringkit_bufring_available(br) == nr);
		free(bids);
	}
	free(app);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };

	if (fz_u8(&f) & 1)
		uringkit(&f);
	else
		inline_helpers(&f);
	return 0;
}
