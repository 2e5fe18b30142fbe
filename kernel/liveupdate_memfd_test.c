// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for how a memfd's folios are gathered into runs.
 *
 * Included by liveupdate_memfd.c when CONFIG_LIVEUPDATE_KUNIT_TEST is set.
 * Folios of several orders are allocated for real, in an order unrelated
 * to their addresses; the bitmap and the sorting way of finding the runs
 * must give the same runs, in address order, each as long as it can be,
 * covering every page of every folio once.
 */

#include <kunit/test.h>

#define TEST_FOLIOS	96

static const unsigned int test_run_orders[] = { 0, 0, 2, 0, 1, 3, 0 };

/* Every page of @mh's folios in exactly one of @r's @n maximal runs. */
static void test_check_runs(struct kunit *test, struct memfd_held *mh,
			    const struct memfd_run *r, unsigned long n)
{
	unsigned long i, j, pages = 0, covered = 0;

	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_GT(test, r[i].nr, 0UL);
		covered += r[i].nr;
		/* In order, and apart: touching runs would be one. */
		if (i)
			KUNIT_EXPECT_GT(test, r[i].pfn, r[i - 1].pfn + r[i - 1].nr);
	}
	for (i = 0; i < mh->nr_folios; i++) {
		unsigned long pfn = folio_pfn(mh->folios[i]);
		unsigned long nr = folio_nr_pages(mh->folios[i]);

		pages += nr;
		for (j = 0; j < n; j++)
			if (pfn >= r[j].pfn && pfn + nr <= r[j].pfn + r[j].nr)
				break;
		KUNIT_EXPECT_LT_MSG(test, j, n, "folio at pfn %#lx in no run", pfn);
	}
	KUNIT_EXPECT_EQ(test, covered, pages);
}

static void memfd_runs_agree(struct kunit *test)
{
	unsigned long i, lo = ULONG_MAX, hi = 0, n_sorted = 0, n_mapped = 0;
	struct memfd_run *sorted, *mapped;
	struct memfd_held mh = {};

	mh.folios = kunit_kcalloc(test, TEST_FOLIOS, sizeof(*mh.folios), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mh.folios);
	for (i = 0; i < TEST_FOLIOS; i++) {
		unsigned int order = test_run_orders[i % ARRAY_SIZE(test_run_orders)];
		struct folio *folio = folio_alloc(GFP_KERNEL, order);

		if (!folio)
			break;
		mh.folios[mh.nr_folios++] = folio;
	}
	KUNIT_ASSERT_EQ(test, mh.nr_folios, (unsigned long)TEST_FOLIOS);
	/* Not in address order: swap pairs from both ends. */
	for (i = 0; i < TEST_FOLIOS / 2; i += 3)
		swap(mh.folios[i], mh.folios[TEST_FOLIOS - 1 - i]);
	for (i = 0; i < mh.nr_folios; i++) {
		lo = min(lo, folio_pfn(mh.folios[i]));
		hi = max(hi, folio_pfn(mh.folios[i]) + folio_nr_pages(mh.folios[i]));
	}

	sorted = memfd_sorted_runs(&mh, &n_sorted);
	mapped = memfd_mapped_runs(&mh, lo, hi - lo, &n_mapped);
	KUNIT_EXPECT_NOT_NULL(test, sorted);
	KUNIT_EXPECT_NOT_NULL(test, mapped);
	if (sorted && mapped) {
		test_check_runs(test, &mh, sorted, n_sorted);
		test_check_runs(test, &mh, mapped, n_mapped);
		KUNIT_EXPECT_EQ(test, n_sorted, n_mapped);
		if (n_sorted == n_mapped)
			KUNIT_EXPECT_EQ(test, memcmp(sorted, mapped,
						     n_sorted * sizeof(*sorted)), 0);
	}
	kvfree(sorted);
	kvfree(mapped);
	for (i = 0; i < mh.nr_folios; i++)
		folio_put(mh.folios[i]);
}

/* @r holds the @n runs [@pfn, @pfn + 2) and [@pfn + 3, @pfn + 4). */
static void test_expect_split_runs(struct kunit *test, const struct memfd_run *r,
				   unsigned long n, unsigned long pfn)
{
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, n, 2UL);
	KUNIT_EXPECT_EQ(test, r[0].pfn, pfn);
	KUNIT_EXPECT_EQ(test, r[0].nr, 2UL);
	KUNIT_EXPECT_EQ(test, r[1].pfn, pfn + 3);
	KUNIT_EXPECT_EQ(test, r[1].nr, 1UL);
}

/* Two folios that touch make one run; a gap makes two. */
static void memfd_runs_join(struct kunit *test)
{
	struct page *four = alloc_pages(GFP_KERNEL, 2);
	struct memfd_held mh = {};
	struct folio *folios[3];
	struct memfd_run *r;
	unsigned long n = 0;
	unsigned long pfn;

	KUNIT_ASSERT_NOT_NULL(test, four);
	split_page(four, 2);
	pfn = page_to_pfn(four);
	/* Pages 3, 0, 1 of the four: runs [0, 2) and [3, 4). */
	folios[0] = page_folio(pfn_to_page(pfn + 3));
	folios[1] = page_folio(pfn_to_page(pfn));
	folios[2] = page_folio(pfn_to_page(pfn + 1));
	mh.folios = folios;
	mh.nr_folios = ARRAY_SIZE(folios);

	r = memfd_mapped_runs(&mh, pfn, 4, &n);
	test_expect_split_runs(test, r, n, pfn);
	kvfree(r);
	r = memfd_sorted_runs(&mh, &n);
	test_expect_split_runs(test, r, n, pfn);
	kvfree(r);
	for (n = 0; n < 4; n++)
		__free_page(pfn_to_page(pfn + n));
}

static struct kunit_case liveupdate_memfd_runs_cases[] = {
	KUNIT_CASE(memfd_runs_agree),
	KUNIT_CASE(memfd_runs_join),
	{}
};

static struct kunit_suite liveupdate_memfd_runs_suite = {
	.name = "liveupdate_memfd_runs",
	.test_cases = liveupdate_memfd_runs_cases,
};

kunit_test_suite(liveupdate_memfd_runs_suite);
