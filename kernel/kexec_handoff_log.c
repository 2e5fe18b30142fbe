// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel log, handed over: after a kexec reboot, the newest part of
 * the previous kernel's log is /sys/kernel/handoff/previous_log.
 *
 * The record "printk.log", version 1, is the text kmsg_dump_get_buffer()
 * makes of the newest messages that fit: one message per line, with the
 * timestamp printk.time adds, no syslog prefix.  At most handoff.log_size
 * bytes are set aside when an image is loaded (0: none), and the reboot
 * fills them after its last message, so the log ends with the hand-off.
 * The new kernel copies the text at late_initcall; only the kernel the
 * previous one started sees it, it is not passed on again.
 */

#define pr_fmt(fmt)	"handoff: " fmt

#include <linux/init.h>
#include <linux/kexec_handoff.h>
#include <linux/kmsg_dump.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX	"handoff."

#define HANDOFF_LOG_NAME	"printk.log"
#define HANDOFF_LOG_VERSION	1
#define HANDOFF_LOG_MAX		SZ_1M

static unsigned int log_size = SZ_64K;
module_param(log_size, uint, 0644);
MODULE_PARM_DESC(log_size, "Bytes of this kernel's log to hand to a kexec'd kernel (at most 1 MiB)");

static size_t handoff_log_room(void)
{
	return min_t(size_t, READ_ONCE(log_size), HANDOFF_LOG_MAX);
}

static size_t handoff_log_fill(void *buf, size_t room)
{
	struct kmsg_dump_iter iter;
	size_t len = 0;

	kmsg_dump_rewind(&iter);
	kmsg_dump_get_buffer(&iter, false, buf, room, &len);
	return len;
}

static struct handoff_producer handoff_log_producer = {
	.name = HANDOFF_LOG_NAME,
	.version = HANDOFF_LOG_VERSION,
	.room = handoff_log_room,
	.fill = handoff_log_fill,
};

static void *previous_log;

static ssize_t previous_log_read(struct file *file, struct kobject *kobj,
				 struct bin_attribute *attr, char *buf,
				 loff_t off, size_t count)
{
	return memory_read_from_buffer(buf, count, &off, previous_log,
				       attr->size);
}

static struct bin_attribute previous_log_attr = {
	.attr = { .name = "previous_log", .mode = 0400 },
	.read = previous_log_read,
};

static int __init handoff_log_init(void)
{
	const void *text;
	u64 size;
	int ret;

	ret = handoff_register_producer(&handoff_log_producer);
	if (ret)
		pr_warn("the kernel log will not be handed over: %d\n", ret);

	text = handoff_claim(HANDOFF_LOG_NAME, HANDOFF_LOG_VERSION, &size);
	if (!text || !size || !handoff_kobj)
		return 0;
	previous_log = vmalloc(size);
	if (!previous_log)
		return 0;
	memcpy(previous_log, text, size);
	previous_log_attr.size = size;
	ret = sysfs_create_bin_file(handoff_kobj, &previous_log_attr);
	if (ret) {
		vfree(previous_log);
		previous_log = NULL;
		return 0;
	}
	pr_info("the previous kernel's log (%llu bytes) is in /sys/kernel/handoff/previous_log\n",
		size);
	return 0;
}
late_initcall(handoff_log_init);
