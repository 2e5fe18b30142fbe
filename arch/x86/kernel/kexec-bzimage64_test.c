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

#ifdef CONFIG_KEXEC_HANDOFF
/*
 * The handoff declaration in kernel_info: a "LToP" header at K_AT in the
 * payload, then two chunks, another loader's and ours.
 */
#define K_AT		0x100
#define K_CHUNKS	16
#define K_OURS		(K_CHUNKS + 12)
#define K_TOTAL		(K_OURS + 12)

struct k_case {
	const char *name;
	void (*damage)(struct bzimage64 *bz, u8 *ki);
	bool expect;
};

static void k_nothing(struct bzimage64 *bz, u8 *ki) { }

static void k_no_offset(struct bzimage64 *bz, u8 *ki)
{
	bz->kernel_info = 0;
}

static void k_offset_past_file(struct bzimage64 *bz, u8 *ki)
{
	bz->kernel_info = T_PAYLOAD - 8;
}

static void k_offset_wraps(struct bzimage64 *bz, u8 *ki)
{
	bz->kernel_info = U32_MAX - T_SETUP_SIZE + 16;
}

static void k_magic(struct bzimage64 *bz, u8 *ki)
{
	ki[0] = 'X';
}

static void k_total_past_file(struct bzimage64 *bz, u8 *ki)
{
	put_unaligned_le32(T_PAYLOAD, ki + 8);
}

static void k_chunks_past_total(struct bzimage64 *bz, u8 *ki)
{
	put_unaligned_le32(K_TOTAL + 4, ki + 4);
}

static void k_chunk_size_zero(struct bzimage64 *bz, u8 *ki)
{
	put_unaligned_le32(0, ki + K_CHUNKS + 4);
}

static void k_chunk_past_total(struct bzimage64 *bz, u8 *ki)
{
	put_unaligned_le32(K_TOTAL, ki + K_CHUNKS + 4);
}

static void k_ours_short(struct bzimage64 *bz, u8 *ki)
{
	put_unaligned_le32(8, ki + K_OURS + 4);
	put_unaligned_le32(K_OURS + 8, ki + 8);
}

static void k_ours_cut_off(struct bzimage64 *bz, u8 *ki)
{
	put_unaligned_le32(K_TOTAL - 1, ki + 8);
}

static void k_later_formats(struct bzimage64 *bz, u8 *ki)
{
	put_unaligned_le16(HANDOFF_FORMAT + 1, ki + K_OURS + 8);
	put_unaligned_le16(HANDOFF_FORMAT + 2, ki + K_OURS + 10);
}

static void k_earlier_formats(struct bzimage64 *bz, u8 *ki)
{
	put_unaligned_le16(0, ki + K_OURS + 8);
	put_unaligned_le16(HANDOFF_FORMAT - 1, ki + K_OURS + 10);
}

static void k_wide_range(struct bzimage64 *bz, u8 *ki)
{
	put_unaligned_le16(0, ki + K_OURS + 8);
	put_unaligned_le16(U16_MAX, ki + K_OURS + 10);
}

static void k_other_magic(struct bzimage64 *bz, u8 *ki)
{
	memcpy(ki + K_OURS, "WXYZ", 4);
}

static const struct k_case k_cases[] = {
	{ "declares our format", k_nothing, true },
	{ "no kernel_info", k_no_offset, false },
	{ "kernel_info past the file", k_offset_past_file, false },
	{ "kernel_info offset wraps", k_offset_wraps, false },
	{ "bad LToP magic", k_magic, false },
	{ "size past the file", k_total_past_file, false },
	{ "chunks start past the end", k_chunks_past_total, false },
	{ "chunk of size zero", k_chunk_size_zero, false },
	{ "chunk past the end", k_chunk_past_total, false },
	{ "our chunk too short", k_ours_short, false },
	{ "our chunk cut off", k_ours_cut_off, false },
	{ "only later formats", k_later_formats, false },
	{ "only earlier formats", k_earlier_formats, false },
	{ "every format", k_wide_range, true },
	{ "no chunk of ours", k_other_magic, false },
};

