// SPDX-License-Identifier: GPL-2.0-only
/*
 * kexec trial: a kexec reboot that comes back to the old kernel when the
 * new one fails.
 *
 * Design
 * ------
 * The old kernel holds two images: the one the reboot starts, loaded as
 * usual, and a fallback, loaded with KEXEC_FILE_FALLBACK, every segment
 * written where it will run (normally the running kernel's own bzImage,
 * initramfs and command line).  Writing a deadline to /sys/kernel/kexec_trial
 * arms the trial.  At the reboot the "kexec.trial" record tells the new
 * kernel where the fallback lies, where it starts and how long it has; the
 * fallback's pages reach the new kernel as handed-over memory that the boot
 * protocol reserves before anything can allocate, and one preserved page is
 * set aside for the reason the new kernel may leave.
 *
 * The new kernel reads the record once the handoff is parsed and builds,
 * there and then, everything needed to enter the fallback later without
 * allocating: the transition page tables and the trampoline's page, an
 * empty move list.  Until user space confirms (by writing "confirm"), a
 * panic from any context, and the deadline, which panics, enters the
 * fallback the way a crash image is entered: the other CPUs are stopped,
 * no device is shut down, the fallback's purgatory checks every segment.
 * The new kernel keeps the handoff's records and all preserved memory it
 * has not restored until it confirms, so the fallback reads the same
 * records and finds the same memory.
 *
 * The old kernel also wrote a handoff root for the fallback, in the page
 * its boot parameters name, pointing at the same record table.  The
 * fallback finds the "kexec.trial" record there too, sees that its own
 * root is the one the record names, and reads the reason instead of
 * starting a trial of its own: a fallback never falls back again.
 *
 * State the kernel on trial takes over from the handoff (a /dev/liveupdate
 * session it retrieves) may change under it, so the fallback must not
 * restore it as it was: its owner claims it first (kexec_trial_claim()),
 * the name lands in the reason page, and the fallback's owner of the same
 * state asks kexec_trial_claimed() and leaves it alone.
 *
 * The fallback is to run as the old kernel ran.  A failure on a CPU other
 * than the boot CPU hands the entry to the boot CPU by NMI where the
 * architecture can (arch_kexec_trial_relay()), so that the fallback starts
 * on the CPU the firmware booted and brings up every other.
 *
 * A hang with interrupts off runs no code that could enter the fallback;
 * only a hardware watchdog catches it.  A reboot into a trial leaves a
 * running watchdog running (kexec_trial_keeps_watchdogs()), the new
 * kernel's watchdog core feeds it until user space opens it, and the
 * watchdog core stops it again when told of the confirmation
 * (kexec_trial_register_confirm_notifier()) if user space has not taken
 * it over.  When it fires, the firmware boots its default entry, with
 * nothing handed over.
 *
 * Constraints
 * -----------
 * Entering the fallback runs in panic context, perhaps in NMI: it takes no
 * lock, allocates nothing, and writes only the reason page it owns.
 * Confirmation and failure race through one atomic state; whichever moves
 * it first wins.
 */

#define pr_fmt(fmt)	"kexec trial: " fmt

#include <linux/atomic.h>
#include <linux/crc32.h>
#include <linux/hrtimer.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/kexec_handoff.h>
#include <linux/kexec_trial.h>
#include <linux/kexec_trial_abi.h>
#include <linux/kmsg_dump.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/panic.h>
#include <linux/pfn.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>

#include "kexec_internal.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX	"kexec_trial."

static_assert(KEXEC_TRIAL_SEGMENTS == KEXEC_SEGMENT_MAX);

/* Longest deadline a trial may be given: a day. */
#define KEXEC_TRIAL_MAX_DEADLINE	86400

/* ===================================================================
 * Arming, in the kernel that reboots
 * ===================================================================
 */

/*
 * The armed trial.  [L]: kexec lock.
 *   image:    the reboot image the trial starts
 *   fallback: the image it falls back to
 *   deadline: seconds; 0 when nothing is armed
 *   reason:   the preserved page for the reason, from the freeze on
 */
static struct {
	struct kimage *image;		/* [L] */
	struct kimage *fallback;	/* [L] */
	unsigned int deadline;		/* [L] */
	void *reason;			/* [L] */
} trial_out;

static phys_addr_t trial_root_page(const struct kimage *fallback)
{
	return fallback->handoff ? page_to_phys(fallback->handoff->root_page) : 0;
}

