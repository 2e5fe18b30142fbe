#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Time kexec reboots, phase by phase, ours against the baseline.

  bench.py            the matrix below (make bench); about 45 minutes under TCG
  bench.py --smoke    one configuration, one sample (make check's smoke)
  bench.py --report   the table and chart again, from out/bench/samples.csv

Each configuration is one QEMU run whose guest reboots itself SAMPLES
times (BENCH_SAMPLES, default 5) the same way; every reboot is a sample.
The phases come from lines the host stamps as they arrive on the serial
port, or on QEMU's isa-debugcon (port 0xe9), which shares its stream and
which our test kernels write to where no console exists
(CONFIG_KEXEC_DEBUGCON_MARKERS):

  kexec -e         the guest's "ktest: reboot method=..." right before it
                   (our own loader loads first: "kexec_file: loaded:")
  devices down     the old kernel's last line ("handing over" / "Starting
                   new kernel"), after the reboot notifiers and
                   device_shutdown()
  trampoline       "kexec: trampoline entered" (port 0xe9): the other CPUs
                   are stopped, the old kernel is gone
  purgatory        "kexec: purgatory entered" (port 0xe9): the segments
                   that had to move have moved
  checked          "kexec: purgatory checked" (port 0xe9)
  decompressor     the next kernel's decompressor starts
                   ("early console in extract_kernel", X86_VERBOSE_BOOTUP);
                   a kernel unpacked at load has none
  kernel entered   it is done ("Booting the kernel")
  first line       the next kernel's "Linux version"
  init             the guest's "ktest: init gen=N"

Upstream's trampoline and purgatories (the baseline's, kexec-tools') mark
nothing: their rows go from devices down to the decompressor in one step.
The load is timed in the old kernel, from "ktest: load begin" to "load end"
(kexec-tools), which also says how much MemFree the loaded image took, or
from "kexec -e" to "kexec_file: loaded:" (our loader).  Firmware reboots
under SeaBIOS and OVMF are the reference.

The matrix varies one thing at a time around the headline (64 MiB of
initramfs, 1 CPU, SeaBIOS; every method, both kernels): payloads of 0 and
512 MiB, 4 CPUs, OVMF.  BENCH_FULL=1 runs every combination instead
(about four hours).  Three more rows (ours, kexec -s, "keptN M") hand 0,
256 and 1024 MiB over in a memfd through /dev/liveupdate at every hop:
the blackout should not grow with what is preserved beyond its metadata;
a fourth ("kept1024Mh") hands 1024 MiB over in huge pages, as the memory
of virtual machines usually is, so there are 512 folios to list, not
262144.  The row "fallback" times trial reboots that fail: each sample is
a kernel on trial panicking (on CPU 1, from init), from the panic to the
init of the fallback, the kernel it came from; its shutdown phase is the
panic up to "entering the fallback", its stop-CPUs phase includes asking
the boot CPU to make the jump.  Their column Δused says whether memory use after FINISH equals
memory use before the update: each generation reports MemTotal - MemFree
(less the free pages on per-CPU lists) once it has finished the last
session and preserved its own memfd, and the column is the median of the
generations that received a memfd less the first, which received none.

Results: a table on the terminal and in out/bench/bench.md (medians, and
each phase's spread, (max - min) / median), every sample in
out/bench/samples.csv, and out/bench/phases.png (Debian's
python3-matplotlib, run by /usr/bin/python3).  Before each configuration
the host alone is timed too: the same CPU loop, once per sample
(out/bench/host.csv, the table's host column).  Its spread says how much
of a row's spread the host would show with no guest at all.  Not a
test: nothing here passes or fails on time.  BENCH_FILTER=REGEX keeps
only the configurations whose name matches.
"""

import csv
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ktest  # noqa: E402

BENCH = ktest.OUT / 'bench'
SAMPLES = int(os.environ.get('BENCH_SAMPLES', '5'))
BASELINE = ktest.OUT / 'baseline-x86_64' / 'bzImage'

MARKS = {
    'reboot': re.compile(r'ktest: reboot method=(\S+) gen=(\d+)'),
    # The old kernel's last line; for a trial that failed, the failing one's.
    'down': re.compile(r'kexec: handing over to the new kernel|Starting new kernel|'
                       r'kexec trial: generation \d+ failed \(.*\): entering the fallback'),
    'tramp': re.compile(r'kexec: trampoline entered'),
    'purg': re.compile(r'kexec: purgatory entered'),
    'checked': re.compile(r'kexec: purgatory checked'),
    'decomp': re.compile(r'early console in extract_kernel'),
    'entered': re.compile(r'Booting the kernel'),
    'linux': re.compile(r'\] Linux version |^Linux version '),
    'init': re.compile(r'ktest: init gen=(\d+)'),
    'load_begin': re.compile(r'ktest: load begin method=\S+ gen=\d+ initrd=(\d+)'),
    'load_end': re.compile(r'ktest: load end gen=\d+ held_kib=(-?\d+)'),
    # Our loader's image is in place: our log line, or upstream's.
    'loaded': re.compile(r'kexec_file: loaded: \d+ segments|kexec_file_load: type:\d+, start:'),
    # Our loader, then: how much memory the image holds, and its size.
    'held_m': re.compile(r'kexec_file_boot: the image holds (-?\d+) KiB'),
    # Keeping a memfd: memory in use once this generation has finished the
    # last one's session and preserved its own, before the load.
    'used': re.compile(r'ktest: bench used_kib=(\d+) pcp_kib=(\d+)'),
}

# name, from mark, to mark: each phase ends at a mark and starts at the
# latest of its start marks the sample has.
PHASES = (('shutdown', ('reboot', 'loaded'), 'down'),
          ('stop CPUs', ('down',), 'tramp'),
          ('moves', ('tramp',), 'purg'),
          ('check', ('purg',), 'checked'),
          ('to decompressor', ('down', 'tramp', 'purg', 'checked'), 'decomp'),
          ('decompress', ('decomp',), 'entered'),
          ('early boot', ('down', 'tramp', 'purg', 'checked', 'entered'), 'linux'),
          ('to init', ('linux',), 'init'))
# The host's own speed, measured between configurations: a fixed loop of
# this many iterations (0.1 to 0.3 s here), timed SAMPLES times right
# before each configuration runs.  Its spread is what the host alone
# adds to any phase's: on a shared machine that can be tens of percent.
HOST_PROBE_LOOPS = 3_000_000
# Phases shorter than this are left out of the relative spread: the host
# stamps lines with up to a few tens of milliseconds of jitter under TCG,
# which would dominate them.  Their widest absolute spread is shown apart.
SPREAD_FLOOR = 0.100


@dataclass
class Config:
    kernel: str         # ours | baseline
    method: str         # l (kexec -l), s (kexec -s -l), m (our loader), fw
    pad: int            # MiB of initramfs padding
    cpus: int
    uefi: bool
    preserve: int = -1  # MiB handed over in a memfd at each hop; -1: no liveupdate
    huge: bool = False  # that memfd in huge pages (2 MiB folios), not 4 KiB ones

    @property
    def name(self):
        fw = 'uefi' if self.uefi else 'bios'
        kept = f'-kept{self.preserve}M' if self.preserve >= 0 else ''
        kept += 'huge' if self.huge else ''
        return f'{self.kernel}-{self.method}-{self.pad}M{kept}-smp{self.cpus}-{fw}'

    def scenario(self, samples):
        target = '@baseline' if self.kernel == 'baseline' and self.method != 'fw' else ''
        # A trial hop, then its failure: each second reboot is a sample.
        plan = ('t', 'tfail') * samples if self.method == 'tfail' else \
            (self.method + target,) * samples
        big = max(self.pad, self.preserve)
        mem = '3G' if big >= 512 else ('1G' if big > 0 else '512M')
        extra = f'liveupdate=on kpreserve={self.preserve}' if self.preserve >= 0 else ''
        extra += ' kpreserve_huge=1' if self.huge else ''
        return ktest.Scenario(
            f'bench-{self.name}', plan=plan,
            smp=self.cpus, mem=mem, pad_mib=self.pad, uefi=self.uefi,
            kernel=BASELINE if self.kernel == 'baseline' else ktest.KERNEL,
            gen_timeout=300 if big >= 512 else 0, in_check=False,
            debugcon=True, extra=extra)


METHOD_NAMES = {'l': 'kexec -l', 'i': 'kexec -i -l', 's': 'kexec -s -l',
                'm': 'own loader', 'fw': 'firmware', 'tfail': 'fallback'}
METHODS = ('l', 'i', 's', 'm')
KERNELS = ('ours', 'baseline')


def matrix():
    configs = [Config('ours', 'fw', 0, 1, uefi) for uefi in (False, True)]
    if os.environ.get('BENCH_FULL') == '1':
        combos = [(pad, cpus, uefi) for uefi in (False, True) for cpus in (1, 4)
                  for pad in (0, 64, 512)]
    else:
        combos = [(64, 1, False), (0, 1, False), (512, 1, False), (64, 4, False),
                  (64, 1, True)]
    for pad, cpus, uefi in combos:
        for method in METHODS:
            # kexec -i only where the headline compares it.
            if method == 'i' and (pad, cpus) != (64, 1):
                continue
            for kernel in KERNELS:
                configs.append(Config(kernel, method, pad, cpus, uefi))
    # Files handed over through /dev/liveupdate: the blackout must not grow
    # with what is preserved, beyond its metadata.
    configs += [Config('ours', 's', 0, 1, False, kept) for kept in (0, 256, 1024)]
    configs.append(Config('ours', 's', 0, 1, False, 1024, huge=True))
    # A trial that fails: from the panic to the fallback's init.
    configs.append(Config('ours', 'tfail', 0, 2, False))
    keep = os.environ.get('BENCH_FILTER')
    if keep:
        configs = [c for c in configs if re.search(keep, c.name)]
    return configs


def samples_of(result):
    """Split a run's stamped lines into one dict of mark -> time per reboot."""
    samples, cur, pending_load, used = [], None, {}, None
    for t, text in result.lines:
        for mark, rx in MARKS.items():
            m = rx.search(text)
            if not m:
                continue
            if mark == 'load_begin':
                pending_load = {'load_begin': t, 'initrd': int(m.group(1))}
            elif mark == 'load_end':
                pending_load.update(load_end=t, held=int(m.group(1)))
            elif mark == 'used':
                used = int(m.group(1)) - int(m.group(2))
            elif mark == 'held_m' and cur is not None:
                cur['held'] = int(m.group(1))
            elif mark == 'loaded' and cur is not None and 'loaded' not in cur:
                cur['loaded'] = t
                size = re.search(r'loaded: \d+ segments, (\d+) KiB', text)
                if size:
                    cur['image_kib'] = int(size.group(1))
            elif mark == 'reboot':
                cur = {'reboot': t, 'method': m.group(1), **pending_load}
                if used is not None:
                    cur['used'] = used
                pending_load, used = {}, None
            elif cur is not None and mark not in cur:
                cur[mark] = t
                if mark == 'init':
                    samples.append(cur)
                    cur = None
            break
    return samples


def row_of(cfg, i, s):
    method = METHOD_NAMES[cfg.method]
    if cfg.preserve >= 0:
        method = f'-s kept{cfg.preserve}M' + ('h' if cfg.huge else '')
    row = {'config': cfg.name, 'kernel': cfg.kernel, 'method': method,
           'payload_mib': cfg.pad, 'cpus': cfg.cpus,
           'firmware': 'OVMF' if cfg.uefi else 'SeaBIOS', 'sample': i + 1}
    for name, starts, end in PHASES:
        begun = [s[m] for m in starts if m in s]
        row[name] = round(s[end] - max(begun), 4) if begun and end in s else ''
    # No decompressor: the kernel was unpacked at load.
    if 'decomp' not in s and 'entered' not in s and 'linux' in s:
        row['decompress'] = 0.0
    # kexec -e: for our loader, once it has loaded.
    start = s.get('loaded', s['reboot'])
    row['kexec -e to first line'] = round(s['linux'] - start, 4) if 'linux' in s else ''
    row['blackout'] = round(s['linux'] - s['down'], 4) if 'linux' in s and 'down' in s else ''
    row['kexec -e to init'] = round(s['init'] - start, 4)
    row['image_kib'] = s.get('image_kib', '')
    row['used_kib'] = s.get('used', '')
    if 'loaded' in s:
        row['load'] = round(s['loaded'] - s['reboot'], 4)
        row['held_kib'] = s.get('held', '')
        row['initrd_kib'] = ''
    elif 'load_end' in s:
        row['load'] = round(s['load_end'] - s['load_begin'], 4)
        row['held_kib'] = s['held']
        row['initrd_kib'] = s['initrd'] // 1024
    else:
        row['load'] = row['held_kib'] = row['initrd_kib'] = ''
    return row


COLUMNS = [p[0] for p in PHASES] + ['blackout', 'kexec -e to first line', 'kexec -e to init',
                                     'load']
SHOWN = ('shutdown', 'stop CPUs', 'moves', 'check', 'to decompressor', 'decompress',
         'early boot', 'to init')


def summarise(rows, probes=()):
    """Per configuration: the median of each column, the worst spread and
    the host probe's spread just before it ran."""
    out = []
    host = {}
    for p in probes:
        host.setdefault(p['config'], []).append(p['seconds'])
    by = {}
    for r in rows:
        by.setdefault(r['config'], []).append(r)
    for name, rs in by.items():
        s = {k: rs[0][k] for k in ('config', 'kernel', 'method', 'payload_mib', 'cpus',
                                   'firmware')}
        s['n'] = len(rs)
        spread = jitter = 0.0
        for col in COLUMNS:
            vals = [r[col] for r in rs if r[col] != '']
            s[col] = statistics.median(vals) if vals else None
            if col not in SHOWN or len(vals) < 2 or not s[col]:
                continue
            if s[col] >= SPREAD_FLOOR:
                spread = max(spread, spread_of(vals))
            else:
                jitter = max(jitter, max(vals) - min(vals))
        held = [r['held_kib'] for r in rs if r['held_kib'] != '']
        s['held_mib'] = statistics.median(held) / 1024 if held else None
        size = [r['image_kib'] for r in rs if r['image_kib'] != '']
        s['image_mib'] = statistics.median(size) / 1024 if size else None
        # At the same point in every generation: the ones that finished a
        # session handed over, against the first, which had none.
        used = [r['used_kib'] for r in rs if r.get('used_kib', '') != '']
        s['grew_mib'] = ((statistics.median(used[1:]) - used[0]) / 1024
                         if len(used) > 1 else None)
        s['spread'] = spread
        s['host'] = spread_of(host[name]) if name in host else None
        s['jitter_ms'] = jitter * 1000
        out.append(s)
    return out


def fmt(v, width, digits=2):
    return f'{v:>{width}.{digits}f}' if isinstance(v, (int, float)) else f'{"-":>{width}}'


SHORT = {'shutdown': 'shutdown', 'stop CPUs': 'stop-cpus', 'moves': 'moves',
         'check': 'check', 'to decompressor': 'to-decomp', 'decompress': 'decomp',
         'early boot': 'early', 'to init': 'to-init'}


def table(summary):
    head = (f'{"firmware":<8} {"kernel":<8} {"method":<11} {"MiB":>4} {"cpus":>4} '
            + ' '.join(f'{SHORT[c]:>9}' for c in SHOWN)
            + f' {"-e→line":>8} {"vs base":>7} {"load":>6} {"held MiB":>8} {"image":>6}'
            f' {"Δused":>6}'
            f' {"spread":>6} {"host":>5} {"short±":>6}'
            f' {"n":>2}')
    lines = [head]
    # Ours against the baseline's same row, -e to first line.
    key = lambda s: (s['firmware'], s['method'], s['payload_mib'], s['cpus'])  # noqa: E731
    base = {key(s): s['kexec -e to first line'] for s in summary if s['kernel'] == 'baseline'}
    for s in summary:
        ref = base.get(key(s))
        ratio = (s['kexec -e to first line'] / ref
                 if s['kernel'] == 'ours' and ref and s['kexec -e to first line'] else None)
        host = f'{s["host"] * 100:.0f}%' if s.get('host') is not None else '-'
        lines.append(f'{s["firmware"]:<8} {s["kernel"]:<8} {s["method"]:<11} '
                     f'{s["payload_mib"]:>4} {s["cpus"]:>4} '
                     + ' '.join(fmt(s[c], 9, 3) for c in SHOWN)
                     + f' {fmt(s["kexec -e to first line"], 8, 3)}'
                     f' {(f"{ratio:.0%}" if ratio is not None else "-"):>7}'
                     f' {fmt(s["load"], 6, 3)}'
                     f' {fmt(s["held_mib"], 8, 1)} {fmt(s["image_mib"], 6, 1)}'
                     f' {fmt(s["grew_mib"], 6, 1)}'
                     f' {s["spread"] * 100:>5.0f}% {host:>5}'
                     f' {s["jitter_ms"]:>4.0f}ms {s["n"]:>2}')
    return lines


def write_outputs(rows, summary, lines, probes):
    BENCH.mkdir(parents=True, exist_ok=True)
    fields = list(rows[0].keys()) if rows else ['config']
    with open(BENCH / 'samples.csv', 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    with open(BENCH / 'host.csv', 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=['config', 'sample', 'seconds'])
        w.writeheader()
        w.writerows(probes)
    every = [p['seconds'] for p in probes]
    base = (ktest.OUT / 'x86_64' / 'BASE_VERSION')
    with open(BENCH / 'bench.md', 'w') as f:
        f.write('# make bench\n\n')
        if base.exists():
            f.write(f'Base: {base.read_text().strip()}; '
                    f'{"KVM" if os.environ.get("KTEST_KVM") == "1" else "TCG"}; '
                    f'medians of the n reboots of each row, in seconds; spread is the widest '
                    f'(max - min) / median among the phases of the row that take '
                    f'{SPREAD_FLOOR * 1000:.0f} ms or more, short± the widest max - min '
                    'among the shorter ones; -e→line is kexec -e to the next kernel\'s '
                    'first line, vs base that time against the baseline\'s same row; '
                    'host is the same spread for a fixed CPU loop timed n times on the '
                    'host right before the row ran, what the host alone adds; Δused (MiB, '
                    'rows that keep a memfd) is the memory in use once the last session is '
                    'finished and a new one holds its memfd, the median of the generations '
                    'that received one less the first, which received none.\n\n')
        f.write('```\n' + '\n'.join(lines) + '\n```\n')
        if every:
            f.write(f'\nHost probe, all {len(every)} timings: median '
                    f'{statistics.median(every):.3f} s, {min(every):.3f} to {max(every):.3f} s, '
                    f'spread {spread_of(every):.0%}.\n')
    chart = Path(__file__).resolve().parent / 'bench-chart.py'
    if Path('/usr/bin/python3').exists():
        p = subprocess.run(['/usr/bin/python3', str(chart), str(BENCH / 'samples.csv'),
                            str(BENCH / 'phases.png')], capture_output=True, text=True)
        if p.returncode:
            print(f'bench: no chart: {p.stderr.strip().splitlines()[-1:] or p.returncode}')


def host_probe(samples):
    """Time the same CPU-bound loop @samples times: the host alone."""
    times = []
    for _ in range(samples):
        t = time.perf_counter()
        acc = 0
        for i in range(HOST_PROBE_LOOPS):
            acc += i * i
        times.append(round(time.perf_counter() - t, 4))
    return times


def spread_of(times):
    """(max - min) / median: a phase's spread, or the host probe's."""
    return (max(times) - min(times)) / statistics.median(times) if len(times) > 1 else 0.0


def run(configs, samples):
    rows, problems, probes = [], [], []
    start = time.monotonic()
    for n, cfg in enumerate(configs, 1):
        if cfg.kernel == 'baseline' and not BASELINE.exists():
            problems.append(f'{cfg.name}: {BASELINE} not built')
            continue
        print(f'\rbench: [{n}/{len(configs)}] {cfg.name:<36} '
              f'{time.monotonic() - start:6.0f} s', end='', file=sys.stderr, flush=True)
        probes += [{'config': cfg.name, 'sample': i + 1, 'seconds': t}
                   for i, t in enumerate(host_probe(samples))]
        scn = cfg.scenario(samples)
        result = ktest.run_scenario(scn)
        got = samples_of(result)
        if cfg.method == 'tfail':
            got = [s for s in got if s['method'] == 'trial-fallback']
        if len(got) != samples:
            problems.append(f'{cfg.name}: {len(got)} of {samples} reboots reached init '
                            f'(log {result.log.relative_to(ktest.TOP)})')
        rows += [row_of(cfg, i, s) for i, s in enumerate(got)]
    print(file=sys.stderr)
    return rows, problems, probes


def smoke():
    """make check's smoke: one sample of one configuration, every phase
    found and every output written.  Returns '' or what is wrong."""
    cfg = Config('ours', 'm', 0, 2, False)
    rows, problems, probes = run([cfg], 1)
    if problems:
        return '; '.join(problems)
    if len(probes) != 1 or not probes[0]['seconds'] > 0:
        return f'host probe gave {probes}'
    # Every mark of our own path: the load, the trampoline's and the
    # purgatory's through port 0xe9, and no decompressor.
    missing = [c for c in COLUMNS if rows[0][c] == '' and c != 'to decompressor']
    if missing:
        return 'no time for ' + ', '.join(missing)
    summary = summarise(rows, probes)
    write_outputs(rows, summary, table(summary), probes)
    for f in ('bench.md', 'samples.csv', 'host.csv'):
        if not (BENCH / f).exists():
            return f'out/bench/{f} not written'
    return ''


def read_csv(name):
    """The rows of out/bench/@name, numbers as numbers; [] if it is not there."""
    rows = []
    if not (BENCH / name).exists():
        return rows
    with open(BENCH / name, newline='') as f:
        for r in csv.DictReader(f):
            for k, v in r.items():
                if k not in ('config', 'kernel', 'method', 'firmware') and v != '':
                    r[k] = float(v) if '.' in v else int(v)
            rows.append(r)
    return rows


def main(argv):
    if '--report' in argv:
        # The table, bench.md and the chart again, from the last samples.
        rows, probes = read_csv('samples.csv'), read_csv('host.csv')
        summary = summarise(rows, probes)
        lines = table(summary)
        print('\n'.join(lines))
        write_outputs(rows, summary, lines, probes)
        return 0
    if '--smoke' in argv:
        why = smoke()
        print(f'bench smoke: {why or "ok"}')
        return 1 if why else 0
    configs = matrix()
    rows, problems, probes = run(configs, SAMPLES)
    summary = summarise(rows, probes)
    lines = table(summary)
    print('\n'.join(lines))
    write_outputs(rows, summary, lines, probes)
    print(f'\nbench: {len(rows)} samples; out/bench/bench.md, samples.csv, phases.png')
    for p in problems:
        print(f'bench: {p}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
