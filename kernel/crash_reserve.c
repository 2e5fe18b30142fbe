// SPDX-License-Identifier: GPL-2.0-only
/*
 * crashkernel=: memory set aside at boot for a crash (capture) kernel.
 *
 * The parameter comes in the forms Documentation/admin-guide/
 * kernel-parameters.txt lists:
 *
 *   crashkernel=SIZE[@OFFSET]
 *   crashkernel=START-[END]:SIZE[,START-[END]:SIZE...][@OFFSET]
 *   crashkernel=SIZE,high  [crashkernel=SIZE,low]
 *
 * Design
 * ------
 * Reading the command line is separate from reserving memory:
 *
 *   crashkernel_scan()   one pass over the command line that keeps the
 *                        last value of each kind (plain, ",high", ",low");
 *   crashkernel_size()   turns one value into a size and an offset, given
 *                        the amount of RAM (which is what picks an entry
 *                        of a range list);
 *   parse_crashkernel()  the interface the architecture calls, built on the
 *                        two; a plain value wins over ",high".
 *
 * All three are pure, and crash_reserve_test.c checks them.  The
 * architecture then calls reserve_crashkernel_generic() with the result,
 * which takes the region from memblock before the page allocator starts:
 * at the requested offset, or else below 4 GiB first (the capture kernel
 * and 32-bit DMA like low memory) and above it only if that fails, or
 * above 4 GiB first for ",high", with a second, low region for DMA.  The
 * regions appear in /proc/iomem as "Crash kernel".
 */

#define pr_fmt(fmt)	"crashkernel: " fmt

#include <linux/crash_reserve.h>
#include <linux/init.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/kmemleak.h>
#include <linux/memblock.h>
#include <linux/sizes.h>
#include <linux/string.h>

/* Both regions are RAM that is taken, named as kexec-tools looks for it. */
#define CRASH_REGION {						\
	.name = "Crash kernel", .desc = IORES_DESC_CRASH_KERNEL,	\
	.flags = IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,		\
}

struct resource crashk_res = CRASH_REGION;	/* the capture kernel's */
struct resource crashk_low_res = CRASH_REGION;	/* DMA below 4 GiB */

/* The three kinds of crashkernel= value; the last of each kind counts. */
enum crashkernel_kind {
	CRASHKERNEL_PLAIN,
	CRASHKERNEL_HIGH,
	CRASHKERNEL_LOW,
	CRASHKERNEL_KINDS,
};

/* Longest value we look at; real ones are a few dozen characters. */
#define CRASHKERNEL_VALUE_MAX	256

struct crashkernel_args {
	const char *value[CRASHKERNEL_KINDS];	/* NULL when absent */
	size_t len[CRASHKERNEL_KINDS];
};

static bool __init crashkernel_strip(const char *value, size_t *len,
				     const char *suffix)
{
	size_t n = strlen(suffix);

	if (*len < n || strncmp(value + *len - n, suffix, n))
		return false;
	*len -= n;
	return true;
}

/* Find the crashkernel= words of @cmdline, the last of each kind. */
static void __init crashkernel_scan(const char *cmdline,
				    struct crashkernel_args *args)
{
	static const char key[] = "crashkernel=";
	const char *word = cmdline;

	memset(args, 0, sizeof(*args));
	while (*word) {
		size_t len = strcspn(word, " \t\n");

		if (len >= sizeof(key) - 1 && !strncmp(word, key, sizeof(key) - 1)) {
			enum crashkernel_kind kind = CRASHKERNEL_PLAIN;
			const char *value = word + sizeof(key) - 1;
			size_t value_len = len - (sizeof(key) - 1);

			if (crashkernel_strip(value, &value_len, ",high"))
				kind = CRASHKERNEL_HIGH;
			else if (crashkernel_strip(value, &value_len, ",low"))
				kind = CRASHKERNEL_LOW;
			args->value[kind] = value;
			args->len[kind] = value_len;
		}
		word += len;
		word += strspn(word, " \t\n");
	}
}

/* A memory size at @*p, moving @*p past it; false when there is none. */
static bool __init crashkernel_number(char **p, unsigned long long *out)
{
	char *end;

	*out = memparse(*p, &end);
	if (end == *p)
		return false;
	*p = end;
	return true;
}

/*
 * Firmware keeps some RAM for itself, so a machine with 2 GiB reports a
 * little less.  A range list is judged against RAM rounded up to this, so
 * that "2G-:256M" means what its writer meant; upstream rounds the same.
 */
#define CRASHKERNEL_RAM_ROUNDING	SZ_128M

/*
 * START-[END]:SIZE entries separated by commas: the size of the first entry
 * whose [START, END) holds @ram (rounded up), or 0 when none does.  Stops
 * at '@' or at the end of the value.
 */
static int __init crashkernel_pick(char **p, unsigned long long ram,
				   unsigned long long *size)
{
	bool found = false;

	ram = round_up(ram, CRASHKERNEL_RAM_ROUNDING);
	*size = 0;
	for (;;) {
		unsigned long long start, end = ULLONG_MAX, entry;

		if (!crashkernel_number(p, &start) || *(*p)++ != '-')
			return -EINVAL;
		if (**p != ':' && !crashkernel_number(p, &end))
			return -EINVAL;
		if (end <= start || *(*p)++ != ':' ||
		    !crashkernel_number(p, &entry))
			return -EINVAL;
		if (!found && ram >= start && ram < end) {
			*size = entry;
			found = true;
		}
		if (**p != ',')
			return 0;
		(*p)++;
	}
}

/**
 * crashkernel_size() - interpret one crashkernel= value
 * @value:      the value, without "crashkernel=" and without its suffix
 * @len:        its length
 * @ram:        bytes of RAM, which choose an entry of a range list
 * @size:       the size asked for (0 when no range matches)
 * @base:       the offset asked for, 0 for none; NULL where none is allowed
 * @allow_list: whether a range list is allowed
 *
 * Return: 0 or -EINVAL for a malformed value.
 */
static int __init crashkernel_size(const char *value, size_t len,
				   unsigned long long ram,
				   unsigned long long *size,
				   unsigned long long *base, bool allow_list)
{
	char buf[CRASHKERNEL_VALUE_MAX];
	char *p = buf;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, value, len);
	buf[len] = '\0';

	if (base)
		*base = 0;
	if (strchr(buf, ':')) {
		if (!allow_list)
			return -EINVAL;
		ret = crashkernel_pick(&p, ram, size);
		if (ret)
			return ret;
	} else if (!crashkernel_number(&p, size)) {
		return -EINVAL;
	}

	if (*p == '@') {
		p++;
		if (!base || !crashkernel_number(&p, base))
			return -EINVAL;
	}
	return *p ? -EINVAL : 0;
}

/**
 * parse_crashkernel() - what the crashkernel= parameters ask for
 * @cmdline:    the kernel command line
 * @system_ram: bytes of RAM
 * @crash_size: the size of the region
 * @crash_base: its requested start, or 0 to let the kernel choose
 * @low_size:   with ",high", the size of the low region (set only then)
 * @high:       set when the region is wanted above 4 GiB (",high"); NULL
 *              when the architecture has no such notion
 *
 * A plain crashkernel= wins over crashkernel=,high; crashkernel=,low only
 * counts together with ",high", and without it the low region gets the
 * architecture's default size.
 *
 * Context: early boot.
 * Return: 0, -ENOENT when there is no crashkernel= parameter that applies,
 * -EINVAL when it is malformed, asks for nothing (a range list that does
 * not cover @system_ram, or a zero size), or for all of RAM or more.
 */
int __init parse_crashkernel(char *cmdline, unsigned long long system_ram,
			     unsigned long long *crash_size,
			     unsigned long long *crash_base,
			     unsigned long long *low_size, bool *high)
{
	struct crashkernel_args args;
	int ret;

	*crash_size = 0;
	*crash_base = 0;
	crashkernel_scan(cmdline, &args);

	if (args.value[CRASHKERNEL_PLAIN]) {
		ret = crashkernel_size(args.value[CRASHKERNEL_PLAIN],
				       args.len[CRASHKERNEL_PLAIN], system_ram,
				       crash_size, crash_base, true);
	} else if (args.value[CRASHKERNEL_HIGH] && high) {
		ret = crashkernel_size(args.value[CRASHKERNEL_HIGH],
				       args.len[CRASHKERNEL_HIGH], system_ram,
				       crash_size, NULL, false);
		if (!ret && args.value[CRASHKERNEL_LOW])
			ret = crashkernel_size(args.value[CRASHKERNEL_LOW],
					       args.len[CRASHKERNEL_LOW],
					       system_ram, low_size, NULL, false);
		else if (!ret)
			*low_size = DEFAULT_CRASH_KERNEL_LOW_SIZE;
		*high = true;
	} else {
		return -ENOENT;
	}

	if (ret)
		return ret;
	if (!*crash_size || *crash_size >= system_ram)
		return -EINVAL;
	return 0;
}

/* Known to the early parameter parser, so it is not passed on to init. */
static int __init crashkernel_seen(char *arg)
{
	return 0;
}
early_param("crashkernel", crashkernel_seen);

#ifdef CONFIG_ARCH_HAS_GENERIC_CRASHKERNEL_RESERVATION
/* Take @size bytes in [@lo, @hi), highest first; 0 when there is no room. */
static phys_addr_t __init crashkernel_take(unsigned long long size,
					   phys_addr_t lo, phys_addr_t hi)
{
	if (hi <= lo)
		return 0;
	return memblock_phys_alloc_range(size, CRASH_ALIGN, lo, hi);
}

static void __init crashkernel_publish(struct resource *res, phys_addr_t start,
				       unsigned long long size)
{
	res->start = start;
	res->end = start + size - 1;
	/*
	 * memblock told kmemleak about the region, which would then scan it;
	 * but it leaves the direct map while it holds a crash image
	 * (machine_kexec_protect_crash()), and a scan there would fault.
	 */
	kmemleak_ignore_phys(start);
#ifdef HAVE_ARCH_ADD_CRASH_RES_TO_IOMEM_EARLY
	insert_resource(&iomem_resource, res);
#endif
	pr_info("reserved %#llx-%#llx (%llu MiB)%s\n",
		(unsigned long long)res->start, (unsigned long long)res->end,
		size >> 20,
		res == &crashk_low_res ? " for DMA below 4 GiB" : "");
}

/**
 * reserve_crashkernel_generic() - set memory aside for the crash kernel
 * @cmdline:        the kernel command line (unused: already parsed)
 * @crash_size:     bytes to reserve; nothing happens for 0
 * @crash_base:     where, or 0 to let the kernel choose
 * @crash_low_size: bytes below 4 GiB to add when the region lies above
 * @high:           prefer memory above 4 GiB
 *
 * Without an offset, the region goes below 4 GiB if it fits there (above
 * it if not), or the other way round when @high.  A region above 4 GiB
 * gets a low companion of @crash_low_size, or of the default size when it
 * went high only because low memory was short; if that cannot be had,
 * nothing is reserved.
 *
 * Context: early boot, memblock active.
 */
void __init reserve_crashkernel_generic(char *cmdline,
					unsigned long long crash_size,
					unsigned long long crash_base,
					unsigned long long crash_low_size,
					bool high)
{
	phys_addr_t low_top = CRASH_ADDR_LOW_MAX;
	phys_addr_t high_top = min_t(phys_addr_t, CRASH_ADDR_HIGH_MAX,
				     memblock_end_of_DRAM());
	phys_addr_t start = 0, low = 0;

	if (!crash_size)
		return;

	if (crash_base) {
		start = memblock_phys_alloc_range(crash_size, PAGE_SIZE,
						  crash_base,
						  crash_base + crash_size);
		if (start != crash_base) {
			if (start)
				memblock_phys_free(start, crash_size);
			pr_warn("%#llx-%#llx is not free RAM: nothing reserved\n",
				crash_base, crash_base + crash_size - 1);
			return;
		}
	} else if (high) {
		start = crashkernel_take(crash_size, low_top, high_top);
		if (!start)
			start = crashkernel_take(crash_size, CRASH_ALIGN, low_top);
	} else {
		start = crashkernel_take(crash_size, CRASH_ALIGN, low_top);
		if (!start) {
			start = crashkernel_take(crash_size, low_top, high_top);
			crash_low_size = DEFAULT_CRASH_KERNEL_LOW_SIZE;
		}
	}
	if (!start) {
		pr_warn("no room for %llu MiB: nothing reserved\n", crash_size >> 20);
		return;
	}

	if (start + crash_size > low_top && crash_low_size) {
		low = crashkernel_take(crash_low_size, CRASH_ALIGN, low_top);
		if (!low) {
			memblock_phys_free(start, crash_size);
			pr_warn("no room for %llu MiB below 4 GiB: nothing reserved\n",
				crash_low_size >> 20);
			return;
		}
		crashkernel_publish(&crashk_low_res, low, crash_low_size);
	}
	crashkernel_publish(&crashk_res, start, crash_size);
}

#ifndef HAVE_ARCH_ADD_CRASH_RES_TO_IOMEM_EARLY
static int __init crashkernel_add_resources(void)
{
	if (crashk_res.end)
		insert_resource(&iomem_resource, &crashk_res);
	if (crashk_low_res.end)
		insert_resource(&iomem_resource, &crashk_low_res);
	return 0;
}
early_initcall(crashkernel_add_resources);
#endif
#endif /* CONFIG_ARCH_HAS_GENERIC_CRASHKERNEL_RESERVATION */

#ifdef CONFIG_CRASH_RESERVE_KUNIT_TEST
#include "crash_reserve_test.c"
#endif
