"""environment.yml (conda) stays valid and lists the same dependencies as pyproject.toml."""

import re
import sys
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"python-duckdb": "duckdb"}  # conda-forge name -> PyPI name


def _name(spec: str) -> str:
    name = re.split(r"[<>=!~;\[ ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")
    return CONDA_NAMES.get(name, name)


def test_environment_yml_matches_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["name"] == "crmsim"
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(d) for d in project["dependencies"] if "python_version" not in d}
    extras = project["optional-dependencies"]
    wanted |= {_name(d) for name in extras for d in extras[name]} - {"crmsim"}
    from_pip = {_name(d) for d in pip if d != "-e ."}
    assert wanted - conda - from_pip == set()
    assert "python" in conda


def test_dev_brings_every_extra():
    """`make` installs crmsim[dev]: it must bring every other extra too."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    self_ref = next(d for d in extras["dev"] if d.startswith("crmsim["))
    named = set(self_ref[len("crmsim["):-1].split(","))
    assert named == set(extras) - {"dev"}
