/* SPDX-License-Identifier: MIT */
/*
 * liburing-ffi.so.2 exports the inline helpers as real functions. Calling a
 * helper through dlsym() must fill an SQE byte for byte like the inline
 * version does, starting from the same garbage; and every ffi symbol the
 * library exports must sit at its liburing-ffi version node.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include "test.h"

static void *ffi;

static void *sym(const char *name)
{
	void *p = dlsym(ffi, name);

	if (!p)
		t_fail("liburing-ffi.so.2 does not export %s", name);
	return p;
}

/* Two SQEs (128 bytes each, to catch writes past 64) full of garbage. */
struct pair {
	unsigned char inl[128];
	unsigned char ext[128];
};

static void garbage(struct pair *p)
{
	memset(p->inl, 0xa5, sizeof(p->inl));
	memset(p->ext, 0xa5, sizeof(p->ext));
}

static void same(const struct pair *p, const char *what)
{
	if (memcmp(p->inl, p->ext, sizeof(p->inl))) {
		for (size_t i = 0; i < sizeof(p->inl); i++)
			if (p->inl[i] != p->ext[i])
				t_fail("%s: byte %zu differs (inline 0x%02x, "
				       "ffi 0x%02x)", what, i, p->inl[i],
				       p->ext[i]);
	}
}

#define SQE(buf) ((struct io_uring_sqe *) (void *) (buf))

static void check_helpers(void)
{
	struct iovec iov[2] = { { (void *) 0x1000, 10 }, { (void *) 0x2000, 20 } };
	struct __kernel_timespec ts = { .tv_sec = 1, .tv_nsec = 2 };
	struct pair p;

	void (*rw)(int, struct io_uring_sqe *, int, const void *, unsigned,
		   __u64) = sym("io_uring_prep_rw");
	void (*nop)(struct io_uring_sqe *) = sym("io_uring_prep_nop");
	void (*rd)(struct io_uring_sqe *, int, void *, unsigned, __u64) =
		sym("io_uring_prep_read");
	void (*wr)(struct io_uring_sqe *, int, const void *, unsigned, __u64) =
		sym("io_uring_prep_write");
	void (*rv)(struct io_uring_sqe *, int, const struct iovec *, unsigned,
		   __u64) = sym("io_uring_prep_readv");
	void (*wv2)(struct io_uring_sqe *, int, const struct iovec *, unsigned,
		    __u64, int) = sym("io_uring_prep_writev2");
	void (*tmo)(struct io_uring_sqe *, struct __kernel_timespec *,
		    unsigned, unsigned) = sym("io_uring_prep_timeout");
	void (*data64)(struct io_uring_sqe *, __u64) =
		sym("io_uring_sqe_set_data64");
	void (*flags)(struct io_uring_sqe *, unsigned) =
		sym("io_uring_sqe_set_flags");

	garbage(&p);
	io_uring_prep_rw(IORING_OP_WRITEV, SQE(p.inl), 7, iov, 2, 4096);
	rw(IORING_OP_WRITEV, SQE(p.ext), 7, iov, 2, 4096);
	same(&p, "io_uring_prep_rw");

	garbage(&p);
	io_uring_prep_nop(SQE(p.inl));
	nop(SQE(p.ext));
	same(&p, "io_uring_prep_nop");

	garbage(&p);
	io_uring_prep_read(SQE(p.inl), 3, (void *) 0x5000, 4096, 8192);
	rd(SQE(p.ext), 3, (void *) 0x5000, 4096, 8192);
	same(&p, "io_uring_prep_read");

	garbage(&p);
	io_uring_prep_write(SQE(p.inl), 4, (void *) 0x6000, 512, ~0ULL);
	wr(SQE(p.ext), 4, (void *) 0x6000, 512, ~0ULL);
	same(&p, "io_uring_prep_write");

	garbage(&p);
	io_uring_prep_readv(SQE(p.inl), 5, iov, 2, 12);
	rv(SQE(p.ext), 5, iov, 2, 12);
	same(&p, "io_uring_prep_readv");

	garbage(&p);
	io_uring_prep_writev2(SQE(p.inl), 6, iov, 1, 0, RWF_DSYNC);
	wv2(SQE(p.ext), 6, iov, 1, 0, RWF_DSYNC);
	same(&p, "io_uring_prep_writev2");

	garbage(&p);
	io_uring_prep_timeout(SQE(p.inl), &ts, 3, IORING_TIMEOUT_ABS);
	tmo(SQE(p.ext), &ts, 3, IORING_TIMEOUT_ABS);
	same(&p, "io_uring_prep_timeout");

	garbage(&p);
	io_uring_prep_nop(SQE(p.inl));
	io_uring_sqe_set_data64(SQE(p.inl), 0x1122334455667788ULL);
	io_uring_sqe_set_flags(SQE(p.inl), IOSQE_IO_LINK | IOSQE_ASYNC);
	nop(SQE(p.ext));
	data64(SQE(p.ext), 0x1122334455667788ULL);
	flags(SQE(p.ext), IOSQE_IO_LINK | IOSQE_ASYNC);
	same(&p, "io_uring_sqe_set_data64/flags");

	/* the two post-6.18 command helpers (liburing 2.13 and 2.16 nodes) */
	{
		void (*gsn)(struct io_uring_sqe *, int, struct sockaddr *,
			    socklen_t *, int) =
			sym("io_uring_prep_cmd_getsockname");
		void (*zra)(struct io_uring_sqe *, int) =
			sym("io_uring_prep_cmd_zone_reset_all");
		socklen_t len = 16;

		garbage(&p);
		io_uring_prep_cmd_getsockname(SQE(p.inl), 4,
					      (struct sockaddr *) 0x3000,
					      &len, 1);
		gsn(SQE(p.ext), 4, (struct sockaddr *) 0x3000, &len, 1);
		same(&p, "io_uring_prep_cmd_getsockname");

		garbage(&p);
		io_uring_prep_cmd_zone_reset_all(SQE(p.inl), 8);
		zra(SQE(p.ext), 8);
		same(&p, "io_uring_prep_cmd_zone_reset_all");
	}
}

