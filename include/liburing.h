/* SPDX-License-Identifier: MIT */
/*
 * uringkit: a from-scratch implementation of the liburing API.
 *
 * This is the source-compatible entry point: a program written for liburing
 * includes <liburing.h> and builds unchanged. The structs below are compiled
 * into applications, so their sizes and field offsets are liburing's ABI and
 * must never change (see the _Static_asserts at the end of this file).
 *
 * Layout of the header tree:
 *   liburing/io_uring.h          the kernel interface (Linux 6.19 / 7.0),
 *                                with io_uring/query.h and io_uring/bpf_filter.h
 *   liburing/barrier.h           ring memory ordering
 *   liburing/io_uring_version.h  API level macros
 *   liburing/queue.h             inline SQ/CQ fast paths
 *   liburing/prep.h              inline io_uring_prep_* basics (rw, nop, timeout)
 *   liburing/prep_file.h         file I/O prep helpers (read/write families,
 *                                sync, fallocate, splice, pipes, uring_cmd)
 *   liburing/prep_fs.h           filesystem prep helpers (open, close, statx,
 *                                rename, unlink, mkdir, links, xattrs)
 *   liburing/prep_net.h          socket prep helpers and recvmsg parsing
 *   liburing/prep_event.h        poll, timeouts, cancellation, msg_ring,
 *                                futex, waitid, epoll
 *   liburing/buf_ring.h          provided-buffer ring inline helpers
 */
#ifndef LIB_URING_H
#define LIB_URING_H

/*
 * The API names sigset_t, cpu_set_t, siginfo_t and idtype_t, which strict
 * ISO C modes (-std=c99/c11) hide. Ask for them as liburing does; this only
 * helps when <liburing.h> is the first system header a file includes.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 500
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/swab.h>
#include "liburing/compat.h"
#include "liburing/io_uring.h"
#include "liburing/io_uring_version.h"
#include "liburing/barrier.h"

#ifndef uring_unlikely
#define uring_unlikely(cond)	__builtin_expect(!!(cond), 0)
#endif
#ifndef uring_likely
#define uring_likely(cond)	__builtin_expect(!!(cond), 1)
#endif

#ifdef __cplusplus
#define LIBURING_NOEXCEPT noexcept
#else
#define LIBURING_NOEXCEPT
#endif

/*
 * liburing-ffi.so is built by defining IOURINGINLINE to nothing before
 * including this header, which turns every inline helper into an exported
 * function from the very same definition.
 */
#ifndef IOURINGINLINE
#define IOURINGINLINE static inline
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Submission queue. khead..array point into the memory shared with the
 * kernel; sqe_head/sqe_tail are ours: sqe_tail counts SQEs handed out by
 * io_uring_get_sqe(), sqe_head how many of those were published to the
 * kernel's tail by the last submit.
 */
struct io_uring_sq {
	unsigned *khead;
	unsigned *ktail;
	unsigned *kring_mask;		/* kept for ABI; ring_mask is a copy */
	unsigned *kring_entries;	/* kept for ABI; ring_entries is a copy */
	unsigned *kflags;
	unsigned *kdropped;
	unsigned *array;
	struct io_uring_sqe *sqes;

	unsigned sqe_head;
	unsigned sqe_tail;

	size_t ring_sz;
	void *ring_ptr;

	unsigned ring_mask;
	unsigned ring_entries;

	unsigned pad[2];
};

struct io_uring_cq {
	unsigned *khead;
	unsigned *ktail;
	unsigned *kring_mask;		/* kept for ABI; ring_mask is a copy */
	unsigned *kring_entries;	/* kept for ABI; ring_entries is a copy */
	unsigned *kflags;		/* NULL on kernels before 5.8 */
	unsigned *koverflow;
	struct io_uring_cqe *cqes;

	size_t ring_sz;
	void *ring_ptr;

	unsigned ring_mask;
	unsigned ring_entries;

	unsigned pad[2];
};

struct io_uring {
	struct io_uring_sq sq;
	struct io_uring_cq cq;
	unsigned flags;		/* IORING_SETUP_* the ring was created with */
	int ring_fd;		/* -1 once closed or with REGISTERED_FD_ONLY */

