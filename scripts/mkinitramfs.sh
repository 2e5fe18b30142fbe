#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest initramfs: busybox-static, Debian's kexec-tools and
# makedumpfile with the shared libraries they link, our static test
# programs, the scenario init and the kernels a scenario may kexec into.
# The archive is written with the base tree's gen_init_cpio, so no root
# privileges are needed for /dev nodes.
#
#   mkinitramfs.sh OUTPUT.cpio.gz [--debian | --distro | --signed]
#
# --debian also adds Debian's kernels from build/debian/ (see
# fetch-debian-kernels.sh) as /boot/bzImage-debian*, for the one scenario
# that boots them; the other scenarios use the smaller archive.  --distro
# makes our tree built under Debian's configuration (distro-build.sh) the
# kernel every hop boots, with the modules built for it.  --signed adds
# our kernel signed by sign-test-images.sh as /boot/bzImage-signed,
# -untrusted and -snakeoil, for the signed-kexec scenarios.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
output=${1:?usage: mkinitramfs.sh OUTPUT.cpio.gz [--debian | --distro | --signed]}
with_debian=${2:-}
build=$top/build
gen_init_cpio=$build/host/gen_init_cpio
list=$output.list

mkdir -p "$build/host" "$(dirname "$output")"
if [[ ! -x $gen_init_cpio || $build/base/linux/usr/gen_init_cpio.c -nt $gen_init_cpio ]]; then
	gcc -O2 -o "$gen_init_cpio" "$build/base/linux/usr/gen_init_cpio.c"
fi

declare -A dirs=()
entries=()
add_dir() {
	local d=$1
	[[ $d == / || -n ${dirs[$d]:-} ]] && return
	add_dir "$(dirname "$d")"
	dirs[$d]=1
	entries+=("dir $d 0755 0 0")
}
add_file() {	# add_file NAME SOURCE MODE
	[[ -f $2 ]] || { echo "mkinitramfs: $2 not found" >&2; exit 1; }
	add_dir "$(dirname "$1")"
	entries+=("file $1 $2 $3 0 0")
}

for d in /bin /sbin /proc /sys /dev /tmp /boot /etc /usr/lib/ktest; do
	add_dir "$d"
done
entries+=("nod /dev/console 0600 0 0 c 5 1")
add_file /init "$top/scripts/guest/init" 0755
add_file /usr/lib/ktest/report.sh "$top/scripts/guest/report.sh" 0644
add_file /bin/busybox /bin/busybox 0755

# add_program NAME BINARY: a dynamically linked Debian program and the
# shared libraries it needs (ldd prints "name => /path (addr)" or
# "/path (addr)"; every absolute path is one), each library once.
declare -A libs=()
add_program() {
	add_file "$1" "$2" 0755
	for lib in $(ldd "$2" | grep -o '/[^ ]*'); do
		[[ -n ${libs[$lib]:-} ]] && continue
		libs[$lib]=1
		add_file "$lib" "$(readlink -f "$lib")" 0755
	done
}

add_program /sbin/kexec "$(command -v kexec || echo /usr/sbin/kexec)"
# The capture kernel of the crash scenarios writes and reads a dump.
add_program /usr/bin/makedumpfile "$(command -v makedumpfile || echo /usr/bin/makedumpfile)"

if [[ $with_debian == --distro ]]; then
	add_file /boot/bzImage "$top/out/distro/bzImage" 0644
	while read -r ko; do
		add_file "${ko#"$top/out/distro/modules"}" "$ko" 0644
	done < <(find "$top/out/distro/modules" -name '*.ko' | sort)
else
	add_file /boot/bzImage "$top/out/x86_64/bzImage" 0644
fi
if [[ $with_debian != --distro && -f $top/out/baseline-x86_64/bzImage ]]; then
	add_file /boot/bzImage-baseline "$top/out/baseline-x86_64/bzImage" 0644
fi
if [[ $with_debian == --debian ]]; then
	for k in "$build"/debian/bzImage-debian*; do
		[[ $k == *.pkg || $k == *.config ]] || add_file "/boot/$(basename "$k")" "$k" 0644
	done
	if [[ -d $build/debian/modules/lib/modules ]]; then
		while read -r ko; do
			add_file "${ko#"$build/debian/modules"}" "$ko" 0644
		done < <(find "$build/debian/modules/lib/modules" -name '*.ko' | sort)
	fi
fi
if [[ $with_debian == --signed ]]; then
	for k in "$build"/signed/bzImage-*; do
		add_file "/boot/$(basename "$k")" "$k" 0644
	done
fi
# Our kernel's modules, where modprobe and insmod look for them.
if [[ -d $top/out/x86_64/modules/lib/modules ]]; then
	while read -r ko; do
		add_file "${ko#"$top/out/x86_64/modules"}" "$ko" 0644
	done < <(find "$top/out/x86_64/modules/lib/modules" -name '*.ko' | sort)
fi
if [[ -d $build/guest-bin ]]; then
	for prog in "$build"/guest-bin/*; do
		[[ -f $prog ]] && add_file "/usr/lib/ktest/$(basename "$prog")" "$prog" 0755
	done
fi

printf '%s\n' "${entries[@]}" > "$list"
"$gen_init_cpio" "$list" | gzip -1 > "$output.tmp"
mv "$output.tmp" "$output"
