/* SPDX-License-Identifier: MIT */
/*
 * Regression: the multishot recvmsg helpers on buffers and templates a
 * peer or a bug can make hostile (issue 10, points 1 to 4). Each buffer is
 * a heap block of exactly the bytes the CQE's res says, so under ASan a
 * read past it is caught as well as the wrong answer.
 *
 *  1. validate(): header + namelen + controllen summed in size_t wrapped,
 *     and a 98-byte buffer passed with a controllen near SIZE_MAX;
 *  2. payload_length(): a buf_len shorter than header plus areas, or
 *     negative, gave about four billion;
 *  3. cmsg_nexthdr(): a cmsg_len near SIZE_MAX rounded up to a step of 0
 *     (the same header again) or a step backwards;
 *  4. the control area's end came from o->controllen in the buffer,
 *     unchecked against the template's msg_controllen.
 */
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/socket.h>
#include "test.h"

#define HDR sizeof(struct io_uring_recvmsg_out)

/* A cmsg header at p (which may be unaligned) claiming len bytes. */
static void put_cmsg(unsigned char *p, size_t len, int level, int type)
{
	struct cmsghdr c;

	memset(&c, 0, sizeof(c));
	c.cmsg_len = len;
	c.cmsg_level = level;
	c.cmsg_type = type;
	memcpy(p, &c, sizeof(c));
}

static struct msghdr tmpl(socklen_t namelen, size_t controllen)
{
	struct msghdr m;

	memset(&m, 0, sizeof(m));
	m.msg_namelen = namelen;
	m.msg_controllen = controllen;
	return m;
}

static void validate_bounds(void)
{
	unsigned char *buf = calloc(1, 98);
	struct msghdr m;

	ASSERT_NOT_NULL(buf);
	/* 16 + 16 + (SIZE_MAX - 13) wraps to 18, which is <= 98. */
	m = tmpl(16, SIZE_MAX - 13);
	ASSERT_NULL(io_uring_recvmsg_validate(buf, 98, &m));
	m = tmpl(16, SIZE_MAX);
	ASSERT_NULL(io_uring_recvmsg_validate(buf, 98, &m));
	m = tmpl(UINT32_MAX, 16);
	ASSERT_NULL(io_uring_recvmsg_validate(buf, 98, &m));
	/* Exact fit, one byte short, negative, shorter than the header. */
	m = tmpl(16, 66);
	ASSERT((void *) io_uring_recvmsg_validate(buf, 98, &m) == (void *) buf);
	m = tmpl(16, 67);
	ASSERT_NULL(io_uring_recvmsg_validate(buf, 98, &m));
	m = tmpl(0, 0);
	ASSERT((void *) io_uring_recvmsg_validate(buf, (int) HDR, &m) ==
	       (void *) buf);
	ASSERT_NULL(io_uring_recvmsg_validate(buf, (int) HDR - 1, &m));
	ASSERT_NULL(io_uring_recvmsg_validate(buf, -1, &m));
	ASSERT_NULL(io_uring_recvmsg_validate(buf, INT32_MIN, &m));
	free(buf);
}

