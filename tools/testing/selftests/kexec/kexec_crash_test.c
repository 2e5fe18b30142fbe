// SPDX-License-Identifier: GPL-2.0
/*
 * Crash images and the crashkernel= reservation, from user space.
 *
 * Needs a kernel booted with crashkernel=64M (the selftests-crash boot).
 * What is checked: the reservation in /proc/iomem and
 * /sys/kernel/kexec_crash_size, loading and unloading a crash image with
 * kexec_load(KEXEC_ON_CRASH) and /sys/kernel/kexec_crash_loaded, the errno
 * of segments outside the reservation (with the loaded crash image kept),
 * the crash hotplug flags and /sys/devices/system/{cpu,memory}/crash_hotplug,
 * kexec_file_load(KEXEC_FILE_ON_CRASH) with bad inputs, and shrinking the
 * reservation by writing kexec_crash_size.
 * The crash image is never started.
 *
 * The tests run in order and the last ones give the reservation away:
 * run this program in a boot of its own.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/elf.h>
#include <linux/kexec.h>

#include "../kselftest_harness.h"
#include "kexec_util.h"

#define PAGE		4096UL
#define CRASH_SIZE	"/sys/kernel/kexec_crash_size"
#define CRASH_LOADED	"/sys/kernel/kexec_crash_loaded"
#define RESERVED	(64UL << 20)
#define CPU_CRASH_HOTPLUG	"/sys/devices/system/cpu/crash_hotplug"
#define MEMORY_CRASH_HOTPLUG	"/sys/devices/system/memory/crash_hotplug"

static char payload[PAGE];

/* The "Crash kernel" region of /proc/iomem; false when there is none. */
static bool crash_region(unsigned long long *start, unsigned long long *end)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/iomem", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, ": Crash kernel") &&
			sscanf(line, " %llx-%llx", start, end) == 2;
	fclose(f);
	return found;
}

static int load_crash_page(unsigned long dest)
{
	struct kexec_segment seg = {
		.buf = payload, .bufsz = PAGE,
		.mem = (void *)dest, .memsz = PAGE,
	};

	return kexec_load_errno(dest, 1, &seg, KEXEC_ON_CRASH);
}

static int unload_crash(void)
{
	return kexec_load_errno(0, 0, NULL, KEXEC_ON_CRASH);
}

/* Write @value to kexec_crash_size: 0 or the errno. */
static int shrink_to(unsigned long value)
{
	char text[32];
	int fd, len, err = 0;

	fd = open(CRASH_SIZE, O_WRONLY);
	if (fd < 0)
		return errno;
	len = snprintf(text, sizeof(text), "%lu", value);
	if (write(fd, text, len) != len)
		err = errno;
	close(fd);
	return err;
}

FIXTURE(reserved) {
	unsigned long long start, end;
};

FIXTURE_SETUP(reserved)
{
	if (geteuid())
		SKIP(return, "needs root");
	if (access(CRASH_SIZE, F_OK))
		SKIP(return, "no crash dump support");
	if (!crash_region(&self->start, &self->end))
		SKIP(return, "no crashkernel= reservation");
}

FIXTURE_TEARDOWN(reserved)
{
	unload_crash();
}

TEST_F(reserved, reservation_is_in_iomem_and_sysfs)
{
	EXPECT_EQ(RESERVED, self->end - self->start + 1);
	EXPECT_EQ((long)RESERVED, read_number(CRASH_SIZE));
	EXPECT_EQ(0, read_number(CRASH_LOADED));
}

TEST_F(reserved, load_and_unload_a_crash_image)
{
	ASSERT_EQ(0, load_crash_page(self->start));
	EXPECT_EQ(1, read_number(CRASH_LOADED));
	/* The reboot image is a different slot. */
	EXPECT_EQ(0, read_number("/sys/kernel/kexec_loaded"));
	/* Reloading replaces it. */
	EXPECT_EQ(0, load_crash_page(self->end + 1 - PAGE));
	EXPECT_EQ(1, read_number(CRASH_LOADED));
	EXPECT_EQ(0, unload_crash());
	EXPECT_EQ(0, read_number(CRASH_LOADED));
	EXPECT_EQ(0, unload_crash());
}

TEST_F(reserved, segment_outside_the_reservation_is_eaddrnotavail)
{
	ASSERT_EQ(0, load_crash_page(self->start));
	EXPECT_EQ(EADDRNOTAVAIL, load_crash_page(self->end + 1));
	if (self->start >= PAGE)
		EXPECT_EQ(EADDRNOTAVAIL, load_crash_page(self->start - PAGE));
	/* A refused request leaves the loaded crash image alone. */
	EXPECT_EQ(1, read_number(CRASH_LOADED));
}

