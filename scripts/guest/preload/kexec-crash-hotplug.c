// SPDX-License-Identifier: GPL-2.0
/*
 * kexec-crash-hotplug.so - have kexec-tools ask for crash hotplug updates.
 *
 *   LD_PRELOAD=/usr/lib/ktest/kexec-crash-hotplug.so kexec -i -p ...
 *
 * A loader that lets the kernel keep a crash image's ELF core header up to
 * date passes KEXEC_UPDATE_ELFCOREHDR to kexec_load() and leaves the header
 * out of its purgatory's digest, as newer kexec-tools can.  Debian 12's
 * kexec-tools does neither.  With --no-checks (-i) its purgatory checks
 * nothing, and this library adds the flag to every crash image load that
 * goes through syscall(2), which is how kexec-tools calls kexec_load().
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <linux/kexec.h>

long syscall(long nr, ...)
{
	static long (*next)(long, ...);
	long arg[6];
	va_list ap;
	int i;

	/* As the C library's syscall() does: six arguments, used or not. */
	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		arg[i] = va_arg(ap, long);
	va_end(ap);

	/* kexec_load(entry, nr_segments, segments, flags); 0 segments unloads */
	if (nr == SYS_kexec_load && (arg[3] & KEXEC_ON_CRASH) && arg[1])
		arg[3] |= KEXEC_UPDATE_ELFCOREHDR;
	if (!next)
		next = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return next(nr, arg[0], arg[1], arg[2], arg[3], arg[4], arg[5]);
}
