#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build our selftests as static programs for the guest, the kselftest way:
# tools/testing/selftests/kexec/Makefile (lib.mk) in the patched tree,
# against the UAPI headers of the kernel we just built (make headers), so
# an overlaid include/uapi header is what the tests see.  Output goes to
# build/guest-bin/, which mkinitramfs.sh copies to /usr/lib/ktest/.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
src=$build/src-x86_64
obj=$build/obj-x86_64
out=$build/guest-bin

make -s -C "$src" O="$obj" ARCH=x86_64 headers >/dev/null
mkdir -p "$out"
# Only the generated C programs: the base tree's IMA scripts need an IMA
# kernel and securityfs, which the test kernel does not build.
for dir in kexec liveupdate; do
	make -s -C "$src/tools/testing/selftests/$dir" OUTPUT="$out" \
		KHDR_INCLUDES="-isystem $obj/usr/include" TEST_PROGS= TEST_FILES= all
done

# The tools the series adds, built as a user would.
make -s -C "$src/tools/kexec" OUTPUT="$out/" LDFLAGS=-static CFLAGS="-O2 -Werror" \
	KHDR_INCLUDES="-isystem $obj/usr/include"

# Guest helpers that are not selftests: they end the boot they run in.
# NAME.c is linked with the images it loads, NAME-*.S.
for helper in "$top"/scripts/guest/*.c; do
	bin=$out/$(basename "$helper" .c)
	parts=("$helper" "${helper%.c}"-*.S)
	[[ -e ${parts[1]} ]] || parts=("$helper")
	if [[ ! -x $bin ]] || [[ -n $(find "${parts[@]}" -newer "$bin") ]]; then
		gcc -static -O2 -Wall -Werror -isystem "$obj/usr/include" -o "$bin" "${parts[@]}"
	fi
done

# Libraries the guest preloads into Debian's programs.
for lib in "$top"/scripts/guest/preload/*.c; do
	so=$out/$(basename "$lib" .c).so
	if [[ ! -f $so || $lib -nt $so ]]; then
		gcc -shared -fPIC -O2 -Wall -Werror -isystem "$obj/usr/include" -o "$so" "$lib" -ldl
	fi
done
