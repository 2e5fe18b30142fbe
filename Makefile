# SPDX-License-Identifier: GPL-2.0
#
# Driver for the kexec patch set: base tree + overlay -> test kernel -> QEMU.
# The kernel is built under build/ (never committed); results land in out/.
# See README.md for what each target prints.

SHELL := /bin/bash
PYTHON ?= python3
INITRD := build/initramfs-x86_64.cpio.gz
INITRD_DEBIAN := build/initramfs-debian-x86_64.cpio.gz
INITRD_DISTRO := build/initramfs-distro-x86_64.cpio.gz
INITRD_SIGNED := build/initramfs-signed-x86_64.cpio.gz

# Targets run one at a time: two kernel builds must never overlap, and each
# build uses every core by itself.
.NOTPARALLEL:

.PHONY: help deps tree kernel baseline sigforce guest-progs initramfs debian-guest run check boot bench \
	distro patches clean distclean

help:
	@echo "make run        build, boot, reboot by firmware / kexec -l / kexec -s (RUN_SAMPLES=5 each), medians"
	@echo "make check      every test tier; last line 'N passed, N failed, N skipped'"
	@echo "make kernel     out/x86_64/{bzImage,vmlinux,config}"
	@echo "make baseline   the pristine base, same config: out/baseline-x86_64/"
	@echo "make sigforce   ours and the baseline with KEXEC_SIG_FORCE: out/*-sigforce/"
	@echo "make boot SCENARIOS='kexec-l unload'   only those scenarios"
	@echo "make bench      reboot phases, ours against the baseline: out/bench/ (about 45 minutes)"
	@echo "make distro     our tree under Debian's config: build, kexec -l/-s hops (slow)"
	@echo "make patches    the series against the base, with a cover letter: out/patches/"
	@echo "make debian-guest   Debian 12 with systemd on a disk for the test kernel: build/debian-guest/"
	@echo "make clean | distclean"

deps:
	@scripts/deps.sh

tree: deps
	@scripts/prepare-tree.sh

kernel: tree
	@scripts/build-kernel.sh ours

baseline: tree
	@scripts/build-kernel.sh baseline

# Ours and the baseline with KEXEC_SIG_FORCE, for the signed-kexec tests.
sigforce: tree
	@scripts/build-kernel.sh ours-sigforce
	@scripts/build-kernel.sh baseline-sigforce

guest-progs: kernel
	@scripts/build-guest-progs.sh

initramfs: guest-progs
	@scripts/mkinitramfs.sh $(INITRD)
	@scripts/sign-test-images.sh
	@scripts/mkinitramfs.sh $(INITRD_SIGNED) --signed
	@scripts/fetch-debian-kernels.sh
	@if ls build/debian/bzImage-debian* >/dev/null 2>&1; then \
		scripts/mkinitramfs.sh $(INITRD_DEBIAN) --debian; \
	else rm -f $(INITRD_DEBIAN); fi

# Debian 12 with systemd, on a disk the test kernel boots (first time: a
# few minutes of mmdebstrap, cached in ~/.cache/kexec-ktest/).
debian-guest: kernel
	@scripts/mkdebian-guest.sh

run: initramfs
	@$(PYTHON) scripts/ktest.py run

# The baseline kernel is a kexec target: build it before the initramfs.
check: baseline sigforce initramfs debian-guest
	@$(PYTHON) scripts/ktest.py check

boot: initramfs debian-guest
	@$(PYTHON) scripts/ktest.py boot $(SCENARIOS)

# Reboot phases, ours against the baseline (not a test): out/bench/.
bench: baseline initramfs
	@$(PYTHON) scripts/bench.py

# Debian's own configuration, built and booted: about an hour from scratch
# on two cores, so not part of check (which compiles our objects under it).
distro: guest-progs
	@scripts/fetch-debian-kernels.sh
	@scripts/distro-build.sh
	@scripts/mkinitramfs.sh $(INITRD_DISTRO) --distro
	@$(PYTHON) scripts/ktest.py boot distro distro-uefi

# The series against the base tree (scripts/series.txt), checked with git
# am onto a clean copy of the base against the tree make kernel built.
patches: kernel
	@$(PYTHON) scripts/make-patches.py --check

# Keeps the extracted base tree; distclean starts over.
clean:
	rm -rf build/obj-* build/logs build/state build/host build/guest-bin \
		build/initramfs-* build/series build/series-am build/debian-guest out

distclean:
	rm -rf build out
