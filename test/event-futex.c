/* SPDX-License-Identifier: MIT */
/*
 * Futexes through io_uring (6.7): io_uring_prep_futex_wait() on a word in
 * shared memory sleeps until io_uring_prep_futex_wake() from another ring
 * (res: the number woken) or futex(2) FUTEX_WAKE from another process
 * wakes it; a value mismatch fails at once with -EAGAIN; wake masks must
 * intersect; io_uring_prep_futex_waitv() waits on two words and reports
 * which one was woken.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/futex.h>
#include "test.h"

static void queue_wait(struct io_uring *ring, uint32_t *word, uint64_t val,
		       uint64_t mask, uint32_t fflags, __u64 user_data)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_futex_wait(sqe, word, val, mask, fflags, 0);
	io_uring_sqe_set_data64(sqe, user_data);
	ASSERT_EQ(io_uring_submit(ring), 1);
}

static int ring_wake(struct io_uring *ring, uint32_t *word, uint64_t nr,
		     uint64_t mask, uint32_t fflags)
{
	struct io_uring_sqe *sqe = t_get_sqe(ring);

	io_uring_prep_futex_wake(sqe, word, nr, mask, fflags, 0);
	io_uring_sqe_set_data64(sqe, 0xfeed);
	return t_submit_one(ring);
}

/* Wait in ring a, wake from ring b. */
static void test_ring_to_ring(struct io_uring *a, struct io_uring *b,
			      uint32_t *word)
{
	struct t_cqe c;

	*word = 0;
	queue_wait(a, word, 0, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32, 1);
	t_assert_idle(a);

	/* nobody waits on the neighbouring word */
	ASSERT_EQ(ring_wake(b, word + 1, 1, FUTEX_BITSET_MATCH_ANY,
			    FUTEX2_SIZE_U32), 0);
	t_assert_idle(a);

	*word = 1;
	ASSERT_EQ(ring_wake(b, word, 1, FUTEX_BITSET_MATCH_ANY,
			    FUTEX2_SIZE_U32), 1);
	c = t_reap_cqe(a);
	ASSERT_EQ(c.user_data, 1);
	ASSERT_EQ(c.res, 0);

	/* two waiters, wake up to 5: res is the number actually woken */
	*word = 0;
	queue_wait(a, word, 0, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32, 2);
	queue_wait(a, word, 0, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32, 3);
	ASSERT_EQ(ring_wake(b, word, 5, FUTEX_BITSET_MATCH_ANY,
			    FUTEX2_SIZE_U32), 2);
	c = t_reap_cqe(a);
	ASSERT_EQ(c.res, 0);
	c = t_reap_cqe(a);
	ASSERT_EQ(c.res, 0);
}

/* Masks: a wake only reaches waiters whose mask shares a bit. */
static void test_masks(struct io_uring *a, struct io_uring *b, uint32_t *word)
{
	struct t_cqe c;

	*word = 0;
	queue_wait(a, word, 0, 0x1, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 10);
	ASSERT_EQ(ring_wake(b, word, 1, 0x6, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE),
		  0);
	t_assert_idle(a);
	ASSERT_EQ(ring_wake(b, word, 1, 0x3, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE),
		  1);
	c = t_reap_cqe(a);
	ASSERT_EQ(c.user_data, 10);
	ASSERT_EQ(c.res, 0);
}

static void test_errors(struct io_uring *a, uint32_t *word)
{
	struct io_uring_sqe *sqe;

	/* the word no longer holds the expected value */
	*word = 5;
	sqe = t_get_sqe(a);
	io_uring_prep_futex_wait(sqe, word, 4, FUTEX_BITSET_MATCH_ANY,
				 FUTEX2_SIZE_U32, 0);
	ASSERT_EQ(t_submit_one(a), -EAGAIN);

	/* a wait mask of 0 could never be woken */
	sqe = t_get_sqe(a);
	io_uring_prep_futex_wait(sqe, word, 5, 0, FUTEX2_SIZE_U32, 0);
	ASSERT_EQ(t_submit_one(a), -EINVAL);

	/* the io_uring flags word has no bits defined */
	sqe = t_get_sqe(a);
	io_uring_prep_futex_wake(sqe, word, 1, FUTEX_BITSET_MATCH_ANY,
				 FUTEX2_SIZE_U32, 1);
	ASSERT_EQ(t_submit_one(a), -EINVAL);
}

