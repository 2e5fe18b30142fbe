// SPDX-License-Identifier: GPL-2.0
/*
 * kexec_file_boot - the smallest useful kexec_file_load() client.
 *
 *   kexec_file_boot KERNEL INITRD|- "COMMAND LINE"
 *
 * Loads KERNEL (and INITRD, or none for "-") with KEXEC_FILE_DEBUG, so the
 * kernel log and the purgatory describe the load, then reboots into it at
 * once.  It does not sync or stop anything first: callers that care do
 * that themselves.  The test scenarios use it to boot by kexec without
 * kexec-tools.  Returns only on failure, with the errno in the message.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kexec.h>
#include <linux/reboot.h>

int main(int argc, char **argv)
{
	unsigned long flags = KEXEC_FILE_DEBUG;
	int kernel, initrd = -1;

	if (argc != 4) {
		fprintf(stderr, "usage: %s KERNEL INITRD|- CMDLINE\n", argv[0]);
		return 2;
	}
	kernel = open(argv[1], O_RDONLY);
	if (kernel < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (!strcmp(argv[2], "-")) {
		flags |= KEXEC_FILE_NO_INITRAMFS;
	} else {
		initrd = open(argv[2], O_RDONLY);
		if (initrd < 0) {
			fprintf(stderr, "%s: %s\n", argv[2], strerror(errno));
			return 1;
		}
	}
	if (syscall(__NR_kexec_file_load, kernel, initrd, strlen(argv[3]) + 1,
		    argv[3], flags)) {
		fprintf(stderr, "kexec_file_load: %s\n", strerror(errno));
		return 1;
	}
	syscall(__NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		LINUX_REBOOT_CMD_KEXEC, NULL);
	fprintf(stderr, "reboot(LINUX_REBOOT_CMD_KEXEC): %s\n", strerror(errno));
	return 1;
}
