// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 side of the crash path: stopping a failed machine just enough to
 * start the capture kernel (see kernel/crash_core.c).
 *
 * Nothing here may trust the failed kernel: no locks, no allocation, no
 * device shutdown.  The other CPUs are stopped with an NMI, which reaches
 * them even with interrupts off, and each leaves its registers in its
 * crash_notes buffer on the way.  The interrupt hardware is then put back
 * the way firmware left it, so that the capture kernel can bring it up as
 * on a cold boot.
 */

#include <linux/crash_core.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/sysctl.h>
#include <linux/ioport.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/range.h>
#include <linux/slab.h>
#include <asm/apic.h>
#include <asm/bootparam.h>
#include <asm/e820/api.h>
#include <asm/crash.h>
#include <asm/hpet.h>
#include <asm/io_apic.h>
#include <asm/nmi.h>
#include <asm/intel_pt.h>
#include <asm/kexec-bzimage64.h>
#include <asm/reboot.h>
#include <asm/smp.h>

/* NMI handler work on each other CPU: leave registers, go quiet. */
static void kdump_cpu_stopped(int cpu, struct pt_regs *regs)
{
	crash_save_cpu(regs, cpu);
	cpu_emergency_stop_pt();
	disable_local_APIC();
}

/**
 * kdump_nmi_shootdown_cpus() - stop every other CPU for a crash dump
 *
 * Context: panic context, interrupts off.
 */
void kdump_nmi_shootdown_cpus(void)
{
	nmi_shootdown_cpus(kdump_cpu_stopped);
	disable_local_APIC();
}

/**
 * crash_smp_send_stop() - stop the other CPUs, once
 *
 * panic() calls this before its notifiers when crash_kexec_post_notifiers
 * is set, and the crash shutdown calls it again: only the first counts.
 *
 * Context: panic context.
 */
void crash_smp_send_stop(void)
{
	static atomic_t done = ATOMIC_INIT(0);

	if (atomic_xchg(&done, 1))
		return;
	if (!smp_ops.crash_stop_other_cpus) {
		smp_send_stop();
		return;
	}
	smp_ops.crash_stop_other_cpus();
}

/*
 * Interrupt delivery back to what firmware set up, for the capture kernel
 * to start from; the IO-APIC lock may be held by a CPU that is gone.
 */
static void kdump_reset_interrupt_hardware(void)
{
	if (IS_ENABLED(CONFIG_HPET_TIMER))
		hpet_disable();
#ifdef CONFIG_X86_IO_APIC
	ioapic_zap_locks();
	clear_IO_APIC();
#endif
	lapic_shutdown();
	restore_boot_irq_mode();
}

/**
 * native_machine_crash_shutdown() - get ready to start the capture kernel
 * @regs: this CPU's registers at the failure
 *
 * Context: panic context; returns with interrupts off and every other CPU
 * stopped.
 */
void native_machine_crash_shutdown(struct pt_regs *regs)
{
	int cpu = safe_smp_processor_id();

	local_irq_disable();
	crash_save_cpu(regs, cpu);
	crash_smp_send_stop();
	/* This CPU, like the stopped ones: no VMX/SVM, no tracing. */
	cpu_emergency_disable_virtualization();
	cpu_emergency_stop_pt();
	kdump_reset_interrupt_hardware();
}

/*
 * Of [start, end], the parts that are online.  Memory hotplug onlines and
 * offlines whole sections, and memory this kernel took offline must not
 * be dumped: a driver (virtio-mem, a balloon) may have given it back to
 * the hypervisor, and reading it may fault the capture kernel.
 */
static int kdump_note_online(struct kexec_ranges *ram, u64 start, u64 end)
{
#ifdef CONFIG_MEMORY_HOTPLUG
	unsigned long pfn = PHYS_PFN(start), last = PHYS_PFN(end);
	u64 run = start;
	bool in = true;
	int ret;

	while (pfn <= last) {
		unsigned long next = ALIGN(pfn + 1, PAGES_PER_SECTION);
		bool online = pfn_to_online_page(pfn);

		if (online != in) {
			if (online) {
				run = max_t(u64, PFN_PHYS(pfn), start);
			} else {
				ret = kexec_ranges_add(ram, run, PFN_PHYS(pfn) - 1);
				if (ret)
					return ret;
			}
			in = online;
		}
		pfn = next;
	}
	return in ? kexec_ranges_add(ram, run, end) : 0;
#else
	return kexec_ranges_add(ram, start, end);
#endif
}

