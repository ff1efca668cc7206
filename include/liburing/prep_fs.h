/* SPDX-License-Identifier: MIT */
/*
 * uringkit: inline io_uring_prep_* helpers for filesystem operations:
 * opening and closing files (also straight into the ring's fixed file
 * table), statx, rename, unlink, mkdir, symbolic and hard links, and
 * extended attributes. Included by <liburing.h>.
 *
 * Each helper starts from io_uring_prep_rw(), which writes every field of
 * the SQE, and then sets the opcode's own flag word. How the kernel reads
 * the SQE for these opcodes (Linux 6.18):
 *
 *   opcode     fd         addr       addr2       len      flag word
 *   OPENAT     dirfd      path       -           mode     open_flags
 *   OPENAT2    dirfd      path       open_how *  sizeof   -
 *   CLOSE      fd or 0    -          -           -        -
 *   STATX      dirfd      path       statx *     mask     statx_flags
 *   RENAMEAT   old dirfd  old path   new path    new dfd  rename_flags
 *   UNLINKAT   dirfd      path       -           -        unlink_flags
 *   MKDIRAT    dirfd      path       -           mode     -
 *   SYMLINKAT  new dirfd  target     link path   -        -
 *   LINKAT     old dirfd  old path   new path    new dfd  hardlink_flags
 *   GETXATTR   -          name       value buf   size     xattr_flags (0)
 *   SETXATTR   -          name       value       size     xattr_flags
 *   FGETXATTR  fd         name       value buf   size     xattr_flags (0)
 *   FSETXATTR  fd         name       value       size     xattr_flags
 *
 * OPENAT, OPENAT2 and CLOSE also read file_index (a fixed-table slot,
 * one-based, 0 for none); GETXATTR and SETXATTR take the path in addr3.
 *
 * Fields marked "-" are left zero. The kernel checks many of them and
 * fails the request with -EINVAL otherwise (an UNLINKAT with a non-zero
 * len, a CLOSE with an addr, ...).
 *
 * Link chains: on Linux 6.18 a failure of STATX, RENAMEAT, UNLINKAT,
 * MKDIRAT, SYMLINKAT, LINKAT or the xattr opcodes does not cancel the
 * requests linked after it with IOSQE_IO_LINK (those opcodes set the
 * result without marking the request failed); OPENAT, OPENAT2 and CLOSE
 * failures do cancel them.
 */
#ifndef LIBURING_PREP_FS_H
#define LIBURING_PREP_FS_H

#ifndef LIB_URING_H
#error "include <liburing.h>, not <liburing/prep_fs.h>"
#endif

/*
 * The path-only helpers (open, rename, mkdir, ...) resolve relative to the
 * current directory. <fcntl.h> only defines AT_FDCWD for POSIX 2008 and
 * later; fall back to the kernel's value so strict ISO C builds still work.
 */
#ifdef AT_FDCWD
#define __URINGKIT_AT_FDCWD	AT_FDCWD
#else
#define __URINGKIT_AT_FDCWD	(-100)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- open ------------------------------------------------------------- */

/* openat(2): path relative to dfd; mode only matters with O_CREAT/O_TMPFILE. */
IOURINGINLINE void io_uring_prep_openat(struct io_uring_sqe *sqe, int dfd,
					const char *path, int flags,
					mode_t mode)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_OPENAT, sqe, dfd, path, (unsigned) mode, 0);
	sqe->open_flags = (__u32) flags;
}

/*
 * openat(2) into the fixed file table: slot file_index, or any free slot
 * with IORING_FILE_INDEX_ALLOC (cqe->res is then the slot). The kernel
 * refuses O_CLOEXEC here (-EINVAL): a fixed file has no exec semantics.
 */
IOURINGINLINE void io_uring_prep_openat_direct(struct io_uring_sqe *sqe,
					       int dfd, const char *path,
					       int flags, mode_t mode,
					       unsigned file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_openat(sqe, dfd, path, flags, mode);
	__io_uring_set_direct_slot(sqe, file_index);
}

