// SPDX-License-Identifier: GPL-2.0
/*
 * kexec-trial - make the next kexec reboot a trial, and confirm one.
 *
 *   kexec-trial arm SECONDS [-k KERNEL] [-i INITRD|-] [-c CMDLINE] [-w SECONDS]
 *   kexec-trial confirm
 *   kexec-trial disarm
 *   kexec-trial status
 *
 * "arm" loads the fallback image with kexec_file_load(KEXEC_FILE_FALLBACK)
 * and arms the trial of the loaded kexec image: unless the new kernel
 * writes "confirm" within SECONDS, or if it panics before, the fallback
 * boots.  The fallback defaults to the running kernel as it booted:
 * /boot/vmlinuz-$(uname -r), /boot/initrd.img-$(uname -r) and
 * /proc/cmdline.  Load the new kernel first (kexec -s -l ...): loading
 * another image afterwards disarms the trial.
 *
 * -w SECONDS also starts /dev/watchdog with that timeout and leaves it
 * running, unfed: the trial reboot keeps it running, so that a new kernel
 * that hangs where none of its code runs is reset; one that runs feeds it
 * once its watchdog driver is up.  Reboot within SECONDS, or the watchdog
 * resets this kernel.  A watchdog that a service manager keeps (systemd's
 * RuntimeWatchdogSec) is left running by a trial reboot without -w.
 *
 * "confirm" in the new kernel disarms the deadline and frees the
 * fallback; it succeeds, saying so, when there is nothing to confirm, so
 * that a unit can run it on every boot.  "status" prints the state and,
 * in a kernel that was fallen back to, why.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/kexec.h>
#include <linux/watchdog.h>
#include <sys/ioctl.h>

#ifndef KEXEC_FILE_FALLBACK
#define KEXEC_FILE_FALLBACK	0x80000000
#endif

static const char trial_file[] = "/sys/kernel/kexec_trial";
static const char reason_file[] = "/sys/kernel/kexec_trial_reason";

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static char *read_file(const char *path, size_t max)
{
	char *buf = calloc(1, max + 1);
	ssize_t n, len = 0;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	while (len < (ssize_t)max && (n = read(fd, buf + len, max - len)) > 0)
		len += n;
	close(fd);
	return buf;
}

static int load_fallback(const char *kernel, const char *initrd,
			 const char *cmdline)
{
	unsigned long flags = KEXEC_FILE_FALLBACK;
	int kfd, ifd = -1;
	long ret;

	kfd = open(kernel, O_RDONLY);
	if (kfd < 0) {
		fprintf(stderr, "kexec-trial: %s: %s\n", kernel, strerror(errno));
		return -1;
	}
	if (!strcmp(initrd, "-")) {
		flags |= KEXEC_FILE_NO_INITRAMFS;
	} else {
		ifd = open(initrd, O_RDONLY);
		if (ifd < 0) {
			fprintf(stderr, "kexec-trial: %s: %s\n", initrd, strerror(errno));
			close(kfd);
			return -1;
		}
	}
	ret = syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1,
		      cmdline, flags);
	if (ret)
		fprintf(stderr, "kexec-trial: loading the fallback %s: %s\n",
			kernel, strerror(errno));
	close(kfd);
	if (ifd >= 0)
		close(ifd);
	return ret ? -1 : 0;
}

/* Start the watchdog with @timeout seconds and let go of it, running. */
static int start_watchdog(const char *timeout)
{
	int fd = open("/dev/watchdog", O_WRONLY), t = atoi(timeout);

	if (fd < 0) {
		perror("kexec-trial: /dev/watchdog");
		return -1;
	}
	if (ioctl(fd, WDIOC_SETTIMEOUT, &t) || ioctl(fd, WDIOC_KEEPALIVE, 0)) {
		perror("kexec-trial: /dev/watchdog");
		close(fd);
		return -1;
	}
	/* Closed without the magic 'V': it goes on running. */
	close(fd);
	printf("kexec-trial: the watchdog runs with %d s: reboot before it fires\n", t);
	return 0;
}

static int arm(int argc, char **argv)
{
	char kernel[512], initrd[512], *cmdline = NULL, *end;
	const char *deadline = argv[1], *watchdog = NULL;
	struct utsname u;
	int opt, ret;

	strtoul(deadline, &end, 10);
	if (!*deadline || *end) {
		fprintf(stderr, "kexec-trial: the deadline is a number of seconds\n");
		return 2;
	}
	uname(&u);
	snprintf(kernel, sizeof(kernel), "/boot/vmlinuz-%s", u.release);
	snprintf(initrd, sizeof(initrd), "/boot/initrd.img-%s", u.release);
	optind = 2;
	while ((opt = getopt(argc, argv, "k:i:c:w:")) != -1) {
		switch (opt) {
		case 'k':
			snprintf(kernel, sizeof(kernel), "%s", optarg);
			break;
		case 'i':
			snprintf(initrd, sizeof(initrd), "%s", optarg);
			break;
		case 'c':
			cmdline = strdup(optarg);
			break;
		case 'w':
			watchdog = optarg;
			break;
		default:
			return 2;
		}
	}
	if (!cmdline) {
		cmdline = read_file("/proc/cmdline", 4096);
		if (!cmdline) {
			perror("kexec-trial: /proc/cmdline");
			return 1;
		}
		cmdline[strcspn(cmdline, "\n")] = '\0';
	}
	if (load_fallback(kernel, initrd, cmdline))
		return 1;
	ret = write_file(trial_file, deadline);
	if (ret) {
		fprintf(stderr, "kexec-trial: arming: %s%s\n", strerror(-ret),
			ret == -ENOENT ? " (load the new kernel first)" : "");
		return 1;
	}
	printf("kexec-trial: the next kexec reboot must be confirmed within %s s,\n"
	       "kexec-trial: or %s boots again\n", deadline, kernel);
	if (watchdog && start_watchdog(watchdog))
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	char *state, *reason;
	int ret;

	if (argc >= 3 && !strcmp(argv[1], "arm"))
		return arm(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "confirm")) {
		ret = write_file(trial_file, "confirm");
		if (ret == -ENOENT) {
			printf("kexec-trial: nothing to confirm\n");
			return 0;
		}
		if (ret) {
			fprintf(stderr, "kexec-trial: confirming: %s\n", strerror(-ret));
			return 1;
		}
		printf("kexec-trial: confirmed\n");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "disarm")) {
		ret = write_file(trial_file, "0");
		if (!ret && syscall(SYS_kexec_file_load, -1, -1, 0, NULL,
				    KEXEC_FILE_UNLOAD | KEXEC_FILE_FALLBACK))
			ret = -errno;
		if (ret) {
			fprintf(stderr, "kexec-trial: disarming: %s\n", strerror(-ret));
			return 1;
		}
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "status")) {
		state = read_file(trial_file, 256);
		if (!state) {
			fprintf(stderr, "kexec-trial: %s: %s\n", trial_file, strerror(errno));
			return 1;
		}
		printf("%s", state);
		reason = read_file(reason_file, 8192);
		if (reason && *reason)
			printf("%s", reason);
		return 0;
	}
	fprintf(stderr, "usage: kexec-trial arm SECONDS [-k KERNEL] [-i INITRD|-] [-c CMDLINE]\n"
		"                       [-w SECONDS]\n"
		"       kexec-trial confirm | disarm | status\n");
	return 2;
}
