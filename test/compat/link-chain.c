/* SPDX-License-Identifier: MIT */
/*
 * Linked requests: write -> fsync -> read run in order as one chain
 * (IOSQE_IO_LINK), so the read sees the written data; and when a link in a
 * chain fails, the requests after it complete with -ECANCELED.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <liburing.h>

static int reap(struct io_uring *ring, int n, int *res)
{
	struct io_uring_cqe *cqe;
	int i;

	for (i = 0; i < n; i++) {
		if (io_uring_wait_cqe(ring, &cqe))
			return -1;
		res[cqe->user_data] = cqe->res;
		io_uring_cqe_seen(ring, cqe);
	}
	return 0;
}

int main(void)
{
	char path[] = "/tmp/uringkit-compat-link.XXXXXX";
	const char text[] = "linked requests run in order";
	char back[64];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int fd, ret, res[3];

	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	unlink(path);
	ret = io_uring_queue_init(8, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "queue_init: %s\n", strerror(-ret));
		return ret == -ENOSYS || ret == -EPERM ? 77 : 1;
	}

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, fd, text, sizeof(text), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 0;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, back, sizeof(back), 0);
	sqe->user_data = 2;
	if (io_uring_submit(&ring) != 3 || reap(&ring, 3, res)) {
		fprintf(stderr, "submit/reap failed\n");
		return 1;
	}
	if (res[0] != (int) sizeof(text) || res[1] != 0 ||
	    res[2] != (int) sizeof(text) || memcmp(back, text, sizeof(text))) {
		fprintf(stderr, "chain: %d %d %d\n", res[0], res[1], res[2]);
		return 1;
	}

	/* a read of a bad fd breaks the chain: the two after it never run */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, -1, back, sizeof(back), 0);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 0;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, fd, "X", 1, 0);
	sqe->user_data = 2;
	if (io_uring_submit(&ring) != 3 || reap(&ring, 3, res)) {
		fprintf(stderr, "submit/reap failed\n");
		return 1;
	}
	if (res[0] != -EBADF || res[1] != -ECANCELED || res[2] != -ECANCELED) {
		fprintf(stderr, "broken chain: %d %d %d\n", res[0], res[1],
			res[2]);
		return 1;
	}
	if (pread(fd, back, 1, 0) != 1 || back[0] != 'l') {
		fprintf(stderr, "the cancelled write ran\n");
		return 1;
	}
	close(fd);
	io_uring_queue_exit(&ring);
	printf("link-chain: ok\n");
	return 0;
}
