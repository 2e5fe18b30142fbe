// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kexec_file_load() segment placement.
 *
 * Included by kexec_file.c when CONFIG_KEXEC_FILE_KUNIT_TEST is set.
 * kexec_find_place() is judged on made-up memory maps, with a fake "try"
 * standing in for the page allocator: it can refuse candidates that touch
 * a blocked range (saying where, as the real one does), refuse a number of
 * candidates blindly, or fail outright.  kexec_file_add_segment() is judged
 * against the real page allocator.
 */

#include <kunit/test.h>
#include <linux/sizes.h>

#define PL_MAX_RANGES	3

struct place_case {
	const char *name;
	struct range ram[PL_MAX_RANGES];
	unsigned int nr_ram;
	struct range busy[PL_MAX_RANGES];
	unsigned int nr_busy;
	struct kexec_place want;
	bool use_try;
	struct range blocked;		/* try refuses candidates touching it */
	unsigned int refuse;		/* try refuses this many first */
	int fail;			/* try fails with this instead */
	int expect;
	u64 expect_where;
	unsigned int expect_tries;	/* 0: do not check */
};

struct place_try {
	const struct place_case *c;
	unsigned int calls;
};

static int place_fake_try(void *ctx, u64 start, u64 size, u64 *hint)
{
	struct place_try *t = ctx;
	const struct place_case *c = t->c;

	t->calls++;
	if (c->fail)
		return c->fail;
	if (c->blocked.end && start <= c->blocked.end &&
	    c->blocked.start <= start + size - 1) {
		*hint = c->blocked.start;
		return -EBUSY;
	}
	if (t->calls <= c->refuse)
		return -EBUSY;
	return 0;
}

#define R(_s, _e)	{ .start = (_s), .end = (_e) - 1 }
#define WANT(_size, _align, _min, _max) \
	{ .size = (_size), .align = (_align), .min = (_min), .max = (_max) }
#define WANT_LOW(_size, _align, _min, _max) \
	{ .size = (_size), .align = (_align), .min = (_min), .max = (_max), \
	  .low_first = true }

