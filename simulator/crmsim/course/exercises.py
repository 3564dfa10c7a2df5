"""Where the course's exercises live, and the data each one hands its students.

Each exercise is a folder ``exercises/<id>/`` whose ``exercise.toml`` defines it; its
``[data]`` table holds the arguments of :func:`crmsim.simulate` that make every student's
market (the seed is added per student). A student has only the released notebook and
``pip install crmsim``, no exercises folder, so the ``[data]`` tables of all exercises are
copied into the package file ``crmsim/data/exercises.json``:
``python -m crmsim.course.exercises`` writes it, ``--check`` only says whether it is
current (exit code 1 if not; a test runs it).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from crmsim.output import generated_file

EXERCISES_ENV = "CRMSIM_EXERCISES_DIR"
SPEC = "exercise.toml"
N_TOPICS = 39  # numbered topics of the course (course/coverage.toml, course/coverage.md)
DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "exercises.json"


def default_exercises_dir() -> Path:
    """``$CRMSIM_EXERCISES_DIR``, else ``./exercises``, else the repository's folder."""
    env = os.environ.get(EXERCISES_ENV)
    if env:
        return Path(env)
    cwd = Path.cwd() / "exercises"
    if cwd.is_dir():
        return cwd
    return Path(__file__).resolve().parents[3] / "exercises"


def available(root: Path | None = None) -> list[str]:
    """Ids of the exercises under ``root`` (the folders with an ``exercise.toml``)."""
    root = default_exercises_dir() if root is None else Path(root)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / SPEC).is_file())


def read_spec(folder: Path) -> dict:
    """The parsed ``exercise.toml`` of an exercise folder (raises OSError/TOMLDecodeError)."""
    return tomllib.loads((Path(folder) / SPEC).read_text(encoding="utf-8"))


def load_solution(path: Path, exercise_id: str):
    """Import an exercise's ``solution.py`` as a module of its own name."""
    name = f"crmsim_solution_{exercise_id.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------- the students' data
@functools.cache
def exercise_data() -> dict[str, dict]:
    """``exercise id -> arguments of crmsim.simulate``, from the package's exercises.json."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def data_from_specs(root: Path | None = None) -> dict[str, dict]:
    """The ``[data]`` table of every exercise under ``root`` that has one, by exercise id."""
    root = default_exercises_dir() if root is None else Path(root)
    out = {}
    for name in available(root):
        spec = read_spec(root / name)
        if "data" in spec:
            out[spec.get("id", name)] = spec["data"]
    return dict(sorted(out.items()))


def render_data(root: Path | None = None) -> str:
    return json.dumps(data_from_specs(root), indent=1, ensure_ascii=False) + "\n"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    return generated_file(DATA_FILE, render_data(), "python -m crmsim.course.exercises", argv)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
