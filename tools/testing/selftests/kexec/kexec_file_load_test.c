// SPDX-License-Identifier: GPL-2.0
/*
 * kexec_file_load(2) ABI tests.
 *
 * What is checked: the errno for each bad input (descriptors, files,
 * kernel format, initramfs, command line, flags, permission), that a
 * refused request leaves the loaded image in place, that loading,
 * reloading and unloading work and do not leak, and that KEXEC_FILE_DEBUG
 * describes the load in the kernel log, and where segments may not go
 * (ZONE_MOVABLE for claimed ones, driver-managed RAM for any; those two
 * run in boots that have such memory).  Images are only ever loaded, never
 * executed.
 *
 * The kernel loaded is $KEXEC_TEST_KERNEL, by default /boot/bzImage (the
 * running kernel's image in the test guests).  Needs root.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kexec.h>

#include "../kselftest_harness.h"
#include "kexec_util.h"

#define SCRATCH		"/tmp/kexec_file_test"
#define INITRD_BYTES	(64 * 1024)

static const char cmdline[] = "console=ttyS0 ktest-kexec-file-load";

static long image_loaded(void)
{
	return read_number("/sys/kernel/kexec_loaded");
}

/* Write @len bytes of @data (or a pattern when NULL) to a new file. */
static int make_file(const char *path, const void *data, size_t len)
{
	char chunk[4096];
	size_t done = 0;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	memset(chunk, 0x5a, sizeof(chunk));
	while (done < len) {
		size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
		const void *from = data ? (const char *)data + done : chunk;

		if (write(fd, from, n) != (ssize_t)n) {
			close(fd);
			return -1;
		}
		done += n;
	}
	return close(fd);
}

/* The whole kernel file in memory, for making damaged copies. */
static void *slurp(const char *path, size_t *len)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		close(fd);
		return NULL;
	}
	buf = malloc(st.st_size);
	if (buf && read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	*len = st.st_size;
	close(fd);
	return buf;
}

FIXTURE(file) {
	int kernel;
	int initrd;
	char path[64];
};

/* Every test starts with one valid image loaded. */
FIXTURE_SETUP(file)
{
	if (geteuid())
		SKIP(return, "needs root");
	self->kernel = open(test_kernel_path(), O_RDONLY);
	if (self->kernel < 0)
		SKIP(return, "no kernel image at %s", test_kernel_path());
	mkdir(SCRATCH, 0700);
	snprintf(self->path, sizeof(self->path), SCRATCH "/initrd");
	ASSERT_EQ(0, make_file(self->path, NULL, INITRD_BYTES));
	self->initrd = open(self->path, O_RDONLY);
	ASSERT_LE(0, self->initrd);
	ASSERT_EQ(0, kexec_file_load_errno(self->kernel, self->initrd,
					   sizeof(cmdline), cmdline, 0));
	ASSERT_EQ(1, image_loaded());
}

FIXTURE_TEARDOWN(file)
{
	kexec_file_load_errno(-1, -1, 0, NULL, KEXEC_FILE_UNLOAD);
	close(self->kernel);
	close(self->initrd);
}

/* The refused call must not have dropped the loaded image. */
#define EXPECT_STILL_LOADED() EXPECT_EQ(1, image_loaded())

/* Load with @kernel_fd as the kernel and the fixture's initramfs. */
#define LOAD_KERNEL(fd) \
	kexec_file_load_errno(fd, self->initrd, sizeof(cmdline), cmdline, 0)

/* A file with @len bytes of @data, opened read-only; -1 on failure. */
static int scratch_file(const char *name, const void *data, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), SCRATCH "/%s", name);
	if (make_file(path, data, len))
		return -1;
	return open(path, O_RDONLY);
}

TEST_F(file, unknown_flag_is_einval)
{
	EXPECT_EQ(EINVAL, kexec_file_load_errno(self->kernel, self->initrd,
						sizeof(cmdline), cmdline, 0x100));
	EXPECT_STILL_LOADED();
}

