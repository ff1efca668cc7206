/* SPDX-License-Identifier: MIT */
/*
 * uringkit: inline io_uring_prep_* helpers for sockets: creating, binding,
 * listening, connecting and accepting (also straight into the ring's fixed
 * file table), sending and receiving (plain, vectored, zero-copy, multishot
 * and bundled), shutdown, socket commands (getsockopt/setsockopt and queue
 * sizes through IORING_OP_URING_CMD), and the parsing helpers for the
 * buffers that a multishot recvmsg fills. Included by <liburing.h>.
 *
 * Every helper starts from io_uring_prep_rw(), which writes every field of
 * the 64-byte SQE, and then fills in what its opcode needs. How the kernel
 * reads the SQE for these opcodes (Linux 6.18):
 *
 *   opcode      fd       off (addr2)       addr            len       word@28       ioprio       @40        @44
 *   SOCKET      domain   type|SOCK_*       -               protocol  (must be 0)   -            -          file_index
 *   CONNECT     socket   address length    sockaddr *      -         -             -            -          -
 *   BIND        socket   address length    sockaddr *      -         -             -            -          -
 *   LISTEN      socket   -                 -               backlog   -             -            -          -
 *   ACCEPT      socket   socklen_t *       sockaddr *      -         accept_flags  ACCEPT_*     -          file_index
 *   SEND        socket   dest sockaddr *   buffer          bytes     msg_flags     RECVSEND_*   buf_group  addr_len
 *   SEND_ZC     socket   dest sockaddr *   buffer          bytes     msg_flags     zc flags     buf_index  addr_len
 *   SENDMSG     socket   -                 msghdr *        1         msg_flags     RECVSEND_*   buf_group  -
 *   SENDMSG_ZC  socket   -                 msghdr *        1         msg_flags     zc flags     buf_index  -
 *   RECV        socket   -                 buffer          bytes     msg_flags     RECVSEND_*   buf_group  -
 *   RECVMSG     socket   -                 msghdr *        1         msg_flags     RECVSEND_*   buf_group  -
 *   SHUTDOWN    socket   -                 -               how       -             -            -          -
 *   URING_CMD   socket   cmd_op            level, optname  -         -             -            -          optlen
 *
 * plus, for URING_CMD socket commands, the option buffer (optval) in the
 * eight bytes at offset 48 (addr3). The per-opcode flags in ioprio:
 * ACCEPT takes IORING_ACCEPT_MULTISHOT / _DONTWAIT / _POLL_FIRST; the send
 * and receive opcodes take IORING_RECVSEND_POLL_FIRST, IORING_RECV_MULTISHOT
 * (RECV, RECVMSG), IORING_RECVSEND_BUNDLE (SEND, RECV), and the zero-copy
 * ones IORING_RECVSEND_FIXED_BUF and IORING_SEND_ZC_REPORT_USAGE. The
 * kernel fails a request with -EINVAL when ioprio holds a flag its opcode
 * does not know, and SENDMSG, SENDMSG_ZC and RECVMSG when addr2 or the
 * word at offset 44 is non-zero; fields marked "-" must be zero.
 *
 * The socket-command fields (level, optname, optlen, optval) have names
 * only in newer kernel headers (6.7 on). When an older
 * system <linux/io_uring.h> is included before <liburing.h> its struct
 * io_uring_sqe is the one in use, so they are written here through the
 * older names that cover the same bytes (addr, file_index, addr3).
 *
 * Since io_uring_prep_rw() resets sqe->flags, IOSQE_* flags (links,
 * IOSQE_FIXED_FILE, IOSQE_BUFFER_SELECT plus sqe->buf_group for provided
 * buffers, ...) are set after the prep call.
 */
#ifndef LIBURING_PREP_NET_H
#define LIBURING_PREP_NET_H

#ifndef LIB_URING_H
#error "include <liburing.h>, not <liburing/prep_net.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The two 32-bit words at offset 16 (sqe->level, then sqe->optname) written
 * as the one 64-bit addr that every header version names. Which half of
 * addr comes first in memory depends on the byte order.
 */
static inline void __io_uring_set_sock_level_optname(struct io_uring_sqe *sqe,
						     __u32 level,
						     __u32 optname)
	LIBURING_NOEXCEPT
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	sqe->addr = ((__u64) level << 32) | optname;
#else
	sqe->addr = ((__u64) optname << 32) | level;
