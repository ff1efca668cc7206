/* SPDX-License-Identifier: MIT */
/* uringkit probe: the names of what it asks about, and when each came. */
#include <stdio.h>
#include <uringkit/ops.h>
#include "probe.h"

const struct bit_name probe_feat_names[] = {
	{ 0, "SINGLE_MMAP", 0 },	{ 1, "NODROP", 0 },
	{ 2, "SUBMIT_STABLE", 0 },	{ 3, "RW_CUR_POS", 0 },
	{ 4, "CUR_PERSONALITY", 0 },	{ 5, "FAST_POLL", 0 },
	{ 6, "POLL_32BITS", 0 },	{ 7, "SQPOLL_NONFIXED", 0 },
	{ 8, "EXT_ARG", 0 },		{ 9, "NATIVE_WORKERS", 0 },
	{ 10, "RSRC_TAGS", 0 },		{ 11, "CQE_SKIP", 0 },
	{ 12, "LINKED_FILE", 0 },	{ 13, "REG_REG_RING", 0 },
	{ 14, "RECVSEND_BUNDLE", 0 },	{ 15, "MIN_TIMEOUT", 0 },
	{ 16, "RW_ATTR", 0 },		{ 17, "NO_IOWAIT", 0 },
};
_Static_assert(sizeof(probe_feat_names) / sizeof(probe_feat_names[0]) == PROBE_NR_FEATS,
	       "one row per name");

const struct bit_name probe_setup_names[] = {
	{ 0, "IOPOLL", KV(5, 1) },		{ 1, "SQPOLL", KV(5, 1) },
	{ 2, "SQ_AFF", KV(5, 1) },		{ 3, "CQSIZE", KV(5, 5) },
	{ 4, "CLAMP", KV(5, 6) },		{ 5, "ATTACH_WQ", KV(5, 6) },
	{ 6, "R_DISABLED", KV(5, 10) },		{ 7, "SUBMIT_ALL", KV(5, 18) },
	{ 8, "COOP_TASKRUN", KV(5, 19) },	{ 9, "TASKRUN_FLAG", KV(5, 19) },
	{ 10, "SQE128", KV(5, 19) },		{ 11, "CQE32", KV(5, 19) },
	{ 12, "SINGLE_ISSUER", KV(6, 0) },	{ 13, "DEFER_TASKRUN", KV(6, 1) },
	{ 14, "NO_MMAP", KV(6, 5) },		{ 15, "REGISTERED_FD_ONLY", KV(6, 5) },
	{ 16, "NO_SQARRAY", KV(6, 6) },		{ 17, "HYBRID_IOPOLL", KV(6, 13) },
	{ 18, "CQE_MIXED", KV(6, 18) },		{ 19, "SQE_MIXED", KV(6, 19) },
};
_Static_assert(sizeof(probe_setup_names) / sizeof(probe_setup_names[0]) == PROBE_NR_SETUP,
	       "one row per name");

/* io_uring_register(2) opcodes, by value. */
const struct bit_name probe_reg_names[] = {
	{ 0, "REGISTER_BUFFERS", KV(5, 1) },
	{ 1, "UNREGISTER_BUFFERS", KV(5, 1) },
	{ 2, "REGISTER_FILES", KV(5, 1) },
	{ 3, "UNREGISTER_FILES", KV(5, 1) },
	{ 4, "REGISTER_EVENTFD", KV(5, 2) },
	{ 5, "UNREGISTER_EVENTFD", KV(5, 2) },
	{ 6, "REGISTER_FILES_UPDATE", KV(5, 5) },
	{ 7, "REGISTER_EVENTFD_ASYNC", KV(5, 6) },
	{ 8, "REGISTER_PROBE", KV(5, 6) },
	{ 9, "REGISTER_PERSONALITY", KV(5, 6) },
	{ 10, "UNREGISTER_PERSONALITY", KV(5, 6) },
	{ 11, "REGISTER_RESTRICTIONS", KV(5, 10) },
	{ 12, "REGISTER_ENABLE_RINGS", KV(5, 10) },
	{ 13, "REGISTER_FILES2", KV(5, 13) },
	{ 14, "REGISTER_FILES_UPDATE2", KV(5, 13) },
	{ 15, "REGISTER_BUFFERS2", KV(5, 13) },
	{ 16, "REGISTER_BUFFERS_UPDATE", KV(5, 13) },
	{ 17, "REGISTER_IOWQ_AFF", KV(5, 14) },
	{ 18, "UNREGISTER_IOWQ_AFF", KV(5, 14) },
	{ 19, "REGISTER_IOWQ_MAX_WORKERS", KV(5, 15) },
	{ 20, "REGISTER_RING_FDS", KV(5, 18) },
	{ 21, "UNREGISTER_RING_FDS", KV(5, 18) },
	{ 22, "REGISTER_PBUF_RING", KV(5, 19) },
	{ 23, "UNREGISTER_PBUF_RING", KV(5, 19) },
	{ 24, "REGISTER_SYNC_CANCEL", KV(6, 0) },
	{ 25, "REGISTER_FILE_ALLOC_RANGE", KV(6, 0) },
	{ 26, "REGISTER_PBUF_STATUS", KV(6, 8) },
	{ 27, "REGISTER_NAPI", KV(6, 9) },
	{ 28, "UNREGISTER_NAPI", KV(6, 9) },
	{ 29, "REGISTER_CLOCK", KV(6, 12) },
	{ 30, "REGISTER_CLONE_BUFFERS", KV(6, 12) },
	{ 31, "REGISTER_SEND_MSG_RING", KV(6, 13) },
	{ 32, "REGISTER_ZCRX_IFQ", KV(6, 15) },
	{ 33, "REGISTER_RESIZE_RINGS", KV(6, 13) },
	{ 34, "REGISTER_MEM_REGION", KV(6, 13) },
	{ 35, "REGISTER_QUERY", KV(6, 18) },
	{ 36, "REGISTER_ZCRX_CTRL", KV(6, 19) },
	{ 37, "REGISTER_BPF_FILTER", KV(7, 0) },
};
_Static_assert(sizeof(probe_reg_names) / sizeof(probe_reg_names[0]) == PROBE_NR_REG,
	       "one row per io_uring_register() opcode");


bool probe_op_supported(const struct probe_report *r, int op)
{
	return r->probe && op <= r->probe->last_op &&
	       io_uring_opcode_supported(r->probe, op);
}

const char *probe_version_str(int v, char *buf, size_t len)
{
	if (v <= 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%d.%d", v / 100, v % 100);
	return buf;
}