/* Without crashkernel= there is nowhere to put a crash image. */
TEST_F(file, on_crash_without_a_reservation_is_eaddrnotavail)
{
	const char *why = without_reservation();

	if (why)
		SKIP(return, "%s", why);
	EXPECT_EQ(EADDRNOTAVAIL, kexec_file_load_errno(self->kernel, self->initrd,
						       sizeof(cmdline), cmdline,
						       KEXEC_FILE_ON_CRASH));
	EXPECT_STILL_LOADED();
	EXPECT_EQ(0, read_number("/sys/kernel/kexec_crash_loaded"));
}

TEST_F(file, bad_kernel_fd_is_ebadf)
{
	EXPECT_EQ(EBADF, LOAD_KERNEL(-1));
	EXPECT_EQ(EBADF, LOAD_KERNEL(9999));
	EXPECT_STILL_LOADED();
}

TEST_F(file, write_only_kernel_fd_is_ebadf)
{
	int fd = open(SCRATCH "/write-only", O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ASSERT_LE(0, fd);
	EXPECT_EQ(EBADF, LOAD_KERNEL(fd));
	close(fd);
	EXPECT_STILL_LOADED();
}

TEST_F(file, kernel_open_for_writing_is_etxtbsy)
{
	size_t len;
	void *image = slurp(test_kernel_path(), &len);
	int fd, writer;

	ASSERT_NE(NULL, image);
	fd = scratch_file("busy-kernel", image, len);
	free(image);
	ASSERT_LE(0, fd);
	writer = open(SCRATCH "/busy-kernel", O_WRONLY);
	ASSERT_LE(0, writer);
	EXPECT_EQ(ETXTBSY, LOAD_KERNEL(fd));
	close(writer);
	/* The same file loads once nobody may write it. */
	EXPECT_EQ(0, LOAD_KERNEL(fd));
	close(fd);
	EXPECT_STILL_LOADED();
}

TEST_F(file, directory_is_einval)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, LOAD_KERNEL(fd));
	close(fd);
	EXPECT_STILL_LOADED();
}

TEST_F(file, empty_kernel_is_einval)
{
	int fd = scratch_file("empty", NULL, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, LOAD_KERNEL(fd));
	close(fd);
	EXPECT_STILL_LOADED();
}

/* Larger than the 4 GiB limit; sparse, so it costs no memory. */
TEST_F(file, oversize_kernel_is_efbig)
{
	int fd = open(SCRATCH "/huge", O_RDWR | O_CREAT | O_TRUNC, 0600);
	int ro;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, (4LL << 30) + 4096));
	close(fd);
	ro = open(SCRATCH "/huge", O_RDONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(EFBIG, LOAD_KERNEL(ro));
	close(ro);
	unlink(SCRATCH "/huge");
	EXPECT_STILL_LOADED();
}

TEST_F(file, not_a_kernel_is_enoexec)
{
	int fd = scratch_file("not-a-kernel", NULL, 64 * 1024);

	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOEXEC, LOAD_KERNEL(fd));
	close(fd);
	EXPECT_STILL_LOADED();
}

TEST_F(file, truncated_kernel_is_enoexec)
{
	size_t len;
	void *image = slurp(test_kernel_path(), &len);
	int fd;

	ASSERT_NE(NULL, image);
	ASSERT_LT(64 * 1024, len);
	fd = scratch_file("truncated", image, 64 * 1024);
	free(image);
	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOEXEC, LOAD_KERNEL(fd));
	close(fd);
	EXPECT_STILL_LOADED();
}

/* The boot sector flag 0xaa55 at 0x1fe is the first thing that breaks. */
TEST_F(file, kernel_without_boot_flag_is_enoexec)
{
	size_t len;
	unsigned char *image = slurp(test_kernel_path(), &len);
	int fd;

	ASSERT_NE(NULL, image);
	image[0x1fe] = 0;
	fd = scratch_file("no-boot-flag", image, len);
	free(image);
	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOEXEC, LOAD_KERNEL(fd));
	close(fd);
	EXPECT_STILL_LOADED();
}

TEST_F(file, missing_initrd_is_ebadf)
{
	EXPECT_EQ(EBADF, kexec_file_load_errno(self->kernel, -1, sizeof(cmdline),
					       cmdline, 0));
	EXPECT_STILL_LOADED();
}

TEST_F(file, directory_initrd_is_einval)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, kexec_file_load_errno(self->kernel, fd, sizeof(cmdline),
						cmdline, 0));
	close(fd);
	EXPECT_STILL_LOADED();
}

