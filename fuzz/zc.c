/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the uringkit_zc arena, against a model.
 *
 * One io_uring is created once; each input creates an arena of 1 to 16
 * pages on it and decodes a sequence of calls: alloc, free (of chunks and
 * of any address), prep_send and prep_sendmsg (pieces of chunks, of freed
 * chunks, of free space, outside the arena, empty), and completions (the
 * send's result with or without F_MORE, its notification, stale, repeated
 * and foreign ones). Nothing is submitted: each prepared SQE is checked
 * and handed back. The model knows which chunks the application holds
 * and which requests refer to which chunks, and so predicts every return
 * value but alloc's (whose placement is the allocator's business): for
 * alloc it checks the chunk is aligned, inside the arena, overlaps no
 * live chunk, and that an empty arena always has room. Every live chunk
 * carries a pattern that must survive until it dies.
 */
#include <liburing.h>
#include <uringkit/zc.h>
#include "fuzz.h"

#define MAX_CHUNKS 512
#define MAX_REQS 256
#define MAX_PIECES 8
/*
 * Arenas kept from one input to the next in slots 0..15, one per size (a
 * create and a free per input would be most of the time spent), handed
 * back empty; slot 16 for an arena made and freed by one input.
 */
#define NR_SIZES 16
#define NR_SLOTS (NR_SIZES + 1)

struct chunk {
	unsigned char *p;
	size_t len;		/* rounded up to URINGKIT_ZC_ALIGN */
	unsigned refs;		/* requests in flight using it */
	bool held;
	uint8_t seed;
};

struct req {
	uint64_t ud;
	int id;
	int state;		/* 1: waiting for the result, 2: for the notif */
	unsigned nr;
	unsigned chunk[MAX_PIECES];	/* indexes into chunks[] */
};

static struct chunk chunks[MAX_CHUNKS];
static unsigned nr_chunks;
static struct req reqs[MAX_REQS];
static unsigned nr_reqs;

static struct io_uring *shared_ring(void)
{
	static struct io_uring ring;
	static int state;

	/* a table of empty slots, which arenas fill (ARENA_UPDATE) */
	if (!state)
		state = io_uring_queue_init(8, &ring, 0) ||
			io_uring_register_buffers_sparse(&ring, NR_SLOTS) ?
			-1 : 1;
	return state > 0 ? &ring : NULL;
}

static unsigned char pat(const struct chunk *c, size_t i)
{
	return (unsigned char) (c->seed + i * 13);
}

/*
 * Seventeen bytes spread over the chunk, its first and last among them:
 * enough to see a chunk handed out twice, cheap enough for speed.
 */
static size_t probe(const struct chunk *c, unsigned k)
{
	return k < 16 ? c->len * k / 16 : c->len - 1;
}

static void check_chunk(const struct chunk *c)
{
	for (unsigned k = 0; k <= 16; k++)
		FZ_CHECK(c->p[probe(c, k)] == pat(c, probe(c, k)));
}

static void drop_chunk(unsigned i)
{
	check_chunk(&chunks[i]);
	/* keep indexes stable for the requests: move the last one here */
	chunks[i] = chunks[--nr_chunks];
	for (unsigned r = 0; r < nr_reqs; r++)
		for (unsigned k = 0; k < reqs[r].nr; k++)
			if (reqs[r].chunk[k] == nr_chunks)
				reqs[r].chunk[k] = i;
}

static void maybe_drop(unsigned i)
{
	if (!chunks[i].held && !chunks[i].refs)
		drop_chunk(i);
}

/* The held chunk wholly containing [p, p + len), or -1. */
static int held_chunk_of(const unsigned char *p, size_t len)
{
	for (unsigned i = 0; i < nr_chunks; i++) {
		const struct chunk *c = &chunks[i];

		if (p >= c->p && p < c->p + c->len)
			return c->held && len <= (size_t) (c->p + c->len - p) ?
			       (int) i : -1;
	}
	return -1;
}

