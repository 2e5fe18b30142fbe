// SPDX-License-Identifier: GPL-2.0
/*
 * kexec_load() and kexec_file_load() under kernel lockdown.
 *
 * kexec can replace the running kernel with unsigned code, so lockdown in
 * integrity mode must refuse every kexec_load() call with EPERM, unloads
 * included.  kexec_file_load() of a kernel without a valid signature is
 * refused too (signed ones: kexec_sig_test); unloading with it is not.
 * Lockdown cannot be lifted: run this program last, or in a boot of its
 * own.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kexec.h>

#include "../kselftest_harness.h"
#include "kexec_util.h"

#define LOCKDOWN	"/sys/kernel/security/lockdown"
#define PAGE		4096UL

static char payload[PAGE];

/* Load a one-page image (@nr = 1) or unload (@nr = 0); 0 or the errno. */
static int load_or_unload(unsigned long nr)
{
	struct kexec_segment seg = {
		.buf = payload, .bufsz = PAGE,
		.mem = (void *)(16UL << 20), .memsz = PAGE,
	};

	return kexec_load_errno(16UL << 20, nr, nr ? &seg : NULL, 0);
}

static int file_load(void)
{
	int fd = open(getenv("KEXEC_TEST_KERNEL") ?: "/boot/bzImage", O_RDONLY);
	int err;

	if (fd < 0)
		return -1;
	err = kexec_file_load_errno(fd, -1, 0, NULL, KEXEC_FILE_NO_INITRAMFS);
	close(fd);
	return err;
}

TEST(integrity_lockdown_refuses_kexec_load)
{
	static const char mode[] = "integrity";
	int fd;

	if (geteuid())
		SKIP(return, "needs root");
	fd = open(LOCKDOWN, O_WRONLY);
	if (fd < 0)
		SKIP(return, "no %s", LOCKDOWN);

	/* Before lockdown a load works; it is dropped again right away. */
	ASSERT_EQ(0, load_or_unload(1));
	ASSERT_EQ(0, load_or_unload(0));
	ASSERT_EQ(0, file_load());
	ASSERT_EQ(0, kexec_file_load_errno(-1, -1, 0, NULL, KEXEC_FILE_UNLOAD));

	ASSERT_EQ((ssize_t)strlen(mode), write(fd, mode, strlen(mode)));
	close(fd);

	EXPECT_EQ(EPERM, load_or_unload(1));
	EXPECT_EQ(EPERM, load_or_unload(0));
	EXPECT_EQ(EPERM, file_load());
	EXPECT_EQ(0, kexec_file_load_errno(-1, -1, 0, NULL, KEXEC_FILE_UNLOAD));
}

TEST_HARNESS_MAIN
