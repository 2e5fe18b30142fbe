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
#include <linux/interrupt.h>
#include <linux/kexec.h>
#include <linux/smp.h>
#include <asm/apic.h>
#include <asm/crash.h>
#include <asm/hpet.h>
#include <asm/io_apic.h>
#include <asm/intel_pt.h>
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