#endif
}

/* ---- creating and setting up sockets ------------------------------------ */

/*
 * socket(2). type may carry SOCK_NONBLOCK and SOCK_CLOEXEC. flags is
 * reserved: Linux 6.18 fails the request with -EINVAL unless it is 0.
 * cqe->res is the new file descriptor.
 */
IOURINGINLINE void io_uring_prep_socket(struct io_uring_sqe *sqe, int domain,
					int type, int protocol,
					unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SOCKET, sqe, domain, NULL,
			 (unsigned) protocol, (__u64) (unsigned) type);
	sqe->rw_flags = (__kernel_rwf_t) flags;
}

/*
 * socket(2) into slot file_index of the fixed file table (5.19), or into
 * any free slot with IORING_FILE_INDEX_ALLOC (cqe->res is then the slot).
 * SOCK_CLOEXEC is refused: a slot has no exec semantics.
 */
IOURINGINLINE void io_uring_prep_socket_direct(struct io_uring_sqe *sqe,
					       int domain, int type,
					       int protocol,
					       unsigned file_index,
					       unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_socket(sqe, domain, type, protocol, flags);
	__io_uring_set_direct_slot(sqe, file_index);
}

/* io_uring_prep_socket_direct() with IORING_FILE_INDEX_ALLOC. */
IOURINGINLINE void io_uring_prep_socket_direct_alloc(struct io_uring_sqe *sqe,
						     int domain, int type,
						     int protocol,
						     unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_socket(sqe, domain, type, protocol, flags);
	__io_uring_set_direct_slot(sqe, IORING_FILE_INDEX_ALLOC);
}

/* connect(2): the address length travels in off. */
IOURINGINLINE void io_uring_prep_connect(struct io_uring_sqe *sqe, int fd,
					 const struct sockaddr *addr,
					 socklen_t addrlen)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_CONNECT, sqe, fd, addr, 0, addrlen);
}

/* bind(2) (6.11), encoded like connect. */
IOURINGINLINE void io_uring_prep_bind(struct io_uring_sqe *sqe, int fd,
				      const struct sockaddr *addr,
				      socklen_t addrlen)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_BIND, sqe, fd, addr, 0, addrlen);
}

/* listen(2) (6.11): the backlog travels in len. */
IOURINGINLINE void io_uring_prep_listen(struct io_uring_sqe *sqe, int fd,
					int backlog)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_LISTEN, sqe, fd, NULL, (unsigned) backlog,
			 0);
}

/* ---- accepting connections ---------------------------------------------- */

/*
 * accept4(2): addr and *addrlen (value-result, may both be NULL) receive
 * the peer's address; flags: SOCK_NONBLOCK, SOCK_CLOEXEC. The pointer to
 * the length travels in off. cqe->res is the new descriptor.
 */
IOURINGINLINE void io_uring_prep_accept(struct io_uring_sqe *sqe, int fd,
					struct sockaddr *addr,
					socklen_t *addrlen, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_ACCEPT, sqe, fd, addr, 0,
			 (__u64) (uintptr_t) addrlen);
	sqe->accept_flags = (__u32) flags;
}

/*
 * accept4(2) into slot file_index of the fixed file table, or any free
 * slot with IORING_FILE_INDEX_ALLOC (cqe->res is then the slot).
 */
IOURINGINLINE void io_uring_prep_accept_direct(struct io_uring_sqe *sqe,
					       int fd, struct sockaddr *addr,
					       socklen_t *addrlen, int flags,
					       unsigned int file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_accept(sqe, fd, addr, addrlen, flags);
	__io_uring_set_direct_slot(sqe, file_index);
}

/*
 * Multishot accept (5.19): one CQE per incoming connection, each with
 * IORING_CQE_F_MORE while the request stays armed. addr/addrlen, if given,
 * are overwritten by every accept, so most callers pass NULL.
 */
IOURINGINLINE void io_uring_prep_multishot_accept(struct io_uring_sqe *sqe,
						  int fd,
						  struct sockaddr *addr,
						  socklen_t *addrlen,
						  int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_accept(sqe, fd, addr, addrlen, flags);
	sqe->ioprio |= IORING_ACCEPT_MULTISHOT;
}

/*
 * Multishot accept into the fixed file table: every connection lands in a
 * free slot picked by the kernel (multishot cannot target one fixed slot),
 * and each CQE's res is that slot.
 */
