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
 */

#define pr_fmt(fmt)	"handoff test: " fmt

#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handoff.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
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

static struct handoff_producer test_producers[] = {
	{ .name = "test.first", .version = 1, .room = test_room,
	  .fill = test_fill_first },
	{ .name = "test.second", .version = 1, .room = test_room,
	  .fill = test_fill_second },
	{ .name = "test.future", .version = 2, .room = test_room,
	  .fill = test_fill_future },
};

/* Grow a record past its extent, and seal the table and root again. */
static void test_oversize(struct handoff_out *out)
{
	u32 i, nr = le32_to_cpu(out->root.nr_records);
	struct handoff_root_info info;

	for (i = 0; i < nr; i++) {
		struct handoff_record *rec = &out->table[i];

		if (!strncmp(rec->name, oversize, HANDOFF_NAME_LEN))
			rec->size = cpu_to_le64(le64_to_cpu(rec->size) + SZ_1M);
	}
	info.generation = le32_to_cpu(out->root.generation);
	info.nr_records = nr;
	info.table_crc = handoff_crc(out->table, nr * sizeof(*out->table));
	info.table = le64_to_cpu(out->root.table);
	handoff_seal_root(&out->root, &info);
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
	}
	return 0;
}
late_initcall(handoff_test_init);
