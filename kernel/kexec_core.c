// SPDX-License-Identifier: GPL-2.0-only
/*
 * kexec core: staging an image and leaving for it.
 *
 * Design
 * ------
 * A kexec request goes through four stages, and only the last two touch
 * anything another task can see:
 *
 *   validate  kexec_validate_segments() checks the segment list against
 *             itself and against the machine.  No side effects.
 *   stage     kimage_create() and kimage_stage_segment() copy the caller's
 *             data into staging pages and write a move list.  The image is
 *             private to the loader until it is installed.
 *   commit    kexec_install() swaps the image into its slot with xchg().
 *             It cannot fail; the image it displaces is destroyed after.
 *   execute   kernel_kexec() shuts the machine down and machine_kexec()
 *             hands the move list to the architecture's trampoline.
 *
 * Constraints
 * -----------
 * The destination of a segment is arbitrary physical memory, most of which
 * the running kernel is using.  Nothing may be written there until the
 * machine is quiet, so staging only ever writes to pages that lie outside
 * every destination range: kimage_alloc_safe_page() parks any page the
 * allocator hands out inside a destination and asks again.  Parked pages
 * are released once staging is finished.
 *
 * Invariants
 * ----------
 *  - Every page an image owns is on image->pages or image->parked, or in
 *    the destination of a claimed segment (kexec_file_load() takes memory
 *    that is free now as the destination itself, so it never moves); so
 *    kimage_destroy() frees everything on every path, success or error.
 *  - No page on image->pages lies inside a destination range; hence the
 *    trampoline may perform the moves in any order.
 *  - kexec_image and kexec_crash_image change only under the kexec lock.
 */

#define pr_fmt(fmt)	"kexec: " fmt

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/kexec.h>
#include <linux/kexec_handoff.h>
#include <linux/kmsg_dump.h>
#include <linux/mm.h>
#include <linux/reboot.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/syscore_ops.h>
#include <linux/sysctl.h>
#include <linux/uaccess.h>

#include "kexec_internal.h"

/* The trampoline reads the move list with the offsets of <asm/kexec.h>. */
static_assert(offsetof(struct kexec_move, dest) == KEXEC_MOVE_DEST_OFFSET);
static_assert(offsetof(struct kexec_move, src) == KEXEC_MOVE_SRC_OFFSET);
static_assert(sizeof(struct kexec_move) == KEXEC_MOVE_SIZE);
static_assert(KEXEC_MOVES_PER_PAGE * sizeof(struct kexec_move) == PAGE_SIZE);

atomic_t kexec_lock_word = ATOMIC_INIT(0);
atomic_t kexec_cpus_owner = ATOMIC_INIT(-1);

struct kimage *kexec_image;		/* [kexec lock] */
struct kimage *kexec_crash_image;	/* [kexec lock] */
bool kexec_in_progress;

/* ===================================================================
 * Policy: who may load, and how often
 * ===================================================================
 */

static int kexec_load_disabled;

/*
 * A load budget: -1 is unlimited, otherwise the number of loads left.  It
 * only ever shrinks, both by loading and by writing the sysctl.
 */
struct kexec_budget {
	atomic_t left;
};

static struct kexec_budget reboot_budget = { .left = ATOMIC_INIT(-1) };
static struct kexec_budget panic_budget = { .left = ATOMIC_INIT(-1) };

static bool kexec_budget_take(struct kexec_budget *budget)
{
	int left = atomic_read(&budget->left);

	do {
		if (left == -1)
			return true;
		if (left == 0)
			return false;
	} while (!atomic_try_cmpxchg(&budget->left, &left, left - 1));
	return true;
}

/**
 * kexec_load_permitted() - may the caller load an image of this type now?
 * @kexec_image_type: KEXEC_TYPE_DEFAULT or KEXEC_TYPE_CRASH
 *
 * Requires CAP_SYS_BOOT in the initial user namespace and loading not to be
 * disabled, and takes one load from the type's budget.
 *
 * Context: process context.
 * Return: true when the load may go ahead.
 */
