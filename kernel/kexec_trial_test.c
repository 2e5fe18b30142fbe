// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the kexec trial's record and reason.
 *
 * Included by kexec_trial.c when CONFIG_KEXEC_TRIAL_KUNIT_TEST is set.
 * The record check is fed a record as a writer makes it, then that record
 * truncated and with each field out of bounds; the reason check is fed a
 * sealed reason, then every byte it covers flipped, every size, and each
 * string left unterminated.  No damaged input may pass, and each fails
 * with its documented errno.  The check that keeps the reboot image off
 * the fallback's pages is fed segments on, next to and across them.
 */

#include <kunit/test.h>

#define TEST_BASE	0x1000000ULL

/* Three segments, the entry in the last, the reason page after them. */
static void sample_record(struct kexec_trial_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->deadline = cpu_to_le32(300);
	rec->nr_segments = cpu_to_le32(3);
	rec->segment[0].phys = cpu_to_le64(TEST_BASE);
	rec->segment[0].size = cpu_to_le64(16 * PAGE_SIZE);
	rec->segment[1].phys = cpu_to_le64(TEST_BASE + 32 * PAGE_SIZE);
	rec->segment[1].size = cpu_to_le64(PAGE_SIZE);
	rec->segment[2].phys = cpu_to_le64(TEST_BASE + 64 * PAGE_SIZE);
	rec->segment[2].size = cpu_to_le64(4 * PAGE_SIZE);
	rec->entry = cpu_to_le64(TEST_BASE + 64 * PAGE_SIZE + 0x40);
	rec->reason = cpu_to_le64(TEST_BASE + 128 * PAGE_SIZE);
	rec->fallback_root = cpu_to_le64(TEST_BASE + 129 * PAGE_SIZE);
}

static void record_sample_passes(struct kunit *test)
{
	struct kexec_trial_record rec;

	sample_record(&rec);
	KUNIT_EXPECT_EQ(test, trial_check_record(&rec, sizeof(rec)), 0);
	/* A longer record, from a later writer, is read as far as known. */
	KUNIT_EXPECT_EQ(test, trial_check_record(&rec, sizeof(rec) + 64), 0);
	/* A fallback that reads no handoff has no root. */
	rec.fallback_root = 0;
	KUNIT_EXPECT_EQ(test, trial_check_record(&rec, sizeof(rec)), 0);
}

static void record_truncated(struct kunit *test)
{
	struct kexec_trial_record rec;
	u64 size;

	sample_record(&rec);
	for (size = 0; size < sizeof(rec); size++)
		KUNIT_EXPECT_EQ_MSG(test, trial_check_record(&rec, size), -EMSGSIZE,
				    "size %llu", size);
}

/* One field of the sample changed, and the errno the check must give. */
struct record_case {
	const char *what;
	void (*change)(struct kexec_trial_record *rec);
};

static void no_segments(struct kexec_trial_record *r)
{
	r->nr_segments = 0;
}

static void too_many_segments(struct kexec_trial_record *r)
{
	r->nr_segments = cpu_to_le32(KEXEC_TRIAL_SEGMENTS + 1);
}

static void huge_count(struct kexec_trial_record *r)
{
	r->nr_segments = cpu_to_le32(~0U);
}

static void no_deadline(struct kexec_trial_record *r)
{
	r->deadline = 0;
}

static void long_deadline(struct kexec_trial_record *r)
{
	r->deadline = cpu_to_le32(KEXEC_TRIAL_MAX_DEADLINE + 1);
}

static void no_reason(struct kexec_trial_record *r)
{
	r->reason = 0;
}

static void odd_reason(struct kexec_trial_record *r)
{
	r->reason = cpu_to_le64(le64_to_cpu(r->reason) + 8);
}

static void reason_at_end(struct kexec_trial_record *r)
{
	r->reason = cpu_to_le64(PAGE_MASK);
}

static void odd_root(struct kexec_trial_record *r)
{
	r->fallback_root = cpu_to_le64(le64_to_cpu(r->fallback_root) + 1);
}

static void root_is_reason(struct kexec_trial_record *r)
{
	r->fallback_root = r->reason;
}

static void empty_segment(struct kexec_trial_record *r)
{
	r->segment[1].size = 0;
}

static void odd_segment(struct kexec_trial_record *r)
{
	r->segment[1].phys = cpu_to_le64(le64_to_cpu(r->segment[1].phys) + 0x800);
}

