// SPDX-License-Identifier: GPL-2.0-only
/*
 * kexec_load(2): load a new kernel described as a list of segments.
 *
 * The caller (kexec-tools, usually) has already laid the image out: each
 * segment names a buffer in its memory and the physical address it must
 * end up at.  This file is the front end of the core in kexec_core.c:
 *
 *   kexec_load_allowed()   permission, policy and flag checks, in the order
 *                          user space has always seen them fail;
 *   kexec_load_image()     validate the list, stage it, let the architecture
 *                          prepare, and install the result in one step.
 *
 * A request that fails at any point leaves the previously loaded image in
 * place: the new image is private until kexec_install() swaps it in, and
 * nothing before that swap touches the old one.
 */

#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/kexec.h>
#include <linux/kexec_handoff.h>
#include <linux/mm.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>

#include "kexec_internal.h"

static int kexec_load_allowed(unsigned long nr_segments, unsigned long flags)
{
	int type = flags & KEXEC_ON_CRASH ? KEXEC_TYPE_CRASH : KEXEC_TYPE_DEFAULT;
	unsigned long arch = flags & KEXEC_ARCH_MASK;
	int ret;

	if (!kexec_load_permitted(type))
		return -EPERM;

	/* An LSM or IMA may veto; then lockdown, since kexec bypasses it. */
	ret = security_kernel_load_data(LOADING_KEXEC_IMAGE, false);
	if (ret < 0)
		return ret;
	ret = security_locked_down(LOCKDOWN_KEXEC);
	if (ret)
		return ret;

	if (flags & ~KEXEC_ARCH_MASK & ~KEXEC_FLAGS)
		return -EINVAL;
	if (nr_segments > KEXEC_SEGMENT_MAX)
		return -EINVAL;
	if (arch != KEXEC_ARCH_DEFAULT && arch != KEXEC_ARCH)
		return -EINVAL;
	return 0;
}

/* Where a crash image must lie: the region reserved with crashkernel=. */
static const struct resource *kexec_window(unsigned int type)
{
#ifdef CONFIG_CRASH_DUMP
	if (type == KEXEC_TYPE_CRASH)
		return &crashk_res;
#endif
	return NULL;
}

/* Build an image from @segments and install it; the kexec lock is held. */
static int kexec_build_and_install(struct kimage **slot, unsigned long entry,
				   unsigned long nr_segments,
				   const struct kexec_segment *segments,
				   unsigned long flags)
{
	unsigned int type = flags & KEXEC_ON_CRASH ? KEXEC_TYPE_CRASH :
						      KEXEC_TYPE_DEFAULT;
	struct kimage *image;
	const struct resource *window;
	unsigned int i;
	int ret;

	window = kexec_window(type);
	/* A crash image's entry point is checked first, as it always was. */
	if (window && (entry < window->start || entry > window->end))
		return -EADDRNOTAVAIL;
	ret = kexec_validate_segments(segments, nr_segments, totalram_pages(),
				      window);
	if (ret)
		return ret;

	ret = machine_kexec_supported();
	if (ret)
		return ret;

	/*
	 * A crash image is written straight into the reservation, where the
	 * one loaded now lives: that one goes first.  A request refused by
	 * the checks above has left it in place.
	 */
	if (type == KEXEC_TYPE_CRASH)
		kimage_destroy(kexec_install(slot, NULL));

	image = kimage_create(entry, type, segments, nr_segments);
	if (!image)
		return -ENOMEM;

	ret = machine_kexec_prepare(image);
	for (i = 0; !ret && i < nr_segments; i++)
		ret = kimage_stage_segment(image, i);
	if (!ret)
		ret = kimage_finish(image);
	if (!ret)
		ret = machine_kexec_post_load(image);
	/* The loader left the core header out of its checks: keep it current. */
	if (!ret && type == KEXEC_TYPE_CRASH && (flags & KEXEC_CRASH_HOTPLUG_FLAGS))
		crash_hotplug_find_header(image);
	/* Such an image carries no handoff: producers may refuse it. */
	if (!ret && type != KEXEC_TYPE_CRASH)
		ret = kimage_handoff_accept(image);
	if (!ret)
		image = kexec_install(slot, image);

	/* On success this frees the image we displaced. */
	kimage_destroy(image);
	return ret;
}

static int kexec_load_image(unsigned long entry, unsigned long nr_segments,
			    const struct kexec_segment *segments,
			    unsigned long flags)
{
	struct kimage **slot = &kexec_image;
	int ret;

	if (!kexec_trylock())
		return -EBUSY;

	if (flags & KEXEC_ON_CRASH)
		slot = &kexec_crash_image;

	if (!nr_segments) {
		kimage_destroy(kexec_install(slot, NULL));
		ret = 0;
	} else {
		ret = kexec_build_and_install(slot, entry, nr_segments,
					      segments, flags);
	}

	kexec_unlock();
	return ret;
}

SYSCALL_DEFINE4(kexec_load, unsigned long, entry, unsigned long, nr_segments,
		struct kexec_segment __user *, segments, unsigned long, flags)
{
	struct kexec_segment *list;
	int ret;

	ret = kexec_load_allowed(nr_segments, flags);
	if (ret)
		return ret;

	list = memdup_array_user(segments, nr_segments, sizeof(*list));
	if (IS_ERR(list))
		return PTR_ERR(list);
	ret = kexec_load_image(entry, nr_segments, list, flags);
	kfree(list);
	return ret;
}

#ifdef CONFIG_COMPAT
/* struct kexec_segment as a 32-bit loader lays it out. */
struct compat_kexec_segment {
	compat_uptr_t buf;		/* source, in the loader */
	compat_size_t bufsz;		/* bytes of source */
	compat_ulong_t mem;		/* physical destination */
	compat_size_t memsz;		/* bytes at the destination */
};

COMPAT_SYSCALL_DEFINE4(kexec_load, compat_ulong_t, entry,
		       compat_ulong_t, nr_segments,
		       struct compat_kexec_segment __user *, segments,
		       compat_ulong_t, flags)
{
	struct compat_kexec_segment seg32;
	struct kexec_segment *list;
	unsigned long i;
	int ret;

	ret = kexec_load_allowed(nr_segments, flags);
	if (ret)
		return ret;
	/* A 32-bit loader must say which architecture it built for. */
	if ((flags & KEXEC_ARCH_MASK) == KEXEC_ARCH_DEFAULT)
		return -EINVAL;

	list = kmalloc_array(nr_segments, sizeof(*list), GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	for (i = 0; i < nr_segments; i++) {
		if (copy_from_user(&seg32, &segments[i], sizeof(seg32))) {
			kfree(list);
			return -EFAULT;
		}
		list[i].buf = compat_ptr(seg32.buf);
		list[i].bufsz = seg32.bufsz;
		list[i].mem = seg32.mem;
		list[i].memsz = seg32.memsz;
	}
	ret = kexec_load_image(entry, nr_segments, list, flags);
	kfree(list);
	return ret;
}
#endif
