// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal kexec loader whose image faults on entry.
 *
 * It loads one page of zeroes with kexec_load() and an entry point that the
 * transition page tables do not map, then reboots into it.  The trampoline
 * must report the page fault on the serial port instead of resetting the
 * machine silently; scripts/ktest.py looks for that report.
 */

#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kexec.h>
#include <linux/reboot.h>

#define PAGE		4096UL
#define DEST		(16UL << 20)
#define BAD_ENTRY	0x0000700000000000UL	/* far above any RAM */

static char page[PAGE];

int main(void)
{
	struct kexec_segment seg = {
		.buf = page, .bufsz = PAGE, .mem = (void *)DEST, .memsz = PAGE,
	};

	if (syscall(__NR_kexec_load, BAD_ENTRY, 1, &seg, KEXEC_ARCH_DEFAULT)) {
		perror("kexec_load");
		return 1;
	}
	syscall(__NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		LINUX_REBOOT_CMD_KEXEC, NULL);
	perror("reboot(LINUX_REBOOT_CMD_KEXEC)");
	return 1;
}
