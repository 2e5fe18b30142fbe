/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kexec handoff: state one kernel leaves in memory for the next.
 * The format is in <linux/kexec_handoff_abi.h>; this is the kernel's
 * interface to it.
 */
#ifndef _LINUX_KEXEC_HANDOFF_H
#define _LINUX_KEXEC_HANDOFF_H

#include <linux/init.h>
#include <linux/kexec_handoff_abi.h>
#include <linux/list.h>
#include <linux/types.h>

struct folio;
struct kimage;
struct kobject;
struct page;

/**
 * struct handoff_root_info - A root's fields, in CPU byte order.
 * @generation: See struct handoff_root.
 * @nr_records: See struct handoff_root.
 * @table_crc: See struct handoff_root.
 * @table: See struct handoff_root.
 */
struct handoff_root_info {
	u32 generation;
	u32 nr_records;
	u32 table_crc;
	u64 table;
};

u32 handoff_crc(const void *buf, size_t len);
void handoff_seal_root(struct handoff_root *root,
		       const struct handoff_root_info *info);
int handoff_fill_record(struct handoff_record *rec, const char *name,
			u32 version, const void *bytes, u64 size, u64 phys);
int handoff_check_root(const void *buf, size_t len,
		       struct handoff_root_info *info);
int handoff_check_table(const struct handoff_record *table, u32 nr, u32 crc);
int handoff_check_record(const struct handoff_record *rec);
int handoff_check_bytes(const struct handoff_record *rec, const void *bytes);
int handoff_check_ranges(const void *bytes, u64 size, u64 *nr_ranges);
bool handoff_declares(const u8 *list, u32 size, const char *name, u32 version);
const struct handoff_record *
handoff_next_record(const struct handoff_record *table, u32 nr,
		    const char *name, const struct handoff_record *prev);

/**
 * struct handoff_producer - A kernel record written at every kexec reboot.
 * @name: Record name, see struct handoff_record.
 * @version: Layout of the bytes @fill writes.
 * @room: Called when an image is loaded: the most bytes @fill will write.
 *	They are set aside then, so the reboot allocates nothing.  Called
 *	again after @freeze, where a larger answer gets a larger buffer.
 * @fill: Called at the reboot, on one CPU with interrupts off and devices
 *	shut down: write the record into @buf, at most @room bytes, and
 *	return how many.  Must not sleep, allocate or take locks that a
 *	stopped CPU might hold.
 * @freeze: Optional.  Called when the reboot into the image begins, in
 *	process context before devices shut down: the last point where the
 *	producer may sleep, allocate and preserve memory for what @fill
 *	will write, or refuse the reboot by returning an errno.
 * @thaw: Optional, with @freeze: undo it, because the reboot was refused
 *	after @freeze succeeded.
 * @accept: Optional.  Called before an image other than a crash image is
 *	loaded, with its handoff prepared if it has one: return an errno
 *	to refuse the load, for example because the image cannot read what
 *	the producer would have to hand over.
 * @list: On the list of producers.
 */
struct handoff_producer {
	const char *name;
	u32 version;
	size_t (*room)(void);
	size_t (*fill)(void *buf, size_t room);
	int (*freeze)(struct kimage *image);
	void (*thaw)(void);
	int (*accept)(const struct kimage *image);
	struct list_head list;
};

/* Most records one image carries: what one page of setup_data can name. */
#define HANDOFF_OUT_RECORDS	32
/* Of those, the ones that list preserved memory: ranges in parts, spans. */
#define HANDOFF_MEM_RECORDS	16
/* Most producers: the rest. */
#define HANDOFF_PRODUCERS	(HANDOFF_OUT_RECORDS - HANDOFF_MEM_RECORDS)

/*
 * Extents one image's root names: every record and the table, and for a
 * trial the fallback's segments (at most 16) and its root page.
 */
#define HANDOFF_OUT_EXTENTS	(HANDOFF_OUT_RECORDS + 1 + 16 + 1)

/**
 * struct handoff_extent - Physical memory the next kernel must keep.
 * @phys: First byte, page aligned.
 * @size: Bytes, a multiple of the page size.
 */
struct handoff_extent {
	u64 phys;
	u64 size;
};

