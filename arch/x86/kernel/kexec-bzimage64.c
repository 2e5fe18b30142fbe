// SPDX-License-Identifier: GPL-2.0-only
/*
 * kexec_file_load() for x86_64 bzImage kernels.
 *
 * A bzImage is the real-mode setup (boot sector, setup header, 16-bit
 * code) followed by the protected-mode payload: the decompressor and the
 * compressed kernel.  We only use the 64-bit entry of the boot protocol
 * (Documentation/arch/x86/boot.rst), so the setup code is never run: the
 * payload becomes one segment, and the boot parameters the setup code
 * would have gathered are built here, from what this kernel knows.
 *
 * The image has four segments (five for a crash image, which has an ELF
 * core header too), each placed by kexec_file_add_segment(), and those
 * other subsystems add (IMA's measurement list):
 *
 *   payload      init_size bytes, at a kernel_alignment boundary
 *   initramfs    page aligned, if there is one
 *   others'      below the payload, where the decompressor never writes
 *   parameters   struct boot_params, the command line, then setup_data
 *                (a fresh RNG seed; more of the memory map if the zero
 *                page cannot hold it all; on EFI machines the firmware's
 *                tables and this kernel's runtime memory map; where IMA's
 *                segment is; last, a link to the handoff's root page,
 *                which is not a segment, written at the reboot)
 *   purgatory    our verifying stub, entered first (<asm/kexec-purgatory.h>)
 *   core header  crash images only: the ELF core header of the old memory
 *
 * The purgatory checks every other segment against its digest and then
 * enters the payload at its 64-bit entry, offset 0x200.  A crash image
 * lives in the crashkernel= reservation; its command line starts with
 * elfcorehdr=, and its memory map offers only the reservation (and the
 * low 640 KiB) as RAM.
 *
 * EFI
 * ---
 * The runtime services can be entered only at the virtual addresses this
 * kernel gave them with SetVirtualAddressMap(), which firmware allows once
 * per boot.  So a new kernel is handed what it needs to use the old
 * mappings instead (as a kernel started by kexec-tools gets it from
 * /sys/firmware/efi/runtime-map): efi_info with the system table and a
 * memory map of the runtime regions, their virtual addresses included,
 * and a SETUP_EFI node with the physical addresses of the firmware vendor
 * string, the configuration tables and SMBIOS, which the system table no
 * longer holds once it has been converted.
 */

#define pr_fmt(fmt)	"kexec_file: " fmt

#include <linux/crash_reserve.h>
#include <linux/crc32.h>
#include <linux/elf.h>
#include <linux/efi.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/kexec_handoff.h>
#include <linux/log2.h>
#include <linux/memblock.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/screen_info.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/verification.h>
#include <linux/xz.h>
#include <linux/zlib.h>
#include <linux/zstd.h>
#include <asm/bootparam.h>
#include <asm/cmdline.h>
#include <asm/cpuid.h>
#include <asm/e820/api.h>
#include <asm/efi.h>
#include <asm/kexec-bzimage64.h>
#include <asm/kexec-purgatory.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/setup.h>

/* The setup header starts here in the file, as in struct boot_params. */
#define BZ_HDR_OFFSET		offsetof(struct boot_params, hdr)
/* Byte holding the end of the header, relative to 0x202 ("jump" target). */
#define BZ_HDR_END_BYTE		0x201
#define BZ_MAGIC		0x53726448	/* "HdrS" */
#define BZ_BOOT_FLAG		0xaa55
#define BZ_MIN_VERSION		0x020c		/* the first with xloadflags */
#define BZ_ENTRY64		0x200		/* 64-bit entry, from the payload */
#define BZ_LOADER_KEXEC		0xd0		/* type_of_loader: kexec, v0 */
#define BZ_KERNEL_INFO_VERSION	0x020f		/* the first with kernel_info */
/* kernel_info: "LToP", the offset of the chunks, the size of it all, ... */
#define BZ_KERNEL_INFO_FIXED	12

/* Keep low memory to firmware and the old conventions. */
#define BZ_MIN_PAYLOAD		SZ_16M
#define BZ_MIN_INITRD		SZ_16M
#define BZ_MIN_SMALL		SZ_1M
/* The decompressor's KASLR goes no lower than this, or its load address. */
#define BZ_KASLR_FLOOR		SZ_512M

#define BZ_RNG_SEED_BYTES	32

static_assert(KEXEC_PURGATORY_MAX_REGIONS == KEXEC_SEGMENT_MAX);
/* The purgatory's entry code reads these two fields by offset. */
static_assert(offsetof(struct kexec_purgatory_params, kernel_entry) ==
	      KEXEC_PURGATORY_KERNEL_ENTRY);
static_assert(offsetof(struct kexec_purgatory_params, boot_params) ==
	      KEXEC_PURGATORY_BOOT_PARAMS);

/**
 * bzimage64_parse() - check a bzImage and pull out what loading it needs
 * @buf:  the file
 * @len:  its size
 * @la57: this kernel runs with 5-level paging, so the new one must cope
 * @bz:   filled in on success
 *
 * Refuses, with -ENOEXEC, what a 64-bit kexec cannot boot: no setup header
 * or boot sector, a boot protocol older than 2.12, a kernel that is not
 * loaded high, has no 64-bit entry, cannot live above 4 GiB, is not
 * relocatable, cannot run on 5-level paging when this kernel does, has
 * an impossible alignment or size, or is truncated.
 *
 * Context: any; no side effects.
 * Return: 0 or -ENOEXEC.
 */
int bzimage64_parse(const void *buf, size_t len, bool la57, struct bzimage64 *bz)
{
	const u8 *file = buf;
	struct setup_header hdr;
	unsigned int setup_sects;
	size_t hdr_size;

	if (len < 2 * 512)
		return -ENOEXEC;
	memcpy(&hdr, file + BZ_HDR_OFFSET, sizeof(hdr));

	if (hdr.header != BZ_MAGIC || hdr.boot_flag != BZ_BOOT_FLAG)
		return -ENOEXEC;
	if (hdr.version < BZ_MIN_VERSION)
		return -ENOEXEC;
	if (!(hdr.loadflags & LOADED_HIGH) || !hdr.relocatable_kernel)
		return -ENOEXEC;
	if (!(hdr.xloadflags & XLF_KERNEL_64) ||
	    !(hdr.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G))
		return -ENOEXEC;
	if (la57 && !(hdr.xloadflags & XLF_5LEVEL))
		return -ENOEXEC;
	if (!is_power_of_2(hdr.kernel_alignment) || !hdr.init_size)
		return -ENOEXEC;

	setup_sects = hdr.setup_sects ? hdr.setup_sects : 4;
	bz->setup_size = (setup_sects + 1) * 512;
	/* The file must hold the setup code and the whole payload. */
	if (len <= bz->setup_size ||
	    len - bz->setup_size < (size_t)hdr.syssize * 16)
		return -ENOEXEC;

	/* At most 0x301 bytes in: always inside the (1 KiB or more) setup. */
	hdr_size = 0x202 + file[BZ_HDR_END_BYTE] - BZ_HDR_OFFSET;
	bz->header_size = min(hdr_size, sizeof(hdr));
	bz->payload_size = len - bz->setup_size;
	bz->init_size = hdr.init_size;
	bz->kernel_alignment = hdr.kernel_alignment;
	bz->cmdline_max = hdr.cmdline_size;
	bz->pref_address = hdr.pref_address;
	bz->xloadflags = hdr.xloadflags;
	bz->packed_offset = hdr.payload_offset;
	bz->packed_size = hdr.payload_length;
	bz->kernel_info = hdr.version >= BZ_KERNEL_INFO_VERSION ?
			  hdr.kernel_info_offset : 0;
	return 0;
}

