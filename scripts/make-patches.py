#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the patch series against the base tree: out/patches/.

The series is scripts/series.txt: each entry names a commit of this
repository and the kernel paths it takes from there, a subject and a body.
The kernel tree at a commit is the base tree with that commit's overlay
files laid over it and its patches/ applied, as prepare-tree.sh builds it;
each patch moves its paths from where the entries before left them to
their state at its commit.  Every state the series passes through was
therefore built and tested as a commit of this repository.  The entries
must bring every path to its state at HEAD, and the tree they end with
must be the one make kernel builds.

    make-patches.py              write out/patches/ (cover letter + patches)
    make-patches.py --check      and apply them with git am to a clean copy
                                 of the base: it must equal build/src-x86_64
    make-patches.py --paths C    list the kernel paths that commit C changes
"""

import fnmatch
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
BUILD = TOP / 'build'
BASE = BUILD / 'base' / 'linux'
OUT = TOP / 'out' / 'patches'
WORK = BUILD / 'series'
AM = BUILD / 'series-am'
TREE = BUILD / 'src-x86_64'
SERIES = TOP / 'scripts' / 'series.txt'
COVER = TOP / 'scripts' / 'series-cover.txt'
OVERLAY_ROOTS = ('kernel', 'arch', 'include', 'Documentation', 'tools', 'lib', 'mm', 'drivers')
AUTHOR = 'kexec developers <kexec@lists.infradead.org>'


def git(*args, cwd=TOP, env=None, text=True):
    return subprocess.run(['git', *args], cwd=cwd, env=env, check=True,
                          capture_output=True, text=text).stdout


def tree_state(commit, cache={}):
    """{path: bytes} of every kernel file the commit's overlay and patches
    provide, as the base tree with them applied has it."""
    if commit in cache:
        return cache[commit]
    names = git('ls-tree', '-r', '--name-only', commit).split('\n')
    overlay = [n for n in names if n.split('/')[0] in OVERLAY_ROOTS]
    patches = sorted(n for n in names if n.startswith('patches/') and n.endswith('.patch'))
    state = {}
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp)
        for n in overlay:
            state[n] = git('show', f'{commit}:{n}', text=False)
        for n in state:
            (stage / n).parent.mkdir(parents=True, exist_ok=True)
            (stage / n).write_bytes(state[n])
        for p in patches:
            text = git('show', f'{commit}:{p}', text=False)
            touched = [line[6:].split()[0].decode() for line in text.split(b'\n')
                       if line.startswith(b'+++ b/')]
            for f in touched:
                if not (stage / f).exists() and (BASE / f).exists():
                    (stage / f).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(BASE / f, stage / f)
            r = subprocess.run(['patch', '-s', '-p1', '-d', str(stage), '--batch',
                                '--forward', '--no-backup-if-mismatch'],
                               input=text, capture_output=True)
            if r.returncode:
                sys.exit(f'make-patches: {p} at {commit} does not apply to the base: '
                         f'{r.stdout.decode()}{r.stderr.decode()}')
            for f in touched:
                state[f] = (stage / f).read_bytes()
    cache[commit] = state
    return state


def is_ancestor(a, b):
    return subprocess.run(['git', 'merge-base', '--is-ancestor', a, b],
                          cwd=TOP).returncode == 0


def parse_series():
    """[(commit, [pattern], subject, body)] from scripts/series.txt."""
    entries, cur = [], None
    for line in SERIES.read_text().split('\n'):
        if line.startswith('#') and cur is None:
            continue
        if line.startswith('=== '):
            words = line[4:].split()
            cur = [words[0], words[1:], None, []]
            entries.append(cur)
        elif cur is not None:
            if cur[2] is None:
                if line.strip():
                    cur[2] = line.strip()
            else:
                cur[3].append(line)
    out = []
    for commit, pats, subject, body in entries:
        while body and not body[0].strip():
            body.pop(0)
        while body and not body[-1].strip():
            body.pop()
        if not pats or not subject or not body:
            sys.exit(f'make-patches: the entry at {commit} needs paths, a subject and a body')
        out.append((commit, pats, subject, '\n'.join(body)))
    return out


def matches(path, pats):
    return any(path == p or (p.endswith('/') and path.startswith(p)) or
               fnmatch.fnmatchcase(path, p) for p in pats)


def our_sections(commit):
    """[(name, header lines, [pattern])] from MAINTAINERS at @commit."""
    sections = []
    for block in git('show', f'{commit}:MAINTAINERS').strip().split('\n\n'):
        lines = block.split('\n')
        pats = [l[3:] for l in lines[1:] if l.startswith('F:\t')]
        sections.append((lines[0], [l for l in lines[1:] if not l.startswith('F:\t')], pats))
    return sections


def section_headers(lines):
    """Indexes of the lines of MAINTAINERS that start a section."""
    return [i for i, l in enumerate(lines)
            if l and i + 1 < len(lines) and lines[i + 1][:3] in ('M:\t', 'L:\t', 'S:\t', 'R:\t')
            and (i == 0 or not lines[i - 1].strip())]


def kernel_maintainers(base_text, sections, new_files):
    """The kernel's MAINTAINERS with an F: line for each file the series
    adds, in the section ours names: upstream's section where its name,
    up to a parenthesis, is one (KEXEC), else a section of its own."""
    lines = base_text.split('\n')
    uncovered = set(new_files)
    for name, head, pats in sections:
        files = sorted(f for f in new_files if matches(f, pats))
        uncovered -= set(files)
        if not files:
            continue
        headers = section_headers(lines)
        short = name.split(' (')[0]
        at = next((i for i in headers if lines[i] == short), None)
        if at is not None:
            end = at + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            body = lines[at + 1:end]
            keep = [l for l in body if not l.startswith('F:\t')]
            fs = sorted(set(l for l in body if l.startswith('F:\t')) |
                        {f'F:\t{f}' for f in files})
            lines[at + 1:end] = keep + fs
        else:
            # After the last section that sorts before it: upstream's
            # order has a few strays that a first-after search trips on.
            before = [i for i in headers if lines[i].upper() < name.upper()]
            at = max(before, key=lambda i: lines[i].upper()) if before else headers[0] - 1
            while at < len(lines) and lines[at].strip():
                at += 1
            lines[at + 1:at + 1] = [name, *head, *[f'F:\t{f}' for f in files], '']
    return '\n'.join(lines), uncovered


def write_file(root, path, data):
    f = root / path
    if data is None:
        if f.exists():
            f.unlink()
        return
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_bytes(data)


def build_series(entries):
    head = tree_state(git('rev-parse', 'HEAD').strip())
    paths = set(head)
    for commit, _, _, _ in entries:
        paths |= set(tree_state(commit))
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    env = dict(os.environ, GIT_AUTHOR_NAME='kexec developers',
               GIT_AUTHOR_EMAIL='kexec@lists.infradead.org',
               GIT_COMMITTER_NAME='kexec developers',
               GIT_COMMITTER_EMAIL='kexec@lists.infradead.org')
    git('init', '-q', cwd=WORK)
    base = {p: (BASE / p).read_bytes() if (BASE / p).exists() else None for p in paths}
    base_maint = (BASE / 'MAINTAINERS').read_text()
    for p, data in [*base.items(), ('MAINTAINERS', base_maint.encode())]:
        write_file(WORK, p, data)
    git('add', '-A', cwd=WORK)
    git('commit', '-q', '-m', 'base: Debian linux-source-6.12', cwd=WORK,
        env=dict(env, GIT_AUTHOR_DATE='2026-11-25T00:00:00Z',
                 GIT_COMMITTER_DATE='2026-11-25T00:00:00Z'))
    now = dict(base)
    last_at = {}
    sections = our_sections('HEAD')
    for commit, pats, subject, body in entries:
        when = git('log', '-1', '--format=%cI', commit).strip()
        moved = []
        for p in sorted(paths):
            # PATTERN@COMMIT takes a path from another commit than the entry's.
            at = next((pat.partition('@')[2] or commit for pat in pats
                       if matches(p, [pat.partition('@')[0]])), None)
            if at is None:
                continue
            if p in last_at and not is_ancestor(last_at[p], at):
                sys.exit(f'make-patches: "{subject}" takes {p} from {at}, '
                         f'older than {last_at[p]} an earlier entry took it from')
            want = tree_state(at).get(p, base[p])
            if want != now[p]:
                write_file(WORK, p, want)
                now[p] = want
                moved.append(p)
            last_at[p] = at
        if not moved:
            sys.exit(f'make-patches: "{subject}" changes nothing')
        added = [p for p in paths if now[p] is not None and base[p] is None]
        maint, uncovered = kernel_maintainers(base_maint, sections, added)
        write_file(WORK, 'MAINTAINERS', maint.encode())
        git('add', '-A', cwd=WORK)
        msg = f'{subject}\n\n{body}\n\nSigned-off-by: {AUTHOR}\n'
        subprocess.run(['git', 'commit', '-q', '-F', '-'], cwd=WORK, input=msg,
                       text=True, check=True,
                       env=dict(env, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when))
    if uncovered:
        sys.exit('make-patches: no section of MAINTAINERS covers:\n  ' +
                 '\n  '.join(sorted(uncovered)))
    left = sorted(p for p in paths if now[p] != head.get(p, base[p]))
    if left:
        sys.exit('make-patches: the series does not bring these to their state at HEAD:\n  ' +
                 '\n  '.join(left))
    return now


def write_patches():
    shutil.rmtree(OUT, ignore_errors=True)
    base = git('rev-list', '--max-parents=0', 'HEAD', cwd=WORK).strip()
    git('-c', 'user.name=kexec developers', '-c', 'user.email=kexec@lists.infradead.org',
        'format-patch', '-q', '--cover-letter', '--no-signature', '--subject-prefix=PATCH',
        '-o', str(OUT), f'{base}..HEAD', cwd=WORK)
    cover = sorted(OUT.glob('0000-*.patch'))[0]
    subject, _, blurb = COVER.read_text().partition('\n\n')
    text = cover.read_text()
    text = text.replace('*** SUBJECT HERE ***', subject.strip())
    text = text.replace('*** BLURB HERE ***', blurb.strip())
    cover.write_text(text)
    return sorted(OUT.glob('*.patch'))


def check_series(files, paths):
    """git am the series onto a clean copy of the base; compare with the
    tree make kernel built.  Returns what differs."""
    shutil.rmtree(AM, ignore_errors=True)
    # git replaces files by renaming new ones over them, never writing
    # through: hard links to the pristine base stay pristine.
    subprocess.run(['cp', '-al', str(BASE), str(AM)], check=True)
    env = dict(os.environ, GIT_AUTHOR_NAME='series check', GIT_AUTHOR_EMAIL='check@localhost',
               GIT_COMMITTER_NAME='series check', GIT_COMMITTER_EMAIL='check@localhost')
    git('init', '-q', cwd=AM)
    present = ['MAINTAINERS', *(p for p in sorted(paths) if (AM / p).exists())]
    subprocess.run(['git', 'add', '-f', '--', *present], cwd=AM, check=True)
    git('commit', '-q', '-m', 'base', cwd=AM, env=env)
    r = subprocess.run(['git', 'am', '-q', *[str(f) for f in files]], cwd=AM, env=env,
                       capture_output=True, text=True)
    if r.returncode:
        return [f'git am failed: {r.stdout}{r.stderr}'.strip()]
    manifest = (BUILD / 'src-x86_64.manifest').read_text().split()
    differ = []
    for p in sorted(set(paths) | set(manifest)):
        a, b = AM / p, TREE / p
        if a.exists() != b.exists() or (a.exists() and a.read_bytes() != b.read_bytes()):
            differ.append(p)
    return differ


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--paths':
        parent = git('rev-parse', f'{sys.argv[2]}^').strip()
        a, b = tree_state(parent), tree_state(sys.argv[2])
        for p in sorted(set(a) | set(b)):
            if a.get(p) != b.get(p):
                print(p)
        return
    if not BASE.is_dir():
        sys.exit('make-patches: no base tree under build/ (make tree)')
    state = build_series(parse_series())
    files = write_patches()
    print(f'make-patches: {len(files) - 1} patches and a cover letter in '
          f'{OUT.relative_to(TOP)}/')
    if sys.argv[1:] == ['--check']:
        differ = check_series(files[1:], state)
        if differ:
            sys.exit('make-patches: applied with git am, the series does not give the '
                     'tree make kernel built (the series is made from commits: an '
                     'uncommitted change counts too):\n  ' + '\n  '.join(differ))
        print(f'make-patches: git am of {len(files) - 1} patches onto the base gives '
              f'the tree make kernel built')


if __name__ == '__main__':
    main()