/* What prep would answer for one piece: a chunk index, or -errno. */
static int expect_piece(unsigned char *base, size_t size,
			const unsigned char *p, size_t len)
{
	int c;

	if (p < base || p >= base + size || len > (size_t) (base + size - p))
		return -EFAULT;
	if (!len)
		return -EINVAL;
	c = held_chunk_of(p, len);
	return c < 0 ? -EINVAL : c;
}

/* A piece: mostly inside a chunk, sometimes anywhere near the arena. */
static struct iovec pick_piece(struct fz *f, unsigned char *base, size_t size)
{
	uint8_t how = fz_u8(f);
	struct iovec v;

	if (nr_chunks && how < 192) {
		struct chunk *c = &chunks[fz_u8(f) % nr_chunks];
		size_t off = (size_t) fz_range(f, c->len);

		v.iov_base = c->p + off;
		v.iov_len = (size_t) fz_range(f, c->len - off + 1);
	} else {
		long off = (long) fz_range(f, size + 8192) - 4096;

		v.iov_base = base + off;
		v.iov_len = (size_t) fz_range(f, size + 64);
	}
	return v;
}

static void prep(struct fz *f, struct io_uring *ring,
		 struct uringkit_zc_arena *a, unsigned char *base,
		 size_t size, bool single, uint64_t *ud_high,
		 unsigned buf_index)
{
	struct iovec iov[MAX_PIECES];
	unsigned n = single ? 1 : fz_u8(f) % (MAX_PIECES + 1);
	struct io_uring_sqe *sqe;
	struct req r = { 0 };
	int want = 0, ret;

	for (unsigned i = 0; i < n; i++)
		iov[i] = pick_piece(f, base, size);
	if (single) {
		if (!iov[0].iov_len)
			want = -EINVAL;
	} else if (!n) {
		want = -EINVAL;
	}
	for (unsigned i = 0; i < n && !want; i++) {
		int c = expect_piece(base, size, iov[i].iov_base,
				     iov[i].iov_len);

		if (c < 0)
			want = c;
		else if (!r.nr || r.chunk[r.nr - 1] != (unsigned) c)
			r.chunk[r.nr++] = (unsigned) c;
	}
	if (!want && nr_reqs == MAX_REQS)
		return;		/* the model is full; the arena is not */

	sqe = io_uring_get_sqe(ring);
	FZ_CHECK(sqe);
	if (single) {
		ret = uringkit_zc_prep_send(a, sqe, 3, iov[0].iov_base,
					    iov[0].iov_len, 0);
	} else {
		struct msghdr msg;

		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = n;
		ret = uringkit_zc_prep_sendmsg(a, sqe, 3, &msg, 0);
	}
	if (want) {
		FZ_CHECK(ret == want);
		FZ_CHECK(io_uring_sq_ready(ring) == 0);	/* sqe given back */
		return;
	}
	FZ_CHECK(ret >= 0);
	FZ_CHECK(sqe->opcode == (single ? IORING_OP_SEND_ZC :
					  IORING_OP_SENDMSG_ZC));
	FZ_CHECK(sqe->buf_index == buf_index);
	FZ_CHECK(sqe->user_data >> 48 == URINGKIT_ZC_USER_DATA_TAG);
	if (!*ud_high)
		*ud_high = sqe->user_data & ~(uint64_t) 0xffffffff;
	FZ_CHECK((sqe->user_data & ~(uint64_t) 0xffffffff) == *ud_high);
	for (unsigned i = 0; i < nr_reqs; i++)
		FZ_CHECK(reqs[i].id != ret && reqs[i].ud != sqe->user_data);
	r.id = ret;
	r.ud = sqe->user_data;
	r.state = 1;
	for (unsigned k = 0; k < r.nr; k++)
		chunks[r.chunk[k]].refs++;
	reqs[nr_reqs++] = r;
	/* Nothing is submitted: hand the SQE back. */
	ring->sq.sqe_tail--;
}

static void complete(struct fz *f, struct uringkit_zc_arena *a,
		     uint64_t ud_high)
{
	struct io_uring_cqe cqe = { 0 };
	struct uringkit_zc_event ev = { -1, -1 };
	uint8_t how = fz_u8(f);
	int r = -1, want, ret;

	cqe.res = (int32_t) fz_u32(f);
	if (nr_reqs && how < 160) {
		r = (int) (fz_u8(f) % nr_reqs);
		cqe.user_data = reqs[r].ud;
	} else if (ud_high && how < 220) {
		/* ours by its tag, but any request and generation */
		cqe.user_data = ud_high | fz_u32(f);
	} else {
		cqe.user_data = fz_u64(f);
	}
	cqe.flags = (how & 1) ? IORING_CQE_F_NOTIF :
		    (how & 2) ? IORING_CQE_F_MORE : 0;
	if (how & 4)
		cqe.flags |= fz_u32(f) & ~(IORING_CQE_F_NOTIF |
					   IORING_CQE_F_MORE);
	if (r < 0) {
		for (unsigned i = 0; i < nr_reqs; i++)
			if (reqs[i].ud == cqe.user_data)
				r = (int) i;
	}

	if ((cqe.user_data & ~(uint64_t) 0xffffffff) != ud_high || !ud_high)
		want = 0;
	else if (r < 0)
		want = -EALREADY;
	else if (cqe.flags & IORING_CQE_F_NOTIF)
		want = URINGKIT_ZC_DONE;
	else if (reqs[r].state != 1)
		want = -EALREADY;
	else if (cqe.flags & IORING_CQE_F_MORE)
		want = URINGKIT_ZC_RESULT;
	else
		want = URINGKIT_ZC_RESULT | URINGKIT_ZC_DONE;
	/* a foreign CQE may not look like one of ours by chance */
	if (!ud_high && cqe.user_data >> 48 == URINGKIT_ZC_USER_DATA_TAG)
		return;

	ret = uringkit_zc_complete(a, &cqe, &ev);
	FZ_CHECK(ret == want);
	if (want <= 0)
		return;
	FZ_CHECK(ev.id == reqs[r].id && ev.res == cqe.res);
	if (!(want & URINGKIT_ZC_DONE)) {
		reqs[r].state = 2;
		return;
	}
	{
		struct req done = reqs[r];

		reqs[r] = reqs[--nr_reqs];
		for (unsigned k = 0; k < done.nr; k++)
			chunks[done.chunk[k]].refs--;
		/* drop from the highest index: drop_chunk() moves the last */
		for (unsigned i = nr_chunks; i-- > 0;)
			maybe_drop(i);
	}
}

static struct {
	struct uringkit_zc_arena *a;
	unsigned char *base;
	uint64_t ud_high;
} kept[NR_SIZES];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t sz)
{
	struct fz f = { data, sz };
	struct io_uring *ring = shared_ring();
	struct uringkit_zc_arena *a;
	unsigned char *base = NULL;
	uint64_t ud_high = 0;
	uint8_t how;
	unsigned slot;
	size_t size;
	int err = 1;

	if (!ring)
		return 0;
	how = fz_u8(&f);
	size = 4096 * (1 + how % NR_SIZES);
	slot = (how & 0x80) ? NR_SIZES : how % NR_SIZES;
	if (slot < NR_SIZES && kept[slot].a) {
		a = kept[slot].a;
		base = kept[slot].base;
		ud_high = kept[slot].ud_high;
	} else {
		a = uringkit_zc_arena_create(ring, size, slot,
					     URINGKIT_ZC_ARENA_UPDATE, &err);
		if (!a) {
			FZ_CHECK(err == -ENOMEM);	/* memlock only */
			return 0;
		}
		if (slot < NR_SIZES)
			kept[slot].a = a;
	}
	nr_chunks = nr_reqs = 0;

	while (f.n) {
		uint8_t op = fz_u8(&f);

		switch (op % 6) {
		case 0: case 1: {		/* alloc */
			size_t len = (size_t) fz_range(&f, size + 128);
			unsigned char *p = uringkit_zc_alloc(a, len);
			size_t rl = (len + URINGKIT_ZC_ALIGN - 1) &
				    ~(size_t) (URINGKIT_ZC_ALIGN - 1);

			if (!len || len > size) {
				FZ_CHECK(!p);
				break;
			}
			if (!p) {
				FZ_CHECK(nr_chunks);	/* empty: must fit */
				break;
			}
			if (!base)	/* the first chunk of an empty arena */
				base = p;
			FZ_CHECK(!((uintptr_t) p % URINGKIT_ZC_ALIGN));
			FZ_CHECK(p >= base && p + rl <= base + size);
			for (unsigned i = 0; i < nr_chunks; i++)
				FZ_CHECK(p + rl <= chunks[i].p ||
					 chunks[i].p + chunks[i].len <= p);
			if (nr_chunks == MAX_CHUNKS) {
				FZ_CHECK(uringkit_zc_free(a, p) == 0);
				break;
			}
			chunks[nr_chunks] = (struct chunk) {
				.p = p, .len = rl, .held = true,
				.seed = fz_u8(&f),
			};
			for (unsigned k = 0; k <= 16; k++) {
				size_t i = probe(&chunks[nr_chunks], k);

				p[i] = pat(&chunks[nr_chunks], i);
			}
			nr_chunks++;
			break;
		}
		case 2: {			/* free */
			unsigned char *p;
			int c = -1, ret;

			if (nr_chunks && op < 200) {
				c = (int) (fz_u8(&f) % nr_chunks);
				p = chunks[c].p + ((op & 0x10) ? fz_u8(&f) : 0);
			} else {
				uintptr_t b = base ? (uintptr_t) base : 1 << 20;

				p = (unsigned char *) (b - 4096 +
					(uintptr_t) fz_range(&f, size + 8192));
			}
			if (c >= 0 && p != chunks[c].p)
				c = -1;
			if (c < 0)	/* any address: a chunk's start? */
				for (unsigned i = 0; i < nr_chunks; i++)
					if (chunks[i].p == p)
						c = (int) i;
			ret = uringkit_zc_free(a, p);
			if (c < 0 || !chunks[c].held) {
				FZ_CHECK(ret == -EINVAL);
				break;
			}
			FZ_CHECK(ret == 0);
			chunks[c].held = false;
			maybe_drop((unsigned) c);
			break;
		}
		case 3:
			if (base)
				prep(&f, ring, a, base, size, op & 0x80,
				     &ud_high, slot);
			break;
		default:
			complete(&f, a, ud_high);
			break;
		}
		FZ_CHECK(uringkit_zc_inflight(a) == nr_reqs);
	}
	for (unsigned i = 0; i < nr_chunks; i++)
		check_chunk(&chunks[i]);
	if (slot < NR_SIZES) {
		/* hand it back empty: every request done, every chunk freed */
		while (nr_reqs) {
			struct io_uring_cqe cqe = { 0 };

			cqe.user_data = reqs[nr_reqs - 1].ud;
			cqe.flags = IORING_CQE_F_NOTIF;
			FZ_CHECK(uringkit_zc_complete(a, &cqe, NULL) ==
				 URINGKIT_ZC_DONE);
			nr_reqs--;
		}
		for (unsigned i = 0; i < nr_chunks; i++)
			if (chunks[i].held)
				FZ_CHECK(uringkit_zc_free(a, chunks[i].p) == 0);
		FZ_CHECK(uringkit_zc_inflight(a) == 0);
		kept[slot].base = base;
		kept[slot].ud_high = ud_high;
		return 0;
	}
	if (nr_reqs) {
		FZ_CHECK(uringkit_zc_arena_free(a, 0) == -EBUSY);
		FZ_CHECK(uringkit_zc_arena_free(a, URINGKIT_ZC_FREE_FORCE) == 0);
	} else {
		FZ_CHECK(uringkit_zc_arena_free(a, 0) == 0);
	}
	return 0;
}
