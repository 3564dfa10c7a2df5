"""Set resource limits, then exec the real command (used by the grader's child process).

``python -m crmsim.grading._limited MEMORY_MB CPU_SECONDS -- cmd ...``. Doing this in a
fresh process instead of ``preexec_fn`` keeps the grader's thread pool safe.
"""

from __future__ import annotations

import os
import resource
import sys


def main(argv: list[str]) -> None:
    memory_mb, cpu_s = int(argv[0]), int(argv[1])
    cmd = argv[3:] if argv[2] == "--" else argv[2:]
    lim = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 5))
    fsize = 512 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
