/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_KEXEC_BZIMAGE64_H
#define _ASM_KEXEC_BZIMAGE64_H

#include <linux/types.h>

/**
 * struct bzimage64 - what loading a bzImage needs from its setup header
 * @setup_size:       bytes of real-mode setup before the payload
 * @header_size:      bytes of setup header the file carries
 * @payload_size:     bytes of protected-mode payload in the file
 * @init_size:        memory the payload needs to decompress in place
 * @kernel_alignment: alignment the payload must be loaded at
 * @cmdline_max:      longest command line the kernel takes, NUL excluded
 * @pref_address:     address the kernel was linked for
 */
struct bzimage64 {
	u32 setup_size;
	u32 header_size;
	size_t payload_size;
	u32 init_size;
	u32 kernel_alignment;
	u32 cmdline_max;
	u64 pref_address;
};

int bzimage64_parse(const void *buf, size_t len, bool la57, struct bzimage64 *bz);

#ifdef CONFIG_CRASH_DUMP
struct boot_e820_entry;

/* The capture kernel's memory map, from arch/x86/kernel/crash.c. */
int crash_capture_e820(struct boot_e820_entry *map, unsigned int *nr,
		       u64 hdr_start, u64 hdr_end);
#endif

#endif /* _ASM_KEXEC_BZIMAGE64_H */
