// SPDX-License-Identifier: GPL-2.0-only
/*
 * kexec handoff: memory that stays where it is across a kexec reboot.
 *
 * Design
 * ------
 * A subsystem preserves pages it owns (handoff_preserve_folio(),
 * handoff_preserve_pages()) and tells the next kernel, in a record of its
 * own, where they are and what they hold.  Nothing is copied.  When the
 * reboot begins, the core lists the preserved memory twice: exactly, as
 * sorted page frame ranges ("handoff.ranges", in parts), and coarsely, as
 * at most HANDOFF_SPANS_OUT spans ("handoff.spans") that cover every range
 * and bridge the smallest gaps between them.  The metadata grows with the
 * number of ranges, not of pages.
 *
 * The next kernel must not give a preserved page to its allocator before
 * it knows about it.  Preserved memory goes only to an image that starts
 * without its decompressor (its loader unpacked it), and memblock cannot
 * allocate before the firmware's memory map is added to it; right after
 * that the architecture calls handoff_reserve_preserved(), which reserves
 * the spans.  At postcore_initcall the exact ranges are read and the gaps
 * the spans bridged are freed; owners then take their pages back with
 * handoff_restore_folio() and handoff_restore_pages().  Whatever is still
 * preserved when the last holder lets go is freed: the core holds until
 * late_initcall_sync, a subsystem that restores later holds longer
 * (handoff_preserved_get()).
 *
 * Gaps the writer bridges hold no page it had reserved, no segment's
 * destination and none of the handoff's own pages; the reader refuses
 * spans that meet memory reserved before them.  So freeing a gap gives the
 * allocator ordinary memory and nothing else.
 */

#define pr_fmt(fmt)	"handoff: " fmt

#include <linux/bitmap.h>
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/kexec_handoff.h>
#include <linux/maple_tree.h>
#include <linux/memblock.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pfn.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include <asm/early_ioremap.h>

#include "../mm/internal.h"
#include "kexec_internal.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX	"handoff."

/* Most spans a writer makes; the reader takes up to HANDOFF_MAX_SPANS. */
#define HANDOFF_SPANS_OUT	1024
#define HANDOFF_MAX_SPANS	4096
/* One part of "handoff.ranges": 512 KiB, 32768 ranges. */
#define HANDOFF_PART_ORDER	7
#define HANDOFF_PART_RANGES	((PAGE_SIZE << HANDOFF_PART_ORDER) / \
				 sizeof(struct handoff_range))
/* Parts a reader takes. */
#define HANDOFF_MAX_PARTS	64
/* Pages the spans may bridge beyond the preserved ones themselves. */
#define HANDOFF_SLACK_PAGES	(SZ_256M >> PAGE_SHIFT)

static_assert(HANDOFF_SPANS_OUT * sizeof(struct handoff_range) <=
	      PAGE_SIZE << HANDOFF_PART_ORDER);

/* ---------------------------------------------------------------- */
/* Spans                                                             */
/* ---------------------------------------------------------------- */

struct handoff_gap {
	u64 pages;
	unsigned long after;	/* index of the range before the gap */
};

static int handoff_gap_cmp(const void *a, const void *b)
{
	const struct handoff_gap *x = a, *y = b;

	if (x->pages != y->pages)
		return x->pages < y->pages ? -1 : 1;
	return x->after < y->after ? -1 : x->after > y->after;
}

/**
 * handoff_coarsen() - Cover ranges with fewer spans.
 * @r: Sorted ranges, neither overlapping nor adjacent.
 * @n: Number of them, at least one.
 * @spans: Receives at most @max spans.
 * @max: Most spans wanted, at least one.
 * @budget: Most pages the spans may cover beyond @r.
 * @bridge: Says whether the gap of @nr pages at @pfn may be covered.
 * @arg: Passed to @bridge.
 *
 * The smallest gaps are bridged first, so the spans cover as little as
 * they can; @bridge is asked only about gaps that would be bridged.
 *
 * Context: Process context; may sleep.
 * Return: The number of spans, -E2BIG when @max spans cannot cover @r
 * within @budget, -ENOMEM.
 */
