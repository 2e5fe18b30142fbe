/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kexec selftests: the system calls with their errno,
 * dropping CAP_SYS_BOOT in a child, reading one number from a sysfs or
 * procfs file, whether a crash reservation is absent, how much memory is
 * used, and the kernel log.
 */
#ifndef KEXEC_SELFTEST_UTIL_H
#define KEXEC_SELFTEST_UTIL_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/kexec.h>

/* kexec_load(2): 0 when it succeeded, else its errno. */
static inline int kexec_load_errno(unsigned long entry, unsigned long nr,
				   struct kexec_segment *segs, unsigned long flags)
{
	return syscall(__NR_kexec_load, entry, nr, segs, flags) ? errno : 0;
}

/* kexec_file_load(2): 0 when it succeeded, else its errno. */
static inline int kexec_file_load_errno(int kernel_fd, int initrd_fd,
					unsigned long cmdline_len,
					const char *cmdline, unsigned long flags)
{
	return syscall(__NR_kexec_file_load, kernel_fd, initrd_fd, cmdline_len,
		       cmdline, flags) ? errno : 0;
}

/* Run fn() in a child that has lost CAP_SYS_BOOT; return its exit code. */
static inline int without_cap_sys_boot(int (*fn)(void *), void *arg)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (syscall(__NR_capget, &hdr, data))
			_exit(200);
		data[CAP_TO_INDEX(CAP_SYS_BOOT)].effective &= ~CAP_TO_MASK(CAP_SYS_BOOT);
		data[CAP_TO_INDEX(CAP_SYS_BOOT)].permitted &= ~CAP_TO_MASK(CAP_SYS_BOOT);
		if (syscall(__NR_capset, &hdr, data))
			_exit(201);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
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

/*
 * NULL when crash dumps are built and nothing is reserved for them, so that
 * a crash load must fail for want of a reservation; else why not.
 */
static inline const char *without_reservation(void)
{
	if (access("/sys/kernel/kexec_crash_size", F_OK))
		return "no crash dump support";
	if (read_number("/sys/kernel/kexec_crash_size") != 0)
		return "crashkernel= reserved memory";
	return NULL;
}

/* A /proc/meminfo field in kB, or -1 when it cannot be read. */
static inline long meminfo_kb(const char *field)
{
	char line[128];
	size_t len = strlen(field);
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			kb = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return kb;
}

/*
 * Free memory in kB, counting the pages waiting on the per-CPU free lists
 * (the "count:" lines of /proc/zoneinfo), which MemFree leaves out: those
 * lists grow with a burst of frees and give pages back over seconds, so
 * MemFree alone can swing by megabytes with nothing leaked.  -1 when it
 * cannot be read.
 */
static inline long free_kb(void)
{
	long kb = meminfo_kb("MemFree"), pages = 0, count;
	char line[128];
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (kb < 0 || !f) {
		if (f)
			fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &count) == 1)
			pages += count;
	fclose(f);
	return kb + pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/* The kernel log as a string, to be freed; NULL when it cannot be read. */
static inline char *kernel_log(void)
{
	int size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *log;
	int len;

	if (size <= 0)
		return NULL;
	log = malloc(size + 1);
	if (!log)
		return NULL;
	len = klogctl(3, log, size);		/* SYSLOG_ACTION_READ_ALL */
	if (len < 0) {
		free(log);
		return NULL;
	}
	log[len] = '\0';
	return log;
}

/* The kernel image the tests load: $KEXEC_TEST_KERNEL, or /boot/bzImage. */
static inline const char *test_kernel_path(void)
{
	const char *path = getenv("KEXEC_TEST_KERNEL");

	return path ? path : "/boot/bzImage";
}

#endif /* KEXEC_SELFTEST_UTIL_H */