/* Woken by the futex(2) system call of another process. */
static void test_syscall_wake(struct io_uring *a, uint32_t *word)
{
	struct t_cqe c;
	pid_t pid;
	int status;

	*word = 0;
	queue_wait(a, word, 0, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32, 20);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		long n;

		__atomic_store_n(word, 1, __ATOMIC_SEQ_CST);
		n = syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
		_exit(n == 1 ? 0 : 10 + (int) n);
	}
	c = t_reap_cqe(a);
	ASSERT_EQ(c.user_data, 20);
	ASSERT_EQ(c.res, 0);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
}

static void test_waitv(struct io_uring *a, struct io_uring *b, uint32_t *w)
{
	struct futex_waitv v[2];
	struct io_uring_sqe *sqe;
	struct t_cqe c;

	w[0] = 0;
	w[1] = 0;
	memset(v, 0, sizeof(v));
	for (int i = 0; i < 2; i++) {
		v[i].val = 0;
		v[i].uaddr = (__u64) (uintptr_t) &w[i];
		v[i].flags = FUTEX2_SIZE_U32;
	}
	sqe = t_get_sqe(a);
	io_uring_prep_futex_waitv(sqe, v, 2, 0);
	io_uring_sqe_set_data64(sqe, 30);
	ASSERT_EQ(io_uring_submit(a), 1);
	t_assert_idle(a);

	/* wake the second word: res is its index */
	w[1] = 1;
	ASSERT_EQ(ring_wake(b, &w[1], 1, FUTEX_BITSET_MATCH_ANY,
			    FUTEX2_SIZE_U32), 1);
	c = t_reap_cqe(a);
	ASSERT_EQ(c.user_data, 30);
	ASSERT_EQ(c.res, 1);

	/* and the first one */
	w[1] = 0;
	w[0] = 0;
	sqe = t_get_sqe(a);
	io_uring_prep_futex_waitv(sqe, v, 2, 0);
	io_uring_sqe_set_data64(sqe, 31);
	ASSERT_EQ(io_uring_submit(a), 1);
	t_assert_idle(a);
	w[0] = 1;
	ASSERT_EQ(ring_wake(b, &w[0], 1, FUTEX_BITSET_MATCH_ANY,
			    FUTEX2_SIZE_U32), 1);
	c = t_reap_cqe(a);
	ASSERT_EQ(c.user_data, 31);
	ASSERT_EQ(c.res, 0);

	/* one word already changed: no wait at all */
	w[0] = 0;
	w[1] = 7;
	sqe = t_get_sqe(a);
	io_uring_prep_futex_waitv(sqe, v, 2, 0);
	ASSERT_EQ(t_submit_one(a), -EAGAIN);
}

int main(void)
{
	struct io_uring a, b;
	uint32_t *shm;

	t_require_op(IORING_OP_FUTEX_WAIT);
	t_require_op(IORING_OP_FUTEX_WAKE);
	t_require_op(IORING_OP_FUTEX_WAITV);

	shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT(shm != MAP_FAILED);
	t_ring_init(&a, 8, NULL);
	t_ring_init(&b, 8, NULL);

	test_ring_to_ring(&a, &b, &shm[0]);
	test_masks(&a, &b, &shm[4]);
	test_errors(&a, &shm[8]);
	test_syscall_wake(&a, &shm[12]);
	test_waitv(&a, &b, &shm[16]);

	io_uring_queue_exit(&a);
	io_uring_queue_exit(&b);
	munmap(shm, 4096);
	return T_EXIT_PASS;
}
