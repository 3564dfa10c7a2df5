"""The student's copy stands alone: the wheel installed with ``crmsim[course]`` in a clean
venv, plus what ``crmsim release --all --roster`` writes, runs every released notebook's
setup and every ``show_options`` call outside any course folder; and nothing a student
receives (the wheel, the released files) holds solution text."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
SECRET = "student-copy-test-secret"
STUDENT = "s2025001"


@pytest.fixture(scope="module")
def student_side(tmp_path_factory):
    """The wheel, a clean venv with it installed (course extra), and a released course."""
    tmp = tmp_path_factory.mktemp("student")
    wheels = tmp / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True, timeout=600)
    wheel = next(wheels.glob("crmsim-*.whl"))
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "-q",
                        f"crmsim[course] @ {wheel.as_uri()}"],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    (tmp / "roster.csv").write_text(f"student\n{STUDENT}\ns2025002\n")
    repo = tmp / "student-repo"
    r = subprocess.run([sys.executable, "-m", "crmsim.cli", "release", "--all", "--out", str(repo),
                        "--roster", str(tmp / "roster.csv"), "--keys", str(tmp / "keys.csv"),
                        "--exercises-dir", str(EXERCISES), "--jobs", "2"],
                       capture_output=True, text=True, timeout=900,
                       env={**os.environ, "CRMSIM_COURSE_SECRET": SECRET})
    assert r.returncode == 0, r.stderr
    keys = dict(line.split(",") for line in (tmp / "keys.csv").read_text().split()[1:])
    return {"tmp": tmp, "wheel": wheel, "python": py, "repo": repo, "keys": keys}


def _cells(nb_path: Path) -> list[tuple[dict, str]]:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return [(c.get("metadata", {}).get("crmsim", {}), "".join(c["source"]))
            for c in nb["cells"] if c["cell_type"] == "code"]


def test_released_notebooks_run_setup_and_options_from_the_wheel_alone(student_side):
    repo, key = student_side["repo"], student_side["keys"][STUDENT]
    notebooks = sorted(repo.glob("*.ipynb"))
    assert len(notebooks) == len(list(EXERCISES.glob("ex*/exercise.toml"))) == 8
    assert (repo / ".github" / "workflows" / "autograde.yml").is_file()
    assert "COURSE-VERSION" not in (repo / ".github/workflows/autograde.yml").read_text()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CRMSIM_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(MPLBACKEND="Agg", HOME=str(student_side["tmp"]))
    asked = 0
    for nb in notebooks:
        cells = _cells(nb)
        student = next(s for m, s in cells if m.get("kind") == "student")
        assert 'STUDENT_KEY = "your-key"' in student
        script = student.replace("your-student-id", STUDENT).replace("your-key", key) + "\n"
        script += next(s for m, s in cells if m.get("cell") == "setup") + "\n"
        calls = [c for _, s in cells for c in re.findall(r'data\.show_options\("q\d+"\)', s)]
        asked += len(calls)
        script += "\n".join(calls) + "\n"
        r = subprocess.run([str(student_side["python"]), "-c", script], cwd=repo, env=env,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, (nb.name, r.stderr[-3000:])
        lines = r.stdout.splitlines()
        assert any(s.startswith("Data: your own data") for s in lines), (nb.name, r.stdout)
        assert "unavailable" not in r.stdout, (nb.name, r.stdout)
        assert sum(1 for s in lines if s.startswith("1. ")) == len(calls), (nb.name, r.stdout)
    assert asked == 10  # every choice and ranking question of the course


def _solution_lines() -> set[str]:
    """Distinctive lines of every solution: solution.py, wrong/*.py, the solution regions
    and hidden cells of the source notebooks; minus the lines students are shown (locked
    cells and the frame of the solution cells).
    Not solution text: imports, comments, fragments of a wrapped line and named constants
    (``SIDES = (...)``: facts of the course the package also holds)."""
    found, shown = set(), set()

    def add(text, into):
        for line in text.splitlines():
            s = line.strip()
            if (len(s) >= 24 and re.match(r"[a-z_]", s) and not re.match(r"[A-Z_0-9]+ = ", s)
                    and not s.startswith(("from ", "import ")) and "NotImplementedError" not in s):
                into.add(s)

    for folder in EXERCISES.glob("ex*"):
        for p in [folder / "solution.py", *folder.glob("wrong/*.py")]:
            add(p.read_text(encoding="utf-8"), found)
        for nb in [*folder.glob("*.ipynb"), *folder.glob("zh/*.ipynb")]:
            for m, src in _cells(nb):
                if m.get("kind") == "solution":
                    body = re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", src, re.S)
                    add("\n".join(body), found)
                    add(re.sub(r"### BEGIN SOLUTION\n.*?### END SOLUTION", "", src, flags=re.S),
                        shown)  # the question's frame: a function's signature, a comment
                elif m.get("kind") == "hidden":
                    add(src, found)
                else:
                    add(src, shown)
    return found - shown


def test_nothing_a_student_receives_holds_solution_text(student_side):
    lines = _solution_lines()
    assert len(lines) > 300  # the check has something to find
    received = {}
    with zipfile.ZipFile(student_side["wheel"]) as z:
        for name in z.namelist():
            received[f"wheel:{name}"] = z.read(name).decode("utf-8", "replace")
    for p in student_side["repo"].rglob("*"):
        if p.is_file():
            received[f"repo:{p.relative_to(student_side['repo'])}"] = p.read_text("utf-8")
    names = {n.rsplit("/", 1)[-1] for n in received}
    assert not names & {"solution.py", "INSTRUCTOR.md", "exercise.toml"}
    leaks = [(where, line) for where, text in received.items() for line in lines
             if line in text]
    assert leaks == []