	unsigned features;	/* IORING_FEAT_* reported by the kernel */
	int enter_ring_fd;	/* ring_fd, or the registered index */
	__u8 int_flags;		/* library-private state */
	__u8 pad[3];
	unsigned pad2;
};

/*
 * The application's view of a zero-copy receive refill queue (liburing
 * 2.10+): the kernel's head and tail words, the tail value we have not
 * published yet, and the entries. Filled in by the program from
 * io_uring_zcrx_ifq_reg.offsets once io_uring_register_ifq() succeeded;
 * no library function owns it.
 */
struct io_uring_zcrx_rq {
	__u32 *khead;
	__u32 *ktail;
	__u32 rq_tail;
	unsigned ring_entries;
	struct io_uring_zcrx_rqe *rqes;
	void *ring_ptr;
};

/*
 * A pointer as the __u64 the kernel's structs carry (io_uring_region_desc,
 * io_uring_query_hdr, ...). Deliberately static inline and not an ffi
 * symbol, as in liburing.
 */
static inline __u64 uring_ptr_to_u64(const void *ptr) LIBURING_NOEXCEPT
{
	return (__u64) (uintptr_t) ptr;
}

/*
 * Library functions (liburing.so.2). Everything that enters the kernel or
 * allocates lives in the library; the fast paths are inline below. Each
 * group names the file under src/ that implements it.
 */

/* What the kernel supports (src/probe.c). */
struct io_uring_probe *io_uring_get_probe_ring(struct io_uring *ring) LIBURING_NOEXCEPT;
struct io_uring_probe *io_uring_get_probe(void) LIBURING_NOEXCEPT;
void io_uring_free_probe(struct io_uring_probe *probe) LIBURING_NOEXCEPT;
int io_uring_register_probe(struct io_uring *ring, struct io_uring_probe *p,
			    unsigned nr) LIBURING_NOEXCEPT;
int io_uring_register_query(struct io_uring_query_hdr *query) LIBURING_NOEXCEPT;

/* Ring setup and teardown (src/setup.c). */
int io_uring_queue_init_mem(unsigned entries, struct io_uring *ring,
			    struct io_uring_params *p,
			    void *buf, size_t buf_size) LIBURING_NOEXCEPT;
int io_uring_queue_init_params(unsigned entries, struct io_uring *ring,
			       struct io_uring_params *p) LIBURING_NOEXCEPT;
int io_uring_queue_init(unsigned entries, struct io_uring *ring,
			unsigned flags) LIBURING_NOEXCEPT;