/*
 * The "HNDF" chunk of the kernel_info (see <linux/kexec_handoff_abi.h>),
 * at least its format range long, or NULL.  Every offset and size comes
 * from the file and is checked before it is used; anything malformed
 * declares nothing.
 */
static const u8 *bzimage64_handoff_chunk(const void *buf, size_t len,
					 const struct bzimage64 *bz, u32 *chunk_size)
{
	const u8 *ki;
	u32 start, off, total, size;

	if (!bz->kernel_info ||
	    check_add_overflow(bz->setup_size, bz->kernel_info, &start) ||
	    start > len || len - start < BZ_KERNEL_INFO_FIXED)
		return NULL;
	ki = (const u8 *)buf + start;
	if (memcmp(ki, "LToP", 4))
		return NULL;
	off = get_unaligned_le32(ki + 4);
	total = get_unaligned_le32(ki + 8);
	if (total > len - start || off > total)
		return NULL;

	/* Chunks: a magic, a size that counts the magic and itself, data. */
	for (; total - off >= 8; off += size) {
		const u8 *chunk = ki + off;

		size = get_unaligned_le32(chunk + 4);
		if (size < 8 || size > total - off)
			return NULL;
		if (memcmp(chunk, HANDOFF_DECLARE_MAGIC, 4))
			continue;
		if (size < 12)
			return NULL;
		*chunk_size = size;
		return chunk;
	}
	return NULL;
}

/**
 * bzimage64_reads_handoff() - does the kernel read our handoff format?
 * @buf: the file, checked by bzimage64_parse()
 * @len: its size
 * @bz:  what bzimage64_parse() found
 *
 * Looks for the "HNDF" chunk of the kernel_info and checks that its range
 * of formats has ours.
 *
 * Context: any; no side effects.
 * Return: true if the kernel reads %HANDOFF_FORMAT.
 */
bool bzimage64_reads_handoff(const void *buf, size_t len, const struct bzimage64 *bz)
{
	const u8 *chunk;
	u32 size;

	chunk = bzimage64_handoff_chunk(buf, len, bz, &size);
	return chunk && get_unaligned_le16(chunk + 8) <= HANDOFF_FORMAT &&
	       get_unaligned_le16(chunk + 10) >= HANDOFF_FORMAT;
}

/**
 * bzimage64_handoff_records() - the records the kernel says it reads
 * @buf: the file, checked by bzimage64_parse()
 * @len: its size
 * @bz:  what bzimage64_parse() found
 * @size: set to the length of the list
 *
 * Context: any; no side effects.
 * Return: the list after the format range of the "HNDF" chunk, for
 * handoff_declares(), or NULL when there is no chunk.
 */
const u8 *bzimage64_handoff_records(const void *buf, size_t len,
				    const struct bzimage64 *bz, u32 *size)
{
	const u8 *chunk = bzimage64_handoff_chunk(buf, len, bz, size);

	if (!chunk)
		return NULL;
	*size -= 12;
	return chunk + 12;
}

static bool bzimage64_la57(void)
{
	return pgtable_l5_enabled();
}

/**
 * arch_kexec_file_probe() - is this a bzImage we can boot?
 * @kernel: the kernel file
 * @size:   its size
 *
 * Context: process context; no side effects.
 * Return: 0 or -ENOEXEC.
 */
int arch_kexec_file_probe(const void *kernel, size_t size)
{
	struct bzimage64 bz;

	/* A 32-bit EFI cannot call us back with the kernel above 4 GiB. */
	if (efi_enabled(EFI_RUNTIME_SERVICES) && !efi_enabled(EFI_64BIT))
		return -ENOEXEC;
	return bzimage64_parse(kernel, size, bzimage64_la57(), &bz);
}

#ifdef CONFIG_KEXEC_SIG
/**
 * arch_kexec_file_verify_sig() - check a bzImage's PE signature
 * @kernel: the kernel file
 * @size:   its size
 *
 * A bzImage signed for Secure Boot carries an Authenticode signature.  It
 * is checked against the built-in and secondary trusted keyrings (the
 * secondary one includes the machine keyring, MOK keys shim marked as
 * trusted), then, if no key there signed it, against the platform
 * keyring: the firmware's db, and MOK keys the machine keyring does not
 * take.
 *
 * Context: process context.
 * Return: 0 if the signature verifies, else why not.
 */
int arch_kexec_file_verify_sig(const void *kernel, size_t size)
{
#ifdef CONFIG_KEXEC_BZIMAGE_VERIFY_SIG
	int ret;

	ret = verify_pefile_signature(kernel, size, VERIFY_USE_SECONDARY_KEYRING,
				      VERIFYING_KEXEC_PE_SIGNATURE);
	if (ret == -ENOKEY && IS_ENABLED(CONFIG_INTEGRITY_PLATFORM_KEYRING))
		ret = verify_pefile_signature(kernel, size,
					      VERIFY_USE_PLATFORM_KEYRING,
					      VERIFYING_KEXEC_PE_SIGNATURE);
	return ret;
#else
	/* Nothing here can check a signature: none ever verifies. */
	return -EKEYREJECTED;
#endif
}
#endif /* CONFIG_KEXEC_SIG */

/* Add one setup_data node at @offset in the parameters segment. */
static struct setup_data *bzimage64_setup_data(struct boot_params *params,
					       unsigned long params_mem,
					       u64 *link, size_t offset,
					       u32 type, u32 len)
{
	struct setup_data *sd = (void *)params + offset;

	sd->type = type;
	sd->len = len;
	sd->next = 0;
	*link = params_mem + offset;
	return sd;
}

/* Bytes of setup_data the memory map needs past the zero page's table. */
static size_t bzimage64_e820_extra(void)
{
	u32 n = e820_table_kexec->nr_entries;

	if (n <= E820_MAX_ENTRIES_ZEROPAGE)
		return 0;
	return sizeof(struct setup_data) +
	       (n - E820_MAX_ENTRIES_ZEROPAGE) * sizeof(struct boot_e820_entry);
}

/* This kernel's memory map, as the new kernel is to see it. */
static u64 *bzimage64_fill_e820(struct boot_params *params,
				unsigned long params_mem, u64 *link,
				size_t offset)
{
	const struct e820_table *table = e820_table_kexec;
	struct boot_e820_entry *out = params->e820_table;
	u32 i, n = table->nr_entries;

	for (i = 0; i < n; i++) {
		if (i == E820_MAX_ENTRIES_ZEROPAGE) {
			struct setup_data *sd;

			sd = bzimage64_setup_data(params, params_mem, link, offset,
						  SETUP_E820_EXT,
						  (n - i) * sizeof(*out));
			link = &sd->next;
			out = (struct boot_e820_entry *)sd->data;
		}
		out->addr = table->entries[i].addr;
		out->size = table->entries[i].size;
		out->type = table->entries[i].type;
		out++;
	}
	params->e820_entries = min_t(u32, n, E820_MAX_ENTRIES_ZEROPAGE);
	return link;
}

