/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kexec: boot another kernel from this one.
 *
 * This header is the contract between three parties:
 *
 *  - the rest of the kernel, which only needs to know whether an image is
 *    loaded (kexec_image), whether we are on the way out (kexec_in_progress)
 *    and how to leave (kernel_kexec());
 *  - the generic core (kernel/kexec_core.c, kernel/kexec.c), which validates
 *    a request, stages the image in pages that are safe to keep until the
 *    jump, and installs it;
 *  - the architecture, which provides the machine_kexec*() hooks below and
 *    the trampoline that moves the staged pages into place.
 *
 * Staging never writes to a destination address.  Each page of a segment is
 * copied into a "staging" page that lies outside every destination range,
 * and a move list records where it must go.  At exec time the trampoline
 * walks the move list; because no source, list page or control page lies
 * inside a destination, the moves can be done in any order and nothing the
 * trampoline still needs is overwritten.
 */
#ifndef LINUX_KEXEC_H
#define LINUX_KEXEC_H

/*
 * Markers in the low bits of struct kexec_move's @dest (destinations are
 * page aligned, so a real record has none of them set).
 */
#define KEXEC_MOVE_END		0x1	/* no more records */
#define KEXEC_MOVE_CHAIN	0x2	/* continue at the list page in @src */
#define KEXEC_MOVE_MARKERS	(KEXEC_MOVE_END | KEXEC_MOVE_CHAIN)

#ifndef __ASSEMBLY__

#include <linux/types.h>
#include <linux/vmcore_info.h>
#include <linux/crash_reserve.h>
#include <linux/range.h>
#include <linux/verification.h>
#include <asm/io.h>
#include <uapi/linux/kexec.h>

#ifdef CONFIG_CRASH_DUMP
extern note_buf_t __percpu *crash_notes;
#endif

#ifdef CONFIG_KEXEC_CORE
#include <linux/list.h>
#include <linux/compat.h>
#include <linux/ioport.h>
#include <linux/module.h>
#include <asm/kexec.h>
#include <linux/crash_core.h>

/* Limits an architecture may tighten in <asm/kexec.h>. */
#ifndef KEXEC_DESTINATION_MEMORY_LIMIT
#define KEXEC_DESTINATION_MEMORY_LIMIT	(-1UL)
#endif
#ifndef KEXEC_ARCH
#error "<asm/kexec.h> must define KEXEC_ARCH"
#endif

#define KEXEC_TYPE_DEFAULT	0	/* booted by reboot(LINUX_REBOOT_CMD_KEXEC) */
#define KEXEC_TYPE_CRASH	1	/* booted on panic */

/*
 * Flags kexec_load() accepts.  PRESERVE_CONTEXT (kexec jump) is not
 * implemented, so it is refused like any unknown flag.  ON_CRASH needs the
 * crash dump support to have a slot to load into.  Either crash hotplug
 * flag says that the loader left the ELF core header out of its own
 * integrity checks, so the kernel may rewrite it as CPUs and memory come
 * and go (CONFIG_CRASH_HOTPLUG); they are taken on any load, as upstream
 * takes them, and mean nothing for a load that is not a crash image.
 */
#define KEXEC_CRASH_HOTPLUG_FLAGS	(KEXEC_UPDATE_ELFCOREHDR | \
					 KEXEC_CRASH_HOTPLUG_SUPPORT)
#ifdef CONFIG_CRASH_DUMP
#define KEXEC_FLAGS	(KEXEC_ON_CRASH | KEXEC_CRASH_HOTPLUG_FLAGS)
#else
#define KEXEC_FLAGS	KEXEC_CRASH_HOTPLUG_FLAGS
#endif

/* Flags kexec_file_load() accepts; the same rule for ON_CRASH. */
#ifdef CONFIG_CRASH_DUMP
#define KEXEC_FILE_FLAGS	(KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH | \
				 KEXEC_FILE_NO_INITRAMFS | KEXEC_FILE_DEBUG | \
				 KEXEC_FILE_FALLBACK)
