// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the kexec handoff format.
 *
 * Included by kexec_handoff.c when CONFIG_KEXEC_HANDOFF_KUNIT_TEST is set.
 * Every check is fed what a writer makes, then that input truncated, with
 * each of its bits flipped in turn, and with each field out of bounds; no
 * damaged input may pass, and each must fail with its documented errno.
 * A second suite covers how preserved memory is coarsened into spans, a
 * third the errno of each bad preserve and restore call.
 */

#include <kunit/test.h>
#include <linux/bits.h>

/* A root followed by room for fields a later writer might add. */
union root_buf {
	struct handoff_root root;
	u8 bytes[64];
};

static const struct handoff_root_info sample_info = {
	.generation = 7, .nr_records = 3, .table_crc = 0x12345678,
	.table = 0x1234000,
};

/* Rewrite the CRC of a root whose fields a test changed on purpose. */
static void reseal(union root_buf *b, size_t size)
{
	b->root.crc = 0;
	b->root.crc = cpu_to_le32(handoff_crc(b->bytes, size));
}

/* The check value of CRC32C, so that any other writer can match it. */
static void crc_convention(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, handoff_crc("123456789", 9), 0xe3069283);
	KUNIT_EXPECT_EQ(test, handoff_crc(NULL, 0), 0);
}

static void root_round_trip(struct kunit *test)
{
	struct handoff_root_info info = {};
	struct handoff_root copy;
	union root_buf b;

	handoff_seal_root(&b.root, &sample_info);
	KUNIT_ASSERT_EQ(test, handoff_check_root(&b, sizeof(b.root), &info), 0);
	KUNIT_EXPECT_EQ(test, info.generation, 7);
	KUNIT_EXPECT_EQ(test, info.nr_records, 3);
	KUNIT_EXPECT_EQ(test, info.table_crc, 0x12345678);
	KUNIT_EXPECT_EQ(test, info.table, 0x1234000);
	/* The CRC is the one of the bytes with the field zero. */
	copy = b.root;
	copy.crc = 0;
	KUNIT_EXPECT_EQ(test, le32_to_cpu(b.root.crc),
			handoff_crc(&copy, sizeof(copy)));
}

static void root_truncated(struct kunit *test)
{
	struct handoff_root_info info;
	union root_buf b;
	size_t len;

	handoff_seal_root(&b.root, &sample_info);
	for (len = 0; len < sizeof(b.root); len++)
		KUNIT_EXPECT_EQ_MSG(test, handoff_check_root(&b, len, &info),
				    -EMSGSIZE, "len %zu", len);
}

static void root_every_bit_flipped(struct kunit *test)
{
	struct handoff_root_info info;
	union root_buf b;
	unsigned int bit;

	for (bit = 0; bit < sizeof(b.root) * BITS_PER_BYTE; bit++) {
		int ret;

		memset(&b, 0, sizeof(b));
		handoff_seal_root(&b.root, &sample_info);
		b.bytes[bit / 8] ^= BIT(bit % 8);
		ret = handoff_check_root(&b, sizeof(b), &info);
		KUNIT_EXPECT_LT_MSG(test, ret, 0, "bit %u", bit);
		if (bit < 32)
			KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMSG, "bit %u", bit);
		else if (bit < 48)
			KUNIT_EXPECT_EQ_MSG(test, ret, -EPROTONOSUPPORT,
					    "bit %u", bit);
		else if (bit >= 64)
			KUNIT_EXPECT_EQ_MSG(test, ret, -EBADMSG, "bit %u", bit);
	}
}

static void root_unknown_format(struct kunit *test)
{
	struct handoff_root_info info;
	union root_buf b;

	handoff_seal_root(&b.root, &sample_info);
	b.root.format = cpu_to_le16(HANDOFF_FORMAT + 1);
	reseal(&b, sizeof(b.root));
	KUNIT_EXPECT_EQ(test, handoff_check_root(&b, sizeof(b), &info),
			-EPROTONOSUPPORT);

	handoff_seal_root(&b.root, &sample_info);
	b.root.magic = cpu_to_le32(HANDOFF_MAGIC + 1);
	reseal(&b, sizeof(b.root));
	KUNIT_EXPECT_EQ(test, handoff_check_root(&b, sizeof(b), &info),
			-ENOMSG);
}

