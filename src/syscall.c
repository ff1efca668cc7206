/* SPDX-License-Identifier: MIT */
/* The exported raw system-call wrappers: -errno on failure, errno untouched. */
#include "internal/ring.h"

UK_EXPORT int io_uring_setup(unsigned int entries, struct io_uring_params *p)
{
	return uk__sys_setup(entries, p);
}

UK_EXPORT int io_uring_enter(unsigned int fd, unsigned int to_submit,
			     unsigned int min_complete, unsigned int flags,
			     sigset_t *sig)
{
	return uk__sys_enter2(fd, to_submit, min_complete, flags, sig,
			      _NSIG / 8);
}

UK_EXPORT int io_uring_enter2(unsigned int fd, unsigned int to_submit,
			      unsigned int min_complete, unsigned int flags,
			      void *arg, size_t sz)
{
	return uk__sys_enter2(fd, to_submit, min_complete, flags, arg, sz);
}

UK_EXPORT int io_uring_register(unsigned int fd, unsigned int opcode,
				const void *arg, unsigned int nr_args)
{
	return uk__sys_register(fd, opcode, arg, nr_args);
}
