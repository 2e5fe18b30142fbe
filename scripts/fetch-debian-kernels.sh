#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch the x86_64 kernels Debian ships (the signed generic flavour and the
# cloud flavour of the current linux-image-amd64, and the signed 6.12), so
# that scenarios can check that kexec_file_load() takes them and boot them.
# The bzImage is kept, and of the 6.12 also efivarfs.ko, which Debian builds
# as a module and the UEFI scenarios need:
#
#   build/debian/bzImage-debian        linux-image-amd64
#   build/debian/bzImage-debian-cloud  linux-image-cloud-amd64
#   build/debian/bzImage-debian-6.12   linux-image-6.12-amd64
#   build/debian/modules/lib/modules/RELEASE/.../efivarfs.ko
#
# and beside each bzImage its configuration, NAME.config.
#
# Needs the Debian archive (apt-get download, no root).  When it cannot be
# reached the directory stays empty and the scenario reports a skip.

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/debian
mkdir -p "$out"

# fetch METAPACKAGE NAME [MODULE...]: the image package the metapackage
# depends on, and the named modules of it (uncompressed)
fetch() {
	local meta=$1 name=$2 pkg deb tmp mod
	shift 2
	pkg=$(apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
	if [[ -z $pkg ]]; then
		echo "fetch-debian-kernels: apt knows no $meta" >&2
		return 0
	fi
	[[ -f $out/$name && $(cat "$out/$name.pkg" 2>/dev/null) == "$pkg" ]] && return 0
	tmp=$(mktemp -d)
	if ! (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1); then
		echo "fetch-debian-kernels: could not download $pkg" >&2
		rm -rf "$tmp"
		return 0
	fi
	deb=$(ls "$tmp"/*.deb)
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' './boot/config-*'
	cp "$tmp"/boot/vmlinuz-* "$out/$name"
	cp "$tmp"/boot/config-* "$out/$name.config"
	for mod in "$@"; do
		dpkg-deb --fsys-tarfile "$deb" |
			tar -x -C "$tmp" --wildcards "./lib/modules/*/$mod*"
	done
	if [[ -d $tmp/lib/modules ]]; then
		find "$tmp/lib/modules" -name '*.ko.xz' -exec xz -d {} +
		mkdir -p "$out/modules/lib"
		cp -r "$tmp/lib/modules" "$out/modules/lib/"
	fi
	echo "$pkg" > "$out/$name.pkg"
	echo "fetch-debian-kernels: $name from $pkg"
	rm -rf "$tmp"
}

fetch linux-image-amd64 bzImage-debian
fetch linux-image-cloud-amd64 bzImage-debian-cloud
fetch linux-image-6.12-amd64 bzImage-debian-6.12 kernel/fs/efivarfs/efivarfs.ko