/* A System RAM range, less the crash regions (at most two holes). */
static int kdump_note_ram(struct resource *res, void *arg)
{
	const struct resource *holes[] = { &crashk_low_res, &crashk_res };
	u64 start = res->start, end = res->end;
	unsigned int i;
	int ret;

	/* Holes in address order, so each cut leaves the rest above it. */
	if (crashk_low_res.start > crashk_res.start)
		swap(holes[0], holes[1]);
	for (i = 0; i < ARRAY_SIZE(holes); i++) {
		const struct resource *h = holes[i];

		if (!h->end || h->end < start || h->start > end)
			continue;
		if (h->start > start) {
			ret = kdump_note_online(arg, start, h->start - 1);
			if (ret)
				return ret;
		}
		start = h->end + 1;
	}
	return start <= end ? kdump_note_online(arg, start, end) : 0;
}

/**
 * crash_old_memory() - the RAM a capture kernel dumps
 * @nr: set to the number of ranges
 *
 * All online System RAM but the crashkernel= regions, which hold the
 * capture kernel itself.
 *
 * Context: process context.
 * Return: a kmalloc'ed array of inclusive ranges (NULL for none), or an
 * ERR_PTR.
 */
struct range *crash_old_memory(unsigned int *nr)
{
	struct kexec_ranges ram = {};
	int ret;

	ret = walk_system_ram_res(0, -1, &ram, kdump_note_ram);
	if (ret) {
		kfree(ram.ranges);
		return ERR_PTR(ret);
	}
	*nr = ram.nr;
	return ram.ranges;
}

#ifdef CONFIG_KEXEC_FILE
/* The low memory every x86 kernel wants, for its real-mode trampoline. */
#define KDUMP_LOW_RAM_END	0xa0000

static int kdump_e820_add(struct boot_e820_entry *map, unsigned int *n,
			  u64 start, u64 end, u32 type)
{
	if (start > end)
		return 0;
	if (*n == E820_MAX_ENTRIES_ZEROPAGE)
		return -E2BIG;
	map[*n].addr = start;
	map[*n].size = end - start + 1;
	map[*n].type = type;
	(*n)++;
	return 0;
}

/**
 * crash_capture_e820() - the memory map a capture kernel boots with
 * @map:        the zero page's e820 table
 * @nr:         set to the entries used
 * @hdr_start:  first byte of the ELF core header segment
 * @hdr_end:    its last byte
 *
 * Firmware ranges stay as they are; of the RAM only the low 640 KiB and
 * the crash regions remain usable, except the ELF core header, which is
 * marked reserved so that the capture kernel keeps it.
 *
 * Context: process context.
 * Return: 0, or -E2BIG when the zero page cannot hold the map.
 */
int crash_capture_e820(struct boot_e820_entry *map, unsigned int *nr,
		       u64 hdr_start, u64 hdr_end)
{
	const struct e820_table *table = e820_table_kexec;
	unsigned int i, n = 0;
	int ret = 0;

	for (i = 0; !ret && i < table->nr_entries; i++) {
		const struct e820_entry *e = &table->entries[i];

		if (e->type != E820_TYPE_RAM)
			ret = kdump_e820_add(map, &n, e->addr,
					     e->addr + e->size - 1, e->type);
		else if (e->addr < KDUMP_LOW_RAM_END)
			ret = kdump_e820_add(map, &n, e->addr,
					     min_t(u64, e->addr + e->size,
						   KDUMP_LOW_RAM_END) - 1,
					     E820_TYPE_RAM);
	}
	if (!ret && crashk_low_res.end)
		ret = kdump_e820_add(map, &n, crashk_low_res.start,
				     crashk_low_res.end, E820_TYPE_RAM);
	if (!ret)
		ret = kdump_e820_add(map, &n, crashk_res.start, hdr_start - 1,
				     E820_TYPE_RAM);
	if (!ret)
		ret = kdump_e820_add(map, &n, hdr_start, hdr_end,
				     E820_TYPE_RESERVED);
	if (!ret)
		ret = kdump_e820_add(map, &n, hdr_end + 1, crashk_res.end,
				     E820_TYPE_RAM);
	*nr = n;
	return ret;
}
#endif /* CONFIG_KEXEC_FILE */

