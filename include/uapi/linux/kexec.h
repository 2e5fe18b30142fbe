/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * User ABI of kexec_load(2) and kexec_file_load(2).
 *
 * Every value here is part of the system call ABI that kexec-tools and
 * other loaders were built against; none of them may change.
 */
#ifndef _UAPILINUX_KEXEC_H
#define _UAPILINUX_KEXEC_H

#include <linux/types.h>

/*
 * kexec_load() flags.  The low 16 bits select behaviour, the high 16 bits
 * name the architecture the image was built for (KEXEC_ARCH_*).
 */
#define KEXEC_ON_CRASH			0x00000001	/* boot it on panic */
#define KEXEC_PRESERVE_CONTEXT		0x00000002	/* kexec jump: come back */
#define KEXEC_UPDATE_ELFCOREHDR		0x00000004	/* kernel may rewrite it */
#define KEXEC_CRASH_HOTPLUG_SUPPORT	0x00000008	/* image copes with that */
#define KEXEC_ARCH_MASK			0xffff0000

/* kexec_file_load() flags. */
#define KEXEC_FILE_UNLOAD		0x00000001	/* drop the loaded image */
#define KEXEC_FILE_ON_CRASH		0x00000002	/* the panic image slot */
#define KEXEC_FILE_NO_INITRAMFS		0x00000004	/* initrd_fd is ignored */
#define KEXEC_FILE_DEBUG		0x00000008	/* log what is placed where */
/*
 * The fallback slot: the image a trial reboot falls back to (this series;
 * a high bit, clear of the flags Linux adds from the bottom).
 */
#define KEXEC_FILE_FALLBACK		0x80000000

/*
 * Architecture values for the high half of the kexec_load() flags: the ELF
 * machine number shifted left by 16.  KEXEC_ARCH_DEFAULT means "this one".
 */
#define KEXEC_ARCH_DEFAULT	(0 << 16)
#define KEXEC_ARCH_MIPS		(8 << 16)
#define KEXEC_ARCH_MIPS_LE	(10 << 16)
#define KEXEC_ARCH_386		(3 << 16)
#define KEXEC_ARCH_68K		(4 << 16)
#define KEXEC_ARCH_PARISC	(15 << 16)
#define KEXEC_ARCH_PPC		(20 << 16)
#define KEXEC_ARCH_PPC64	(21 << 16)
#define KEXEC_ARCH_S390		(22 << 16)
#define KEXEC_ARCH_ARM		(40 << 16)
#define KEXEC_ARCH_SH		(42 << 16)
#define KEXEC_ARCH_IA_64	(50 << 16)
#define KEXEC_ARCH_X86_64	(62 << 16)
#define KEXEC_ARCH_AARCH64	(183 << 16)
#define KEXEC_ARCH_RISCV	(243 << 16)
#define KEXEC_ARCH_LOONGARCH	(258 << 16)

/* The most segments one kexec_load() call may describe. */
#define KEXEC_SEGMENT_MAX	16

#ifndef __KERNEL__
/*
 * One piece of the new image: bufsz bytes at buf in the caller's memory go
 * to physical address mem, and the rest of memsz bytes there is zeroed.
 */
struct kexec_segment {
	const void *buf;
	__kernel_size_t bufsz;
	const void *mem;
	__kernel_size_t memsz;
};
#endif

#endif /* _UAPILINUX_KEXEC_H */
