/* SPDX-License-Identifier: MIT */
/* Checking the SQE a prep helper wrote, field by field: see test.h. */
#include <stdio.h>
#include <string.h>
#include "test.h"

void t_dirty_sqe(struct io_uring_sqe *sqe)
{
	memset(sqe, 0xff, sizeof(*sqe));
}

/* Append "name got/want" to msg when the two differ. */
static void field(char *msg, size_t size, bool *bad, const char *name,
		  unsigned long long got, unsigned long long want)
{
	size_t used = strlen(msg);

	if (got == want)
		return;
	*bad = true;
	snprintf(msg + used, size - used, " %s 0x%llx (want 0x%llx)", name,
		 got, want);
}

void t__check_sqe(const char *file, int line, const struct io_uring_sqe *sqe,
		  const struct t_sqe_want *w)
{
	char msg[1024] = "";
	bool bad = false;

	field(msg, sizeof(msg), &bad, "opcode", sqe->opcode, w->opcode);
	field(msg, sizeof(msg), &bad, "flags", sqe->flags, w->flags);
	field(msg, sizeof(msg), &bad, "ioprio", sqe->ioprio, w->ioprio);
	field(msg, sizeof(msg), &bad, "fd", (__u32) sqe->fd, (__u32) w->fd);
	field(msg, sizeof(msg), &bad, "off", sqe->off, w->off);
	field(msg, sizeof(msg), &bad, "addr", sqe->addr, w->addr);
	field(msg, sizeof(msg), &bad, "len", sqe->len, w->len);
	field(msg, sizeof(msg), &bad, "op_flags", (__u32) sqe->rw_flags,
	      w->op_flags);
	field(msg, sizeof(msg), &bad, "buf_index", sqe->buf_index,
	      w->buf_index);
	field(msg, sizeof(msg), &bad, "personality", sqe->personality, 0);
	field(msg, sizeof(msg), &bad, "file_index", sqe->file_index,
	      w->file_index);
	field(msg, sizeof(msg), &bad, "addr3", sqe->addr3, w->addr3);
	field(msg, sizeof(msg), &bad, "pad", sqe->__pad2[0], 0);
	if (bad)
		t_fail_at(file, line, "SQE of opcode %u differs:%s", w->opcode,
			  msg);
}
