// SPDX-License-Identifier: GPL-2.0-only
/*
 * kexec_file_load(2): load a new kernel from files.
 *
 * Where kexec_load() takes a layout that user space prepared, here the
 * kernel reads the kernel and initramfs itself, through kernel_read_file()
 * so that LSMs and IMA see them, lets the architecture's loader lay out
 * the image, and adds a purgatory that checks the image before starting it.
 *
 * Placement
 * ---------
 * Because the kernel chooses the destinations, it chooses memory that is
 * free now and takes it: the destination pages of a segment are allocated
 * to the image ("claimed", see &struct kimage.claimed) and its data is
 * written straight into them.  At exec time nothing moves, the trampoline
 * only jumps to the purgatory, and the hand-off costs one pass over the
 * image for the integrity check.
 *
 *  - Small segments come from the page allocator as one high-order block.
 *  - Large ones must be physically contiguous and aligned; where the
 *    kernel has CONFIG_CONTIG_ALLOC they are claimed with
 *    alloc_contig_range(), trying candidates from the top of RAM down.
 *  - A segment that cannot be claimed falls back to kexec_load()'s way:
 *    a destination in RAM no other segment uses, staged in safe pages and
 *    moved by the trampoline.  Slower at exec, but it always works.
 *
 * Checks, in the order user space sees them fail: permission (EPERM),
 * flags (EINVAL), lockdown without KEXEC_SIG (EPERM), the kexec lock
 * (EBUSY), the kernel file (whatever kernel_read_file() says: EBADF,
 * EINVAL, ETXTBSY, EFBIG), its format (ENOEXEC), with KEXEC_SIG its
 * signature (the verifier's errno where signatures are enforced, EPERM
 * under lockdown), the initramfs file, then the command line (EFAULT, or
 * EINVAL when it is not NUL-terminated or too long for the kernel).
 * Nothing before kexec_install() touches the loaded image.
 */

#define pr_fmt(fmt)	"kexec_file: " fmt

#include <linux/capability.h>
#include <linux/gfp.h>
#include <linux/ima.h>
#include <linux/ioport.h>
#include <linux/kernel_read_file.h>
#include <linux/kobject.h>
#include <linux/kexec.h>
#include <linux/kexec_handoff.h>
#include <linux/mm.h>
#include <linux/memory_hotplug.h>
#include <linux/mmzone.h>
#include <linux/moduleparam.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <linux/sysctl.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>
#include <linux/xxhash.h>

#include "kexec_internal.h"

/* The largest kernel or initramfs file accepted. */
#define KEXEC_FILE_SIZE_MAX	min_t(s64, SZ_4G, SSIZE_MAX)

/* Failed alloc_contig_range() calls after which a segment stops trying. */
#define KEXEC_CLAIM_ATTEMPTS	16
/* Pages looked at between two chances to reschedule. */
#define KEXEC_CLAIM_SCAN_BATCH	1024

/*
 * kexec_file.claim=0 leaves every segment to be moved at exec, as
 * kexec_load() does: slower hand-off, for comparison and for testing the
 * fallback.
 */
static bool kexec_file_claim = true;
module_param_named(claim, kexec_file_claim, bool, 0644);
MODULE_PARM_DESC(claim, "Take segment destinations at load time (default: on)");

/* ===================================================================
 * Placement
 * ===================================================================
 */

/*
 * Do any @busy ranges overlap [start, start + size)?  If so, @low is the
 * lowest start and @high the highest end among them.
 */
static bool kexec_place_clash(const struct range *busy, unsigned int nr_busy,
			      u64 start, u64 size, u64 *low, u64 *high)
{
	bool found = false;
	unsigned int i;

	for (i = 0; i < nr_busy; i++) {
		if (busy[i].start > start + size - 1 || busy[i].end < start)
			continue;
		if (!found || busy[i].start < *low)
			*low = busy[i].start;
		if (!found || busy[i].end > *high)
			*high = busy[i].end;
		found = true;
	}
	return found;
}

/* Candidates in [lo, hi] from the top down; see kexec_find_place(). */
static int kexec_place_down(u64 lo, u64 hi, const struct range *busy,
			    unsigned int nr_busy, const struct kexec_place *want,
			    kexec_try_fn try, void *ctx, u64 *where)
{
	u64 size = want->size, align = want->align;
	u64 cand = ALIGN_DOWN(hi - size + 1, align), stop, unused;
	int ret;

	while (cand >= lo) {
		/* A clash sets @stop to the lowest busy range in the way. */
		if (!kexec_place_clash(busy, nr_busy, cand, size, &stop, &unused)) {
			stop = cand + size - align;
			ret = try ? try(ctx, cand, size, &stop) : 0;
			if (!ret) {
				*where = cand;
				return 0;
			}
			if (ret != -EBUSY)
				return ret;
		}
		/* The next candidate must end at or below @stop. */
		if (stop < size || stop - size < lo)
			break;
		stop = ALIGN_DOWN(stop - size, align);
		if (stop >= cand) {
			if (cand < align)
				break;
			stop = cand - align;
		}
		cand = stop;
	}
	return -EADDRNOTAVAIL;
}