bool kexec_load_permitted(int kexec_image_type)
{
	struct kexec_budget *budget = kexec_image_type == KEXEC_TYPE_CRASH ?
				      &panic_budget : &reboot_budget;

	if (!capable(CAP_SYS_BOOT) || READ_ONCE(kexec_load_disabled))
		return false;
	return kexec_budget_take(budget);
}

/* Reads show the budget; a write may only lower a limited budget. */
static int kexec_budget_sysctl(const struct ctl_table *table, int write,
			       void *buffer, size_t *lenp, loff_t *ppos)
{
	struct kexec_budget *budget = table->data;
	int value = atomic_read(&budget->left);
	struct ctl_table shadow = {
		.data = &value,
		.maxlen = sizeof(value),
		.mode = table->mode,
	};
	int old, ret;

	ret = proc_dointvec(&shadow, write, buffer, lenp, ppos);
	if (ret || !write)
		return ret;
	if (value < 0)
		return -EINVAL;

	old = atomic_read(&budget->left);
	do {
		if (old != -1 && value >= old)
			return -EINVAL;
	} while (!atomic_try_cmpxchg(&budget->left, &old, value));
	return 0;
}

#define KEXEC_BUDGET_SYSCTL(_name, _budget) {				\
	.procname = _name, .mode = 0644, .data = _budget,		\
	.proc_handler = kexec_budget_sysctl,				\
}

static struct ctl_table kexec_sysctls[] = {
	KEXEC_BUDGET_SYSCTL("kexec_load_limit_reboot", &reboot_budget),
	KEXEC_BUDGET_SYSCTL("kexec_load_limit_panic", &panic_budget),
	{
		/* Only 1 is accepted: loading can be disabled, never re-enabled. */
		.procname	= "kexec_load_disabled",
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.data		= &kexec_load_disabled,
		.maxlen		= sizeof(kexec_load_disabled),
		.extra1		= SYSCTL_ONE,
		.extra2		= SYSCTL_ONE,
	},
};

#ifdef CONFIG_KEXEC_PANIC_TEST
/*
 * Test knob: panic in the middle of the next kexec reboot, on the
 * rebooting CPU once the others are stopped (1), or on another CPU just as
 * the rebooting one begins to stop them (2).
 */
static int kexec_test_panic_in_reboot;

static struct ctl_table kexec_test_sysctls[] = {
	{
		.procname	= "kexec_test_panic_in_reboot",
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.data		= &kexec_test_panic_in_reboot,
		.maxlen		= sizeof(kexec_test_panic_in_reboot),
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_TWO,
	},
};

/* With interrupts off: only the stop's NMI can take this CPU now. */
static void kexec_test_panic_here(void *unused)
{
	panic("kexec test: panic while the reboot stops CPUs");
}

static void kexec_test_panic_elsewhere(void)
{
	unsigned int cpu = cpumask_any_but(cpu_online_mask, smp_processor_id());

	if (READ_ONCE(kexec_test_panic_in_reboot) == 2 && cpu < nr_cpu_ids)
		smp_call_function_single(cpu, kexec_test_panic_here, NULL, 0);
}
#else
static inline void kexec_test_panic_elsewhere(void) { }
#endif

static int __init kexec_policy_init(void)
{
	register_sysctl_init("kernel", kexec_sysctls);
#ifdef CONFIG_KEXEC_PANIC_TEST
	register_sysctl_init("kernel", kexec_test_sysctls);
#endif
	return 0;
}
late_initcall(kexec_policy_init);

/* ===================================================================
 * Validate
 * ===================================================================
 */

/**
 * kexec_validate_segments() - check a segment list before anything is staged
 * @segments:    the list, already copied into the kernel
 * @nr_segments: entries in @segments, at most KEXEC_SEGMENT_MAX
 * @ram_pages:   pages of RAM; no segment, nor all of them together, may
 *               need more than half of it
 * @window:      for a crash image, the reserved region every destination
 *               must lie in; NULL otherwise
 *
 * The checks run in the order user space has always seen them reported:
 * destination addresses, then overlaps, then sizes, then the window.
 *
 * Context: any; no side effects.
 * Return: 0, -EADDRNOTAVAIL for a destination that wraps, is not page
 * aligned, is beyond what the architecture can reach or leaves @window,
 * -EINVAL for overlapping segments, a source larger than its destination
 * or a request for too much memory.
 */
