// SPDX-License-Identifier: GPL-2.0
/*
 * The fallback slot of kexec_file_load(2) (KEXEC_FILE_FALLBACK).
 *
 * What is checked: a fallback loads and unloads apart from the reboot
 * image, shows in /sys/kernel/kexec_fallback_loaded, has every segment
 * claimed (so it can be entered without moving anything), is refused with
 * KEXEC_FILE_ON_CRASH, with kexec_file.claim=0 and without CAP_SYS_BOOT,
 * and a refused request leaves the loaded fallback in place.  A reboot
 * with only a fallback loaded has nothing to boot.  Loading and unloading
 * do not leak.  Images are only ever loaded, never executed.
 *
 * The kernel loaded is $KEXEC_TEST_KERNEL, by default /boot/bzImage.
 * Needs root.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kexec.h>
#include <linux/reboot.h>

#include "../kselftest_harness.h"
#include "kexec_util.h"

#define FALLBACK_LOADED	"/sys/kernel/kexec_fallback_loaded"
#define CLAIM_PARAM	"/sys/module/kexec_file/parameters/claim"

static const char cmdline[] = "console=ttyS0 ktest-kexec-fallback";

static int write_string(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

FIXTURE(fallback) {
	int kernel;
};

/* Every test starts with a fallback loaded and no reboot image. */
FIXTURE_SETUP(fallback)
{
	if (geteuid())
		SKIP(return, "needs root");
	self->kernel = open(test_kernel_path(), O_RDONLY);
	if (self->kernel < 0)
		SKIP(return, "no kernel image at %s", test_kernel_path());
	ASSERT_EQ(0, kexec_file_load_errno(-1, -1, 0, NULL, KEXEC_FILE_UNLOAD));
	ASSERT_EQ(0, kexec_file_load_errno(self->kernel, -1, sizeof(cmdline),
					   cmdline, KEXEC_FILE_FALLBACK |
					   KEXEC_FILE_NO_INITRAMFS));
	ASSERT_EQ(1, read_number(FALLBACK_LOADED));
	ASSERT_EQ(0, read_number("/sys/kernel/kexec_loaded"));
}

FIXTURE_TEARDOWN(fallback)
{
	write_string(CLAIM_PARAM, "1");
	kexec_file_load_errno(-1, -1, 0, NULL,
			      KEXEC_FILE_UNLOAD | KEXEC_FILE_FALLBACK);
	kexec_file_load_errno(-1, -1, 0, NULL, KEXEC_FILE_UNLOAD);
	close(self->kernel);
}

#define EXPECT_FALLBACK_LOADED() EXPECT_EQ(1, read_number(FALLBACK_LOADED))

/* Load the fixture's kernel with @flags besides, as a fallback. */
#define LOAD_FALLBACK(flags) \
	kexec_file_load_errno(self->kernel, -1, sizeof(cmdline), cmdline, \
			      KEXEC_FILE_FALLBACK | KEXEC_FILE_NO_INITRAMFS | (flags))

TEST_F(fallback, unload_drops_only_the_fallback)
{
	ASSERT_EQ(0, kexec_file_load_errno(self->kernel, -1, sizeof(cmdline),
					   cmdline, KEXEC_FILE_NO_INITRAMFS));
	EXPECT_EQ(0, kexec_file_load_errno(-1, -1, 0, NULL,
					   KEXEC_FILE_UNLOAD | KEXEC_FILE_FALLBACK));
	EXPECT_EQ(0, read_number(FALLBACK_LOADED));
	EXPECT_EQ(1, read_number("/sys/kernel/kexec_loaded"));
	/* Unloading no fallback is not an error either. */
	EXPECT_EQ(0, kexec_file_load_errno(-1, -1, 0, NULL,
					   KEXEC_FILE_UNLOAD | KEXEC_FILE_FALLBACK));
	EXPECT_EQ(0, read_number(FALLBACK_LOADED));
}

TEST_F(fallback, unloading_the_reboot_image_keeps_the_fallback)
{
	ASSERT_EQ(0, kexec_file_load_errno(self->kernel, -1, sizeof(cmdline),
					   cmdline, KEXEC_FILE_NO_INITRAMFS));
	EXPECT_EQ(0, kexec_file_load_errno(-1, -1, 0, NULL, KEXEC_FILE_UNLOAD));
	EXPECT_EQ(0, read_number("/sys/kernel/kexec_loaded"));
	EXPECT_FALLBACK_LOADED();
}