TEST_F(reserved, entry_outside_the_reservation_is_eaddrnotavail)
{
	struct kexec_segment seg = {
		.buf = payload, .bufsz = PAGE,
		.mem = (void *)(unsigned long)self->start, .memsz = PAGE,
	};

	EXPECT_EQ(EADDRNOTAVAIL, kexec_load_errno(self->end + 1, 1, &seg,
						  KEXEC_ON_CRASH));
	/* Checked before the segments: a bad list (EINVAL) does not change that. */
	seg.bufsz = 2 * PAGE;
	EXPECT_EQ(EADDRNOTAVAIL, kexec_load_errno(self->end + 1, 1, &seg,
						  KEXEC_ON_CRASH));
	EXPECT_EQ(0, read_number(CRASH_LOADED));
}

TEST_F(reserved, segment_straddling_the_end_is_eaddrnotavail)
{
	struct kexec_segment seg = {
		.buf = payload, .bufsz = PAGE,
		.mem = (void *)(unsigned long)(self->end + 1 - PAGE),
		.memsz = 2 * PAGE,
	};

	EXPECT_EQ(EADDRNOTAVAIL, kexec_load_errno(self->end + 1 - PAGE, 1, &seg,
						  KEXEC_ON_CRASH));
	EXPECT_EQ(0, read_number(CRASH_LOADED));
}

TEST_F(reserved, bad_crash_segments_keep_upstream_errno)
{
	struct kexec_segment segs[2] = {
		{ .buf = payload, .bufsz = PAGE,
		  .mem = (void *)(unsigned long)self->start, .memsz = PAGE },
		{ .buf = payload, .bufsz = PAGE,
		  .mem = (void *)(unsigned long)self->start, .memsz = PAGE },
	};

	/* Overlap is checked before the window. */
	EXPECT_EQ(EINVAL, kexec_load_errno(self->start, 2, segs, KEXEC_ON_CRASH));
	segs[1].mem = (void *)(unsigned long)(self->start + 1);
	EXPECT_EQ(EADDRNOTAVAIL, kexec_load_errno(self->start, 2, segs,
						  KEXEC_ON_CRASH));
	EXPECT_EQ(0, read_number(CRASH_LOADED));
}

/*
 * The crash hotplug flags: the loader lets the kernel rewrite the image's
 * ELF core header as CPUs and memory come and go.  Taken, as upstream
 * takes them, on crash and reboot images alike.
 */
static int load_crash_flags(void *buf, unsigned long dest, unsigned long flags)
{
	struct kexec_segment seg = {
		.buf = buf, .bufsz = PAGE, .mem = (void *)dest, .memsz = PAGE,
	};

	return kexec_load_errno(dest, 1, &seg, KEXEC_ON_CRASH | flags);
}

/* What both crash_hotplug files say, or -1 when they disagree. */
static long crash_hotplug(void)
{
	long cpu = read_number(CPU_CRASH_HOTPLUG);

	return cpu == read_number(MEMORY_CRASH_HOTPLUG) ? cpu : -1;
}

/*
 * A page that starts like a 64-bit ELF core file, which is how the kernel
 * recognises the segment that holds the core header; it describes nothing.
 */
static char *core_header_page(void)
{
	static char page[PAGE];
	struct elf64_hdr *eh = (struct elf64_hdr *)page;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_type = ET_CORE;
	return page;
}

TEST_F(reserved, crash_hotplug_flags_are_taken)
{
	EXPECT_EQ(0, load_crash_flags(payload, self->start, KEXEC_UPDATE_ELFCOREHDR));
	EXPECT_EQ(1, read_number(CRASH_LOADED));
	EXPECT_EQ(0, load_crash_flags(payload, self->start, KEXEC_CRASH_HOTPLUG_SUPPORT));
	EXPECT_EQ(1, read_number(CRASH_LOADED));
	EXPECT_EQ(0, kexec_load_errno(0, 0, NULL, KEXEC_UPDATE_ELFCOREHDR));
}

/*
 * crash_hotplug is 1 while the loaded crash image is one the kernel keeps
 * up to date: loaded with a flag, and with a core header to update.
 */
TEST_F(reserved, crash_hotplug_follows_the_loaded_image)
{
	if (access(CPU_CRASH_HOTPLUG, F_OK) && access(MEMORY_CRASH_HOTPLUG, F_OK))
		SKIP(return, "no crash hotplug (CONFIG_CRASH_HOTPLUG)");
	EXPECT_EQ(0, crash_hotplug());
	ASSERT_EQ(0, load_crash_flags(core_header_page(), self->start,
				      KEXEC_UPDATE_ELFCOREHDR));
	EXPECT_EQ(1, crash_hotplug());
	ASSERT_EQ(0, load_crash_flags(core_header_page(), self->start,
				      KEXEC_CRASH_HOTPLUG_SUPPORT));
	EXPECT_EQ(1, crash_hotplug());
	/* Without a flag the loader's purgatory may check the header. */
	ASSERT_EQ(0, load_crash_flags(core_header_page(), self->start, 0));
	EXPECT_EQ(0, crash_hotplug());
	ASSERT_EQ(0, load_crash_flags(core_header_page(), self->start,
				      KEXEC_UPDATE_ELFCOREHDR));
	EXPECT_EQ(0, unload_crash());
	EXPECT_EQ(0, crash_hotplug());
}