TEST_F(file, no_initramfs_ignores_the_initrd_fd)
{
	EXPECT_EQ(0, kexec_file_load_errno(self->kernel, -1, sizeof(cmdline),
					   cmdline, KEXEC_FILE_NO_INITRAMFS));
	EXPECT_EQ(1, image_loaded());
}

TEST_F(file, cmdline_without_nul_is_einval)
{
	EXPECT_EQ(EINVAL, kexec_file_load_errno(self->kernel, self->initrd,
						sizeof(cmdline) - 1, cmdline, 0));
	EXPECT_STILL_LOADED();
}

TEST_F(file, cmdline_too_long_is_einval)
{
	size_t len = 64 * 1024;
	char *line = malloc(len);

	ASSERT_NE(NULL, line);
	memset(line, 'x', len - 1);
	line[len - 1] = '\0';
	EXPECT_EQ(EINVAL, kexec_file_load_errno(self->kernel, self->initrd, len,
						line, 0));
	free(line);
	EXPECT_STILL_LOADED();
}

TEST_F(file, unreadable_cmdline_is_efault)
{
	EXPECT_EQ(EFAULT, kexec_file_load_errno(self->kernel, self->initrd, 16,
						(const char *)8, 0));
	EXPECT_STILL_LOADED();
}

TEST_F(file, empty_cmdline_loads)
{
	EXPECT_EQ(0, kexec_file_load_errno(self->kernel, self->initrd, 0, NULL, 0));
	EXPECT_EQ(1, image_loaded());
}

TEST_F(file, reload_over_a_loaded_image_succeeds)
{
	EXPECT_EQ(0, LOAD_KERNEL(self->kernel));
	EXPECT_EQ(1, image_loaded());
}

TEST_F(file, unload_clears_kexec_loaded)
{
	EXPECT_EQ(0, kexec_file_load_errno(-1, -1, 0, NULL, KEXEC_FILE_UNLOAD));
	EXPECT_EQ(0, image_loaded());
	/* Unloading nothing is not an error either. */
	EXPECT_EQ(0, kexec_file_load_errno(-1, -1, 0, NULL, KEXEC_FILE_UNLOAD));
	EXPECT_EQ(0, image_loaded());
	EXPECT_EQ(0, LOAD_KERNEL(self->kernel));
	EXPECT_EQ(1, image_loaded());
}

static int try_file_load(void *arg)
{
	int fd = *(int *)arg;

	/* Permission is checked before the flags. */
	return kexec_file_load_errno(fd, -1, 0, NULL, 0x100);
}

TEST_F(file, without_cap_sys_boot_is_eperm)
{
	EXPECT_EQ(EPERM, without_cap_sys_boot(try_file_load, &self->kernel));
	EXPECT_STILL_LOADED();
}

/* KEXEC_FILE_DEBUG: the load is described in the kernel log. */
TEST_F(file, debug_flag_describes_the_load)
{
	char marker[64], *log, *at;

	snprintf(marker, sizeof(marker), "ktest-debug-%d", getpid());
	EXPECT_EQ(0, kexec_file_load_errno(self->kernel, self->initrd,
					   strlen(marker) + 1, marker,
					   KEXEC_FILE_DEBUG));
	log = kernel_log();
	ASSERT_NE(NULL, log);
	at = strstr(log, marker);
	ASSERT_NE(NULL, at) TH_LOG("the command line is not in the log");
	EXPECT_NE(NULL, strstr(at, "kexec_file: segment 0:"));
	EXPECT_NE(NULL, strstr(at, "kexec_file: loaded:"));
	free(log);
}

/* Without the flag, nothing but errors reach the log at the default level. */
TEST_F(file, no_debug_flag_stays_quiet)
{
	char marker[64], *log;

	snprintf(marker, sizeof(marker), "ktest-quiet-%d", getpid());
	EXPECT_EQ(0, kexec_file_load_errno(self->kernel, self->initrd,
					   strlen(marker) + 1, marker, 0));
	log = kernel_log();
	ASSERT_NE(NULL, log);
	EXPECT_EQ(NULL, strstr(log, marker));
	free(log);
}

/*
 * The pages of ZONE_MOVABLE, from /proc/zoneinfo, as [start, end) page
 * frame numbers; false when there is no such zone with memory in it.
 */
