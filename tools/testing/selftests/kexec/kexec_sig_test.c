// SPDX-License-Identifier: GPL-2.0
/*
 * Signed kexec_file_load() (KEXEC_SIG, KEXEC_BZIMAGE_VERIFY_SIG): which
 * kernels load, with and without lockdown.
 *
 * The boot's initramfs holds the test kernel as built (a bzImage with no
 * signature), signed with the test key whose certificate is built into
 * the kernel (/boot/bzImage-signed) and signed with a key the kernel does
 * not know (/boot/bzImage-untrusted).  From the signed one this program
 * makes two more: one whose signature value is damaged and one changed
 * after it was signed.
 *
 * A signature that verifies is always enough.  One that does not is
 * refused with the verifier's errno where signatures are enforced, else
 * with EPERM under lockdown, else accepted.  The boot says in the
 * environment which case it is: ksig=enforced for KEXEC_SIG_FORCE,
 * ksig=secureboot under UEFI Secure Boot, where IMA's policy enforces
 * signatures, the kernel is locked down from the start and IMA refuses
 * kexec_load() with EACCES before lockdown does.  Lockdown cannot be
 * lifted, so its tests come last.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kexec.h>

#include "../kselftest_harness.h"
#include "kexec_util.h"

#define UNSIGNED	"/boot/bzImage"
#define SIGNED		"/boot/bzImage-signed"
#define UNTRUSTED	"/boot/bzImage-untrusted"
#define DAMAGED		"/tmp/bzImage-damaged-signature"
#define CHANGED		"/tmp/bzImage-changed-after-signing"
#define CHANGED_AT	0x1000	/* the byte changed, in the setup code */
#define LOCKDOWN	"/sys/kernel/security/lockdown"
#define PAGE		4096UL

static bool mode_is(const char *want)
{
	const char *mode = getenv("ksig");

	return mode && !strcmp(mode, want);
}

static bool secure_boot(void)
{
	return mode_is("secureboot");
}

static bool enforced(void)
{
	return mode_is("enforced") || secure_boot();
}

/* Load @path as the kexec (or, with ON_CRASH, the crash) image: 0 or errno. */
static int load(const char *path, unsigned long flags)
{
	int fd = open(path, O_RDONLY), err;

	if (fd < 0)
		return -1;
	err = kexec_file_load_errno(fd, -1, 0, NULL,
				    flags | KEXEC_FILE_NO_INITRAMFS);
	close(fd);
	return err;
}

static int unload(unsigned long flags)
{
	return kexec_file_load_errno(-1, -1, 0, NULL, flags | KEXEC_FILE_UNLOAD);
}

/* Load and unload again: 0 when the load worked, else its errno. */
static int loads(const char *path, unsigned long flags)
{
	int err = load(path, flags);

	if (!err && unload(flags))
		return -2;
	return err;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * The file offset and size of a PE image's certificate table (data
 * directory 4 of a PE32+ optional header), where Authenticode keeps the
 * signature.  0 on success.
 */
static int cert_table(const unsigned char *pe, size_t len, size_t *off,
		      size_t *size)
{
	size_t hdr, opt, dir;

	if (len < 0x40)
		return -1;
	hdr = le32(pe + 0x3c);
	opt = hdr + 24;
	dir = opt + 112 + 4 * 8;
	if (dir + 8 > len || memcmp(pe + hdr, "PE\0\0", 4) ||
	    pe[opt] != 0x0b || pe[opt + 1] != 0x02)
		return -1;
	*off = le32(pe + dir);
	*size = le32(pe + dir + 4);
	return *off && *size && *off + *size <= len ? 0 : -1;
}

/* Write @path: the signed image with the byte at @at flipped. */
static int write_variant(const char *path, const unsigned char *pe,
			 size_t len, size_t at)
{
	unsigned char *copy = malloc(len);
	int fd, ok;

	if (!copy)
		return -1;
	memcpy(copy, pe, len);
	copy[at] ^= 0xff;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok = fd >= 0 && write(fd, copy, len) == (ssize_t)len;
	if (fd >= 0)
		close(fd);
	free(copy);
	return ok ? 0 : -1;
}

/* Make DAMAGED and CHANGED from SIGNED; 0 on success. */
static int make_variants(void)
{
	size_t off, size, len, setup;
	unsigned char *pe;
	struct stat st;
	int fd, ret = -1;

	fd = open(SIGNED, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return -1;
	len = st.st_size;
	pe = malloc(len);
	if (pe && read(fd, pe, len) == (ssize_t)len &&
	    !cert_table(pe, len, &off, &size) && size > 512) {
		/*
		 * The signature value closes the PKCS#7 blob, padded to 8
		 * bytes: 64 bytes before the end lie inside it (RSA then
		 * finds no valid padding: EINVAL).  4 KiB into the file
		 * is the real-mode setup code, past its header: the
		 * signature covers it, a 64-bit loader neither reads nor
		 * runs it, so the changed kernel still boots.
		 */
		setup = ((size_t)(pe[0x1f1] ? pe[0x1f1] : 4) + 1) * 512;
		if (!write_variant(DAMAGED, pe, len, off + size - 64) &&
		    setup > CHANGED_AT &&
		    !write_variant(CHANGED, pe, len, CHANGED_AT))
			ret = 0;
	}
	free(pe);
	close(fd);
	return ret;
}

/* What a kernel whose signature does not verify gets, @err if enforced. */
static int refused(int err, bool locked)
{
	if (enforced())
		return err;
	return locked ? EPERM : 0;
}

static int lock_down(void)
{
	static const char mode[] = "integrity";
	char now[128] = "";
	int fd = open(LOCKDOWN, O_RDONLY), ok;

	/* Secure Boot locked the kernel down already. */
	if (fd >= 0 && read(fd, now, sizeof(now) - 1) > 0 &&
	    (strstr(now, "[integrity]") || strstr(now, "[confidentiality]"))) {
		close(fd);
		return 0;
	}
	if (fd >= 0)
		close(fd);
	fd = open(LOCKDOWN, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = write(fd, mode, strlen(mode)) == (ssize_t)strlen(mode);
	close(fd);
	return ok ? 0 : -1;
}

static int kexec_load_one_page(void)
{
	static char payload[PAGE];
	struct kexec_segment seg = {
		.buf = payload, .bufsz = PAGE,
		.mem = (void *)(16UL << 20), .memsz = PAGE,
	};
	int err = kexec_load_errno(16UL << 20, 1, &seg, 0);

	if (!err)
		kexec_load_errno(0, 0, NULL, 0);
	return err;
}

TEST(the_images_are_there)
{
	ASSERT_EQ(0, access(UNSIGNED, R_OK));
	ASSERT_EQ(0, access(SIGNED, R_OK));
	ASSERT_EQ(0, access(UNTRUSTED, R_OK));
	ASSERT_EQ(0, make_variants());
}

/* Under Secure Boot, before lockdown was even asked for. */
TEST(secure_boot_locks_down)
{
	char now[128] = "";
	int fd;

	if (!secure_boot())
		SKIP(return, "not booted with Secure Boot");
	fd = open(LOCKDOWN, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, now, sizeof(now) - 1));
	close(fd);
	EXPECT_NE(NULL, strstr(now, "[integrity]"));
}

TEST(signed_kernel_loads)
{
	ASSERT_EQ(0, loads(SIGNED, 0));
}

TEST(unsigned_kernel)
{
	ASSERT_EQ(refused(ENODATA, false), loads(UNSIGNED, 0));
}

TEST(kernel_signed_by_an_unknown_key)
{
	ASSERT_EQ(refused(ENOKEY, false), loads(UNTRUSTED, 0));
}

TEST(damaged_signature)
{
	ASSERT_EQ(refused(EINVAL, false), loads(DAMAGED, 0));
}

TEST(kernel_changed_after_signing)
{
	ASSERT_EQ(refused(EKEYREJECTED, false), loads(CHANGED, 0));
}

/* A refused load leaves the loaded kernel in place. */
TEST(refusal_keeps_the_loaded_kernel)
{
	ASSERT_EQ(0, load(SIGNED, 0));
	EXPECT_EQ(refused(ENOKEY, false), load(UNTRUSTED, 0));
	EXPECT_EQ(1, read_number("/sys/kernel/kexec_loaded"));
	ASSERT_EQ(0, unload(0));
	EXPECT_EQ(0, read_number("/sys/kernel/kexec_loaded"));
}

TEST(signed_crash_kernel_loads)
{
	if (read_number("/sys/kernel/kexec_crash_size") <= 0)
		SKIP(return, "no crashkernel= reservation");
	ASSERT_EQ(0, loads(SIGNED, KEXEC_FILE_ON_CRASH));
}

TEST(lockdown)
{
	if (access(LOCKDOWN, W_OK))
		SKIP(return, "no %s", LOCKDOWN);
	ASSERT_EQ(0, lock_down());
}

TEST(locked_down_signed_kernel_loads)
{
	ASSERT_EQ(0, loads(SIGNED, 0));
}

TEST(locked_down_unsigned_kernel)
{
	ASSERT_EQ(refused(ENODATA, true), loads(UNSIGNED, 0));
}

TEST(locked_down_kernel_signed_by_an_unknown_key)
{
	ASSERT_EQ(refused(ENOKEY, true), loads(UNTRUSTED, 0));
}

TEST(locked_down_damaged_signature)
{
	ASSERT_EQ(refused(EINVAL, true), loads(DAMAGED, 0));
}

TEST(locked_down_kernel_changed_after_signing)
{
	ASSERT_EQ(refused(EKEYREJECTED, true), loads(CHANGED, 0));
}

/* The file is read and recognised before its signature is looked at. */
TEST(locked_down_errors_before_the_signature)
{
	int fd = open("/init", O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(EBADF, kexec_file_load_errno(-1, -1, 0, NULL,
					       KEXEC_FILE_NO_INITRAMFS));
	EXPECT_EQ(ENOEXEC, kexec_file_load_errno(fd, -1, 0, NULL,
						 KEXEC_FILE_NO_INITRAMFS));
	close(fd);
}

TEST(locked_down_refusal_keeps_the_loaded_kernel)
{
	ASSERT_EQ(0, load(SIGNED, 0));
	EXPECT_EQ(refused(ENODATA, true), load(UNSIGNED, 0));
	EXPECT_EQ(1, read_number("/sys/kernel/kexec_loaded"));
	/* Unloading cannot harm the kernel's integrity: it is allowed. */
	ASSERT_EQ(0, unload(0));
	EXPECT_EQ(0, read_number("/sys/kernel/kexec_loaded"));
}

TEST(locked_down_kexec_load_is_refused)
{
	EXPECT_EQ(secure_boot() ? EACCES : EPERM, kexec_load_one_page());
}

TEST(locked_down_signed_crash_kernel_loads)
{
	if (read_number("/sys/kernel/kexec_crash_size") <= 0)
		SKIP(return, "no crashkernel= reservation");
	EXPECT_EQ(refused(ENODATA, true), loads(UNSIGNED, KEXEC_FILE_ON_CRASH));
	ASSERT_EQ(0, loads(SIGNED, KEXEC_FILE_ON_CRASH));
}

TEST_HARNESS_MAIN
