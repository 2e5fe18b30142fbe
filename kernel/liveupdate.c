// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/liveupdate: sessions of files handed over across a kexec reboot.
 *
 * Outgoing sessions are created here and live while their file descriptor
 * is open.  Each file's handler prepares what it can ahead of the reboot,
 * when the file is preserved and when an image that takes the sessions is
 * loaded.  When the reboot begins (the handoff's freeze), the handler
 * preserves what the file needs, checking what it prepared, and describes
 * it, and every session with its files goes into the record
 * "liveupdate.sessions" (<linux/liveupdate_abi.h>), which the reboot
 * writes.
 *
 * Incoming sessions are read from that record at boot, and hold the
 * preserved memory (handoff_preserved_get()) until each is finished: by
 * LIVEUPDATE_SESSION_FINISH, or by closing its descriptor once retrieved.
 * Finishing frees the files nobody retrieved.  A session never retrieved
 * is kept until the next reboot, which does not pass it on.
 *
 * One mutex, liveupdate_lock, guards every list and count here.
 */

#define pr_fmt(fmt) "liveupdate: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kexec_handoff.h>
#include <linux/kexec_trial.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "liveupdate_internal.h"

static bool liveupdate_enabled __ro_after_init;

static int __init liveupdate_setup(char *arg)
{
	return kstrtobool(arg, &liveupdate_enabled);
}
early_param("liveupdate", liveupdate_setup);

static const struct liveupdate_handler *const liveupdate_handlers[] = {
	&liveupdate_memfd_handler,
};

/**
 * struct liveupdate_session - A session, outgoing or incoming.
 * @list: In liveupdate_sessions.
 * @name: NUL-terminated.
 * @incoming: Handed over by the previous kernel.
 * @closed: Its descriptor was closed while the reboot had it frozen.
 * @files: Outgoing: its struct liveupdate_file list.
 * @nr_files: Outgoing: entries of @files.
 * @retrieved: Incoming: user space has a descriptor for it.
 * @finished: Incoming: finished; @in is freed.
 * @in: Incoming: its files as handed over; a taken one has token ~0 and
 *	an empty handler name.
 * @nr_in: Incoming: entries of @in.
 */
struct liveupdate_session {
	struct list_head list;
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	bool incoming;
	bool closed;
	struct list_head files;
	unsigned int nr_files;
	bool retrieved;
	bool finished;
	struct liveupdate_file_ent *in;
	unsigned int nr_in;
};

static DEFINE_MUTEX(liveupdate_lock);
static LIST_HEAD(liveupdate_sessions);
static unsigned int liveupdate_nr_out;		/* outgoing sessions */
static unsigned int liveupdate_nr_out_files;
static unsigned int liveupdate_nr_unfinished;	/* incoming, holding memory */
static bool liveupdate_holds_memory;
static bool liveupdate_frozen;
static atomic_t liveupdate_opened = ATOMIC_INIT(0);

/* The record, built at the freeze, copied out at the seal. */
static void *liveupdate_out;
static size_t liveupdate_out_size;

static const struct liveupdate_handler *
liveupdate_find_handler(const char *name, u32 version)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(liveupdate_handlers); i++)
		if (!strcmp(liveupdate_handlers[i]->name, name) &&
		    liveupdate_handlers[i]->version == version)
			return liveupdate_handlers[i];
	return NULL;
}

static struct liveupdate_session *liveupdate_find(const char *name)
{
	struct liveupdate_session *s;

	list_for_each_entry(s, &liveupdate_sessions, list)
		if (!(s->incoming && s->finished) && !strcmp(s->name, name))
			return s;
	return NULL;
}

/* A name from user space: NUL-terminated and not empty. */
static int liveupdate_check_name(const u8 *name)
{
	size_t len = strnlen(name, LIVEUPDATE_SESSION_NAME_LENGTH);

	return len && len < LIVEUPDATE_SESSION_NAME_LENGTH ? 0 : -EINVAL;
}

/*
 * Copy an argument in: its first u32 is its size, at least @min bytes;
 * bytes beyond @ksize must be zero.
 */
static int liveupdate_get_arg(void *karg, size_t ksize, size_t min,
			      void __user *uarg, u32 *usize)
{
	if (get_user(*usize, (u32 __user *)uarg))
		return -EFAULT;
	if (*usize < min)
		return -EINVAL;
	return copy_struct_from_user(karg, ksize, uarg, *usize);
}