static void root_size_bounds(struct kunit *test)
{
	struct handoff_root_info info;
	union root_buf b;

	/* Shorter than the format allows. */
	handoff_seal_root(&b.root, &sample_info);
	b.root.root_size = cpu_to_le16(sizeof(b.root) - 8);
	reseal(&b, sizeof(b.root));
	KUNIT_EXPECT_EQ(test, handoff_check_root(&b, sizeof(b), &info),
			-EMSGSIZE);

	/* Longer than what the caller could map. */
	memset(&b, 0, sizeof(b));
	handoff_seal_root(&b.root, &sample_info);
	b.root.root_size = cpu_to_le16(sizeof(b));
	reseal(&b, sizeof(b));
	KUNIT_EXPECT_EQ(test, handoff_check_root(&b, sizeof(b) - 1, &info),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, handoff_check_root(&b, sizeof(b), &info), 0);
}

/* A later writer's longer root is read, and its tail is checked too. */
static void root_longer_is_read(struct kunit *test)
{
	struct handoff_root_info info = {};
	union root_buf b;
	size_t i;

	memset(&b, 0, sizeof(b));
	handoff_seal_root(&b.root, &sample_info);
	for (i = sizeof(b.root); i < sizeof(b); i++)
		b.bytes[i] = i;
	b.root.root_size = cpu_to_le16(sizeof(b));
	reseal(&b, sizeof(b));
	KUNIT_ASSERT_EQ(test, handoff_check_root(&b, sizeof(b), &info), 0);
	KUNIT_EXPECT_EQ(test, info.generation, 7);

	for (i = sizeof(b.root); i < sizeof(b); i++) {
		b.bytes[i] ^= 0x80;
		KUNIT_EXPECT_EQ_MSG(test, handoff_check_root(&b, sizeof(b), &info),
				    -EBADMSG, "byte %zu", i);
		b.bytes[i] ^= 0x80;
	}
}

static void root_record_bounds(struct kunit *test)
{
	struct handoff_root_info info = sample_info;
	union root_buf b;

	info.nr_records = HANDOFF_MAX_RECORDS;
	handoff_seal_root(&b.root, &info);
	KUNIT_EXPECT_EQ(test, handoff_check_root(&b, sizeof(b), &info), 0);

	info.nr_records = HANDOFF_MAX_RECORDS + 1;
	handoff_seal_root(&b.root, &info);
	KUNIT_EXPECT_EQ(test, handoff_check_root(&b, sizeof(b), &info), -E2BIG);

	info.nr_records = 1;
	info.table = 0;
	handoff_seal_root(&b.root, &info);
	KUNIT_EXPECT_EQ(test, handoff_check_root(&b, sizeof(b), &info), -EINVAL);

	info.nr_records = 2;
	info.table = U64_MAX - sizeof(struct handoff_record);
	handoff_seal_root(&b.root, &info);
	KUNIT_EXPECT_EQ(test, handoff_check_root(&b, sizeof(b), &info),
			-EOVERFLOW);

	/* No records need no table. */
	info.nr_records = 0;
	info.table = 0;
	handoff_seal_root(&b.root, &info);
	KUNIT_EXPECT_EQ(test, handoff_check_root(&b, sizeof(b), &info), 0);
}

static const u8 sample_bytes[] = "the previous kernel's last words";

static void fill_table(struct kunit *test, struct handoff_record *table)
{
	KUNIT_ASSERT_EQ(test, handoff_fill_record(&table[0], "printk.log", 1,
						  sample_bytes,
						  sizeof(sample_bytes), 0x5000),
			0);
	KUNIT_ASSERT_EQ(test, handoff_fill_record(&table[1], HANDOFF_RANGES_NAME,
						  1, NULL, 0, 0), 0);
	KUNIT_ASSERT_EQ(test, handoff_fill_record(&table[2], "printk.log", 2,
						  sample_bytes, 4, 0x6000), 0);
}