/* Bytes of EFI runtime memory map to pass on; 0 for none (no EFI). */
static size_t bzimage64_efi_map_size(void)
{
	int size;

	if (!efi_enabled(EFI_RUNTIME_SERVICES) ||
	    !boot_params.efi_info.efi_memmap_size)
		return 0;
	size = efi_get_runtime_map_size();
	return size > 0 ? size : 0;
}

struct bzimage64_layout {
	struct bzimage64 bz;
	unsigned long payload_mem;
	unsigned long initrd_mem;
	unsigned long params_mem;
	unsigned long purgatory_mem;
	unsigned long corehdr_mem;	/* crash image: ELF core header */
	size_t corehdr_size;
	size_t cmdline_offset;
	size_t e820_offset;
	size_t rng_offset;
	size_t efi_offset;		/* SETUP_EFI node */
	size_t efi_map_offset;		/* runtime memory map */
	size_t efi_map_size;		/* 0: no EFI to pass on */
	size_t ima_offset;		/* SETUP_IMA node */
	unsigned long entry;		/* where the purgatory jumps */
	bool unpacked;			/* the kernel, not the payload */
	bool kaslr;			/* unpacked at random addresses */
};

/*
 * Memory ranges a crash image's core header has room for: those of now,
 * and with crash hotplug as many as memory hotplug may make.
 */
static unsigned int bzimage64_corehdr_room(unsigned int nr)
{
#if defined(CONFIG_CRASH_HOTPLUG) && defined(CONFIG_MEMORY_HOTPLUG)
	return max_t(unsigned int, nr, CONFIG_CRASH_MAX_MEMORY_RANGES);
#else
	return nr;
#endif
}

/* "elfcorehdr=0x<16 digits> ", put before a crash image's command line. */
#define BZ_COREHDR_ARG_MAX	30

static bool bzimage64_crash(const struct kexec_file *kf)
{
	return IS_ENABLED(CONFIG_CRASH_DUMP) &&
	       kf->image->type == KEXEC_TYPE_CRASH;
}

/* A capture kernel's memory map: the reservation, less its core header. */
static int bzimage64_crash_e820(const struct bzimage64_layout *lay,
				struct boot_params *params)
{
#ifdef CONFIG_CRASH_DUMP
	unsigned int n;
	int ret;

	ret = crash_capture_e820(params->e820_table, &n, lay->corehdr_mem,
				 lay->corehdr_mem + lay->corehdr_size - 1);
	params->e820_entries = n;
	return ret;
#else
	return -EINVAL;
#endif
}

#ifdef CONFIG_EFI
/* The new kernel's way back into this kernel's EFI runtime mappings. */
static u64 *bzimage64_fill_efi(const struct bzimage64_layout *lay,
			       struct boot_params *params, u64 *link)
{
	const struct efi_info *cur = &boot_params.efi_info;
	unsigned long map_mem = lay->params_mem + lay->efi_map_offset;
	struct efi_info *ei = &params->efi_info;
	struct efi_setup_data *esd;
	struct setup_data *sd;

	if (!lay->efi_map_size)
		return link;
	/* Sized by bzimage64_efi_map_size(); the map never changes. */
	if (WARN_ON_ONCE(efi_runtime_map_copy((void *)params + lay->efi_map_offset,
					      lay->efi_map_size)))
		return link;

	ei->efi_loader_signature = cur->efi_loader_signature;
	ei->efi_systab = cur->efi_systab;
	ei->efi_systab_hi = cur->efi_systab_hi;
	ei->efi_memdesc_version = cur->efi_memdesc_version;
	ei->efi_memdesc_size = efi_get_runtime_map_desc_size();
	ei->efi_memmap = lower_32_bits(map_mem);
	ei->efi_memmap_hi = upper_32_bits(map_mem);
	ei->efi_memmap_size = lay->efi_map_size;
	params->secure_boot = boot_params.secure_boot;

	sd = bzimage64_setup_data(params, lay->params_mem, link, lay->efi_offset,
				  SETUP_EFI, sizeof(*esd));
	esd = (struct efi_setup_data *)sd->data;
	esd->fw_vendor = efi_fw_vendor;
	esd->tables = efi_config_table;
	esd->smbios = efi.smbios;
	return &sd->next;
}
#else
static u64 *bzimage64_fill_efi(const struct bzimage64_layout *lay,
			       struct boot_params *params, u64 *link)
{
	return link;
}
#endif

/* struct boot_params for the new kernel, in the parameters segment. */
static int bzimage64_fill_params(struct kexec_file *kf,
				 const struct bzimage64_layout *lay,
				 struct boot_params *params)
{
	char *cmdline = (char *)params + lay->cmdline_offset;
	struct setup_header *hdr = &params->hdr;
	unsigned long cmdline_mem = lay->params_mem + lay->cmdline_offset;
	u64 *link = &hdr->setup_data;

	memcpy(hdr, kf->kernel + BZ_HDR_OFFSET, lay->bz.header_size);
	hdr->type_of_loader = BZ_LOADER_KEXEC;
	/* The decompressor says whether it randomised; unpacked, we say. */
	hdr->loadflags = LOADED_HIGH | (lay->kaslr ? KASLR_FLAG : 0);
	hdr->code32_start = lower_32_bits(lay->payload_mem);
	hdr->hardware_subarch = boot_params.hdr.hardware_subarch;
	hdr->setup_data = 0;

	hdr->cmd_line_ptr = lower_32_bits(cmdline_mem);
	params->ext_cmd_line_ptr = upper_32_bits(cmdline_mem);
	/* A capture kernel learns where its ELF core header is first. */
	if (bzimage64_crash(kf))
		cmdline += sprintf(cmdline, "elfcorehdr=%#lx ", lay->corehdr_mem);
	if (kf->cmdline)
		memcpy(cmdline, kf->cmdline, kf->cmdline_size);

	if (kf->initrd) {
		hdr->ramdisk_image = lower_32_bits(lay->initrd_mem);
		hdr->ramdisk_size = lower_32_bits(kf->initrd_size);
		params->ext_ramdisk_image = upper_32_bits(lay->initrd_mem);
		params->ext_ramdisk_size = upper_32_bits(kf->initrd_size);
	}

	params->screen_info = screen_info;
	params->acpi_rsdp_addr = boot_params.acpi_rsdp_addr;
	memcpy(params->eddbuf, boot_params.eddbuf, sizeof(params->eddbuf));
	params->eddbuf_entries = boot_params.eddbuf_entries;
	memcpy(params->edd_mbr_sig_buffer, boot_params.edd_mbr_sig_buffer,
	       sizeof(params->edd_mbr_sig_buffer));

	if (bzimage64_crash(kf)) {
		int ret = bzimage64_crash_e820(lay, params);

		if (ret)
			return ret;
	} else {
		link = bzimage64_fill_e820(params, lay->params_mem, link,
					   lay->e820_offset);
	}

	link = bzimage64_fill_efi(lay, params, link);

#ifdef CONFIG_IMA_KEXEC
	/* Where IMA writes the measurement list at exec, for the next IMA. */
	if (kf->image->ima_buffer_size) {
		struct ima_setup_data *ima;
		struct setup_data *sd;

		sd = bzimage64_setup_data(params, lay->params_mem, link,
					  lay->ima_offset, SETUP_IMA, sizeof(*ima));
		ima = (struct ima_setup_data *)sd->data;
		ima->addr = kf->image->ima_buffer_addr;
		ima->size = kf->image->ima_buffer_size;
		link = &sd->next;
	}
#endif

