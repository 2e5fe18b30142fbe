// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86_64 machine layer of kexec.
 *
 * Design
 * ------
 * At load time, machine_kexec_prepare() builds everything the hand-off
 * needs, so that machine_kexec() has nothing left that can fail:
 *
 *  - the transition page tables: all RAM mapped 1:1 (the trampoline, the
 *    move list, the sources and the destinations all live there), plus the
 *    kernel image at its link address, because the instruction after the
 *    CR3 write is fetched from kernel text;
 *  - the control page, holding a copy of the trampoline from
 *    relocate_kernel_64.S.
 *
 * Every page comes from kimage_alloc_safe_page(), so it lies outside all
 * destinations and belongs to the image: freeing the image frees the
 * tables, and an error path is a plain return.
 *
 * Constraints
 * -----------
 * machine_kexec() runs with other CPUs stopped and devices quiet.  Once it
 * writes CR3 the old kernel's stacks, per-CPU data and IDT are gone; only
 * registers carry state into the trampoline.
 */

#include <kunit/static_stub.h>
#include <linux/cc_platform.h>
#include <linux/kexec.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/debugreg.h>
#include <asm/init.h>
#include <asm/nospec-branch.h>
#include <asm/pgtable.h>
#include <asm/sections.h>
#include <asm/set_memory.h>

static void *kexec_table_page(void *context)
{
	struct page *page = kimage_alloc_safe_page(context, GFP_KERNEL | __GFP_ZERO);

	return page ? page_address(page) : NULL;
}

/* A new, empty table page as the entry that points to it; 0 without memory. */
static unsigned long kexec_new_table(struct kimage *image)
{
	void *table = kexec_table_page(image);

	return table ? __pa(table) | _KERNPG_TABLE_NOENC : 0;
}

/*
 * Map the kernel image at its link address with 2 MiB pages.  This is not
 * done with kernel_ident_mapping_init(): the image sits in the last PGD
 * slot, where the helper's end-of-slot arithmetic would wrap to zero.
 */
static int kexec_map_kernel_image(struct kimage *image)
{
	unsigned long va = (unsigned long)_text & PMD_MASK;
	unsigned long end = (unsigned long)_end;
	unsigned long entry;
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;

	for (; va < end; va += PMD_SIZE) {
		pgd = image->arch.pgd + pgd_index(va);
		if (pgd_none(*pgd)) {
			entry = kexec_new_table(image);
			if (!entry)
				return -ENOMEM;
			set_pgd(pgd, __pgd(entry));
		}
		p4d = p4d_offset(pgd, va);
		if (p4d_none(*p4d)) {
			entry = kexec_new_table(image);
			if (!entry)
				return -ENOMEM;
			set_p4d(p4d, __p4d(entry));
		}
		pud = pud_offset(p4d, va);
		if (pud_none(*pud)) {
			entry = kexec_new_table(image);
			if (!entry)
				return -ENOMEM;
			set_pud(pud, __pud(entry));
		}
		set_pmd(pmd_offset(pud, va),
			__pmd(__pa_symbol(va) | __PAGE_KERNEL_LARGE_EXEC));
	}
	return 0;
}

static int kexec_build_tables(struct kimage *image)
{
	struct x86_mapping_info info = {
		.alloc_pgt_page	= kexec_table_page,
		.context	= image,
		.page_flag	= __PAGE_KERNEL_LARGE_EXEC,
		.kernpg_flag	= _KERNPG_TABLE_NOENC,
	};
	unsigned long i;
	int ret;

	image->arch.pgd = kexec_table_page(image);
	if (!image->arch.pgd)
		return -ENOMEM;

	/* RAM 1:1: it holds every safe page the hand-off touches. */
	for (i = 0; i < nr_pfn_mapped; i++) {
		ret = kernel_ident_mapping_init(&info, image->arch.pgd,
						PFN_PHYS(pfn_mapped[i].start),
						PFN_PHYS(pfn_mapped[i].end));
		if (ret)
			return ret;
	}

	/* Each destination 1:1 too, wherever the loader put it. */
	for (i = 0; i < image->nr_segments; i++) {
		const struct kexec_segment *s = &image->segment[i];

		if (!s->memsz)
			continue;
		ret = kernel_ident_mapping_init(&info, image->arch.pgd,
						s->mem, s->mem + s->memsz);
		if (ret)
			return ret;
	}

	/* The kernel image where it runs now, for the CR3 switch. */
	return kexec_map_kernel_image(image);
}