static void k_case_desc(const struct k_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(k, k_cases, k_case_desc);

static void bzimage64_handoff_declared_test(struct kunit *test)
{
	const struct k_case *c = test->param_value;
	struct bzimage64 bz = {
		.setup_size = T_SETUP_SIZE,
		.kernel_info = K_AT,
	};
	u8 *file, *ki;

	file = kunit_kzalloc(test, T_FILE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, file);
	ki = file + T_SETUP_SIZE + K_AT;
	memcpy(ki, "LToP", 4);
	put_unaligned_le32(K_CHUNKS, ki + 4);
	put_unaligned_le32(K_TOTAL, ki + 8);
	put_unaligned_le32(SETUP_TYPE_MAX, ki + 12);
	memcpy(ki + K_CHUNKS, "ABCD", 4);
	put_unaligned_le32(12, ki + K_CHUNKS + 4);
	memcpy(ki + K_OURS, HANDOFF_DECLARE_MAGIC, 4);
	put_unaligned_le32(12, ki + K_OURS + 4);
	put_unaligned_le16(HANDOFF_FORMAT, ki + K_OURS + 8);
	put_unaligned_le16(HANDOFF_FORMAT, ki + K_OURS + 10);
	c->damage(&bz, ki);

	KUNIT_EXPECT_EQ(test, c->expect,
			bzimage64_reads_handoff(file, T_FILE_SIZE, &bz));
}

/* The parser takes kernel_info_offset only from protocol 2.15 on. */
static void bzimage64_kernel_info_version_test(struct kunit *test)
{
	struct setup_header hdr = {
		.setup_sects = T_SETUP_SECTS, .syssize = T_PAYLOAD / 16,
		.boot_flag = BZ_BOOT_FLAG, .header = BZ_MAGIC,
		.version = 0x020f, .loadflags = LOADED_HIGH,
		.kernel_alignment = 0x200000, .relocatable_kernel = 1,
		.xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G,
		.init_size = 0x800000, .kernel_info_offset = K_AT,
	};
	struct bzimage64 bz = {};
	u8 *file;

	file = kunit_kzalloc(test, T_FILE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, file);
	memcpy(file + BZ_HDR_OFFSET, &hdr, sizeof(hdr));
	KUNIT_ASSERT_EQ(test, 0, bzimage64_parse(file, T_FILE_SIZE, false, &bz));
	KUNIT_EXPECT_EQ(test, K_AT, bz.kernel_info);

	hdr.version = 0x020e;
	memcpy(file + BZ_HDR_OFFSET, &hdr, sizeof(hdr));
	KUNIT_ASSERT_EQ(test, 0, bzimage64_parse(file, T_FILE_SIZE, false, &bz));
	KUNIT_EXPECT_EQ(test, 0, bz.kernel_info);
}
#endif

#ifdef CONFIG_KEXEC_BZIMAGE_UNPACK
/*
 * Unpacking: a made-up inflated payload, an ELF file with one PT_LOAD
 * segment and, after it, relocation tables for one field of each kind.
 */
#define U_PREF		0x1000000UL
#define U_DATA		0x1000		/* the segment's offset in the file */
#define U_FILESZ	0x2000
#define U_MEMSZ		0x3000
#define U_ENTRY		0x100
#define U_FIELD32	0x40		/* offsets in the laid out kernel */
#define U_FIELD32_INV	0x80
#define U_FIELD64	0xc0
#define U_ELF_END	(U_DATA + U_FILESZ)
#define U_WORDS		6
#define U_LEN		(U_ELF_END + U_WORDS * 4)

/* What each case may damage. */
struct u_file {
	struct elf64_hdr eh;
	struct elf64_phdr ph;
	u32 words[U_WORDS];
	struct bzimage64 bz;
};

struct u_case {
	const char *name;
	void (*damage)(struct u_file *f);
	int scan;	/* bzimage64_elf_scan() */
	int relocs;	/* bzimage64_find_relocs(), if the scan passed */
};

static u32 u_word(unsigned long offset)
{
	return (u32)(__START_KERNEL_map + U_PREF + offset);
}

static void u_nothing(struct u_file *f) { }

static void u_not_elf(struct u_file *f)
{
	f->eh.e_ident[EI_MAG1] = 'X';
}

static void u_elf32(struct u_file *f)
{
	f->eh.e_ident[EI_CLASS] = ELFCLASS32;
}

static void u_machine(struct u_file *f)
{
	f->eh.e_machine = EM_AARCH64;
}

static void u_phdrs_past_end(struct u_file *f)
{
	f->eh.e_phoff = U_LEN - sizeof(f->ph) / 2;
}

static void u_no_load(struct u_file *f)
{
	f->ph.p_type = PT_NOTE;
}

static void u_below_pref(struct u_file *f)
{
	f->ph.p_paddr = U_PREF - SZ_2M;
}

static void u_past_file(struct u_file *f)
{
	f->ph.p_filesz = U_LEN;
	f->ph.p_memsz = U_LEN;
}

static void u_filesz_over_memsz(struct u_file *f)
{
	f->ph.p_memsz = f->ph.p_filesz - 1;
}

static void u_align(struct u_file *f)
{
	f->ph.p_align = SZ_4K;
}

static void u_over_init_size(struct u_file *f)
{
	f->bz.init_size = U_MEMSZ - 1;
}

static void u_entry_outside(struct u_file *f)
{
	f->eh.e_entry = U_PREF + U_FILESZ;
}

static void u_reloc_outside(struct u_file *f)
{
	f->words[1] = u_word(U_FILESZ - 4);	/* a 64-bit field that would cross the end */
}

static void u_reloc_below(struct u_file *f)
{
	f->words[5] = u_word(0) - 4;
}

static void u_no_terminator(struct u_file *f)
{
	f->words[0] = u_word(0);
}

static void u_word_before_lists(struct u_file *f)
{
	/* The 64-bit list's zero is no longer the tail's first word. */
	f->words[1] = 0;
	f->words[0] = u_word(U_FIELD64);
}

static const struct u_case u_cases[] = {
	{ "valid", u_nothing, 0, 0 },
	{ "not ELF", u_not_elf, -ENOEXEC },
	{ "32-bit ELF", u_elf32, -ENOEXEC },
	{ "not x86_64", u_machine, -ENOEXEC },
	{ "program headers past the end", u_phdrs_past_end, -ENOEXEC },
	{ "no PT_LOAD", u_no_load, -ENOEXEC },
	{ "segment below pref_address", u_below_pref, -ENOEXEC },
	{ "segment past the file", u_past_file, -ENOEXEC },
	{ "p_filesz over p_memsz", u_filesz_over_memsz, -ENOEXEC },
	{ "segment not 2 MiB aligned", u_align, -ENOEXEC },
	{ "larger than init_size", u_over_init_size, -ENOEXEC },
	{ "entry outside the kernel", u_entry_outside, -ENOEXEC },
	{ "relocation past the contents", u_reloc_outside, 0, -EOPNOTSUPP },
	{ "relocation below the kernel", u_reloc_below, 0, -EOPNOTSUPP },
	{ "a list without its zero", u_no_terminator, 0, -EOPNOTSUPP },
	{ "a word before the lists", u_word_before_lists, 0, -EOPNOTSUPP },
};

static void u_case_desc(const struct u_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(u, u_cases, u_case_desc);

static void bzimage64_unpack_test(struct kunit *test)
{
	const struct u_case *c = test->param_value;
	struct u_file f = {
		.eh = {
			.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
				     ELFDATA2LSB, EV_CURRENT },
			.e_type = ET_EXEC, .e_machine = EM_X86_64,
			.e_version = EV_CURRENT, .e_entry = U_PREF + U_ENTRY,
			.e_phoff = sizeof(struct elf64_hdr),
			.e_ehsize = sizeof(struct elf64_hdr),
			.e_phentsize = sizeof(struct elf64_phdr), .e_phnum = 1,
		},
		.ph = {
			.p_type = PT_LOAD, .p_offset = U_DATA, .p_paddr = U_PREF,
			.p_vaddr = __START_KERNEL_map + U_PREF,
			.p_filesz = U_FILESZ, .p_memsz = U_MEMSZ, .p_align = SZ_2M,
		},
		/* Low to high: 0, 64-bit, 0, inverse 32-bit, 0, 32-bit. */
		.words = { 0, u_word(U_FIELD64), 0, u_word(U_FIELD32_INV), 0,
			   u_word(U_FIELD32) },
		.bz = {
			.pref_address = U_PREF, .init_size = 0x800000,
			.kernel_alignment = SZ_2M,
		},
	};
	struct bzimage64_kernel k = {};
	struct bzimage64 *bz = &f.bz;
	size_t elf_end, i;
	u8 *raw, *image;

	raw = kunit_kzalloc(test, U_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, raw);
	c->damage(&f);
	memcpy(raw, &f.eh, sizeof(f.eh));
	memcpy(raw + sizeof(f.eh), &f.ph, sizeof(f.ph));
	for (i = 0; i < U_FILESZ; i++)
		raw[U_DATA + i] = i * 7;
	put_unaligned_le32(0x11223344, raw + U_DATA + U_FIELD32);
	put_unaligned_le32(0x55667788, raw + U_DATA + U_FIELD32_INV);
	put_unaligned_le64(0xffffffff81000000ULL, raw + U_DATA + U_FIELD64);
	for (i = 0; i < U_WORDS; i++)
		put_unaligned_le32(f.words[i], raw + U_ELF_END + i * 4);

	KUNIT_ASSERT_EQ(test, c->scan, bzimage64_elf_scan(raw, U_LEN, bz, &k, &elf_end));
	if (c->scan)
		return;
	KUNIT_EXPECT_EQ(test, (size_t)U_ELF_END, elf_end);
	KUNIT_EXPECT_EQ(test, (size_t)U_FILESZ, k.file_size);
	KUNIT_EXPECT_EQ(test, (size_t)U_MEMSZ, k.mem_size);
	KUNIT_EXPECT_EQ(test, (size_t)U_ENTRY, k.entry);
	KUNIT_ASSERT_EQ(test, c->relocs, bzimage64_find_relocs(raw, U_LEN, elf_end, bz, &k));
	if (c->relocs)
		return;
	KUNIT_EXPECT_EQ(test, (size_t)U_WORDS, k.nr_relocs);

	/* Without a tail there is nothing to relocate. */
	KUNIT_EXPECT_EQ(test, 0, bzimage64_find_relocs(raw, U_ELF_END, elf_end, bz, &k));
	KUNIT_EXPECT_NULL(test, k.relocs);
	KUNIT_ASSERT_EQ(test, 0, bzimage64_find_relocs(raw, U_LEN, elf_end, bz, &k));

	image = kunit_kzalloc(test, k.file_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, image);
	k.image = image;
	bzimage64_elf_copy(raw, bz, &k);
	KUNIT_EXPECT_EQ(test, 0, memcmp(image, raw + U_DATA, U_FILESZ));
	bzimage64_relocate(&k, bz, 0x2a00000);
	KUNIT_EXPECT_EQ(test, 0x11223344 + 0x2a00000,
			get_unaligned_le32(image + U_FIELD32));
	KUNIT_EXPECT_EQ(test, 0x55667788 - 0x2a00000,
			get_unaligned_le32(image + U_FIELD32_INV));
	KUNIT_EXPECT_EQ(test, 0xffffffff83a00000ULL, get_unaligned_le64(image + U_FIELD64));
	/* Nothing else moved. */
	KUNIT_EXPECT_EQ(test, 0, memcmp(image, raw + U_DATA, U_FIELD32));
	KUNIT_EXPECT_EQ(test, 0, memcmp(image + U_FIELD64 + 8, raw + U_DATA + U_FIELD64 + 8,
					U_FILESZ - U_FIELD64 - 8));
}

/*
 * printf 'kexec unpacks this at load time, while the old kernel still
 * serves.\n' three times, through gzip -n -9.
 */
static const u8 u_gzip[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcd, 0xcc,
	0xcb, 0x0d, 0xc0, 0x20, 0x0c, 0x04, 0xd1, 0x7b, 0xaa, 0xd8, 0x02, 0xa2,
	0xf4, 0x84, 0x60, 0x25, 0x2c, 0x3b, 0x80, 0xb0, 0xf3, 0x29, 0x3f, 0x94,
	0x91, 0xcb, 0x5c, 0x9e, 0x34, 0xca, 0x97, 0x19, 0x57, 0x1b, 0x29, 0xab,
	0x23, 0xaa, 0x38, 0x52, 0xc0, 0x7a, 0x2a, 0x08, 0x39, 0xb9, 0xe3, 0xa9,
	0x62, 0x5c, 0x40, 0x74, 0x2b, 0x50, 0xce, 0x46, 0x83, 0x87, 0xd8, 0x2a,
	0xe7, 0x4d, 0x3f, 0x36, 0xfd, 0xc9, 0xe3, 0x03, 0x2a, 0x8b, 0xcb, 0x95,
	0xcc, 0x00, 0x00, 0x00
};

#define U_GZIP_TEXT "kexec unpacks this at load time, while the old kernel still serves.\n"

static void bzimage64_gunzip_test(struct kunit *test)
{
	size_t len = 3 * strlen(U_GZIP_TEXT);
	u8 *in, *out;
	size_t i;

	in = kunit_kmalloc(test, sizeof(u_gzip), GFP_KERNEL);
	out = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);
	memcpy(in, u_gzip, sizeof(u_gzip));

	KUNIT_ASSERT_EQ(test, 0, bzimage64_gunzip(in, sizeof(u_gzip), out, len));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, 0, memcmp(out + i * strlen(U_GZIP_TEXT),
						U_GZIP_TEXT, strlen(U_GZIP_TEXT)));
	/* The size the payload announced must be the size it inflates to. */
	KUNIT_EXPECT_EQ(test, -ENOEXEC, bzimage64_gunzip(in, sizeof(u_gzip), out, len + 1));
	KUNIT_EXPECT_EQ(test, -ENOEXEC, bzimage64_gunzip(in, sizeof(u_gzip), out, len - 1));
	/* A damaged CRC-32, then a truncated stream. */
	in[sizeof(u_gzip) - 8] ^= 1;
	KUNIT_EXPECT_EQ(test, -ENOEXEC, bzimage64_gunzip(in, sizeof(u_gzip), out, len));
	in[sizeof(u_gzip) - 8] ^= 1;
	KUNIT_EXPECT_EQ(test, -ENOEXEC, bzimage64_gunzip(in, sizeof(u_gzip) - 12, out, len));
	/* Not deflate. */
	in[2] = 7;
	KUNIT_EXPECT_EQ(test, -ENOEXEC, bzimage64_gunzip(in, sizeof(u_gzip), out, len));
}