static void odd_size(struct kexec_trial_record *r)
{
	r->segment[1].size = cpu_to_le64(PAGE_SIZE + 1);
}

static void wrapping_segment(struct kexec_trial_record *r)
{
	r->segment[1].phys = cpu_to_le64(PAGE_MASK);
	r->segment[1].size = cpu_to_le64(2 * PAGE_SIZE);
}

static void overlapping_segments(struct kexec_trial_record *r)
{
	r->segment[1].phys = cpu_to_le64(TEST_BASE + 15 * PAGE_SIZE);
}

static void segment_over_reason(struct kexec_trial_record *r)
{
	r->segment[1].phys = r->reason;
}

static void segment_over_root(struct kexec_trial_record *r)
{
	r->segment[1].phys = r->fallback_root;
}

static void entry_outside(struct kexec_trial_record *r)
{
	r->entry = cpu_to_le64(TEST_BASE + 20 * PAGE_SIZE);
}

static void entry_past_end(struct kexec_trial_record *r)
{
	r->entry = cpu_to_le64(TEST_BASE + 68 * PAGE_SIZE);
}

static void segment_unused_counted(struct kexec_trial_record *r)
{
	/* Counted in, but never filled in: an empty segment. */
	r->nr_segments = cpu_to_le32(4);
}

static const struct record_case record_cases[] = {
	{ "no segments", no_segments },
	{ "17 segments", too_many_segments },
	{ "a count of 2^32 - 1", huge_count },
	{ "no deadline", no_deadline },
	{ "a deadline over a day", long_deadline },
	{ "no reason page", no_reason },
	{ "a misaligned reason page", odd_reason },
	{ "a reason page at the top of the address space", reason_at_end },
	{ "a misaligned root page", odd_root },
	{ "the root page as the reason page", root_is_reason },
	{ "an empty segment", empty_segment },
	{ "a misaligned segment", odd_segment },
	{ "a size not in pages", odd_size },
	{ "a segment that wraps", wrapping_segment },
	{ "overlapping segments", overlapping_segments },
	{ "a segment over the reason page", segment_over_reason },
	{ "a segment over the root page", segment_over_root },
	{ "an entry between segments", entry_outside },
	{ "an entry past the last segment's end", entry_past_end },
	{ "one segment more counted than written", segment_unused_counted },
};

static void record_fields_out_of_bounds(struct kunit *test)
{
	struct kexec_trial_record rec;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(record_cases); i++) {
		sample_record(&rec);
		record_cases[i].change(&rec);
		KUNIT_EXPECT_EQ_MSG(test, trial_check_record(&rec, sizeof(rec)), -EINVAL,
				    "%s", record_cases[i].what);
	}
}

/* A page-sized reason with @claims and the log @text, sealed. */
static struct kexec_trial_reason *sample_reason(struct kunit *test,
						const char *claims, u32 claims_len,
						const char *text)
{
	struct kexec_trial_reason *r = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	size_t len = strlen(text);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->magic = cpu_to_le32(KEXEC_TRIAL_REASON_MAGIC);
	r->version = cpu_to_le16(KEXEC_TRIAL_REASON_VERSION);
	r->cause = cpu_to_le32(KEXEC_TRIAL_CAUSE_PANIC);
	r->generation = cpu_to_le32(4);
	r->uptime_ms = cpu_to_le32(12345);
	memcpy(r->claimed, claims, claims_len);
	r->claims = cpu_to_le32(claims_len);
	memcpy(r->text, text, len);
	trial_seal_reason(r, len);
	return r;
}

static const char sample_log[] =
	"<6>[    3.1] sysrq: Trigger a crash\n"
	"<0>[    3.2] Kernel panic - not syncing: first\n"
	"<4>[    3.3] CPU: 1 PID: 77 Comm: sh\n"
	"<0>[    3.4] Kernel panic - not syncing: sysrq triggered crash\n"
	"<0>[    3.5] Kernel Offset: disabled\n";

