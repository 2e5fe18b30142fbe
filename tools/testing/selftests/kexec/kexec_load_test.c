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
#include <time.h>
#include <pthread.h>
#include <sched.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/kexec.h>
#include <linux/reboot.h>

#include "../kselftest_harness.h"
#include "kexec_util.h"

#define PAGE		4096UL
#define KEXEC_ARCH_NATIVE	KEXEC_ARCH_X86_64

static char payload[PAGE];

static long image_loaded(void)
{
	return read_number("/sys/kernel/kexec_loaded");
}

/*
 * A page-aligned destination inside the first System RAM range at or above
 * @floor with room for a few pages, or 0 when /proc/iomem shows none.
 */
static unsigned long ram_destination_above(unsigned long long floor)
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
		if (start < floor)
			start = floor;
		start = (start + PAGE - 1) & ~(PAGE - 1);
		if (end > start && end - start >= 16 * PAGE)
			dest = start;
	}
	fclose(f);
	return dest;
}

static unsigned long ram_destination(void)
{
	return ram_destination_above(16ULL << 20);
}

static void one_page_segment(struct kexec_segment *seg, unsigned long dest)
{
	seg->buf = payload;
	seg->bufsz = PAGE;
	seg->mem = (void *)dest;
	seg->memsz = PAGE;
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
	ASSERT_EQ(0, kexec_load_errno(self->dest, 1, self->seg, KEXEC_ARCH_DEFAULT));
	ASSERT_EQ(1, image_loaded());
}

FIXTURE_TEARDOWN(loaded)
{
	kexec_load_errno(0, 0, NULL, KEXEC_ARCH_DEFAULT);
}

/* The refused call must not have replaced or dropped the loaded image. */
#define EXPECT_STILL_LOADED() EXPECT_EQ(1, image_loaded())