	/* Seed the new kernel's RNG, but never with an unseeded one. */
	if (rng_is_initialized()) {
		struct setup_data *sd;

		sd = bzimage64_setup_data(params, lay->params_mem, link,
					  lay->rng_offset, SETUP_RNG_SEED,
					  BZ_RNG_SEED_BYTES);
		get_random_bytes(sd->data, BZ_RNG_SEED_BYTES);
		link = &sd->next;
	}

#ifdef CONFIG_KEXEC_HANDOFF
	/* The chain goes on in the root page, filled in at the reboot. */
	if (kf->image->handoff)
		*link = page_to_phys(kf->image->handoff->root_page);
#endif
	return 0;
}

#ifdef CONFIG_KEXEC_HANDOFF
/* ===================================================================
 * The handoff in setup_data
 * ===================================================================
 *
 * The root page holds a SETUP_HANDOFF node with the root, then one
 * SETUP_INDIRECT node (inner type SETUP_HANDOFF) for each extent the
 * handoff occupies.  Every kernel since the boot protocol had indirect
 * nodes reserves what they name before it allocates, and its
 * decompressor keeps off it, so no kernel, ours or not, overwrites the
 * handoff before it could read it.  Kernels that do not know the type
 * ignore the root; its extents stay reserved in them.
 */
#define BZ_HANDOFF_ROOT_NODE	(sizeof(struct setup_data) + sizeof(struct handoff_root))
#define BZ_HANDOFF_EXTENT_NODE	(sizeof(struct setup_data) + sizeof(struct setup_indirect))
static_assert(BZ_HANDOFF_ROOT_NODE % 8 == 0 && BZ_HANDOFF_EXTENT_NODE % 8 == 0);
static_assert(BZ_HANDOFF_ROOT_NODE + BZ_HANDOFF_EXTENT_NODE *
	      ARRAY_SIZE(((struct handoff_out *)NULL)->extent) <= PAGE_SIZE);

/**
 * arch_handoff_write_root() - Write a root page for a kernel to find.
 * @root_page: The page the kernel's boot parameters link to.
 * @root: The sealed root.
 * @extent: What the kernel must reserve before it allocates.
 * @nr_extents: Entries of @extent.
 *
 * Context: The kexec reboot, one CPU, interrupts off.
 */
void arch_handoff_write_root(struct page *root_page,
			     const struct handoff_root *root,
			     const struct handoff_extent *extent,
			     unsigned int nr_extents)
{
	phys_addr_t base = page_to_phys(root_page);
	void *page = page_address(root_page);
	struct setup_data *sd = page;
	size_t offset = BZ_HANDOFF_ROOT_NODE;
	unsigned int i;

	sd->next = 0;
	sd->type = SETUP_HANDOFF;
	sd->len = sizeof(*root);
	memcpy(sd->data, root, sizeof(*root));

	for (i = 0; i < nr_extents; i++) {
		struct setup_data *node = page + offset;
		struct setup_indirect *ind = (void *)node->data;

		sd->next = base + offset;
		node->next = 0;
		node->type = SETUP_INDIRECT;
		node->len = sizeof(*ind);
		ind->type = SETUP_HANDOFF;
		ind->reserved = 0;
		ind->len = extent[i].size;
		ind->addr = extent[i].phys;
		sd = node;
		offset += BZ_HANDOFF_EXTENT_NODE;
	}
}

/**
 * arch_kimage_handoff_seal() - Write the root page for the next kernel.
 * @image: Image whose handoff kimage_handoff_seal() just sealed.
 *
 * Context: The kexec reboot, one CPU, interrupts off.
 */
void arch_kimage_handoff_seal(struct kimage *image)
{
	const struct handoff_out *out = image->handoff;

	arch_handoff_write_root(out->root_page, &out->root, out->extent,
				out->nr_extents);
}

/*
 * Copy the header of the setup_data node at @pa.  Early in boot only
 * early_memremap() works; later the early slots are gone and memremap()
 * must be used.
 */
static int __init handoff_read_node(u64 pa, bool early, struct setup_data *hdr)
{
	struct setup_data *sd;

	if (early)
		sd = early_memremap(pa, sizeof(*sd));
	else
		sd = memremap(pa, sizeof(*sd), MEMREMAP_WB);
	if (!sd)
		return -ENOMEM;
	*hdr = *sd;
	if (early)
		early_memunmap(sd, sizeof(*sd));
	else
		memunmap(sd);
	return 0;
}

static int __init handoff_walk(bool early, u64 *phys, u64 *size)
{
	u64 pa = boot_params.hdr.setup_data;
	unsigned int nodes;

	/* A chain that loops is damaged; no real one is this long. */
	for (nodes = 0; pa && nodes < 4096; nodes++) {
		struct setup_data hdr;
		int ret = handoff_read_node(pa, early, &hdr);

		if (ret)
			return ret;
		if (hdr.type == SETUP_HANDOFF) {
			*phys = pa + sizeof(hdr);
			*size = hdr.len;
			return 0;
		}
		pa = hdr.next;
	}
	return -ENOENT;
}

/**
 * arch_handoff_find() - Find the root the previous kernel left.
 * @phys: Set to the physical address of the root.
 * @size: Set to the bytes the boot protocol gives it.
 *
 * Context: Process context, at boot.
 * Return: 0, -ENOENT when there is none, -ENOMEM when setup_data cannot
 * be mapped.
 */
int __init arch_handoff_find(u64 *phys, u64 *size)
{
	return handoff_walk(false, phys, size);
}

/**
 * arch_handoff_find_early() - arch_handoff_find(), before memremap() works.
 * @phys: Set to the physical address of the root.
 * @size: Set to the bytes the boot protocol gives it.
 *
 * Context: Early boot, once setup_data is reserved.
 * Return: As for arch_handoff_find().
 */
int __init arch_handoff_find_early(u64 *phys, u64 *size)
{
	return handoff_walk(true, phys, size);
}
#endif /* CONFIG_KEXEC_HANDOFF */

/* ===================================================================
 * Unpacking at load time
 * ===================================================================
 *
 * A bzImage started at its 64-bit entry first runs its decompressor,
 * which inflates the kernel, lays it out, picks random physical and
 * virtual addresses for it (KASLR) and only then jumps to it.  In a kexec
 * hand-off all of that happens after this kernel has shut its devices
 * down, and it is most of the hand-off.  So the loader does it instead,
 * while this kernel still serves: it inflates the payload, lays out the
 * kernel's ELF segments where they are to run, applies the relocations
 * for a random virtual offset, places the result at a random physical
 * address, and has the purgatory enter the kernel's own 64-bit entry
 * (startup_64) with what the decompressor would have left it: long mode
 * on a 1:1 map of memory, %rsi = boot_params, KASLR_FLAG when it chose
 * random addresses.  The purgatory checks the unpacked kernel like any
 * other segment.
 *
 * What arch/x86/boot/compressed/ puts in the payload, at payload_offset
 * for payload_length bytes: the compressed stream, then the uncompressed
 * size as a little endian u32.  Uncompressed, it is vmlinux without its
 * symbols, an ELF file whose PT_LOAD segments have physical addresses
 * from pref_address up, followed, in a kernel built with RANDOMIZE_BASE,
 * by the relocation tables: three lists of u32, read from the end down,
 * each closed by a zero, of 32-bit fields to shift, 32-bit fields to
 * shift the other way, and 64-bit fields to shift.  Each word is the
 * field's link-time virtual address, truncated to 32 bits; the kernel
 * was linked to run at __START_KERNEL_map + pref_address.
 *
 * The decompressor stays in charge of what the loader cannot do the way
 * it would: a format this kernel has no decompressor for (gzip, xz and
 * zstd are built in), a payload laid out otherwise, and a change of
 * paging mode, since the decompressor turns 5-level paging on or off
 * while the kernel's entry keeps the mode it finds.
 * kexec_bzimage64.unpack=0 leaves every kernel to its decompressor.
 */