IOURINGINLINE void io_uring_prep_multishot_accept_direct(struct io_uring_sqe *sqe,
							 int fd,
							 struct sockaddr *addr,
							 socklen_t *addrlen,
							 int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_multishot_accept(sqe, fd, addr, addrlen, flags);
	__io_uring_set_direct_slot(sqe, IORING_FILE_INDEX_ALLOC);
}

/* ---- sending ------------------------------------------------------------ */

/* send(2): flags are MSG_* flags. */
IOURINGINLINE void io_uring_prep_send(struct io_uring_sqe *sqe, int sockfd,
				      const void *buf, size_t len, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SEND, sqe, sockfd, buf, (__u32) len, 0);
	sqe->msg_flags = (__u32) flags;
}

/*
 * Give a SEND or SEND_ZC request a destination address (6.0), which makes
 * it sendto(2). Call after the prep helper.
 */
IOURINGINLINE void io_uring_prep_send_set_addr(struct io_uring_sqe *sqe,
					       const struct sockaddr *dest_addr,
					       __u16 addr_len)
	LIBURING_NOEXCEPT
{
	sqe->addr2 = (__u64) (uintptr_t) dest_addr;
	sqe->addr_len = addr_len;
}

/* sendto(2) (6.0). */
IOURINGINLINE void io_uring_prep_sendto(struct io_uring_sqe *sqe, int sockfd,
					const void *buf, size_t len, int flags,
					const struct sockaddr *addr,
					socklen_t addrlen)
	LIBURING_NOEXCEPT
{
	io_uring_prep_send(sqe, sockfd, buf, len, flags);
	io_uring_prep_send_set_addr(sqe, addr, (__u16) addrlen);
}

/*
 * Bundled send (6.10, IORING_FEAT_RECVSEND_BUNDLE): the data comes from the
 * provided-buffer ring the caller selects with IOSQE_BUFFER_SELECT and
 * sqe->buf_group (without them there is nothing to send). As many
 * consecutive buffers as are available go out in one send; len, when
 * non-zero, caps the bytes of that send. While buffers remain the kernel
 * may go on sending, posting one CQE per send, all but the last with
 * IORING_CQE_F_MORE: each CQE's res counts its bytes and its buffer id
 * names the first buffer they came from (the others follow in ring order).
 */
IOURINGINLINE void io_uring_prep_send_bundle(struct io_uring_sqe *sqe,
					     int sockfd, size_t len, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_send(sqe, sockfd, NULL, len, flags);
	sqe->ioprio |= IORING_RECVSEND_BUNDLE;
}

/*
 * Zero-copy send (6.0): the pages of buf are handed to the network stack.
 * The request posts two CQEs with its user_data: first the result, with
 * IORING_CQE_F_MORE, then a notification with IORING_CQE_F_NOTIF once the
 * kernel no longer uses buf (only then may it be reused). zc_flags:
 * IORING_RECVSEND_POLL_FIRST, IORING_SEND_ZC_REPORT_USAGE.
 */
IOURINGINLINE void io_uring_prep_send_zc(struct io_uring_sqe *sqe, int sockfd,
					 const void *buf, size_t len, int flags,
					 unsigned zc_flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SEND_ZC, sqe, sockfd, buf, (__u32) len, 0);
	sqe->msg_flags = (__u32) flags;
	sqe->ioprio = (__u16) zc_flags;
}

/*
 * Zero-copy send from registered buffer buf_index (io_uring_register_buffers):
 * buf must lie inside that buffer.
 */
IOURINGINLINE void io_uring_prep_send_zc_fixed(struct io_uring_sqe *sqe,
					       int sockfd, const void *buf,
					       size_t len, int flags,
					       unsigned zc_flags,
					       unsigned buf_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_send_zc(sqe, sockfd, buf, len, flags, zc_flags);
	sqe->ioprio |= IORING_RECVSEND_FIXED_BUF;
	sqe->buf_index = (__u16) buf_index;
}

/* sendmsg(2). */
IOURINGINLINE void io_uring_prep_sendmsg(struct io_uring_sqe *sqe, int fd,
					 const struct msghdr *msg,
					 unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SENDMSG, sqe, fd, msg, 1, 0);
	sqe->msg_flags = flags;
}

