/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kexec handoff: state one kernel leaves in memory for the next.
 * The format is in <linux/kexec_handoff_abi.h>; this is the kernel's
 * interface to it.
 */
#ifndef _LINUX_KEXEC_HANDOFF_H
#define _LINUX_KEXEC_HANDOFF_H

#include <linux/kexec_handoff_abi.h>
#include <linux/types.h>

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
const struct handoff_record *
handoff_next_record(const struct handoff_record *table, u32 nr,
		    const char *name, const struct handoff_record *prev);

#endif /* _LINUX_KEXEC_HANDOFF_H */