#ifdef CONFIG_KEXEC_BZIMAGE_UNPACK

static bool bzimage64_unpack_on = true;
module_param_named(unpack, bzimage64_unpack_on, bool, 0644);
MODULE_PARM_DESC(unpack, "Decompress bzImages at load time, outside the hand-off (default: on)");

/* The most a payload may inflate to; kernels are tens of MiB. */
#define BZ_UNPACKED_MAX		SZ_1G
/* A RANDOMIZE_BASE kernel's text mapping: its virtual KASLR range. */
#define BZ_KERNEL_IMAGE_SIZE	SZ_1G
/* Random physical starts drawn before the lowest place is taken. */
#define BZ_RANDOM_TRIES		8
/* The relocation lists, as the decompressor reads them: from the end. */
enum { BZ_RELOC_32, BZ_RELOC_32_INVERSE, BZ_RELOC_64, BZ_RELOC_LISTS };

#define GZIP_FHCRC		0x02
#define GZIP_FEXTRA		0x04
#define GZIP_FNAME		0x08
#define GZIP_FCOMMENT		0x10
#define GZIP_FRESERVED		0xe0

/* Skip one NUL-terminated gzip header field at @pos. */
static size_t gzip_skip_string(const u8 *in, size_t len, size_t pos)
{
	const u8 *nul = pos < len ? memchr(in + pos, 0, len - pos) : NULL;

	return nul ? nul - in + 1 : len;
}

static int bzimage64_gunzip(const u8 *in, size_t len, u8 *out, size_t out_len)
{
	size_t pos = 10;
	int got;

	/*
	 * The header (RFC 1952), a raw deflate stream, then its CRC-32 and
	 * size: the payload's last eight bytes before the size it appends.
	 */
	if (len < pos + 8 || in[2] != Z_DEFLATED || (in[3] & GZIP_FRESERVED))
		return -ENOEXEC;
	if (in[3] & GZIP_FEXTRA)
		pos += 2 + get_unaligned_le16(in + pos);
	if (in[3] & GZIP_FNAME)
		pos = gzip_skip_string(in, len, pos);
	if (in[3] & GZIP_FCOMMENT)
		pos = gzip_skip_string(in, len, pos);
	if (in[3] & GZIP_FHCRC)
		pos += 2;
	if (pos + 8 > len || out_len > UINT_MAX)
		return -ENOEXEC;

	got = zlib_inflate_blob(out, out_len, in + pos, len - pos - 8);
	if (got == -ENOMEM)
		return got;
	if (got < 0 || (size_t)got != out_len ||
	    get_unaligned_le32(in + len - 4) != (u32)out_len ||
	    (crc32_le(~0, out, out_len) ^ ~0) != get_unaligned_le32(in + len - 8))
		return -ENOEXEC;
	return 0;
}

static int bzimage64_unxz(const u8 *in, size_t len, u8 *out, size_t out_len)
{
	struct xz_buf buf = {
		.in = in, .in_size = len, .out = out, .out_size = out_len,
	};
	struct xz_dec *xz = xz_dec_init(XZ_SINGLE, 0);
	enum xz_ret ret;

	if (!xz)
		return -ENOMEM;
	ret = xz_dec_run(xz, &buf);
	xz_dec_end(xz);
	return ret == XZ_STREAM_END && buf.out_pos == out_len ? 0 : -ENOEXEC;
}

static int bzimage64_unzstd(const u8 *in, size_t len, u8 *out, size_t out_len)
{
	size_t ws_size = zstd_dctx_workspace_bound();
	void *ws = kvmalloc(ws_size, GFP_KERNEL);
	zstd_dctx *dctx;
	size_t got;

	if (!ws)
		return -ENOMEM;
	dctx = zstd_init_dctx(ws, ws_size);
	got = dctx ? zstd_decompress_dctx(dctx, out, out_len, in, len) : 0;
	kvfree(ws);
	if (!dctx)
		return -ENOMEM;
	return !zstd_is_error(got) && got == out_len ? 0 : -ENOEXEC;
}

