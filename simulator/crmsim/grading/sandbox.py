"""The isolation boundary: everything between a graded notebook and the grader's machine.

One submission's run happens in a private temp folder, inside a bubblewrap (``bwrap``)
sandbox unless the instructor passes ``--no-sandbox``. bubblewrap is the sandbox Flatpak
uses (Debian/Ubuntu package ``bubblewrap``). Inside:

- its own PID namespace: the notebook sees only its own processes, and when the test run
  ends the kernel kills everything left in it (double forks and ``setsid`` included);
- its own network namespace (loopback only: the kernel talks to pytest over 127.0.0.1),
  IPC and UTS namespaces;
- a read-only view of the system (``/usr``, the libraries, a few files of ``/etc``) and
  of the Python environment and the crmsim package; nothing else of the host: no home
  folders, no submissions folder, no grader output folder, no exercise solutions;
- one writable folder, the submission's own temp folder, mounted at ``/sandbox``;
- limits set by :func:`limit_and_exec`, the first process of every run: memory (address
  space), CPU time, process count, file size; when the grader runs as root the notebook
  runs as an unused user id of its own (so the process limit is per submission and it
  owns no host file);
- a cap on the disk space of all its files together (:func:`disk_use`, watched while it
  runs): a run whose files pass ``disk_mb`` is killed, so one notebook cannot fill the
  disk under the whole batch; ``/dev`` is read-only and ``/dev/shm`` a small tmpfs, so it
  cannot fill the machine's memory with files either;
- an environment without anything of the grader's (no course secret, :func:`child_env`),
  a wall-clock timeout, and a kill of the whole process group at the end.

:func:`run_isolated` is the one entry point; :func:`problem` says in one line why the
sandbox cannot start here (``None`` if it can).
"""

from __future__ import annotations

import functools
import inspect
import io
import itertools
import json
import os
import pickle
import pwd
import shutil
import signal
import site
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import crmsim
from crmsim.course import assignment
from crmsim.errors import CrmsimError
from crmsim.grading.submissions import MAX_BYTES

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
NPROC = 256  # processes + threads of one submission (kernel, pytest and their threads)
FILE_BYTES = 512 * 1024 * 1024  # the largest file a run may write
BLOCK = 4096  # every file or folder counts at least this much disk (many empty files count)
SHM_BYTES = 64 * 1024 * 1024  # /dev/shm inside the sandbox (memory, not disk)
DISK_EVERY = 0.5  # seconds between two measurements of a run's disk use
HERE = Path(__file__).resolve().parent
_uids = itertools.count()


# ---------------------------------------------------------------- the first process of a run
def limit_and_exec(argv: list[str]) -> None:
    """Set resource limits (and, under a root grader, drop to the sandbox's own user id),
    then exec the real command: ``MEMORY_MB CPU_SECONDS NPROC FILE_BYTES UID -- cmd ...``
    (``UID`` ``-`` keeps the current user).

    It runs as a program of its own (:func:`launcher`, ``python -c``), not in
    ``preexec_fn``, which keeps the grader's threads safe; inside the sandbox it is the only
    code that runs before the notebook, so it imports only the standard library (not crmsim:
    that would cost a second per run).
    """
    import os
    import resource

    memory_mb, cpu_s, nproc, fsize, uid = (int(argv[0]), int(argv[1]), int(argv[2]),
                                           int(argv[3]), argv[4])
    cmd = argv[6:] if argv[5] == "--" else argv[5:]
    lim = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    if uid != "-":
        u = int(uid)
        os.setgroups([])
        os.setresgid(u, u, u)
        os.setresuid(u, u, u)
        if os.getuid() != u or os.geteuid() != u:
            raise SystemExit("could not switch to the sandbox user id")
    os.execv(cmd[0], cmd)


@functools.lru_cache(maxsize=1)
def _launcher_source() -> str:
    return inspect.getsource(limit_and_exec) + "\nimport sys\nlimit_and_exec(sys.argv[1:])\n"