static void payload_length_bounds(void)
{
	unsigned char *buf = calloc(1, 64);
	struct io_uring_recvmsg_out *o = (struct io_uring_recvmsg_out *) buf;
	struct msghdr m = tmpl(16, 8);

	ASSERT_NOT_NULL(buf);
	/* 16 + 16 + 8 = 40 bytes of header and areas, then the payload. */
	ASSERT_EQ(io_uring_recvmsg_payload_length(o, 64, &m), 24U);
	ASSERT_EQ(io_uring_recvmsg_payload_length(o, 40, &m), 0U);
	ASSERT_EQ(io_uring_recvmsg_payload_length(o, 39, &m), 0U);
	ASSERT_EQ(io_uring_recvmsg_payload_length(o, 20, &m), 0U);
	ASSERT_EQ(io_uring_recvmsg_payload_length(o, 0, &m), 0U);
	ASSERT_EQ(io_uring_recvmsg_payload_length(o, -1, &m), 0U);
	ASSERT_EQ(io_uring_recvmsg_payload_length(o, INT32_MIN, &m), 0U);
	/* A template whose sizes wrap when added. */
	m = tmpl(16, SIZE_MAX - 20);
	ASSERT_EQ(io_uring_recvmsg_payload_length(o, 64, &m), 0U);
	/* Never more than what lies after both areas. */
	for (int len = 0; len <= 64; len++) {
		unsigned got;

		m = tmpl(16, 8);
		got = io_uring_recvmsg_payload_length(o, len, &m);
		ASSERT_EQ(got, len >= 40 ? (unsigned) len - 40 : 0U);
	}
	free(buf);
}

/*
 * A buffer of header, name area (namelen), control area (ctl bytes in
 * the template, *claimed in the header) and pay payload bytes.
 */
static unsigned char *make_buf(socklen_t namelen, size_t ctl,
			       unsigned claimed, size_t pay, int *len)
{
	size_t total = HDR + namelen + ctl + pay;
	unsigned char *buf = calloc(1, total);
	struct io_uring_recvmsg_out o;

	ASSERT_NOT_NULL(buf);
	memset(&o, 0, sizeof(o));
	o.namelen = namelen;
	o.controllen = claimed;
	o.payloadlen = (unsigned) pay;
	memcpy(buf, &o, sizeof(o));
	*len = (int) total;
	return buf;
}

static void nexthdr_steps_forward(void)
{
	const size_t h = sizeof(struct cmsghdr);
	struct msghdr m = tmpl(16, 64);
	struct io_uring_recvmsg_out *o;
	struct cmsghdr *first, *c;
	unsigned char *buf, *ctl;
	int len;

	buf = make_buf(16, 64, 64, 8, &len);
	ctl = buf + HDR + 16;
	o = io_uring_recvmsg_validate(buf, len, &m);
	ASSERT_NOT_NULL(o);

	/* Rounded up, SIZE_MAX - 3 becomes a step of 0: the same header. */
	put_cmsg(ctl, SIZE_MAX - 3, SOL_SOCKET, 1);
	c = io_uring_recvmsg_cmsg_nexthdr(o, &m, (struct cmsghdr *) ctl);
	ASSERT_NULL(c);
	/* ... and firsthdr does not hand out a header claiming that much. */
	ASSERT_NULL(io_uring_recvmsg_cmsg_firsthdr(o, &m));

	/* SIZE_MAX - 15 becomes a step of -16: back to the first header. */
	put_cmsg(ctl, h, SOL_SOCKET, 1);
	put_cmsg(ctl + h, SIZE_MAX - 15, SOL_SOCKET, 2);
	first = io_uring_recvmsg_cmsg_firsthdr(o, &m);
	ASSERT((void *) first == (void *) ctl);
	c = io_uring_recvmsg_cmsg_nexthdr(o, &m, first);
	ASSERT_NULL(c);		/* the second claims more than the area */
	c = io_uring_recvmsg_cmsg_nexthdr(o, &m, (struct cmsghdr *) (ctl + h));
	ASSERT_NULL(c);

	/* A well-formed chain of four 16-byte messages walks forwards. */
	for (int i = 0; i < 4; i++)
		put_cmsg(ctl + i * h, h, SOL_SOCKET, i);
	{
		unsigned char *prev = NULL;
		int n = 0;

		for (c = io_uring_recvmsg_cmsg_firsthdr(o, &m); c;
		     c = io_uring_recvmsg_cmsg_nexthdr(o, &m, c)) {
			ASSERT((unsigned char *) c > prev);
			ASSERT_LE((unsigned char *) c + c->cmsg_len, ctl + 64);
			ASSERT_EQ(c->cmsg_type, n);
			prev = (unsigned char *) c;
			n++;
		}
		ASSERT_EQ(n, 4);
	}
	free(buf);
}