static const struct bzimage64_format {
	const char *name;
	u8 magic[4];
	u8 magic_len;
	int (*inflate)(const u8 *in, size_t len, u8 *out, size_t out_len);
} bzimage64_formats[] = {
	{ "gzip", { 0x1f, 0x8b }, 2, bzimage64_gunzip },
	{ "xz", { 0xfd, '7', 'z', 'X' }, 4, bzimage64_unxz },
	{ "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4, bzimage64_unzstd },
};

/*
 * Inflate the payload into a new buffer, @raw.  -EOPNOTSUPP: not a
 * payload this kernel can inflate (lz4, lzo, lzma, bzip2, or not laid out
 * as described above); -ENOEXEC: a payload that does not inflate.
 */
static int bzimage64_inflate(const struct kexec_file *kf,
			     const struct bzimage64 *bz, u8 **raw,
			     size_t *raw_len, const char **format)
{
	const u8 *in = kf->kernel + bz->setup_size + bz->packed_offset;
	size_t len = bz->packed_size, out_len;
	unsigned int i;
	int ret;

	if (bz->packed_offset > bz->payload_size ||
	    len > bz->payload_size - bz->packed_offset || len < 8)
		return -EOPNOTSUPP;
	out_len = get_unaligned_le32(in + len - 4);
	len -= 4;
	if (out_len < sizeof(struct elf64_hdr) || out_len > BZ_UNPACKED_MAX)
		return -EOPNOTSUPP;

	for (i = 0; i < ARRAY_SIZE(bzimage64_formats); i++) {
		const struct bzimage64_format *f = &bzimage64_formats[i];

		if (!memcmp(in, f->magic, f->magic_len))
			break;
	}
	if (i == ARRAY_SIZE(bzimage64_formats))
		return -EOPNOTSUPP;

	*raw = kvmalloc(out_len, GFP_KERNEL);
	if (!*raw)
		return -ENOMEM;
	ret = bzimage64_formats[i].inflate(in, len, *raw, out_len);
	if (ret) {
		kvfree(*raw);
		*raw = NULL;
		return ret;
	}
	*raw_len = out_len;
	*format = bzimage64_formats[i].name;
	return 0;
}

/**
 * bzimage64_elf_scan() - check an inflated kernel and measure its layout
 * @raw:     the inflated payload
 * @len:     its size
 * @bz:      the bzImage's header
 * @k:       gets the sizes and the entry (not the image)
 * @elf_end: gets where the ELF file ends in @raw
 *
 * Context: any; no side effects.
 * Return: 0, or -ENOEXEC for anything but an x86_64 ELF kernel whose
 * segments lie within the file and, once laid out, within init_size
 * bytes from pref_address, at 2 MiB aligned addresses.
 */
int bzimage64_elf_scan(const void *raw, size_t len, const struct bzimage64 *bz,
		       struct bzimage64_kernel *k, size_t *elf_end)
{
	const struct elf64_hdr *eh = raw;
	size_t end, i, loads = 0;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64 ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) || !eh->e_phnum ||
	    eh->e_phoff > len ||
	    (size_t)eh->e_phnum * sizeof(struct elf64_phdr) > len - eh->e_phoff)
		return -ENOEXEC;
	end = eh->e_phoff + eh->e_phnum * sizeof(struct elf64_phdr);

	if (eh->e_shnum) {
		if (eh->e_shentsize != sizeof(struct elf64_shdr) || eh->e_shoff > len ||
		    (size_t)eh->e_shnum * sizeof(struct elf64_shdr) > len - eh->e_shoff)
			return -ENOEXEC;
		end = max_t(size_t, end, eh->e_shoff + eh->e_shnum * sizeof(struct elf64_shdr));
		for (i = 0; i < eh->e_shnum; i++) {
			struct elf64_shdr sh;

			memcpy(&sh, raw + eh->e_shoff + i * sizeof(sh), sizeof(sh));
			if (sh.sh_type == SHT_NOBITS || sh.sh_type == SHT_NULL)
				continue;
			if (sh.sh_offset > len || sh.sh_size > len - sh.sh_offset)
				return -ENOEXEC;
			end = max_t(size_t, end, sh.sh_offset + sh.sh_size);
		}
	}

	k->file_size = 0;
	k->mem_size = 0;
	for (i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;
		u64 at;

		memcpy(&ph, raw + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_align % SZ_2M || ph.p_filesz > ph.p_memsz ||
		    ph.p_offset > len || ph.p_filesz > len - ph.p_offset ||
		    ph.p_paddr < bz->pref_address ||
		    ph.p_paddr - bz->pref_address > bz->init_size ||
		    ph.p_memsz > bz->init_size)
			return -ENOEXEC;
		at = ph.p_paddr - bz->pref_address;
		k->file_size = max_t(size_t, k->file_size, at + ph.p_filesz);
		k->mem_size = max_t(size_t, k->mem_size, at + ph.p_memsz);
		end = max_t(size_t, end, ph.p_offset + ph.p_filesz);
		loads++;
	}
	if (!loads || k->mem_size > bz->init_size ||
	    eh->e_entry < bz->pref_address ||
	    eh->e_entry - bz->pref_address >= k->file_size)
		return -ENOEXEC;
	k->entry = eh->e_entry - bz->pref_address;
	*elf_end = end;
	return 0;
}

/* Copy the PT_LOAD segments, checked by bzimage64_elf_scan(), into place. */
static void bzimage64_elf_copy(const void *raw, const struct bzimage64 *bz,
			       struct bzimage64_kernel *k)
{
	const struct elf64_hdr *eh = raw;
	unsigned int i;

	for (i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;

		memcpy(&ph, raw + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_LOAD)
			memcpy(k->image + ph.p_paddr - bz->pref_address,
			       raw + ph.p_offset, ph.p_filesz);
	}
}

/* Offset in the laid out kernel of the field a relocation word names. */
static u64 bzimage64_reloc_at(u32 word, const struct bzimage64 *bz)
{
	return (u64)(s64)(s32)word - __START_KERNEL_map - bz->pref_address;
}

/**
 * bzimage64_find_relocs() - find and check the relocation tables
 * @raw:     the inflated payload
 * @len:     its size
 * @elf_end: where its ELF file ends, from bzimage64_elf_scan()
 * @bz:      the bzImage's header
 * @k:       its sizes from bzimage64_elf_scan(); gets the tables
 *
 * What follows the ELF file must be exactly the three lists, and every
 * word must name a field inside the kernel's contents.  A kernel built
 * without RANDOMIZE_BASE has none: then @k->relocs is NULL.
 *
 * Context: any; no side effects.
 * Return: 0, or -EOPNOTSUPP for a tail that is not three such lists.
 */
int bzimage64_find_relocs(const void *raw, size_t len, size_t elf_end,
			  const struct bzimage64 *bz, struct bzimage64_kernel *k)
{
	const u8 *words = raw + elf_end;
	size_t n, i;
	int list = 0;

	k->relocs = NULL;
	k->nr_relocs = 0;
	if (elf_end == len)
		return 0;
	if (elf_end > len || (len - elf_end) % sizeof(u32))
		return -EOPNOTSUPP;
	n = (len - elf_end) / sizeof(u32);

	/* From the top: each list runs down to its zero. */
	for (i = n; i-- > 0;) {
		u32 word = get_unaligned_le32(words + i * sizeof(u32));
		unsigned int width = list == BZ_RELOC_64 ? 8 : 4;
		u64 at;

		if (!word) {
			if (++list == BZ_RELOC_LISTS)
				break;
			continue;
		}
		at = bzimage64_reloc_at(word, bz);
		if (at > k->file_size || width > k->file_size - at)
			return -EOPNOTSUPP;
	}
	/* The last zero must be the first word: nothing in between. */
	if (list != BZ_RELOC_LISTS || i)
		return -EOPNOTSUPP;
	k->relocs = words;
	k->nr_relocs = n;
	return 0;
}

/**
 * bzimage64_relocate() - move the laid out kernel's text mapping by @delta
 * @k:     the kernel, its tables checked by bzimage64_find_relocs()
 * @bz:    the bzImage's header
 * @delta: bytes, a multiple of the kernel's alignment
 *
 * Context: any.
 */
void bzimage64_relocate(const struct bzimage64_kernel *k,
			const struct bzimage64 *bz, u64 delta)
{
	size_t i;
	int list = BZ_RELOC_32;

	if (!k->relocs || !delta)
		return;
	for (i = k->nr_relocs; i-- > 0;) {
		u32 word = get_unaligned_le32(k->relocs + i * sizeof(u32));
		void *field;

		if (!word) {
			if (++list == BZ_RELOC_LISTS)
				break;
			continue;
		}
		field = k->image + bzimage64_reloc_at(word, bz);
		switch (list) {
		case BZ_RELOC_32:
			put_unaligned_le32(get_unaligned_le32(field) + (u32)delta, field);
			break;
		case BZ_RELOC_32_INVERSE:
			put_unaligned_le32(get_unaligned_le32(field) - (u32)delta, field);
			break;
		default:
			put_unaligned_le64(get_unaligned_le64(field) + delta, field);
			break;
		}
	}
}

/*
 * Would the kernel run with the paging mode this one has?  Its
 * decompressor turns 5-level paging on when the kernel has it enabled,
 * the CPU has LA57 and the command line does not say no5lvl, and off
 * otherwise; startup_64 keeps what it finds.
 */
static bool bzimage64_same_paging(const struct kexec_file *kf,
				  const struct bzimage64 *bz)
{
	bool la57 = (bz->xloadflags & XLF_5LEVEL_ENABLED) &&
		    boot_cpu_data.cpuid_level >= 7 &&
		    (cpuid_ecx(7) & BIT(X86_FEATURE_LA57 & 31)) &&
		    !(kf->cmdline && cmdline_find_option_bool(kf->cmdline, "no5lvl"));

	return la57 == bzimage64_la57();
}

