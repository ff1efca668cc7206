/* SPDX-License-Identifier: MIT */
/*
 * O_DIRECT through the file prep helpers, on a disk file system (tmpfs
 * refuses O_DIRECT; the directory is chosen with statfs() among $TMPDIR,
 * /var/tmp, the build directory and the current directory): reads into
 * 4 KiB aligned buffers return the file's bytes, for plain, fixed-buffer
 * and vectored fixed-buffer reads; a fixed-buffer O_DIRECT write lands on
 * disk (checked through a buffered descriptor after the O_DIRECT one is
 * closed); a misaligned buffer is refused with -EINVAL when the device
 * requires alignment (statx STATX_DIOALIGN).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include "test.h"

#define FILE_SIZE	(256 * 1024)
#define SEED		111
#define ALIGN		4096

static struct io_uring ring;
static unsigned char *buf, *wbuf;	/* reachable if we skip */

static char path[4096];

/* A directory, not tmpfs, where an O_DIRECT open works. */
static bool pick_dir(const char *base)
{
	struct statfs sfs;
	int fd;

	if (!base || !*base || statfs(base, &sfs) || sfs.f_type == TMPFS_MAGIC)
		return false;
	snprintf(path, sizeof(path), "%s/uringkit-odirect.XXXXXX", base);
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	close(fd);
	fd = open(path, O_RDWR | O_DIRECT);
	if (fd < 0) {
		unlink(path);
		return false;
	}
	close(fd);
	return true;
}

static void cleanup(void)
{
	if (path[0])
		unlink(path);
}

int main(void)
{
	const char *cands[] = { getenv("TMPDIR"), "/var/tmp",
				getenv("URINGKIT_BUILD"), ".", NULL };
	struct iovec reg[2], iov[2];
	struct statx stx;
	bool found = false;
	int fd, dfd, ret;

	for (int i = 0; i < 4 && !found; i++)
		found = pick_dir(cands[i]);
	if (!found) {
		path[0] = 0;
		t_skip("no directory on a file system that supports O_DIRECT");
	}
	atexit(cleanup);

	/* the contents, written and synced through the page cache */
	fd = open(path, O_RDWR | O_TRUNC);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(posix_memalign((void **) &buf, ALIGN, FILE_SIZE), 0);
	ASSERT_EQ(posix_memalign((void **) &wbuf, ALIGN, 65536), 0);
	t_fill(buf, FILE_SIZE, SEED);
	ASSERT_EQ(pwrite(fd, buf, FILE_SIZE, 0), FILE_SIZE);
	ASSERT_EQ(fsync(fd), 0);
	close(fd);

	t_ring_init(&ring, 8, NULL);
	dfd = open(path, O_RDWR | O_DIRECT);
	ASSERT_GE(dfd, 0);

	/* plain read */
	memset(buf, 0, FILE_SIZE);
	io_uring_prep_read(t_get_dirty_sqe(&ring), dfd, buf, 65536, 16384);
	ASSERT_EQ(t_submit_one(&ring), 65536);
	ASSERT_EQ(t_check_fill(buf, 65536, 16384, SEED), 65536);

	/* fixed buffers */
	reg[0].iov_base = buf;
	reg[0].iov_len = FILE_SIZE;
	reg[1].iov_base = wbuf;
	reg[1].iov_len = 65536;
	ret = io_uring_register_buffers(&ring, reg, 2);
	if (ret == -ENOMEM)
		t_skip("cannot pin registered buffers (RLIMIT_MEMLOCK)");
	ASSERT_EQ(ret, 0);

	memset(buf, 0, FILE_SIZE);
	io_uring_prep_read_fixed(t_get_dirty_sqe(&ring), dfd, buf + 8192, 32768,
				 4096, 0);
	ASSERT_EQ(t_submit_one(&ring), 32768);
	ASSERT_EQ(t_check_fill(buf + 8192, 32768, 4096, SEED), 32768);

	if (t_op_supported(IORING_OP_READV_FIXED)) {
		memset(buf, 0, FILE_SIZE);
		iov[0].iov_base = buf + 65536;
		iov[0].iov_len = 8192;
		iov[1].iov_base = buf;
		iov[1].iov_len = 4096;
		io_uring_prep_readv_fixed(t_get_dirty_sqe(&ring), dfd, iov, 2,
					  131072, 0, 0);
		ASSERT_EQ(t_submit_one(&ring), 12288);
		ASSERT_EQ(t_check_fill(buf + 65536, 8192, 131072, SEED), 8192);
		ASSERT_EQ(t_check_fill(buf, 4096, 131072 + 8192, SEED), 4096);
	}

	/* an O_DIRECT fixed write, then read back through the page cache */
	for (int i = 0; i < 65536; i++)
		wbuf[i] = (unsigned char) (i ^ (i >> 9) ^ 0x5c);
	io_uring_prep_write_fixed(t_get_dirty_sqe(&ring), dfd, wbuf, 65536,
				  65536, 1);
	ASSERT_EQ(t_submit_one(&ring), 65536);
	{
		unsigned char *back = malloc(65536);
		int bfd;

		close(dfd);
		bfd = open(path, O_RDONLY);
		ASSERT_GE(bfd, 0);
		ASSERT_NOT_NULL(back);
		ASSERT_EQ(pread(bfd, back, 65536, 65536), 65536);
		ASSERT_MEM_EQ(back, wbuf, 65536);
		ASSERT_EQ(pread(bfd, back, 4096, 61440), 4096);
		ASSERT_EQ(t_check_fill(back, 4096, 61440, SEED), 4096);
		close(bfd);
		free(back);
		dfd = open(path, O_RDWR | O_DIRECT);
		ASSERT_GE(dfd, 0);
	}

	/* misalignment, when the file system has a requirement to break */
	if (statx(dfd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) == 0 &&
	    (stx.stx_mask & STATX_DIOALIGN) && stx.stx_dio_mem_align > 1) {
		io_uring_prep_read(t_get_dirty_sqe(&ring), dfd, buf + 1, 4096,
				   0);
		ASSERT_EQ(t_submit_one(&ring), -EINVAL);
	}
	if (statx(dfd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) == 0 &&
	    (stx.stx_mask & STATX_DIOALIGN) && stx.stx_dio_offset_align > 1) {
		io_uring_prep_read_fixed(t_get_dirty_sqe(&ring), dfd, buf, 4096,
					 1, 0);
		ASSERT_EQ(t_submit_one(&ring), -EINVAL);
	}

	close(dfd);
	io_uring_queue_exit(&ring);
	free(buf);
	free(wbuf);
	return T_EXIT_PASS;
}