/* Does the reboot into @image write over the fallback's pages? */
static bool trial_image_meets_fallback(const struct kimage *image,
				       const struct kimage *fallback)
{
	phys_addr_t root = trial_root_page(fallback);
	unsigned long i;

	for (i = 0; i < fallback->nr_segments; i++)
		if (kimage_meets_destination(image, fallback->segment[i].mem,
					     fallback->segment[i].memsz))
			return true;
	return root && kimage_meets_destination(image, root, PAGE_SIZE);
}

static void trial_disarm(const char *why)
{
	if (!trial_out.deadline)
		return;
	trial_out.deadline = 0;
	trial_out.image = NULL;
	trial_out.fallback = NULL;
	pr_info("disarmed: %s\n", why);
}

static int trial_arm(unsigned int deadline)
{
	struct kimage *image = kexec_image, *fallback = kexec_fallback_image;

	kexec_assert_locked();
	if (!image || !fallback)
		return -ENOENT;
	if (!kimage_handoff_reads(image, KEXEC_TRIAL_RECORD_NAME,
				  KEXEC_TRIAL_RECORD_VERSION) ||
	    !kimage_handoff_keeps_pages(image)) {
		pr_err("the loaded kernel cannot be put on trial: it does not read %s version %u, or it was not unpacked at load\n",
		       KEXEC_TRIAL_RECORD_NAME, KEXEC_TRIAL_RECORD_VERSION);
		return -EOPNOTSUPP;
	}
	if (trial_image_meets_fallback(image, fallback)) {
		pr_err("the loaded kernel goes where the fallback lies: load it again\n");
		return -EBUSY;
	}
	trial_out.image = image;
	trial_out.fallback = fallback;
	trial_out.deadline = deadline;
	pr_info("armed: the next kexec reboot must be confirmed within %u s\n",
		deadline);
	return 0;
}

/**
 * kexec_trial_slot_changed() - An image slot is about to change.
 * @slot: The slot.
 *
 * A trial names the images it was armed with: replacing or unloading
 * either disarms it.
 *
 * Context: kexec lock held.
 */
void kexec_trial_slot_changed(struct kimage **slot)
{
	if (slot == &kexec_image)
		trial_disarm("the reboot image changed");
	else if (slot == &kexec_fallback_image)
		trial_disarm("the fallback image changed");
}

/**
 * kexec_trial_meets() - Does memory meet the armed trial's fallback?
 * @start: Physical address.
 * @size: Bytes.
 *
 * Preserved memory must not be bridged over the fallback's pages, which
 * the next kernel reserves on their own.
 *
 * Context: Process context, kexec lock held.
 * Return: true when [@start, @start + @size) meets a page the fallback
 * occupies.
 */
bool kexec_trial_meets(u64 start, u64 size)
{
	phys_addr_t root;

	if (!trial_out.deadline)
		return false;
	root = trial_root_page(trial_out.fallback);
	return kimage_meets_destination(trial_out.fallback, start, size) ||
	       (root && start < root + PAGE_SIZE && root < start + size);
}

/* The reboot into the armed image begins: set the reason page aside. */
static int trial_freeze(struct kimage *image)
{
	void *page;
	int ret;

	kexec_assert_locked();
	if (!trial_out.deadline || image != trial_out.image)
		return 0;
	if (trial_image_meets_fallback(image, trial_out.fallback)) {
		pr_err("reboot refused: the kernel goes where the fallback lies\n");
		return -EBUSY;
	}
	page = handoff_alloc(image, 0);
	if (!page)
		return -ENOMEM;
	ret = handoff_preserve_pages(virt_to_page(page), 1);
	if (ret) {
		free_page((unsigned long)page);
		return ret;
	}
	trial_out.reason = page;
	return 0;
}

static void trial_thaw(void)
{
	if (!trial_out.reason)
		return;
	handoff_unpreserve_pages(virt_to_page(trial_out.reason), 1);
	free_page((unsigned long)trial_out.reason);
	trial_out.reason = NULL;
}

static size_t trial_room(void)
{
	return sizeof(struct kexec_trial_record);
}

static size_t trial_fill(void *buf, size_t room)
{
	const struct kimage *fallback = trial_out.fallback;
	struct kexec_trial_record *rec = buf;
	unsigned long i;

	if (!trial_out.reason || room < sizeof(*rec))
		return 0;
	memset(rec, 0, sizeof(*rec));
	rec->deadline = cpu_to_le32(trial_out.deadline);
	rec->nr_segments = cpu_to_le32(fallback->nr_segments);
	rec->entry = cpu_to_le64(fallback->entry);
	rec->fallback_root = cpu_to_le64(trial_root_page(fallback));
	rec->reason = cpu_to_le64(virt_to_phys(trial_out.reason));
	for (i = 0; i < fallback->nr_segments; i++) {
		rec->segment[i].phys = cpu_to_le64(fallback->segment[i].mem);
		rec->segment[i].size =
			cpu_to_le64(PAGE_ALIGN(fallback->segment[i].memsz));
	}
	return sizeof(*rec);
}

