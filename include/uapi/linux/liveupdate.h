/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/liveupdate: files that survive a kexec reboot.
 *
 * A program opens /dev/liveupdate (one opener at a time) and creates named
 * sessions; each session is a file descriptor into which it puts the
 * files it wants to find again after the reboot, each under a token of
 * its choosing.  After a kexec reboot into a kernel that reads them, the
 * program opens /dev/liveupdate again, retrieves its sessions by name and
 * the files by token, and says when it is done with a session.
 *
 * Every argument structure starts with its own size in bytes, which the
 * caller sets.  The kernel accepts a structure longer than the one it
 * knows when the bytes it does not know are zero, and refuses it with
 * E2BIG otherwise; a structure shorter than the first version is EINVAL.
 *
 * See Documentation/admin-guide/liveupdate.rst.
 */
#ifndef _UAPI_LINUX_LIVEUPDATE_H
#define _UAPI_LINUX_LIVEUPDATE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bytes of a session name, the terminating NUL included. */
#define LIVEUPDATE_SESSION_NAME_LENGTH	64

#define LIVEUPDATE_IOCTL_TYPE		0xBA

/* Commands on /dev/liveupdate. */
enum {
	LIVEUPDATE_CMD_BASE = 0x00,
	LIVEUPDATE_CMD_CREATE_SESSION = LIVEUPDATE_CMD_BASE,
	LIVEUPDATE_CMD_RETRIEVE_SESSION = 0x01,
};

/* Commands on a session file descriptor. */
enum {
	LIVEUPDATE_CMD_SESSION_BASE = 0x40,
	LIVEUPDATE_CMD_SESSION_PRESERVE_FD = LIVEUPDATE_CMD_SESSION_BASE,
	LIVEUPDATE_CMD_SESSION_RETRIEVE_FD = 0x41,
	LIVEUPDATE_CMD_SESSION_FINISH = 0x42,
};

/**
 * struct liveupdate_ioctl_create_session - Start a session for the next kernel.
 * @size: sizeof(struct liveupdate_ioctl_create_session).
 * @fd: Out: the session, a new file descriptor (close-on-exec).
 * @name: In: the session's name, NUL-terminated, not empty, unique among
 *	the sessions of this kernel.
 *
 * The session is handed over if its file descriptor is still open when
 * the kexec reboot starts; closing it gives up everything it holds.
 */
struct liveupdate_ioctl_create_session {
	__u32 size;
	__s32 fd;
	__u8 name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

#define LIVEUPDATE_IOCTL_CREATE_SESSION					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_CREATE_SESSION)

/**
 * struct liveupdate_ioctl_retrieve_session - Take a session the previous kernel handed over.
 * @size: sizeof(struct liveupdate_ioctl_retrieve_session).
 * @fd: Out: the session, a new file descriptor (close-on-exec).
 * @name: In: the name it was created with.
 *
 * Each handed-over session can be retrieved once.
 */
struct liveupdate_ioctl_retrieve_session {
	__u32 size;
	__s32 fd;
	__u8 name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

#define LIVEUPDATE_IOCTL_RETRIEVE_SESSION				\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_RETRIEVE_SESSION)

/**
 * struct liveupdate_session_preserve_fd - Hand a file over with the session.
 * @size: sizeof(struct liveupdate_session_preserve_fd).
 * @fd: In: the file; the session keeps its own reference.
 * @token: In: the number it is retrieved by, unique in the session.
 */
struct liveupdate_session_preserve_fd {
	__u32 size;
	__s32 fd;
	__aligned_u64 token;
};

#define LIVEUPDATE_SESSION_PRESERVE_FD					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_PRESERVE_FD)

/**
 * struct liveupdate_session_retrieve_fd - Take a handed-over file.
 * @size: sizeof(struct liveupdate_session_retrieve_fd).
 * @fd: Out: the file, a new file descriptor (close-on-exec).
 * @token: In: the token it was preserved with.  Each file can be
 *	retrieved once.
 */
struct liveupdate_session_retrieve_fd {
	__u32 size;
	__s32 fd;
	__aligned_u64 token;
};

#define LIVEUPDATE_SESSION_RETRIEVE_FD					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_RETRIEVE_FD)

/**
 * struct liveupdate_session_finish - Done with a handed-over session.
 * @size: sizeof(struct liveupdate_session_finish).
 * @reserved: Not read; set it to zero.
 *
 * Files of the session nobody retrieved are freed; the session's name
 * can be used again.
 */
struct liveupdate_session_finish {
	__u32 size;
	__u32 reserved;
};

#define LIVEUPDATE_SESSION_FINISH					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_FINISH)

#endif /* _UAPI_LINUX_LIVEUPDATE_H */
