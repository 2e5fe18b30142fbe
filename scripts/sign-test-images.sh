#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Sign the test kernel for the signed-kexec scenarios, with sbsign as a
# distribution signs for Secure Boot, into build/signed/:
#
#   bzImage-signed      the test key, which the test kernels trust
#   bzImage-untrusted   a key they do not know
#   bzImage-snakeoil    OVMF's snakeoil key (Debian's ovmf package), which
#                       its Secure Boot varstore has in db: the firmware
#                       boots it, and the kernel finds the key in its
#                       platform keyring
#   baseline-bzImage-snakeoil   the baseline kernel, signed the same way,
#                       which QEMU boots first for upstream's errno under
#                       Secure Boot (not put into the guest)
#
# Re-signed only when the kernel or a key is newer than the result.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=$top/out/x86_64/bzImage
keys=$top/build/keys
out=$top/build/signed

"$top/scripts/test-keys.sh"
mkdir -p "$out"

sign() {	# sign NAME KEY CERT [KERNEL]
	local dst=$out/$1 kernel=${4:-$kernel}
	[[ -f $dst && ! $kernel -nt $dst && ! $2 -nt $dst && ! $3 -nt $dst ]] && return 0
	local log
	if ! log=$(sbsign --key "$2" --cert "$3" --output "$dst.tmp" "$kernel" 2>&1); then
		echo "sign-test-images: sbsign failed: $log" >&2
		exit 1
	fi
	mv "$dst.tmp" "$dst"
	echo "sign-test-images: ${dst#"$top"/} ($(openssl x509 -in "$3" -noout -subject))"
}

sign bzImage-signed "$keys/kexec-test.key" "$keys/kexec-test.crt"
sign bzImage-untrusted "$keys/untrusted.key" "$keys/untrusted.crt"
if [[ -f $keys/snakeoil.key ]]; then
	sign bzImage-snakeoil "$keys/snakeoil.key" "$keys/snakeoil.crt"
	baseline=$top/out/baseline-x86_64/bzImage
	if [[ -f $baseline ]]; then
		sign baseline-bzImage-snakeoil \
			"$keys/snakeoil.key" "$keys/snakeoil.crt" "$baseline"
	fi
fi
