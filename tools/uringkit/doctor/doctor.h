/* SPDX-License-Identifier: MIT */
/*
 * uringkit doctor: why io_uring does or does not work here, in plain words,
 * each finding with its fix.
 */
#ifndef URINGKIT_DOCTOR_H
#define URINGKIT_DOCTOR_H

#include <stdio.h>

/* Print the findings; 0 if io_uring is usable, 1 if not. */
int doctor_run(FILE *out, const char *version);

#endif
