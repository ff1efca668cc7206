/* SPDX-License-Identifier: MIT */
/*
 * uringkit bench zc: copy against zero-copy sends on one TCP stream.
 *
 * This process sends, a forked receiver reads to EOF and checksums every
 * byte; over loopback and over a veth pair into a network namespace, with
 * messages of 4, 64 and 256 KiB. Senders:
 *   send()                 copy, one message per call
 *   MSG_ZEROCOPY           sendmsg(MSG_ZEROCOPY), notifications read from
 *                          the error queue (recvmsg(MSG_ERRQUEUE), poll)
 *   io_uring send          copy
 *   send_zc                zero-copy, user memory
 *   send_zc_fixed          zero-copy, one registered buffer
 *   sendmsg_zc_fixed       zero-copy from a uringkit_zc arena, each message
 *                          in 4 iovecs (what one buffer index cannot do
 *                          without the arena)
 * Every zero-copy sender has the same memory in flight (POOL_BYTES) and
 * reuses a buffer only after its notification. The io_uring senders
 * submit a linked chain of sends (in order on the stream) per
 * io_uring_enter. System calls are counted around every call the sender
 * makes in the window (io_uring_enter: the submit/wait calls that enter).
 */
#include <errno.h>
#include <time.h>		/* before linux/errqueue.h, which needs timespec */
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uringkit/zc.h>
#include "../uringkit.h"
#include "netutil.h"
#include "suites.h"
#include "zcpeer.h"
#include "zcsend.h"

static const char *const sender_names[] = {
	[K_SEND] = "send()",
	[K_MSG_ZEROCOPY] = "MSG_ZEROCOPY",
	[K_URING_SEND] = "io_uring send",
	[K_SEND_ZC] = "send_zc",
	[K_SEND_ZC_FIXED] = "send_zc_fixed",
	[K_ARENA] = "sendmsg_zc_fixed arena",
};
#define NR_SENDERS	(sizeof(sender_names) / sizeof(sender_names[0]))

static const unsigned msg_kib[] = { 4, 64, 256 };
#define NR_SIZES	(sizeof(msg_kib) / sizeof(msg_kib[0]))

/* ---- send() ----------------------------------------------------------------- */

static void run_send(struct zcx *x)
{
	/* A copy: the buffer is free again when the call returns. */
	unsigned char *buf = zcx_slot_buf(x, 0);

	while (!zcx_tick(x)) {
		size_t off = 0;

		zc_stream_stamp(&x->st, buf, x->size);
		while (off < x->size) {
			ssize_t n = send(x->fd, buf + off, x->size - off,
					 MSG_NOSIGNAL);

			x->sys++;
			if (n < 0 && errno == EINTR && !uk_interrupted)
				continue;
			if (n <= 0) {
				zcx_fail(x, "send", n < 0 ? -errno : -EIO);
				return;
			}
			off += (size_t) n;
		}
		zcx_msg_done(x);
	}
}

/* ---- sendmsg(MSG_ZEROCOPY) ---------------------------------------------------- */

/*
 * Read one notification from the error queue (one range of call ids) and
 * release the slots it names. With wait, poll until one arrives (2 s at
 * most). 1: read one; 0: none there; < 0: failed.
 */
static int errq_read(struct zcx *x, bool wait)
{
	char ctrl[CMSG_SPACE(sizeof(struct sock_extended_err) +
			     sizeof(struct sockaddr_in6))];
	uint64_t deadline = uk_now_ns() + 2 * NS;
	struct sock_extended_err ee;
	struct cmsghdr *cm;
	struct msghdr m;
	uint32_t id;

	for (;;) {
		struct pollfd pfd = { .fd = x->fd, .events = 0 };
		ssize_t n;

		memset(&m, 0, sizeof(m));
		m.msg_control = ctrl;
		m.msg_controllen = sizeof(ctrl);
		n = recvmsg(x->fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);
		x->sys++;
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return zcx_fail(x, "recvmsg(MSG_ERRQUEUE)", -errno);
		if (!wait)
			return 0;
		if (uk_now_ns() > deadline)
			return zcx_fail(x, "no zero-copy notification in 2 s",
				    -ETIMEDOUT);
		/* POLLERR: the error queue has something. */
		poll(&pfd, 1, POLL_MS);
		x->sys++;
	}
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
		if (!(cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) &&
		    !(cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_RECVERR))
			continue;
		memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
		if (ee.ee_errno || ee.ee_origin != SO_EE_ORIGIN_ZEROCOPY)
			return zcx_fail(x, "error queue: not a zero-copy notification",
				    ee.ee_errno ? -(int) ee.ee_errno : -EPROTO);
		if (ee.ee_data - ee.ee_info >= x->ids_out)
			return zcx_fail(x, "error queue: notification for calls "
				    "not made", -EPROTO);
		x->notifs++;
		if (ee.ee_code & SO_EE_CODE_ZEROCOPY_COPIED)
			x->copied++;
		for (id = ee.ee_info;; id++) {
			zcx_slot_release(x, x->idmap[id % MAP_IDS]);
			x->ids_out--;
			if (id == ee.ee_data)
				break;
		}
		return 1;
	}
	return zcx_fail(x, "error queue: no notification in the message", -EPROTO);
}