def launcher(memory_mb: int, cpu_s: int, uid: int | None, cmd: list[str]) -> list[str]:
    """``python -c <limit_and_exec> LIMITS -- cmd``: ``cmd`` under the run's limits."""
    return [sys.executable, "-c", _launcher_source(), str(memory_mb), str(cpu_s), str(NPROC),
            str(FILE_BYTES), "-" if uid is None else str(uid), "--", *cmd]


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
    else:  # root: keep only what limit_and_exec needs to switch to the sandbox's own user id
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
    args += ["--proc", "/proc", *_dev(), "--bind", str(root), INSIDE,
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


def _dev() -> list[str]:
    """A minimal ``/dev``, read-only: bwrap's is a memory-backed folder the run could fill
    without limit (outside its own folder, so past the disk cap). ``/dev/shm`` stays
    writable at :data:`SHM_BYTES` where this bwrap can size a tmpfs (``--size``)."""
    shm = ["--size", str(SHM_BYTES), "--tmpfs", "/dev/shm"] if _sizes_tmpfs() else []
    return ["--dev", "/dev", *shm, "--remount-ro", "/dev"]


@functools.lru_cache(maxsize=1)
def _sizes_tmpfs() -> bool:
    try:
        r = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--size" in r.stdout + r.stderr


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
        cmd = [sys.executable, "-c", _launcher_source(), "1024", "60", "64", str(FILE_BYTES),
               "-" if uid is None else str(uid), "--", sys.executable, "-c",
               "import os, sys, crmsim.course.assignment, nbval.plugin; "
               "sys.exit(os.getpid() != 2)"]
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


# ---------------------------------------------------------------- one run
def child_env(root: str, token: str) -> dict:
    """The run's environment: nothing of the grader's ``CRMSIM_*`` (the secret), paths
    under ``root`` (``/sandbox`` inside the sandbox)."""
    keep = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update({
        "HOME": f"{root}/home", "USER": "student", "LOGNAME": "student",
        "TMPDIR": f"{root}/tmp", "IPYTHONDIR": f"{root}/ipython",
        "JUPYTER_RUNTIME_DIR": f"{root}/jupyter/runtime",
        "JUPYTER_DATA_DIR": f"{root}/jupyter/data",
        "JUPYTER_CONFIG_DIR": f"{root}/jupyter/config",
        "XDG_CACHE_HOME": f"{root}/cache", "XDG_CONFIG_HOME": f"{root}/config",
        "MPLCONFIGDIR": f"{root}/mpl", "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "CRMSIM_GRADE_TOKEN": token,
        "CRMSIM_GRADE_REPORT": f"{root}/report.json",
        assignment.GRADING_DATA_ENV: f"{root}/work/assignment.pkl",
        assignment.ANSWERS_ENV: f"{root}/work/answers.json",
    })
    assert assignment.SECRET_ENV not in env
    return env


def prepare_folder(tmp: Path, nb_json: str, bundle: dict, uid: int | None) -> None:
    """The run's private folder: the notebook, the student's data, the report plugin."""
    for d in ("work", "home", "tmp", "ipython", "jupyter/runtime", "jupyter/data",
              "jupyter/config", "cache", "config", "mpl"):
        (tmp / d).mkdir(parents=True, exist_ok=True)
    work = tmp / "work"
    (work / "pytest.ini").write_text("[pytest]\n")
    (work / "submission.ipynb").write_text(nb_json, encoding="utf-8")
    with open(work / "assignment.pkl", "wb") as fh:
        pickle.dump(bundle, fh)
    # runs as a plain file: importing the crmsim package would cost a second
    shutil.copyfile(HERE / "_nbplugin.py", work / "conftest.py")
    if uid is not None:
        for p in [tmp, *tmp.rglob("*")]:
            os.chown(p, uid, uid, follow_symlinks=False)


def pytest_command(root: str, cell_timeout: float) -> list[str]:
    """pytest + nbval on the notebook, as it runs inside the run's folder ``root``."""
    return [sys.executable, "-m", "pytest", "-p", "nbval.plugin", "-p", "no:cacheprovider",
            "--nbval-lax", "--nbval-current-env", f"--nbval-cell-timeout={cell_timeout:g}",
            "--nbval-kernel-startup-timeout=60", "-q", "--no-header", "-rN", "--tb=short",
            "-c", f"{root}/work/pytest.ini", "--rootdir", f"{root}/work", "submission.ipynb"]


def run_isolated(nb_json: str, bundle: dict, *, cell_timeout: float, wall_timeout: float,
                 memory_mb: int, isolation: str = "bwrap", keep: bool = False,
                 cancel: threading.Event | None = None, disk_mb: int | None = None) -> dict:
    """Execute a notebook with pytest + nbval in a private temp folder, sandboxed unless
    ``isolation="none"``; return what it left (answers, report, output tail).

    Takes no secret: ``bundle`` holds only the student's observable data and hidden
    inputs. Runs in the grader (a thread) or on a Dask worker. ``disk_mb``: the disk space
    all the run's files may take (None: no cap); past it the run is killed.
    """
    if isolation == "bwrap" and problem():
        raise CrmsimError(f"sandbox is unavailable on this worker: {problem()}")
    tmp = Path(tempfile.mkdtemp(prefix="crmsim-grade-"))
    token = uuid.uuid4().hex
    uid = sandbox_uid() if isolation == "bwrap" else None
    log = tempfile.TemporaryFile(prefix="crmsim-grade-log-")
    try:
        prepare_folder(tmp, nb_json, bundle, uid)
        root = INSIDE if isolation == "bwrap" else str(tmp)
        cmd = launcher(memory_mb, int(wall_timeout) * 2 + 10, uid,
                       pytest_command(root, cell_timeout))
        if isolation == "bwrap":
            cmd = wrap(cmd, tmp, uid=uid)
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=tmp / "work", env=child_env(root, token),
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        disk = None if disk_mb is None else disk_mb * 1024 * 1024
        stopped = _wait(proc, wall_timeout, cancel, tmp, disk)
        if isolation == "none":
            _kill_tagged(token)
        log.seek(0, io.SEEK_END)
        log.seek(max(0, log.tell() - 8000))
        return {"returncode": proc.returncode, "wall_timeout": stopped == "timeout",
                "cancelled": stopped == "cancelled", "disk_limit": stopped == "disk",
                "disk_mb": disk_mb, "stdout": log.read().decode("utf-8", "replace"),
                "seconds": time.monotonic() - t0, "isolation": isolation,
                "answers": read_json(tmp, "work", "answers.json"),
                "report": read_json(tmp, "report.json")}
    finally:
        log.close()
        if keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            _remove(tmp)


def _wait(proc: subprocess.Popen, timeout: float, cancel, folder: Path,
          disk: int | None) -> str | None:
    """Wait for the run; kill its whole process group on timeout, cancellation or when
    its files take more than ``disk`` bytes."""
    end = time.monotonic() + timeout
    measured = time.monotonic()
    why = None
    while proc.poll() is None:
        if cancel is not None and cancel.is_set():
            why = "cancelled"
        elif time.monotonic() > end:
            why = "timeout"
        elif disk is not None and time.monotonic() - measured >= DISK_EVERY:
            measured = time.monotonic()
            if disk_use(folder, stop_above=disk) > disk:
                why = "disk"
        if why:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
            break
        try:
            proc.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            pass
    return why


def disk_use(folder: Path, stop_above: int | None = None) -> int:
    """Bytes the files and folders under ``folder`` take on disk, links not followed; each
    entry counts at least :data:`BLOCK` (so a million empty files count too). Folders the
    run made unreadable are opened up (the grader owns them, or is root). Stops counting
    once past ``stop_above``."""
    total, todo = 0, [str(folder)]
    while todo and (stop_above is None or total <= stop_above):
        d = todo.pop()
        try:
            entries = list(os.scandir(d))
        except PermissionError:
            try:
                os.chmod(d, 0o700)
                entries = list(os.scandir(d))
            except OSError:
                continue
        except OSError:
            continue
        for e in entries:
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue
            total += max(st.st_blocks * 512, BLOCK)
            if stat.S_ISDIR(st.st_mode):
                todo.append(e.path)
    return total


def _kill_tagged(token: str) -> None:
    """Without a sandbox: kill every process that carries this run's token (best effort;
    a process that clears its environment escapes it, which the sandbox prevents)."""
    needle = f"CRMSIM_GRADE_TOKEN={token}".encode()
    for d in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (d / "environ").read_bytes().split(b"\0"):
                os.kill(int(d.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue


def _remove(tmp: Path) -> None:
    def fix(func, path, _exc):  # a notebook may have made its folders unwritable
        try:
            os.chmod(os.path.dirname(path), 0o700)
            func(path)
        except OSError:
            pass
    shutil.rmtree(tmp, onerror=fix)


def read_json(root: Path, *parts: str):
    """Read a JSON object the run left under ``root`` without following any link (the
    notebook could have replaced files or folders by links or FIFOs)."""
    fds = []
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        fds.append(fd)
        for d in parts[:-1]:
            fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            fds.append(fd)
        fd = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fd)
        fds.append(fd)
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            doc = json.loads(fh.read(MAX_BYTES).decode("utf-8"))
        return doc if isinstance(doc, dict) else None
    except (OSError, ValueError):
        return None
    finally:
        for fd in fds:
            os.close(fd)


def check_isolation(sandboxed: bool, scheduler: str | None) -> str:
    """``"bwrap"``, or ``"none"`` with the explicit opt-out; refuse if bwrap cannot run
    here (with a scheduler, each worker checks for itself)."""
    if not sandboxed:
        return "none"
    why = None if scheduler else problem()
    if why:
        raise CrmsimError(f"sandbox is unavailable: {why}; to grade without it (each "
                          "notebook then runs as your user) pass --no-sandbox")
    return "bwrap"
