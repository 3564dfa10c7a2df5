"""Hostile cells for the sandbox tests: each is inserted into a student's notebook.

Every attack reports what it reached through an exported answer (``top_region``), so the
tests can tell "blocked" from "did not run": a blocked attack exports ``"NOTFOUND"`` /
``"BLOCKED"``; feedback shows the text of a wrong answer.
"""

from __future__ import annotations

import textwrap


def tamper(submissions: str, out: str) -> str:
    """Find the submissions folder (grader's command line, or the known path) and
    overwrite every notebook there and in the output folder."""
    return textwrap.dedent(f"""
        import glob, os
        found = {{{submissions!r}, {out!r}}}
        for d in glob.glob('/proc/[0-9]*'):
            try:
                args = open(d + '/cmdline', 'rb').read().split(b'\\0')
            except OSError:
                continue
            for i, a in enumerate(args):
                if a in (b'--submissions', b'--out') and i + 1 < len(args):
                    found.add(os.path.abspath(args[i + 1].decode()))
        hits = []
        for folder in found:
            for p in glob.glob(folder + '/**/*', recursive=True):
                try:
                    with open(p, 'w') as fh:
                        fh.write('destroyed')
                    hits.append(p)
                except OSError:
                    pass
            try:
                open(folder + '/gradebook.csv', 'a').write('tamper,1,1,3,2,1,8,8,ok\\n')
                hits.append(folder)
            except OSError:
                pass
        top_region = 'FOUND:' + ';'.join(hits) if hits else 'BLOCKED'
        """)


def survivor(gradebook: str, token: str) -> str:
    """Double fork, setsid, exec a fresh interpreter with an empty environment that
    waits for the grader to finish and then appends a forged full-marks row."""
    code = (f"import time, os\n"
            f"for _ in range(400):\n"
            f"    time.sleep(0.25)\n"
            f"    if os.path.exists({gradebook!r}):\n"
            f"        open({gradebook!r}, 'a').write('survivor,1,1,3,2,1,8,8,ok\\n')\n"
            f"        break\n"
            f"time.sleep(30)\n")
    return textwrap.dedent(f"""
        import os, sys
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execve(sys.executable, [sys.executable, '-c', {code!r}, {token!r}], {{}})
            os._exit(0)
        """)


def snoop(reversed_secret: str, secret_file: str) -> str:
    """Look for the course secret everywhere a notebook can read: its environment, every
    visible process's environment and command line, files, the pickled data."""
    return textwrap.dedent(f"""
        import glob, os, sys
        skip = (sys.prefix, sys.base_prefix, '/usr')  # big read-only Python installs
        needle = {reversed_secret!r}[::-1]
        where = []
        if any(needle in v for v in os.environ.values()):
            where.append('os.environ')
        for d in glob.glob('/proc/[0-9]*'):
            for f in ('environ', 'cmdline'):
                try:
                    if needle.encode() in open(d + '/' + f, 'rb').read():
                        where.append(d + '/' + f)
                except OSError:
                    pass
        for p in [{secret_file!r}, os.environ.get('CRMSIM_GRADING_DATA', '')]:
            try:
                if needle.encode() in open(p, 'rb').read():
                    where.append(p)
            except OSError:
                pass
        for root in ('/sandbox', '/tmp', '/etc', os.path.expanduser('~'), '/root', '/home',
                     '/work', os.path.dirname({secret_file!r})):
            for dirpath, dirs, files in os.walk(root):
                dirs[:] = [d for d in dirs if not os.path.join(dirpath, d).startswith(skip)]
                for name in files:
                    p = os.path.join(dirpath, name)
                    try:
                        small = os.path.getsize(p) < 2_000_000
                        if small and needle.encode() in open(p, 'rb').read():
                            where.append(p)
                    except OSError:
                        pass
        top_region = ('FOUND:' + ';'.join(sorted(set(where)))) if where else 'NOTFOUND'
        """)


def forker(n: int = 600) -> str:
    """Start up to ``n`` processes at once (a bounded fork bomb); report how many started,
    then wait for them."""
    return textwrap.dedent(f"""
        import os, time
        kids = 0
        for _ in range({n}):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                time.sleep(2)
                os._exit(0)
            kids += 1
        for _ in range(kids):  # free the slots again, so later cells can start threads
            os.wait()
        top_region = f'FORKED:{{kids}}'
        """)
