"""How a batch is graded: the instructor's options (``crmsim grade`` flags)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass
class Options:
    jobs: int = max(1, os.cpu_count() or 1)
    cell_timeout: float | None = None  # default: the exercise's
    memory_mb: int = 3072
    wall_timeout: float | None = None  # default: derived from the cell timeout
    disk_mb: int = 1024  # files one submission's run may keep on disk, in total
    secret: str | None = None
    generator: object = None
    keep_temp: bool = False
    sandbox: bool = True  # False only with the instructor's explicit --no-sandbox
    scheduler: str | None = None  # address of a Dask scheduler; None: local threads
    #: name the known mistake (wrong/) a failed answer equals (runs the mistakes that lose
    #: a failed question on the student's data: grading.mistakes); False: skip those runs
    name_mistakes: bool = True
