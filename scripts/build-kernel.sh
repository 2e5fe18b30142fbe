#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a test kernel out of tree.
#
#   build-kernel.sh ours       build/src-x86_64 -> out/x86_64/
#   build-kernel.sh baseline   pristine base    -> out/baseline-x86_64/
#   build-kernel.sh ours-sigforce | baseline-sigforce
#                              the same with configs/sigforce.config merged
#                              too (KEXEC_SIG_FORCE) -> out/*-sigforce/
#
# Both use the same configuration: "make tinyconfig" with
# configs/x86_64.config merged on top, and the test signing key's
# certificate (scripts/test-keys.sh) as a built-in trusted key.  The .config is regenerated only when
# the fragment or the base changes, so an unchanged tree is a no-op build.
# Every option the fragment names is checked in the result.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
variant=${1:?usage: build-kernel.sh ours|baseline}
build=$top/build
frag=$top/configs/x86_64.config

extra=()
case $variant in
*-sigforce) extra=("$top/configs/sigforce.config") ;;
esac
case $variant in
ours | ours-sigforce)
	src=$build/src-x86_64; obj=$build/obj-x86_64; out=$top/out/x86_64; lv=-kx ;;
baseline | baseline-sigforce)
	src=$build/base/linux; obj=$build/obj-baseline-x86_64; out=$top/out/baseline-x86_64; lv=-base ;;
*) echo "build-kernel: unknown variant '$variant'" >&2; exit 2 ;;
esac
if [[ ${#extra[@]} -ne 0 ]]; then
	obj+=-sigforce out+=-sigforce
fi
[[ -d $src ]] || { echo "build-kernel: $src missing (make tree)" >&2; exit 1; }

kmake=(make -C "$src" O="$obj" ARCH=x86_64 LOCALVERSION="$lv"
       KBUILD_BUILD_USER=kexec KBUILD_BUILD_HOST=ktest
       -j"$(nproc)")
if command -v ccache >/dev/null && [[ ${KTEST_CCACHE:-1} != 0 ]]; then
	kmake+=(CC="ccache gcc")
	# Hash paths relative to the checkout, so a fresh clone elsewhere
	# (CI) hits the cache filled by an earlier build.
	export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1
fi

# The signing test key's certificate goes into the built-in keyring.
"$top/scripts/test-keys.sh"
keyfrag=$build/keys/trusted-keys.config

mkdir -p "$obj" "$out"
config_id=$(cat "$frag" "$keyfrag" "${extra[@]}" "$src/kernel/Kconfig.kexec" "$build/base/VERSION" |
	sha256sum | cut -d' ' -f1)
if [[ ! -f $obj/.config || $(cat "$obj/.config-id" 2>/dev/null) != "$config_id" ]]; then
	echo "build-kernel: configuring $variant"
	"${kmake[@]}" -s tinyconfig >/dev/null
	KCONFIG_CONFIG=$obj/.config "$src/scripts/kconfig/merge_config.sh" \
		-m -O "$obj" "$obj/.config" "$frag" "$keyfrag" "${extra[@]}" >/dev/null
	"${kmake[@]}" -s olddefconfig >/dev/null

	dropped=()
	while read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$obj/.config" || dropped+=("$line") ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *}
			grep -q "^$sym=" "$obj/.config" && dropped+=("$line") ;;
		esac
	done < <(cat "$frag" "$keyfrag" "${extra[@]}")
	if [[ ${#dropped[@]} -ne 0 && $variant == baseline* ]]; then
		# Options of our own Kconfig do not exist upstream.
		echo "build-kernel: baseline lacks: ${dropped[*]}"
	elif [[ ${#dropped[@]} -ne 0 ]]; then
		echo "build-kernel: Kconfig did not keep these options of $frag:" >&2
		printf '  %s\n' "${dropped[@]}" >&2
		rm -f "$obj/.config-id"
		exit 1
	fi
	echo "$config_id" > "$obj/.config-id"
fi

# The full kbuild output goes to a log; KTEST_VERBOSE=1 shows it live.
log=$build/logs/build-$variant.log
mkdir -p "$build/logs"
echo "build-kernel: building $variant ($(cat "$build/base/VERSION")), log in ${log#"$top"/}"
# Modules too: modpost is what fails when a symbol a module uses is not
# exported.
targets=(bzImage)
# The KEXEC_SIG_FORCE kernels only run the signature tests: no modules.
[[ $variant != *-sigforce ]] && grep -qx CONFIG_MODULES=y "$obj/.config" && targets+=(modules)
if [[ ${KTEST_VERBOSE:-0} == 1 ]]; then
	"${kmake[@]}" "${targets[@]}" 2>&1 | tee "$log"
elif ! "${kmake[@]}" "${targets[@]}" > "$log" 2>&1; then
	echo "build-kernel: the $variant build failed; last lines of ${log#"$top"/}:" >&2
	tail -n 40 "$log" | sed 's/^/  | /' >&2
	exit 1
fi

# Publish; keep the old mtime when nothing changed.
publish() {
	cmp -s "$1" "$2" || cp "$1" "$2"
}
publish "$obj/arch/x86/boot/bzImage" "$out/bzImage"
publish "$obj/vmlinux" "$out/vmlinux"
publish "$obj/.config" "$out/config"
publish "$build/base/VERSION" "$out/BASE_VERSION"
# The modules, as /lib/modules/RELEASE/ under out/.../modules.  Unsigned:
# the test kernel refuses the signatures modules_install gives them (with
# ENOENT from the signature check), and loads them unsigned, tainted.
if [[ ${targets[*]} == *modules* ]]; then
	rm -rf "$out/modules"
	"${kmake[@]}" -s INSTALL_MOD_PATH="$out/modules" INSTALL_MOD_STRIP=1 \
		CONFIG_MODULE_SIG_ALL= DEPMOD=true modules_install >/dev/null
fi
echo "build-kernel: $variant -> ${out#"$top"/}/bzImage ($("${kmake[@]}" -s kernelrelease))"
