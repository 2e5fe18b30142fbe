// SPDX-License-Identifier: GPL-2.0-only
/*
 * Crash dumps: leaving a failed kernel for the capture kernel.
 *
 * A crash image is loaded like any kexec image (KEXEC_ON_CRASH), into the
 * crashkernel= reservation (crash_reserve.c), and waits in
 * kexec_crash_image.  When the kernel panics, or oopses in a way that will
 * panic, __crash_kexec() starts it:
 *
 *   1. record this CPU's registers and the vmcoreinfo note;
 *   2. machine_crash_shutdown(): the architecture stops the other CPUs
 *      (recording theirs) and quiets the interrupt hardware, but shuts no
 *      device down, since drivers may be what failed;
 *   3. machine_kexec() into the image, as for a normal kexec.
 *
 * The capture kernel finds the registers as ELF notes through the ELF core
 * header the loader built, which points at each CPU's crash_notes buffer
 * (their physical addresses are in /sys/devices/system/cpu/cpuN/crash_notes).
 *
 * Constraints
 * -----------
 * __crash_kexec() runs in panic context, perhaps in NMI, with the rest of
 * the kernel in an unknown state: no locks but a try of the kexec lock, no
 * allocation, no sleeping.
 */

#define pr_fmt(fmt)	"crash: " fmt

#include <linux/cpuhotplug.h>
#include <linux/crash_core.h>
#include <linux/elf.h>
#include <linux/elfcore.h>
#include <linux/export.h>
#include <linux/kexec.h>
#include <linux/memblock.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/panic.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/vmcore_info.h>
#include <asm/sections.h>

#include "kexec_internal.h"

/* One ELF note per CPU, written when the CPU is stopped for a dump. */
note_buf_t __percpu *crash_notes;

static int __init crash_notes_alloc(void)
{
	/* The capture kernel reads each buffer as one physical range. */
	crash_notes = __alloc_percpu(sizeof(note_buf_t),
				     roundup_pow_of_two(sizeof(note_buf_t)));
	if (!crash_notes)
		pr_warn("no memory for CPU notes: dumps will lack registers\n");
	return 0;
}
subsys_initcall(crash_notes_alloc);

/**
 * kexec_crash_loaded() - is there a crash image to start on panic?
 *
 * Context: any.
 * Return: 1 or 0.
 */
int kexec_crash_loaded(void)
{
	return !!READ_ONCE(kexec_crash_image);
}
EXPORT_SYMBOL_GPL(kexec_crash_loaded);

/**
 * kexec_should_crash() - will this oops end in a panic anyway?
 * @p: the task that oopsed
 *
 * If so, and a crash image is loaded, the oops path starts it at once, with
 * the registers of the oops rather than those of panic().  Not with
 * crash_kexec_post_notifiers: whoever set it (Hyper-V and SEV-SNP hosts
 * do, and users may) wants the panic notifiers and kmsg dumpers to run
 * before the capture kernel, so the oops must go through panic(), which
 * then starts the crash image itself.
 *
 * Context: oops path.
 * Return: non-zero to crash now.
 */
int kexec_should_crash(struct task_struct *p)
{
	if (!kexec_crash_loaded() || crash_kexec_post_notifiers)
		return 0;
	/* The same cases in which the oops path would go on to panic(). */
	return in_interrupt() || !p->pid || is_global_init(p) || panic_on_oops;
}

/**
 * crash_save_cpu() - record a CPU's registers for the capture kernel
 * @regs: the registers, as the CPU stopped
 * @cpu:  which CPU; its crash_notes buffer receives an NT_PRSTATUS note
 *
 * Context: panic or NMI context, on @cpu.
 */
void crash_save_cpu(struct pt_regs *regs, int cpu)
{
	struct elf_prstatus status;
	u32 *note;

	if (cpu < 0 || cpu >= nr_cpu_ids || !crash_notes)
		return;
	memset(&status, 0, sizeof(status));
	status.common.pr_pid = current->pid;
	elf_core_copy_regs(&status.pr_reg, regs);

	note = (u32 *)per_cpu_ptr(crash_notes, cpu);
	note = append_elf_note(note, CRASH_CORE_NOTE_NAME, NT_PRSTATUS,
			       &status, sizeof(status));
	final_note(note);
}