#else
#define KEXEC_FILE_FLAGS	(KEXEC_FILE_UNLOAD | KEXEC_FILE_NO_INITRAMFS | \
				 KEXEC_FILE_DEBUG | KEXEC_FILE_FALLBACK)
#endif

/*
 * struct kexec_segment - one piece of an image, as the kernel keeps it.
 * kexec_load() copies the user's array straight into an array of these, so
 * the layout is the UAPI one: source pointer, source size, destination,
 * destination size.  Destinations are page aligned; the tail of a
 * destination past the source is zeroed.
 */
struct kexec_segment {
	union {
		void __user *buf;	/* kexec_load: loader memory */
		void *kbuf;		/* kexec_file_load: kernel memory */
	};
	size_t bufsz;			/* bytes of source */
	unsigned long mem;		/* physical destination */
	size_t memsz;			/* bytes at the destination */
};

/*
 * struct kexec_move - one record of the move list read by the trampoline.
 * @dest: physical page to fill, or a marker in its low bits
 * @src:  physical page to copy from; for KEXEC_MOVE_CHAIN, the next list page
 *
 * A list page holds KEXEC_MOVES_PER_PAGE records; the last slot of each page
 * is reserved for the CHAIN or END marker, so a record never straddles pages.
 */
struct kexec_move {
	u64 dest;
	u64 src;
};

#define KEXEC_MOVES_PER_PAGE	(PAGE_SIZE / sizeof(struct kexec_move))

/*
 * struct kimage - a staged image.
 *
 * Locking legend:
 *   [K] written only with the kexec lock held, while the image is private
 *       to the loader (before it is installed)
 *   [I] immutable once the image is installed in kexec_image
 */
struct kexec_file;
struct handoff_out;

struct kimage {
	unsigned long entry;				/* [I] physical entry point */
	unsigned long nr_segments;			/* [I] */
	struct kexec_segment segment[KEXEC_SEGMENT_MAX]; /* [I] */
	unsigned int type;				/* [I] KEXEC_TYPE_* */
	/*
	 * [K] Bit n set: the pages of segment n's destination belong to the
	 * image and hold its data already; nothing moves at exec time.
	 */
	unsigned long claimed;
	bool kernel_sources;	/* [K] segment sources are kbuf, not buf */
	/*
	 * [K] For the fallback slot (KEXEC_FILE_FALLBACK): every segment is
	 * claimed, so the image can be entered from a kernel that did not
	 * load it without moving anything.
	 */
	bool fallback;
	phys_addr_t reserved_next;	/* [K] crash image: next control page below */

	struct list_head pages;		/* [K] every page the image owns */
	struct list_head parked;	/* [K] allocated, but inside a destination */
	phys_addr_t moves;		/* [I] first move list page */
	struct kexec_move *move_next;	/* [K] next free slot of the list */

	struct kimage_arch arch;	/* [I] from <asm/kexec.h>, arch owned */

#ifdef CONFIG_CRASH_HOTPLUG
	/*
	 * A crash image whose ELF core header the kernel keeps up to date as
	 * CPUs and memory come and go (kernel/crash_core.c).
	 * [I] elfcorehdr_index: the segment that holds it, -1 for none (the
	 *     loader did not ask for updates, or no segment holds a header);
	 *     the purgatory's digest of it, if ours checks it, is at
	 *     kimage_digest_addr();
	 * [L] elfcorehdr_ours: the header is one crash_elfcorehdr() wrote,
	 *     which lists every possible CPU: CPU hotplug changes nothing.
	 * [L]: written with the kexec lock held, also once installed.
	 */
	int elfcorehdr_index;
	bool elfcorehdr_ours;
#endif
#ifdef CONFIG_KEXEC_FILE
	/*
	 * [K] file: the kexec_file_load() request building the image, for
	 *     kexec_add_buffer(); NULL outside the load.
	 * [I] digest_table: physical address of the u64 the purgatory checks
	 *     segment 0 against; segment i's lies i * digest_stride bytes
	 *     further on.  0 when nothing checks the segments.
	 */
	struct kexec_file *file;
	phys_addr_t digest_table;
	unsigned int digest_stride;
#endif
#ifdef CONFIG_KEXEC_HANDOFF
	/* [K] what the next kernel is handed; NULL for none (crash images) */
	struct handoff_out *handoff;
#endif
#ifdef CONFIG_IMA_KEXEC
	/*
	 * IMA's segment for the measurement list, which it fills in at exec
	 * time through kimage_map_segment() (security/integrity/ima/).
	 */
	void *ima_buffer;
	phys_addr_t ima_buffer_addr;
	size_t ima_buffer_size;
	unsigned long ima_segment_index;
	bool is_ima_segment_index_set;
#endif
};