int io_uring_queue_mmap(int fd, struct io_uring_params *p,
			struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_ring_dontfork(struct io_uring *ring) LIBURING_NOEXCEPT;
void io_uring_queue_exit(struct io_uring *ring) LIBURING_NOEXCEPT;

/* Submission and completion (src/queue.c). */
unsigned io_uring_peek_batch_cqe(struct io_uring *ring,
				 struct io_uring_cqe **cqes,
				 unsigned count) LIBURING_NOEXCEPT;
int io_uring_wait_cqes(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
		       unsigned wait_nr, struct __kernel_timespec *ts,
		       sigset_t *sigmask) LIBURING_NOEXCEPT;
int io_uring_wait_cqes_min_timeout(struct io_uring *ring,
				   struct io_uring_cqe **cqe_ptr,
				   unsigned wait_nr,
				   struct __kernel_timespec *ts,
				   unsigned int min_ts_usec,
				   sigset_t *sigmask) LIBURING_NOEXCEPT;
int io_uring_wait_cqe_timeout(struct io_uring *ring,
			      struct io_uring_cqe **cqe_ptr,
			      struct __kernel_timespec *ts) LIBURING_NOEXCEPT;
int io_uring_submit(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_submit_and_wait(struct io_uring *ring,
			     unsigned wait_nr) LIBURING_NOEXCEPT;
int io_uring_submit_and_wait_timeout(struct io_uring *ring,
				     struct io_uring_cqe **cqe_ptr,
				     unsigned wait_nr,
				     struct __kernel_timespec *ts,
				     sigset_t *sigmask) LIBURING_NOEXCEPT;
int io_uring_submit_and_wait_min_timeout(struct io_uring *ring,
					 struct io_uring_cqe **cqe_ptr,
					 unsigned wait_nr,
					 struct __kernel_timespec *ts,
					 unsigned min_wait,
					 sigset_t *sigmask) LIBURING_NOEXCEPT;
int io_uring_submit_and_wait_reg(struct io_uring *ring,
				 struct io_uring_cqe **cqe_ptr,
				 unsigned wait_nr, int reg_index) LIBURING_NOEXCEPT;
int io_uring_submit_and_get_events(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_get_events(struct io_uring *ring) LIBURING_NOEXCEPT;

/* Registrations that tune the ring itself (src/register.c; resize: src/resize.c). */
int io_uring_enable_rings(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_register_ring_fd(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_unregister_ring_fd(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_close_ring_fd(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_resize_rings(struct io_uring *ring,
			  struct io_uring_params *p) LIBURING_NOEXCEPT;
int io_uring_register_clock(struct io_uring *ring,
			    struct io_uring_clock_register *arg) LIBURING_NOEXCEPT;
int io_uring_set_iowait(struct io_uring *ring,
			bool enable_iowait) LIBURING_NOEXCEPT;

/* Fixed file and buffer tables, buffer cloning (src/rsrc.c). */
int io_uring_register_buffers(struct io_uring *ring, const struct iovec *iovecs,
			      unsigned nr_iovecs) LIBURING_NOEXCEPT;
int io_uring_register_buffers_tags(struct io_uring *ring,
				   const struct iovec *iovecs,
				   const __u64 *tags, unsigned nr) LIBURING_NOEXCEPT;
int io_uring_register_buffers_sparse(struct io_uring *ring,
				     unsigned nr) LIBURING_NOEXCEPT;
int io_uring_register_buffers_update_tag(struct io_uring *ring, unsigned off,
					 const struct iovec *iovecs,
					 const __u64 *tags,
					 unsigned nr) LIBURING_NOEXCEPT;
int io_uring_unregister_buffers(struct io_uring *ring) LIBURING_NOEXCEPT;

int io_uring_register_files(struct io_uring *ring, const int *files,
			    unsigned nr_files) LIBURING_NOEXCEPT;
int io_uring_register_files_tags(struct io_uring *ring, const int *files,
				 const __u64 *tags, unsigned nr) LIBURING_NOEXCEPT;
int io_uring_register_files_sparse(struct io_uring *ring,
				   unsigned nr) LIBURING_NOEXCEPT;
int io_uring_register_files_update_tag(struct io_uring *ring, unsigned off,
				       const int *files, const __u64 *tags,
				       unsigned nr_files) LIBURING_NOEXCEPT;
int io_uring_unregister_files(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_register_files_update(struct io_uring *ring, unsigned off,
				   const int *files,
				   unsigned nr_files) LIBURING_NOEXCEPT;
int io_uring_register_file_alloc_range(struct io_uring *ring, unsigned off,
				       unsigned len) LIBURING_NOEXCEPT;

int io_uring_clone_buffers(struct io_uring *dst,
			   struct io_uring *src) LIBURING_NOEXCEPT;
int __io_uring_clone_buffers(struct io_uring *dst, struct io_uring *src,
			     unsigned int flags) LIBURING_NOEXCEPT;
int io_uring_clone_buffers_offset(struct io_uring *dst, struct io_uring *src,
				  unsigned int dst_off, unsigned int src_off,
				  unsigned int nr,
				  unsigned int flags) LIBURING_NOEXCEPT;
int __io_uring_clone_buffers_offset(struct io_uring *dst,
				    struct io_uring *src,
				    unsigned int dst_off, unsigned int src_off,
				    unsigned int nr,
				    unsigned int flags) LIBURING_NOEXCEPT;

/* Ring-level registrations (src/register.c). */
int io_uring_register_eventfd(struct io_uring *ring, int fd) LIBURING_NOEXCEPT;
int io_uring_register_eventfd_async(struct io_uring *ring,
				    int fd) LIBURING_NOEXCEPT;
int io_uring_unregister_eventfd(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_register_personality(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_unregister_personality(struct io_uring *ring,
				    int id) LIBURING_NOEXCEPT;
int io_uring_register_iowq_aff(struct io_uring *ring, size_t cpusz,
			       const cpu_set_t *mask) LIBURING_NOEXCEPT;
int io_uring_unregister_iowq_aff(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_register_iowq_max_workers(struct io_uring *ring,
				       unsigned int *values) LIBURING_NOEXCEPT;
int io_uring_register_sync_cancel(struct io_uring *ring,
				  struct io_uring_sync_cancel_reg *reg) LIBURING_NOEXCEPT;
int io_uring_register_napi(struct io_uring *ring,
			   struct io_uring_napi *napi) LIBURING_NOEXCEPT;
int io_uring_unregister_napi(struct io_uring *ring,
			     struct io_uring_napi *napi) LIBURING_NOEXCEPT;
int io_uring_register_region(struct io_uring *ring,
			     struct io_uring_mem_region_reg *reg) LIBURING_NOEXCEPT;
int io_uring_register_wait_reg(struct io_uring *ring,
			       struct io_uring_reg_wait *reg,
			       int nr) LIBURING_NOEXCEPT;
int io_uring_register_sync_msg(struct io_uring_sqe *sqe) LIBURING_NOEXCEPT;

/* Zero-copy receive queues (src/zcrx.c); zcrx_ctrl is 6.19. */
int io_uring_register_ifq(struct io_uring *ring,
			  struct io_uring_zcrx_ifq_reg *reg) LIBURING_NOEXCEPT;
int io_uring_register_zcrx_ctrl(struct io_uring *ring,
				struct zcrx_ctrl *ctrl) LIBURING_NOEXCEPT;

/* What a ring may do: restrictions, BPF filters of 7.0 (src/filter.c). */
int io_uring_register_restrictions(struct io_uring *ring,
				   struct io_uring_restriction *res,
				   unsigned int nr_res) LIBURING_NOEXCEPT;
int io_uring_register_bpf_filter(struct io_uring *ring,
				 struct io_uring_bpf *bpf) LIBURING_NOEXCEPT;
int io_uring_register_bpf_filter_task(struct io_uring_bpf *bpf) LIBURING_NOEXCEPT;

/* Provided-buffer rings (src/bufring.c). */
int io_uring_register_buf_ring(struct io_uring *ring,
			       struct io_uring_buf_reg *reg,
			       unsigned int flags) LIBURING_NOEXCEPT;
int io_uring_unregister_buf_ring(struct io_uring *ring,
				 int bgid) LIBURING_NOEXCEPT;
int io_uring_buf_ring_head(struct io_uring *ring, int buf_group,
			   uint16_t *head) LIBURING_NOEXCEPT;
struct io_uring_buf_ring *io_uring_setup_buf_ring(struct io_uring *ring,
						  unsigned int nentries,
						  int bgid, unsigned int flags,
						  int *err) LIBURING_NOEXCEPT;
int io_uring_free_buf_ring(struct io_uring *ring, struct io_uring_buf_ring *br,
			   unsigned int nentries, int bgid) LIBURING_NOEXCEPT;

/* Memory a ring needs: see io_uring_memory_size(3). */
ssize_t io_uring_mlock_size(unsigned entries, unsigned flags) LIBURING_NOEXCEPT;
ssize_t io_uring_mlock_size_params(unsigned entries,
				   struct io_uring_params *p) LIBURING_NOEXCEPT;
ssize_t io_uring_memory_size(unsigned entries, unsigned flags) LIBURING_NOEXCEPT;
ssize_t io_uring_memory_size_params(unsigned entries,
				    struct io_uring_params *p) LIBURING_NOEXCEPT;

/* API level of the library actually loaded (may differ from the headers). */
int io_uring_major_version(void) LIBURING_NOEXCEPT;
int io_uring_minor_version(void) LIBURING_NOEXCEPT;
bool io_uring_check_version(int major, int minor) LIBURING_NOEXCEPT;

#define IO_URING_CHECK_VERSION(major, minor)				\
	((major) > IO_URING_VERSION_MAJOR ||				\
	 ((major) == IO_URING_VERSION_MAJOR &&				\
	  (minor) > IO_URING_VERSION_MINOR))

/* Raw system calls; they return -errno and leave errno alone. */
int io_uring_setup(unsigned int entries,
		   struct io_uring_params *p) LIBURING_NOEXCEPT;
int io_uring_enter(unsigned int fd, unsigned int to_submit,
		   unsigned int min_complete, unsigned int flags,
		   sigset_t *sig) LIBURING_NOEXCEPT;
int io_uring_enter2(unsigned int fd, unsigned int to_submit,
		    unsigned int min_complete, unsigned int flags,
		    void *arg, size_t sz) LIBURING_NOEXCEPT;
int io_uring_register(unsigned int fd, unsigned int opcode, const void *arg,
		      unsigned int nr_args) LIBURING_NOEXCEPT;

/*
 * Slow paths of the inline helpers. Exported because inline code compiled
 * into applications calls them; not meant to be called directly.
 */
int __io_uring_get_cqe(struct io_uring *ring,
		       struct io_uring_cqe **cqe_ptr, unsigned submit,
		       unsigned wait_nr, sigset_t *sigmask) LIBURING_NOEXCEPT;
int __io_uring_sqring_wait(struct io_uring *ring) LIBURING_NOEXCEPT;

/*
 * user_data that the library uses for its own timeout requests on kernels
 * without IORING_FEAT_EXT_ARG (before 5.11); such CQEs never reach the
 * application.
 */
#define LIBURING_UDATA_TIMEOUT	((__u64) -1)

#ifdef __cplusplus
}
#endif

#include "liburing/queue.h"
#include "liburing/prep.h"
#include "liburing/prep_file.h"
#include "liburing/prep_fs.h"
#include "liburing/prep_net.h"
#include "liburing/prep_event.h"
#include "liburing/buf_ring.h"

/* liburing's ABI: these layouts are compiled into existing binaries. */
#if (defined(__x86_64__) || defined(__aarch64__) || defined(__powerpc64__) || \
     (defined(__riscv) && __riscv_xlen == 64)) && \
    (defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L))
#ifdef __cplusplus
#define LIBURING__ASSERT(c, m) static_assert(c, m)
#else
#define LIBURING__ASSERT(c, m) _Static_assert(c, m)
#endif
LIBURING__ASSERT(sizeof(struct io_uring_sq) == 104, "io_uring_sq size");
LIBURING__ASSERT(sizeof(struct io_uring_cq) == 88, "io_uring_cq size");
LIBURING__ASSERT(sizeof(struct io_uring) == 216, "io_uring size");
LIBURING__ASSERT(offsetof(struct io_uring_sq, sqe_head) == 64, "sq.sqe_head");
LIBURING__ASSERT(offsetof(struct io_uring_sq, ring_sz) == 72, "sq.ring_sz");
LIBURING__ASSERT(offsetof(struct io_uring_sq, ring_mask) == 88, "sq.ring_mask");
LIBURING__ASSERT(offsetof(struct io_uring_cq, cqes) == 48, "cq.cqes");
LIBURING__ASSERT(offsetof(struct io_uring_cq, ring_mask) == 72, "cq.ring_mask");
LIBURING__ASSERT(offsetof(struct io_uring, cq) == 104, "io_uring.cq");
LIBURING__ASSERT(offsetof(struct io_uring, flags) == 192, "io_uring.flags");
LIBURING__ASSERT(offsetof(struct io_uring, ring_fd) == 196, "io_uring.ring_fd");
LIBURING__ASSERT(offsetof(struct io_uring, features) == 200, "io_uring.features");
LIBURING__ASSERT(offsetof(struct io_uring, enter_ring_fd) == 204, "enter_ring_fd");
LIBURING__ASSERT(offsetof(struct io_uring, int_flags) == 208, "int_flags");
LIBURING__ASSERT(sizeof(struct io_uring_zcrx_rq) == 40, "io_uring_zcrx_rq size");
LIBURING__ASSERT(offsetof(struct io_uring_zcrx_rq, rqes) == 24, "zcrx_rq.rqes");
#undef LIBURING__ASSERT
#endif

#endif /* LIB_URING_H */
