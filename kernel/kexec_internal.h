/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interfaces shared by the kexec core (kexec_core.c) and its front ends,
 * kexec_load (kexec.c), kexec_file_load (kexec_file.c) and the crash path
 * (crash_core.c).
 *
 * The validate / stage / commit split is visible here: kexec_validate_segments()
 * has no side effects, kimage_create() and kimage_stage_segment() build an
 * image nobody else can see, and kexec_install() is the one step that
 * changes what is loaded; it cannot fail.
 */
#ifndef LINUX_KEXEC_INTERNAL_H
#define LINUX_KEXEC_INTERNAL_H

#include <linux/kexec.h>

/*
 * The kexec lock serialises loading, unloading and executing an image.  It
 * is a bare atomic rather than a mutex because the crash path takes it
 * from panic, possibly in NMI context, where it may only try.
 */
extern atomic_t kexec_lock_word;

static inline bool kexec_trylock(void)
{
	return atomic_cmpxchg_acquire(&kexec_lock_word, 0, 1) == 0;
}

static inline void kexec_unlock(void)
{
	atomic_set_release(&kexec_lock_word, 0);
}

static inline void kexec_assert_locked(void)
{
	WARN_ON_ONCE(!atomic_read(&kexec_lock_word));
}

/*
 * Once a kexec reboot stops the other CPUs, or a panic during one starts
 * the crash image, a single CPU must stop all the others: two CPUs that
 * stop each other both stop, and the machine hangs.  Whichever claims
 * kexec_cpus_owner first is that CPU (kexec_claim_cpus() is true for it);
 * any other waits to be stopped.
 */
extern atomic_t kexec_cpus_owner;

static inline bool kexec_claim_cpus(void)
{
	int cpu = raw_smp_processor_id(), owner = -1;

	return atomic_try_cmpxchg(&kexec_cpus_owner, &owner, cpu) || owner == cpu;
}

int kexec_validate_segments(const struct kexec_segment *segments,
			    unsigned long nr_segments, unsigned long ram_pages,
			    const struct resource *window);
struct kimage *kimage_create(unsigned long entry, unsigned int type,
			     const struct kexec_segment *segments,
			     unsigned long nr_segments);
int kimage_stage_segment(struct kimage *image, unsigned int index);
int kimage_finish(struct kimage *image);
void kimage_release_range(phys_addr_t start, size_t size);
bool kimage_meets_destination(const struct kimage *image, u64 start, u64 size);

#ifdef CONFIG_KEXEC_HANDOFF
struct handoff_out;
/* Between the two halves of the handoff, kexec_handoff{,_mem}.c. */
void *handoff_alloc(const struct kimage *image, unsigned int order);
bool handoff_out_meets(const struct handoff_out *out, u64 start, u64 size);
void handoff_mem_free(struct handoff_out *out);
int handoff_mem_freeze(struct kimage *image);
void __init handoff_read_preserved(void);
unsigned long handoff_free_reserved(unsigned long pfn, unsigned long end);
bool __init handoff_is_reserved(u64 phys, u64 size);

/**
 * struct handoff_pfns - Page frames [@pfn, @pfn + @nr), in CPU byte order.
 * @pfn: First page frame.
 * @nr: Number of page frames.
 */
struct handoff_pfns {
	u64 pfn;
	u64 nr;
};

long handoff_coarsen(const struct handoff_pfns *r, unsigned long n,
		     struct handoff_pfns *spans, unsigned long max, u64 budget,
		     bool (*bridge)(u64 pfn, u64 nr, void *arg), void *arg);
#endif
void kimage_destroy(struct kimage *image);
struct kimage *kexec_install(struct kimage **slot, struct kimage *image);

/* The trial reboot, kexec_trial.c. */
#ifdef CONFIG_KEXEC_TRIAL
void kexec_trial_slot_changed(struct kimage **slot);
bool kexec_trial_meets(u64 start, u64 size);
void kexec_trial_seal(struct kimage *image);
struct kimage *kexec_trial_take_fallback(void);
#else
static inline void kexec_trial_slot_changed(struct kimage **slot) { }
static inline bool kexec_trial_meets(u64 start, u64 size) { return false; }
static inline void kexec_trial_seal(struct kimage *image) { }
static inline struct kimage *kexec_trial_take_fallback(void) { return NULL; }
#endif

#ifdef CONFIG_KEXEC_FILE
void kimage_forget_shadows(struct kimage *image);
#else
static inline void kimage_forget_shadows(struct kimage *image) { }
#endif

#ifdef CONFIG_KEXEC_FILE
/**
 * typedef kexec_try_fn - try to take a candidate destination
 * @ctx:   the caller's context
 * @start: physical start of the candidate
 * @size:  its size in bytes
 * @hint:  on -EBUSY, an address in the candidate known to be unusable;
 *         preset to the start of the candidate's last aligned step (its
 *         first page, when the search goes up)
 *
 * Return: 0 when the range is taken, -EBUSY to be offered the next
 * candidate, any other error to stop the search.
 */
typedef int (*kexec_try_fn)(void *ctx, u64 start, u64 size, u64 *hint);

int kexec_find_place(const struct range *ram, unsigned int nr_ram,
		     const struct range *busy, unsigned int nr_busy,
		     const struct kexec_place *want, kexec_try_fn try,
		     void *ctx, u64 *where);
#endif

#endif /* LINUX_KEXEC_INTERNAL_H */
