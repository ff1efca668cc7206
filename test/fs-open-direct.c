/* SPDX-License-Identifier: MIT */
/*
 * Direct (fixed-table) opens and closes: io_uring_prep_openat_direct,
 * io_uring_prep_open_direct, io_uring_prep_openat2_direct and
 * io_uring_prep_close_direct, on a sparse table from
 * io_uring_register_files_sparse(). A slot filled by an open is used by a
 * read with IOSQE_FIXED_FILE and must show the right file's bytes; no
 * normal fd appears in the process; IORING_FILE_INDEX_ALLOC hands back the
 * chosen slot in cqe->res until the table is full (-ENFILE); close_direct
 * empties a slot so that reads through it fail and it can be reused.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test.h"

#define NR_SLOTS	8
#define FILE_SIZE	4096

static int openat_direct(struct io_uring *ring, int dfd, const char *path,
			 int flags, unsigned slot)
{
	io_uring_prep_openat_direct(t_get_sqe(ring), dfd, path, flags, 0, slot);
	return t_submit_one(ring);
}

static int close_direct(struct io_uring *ring, unsigned slot)
{
	io_uring_prep_close_direct(t_get_sqe(ring), slot);
	return t_submit_one(ring);
}

/* Read FILE_SIZE bytes through fixed slot; -errno on failure. */
static int read_fixed(struct io_uring *ring, unsigned slot, void *buf)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_read(sqe, (int) slot, buf, FILE_SIZE, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	return t_submit_one(ring);
}

/* The slot holds the file made with this seed. */
static void check_slot(struct io_uring *ring, unsigned slot, unsigned seed)
{
	static char buf[FILE_SIZE];

	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(read_fixed(ring, slot, buf), FILE_SIZE);
	ASSERT_EQ(t_check_fill(buf, FILE_SIZE, 0, seed), FILE_SIZE);
}

static void check_slot_empty(struct io_uring *ring, unsigned slot)
{
	char buf[FILE_SIZE];

	ASSERT_EQ(read_fixed(ring, slot, buf), -EBADF);
}

static void make_file(const char *dir, const char *name, unsigned seed)
{
	char *p;
	int fd;

	ASSERT_GE(asprintf(&p, "%s/%s", dir, name), 0);
	fd = t_create_file(p, FILE_SIZE, seed);
	close(fd);
	free(p);
}