/* Candidates in [lo, hi] from the bottom up; see kexec_find_place(). */
static int kexec_place_up(u64 lo, u64 hi, const struct range *busy,
			  unsigned int nr_busy, const struct kexec_place *want,
			  kexec_try_fn try, void *ctx, u64 *where)
{
	u64 size = want->size, align = want->align;
	u64 cand = ALIGN(lo, align), past, unused;
	int ret;

	while (cand >= lo && cand <= hi && hi - cand + 1 >= size) {
		/* A clash sets @past to the highest busy byte in the way. */
		if (kexec_place_clash(busy, nr_busy, cand, size, &unused, &past)) {
			past++;
		} else {
			u64 hint = cand;

			ret = try ? try(ctx, cand, size, &hint) : 0;
			if (!ret) {
				*where = cand;
				return 0;
			}
			if (ret != -EBUSY)
				return ret;
			past = PAGE_ALIGN_DOWN(hint) + PAGE_SIZE;
		}
		/* The next candidate must start at or above @past. */
		if (!past || ALIGN(past, align) <= cand)
			break;
		cand = ALIGN(past, align);
	}
	return -EADDRNOTAVAIL;
}

/**
 * kexec_find_place() - choose a destination, highest (or lowest) first
 * @ram:     usable memory, in ascending order, inclusive ends
 * @nr_ram:  entries in @ram
 * @busy:    ranges already given to other segments, inclusive ends
 * @nr_busy: entries in @busy
 * @want:    size, alignment, bounds and direction of the destination
 * @try:     offered each free candidate in turn; NULL takes the first
 * @ctx:     passed to @try
 * @where:   the chosen start
 *
 * Pure apart from @try, so that it can be tested on made-up memory maps.
 *
 * Return: 0, -EADDRNOTAVAIL when no candidate fits or @try took none, or
 * the error with which @try stopped the search.
 */
int kexec_find_place(const struct range *ram, unsigned int nr_ram,
		     const struct range *busy, unsigned int nr_busy,
		     const struct kexec_place *want, kexec_try_fn try,
		     void *ctx, u64 *where)
{
	unsigned int n;
	int ret;

	if (!want->size || !is_power_of_2(want->align))
		return -EINVAL;

	for (n = 0; n < nr_ram; n++) {
		const struct range *r = &ram[want->low_first ? n : nr_ram - 1 - n];
		u64 lo = max(r->start, want->min);
		u64 hi = min(r->end, want->max - 1);

		if (hi < lo || hi - lo + 1 < want->size)
			continue;
		if (want->low_first)
			ret = kexec_place_up(lo, hi, busy, nr_busy, want, try, ctx, where);
		else
			ret = kexec_place_down(lo, hi, busy, nr_busy, want, try, ctx, where);
		if (ret != -EADDRNOTAVAIL)
			return ret;
	}
	return -EADDRNOTAVAIL;
}

/*
 * RAM that a driver added (virtio-mem, dax/kmem) is not in the firmware's
 * memory map, so the next kernel does not have it until its own driver
 * adds it again: no destination may lie there.
 */
static int kexec_note_ram(struct resource *res, void *arg)
{
	if (res->flags & IORESOURCE_SYSRAM_DRIVER_MANAGED)
		return 0;
	return kexec_ranges_add(arg, res->start, res->end);
}

static int kexec_driver_managed(struct resource *res, void *arg)
{
	return !!(res->flags & IORESOURCE_SYSRAM_DRIVER_MANAGED);
}

/* Is all of [start, start + size) RAM that the next kernel will find? */
static bool kexec_plain_ram(u64 start, u64 size)
{
	return walk_system_ram_res(start, start + size - 1, NULL,
				   kexec_driver_managed) <= 0;
}

struct kexec_claim {
	unsigned int failures;
	bool low_first;		/* the search goes up */
};

/*
 * Take [start, start + size) from the page allocator.  alloc_contig_range()
 * isolates every pageblock the range touches and fails if any page in
 * them looks unmovable, even one outside the range: so those whole
 * pageblocks are looked at first.  A page that is offline, in another
 * zone or in ZONE_MOVABLE, reserved, or allocated and not on an LRU list
 * (so most likely unmovable kernel memory) rules out its pageblock, and
 * the search goes on past it.  The scan runs against the search, so that
 * the page it stops at lets the search skip the most.  ZONE_MOVABLE is
 * left alone because a claimed page stays pinned until the image is
 * unloaded, which would keep that memory from going offline.
 * alloc_contig_range() then migrates the movable pages that are there
 * and takes the range; it has the last word.  When it fails, which page
 * was in the way is not known.
 */
