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
 *    share memory;
 *  - the pieces of plain, incremental and bundle completions (below).
 */
#include <liburing.h>
#include <uringkit/bufring.h>
#include <uringkit/recv.h>
#include "uringkit/bufring_priv.h"	/* to read the ring the kernel sees */
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

/* ---- pieces: plain, incremental and bundle completions ------------------- */

/*
 * uringkit_bufring_cqe_pieces() and the uringkit_pieces_* calls on a ring
 * created for this input (plain or IOU_PBUF_RING_INC), fed synthetic CQEs:
 * some as the kernel would post them (consecutive slots from the model's
 * head, BUF_MORE on incremental rings), some with any bid, length and
 * flags. A model of the ring (which bid sits at which ring counter, who
 * holds each buffer, how much of an incremental buffer is filled, how
 * many pieces of each buffer are out) says what every call must return;
 * every piece must be exactly the bytes the model expects, inside its
 * buffer; the published ring (tail and slots) must match the model after
 * every call, so a buffer can never be in it twice.
 */
enum { PK_KERNEL, PK_APP };

#define PK_HOLD 8

struct pk_hold {
	bool live, stale;	/* stale: a buffer of it was recycled outright */
	struct uringkit_pieces p;
	unsigned nr, len;
	uint32_t seq;		/* the ring's put count when decoded */
	unsigned bids[64], offs[64], lens[64];
};

struct pk {
	struct uringkit_bufring *br;
	unsigned char *base;
	unsigned nr, size, mask;
	bool inc;
	uint16_t tail, head;		/* head: where a kernel would take next */
	uint16_t slot_bid[64], bid_slot[64];
	uint8_t owner[64];
	unsigned inc_off[64], refs[64], app_count;
	uint32_t put_seq, last_put[64];
	struct pk_hold hold[PK_HOLD];
};

static void pk_put(struct pk *m, unsigned b)
{
	FZ_CHECK(m->owner[b] == PK_APP);	/* never into the ring twice */
	m->owner[b] = PK_KERNEL;
	m->app_count--;
	m->refs[b] = 0;
	m->inc_off[b] = 0;
	m->slot_bid[m->tail & m->mask] = (uint16_t) b;
	m->bid_slot[b] = m->tail;
	m->last_put[b] = ++m->put_seq;
	m->tail++;
}

/* Whether piece k's buffer went back into the ring after h was decoded. */
static bool pk_put_since(const struct pk *m, const struct pk_hold *h,
			 unsigned k)
{
	return m->last_put[h->bids[k]] > h->seq;
}

/* The ring the kernel sees: tail and the last nr slots as the model says. */
static void pk_check_ring(const struct pk *m)
{
	const struct uringkit_bufring *br = m->br;

	FZ_CHECK(br->br->tail == m->tail);
	FZ_CHECK(uringkit_bufring_available(m->br) == m->nr - m->app_count);
	for (unsigned i = 0; i < m->nr; i++) {
		const struct io_uring_buf *e = &br->br->bufs[i];
		unsigned b = m->slot_bid[i];

		FZ_CHECK(e->bid == b);
		FZ_CHECK(e->len == m->size);
		FZ_CHECK(e->addr == (uint64_t) (uintptr_t) (m->base +
							   (size_t) b * m->size));
	}
}

static unsigned char pk_pattern(unsigned bid, size_t off)
{
	return (unsigned char) (bid * 13 + off * 5 + 3);
}

/* The first and last 32 bytes of a piece. */
static size_t pk_next_i(size_t i, size_t len)
{
	return i + 1 == 32 && len > 64 ? len - 32 : i + 1;
}

static void pk_fill(struct pk *m, const struct pk_hold *h, bool check)
{
	for (unsigned k = 0; k < h->nr; k++) {
		unsigned char *p = m->base + (size_t) h->bids[k] * m->size +
				   h->offs[k];

		for (size_t i = 0; i < h->lens[k]; i = pk_next_i(i, h->lens[k])) {
			if (check)
				FZ_CHECK(p[i] == pk_pattern(h->bids[k],
							    h->offs[k] + i));
			else
				p[i] = pk_pattern(h->bids[k], h->offs[k] + i);
		}
	}
}

/* Walk all of h's pieces through the library and compare. */
static void pk_walk(struct pk *m, struct pk_hold *h, unsigned upto)
{
	unsigned len = ~0U;

	uringkit_pieces_rewind(&h->p);
	for (unsigned k = 0; k < upto && k < h->nr; k++) {
		unsigned char *p = uringkit_pieces_next(&h->p, &len);

		if (pk_put_since(m, h, k)) {	/* recycled outright: over */
			FZ_CHECK(!p);
			return;
		}

		FZ_CHECK(p == m->base + (size_t) h->bids[k] * m->size +
			      h->offs[k]);
		FZ_CHECK(len == h->lens[k]);
		FZ_CHECK(h->offs[k] + len <= m->size);
	}
	if (upto >= h->nr)
		FZ_CHECK(!uringkit_pieces_next(&h->p, NULL));
}

