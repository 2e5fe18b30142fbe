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

/* The trampoline image, copied to the control page; never run in place. */
extern const unsigned char relocate_kernel[];
extern const unsigned char relocate_kernel_end[];

#ifdef CONFIG_CRASH_DUMP
void kdump_nmi_shootdown_cpus(void);
#endif

#endif /* __ASSEMBLY__ */

#endif /* _ASM_X86_KEXEC_H */
