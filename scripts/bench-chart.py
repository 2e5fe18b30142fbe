#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Chart make bench's samples: one stacked bar of median phases per
configuration.  Run with Debian's python3 (python3-matplotlib).

  bench-chart.py SAMPLES.csv OUTPUT.png
"""

import csv
import statistics
import sys

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

# As bench.py names them; a phase a row lacks counts 0 (they add up to
# kexec -e to init either way).
PHASES = ('shutdown', 'stop CPUs', 'moves', 'check', 'to decompressor', 'decompress',
          'early boot', 'to init')


def main(src, dst):
    by = {}
    with open(src, newline='') as f:
        for row in csv.DictReader(f):
            by.setdefault(row['config'], []).append(row)
    names = list(by)
    fig, ax = plt.subplots(figsize=(10, max(2.5, 0.32 * len(names) + 1.5)))
    left = [0.0] * len(names)
    for phase in PHASES:
        widths = []
        for name in names:
            vals = [float(r[phase]) for r in by[name] if r.get(phase)]
            widths.append(statistics.median(vals) if vals else 0.0)
        ax.barh(names, widths, left=left, label=phase)
        left = [a + b for a, b in zip(left, widths)]
    ax.invert_yaxis()
    ax.set_xlabel('seconds from kexec -e (medians)')
    ax.set_title('kexec reboot phases')
    ax.legend(loc='upper center', bbox_to_anchor=(0.5, -0.1), ncol=4,
              fontsize='small', frameon=False)
    fig.tight_layout()
    fig.savefig(dst, dpi=100)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