static void table_every_bit_flipped(struct kunit *test)
{
	struct handoff_record table[3];
	unsigned int bit;
	u32 crc;

	fill_table(test, table);
	crc = handoff_crc(table, sizeof(table));
	KUNIT_EXPECT_EQ(test, handoff_check_table(table, 3, crc), 0);
	/* A root that says fewer records than were written. */
	KUNIT_EXPECT_EQ(test, handoff_check_table(table, 2, crc), -EBADMSG);
	KUNIT_EXPECT_EQ(test, handoff_check_table(table, HANDOFF_MAX_RECORDS + 1,
						  crc), -E2BIG);
	KUNIT_EXPECT_EQ(test, handoff_check_table(table, 0, handoff_crc(NULL, 0)),
			0);

	for (bit = 0; bit < sizeof(table) * BITS_PER_BYTE; bit++) {
		u8 *bytes = (u8 *)table;

		bytes[bit / 8] ^= BIT(bit % 8);
		KUNIT_EXPECT_EQ_MSG(test, handoff_check_table(table, 3, crc),
				    -EBADMSG, "bit %u", bit);
		bytes[bit / 8] ^= BIT(bit % 8);
	}
}

static void record_names(struct kunit *test)
{
	char name[HANDOFF_NAME_LEN + 1];
	struct handoff_record rec;

	KUNIT_EXPECT_EQ(test, handoff_fill_record(&rec, "", 1, NULL, 0, 0),
			-EINVAL);
	memset(name, 'a', sizeof(name));
	name[HANDOFF_NAME_LEN] = 0;
	KUNIT_EXPECT_EQ(test, handoff_fill_record(&rec, name, 1, NULL, 0, 0),
			-ENAMETOOLONG);
	name[HANDOFF_NAME_LEN - 1] = 0;
	KUNIT_ASSERT_EQ(test, handoff_fill_record(&rec, name, 1, NULL, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, handoff_check_record(&rec), 0);

	/* Unterminated. */
	rec.name[HANDOFF_NAME_LEN - 1] = 'a';
	KUNIT_EXPECT_EQ(test, handoff_check_record(&rec), -EINVAL);

	/* Empty. */
	KUNIT_ASSERT_EQ(test, handoff_fill_record(&rec, "x", 1, NULL, 0, 0), 0);
	rec.name[0] = 0;
	KUNIT_EXPECT_EQ(test, handoff_check_record(&rec), -EINVAL);

	/* Bytes after the terminator. */
	KUNIT_ASSERT_EQ(test, handoff_fill_record(&rec, "x", 1, NULL, 0, 0), 0);
	rec.name[HANDOFF_NAME_LEN - 1] = 'y';
	KUNIT_EXPECT_EQ(test, handoff_check_record(&rec), -EINVAL);
}

static void record_addresses(struct kunit *test)
{
	struct handoff_record rec;

	KUNIT_ASSERT_EQ(test, handoff_fill_record(&rec, "x", 1, sample_bytes,
						  sizeof(sample_bytes), 0), 0);
	KUNIT_EXPECT_EQ(test, handoff_check_record(&rec), -EINVAL);

	KUNIT_ASSERT_EQ(test, handoff_fill_record(&rec, "x", 1, NULL, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, handoff_check_record(&rec), 0);

	KUNIT_ASSERT_EQ(test, handoff_fill_record(&rec, "x", 1, sample_bytes,
						  sizeof(sample_bytes),
						  U64_MAX - 4), 0);
	KUNIT_EXPECT_EQ(test, handoff_check_record(&rec), -EOVERFLOW);

	KUNIT_ASSERT_EQ(test, handoff_fill_record(&rec, "x", 1, sample_bytes,
						  sizeof(sample_bytes),
						  U64_MAX - sizeof(sample_bytes)),
			0);
	KUNIT_EXPECT_EQ(test, handoff_check_record(&rec), 0);
}

static void record_bytes(struct kunit *test)
{
	u8 copy[sizeof(sample_bytes)];
	struct handoff_record rec;
	unsigned int bit;

	memcpy(copy, sample_bytes, sizeof(copy));
	KUNIT_ASSERT_EQ(test, handoff_fill_record(&rec, "x", 3, copy,
						  sizeof(copy), 0x5000), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(rec.version), 3);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(rec.size), sizeof(copy));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(rec.data), 0x5000);
	KUNIT_EXPECT_EQ(test, handoff_check_bytes(&rec, copy), 0);

	for (bit = 0; bit < sizeof(copy) * BITS_PER_BYTE; bit++) {
		copy[bit / 8] ^= BIT(bit % 8);
		KUNIT_EXPECT_EQ_MSG(test, handoff_check_bytes(&rec, copy),
				    -EBADMSG, "bit %u", bit);
		copy[bit / 8] ^= BIT(bit % 8);
	}

	/* A record that claims fewer bytes than were summed. */
	rec.size = cpu_to_le64(sizeof(copy) - 1);
	KUNIT_EXPECT_EQ(test, handoff_check_bytes(&rec, copy), -EBADMSG);
}

