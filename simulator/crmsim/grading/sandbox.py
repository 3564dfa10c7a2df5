"""Seal one submission's run in an operating-system sandbox: bubblewrap (``bwrap``).

bubblewrap is the sandbox Flatpak uses (Debian/Ubuntu package ``bubblewrap``). Inside:

- its own PID namespace: the notebook sees only its own processes, and when the test run
  ends the kernel kills everything left in it (double forks and ``setsid`` included);
- its own network namespace (loopback only: the kernel talks to pytest over 127.0.0.1),
  IPC and UTS namespaces;
- a read-only view of the system (``/usr``, the libraries, a few files of ``/etc``) and
  of the Python environment and the crmsim package; nothing else of the host: no home
  folders, no submissions folder, no grader output folder, no exercise solutions;
- one writable folder, the submission's own temp folder, mounted at ``/sandbox``;
- limits set by :mod:`crmsim.grading._limited`: memory (address space), CPU time,
  process count, file size; when the grader runs as root the notebook runs as an unused
  user id of its own (so the process limit is per submission and it owns no host file).

:func:`problem` says in one line why the sandbox cannot start here (``None`` if it can).
"""

from __future__ import annotations

import functools
import itertools
import os
import pwd
import shutil
import site
import subprocess
import sys
import tempfile
from pathlib import Path

import crmsim

#: Values of the gradebook's ``isolation`` column.
ISOLATIONS = {
    "bwrap": "bubblewrap sandbox: own PID, network, IPC namespaces; read-only system; "
             "only its temp folder writable; memory, CPU and process limits",
    "none": "no sandbox (--no-sandbox): the notebook ran as the grader's user, could see "
            "its processes and files; only resource limits and a private temp folder",
}
INSIDE = "/sandbox"  # where the submission's temp folder appears inside the sandbox
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf", "passwd",
       "group", "hosts", "alternatives", "ssl", "mime.types", "fonts")
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
UID_BASE = 1_900_000_000
_uids = itertools.count()


def python_paths() -> list[str]:
    """Folders the interpreter, its libraries and crmsim live in (bound read-only)."""
    cands = {sys.base_prefix, sys.prefix, sys.exec_prefix, sys.base_exec_prefix,
             str(Path(sys.executable).resolve().parent.parent),
             str(Path(crmsim.__file__).resolve().parent), *site.getsitepackages()}
    paths = sorted({os.path.realpath(p) for p in cands if p and os.path.isdir(p)})
    out: list[str] = []
    for p in paths:  # drop folders already inside another one (sorted: parents first)
        if not any(p == q or p.startswith(q.rstrip("/") + "/") for q in out + ["/usr"]):
            out.append(p)
    return out


def sandbox_uid() -> int | None:
    """An unused user id for the next sandbox when the grader is root (else ``None``)."""
    if os.geteuid() != 0:
        return None
    while True:
        uid = UID_BASE + (os.getpid() % 100_000) * 100 + next(_uids) % 100
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid


def wrap(cmd: list[str], root: Path, *, uid: int | None) -> list[str]:
    """``bwrap ... -- cmd``: run ``cmd`` with ``root`` mounted writable at ``/sandbox``."""
    args = ["bwrap", "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid",
            "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]
    if uid is None:  # an ordinary user: a user namespace gives the other namespaces
        args += ["--unshare-user", "--cap-drop", "ALL"]
    else:  # root: keep only what _limited needs to switch to the sandbox's own user id
        # (and to enter /sandbox, owned by that id); switching clears every capability
        args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                 "--cap-add", "CAP_DAC_OVERRIDE"]
    for d in SYSTEM:
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    for name in ETC:
        if os.path.exists(f"/etc/{name}"):
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    # the private /tmp first: an environment that lives under /tmp (a clone in /tmp/x) is
    # then bound on top of it, instead of being hidden by it
    args += ["--proc", "/proc", "--dev", "/dev", "--bind", str(root), INSIDE,
             "--bind", str(root / "tmp"), "/tmp"]
    made: set[str] = set()
    for p in python_paths():
        for parent in reversed(Path(p).parents[:-1]):  # bwrap would make them 0700
            if str(parent) not in made and not os.path.islink(parent):
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", p, p]
    args += ["--chdir", f"{INSIDE}/work", "--", *cmd]
    return args


@functools.lru_cache(maxsize=1)
def problem() -> str | None:
    """Why the sandbox cannot start on this machine (one line), or ``None`` if it can."""
    if not sys.platform.startswith("linux"):
        return (f"the grading sandbox needs Linux namespaces and this is {sys.platform}: "
                "grade on Linux or in WSL 2 with bubblewrap installed")
    if shutil.which("bwrap") is None:
        return ("the grading sandbox needs bubblewrap and the `bwrap` program is not "
                "installed (Debian/Ubuntu/WSL: apt-get install bubblewrap; Fedora: dnf "
                "install bubblewrap)")
    with tempfile.TemporaryDirectory(prefix="crmsim-probe-") as tmp:
        root = Path(tmp)
        for d in ("work", "tmp"):
            (root / d).mkdir()
        uid = sandbox_uid()
        if uid is not None:
            for d in (root, root / "work", root / "tmp"):
                os.chown(d, uid, uid)
        # the same chain as a graded run: limits, own user id, Python with crmsim and nbval
        limited = str(Path(__file__).with_name("_limited.py"))
        cmd = [sys.executable, limited, "1024", "60", "64", "-" if uid is None else str(uid),
               "--", sys.executable, "-c",
               "import os, sys, crmsim.assignment, nbval.plugin; sys.exit(os.getpid() != 2)"]
        try:
            r = subprocess.run(wrap(cmd, root, uid=uid), capture_output=True, text=True,
                               timeout=120, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bwrap could not be started: {exc}"
    if r.returncode != 0:
        why = (r.stderr.strip().splitlines() or [f"exit code {r.returncode}"])[-1]
        if why.startswith("bwrap:"):
            return (f"bwrap is installed but cannot create its sandbox here ({why}); on "
                    "Ubuntu 24.04+ allow user namespaces for bwrap (AppArmor); in a "
                    "container, allow user namespaces")
        return (f"the sandbox could not start Python with crmsim in it ({why}); the Python "
                "environment must be readable by other users")
    return None