/* open(2): openat relative to the current directory. */
IOURINGINLINE void io_uring_prep_open(struct io_uring_sqe *sqe,
				      const char *path, int flags, mode_t mode)
	LIBURING_NOEXCEPT
{
	io_uring_prep_openat(sqe, __URINGKIT_AT_FDCWD, path, flags, mode);
}

IOURINGINLINE void io_uring_prep_open_direct(struct io_uring_sqe *sqe,
					     const char *path, int flags,
					     mode_t mode, unsigned file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_openat_direct(sqe, __URINGKIT_AT_FDCWD, path, flags,
				    mode, file_index);
}

/*
 * openat2(2): *how (flags, mode, RESOLVE_* restrictions) is passed by
 * address with its size, so a larger future struct open_how still works.
 * The kernel copies it while the SQE is submitted.
 */
IOURINGINLINE void io_uring_prep_openat2(struct io_uring_sqe *sqe, int dfd,
					 const char *path,
					 const struct open_how *how)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_OPENAT2, sqe, dfd, path,
			 (unsigned) sizeof(*how), (__u64) (uintptr_t) how);
}

IOURINGINLINE void io_uring_prep_openat2_direct(struct io_uring_sqe *sqe,
						int dfd, const char *path,
						const struct open_how *how,
						unsigned file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_openat2(sqe, dfd, path, how);
	__io_uring_set_direct_slot(sqe, file_index);
}

/* ---- close ------------------------------------------------------------ */

/* close(2) of a normal file descriptor. */
IOURINGINLINE void io_uring_prep_close(struct io_uring_sqe *sqe, int fd)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_CLOSE, sqe, fd, NULL, 0, 0);
}

/*
 * Empty slot file_index of the fixed file table. The kernel insists that
 * fd is 0 when a slot is given, and IOSQE_FIXED_FILE must not be set.
 */
IOURINGINLINE void io_uring_prep_close_direct(struct io_uring_sqe *sqe,
					      unsigned file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_close(sqe, 0);
	__io_uring_set_target_fixed_file(sqe, file_index);
}

/* ---- statx ------------------------------------------------------------ */

/* Declared here so the prototype is valid without _GNU_SOURCE's definition. */
struct statx;

IOURINGINLINE void io_uring_prep_statx(struct io_uring_sqe *sqe, int dfd,
				       const char *path, int flags,
				       unsigned mask, struct statx *statxbuf)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_STATX, sqe, dfd, path, mask,
			 (__u64) (uintptr_t) statxbuf);
	sqe->statx_flags = (__u32) flags;
}

/* ---- rename, unlink, mkdir -------------------------------------------- */

/* renameat2(2); the new directory fd travels in len. */
IOURINGINLINE void io_uring_prep_renameat(struct io_uring_sqe *sqe,
					  int olddfd, const char *oldpath,
					  int newdfd, const char *newpath,
					  unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_RENAMEAT, sqe, olddfd, oldpath,
			 (unsigned) newdfd, (__u64) (uintptr_t) newpath);
	sqe->rename_flags = (__u32) flags;
}

IOURINGINLINE void io_uring_prep_rename(struct io_uring_sqe *sqe,
					const char *oldpath,
					const char *newpath)
	LIBURING_NOEXCEPT
{
	io_uring_prep_renameat(sqe, __URINGKIT_AT_FDCWD, oldpath,
			       __URINGKIT_AT_FDCWD, newpath, 0);
}

/* unlinkat(2): flags is 0 or AT_REMOVEDIR (anything else: -EINVAL). */
IOURINGINLINE void io_uring_prep_unlinkat(struct io_uring_sqe *sqe, int dfd,
					  const char *path, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_UNLINKAT, sqe, dfd, path, 0, 0);
	sqe->unlink_flags = (__u32) flags;
}

IOURINGINLINE void io_uring_prep_unlink(struct io_uring_sqe *sqe,
					const char *path, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_unlinkat(sqe, __URINGKIT_AT_FDCWD, path, flags);
}