static void reason_round_trip(struct kunit *test)
{
	static const char claims[] = "liveupdate:a\0liveupdate:bb";
	struct kexec_trial_reason *r = sample_reason(test, claims, sizeof(claims),
						     sample_log);

	KUNIT_ASSERT_EQ(test, trial_check_reason(r), 0);
	/* The last panic line is the message, without its newline. */
	KUNIT_EXPECT_STREQ(test, r->message,
			   "Kernel panic - not syncing: sysrq triggered crash");
	KUNIT_EXPECT_EQ(test, le16_to_cpu(r->size),
			sizeof(*r) + sizeof(sample_log));
	KUNIT_EXPECT_TRUE(test, trial_claims_have(r->claimed, sizeof(claims),
						  "liveupdate:a"));
	KUNIT_EXPECT_TRUE(test, trial_claims_have(r->claimed, sizeof(claims),
						  "liveupdate:bb"));
	KUNIT_EXPECT_FALSE(test, trial_claims_have(r->claimed, sizeof(claims),
						   "liveupdate:b"));
	KUNIT_EXPECT_FALSE(test, trial_claims_have(r->claimed, 0, "liveupdate:a"));
}

/* A log with no panic in it, and the longest log a page holds. */
static void reason_without_panic_or_full(struct kunit *test)
{
	struct kexec_trial_reason *r;
	char *text = kunit_kzalloc(test, TRIAL_TEXT_ROOM + 1, GFP_KERNEL);

	r = sample_reason(test, "", 0, "<6>[ 1.0] nothing went wrong\n");
	KUNIT_EXPECT_EQ(test, trial_check_reason(r), 0);
	KUNIT_EXPECT_STREQ(test, r->message, "");

	KUNIT_ASSERT_NOT_NULL(test, text);
	memset(text, 'x', TRIAL_TEXT_ROOM);
	r = sample_reason(test, "", 0, text);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(r->size), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, trial_check_reason(r), 0);
}

/* Every bit of every byte the checksum covers, flipped in turn. */
static void reason_bit_flips(struct kunit *test)
{
	struct kexec_trial_reason *r = sample_reason(test, "liveupdate:s", 13,
						     sample_log);
	u32 size = le16_to_cpu(r->size), i, bit;
	u8 *bytes = (u8 *)r;

	for (i = 0; i < size; i++) {
		for (bit = 0; bit < 8; bit++) {
			bytes[i] ^= BIT(bit);
			KUNIT_EXPECT_NE_MSG(test, trial_check_reason(r), 0,
					    "byte %u bit %u", i, bit);
			bytes[i] ^= BIT(bit);
		}
	}
	KUNIT_EXPECT_EQ(test, trial_check_reason(r), 0);
}

static void reason_bad_header(struct kunit *test)
{
	struct kexec_trial_reason *r = sample_reason(test, "", 0, sample_log);

	r->magic = 0;
	KUNIT_EXPECT_EQ(test, trial_check_reason(r), -ENOMSG);
	r = sample_reason(test, "", 0, sample_log);
	r->version = cpu_to_le16(KEXEC_TRIAL_REASON_VERSION + 1);
	KUNIT_EXPECT_EQ(test, trial_check_reason(r), -EPROTONOSUPPORT);
	/* An empty page, as the kernel on trial left it before failing. */
	memset(r, 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, trial_check_reason(r), -ENOMSG);
}

static void reason_sizes(struct kunit *test)
{
	struct kexec_trial_reason *r = sample_reason(test, "", 0, sample_log);
	u32 size;

	for (size = 0; size <= sizeof(*r); size += 8) {
		r->size = cpu_to_le16(size);
		KUNIT_EXPECT_EQ_MSG(test, trial_check_reason(r), -EMSGSIZE,
				    "size %u", size);
	}
	r->size = cpu_to_le16(PAGE_SIZE + 1);
	KUNIT_EXPECT_EQ(test, trial_check_reason(r), -EMSGSIZE);
	r->size = cpu_to_le16(U16_MAX);
	KUNIT_EXPECT_EQ(test, trial_check_reason(r), -EMSGSIZE);
}

/* Resealed after the change, so that only the structure is wrong. */
static void reseal_reason(struct kexec_trial_reason *r)
{
	r->crc = 0;
	r->crc = cpu_to_le32(handoff_crc(r, le16_to_cpu(r->size)));
}

static void reason_unterminated(struct kunit *test)
{
	struct kexec_trial_reason *r;
	u32 size;

	r = sample_reason(test, "", 0, sample_log);
	memset(r->message, 'm', sizeof(r->message));
	reseal_reason(r);
	KUNIT_EXPECT_EQ(test, trial_check_reason(r), -EINVAL);

	r = sample_reason(test, "", 0, sample_log);
	size = le16_to_cpu(r->size);
	((char *)r)[size - 1] = 'x';
	reseal_reason(r);
	KUNIT_EXPECT_EQ(test, trial_check_reason(r), -EINVAL);

	/* Claims that run past their area, or end in the middle of a name. */
	r = sample_reason(test, "liveupdate:s", 12, sample_log);
	KUNIT_EXPECT_EQ(test, trial_check_reason(r), -EINVAL);
	r = sample_reason(test, "", 0, sample_log);
	r->claims = cpu_to_le32(KEXEC_TRIAL_CLAIMS_LEN + 1);
	reseal_reason(r);
	KUNIT_EXPECT_EQ(test, trial_check_reason(r), -EINVAL);
	/* "Too many to name" is a valid answer. */
	r->claims = cpu_to_le32(KEXEC_TRIAL_CLAIMS_FULL);
	reseal_reason(r);
	KUNIT_EXPECT_EQ(test, trial_check_reason(r), 0);
}