static void run_msg_zerocopy(struct zcx *x)
{
	int one = 1;

	if (setsockopt(x->fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one))) {
		zcx_fail(x, "setsockopt(SO_ZEROCOPY)", -errno);
		return;
	}
	while (!zcx_tick(x)) {
		unsigned slot;
		size_t off = 0;

		/* Out of memory to send from: wait for a notification. */
		if (!x->nfree || x->ids_out + 64 > MAP_IDS) {
			errq_read(x, true);
			continue;
		}
		slot = x->freel[--x->nfree];
		x->holds[slot] = 1;	/* the loop below, until sent */
		zc_stream_stamp(&x->st, zcx_slot_buf(x, slot), x->size);
		while (off < x->size && !x->r->err) {
			struct iovec iov = {
				.iov_base = zcx_slot_buf(x, slot) + off,
				.iov_len = x->size - off,
			};
			struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
			ssize_t n = sendmsg(x->fd, &m, MSG_ZEROCOPY | MSG_NOSIGNAL);

			x->sys++;
			if (n > 0) {
				x->idmap[x->next_id++ % MAP_IDS] = slot;
				x->holds[slot]++;
				x->ids_out++;
				off += (size_t) n;
			} else if (n < 0 && errno == ENOBUFS) {
				/* optmem_max reached: notifications free it. */
				errq_read(x, true);
			} else if (!(n < 0 && errno == EINTR)) {
				zcx_fail(x, "sendmsg(MSG_ZEROCOPY)", n < 0 ? -errno : -EIO);
			}
		}
		zcx_slot_release(x, slot);
		if (!x->r->err)
			zcx_msg_done(x);
	}
	/* The memory is let go only after its notification. */
	while (x->ids_out && errq_read(x, true) > 0)
		;
}

/* ---- a cell -------------------------------------------------------------------- */

struct zc_arg {
	struct zc_leg legs[2];
	unsigned nlegs;
};

static void cell_metrics(struct zcx *x)
{
	const struct snap *a = &x->s0, *b = &x->s1;
	struct bench_record *r = x->r;
	double dt = (double) (b->t - a->t) / 1e9;
	double gib = (double) (b->bytes - a->bytes) / (double) (1u << 30);
	double msgs = (double) (b->msgs - a->msgs);
	double notifs = (double) (b->notifs - a->notifs);

	if (x->phase != 2) {
		bench_record_fail(r, "the window did not end", -ETIME);
		return;
	}
	if (!(gib > 0)) {
		bench_record_fail(r, "nothing sent in the window", -ETIME);
		return;
	}
	r->ops = b->msgs - a->msgs;
	r->window_s = dt;
	r->ops_per_s = msgs / dt;
	r->gib_per_s = gib / dt;
	r->cpu_pct = (double) (b->cpu_ns - a->cpu_ns) / 1e9 / dt * 100;
	r->cpu_s_per_gib = (double) (b->cpu_ns - a->cpu_ns) / 1e9 / gib;
	r->syscalls_per_mib = (double) (b->sys - a->sys) / (gib * 1024);
	if (x->kind != K_SEND && x->kind != K_URING_SEND) {
		r->notifs_per_msg = notifs / msgs;
		if (notifs > 0)
			r->copied_frac = (double) (b->copied - a->copied) / notifs;
	}
}

/* Connect to the receiver and run one sender over one window. */
static void cell_send(struct zcx *x, const struct sockaddr_in *dst)
{
	unsigned i;

	x->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (x->fd < 0) {
		zcx_fail(x, "socket", -errno);
		return;
	}
	if (connect(x->fd, (const struct sockaddr *) dst, sizeof(*dst))) {
		zcx_fail(x, "connect", -errno);
		return;
	}
	for (i = 0; i < x->nslots; i++) {
		x->freel[x->nfree++] = x->nslots - 1 - i;
		x->holds[i] = 0;
	}
	zc_stream_fill(&x->st, x->pool, (size_t) x->nslots * x->size);
	if (x->kind == K_SEND)
		run_send(x);
	else if (x->kind == K_MSG_ZEROCOPY)
		run_msg_zerocopy(x);
	else
		zcx_run_uring(x);
}

