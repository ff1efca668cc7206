/* SPDX-License-Identifier: MIT */
/*
 * Registered files: io_uring_register_files, _files_tags, _files_sparse,
 * _files_update_tag, _files_update, io_uring_unregister_files and
 * io_uring_register_file_alloc_range. Slots are checked by reading through
 * them with IOSQE_FIXED_FILE (each file has its own pattern, so a read
 * shows which file a slot holds); tags by the CQEs posted when a tagged
 * file leaves the table; the allocation range by OPENAT with
 * IORING_FILE_INDEX_ALLOC.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "test.h"

#define NFILES		4
#define FILE_SIZE	4096
#define TAG_WAIT_MS	200	/* for each expected tag CQE */

static struct io_uring ring;
static int fds[NFILES];
static char dir[4096];

/* Read 128 bytes at offset 64 via fixed slot; return which file (seed
 * index) the data came from, or the negative error. */
static int slot_file(unsigned slot)
{
	struct io_uring_sqe *sqe = t_get_sqe(&ring);
	unsigned char buf[128];
	int res;

	io_uring_prep_read(sqe, (int) slot, buf, sizeof(buf), 64);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, 0x100 + slot);
	res = t_submit_one_ud(&ring, 0x100 + slot);
	if (res < 0)
		return res;
	ASSERT_EQ(res, (int) sizeof(buf));
	for (int i = 0; i < NFILES; i++)
		if (t_check_fill(buf, sizeof(buf), 64, 10 + i) == sizeof(buf))
			return i;
	t_fail("slot %u: data matches no file", slot);
}

static bool has_tag(const __u64 *tags, unsigned n, __u64 tag)
{
	for (unsigned i = 0; i < n; i++)
		if (tags[i] == tag)
			return true;
	return false;
}

static void test_register(void)
{
	int bad[2] = { fds[0], 100000 };

	ASSERT_EQ(io_uring_unregister_files(&ring), -ENXIO);
	ASSERT_EQ(slot_file(0), -EBADF);	/* no table */

	ASSERT_EQ(io_uring_register_files(&ring, fds, NFILES), 0);
	for (unsigned i = 0; i < NFILES; i++)
		ASSERT_EQ(slot_file(i), (int) i);
	ASSERT_EQ(slot_file(NFILES), -EBADF);	/* past the table */
	ASSERT_EQ(io_uring_register_files(&ring, fds, NFILES), -EBUSY);

	/* files_update: slot 1 gets file 3; SKIP leaves slot 2 alone. */
	{
		int up[2] = { fds[3], IORING_REGISTER_FILES_SKIP };

		ASSERT_EQ(io_uring_register_files_update(&ring, 1, up, 2), 2);
	}
	ASSERT_EQ(slot_file(0), 0);
	ASSERT_EQ(slot_file(1), 3);
	ASSERT_EQ(slot_file(2), 2);
	/* -1 empties a slot. */
	{
		int up = -1;

		ASSERT_EQ(io_uring_register_files_update(&ring, 0, &up, 1), 1);
	}
	ASSERT_EQ(slot_file(0), -EBADF);
	/* Out of range. */
	ASSERT_EQ(io_uring_register_files_update(&ring, NFILES, fds, 1),
		  -EINVAL);
	ASSERT_EQ(io_uring_register_files_update(&ring, 3, fds, 2), -EINVAL);
	/*
	 * A bad descriptor fails the update; the kernel has already
	 * dropped the slot's old file by then, so the slot is empty.
	 */
	{
		int up = 100000;

		ASSERT_EQ(io_uring_register_files_update(&ring, 2, &up, 1),
			  -EBADF);
		ASSERT_EQ(slot_file(2), -EBADF);
		ASSERT_EQ(slot_file(3), 3);
	}
	/* The registered file holds its own reference. */
	{
		int dup_fd = dup(fds[1]);
		int up;

		ASSERT_GE(dup_fd, 0);
		up = dup_fd;
		ASSERT_EQ(io_uring_register_files_update(&ring, 0, &up, 1), 1);
		close(dup_fd);
		ASSERT_EQ(slot_file(0), 1);
	}
	/* An io_uring fd cannot be registered in a file table. */
	{
		int up = ring.ring_fd;

		ASSERT_EQ(io_uring_register_files_update(&ring, 3, &up, 1),
			  -EBADF);
		ASSERT_EQ(slot_file(0), 1);
	}

	ASSERT_EQ(io_uring_unregister_files(&ring), 0);
	ASSERT_EQ(slot_file(1), -EBADF);
	ASSERT_EQ(io_uring_unregister_files(&ring), -ENXIO);
	ASSERT_EQ(io_uring_register_files_update(&ring, 0, fds, 1), -ENXIO);

	/* Bad input. */
	ASSERT_EQ(io_uring_register_files(&ring, fds, 0), -EINVAL);
	ASSERT_EQ(io_uring_register_files(&ring, bad, 2), -EBADF);
	ASSERT_EQ(io_uring_unregister_files(&ring), -ENXIO);
}