static int __maybe_unused kexec_claim_range(void *ctx, u64 start, u64 size,
					    u64 *hint)
{
#ifdef CONFIG_CONTIG_ALLOC
	struct kexec_claim *claim = ctx;
	unsigned long first = PHYS_PFN(start);
	unsigned long last = PHYS_PFN(start + size) - 1;
	unsigned long lo = ALIGN_DOWN(first, pageblock_nr_pages);
	unsigned long hi = ALIGN(last + 1, pageblock_nr_pages) - 1;
	unsigned long i, pfn;
	struct zone *zone = NULL;

	for (i = 0; i <= hi - lo; i++) {
		struct page *page;

		/* Going up, the highest bad page; going down, the lowest. */
		pfn = claim->low_first ? hi - i : lo + i;
		/* A candidate can span a great many pages. */
		if (!(i % KEXEC_CLAIM_SCAN_BATCH))
			cond_resched();
		page = pfn_to_online_page(pfn);
		if (!page || (zone && page_zone(page) != zone) ||
		    page_zonenum(page) == ZONE_MOVABLE || PageReserved(page) ||
		    (page_count(page) && !PageLRU(page))) {
			/* No candidate that touches this pageblock will do. */
			*hint = claim->low_first ?
				PFN_PHYS(ALIGN(pfn + 1, pageblock_nr_pages)) - PAGE_SIZE :
				PFN_PHYS(ALIGN_DOWN(pfn, pageblock_nr_pages));
			return -EBUSY;
		}
		zone = page_zone(page);
	}

	if (!alloc_contig_range(first, last + 1, MIGRATE_MOVABLE,
				GFP_KERNEL | __GFP_NOWARN))
		return 0;
	if (++claim->failures >= KEXEC_CLAIM_ATTEMPTS)
		return -ENOSPC;
	/*
	 * Going down, skip the whole candidate.  Going up, take one step:
	 * the segment wants the lowest place, and one that moves at exec
	 * (placed lowest) serves it better than a claim far up.
	 */
	if (!claim->low_first)
		*hint = start;
	return -EBUSY;
#else
	return -ENOSPC;
#endif
}

/* One high-order block from the page allocator, if it lies within @want. */
static int kexec_claim_block(const struct kexec_place *want, u64 *where)
{
	unsigned int order = get_order(want->size);
	unsigned long i, used = want->size >> PAGE_SHIFT;
	struct page *page;
	u64 start;

	if (order > MAX_PAGE_ORDER || want->align > (PAGE_SIZE << order))
		return -ENOSPC;
	page = alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, order);
	if (!page)
		return -ENOSPC;
	split_page(page, order);
	for (i = used; i < (1UL << order); i++)
		__free_page(page + i);

	start = page_to_phys(page);
	if (start < want->min || start + want->size > want->max ||
	    !kexec_plain_ram(start, want->size)) {
		kimage_release_range(start, want->size);
		return -ENOSPC;
	}
	*where = start;
	return 0;
}

static void kexec_file_record(struct kexec_file *kf, const void *buf,
			      size_t bufsz, u64 where, u64 size, bool claimed)
{
	struct kimage *image = kf->image;
	unsigned int n = image->nr_segments;

	image->segment[n].kbuf = (void *)buf;
	image->segment[n].bufsz = bufsz;
	image->segment[n].mem = where;
	image->segment[n].memsz = size;
	if (claimed)
		image->claimed |= BIT(n);
	image->nr_segments = n + 1;
	kexec_file_debug(kf, "segment %u: %#zx bytes at %#llx, %#llx in memory, %s\n",
			 n, bufsz, where, size,
			 image->type == KEXEC_TYPE_CRASH ? "in the reservation" :
			 claimed ? "claimed" : "moved at exec");
}

/*
 * A crash image lives in the crashkernel= reservation, which nothing else
 * uses: any hole there will do, and the segment is written in place.
 */
static int kexec_file_place_crash(struct kexec_file *kf, const void *buf,
				  size_t bufsz, const struct kexec_place *want,
				  unsigned long *mem)
{
#ifdef CONFIG_CRASH_DUMP
	struct kimage *image = kf->image;
	struct range busy[KEXEC_SEGMENT_MAX];
	struct range window = { crashk_res.start, crashk_res.end };
	unsigned int i, n = image->nr_segments;
	u64 where;
	int ret;

	if (!crashk_res.end)
		return -EADDRNOTAVAIL;
	/*
	 * The new image goes where the loaded one lives: that one goes now,
	 * when the loader has checked everything it checks up front.
	 */
	if (!n)
		kimage_destroy(kexec_install(&kexec_crash_image, NULL));
	for (i = 0; i < n; i++) {
		busy[i].start = image->segment[i].mem;
		busy[i].end = image->segment[i].mem + image->segment[i].memsz - 1;
	}
	ret = kexec_find_place(&window, 1, busy, n, want, NULL, NULL, &where);
	if (ret)
		return ret;
	kexec_file_record(kf, buf, bufsz, where, want->size, false);
	*mem = where;
	return 0;
#else
	return -EINVAL;
#endif
}

/**
 * kexec_file_add_segment() - place a segment and add it to the image
 * @kf:    the request
 * @buf:   the segment's data, which must stay valid until the load ends
 * @bufsz: bytes of data; the rest of the destination is zeroed
 * @want:  how much memory the segment occupies, and where it may go
 * @mem:   the destination chosen
 *
 * Context: process context, kexec lock held.
 * Return: 0, -EINVAL for a request the image cannot hold, -EADDRNOTAVAIL
 * when no memory fits (with @want->claim_only, none that can be claimed),
 * -ENOMEM.
 */
