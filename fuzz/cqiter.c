/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: walking the CQ. A synthetic ring (no kernel) of 16-byte,
 * 32-byte (CQE32) or mixed-size (CQE_MIXED) CQEs is filled the way the
 * kernel fills it: free-running indexes starting anywhere (so they wrap),
 * a 32-byte CQE of a mixed ring takes two slots and never straddles the
 * ring's end (a one-slot F_SKIP filler goes first), and never more slots
 * than the ring has are outstanding. Flags that mean nothing to the ring
 * (F_32 and F_SKIP outside a mixed ring, which MSG_RING's FLAGS_PASS can
 * deliver) are set at random when the mode byte's top bit asks for it.
 *
 * The input interleaves posting with consuming through every reader:
 * io_uring_for_each_cqe + io_uring_cq_advance, io_uring_peek_cqe +
 * io_uring_cqe_seen, io_uring_peek_batch_cqe, and io_uring_cqe_iter.
 * Each must hand out every CQE once, in order, wholly inside the ring
 * (ASan: the CQE array is exactly its size), 32-byte CQEs with their
 * second half intact, and leave the head where the kernel expects it.
 */
#include <liburing.h>
#include "fuzz.h"

#define MAX_POSTED 4096

struct cq_model {
	struct io_uring ring;
	struct io_uring_cqe *cqes;
	unsigned head, tail, kflags;	/* what khead/ktail/kflags point to */
	unsigned entries, shift;	/* shift: log2(CQE size / 16) */
	bool mixed;
	bool noise;			/* meaningless F_32/F_SKIP are posted */
	uint64_t next_ud;		/* user_data of the next CQE posted */
	uint64_t want_ud;		/* user_data the next read must see */
};

static bool is_filler(const struct cq_model *m, const struct io_uring_cqe *c)
{
	return m->mixed && (c->flags & IORING_CQE_F_SKIP);
}

static bool is_big(const struct cq_model *m, const struct io_uring_cqe *c)
{
	return m->shift || (m->mixed && (c->flags & IORING_CQE_F_32));
}

static unsigned slots_of(const struct cq_model *m, const struct io_uring_cqe *c)
{
	return m->mixed && (c->flags & IORING_CQE_F_32) ? 2 : 1;
}

/* Write a CQE at the tail; false when the ring has no room. */
static bool post(struct cq_model *m, struct fz *f)
{
	uint8_t how = fz_u8(f);
	bool big = m->mixed && (how & 1);
	unsigned used = m->tail - m->head;
	struct io_uring_cqe *c;

	if (big && (m->tail & (m->entries - 1)) == m->entries - 1) {
		/* would straddle the end: a filler first */
		if (used + 3 > m->entries)
			return false;
		c = &m->cqes[(m->tail & (m->entries - 1)) << m->shift];
		memset(c, 0, sizeof(*c));
		c->user_data = 0xf111e7;
		c->flags = IORING_CQE_F_SKIP;
		m->tail++;
		used++;
	}
	if (used + (big ? 2 : 1) > m->entries)
		return false;
	c = &m->cqes[(m->tail & (m->entries - 1)) << m->shift];
	c->user_data = m->next_ud++;
	c->res = (int32_t) fz_u32(f);
	c->flags = (fz_u32(f) & ~(IORING_CQE_F_SKIP | IORING_CQE_F_32));
	if (m->noise && (how & 2))	/* meaningless here: must be ignored */
		c->flags |= (how & 4) ? IORING_CQE_F_32 : IORING_CQE_F_SKIP;
	if (big)
		c->flags |= IORING_CQE_F_32;
	if (is_big(m, c)) {
		c->big_cqe[0] = ~c->user_data;
		c->big_cqe[1] = c->user_data * 3;
	}
	m->tail += big ? 2 : 1;
	io_uring_smp_store_release(&m->tail, m->tail);
	return true;
}

/* A CQE a reader handed out: the next expected one, wholly in the ring. */
static void seen(struct cq_model *m, const struct io_uring_cqe *c)
{
	const char *lo = (const char *) m->cqes;
	const char *hi = lo + ((size_t) m->entries << (4 + m->shift));
	size_t sz = is_big(m, c) ? 32 : 16;

	FZ_CHECK((const char *) c >= lo && (const char *) c + sz <= hi);
	FZ_CHECK(((const char *) c - lo) % (16U << m->shift) == 0);
	FZ_CHECK(c->user_data == m->want_ud);
	if (is_big(m, c)) {
		FZ_CHECK(c->big_cqe[0] == ~c->user_data);
		FZ_CHECK(c->big_cqe[1] == c->user_data * 3);
	}
	m->want_ud++;
}

