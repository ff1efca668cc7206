/* SPDX-License-Identifier: MIT */
/* Sizes of the memory the library maps, pins or registers. */
#ifndef URINGKIT_INTERNAL_MEM_H
#define URINGKIT_INTERNAL_MEM_H

#include <stddef.h>
#include <unistd.h>

/* The system's page size; 4096 if sysconf() cannot tell. */
static inline size_t uk__page_size(void)
{
	long page = sysconf(_SC_PAGESIZE);

	return page > 0 ? (size_t) page : 4096;
}

/* v rounded up to a multiple of a, a power of two. */
static inline size_t uk__align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* v rounded up to whole pages, as the kernel maps and pins memory. */
static inline size_t uk__page_align(size_t v)
{
	return uk__align_up(v, uk__page_size());
}

#endif