TEST_F(fallback, reload_over_a_loaded_fallback_succeeds)
{
	EXPECT_EQ(0, LOAD_FALLBACK(0));
	EXPECT_FALLBACK_LOADED();
	EXPECT_EQ(0, read_number("/sys/kernel/kexec_loaded"));
}

/* Not both slots at once. */
TEST_F(fallback, with_on_crash_is_einval)
{
	EXPECT_EQ(EINVAL, LOAD_FALLBACK(KEXEC_FILE_ON_CRASH));
	EXPECT_FALLBACK_LOADED();
}

TEST_F(fallback, bad_kernel_fd_is_ebadf)
{
	EXPECT_EQ(EBADF, kexec_file_load_errno(-1, -1, sizeof(cmdline), cmdline,
					       KEXEC_FILE_FALLBACK |
					       KEXEC_FILE_NO_INITRAMFS));
	EXPECT_FALLBACK_LOADED();
}

/* Segments left to move at exec could not be entered from another kernel. */
TEST_F(fallback, without_claiming_is_eopnotsupp)
{
	if (access(CLAIM_PARAM, W_OK))
		SKIP(return, "no %s", CLAIM_PARAM);
	ASSERT_EQ(0, write_string(CLAIM_PARAM, "0"));
	EXPECT_EQ(EOPNOTSUPP, LOAD_FALLBACK(0));
	EXPECT_FALLBACK_LOADED();
	/* The reboot slot does without. */
	EXPECT_EQ(0, kexec_file_load_errno(self->kernel, -1, sizeof(cmdline),
					   cmdline, KEXEC_FILE_NO_INITRAMFS));
	ASSERT_EQ(0, write_string(CLAIM_PARAM, "1"));
}

static int try_fallback_load(void *arg)
{
	int fd = *(int *)arg;

	return kexec_file_load_errno(fd, -1, sizeof(cmdline), cmdline,
				     KEXEC_FILE_FALLBACK | KEXEC_FILE_NO_INITRAMFS);
}

TEST_F(fallback, without_cap_sys_boot_is_eperm)
{
	EXPECT_EQ(EPERM, without_cap_sys_boot(try_fallback_load, &self->kernel));
	EXPECT_FALLBACK_LOADED();
}

/* KEXEC_FILE_DEBUG says every segment of it is where it stays. */
TEST_F(fallback, every_segment_is_claimed)
{
	char marker[64], *log, *at;

	snprintf(marker, sizeof(marker), "ktest-fallback-%d", getpid());
	EXPECT_EQ(0, kexec_file_load_errno(self->kernel, -1, strlen(marker) + 1,
					   marker, KEXEC_FILE_FALLBACK |
					   KEXEC_FILE_NO_INITRAMFS |
					   KEXEC_FILE_DEBUG));
	log = kernel_log();
	ASSERT_NE(NULL, log);
	at = strstr(log, marker);
	ASSERT_NE(NULL, at) TH_LOG("the command line is not in the log");
	EXPECT_NE(NULL, strstr(at, "kexec_file: loaded:"));
	EXPECT_NE(NULL, strstr(at, "nothing moves at exec"));
	EXPECT_EQ(NULL, strstr(at, "moved at exec"));
	free(log);
}

/* The fallback is not what a reboot boots. */
TEST_F(fallback, reboot_with_only_a_fallback_is_einval)
{
	EXPECT_EQ(-1, syscall(__NR_reboot, LINUX_REBOOT_MAGIC1,
			      LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_KEXEC, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_FALLBACK_LOADED();
}

/* Each cycle claims memory for a whole kernel and gives it back. */
TEST_F_TIMEOUT(fallback, twenty_cycles_do_not_leak, 120)
{
	long free_before, free_after;
	int i, failed = 0;

	EXPECT_EQ(0, kexec_file_load_errno(-1, -1, 0, NULL,
					   KEXEC_FILE_UNLOAD | KEXEC_FILE_FALLBACK));
	free_before = free_kb();
	for (i = 0; i < 20; i++) {
		failed += !!LOAD_FALLBACK(0);
		failed += !!kexec_file_load_errno(-1, -1, 0, NULL,
						  KEXEC_FILE_UNLOAD | KEXEC_FILE_FALLBACK);
	}
	free_after = free_kb();
	TH_LOG("free %ld -> %ld kB", free_before, free_after);
	EXPECT_EQ(0, failed);
	EXPECT_EQ(0, read_number(FALLBACK_LOADED));
	/* One lost image would be megabytes. */
	EXPECT_GT(256, free_before - free_after);
}

TEST_HARNESS_MAIN