/* One of @slots offsets @align apart, at random. */
static u64 bzimage64_random_slot(u64 slots, u64 align)
{
	return (u64)get_random_u32_below(min_t(u64, slots, U32_MAX)) * align;
}

/* A random virtual offset for the kernel's text, as its KASLR would pick. */
static u64 bzimage64_virt_offset(const struct bzimage64 *bz,
				 const struct bzimage64_kernel *k, size_t raw_len)
{
	u64 align = max_t(u64, bz->kernel_alignment, SZ_2M);
	u64 span = ALIGN(max_t(u64, k->mem_size, raw_len), align);
	u64 slots;

	if (bz->pref_address + span > BZ_KERNEL_IMAGE_SIZE)
		return 0;
	slots = (BZ_KERNEL_IMAGE_SIZE - bz->pref_address - span) / align + 1;
	return bzimage64_random_slot(slots, align);
}

/*
 * Place the unpacked kernel: at a random address when it is randomised,
 * with the lowest one the fallback.  A random place is taken only if it
 * can be claimed: the search goes up from the random start, and the top
 * of memory is where memblock put the running kernel's early
 * allocations, so a start there often finds nothing above it to claim.
 * Moving the kernel at exec would work, but it is the slow hand-off, so
 * another start is drawn instead.
 */
static int bzimage64_place_unpacked(struct kexec_file *kf,
				    struct bzimage64_layout *lay,
				    const struct bzimage64_kernel *k)
{
	struct kexec_place want = {
		.size = k->mem_size,
		.align = max_t(u64, lay->bz.kernel_alignment, SZ_2M),
		.min = max_t(u64, lay->bz.pref_address, BZ_MIN_PAYLOAD),
		.max = U64_MAX,
		.low_first = true,
	};
	u64 top = PFN_PHYS(max_pfn);
	int ret;

	if (lay->kaslr && !bzimage64_crash(kf) && top > want.min + want.size) {
		struct kexec_place random = want;
		u64 slots = (top - want.min - want.size) / want.align + 1;
		unsigned int i;

		random.claim_only = true;
		for (i = 0; i < BZ_RANDOM_TRIES; i++) {
			random.min = want.min + bzimage64_random_slot(slots, want.align);
			ret = kexec_file_add_segment(kf, k->image, k->file_size,
						     &random, &lay->payload_mem);
			if (ret != -EADDRNOTAVAIL)
				return ret;
		}
	}
	return kexec_file_add_segment(kf, k->image, k->file_size, &want,
				      &lay->payload_mem);
}

/*
 * Add the kernel unpacked, if it can be: 0 when it was, -EOPNOTSUPP when
 * its decompressor is to do the work, or why the load must fail.
 */
static int bzimage64_add_unpacked(struct kexec_file *kf,
				  struct bzimage64_layout *lay)
{
	struct bzimage64_kernel k = {};
	const char *format = NULL;
	size_t raw_len = 0, elf_end;
	u64 delta = 0;
	u8 *raw = NULL;
	int ret;

	if (!bzimage64_unpack_on) {
		kexec_file_debug(kf, "bzImage: unpacking is off; its decompressor runs at boot\n");
		return -EOPNOTSUPP;
	}
	if (!bzimage64_same_paging(kf, &lay->bz)) {
		kexec_file_debug(kf, "bzImage: it changes the paging mode; its decompressor runs at boot\n");
		return -EOPNOTSUPP;
	}
	ret = bzimage64_inflate(kf, &lay->bz, &raw, &raw_len, &format);
	if (ret)
		goto out;
	ret = bzimage64_elf_scan(raw, raw_len, &lay->bz, &k, &elf_end);
	if (!ret)
		ret = bzimage64_find_relocs(raw, raw_len, elf_end, &lay->bz, &k);
	if (ret)
		goto out;

	k.image = kexec_file_buffer(kf, k.file_size);
	if (!k.image) {
		ret = -ENOMEM;
		goto out;
	}
	bzimage64_elf_copy(raw, &lay->bz, &k);
	/* Only a kernel with relocations can move its text mapping. */
	lay->kaslr = k.relocs &&
		     !(kf->cmdline && cmdline_find_option_bool(kf->cmdline, "nokaslr"));
	if (lay->kaslr)
		delta = bzimage64_virt_offset(&lay->bz, &k, raw_len);
	bzimage64_relocate(&k, &lay->bz, delta);

	ret = bzimage64_place_unpacked(kf, lay, &k);
	if (ret)
		goto out;
	lay->entry = lay->payload_mem + k.entry;
	lay->unpacked = true;
	kexec_file_debug(kf, "bzImage: unpacked its %s kernel at load, %zu KiB, %s\n",
			 format, k.mem_size >> 10,
			 lay->kaslr ? "at random addresses" : "not randomised");
out:
	kvfree(raw);
	if (ret == -EOPNOTSUPP)
		kexec_file_debug(kf, "bzImage: not a payload this kernel unpacks; its decompressor runs at boot\n");
	return ret;
}
#else
static int bzimage64_add_unpacked(struct kexec_file *kf,
				  struct bzimage64_layout *lay)
{
	return -EOPNOTSUPP;
}
#endif /* CONFIG_KEXEC_BZIMAGE_UNPACK */

/* Tell the purgatory copy what to check and where to go. */
static void bzimage64_fill_purgatory(struct kexec_file *kf,
				     const struct bzimage64_layout *lay,
				     void *copy)
{
	const struct kexec_purgatory_header *ph = copy;
	struct kexec_purgatory_params *pp = copy + ph->params;
	struct kimage *image = kf->image;
	unsigned long i;

	pp->kernel_entry = lay->entry;
	pp->boot_params = lay->params_mem;
	pp->flags = kf->debug ? KEXEC_PURGATORY_VERBOSE : 0;
	if (IS_ENABLED(CONFIG_KEXEC_DEBUGCON_MARKERS))
		pp->flags |= KEXEC_PURGATORY_DEBUGCON;
	/* Every segment but the purgatory's own, which is the last. */
	for (i = 0; i + 1 < image->nr_segments; i++) {
		pp->region[i].start = image->segment[i].mem;
		pp->region[i].len = image->segment[i].bufsz;
		pp->region[i].digest = kexec_segment_digest(&image->segment[i]);
	}
	pp->nr_regions = i;
	image->entry = lay->purgatory_mem + ph->entry;
	image->digest_table = lay->purgatory_mem + ph->params +
			      offsetof(struct kexec_purgatory_params, region[0].digest);
	image->digest_stride = sizeof(pp->region[0]);
}

/* A segment that only needs to be page aligned and above @min. */
static int bzimage64_add(struct kexec_file *kf, const void *buf, size_t size,
			 u64 min, unsigned long *mem)
{
	const struct kexec_place want = {
		.size = size, .align = PAGE_SIZE, .min = min, .max = U64_MAX,
	};

	return kexec_file_add_segment(kf, buf, size, &want, mem);
}

/**
 * arch_kexec_file_load() - lay out a bzImage, its initramfs and parameters
 * @kf: the request; the kernel file passed arch_kexec_file_probe()
 *
 * Context: process context, kexec lock held.
 * Return: 0, -EINVAL for a command line longer than the new kernel takes,
 * -ENOEXEC for a damaged purgatory, or a placement error.
 */
