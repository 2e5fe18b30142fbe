#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make distro, the build half: the patched tree under Debian's own 6.12
# configuration, built as far as a distribution kernel needs our code.
#
#   distro-build.sh     build/src-x86_64 -> build/obj-distro -> out/distro/
#
#  1. distro-compile.sh: Kconfig keeps every kexec and crash option Debian
#     sets, our objects are W=1 clean, their in-kernel users compile;
#  2. vmlinux and bzImage, with LOCALVERSION=-distro;
#  3. every module that uses a symbol the kexec and crash code exports
#     (upstream's exports and ours): found in Debian's own build of the
#     same configuration, the linux-image-6.12 package, by the undefined
#     symbols of each of its modules, and built here from our tree.  The
#     module link (modpost) must find each of those symbols.
#
# The boot is scripts/ktest.py's "distro" scenario (kexec -l and kexec -s -l
# hops), on out/distro/bzImage.  From scratch this takes about an hour on
# two cores; with ccache warm, minutes.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
src=$build/src-x86_64
base=$build/base/linux
obj=$build/obj-distro
out=$top/out/distro
log=$build/logs/distro-build.log
users=$build/distro-module-users.list

"$top/scripts/distro-compile.sh"

kmake=(make -C "$src" O="$obj" ARCH=x86_64 LOCALVERSION=-distro
       KBUILD_BUILD_USER=kexec KBUILD_BUILD_HOST=ktest -j"$(nproc)")
if command -v ccache >/dev/null && [[ ${KTEST_CCACHE:-1} != 0 ]]; then
	kmake+=(CC="ccache gcc")
	export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1
fi
mkdir -p "$out" "$build/logs"
: > "$log"

echo "distro-build: vmlinux and bzImage under Debian's configuration, log in ${log#"$top"/}"
if ! "${kmake[@]}" vmlinux bzImage >> "$log" 2>&1; then
	echo "distro-build: the kernel does not build; last lines of ${log#"$top"/}:" >&2
	tail -n 20 "$log" | sed 's/^/  | /' >&2
	exit 1
fi
cp "$obj/arch/x86/boot/bzImage" "$out/bzImage"
cp "$obj/vmlinux" "$out/vmlinux"
cp "$obj/.config" "$out/config"

# The symbols: what the kexec and crash code exports, upstream's and ours.
exports() {
	grep -ho 'EXPORT_SYMBOL[_A-Z]*([a-z_0-9]*)' \
		"$1"/kernel/kexec*.c "$1"/kernel/crash*.c "$1"/kernel/vmcore_info.c \
		"$1"/arch/x86/kernel/crash.c "$1"/arch/x86/kernel/machine_kexec_64.c \
		"$1"/arch/x86/kernel/kexec-bzimage64.c 2>/dev/null |
		sed 's/.*(\(.*\))/\1/'
}
mapfile -t symbols < <({ exports "$base"; exports "$src"; } | sort -u)

# The modules Debian builds that use them, found once per Debian package.
pkg=$(apt-cache depends linux-image-6.12-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
if [[ -z $pkg ]]; then
	echo "distro-build: apt knows no linux-image-6.12-amd64" >&2
	exit 1
fi
if [[ ! -f $users || $(head -n1 "$users") != "# $pkg ${symbols[*]}" ]]; then
	echo "distro-build: looking for users of ${symbols[*]} among the modules of $pkg"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) || {
		echo "distro-build: could not download $pkg" >&2
		exit 1
	}
	dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" --wildcards './lib/modules/*'
	{
		echo "# $pkg ${symbols[*]}"
		find "$tmp/lib/modules" -name '*.ko.xz' | sort | while read -r ko; do
			xz -dc "$ko" > "$tmp/one.ko"
			undefined=$(nm -u "$tmp/one.ko" | awk '{print $2}')
			for sym in "${symbols[@]}"; do
				if grep -qx "$sym" <<< "$undefined"; then
					# .../lib/modules/RELEASE/kernel/DIR/NAME.ko.xz -> DIR/NAME.ko
					rel=${ko#"$tmp"/lib/modules/*/kernel/}
					echo "${rel%.xz} $sym"
				fi
			done
		done
	} > "$users.tmp"
	mv "$users.tmp" "$users"
fi
mapfile -t modules < <(grep -v '^#' "$users" | cut -d' ' -f1 | sort -u)
if [[ ${#modules[@]} -eq 0 ]]; then
	echo "distro-build: no module of $pkg uses ${symbols[*]}: nothing to check" >&2
	exit 1
fi

echo "distro-build: ${#modules[@]} modules use them: ${modules[*]}"
# And what the boot needs that Debian builds as a module: the state disk,
# efivarfs (UEFI), the driver of QEMU's pvpanic device.
boot_modules=(drivers/block/virtio_blk.ko fs/efivarfs/efivarfs.ko
	drivers/misc/pvpanic/pvpanic-mmio.ko)
# modpost sees vmlinux and these modules only, not the modules they depend
# on: it may only warn, and a warning about one of our symbols fails.
if ! "${kmake[@]}" KBUILD_MODPOST_WARN=1 "${modules[@]}" "${boot_modules[@]}" \
		>> "$log" 2>&1; then
	echo "distro-build: the modules do not build; last lines of ${log#"$top"/}:" >&2
	tail -n 20 "$log" | sed 's/^/  | /' >&2
	exit 1
fi
for sym in "${symbols[@]}"; do
	if grep -E "modpost: \"$sym\" .* undefined!" "$log" >&2; then
		echo "distro-build: $sym is used by a module but not exported" >&2
		exit 1
	fi
done
# Where the boot's initramfs takes them from, efivarfs too (UEFI boots).
release=$(cat "$obj/include/config/kernel.release")
rm -rf "$out/modules"
for ko in "${modules[@]}" "${boot_modules[@]}"; do
	[[ -f $obj/$ko ]] || { echo "distro-build: $ko was not built" >&2; exit 1; }
	mkdir -p "$out/modules/lib/modules/$release/kernel/$(dirname "$ko")"
	cp "$obj/$ko" "$out/modules/lib/modules/$release/kernel/$ko"
done
echo "distro-build: ok: out/distro/bzImage ($release)" \
	"and ${#modules[@]} modules that use the kexec and crash exports"
