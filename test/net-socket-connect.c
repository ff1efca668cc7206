/* SPDX-License-Identifier: MIT */
/*
 * Creating and connecting sockets through the ring, on 127.0.0.1 and ::1:
 * io_uring_prep_socket, _bind, _listen, _connect and _accept make a TCP
 * connection whose accepted fd reports the client's address (both in the
 * accept's sockaddr and through getpeername(2)) and carries data.
 * socket_direct puts the listener in a chosen fixed-file slot (bind,
 * listen and accept then use IOSQE_FIXED_FILE), socket_direct_alloc and
 * accept_direct with IORING_FILE_INDEX_ALLOC return the slot the kernel
 * picked, and data received through an accepted slot is right.
 * multishot_accept accepts several connections from one request, each CQE
 * with IORING_CQE_F_MORE; multishot_accept_direct does so into slots.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "test.h"
#include "net.h"

#define NR_SLOTS	16
#define NR_MULTI	4

union addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

static socklen_t loopback(union addr *a, int family)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->in.sin_family = AF_INET;
		a->in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(a->in);
	}
	a->in6.sin6_family = AF_INET6;
	a->in6.sin6_addr = in6addr_loopback;
	return sizeof(a->in6);
}

static bool same_addr(const union addr *a, const union addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_port == b->in.sin_port &&
		       a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
	return a->in6.sin6_port == b->in6.sin6_port &&
	       !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr,
		       sizeof(a->in6.sin6_addr));
}

static int do_socket(struct io_uring *ring, int family, int type)
{
	io_uring_prep_socket(t_get_sqe(ring), family, type, 0, 0);
	return t_submit_one(ring);
}

static socklen_t addr_len(int family)
{
	return family == AF_INET ? sizeof(struct sockaddr_in)
				 : sizeof(struct sockaddr_in6);
}

static void send_all(int fd, const void *buf, size_t len)
{
	ASSERT_EQ(write(fd, buf, len), (ssize_t) len);
}

/* The listener's address, read back with getsockname(2). */
static void local_name(int fd, union addr *a)
{
	socklen_t len = sizeof(*a);

	memset(a, 0, sizeof(*a));
	ASSERT_EQ(getsockname(fd, &a->sa, &len), 0);
}

static bool family_available(int family)
{
	union addr a;
	socklen_t len = loopback(&a, family);
	int fd = socket(family, SOCK_STREAM, 0);
	bool ok;

	if (fd < 0)
		return false;
	ok = bind(fd, &a.sa, len) == 0;
	close(fd);
	return ok;
}

