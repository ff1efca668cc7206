/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: io_uring_memory_size_params() and io_uring_queue_init_mem().
 *
 * Input: setup flags (from the set that needs no other resource), entries,
 * cq_entries, and how the buffer's size relates to the size the library
 * computed. The buffer is page-aligned and filled with a canary; then:
 *  - a size the library refuses is refused by init_mem with the same errno;
 *  - a buffer one byte short gets -ENOMEM, and nothing is written to it;
 *  - a buffer large enough gives a ring (or an errno other than -ENOMEM
 *    when the kernel refuses the flags) that completes a NOP, and neither
 *    library nor kernel writes a byte past the computed size: the kernel
 *    lays the rings out itself, so a size that undercounts shows here.
 */
#include <liburing.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz.h"

#define CANARY 0xa5

static const unsigned fuzzed_flags =
	IORING_SETUP_IOPOLL | IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP |
	IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN |
	IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |
	IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
	IORING_SETUP_NO_SQARRAY | IORING_SETUP_HYBRID_IOPOLL |
	IORING_SETUP_CQE_MIXED | IORING_SETUP_SQE_MIXED |
	IORING_SETUP_REGISTERED_FD_ONLY;

static const unsigned char *canary_page(size_t page)
{
	static unsigned char *p;

	if (!p) {
		p = malloc(page);
		FZ_CHECK(p);
		memset(p, CANARY, page);
	}
	return p;
}

static void nop_round_trip(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe = NULL;

	FZ_CHECK(sqe);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 0x5eed);
	FZ_CHECK(io_uring_submit_and_wait(ring, 1) == 1);
	FZ_CHECK(io_uring_peek_cqe(ring, &cqe) == 0 && cqe);
	FZ_CHECK(cqe->user_data == 0x5eed && cqe->res == 0);
	io_uring_cqe_seen(ring, cqe);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct io_uring_params p, q;
	struct io_uring ring;
	size_t page = (size_t) sysconf(_SC_PAGESIZE), buf_size, map_len;
	unsigned entries;
	unsigned char *buf;
	ssize_t need;
	uint8_t how;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = fz_u32(&f) & fuzzed_flags;
	how = fz_u8(&f);
	/* mostly rings of up to 256 entries; now and then anything */
	entries = (how & 1) ? fz_u32(&f) : fz_u8(&f);
	p.cq_entries = (how & 2) ? fz_u32(&f) : fz_u16(&f) % 1024;
	need = io_uring_memory_size_params(entries, &p);

	if (need < 0) {
		buf_size = page;
	} else {
		int16_t delta = (int16_t) fz_u16(&f);

		/* around the boundary: exact, one short, a little either way */
		if (how & 4)
			delta = (how & 8) ? -1 : 0;
		buf_size = delta < 0 && (size_t) -delta > (size_t) need ?
			   0 : (size_t) need + delta;
	}
	/* Rings beyond 2 MiB only cost time; their sizes are fuzzed above. */
	if (buf_size > (2U << 20))
		return 0;
	map_len = buf_size ? (buf_size + page - 1) & ~(page - 1) : page;
	buf = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 0;
	memset(buf, CANARY, map_len);

	q = p;
	ret = io_uring_queue_init_mem(entries, &ring, &q, buf, buf_size);
	if (need < 0) {
		FZ_CHECK(ret == need);
	} else if (buf_size < (size_t) need) {
		FZ_CHECK(ret == -ENOMEM);
	} else if (ret < 0) {
		/* the kernel may refuse the flags, never for want of room */
		FZ_CHECK(ret != -ENOMEM);
	} else {
		FZ_CHECK(ret == need);
		if (!(q.flags & IORING_SETUP_IOPOLL))
			nop_round_trip(&ring);
		io_uring_queue_exit(&ring);
	}
	if (ret < 0)
		FZ_CHECK(ring.ring_fd == -1 && ring.enter_ring_fd == -1);
	/*
	 * Past the computed size: untouched. A buffer refused as too small
	 * (or for bad parameters) is not touched at all.
	 */
	{
		size_t i = need >= 0 && buf_size >= (size_t) need ?
			   (size_t) need : 0;

		/* byte by byte to the next page, then page by page */
		for (; i < map_len && (i & (page - 1)); i++)
			FZ_CHECK(buf[i] == CANARY);
		for (; i < map_len; i += page)
			FZ_CHECK(!memcmp(buf + i, canary_page(page), page));
	}
	munmap(buf, map_len);
	return 0;
}