int kexec_file_add_segment(struct kexec_file *kf, const void *buf,
			   size_t bufsz, const struct kexec_place *want,
			   unsigned long *mem)
{
	struct kimage *image = kf->image;
	unsigned int n = image->nr_segments;
	struct kexec_place place = *want;
	struct range busy[KEXEC_SEGMENT_MAX];
	struct kexec_ranges ram = {};
	struct kexec_claim claim = { .low_first = want->low_first };
	bool claimed = true;
	u64 where;
	unsigned int i;
	int ret;

	if (n == KEXEC_SEGMENT_MAX || bufsz > place.size)
		return -EINVAL;
	place.size = PAGE_ALIGN(place.size);
	place.align = max_t(u64, place.align, PAGE_SIZE);
	place.max = min_t(u64, place.max, KEXEC_DESTINATION_MEMORY_LIMIT + 1);

	if (image->type == KEXEC_TYPE_CRASH)
		return kexec_file_place_crash(kf, buf, bufsz, &place, mem);
	/* A fallback is entered by another kernel, which moves nothing. */
	if (image->fallback)
		place.claim_only = true;

	/* The allocator's blocks come from anywhere: not for low_first. */
	ret = kexec_file_claim && !place.low_first ?
	      kexec_claim_block(&place, &where) : -ENOSPC;
	/*
	 * A block the allocator hands out is free now, but it may lie where
	 * an earlier segment that could not be claimed will be moved at
	 * exec time: then it would be overwritten.  Place it like the rest.
	 */
	if (!ret && kimage_meets_destination(image, where, place.size)) {
		kimage_release_range(where, place.size);
		ret = -ENOSPC;
	}
	if (ret) {
		for (i = 0; i < n; i++) {
			busy[i].start = image->segment[i].mem;
			busy[i].end = image->segment[i].mem +
				      image->segment[i].memsz - 1;
		}
		ret = walk_system_ram_res(0, -1, &ram, kexec_note_ram);
		if (ret)
			goto out;

		ret = -ENOSPC;
		if (IS_ENABLED(CONFIG_CONTIG_ALLOC) && kexec_file_claim)
			ret = kexec_find_place(ram.ranges, ram.nr, busy, n,
					       &place, kexec_claim_range,
					       &claim, &where);
		if (ret && place.claim_only) {
			ret = -EADDRNOTAVAIL;
			goto out;
		}
		if (ret) {
			claimed = false;
			ret = kexec_find_place(ram.ranges, ram.nr, busy, n,
					       &place, NULL, NULL, &where);
		}
		if (ret)
			goto out;
	}

	kexec_file_record(kf, buf, bufsz, where, place.size, claimed);
	*mem = where;
out:
	kfree(ram.ranges);
	return ret;
}

/**
 * kexec_file_buffer() - zeroed scratch memory that lives until the load ends
 * @kf:   the request
 * @size: bytes
 *
 * For segment contents the loader builds itself, such as boot parameters.
 *
 * Context: process context.
 * Return: the buffer, or NULL.
 */
void *kexec_file_buffer(struct kexec_file *kf, size_t size)
{
	void *buf;

	if (kf->nr_buffers == ARRAY_SIZE(kf->buffers))
		return NULL;
	buf = kvzalloc(size, GFP_KERNEL);
	if (buf)
		kf->buffers[kf->nr_buffers++] = buf;
	return buf;
}

u64 kexec_digest(const void *data, size_t len)
{
	return xxh64(data, len, 0);
}

/**
 * kexec_segment_digest() - the digest the purgatory checks a segment against
 * @segment: a kexec_file segment, its data in kernel memory
 *
 * kexec_digest() over the segment's data (not its zeroed tail).
 *
 * Context: any.
 * Return: the digest.
 */
u64 kexec_segment_digest(const struct kexec_segment *segment)
{
	return kexec_digest(segment->kbuf, segment->bufsz);
}

/**
 * kexec_file_debug() - describe the load in the kernel log, if asked to
 * @kf:  the request; nothing is logged without KEXEC_FILE_DEBUG
 * @fmt: printf format, one line
 *
 * Context: any.
 */
void kexec_file_debug(const struct kexec_file *kf, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (!kf->debug)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("%pV", &vaf);
	va_end(args);
}

/* ===================================================================
 * Segments of other subsystems
 * ===================================================================
 */

bool kexec_file_dbg_print;

/**
 * kexec_add_buffer() - add a segment on behalf of another subsystem
 * @kbuf: the segment and where it may go; @kbuf->mem is set on success
 *
 * The segment gets @kbuf->memsz bytes of data, @kbuf->bufsz of them from
 * @kbuf->buffer and zeros after, so that the purgatory's digest covers
 * all of it and whatever kimage_map_segment() later writes into it.
 *
 * Context: during kexec_file_load(), from kexec_file_add_extra_segments().
 * Return: 0, -EINVAL outside a load or for a bad request, -ENOMEM, or a
 * placement error.
 */