/*
 * kimage_digest_addr() - where the purgatory keeps segment @index's digest
 * Return: its physical address, or 0 when nothing checks the segment
 * (kexec_load() images, whose purgatory is the loader's).
 */
static inline phys_addr_t kimage_digest_addr(const struct kimage *image,
					     unsigned long index)
{
#ifdef CONFIG_KEXEC_FILE
	if (image->digest_table)
		return image->digest_table + index * image->digest_stride;
#endif
	return 0;
}

/*
 * kexec_digest() - the digest the purgatory checks segment data against:
 * XXH64 with seed 0 (kexec_file_load() only).
 */
u64 kexec_digest(const void *data, size_t len);

/* The image reboot(LINUX_REBOOT_CMD_KEXEC) boots; NULL when none. */
extern struct kimage *kexec_image;
/* The image a panic boots; NULL when none. */
extern struct kimage *kexec_crash_image;
#ifdef CONFIG_KEXEC_FILE
/* The image a trial reboot falls back to; NULL when none. */
extern struct kimage *kexec_fallback_image;
#endif
/* Set once the machine is being shut down for a kexec reboot. */
extern bool kexec_in_progress;

/*
 * Architecture hooks.
 *
 * machine_kexec_prepare() is called once the segments are validated and
 * before any of them is staged; it may allocate from the image with
 * kimage_alloc_safe_page().  Errors are returned to the loader.
 * machine_kexec_post_load() is called after every segment is staged, with
 * the move list complete.  machine_kexec_cleanup() is called when the
 * image is freed, whether or not it was ever installed.
 * machine_kexec() is called with other CPUs stopped and devices shut down;
 * it does not return.
 */
int machine_kexec_prepare(struct kimage *image);
/*
 * machine_kexec_supported() is asked before a load touches the image in
 * its slot (a crash image is replaced in place, so the old one goes before
 * the new one is staged): an error refuses the request, and what was
 * loaded stays loaded.
 */
#ifndef machine_kexec_supported
static inline int machine_kexec_supported(void) { return 0; }
#endif
#ifndef machine_kexec_post_load
static inline int machine_kexec_post_load(struct kimage *image) { return 0; }
#endif
void machine_kexec_cleanup(struct kimage *image);
void __noreturn machine_kexec(struct kimage *image);
/*
 * machine_kexec_protect_crash(true) is called once a crash image is
 * installed, (false) before it is removed: the architecture keeps the
 * running kernel from writing to the crashkernel= reservation meanwhile.
 * The crash path itself must not depend on the kernel's mapping of it.
 */
#ifdef CONFIG_CRASH_DUMP
void machine_kexec_protect_crash(bool protect);
#else
static inline void machine_kexec_protect_crash(bool protect) { }
#endif
/*
 * A trial's fallback (kernel/kexec_trial.c) is entered from a failure on
 * any CPU.  arch_kexec_trial_prepare() is called when a kernel goes on
 * trial, arch_kexec_trial_release() when it is confirmed;
 * arch_kexec_trial_relay() is called on the failing CPU, in panic context,
 * before the crash shutdown: it may have another CPU enter @image in its
 * place and stop this one, or return for this CPU to go on.
 */
