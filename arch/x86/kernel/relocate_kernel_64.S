/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kexec trampoline for x86_64.
 *
 * This is not run where it is linked.  machine_kexec_prepare() copies the
 * bytes between relocate_kernel and relocate_kernel_end into a control page
 * that lies outside every destination, and machine_kexec() jumps to that
 * copy at its physical (1:1) address, with paging on the transition tables,
 * interrupts off and:
 *
 *	%rsi	physical address of the control page (our own base)
 *	%rdx	physical address of the first move list page
 *	%rcx	physical entry point of the new image
 *
 * All addressing is RIP-relative, so the copy runs anywhere.  The first
 * KEXEC_CONTROL_CODE_MAX_SIZE bytes of the page hold code and data, the rest
 * is stack.  The trampoline
 *
 *  1. installs its own GDT and an IDT whose handlers report the vector and
 *     CR2 on the first serial port, instead of a silent triple fault;
 *  2. trims CR4 to what long mode needs (PAE, LA57) plus MCE, which also
 *     drops global pages, PCID, SMEP/SMAP and CET, and clears the CR0 bits
 *     a new kernel may not expect: alignment checks (AM), write protection
 *     in ring 0 (WP), the lazy FPU trap (TS) and FPU emulation (EM);
 *  3. performs the move list: records of (destination, source) pages, a
 *     CHAIN marker linking list pages, an END marker closing the list;
 *  4. clears the general purpose registers and jumps to the entry point,
 *     still in long mode on the 1:1 tables, as the 64-bit boot protocol and
 *     kexec-tools' purgatory expect.
 *
 * A fault prints its vector and CR2 on the serial port and then resets the
 * machine, so that a server nobody watches comes back up.
 *
 * Nothing here may use the old kernel's memory: it is the copy's
 * destination.  The move list, the sources, the page tables and this page
 * are all outside the destinations (see include/linux/kexec.h).
 */

#include <linux/linkage.h>
#include <linux/kexec.h>
#include <asm/kexec.h>
#include <asm/page_types.h>
#include <asm/processor-flags.h>

#define TR_CODE_SEL	0x08
#define TR_DATA_SEL	0x10
#define TR_VECTORS	32
#define TR_STUB_SIZE	8
#define TR_GATE_INTR	0x8e00		/* present, DPL 0, 64-bit interrupt gate */
#define TR_CR4_KEEP	(X86_CR4_PAE | X86_CR4_LA57 | X86_CR4_MCE)
#define TR_CR0_DROP	(X86_CR0_AM | X86_CR0_WP | X86_CR0_TS | X86_CR0_EM)
#define TR_UART		0x3f8		/* COM1 data; line status is +5 */
#define TR_UART_THRE	0x20		/* room for a byte */
#define TR_UART_TEMT	0x40		/* everything sent */
#define TR_RESET_CTRL	0xcf9		/* chipset reset control register */
#define TR_RESET_HARD	0x06		/* full reset, CPU and platform */
#define TR_DEBUGCON	0xe9		/* QEMU's and Bochs' isa-debugcon */

	.section .rodata..kexec_trampoline, "a"
	.code64
	.balign	16
	.globl	relocate_kernel
relocate_kernel:
	.byte	0xf3, 0x0f, 0x1e, 0xfa		/* endbr64: a NOP without CET */
	cli
	mov	%rdx, %r13			/* move list cursor */
	mov	%rcx, %r14			/* entry point */
	lea	PAGE_SIZE(%rsi), %rsp

	/* 1. Descriptor tables of our own. */
	lea	tr_gdt(%rip), %rax
	mov	%rax, tr_gdt_desc + 2(%rip)
	lgdt	tr_gdt_desc(%rip)
	lea	.Lreload_cs(%rip), %rax
	pushq	$TR_CODE_SEL
	pushq	%rax
	lretq
.Lreload_cs:
	mov	$TR_DATA_SEL, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs

	lea	tr_idt(%rip), %rdi
	lea	tr_stubs(%rip), %rax
	mov	$TR_VECTORS, %ecx
.Lfill_gate:
	mov	%rax, %rbx
	mov	%bx, (%rdi)			/* handler bits 15:0 */
	movw	$TR_CODE_SEL, 2(%rdi)
	movw	$TR_GATE_INTR, 4(%rdi)
	shr	$16, %rbx
	mov	%bx, 6(%rdi)			/* bits 31:16 */
	shr	$16, %rbx
	mov	%ebx, 8(%rdi)			/* bits 63:32 */
	movl	$0, 12(%rdi)
	add	$16, %rdi
	add	$TR_STUB_SIZE, %rax
	dec	%ecx
	jnz	.Lfill_gate
	lea	tr_idt(%rip), %rax
	mov	%rax, tr_idt_desc + 2(%rip)
	lidt	tr_idt_desc(%rip)

#ifdef CONFIG_KEXEC_DEBUGCON_MARKERS
	/* For a host timing the hand-off: the old kernel is gone. */
	lea	tr_entered_msg(%rip), %rsi
	mov	$TR_DEBUGCON, %dx
.Lmark:
	lodsb
	test	%al, %al
	jz	.Lmarked
	outb	%al, %dx
	jmp	.Lmark