long handoff_coarsen(const struct handoff_pfns *r, unsigned long n,
		     struct handoff_pfns *spans, unsigned long max, u64 budget,
		     bool (*bridge)(u64 pfn, u64 nr, void *arg), void *arg)
{
	unsigned long need = n > max ? n - max : 0;
	struct handoff_gap *gaps = NULL;
	unsigned long *bridged = NULL;
	unsigned long i, out = 0;
	long ret;

	if (need) {
		gaps = kvmalloc_array(n - 1, sizeof(*gaps), GFP_KERNEL);
		bridged = bitmap_zalloc(n - 1, GFP_KERNEL);
		ret = -ENOMEM;
		if (!gaps || !bridged)
			goto out;
		for (i = 0; i + 1 < n; i++) {
			gaps[i].pages = r[i + 1].pfn - (r[i].pfn + r[i].nr);
			gaps[i].after = i;
		}
		sort(gaps, n - 1, sizeof(*gaps), handoff_gap_cmp, NULL);
		for (i = 0; i + 1 < n && need; i++) {
			const struct handoff_gap *gap = &gaps[i];
			const struct handoff_pfns *before = &r[gap->after];

			if (gap->pages > budget)
				break;
			if (!bridge(before->pfn + before->nr, gap->pages, arg))
				continue;
			__set_bit(gap->after, bridged);
			budget -= gap->pages;
			need--;
		}
		ret = -E2BIG;
		if (need)
			goto out;
	}
	for (i = 0; i < n; i++) {
		if (bridged && i && test_bit(i - 1, bridged))
			spans[out - 1].nr = r[i].pfn + r[i].nr - spans[out - 1].pfn;
		else
			spans[out++] = r[i];
	}
	ret = out;
out:
	bitmap_free(bridged);
	kvfree(gaps);
	return ret;
}

/* ---------------------------------------------------------------- */
/* Preserving                                                        */
/* ---------------------------------------------------------------- */

/*
 * Preserved page frame ranges, one entry per call, in a maple tree so
 * that a call costs O(log n) and overlaps are refused.  Written under
 * handoff_mem_lock, which also orders them with the freeze.
 */
static DEFINE_MUTEX(handoff_mem_lock);
static DEFINE_MTREE(handoff_mem);
static unsigned long handoff_mem_pages;		/* [handoff_mem_lock] */
static bool handoff_mem_frozen;			/* [handoff_mem_lock] */

static bool handoff_discard;
module_param_named(discard_preserved, handoff_discard, bool, 0644);
MODULE_PARM_DESC(discard_preserved,
		 "Reboot into an image that cannot take preserved memory, leaving that memory behind");

/**
 * handoff_preserve_pages() - Keep pages where they are for the next kernel.
 * @page: First page.
 * @nr: Number of pages, physically contiguous from @page.
 *
 * The pages keep their contents across the kexec reboot; the caller
 * tells the next kernel where they are in a record of its own, and keeps
 * them allocated until the reboot.  Preserving makes no copy and takes no
 * reference.
 *
 * Context: Process context.
 * Return: 0, -EINVAL for no pages, -EEXIST when one of them is preserved
 * already, -EBUSY once the kexec reboot has begun, -ENOMEM.
 */
int handoff_preserve_pages(struct page *page, unsigned long nr)
{
	unsigned long pfn = page_to_pfn(page);
	int ret;

	if (!nr || pfn + nr < pfn)
		return -EINVAL;
	guard(mutex)(&handoff_mem_lock);
	if (handoff_mem_frozen)
		return -EBUSY;
	ret = mtree_insert_range(&handoff_mem, pfn, pfn + nr - 1,
				 xa_mk_value(0), GFP_KERNEL);
	if (!ret)
		handoff_mem_pages += nr;
	return ret;
}
EXPORT_SYMBOL_GPL(handoff_preserve_pages);

/**
 * handoff_unpreserve_pages() - Undo handoff_preserve_pages().
 * @page: First page, as it was preserved.
 * @nr: Number of pages, as they were preserved.
 *
 * Context: Process context.
 * Return: 0, -ENOENT when exactly these pages were not preserved by one
 * call, -EBUSY once the kexec reboot has begun.
 */
int handoff_unpreserve_pages(struct page *page, unsigned long nr)
{
	MA_STATE(mas, &handoff_mem, 0, 0);
	unsigned long pfn = page_to_pfn(page);
	void *entry;

	guard(mutex)(&handoff_mem_lock);
	if (handoff_mem_frozen)
		return -EBUSY;
	mas_set(&mas, pfn);
	mtree_lock(&handoff_mem);
	entry = mas_walk(&mas);
	if (!entry || mas.index != pfn || mas.last != pfn + nr - 1) {
		mtree_unlock(&handoff_mem);
		return -ENOENT;
	}
	mas_erase(&mas);
	mtree_unlock(&handoff_mem);
	handoff_mem_pages -= nr;
	return 0;
}
EXPORT_SYMBOL_GPL(handoff_unpreserve_pages);