int main(void)
{
	struct io_uring ring;
	struct open_how how;
	bool used[NR_SLOTS] = { false };
	char *dir, *abs;
	int dfd, fds_before, ret, nalloc;

	t_require_op(IORING_OP_OPENAT);
	t_require_op(IORING_OP_OPENAT2);
	t_require_op(IORING_OP_CLOSE);
	t_require_op(IORING_OP_READ);

	dir = t_tmpdir();
	make_file(dir, "one", 1);
	make_file(dir, "two", 2);
	make_file(dir, "three", 3);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ASSERT_GE(dfd, 0);
	ASSERT_GE(asprintf(&abs, "%s/two", dir), 0);

	t_ring_init(&ring, 8, NULL);

	/* No table yet: a direct open has nowhere to go. */
	ASSERT_EQ(openat_direct(&ring, dfd, "one", O_RDONLY, 0), -ENXIO);

	ret = io_uring_register_files_sparse(&ring, NR_SLOTS);
	if (ret == -EINVAL)
		t_skip("kernel lacks sparse file tables (IORING_RSRC_REGISTER_SPARSE, 5.19)");
	ASSERT_EQ(ret, 0);
	fds_before = t_count_fds();

	/* A chosen slot: res is 0, and the process gains no fd. */
	ASSERT_EQ(openat_direct(&ring, dfd, "one", O_RDONLY, 3), 0);
	used[3] = true;
	ASSERT_EQ(t_count_fds(), fds_before);
	check_slot(&ring, 3, 1);

	/* open_direct: absolute path from the current directory. */
	io_uring_prep_open_direct(t_get_sqe(&ring), abs, O_RDONLY, 0, 5);
	ASSERT_EQ(t_submit_one(&ring), 0);
	used[5] = true;
	check_slot(&ring, 5, 2);

	/* openat2_direct into a chosen slot, with a RESOLVE restriction. */
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY;
	how.resolve = RESOLVE_BENEATH;
	io_uring_prep_openat2_direct(t_get_sqe(&ring), dfd, "three", &how, 6);
	ASSERT_EQ(t_submit_one(&ring), 0);
	used[6] = true;
	check_slot(&ring, 6, 3);
	io_uring_prep_openat2_direct(t_get_sqe(&ring), dfd, "../x", &how, 7);
	ASSERT_EQ(t_submit_one(&ring), -EXDEV);
	check_slot_empty(&ring, 7);

	/* Fixed files have no close-on-exec: O_CLOEXEC is refused. */
	ASSERT_EQ(openat_direct(&ring, dfd, "one", O_RDONLY | O_CLOEXEC, 7),
		  -EINVAL);
	check_slot_empty(&ring, 7);
	/* A slot past the end of the table. */
	ASSERT_EQ(openat_direct(&ring, dfd, "one", O_RDONLY, NR_SLOTS),
		  -EINVAL);
	ASSERT_EQ(close_direct(&ring, NR_SLOTS), -EINVAL);
	/* A failed open leaves the slot alone. */
	ASSERT_EQ(openat_direct(&ring, dfd, "missing", O_RDONLY, 3), -ENOENT);
	check_slot(&ring, 3, 1);

	/* Opening into an occupied slot replaces its file. */
	ASSERT_EQ(openat_direct(&ring, dfd, "two", O_RDONLY, 3), 0);
	check_slot(&ring, 3, 2);

	/* close_direct empties the slot... */
	ASSERT_EQ(close_direct(&ring, 3), 0);
	used[3] = false;
	check_slot_empty(&ring, 3);
	ASSERT_EQ(close_direct(&ring, 3), -EBADF);
	/* ...and the slot can be filled again. */
	ASSERT_EQ(openat_direct(&ring, dfd, "three", O_RDONLY, 3), 0);
	used[3] = true;
	check_slot(&ring, 3, 3);
	ASSERT_EQ(t_count_fds(), fds_before);

	/* IORING_FILE_INDEX_ALLOC: res is the slot the kernel picked. */
	nalloc = 0;
	for (;;) {
		ret = openat_direct(&ring, dfd, "one", O_RDONLY,
				    IORING_FILE_INDEX_ALLOC);
		if (ret == -ENFILE)
			break;
		ASSERT_GE(ret, 0);
		ASSERT_LT(ret, NR_SLOTS);
		ASSERT(!used[ret]);
		used[ret] = true;
		check_slot(&ring, (unsigned) ret, 1);
		nalloc++;
		ASSERT_LE(nalloc, NR_SLOTS);
	}
	/* Slots 3, 5 and 6 were taken; the other five were handed out. */
	ASSERT_EQ(nalloc, NR_SLOTS - 3);
	check_slot(&ring, 5, 2);
	check_slot(&ring, 6, 3);

	/* Free one: the next allocation finds exactly that one. */
	ASSERT_EQ(close_direct(&ring, 6), 0);
	io_uring_prep_openat2_direct(t_get_sqe(&ring), dfd, "two", &how,
				     IORING_FILE_INDEX_ALLOC);
	ASSERT_EQ(t_submit_one(&ring), 6);
	check_slot(&ring, 6, 2);
	ASSERT_EQ(close_direct(&ring, 2), 0);
	io_uring_prep_open_direct(t_get_sqe(&ring), abs, O_RDONLY, 0,
				  IORING_FILE_INDEX_ALLOC);
	ASSERT_EQ(t_submit_one(&ring), 2);
	check_slot(&ring, 2, 2);

	/* Empty every slot. */
	for (unsigned i = 0; i < NR_SLOTS; i++)
		ASSERT_EQ(close_direct(&ring, i), 0);
	for (unsigned i = 0; i < NR_SLOTS; i++)
		check_slot_empty(&ring, i);
	ASSERT_EQ(t_count_fds(), fds_before);

	io_uring_queue_exit(&ring);
	close(dfd);
	free(abs);
	return T_EXIT_PASS;
}