static int liveupdate_put_arg(void __user *uarg, const void *karg,
			      size_t ksize, u32 usize)
{
	return copy_to_user(uarg, karg, min_t(size_t, ksize, usize)) ?
		-EFAULT : 0;
}

/* ---------------------------------------------------------------- */
/* Incoming sessions                                                 */
/* ---------------------------------------------------------------- */

/* Let go of preserved memory once no incoming session needs it. */
static void liveupdate_unhold(void)
{
	lockdep_assert_held(&liveupdate_lock);
	if (--liveupdate_nr_unfinished || !liveupdate_holds_memory)
		return;
	liveupdate_holds_memory = false;
	handoff_preserved_put();
}

static void liveupdate_finish(struct liveupdate_session *s)
{
	unsigned int i, freed = 0;

	lockdep_assert_held(&liveupdate_lock);
	if (s->finished)
		return;
	for (i = 0; i < s->nr_in; i++) {
		const struct liveupdate_file_ent *e = &s->in[i];
		const struct liveupdate_handler *h;

		if (!e->handler[0])
			continue;
		h = liveupdate_find_handler(e->handler, le32_to_cpu(e->version));
		if (h) {
			h->discard(e->data);
			freed++;
		}
	}
	if (freed)
		pr_info("session %s finished: %u files nobody retrieved freed\n",
			s->name, freed);
	kvfree(s->in);
	s->in = NULL;
	s->nr_in = 0;
	s->finished = true;
	liveupdate_unhold();
}

static struct file *liveupdate_retrieve_file(struct liveupdate_session *s,
					     u64 token)
{
	const struct liveupdate_handler *h;
	struct liveupdate_file_ent *e;
	struct file *file;
	unsigned int i;

	lockdep_assert_held(&liveupdate_lock);
	if (s->finished)
		return ERR_PTR(-ENOENT);
	for (i = 0; i < s->nr_in; i++) {
		e = &s->in[i];
		if (e->handler[0] && le64_to_cpu(e->token) == token)
			break;
	}
	if (i == s->nr_in)
		return ERR_PTR(-ENOENT);
	h = liveupdate_find_handler(e->handler, le32_to_cpu(e->version));
	if (!h) {
		pr_warn("session %s: file %llu is a %s of version %u, which this kernel cannot read\n",
			s->name, token, e->handler, le32_to_cpu(e->version));
		return ERR_PTR(-EOPNOTSUPP);
	}
	/* Whatever happens next, the file is taken: its memory is spent. */
	e->handler[0] = '\0';
	file = h->retrieve(e->data);
	if (IS_ERR(file))
		pr_err("session %s: file %llu could not be restored: %ld\n",
		       s->name, token, PTR_ERR(file));
	return file;
}

/*
 * Check the record as a whole before anything of it is used: sizes,
 * names, the files adding up.  Return the number of sessions or -errno.
 */
static int liveupdate_check_record(const void *bytes, u64 size)
{
	const struct liveupdate_state_hdr *hdr = bytes;
	const struct liveupdate_session_ent *se;
	const struct liveupdate_file_ent *fe;
	u32 ns, nf, i, j;
	u64 sum = 0;

	if (size < sizeof(*hdr))
		return -EINVAL;
	ns = le32_to_cpu(hdr->nr_sessions);
	nf = le32_to_cpu(hdr->nr_files);
	if (ns > LIVEUPDATE_MAX_SESSIONS || nf > LIVEUPDATE_MAX_FILES)
		return -E2BIG;
	if (size != LIVEUPDATE_RECORD_SIZE(ns, nf))
		return -EINVAL;
	se = bytes + sizeof(*hdr);
	fe = (const void *)(se + ns);
	for (i = 0; i < ns; i++) {
		if (liveupdate_check_name(se[i].name) || se[i].reserved)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (!strcmp(se[i].name, se[j].name))
				return -EINVAL;
		sum += le32_to_cpu(se[i].nr_files);
		if (sum > nf)
			return -EINVAL;
	}
	if (sum != nf)
		return -EINVAL;
	for (i = 0; i < nf; i++) {
		size_t len = strnlen(fe[i].handler, LIVEUPDATE_HANDLER_LEN);

		if (!len || len == LIVEUPDATE_HANDLER_LEN || fe[i].reserved)
			return -EINVAL;
	}
	/* A token names one file of its session. */
	sum = 0;
	for (i = 0; i < ns; i++) {
		u32 first = sum, end = first + le32_to_cpu(se[i].nr_files), k;

		for (j = first + 1; j < end; j++)
			for (k = first; k < j; k++)
				if (fe[j].token == fe[k].token)
					return -EINVAL;
		sum = end;
	}
	return ns;
}