static const struct place_case place_cases[] = {
	{ "highest aligned fit", { R(SZ_1M, SZ_512M) }, 1, {}, 0,
	  WANT(SZ_16M, SZ_2M, SZ_16M, U64_MAX), false, {}, 0, 0, 0,
	  SZ_512M - SZ_16M },
	{ "end of RAM not aligned", { R(SZ_1M, SZ_512M - SZ_4K) }, 1, {}, 0,
	  WANT(SZ_16M, SZ_2M, SZ_16M, U64_MAX), false, {}, 0, 0, 0,
	  SZ_512M - SZ_16M - SZ_2M },
	{ "below max", { R(SZ_1M, SZ_512M) }, 1, {}, 0,
	  WANT(SZ_16M, SZ_2M, 0, SZ_256M), false, {}, 0, 0, 0,
	  SZ_256M - SZ_16M },
	{ "exactly fills the range", { R(SZ_16M, SZ_32M) }, 1, {}, 0,
	  WANT(SZ_16M, SZ_2M, 0, U64_MAX), false, {}, 0, 0, 0, SZ_16M },
	{ "nothing above min", { R(SZ_1M, SZ_16M) }, 1, {}, 0,
	  WANT(SZ_4K, SZ_4K, SZ_16M, U64_MAX), false, {}, 0, 0,
	  -EADDRNOTAVAIL, 0 },
	{ "too big for any range", { R(SZ_1M, SZ_16M), R(SZ_32M, SZ_64M) }, 2,
	  {}, 0, WANT(SZ_64M, SZ_4K, 0, U64_MAX), false, {}, 0, 0,
	  -EADDRNOTAVAIL, 0 },
	{ "lower range when the upper is small",
	  { R(SZ_1M, SZ_128M), R(SZ_256M, SZ_256M + SZ_4M) }, 2, {}, 0,
	  WANT(SZ_16M, SZ_2M, 0, U64_MAX), false, {}, 0, 0, 0,
	  SZ_128M - SZ_16M },
	{ "below a busy segment", { R(SZ_1M, SZ_512M) }, 1,
	  { R(SZ_512M - SZ_32M, SZ_512M) }, 1,
	  WANT(SZ_16M, SZ_2M, 0, U64_MAX), false, {}, 0, 0, 0,
	  SZ_512M - SZ_32M - SZ_16M },
	{ "between busy segments", { R(0, SZ_64M) }, 1,
	  { R(SZ_32M + SZ_4K, SZ_64M), R(0, SZ_16M) }, 2,
	  WANT(SZ_16M, SZ_4K, 0, U64_MAX), false, {}, 0, 0, 0, SZ_16M + SZ_4K },
	{ "busy everywhere", { R(0, SZ_64M) }, 1,
	  { R(0, SZ_32M), R(SZ_32M, SZ_64M) }, 2,
	  WANT(SZ_4K, SZ_4K, 0, U64_MAX), false, {}, 0, 0, -EADDRNOTAVAIL, 0 },
	{ "try takes the first", { R(SZ_1M, SZ_512M) }, 1, {}, 0,
	  WANT(SZ_16M, SZ_2M, 0, U64_MAX), true, {}, 0, 0, 0,
	  SZ_512M - SZ_16M, 1 },
	{ "try skips below the blocked page", { R(SZ_1M, SZ_512M) }, 1, {}, 0,
	  WANT(SZ_64M, SZ_4K, 0, U64_MAX), true,
	  R(SZ_512M - SZ_16M, SZ_512M - SZ_16M + SZ_4K), 0, 0, 0,
	  SZ_512M - SZ_16M - SZ_64M, 2 },
	{ "try refuses blindly: one step each", { R(SZ_1M, SZ_512M) }, 1, {}, 0,
	  WANT(SZ_16M, SZ_2M, 0, U64_MAX), true, {}, 3, 0, 0,
	  SZ_512M - SZ_16M - 3 * SZ_2M, 4 },
	{ "try refuses all", { R(SZ_64M, SZ_64M + SZ_16M) }, 1, {}, 0,
	  WANT(SZ_4M, SZ_4M, 0, U64_MAX), true, {}, 100, 0, -EADDRNOTAVAIL,
	  0, 4 },
	{ "try error stops the search", { R(SZ_1M, SZ_512M) }, 1, {}, 0,
	  WANT(SZ_16M, SZ_2M, 0, U64_MAX), true, {}, 0, -ENOSPC, -ENOSPC,
	  0, 1 },
	{ "low first: lowest aligned fit above min", { R(SZ_1M, SZ_512M) }, 1,
	  {}, 0, WANT_LOW(SZ_16M, SZ_2M, SZ_16M + SZ_4K, U64_MAX), false, {}, 0,
	  0, 0, SZ_16M + SZ_2M },
	{ "low first: lower range first",
	  { R(SZ_1M, SZ_64M), R(SZ_256M, SZ_512M) }, 2, {}, 0,
	  WANT_LOW(SZ_16M, SZ_2M, SZ_16M, U64_MAX), false, {}, 0, 0, 0, SZ_16M },
	{ "low first: upper range when the lower is small",
	  { R(SZ_1M, SZ_16M + SZ_4M), R(SZ_256M, SZ_512M) }, 2, {}, 0,
	  WANT_LOW(SZ_16M, SZ_2M, SZ_16M, U64_MAX), false, {}, 0, 0, 0, SZ_256M },
	{ "low first: above busy segments", { R(0, SZ_128M) }, 1,
	  { R(SZ_16M, SZ_32M + SZ_4K), R(SZ_32M + SZ_8M, SZ_64M) }, 2,
	  WANT_LOW(SZ_16M, SZ_2M, SZ_16M, U64_MAX), false, {}, 0, 0, 0, SZ_64M },
	{ "low first: between busy segments", { R(0, SZ_128M) }, 1,
	  { R(SZ_64M, SZ_128M), R(0, SZ_16M) }, 2,
	  WANT_LOW(SZ_16M, SZ_4K, 0, U64_MAX), false, {}, 0, 0, 0, SZ_16M },
	{ "low first: below max or nowhere", { R(SZ_1M, SZ_512M) }, 1,
	  { R(SZ_16M, SZ_256M) }, 1, WANT_LOW(SZ_16M, SZ_2M, SZ_16M, SZ_256M),
	  false, {}, 0, 0, -EADDRNOTAVAIL, 0 },
	{ "low first: try skips above the blocked page", { R(SZ_1M, SZ_512M) },
	  1, {}, 0, WANT_LOW(SZ_64M, SZ_2M, SZ_16M, U64_MAX), true,
	  R(SZ_32M + SZ_4K, SZ_32M + SZ_8K), 0, 0, 0, SZ_32M + SZ_2M, 2 },
	{ "low first: try refuses blindly: one step each", { R(SZ_1M, SZ_512M) },
	  1, {}, 0, WANT_LOW(SZ_16M, SZ_2M, SZ_16M, U64_MAX), true, {}, 3, 0, 0,
	  SZ_16M + 3 * SZ_2M, 4 },
	{ "low first: try refuses all", { R(SZ_64M, SZ_64M + SZ_16M) }, 1, {}, 0,
	  WANT_LOW(SZ_4M, SZ_4M, 0, U64_MAX), true, {}, 100, 0, -EADDRNOTAVAIL,
	  0, 4 },
	{ "low first: top of the address space", { R(U64_MAX - SZ_16M + 1, 0) },
	  1, {}, 0, WANT_LOW(SZ_8M, SZ_4M, 0, U64_MAX), true, {}, 100, 0,
	  -EADDRNOTAVAIL, 0, 2 },
	{ "zero size", { R(SZ_1M, SZ_512M) }, 1, {}, 0,
	  WANT(0, SZ_4K, 0, U64_MAX), false, {}, 0, 0, -EINVAL, 0 },
	{ "alignment not a power of two", { R(SZ_1M, SZ_512M) }, 1, {}, 0,
	  WANT(SZ_4K, 3 * SZ_4K, 0, U64_MAX), false, {}, 0, 0, -EINVAL, 0 },
};

