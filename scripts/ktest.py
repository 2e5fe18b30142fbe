#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot the test kernels in QEMU and judge what they print.

  ktest.py check            static checks, every scenario, KUnit; summary line
  ktest.py run              the tour (firmware, kexec -l, kexec -s reboots,
                            RUN_SAMPLES of each) + median timings
  ktest.py boot NAME...     only the named scenarios (for development)
  ktest.py list             the scenario names

Every boot gets a hard timeout and its serial log under build/logs/, each
line stamped with the host's clock on arrival ("[+  12.345] ...").  The
guest init (scripts/guest/init) reports "ktest: ..." lines; KUnit prints
KTAP through printk.  A failing test prints the reason and the tail of the
log it came from.  The last line is "N passed, N failed, N skipped".

Environment: KTEST_KVM=1 uses KVM instead of TCG; KTEST_TIMEOUT scales the
per-generation timeout (seconds, default 120); KTEST_QEMU picks the binary.
"""

import hashlib
import json
import os
import re
import select
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
BUILD = TOP / 'build'
OUT = TOP / 'out'
LOGS = BUILD / 'logs'
KERNEL = OUT / 'x86_64' / 'bzImage'
INITRD = BUILD / 'initramfs-x86_64.cpio.gz'
# The same plus Debian's kernels, when scripts/fetch-debian-kernels.sh got them.
INITRD_DEBIAN = BUILD / 'initramfs-debian-x86_64.cpio.gz'
# The Debian guest's disk (scripts/mkdebian-guest.sh): systemd on ext4.
DEBIAN_DISK = BUILD / 'debian-guest' / 'debian.img'
# With our kernel signed (sign-test-images.sh): /boot/bzImage-signed etc.
INITRD_SIGNED = BUILD / 'initramfs-signed-x86_64.cpio.gz'
# make distro: our tree under Debian's configuration is the kernel of every hop.
KERNEL_DISTRO = OUT / 'distro' / 'bzImage'
INITRD_DISTRO = BUILD / 'initramfs-distro-x86_64.cpio.gz'
TAIL_LINES = 40
GEN_TIMEOUT = float(os.environ.get('KTEST_TIMEOUT', '120'))
# make run: reboots of each kind per firmware, the table shows their median.
RUN_SAMPLES = max(1, int(os.environ.get('RUN_SAMPLES', '5')))

# printk.devkmsg=on: the guest reports through /dev/kmsg, unthrottled.
BASE_APPEND = ('console=ttyS0,115200 earlyprintk=serial,ttyS0,115200 '
               'panic=-1 oops=panic printk.devkmsg=on')


# --------------------------------------------------------------------------
# Results and the summary line
# --------------------------------------------------------------------------

class Results:
    def __init__(self):
        self.counts = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}
        self.failed = []
        self.skipped = []       # (name, reason)

    def add(self, status, name, reason='', log=None):
        if status == 'SKIP' and not reason:
            status, reason = 'FAIL', 'skipped without saying why'
        if status == 'SKIP':
            self.skipped.append((name, reason))
        self.counts[status] += 1
        line = f'{status} {name}'
        if reason:
            line += f': {reason}'
        print(line, flush=True)
        if status == 'FAIL':
            self.failed.append(name)
            if log is not None:
                print_tail(log)

    def print_skips(self):
        """Every skip and its reason, right before the summary line."""
        if self.skipped:
            print(f'{len(self.skipped)} skipped:')
            for name, reason in self.skipped:
                print(f'  {name}: {reason}')

    def summary(self):
        c = self.counts
        return f"{c['PASS']} passed, {c['FAIL']} failed, {c['SKIP']} skipped"


def print_tail(log):
    try:
        lines = log.read_text(errors='replace').splitlines()
    except OSError:
        return
    print(f'---- last {min(len(lines), TAIL_LINES)} lines of {log.relative_to(TOP)} ----')
    for line in lines[-TAIL_LINES:]:
        print(f'  | {line}')
    print('----')


# --------------------------------------------------------------------------
# One QEMU run
# --------------------------------------------------------------------------

@dataclass
class Boot:
    log: Path
    lines: list = field(default_factory=list)   # (host seconds, text)
    timed_out: bool = False
    stopped: bool = False       # killed on purpose once stop_on matched
    matched: str = ''           # the line stop_on matched
    exit_code: int = 0

    def texts(self):
        return [t for _, t in self.lines]


# Debian's ovmf: the firmware, read-only, and a fresh copy of its variable
# store for each UEFI boot.
OVMF_CODE = Path('/usr/share/OVMF/OVMF_CODE_4M.fd')
OVMF_VARS = Path('/usr/share/OVMF/OVMF_VARS_4M.fd')
# Secure Boot: the SMM build, and a variable store with Secure Boot on and
# the snakeoil key in PK, KEK and db (the kernel must be signed with it).
OVMF_SB_CODE = Path('/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd')
OVMF_SB_VARS = Path('/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd')


def qemu_command(append, smp, mem, disk, allow_reset, machine, kernel, initrd,
                 uefi_vars=None, devices=(), objects=(), qmp=None,
                 secure_boot=False, cpu='', debugcon=False, swap=None):
    qemu = os.environ.get('KTEST_QEMU', 'qemu-system-x86_64')
    if secure_boot:
        # Only SMM may write the variable store then.
        machine += ',smm=on'
    cmd = [qemu, '-nodefaults', '-no-user-config', '-display', 'none',
           '-monitor', 'none',
           '-machine', machine, '-m', mem, '-smp', str(smp),
           '-kernel', str(kernel), *(['-initrd', str(initrd)] if initrd else []),
           '-append', append,
           '-drive', f'file={disk},if=virtio,format=raw',
           *(['-drive', f'file={swap},if=virtio,format=raw'] if swap else []),
           '-netdev', 'user,id=net0,restrict=on',
           '-device', 'virtio-net-pci,netdev=net0']
    if debugcon:
        # Port 0xe9 shares the serial port's stream: one clock, one order.
        cmd += ['-chardev', 'stdio,id=con,mux=on', '-serial', 'chardev:con',
                '-device', 'isa-debugcon,iobase=0xe9,chardev=con']
    else:
        cmd += ['-serial', 'stdio']
    if qmp:
        cmd += ['-qmp', f'unix:{qmp},server=on,wait=off']
    for obj in objects:
        cmd += ['-object', obj]
    for device in devices:
        cmd += ['-device', device]
    if uefi_vars:
        code = OVMF_SB_CODE if secure_boot else OVMF_CODE
        cmd += ['-drive', f'if=pflash,format=raw,unit=0,readonly=on,file={code}',
                '-drive', f'if=pflash,format=raw,unit=1,file={uefi_vars}']
    if secure_boot:
        cmd += ['-global', 'driver=cfi.pflash01,property=secure,value=on']
    if os.environ.get('KTEST_KVM') == '1':
        cmd += ['-accel', 'kvm', '-cpu', 'host']
    else:
        cmd += ['-accel', 'tcg'] + (['-cpu', cpu] if cpu else [])
    if not allow_reset:
        # A triple fault or a panic ends the run at once instead of
        # looping through the firmware until the timeout.
        cmd.append('-no-reboot')
    return cmd


class Monitor:
    """QEMU's QMP socket, for the guest's "ktest: qmp {...}" requests: the
    guest asks for hotplug (device_add) on the serial port, the harness
    does it and logs the answer."""

    def __init__(self, path):
        self.path = path
        self.sock = None
        self.pending = b''

    def _reply(self):
        while b'\n' not in self.pending:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError('QMP socket closed')
            self.pending += chunk
        line, self.pending = self.pending.split(b'\n', 1)
        return json.loads(line)

    def _answer(self):
        # Events ({"event": ...}) may come first.
        while True:
            msg = self._reply()
            if 'return' in msg or 'error' in msg:
                return msg

    def execute(self, request):
        if self.sock is None:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(10)
            self.sock.connect(str(self.path))
            self._reply()   # the greeting
            self.sock.sendall(b'{"execute": "qmp_capabilities"}\n')
            self._answer()
        self.sock.sendall(json.dumps(request).encode() + b'\n')
        return self._answer()

    def close(self):
        if self.sock is not None:
            self.sock.close()


QMP_RE = re.compile(r'ktest: qmp (\{.*\})\s*$')


def boot(name, append, timeout, smp=2, mem='512M', allow_reset=False,
         machine='pc', stop_on=None, kernel=KERNEL, initrd=INITRD, linger=0,
         uefi=False, devices=(), objects=(), qmp=False, secure_boot=False, cpu='',
         debugcon=False, swap_mib=0, rootfs=None):
    """Run QEMU to its end, the timeout, or the line stop_on matches; with
    linger, QEMU gets that many more seconds after the match to exit by
    itself (a reset, under -no-reboot).  With qmp, the guest's requests
    for the QEMU monitor are carried out (Monitor).  With rootfs, the
    first disk is a copy of that image instead of an empty state disk."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f'{name}.log'
    disk = BUILD / 'state' / f'{name}.img'
    disk.parent.mkdir(parents=True, exist_ok=True)
    if rootfs:
        subprocess.run(['cp', '--sparse=always', str(rootfs), str(disk)], check=True)
    else:
        with open(disk, 'wb') as f:
            f.truncate(1 << 20)
    swap = None
    if swap_mib:
        # A second disk, /dev/vdb, for the guest to swap to.
        swap = disk.with_suffix('.swap.img')
        with open(swap, 'wb') as f:
            f.truncate(swap_mib << 20)

    uefi_vars = None
    if uefi:
        uefi_vars = disk.with_suffix('.vars.fd')
        uefi_vars.write_bytes((OVMF_SB_VARS if secure_boot else OVMF_VARS).read_bytes())
    monitor = None
    if qmp:
        qmp_path = disk.with_suffix('.qmp')
        qmp_path.unlink(missing_ok=True)
        monitor = Monitor(qmp_path)
    cmd = qemu_command(append, smp, mem, disk, allow_reset, machine, kernel, initrd,
                       uefi_vars, devices, objects, monitor and monitor.path,
                       secure_boot, cpu, debugcon, swap)
    result = Boot(log=log)
    start = time.monotonic()
    deadline = start + timeout
    with open(log, 'w') as logf:
        logf.write('# ' + ' '.join(cmd) + '\n')
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        fd = proc.stdout.fileno()
        pending = b''
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                result.timed_out = True
                break
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            pending += chunk
            now = time.monotonic() - start
            *complete, pending = pending.split(b'\n')
            for raw in complete:
                text = raw.decode(errors='replace').rstrip('\r')
                result.lines.append((now, text))
                logf.write(f'[+{now:9.3f}] {text}\n')
                m = QMP_RE.search(text) if monitor else None
                if m:
                    try:
                        answer = monitor.execute(json.loads(m.group(1)))
                    except (OSError, ValueError) as e:
                        answer = {'error': str(e)}
                    logf.write(f'# qmp: {m.group(1)} -> {json.dumps(answer)}\n')
                if stop_on and not result.matched and stop_on.search(text):
                    result.matched = text
                    if linger:
                        deadline = min(deadline, time.monotonic() + linger)
                    else:
                        result.stopped = True
            logf.flush()
            if result.stopped:
                break
        if pending:
            text = pending.decode(errors='replace')
            result.lines.append((time.monotonic() - start, text))
            logf.write(f'[+{time.monotonic() - start:9.3f}] {text}\n')
        if result.timed_out:
            proc.kill()
            logf.write(f'# killed after the {timeout:.0f} s timeout\n')
        elif result.stopped:
            proc.kill()
            logf.write('# stopped: the line the scenario waits for arrived\n')
        result.exit_code = proc.wait()
    if monitor:
        monitor.close()
    return result