/**
 * handoff_preserve_folio() - Keep a folio where it is for the next kernel.
 * @folio: The folio; the next kernel restores it with its order.
 *
 * Context: Process context.
 * Return: See handoff_preserve_pages().
 */
int handoff_preserve_folio(struct folio *folio)
{
	return handoff_preserve_pages(&folio->page, folio_nr_pages(folio));
}
EXPORT_SYMBOL_GPL(handoff_preserve_folio);

/**
 * handoff_unpreserve_folio() - Undo handoff_preserve_folio().
 * @folio: The folio.
 *
 * Context: Process context.
 * Return: See handoff_unpreserve_pages().
 */
int handoff_unpreserve_folio(struct folio *folio)
{
	return handoff_unpreserve_pages(&folio->page, folio_nr_pages(folio));
}
EXPORT_SYMBOL_GPL(handoff_unpreserve_folio);

/* The preserved ranges, adjacent ones joined, in a new array. */
static struct handoff_pfns *handoff_mem_ranges(unsigned long *nr)
{
	MA_STATE(mas, &handoff_mem, 0, 0);
	unsigned long n = 0, entries = 0;
	struct handoff_pfns *r;
	void *entry;

	rcu_read_lock();
	mas_for_each(&mas, entry, ULONG_MAX)
		entries++;
	rcu_read_unlock();

