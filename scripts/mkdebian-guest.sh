#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian guest: Debian 12 from Debian's packages, systemd as PID 1,
# Debian's kexec-tools and kdump-tools, on an ext4 disk that the test
# kernel boots from (root=/dev/vda, no initramfs).
#
#   ~/.cache/kexec-ktest/debian-*.tar  mmdebstrap's system, one per
#                                   package list, shared by every clone
#                                   (a clean clone for CI makes no new one)
#   build/debian-guest/debian.img   the disk: that system, the test kernel
#                                   in /boot with its modules, and the
#                                   ktest agent (scripts/guest/debian/);
#                                   made again when any of them changes
#
# Each boot gets a copy of the disk (scripts/ktest.py), so the image
# itself stays as made.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/build/debian-guest
kernel=$top/out/x86_64
agent=$top/scripts/guest/debian
suite=bookworm
packages=(systemd systemd-sysv udev dbus kexec-tools kdump-tools initramfs-tools
	procps e2fsprogs kmod)

cache=${XDG_CACHE_HOME:-$HOME/.cache}/kexec-ktest
mkdir -p "$dir" "$cache"
list_id=$(printf '%s\n' "$suite" "${packages[@]}" | sha256sum | cut -c1-16)
rootfs=$cache/debian-$suite-$list_id.tar
if [[ ! -f $rootfs ]]; then
	echo "debian-guest: mmdebstrap $suite (${packages[*]})"
	if ! mmdebstrap --variant=minbase --mode=root --include="$(IFS=,; echo "${packages[*]}")" \
		"$suite" "$rootfs.tmp" > "$dir/mmdebstrap.log" 2>&1; then
		echo "debian-guest: mmdebstrap failed; last lines of ${dir#"$top"/}/mmdebstrap.log:" >&2
		tail -n 20 "$dir/mmdebstrap.log" | sed 's/^/  | /' >&2
		rm -f "$rootfs.tmp"
		exit 1
	fi
	mv "$rootfs.tmp" "$rootfs"
fi

release=$(ls "$kernel/modules/lib/modules")
image_id=$(echo "$rootfs" | cat - "$kernel/bzImage" "$agent"/* "$top/scripts/guest/report.sh" "$0" |
	cat - <(find "$kernel/modules" -type f -printf '%P %s %T@\n' | sort) | sha256sum | cut -d' ' -f1)
if [[ -f $dir/debian.img && $(cat "$dir/debian.id" 2>/dev/null) == "$image_id" ]]; then
	exit 0
fi

echo "debian-guest: disk image with $release"
root=$dir/root
rm -rf "$root" "$dir/debian.img" "$dir/debian.id"
mkdir "$root"
tar -xf "$rootfs" -C "$root"

install -D -m 0644 "$kernel/bzImage" "$root/boot/vmlinuz-$release"
install -m 0644 "$kernel/config" "$root/boot/config-$release"
mkdir -p "$root/lib/modules"
cp -a "$kernel/modules/lib/modules/$release" "$root/lib/modules/"
depmod -b "$root" "$release"

echo debian > "$root/etc/hostname"
# A test machine: root logs in on the console without a password.
sed -i 's/^root:[^:]*:/root::/' "$root/etc/shadow"
printf '/dev/vda\t/\text4\terrors=remount-ro\t0\t1\n' > "$root/etc/fstab"
# A fixed machine ID: no first-boot setup, and the journal has one home.
echo 6b746573742d6b657865632d64656269 > "$root/etc/machine-id"
install -D -m 0755 "$agent/ktest-agent" "$root/usr/local/sbin/ktest-agent"
install -D -m 0644 "$top/scripts/guest/report.sh" "$root/usr/lib/ktest/report.sh"
install -D -m 0644 "$agent/ktest.service" "$root/etc/systemd/system/ktest.service"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf ../ktest.service "$root/etc/systemd/system/multi-user.target.wants/ktest.service"

truncate -s 2G "$dir/debian.img.tmp"
mke2fs -q -t ext4 -L debian -d "$root" "$dir/debian.img.tmp"
mv "$dir/debian.img.tmp" "$dir/debian.img"
rm -rf "$root"
echo "$image_id" > "$dir/debian.id"