int kexec_validate_segments(const struct kexec_segment *segments,
			    unsigned long nr_segments, unsigned long ram_pages,
			    const struct resource *window)
{
	unsigned long i, j, end, pages, total_pages = 0;

	for (i = 0; i < nr_segments; i++) {
		const struct kexec_segment *s = &segments[i];

		if (check_add_overflow(s->mem, s->memsz, &end))
			return -EADDRNOTAVAIL;
		if (!PAGE_ALIGNED(s->mem) || !PAGE_ALIGNED(end))
			return -EADDRNOTAVAIL;
		if (end >= KEXEC_DESTINATION_MEMORY_LIMIT)
			return -EADDRNOTAVAIL;
	}

	for (i = 1; i < nr_segments; i++) {
		const struct kexec_segment *a = &segments[i];

		for (j = 0; j < i; j++) {
			const struct kexec_segment *b = &segments[j];

			if (a->mem < b->mem + b->memsz &&
			    b->mem < a->mem + a->memsz)
				return -EINVAL;
		}
	}

	for (i = 0; i < nr_segments; i++)
		if (segments[i].bufsz > segments[i].memsz)
			return -EINVAL;

	for (i = 0; i < nr_segments; i++) {
		pages = segments[i].memsz >> PAGE_SHIFT;
		if (pages > ram_pages / 2)
			return -EINVAL;
		total_pages += pages;
	}
	if (total_pages > ram_pages / 2)
		return -EINVAL;

	if (!window)
		return 0;
	for (i = 0; i < nr_segments; i++) {
		const struct kexec_segment *s = &segments[i];

		if (s->mem < window->start ||
		    s->mem + s->memsz - 1 > window->end)
			return -EADDRNOTAVAIL;
	}
	return 0;
}

/* ===================================================================
 * Stage
 * ===================================================================
 */

/* Crash images are staged in, and take their control pages from, the reservation. */
static bool kimage_in_reservation(const struct kimage *image)
{
	return IS_ENABLED(CONFIG_CRASH_DUMP) && image->type == KEXEC_TYPE_CRASH;
}

/**
 * kimage_meets_destination() - does a range meet a segment's destination?
 * @image: the image
 * @start: first byte of the range
 * @size:  its bytes, not zero
 *
 * Context: any.
 * Return: true if [@start, @start + @size) overlaps the destination of a
 * segment of @image.
 */
bool kimage_meets_destination(const struct kimage *image, u64 start, u64 size)
{
	unsigned long i;

	for (i = 0; i < image->nr_segments; i++) {
		const struct kexec_segment *s = &image->segment[i];

		if (start < s->mem + s->memsz && s->mem < start + size)
			return true;
	}
	return false;
}

static bool kimage_is_destination(const struct kimage *image, phys_addr_t addr)
{
	return kimage_meets_destination(image, addr, 1);
}

#ifdef CONFIG_CRASH_DUMP
/*
 * A crash image lives entirely in the crashkernel= reservation: the rest of
 * memory belongs to a kernel that has just failed.  Its control pages are
 * taken from the top of the reservation down, around the segments, and are
 * not freed: the reservation is never given to the page allocator.
 */
static struct page *kimage_alloc_reserved_page(struct kimage *image, gfp_t gfp)
{
	phys_addr_t addr;

	if (!image->reserved_next)
		image->reserved_next = crashk_res.end + 1;
	for (addr = image->reserved_next; addr >= crashk_res.start + PAGE_SIZE;) {
		addr -= PAGE_SIZE;
		if (kimage_is_destination(image, addr))
			continue;
		image->reserved_next = addr;
		if (gfp & __GFP_ZERO)
			clear_page(phys_to_virt(addr));
		return pfn_to_page(PHYS_PFN(addr));
	}
	return NULL;
}
#else
static struct page *kimage_alloc_reserved_page(struct kimage *image, gfp_t gfp)
{
	return NULL;
}
#endif

