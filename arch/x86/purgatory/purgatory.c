// SPDX-License-Identifier: GPL-2.0-only
/*
 * Purgatory: the last code that runs before a kernel loaded with
 * kexec_file_load() (see <asm/kexec-purgatory.h> for the contract).
 *
 * Its one job is to refuse to start a kernel whose memory was changed
 * after it was loaded, by a device still doing DMA or by a stray write of
 * the old kernel.  It recomputes the digest of each region the loader
 * listed and, on a mismatch, names the region on the serial port and
 * stops the machine, so that the failure is visible instead of becoming a
 * hang or a corrupted boot later.
 *
 * The digest is XXH64, not SHA-256: it runs at memory speed, and the
 * threat here is accidental corruption, which XXH64 detects with the same
 * practical certainty.  See Documentation/admin-guide/kexec-file.rst.
 *
 * Built freestanding and position independent: of the kernel's headers
 * only the compiler attribute macros and the contract are used.
 */

#include <linux/compiler_attributes.h>

typedef unsigned int __u32;
typedef unsigned long long __u64;

#include <asm/kexec-purgatory.h>

/* Filled in by the loader; the header's params offset points here. */
struct kexec_purgatory_params purgatory_params __section(".data.params");

#define UART_DATA	0x3f8
#define UART_LSR	(UART_DATA + 5)
#define UART_THRE	0x20

static inline void port_write(unsigned char value, unsigned short port)
{
	asm volatile("outb %0, %1" : : "a" (value), "Nd" (port));
}

static inline unsigned char port_read(unsigned short port)
{
	unsigned char value;

	asm volatile("inb %1, %0" : "=a" (value) : "Nd" (port));
	return value;
}

/* QEMU's isa-debugcon: no status to poll, and nothing when nobody listens. */
#define DEBUGCON	0xe9

static void debugcon_puts(const char *s)
{
	if (!(purgatory_params.flags & KEXEC_PURGATORY_DEBUGCON))
		return;
	for (; *s; s++)
		port_write(*s, DEBUGCON);
}

static void serial_putc(char c)
{
	unsigned int spins = 100000;

	/* Bounded: a missing UART must not hang us before the message. */
	while (!(port_read(UART_LSR) & UART_THRE) && --spins)
		asm volatile("pause");
	port_write(c, UART_DATA);
}

static void serial_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			serial_putc('\r');
		serial_putc(*s);
	}
}

static void serial_hex(__u64 value)
{
	static const char digits[] = "0123456789abcdef";
	int shift;

	serial_puts("0x");
	for (shift = 60; shift >= 0; shift -= 4)
		serial_putc(digits[(value >> shift) & 0xf]);
}

static void serial_dec(unsigned int value)
{
	char buf[12];
	int i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = '0' + value % 10;
		value /= 10;
	} while (value && i);
	serial_puts(&buf[i]);
}

/* XXH64 (seed 0), the same function as xxh64() in lib/xxhash.c. */
#define XXH_P1	0x9e3779b185ebca87ULL
#define XXH_P2	0xc2b2ae3d27d4eb4fULL
#define XXH_P3	0x165667b19e3779f9ULL
#define XXH_P4	0x85ebca77c2b2ae63ULL
#define XXH_P5	0x27d4eb2f165667c5ULL

static inline __u64 rotl64(__u64 x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline __u64 load64(const unsigned char *p)
{
	__u64 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline __u32 load32(const unsigned char *p)
{
	__u32 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline __u64 xxh_lane(__u64 acc, __u64 input)
{
	return rotl64(acc + input * XXH_P2, 31) * XXH_P1;
}

static inline __u64 xxh_fold(__u64 hash, __u64 lane)
{
	return (hash ^ xxh_lane(0, lane)) * XXH_P1 + XXH_P4;
}

static __u64 xxh64(const unsigned char *p, __u64 len)
{
	const unsigned char *end = p + len;
	__u64 h;

	if (len >= 32) {
		__u64 a = XXH_P1 + XXH_P2, b = XXH_P2, c = 0, d = -XXH_P1;

		for (; end - p >= 32; p += 32) {
			a = xxh_lane(a, load64(p));
			b = xxh_lane(b, load64(p + 8));
			c = xxh_lane(c, load64(p + 16));
			d = xxh_lane(d, load64(p + 24));
		}
		h = rotl64(a, 1) + rotl64(b, 7) + rotl64(c, 12) + rotl64(d, 18);
		h = xxh_fold(h, a);
		h = xxh_fold(h, b);
		h = xxh_fold(h, c);
		h = xxh_fold(h, d);
	} else {
		h = XXH_P5;
	}
	h += len;

	for (; end - p >= 8; p += 8)
		h = rotl64(h ^ xxh_lane(0, load64(p)), 27) * XXH_P1 + XXH_P4;
	if (end - p >= 4) {
		h = rotl64(h ^ (load32(p) * XXH_P1), 23) * XXH_P2 + XXH_P3;
		p += 4;
	}
	for (; p < end; p++)
		h = rotl64(h ^ (*p * XXH_P5), 11) * XXH_P1;

	h = (h ^ (h >> 33)) * XXH_P2;
	h = (h ^ (h >> 29)) * XXH_P3;
	return h ^ (h >> 32);
}

static void __noreturn purgatory_stop(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

/* Called by the entry code; returns only when every region matches. */
void purgatory_verify(void)
{
	const struct kexec_purgatory_params *p = &purgatory_params;
	unsigned int i;

	debugcon_puts("kexec: purgatory entered\n");
	for (i = 0; i < p->nr_regions && i < KEXEC_PURGATORY_MAX_REGIONS; i++) {
		const struct kexec_purgatory_region *r = &p->region[i];
		__u64 got = xxh64((const unsigned char *)(unsigned long)r->start, r->len);

		if (got == r->digest)
			continue;
		serial_puts("\nkexec purgatory: segment ");
		serial_dec(i);
		serial_puts(" at ");
		serial_hex(r->start);
		serial_puts(" len ");
		serial_hex(r->len);
		serial_puts(" is corrupt: digest ");
		serial_hex(got);
		serial_puts(", loaded ");
		serial_hex(r->digest);
		serial_puts("\nkexec purgatory: not starting the new kernel; halted\n");
		purgatory_stop();
	}
	debugcon_puts("kexec: purgatory checked\n");
	if (p->flags & KEXEC_PURGATORY_VERBOSE) {
		serial_puts("kexec purgatory: ");
		serial_dec(i);
		serial_puts(" segments verified\n");
	}
}