	r = kvmalloc_array(entries, sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	/* handoff_mem_lock is held: the tree is as it was counted. */
	mas_set(&mas, 0);
	rcu_read_lock();
	mas_for_each(&mas, entry, ULONG_MAX) {
		if (n && r[n - 1].pfn + r[n - 1].nr == mas.index) {
			r[n - 1].nr += mas.last - mas.index + 1;
			continue;
		}
		if (WARN_ON_ONCE(n == entries))
			break;
		r[n].pfn = mas.index;
		r[n].nr = mas.last - mas.index + 1;
		n++;
	}
	rcu_read_unlock();
	*nr = n;
	return r;
}

/*
 * May the gap of @nr pages at @pfn be bridged?  Only if the next kernel
 * can free it again: all of it ordinary memory this kernel has not
 * reserved, no segment goes there, no page of the handoff or of a trial's
 * fallback lies there.
 */
static bool handoff_mem_bridge(u64 pfn, u64 nr, void *arg)
{
	const struct kimage *image = arg;
	u64 i;

	if (kimage_meets_destination(image, PFN_PHYS(pfn), nr << PAGE_SHIFT) ||
	    handoff_out_meets(image->handoff, PFN_PHYS(pfn), nr << PAGE_SHIFT) ||
	    kexec_trial_meets(PFN_PHYS(pfn), nr << PAGE_SHIFT))
		return false;
	for (i = 0; i < nr; i++) {
		if (!pfn_valid(pfn + i) || PageReserved(pfn_to_page(pfn + i)))
			return false;
		if (!(i % 4096))
			cond_resched();
	}
	return true;
}

static void handoff_encode(void *buf, const struct handoff_pfns *r,
			   unsigned long n)
{
	struct handoff_range *out = buf;
	unsigned long i;

	for (i = 0; i < n; i++) {
		out[i].pfn = cpu_to_le64(r[i].pfn);
		out[i].nr_pages = cpu_to_le64(r[i].nr);
	}
}

static int handoff_mem_add(struct kimage *image, const char *name,
			   size_t size)
{
	struct handoff_out *out = image->handoff;
	unsigned int order = get_order(size);
	void *buf;

	if (WARN_ON_ONCE(out->nr_mem == HANDOFF_MEM_RECORDS))
		return -E2BIG;
	buf = handoff_alloc(image, order);
	if (!buf)
		return -ENOMEM;
	out->mem[out->nr_mem].buf = buf;
	out->mem[out->nr_mem].order = order;
	out->mem[out->nr_mem].size = size;
	out->mem[out->nr_mem].name = name;
	out->nr_mem++;
	return 0;
}

/**
 * handoff_mem_free() - Free the records of preserved memory.
 * @out: Handoff they were written for.
 *
 * Context: Process context.
 */
void handoff_mem_free(struct handoff_out *out)
{
	unsigned int i;

	for (i = 0; i < out->nr_mem; i++)
		free_pages((unsigned long)out->mem[i].buf, out->mem[i].order);
	out->nr_mem = 0;
}

/* Write "handoff.spans" and the parts of "handoff.ranges". */
static int handoff_mem_write(struct kimage *image,
			     const struct handoff_pfns *r, unsigned long n)
{
	struct handoff_out *out = image->handoff;
	struct handoff_pfns *spans;
	unsigned long i, parts;
	long nr_spans;
	int ret;

	for (i = 0; i < n; i++) {
		if (kimage_meets_destination(image, PFN_PHYS(r[i].pfn),
					     r[i].nr << PAGE_SHIFT)) {
			pr_err("reboot refused: preserved memory at %#llx is where the loaded image goes\n",
			       PFN_PHYS(r[i].pfn));
			return -EBUSY;
		}
	}
	parts = DIV_ROUND_UP(n, HANDOFF_PART_RANGES);
	if (parts > HANDOFF_MEM_RECORDS - 1) {
		pr_err("reboot refused: preserved memory is in %lu ranges, more than a handoff lists\n",
		       n);
		return -E2BIG;
	}

	/* Every buffer first: the spans must not bridge any of them. */
	ret = handoff_mem_add(image, HANDOFF_SPANS_NAME,
			      HANDOFF_SPANS_OUT * sizeof(struct handoff_range));
	for (i = 0; !ret && i < parts; i++)
		ret = handoff_mem_add(image, HANDOFF_RANGES_NAME,
				      min(n - i * HANDOFF_PART_RANGES,
					  HANDOFF_PART_RANGES) *
				      sizeof(struct handoff_range));
	if (ret)
		return ret;

	spans = kvmalloc_array(HANDOFF_SPANS_OUT, sizeof(*spans), GFP_KERNEL);
	if (!spans)
		return -ENOMEM;
	nr_spans = handoff_coarsen(r, n, spans, HANDOFF_SPANS_OUT,
				   handoff_mem_pages + HANDOFF_SLACK_PAGES,
				   handoff_mem_bridge, image);
	if (nr_spans == -E2BIG)
		pr_err("reboot refused: preserved memory is in %lu ranges, too scattered for %u spans\n",
		       n, HANDOFF_SPANS_OUT);
	if (nr_spans < 0) {
		kvfree(spans);
		return nr_spans;
	}
	handoff_encode(out->mem[0].buf, spans, nr_spans);
	out->mem[0].size = nr_spans * sizeof(struct handoff_range);
	for (i = 0; i < parts; i++)
		handoff_encode(out->mem[i + 1].buf, r + i * HANDOFF_PART_RANGES,
			       out->mem[i + 1].size / sizeof(struct handoff_range));
	pr_info("handing over %lu KiB of preserved memory: %lu ranges in %ld spans\n",
		handoff_mem_pages << (PAGE_SHIFT - 10), n, nr_spans);
	kvfree(spans);
	return 0;
}

/**
 * kimage_handoff_keeps_pages() - Can an image take preserved memory?
 * @image: A loaded image.
 *
 * Return: true when @image reads the handoff and reserves preserved memory
 * before anything can use it.
 */
bool kimage_handoff_keeps_pages(const struct kimage *image)
{
	return image->handoff && image->handoff->keeps_pages;
}

/**
 * handoff_discards_preserved() - Is handoff.discard_preserved set?
 *
 * Return: true when a reboot into an image that cannot take preserved
 * memory goes ahead without it.
 */
bool handoff_discards_preserved(void)
{
	return READ_ONCE(handoff_discard);
}

/**
 * handoff_mem_freeze() - List preserved memory for the next kernel.
 * @image: The image the reboot is about to start.
 *
 * From here on nothing can be preserved or unpreserved.  When memory is
 * preserved and @image cannot take it (it does not read the handoff, or
 * its decompressor would run before it could reserve the memory), the
 * reboot is refused, unless handoff.discard_preserved is set.
 *
 * Context: Process context, kexec lock held, before devices shut down.
 * Return: 0; or, with nothing changed, -EOPNOTSUPP for an image that
 * cannot take preserved memory, -EBUSY when preserved memory is where a
 * segment goes, -E2BIG when it is too scattered to list, -ENOMEM.
 */
int handoff_mem_freeze(struct kimage *image)
{
	struct handoff_out *out = image->handoff;
	struct handoff_pfns *r;
	unsigned long n;
	int ret;

	guard(mutex)(&handoff_mem_lock);
	if (handoff_mem_frozen || mtree_empty(&handoff_mem))
		goto frozen;
	if (!out || !out->keeps_pages) {
		const char *why = !out ? "does not read the handoff" :
			"would run its decompressor first";

		if (handoff_discard) {
			pr_warn("%lu KiB of preserved memory is left behind: the loaded image %s\n",
				handoff_mem_pages << (PAGE_SHIFT - 10), why);
			goto frozen;
		}
		pr_err("reboot refused: %lu KiB of memory is preserved and the loaded image %s (handoff.discard_preserved=1 reboots without it)\n",
		       handoff_mem_pages << (PAGE_SHIFT - 10), why);
		return -EOPNOTSUPP;
	}

	r = handoff_mem_ranges(&n);
	if (!r)
		return -ENOMEM;
	ret = handoff_mem_write(image, r, n);
	kvfree(r);
	if (ret) {
		handoff_mem_free(out);
		return ret;
	}
frozen:
	handoff_mem_frozen = true;
	return 0;
}

/* ---------------------------------------------------------------- */
/* Reserving, in the next kernel                                     */
/* ---------------------------------------------------------------- */

/* The spans reserved at boot, checked again at postcore_initcall. */
static struct {
	bool reserved;
	u64 size;
	u32 crc;
} handoff_early __initdata;

/* Find the first checked "handoff.spans" record, reading the table early. */
static int __init handoff_early_spans(struct handoff_record *spans)
{
	struct handoff_root_info info;
	u64 phys, size;
	bool found = false;
	u32 crc = ~0U, i;
	void *map;
	int ret;

	ret = arch_handoff_find_early(&phys, &size);
	if (ret)
		return ret;
	size = min_t(u64, size, U16_MAX);
	map = early_memremap(phys, size);
	if (!map)
		return -ENOMEM;
	ret = handoff_check_root(map, size, &info);
	early_memunmap(map, size);
	if (ret)
		return ret;

	/* A record at a time, so no table is too large to map. */
	for (i = 0; i < info.nr_records; i++) {
		struct handoff_record rec;

		map = early_memremap(info.table + i * sizeof(rec), sizeof(rec));
		if (!map)
			return -ENOMEM;
		memcpy(&rec, map, sizeof(rec));
		early_memunmap(map, sizeof(rec));
		crc = __crc32c_le(crc, (const u8 *)&rec, sizeof(rec));
		if (!found && !handoff_check_record(&rec) &&
		    !strcmp(rec.name, HANDOFF_SPANS_NAME) &&
		    le32_to_cpu(rec.version) == HANDOFF_RANGES_VERSION) {
			*spans = rec;
			found = true;
		}
	}
	if (~crc != info.table_crc)
		return -EBADMSG;
	return found ? 0 : -ENOENT;
}

/* Spans may not meet memory reserved before them: that is not theirs. */
static int __init handoff_check_spans(const struct handoff_range *span,
				      u64 nr, phys_addr_t low)
{
	u64 i;

	for (i = 0; i < nr; i++) {
		phys_addr_t start = PFN_PHYS(le64_to_cpu(span[i].pfn));
		phys_addr_t size = PFN_PHYS(le64_to_cpu(span[i].nr_pages));

		if (start < low || PHYS_PFN(start) != le64_to_cpu(span[i].pfn) ||
		    PHYS_PFN(size) != le64_to_cpu(span[i].nr_pages))
			return -ERANGE;
		if (memblock_is_region_reserved(start, size))
			return -EADDRINUSE;
	}
	return 0;
}

/**
 * handoff_reserve_preserved() - Reserve what the previous kernel preserved.
 * @low: Lowest address the architecture leaves to the allocator; spans
 *	below it are refused.
 *
 * Called by the architecture after memblock knows the memory, before
 * anything allocates from it.  Damage anywhere makes it reserve nothing,
 * and the kernel boots as if no memory had been preserved.
 *
 * Context: Early boot, one CPU.
 */
void __init handoff_reserve_preserved(phys_addr_t low)
{
	struct handoff_record rec;
	u64 size, nr, i;
	void *map;
	int ret;

	ret = handoff_early_spans(&rec);
	if (ret == -ENOENT)
		return;
	if (ret)
		goto refused;
	size = le64_to_cpu(rec.size);
	ret = -E2BIG;
	if (size > HANDOFF_MAX_SPANS * sizeof(struct handoff_range))
		goto refused;
	ret = -ENOMEM;
	map = size ? early_memremap(le64_to_cpu(rec.data), size) : NULL;
	if (size && !map)
		goto refused;
	ret = handoff_check_bytes(&rec, map);
	if (!ret)
		ret = handoff_check_ranges(map, size, &nr);
	if (!ret)
		ret = handoff_check_spans(map, nr, low);
	if (ret) {
		if (map)
			early_memunmap(map, size);
		goto refused;
	}

	/*
	 * memblock's current limit is still low here, so when its arrays
	 * grow they do so below the memory that was preserved.
	 */
	for (i = 0; i < nr; i++) {
		const struct handoff_range *span = map + i * sizeof(*span);

		if (memblock_reserve(PFN_PHYS(le64_to_cpu(span->pfn)),
				     PFN_PHYS(le64_to_cpu(span->nr_pages)))) {
			pr_err("cannot reserve preserved memory: the rest of it stays reserved for good\n");
			early_memunmap(map, size);
			return;
		}
	}
	if (map)
		early_memunmap(map, size);
	handoff_early.reserved = true;
	handoff_early.size = size;
	handoff_early.crc = le32_to_cpu(rec.crc);
	return;
refused:
	pr_warn("memory the previous kernel preserved is not reserved: %d\n",
		ret);
}

/* ---------------------------------------------------------------- */
/* Restoring                                                         */
/* ---------------------------------------------------------------- */

/**
 * struct handoff_kept - A range of preserved pages in the next kernel.
 * @pfn: First page frame.
 * @nr: Number of pages.
 * @first: Bit of the first page in handoff_kept's @restored.
 */
struct handoff_kept {
	u64 pfn;
	u64 nr;
	u64 first;
};

/*
 * What the previous kernel preserved, until the last holder lets go.
 * A page is restored once: its bit in @restored is set when its owner
 * takes it, or when it is freed at the end.
 */
static DEFINE_MUTEX(handoff_kept_lock);
static struct {
	struct handoff_kept *ranges;
	unsigned long nr;
	unsigned long *restored;
	u64 pages;
	unsigned int holders;
} handoff_kept;

static struct handoff_kept *handoff_kept_find(u64 pfn)
{
	unsigned long lo = 0, hi = handoff_kept.nr;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		struct handoff_kept *k = &handoff_kept.ranges[mid];