/**
 * kimage_alloc_safe_page() - allocate a page that survives the moves
 * @image: the image that will own the page
 * @gfp:   allocation flags
 *
 * The page lies outside every destination range of @image, so it keeps
 * its contents until the trampoline has finished.  It belongs to @image
 * and is freed with it; callers never free it themselves.
 *
 * Context: process context, kexec lock held.
 * Return: the page, or NULL when memory ran out.
 */
struct page *kimage_alloc_safe_page(struct kimage *image, gfp_t gfp)
{
	struct page *page;

	kexec_assert_locked();
	if (kimage_in_reservation(image))
		return kimage_alloc_reserved_page(image, gfp);
	for (;;) {
		page = alloc_page(gfp | __GFP_NORETRY | __GFP_NOWARN);
		if (!page)
			return NULL;
		if (!kimage_is_destination(image, page_to_phys(page)))
			break;
		list_add_tail(&page->lru, &image->parked);
	}
	list_add_tail(&page->lru, &image->pages);
	return page;
}

static void kimage_free_pages(struct list_head *pages)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, pages, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

/* The last slot of each list page is kept for the CHAIN or END marker. */
static bool kimage_is_marker_slot(const struct kexec_move *slot)
{
	return offset_in_page(slot + 1) == 0;
}

/* Start a new move list page, chained from the current one if any. */
static int kimage_grow_move_list(struct kimage *image)
{
	struct page *page = kimage_alloc_safe_page(image, GFP_KERNEL);

	if (!page)
		return -ENOMEM;
	if (image->move_next) {
		image->move_next->dest = KEXEC_MOVE_CHAIN;
		image->move_next->src = page_to_phys(page);
	} else {
		image->moves = page_to_phys(page);
	}
	image->move_next = page_address(page);
	return 0;
}

/* Append "copy @src to @dest" to the move list. */
static int kimage_add_move(struct kimage *image, phys_addr_t dest, phys_addr_t src)
{
	struct kexec_move *move;
	int ret;

	if (!image->move_next || kimage_is_marker_slot(image->move_next)) {
		ret = kimage_grow_move_list(image);
		if (ret)
			return ret;
	}
	move = image->move_next++;
	move->dest = dest;
	move->src = src;
	return 0;
}

/**
 * kexec_ranges_add() - append [start, end] to a growing list of ranges
 * @list:  the list; start from all zeroes, kfree() @list->ranges when done
 * @start: first byte
 * @end:   last byte; nothing is added when it lies below @start
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int kexec_ranges_add(struct kexec_ranges *list, u64 start, u64 end)
{
	if (start > end)
		return 0;
	if (list->nr == list->room) {
		unsigned int room = list->room ? 2 * list->room : 32;
		struct range *bigger;

		bigger = krealloc_array(list->ranges, room, sizeof(*bigger),
					GFP_KERNEL);
		if (!bigger)
			return -ENOMEM;
		list->ranges = bigger;
		list->room = room;
	}
	list->ranges[list->nr].start = start;
	list->ranges[list->nr].end = end;
	list->nr++;
	return 0;
}

/**
 * kimage_create() - allocate an empty image for a validated segment list
 * @entry:       physical address the trampoline jumps to
 * @type:        KEXEC_TYPE_DEFAULT or KEXEC_TYPE_CRASH
 * @segments:    the list, checked by kexec_validate_segments()
 * @nr_segments: entries in @segments
 *
 * Context: process context, kexec lock held.
 * Return: the image, or NULL when memory ran out.
 */
struct kimage *kimage_create(unsigned long entry, unsigned int type,
			     const struct kexec_segment *segments,
			     unsigned long nr_segments)
{
	struct kimage *image;

	if (WARN_ON_ONCE(nr_segments > KEXEC_SEGMENT_MAX))
		return NULL;
	image = kzalloc(sizeof(*image), GFP_KERNEL);
	if (!image)
		return NULL;
	image->entry = entry;
	image->type = type;
	image->nr_segments = nr_segments;
	if (nr_segments)
		memcpy(image->segment, segments, nr_segments * sizeof(*segments));
	INIT_LIST_HEAD(&image->pages);
	INIT_LIST_HEAD(&image->parked);
#ifdef CONFIG_CRASH_HOTPLUG
	image->elfcorehdr_index = -1;
#endif
	return image;
}

