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
 * @xloadflags:       XLF_* the kernel declares
 * @packed_offset:    where the compressed kernel starts in the payload
 * @packed_size:      its bytes, the uncompressed size (le32) last
 * @kernel_info:      offset of the kernel_info from the payload, 0 for none
 */
struct bzimage64 {
	u32 setup_size;
	u32 header_size;
	size_t payload_size;
	u32 init_size;
	u32 kernel_alignment;
	u32 cmdline_max;
	u64 pref_address;
	u16 xloadflags;
	u32 packed_offset;
	u32 packed_size;
	u32 kernel_info;
};

/**
 * struct bzimage64_kernel - a kernel unpacked at load time
 * @image:     the kernel as it is to lie in memory, from pref_address
 * @file_size: bytes of @image with contents
 * @mem_size:  bytes the kernel occupies, .bss and .brk included
 * @entry:     offset of its 64-bit entry (startup_64)
 * @relocs:    its relocation tables (see kexec-bzimage64.c), or NULL
 * @nr_relocs: 32-bit words in @relocs, terminators included
 * @lists:     where, in @relocs, each of the three lists begins
 */
struct bzimage64_kernel {
	void *image;
	size_t file_size;
	size_t mem_size;
	size_t entry;
	const u8 *relocs;
	size_t nr_relocs;
	size_t lists[3];
};

int bzimage64_elf_scan(const void *raw, size_t len, const struct bzimage64 *bz,
		       struct bzimage64_kernel *k, size_t *elf_end);
int bzimage64_find_relocs(const void *raw, size_t len, size_t elf_end,
			  const struct bzimage64 *bz, struct bzimage64_kernel *k);
void bzimage64_relocate(const struct bzimage64_kernel *k,
			const struct bzimage64 *bz, u64 delta);

int bzimage64_parse(const void *buf, size_t len, bool la57, struct bzimage64 *bz);
bool bzimage64_reads_handoff(const void *buf, size_t len, const struct bzimage64 *bz);
const u8 *bzimage64_handoff_records(const void *buf, size_t len,
				    const struct bzimage64 *bz, u32 *size);

#ifdef CONFIG_CRASH_DUMP
struct boot_e820_entry;

/* The capture kernel's memory map, from arch/x86/kernel/crash.c. */
int crash_capture_e820(struct boot_e820_entry *map, unsigned int *nr,
		       u64 hdr_start, u64 hdr_end);
#endif

#endif /* _ASM_KEXEC_BZIMAGE64_H */