# --------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------

# Plan steps after which no generation follows: what they boot is judged
# on the serial port.
ONE_WAY = ('fault', 'corrupt', 'cr0')

RESET_GRACE = 30    # seconds a machine has to reset itself after a report


def cr0_as_booted(line):
    """The probe's CR0: protected mode and paging on, AM, WP, TS, EM off."""
    cr0 = int(re.search(r'cr0 ([0-9a-f]{16})', line).group(1), 16)
    names = {'AM': 1 << 18, 'WP': 1 << 16, 'TS': 1 << 3, 'EM': 1 << 2}
    left = [name for name, bit in names.items() if cr0 & bit]
    if left:
        return f'CR0 {cr0:#x} still has {", ".join(left)} set'
    if cr0 & 0x80000001 != 0x80000001:
        return f'CR0 {cr0:#x} lacks PG or PE'
    return ''


@dataclass
class Scenario:
    name: str
    plan: tuple = ()            # reboot method per generation
    smp: int = 2
    mem: str = '512M'
    wants_kunit: bool = False   # judge the KTAP of this boot as well
    in_check: bool = True
    must_fail: str = ''         # a control: the judge must refuse it, saying this
    needs: tuple = ()           # CONFIG_ symbols the kernel must have
    programs: tuple = ()        # test programs to run and judge (TAP)
    staged: tuple = ()          # TAP the guest's own checks relay, judged the same way
    machine: str = 'pc'
    kernels: tuple = ()         # uname -r suffix expected in each generation
    expect_serial: str = ''     # regex the console must show; QEMU stops there
    kernel: Path = KERNEL       # the image QEMU boots first
    initrd: Path = INITRD       # the initramfs it boots with
    # Test results where upstream's ABI and ours knowingly differ: on this
    # scenario they must fail, and are counted as passes for doing so.
    deviations: tuple = ()
    console_shows: tuple = ()   # regexes the console must show, each at least once
    kaslr: bool = False         # every generation must have a randomised text address
    gen_timeout: float = 0      # seconds per generation, if the default is too short
    pad_mib: int = 0            # pad each next initramfs with this many MiB
    extra: str = ''             # more kernel parameters, kept across hops
    uefi: bool = False          # boot through OVMF instead of SeaBIOS
    secure_boot: bool = False   # with Secure Boot on (uefi, machine q35)
    devices: tuple = ()         # more QEMU devices
    swap_mib: int = 0           # a second disk of this size, /dev/vdb, to swap to
    qmp: bool = False           # the guest may ask for QEMU monitor commands
    objects: tuple = ()         # and the QEMU objects they need
    resets: bool = False        # after expect_serial, the machine resets itself
    cpu: str = ''               # QEMU's -cpu under TCG (KVM takes the host's)
    # Does each kexec hop (not a crash) run the new kernel's decompressor:
    # 'always', 'never' (kexec_file_load unpacked it at load), '' unjudged.
    decompressor: str = ''
    paging: tuple = ()          # page table levels expected in each generation
    debugcon: bool = False      # QEMU's isa-debugcon on port 0xe9, into the log
    rootfs: Path = None         # boot this disk image (root=/dev/vda), not an initramfs
    # A check of the line expect_serial matched: '' or why it is wrong.
    serial_check: object = None

    @property
    def generations(self):
        return len([m for m in self.plan if m not in ONE_WAY]) + 1

    def append(self):
        parts = [BASE_APPEND, f'ktest={self.name}', 'gen=1']
        if self.plan:
            parts.append('kplan=' + ','.join(self.plan))
        if self.programs:
            parts.append('ktests=' + ','.join(self.programs))
        if self.pad_mib:
            parts.append(f'kpad={self.pad_mib}')
        if self.uefi:
            parts.append('kfw=uefi')
        if self.rootfs:
            parts.append('root=/dev/vda rw')
        if self.extra:
            parts.append(self.extra)
        return ' '.join(parts)


# A 128 MiB DIMM plugged from boot, the backend of another that the guest
# has plugged over QMP, and memory offline until onlined.  (A CPU plugged
# over QMP is refused by this kernel under QEMU 7.2: "Unable to map lapic
# to logical cpu number", no hotplug CPUs counted in the MADT.)
KDUMP_HOTPLUG = dict(
    extra='crashkernel=192M memhp_default_state=offline',
    mem='512M,slots=2,maxmem=1G', qmp=True,
    objects=('memory-backend-ram,id=dimm0,size=128M',
             'memory-backend-ram,id=dimm1,size=128M'),
    devices=('pc-dimm,id=dimm0,memdev=dimm0',),
    needs=('CONFIG_CRASH_HOTPLUG',))