/* mkdirat(2); mode is filtered by the umask as usual. */
IOURINGINLINE void io_uring_prep_mkdirat(struct io_uring_sqe *sqe, int dfd,
					 const char *path, mode_t mode)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MKDIRAT, sqe, dfd, path, (unsigned) mode, 0);
}

IOURINGINLINE void io_uring_prep_mkdir(struct io_uring_sqe *sqe,
				       const char *path, mode_t mode)
	LIBURING_NOEXCEPT
{
	io_uring_prep_mkdirat(sqe, __URINGKIT_AT_FDCWD, path, mode);
}

/* ---- links ------------------------------------------------------------ */

/* symlinkat(2): create linkpath (relative to newdirfd) pointing at target. */
IOURINGINLINE void io_uring_prep_symlinkat(struct io_uring_sqe *sqe,
					   const char *target, int newdirfd,
					   const char *linkpath)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SYMLINKAT, sqe, newdirfd, target, 0,
			 (__u64) (uintptr_t) linkpath);
}

IOURINGINLINE void io_uring_prep_symlink(struct io_uring_sqe *sqe,
					 const char *target,
					 const char *linkpath)
	LIBURING_NOEXCEPT
{
	io_uring_prep_symlinkat(sqe, target, __URINGKIT_AT_FDCWD, linkpath);
}

/* linkat(2): flags may hold AT_SYMLINK_FOLLOW / AT_EMPTY_PATH. */
IOURINGINLINE void io_uring_prep_linkat(struct io_uring_sqe *sqe, int olddfd,
					const char *oldpath, int newdfd,
					const char *newpath, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_LINKAT, sqe, olddfd, oldpath,
			 (unsigned) newdfd, (__u64) (uintptr_t) newpath);
	sqe->hardlink_flags = (__u32) flags;
}

IOURINGINLINE void io_uring_prep_link(struct io_uring_sqe *sqe,
				      const char *oldpath, const char *newpath,
				      int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_linkat(sqe, __URINGKIT_AT_FDCWD, oldpath,
			     __URINGKIT_AT_FDCWD, newpath, flags);
}

/* ---- extended attributes ---------------------------------------------- */

/*
 * getxattr(2) on path (relative to the current directory, symlinks
 * followed): up to len bytes of attribute name into value. The kernel
 * rejects any xattr_flags for the get forms.
 */
IOURINGINLINE void io_uring_prep_getxattr(struct io_uring_sqe *sqe,
					  const char *name, char *value,
					  const char *path, unsigned int len)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_GETXATTR, sqe, 0, name, len,
			 (__u64) (uintptr_t) value);
	sqe->addr3 = (__u64) (uintptr_t) path;
	sqe->xattr_flags = 0;
}

/* setxattr(2) on path; flags is 0, XATTR_CREATE or XATTR_REPLACE. */
IOURINGINLINE void io_uring_prep_setxattr(struct io_uring_sqe *sqe,
					  const char *name, const char *value,
					  const char *path, int flags,
					  unsigned int len)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SETXATTR, sqe, 0, name, len,
			 (__u64) (uintptr_t) value);
	sqe->addr3 = (__u64) (uintptr_t) path;
	sqe->xattr_flags = (__u32) flags;
}

/* fgetxattr(2): as getxattr, on an open (non-fixed) fd. */
IOURINGINLINE void io_uring_prep_fgetxattr(struct io_uring_sqe *sqe, int fd,
					   const char *name, char *value,
					   unsigned int len)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FGETXATTR, sqe, fd, name, len,
			 (__u64) (uintptr_t) value);
	sqe->xattr_flags = 0;
}

/* fsetxattr(2): as setxattr, on an open (non-fixed) fd. */
IOURINGINLINE void io_uring_prep_fsetxattr(struct io_uring_sqe *sqe, int fd,
					   const char *name, const char *value,
					   int flags, unsigned int len)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FSETXATTR, sqe, fd, name, len,
			 (__u64) (uintptr_t) value);
	sqe->xattr_flags = (__u32) flags;
}

#ifdef __cplusplus
}
#endif

#endif