static bool movable_zone(unsigned long *start, unsigned long *end)
{
	unsigned long spanned = 0, first = 0;
	bool in_zone = false, have_start = false;
	char line[256];
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Node ", 5)) {
			if (in_zone)
				break;
			in_zone = strstr(line, " zone  Movable") ||
				  strstr(line, " zone Movable");
			continue;
		}
		if (!in_zone)
			continue;
		if (sscanf(line, " spanned %lu", &spanned) == 1)
			continue;
		if (sscanf(line, " start_pfn: %lu", &first) == 1)
			have_start = true;
	}
	fclose(f);
	if (!in_zone || !have_start || !spanned)
		return false;
	*start = first;
	*end = first + spanned;
	return true;
}

struct logged_segment {
	unsigned long start, end;	/* [start, end) */
	bool claimed;
};

/*
 * Load @kernel and @initrd with KEXEC_FILE_DEBUG and read back, from the
 * kernel log, where each segment went, and whether the kernel was
 * unpacked at random addresses (@random, may be NULL).  Returns how many
 * segments were logged.
 */
static int load_and_log_segments(int kernel, int initrd,
				 struct logged_segment *segs, int max,
				 bool *random)
{
	static int loads;
	unsigned long seg, size, addr, memsz;
	char marker[64], *log, *at, *how_unpacked;
	int n = 0;

	if (random)
		*random = false;
	/* Fixed width: no marker may be the start of a later one. */
	snprintf(marker, sizeof(marker), "ktest-segments-%d-%04d", getpid(), loads++);
	if (kexec_file_load_errno(kernel, initrd, strlen(marker) + 1, marker,
				  KEXEC_FILE_DEBUG))
		return -1;
	log = kernel_log();
	if (!log)
		return -1;
	at = strstr(log, marker);
	how_unpacked = at ? strstr(at, "kernel at load, ") : NULL;
	if (random && how_unpacked)
		*random = strstr(how_unpacked, "at random addresses");
	while (at && n < max && (at = strstr(at, "kexec_file: segment "))) {
		char how[16] = "";

		at += strlen("kexec_file: segment ");
		if (sscanf(at, "%lu: %lx bytes at %lx, %lx in memory, %15s",
			   &seg, &size, &addr, &memsz, how) != 5)
			continue;
		segs[n].start = addr;
		segs[n].end = addr + memsz;
		segs[n].claimed = !strcmp(how, "claimed");
		n++;
	}
	free(log);
	return n;
}

/*
 * A claimed destination stays allocated until the image goes; in
 * ZONE_MOVABLE that would keep the memory from going offline, so no
 * claimed segment may lie there.  Run in a boot with movablecore=.
 */
TEST_F(file, claimed_segments_avoid_zone_movable)
{
	unsigned long zone_start, zone_end;
	struct logged_segment segs[16];
	int i, n, claimed = 0;

	if (!movable_zone(&zone_start, &zone_end))
		SKIP(return, "no ZONE_MOVABLE here (boot with movablecore=)");
	zone_start *= 4096;
	zone_end *= 4096;
	n = load_and_log_segments(self->kernel, self->initrd, segs, 16, NULL);
	ASSERT_LT(0, n) TH_LOG("no segments in the kernel log");
	for (i = 0; i < n; i++) {
		if (!segs[i].claimed)
			continue;
		claimed++;
		EXPECT_TRUE(segs[i].end <= zone_start || segs[i].start >= zone_end)
			TH_LOG("segment %d at %#lx-%#lx is in ZONE_MOVABLE (%#lx-%#lx)",
			       i, segs[i].start, segs[i].end, zone_start, zone_end);
	}
	TH_LOG("%d of %d segments claimed, ZONE_MOVABLE is %#lx-%#lx", claimed, n,
	       zone_start, zone_end);
	/* The small segments always come claimed: there is something to judge. */
	EXPECT_LT(0, claimed);
}

/*
 * RAM that a driver added (virtio-mem, dax/kmem), "System RAM (driver)" in
 * /proc/iomem, is not in the next kernel's memory map: no segment, claimed
 * or moved at exec, may lie there.  Run in a boot with such memory.
 */
