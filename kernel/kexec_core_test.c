// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the pure parts of the kexec core.
 *
 * kexec_validate_segments() decides which errno user space sees for a bad
 * segment list, and in which order the checks run; both are ABI.  Each case
 * below is a segment list, the RAM size it is judged against, an optional
 * crash window, and the expected result.
 */

#include <kunit/test.h>
#include <linux/ioport.h>
#include <linux/kexec.h>
#include <linux/sizes.h>

#include "kexec_internal.h"

#define MIB		SZ_1M
#define RAM_PAGES	((256 * MIB) >> PAGE_SHIFT)
#define SEG(_mem, _memsz, _bufsz) { .mem = (_mem), .memsz = (_memsz), .bufsz = (_bufsz) }

struct validate_case {
	const char *name;
	struct kexec_segment segs[3];
	unsigned long nr;
	bool in_window;		/* judge against the 64..128 MiB window */
	int expect;
};

static const struct resource crash_window = {
	.start = 64 * MIB,
	.end = 128 * MIB - 1,
	.flags = IORESOURCE_MEM,
};

static const struct validate_case validate_cases[] = {
	{ "empty list", {}, 0, false, 0 },
	{ "one page", { SEG(16 * MIB, PAGE_SIZE, 100) }, 1, false, 0 },
	{ "zero length", { SEG(16 * MIB, 0, 0) }, 1, false, 0 },
	{ "adjacent segments",
	  { SEG(16 * MIB, MIB, MIB), SEG(17 * MIB, MIB, 0) }, 2, false, 0 },
	{ "destination wraps",
	  { SEG(-PAGE_SIZE, 2 * PAGE_SIZE, 0) }, 1, false, -EADDRNOTAVAIL },
	{ "unaligned start",
	  { SEG(16 * MIB + 512, PAGE_SIZE, 0) }, 1, false, -EADDRNOTAVAIL },
	{ "unaligned length",
	  { SEG(16 * MIB, PAGE_SIZE + 1, 0) }, 1, false, -EADDRNOTAVAIL },
	{ "beyond the destination limit",
	  { SEG(KEXEC_DESTINATION_MEMORY_LIMIT & PAGE_MASK, PAGE_SIZE, 0) }, 1,
	  false, -EADDRNOTAVAIL },
	{ "overlap",
	  { SEG(16 * MIB, 2 * MIB, 0), SEG(17 * MIB, 2 * MIB, 0) }, 2, false,
	  -EINVAL },
	{ "empty segment inside another",
	  { SEG(16 * MIB, 2 * MIB, 0), SEG(17 * MIB, 0, 0) }, 2, false, -EINVAL },
	{ "source larger than destination",
	  { SEG(16 * MIB, PAGE_SIZE, PAGE_SIZE + 1) }, 1, false, -EINVAL },
	{ "one segment above half of RAM",
	  { SEG(16 * MIB, 129 * MIB, 0) }, 1, false, -EINVAL },
	{ "segments together above half of RAM",
	  { SEG(0, 64 * MIB, 0), SEG(64 * MIB, 64 * MIB, 0),
	    SEG(128 * MIB, PAGE_SIZE, 0) }, 3, false, -EINVAL },
	{ "exactly half of RAM", { SEG(0, 128 * MIB, 0) }, 1, false, 0 },
	{ "inside the crash window",
	  { SEG(64 * MIB, 64 * MIB, 0) }, 1, true, 0 },
	{ "below the crash window",
	  { SEG(63 * MIB, 2 * MIB, 0) }, 1, true, -EADDRNOTAVAIL },
	{ "past the crash window",
	  { SEG(127 * MIB, 2 * MIB, 0) }, 1, true, -EADDRNOTAVAIL },
	/* Order: address checks come first, then overlap, then sizes. */
	{ "unaligned beats overlap",
	  { SEG(16 * MIB, 2 * MIB, 0), SEG(17 * MIB + 1, MIB, 0) }, 2, false,
	  -EADDRNOTAVAIL },
	{ "unaligned beats oversized source",
	  { SEG(16 * MIB, PAGE_SIZE, 3 * PAGE_SIZE), SEG(32 * MIB + 8, PAGE_SIZE, 0) },
	  2, false, -EADDRNOTAVAIL },
	{ "overlap beats the crash window",
	  { SEG(0, 2 * MIB, 0), SEG(MIB, 2 * MIB, 0) }, 2, true, -EINVAL },
};

static void validate_case_desc(const struct validate_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(validate, validate_cases, validate_case_desc);

static void kexec_validate_segments_test(struct kunit *test)
{
	const struct validate_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, c->expect,
			kexec_validate_segments(c->segs, c->nr, RAM_PAGES,
						c->in_window ? &crash_window : NULL));
}

static struct kunit_case kexec_core_cases[] = {
	KUNIT_CASE_PARAM(kexec_validate_segments_test, validate_gen_params),
	{}
};

static struct kunit_suite kexec_core_suite = {
	.name = "kexec_core",
	.test_cases = kexec_core_cases,
};

kunit_test_suite(kexec_core_suite);

MODULE_DESCRIPTION("KUnit tests for the kexec core");
MODULE_LICENSE("GPL");
