/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86_64 side of the kexec contract (see include/linux/kexec.h).
 *
 * The hand-off runs in three pieces:
 *   machine_kexec_prepare()  builds the transition page tables and copies
 *                            the trampoline into a safe control page;
 *   machine_kexec()          switches to the transition tables with two
 *                            instructions in kernel text and jumps to it;
 *   the trampoline           (relocate_kernel_64.S) runs from the control
 *                            page at its identity address, performs the
 *                            move list and jumps to the image's entry.
 *
 * The transition tables map all of RAM 1:1 and the kernel image at its
 * usual virtual address, so the CR3 write in kernel text is followed by an
 * instruction that is still mapped.
 */
#ifndef _ASM_X86_KEXEC_H
#define _ASM_X86_KEXEC_H

/* Bytes of trampoline at the start of the control page; the rest is stack. */
#define KEXEC_CONTROL_CODE_MAX_SIZE	2048

/* Where the trampoline finds its pieces in struct kexec_move. */
#define KEXEC_MOVE_DEST_OFFSET		0
#define KEXEC_MOVE_SRC_OFFSET		8
#define KEXEC_MOVE_SIZE			16

#ifndef __ASSEMBLY__

#include <linux/types.h>
#include <asm/page.h>
#include <asm/ptrace.h>
#include <asm/segment.h>

struct kimage;

#ifdef CONFIG_X86_64
#define KEXEC_ARCH			KEXEC_ARCH_X86_64
/* The trampoline reaches any address the direct map covers. */
#define KEXEC_DESTINATION_MEMORY_LIMIT	(MAXMEM - 1)
#else
#error "this kexec implementation supports x86_64 only"
#endif

/**
 * struct kimage_arch - what x86_64 keeps per image
 * @pgd:          top level of the transition page tables (a safe page)
 * @control_page: the safe page the trampoline is copied into
 */
struct kimage_arch {
	pgd_t *pgd;
	struct page *control_page;
};

/*
 * setup_data type of the kexec handoff's root (<linux/kexec_handoff_abi.h>),
 * and the inner type of the SETUP_INDIRECT nodes that name the memory the
 * handoff occupies, so that the decompressor and early memblock keep off
 * it.  Outside the boot protocol's numbered types, which any kernel may
 * one day define: "HO" in its middle bytes.
 */
#define SETUP_HANDOFF			0x00484f00

int machine_kexec_supported(void);
#define machine_kexec_supported machine_kexec_supported

/* The trampoline image, copied to the control page; never run in place. */
extern const unsigned char relocate_kernel[];
extern const unsigned char relocate_kernel_end[];

#ifdef CONFIG_CRASH_DUMP
void kdump_nmi_shootdown_cpus(void);

#define KEXEC_REG_SLOT(reg, field) \
	"movq %%" #reg ", %c[" #field "](%[regs])\n\t"

/*
 * Fill @regs with the caller's registers, for a crash dump started by
 * panic(), which has no exception frame to offer.
 */
static __always_inline void kexec_capture_regs(struct pt_regs *regs)
{
	asm volatile(KEXEC_REG_SLOT(rax, ax) KEXEC_REG_SLOT(rbx, bx)
		     KEXEC_REG_SLOT(rcx, cx) KEXEC_REG_SLOT(rdx, dx)
		     KEXEC_REG_SLOT(rsi, si) KEXEC_REG_SLOT(rdi, di)
		     KEXEC_REG_SLOT(rbp, bp) KEXEC_REG_SLOT(rsp, sp)
		     KEXEC_REG_SLOT(r8, r8) KEXEC_REG_SLOT(r9, r9)
		     KEXEC_REG_SLOT(r10, r10) KEXEC_REG_SLOT(r11, r11)
		     KEXEC_REG_SLOT(r12, r12) KEXEC_REG_SLOT(r13, r13)
		     KEXEC_REG_SLOT(r14, r14) KEXEC_REG_SLOT(r15, r15)
		     "pushfq\n\t"
		     "popq %c[flags](%[regs])\n\t"
		     "leaq (%%rip), %%rax\n\t"
		     "movq %%rax, %c[ip](%[regs])"
		     :
		     : [regs] "r" (regs),
		       [ax] "i" (offsetof(struct pt_regs, ax)),
		       [bx] "i" (offsetof(struct pt_regs, bx)),
		       [cx] "i" (offsetof(struct pt_regs, cx)),
		       [dx] "i" (offsetof(struct pt_regs, dx)),
		       [si] "i" (offsetof(struct pt_regs, si)),
		       [di] "i" (offsetof(struct pt_regs, di)),
		       [bp] "i" (offsetof(struct pt_regs, bp)),
		       [sp] "i" (offsetof(struct pt_regs, sp)),
		       [r8] "i" (offsetof(struct pt_regs, r8)),
		       [r9] "i" (offsetof(struct pt_regs, r9)),
		       [r10] "i" (offsetof(struct pt_regs, r10)),
		       [r11] "i" (offsetof(struct pt_regs, r11)),
		       [r12] "i" (offsetof(struct pt_regs, r12)),
		       [r13] "i" (offsetof(struct pt_regs, r13)),
		       [r14] "i" (offsetof(struct pt_regs, r14)),
		       [r15] "i" (offsetof(struct pt_regs, r15)),
		       [flags] "i" (offsetof(struct pt_regs, flags)),
		       [ip] "i" (offsetof(struct pt_regs, ip))
		     : "rax", "memory");
	regs->cs = __KERNEL_CS;
	regs->ss = __KERNEL_DS;
	regs->orig_ax = -1;
}
#endif

#endif /* __ASSEMBLY__ */

#endif /* _ASM_X86_KEXEC_H */