/* Drive a real ring through the ffi library alone: setup, NOPs, reaping. */
static void check_ring(void)
{
	int (*init)(unsigned, struct io_uring *, unsigned) =
		sym("io_uring_queue_init");
	struct io_uring_sqe *(*get_sqe)(struct io_uring *) =
		sym("io_uring_get_sqe");
	void (*nop)(struct io_uring_sqe *) = sym("io_uring_prep_nop");
	void (*data64)(struct io_uring_sqe *, __u64) =
		sym("io_uring_sqe_set_data64");
	int (*submit_wait)(struct io_uring *, unsigned) =
		sym("io_uring_submit_and_wait");
	int (*peek)(struct io_uring *, struct io_uring_cqe **) =
		sym("io_uring_peek_cqe");
	void (*seen)(struct io_uring *, struct io_uring_cqe *) =
		sym("io_uring_cqe_seen");
	unsigned (*ready)(const struct io_uring *) = sym("io_uring_cq_ready");
	void (*exit_ring)(struct io_uring *) = sym("io_uring_queue_exit");
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	__u64 sum = 0;
	int ret;

	ret = init(8, &ring, 0);
	if (ret == -ENOSYS || ret == -EPERM)
		t_skip("io_uring unavailable: %s", strerror(-ret));
	ASSERT_EQ(ret, 0);
	for (__u64 i = 1; i <= 8; i++) {
		struct io_uring_sqe *sqe = get_sqe(&ring);

		ASSERT_NOT_NULL(sqe);
		nop(sqe);
		data64(sqe, i);
	}
	ASSERT_NULL(get_sqe(&ring));
	ASSERT_EQ(submit_wait(&ring, 8), 8);
	ASSERT_EQ(ready(&ring), 8u);
	while (peek(&ring, &cqe) == 0) {
		ASSERT_EQ(cqe->res, 0);
		sum += cqe->user_data;
		seen(&ring, cqe);
	}
	ASSERT_EQ(sum, 36u);
	exit_ring(&ring);
}

/* Whatever the ffi library exports from the table is at the right node. */
static void check_versions(void)
{
	char path[4096], line[512];
	unsigned present = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/test/abi/symbols.tsv",
		 t_srcdir());
	f = fopen(path, "r");
	if (!f)
		t_fail("no symbol table at %s", path);
	while (fgets(line, sizeof(line), f)) {
		char name[256], set[32], ver[64];

		if (line[0] == '#' || sscanf(line, "%255s %31s %63s", name, set,
					     ver) != 3 || strcmp(set, "ffi"))
			continue;
		if (!dlsym(ffi, name))
			continue;
		present++;
		if (!dlvsym(ffi, name, ver))
			t_fail("%s is exported, but not at %s", name, ver);
	}
	fclose(f);
	printf("%u ffi symbols exported, each at its version node\n", present);
	ASSERT_GT(present, 100u);
}

int main(void)
{
	const char *build = getenv("URINGKIT_BUILD");
	char path[4096];

	if (!build)
		t_skip("URINGKIT_BUILD is not set (run through make check)");
	snprintf(path, sizeof(path), "%s/liburing-ffi.so.2", build);
	ffi = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!ffi)
		t_fail("dlopen %s: %s", path, dlerror());

	/* Internal helpers of the header must not leak into the ABI. */
	ASSERT_NULL(dlsym(ffi, "_io_uring_get_sqe"));
	ASSERT_NULL(dlsym(ffi, "uk__register"));

	check_helpers();
	check_ring();
	check_versions();
	dlclose(ffi);
	return T_EXIT_PASS;
}
