// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the bzImage header parser of kexec_file_load().
 *
 * Included by kexec-bzimage64.c when CONFIG_KEXEC_FILE_KUNIT_TEST is set.
 * Each case starts from a small, valid bzImage (a setup header with four
 * setup sectors and a payload of a few paragraphs) and damages one thing.
 */

#include <kunit/test.h>

#define T_FILE_SIZE	(8 * 512)
#define T_SETUP_SECTS	4
#define T_SETUP_SIZE	((T_SETUP_SECTS + 1) * 512)
#define T_PAYLOAD	(T_FILE_SIZE - T_SETUP_SIZE)

struct bz_case {
	const char *name;
	void (*damage)(struct setup_header *hdr, size_t *len, bool *la57);
	int expect;
};

static void bz_nothing(struct setup_header *h, size_t *len, bool *la57) { }

static void bz_short(struct setup_header *h, size_t *len, bool *la57)
{
	*len = 2 * 512 - 1;
}

static void bz_magic(struct setup_header *h, size_t *len, bool *la57)
{
	h->header = 0x53726449;
}

static void bz_boot_flag(struct setup_header *h, size_t *len, bool *la57)
{
	h->boot_flag = 0;
}

static void bz_old(struct setup_header *h, size_t *len, bool *la57)
{
	h->version = 0x020b;
}

static void bz_not_high(struct setup_header *h, size_t *len, bool *la57)
{
	h->loadflags &= ~LOADED_HIGH;
}

static void bz_fixed(struct setup_header *h, size_t *len, bool *la57)
{
	h->relocatable_kernel = 0;
}

static void bz_no_entry64(struct setup_header *h, size_t *len, bool *la57)
{
	h->xloadflags &= ~XLF_KERNEL_64;
}

static void bz_below_4g(struct setup_header *h, size_t *len, bool *la57)
{
	h->xloadflags &= ~XLF_CAN_BE_LOADED_ABOVE_4G;
}

static void bz_no_la57(struct setup_header *h, size_t *len, bool *la57)
{
	h->xloadflags &= ~XLF_5LEVEL;
	*la57 = true;
}

static void bz_la57_ok(struct setup_header *h, size_t *len, bool *la57)
{
	*la57 = true;
}

static void bz_align(struct setup_header *h, size_t *len, bool *la57)
{
	h->kernel_alignment = 0x300000;
}

static void bz_no_init_size(struct setup_header *h, size_t *len, bool *la57)
{
	h->init_size = 0;
}

static void bz_truncated(struct setup_header *h, size_t *len, bool *la57)
{
	*len -= 16;
}

static void bz_setup_only(struct setup_header *h, size_t *len, bool *la57)
{
	*len = T_SETUP_SIZE;
}

static void bz_default_sects(struct setup_header *h, size_t *len, bool *la57)
{
	h->setup_sects = 0;
}

static const struct bz_case bz_cases[] = {
	{ "valid", bz_nothing, 0 },
	{ "setup_sects 0 means 4", bz_default_sects, 0 },
	{ "5-level paging, kernel copes", bz_la57_ok, 0 },
	{ "shorter than two sectors", bz_short, -ENOEXEC },
	{ "no HdrS magic", bz_magic, -ENOEXEC },
	{ "no boot sector flag", bz_boot_flag, -ENOEXEC },
	{ "boot protocol 2.11", bz_old, -ENOEXEC },
	{ "not loaded high (zImage)", bz_not_high, -ENOEXEC },
	{ "not relocatable", bz_fixed, -ENOEXEC },
	{ "no 64-bit entry", bz_no_entry64, -ENOEXEC },
	{ "cannot be loaded above 4G", bz_below_4g, -ENOEXEC },
	{ "5-level paging, kernel does not cope", bz_no_la57, -ENOEXEC },
	{ "alignment not a power of two", bz_align, -ENOEXEC },
	{ "init_size 0", bz_no_init_size, -ENOEXEC },
	{ "payload truncated", bz_truncated, -ENOEXEC },
	{ "setup code only", bz_setup_only, -ENOEXEC },
};

static void bz_case_desc(const struct bz_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bz, bz_cases, bz_case_desc);

static void bzimage64_parse_test(struct kunit *test)
{
	const struct bz_case *c = test->param_value;
	struct setup_header hdr = {
		.setup_sects = T_SETUP_SECTS,
		.syssize = T_PAYLOAD / 16,
		.boot_flag = BZ_BOOT_FLAG,
		.header = BZ_MAGIC,
		.version = 0x020f,
		.loadflags = LOADED_HIGH,
		.kernel_alignment = 0x200000,
		.relocatable_kernel = 1,
		.xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G |
			      XLF_5LEVEL,
		.cmdline_size = 2047,
		.pref_address = 0x1000000,
		.init_size = 0x800000,
	};
	struct bzimage64 bz = {};
	size_t len = T_FILE_SIZE;
	bool la57 = false;
	u8 *file;

	file = kunit_kzalloc(test, T_FILE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, file);
	/* The header ends where its jump lands: 0x202 + the byte at 0x201. */
	hdr.jump = (offsetof(struct setup_header, kernel_info_offset) + 4 +
		    BZ_HDR_OFFSET - 0x202) << 8 | 0xeb;
	c->damage(&hdr, &len, &la57);
	memcpy(file + BZ_HDR_OFFSET, &hdr, sizeof(hdr));

	KUNIT_ASSERT_EQ(test, c->expect, bzimage64_parse(file, len, la57, &bz));
	if (c->expect)
		return;
	KUNIT_EXPECT_EQ(test, T_SETUP_SIZE, bz.setup_size);
	KUNIT_EXPECT_EQ(test, (size_t)T_PAYLOAD, bz.payload_size);
	KUNIT_EXPECT_EQ(test, sizeof(struct setup_header), (size_t)bz.header_size);
	KUNIT_EXPECT_EQ(test, 0x800000, bz.init_size);
	KUNIT_EXPECT_EQ(test, 0x200000, bz.kernel_alignment);
	KUNIT_EXPECT_EQ(test, 2047, bz.cmdline_max);
	KUNIT_EXPECT_EQ(test, 0x1000000, bz.pref_address);
}

static struct kunit_case bzimage64_cases[] = {
	KUNIT_CASE_PARAM(bzimage64_parse_test, bz_gen_params),
	{}
};

static struct kunit_suite bzimage64_suite = {
	.name = "kexec_bzimage64",
	.test_cases = bzimage64_cases,
};

kunit_test_suite(bzimage64_suite);
