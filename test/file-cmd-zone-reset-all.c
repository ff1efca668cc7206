/* SPDX-License-Identifier: MIT */
/*
 * io_uring_prep_cmd_zone_reset_all (BLOCK_URING_CMD_ZONE_RESET_ALL):
 *  - every SQE field, from an SQE full of 0xff, and the command's value,
 *    _IO(0x12, 1), next to discard's _IO(0x12, 0);
 *  - the command reaches the kernel as a uring_cmd: on a regular file it is
 *    refused with -EOPNOTSUPP (only block devices take block commands);
 *  - the reset itself needs a zoned block device opened for writing, which
 *    the test looks for in /sys/block/<dev>/queue/zoned; without one (the
 *    usual case, and it needs root) the test skips with that reason; on one
 *    the command must succeed (res 0).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

_Static_assert(BLOCK_URING_CMD_ZONE_RESET_ALL == 0x1201, "_IO(0x12, 1)");
_Static_assert(BLOCK_URING_CMD_DISCARD == 0x1200, "_IO(0x12, 0)");

static void check_fields(void)
{
	struct io_uring_sqe sqe;

	memset(&sqe, 0xff, sizeof(sqe));
	io_uring_prep_cmd_zone_reset_all(&sqe, 11);
	ASSERT_EQ(sqe.opcode, IORING_OP_URING_CMD);
	ASSERT_EQ(sqe.flags, 0);
	ASSERT_EQ(sqe.ioprio, 0);
	ASSERT_EQ(sqe.fd, 11);
	ASSERT_EQ(sqe.cmd_op, (__u32) BLOCK_URING_CMD_ZONE_RESET_ALL);
	ASSERT_EQ(sqe.__pad1, 0);
	ASSERT_EQ(sqe.addr, 0u);
	ASSERT_EQ(sqe.len, 0);
	ASSERT_EQ(sqe.uring_cmd_flags, 0);
	ASSERT_EQ(sqe.buf_index, 0);
	ASSERT_EQ(sqe.personality, 0);
	ASSERT_EQ(sqe.file_index, 0u);
	ASSERT_EQ(sqe.addr3, 0u);
	ASSERT_EQ(sqe.__pad2[0], 0);
}

/* The first block device whose queue says host-managed zones. */
static bool find_zoned(char *dev, size_t size)
{
	struct dirent *d;
	DIR *dir = opendir("/sys/block");
	bool found = false;

	if (!dir)
		return false;
	while (!found && (d = readdir(dir))) {
		char path[512], model[64] = "";
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/queue/zoned",
			 d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(model, sizeof(model), f) &&
		    !strncmp(model, "host-managed", 12)) {
			snprintf(dev, size, "/dev/%s", d->d_name);
			found = true;
		}
		fclose(f);
	}
	closedir(dir);
	return found;
}

int main(void)
{
	struct io_uring ring;
	char dev[300], path[4096];
	int fd, ret;

	check_fields();
	t_ring_init(&ring, 4, NULL);

	snprintf(path, sizeof(path), "%s/plain", t_tmpdir());
	fd = t_create_file(path, 4096, 1);
	io_uring_prep_cmd_zone_reset_all(t_get_sqe(&ring), fd);
	ret = t_submit_one(&ring);
	ASSERT_EQ(ret, -EOPNOTSUPP);
	close(fd);

	if (!find_zoned(dev, sizeof(dev)))
		t_skip("no zoned block device (host-managed) on this machine");
	fd = open(dev, O_RDWR | O_DIRECT | O_EXCL);
	if (fd < 0)
		t_skip("cannot open %s for writing: %s", dev, strerror(errno));
	io_uring_prep_cmd_zone_reset_all(t_get_sqe(&ring), fd);
	ret = t_submit_one(&ring);
	if (ret == -EOPNOTSUPP || ret == -EINVAL)
		t_skip("kernel lacks BLOCK_URING_CMD_ZONE_RESET_ALL: %s",
		       strerror(-ret));
	ASSERT_EQ(ret, 0);
	close(fd);
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
