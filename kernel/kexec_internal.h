/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interfaces shared by the kexec core (kexec_core.c) and its front ends,
 * kexec_load (kexec.c) and, later, kexec_file_load and the crash path.
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

int kexec_validate_segments(const struct kexec_segment *segments,
			    unsigned long nr_segments, unsigned long ram_pages,
			    const struct resource *window);
struct kimage *kimage_create(unsigned long entry, unsigned int type,
			     const struct kexec_segment *segments,
			     unsigned long nr_segments);
int kimage_stage_segment(struct kimage *image, unsigned int index);
int kimage_finish(struct kimage *image);
void kimage_destroy(struct kimage *image);
struct kimage *kexec_install(struct kimage **slot, struct kimage *image);

#endif /* LINUX_KEXEC_INTERNAL_H */