/**
 * __crash_kexec() - start the crash image, if there is one
 * @regs: registers at the failure, or NULL to take the caller's
 *
 * A kernel on trial that is not confirmed yet starts its fallback instead
 * (kexec_trial.c); the crash image is for failures after confirmation.
 *
 * A loader holding the kexec lock may be changing the crash slot, so then
 * nothing happens.  A kexec reboot holding it is different: it changes no
 * image, and after a panic it will never finish.  Starting the crash image
 * then is safe and is the only way the machine gets anywhere, so a panic
 * during a kexec reboot is dumped like any other (kexec_in_progress tells
 * the two holders apart; it is set under the lock and never cleared),
 * unless the reboot has begun to stop the CPUs, this one included: then
 * the reboot goes on (kexec_claim_cpus()).
 *
 * Returns only when nothing was started.
 *
 * Context: panic context, interrupts possibly off, possibly in NMI.
 */
void __noclone __crash_kexec(struct pt_regs *regs)
{
	struct pt_regs here;
	bool locked = kexec_trylock();
	/* Loaders do not touch a trial's fallback: no lock is needed. */
	struct kimage *image = kexec_trial_take_fallback();

	if (!image) {
		if (!locked && !READ_ONCE(kexec_in_progress))
			return;
		image = kexec_crash_image;
	}
	if (image) {
		/*
		 * A kexec reboot that has begun to stop the other CPUs stops
		 * this one too, and boots its new kernel: wait for that,
		 * rather than stop the rebooting CPU while it stops this one.
		 */
		if (!locked && !kexec_claim_cpus())
			panic_smp_self_stop();
		if (regs)
			here = *regs;
		else
			kexec_capture_regs(&here);
		if (image == kexec_crash_image)
			crash_save_vmcoreinfo();
		else
			arch_kexec_trial_relay(image);
		machine_crash_shutdown(&here);
		machine_kexec(image);
	}
	if (locked)
		kexec_unlock();
}

/**
 * crash_kexec() - __crash_kexec() from outside panic()
 * @regs: registers at the failure
 *
 * Claims the panic CPU first, as panic() does, so that a panic on another
 * CPU cannot run the crash path at the same time.
 *
 * Context: oops path.
 */
void crash_kexec(struct pt_regs *regs)
{
	if (!panic_try_start())
		return;
	__crash_kexec(regs);
	/* No crash image after all: let a later panic() run. */
	panic_reset();
}

static resource_size_t crash_region_size(const struct resource *res)
{
	resource_size_t end = READ_ONCE(res->end);

	return end ? end - READ_ONCE(res->start) + 1 : 0;
}

/**
 * crash_get_memory_size() - bytes in the crashkernel= reservation
 *
 * Both regions count: the main one and, with crashkernel=,high, the one
 * below 4 GiB (crashkernel=,low).  A read that races with a shrink may
 * see each region before or after it.
 *
 * Context: any.
 * Return: the size, 0 when nothing is reserved.
 */
ssize_t crash_get_memory_size(void)
{
	return crash_region_size(&crashk_res) + crash_region_size(&crashk_low_res);
}

/*
 * Keep the first @keep bytes of @res, give the rest to the page allocator.
 * A region kept at 0 bytes leaves /proc/iomem.
 */
static void crash_region_trim(struct resource *res, resource_size_t keep)
{
	resource_size_t size = crash_region_size(res);
	unsigned long pfn;

	if (keep >= size)
		return;
	for (pfn = PHYS_PFN(res->start + keep); pfn <= PHYS_PFN(res->end); pfn++)
		free_reserved_page(pfn_to_page(pfn));
	if (keep) {
		res->end = res->start + keep - 1;
	} else {
		release_resource(res);
		res->start = 0;
		res->end = 0;
	}
}

/**
 * crash_shrink_memory() - give the end of the reservation back
 * @new_size: bytes to keep, rounded down to whole pages; 0 keeps none
 *
 * Only while no crash image is loaded.  The low region (crashkernel=,low),
 * which the capture kernel needs for DMA, is the last to go: the bytes
 * kept are taken from it first, the rest from the main region.
 *
 * Context: process context.
 * Return: 0, -EINVAL when @new_size is larger than the reservation,
 * -ENOENT while a crash image is loaded (as upstream has it), or -EBUSY
 * while the kexec lock is held.
 */
int crash_shrink_memory(unsigned long new_size)
{
	resource_size_t keep_low, size;
	int ret = 0;

	if (!kexec_trylock())
		return -EBUSY;
	if (kexec_crash_image) {
		ret = -ENOENT;
		goto out;
	}
	new_size = PAGE_ALIGN_DOWN(new_size);
	size = crash_get_memory_size();
	if (new_size > size) {
		ret = -EINVAL;
		goto out;
	}
	if (new_size == size)
		goto out;

	keep_low = min_t(resource_size_t, new_size, crash_region_size(&crashk_low_res));
	crash_region_trim(&crashk_res, new_size - keep_low);
	crash_region_trim(&crashk_low_res, keep_low);
	pr_info("reservation shrunk to %lu MiB\n", new_size >> 20);
out:
	kexec_unlock();
	return ret;
}

/**
 * crash_elfcorehdr_size() - bytes of ELF core header for @nr_ram ranges
 * @nr_ram: ranges of old memory to describe
 *
 * Context: process context.
 * Return: the size crash_elfcorehdr() needs.
 */
size_t crash_elfcorehdr_size(unsigned int nr_ram)
{
	/* A note per CPU, the vmcoreinfo note, the kernel image, the RAM. */
	return sizeof(struct elf64_hdr) +
	       (num_possible_cpus() + 2 + nr_ram) * sizeof(struct elf64_phdr);
}

static struct elf64_phdr *crash_phdr(struct elf64_phdr *ph, u32 type,
				     u64 paddr, u64 vaddr, u64 size)
{
	ph->p_type = type;
	ph->p_flags = type == PT_LOAD ? PF_R | PF_W | PF_X : 0;
	ph->p_offset = paddr;
	ph->p_paddr = paddr;
	ph->p_vaddr = vaddr;
	ph->p_filesz = size;
	ph->p_memsz = size;
	return ph + 1;
}

/**
 * crash_elfcorehdr() - the ELF core header the capture kernel reads
 * @buf:    crash_elfcorehdr_size(@nr_ram) zeroed bytes
 * @ram:    old memory to dump, inclusive ranges
 * @nr_ram: entries in @ram
 *
 * For kexec_file_load(KEXEC_FILE_ON_CRASH), which builds what kexec-tools
 * builds for kexec_load(): an ELF core file header whose PT_NOTE segments
 * are each CPU's crash_notes buffer and the vmcoreinfo note, and whose
 * PT_LOAD segments are the kernel image (at its link address) and RAM (at
 * its direct map address).  A segment's file offset is its physical
 * address: /proc/vmcore in the capture kernel reads old memory there.
 *
 * Context: process context.
 */
void crash_elfcorehdr(void *buf, const struct range *ram, unsigned int nr_ram)
{
	struct elf64_hdr *eh = buf;
	struct elf64_phdr *ph = buf + sizeof(*eh);
	unsigned int cpu, i;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_ident[EI_OSABI] = ELF_OSABI;
	eh->e_type = ET_CORE;
	eh->e_machine = ELF_ARCH;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);

	if (crash_notes)
		for_each_possible_cpu(cpu)
			ph = crash_phdr(ph, PT_NOTE,
					per_cpu_ptr_to_phys(per_cpu_ptr(crash_notes, cpu)),
					0, sizeof(note_buf_t));
	ph = crash_phdr(ph, PT_NOTE, paddr_vmcoreinfo_note(), 0,
			VMCOREINFO_NOTE_SIZE);
	ph = crash_phdr(ph, PT_LOAD, __pa_symbol(_text), (unsigned long)_text,
			_end - _text);
	for (i = 0; i < nr_ram; i++)
		ph = crash_phdr(ph, PT_LOAD, ram[i].start,
				(unsigned long)__va(ram[i].start),
				range_len(&ram[i]));
	eh->e_phnum = ph - (struct elf64_phdr *)(buf + sizeof(*eh));
}