/* A payload in a made-up bzImage: where it lies, and what it holds. */
static void bzimage64_inflate_test(struct kunit *test)
{
	size_t len = 3 * strlen(U_GZIP_TEXT), got_len = 0;
	size_t file_size = T_SETUP_SIZE + 16 + sizeof(u_gzip) + 4;
	struct bzimage64 bz = {
		.setup_size = T_SETUP_SIZE, .payload_size = file_size - T_SETUP_SIZE,
		.packed_offset = 16, .packed_size = sizeof(u_gzip) + 4,
	};
	struct kexec_file kf = {};
	const char *format = NULL;
	u8 *file, *raw = NULL;

	file = kunit_kzalloc(test, file_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, file);
	memcpy(file + T_SETUP_SIZE + 16, u_gzip, sizeof(u_gzip));
	put_unaligned_le32(len, file + file_size - 4);
	kf.kernel = file;
	kf.kernel_size = file_size;

	KUNIT_ASSERT_EQ(test, 0, bzimage64_inflate(&kf, &bz, &raw, &got_len, &format));
	KUNIT_EXPECT_EQ(test, len, got_len);
	KUNIT_EXPECT_STREQ(test, "gzip", format);
	KUNIT_EXPECT_EQ(test, 0, memcmp(raw, U_GZIP_TEXT, strlen(U_GZIP_TEXT)));
	kvfree(raw);

	/* An announced size the stream does not inflate to: refused. */
	put_unaligned_le32(len + 1, file + file_size - 4);
	KUNIT_EXPECT_EQ(test, -ENOEXEC, bzimage64_inflate(&kf, &bz, &raw, &got_len, &format));
	KUNIT_EXPECT_NULL(test, raw);
	put_unaligned_le32(len, file + file_size - 4);

	/* Not ours to inflate: left to the decompressor. */
	bz.packed_offset = bz.payload_size;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, bzimage64_inflate(&kf, &bz, &raw, &got_len, &format));
	bz.packed_offset = 16;
	bz.packed_size = bz.payload_size;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, bzimage64_inflate(&kf, &bz, &raw, &got_len, &format));
	bz.packed_size = sizeof(u_gzip) + 4;
	file[T_SETUP_SIZE + 16] = 0x5d;		/* lzma's first byte */
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, bzimage64_inflate(&kf, &bz, &raw, &got_len, &format));
	KUNIT_EXPECT_NULL(test, raw);
}
#endif /* CONFIG_KEXEC_BZIMAGE_UNPACK */

static struct kunit_case bzimage64_cases[] = {
	KUNIT_CASE_PARAM(bzimage64_parse_test, bz_gen_params),
#ifdef CONFIG_KEXEC_HANDOFF
	KUNIT_CASE_PARAM(bzimage64_handoff_declared_test, k_gen_params),
	KUNIT_CASE(bzimage64_kernel_info_version_test),
#endif
#ifdef CONFIG_KEXEC_BZIMAGE_UNPACK
	KUNIT_CASE_PARAM(bzimage64_unpack_test, u_gen_params),
	KUNIT_CASE(bzimage64_gunzip_test),
	KUNIT_CASE(bzimage64_inflate_test),
#endif
	{}
};

static struct kunit_suite bzimage64_suite = {
	.name = "kexec_bzimage64",
	.test_cases = bzimage64_cases,
};

kunit_test_suite(bzimage64_suite);