/* Normal descriptors: the whole life of one connection through the ring. */
static void test_plain(struct io_uring *ring, int family)
{
	union addr a, srv, cli, peer, got;
	socklen_t len, got_len;
	int lfd, cfd, afd, ret;
	char out[32] = "across the loopback", in[32];

	lfd = do_socket(ring, family, SOCK_STREAM);
	ASSERT_GE(lfd, 0);
	len = loopback(&a, family);
	io_uring_prep_bind(t_get_sqe(ring), lfd, &a.sa, len);
	ASSERT_EQ(t_submit_one(ring), 0);
	io_uring_prep_listen(t_get_sqe(ring), lfd, 8);
	ASSERT_EQ(t_submit_one(ring), 0);
	local_name(lfd, &srv);
	ASSERT_EQ(srv.sa.sa_family, family);
	ASSERT_NE(srv.in.sin_port, 0);

	/* Binding again, or to a foreign family, fails as bind(2) does. */
	io_uring_prep_bind(t_get_sqe(ring), lfd, &a.sa, len);
	ASSERT_EQ(t_submit_one(ring), -EINVAL);

	cfd = do_socket(ring, family, SOCK_STREAM | SOCK_CLOEXEC);
	ASSERT_GE(cfd, 0);
	ASSERT_NE(fcntl(cfd, F_GETFD) & FD_CLOEXEC, 0);
	io_uring_prep_connect(t_get_sqe(ring), cfd, &srv.sa,
			      family == AF_INET ? sizeof(srv.in)
						: sizeof(srv.in6));
	ASSERT_EQ(t_submit_one(ring), 0);
	local_name(cfd, &cli);

	memset(&got, 0, sizeof(got));
	got_len = sizeof(got);
	io_uring_prep_accept(t_get_sqe(ring), lfd, &got.sa, &got_len, 0);
	afd = t_submit_one(ring);
	ASSERT_GE(afd, 0);
	/* The accept's sockaddr is the client's address... */
	ASSERT_EQ(got_len, family == AF_INET ? sizeof(got.in)
					     : sizeof(got.in6));
	ASSERT(same_addr(&got, &cli));
	/* ...and so is the accepted socket's peer. */
	len = sizeof(peer);
	ASSERT_EQ(getpeername(afd, &peer.sa, &len), 0);
	ASSERT(same_addr(&peer, &cli));
	ASSERT_EQ(fcntl(afd, F_GETFD) & FD_CLOEXEC, 0);

	send_all(cfd, out, sizeof(out));
	t_read_exact(afd, in, sizeof(in));
	ASSERT_MEM_EQ(in, out, sizeof(out));

	/* A second connect on a connected socket. */
	io_uring_prep_connect(t_get_sqe(ring), cfd, &srv.sa,
			      family == AF_INET ? sizeof(srv.in)
						: sizeof(srv.in6));
	ASSERT_EQ(t_submit_one(ring), -EISCONN);
	close(afd);
	close(cfd);

	/* accept with SOCK_CLOEXEC | SOCK_NONBLOCK, and without an address. */
	cfd = socket(family, SOCK_STREAM, 0);
	ASSERT_GE(cfd, 0);
	ASSERT_EQ(connect(cfd, &srv.sa, family == AF_INET ? sizeof(srv.in)
							   : sizeof(srv.in6)), 0);
	io_uring_prep_accept(t_get_sqe(ring), lfd, NULL, NULL,
			     SOCK_CLOEXEC | SOCK_NONBLOCK);
	afd = t_submit_one(ring);
	ASSERT_GE(afd, 0);
	ASSERT_NE(fcntl(afd, F_GETFD) & FD_CLOEXEC, 0);
	ASSERT_NE(fcntl(afd, F_GETFL) & O_NONBLOCK, 0);
	ret = (int) read(afd, in, 1);
	ASSERT(ret == -1 && errno == EAGAIN);
	close(afd);
	close(cfd);

	/* Connecting to a port nobody listens on. */
	cfd = do_socket(ring, family, SOCK_STREAM);
	ASSERT_GE(cfd, 0);
	close(lfd);
	io_uring_prep_connect(t_get_sqe(ring), cfd, &srv.sa,
			      family == AF_INET ? sizeof(srv.in)
						: sizeof(srv.in6));
	ASSERT_EQ(t_submit_one(ring), -ECONNREFUSED);
	close(cfd);
}

/* An SQE on fixed-file slot, run alone; returns its res. */
static int run_fixed(struct io_uring *ring, struct io_uring_sqe *sqe)
{
	sqe->flags |= IOSQE_FIXED_FILE;
	return t_submit_one(ring);
}

/* The address of the socket in a fixed slot, via a temporary real fd. */
static void slot_name(struct io_uring *ring, unsigned slot, union addr *a)
{
	int fd;

	io_uring_prep_fixed_fd_install(t_get_sqe(ring), (int) slot, 0);
	fd = t_submit_one(ring);
	ASSERT_GE(fd, 0);
	local_name(fd, a);
	close(fd);
}

static void close_slot(struct io_uring *ring, unsigned slot)
{
	io_uring_prep_close_direct(t_get_sqe(ring), slot);
	ASSERT_EQ(t_submit_one(ring), 0);
}

/* recv through a fixed slot; the bytes must be want. */
static void recv_slot(struct io_uring *ring, unsigned slot, const void *want,
		      size_t len)
{
	char buf[64];
	size_t got = 0;

	ASSERT_LE(len, sizeof(buf));
	while (got < len) {
		struct io_uring_sqe *sqe = t_get_sqe(ring);
		int r;

		io_uring_prep_recv(sqe, (int) slot, buf + got, len - got, 0);
		r = run_fixed(ring, sqe);
		ASSERT_GT(r, 0);
		got += (size_t) r;
	}
	ASSERT_MEM_EQ(buf, want, len);
}

static int connect_client(const union addr *srv, int family)
{
	int fd = socket(family, SOCK_STREAM, 0);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(connect(fd, &srv->sa, addr_len(family)), 0);
	return fd;
}

/* Fixed-file forms: listener in a chosen slot, accepted sockets in slots. */
static void test_direct(struct io_uring *ring, int family)
{
	union addr a, srv, cli, got;
	bool used[NR_SLOTS] = { false };
	struct io_uring_sqe *sqe;
	socklen_t len;
	int cfd, fds_before, slot, alloc_slot, cfds[NR_MULTI];
	char out[24] = "through a fixed slot";

	fds_before = t_count_fds();

	/* Listener straight into slot 2: res 0, no fd in the process. */
	io_uring_prep_socket_direct(t_get_sqe(ring), family, SOCK_STREAM, 0,
				    2, 0);
	ASSERT_EQ(t_submit_one(ring), 0);
	used[2] = true;
	ASSERT_EQ(t_count_fds(), fds_before);
	len = loopback(&a, family);
	sqe = t_get_sqe(ring);
	io_uring_prep_bind(sqe, 2, &a.sa, len);
	ASSERT_EQ(run_fixed(ring, sqe), 0);
	sqe = t_get_sqe(ring);
	io_uring_prep_listen(sqe, 2, 8);
	ASSERT_EQ(run_fixed(ring, sqe), 0);
	slot_name(ring, 2, &srv);
	ASSERT_NE(srv.in.sin_port, 0);

	/* accept_direct into slot 5, with the peer's address. */
	cfd = connect_client(&srv, family);
	local_name(cfd, &cli);
	memset(&got, 0, sizeof(got));
	len = sizeof(got);
	sqe = t_get_sqe(ring);
	io_uring_prep_accept_direct(sqe, 2, &got.sa, &len, 0, 5);
	ASSERT_EQ(run_fixed(ring, sqe), 0);
	used[5] = true;
	ASSERT(same_addr(&got, &cli));
	ASSERT_EQ(t_count_fds(), fds_before + 1);
	send_all(cfd, out, sizeof(out));
	recv_slot(ring, 5, out, sizeof(out));
	close(cfd);

	/* A slot has no close-on-exec: SOCK_CLOEXEC is refused. */
	io_uring_prep_socket_direct(t_get_sqe(ring), family,
				    SOCK_STREAM | SOCK_CLOEXEC, 0, 3, 0);
	ASSERT_EQ(t_submit_one(ring), -EINVAL);
	/* The reserved flags argument must be 0. */
	io_uring_prep_socket(t_get_sqe(ring), family, SOCK_STREAM, 0, 1);
	ASSERT_EQ(t_submit_one(ring), -EINVAL);

	/* socket_direct_alloc: res is the slot the kernel picked. */
	io_uring_prep_socket_direct_alloc(t_get_sqe(ring), family, SOCK_DGRAM,
					  0, 0);
	slot = t_submit_one(ring);
	ASSERT_GE(slot, 0);
	ASSERT_LT(slot, NR_SLOTS);
	ASSERT(!used[slot]);
	slot_name(ring, (unsigned) slot, &got);
	ASSERT_EQ(got.sa.sa_family, family);
	close_slot(ring, (unsigned) slot);
	/* socket_direct with IORING_FILE_INDEX_ALLOC does the same. */
	io_uring_prep_socket_direct(t_get_sqe(ring), family, SOCK_DGRAM, 0,
				    IORING_FILE_INDEX_ALLOC, 0);
	slot = t_submit_one(ring);
	ASSERT_GE(slot, 0);
	ASSERT(!used[slot]);
	close_slot(ring, (unsigned) slot);

	/* accept_direct with IORING_FILE_INDEX_ALLOC. */
	cfd = connect_client(&srv, family);
	sqe = t_get_sqe(ring);
	io_uring_prep_accept_direct(sqe, 2, NULL, NULL, 0,
				    IORING_FILE_INDEX_ALLOC);
	slot = run_fixed(ring, sqe);
	ASSERT_GE(slot, 0);
	ASSERT_LT(slot, NR_SLOTS);
	ASSERT(!used[slot]);
	used[slot] = true;
	alloc_slot = slot;
	out[0] = 'A';
	send_all(cfd, out, sizeof(out));
	recv_slot(ring, (unsigned) slot, out, sizeof(out));
	close(cfd);
	sqe = t_get_sqe(ring);
	io_uring_prep_accept_direct(sqe, 2, NULL, NULL, SOCK_CLOEXEC, 7);
	ASSERT_EQ(run_fixed(ring, sqe), -EINVAL);

	/*
	 * multishot_accept_direct: clients already queued on the listener
	 * are accepted one per CQE, each into a free slot, each with MORE.
	 */
	for (int i = 0; i < NR_MULTI; i++)
		cfds[i] = connect_client(&srv, family);
	sqe = t_get_sqe(ring);
	io_uring_prep_multishot_accept_direct(sqe, 2, NULL, NULL, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, 1);
	ASSERT_EQ(io_uring_submit(ring), 1);
	for (int i = 0; i < NR_MULTI; i++) {
		struct io_uring_cqe *cqe = t_wait_cqe_within(ring, 5000);

		ASSERT_EQ(cqe->user_data, 1);
		ASSERT_NE(cqe->flags & IORING_CQE_F_MORE, 0);
		slot = cqe->res;
		io_uring_cqe_seen(ring, cqe);
		ASSERT_GE(slot, 0);
		ASSERT_LT(slot, NR_SLOTS);
		ASSERT(!used[slot]);
		used[slot] = true;
	}
	/* Every client reaches exactly one of the new slots. */
	for (int i = 0; i < NR_MULTI; i++) {
		out[0] = (char) ('a' + i);
		send_all(cfds[i], out, sizeof(out));
	}
	{
		unsigned seen = 0;

		for (int s = 0; s < NR_SLOTS; s++) {
			char buf[sizeof(out)];

			if (!used[s] || s == 2 || s == 5 || s == alloc_slot)
				continue;
			sqe = t_get_sqe(ring);
			io_uring_prep_recv(sqe, s, buf, sizeof(buf),
					   MSG_WAITALL);
			ASSERT_EQ(run_fixed(ring, sqe), (int) sizeof(buf));
			ASSERT_GE(buf[0], 'a');
			ASSERT_LT(buf[0], 'a' + NR_MULTI);
			ASSERT_EQ(seen & (1u << (buf[0] - 'a')), 0);
			seen |= 1u << (buf[0] - 'a');
			ASSERT_MEM_EQ(buf + 1, out + 1, sizeof(out) - 1);
		}
		ASSERT_EQ(seen, (1u << NR_MULTI) - 1);
	}

	/*
	 * Shutting the listener down ends the multishot request: its last
	 * CQE comes without MORE.
	 */
	sqe = t_get_sqe(ring);
	io_uring_prep_shutdown(sqe, 2, SHUT_RDWR);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, 2);
	ASSERT_EQ(io_uring_submit(ring), 1);
	for (int n = 0; n < 2; n++) {
		struct io_uring_cqe *cqe = t_wait_cqe_within(ring, 5000);

		if (cqe->user_data == 2) {
			ASSERT_EQ(cqe->res, 0);
		} else {
			ASSERT_EQ(cqe->user_data, 1);
			ASSERT_LT(cqe->res, 0);
			ASSERT_EQ(cqe->flags & IORING_CQE_F_MORE, 0);
		}
		io_uring_cqe_seen(ring, cqe);
	}

	for (int i = 0; i < NR_MULTI; i++)
		close(cfds[i]);
	for (int s = 0; s < NR_SLOTS; s++)
		if (used[s])
			close_slot(ring, (unsigned) s);
	ASSERT_EQ(t_count_fds(), fds_before);
}