/**
 * kexec_trial_seal() - Write the fallback's root and keep the fallback.
 * @image: The image the reboot starts, its root sealed.
 *
 * The fallback's root page gets the same root and extents as @image's;
 * then the fallback's segments and that page join @image's extents, for
 * the next kernel to reserve before it allocates.
 *
 * Context: The kexec reboot, one CPU, interrupts off.
 */
void kexec_trial_seal(struct kimage *image)
{
	const struct kimage *fallback = trial_out.fallback;
	struct handoff_out *out = image->handoff;
	unsigned long i;

	if (!trial_out.reason || image != trial_out.image)
		return;
	if (fallback->handoff) {
		arch_handoff_write_root(fallback->handoff->root_page, &out->root,
					out->extent, out->nr_extents);
		handoff_add_extent(out, trial_root_page(fallback), PAGE_SIZE);
	}
	for (i = 0; i < fallback->nr_segments; i++)
		handoff_add_extent(out, fallback->segment[i].mem,
				   fallback->segment[i].memsz);
}

/**
 * kexec_trial_keeps_watchdogs() - Is this the reboot into a trial?
 *
 * A running hardware watchdog is left running then, for the kernel on
 * trial: if it hangs where no code of it runs, the watchdog resets the
 * machine.
 *
 * Context: The reboot notifiers of a kexec reboot, or any other caller
 * that only wants to know.
 * Return: true once a kexec reboot into an armed trial has begun.
 */
bool kexec_trial_keeps_watchdogs(void)
{
	return READ_ONCE(kexec_in_progress) && READ_ONCE(trial_out.reason);
}
EXPORT_SYMBOL_GPL(kexec_trial_keeps_watchdogs);

static struct handoff_producer trial_producer = {
	.name		= KEXEC_TRIAL_RECORD_NAME,
	.version	= KEXEC_TRIAL_RECORD_VERSION,
	.room		= trial_room,
	.fill		= trial_fill,
	.freeze		= trial_freeze,
	.thaw		= trial_thaw,
};

/* ===================================================================
 * On trial, in the new kernel
 * ===================================================================
 */

enum trial_state {
	TRIAL_NONE,		/* not on trial */
	TRIAL_PENDING,		/* on trial, not confirmed */
	TRIAL_EXPIRED,		/* the deadline passed: panicking */
	TRIAL_FAILING,		/* entering the fallback */
	TRIAL_CONFIRMED,	/* confirmed: an ordinary kernel now */
	TRIAL_FALLBACK,		/* this kernel is a fallback */
};

/*
 * This kernel's part.  [S]: moved through atomic_cmpxchg() of @state;
 * [P]: written while pending, before anything can fail, then read only.
 */
static struct {
	atomic_t state;			/* [S] enum trial_state */
	struct kimage *image;		/* [P] the fallback, ready to enter */
	struct kexec_trial_reason *reason;	/* [P] the preserved page */
	unsigned int deadline;		/* [P] seconds */
	ktime_t expires;		/* [P] when the deadline passes */
	struct hrtimer timer;
	struct kexec_trial_extent segment[KEXEC_TRIAL_SEGMENTS];	/* [P] */
	unsigned int nr_segments;	/* [P] */
	phys_addr_t root;		/* [P] the fallback's root page, or 0 */
	/* In a fallback, written before anything reads them: */
	char *found;			/* the reason it was given */
	char *claimed;			/* what the failed kernel took */
	u32 claims;			/* bytes at @claimed, or _CLAIMS_FULL */
} trial_in = { .state = ATOMIC_INIT(TRIAL_NONE) };

/* Orders claims against confirmation, which frees the reason page. */
static DEFINE_MUTEX(trial_claim_lock);

static const char *trial_cause_name(u32 cause)
{
	switch (cause) {
	case KEXEC_TRIAL_CAUSE_PANIC: return "panic";
	case KEXEC_TRIAL_CAUSE_DEADLINE: return "deadline";
	default: return "unknown";
	}
}

/* Copy the line of @text that starts with @prefix, the last one, to @to. */
static void trial_find_line(const char *text, const char *prefix, char *to,
			    size_t size)
{
	const char *line = NULL, *p = text;
	size_t len;

	while ((p = strstr(p, prefix))) {
		line = p;
		p += strlen(prefix);
	}
	if (!line)
		return;
	len = strchrnul(line, '\n') - line;
	strscpy(to, line, min(len + 1, size));
}

/* Room for the log in a reason page, its NUL not counted. */
#define TRIAL_TEXT_ROOM	(PAGE_SIZE - sizeof(struct kexec_trial_reason) - 1)

/*
 * Finish a reason page whose header fields, claims and @len bytes of text
 * are written: the message from the text, the size and the checksum.
 */
static void trial_seal_reason(struct kexec_trial_reason *r, size_t len)
{
	r->crc = 0;
	r->text[len] = '\0';
	memset(r->message, 0, sizeof(r->message));
	trial_find_line(r->text, "Kernel panic - not syncing: ", r->message,
			sizeof(r->message));
	r->size = cpu_to_le16(sizeof(*r) + len + 1);
	r->crc = cpu_to_le32(handoff_crc(r, sizeof(*r) + len + 1));
}

/*
 * Is @r, in a page, a reason the fallback may read?  0; -ENOMSG without
 * the magic, -EPROTONOSUPPORT for another version, -EMSGSIZE for a size
 * out of the page, -EBADMSG for a checksum mismatch, -EINVAL for strings
 * or claims that do not end where they must.
 */
static int trial_check_reason(struct kexec_trial_reason *r)
{
	u32 size = le16_to_cpu(r->size), claims = le32_to_cpu(r->claims);
	__le32 crc = r->crc;
	u32 want;

	if (le32_to_cpu(r->magic) != KEXEC_TRIAL_REASON_MAGIC)
		return -ENOMSG;
	if (le16_to_cpu(r->version) != KEXEC_TRIAL_REASON_VERSION)
		return -EPROTONOSUPPORT;
	if (size <= sizeof(*r) || size > PAGE_SIZE)
		return -EMSGSIZE;
	r->crc = 0;
	want = handoff_crc(r, size);
	r->crc = crc;
	if (le32_to_cpu(crc) != want)
		return -EBADMSG;
	if (!memchr(r->message, '\0', sizeof(r->message)) ||
	    ((char *)r)[size - 1] != '\0')
		return -EINVAL;
	if (claims != KEXEC_TRIAL_CLAIMS_FULL &&
	    (claims > sizeof(r->claimed) ||
	     (claims && r->claimed[claims - 1] != '\0')))
		return -EINVAL;
	return 0;
}

/* Is @name one of the @claims bytes of NUL-terminated names at @claimed? */
static bool trial_claims_have(const char *claimed, u32 claims, const char *name)
{
	const char *p, *end = claimed + claims;

	for (p = claimed; p < end; p += strlen(p) + 1)
		if (!strcmp(p, name))
			return true;
	return false;
}

/*
 * Leave the fallback the reason; panic context.  The claims are already
 * in the page, written as they were made.
 */
static void trial_write_reason(u32 cause)
{
	struct kexec_trial_reason *r = trial_in.reason;
	struct kmsg_dump_iter iter;
	size_t len = 0;

	r->magic = cpu_to_le32(KEXEC_TRIAL_REASON_MAGIC);
	r->version = cpu_to_le16(KEXEC_TRIAL_REASON_VERSION);
	r->cause = cpu_to_le32(cause);
	r->generation = cpu_to_le32(handoff_generation());
	r->uptime_ms = cpu_to_le32(div_u64(ktime_get_mono_fast_ns(), NSEC_PER_MSEC));
	kmsg_dump_rewind(&iter);
	if (!kmsg_dump_get_buffer(&iter, false, r->text, TRIAL_TEXT_ROOM, &len))
		len = 0;
	trial_seal_reason(r, len);
}

/**
 * kexec_trial_take_fallback() - The image a failure enters, if on trial.
 *
 * The first caller while the trial is pending moves it to failing and
 * writes the reason; everyone else, and every caller once the trial is
 * confirmed, gets NULL.
 *
 * Context: Panic context, possibly NMI.
 * Return: The fallback image, or NULL.
 */
struct kimage *kexec_trial_take_fallback(void)
{
	int state = atomic_read(&trial_in.state);
	u32 cause;

	if (state != TRIAL_PENDING && state != TRIAL_EXPIRED)
		return NULL;
	if (atomic_cmpxchg(&trial_in.state, state, TRIAL_FAILING) != state)
		return NULL;
	cause = state == TRIAL_EXPIRED ? KEXEC_TRIAL_CAUSE_DEADLINE :
					 KEXEC_TRIAL_CAUSE_PANIC;
	trial_write_reason(cause);
	pr_emerg("generation %u failed (%s): entering the fallback\n",
		 handoff_generation(), trial_cause_name(cause));
	return trial_in.image;
}

/**
 * kexec_trial_claim() - Keep the fallback off part of the handed-over state.
 * @name: What is taken, as the owner names it ("liveupdate:SESSION").
 *
 * A subsystem that takes back handed-over state in a kernel on trial, and
 * may change the memory that holds it, says so first: if the kernel then
 * fails, the fallback finds @name among the claims and leaves that state
 * alone (kexec_trial_claimed()).  Claims that do not fit in the reason
 * page turn into "everything claimed".  Nothing happens outside a trial.
 *
 * Context: Process context.
 */
void kexec_trial_claim(const char *name)
{
	struct kexec_trial_reason *r;
	size_t len = strlen(name) + 1;
	u32 used;

	guard(mutex)(&trial_claim_lock);
	if (atomic_read(&trial_in.state) != TRIAL_PENDING)
		return;
	r = trial_in.reason;
	used = le32_to_cpu(READ_ONCE(r->claims));
	if (used == KEXEC_TRIAL_CLAIMS_FULL)
		return;
	if (len > KEXEC_TRIAL_CLAIMS_LEN - used) {
		pr_warn("too many claims to name: the fallback will take nothing handed over\n");
		WRITE_ONCE(r->claims, cpu_to_le32(KEXEC_TRIAL_CLAIMS_FULL));
		return;
	}
	memcpy(r->claimed + used, name, len);
	/* A failure on another CPU sees the name before the count. */
	smp_wmb();
	WRITE_ONCE(r->claims, cpu_to_le32(used + len));
}
EXPORT_SYMBOL_GPL(kexec_trial_claim);

/**
 * kexec_trial_claimed() - Did the failed kernel take this state?
 * @name: As the owner named it to kexec_trial_claim().
 *
 * Return: true in a fallback whose failed kernel claimed @name, or whose
 * claims cannot be known (none readable, or too many to name); false in
 * every other kernel.
 *
 * Context: Process context, after arch_initcall.
 */
bool kexec_trial_claimed(const char *name)
{
	if (atomic_read(&trial_in.state) != TRIAL_FALLBACK)
		return false;
	if (!trial_in.claimed || trial_in.claims == KEXEC_TRIAL_CLAIMS_FULL)
		return true;
	return trial_claims_have(trial_in.claimed, trial_in.claims, name);
}
EXPORT_SYMBOL_GPL(kexec_trial_claimed);

static enum hrtimer_restart trial_deadline(struct hrtimer *timer)
{
	if (atomic_cmpxchg(&trial_in.state, TRIAL_PENDING, TRIAL_EXPIRED) ==
	    TRIAL_PENDING)
		panic("kexec trial: not confirmed within %u s", trial_in.deadline);
	return HRTIMER_NORESTART;
}

/* The pages of the fallback and of its root go back; returns how many. */
static unsigned long trial_free_fallback(void)
{
	unsigned long freed = 0;
	unsigned int i;

	for (i = 0; i < trial_in.nr_segments; i++) {
		u64 phys = le64_to_cpu(trial_in.segment[i].phys);
		u64 size = le64_to_cpu(trial_in.segment[i].size);

		freed += handoff_free_reserved(PHYS_PFN(phys), PHYS_PFN(phys + size));
	}
	if (trial_in.root)
		freed += handoff_free_reserved(PHYS_PFN(trial_in.root),
					       PHYS_PFN(trial_in.root) + 1);
	return freed;
}

/* Give back the fallback's memory and everything held for it. */
static void trial_release(void)
{
	unsigned long freed;

	arch_kexec_trial_release();
	kimage_destroy(trial_in.image);
	trial_in.image = NULL;
	freed = trial_free_fallback();
	free_page((unsigned long)trial_in.reason);
	trial_in.reason = NULL;
	handoff_release_records();
	handoff_preserved_put();
	pr_info("confirmed: the fallback's %lu KiB are free\n",
		freed << (PAGE_SHIFT - 10));
}

static BLOCKING_NOTIFIER_HEAD(trial_confirm_chain);

/**
 * kexec_trial_register_confirm_notifier() - Hear of the trial's confirmation
 * @nb: called once, if ever, when the kernel on trial is confirmed
 *
 * What a trial set up for the kernel on trial and is no longer wanted once
 * it is confirmed (the watchdog the old kernel left running) is undone
 * from here.  The call comes in process context, after the fallback is
 * released, with no lock of the trial held.
 *
 * Return: 0, or the error of blocking_notifier_chain_register().
 */
int kexec_trial_register_confirm_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&trial_confirm_chain, nb);
}
EXPORT_SYMBOL_GPL(kexec_trial_register_confirm_notifier);

/**
 * kexec_trial_unregister_confirm_notifier() - Undo the registration
 * @nb: what kexec_trial_register_confirm_notifier() was given
 *
 * Return: 0, or -ENOENT if @nb was not registered.
 */
int kexec_trial_unregister_confirm_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&trial_confirm_chain, nb);
}
EXPORT_SYMBOL_GPL(kexec_trial_unregister_confirm_notifier);

static int trial_confirm(void)
{
	scoped_guard(mutex, &trial_claim_lock) {
		if (atomic_cmpxchg(&trial_in.state, TRIAL_PENDING,
				   TRIAL_CONFIRMED) != TRIAL_PENDING)
			return -ENOENT;
		hrtimer_cancel(&trial_in.timer);
		trial_release();
	}
	blocking_notifier_call_chain(&trial_confirm_chain, 0, NULL);
	return 0;
}

static bool trial_extents_meet(u64 a, u64 a_size, u64 b, u64 b_size)
{
	return a < b + b_size && b < a + a_size;
}

/*
 * Is the record at @bytes, @size bytes long, one to build a fallback
 * from?  0; -EMSGSIZE when it is too short, -EINVAL for a count, a
 * deadline, an address or a size out of bounds or misaligned, segments
 * that overlap each other or the reason page, or an entry point outside
 * every segment.
 */
static int trial_check_record(const void *bytes, u64 size)
{
	const struct kexec_trial_record *rec = bytes;
	u32 nr = le32_to_cpu(rec->nr_segments), deadline = le32_to_cpu(rec->deadline);
	u64 entry = le64_to_cpu(rec->entry), reason = le64_to_cpu(rec->reason);
	u64 root = le64_to_cpu(rec->fallback_root);
	bool entry_inside = false;
	u32 i, j;

	if (size < sizeof(*rec))
		return -EMSGSIZE;
	if (!nr || nr > KEXEC_TRIAL_SEGMENTS || !deadline ||
	    deadline > KEXEC_TRIAL_MAX_DEADLINE)
		return -EINVAL;
	if (!reason || !PAGE_ALIGNED(reason) || !PAGE_ALIGNED(root) ||
	    reason == root || reason + PAGE_SIZE < reason || root + PAGE_SIZE < root)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		u64 phys = le64_to_cpu(rec->segment[i].phys);
		u64 len = le64_to_cpu(rec->segment[i].size);

		if (!len || !PAGE_ALIGNED(phys) || !PAGE_ALIGNED(len) ||
		    phys + len < phys)
			return -EINVAL;
		if (trial_extents_meet(phys, len, reason, PAGE_SIZE) ||
		    (root && trial_extents_meet(phys, len, root, PAGE_SIZE)))
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (trial_extents_meet(phys, len,
					       le64_to_cpu(rec->segment[j].phys),
					       le64_to_cpu(rec->segment[j].size)))
				return -EINVAL;
		entry_inside |= entry >= phys && entry - phys < len;
	}
	return entry_inside ? 0 : -EINVAL;
}

/* Is [@phys, @phys + @size) whole pages that the boot reserved? */
static bool __init trial_reserved(u64 phys, u64 size)
{
	return size && PAGE_ALIGNED(phys) && PAGE_ALIGNED(size) &&
	       phys + size > phys && handoff_is_reserved(phys, size);
}

/* Build the fallback image: entered later, it must need nothing new. */
static int __init trial_build(const struct kexec_trial_record *rec)
{
	struct kexec_segment segment[KEXEC_TRIAL_SEGMENTS] = {};
	struct kimage *image;
	unsigned int i;
	int ret;

	for (i = 0; i < trial_in.nr_segments; i++) {
		segment[i].mem = le64_to_cpu(rec->segment[i].phys);
		segment[i].memsz = le64_to_cpu(rec->segment[i].size);
		if (!trial_reserved(segment[i].mem, segment[i].memsz)) {
			pr_err("fallback segment %u at %#lx is not in handed-over memory\n",
			       i, segment[i].mem);
			return -ERANGE;
		}
	}
	if (WARN_ON_ONCE(!kexec_trylock()))
		return -EBUSY;
	ret = -ENOMEM;
	image = kimage_create(le64_to_cpu(rec->entry), KEXEC_TYPE_DEFAULT,
			      segment, trial_in.nr_segments);
	if (image)
		ret = kimage_finish(image);
	if (!ret)
		ret = machine_kexec_prepare(image);
	kexec_unlock();
	if (ret) {
		kimage_destroy(image);
		return ret;
	}
	trial_in.image = image;
	return 0;
}

static int __init trial_begin(const struct kexec_trial_record *rec)
{
	u64 reason = le64_to_cpu(rec->reason);
	int ret;

	trial_in.nr_segments = le32_to_cpu(rec->nr_segments);
	trial_in.deadline = le32_to_cpu(rec->deadline);
	trial_in.root = le64_to_cpu(rec->fallback_root);
	if (trial_in.root && !trial_reserved(trial_in.root, PAGE_SIZE)) {
		pr_err("the fallback's root page is not in handed-over memory: no fallback\n");
		return -ERANGE;
	}
	memcpy(trial_in.segment, rec->segment, sizeof(trial_in.segment));
	ret = trial_build(rec);
	if (ret)
		goto fail;
	ret = handoff_restore_pages(reason, 1);
	if (ret) {
		pr_err("the reason page at %#llx was not handed over (%d)\n",
		       reason, ret);
		goto fail_image;
	}
	trial_in.reason = phys_to_virt(reason);
	memset(trial_in.reason, 0, PAGE_SIZE);
	ret = arch_kexec_trial_prepare();
	if (ret)
		goto fail_reason;
	ret = handoff_preserved_get();
	if (WARN_ON_ONCE(ret))
		goto fail_arch;
	handoff_hold_records();

	hrtimer_init(&trial_in.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	trial_in.timer.function = trial_deadline;
	trial_in.expires = ktime_add(ktime_get(), ktime_set(trial_in.deadline, 0));
	atomic_set(&trial_in.state, TRIAL_PENDING);
	hrtimer_start(&trial_in.timer, trial_in.expires, HRTIMER_MODE_ABS);
	pr_notice("generation %u is on trial: it must be confirmed within %u s (/sys/kernel/kexec_trial), or the kernel it came from starts again\n",
		  handoff_generation(), trial_in.deadline);
	return 0;

fail_arch:
	arch_kexec_trial_release();
fail_reason:
	free_page((unsigned long)trial_in.reason);
	trial_in.reason = NULL;
fail_image:
	kimage_destroy(trial_in.image);
	trial_in.image = NULL;
fail:
	pr_err("no fallback (%d): this kernel runs as if it were not on trial\n", ret);
	/* Memory that is not where the record says is left alone. */
	if (ret != -ERANGE)
		trial_free_fallback();
	return ret;
}

/* The claims as one line, each name after a space; NULL without memory. */
static char *__init trial_claim_list(const char *claimed, u32 claims)
{
	char *list = kzalloc(claims + 1, GFP_KERNEL);
	u32 i;

	if (!list || !claims)
		return list;
	list[0] = ' ';
	for (i = 0; i + 1 < claims; i++)
		list[i + 1] = claimed[i] ?: ' ';
	return list;
}

/* This kernel is the fallback: take the reason the failed kernel left. */
static void __init trial_fell_back(const struct kexec_trial_record *rec)
{
	u64 reason = le64_to_cpu(rec->reason);
	struct kexec_trial_reason *r;
	char *list = NULL;
	u32 claims;
	int ret;

	atomic_set(&trial_in.state, TRIAL_FALLBACK);
	if (!PAGE_ALIGNED(reason) || handoff_restore_pages(reason, 1)) {
		pr_err("started as a fallback, but the reason page was not handed over\n");
		return;
	}
	r = phys_to_virt(reason);
	ret = trial_check_reason(r);
	if (ret) {
		pr_err("started as a fallback; the failed kernel left no readable reason (%d): it may have taken any of the handed-over state\n",
		       ret);
		free_page((unsigned long)r);
		return;
	}
	claims = le32_to_cpu(r->claims);
	trial_in.claims = claims;
	if (claims != KEXEC_TRIAL_CLAIMS_FULL) {
		trial_in.claimed = kmemdup(r->claimed, claims ?: 1, GFP_KERNEL);
		list = trial_claim_list(r->claimed, claims);
	}
	trial_in.found = kasprintf(GFP_KERNEL,
				   "cause: %s\ngeneration: %u\nuptime_ms: %u\nclaimed:%s\nmessage: %s\nlog:\n%s",
				   trial_cause_name(le32_to_cpu(r->cause)),
				   le32_to_cpu(r->generation),
				   le32_to_cpu(r->uptime_ms),
				   list ?: " everything", r->message, r->text);
	kfree(list);
	pr_warn("generation %u failed (%s after %u ms): %s\n",
		le32_to_cpu(r->generation), trial_cause_name(le32_to_cpu(r->cause)),
		le32_to_cpu(r->uptime_ms), r->message[0] ? r->message : "no message");
	pr_warn("this is the kernel it was started from; /sys/kernel/kexec_trial_reason has its last log\n");
	free_page((unsigned long)r);
}

/* ===================================================================
 * /sys/kernel/kexec_trial and kexec_trial_reason
 * ===================================================================
 */

static ssize_t kexec_trial_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	unsigned int armed = READ_ONCE(trial_out.deadline);
	s64 left;

	if (armed)
		return sysfs_emit(buf, "armed %u\n", armed);
	switch (atomic_read(&trial_in.state)) {
	case TRIAL_PENDING:
		left = ktime_ms_delta(trial_in.expires, ktime_get());
		return sysfs_emit(buf, "pending %lld\n",
				  div_s64(max_t(s64, left, 0) + MSEC_PER_SEC - 1,
					  MSEC_PER_SEC));
	case TRIAL_CONFIRMED:
		return sysfs_emit(buf, "confirmed\n");
	case TRIAL_FALLBACK:
		return sysfs_emit(buf, "fallback\n");
	default:
		return sysfs_emit(buf, "off\n");
	}
}

static ssize_t kexec_trial_store(struct kobject *kobj,
				 struct kobj_attribute *attr, const char *buf,
				 size_t count)
{
	unsigned int deadline;
	int ret = 0;

	if (sysfs_streq(buf, "confirm")) {
		ret = trial_confirm();
		return ret ? ret : count;
	}
	if (kstrtouint(buf, 10, &deadline) || deadline > KEXEC_TRIAL_MAX_DEADLINE)
		return -EINVAL;
	if (!kexec_trylock())
		return -EBUSY;
	if (!deadline)
		trial_disarm("by request");
	else if (atomic_read(&trial_in.state) == TRIAL_PENDING)
		ret = -EBUSY;	/* confirm this one first */
	else
		ret = trial_arm(deadline);
	kexec_unlock();
	return ret ? ret : count;
}

static struct kobj_attribute kexec_trial_attr = __ATTR_RW_MODE(kexec_trial, 0644);

static ssize_t kexec_trial_reason_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	if (!trial_in.found)
		return -ENODATA;
	return sysfs_emit(buf, "%s\n", trial_in.found);
}

static struct kobj_attribute kexec_trial_reason_attr =
	__ATTR_RO_MODE(kexec_trial_reason, 0400);

/* ===================================================================
 * Test knobs
 * ===================================================================
 */

#ifdef CONFIG_KEXEC_PANIC_TEST
static bool trial_test_panic_early;
module_param_named(test_panic_early, trial_test_panic_early, bool, 0444);
MODULE_PARM_DESC(test_panic_early, "On trial, panic at subsys_initcall");

static bool trial_test_corrupt;
module_param_named(test_corrupt, trial_test_corrupt, bool, 0444);
MODULE_PARM_DESC(test_corrupt, "On trial, damage the fallback's first segment");

static void __init trial_test_damage(void)
{
	u8 *first;

	if (!trial_test_corrupt || atomic_read(&trial_in.state) != TRIAL_PENDING)
		return;
	first = phys_to_virt(le64_to_cpu(trial_in.segment[0].phys));
	first[0] ^= 0xff;
	pr_warn("test: damaged the first byte of fallback segment 0\n");
}

static int __init trial_test_early(void)
{
	if (trial_test_panic_early &&
	    atomic_read(&trial_in.state) == TRIAL_PENDING)
		panic("kexec trial test: panic in early boot");
	return 0;
}
subsys_initcall(trial_test_early);
#else
static inline void trial_test_damage(void) { }
#endif

/* ===================================================================
 * Boot
 * ===================================================================
 */

static int __init kexec_trial_init(void)
{
	const struct kexec_trial_record *rec;
	u64 size, root, root_size;
	int ret;

	if (handoff_register_producer(&trial_producer))
		pr_warn("cannot hand trials over: kexec reboots will not be trials\n");
	if (sysfs_create_file(kernel_kobj, &kexec_trial_attr.attr) ||
	    sysfs_create_file(kernel_kobj, &kexec_trial_reason_attr.attr))
		pr_warn("cannot create /sys/kernel/kexec_trial\n");

	rec = handoff_claim(KEXEC_TRIAL_RECORD_NAME, KEXEC_TRIAL_RECORD_VERSION,
			    &size);
	if (!rec || !size)
		return 0;
	ret = trial_check_record(rec, size);
	if (ret) {
		pr_err("the trial record is malformed (%d): no fallback\n", ret);
		return 0;
	}
	if (rec->fallback_root && !arch_handoff_find(&root, &root_size) &&
	    (root & PAGE_MASK) == le64_to_cpu(rec->fallback_root)) {
		trial_fell_back(rec);
		return 0;
	}
	if (!trial_begin(rec))
		trial_test_damage();
	return 0;
}

/* After handoff_init(), which reads the handoff at postcore_initcall. */
arch_initcall(kexec_trial_init);

#ifdef CONFIG_KEXEC_TRIAL_KUNIT_TEST
#include "kexec_trial_test.c"
#endif
