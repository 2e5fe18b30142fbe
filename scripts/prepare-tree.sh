#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Lay the project over the base tree.
#
#   build/base/linux      pristine Debian linux-source-6.12, extracted once
#   build/src-x86_64      base + overlay + patches/, built out of tree
#
# The working tree starts as a hard-linked copy of the pristine one.  A file
# is only ever replaced by unlinking it first, so the pristine copy is never
# written through a link.  A file whose content did not change keeps its
# mtime, so kbuild rebuilds only what an edit touched; a file that leaves
# the overlay gets a fresh copy of upstream's version back (new mtime, so it
# is rebuilt too).  build/src-x86_64.manifest lists what we placed last time.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tarball=${BASE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
build=$top/build
base=$build/base/linux
tree=$build/src-x86_64
manifest=$build/src-x86_64.manifest
stage=$build/stage-x86_64
overlay_roots=(kernel arch include Documentation tools lib mm drivers)

[[ -f $tarball ]] || { echo "tree: $tarball not found (make deps)" >&2; exit 1; }

# --- pristine base ---------------------------------------------------------
tar_id=$(stat -c '%s %Y' "$tarball")
if [[ ! -f $build/base/.extracted || $(cat "$build/base/.extracted") != "$tar_id" ]]; then
	echo "tree: extracting $(basename "$tarball")"
	rm -rf "$build/base" "$tree" "$manifest" "$build"/obj-*
	mkdir -p "$build/base.tmp" "$build/base"
	tar -xJf "$tarball" -C "$build/base.tmp"
	mv "$build/base.tmp"/linux-source-* "$base"
	rmdir "$build/base.tmp"
	kver=$(make -s -C "$base" kernelversion)
	pkg=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown)
	echo "Linux $kver (Debian linux-source-6.12 $pkg)" > "$build/base/VERSION"
	echo "$tar_id" > "$build/base/.extracted"
fi

if [[ ! -d $tree ]]; then
	cp -al "$base" "$tree.tmp"
	mv "$tree.tmp" "$tree"
	: > "$manifest"
fi

# --- desired content: overlay files, then patches on top -------------------
rm -rf "$stage"
mkdir -p "$stage"
for root in "${overlay_roots[@]}"; do
	[[ -d $top/$root ]] || continue
	(cd "$top" && find "$root" -type f ! -name '*.orig' ! -name '*.rej' -print0 |
		xargs -0 -r cp --parents -t "$stage")
done

shopt -s nullglob
for p in "$top"/patches/*.patch; do
	# Files the patch touches that the overlay does not provide start
	# from the pristine copy.
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p" | while read -r f; do
		[[ -e $stage/$f || ! -e $base/$f ]] && continue
		mkdir -p "$stage/$(dirname "$f")"
		cp "$base/$f" "$stage/$f"
	done
	if ! patch -s -p1 -d "$stage" --batch --forward --no-backup-if-mismatch < "$p"; then
		echo "tree: $(basename "$p") does not apply to $(cat "$build/base/VERSION")" >&2
		exit 1
	fi
done

# --- install into the working tree ------------------------------------------
(cd "$stage" && find . -type f | sed 's|^\./||' | sort) > "$manifest.new"
changed=0
while read -r f; do
	if ! cmp -s "$stage/$f" "$tree/$f"; then
		mkdir -p "$tree/$(dirname "$f")"
		rm -f "$tree/$f"
		cp "$stage/$f" "$tree/$f"
		changed=$((changed + 1))
	fi
done < "$manifest.new"

comm -23 "$manifest" "$manifest.new" | while read -r f; do
	rm -f "$tree/$f"
	[[ -e $base/$f ]] && cp "$base/$f" "$tree/$f"
	echo "tree: $f left the overlay; upstream's copy restored"
done
mv "$manifest.new" "$manifest"
rm -rf "$stage"

[[ $changed -eq 0 ]] || echo "tree: $changed file(s) updated from the overlay"