/* Copy @len bytes of segment @seg's source, from @offset on, to @to. */
static int kimage_copy_source(const struct kimage *image,
			      const struct kexec_segment *seg,
			      unsigned long offset, void *to, size_t len)
{
	if (!len)
		return 0;
	if (image->kernel_sources) {
		memcpy(to, seg->kbuf + offset, len);
		return 0;
	}
	return copy_from_user(to, seg->buf + offset, len) ? -EFAULT : 0;
}

/*
 * A claimed segment, or any segment of a crash image (whose destinations
 * are in the reservation, which nothing else uses), is written in place,
 * a megabyte at a time.
 */
static int kimage_fill_claimed(struct kimage *image,
			       const struct kexec_segment *seg)
{
	void *dest = phys_to_virt(seg->mem);
	unsigned long offset;
	int ret;

	for (offset = 0; offset < seg->memsz; offset += SZ_1M) {
		size_t chunk = min_t(size_t, seg->memsz - offset, SZ_1M);
		size_t data = 0;

		if (offset < seg->bufsz)
			data = min_t(size_t, seg->bufsz - offset, chunk);
		ret = kimage_copy_source(image, seg, offset, dest + offset, data);
		if (ret)
			return ret;
		memset(dest + offset + data, 0, chunk - data);
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/**
 * kimage_stage_segment() - copy one segment's source into the image
 * @image: the image being built
 * @index: which of its segments
 *
 * A claimed segment (see &struct kimage.claimed) is written straight to
 * its destination.  Otherwise each destination page gets a safe page
 * holding its future contents and a record in the move list.  Either way
 * the destination ends up zero past the segment's bufsz.
 *
 * Context: process context, kexec lock held; sleeps.
 * Return: 0, -EFAULT when the source is unreadable, -ENOMEM, or -EINTR
 * when the loader was killed.
 */
int kimage_stage_segment(struct kimage *image, unsigned int index)
{
	const struct kexec_segment *seg = &image->segment[index];
	unsigned long offset;
	int ret;

	if (image->claimed & BIT(index) || kimage_in_reservation(image))
		return kimage_fill_claimed(image, seg);

	for (offset = 0; offset < seg->memsz; offset += PAGE_SIZE) {
		size_t chunk = 0;
		struct page *page;
		void *to;

		if (offset < seg->bufsz)
			chunk = min_t(size_t, seg->bufsz - offset, PAGE_SIZE);
		page = kimage_alloc_safe_page(image, GFP_KERNEL);
		if (!page)
			return -ENOMEM;
		to = page_address(page);
		ret = kimage_copy_source(image, seg, offset, to, chunk);
		if (ret)
			return ret;
		memset(to + chunk, 0, PAGE_SIZE - chunk);

		ret = kimage_add_move(image, seg->mem + offset,
				      page_to_phys(page));
		if (ret)
			return ret;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/**
 * kimage_finish() - close the move list and release parked pages
 * @image: the image, every segment staged
 *
 * Context: process context, kexec lock held.
 * Return: 0 or -ENOMEM.
 */
int kimage_finish(struct kimage *image)
{
	int ret;

	if (!image->move_next) {
		ret = kimage_grow_move_list(image);
		if (ret)
			return ret;
	}
	image->move_next->dest = KEXEC_MOVE_END;
	image->move_next->src = 0;

	kimage_free_pages(&image->parked);
	return 0;
}

/**
 * kimage_release_range() - give claimed destination pages back
 * @start: physical start, page aligned
 * @size:  bytes, a multiple of PAGE_SIZE
 *
 * Claimed pages are allocated one reference per page, however they were
 * obtained (split high-order pages or alloc_contig_range()).
 *
 * Context: process context.
 */
void kimage_release_range(phys_addr_t start, size_t size)
{
	unsigned long pfn;

	for (pfn = PHYS_PFN(start); pfn < PHYS_PFN(start + size); pfn++)
		__free_page(pfn_to_page(pfn));
}

/**
 * kimage_destroy() - free an image and everything it owns
 * @image: the image, installed or not; NULL is allowed
 *
 * Context: process context.
 */
void kimage_destroy(struct kimage *image)
{
	unsigned long i;

	if (!image)
		return;
	kimage_forget_shadows(image);
	kimage_handoff_free(image);
	machine_kexec_cleanup(image);
	kimage_free_pages(&image->parked);
	kimage_free_pages(&image->pages);
	for (i = 0; i < image->nr_segments; i++)
		if (image->claimed & BIT(i))
			kimage_release_range(image->segment[i].mem,
					     image->segment[i].memsz);
	kfree(image);
}

/* ===================================================================
 * Commit
 * ===================================================================
 */

/**
 * kexec_install() - make @image the one in @slot
 * @slot:  &kexec_image or &kexec_crash_image
 * @image: the staged image, or NULL to unload
 *
 * While the crash slot holds an image, the crashkernel= reservation is
 * protected (machine_kexec_protect_crash()).
 *
 * Context: kexec lock held.
 * Return: the image that was in @slot before, for the caller to destroy.
 */
struct kimage *kexec_install(struct kimage **slot, struct kimage *image)
{
	bool crash = IS_ENABLED(CONFIG_CRASH_DUMP) && slot == &kexec_crash_image;
	struct kimage *old;

	kexec_assert_locked();
	/*
	 * The reservation is unmapped from the kernel while it holds a crash
	 * image, so a stray write faults instead of corrupting the image.
	 */
	if (crash && *slot)
		machine_kexec_protect_crash(false);
	kexec_trial_slot_changed(slot);
	old = xchg(slot, image);
	if (crash && image)
		machine_kexec_protect_crash(true);
	return old;
}

/* ===================================================================
 * Execute
 * ===================================================================
 */

/* Bring the machine to the state machine_kexec() expects. */
static void kexec_quiesce(void)
{
	kexec_in_progress = true;
	/* Reboot notifiers, then device_shutdown(): bus mastering stops. */
	kernel_restart_prepare("kexec reboot");
	migrate_to_reboot_cpu();
	syscore_shutdown();
	kmsg_dump(KMSG_DUMP_SHUTDOWN);
	/*
	 * migrate_to_reboot_cpu() left CPU hotplug disabled, but some
	 * architectures take the other CPUs down through it.
	 */
	cpu_hotplug_enable();
	pr_notice("handing over to the new kernel\n");
	/*
	 * machine_shutdown() stops the other CPUs.  If one of them panicked
	 * first and is starting the crash image, it stops this CPU instead:
	 * wait for that rather than stop it in turn.  A panic after this
	 * point waits for this CPU, which boots the new kernel.
	 */
	if (!kexec_claim_cpus())
		panic_smp_self_stop();
	kexec_test_panic_elsewhere();
	machine_shutdown();
}

/**
 * kernel_kexec() - reboot into the loaded image
 *
 * Context: process context; the caller has CAP_SYS_BOOT.
 * Return: does not return on success; -EBUSY when a load or another
 * reboot holds the kexec lock, -EINVAL when no image is loaded, or the
 * errno of kimage_handoff_freeze() when the image cannot take the memory
 * that is preserved for it.
 */
int kernel_kexec(void)
{
	int ret;

	if (!kexec_trylock())
		return -EBUSY;
	if (!kexec_image) {
		kexec_unlock();
		return -EINVAL;
	}
	/* The last step that may fail: the system is still whole. */
	ret = kimage_handoff_freeze(kexec_image);
	if (ret) {
		kexec_unlock();
		return ret;
	}
	kexec_quiesce();
#ifdef CONFIG_KEXEC_PANIC_TEST
	if (READ_ONCE(kexec_test_panic_in_reboot) == 1)
		panic("kexec test: panic during the kexec reboot");
#endif
	kimage_handoff_seal(kexec_image);
	machine_kexec(kexec_image);
}