.Lmarked:
#endif

	/* 2. Minimal CR4 and CR0, then a full TLB flush for good measure. */
	mov	%cr4, %rax
	and	$TR_CR4_KEEP, %eax
	mov	%rax, %cr4
	mov	%cr0, %rax
	and	$~TR_CR0_DROP, %rax
	mov	%rax, %cr0
	mov	%cr3, %rax
	mov	%rax, %cr3

	/* 3. The move list. */
	cld
.Lnext_move:
	mov	KEXEC_MOVE_DEST_OFFSET(%r13), %rdi
	mov	KEXEC_MOVE_SRC_OFFSET(%r13), %rsi
	add	$KEXEC_MOVE_SIZE, %r13
	test	$KEXEC_MOVE_MARKERS, %edi
	jnz	.Lmarker
	mov	$(PAGE_SIZE / 8), %ecx
	rep movsq
	jmp	.Lnext_move
.Lmarker:
	test	$KEXEC_MOVE_CHAIN, %edi
	jz	.Lmoves_done
	mov	%rsi, %r13
	jmp	.Lnext_move
.Lmoves_done:
	/* The new image must not find our writes only in the caches. */
	wbinvd

	/* 4. Into the new image with nothing of ours in the registers. */
	xor	%eax, %eax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%ebp, %ebp
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r15d, %r15d
	jmp	*%r14

/*
 * Exception stubs: one per vector, TR_STUB_SIZE bytes apart, each pushing
 * its vector number for the common reporter.
 */
	.balign	TR_STUB_SIZE
tr_stubs:
	vector = 0
	.rept	TR_VECTORS
	.balign	TR_STUB_SIZE
	pushq	$vector
	jmp	tr_fault
	vector = vector + 1
	.endr

/*
 * Print "kexec: trampoline fault vector VV cr2 CCCCCCCCCCCCCCCC", then reset:
 * through the chipset's reset control register where there is one, else by
 * a triple fault (an empty IDT, then an exception).
 */
tr_fault:
	cld
	lea	tr_fault_msg(%rip), %rsi
	call	tr_puts
	pop	%rax				/* the vector */
	mov	$2, %ecx
	call	tr_puthex
	lea	tr_fault_cr2(%rip), %rsi
	call	tr_puts
	mov	%cr2, %rax
	mov	$16, %ecx
	call	tr_puthex
	lea	tr_fault_eol(%rip), %rsi
	call	tr_puts
	mov	$(TR_UART + 5), %dx
.Lwait_temt:
	inb	%dx, %al
	test	$TR_UART_TEMT, %al
	jz	.Lwait_temt

	mov	$TR_RESET_CTRL, %dx
	mov	$TR_RESET_HARD, %al
	outb	%al, %dx
	lidt	tr_no_idt(%rip)
	int3
.Lhalt:
	cli
	hlt
	jmp	.Lhalt

/* tr_puts: the NUL-terminated string at %rsi. */
tr_puts:
	lodsb
	test	%al, %al
	jz	.Lputs_done
	call	tr_putc
	jmp	tr_puts
.Lputs_done:
	ret

/* tr_puthex: the low %ecx nibbles of %rax, most significant first. */
tr_puthex:
	mov	%rax, %r8
	mov	%ecx, %r9d
.Lhex_digit:
	dec	%r9d
	lea	(,%r9, 4), %ecx
	mov	%r8, %rax
	shr	%cl, %rax
	and	$0xf, %eax
	add	$'0', %al
	cmp	$'9', %al
	jbe	.Lhex_out
	add	$('a' - '0' - 10), %al
.Lhex_out:
	call	tr_putc
	test	%r9d, %r9d
	jnz	.Lhex_digit
	ret

/* tr_putc: %al to COM1 once the transmitter has room. */
tr_putc:
	mov	%eax, %r10d
	mov	$(TR_UART + 5), %dx
.Lwait_thre:
	inb	%dx, %al
	test	$TR_UART_THRE, %al
	jz	.Lwait_thre
	mov	$TR_UART, %dx
	mov	%r10d, %eax
	outb	%al, %dx
	ret

tr_fault_msg:	.asciz	"\r\nkexec: trampoline fault vector "
tr_fault_cr2:	.asciz	" cr2 "
tr_fault_eol:	.asciz	"\r\n"
#ifdef CONFIG_KEXEC_DEBUGCON_MARKERS
tr_entered_msg:	.asciz	"kexec: trampoline entered\n"
#endif

	.balign	8
tr_gdt:
	.quad	0				/* null */
	.quad	0x00af9a000000ffff		/* TR_CODE_SEL: 64-bit code */
	.quad	0x00cf92000000ffff		/* TR_DATA_SEL: data */
tr_gdt_end:
	.balign	8
	.word	0, 0, 0
tr_gdt_desc:
	.word	tr_gdt_end - tr_gdt - 1
	.quad	0				/* base, filled in at run time */
	.balign	8
	.word	0, 0, 0
tr_idt_desc:
	.word	TR_VECTORS * 16 - 1
	.quad	0				/* base, filled in at run time */
	.balign	8
	.word	0, 0, 0
tr_no_idt:
	.word	0
	.quad	0
	.balign	16
tr_idt:
	.skip	TR_VECTORS * 16

	.globl	relocate_kernel_end
relocate_kernel_end:
