"""Set resource limits (and, under a root grader, drop to the sandbox's own user id), then
exec the real command. Used as the first process of every graded run.

``python _limited.py MEMORY_MB CPU_SECONDS NPROC UID -- cmd ...`` (``UID`` ``-`` keeps the
current user). Doing this in a fresh process instead of ``preexec_fn`` keeps the grader's
threads safe, and inside the sandbox it is the only code that runs before the notebook.
"""

from __future__ import annotations

import os
import resource
import sys


def main(argv: list[str]) -> None:
    memory_mb, cpu_s, nproc, uid = int(argv[0]), int(argv[1]), int(argv[2]), argv[3]
    cmd = argv[5:] if argv[4] == "--" else argv[4:]
    lim = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 5))
    fsize = 512 * 1024 * 1024
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


if __name__ == "__main__":
    main(sys.argv[1:])
