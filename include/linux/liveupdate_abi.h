/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The live update sessions, as one kernel hands them to the next.
 *
 * Like the rest of the kexec handoff (<linux/kexec_handoff_abi.h>), this
 * is read by a different build than the one that wrote it: fixed-width
 * little-endian fields, sizes checked below, meanings that never change.
 * A new layout is a new record version.
 *
 * The record "liveupdate.sessions", version 1, is:
 *
 *   struct liveupdate_state_hdr
 *   struct liveupdate_session_ent  [nr_sessions]
 *   struct liveupdate_file_ent     [nr_files]
 *
 * with the files of each session following those of the one before, in
 * session order.  The handoff checksums the record as a whole.
 *
 * A file's @data is its handler's: for "memfd" version 1, struct
 * liveupdate_memfd_ent.  Its pages stay in place, preserved; the list of
 * its folios is a chain of chunks in preserved memory too, each a folio
 * of the entry's @chunk_order with its own checksum.
 */
#ifndef _LINUX_LIVEUPDATE_ABI_H
#define _LINUX_LIVEUPDATE_ABI_H

#define LIVEUPDATE_RECORD_NAME		"liveupdate.sessions"
#define LIVEUPDATE_RECORD_VERSION	1

#define LIVEUPDATE_MEMFD_HANDLER	"memfd"
#define LIVEUPDATE_MEMFD_VERSION	1

/*
 * What a kernel declares it reads (see <linux/kexec_handoff_abi.h>): the
 * record, and each file handler as "liveupdate." and its name.
 */
#define LIVEUPDATE_MEMFD_DECLARE	"liveupdate.memfd"

#ifndef __ASSEMBLY__
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <uapi/linux/liveupdate.h>

#define LIVEUPDATE_HANDLER_LEN		24
#define LIVEUPDATE_FILE_DATA		48

/* Bounds a writer keeps to and a reader enforces. */
#define LIVEUPDATE_MAX_SESSIONS		4096
#define LIVEUPDATE_MAX_FILES		16384

/**
 * struct liveupdate_state_hdr - The start of the record.
 * @nr_sessions: Entries of struct liveupdate_session_ent that follow.
 * @nr_files: Entries of struct liveupdate_file_ent after those.
 */
struct liveupdate_state_hdr {
	__le32 nr_sessions;
	__le32 nr_files;
};

/**
 * struct liveupdate_session_ent - A session.
 * @name: NUL-terminated, not empty, zero-padded.
 * @nr_files: Its files, the next ones in the file array.
 * @reserved: Zero.
 */
struct liveupdate_session_ent {
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	__le32 nr_files;
	__le32 reserved;
};

/**
 * struct liveupdate_file_ent - A file of a session.
 * @token: The token user space preserved it with.
 * @handler: Name of the file type, NUL-terminated ("memfd").
 * @version: Layout of @data, as the handler defines it.
 * @reserved: Zero.
 * @data: The handler's.
 */
struct liveupdate_file_ent {
	__le64 token;
	char handler[LIVEUPDATE_HANDLER_LEN];
	__le32 version;
	__le32 reserved;
	__u8 data[LIVEUPDATE_FILE_DATA];
};

/**
 * struct liveupdate_memfd_ent - A memfd, in struct liveupdate_file_ent's @data.
 * @size: Its size in bytes.
 * @pos: Its file position.
 * @seals: Its seals (F_SEAL_*).
 * @nr_folios: Folios it has, listed in the chunks; holes have none.
 * @chunk: Physical address of the first chunk, 0 when @nr_folios is 0.
 * @mode: Its permission bits (a memfd without exec has none of 0111).
 * @chunk_order: Order of every chunk of the file, at most
 *	%LIVEUPDATE_CHUNK_ORDER.
 * @reserved: Zero.
 */
struct liveupdate_memfd_ent {
	__le64 size;
	__le64 pos;
	__le32 seals;
	__le32 nr_folios;
	__le64 chunk;
	__le32 mode;
	__le32 chunk_order;
	__le32 reserved[2];
};

/* Chunks are folios of this order at most. */
#define LIVEUPDATE_CHUNK_ORDER		4

/**
 * struct liveupdate_chunk - A part of a memfd's folio list.
 * @next: Physical address of the next chunk, or 0.
 * @nr: Entries of @folio in use.
 * @crc: CRC32C of the chunk's first offsetof(folio[@nr]) bytes, with
 *	this field zero.
 * @folio: The folios, in increasing @index order across the chain.
 * @folio.index: Page offset in the file, a multiple of the folio's pages.
 * @folio.pfn: Page frame in bits 0-55, the folio's order in bits 56-63.
 */
struct liveupdate_chunk {
	__le64 next;
	__le32 nr;
	__le32 crc;
	struct {
		__le64 index;
		__le64 pfn;
	} folio[];
};

#define LIVEUPDATE_PFN_MASK		((1ULL << 56) - 1)
#define LIVEUPDATE_ORDER_SHIFT		56
/* Folios a chunk of @order lists. */
#define LIVEUPDATE_CHUNK_FOLIOS(order)					\
	((((size_t)PAGE_SIZE << (order)) -				\
	  sizeof(struct liveupdate_chunk)) / (2 * sizeof(__le64)))

/* The size of a record of @ns sessions holding @nf files in all. */
#define LIVEUPDATE_RECORD_SIZE(ns, nf)					\
	(sizeof(struct liveupdate_state_hdr) +				\
	 (size_t)(ns) * sizeof(struct liveupdate_session_ent) +		\
	 (size_t)(nf) * sizeof(struct liveupdate_file_ent))

static_assert(sizeof(struct liveupdate_state_hdr) == 8);
static_assert(sizeof(struct liveupdate_session_ent) == 72);
static_assert(offsetof(struct liveupdate_session_ent, nr_files) == 64);
static_assert(sizeof(struct liveupdate_file_ent) == 88);
static_assert(offsetof(struct liveupdate_file_ent, version) == 32);
static_assert(offsetof(struct liveupdate_file_ent, data) == 40);
static_assert(sizeof(struct liveupdate_memfd_ent) == 48);
static_assert(sizeof(struct liveupdate_memfd_ent) <= LIVEUPDATE_FILE_DATA);
static_assert(sizeof(struct liveupdate_chunk) == 16);
static_assert(offsetof(struct liveupdate_chunk, folio[1]) == 32);
#endif /* __ASSEMBLY__ */

#endif /* _LINUX_LIVEUPDATE_ABI_H */
