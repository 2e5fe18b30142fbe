#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Time kexec reboots, phase by phase, ours against the baseline.

  bench.py            the whole matrix (make bench); about an hour under TCG
  bench.py --smoke    one configuration, one sample (make check's smoke)

Each configuration is one QEMU run whose guest reboots itself SAMPLES
times (BENCH_SAMPLES, default 5) the same way; every reboot is a sample.
The phases come from lines the host stamps as they arrive on the serial
port:

  kexec -e         the guest's "ktest: reboot method=..." right before it
  devices down     the old kernel's last line ("handing over" / "Starting
                   new kernel"), after the reboot notifiers and
                   device_shutdown()
  decompressor     the next kernel's decompressor starts
                   ("early console in extract_kernel", X86_VERBOSE_BOOTUP)
  kernel entered   it is done ("Booting the kernel")
  first line       the next kernel's "Linux version"
  init             the guest's "ktest: init gen=N"

so the blackout splits into shutdown (kexec -e to devices down), hand-off
(devices down to decompressor: stopping CPUs, the trampoline, the
purgatory's check), decompression, and early boot.  Our own loader loads
and reboots in one go: its "shutdown" includes its load.  The load is timed
from "ktest: load begin" to "load end" in the old kernel, which also says
how much MemFree the loaded image took.  Firmware reboots under SeaBIOS
and OVMF are the reference.

Results: a table on the terminal and in out/bench/bench.md (medians, and
each phase's spread, (max - min) / median), every sample in
out/bench/samples.csv, and out/bench/phases.png (Debian's
python3-matplotlib, run by /usr/bin/python3).  Not a test: nothing here
passes or fails on time.  BENCH_FILTER=REGEX keeps only the
configurations whose name matches.
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
    'down': re.compile(r'kexec: handing over to the new kernel|Starting new kernel'),
    'decomp': re.compile(r'early console in extract_kernel'),
    'entered': re.compile(r'Booting the kernel'),
    'linux': re.compile(r'\] Linux version |^Linux version '),
    'init': re.compile(r'ktest: init gen=(\d+)'),
    'load_begin': re.compile(r'ktest: load begin method=\S+ gen=\d+ initrd=(\d+)'),
    'load_end': re.compile(r'ktest: load end gen=\d+ held_kib=(-?\d+)'),
}

# name, from mark, to mark
PHASES = (('shutdown', 'reboot', 'down'),
          ('hand-off', 'down', 'decomp'),
          ('decompress', 'decomp', 'entered'),
          ('early boot', 'entered', 'linux'),
          ('to init', 'linux', 'init'))


@dataclass
class Config:
    kernel: str         # ours | baseline
    method: str         # l (kexec -l), s (kexec -s -l), m (our loader), fw
    pad: int            # MiB of initramfs padding
    cpus: int
    uefi: bool

    @property
    def name(self):
        fw = 'uefi' if self.uefi else 'bios'
        return f'{self.kernel}-{self.method}-{self.pad}M-smp{self.cpus}-{fw}'

    def scenario(self, samples):
        target = '@baseline' if self.kernel == 'baseline' and self.method != 'fw' else ''
        mem = '3G' if self.pad >= 512 else ('1G' if self.pad else '512M')
        return ktest.Scenario(
            f'bench-{self.name}', plan=(self.method + target,) * samples,
            smp=self.cpus, mem=mem, pad_mib=self.pad, uefi=self.uefi,
            kernel=BASELINE if self.kernel == 'baseline' else ktest.KERNEL,
            gen_timeout=300 if self.pad >= 512 else 0, in_check=False)


METHOD_NAMES = {'l': 'kexec -l', 's': 'kexec -s -l', 'm': 'own loader', 'fw': 'firmware'}


def matrix():
    configs = []
    for uefi in (False, True):
        configs.append(Config('ours', 'fw', 0, 2, uefi))
        for cpus in (1, 4):
            for pad in (0, 64, 512):
                for method in ('l', 's', 'm'):
                    for kernel in ('ours', 'baseline'):
                        configs.append(Config(kernel, method, pad, cpus, uefi))
    keep = os.environ.get('BENCH_FILTER')
    if keep:
        configs = [c for c in configs if re.search(keep, c.name)]
    return configs


def samples_of(result):
    """Split a run's stamped lines into one dict of mark -> time per reboot."""
    samples, cur, pending_load = [], None, {}
    for t, text in result.lines:
        for mark, rx in MARKS.items():
            m = rx.search(text)
            if not m:
                continue
            if mark == 'load_begin':
                pending_load = {'load_begin': t, 'initrd': int(m.group(1))}
            elif mark == 'load_end':
                pending_load.update(load_end=t, held=int(m.group(1)))
            elif mark == 'reboot':
                cur = {'reboot': t, **pending_load}
                pending_load = {}
            elif cur is not None and mark not in cur:
                cur[mark] = t
                if mark == 'init':
                    samples.append(cur)
                    cur = None
            break
    return samples


def row_of(cfg, i, s):
    row = {'config': cfg.name, 'kernel': cfg.kernel, 'method': METHOD_NAMES[cfg.method],
           'payload_mib': cfg.pad, 'cpus': cfg.cpus,
           'firmware': 'OVMF' if cfg.uefi else 'SeaBIOS', 'sample': i + 1}
    for name, a, b in PHASES:
        row[name] = round(s[b] - s[a], 4) if a in s and b in s else ''
    row['kexec -e to first line'] = round(s['linux'] - s['reboot'], 4) if 'linux' in s else ''
    row['kexec -e to init'] = round(s['init'] - s['reboot'], 4)
    if 'load_end' in s:
        row['load'] = round(s['load_end'] - s['load_begin'], 4)
        row['held_kib'] = s['held']
        row['initrd_kib'] = s['initrd'] // 1024
    else:
        row['load'] = row['held_kib'] = row['initrd_kib'] = ''
    return row


COLUMNS = [p[0] for p in PHASES] + ['kexec -e to first line', 'kexec -e to init', 'load']


def summarise(rows):
    """Per configuration: the median of each column and the worst spread."""
    out = []
    by = {}
    for r in rows:
        by.setdefault(r['config'], []).append(r)
    for name, rs in by.items():
        s = {k: rs[0][k] for k in ('config', 'kernel', 'method', 'payload_mib', 'cpus',
                                   'firmware')}
        s['n'] = len(rs)
        spread = 0.0
        for col in COLUMNS:
            vals = [r[col] for r in rs if r[col] != '']
            s[col] = statistics.median(vals) if vals else None
            if len(vals) > 1 and s[col]:
                spread = max(spread, (max(vals) - min(vals)) / s[col])
        held = [r['held_kib'] for r in rs if r['held_kib'] != '']
        s['held_mib'] = statistics.median(held) / 1024 if held else None
        s['spread'] = spread
        out.append(s)
    return out


def fmt(v, width, digits=2):
    return f'{v:>{width}.{digits}f}' if isinstance(v, (int, float)) else f'{"-":>{width}}'


def table(summary):
    head = (f'{"firmware":<8} {"kernel":<8} {"method":<11} {"MiB":>4} {"cpus":>4} '
            + ' '.join(f'{c:>10}' for c in ('shutdown', 'hand-off', 'decompress',
                                             'early boot', 'to init'))
            + f' {"-e→line":>8} {"load":>6} {"held MiB":>8} {"spread":>6} {"n":>2}')
    lines = [head]
    for s in summary:
        lines.append(f'{s["firmware"]:<8} {s["kernel"]:<8} {s["method"]:<11} '
                     f'{s["payload_mib"]:>4} {s["cpus"]:>4} '
                     + ' '.join(fmt(s[c], 10, 3) for c in ('shutdown', 'hand-off', 'decompress',
                                                            'early boot', 'to init'))
                     + f' {fmt(s["kexec -e to first line"], 8, 3)} {fmt(s["load"], 6, 3)}'
                     f' {fmt(s["held_mib"], 8, 1)} {s["spread"] * 100:>5.0f}% {s["n"]:>2}')
    return lines


def write_outputs(rows, summary, lines):
    BENCH.mkdir(parents=True, exist_ok=True)
    fields = list(rows[0].keys()) if rows else ['config']
    with open(BENCH / 'samples.csv', 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    base = (ktest.OUT / 'x86_64' / 'BASE_VERSION')
    with open(BENCH / 'bench.md', 'w') as f:
        f.write('# make bench\n\n')
        if base.exists():
            f.write(f'Base: {base.read_text().strip()}; '
                    f'{"KVM" if os.environ.get("KTEST_KVM") == "1" else "TCG"}; '
                    f'medians of the n reboots of each row, in seconds; spread is the widest '
                    '(max - min) / median of the row.\n\n')
        f.write('```\n' + '\n'.join(lines) + '\n```\n')
    chart = Path(__file__).resolve().parent / 'bench-chart.py'
    if Path('/usr/bin/python3').exists():
        p = subprocess.run(['/usr/bin/python3', str(chart), str(BENCH / 'samples.csv'),
                            str(BENCH / 'phases.png')], capture_output=True, text=True)
        if p.returncode:
            print(f'bench: no chart: {p.stderr.strip().splitlines()[-1:] or p.returncode}')


def run(configs, samples):
    rows, problems = [], []
    start = time.monotonic()
    for n, cfg in enumerate(configs, 1):
        if cfg.kernel == 'baseline' and not BASELINE.exists():
            problems.append(f'{cfg.name}: {BASELINE} not built')
            continue
        print(f'\rbench: [{n}/{len(configs)}] {cfg.name:<36} '
              f'{time.monotonic() - start:6.0f} s', end='', file=sys.stderr, flush=True)
        scn = cfg.scenario(samples)
        result = ktest.run_scenario(scn)
        got = samples_of(result)
        if len(got) != samples:
            problems.append(f'{cfg.name}: {len(got)} of {samples} reboots reached init '
                            f'(log {result.log.relative_to(ktest.TOP)})')
        rows += [row_of(cfg, i, s) for i, s in enumerate(got)]
    print(file=sys.stderr)
    return rows, problems


def smoke():
    """make check's smoke: one sample of one configuration, every phase
    found and every output written.  Returns '' or what is wrong."""
    cfg = Config('ours', 's', 0, 2, False)
    rows, problems = run([cfg], 1)
    if problems:
        return '; '.join(problems)
    missing = [c for c in COLUMNS if rows[0][c] == '']
    if missing:
        return 'no time for ' + ', '.join(missing)
    summary = summarise(rows)
    write_outputs(rows, summary, table(summary))
    for f in ('bench.md', 'samples.csv'):
        if not (BENCH / f).exists():
            return f'out/bench/{f} not written'
    return ''


def main(argv):
    if '--smoke' in argv:
        why = smoke()
        print(f'bench smoke: {why or "ok"}')
        return 1 if why else 0
    configs = matrix()
    rows, problems = run(configs, SAMPLES)
    summary = summarise(rows)
    lines = table(summary)
    print('\n'.join(lines))
    write_outputs(rows, summary, lines)
    print(f'\nbench: {len(rows)} samples; out/bench/bench.md, samples.csv, phases.png')
    for p in problems:
        print(f'bench: {p}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