static void zc_cell(void *varg, const struct bench_opts *o, size_t g,
		    size_t k, struct bench_record *r)
{
	struct zc_arg *a = varg;
	const struct zc_leg *leg = &a->legs[g / NR_SIZES];
	unsigned kib = msg_kib[g % NR_SIZES];
	struct child_report rep;
	struct sockaddr_in dst;
	struct child ch;
	struct zcx *x;
	size_t pool;
	int lfd, ret;

	r->engine = sender_names[k];
	r->depth = kib;
	snprintf(r->title, sizeof(r->title), "%s %uK %s", leg->name, kib,
		 sender_names[k]);
	x = calloc(1, sizeof(*x));
	if (!x) {
		bench_record_fail(r, "calloc", -ENOMEM);
		return;
	}
	x->r = r;
	x->kind = (enum zc_kind) k;
	x->fd = -1;
	x->size = (size_t) kib << 10;
	x->nslots = POOL_BYTES / x->size;
	pool = (size_t) x->nslots * x->size;
	zc_stream_init(&x->st);
	x->freel = calloc(x->nslots, sizeof(*x->freel));
	x->holds = calloc(x->nslots, sizeof(*x->holds));
	x->pool = mmap(NULL, pool, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->pool == MAP_FAILED)
		x->pool = NULL;
	if (!x->freel || !x->holds || !x->pool) {
		bench_record_fail(r, "memory for the messages", -ENOMEM);
		goto out;
	}
	lfd = zc_leg_listen(leg, &dst, r);
	if (lfd < 0)
		goto out;
	ret = zc_receiver_start(&ch, lfd);
	if (ret) {
		bench_record_fail(r, "fork (receiver)", ret);
		close(lfd);
		goto out;
	}
	close(lfd);
	x->wstart = uk_now_ns() + (uint64_t) (o->warm_s * 1e9);
	x->wend = x->wstart + (uint64_t) (o->cell_s * 1e9);
	cell_send(x, &dst);
	/* EOF tells the receiver the stream is complete. */
	if (x->fd >= 0)
		close(x->fd);
	ret = child_finish(&ch, &rep);
	if (ret)
		bench_record_fail(r, "the receiver did not report", ret);
	else if (rep.err)
		bench_record_fail(r, rep.failed, rep.err);
	if (r->err)
		goto out;
	if (rep.count != x->st.words * 8 || rep.sum != x->st.expect) {
		fprintf(stderr, "uringkit bench zc: %s: sent %llu bytes, "
			"received %llu; checksum %016llx, expected %016llx\n",
			r->title, (unsigned long long) x->st.words * 8,
			(unsigned long long) rep.count,
			(unsigned long long) rep.sum,
			(unsigned long long) x->st.expect);
		bench_record_fail(r, "data corrupted: receiver checksum "
				  "mismatch", -EBADMSG);
		goto out;
	}
	r->bytes_intact = (double) rep.count;
	cell_metrics(x);
out:
	if (x->pool)
		munmap(x->pool, pool);
	free(x->freel);
	free(x->holds);
	free(x);
}

/* 36 cells; --quick: 0.2 s cells after 0.05 s of warm-up (about 10 s). */
static void zc_opts(const struct bench_opts *o, struct bench_opts *zo)
{
	*zo = *o;
	if (o->quick) {
		zo->cell_s = 0.2;
		zo->warm_s = 0.05;
	}
}

struct bench_plan bench_zc_plan(const struct bench_opts *o)
{
	struct bench_opts zo;

	zc_opts(o, &zo);
	return net_plan(&zo, 2 * NR_SIZES * NR_SENDERS, 0.03);
}

int bench_zc(struct bench_suite *s)
{
	struct zc_arg a;
	char why[128];
	size_t i;
	int ret;

	zc_opts(&s->opts, &s->opts);
	s->depth_name = "message KiB";
	memset(&a, 0, sizeof(a));
	zc_leg_loopback(&a.legs[0]);
	a.nlegs = 1;
	if (zc_leg_veth(&a.legs[1], why, sizeof(why)) == 0)
		a.nlegs = 2;
	else
		snprintf(s->note, sizeof(s->note), "veth leg skipped: %s", why);
	ret = net_run_cells(s, a.nlegs * NR_SIZES, NR_SENDERS, zc_cell, &a);
	if (a.nlegs == 2)
		zc_leg_free(&a.legs[1]);
	/* Corrupted data is a failure of the run, not just of a row. */
	for (i = 0; i < s->nr; i++)
		if (s->rec[i].err == -EBADMSG)
			ret = 1;
	return ret;
}