/* Does a one-segment reboot image at [@mem, @mem + @pages) meet @fallback? */
static bool reboot_meets(struct kimage *image, const struct kimage *fallback,
			 u64 mem, unsigned long pages)
{
	image->nr_segments = 1;
	image->segment[0].mem = mem;
	image->segment[0].memsz = pages * PAGE_SIZE;
	return trial_image_meets_fallback(image, fallback);
}

/*
 * Arming, and the reboot, refuse a reboot image that would write over a
 * page of the fallback (its root page too); right next to them is fine.
 * The fallback's segments lie 64 pages above its root page.
 */
static void reboot_image_over_fallback(struct kunit *test)
{
	struct kimage *image, *fallback;
	struct handoff_out *out;
	struct page *root;
	u64 base, root_phys;

	image = kunit_kzalloc(test, sizeof(*image), GFP_KERNEL);
	fallback = kunit_kzalloc(test, sizeof(*fallback), GFP_KERNEL);
	out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, image);
	KUNIT_ASSERT_NOT_NULL(test, fallback);
	KUNIT_ASSERT_NOT_NULL(test, out);
	root = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, root);
	root_phys = page_to_phys(root);
	base = root_phys + 64 * PAGE_SIZE;
	fallback->nr_segments = 2;
	fallback->segment[0].mem = base;
	fallback->segment[0].memsz = 16 * PAGE_SIZE;
	fallback->segment[1].mem = base + 32 * PAGE_SIZE;
	fallback->segment[1].memsz = PAGE_SIZE;

	KUNIT_EXPECT_FALSE(test, reboot_meets(image, fallback, base - 4 * PAGE_SIZE, 4));
	KUNIT_EXPECT_TRUE(test, reboot_meets(image, fallback, base - 4 * PAGE_SIZE, 5));
	KUNIT_EXPECT_TRUE(test, reboot_meets(image, fallback, base + 15 * PAGE_SIZE, 1));
	KUNIT_EXPECT_FALSE(test, reboot_meets(image, fallback, base + 16 * PAGE_SIZE, 16));
	KUNIT_EXPECT_TRUE(test, reboot_meets(image, fallback, base + 16 * PAGE_SIZE, 17));
	KUNIT_EXPECT_FALSE(test, reboot_meets(image, fallback, base + 33 * PAGE_SIZE, 64));
	/* One segment across the fallback from end to end. */
	KUNIT_EXPECT_TRUE(test, reboot_meets(image, fallback, base - PAGE_SIZE, 40));

	/* The root page counts once the fallback has one. */
	KUNIT_EXPECT_FALSE(test, reboot_meets(image, fallback, root_phys, 1));
	out->root_page = root;
	fallback->handoff = out;
	KUNIT_EXPECT_TRUE(test, reboot_meets(image, fallback, root_phys, 1));
	KUNIT_EXPECT_FALSE(test, reboot_meets(image, fallback, root_phys + PAGE_SIZE, 63));
	fallback->handoff = NULL;
	__free_page(root);
}

static struct kunit_case kexec_trial_cases[] = {
	KUNIT_CASE(record_sample_passes),
	KUNIT_CASE(record_truncated),
	KUNIT_CASE(record_fields_out_of_bounds),
	KUNIT_CASE(reason_round_trip),
	KUNIT_CASE(reason_without_panic_or_full),
	KUNIT_CASE(reason_bit_flips),
	KUNIT_CASE(reason_bad_header),
	KUNIT_CASE(reason_sizes),
	KUNIT_CASE(reason_unterminated),
	KUNIT_CASE(reboot_image_over_fallback),
	{}
};

static struct kunit_suite kexec_trial_suite = {
	.name = "kexec_trial",
	.test_cases = kexec_trial_cases,
};

kunit_test_suite(kexec_trial_suite);