/* multishot_accept with normal descriptors, armed before anyone connects. */
static void test_multishot(struct io_uring *ring, int family)
{
	union addr a, srv, cli[NR_MULTI], peer;
	struct io_uring_sqe *sqe;
	socklen_t len;
	int lfd, cfds[NR_MULTI];
	unsigned seen = 0;

	lfd = socket(family, SOCK_STREAM, 0);
	ASSERT_GE(lfd, 0);
	len = loopback(&a, family);
	ASSERT_EQ(bind(lfd, &a.sa, len), 0);
	ASSERT_EQ(listen(lfd, 8), 0);
	local_name(lfd, &srv);

	sqe = t_get_sqe(ring);
	io_uring_prep_multishot_accept(sqe, lfd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, 1);
	ASSERT_EQ(io_uring_submit(ring), 1);

	for (int i = 0; i < NR_MULTI; i++) {
		struct io_uring_cqe *cqe;
		int afd;

		cfds[i] = connect_client(&srv, family);
		local_name(cfds[i], &cli[i]);
		cqe = t_wait_cqe_within(ring, 5000);
		ASSERT_EQ(cqe->user_data, 1);
		ASSERT_NE(cqe->flags & IORING_CQE_F_MORE, 0);
		afd = cqe->res;
		io_uring_cqe_seen(ring, cqe);
		ASSERT_GE(afd, 0);
		ASSERT_NE(fcntl(afd, F_GETFD) & FD_CLOEXEC, 0);
		len = sizeof(peer);
		ASSERT_EQ(getpeername(afd, &peer.sa, &len), 0);
		for (int j = 0; j <= i; j++)
			if (same_addr(&peer, &cli[j]))
				seen |= 1u << j;
		close(afd);
	}
	ASSERT_EQ(seen, (1u << NR_MULTI) - 1);

	/* Still armed: nothing more is pending until the listener goes. */
	ASSERT_EQ(io_uring_cq_ready(ring), 0);
	sqe = t_get_sqe(ring);
	io_uring_prep_shutdown(sqe, lfd, SHUT_RDWR);
	io_uring_sqe_set_data64(sqe, 2);
	ASSERT_EQ(io_uring_submit(ring), 1);
	for (int n = 0; n < 2; n++) {
		struct io_uring_cqe *cqe = t_wait_cqe_within(ring, 5000);

		if (cqe->user_data == 2) {
			ASSERT_EQ(cqe->res, 0);
		} else {
			ASSERT_EQ(cqe->user_data, 1);
			ASSERT_LT(cqe->res, 0);
			ASSERT_EQ(cqe->flags & IORING_CQE_F_MORE, 0);
		}
		io_uring_cqe_seen(ring, cqe);
	}
	for (int i = 0; i < NR_MULTI; i++)
		close(cfds[i]);
	close(lfd);
}

int main(void)
{
	struct io_uring ring;
	int families[2] = { AF_INET, AF_INET6 };

	t_require_op(IORING_OP_SOCKET);
	t_require_op(IORING_OP_BIND);
	t_require_op(IORING_OP_LISTEN);
	t_require_op(IORING_OP_CONNECT);
	t_require_op(IORING_OP_ACCEPT);
	t_require_op(IORING_OP_RECV);

	t_ring_init(&ring, 16, NULL);
	ASSERT_EQ(io_uring_register_files_sparse(&ring, NR_SLOTS), 0);

	for (int i = 0; i < 2; i++) {
		if (!family_available(families[i])) {
			printf("note: no %s loopback here; that half is not run\n",
			       families[i] == AF_INET ? "IPv4" : "IPv6");
			continue;
		}
		test_plain(&ring, families[i]);
		test_direct(&ring, families[i]);
		test_multishot(&ring, families[i]);
	}
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}