static void place_case_desc(const struct place_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(place, place_cases, place_case_desc);

static void kexec_find_place_test(struct kunit *test)
{
	const struct place_case *c = test->param_value;
	struct place_try t = { .c = c };
	u64 where = 0;
	int ret;

	ret = kexec_find_place(c->ram, c->nr_ram, c->busy, c->nr_busy, &c->want,
			       c->use_try ? place_fake_try : NULL, &t, &where);
	KUNIT_EXPECT_EQ(test, c->expect, ret);
	if (!ret) {
		KUNIT_EXPECT_EQ(test, c->expect_where, where);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(where, c->want.align));
	}
	if (c->expect_tries)
		KUNIT_EXPECT_EQ(test, c->expect_tries, t.calls);
}

/*
 * A segment that could not be claimed is moved to its destination at exec
 * time, over whatever lives there then.  A small segment added after it
 * takes a block from the page allocator, which is free memory now but may
 * lie inside that destination.  Make it so: learn which block the
 * allocator hands out next, put the unclaimed segment over it, and check
 * that the small segments still land elsewhere.  A block this small comes
 * from the per-CPU free lists, last freed first out, so the test stays on
 * one CPU while it runs.
 */
/* Segment 0 unclaimed, ending with the block at @next; then small ones. */
static int claim_test_fill(struct kexec_file *kf, u64 next, u64 small, u64 big)
{
	struct kexec_place want = WANT(big, PAGE_SIZE, next + small - big,
				       next + small);
	bool claim = kexec_file_claim;
	unsigned long mem;
	unsigned int n;
	int ret;

	kexec_file_claim = false;
	ret = kexec_file_add_segment(kf, NULL, 0, &want, &mem);
	kexec_file_claim = claim;

	want = (struct kexec_place)WANT(small, PAGE_SIZE, 0, U64_MAX);
	for (n = 1; n < 4 && !ret; n++)
		ret = kexec_file_add_segment(kf, NULL, 0, &want, &mem);
	return ret;
}