SCENARIOS = [
    # KUnit, and our kernel's modules against QEMU's pvpanic device.
    Scenario('boot', wants_kunit=True, devices=('pvpanic',)),
    # kexec-tools' purgatory enters the bzImage; ours enters the kernel,
    # unpacked at load.
    Scenario('kexec-l', plan=('l', 'l', 'l'), decompressor='always'),
    Scenario('kexec-s', plan=('s', 's', 's'), needs=('CONFIG_KEXEC_FILE',),
             decompressor='never'),
    # Our own minimal loader asks for KEXEC_FILE_DEBUG, so the purgatory
    # says on the console that it checked the kernel, initramfs, IMA's
    # measurement list and parameters.
    # Port 0xe9 shows the trampoline's and the purgatory's steps.
    Scenario('file-loader', plan=('m', 'm'), needs=('CONFIG_KEXEC_FILE',),
             decompressor='never', debugcon=True,
             console_shows=(r'kexec purgatory: 4 segments verified',
                            r'^kexec: trampoline entered$', r'^kexec: purgatory entered$',
                            r'^kexec: purgatory checked$',
                            r'kexec_file: loaded: 5 segments, .* nothing moves',
                            r'kexec_file: bzImage: unpacked its zstd kernel at load, '
                            r'\d+ KiB, at random addresses')),
    # Unpacking turned off: the decompressor starts each kernel, and
    # still randomises it.
    Scenario('file-packed', plan=('m', 'm'), extra='kexec_bzimage64.unpack=0',
             needs=('CONFIG_KEXEC_FILE',), decompressor='always', kaslr=True,
             console_shows=(r'kexec purgatory: 4 segments verified',
                            r'bzImage: unpacking is off; its decompressor runs at boot')),
    Scenario('file-nokaslr', plan=('m', 'm'), extra='nokaslr', needs=('CONFIG_KEXEC_FILE',),
             decompressor='never',
             console_shows=(r'unpacked its zstd kernel at load, \d+ KiB, not randomised',)),
    Scenario('file-baseline', plan=('s@baseline', 's'), needs=('CONFIG_KEXEC_FILE',),
             kernels=('-kx', '-base', '-kx')),
    Scenario('file-initrd-64M', plan=('s', 's'), mem='1G', pad_mib=64,
             needs=('CONFIG_KEXEC_FILE',)),
    # Debian's own kernels: kexec_file_load takes the signed generic and the
    # cloud flavour, and the generic one boots (into our initramfs).
    Scenario('file-debian', plan=('s@debian',), needs=('CONFIG_KEXEC_FILE',),
             initrd=INITRD_DEBIAN, kernels=('-kx', '-amd64')),
    Scenario('file-smp-1', plan=('s', 's'), smp=1, needs=('CONFIG_KEXEC_FILE',)),
    Scenario('file-smp-4', plan=('s', 's'), smp=4, needs=('CONFIG_KEXEC_FILE',)),
    Scenario('file-kaslr', plan=('s', 's'), kaslr=True, needs=('CONFIG_KEXEC_FILE',),
             decompressor='never'),
    # A CPU with LA57.  Ours is built without 5-level paging and Debian's
    # with it: into Debian's, the decompressor must run to turn it on;
    # with no5lvl it stays off and Debian's zstd kernel is unpacked.
    # (Debian's decompressor prints nothing: our loader says what it did.)
    # One CPU: once, with two, Debian's kernel met an int3 that its own
    # text patching had already removed (TCG's cross-CPU code cache?).
    Scenario('file-la57', plan=('m@debian-6.12',), cpu='qemu64,+la57', smp=1,
             needs=('CONFIG_KEXEC_FILE',), initrd=INITRD_DEBIAN,
             kernels=('-kx', '-amd64'), paging=('4', '5'),
             console_shows=(r'bzImage: it changes the paging mode; its decompressor runs at boot',)),
    # Debian's 6.1 kernel is xz-compressed.
    Scenario('file-debian-xz', plan=('m@debian',), needs=('CONFIG_KEXEC_FILE',),
             initrd=INITRD_DEBIAN, kernels=('-kx', '-amd64'),
             console_shows=(r'bzImage: unpacked its xz kernel at load, \d+ KiB, at random addresses',)),
    Scenario('file-no5lvl', plan=('m@debian-6.12',), cpu='qemu64,+la57', extra='no5lvl', smp=1,
             needs=('CONFIG_KEXEC_FILE',), initrd=INITRD_DEBIAN,
             kernels=('-kx', '-amd64'), paging=('4', '4'),
             console_shows=(r'bzImage: unpacked its zstd kernel at load, \d+ KiB, at random addresses',)),
    # The same with nothing claimed at load: every segment moves at exec.
    Scenario('file-moved', plan=('m', 'm'), extra='kexec_file.claim=0',
             needs=('CONFIG_KEXEC_FILE',),
             console_shows=(r'kexec purgatory: 4 segments verified',
                            r'kexec_file: loaded: 5 segments, .* some segments move')),
    # A segment corrupted after load: the purgatory must name it and stop,
    # whether the segment sits at its destination or waits to be moved.
    Scenario('purgatory-corrupt', plan=('corrupt',),
             needs=('CONFIG_KEXEC_FILE_CORRUPT_TEST',),
             expect_serial=r'kexec purgatory: segment 0 at 0x[0-9a-f]+ len '
                           r'0x[0-9a-f]+ is corrupt'),
    Scenario('purgatory-corrupt-moved', plan=('corrupt',), extra='kexec_file.claim=0',
             needs=('CONFIG_KEXEC_FILE_CORRUPT_TEST',),
             expect_serial=r'kexec purgatory: segment 0 at 0x[0-9a-f]+ len '
                           r'0x[0-9a-f]+ is corrupt'),
    Scenario('loop-20', plan=('l',) * 20),
    Scenario('smp-1', plan=('l', 'l'), smp=1),
    Scenario('smp-4', plan=('l', 'l'), smp=4),
    Scenario('mem-256M', plan=('l', 'l'), mem='256M'),
    # q35 keeps 2 GiB below 4 GiB: the rest of the 3 GiB lies above it.
    Scenario('mem-3G', plan=('l', 'l'), mem='3G', machine='q35',
             programs=('kexec_load_test',)),
    # Ours into the pristine base (its own kexec) and back into ours.
    Scenario('baseline', plan=('l@baseline', 'l'), kernels=('-kx', '-base', '-kx')),
    # The report, then a reset: a headless machine must come back.
    Scenario('trampoline-fault', plan=('fault',), resets=True,
             expect_serial=r'kexec: trampoline fault vector 0e cr2 0000700000000000'),
    # What the trampoline leaves in CR0 for the image it starts.
    Scenario('trampoline-cr0', plan=('cr0',),
             expect_serial=r'kexec probe: cr0 [0-9a-f]{16}', serial_check=cr0_as_booted),
    Scenario('unload'),
    Scenario('unload-file', needs=('CONFIG_KEXEC_FILE',)),
    # Every kexec_file_load() here unpacks the kernel: 100 cycles of it.
    Scenario('selftests', programs=('kexec_load_test', 'kexec_file_load_test',
                                    'kexec_fallback_test', 'kexec_trial_test'),
             gen_timeout=300),
    # The policy sysctls only tighten: a boot of their own.
    Scenario('selftests-policy', programs=('kexec_policy_test',)),
    Scenario('selftests-lockdown', programs=('kexec_lockdown_test',)),
    # Half the memory in ZONE_MOVABLE, where no claimed segment may lie, and
    # 256 MiB of virtio-mem RAM, onlined for the kernel, where no segment
    # may lie at all.
    Scenario('selftests-memory', extra='movablecore=50% memhp_default_state=online_kernel',
             mem='512M,maxmem=2G',
             devices=('virtio-mem-pci,id=vmem0,memdev=vmem0,requested-size=256M',),
             objects=('memory-backend-ram,id=vmem0,size=512M',),
             programs=('kexec_file_load_test',), needs=('CONFIG_VIRTIO_MEM',),
             gen_timeout=300),
    # Crash images and the reservation: a boot of its own, it shrinks it.
    Scenario('selftests-crash', extra='crashkernel=64M', programs=('kexec_crash_test',),
             needs=('CONFIG_CRASH_DUMP',)),
    # The same ABI tests against upstream's kexec: they must agree with it,
    # bar deliberate differences.  Upstream loads a bzImage whose payload
    # is cut short, and its KEXEC_FILE_DEBUG log reads differently.  Its
    # kexec_file_load is slow: the 100 load cycles alone take about half a
    # minute under TCG.
    Scenario('selftests-upstream',
             programs=('kexec_load_test', 'kexec_file_load_test', 'kexec_policy_test'),
             kernel=OUT / 'baseline-x86_64' / 'bzImage', gen_timeout=360,
             deviations=('file.truncated_kernel_is_enoexec',
                         'file.debug_flag_describes_the_load')),
    # Upstream drops the loaded crash image before it checks a new request;
    # a refused request leaves ours loaded.  Upstream says it keeps a crash
    # image without an ELF core header up to date; ours says it cannot.
    Scenario('selftests-crash-upstream', extra='crashkernel=64M',
             programs=('kexec_crash_test',),
             kernel=OUT / 'baseline-x86_64' / 'bzImage',
             deviations=('reserved.segment_outside_the_reservation_is_eaddrnotavail',
                         'reserved.crash_hotplug_needs_a_core_header',
                         'reserved.kexec_file_load_on_crash')),
    # Signed kexec_file_load, before and after lockdown; the same errno
    # from upstream's KEXEC_SIG.  Then a boot locked down from the start,
    # whose signed kexec -s -l and kexec -s -p hops must work.
    Scenario('selftests-sig', extra='crashkernel=64M', programs=('kexec_sig_test',),
             initrd=INITRD_SIGNED, needs=('CONFIG_KEXEC_BZIMAGE_VERIFY_SIG',)),
    Scenario('selftests-sig-upstream', extra='crashkernel=64M',
             programs=('kexec_sig_test',), initrd=INITRD_SIGNED,
             kernel=OUT / 'baseline-x86_64' / 'bzImage'),
    Scenario('sig-lockdown', plan=('s@signed', 'ps@signed'), initrd=INITRD_SIGNED, mem='1G',
             extra='lockdown=integrity crashkernel=192M',
             needs=('CONFIG_KEXEC_BZIMAGE_VERIFY_SIG', 'CONFIG_CRASH_DUMP')),
    # KEXEC_SIG_FORCE: no lockdown needed for a bad signature to be refused.
    Scenario('selftests-sig-force', extra='crashkernel=64M ksig=enforced',
             programs=('kexec_sig_test',), initrd=INITRD_SIGNED,
             kernel=OUT / 'x86_64-sigforce' / 'bzImage'),
    Scenario('selftests-sig-force-upstream', extra='crashkernel=64M ksig=enforced',
             programs=('kexec_sig_test',), initrd=INITRD_SIGNED,
             kernel=OUT / 'baseline-x86_64-sigforce' / 'bzImage'),
    # UEFI Secure Boot, with the snakeoil key in db and our kernel signed
    # with it: the kernel locks itself down, finds the key in its platform
    # keyring, and IMA's policy makes signatures mandatory.  The signed
    # hops must work; the errno must be upstream's there too.
    Scenario('uefi-secureboot', plan=('s@snakeoil', 'ps@snakeoil'), uefi=True,
             secure_boot=True, machine='q35', mem='1G',
             kernel=BUILD / 'signed' / 'bzImage-snakeoil', initrd=INITRD_SIGNED,
             extra='crashkernel=192M ksig=secureboot', programs=('kexec_sig_test',),
             needs=('CONFIG_KEXEC_BZIMAGE_VERIFY_SIG', 'CONFIG_IMA_ARCH_POLICY'),
             console_shows=(r'Secure boot enabled',
                            r'Kernel is locked down from EFI Secure Boot;',
                            r"integrity: Loaded X\.509 cert 'SnakeOil")),
    Scenario('uefi-secureboot-upstream', uefi=True, secure_boot=True, machine='q35',
             mem='1G', kernel=BUILD / 'signed' / 'baseline-bzImage-snakeoil',
             initrd=INITRD_SIGNED, extra='crashkernel=192M ksig=secureboot',
             programs=('kexec_sig_test',)),
    # IMA's measurement list, written into its segment at exec: the new
    # kernel must find the old entries, and the purgatory the segment's
    # new digest, whether the segment sits in place or moves at exec.
    # The kexec handoff: the previous kernel's log, across kexec -s hops
    # and not across a kexec -l one.
    Scenario('handoff-log', plan=('s', 's', 'l', 's'), extra='handoff.log_size=16384',
             needs=('CONFIG_KEXEC_HANDOFF',)),
    # A record damaged after the seal is discarded, the others restored.
    Scenario('handoff-corrupt', plan=('s', 's'), extra='handoff_test.corrupt=test.second',
             needs=('CONFIG_KEXEC_HANDOFF_CORRUPT_TEST',)),
    # A record that claims more than was handed over is neither read nor freed.
    Scenario('handoff-oversize', plan=('s',), extra='handoff_test.oversize=test.first',
             needs=('CONFIG_KEXEC_HANDOFF_CORRUPT_TEST',)),
    # Preserved memory: folios kept in place across three generations,
    # each with fresh bytes; left to the core to free; with damaged spans.
    # Scattered pages make more ranges than spans: the gaps are bridged,
    # then freed by the next kernel.
    Scenario('handoff-pages', plan=('s', 's', 's'),
             extra='handoff_test.pages=70 handoff_test.scatter=400',
             needs=('CONFIG_KEXEC_HANDOFF_CORRUPT_TEST',),
             console_shows=(r'handoff: handing over \d+ KiB of preserved memory: '
                            r'1[0-9]{3} ranges in 1024 spans',
                            r'handoff: \d+ KiB of preserved memory in 1[0-9]{3} ranges; '
                            r'[1-9]\d* KiB between them freed')),
    Scenario('handoff-pages-left', plan=('s', 's', 's'),
             extra='handoff_test.pages=70 handoff_test.restore=0',
             needs=('CONFIG_KEXEC_HANDOFF_CORRUPT_TEST',)),
    Scenario('handoff-pages-damaged', plan=('s',),
             extra='handoff_test.pages=70 handoff_test.corrupt=handoff.spans',
             needs=('CONFIG_KEXEC_HANDOFF_CORRUPT_TEST',)),
    # handoff.discard_preserved=1 lets the reboot into a packed kernel go on.
    Scenario('handoff-pages-discard', plan=('s',), extra='handoff_test.pages=70',
             needs=('CONFIG_KEXEC_HANDOFF_CORRUPT_TEST',)),
    # /dev/liveupdate: memfds in sessions across a chain of three kernels,
    # fresh data in each; the errno of every bad call in the first.
    Scenario('liveupdate', plan=('s', 's'), extra='liveupdate=on',
             needs=('CONFIG_LIVEUPDATE',),
             staged=('liveupdate_gen1', 'liveupdate_gen2', 'liveupdate_gen3'), kaslr=True,
             console_shows=(r'liveupdate: handing over 103 sessions with 707 files',
                            r'liveupdate: 103 sessions handed over, 707 files in them')),
    # Twenty hops with fresh memfds in each: every stage's data arrives,
    # and MemTotal and MemFree come back to the same once settled.
    Scenario('liveupdate-loop', plan=('s',) * 20, extra='liveupdate=on',
             needs=('CONFIG_LIVEUPDATE',),
             staged=tuple(f'liveupdate_gen{n}' for n in range(1, 22))),
    # A crash kernel loaded during the hop, and one loaded in the next
    # kernel while sessions hold files: the crash path ignores them.
    Scenario('liveupdate-kdump', plan=('s', 'p'), extra='liveupdate=on crashkernel=192M',
             needs=('CONFIG_LIVEUPDATE', 'CONFIG_CRASH_DUMP'),
             staged=('liveupdate_gen1', 'liveupdate_gen2')),
    # The sessions record damaged after the seal: discarded, not fatal.
    Scenario('liveupdate-corrupt', plan=('s',),
             extra='liveupdate=on handoff_test.corrupt=liveupdate.sessions',
             needs=('CONFIG_LIVEUPDATE', 'CONFIG_KEXEC_HANDOFF_CORRUPT_TEST')),
    # One handed-over memfd damaged past its own checksum, or given a
    # version no kernel reads: that file is refused, the rest restores.
    Scenario('liveupdate-damaged-chunk', plan=('s',),
             extra='liveupdate=on handoff_test.liveupdate_file=chunk',
             needs=('CONFIG_LIVEUPDATE', 'CONFIG_KEXEC_HANDOFF_CORRUPT_TEST'),
             staged=('liveupdate_gen1', 'liveupdate_gen2')),
    Scenario('liveupdate-damaged-version', plan=('s',),
             extra='liveupdate=on handoff_test.liveupdate_file=version',
             needs=('CONFIG_LIVEUPDATE', 'CONFIG_KEXEC_HANDOFF_CORRUPT_TEST'),
             staged=('liveupdate_gen1', 'liveupdate_gen2')),
    # A memfd partly in swap when the reboot begins: its pages are read
    # back and handed over with the rest.
    Scenario('liveupdate-swap', plan=('s',), extra='liveupdate=on', swap_mib=64,
             needs=('CONFIG_LIVEUPDATE', 'CONFIG_SWAP'),
             staged=('liveupdate_gen1', 'liveupdate_gen2')),
    # memfds changed after the load listed them: the two whose list still
    # holds go as listed, and so does the one the load listed again after
    # it grew; the rest are listed again at the reboot, and each arrives as
    # it was last.
    Scenario('liveupdate-changed', plan=('s',), extra='liveupdate=on',
             needs=('CONFIG_LIVEUPDATE',), staged=('liveupdate_gen1', 'liveupdate_gen2'),
             console_shows=(r'liveupdate: handing over 1 sessions with 8 files, '
                            r'3 of them ready before the reboot',)),
    # Into the baseline kernel, which reads no handoff: refused while a
    # session holds a file, then the same hop with the session closed.
    Scenario('liveupdate-baseline', plan=('s@baseline',), extra='liveupdate=on',
             needs=('CONFIG_LIVEUPDATE',), kernels=('-kx', '-base')),
    # Trial reboots (kexec-trial arm): the kernel on trial fails in each way
    # a trial catches, and the kernel it came from boots again from the
    # image it left, with the reason; memfds handed over to the failed
    # kernel, which never retrieved them, arrive in the fallback.
    Scenario('trial-panic', plan=('t', 'tfail'), extra='liveupdate=on',
             needs=('CONFIG_KEXEC_TRIAL', 'CONFIG_LIVEUPDATE'),
             staged=('liveupdate_gen1', 'liveupdate_gen3', 'liveupdate_claim1',
                     'liveupdate_claim2', 'liveupdate_claim3'),
             console_shows=(r'kexec trial: generation 1 failed \(panic\): entering the fallback',)),
    # From NMI the console is not flushed before the jump: the fallback's
    # own checks of the reason are what shows the path was taken.
    Scenario('trial-nmi', plan=('t', 'tfail'), needs=('CONFIG_KEXEC_TRIAL',)),
    # The kernel on trial reaches init and never confirms.
    Scenario('trial-deadline', plan=('t', 'tfail'), needs=('CONFIG_KEXEC_TRIAL',),
             console_shows=(r'kexec trial: generation 1 failed \(deadline\): entering the fallback',)),
    # It panics at subsys_initcall (a test knob): the fallback is generation 2.
    Scenario('trial-early', plan=('t',), needs=('CONFIG_KEXEC_TRIAL',),
             console_shows=(r'kexec trial: generation 1 failed \(panic\): entering the fallback',)),
    # Confirmed, the kernel takes the ordinary panic path: its crash kernel.
    # Confirming stops the watchdog the trial left running (generation
    # 2), unless user space holds it open (generation 3).
    Scenario('trial-confirm', plan=('t', 't', 'p'), extra='crashkernel=192M',
             devices=('i6300esb',), needs=('CONFIG_KEXEC_TRIAL', 'CONFIG_I6300ESB_WDT')),
    # The fallback damaged in the kernel on trial (a test knob): its
    # purgatory names the segment and stops.
    Scenario('trial-corrupt', plan=('t', 'tfail'), needs=('CONFIG_KEXEC_TRIAL',),
             expect_serial=r'kexec purgatory: segment 0 at 0x[0-9a-f]+ len '
                           r'0x[0-9a-f]+ is corrupt'),
    # A hang with interrupts off on the only CPU: the watchdog the old
    # kernel left running resets the machine, and the firmware boots its
    # default entry (here QEMU's -kernel), which finds the watchdog's
    # reset in its boot status.
    Scenario('trial-hang', plan=('t', 'thang'), smp=1, devices=('i6300esb',),
             needs=('CONFIG_KEXEC_TRIAL', 'CONFIG_I6300ESB_WDT'),
             console_shows=(r'watchdog0: left running for the kernel on trial',)),
    # The fallback panics in turn: an ordinary panic, which resets the
    # machine (panic=-1), not a second fallback.
    Scenario('trial-fallback-fails', plan=('t', 'tfail', 'tfail'), resets=True,
             needs=('CONFIG_KEXEC_TRIAL',),
             expect_serial=r'ktest: reboot method=trial-fallback gen=3'),
    # Debian 12 with systemd as PID 1 on an ext4 disk: it reaches
    # multi-user.target, and systemctl kexec into the same kernel (loaded
    # with kexec -s -l) reaches it again.
    Scenario('debian-systemd', plan=('sk',), rootfs=DEBIAN_DISK, gen_timeout=240,
             needs=('CONFIG_EXT4_FS', 'CONFIG_CGROUPS')),
    Scenario('ima-kexec', plan=('s', 's'), needs=('CONFIG_IMA_KEXEC',)),
    Scenario('ima-kexec-moved', plan=('s', 's'), extra='kexec_file.claim=0',
             needs=('CONFIG_IMA_KEXEC',)),
    # crashkernel= in its forms: the region must show in /proc/iomem.
    Scenario('crashkernel-size', extra='crashkernel=64M', needs=('CONFIG_CRASH_RESERVE',),
             console_shows=(r'ktest: crash kernel [0-9a-f]+-[0-9a-f]+ 64 MiB',)),
    # nokaslr: a randomised kernel could sit right at the offset.
    Scenario('crashkernel-offset', extra='crashkernel=32M@256M nokaslr',
             needs=('CONFIG_CRASH_RESERVE',),
             console_shows=(r'ktest: crash kernel 10000000-11ffffff 32 MiB',)),
    Scenario('crashkernel-range', extra='crashkernel=128M-1G:48M,1G-:96M',
             needs=('CONFIG_CRASH_RESERVE',),
             console_shows=(r'ktest: crash kernel [0-9a-f]+-[0-9a-f]+ 48 MiB',)),
    Scenario('crashkernel-high', extra='crashkernel=128M,high crashkernel=32M,low',
             mem='3G', machine='q35', needs=('CONFIG_CRASH_RESERVE',),
             console_shows=(r'ktest: crash kernel 1[0-9a-f]{8}-[0-9a-f]+ 128 MiB',
                            r'ktest: crash kernel [0-9a-f]{1,8}-[0-9a-f]{1,8} 32 MiB')),
    # An offset where there is no RAM: nothing is reserved, and it says so.
    Scenario('crashkernel-no-ram', extra='crashkernel=32M@3G', needs=('CONFIG_CRASH_RESERVE',),
             console_shows=(r'crashkernel: 0xc0000000-0xc1ffffff is not free RAM',
                            r'ktest: crash kernel none')),
    # A kmemleak scan while a crash image is loaded must not touch the
    # (unmapped) reservation: that would oops, and the oops start a dump.
    Scenario('kmemleak-crash', extra='crashkernel=64M kmemleak=on',
             needs=('CONFIG_CRASH_DUMP', 'CONFIG_DEBUG_KMEMLEAK')),
    # kexec -p, then a sysrq crash: the capture kernel must find the old
    # memory in /proc/vmcore, and makedumpfile the old panic in its log.
    Scenario('kdump', plan=('p',), extra='crashkernel=192M', needs=('CONFIG_CRASH_DUMP',)),
    # The same through kexec_file_load: the kernel builds the ELF core
    # header and the capture memory map, and the purgatory checks it all.
    Scenario('kdump-file', plan=('ps',), extra='crashkernel=192M',
             needs=('CONFIG_CRASH_DUMP',)),
    Scenario('kdump-file-smp-4', plan=('ps',), smp=4, extra='crashkernel=192M',
             needs=('CONFIG_CRASH_DUMP',)),
    # A stray write into the loaded crash image must fault (the
    # reservation is unmapped), and the oops start the intact image.
    Scenario('kdump-stray-write', plan=('pw',), extra='crashkernel=192M',
             needs=('CONFIG_CRASH_DUMP', 'CONFIG_KEXEC_PANIC_TEST')),
    # The same with crash_kexec_post_notifiers: the oops must not start the
    # capture kernel itself but leave that to panic(), after its notifiers.
    Scenario('kdump-post-notifiers', plan=('pw',),
             extra='crashkernel=192M crash_kexec_post_notifiers',
             needs=('CONFIG_CRASH_DUMP', 'CONFIG_KEXEC_PANIC_TEST')),
    # A panic from NMI context.
    Scenario('kdump-nmi', plan=('pn',), extra='crashkernel=192M',
             needs=('CONFIG_CRASH_DUMP', 'CONFIG_KEXEC_PANIC_TEST')),
    # Crash hotplug: between the load and the crash, QEMU plugs a DIMM (over
    # QMP) that goes online, the DIMM plugged at boot goes offline and CPU 1
    # goes down.  The kernel rewrites the loaded image's ELF core header
    # each time, and the dump must show it.  kexec-tools is made to ask for
    # it (ph), and our kexec_file_load image (psh) is kept under the
    # purgatory's check.
    Scenario('kdump-hotplug', plan=('ph',), **KDUMP_HOTPLUG),
    Scenario('kdump-hotplug-file', plan=('psh',), **KDUMP_HOTPLUG),
    Scenario('kdump-smp-4', plan=('p',), smp=4, extra='crashkernel=192M',
             needs=('CONFIG_CRASH_DUMP',)),
    # CPU 1 spins with interrupts off when CPU 0 panics: only an NMI
    # stops it, and its registers must still reach the dump.
    Scenario('kdump-spin', plan=('pspin',), extra='crashkernel=192M',
             needs=('CONFIG_CRASH_DUMP', 'CONFIG_LKDTM')),
    Scenario('kdump-spin-smp-4', plan=('pspin',), smp=4, extra='crashkernel=192M',
             needs=('CONFIG_CRASH_DUMP', 'CONFIG_LKDTM')),
    # A panic in the middle of a kexec reboot still reaches the capture
    # kernel (see Documentation/admin-guide/kexec-crash.rst).
    Scenario('kdump-in-kexec', plan=('pk',), extra='crashkernel=192M',
             needs=('CONFIG_CRASH_DUMP', 'CONFIG_KEXEC_PANIC_TEST')),
    # A panic on another CPU as the kexec reboot begins to stop the CPUs:
    # the reboot stops it (by NMI: it waits with interrupts off) and boots
    # its kernel, instead of the two CPUs stopping each other.  (The
    # reboot's "Shutting down cpus with NMI" is not printed: printk drops
    # what CPUs other than the panicking one say.)
    Scenario('kexec-stop-vs-panic', plan=('pko',), extra='crashkernel=192M',
             console_shows=(r'Kernel panic - not syncing: kexec test: panic while '
                            r'the reboot stops CPUs',),
             needs=('CONFIG_CRASH_DUMP', 'CONFIG_KEXEC_PANIC_TEST')),
    Scenario('firmware', plan=('fw',)),
    # UEFI machines: OVMF boots the first kernel through the EFI stub; every
    # kernel after a kexec must still have ACPI, every CPU, its memory and
    # working EFI runtime services (a variable written by one generation
    # is read back by the next).
    Scenario('uefi-kexec-l', plan=('l', 'l'), uefi=True),
    Scenario('uefi-kexec-s', plan=('s', 's'), uefi=True, needs=('CONFIG_KEXEC_FILE',)),
    Scenario('uefi-file-loader', plan=('m',), uefi=True, needs=('CONFIG_KEXEC_FILE',)),
    Scenario('uefi-baseline', plan=('l@baseline', 'l'), uefi=True,
             kernels=('-kx', '-base', '-kx')),
    Scenario('uefi-file-baseline', plan=('s@baseline', 's'), uefi=True,
             needs=('CONFIG_KEXEC_FILE',), kernels=('-kx', '-base', '-kx')),
    Scenario('uefi-debian', plan=('l@debian-6.12',), uefi=True, initrd=INITRD_DEBIAN,
             kernels=('-kx', '-amd64')),
    Scenario('uefi-file-debian', plan=('s@debian-6.12',), uefi=True, initrd=INITRD_DEBIAN,
             needs=('CONFIG_KEXEC_FILE',), kernels=('-kx', '-amd64')),
    Scenario('uefi-smp-4', plan=('s', 's'), smp=4, uefi=True, needs=('CONFIG_KEXEC_FILE',)),
    # Both calls in turn: each kernel must find the EFI memory attributes
    # table its predecessor kept (a garbage one has hung kexec -l here).
    Scenario('uefi-mixed-smp-4', plan=('s', 'l', 's'), smp=4, uefi=True,
             needs=('CONFIG_KEXEC_FILE',)),
    Scenario('uefi-kdump', plan=('p',), uefi=True, extra='crashkernel=192M',
             needs=('CONFIG_CRASH_DUMP',)),
    Scenario('uefi-kdump-file', plan=('ps',), uefi=True, extra='crashkernel=192M',
             needs=('CONFIG_CRASH_DUMP',)),
    Scenario('uefi-firmware', plan=('fw',), uefi=True),
    # make distro (scripts/distro-build.sh): our tree built with Debian's
    # own configuration, through both kinds of hop, on both firmwares.
    # The first generation loads the modules that use our exports.
    Scenario('distro', plan=('l', 's'), kernel=KERNEL_DISTRO, initrd=INITRD_DISTRO,
             kernels=('-distro',) * 3, devices=('pvpanic',), in_check=False),
    Scenario('distro-uefi', plan=('l', 's'), uefi=True, kernel=KERNEL_DISTRO,
             initrd=INITRD_DISTRO, kernels=('-distro',) * 3, devices=('pvpanic',),
             in_check=False),
    # make run: each way of rebooting RUN_SAMPLES times (default 5),
    # interleaved (fw, l, s, fw, l, s, ...) so that the host's load, which
    # drifts over minutes, weighs on every way alike.
    Scenario('tour', plan=tuple(m for _ in range(RUN_SAMPLES) for m in ('fw', 'l', 's')),
             in_check=False),
    Scenario('tour-uefi', plan=tuple(m for _ in range(RUN_SAMPLES) for m in ('fw', 'l', 's')),
             uefi=True, in_check=False),
    # Control for the judge itself: a hop to a kernel image that is not
    # there must be reported as a failure, with the guest's reason.
    Scenario('control-broken-hop', plan=('l@missing',),
             must_fail='guest check failed: g1 kexec -c -l staged generation 2'),
]

INIT_RE = re.compile(r'ktest: init gen=(\d+) via=(\S+)')
INIT_SIZE_RE = re.compile(r'ktest: init gen=(\d+) via=(\S+) .* cpus=(\d+) ram=(\d+) mem=(\d+)')
# MemTotal once what a generation held for user space at boot is given back.
SETTLED_RE = re.compile(r'ktest: settled gen=(\d+) mem=(\d+)(?: free=(\d+))?')
KASLR_LOST = 'Physical KASLR disabled: no suitable memory region!'
# Hops after which the decompressor finds no room for physical KASLR with
# upstream as well, as (firmware, reboot method, kernel it leaves, kernel
# it starts); '' matches any.  The decompressor randomises only above the
# address it was loaded at, so a loader that puts the kernel at the top of
# a small machine leaves it no room: upstream's kexec_file_load places
# every segment top-down (ours loads the kernel low), and the kernels
# kexec-tools loads with kexec_load lose it too, on any kernel.  And under UEFI
# a kexec'd kernel gets an EFI map of the runtime regions only, in which
# upstream's decompressor finds no RAM; ours falls back to e820
# (patches/0002-*).
KASLR_LOST_UPSTREAM = (
    ('', 'kexec-l', '', ''),
    ('', 'kexec-s', '-base', ''),
    ('uefi', '', '', '-base'),
    ('uefi', '', '', '-amd64'),
)
# A kernel that read an EFI memory attributes table its predecessor had let
# go of (patches/0003-*); upstream's kernels let it go.
MEMATTR_LOST = 'efi: memattr: Unexpected EFI Memory Attributes table version'
MEM_TOLERANCE = 0.01    # RAM and MemTotal may differ this much from the first boot
REBOOT_RE = re.compile(r'ktest: reboot method=(\S+) gen=(\d+)')
KERNEL_RE = re.compile(r'ktest: init .* kernel=(\S+)')
DONE_RE = re.compile(r'ktest: done failures=(\d+)')
NOT_OK_RE = re.compile(r'ktest: not ok (.*)')


def judge(scn, result):
    """Return '' when the boot did what the scenario promised, else why not."""
    texts = result.texts()
    gens = [int(m.group(1)) for t in texts if (m := INIT_RE.search(t))]
    bad = [m.group(1) for t in texts if (m := NOT_OK_RE.search(t))]
    done = [int(m.group(1)) for t in texts if (m := DONE_RE.search(t))]
    want = list(range(1, scn.generations + 1))

    if bad:
        return 'guest check failed: ' + '; '.join(bad)
    if scn.expect_serial:
        if not result.matched:
            return f'the console never showed /{scn.expect_serial}/' + \
                (' (timed out)' if result.timed_out else '')
        if scn.resets and result.timed_out:
            return f'the machine did not reset within {RESET_GRACE} s of the report'
        return scn.serial_check(result.matched) if scn.serial_check else ''
    kernels = [m.group(1) for t in texts if (m := KERNEL_RE.search(t))]
    for gen, (suffix, got) in enumerate(zip(scn.kernels, kernels), 1):
        if not got.endswith(suffix):
            return f'generation {gen} ran kernel {got}, expected *{suffix}'

    if gens != want[:len(gens)] or len(gens) > len(want):
        return f'generations came up as {gens}, expected {want}'
    if len(gens) < len(want):
        where = f'generation {len(gens) + 1} never reached init'
        if result.timed_out:
            return f'{where} (timed out)'
        return f'{where} (QEMU exited with {result.exit_code})'
    if not done:
        return 'init never reported done' + (' (timed out)' if result.timed_out else '')
    if result.timed_out:
        return 'timed out after done (poweroff failed?)'
    for pattern in scn.console_shows:
        if not any(re.search(pattern, t) for t in texts):
            return f'the console never showed /{pattern}/'
    why = judge_hops(texts, 'uefi' if scn.uefi else 'bios')
    if why:
        return why
    if scn.decompressor:
        why = judge_decompressor(texts, scn.decompressor)
        if why:
            return why
    if scn.paging:
        got = [m.group(2) for t in texts if (m := PAGING_RE.search(t))]
        if got != list(scn.paging):
            return f'generations ran with {got} page table levels, expected {list(scn.paging)}'
    if scn.kaslr:
        return judge_kaslr(texts)
    return ''


HANDOVER = 'kexec: handing over to the new kernel'
DECOMPRESSOR = 'Decompressing Linux...'
PAGING_RE = re.compile(r'ktest: paging gen=(\d+) levels=(\d)')


def judge_decompressor(texts, want):
    """Between each hand-off and the next kernel's first line, the
    decompressor must have run ('always') or not ('never')."""
    hops, ran, inside = 0, [], False
    for text in texts:
        if HANDOVER in text:
            inside, saw = True, False
            hops += 1
        elif inside and DECOMPRESSOR in text:
            saw = True
        elif inside and 'Linux version' in text:
            ran.append(saw)
            inside = False
    if not hops or len(ran) != hops:
        return f'saw {hops} hand-offs but {len(ran)} kernels start after them'
    if want == 'never' and any(ran):
        return f'the decompressor ran after hand-off {ran.index(True) + 1}: the kernel was not unpacked at load'
    if want == 'always' and not all(ran):
        return f'the decompressor did not run after hand-off {ran.index(False) + 1}'
    return ''


def judge_hops(texts, firmware):
    """After every hop the machine is the one that booted: every CPU online,
    System RAM within MEM_TOLERANCE of the first boot, MemTotal within it
    of the first generation that ran the same kernel (kernels of other
    sizes keep other amounts for themselves), and, unless upstream loses
    it too, room for the decompressor to randomise the physical address,
    and, after one of our kernels, an intact EFI memory attributes table.
    Capture kernels (via=kdump) are small on purpose.  A generation that
    holds memory for user space at boot (handed-over memfds) says when it
    has given it back ("settled"), and that MemTotal is the one judged.
    Generations that hand the same over again say their MemFree then too:
    over a chain, the median of its later half must not fall below the
    median of its earlier half by MEM_TOLERANCE of MemTotal, or memory
    leaks hop by hop (one generation's noise does not count)."""
    settled, free = {}, {}
    for text in texts:
        m = SETTLED_RE.search(text)
        if m:
            settled[int(m.group(1))] = int(m.group(2))
            if m.group(3):
                free[int(m.group(1))] = int(m.group(3))
    if len(free) >= 4:
        order = [free[g] for g in sorted(free)]
        half = len(order) // 2
        early, late = statistics.median(order[:half]), statistics.median(order[half:])
        if early - late > settled[min(free)] * MEM_TOLERANCE:
            return (f'MemFree once settled falls from a median of {early:.0f} kB in '
                    f'generations {min(free)}-{sorted(free)[half - 1]} to {late:.0f} kB '
                    f'after them (more than {MEM_TOLERANCE:.0%} of MemTotal)')
    first = None
    first_mem = {}
    method = 'boot'
    kernel = ''
    lost = memattr_lost = False
    for text in texts:
        if KASLR_LOST in text:
            lost = True
            continue
        if MEMATTR_LOST in text:
            memattr_lost = True
            continue
        m = REBOOT_RE.search(text)
        if m:
            method, lost, memattr_lost = m.group(1), False, False
            continue
        m = INIT_SIZE_RE.search(text)
        if not m:
            continue
        gen, via = int(m.group(1)), m.group(2)
        cpus, ram, mem = int(m.group(3)), int(m.group(4)), int(m.group(5))
        mem = settled.get(gen, mem)
        new_kernel = (KERNEL_RE.search(text) or [None, '?'])[1]
        if lost and gen > 1 and via != 'kdump' and \
                not kaslr_lost_upstream(firmware, method, kernel, new_kernel):
            return (f'generation {gen} ({new_kernel}, via {method} from {kernel}) '
                    f'lost physical KASLR: "{KASLR_LOST}"')
        if memattr_lost and gen > 1 and kernel.endswith('-kx'):
            return (f'generation {gen} ({new_kernel}, via {method} from {kernel}) '
                    f'found the EFI memory attributes table overwritten: "{MEMATTR_LOST}"')
        kernel, lost, memattr_lost = new_kernel, False, False
        if via == 'kdump':
            continue
        if first is None:
            first = (cpus, ram)
        # A kernel on trial holds its fallback until it confirms, and
        # says so when it has ("settled").
        held = via == 'kexec-t' and gen not in settled
        ref = first_mem.get(new_kernel) if held else first_mem.setdefault(new_kernel, (gen, mem))
        if cpus != first[0]:
            return f'generation {gen} has {cpus} CPUs online, the first boot had {first[0]}'
        if abs(ram - first[1]) > first[1] * MEM_TOLERANCE:
            return (f'generation {gen} has {ram} KiB of System RAM, the first boot had '
                    f'{first[1]} KiB (more than {MEM_TOLERANCE:.0%} apart)')
        if ref and not held and abs(mem - ref[1]) > ref[1] * MEM_TOLERANCE:
            return (f'generation {gen} has MemTotal {mem} kB, generation {ref[0]} of '
                    f'the same kernel had {ref[1]} kB (more than {MEM_TOLERANCE:.0%} apart)')
    return ''


def kaslr_lost_upstream(firmware, method, old, new):
    return any(fw in ('', firmware) and how in ('', method) and
               old.endswith(was) and new.endswith(now)
               for fw, how, was, now in KASLR_LOST_UPSTREAM)


KASLR_RE = re.compile(r'ktest: kaslr gen=(\d+) text=([0-9a-f]*)')
UNRANDOMISED_TEXT = 'ffffffff81000000'


