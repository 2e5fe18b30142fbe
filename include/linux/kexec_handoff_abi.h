/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kexec handoff format: what one kernel leaves in memory for the next.
 *
 * Two different builds read these structures, the kernel that writes them
 * before a kexec reboot and the kernel that boots after it, so every field
 * has a fixed width and byte order (little endian), every structure has a
 * fixed size checked below, and nothing here may change meaning.  New
 * fields go at the end of the root (readers accept a root longer than the
 * one they know) or into new records; anything else is a new format.
 *
 * Layout
 * ------
 * The root is found through the architecture's boot protocol (on x86, a
 * setup_data node).  It points to a table of records, each a named,
 * versioned array of bytes in physically contiguous memory.  The root, the
 * table and every record's bytes carry a CRC32C, so a reader can tell
 * damage from data:
 *
 *   root --table--> [record][record]...   --data--> bytes
 *
 * Records
 * -------
 * A record's name says what it is ("handoff.ranges", "printk.log", ...)
 * and its version how its bytes are laid out; a reader that does not know
 * a name or a version leaves that record alone and says so, and the other
 * records are restored.  A name may appear in several records (a large
 * list split into parts); readers visit them in table order.
 *
 * The core's own records list memory by page frame: "handoff.ranges" is
 * every range a subsystem preserved, "handoff.spans" the same memory in
 * fewer, coarser ranges that the next kernel reserves before it allocates.
 * Both are arrays of struct handoff_range, sorted and not overlapping.
 */
#ifndef _LINUX_KEXEC_HANDOFF_ABI_H
#define _LINUX_KEXEC_HANDOFF_ABI_H

/* "HNDF" read as a little-endian u32. */
#define HANDOFF_MAGIC		0x46444e48
/* The layout of the root and of records below; a reader knows one. */
#define HANDOFF_FORMAT		1

#define HANDOFF_NAME_LEN	40
/* Bounds a reader enforces before it maps anything. */
#define HANDOFF_MAX_RECORDS	4096
#define HANDOFF_MAX_RANGES	0x1000000

#define HANDOFF_RANGES_NAME	"handoff.ranges"
#define HANDOFF_SPANS_NAME	"handoff.spans"
#define HANDOFF_RANGES_VERSION	1

/*
 * A kernel says which formats it reads in its image, where the loader can
 * see it without unpacking anything; on x86, in the bzImage's kernel_info
 * (arch/x86/boot/compressed/kernel_info.S): a variable-length chunk with
 * the magic "HNDF", its size, then the lowest and the highest format it
 * reads (le16 each).  A kernel that says nothing is handed nothing.
 *
 * The rest of the chunk, to its end, lists records whose readers want to
 * know before they hand anything over: each a le32 version the kernel
 * reads and the record's name, NUL-terminated.  A record may be listed
 * with several versions.  Loaders skip names they do not know.
 */
#define HANDOFF_DECLARE_MAGIC	"HNDF"
/* Most bytes of that list a loader keeps. */
#define HANDOFF_DECLARE_MAX	256

#ifndef __ASSEMBLY__
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/**
 * struct handoff_root - Where the handoff starts.
 * @magic: %HANDOFF_MAGIC.
 * @format: %HANDOFF_FORMAT.
 * @root_size: Bytes of this structure as the writer knew it; at least
 *	sizeof(struct handoff_root).  @crc covers all of them.
 * @crc: CRC32C of the first @root_size bytes with this field zero.
 * @generation: Number of handoffs this chain of kernels has made; the
 *	first kernel booted by firmware writes 1.
 * @nr_records: Entries in the record table.
 * @table_crc: CRC32C of the record table (@nr_records entries).
 * @table: Physical address of the record table.
 */
struct handoff_root {
	__le32 magic;
	__le16 format;
	__le16 root_size;
	__le32 crc;
	__le32 generation;
	__le32 nr_records;
	__le32 table_crc;
	__le64 table;
};

/**
 * struct handoff_record - A named, versioned run of bytes.
 * @name: NUL-terminated, not empty, zero-padded to the end.
 * @version: Layout of the bytes, as the record's owner defines it.
 * @crc: CRC32C of the @size bytes at @data.
 * @size: Length of the bytes; may be zero.
 * @data: Physical address of the bytes, which are contiguous.
 */
struct handoff_record {
	char name[HANDOFF_NAME_LEN];
	__le32 version;
	__le32 crc;
	__le64 size;
	__le64 data;
};

/**
 * struct handoff_range - Page frames [@pfn, @pfn + @nr_pages).
 * @pfn: First page frame.
 * @nr_pages: Number of page frames; not zero.
 */
struct handoff_range {
	__le64 pfn;
	__le64 nr_pages;
};

static_assert(sizeof(struct handoff_root) == 32);
static_assert(offsetof(struct handoff_root, crc) == 8);
static_assert(offsetof(struct handoff_root, table) == 24);
static_assert(sizeof(struct handoff_record) == 64);
static_assert(offsetof(struct handoff_record, version) == 40);
static_assert(offsetof(struct handoff_record, data) == 56);
static_assert(sizeof(struct handoff_range) == 16);
#endif /* __ASSEMBLY__ */

#endif /* _LINUX_KEXEC_HANDOFF_ABI_H */
