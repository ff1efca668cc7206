/* SPDX-License-Identifier: MIT */
/*
 * A cat in the style of liburing's io_uring-cat example: read a file in
 * blocks, each block one IORING_OP_READV of several iovecs, and write the
 * data out (here into a memory buffer, compared with what was written to
 * the file).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <liburing.h>

#define BS		1024
#define NR_IOV		4
#define FILE_SZ		(BS * 37 + 123)

int main(void)
{
	char path[] = "/tmp/uringkit-compat-cat.XXXXXX";
	static char data[FILE_SZ], out[FILE_SZ];
	static char blocks[NR_IOV][BS];
	struct iovec iov[NR_IOV];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe = NULL;
	off_t off = 0;
	int fd, i, ret;

	for (i = 0; i < FILE_SZ; i++)
		data[i] = (char) ('a' + i % 26);
	fd = mkstemp(path);
	if (fd < 0 || write(fd, data, FILE_SZ) != FILE_SZ) {
		perror("temp file");
		return 1;
	}
	unlink(path);

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "queue_init: %s\n", strerror(-ret));
		return ret == -ENOSYS || ret == -EPERM ? 77 : 1;
	}

	for (;;) {
		for (i = 0; i < NR_IOV; i++) {
			iov[i].iov_base = blocks[i];
			iov[i].iov_len = BS;
		}
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_readv(sqe, fd, iov, NR_IOV, off);
		io_uring_submit(&ring);
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret < 0 || cqe->res < 0) {
			fprintf(stderr, "readv: %d/%d\n", ret, cqe ? cqe->res : 0);
			return 1;
		}
		ret = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
		if (!ret)
			break;
		for (i = 0; i < NR_IOV && ret > 0; i++) {
			int n = ret < BS ? ret : BS;

			memcpy(out + off, blocks[i], n);
			off += n;
			ret -= n;
		}
	}
	if (off != FILE_SZ || memcmp(out, data, FILE_SZ)) {
		fprintf(stderr, "read back %lld bytes, or they differ\n",
			(long long) off);
		return 1;
	}
	io_uring_queue_exit(&ring);
	close(fd);
	printf("cat-readv: %lld bytes\n", (long long) off);
	return 0;
}
