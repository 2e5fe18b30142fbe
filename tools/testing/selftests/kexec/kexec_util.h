/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kexec selftests: the system call with its errno,
 * and reading one number from a sysfs or procfs file.
 */
#ifndef KEXEC_SELFTEST_UTIL_H
#define KEXEC_SELFTEST_UTIL_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kexec.h>

/* kexec_load(2): 0 when it succeeded, else its errno. */
static inline int kexec_load_errno(unsigned long entry, unsigned long nr,
				   struct kexec_segment *segs, unsigned long flags)
{
	return syscall(__NR_kexec_load, entry, nr, segs, flags) ? errno : 0;
}

/* The number a file holds, or LONG_MIN when it cannot be read as one. */
static inline long read_number(const char *path)
{
	FILE *f = fopen(path, "r");
	long value;

	if (!f)
		return LONG_MIN;
	if (fscanf(f, "%ld", &value) != 1)
		value = LONG_MIN;
	fclose(f);
	return value;
}

#endif /* KEXEC_SELFTEST_UTIL_H */
