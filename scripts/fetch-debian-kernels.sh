#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch the x86_64 kernels Debian ships (the signed generic flavour and the
# cloud flavour of the current linux-image-amd64), so that a scenario can
# check that kexec_file_load() takes them.  Only the bzImage is kept:
#
#   build/debian/bzImage-debian        linux-image-amd64
#   build/debian/bzImage-debian-cloud  linux-image-cloud-amd64
#
# Needs the Debian archive (apt-get download, no root).  When it cannot be
# reached the directory stays empty and the scenario reports a skip.

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/debian
mkdir -p "$out"

# fetch METAPACKAGE NAME: the image package the metapackage depends on
fetch() {
	local meta=$1 name=$2 pkg deb tmp
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
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*'
	cp "$tmp"/boot/vmlinuz-* "$out/$name"
	echo "$pkg" > "$out/$name.pkg"
	echo "fetch-debian-kernels: $name from $pkg"
	rm -rf "$tmp"
}

fetch linux-image-amd64 bzImage-debian
fetch linux-image-cloud-amd64 bzImage-debian-cloud
