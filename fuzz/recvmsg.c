/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the multishot recvmsg helpers of <liburing/prep_net.h>.
 *
 * Input: the template's msg_namelen and msg_controllen, the CQE's res,
 * then the buffer's bytes (header, areas, payload) as a peer or a buggy
 * kernel could leave them. The buffer is a heap block of exactly res bytes
 * (when res is not negative), so ASan catches a read past it; the checks
 * state what the helpers promise: validate() accepts exactly when header
 * and both areas fit, every control message lies in the area after the
 * one before, and the payload lies in the buffer after both areas.
 */
#include <liburing.h>
#include "fuzz.h"

#define HDR sizeof(struct io_uring_recvmsg_out)

static size_t cmsg_len_at(const unsigned char *p)
{
	size_t len;

	memcpy(&len, p + offsetof(struct cmsghdr, cmsg_len), sizeof(len));
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct io_uring_recvmsg_out *o;
	struct msghdr m;
	struct cmsghdr *c;
	unsigned char *buf, *start, *prev, *payload;
	size_t alloc, area, walked = 0;
	unsigned int plen;
	int buf_len;
	uint8_t sel = fz_u8(&f);
	volatile unsigned sink = 0;

	memset(&m, 0, sizeof(m));
	/* Mostly plausible sizes, sometimes anything at all. */
	m.msg_namelen = (sel & 1) ? fz_u32(&f) : fz_u8(&f);
	m.msg_controllen = (sel & 2) ? fz_u64(&f) : fz_u16(&f) % 512;
	if (sel & 4) {
		buf_len = (int) fz_u32(&f);
	} else {
		/* header + areas + a little, or a little less */
		long long want = (long long) HDR + (long long) m.msg_namelen +
				 (long long) (m.msg_controllen & 0xffff) +
				 (int8_t) fz_u8(&f);

		buf_len = want > 4096 ? 4096 : want < -1 ? -1 : (int) want;
	}
	/* Room for every layout that matters; bigger only costs speed. */
	if (buf_len > 4096)
		buf_len = (int) (buf_len % 4097);
	alloc = buf_len > 0 ? (size_t) buf_len : 0;
	/* Exactly alloc bytes: ASan sees any read past the end. */
	buf = malloc(alloc ? alloc : 1);
	if (!buf)
		return 0;
	{
		size_t from_input = f.n < alloc ? f.n : alloc;

		memcpy(buf, f.p, from_input);
		memset(buf + from_input, 0x5a, alloc - from_input);
	}

	o = io_uring_recvmsg_validate(buf, buf_len, &m);
	{
		unsigned __int128 need = (unsigned __int128) HDR +
					 m.msg_namelen + m.msg_controllen;
		int fits = buf_len >= 0 && need <= (unsigned __int128) buf_len;

		FZ_CHECK(fits == (o != NULL));
		if (!fits) {
			FZ_CHECK(io_uring_recvmsg_payload_length(
					(struct io_uring_recvmsg_out *) buf,
					buf_len, &m) == 0);
			free(buf);
			return 0;
		}
	}
	FZ_CHECK((void *) o == (void *) buf);

	/* The name area: min(o->namelen, template) bytes, all readable. */
	{
		unsigned char *name = io_uring_recvmsg_name(o);
		size_t n = o->namelen < m.msg_namelen ? o->namelen :
							 m.msg_namelen;

		FZ_CHECK(name == buf + HDR);
		for (size_t i = 0; i < n; i++)
			sink += name[i];
	}

	/* Control messages: forwards, inside the area, all bytes readable. */
	start = buf + HDR + m.msg_namelen;
	area = o->controllen < m.msg_controllen ? o->controllen :
						   m.msg_controllen;
	prev = NULL;
	for (c = io_uring_recvmsg_cmsg_firsthdr(o, &m); c;
	     c = io_uring_recvmsg_cmsg_nexthdr(o, &m, c)) {
		unsigned char *p = (unsigned char *) c;
		size_t len = cmsg_len_at(p);

		FZ_CHECK(p >= start);
		FZ_CHECK(!prev || p > prev);
		FZ_CHECK((size_t) (p - start) <= area);
		FZ_CHECK(len >= sizeof(struct cmsghdr));
		FZ_CHECK(len <= area - (size_t) (p - start));
		for (size_t i = 0; i < len; i++)
			sink += p[i];
		prev = p;
		/* each step is at least one header: a bounded walk */
		FZ_CHECK(++walked <= area / sizeof(struct cmsghdr));
	}

	/* The payload: after both areas, ending at the buffer's end. */
	payload = io_uring_recvmsg_payload(o, &m);
	plen = io_uring_recvmsg_payload_length(o, buf_len, &m);
	FZ_CHECK(payload == start + m.msg_controllen);
	FZ_CHECK((size_t) (payload - buf) + plen == alloc);
	for (unsigned i = 0; i < plen; i++)
		sink += payload[i];
	(void) sink;
	free(buf);
	return 0;
}