#define RANGE(_pfn, _nr) \
	{ .pfn = cpu_to_le64(_pfn), .nr_pages = cpu_to_le64(_nr) }

static void ranges_checked(struct kunit *test)
{
	static const struct handoff_range good[] = {
		RANGE(0x100, 1), RANGE(0x101, 511), RANGE(0x1000, 0x40000),
	};
	static const struct handoff_range empty[] = { RANGE(0x100, 0) };
	static const struct handoff_range unsorted[] = {
		RANGE(0x200, 1), RANGE(0x100, 1),
	};
	static const struct handoff_range overlapping[] = {
		RANGE(0x100, 0x10), RANGE(0x10f, 1),
	};
	static const struct handoff_range wrapping[] = {
		RANGE(HANDOFF_PFN_LIMIT - 1, 2),
	};
	static const struct handoff_range at_limit[] = {
		RANGE(HANDOFF_PFN_LIMIT - 1, 1),
	};
	u64 nr = 0;

	KUNIT_EXPECT_EQ(test, handoff_check_ranges(good, sizeof(good), &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, ARRAY_SIZE(good));
	KUNIT_EXPECT_EQ(test, handoff_check_ranges(good, 0, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 0);
	KUNIT_EXPECT_EQ(test, handoff_check_ranges(good, sizeof(good) - 1, &nr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, handoff_check_ranges(empty, sizeof(empty), &nr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, handoff_check_ranges(unsorted, sizeof(unsorted),
						   &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, handoff_check_ranges(overlapping,
						   sizeof(overlapping), &nr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, handoff_check_ranges(wrapping, sizeof(wrapping),
						   &nr), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, handoff_check_ranges(at_limit, sizeof(at_limit),
						   &nr), 0);
	/* The count is judged before any entry is read. */
	KUNIT_EXPECT_EQ(test, handoff_check_ranges(good,
						   (HANDOFF_MAX_RANGES + 1ULL) *
						   sizeof(good[0]), &nr),
			-E2BIG);
}

static void records_by_name(struct kunit *test)
{
	char long_name[HANDOFF_NAME_LEN + 1];
	struct handoff_record table[3];
	const struct handoff_record *rec;

	fill_table(test, table);
	rec = handoff_next_record(table, 3, "printk.log", NULL);
	KUNIT_EXPECT_PTR_EQ(test, rec, &table[0]);
	rec = handoff_next_record(table, 3, "printk.log", rec);
	KUNIT_EXPECT_PTR_EQ(test, rec, &table[2]);
	rec = handoff_next_record(table, 3, "printk.log", rec);
	KUNIT_EXPECT_NULL(test, rec);

	KUNIT_EXPECT_PTR_EQ(test, handoff_next_record(table, 3,
						      HANDOFF_RANGES_NAME, NULL),
			    &table[1]);
	KUNIT_EXPECT_NULL(test, handoff_next_record(table, 3, "printk", NULL));
	KUNIT_EXPECT_NULL(test, handoff_next_record(table, 3, "printk.log.x",
						    NULL));
	/* Only as many entries as the root says are looked at. */
	KUNIT_EXPECT_NULL(test, handoff_next_record(table, 2, "printk.log",
						    &table[0]));

	memset(long_name, 'p', sizeof(long_name));
	long_name[HANDOFF_NAME_LEN] = 0;
	KUNIT_EXPECT_NULL(test, handoff_next_record(table, 3, long_name, NULL));
}

/* A declaration as kernel_info.S lays it out: version, name, NUL. */
static const u8 sample_declared[] = {
	1, 0, 0, 0, 'r', 'e', 'c', '.', 'a', 0,
	7, 0, 0, 0, 'r', 'e', 'c', '.', 'b', 0,
	2, 0, 0, 0, 'r', 'e', 'c', '.', 'a', 0,
};

static void declared_records(struct kunit *test)
{
	const u8 *d = sample_declared;
	u8 broken[sizeof(sample_declared)];
	u32 len;

	KUNIT_EXPECT_TRUE(test, handoff_declares(d, sizeof(sample_declared), "rec.a", 1));
	KUNIT_EXPECT_TRUE(test, handoff_declares(d, sizeof(sample_declared), "rec.a", 2));
	KUNIT_EXPECT_TRUE(test, handoff_declares(d, sizeof(sample_declared), "rec.b", 7));
	KUNIT_EXPECT_FALSE(test, handoff_declares(d, sizeof(sample_declared), "rec.b", 1));
	KUNIT_EXPECT_FALSE(test, handoff_declares(d, sizeof(sample_declared), "rec.c", 1));
	KUNIT_EXPECT_FALSE(test, handoff_declares(d, sizeof(sample_declared), "rec", 1));
	KUNIT_EXPECT_FALSE(test, handoff_declares(NULL, 0, "rec.a", 1));
	KUNIT_EXPECT_FALSE(test, handoff_declares(d, 0, "rec.a", 1));

	/* Cut short: only whole entries before the cut count. */
	for (len = 0; len < sizeof(sample_declared); len++) {
		KUNIT_EXPECT_EQ_MSG(test, handoff_declares(d, len, "rec.a", 1), len >= 10,
				    "cut to %u bytes", len);
		KUNIT_EXPECT_EQ_MSG(test, handoff_declares(d, len, "rec.b", 7), len >= 20,
				    "cut to %u bytes", len);
		KUNIT_EXPECT_EQ_MSG(test, handoff_declares(d, len, "rec.a", 2), false,
				    "cut to %u bytes", len);
	}
	/* The last name without its NUL: the entries before it still count. */
	memcpy(broken, sample_declared, sizeof(broken));
	broken[sizeof(broken) - 1] = 'x';
	KUNIT_EXPECT_TRUE(test, handoff_declares(broken, sizeof(broken), "rec.b", 7));
	KUNIT_EXPECT_FALSE(test, handoff_declares(broken, sizeof(broken), "rec.a", 2));
	KUNIT_EXPECT_FALSE(test, handoff_declares(broken, sizeof(broken), "rec.ax", 2));
}

static struct kunit_case handoff_format_cases[] = {
	KUNIT_CASE(crc_convention),
	KUNIT_CASE(root_round_trip),
	KUNIT_CASE(root_truncated),
	KUNIT_CASE(root_every_bit_flipped),
	KUNIT_CASE(root_unknown_format),
	KUNIT_CASE(root_size_bounds),
	KUNIT_CASE(root_longer_is_read),
	KUNIT_CASE(root_record_bounds),
	KUNIT_CASE(table_every_bit_flipped),
	KUNIT_CASE(record_names),
	KUNIT_CASE(record_addresses),
	KUNIT_CASE(record_bytes),
	KUNIT_CASE(ranges_checked),
	KUNIT_CASE(records_by_name),
	KUNIT_CASE(declared_records),
	{}
};

static struct kunit_suite handoff_format_suite = {
	.name = "kexec_handoff_format",
	.test_cases = handoff_format_cases,
};

kunit_test_suite(handoff_format_suite);

/* ---------------------------------------------------------------- */
/* Spans                                                             */
/* ---------------------------------------------------------------- */

/*
 * Ranges at 100, 110, 111.., with gaps of 5, 1, 3 and 2 pages between
 * them: [100,102) [107,109) [110,112) [115,116) [118,120).
 */
static const struct handoff_pfns sample_ranges[] = {
	{ 100, 2 }, { 107, 2 }, { 110, 2 }, { 115, 1 }, { 118, 2 },
};

struct bridge_log {
	unsigned int calls;
	u64 refuse_pfn;		/* a gap starting here is refused */
	bool refuse_all;
};

static bool test_bridge(u64 pfn, u64 nr, void *arg)
{
	struct bridge_log *log = arg;

	log->calls++;
	return !log->refuse_all && pfn != log->refuse_pfn;
}

static void expect_span(struct kunit *test, const struct handoff_pfns *s,
			u64 pfn, u64 nr)
{
	KUNIT_EXPECT_EQ(test, s->pfn, pfn);
	KUNIT_EXPECT_EQ(test, s->nr, nr);
}

static void spans_when_few_ranges(struct kunit *test)
{
	struct handoff_pfns spans[5];
	struct bridge_log log = {};
	unsigned int i;

	KUNIT_ASSERT_EQ(test, handoff_coarsen(sample_ranges, 5, spans, 5, 0,
					      test_bridge, &log), 5);
	for (i = 0; i < 5; i++)
		expect_span(test, &spans[i], sample_ranges[i].pfn,
			    sample_ranges[i].nr);
	KUNIT_EXPECT_EQ(test, log.calls, 0);
}

static void spans_bridge_smallest_gaps(struct kunit *test)
{
	struct handoff_pfns spans[3];
	struct bridge_log log = {};

	/* Two gaps must go: the 1-page and the 2-page ones. */
	KUNIT_ASSERT_EQ(test, handoff_coarsen(sample_ranges, 5, spans, 3, 3,
					      test_bridge, &log), 3);
	expect_span(test, &spans[0], 100, 2);
	expect_span(test, &spans[1], 107, 5);
	expect_span(test, &spans[2], 115, 5);
	KUNIT_EXPECT_EQ(test, log.calls, 2);
}

static void spans_refused_gap_skipped(struct kunit *test)
{
	struct bridge_log log = { .refuse_pfn = 109 };
	struct handoff_pfns spans[4];

	/* The 1-page gap at 109 may not be bridged: the 2-page one is. */
	KUNIT_ASSERT_EQ(test, handoff_coarsen(sample_ranges, 5, spans, 4, 100,
					      test_bridge, &log), 4);
	expect_span(test, &spans[0], 100, 2);
	expect_span(test, &spans[1], 107, 2);
	expect_span(test, &spans[2], 110, 2);
	expect_span(test, &spans[3], 115, 5);
	KUNIT_EXPECT_EQ(test, log.calls, 2);
}

static void spans_within_budget(struct kunit *test)
{
	struct handoff_pfns spans[3];
	struct bridge_log log = {};

	/* Bridging two gaps takes 3 pages at least. */
	KUNIT_EXPECT_EQ(test, handoff_coarsen(sample_ranges, 5, spans, 3, 2,
					      test_bridge, &log), -E2BIG);
	KUNIT_EXPECT_EQ(test, handoff_coarsen(sample_ranges, 5, spans, 3, 3,
					      test_bridge, &log), 3);
}

static void spans_too_scattered(struct kunit *test)
{
	struct bridge_log log = { .refuse_all = true };
	struct handoff_pfns spans[4];

	KUNIT_EXPECT_EQ(test, handoff_coarsen(sample_ranges, 5, spans, 4,
					      U64_MAX, test_bridge, &log),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, log.calls, 4);
}

static void spans_one_covers_all(struct kunit *test)
{
	struct handoff_pfns spans[1];
	struct bridge_log log = {};

	KUNIT_ASSERT_EQ(test, handoff_coarsen(sample_ranges, 5, spans, 1,
					      U64_MAX, test_bridge, &log), 1);
	expect_span(test, &spans[0], 100, 20);
}

static struct kunit_case handoff_spans_cases[] = {
	KUNIT_CASE(spans_when_few_ranges),
	KUNIT_CASE(spans_bridge_smallest_gaps),
	KUNIT_CASE(spans_refused_gap_skipped),
	KUNIT_CASE(spans_within_budget),
	KUNIT_CASE(spans_too_scattered),
	KUNIT_CASE(spans_one_covers_all),
	{}
};

static struct kunit_suite handoff_spans_suite = {
	.name = "kexec_handoff_spans",
	.test_cases = handoff_spans_cases,
};

kunit_test_suite(handoff_spans_suite);

/*
 * The preserve and restore calls, on the running kernel: each bad call
 * fails with its errno and changes nothing, so the good call after it
 * still works.  A folio these tests preserve is always unpreserved
 * before it is freed, so no later kexec carries it.
 */
static void preserve_bad_calls(struct kunit *test)
{
	struct folio *folio = folio_alloc(GFP_KERNEL, 2);
	struct page *page;

	KUNIT_ASSERT_NOT_NULL(test, folio);
	page = &folio->page;
	KUNIT_EXPECT_EQ(test, handoff_preserve_pages(page, 0), -EINVAL);
	KUNIT_ASSERT_EQ(test, handoff_preserve_folio(folio), 0);
	/* Preserved already, whole or in part. */
	KUNIT_EXPECT_EQ(test, handoff_preserve_folio(folio), -EEXIST);
	KUNIT_EXPECT_EQ(test, handoff_preserve_pages(page + 3, 1), -EEXIST);
	KUNIT_EXPECT_EQ(test, handoff_preserve_pages(page + 1, 2), -EEXIST);
	/* Undone only with the bounds it was preserved with. */
	KUNIT_EXPECT_EQ(test, handoff_unpreserve_pages(page, 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, handoff_unpreserve_pages(page + 1, 3), -ENOENT);
	KUNIT_EXPECT_EQ(test, handoff_unpreserve_pages(page, 8), -ENOENT);
	KUNIT_EXPECT_EQ(test, handoff_unpreserve_folio(folio), 0);
	KUNIT_EXPECT_EQ(test, handoff_unpreserve_folio(folio), -ENOENT);
	/* Pages once preserved may be preserved again, in other bounds. */
	KUNIT_EXPECT_EQ(test, handoff_preserve_pages(page + 1, 2), 0);
	KUNIT_EXPECT_EQ(test, handoff_preserve_pages(page, 1), 0);
	KUNIT_EXPECT_EQ(test, handoff_unpreserve_pages(page + 1, 2), 0);
	KUNIT_EXPECT_EQ(test, handoff_unpreserve_pages(page, 1), 0);
	folio_put(folio);
}

/*
 * Bad restores.  With a hold on preserved memory (when this boot has
 * some) the lookup refuses memory that was never preserved; without one
 * (KUnit runs after late_initcall_sync, when the core let go) everything
 * is refused as released.  Either way the pages stay as they were.
 */
static void restore_bad_calls(struct kunit *test)
{
	struct page *page = alloc_pages(GFP_KERNEL, 3);
	phys_addr_t phys;
	bool held;

	KUNIT_ASSERT_NOT_NULL(test, page);
	phys = page_to_phys(page);
	held = !handoff_preserved_get();
	KUNIT_EXPECT_EQ(test, PTR_ERR(handoff_restore_folio(phys + PAGE_SIZE, 3)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(handoff_restore_folio(phys, MAX_PAGE_ORDER + 1)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, handoff_restore_pages(phys, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, handoff_restore_pages(phys + 1, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(handoff_restore_folio(phys, 3)), -ENOENT);
	KUNIT_EXPECT_EQ(test, PTR_ERR(handoff_restore_folio(phys, 0)), -ENOENT);
	KUNIT_EXPECT_EQ(test, handoff_restore_pages(phys, 8), -ENOENT);
	if (held)
		handoff_preserved_put();
	KUNIT_EXPECT_FALSE(test, PageReserved(page));
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	__free_pages(page, 3);
}

static struct kunit_case handoff_preserve_cases[] = {
	KUNIT_CASE(preserve_bad_calls),
	KUNIT_CASE(restore_bad_calls),
	{}
};

static struct kunit_suite handoff_preserve_suite = {
	.name = "kexec_handoff_preserve",
	.test_cases = handoff_preserve_cases,
};

kunit_test_suite(handoff_preserve_suite);
