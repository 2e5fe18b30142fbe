// SPDX-License-Identifier: GPL-2.0
/*
 * kexec_load(2) ABI tests.
 *
 * What is checked: the errno for each malformed request, in the order the
 * kernel checks them, and that a refused request leaves the image loaded
 * before it in place (/sys/kernel/kexec_loaded stays 1).  The image used is
 * a single page of zeroes placed in System RAM; it is only ever loaded,
 * never executed, so every test leaves the machine as it found it.
 *
 * Needs root with CAP_SYS_BOOT; tests that need to lose the capability do
 * so in a child process.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/kexec.h>

#include "../kselftest_harness.h"

#define PAGE		4096UL
#define KEXEC_ARCH_NATIVE	KEXEC_ARCH_X86_64

static char payload[PAGE];

static long sys_kexec_load(unsigned long entry, unsigned long nr,
			   struct kexec_segment *segs, unsigned long flags)
{
	return syscall(__NR_kexec_load, entry, nr, segs, flags);
}

/* Errno of a kexec_load() call, 0 when it succeeded. */
static int load_errno(unsigned long entry, unsigned long nr,
		      struct kexec_segment *segs, unsigned long flags)
{
	return sys_kexec_load(entry, nr, segs, flags) ? errno : 0;
}

static int read_sysfs_int(const char *path)
{
	FILE *f = fopen(path, "r");
	int val = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &val) != 1)
		val = -1;
	fclose(f);
	return val;
}

static int image_loaded(void)
{
	return read_sysfs_int("/sys/kernel/kexec_loaded");
}

/*
 * A page-aligned destination inside the first System RAM range above 16 MiB
 * with room for a few pages, or 0 when /proc/iomem shows none.
 */
static unsigned long ram_destination(void)
{
	unsigned long long start, end, dest = 0;
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");

	if (!f)
		return 0;
	while (!dest && fgets(line, sizeof(line), f)) {
		if (line[0] == ' ' || !strstr(line, ": System RAM"))
			continue;
		if (sscanf(line, "%llx-%llx", &start, &end) != 2)
			continue;
		if (start < (16ULL << 20))
			start = 16ULL << 20;
		start = (start + PAGE - 1) & ~(PAGE - 1);
		if (end > start && end - start >= 16 * PAGE)
			dest = start;
	}
	fclose(f);
	return dest;
}

static void one_page_segment(struct kexec_segment *seg, unsigned long dest)
{
	seg->buf = payload;
	seg->bufsz = PAGE;
	seg->mem = (void *)dest;
	seg->memsz = PAGE;
}

/* Run fn() in a child that has lost CAP_SYS_BOOT; return its exit code. */
static int without_cap_sys_boot(int (*fn)(void *), void *arg)
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

FIXTURE(loaded) {
	unsigned long dest;
	struct kexec_segment seg[KEXEC_SEGMENT_MAX + 1];
};

/* Every test starts with one valid image loaded. */
FIXTURE_SETUP(loaded)
{
	if (geteuid())
		SKIP(return, "needs root");
	self->dest = ram_destination();
	ASSERT_NE(0, self->dest) TH_LOG("no System RAM range in /proc/iomem");
	memset(self->seg, 0, sizeof(self->seg));
	one_page_segment(&self->seg[0], self->dest);
	ASSERT_EQ(0, load_errno(self->dest, 1, self->seg, KEXEC_ARCH_DEFAULT));
	ASSERT_EQ(1, image_loaded());
}

FIXTURE_TEARDOWN(loaded)
{
	sys_kexec_load(0, 0, NULL, KEXEC_ARCH_DEFAULT);
}

/* The refused call must not have replaced or dropped the loaded image. */
#define EXPECT_STILL_LOADED() EXPECT_EQ(1, image_loaded())

TEST_F(loaded, unknown_flag_is_einval)
{
	EXPECT_EQ(EINVAL, load_errno(self->dest, 1, self->seg, 0x100));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, foreign_arch_is_einval)
{
	EXPECT_EQ(EINVAL, load_errno(self->dest, 1, self->seg, KEXEC_ARCH_386));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, native_arch_is_accepted)
{
	EXPECT_EQ(0, load_errno(self->dest, 1, self->seg, KEXEC_ARCH_NATIVE));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, too_many_segments_is_einval)
{
	EXPECT_EQ(EINVAL, load_errno(self->dest, KEXEC_SEGMENT_MAX + 1, self->seg,
				     KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, unreadable_segment_list_is_efault)
{
	EXPECT_EQ(EFAULT, load_errno(self->dest, 1, (void *)8, KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, unaligned_destination_is_eaddrnotavail)
{
	self->seg[0].mem = (void *)(self->dest + 512);
	EXPECT_EQ(EADDRNOTAVAIL, load_errno(self->dest, 1, self->seg,
					    KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, overlapping_segments_are_einval)
{
	one_page_segment(&self->seg[1], self->dest);
	EXPECT_EQ(EINVAL, load_errno(self->dest, 2, self->seg, KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, bufsz_above_memsz_is_einval)
{
	self->seg[0].bufsz = 2 * PAGE;
	EXPECT_EQ(EINVAL, load_errno(self->dest, 1, self->seg, KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, unload_clears_kexec_loaded)
{
	EXPECT_EQ(0, load_errno(0, 0, NULL, KEXEC_ARCH_DEFAULT));
	EXPECT_EQ(0, image_loaded());
	/* Unloading nothing is not an error. */
	EXPECT_EQ(0, load_errno(0, 0, NULL, KEXEC_ARCH_DEFAULT));
	EXPECT_EQ(0, image_loaded());
}

static int try_load_with_bad_flags(void *arg)
{
	struct kexec_segment *seg = arg;

	/* Permission is checked before the flags. */
	return load_errno((unsigned long)seg->mem, 1, seg, 0x100);
}

TEST_F(loaded, without_cap_sys_boot_is_eperm)
{
	EXPECT_EQ(EPERM, without_cap_sys_boot(try_load_with_bad_flags, self->seg));
	EXPECT_STILL_LOADED();
}

TEST_HARNESS_MAIN