static void kexec_claim_avoids_moved_test(struct kunit *test)
{
	const u64 small = SZ_16K, big = SZ_1M;
	struct kexec_file kf = {};
	struct kimage *image;
	struct page *probe;
	unsigned int i;
	u64 next = 0;
	int ret = -ENOMEM;

	image = kunit_kzalloc(test, sizeof(*image), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, image);
	image->type = KEXEC_TYPE_DEFAULT;
	kf.image = image;

	migrate_disable();
	probe = alloc_pages(GFP_KERNEL, get_order(small));
	if (probe) {
		next = page_to_phys(probe);
		__free_pages(probe, get_order(small));
		/* Below 2 MiB the window could meet the hole under 1 MiB. */
		ret = next < SZ_2M ? -ERANGE :
				     claim_test_fill(&kf, next, small, big);
	}
	migrate_enable();
	if (ret == -ERANGE)
		kunit_skip(test, "the allocator hands out %#llx, below 2 MiB", next);

	KUNIT_EXPECT_EQ(test, 0, ret);
	KUNIT_EXPECT_EQ(test, 4, image->nr_segments);
	KUNIT_EXPECT_EQ(test, next + small - big, image->segment[0].mem);
	KUNIT_EXPECT_FALSE(test, image->claimed & BIT(0));
	for (i = 1; i < image->nr_segments; i++) {
		const struct kexec_segment *s = &image->segment[i];

		KUNIT_EXPECT_FALSE_MSG(test, s->mem < next + small &&
				       next + small - big < s->mem + s->memsz,
				       "segment %u at %#lx lies where segment 0 goes",
				       i, s->mem);
		if (image->claimed & BIT(i))
			kimage_release_range(s->mem, s->memsz);
	}
}

static struct kexec_shadow *shadow_of(void *buf)
{
	struct kexec_shadow *shadow;

	list_for_each_entry(shadow, &kexec_shadows, list)
		if (shadow->buf == buf)
			return shadow;
	return NULL;
}

/*
 * A segment added for another subsystem is lent out as a copy: what is
 * written to the copy reaches the image, with a new digest, only when it
 * is committed, and never once the image is gone.
 */