static void test_tags(void)
{
	__u64 tags[NFILES] = { 0x11, 0x12, 0, 0x14 };
	__u64 got[8];
	unsigned n;

	if (!(ring.features & IORING_FEAT_RSRC_TAGS))
		t_skip("kernel lacks IORING_FEAT_RSRC_TAGS");

	ASSERT_EQ(io_uring_register_files_tags(&ring, fds, tags, NFILES), 0);
	ASSERT_EQ(slot_file(3), 3);
	ASSERT_EQ(io_uring_cq_ready(&ring), 0);

	/* Replace slot 1 (tag 0x12) by file 2 tagged 0x22. */
	{
		int up = fds[2];
		__u64 t = 0x22;

		ASSERT_EQ(io_uring_register_files_update_tag(&ring, 1, &up, &t,
							     1), 1);
	}
	n = t_collect_tags(&ring, got, 8, 1, TAG_WAIT_MS);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(got[0], 0x12);
	ASSERT_EQ(slot_file(1), 2);
	/* SKIP with update_tag leaves the slot (and its tag) alone. */
	{
		int up = IORING_REGISTER_FILES_SKIP;
		__u64 t = 0;

		ASSERT_EQ(io_uring_register_files_update_tag(&ring, 0, &up, &t,
							     1), 1);
	}
	ASSERT_EQ(t_collect_tags(&ring, got, 8, 0, TAG_WAIT_MS), 0);
	ASSERT_EQ(slot_file(0), 0);
	/* Out of range. */
	ASSERT_EQ(io_uring_register_files_update_tag(&ring, NFILES, fds, NULL,
						     1), -EINVAL);

	/* Unregister: tags 0x11, 0x22, 0x14 (slot 2 was untagged). */
	ASSERT_EQ(io_uring_unregister_files(&ring), 0);
	n = t_collect_tags(&ring, got, 8, 3, TAG_WAIT_MS);
	ASSERT_EQ(n, 3);
	ASSERT(has_tag(got, n, 0x11));
	ASSERT(has_tag(got, n, 0x22));
	ASSERT(has_tag(got, n, 0x14));

	/* A tag on an empty slot is refused. */
	{
		int f[2] = { fds[0], -1 };
		__u64 t[2] = { 1, 2 };

		ASSERT_EQ(io_uring_register_files_tags(&ring, f, t, 2),
			  -EINVAL);
	}
	ASSERT_EQ(io_uring_unregister_files(&ring), -ENXIO);
}