int kexec_add_buffer(struct kexec_buf *kbuf)
{
	struct kexec_file *kf = kbuf->image ? kbuf->image->file : NULL;
	struct kexec_place want;
	unsigned long mem;
	void *data;
	int ret;

	if (!kf || !kbuf->memsz || kbuf->bufsz > kbuf->memsz ||
	    (kbuf->buf_align && !is_power_of_2(kbuf->buf_align)))
		return -EINVAL;
	want = (struct kexec_place) {
		.size = kbuf->memsz,
		.align = kbuf->buf_align,
		.min = max_t(u64, kbuf->buf_min, kf->extra_min),
		.max = min_t(u64, kf->extra_max, kbuf->buf_max == ULONG_MAX ?
			     U64_MAX : (u64)kbuf->buf_max + 1),
		.low_first = !kbuf->top_down,
	};
	data = kexec_file_buffer(kf, kbuf->memsz);
	if (!data)
		return -ENOMEM;
	if (kbuf->bufsz)
		memcpy(data, kbuf->buffer, kbuf->bufsz);
	ret = kexec_file_add_segment(kf, data, kbuf->memsz, &want, &mem);
	if (!ret)
		kbuf->mem = mem;
	return ret;
}

/**
 * kexec_file_add_extra_segments() - let other subsystems add segments
 * @kf: the request; @kf->extra_min and @kf->extra_max set
 *
 * IMA adds the segment its measurement list goes into at exec time.
 * Their failures are theirs: the image loads without what they add.
 *
 * Context: process context, kexec lock held.
 */
void kexec_file_add_extra_segments(struct kexec_file *kf)
{
	ima_add_kexec_buffer(kf->image);
}

/*
 * Where the page bound for @dest (page aligned) in segment @index lies
 * until exec: at its destination when the segment is claimed, else in
 * the staging page the trampoline will copy.  NULL if it is in neither.
 */
static void *kexec_staged_page(struct kimage *image, unsigned long index,
			       phys_addr_t dest)
{
	struct kexec_move *move;

	if (image->claimed & BIT(index))
		return phys_to_virt(dest);
	if (!image->moves)
		return NULL;
	move = phys_to_virt(image->moves);
	for (;;) {
		if (move->dest & KEXEC_MOVE_END)
			return NULL;
		if (move->dest & KEXEC_MOVE_CHAIN) {
			move = phys_to_virt(move->src);
			continue;
		}
		if (move->dest == dest)
			return phys_to_virt(move->src);
		move++;
	}
}