/*
 * Encrypted memory (an SME host, SEV, SEV-SNP or TDX guest) needs what this
 * hand-off does not do: the encryption bit in the transition tables,
 * decrypted pages for what the next kernel reads before it sets up its
 * own, no WBINVD where it traps, and the guest's enc_kexec steps.  Starting
 * a kernel without them corrupts it or kills the machine, so loads are
 * refused instead.
 */
static bool kexec_memory_encrypted(void)
{
	KUNIT_STATIC_STUB_REDIRECT(kexec_memory_encrypted);
	return cc_platform_has(CC_ATTR_MEM_ENCRYPT) ||
	       cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT);
}

/**
 * machine_kexec_supported() - can this machine be left by kexec at all?
 *
 * Context: process context.
 * Return: 0, or -EOPNOTSUPP where memory is encrypted.
 */
int machine_kexec_supported(void)
{
	if (!kexec_memory_encrypted())
		return 0;
	pr_warn_once("kexec: refused: this kexec does not support encrypted memory (SME, SEV, TDX)\n");
	return -EOPNOTSUPP;
}

/**
 * machine_kexec_prepare() - build the page tables and the trampoline copy
 * @image: the image being loaded, its segments validated
 *
 * Context: process context, kexec lock held.
 * Return: 0, -EOPNOTSUPP where memory is encrypted, or -ENOMEM.
 */
int machine_kexec_prepare(struct kimage *image)
{
	size_t size = relocate_kernel_end - relocate_kernel;
	struct page *page;
	int ret;

	if (WARN_ON_ONCE(size > KEXEC_CONTROL_CODE_MAX_SIZE))
		return -EINVAL;
	ret = machine_kexec_supported();
	if (ret)
		return ret;

	ret = kexec_build_tables(image);
	if (ret)
		return ret;

	page = kimage_alloc_safe_page(image, GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	memcpy(page_address(page), relocate_kernel, size);
	image->arch.control_page = page;
	return 0;
}

/**
 * machine_kexec_cleanup() - release what machine_kexec_prepare() built
 * @image: the image being freed
 *
 * The tables and the control page belong to @image and are freed with it.
 *
 * Context: process context.
 */
void machine_kexec_cleanup(struct kimage *image)
{
}

#ifdef CONFIG_CRASH_DUMP
static void kexec_map_region(const struct resource *res, bool present)
{
	unsigned long addr = (unsigned long)phys_to_virt(res->start);
	int pages = resource_size(res) >> PAGE_SHIFT;

	if (!res->end)
		return;
	if (present)
		set_memory_p(addr, pages);
	else
		set_memory_np(addr, pages);
}

/**
 * machine_kexec_protect_crash() - unmap the reservation from the kernel
 * @protect: true once a crash image is loaded, false before it goes
 *
 * The direct map of the crashkernel= regions loses its present bit, so a
 * stray write by this kernel faults instead of corrupting the capture
 * kernel.  The trampoline maps the reservation in its own tables.
 *
 * Context: process context, kexec lock held.
 */
void machine_kexec_protect_crash(bool protect)
{
	kexec_map_region(&crashk_res, !protect);
	kexec_map_region(&crashk_low_res, !protect);
}
#endif

/**
 * machine_kexec() - jump to the trampoline; never returns
 * @image: the installed image
 *
 * Context: other CPUs stopped, devices shut down; interrupts are turned
 * off here.
 */
void machine_kexec(struct kimage *image)
{
	unsigned long table = __pa(image->arch.pgd);
	unsigned long control = page_to_phys(image->arch.control_page);

	local_irq_disable();
	hw_breakpoint_disable();

	/*
	 * The CR3 write and the jump are both in kernel text, which the new
	 * tables map at the same address; nothing here touches the stack.
	 */
	asm volatile("mov %0, %%cr3\n\t"
		     ANNOTATE_RETPOLINE_SAFE
		     "jmp *%1"
		     :
		     : "D" (table), "S" (control), "d" (image->moves),
		       "c" (image->entry)
		     : "memory");
	unreachable();
}

#ifdef CONFIG_KEXEC_CORE_KUNIT_TEST
#include "machine_kexec_64_test.c"
#endif