#ifdef CONFIG_CRASH_HOTPLUG
/*
 * Crash hotplug
 * -------------
 * The ELF core header of a loaded crash image describes the CPUs and the
 * memory of the moment it was built.  When memory is onlined or offlined
 * (a DIMM plugged, virtio-mem resized, a block offlined through sysfs) or
 * a CPU comes or goes, the header is rebuilt in place, in the reservation,
 * instead of user space reloading the whole image after every event.
 *
 * Only where the loader allows it: kexec_file_load() images, whose header
 * is ours and sized for growth, and kexec_load() images loaded with
 * KEXEC_UPDATE_ELFCOREHDR or KEXEC_CRASH_HOTPLUG_SUPPORT, by which the
 * loader says its purgatory does not check the header.  For our own
 * images the purgatory does check it: its digest is rewritten with it, so
 * the header stays under the same integrity check as every other segment.
 *
 * The rewrite holds the kexec lock, so a panic meanwhile finds the lock
 * taken and starts nothing, rather than a half-written header.  When a
 * loader holds the lock, the rewrite is retried from a work item once it
 * is free, so an image loaded during the event is corrected as well.
 */

/* Is this the first page of an ELF core header? */
static bool crash_is_elfcorehdr(const void *page)
{
	const struct elf64_hdr *eh = page;

	return !memcmp(eh->e_ident, ELFMAG, SELFMAG) &&
	       eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_type == ET_CORE;
}

/**
 * crash_hotplug_find_header() - find the ELF core header of a crash image
 * @image: a staged, not yet installed crash image, loaded with a crash
 *         hotplug flag
 *
 * Without one the image is not updated, and the crash_hotplug files in
 * sysfs say so, so that user space goes on reloading it after hotplug.
 *
 * Context: kexec lock held; the reservation is still mapped.
 */
void crash_hotplug_find_header(struct kimage *image)
{
	unsigned long i;

	for (i = 0; i < image->nr_segments; i++) {
		const struct kexec_segment *seg = &image->segment[i];

		if (seg->bufsz >= sizeof(struct elf64_hdr) &&
		    crash_is_elfcorehdr(phys_to_virt(seg->mem))) {
			image->elfcorehdr_index = i;
			return;
		}
	}
	pr_info("hotplug: no ELF core header in the crash image: it will not be updated\n");
}

/*
 * Write @len bytes at physical @dest in the reservation, which the direct
 * map does not cover while it holds an image: through a mapping of our
 * own, so the direct map stays closed to stray writes.
 */
static int crash_hotplug_write(phys_addr_t dest, const void *buf, size_t len)
{
	unsigned long first = PHYS_PFN(dest);
	unsigned int i, nr = PHYS_PFN(dest + len - 1) - first + 1;
	struct page **pages;
	void *map;

	pages = kmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		pages[i] = pfn_to_page(first + i);
	map = vmap(pages, nr, VM_MAP, PAGE_KERNEL);
	kfree(pages);
	if (!map)
		return -ENOMEM;
	memcpy(map + offset_in_page(dest), buf, len);
	vunmap(map);
	return 0;
}

/* Rebuild @image's ELF core header from the CPUs and memory of now. */
static int crash_hotplug_rewrite(struct kimage *image)
{
	const struct kexec_segment *seg = &image->segment[image->elfcorehdr_index];
	phys_addr_t digest_at = kimage_digest_addr(image, image->elfcorehdr_index);
	/* Our own header is checked over bufsz bytes; a loader's is not. */
	size_t len = digest_at ? seg->bufsz : seg->memsz;
	struct range *ram;
	unsigned int nr;
	void *hdr;
	int ret;

	ram = crash_old_memory(&nr);
	if (IS_ERR(ram))
		return PTR_ERR(ram);
	if (crash_elfcorehdr_size(nr) > len) {
		pr_warn_ratelimited("hotplug: %u memory ranges do not fit the ELF core header: reload the crash image\n",
				    nr);
		kfree(ram);
		return -ENOSPC;
	}
	hdr = kvzalloc(len, GFP_KERNEL);
	if (!hdr) {
		kfree(ram);
		return -ENOMEM;
	}
	crash_elfcorehdr(hdr, ram, nr);
	kfree(ram);

	ret = crash_hotplug_write(seg->mem, hdr, len);
	if (!ret && IS_ENABLED(CONFIG_KEXEC_FILE) && digest_at) {
		u64 digest = kexec_digest(hdr, len);

		ret = crash_hotplug_write(digest_at, &digest, sizeof(digest));
	}
	kvfree(hdr);
	if (ret)
		pr_err("hotplug: the ELF core header could not be rewritten (%d)\n", ret);
	else
		image->elfcorehdr_ours = true;
	return ret;
}

/*
 * Bring the loaded crash image up to date, for a CPU event (@cpu) or a
 * memory one.  Returns false when the kexec lock was busy.
 */
