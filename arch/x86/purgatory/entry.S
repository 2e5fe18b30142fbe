/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Purgatory entry: verify, then enter the new kernel by the 64-bit boot
 * protocol (Documentation/arch/x86/boot.rst): long mode on a 1:1 map, a
 * GDT whose selectors 0x10 and 0x18 are flat code and data, CS = 0x10,
 * DS = ES = SS = 0x18, interrupts off and %rsi = boot_params.
 *
 * Position independent like the rest of the purgatory: the GDT base is
 * stored at run time from a RIP-relative address.
 */

#include <asm/kexec-purgatory.h>

#define BOOT_CS		0x10
#define BOOT_DS		0x18

	.section .text.entry, "ax"
	.code64
	.globl	purgatory_entry
purgatory_entry:
	cli
	cld
	lea	purgatory_stack_top(%rip), %rsp
	call	purgatory_verify

	lea	boot_gdt(%rip), %rax
	mov	%rax, boot_gdt_desc + 2(%rip)
	lgdt	boot_gdt_desc(%rip)
	lea	.Lflat_cs(%rip), %rax
	pushq	$BOOT_CS
	pushq	%rax
	lretq
.Lflat_cs:
	mov	$BOOT_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs

	lea	purgatory_params(%rip), %rax
	mov	KEXEC_PURGATORY_BOOT_PARAMS(%rax), %rsi
	mov	KEXEC_PURGATORY_KERNEL_ENTRY(%rax), %rax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%edi, %edi
	xor	%ebp, %ebp
	jmp	*%rax

	.data
	.balign	16
boot_gdt:
	.quad	0
	.quad	0
	.quad	0x00af9a000000ffff		/* 0x10: 64-bit code, flat */
	.quad	0x00cf92000000ffff		/* 0x18: data, flat */
boot_gdt_end:
	.balign	8
boot_gdt_desc:
	.word	boot_gdt_end - boot_gdt - 1
	.quad	0

	.section .bss.stack, "aw", @nobits
	.balign	16
	.skip	4096
purgatory_stack_top:
