/* SPDX-License-Identifier: MIT */
/*
 * Registered resources: the fixed file and buffer tables (register, update,
 * tags, sparse tables, allocation ranges) and buffer cloning between rings.
 */
#include <sys/resource.h>
#include <string.h>
#include "internal/ring.h"

UK_EXPORT int io_uring_register_buffers(struct io_uring *ring,
					const struct iovec *iovecs,
					unsigned nr_iovecs)
{
	return uk__register(ring, IORING_REGISTER_BUFFERS, iovecs, nr_iovecs);
}

/* The IORING_REGISTER_BUFFERS2 / FILES2 form: table size, data, tags. */
static int register_rsrc(struct io_uring *ring, unsigned opcode,
			    unsigned nr, unsigned flags, const void *data,
			    const __u64 *tags)
{
	struct io_uring_rsrc_register reg;

	memset(&reg, 0, sizeof(reg));
	reg.nr = nr;
	reg.flags = flags;
	reg.data = (unsigned long) data;
	reg.tags = (unsigned long) tags;
	return uk__register(ring, opcode, &reg, sizeof(reg));
}

/* The IORING_REGISTER_*_UPDATE2 form. */
static int update_rsrc(struct io_uring *ring, unsigned opcode,
			  unsigned off, const void *data, const __u64 *tags,
			  unsigned nr)
{
	struct io_uring_rsrc_update2 up;

	memset(&up, 0, sizeof(up));
	up.offset = off;
	up.data = (unsigned long) data;
	up.tags = (unsigned long) tags;
	up.nr = nr;
	return uk__register(ring, opcode, &up, sizeof(up));
}

UK_EXPORT int io_uring_register_buffers_tags(struct io_uring *ring,
					     const struct iovec *iovecs,
					     const __u64 *tags, unsigned nr)
{
	return register_rsrc(ring, IORING_REGISTER_BUFFERS2, nr, 0, iovecs,
				tags);
}

UK_EXPORT int io_uring_register_buffers_sparse(struct io_uring *ring,
					       unsigned nr)
{
	return register_rsrc(ring, IORING_REGISTER_BUFFERS2, nr,
				IORING_RSRC_REGISTER_SPARSE, NULL, NULL);
}

UK_EXPORT int io_uring_register_buffers_update_tag(struct io_uring *ring,
						   unsigned off,
						   const struct iovec *iovecs,
						   const __u64 *tags,
						   unsigned nr)
{
	return update_rsrc(ring, IORING_REGISTER_BUFFERS_UPDATE, off,
			      iovecs, tags, nr);
}

UK_EXPORT int io_uring_unregister_buffers(struct io_uring *ring)
{
	return uk__register(ring, IORING_UNREGISTER_BUFFERS, NULL, 0);
}

/*
 * A file table holds a reference per slot, and the kernel counts the table
 * size against RLIMIT_NOFILE: raise the soft limit to the hard one once
 * when the kernel says -EMFILE, as liburing users have come to expect.
 */
static bool raise_nofile(unsigned nr)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return false;
	if (rl.rlim_cur >= nr || rl.rlim_cur >= rl.rlim_max)
		return false;
	rl.rlim_cur = rl.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

/*
 * Plain registrations use IORING_REGISTER_FILES, as liburing does: it works
 * on 5.1+ kernels (FILES2 is 5.13), it is what a restricted ring allows
 * when it lists IORING_REGISTER_FILES, and a NULL array gets -EFAULT.
 */
static int register_files_once(struct io_uring *ring, unsigned nr,
				  unsigned flags, const int *files,
				  const __u64 *tags)
{
	if (!flags && !tags)
		return uk__register(ring, IORING_REGISTER_FILES, files, nr);
	return register_rsrc(ring, IORING_REGISTER_FILES2, nr, flags, files,
				tags);
}

static int register_files_retry(struct io_uring *ring, unsigned nr,
				   unsigned flags, const int *files,
				   const __u64 *tags)
{
	int saved = errno;
	int ret = register_files_once(ring, nr, flags, files, tags);

	if (ret == -EMFILE && raise_nofile(nr))
		ret = register_files_once(ring, nr, flags, files, tags);
	errno = saved;	/* getrlimit/setrlimit may have set it */
	return ret;
}

UK_EXPORT int io_uring_register_files(struct io_uring *ring, const int *files,
				      unsigned nr_files)
{
	return register_files_retry(ring, nr_files, 0, files, NULL);
}

UK_EXPORT int io_uring_register_files_tags(struct io_uring *ring,
					   const int *files, const __u64 *tags,
					   unsigned nr)
{
	return register_files_retry(ring, nr, 0, files, tags);
}

UK_EXPORT int io_uring_register_files_sparse(struct io_uring *ring,
					     unsigned nr)
{
	return register_files_retry(ring, nr, IORING_RSRC_REGISTER_SPARSE,
				       NULL, NULL);
}

UK_EXPORT int io_uring_register_files_update_tag(struct io_uring *ring,
						 unsigned off, const int *files,
						 const __u64 *tags,
						 unsigned nr_files)
{
	return update_rsrc(ring, IORING_REGISTER_FILES_UPDATE2, off, files,
			      tags, nr_files);
}

UK_EXPORT int io_uring_register_files_update(struct io_uring *ring,
					     unsigned off, const int *files,
					     unsigned nr_files)
{
	struct io_uring_files_update up;

	memset(&up, 0, sizeof(up));
	up.offset = off;
	up.fds = (unsigned long) files;
	return uk__register(ring, IORING_REGISTER_FILES_UPDATE, &up, nr_files);
}

UK_EXPORT int io_uring_unregister_files(struct io_uring *ring)
{
	return uk__register(ring, IORING_UNREGISTER_FILES, NULL, 0);
}

UK_EXPORT int io_uring_register_file_alloc_range(struct io_uring *ring,
						 unsigned off, unsigned len)
{
	struct io_uring_file_index_range range;

	memset(&range, 0, sizeof(range));
	range.off = off;
	range.len = len;
	return uk__register(ring, IORING_REGISTER_FILE_ALLOC_RANGE, &range, 0);
}

/*
 * Share src's registered buffers with dst (Linux 6.12). The source ring is
 * named by its registered index when it has one, so a ring whose fd was
 * closed can still be a source.
 */
UK_EXPORT int __io_uring_clone_buffers_offset(struct io_uring *dst,
					      struct io_uring *src,
					      unsigned int dst_off,
					      unsigned int src_off,
					      unsigned int nr,
					      unsigned int flags)
{
	struct io_uring_clone_buffers buf;

	memset(&buf, 0, sizeof(buf));
	if (src->int_flags & UK_INT_REG_REG_RING) {
		buf.src_fd = (__u32) src->enter_ring_fd;
		flags |= IORING_REGISTER_SRC_REGISTERED;
	} else {
		/* src_fd is a real fd: a caller's SRC_REGISTERED would make
		 * the kernel read it as some other ring's index. */
		buf.src_fd = (__u32) src->ring_fd;
		flags &= ~IORING_REGISTER_SRC_REGISTERED;
	}
	buf.flags = flags;
	buf.src_off = src_off;
	buf.dst_off = dst_off;
	buf.nr = nr;
	return uk__register(dst, IORING_REGISTER_CLONE_BUFFERS, &buf, 1);
}

UK_EXPORT int io_uring_clone_buffers_offset(struct io_uring *dst,
					    struct io_uring *src,
					    unsigned int dst_off,
					    unsigned int src_off,
					    unsigned int nr, unsigned int flags)
{
	return __io_uring_clone_buffers_offset(dst, src, dst_off, src_off, nr,
					       flags);
}

UK_EXPORT int __io_uring_clone_buffers(struct io_uring *dst,
				       struct io_uring *src,
				       unsigned int flags)
{
	return __io_uring_clone_buffers_offset(dst, src, 0, 0, 0, flags);
}

UK_EXPORT int io_uring_clone_buffers(struct io_uring *dst,
				     struct io_uring *src)
{
	return __io_uring_clone_buffers(dst, src, 0);
}
