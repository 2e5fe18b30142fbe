// SPDX-License-Identifier: GPL-2.0-only
/*
 * kexec handoff: state one kernel leaves in memory for the next.
 *
 * Design
 * ------
 * Before a kexec reboot the running kernel may leave things for the kernel
 * it boots: pages that stay where they are (a memfd's contents) and small
 * named records of bytes (the tail of the kernel log).  The format is in
 * <linux/kexec_handoff_abi.h>: a root, found through the boot protocol,
 * points to a table of named, versioned records, and every level carries
 * a CRC32C.
 *
 * Constraints
 * -----------
 * The reader runs in a kernel that was built separately from the writer,
 * possibly years apart, and possibly early in boot.  It must never trust
 * a length, an address or a count it has not checked, and it must never
 * panic: handoff data that is damaged or that it does not understand is
 * logged and left alone, and the kernel boots as if it were not there.
 *
 * Writing: subsystems register a struct handoff_producer.  Loading an
 * image with kexec_file_load() sets aside every producer's buffer, the
 * record table and a page for the boot protocol (kimage_handoff_prepare());
 * the reboot, with one CPU left and interrupts off, only copies and seals
 * (kimage_handoff_seal()).  Nothing is allocated there, nothing can fail.
 * The buffers never lie where a segment goes, so the trampoline's copies
 * cannot overwrite them.  A crash image carries no handoff.
 *
 * Reading: at postcore_initcall the records are found, checked and listed
 * in /sys/kernel/handoff/.  Readers take theirs with handoff_claim() and
 * copy what they keep; at late_initcall_sync all handed-over memory is
 * freed, claimed or not, and records nobody claimed are named in the log.
 * So nothing handed over outlives the boot that received it, and a chain
 * of reboots cannot accumulate it.
 *
 * The encoding and the checks are pure functions over buffers the caller
 * has mapped, so KUnit can try every truncated and corrupted input.  Each
 * check answers with its own errno:
 *
 *   -ENOMSG           no root here (wrong magic)
 *   -EPROTONOSUPPORT  a root format this kernel does not read
 *   -EMSGSIZE         a root shorter than its format or than the buffer
 *   -EBADMSG          a CRC does not match
 *   -E2BIG            more records or ranges than any writer makes
 *   -EINVAL           a malformed name, record or range list
 *   -EOVERFLOW        an address or page frame range that wraps
 *   -ERANGE           (reading) record bytes past the reserved memory
 */

#define pr_fmt(fmt)	"handoff: " fmt

#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/kexec_handoff.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/unaligned.h>

#include <asm/sections.h>

#include "kexec_internal.h"

/* Page frames beyond any physical address a 64-bit machine decodes. */
#define HANDOFF_PFN_LIMIT	(1ULL << (64 - 12))

/* ---------------------------------------------------------------- */
/* Encoding                                                          */
/* ---------------------------------------------------------------- */

/**
 * handoff_crc() - Checksum handoff bytes.
 * @buf: Bytes to checksum.
 * @len: Number of bytes.
 *
 * Context: Any context.
 * Return: The CRC32C of @buf (initial value and final XOR all ones).
 */
u32 handoff_crc(const void *buf, size_t len)
{
	return ~__crc32c_le(~0U, buf, len);
}

/* The root's CRC covers @size bytes with its own field read as zero. */
static u32 handoff_root_crc(const void *buf, size_t size)
{
	static const u8 zero[sizeof_field(struct handoff_root, crc)];
	const size_t at = offsetof(struct handoff_root, crc);
	u32 crc;

	crc = __crc32c_le(~0U, buf, at);
	crc = __crc32c_le(crc, zero, sizeof(zero));
	crc = __crc32c_le(crc, buf + at + sizeof(zero),
			  size - at - sizeof(zero));
	return ~crc;
}

/**
 * handoff_seal_root() - Write a root and its checksum.
 * @root: Root to write.
 * @info: What it says.
 *
 * Context: Any context.
 */
void handoff_seal_root(struct handoff_root *root,
		       const struct handoff_root_info *info)
{
	memset(root, 0, sizeof(*root));
	root->magic = cpu_to_le32(HANDOFF_MAGIC);
	root->format = cpu_to_le16(HANDOFF_FORMAT);
	root->root_size = cpu_to_le16(sizeof(*root));
	root->generation = cpu_to_le32(info->generation);
	root->nr_records = cpu_to_le32(info->nr_records);
	root->table_crc = cpu_to_le32(info->table_crc);
	root->table = cpu_to_le64(info->table);
	root->crc = cpu_to_le32(handoff_root_crc(root, sizeof(*root)));
}

/**
 * handoff_fill_record() - Describe a run of bytes in a record.
 * @rec: Record to fill.
 * @name: Its name: not empty, shorter than %HANDOFF_NAME_LEN.
 * @version: Layout of the bytes.
 * @bytes: The bytes, mapped, for the checksum.
 * @size: Their length.
 * @phys: Their physical address, which the next kernel reads.
 *
 * Context: Any context.
 * Return: 0, -EINVAL for an empty name, -ENAMETOOLONG for a long one.
 */
int handoff_fill_record(struct handoff_record *rec, const char *name,
			u32 version, const void *bytes, u64 size, u64 phys)
{
	size_t len = strnlen(name, HANDOFF_NAME_LEN);

	if (!len)
		return -EINVAL;
	if (len == HANDOFF_NAME_LEN)
		return -ENAMETOOLONG;

	memset(rec, 0, sizeof(*rec));
	memcpy(rec->name, name, len);
	rec->version = cpu_to_le32(version);
	rec->crc = cpu_to_le32(handoff_crc(bytes, size));
	rec->size = cpu_to_le64(size);
	rec->data = cpu_to_le64(phys);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Checks                                                            */
/* ---------------------------------------------------------------- */

/**
 * handoff_check_root() - Check a root and decode it.
 * @buf: Mapped bytes where a root should start.
 * @len: How many bytes at @buf may be read.
 * @info: Filled with the root's fields on success.
 *
 * A root longer than this kernel's struct handoff_root is accepted: its
 * writer knew fields that this reader does not, and those are covered by
 * the CRC but otherwise ignored.
 *
 * Context: Any context.
 * Return: 0 or the errno listed in this file's opening comment.
 */
int handoff_check_root(const void *buf, size_t len,
		       struct handoff_root_info *info)
{
	const struct handoff_root *root = buf;
	u64 table, end;
	size_t size;
	u32 nr;

	if (len < sizeof(*root))
		return -EMSGSIZE;
	if (le32_to_cpu(root->magic) != HANDOFF_MAGIC)
		return -ENOMSG;
	if (le16_to_cpu(root->format) != HANDOFF_FORMAT)
		return -EPROTONOSUPPORT;
	size = le16_to_cpu(root->root_size);
	if (size < sizeof(*root) || size > len)
		return -EMSGSIZE;
	if (handoff_root_crc(buf, size) != le32_to_cpu(root->crc))
		return -EBADMSG;

	nr = le32_to_cpu(root->nr_records);
	table = le64_to_cpu(root->table);
	if (nr > HANDOFF_MAX_RECORDS)
		return -E2BIG;
	if (nr && !table)
		return -EINVAL;
	if (check_add_overflow(table, (u64)nr * sizeof(struct handoff_record),
			       &end))
		return -EOVERFLOW;

	info->generation = le32_to_cpu(root->generation);
	info->nr_records = nr;
	info->table_crc = le32_to_cpu(root->table_crc);
	info->table = table;
	return 0;
}

/**
 * handoff_check_table() - Check the record table against the root.
 * @table: Mapped record table.
 * @nr: Entries in it, from a checked root.
 * @crc: The root's table CRC.
 *
 * Context: Any context.
 * Return: 0, -E2BIG for too many records, -EBADMSG for a CRC mismatch.
 */
int handoff_check_table(const struct handoff_record *table, u32 nr, u32 crc)
{
	if (nr > HANDOFF_MAX_RECORDS)
		return -E2BIG;
	if (handoff_crc(table, (size_t)nr * sizeof(*table)) != crc)
		return -EBADMSG;
	return 0;
}

/**
 * handoff_check_record() - Check one record's own fields.
 * @rec: Record from a checked table.
 *
 * The name must be terminated, not empty and zero-padded, so that two
 * records with the same name compare equal byte for byte.
 *
 * Context: Any context.
 * Return: 0, -EINVAL for a bad name or an address of zero with bytes
 * behind it, -EOVERFLOW for bytes that wrap the address space.
 */
int handoff_check_record(const struct handoff_record *rec)
{
	size_t len = strnlen(rec->name, HANDOFF_NAME_LEN);
	u64 data = le64_to_cpu(rec->data);
	u64 size = le64_to_cpu(rec->size);
	u64 end;

	if (!len || len == HANDOFF_NAME_LEN)
		return -EINVAL;
	if (memchr_inv(rec->name + len, 0, HANDOFF_NAME_LEN - len))
		return -EINVAL;
	if (size && !data)
		return -EINVAL;
	if (check_add_overflow(data, size, &end))
		return -EOVERFLOW;
	return 0;
}

/**
 * handoff_check_bytes() - Check a record's bytes against its CRC.
 * @rec: Checked record.
 * @bytes: Its bytes, mapped.
 *
 * Context: Any context.
 * Return: 0 or -EBADMSG.
 */
int handoff_check_bytes(const struct handoff_record *rec, const void *bytes)
{
	if (handoff_crc(bytes, le64_to_cpu(rec->size)) != le32_to_cpu(rec->crc))
		return -EBADMSG;
	return 0;
}

/**
 * handoff_check_ranges() - Check a list of page frame ranges.
 * @bytes: The bytes of a checked "handoff.ranges" or "handoff.spans"
 *	record, an array of struct handoff_range.
 * @size: Their length.
 * @nr_ranges: Set to the number of ranges on success.
 *
 * Ranges must be sorted and must not overlap; an empty list is valid.
 *
 * Context: Any context.
 * Return: 0, -EINVAL for a partial entry, an empty range or ranges out of
 * order, -E2BIG for more than %HANDOFF_MAX_RANGES, -EOVERFLOW for a range
 * past the last page frame.
 */
int handoff_check_ranges(const void *bytes, u64 size, u64 *nr_ranges)
{
	const struct handoff_range *range = bytes;
	u64 nr = size / sizeof(*range);
	u64 next = 0, i;

	if (size % sizeof(*range))
		return -EINVAL;
	if (nr > HANDOFF_MAX_RANGES)
		return -E2BIG;

	for (i = 0; i < nr; i++) {
		u64 pfn = le64_to_cpu(range[i].pfn);
		u64 pages = le64_to_cpu(range[i].nr_pages);

		if (!pages)
			return -EINVAL;
		if (pfn >= HANDOFF_PFN_LIMIT || pages > HANDOFF_PFN_LIMIT - pfn)
			return -EOVERFLOW;
		if (pfn < next)
			return -EINVAL;
		next = pfn + pages;
	}
	*nr_ranges = nr;
	return 0;
}

/**
 * handoff_next_record() - Find the next record of a name.
 * @table: Checked record table.
 * @nr: Entries in it.
 * @name: Name to look for.
 * @prev: Record returned by the previous call, or NULL to start.
 *
 * Context: Any context.
 * Return: The first record named @name after @prev in table order, or
 * NULL when there is none.
 */
const struct handoff_record *
handoff_next_record(const struct handoff_record *table, u32 nr,
		    const char *name, const struct handoff_record *prev)
{
	const struct handoff_record *rec = prev ? prev + 1 : table;

	if (strnlen(name, HANDOFF_NAME_LEN) == HANDOFF_NAME_LEN)
		return NULL;
	for (; rec < table + nr; rec++) {
		if (!strncmp(rec->name, name, HANDOFF_NAME_LEN))
			return rec;
	}
	return NULL;
}

/**
 * handoff_declares() - Does a kernel's declaration list a record version?
 * @list: The list after the format range (<linux/kexec_handoff_abi.h>).
 * @size: Its bytes.
 * @name: The record's name.
 * @version: The version the caller would write.
 *
 * Context: Any; no side effects.
 * Return: true when @list has @name with @version before anything
 * malformed (an entry cut short or a name without its NUL).
 */
bool handoff_declares(const u8 *list, u32 size, const char *name, u32 version)
{
	u32 off = 0;

	while (list && size - off > sizeof(__le32)) {
		const u8 *str = list + off + sizeof(__le32);
		const u8 *nul = memchr(str, 0, size - off - sizeof(__le32));

		if (!nul)
			return false;
		if (get_unaligned_le32(list + off) == version &&
		    !strcmp(str, name))
			return true;
		off = nul + 1 - list;
	}
	return false;
}

/* ---------------------------------------------------------------- */
/* Writing                                                           */
/* ---------------------------------------------------------------- */

/* Producers are registered at boot; loads read the list. */
static DEFINE_MUTEX(handoff_producers_lock);
static LIST_HEAD(handoff_producers);
static unsigned int handoff_nr_producers;	/* [handoff_producers_lock] */

/**
 * handoff_register_producer() - Have a record written at every kexec reboot.
 * @producer: What to write; must stay valid for good.
 *
 * Images loaded from now on carry the record.
 *
 * Context: Process context.
 * Return: 0, -EINVAL for a bad name, -ENOSPC when %HANDOFF_PRODUCERS
 * producers are registered already.
 */
int handoff_register_producer(struct handoff_producer *producer)
{
	size_t len = strnlen(producer->name, HANDOFF_NAME_LEN);

	if (!len || len == HANDOFF_NAME_LEN || !producer->room ||
	    !producer->fill)
		return -EINVAL;

	guard(mutex)(&handoff_producers_lock);
	if (handoff_nr_producers == HANDOFF_PRODUCERS)
		return -ENOSPC;
	list_add_tail(&producer->list, &handoff_producers);
	handoff_nr_producers++;
	return 0;
}

/*
 * Zeroed pages for the handoff, outside every destination of @image: the
 * trampoline writes there after the handoff is sealed.  Segments that
 * kexec_file_load() claimed at load cannot be handed out at all; the
 * others (kexec_file.claim=0) can, and such pages are set aside until
 * the allocator offers better ones.
 */
#define HANDOFF_ALLOC_TRIES	16

void *handoff_alloc(const struct kimage *image, unsigned int order)
{
	struct page *page, *next;
	LIST_HEAD(refused);
	void *buf = NULL;
	int tries;

	for (tries = 0; tries < HANDOFF_ALLOC_TRIES; tries++) {
		page = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, order);
		if (!page)
			break;
		if (!kimage_meets_destination(image, page_to_phys(page),
					      PAGE_SIZE << order)) {
			buf = page_address(page);
			break;
		}
		list_add(&page->lru, &refused);
	}
	list_for_each_entry_safe(page, next, &refused, lru) {
		list_del(&page->lru);
		__free_pages(page, order);
	}
	return buf;
}

/**
 * kimage_handoff_prepare() - Set aside what the image's handoff needs.
 * @image: A kexec_file_load() image whose segments are all placed.
 *
 * On failure the caller destroys @image, which frees what was set aside.
 *
 * Context: Process context, kexec lock held.
 * Return: 0, -ENOMEM, or -EINVAL for a producer asking for more than a
 * contiguous allocation can give.
 */
int kimage_handoff_prepare(struct kimage *image)
{
	struct handoff_producer *producer;
	struct handoff_out *out;
	void *page;

	if (WARN_ON_ONCE(image->handoff))
		return -EINVAL;
	out = kzalloc(sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	image->handoff = out;

	page = handoff_alloc(image, 0);
	if (!page)
		return -ENOMEM;
	out->root_page = virt_to_page(page);
	static_assert(HANDOFF_OUT_RECORDS * sizeof(struct handoff_record) <= PAGE_SIZE);
	out->table = handoff_alloc(image, 0);
	if (!out->table)
		return -ENOMEM;

	guard(mutex)(&handoff_producers_lock);
	list_for_each_entry(producer, &handoff_producers, list) {
		size_t room = producer->room();
		unsigned int order;
		void *buf;

		if (!room)
			continue;
		order = get_order(room);
		if (order > MAX_PAGE_ORDER)
			return -EINVAL;
		buf = handoff_alloc(image, order);
		if (!buf)
			return -ENOMEM;
		out->slot[out->nr_slots].producer = producer;
		out->slot[out->nr_slots].buf = buf;
		out->slot[out->nr_slots].order = order;
		out->nr_slots++;
	}
	return 0;
}

static bool handoff_buf_meets(void *buf, u64 bytes, u64 start, u64 end)
{
	return buf && virt_to_phys(buf) < end && start < virt_to_phys(buf) + bytes;
}

/*
 * Does [@start, @start + @size) meet a page the handoff of @out occupies?
 * Preserved memory may be bridged into spans only where it does not: the
 * next kernel frees those gaps while it still reads the records.
 */
bool handoff_out_meets(const struct handoff_out *out, u64 start, u64 size)
{
	u64 end = start + size;
	unsigned int i;

	if (handoff_buf_meets(page_address(out->root_page), PAGE_SIZE, start, end) ||
	    handoff_buf_meets(out->table, PAGE_SIZE, start, end))
		return true;
	for (i = 0; i < out->nr_slots; i++)
		if (handoff_buf_meets(out->slot[i].buf,
				      PAGE_SIZE << out->slot[i].order, start, end))
			return true;
	for (i = 0; i < out->nr_mem; i++)
		if (handoff_buf_meets(out->mem[i].buf,
				      PAGE_SIZE << out->mem[i].order, start, end))
			return true;
	return false;
}

/**
 * handoff_add_extent() - Have the next kernel keep memory until it reads it.
 * @out: The handoff being sealed.
 * @phys: First byte, page aligned.
 * @size: Bytes; nothing is added for none.
 *
 * Context: The kexec reboot, one CPU, interrupts off.
 */
void handoff_add_extent(struct handoff_out *out, u64 phys, u64 size)
{
	if (!size || WARN_ON_ONCE(out->nr_extents == ARRAY_SIZE(out->extent)))
		return;
	out->extent[out->nr_extents].phys = phys;
	out->extent[out->nr_extents].size = PAGE_ALIGN(size);
	out->nr_extents++;
}

/**
 * kimage_handoff_declare() - Keep what an image's kernel says it reads.
 * @image: An image whose handoff kimage_handoff_prepare() set aside.
 * @list: The list after the format range in its declaration, or NULL.
 * @size: Bytes at @list; at most %HANDOFF_DECLARE_MAX are kept.
 *
 * Context: Process context.
 * Return: 0 or -ENOMEM.
 */
int kimage_handoff_declare(struct kimage *image, const u8 *list, u32 size)
{
	struct handoff_out *out = image->handoff;

	if (!out || !list || !size)
		return 0;
	size = min_t(u32, size, HANDOFF_DECLARE_MAX);
	out->declared = kmemdup(list, size, GFP_KERNEL);
	if (!out->declared)
		return -ENOMEM;
	out->declared_size = size;
	return 0;
}

/**
 * kimage_handoff_reads() - Does an image's kernel read a record version?
 * @image: A loaded image.
 * @name: The record's name.
 * @version: Its version.
 *
 * Return: true when @image takes a handoff and its kernel declares it
 * reads @version of @name.
 */
bool kimage_handoff_reads(const struct kimage *image, const char *name,
			  u32 version)
{
	const struct handoff_out *out = image->handoff;

	return out && handoff_declares(out->declared, out->declared_size,
				       name, version);
}

/**
 * kimage_handoff_accept() - May this image be loaded, as producers see it?
 * @image: A new image, not a crash image, about to be installed.
 *
 * Context: Process context, kexec lock held.
 * Return: 0, or the errno of the first producer that refuses it.
 */
int kimage_handoff_accept(const struct kimage *image)
{
	struct handoff_producer *producer;
	int ret;

	guard(mutex)(&handoff_producers_lock);
	list_for_each_entry(producer, &handoff_producers, list) {
		ret = producer->accept ? producer->accept(image) : 0;
		if (ret)
			return ret;
	}
	return 0;
}

/* Undo the freeze of the producers before @stop, newest first. */
static void handoff_thaw(struct handoff_producer *stop)
{
	struct handoff_producer *producer = stop;

	list_for_each_entry_continue_reverse(producer, &handoff_producers, list)
		if (producer->thaw)
			producer->thaw();
}

/*
 * Once frozen, a producer may know its record needs more room than it
 * asked for at load (sessions made since, say): a slot that is too small
 * gets a larger buffer, kept off the image's destinations like the first.
 * A producer that asked for nothing at load gets nothing now.
 */
static int handoff_grow_slots(struct kimage *image)
{
	struct handoff_out *out = image->handoff;
	unsigned int i;

	lockdep_assert_held(&handoff_producers_lock);
	for (i = 0; out && i < out->nr_slots; i++) {
		struct handoff_producer *producer = out->slot[i].producer;
		size_t room = producer->room();
		unsigned int order = get_order(room);
		void *buf;

		if (!room || order <= out->slot[i].order)
			continue;
		if (order > MAX_PAGE_ORDER) {
			pr_err("reboot refused: record %s needs %zu bytes\n",
			       producer->name, room);
			return -E2BIG;
		}
		buf = handoff_alloc(image, order);
		if (!buf) {
			pr_err("reboot refused: no memory for the %zu bytes of record %s\n",
			       room, producer->name);
			return -ENOMEM;
		}
		free_pages((unsigned long)out->slot[i].buf, out->slot[i].order);
		out->slot[i].buf = buf;
		out->slot[i].order = order;
	}
	return 0;
}

/**
 * kimage_handoff_freeze() - Fix what the reboot hands over.
 * @image: The image the reboot is about to start.
 *
 * Producers with a freeze hook run it (they may preserve memory for
 * their records), record buffers grow to what the producers need now,
 * then preserved memory is listed (handoff_mem_freeze()).  If any step
 * refuses, the steps before it are undone and the system is as it was;
 * a buffer that grew stays with the image, which may be started later.
 *
 * Context: Process context, kexec lock held, before devices shut down.
 * Return: 0, a producer's errno, or handoff_mem_freeze()'s.
 */
int kimage_handoff_freeze(struct kimage *image)
{
	struct handoff_producer *producer;
	int ret;

	guard(mutex)(&handoff_producers_lock);
	list_for_each_entry(producer, &handoff_producers, list) {
		ret = producer->freeze ? producer->freeze(image) : 0;
		if (ret) {
			pr_err("reboot refused by the producer of %s: %d\n",
			       producer->name, ret);
			handoff_thaw(producer);
			return ret;
		}
	}
	ret = handoff_grow_slots(image);
	if (!ret)
		ret = handoff_mem_freeze(image);
	if (ret)
		handoff_thaw(list_entry(&handoff_producers,
					struct handoff_producer, list));
	return ret;
}

/**
 * kimage_handoff_seal() - Write the image's handoff for the next kernel.
 * @image: The image the reboot is about to start.
 *
 * Every producer writes its record, the table and the root get their
 * checksums, and the architecture puts the root where the boot protocol
 * passes it on.
 *
 * Context: The kexec reboot, one CPU, interrupts off, devices shut down.
 */
void kimage_handoff_seal(struct kimage *image)
{
	struct handoff_out *out = image->handoff;
	struct handoff_root_info info = {};
	unsigned int i, nr = 0;

	if (!out)
		return;
	out->nr_extents = 0;
	for (i = 0; i < out->nr_slots; i++) {
		struct handoff_producer *producer = out->slot[i].producer;
		size_t room = PAGE_SIZE << out->slot[i].order;
		void *buf = out->slot[i].buf;
		size_t size;

		size = min(producer->fill(buf, room), room);
		if (handoff_fill_record(&out->table[nr], producer->name,
					producer->version, buf, size,
					virt_to_phys(buf)))
			continue;
		handoff_add_extent(out, virt_to_phys(buf), size);
		nr++;
	}
	for (i = 0; i < out->nr_mem; i++) {
		void *buf = out->mem[i].buf;

		if (handoff_fill_record(&out->table[nr], out->mem[i].name,
					HANDOFF_RANGES_VERSION, buf,
					out->mem[i].size, virt_to_phys(buf)))
			continue;
		handoff_add_extent(out, virt_to_phys(buf), out->mem[i].size);
		nr++;
	}
	handoff_add_extent(out, virt_to_phys(out->table), nr * sizeof(*out->table));

	info.generation = handoff_generation() + 1;
	info.nr_records = nr;
	info.table_crc = handoff_crc(out->table, nr * sizeof(*out->table));
	info.table = virt_to_phys(out->table);
	handoff_seal_root(&out->root, &info);
	handoff_test_corrupt(out);
	kexec_trial_seal(image);
	arch_kimage_handoff_seal(image);
}

/**
 * kimage_handoff_free() - Free what an image's handoff set aside.
 * @image: Image being destroyed.
 *
 * Context: Process context.
 */
void kimage_handoff_free(struct kimage *image)
{
	struct handoff_out *out = image->handoff;
	unsigned int i;

	if (!out)
		return;
	for (i = 0; i < out->nr_slots; i++)
		free_pages((unsigned long)out->slot[i].buf, out->slot[i].order);
	handoff_mem_free(out);
	kfree(out->declared);
	if (out->table)
		free_page((unsigned long)out->table);
	if (out->root_page)
		__free_page(out->root_page);
	kfree(out);
	image->handoff = NULL;
}

/* ---------------------------------------------------------------- */
/* Reading                                                           */
/* ---------------------------------------------------------------- */

#define HANDOFF_CLAIMED		1

/*
 * What the previous kernel left, as found at boot.  Written by
 * handoff_read() before anything else can look; then [handoff_in_lock].
 *   state: 0 checked and unclaimed, HANDOFF_CLAIMED, or the -errno of
 *          the check that failed.
 *   bytes: the record's bytes, mapped, until handoff_release().
 *   held:  the records' memory outlives handoff_release(), until
 *          handoff_release_records().
 */
static DEFINE_MUTEX(handoff_in_lock);
static struct {
	u32 generation;
	u32 nr;
	u64 table;
	struct handoff_record *records;		/* copies of the table */
	int *state;
	const void **bytes;
	bool released;
	bool held;
} handoff_in;

struct kobject *handoff_kobj;

/**
 * handoff_generation() - How many handoffs led to this kernel.
 *
 * Context: Any context.
 * Return: 0 for a kernel that received no handoff, else the previous
 * kernel's count plus one.
 */
u32 handoff_generation(void)
{
	return handoff_in.generation;
}

static const char *handoff_errname(int err)
{
	switch (err) {
	case -ENOMSG: return "no root";
	case -EPROTONOSUPPORT: return "unknown format";
	case -EMSGSIZE: return "bad root size";
	case -EBADMSG: return "checksum mismatch";
	case -E2BIG: return "too many entries";
	case -EOVERFLOW: return "address out of range";
	case -EINVAL: return "malformed";
	case -ERANGE: return "outside the handed-over memory";
	default: return "unreadable";
	}
}

/**
 * handoff_is_reserved() - Is memory all handed over?
 * @phys: First byte.
 * @size: Bytes, not zero.
 *
 * The boot protocol reserved every page the previous kernel handed over
 * (on x86, through SETUP_INDIRECT nodes).  A record whose bytes run past
 * reserved memory names memory that is not its own: neither read nor
 * freed.  Checked page by page, which stops at the first stray page.
 *
 * Context: Boot, before late_initcall_sync frees handed-over memory.
 * Return: true when every page of [@phys, @phys + @size) is reserved.
 */
bool __init handoff_is_reserved(u64 phys, u64 size)
{
	unsigned long pfn, end = PHYS_PFN(phys + size - 1);

	for (pfn = PHYS_PFN(phys); pfn <= end; pfn++)
		if (!pfn_valid(pfn) || !PageReserved(pfn_to_page(pfn)))
			return false;
	return true;
}

static void __init handoff_read_records(void)
{
	u32 i;

	for (i = 0; i < handoff_in.nr; i++) {
		const struct handoff_record *rec = &handoff_in.records[i];
		u64 size = le64_to_cpu(rec->size);
		const void *bytes = NULL;
		int ret;

		ret = handoff_check_record(rec);
		if (!ret && size && !handoff_is_reserved(le64_to_cpu(rec->data), size))
			ret = -ERANGE;
		if (!ret && size) {
			bytes = memremap(le64_to_cpu(rec->data), size,
					 MEMREMAP_WB);
			ret = bytes ? handoff_check_bytes(rec, bytes) : -EFAULT;
		}
		handoff_in.state[i] = ret;
		handoff_in.bytes[i] = ret ? NULL : bytes;
		if (ret)
			pr_warn("record %u (%*pE, version %u) discarded: %s (%d)\n",
				i, (int)strnlen(rec->name, HANDOFF_NAME_LEN),
				rec->name, le32_to_cpu(rec->version),
				handoff_errname(ret), ret);
	}
}

static int __init handoff_read(void)
{
	struct handoff_root_info info;
	const struct handoff_record *table;
	const void *root;
	u64 phys, size;
	int ret;

	ret = arch_handoff_find(&phys, &size);
	if (ret == -ENOENT)
		return 0;
	if (!ret) {
		/* A root's size is a u16: look no further. */
		size = min_t(u64, size, U16_MAX);
		root = memremap(phys, size, MEMREMAP_WB);
		ret = root ? handoff_check_root(root, size, &info) : -EFAULT;
	}
	if (ret) {
		pr_warn("the previous kernel's handoff is ignored: %s (%d)\n",
			handoff_errname(ret), ret);
		return 0;
	}

	table = NULL;
	if (info.nr_records) {
		table = memremap(info.table, info.nr_records * sizeof(*table),
				 MEMREMAP_WB);
		ret = table ? handoff_check_table(table, info.nr_records,
						  info.table_crc) : -EFAULT;
		if (ret) {
			pr_warn("the previous kernel's records are ignored: %s (%d)\n",
				handoff_errname(ret), ret);
			info.nr_records = 0;
		}
	}

	handoff_in.records = kmemdup_array(table, info.nr_records,
					   sizeof(*table), GFP_KERNEL);
	handoff_in.state = kcalloc(info.nr_records, sizeof(int), GFP_KERNEL);
	handoff_in.bytes = kcalloc(info.nr_records, sizeof(void *), GFP_KERNEL);
	if (info.nr_records && (!handoff_in.records || !handoff_in.state ||
				!handoff_in.bytes)) {
		pr_warn("no memory to read the previous kernel's records\n");
		info.nr_records = 0;
	}
	handoff_in.generation = info.generation;
	handoff_in.nr = info.nr_records;
	handoff_in.table = info.table;
	handoff_read_records();
	pr_info("generation %u: %u records from the previous kernel\n",
		handoff_in.generation, handoff_in.nr);
	return 0;
}

/**
 * handoff_claim() - Take a record the previous kernel left.
 * @name: Its name.
 * @version: The version the caller reads.
 * @size: Set to the number of bytes.
 *
 * The first checked, unclaimed record of that name and version is marked
 * claimed.  Its bytes stay mapped until late_initcall_sync, when all
 * handed-over memory is freed: copy what is to be kept.
 *
 * Context: Process context, during boot.
 * Return: The record's bytes, or NULL when there is no such record, or
 * when it was claimed already.
 */
const void *handoff_claim(const char *name, u32 version, u64 *size)
{
	const struct handoff_record *rec = NULL;

	guard(mutex)(&handoff_in_lock);
	if (handoff_in.released)
		return NULL;
	while ((rec = handoff_next_record(handoff_in.records, handoff_in.nr,
					  name, rec))) {
		unsigned int i = rec - handoff_in.records;

		if (handoff_in.state[i] || le32_to_cpu(rec->version) != version)
			continue;
		handoff_in.state[i] = HANDOFF_CLAIMED;
		*size = le64_to_cpu(rec->size);
		return handoff_in.bytes[i] ?: ZERO_SIZE_PTR;
	}
	return NULL;
}

/**
 * handoff_free_reserved() - Free the reserved pages of a run of page frames.
 * @pfn: First page frame.
 * @end: Page frame past the last.
 *
 * Only pages still reserved are freed: the boot protocol or the early
 * boot reserved them, and a record that names memory twice, or memory
 * that is not RAM, cannot make us free anything else.
 *
 * Context: Process context; may sleep.
 * Return: The pages freed.
 */
unsigned long handoff_free_reserved(unsigned long pfn, unsigned long end)
{
	unsigned long freed = 0;

	for (; pfn < end; pfn++) {
		struct page *page;

		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		if (!PageReserved(page))
			continue;
		free_reserved_page(page);
		if (!(++freed % 4096))
			cond_resched();
	}
	return freed;
}

/* Give back handed-over pages; the kernel's own image is never touched. */
static unsigned long handoff_free_extent(u64 phys, u64 size)
{
	if (!PAGE_ALIGNED(phys) || !size ||
	    (phys < __pa_symbol(_end) && __pa_symbol(_text) < phys + size))
		return 0;
	return handoff_free_reserved(PHYS_PFN(phys),
				     PHYS_PFN(phys + PAGE_ALIGN(size)));
}

/* The records' bytes and the table go back to the allocator. */
static void handoff_free_records(void)
{
	unsigned long freed = 0;
	u32 i;

	lockdep_assert_held(&handoff_in_lock);
	for (i = 0; i < handoff_in.nr; i++) {
		const struct handoff_record *rec = &handoff_in.records[i];

		/*
		 * A record whose own fields are bad, or whose bytes run past
		 * the handed-over memory, names no memory we may free.
		 */
		if (handoff_check_record(rec) || handoff_in.state[i] == -ERANGE)
			continue;
		freed += handoff_free_extent(le64_to_cpu(rec->data),
					     le64_to_cpu(rec->size));
	}
	if (handoff_in.nr)
		freed += handoff_free_extent(handoff_in.table, handoff_in.nr *
					     sizeof(struct handoff_record));
	if (freed)
		pr_info("freed %lu KiB of handed-over memory\n",
			freed << (PAGE_SHIFT - 10));
}

/**
 * handoff_hold_records() - Keep the records' memory past late_initcall_sync.
 *
 * For a kernel on trial, whose fallback reads the same records: they stay
 * where they are, unchanged, until handoff_release_records().
 *
 * Context: Process context, during boot.
 */
void __init handoff_hold_records(void)
{
	guard(mutex)(&handoff_in_lock);
	handoff_in.held = true;
}

/**
 * handoff_release_records() - Free the records' memory after a hold.
 *
 * Context: Process context, after late_initcall_sync.
 */
void handoff_release_records(void)
{
	guard(mutex)(&handoff_in_lock);
	if (WARN_ON_ONCE(!handoff_in.held || !handoff_in.released))
		return;
	handoff_in.held = false;
	handoff_free_records();
}

static int __init handoff_release(void)
{
	u32 i;

	guard(mutex)(&handoff_in_lock);
	handoff_in.released = true;
	for (i = 0; i < handoff_in.nr; i++) {
		const struct handoff_record *rec = &handoff_in.records[i];

		if (!handoff_in.state[i])
			pr_info("record %s version %u was not claimed: this kernel has no reader for it\n",
				rec->name, le32_to_cpu(rec->version));
		handoff_in.bytes[i] = NULL;
	}
	if (!handoff_in.held)
		handoff_free_records();
	return 0;
}
late_initcall_sync(handoff_release);

/* /sys/kernel/handoff/: what this kernel received. */
static ssize_t generation_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", handoff_generation());
}

static struct kobj_attribute generation_attr = __ATTR_RO(generation);

static ssize_t records_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	ssize_t len = 0;
	u32 i;

	guard(mutex)(&handoff_in_lock);
	for (i = 0; i < handoff_in.nr; i++) {
		const struct handoff_record *rec = &handoff_in.records[i];
		int state = handoff_in.state[i];

		len += sysfs_emit_at(buf, len, "%*pE %u %llu ",
				     (int)strnlen(rec->name, HANDOFF_NAME_LEN),
				     rec->name, le32_to_cpu(rec->version),
				     le64_to_cpu(rec->size));
		if (state == HANDOFF_CLAIMED)
			len += sysfs_emit_at(buf, len, "claimed\n");
		else if (!state)
			len += sysfs_emit_at(buf, len, "unclaimed\n");
		else
			len += sysfs_emit_at(buf, len, "discarded %d\n", state);
	}
	return len;
}

static struct kobj_attribute records_attr = __ATTR_RO(records);

static struct attribute *handoff_attrs[] = {
	&generation_attr.attr,
	&records_attr.attr,
	NULL
};

static const struct attribute_group handoff_attr_group = {
	.attrs = handoff_attrs,
};

static int __init handoff_init(void)
{
	handoff_read();
	handoff_read_preserved();
	handoff_kobj = kobject_create_and_add("handoff", kernel_kobj);
	if (!handoff_kobj || sysfs_create_group(handoff_kobj, &handoff_attr_group))
		pr_warn("cannot create /sys/kernel/handoff\n");
	return 0;
}
postcore_initcall(handoff_init);

#ifdef CONFIG_KEXEC_HANDOFF_KUNIT_TEST
#include "kexec_handoff_test.c"
#endif
