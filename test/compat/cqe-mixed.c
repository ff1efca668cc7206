/* SPDX-License-Identifier: MIT */
/*
 * Completions on an IORING_SETUP_CQE_MIXED ring (Linux 6.18), walked the
 * three ways liburing programs do: io_uring_for_each_cqe() counting slots
 * with io_uring_cqe_nr() and stepping over padding (IORING_CQE_F_SKIP),
 * io_uring_peek_batch_cqe() advancing by the summed io_uring_cqe_nr(), and
 * io_uring_wait_cqe()/io_uring_cqe_seen(). 16- and 32-byte NOP completions
 * alternate over several laps of an 8-slot CQ, so padding shows up; every
 * NOP must be seen exactly once, in order.
 */
#include <stdio.h>
#include <string.h>
#include <liburing.h>

#define ROUNDS	12

static __u64 next_ud = 1, expect_ud = 1;

static void queue(struct io_uring *ring, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		io_uring_prep_nop(sqe);
		if (next_ud % 2)
			sqe->nop_flags = IORING_NOP_CQE32;
		sqe->user_data = next_ud++;
	}
	io_uring_submit_and_wait(ring, (unsigned) n);
}

static int check(const struct io_uring_cqe *cqe)
{
	int big = !!(cqe->flags & IORING_CQE_F_32);

	if (cqe->user_data != expect_ud || cqe->res != 0 ||
	    big != (int) (expect_ud % 2)) {
		fprintf(stderr, "cqe %llu (want %llu) res %d big %d\n",
			(unsigned long long) cqe->user_data,
			(unsigned long long) expect_ud, cqe->res, big);
		return 1;
	}
	expect_ud++;
	return 0;
}

int main(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *cqe, *batch[8];
	unsigned head, slots, n, i;
	int r, ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE;
	p.cq_entries = 8;
	ret = io_uring_queue_init_params(4, &ring, &p);
	if (ret == -EINVAL) {
		printf("skip: kernel lacks IORING_SETUP_CQE_MIXED (6.18)\n");
		return 77;
	}
	if (ret < 0) {
		fprintf(stderr, "queue_init: %s\n", strerror(-ret));
		return ret == -ENOSYS || ret == -EPERM ? 77 : 1;
	}

	for (r = 0; r < ROUNDS; r++) {
		queue(&ring, 3);
		switch (r % 3) {
		case 0:
			slots = 0;
			io_uring_for_each_cqe(&ring, head, cqe) {
				slots += io_uring_cqe_nr(cqe);
				if (cqe->flags & IORING_CQE_F_SKIP)
					continue;
				if (check(cqe))
					return 1;
			}
			io_uring_cq_advance(&ring, slots);
			break;
		case 1:
			while (expect_ud < next_ud) {
				n = io_uring_peek_batch_cqe(&ring, batch, 8);
				slots = 0;
				for (i = 0; i < n; i++) {
					if (check(batch[i]))
						return 1;
					slots += io_uring_cqe_nr(batch[i]);
				}
				io_uring_cq_advance(&ring, slots);
			}
			break;
		default:
			while (expect_ud < next_ud) {
				if (io_uring_wait_cqe(&ring, &cqe) ||
				    check(cqe))
					return 1;
				io_uring_cqe_seen(&ring, cqe);
			}
		}
		if (expect_ud != next_ud || io_uring_cq_ready(&ring)) {
			fprintf(stderr, "round %d: %llu of %llu seen, %u left\n",
				r, (unsigned long long) expect_ud - 1,
				(unsigned long long) next_ud - 1,
				io_uring_cq_ready(&ring));
			return 1;
		}
	}
	io_uring_queue_exit(&ring);
	printf("cqe-mixed: %llu CQEs in order\n",
	       (unsigned long long) expect_ud - 1);
	return 0;
}
