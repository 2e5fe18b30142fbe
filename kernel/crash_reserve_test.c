// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for crashkernel= parsing.
 *
 * Included by crash_reserve.c when CONFIG_CRASH_RESERVE_KUNIT_TEST is set.
 * parse_crashkernel() is __init, so this is an init-section suite: it runs
 * at boot, before init memory is freed.  Each case is a command line, the
 * RAM it is judged against, and the expected result.
 */

#include <kunit/test.h>

struct ck_case {
	const char *name;
	const char *cmdline;
	unsigned long long ram;
	bool high_allowed;		/* the architecture passes @high */
	int expect;
	unsigned long long size;
	unsigned long long base;
	bool high;
	long long low;			/* -1: the architecture's default */
};

#define GIB	((unsigned long long)SZ_1G)
#define MIB	((unsigned long long)SZ_1M)

static const struct ck_case ck_cases[] = {
	{ "size", "crashkernel=64M", GIB, true, 0, 64 * MIB, 0, false, 0 },
	{ "size at offset", "crashkernel=32M@256M", GIB, true, 0, 32 * MIB,
	  256 * MIB, false, 0 },
	{ "among other words, last wins",
	  "console=ttyS0 crashkernel=16M root=/dev/vda crashkernel=64M quiet",
	  GIB, true, 0, 64 * MIB, 0, false, 0 },
	{ "range list, first entry", "crashkernel=512M-2G:64M,2G-:128M", GIB,
	  true, 0, 64 * MIB, 0, false, 0 },
	{ "range list, open end", "crashkernel=512M-2G:64M,2G-:128M", 4 * GIB,
	  true, 0, 128 * MIB, 0, false, 0 },
	{ "range list, end is exclusive", "crashkernel=512M-2G:64M,2G-:128M",
	  2 * GIB, true, 0, 128 * MIB, 0, false, 0 },
	{ "range list, RAM a little short of a boundary",
	  "crashkernel=512M-2G:64M,2G-:256M", 2 * GIB - 20 * MIB, true, 0,
	  256 * MIB, 0, false, 0 },
	{ "range list, RAM rounds to a 128 MiB step", "crashkernel=0-640M:32M,640M-:48M",
	  513 * MIB, true, 0, 48 * MIB, 0, false, 0 },
	{ "range list, no entry for this RAM", "crashkernel=512M-2G:64M",
	  256 * MIB, true, -EINVAL, 0, 0, false, 0 },
	{ "range list with offset", "crashkernel=0-:96M@64M", GIB, true, 0,
	  96 * MIB, 64 * MIB, false, 0 },
	{ "high, default low", "crashkernel=256M,high", 4 * GIB, true, 0,
	  256 * MIB, 0, true, -1 },
	{ "high with low", "crashkernel=256M,high crashkernel=32M,low", 4 * GIB,
	  true, 0, 256 * MIB, 0, true, 32 * MIB },
	{ "high with low 0", "crashkernel=256M,high crashkernel=0,low", 4 * GIB,
	  true, 0, 256 * MIB, 0, true, 0 },
	{ "plain wins over high", "crashkernel=256M,high crashkernel=64M",
	  4 * GIB, true, 0, 64 * MIB, 0, false, 0 },
	{ "high where the arch has no high", "crashkernel=256M,high", 4 * GIB,
	  false, -ENOENT, 0, 0, false, 0 },
	{ "low alone", "crashkernel=64M,low", GIB, true, -ENOENT, 0, 0, false, 0 },
	{ "none", "root=/dev/vda xcrashkernel=64M", GIB, true, -ENOENT, 0, 0,
	  false, 0 },
	{ "not a number", "crashkernel=abc", GIB, true, -EINVAL, 0, 0, false, 0 },
	{ "trailing junk", "crashkernel=64Mx", GIB, true, -EINVAL, 0, 0, false, 0 },
	{ "offset missing", "crashkernel=64M@", GIB, true, -EINVAL, 0, 0, false, 0 },
	{ "range ends before it starts", "crashkernel=2G-1G:64M", 4 * GIB, true,
	  -EINVAL, 0, 0, false, 0 },
	{ "range without size", "crashkernel=1G-2G:", 4 * GIB, true, -EINVAL, 0,
	  0, false, 0 },
	{ "zero size", "crashkernel=0", GIB, true, -EINVAL, 0, 0, false, 0 },
	{ "all of RAM", "crashkernel=1G", GIB, true, -EINVAL, 0, 0, false, 0 },
	{ "high with a range list", "crashkernel=1G-:64M,high", 4 * GIB, true,
	  -EINVAL, 0, 0, false, 0 },
	{ "high with an offset", "crashkernel=64M@1G,high", 4 * GIB, true,
	  -EINVAL, 0, 0, false, 0 },
};

static void ck_case_desc(const struct ck_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ck, ck_cases, ck_case_desc);

static void __init parse_crashkernel_test(struct kunit *test)
{
	const struct ck_case *c = test->param_value;
	unsigned long long size = 1, base = 1, low = 12345;
	bool high = false;
	char *cmdline;
	int ret;

	cmdline = kunit_kstrdup(test, c->cmdline, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cmdline);
	ret = parse_crashkernel(cmdline, c->ram, &size, &base, &low,
				c->high_allowed ? &high : NULL);
	KUNIT_ASSERT_EQ(test, c->expect, ret);
	if (ret)
		return;
	KUNIT_EXPECT_EQ(test, c->size, size);
	KUNIT_EXPECT_EQ(test, c->base, base);
	KUNIT_EXPECT_EQ(test, c->high, high);
	if (c->high)
		KUNIT_EXPECT_EQ(test, c->low < 0 ?
				(unsigned long long)DEFAULT_CRASH_KERNEL_LOW_SIZE :
				(unsigned long long)c->low, low);
	else
		KUNIT_EXPECT_EQ(test, 12345ULL, low);
}

static struct kunit_case __refdata crash_reserve_cases[] = {
	KUNIT_CASE_PARAM(parse_crashkernel_test, ck_gen_params),
	{}
};

static struct kunit_suite crash_reserve_suite = {
	.name = "crash_reserve",
	.test_cases = crash_reserve_cases,
};

kunit_test_init_section_suites(&crash_reserve_suite);
