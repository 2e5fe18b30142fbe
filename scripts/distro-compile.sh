#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Compile our objects and the kernel code that calls into them under
# Debian's own 6.12 configuration, so that a break a distribution build
# would hit shows in "make check" without building a distribution kernel.
#
#   distro-compile.sh      build/src-x86_64 -> build/obj-distro
#
# The configuration is the /boot/config-* of Debian's signed 6.12 image
# (fetched with it by fetch-debian-kernels.sh), with Debian's signing keys
# left out.  Then:
#
#  1. Kconfig must keep every kexec and crash option Debian sets, except
#     the ones this series does not offer yet (KNOWN_MISSING below);
#  2. our objects compile with W=1 and without a single warning;
#  3. the in-kernel users of kexec and crash (panic, reboot, vmcore, IMA,
#     EFI, Hyper-V, KVM, Xen, pvpanic, the crash_hotplug files) compile.
#
# Prints "distro-compile: ok" or what failed, and exits non-zero on failure.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
src=$build/src-x86_64
obj=$build/obj-distro
config=$build/debian/bzImage-debian-6.12.config
log=$build/logs/distro-compile.log

# Debian sets these; this series does not offer them yet (Kconfig says why).
KNOWN_MISSING=(CONFIG_KEXEC_JUMP)

ours=(kernel/kexec.o kernel/kexec_core.o kernel/kexec_file.o kernel/kexec_handoff.o
	kernel/kexec_handoff_log.o kernel/kexec_handoff_mem.o kernel/kexec_trial.o
	kernel/crash_core.o kernel/crash_reserve.o arch/x86/kernel/machine_kexec_64.o
	arch/x86/kernel/crash.o arch/x86/kernel/kexec-bzimage64.o
	arch/x86/kernel/relocate_kernel_64.o arch/x86/purgatory/)
# Where a warning about one of our files says it is.
ours_re='(^|/)(kernel/(kexec|crash)[^/]*|arch/x86/kernel/(machine_kexec_64|crash|kexec-bzimage64|relocate_kernel_64)\.[cS]|arch/x86/purgatory/[^/]*|include/linux/kexec[^/]*\.h|arch/x86/include/asm/kexec[^/]*):'
users=(kernel/panic.o kernel/reboot.o kernel/ksysfs.o kernel/vmcore_info.o
	fs/proc/vmcore.o security/integrity/ima/ima_kexec.o
	drivers/firmware/efi/efi.o arch/x86/platform/efi/efi.o
	arch/x86/platform/efi/runtime-map.o arch/x86/kernel/reboot.o
	arch/x86/kernel/smp.o arch/x86/kernel/setup.o arch/x86/kernel/cpu/mshyperv.o
	drivers/hv/hv_common.o arch/x86/kvm/x86.o arch/x86/kvm/vmx/vmx.o
	arch/x86/xen/enlighten.o arch/x86/xen/enlighten_hvm.o
	drivers/misc/pvpanic/pvpanic.o drivers/base/cpu.o drivers/base/memory.o
	drivers/watchdog/watchdog_core.o drivers/watchdog/watchdog_dev.o
	drivers/watchdog/i6300esb.o)

if [[ ! -f $config ]]; then
	echo "distro-compile: no Debian config at ${config#"$top"/} (fetch-debian-kernels.sh)" >&2
	exit 1
fi

kmake=(make -C "$src" O="$obj" ARCH=x86_64 -j"$(nproc)")
if command -v ccache >/dev/null && [[ ${KTEST_CCACHE:-1} != 0 ]]; then
	kmake+=(CC="ccache gcc")
	export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1
fi

mkdir -p "$obj" "$build/logs"
: > "$log"
# Our Kconfig decides what olddefconfig keeps of Debian's choices; the
# options this series adds, which Debian cannot set yet, are turned on.
config_id=$(cat "$config" "$top/kernel/Kconfig.kexec" "$0" | sha256sum | cut -d' ' -f1)
if [[ ! -f $obj/.config || $(cat "$obj/.config-id" 2>/dev/null) != "$config_id" ]]; then
	cp "$config" "$obj/.config"
	"$src/scripts/config" --file "$obj/.config" \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
		--disable MODULE_SIG_ALL --enable KEXEC_HANDOFF --enable KEXEC_TRIAL
	"${kmake[@]}" -s olddefconfig >> "$log" 2>&1
	echo "$config_id" > "$obj/.config-id"
fi

failed=0
for sym in KEXEC_HANDOFF KEXEC_TRIAL; do
	if ! grep -qxF "CONFIG_$sym=y" "$obj/.config"; then
		echo "distro-compile: Kconfig refused CONFIG_$sym under Debian's config" >&2
		failed=1
	fi
done
dropped=()
while read -r line; do
	sym=${line%%=*}
	grep -qxF "$line" "$obj/.config" && continue
	[[ " ${KNOWN_MISSING[*]} " == *" $sym "* ]] && continue
	dropped+=("$line")
done < <(grep -E '^CONFIG_(KEXEC|CRASH|PROC_VMCORE|VMCORE)[A-Z0-9_]*=' "$config")
if [[ ${#dropped[@]} -ne 0 ]]; then
	echo "distro-compile: Kconfig dropped what Debian sets: ${dropped[*]}" >&2
	failed=1
fi

if ! "${kmake[@]}" prepare >> "$log" 2>&1; then
	echo "distro-compile: make prepare failed; last lines of ${log#"$top"/}:" >&2
	tail -n 20 "$log" | sed 's/^/  | /' >&2
	exit 1
fi

# W=1, and any warning in our objects is a failure.
out=$("${kmake[@]}" W=1 "${ours[@]}" 2>&1) || {
	echo "$out" >> "$log"
	echo "distro-compile: our objects do not compile:" >&2
	echo "$out" | grep -E 'error|warning' | head -n 20 | sed 's/^/  | /' >&2
	exit 1
}
echo "$out" >> "$log"
# Only our files count: host tools built on the way warn too (bison).
warnings=$(echo "$out" | grep 'warning:' | grep -E "$ours_re" || true)
if [[ -n $warnings ]]; then
	echo "distro-compile: W=1 warnings in our objects:" >&2
	echo "$warnings" | head -n 20 | sed 's/^/  | /' >&2
	failed=1
fi

if ! "${kmake[@]}" "${users[@]}" >> "$log" 2>&1; then
	echo "distro-compile: the users of kexec and crash do not compile:" >&2
	grep -E 'error' "$log" | head -n 20 | sed 's/^/  | /' >&2
	exit 1
fi

[[ $failed -eq 0 ]] || exit 1
echo "distro-compile: ok: ${#ours[@]} targets of ours (W=1) and ${#users[@]} users" \
	"under $(sed -n 's/^# Linux\/x86 \(.*\) Kernel Configuration$/\1/p' "$config")" \
	"(${config#"$top"/})"