/* What cqe_pieces must do with (bid, len, flags); fills h on success. */
static int pk_expect(struct pk *m, unsigned flags, int res,
		     struct pk_hold *h)
{
	unsigned bid = flags >> IORING_CQE_BUFFER_SHIFT;
	unsigned len = res > 0 ? (unsigned) res : 0, n;

	h->nr = 0;
	if (!(flags & IORING_CQE_F_BUFFER) || bid >= m->nr)
		return 0;
	if (m->inc) {
		if (!len)
			return 0;
		if (m->owner[bid] == PK_APP)
			return -EALREADY;
		if (len > m->size - m->inc_off[bid])
			return -EIO;
		h->nr = 1;
		h->len = len;
		h->seq = m->put_seq;
		h->bids[0] = bid;
		h->offs[0] = m->inc_off[bid];
		h->lens[0] = len;
		m->refs[bid]++;
		if (flags & IORING_CQE_F_BUF_MORE) {
			m->inc_off[bid] += len;
		} else {
			m->inc_off[bid] = 0;
			m->owner[bid] = PK_APP;
			m->app_count++;
		}
		return 1;
	}
	n = len ? (unsigned) (((uint64_t) len + m->size - 1) / m->size) : 1;
	if (n > m->nr)
		return -EIO;
	for (unsigned k = 0; k < n; k++) {
		uint16_t c = (uint16_t) (m->bid_slot[bid] + k);
		unsigned b = bid;

		if (k) {
			uint16_t age = (uint16_t) (m->tail - c);

			if (!age || age > m->nr)
				return -EIO;
			b = m->slot_bid[c & m->mask];
			if (m->bid_slot[b] != c)
				return -EIO;
		}
		if (m->owner[b] == PK_APP)
			return -EALREADY;
		h->bids[k] = b;
		h->offs[k] = 0;
		h->lens[k] = len - k * m->size < m->size ? len - k * m->size :
							    m->size;
	}
	h->nr = n;
	h->len = len;
	h->seq = m->put_seq;
	for (unsigned k = 0; k < n; k++) {
		m->refs[h->bids[k]]++;
		m->owner[h->bids[k]] = PK_APP;
		m->app_count++;
	}
	return (int) n;
}

/* A CQE as the kernel would post it: from the oldest slot it holds. */
static bool pk_kernel_cqe(struct pk *m, struct fz *f, unsigned *flags,
			  int *res)
{
	unsigned n = 0, want, b, len;

	while (m->head != m->tail) {
		b = m->slot_bid[m->head & m->mask];
		if (m->bid_slot[b] == m->head && m->owner[b] == PK_KERNEL &&
		    (uint16_t) (m->tail - m->head) <= m->nr)
			break;
		m->head++;
	}
	if (m->head == m->tail)
		return false;
	b = m->slot_bid[m->head & m->mask];
	if (m->inc) {
		unsigned room = m->size - m->inc_off[b];

		len = 1 + (unsigned) fz_range(f, room - 1);
		*flags = IORING_CQE_F_BUFFER | b << IORING_CQE_BUFFER_SHIFT;
		if (len < room && (fz_u8(f) & 1))
			*flags |= IORING_CQE_F_BUF_MORE;
		else
			m->head++;
		*res = (int) len;
		return true;
	}
	/* consecutive slots still in the kernel's hands */
	while ((uint16_t) (m->head + n) != m->tail) {
		uint16_t c = (uint16_t) (m->head + n);
		unsigned bb = m->slot_bid[c & m->mask];

		if (m->bid_slot[bb] != c || m->owner[bb] != PK_KERNEL)
			break;
		n++;
	}
	want = 1 + (unsigned) fz_range(f, n - 1);
	len = (want - 1) * m->size + (unsigned) fz_range(f, m->size);
	if (want > 1 && len == (want - 1) * m->size)
		len++;		/* a bundle of want buffers, not want - 1 */
	*flags = IORING_CQE_F_BUFFER | b << IORING_CQE_BUFFER_SHIFT |
		 ((fz_u8(f) & 1) ? IORING_CQE_F_MORE : 0);
	*res = (int) len;
	m->head = (uint16_t) (m->head + want);
	return true;
}

static void pk_give_back(struct pk *m, struct pk_hold *h)
{
	int want = 0, ret;
	struct uringkit_pieces copy = h->p;

	if (!h->stale)
		pk_fill(m, h, true);
	for (unsigned k = 0; k < h->nr; k++)
		if (!m->refs[h->bids[k]] || pk_put_since(m, h, k))
			want = -EALREADY;
	if (!want) {
		for (unsigned k = 0; k < h->nr; k++) {
			unsigned b = h->bids[k];

			if (--m->refs[b] || m->owner[b] != PK_APP)
				continue;
			pk_put(m, b);
			want++;
		}
	}
	ret = uringkit_pieces_give_back(&h->p);
	FZ_CHECK(ret == want);
	if (ret >= 0) {
		/* the same pieces again: refused, nothing changes */
		FZ_CHECK(uringkit_pieces_give_back(&h->p) ==
			 (h->nr ? -EALREADY : 0));
		FZ_CHECK(!uringkit_pieces_next(&h->p, NULL));
	} else {
		h->p = copy;	/* refused: p is as it was */
	}
	h->live = false;
}

