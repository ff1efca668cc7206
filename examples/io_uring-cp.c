/* SPDX-License-Identifier: MIT */
/*
 * io_uring-cp: copy a file with a queue of reads and writes in flight.
 *
 *   io_uring-cp SRC DST
 *
 * Each block is read, and when its read completes a write of the same bytes
 * to the same offset is queued; up to QD blocks are in flight at once. Short
 * reads and writes are resubmitted for the remainder. Written only against
 * the liburing API, so it builds with liburing or uringkit.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QD	16
#define BS	(128 * 1024)

struct block {
	off_t off;		/* file offset of this block */
	size_t len;		/* bytes in the block */
	size_t done;		/* bytes of the current phase completed */
	bool writing;		/* false: reading from src, true: writing to dst */
	char *buf;
};

static int queue(struct io_uring *ring, struct block *b, int in, int out)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	if (b->writing)
		io_uring_prep_write(sqe, out, b->buf + b->done,
				    (unsigned) (b->len - b->done),
				    (__u64) (b->off + (off_t) b->done));
	else
		io_uring_prep_read(sqe, in, b->buf + b->done,
				   (unsigned) (b->len - b->done),
				   (__u64) (b->off + (off_t) b->done));
	io_uring_sqe_set_data(sqe, b);
	return 0;
}

int main(int argc, char **argv)
{
	struct block blocks[QD];
	struct io_uring ring;
	struct stat st;
	off_t next = 0;
	unsigned inflight = 0;
	int in, out, ret;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SRC DST\n", argv[0]);
		return 2;
	}
	in = open(argv[1], O_RDONLY);
	if (in < 0 || fstat(in, &st) < 0) {
		perror(argv[1]);
		return 1;
	}
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		perror(argv[2]);
		return 1;
	}
	ret = io_uring_queue_init(QD, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}

	for (unsigned i = 0; i < QD; i++) {
		blocks[i].buf = malloc(BS);
		if (!blocks[i].buf) {
			perror("malloc");
			return 1;
		}
	}

	/* Start one read per block slot, then keep the queue full. */
	for (unsigned i = 0; i < QD && next < st.st_size; i++) {
		struct block *b = &blocks[i];

		b->off = next;
		b->len = (size_t) (st.st_size - next < BS ? st.st_size - next : BS);
		b->done = 0;
		b->writing = false;
		next += (off_t) b->len;
		queue(&ring, b, in, out);
		inflight++;
	}

	while (inflight) {
		struct io_uring_cqe *cqe;
		struct block *b;

		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0) {
			fprintf(stderr, "submit: %s\n", strerror(-ret));
			return 1;
		}
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret < 0) {
			fprintf(stderr, "wait: %s\n", strerror(-ret));
			return 1;
		}
		b = io_uring_cqe_get_data(cqe);
		if (cqe->res < 0) {
			fprintf(stderr, "%s at offset %lld: %s\n",
				b->writing ? "write" : "read",
				(long long) b->off, strerror(-cqe->res));
			return 1;
		}
		if (cqe->res == 0 && !b->writing) {
			fprintf(stderr, "%s shrank while copying\n", argv[1]);
			return 1;
		}
		b->done += (size_t) cqe->res;
		io_uring_cqe_seen(&ring, cqe);

		if (b->done < b->len) {
			queue(&ring, b, in, out);	/* short: finish it */
		} else if (!b->writing) {
			b->writing = true;		/* read done: write it */
			b->done = 0;
			queue(&ring, b, in, out);
		} else if (next < st.st_size) {
			b->off = next;			/* reuse for the next block */
			b->len = (size_t) (st.st_size - next < BS ?
					   st.st_size - next : BS);
			b->done = 0;
			b->writing = false;
			next += (off_t) b->len;
			queue(&ring, b, in, out);
		} else {
			inflight--;
		}
	}

	io_uring_queue_exit(&ring);
	for (unsigned i = 0; i < QD; i++)
		free(blocks[i].buf);
	if (close(out) < 0) {
		perror(argv[2]);
		return 1;
	}
	close(in);
	return 0;
}
