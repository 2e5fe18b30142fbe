#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages that building the test kernels and booting
# them in QEMU need.  Silent and quick when everything is present; runs
# "apt-get update" at most once, and only when something is missing.

set -euo pipefail

packages=(
	# base tree and kernel build
	linux-source-6.12 gcc make flex bison bc libelf-dev libssl-dev
	dwarves cpio xz-utils perl python3 ccache
	# guest userspace and the emulator
	busybox-static kexec-tools makedumpfile qemu-system-x86 ovmf
	# signed kexec: the test key pair, signed bzImages
	openssl sbsigntool
	# make bench's chart
	python3-matplotlib
	# the Debian guest: its system, its disk
	mmdebstrap e2fsprogs kmod
)

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "deps: missing Debian packages: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
	echo "deps: not root; install them with:" >&2
	echo "      sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null; then
	echo "deps: apt-get not found; this project expects Debian 12" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq; then
	echo "deps: apt-get update failed" >&2
	exit 1
fi
for pkg in "${missing[@]}"; do
	if ! apt-cache show "$pkg" >/dev/null 2>&1; then
		echo "deps: package '$pkg' is not known to apt; check the sources list" >&2
		exit 1
	fi
done
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
	echo "deps: apt-get install ${missing[*]} failed" >&2
	exit 1
fi
echo "deps: installed ${missing[*]}"