/*
 * A kernel on trial that retrieves a session may change its files: if the
 * kernel fails, its fallback must not restore them.
 */
#define LIVEUPDATE_CLAIM_PREFIX	"liveupdate:"

static void liveupdate_trial_claim(const char *session)
{
	char claim[sizeof(LIVEUPDATE_CLAIM_PREFIX) + LIVEUPDATE_SESSION_NAME_LENGTH];

	snprintf(claim, sizeof(claim), LIVEUPDATE_CLAIM_PREFIX "%s", session);
	kexec_trial_claim(claim);
}

static bool __init liveupdate_trial_claimed(const char *session)
{
	char claim[sizeof(LIVEUPDATE_CLAIM_PREFIX) + LIVEUPDATE_SESSION_NAME_LENGTH];

	snprintf(claim, sizeof(claim), LIVEUPDATE_CLAIM_PREFIX "%s", session);
	return kexec_trial_claimed(claim);
}

static void __init liveupdate_read(const void *bytes, u64 size)
{
	const struct liveupdate_session_ent *se = bytes + sizeof(struct liveupdate_state_hdr);
	const struct liveupdate_file_ent *fe;
	int ns, i;

	ns = liveupdate_check_record(bytes, size);
	if (ns < 0) {
		pr_err("the handed-over sessions do not add up (%d): none restored\n", ns);
		return;
	}
	if (!ns)
		return;
	fe = (const void *)(se + ns);
	guard(mutex)(&liveupdate_lock);
	for (i = 0; i < ns; i++) {
		u32 nr = le32_to_cpu(se[i].nr_files);
		struct liveupdate_session *s;

		if (liveupdate_trial_claimed(se[i].name)) {
			pr_warn("session %s is not restored: the kernel on trial that failed had retrieved it\n",
				se[i].name);
			fe += nr;
			continue;
		}
		s = kzalloc(sizeof(*s), GFP_KERNEL);
		if (s && nr) {
			s->in = kvmemdup(fe, nr * sizeof(*fe), GFP_KERNEL);
			if (!s->in) {
				kfree(s);
				s = NULL;
			}
		}
		if (!s) {
			pr_err("no memory for handed-over session %s: its files are lost\n",
			       se[i].name);
			fe += nr;
			continue;
		}
		strscpy(s->name, se[i].name);
		INIT_LIST_HEAD(&s->files);
		s->incoming = true;
		s->nr_in = nr;
		fe += nr;
		list_add_tail(&s->list, &liveupdate_sessions);
		liveupdate_nr_unfinished++;
	}
	liveupdate_holds_memory = !handoff_preserved_get();
	pr_info("%d sessions handed over, %u files in them\n", ns,
		le32_to_cpu(((const struct liveupdate_state_hdr *)bytes)->nr_files));
}

/* ---------------------------------------------------------------- */
/* Sessions                                                          */
/* ---------------------------------------------------------------- */

static void liveupdate_free_files(struct list_head *files)
{
	struct liveupdate_file *lf, *next;

	list_for_each_entry_safe(lf, next, files, list) {
		if (lf->handler->release)
			lf->handler->release(lf);
		fput(lf->file);
		kfree(lf);
	}
}

static int liveupdate_session_release(struct inode *inode, struct file *file)
{
	struct liveupdate_session *s = file->private_data;
	LIST_HEAD(files);

	scoped_guard(mutex, &liveupdate_lock) {
		if (!s->incoming && liveupdate_frozen) {
			/* Handed over all the same; freed if the reboot is refused. */
			s->closed = true;
			return 0;
		}
		if (s->incoming) {
			liveupdate_finish(s);
		} else {
			list_splice_init(&s->files, &files);
			liveupdate_nr_out--;
			liveupdate_nr_out_files -= s->nr_files;
		}
		list_del(&s->list);
	}
	liveupdate_free_files(&files);
	kfree(s);
	return 0;
}

