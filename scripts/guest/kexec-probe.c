// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal kexec_load() loaders whose images test the trampoline itself.
 *
 *   kexec-probe fault   one page of zeroes, entered at an address the
 *                       transition tables do not map: the trampoline must
 *                       report the page fault on the serial port, then
 *                       reset the machine;
 *   kexec-probe cr0     one page of code that prints "kexec probe: cr0 "
 *                       and CR0 in hex on COM1, then halts: the judge
 *                       checks the bits the trampoline must clear.
 *
 * Either way the program only returns if the load or the reboot failed.
 */

#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kexec.h>
#include <linux/reboot.h>

#define PAGE		4096UL
#define DEST		(16UL << 20)
#define UNMAPPED	0x0000700000000000UL	/* far above any RAM */

/* The image of "cr0", in kexec-probe-cr0.S. */
extern const char cr0_image[], cr0_image_end[];

static char page[PAGE];

int main(int argc, char **argv)
{
	struct kexec_segment seg = {
		.buf = page, .bufsz = PAGE, .mem = (void *)DEST, .memsz = PAGE,
	};
	unsigned long entry;

	if (argc == 2 && !strcmp(argv[1], "fault")) {
		entry = UNMAPPED;
	} else if (argc == 2 && !strcmp(argv[1], "cr0")) {
		memcpy(page, cr0_image, cr0_image_end - cr0_image);
		entry = DEST;
	} else {
		fprintf(stderr, "usage: kexec-probe fault|cr0\n");
		return 2;
	}
	if (syscall(__NR_kexec_load, entry, 1, &seg, KEXEC_ARCH_DEFAULT)) {
		perror("kexec_load");
		return 1;
	}
	syscall(__NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		LINUX_REBOOT_CMD_KEXEC, NULL);
	perror("reboot(LINUX_REBOOT_CMD_KEXEC)");
	return 1;
}
