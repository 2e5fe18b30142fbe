// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test records for the kexec handoff, and a knob to damage one of them.
 *
 * Every handoff of a kernel built with CONFIG_KEXEC_HANDOFF_CORRUPT_TEST
 * carries three more records: "test.first" and "test.second", version 1,
 * whose bytes are a pattern that depends on the generation they were
 * written for, and "test.future", version 2, which no kernel reads.  The
 * kernel that receives them claims the first two, checks their bytes and
 * says so in its log ("handoff test: test.first restored"); test.future
 * stays unclaimed.
 *
 * handoff_test.corrupt=NAME (also in /sys/module/handoff_test/parameters)
 * flips one byte of record NAME after the reboot has sealed the handoff,
 * so the next kernel must discard that record alone.
 * handoff_test.oversize=NAME makes record NAME claim a megabyte more than
 * was handed over, with the checksums of the table and the root redone,
 * so the next kernel must refuse to read, or free, memory past it.
 *
 * handoff_test.pages=N preserves N folios of several orders in each
 * generation, filled with a pattern of their address and a random seed,
 * and lists them in "test.pages"; the next kernel restores them, checks
 * every byte and frees them ("handoff test: test.pages: N of N folios
 * restored intact").  handoff_test.restore=0 leaves them unrestored, for
 * the core to free.  handoff_test.scatter=N also preserves every other
 * page of N blocks of eight, as order-0 folios in the same list: more
 * ranges than spans, so the spans must bridge the gaps between them.
 * A reboot notifier then tries to change the list once the reboot began
 * and logs the refusals, for the next kernel to find in the handed-over
 * log.
 *
 * handoff_test.liveupdate_file=chunk damages the first file of the
 * handed-over sessions past its own checksum: one byte of its memfd's
 * first chunk of folios, so that RETRIEVE_FD must fail with EBADMSG.
 * handoff_test.liveupdate_file=version gives that file a handler version
 * no kernel reads, with every checksum above it redone, so that the next
 * kernel keeps the session but refuses that file with EOPNOTSUPP.
 */

#define pr_fmt(fmt)	"handoff test: " fmt

#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handoff.h>
#include <linux/liveupdate_abi.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/reboot.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX	"handoff_test."

#define TEST_BYTES	PAGE_SIZE

static char corrupt[HANDOFF_NAME_LEN];
module_param_string(corrupt, corrupt, sizeof(corrupt), 0644);
MODULE_PARM_DESC(corrupt, "Name of a handoff record to damage after the reboot sealed it");

static char oversize[HANDOFF_NAME_LEN];
module_param_string(oversize, oversize, sizeof(oversize), 0644);
MODULE_PARM_DESC(oversize, "Name of a handoff record to make claim more bytes than it has");

static char liveupdate_file[8];
module_param_string(liveupdate_file, liveupdate_file, sizeof(liveupdate_file), 0644);
MODULE_PARM_DESC(liveupdate_file, "Damage the first handed-over file: chunk or version");

static unsigned int test_pages;
module_param_named(pages, test_pages, uint, 0444);
MODULE_PARM_DESC(pages, "Folios to preserve for the next kernel in \"test.pages\"");

static unsigned int test_scatter;
module_param_named(scatter, test_scatter, uint, 0444);
MODULE_PARM_DESC(scatter, "Blocks of eight pages to preserve every other page of");

#define TEST_BLOCK_ORDER	3

static bool test_restore = true;
module_param_named(restore, test_restore, bool, 0444);
MODULE_PARM_DESC(restore, "Restore the folios the previous kernel preserved");

static u8 test_pattern(const char *name, u32 generation, size_t i)
{
	return (i * 7 + generation * 13 + name[5]) & 0xff;
}

static size_t test_room(void)
{
	return TEST_BYTES;
}

static size_t test_fill(const char *name, void *buf)
{
	u32 generation = handoff_generation() + 1;
	u8 *bytes = buf;
	size_t i;

	for (i = 0; i < TEST_BYTES; i++)
		bytes[i] = test_pattern(name, generation, i);
	return TEST_BYTES;
}

static size_t test_fill_first(void *buf, size_t room)
{
	return test_fill("test.first", buf);
}

static size_t test_fill_second(void *buf, size_t room)
{
	return test_fill("test.second", buf);
}

static size_t test_fill_future(void *buf, size_t room)
{
	return test_fill("test.future", buf);
}

/* "test.pages", version 1: one entry per preserved folio. */
struct test_folio {
	__le64 phys;
	__le32 order;
	__le32 seed;
};

/* Orders the folios cycle through: small and large, mostly small. */
static const unsigned int test_orders[] = { 0, 0, 1, 3, 9, 0, 4 };

static struct test_folio *test_folios;
static unsigned int test_nr_folios;

static u64 test_word(u64 phys, u64 offset, u32 seed)
{
	return (seed * 0x9e3779b97f4a7c15ULL) ^ (phys + offset);
}

static void test_write_folio(struct folio *folio, u32 seed)
{
	u64 phys = PFN_PHYS(folio_pfn(folio)), off;
	u64 *words = folio_address(folio);

	for (off = 0; off < folio_size(folio); off += sizeof(u64))
		words[off / sizeof(u64)] = test_word(phys, off, seed);
}

static bool test_folio_intact(struct folio *folio, u32 seed)
{
	u64 phys = PFN_PHYS(folio_pfn(folio)), off;
	const u64 *words = folio_address(folio);

	for (off = 0; off < folio_size(folio); off += sizeof(u64))
		if (words[off / sizeof(u64)] != test_word(phys, off, seed))
			return false;
	return true;
}

static size_t test_pages_room(void)
{
	return test_nr_folios * sizeof(struct test_folio);
}

static size_t test_pages_fill(void *buf, size_t room)
{
	size_t size = min(room, test_pages_room());

	memcpy(buf, test_folios, size);
	return size;
}

static struct handoff_producer test_pages_producer = {
	.name = "test.pages", .version = 1, .room = test_pages_room,
	.fill = test_pages_fill,
};

/* Restore, check and free what the previous kernel preserved. */
static void __init test_pages_restore(void)
{
	unsigned int nr, i, intact = 0, failed = 0;
	const struct test_folio *list;
	u64 size, kib = 0;

	list = handoff_claim("test.pages", 1, &size);
	if (!list)
		return;
	nr = size / sizeof(*list);
	if (!test_restore) {
		pr_info("test.pages: %u folios left to the core\n", nr);
		return;
	}
	for (i = 0; i < nr; i++) {
		unsigned int order = le32_to_cpu(list[i].order);
		struct folio *folio;

		folio = handoff_restore_folio(le64_to_cpu(list[i].phys), order);
		if (IS_ERR(folio)) {
			pr_err("test.pages: folio %u at %#llx not restored: %ld\n",
			       i, le64_to_cpu(list[i].phys), PTR_ERR(folio));
			failed++;
			continue;
		}
		if (test_folio_intact(folio, le32_to_cpu(list[i].seed))) {
			intact++;
			kib += folio_size(folio) >> 10;
		} else {
			pr_err("test.pages: folio %u at %#llx has the wrong bytes\n",
			       i, le64_to_cpu(list[i].phys));
			failed++;
		}
		folio_put(folio);
	}
	pr_info("test.pages: %u of %u folios restored intact, %llu KiB\n",
		intact, nr, kib);
	/* A second restore of the same folio must fail. */
	if (nr) {
		struct folio *again;

		again = handoff_restore_folio(le64_to_cpu(list[0].phys),
					      le32_to_cpu(list[0].order));
		if (!IS_ERR(again))
			pr_err("test.pages: folio 0 restored twice\n");
	}
}

/* Fresh folios with fresh bytes for the next kernel. */
static bool __init test_preserve_one(struct folio *folio, unsigned int order,
				     unsigned int i)
{
	u32 seed = get_random_u32();

	test_write_folio(folio, seed);
	if (handoff_preserve_folio(folio))
		return false;
	test_folios[i].phys = cpu_to_le64(PFN_PHYS(folio_pfn(folio)));
	test_folios[i].order = cpu_to_le32(order);
	test_folios[i].seed = cpu_to_le32(seed);
	return true;
}

/*
 * Every other page of a block of eight, each an order-0 folio of its
 * own; the pages between stay allocated here and are the next kernel's
 * to free.
 */
static unsigned int __init test_scatter_preserve(unsigned int i)
{
	unsigned int block, j;

	for (block = 0; block < test_scatter; block++) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN,
						TEST_BLOCK_ORDER);

		if (!page)
			break;
		for (j = 0; j < 1U << TEST_BLOCK_ORDER; j += 2) {
			if (!test_preserve_one(page_folio(page + j), 0, i))
				return i;
			i++;
		}
	}
	return i;
}

/*
 * Once the reboot began the list of preserved memory is final: a late
 * preserve or unpreserve, as a reboot notifier or a driver's shutdown
 * might try, is refused.  The next kernel reads the answers in the log
 * this kernel hands it.
 */
static int test_pages_reboot(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	u64 first = PHYS_PFN(le64_to_cpu(test_folios[0].phys));
	struct page *page = alloc_page(GFP_KERNEL | __GFP_NOWARN);
	int preserve, unpreserve;

	if (!page)
		return NOTIFY_DONE;
	preserve = handoff_preserve_pages(page, 1);
	unpreserve = handoff_unpreserve_pages(pfn_to_page(first),
					      1U << le32_to_cpu(test_folios[0].order));
	pr_info("test.pages: during the reboot preserve gives %d, unpreserve %d\n",
		preserve, unpreserve);
	if (!preserve)
		handoff_unpreserve_pages(page, 1);
	__free_page(page);
	return NOTIFY_DONE;
}

static struct notifier_block test_pages_reboot_nb = {
	.notifier_call = test_pages_reboot,
};

static void __init test_pages_preserve(void)
{
	unsigned int i, n;
	u64 kib = 0;

	test_folios = kcalloc(test_pages + (test_scatter << (TEST_BLOCK_ORDER - 1)),
			      sizeof(*test_folios), GFP_KERNEL);
	if (!test_folios)
		return;
	for (i = 0; i < test_pages; i++) {
		unsigned int order = test_orders[i % ARRAY_SIZE(test_orders)];
		struct folio *folio;

		folio = folio_alloc(GFP_KERNEL | __GFP_NOWARN, order);
		if (!folio)
			break;
		if (!test_preserve_one(folio, order, i)) {
			folio_put(folio);
			break;
		}
		kib += folio_size(folio) >> 10;
	}
	n = test_scatter_preserve(i);
	kib += (u64)(n - i) << (PAGE_SHIFT - 10);
	test_nr_folios = n;
	if (handoff_register_producer(&test_pages_producer))
		pr_warn("cannot register test.pages\n");
	pr_info("test.pages: preserved %u folios, %llu KiB\n", n, kib);
	if (n)
		register_reboot_notifier(&test_pages_reboot_nb);
}

static struct handoff_producer test_producers[] = {
	{ .name = "test.first", .version = 1, .room = test_room,
	  .fill = test_fill_first },
	{ .name = "test.second", .version = 1, .room = test_room,
	  .fill = test_fill_second },
	{ .name = "test.future", .version = 2, .room = test_room,
	  .fill = test_fill_future },
};

/* Seal the table and the root again after a record changed. */
static void test_reseal(struct handoff_out *out)
{
	u32 nr = le32_to_cpu(out->root.nr_records);
	struct handoff_root_info info;

	info.generation = le32_to_cpu(out->root.generation);
	info.nr_records = nr;
	info.table_crc = handoff_crc(out->table, nr * sizeof(*out->table));
	info.table = le64_to_cpu(out->root.table);
	handoff_seal_root(&out->root, &info);
}

/* Grow a record past its extent, with the checksums above it redone. */
static void test_oversize(struct handoff_out *out)
{
	u32 i, nr = le32_to_cpu(out->root.nr_records);

	for (i = 0; i < nr; i++) {
		struct handoff_record *rec = &out->table[i];

		if (!strncmp(rec->name, oversize, HANDOFF_NAME_LEN))
			rec->size = cpu_to_le64(le64_to_cpu(rec->size) + SZ_1M);
	}
	test_reseal(out);
}

/* The first file of the sessions record, as liveupdate_file asks. */
static void test_liveupdate_file(struct handoff_out *out)
{
	u32 i, nr = le32_to_cpu(out->root.nr_records);
	const struct liveupdate_memfd_ent *ent;
	const struct liveupdate_state_hdr *hdr;
	struct liveupdate_file_ent *fe;
	struct handoff_record *rec;
	u64 size;

	for (i = 0; i < nr; i++)
		if (!strncmp(out->table[i].name, LIVEUPDATE_RECORD_NAME,
			     HANDOFF_NAME_LEN))
			break;
	rec = &out->table[i];
	size = i < nr ? le64_to_cpu(rec->size) : 0;
	hdr = size ? phys_to_virt(le64_to_cpu(rec->data)) : NULL;
	if (!hdr || !hdr->nr_files) {
		pr_warn("no handed-over file to damage\n");
		return;
	}
	fe = (void *)hdr + sizeof(*hdr) +
		le32_to_cpu(hdr->nr_sessions) * sizeof(struct liveupdate_session_ent);
	ent = (const void *)fe->data;
	if (!strcmp(liveupdate_file, "version")) {
		le32_add_cpu(&fe->version, 100);
		rec->crc = cpu_to_le32(handoff_crc(hdr, size));
		test_reseal(out);
	} else if (!strcmp(liveupdate_file, "chunk") &&
		   !strcmp(fe->handler, LIVEUPDATE_MEMFD_HANDLER) && ent->chunk) {
		struct liveupdate_chunk *c = phys_to_virt(le64_to_cpu(ent->chunk));

		c->folio[0].index ^= cpu_to_le64(0x5a);
	} else {
		pr_warn("cannot damage the first handed-over file as \"%s\"\n",
			liveupdate_file);
		return;
	}
	pr_info("damaged file %llu of the handed-over sessions: %s\n",
		le64_to_cpu(fe->token), liveupdate_file);
}

/**
 * handoff_test_corrupt() - Damage the record the knob names.
 * @out: A handoff just sealed.
 *
 * Context: The kexec reboot, one CPU, interrupts off.
 */
void handoff_test_corrupt(struct handoff_out *out)
{
	u32 i, nr = le32_to_cpu(out->root.nr_records);

	if (oversize[0])
		test_oversize(out);
	if (liveupdate_file[0])
		test_liveupdate_file(out);
	if (!corrupt[0])
		return;
	for (i = 0; i < nr; i++) {
		const struct handoff_record *rec = &out->table[i];

		if (strncmp(rec->name, corrupt, HANDOFF_NAME_LEN) || !rec->size)
			continue;
		*(u8 *)phys_to_virt(le64_to_cpu(rec->data)) ^= 0x5a;
	}
}

static void __init test_claim(const char *name)
{
	u32 generation = handoff_generation();
	const u8 *bytes;
	u64 size, i;

	bytes = handoff_claim(name, 1, &size);
	if (!bytes) {
		pr_info("%s not received\n", name);
		return;
	}
	for (i = 0; i < size; i++)
		if (bytes[i] != test_pattern(name, generation, i))
			break;
	if (size == TEST_BYTES && i == size)
		pr_info("%s restored\n", name);
	else
		pr_err("%s has the wrong bytes (%llu of %llu match)\n", name, i,
		       size);
}

static int __init handoff_test_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(test_producers); i++)
		if (handoff_register_producer(&test_producers[i]))
			pr_warn("cannot register %s\n", test_producers[i].name);
	if (handoff_generation()) {
		test_claim("test.first");
		test_claim("test.second");
		test_pages_restore();
	}
	if (test_pages || test_scatter)
		test_pages_preserve();
	return 0;
}
late_initcall(handoff_test_init);
