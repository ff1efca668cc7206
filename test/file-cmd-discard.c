/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_cmd_discard (block device discard over uring_cmd, 6.12) on
 * a loop device backed by a file on a disk file system: after discarding
 * 1 MiB in the middle of a device full of data, that range reads back as
 * zeros while the data around it is intact, and the backing file lost the
 * blocks (st_blocks drops). A misaligned range and a device opened
 * read-only are refused. The loop device is set up with the loop ioctls
 * (LOOP_CTL_GET_FREE, LOOP_CONFIGURE) and detached at exit; without root
 * or loop support the test skips.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/loop.h>
#include <linux/magic.h>
#include "test.h"

#define DEV_SIZE	(8 * 1024 * 1024)
#define MIB		(1024 * 1024)
#define SEED		121

static struct io_uring ring;
static char backing[4096], loopdev[64];
static int loopfd = -1;
static unsigned char *buf;	/* reachable if we skip */

static void cleanup(void)
{
	if (loopfd >= 0) {
		ioctl(loopfd, LOOP_CLR_FD, 0);
		close(loopfd);
		loopfd = -1;
	}
	if (backing[0])
		unlink(backing);
}

static int discard(int fd, __u64 off, __u64 len)
{
	struct io_uring_sqe *sqe = t_get_dirty_sqe(&ring);

	io_uring_prep_cmd_discard(sqe, fd, off, len);
	return t_submit_one(&ring);
}

/* A backing file on a disk file system (loop discard punches holes). */
static int make_backing(void)
{
	const char *cands[3] = { getenv("TMPDIR"), "/var/tmp", "/tmp" };
	unsigned char *data;
	int fd = -1;

	for (int i = 0; i < 3; i++) {
		struct statfs sfs;

		if (!cands[i] || statfs(cands[i], &sfs) ||
		    sfs.f_type == TMPFS_MAGIC)
			continue;
		snprintf(backing, sizeof(backing), "%s/uringkit-loop.XXXXXX",
			 cands[i]);
		fd = mkstemp(backing);
		if (fd >= 0)
			break;
		backing[0] = 0;
	}
	if (fd < 0)
		t_skip("no disk file system for a loop backing file");
	data = malloc(DEV_SIZE);
	ASSERT_NOT_NULL(data);
	t_fill(data, DEV_SIZE, SEED);
	ASSERT_EQ(pwrite(fd, data, DEV_SIZE, 0), DEV_SIZE);
	ASSERT_EQ(fsync(fd), 0);
	free(data);
	return fd;
}

static void attach_loop(int bfd)
{
	struct loop_config cfg;
	int ctl, nr;

	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		t_skip("cannot open /dev/loop-control: %s", strerror(errno));
	for (int tries = 0; tries < 10; tries++) {
		nr = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (nr < 0)
			t_skip("no free loop device: %s", strerror(errno));
		snprintf(loopdev, sizeof(loopdev), "/dev/loop%d", nr);
		loopfd = open(loopdev, O_RDWR | O_CLOEXEC);
		if (loopfd < 0)
			t_skip("cannot open %s: %s", loopdev, strerror(errno));
		memset(&cfg, 0, sizeof(cfg));
		cfg.fd = (__u32) bfd;
		cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
		if (ioctl(loopfd, LOOP_CONFIGURE, &cfg) == 0)
			break;
		/* lost a race for this device with another user: retry */
		if (errno != EBUSY)
			t_skip("LOOP_CONFIGURE on %s: %s", loopdev,
			       strerror(errno));
		close(loopfd);
		loopfd = -1;
	}
	close(ctl);
	if (loopfd < 0)
		t_skip("no loop device could be configured");
}

int main(void)
{
	struct stat st1, st2;
	int bfd, rofd, ret;

	t_require_op(IORING_OP_URING_CMD);
	if (geteuid() != 0)
		t_skip("loop devices need root");
	atexit(cleanup);
	bfd = make_backing();
	attach_loop(bfd);
	t_ring_init(&ring, 4, NULL);

	buf = malloc(DEV_SIZE);
	ASSERT_NOT_NULL(buf);
	ASSERT_EQ(pread(loopfd, buf, DEV_SIZE, 0), DEV_SIZE);
	ASSERT_EQ(t_check_fill(buf, DEV_SIZE, 0, SEED), DEV_SIZE);
	ASSERT_EQ(fstat(bfd, &st1), 0);

	ret = discard(loopfd, 3 * MIB, MIB);
	if (ret == -EOPNOTSUPP || ret == -EINVAL) {
		/* -EINVAL: a kernel before 6.12 has no block uring_cmd */
		t_skip("%s: discard over uring_cmd not supported (%d)",
		       loopdev, ret);
	}
	ASSERT_EQ(ret, 0);

	/* the range is gone, everything else is untouched */
	ASSERT_EQ(pread(loopfd, buf, DEV_SIZE, 0), DEV_SIZE);
	ASSERT_EQ(t_check_fill(buf, 3 * MIB, 0, SEED), 3 * MIB);
	for (size_t i = 3 * MIB; i < 4 * MIB; i++)
		if (buf[i])
			t_fail("device byte %zu is %#x after discard", i,
			       buf[i]);
	ASSERT_EQ(t_check_fill(buf + 4 * MIB, 4 * MIB, 4 * MIB, SEED),
		  4 * MIB);
	/* the loop driver punched a hole into the backing file */
	ASSERT_EQ(fstat(bfd, &st2), 0);
	ASSERT_LE(st2.st_blocks, st1.st_blocks - MIB / 512);
	ASSERT_EQ(st2.st_size, DEV_SIZE);

	/* the range must be block aligned */
	ASSERT_EQ(discard(loopfd, 1, 4096), -EINVAL);
	ASSERT_EQ(discard(loopfd, 0, 100), -EINVAL);
	/* and beyond the device is no good either */
	ASSERT_EQ(discard(loopfd, DEV_SIZE, MIB), -EINVAL);
	/* a read-only open may not discard */
	rofd = open(loopdev, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(rofd, 0);
	ASSERT_EQ(discard(rofd, 0, MIB), -EBADF);
	close(rofd);
	/* nothing else was lost */
	ASSERT_EQ(pread(loopfd, buf, MIB, 0), MIB);
	ASSERT_EQ(t_check_fill(buf, MIB, 0, SEED), MIB);

	io_uring_queue_exit(&ring);
	free(buf);
	close(bfd);
	return T_EXIT_PASS;
}