TEST_F(loaded, unknown_flag_is_einval)
{
	EXPECT_EQ(EINVAL, kexec_load_errno(self->dest, 1, self->seg, 0x100));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, foreign_arch_is_einval)
{
	EXPECT_EQ(EINVAL, kexec_load_errno(self->dest, 1, self->seg, KEXEC_ARCH_386));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, native_arch_is_accepted)
{
	EXPECT_EQ(0, kexec_load_errno(self->dest, 1, self->seg, KEXEC_ARCH_NATIVE));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, too_many_segments_is_einval)
{
	EXPECT_EQ(EINVAL, kexec_load_errno(self->dest, KEXEC_SEGMENT_MAX + 1, self->seg,
					   KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, unreadable_segment_list_is_efault)
{
	EXPECT_EQ(EFAULT, kexec_load_errno(self->dest, 1, (void *)8, KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, unreadable_source_is_efault)
{
	/* The list is fine; its buffer cannot be read while staging. */
	self->seg[0].buf = (void *)8;
	EXPECT_EQ(EFAULT, kexec_load_errno(self->dest, 1, self->seg,
					   KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, unaligned_destination_is_eaddrnotavail)
{
	self->seg[0].mem = (void *)(self->dest + 512);
	EXPECT_EQ(EADDRNOTAVAIL, kexec_load_errno(self->dest, 1, self->seg,
						  KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, overlapping_segments_are_einval)
{
	one_page_segment(&self->seg[1], self->dest);
	EXPECT_EQ(EINVAL, kexec_load_errno(self->dest, 2, self->seg, KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, bufsz_above_memsz_is_einval)
{
	self->seg[0].bufsz = 2 * PAGE;
	EXPECT_EQ(EINVAL, kexec_load_errno(self->dest, 1, self->seg, KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, wrapping_destination_is_eaddrnotavail)
{
	self->seg[0].mem = (void *)-PAGE;
	self->seg[0].memsz = 2 * PAGE;
	EXPECT_EQ(EADDRNOTAVAIL, kexec_load_errno(self->dest, 1, self->seg,
						  KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, unaligned_length_is_eaddrnotavail)
{
	self->seg[0].memsz = PAGE + 8;
	EXPECT_EQ(EADDRNOTAVAIL, kexec_load_errno(self->dest, 1, self->seg,
						  KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, more_than_half_of_ram_is_einval)
{
	struct sysinfo si;
	unsigned long half;

	ASSERT_EQ(0, sysinfo(&si));
	half = (unsigned long)si.totalram * si.mem_unit / 2;
	self->seg[0].memsz = (half + 2 * PAGE) & ~(PAGE - 1);
	EXPECT_EQ(EINVAL, kexec_load_errno(self->dest, 1, self->seg, KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, preserve_context_is_einval)
{
	/* kexec jump is not built on this core. */
	EXPECT_EQ(EINVAL, kexec_load_errno(self->dest, 1, self->seg,
					   KEXEC_PRESERVE_CONTEXT));
	EXPECT_STILL_LOADED();
}

/*
 * Without crashkernel= there is no reservation, so every crash segment
 * lies outside it.  The reboot image is not touched either way.
 */
TEST_F(loaded, on_crash_without_a_reservation_is_eaddrnotavail)
{
	const char *why = without_reservation();

	if (why)
		SKIP(return, "%s", why);
	EXPECT_EQ(EADDRNOTAVAIL, kexec_load_errno(self->dest, 1, self->seg,
						  KEXEC_ON_CRASH));
	EXPECT_STILL_LOADED();
	EXPECT_EQ(0, read_number("/sys/kernel/kexec_crash_loaded"));
}

TEST_F(loaded, reload_over_a_loaded_image_succeeds)
{
	one_page_segment(&self->seg[0], self->dest + PAGE);
	EXPECT_EQ(0, kexec_load_errno(self->dest + PAGE, 1, self->seg,
				      KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, destination_above_4g_loads)
{
	unsigned long high = ram_destination_above(1ULL << 32);

	if (!high)
		SKIP(return, "no RAM above 4 GiB");
	one_page_segment(&self->seg[0], high);
	one_page_segment(&self->seg[1], self->dest);
	EXPECT_EQ(0, kexec_load_errno(self->dest, 2, self->seg, KEXEC_ARCH_DEFAULT));
	EXPECT_STILL_LOADED();
}

TEST_F(loaded, reboot_with_nothing_loaded_is_einval)
{
	ASSERT_EQ(0, kexec_load_errno(0, 0, NULL, KEXEC_ARCH_DEFAULT));
	ASSERT_EQ(0, image_loaded());
	/* With no image, this must fail rather than reboot. */
	EXPECT_EQ(-1, syscall(__NR_reboot, LINUX_REBOOT_MAGIC1,
			      LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_KEXEC, NULL));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(loaded, unload_clears_kexec_loaded)
{
	EXPECT_EQ(0, kexec_load_errno(0, 0, NULL, KEXEC_ARCH_DEFAULT));
	EXPECT_EQ(0, image_loaded());
	/* Unloading nothing is not an error. */
	EXPECT_EQ(0, kexec_load_errno(0, 0, NULL, KEXEC_ARCH_DEFAULT));
	EXPECT_EQ(0, image_loaded());
}

static int try_load_with_bad_flags(void *arg)
{
	struct kexec_segment *seg = arg;

	/* Permission is checked before the flags. */
	return kexec_load_errno((unsigned long)seg->mem, 1, seg, 0x100);
}

TEST_F(loaded, without_cap_sys_boot_is_eperm)
{
	EXPECT_EQ(EPERM, without_cap_sys_boot(try_load_with_bad_flags, self->seg));
	EXPECT_STILL_LOADED();
}

/*
 * CAP_SYS_BOOT only counts in the initial user namespace: a process that
 * holds every capability of a namespace it created is still refused.
 */
TEST_F(loaded, cap_sys_boot_of_a_child_user_namespace_is_eperm)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (unshare(CLONE_NEWUSER))
			_exit(100);
		_exit(kexec_load_errno(self->dest, 1, self->seg, KEXEC_ARCH_DEFAULT));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 100)
		SKIP(return, "user namespaces are not available");
	EXPECT_EQ(EPERM, WEXITSTATUS(status));
	EXPECT_STILL_LOADED();
}

/* --- two loaders at once ---------------------------------------------- */

#define BIG_IMAGE	(32UL << 20)
#define BIG_LOADS	3	/* successful big loads wanted */
#define BIG_SECONDS	20	/* ... within this time */

struct big_loader {
	unsigned long dest;
	void *buf;
	int loaded;		/* successful loads */
	int busy;		/* EBUSY results */
	int failures;		/* results other than 0 and EBUSY */
	int done;		/* read and written with __atomic builtins */
};

static void *load_big_images(void *arg)
{
	struct big_loader *big = arg;
	struct kexec_segment seg = {
		.buf = big->buf, .bufsz = BIG_IMAGE,
		.mem = (void *)big->dest, .memsz = BIG_IMAGE,
	};
	time_t give_up = time(NULL) + BIG_SECONDS;
	int err;

	while (big->loaded < BIG_LOADS && time(NULL) < give_up) {
		err = kexec_load_errno(big->dest, 1, &seg, KEXEC_ARCH_DEFAULT);
		if (!err)
			big->loaded++;
		else if (err == EBUSY)
			big->busy++;	/* and simply try again */
		else
			big->failures++;
	}
	__atomic_store_n(&big->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST_F(loaded, concurrent_loader_gets_ebusy)
{
	struct big_loader big = { .dest = self->dest };
	unsigned long busy = 0, other = 0;
	pthread_t thread;
	int err;

	big.buf = calloc(1, BIG_IMAGE);
	ASSERT_NE(NULL, big.buf);
	ASSERT_EQ(0, pthread_create(&thread, NULL, load_big_images, &big));
	while (!__atomic_load_n(&big.done, __ATOMIC_ACQUIRE)) {
		err = kexec_load_errno(self->dest, 1, self->seg, KEXEC_ARCH_DEFAULT);
		if (err == EBUSY)
			busy++;
		else if (err)
			other++;
		usleep(200);	/* leave the big loader gaps to get in */
	}
	pthread_join(thread, NULL);
	free(big.buf);

	/* Whichever lost a race was told so, and nothing else failed. */
	TH_LOG("EBUSY: %lu for the small loader, %d for the big one; big loads: %d",
	       busy, big.busy, big.loaded);
	EXPECT_EQ(BIG_LOADS, big.loaded);
	EXPECT_NE(0, busy) TH_LOG("no small load met a big one in progress");
	EXPECT_EQ(0, other);
	EXPECT_EQ(0, big.failures);
	EXPECT_STILL_LOADED();
	/* Whatever won last, the slot holds a complete image that unloads. */
	EXPECT_EQ(0, kexec_load_errno(0, 0, NULL, KEXEC_ARCH_DEFAULT));
	EXPECT_EQ(0, image_loaded());
}

/* --- no leaks across load/unload cycles ------------------------------- */

/* Returns how many of the calls failed. */
static int load_unload_cycles(struct kexec_segment *seg, unsigned long dest, int n)
{
	int failed = 0;

	while (n--) {
		failed += !!kexec_load_errno(dest, 1, seg, KEXEC_ARCH_DEFAULT);
		failed += !!kexec_load_errno(0, 0, NULL, KEXEC_ARCH_DEFAULT);
	}
	return failed;
}

TEST_F(loaded, thousand_cycles_do_not_leak)
{
	long free_before, slab_before, free_after, slab_after;

	ASSERT_EQ(0, load_unload_cycles(self->seg, self->dest, 50));	/* warm up */
	free_before = free_kb();
	slab_before = meminfo_kb("SUnreclaim");
	ASSERT_EQ(0, load_unload_cycles(self->seg, self->dest, 1000));
	free_after = free_kb();
	slab_after = meminfo_kb("SUnreclaim");

	TH_LOG("free %ld -> %ld kB, SUnreclaim %ld -> %ld kB",
	       free_before, free_after, slab_before, slab_after);
	/* One lost page per cycle would be 4000 kB, one lost kimage 1000 kB. */
	EXPECT_GT(2048, free_before - free_after);
	EXPECT_GT(512, slab_after - slab_before);
	EXPECT_EQ(0, image_loaded());
}

TEST_HARNESS_MAIN