		if (pfn < k->pfn)
			hi = mid;
		else if (pfn >= k->pfn + k->nr)
			lo = mid + 1;
		else
			return k;
	}
	return NULL;
}

/* Mark [@pfn, @pfn + @nr) restored, if it is preserved and still is. */
static int handoff_take(u64 pfn, u64 nr)
{
	struct handoff_kept *k;
	u64 bit, i;

	guard(mutex)(&handoff_kept_lock);
	if (!handoff_kept.holders)
		return -ENOENT;
	k = handoff_kept_find(pfn);
	if (!k || nr > k->pfn + k->nr - pfn)
		return -ENOENT;
	bit = k->first + (pfn - k->pfn);
	if (find_next_bit(handoff_kept.restored, bit + nr, bit) < bit + nr)
		return -EBUSY;
	for (i = 0; i < nr; i++)
		if (!pfn_valid(pfn + i) || !PageReserved(pfn_to_page(pfn + i)))
			return -EBUSY;
	bitmap_set(handoff_kept.restored, bit, nr);
	return 0;
}

/* Reserved pages become the allocator's, in use by the caller. */
static void handoff_give(struct page *page, unsigned long nr, bool tails)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		ClearPageReserved(page + i);
		/* A compound page's tails hold no reference. */
		if (tails && i)
			set_page_count(page + i, 0);
	}
	adjust_managed_page_count(page, nr);
}

