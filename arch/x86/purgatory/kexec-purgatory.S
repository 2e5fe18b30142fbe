/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The purgatory binary, embedded in the kernel image for kexec_file_load()
 * to copy into each image it loads.
 */

	.section .rodata, "a"
	.balign	16
	.globl	kexec_purgatory
kexec_purgatory:
	.incbin	"arch/x86/purgatory/purgatory.bin"
	.globl	kexec_purgatory_end
kexec_purgatory_end:
