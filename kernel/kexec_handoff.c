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
 * This file holds the encoding and the checks, which are pure functions
 * over buffers the caller has mapped, so KUnit can try every truncated and
 * corrupted input.  Each check answers with its own errno:
 *
 *   -ENOMSG           no root here (wrong magic)
 *   -EPROTONOSUPPORT  a root format this kernel does not read
 *   -EMSGSIZE         a root shorter than its format or than the buffer
 *   -EBADMSG          a CRC does not match
 *   -E2BIG            more records or ranges than any writer makes
 *   -EINVAL           a malformed name, record or range list
 *   -EOVERFLOW        an address or page frame range that wraps
 */

#define pr_fmt(fmt)	"handoff: " fmt

#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/kexec_handoff.h>
#include <linux/overflow.h>
#include <linux/string.h>

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

#ifdef CONFIG_KEXEC_HANDOFF_KUNIT_TEST
#include "kexec_handoff_test.c"
#endif
