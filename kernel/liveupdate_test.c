// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the check of the "liveupdate.sessions" record.
 *
 * Included by liveupdate.c when CONFIG_LIVEUPDATE_KUNIT_TEST is set.  The
 * check is fed a record as the writer lays it out, then that record cut
 * short at every length, longer than it says, and with each count, name
 * and reserved field made wrong in turn; nothing wrong may pass.
 */

#include <kunit/test.h>

#define TEST_SESSIONS	3
static const u32 test_files[TEST_SESSIONS] = { 2, 0, 3 };
#define TEST_FILES	5
#define TEST_SIZE	(sizeof(struct liveupdate_state_hdr) +			\
			 TEST_SESSIONS * sizeof(struct liveupdate_session_ent) + \
			 TEST_FILES * sizeof(struct liveupdate_file_ent))

struct test_record {
	struct liveupdate_state_hdr hdr;
	struct liveupdate_session_ent se[TEST_SESSIONS];
	struct liveupdate_file_ent fe[TEST_FILES];
};

static_assert(sizeof(struct test_record) == TEST_SIZE);

static void test_record_fill(struct test_record *r)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->hdr.nr_sessions = cpu_to_le32(TEST_SESSIONS);
	r->hdr.nr_files = cpu_to_le32(TEST_FILES);
	for (i = 0; i < TEST_SESSIONS; i++) {
		snprintf(r->se[i].name, sizeof(r->se[i].name), "session-%u", i);
		r->se[i].nr_files = cpu_to_le32(test_files[i]);
	}
	for (i = 0; i < TEST_FILES; i++) {
		r->fe[i].token = cpu_to_le64(i);
		strscpy_pad(r->fe[i].handler, LIVEUPDATE_MEMFD_HANDLER);
		r->fe[i].version = cpu_to_le32(LIVEUPDATE_MEMFD_VERSION);
	}
}

static void record_good(struct kunit *test)
{
	struct test_record r;
	struct liveupdate_state_hdr empty = {};

	test_record_fill(&r);
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&r, sizeof(r)), TEST_SESSIONS);
	/* No sessions at all is a record too. */
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&empty, sizeof(empty)), 0);
}

static void record_wrong_size(struct kunit *test)
{
	struct {
		struct test_record r;
		u8 more[8];
	} b = {};
	size_t len;

	test_record_fill(&b.r);
	for (len = 0; len < sizeof(b.r); len++)
		KUNIT_EXPECT_LT_MSG(test, liveupdate_check_record(&b, len), 0,
				    "cut to %zu bytes", len);
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&b, sizeof(b.r) + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&b, sizeof(b)), -EINVAL);
}

static void record_counts(struct kunit *test)
{
	struct test_record r;

	test_record_fill(&r);
	r.hdr.nr_sessions = cpu_to_le32(LIVEUPDATE_MAX_SESSIONS + 1);
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&r, sizeof(r)), -E2BIG);
	test_record_fill(&r);
	r.hdr.nr_files = cpu_to_le32(LIVEUPDATE_MAX_FILES + 1);
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&r, sizeof(r)), -E2BIG);
	/* Counts that do not match the size. */
	test_record_fill(&r);
	r.hdr.nr_sessions = cpu_to_le32(TEST_SESSIONS - 1);
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&r, sizeof(r)), -EINVAL);
	test_record_fill(&r);
	r.hdr.nr_files = cpu_to_le32(TEST_FILES + 1);
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&r, sizeof(r)), -EINVAL);
	/* Sessions claiming more files, or fewer, than there are. */
	test_record_fill(&r);
	r.se[0].nr_files = cpu_to_le32(test_files[0] + 1);
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&r, sizeof(r)), -EINVAL);
	test_record_fill(&r);
	r.se[2].nr_files = cpu_to_le32(test_files[2] - 1);
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&r, sizeof(r)), -EINVAL);
	test_record_fill(&r);
	r.se[1].nr_files = cpu_to_le32(U32_MAX);
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&r, sizeof(r)), -EINVAL);
}