static void pieces(struct fz *f)
{
	static const unsigned sizes[8] = { 1, 3, 16, 64, 100, 512, 4096,
					   4097 };
	struct io_uring *ring = shared_ring();
	struct pk *m;
	uint8_t how = fz_u8(f);
	int err;

	if (!ring)
		return;
	m = calloc(1, sizeof(*m));
	FZ_CHECK(m);
	m->inc = how & 1;
	m->nr = 1U << ((how >> 1) % 7);
	m->mask = m->nr - 1;
	m->size = sizes[(how >> 4) % 8];
	m->br = uringkit_bufring_create(ring, 0x7ffe, m->nr, m->size,
					m->inc ? URINGKIT_BUFRING_INC : 0,
					&err);
	if (!m->br) {
		/* incremental rings: Linux 6.12 */
		FZ_CHECK(err == -ENOMEM || (m->inc && err == -EINVAL));
		free(m);
		return;
	}
	m->base = uringkit_bufring_buf(m->br, 0);
	for (unsigned b = 0; b < m->nr; b++) {
		m->slot_bid[b] = (uint16_t) b;
		m->bid_slot[b] = (uint16_t) b;
		m->last_put[b] = b + 1;
	}
	m->put_seq = m->nr;
	m->tail = (uint16_t) m->nr;
	pk_check_ring(m);

	while (f->n) {
		uint8_t op = fz_u8(f);
		struct pk_hold *h = &m->hold[(op >> 4) % PK_HOLD];

		switch (op % 6) {
		case 0: case 1: case 2: {	/* a completion */
			struct io_uring_cqe cqe = { 0 };
			struct pk_hold got;
			unsigned flags;
			int res, want, ret;

			if (h->live)	/* first, as a kernel sees the ring */
				pk_give_back(m, h);
			if (op % 6 == 2 || !pk_kernel_cqe(m, f, &flags, &res)) {
				/* anything: any bid, length and flags */
				res = (int32_t) fz_u32(f);
				flags = (op & 0x08) ? fz_u32(f) :
					IORING_CQE_F_BUFFER |
					(unsigned) fz_range(f, m->nr) <<
					IORING_CQE_BUFFER_SHIFT |
					(fz_u8(f) & 1 ? IORING_CQE_F_BUF_MORE
						      : 0);
				if (op & 0x04)
					res = (int) fz_range(f, m->nr *
							     m->size + 1);
			}
			cqe.res = res;
			cqe.flags = flags;
			cqe.user_data = fz_u64(f);
			memset(&got, 0, sizeof(got));
			want = pk_expect(m, flags, res, &got);
			ret = uringkit_bufring_cqe_pieces(m->br, &cqe, &h->p);
			FZ_CHECK(ret == want);
			FZ_CHECK(h->p.nr == (ret > 0 ? (unsigned) ret : 0));
			if (ret <= 0) {
				FZ_CHECK(!uringkit_pieces_next(&h->p, NULL));
				FZ_CHECK(uringkit_pieces_give_back(&h->p) == 0);
				break;
			}
			FZ_CHECK(h->p.len == got.len);
			got.p = h->p;
			*h = got;
			h->live = true;
			pk_walk(m, h, h->nr);
			pk_fill(m, h, false);
			break;
		}
		case 3:			/* give back */
			if (h->live)
				pk_give_back(m, h);
			break;
		case 4:			/* walk part of it, then all again */
			if (h->live) {
				pk_walk(m, h, (unsigned) fz_range(f, h->nr));
				pk_walk(m, h, h->nr);
				if (!h->stale)
					pk_fill(m, h, true);
			}
			break;
		default: {		/* recycle a buffer outright */
			unsigned bid = (unsigned) fz_range(f, m->nr);
			int ret = uringkit_bufring_recycle(m->br, bid);

			if (bid >= m->nr) {
				FZ_CHECK(ret == -EINVAL);
			} else if (m->owner[bid] == PK_KERNEL) {
				FZ_CHECK(ret == -EALREADY);
			} else {
				FZ_CHECK(ret == 0);
				pk_put(m, bid);
				for (unsigned i = 0; i < PK_HOLD; i++)
					for (unsigned k = 0; k < m->hold[i].nr;
					     k++)
						if (m->hold[i].bids[k] == bid)
							m->hold[i].stale = true;
			}
			break;
		}
		}
		pk_check_ring(m);
	}
	for (unsigned i = 0; i < PK_HOLD; i++)
		if (m->hold[i].live)
			pk_give_back(m, &m->hold[i]);
	pk_check_ring(m);
	FZ_CHECK(uringkit_bufring_free(m->br) == 0);
	free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };

	uint8_t which = fz_u8(&f);

	if (which & 1)
		uringkit(&f);
	else if (which & 2)
		pieces(&f);
	else
		inline_helpers(&f);
	return 0;
}
