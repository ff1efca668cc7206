/* SPDX-License-Identifier: MIT */
/* uringkit inspect PID [--json]: the io_uring rings of a running process. */
#ifndef URINGKIT_INSPECT_H
#define URINGKIT_INSPECT_H

/* argv[0] is "inspect"; returns the exit status. */
int inspect_main(int argc, char **argv);

#endif