def judge_kaslr(texts):
    """Each generation must report its text address; at most one may sit at
    the link address, which a random offset hits about once in 500 boots.

    Two of three generations also land on the same one of the ~490 slots
    by chance about once in 160 runs (CI saw it), so one repeat is
    allowed.  A kernel that inherits its predecessor's offset repeats it
    in every hop; all three of an honest chain agree about once in
    240000 runs."""
    found = [(m.group(1), m.group(2)) for t in texts if (m := KASLR_RE.search(t))]
    if not found or any(not addr for _, addr in found):
        return f'not every generation reported its text address: {found}'
    fixed = [gen for gen, addr in found if addr == UNRANDOMISED_TEXT]
    if len(fixed) > 1:
        return f'generations {fixed} ran at the link address: KASLR did not randomise them'
    distinct = len({addr for _, addr in found})
    # More than one repeat, or every generation at the same address.
    if distinct < len(found) - 1 or (distinct == 1 and len(found) > 1):
        return f'text addresses repeat across generations: {found}'
    return ''


def kernel_config():
    try:
        text = (OUT / 'x86_64' / 'config').read_text()
    except OSError:
        return set()
    return {line.split('=', 1)[0] for line in text.splitlines()
            if line.startswith('CONFIG_') and line.endswith('=y')}


def missing_features(scn):
    have = kernel_config()
    return [sym for sym in scn.needs if sym not in have]


def run_scenario(scn):
    timeout = max(GEN_TIMEOUT, scn.gen_timeout) * scn.generations
    stop_on = re.compile(scn.expect_serial) if scn.expect_serial else None
    return boot(scn.name, scn.append(), timeout, smp=scn.smp, mem=scn.mem,
                allow_reset='fw' in scn.plan or 'thang' in scn.plan,
                machine=scn.machine, stop_on=stop_on,
                kernel=scn.kernel, initrd=None if scn.rootfs else scn.initrd,
                linger=RESET_GRACE if scn.resets else 0, uefi=scn.uefi,
                secure_boot=scn.secure_boot,
                devices=scn.devices, objects=scn.objects, qmp=scn.qmp, cpu=scn.cpu,
                debugcon=scn.debugcon, swap_mib=scn.swap_mib, rootfs=scn.rootfs)


# --------------------------------------------------------------------------
# KTAP from KUnit
# --------------------------------------------------------------------------

PRINTK_PREFIX = re.compile(r'^\[\s*\d+\.\d+\]\s?')
KTAP_RESULT = re.compile(r'^(\s*)(ok|not ok) (\d+) ([^#]*?)\s*(?:#\s*(\S+)\s*(.*))?$')
KTAP_SUBTEST = re.compile(r'^(\s*)# Subtest: (.*)$')


def parse_ktap(texts):
    """Yield (suite.case, status, reason) for every case KUnit reported,
    and ('suite NAME', status, reason) for every suite's verdict."""
    suites = {}      # indent -> name of the subtest opened at that indent
    for text in texts:
        line = PRINTK_PREFIX.sub('', text)
        m = KTAP_SUBTEST.match(line)
        if m:
            indent = len(m.group(1))
            for deeper in [i for i in suites if i > indent]:
                del suites[deeper]
            suites[indent] = m.group(2).strip()
            continue
        m = KTAP_RESULT.match(line)
        if not m:
            continue
        if not m.group(1):
            # A top-level line is a suite's verdict.
            directive = (m.group(5) or '').upper()
            status = 'SKIP' if directive == 'SKIP' else \
                ('PASS' if m.group(2) == 'ok' else 'FAIL')
            yield f'suite {m.group(4)}', status, m.group(6) or ''
            continue
        indent = len(m.group(1))
        if indent + 4 in suites:
            del suites[indent + 4]
            continue        # the roll-up line of a parameterised case
        suite = suites.get(indent, '?')
        directive = (m.group(5) or '').upper()
        if directive == 'SKIP':
            status = 'SKIP'
        else:
            status = 'PASS' if m.group(2) == 'ok' else 'FAIL'
        yield f'{suite}.{m.group(4)}', status, m.group(6) or ''


# The suites the test kernel must run: upstream's list suites, which prove the
# wiring, and ours.
KUNIT_SUITES = ('list-kunit-test', 'hlist', 'klist', 'kexec_core', 'kexec_file_place',
                'kexec_bzimage64', 'crash_reserve', 'kexec_machine', 'kexec_handoff_format',
                'kexec_handoff_spans', 'kexec_handoff_preserve', 'liveupdate_record',
                'liveupdate_memfd_runs', 'kexec_trial')


def judge_kunit(results, result):
    found = list(parse_ktap(result.texts()))
    cases = [c for c in found if not c[0].startswith('suite ')]
    suites = {name[len('suite '):]: (status, reason)
              for name, status, reason in found if name.startswith('suite ')}
    if not cases:
        results.add('FAIL', 'kunit', 'no KTAP results in the boot log', result.log)
        return
    for name, status, reason in cases:
        results.add(status, f'kunit {name}', reason,
                    result.log if status == 'FAIL' else None)
    # A suite can fail with no failing case (its init failed, or it
    # crashed half-way): its own verdict counts then.
    for suite, (status, reason) in suites.items():
        failed_case = any(n.startswith(suite + '.') and st == 'FAIL'
                          for n, st, _ in cases)
        if status == 'FAIL' and not failed_case:
            results.add('FAIL', f'kunit suite {suite}',
                        reason or 'not ok without a failing case', result.log)
    for suite in KUNIT_SUITES:
        if suite not in suites:
            results.add('FAIL', f'kunit suite {suite}', 'never ran', result.log)


# --------------------------------------------------------------------------
# TAP from our test programs, relayed by the guest init
# --------------------------------------------------------------------------

TAP_LINE = re.compile(r'^ktest-tap (\S+): (.*)$')
TAP_PLAN = re.compile(r'^1\.\.(\d+)')
TAP_EXIT = re.compile(r'ktest: selftest (\S+) exit=(\d+)')


def judge_tap(results, result, progs, deviations=()):
    plans, cases, exits = {}, {}, {}
    for text in result.texts():
        m = TAP_EXIT.search(text)
        if m:
            exits[m.group(1)] = int(m.group(2))
            continue
        m = TAP_LINE.match(PRINTK_PREFIX.sub('', text))
        if not m:
            continue
        prog, line = m.groups()
        if (p := TAP_PLAN.match(line)):
            plans[prog] = int(p.group(1))
        elif (r := KTAP_RESULT.match(line)) and not r.group(1):
            directive = (r.group(5) or '').upper()
            status = 'SKIP' if directive == 'SKIP' else \
                ('PASS' if r.group(2) == 'ok' else 'FAIL')
            cases.setdefault(prog, []).append((r.group(4), status, r.group(6) or ''))

    for prog in progs:
        got = cases.get(prog, [])
        for name, status, reason in got:
            if name in deviations and status == 'FAIL':
                status, reason = 'PASS', 'fails here as upstream differs, as expected'
            elif name in deviations and status == 'PASS':
                status, reason = 'FAIL', 'listed as a deviation from upstream, but agrees'
            results.add(status, f'selftest {prog}.{name}', reason,
                        result.log if status == 'FAIL' else None)
        if prog not in exits:
            results.add('FAIL', f'selftest {prog}', 'never finished', result.log)
        elif prog not in plans or plans[prog] != len(got):
            results.add('FAIL', f'selftest {prog}',
                        f'{len(got)} results for a plan of {plans.get(prog)}', result.log)
        elif exits[prog] != 0 and all(s != 'FAIL' for _, s, _ in got):
            # A non-zero exit needs a failing case (a deviation counts).
            results.add('FAIL', f'selftest {prog}', f'exit {exits[prog]}', result.log)


# --------------------------------------------------------------------------
# Static checks
# --------------------------------------------------------------------------

OVERLAY_ROOTS = ('kernel', 'arch', 'include', 'Documentation', 'tools',
                 'lib', 'mm', 'drivers')


def our_sources(exts):
    out = subprocess.run(['git', '-C', str(TOP), 'ls-files', '-co',
                          '--exclude-standard', '--', *OVERLAY_ROOTS],
                         capture_output=True, text=True, check=True).stdout
    return [f for f in out.split() if f.endswith(exts)]


def static_checks(results):
    checker = TOP.parent / 'shared' / 'tools' / 'originality-check'
    if checker.exists():
        upstream = BUILD / 'base' / 'linux'
        p = subprocess.run([sys.executable, str(checker), str(TOP), str(upstream)],
                           capture_output=True, text=True)
        if p.returncode == 0:
            results.add('PASS', 'static originality-check')
        else:
            print(p.stdout + p.stderr)
            results.add('FAIL', 'static originality-check',
                        f'exit {p.returncode}')
    else:
        results.add('SKIP', 'static originality-check', f'{checker} not present')

    files = our_sources(('.c', '.h', '.S'))
    if not files:
        results.add('SKIP', 'static checkpatch', 'no C, header or assembly files yet')
    tree = BUILD / 'src-x86_64'
    for f in files:
        checkpatch(results, f, '-f', f)

    kconfig_arch_check(results)
    distro_compile_check(results)
    toctree_check(results)
    series_check(results)

    # kernel-doc exits 0 even when it warns: any output is a failure.
    for f in [f for f in files if f.endswith(('.c', '.h')) and not f.startswith('tools/')]:
        p = subprocess.run(['perl', 'scripts/kernel-doc', '-none', '-Wall', f],
                           cwd=tree, capture_output=True, text=True)
        report = (p.stdout + p.stderr).strip()
        if p.returncode == 0 and not report:
            results.add('PASS', f'static kernel-doc {f}')
        else:
            print(report)
            results.add('FAIL', f'static kernel-doc {f}', 'see the report above')


def checkpatch(results, name, *what):
    """checkpatch --strict on a file (-f FILE) or a patch, in the tree we built."""
    p = subprocess.run(['perl', 'scripts/checkpatch.pl', '--strict', '--no-tree',
                        '--terse', '--show-types', *what],
                       cwd=BUILD / 'src-x86_64', capture_output=True, text=True)
    if p.returncode == 0:
        results.add('PASS', f'static checkpatch {name}')
    else:
        print(p.stdout.rstrip())
        results.add('FAIL', f'static checkpatch {name}', 'see the report above')