/*
 * Nothing to update in an image without a core header: user space must go
 * on reloading it, so crash_hotplug says 0 (upstream says 1 and updates
 * nothing).
 */
TEST_F(reserved, crash_hotplug_needs_a_core_header)
{
	if (access(CPU_CRASH_HOTPLUG, F_OK) && access(MEMORY_CRASH_HOTPLUG, F_OK))
		SKIP(return, "no crash hotplug (CONFIG_CRASH_HOTPLUG)");
	ASSERT_EQ(0, load_crash_flags(payload, self->start, KEXEC_UPDATE_ELFCOREHDR));
	EXPECT_EQ(0, crash_hotplug());
}

static int file_load_crash(int fd, int initrd, const char *line,
			   unsigned long flags)
{
	return kexec_file_load_errno(fd, initrd, line ? strlen(line) + 1 : 0,
				     line, KEXEC_FILE_ON_CRASH | flags);
}

TEST_F(reserved, kexec_file_load_on_crash)
{
	int fd = open(test_kernel_path(), O_RDONLY);
	char line[4096];

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, file_load_crash(fd, -1, "nr_cpus=1", KEXEC_FILE_NO_INITRAMFS));
	EXPECT_EQ(1, read_number(CRASH_LOADED));
	EXPECT_EQ(0, read_number("/sys/kernel/kexec_loaded"));
	/* The kernel built its core header, and keeps it up to date. */
	if (!access(CPU_CRASH_HOTPLUG, F_OK))
		EXPECT_EQ(1, crash_hotplug());

	/* Bad inputs leave it loaded. */
	EXPECT_EQ(EBADF, file_load_crash(-1, -1, NULL, KEXEC_FILE_NO_INITRAMFS));
	EXPECT_EQ(EBADF, file_load_crash(fd, -1, NULL, 0));
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	EXPECT_EQ(EINVAL, file_load_crash(fd, -1, line, KEXEC_FILE_NO_INITRAMFS));
	EXPECT_EQ(1, read_number(CRASH_LOADED));

	EXPECT_EQ(0, kexec_file_load_errno(-1, -1, 0, NULL,
					   KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH));
	EXPECT_EQ(0, read_number(CRASH_LOADED));
	close(fd);
}

/* Upstream's errno for it: ENOENT. */
TEST_F(reserved, shrinking_while_loaded_is_enoent)
{
	ASSERT_EQ(0, load_crash_page(self->start));
	EXPECT_EQ(ENOENT, shrink_to(RESERVED / 2));
	EXPECT_EQ((long)RESERVED, read_number(CRASH_SIZE));
}

TEST_F(reserved, growing_is_einval)
{
	EXPECT_EQ(EINVAL, shrink_to(RESERVED + PAGE));
	EXPECT_EQ((long)RESERVED, read_number(CRASH_SIZE));
	/* The same size is not a change, and not an error. */
	EXPECT_EQ(0, shrink_to(RESERVED));
}

/* Runs late: from here on the reservation is smaller. */
TEST_F(reserved, shrinking_gives_memory_back)
{
	long total = meminfo_kb("MemTotal");
	unsigned long long start, end;

	ASSERT_EQ(0, shrink_to(RESERVED / 2));
	EXPECT_EQ((long)RESERVED / 2, read_number(CRASH_SIZE));
	/* The pages went to the page allocator, which counts them now. */
	EXPECT_EQ(total + (long)(RESERVED / 2 / 1024), meminfo_kb("MemTotal"));
	ASSERT_TRUE(crash_region(&start, &end));
	EXPECT_EQ(self->start, start);
	EXPECT_EQ(RESERVED / 2, end - start + 1);
	/* What is left still takes a crash image, what went does not. */
	EXPECT_EQ(0, load_crash_page(start));
	EXPECT_EQ(EADDRNOTAVAIL, load_crash_page(end + 1));
}

/* Runs last: the reservation is gone. */
TEST_F(reserved, shrinking_to_zero_releases_it)
{
	long total = meminfo_kb("MemTotal");
	unsigned long long start, end;

	ASSERT_EQ(0, shrink_to(0));
	EXPECT_EQ(0, read_number(CRASH_SIZE));
	EXPECT_EQ(total + (long)(RESERVED / 2 / 1024), meminfo_kb("MemTotal"));
	EXPECT_FALSE(crash_region(&start, &end));
	EXPECT_EQ(EADDRNOTAVAIL, load_crash_page(self->start));
}

TEST_HARNESS_MAIN