#ifdef CONFIG_KEXEC_TRIAL
int arch_kexec_trial_prepare(void);
void arch_kexec_trial_release(void);
void arch_kexec_trial_relay(struct kimage *image);
#else
static inline void arch_kexec_trial_relay(struct kimage *image) { }
#endif

/*
 * Crash hotplug (kernel/crash_core.c): crash_hotplug_find_header() looks
 * for the ELF core header among the staged segments of a crash image
 * loaded with a crash hotplug flag, so that later CPU and memory hotplug
 * rewrites it.  Called before the image is installed.
 */
#ifdef CONFIG_CRASH_HOTPLUG
void crash_hotplug_find_header(struct kimage *image);
#else
static inline void crash_hotplug_find_header(struct kimage *image) { }
#endif

/**
 * struct kexec_ranges - a list of physical ranges, grown by kexec_ranges_add()
 * @ranges: the ranges, inclusive ends, kmalloc'ed
 * @nr:     entries used
 * @room:   entries allocated
 */
struct kexec_ranges {
	struct range *ranges;
	unsigned int nr;
	unsigned int room;
};

int kexec_ranges_add(struct kexec_ranges *list, u64 start, u64 end);

struct page *kimage_alloc_safe_page(struct kimage *image, gfp_t gfp);
int kernel_kexec(void);
bool kexec_load_permitted(int kexec_image_type);

#ifdef CONFIG_KEXEC_FILE
/**
 * struct kexec_file - a kexec_file_load() request on its way to an image
 * @image:        the image being built; the loader adds segments to it
 * @kernel:       the kernel file's contents
 * @kernel_size:  its size in bytes
 * @initrd:       the initramfs file's contents, NULL with NO_INITRAMFS
 * @initrd_size:  its size in bytes
 * @cmdline:      the command line, NUL-terminated, or NULL for none
 * @cmdline_size: its size in bytes, NUL included; 0 for none
 * @debug:        KEXEC_FILE_DEBUG: describe the load in the kernel log
 * @buffers:      scratch memory from kexec_file_buffer(), freed after load
 * @nr_buffers:   entries used in @buffers
 * @extra_min:    lowest address for segments other subsystems add
 * @extra_max:    end address (exclusive) they must stay below; the
 *                architecture chooses a range the new kernel does not
 *                overwrite before it has read where they are
 */
struct kexec_file {
	struct kimage *image;
	const void *kernel;
	size_t kernel_size;
	const void *initrd;
	size_t initrd_size;
	const char *cmdline;
	size_t cmdline_size;
	bool debug;
	void *buffers[KEXEC_SEGMENT_MAX];
	unsigned int nr_buffers;
	u64 extra_min;
	u64 extra_max;
};

/**
 * struct kexec_place - where a kexec_file segment may be put
 * @size:  bytes the segment occupies, a multiple of PAGE_SIZE
 * @align: alignment of its start, a power of two, at least PAGE_SIZE
 * @min:   lowest start address
 * @max:   end address (exclusive) it must not pass
 * @low_first: take the lowest place that fits rather than the highest
 * @claim_only: fail rather than leave the segment to be moved at exec
 */
struct kexec_place {
	u64 size;
	u64 align;
	u64 min;
	u64 max;
	bool low_first;
	bool claim_only;
};

/* With KEXEC_FILE_DEBUG, log a line of the load's description. */
__printf(2, 3) void kexec_file_debug(const struct kexec_file *kf,
				     const char *fmt, ...);

int kexec_file_add_segment(struct kexec_file *kf, const void *buf,
			   size_t bufsz, const struct kexec_place *where,
			   unsigned long *mem);
void *kexec_file_buffer(struct kexec_file *kf, size_t size);
u64 kexec_segment_digest(const struct kexec_segment *segment);
void kexec_file_add_extra_segments(struct kexec_file *kf);