static bool crash_hotplug_try(bool cpu)
{
	struct kimage *image;

	if (!kexec_trylock())
		return false;
	image = kexec_crash_image;
	/* Our header lists every possible CPU already. */
	if (image && image->elfcorehdr_index >= 0 && !(cpu && image->elfcorehdr_ours))
		crash_hotplug_rewrite(image);
	kexec_unlock();
	return true;
}

static void crash_hotplug_retry(struct work_struct *work);
static DECLARE_DELAYED_WORK(crash_hotplug_work, crash_hotplug_retry);

/* Not while a kexec reboot holds the lock: it never lets go. */
static void crash_hotplug_later(void)
{
	if (!READ_ONCE(kexec_in_progress))
		schedule_delayed_work(&crash_hotplug_work, msecs_to_jiffies(10));
}

static void crash_hotplug_event(bool cpu)
{
	if (!crash_hotplug_try(cpu))
		crash_hotplug_later();
}

/* Whatever the event was, the header is rebuilt. */
static void crash_hotplug_retry(struct work_struct *work)
{
	crash_hotplug_event(false);
}

/**
 * crash_check_hotplug_support() - is the crash image kept up to date?
 *
 * What /sys/devices/system/{cpu,memory}/crash_hotplug show: 1 when a crash
 * image is loaded that this kernel updates on hotplug, so that user space
 * need not reload it; 0 otherwise, also when a loader holds the kexec lock
 * (the answer would not last).
 *
 * Context: process context.
 * Return: 1 or 0.
 */
int crash_check_hotplug_support(void)
{
	int ret;

	if (!kexec_trylock())
		return 0;
	ret = kexec_crash_image && kexec_crash_image->elfcorehdr_index >= 0;
	kexec_unlock();
	return ret;
}

static int crash_memory_notify(struct notifier_block *nb, unsigned long action,
			       void *arg)
{
	/* The sections are marked online or offline before these come. */
	if (action == MEM_ONLINE || action == MEM_OFFLINE)
		crash_hotplug_event(false);
	return NOTIFY_OK;
}

static struct notifier_block crash_memory_nb = {
	.notifier_call = crash_memory_notify,
};

static int crash_cpu_notify(unsigned int cpu)
{
	crash_hotplug_event(true);
	return 0;
}

static int __init crash_hotplug_init(void)
{
	int ret = 0;

	if (IS_ENABLED(CONFIG_MEMORY_HOTPLUG))
		ret = register_memory_notifier(&crash_memory_nb);
	if (!ret && IS_ENABLED(CONFIG_HOTPLUG_CPU))
		ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "kexec/crash:hotplug",
						crash_cpu_notify, crash_cpu_notify);
	if (ret < 0)
		pr_warn("hotplug: not watching CPUs and memory (%d)\n", ret);
	return 0;
}
subsys_initcall(crash_hotplug_init);
#endif /* CONFIG_CRASH_HOTPLUG */

#ifdef CONFIG_KEXEC_PANIC_TEST
/*
 * Test knob: write to the loaded crash image through the kernel's own
 * mapping, as a wild pointer would.  The write must fault (the reservation
 * is unmapped while it holds an image), and the oops then starts the intact
 * crash image.
 */
static int crash_stray_write(const struct ctl_table *table, int write,
			     void *buffer, size_t *lenp, loff_t *ppos)
{
	struct kimage *image = READ_ONCE(kexec_crash_image);
	const struct kexec_segment *seg;
	u8 *target;

	if (!write)
		return -EPERM;
	if (!image || !image->nr_segments)
		return -ENOENT;
	seg = &image->segment[0];
	target = phys_to_virt(seg->mem + seg->bufsz / 2);
	pr_warn("test: writing into the crash image at %#lx\n",
		seg->mem + seg->bufsz / 2);
	WRITE_ONCE(*target, READ_ONCE(*target) ^ 0xff);
	return -EIO;	/* reached only if the write went through */
}

static struct ctl_table crash_test_sysctls[] = {
	{
		.procname	= "kexec_test_stray_write",
		.mode		= 0200,
		.proc_handler	= crash_stray_write,
	},
};

static int __init crash_test_init(void)
{
	register_sysctl_init("kernel", crash_test_sysctls);
	return 0;
}
late_initcall(crash_test_init);
#endif /* CONFIG_KEXEC_PANIC_TEST */