/* The slot index (from head) of CQE c. */
static unsigned pos_of(const struct cq_model *m, const struct io_uring_cqe *c)
{
	unsigned slot = (unsigned) (c - m->cqes) >> m->shift;

	return (slot - m->head) & (m->entries - 1);
}

static void consume(struct cq_model *m, struct fz *f)
{
	uint8_t how = fz_u8(f);
	unsigned max = 1 + fz_u8(f) % (m->entries + 2);
	struct io_uring *ring = &m->ring;
	struct io_uring_cqe *cqe;
	unsigned head, n = 0, slots = 0;

	/*
	 * io_uring_cqe_iter_next() takes F_32 as "two slots" in every ring,
	 * as liburing's does (its struct has no room for the ring's flags),
	 * so it is only given rings without meaningless flags.
	 */
	if (m->noise && how % 4 == 3)
		how = 0;
	switch (how % 4) {
	case 0:
		io_uring_for_each_cqe(ring, head, cqe) {
			if (n++ == max)
				break;
			if (!is_filler(m, cqe))
				seen(m, cqe);
			slots += slots_of(m, cqe);
		}
		io_uring_cq_advance(ring, slots);
		break;
	case 1:
		while (n++ < max) {
			cqe = NULL;
			FZ_CHECK(io_uring_peek_cqe(ring, &cqe) == 0 ||
				 !cqe);
			if (!cqe) {
				FZ_CHECK(m->head == m->tail);
				break;
			}
			FZ_CHECK(!is_filler(m, cqe));
			seen(m, cqe);
			io_uring_cqe_seen(ring, cqe);
		}
		break;
	case 2: {
		struct io_uring_cqe *batch[66];
		unsigned got = io_uring_peek_batch_cqe(ring, batch, max), end = 0;

		FZ_CHECK(got <= max);
		for (unsigned i = 0; i < got; i++) {
			unsigned pos = pos_of(m, batch[i]);

			FZ_CHECK(!is_filler(m, batch[i]));
			FZ_CHECK(i == 0 || pos >= end);
			seen(m, batch[i]);
			end = pos + slots_of(m, batch[i]);
		}
		io_uring_cq_advance(ring, end);
		break;
	}
	default: {
		struct io_uring_cqe_iter it = io_uring_cqe_iter_init(ring);

		while (n++ < max && io_uring_cqe_iter_next(&it, &cqe)) {
			if (!is_filler(m, cqe))
				seen(m, cqe);
			slots += slots_of(m, cqe);
		}
		io_uring_cq_advance(ring, slots);
		break;
	}
	}
	FZ_CHECK((unsigned) (m->tail - m->head) <= m->entries);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	static struct cq_model m;
	uint8_t mode = fz_u8(&f);
	unsigned posted = 0;

	memset(&m, 0, sizeof(m));
	m.entries = 1U << (fz_u8(&f) % 7);		/* 1 .. 64 */
	m.shift = mode % 3 == 1;
	m.mixed = mode % 3 == 2;
	m.noise = !m.mixed && (mode & 0x80);
	if (m.mixed && m.entries < 2)
		m.entries = 2;
	m.head = m.tail = fz_u32(&f);			/* anywhere: wraps */
	m.cqes = calloc((size_t) m.entries << m.shift, sizeof(*m.cqes));
	FZ_CHECK(m.cqes);

	m.ring.flags = m.shift ? IORING_SETUP_CQE32 :
		       m.mixed ? IORING_SETUP_CQE_MIXED : 0;
	m.ring.features = IORING_FEAT_EXT_ARG;
	m.ring.ring_fd = m.ring.enter_ring_fd = -1;
	m.ring.cq.khead = &m.head;
	m.ring.cq.ktail = &m.tail;
	m.ring.cq.ring_mask = m.entries - 1;
	m.ring.cq.ring_entries = m.entries;
	m.ring.cq.cqes = m.cqes;
	m.ring.sq.kflags = &m.kflags;

	while (f.n && posted < MAX_POSTED) {
		uint8_t op = fz_u8(&f);

		if (op & 1) {
			for (unsigned i = 0; i <= op >> 4; i++)
				if (post(&m, &f))
					posted++;
		} else {
			consume(&m, &f);
		}
	}
	/* Drain: everything posted is read, nothing else. */
	for (int i = 0; i < 4 * MAX_POSTED && m.head != m.tail; i++) {
		struct fz none = { NULL, 0 };

		consume(&m, &none);
	}
	FZ_CHECK(m.head == m.tail);
	FZ_CHECK(m.want_ud == m.next_ud);
	free(m.cqes);
	return 0;
}