static void kexec_shadow_test(struct kunit *test)
{
	const struct kexec_place want = WANT(PAGE_SIZE, PAGE_SIZE, 0, U64_MAX);
	struct kexec_buf kbuf = { .bufsz = 5, .memsz = 2 * PAGE_SIZE,
				  .buf_align = PAGE_SIZE, .buf_max = ULONG_MAX,
				  .top_down = true, .buffer = "hello" };
	struct kexec_file kf = { .extra_max = U64_MAX };
	bool claim = kexec_file_claim;
	struct kimage *image = NULL;
	unsigned long digests;
	unsigned int i;
	char *data, *buf;
	u64 *digest;
	int ret;

	/* As in a load: the shadows are kept under the kexec lock. */
	KUNIT_ASSERT_TRUE(test, kexec_trylock());
	image = kimage_create(0, KEXEC_TYPE_DEFAULT, NULL, 0);
	KUNIT_EXPECT_NOT_NULL(test, image);
	if (!image)
		goto out;
	image->kernel_sources = true;
	image->file = &kf;
	kf.image = image;
	kbuf.image = image;

	/* Requests the image cannot take leave it as it was. */
	kbuf.bufsz = kbuf.memsz + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, kexec_add_buffer(&kbuf));
	kbuf.bufsz = 5;
	kbuf.buf_align = 3 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, -EINVAL, kexec_add_buffer(&kbuf));
	kbuf.buf_align = PAGE_SIZE;
	image->file = NULL;
	KUNIT_EXPECT_EQ(test, -EINVAL, kexec_add_buffer(&kbuf));
	image->file = &kf;
	KUNIT_EXPECT_EQ(test, 0, image->nr_segments);

	kexec_file_claim = true;
	ret = kexec_add_buffer(&kbuf);
	if (!ret)
		ret = kexec_file_add_segment(&kf, NULL, 0, &want, &digests);
	kexec_file_claim = claim;
	for (i = 0; !ret && i < image->nr_segments; i++)
		ret = kimage_stage_segment(image, i);
	KUNIT_EXPECT_EQ(test, 0, ret);
	KUNIT_EXPECT_EQ(test, 3, image->claimed);
	if (ret || image->claimed != 3)
		goto out;
	/* The whole segment is data, zeros after what the caller gave. */
	KUNIT_EXPECT_EQ(test, 2 * PAGE_SIZE, image->segment[0].bufsz);
	data = phys_to_virt(kbuf.mem);
	KUNIT_EXPECT_MEMEQ(test, data, "hello", 5);
	KUNIT_EXPECT_EQ(test, 0, data[PAGE_SIZE + 7]);
	image->digest_table = digests;
	image->digest_stride = sizeof(u64);
	digest = phys_to_virt(digests);

	KUNIT_EXPECT_NULL(test, kimage_map_segment(image, kbuf.mem + PAGE_SIZE, 1));
	buf = kimage_map_segment(image, kbuf.mem, kbuf.memsz);
	KUNIT_EXPECT_NOT_NULL(test, buf);
	if (!buf)
		goto out;
	KUNIT_EXPECT_MEMEQ(test, buf, "hello", 5);
	memcpy(buf + PAGE_SIZE, "world", 5);
	/* Not booting this image: dropped. */
	kimage_unmap_segment(buf);
	KUNIT_EXPECT_EQ(test, 0, data[PAGE_SIZE]);

	buf = kimage_map_segment(image, kbuf.mem, kbuf.memsz);
	KUNIT_EXPECT_NOT_NULL(test, shadow_of(buf));
	if (!shadow_of(buf))
		goto out;
	memcpy(buf + PAGE_SIZE, "world", 5);
	kexec_shadow_commit(shadow_of(buf));
	KUNIT_EXPECT_MEMEQ(test, data + PAGE_SIZE, "world", 5);
	KUNIT_EXPECT_EQ(test, xxh64(data, 2 * PAGE_SIZE, 0), *digest);
	kimage_unmap_segment(buf);

	/* A copy that outlives its image writes nowhere. */
	buf = kimage_map_segment(image, kbuf.mem, kbuf.memsz);
	kimage_destroy(image);
	image = NULL;
	KUNIT_EXPECT_NOT_NULL(test, shadow_of(buf));
	if (shadow_of(buf))
		KUNIT_EXPECT_NULL(test, shadow_of(buf)->image);
	kimage_unmap_segment(buf);
	KUNIT_EXPECT_NULL(test, shadow_of(buf));
	KUNIT_EXPECT_TRUE(test, list_empty(&kexec_shadows));
out:
	kimage_destroy(image);
	kexec_unlock();
	for (i = 0; i < kf.nr_buffers; i++)
		kvfree(kf.buffers[i]);
}

static struct kunit_case kexec_file_cases[] = {
	KUNIT_CASE_PARAM(kexec_find_place_test, place_gen_params),
	KUNIT_CASE(kexec_claim_avoids_moved_test),
	KUNIT_CASE(kexec_shadow_test),
	{}
};

static struct kunit_suite kexec_file_suite = {
	.name = "kexec_file_place",
	.test_cases = kexec_file_cases,
};

kunit_test_suite(kexec_file_suite);