/* Ahead of the reboot; the freeze does what fails here, and reports it. */
static void liveupdate_prepare(struct liveupdate_file *lf)
{
	lockdep_assert_held(&liveupdate_lock);
	if (lf->handler->prepare)
		lf->handler->prepare(lf);
}

static long liveupdate_preserve_fd(struct liveupdate_session *s,
				   const struct liveupdate_session_preserve_fd *arg)
{
	const struct liveupdate_handler *h = NULL;
	struct liveupdate_session *t;
	struct liveupdate_file *lf;
	struct file *file;
	unsigned int i;
	int ret;

	file = fget(arg->fd);
	if (!file)
		return -EBADF;
	for (i = 0; i < ARRAY_SIZE(liveupdate_handlers); i++) {
		if (liveupdate_handlers[i]->can_preserve(file)) {
			h = liveupdate_handlers[i];
			break;
		}
	}
	ret = -ENOENT;
	if (!h)
		goto out;

	mutex_lock(&liveupdate_lock);
	ret = -EBUSY;
	if (liveupdate_frozen)
		goto unlock;
	list_for_each_entry(t, &liveupdate_sessions, list) {
		if (t->incoming)
			continue;
		list_for_each_entry(lf, &t->files, list) {
			ret = -EEXIST;
			if (t == s && lf->token == arg->token)
				goto unlock;
			ret = -EBUSY;
			if (lf->file == file)
				goto unlock;
		}
	}
	ret = -ENOSPC;
	if (liveupdate_nr_out_files == LIVEUPDATE_MAX_FILES)
		goto unlock;
	ret = -ENOMEM;
	lf = kzalloc(sizeof(*lf), GFP_KERNEL);
	if (!lf)
		goto unlock;
	lf->token = arg->token;
	lf->file = file;
	lf->handler = h;
	list_add_tail(&lf->list, &s->files);
	s->nr_files++;
	liveupdate_nr_out_files++;
	liveupdate_prepare(lf);
	mutex_unlock(&liveupdate_lock);
	return 0;

unlock:
	mutex_unlock(&liveupdate_lock);
out:
	fput(file);
	return ret;
}

/* Give @file a descriptor, tell user space, and only then install it. */
static int liveupdate_install(struct file *file, void __user *uarg,
			      void *arg, size_t ksize, u32 usize, s32 *fdp)
{
	int fd, ret;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		fput(file);
		return fd;
	}
	*fdp = fd;
	ret = liveupdate_put_arg(uarg, arg, ksize, usize);
	if (ret) {
		put_unused_fd(fd);
		fput(file);
		return ret;
	}
	fd_install(fd, file);
	return 0;
}

/* The retrieve structure is the preserve structure under another name. */
static_assert(sizeof(struct liveupdate_session_preserve_fd) ==
	      sizeof(struct liveupdate_session_retrieve_fd));
static_assert(offsetof(struct liveupdate_session_preserve_fd, fd) ==
	      offsetof(struct liveupdate_session_retrieve_fd, fd));
static_assert(offsetof(struct liveupdate_session_preserve_fd, token) ==
	      offsetof(struct liveupdate_session_retrieve_fd, token));

static long liveupdate_session_ioctl(struct file *file, unsigned int cmd,
				     unsigned long arg)
{
	struct liveupdate_session *s = file->private_data;
	void __user *uarg = (void __user *)arg;
	union {
		struct liveupdate_session_preserve_fd fd;
		struct liveupdate_session_finish finish;
	} u;
	struct file *got;
	bool outgoing;
	size_t size;
	u32 usize;
	int ret;

	if (_IOC_TYPE(cmd) != LIVEUPDATE_IOCTL_TYPE)
		return -ENOTTY;
	switch (cmd) {
	case LIVEUPDATE_SESSION_PRESERVE_FD:
	case LIVEUPDATE_SESSION_RETRIEVE_FD:
		size = sizeof(u.fd);
		break;
	case LIVEUPDATE_SESSION_FINISH:
		size = sizeof(u.finish);
		break;
	default:
		return -EINVAL;
	}
	ret = liveupdate_get_arg(&u, size, size, uarg, &usize);
	if (ret)
		return ret;
	/* Only outgoing sessions take files; only handed-over ones give. */
	outgoing = cmd == LIVEUPDATE_SESSION_PRESERVE_FD;
	if (s->incoming == outgoing)
		return -EINVAL;

	switch (cmd) {
	case LIVEUPDATE_SESSION_PRESERVE_FD:
		return liveupdate_preserve_fd(s, &u.fd);
	case LIVEUPDATE_SESSION_RETRIEVE_FD:
		scoped_guard(mutex, &liveupdate_lock)
			got = liveupdate_retrieve_file(s, u.fd.token);
		if (IS_ERR(got))
			return PTR_ERR(got);
		return liveupdate_install(got, uarg, &u.fd, size, usize, &u.fd.fd);
	default:
		scoped_guard(mutex, &liveupdate_lock)
			liveupdate_finish(s);
		return 0;
	}
}

static const struct file_operations liveupdate_session_fops = {
	.owner = THIS_MODULE,
	.release = liveupdate_session_release,
	.unlocked_ioctl = liveupdate_session_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct file *liveupdate_session_file(struct liveupdate_session *s)
{
	struct file *file;
	char *name;

	name = kasprintf(GFP_KERNEL, "[luo_session] %s", s->name);
	if (!name)
		return ERR_PTR(-ENOMEM);
	file = anon_inode_getfile(name, &liveupdate_session_fops, s, O_RDWR);
	kfree(name);
	return file;
}

/* A new outgoing session named @name, as a file. */
static struct file *liveupdate_create_session(const char *name)
{
	struct liveupdate_session *s;
	struct file *file;
	int ret = 0;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	strscpy(s->name, name);
	INIT_LIST_HEAD(&s->files);

	scoped_guard(mutex, &liveupdate_lock) {
		if (liveupdate_frozen)
			ret = -EBUSY;
		else if (liveupdate_find(s->name))
			ret = -EEXIST;
		else if (liveupdate_nr_out == LIVEUPDATE_MAX_SESSIONS)
			ret = -ENOSPC;
		if (!ret) {
			list_add_tail(&s->list, &liveupdate_sessions);
			liveupdate_nr_out++;
		}
	}
	if (ret) {
		kfree(s);
		return ERR_PTR(ret);
	}
	/* From here on, the file's release frees the session. */
	file = liveupdate_session_file(s);
	if (IS_ERR(file)) {
		scoped_guard(mutex, &liveupdate_lock) {
			list_del(&s->list);
			liveupdate_nr_out--;
		}
		kfree(s);
	}
	return file;
}

/* The handed-over session named @name, as a file. */
static struct file *liveupdate_retrieve_session(const char *name)
{
	struct liveupdate_session *s;
	struct file *file;

	guard(mutex)(&liveupdate_lock);
	s = liveupdate_find(name);
	if (!s || !s->incoming)
		return ERR_PTR(-ENOENT);
	if (s->retrieved)
		return ERR_PTR(-EINVAL);
	liveupdate_trial_claim(s->name);
	file = liveupdate_session_file(s);
	if (!IS_ERR(file))
		s->retrieved = true;
	return file;
}

/* The retrieve structure is the create structure under another name. */
static_assert(sizeof(struct liveupdate_ioctl_create_session) ==
	      sizeof(struct liveupdate_ioctl_retrieve_session));
static_assert(offsetof(struct liveupdate_ioctl_create_session, fd) ==
	      offsetof(struct liveupdate_ioctl_retrieve_session, fd));
static_assert(offsetof(struct liveupdate_ioctl_create_session, name) ==
	      offsetof(struct liveupdate_ioctl_retrieve_session, name));

static long liveupdate_session_cmd(unsigned int cmd, void __user *uarg)
{
	struct liveupdate_ioctl_create_session arg;
	struct file *file;
	u32 usize;
	int ret;

	ret = liveupdate_get_arg(&arg, sizeof(arg), sizeof(arg), uarg, &usize);
	if (ret)
		return ret;
	ret = liveupdate_check_name(arg.name);
	if (ret)
		return ret;
	if (cmd == LIVEUPDATE_IOCTL_CREATE_SESSION)
		file = liveupdate_create_session(arg.name);
	else
		file = liveupdate_retrieve_session(arg.name);
	if (IS_ERR(file))
		return PTR_ERR(file);
	return liveupdate_install(file, uarg, &arg, sizeof(arg), usize, &arg.fd);
}

static int liveupdate_open(struct inode *inode, struct file *file)
{
	if (atomic_cmpxchg(&liveupdate_opened, 0, 1))
		return -EBUSY;
	return 0;
}

static int liveupdate_release(struct inode *inode, struct file *file)
{
	atomic_set(&liveupdate_opened, 0);
	return 0;
}

static long liveupdate_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (_IOC_TYPE(cmd) != LIVEUPDATE_IOCTL_TYPE)
		return -ENOTTY;
	switch (cmd) {
	case LIVEUPDATE_IOCTL_CREATE_SESSION:
	case LIVEUPDATE_IOCTL_RETRIEVE_SESSION:
		return liveupdate_session_cmd(cmd, uarg);
	}
	return -EINVAL;
}

static const struct file_operations liveupdate_fops = {
	.owner = THIS_MODULE,
	.open = liveupdate_open,
	.release = liveupdate_release,
	.unlocked_ioctl = liveupdate_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice liveupdate_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "liveupdate",
	.fops = &liveupdate_fops,
	.mode = 0600,
};

/* ---------------------------------------------------------------- */
/* The reboot                                                        */
/* ---------------------------------------------------------------- */

static void liveupdate_build(void *buf)
{
	struct liveupdate_state_hdr *hdr = buf;
	struct liveupdate_session_ent *se = buf + sizeof(*hdr);
	struct liveupdate_file_ent *fe = (void *)(se + liveupdate_nr_out);
	struct liveupdate_session *s;
	struct liveupdate_file *lf;

	hdr->nr_sessions = cpu_to_le32(liveupdate_nr_out);
	hdr->nr_files = cpu_to_le32(liveupdate_nr_out_files);
	list_for_each_entry(s, &liveupdate_sessions, list) {
		if (s->incoming)
			continue;
		strscpy_pad(se->name, s->name);
		se->nr_files = cpu_to_le32(s->nr_files);
		se++;
		list_for_each_entry(lf, &s->files, list) {
			fe->token = cpu_to_le64(lf->token);
			strscpy_pad(fe->handler, lf->handler->name);
			fe->version = cpu_to_le32(lf->handler->version);
			memcpy(fe->data, lf->data, sizeof(fe->data));
			fe++;
		}
	}
	liveupdate_out_size = (void *)fe - buf;
}

/*
 * Can @image take what the sessions hold?  It must keep preserved memory
 * and its kernel must say it reads the record and every handler in use.
 */
static const char *liveupdate_cannot_take(const struct kimage *image)
{
	struct liveupdate_session *s;
	struct liveupdate_file *lf;
	unsigned int i;

	lockdep_assert_held(&liveupdate_lock);
	if (!liveupdate_nr_out_files)
		return NULL;
	if (!kimage_handoff_keeps_pages(image))
		return "cannot take preserved memory";
	if (!kimage_handoff_reads(image, LIVEUPDATE_RECORD_NAME,
				  LIVEUPDATE_RECORD_VERSION))
		return "does not read " LIVEUPDATE_RECORD_NAME;
	for (i = 0; i < ARRAY_SIZE(liveupdate_handlers); i++) {
		const struct liveupdate_handler *h = liveupdate_handlers[i];
		bool used = false;

		list_for_each_entry(s, &liveupdate_sessions, list)
			list_for_each_entry(lf, &s->files, list)
				used |= lf->handler == h;
		if (used && !kimage_handoff_reads(image, h->declared, h->version))
			return "does not read a type of file the sessions hold";
	}
	return NULL;
}

/*
 * Refuse what cannot take the files, unless told to leave them behind.
 * On success *@takes says whether the image receives the sessions.
 */
static int liveupdate_check_image(const struct kimage *image, const char *what,
				  bool *takes)
{
	const char *why = liveupdate_cannot_take(image);

	*takes = !why;
	if (!why)
		return 0;
	if (handoff_discards_preserved()) {
		pr_warn("%u files in %u sessions are left behind: the image %s\n",
			liveupdate_nr_out_files, liveupdate_nr_out, why);
		return 0;
	}
	pr_err("%s refused: sessions hold %u files and the image %s (handoff.discard_preserved=1 goes ahead without them)\n",
	       what, liveupdate_nr_out_files, why);
	return -EOPNOTSUPP;
}

/* An image that takes the sessions: get their files ready for it. */
static int liveupdate_accept(const struct kimage *image)
{
	struct liveupdate_session *s;
	struct liveupdate_file *lf;
	bool takes;
	int ret;

	guard(mutex)(&liveupdate_lock);
	ret = liveupdate_check_image(image, "load", &takes);
	if (ret || !takes)
		return ret;
	list_for_each_entry(s, &liveupdate_sessions, list)
		if (!s->incoming)
			list_for_each_entry(lf, &s->files, list)
				liveupdate_prepare(lf);
	return 0;
}

static int liveupdate_freeze(struct kimage *image)
{
	struct liveupdate_session *s;
	struct liveupdate_file *lf;
	unsigned int ready = 0;
	bool takes;
	int ret;

	guard(mutex)(&liveupdate_lock);
	ret = liveupdate_check_image(image, "reboot", &takes);
	if (ret || !takes)
		return ret;
	liveupdate_out = kvzalloc(LIVEUPDATE_RECORD_SIZE(liveupdate_nr_out,
							 liveupdate_nr_out_files),
				  GFP_KERNEL);
	if (!liveupdate_out)
		return -ENOMEM;
	list_for_each_entry(s, &liveupdate_sessions, list) {
		if (s->incoming)
			continue;
		list_for_each_entry(lf, &s->files, list) {
			ret = lf->handler->freeze(lf);
			if (ret > 0)
				ready++;
			if (ret < 0) {
				pr_err("reboot refused: file %llu of session %s cannot be handed over: %d\n",
				       lf->token, s->name, ret);
				kvfree(liveupdate_out);
				liveupdate_out = NULL;
				return ret;
			}
		}
	}
	liveupdate_build(liveupdate_out);
	liveupdate_frozen = true;
	if (liveupdate_nr_out)
		pr_info("handing over %u sessions with %u files, %u of them ready before the reboot\n",
			liveupdate_nr_out, liveupdate_nr_out_files, ready);
	return 0;
}

static void liveupdate_thaw(void)
{
	struct liveupdate_session *s, *next;
	LIST_HEAD(files);
	LIST_HEAD(closed);

	scoped_guard(mutex, &liveupdate_lock) {
		if (!liveupdate_frozen)
			return;
		kvfree(liveupdate_out);
		liveupdate_out = NULL;
		liveupdate_frozen = false;
		list_for_each_entry_safe(s, next, &liveupdate_sessions, list) {
			if (!s->closed)
				continue;
			list_splice_init(&s->files, &files);
			liveupdate_nr_out--;
			liveupdate_nr_out_files -= s->nr_files;
			list_move(&s->list, &closed);
		}
	}
	liveupdate_free_files(&files);
	list_for_each_entry_safe(s, next, &closed, list)
		kfree(s);
}

/*
 * At load a page, enough for a few sessions; after the freeze, the
 * record as built, for which the handoff finds a larger buffer if need be.
 */
static size_t liveupdate_room(void)
{
	if (!liveupdate_enabled)
		return 0;
	return liveupdate_out ? max_t(size_t, liveupdate_out_size, PAGE_SIZE) : PAGE_SIZE;
}

/* At the seal: interrupts off, one CPU; the record was built at the freeze. */
static size_t liveupdate_fill(void *buf, size_t room)
{
	if (!liveupdate_out || liveupdate_out_size > room)
		return 0;
	memcpy(buf, liveupdate_out, liveupdate_out_size);
	return liveupdate_out_size;
}

static struct handoff_producer liveupdate_producer = {
	.name = LIVEUPDATE_RECORD_NAME,
	.version = LIVEUPDATE_RECORD_VERSION,
	.room = liveupdate_room,
	.fill = liveupdate_fill,
	.freeze = liveupdate_freeze,
	.thaw = liveupdate_thaw,
	.accept = liveupdate_accept,
};

/* Before late_initcall_sync, when unclaimed preserved memory is freed. */
static int __init liveupdate_init(void)
{
	const void *bytes;
	u64 size;
	int ret;

	if (!liveupdate_enabled)
		return 0;
	bytes = handoff_claim(LIVEUPDATE_RECORD_NAME, LIVEUPDATE_RECORD_VERSION,
			      &size);
	if (bytes)
		liveupdate_read(bytes, size);
	ret = handoff_register_producer(&liveupdate_producer);
	if (ret) {
		pr_err("sessions cannot be handed over: %d\n", ret);
		return 0;
	}
	ret = misc_register(&liveupdate_miscdev);
	if (ret)
		pr_err("no /dev/liveupdate: %d\n", ret);
	return 0;
}
late_initcall(liveupdate_init);

#ifdef CONFIG_LIVEUPDATE_KUNIT_TEST
#include "liveupdate_test.c"
#endif
