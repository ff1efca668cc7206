/* SPDX-License-Identifier: MIT */
/*
 * Setup that adapts to the kernel, and the memlock preflight. See
 * include/uringkit/setup.h and uringkit_setup_adapt(3).
 */
#include <limits.h>
#include <string.h>
#include <sys/resource.h>
#include <linux/capability.h>
#include "internal/ring.h"
#include "uringkit/setup.h"

/* URINGKIT_SETUP_OPTIONAL in drop order; SQ_AFF rides with SQPOLL. */
static const unsigned drop_order[] = {
	IORING_SETUP_SQPOLL,
	IORING_SETUP_HYBRID_IOPOLL,
	IORING_SETUP_DEFER_TASKRUN,
	IORING_SETUP_TASKRUN_FLAG,
	IORING_SETUP_COOP_TASKRUN,
	IORING_SETUP_SINGLE_ISSUER,
	IORING_SETUP_NO_SQARRAY,
	IORING_SETUP_SUBMIT_ALL,
};
#define NR_DROP (sizeof(drop_order) / sizeof(drop_order[0]))

/* Remove the flags whose companion is gone. */
static unsigned without_orphans(unsigned f)
{
	if (!(f & IORING_SETUP_SQPOLL))
		f &= ~IORING_SETUP_SQ_AFF;
	if (!(f & IORING_SETUP_SINGLE_ISSUER))
		f &= ~IORING_SETUP_DEFER_TASKRUN;
	if (!(f & (IORING_SETUP_COOP_TASKRUN | IORING_SETUP_DEFER_TASKRUN)))
		f &= ~IORING_SETUP_TASKRUN_FLAG;
	if (!(f & IORING_SETUP_IOPOLL))
		f &= ~IORING_SETUP_HYBRID_IOPOLL;
	return f;
}

static bool is_refusal(int err)
{
	return err == -EINVAL || err == -EPERM || err == -EOPNOTSUPP;
}

/* One attempt on a copy of the caller's parameters. */
static int try_flags(unsigned entries, struct io_uring *ring,
		     const struct io_uring_params *orig, unsigned flags,
		     struct io_uring_params *out,
		     struct uringkit_setup_report *r)
{
	int ret;

	*out = *orig;
	out->flags = flags;
	r->attempts++;
	ret = io_uring_queue_init_params(entries, ring, out);
	if (ret < 0 && is_refusal(ret))
		r->last_refusal = -ret;
	return ret;
}

UK_EXPORT int uringkit_setup_adapt(unsigned int entries, struct io_uring *ring,
				   struct io_uring_params *p,
				   struct uringkit_setup_report *rep)
{
	struct uringkit_setup_report r = { 0 };
	struct io_uring_params got, orig;
	unsigned flags;
	int ret;

	if (!ring || !p) {
		if (rep)
			memset(rep, 0, sizeof(*rep));
		return -EINVAL;
	}
	orig = *p;
	flags = r.wanted = orig.flags;
	ret = try_flags(entries, ring, &orig, flags, &got, &r);
	for (unsigned i = 0; ret < 0 && is_refusal(ret) && i < NR_DROP; i++) {
		if (!(flags & drop_order[i]))
			continue;
		flags = without_orphans(flags & ~drop_order[i]);
		ret = try_flags(entries, ring, &orig, flags, &got, &r);
	}
	if (ret < 0)
		goto out;

	/*
	 * Try each dropped flag again, latest dropped first: a flag may have
	 * gone only because it came earlier in the order, or as the companion
	 * of another (DEFER_TASKRUN without SINGLE_ISSUER goes at once).
	 */
	for (unsigned i = NR_DROP; i-- > 0;) {
		unsigned f = drop_order[i], more;
		struct io_uring_params again;
		struct io_uring other;

		if (!(r.wanted & f) || (flags & f))
			continue;
		/* The flag with the companions the caller asked for. */
		more = flags | f;
		if (f == IORING_SETUP_SQPOLL)
			more |= r.wanted & IORING_SETUP_SQ_AFF;
		if (r.wanted & IORING_SETUP_TASKRUN_FLAG)
			more |= IORING_SETUP_TASKRUN_FLAG;
		more = without_orphans(more);
		if (more == flags)
			continue;
		if (try_flags(entries, &other, &orig, more, &again, &r) < 0)
			continue;
		io_uring_queue_exit(ring);
		*ring = other;
		got = again;
		flags = more;
	}
	*p = got;
	r.kept = flags;
out:
	r.dropped = r.wanted & ~r.kept;
	if (ret < 0)
		r.kept = 0, r.dropped = r.wanted;
	if (rep)
		*rep = r;
	return ret < 0 ? ret : 0;
}

/* Whether this process has CAP_IPC_LOCK in its effective set. */
static bool has_cap_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (uk__syscall6(__NR_capget, (long) &hdr, (long) data, 0, 0, 0, 0))
		return false;
	return data[CAP_IPC_LOCK / 32].effective & (1U << (CAP_IPC_LOCK % 32));
}

UK_EXPORT int uringkit_memlock_check(unsigned int entries,
				     const struct io_uring_params *p,
				     size_t buf_bytes,
				     struct uringkit_memlock *out)
{
	struct io_uring_params q;
	struct rlimit rl;
	size_t page = uk__page_size();
	ssize_t bytes, locked;

	if (!out || !entries || entries > UK_MAX_SQ_ENTRIES)
		return -EINVAL;
	if (p)
		q = *p;
	else
		memset(&q, 0, sizeof(q));
	bytes = io_uring_memory_size_params(entries, &q);
	if (bytes < 0)
		return (int) bytes;
	locked = io_uring_mlock_size_params(entries, &q);
	if (locked < 0)
		return (int) locked;
	if (uk__syscall6(__NR_prlimit64, 0, RLIMIT_MEMLOCK, 0, (long) &rl,
			 0, 0))
		rl.rlim_cur = RLIM_INFINITY;

	memset(out, 0, sizeof(*out));
	out->ring_bytes = (unsigned long long) bytes;
	out->ring_locked = (unsigned long long) locked;
	out->buf_bytes = (buf_bytes + page - 1) / page * page;
	if (out->buf_bytes < buf_bytes)
		out->buf_bytes = ULLONG_MAX - page + 1;
	out->need = out->ring_locked + out->buf_bytes;
	out->limit = rl.rlim_cur == RLIM_INFINITY ? ULLONG_MAX : rl.rlim_cur;
	out->cap_ipc_lock = has_cap_ipc_lock();
	out->enough = out->cap_ipc_lock || out->need <= out->limit;
	if (!out->enough)
		out->raise_kib = (out->need + 1023) / 1024;
	return 0;
}
