// SPDX-License-Identifier: GPL-2.0
/*
 * Arming a trial kexec reboot: /sys/kernel/kexec_trial.
 *
 * What is checked: a trial arms only with a reboot image and a fallback
 * both loaded (ENOENT otherwise) and a deadline from 1 s to a day
 * (EINVAL otherwise); the file reads "armed N", and "off" once disarmed
 * by writing 0, by loading or unloading either image; a reboot image that
 * cannot be put on trial, because its decompressor runs first, is refused
 * with EOPNOTSUPP; "confirm" with no trial pending is ENOENT.  A refused
 * write leaves the state as it was.  Nothing is ever executed.
 *
 * The kernel loaded is $KEXEC_TEST_KERNEL, by default /boot/bzImage.
 * Needs root and a kernel built with CONFIG_KEXEC_TRIAL.
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

#include "../kselftest_harness.h"
#include "kexec_util.h"

#define TRIAL		"/sys/kernel/kexec_trial"
#define UNPACK_PARAM	"/sys/module/kexec_bzimage64/parameters/unpack"

static const char cmdline[] = "console=ttyS0 ktest-kexec-trial";

/* Write @s to @path: 0, or the errno of the write. */
static int write_errno(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ret = 0;

	if (fd < 0)
		return errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = errno;
	close(fd);
	return ret;
}

/* The state as the file reads it, without its newline. */
static const char *trial_state(void)
{
	static char buf[64];
	ssize_t n;
	int fd = open(TRIAL, O_RDONLY);

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

FIXTURE(trial) {
	int kernel;
};

#define LOAD(flags) \
	kexec_file_load_errno(self->kernel, -1, sizeof(cmdline), cmdline, \
			      KEXEC_FILE_NO_INITRAMFS | (flags))
#define UNLOAD(flags) \
	kexec_file_load_errno(-1, -1, 0, NULL, KEXEC_FILE_UNLOAD | (flags))

/* Every test starts with both images loaded and nothing armed. */
FIXTURE_SETUP(trial)
{
	if (geteuid())
		SKIP(return, "needs root");
	if (access(TRIAL, F_OK))
		SKIP(return, "no %s: a kernel without CONFIG_KEXEC_TRIAL", TRIAL);
	self->kernel = open(test_kernel_path(), O_RDONLY);
	if (self->kernel < 0)
		SKIP(return, "no kernel image at %s", test_kernel_path());
	ASSERT_EQ(0, LOAD(0));
	ASSERT_EQ(0, LOAD(KEXEC_FILE_FALLBACK));
	ASSERT_STREQ("off", trial_state());
}

FIXTURE_TEARDOWN(trial)
{
	write_errno(TRIAL, "0");
	write_errno(UNPACK_PARAM, "1");
	UNLOAD(KEXEC_FILE_FALLBACK);
	UNLOAD(0);
	if (self->kernel >= 0)
		close(self->kernel);
}

TEST_F(trial, arms_and_disarms)
{
	EXPECT_EQ(0, write_errno(TRIAL, "30"));
	EXPECT_STREQ("armed 30", trial_state());
	/* Arming again changes the deadline. */
	EXPECT_EQ(0, write_errno(TRIAL, "86400"));
	EXPECT_STREQ("armed 86400", trial_state());
	EXPECT_EQ(0, write_errno(TRIAL, "0"));
	EXPECT_STREQ("off", trial_state());
	/* Disarming nothing is not an error. */
	EXPECT_EQ(0, write_errno(TRIAL, "0"));
}

TEST_F(trial, bad_deadlines_are_einval_and_change_nothing)
{
	static const char *const bad[] = { "abc", "-1", "86401", "1.5",
					   "4294967296", "30 s" };
	unsigned int i;

	ASSERT_EQ(0, write_errno(TRIAL, "30"));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(EINVAL, write_errno(TRIAL, bad[i])) {
			TH_LOG("deadline '%s'", bad[i]);
		}
		EXPECT_STREQ("armed 30", trial_state());
	}
}

TEST_F(trial, without_a_reboot_image_is_enoent)
{
	ASSERT_EQ(0, UNLOAD(0));
	EXPECT_EQ(ENOENT, write_errno(TRIAL, "30"));
	EXPECT_STREQ("off", trial_state());
}

TEST_F(trial, without_a_fallback_is_enoent)
{
	ASSERT_EQ(0, UNLOAD(KEXEC_FILE_FALLBACK));
	EXPECT_EQ(ENOENT, write_errno(TRIAL, "30"));
	EXPECT_STREQ("off", trial_state());
}

/* A trial names the images it was armed with. */
TEST_F(trial, loading_a_reboot_image_disarms)
{
	ASSERT_EQ(0, write_errno(TRIAL, "30"));
	ASSERT_EQ(0, LOAD(0));
	EXPECT_STREQ("off", trial_state());
}

TEST_F(trial, unloading_the_reboot_image_disarms)
{
	ASSERT_EQ(0, write_errno(TRIAL, "30"));
	ASSERT_EQ(0, UNLOAD(0));
	EXPECT_STREQ("off", trial_state());
}

TEST_F(trial, loading_a_fallback_disarms)
{
	ASSERT_EQ(0, write_errno(TRIAL, "30"));
	ASSERT_EQ(0, LOAD(KEXEC_FILE_FALLBACK));
	EXPECT_STREQ("off", trial_state());
}

TEST_F(trial, unloading_the_fallback_disarms)
{
	ASSERT_EQ(0, write_errno(TRIAL, "30"));
	ASSERT_EQ(0, UNLOAD(KEXEC_FILE_FALLBACK));
	EXPECT_STREQ("off", trial_state());
}

/* A load that fails installs nothing: the trial stays armed. */
TEST_F(trial, a_failed_load_keeps_it_armed)
{
	ASSERT_EQ(0, write_errno(TRIAL, "30"));
	EXPECT_EQ(EBADF, kexec_file_load_errno(-1, -1, sizeof(cmdline), cmdline,
					       KEXEC_FILE_NO_INITRAMFS));
	EXPECT_STREQ("armed 30", trial_state());
}

/*
 * A kernel whose decompressor runs first could overwrite the fallback
 * before it reads where it lies.
 */
TEST_F(trial, a_packed_reboot_image_is_eopnotsupp)
{
	if (access(UNPACK_PARAM, W_OK))
		SKIP(return, "no %s", UNPACK_PARAM);
	ASSERT_EQ(0, write_errno(UNPACK_PARAM, "0"));
	ASSERT_EQ(0, LOAD(0));
	EXPECT_EQ(EOPNOTSUPP, write_errno(TRIAL, "30"));
	EXPECT_STREQ("off", trial_state());
}

TEST_F(trial, confirm_without_a_trial_is_enoent)
{
	EXPECT_EQ(ENOENT, write_errno(TRIAL, "confirm"));
	EXPECT_STREQ("off", trial_state());
	ASSERT_EQ(0, write_errno(TRIAL, "30"));
	/* Armed here is not on trial here. */
	EXPECT_EQ(ENOENT, write_errno(TRIAL, "confirm"));
	EXPECT_STREQ("armed 30", trial_state());
}

TEST_F(trial, no_reason_without_a_fallback_boot)
{
	char buf[16];
	int fd = open("/sys/kernel/kexec_trial_reason", O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(ENODATA, errno);
	close(fd);
}

TEST_HARNESS_MAIN