/* Copy @len bytes between @buf and the image's memory for @addr on. */
static int kexec_staged_copy(struct kimage *image, unsigned long index,
			     phys_addr_t addr, void *buf, size_t len,
			     bool to_image)
{
	while (len) {
		size_t off = offset_in_page(addr);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		void *page = kexec_staged_page(image, index, addr - off);

		if (!page)
			return -ENOENT;
		if (to_image)
			memcpy(page + off, buf, n);
		else
			memcpy(buf, page + off, n);
		addr += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/* The segment of @image that holds @addr, or -1. */
static long kexec_segment_at(const struct kimage *image, phys_addr_t addr)
{
	unsigned long i;

	for (i = 0; i < image->nr_segments; i++)
		if (addr >= image->segment[i].mem &&
		    addr - image->segment[i].mem < image->segment[i].memsz)
			return i;
	return -1;
}

/*
 * A segment written to after the load (IMA's measurement list, at exec)
 * is lent out as a shadow copy: kimage_map_segment() fills it from the
 * image, kimage_unmap_segment() copies it back if that image is the one
 * being booted, and gives its digest to the purgatory.  Nobody ever holds
 * a pointer into the image itself, so a mapping that outlives its image
 * (unloaded, or replaced by a kexec_load() image) writes nowhere.  The
 * list is kept under the kexec lock.
 */
struct kexec_shadow {
	struct list_head list;
	struct kimage *image;		/* NULL once the image is destroyed */
	unsigned long index;
	void *buf;
};

static LIST_HEAD(kexec_shadows);

/**
 * kimage_map_segment() - lend out a segment's contents for writing
 * @image: a kexec_file image, not a crash image
 * @addr:  the start of one of its segments
 * @size:  bytes wanted, at most the segment's size
 *
 * Context: process context, kexec lock held.
 * Return: a buffer holding the segment's data, to be returned with
 * kimage_unmap_segment(); NULL on error.
 */
void *kimage_map_segment(struct kimage *image, unsigned long addr,
			 unsigned long size)
{
	const struct kexec_segment *seg;
	struct kexec_shadow *shadow;
	long i;

	kexec_assert_locked();
	if (!image->kernel_sources || image->type == KEXEC_TYPE_CRASH)
		return NULL;
	i = kexec_segment_at(image, addr);
	if (i < 0)
		return NULL;
	seg = &image->segment[i];
	if (seg->mem != addr || size > seg->bufsz)
		return NULL;

	shadow = kzalloc(sizeof(*shadow), GFP_KERNEL);
	if (!shadow)
		return NULL;
	shadow->buf = vzalloc(seg->bufsz);
	if (!shadow->buf ||
	    kexec_staged_copy(image, i, seg->mem, shadow->buf, seg->bufsz, false)) {
		vfree(shadow->buf);
		kfree(shadow);
		return NULL;
	}
	shadow->image = image;
	shadow->index = i;
	list_add(&shadow->list, &kexec_shadows);
	return shadow->buf;
}

/* Write a shadow back into its image, with the digest that goes with it. */
static void kexec_shadow_commit(struct kexec_shadow *shadow)
{
	struct kimage *image = shadow->image;
	const struct kexec_segment *seg = &image->segment[shadow->index];
	phys_addr_t at;
	long holder;
	u64 digest;

	if (kexec_staged_copy(image, shadow->index, seg->mem, shadow->buf,
			      seg->bufsz, true)) {
		pr_err("segment %lu could not be updated\n", shadow->index);
		return;
	}
	at = kimage_digest_addr(image, shadow->index);
	if (!at)
		return;
	digest = kexec_digest(shadow->buf, seg->bufsz);
	holder = kexec_segment_at(image, at);
	if (holder < 0 ||
	    kexec_staged_copy(image, holder, at, &digest, sizeof(digest), true))
		pr_err("segment %lu updated, but not its digest: the purgatory will refuse it\n",
		       shadow->index);
}

/**
 * kimage_unmap_segment() - return a buffer from kimage_map_segment()
 * @buffer: the buffer; NULL is allowed
 *
 * During a kexec reboot into the image the buffer came from, its
 * contents become the segment's.  Otherwise they are dropped.
 *
 * Context: process context, kexec lock held.
 */
void kimage_unmap_segment(void *buffer)
{
	struct kexec_shadow *shadow;

	if (!buffer)
		return;
	kexec_assert_locked();
	list_for_each_entry(shadow, &kexec_shadows, list) {
		if (shadow->buf != buffer)
			continue;
		if (kexec_in_progress && shadow->image &&
		    shadow->image == kexec_image)
			kexec_shadow_commit(shadow);
		list_del(&shadow->list);
		vfree(shadow->buf);
		kfree(shadow);
		return;
	}
	WARN_ONCE(1, "kexec: unmapping a segment that was never mapped\n");
}

/* @image is being destroyed: its shadows no longer write anywhere. */
void kimage_forget_shadows(struct kimage *image)
{
	struct kexec_shadow *shadow;

	list_for_each_entry(shadow, &kexec_shadows, list)
		if (shadow->image == image)
			shadow->image = NULL;
}

/* ===================================================================
 * Signatures
 * ===================================================================
 */

#ifdef CONFIG_KEXEC_SIG
static bool kexec_sig_enforced = IS_ENABLED(CONFIG_KEXEC_SIG_FORCE);

/**
 * set_kexec_sig_enforced() - refuse kernels whose signature fails from now on
 *
 * Called by IMA when the platform requires signed kernels (its Secure
 * Boot policy); cannot be undone.
 */
void set_kexec_sig_enforced(void)
{
	WRITE_ONCE(kexec_sig_enforced, true);
}

/*
 * May this kernel file be loaded?  One whose signature verifies always
 * may.  One whose signature does not (unsigned, signed by a key that is
 * not trusted, damaged) may only while signatures are not enforced and
 * lockdown does not forbid it; lockdown is satisfied too when IMA's
 * policy appraised the file's own signature as it was read.
 */
static int kexec_file_check_sig(struct kexec_file *kf)
{
	int ret;

	ret = arch_kexec_file_verify_sig(kf->kernel, kf->kernel_size);
	if (!ret) {
		kexec_file_debug(kf, "kernel signature verified\n");
		return 0;
	}
	if (READ_ONCE(kexec_sig_enforced)) {
		pr_notice("kernel refused: its signature did not verify (%d)\n", ret);
		return ret;
	}
	if (!ima_appraise_signature(READING_KEXEC_IMAGE) &&
	    security_locked_down(LOCKDOWN_KEXEC))
		return -EPERM;
	kexec_file_debug(kf, "kernel signature not verified (%d), accepted\n", ret);
	return 0;
}
#else
static int kexec_file_check_sig(struct kexec_file *kf)
{
	return 0;
}
#endif /* CONFIG_KEXEC_SIG */

/* ===================================================================
 * The system call
 * ===================================================================
 */

static int kexec_file_read(int fd, const void **data, size_t *size,
			   enum kernel_read_file_id id)
{
	void *buf = NULL;
	ssize_t ret;

	ret = kernel_read_file_from_fd(fd, 0, &buf, KEXEC_FILE_SIZE_MAX, NULL, id);
	if (ret < 0)
		return ret;
	*data = buf;
	*size = ret;
	return 0;
}

static void kexec_file_describe(struct kexec_file *kf)
{
	struct kimage *image = kf->image;
	unsigned long i, size = 0;

	if (!kf->debug)
		return;
	for (i = 0; i < image->nr_segments; i++)
		kexec_file_debug(kf, "segment %lu: mem=%#lx memsz=%#zx bufsz=%#zx digest=%016llx\n",
				 i, image->segment[i].mem, image->segment[i].memsz,
				 image->segment[i].bufsz,
				 kexec_segment_digest(&image->segment[i]));
	for (i = 0; i < image->nr_segments; i++)
		size += image->segment[i].memsz;
	kexec_file_debug(kf, "loaded: %lu segments, %lu KiB, entry %#lx, %s\n",
			 image->nr_segments, size >> 10, image->entry,
			 image->type == KEXEC_TYPE_CRASH ? "crash image in the reservation" :
			 image->claimed == BIT(image->nr_segments) - 1 ?
			 "nothing moves at exec" : "some segments move at exec");
}

/* Read, lay out, stage and install; the kexec lock is held. */
static int kexec_file_build(struct kimage **slot, int kernel_fd, int initrd_fd,
			    const char __user *cmdline_ptr,
			    unsigned long cmdline_len, unsigned long flags)
{
	unsigned int type = flags & KEXEC_FILE_ON_CRASH ? KEXEC_TYPE_CRASH :
						       KEXEC_TYPE_DEFAULT;
	struct kexec_file kf = { .debug = flags & KEXEC_FILE_DEBUG };
	struct kimage *image = NULL;
	const char *step;
	char *cmdline = NULL;
	unsigned int i = 0;
	int ret;

	if ((flags & KEXEC_FILE_FALLBACK) && !READ_ONCE(kexec_file_claim)) {
		pr_err("a fallback image needs its segments claimed at load, and kexec_file.claim=0\n");
		return -EOPNOTSUPP;
	}
	ret = kexec_file_read(kernel_fd, &kf.kernel, &kf.kernel_size,
			      READING_KEXEC_IMAGE);
	if (ret)
		return ret;
	kexec_file_debug(&kf, "kernel file: %zu bytes\n", kf.kernel_size);

	ret = arch_kexec_file_probe(kf.kernel, kf.kernel_size);
	if (ret)
		goto out;
	ret = kexec_file_check_sig(&kf);
	if (ret)
		goto out;

	if (!(flags & KEXEC_FILE_NO_INITRAMFS)) {
		ret = kexec_file_read(initrd_fd, &kf.initrd, &kf.initrd_size,
				      READING_KEXEC_INITRAMFS);
		if (ret)
			goto out;
		kexec_file_debug(&kf, "initramfs file: %zu bytes\n", kf.initrd_size);
	}

	if (cmdline_len) {
		cmdline = memdup_user(cmdline_ptr, cmdline_len);
		if (IS_ERR(cmdline)) {
			ret = PTR_ERR(cmdline);
			cmdline = NULL;
			goto out;
		}
		ret = -EINVAL;
		if (cmdline[cmdline_len - 1] != '\0')
			goto out;
		kf.cmdline = cmdline;
		kf.cmdline_size = cmdline_len;
		kexec_file_debug(&kf, "command line: %s\n", cmdline);
		ima_kexec_cmdline(kernel_fd, cmdline, cmdline_len - 1);
	}

	/* A crash load replaces the loaded crash image as it places segments. */
	ret = machine_kexec_supported();
	if (ret)
		goto out;
	ret = -ENOMEM;
	image = kimage_create(0, type, NULL, 0);
	if (!image)
		goto out;
	image->kernel_sources = true;
	image->fallback = flags & KEXEC_FILE_FALLBACK;
	image->file = &kf;
	kf.image = image;

	step = "laying out the image";
	ret = arch_kexec_file_load(&kf);
	if (ret)
		goto failed;
	/* The architecture's loader may place a segment on its own. */
	if (image->fallback && image->claimed != BIT(image->nr_segments) - 1) {
		ret = -EADDRNOTAVAIL;
		goto failed;
	}
	step = "preparing the machine";
	ret = machine_kexec_prepare(image);
	if (ret)
		goto failed;
	step = "staging the segments";
	for (i = 0; i < image->nr_segments; i++) {
		ret = kimage_stage_segment(image, i);
		if (ret)
			goto failed;
	}
	step = "writing the move list";
	ret = kimage_finish(image);
	if (ret)
		goto failed;
	step = "finishing the machine's part";
	ret = machine_kexec_post_load(image);
	if (ret)
		goto failed;
	/* What the reboot hands over concerns the reboot's image only. */
	if (type != KEXEC_TYPE_CRASH && !image->fallback) {
		step = "asking the handoff's producers";
		ret = kimage_handoff_accept(image);
		if (ret)
			goto failed;
	}
	image->file = NULL;
	/* IMA maps its segment now, to fill it in at exec. */
	if (type != KEXEC_TYPE_CRASH && !image->fallback)
		ima_kexec_post_load(image);
	kexec_file_describe(&kf);
	image = kexec_install(slot, image);
	goto out;

failed:
	/*
	 * Refusals explain themselves where they are made; running out of
	 * memory does not, and its cause depends on the step.
	 */
	if (ret == -ENOMEM)
		pr_warn("load failed: out of memory %s (%u of %lu segments staged)\n",
			step, i, image->nr_segments);
out:
	/* On success this frees the image we displaced. */
	kimage_destroy(image);
	for (i = 0; i < kf.nr_buffers; i++)
		kvfree(kf.buffers[i]);
	kfree(cmdline);
	vfree(kf.initrd);
	vfree(kf.kernel);
	return ret;
}

/*
 * The fallback slot: an image loaded with KEXEC_FILE_FALLBACK, every
 * segment claimed, which nothing here starts; a trial reboot hands it to
 * the next kernel to fall back to.
 */
struct kimage *kexec_fallback_image;	/* [kexec lock] */

static ssize_t kexec_fallback_loaded_show(struct kobject *kobj,
					  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", !!READ_ONCE(kexec_fallback_image));
}

static struct kobj_attribute kexec_fallback_loaded_attr =
	__ATTR_RO(kexec_fallback_loaded);

static int __init kexec_fallback_sysfs_init(void)
{
	return sysfs_create_file(kernel_kobj, &kexec_fallback_loaded_attr.attr);
}
late_initcall(kexec_fallback_sysfs_init);

SYSCALL_DEFINE5(kexec_file_load, int, kernel_fd, int, initrd_fd,
		unsigned long, cmdline_len, const char __user *, cmdline_ptr,
		unsigned long, flags)
{
	int type = flags & KEXEC_FILE_ON_CRASH ? KEXEC_TYPE_CRASH :
						 KEXEC_TYPE_DEFAULT;
	struct kimage **slot = type == KEXEC_TYPE_CRASH ? &kexec_crash_image :
		flags & KEXEC_FILE_FALLBACK ? &kexec_fallback_image : &kexec_image;
	int ret;

	if (!kexec_load_permitted(type))
		return -EPERM;
	if ((flags & ~KEXEC_FILE_FLAGS) ||
	    (flags & (KEXEC_FILE_ON_CRASH | KEXEC_FILE_FALLBACK)) ==
	    (KEXEC_FILE_ON_CRASH | KEXEC_FILE_FALLBACK))
		return -EINVAL;
	/*
	 * Under lockdown only a verified kernel may replace this one.  With
	 * KEXEC_SIG the kernel file's signature is checked once it is read;
	 * without, nothing could be verified, so everything is refused.
	 */
	if (!IS_ENABLED(CONFIG_KEXEC_SIG)) {
		ret = security_locked_down(LOCKDOWN_KEXEC);
		if (ret)
			return ret;
	}

	if (!kexec_trylock())
		return -EBUSY;
	if (flags & KEXEC_FILE_UNLOAD) {
		kimage_destroy(kexec_install(slot, NULL));
		ret = 0;
	} else {
		kexec_file_dbg_print = flags & KEXEC_FILE_DEBUG;
		ret = kexec_file_build(slot, kernel_fd, initrd_fd, cmdline_ptr,
				       cmdline_len, flags);
		kexec_file_dbg_print = false;
	}
	kexec_unlock();
	return ret;
}

/* ===================================================================
 * Test knob: corrupt a loaded segment
 * ===================================================================
 */

#ifdef CONFIG_KEXEC_FILE_CORRUPT_TEST
/*
 * Flip one byte in the middle of a loaded segment's data, wherever it
 * lives until exec: at its destination when claimed, else in the staging
 * page the trampoline will copy.  The purgatory must then refuse to boot.
 */
static int kexec_file_corrupt(unsigned long index)
{
	struct kimage *image = kexec_image;
	const struct kexec_segment *seg;
	phys_addr_t target;
	u8 *page;

	if (!image || index >= image->nr_segments)
		return -EINVAL;
	seg = &image->segment[index];
	if (!seg->bufsz)
		return -EINVAL;
	target = seg->mem + seg->bufsz / 2;
	page = kexec_staged_page(image, index, target & PAGE_MASK);
	if (!page)
		return -ENOENT;
	page[offset_in_page(target)] ^= 0xff;
	return 0;
}

static int kexec_corrupt_sysctl(const struct ctl_table *table, int write,
				void *buffer, size_t *lenp, loff_t *ppos)
{
	unsigned long index;
	struct ctl_table shadow = {
		.data = &index,
		.maxlen = sizeof(index),
		.mode = table->mode,
	};
	int ret;

	ret = proc_doulongvec_minmax(&shadow, write, buffer, lenp, ppos);
	if (ret || !write)
		return ret;
	if (!kexec_trylock())
		return -EBUSY;
	ret = kexec_file_corrupt(index);
	kexec_unlock();
	if (!ret)
		pr_warn("test: corrupted segment %lu of the loaded image\n", index);
	return ret;
}

static struct ctl_table kexec_file_test_sysctls[] = {
	{
		.procname	= "kexec_test_corrupt_segment",
		.mode		= 0200,
		.proc_handler	= kexec_corrupt_sysctl,
	},
};

static int __init kexec_file_test_init(void)
{
	register_sysctl_init("kernel", kexec_file_test_sysctls);
	return 0;
}
late_initcall(kexec_file_test_init);
#endif /* CONFIG_KEXEC_FILE_CORRUPT_TEST */

#ifdef CONFIG_KEXEC_FILE_KUNIT_TEST
#include "kexec_file_test.c"
#endif