int arch_kexec_file_load(struct kexec_file *kf)
{
	size_t purgatory_size = kexec_purgatory_end - kexec_purgatory;
	const struct kexec_purgatory_header *ph = (const void *)kexec_purgatory;
	struct bzimage64_layout lay = {};
	struct kexec_place want;
	size_t params_size;
	void *params, *purgatory;
	int ret;

	ret = bzimage64_parse(kf->kernel, kf->kernel_size, bzimage64_la57(),
			      &lay.bz);
	if (ret)
		return ret;
	/* cmdline_size counts the characters; ours has its NUL too. */
	if (kf->cmdline_size + (bzimage64_crash(kf) ? BZ_COREHDR_ARG_MAX : 0) >
	    (size_t)lay.bz.cmdline_max + 1)
		return -EINVAL;
	if (purgatory_size < sizeof(*ph) || ph->magic != KEXEC_PURGATORY_MAGIC ||
	    ph->size < purgatory_size || ph->entry >= purgatory_size ||
	    ph->params + sizeof(struct kexec_purgatory_params) > ph->size)
		return -ENOEXEC;

	/*
	 * The kernel, unpacked if it can be.  Else the payload, for the
	 * decompressor, which works in place in init_size bytes and chooses
	 * the kernel's physical address (KASLR) only above where it was
	 * loaded: so it goes as low as it can.
	 */
	ret = bzimage64_add_unpacked(kf, &lay);
	if (ret == -EOPNOTSUPP) {
		want = (struct kexec_place) {
			.size = max_t(u64, lay.bz.init_size, lay.bz.payload_size),
			.align = lay.bz.kernel_alignment,
			.min = max_t(u64, lay.bz.pref_address, BZ_MIN_PAYLOAD),
			.max = U64_MAX,
			.low_first = true,
		};
		ret = kexec_file_add_segment(kf, kf->kernel + lay.bz.setup_size,
					     lay.bz.payload_size, &want,
					     &lay.payload_mem);
		lay.entry = lay.payload_mem + BZ_ENTRY64;
	}
	if (ret)
		return ret;

	if (kf->initrd) {
		ret = bzimage64_add(kf, kf->initrd, kf->initrd_size,
				    BZ_MIN_INITRD, &lay.initrd_mem);
		if (ret)
			return ret;
	}

	/*
	 * The decompressor moves the kernel anywhere above the lower of its
	 * own address and 512 MiB (KASLR), and keeps off only what the boot
	 * parameters name directly: other subsystems' segments, which the
	 * new kernel finds through setup_data, go below that.  An unpacked
	 * kernel stays where it is, and reserves what setup_data names
	 * before it allocates anything.
	 */
	if (!bzimage64_crash(kf)) {
		kf->extra_min = BZ_MIN_SMALL;
		kf->extra_max = lay.unpacked ? U64_MAX :
				min_t(u64, lay.payload_mem, BZ_KASLR_FLOOR);
		kexec_file_add_extra_segments(kf);
	}

#ifdef CONFIG_CRASH_DUMP
	if (bzimage64_crash(kf)) {
		struct range *ram;
		unsigned int nr;
		void *hdr;

		ram = crash_old_memory(&nr);
		if (IS_ERR(ram))
			return PTR_ERR(ram);
		lay.corehdr_size = PAGE_ALIGN(crash_elfcorehdr_size(bzimage64_corehdr_room(nr)));
		hdr = kexec_file_buffer(kf, lay.corehdr_size);
		if (hdr)
			crash_elfcorehdr(hdr, ram, nr);
		kfree(ram);
		if (!hdr)
			return -ENOMEM;
		ret = bzimage64_add(kf, hdr, lay.corehdr_size, BZ_MIN_SMALL,
				    &lay.corehdr_mem);
		if (ret)
			return ret;
#ifdef CONFIG_CRASH_HOTPLUG
		kf->image->elfcorehdr_index = kf->image->nr_segments - 1;
		kf->image->elfcorehdr_ours = true;
#endif
	}
#endif

	lay.cmdline_offset = sizeof(struct boot_params);
	lay.e820_offset = ALIGN(lay.cmdline_offset + BZ_COREHDR_ARG_MAX +
				max_t(size_t, kf->cmdline_size, 1), 16);
	lay.rng_offset = ALIGN(lay.e820_offset + bzimage64_e820_extra(), 16);
	lay.efi_offset = ALIGN(lay.rng_offset + sizeof(struct setup_data) +
			       BZ_RNG_SEED_BYTES, 16);
	lay.efi_map_offset = ALIGN(lay.efi_offset + sizeof(struct setup_data) +
				   sizeof(struct efi_setup_data), 16);
	lay.efi_map_size = bzimage64_efi_map_size();
	lay.ima_offset = ALIGN(lay.efi_map_offset + lay.efi_map_size, 16);
	params_size = lay.ima_offset + sizeof(struct setup_data) +
		      sizeof(struct ima_setup_data);
	params = kexec_file_buffer(kf, params_size);
	if (!params)
		return -ENOMEM;
	ret = bzimage64_add(kf, params, params_size, BZ_MIN_SMALL,
			    &lay.params_mem);
	if (ret)
		return ret;

	purgatory = kexec_file_buffer(kf, ph->size);
	if (!purgatory)
		return -ENOMEM;
	memcpy(purgatory, kexec_purgatory, purgatory_size);
	ret = bzimage64_add(kf, purgatory, ph->size, BZ_MIN_SMALL,
			    &lay.purgatory_mem);
	if (ret)
		return ret;

#ifdef CONFIG_KEXEC_HANDOFF
	/*
	 * Last, so that the handoff's pages keep off every segment; and only
	 * to a kernel that reads it.  The crash path carries none.  Preserved
	 * memory goes only to a kernel unpacked here: its decompressor would
	 * choose where to unpack before anything reserved that memory.
	 */
	if (!bzimage64_crash(kf) &&
	    bzimage64_reads_handoff(kf->kernel, kf->kernel_size, &lay.bz)) {
		const u8 *records;
		u32 size;

		ret = kimage_handoff_prepare(kf->image);
		if (ret)
			return ret;
		kf->image->handoff->keeps_pages = lay.unpacked;
		records = bzimage64_handoff_records(kf->kernel, kf->kernel_size,
						    &lay.bz, &size);
		ret = kimage_handoff_declare(kf->image, records, size);
		if (ret)
			return ret;
		kexec_file_debug(kf, "bzImage: reads handoff format %u: handing it over%s\n",
				 HANDOFF_FORMAT, lay.unpacked ? "" :
				 ", without preserved memory");
	} else if (!bzimage64_crash(kf)) {
		kexec_file_debug(kf, "bzImage: does not read handoff format %u: handing nothing over\n",
				 HANDOFF_FORMAT);
	}
#endif

	ret = bzimage64_fill_params(kf, &lay, params);
	if (ret)
		return ret;
	kexec_file_debug(kf, "bzImage: payload at %#lx, parameters at %#lx, purgatory at %#lx\n",
			 lay.payload_mem, lay.params_mem, lay.purgatory_mem);
	bzimage64_fill_purgatory(kf, &lay, purgatory);
	return 0;
}

#ifdef CONFIG_KEXEC_FILE_KUNIT_TEST
#include "kexec-bzimage64_test.c"
#endif