/**
 * struct handoff_out - The handoff a loaded image carries.
 * @root_page: A page for the boot protocol, which puts @root there at the
 *	reboot, with whatever it needs to name the extents.
 * @root: The root, sealed at the reboot.
 * @nr_extents: Entries of @extent in use, set at the reboot.
 * @extent: The record table and every record's bytes, page aligned.
 * @table: The record table, one page.
 * @nr_slots: Entries of @slot in use.
 * @slot: One per producer: its buffer and allocation order.
 * @declared: What the image's kernel says it reads, as listed after the
 *	format range in its declaration (<linux/kexec_handoff_abi.h>).
 * @declared_size: Bytes at @declared.
 * @keeps_pages: The next kernel starts without running its decompressor,
 *	so that it reserves preserved memory before anything can use it;
 *	set by the image's loader.
 * @nr_mem: Entries of @mem in use.
 * @mem: The records that list preserved memory, written when the reboot
 *	begins (kimage_handoff_freeze()): a buffer, its allocation order,
 *	the bytes in use and the record's name.
 *
 * Everything but @mem is allocated when the image is loaded; all of it is
 * freed with the image.
 */
struct handoff_out {
	struct page *root_page;
	struct handoff_root root;
	unsigned int nr_extents;
	struct handoff_extent extent[HANDOFF_OUT_EXTENTS];
	struct handoff_record *table;
	unsigned int nr_slots;
	struct {
		struct handoff_producer *producer;
		void *buf;
		unsigned int order;
	} slot[HANDOFF_PRODUCERS];
	u8 *declared;
	u32 declared_size;
	bool keeps_pages;
	unsigned int nr_mem;
	struct {
		void *buf;
		unsigned int order;
		size_t size;
		const char *name;
	} mem[HANDOFF_MEM_RECORDS];
};

#ifdef CONFIG_KEXEC_HANDOFF
extern struct kobject *handoff_kobj;

int handoff_register_producer(struct handoff_producer *producer);
void handoff_add_extent(struct handoff_out *out, u64 phys, u64 size);
void __init handoff_hold_records(void);
void handoff_release_records(void);
const void *handoff_claim(const char *name, u32 version, u64 *size);
u32 handoff_generation(void);

int kimage_handoff_prepare(struct kimage *image);
int kimage_handoff_declare(struct kimage *image, const u8 *list, u32 size);
int kimage_handoff_accept(const struct kimage *image);
int kimage_handoff_freeze(struct kimage *image);
bool kimage_handoff_keeps_pages(const struct kimage *image);
bool kimage_handoff_reads(const struct kimage *image, const char *name,
			  u32 version);
bool handoff_discards_preserved(void);
void kimage_handoff_seal(struct kimage *image);
void kimage_handoff_free(struct kimage *image);

int handoff_preserve_pages(struct page *page, unsigned long nr);
int handoff_unpreserve_pages(struct page *page, unsigned long nr);
int handoff_preserve_folio(struct folio *folio);
int handoff_unpreserve_folio(struct folio *folio);
struct folio *handoff_restore_folio(phys_addr_t phys, unsigned int order);
int handoff_restore_pages(phys_addr_t phys, unsigned long nr);
int handoff_preserved_get(void);
void handoff_preserved_put(void);
void __init handoff_reserve_preserved(phys_addr_t low);

#ifdef CONFIG_KEXEC_HANDOFF_CORRUPT_TEST
void handoff_test_corrupt(struct handoff_out *out);
#else
static inline void handoff_test_corrupt(struct handoff_out *out) { }
#endif

/* The boot protocol's part, from the architecture. */
int arch_handoff_find(u64 *phys, u64 *size);
int __init arch_handoff_find_early(u64 *phys, u64 *size);
void arch_kimage_handoff_seal(struct kimage *image);
void arch_handoff_write_root(struct page *root_page,
			     const struct handoff_root *root,
			     const struct handoff_extent *extent,
			     unsigned int nr_extents);
#else
static inline int kimage_handoff_accept(const struct kimage *image) { return 0; }
static inline int kimage_handoff_freeze(struct kimage *image) { return 0; }
static inline void kimage_handoff_seal(struct kimage *image) { }
static inline void kimage_handoff_free(struct kimage *image) { }
static inline void handoff_reserve_preserved(phys_addr_t low) { }
#endif

#endif /* _LINUX_KEXEC_HANDOFF_H */