static void record_names(struct kunit *test)
{
	struct test_record r;
	unsigned int i;

	for (i = 0; i < TEST_SESSIONS; i++) {
		test_record_fill(&r);
		memset(r.se[i].name, 0, sizeof(r.se[i].name));
		KUNIT_EXPECT_EQ_MSG(test, liveupdate_check_record(&r, sizeof(r)),
				    -EINVAL, "session %u without a name", i);
		test_record_fill(&r);
		memset(r.se[i].name, 'n', sizeof(r.se[i].name));
		KUNIT_EXPECT_EQ_MSG(test, liveupdate_check_record(&r, sizeof(r)),
				    -EINVAL, "session %u with an unterminated name", i);
		test_record_fill(&r);
		r.se[i].reserved = cpu_to_le32(1);
		KUNIT_EXPECT_EQ_MSG(test, liveupdate_check_record(&r, sizeof(r)),
				    -EINVAL, "session %u with a reserved field set", i);
	}
	test_record_fill(&r);
	strscpy_pad(r.se[2].name, r.se[0].name);
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&r, sizeof(r)), -EINVAL);

	for (i = 0; i < TEST_FILES; i++) {
		test_record_fill(&r);
		memset(r.fe[i].handler, 0, sizeof(r.fe[i].handler));
		KUNIT_EXPECT_EQ_MSG(test, liveupdate_check_record(&r, sizeof(r)),
				    -EINVAL, "file %u without a handler", i);
		test_record_fill(&r);
		memset(r.fe[i].handler, 'h', sizeof(r.fe[i].handler));
		KUNIT_EXPECT_EQ_MSG(test, liveupdate_check_record(&r, sizeof(r)),
				    -EINVAL, "file %u with an unterminated handler", i);
		test_record_fill(&r);
		r.fe[i].reserved = cpu_to_le32(1);
		KUNIT_EXPECT_EQ_MSG(test, liveupdate_check_record(&r, sizeof(r)),
				    -EINVAL, "file %u with a reserved field set", i);
	}
	/* A token twice in one session; the same token in two is fine. */
	test_record_fill(&r);
	r.fe[4].token = r.fe[2].token;
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&r, sizeof(r)), -EINVAL);
	test_record_fill(&r);
	r.fe[2].token = r.fe[0].token;
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&r, sizeof(r)), TEST_SESSIONS);

	/* A handler nobody knows is the retrieval's problem, not the record's. */
	test_record_fill(&r);
	strscpy_pad(r.fe[1].handler, "socket");
	r.fe[3].version = cpu_to_le32(99);
	KUNIT_EXPECT_EQ(test, liveupdate_check_record(&r, sizeof(r)), TEST_SESSIONS);
	KUNIT_EXPECT_PTR_EQ(test, liveupdate_find_handler("socket", 1), NULL);
	KUNIT_EXPECT_PTR_EQ(test, liveupdate_find_handler(LIVEUPDATE_MEMFD_HANDLER, 99),
			    NULL);
	KUNIT_EXPECT_PTR_EQ(test, liveupdate_find_handler(LIVEUPDATE_MEMFD_HANDLER,
							  LIVEUPDATE_MEMFD_VERSION),
			    &liveupdate_memfd_handler);
}

static void record_names_of_users(struct kunit *test)
{
	u8 name[LIVEUPDATE_SESSION_NAME_LENGTH];

	memset(name, 0, sizeof(name));
	KUNIT_EXPECT_EQ(test, liveupdate_check_name(name), -EINVAL);
	name[0] = 'a';
	KUNIT_EXPECT_EQ(test, liveupdate_check_name(name), 0);
	memset(name, 'a', sizeof(name) - 1);
	KUNIT_EXPECT_EQ(test, liveupdate_check_name(name), 0);
	memset(name, 'a', sizeof(name));
	KUNIT_EXPECT_EQ(test, liveupdate_check_name(name), -EINVAL);
}

static struct kunit_case liveupdate_record_cases[] = {
	KUNIT_CASE(record_good),
	KUNIT_CASE(record_wrong_size),
	KUNIT_CASE(record_counts),
	KUNIT_CASE(record_names),
	KUNIT_CASE(record_names_of_users),
	{}
};

static struct kunit_suite liveupdate_record_suite = {
	.name = "liveupdate_record",
	.test_cases = liveupdate_record_cases,
};

kunit_test_suite(liveupdate_record_suite);