/**
 * handoff_restore_folio() - Take back a folio the previous kernel preserved.
 * @phys: Its physical address.
 * @order: Its order.
 *
 * Context: Process context, before the last holder of the preserved
 * memory lets go.
 * Return: The folio, with one reference, or ERR_PTR(-EINVAL) for a
 * misaligned folio, -ENOENT when it was not preserved (or the memory was
 * released already), -EBUSY when part of it was restored already.
 */
struct folio *handoff_restore_folio(phys_addr_t phys, unsigned int order)
{
	u64 pfn = PHYS_PFN(phys);
	struct page *page;
	int ret;

	if (order > MAX_PAGE_ORDER || !IS_ALIGNED(phys, PAGE_SIZE << order))
		return ERR_PTR(-EINVAL);
	ret = handoff_take(pfn, 1UL << order);
	if (ret)
		return ERR_PTR(ret);
	page = pfn_to_page(pfn);
	handoff_give(page, 1UL << order, true);
	if (order)
		prep_compound_page(page, order);
	return page_folio(page);
}
EXPORT_SYMBOL_GPL(handoff_restore_folio);

/**
 * handoff_restore_pages() - Take back pages the previous kernel preserved.
 * @phys: Physical address of the first.
 * @nr: Number of pages.
 *
 * Each page comes back on its own (order 0) with one reference.
 *
 * Context: As for handoff_restore_folio().
 * Return: 0, -EINVAL, -ENOENT or -EBUSY as for handoff_restore_folio().
 */