/*
 * Architecture hooks for kexec_file_load().  arch_kexec_file_probe() says
 * whether the kernel file is one the architecture can load (0) or not
 * (-ENOEXEC); it has no side effects.  arch_kexec_file_load() lays the
 * image out with kexec_file_add_segment(), sets image->entry and arranges
 * for the segments to be verified before the new kernel runs; the core
 * then stages and installs the image.  Once it knows where the new
 * kernel will not write early, it sets @extra_min and @extra_max and
 * calls kexec_file_add_extra_segments(), which lets other subsystems (IMA)
 * add theirs, and tells the new kernel where they are (image->ima_*).
 */
int arch_kexec_file_probe(const void *kernel, size_t size);
int arch_kexec_file_load(struct kexec_file *kf);

#ifdef CONFIG_KEXEC_SIG
/*
 * arch_kexec_file_verify_sig() checks the signature the kernel file
 * carries against the kernel's trusted keys: 0 when it verifies, else why
 * not (-ENODATA: unsigned, -ENOKEY: no trusted key signed it,
 * -EKEYREJECTED: the file does not match its signature, ...).
 */
int arch_kexec_file_verify_sig(const void *kernel, size_t size);
#endif

/**
 * struct kexec_buf - a segment another subsystem adds to a kexec_file image
 * @image:     the image being loaded
 * @buf_min:   lowest destination address
 * @buf_max:   highest address the segment may reach
 * @buf_align: alignment of the destination
 * @top_down:  prefer high addresses
 * @buffer:    the segment's data, valid until the load ends; may be NULL
 * @bufsz:     bytes of data
 * @memsz:     bytes the segment occupies, at least @bufsz
 * @mem:       out: the destination chosen
 *
 * Used by IMA to hand its measurement list to the next kernel.
 */
struct kexec_buf {
	struct kimage *image;
	unsigned long buf_min, buf_max, buf_align;
	bool top_down;
	void *buffer;
	unsigned long bufsz, memsz;
	unsigned long mem;
};

int kexec_add_buffer(struct kexec_buf *kbuf);

/*
 * kexec_dprintk() logs as pr_info() while a KEXEC_FILE_DEBUG load runs
 * (kexec_file_dbg_print is set for its duration), and is silent otherwise.
 */
extern bool kexec_file_dbg_print;
#define kexec_dprintk(fmt, ...)						\
	({								\
		if (READ_ONCE(kexec_file_dbg_print))			\
			pr_info(fmt, ##__VA_ARGS__);			\
	})

#endif /* CONFIG_KEXEC_FILE */

#ifdef CONFIG_CRASH_DUMP
/*
 * The ELF core header of a crash image, built by kernel/crash_core.c for
 * kexec_file_load() and for crash hotplug, of the memory the architecture's
 * crash_old_memory() says a capture kernel dumps: a kmalloc'ed array of
 * inclusive ranges (NULL for none) or an ERR_PTR.
 */
size_t crash_elfcorehdr_size(unsigned int nr_ram);
void crash_elfcorehdr(void *buf, const struct range *ram, unsigned int nr_ram);
struct range *crash_old_memory(unsigned int *nr);
#endif

#ifdef CONFIG_KEXEC_FILE
void *kimage_map_segment(struct kimage *image, unsigned long addr,
			 unsigned long size);
void kimage_unmap_segment(void *buffer);
#else
/* kexec_load() images take no contents from the kernel. */
static inline void *kimage_map_segment(struct kimage *image,
				       unsigned long addr, unsigned long size)
{
	return NULL;
}

static inline void kimage_unmap_segment(void *buffer) { }
#endif

#else /* !CONFIG_KEXEC_CORE */

/* Without a core there is no crash image either: crash_core.h stubs it. */
#include <linux/crash_core.h>

struct kimage;

static inline void *kimage_map_segment(struct kimage *image,
				       unsigned long addr, unsigned long size)
{
	return NULL;
}

static inline void kimage_unmap_segment(void *buffer) { }
#define kexec_in_progress false

#endif /* CONFIG_KEXEC_CORE */

#ifdef CONFIG_KEXEC_SIG
void set_kexec_sig_enforced(void);
#else
static inline void set_kexec_sig_enforced(void) { }
#endif

#endif /* !__ASSEMBLY__ */

#endif /* LINUX_KEXEC_H */
