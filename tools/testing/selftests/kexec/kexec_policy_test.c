// SPDX-License-Identifier: GPL-2.0
/*
 * kexec load policy: kernel.kexec_load_limit_reboot, _panic and
 * kernel.kexec_load_disabled.
 *
 * These settings only ever tighten, so this program leaves the machine
 * unable to load a kexec image: run it last, or in a boot of its own.  The
 * tests depend on each other's effects and run in the order written.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kexec.h>

#include "../kselftest_harness.h"
#include "kexec_util.h"

#define SYSCTL_DIR	"/proc/sys/kernel/"
#define PAGE		4096UL

static char payload[PAGE];

/* Write @value to a sysctl; 0 or the errno of the write. */
static int sysctl_write(const char *name, const char *value)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), SYSCTL_DIR "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	if (write(fd, value, strlen(value)) < 0)
		err = errno;
	close(fd);
	return err;
}

static long sysctl_read(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), SYSCTL_DIR "%s", name);
	return read_number(path);
}

/* Load a one-page image at 16 MiB; 0 or the errno. */
static int load_one_page(unsigned long flags)
{
	struct kexec_segment seg = {
		.buf = payload, .bufsz = PAGE,
		.mem = (void *)(16UL << 20), .memsz = PAGE,
	};

	return kexec_load_errno(16UL << 20, 1, &seg, flags);
}

static int unload(void)
{
	return kexec_load_errno(0, 0, NULL, 0);
}

TEST(limit_reboot_counts_down_to_eperm)
{
	if (geteuid())
		SKIP(return, "needs root");
	ASSERT_EQ(-1, sysctl_read("kexec_load_limit_reboot"));
	ASSERT_EQ(0, sysctl_write("kexec_load_limit_reboot", "3"));
	EXPECT_EQ(3, sysctl_read("kexec_load_limit_reboot"));

	/* Raising or going negative is refused; lowering is allowed. */
	EXPECT_EQ(EINVAL, sysctl_write("kexec_load_limit_reboot", "4"));
	EXPECT_EQ(EINVAL, sysctl_write("kexec_load_limit_reboot", "-1"));
	EXPECT_EQ(0, sysctl_write("kexec_load_limit_reboot", "2"));

	EXPECT_EQ(0, load_one_page(0));
	EXPECT_EQ(1, sysctl_read("kexec_load_limit_reboot"));
	/* An unload is a kexec_load() call too and takes from the budget. */
	EXPECT_EQ(0, unload());
	EXPECT_EQ(0, sysctl_read("kexec_load_limit_reboot"));
	EXPECT_EQ(EPERM, load_one_page(0));
	EXPECT_EQ(EPERM, unload());
	EXPECT_EQ(0, sysctl_read("kexec_load_limit_reboot"));
}

TEST(limit_panic_is_separate)
{
	if (geteuid())
		SKIP(return, "needs root");
	EXPECT_EQ(-1, sysctl_read("kexec_load_limit_panic"));
	ASSERT_EQ(0, sysctl_write("kexec_load_limit_panic", "1"));
	EXPECT_EQ(1, sysctl_read("kexec_load_limit_panic"));
	/*
	 * A panic load passes the permission check and uses the panic
	 * budget, whatever happens to it next.
	 */
	EXPECT_NE(EPERM, load_one_page(KEXEC_ON_CRASH));
	EXPECT_EQ(0, sysctl_read("kexec_load_limit_panic"));
	EXPECT_EQ(EPERM, load_one_page(KEXEC_ON_CRASH));
}

TEST(load_disabled_is_one_way)
{
	if (geteuid())
		SKIP(return, "needs root");
	EXPECT_EQ(0, sysctl_read("kexec_load_disabled"));
	EXPECT_EQ(EINVAL, sysctl_write("kexec_load_disabled", "2"));
	ASSERT_EQ(0, sysctl_write("kexec_load_disabled", "1"));
	EXPECT_EQ(1, sysctl_read("kexec_load_disabled"));
	EXPECT_EQ(EINVAL, sysctl_write("kexec_load_disabled", "0"));
	EXPECT_EQ(1, sysctl_read("kexec_load_disabled"));
	/* Disabled wins over a panic budget that has room. */
	EXPECT_EQ(EINVAL, sysctl_write("kexec_load_limit_panic", "5"));
	EXPECT_EQ(EPERM, load_one_page(0));
}

TEST_HARNESS_MAIN