static void control_end_capped(void)
{
	const size_t h = sizeof(struct cmsghdr);
	struct io_uring_recvmsg_out *o;
	struct msghdr m;
	struct cmsghdr *c;
	unsigned char *buf;
	int len, n;

	/*
	 * The template has 32 control bytes, the buffer's header claims
	 * 4096: the two messages in the area are found, the payload (which
	 * looks like a third) is not, and nothing past the buffer is read.
	 */
	m = tmpl(16, 32);
	buf = make_buf(16, 32, 4096, h, &len);
	put_cmsg(buf + HDR + 16, h, SOL_SOCKET, 0);
	put_cmsg(buf + HDR + 16 + h, h, SOL_SOCKET, 1);
	put_cmsg(buf + HDR + 16 + 2 * h, h, SOL_SOCKET, 2);
	o = io_uring_recvmsg_validate(buf, len, &m);
	ASSERT_NOT_NULL(o);
	n = 0;
	for (c = io_uring_recvmsg_cmsg_firsthdr(o, &m); c;
	     c = io_uring_recvmsg_cmsg_nexthdr(o, &m, c)) {
		ASSERT_LT(n, 2);
		ASSERT_EQ(c->cmsg_type, n);
		n++;
	}
	ASSERT_EQ(n, 2);
	free(buf);

	/* No control area in the template: no message, whatever o says. */
	m = tmpl(16, 0);
	buf = make_buf(16, 0, 64, h, &len);
	put_cmsg(buf + HDR + 16, h, SOL_SOCKET, 0);
	o = io_uring_recvmsg_validate(buf, len, &m);
	ASSERT_NOT_NULL(o);
	ASSERT_NULL(io_uring_recvmsg_cmsg_firsthdr(o, &m));
	free(buf);

	/* The kernel wrote less than the area: that is where it ends. */
	m = tmpl(16, 64);
	buf = make_buf(16, 64, (unsigned) h, 0, &len);
	put_cmsg(buf + HDR + 16, h, SOL_SOCKET, 0);
	put_cmsg(buf + HDR + 16 + h, h, SOL_SOCKET, 1);
	o = io_uring_recvmsg_validate(buf, len, &m);
	c = io_uring_recvmsg_cmsg_firsthdr(o, &m);
	ASSERT_NOT_NULL(c);
	ASSERT_NULL(io_uring_recvmsg_cmsg_nexthdr(o, &m, c));
	free(buf);
}

/* A 28-byte name area (sockaddr_in6) leaves the control area unaligned. */
static void unaligned_control_area(void)
{
	const size_t h = sizeof(struct cmsghdr);
	struct msghdr m = tmpl(28, 2 * h);
	struct io_uring_recvmsg_out *o;
	struct cmsghdr *c;
	unsigned char *buf;
	size_t clen;
	int len, n = 0;

	buf = make_buf(28, 2 * h, (unsigned) (2 * h), 0, &len);
	put_cmsg(buf + HDR + 28, h, SOL_SOCKET, 0);
	put_cmsg(buf + HDR + 28 + h, h, SOL_SOCKET, 1);
	o = io_uring_recvmsg_validate(buf, len, &m);
	for (c = io_uring_recvmsg_cmsg_firsthdr(o, &m); c;
	     c = io_uring_recvmsg_cmsg_nexthdr(o, &m, c)) {
		memcpy(&clen, (unsigned char *) c +
		       offsetof(struct cmsghdr, cmsg_len), sizeof(clen));
		ASSERT_EQ(clen, h);
		n++;
	}
	ASSERT_EQ(n, 2);
	free(buf);
}

int main(void)
{
	validate_bounds();
	payload_length_bounds();
	nexthdr_steps_forward();
	control_end_capped();
	unaligned_control_area();
	return T_EXIT_PASS;
}
