// SPDX-License-Identifier: GPL-2.0
/*
 * kexec_file_boot - the smallest useful kexec_file_load() client.
 *
 *   kexec_file_boot KERNEL INITRD|- "COMMAND LINE"
 *
 * Loads KERNEL (and INITRD, or none for "-") with KEXEC_FILE_DEBUG, so the
 * kernel log and the purgatory describe the load, says how much free
 * memory the loaded image took, then reboots into it at once.  It does
 * not sync or stop anything first: callers that care do that themselves.
 * The test scenarios use it to boot by kexec without kexec-tools.
 * Returns only on failure, with the errno in the message.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kexec.h>
#include <linux/reboot.h>

/*
 * Free memory in KiB, or -1: the buddy allocator's free pages and those
 * on per-CPU lists, which MemFree leaves out (the load's freed buffers
 * often wait there).
 */
static long mem_free(void)
{
	char line[256];
	long pages = 0, n;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " pages free %ld", &n) == 1 ||
		    sscanf(line, " count: %ld", &n) == 1)
			pages += n;
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(int argc, char **argv)
{
	unsigned long flags = KEXEC_FILE_DEBUG;
	int kernel, initrd = -1;
	long before, after;

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
	before = mem_free();
	if (syscall(__NR_kexec_file_load, kernel, initrd, strlen(argv[3]) + 1,
		    argv[3], flags)) {
		fprintf(stderr, "kexec_file_load: %s\n", strerror(errno));
		return 1;
	}
	after = mem_free();
	if (before >= 0 && after >= 0)
		fprintf(stderr, "kexec_file_boot: the image holds %ld KiB of memory\n",
			before - after);
	syscall(__NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		LINUX_REBOOT_CMD_KEXEC, NULL);
	fprintf(stderr, "reboot(LINUX_REBOOT_CMD_KEXEC): %s\n", strerror(errno));
	return 1;
}