int handoff_restore_pages(phys_addr_t phys, unsigned long nr)
{
	int ret;

	if (!nr || !PAGE_ALIGNED(phys))
		return -EINVAL;
	ret = handoff_take(PHYS_PFN(phys), nr);
	if (!ret)
		handoff_give(pfn_to_page(PHYS_PFN(phys)), nr, false);
	return ret;
}
EXPORT_SYMBOL_GPL(handoff_restore_pages);

/* Free every preserved page nobody restored; the end of preserved memory. */
static void handoff_kept_release(void)
{
	unsigned long freed = 0, i;

	for (i = 0; i < handoff_kept.nr; i++) {
		const struct handoff_kept *k = &handoff_kept.ranges[i];
		unsigned long b = k->first, e;

		for_each_clear_bitrange_from(b, e, handoff_kept.restored,
					     k->first + k->nr)
			freed += handoff_free_reserved(k->pfn + b - k->first,
						       k->pfn + e - k->first);
	}
	pr_info("freed %lu KiB of preserved memory nobody restored\n",
		freed << (PAGE_SHIFT - 10));
	kvfree(handoff_kept.ranges);
	kvfree(handoff_kept.restored);
	handoff_kept.ranges = NULL;
	handoff_kept.restored = NULL;
	handoff_kept.nr = 0;
}

/**
 * handoff_preserved_get() - Keep preserved memory past late_initcall_sync.
 *
 * For subsystems that restore their pages after boot, for example when
 * user space asks for them.  Each successful call needs a
 * handoff_preserved_put().
 *
 * Context: Process context.
 * Return: 0, or -ENOENT when no memory was preserved or it was released.
 */
int handoff_preserved_get(void)
{
	guard(mutex)(&handoff_kept_lock);
	if (!handoff_kept.holders)
		return -ENOENT;
	handoff_kept.holders++;
	return 0;
}
EXPORT_SYMBOL_GPL(handoff_preserved_get);

/**
 * handoff_preserved_put() - Let go of preserved memory.
 *
 * When the last holder lets go, every preserved page not restored by then
 * is freed.
 *
 * Context: Process context.
 */
void handoff_preserved_put(void)
{
	guard(mutex)(&handoff_kept_lock);
	if (WARN_ON_ONCE(!handoff_kept.holders))
		return;
	if (!--handoff_kept.holders)
		handoff_kept_release();
}
EXPORT_SYMBOL_GPL(handoff_preserved_put);