static void test_sparse_alloc(void)
{
	char path[4200];
	int res;

	ASSERT_EQ(io_uring_register_files_sparse(&ring, 8), 0);
	for (unsigned i = 0; i < 8; i++)
		ASSERT_EQ(slot_file(i), -EBADF);
	ASSERT_EQ(io_uring_register_files_sparse(&ring, 8), -EBUSY);

	/* Install file 1 in slot 6 with update_tag (no tags). */
	{
		int up = fds[1];

		ASSERT_EQ(io_uring_register_files_update_tag(&ring, 6, &up,
							     NULL, 1), 1);
	}
	ASSERT_EQ(slot_file(6), 1);

	/* Restrict allocation to [2, 4). */
	ASSERT_EQ(io_uring_register_file_alloc_range(&ring, 2, 2), 0);
	snprintf(path, sizeof(path), "%s/f3", dir);
	for (int i = 0; i < 3; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		ASSERT_NOT_NULL(sqe);
		io_uring_prep_openat(sqe, AT_FDCWD, path, O_RDONLY, 0);
		sqe->file_index = IORING_FILE_INDEX_ALLOC;
		io_uring_sqe_set_data64(sqe, 0x200 + (unsigned) i);
		res = t_submit_one_ud(&ring, 0x200 + (unsigned) i);
		if (i < 2) {
			ASSERT_GE(res, 2);
			ASSERT_LT(res, 4);
			ASSERT_EQ(slot_file((unsigned) res), 3);
		} else {
			/* The range is full: the free slots outside it
			 * are not used. */
			ASSERT_EQ(res, -ENFILE);
		}
	}
	ASSERT_EQ(slot_file(0), -EBADF);
	ASSERT_EQ(slot_file(1), -EBADF);
	ASSERT_EQ(slot_file(4), -EBADF);

	/* A range past the table, and an overflowing one. */
	ASSERT_EQ(io_uring_register_file_alloc_range(&ring, 6, 3), -EINVAL);
	ASSERT_EQ(io_uring_register_file_alloc_range(&ring, 1, ~0U),
		  -EOVERFLOW);
	ASSERT_EQ(io_uring_unregister_files(&ring), 0);
	/* No table: any non-empty range is past it. */
	ASSERT_EQ(io_uring_register_file_alloc_range(&ring, 0, 1), -EINVAL);
	ASSERT_EQ(io_uring_register_files_sparse(&ring, 0), -EINVAL);
}

/*
 * The kernel refuses a table larger than RLIMIT_NOFILE with -EMFILE; the
 * library then raises the soft limit to the hard one and retries once,
 * leaving errno alone.
 */
static void test_nofile_retry(void)
{
	struct rlimit old, rl;

	ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
	if (old.rlim_max < 1024)
		return;	/* no room to show the retry */
	rl = old;
	rl.rlim_cur = 64;
	ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
	errno = 1234;
	ASSERT_EQ(io_uring_register_files_sparse(&ring, 1000), 0);
	ASSERT_EQ(errno, 1234);
	ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
	ASSERT_GE(rl.rlim_cur, 1000);
	ASSERT_LE(rl.rlim_cur, old.rlim_max);
	ASSERT_EQ(slot_file(999), -EBADF);
	ASSERT_EQ(io_uring_unregister_files(&ring), 0);
	/* Beyond the hard limit nothing helps. */
	if (old.rlim_max < (1U << 20)) {
		ASSERT_EQ(io_uring_register_files_sparse(&ring,
				(unsigned) old.rlim_max + 1), -EMFILE);
	}
	ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
}

int main(void)
{
	char path[4200];
	int before;

	snprintf(dir, sizeof(dir), "%s", t_tmpdir());
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		fds[i] = t_create_file(path, FILE_SIZE, 10 + (unsigned) i);
	}
	t_ring_init(&ring, 8, NULL);
	before = t_count_fds();

	test_register();
	ASSERT_EQ(t_count_fds(), before);
	test_sparse_alloc();
	ASSERT_EQ(t_count_fds(), before);
	test_nofile_retry();
	ASSERT_EQ(t_count_fds(), before);
	test_tags();
	ASSERT_EQ(t_count_fds(), before);

	/*
	 * NULL files. liburing's io_uring_register_files uses the original
	 * IORING_REGISTER_FILES opcode, which refuses NULL with -EFAULT
	 * (IORING_REGISTER_FILES2 would build an empty table instead).
	 * Last, so that the checks above run whatever this finds.
	 */
	ASSERT_EQ(io_uring_register_files(&ring, NULL, 2), -EFAULT);
	ASSERT_EQ(io_uring_unregister_files(&ring), -ENXIO);

	io_uring_queue_exit(&ring);
	for (int i = 0; i < NFILES; i++)
		close(fds[i]);
	return T_EXIT_PASS;
}
