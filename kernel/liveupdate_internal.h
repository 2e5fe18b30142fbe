/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Between /dev/liveupdate (kernel/liveupdate.c) and the handlers of the
 * file types it hands over.
 */
#ifndef _KERNEL_LIVEUPDATE_INTERNAL_H
#define _KERNEL_LIVEUPDATE_INTERNAL_H

#include <linux/liveupdate_abi.h>
#include <linux/list.h>
#include <linux/types.h>

struct file;

/**
 * struct liveupdate_file - A file an outgoing session holds.
 * @list: In the session's list of files.
 * @token: What user space retrieves it by.
 * @file: The file; the session holds a reference.
 * @handler: Its type's handler.
 * @priv: The handler's, from @handler->prepare or @handler->freeze until
 *	@handler->release.
 * @data: Written by @handler->freeze, handed over with the file.
 */
struct liveupdate_file {
	struct list_head list;
	u64 token;
	struct file *file;
	const struct liveupdate_handler *handler;
	void *priv;
	u8 data[LIVEUPDATE_FILE_DATA];
};

/**
 * struct liveupdate_handler - How one type of file is handed over.
 * @name: The type's name in the handover, at most %LIVEUPDATE_HANDLER_LEN
 *	bytes with its NUL.
 * @version: Layout of the data it writes.
 * @declared: The name a kernel that reads @version declares
 *	(<linux/kexec_handoff_abi.h>).
 * @can_preserve: Is @file of this type?  Called when user space
 *	preserves it.
 * @prepare: Optional, in process context, before the reboot: when the
 *	file is preserved and when an image that takes it is loaded.  Do
 *	ahead of the reboot what @freeze would otherwise do in it.  Best
 *	effort: an error only means @freeze does the work.
 * @freeze: At the reboot, in process context: preserve what the file's
 *	contents need and describe the file in @lf->data.  The state as it
 *	is then is what the next kernel gets.  Return 1 when what @prepare
 *	did held, 0 when the work was done now, or -errno.  What it did is
 *	kept if the reboot is refused, until @release.
 * @release: Optional: the file leaves its session; free what @prepare
 *	and @freeze took.
 * @retrieve: In the next kernel: a new file from @data, or an ERR_PTR.
 *	Whatever it took back and did not put into the file is freed.
 * @discard: In the next kernel: free what @data describes, nobody having
 *	retrieved it.
 */
struct liveupdate_handler {
	const char *name;
	u32 version;
	const char *declared;
	bool (*can_preserve)(struct file *file);
	int (*prepare)(struct liveupdate_file *lf);
	int (*freeze)(struct liveupdate_file *lf);
	void (*release)(struct liveupdate_file *lf);
	struct file *(*retrieve)(const u8 *data);
	void (*discard)(const u8 *data);
};

extern const struct liveupdate_handler liveupdate_memfd_handler;

#endif /* _KERNEL_LIVEUPDATE_INTERNAL_H */