#ifdef CONFIG_KEXEC_TRIAL
/*
 * A kernel started on a CPU other than the one the firmware booted (the
 * BSP) leaves that one out: INIT to the BSP can reset the machine, so the
 * kernel does not register it.  Capture kernels live with that; a trial's
 * fallback is to run as the old kernel did, so the boot CPU, CPU 0 in a
 * kernel that kexec started on the BSP, is asked by NMI to enter it in
 * the failing CPU's place.  NMIs reach it with interrupts off; one that
 * is itself in NMI, or dead, does not answer, and the failing CPU goes on.
 */
#define TRIAL_RELAY_WAIT_MS	1000

static struct kimage *trial_relay_image;
static atomic_t trial_relay_taken = ATOMIC_INIT(0);

static int trial_relay_nmi(unsigned int type, struct pt_regs *regs)
{
	struct kimage *image = READ_ONCE(trial_relay_image);
	struct pt_regs here;

	if (!image || smp_processor_id() != 0 ||
	    atomic_xchg(&trial_relay_taken, 1))
		return NMI_DONE;
	here = *regs;
	machine_crash_shutdown(&here);
	machine_kexec(image);
}

/**
 * arch_kexec_trial_prepare() - Get ready for a failure on any CPU.
 *
 * Context: Process context, at boot.
 * Return: 0 or the errno of register_nmi_handler().
 */
int arch_kexec_trial_prepare(void)
{
	return register_nmi_handler(NMI_LOCAL, trial_relay_nmi, 0, "kexec_trial");
}

/**
 * arch_kexec_trial_release() - Undo arch_kexec_trial_prepare().
 *
 * Context: Process context.
 */
void arch_kexec_trial_release(void)
{
	unregister_nmi_handler(NMI_LOCAL, "kexec_trial");
}

/**
 * arch_kexec_trial_relay() - Have the boot CPU enter the fallback.
 * @image: The fallback.
 *
 * Context: Panic context, interrupts off, on the failing CPU.  Returns
 * only when this CPU is the boot CPU, or the boot CPU did not answer.
 */
void arch_kexec_trial_relay(struct kimage *image)
{
	unsigned int ms;

	if (smp_processor_id() == 0 || !cpu_online(0))
		return;
	WRITE_ONCE(trial_relay_image, image);
	__apic_send_IPI_mask(cpumask_of(0), NMI_VECTOR);
	for (ms = 0; ms < TRIAL_RELAY_WAIT_MS; ms++) {
		if (atomic_read(&trial_relay_taken)) {
			/* Until the boot CPU's shutdown NMI stops this one. */
			for (;;)
				native_halt();
		}
		mdelay(1);
	}
	pr_emerg("kexec trial: CPU 0 did not answer: the fallback starts from CPU %d, without CPU 0\n",
		 smp_processor_id());
}
#endif /* CONFIG_KEXEC_TRIAL */

#ifdef CONFIG_KEXEC_PANIC_TEST
/*
 * Test knob: panic from an NMI handler, the hardest context the crash path
 * must work from.  Writing kernel.kexec_test_panic_in_nmi arms a local NMI
 * handler and sends this CPU an NMI.
 */
static atomic_t kdump_test_nmi_armed = ATOMIC_INIT(0);

static int kdump_test_nmi(unsigned int type, struct pt_regs *regs)
{
	if (!atomic_xchg(&kdump_test_nmi_armed, 0))
		return NMI_DONE;
	panic("kexec test: panic in NMI");
}

static int kdump_test_nmi_sysctl(const struct ctl_table *table, int write,
				 void *buffer, size_t *lenp, loff_t *ppos)
{
	int ret;

	if (!write)
		return -EPERM;
	ret = register_nmi_handler(NMI_LOCAL, kdump_test_nmi, 0, "kexec_test");
	if (ret)
		return ret;
	atomic_set(&kdump_test_nmi_armed, 1);
	__apic_send_IPI_mask(cpumask_of(get_cpu()), NMI_VECTOR);
	put_cpu();
	mdelay(100);
	/* Reached only if the NMI did not come or did not panic. */
	atomic_set(&kdump_test_nmi_armed, 0);
	unregister_nmi_handler(NMI_LOCAL, "kexec_test");
	return -EIO;
}

static struct ctl_table kdump_test_sysctls[] = {
	{
		.procname	= "kexec_test_panic_in_nmi",
		.mode		= 0200,
		.proc_handler	= kdump_test_nmi_sysctl,
	},
};

static int __init kdump_test_init(void)
{
	register_sysctl_init("kernel", kdump_test_sysctls);
	return 0;
}
late_initcall(kdump_test_init);
#endif /* CONFIG_KEXEC_PANIC_TEST */
