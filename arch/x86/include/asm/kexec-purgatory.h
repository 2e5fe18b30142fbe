/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between kexec_file_load() on x86_64 and our purgatory.
 *
 * The purgatory (arch/x86/purgatory/) is a flat, position independent
 * binary: it is linked at address 0, uses only RIP-relative addressing
 * (the build refuses any other relocation) and so runs wherever the
 * loader puts it, without being relocated.  It starts with struct
 * kexec_purgatory_header; the loader copies the binary into the image,
 * fills in struct kexec_purgatory_params at the offset the header names,
 * and sets the image's entry point to the header's @entry offset.
 *
 * When the trampoline jumps to it (long mode, 1:1 page tables, interrupts
 * off), the purgatory checks the digest of every region in the params,
 * then enters the new kernel through its 64-bit entry point with the boot
 * protocol's GDT and %rsi pointing at boot_params.  If a region does not
 * match, it reports the region on the first serial port and halts.
 *
 * This header is included by the purgatory, which is built without the
 * kernel's headers and defines __u32 and __u64 itself.
 */
#ifndef _ASM_X86_KEXEC_PURGATORY_H
#define _ASM_X86_KEXEC_PURGATORY_H

/* "kxpurg01", little endian: the first eight bytes of the binary. */
#define KEXEC_PURGATORY_MAGIC		0x313067727570786bULL

/* As many regions as an image has segments (KEXEC_SEGMENT_MAX). */
#define KEXEC_PURGATORY_MAX_REGIONS	16

/* Params flags */
#define KEXEC_PURGATORY_VERBOSE		0x1	/* say on serial that all matched */
#define KEXEC_PURGATORY_DEBUGCON	0x2	/* mark entry and check on port 0xe9 */

/* For the purgatory's assembly, which reads the first two params fields. */
#define KEXEC_PURGATORY_KERNEL_ENTRY	0
#define KEXEC_PURGATORY_BOOT_PARAMS	8

#ifndef __ASSEMBLY__

#ifdef __KERNEL__
#include <linux/types.h>

/* The binary, embedded in vmlinux by arch/x86/purgatory/kexec-purgatory.S. */
extern const unsigned char kexec_purgatory[];
extern const unsigned char kexec_purgatory_end[];
#endif

/**
 * struct kexec_purgatory_header - what the loader reads from the binary
 * @magic:  KEXEC_PURGATORY_MAGIC
 * @entry:  offset of the first instruction
 * @params: offset of struct kexec_purgatory_params
 * @size:   bytes the binary occupies once loaded, stack included
 * @pad:    zero
 */
struct kexec_purgatory_header {
	__u64 magic;
	__u32 entry;
	__u32 params;
	__u32 size;
	__u32 pad;
};

/**
 * struct kexec_purgatory_region - one range the purgatory checks
 * @start:  physical address
 * @len:    bytes
 * @digest: XXH64 of the bytes with seed 0, as lib/xxhash.c computes it
 */
struct kexec_purgatory_region {
	__u64 start;
	__u64 len;
	__u64 digest;
};

/**
 * struct kexec_purgatory_params - what the loader tells the purgatory
 * @kernel_entry: physical address of the new kernel's 64-bit entry
 * @boot_params:  physical address of its struct boot_params
 * @nr_regions:   entries used in @region
 * @flags:        KEXEC_PURGATORY_*
 * @region:       what to check before the jump
 */
struct kexec_purgatory_params {
	__u64 kernel_entry;
	__u64 boot_params;
	__u32 nr_regions;
	__u32 flags;
	struct kexec_purgatory_region region[KEXEC_PURGATORY_MAX_REGIONS];
};

#endif /* __ASSEMBLY__ */

#endif /* _ASM_X86_KEXEC_PURGATORY_H */