/* Zero-copy sendmsg(2) (6.1); CQEs as for io_uring_prep_send_zc(). */
IOURINGINLINE void io_uring_prep_sendmsg_zc(struct io_uring_sqe *sqe, int fd,
					    const struct msghdr *msg,
					    unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_sendmsg(sqe, fd, msg, flags);
	sqe->opcode = IORING_OP_SENDMSG_ZC;
}

/*
 * Zero-copy sendmsg(2) from registered buffer buf_index (6.15): every iovec
 * of msg must point inside that one buffer. Older kernels fail it with
 * -EINVAL.
 */
IOURINGINLINE void io_uring_prep_sendmsg_zc_fixed(struct io_uring_sqe *sqe,
						  int fd,
						  const struct msghdr *msg,
						  unsigned flags,
						  unsigned buf_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_sendmsg_zc(sqe, fd, msg, flags);
	sqe->ioprio |= IORING_RECVSEND_FIXED_BUF;
	sqe->buf_index = (__u16) buf_index;
}

/* ---- receiving ---------------------------------------------------------- */

/*
 * recv(2). With IOSQE_BUFFER_SELECT (set by the caller, with buf_group)
 * buf is NULL and the kernel picks a provided buffer; len then caps the
 * bytes taken (0: the buffer's size).
 */
IOURINGINLINE void io_uring_prep_recv(struct io_uring_sqe *sqe, int sockfd,
				      void *buf, size_t len, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_RECV, sqe, sockfd, buf, (__u32) len, 0);
	sqe->msg_flags = (__u32) flags;
}

/*
 * Multishot recv (6.0): one CQE with IORING_CQE_F_MORE per chunk of data,
 * each in its own provided buffer, until an error, end of stream or a lack
 * of buffers. Needs IOSQE_BUFFER_SELECT and buf_group, set by the caller;
 * pass buf NULL and len 0 (a non-zero len caps each receive, 6.16).
 */
IOURINGINLINE void io_uring_prep_recv_multishot(struct io_uring_sqe *sqe,
						int sockfd, void *buf,
						size_t len, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_recv(sqe, sockfd, buf, len, flags);
	sqe->ioprio |= IORING_RECV_MULTISHOT;
}

/* recvmsg(2). */
IOURINGINLINE void io_uring_prep_recvmsg(struct io_uring_sqe *sqe, int fd,
					 struct msghdr *msg, unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_RECVMSG, sqe, fd, msg, 1, 0);
	sqe->msg_flags = flags;
}

/*
 * Multishot recvmsg (6.0), with provided buffers (IOSQE_BUFFER_SELECT and
 * buf_group, set by the caller). msg is only a template: its msg_namelen
 * and msg_controllen say how much room each buffer reserves for the
 * source address and the control data. Each buffer then holds a struct
 * io_uring_recvmsg_out, the name area, the control area and the payload;
 * see io_uring_recvmsg_validate() and the helpers after it.
 */
IOURINGINLINE void io_uring_prep_recvmsg_multishot(struct io_uring_sqe *sqe,
						   int fd, struct msghdr *msg,
						   unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_recvmsg(sqe, fd, msg, flags);
	sqe->ioprio |= IORING_RECV_MULTISHOT;
}

/* ---- multishot recvmsg buffers ------------------------------------------ */

/*
 * The layout of one buffer filled by a multishot recvmsg, with msgh the
 * template msghdr given to io_uring_prep_recvmsg_multishot():
 *
 *   struct io_uring_recvmsg_out   namelen, controllen, payloadlen, flags
 *   name area                     msgh->msg_namelen bytes
 *   control area                  msgh->msg_controllen bytes
 *   payload                       the rest, up to the CQE's res
 *
 * The areas have the template's sizes whatever the message carried; the
 * header says how much of each was used: namelen is the address's full
 * length (as recvmsg(2) reports it, even when longer than the area),
 * controllen the control bytes written, payloadlen what recvmsg(2)
 * returned (the whole datagram's size if MSG_TRUNC was among the request's
 * flags, the bytes copied otherwise), and flags has MSG_TRUNC or MSG_CTRUNC
 * when something did not fit.
 */

/*
 * Everything below reads only memory these helpers have checked: buf_len
 * and the template bound the areas, and every length read from the buffer
 * (o->controllen, each cmsg_len) is checked against what is left before it
 * moves a pointer, never added up first (a huge value would wrap the sum).
 */

/*
 * The header at the start of buf, or NULL when buf_len (the CQE's res)
 * is too short to hold the header and both areas.
 */
IOURINGINLINE struct io_uring_recvmsg_out *
io_uring_recvmsg_validate(void *buf, int buf_len, struct msghdr *msgh)
	LIBURING_NOEXCEPT
{
	size_t left;

	if (buf_len < (int) sizeof(struct io_uring_recvmsg_out))
		return NULL;
	left = (size_t) buf_len - sizeof(struct io_uring_recvmsg_out);
	if (msgh->msg_namelen > left)
		return NULL;
	left -= msgh->msg_namelen;
	if (msgh->msg_controllen > left)
		return NULL;
	return (struct io_uring_recvmsg_out *) buf;
}

/* The name area: the source address, o->namelen bytes of it valid. */
IOURINGINLINE void *io_uring_recvmsg_name(struct io_uring_recvmsg_out *o)
	LIBURING_NOEXCEPT
{
	return (void *) (o + 1);
}

/*
 * The control area's usable bytes: what the kernel says it wrote, but
 * never more than the template's area (which validate() checked against
 * the buffer), whatever the buffer's header claims.
 */
IOURINGINLINE size_t
__io_uring_recvmsg_control_len(const struct io_uring_recvmsg_out *o,
			       const struct msghdr *msgh)
	LIBURING_NOEXCEPT
{
	size_t written = o->controllen;

	return written < msgh->msg_controllen ? written :
						 msgh->msg_controllen;
}

/*
 * cmsg_len of the header at p, which need not be aligned: the name area
 * before the control area has the template's length, for example 28 bytes
 * for a sockaddr_in6. A fixed-size memcpy is one load.
 */
IOURINGINLINE size_t __io_uring_recvmsg_cmsg_len(const void *p)
	LIBURING_NOEXCEPT
{
	size_t len;

	__builtin_memcpy(&len, (const unsigned char *) p +
			 __builtin_offsetof(struct cmsghdr, cmsg_len),
			 sizeof(len));
	return len;
}

/*
 * The first control message, or NULL when there is none: less than one
 * header written, or a first header claiming more than the area holds.
 */
IOURINGINLINE struct cmsghdr *
io_uring_recvmsg_cmsg_firsthdr(struct io_uring_recvmsg_out *o,
			       struct msghdr *msgh)
	LIBURING_NOEXCEPT
{
	size_t area = __io_uring_recvmsg_control_len(o, msgh);
	unsigned char *start = (unsigned char *) io_uring_recvmsg_name(o) +
			       msgh->msg_namelen;
	size_t len;

	if (area < sizeof(struct cmsghdr))
		return NULL;
	len = __io_uring_recvmsg_cmsg_len(start);
	if (len < sizeof(struct cmsghdr) || len > area)
		return NULL;
	return (struct cmsghdr *) (void *) start;
}

/*
 * The control message after cmsg, or NULL when there is none in the
 * control area: the next header must lie after cmsg and wholly inside the
 * area, and so must all of what it claims (its cmsg_len).
 */
IOURINGINLINE struct cmsghdr *
io_uring_recvmsg_cmsg_nexthdr(struct io_uring_recvmsg_out *o,
			      struct msghdr *msgh, struct cmsghdr *cmsg)
	LIBURING_NOEXCEPT
{
	/* Control messages start at multiples of sizeof(size_t). */
	const size_t align = sizeof(size_t);
	size_t area = __io_uring_recvmsg_control_len(o, msgh);
	unsigned char *start = (unsigned char *) io_uring_recvmsg_name(o) +
			       msgh->msg_namelen;
	unsigned char *cur = (unsigned char *) cmsg;
	size_t off, left, len, pad;

	/* cmsg must be a whole header inside the area. */
	if (cur < start)
		return NULL;
	off = (size_t) (cur - start);
	if (off > area || area - off < sizeof(struct cmsghdr))
		return NULL;
	left = area - off;
	len = __io_uring_recvmsg_cmsg_len(cur);
	if (len < sizeof(struct cmsghdr) || len > left)
		return NULL;
	/* Step over it and its padding: at least one header, forwards. */
	pad = (align - (len & (align - 1))) & (align - 1);
	if (left - len < pad)
		return NULL;
	left -= len + pad;
	if (left < sizeof(struct cmsghdr))
		return NULL;
	cur += len + pad;
	len = __io_uring_recvmsg_cmsg_len(cur);
	if (len < sizeof(struct cmsghdr) || len > left)
		return NULL;
	return (struct cmsghdr *) (void *) cur;
}

/* The payload: after the name and control areas. */
IOURINGINLINE void *io_uring_recvmsg_payload(struct io_uring_recvmsg_out *o,
					     struct msghdr *msgh)
	LIBURING_NOEXCEPT
{
	return (void *) ((unsigned char *) io_uring_recvmsg_name(o) +
			 msgh->msg_namelen + msgh->msg_controllen);
}

/*
 * Payload bytes in the buffer, buf_len being the CQE's res: what was
 * copied, which is less than o->payloadlen when the message was truncated.
 * 0 when buf_len does not even cover the header and both areas.
 */
IOURINGINLINE unsigned int
io_uring_recvmsg_payload_length(struct io_uring_recvmsg_out *o, int buf_len,
				struct msghdr *msgh)
	LIBURING_NOEXCEPT
{
	size_t left;

	(void) o;
	if (buf_len < (int) sizeof(struct io_uring_recvmsg_out))
		return 0;
	left = (size_t) buf_len - sizeof(struct io_uring_recvmsg_out);
	if (msgh->msg_namelen > left)
		return 0;
	left -= msgh->msg_namelen;
	if (msgh->msg_controllen > left)
		return 0;
	return (unsigned int) (left - msgh->msg_controllen);
}

/* ---- shutdown and socket commands --------------------------------------- */

/* shutdown(2): how is SHUT_RD, SHUT_WR or SHUT_RDWR. */
IOURINGINLINE void io_uring_prep_shutdown(struct io_uring_sqe *sqe, int fd,
					  int how)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SHUTDOWN, sqe, fd, NULL, (unsigned) how, 0);
}

/*
 * A socket command through IORING_OP_URING_CMD (6.7), cmd_op one of:
 *   SOCKET_URING_OP_SIOCINQ     cqe->res: unread bytes (ioctl SIOCINQ)
 *   SOCKET_URING_OP_SIOCOUTQ    cqe->res: unsent bytes (ioctl SIOCOUTQ)
 *   SOCKET_URING_OP_GETSOCKOPT  getsockopt(2) into optval (optlen bytes of
 *                               room); cqe->res: the option's length.
 *                               Linux 6.18 only serves level SOL_SOCKET.
 *   SOCKET_URING_OP_SETSOCKOPT  setsockopt(2) from optval, optlen bytes
 *   SOCKET_URING_OP_TX_TIMESTAMP (6.16) needs a 32-byte-CQE ring; see the
 *                               kernel documentation
 * level, optname, optlen and optval are ignored by the first two.
 */
IOURINGINLINE void io_uring_prep_cmd_sock(struct io_uring_sqe *sqe,
					  int cmd_op, int fd, int level,
					  int optname, void *optval,
					  int optlen)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = (__u32) cmd_op;
	sqe->__pad1 = 0;
	__io_uring_set_sock_level_optname(sqe, (__u32) level, (__u32) optname);
	/* optlen (offset 44) and optval (offset 48), by their older names */
	sqe->file_index = (__u32) optlen;
	sqe->addr3 = (__u64) (uintptr_t) optval;
}

/*
 * getsockname(2), or getpeername(2) when peer is non-zero, as a socket
 * command (SOCKET_URING_OP_GETSOCKNAME, Linux 6.19). The address goes to
 * sockaddr; *sockaddr_len is the buffer size going in and the address
 * length coming out. sockaddr_len travels in addr3 and peer in the 32-bit
 * word at offset 44 (optlen); the CQE's res is 0 or -errno.
 */
IOURINGINLINE void io_uring_prep_cmd_getsockname(struct io_uring_sqe *sqe,
						 int fd,
						 struct sockaddr *sockaddr,
						 socklen_t *sockaddr_len,
						 int peer)
	LIBURING_NOEXCEPT
{
	io_uring_prep_uring_cmd(sqe, SOCKET_URING_OP_GETSOCKNAME, fd);
	sqe->addr = (__u64) (uintptr_t) sockaddr;
	sqe->addr3 = (__u64) (uintptr_t) sockaddr_len;
	/* optlen, by its older name: a 6.1 UAPI header first lacks optlen */
	sqe->file_index = (__u32) peer;
}

#ifdef __cplusplus
}
#endif

#endif
