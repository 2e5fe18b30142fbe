/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kexec trial: what a kernel that reboots into a trial leaves for the
 * kernel on trial, and what that kernel leaves for the fallback.
 *
 * Three kernels read these structures: the one that arms the trial and
 * writes the record, the one on trial, which reads it and, when it fails,
 * writes the reason, and the fallback, which reads both.  Fields have
 * fixed widths and are little endian; the layouts are checked below and
 * never change meaning.  A new layout is a new record version.
 *
 * The record travels in the kexec handoff (<linux/kexec_handoff_abi.h>)
 * as "kexec.trial".  The kernel on trial and the fallback read the same
 * record table; the fallback tells itself apart by its own root, which is
 * the one the record names.
 */
#ifndef _LINUX_KEXEC_TRIAL_ABI_H
#define _LINUX_KEXEC_TRIAL_ABI_H

#define KEXEC_TRIAL_RECORD_NAME		"kexec.trial"
#define KEXEC_TRIAL_RECORD_VERSION	1

/* Most segments a fallback image has; the kexec segment limit. */
#define KEXEC_TRIAL_SEGMENTS		16

/* "TRLR" read as a little-endian u32. */
#define KEXEC_TRIAL_REASON_MAGIC	0x524c5254
#define KEXEC_TRIAL_REASON_VERSION	1
#define KEXEC_TRIAL_MESSAGE_LEN		160
#define KEXEC_TRIAL_CLAIMS_LEN		1024
/* In @claims: the names did not all fit; take everything as claimed. */
#define KEXEC_TRIAL_CLAIMS_FULL		0xffffffff

/* Why the kernel on trial fell back. */
#define KEXEC_TRIAL_CAUSE_PANIC		1
#define KEXEC_TRIAL_CAUSE_DEADLINE	2

#ifndef __ASSEMBLY__
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/**
 * struct kexec_trial_extent - Physical memory [@phys, @phys + @size).
 * @phys: First byte, page aligned.
 * @size: Bytes, a multiple of the page size.
 */
struct kexec_trial_extent {
	__le64 phys;
	__le64 size;
};

/**
 * struct kexec_trial_record - The trial, as the kernel that armed it left it.
 * @deadline: Seconds the kernel on trial has to confirm, from the point
 *	where it reads this record.
 * @nr_segments: Entries of @segment in use, at least one.
 * @entry: Physical address where the fallback image starts (its
 *	purgatory, which checks every segment before it enters the kernel).
 * @fallback_root: Page of the fallback's own handoff root, through which
 *	it finds this record; 0 when the fallback reads no handoff.
 * @reason: Page the kernel on trial writes a struct kexec_trial_reason
 *	into before it enters the fallback; preserved memory.
 * @segment: Where the fallback image lies, each segment where it runs:
 *	nothing moves when it is entered.  The kernel on trial keeps these
 *	pages until it confirms.
 */
struct kexec_trial_record {
	__le32 deadline;
	__le32 nr_segments;
	__le64 entry;
	__le64 fallback_root;
	__le64 reason;
	struct kexec_trial_extent segment[KEXEC_TRIAL_SEGMENTS];
};

/**
 * struct kexec_trial_reason - Why the kernel on trial failed.
 * @magic: %KEXEC_TRIAL_REASON_MAGIC.
 * @version: %KEXEC_TRIAL_REASON_VERSION.
 * @size: Bytes of this structure in use, @text and its NUL included.
 * @crc: CRC32C of the first @size bytes with this field zero.
 * @cause: %KEXEC_TRIAL_CAUSE_PANIC or %KEXEC_TRIAL_CAUSE_DEADLINE.
 * @generation: Handoff generation of the kernel that failed.
 * @uptime_ms: How long it had run when it failed.
 * @claims: Bytes of @claimed in use, or %KEXEC_TRIAL_CLAIMS_FULL.
 * @reserved: Zero.
 * @message: The panic's message, NUL-terminated.
 * @claimed: What the kernel on trial took of the handed-over state, so
 *	that the fallback leaves it alone: names, each NUL-terminated, one
 *	after the other.  Written as the kernel on trial takes each, before
 *	it touches the memory.
 * @text: The newest part of its kernel log, NUL-terminated.
 */
struct kexec_trial_reason {
	__le32 magic;
	__le16 version;
	__le16 size;
	__le32 crc;
	__le32 cause;
	__le32 generation;
	__le32 uptime_ms;
	__le32 claims;
	__le32 reserved;
	char message[KEXEC_TRIAL_MESSAGE_LEN];
	char claimed[KEXEC_TRIAL_CLAIMS_LEN];
	char text[];
};

static_assert(sizeof(struct kexec_trial_extent) == 16);
static_assert(offsetof(struct kexec_trial_record, entry) == 8);
static_assert(offsetof(struct kexec_trial_record, segment) == 32);
static_assert(sizeof(struct kexec_trial_record) == 288);
static_assert(offsetof(struct kexec_trial_reason, crc) == 8);
static_assert(offsetof(struct kexec_trial_reason, claims) == 24);
static_assert(offsetof(struct kexec_trial_reason, message) == 32);
static_assert(offsetof(struct kexec_trial_reason, claimed) == 192);
static_assert(sizeof(struct kexec_trial_reason) == 1216);
#endif /* __ASSEMBLY__ */

#endif /* _LINUX_KEXEC_TRIAL_ABI_H */