def toctree_check(results):
    """Each of our documents is listed in its directory's index.rst."""
    tree = BUILD / 'src-x86_64'
    for f in our_sources(('.rst',)):
        doc = Path(f)
        index = tree / doc.parent / 'index.rst'
        listed = index.exists() and re.search(rf'^\s+{re.escape(doc.stem)}\s*$',
                                             index.read_text(), re.M)
        if listed:
            results.add('PASS', f'static toctree {f}')
        else:
            results.add('FAIL', f'static toctree {f}', f'not in a toctree of {doc.parent}/index.rst')


def series_check(results):
    """make patches writes the series, and git am of it onto a clean copy
    of the base gives the tree we built."""
    name = 'static series git am'
    p = subprocess.run([sys.executable, str(TOP / 'scripts' / 'make-patches.py'), '--check'],
                       capture_output=True, text=True)
    report = (p.stdout + p.stderr).strip()
    if p.returncode != 0:
        print(report)
        results.add('FAIL', name, 'see the report above')
        return
    results.add('PASS', name, report.splitlines()[-1])
    for patch in sorted((OUT / 'patches').glob('*.patch')):
        if not patch.name.startswith('0000-'):
            checkpatch(results, patch.name, str(patch))


def distro_compile_check(results):
    """Our objects and their users compile under Debian's own config."""
    name = 'static distro-compile'
    if not (BUILD / 'debian' / 'bzImage-debian-6.12.config').exists():
        results.add('SKIP', name, "Debian's 6.12 config could not be fetched")
        return
    p = subprocess.run([str(TOP / 'scripts' / 'distro-compile.sh')],
                       capture_output=True, text=True)
    report = (p.stdout + p.stderr).strip()
    if p.returncode == 0:
        results.add('PASS', name, report.splitlines()[-1] if report else '')
    else:
        print(report)
        results.add('FAIL', name, 'see the report above (build/logs/distro-compile.log)')


def kconfig_arch_check(results):
    """Kconfig must not offer kexec where this core has no machine layer:
    arm64's defconfig, which upstream builds with kexec, gets none here."""
    name = 'static kconfig kexec is x86_64 only'
    obj = BUILD / 'kconfig-arm64'
    obj.mkdir(parents=True, exist_ok=True)
    p = subprocess.run(['make', '-s', '-C', str(BUILD / 'src-x86_64'), f'O={obj}',
                        'ARCH=arm64', 'defconfig'], capture_output=True, text=True)
    if p.returncode != 0:
        print((p.stdout + p.stderr)[-2000:])
        results.add('FAIL', name, f'make ARCH=arm64 defconfig exited {p.returncode}')
        return
    config = (obj / '.config').read_text()
    offered = [sym for sym in ('CONFIG_KEXEC', 'CONFIG_KEXEC_FILE', 'CONFIG_CRASH_DUMP')
               if f'{sym}=y' in config.splitlines()]
    if offered:
        results.add('FAIL', name, 'arm64 defconfig still sets ' + ', '.join(offered))
    elif '# kexec: this kexec core implements x86_64 only' not in config:
        results.add('FAIL', name, 'arm64 .config does not say why kexec is missing')
    else:
        results.add('PASS', name)


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------

def check_scenarios(results, scenarios):
    for scn in scenarios:
        missing = missing_features(scn)
        if not scn.kernel.exists():
            results.add('FAIL', f'scenario {scn.name}', f'{scn.kernel} not built')
            continue
        if missing:
            results.add('SKIP', f'scenario {scn.name}',
                        'the test kernel is built without ' + ', '.join(missing))
            continue
        if scn.uefi and not (OVMF_CODE.exists() and OVMF_VARS.exists()):
            results.add('FAIL', f'scenario {scn.name}',
                        f'{OVMF_CODE} or {OVMF_VARS} missing (Debian package ovmf)')
            continue
        if not scn.initrd.exists():
            results.add('SKIP', f'scenario {scn.name}',
                        f'no {scn.initrd.name}: Debian\'s kernels could not be fetched')
            continue
        result = run_scenario(scn)
        why = judge(scn, result)
        if scn.must_fail:
            if why.startswith(scn.must_fail):
                results.add('PASS', f'scenario {scn.name}', f'refused as expected: {why}')
            else:
                results.add('FAIL', f'scenario {scn.name}',
                            f'the judge said {why!r}, expected {scn.must_fail!r}',
                            result.log)
        elif why:
            results.add('FAIL', f'scenario {scn.name}', why, result.log)
        else:
            results.add('PASS', f'scenario {scn.name}')
        if scn.wants_kunit:
            judge_kunit(results, result)
        if scn.programs or scn.staged:
            judge_tap(results, result, scn.programs + scn.staged, scn.deviations)


def bench_smoke(results):
    """make bench, once, on one configuration: so that it cannot rot."""
    import bench
    why = bench.smoke()
    results.add('FAIL' if why else 'PASS', 'bench smoke', why,
                LOGS / 'bench-ours-m-0M-smp2-bios.log' if why else None)


def cmd_check(names):
    started = time.monotonic()
    results = Results()
    if not names:
        static_checks(results)
        scenarios = [s for s in SCENARIOS if s.in_check]
    else:
        scenarios = [s for s in SCENARIOS if s.name in names]
        unknown = set(names) - {s.name for s in scenarios}
        if unknown:
            print('unknown scenario(s): ' + ', '.join(sorted(unknown)))
            return 2
    check_scenarios(results, scenarios)
    if not names:
        bench_smoke(results)
    print(f'ktest: {len(scenarios)} scenario(s) in {time.monotonic() - started:.0f} s,'
          f' logs in {LOGS.relative_to(TOP)}/')
    results.print_skips()
    print(results.summary())
    return 1 if results.counts['FAIL'] else 0


def reboot_timings(result):
    """Pair each 'reboot' line with the next kernel's first line and the
    next generation's 'init' line: (method, from gen, to gen, seconds to
    the kernel, seconds to init)."""
    rows, pending, kernel_at = [], None, None
    for t, text in result.lines:
        m = REBOOT_RE.search(text)
        if m:
            pending, kernel_at = (t, m.group(1), int(m.group(2))), None
            continue
        if pending and kernel_at is None and 'Linux version' in text:
            kernel_at = t
            continue
        m = INIT_RE.search(text)
        if m and pending and kernel_at is not None:
            rows.append((pending[1], pending[2], int(m.group(1)),
                         kernel_at - pending[0], t - pending[0]))
            pending = None
    return rows


def cmd_run():
    """The tour under SeaBIOS and under OVMF: firmware reboots, then kexec
    reboots, each timed from the last line before it to the next init;
    one row per way of rebooting, the median of its reboots."""
    tours = [next(s for s in SCENARIOS if s.name == name)
             for name in ('tour', 'tour-uefi')]
    if 'CONFIG_KEXEC_FILE' not in kernel_config():
        print('run: the test kernel has no kexec_file_load; the tour skips kexec -s')
        tours = [Scenario(t.name, plan=tuple(m for m in t.plan if m != 's'),
                          uefi=t.uefi, in_check=False) for t in tours]
    rows, failed = [], []
    for scn in tours:
        firmware = 'UEFI (OVMF)' if scn.uefi else 'BIOS (SeaBIOS)'
        result = run_scenario(scn)
        why = judge(scn, result)
        rows += [(firmware, *row) for row in reboot_timings(result)]
        if why:
            failed.append((scn, why, result))
    config = (OUT / 'x86_64' / 'config').read_bytes()
    print()
    print(f'base:   {(OUT / "x86_64" / "BASE_VERSION").read_text().strip()}')
    print(f'config: configs/x86_64.config on tinyconfig '
          f'(sha256 {hashlib.sha256(config).hexdigest()[:12]}), '
          f'{"KVM" if os.environ.get("KTEST_KVM") == "1" else "TCG"}, '
          f'{tours[0].smp} CPUs, {tours[0].mem}')
    print(f'logs:   {", ".join(str((LOGS / (t.name + ".log")).relative_to(TOP)) for t in tours)}')
    print()
    by = {}
    for firmware, method, _gfrom, _gto, to_kernel, to_init in rows:
        by.setdefault((firmware, method), []).append((to_kernel, to_init))
    print(f'{"firmware":<15} {"reboot method":<14} {"reboots":>7} '
          f'{"to kernel (s)":>14} {"to init (s)":>12}   each to init')
    for (firmware, method), secs in by.items():
        print(f'{firmware:<15} {method:<14} {len(secs):>7} '
              f'{statistics.median(k for k, _ in secs):>14.2f} '
              f'{statistics.median(i for _, i in secs):>12.2f}   '
              + ' '.join(f'{i:.2f}' for _, i in secs))
    print()
    for scn, why, result in failed:
        print(f'FAIL {scn.name}: {why}')
        print_tail(result.log)
    if failed:
        return 1
    print('tour: all generations reached init, under both firmwares')
    return 0


def main(argv):
    if len(argv) < 2 or argv[1] in ('-h', '--help'):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    if argv[1] == 'check':
        return cmd_check([])
    if argv[1] == 'boot':
        return cmd_check(argv[2:])
    if argv[1] == 'run':
        return cmd_run()
    if argv[1] == 'list':
        for s in SCENARIOS:
            print(f'{s.name:<12} plan={",".join(s.plan) or "-"}'
                  f'{"" if s.in_check else "  (make run only)"}')
        return 0
    print(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