TEST_F(file, no_segment_in_driver_managed_ram)
{
	struct logged_segment segs[16];
	unsigned long start[32], end[32];
	int i, j, n, nr_ram = 0;
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");

	ASSERT_NE(NULL, f);
	while (nr_ram < 32 && fgets(line, sizeof(line), f))
		if (strstr(line, " : System RAM (") &&
		    sscanf(line, " %lx-%lx", &start[nr_ram], &end[nr_ram]) == 2)
			nr_ram++;
	fclose(f);
	if (!nr_ram)
		SKIP(return, "no driver-managed RAM here (virtio-mem, dax/kmem)");
	n = load_and_log_segments(self->kernel, self->initrd, segs, 16, NULL);
	ASSERT_LT(0, n) TH_LOG("no segments in the kernel log");
	for (i = 0; i < n; i++)
		for (j = 0; j < nr_ram; j++)
			EXPECT_TRUE(segs[i].end <= start[j] || segs[i].start > end[j])
				TH_LOG("segment %d at %#lx-%#lx is in driver-managed RAM %#lx-%#lx",
				       i, segs[i].start, segs[i].end, start[j], end[j]);
	TH_LOG("%d segments, %d driver-managed RAM ranges", n, nr_ram);
}

/*
 * A randomised unpacked kernel goes only where it can be claimed, so that
 * nothing moves at exec.  Many random starts have nothing claimable above
 * them: the top of memory holds the running kernel's early allocations.
 * Each of 40 loads must claim every segment, and the kernel must not land
 * in one place every time.
 */
TEST_F_TIMEOUT(file, random_unpacked_kernel_is_claimed, 120)
{
	struct logged_segment segs[16];
	int i, j, n, moved = 0, elsewhere = 0;
	unsigned long first = 0;
	bool random;

	for (i = 0; i < 40; i++) {
		n = load_and_log_segments(self->kernel, self->initrd, segs, 16, &random);
		/* A refused load is a failure, not a reason to skip. */
		ASSERT_LE(0, n) TH_LOG("load %d failed", i);
		if (!random)
			SKIP(return, "the kernel is not unpacked at random addresses");
		ASSERT_LT(0, n) TH_LOG("no segments in the kernel log");
		for (j = 0; j < n; j++) {
			if (!segs[j].claimed)
				TH_LOG("load %d: segment %d at %#lx moves at exec",
				       i, j, segs[j].start);
			moved += !segs[j].claimed;
		}
		if (!i)
			first = segs[0].start;
		elsewhere += segs[0].start != first;
	}
	TH_LOG("40 loads: %d segments move at exec, the kernel moved %d times",
	       moved, elsewhere);
	EXPECT_EQ(0, moved);
	EXPECT_LT(0, elsewhere);
}

/*
 * Each cycle unpacks the kernel, claims memory for it and frees it all;
 * none may be lost.  Under TCG a cycle takes up to a second, most of it
 * inflating the kernel (upstream's kexec_file_load hashes the
 * decompressor's zero tail with SHA-256 instead): a hundred cycles, with
 * room for a host three times slower.
 */
TEST_F_TIMEOUT(file, a_hundred_cycles_do_not_leak, 300)
{
	long free_before, free_after, slab_before, slab_after;
	int i, failed = 0;

	EXPECT_EQ(0, kexec_file_load_errno(-1, -1, 0, NULL, KEXEC_FILE_UNLOAD));
	free_before = free_kb();
	slab_before = meminfo_kb("SUnreclaim");
	for (i = 0; i < 100; i++) {
		failed += !!LOAD_KERNEL(self->kernel);
		failed += !!kexec_file_load_errno(-1, -1, 0, NULL, KEXEC_FILE_UNLOAD);
	}
	free_after = free_kb();
	slab_after = meminfo_kb("SUnreclaim");
	TH_LOG("free %ld -> %ld kB, SUnreclaim %ld -> %ld kB",
	       free_before, free_after, slab_before, slab_after);
	EXPECT_EQ(0, failed);
	EXPECT_EQ(0, image_loaded());
	/* One lost page per cycle would be 400 kB; one lost image, far more. */
	EXPECT_GT(256, free_before - free_after);
	EXPECT_GT(256, slab_after - slab_before);
}

TEST_HARNESS_MAIN
