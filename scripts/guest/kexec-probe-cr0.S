/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The image of "kexec-probe cr0" (kexec-probe.c copies it into its page).
 *
 * Position-independent, entered on the trampoline's 1:1 tables in long
 * mode.  The digits of CR0 are written into the message from the last one
 * back, then the message goes out on COM1, a byte whenever the
 * transmitter has room (line status bit 5), and the CPU halts.
 */

	.section .rodata, "a"
	.globl	cr0_image, cr0_image_end
cr0_image:
	mov	%cr0, %rax
	lea	cr0_hex_end(%rip), %rdi
	lea	hex_digits(%rip), %rsi
	mov	$16, %ecx
fill:
	dec	%rdi
	mov	%eax, %edx
	and	$15, %edx
	movzbl	(%rsi,%rdx), %edx
	mov	%dl, (%rdi)
	shr	$4, %rax
	loop	fill
	lea	cr0_msg(%rip), %rsi
emit:
	lodsb
	test	%al, %al
	jz	done
	mov	%eax, %ebx
	mov	$0x3fd, %dx
wait:
	in	%dx, %al
	bt	$5, %eax
	jnc	wait
	sub	$5, %dx
	mov	%ebx, %eax
	out	%al, %dx
	jmp	emit
done:
	cli
	hlt
	jmp	done
hex_digits:
	.ascii	"0123456789abcdef"
cr0_msg:
	.ascii	"\r\nkexec probe: cr0 "
cr0_hex:
	.skip	16, 0x3f
cr0_hex_end:
	.asciz	"\r\n"
cr0_image_end:

	.section .note.GNU-stack, "", @progbits
