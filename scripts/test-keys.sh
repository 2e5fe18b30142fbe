#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The key pairs signed kexec is tested with, made once per checkout under
# build/keys/ and never committed:
#
#   kexec-test.key, kexec-test.crt   trusted: the certificate is built into
#                                    the test kernels' built-in keyring
#                                    (CONFIG_SYSTEM_TRUSTED_KEYS)
#   untrusted.key, untrusted.crt     a key no test kernel knows
#   trusted-keys.config              the config fragment naming the first
#   snakeoil.key, snakeoil.crt       OVMF's snakeoil key (Debian's ovmf
#                                    package, passphrase "snakeoil"), which
#                                    its Secure Boot varstore has in PK, KEK
#                                    and db, without the passphrase so that
#                                    sbsign can read it
#
# A bzImage is signed for the test kernels as it is for Secure Boot:
#
#   sbsign --key build/keys/kexec-test.key --cert build/keys/kexec-test.crt \
#          --output bzImage.signed out/x86_64/bzImage

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
keys=$top/build/keys

make_pair() {
	[[ -f $keys/$1.key && -f $keys/$1.crt ]] && return 0
	openssl req -new -x509 -newkey rsa:2048 -sha256 -nodes -days 36500 \
		-subj "/CN=$2/" -addext "extendedKeyUsage=codeSigning" \
		-keyout "$keys/$1.key.tmp" -out "$keys/$1.crt.tmp" 2>/dev/null
	mv "$keys/$1.key.tmp" "$keys/$1.key"
	mv "$keys/$1.crt.tmp" "$keys/$1.crt"
	echo "test-keys: made ${keys#"$top"/}/$1.{key,crt} ($2)"
}

mkdir -p "$keys"
make_pair kexec-test "kexec test signing key"
make_pair untrusted "kexec untrusted test key"
snakeoil=/usr/share/ovmf/PkKek-1-snakeoil
if [[ -f $snakeoil.key && ! -f $keys/snakeoil.key ]]; then
	openssl rsa -in "$snakeoil.key" -passin pass:snakeoil \
		-out "$keys/snakeoil.key.tmp" 2>/dev/null
	mv "$keys/snakeoil.key.tmp" "$keys/snakeoil.key"
	cp "$snakeoil.pem" "$keys/snakeoil.crt"
fi
frag="CONFIG_SYSTEM_TRUSTED_KEYS=\"$keys/kexec-test.crt\""
[[ $(cat "$keys/trusted-keys.config" 2>/dev/null) == "$frag" ]] ||
	echo "$frag" > "$keys/trusted-keys.config"
