/* SPDX-License-Identifier: MIT */
/* uringkit bench: what every renderer says the same way. */
#include <stdio.h>
#include <string.h>
#include "../uringkit.h"
#include "report.h"

const char *report_row_name(const struct bench_record *r)
{
	return r->title[0] ? r->title : r->engine;
}

/* "io_uring_queue_init: EPERM (Operation not permitted)" */
const char *report_error(const struct bench_record *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s: %s (%s)", r->failed, uk_errname(r->err),
		 strerror(-r->err));
	return buf;
}