/* Parts of "handoff.ranges", in table order, joined into one array. */
static int __init handoff_read_ranges(const struct handoff_range *span,
				      u64 nr_spans)
{
	struct handoff_kept *kept = NULL;
	u64 total = 0, pages = 0, s = 0;
	const void *bytes;
	u64 size, nr;
	int ret = 0;

	while ((bytes = handoff_claim(HANDOFF_RANGES_NAME,
				      HANDOFF_RANGES_VERSION, &size))) {
		const struct handoff_range *r = bytes;
		struct handoff_kept *grown;
		u64 i;

		if (ret)
			continue;	/* claim the rest: they are read */
		ret = handoff_check_ranges(bytes, size, &nr);
		if (ret)
			continue;
		ret = -E2BIG;
		if (total + nr > HANDOFF_MAX_RANGES)
			continue;
		ret = -ENOMEM;
		grown = kvmalloc_array(total + nr, sizeof(*kept), GFP_KERNEL);
		if (!grown)
			continue;
		if (total)
			memcpy(grown, kept, total * sizeof(*kept));
		kvfree(kept);
		kept = grown;

		ret = 0;
		for (i = 0; i < nr && !ret; i++) {
			u64 pfn = le64_to_cpu(r[i].pfn);
			u64 n = le64_to_cpu(r[i].nr_pages);

			/* In order across parts, and inside one span. */
			if (total && pfn < kept[total - 1].pfn + kept[total - 1].nr)
				ret = -EINVAL;
			while (!ret && s < nr_spans &&
			       le64_to_cpu(span[s].pfn) +
			       le64_to_cpu(span[s].nr_pages) <= pfn)
				s++;
			if (!ret && (s == nr_spans || pfn < le64_to_cpu(span[s].pfn) ||
				     pfn + n > le64_to_cpu(span[s].pfn) +
				     le64_to_cpu(span[s].nr_pages)))
				ret = -ERANGE;
			kept[total].pfn = pfn;
			kept[total].nr = n;
			kept[total].first = pages;
			pages += n;
			total++;
		}
	}
	if (!ret && total) {
		handoff_kept.restored =
			kvcalloc(BITS_TO_LONGS(pages), sizeof(long), GFP_KERNEL);
		if (!handoff_kept.restored)
			ret = -ENOMEM;
	}
	if (ret) {
		kvfree(kept);
		return ret;
	}
	handoff_kept.ranges = kept;
	handoff_kept.nr = total;
	handoff_kept.pages = pages;
	handoff_kept.holders = total ? 1 : 0;
	return 0;
}

/* Free what the spans bridged: every reserved page in them not preserved. */
static unsigned long __init handoff_free_gaps(const struct handoff_range *span,
					      u64 nr_spans)
{
	const struct handoff_kept *r = handoff_kept.ranges;
	const struct handoff_kept *last = r + handoff_kept.nr;
	unsigned long freed = 0;
	u64 s;

	for (s = 0; s < nr_spans; s++) {
		u64 pfn = le64_to_cpu(span[s].pfn);
		u64 end = pfn + le64_to_cpu(span[s].nr_pages);

		while (pfn < end) {
			u64 stop = end;

			while (r < last && r->pfn + r->nr <= pfn)
				r++;
			if (r < last && r->pfn <= pfn) {
				pfn = r->pfn + r->nr;
				continue;
			}
			if (r < last && r->pfn < end)
				stop = r->pfn;
			freed += handoff_free_reserved(pfn, stop);
			pfn = stop;
		}
	}
	return freed;
}

/**
 * handoff_read_preserved() - Read which memory the previous kernel preserved.
 *
 * Called once the records are read.  When the ranges are damaged, every
 * page in the spans is freed: nobody can restore anything then.
 *
 * Context: postcore_initcall.
 */
void __init handoff_read_preserved(void)
{
	const struct handoff_range *span;
	unsigned long freed;
	u64 size, nr_spans;
	int ret;

	span = handoff_claim(HANDOFF_SPANS_NAME, HANDOFF_RANGES_VERSION, &size);
	if (!handoff_early.reserved) {
		bool ranges = false;

		while (handoff_claim(HANDOFF_RANGES_NAME, HANDOFF_RANGES_VERSION,
				     &size))
			ranges = true;
		if (span || ranges)
			pr_warn("preserved memory is ignored: it was not reserved at boot\n");
		return;
	}
	/* The bytes the early boot reserved by, unchanged since. */
	if (!span || size != handoff_early.size ||
	    handoff_crc(span, size) != handoff_early.crc ||
	    handoff_check_ranges(span, size, &nr_spans)) {
		pr_err("the spans of preserved memory changed during boot: they stay reserved\n");
		return;
	}

	ret = handoff_read_ranges(span, nr_spans);
	if (ret)
		pr_warn("preserved memory is dropped: its ranges are unreadable (%d)\n",
			ret);
	freed = handoff_free_gaps(span, nr_spans);
	pr_info("%llu KiB of preserved memory in %lu ranges; %lu KiB between them freed\n",
		handoff_kept.pages << (PAGE_SHIFT - 10), handoff_kept.nr,
		freed << (PAGE_SHIFT - 10));
}

static int __init handoff_preserved_done(void)
{
	if (handoff_kept.holders)
		handoff_preserved_put();
	return 0;
}
late_initcall_sync(handoff_preserved_done);
